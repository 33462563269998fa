// Ephemeral key agreement: X25519 (RFC 7748) and ECDH over secp256r1 / secp384r1.
#pragma once

#include <memory>
#include <optional>

#include <tls12/crypto/bytes.h>
#include <tls12/crypto/random.h>

namespace tls12::crypto {

enum class KexGroup : uint8_t { x25519, secp256r1, secp384r1 };

const char* to_string(KexGroup group) noexcept;
// Length of the encoded public value: 32 for X25519, 65 / 97 (uncompressed points) for NIST curves.
size_t public_value_size(KexGroup group) noexcept;

class KeyExchange {
  public:
    // A fresh ephemeral key pair.
    KeyExchange(KexGroup group, Random& random);
    // The key pair of a known private key, for known-answer tests (RFC 7748, Wycheproof). X25519:
    // 32 bytes, clamped as RFC 7748 section 5 says. NIST curves: the big-endian scalar, exactly
    // 32 / 48 bytes, in [1, n - 1]. Throws std::invalid_argument otherwise.
    static KeyExchange from_private_key(KexGroup group, ByteView private_key);
    ~KeyExchange();
    KeyExchange(KeyExchange&&) noexcept;
    KeyExchange& operator=(KeyExchange&&) noexcept;

    KexGroup group() const noexcept { return group_; }
    // X25519: the 32-byte u-coordinate. NIST curves: 0x04 || X || Y.
    ByteView public_value() const noexcept { return public_value_; }

    // The shared secret (X25519: 32 bytes; NIST: the X coordinate), or nullopt when the peer
    // value is invalid: wrong length, compressed or otherwise malformed encoding, not on the
    // curve, the point at infinity, or an all-zero X25519 result.
    std::optional<SecretBytes> agree(ByteView peer_public_value) const;

  private:
    explicit KeyExchange(KexGroup group);
    struct Impl;
    KexGroup group_;
    Bytes public_value_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tls12::crypto
