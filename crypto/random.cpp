// System and deterministic random sources behind the Random interface.
#include "crypto/random.h"

#include <algorithm>
#include <mutex>

#include <cryptopp/chacha.h>
#include <cryptopp/osrng.h>

namespace crypto {
namespace {

class SystemRandom final : public Random {
  public:
    void fill(MutableByteView out) override {
        if (out.empty()) return;
        std::lock_guard<std::mutex> lock(mutex_);
        pool_.GenerateBlock(out.data(), out.size());
    }

  private:
    std::mutex mutex_;
    CryptoPP::AutoSeededRandomPool pool_;
};

// ChaCha20 keystream with the seed (little-endian) as the first 8 key bytes and a zero IV.
class DeterministicRandom final : public Random {
  public:
    explicit DeterministicRandom(uint64_t seed) {
        uint8_t key[32] = {};
        for (int i = 0; i < 8; ++i) key[i] = static_cast<uint8_t>(seed >> (8 * i));
        const uint8_t iv[8] = {};
        cipher_.SetKeyWithIV(key, sizeof key, iv, sizeof iv);
    }
    void fill(MutableByteView out) override {
        if (out.empty()) return;
        std::fill(out.begin(), out.end(), uint8_t{0});
        cipher_.ProcessString(out.data(), out.size());
    }

  private:
    CryptoPP::ChaCha::Encryption cipher_;
};

}  // namespace

std::shared_ptr<Random> system_random() {
    static const std::shared_ptr<Random> instance = std::make_shared<SystemRandom>();
    return instance;
}

std::shared_ptr<Random> deterministic_random(uint64_t seed) {
    return std::make_shared<DeterministicRandom>(seed);
}

}  // namespace crypto
