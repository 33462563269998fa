// Full handshakes in memory, ours and OpenSSL's, RSA-2048 server certificate, AES-128-GCM:
//
//   handshake/<ours|openssl>/<ecdhe_x25519|rsa>          client + server processing time
//   handshake/<ours|openssl>/<ecdhe_x25519|rsa>/client   the client's share only
//   handshake/<ours|openssl>/<ecdhe_x25519|rsa>/server   the server's share only
//   handshake/<ours|openssl>/resumed_<ticket|id>[/client|/server]
//       abbreviated handshakes (ECDHE-RSA-AES128-GCM-SHA256 session): RFC 5077 ticket, or the
//       server's session-ID cache; a full handshake before the timed loop primes the session,
//       every timed one must resume (renewed tickets are carried forward)
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
#include <memory>
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

enum class Resume { none, ticket, id };

std::shared_ptr<const tls12::ServerConfig> resuming_server(Kx kx, Resume resume) {
    auto config = *our_server_config(suite_for(kx));
    if (resume == Resume::ticket) config.ticket_keys = std::make_shared<tls12::TicketKeys>();
    if (resume == Resume::id) config.session_cache = std::make_shared<tls12::ServerSessionCache>();
    return std::make_shared<const tls12::ServerConfig>(std::move(config));
}

std::shared_ptr<const tls12::ClientConfig> resuming_client(Kx kx, Resume resume) {
    auto config = *our_client_config(suite_for(kx));
    if (resume != Resume::none) {
        config.session_cache = std::make_shared<tls12::ClientSessionCache>();
        config.session_tickets = resume == Resume::ticket;
    }
    return std::make_shared<const tls12::ClientConfig>(std::move(config));
}

void handshake_ours(benchmark::State& state, Kx kx, Side side, Resume resume) {
    const auto client_config = resuming_client(kx, resume);
    const auto server_config = resuming_server(kx, resume);
    if (resume != Resume::none) {
        auto primer = our_connected_pair(client_config, server_config);  // stores the session
    }
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
        if (resume != Resume::none && !client->negotiated().resumed) {
            state.SkipWithError("the handshake did not resume");
            break;
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

struct SessionDeleter {
    void operator()(SSL_SESSION* s) const noexcept { SSL_SESSION_free(s); }
};

// SSL_free without a shutdown marks the session not resumable (OpenSSL treats the connection as
// broken) and drops it from the server's cache; ours forgets a session only after a fatal alert.
// The benchmark closes nothing, so both ends are marked as shut down cleanly.
void keep_sessions_resumable(SSL* client, SSL* server) {
    SSL_set_shutdown(client, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_set_shutdown(server, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

void handshake_openssl(benchmark::State& state, Kx kx, Side side, Resume resume) {
    SslCtxPtr client_ctx = openssl_client_ctx(openssl_suite_for(kx));
    SslCtxPtr server_ctx = openssl_server_ctx(openssl_suite_for(kx));
    if (resume == Resume::ticket) SSL_CTX_clear_options(server_ctx.get(), SSL_OP_NO_TICKET);
    if (resume == Resume::ticket) SSL_CTX_clear_options(client_ctx.get(), SSL_OP_NO_TICKET);
    if (resume == Resume::id) {
        SSL_CTX_set_session_cache_mode(server_ctx.get(), SSL_SESS_CACHE_SERVER);
        static const unsigned char context[] = "tls12 bench";
        SSL_CTX_set_session_id_context(server_ctx.get(), context, sizeof context - 1);
    }
    std::unique_ptr<SSL_SESSION, SessionDeleter> session;
    if (resume != Resume::none) {
        OpenSslPair primer = openssl_pair(client_ctx.get(), server_ctx.get(), 0);
        if (!openssl_handshake(primer)) return state.SkipWithError("OpenSSL priming failed");
        session.reset(SSL_get1_session(primer.client.get()));
        keep_sessions_resumable(primer.client.get(), primer.server.get());
    }
    for (auto _ : state) {
        SideClock c, s;
        SslPtr client, server;
        c.run([&] {
            client = openssl_client(client_ctx.get());
            SSL_set_connect_state(client.get());
            if (session) SSL_set_session(client.get(), session.get());
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
        if (resume != Resume::none) {
            if (!SSL_session_reused(client.get())) {
                state.SkipWithError("the OpenSSL handshake did not resume");
                break;
            }
            // A renewed ticket replaces the old one, as our client's cache does.
            c.run([&] { session.reset(SSL_get1_session(client.get())); });
        }
        keep_sessions_resumable(client.get(), server.get());
        c.run([&] { client.reset(); });
        s.run([&] { server.reset(); });
        report(state, side, c, s);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

[[maybe_unused]] const bool registered = [] {
    const std::pair<Side, const char*> sides[] = {
        {Side::both, ""}, {Side::client, "/client"}, {Side::server, "/server"}};
    auto add = [](const std::string& tail, Kx kx, Side side, Resume resume) {
        benchmark::RegisterBenchmark(("handshake/ours/" + tail).c_str(), handshake_ours, kx, side,
                                     resume)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond)
            ->Repetitions(ratio_repetitions());
        benchmark::RegisterBenchmark(("handshake/openssl/" + tail).c_str(), handshake_openssl, kx,
                                     side, resume)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond)
            ->Repetitions(ratio_repetitions());
    };
    for (Kx kx : {Kx::ecdhe_x25519, Kx::rsa})
        for (auto [side, suffix] : sides)
            add(std::string(token(kx)) + suffix, kx, side, Resume::none);
    for (auto [resume, name] :
         {std::pair{Resume::ticket, "resumed_ticket"}, std::pair{Resume::id, "resumed_id"}})
        for (auto [side, suffix] : sides)
            add(std::string(name) + suffix, Kx::ecdhe_x25519, side, resume);
    return true;
}();

}  // namespace
