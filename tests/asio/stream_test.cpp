// tls12::asio::Stream, the Asio adapter, over real sockets: C++20 coroutines (use_awaitable),
// callbacks, the synchronous API, asio::async_read/async_write on top, concurrent reader and
// writer, errors (alerts with their reason, truncation, wrong role), and interop with the
// library's blocking net::Stream.
#include <gtest/gtest.h>

#include <asio.hpp>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <tls12/asio/stream.h>
#include <tls12/net/stream.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>
#include "support/engine_pair.h"
#include "support/pki.h"

using namespace std::chrono_literals;
using asio::ip::tcp;
using TlsStream = tls12::asio::Stream<tcp::socket>;
using tls12::asio::handshake_type;

namespace {

std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 31 + i / 241) & 0xff);
    return v;
}

// A connected pair of TCP sockets on loopback, on one io_context.
std::pair<tcp::socket, tcp::socket> socket_pair(asio::io_context& io) {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    tcp::socket a(io), b(io);
    a.connect(acceptor.local_endpoint());
    acceptor.accept(b);
    return {std::move(a), std::move(b)};
}

TlsStream client_stream(tcp::socket s, std::shared_ptr<const tls12::ClientConfig> config =
                                           tls12_test::client_config()) {
    return TlsStream(std::move(s), tls12::Connection::client(std::move(config), "localhost"));
}
TlsStream server_stream(tcp::socket s) {
    return TlsStream(std::move(s), tls12::Connection::server(tls12_test::server_config()));
}

asio::awaitable<void> echo_server(TlsStream& tls) {
    co_await tls.async_handshake(handshake_type::server, asio::use_awaitable);
    std::vector<uint8_t> buffer(8192);
    for (;;) {
        std::error_code ec;
        const size_t n = co_await tls.async_read_some(
            asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::eof) break;  // close_notify
        if (ec) throw std::system_error(ec);
        co_await asio::async_write(tls, asio::buffer(buffer.data(), n), asio::use_awaitable);
    }
    co_await tls.async_shutdown(asio::use_awaitable);
}

TEST(AsioStream, CoroutinesHandshakeEchoAndShutdown) {
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    TlsStream client = client_stream(std::move(a));
    TlsStream server = server_stream(std::move(b));
    const auto message = pattern(300'000);
    std::vector<uint8_t> echoed(message.size());
    bool client_done = false, server_done = false, writer_done = false;
    asio::co_spawn(io, echo_server(server), [&](std::exception_ptr e) {
        EXPECT_FALSE(e);
        server_done = true;
    });
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            co_await client.async_handshake(handshake_type::client, asio::use_awaitable);
            EXPECT_EQ(client.connection().negotiated().server_name, "localhost");
            // Writer and reader at once, as full-duplex code does.
            asio::co_spawn(
                io,
                [&]() -> asio::awaitable<void> {
                    co_await asio::async_write(client, asio::buffer(message), asio::use_awaitable);
                },
                [&](std::exception_ptr e) {
                    EXPECT_FALSE(e);
                    writer_done = true;
                });
            co_await asio::async_read(client, asio::buffer(echoed), asio::use_awaitable);
            EXPECT_TRUE(writer_done) << "everything came back before it was all sent";
            co_await client.async_shutdown(asio::use_awaitable);
        },
        [&](std::exception_ptr e) {
            EXPECT_FALSE(e);
            client_done = true;
        });
    io.run_for(60s);
    EXPECT_TRUE(client_done);
    EXPECT_TRUE(server_done);
    EXPECT_EQ(echoed, message);
}

TEST(AsioStream, CallbacksAndAnAlertWithItsReason) {
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    // The client trusts nothing the server presents.
    const auto& pki = tls12_test::test_pki();
    auto untrusting = tls12_test::client_config([&](tls12::ClientConfig& c) {
        c.verifier =
            tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(pki.self_signed_cert));
    });
    TlsStream client = client_stream(std::move(a), untrusting);
    TlsStream server = server_stream(std::move(b));
    std::error_code client_ec, server_ec;
    client.async_handshake(handshake_type::client, [&](std::error_code ec) { client_ec = ec; });
    server.async_handshake(handshake_type::server, [&](std::error_code ec) { server_ec = ec; });
    io.run_for(30s);
    ASSERT_TRUE(client_ec);
    EXPECT_EQ(client_ec.category(), tls12::asio::alert_category());
    EXPECT_EQ(tls12::asio::alert_of(client_ec), tls12::AlertDescription::unknown_ca)
        << client_ec.message();
    ASSERT_TRUE(client.connection().error() != nullptr);
    EXPECT_FALSE(client.connection().error()->reason.empty());
    // The server got the client's fatal alert.
    ASSERT_TRUE(server_ec);
    EXPECT_EQ(server_ec.category(), tls12::asio::alert_category()) << server_ec.message();
}

TEST(AsioStream, WrongRoleIsRefused) {
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    TlsStream client = client_stream(std::move(a));
    std::error_code ec;
    client.async_handshake(handshake_type::server, [&](std::error_code e) { ec = e; });
    io.run_for(10s);
    EXPECT_EQ(ec, tls12::asio::error::wrong_role);
    std::error_code sync_ec;
    client.handshake(handshake_type::server, sync_ec);
    EXPECT_EQ(sync_ec, tls12::asio::error::wrong_role);
}

TEST(AsioStream, TcpCloseWithoutCloseNotifyIsATruncation) {
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    TlsStream client = client_stream(std::move(a));
    TlsStream server = server_stream(std::move(b));
    std::error_code read_ec;
    size_t got = 0;
    std::vector<uint8_t> buffer(64);
    server.async_handshake(handshake_type::server, [&](std::error_code ec) {
        ASSERT_FALSE(ec) << ec.message();
        server.async_read_some(asio::buffer(buffer), [&](std::error_code ec2, size_t n) {
            got = n;
            read_ec = ec2;
        });
    });
    client.async_handshake(handshake_type::client, [&](std::error_code ec) {
        ASSERT_FALSE(ec) << ec.message();
        client.next_layer().close();  // TCP FIN, no close_notify
    });
    io.run_for(30s);
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(read_ec, tls12::asio::error::stream_truncated) << read_ec.message();
}

// The synchronous API in two threads, and the adapter against the library's blocking Stream.
TEST(AsioStream, SynchronousApiAgainstTheBlockingStream) {
    tls12::net::TlsListener listener("127.0.0.1", 0, tls12_test::server_config());
    std::promise<std::string> served;
    std::thread server([&] {
        try {
            tls12::net::Stream s = listener.accept(10s);
            std::vector<uint8_t> buffer(64);
            const size_t n = s.read(buffer);
            s.write(std::span<const uint8_t>(buffer.data(), n));
            EXPECT_EQ(s.read(buffer), 0u);  // the adapter's close_notify
            s.close();
            served.set_value(std::string(buffer.begin(), buffer.begin() + static_cast<long>(n)));
        } catch (const std::exception& e) {
            served.set_value(std::string("error: ") + e.what());
        }
    });
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), listener.port()));
    TlsStream client = client_stream(std::move(socket));
    client.handshake(handshake_type::client);
    const std::string hello = "sync hello";
    EXPECT_EQ(client.write_some(asio::buffer(hello)), hello.size());
    std::string back(hello.size(), '\0');
    asio::read(client, asio::buffer(back));
    EXPECT_EQ(back, hello);
    client.shutdown();
    std::error_code ec;
    std::vector<uint8_t> rest(8);
    EXPECT_EQ(client.read_some(asio::buffer(rest), ec), 0u);
    EXPECT_EQ(ec, asio::error::eof);
    server.join();
    EXPECT_EQ(served.get_future().get(), hello);
}

// asio::async_read_until and use_future work as they do on asio::ssl::stream.
TEST(AsioStream, ComposesWithAsioAlgorithmsAndFutures) {
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    TlsStream client = client_stream(std::move(a));
    TlsStream server = server_stream(std::move(b));
    auto work = asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    auto server_handshake = server.async_handshake(handshake_type::server, asio::use_future);
    auto client_handshake = client.async_handshake(handshake_type::client, asio::use_future);
    server_handshake.get();
    client_handshake.get();
    const std::string two_lines = "line one\nline two\n";
    auto sent = asio::async_write(client, asio::buffer(two_lines), asio::use_future);
    std::string lines;
    const size_t n =
        asio::async_read_until(server, asio::dynamic_buffer(lines), '\n', asio::use_future).get();
    EXPECT_EQ(lines.substr(0, n), "line one\n");
    EXPECT_EQ(sent.get(), 18u);
    work.reset();
    asio::post(io, [&] {
        client.next_layer().close();
        server.next_layer().close();
    });
    runner.join();
}

}  // namespace
