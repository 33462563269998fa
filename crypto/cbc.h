// AES-128/256 in CBC mode without padding, for the legacy TLS 1.2 CBC record protection, plus the
// constant-time helpers its MAC-then-encrypt check needs (Lucky13 countermeasures).
#pragma once

#include <cstdint>
#include <memory>

#include <tls12/crypto/bytes.h>

namespace tls12::crypto {

constexpr size_t cbc_block_size = 16;

enum class CbcDirection : uint8_t { encrypt, decrypt };

// Keyed once for one direction. encrypt/decrypt work in place on whole blocks (data.size() a
// multiple of 16; throws std::invalid_argument otherwise) with a 16-byte IV. No heap allocation.
class AesCbc {
  public:
    // key must be 16 or 32 bytes; throws std::invalid_argument otherwise.
    AesCbc(ByteView key, CbcDirection direction);
    ~AesCbc();
    AesCbc(AesCbc&&) noexcept;
    AesCbc& operator=(AesCbc&&) noexcept;

    CbcDirection direction() const noexcept { return direction_; }
    void encrypt(ByteView iv, MutableByteView data);
    void decrypt(ByteView iv, MutableByteView data);

  private:
    struct Impl;
    CbcDirection direction_;
    std::unique_ptr<Impl> impl_;
};

// ---- constant-time helpers (no secret-dependent branches or memory indexes) ----

// All ones if a == b, else 0.
constexpr uint32_t ct_eq_mask(uint32_t a, uint32_t b) noexcept {
    const uint32_t x = a ^ b;
    return static_cast<uint32_t>((static_cast<uint64_t>(x) - 1) >> 32);
}
// All ones if a < b, else 0 (a, b < 2^31).
constexpr uint32_t ct_lt_mask(uint32_t a, uint32_t b) noexcept {
    return static_cast<uint32_t>(0) - ((a - b) >> 31);
}
// All ones if a <= b, else 0 (a, b < 2^31).
constexpr uint32_t ct_le_mask(uint32_t a, uint32_t b) noexcept {
    return ~ct_lt_mask(b, a);
}
// mask ? a : b, for mask all ones or 0.
constexpr uint32_t ct_select(uint32_t mask, uint32_t a, uint32_t b) noexcept {
    return (a & mask) | (b & ~mask);
}

}  // namespace tls12::crypto
