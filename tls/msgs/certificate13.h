// Certificate in TLS 1.3 (RFC 8446 4.4.2): a request context and CertificateEntry values, each a
// DER certificate with its own extensions (OCSP status, SCTs), leaf first.
#pragma once

#include <vector>

#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct CertificateEntry {
    Bytes cert_data;        // a DER X.509 certificate <1..2^24-1> (no RawPublicKey, RFC 7250)
    Extensions extensions;  // ExtensionContext::certificate_entry (all kept in unknown)

    bool operator==(const CertificateEntry&) const = default;
};

struct Certificate13 {
    static constexpr HandshakeType kType = HandshakeType::certificate;

    Bytes request_context;  // <0..2^8-1>: empty for the server's; the CertificateRequest's
    std::vector<CertificateEntry> entries;  // certificate_list<0..2^24-1>; empty: no certificate

    static Result<Certificate13> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const Certificate13&) const = default;
};

}  // namespace tls12
