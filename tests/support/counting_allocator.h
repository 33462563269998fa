// Counting replacements of glibc's malloc family, for the tests that check the record hot path
// does not allocate (operator new and Crypto++'s SecBlocks end in malloc too). They only count
// and forward. Include this header in exactly one source file of a test binary: it defines the
// replacements. Sanitizers forbid replacing the allocator, so under them (or without glibc)
// nothing is defined and TLS12_COUNTING_ALLOCATOR stays undefined: guard the tests with it.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define TLS12_NO_ALLOC_HOOKS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TLS12_NO_ALLOC_HOOKS 1
#endif

namespace tls12_test {
// Heap calls (malloc, calloc, realloc and the aligned forms) so far in this process.
inline std::atomic<size_t> heap_allocations{0};
}  // namespace tls12_test

#if !defined(TLS12_NO_ALLOC_HOOKS) && defined(__GLIBC__)
#define TLS12_COUNTING_ALLOCATOR 1
// glibc exports its allocator under __libc_* names, so interposing is a plain forward.
extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);

void* malloc(size_t n) noexcept {
    tls12_test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) noexcept {
    tls12_test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) noexcept {
    tls12_test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(p, n);
}
void* memalign(size_t align, size_t n) noexcept {
    tls12_test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_memalign(align, n);
}
void* aligned_alloc(size_t align, size_t n) noexcept {
    tls12_test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_memalign(align, n);
}
int posix_memalign(void** out, size_t align, size_t n) noexcept {
    tls12_test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
    void* p = __libc_memalign(align, n);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}
}
#endif
