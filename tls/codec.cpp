#include <tls12/tls/codec.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace tls12 {

// ---- Reader ----

uint64_t Reader::uint(size_t width) noexcept {
    ByteView b = bytes(width);
    uint64_t v = 0;
    for (uint8_t byte : b) v = (v << 8) | byte;
    return v;
}

uint8_t Reader::u8() noexcept {
    return static_cast<uint8_t>(uint(1));
}
uint16_t Reader::u16() noexcept {
    return static_cast<uint16_t>(uint(2));
}
uint32_t Reader::u24() noexcept {
    return static_cast<uint32_t>(uint(3));
}
uint32_t Reader::u32() noexcept {
    return static_cast<uint32_t>(uint(4));
}
uint64_t Reader::u64() noexcept {
    return uint(8);
}

ByteView Reader::bytes(size_t n) noexcept {
    if (failed_ || n > data_.size() - pos_) {
        failed_ = true;
        return {};
    }
    ByteView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
}

void Reader::copy_to(MutableByteView out) noexcept {
    ByteView b = bytes(out.size());
    if (b.size() != out.size()) {
        std::fill(out.begin(), out.end(), uint8_t{0});
        return;
    }
    std::copy(b.begin(), b.end(), out.begin());
}

ByteView Reader::rest() noexcept {
    return bytes(remaining());
}

Reader Reader::sub(size_t len) noexcept {
    ByteView b = bytes(len);
    Reader child(b);
    if (failed_) child.fail();
    return child;
}

ByteView Reader::vec(size_t width, size_t min, size_t max) noexcept {
    uint64_t len = uint(width);
    if (failed_) return {};
    if (len < min || len > max || len > remaining()) {
        failed_ = true;
        return {};
    }
    return bytes(static_cast<size_t>(len));
}

ByteView Reader::vec8(size_t min, size_t max) noexcept {
    return vec(1, min, max);
}
ByteView Reader::vec16(size_t min, size_t max) noexcept {
    return vec(2, min, max);
}
ByteView Reader::vec24(size_t min, size_t max) noexcept {
    return vec(3, min, max);
}

namespace {
Reader child_of(Reader& parent, ByteView body) {
    Reader child(body);
    if (!parent.ok()) child.fail();
    return child;
}
}  // namespace

Reader Reader::sub8(size_t min, size_t max) noexcept {
    return child_of(*this, vec8(min, max));
}
Reader Reader::sub16(size_t min, size_t max) noexcept {
    return child_of(*this, vec16(min, max));
}
Reader Reader::sub24(size_t min, size_t max) noexcept {
    return child_of(*this, vec24(min, max));
}

// ---- Writer ----

void Writer::put(uint64_t v, size_t width) {
    for (size_t i = width; i > 0; --i) out_->push_back(static_cast<uint8_t>(v >> (8 * (i - 1))));
}

void Writer::u8(uint8_t v) {
    put(v, 1);
}
void Writer::u16(uint16_t v) {
    put(v, 2);
}
void Writer::u24(uint32_t v) {
    if (v > 0xFFFFFF) failed_ = true;
    put(v, 3);
}
void Writer::u32(uint32_t v) {
    put(v, 4);
}
void Writer::u64(uint64_t v) {
    put(v, 8);
}
void Writer::bytes(ByteView v) {
    out_->insert(out_->end(), v.begin(), v.end());
}

void Writer::vec8(ByteView v, size_t min, size_t max) {
    if (v.size() < min || v.size() > max) failed_ = true;
    auto g = prefix8();
    bytes(v);
}
void Writer::vec16(ByteView v, size_t min, size_t max) {
    if (v.size() < min || v.size() > max) failed_ = true;
    auto g = prefix16();
    bytes(v);
}
void Writer::vec24(ByteView v, size_t min, size_t max) {
    if (v.size() < min || v.size() > max) failed_ = true;
    auto g = prefix24();
    bytes(v);
}

Bytes Writer::take() noexcept {
    Bytes out = std::move(*out_);
    out_->clear();
    return out;
}

Writer::LengthPrefix::LengthPrefix(Writer* w, size_t width, size_t max) noexcept
    : w_(w),
      pos_(w->size()),
      width_(width),
      max_(std::min<size_t>(max, (size_t{1} << (8 * width)) - 1)) {
    w_->put(0, width_);
}

Writer::LengthPrefix::LengthPrefix(LengthPrefix&& other) noexcept
    : w_(std::exchange(other.w_, nullptr)),
      pos_(other.pos_),
      width_(other.width_),
      max_(other.max_) {}

void Writer::LengthPrefix::close() noexcept {
    if (w_ == nullptr) return;
    Bytes& buf = *w_->out_;
    size_t len = buf.size() - pos_ - width_;
    if (len > max_) {
        w_->failed_ = true;
        len = 0;  // never write a truncated length; the writer is failed anyway
    }
    for (size_t i = 0; i < width_; ++i)
        buf[pos_ + i] = static_cast<uint8_t>(len >> (8 * (width_ - 1 - i)));
    w_ = nullptr;
}

}  // namespace tls12
