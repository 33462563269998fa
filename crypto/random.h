/// \file
/// Randomness comes in through this interface so tests and fuzzers can be deterministic.
#pragma once

#include <cstdint>
#include <memory>

#include <tls12/crypto/bytes.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::crypto {

/// A source of random bytes. Implement it to make the engine deterministic (tests, fuzzing).
class Random {
  public:
    virtual ~Random() = default;
    /// Fills out with random bytes.
    virtual void fill(MutableByteView out) = 0;

    /// n random bytes.
    Bytes bytes(size_t n) {
        Bytes out(n);
        fill(out);
        return out;
    }
};

/// The operating system's CSPRNG through Crypto++'s AutoSeededRandomPool. Thread-safe and
/// fork-safe: after fork() the child mixes fresh OS entropy into its copy of the pool before its
/// first draw, so parent and child never share keys, nonces or IVs.
std::shared_ptr<Random> system_random();

/// A reproducible stream (ChaCha20 keyed from the seed): for tests, fuzzing and benchmarks only.
/// It repeats by design, in a forked child too.
std::shared_ptr<Random> deterministic_random(uint64_t seed);

}  // namespace tls12::crypto
#pragma GCC visibility pop
