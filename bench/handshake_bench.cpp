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
// TLS 1.3 (TLS_AES_128_GCM_SHA256, x25519, TLS 1.3 only on both sides):
//
//   handshake13/<ours|openssl>/<rsa2048|ecdsa_p256>[/client|/server]
//       full handshakes with an RSA-2048 (rsa_pss_rsae_sha256) or ECDSA P-256
//       (ecdsa_secp256r1_sha256) server certificate; no tickets
//   handshake13/<ours|openssl>/resumed_ticket[/client|/server]
//       resumed with the PSK of a NewSessionTicket (RFC 8446 4.6.1), psk_dhe_ke (a fresh x25519
//       exchange each time); the server keeps tickets in its session cache (OpenSSL: stateful
//       tickets, SSL_OP_NO_TICKET with the server cache on, one ticket per handshake), the client
//       reads the new ticket each time and offers it next (tickets are single-use)
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

// The timed loop of every handshake of ours, either version.
void run_ours(benchmark::State& state, Side side, Resume resume,
              const std::shared_ptr<const tls12::ClientConfig>& client_config,
              const std::shared_ptr<const tls12::ServerConfig>& server_config) {
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

void handshake_ours(benchmark::State& state, Kx kx, Side side, Resume resume) {
    run_ours(state, side, resume, resuming_client(kx, resume), resuming_server(kx, resume));
}

// TLS 1.3: Resume::ticket turns on the session caches (the server's holds the tickets it issues).
void handshake13_ours(benchmark::State& state, Cert cert, Side side, Resume resume) {
    constexpr auto suite = tls12::CipherSuite::TLS_AES_128_GCM_SHA256;
    auto client = *our_client_config13(suite, cert);
    auto server = *our_server_config13(suite, cert);
    if (resume == Resume::ticket) {
        client.session_cache = std::make_shared<tls12::ClientSessionCache>();
        client.session_tickets = true;
        server.session_cache = std::make_shared<tls12::ServerSessionCache>();
    }
    run_ours(state, side, resume, std::make_shared<const tls12::ClientConfig>(std::move(client)),
             std::make_shared<const tls12::ServerConfig>(std::move(server)));
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

// TLS 1.3 sends NewSessionTicket after the handshake: the client reads it as post-handshake data
// (SSL_read finds no application data and wants more). True when nothing failed.
bool read_tickets(SSL* client) {
    unsigned char byte;
    const int rc = SSL_read(client, &byte, 1);
    return rc <= 0 && SSL_get_error(client, rc) == SSL_ERROR_WANT_READ;
}

void set_session_id_context(SSL_CTX* server_ctx) {
    static const unsigned char context[] = "tls12 bench";
    SSL_CTX_set_session_id_context(server_ctx, context, sizeof context - 1);
}

// The timed loop of every OpenSSL handshake, either version. tls13 with a resumption: the client
// reads the server's ticket after each handshake (its own time).
void run_openssl(benchmark::State& state, Side side, Resume resume, bool tls13, SSL_CTX* client_ctx,
                 SSL_CTX* server_ctx) {
    const bool ticket_after_handshake = tls13 && resume != Resume::none;
    std::unique_ptr<SSL_SESSION, SessionDeleter> session;
    if (resume != Resume::none) {
        OpenSslPair primer = openssl_pair(client_ctx, server_ctx, 0);
        if (!openssl_handshake(primer)) return state.SkipWithError("OpenSSL priming failed");
        if (ticket_after_handshake && !read_tickets(primer.client.get()))
            return state.SkipWithError("OpenSSL ticket not read");
        session.reset(SSL_get1_session(primer.client.get()));
        keep_sessions_resumable(primer.client.get(), primer.server.get());
    }
    for (auto _ : state) {
        SideClock c, s;
        SslPtr client, server;
        c.run([&] {
            client = openssl_client(client_ctx);
            SSL_set_connect_state(client.get());
            if (session) SSL_set_session(client.get(), session.get());
        });
        s.run([&] {
            server.reset(SSL_new(server_ctx));
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
            bool read = true;
            // A renewed ticket replaces the old one, as our client's cache does.
            c.run([&] {
                if (ticket_after_handshake) read = read_tickets(client.get());
                session.reset(SSL_get1_session(client.get()));
            });
            if (!read) {
                state.SkipWithError("OpenSSL ticket not read");
                break;
            }
        }
        keep_sessions_resumable(client.get(), server.get());
        c.run([&] { client.reset(); });
        s.run([&] { server.reset(); });
        report(state, side, c, s);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void handshake_openssl(benchmark::State& state, Kx kx, Side side, Resume resume) {
    SslCtxPtr client_ctx = openssl_client_ctx(openssl_suite_for(kx));
    SslCtxPtr server_ctx = openssl_server_ctx(openssl_suite_for(kx));
    if (resume == Resume::ticket) SSL_CTX_clear_options(server_ctx.get(), SSL_OP_NO_TICKET);
    if (resume == Resume::ticket) SSL_CTX_clear_options(client_ctx.get(), SSL_OP_NO_TICKET);
    if (resume == Resume::id) {
        SSL_CTX_set_session_cache_mode(server_ctx.get(), SSL_SESS_CACHE_SERVER);
        set_session_id_context(server_ctx.get());
    }
    run_openssl(state, side, resume, false, client_ctx.get(), server_ctx.get());
}

void handshake13_openssl(benchmark::State& state, Cert cert, Side side, Resume resume) {
    const char* suite = "TLS_AES_128_GCM_SHA256";
    SslCtxPtr client_ctx = openssl_client_ctx13(suite, cert);
    SslCtxPtr server_ctx = openssl_server_ctx13(suite, cert);
    if (resume == Resume::ticket) {
        // Stateful tickets, as ours: with SSL_OP_NO_TICKET (kept) a TLS 1.3 server issues tickets
        // that name a session in its cache. One per handshake, as ours.
        SSL_CTX_set_session_cache_mode(server_ctx.get(), SSL_SESS_CACHE_SERVER);
        set_session_id_context(server_ctx.get());
        SSL_CTX_set_num_tickets(server_ctx.get(), 1);
    }
    run_openssl(state, side, resume, true, client_ctx.get(), server_ctx.get());
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

    auto add13 = [](const std::string& tail, Cert cert, Side side, Resume resume) {
        benchmark::RegisterBenchmark(("handshake13/ours/" + tail).c_str(), handshake13_ours, cert,
                                     side, resume)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond)
            ->Repetitions(ratio_repetitions());
        benchmark::RegisterBenchmark(("handshake13/openssl/" + tail).c_str(), handshake13_openssl,
                                     cert, side, resume)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond)
            ->Repetitions(ratio_repetitions());
    };
    for (Cert cert : {Cert::rsa2048, Cert::ecdsa_p256})
        for (auto [side, suffix] : sides)
            add13(std::string(token(cert)) + suffix, cert, side, Resume::none);
    for (auto [side, suffix] : sides)
        add13(std::string("resumed_ticket") + suffix, Cert::rsa2048, side, Resume::ticket);
    return true;
}();

}  // namespace
