#include <tls12/tls/handshake/common.h>

#include <tls12/crypto/hash.h>

namespace tls12 {

std::optional<crypto::KexGroup> to_kex_group(NamedGroup group) noexcept {
    switch (group) {
        case NamedGroup::x25519:
            return crypto::KexGroup::x25519;
        case NamedGroup::secp256r1:
            return crypto::KexGroup::secp256r1;
        case NamedGroup::secp384r1:
            return crypto::KexGroup::secp384r1;
        default:
            return std::nullopt;
    }
}

std::optional<crypto::SignatureAlgorithm> to_signature_algorithm(SignatureScheme scheme) noexcept {
    using crypto::HashAlgorithm;
    using crypto::SignaturePadding;
    switch (scheme) {
        case SignatureScheme::rsa_pkcs1_sha256:
            return {{SignaturePadding::pkcs1v15, HashAlgorithm::sha256}};
        case SignatureScheme::rsa_pkcs1_sha384:
            return {{SignaturePadding::pkcs1v15, HashAlgorithm::sha384}};
        case SignatureScheme::rsa_pkcs1_sha512:
            return {{SignaturePadding::pkcs1v15, HashAlgorithm::sha512}};
        case SignatureScheme::rsa_pss_rsae_sha256:
            return {{SignaturePadding::pss, HashAlgorithm::sha256}};
        case SignatureScheme::rsa_pss_rsae_sha384:
            return {{SignaturePadding::pss, HashAlgorithm::sha384}};
        case SignatureScheme::rsa_pss_rsae_sha512:
            return {{SignaturePadding::pss, HashAlgorithm::sha512}};
        case SignatureScheme::ecdsa_secp256r1_sha256:
            return {{SignaturePadding::ecdsa, HashAlgorithm::sha256}};
        case SignatureScheme::ecdsa_secp384r1_sha384:
            return {{SignaturePadding::ecdsa, HashAlgorithm::sha384}};
        default:
            return std::nullopt;
    }
}

bool scheme_fits_key(SignatureScheme scheme, crypto::KeyType key) noexcept {
    const auto algorithm = to_signature_algorithm(scheme);
    if (!algorithm) return false;
    const bool ecdsa = algorithm->padding == crypto::SignaturePadding::ecdsa;
    switch (key) {
        case crypto::KeyType::rsa:
            return !ecdsa;
        // RFC 5246 7.4.1.4.1: in TLS 1.2 the scheme names the hash and the key names the curve;
        // RFC 8446 4.2.3: when TLS 1.2 is negotiated, implementations MUST accept a signature on
        // any curve they advertised. The curve-hash pairing of the names is TLS 1.3's.
        case crypto::KeyType::ecdsa_p256:
        case crypto::KeyType::ecdsa_p384:
            return ecdsa;
        default:
            return false;
    }
}

namespace {
// The TLS 1.3 pairing: the hash of the curve's strength.
bool hash_matches_curve(SignatureScheme scheme, crypto::KeyType key) noexcept {
    switch (key) {
        case crypto::KeyType::ecdsa_p256:
            return scheme == SignatureScheme::ecdsa_secp256r1_sha256;
        case crypto::KeyType::ecdsa_p384:
            return scheme == SignatureScheme::ecdsa_secp384r1_sha384;
        default:
            return true;
    }
}
}  // namespace

std::optional<SignatureScheme> choose_signature_scheme(std::span<const SignatureScheme> ours,
                                                       std::span<const SignatureScheme> peer,
                                                       crypto::KeyType key) {
    std::optional<SignatureScheme> other_hash;
    for (auto scheme : ours) {
        if (!contains(peer, scheme) || !scheme_fits_key(scheme, key)) continue;
        if (hash_matches_curve(scheme, key)) return scheme;
        if (!other_hash) other_hash = scheme;
    }
    return other_hash;
}

bool key_fits_suite(crypto::KeyType key, SuiteKex kex) noexcept {
    const bool rsa = key == crypto::KeyType::rsa;
    return kex == SuiteKex::ecdhe_ecdsa ? !rsa : rsa;
}

Bytes server_key_exchange_signed_data(const Random& client_random, const Random& server_random,
                                      ByteView params) {
    Bytes out;
    out.reserve(2 * kRandomSize + params.size());
    out.insert(out.end(), client_random.begin(), client_random.end());
    out.insert(out.end(), server_random.begin(), server_random.end());
    out.insert(out.end(), params.begin(), params.end());
    return out;
}

std::string describe_list(std::span<const CipherSuite> suites) {
    std::string out;
    for (auto suite : suites) {
        if (!out.empty()) out += ", ";
        out += to_string(suite);
    }
    return out;
}

}  // namespace tls12
