// Shared pieces of the record, handshake, memory and loopback benchmarks: heap accounting, a
// throwaway RSA-2048 PKI, our configs and OpenSSL contexts for the same suites, and connected
// in-memory pairs of both libraries.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <tls12/tls/config.h>
#include <tls12/tls/connection.h>

namespace bench {

// ---- heap accounting ------------------------------------------------------------------------
// The binary replaces malloc/calloc/realloc/free/memalign/posix_memalign/aligned_alloc (forwarding
// to glibc), so every heap call of the process is seen: operator new (libstdc++ calls malloc),
// Crypto++'s aligned SecBlocks (posix_memalign) and OpenSSL's CRYPTO_malloc alike. Live bytes are
// malloc_usable_size() of each block, i.e. what the allocator really hands out.
struct HeapStats {
    uint64_t allocations;  // successful allocation calls since start (realloc counts as one)
    int64_t live_bytes;    // usable bytes currently allocated
    int64_t live_blocks;   // blocks currently allocated
};
HeapStats heap_stats() noexcept;

// ---- PKI ------------------------------------------------------------------------------------
// Generated once per process with libcrypto: an RSA-2048 CA and an RSA-2048 leaf for "localhost"
// (SAN, serverAuth, signed with SHA-256). The server sends the leaf only.
struct Pki {
    std::string ca_pem;
    std::string leaf_pem;
    std::string key_pem;  // PKCS#8
};
const Pki& pki();

// ---- suites ---------------------------------------------------------------------------------
// aes128cbcsha256 (the opt-in legacy CBC suite, encrypt-then-MAC negotiated on both libraries) is
// benchmarked by record_bench only, so it is not in kSuites.
enum class Suite { aes128gcm, aes256gcm, chacha20poly1305, aes128cbcsha256 };
inline constexpr Suite kSuites[] = {Suite::aes128gcm, Suite::aes256gcm, Suite::chacha20poly1305};
const char* token(Suite s);
// ECDHE_RSA suite for the bulk cipher.
tls12::CipherSuite ecdhe_rsa_suite(Suite s);
const char* openssl_ecdhe_rsa_suite(Suite s);

enum class Kx { ecdhe_x25519, rsa };
const char* token(Kx k);
// The AES-128-GCM suite with that key exchange.
tls12::CipherSuite suite_for(Kx k);
const char* openssl_suite_for(Kx k);

// ---- ours -----------------------------------------------------------------------------------
// TLS 1.2 (like the OpenSSL side), one suite, group x25519, signature scheme rsa_pss_rsae_sha256
// (what OpenSSL picks by default),
// no resumption (no session cache, no tickets),
// the client verifying the chain against the CA with the x509 verifier.
std::shared_ptr<const tls12::ServerConfig> our_server_config(tls12::CipherSuite suite);
std::shared_ptr<const tls12::ClientConfig> our_client_config(tls12::CipherSuite suite);

struct OurPair {
    tls12::Connection client;
    tls12::Connection server;
};
// Moves every pending byte of from into to (no copy: to.feed() reads from's output buffer).
bool pump(tls12::Connection& from, tls12::Connection& to);
// Client and server created and handshaken in memory; throws on failure.
OurPair our_connected_pair(tls12::CipherSuite suite);
OurPair our_connected_pair(std::shared_ptr<const tls12::ClientConfig> client,
                           std::shared_ptr<const tls12::ServerConfig> server);
bool our_handshake(OurPair& pair);

// ---- OpenSSL --------------------------------------------------------------------------------
struct SslCtxDeleter {
    void operator()(SSL_CTX* c) const noexcept { SSL_CTX_free(c); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
struct SslDeleter {
    void operator()(SSL* s) const noexcept { SSL_free(s); }
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

// TLS 1.2 only, one suite, X25519, RSA-PSS-SHA256, no session tickets, no session cache (every
// handshake is full); the client verifies the chain and the host name "localhost".
SslCtxPtr openssl_server_ctx(const char* suite);
SslCtxPtr openssl_client_ctx(const char* suite);
// A client SSL with SNI and host name check for "localhost".
SslPtr openssl_client(SSL_CTX* ctx);

struct OpenSslPair {
    SslPtr client;
    SslPtr server;
    BIO* client_bio = nullptr;  // client's end: what the client writes is read from server_bio
    BIO* server_bio = nullptr;  // owned by the SSLs
};
// Client and server joined by a BIO pair whose two ring buffers hold bio_buffer bytes each.
OpenSslPair openssl_pair(SSL_CTX* client_ctx, SSL_CTX* server_ctx, size_t bio_buffer);
bool openssl_handshake(OpenSslPair& pair);
// Throws with the OpenSSL error queue appended.
[[noreturn]] void throw_openssl(const std::string& what);

// ---- misc -----------------------------------------------------------------------------------
// Deterministic filler (not zeros, so nothing could special-case it).
std::vector<uint8_t> payload(size_t n);
// An unsigned integer from the environment, or fallback when unset or unparsable.
uint64_t env_u64(const char* name, uint64_t fallback);
// Repetitions of each benchmark a ratio is taken from: records, handshakes and their RSA bounds
// (TLS12_BENCH_REPETITIONS, default 1). The table takes the best repetition, and with
// --benchmark_enable_random_interleaving the repetitions of ours, OpenSSL and the limit
// alternate, so a busy spell on the machine does not land on one side of a ratio.
int ratio_repetitions();

}  // namespace bench
