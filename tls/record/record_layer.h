// Record framing: splits the incoming byte stream into records and opens them, and seals outgoing
// data into records of at most 2^14 plaintext bytes. Buffers are reused, so once they have grown to
// a record's size the steady state does not allocate.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>

#include <tls12/tls/error.h>
#include <tls12/tls/record/protection.h>
#include <tls12/tls/record/protection13.h>

namespace tls12 {

constexpr size_t kRecordHeaderSize = 5;
constexpr size_t kMaxPlaintextFragment = 1u << 14;                       // RFC 5246 6.2.1
constexpr size_t kMaxCiphertextFragment = kMaxPlaintextFragment + 2048;  // RFC 5246 6.2.3

// A record as it arrived, header checked: its type and body, still protected once the read side
// has keys. The body lies in the bytes fed (or the layer's buffer) until the feed ends.
struct SealedRecord {
    ContentType type;
    ByteView body;
};

// A record opened: its content type (under TLS 1.3 protection the inner one, RFC 8446 5.2) and
// its plaintext.
struct OpenedRecord {
    ContentType type;
    ByteView fragment;
};

// A growable byte queue with a read cursor, reusing its storage. Storage is not zero-filled on
// growth (std::vector::resize would clear every record's worth of bytes before it is overwritten).
class ByteQueue {
  public:
    ByteView data() const noexcept { return {storage_.get() + start_, end_ - start_}; }
    size_t size() const noexcept { return end_ - start_; }
    bool empty() const noexcept { return end_ == start_; }
    void append(ByteView bytes);
    // Grows by n bytes and returns them, uninitialised, for the caller to fill.
    MutableByteView extend(size_t n) {
        if (capacity_ - end_ < n) make_room(n);
        MutableByteView out{storage_.get() + end_, n};
        end_ += n;
        return out;
    }
    // Drops the last n bytes (what extend() reserved but did not use).
    void unextend(size_t n) noexcept { end_ -= std::min(n, size()); }
    void consume(size_t n) noexcept {
        start_ += std::min(n, size());
        if (start_ == end_) start_ = end_ = 0;  // keeps capacity
    }
    void release_memory();  // frees storage when empty
    MutableByteView mutable_data() noexcept { return {storage_.get() + start_, end_ - start_}; }

  private:
    void make_room(size_t n);  // compacts or grows so that n more bytes fit

    std::unique_ptr<uint8_t[]> storage_;
    size_t capacity_ = 0;
    size_t start_ = 0;  // first unread byte
    size_t end_ = 0;    // one past the last byte
};

// RFC 8446 4.2.10: how a server that ignored a client's early_data reads past its 0-RTT records.
enum class EarlyDataSkip : uint8_t {
    none,
    undecryptable,     // after a 1-RTT ServerHello: records the handshake key does not open
    application_data,  // after a HelloRetryRequest: every application_data record
};

class RecordLayer {
  public:
    class Input;

    // ---- input ----
    // The records of one feed. When nothing is buffered they are read where they lie in `fed`
    // (the one zero-copy case); otherwise `fed` joins the partial record kept from before. What is
    // not read by the time the Input ends (a partial record) is kept for the next feed.
    Input read(ByteView fed);
    // Opens an application_data record straight into sink (no copy of the plaintext); the
    // fragment returned is what was appended. Under TLS 1.3 the record may turn out to hold
    // another type (a post-handshake message, an alert): then nothing is appended, and the
    // fragment lies in the layer's scratch buffer, as open() leaves it. Inline: the steady state
    // runs it for every record.
    Result<OpenedRecord> open_into(const SealedRecord& record, ByteQueue& sink) {
        if (read13_) return open13_into(record, sink);
        if (!read_) [[unlikely]] {
            const size_t at = sink.size();
            sink.append(record.body);
            return OpenedRecord{record.type, sink.data().subspan(at)};
        }
        auto out = sink.extend(record.body.size());
        auto size = read_aead_ ? read_aead_->open_into(record.type, record.body, out)
                               : read_->open_into(record.type, record.body, out);
        sink.unextend(record.body.size() - (size ? *size : 0));
        if (!size) return std::move(size).error();
        return OpenedRecord{record.type, out.first(*size)};
    }
    // Opens any record into the layer's scratch buffer: valid until the next open(). Under TLS
    // 1.3 protection an application_data record gives its inner type; change_cipher_spec passes
    // unprotected (RFC 8446 5: the peer's state decides whether it may come); any other
    // unprotected record is unexpected_message.
    Result<OpenedRecord> open(const SealedRecord& record);
    // ---- early data a server refuses (RFC 8446 4.2.10) ----
    // From now on skip the client's 0-RTT records as `how` says, at most limit bytes of them
    // (their encrypted_records, less the overhead each carries at least); none ends it.
    void skip_early_data(EarlyDataSkip how, size_t limit = 0) noexcept {
        skip_early_data_ = how;
        early_data_budget_ = limit;
    }
    bool skipping_early_data() const noexcept { return skip_early_data_ != EarlyDataSkip::none; }
    // Whether record is early data to drop. The first record the handshake key opens ends the
    // skipping (it is opened again by open()); beyond the limit it is unexpected_message.
    Result<bool> skip_early_data(const SealedRecord& record);

    // Bytes of a record not complete yet.
    bool has_partial_input() const noexcept { return !input_.empty(); }

    // ---- output ----
    // Seals plaintext into one or more records (each at most 2^14 bytes of plaintext). Under TLS
    // 1.3 protection type is sealed inside as the inner type and every record goes out as
    // application_data (RFC 8446 5.2), except change_cipher_spec, which goes unprotected (RFC
    // 8446 5, D.4).
    Status write(ContentType type, ByteView plaintext);
    ByteView pending_output() const noexcept { return output_.data(); }
    void consume_output(size_t n) noexcept { output_.consume(n); }

    // ---- epochs ----
    // A new key for one direction (TLS 1.2 or, with a Tls13Protection, TLS 1.3); its sequence
    // numbers start at 0.
    void set_read_protection(std::unique_ptr<RecordProtection> protection);
    void set_write_protection(std::unique_ptr<RecordProtection> protection);
    bool read_protected() const noexcept { return read_ != nullptr; }
    bool read_tls13() const noexcept { return read13_ != nullptr; }
    bool write_tls13() const noexcept { return write13_ != nullptr; }
    // Records opened / sealed under the current key (0 without one): for the KeyUpdate before
    // the key usage limit (RFC 8446 5.5, max_records_per_key()).
    uint64_t records_read() const noexcept { return read_ ? read_->records() : 0; }
    uint64_t records_written() const noexcept { return write_ ? write_->records() : 0; }
    // Counts set_read_protection() calls: a key change (RFC 8446 5.1: no handshake message may
    // span one).
    uint64_t read_epoch() const noexcept { return read_epoch_; }
    // Once the version is agreed, every record must carry exactly TLS 1.2.
    void require_tls12_records() noexcept { strict_version_ = true; }
    // A TLS 1.3 server reading its first protected epoch: until a record of the client's opens
    // under it, an alert may still come in the clear, from a client that could not use our
    // ServerHello and so has no keys (as OpenSSL's server allows).
    void allow_plaintext_alerts() noexcept { plaintext_alerts_ = true; }

    void release_memory();

  private:
    // The whole record at the front of in, header checked, into record: false when the record
    // is not complete yet, or when the header is refused (error is set). Inline: it runs for
    // every record.
    bool next(ByteView in, SealedRecord& record, std::optional<Error>& error) {
        if (first_record_ && !in.empty() && (in[0] & 0x80) != 0) [[unlikely]] {
            error = sslv2_hello_error();
            return false;
        }
        if (in.size() < kRecordHeaderSize) return false;
        const size_t length = size_t{in[3]} << 8 | in[4];
        const size_t limit = read_limit_;
        const bool version_ok = strict_version_ ? (in[1] == 3 && in[2] == 3) : in[1] == 3;
        if (!known_content_type(in[0]) || !version_ok || length > limit) [[unlikely]] {
            error =
                header_error(in.first(kRecordHeaderSize), first_record_, strict_version_, limit);
            return false;
        }
        if (in.size() < kRecordHeaderSize + length) return false;
        first_record_ = false;
        record =
            SealedRecord{static_cast<ContentType>(in[0]), in.subspan(kRecordHeaderSize, length)};
        return true;
    }
    static bool known_content_type(uint8_t type) noexcept {
        return type >= static_cast<uint8_t>(ContentType::change_cipher_spec) &&
               type <= static_cast<uint8_t>(ContentType::application_data);
    }
    [[gnu::cold, gnu::noinline]] static Error header_error(ByteView header, bool first_record,
                                                           bool strict_version, size_t limit);
    [[gnu::cold, gnu::noinline]] static Error sslv2_hello_error();
    // The end of a feed: rest (not read) is kept; when it lies in the caller's bytes, it is copied.
    void keep(ByteView rest, bool buffered);
    // open_into() under TLS 1.3 protection.
    Result<OpenedRecord> open13_into(const SealedRecord& record, ByteQueue& sink) {
        if (record.type != ContentType::application_data) [[unlikely]]
            return open(record);
        auto out = sink.extend(record.body.size());
        auto inner = read13_->open_record(record.body, out);
        if (inner && inner->type == ContentType::application_data) [[likely]] {
            sink.unextend(record.body.size() - inner->size);
            return OpenedRecord{ContentType::application_data, out.first(inner->size)};
        }
        return hand_back(inner, out, sink);
    }
    // A TLS 1.3 record open_into() will not keep in the sink (another type, or a failure): its
    // plaintext moves to the scratch buffer, and the sink is as it was.
    Result<OpenedRecord> hand_back(const Result<InnerPlaintext>& inner, MutableByteView out,
                                   ByteQueue& sink);
    Status write13(ContentType type, ByteView plaintext);
    [[gnu::cold, gnu::noinline]] static Error unprotected_record_error(ContentType type);

    ByteQueue input_;  // a partial record kept between feeds
    Bytes scratch_;    // opened records other than application data
    ByteQueue output_;
    std::unique_ptr<RecordProtection> read_;
    std::unique_ptr<RecordProtection> write_;
    // The same objects when they are AEAD (every suite but the opt-in CBC ones): called directly,
    // so the per-record work inlines into the record layer instead of going through a vtable.
    AeadProtection* read_aead_ = nullptr;
    AeadProtection* write_aead_ = nullptr;
    // The same when they are TLS 1.3 protection.
    Tls13Protection* read13_ = nullptr;
    Tls13Protection* write13_ = nullptr;
    // The longest record body the header check lets through: 2^14 while reading plaintext, then
    // 2^14 + 2048 (RFC 5246 6.2.3) or 2^14 + 256 (RFC 8446 5.2).
    size_t read_limit_ = kMaxPlaintextFragment;
    uint64_t read_epoch_ = 0;
    size_t early_data_budget_ = 0;
    EarlyDataSkip skip_early_data_ = EarlyDataSkip::none;
    bool strict_version_ = false;
    bool first_record_ = true;
    bool plaintext_alerts_ = false;
};

class RecordLayer::Input {
  public:
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;
    ~Input() { layer_.keep(bytes_.subspan(used_), buffered_); }

    // The next whole record, or nullptr when more bytes are needed or its header was refused
    // (error() then says why: unknown type is unexpected_message, a bad version protocol_version,
    // too long record_overflow; an SSLv2-format hello protocol_version). No Result here: this
    // runs for every record, and only the refusal builds an Error.
    const SealedRecord* next() {
        if (!layer_.next(bytes_.subspan(used_), record_, error_)) return nullptr;
        used_ += kRecordHeaderSize + record_.body.size();
        return &record_;
    }
    const std::optional<Error>& error() const noexcept { return error_; }

  private:
    friend class RecordLayer;
    Input(RecordLayer& layer, ByteView bytes, bool buffered)
        : layer_(layer), bytes_(bytes), buffered_(buffered) {}

    RecordLayer& layer_;
    ByteView bytes_;
    size_t used_ = 0;
    bool buffered_;  // bytes_ is the layer's own buffer (else the caller's, read in place)
    SealedRecord record_{};
    std::optional<Error> error_;
};

inline RecordLayer::Input RecordLayer::read(ByteView fed) {
    if (input_.empty()) [[likely]]
        return Input(*this, fed, false);
    input_.append(fed);  // completes the record kept from the last feed
    return Input(*this, input_.data(), true);
}

inline void RecordLayer::keep(ByteView rest, bool buffered) {
    if (buffered)
        input_.consume(input_.size() - rest.size());
    else if (!rest.empty())
        input_.append(rest);
}

}  // namespace tls12
