// TLS 1.3 record protection (RFC 8446 5.2-5.4): the AEAD seals TLSInnerPlaintext (the content,
// its real content type, zero padding) under nonce = iv xor the sequence number, with the record
// header (application_data, 0x0303, length) as additional data. One object protects one direction
// of one traffic secret; keys are scheduled once, and sealing and opening do not allocate.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include <tls12/tls/record/protection.h>

namespace tls12 {

// RFC 8446 5.2: a TLSInnerPlaintext is at most 2^14 + 1 bytes (content, type and padding), a
// TLSCiphertext's encrypted_record at most 2^14 + 256.
constexpr size_t kMaxInnerPlaintext13 = (1u << 14) + 1;
constexpr size_t kMaxCiphertextFragment13 = (1u << 14) + 256;

// RFC 8446 5.5: AES-GCM keys may seal at most 2^24.5 records; a KeyUpdate must come before.
// ChaCha20-Poly1305's limit lies beyond the 2^64 sequence numbers.
constexpr uint64_t kMaxRecordsAesGcm13 = 23'726'566;
// The limit for a TLS 1.3 suite's keys (UINT64_MAX for ChaCha20-Poly1305).
uint64_t max_records_per_key(const SuiteInfo& suite) noexcept;

// The key and IV of one direction's traffic secret (RFC 8446 7.3); see traffic_keys() in
// tls/handshake/key_schedule13.h.
struct TrafficKeys13 {
    crypto::SecretBytes key;
    crypto::SecretBytes iv;
};

// What an opened record holds: its real content type and the size of its content (type and
// padding dropped).
struct InnerPlaintext {
    ContentType type;
    size_t size;
};

class Tls13Protection final : public RecordProtection {
  public:
    // What sealing adds to a record's content: the type byte and the tag (no padding is sent).
    static constexpr size_t kOverhead = 1 + crypto::aead_tag_size;

    // suite must be a TLS 1.3 suite, key and iv its sizes (std::logic_error otherwise).
    Tls13Protection(const SuiteInfo& suite, ByteView key, ByteView iv, crypto::AeadUse use);

    // Seals content (at most 2^14 bytes) as `type` into body, which holds content.size() +
    // kOverhead bytes; content may already lie at the start of body. Returns the size of the
    // encrypted_record (always content.size() + kOverhead).
    Result<size_t> seal_record(ContentType type, ByteView content, MutableByteView body);

    // Opens the encrypted_record of an application_data record into out (body.size() bytes; out
    // is body itself or does not overlap it) and returns the real type and the content size (the
    // content starts out). Failures: bad_record_mac (does not authenticate), record_overflow (an
    // inner plaintext over 2^14 + 1 bytes), unexpected_message (no non-zero type byte, RFC 8446
    // 5.4; or a type other than handshake, alert and application_data, RFC 8446 5).
    Result<InnerPlaintext> open_record(ByteView body, MutableByteView out);

    // Whether body (an encrypted_record) authenticates under the next sequence number, decrypted
    // into scratch (body.size() bytes); nothing advances. The trial decryption with which a server
    // that ignored early_data finds where the client's 0-RTT records end (RFC 8446 4.2.10).
    bool authenticates(ByteView body, MutableByteView scratch);

    // ---- RecordProtection, for code that holds any protection. seal() and seal_from() take the
    // inner type. open() and open_into() take the outer type (anything but application_data does
    // not authenticate) and give the content followed by its type byte, padding removed: the
    // interface has no other place for the type. The record layer calls the two above instead.
    Result<size_t> seal(ContentType type, MutableByteView body, size_t plaintext_size) override;
    Result<size_t> seal_from(ContentType type, ByteView plaintext, MutableByteView body) override;
    Result<MutableByteView> open(ContentType type, MutableByteView body) override;
    Result<size_t> open_into(ContentType type, ByteView body, MutableByteView out) override;

    void release() noexcept override { aead_.reset(); }

  private:
    void make_nonce(uint64_t sequence) noexcept {
        store_u64_be(nonce_.data() + 4, iv_tail_ ^ sequence);
    }
    static std::array<uint8_t, 5> header(size_t length) noexcept {
        return {static_cast<uint8_t>(ContentType::application_data), 3, 3,
                static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
    }
    crypto::Aead& aead() { return aead_ ? *aead_ : rekey(); }
    crypto::Aead& rekey();  // after release()

    [[gnu::cold, gnu::noinline]] static Error content_too_long(size_t size);
    [[gnu::cold, gnu::noinline]] static Error inner_plaintext_overflow(size_t size);
    [[gnu::cold, gnu::noinline]] static Error no_content_type();
    [[gnu::cold, gnu::noinline]] static Error forbidden_inner_type(uint8_t type);

    crypto::AeadAlgorithm algorithm_;
    crypto::AeadUse use_;
    crypto::SecretBytes key_;
    std::optional<crypto::Aead> aead_;  // dropped by release() while idle, as AeadProtection's
    uint64_t iv_tail_ = 0;              // the IV's last eight bytes (big-endian), xored
    std::array<uint8_t, crypto::aead_nonce_size> nonce_{};  // the first four bytes never change
};

// Protection for sealing (writing) or opening (reading) records of a TLS 1.3 suite under keys.
std::unique_ptr<Tls13Protection> make_protection13(const SuiteInfo& suite,
                                                   const TrafficKeys13& keys, bool for_sealing);

// ---- the per-record work, inline so that the record layer's calls compile to direct code ----

inline Result<size_t> Tls13Protection::seal_record(ContentType type, ByteView content,
                                                   MutableByteView body) {
    const size_t n = content.size();
    if (n > (1u << 14)) [[unlikely]]
        return content_too_long(n);
    uint64_t sequence;
    if (!next_sequence(sequence)) return sequence_exhausted();
    // RFC 8446 5.2: the real type, inside the encryption. Sealed with the content straight from
    // where it lies (a copy next to the type byte first cost ~6% of a 16 KiB seal).
    const uint8_t inner_type = static_cast<uint8_t>(type);
    const size_t length = n + kOverhead;
    make_nonce(sequence);
    aead().seal(nonce_, header(length), content, ByteView(&inner_type, 1), body.first(n + 1),
                body.subspan(n + 1, crypto::aead_tag_size));
    return length;
}

inline Result<InnerPlaintext> Tls13Protection::open_record(ByteView body, MutableByteView out) {
    if (body.size() < crypto::aead_tag_size) [[unlikely]]
        return record_authentication_failure();
    const size_t inner_size = body.size() - crypto::aead_tag_size;
    // RFC 8446 5.2: checked on the length alone, before decrypting.
    if (inner_size > kMaxInnerPlaintext13) [[unlikely]]
        return inner_plaintext_overflow(inner_size);
    make_nonce(sequence_);
    if (!aead().open(nonce_, header(body.size()), body.first(inner_size), out.first(inner_size),
                     body.subspan(inner_size)))
        return record_authentication_failure();
    uint64_t sequence;
    if (!next_sequence(sequence)) return sequence_exhausted();
    // RFC 8446 5.4: the type is the last non-zero byte; the zeros after it are padding.
    size_t end = inner_size;
    while (end != 0 && out[end - 1] == 0) --end;
    if (end == 0) [[unlikely]]
        return no_content_type();
    const uint8_t type = out[end - 1];
    if (type != static_cast<uint8_t>(ContentType::application_data)) [[unlikely]] {
        if (type != static_cast<uint8_t>(ContentType::handshake) &&
            type != static_cast<uint8_t>(ContentType::alert))
            return forbidden_inner_type(type);
    }
    return InnerPlaintext{static_cast<ContentType>(type), end - 1};
}

inline bool Tls13Protection::authenticates(ByteView body, MutableByteView scratch) {
    if (body.size() < crypto::aead_tag_size || body.size() > scratch.size()) return false;
    const size_t inner_size = body.size() - crypto::aead_tag_size;
    make_nonce(sequence_);
    return aead().open(nonce_, header(body.size()), body.first(inner_size),
                       scratch.first(inner_size), body.subspan(inner_size));
}

}  // namespace tls12
