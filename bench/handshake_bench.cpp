// Full handshakes in memory, ours and OpenSSL's, RSA-2048 server certificate, AES-128-GCM:
//
//   handshake/<ours|openssl>/<ecdhe_x25519|rsa>          client + server processing time
//   handshake/<ours|openssl>/<ecdhe_x25519|rsa>/client   the client's share only
//   handshake/<ours|openssl>/<ecdhe_x25519|rsa>/server   the server's share only
//
// Every iteration runs a whole handshake between a fresh client and a fresh server in one thread;
// a monotonic clock times each call into either side (creation, feed/SSL_do_handshake, taking its
// output, destruction; see SideClock) and the benchmark reports the chosen side's sum as manual
// time, so items_per_second is handshakes per second that side alone could do on one core. The
// client verifies the chain (one CA, leaf for "localhost"); no session cache or tickets: every
// handshake is full. Both sides sign with rsa_pss_rsae_sha256.
#include <benchmark/benchmark.h>
#include <openssl/ssl.h>

#include <ctime>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "support.h"

namespace {

using namespace bench;

enum class Side { both, client, server };

// Sums the time spent in the calls it runs. CLOCK_MONOTONIC, read through the vDSO in ~25 ns:
// the thread CPU clock would be immune to being descheduled, but it is a system call (~1.4 us a
// reading on this VM, a few per call, ~1% of a server handshake charged to the clock itself).
// Descheduling shows as a slow repetition, and the table keeps the best one.
class SideClock {
  public:
    template <class F>
    void run(F&& f) {
        const double start = now();
        f();
        seconds_ += now() - start;
    }
    double seconds() const { return seconds_; }

  private:
    static double now() {
        timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
    double seconds_ = 0;
};

void report(benchmark::State& state, Side side, const SideClock& c, const SideClock& s) {
    state.SetIterationTime(side == Side::client   ? c.seconds()
                           : side == Side::server ? s.seconds()
                                                  : c.seconds() + s.seconds());
}

void handshake_ours(benchmark::State& state, Kx kx, Side side) {
    const auto client_config = our_client_config(suite_for(kx));
    const auto server_config = our_server_config(suite_for(kx));
    for (auto _ : state) {
        SideClock c, s;
        std::optional<tls12::Connection> client, server;
        c.run([&] { client.emplace(tls12::Connection::client(client_config, "localhost")); });
        s.run([&] { server.emplace(tls12::Connection::server(server_config)); });
        auto move = [](tls12::Connection& from, SideClock& from_clock, tls12::Connection& to,
                       SideClock& to_clock) {
            tls12::ByteView out;
            from_clock.run([&] { out = from.pending_output(); });
            if (out.empty()) return false;
            to_clock.run([&] { (void)to.feed(out); });
            from_clock.run([&] { from.consume_output(out.size()); });
            return true;
        };
        for (int i = 0; i < 100; ++i) {
            const bool a = move(*client, c, *server, s);
            const bool b = move(*server, s, *client, c);
            if (!a && !b) break;
        }
        if (!client->is_handshake_complete() || !server->is_handshake_complete()) {
            const auto& err = client->error() ? client->error() : server->error();
            state.SkipWithError(
                ("handshake failed: " + (err ? err->message() : std::string("incomplete")))
                    .c_str());
            break;
        }
        c.run([&] { client.reset(); });
        s.run([&] { server.reset(); });
        report(state, side, c, s);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void handshake_openssl(benchmark::State& state, Kx kx, Side side) {
    SslCtxPtr client_ctx = openssl_client_ctx(openssl_suite_for(kx));
    SslCtxPtr server_ctx = openssl_server_ctx(openssl_suite_for(kx));
    for (auto _ : state) {
        SideClock c, s;
        SslPtr client, server;
        c.run([&] {
            client = openssl_client(client_ctx.get());
            SSL_set_connect_state(client.get());
        });
        s.run([&] {
            server.reset(SSL_new(server_ctx.get()));
            SSL_set_accept_state(server.get());
        });
        // The transport (a BIO pair with default 17 KiB buffers) is nobody's cost.
        BIO *client_bio = nullptr, *server_bio = nullptr;
        BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
        SSL_set_bio(client.get(), client_bio, client_bio);
        SSL_set_bio(server.get(), server_bio, server_bio);
        bool client_done = false, server_done = false, failed = false;
        for (int i = 0; i < 100 && !(client_done && server_done) && !failed; ++i) {
            for (auto [ssl, clock, done] : {std::tuple{client.get(), &c, &client_done},
                                            std::tuple{server.get(), &s, &server_done}}) {
                if (*done) continue;
                int rc = 0;
                clock->run([&] { rc = SSL_do_handshake(ssl); });
                if (rc == 1) {
                    *done = true;
                } else {
                    const int err = SSL_get_error(ssl, rc);
                    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) failed = true;
                }
            }
        }
        if (!client_done || !server_done) {
            state.SkipWithError("OpenSSL handshake failed");
            break;
        }
        c.run([&] { client.reset(); });
        s.run([&] { server.reset(); });
        report(state, side, c, s);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

[[maybe_unused]] const bool registered = [] {
    for (Kx kx : {Kx::ecdhe_x25519, Kx::rsa})
        for (auto [side, suffix] : {std::pair{Side::both, ""}, std::pair{Side::client, "/client"},
                                    std::pair{Side::server, "/server"}}) {
            const std::string tail = std::string(token(kx)) + suffix;
            benchmark::RegisterBenchmark(("handshake/ours/" + tail).c_str(), handshake_ours, kx,
                                         side)
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond)
                ->Repetitions(ratio_repetitions());
            benchmark::RegisterBenchmark(("handshake/openssl/" + tail).c_str(), handshake_openssl,
                                         kx, side)
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond)
                ->Repetitions(ratio_repetitions());
        }
    return true;
}();

}  // namespace
