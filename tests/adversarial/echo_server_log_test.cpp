// echo_server's log under hostile peers. Whatever a client sends (an HTTP request line full of
// terminal escape sequences, a server name that is not a DNS name), every line the server logs is
// printable ASCII: peer bytes are escaped by examples::printable(), the one helper every log line
// of the examples goes through, and server names that are not DNS names never get that far.
#include <gtest/gtest.h>

#include "../../examples/common.h"
#include "adversarial/echo_server_harness.h"

using namespace tls12_adversarial;

namespace {

TEST(EchoServerLog, PrintableEscapesAllButPrintableAscii) {
    EXPECT_EQ(examples::printable("GET /index.html?a=1&b=~{x} HTTP/1.1"),
              "GET /index.html?a=1&b=~{x} HTTP/1.1");
    EXPECT_EQ(examples::printable("\x1b]0;owned\x07\x1b[2J"), "\\x1b]0;owned\\x07\\x1b[2J");
    EXPECT_EQ(examples::printable("line\r\nfake log line\t"), "line\\x0d\\x0afake log line\\x09");
    EXPECT_EQ(examples::printable("caf\xc3\xa9 \x7f \x9b"), "caf\\xc3\\xa9 \\x7f \\x9b");
    // The backslash too, so an escaped byte and a literal "\x1b" cannot be told apart.
    EXPECT_EQ(examples::printable("C:\\x1b"), "C:\\x5cx1b");
    EXPECT_EQ(examples::printable(std::string("a\0b", 3)), "a\\x00b");
}

// Printable ASCII and the newlines that end lines, nothing else.
testing::AssertionResult only_printable_lines(const std::string& log) {
    for (size_t i = 0; i < log.size(); ++i) {
        const auto byte = static_cast<unsigned char>(log[i]);
        if (byte != '\n' && (byte < 0x20 || byte > 0x7e))
            return testing::AssertionFailure()
                   << "byte " << int(byte) << " at offset " << i << " of the log:\n"
                   << examples::printable(log);
    }
    return testing::AssertionSuccess();
}

TEST(EchoServerLog, RequestLineWithTerminalEscapesIsLoggedEscaped) {
    Server server = start_server({"--http"});
    {
        tls12::net::StreamOptions options;
        options.handshake_timeout = 10s;
        options.io_timeout = 10s;
        auto stream = tls12::net::connect_tls("127.0.0.1", server.port, tls12_test::client_config(),
                                              options, "localhost");
        stream.write("GET /\x1b]0;owned\x07\x1b[2J\x1b[31m HTTP/1.0\r\n\r\n");
        std::vector<uint8_t> buffer(4096);
        while (stream.read(buffer) != 0) {
        }
    }
    ASSERT_TRUE(server.process.wait_for_output("answered", 10s, true))
        << examples::printable(server.process.stderr_text());
    const std::string log = server.process.stderr_text();
    EXPECT_NE(log.find("GET /\\x1b]0;owned\\x07\\x1b[2J\\x1b[31m HTTP/1.0"), std::string::npos)
        << examples::printable(log);
    EXPECT_TRUE(only_printable_lines(log));
}

// A server name with an escape sequence (openssl s_client sends whatever -servername says) is
// refused with illegal_parameter (RFC 6066 3), and the log line says so in printable text.
TEST(EchoServerLog, ServerNameWithTerminalEscapesIsRefused) {
    ASSERT_TRUE(tls12_test::have_program("openssl"))
        << "'openssl' is not on PATH: scripts/test installs it";
    Server server = start_server({});
    tls12_test::SpawnOptions no_input;
    no_input.pipe_stdin = false;
    auto client = Process::spawn(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port), "-tls1_2",
         "-servername", "\x1b]0;owned\x07\x1b[2Jevil.example"},
        no_input);
    ASSERT_TRUE(client.wait(20s).has_value());
    EXPECT_NE(client.stderr_text().find("alert illegal parameter"), std::string::npos)
        << examples::printable(client.stdout_text() + client.stderr_text());
    ASSERT_TRUE(server.process.wait_for_output("handshake failed", 10s, true))
        << examples::printable(server.process.stderr_text());
    const std::string log = server.process.stderr_text();
    EXPECT_NE(log.find("illegal_parameter"), std::string::npos) << examples::printable(log);
    EXPECT_EQ(log.find("owned"), std::string::npos) << examples::printable(log);
    EXPECT_TRUE(only_printable_lines(log));
}

}  // namespace
