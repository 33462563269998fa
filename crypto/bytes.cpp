// Byte helpers: wiping, constant-time comparison, the SecretBytes container and hex.
#include <tls12/crypto/bytes.h>

#include <cstring>
#include <stdexcept>

namespace tls12::crypto {

void secure_wipe(void* data, size_t size) noexcept {
    if (data == nullptr || size == 0) return;
    std::memset(data, 0, size);
    // The empty asm with a memory clobber tells the compiler the zeroed bytes are observed.
    asm volatile("" : : "r"(data) : "memory");
}

bool constant_time_equal(ByteView a, ByteView b) noexcept {
    if (a.size() != b.size()) return false;  // lengths are public
    uint8_t diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<uint8_t>(a[i] ^ b[i]);
    // Keep the optimiser from turning the accumulation into an early exit.
    asm volatile("" : "+r"(diff));
    return diff == 0;
}

SecretBytes::SecretBytes(size_t size)
    : data_(size ? std::make_unique<uint8_t[]>(size) : nullptr), size_(size) {}

SecretBytes::SecretBytes(ByteView contents) : SecretBytes(contents.size()) {
    if (!contents.empty()) std::memcpy(data_.get(), contents.data(), contents.size());
}

SecretBytes::~SecretBytes() {
    clear();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)), size_(other.size_) {
    other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        clear();
        data_ = std::move(other.data_);
        size_ = other.size_;
        other.size_ = 0;
    }
    return *this;
}

void SecretBytes::clear() noexcept {
    secure_wipe(data_.get(), size_);
    data_.reset();
    size_ = 0;
}

std::string to_hex(ByteView bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}
}  // namespace

Bytes from_hex(std::string_view hex) {
    Bytes out;
    out.reserve(hex.size() / 2);
    int high = -1;
    for (char c : hex) {
        if (is_space(c)) continue;
        int v = hex_value(c);
        if (v < 0) throw std::invalid_argument("from_hex: not a hex digit");
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) throw std::invalid_argument("from_hex: odd number of hex digits");
    return out;
}

}  // namespace tls12::crypto

namespace tls12::crypto {

bool BytesLess::operator()(ByteView a, ByteView b) const noexcept {
    if (a.size() != b.size()) return a.size() < b.size();
    return !a.empty() && std::memcmp(a.data(), b.data(), a.size()) < 0;
}

}  // namespace tls12::crypto
