// The echo_server's concurrent connection cap (--max-connections N): N connections are served; the
// next ones are accepted and closed at once (no handshake), the N being served are unaffected, and
// a slot frees up when one of them ends.
#include <gtest/gtest.h>

#include <iostream>

#include "adversarial/echo_server_harness.h"

using namespace tls12_adversarial;

namespace {

TEST(EchoServerCap, ExcessConnectionsAreRefusedCleanly) {
    ASSERT_TRUE(server_has_flag("--max-connections"))
        << "echo_server has no --max-connections flag yet";
    constexpr size_t kMax = 4;
    auto server =
        start_server({"--max-connections", std::to_string(kMax), "--handshake-timeout", "10000"});

    tls12::net::StreamOptions options;
    options.handshake_timeout = 10s;
    options.io_timeout = 10s;
    std::vector<tls12::net::Stream> held;
    for (size_t i = 0; i < kMax; ++i) {
        held.push_back(tls12::net::connect_tls("127.0.0.1", server.port,
                                               tls12_test::client_config(), options, "localhost"));
        ASSERT_TRUE(held.back().is_handshake_complete());
    }

    // Excess connections: TCP is accepted, then closed without a byte of TLS.
    size_t refused = 0;
    for (int i = 0; i < 10; ++i) {
        RawSocket s(server.port);
        s.send_all(client_hello_bytes());
        std::vector<uint8_t> got;
        const auto end = s.read_until_closed(5s, &got);
        EXPECT_NE(end, RawSocket::End::timeout) << "an excess connection was kept open";
        EXPECT_TRUE(got.empty()) << "an excess connection got " << got.size() << " bytes";
        if (end != RawSocket::End::timeout && got.empty()) ++refused;
    }
    EXPECT_TRUE(server.process.wait_for_output("refused: too many connections", 5s, true))
        << server.process.stderr_text();
    // Through the library: a clean error, not a hang.
    EXPECT_THROW(tls12::net::connect_tls("127.0.0.1", server.port, tls12_test::client_config(),
                                         options, "localhost"),
                 std::exception);

    // The connections being served still echo.
    for (auto& stream : held) {
        stream.write("ping");
        uint8_t buffer[4];
        size_t got = 0;
        while (got < 4) {
            const auto n = stream.read(std::span<uint8_t>(buffer + got, 4 - got));
            ASSERT_GT(n, 0u);
            got += n;
        }
        EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), 4), "ping");
    }

    // One ends: its slot is free again (after the server notices).
    held.back().close();
    held.pop_back();
    bool served = false;
    for (int attempt = 0; attempt < 50 && !served; ++attempt) {
        try {
            auto stream = tls12::net::connect_tls(
                "127.0.0.1", server.port, tls12_test::client_config(), options, "localhost");
            stream.write("x");
            uint8_t b;
            served = stream.read(std::span<uint8_t>(&b, 1)) == 1;
            held.push_back(std::move(stream));
        } catch (const std::exception&) {
            std::this_thread::sleep_for(100ms);
        }
    }
    EXPECT_TRUE(served) << "a freed slot was not reused";
    std::cout << "[adversarial] connection cap " << kMax << ": " << refused
              << " excess connections refused cleanly" << std::endl;
    EXPECT_TRUE(server.process.running());
}

}  // namespace
