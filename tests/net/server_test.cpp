// tls12::net::Server in this process: epoll loops on a loopback port, clients through the
// blocking net::Stream and raw sockets. Echo across loops, a thousand silent TCP connections that
// do not keep a real client out, backpressure against a peer that never reads, handshake
// timeouts, the connection cap, and a graceful stop that sends close_notify.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <tls12/net/server.h>
#include <tls12/net/stream.h>
#include "support/engine_pair.h"

using namespace std::chrono_literals;
using tls12::net::CloseReason;
using tls12::net::NonblockingStream;

namespace {

struct Echo : tls12::net::ConnectionHandler {
    void on_data(NonblockingStream& s) override {
        if (!s.peer_closed()) (void)s.write(s.received_data());
        s.consume_received(s.available());
    }
};

// What the handlers of one server saw, across loop threads.
struct Journal {
    std::mutex mutex;
    std::vector<CloseReason> closes;
    size_t max_pending = 0;
    std::atomic<size_t> refused{0};

    void closed(CloseReason reason) {
        std::lock_guard lock(mutex);
        closes.push_back(reason);
    }
    size_t count(CloseReason reason) {
        std::lock_guard lock(mutex);
        return static_cast<size_t>(std::count(closes.begin(), closes.end(), reason));
    }
};

struct JournalEcho : Echo {
    explicit JournalEcho(Journal& j) : journal(j) {}
    void on_data(NonblockingStream& s) override {
        Echo::on_data(s);
        std::lock_guard lock(journal.mutex);
        journal.max_pending = std::max(journal.max_pending, s.pending_output());
    }
    void on_close(NonblockingStream& s) override { journal.closed(s.close_reason()); }
    Journal& journal;
};

// A Server running in a thread of its own for the test's duration.
class RunningServer {
  public:
    explicit RunningServer(tls12::net::ServerOptions options, Journal* journal = nullptr,
                           std::shared_ptr<const tls12::ServerConfig> config = nullptr) {
        server_ = std::make_unique<tls12::net::Server>(
            "127.0.0.1", 0, config ? std::move(config) : tls12_test::server_config(),
            [journal](
                const tls12::net::Accepted&) -> std::unique_ptr<tls12::net::ConnectionHandler> {
                if (journal) return std::make_unique<JournalEcho>(*journal);
                return std::make_unique<Echo>();
            },
            std::move(options));
        thread_ = std::thread([this] { server_->run(); });
    }
    ~RunningServer() { stop(); }
    void stop() {
        server_->stop();
        if (thread_.joinable()) thread_.join();
    }
    tls12::net::Server& operator*() { return *server_; }
    tls12::net::Server* operator->() { return server_.get(); }

  private:
    std::unique_ptr<tls12::net::Server> server_;
    std::thread thread_;
};

tls12::net::StreamOptions quick() {
    tls12::net::StreamOptions o;
    o.connect_timeout = o.handshake_timeout = o.io_timeout = 10s;
    return o;
}

std::string echo_once(uint16_t port, const std::string& message) {
    auto stream = tls12::net::connect_tls("127.0.0.1", port, tls12_test::client_config(), quick(),
                                          "localhost");
    stream.write(message);
    std::string got;
    std::vector<uint8_t> buffer(4096);
    while (got.size() < message.size()) {
        const size_t n = stream.read(buffer);
        if (n == 0) break;
        got.append(reinterpret_cast<const char*>(buffer.data()), n);
    }
    stream.close();
    return got;
}

TEST(Server, EchoesOnSeveralLoops) {
    tls12::net::ServerOptions options;
    options.loops = 2;
    RunningServer server(options);
    std::vector<std::thread> clients;
    std::atomic<int> good{0};
    for (int t = 0; t < 8; ++t)
        clients.emplace_back([&, t] {
            for (int i = 0; i < 4; ++i) {
                const std::string message(1000 + 997 * t + i, static_cast<char>('a' + t));
                try {
                    if (echo_once(server->port(), message) == message) ++good;
                } catch (const std::exception& e) {
                    ADD_FAILURE() << e.what();
                }
            }
        });
    for (auto& c : clients) c.join();
    EXPECT_EQ(good.load(), 32);
}

// The scenario at test size: a thousand TCP connections that never send a byte hold no
// slot a real client needs; the new client completes its handshake and an echo.
TEST(Server, SilentConnectionsDoNotKeepAClientOut) {
    tls12::net::raise_open_file_limit();
    tls12::net::ServerOptions options;
    options.loops = 1;
    options.connection.handshake_timeout = 60'000ms;  // they stay for the whole test
    RunningServer server(options);
    std::vector<tls12::net::Socket> silent;
    for (int i = 0; i < 1000; ++i)
        silent.push_back(tls12::net::Socket::connect("127.0.0.1", server->port(), 10s));
    for (int i = 0; i < 500 && server->connections() < 1000; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(server->connections(), 1000u);
    EXPECT_EQ(echo_once(server->port(), "through the crowd"), "through the crowd");
}

// A peer that sends without ever reading its echo: the server stops reading it once its output
// backs up, so the peer's own sends stall (EAGAIN) long before it sent everything, and the server
// never holds much more than its mark.
TEST(Server, BackpressureStopsReadingAPeerThatDoesNotRead) {
    Journal journal;
    tls12::net::ServerOptions options;
    options.loops = 1;
    options.connection.max_pending_output = 64 * 1024;
    RunningServer server(options, &journal);

    auto stream = tls12::net::connect_tls("127.0.0.1", server->port(), tls12_test::client_config(),
                                          quick(), "localhost");
    tls12::net::Socket& socket = stream.socket();
    int small = 16 * 1024;
    ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    tls12::Connection& conn = stream.connection();
    const std::vector<uint8_t> chunk(16 * 1024, 'x');
    constexpr size_t kTotal = 64u << 20;
    size_t queued = 0;
    bool stalled = false;
    for (int round = 0; round < 20'000 && queued < kTotal && !stalled; ++round) {
        if (conn.pending_output().empty()) {
            ASSERT_TRUE(conn.send(chunk).ok());
            queued += chunk.size();
        }
        const auto out = conn.pending_output();
        const ssize_t n = ::send(socket.fd(), out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            conn.consume_output(static_cast<size_t>(n));
            continue;
        }
        ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
        // Blocked: give the server a generous while to drain us, if it were still reading.
        pollfd p{socket.fd(), POLLOUT, 0};
        stalled = ::poll(&p, 1, 2000) == 0;
    }
    EXPECT_TRUE(stalled) << "the server read " << queued << " bytes from a peer that never reads";
    EXPECT_LT(queued, kTotal);
    {
        std::lock_guard lock(journal.mutex);
        // The mark plus at most one read's worth of echo (a few records) beyond it.
        EXPECT_LT(journal.max_pending, options.connection.max_pending_output + 128 * 1024);
    }
}

TEST(Server, HandshakeTimeoutClosesSilentConnections) {
    Journal journal;
    tls12::net::ServerOptions options;
    options.loops = 1;
    options.connection.handshake_timeout = 200ms;
    RunningServer server(options, &journal);
    auto silent = tls12::net::Socket::connect("127.0.0.1", server->port(), 10s);
    std::vector<uint8_t> buffer(16);
    EXPECT_EQ(silent.recv(buffer, 30s), 0u) << "closed, without a byte";
    for (int i = 0; i < 500 && journal.count(CloseReason::handshake_timeout) == 0; ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(journal.count(CloseReason::handshake_timeout), 1u);
}

TEST(Server, RefusesOverTheCap) {
    std::atomic<size_t> refused{0};
    tls12::net::ServerOptions options;
    options.loops = 1;
    options.max_connections = 2;
    options.on_refused = [&](const tls12::net::Accepted& accepted, size_t open) {
        EXPECT_GT(accepted.id, 2u);
        EXPECT_EQ(open, 2u);
        ++refused;
    };
    RunningServer server(options);
    auto a = tls12::net::connect_tls("127.0.0.1", server->port(), tls12_test::client_config(),
                                     quick(), "localhost");
    auto b = tls12::net::connect_tls("127.0.0.1", server->port(), tls12_test::client_config(),
                                     quick(), "localhost");
    auto excess = tls12::net::Socket::connect("127.0.0.1", server->port(), 10s);
    std::vector<uint8_t> buffer(16);
    EXPECT_EQ(excess.recv(buffer, 30s), 0u);
    EXPECT_EQ(refused.load(), 1u);
    a.write("still served");
    std::vector<uint8_t> back(12);
    size_t got = 0;
    while (got < back.size()) got += a.read(std::span<uint8_t>(back).subspan(got));
    EXPECT_EQ(std::string(back.begin(), back.end()), "still served");
}

// stop(): every established client gets close_notify (a clean end of stream for it), and run()
// returns once they answered.
TEST(Server, StopSendsCloseNotifyToEveryClient) {
    Journal journal;
    tls12::net::ServerOptions options;
    options.loops = 2;
    options.shutdown_timeout = 30'000ms;
    auto server = std::make_unique<RunningServer>(options, &journal);
    std::vector<tls12::net::Stream> clients;
    for (int i = 0; i < 6; ++i) {
        clients.push_back(tls12::net::connect_tls(
            "127.0.0.1", (*server)->port(), tls12_test::client_config(), quick(), "localhost"));
        // An echo, so the server has read the client's Finished too: in TLS 1.3 the client is
        // done before the server is.
        clients.back().write(std::string_view("x"));
        std::vector<uint8_t> echoed(1);
        EXPECT_EQ(clients.back().read(echoed), 1u);
    }
    std::thread stopper([&] { server->stop(); });
    std::vector<uint8_t> buffer(16);
    for (auto& c : clients) {
        EXPECT_EQ(c.read(buffer), 0u) << "not a clean end of stream";
        EXPECT_TRUE(c.peer_closed());
        c.close();  // answers with close_notify: the server's wait ends
    }
    stopper.join();
    EXPECT_EQ(journal.count(CloseReason::clean), 6u);
}

TEST(Server, RaisesTheDescriptorLimit) {
    EXPECT_GE(tls12::net::raise_open_file_limit(), 1024u);
}

// TLS 1.3's close_notify closes one direction only (RFC 8446 6.1); a stream that ends with the
// peer's side sends its own, so the client sees a clean close, not a truncation.
TEST(Server, AnswersATls13CloseNotify) {
    Journal journal;
    RunningServer server(
        {}, &journal,
        tls12_test::server_config(tls12_test::ServerKey::rsa2048, [](tls12::ServerConfig& s) {
            s.max_version = tls12::ProtocolVersion::tls13;
        }));
    auto stream = tls12::net::connect_tls("127.0.0.1", server->port(),
                                          tls12_test::client_config([](tls12::ClientConfig& c) {
                                              c.max_version = tls12::ProtocolVersion::tls13;
                                          }),
                                          quick(), "localhost");
    EXPECT_EQ(stream.negotiated().version, tls12::ProtocolVersion::tls13);
    stream.write(std::string_view("ping"));
    std::vector<uint8_t> buffer(4);
    size_t got = 0;
    while (got < buffer.size()) {
        const size_t n = stream.read(std::span<uint8_t>(buffer).subspan(got));
        ASSERT_NE(n, 0u);
        got += n;
    }
    stream.close();
    std::vector<uint8_t> rest(16);
    EXPECT_EQ(stream.read(rest), 0u);  // the server's close_notify, not a truncation
    EXPECT_TRUE(stream.peer_closed());
    server.stop();
    EXPECT_EQ(journal.count(CloseReason::clean), 1u);
}

}  // namespace
