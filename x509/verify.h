// Certificate chain validation: path building from the peer's certificates plus a trust store,
// validity at a given time, basic constraints, key usage / extended key usage, signature and key
// strength (RSA >= 2048 bits, EC >= 256 bits, no SHA-1), and host name / IP matching of the leaf.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "x509/trust_store.h"

namespace x509 {

enum class Purpose : uint8_t {
    server_auth,  // id-kp-serverAuth: the peer is a TLS server
    client_auth,  // id-kp-clientAuth: the peer is a TLS client
};

enum class VerifyCode : uint8_t {
    ok,
    empty_chain,            // no certificate at all
    malformed,              // a certificate does not parse
    expired,                // now > notAfter
    not_yet_valid,          // now < notBefore
    unknown_ca,             // no path to a trusted root (issuer missing or root not trusted)
    self_signed,            // the leaf is self-signed and not itself trusted
    hostname_mismatch,      // the leaf is not for the requested name / IP
    bad_signature,          // a signature in the path does not verify
    weak_key_or_signature,  // RSA < 2048, EC < 256, SHA-1 or weaker signature hash
    unsupported_algorithm,  // unknown key or signature algorithm, bad parameters
    bad_usage,              // key usage / extended key usage forbid the purpose
    bad_basic_constraints,  // an issuer is not a CA
    chain_too_long,         // path length constraint exceeded, or too many certificates
    name_constraints,       // a name constraint of an issuer is violated
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
    size_t max_chain_length = 10;  // certificates the peer may send
    size_t min_rsa_bits = 2048;
    size_t min_ec_bits = 256;
};

// chain: DER, leaf first, as the peer sent it (extra or out-of-order intermediates are fine).
// hostname: a DNS name or IP literal to match against the leaf; empty skips the name check.
// Never throws for anything in the chain; problems come back in the result.
VerifyResult verify_chain(std::span<const crypto::Bytes> chain, const TrustStore& trust,
                          std::string_view hostname, Purpose purpose,
                          std::chrono::system_clock::time_point now,
                          const VerifyOptions& options = {});

}  // namespace x509
