// tls12::net::Stream end to end on loopback: a TlsListener served from a thread and connect_tls
// clients in the same process, certificates from the test PKI.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <tls12/net/stream.h>
#include "support/engine_pair.h"
#include "support/pki.h"
#include "support/process.h"

using namespace std::chrono_literals;

namespace {

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 7 + i / 253) & 0xff);
    return v;
}

std::string as_string(std::span<const uint8_t> b) {
    return std::string(b.begin(), b.end());
}

// Reads until n bytes arrived or the stream ended cleanly.
std::vector<uint8_t> read_n(tls12::net::Stream& s, size_t n) {
    std::vector<uint8_t> out(n);
    size_t got = 0;
    while (got < n) {
        const size_t r = s.read(std::span<uint8_t>(out).subspan(got));
        if (r == 0) break;
        got += r;
    }
    out.resize(got);
    return out;
}

tls12::net::StreamOptions quick_options() {
    tls12::net::StreamOptions o;
    o.connect_timeout = 5s;
    o.handshake_timeout = 10s;
    o.io_timeout = 10s;
    return o;
}

// A TlsListener on 127.0.0.1:0 whose next accepted stream is handed to `serve` in a thread.
class Server {
  public:
    explicit Server(std::function<void(tls12::net::Stream&)> serve,
                    std::shared_ptr<const tls12::ServerConfig> config = tls12_test::server_config(),
                    tls12::net::StreamOptions options = quick_options())
        : listener_("127.0.0.1", 0, std::move(config), options) {
        done_ = std::async(std::launch::async, [this, serve = std::move(serve)] {
            tls12::net::Stream s = listener_.accept(10s);
            serve(s);
        });
    }
    uint16_t port() const { return listener_.port(); }
    // Rethrows what the server thread threw.
    void join() {
        ASSERT_EQ(done_.wait_for(20s), std::future_status::ready);
        done_.get();
    }
    // The server thread's exception message ("" when it finished normally).
    std::string error() {
        if (done_.wait_for(20s) != std::future_status::ready) return "(server still running)";
        try {
            done_.get();
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    }

  private:
    tls12::net::TlsListener listener_;
    std::future<void> done_;
};

void echo(tls12::net::Stream& s) {
    std::vector<uint8_t> buf(16 * 1024);
    for (size_t n; (n = s.read(buf)) != 0;) s.write(std::span<const uint8_t>(buf.data(), n));
    s.close();
}

tls12::net::Stream connect(
    uint16_t port, std::shared_ptr<const tls12::ClientConfig> config = tls12_test::client_config(),
    tls12::net::StreamOptions options = quick_options()) {
    return tls12::net::connect_tls("127.0.0.1", port, std::move(config), options, "localhost");
}

}  // namespace

TEST(Stream, EchoRoundTripAndCleanClose) {
    Server server(echo);
    tls12::net::Stream client = connect(server.port());
    ASSERT_TRUE(client.is_handshake_complete());
    EXPECT_TRUE(client.negotiated().cipher_suite.has_value());
    EXPECT_EQ(client.negotiated().server_name, "localhost");
    EXPECT_FALSE(client.negotiated().peer_certificates.empty());

    client.write("hello, tls");
    EXPECT_EQ(as_string(read_n(client, 10)), "hello, tls");

    // Much more than one record and more than the socket buffers, in lock-step chunks.
    const auto data = pattern(1024 * 1024 + 3);
    for (size_t off = 0; off < data.size(); off += 100'000) {
        const auto part = std::span<const uint8_t>(data).subspan(off).first(
            std::min<size_t>(100'000, data.size() - off));
        client.write(part);
        auto back = read_n(client, part.size());
        ASSERT_TRUE(std::equal(back.begin(), back.end(), part.begin(), part.end()));
    }
    client.close();
    std::vector<uint8_t> rest(16);
    EXPECT_EQ(client.read(rest), 0u);  // the server's close_notify
    EXPECT_TRUE(client.peer_closed());
    server.join();
}

TEST(Stream, SecondConnectionToTheSameServerResumes) {
    // Sessions are cached per host:port, so one listener serves both connections.
    tls12::net::TlsListener listener("127.0.0.1", 0, tls12_test::server_config(), quick_options());
    auto served = std::async(std::launch::async, [&] {
        for (int i = 0; i < 2; ++i) {
            tls12::net::Stream s = listener.accept(10s);
            echo(s);
        }
    });
    auto client_config = tls12_test::client_config();
    for (bool expect_resumed : {false, true}) {
        tls12::net::Stream client = connect(listener.port(), client_config);
        EXPECT_EQ(client.negotiated().resumed, expect_resumed);
        client.write("again");
        EXPECT_EQ(as_string(read_n(client, 5)), "again");
        client.close();
    }
    ASSERT_EQ(served.wait_for(20s), std::future_status::ready);
    served.get();
}

TEST(Stream, ServerHandshakesOnFirstReadAndReportsParameters) {
    std::promise<tls12::NegotiatedParameters> seen;
    Server server([&](tls12::net::Stream& s) {
        EXPECT_FALSE(s.is_handshake_complete());
        EXPECT_EQ(as_string(read_n(s, 5)), "ping!");
        seen.set_value(s.negotiated());
        s.write("pong!");
        s.close();
    });
    tls12::net::Stream client = connect(server.port());
    client.write("ping!");
    EXPECT_EQ(as_string(read_n(client, 5)), "pong!");
    std::vector<uint8_t> rest(1);
    EXPECT_EQ(client.read(rest), 0u);
    server.join();
    const auto p = seen.get_future().get();
    EXPECT_EQ(p.server_name, "localhost");
    EXPECT_EQ(p.cipher_suite, client.negotiated().cipher_suite);
}

TEST(Stream, TcpCloseWithoutCloseNotifyIsTruncation) {
    Server server([](tls12::net::Stream& s) {
        s.handshake();
        s.write("partial");
        s.socket().shutdown_write();  // TCP FIN, no close_notify
    });
    tls12::net::Stream client = connect(server.port());
    EXPECT_EQ(as_string(read_n(client, 7)), "partial");
    std::vector<uint8_t> buf(16);
    try {
        client.read(buf);
        FAIL() << "read after a bare TCP close did not fail";
    } catch (const tls12::net::TruncationError& e) {
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
    server.join();
}

TEST(Stream, HandshakeTimesOutWhenTheServerIsSilent) {
    tls12::net::Listener silent("127.0.0.1", 0);
    auto options = quick_options();
    options.handshake_timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    try {
        connect(silent.port(), tls12_test::client_config(), options);
        FAIL() << "handshake with a silent server succeeded";
    } catch (const tls12::net::TimeoutError& e) {
        EXPECT_NE(std::string(e.what()).find("handshake timed out after 300 ms"), std::string::npos)
            << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(Stream, ServerHandshakeTimesOutWhenTheClientIsSilent) {
    auto options = quick_options();
    options.handshake_timeout = 300ms;
    tls12::net::TlsListener listener("127.0.0.1", 0, tls12_test::server_config(), options);
    tls12::net::Socket client = tls12::net::Socket::connect("127.0.0.1", listener.port(), 2s);
    tls12::net::Stream server = listener.accept(2s);
    EXPECT_THROW(server.handshake(), tls12::net::TimeoutError);
}

TEST(Stream, ReadTimesOutWhenThePeerSendsNothing) {
    std::promise<void> release;
    Server server([&](tls12::net::Stream& s) {
        s.handshake();
        release.get_future().wait_for(10s);
        s.close();
    });
    auto options = quick_options();
    options.io_timeout = 200ms;
    tls12::net::Stream client = connect(server.port(), tls12_test::client_config(), options);
    std::vector<uint8_t> buf(16);
    EXPECT_THROW(client.read(buf), tls12::net::TimeoutError);
    release.set_value();
    EXPECT_EQ(client.read(buf), 0u);  // the stream is still usable after a timeout
    server.join();
}

TEST(Stream, UntrustedServerFailsWithTheVerificationReason) {
    Server server([&](tls12::net::Stream& s) { s.handshake(); });
    // The test CA vouches for the server, but not under this name.
    try {
        tls12::net::connect_tls("127.0.0.1", server.port(), tls12_test::client_config(),
                                quick_options(), "wrong.example.com");
        FAIL() << "a certificate for the wrong name was accepted";
    } catch (const tls12::net::TlsError& e) {
        EXPECT_NE(e.alert(), tls12::AlertDescription::close_notify);
        EXPECT_FALSE(e.reason().empty());
        EXPECT_NE(std::string(e.what()).find("tls: "), std::string::npos);
        EXPECT_EQ(e.kind(), tls12::ErrorKind::sent_alert);  // we refused the certificate
    }
    // The server hears about it: the client's fatal alert was sent before the throw.
    const std::string err = server.error();
    EXPECT_NE(err.find("tls: "), std::string::npos) << err;
}

// TLS 1.2 suites that do not meet (TLS 1.3's would: every config has them).
TEST(Stream, NoCommonSuiteIsAHandshakeFailureOnBothSides) {
    auto server_cfg = tls12_test::server_config(tls12_test::ServerKey::rsa2048, [](auto& c) {
        c.cipher_suites = {tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384};
    });
    auto client_cfg = tls12_test::client_config12([](auto& c) {
        c.cipher_suites = {tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
    });
    Server server([](tls12::net::Stream& s) { s.handshake(); }, server_cfg);
    try {
        connect(server.port(), client_cfg);
        FAIL() << "handshake without a common suite succeeded";
    } catch (const tls12::net::TlsError& e) {
        EXPECT_EQ(e.alert(), tls12::AlertDescription::handshake_failure) << e.what();
        EXPECT_EQ(e.kind(), tls12::ErrorKind::received_alert);  // the server refused us
    }
    EXPECT_NE(server.error().find("handshake_failure"), std::string::npos);
}

TEST(Stream, NonTlsPeerIsATlsError) {
    tls12::net::Listener plain("127.0.0.1", 0);
    auto peer = std::async(std::launch::async, [&] {
        tls12::net::Socket s = plain.accept(5s);
        std::vector<uint8_t> buf(4096);
        s.recv(buf, 5s);
        const std::string reply = "HTTP/1.0 400 Bad Request\r\n\r\n";
        s.send_all(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(reply.data()), reply.size()),
            5s);
        s.shutdown_write();
        s.wait_readable(2s);
    });
    try {
        connect(plain.port());
        FAIL() << "an HTTP reply was taken for TLS";
    } catch (const tls12::net::TlsError& e) {
        EXPECT_NE(e.reason().find("the peer does not speak TLS"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("\"HTTP/"), std::string::npos) << e.reason();
    }
    peer.get();
}

TEST(Stream, ConnectToClosedPortIsASocketError) {
    const uint16_t port = tls12_test::free_port();
    try {
        connect(port);
        FAIL();
    } catch (const tls12::net::TlsError& e) {
        FAIL() << "a refused connection is not a TLS error: " << e.what();
    } catch (const tls12::net::Error& e) {
        EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
    }
}

TEST(Stream, WriteAfterCloseIsRefused) {
    Server server(echo);
    tls12::net::Stream client = connect(server.port());
    client.close();
    EXPECT_THROW(client.write("late"), tls12::net::Error);
    client.close();  // twice is fine
    std::vector<uint8_t> buf(4);
    EXPECT_EQ(client.read(buf), 0u);
    server.join();
}

// A peer that sends its last data and close_notify back to back: the engine answers the
// close_notify at once (RFC 5246 7.2.1), so a reply cannot be written, and the error says the
// peer closed (not TlsError, not a misuse of ours). The peer still gets our close_notify.
// Under TLS 1.3 (the default), where close_notify closes one direction only, and under TLS 1.2,
// where the engine answers it at once: either way the write is refused and the client sees the
// server's close_notify, not a truncation.
TEST(Stream, WriteAfterThePeerClosedSaysThePeerClosed) {
    for (const auto& config : {tls12_test::client_config(), tls12_test::client_config12()}) {
        SCOPED_TRACE(tls12::to_string(config->max_version));
        std::promise<std::string> outcome;
        Server server([&](tls12::net::Stream& s) {
            std::vector<uint8_t> buf(64);
            const size_t n = s.read(buf);
            EXPECT_EQ(as_string(std::span<const uint8_t>(buf.data(), n)), "bye");
            EXPECT_TRUE(s.peer_closed());
            try {
                s.write(std::span<const uint8_t>(buf.data(), n));
                outcome.set_value("write succeeded");
            } catch (const tls12::net::PeerClosedError& e) {
                outcome.set_value(e.what());
            } catch (const std::exception& e) {
                outcome.set_value(std::string("wrong exception: ") + e.what());
            }
        });
        tls12::net::Stream client = connect(server.port(), config);
        // Data and close_notify in one TCP send, so the server reads them together.
        tls12::Connection& conn = client.connection();
        ASSERT_TRUE(conn.send(std::vector<uint8_t>{'b', 'y', 'e'}));
        conn.close();
        client.socket().send_all(conn.pending_output(), 5s);
        conn.consume_output(conn.pending_output().size());

        auto result = outcome.get_future();
        ASSERT_EQ(result.wait_for(20s), std::future_status::ready);
        const std::string what = result.get();
        EXPECT_NE(what.find("closed the connection (close_notify)"), std::string::npos) << what;
        std::vector<uint8_t> rest(16);
        EXPECT_EQ(client.read(rest), 0u);  // the server's answering close_notify: a clean end
        server.join();
    }
}

TEST(TlsListener, CloseInterruptsAccept) {
    tls12::net::TlsListener listener("127.0.0.1", 0, tls12_test::server_config());
    auto waiting = std::async(std::launch::async, [&] { listener.accept(); });
    std::this_thread::sleep_for(50ms);
    listener.close();
    ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
    EXPECT_THROW(waiting.get(), tls12::net::ClosedError);
}

TEST(Stream, WorksOverIpv6) {
    std::unique_ptr<tls12::net::TlsListener> listener;
    try {
        listener = std::make_unique<tls12::net::TlsListener>("::1", 0, tls12_test::server_config(),
                                                             quick_options());
    } catch (const tls12::net::Error& e) {
        FAIL() << "no IPv6 loopback here: " << e.what();
    }
    auto served = std::async(std::launch::async, [&] {
        tls12::net::Stream s = listener->accept(10s);
        echo(s);
    });
    tls12::net::Stream client = tls12::net::connect_tls(
        "::1", listener->port(), tls12_test::client_config(), quick_options(), "localhost");
    EXPECT_EQ(client.peer_address(), "[::1]:" + std::to_string(listener->port()));
    client.write("six");
    EXPECT_EQ(as_string(read_n(client, 3)), "six");
    client.close();
    served.get();
}
