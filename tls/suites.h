// What each cipher suite means to the engine: key exchange, record protection, PRF hash.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/hash.h>
#include <tls12/tls/types.h>

namespace tls12 {

enum class SuiteKex : uint8_t { rsa, ecdhe_rsa, ecdhe_ecdsa };

struct SuiteInfo {
    CipherSuite suite;
    SuiteKex kex;
    crypto::AeadAlgorithm aead;  // AEAD suites only (unused for CBC)
    crypto::HashAlgorithm prf_hash;
    size_t key_size;             // CBC: 16 = AES-128, 32 = AES-256
    size_t fixed_iv_size;        // GCM: 4-byte salt (RFC 5288); ChaCha20: 12-byte IV (RFC 7905)
    size_t explicit_nonce_size;  // GCM: 8 bytes carried in each record; ChaCha20: none; CBC: IV
    std::string_view openssl_name;
    // Legacy CBC suites (opt-in): HMAC key size and hash; 0 for AEAD suites.
    size_t mac_key_size = 0;
    crypto::HashAlgorithm mac_hash = crypto::HashAlgorithm::sha256;

    bool ecdhe() const noexcept { return kex != SuiteKex::rsa; }
    bool cbc() const noexcept { return mac_key_size != 0; }
};

// nullptr for suites the engine does not implement (and for signalling values like SCSVs).
const SuiteInfo* find_suite(CipherSuite suite) noexcept;
std::span<const SuiteInfo> all_suites() noexcept;

}  // namespace tls12
