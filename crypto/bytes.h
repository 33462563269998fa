// Byte views, a wiping container for secrets, constant-time comparison and hex helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::crypto {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using MutableByteView = std::span<uint8_t>;

// Overwrites memory in a way the optimiser may not remove.
void secure_wipe(void* data, size_t size) noexcept;

// True when a and b have equal length and equal contents. The time taken depends only on the
// lengths, never on where the contents differ (MACs, Finished verify_data).
bool constant_time_equal(ByteView a, ByteView b) noexcept;

// Key material: a fixed-size buffer that is wiped when destroyed. Movable, not copyable, so a
// secret never leaves a stray copy behind; clone() makes a deliberate copy.
class SecretBytes {
  public:
    SecretBytes() = default;
    explicit SecretBytes(size_t size);
    explicit SecretBytes(ByteView contents);
    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    SecretBytes clone() const { return SecretBytes(view()); }
    uint8_t* data() noexcept { return data_.get(); }
    const uint8_t* data() const noexcept { return data_.get(); }
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    ByteView view() const noexcept { return {data_.get(), size_}; }
    MutableByteView span() noexcept { return {data_.get(), size_}; }
    uint8_t& operator[](size_t i) noexcept { return data_[i]; }
    uint8_t operator[](size_t i) const noexcept { return data_[i]; }
    void clear() noexcept;

  private:
    std::unique_ptr<uint8_t[]> data_;
    size_t size_ = 0;
};

// Orders byte strings by length, then contents: for std::map/std::set keys. (std::less of
// std::vector<uint8_t> trips a false GCC 12 -Wstringop-overread at -O2.)
struct BytesLess {
    bool operator()(ByteView a, ByteView b) const noexcept;
};

std::string to_hex(ByteView bytes);
// Accepts upper or lower case, ignores whitespace; throws std::invalid_argument on bad input.
Bytes from_hex(std::string_view hex);

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace tls12::crypto
#pragma GCC visibility pop
