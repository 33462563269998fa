// Record protection for one direction of one epoch. The AEAD kind follows RFC 5288/5289 (AES-GCM)
// and RFC 7905 (ChaCha20-Poly1305); the legacy CBC kind (tls/record/cbc_protection.h) follows
// RFC 5246 6.2.3.2 and RFC 7366. Keys are scheduled once; sealing and opening do not allocate.
#pragma once

#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/random.h>
#include <tls12/tls/error.h>
#include <tls12/tls/suites.h>

namespace tls12 {

class RecordProtection {
  public:
    virtual ~RecordProtection() = default;

    // Where the plaintext starts inside a protected body (explicit nonce or IV bytes).
    size_t explicit_nonce_size() const noexcept { return plaintext_offset_; }
    // The most a protected body can exceed its plaintext.
    size_t overhead() const noexcept { return max_overhead_; }
    // Records sealed or opened under this key so far (the next sequence number): what the TLS 1.3
    // key usage limits (RFC 8446 5.5) count.
    uint64_t records() const noexcept { return sequence_; }

    // body = [explicit_nonce_size() bytes | plaintext (plaintext_size) | room for overhead()],
    // laid out by the caller with the plaintext in place. Protects it and returns the size of the
    // finished body (at most plaintext_size + overhead()).
    virtual Result<size_t> seal(ContentType type, MutableByteView body, size_t plaintext_size) = 0;

    // The same with the plaintext read from where it lies (not overlapping body, which must hold
    // explicit_nonce_size() + plaintext.size() + overhead() bytes). The default copies it into
    // body and seals in place; the AEAD kind encrypts straight from it.
    virtual Result<size_t> seal_from(ContentType type, ByteView plaintext, MutableByteView body);

    // body as received; on success returns the plaintext (inside body). Any failure is
    // bad_record_mac (record_overflow for an over-long plaintext).
    virtual Result<MutableByteView> open(ContentType type, MutableByteView body) = 0;

    // Opens body (left untouched) straight into out, which must hold body.size() bytes; returns the
    // plaintext size. The default opens a copy in place; the AEAD kind decrypts out of place.
    virtual Result<size_t> open_into(ContentType type, ByteView body, MutableByteView out);

    // Drops scheduled cipher state while the connection is idle; it is rebuilt from the kept key
    // on the next record.
    virtual void release() noexcept {}

  protected:
    RecordProtection(size_t plaintext_offset, size_t max_overhead)
        : plaintext_offset_(plaintext_offset), max_overhead_(max_overhead) {}
    // Takes the sequence number of this record and advances it; false once they are used up
    // (RFC 5246 6.1: they never wrap), and the caller fails with sequence_exhausted(). Inline and
    // without a Result: it runs for every record.
    bool next_sequence(uint64_t& sequence) noexcept {
        if (sequence_ == std::numeric_limits<uint64_t>::max()) [[unlikely]]
            return false;
        sequence = sequence_++;
        return true;
    }
    static Error sequence_exhausted();
    uint64_t sequence_ = 0;

  private:
    size_t plaintext_offset_;
    size_t max_overhead_;
};

class AeadProtection final : public RecordProtection {
  public:
    AeadProtection(const SuiteInfo& suite, ByteView key, ByteView fixed_iv, crypto::AeadUse use);

    Result<size_t> seal(ContentType type, MutableByteView body, size_t plaintext_size) override;
    Result<size_t> seal_from(ContentType type, ByteView plaintext, MutableByteView body) override;
    Result<MutableByteView> open(ContentType type, MutableByteView body) override;
    Result<size_t> open_into(ContentType type, ByteView body, MutableByteView out) override;

    void release() noexcept override { aead_.reset(); }

  private:
    static constexpr size_t kMaxPlaintext = 1u << 14;

    void make_nonce(uint64_t sequence, ByteView explicit_nonce) noexcept;
    crypto::Aead& aead() { return aead_ ? *aead_ : rekey(); }
    crypto::Aead& rekey();  // after release()
    static Error plaintext_overflow();

    // Crypto++'s AES-GCM state is ~6 KiB per direction, so an idle connection keeps only the key.
    crypto::AeadAlgorithm algorithm_;
    crypto::AeadUse use_;
    crypto::SecretBytes key_;
    std::optional<crypto::Aead> aead_;
    uint64_t fixed_iv_tail_ = 0;  // ChaCha20: the IV's last eight bytes (big-endian), xored
    std::array<uint8_t, crypto::aead_nonce_size> nonce_{};  // the first four bytes never change
    size_t explicit_nonce_size_;
};

// The one failure every protected record that does not open gets (no oracle between causes).
Error record_authentication_failure();

// One byte-swapped store where a byte loop might not become one.
inline void store_u64_be(uint8_t* out, uint64_t value) noexcept {
    if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap64(value);
    std::memcpy(out, &value, sizeof value);
}

// seq_num || type || version || length: what the record MAC (RFC 5246 6.2.3.1) and the AEAD
// additional data (6.2.3.3) cover. Inline: built for every record.
inline std::array<uint8_t, 13> record_mac_header(uint64_t sequence, ContentType type,
                                                 size_t length) {
    std::array<uint8_t, 13> header;
    store_u64_be(header.data(), sequence);
    header[8] = static_cast<uint8_t>(type);
    header[9] = 3;
    header[10] = 3;
    header[11] = static_cast<uint8_t>(length >> 8);
    header[12] = static_cast<uint8_t>(length);
    return header;
}
// ---- AeadProtection's per-record work, inline so that the record layer's AEAD path (which
// knows the final type) compiles to direct calls ----

inline void AeadProtection::make_nonce(uint64_t sequence, ByteView explicit_nonce) noexcept {
    if (explicit_nonce_size_ != 0) {
        // RFC 5288 3: nonce = salt (4) || explicit nonce (8).
        std::memcpy(nonce_.data() + 4, explicit_nonce.data(), 8);
    } else {
        // RFC 7905 2: nonce = IV xor (0^32 || seq_num).
        store_u64_be(nonce_.data() + 4, fixed_iv_tail_ ^ sequence);
    }
}

inline Result<size_t> AeadProtection::seal_from(ContentType type, ByteView plaintext,
                                                MutableByteView body) {
    uint64_t sequence;
    if (!next_sequence(sequence)) return sequence_exhausted();
    uint8_t* explicit_nonce = body.data();
    if (explicit_nonce_size_ != 0) store_u64_be(explicit_nonce, sequence);  // unique per key
    make_nonce(sequence, {explicit_nonce, explicit_nonce_size_});
    const auto aad = record_mac_header(sequence, type, plaintext.size());
    auto ciphertext = body.subspan(explicit_nonce_size_, plaintext.size());
    auto tag = body.subspan(explicit_nonce_size_ + plaintext.size(), crypto::aead_tag_size);
    aead().seal(nonce_, aad, plaintext, ciphertext, tag);
    return explicit_nonce_size_ + plaintext.size() + crypto::aead_tag_size;
}

inline Result<size_t> AeadProtection::open_into(ContentType type, ByteView body,
                                                MutableByteView out) {
    if (body.size() < overhead()) return record_authentication_failure();
    const size_t plaintext_size = body.size() - overhead();
    if (plaintext_size > kMaxPlaintext) return plaintext_overflow();
    make_nonce(sequence_, body.first(explicit_nonce_size_));
    const auto aad = record_mac_header(sequence_, type, plaintext_size);
    const auto ciphertext = body.subspan(explicit_nonce_size_, plaintext_size);
    const auto tag = body.subspan(explicit_nonce_size_ + plaintext_size, crypto::aead_tag_size);
    if (!aead().open(nonce_, aad, ciphertext, out.first(plaintext_size), tag))
        return record_authentication_failure();
    uint64_t sequence;
    if (!next_sequence(sequence)) return sequence_exhausted();
    return plaintext_size;
}

// The keys of one direction, as the key block hands them out.
struct DirectionKeys {
    ByteView mac_key;  // empty for AEAD suites
    ByteView key;
    ByteView iv;  // AEAD fixed IV; empty for CBC (explicit per-record IVs)
};

// Protection for sealing (writing) or opening (reading) records of this suite.
// encrypt_then_mac applies to CBC suites only (RFC 7366); so does random (their explicit IVs),
// which must outlive the protection.
std::unique_ptr<RecordProtection> make_protection(const SuiteInfo& suite, const DirectionKeys& keys,
                                                  bool for_sealing, bool encrypt_then_mac,
                                                  crypto::Random& random);

}  // namespace tls12
