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

    // HMAC(prefix || data[0..secret_len)) into out (size() bytes), then resets like finish().
    // secret_len <= data.size() may be secret (the MAC-then-encrypt record length depends on the
    // padding): after hashing the true message, dummy compression-function calls are run so that
    // the total number of compressions is that of the longest message (prefix || data), whatever
    // secret_len is (the Lucky13 countermeasure of RFC 5246 6.2.3.2 / AlFardan-Paterson 2013).
    // Residual risk: the real and dummy compressions touch different memory and Crypto++'s update
    // path buffers a partial block, so cache and micro-architectural timing differences of a few
    // cycles remain; the compression count (the signal Lucky13 measured) is constant.
    void mac_constant_time(ByteView prefix, ByteView data, size_t secret_len, MutableByteView out);

  private:
    struct Impl;
    HashAlgorithm algorithm_;
    std::unique_ptr<Impl> impl_;
};

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data);

}  // namespace crypto
