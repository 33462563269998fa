// SHA-1/SHA-2 hashes with incremental update and cheap intermediate digests (the TLS transcript).
#pragma once

#include <memory>

#include <tls12/crypto/bytes.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::crypto {

enum class HashAlgorithm : uint8_t { sha1, sha256, sha384, sha512 };

size_t digest_size(HashAlgorithm algorithm) noexcept;
const char* to_string(HashAlgorithm algorithm) noexcept;

class Hash {
  public:
    explicit Hash(HashAlgorithm algorithm);
    ~Hash();
    Hash(Hash&&) noexcept;
    Hash& operator=(Hash&&) noexcept;
    Hash(const Hash& other);  // copies the running state
    Hash& operator=(const Hash& other);

    HashAlgorithm algorithm() const noexcept { return algorithm_; }
    size_t size() const noexcept { return digest_size(algorithm_); }
    void update(ByteView data);
    // Digest of everything so far; the running state is left untouched.
    Bytes peek() const;
    // Digest of everything so far; the state is reset for reuse.
    Bytes finish();

  private:
    struct Impl;
    HashAlgorithm algorithm_;
    std::unique_ptr<Impl> impl_;
};

Bytes hash(HashAlgorithm algorithm, ByteView data);

}  // namespace tls12::crypto
#pragma GCC visibility pop
