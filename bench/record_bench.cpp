// Record throughput through the real engines, ours and OpenSSL's, for a connected client/server
// pair in memory (same process, same thread):
//
//   record/<ours|openssl>/<suite>/seal/<bytes>       client.send() of one application write, its
//                                                    record taken from the output buffer
//   record/<ours|openssl>/<suite>/open/<bytes>       server.feed() of one sealed record + reading
//                                                    its plaintext (ours: in place, see read_all)
//   record/<ours|openssl>/<suite>/seal_open/<bytes>  both, the record handed over in memory
//
//   record13/<ours|openssl>/<suite>/<op>/<bytes>     the same over TLS 1.3 (TLS_AES_128_GCM_SHA256,
//                                                    TLS_AES_256_GCM_SHA384,
//                                                    TLS_CHACHA20_POLY1305_SHA256; RSA-2048 server
//                                                    certificate, x25519, no tickets)
//
// The TLS 1.2 benchmarks pin TLS 1.2 and ECDHE_RSA suites on both libraries, the TLS 1.3 ones pin
// TLS 1.3. Every write is one record (<= 16 KiB). "open" needs fresh records in sequence order, so
// the client seals a batch of about 1 MiB of them with the timer paused and the server opens the
// batch timed. Counters: bytes_per_second (application bytes), allocs_per_record (heap calls
// in the timed region per record, both libraries, see support.h).
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "support.h"

namespace {

using namespace bench;

enum class Op { seal, open, seal_open };
enum class Version { tls12, tls13 };
constexpr Op kOps[] = {Op::seal, Op::open, Op::seal_open};
constexpr int kSizes[] = {64, 1024, 16384};

const char* token(Op op) {
    switch (op) {
        case Op::seal:
            return "seal";
        case Op::open:
            return "open";
        default:
            return "seal_open";
    }
}

// Records per untimed refill for "open": about 1 MiB of them, so pausing the timer costs well under
// 1% of the batch.
size_t batch_records(size_t n) {
    return std::max<size_t>(64, (size_t{1} << 20) / n);
}

// Heap calls made while the timer runs.
class AllocMeter {
  public:
    void start() { started_ = heap_stats().allocations; }
    void stop() { total_ += heap_stats().allocations - started_; }
    uint64_t total() const { return total_; }

  private:
    uint64_t started_ = 0, total_ = 0;
};

void finish(benchmark::State& state, size_t n, const AllocMeter& allocs) {
    const auto iterations = static_cast<int64_t>(state.iterations());
    state.SetBytesProcessed(iterations * static_cast<int64_t>(n));
    state.counters["allocs_per_record"] =
        iterations ? static_cast<double>(allocs.total()) / static_cast<double>(iterations) : 0.0;
}

// ---- ours -----------------------------------------------------------------------------------

// Reads the plaintext where it lies (received_data()/consume_received()), the input-side
// counterpart of taking records from pending_output(); receive() would add a memcpy into a buffer
// of the caller's. OpenSSL has no in-place read: SSL_read always copies.
size_t read_all(tls12::Connection& server) {
    const tls12::ByteView plaintext = server.received_data();
    benchmark::DoNotOptimize(plaintext.data());
    server.consume_received(plaintext.size());
    return plaintext.size();
}

OurPair our_pair(Suite suite, Version version) {
    if (version == Version::tls13)
        return our_connected_pair(our_client_config13(tls13_suite(suite), Cert::rsa2048),
                                  our_server_config13(tls13_suite(suite), Cert::rsa2048));
    return our_connected_pair(ecdhe_rsa_suite(suite));
}

void record_ours(benchmark::State& state, Suite suite, Op op, Version version) {
    const size_t n = static_cast<size_t>(state.range(0));
    OurPair pair = our_pair(suite, version);
    tls12::Connection& client = pair.client;
    tls12::Connection& server = pair.server;
    const std::vector<uint8_t> data = payload(n);

    // Warm up: every buffer reaches its steady-state size before counting.
    for (int i = 0; i < 16; ++i) {
        if (!client.send(data)) return state.SkipWithError("send failed");
        pump(client, server);
        read_all(server);
    }

    AllocMeter allocs;
    switch (op) {
        case Op::seal:
            allocs.start();
            for (auto _ : state) {
                if (!client.send(data)) {
                    state.SkipWithError("send failed");
                    break;
                }
                const tls12::ByteView wire = client.pending_output();
                benchmark::DoNotOptimize(wire.data());
                client.consume_output(wire.size());
            }
            allocs.stop();
            break;

        case Op::seal_open:
            allocs.start();
            for (auto _ : state) {
                if (!client.send(data)) {
                    state.SkipWithError("send failed");
                    break;
                }
                pump(client, server);
                if (read_all(server) != n) {
                    state.SkipWithError("record did not open");
                    break;
                }
            }
            allocs.stop();
            break;

        case Op::open: {
            const size_t batch = batch_records(n);
            std::vector<uint8_t> wire;
            std::vector<std::pair<size_t, size_t>> records;  // offset, length
            size_t next = 0;
            auto refill = [&] {
                for (size_t i = 0; i < batch; ++i) (void)client.send(data);
                const tls12::ByteView sealed = client.pending_output();
                wire.assign(sealed.begin(), sealed.end());
                client.consume_output(sealed.size());
                records.clear();
                for (size_t at = 0; at + 5 <= wire.size();) {
                    const size_t len = 5 + (size_t{wire[at + 3]} << 8 | wire[at + 4]);
                    records.emplace_back(at, len);
                    at += len;
                }
                next = 0;
            };
            refill();
            if (records.size() != batch) return state.SkipWithError("one write, one record?");
            allocs.start();
            for (auto _ : state) {
                if (next == records.size()) {
                    state.PauseTiming();
                    allocs.stop();
                    refill();
                    allocs.start();
                    state.ResumeTiming();
                }
                const auto [at, len] = records[next++];
                if (!server.feed(tls12::ByteView(wire.data() + at, len)) || read_all(server) != n) {
                    state.SkipWithError("record did not open");
                    break;
                }
            }
            allocs.stop();
            break;
        }
    }
    finish(state, n, allocs);
}

// ---- OpenSSL --------------------------------------------------------------------------------
// libssl 3 over a BIO pair (4 MiB ring buffers so a whole "open" batch fits). SSL_write encrypts
// into libssl's write buffer and BIO_write copies the record into the ring; "seal" then consumes
// it in place (BIO_nread, no copy), the counterpart of our pending_output()/consume_output().
// The server reads with read_ahead on (fewer BIO_read calls: OpenSSL at its best).

void drain(BIO* bio) {
    char* p = nullptr;
    int k;
    while ((k = BIO_nread0(bio, &p)) > 0) BIO_nread(bio, &p, k);
}

void record_openssl(benchmark::State& state, Suite suite, Op op, Version version) {
    const size_t n = static_cast<size_t>(state.range(0));
    const int ni = static_cast<int>(n);
    const bool tls13 = version == Version::tls13;
    SslCtxPtr client_ctx = tls13 ? openssl_client_ctx13(openssl_tls13_suite(suite), Cert::rsa2048)
                                 : openssl_client_ctx(openssl_ecdhe_rsa_suite(suite));
    SslCtxPtr server_ctx = tls13 ? openssl_server_ctx13(openssl_tls13_suite(suite), Cert::rsa2048)
                                 : openssl_server_ctx(openssl_ecdhe_rsa_suite(suite));
    OpenSslPair pair = openssl_pair(client_ctx.get(), server_ctx.get(), 4 << 20);
    if (!openssl_handshake(pair)) return state.SkipWithError("OpenSSL handshake failed");
    SSL* client = pair.client.get();
    SSL* server = pair.server.get();
    SSL_set_read_ahead(server, 1);
    const std::vector<uint8_t> data = payload(n);
    std::vector<uint8_t> out(16 * 1024);
    const int out_size = static_cast<int>(out.size());

    for (int i = 0; i < 16; ++i) {
        if (SSL_write(client, data.data(), ni) != ni) return state.SkipWithError("SSL_write");
        if (SSL_read(server, out.data(), out_size) != ni) return state.SkipWithError("SSL_read");
    }

    AllocMeter allocs;
    switch (op) {
        case Op::seal:
            allocs.start();
            for (auto _ : state) {
                if (SSL_write(client, data.data(), ni) != ni) {
                    state.SkipWithError("SSL_write failed");
                    break;
                }
                drain(pair.server_bio);
            }
            allocs.stop();
            break;

        case Op::seal_open:
            allocs.start();
            for (auto _ : state) {
                if (SSL_write(client, data.data(), ni) != ni ||
                    SSL_read(server, out.data(), out_size) != ni) {
                    state.SkipWithError("SSL_write/SSL_read failed");
                    break;
                }
            }
            allocs.stop();
            break;

        case Op::open: {
            const size_t batch = batch_records(n);
            size_t left = 0;
            auto refill = [&] {
                for (size_t i = 0; i < batch; ++i)
                    if (SSL_write(client, data.data(), ni) != ni) return false;
                left = batch;
                return true;
            };
            if (!refill()) return state.SkipWithError("SSL_write failed");
            allocs.start();
            for (auto _ : state) {
                if (left == 0) {
                    state.PauseTiming();
                    allocs.stop();
                    const bool ok = refill();
                    allocs.start();
                    state.ResumeTiming();
                    if (!ok) {
                        state.SkipWithError("SSL_write failed");
                        break;
                    }
                }
                --left;
                if (SSL_read(server, out.data(), out_size) != ni) {
                    state.SkipWithError("SSL_read failed");
                    break;
                }
            }
            allocs.stop();
            break;
        }
    }
    finish(state, n, allocs);
}

[[maybe_unused]] const bool registered = [] {
    for (auto [version, prefix] :
         {std::pair{Version::tls12, "record/"}, std::pair{Version::tls13, "record13/"}})
        for (Suite suite : kSuites)
            for (Op op : kOps)
                for (int size : kSizes) {
                    const std::string tail = std::string(token(suite)) + "/" + token(op);
                    benchmark::RegisterBenchmark((prefix + std::string("ours/") + tail).c_str(),
                                                 record_ours, suite, op, version)
                        ->Arg(size)
                        ->Repetitions(ratio_repetitions());
                    benchmark::RegisterBenchmark((prefix + std::string("openssl/") + tail).c_str(),
                                                 record_openssl, suite, op, version)
                        ->Arg(size)
                        ->Repetitions(ratio_repetitions());
                }
    // The opt-in CBC suite (encrypt-then-MAC), bulk sizes only.
    for (int size : {1024, 16384}) {
        const std::string tail = std::string(token(Suite::aes128cbcsha256)) + "/seal_open";
        benchmark::RegisterBenchmark(("record/ours/" + tail).c_str(), record_ours,
                                     Suite::aes128cbcsha256, Op::seal_open, Version::tls12)
            ->Arg(size)
            ->Repetitions(ratio_repetitions());
        benchmark::RegisterBenchmark(("record/openssl/" + tail).c_str(), record_openssl,
                                     Suite::aes128cbcsha256, Op::seal_open, Version::tls12)
            ->Arg(size)
            ->Repetitions(ratio_repetitions());
    }
    return true;
}();

}  // namespace
