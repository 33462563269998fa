// System and deterministic random sources behind the Random interface.
#include <tls12/crypto/random.h>

#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <stdexcept>

#include <cryptopp/chacha.h>
#include <cryptopp/osrng.h>

namespace tls12::crypto {
namespace {

// fork() copies the pool's key and seed into the child. Crypto++ only mixes the time of day
// (in microseconds) into each draw, so a parent and child drawing in the same microsecond would
// get the same bytes: the same ephemeral keys, ECDSA nonces and IVs in two processes. The
// pthread_atfork handlers below count forks in the child, and the next draw there first mixes
// fresh operating-system entropy into the pool. The same handlers hold the pool's lock across
// fork(), so a child forked while another thread was drawing does not inherit a locked mutex.
// (A raw clone() syscall bypasses pthread_atfork; glibc's fork() does not.)
std::mutex pool_mutex;
uint64_t forks_in_this_process = 0;  // guarded by pool_mutex

void lock_pool_before_fork() {
    pool_mutex.lock();
}
void unlock_pool_in_parent() {
    pool_mutex.unlock();
}
void unlock_pool_in_child() {
    ++forks_in_this_process;
    pool_mutex.unlock();
}

class SystemRandom final : public Random {
  public:
    SystemRandom() {
        if (pthread_atfork(lock_pool_before_fork, unlock_pool_in_parent, unlock_pool_in_child) != 0)
            throw std::runtime_error("system_random: pthread_atfork failed");
    }

    void fill(MutableByteView out) override {
        if (out.empty()) return;
        std::lock_guard<std::mutex> lock(pool_mutex);
        if (forks_seen_ != forks_in_this_process) {
            // The child's pool key becomes SHA-256(inherited key || 32 fresh OS bytes).
            pool_.Reseed(false, 32);
            forks_seen_ = forks_in_this_process;
        }
        pool_.GenerateBlock(out.data(), out.size());
    }

  private:
    CryptoPP::AutoSeededRandomPool pool_;
    uint64_t forks_seen_ = 0;
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
    // One pool per process (the fork handlers serve exactly this instance).
    static const std::shared_ptr<Random> instance = std::make_shared<SystemRandom>();
    return instance;
}

std::shared_ptr<Random> deterministic_random(uint64_t seed) {
    return std::make_shared<DeterministicRandom>(seed);
}

}  // namespace tls12::crypto
