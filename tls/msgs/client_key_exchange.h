// ClientKeyExchange (RFC 5246 7.4.7). Its format depends on the negotiated key exchange, so it
// has one parser per kind:
//   rsa:   EncryptedPreMasterSecret as a vec16 <1..2^16-1> (RFC 5246 7.4.7.1)
//   ecdhe: ClientECDiffieHellmanPublic as a vec8 <1..255> point (RFC 8422 5.7)
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

enum class KeyExchangeKind : uint8_t { rsa, ecdhe };

struct ClientKeyExchange {
    static constexpr HandshakeType kType = HandshakeType::client_key_exchange;

    KeyExchangeKind kind = KeyExchangeKind::ecdhe;
    Bytes exchange_keys;  // encrypted premaster (rsa) or public point (ecdhe)

    static Result<ClientKeyExchange> parse_rsa(ByteView body);
    static Result<ClientKeyExchange> parse_ecdhe(ByteView body);
    static Result<ClientKeyExchange> parse(ByteView body, KeyExchangeKind kind);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const ClientKeyExchange&) const = default;
};

}  // namespace tls12
