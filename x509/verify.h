/// \file
/// Certificate chain validation: verify_chain().
///
/// RFC 5280 6.1 with the web PKI profile (CA/Browser Forum Baseline Requirements) as
/// rustls-webpki and Go apply it:
///  - path building from the peer's certificates plus a trust store (any trusted certificate is a
///    trust anchor), depth first with backtracking over alternative issuers, bounded work;
///  - on every certificate: version 3, validity at `now`, no unknown critical extension,
///    extensions that decode; RSA (2048..8192 bits) or ECDSA keys on named curves P-256/P-384/
///    P-521 only (no DSA, no explicit EC parameters); signatures RSA PKCS#1 v1.5 / PSS or ECDSA
///    with SHA-256/384/512 (SHA-1 and weaker refused);
///  - issuers: basicConstraints CA:TRUE, keyUsage (if any) with keyCertSign, extendedKeyUsage
///    (if any) allowing the purpose, pathLenConstraint, name constraints (dNSName with wildcards
///    as sets, iPAddress v4/v6, rfc822Name, directoryName; other forms refused when constrained),
///    none of which applies to self-issued intermediates;
///  - the leaf: not a CA, keyUsage fit for TLS, extendedKeyUsage (if any, never empty) naming the
///    purpose, and the host name or IP in its subjectAltName (never the subject CN).
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <tls12/crypto/bytes.h>
#include <tls12/x509/trust_store.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::x509 {

/// What the leaf certificate must be good for (its extendedKeyUsage, RFC 5280 4.2.1.12).
enum class Purpose : uint8_t {
    server_auth,  ///< id-kp-serverAuth: the peer is a TLS server.
    client_auth,  ///< id-kp-clientAuth: the peer is a TLS client.
};

/// The verdict of verify_chain(): ok, or the kind of failure.
enum class VerifyCode : uint8_t {
    ok,                     ///< A path to a trust anchor validated.
    empty_chain,            ///< No certificate at all.
    malformed,              ///< A certificate (or an extension we need) does not parse.
    expired,                ///< now > notAfter.
    not_yet_valid,          ///< now < notBefore.
    unknown_ca,             ///< No path to a trusted root (issuer missing, root not trusted,
                            ///< loop, or the path-building limit reached).
    self_signed,            ///< The leaf is self-signed and not itself trusted.
    hostname_mismatch,      ///< The leaf is not for the requested name / IP.
    bad_signature,          ///< A signature in the path does not verify.
    weak_key_or_signature,  ///< RSA < 2048, EC < 256, SHA-1 or weaker signature hash.
    unsupported_algorithm,  ///< Key or signature algorithm we refuse (DSA, explicit EC params).
    bad_usage,              ///< Key usage / extended key usage forbid the purpose.
    bad_basic_constraints,  ///< An issuer is not a CA, or the leaf is one.
    chain_too_long,         ///< Path length constraint exceeded, or too many certificates.
    name_constraints,       ///< A name constraint of an issuer is violated (or unusable).
    unknown_critical_extension,  ///< A critical extension we do not implement (RFC 5280 4.2).
    revoked,                     ///< Revoked (not produced today: no CRL or OCSP checking).
    other,                       ///< Any other failure (not produced by verify_chain() today).
};

/// The code's name, e.g. "expired".
const char* to_string(VerifyCode code) noexcept;

/// The outcome of verify_chain().
struct VerifyResult {
    VerifyCode code = VerifyCode::ok;  ///< ok, or what failed.
    /// Which certificate, what is wrong and when, e.g.
    /// "certificate 0 (CN=localhost) expired at 2024-01-01 00:00:00 UTC (now 2025-...)".
    std::string reason;
    /// Position in the certification path (0 = leaf, then its issuers; the trust anchor last).
    /// For a well-ordered chain this is the index in what the peer sent.
    size_t certificate_index = 0;

    /// True when the chain validated.
    bool ok() const noexcept { return code == VerifyCode::ok; }
    /// Same as ok().
    explicit operator bool() const noexcept { return ok(); }
};

/// Limits for verify_chain().
struct VerifyOptions {
    /// Certificates the peer may send (so also the longest path, plus the trust anchor).
    size_t max_chain_length = 10;
    size_t min_rsa_bits = 2048;  ///< Smaller RSA keys are weak_key_or_signature.
    size_t min_ec_bits = 256;    ///< Smaller EC keys are weak_key_or_signature.
};

/// Validates a peer's certificate chain against a trust store at time `now`.
///
/// chain: DER, leaf first, as the peer sent it (extra, repeated or out-of-order intermediates
/// are fine). When no path validates, the result is the most telling failure seen: a problem
/// with a certificate that provably issued the one below it, else a signature that did not
/// verify, else the certificate whose issuer was not found.
/// hostname: a DNS name or IP literal to match against the leaf; empty skips the name check.
/// Never throws for anything in the chain; problems come back in the result.
VerifyResult verify_chain(std::span<const crypto::Bytes> chain, const TrustStore& trust,
                          std::string_view hostname, Purpose purpose,
                          std::chrono::system_clock::time_point now,
                          const VerifyOptions& options = {});

}  // namespace tls12::x509
#pragma GCC visibility pop
