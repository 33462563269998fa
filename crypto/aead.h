// AEAD ciphers for TLS records: keyed once per epoch, then seal/open in place without allocating.
#pragma once

#include <memory>

#include <tls12/crypto/bytes.h>

namespace tls12::crypto {

enum class AeadAlgorithm : uint8_t { aes128_gcm, aes256_gcm, chacha20_poly1305 };

constexpr size_t aead_tag_size = 16;
constexpr size_t aead_nonce_size = 12;
size_t aead_key_size(AeadAlgorithm algorithm) noexcept;
const char* to_string(AeadAlgorithm algorithm) noexcept;

// What a key will be used for. A record key only ever seals or only ever opens, and keying one
// direction halves the per-connection memory (AES key schedule and GHASH state per direction).
enum class AeadUse : uint8_t { seal_and_open, seal_only, open_only };

class Aead {
  public:
    // key must be aead_key_size(algorithm) bytes; throws std::invalid_argument otherwise.
    Aead(AeadAlgorithm algorithm, ByteView key, AeadUse use = AeadUse::seal_and_open);
    ~Aead();
    Aead(Aead&&) noexcept;
    Aead& operator=(Aead&&) noexcept;

    AeadAlgorithm algorithm() const noexcept { return algorithm_; }

    // Encrypts data in place and writes the 16-byte tag. nonce is 12 bytes. No heap allocation.
    void seal(ByteView nonce, ByteView aad, MutableByteView data, MutableByteView tag);

    // Out of place: encrypts plaintext into ciphertext (same size, may not overlap partially).
    // Saves the record layer copying a write into its output buffer first.
    void seal(ByteView nonce, ByteView aad, ByteView plaintext, MutableByteView ciphertext,
              MutableByteView tag);

    // Out of place with a trailer: seals plaintext followed by trailer (a few bytes that lie
    // elsewhere, e.g. TLS 1.3's inner content type) into ciphertext, which holds plaintext.size() +
    // trailer.size() bytes: the same output as sealing the two joined. Saves the TLS 1.3 record
    // layer copying a write next to its type byte first. ciphertext may start at plaintext (in
    // place) or not overlap it. No heap allocation.
    void seal(ByteView nonce, ByteView aad, ByteView plaintext, ByteView trailer,
              MutableByteView ciphertext, MutableByteView tag);

    // Decrypts data in place if the tag verifies and returns true. On failure returns false and
    // data is zeroed: unauthenticated plaintext is never released. No heap allocation.
    [[nodiscard]] bool open(ByteView nonce, ByteView aad, MutableByteView data, ByteView tag);

    // Out of place: decrypts ciphertext into plaintext (same size, may not overlap partially).
    // On failure returns false and plaintext is zeroed. Saves the record layer a copy.
    [[nodiscard]] bool open(ByteView nonce, ByteView aad, ByteView ciphertext,
                            MutableByteView plaintext, ByteView tag);

  private:
    struct Impl;
    AeadAlgorithm algorithm_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tls12::crypto
