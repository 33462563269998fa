// Certificate chain validation, RFC 5280 6.1 with the web PKI profile (CA/Browser Forum Baseline
// Requirements) as rustls-webpki and Go apply it:
//  - path building from the peer's certificates plus a trust store (any trusted certificate is a
//    trust anchor), depth first with backtracking over alternative issuers, bounded work;
//  - on every certificate: version 3, validity at `now`, no unknown critical extension,
//    extensions that decode; RSA (2048..8192 bits) or ECDSA keys on named curves P-256/P-384/
//    P-521 only (no DSA, no explicit EC parameters); signatures RSA PKCS#1 v1.5 / PSS or ECDSA
//    with SHA-256/384/512 (SHA-1 and weaker refused);
//  - issuers: basicConstraints CA:TRUE, keyUsage (if any) with keyCertSign, extendedKeyUsage
//    (if any) allowing the purpose, pathLenConstraint, name constraints (dNSName with wildcards
//    as sets, iPAddress v4/v6, rfc822Name, directoryName; other forms refused when constrained),
//    none of which applies to self-issued intermediates;
//  - the leaf: not a CA, keyUsage fit for TLS, extendedKeyUsage (if any, never empty) naming the
//    purpose, and the host name or IP in its subjectAltName (never the subject CN).
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

enum class Purpose : uint8_t {
    server_auth,  // id-kp-serverAuth: the peer is a TLS server
    client_auth,  // id-kp-clientAuth: the peer is a TLS client
};

enum class VerifyCode : uint8_t {
    ok,
    empty_chain,            // no certificate at all
    malformed,              // a certificate (or an extension we need) does not parse
    expired,                // now > notAfter
    not_yet_valid,          // now < notBefore
    unknown_ca,             // no path to a trusted root (issuer missing, root not trusted, loop,
                            // or the path-building limit reached)
    self_signed,            // the leaf is self-signed and not itself trusted
    hostname_mismatch,      // the leaf is not for the requested name / IP
    bad_signature,          // a signature in the path does not verify
    weak_key_or_signature,  // RSA < 2048, EC < 256, SHA-1 or weaker signature hash
    unsupported_algorithm,  // key or signature algorithm we refuse (DSA, explicit EC parameters)
    bad_usage,              // key usage / extended key usage forbid the purpose
    bad_basic_constraints,  // an issuer is not a CA, or the leaf is one
    chain_too_long,         // path length constraint exceeded, or too many certificates
    name_constraints,       // a name constraint of an issuer is violated (or unusable)
    unknown_critical_extension,
    revoked,
    other,
};

const char* to_string(VerifyCode code) noexcept;

struct VerifyResult {
    VerifyCode code = VerifyCode::ok;
    // Which certificate, what is wrong and when, e.g.
    // "certificate 0 (CN=localhost) expired at 2024-01-01 00:00:00 UTC (now 2025-...)".
    std::string reason;
    // Position in the certification path (0 = leaf, then its issuers; the trust anchor last).
    // For a well-ordered chain this is the index in what the peer sent.
    size_t certificate_index = 0;

    bool ok() const noexcept { return code == VerifyCode::ok; }
    explicit operator bool() const noexcept { return ok(); }
};

struct VerifyOptions {
    // Certificates the peer may send (so also the longest path, plus the trust anchor).
    size_t max_chain_length = 10;
    size_t min_rsa_bits = 2048;
    size_t min_ec_bits = 256;
};

// chain: DER, leaf first, as the peer sent it (extra, repeated or out-of-order intermediates
// are fine). When no path validates, the result is the most telling failure seen: a problem
// with a certificate that provably issued the one below it, else a signature that did not
// verify, else the certificate whose issuer was not found.
// hostname: a DNS name or IP literal to match against the leaf; empty skips the name check.
// Never throws for anything in the chain; problems come back in the result.
VerifyResult verify_chain(std::span<const crypto::Bytes> chain, const TrustStore& trust,
                          std::string_view hostname, Purpose purpose,
                          std::chrono::system_clock::time_point now,
                          const VerifyOptions& options = {});

}  // namespace tls12::x509
#pragma GCC visibility pop
