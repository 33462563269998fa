// The record hot path does not allocate: Aead::seal/open are checked with the counting malloc
// family of support/counting_allocator.h (glibc, no sanitizer), which also sees operator new and
// Crypto++'s SecBlock allocations. The hooks only count and forward; nothing else asserts on them.
#include <gtest/gtest.h>

#include <cstdlib>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/random.h>
#include "support/counting_allocator.h"

using namespace tls12::crypto;

// Counting needs the replaced allocator, which sanitizers forbid: there the tests do not exist.
#ifdef TLS12_COUNTING_ALLOCATOR
TEST(AeadAllocation, HooksSeeAllocations) {
    const size_t before = tls12_test::heap_allocations.load();
    // The escapes stop the compiler from eliding the allocation pairs.
    auto* p = new int(1);
    asm volatile("" : : "r"(p) : "memory");
    delete p;
    void* m = std::malloc(32);
    asm volatile("" : : "r"(m) : "memory");
    std::free(m);
    EXPECT_GE(tls12_test::heap_allocations.load() - before, 2u);
}

TEST(AeadAllocation, SealAndOpenDoNotAllocate) {
    auto rng = deterministic_random(1);
    for (auto alg :
         {AeadAlgorithm::aes128_gcm, AeadAlgorithm::aes256_gcm, AeadAlgorithm::chacha20_poly1305}) {
        Aead aead(alg, rng->bytes(aead_key_size(alg)));
        Bytes buffer(16384 + 256), out(16384 + 257), tag(16), nonce = rng->bytes(12),
                                                              aad = rng->bytes(13);
        const uint8_t trailer = 23;  // a TLS 1.3 inner content type
        // Everything allocated up front; measure only the calls.
        const size_t before = tls12_test::heap_allocations.load();
        for (size_t n : {0u, 1u, 64u, 1024u, 16384u, 16384u + 256u}) {
            MutableByteView data(buffer.data(), n);
            aead.seal(nonce, aad, data, ByteView(&trailer, 1), MutableByteView(out.data(), n + 1),
                      tag);
            aead.seal(nonce, aad, data, tag);
            const bool ok = aead.open(nonce, aad, data, tag);
            tag[0] ^= 1;
            const bool tampered = aead.open(nonce, aad, data, tag);
            tag[0] ^= 1;
            nonce[11]++;
            EXPECT_TRUE(ok);
            EXPECT_FALSE(tampered);
        }
        EXPECT_EQ(tls12_test::heap_allocations.load() - before, 0u) << to_string(alg);
    }
}
#endif  // TLS12_COUNTING_ALLOCATOR
