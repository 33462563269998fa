// The example programs against OpenSSL, as a user would run them:
//   echo_server (port 0, prints "listening on HOST:PORT") with openssl s_client streaming data
//   through it, then a clean SIGTERM shutdown;
//   echo_client piping a file through `openssl s_server -rev`.
// The binaries come from the build tree (TLS12_EXAMPLES_DIR, set by tests/CMakeLists.txt).
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "interop.h"
#include "support/pki.h"

#ifndef TLS12_EXAMPLES_DIR
#define TLS12_EXAMPLES_DIR ""
#endif

namespace interop {
namespace {

std::string example(const std::string& name) {
    return std::string(TLS12_EXAMPLES_DIR) + "/" + name;
}

#define INTEROP_REQUIRE_EXAMPLE(name)                                                      \
    ASSERT_FALSE(std::string(TLS12_EXAMPLES_DIR).empty())                                  \
        << "TLS12_EXAMPLES_DIR is not set: configure with TLS12_BUILD_EXAMPLES=ON";        \
    ASSERT_EQ(::access(example(name).c_str(), X_OK), 0)                                    \
        << example(name) << " is missing: build the examples (cmake --build ... --target " \
        << (name) << ")"

TEST(EchoServerExample, OpenSslClientStreamsThroughIt) {
    INTEROP_REQUIRE_TOOL("openssl");
    INTEROP_REQUIRE_EXAMPLE("echo_server");
    const auto& pki = tls12_test::test_pki();
    Process server = Process::spawn({example("echo_server"), "--port", "0", "--cert",
                                     pki.server_chain, "--key", pki.server_key});

    // "listening on 127.0.0.1:40123"
    const std::string marker = "listening on 127.0.0.1:";
    ASSERT_TRUE(server.wait_for_output(marker, 20s)) << peer_output(server);
    std::string out;
    for (int i = 0; i < 200; ++i) {
        out = server.stdout_text();
        if (out.find('\n', out.find(marker)) != std::string::npos) break;
        server.wait_for_output(marker + "\n", 10ms);
    }
    const size_t at = out.find(marker) + marker.size();
    const int port = std::atoi(out.c_str() + at);
    ASSERT_GT(port, 0) << peer_output(server);

    Process client = Process::spawn(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-tls1_2",
         "-servername", "localhost", "-CAfile", pki.ca_cert, "-verify_return_error",
         "-verify_hostname", "localhost", "-quiet", "-no_ign_eof", "-nocommands"});
    const std::string data = text_lines(256 * 1024, 100, 4242);
    const std::string back = pump_through(client, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n"
                              << peer_output(client) << "\n"
                              << peer_output(server);
    client.close_stdin();
    EXPECT_EQ(client.wait(15s), std::optional<int>(0)) << peer_output(client);

    // One log line per connection on stderr.
    EXPECT_TRUE(server.wait_for_output(
        "clean close, " + std::to_string(data.size()) + " bytes echoed", 15s, /*from_stderr=*/true))
        << peer_output(server);

    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(15s), std::optional<int>(0)) << peer_output(server);
    EXPECT_NE(server.stderr_text().find("stopped"), std::string::npos) << peer_output(server);
}

TEST(EchoClientExample, PipesAFileThroughOpenSslServer) {
    INTEROP_REQUIRE_TOOL("openssl");
    INTEROP_REQUIRE_TOOL("sh");
    INTEROP_REQUIRE_EXAMPLE("echo_client");
    const auto& pki = tls12_test::test_pki();
    OpenSslServer server = start_openssl_server(pki.server_cert, pki.server_key,
                                                pki.intermediate_cert, {"-rev", "-naccept", "1"});

    // s_server -rev answers whole lines only and echo_client waits for every chunk it sent to
    // come back, so each chunk must end on a line boundary: 64-byte lines in a regular file, read
    // in any power-of-two block size >= 64, always are.
    const std::string data = text_lines(256 * 1024, 64, 777);
    const std::string input = tls12_test::scratch_dir() + "/echo_client_input.txt";
    tls12_test::write_text_file(input, data);
    Process client =
        Process::spawn({"sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", input,
                        example("echo_client"), "--host", "127.0.0.1", "--servername", "localhost",
                        "--port", std::to_string(server.port), "--ca", pki.ca_cert});
    const auto code = client.wait(30s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client) << "\n"
                                           << peer_output(server.process);
    const std::string expected = reverse_lines(data);
    const std::string out = client.stdout_text();
    EXPECT_TRUE(out == expected) << describe_mismatch(expected, out);
    const std::string err = client.stderr_text();
    EXPECT_NE(err.find("echoed " + std::to_string(data.size()) + " bytes"), std::string::npos)
        << peer_output(client);
    // What was negotiated is reported too: TLS 1.2, all that `s_server -tls1_2` speaks.
    EXPECT_NE(err.find("protocol: TLS 1.2"), std::string::npos) << peer_output(client);
    EXPECT_TRUE(server.process.wait(15s).has_value()) << peer_output(server.process);
}

// TLS 1.3 without a version flag: echo_client (and with --tls13-only) through a default
// `openssl s_server`, and echo_server under a default `openssl s_client`; both report TLS 1.3.
TEST(EchoClientExample, Tls13ThroughOpenSslServer) {
    INTEROP_REQUIRE_TOOL("openssl");
    INTEROP_REQUIRE_TOOL("sh");
    INTEROP_REQUIRE_EXAMPLE("echo_client");
    const auto& pki = tls12_test::test_pki();
    OpenSslServer server =
        start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert,
                             {"-rev", "-naccept", "2"}, /*tls12_only=*/false);
    const std::string data = text_lines(16 * 1024, 64, 1313);
    const std::string input = tls12_test::scratch_dir() + "/echo_client_tls13_input.txt";
    tls12_test::write_text_file(input, data);
    for (const std::vector<std::string>& flags :
         {std::vector<std::string>{}, std::vector<std::string>{"--tls13-only"}}) {
        SCOPED_TRACE(flags.empty() ? "no version flag" : flags[0]);
        std::vector<std::string> argv = {
            "sh",        "-c",        "f=$1; shift; exec \"$@\" < \"$f\"",
            "sh",        input,       example("echo_client"),
            "--host",    "127.0.0.1", "--servername",
            "localhost", "--port",    std::to_string(server.port),
            "--ca",      pki.ca_cert};
        argv.insert(argv.end(), flags.begin(), flags.end());
        Process client = Process::spawn(argv);
        EXPECT_EQ(client.wait(30s), std::optional<int>(0)) << peer_output(client) << "\n"
                                                           << peer_output(server.process);
        EXPECT_TRUE(client.stdout_text() == reverse_lines(data)) << peer_output(client);
        EXPECT_NE(client.stderr_text().find("protocol: TLS 1.3"), std::string::npos)
            << peer_output(client);
    }
    EXPECT_TRUE(server.process.wait(15s).has_value()) << peer_output(server.process);
}

TEST(EchoServerExample, Tls13UnderOpenSslClient) {
    INTEROP_REQUIRE_TOOL("openssl");
    INTEROP_REQUIRE_EXAMPLE("echo_server");
    const auto& pki = tls12_test::test_pki();
    Process server = Process::spawn({example("echo_server"), "--port", "0", "--cert",
                                     pki.server_chain, "--key", pki.server_key});
    const std::string marker = "listening on 127.0.0.1:";
    ASSERT_TRUE(server.wait_for_output(marker, 20s)) << peer_output(server);
    std::string out;
    for (int i = 0; i < 200; ++i) {
        out = server.stdout_text();
        if (out.find('\n', out.find(marker)) != std::string::npos) break;
        server.wait_for_output(marker + "\n", 10ms);
    }
    const int port = std::atoi(out.c_str() + out.find(marker) + marker.size());
    ASSERT_GT(port, 0) << peer_output(server);

    Process client =
        Process::spawn({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
                        "-servername", "localhost", "-CAfile", pki.ca_cert, "-verify_return_error",
                        "-verify_hostname", "localhost", "-quiet", "-no_ign_eof", "-nocommands"});
    const std::string data = text_lines(16 * 1024, 100, 1314);
    const std::string back = pump_through(client, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n" << peer_output(server);
    client.close_stdin();
    EXPECT_EQ(client.wait(15s), std::optional<int>(0)) << peer_output(client);
    // The log line names the TLS 1.3 suite.
    EXPECT_TRUE(server.wait_for_output("TLS_AES_", 15s, /*from_stderr=*/true))
        << peer_output(server);
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait(15s), std::optional<int>(0)) << peer_output(server);
}

}  // namespace
}  // namespace interop
