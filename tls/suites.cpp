#include <tls12/tls/suites.h>

#include <algorithm>
#include <array>
#include <cctype>

#include <tls12/tls/config.h>
#include <tls12/tls/connection.h>

namespace tls12 {
namespace {

using crypto::AeadAlgorithm;
using crypto::HashAlgorithm;
using CS = CipherSuite;
using K = SuiteKex;

// In default preference order: forward secrecy first, AES-GCM before ChaCha20 (AES-NI), RSA key
// exchange last. The TLS 1.3 suites (RFC 8446 B.4) come first; only a TLS 1.3 handshake picks
// them, and it picks among them alone.
constexpr std::array kSuites = {
    SuiteInfo{CS::TLS_AES_128_GCM_SHA256, K::tls13, AeadAlgorithm::aes128_gcm,
              HashAlgorithm::sha256, 16, 12, 0, "TLS_AES_128_GCM_SHA256"},
    SuiteInfo{CS::TLS_AES_256_GCM_SHA384, K::tls13, AeadAlgorithm::aes256_gcm,
              HashAlgorithm::sha384, 32, 12, 0, "TLS_AES_256_GCM_SHA384"},
    SuiteInfo{CS::TLS_CHACHA20_POLY1305_SHA256, K::tls13, AeadAlgorithm::chacha20_poly1305,
              HashAlgorithm::sha256, 32, 12, 0, "TLS_CHACHA20_POLY1305_SHA256"},
    SuiteInfo{CS::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, K::ecdhe_ecdsa,
              AeadAlgorithm::aes128_gcm, HashAlgorithm::sha256, 16, 4, 8,
              "ECDHE-ECDSA-AES128-GCM-SHA256"},
    SuiteInfo{CS::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, K::ecdhe_rsa, AeadAlgorithm::aes128_gcm,
              HashAlgorithm::sha256, 16, 4, 8, "ECDHE-RSA-AES128-GCM-SHA256"},
    SuiteInfo{CS::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, K::ecdhe_ecdsa,
              AeadAlgorithm::aes256_gcm, HashAlgorithm::sha384, 32, 4, 8,
              "ECDHE-ECDSA-AES256-GCM-SHA384"},
    SuiteInfo{CS::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, K::ecdhe_rsa, AeadAlgorithm::aes256_gcm,
              HashAlgorithm::sha384, 32, 4, 8, "ECDHE-RSA-AES256-GCM-SHA384"},
    SuiteInfo{CS::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, K::ecdhe_ecdsa,
              AeadAlgorithm::chacha20_poly1305, HashAlgorithm::sha256, 32, 12, 0,
              "ECDHE-ECDSA-CHACHA20-POLY1305"},
    SuiteInfo{CS::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, K::ecdhe_rsa,
              AeadAlgorithm::chacha20_poly1305, HashAlgorithm::sha256, 32, 12, 0,
              "ECDHE-RSA-CHACHA20-POLY1305"},
    SuiteInfo{CS::TLS_RSA_WITH_AES_128_GCM_SHA256, K::rsa, AeadAlgorithm::aes128_gcm,
              HashAlgorithm::sha256, 16, 4, 8, "AES128-GCM-SHA256"},
    SuiteInfo{CS::TLS_RSA_WITH_AES_256_GCM_SHA384, K::rsa, AeadAlgorithm::aes256_gcm,
              HashAlgorithm::sha384, 32, 4, 8, "AES256-GCM-SHA384"},
    // Legacy CBC suites (RFC 5246, RFC 5289 for SHA-256 with ECDHE), opt-in only: never in
    // default_cipher_suites(). The aead field is unused; key_size picks AES-128 or AES-256.
    SuiteInfo{CS::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, K::ecdhe_rsa, AeadAlgorithm::aes128_gcm,
              HashAlgorithm::sha256, 16, 0, 16, "ECDHE-RSA-AES128-SHA256", 32,
              HashAlgorithm::sha256},
    SuiteInfo{CS::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, K::ecdhe_rsa, AeadAlgorithm::aes128_gcm,
              HashAlgorithm::sha256, 16, 0, 16, "ECDHE-RSA-AES128-SHA", 20, HashAlgorithm::sha1},
    SuiteInfo{CS::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, K::ecdhe_rsa, AeadAlgorithm::aes256_gcm,
              HashAlgorithm::sha256, 32, 0, 16, "ECDHE-RSA-AES256-SHA", 20, HashAlgorithm::sha1},
    SuiteInfo{CS::TLS_RSA_WITH_AES_128_CBC_SHA256, K::rsa, AeadAlgorithm::aes128_gcm,
              HashAlgorithm::sha256, 16, 0, 16, "AES128-SHA256", 32, HashAlgorithm::sha256},
    SuiteInfo{CS::TLS_RSA_WITH_AES_128_CBC_SHA, K::rsa, AeadAlgorithm::aes128_gcm,
              HashAlgorithm::sha256, 16, 0, 16, "AES128-SHA", 20, HashAlgorithm::sha1},
    SuiteInfo{CS::TLS_RSA_WITH_AES_256_CBC_SHA, K::rsa, AeadAlgorithm::aes256_gcm,
              HashAlgorithm::sha256, 32, 0, 16, "AES256-SHA", 20, HashAlgorithm::sha1},
};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

const SuiteInfo* find_suite(CipherSuite suite) noexcept {
    for (const auto& info : kSuites)
        if (info.suite == suite) return &info;
    return nullptr;
}

const SuiteInfo* find_tls12_suite(CipherSuite suite) noexcept {
    const SuiteInfo* info = find_suite(suite);
    return info && !info->tls13() ? info : nullptr;
}

std::span<const SuiteInfo> all_suites() noexcept {
    return kSuites;
}

std::vector<CipherSuite> supported_cipher_suites() {
    std::vector<CipherSuite> out;
    out.reserve(kSuites.size());
    for (const auto& info : kSuites) out.push_back(info.suite);
    return out;
}

std::vector<CipherSuite> default_cipher_suites() {
    std::vector<CipherSuite> out;
    // TLS 1.3 suites join the defaults once TLS 1.3 is negotiated.
    for (const auto& info : kSuites)
        if (!info.cbc() && !info.tls13()) out.push_back(info.suite);
    return out;
}

std::vector<CipherSuite> default_tls13_cipher_suites() {
    return {CipherSuite::TLS_AES_128_GCM_SHA256, CipherSuite::TLS_AES_256_GCM_SHA384,
            CipherSuite::TLS_CHACHA20_POLY1305_SHA256};
}

std::vector<CipherSuite> with_legacy_cbc(std::vector<CipherSuite> suites) {
    for (const auto& info : kSuites)
        if (info.cbc() && std::find(suites.begin(), suites.end(), info.suite) == suites.end())
            suites.push_back(info.suite);
    return suites;
}

std::vector<NamedGroup> default_groups() {
    return {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1};
}

std::vector<SignatureScheme> default_signature_schemes() {
    using S = SignatureScheme;
    return {S::ecdsa_secp256r1_sha256, S::ecdsa_secp384r1_sha384, S::rsa_pss_rsae_sha256,
            S::rsa_pss_rsae_sha384,    S::rsa_pss_rsae_sha512,    S::rsa_pkcs1_sha256,
            S::rsa_pkcs1_sha384,       S::rsa_pkcs1_sha512};
}

std::optional<CipherSuite> cipher_suite_from_name(std::string_view name) {
    for (const auto& info : kSuites)
        if (iequals(name, info.openssl_name) || iequals(name, to_string(info.suite)))
            return info.suite;
    return std::nullopt;
}

std::string openssl_name(CipherSuite suite) {
    const SuiteInfo* info = find_suite(suite);
    return info ? std::string(info->openssl_name) : to_string(suite);
}

}  // namespace tls12
