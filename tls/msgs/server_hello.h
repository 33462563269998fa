// ServerHello (RFC 5246 7.4.1.3).
#pragma once

#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct ServerHello {
    static constexpr HandshakeType kType = HandshakeType::server_hello;

    ProtocolVersion version = ProtocolVersion::tls12;
    Random random{};
    Bytes session_id;  // 0..32
    CipherSuite cipher_suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    uint8_t compression_method = 0;
    Extensions extensions;  // ExtensionContext::server_hello

    static Result<ServerHello> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const ServerHello&) const = default;
};

}  // namespace tls12
