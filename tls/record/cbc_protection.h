// Legacy CBC record protection (RFC 5246 6.2.3.2), MAC-then-encrypt or, when negotiated,
// encrypt-then-MAC (RFC 7366). Opt-in only: see tls/config.h.
#pragma once

#include <optional>

#include <tls12/crypto/cbc.h>
#include <tls12/crypto/hmac.h>
#include <tls12/crypto/random.h>
#include <tls12/tls/record/protection.h>

namespace tls12 {

class CbcProtection final : public RecordProtection {
  public:
    // key is 16 or 32 bytes (AES-128/256), mac_key the suite's HMAC key. Sealing draws a fresh
    // explicit IV per record from random, which must outlive this object. use says which of
    // seal/open will be called (the engine keys one; tests and tools may key both).
    CbcProtection(const SuiteInfo& suite, ByteView mac_key, ByteView key, crypto::AeadUse use,
                  bool encrypt_then_mac, crypto::Random& random);

    // Body layout: IV (16) | plaintext | MAC | padding, all but the IV encrypted; with
    // encrypt-then-MAC: IV | CBC(plaintext | padding) | MAC.
    Result<size_t> seal(ContentType type, MutableByteView body, size_t plaintext_size) override;
    // Every failure (length, padding, MAC) is the same bad_record_mac. Without encrypt-then-MAC
    // the padding and MAC are checked in constant time over the longest possible plaintext.
    Result<MutableByteView> open(ContentType type, MutableByteView body) override;

  private:
    Result<MutableByteView> open_mac_then_encrypt(ContentType type, MutableByteView body);
    Result<MutableByteView> open_encrypt_then_mac(ContentType type, MutableByteView body);

    std::optional<crypto::AesCbc> encryptor_;
    std::optional<crypto::AesCbc> decryptor_;
    crypto::Hmac mac_;
    crypto::Random& random_;
    size_t mac_size_;
    bool encrypt_then_mac_;
};

}  // namespace tls12
