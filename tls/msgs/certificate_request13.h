// CertificateRequest in TLS 1.3 (RFC 8446 4.3.2): a context the client echoes in its
// Certificate, and extensions, of which signature_algorithms is required.
#pragma once

#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct CertificateRequest13 {
    static constexpr HandshakeType kType = HandshakeType::certificate_request;

    Bytes context;          // certificate_request_context<0..2^8-1>, empty in the handshake
    Extensions extensions;  // ExtensionContext::certificate_request, <2..2^16-1>

    // Without signature_algorithms: missing_extension (RFC 8446 4.3.2).
    static Result<CertificateRequest13> parse(ByteView body);
    void serialize(Writer& w) const;  // fails without signature_algorithms
    Bytes serialize() const;

    bool operator==(const CertificateRequest13&) const = default;
};

}  // namespace tls12
