#include <tls12/tls/msgs/client_hello.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;

// RFC 5246 7.4.1.2.
Result<ClientHello> ClientHello::parse(ByteView body) {
    Reader r(body);
    ClientHello ch;
    ch.legacy_version = static_cast<ProtocolVersion>(r.u16());
    ch.random = r.array<kRandomSize>();
    ByteView session_id = r.vec8(0, kMaxSessionIdSize);
    // CipherSuite cipher_suites<2..2^16-2>
    Reader suites = r.sub16(2, 0xFFFE);
    // CompressionMethod compression_methods<1..2^8-1>
    ByteView compression = r.vec8(1, 0xFF);
    if (!r.ok()) return decode("ClientHello");
    if (suites.remaining() % 2 != 0) return decode("ClientHello cipher_suites (odd length)");
    while (!suites.empty()) ch.cipher_suites.push_back(static_cast<CipherSuite>(suites.u16()));
    ch.session_id.assign(session_id.begin(), session_id.end());
    ch.compression_methods.assign(compression.begin(), compression.end());
    auto ext = Extensions::parse(r, ExtensionContext::client_hello);
    if (!ext) return std::move(ext).error();
    ch.extensions = std::move(ext).value();
    return ch;
}

void ClientHello::serialize(Writer& w) const {
    w.u16(static_cast<uint16_t>(legacy_version));
    w.bytes(random);
    w.vec8(session_id, 0, kMaxSessionIdSize);
    if (cipher_suites.empty()) w.fail();
    {
        auto suites = w.prefix16(0xFFFE);
        for (CipherSuite s : cipher_suites) w.u16(static_cast<uint16_t>(s));
    }
    w.vec8(compression_methods, 1);
    extensions.serialize(w, ExtensionContext::client_hello);
}

Bytes ClientHello::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
