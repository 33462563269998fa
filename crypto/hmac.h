// HMAC (RFC 2104) over SHA-1/SHA-2, keyed once and reusable.
#pragma once

#include <memory>

#include "crypto/hash.h"

namespace crypto {

class Hmac {
public:
    Hmac(HashAlgorithm algorithm, ByteView key);
    ~Hmac();
    Hmac(Hmac&&) noexcept;
    Hmac& operator=(Hmac&&) noexcept;

    size_t size() const noexcept { return digest_size(algorithm_); }
    void update(ByteView data);
    // Writes size() bytes of MAC into out (which must be at least that large) and resets the
    // state so the same key can MAC the next message. No allocation.
    void finish(MutableByteView out);

private:
    struct Impl;
    HashAlgorithm algorithm_;
    std::unique_ptr<Impl> impl_;
};

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data);

}  // namespace crypto
