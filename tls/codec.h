// Bounds-checked reading and writing of TLS wire structures (RFC 5246 section 4).
//
// Reader is a cursor over a ByteView with a STICKY failure flag: any read that does not fit marks
// the reader failed and returns zero / empty values from then on, so a parser can read a whole
// structure and check ok() / finish() once at the end. Nothing here throws on peer input.
//
// Writer appends big-endian integers and bytes to a Bytes buffer (its own, or a caller's).
// Length-prefixed vectors are written with an RAII LengthPrefix guard that reserves the length
// field and fills it in when it closes; a body that does not fit the field marks the writer failed
// (overflow()) instead of silently truncating.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <tls12/crypto/bytes.h>
#include <tls12/tls/types.h>

namespace tls12 {

class Reader {
  public:
    Reader() noexcept = default;
    explicit Reader(ByteView data) noexcept : data_(data) {}

    uint8_t u8() noexcept;
    uint16_t u16() noexcept;
    uint32_t u24() noexcept;
    uint32_t u32() noexcept;
    uint64_t u64() noexcept;

    // The next n bytes (a view into the input), or an empty view and failure if fewer remain.
    ByteView bytes(size_t n) noexcept;
    // Reads exactly out.size() bytes into out; on failure out is zero-filled.
    void copy_to(MutableByteView out) noexcept;
    template <size_t N>
    std::array<uint8_t, N> array() noexcept {
        std::array<uint8_t, N> out{};
        copy_to(out);
        return out;
    }
    // Everything that remains (consumes it).
    ByteView rest() noexcept;

    // A child reader over the next len bytes; this reader advances past them. If they are not
    // there, both this reader and the returned child are failed. The child's failures do not
    // propagate to the parent: check child.finish() (or ok()).
    Reader sub(size_t len) noexcept;

    // Length-prefixed vectors <min..max> with an 8/16/24-bit length: the length must lie in
    // [min, max] and fit in what remains, else failure and an empty view.
    ByteView vec8(size_t min, size_t max) noexcept;
    ByteView vec16(size_t min, size_t max) noexcept;
    ByteView vec24(size_t min, size_t max) noexcept;

    // The same, returning a child reader over the vector's body.
    Reader sub8(size_t min, size_t max) noexcept;
    Reader sub16(size_t min, size_t max) noexcept;
    Reader sub24(size_t min, size_t max) noexcept;

    size_t remaining() const noexcept { return failed_ ? 0 : data_.size() - pos_; }
    bool empty() const noexcept { return remaining() == 0; }
    bool ok() const noexcept { return !failed_; }
    bool failed() const noexcept { return failed_; }
    // Marks the reader failed (e.g. a semantic check by the caller); sticky.
    void fail() noexcept { failed_ = true; }
    // ok() && empty(): the structure was read completely, with no trailing bytes.
    bool finish() const noexcept { return ok() && empty(); }

  private:
    ByteView vec(size_t width, size_t min, size_t max) noexcept;
    uint64_t uint(size_t width) noexcept;

    ByteView data_;
    size_t pos_ = 0;
    bool failed_ = false;
};

class Writer {
  public:
    // Writes to an internal buffer; take() / buffer() give it back.
    Writer() noexcept : out_(&own_) {}
    // Appends to the caller's buffer (which must outlive the writer).
    explicit Writer(Bytes& out) noexcept : out_(&out) {}
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void u8(uint8_t v);
    void u16(uint16_t v);
    void u24(uint32_t v);  // v > 0xFFFFFF marks the writer failed
    void u32(uint32_t v);
    void u64(uint64_t v);
    void bytes(ByteView v);

    // Length-prefixed vector in one call: fails the writer if v.size() is outside [min, max]
    // (max is also capped at the field's maximum).
    void vec8(ByteView v, size_t min = 0, size_t max = 0xFF);
    void vec16(ByteView v, size_t min = 0, size_t max = 0xFFFF);
    void vec24(ByteView v, size_t min = 0, size_t max = 0xFFFFFF);

    // Reserves a length field of width bytes at construction and fills it in with the number of
    // bytes written after it when closed (explicitly or by the destructor). Movable, not copyable.
    // Close guards in reverse order of opening (scopes do that).
    class [[nodiscard]] LengthPrefix {
      public:
        LengthPrefix(LengthPrefix&& other) noexcept;
        LengthPrefix& operator=(LengthPrefix&&) = delete;
        LengthPrefix(const LengthPrefix&) = delete;
        LengthPrefix& operator=(const LengthPrefix&) = delete;
        ~LengthPrefix() { close(); }
        // Fills in the length; marks the writer failed if the body exceeds the field's maximum
        // (or the optional max given at creation). Idempotent.
        void close() noexcept;

      private:
        friend class Writer;
        LengthPrefix(Writer* w, size_t width, size_t max) noexcept;
        Writer* w_;
        size_t pos_;
        size_t width_;
        size_t max_;
    };

    LengthPrefix prefix8(size_t max = 0xFF) { return LengthPrefix(this, 1, max); }
    LengthPrefix prefix16(size_t max = 0xFFFF) { return LengthPrefix(this, 2, max); }
    LengthPrefix prefix24(size_t max = 0xFFFFFF) { return LengthPrefix(this, 3, max); }

    // Failure: a length prefix or value overflowed, or fail() was called by a serializer that met
    // a field outside its protocol limits. Sticky; the bytes written are then meaningless.
    bool ok() const noexcept { return !failed_; }
    bool overflow() const noexcept { return failed_; }
    void fail() noexcept { failed_ = true; }

    size_t size() const noexcept { return out_->size(); }
    const Bytes& buffer() const noexcept { return *out_; }
    // Moves the buffer out (leaving it empty).
    Bytes take() noexcept;

  private:
    void put(uint64_t v, size_t width);

    Bytes own_;
    Bytes* out_;
    bool failed_ = false;
};

}  // namespace tls12
