/// \file
/// Loading certificates and private keys, and certificate introspection.
///
/// Certificates and private keys come from PEM/DER files or memory; describe() is a little
/// certificate introspection for logs and tests. Certificates travel as DER bytes (crypto::Bytes);
/// private keys become crypto::PrivateKey. Failures throw x509::Error with a message naming the
/// file.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <tls12/crypto/bytes.h>
#include <tls12/crypto/keys.h>
#include <tls12/x509/error.h>
#include <tls12/x509/hostname.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::x509 {

using crypto::Bytes;
using crypto::ByteView;

/// The certificates (DER) of a file: a PEM file with one or more "CERTIFICATE" blocks (other
/// blocks and text around them are ignored), or a single DER certificate. Order is kept: leaf
/// first. Every certificate is parsed, so a corrupt one is reported here rather than during a
/// handshake. Throws x509::Error.
std::vector<Bytes> load_certificate_chain(const std::string& path);
/// The certificates (DER) of PEM text, as load_certificate_chain() reads them.
std::vector<Bytes> parse_certificates_pem(std::string_view pem);
/// The certificates (DER) of PEM or DER contents, as load_certificate_chain() reads them.
std::vector<Bytes> parse_certificates(ByteView contents);

/// The private key of a file: PEM "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY" (PKCS#1) or "EC
/// PRIVATE KEY" (SEC1), or the same structures as DER. Encrypted keys ("ENCRYPTED PRIVATE KEY",
/// "Proc-Type: 4,ENCRYPTED") are refused with "encrypted private keys are not supported".
/// Throws x509::Error naming the file.
crypto::PrivateKey load_private_key(const std::string& path);
/// The private key of PEM or DER contents, as load_private_key() reads them.
crypto::PrivateKey parse_private_key(ByteView contents);
/// The key as unencrypted PKCS#8 DER (what parse_private_key() hands to crypto::PrivateKey).
crypto::SecretBytes private_key_to_pkcs8(ByteView contents);

/// The DER SubjectPublicKeyInfo of a DER certificate, read from its structure alone (verify the
/// certificate first). Throws x509::Error when the structure is not a certificate's.
Bytes leaf_spki_der(const Bytes& cert_der);
/// True when key is the private half of the certificate's public key.
bool key_matches_certificate(const crypto::PrivateKey& key, const Bytes& cert_der);

/// What describe() reads from a certificate.
struct CertificateInfo {
    std::string subject;  ///< "CN=localhost, O=Example" (most specific first).
    std::string issuer;   ///< The issuer's name, in the same form.
    std::string serial;   ///< Hex.
    /// Start of the validity period. Whole seconds: X.509 times reach year 9999 (RFC 5280's "no
    /// expiry"), past the range of a nanosecond system_clock::time_point (year 2262).
    std::chrono::sys_seconds not_before;
    std::chrono::sys_seconds not_after;  ///< End of the validity period.
    SubjectNames names;                  ///< SAN DNS/IP entries and the CN.
    std::string public_key;              ///< "RSA-2048", "ECDSA-P256", ...
    std::string signature_algorithm;     ///< "RSA/EMSA3(SHA-256)", ...
    bool is_ca = false;                  ///< basicConstraints CA:TRUE.
    bool self_signed = false;            ///< Issued by its own key.

    /// Multi-line summary for logs.
    std::string to_string() const;
};

/// Subject, issuer, validity, names and key of a DER certificate. Throws x509::Error when it does
/// not parse.
CertificateInfo describe(const Bytes& cert_der);

/// A time as "2024-01-01 00:00:00 UTC".
std::string format_time(std::chrono::sys_seconds t);

}  // namespace tls12::x509
#pragma GCC visibility pop
