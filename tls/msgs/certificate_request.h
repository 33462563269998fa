// CertificateRequest (RFC 5246 7.4.4).
#pragma once

#include <vector>

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

// ClientCertificateType values (RFC 5246 7.4.4, RFC 8422 5.5).
inline constexpr uint8_t kCertTypeRsaSign = 1;
inline constexpr uint8_t kCertTypeEcdsaSign = 64;

struct CertificateRequest {
    static constexpr HandshakeType kType = HandshakeType::certificate_request;

    Bytes certificate_types;                                      // vec8 <1..2^8-1>
    std::vector<SignatureScheme> supported_signature_algorithms;  // vec16 <2..2^16-2>
    std::vector<Bytes> certificate_authorities;  // vec16 <0..2^16-1> of DER DN vec16 <1..2^16-1>

    static Result<CertificateRequest> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const CertificateRequest&) const = default;
};

}  // namespace tls12
