// Heap bytes held by an established, idle connection, ours and OpenSSL's:
//
//   memory/ours     N client/server pairs (ECDHE-RSA-AES128-GCM, x25519), each handshaken and
//                   having echoed 1 KiB each way, then shrink_to_fit() on both ends
//   memory/openssl  the same with libssl, SSL_MODE_RELEASE_BUFFERS (its shrink_to_fit)
//
// N = TLS12_BENCH_MEMORY_CONNECTIONS (default 1000). Live heap bytes (malloc_usable_size of every
// block, see support.h) are sampled before the first connection and after the last; configs,
// certificates and contexts are shared and created beforehand, as a server would. Counters:
//   bytes_per_endpoint         live bytes / (2N)
//   client_bytes, server_bytes per endpoint of each role (clients are freed first to split them)
//   blocks_per_endpoint        live heap blocks / (2N)
//   bytes_per_endpoint_busy    before shrink_to_fit (ours) / without RELEASE_BUFFERS (OpenSSL)
// OpenSSL's transport, a BIO pair per connection, is measured on its own and subtracted: our
// engine has no transport, the socket is the caller's.
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "support.h"

namespace {

using namespace bench;

constexpr size_t kEcho = 1024;
constexpr size_t kBioBuffer = 4096;

size_t connection_count() {
    return static_cast<size_t>(env_u64("TLS12_BENCH_MEMORY_CONNECTIONS", 1000));
}

struct Split {
    double client = 0, server = 0;
    double blocks = 0;  // live heap blocks per endpoint
    double per_endpoint() const { return (client + server) / 2; }
};

void set_counters(benchmark::State& state, const Split& idle, const Split& busy, size_t n) {
    state.counters["bytes_per_endpoint"] = idle.per_endpoint();
    state.counters["client_bytes"] = idle.client;
    state.counters["server_bytes"] = idle.server;
    state.counters["blocks_per_endpoint"] = idle.blocks;
    state.counters["bytes_per_endpoint_busy"] = busy.per_endpoint();
    state.counters["connections"] = static_cast<double>(n);
}

// ---- ours -----------------------------------------------------------------------------------

bool echo(OurPair& p, const std::vector<uint8_t>& data) {
    std::vector<uint8_t> buf(kEcho);
    if (!p.client.send(data)) return false;
    pump(p.client, p.server);
    if (p.server.receive(buf) != data.size()) return false;
    if (!p.server.send(buf)) return false;
    pump(p.server, p.client);
    return p.client.receive(buf) == data.size();
}

// Builds n idle pairs; returns the per-endpoint split, optionally shrinking first.
Split ours_round(size_t n, bool shrink, const std::shared_ptr<const tls12::ClientConfig>& cc,
                 const std::shared_ptr<const tls12::ServerConfig>& sc) {
    const std::vector<uint8_t> data = payload(kEcho);
    std::vector<tls12::Connection> clients, servers;
    clients.reserve(n);
    servers.reserve(n);
    const HeapStats before = heap_stats();
    for (size_t i = 0; i < n; ++i) {
        OurPair p = our_connected_pair(cc, sc);
        if (!echo(p, data)) throw std::runtime_error("echo failed");
        if (shrink) {
            p.client.shrink_to_fit();
            p.server.shrink_to_fit();
        }
        clients.push_back(std::move(p.client));
        servers.push_back(std::move(p.server));
    }
    const HeapStats after = heap_stats();
    const int64_t all = after.live_bytes - before.live_bytes;
    clients.clear();
    const int64_t server_only = heap_stats().live_bytes - before.live_bytes;
    const double nn = static_cast<double>(n);
    return {static_cast<double>(all - server_only) / nn, static_cast<double>(server_only) / nn,
            static_cast<double>(after.live_blocks - before.live_blocks) / (2 * nn)};
}

void memory_ours(benchmark::State& state) {
    const size_t n = connection_count();
    const auto suite = ecdhe_rsa_suite(Suite::aes128gcm);
    const auto cc = our_client_config(suite);
    const auto sc = our_server_config(suite);
    ours_round(4, true, cc, sc);  // one-time lazy state of the libraries is nobody's cost
    for (auto _ : state) {
        const Split busy = ours_round(n, false, cc, sc);
        const Split idle = ours_round(n, true, cc, sc);
        set_counters(state, idle, busy, n);
    }
}

// ---- OpenSSL --------------------------------------------------------------------------------

bool echo(OpenSslPair& p, const std::vector<uint8_t>& data) {
    std::vector<uint8_t> buf(kEcho);
    const int n = static_cast<int>(data.size());
    return SSL_write(p.client.get(), data.data(), n) == n &&
           SSL_read(p.server.get(), buf.data(), n) == n &&
           SSL_write(p.server.get(), buf.data(), n) == n &&
           SSL_read(p.client.get(), buf.data(), n) == n;
}

// Live bytes and blocks of one BIO pair half (the BIO and its ring buffer).
struct Transport {
    double bytes = 0, blocks = 0;
};
Transport bio_half(size_t n) {
    std::vector<BIO*> bios;
    bios.reserve(2 * n);
    const HeapStats before = heap_stats();
    for (size_t i = 0; i < n; ++i) {
        BIO *a = nullptr, *b = nullptr;
        BIO_new_bio_pair(&a, kBioBuffer, &b, kBioBuffer);
        bios.push_back(a);
        bios.push_back(b);
    }
    const HeapStats after = heap_stats();
    for (BIO* b : bios) BIO_free(b);
    const double halves = static_cast<double>(2 * n);
    return {static_cast<double>(after.live_bytes - before.live_bytes) / halves,
            static_cast<double>(after.live_blocks - before.live_blocks) / halves};
}

Split openssl_round(size_t n, bool release_buffers) {
    SslCtxPtr cctx = openssl_client_ctx(openssl_ecdhe_rsa_suite(Suite::aes128gcm));
    SslCtxPtr sctx = openssl_server_ctx(openssl_ecdhe_rsa_suite(Suite::aes128gcm));
    if (release_buffers) {
        SSL_CTX_set_mode(cctx.get(), SSL_MODE_RELEASE_BUFFERS);
        SSL_CTX_set_mode(sctx.get(), SSL_MODE_RELEASE_BUFFERS);
    }
    const std::vector<uint8_t> data = payload(kEcho);
    auto connect = [&] {
        OpenSslPair p = openssl_pair(cctx.get(), sctx.get(), kBioBuffer);
        if (!openssl_handshake(p) || !echo(p, data)) throw_openssl("OpenSSL pair failed");
        return p;
    };
    connect();  // warm-up (lazy provider and context state)
    const Transport transport = bio_half(n);
    std::vector<SslPtr> clients, servers;
    clients.reserve(n);
    servers.reserve(n);
    const HeapStats before = heap_stats();
    for (size_t i = 0; i < n; ++i) {
        OpenSslPair p = connect();
        clients.push_back(std::move(p.client));
        servers.push_back(std::move(p.server));
    }
    const HeapStats after = heap_stats();
    const int64_t all = after.live_bytes - before.live_bytes;
    clients.clear();
    const int64_t server_only = heap_stats().live_bytes - before.live_bytes;
    const double nn = static_cast<double>(n);
    return {
        static_cast<double>(all - server_only) / nn - transport.bytes,
        static_cast<double>(server_only) / nn - transport.bytes,
        static_cast<double>(after.live_blocks - before.live_blocks) / (2 * nn) - transport.blocks};
}

void memory_openssl(benchmark::State& state) {
    const size_t n = connection_count();
    for (auto _ : state) {
        const Split busy = openssl_round(n, false);
        const Split idle = openssl_round(n, true);
        set_counters(state, idle, busy, n);
    }
}

BENCHMARK(memory_ours)->Name("memory/ours")->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(memory_openssl)->Name("memory/openssl")->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
