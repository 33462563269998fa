/// \file
/// Byte views, a wiping container for secrets, constant-time comparison and hex helpers.
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

/// The primitives the engine is built on (Crypto++ underneath, never in these headers): byte
/// containers, hashes, keys, randomness.
namespace tls12::crypto {

/// An owned byte string.
using Bytes = std::vector<uint8_t>;
/// A read-only view of bytes owned elsewhere.
using ByteView = std::span<const uint8_t>;
/// A writable view of bytes owned elsewhere.
using MutableByteView = std::span<uint8_t>;

/// Overwrites memory in a way the optimiser may not remove.
void secure_wipe(void* data, size_t size) noexcept;

/// True when a and b have equal length and equal contents. The time taken depends only on the
/// lengths, never on where the contents differ (MACs, Finished verify_data).
bool constant_time_equal(ByteView a, ByteView b) noexcept;

/// Key material: a fixed-size buffer that is wiped when destroyed. Movable, not copyable, so a
/// secret never leaves a stray copy behind; clone() makes a deliberate copy.
class SecretBytes {
  public:
    /// Empty: no bytes.
    SecretBytes() = default;
    /// `size` zero bytes.
    explicit SecretBytes(size_t size);
    /// A copy of `contents`.
    explicit SecretBytes(ByteView contents);
    /// Wipes the bytes.
    ~SecretBytes();
    /// Takes over other's bytes; other is left empty.
    SecretBytes(SecretBytes&& other) noexcept;
    /// Wipes our bytes, then takes over other's; other is left empty.
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    /// A deliberate copy.
    SecretBytes clone() const { return SecretBytes(view()); }
    /// The first byte (nullptr when empty).
    uint8_t* data() noexcept { return data_.get(); }
    /// The first byte (nullptr when empty).
    const uint8_t* data() const noexcept { return data_.get(); }
    /// Number of bytes.
    size_t size() const noexcept { return size_; }
    /// True when there are no bytes.
    bool empty() const noexcept { return size_ == 0; }
    /// The bytes, read-only.
    ByteView view() const noexcept { return {data_.get(), size_}; }
    /// The bytes, writable.
    MutableByteView span() noexcept { return {data_.get(), size_}; }
    /// Byte `i` (unchecked).
    uint8_t& operator[](size_t i) noexcept { return data_[i]; }
    /// Byte `i` (unchecked).
    uint8_t operator[](size_t i) const noexcept { return data_[i]; }
    /// Wipes the bytes and leaves the container empty.
    void clear() noexcept;

  private:
    std::unique_ptr<uint8_t[]> data_;
    size_t size_ = 0;
};

/// Orders byte strings by length, then contents: for `std::map` and `std::set` keys.
// (std::less of std::vector<uint8_t> trips a false GCC 12 -Wstringop-overread at -O2.)
struct BytesLess {
    /// True when a sorts before b.
    bool operator()(ByteView a, ByteView b) const noexcept;
};

/// Lower-case hex, two digits per byte.
std::string to_hex(ByteView bytes);
/// Bytes from hex. Accepts upper or lower case, ignores whitespace; throws std::invalid_argument
/// on bad input.
Bytes from_hex(std::string_view hex);

/// The characters of s as bytes (no copy).
inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace tls12::crypto
#pragma GCC visibility pop
