// Private to x509/*.cpp: what verification requires of each certificate by its place in a path
// (end entity, issuing CA, trust anchor) and of the path as a whole: RFC 5280 6.1 with the web
// PKI profile that rustls-webpki and Go apply (CA/Browser Forum Baseline Requirements).
// Each check returns the failure to report, or nullopt.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <tls12/x509/verify.h>
#include <tls12/x509/certificate_fields.hpp>

namespace tls12::x509::detail {

struct CheckContext {
    Purpose purpose;
    std::chrono::system_clock::time_point now;
    const VerifyOptions& options;
};

VerifyResult failure(VerifyCode code, size_t index, std::string reason);

// Wherever the certificate sits: version 3, extensions that decode, no unknown critical
// extension, `now` within its validity, and, unless it is the trust anchor (whose own
// signature nobody checks), a signature algorithm we accept.
std::optional<VerifyResult> check_certificate(const ParsedCertificate& cert, size_t index,
                                              bool trust_anchor, const CheckContext& context);

// The subject public key: RSA (min_rsa_bits..8192 bits) or ECDSA on a named curve (P-256,
// P-384, P-521; never explicit domain parameters); for the end entity only what the TLS engine
// can use (RSA, ECDSA P-256/P-384). DSA and everything else is refused.
std::optional<VerifyResult> check_key(const ParsedCertificate& cert, size_t index,
                                      const VerifyOptions& options);

// The end-entity certificate (index 0): not a CA, no name constraints, a keyUsage (if any) fit
// for TLS and without keyCertSign, an extendedKeyUsage (if any) that names the purpose.
std::optional<VerifyResult> check_end_entity(const ParsedCertificate& leaf,
                                             const CheckContext& context);

// A certificate at `index` >= 1 that issued `child` (at index - 1): a CA (basicConstraints
// CA:TRUE), keyUsage (if any) with keyCertSign, extendedKeyUsage (if any) allowing the purpose
// or anyExtendedKeyUsage, a non-empty subject, usable name constraints.
std::optional<VerifyResult> check_issuer(const ParsedCertificate& issuer, size_t index,
                                         const ParsedCertificate& child,
                                         const CheckContext& context);

// child's signature checked with issuer's key: by Crypto++ for RSA PKCS#1 v1.5 and ECDSA with
// SHA-256/384/512 (the keys loaded once per certificate), by Botan for the rest.
Botan::Certificate_Status_Code signature_status(const ParsedCertificate& child,
                                                const ParsedCertificate& issuer);

// Botan's verdict on child's signature with the issuer's key (issuer at child_index + 1) as our
// failure, or nullopt when it verified.
std::optional<VerifyResult> signature_failure(const ParsedCertificate& child, size_t child_index,
                                              const ParsedCertificate& issuer,
                                              Botan::Certificate_Status_Code status);

// What needs the whole path (leaf first, trust anchor last): pathLenConstraint and name
// constraints, neither counting nor constraining self-issued intermediates (RFC 5280 6.1.3 (b),
// 6.1.4 (l)).
std::optional<VerifyResult> check_path(const std::vector<const ParsedCertificate*>& path);

}  // namespace tls12::x509::detail
