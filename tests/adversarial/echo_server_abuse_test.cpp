// Our echo_server under abuse over loopback: thousands of connections that send garbage, truncated
// or absurd hellos, stop half way through the handshake, or reset abruptly. Afterwards the server
// must still complete a normal handshake and echo, its memory must not have grown without bound,
// and no connection thread or descriptor may be left behind.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <random>

#include "adversarial/echo_server_harness.h"

using namespace tls12_adversarial;

namespace {

// ---- what the abusive clients send -----------------------------------------------------------

// Drives a client engine over a raw socket until the handshake completes (or fails).
bool engine_handshake(RawSocket& s, tls12::Connection& c, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    uint8_t buffer[16384];
    while (!c.is_handshake_complete() && !c.failed() && Clock::now() < deadline) {
        if (c.wants_write() && !s.send_all(c.take_output())) return false;
        pollfd p{s.fd(), POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        const auto n = ::recv(s.fd(), buffer, sizeof buffer, 0);
        if (n <= 0) return false;
        if (!c.feed(tls12::ByteView(buffer, static_cast<size_t>(n)))) break;
    }
    if (c.wants_write()) s.send_all(c.take_output());
    return c.is_handshake_complete();
}

bool is_alert_or_nothing(const std::vector<uint8_t>& got) {
    // Either the server closed silently or it sent (at most) fatal alert records.
    for (size_t i = 0; i < got.size();) {
        if (got.size() - i < 5 || got[i] != 21) return false;
        i += 5 + ((size_t{got[i + 3]} << 8) | got[i + 4]);
    }
    return true;
}

enum class Case {
    random_garbage,
    http_request,
    huge_record_length,
    sslv2_style_hello,
    truncated_hello_then_close,
    truncated_hello_then_silence,
    hello_with_absurd_handshake_length,
    hello_with_absurd_suites_length,
    hello_with_absurd_extensions_length,
    hello_then_silence,
    connect_then_silence,
    reset_after_connect,
    reset_mid_hello,
    reset_after_server_flight,
    handshake_then_garbage_record,
    handshake_then_reset,
    hello_in_one_byte_records,
    hello_twice,
    warning_alert_flood,
    empty_record_flood,
    count_
};

const char* case_name(Case c) {
    static const char* names[] = {"random_garbage",
                                  "http_request",
                                  "huge_record_length",
                                  "sslv2_style_hello",
                                  "truncated_hello_then_close",
                                  "truncated_hello_then_silence",
                                  "hello_with_absurd_handshake_length",
                                  "hello_with_absurd_suites_length",
                                  "hello_with_absurd_extensions_length",
                                  "hello_then_silence",
                                  "connect_then_silence",
                                  "reset_after_connect",
                                  "reset_mid_hello",
                                  "reset_after_server_flight",
                                  "handshake_then_garbage_record",
                                  "handshake_then_reset",
                                  "hello_in_one_byte_records",
                                  "hello_twice",
                                  "warning_alert_flood",
                                  "empty_record_flood"};
    return names[static_cast<int>(c)];
}

// Short, so that silent connections end quickly, but long enough for a full handshake on a loaded
// two-core machine (ctest -j runs other suites alongside).
constexpr auto kHandshakeTimeout = 1000ms;
// How long the server may take to drop a connection it gave up on.
constexpr auto kCloseBound = 5s;

// Runs one abusive connection; returns an empty string when the server behaved, else what went
// wrong.
std::string run_case(Case kind, uint16_t port, const std::vector<uint8_t>& hello,
                     std::mt19937& rng) {
    RawSocket s(port);
    std::vector<uint8_t> got;
    auto expect_closed_with_alert_at_most = [&]() -> std::string {
        const auto end = s.read_until_closed(kCloseBound, &got);
        if (end == RawSocket::End::timeout) return "server did not close the connection";
        if (!is_alert_or_nothing(got)) return "server sent something other than an alert";
        return {};
    };
    // The body of the ClientHello handshake message starts at 5 (record) + 4 (header).
    const size_t body = 9;
    switch (kind) {
        case Case::random_garbage: {
            std::vector<uint8_t> g(1 + rng() % 4096);
            for (auto& b : g) b = static_cast<uint8_t>(rng());
            if (g[0] == 22) g[0] = 0x99;  // keep it garbage from the first byte
            s.send_all(g);
            return expect_closed_with_alert_at_most();
        }
        case Case::http_request: {
            const std::string req = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
            s.send_all({req.begin(), req.end()});
            return expect_closed_with_alert_at_most();
        }
        case Case::huge_record_length: {
            s.send_all({22, 3, 3, 0xff, 0xff, 1, 0, 0});
            return expect_closed_with_alert_at_most();
        }
        case Case::sslv2_style_hello: {
            s.send_all({0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10});
            return expect_closed_with_alert_at_most();
        }
        case Case::truncated_hello_then_close: {
            std::vector<uint8_t> h(hello.begin(),
                                   hello.begin() + static_cast<ptrdiff_t>(rng() % hello.size()));
            s.send_all(h);
            ::shutdown(s.fd(), SHUT_WR);
            return expect_closed_with_alert_at_most();
        }
        case Case::truncated_hello_then_silence: {
            std::vector<uint8_t> h(hello.begin(),
                                   hello.begin() + static_cast<ptrdiff_t>(rng() % hello.size()));
            s.send_all(h);
            return expect_closed_with_alert_at_most();  // the handshake timeout ends it
        }
        case Case::hello_with_absurd_handshake_length: {
            auto h = hello;
            h[6] = 0xff, h[7] = 0xff, h[8] = 0xff;
            s.send_all(h);
            return expect_closed_with_alert_at_most();
        }
        case Case::hello_with_absurd_suites_length: {
            auto h = hello;
            const size_t suites = body + 2 + 32 + 1 + h[body + 34];
            h[suites] = 0xff, h[suites + 1] = 0xfe;
            s.send_all(h);
            return expect_closed_with_alert_at_most();
        }
        case Case::hello_with_absurd_extensions_length: {
            auto h = hello;
            size_t at = body + 2 + 32 + 1 + h[body + 34];
            at += 2 + ((size_t{h[at]} << 8) | h[at + 1]);
            at += 1 + h[at];
            h[at] = 0xff, h[at + 1] = 0xff;
            s.send_all(h);
            return expect_closed_with_alert_at_most();
        }
        case Case::hello_then_silence: {
            s.send_all(hello);
            s.read_until_closed(kCloseBound, &got);
            // The server's flight came, then the handshake timeout closed the connection.
            if (got.empty() || got[0] != 22) return "no server flight";
            return {};
        }
        case Case::connect_then_silence: {
            if (s.read_until_closed(kCloseBound) == RawSocket::End::timeout)
                return "server kept a silent connection past its handshake timeout";
            return {};
        }
        case Case::reset_after_connect:
            s.reset();
            return {};
        case Case::reset_mid_hello: {
            s.send_all(std::vector<uint8_t>(hello.begin(), hello.begin() + 20));
            s.reset();
            return {};
        }
        case Case::reset_after_server_flight: {
            s.send_all(hello);
            if (s.read_some(5, 2s).empty()) return "no server flight";
            s.reset();
            return {};
        }
        case Case::hello_in_one_byte_records: {
            // Legal fragmentation (RFC 5246 6.2.1): one handshake byte per record.
            std::vector<uint8_t> h;
            for (size_t i = 5; i < hello.size(); ++i) h.insert(h.end(), {22, 3, 1, 0, 1, hello[i]});
            s.send_all(h);
            const auto flight = s.read_some(5, kCloseBound);
            if (flight.empty() || flight[0] != 22) return "no ServerHello for a fragmented hello";
            return {};
        }
        case Case::hello_twice: {
            auto h = hello;
            h.insert(h.end(), hello.begin(), hello.end());
            s.send_all(h);
            s.read_until_closed(kCloseBound, &got);
            // The first flight, then a fatal alert for the unexpected second hello.
            const auto records = tls12_test::split_records(got);
            if (records.empty() || records.front().type != 22) return "no server flight";
            if (records.back().type != 21) return "no alert for the second ClientHello";
            return {};
        }
        case Case::warning_alert_flood:
        case Case::empty_record_flood: {
            std::vector<uint8_t> flood;
            for (int i = 0; i < 1000; ++i) {
                if (kind == Case::warning_alert_flood)
                    flood.insert(flood.end(), {21, 3, 3, 0, 2, 1, 90});  // user_canceled
                else
                    flood.insert(flood.end(), {22, 3, 3, 0, 0});
            }
            s.send_all(flood);
            return expect_closed_with_alert_at_most();
        }
        case Case::handshake_then_garbage_record:
        case Case::handshake_then_reset: {
            // TLS 1.2, whose fatal alert after the handshake is a record of type 21 (TLS 1.3 seals
            // it as application_data).
            auto c = tls12::Connection::client(tls12_test::client_config12(), "localhost");
            const auto started = Clock::now();
            if (!engine_handshake(s, c, 5s)) {
                const auto ms =
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)
                        .count();
                return "handshake failed after " + std::to_string(ms) +
                       " ms: " + (c.error() ? c.error()->reason : std::string("connection closed"));
            }
            if (kind == Case::handshake_then_reset) {
                (void)c.send(std::vector<uint8_t>(100, 'x'));
                s.send_all(c.take_output());
                s.reset();
                return {};
            }
            std::vector<uint8_t> g{23, 3, 3, 0, 40};
            for (int i = 0; i < 40; ++i) g.push_back(static_cast<uint8_t>(rng()));
            s.send_all(g);
            got.clear();
            if (s.read_until_closed(kCloseBound, &got) == RawSocket::End::timeout)
                return "server did not close after a forged record";
            // The server's fatal alert is sealed now: one record of type 21.
            if (got.empty() || got[0] != 21) return "no alert after a forged record";
            return {};
        }
        case Case::count_:
            break;
    }
    return "unknown case";
}

TEST(EchoServerAbuse, ThousandsOfHostileConnectionsThenStillServes) {
    std::vector<std::string> extra{"--handshake-timeout",
                                   std::to_string(kHandshakeTimeout.count())};
    auto server = start_server(extra);
    const auto hello = client_hello_bytes();

    // Warm up (threads, allocator arenas, session cache) before the baseline.
    expect_echo(server.port);
    {
        std::mt19937 rng(1);
        for (int i = 0; i < 64; ++i)
            run_case(static_cast<Case>(i % static_cast<int>(Case::count_)), server.port, hello,
                     rng);
    }
    std::this_thread::sleep_for(kHandshakeTimeout * 3);
    const pid_t pid = server.process.pid();
    const long rss_before = rss_kib(pid);
    const long threads_before = proc_status(pid, "Threads");
    const long fds_before = open_fds(pid);

    constexpr size_t kTotal = 2000;
    constexpr size_t kWorkers = 32;
    constexpr auto kBudget = 60s;
    const auto start = Clock::now();
    std::atomic<size_t> next{0}, done{0};
    std::mutex mutex;
    std::vector<std::string> failures;
    std::vector<size_t> per_case(static_cast<size_t>(Case::count_), 0);
    std::vector<std::thread> workers;
    for (size_t w = 0; w < kWorkers; ++w) {
        workers.emplace_back([&, w] {
            std::mt19937 rng(static_cast<unsigned>(1000 + w));
            for (size_t i; (i = next++) < kTotal;) {
                if (Clock::now() - start > kBudget) break;
                const auto kind = static_cast<Case>(i % static_cast<size_t>(Case::count_));
                std::string error;
                try {
                    error = run_case(kind, server.port, hello, rng);
                } catch (const std::exception& e) {
                    error = e.what();
                }
                std::lock_guard lock(mutex);
                ++per_case[static_cast<size_t>(kind)];
                ++done;
                if (!error.empty() && failures.size() < 20)
                    failures.push_back(std::string(case_name(kind)) + ": " + error);
            }
        });
    }
    for (auto& t : workers) t.join();
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);

    ASSERT_TRUE(server.process.running()) << "echo_server died: " << server.process.stderr_text();
    // Let the handshake timeouts of the last silent connections fire.
    std::this_thread::sleep_for(kHandshakeTimeout * 4);
    expect_echo(server.port);
    const long rss_after = rss_kib(pid);
    // Every connection has ended by now: its thread and descriptor must be gone.
    long threads_after = 0, fds_after = 0;
    for (int i = 0; i < 50; ++i) {
        threads_after = proc_status(pid, "Threads");
        fds_after = open_fds(pid);
        if (threads_after <= threads_before && fds_after <= fds_before) break;
        std::this_thread::sleep_for(100ms);
    }

    std::cout << "[adversarial] " << done.load() << " hostile connections in " << elapsed.count()
              << " ms over " << static_cast<int>(Case::count_) << " cases:";
    for (size_t c = 0; c < per_case.size(); ++c)
        std::cout << " " << case_name(static_cast<Case>(c)) << "=" << per_case[c];
    std::cout << "\n[adversarial] echo_server VmRSS " << rss_before << " KiB before, " << rss_after
              << " KiB after (" << (rss_after - rss_before) << " KiB growth); threads "
              << threads_before << " -> " << threads_after << ", descriptors " << fds_before
              << " -> " << fds_after << std::endl;

    EXPECT_EQ(done.load(), kTotal) << "the time budget ran out";
    EXPECT_TRUE(failures.empty()) << [&] {
        std::string all;
        for (auto& f : failures) all += f + "\n";
        return all;
    }();
    ASSERT_GT(rss_before, 0);
    EXPECT_LT(rss_after - rss_before, 50 * 1024) << "memory grew by more than 50 MB";
    EXPECT_LE(threads_after, threads_before) << "connection threads left behind";
    EXPECT_LE(fds_after, fds_before) << "descriptors leaked";
    EXPECT_TRUE(server.process.running());
}

}  // namespace
