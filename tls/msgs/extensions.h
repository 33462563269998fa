// Hello extensions (RFC 5246 7.4.1.4) as typed optional fields. Parsing depends on the message
// that carries them (ExtensionContext): ClientHello and ServerHello encode some differently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tls12/tls/codec.h>
#include <tls12/tls/error.h>
#include <tls12/tls/types.h>

namespace tls12 {

enum class ExtensionContext { client_hello, server_hello };

struct Extensions {
    // server_name (RFC 6066 3). ClientHello: the host_name (type 0) entry, an ASCII DNS host name
    // without a trailing dot (anything else is illegal_parameter), except that an IP literal is
    // ignored as if absent; other name types are skipped. ServerHello: the extension is empty and
    // only acknowledges -> server_name_ack.
    std::optional<std::string> server_name;  // client_hello only
    bool server_name_ack = false;            // server_hello only
    // supported_groups (RFC 8422 5.1.1), client_hello only.
    std::optional<std::vector<NamedGroup>> supported_groups;
    // ec_point_formats (RFC 8422 5.1.2): raw format bytes, 1..255 of them.
    std::optional<Bytes> ec_point_formats;
    // signature_algorithms (RFC 5246 7.4.1.4.1), client_hello only.
    std::optional<std::vector<SignatureScheme>> signature_algorithms;
    // ALPN (RFC 7301): the client's list; in a ServerHello exactly one name.
    std::optional<std::vector<std::string>> alpn;
    bool extended_master_secret = false;  // RFC 7627, empty extension
    bool encrypt_then_mac = false;        // RFC 7366, empty extension
    // renegotiation_info (RFC 5746 3.2): renegotiated_connection<0..255>.
    std::optional<Bytes> renegotiation_info;
    // session_ticket (RFC 5077 3.2): the ticket (may be empty); empty in a ServerHello.
    std::optional<Bytes> session_ticket;
    // supported_versions (RFC 8446 4.2.1): ClientHello a list, ServerHello exactly one value.
    std::optional<std::vector<ProtocolVersion>> supported_versions;
    // Every other extension (type, extension_data), in arrival order. Ignored by the engine on a
    // ClientHello; on a ServerHello any entry here was not solicited (RFC 5246 7.4.1.4:
    // unsupported_extension). Extensions that are not valid in the context (e.g.
    // supported_groups in a ServerHello) also land here.
    std::vector<std::pair<uint16_t, Bytes>> unknown;

    // Parses the optional extensions block at the end of a hello: if r is empty, no extensions
    // (returns an empty Extensions); otherwise a vec16 <0..2^16-1> that must fill r exactly.
    // Duplicate type -> illegal_parameter; malformed -> decode_error. Any number of extensions
    // is accepted (the engine bounds a handshake message by its size).
    static Result<Extensions> parse(Reader& r, ExtensionContext ctx);
    // Parses a complete extensions block (the vec16 including its length) with nothing after it;
    // an empty view means no extensions.
    static Result<Extensions> parse(ByteView block, ExtensionContext ctx);

    // Writes the extensions block in a fixed order (renegotiation_info, server_name,
    // supported_groups, ec_point_formats, signature_algorithms, alpn, encrypt_then_mac,
    // extended_master_secret, session_ticket, supported_versions, then unknown in order).
    // Writes nothing at all when there is nothing to write. Fields that do not belong to ctx
    // are not written. Values outside protocol limits mark the writer failed.
    void serialize(Writer& w, ExtensionContext ctx) const;
    Bytes serialize(ExtensionContext ctx) const;  // empty when a value is outside its limits

    // True when nothing would be written in ctx.
    bool empty(ExtensionContext ctx) const;

    bool operator==(const Extensions&) const = default;
};

}  // namespace tls12
