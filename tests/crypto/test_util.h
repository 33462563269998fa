// Small helpers shared by the crypto tests.
#pragma once

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "crypto/bytes.h"
#include "crypto/random.h"

namespace test_util {

// Hands out the given bytes in order, then zeros; lets a test fix a private key.
class FixedRandom final : public crypto::Random {
  public:
    explicit FixedRandom(crypto::Bytes bytes) : bytes_(std::move(bytes)) {}
    void fill(crypto::MutableByteView out) override {
        for (auto& b : out) b = pos_ < bytes_.size() ? bytes_[pos_++] : 0;
    }

  private:
    crypto::Bytes bytes_;
    size_t pos_ = 0;
};

inline crypto::Bytes hex(std::string_view h) {
    return crypto::from_hex(h);
}

}  // namespace test_util
