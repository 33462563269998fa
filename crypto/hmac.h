// HMAC (RFC 2104) over SHA-1/SHA-2, keyed once and reusable.
#pragma once

#include <memory>

#include <tls12/crypto/hash.h>

namespace tls12::crypto {

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

    // HMAC(prefix || data[0..secret_len)) into out (size() bytes), independently of update() and
    // finish() (a message in progress is left as it is). For the MAC-then-encrypt record check
    // where secret_len depends on the secret padding (RFC 5246 6.2.3.2, Lucky Thirteen: AlFardan
    // and Paterson 2013). min_len <= secret_len <= data.size() (throws std::invalid_argument
    // otherwise); min_len, data.size() and prefix.size() are public. prefix and data[0..min_len)
    // are hashed the ordinary way; the rest of data is hashed block by block up to data.size(),
    // every byte selected with masks, and the inner digest taken from the block where secret_len
    // ends by a masked copy. The compression function therefore runs the same number of times, on
    // the same memory, through the same instructions, whatever secret_len is (the approach of
    // BoringSSL's EVP_tls_cbc_digest_record).
    void mac_constant_time(ByteView prefix, ByteView data, size_t min_len, size_t secret_len,
                           MutableByteView out);

  private:
    struct Impl;
    HashAlgorithm algorithm_;
    std::unique_ptr<Impl> impl_;
};

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data);

}  // namespace tls12::crypto
