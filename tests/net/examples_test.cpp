// The example programs as a user runs them: echo_server, echo_client and https_get started as
// processes next to this test binary (build/examples/). Skipped when they were not built.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "net/socket.h"
#include "support/pki.h"
#include "support/process.h"

using namespace std::chrono_literals;
using tls12_test::Process;

namespace {

std::string example(const std::string& name) {
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path() / "examples" / name).string();
}

bool built(const std::vector<std::string>& names) {
    for (const auto& n : names)
        if (::access(example(n).c_str(), X_OK) != 0) return false;
    return true;
}

// A running echo_server and the port it reported.
struct EchoServer {
    Process process;
    uint16_t port = 0;

    static EchoServer start(std::vector<std::string> extra = {}) {
        const auto& pki = tls12_test::test_pki();
        std::vector<std::string> argv = {example("echo_server"), "--port", "0",           "--cert",
                                         pki.server_chain,       "--key",  pki.server_key};
        argv.insert(argv.end(), extra.begin(), extra.end());
        EchoServer s{Process::spawn(argv), 0};
        if (!s.process.wait_for_output("listening on", 10s))
            throw std::runtime_error("echo_server did not start: " + s.process.stderr_text());
        std::smatch m;
        const std::string out = s.process.stdout_text();
        if (!std::regex_search(out, m, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")))
            throw std::runtime_error("unexpected echo_server output: " + out);
        s.port = static_cast<uint16_t>(std::stoi(m[1]));
        return s;
    }
};

// Runs a client to completion with `input` on stdin.
struct RunResult {
    int code;
    std::string out, err;
};
RunResult run(const std::vector<std::string>& argv, const std::string& input = "") {
    Process p = Process::spawn(argv);
    p.write_stdin(input);
    p.close_stdin();
    auto code = p.wait(30s);
    if (!code) code = p.stop();
    return {*code, p.stdout_text(), p.stderr_text()};
}

std::vector<std::string> client_args(uint16_t port) {
    return {example("echo_client"),
            "--host",
            "localhost",
            "--port",
            std::to_string(port),
            "--ca",
            tls12_test::test_pki().ca_cert};
}

}  // namespace

class Examples : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!built({"echo_server", "echo_client", "https_get"}))
            FAIL() << "example programs not built next to " << example("")
                   << " (configure with TLS12_BUILD_EXAMPLES=ON)";
    }
};

TEST_F(Examples, EchoClientRoundTripsStdinAndReportsParameters) {
    auto server = EchoServer::start();
    std::string input;
    for (int i = 0; input.size() < 300'000; ++i) input += "line " + std::to_string(i) + "\n";
    const RunResult r = run(client_args(server.port), input);
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out == input) << "echo differs (" << r.out.size() << " of " << input.size()
                                << " bytes)";
    for (const char* field :
         {"protocol: TLS 1.2", "cipher suite: ", "group: ", "signature scheme: ",
          "extended master secret: ", "server name: localhost"})
        EXPECT_NE(r.err.find(field), std::string::npos) << field << "\n" << r.err;

    EXPECT_EQ(server.process.stop(), 0);
    EXPECT_NE(server.process.stderr_text().find("clean close, " + std::to_string(input.size()) +
                                                " bytes echoed"),
              std::string::npos)
        << server.process.stderr_text();
}

TEST_F(Examples, EchoClientFailsWithTheVerificationReason) {
    auto server = EchoServer::start();
    auto args = client_args(server.port);
    args.back() = tls12_test::test_pki().self_signed_cert;  // trusts something else
    const RunResult r = run(args, "x");
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("alert unknown_ca"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(Examples, UnknownSuiteNamesListTheValidOnes) {
    const RunResult r = run({example("echo_client"), "--port", "1", "--insecure", "--suites",
                             "ECDHE-RSA-AES128-GCM-SHA256,NOT-A-SUITE"});
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("unknown cipher suite 'NOT-A-SUITE'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), std::string::npos) << r.err;
}

TEST_F(Examples, SuitesFlagPicksTheSuite) {
    auto server = EchoServer::start({"--suites", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"});
    const RunResult r = run(client_args(server.port), "chacha\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "chacha\n");
    EXPECT_NE(r.err.find("ECDHE-RSA-CHACHA20-POLY1305"), std::string::npos) << r.err;
}

TEST_F(Examples, ServerSurvivesMisbehavingClientsAndLogsThem) {
    auto server = EchoServer::start();
    {  // garbage instead of a ClientHello
        auto s = net::Socket::connect("127.0.0.1", server.port, 2s);
        const std::string junk = "GET / HTTP/1.0\r\n\r\n";
        s.send_all(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(junk.data()), junk.size()),
            2s);
        std::vector<uint8_t> buf(256);
        s.recv(buf, 5s);  // the fatal alert
    }
    {  // connects and hangs up at once
        auto s = net::Socket::connect("127.0.0.1", server.port, 2s);
    }
    const RunResult r = run(client_args(server.port), "still alive\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "still alive\n");
    EXPECT_EQ(server.process.stop(), 0);
    const std::string log = server.process.stderr_text();
    EXPECT_NE(log.find("[1] 127.0.0.1:"), std::string::npos) << log;
    EXPECT_NE(log.find("handshake failed: alert"), std::string::npos) << log;
    EXPECT_NE(log.find("[3] 127.0.0.1:"), std::string::npos) << log;
    EXPECT_NE(log.find("stopped"), std::string::npos) << log;
}

TEST_F(Examples, SigintStopsTheServerWithOpenConnections) {
    auto server = EchoServer::start();
    // An idle client that never finishes its handshake.
    auto idle = net::Socket::connect("127.0.0.1", server.port, 2s);
    std::this_thread::sleep_for(100ms);
    server.process.signal(SIGINT);
    EXPECT_EQ(server.process.wait(10s), 0) << server.process.stderr_text();
    EXPECT_NE(server.process.stderr_text().find("received SIGINT"), std::string::npos);
}

TEST_F(Examples, HttpsGetFetchesTheHttpPage) {
    auto server = EchoServer::start({"--http"});
    const RunResult r = run({example("https_get"), "-v",
                             "https://localhost:" + std::to_string(server.port) + "/hello?x=<b>",
                             "--ca", tls12_test::test_pki().ca_cert});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("<td>TLS 1.2</td>"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("GET /hello?x=&lt;b&gt; HTTP/1.1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("<td>localhost</td>"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("< HTTP/1.0 200 OK"), std::string::npos) << r.err;

    const RunResult bad = run({example("https_get"), "http://localhost/"});
    EXPECT_NE(bad.code, 0);
    EXPECT_NE(bad.err.find("only https://"), std::string::npos) << bad.err;
}

TEST_F(Examples, OpensslSClientTalksToEchoServer) {
    ASSERT_TRUE(tls12_test::have_program("openssl")) << "no openssl CLI (scripts/test installs it)";
    auto server = EchoServer::start();
    Process client = Process::spawn({"openssl", "s_client", "-connect",
                                     "127.0.0.1:" + std::to_string(server.port), "-tls1_2",
                                     "-CAfile", tls12_test::test_pki().ca_cert, "-servername",
                                     "localhost", "-verify_return_error"});
    client.write_stdin("hello openssl\n");
    EXPECT_TRUE(client.wait_for_output("hello openssl", 10s)) << client.stdout_text();
    client.close_stdin();
    EXPECT_EQ(client.wait(10s), 0) << client.stderr_text();
    EXPECT_NE(client.stdout_text().find("Protocol  : TLSv1.2"), std::string::npos);
    EXPECT_EQ(server.process.stop(), 0);
    EXPECT_NE(server.process.stderr_text().find("clean close, 14 bytes echoed"), std::string::npos)
        << server.process.stderr_text();
}
