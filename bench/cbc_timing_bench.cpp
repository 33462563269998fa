// Lucky Thirteen check for the MAC-then-encrypt CBC record check (docs/timing.md, "CBC padding /
// MAC-then-encrypt"): how long CbcProtection::open takes on records of one length whose padding
// differs. Three kinds of record, all with a wrong MAC so every open fails the same way and
// leaves the connection state untouched:
//
//   pad0     valid padding of 1 byte (padding_length 0): the longest MAC'd plaintext
//   pad255   valid padding of 256 bytes: the shortest MAC'd plaintext
//   badpad   padding_length 255 with one wrong padding byte (treated as no padding)
//
//   cbc_timing/<mac>/<ciphertext bytes>/iterations:N
//       The three kinds interleaved (rotating order), one open() per sample between lfence-fenced
//       rdtsc reads, a fresh copy of the record before each. Counters: the median TSC ticks of
//       each kind, and the differences from pad0 of the medians and of the faster-half means.
//       A padding oracle shows as a difference that keeps its sign and size across runs; noise
//       moves in both directions.
//   cbc_timing_kind/<mac>/<kind>/<ciphertext bytes>/iterations:2000
//       One kind only, a fixed 2000 iterations: for instruction counts under callgrind, e.g.
//         valgrind --tool=callgrind --toggle-collect='tls12::CbcProtection::open*'
//           build/bench/tls12_bench --benchmark_filter='cbc_timing_kind/sha256/pad0/1024/'
//       (Ir of the run / 2000 = instructions per open; equal counts for the three kinds mean no
//       padding-dependent code path.)
#include <benchmark/benchmark.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <tls12/crypto/cbc.h>
#include <tls12/crypto/random.h>
#include <tls12/tls/record/cbc_protection.h>
#include <tls12/tls/suites.h>

namespace {

enum Kind { pad0, pad255, badpad, kKinds };
constexpr const char* kKindNames[kKinds] = {"pad0", "pad255", "badpad"};

struct MacSuite {
    const char* token;
    tls12::CipherSuite suite;
};
constexpr MacSuite kMacSuites[] = {
    {"sha256", tls12::CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256},
    {"sha1", tls12::CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA},
};

// A protection keyed for opening and one record of each kind (IV + n bytes of ciphertext).
struct Fixture {
    const tls12::SuiteInfo& suite;
    std::shared_ptr<tls12::crypto::Random> random = tls12::crypto::deterministic_random(13);
    tls12::crypto::Bytes key = random->bytes(16);
    tls12::crypto::Bytes mac_key;
    tls12::CbcProtection protection;
    std::array<tls12::crypto::Bytes, kKinds> records;

    Fixture(tls12::CipherSuite cipher_suite, size_t n)
        : suite(*tls12::find_suite(cipher_suite)),
          mac_key(random->bytes(suite.mac_key_size)),
          protection(suite, mac_key, key, tls12::crypto::AeadUse::open_only, false, *random) {
        tls12::crypto::AesCbc cipher(key, tls12::crypto::CbcDirection::encrypt);
        for (int kind = 0; kind < kKinds; ++kind) {
            tls12::crypto::Bytes data =
                random->bytes(n);  // plaintext and a MAC that will not match
            const size_t padding_length = kind == pad0 ? 0 : 255;
            std::fill(data.end() - static_cast<std::ptrdiff_t>(padding_length) - 1, data.end(),
                      static_cast<uint8_t>(padding_length));
            if (kind == badpad) data[n - 100] ^= 0x01;
            const tls12::crypto::Bytes iv = random->bytes(tls12::crypto::cbc_block_size);
            cipher.encrypt(iv, data);
            records[kind] = iv;
            records[kind].insert(records[kind].end(), data.begin(), data.end());
        }
    }

    // Opens a copy of the record of kind in work (which must be as large); false if it opened.
    bool open(int kind, tls12::crypto::Bytes& work) {
        std::memcpy(work.data(), records[kind].data(), work.size());
        return !protection.open(tls12::ContentType::application_data, work);
    }
};

uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_lfence();
    const uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
#else
    return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// The median, and the mean of the faster half: ticks come in steps (21 on the machine of
// docs/timing.md), and averaging the faster half resolves differences below one step while
// leaving out interrupts and preemption, which only ever add time.
struct Stats {
    double median;
    double fast_half_mean;
};
Stats stats(std::vector<uint64_t>& v) {
    std::sort(v.begin(), v.end());
    const size_t half = v.size() / 2;
    double sum = 0;
    for (size_t i = 0; i < half; ++i) sum += static_cast<double>(v[i]);
    return {static_cast<double>(v[half]), half ? sum / static_cast<double>(half) : 0.0};
}

void cbc_timing(benchmark::State& state, tls12::CipherSuite suite) {
    const auto n = static_cast<size_t>(state.range(0));
    Fixture f(suite, n);
    tls12::crypto::Bytes work(tls12::crypto::cbc_block_size + n);
    std::array<std::vector<uint64_t>, kKinds> samples;
    for (auto& s : samples) s.reserve(static_cast<size_t>(state.max_iterations));
    uint64_t round = 0;
    bool all_failed = true;
    for (auto _ : state) {
        for (int i = 0; i < kKinds; ++i) {
            const int kind = static_cast<int>((round + static_cast<uint64_t>(i)) % kKinds);
            std::memcpy(work.data(), f.records[kind].data(), work.size());
            const uint64_t start = ticks();
            const auto result = f.protection.open(tls12::ContentType::application_data, work);
            const uint64_t stop = ticks();
            all_failed = all_failed && !result;
            samples[kind].push_back(stop - start);
        }
        ++round;
    }
    if (!all_failed) state.SkipWithError("a record with a wrong MAC opened");
    Stats s[kKinds];
    for (int kind = 0; kind < kKinds; ++kind) {
        s[kind] = stats(samples[kind]);
        state.counters[std::string(kKindNames[kind]) + "_median"] = s[kind].median;
    }
    state.counters["pad255_minus_pad0_median"] = s[pad255].median - s[pad0].median;
    state.counters["badpad_minus_pad0_median"] = s[badpad].median - s[pad0].median;
    state.counters["pad255_minus_pad0_fast_half"] =
        s[pad255].fast_half_mean - s[pad0].fast_half_mean;
    state.counters["badpad_minus_pad0_fast_half"] =
        s[badpad].fast_half_mean - s[pad0].fast_half_mean;
}

void cbc_timing_kind(benchmark::State& state, tls12::CipherSuite suite, int kind) {
    const auto n = static_cast<size_t>(state.range(0));
    Fixture f(suite, n);
    tls12::crypto::Bytes work(tls12::crypto::cbc_block_size + n);
    bool all_failed = true;
    for (auto _ : state) all_failed = f.open(kind, work) && all_failed;
    if (!all_failed) state.SkipWithError("a record with a wrong MAC opened");
}

[[maybe_unused]] const bool registered = [] {
    for (const auto& mac : kMacSuites) {
        for (int n : {1024, 16384}) {
            // About 1.5 s per size on a 2.5 GHz core.
            benchmark::RegisterBenchmark((std::string("cbc_timing/") + mac.token).c_str(),
                                         cbc_timing, mac.suite)
                ->Arg(n)
                ->Iterations(n <= 1024 ? 100000 : 10000);
            for (int kind = 0; kind < kKinds; ++kind)
                benchmark::RegisterBenchmark(
                    (std::string("cbc_timing_kind/") + mac.token + "/" + kKindNames[kind]).c_str(),
                    cbc_timing_kind, mac.suite, kind)
                    ->Arg(n)
                    ->Iterations(2000);
        }
    }
    return true;
}();

}  // namespace
