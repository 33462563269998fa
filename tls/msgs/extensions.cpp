#include <tls12/tls/msgs/extensions.h>

#include <algorithm>

#include <tls12/tls/host_name.h>
#include <tls12/tls/msgs/handshake.h>
#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;
using msgs_detail::illegal;

namespace {

std::string ext_name(uint16_t type) {
    return to_string(static_cast<ExtensionType>(type));
}

Error malformed(ExtensionType type) {
    return decode("extension " + to_string(type));
}

// A list of 16-bit values in a vector whose length field is len_width bytes wide (RFC 5246 4.3:
// the length counts bytes, so it must be even).
template <typename T>
bool read_u16_list(ByteView data, size_t len_width, size_t min, size_t max, std::vector<T>& out) {
    Reader r(data);
    Reader list = len_width == 1 ? r.sub8(min, max) : r.sub16(min, max);
    if (!r.finish() || !list.ok() || list.remaining() % 2 != 0) return false;
    out.clear();
    while (!list.empty()) out.push_back(static_cast<T>(list.u16()));
    return list.finish();
}

// RFC 6066 3: ServerNameList server_name_list<1..2^16-1>; each ServerName is name_type followed,
// for host_name(0), by HostName<1..2^16-1>. Unknown name types are skipped.
Status parse_server_name(ByteView data, Extensions& ext) {
    Reader r(data);
    Reader list = r.sub16(1, 0xFFFF);
    if (!r.finish()) return malformed(ExtensionType::server_name);
    bool seen_host_name = false;
    while (!list.empty()) {
        uint8_t name_type = list.u8();
        ByteView name = list.vec16(1, 0xFFFF);
        if (!list.ok()) return malformed(ExtensionType::server_name);
        if (name_type != 0) continue;
        // RFC 6066 3: "The ServerNameList MUST NOT contain more than one name of the same
        // name_type."
        if (seen_host_name) return illegal("more than one host_name in server_name");
        seen_host_name = true;
        const std::string_view host(reinterpret_cast<const char*>(name.data()), name.size());
        // RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"." Some
        // clients send them all the same (Python's ssl module before 3.7, bpo-32185); a server
        // can serve them its default certificate, so they are ignored rather than refused.
        if (is_ip_literal(host)) continue;
        // RFC 6066 3: an ASCII DNS host name without a trailing dot. Nothing else is kept (the
        // name reaches certificate selection, sessions and logs); the reason never repeats it.
        if (auto problem = host_name_problem(host))
            return illegal("server_name host_name is not a DNS host name: " + *problem);
        ext.server_name = std::string(host);
    }
    return Status::success();
}

// RFC 7301 3.1: ProtocolNameList protocol_name_list<2..2^16-1> of ProtocolName<1..2^8-1>.
Status parse_alpn(ByteView data, ExtensionContext ctx, Extensions& ext) {
    Reader r(data);
    Reader list = r.sub16(2, 0xFFFF);
    if (!r.finish()) return malformed(ExtensionType::application_layer_protocol_negotiation);
    std::vector<std::string> names;
    while (!list.empty()) {
        ByteView name = list.vec8(1, 0xFF);
        if (!list.ok()) return malformed(ExtensionType::application_layer_protocol_negotiation);
        names.emplace_back(name.begin(), name.end());
    }
    // RFC 7301 3.1: the server's "ProtocolNameList" MUST contain exactly one "ProtocolName".
    if (ctx == ExtensionContext::server_hello && names.size() != 1)
        return illegal("ServerHello ALPN must name exactly one protocol");
    ext.alpn = std::move(names);
    return Status::success();
}

Status parse_empty(ByteView data, ExtensionType type, bool& flag) {
    if (!data.empty()) return malformed(type);
    flag = true;
    return Status::success();
}

// True when the extension type is understood in this context; others are kept in `unknown`.
bool known_in(uint16_t type, ExtensionContext ctx) {
    switch (static_cast<ExtensionType>(type)) {
        case ExtensionType::server_name:
        case ExtensionType::ec_point_formats:
        case ExtensionType::application_layer_protocol_negotiation:
        case ExtensionType::encrypt_then_mac:
        case ExtensionType::extended_master_secret:
        case ExtensionType::session_ticket:
        case ExtensionType::supported_versions:
        case ExtensionType::renegotiation_info:
            return true;
        case ExtensionType::supported_groups:
        case ExtensionType::signature_algorithms:
            return ctx == ExtensionContext::client_hello;
        default:
            return false;
    }
}

Status parse_known(uint16_t raw_type, ByteView data, ExtensionContext ctx, Extensions& ext) {
    const bool client = ctx == ExtensionContext::client_hello;
    const auto type = static_cast<ExtensionType>(raw_type);
    switch (type) {
        case ExtensionType::server_name:
            if (client) return parse_server_name(data, ext);
            // RFC 6066 3: the server's extension_data "SHALL be empty".
            return parse_empty(data, type, ext.server_name_ack);
        case ExtensionType::supported_groups: {
            std::vector<NamedGroup> groups;
            // RFC 8422 5.1.1: NamedGroup named_group_list<2..2^16-1>.
            if (!read_u16_list(data, 2, 2, 0xFFFE, groups)) return malformed(type);
            ext.supported_groups = std::move(groups);
            return Status::success();
        }
        case ExtensionType::ec_point_formats: {
            // RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>.
            Reader r(data);
            ByteView formats = r.vec8(1, 0xFF);
            if (!r.finish()) return malformed(type);
            ext.ec_point_formats = Bytes(formats.begin(), formats.end());
            return Status::success();
        }
        case ExtensionType::signature_algorithms: {
            std::vector<SignatureScheme> schemes;
            // RFC 5246 7.4.1.4.1: supported_signature_algorithms<2..2^16-2>.
            if (!read_u16_list(data, 2, 2, 0xFFFE, schemes)) return malformed(type);
            ext.signature_algorithms = std::move(schemes);
            return Status::success();
        }
        case ExtensionType::application_layer_protocol_negotiation:
            return parse_alpn(data, ctx, ext);
        case ExtensionType::encrypt_then_mac:
            return parse_empty(data, type, ext.encrypt_then_mac);
        case ExtensionType::extended_master_secret:
            return parse_empty(data, type, ext.extended_master_secret);
        case ExtensionType::renegotiation_info: {
            // RFC 5746 3.2: opaque renegotiated_connection<0..255>.
            Reader r(data);
            ByteView rc = r.vec8(0, 0xFF);
            if (!r.finish()) return malformed(type);
            ext.renegotiation_info = Bytes(rc.begin(), rc.end());
            return Status::success();
        }
        case ExtensionType::session_ticket:
            // RFC 5077 3.2: the server "MUST send an empty SessionTicket extension".
            if (!client && !data.empty()) return malformed(type);
            ext.session_ticket = Bytes(data.begin(), data.end());
            return Status::success();
        case ExtensionType::supported_versions: {
            std::vector<ProtocolVersion> versions;
            if (client) {
                // RFC 8446 4.2.1: ProtocolVersion versions<2..254>.
                if (!read_u16_list(data, 1, 2, 0xFE, versions)) return malformed(type);
            } else {
                Reader r(data);
                versions.push_back(static_cast<ProtocolVersion>(r.u16()));
                if (!r.finish()) return malformed(type);
            }
            ext.supported_versions = std::move(versions);
            return Status::success();
        }
        default:
            return make_error(AlertDescription::internal_error, "unhandled extension");
    }
}

}  // namespace

Result<Extensions> Extensions::parse(Reader& r, ExtensionContext ctx) {
    Extensions ext;
    if (!r.ok()) return decode("hello before extensions");
    if (r.empty()) return ext;  // RFC 5246 7.4.1.2: the extensions block may be absent
    Reader block = r.sub16(0, 0xFFFF);
    if (!r.finish()) return decode("extensions block");
    // One bit per extension type: a block may hold thousands of extensions, and finding a
    // duplicate must not cost a scan per extension.
    std::vector<bool> seen(0x10000);
    while (!block.empty()) {
        uint16_t type = block.u16();
        ByteView data = block.vec16(0, 0xFFFF);
        if (!block.ok()) return decode("extension header");
        // RFC 5246 7.4.1.4: "There MUST NOT be more than one extension of the same type."
        if (seen[type]) return illegal("duplicate extension " + ext_name(type));
        seen[type] = true;
        if (!known_in(type, ctx)) {
            ext.unknown.emplace_back(type, Bytes(data.begin(), data.end()));
            continue;
        }
        Status st = parse_known(type, data, ctx, ext);
        if (!st) return std::move(st).error();
    }
    return ext;
}

Result<Extensions> Extensions::parse(ByteView block, ExtensionContext ctx) {
    Reader r(block);
    return parse(r, ctx);
}

namespace {

// One extension: type | extension_data<0..2^16-1>, the body written by the caller while the
// returned guard is alive.
Writer::LengthPrefix open_ext(Writer& w, ExtensionType type) {
    w.u16(static_cast<uint16_t>(type));
    return w.prefix16();
}

template <typename T>
void write_u16_list(Writer& w, const std::vector<T>& values, bool len8, size_t min, size_t max) {
    size_t bytes = values.size() * 2;
    if (bytes < min || bytes > max) w.fail();
    auto list = len8 ? w.prefix8() : w.prefix16();
    for (T v : values) w.u16(static_cast<uint16_t>(v));
}

void write_body(Writer& w, const Extensions& e, ExtensionContext ctx) {
    const bool client = ctx == ExtensionContext::client_hello;
    if (e.renegotiation_info) {
        auto g = open_ext(w, ExtensionType::renegotiation_info);
        w.vec8(*e.renegotiation_info);
    }
    if (client && e.server_name) {
        // RFC 6066 3: an ASCII DNS host name, never an IP literal.
        if (is_ip_literal(*e.server_name) || host_name_problem(*e.server_name)) w.fail();
        auto g = open_ext(w, ExtensionType::server_name);
        auto list = w.prefix16();
        w.u8(0);  // host_name
        w.vec16(crypto::as_bytes(*e.server_name), 1);
    }
    if (!client && e.server_name_ack) open_ext(w, ExtensionType::server_name).close();
    if (client && e.supported_groups) {
        auto g = open_ext(w, ExtensionType::supported_groups);
        write_u16_list(w, *e.supported_groups, false, 2, 0xFFFE);
    }
    if (e.ec_point_formats) {
        auto g = open_ext(w, ExtensionType::ec_point_formats);
        w.vec8(*e.ec_point_formats, 1);
    }
    if (client && e.signature_algorithms) {
        auto g = open_ext(w, ExtensionType::signature_algorithms);
        write_u16_list(w, *e.signature_algorithms, false, 2, 0xFFFE);
    }
    if (e.alpn) {
        if (e.alpn->empty() || (!client && e.alpn->size() != 1)) w.fail();
        auto g = open_ext(w, ExtensionType::application_layer_protocol_negotiation);
        auto list = w.prefix16();
        for (const std::string& name : *e.alpn) w.vec8(crypto::as_bytes(name), 1);
    }
    if (e.encrypt_then_mac) open_ext(w, ExtensionType::encrypt_then_mac).close();
    if (e.extended_master_secret) open_ext(w, ExtensionType::extended_master_secret).close();
    if (e.session_ticket) {
        if (!client && !e.session_ticket->empty()) w.fail();
        auto g = open_ext(w, ExtensionType::session_ticket);
        w.bytes(*e.session_ticket);
    }
    if (e.supported_versions) {
        auto g = open_ext(w, ExtensionType::supported_versions);
        if (client) {
            write_u16_list(w, *e.supported_versions, true, 2, 0xFE);
        } else if (e.supported_versions->size() == 1) {
            w.u16(static_cast<uint16_t>(e.supported_versions->front()));
        } else {
            w.fail();
        }
    }
    for (const auto& [type, data] : e.unknown) {
        w.u16(type);
        w.vec16(data);
    }
}

}  // namespace

void Extensions::serialize(Writer& w, ExtensionContext ctx) const {
    Writer body;
    write_body(body, *this, ctx);
    if (!body.ok()) w.fail();
    if (body.size() == 0) return;
    w.vec16(body.buffer());
}

Bytes Extensions::serialize(ExtensionContext ctx) const {
    Writer w;
    serialize(w, ctx);
    if (!w.ok()) return {};  // no bytes rather than malformed ones
    return w.take();
}

bool Extensions::empty(ExtensionContext ctx) const {
    Writer body;
    write_body(body, *this, ctx);
    return body.size() == 0;
}

}  // namespace tls12
