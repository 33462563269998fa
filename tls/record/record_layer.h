// Record framing: splits the incoming byte stream into records and opens them, and seals outgoing
// data into records of at most 2^14 plaintext bytes. Buffers are reused, so once they have grown to
// a record's size the steady state does not allocate.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>

#include <tls12/tls/error.h>
#include <tls12/tls/record/protection.h>

namespace tls12 {

constexpr size_t kRecordHeaderSize = 5;
constexpr size_t kMaxPlaintextFragment = 1u << 14;                       // RFC 5246 6.2.1
constexpr size_t kMaxCiphertextFragment = kMaxPlaintextFragment + 2048;  // RFC 5246 6.2.3

// A record as delivered to the engine: its type and (decrypted) fragment. The fragment stays valid
// until the next call to next_record() or feed(). Application data opened straight into the
// caller's sink is marked delivered (the fragment then points into the sink).
struct Record {
    ContentType type;
    ByteView fragment;
    bool delivered = false;
};

// A growable byte queue with a read cursor, reusing its storage. Storage is not zero-filled on
// growth (std::vector::resize would clear every record's worth of bytes before it is overwritten).
class ByteQueue {
  public:
    ByteView data() const noexcept { return {storage_.get() + start_, end_ - start_}; }
    size_t size() const noexcept { return end_ - start_; }
    bool empty() const noexcept { return end_ == start_; }
    size_t capacity() const noexcept { return capacity_; }
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

class RecordLayer {
  public:
    // ---- input ----
    // Bytes from the peer. When nothing is buffered they are read where they lie (no copy), so the
    // view must stay valid until keep_unread() has copied what is left (the next feed() does that
    // first if it was not called).
    void feed(ByteView bytes) {
        if (input_.empty() && borrowed_.empty() && pending_consume_ == 0)
            borrowed_ = bytes;
        else
            feed_behind(bytes);
    }
    // The next complete record, opened if read protection is on; nullopt when more bytes are
    // needed. Application data is opened straight into app_sink when one is given. Header errors:
    // unknown type (unexpected_message), bad version (protocol_version), too long
    // (record_overflow); SSLv2-format hellos are refused with protocol_version.
    Result<std::optional<Record>> next_record(ByteQueue* app_sink = nullptr);
    // Bytes of a record not complete yet (or not read yet).
    bool has_partial_input() const noexcept { return unread() != 0; }
    // Whether next_record() has anything to look at: a header's worth of unread bytes (or, before
    // the first record, one byte, which is enough to refuse an SSLv2-format hello). Lets the
    // engine skip the call that would only say "need more" after the last record of a feed.
    bool has_header() const noexcept {
        return unread() >= kRecordHeaderSize || (first_record_ && unread() != 0);
    }
    // The steady state of a reading connection, without the general dispatch: opens the whole
    // application_data records at the front of bytes straight into sink and returns how many
    // bytes they took. Stops at anything else (another type, an empty or short record, a header
    // to refuse, a partial record), which the caller then feeds through next_record() for the
    // full checks. Opens nothing unless AEAD-protected, TLS 1.2-strict and nothing is buffered.
    Result<size_t> open_application_data(ByteView bytes, ByteQueue& sink);
    // Ends a feed: the last record returned is released and fed bytes not yet read are copied, so
    // the caller's view may go away (and the next feed can be read where it lies again).
    void keep_unread() {
        if (pending_consume_ != 0 || !borrowed_.empty()) finish_feed();
    }

    // ---- output ----
    // Seals plaintext into one or more records (each at most 2^14 bytes of plaintext).
    Status write(ContentType type, ByteView plaintext);
    ByteView pending_output() const noexcept { return output_.data(); }
    void consume_output(size_t n) noexcept { output_.consume(n); }

    // ---- epochs ----
    void set_read_protection(std::unique_ptr<RecordProtection> protection);
    void set_write_protection(std::unique_ptr<RecordProtection> protection);
    bool read_protected() const noexcept { return read_ != nullptr; }
    bool write_protected() const noexcept { return write_ != nullptr; }
    // Once the version is agreed, every record must carry exactly TLS 1.2.
    void require_tls12_records() noexcept { strict_version_ = true; }

    void release_memory();

  private:
    // Fed bytes not yet returned as a record (the last record returned stays in input_ until the
    // next call).
    size_t unread() const noexcept { return input_.size() - pending_consume_ + borrowed_.size(); }
    void feed_behind(ByteView bytes);  // input already buffered: append behind it
    void finish_feed();
    Result<size_t> open_into_sink(ByteView body, ByteQueue& sink);
    Result<std::optional<Record>> deliver(ContentType type, ByteView body, MutableByteView in_place,
                                          ByteQueue* app_sink);

    ByteQueue input_;
    ByteView borrowed_;  // fed bytes read in place while input_ is empty
    Bytes scratch_;      // opened non-application records that arrived in borrowed_
    ByteQueue output_;
    std::unique_ptr<RecordProtection> read_;
    std::unique_ptr<RecordProtection> write_;
    // The same objects when they are AEAD (every suite but the opt-in CBC ones): called directly,
    // so the per-record work inlines into the record layer instead of going through a vtable.
    AeadProtection* read_aead_ = nullptr;
    AeadProtection* write_aead_ = nullptr;
    size_t pending_consume_ = 0;  // bytes of the previously returned record still in input_
    bool strict_version_ = false;
    bool first_record_ = true;
};

}  // namespace tls12
