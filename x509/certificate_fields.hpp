// Private to x509/*.cpp: a certificate as verification sees it. Botan parses the certificate;
// the extensions verification acts on are decoded here, strictly, because Botan 2 cannot decode
// every form (IPv6 and otherName name constraints) and treats an extension it fails to decode
// as if it were absent.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <tls12/crypto/keys.h>
#include <tls12/x509/name_constraints.h>
#include <tls12/x509/internal.hpp>

namespace tls12::x509::detail {

// KeyUsage bits (RFC 5280 4.2.1.3), bit n of the BIT STRING as 1 << n.
namespace key_usage {
constexpr uint16_t digital_signature = 1 << 0;
constexpr uint16_t key_encipherment = 1 << 2;
constexpr uint16_t key_agreement = 1 << 4;
constexpr uint16_t key_cert_sign = 1 << 5;
}  // namespace key_usage

struct BasicConstraints {
    bool ca = false;
    std::optional<size_t> path_length;
};

struct CertificateFields {
    std::optional<BasicConstraints> basic_constraints;
    std::optional<uint16_t> key_usage;
    std::optional<std::vector<std::string>> extended_key_usage;  // dotted OIDs, maybe none
    std::optional<std::vector<GeneralName>> subject_alt_names;
    std::optional<NameConstraints> name_constraints;
    std::vector<DirectoryAttribute> subject;    // the subject DN's attributes, in order
    std::vector<std::string> unknown_critical;  // critical extensions we do not process
};

struct ParsedCertificate {
    // Botan's certificate shares its decoded data: a copy is cheap.
    ParsedCertificate(crypto::ByteView encoded, const Botan::X509_Certificate& decoded)
        : der(encoded.begin(), encoded.end()), cert(decoded) {}
    ParsedCertificate(const ParsedCertificate&) = delete;
    ParsedCertificate& operator=(const ParsedCertificate&) = delete;

    crypto::Bytes der;
    Botan::X509_Certificate cert;
    CertificateFields fields;
    // What is wrong with an extension we need ("subjectAltName: iPAddress of 5 bytes ..."),
    // empty when every one decoded.
    std::string malformed;
    // Subject and issuer are the same name (RFC 5280 6.1: such intermediates count for neither
    // pathLenConstraint nor name constraints).
    bool self_issued = false;

    // The subject's key, loaded on first use and kept with the certificate, so a trust anchor's
    // key is loaded once for as long as its store lives, not once per handshake. Crypto++'s
    // (RSA, ECDSA P-256/P-384) checks the common signatures; Botan's the rest (Botan sets up
    // Montgomery parameters when it loads an RSA key, ~0.2 ms for RSA-2048, so it is loaded only
    // when needed).
    // Null when Crypto++ cannot load the key (another curve, a malformed key).
    const crypto::PublicKey* crypto_key() const;
    // Throws (Botan exceptions) when Botan cannot load it.
    std::shared_ptr<const Botan::Public_Key> botan_key() const;

  private:
    mutable std::once_flag crypto_once_;
    mutable std::optional<crypto::PublicKey> crypto_key_;
    mutable std::mutex botan_mutex_;
    mutable std::shared_ptr<const Botan::Public_Key> botan_key_;
};

using CertificatePtr = std::shared_ptr<const ParsedCertificate>;

// Throws (Botan exceptions) when the certificate itself does not parse.
CertificatePtr parse_certificate(crypto::ByteView der);

// The names of a certificate that name constraints apply to (RFC 5280 4.2.1.10): the
// subjectAltName entries, the subject as a directoryName when it is not empty, and, when there
// is no subjectAltName, the subject's emailAddress attributes as rfc822Names.
std::vector<GeneralName> constrained_names(const ParsedCertificate& cert);

}  // namespace tls12::x509::detail
