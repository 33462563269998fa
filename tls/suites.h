// What each cipher suite means to the engine: key exchange, record protection, PRF hash.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/hash.h>
#include <tls12/tls/types.h>

namespace tls12 {

// tls13: a TLS 1.3 suite, which leaves the key exchange and the signature to extensions.
enum class SuiteKex : uint8_t { rsa, ecdhe_rsa, ecdhe_ecdsa, tls13 };

struct SuiteInfo {
    CipherSuite suite;
    SuiteKex kex;
    crypto::AeadAlgorithm aead;      // AEAD suites only (unused for CBC)
    crypto::HashAlgorithm prf_hash;  // TLS 1.3: the HKDF and transcript hash
    size_t key_size;                 // CBC: 16 = AES-128, 32 = AES-256
    // GCM: 4-byte salt (RFC 5288); ChaCha20 and TLS 1.3: 12-byte IV (RFC 7905, RFC 8446 5.3)
    size_t fixed_iv_size;
    size_t explicit_nonce_size;  // GCM: 8 bytes carried in each record; ChaCha20, TLS 1.3: none
    std::string_view openssl_name;
    // Legacy CBC suites (opt-in): HMAC key size and hash; 0 for AEAD suites.
    size_t mac_key_size = 0;
    crypto::HashAlgorithm mac_hash = crypto::HashAlgorithm::sha256;

    // A TLS 1.2 suite with ECDHE key exchange.
    bool ecdhe() const noexcept {
        return kex == SuiteKex::ecdhe_rsa || kex == SuiteKex::ecdhe_ecdsa;
    }
    bool cbc() const noexcept { return mac_key_size != 0; }
    // A TLS 1.3 suite (RFC 8446 B.4): never offered or chosen by the TLS 1.2 handshake.
    bool tls13() const noexcept { return kex == SuiteKex::tls13; }
};

// nullptr for suites the engine does not implement (and for signalling values like SCSVs).
const SuiteInfo* find_suite(CipherSuite suite) noexcept;
// The same for the TLS 1.2 handshake, which never offers, picks or resumes a TLS 1.3 suite:
// nullptr for those too.
const SuiteInfo* find_tls12_suite(CipherSuite suite) noexcept;
std::span<const SuiteInfo> all_suites() noexcept;

}  // namespace tls12
