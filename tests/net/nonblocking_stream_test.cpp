// tls12::net::NonblockingStream driven the way an event loop drives it: readiness from poll(),
// deadlines passed in as explicit time points (no test waits for a timeout to pass). Covers
// partial writes and EAGAIN (small socket buffers), backpressure, handshake and idle timeouts,
// close_notify, TCP EOF with and without it, and peer resets.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <tls12/net/nonblocking_stream.h>
#include <tls12/net/socket.h>
#include "support/engine_pair.h"

using namespace std::chrono_literals;
using tls12::net::CloseReason;
using tls12::net::NonblockingOptions;
using tls12::net::NonblockingStream;
using tls12::net::Socket;
using tls12::net::StreamEvents;

namespace {

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 13 + i / 251) & 0xff);
    return v;
}

void small_buffers(const Socket& s, int bytes) {
    ::setsockopt(s.fd(), SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
    ::setsockopt(s.fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

// One poll() round over the streams that are still open: each gets the readiness it asked for.
// Returns the union of the events.
StreamEvents poll_once(const std::vector<NonblockingStream*>& streams, int timeout_ms = 100) {
    std::vector<pollfd> fds;
    std::vector<NonblockingStream*> polled;
    for (auto* s : streams) {
        if (s->closed()) continue;
        short events = 0;
        if (s->wants_read()) events |= POLLIN;
        if (s->wants_write()) events |= POLLOUT;
        fds.push_back({s->fd(), events, 0});
        polled.push_back(s);
    }
    if (fds.empty()) return StreamEvents::none;
    StreamEvents all = StreamEvents::none;
    if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return all;
    for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents & (POLLOUT | POLLERR)) all = all | polled[i]->on_writable();
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) all = all | polled[i]->on_readable();
    }
    return all;
}

// Polls until done() or 2,000 rounds (a generous bound: each round waits at most 100 ms only when
// nothing is ready).
bool drive(const std::vector<NonblockingStream*>& streams, const std::function<bool()>& done) {
    for (int round = 0; round < 2000; ++round) {
        if (done()) return true;
        poll_once(streams);
    }
    return done();
}

struct StreamPair {
    NonblockingStream client;
    NonblockingStream server;
};

StreamPair connected_pair(NonblockingOptions options = {}, int buffer_bytes = 0) {
    auto [a, b] = Socket::pair();
    if (buffer_bytes > 0) {
        small_buffers(a, buffer_bytes);
        small_buffers(b, buffer_bytes);
    }
    return {NonblockingStream(std::move(a),
                              tls12::Connection::client(tls12_test::client_config(), "localhost"),
                              options),
            NonblockingStream(std::move(b), tls12::Connection::server(tls12_test::server_config()),
                              options)};
}

void handshake(StreamPair& p) {
    ASSERT_TRUE(
        drive({&p.client, &p.server},
              [&] { return p.client.is_handshake_complete() && p.server.is_handshake_complete(); }))
        << (p.client.error() ? p.client.error()->message() : "")
        << (p.server.error() ? p.server.error()->message() : "");
}

std::vector<uint8_t> take_all(NonblockingStream& s) {
    const auto data = s.received_data();
    std::vector<uint8_t> out(data.begin(), data.end());
    s.consume_received(data.size());
    return out;
}

TEST(NonblockingStream, HandshakesAndEchoesWithEvents) {
    auto p = connected_pair();
    EXPECT_TRUE(p.client.wants_write()) << "the ClientHello waits for the first on_writable()";
    EXPECT_FALSE(p.server.wants_write());
    EXPECT_TRUE(p.server.wants_read());
    ASSERT_TRUE(drive({&p.client, &p.server}, [&] {
        return p.client.is_handshake_complete() && p.server.is_handshake_complete();
    }));
    EXPECT_EQ(p.server.negotiated().server_name, "localhost");

    const auto message = pattern(5000);
    ASSERT_TRUE(p.client.write(message).ok());
    std::vector<uint8_t> got;
    ASSERT_TRUE(drive({&p.client, &p.server}, [&] {
        auto part = take_all(p.server);
        got.insert(got.end(), part.begin(), part.end());
        return got.size() >= message.size();
    }));
    EXPECT_EQ(got, message);
    EXPECT_FALSE(p.client.closed());
    EXPECT_FALSE(p.server.closed());
}

TEST(NonblockingStream, ReportsHandshakeCompleteAndDataOnce) {
    auto p = connected_pair();
    int handshakes = 0;
    for (int round = 0;
         round < 200 && !(p.server.is_handshake_complete() && p.client.is_handshake_complete());
         ++round) {
        std::vector<NonblockingStream*> both{&p.client, &p.server};
        for (auto* s : both) {
            if (s->wants_write()) (void)s->on_writable();
            const auto events = s->on_readable();
            if (s == &p.server && has(events, StreamEvents::handshake_complete)) ++handshakes;
        }
    }
    EXPECT_EQ(handshakes, 1);
    ASSERT_TRUE(p.client.write(std::string_view("ping")).ok());
    StreamEvents events = StreamEvents::none;
    for (int round = 0; round < 200 && !has(events, StreamEvents::data); ++round) {
        (void)p.client.on_writable();
        events = p.server.on_readable();
    }
    EXPECT_TRUE(has(events, StreamEvents::data));
    EXPECT_EQ(p.server.available(), 4u);
}

// Socket buffers of a few KiB: a 1 MiB write cannot go out at once. The stream keeps what the
// socket refused (EAGAIN), asks for writability, stops reading past max_pending_output
// (backpressure) and reports drained once the peer took enough; every byte arrives in order.
TEST(NonblockingStream, PartialWritesEagainAndBackpressure) {
    NonblockingOptions options;
    options.max_pending_output = 64 * 1024;
    auto p = connected_pair(options, 4096);
    handshake(p);

    const auto big = pattern(1 << 20);
    ASSERT_TRUE(p.server.write(big).ok());
    EXPECT_TRUE(p.server.wants_write()) << "the socket took all of 1 MiB at once";
    EXPECT_GT(p.server.pending_output(), options.max_pending_output);
    EXPECT_FALSE(p.server.can_write());
    EXPECT_FALSE(p.server.wants_read()) << "reading goes on while the peer does not drain";
    EXPECT_GT(p.server.bytes_sent(), 0u) << "a partial write should have gone out";

    std::vector<uint8_t> got;
    bool drained = false;
    ASSERT_TRUE(drive({&p.client, &p.server}, [&] {
        auto part = take_all(p.client);
        got.insert(got.end(), part.begin(), part.end());
        if (!drained && p.server.can_write()) {
            drained = true;
            EXPECT_TRUE(p.server.wants_read()) << "reading resumes under the mark";
        }
        return got.size() >= big.size();
    }));
    EXPECT_TRUE(drained);
    EXPECT_EQ(got, big);
    EXPECT_FALSE(p.server.wants_write());
}

TEST(NonblockingStream, DrainedEventFollowsBackpressure) {
    NonblockingOptions options;
    options.max_pending_output = 16 * 1024;
    auto p = connected_pair(options, 4096);
    handshake(p);
    ASSERT_TRUE(p.server.write(pattern(256 * 1024)).ok());
    ASSERT_FALSE(p.server.can_write());
    bool drained = false;
    for (int round = 0; round < 5000 && !drained; ++round) {
        (void)p.client.on_readable();
        p.client.consume_received(p.client.available());
        drained = has(p.server.on_writable(), StreamEvents::drained);
    }
    EXPECT_TRUE(drained);
    EXPECT_TRUE(p.server.can_write());
}

// Unread input is bounded too: a peer whose data the application does not read stops being read.
TEST(NonblockingStream, UnreadInputStopsReading) {
    NonblockingOptions options;
    options.max_unread_input = 8 * 1024;
    auto p = connected_pair(options);
    handshake(p);
    ASSERT_TRUE(p.client.write(pattern(64 * 1024)).ok());
    ASSERT_TRUE(drive({&p.client, &p.server}, [&] { return !p.server.wants_read(); }));
    EXPECT_GT(p.server.available(), options.max_unread_input);
    EXPECT_LT(p.server.available(), 64u * 1024);
    take_all(p.server);
    EXPECT_TRUE(p.server.wants_read());
}

TEST(NonblockingStream, HandshakeTimeoutUsesTheDeadline) {
    NonblockingOptions options;
    options.handshake_timeout = 2000ms;
    auto [a, b] = Socket::pair();
    const auto start = NonblockingStream::Clock::now();
    NonblockingStream server(std::move(b), tls12::Connection::server(tls12_test::server_config()),
                             options, start);
    ASSERT_TRUE(server.deadline().has_value());
    EXPECT_EQ(*server.deadline(), start + 2000ms);
    EXPECT_EQ(server.on_deadline(start + 1999ms), StreamEvents::none);
    EXPECT_FALSE(server.closed());
    EXPECT_TRUE(has(server.on_deadline(start + 2000ms), StreamEvents::closed));
    EXPECT_EQ(server.close_reason(), CloseReason::handshake_timeout);
    EXPECT_FALSE(server.wants_read());
    EXPECT_FALSE(server.deadline().has_value());
}

TEST(NonblockingStream, IdleTimeoutSendsCloseNotify) {
    NonblockingOptions options;
    options.idle_timeout = 60'000ms;
    options.shrink_when_idle = false;  // its release would be the first deadline
    auto p = connected_pair(options);
    handshake(p);
    ASSERT_TRUE(p.server.deadline().has_value());
    const auto due = *p.server.deadline();
    EXPECT_EQ(p.server.on_deadline(due - 1ms), StreamEvents::none);
    EXPECT_TRUE(has(p.server.on_deadline(due), StreamEvents::closed));
    EXPECT_EQ(p.server.close_reason(), CloseReason::idle_timeout);
    // The client sees a clean end of stream, not a truncation.
    ASSERT_TRUE(drive({&p.client}, [&] { return p.client.closed(); }));
    EXPECT_TRUE(p.client.peer_closed());
    EXPECT_EQ(p.client.close_reason(), CloseReason::clean);
}

// A quiet stream's buffers go at last activity + shrink_delay, a deadline of its own.
TEST(NonblockingStream, QuietStreamReleasesItsBuffersAtItsDeadline) {
    NonblockingOptions options;
    options.shrink_delay = 100ms;
    auto p = connected_pair(options);
    handshake(p);
    ASSERT_TRUE(p.server.write(std::string_view("x")).ok());
    ASSERT_TRUE(p.server.deadline().has_value()) << "no release scheduled for a quiet stream";
    const auto release = *p.server.deadline();
    EXPECT_EQ(p.server.on_deadline(release), StreamEvents::none);
    EXPECT_FALSE(p.server.closed());
    EXPECT_FALSE(p.server.deadline().has_value()) << "released: nothing left to wait for";
    ASSERT_TRUE(p.server.write(std::string_view("still works")).ok());
}

TEST(NonblockingStream, ActivityMovesTheIdleDeadline) {
    NonblockingOptions options;
    options.idle_timeout = 60'000ms;
    options.shrink_when_idle = false;
    auto p = connected_pair(options);
    handshake(p);
    const auto before = *p.server.deadline();
    ASSERT_TRUE(p.client.write(std::string_view("x")).ok());
    const auto later = NonblockingStream::Clock::now() + 10ms;
    for (int i = 0; i < 200 && p.server.available() == 0; ++i) {
        (void)p.client.on_writable();
        (void)p.server.on_readable(later);
    }
    ASSERT_EQ(p.server.available(), 1u);
    EXPECT_GT(*p.server.deadline(), before);
}

TEST(NonblockingStream, CloseExchangesCloseNotify) {
    auto p = connected_pair();
    handshake(p);
    (void)p.server.close();
    EXPECT_TRUE(p.server.closing());
    EXPECT_FALSE(p.server.closed()) << "the server waits for the client's answer";
    EXPECT_FALSE(p.server.write(std::string_view("late")).ok());
    ASSERT_TRUE(
        drive({&p.client, &p.server}, [&] { return p.client.closed() && p.server.closed(); }));
    EXPECT_EQ(p.client.close_reason(), CloseReason::clean);
    EXPECT_EQ(p.server.close_reason(), CloseReason::clean);
}

TEST(NonblockingStream, CloseTimeoutWhenThePeerNeverAnswers) {
    NonblockingOptions options;
    options.close_timeout = 500ms;
    auto p = connected_pair(options);
    handshake(p);
    const auto now = NonblockingStream::Clock::now();
    (void)p.server.close(now);
    ASSERT_EQ(p.server.deadline(), now + 500ms);
    EXPECT_TRUE(has(p.server.on_deadline(now + 500ms), StreamEvents::closed));
    EXPECT_EQ(p.server.close_reason(), CloseReason::close_timeout);
}

TEST(NonblockingStream, EofWithoutCloseNotifyIsATruncation) {
    auto p = connected_pair();
    handshake(p);
    ::shutdown(p.client.fd(), SHUT_WR);
    ASSERT_TRUE(drive({&p.server}, [&] { return p.server.closed(); }));
    EXPECT_EQ(p.server.close_reason(), CloseReason::truncated);
}

TEST(NonblockingStream, EofDuringTheHandshake) {
    auto [a, b] = Socket::pair();
    NonblockingStream server(std::move(b), tls12::Connection::server(tls12_test::server_config()));
    a.close();
    ASSERT_TRUE(drive({&server}, [&] { return server.closed(); }));
    EXPECT_EQ(server.close_reason(), CloseReason::eof_in_handshake);
}

TEST(NonblockingStream, GarbageFailsWithTheAlert) {
    auto [a, b] = Socket::pair();
    NonblockingStream server(std::move(b), tls12::Connection::server(tls12_test::server_config()));
    const std::string junk = "GET / HTTP/1.1\r\n\r\n";
    a.send_all(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(junk.data()), junk.size()));
    ASSERT_TRUE(drive({&server}, [&] { return server.closed(); }));
    EXPECT_EQ(server.close_reason(), CloseReason::tls_error);
    ASSERT_TRUE(server.error() != nullptr);
    std::vector<uint8_t> alert(64);
    ASSERT_GE(a.recv(alert, 5s), 7u);
    EXPECT_EQ(alert[0], 21) << "a fatal alert record";
}

// A TCP peer that resets the connection (SO_LINGER 0): the next read or write fails with a reset.
TEST(NonblockingStream, PeerResetOverTcp) {
    tls12::net::Listener listener("127.0.0.1", 0);
    Socket client_socket = Socket::connect("127.0.0.1", listener.port(), 5s);
    Socket accepted = listener.accept(5s);
    StreamPair p{
        NonblockingStream(std::move(client_socket),
                          tls12::Connection::client(tls12_test::client_config(), "localhost")),
        NonblockingStream(std::move(accepted),
                          tls12::Connection::server(tls12_test::server_config()))};
    handshake(p);
    // Unread data in the client's receive queue makes close() send RST instead of FIN.
    ASSERT_TRUE(p.server.write(pattern(1000)).ok());
    ASSERT_TRUE(drive({&p.server}, [&] { return !p.server.wants_write(); }));
    linger hard{1, 0};
    ::setsockopt(p.client.fd(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    p.client = NonblockingStream(Socket::pair().first,
                                 tls12::Connection::client(tls12_test::client_config(), "x"));
    for (int i = 0; i < 200 && !p.server.closed(); ++i) {
        (void)p.server.write(pattern(100));
        poll_once({&p.server}, 20);
    }
    ASSERT_TRUE(p.server.closed());
    EXPECT_EQ(p.server.close_reason(), CloseReason::reset) << to_string(p.server.close_reason());
    EXPECT_FALSE(p.server.socket_error().empty());
}

TEST(NonblockingStream, AbortEndsAtOnce) {
    auto p = connected_pair();
    handshake(p);
    p.server.abort();
    EXPECT_TRUE(p.server.closed());
    EXPECT_EQ(p.server.close_reason(), CloseReason::aborted);
    EXPECT_EQ(p.server.on_readable(), StreamEvents::none);
    EXPECT_FALSE(p.server.wants_read());
    EXPECT_FALSE(p.server.wants_write());
}

}  // namespace
