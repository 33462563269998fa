// AEAD record protection for one direction of one epoch: RFC 5288/5289 (AES-GCM) and RFC 7905
// (ChaCha20-Poly1305). Keys are scheduled once; seal and open work in place without allocating.
#pragma once

#include <array>
#include <optional>

#include "crypto/aead.h"
#include "tls/error.h"
#include "tls/suites.h"

namespace tls {

class RecordProtection {
  public:
    RecordProtection(const SuiteInfo& suite, ByteView key, ByteView fixed_iv);

    // Bytes a protected record carries beyond its plaintext.
    size_t explicit_nonce_size() const noexcept { return explicit_nonce_size_; }
    size_t overhead() const noexcept { return explicit_nonce_size_ + crypto::aead_tag_size; }

    // body = [explicit nonce | plaintext (plaintext_size bytes) | tag], laid out by the caller with
    // the plaintext already in place. Fills the nonce and tag and encrypts the plaintext.
    Status seal(ContentType type, MutableByteView body, size_t plaintext_size);

    // body as received; on success returns the decrypted plaintext (inside body). Any failure is
    // bad_record_mac (or record_overflow for an over-long plaintext).
    Result<MutableByteView> open(ContentType type, MutableByteView body);

    uint64_t sequence() const noexcept { return sequence_; }

  private:
    void make_nonce(uint64_t sequence, ByteView explicit_nonce);
    Status next_sequence();

    crypto::Aead aead_;
    std::array<uint8_t, crypto::aead_nonce_size> fixed_iv_{};  // salt (GCM) or IV (ChaCha20)
    std::array<uint8_t, crypto::aead_nonce_size> nonce_{};
    size_t fixed_iv_size_;
    size_t explicit_nonce_size_;
    uint64_t sequence_ = 0;
};

}  // namespace tls
