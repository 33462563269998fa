// Raw primitive costs through our crypto/ API (Crypto++ plus a thin wrapper): the AEAD ceiling of
// the record layer and the public-key operations of a handshake.
#include <benchmark/benchmark.h>

#include <string>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/kex.h>
#include <tls12/crypto/keys.h>
#include <tls12/crypto/random.h>
#include "support.h"

namespace {

using namespace tls12::crypto;

constexpr AeadAlgorithm kAeads[] = {AeadAlgorithm::aes128_gcm, AeadAlgorithm::aes256_gcm,
                                    AeadAlgorithm::chacha20_poly1305};
constexpr int kSizes[] = {64, 1024, 16384};

const char* short_name(AeadAlgorithm a) {
    switch (a) {
        case AeadAlgorithm::aes128_gcm:
            return "aes128gcm";
        case AeadAlgorithm::aes256_gcm:
            return "aes256gcm";
        case AeadAlgorithm::chacha20_poly1305:
            return "chacha20poly1305";
        default:
            return "unknown";
    }
}

enum class Op { seal, open, seal_open };

// The AEAD work of one record of n application bytes, 12-byte nonce, data sealed in place with a
// separate tag. TLS 1.2: 13 bytes of AAD (sequence number and header), n bytes. TLS 1.3: 5 bytes
// of AAD (the header), n + 1 bytes (the content type is encrypted too).
enum class Shape { tls12, tls13 };

void aead_limit(benchmark::State& state, AeadAlgorithm alg, Op op, Shape shape) {
    auto rng = deterministic_random(1);
    Aead aead(alg, rng->bytes(aead_key_size(alg)));
    const size_t n = static_cast<size_t>(state.range(0));
    const bool tls13 = shape == Shape::tls13;
    Bytes data = rng->bytes(tls13 ? n + 1 : n), tag(aead_tag_size), nonce = rng->bytes(12),
          aad = rng->bytes(tls13 ? 5 : 13);
    if (op == Op::open) aead.seal(nonce, aad, data, tag);  // one valid record to open repeatedly
    Bytes sealed = data;
    for (auto _ : state) {
        switch (op) {
            case Op::seal:
                aead.seal(nonce, aad, data, tag);
                break;
            case Op::open:
                // Opening in place turns the buffer into plaintext; restore the ciphertext
                // (a memcpy, small next to the cipher) so each iteration opens a real record.
                std::copy(sealed.begin(), sealed.end(), data.begin());
                if (!aead.open(nonce, aad, data, tag)) state.SkipWithError("open failed");
                break;
            case Op::seal_open:
            default:
                aead.seal(nonce, aad, data, tag);
                if (!aead.open(nonce, aad, data, tag)) state.SkipWithError("open failed");
                break;
        }
        benchmark::DoNotOptimize(data.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

[[maybe_unused]] const bool registered_aeads = [] {
    for (auto [shape, prefix] :
         {std::pair{Shape::tls12, "record/"}, std::pair{Shape::tls13, "record13/"}})
        for (auto alg : kAeads) {
            for (auto [op, op_name] : {std::pair{Op::seal, "seal"}, std::pair{Op::open, "open"},
                                       std::pair{Op::seal_open, "seal_open"}}) {
                for (int size : kSizes) {
                    const std::string name = std::string(prefix) + "aead_limit/" + short_name(alg) +
                                             "/" + op_name + "/" + std::to_string(size);
                    benchmark::RegisterBenchmark(name.c_str(), aead_limit, alg, op, shape)
                        ->Arg(size)
                        ->Repetitions(bench::ratio_repetitions());
                }
            }
        }
    return true;
}();

const PrivateKey& rsa2048() {
    static const PrivateKey key = PrivateKey::generate_rsa(2048, *deterministic_random(2048));
    return key;
}

const Bytes& message() {
    static const Bytes m = deterministic_random(7)->bytes(128);  // ~ a ServerKeyExchange
    return m;
}

void rsa_sign(benchmark::State& state, SignaturePadding padding) {
    const PrivateKey& key = rsa2048();
    auto rng = system_random();
    for (auto _ : state) {
        benchmark::DoNotOptimize(key.sign({padding, HashAlgorithm::sha256}, message(), *rng));
    }
    state.counters["ops/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(rsa_sign, pss, SignaturePadding::pss)
    ->Name("crypto/rsa2048/sign_pss_sha256")
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(bench::ratio_repetitions());
BENCHMARK_CAPTURE(rsa_sign, pkcs1, SignaturePadding::pkcs1v15)
    ->Name("crypto/rsa2048/sign_pkcs1_sha256")
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(bench::ratio_repetitions());

void rsa_decrypt_premaster(benchmark::State& state) {
    const PrivateKey& key = rsa2048();
    auto rng = system_random();
    Bytes premaster = rng->bytes(48);
    premaster[0] = 3;
    premaster[1] = 3;
    const Bytes ciphertext = key.public_key().rsa_encrypt_pkcs1(premaster, *rng);
    for (auto _ : state) {
        benchmark::DoNotOptimize(key.rsa_decrypt_premaster(ciphertext, 0x0303, *rng));
    }
    state.counters["ops/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(rsa_decrypt_premaster)
    ->Name("crypto/rsa2048/decrypt_premaster")
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(bench::ratio_repetitions());

// One side of an ephemeral exchange: make a key pair and agree with the peer's value.
void keygen_agree(benchmark::State& state, KexGroup group) {
    auto rng = system_random();
    const KeyExchange peer(group, *rng);
    for (auto _ : state) {
        KeyExchange mine(group, *rng);
        auto shared = mine.agree(peer.public_value());
        if (!shared) state.SkipWithError("agree failed");
        benchmark::DoNotOptimize(shared);
    }
    state.counters["ops/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(keygen_agree, x25519, KexGroup::x25519)
    ->Name("crypto/x25519/keygen_agree")
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(bench::ratio_repetitions());  // part of the handshake ceiling
BENCHMARK_CAPTURE(keygen_agree, p256, KexGroup::secp256r1)
    ->Name("crypto/p256/keygen_agree")
    ->Unit(benchmark::kMicrosecond);

void ecdsa_p256_sign(benchmark::State& state) {
    static const PrivateKey key =
        PrivateKey::generate_ecdsa(KeyType::ecdsa_p256, *deterministic_random(256));
    auto rng = system_random();
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            key.sign({SignaturePadding::ecdsa, HashAlgorithm::sha256}, message(), *rng));
    }
    state.counters["ops/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(ecdsa_p256_sign)
    ->Name("crypto/ecdsa_p256/sign")
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(bench::ratio_repetitions());  // the bound of TLS 1.3 ECDSA server handshakes

}  // namespace
