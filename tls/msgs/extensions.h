// Hello extensions (RFC 5246 7.4.1.4, RFC 8446 4.2) as typed optional fields. Parsing depends on
// the message that carries them (ExtensionContext): the same extension type is encoded
// differently in a ClientHello, a ServerHello, a HelloRetryRequest, ...
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

// The message an extensions block belongs to. server_hello serves TLS 1.2 and TLS 1.3 (the
// ServerHello struct is shared; a HelloRetryRequest is a ServerHello with a special random).
enum class ExtensionContext {
    client_hello,
    server_hello,
    hello_retry_request,
    encrypted_extensions,
    certificate_request,
    certificate_entry,
    new_session_ticket,
};

const char* to_string(ExtensionContext ctx) noexcept;

// PskKeyExchangeMode values (RFC 8446 4.2.9).
inline constexpr uint8_t kPskKe = 0;
inline constexpr uint8_t kPskDheKe = 1;

// KeyShareEntry (RFC 8446 4.2.8): NamedGroup group; opaque key_exchange<1..2^16-1>.
struct KeyShareEntry {
    NamedGroup group = NamedGroup::x25519;
    Bytes key_exchange;

    bool operator==(const KeyShareEntry&) const = default;
};

// PskIdentity (RFC 8446 4.2.11): opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age.
struct PskIdentity {
    Bytes identity;
    uint32_t obfuscated_ticket_age = 0;

    bool operator==(const PskIdentity&) const = default;
};

// OfferedPsks (RFC 8446 4.2.11): PskIdentity identities<7..2^16-1>;
// PskBinderEntry binders<33..2^16-1>, each PskBinderEntry<32..255>; one binder per identity.
struct OfferedPsks {
    std::vector<PskIdentity> identities;
    std::vector<Bytes> binders;

    // The size of the encoded binders list, its 2-byte length included. The pre_shared_key
    // extension is the last of the ClientHello and the binders its last field, so these are the
    // last bytes of the encoded ClientHello: a binder is computed over the ClientHello without
    // them (RFC 8446 4.2.11.2).
    size_t binders_size() const;

    // Writes the binders list over the last binders_size() bytes of encoded_hello (a
    // ClientHello as serialized, with or without its handshake header). To build a ClientHello
    // with binders: serialize it with placeholder binders of the right lengths (e.g. zeros of the
    // hash length), compute each binder over the encoding minus binders_size() bytes, set
    // binders, then patch. The placeholders there must have the lengths of binders (same count,
    // same sizes): else internal_error and nothing is written.
    Status patch_binders(MutableByteView encoded_hello) const;

    bool operator==(const OfferedPsks&) const = default;
};

// The order in which extensions arrived (their types), kept so that a parsed block serializes
// back to the same bytes: RFC 8448's traces are checked byte for byte, and the order is not
// part of an extension block's meaning. So it is not part of the value either: two Extensions
// that hold the same extensions are equal whatever their order.
struct ExtensionOrder {
    std::vector<uint16_t> types;

    bool operator==(const ExtensionOrder&) const { return true; }
};

struct Extensions {
    // server_name (RFC 6066 3). ClientHello: the host_name (type 0) entry, an ASCII DNS host name
    // without a trailing dot (anything else is illegal_parameter), except that an IP literal is
    // ignored as if absent; other name types are skipped. ServerHello and EncryptedExtensions:
    // the extension is empty and only acknowledges -> server_name_ack.
    std::optional<std::string> server_name;  // client_hello only
    bool server_name_ack = false;            // server_hello, encrypted_extensions
    // supported_groups (RFC 8422 5.1.1, RFC 8446 4.2.7): client_hello, encrypted_extensions (the
    // server's preference, for the client's next connection).
    std::optional<std::vector<NamedGroup>> supported_groups;
    // ec_point_formats (RFC 8422 5.1.2): raw format bytes, 1..255 of them.
    std::optional<Bytes> ec_point_formats;
    // signature_algorithms (RFC 5246 7.4.1.4.1, RFC 8446 4.2.3): client_hello,
    // certificate_request.
    std::optional<std::vector<SignatureScheme>> signature_algorithms;
    // signature_algorithms_cert (RFC 8446 4.2.3), the same form: client_hello,
    // certificate_request.
    std::optional<std::vector<SignatureScheme>> signature_algorithms_cert;
    // ALPN (RFC 7301): the client's list; in a ServerHello or EncryptedExtensions exactly one.
    std::optional<std::vector<std::string>> alpn;
    bool extended_master_secret = false;  // RFC 7627, empty extension
    bool encrypt_then_mac = false;        // RFC 7366, empty extension
    // renegotiation_info (RFC 5746 3.2): renegotiated_connection<0..255>.
    std::optional<Bytes> renegotiation_info;
    // session_ticket (RFC 5077 3.2): the ticket (may be empty); empty in a ServerHello.
    std::optional<Bytes> session_ticket;
    // supported_versions (RFC 8446 4.2.1): ClientHello a list <2..254> bytes, ServerHello and
    // HelloRetryRequest exactly one value.
    std::optional<std::vector<ProtocolVersion>> supported_versions;
    // key_share (RFC 8446 4.2.8), one field per form: the client's shares (KeyShareClientHello,
    // possibly empty; two shares of one group are illegal_parameter), the server's share
    // (KeyShareServerHello) and a HelloRetryRequest's selected_group.
    std::optional<std::vector<KeyShareEntry>> key_shares;  // client_hello
    std::optional<KeyShareEntry> key_share;                // server_hello
    std::optional<NamedGroup> key_share_group;             // hello_retry_request
    // psk_key_exchange_modes (RFC 8446 4.2.9): ke_modes<1..255> (kPskKe, kPskDheKe, ...),
    // client_hello.
    std::optional<std::vector<uint8_t>> psk_key_exchange_modes;
    // pre_shared_key (RFC 8446 4.2.11): the client's offer (always written last; when parsed it
    // must have been the last extension, else illegal_parameter) and the server's
    // selected_identity.
    std::optional<OfferedPsks> pre_shared_key;  // client_hello
    std::optional<uint16_t> selected_psk;       // server_hello
    // cookie (RFC 8446 4.2.2): opaque cookie<1..2^16-1>; hello_retry_request, client_hello.
    std::optional<Bytes> cookie;
    // early_data (RFC 8446 4.2.10): empty in client_hello and encrypted_extensions; in a
    // NewSessionTicket it carries max_early_data_size.
    bool early_data = false;
    std::optional<uint32_t> max_early_data_size;  // new_session_ticket
    // certificate_authorities (RFC 8446 4.2.4): DistinguishedName authorities<3..2^16-1>, each
    // a DER Name <1..2^16-1>; client_hello, certificate_request.
    std::optional<std::vector<Bytes>> certificate_authorities;
    // Every other extension (type, extension_data), in arrival order. Ignored by the engine on a
    // ClientHello; on a ServerHello any entry here was not solicited (RFC 5246 7.4.1.4:
    // unsupported_extension). Extensions that are not parsed in the context (e.g.
    // supported_groups in a ServerHello, anything in a CertificateEntry) also land here.
    std::vector<std::pair<uint16_t, Bytes>> unknown;
    // How they arrived, for serializing a parsed block back byte for byte (not part of the value).
    ExtensionOrder order;

    // Parses the optional extensions block at the end of a hello: if r is empty, no extensions
    // (returns an empty Extensions); otherwise a vec16 <0..2^16-1> that must fill r exactly.
    // Duplicate type -> illegal_parameter; malformed -> decode_error. Any number of extensions
    // is accepted (the engine bounds a handshake message by its size).
    static Result<Extensions> parse(Reader& r, ExtensionContext ctx);
    // Parses a complete extensions block (the vec16 including its length) with nothing after it;
    // an empty view means no extensions.
    static Result<Extensions> parse(ByteView block, ExtensionContext ctx);
    // Reads a block that must be there (TLS 1.3's messages: Extension extensions<min..max>),
    // the vec16 at r's position; r moves past it and may hold more after it.
    static Result<Extensions> read_block(Reader& r, ExtensionContext ctx, size_t min = 0,
                                         size_t max = 0xFFFF);

    // Writes the extensions block. A parsed block is written in the order it arrived; fields
    // set since then, and a block that was never parsed, in a fixed order (renegotiation_info,
    // server_name, supported_groups, ec_point_formats, signature_algorithms, alpn,
    // encrypt_then_mac, extended_master_secret, session_ticket, supported_versions, key_share,
    // psk_key_exchange_modes, cookie, early_data, signature_algorithms_cert,
    // certificate_authorities, then unknown in order); pre_shared_key always last. Writes
    // nothing at all when there is nothing to write. Fields that do not belong to ctx are not
    // written. Values outside protocol limits mark the writer failed.
    void serialize(Writer& w, ExtensionContext ctx) const;
    Bytes serialize(ExtensionContext ctx) const;  // empty when a value is outside its limits
    // The same, but the block is always written (an empty one as its zero length): TLS 1.3's
    // messages other than the hellos.
    void write_block(Writer& w, ExtensionContext ctx) const;

    // The extension types serialize() writes in ctx, in that order.
    std::vector<uint16_t> types(ExtensionContext ctx) const;
    // True when nothing would be written in ctx.
    bool empty(ExtensionContext ctx) const;

    bool operator==(const Extensions&) const = default;
};

// RFC 8446 4.2: "If an implementation receives an extension which it recognizes and which is not
// specified for the message in which it appears, it MUST abort the handshake with an
// "illegal_parameter" alert." Checks every extension in ext (typed or unknown) against the table
// of RFC 8446 4.2 for a TLS 1.3 message ctx (server_hello meaning a TLS 1.3 ServerHello); the
// TLS 1.2-only extensions we implement count as allowed in a ClientHello only. Types the table
// does not name pass: whether they were solicited is the caller's question.
Status check_tls13_extensions(const Extensions& ext, ExtensionContext ctx);

}  // namespace tls12
