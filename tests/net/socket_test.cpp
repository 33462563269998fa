// Socket-level behaviour of net/: connect errors and timeouts, listeners on port 0, accept
// timeouts and interruption, partial writes of large buffers, EINTR storms, half-close.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <future>
#include <numeric>
#include <thread>
#include <vector>

#include <tls12/net/socket.h>
#include "support/process.h"

using namespace std::chrono_literals;

namespace {

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 131 + i / 251) & 0xff);
    return v;
}

// Reads exactly n bytes (or until EOF).
std::vector<uint8_t> read_n(tls12::net::Socket& s, size_t n) {
    std::vector<uint8_t> out(n);
    size_t got = 0;
    while (got < n) {
        size_t r = s.recv(std::span<uint8_t>(out).subspan(got), 10s);
        if (r == 0) break;
        got += r;
    }
    out.resize(got);
    return out;
}

// Echoes everything until EOF, then half-closes.
void echo_until_eof(tls12::net::Socket s) {
    std::vector<uint8_t> buf(7000);  // odd size: chunks never line up with the writer's
    for (;;) {
        size_t n = s.recv(buf, 10s);
        if (n == 0) break;
        s.send_all(std::span<const uint8_t>(buf.data(), n), 10s);
    }
    s.shutdown_write();
}

template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(Socket, ConnectToClosedPortSaysRefused) {
    const uint16_t port = tls12_test::free_port();
    try {
        tls12::net::Socket::connect("127.0.0.1", port, 2s);
        FAIL() << "connect to a closed port succeeded";
    } catch (const tls12::net::TimeoutError& e) {
        FAIL() << "expected refusal, got timeout: " << e.what();
    } catch (const tls12::net::Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << what;
        EXPECT_NE(what.find("refused"), std::string::npos) << what;
    }
}

TEST(Socket, ConnectTimesOutWhenNobodyAnswers) {
    // A listener with a full accept queue drops further SYNs: the connect hangs until its timeout.
    tls12::net::Listener full("127.0.0.1", 0, 0);
    std::vector<tls12::net::Socket> fillers;
    for (int i = 0; i < 4; ++i) {
        try {
            fillers.push_back(tls12::net::Socket::connect("127.0.0.1", full.port(), 200ms));
        } catch (const tls12::net::TimeoutError&) {
            break;  // the queue is full now
        }
    }
    const auto start = std::chrono::steady_clock::now();
    try {
        tls12::net::Socket::connect("127.0.0.1", full.port(), 300ms);
        FAIL() << "connect to a full backlog succeeded";
    } catch (const tls12::net::TimeoutError& e) {
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_GE(took, 250ms);
        EXPECT_LT(took, 5s);
        EXPECT_NE(std::string(e.what()).find("timed out after 300 ms"), std::string::npos)
            << e.what();
    }
}

TEST(Socket, UnresolvableHostSaysSo) {
    const std::string what =
        error_of([] { tls12::net::Socket::connect("no-such-host.invalid", 443, 2s); });
    EXPECT_NE(what.find("cannot resolve 'no-such-host.invalid'"), std::string::npos) << what;
}

TEST(Listener, PortZeroReportsTheRealPort) {
    tls12::net::Listener listener("127.0.0.1", 0);
    ASSERT_NE(listener.port(), 0);
    EXPECT_EQ(listener.address(), "127.0.0.1:" + std::to_string(listener.port()));

    tls12::net::Socket client = tls12::net::Socket::connect("127.0.0.1", listener.port(), 2s);
    client.set_nodelay();
    tls12::net::Socket server = listener.accept(2s);
    EXPECT_EQ(client.peer_address(), server.local_address());
    EXPECT_EQ(server.peer_address(), client.local_address());

    client.send_all(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("ping"), 4), 2s);
    auto got = read_n(server, 4);
    EXPECT_EQ(std::string(got.begin(), got.end()), "ping");
}

TEST(Listener, Ipv6Loopback) {
    std::unique_ptr<tls12::net::Listener> listener;
    try {
        listener = std::make_unique<tls12::net::Listener>("::1", 0);
    } catch (const tls12::net::Error& e) {
        FAIL() << "no IPv6 loopback here: " << e.what();
    }
    tls12::net::Socket client = tls12::net::Socket::connect("::1", listener->port(), 2s);
    tls12::net::Socket server = listener->accept(2s);
    EXPECT_EQ(server.local_address(), "[::1]:" + std::to_string(listener->port()));
}

TEST(Listener, BindingAPortInUseFailsClearly) {
    tls12::net::Listener first("127.0.0.1", 0);
    const std::string what =
        error_of([&] { tls12::net::Listener second("127.0.0.1", first.port()); });
    EXPECT_NE(what.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("in use"), std::string::npos) << what;
}

TEST(Listener, AcceptTimesOut) {
    tls12::net::Listener listener("127.0.0.1", 0);
    EXPECT_THROW(listener.accept(50ms), tls12::net::TimeoutError);
}

TEST(Listener, CloseInterruptsABlockedAccept) {
    tls12::net::Listener listener("127.0.0.1", 0);
    auto result = std::async(std::launch::async, [&] {
        try {
            listener.accept();
            return std::string("accepted");
        } catch (const tls12::net::ClosedError&) {
            return std::string("closed");
        } catch (const std::exception& e) {
            return std::string("other: ") + e.what();
        }
    });
    std::this_thread::sleep_for(50ms);
    listener.close();
    ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(result.get(), "closed");
    EXPECT_TRUE(listener.closed());
    EXPECT_THROW(listener.accept(10ms), tls12::net::ClosedError);
}

TEST(Socket, LargeBufferRoundTripsThroughPartialWrites) {
    auto [a, b] = tls12::net::Socket::pair();
    std::thread echo(echo_until_eof, std::move(b));
    const auto data = pattern(8 * 1024 * 1024 + 17);  // far more than the socket buffers hold
    // Send from one thread and read from another: neither side may wait for the other to finish.
    std::thread writer([&] {
        a.send_all(data, 20s);
        a.shutdown_write();
    });
    auto back = read_n(a, data.size() + 1);
    writer.join();
    echo.join();
    ASSERT_EQ(back.size(), data.size());
    EXPECT_TRUE(back == data);
}

TEST(Socket, LargeBufferWithoutTimeoutsUsesBlockingCalls) {
    auto [a, b] = tls12::net::Socket::pair();
    const auto data = pattern(3 * 1024 * 1024);
    std::thread writer([&, s = std::move(a)]() mutable {
        s.send_all(data);  // blocking send(), partial writes
    });
    std::vector<uint8_t> back(data.size());
    size_t got = 0;
    while (got < back.size()) {
        size_t n = b.recv(std::span<uint8_t>(back).subspan(got));
        ASSERT_GT(n, 0u);
        got += n;
    }
    writer.join();
    EXPECT_TRUE(back == data);
}

namespace {
std::atomic<int> signals_seen{0};
void count_signal(int) {
    signals_seen.fetch_add(1);
}
}  // namespace

TEST(Socket, SurvivesASignalStorm) {
    // A handler without SA_RESTART makes every blocking call return EINTR; nothing may break.
    struct sigaction sa {};
    sa.sa_handler = count_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    struct sigaction old {};
    ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);

    auto [a, b] = tls12::net::Socket::pair();
    const auto data = pattern(4 * 1024 * 1024);
    std::atomic<bool> done{false};
    std::vector<uint8_t> back;
    std::thread reader([&, s = std::move(b)]() mutable {
        std::vector<uint8_t> buf(3000);
        for (;;) {
            size_t n = s.recv(buf);  // blocking recv (no timeout)
            if (n == 0) break;
            back.insert(back.end(), buf.begin(), buf.begin() + static_cast<long>(n));
            if (back.size() % 7 == 0) std::this_thread::sleep_for(1ms);  // let the writer block
        }
    });
    std::thread writer([&, s = std::move(a)]() mutable {
        s.send_all(std::span<const uint8_t>(data).first(data.size() / 2));         // blocking
        s.send_all(std::span<const uint8_t>(data).subspan(data.size() / 2), 30s);  // poll path
        s.shutdown_write();
    });
    const pthread_t targets[2] = {reader.native_handle(), writer.native_handle()};
    std::thread storm([&] {
        while (!done.load()) {
            for (auto t : targets) pthread_kill(t, SIGUSR1);
            std::this_thread::sleep_for(200us);
        }
    });
    writer.join();
    reader.join();
    done.store(true);
    storm.join();
    sigaction(SIGUSR1, &old, nullptr);

    EXPECT_GT(signals_seen.load(), 0);
    ASSERT_EQ(back.size(), data.size());
    EXPECT_TRUE(back == data);
}

TEST(Socket, RecvTimesOut) {
    auto [a, b] = tls12::net::Socket::pair();
    std::vector<uint8_t> buf(16);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(a.recv(buf, 50ms), tls12::net::TimeoutError);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
    EXPECT_FALSE(a.wait_readable(10ms));
}

TEST(Socket, SendTimesOutWhenThePeerDoesNotRead) {
    auto [a, b] = tls12::net::Socket::pair();
    const auto data = pattern(16 * 1024 * 1024);
    try {
        a.send_all(data, 100ms);
        FAIL() << "16 MiB fit into an unread socket";
    } catch (const tls12::net::TimeoutError& e) {
        EXPECT_NE(std::string(e.what()).find("bytes sent"), std::string::npos) << e.what();
    }
}

TEST(Socket, HalfCloseGivesEofButKeepsTheOtherDirection) {
    auto [a, b] = tls12::net::Socket::pair();
    a.shutdown_write();
    std::vector<uint8_t> buf(16);
    EXPECT_EQ(b.recv(buf, 1s), 0u);
    b.send_all(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("late"), 4), 1s);
    EXPECT_EQ(a.recv(buf, 1s), 4u);
}

TEST(Socket, SendToAClosedPeerIsAnErrorNotSigpipe) {
    tls12::net::Listener listener("127.0.0.1", 0);
    tls12::net::Socket client = tls12::net::Socket::connect("127.0.0.1", listener.port(), 2s);
    listener.accept(2s).close();
    const auto data = pattern(1024 * 1024);
    // The first write may land before the RST comes back; keep writing until the error shows.
    std::string what;
    for (int i = 0; i < 50 && what.empty(); ++i) {
        try {
            client.send_all(data, 2s);
        } catch (const tls12::net::Error& e) {
            what = e.what();
        }
    }
    EXPECT_NE(what.find("send to"), std::string::npos) << what;
}

TEST(Socket, MoveTransfersOwnership) {
    auto [a, b] = tls12::net::Socket::pair();
    const int fd = a.fd();
    tls12::net::Socket moved(std::move(a));
    EXPECT_FALSE(a.valid());
    EXPECT_EQ(moved.fd(), fd);
    tls12::net::Socket assigned;
    assigned = std::move(moved);
    EXPECT_EQ(assigned.fd(), fd);
    assigned.close();
    EXPECT_FALSE(assigned.valid());
    EXPECT_THROW(assigned.recv(std::span<uint8_t>()), tls12::net::Error);
}
