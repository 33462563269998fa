/// \file
/// Public and private keys for TLS signatures (RSA PKCS#1 v1.5 / PSS, ECDSA) and RSA key exchange.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>

#include <tls12/crypto/hash.h>
#include <tls12/crypto/random.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::crypto {

/// The kind of a key: RSA, or ECDSA on a named curve.
enum class KeyType : uint8_t { rsa, ecdsa_p256, ecdsa_p384 };
/// RSA signature padding, or ECDSA (no padding).
enum class SignaturePadding : uint8_t { pkcs1v15, pss, ecdsa };

/// "RSA", "ECDSA P-256", "ECDSA P-384".
const char* to_string(KeyType type) noexcept;

/// How a signature is made: padding (or ECDSA) and hash. PSS uses MGF1 with the same hash and a
/// salt as long as the hash (RFC 8446 rsa_pss_rsae_*). ECDSA signatures are DER-encoded.
struct SignatureAlgorithm {
    SignaturePadding padding;  ///< RSA padding, or ecdsa.
    HashAlgorithm hash;        ///< The message is hashed with this.
    friend bool operator==(const SignatureAlgorithm&, const SignatureAlgorithm&) = default;
};

/// Thrown for unusable key material given by the local user (not by a peer).
class KeyError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// An RSA or ECDSA public key: verifies signatures, and (RSA) encrypts the premaster secret.
class PublicKey {
  public:
    /// From a DER SubjectPublicKeyInfo (RSA or EC P-256/P-384). Throws KeyError.
    static PublicKey from_spki_der(ByteView spki);
    ~PublicKey();
    /// Moves the key.
    PublicKey(PublicKey&&) noexcept;
    /// Moves the key.
    PublicKey& operator=(PublicKey&&) noexcept;
    /// Copies the key.
    PublicKey(const PublicKey&);
    /// Copies the key.
    PublicKey& operator=(const PublicKey&);

    /// RSA or the ECDSA curve.
    KeyType type() const noexcept;
    size_t bits() const noexcept;  ///< Modulus or field size in bits.
    /// RSA: the public exponent's size in bits; 0 for an EC key.
    size_t rsa_exponent_bits() const noexcept;
    /// The key as a DER SubjectPublicKeyInfo.
    Bytes spki_der() const;

    /// True only for a valid signature of message (hashed here with algorithm.hash). Never throws
    /// on malformed signatures; an algorithm not matching the key type returns false.
    bool verify(SignatureAlgorithm algorithm, ByteView message, ByteView signature) const;

    /// RSA only: PKCS#1 v1.5 type 2 encryption, used by the client for the premaster secret.
    /// Throws KeyError for an EC key.
    Bytes rsa_encrypt_pkcs1(ByteView plaintext, Random& random) const;
    /// RSA only: raw m^e mod n with m given as a big-endian integer < n; the result is padded to
    /// the modulus length. For tests that craft malformed premaster ciphertexts.
    Bytes rsa_raw_public(ByteView m) const;

  private:
    friend class PrivateKey;  // public_key() builds the Impl directly
    struct Impl;
    explicit PublicKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// An RSA or ECDSA private key: signs, and (RSA) decrypts the premaster secret. Movable, not
/// copyable.
class PrivateKey {
  public:
    /// From a DER PKCS#8 PrivateKeyInfo (RSA or EC). Throws KeyError.
    static PrivateKey from_pkcs8_der(ByteView der);
    /// From a DER PKCS#1 RSAPrivateKey. Throws KeyError.
    static PrivateKey from_pkcs1_der(ByteView der);
    /// From a DER SEC1 ECPrivateKey. Throws KeyError.
    static PrivateKey from_sec1_der(ByteView der);
    /// Tries PKCS#8, PKCS#1 and SEC1 in turn. Throws KeyError when none fits.
    static PrivateKey from_der(ByteView der);
    /// A fresh RSA key of `bits` (1024..16384), for tests and benchmarks.
    static PrivateKey generate_rsa(size_t bits, Random& random);
    /// A fresh ECDSA key on the curve of `type`, for tests and benchmarks.
    static PrivateKey generate_ecdsa(KeyType type, Random& random);

    ~PrivateKey();
    /// Moves the key.
    PrivateKey(PrivateKey&&) noexcept;
    /// Moves the key.
    PrivateKey& operator=(PrivateKey&&) noexcept;

    /// RSA or the ECDSA curve.
    KeyType type() const noexcept;
    /// Modulus or field size in bits.
    size_t bits() const noexcept;
    /// The public half.
    PublicKey public_key() const;
    /// The key as unencrypted DER PKCS#8 (secret, so wiped when dropped).
    SecretBytes pkcs8_der() const;

    /// Signs message (hashed here with algorithm.hash). Throws KeyError if the algorithm does not
    /// fit the key type, or names SHA-1.
    Bytes sign(SignatureAlgorithm algorithm, ByteView message, Random& random) const;

    /// RSA only: decrypts the ClientKeyExchange's premaster secret. RFC 5246 7.4.7.1: always
    /// returns 48 bytes. If the ciphertext is malformed in any way (length other than the modulus
    /// size, value >= modulus, bad PKCS#1 v1.5 type 2 padding, plaintext not 48 bytes, first two
    /// bytes not client_version) the result is a random premaster. The choice is made without
    /// branches, early returns or exceptions that depend on the secret.
    SecretBytes rsa_decrypt_premaster(ByteView ciphertext, uint16_t client_version,
                                      Random& random) const;

  private:
    struct Impl;
    explicit PrivateKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace tls12::crypto
#pragma GCC visibility pop
