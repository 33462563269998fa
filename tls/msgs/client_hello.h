// ClientHello (RFC 5246 7.4.1.2). SSLv2-format hellos are the record layer's business.
#pragma once

#include <vector>

#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct ClientHello {
    static constexpr HandshakeType kType = HandshakeType::client_hello;

    ProtocolVersion legacy_version = ProtocolVersion::tls12;
    Random random{};
    Bytes session_id;                        // 0..32
    std::vector<CipherSuite> cipher_suites;  // vec16 <2..2^16-2>, at least one
    Bytes compression_methods{0};            // vec8 <1..2^8-1>
    Extensions extensions;                   // ExtensionContext::client_hello

    static Result<ClientHello> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const ClientHello&) const = default;
};

}  // namespace tls12
