// ServerHello (RFC 5246 7.4.1.3, RFC 8446 4.1.3), and HelloRetryRequest, which is a ServerHello
// whose random is kHelloRetryRequestRandom (RFC 8446 4.1.4).
#pragma once

#include <array>
#include <optional>

#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct ServerHello {
    static constexpr HandshakeType kType = HandshakeType::server_hello;

    // RFC 8446 4.1.3: SHA-256("HelloRetryRequest").
    static constexpr Random kHelloRetryRequestRandom = {
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
        0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
        0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
    // RFC 8446 4.1.3: the last 8 bytes of the random of a TLS 1.3 server that negotiates TLS 1.2
    // ("DOWNGRD" 01) or below ("DOWNGRD" 00).
    static constexpr std::array<uint8_t, 8> kDowngradeTls12 = {0x44, 0x4F, 0x57, 0x4E,
                                                               0x47, 0x52, 0x44, 0x01};
    static constexpr std::array<uint8_t, 8> kDowngradeTls11 = {0x44, 0x4F, 0x57, 0x4E,
                                                               0x47, 0x52, 0x44, 0x00};

    ProtocolVersion version = ProtocolVersion::tls12;  // legacy_version in TLS 1.3
    Random random{};
    Bytes session_id;  // 0..32 (legacy_session_id_echo in TLS 1.3)
    CipherSuite cipher_suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    uint8_t compression_method = 0;
    Extensions extensions;  // context(): server_hello or hello_retry_request

    // True when random is kHelloRetryRequestRandom.
    bool is_hello_retry_request() const;
    // The context of the extensions: hello_retry_request for a HelloRetryRequest, else
    // server_hello. parse() and serialize() follow it.
    ExtensionContext context() const;
    // tls12 or tls11 when the random ends with kDowngradeTls12 / kDowngradeTls11, else nullopt.
    std::optional<ProtocolVersion> downgrade_sentinel() const;

    static Result<ServerHello> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const ServerHello&) const = default;
};

}  // namespace tls12
