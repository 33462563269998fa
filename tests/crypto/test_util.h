// Small helpers shared by the crypto tests.
#pragma once

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <tls12/crypto/bytes.h>
#include <tls12/crypto/random.h>

namespace test_util {

// Hands out the given bytes in order, then zeros; lets a test fix a private key.
class FixedRandom final : public tls12::crypto::Random {
  public:
    explicit FixedRandom(tls12::crypto::Bytes bytes) : bytes_(std::move(bytes)) {}
    void fill(tls12::crypto::MutableByteView out) override {
        for (auto& b : out) b = pos_ < bytes_.size() ? bytes_[pos_++] : 0;
    }

  private:
    tls12::crypto::Bytes bytes_;
    size_t pos_ = 0;
};

inline tls12::crypto::Bytes hex(std::string_view h) {
    return tls12::crypto::from_hex(h);
}

}  // namespace test_util
