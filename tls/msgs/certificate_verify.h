// CertificateVerify (RFC 5246 7.4.8): digitally-signed (scheme, signature<1..2^16-1>).
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct CertificateVerify {
    static constexpr HandshakeType kType = HandshakeType::certificate_verify;

    SignatureScheme scheme = SignatureScheme::rsa_pkcs1_sha256;
    Bytes signature;  // vec16 <1..2^16-1>

    static Result<CertificateVerify> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const CertificateVerify&) const = default;
};

}  // namespace tls12
