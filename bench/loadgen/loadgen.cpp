// tls12_loadgen: many concurrent TLS 1.2 connections from one process on one epoll loop, with
// OpenSSL's libssl as the client (so the server is what is measured), against echo_server or
// nginx (--http: its echo module, POST bodies echoed back). Every echo is checked byte for byte;
// a lost connection or a wrong byte is counted and makes the exit status 1.
//
//   tls12_loadgen --port P --mode full|ticket|id --concurrency 64 --seconds 10
//       handshakes per second (full, or resumed by ticket / session ID) and their latency
//       p50/p99; each connection echoes one short message, then closes with close_notify
//   tls12_loadgen --port P --mode echo --concurrency 8 --bytes 268435456
//       bulk echo throughput (lock-step 16 KiB chunks per connection)
//   tls12_loadgen --port P --mode idle --connections 10000 --server-pid PID --hold 5
//       holds that many established idle connections, then echoes on every one; reports the
//       server's RSS per connection (/proc/PID/status)
//   tls12_loadgen --port P --mode silent --connections 5000
//       opens that many TCP connections that never send a byte, then times one new client's
//       handshake and echo
//
// Prints one JSON object on stdout (--json FILE also writes it there) and a summary on stderr.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 0;
    std::string mode = "full";
    std::string ca;
    size_t concurrency = 64;
    size_t connections = 1000;
    double seconds = 5;
    uint64_t bytes = 64 << 20;
    double hold = 2;
    long server_pid = 0;
    bool http = false;
    std::string suite = "ECDHE-RSA-AES128-GCM-SHA256";
    std::string json;
};

// ---- OpenSSL client context ----------------------------------------------------------------

struct CtxDeleter {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SessionDeleter {
    void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using Session = std::unique_ptr<SSL_SESSION, SessionDeleter>;

std::unique_ptr<SSL_CTX, CtxDeleter> make_ctx(const Options& o) {
    std::unique_ptr<SSL_CTX, CtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx.get(), o.suite.c_str());
    SSL_CTX_set1_groups_list(ctx.get(), "X25519");
    if (o.mode != "ticket") SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    if (!o.ca.empty()) {
        if (SSL_CTX_load_verify_locations(ctx.get(), o.ca.c_str(), nullptr) != 1)
            throw std::runtime_error("cannot load " + o.ca);
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    }
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

int connect_nonblocking(const Options& o) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(o.port);
    ::inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
        errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// ---- one client connection -----------------------------------------------------------------

// The message each echo round sends; the answer must be exactly this (raw) or carry it as the
// body (HTTP).
std::string message_for(uint64_t n, size_t size) {
    std::string m = "tls12-loadgen " + std::to_string(n) + " ";
    while (m.size() < size) m += static_cast<char>('a' + (m.size() * 7 + n) % 26);
    m.resize(std::max(size, m.size()));
    return m;
}

std::string http_request(const std::string& body) {
    return "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The body of a complete HTTP response in `in`, if it is all there (Content-Length or chunked).
bool http_body(const std::string& in, std::string& body) {
    const size_t head_end = in.find("\r\n\r\n");
    if (head_end == std::string::npos) return false;
    std::string head = in.substr(0, head_end);
    std::transform(head.begin(), head.end(), head.begin(), ::tolower);
    size_t at = head_end + 4;
    if (head.find("transfer-encoding: chunked") != std::string::npos) {
        body.clear();
        for (;;) {
            const size_t line_end = in.find("\r\n", at);
            if (line_end == std::string::npos) return false;
            const size_t size = std::stoul(in.substr(at, line_end - at), nullptr, 16);
            if (in.size() < line_end + 2 + size + 2) return false;
            if (size == 0) return true;
            body += in.substr(line_end + 2, size);
            at = line_end + 2 + size + 2;
        }
    }
    const size_t cl = head.find("content-length:");
    const size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15));
    if (in.size() < at + length) return false;
    body = in.substr(at, length);
    return true;
}

enum class Phase { handshake, echo, shutdown, idle, done };

struct Conn {
    int fd = -1;
    SSL* ssl = nullptr;
    Phase phase = Phase::handshake;
    Clock::time_point started;
    std::string out;       // plaintext still to write this round
    std::string expected;  // what must come back
    std::string in;        // what came back so far
    uint64_t rounds_left = 0;
    uint64_t number = 0;
    bool resumed = false;
    bool failed = false;
    ~Conn() {
        if (ssl) SSL_free(ssl);
        if (fd >= 0) ::close(fd);
    }
};

struct Stats {
    uint64_t handshakes = 0, resumed = 0, echoes = 0, failures = 0, wrong_bytes = 0;
    uint64_t echoed_bytes = 0;
    std::vector<double> latencies_ms;
    std::vector<std::string> errors;
    void fail(const std::string& why) {
        ++failures;
        if (errors.size() < 5) errors.push_back(why);
    }
};

class Loop {
  public:
    Loop(const Options& o, SSL_CTX* ctx) : o_(o), ctx_(ctx), epoll_(::epoll_create1(0)) {}
    ~Loop() { ::close(epoll_); }

    Stats stats;
    Session session;  // the session new connections resume (ticket / id modes)
    size_t chunk = 64;
    uint64_t rounds = 1;
    bool keep_idle = false;

    Conn* open() {
        auto conn = std::make_unique<Conn>();
        conn->fd = connect_nonblocking(o_);
        if (conn->fd < 0) {
            stats.fail(std::string("connect: ") + std::strerror(errno));
            return nullptr;
        }
        conn->ssl = SSL_new(ctx_);
        SSL_set_fd(conn->ssl, conn->fd);
        SSL_set_tlsext_host_name(conn->ssl, "localhost");
        if (!o_.ca.empty()) SSL_set1_host(conn->ssl, "localhost");
        if (session) SSL_set_session(conn->ssl, session.get());
        SSL_set_connect_state(conn->ssl);
        conn->started = Clock::now();
        conn->number = next_number_++;
        conn->rounds_left = rounds;
        epoll_event ev{EPOLLOUT | EPOLLIN, {}};
        ev.data.ptr = conn.get();
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, conn->fd, &ev);
        Conn* raw = conn.get();
        conns_.push_back(std::move(conn));
        ++live_;
        ++busy_;
        return raw;
    }

    // Runs until no connection is busy or the deadline passes; `refill` may open more.
    void run(Clock::time_point deadline, const std::function<void()>& refill = {}) {
        std::vector<epoll_event> events(512);
        while (busy_ > 0) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) break;
            const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                       static_cast<int>(std::min<long>(left.count(), 1000)));
            for (int i = 0; i < n; ++i)
                step(*static_cast<Conn*>(events[static_cast<size_t>(i)].data.ptr));
            reap();
            if (refill) refill();
        }
    }

    size_t live() const { return live_; }
    std::vector<std::unique_ptr<Conn>>& conns() { return conns_; }

    // Starts another echo round on an idle connection.
    void wake(Conn& c) {
        ++busy_;
        c.phase = Phase::echo;
        c.rounds_left = 1;
        begin_round(c);
        step(c);
    }

  private:
    void begin_round(Conn& c) {
        const std::string m = message_for(c.number * 1000 + c.rounds_left, chunk);
        c.expected = m;
        c.out = o_.http ? http_request(m) : m;
        c.in.clear();
    }

    void want(Conn& c, int ssl_error) {
        epoll_event ev{};
        ev.events = ssl_error == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN;
        ev.data.ptr = &c;
        ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void finish(Conn& c, bool ok, const std::string& why = {}) {
        if (!ok) {
            c.failed = true;
            stats.fail(why + " (connection " + std::to_string(c.number) + ")");
        }
        if (c.phase != Phase::idle) --busy_;
        c.phase = Phase::done;
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
        --live_;
    }

    bool io_error(Conn& c, int rc, const char* what) {
        const int err = SSL_get_error(c.ssl, rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            want(c, err);
            return false;
        }
        char buf[256] = "";
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        finish(c, false,
               std::string(what) + " failed: ssl error " + std::to_string(err) + " " + buf +
                   " errno " + std::strerror(errno));
        return true;
    }

    void step(Conn& c) {
        for (;;) {
            switch (c.phase) {
                case Phase::handshake: {
                    const int rc = SSL_do_handshake(c.ssl);
                    if (rc != 1) {
                        io_error(c, rc, "handshake");
                        return;
                    }
                    ++stats.handshakes;
                    stats.latencies_ms.push_back(
                        std::chrono::duration<double, std::milli>(Clock::now() - c.started)
                            .count());
                    c.resumed = SSL_session_reused(c.ssl);
                    if (c.resumed) ++stats.resumed;
                    if (o_.mode == "ticket" || o_.mode == "id")
                        session.reset(SSL_get1_session(c.ssl));  // renewed tickets carry on
                    c.phase = Phase::echo;
                    begin_round(c);
                    break;
                }
                case Phase::echo: {
                    while (!c.out.empty()) {
                        const int rc =
                            SSL_write(c.ssl, c.out.data(), static_cast<int>(c.out.size()));
                        if (rc <= 0) {
                            io_error(c, rc, "write");
                            return;
                        }
                        c.out.erase(0, static_cast<size_t>(rc));
                    }
                    char buf[16384];
                    const int rc = SSL_read(c.ssl, buf, sizeof buf);
                    if (rc <= 0) {
                        io_error(c, rc, "read");
                        return;
                    }
                    c.in.append(buf, static_cast<size_t>(rc));
                    std::string body;
                    const bool complete =
                        o_.http ? http_body(c.in, body) : c.in.size() >= c.expected.size();
                    if (!complete) break;
                    if (!o_.http) body = c.in;
                    if (body != c.expected) {
                        ++stats.wrong_bytes;
                        finish(c, false, "echo differs");
                        return;
                    }
                    ++stats.echoes;
                    stats.echoed_bytes += c.expected.size();
                    if (--c.rounds_left > 0) {
                        begin_round(c);
                        break;
                    }
                    if (keep_idle) {
                        c.phase = Phase::idle;
                        want(c, SSL_ERROR_WANT_READ);
                        --busy_;
                        return;
                    }
                    c.phase = Phase::shutdown;
                    break;
                }
                case Phase::shutdown: {
                    const int rc = SSL_shutdown(c.ssl);
                    if (rc < 0) {
                        if (!io_error(c, rc, "shutdown")) return;
                        return;
                    }
                    finish(c, true);
                    return;
                }
                case Phase::idle: {
                    // An idle connection must stay silent: anything but EAGAIN is a loss.
                    char buf[64];
                    const int rc = SSL_read(c.ssl, buf, sizeof buf);
                    if (rc > 0) return finish(c, false, "data on an idle connection");
                    if (SSL_get_error(c.ssl, rc) == SSL_ERROR_WANT_READ) return;
                    return finish(c, false, "idle connection closed by the server");
                }
                case Phase::done:
                    return;
            }
        }
    }

    void reap() {
        std::erase_if(conns_,
                      [](const std::unique_ptr<Conn>& c) { return c->phase == Phase::done; });
    }

  public:
    size_t busy_ = 0;

  private:
    const Options& o_;
    SSL_CTX* ctx_;
    int epoll_;
    std::vector<std::unique_ptr<Conn>> conns_;
    size_t live_ = 0;
    uint64_t next_number_ = 1;
};

long rss_kib(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"TLS 1.2 load generator (OpenSSL client) for echo_server and nginx"};
    app.add_option("--host", o.host, "server IPv4 address")->capture_default_str();
    app.add_option("--port", o.port, "server port")->required();
    app.add_option("--mode", o.mode, "full, ticket, id, echo, idle or silent")
        ->check(CLI::IsMember({"full", "ticket", "id", "echo", "idle", "silent"}));
    app.add_option("--ca", o.ca, "verify the server against this CA (PEM)");
    app.add_option("--concurrency", o.concurrency, "connections in flight")->capture_default_str();
    app.add_option("--connections", o.connections, "idle/silent: connections held")
        ->capture_default_str();
    app.add_option("--seconds", o.seconds, "handshake modes: how long")->capture_default_str();
    app.add_option("--bytes", o.bytes, "echo: bytes per connection")->capture_default_str();
    app.add_option("--hold", o.hold, "idle: seconds to hold before echoing again")
        ->capture_default_str();
    app.add_option("--server-pid", o.server_pid, "idle: the server process, for its RSS");
    app.add_flag("--http", o.http, "speak HTTP (POST bodies echoed back: nginx's echo module)");
    app.add_option("--suite", o.suite, "OpenSSL cipher suite name")->capture_default_str();
    app.add_option("--json", o.json, "also write the JSON result to FILE");
    CLI11_PARSE(app, argc, argv);

    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);

    auto ctx = make_ctx(o);
    Loop loop(o, ctx.get());
    std::ostringstream json;
    json << "{\"mode\": \"" << o.mode << "\", \"http\": " << (o.http ? "true" : "false");
    const auto start = Clock::now();

    if (o.mode == "full" || o.mode == "ticket" || o.mode == "id") {
        if (o.mode != "full") {  // prime the session
            loop.open();
            loop.run(Clock::now() + std::chrono::seconds(10));
            loop.stats = Stats();
            if (!loop.session) {
                std::cerr << "no session to resume" << std::endl;
                return 1;
            }
        }
        const auto t0 = Clock::now();
        const auto end = t0 + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(o.seconds));
        auto refill = [&] {
            while (loop.live() < o.concurrency && Clock::now() < end)
                if (!loop.open()) break;
        };
        refill();
        loop.run(end + std::chrono::seconds(10), refill);
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        const auto& s = loop.stats;
        json << ", \"handshakes\": " << s.handshakes << ", \"resumed\": " << s.resumed
             << ", \"handshakes_per_second\": " << s.handshakes / secs
             << ", \"p50_ms\": " << percentile(s.latencies_ms, 0.5)
             << ", \"p99_ms\": " << percentile(s.latencies_ms, 0.99);
        if (o.mode != "full" && s.resumed != s.handshakes)
            loop.stats.fail(std::to_string(s.handshakes - s.resumed) + " handshakes not resumed");
    } else if (o.mode == "echo") {
        loop.chunk = 16 * 1024;
        loop.rounds = std::max<uint64_t>(1, o.bytes / loop.chunk);
        for (size_t i = 0; i < o.concurrency; ++i) loop.open();
        loop.run(Clock::now() + std::chrono::seconds(600));
        const double secs = std::chrono::duration<double>(Clock::now() - start).count();
        json << ", \"echoed_bytes\": " << loop.stats.echoed_bytes
             << ", \"mb_per_second\": " << loop.stats.echoed_bytes / secs / 1e6;
    } else if (o.mode == "idle") {
        const long rss_before = o.server_pid ? rss_kib(o.server_pid) : -1;
        loop.keep_idle = true;
        size_t opened = 0;
        auto refill = [&] {
            while (opened < o.connections && loop.busy_ < o.concurrency) {
                if (!loop.open()) break;
                ++opened;
            }
        };
        refill();
        loop.run(Clock::now() + std::chrono::seconds(300), refill);
        const size_t held = loop.live();
        // Hold them idle, then every one must still echo.
        const auto hold_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(o.hold));
        while (Clock::now() < hold_end) ::usleep(100'000);
        const long rss_held = o.server_pid ? rss_kib(o.server_pid) : -1;
        loop.keep_idle = false;
        for (auto& c : loop.conns())
            if (c->phase == Phase::idle) loop.wake(*c);
        loop.run(Clock::now() + std::chrono::seconds(300));
        json << ", \"connections\": " << held << ", \"echoes\": " << loop.stats.echoes
             << ", \"server_rss_before_kib\": " << rss_before
             << ", \"server_rss_held_kib\": " << rss_held << ", \"kib_per_connection\": "
             << (held && rss_before > 0 ? double(rss_held - rss_before) / double(held) : 0);
        if (held != o.connections)
            loop.stats.fail("held " + std::to_string(held) + " of " +
                            std::to_string(o.connections));
        if (loop.stats.echoes != 2 * held)
            loop.stats.fail(std::to_string(loop.stats.echoes) + " echoes for " +
                            std::to_string(held) + " connections (2 each)");
    } else {  // silent
        std::vector<int> silent;
        for (size_t i = 0; i < o.connections; ++i) {
            const int fd = connect_nonblocking(o);
            if (fd >= 0) silent.push_back(fd);
        }
        ::usleep(200'000);  // let them all be accepted
        const auto t0 = Clock::now();
        loop.open();
        loop.run(t0 + std::chrono::seconds(30));
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        json << ", \"silent_connections\": " << silent.size() << ", \"new_client_ms\": " << ms;
        if (loop.stats.echoes != 1) loop.stats.fail("the new client did not complete its echo");
        for (int fd : silent) ::close(fd);
    }
    const auto& s = loop.stats;
    json << ", \"failures\": " << s.failures << ", \"wrong_bytes\": " << s.wrong_bytes << "}";
    std::cout << json.str() << std::endl;
    if (!o.json.empty()) std::ofstream(o.json) << json.str() << "\n";
    for (const auto& e : s.errors) std::cerr << "loadgen: " << e << std::endl;
    return s.failures == 0 ? 0 : 1;
}
