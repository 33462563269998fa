#include <tls12/tls/msgs/client_key_exchange.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;

// RFC 5246 7.4.7.1: public-key-encrypted PreMasterSecret pre_master_secret, i.e.
// opaque<0..2^16-1> (an empty one cannot be an RSA ciphertext, so 1.. here).
Result<ClientKeyExchange> ClientKeyExchange::parse_rsa(ByteView body) {
    Reader r(body);
    ByteView encrypted = r.vec16(1, 0xFFFF);
    if (!r.finish()) return decode("ClientKeyExchange (RSA)");
    return ClientKeyExchange{KeyExchangeKind::rsa, Bytes(encrypted.begin(), encrypted.end())};
}

// RFC 8422 5.7: ClientECDiffieHellmanPublic { ECPoint ecdh_Yc; }, opaque point <1..2^8-1>.
Result<ClientKeyExchange> ClientKeyExchange::parse_ecdhe(ByteView body) {
    Reader r(body);
    ByteView point = r.vec8(1, 0xFF);
    if (!r.finish()) return decode("ClientKeyExchange (ECDHE)");
    return ClientKeyExchange{KeyExchangeKind::ecdhe, Bytes(point.begin(), point.end())};
}

Result<ClientKeyExchange> ClientKeyExchange::parse(ByteView body, KeyExchangeKind kind) {
    switch (kind) {
        case KeyExchangeKind::rsa:
            return parse_rsa(body);
        case KeyExchangeKind::ecdhe:
            return parse_ecdhe(body);
        default:
            return make_error(AlertDescription::internal_error, "unknown key exchange kind");
    }
}

void ClientKeyExchange::serialize(Writer& w) const {
    switch (kind) {
        case KeyExchangeKind::rsa:
            w.vec16(exchange_keys, 1);
            break;
        case KeyExchangeKind::ecdhe:
            w.vec8(exchange_keys, 1);
            break;
        default:
            w.fail();
            break;
    }
}

Bytes ClientKeyExchange::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
