// Pieces both handshake roles share: algorithm mappings, signature scheme choice, the
// certificate key reader.
#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <vector>

#include <tls12/crypto/kex.h>
#include <tls12/crypto/keys.h>
#include <tls12/tls/error.h>
#include <tls12/tls/msgs/handshake.h>
#include <tls12/tls/suites.h>

namespace tls12 {

std::optional<crypto::KexGroup> to_kex_group(NamedGroup group) noexcept;
// The crypto algorithm of a TLS 1.2 signature scheme; nullopt for schemes we do not implement.
std::optional<crypto::SignatureAlgorithm> to_signature_algorithm(SignatureScheme scheme) noexcept;
// Whether scheme can be made with (or verified against) a key of this type. In TLS 1.2 an ECDSA
// scheme names only the hash: ecdsa_secp384r1_sha384 fits a P-256 key as well as a P-384 one.
bool scheme_fits_key(SignatureScheme scheme, crypto::KeyType key) noexcept;
// The scheme to sign with: the first of ours that the peer accepts and that fits the key,
// preferring for an ECDSA key the hash of its curve (P-256 with SHA-256, P-384 with SHA-384), else
// any hash the peer asks for, as OpenSSL does. nullopt when there is none.
std::optional<SignatureScheme> choose_signature_scheme(std::span<const SignatureScheme> ours,
                                                       std::span<const SignatureScheme> peer,
                                                       crypto::KeyType key);
// Whether a certificate key of this type can serve the suite's key exchange.
bool key_fits_suite(crypto::KeyType key, SuiteKex kex) noexcept;

template <typename T>
bool contains(std::span<const T> list, T value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}
template <typename T>
bool contains(const std::vector<T>& list, T value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// client_random + server_random + ServerECDHParams: what a ServerKeyExchange signature covers.
Bytes server_key_exchange_signed_data(const Random& client_random, const Random& server_random,
                                      ByteView params);

std::string describe_list(std::span<const CipherSuite> suites);

// The subject public key of a DER certificate (through x509/); bad_certificate when it cannot be
// read, unsupported_certificate when the key type is not one we use.
Result<crypto::PublicKey> certificate_public_key(ByteView certificate_der);
}  // namespace tls12
