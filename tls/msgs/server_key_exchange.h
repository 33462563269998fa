// ServerKeyExchange for ECDHE (RFC 8422 5.4, RFC 5246 7.4.3): ServerECDHParams followed by a
// digitally-signed (SignatureAndHashAlgorithm, signature<0..2^16-1>) over
// client_random + server_random + params. Only named curves (curve_type 3) are accepted.
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

inline constexpr uint8_t kCurveTypeNamedCurve = 3;

struct ServerEcdhParams {
    NamedGroup group = NamedGroup::x25519;
    Bytes public_value;  // ECPoint / x25519 key, vec8 <1..255>

    // Writes curve_type(3) | group(u16) | vec8 point.
    void serialize(Writer& w) const;
    // The exact encoding: curve_type(3) | group(u16) | vec8 point.
    Bytes encode() const;

    bool operator==(const ServerEcdhParams&) const = default;
};

struct ServerKeyExchange {
    static constexpr HandshakeType kType = HandshakeType::server_key_exchange;

    ServerEcdhParams params;
    SignatureScheme scheme = SignatureScheme::rsa_pkcs1_sha256;
    Bytes signature;  // vec16 <1..2^16-1>

    // curve_type != named_curve -> illegal_parameter; malformed -> decode_error.
    static Result<ServerKeyExchange> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    // The signed params bytes (curve_type | group | point): the signature covers
    // client_random + server_random + ecdh_params_bytes().
    Bytes ecdh_params_bytes() const { return params.encode(); }

    bool operator==(const ServerKeyExchange&) const = default;
};

}  // namespace tls12
