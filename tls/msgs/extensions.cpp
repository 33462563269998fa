#include <tls12/tls/msgs/extensions.h>

#include <algorithm>
#include <array>

#include <tls12/tls/host_name.h>
#include <tls12/tls/msgs/handshake.h>
#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;
using msgs_detail::illegal;

const char* to_string(ExtensionContext ctx) noexcept {
    switch (ctx) {
        case ExtensionContext::client_hello:
            return "ClientHello";
        case ExtensionContext::server_hello:
            return "ServerHello";
        case ExtensionContext::hello_retry_request:
            return "HelloRetryRequest";
        case ExtensionContext::encrypted_extensions:
            return "EncryptedExtensions";
        case ExtensionContext::certificate_request:
            return "CertificateRequest";
        case ExtensionContext::certificate_entry:
            return "CertificateEntry";
        case ExtensionContext::new_session_ticket:
            return "NewSessionTicket";
        default:
            return "unknown";
    }
}

namespace {

using Ctx = ExtensionContext;
using Type = ExtensionType;

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
    if (ctx != ExtensionContext::client_hello && names.size() != 1)
        return illegal(std::string(to_string(ctx)) + " ALPN must name exactly one protocol");
    ext.alpn = std::move(names);
    return Status::success();
}

Status parse_empty(ByteView data, ExtensionType type, bool& flag) {
    if (!data.empty()) return malformed(type);
    flag = true;
    return Status::success();
}

// RFC 8446 4.2.8: KeyShareEntry: NamedGroup group; opaque key_exchange<1..2^16-1>.
bool read_key_share_entry(Reader& r, KeyShareEntry& out) {
    out.group = static_cast<NamedGroup>(r.u16());
    ByteView key = r.vec16(1, 0xFFFF);
    out.key_exchange.assign(key.begin(), key.end());
    return r.ok();
}

Status parse_key_share(ByteView data, ExtensionContext ctx, Extensions& ext) {
    Reader r(data);
    if (ctx == Ctx::hello_retry_request) {
        // KeyShareHelloRetryRequest: NamedGroup selected_group.
        ext.key_share_group = static_cast<NamedGroup>(r.u16());
        return r.finish() ? Status::success() : malformed(Type::key_share);
    }
    if (ctx == Ctx::server_hello) {
        // KeyShareServerHello: KeyShareEntry server_share.
        KeyShareEntry entry;
        if (!read_key_share_entry(r, entry) || !r.finish()) return malformed(Type::key_share);
        ext.key_share = std::move(entry);
        return Status::success();
    }
    // KeyShareClientHello: KeyShareEntry client_shares<0..2^16-1>.
    Reader list = r.sub16(0, 0xFFFF);
    if (!r.finish()) return malformed(Type::key_share);
    std::vector<KeyShareEntry> shares;
    while (!list.empty()) {
        KeyShareEntry entry;
        if (!read_key_share_entry(list, entry)) return malformed(Type::key_share);
        // RFC 8446 4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same
        // group ... Servers MAY check for violations of these rules and abort the handshake with
        // an "illegal_parameter" alert".
        for (const KeyShareEntry& earlier : shares)
            if (earlier.group == entry.group)
                return illegal("two key shares for group " + to_string(entry.group));
        shares.push_back(std::move(entry));
    }
    ext.key_shares = std::move(shares);
    return Status::success();
}

// RFC 8446 4.2.11: OfferedPsks { PskIdentity identities<7..2^16-1>;
// PskBinderEntry binders<33..2^16-1>; }, PskBinderEntry<32..255>.
Status parse_offered_psks(ByteView data, Extensions& ext) {
    Reader r(data);
    Reader identities = r.sub16(7, 0xFFFF);
    Reader binders = r.sub16(33, 0xFFFF);
    if (!r.finish()) return malformed(Type::pre_shared_key);
    OfferedPsks psks;
    while (!identities.empty()) {
        PskIdentity id;
        ByteView identity = identities.vec16(1, 0xFFFF);
        id.obfuscated_ticket_age = identities.u32();
        if (!identities.ok()) return malformed(Type::pre_shared_key);
        id.identity.assign(identity.begin(), identity.end());
        psks.identities.push_back(std::move(id));
    }
    while (!binders.empty()) {
        ByteView binder = binders.vec8(32, 0xFF);
        if (!binders.ok()) return malformed(Type::pre_shared_key);
        psks.binders.emplace_back(binder.begin(), binder.end());
    }
    // RFC 8446 4.2.11: binders are "a series of HMAC values, one for each value in the
    // identities list and in the same order".
    if (psks.binders.size() != psks.identities.size())
        return illegal("pre_shared_key has " + std::to_string(psks.identities.size()) +
                       " identities but " + std::to_string(psks.binders.size()) + " binders");
    ext.pre_shared_key = std::move(psks);
    return Status::success();
}

// RFC 8446 4.2.4: DistinguishedName authorities<3..2^16-1>; opaque DistinguishedName<1..2^16-1>.
Status parse_certificate_authorities(ByteView data, Extensions& ext) {
    Reader r(data);
    Reader list = r.sub16(3, 0xFFFF);
    if (!r.finish()) return malformed(Type::certificate_authorities);
    std::vector<Bytes> names;
    while (!list.empty()) {
        ByteView name = list.vec16(1, 0xFFFF);
        if (!list.ok()) return malformed(Type::certificate_authorities);
        names.emplace_back(name.begin(), name.end());
    }
    ext.certificate_authorities = std::move(names);
    return Status::success();
}

Status parse_supported_versions(ByteView data, ExtensionContext ctx, Extensions& ext) {
    std::vector<ProtocolVersion> versions;
    if (ctx == Ctx::client_hello) {
        // RFC 8446 4.2.1: ProtocolVersion versions<2..254>.
        if (!read_u16_list(data, 1, 2, 0xFE, versions)) return malformed(Type::supported_versions);
    } else {
        // ServerHello and HelloRetryRequest: ProtocolVersion selected_version.
        Reader r(data);
        versions.push_back(static_cast<ProtocolVersion>(r.u16()));
        if (!r.finish()) return malformed(Type::supported_versions);
    }
    ext.supported_versions = std::move(versions);
    return Status::success();
}

Status parse_bytes(ByteView data, ExtensionType type, size_t len_width, size_t min, size_t max,
                   std::optional<Bytes>& out) {
    Reader r(data);
    ByteView body = len_width == 1 ? r.vec8(min, max) : r.vec16(min, max);
    if (!r.finish()) return malformed(type);
    out = Bytes(body.begin(), body.end());
    return Status::success();
}

// True when the extension type is parsed into a field in this context; others are kept in
// `unknown`.
bool known_in(uint16_t type, ExtensionContext ctx) {
    const auto t = static_cast<ExtensionType>(type);
    switch (ctx) {
        case Ctx::client_hello:
            switch (t) {
                case Type::server_name:
                case Type::supported_groups:
                case Type::ec_point_formats:
                case Type::signature_algorithms:
                case Type::signature_algorithms_cert:
                case Type::application_layer_protocol_negotiation:
                case Type::encrypt_then_mac:
                case Type::extended_master_secret:
                case Type::session_ticket:
                case Type::supported_versions:
                case Type::renegotiation_info:
                case Type::key_share:
                case Type::psk_key_exchange_modes:
                case Type::pre_shared_key:
                case Type::cookie:
                case Type::early_data:
                case Type::certificate_authorities:
                    return true;
                default:
                    return false;
            }
        case Ctx::server_hello:
            switch (t) {
                case Type::server_name:
                case Type::ec_point_formats:
                case Type::application_layer_protocol_negotiation:
                case Type::encrypt_then_mac:
                case Type::extended_master_secret:
                case Type::session_ticket:
                case Type::supported_versions:
                case Type::renegotiation_info:
                case Type::key_share:
                case Type::pre_shared_key:
                    return true;
                default:
                    return false;
            }
        case Ctx::hello_retry_request:
            return t == Type::supported_versions || t == Type::key_share || t == Type::cookie;
        case Ctx::encrypted_extensions:
            return t == Type::server_name || t == Type::supported_groups ||
                   t == Type::application_layer_protocol_negotiation || t == Type::early_data;
        case Ctx::certificate_request:
            return t == Type::signature_algorithms || t == Type::signature_algorithms_cert ||
                   t == Type::certificate_authorities;
        case Ctx::new_session_ticket:
            return t == Type::early_data;
        case Ctx::certificate_entry:
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
        case ExtensionType::ec_point_formats:
            // RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>.
            return parse_bytes(data, type, 1, 1, 0xFF, ext.ec_point_formats);
        case ExtensionType::signature_algorithms:
        case ExtensionType::signature_algorithms_cert: {
            std::vector<SignatureScheme> schemes;
            // RFC 5246 7.4.1.4.1, RFC 8446 4.2.3: supported_signature_algorithms<2..2^16-2>.
            if (!read_u16_list(data, 2, 2, 0xFFFE, schemes)) return malformed(type);
            (type == ExtensionType::signature_algorithms ? ext.signature_algorithms
                                                         : ext.signature_algorithms_cert) =
                std::move(schemes);
            return Status::success();
        }
        case ExtensionType::application_layer_protocol_negotiation:
            return parse_alpn(data, ctx, ext);
        case ExtensionType::encrypt_then_mac:
            return parse_empty(data, type, ext.encrypt_then_mac);
        case ExtensionType::extended_master_secret:
            return parse_empty(data, type, ext.extended_master_secret);
        case ExtensionType::renegotiation_info:
            // RFC 5746 3.2: opaque renegotiated_connection<0..255>.
            return parse_bytes(data, type, 1, 0, 0xFF, ext.renegotiation_info);
        case ExtensionType::session_ticket:
            // RFC 5077 3.2: the server "MUST send an empty SessionTicket extension".
            if (!client && !data.empty()) return malformed(type);
            ext.session_ticket = Bytes(data.begin(), data.end());
            return Status::success();
        case ExtensionType::supported_versions:
            return parse_supported_versions(data, ctx, ext);
        case ExtensionType::key_share:
            return parse_key_share(data, ctx, ext);
        case ExtensionType::psk_key_exchange_modes:
            // RFC 8446 4.2.9: PskKeyExchangeMode ke_modes<1..255>.
            return parse_bytes(data, type, 1, 1, 0xFF, ext.psk_key_exchange_modes);
        case ExtensionType::pre_shared_key: {
            if (client) return parse_offered_psks(data, ext);
            // RFC 8446 4.2.11: ServerHello: uint16 selected_identity.
            Reader r(data);
            ext.selected_psk = r.u16();
            return r.finish() ? Status::success() : malformed(type);
        }
        case ExtensionType::cookie:
            // RFC 8446 4.2.2: opaque cookie<1..2^16-1>.
            return parse_bytes(data, type, 2, 1, 0xFFFF, ext.cookie);
        case ExtensionType::early_data: {
            // RFC 8446 4.2.10: empty, except in a NewSessionTicket: uint32 max_early_data_size.
            if (ctx != Ctx::new_session_ticket) return parse_empty(data, type, ext.early_data);
            Reader r(data);
            ext.max_early_data_size = r.u32();
            return r.finish() ? Status::success() : malformed(type);
        }
        case ExtensionType::certificate_authorities:
            return parse_certificate_authorities(data, ext);
        default:
            return make_error(AlertDescription::internal_error, "unhandled extension");
    }
}

// The body of an extensions block (without its length).
Result<Extensions> parse_body(Reader block, ExtensionContext ctx) {
    Extensions ext;
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
        ext.order.types.push_back(type);
        if (!known_in(type, ctx)) {
            ext.unknown.emplace_back(type, Bytes(data.begin(), data.end()));
            continue;
        }
        // RFC 8446 4.2.11: "The "pre_shared_key" extension MUST be the last extension in the
        // ClientHello ... Servers MUST check that it is the last extension and otherwise fail
        // the handshake with an "illegal_parameter" alert."
        if (type == static_cast<uint16_t>(Type::pre_shared_key) && ctx == Ctx::client_hello &&
            !block.empty())
            return illegal("pre_shared_key is not the last extension of the ClientHello");
        Status st = parse_known(type, data, ctx, ext);
        if (!st) return std::move(st).error();
    }
    return ext;
}

}  // namespace

Result<Extensions> Extensions::parse(Reader& r, ExtensionContext ctx) {
    if (!r.ok()) return decode("hello before extensions");
    if (r.empty()) return Extensions{};  // RFC 5246 7.4.1.2: the extensions block may be absent
    Reader block = r.sub16(0, 0xFFFF);
    if (!r.finish()) return decode("extensions block");
    return parse_body(block, ctx);
}

Result<Extensions> Extensions::parse(ByteView block, ExtensionContext ctx) {
    Reader r(block);
    return parse(r, ctx);
}

Result<Extensions> Extensions::read_block(Reader& r, ExtensionContext ctx, size_t min, size_t max) {
    Reader block = r.sub16(min, max);
    if (!r.ok()) return decode(std::string(to_string(ctx)) + " extensions block");
    return parse_body(block, ctx);
}

size_t OfferedPsks::binders_size() const {
    size_t size = 2;
    for (const Bytes& binder : binders) size += 1 + binder.size();
    return size;
}

namespace {

void write_binders(Writer& w, const std::vector<Bytes>& binders) {
    if (binders.empty()) w.fail();  // binders<33..2^16-1>
    auto list = w.prefix16();
    for (const Bytes& binder : binders) w.vec8(binder, 32);
}

}  // namespace

Status OfferedPsks::patch_binders(MutableByteView encoded_hello) const {
    const size_t size = binders_size();
    auto refuse = [](const char* why) {
        return make_error(AlertDescription::internal_error,
                          std::string("cannot patch the PSK binders: ") + why);
    };
    if (encoded_hello.size() < size) return refuse("the ClientHello is shorter than its binders");
    MutableByteView tail = encoded_hello.last(size);
    // The placeholders there must be a binders list of the same shape.
    Reader r(tail);
    Reader list = r.sub16(0, 0xFFFF);
    for (const Bytes& binder : binders)
        if (list.vec8(0, 0xFF).size() != binder.size()) return refuse("binder lengths differ");
    if (!r.finish() || !list.finish()) return refuse("the placeholders differ");
    Writer w;
    write_binders(w, binders);
    if (!w.ok() || w.size() != size) return refuse("a binder is outside its limits");
    std::copy(w.buffer().begin(), w.buffer().end(), tail.begin());
    return Status::success();
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

void write_key_share_entry(Writer& w, const KeyShareEntry& entry) {
    w.u16(static_cast<uint16_t>(entry.group));
    w.vec16(entry.key_exchange, 1);
}

void write_client_key_shares(Writer& w, const std::vector<KeyShareEntry>& shares) {
    auto list = w.prefix16();
    for (size_t i = 0; i < shares.size(); ++i) {
        for (size_t j = 0; j < i; ++j)
            if (shares[j].group == shares[i].group) w.fail();  // RFC 8446 4.2.8
        write_key_share_entry(w, shares[i]);
    }
}

void write_offered_psks(Writer& w, const OfferedPsks& psks) {
    if (psks.identities.empty() || psks.identities.size() != psks.binders.size()) w.fail();
    {
        auto list = w.prefix16();
        for (const PskIdentity& id : psks.identities) {
            w.vec16(id.identity, 1);
            w.u32(id.obfuscated_ticket_age);
        }
    }
    write_binders(w, psks.binders);
}

// The typed extensions, in the order they are written when no arrival order says otherwise;
// pre_shared_key goes last (RFC 8446 4.2.11).
constexpr std::array kWriteOrder = {
    Type::renegotiation_info,
    Type::server_name,
    Type::supported_groups,
    Type::ec_point_formats,
    Type::signature_algorithms,
    Type::application_layer_protocol_negotiation,
    Type::encrypt_then_mac,
    Type::extended_master_secret,
    Type::session_ticket,
    Type::key_share,  // before supported_versions, as RFC 8448's traces have them
    Type::supported_versions,
    Type::psk_key_exchange_modes,
    Type::cookie,
    Type::early_data,
    Type::signature_algorithms_cert,
    Type::certificate_authorities,
    Type::pre_shared_key,
};

// Whether the field for this type is set and belongs in ctx.
bool has(const Extensions& e, ExtensionType type, ExtensionContext ctx) {
    if (!known_in(static_cast<uint16_t>(type), ctx)) return false;
    const bool client = ctx == Ctx::client_hello;
    switch (type) {
        case Type::server_name:
            return client ? e.server_name.has_value() : e.server_name_ack;
        case Type::supported_groups:
            return e.supported_groups.has_value();
        case Type::ec_point_formats:
            return e.ec_point_formats.has_value();
        case Type::signature_algorithms:
            return e.signature_algorithms.has_value();
        case Type::signature_algorithms_cert:
            return e.signature_algorithms_cert.has_value();
        case Type::application_layer_protocol_negotiation:
            return e.alpn.has_value();
        case Type::encrypt_then_mac:
            return e.encrypt_then_mac;
        case Type::extended_master_secret:
            return e.extended_master_secret;
        case Type::renegotiation_info:
            return e.renegotiation_info.has_value();
        case Type::session_ticket:
            return e.session_ticket.has_value();
        case Type::supported_versions:
            return e.supported_versions.has_value();
        case Type::key_share:
            if (client) return e.key_shares.has_value();
            return ctx == Ctx::server_hello ? e.key_share.has_value()
                                            : e.key_share_group.has_value();
        case Type::psk_key_exchange_modes:
            return e.psk_key_exchange_modes.has_value();
        case Type::pre_shared_key:
            return client ? e.pre_shared_key.has_value() : e.selected_psk.has_value();
        case Type::cookie:
            return e.cookie.has_value();
        case Type::early_data:
            return ctx == Ctx::new_session_ticket ? e.max_early_data_size.has_value()
                                                  : e.early_data;
        case Type::certificate_authorities:
            return e.certificate_authorities.has_value();
        default:
            return false;
    }
}

// The extension_data of a typed extension that has() in ctx.
void write_data(Writer& w, const Extensions& e, ExtensionType type, ExtensionContext ctx) {
    const bool client = ctx == Ctx::client_hello;
    switch (type) {
        case Type::server_name:
            if (!client) return;  // an acknowledgement is empty
            // RFC 6066 3: an ASCII DNS host name, never an IP literal.
            if (is_ip_literal(*e.server_name) || host_name_problem(*e.server_name)) w.fail();
            {
                auto list = w.prefix16();
                w.u8(0);  // host_name
                w.vec16(crypto::as_bytes(*e.server_name), 1);
            }
            return;
        case Type::supported_groups:
            return write_u16_list(w, *e.supported_groups, false, 2, 0xFFFE);
        case Type::ec_point_formats:
            return w.vec8(*e.ec_point_formats, 1);
        case Type::signature_algorithms:
            return write_u16_list(w, *e.signature_algorithms, false, 2, 0xFFFE);
        case Type::signature_algorithms_cert:
            return write_u16_list(w, *e.signature_algorithms_cert, false, 2, 0xFFFE);
        case Type::application_layer_protocol_negotiation: {
            if (e.alpn->empty() || (!client && e.alpn->size() != 1)) w.fail();
            auto list = w.prefix16();
            for (const std::string& name : *e.alpn) w.vec8(crypto::as_bytes(name), 1);
            return;
        }
        case Type::renegotiation_info:
            return w.vec8(*e.renegotiation_info);
        case Type::session_ticket:
            if (!client && !e.session_ticket->empty()) w.fail();
            return w.bytes(*e.session_ticket);
        case Type::supported_versions:
            if (client) return write_u16_list(w, *e.supported_versions, true, 2, 0xFE);
            if (e.supported_versions->size() != 1) return w.fail();
            return w.u16(static_cast<uint16_t>(e.supported_versions->front()));
        case Type::key_share:
            if (client) return write_client_key_shares(w, *e.key_shares);
            if (ctx == Ctx::server_hello) return write_key_share_entry(w, *e.key_share);
            return w.u16(static_cast<uint16_t>(*e.key_share_group));
        case Type::psk_key_exchange_modes:
            return w.vec8(*e.psk_key_exchange_modes, 1);
        case Type::pre_shared_key:
            if (client) return write_offered_psks(w, *e.pre_shared_key);
            return w.u16(*e.selected_psk);
        case Type::cookie:
            return w.vec16(*e.cookie, 1);
        case Type::early_data:
            if (ctx == Ctx::new_session_ticket) w.u32(*e.max_early_data_size);
            return;
        case Type::certificate_authorities: {
            if (e.certificate_authorities->empty()) w.fail();  // authorities<3..2^16-1>
            auto list = w.prefix16();
            for (const Bytes& name : *e.certificate_authorities) w.vec16(name, 1);
            return;
        }
        case Type::encrypt_then_mac:
        case Type::extended_master_secret:
        default:
            return;  // empty extensions
    }
}

// One extension to write: a typed field, or an entry of `unknown`.
struct Slot {
    uint16_t type;
    const Bytes* raw;  // the unknown entry's data; nullptr for a typed field
};

// What serialize() writes, in order: the arrival order first (typed fields still set, and the
// unknown entries in the order they came), then typed fields set since in kWriteOrder, then the
// other unknown entries, and pre_shared_key last.
std::vector<Slot> slots(const Extensions& e, ExtensionContext ctx) {
    std::array<bool, kWriteOrder.size()> typed_done{};
    auto typed_index = [](uint16_t type) -> size_t {
        for (size_t i = 0; i < kWriteOrder.size(); ++i)
            if (static_cast<uint16_t>(kWriteOrder[i]) == type) return i;
        return kWriteOrder.size();
    };
    const auto psk = static_cast<uint16_t>(Type::pre_shared_key);
    std::vector<Slot> out;
    size_t next_unknown = 0;
    for (uint16_t type : e.order.types) {
        const size_t i = typed_index(type);
        if (i < kWriteOrder.size() && known_in(type, ctx)) {
            if (type == psk || typed_done[i] || !has(e, kWriteOrder[i], ctx)) continue;
            typed_done[i] = true;
            out.push_back({type, nullptr});
        } else if (next_unknown < e.unknown.size() && e.unknown[next_unknown].first == type) {
            out.push_back({type, &e.unknown[next_unknown].second});
            ++next_unknown;
        }
    }
    for (size_t i = 0; i < kWriteOrder.size(); ++i) {
        const auto type = static_cast<uint16_t>(kWriteOrder[i]);
        if (type != psk && !typed_done[i] && has(e, kWriteOrder[i], ctx))
            out.push_back({type, nullptr});
    }
    for (; next_unknown < e.unknown.size(); ++next_unknown)
        out.push_back({e.unknown[next_unknown].first, &e.unknown[next_unknown].second});
    if (has(e, Type::pre_shared_key, ctx)) out.push_back({psk, nullptr});
    return out;
}

void write_body(Writer& w, const Extensions& e, ExtensionContext ctx) {
    for (const Slot& slot : slots(e, ctx)) {
        if (slot.raw) {
            w.u16(slot.type);
            w.vec16(*slot.raw);
            continue;
        }
        const auto type = static_cast<ExtensionType>(slot.type);
        auto data = open_ext(w, type);
        write_data(w, e, type, ctx);
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

void Extensions::write_block(Writer& w, ExtensionContext ctx) const {
    Writer body;
    write_body(body, *this, ctx);
    if (!body.ok()) w.fail();
    w.vec16(body.buffer());
}

std::vector<uint16_t> Extensions::types(ExtensionContext ctx) const {
    std::vector<uint16_t> out;
    for (const Slot& slot : slots(*this, ctx)) out.push_back(slot.type);
    return out;
}

bool Extensions::empty(ExtensionContext ctx) const {
    return slots(*this, ctx).empty();
}

namespace {

// The messages of RFC 8446 4.2's table that may carry an extension type; nullopt for a type the
// table does not name (and we do not implement).
std::optional<std::vector<Ctx>> tls13_allowed(uint16_t type) {
    constexpr auto CH = Ctx::client_hello, SH = Ctx::server_hello, HRR = Ctx::hello_retry_request,
                   EE = Ctx::encrypted_extensions, CR = Ctx::certificate_request,
                   CT = Ctx::certificate_entry, NST = Ctx::new_session_ticket;
    switch (static_cast<ExtensionType>(type)) {
        case Type::server_name:
        case Type::max_fragment_length:
        case Type::supported_groups:
        case Type::use_srtp:
        case Type::heartbeat:
        case Type::application_layer_protocol_negotiation:
        case Type::client_certificate_type:
        case Type::server_certificate_type:
        case Type::record_size_limit:  // RFC 8449 4
            return std::vector{CH, EE};
        case Type::status_request:
        case Type::signed_certificate_timestamp:
            return std::vector{CH, CR, CT};
        case Type::signature_algorithms:
        case Type::signature_algorithms_cert:
        case Type::certificate_authorities:
            return std::vector{CH, CR};
        case Type::padding:
        case Type::psk_key_exchange_modes:
        case Type::post_handshake_auth:
        // TLS 1.2 only (RFC 8446 4.2 leaves them out of TLS 1.3's messages); a TLS 1.3 client
        // still offers them for a TLS 1.2 server.
        case Type::ec_point_formats:
        case Type::encrypt_then_mac:
        case Type::extended_master_secret:
        case Type::session_ticket:
        case Type::renegotiation_info:
            return std::vector{CH};
        case Type::pre_shared_key:
            return std::vector{CH, SH};
        case Type::early_data:
            return std::vector{CH, EE, NST};
        case Type::cookie:
            return std::vector{CH, HRR};
        case Type::supported_versions:
        case Type::key_share:
            return std::vector{CH, SH, HRR};
        case Type::oid_filters:
            return std::vector{CR};
        default:
            return std::nullopt;
    }
}

}  // namespace

Status check_tls13_extensions(const Extensions& ext, ExtensionContext ctx) {
    for (uint16_t type : ext.types(ctx)) {
        auto allowed = tls13_allowed(type);
        if (allowed && std::find(allowed->begin(), allowed->end(), ctx) == allowed->end())
            return illegal("extension " + ext_name(type) + " is not allowed in a TLS 1.3 " +
                           to_string(ctx) + " (RFC 8446 4.2)");
    }
    return Status::success();
}

}  // namespace tls12
