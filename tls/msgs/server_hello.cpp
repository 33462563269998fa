#include <tls12/tls/msgs/server_hello.h>

#include <algorithm>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;

bool ServerHello::is_hello_retry_request() const {
    return random == kHelloRetryRequestRandom;
}

ExtensionContext ServerHello::context() const {
    return is_hello_retry_request() ? ExtensionContext::hello_retry_request
                                    : ExtensionContext::server_hello;
}

std::optional<ProtocolVersion> ServerHello::downgrade_sentinel() const {
    const auto tail = random.end() - kDowngradeTls12.size();
    if (std::equal(kDowngradeTls12.begin(), kDowngradeTls12.end(), tail))
        return ProtocolVersion::tls12;
    if (std::equal(kDowngradeTls11.begin(), kDowngradeTls11.end(), tail))
        return ProtocolVersion::tls11;
    return std::nullopt;
}

// RFC 5246 7.4.1.3, RFC 8446 4.1.3 (the same fields).
Result<ServerHello> ServerHello::parse(ByteView body) {
    Reader r(body);
    ServerHello sh;
    sh.version = static_cast<ProtocolVersion>(r.u16());
    sh.random = r.array<kRandomSize>();
    ByteView session_id = r.vec8(0, kMaxSessionIdSize);
    sh.cipher_suite = static_cast<CipherSuite>(r.u16());
    sh.compression_method = r.u8();
    if (!r.ok()) return decode("ServerHello");
    sh.session_id.assign(session_id.begin(), session_id.end());
    auto ext = Extensions::parse(r, sh.context());
    if (!ext) return std::move(ext).error();
    sh.extensions = std::move(ext).value();
    return sh;
}

void ServerHello::serialize(Writer& w) const {
    w.u16(static_cast<uint16_t>(version));
    w.bytes(random);
    w.vec8(session_id, 0, kMaxSessionIdSize);
    w.u16(static_cast<uint16_t>(cipher_suite));
    w.u8(compression_method);
    extensions.serialize(w, context());
}

Bytes ServerHello::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
