/// \file
/// SHA-1/SHA-2 hashes with incremental update and cheap intermediate digests (the TLS transcript).
#pragma once

#include <memory>

#include <tls12/crypto/bytes.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::crypto {

/// A hash function of the SHA family.
enum class HashAlgorithm : uint8_t { sha1, sha256, sha384, sha512 };

/// Digest length in bytes (20, 32, 48 or 64).
size_t digest_size(HashAlgorithm algorithm) noexcept;
/// "SHA-1", "SHA-256", ...
const char* to_string(HashAlgorithm algorithm) noexcept;

/// An incremental hash computation.
class Hash {
  public:
    /// A fresh computation (nothing hashed yet).
    explicit Hash(HashAlgorithm algorithm);
    ~Hash();
    /// Moves the running state.
    Hash(Hash&&) noexcept;
    /// Moves the running state.
    Hash& operator=(Hash&&) noexcept;
    Hash(const Hash& other);  ///< Copies the running state.
    /// Copies the running state.
    Hash& operator=(const Hash& other);

    /// The hash function.
    HashAlgorithm algorithm() const noexcept { return algorithm_; }
    /// Digest length in bytes.
    size_t size() const noexcept { return digest_size(algorithm_); }
    /// Hashes more data.
    void update(ByteView data);
    /// Digest of everything so far; the running state is left untouched.
    Bytes peek() const;
    /// Digest of everything so far; the state is reset for reuse.
    Bytes finish();

  private:
    struct Impl;
    HashAlgorithm algorithm_;
    std::unique_ptr<Impl> impl_;
};

/// The digest of data in one call.
Bytes hash(HashAlgorithm algorithm, ByteView data);

}  // namespace tls12::crypto
#pragma GCC visibility pop
