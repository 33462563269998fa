#include "tls/handshake/common.h"

#include "crypto/hash.h"

namespace tls {

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
    switch (key) {
        case crypto::KeyType::rsa:
            return algorithm->padding != crypto::SignaturePadding::ecdsa;
        // TLS 1.2 does not tie the curve to the hash, but we keep the TLS 1.3 pairing: it is what
        // every peer offers and it keeps the choice unambiguous.
        case crypto::KeyType::ecdsa_p256:
            return scheme == SignatureScheme::ecdsa_secp256r1_sha256;
        case crypto::KeyType::ecdsa_p384:
            return scheme == SignatureScheme::ecdsa_secp384r1_sha384;
        default:
            return false;
    }
}

bool key_fits_suite(crypto::KeyType key, SuiteKex kex) noexcept {
    const bool rsa = key == crypto::KeyType::rsa;
    return kex == SuiteKex::ecdhe_ecdsa ? !rsa : rsa;
}

Bytes Transcript::hash(crypto::HashAlgorithm algorithm, size_t prefix_length) const {
    return crypto::hash(algorithm, ByteView(bytes_).first(prefix_length));
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

}  // namespace tls
