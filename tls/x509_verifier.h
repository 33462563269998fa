/// \file
/// The standard CertificateVerifier, make_x509_verifier().
///
/// Chain validation against a trust store through x509/ (Botan underneath), with the verdict
/// turned into the alert to send.
#pragma once

#include <memory>

#include <tls12/tls/verifier.h>
#include <tls12/x509/trust_store.h>
#include <tls12/x509/verify.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

/// Verifies the peer's chain with x509::verify_chain(): path to a root of trust, validity at
/// request.now, key usage / EKU for the peer's role (serverAuth for servers, clientAuth for
/// clients), key and signature strength, and request.server_name against the leaf when not
/// empty.
std::shared_ptr<const CertificateVerifier> make_x509_verifier(x509::TrustStore trust,
                                                              x509::VerifyOptions options = {});

/// The alert for a verification failure (RFC 5246 7.2.2):
///
/// | x509::VerifyCode                                          | alert                   |
/// |-----------------------------------------------------------|-------------------------|
/// | expired, not_yet_valid                                    | certificate_expired     |
/// | unknown_ca, self_signed                                   | unknown_ca              |
/// | hostname_mismatch, malformed, empty_chain, bad_signature  | bad_certificate         |
/// | unsupported_algorithm, unknown_critical_extension         | unsupported_certificate |
/// | revoked                                                   | certificate_revoked     |
/// | anything else (usage, constraints, weak)                  | certificate_unknown     |
AlertDescription alert_for(x509::VerifyCode code) noexcept;

}  // namespace tls12
#pragma GCC visibility pop
