#include <tls12/tls/msgs/server_hello.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;

// RFC 5246 7.4.1.3.
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
    auto ext = Extensions::parse(r, ExtensionContext::server_hello);
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
    extensions.serialize(w, ExtensionContext::server_hello);
}

Bytes ServerHello::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
