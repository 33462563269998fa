// The record hot path does not allocate: Aead::seal/open are checked with counting replacements of
// the global operator new family and (glibc, no sanitizer) of malloc & co., which also sees
// Crypto++'s SecBlock allocations. The hooks only count and forward; nothing else asserts on them.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <new>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/random.h>

namespace {
std::atomic<size_t> g_allocations{0};
inline void count_allocation() {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define TLS12_NO_ALLOC_HOOKS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TLS12_NO_ALLOC_HOOKS 1
#endif

#ifndef TLS12_NO_ALLOC_HOOKS
#define TLS12_COUNTING_ALLOCATOR 1

void* operator new(size_t n) {
    count_allocation();
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](size_t n) {
    count_allocation();
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new(size_t n, std::align_val_t a) {
    count_allocation();
    const size_t align = static_cast<size_t>(a);
    if (void* p = std::aligned_alloc(align, (n + align - 1) / align * align)) return p;
    throw std::bad_alloc();
}
void* operator new[](size_t n, std::align_val_t a) {
    return operator new(n, a);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
    std::free(p);
}

#if defined(__GLIBC__)
// glibc exports its allocator under __libc_* names, so interposing is a plain forward.
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);

void* malloc(size_t n) noexcept {
    count_allocation();
    return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) noexcept {
    count_allocation();
    return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) noexcept {
    count_allocation();
    return __libc_realloc(p, n);
}
void* memalign(size_t align, size_t n) noexcept {
    count_allocation();
    return __libc_memalign(align, n);
}
void* aligned_alloc(size_t align, size_t n) noexcept {
    count_allocation();
    return __libc_memalign(align, n);
}
int posix_memalign(void** out, size_t align, size_t n) noexcept {
    count_allocation();
    void* p = __libc_memalign(align, n);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}
}
#endif
#endif

using namespace tls12::crypto;

// Counting needs the replaced allocator, which sanitizers forbid: there the tests do not exist.
#ifdef TLS12_COUNTING_ALLOCATOR
TEST(AeadAllocation, HooksSeeAllocations) {
    const size_t before = g_allocations.load();
    // The escapes stop the compiler from eliding the allocation pairs.
    auto* p = new int(1);
    asm volatile("" : : "r"(p) : "memory");
    delete p;
    void* m = std::malloc(32);
    asm volatile("" : : "r"(m) : "memory");
    std::free(m);
    EXPECT_GE(g_allocations.load() - before, 2u);
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
        const size_t before = g_allocations.load();
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
        EXPECT_EQ(g_allocations.load() - before, 0u) << to_string(alg);
    }
}
#endif  // TLS12_COUNTING_ALLOCATOR
