// The example programs as a user runs them: echo_server, echo_client and https_get started as
// processes next to this test binary (build/examples/). Fails when they were not built.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include <tls12/net/socket.h>
#include <tls12/net/stream.h>
#include "support/engine_pair.h"
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
RunResult run(const std::vector<std::string>& argv, const std::string& input = "",
              std::vector<std::string> env = {}) {
    tls12_test::SpawnOptions options;
    options.env = std::move(env);
    Process p = Process::spawn(argv, options);
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

std::vector<std::string> with(std::vector<std::string> argv, const std::vector<std::string>& more) {
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
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

// With no version flag both examples speak TLS 1.3; --tls12-only on the client gets TLS 1.2 from
// the same server.
TEST_F(Examples, EchoClientRoundTripsStdinAndReportsParameters) {
    auto server = EchoServer::start();
    std::string input;
    for (int i = 0; input.size() < 300'000; ++i) input += "line " + std::to_string(i) + "\n";
    for (const auto& [flags, protocol] :
         {std::pair{std::vector<std::string>{}, "protocol: TLS 1.3"},
          std::pair{std::vector<std::string>{"--tls12-only"}, "protocol: TLS 1.2"}}) {
        const RunResult r = run(with(client_args(server.port), flags), input);
        EXPECT_EQ(r.code, 0) << r.err;
        EXPECT_TRUE(r.out == input)
            << "echo differs (" << r.out.size() << " of " << input.size() << " bytes)";
        for (const char* field : {protocol, "cipher suite: ", "group: ", "signature scheme: ",
                                  "extended master secret: ", "server name: localhost"})
            EXPECT_NE(r.err.find(field), std::string::npos) << field << "\n" << r.err;
    }

    EXPECT_EQ(server.process.stop(), 0);
    const std::string log = server.process.stderr_text();
    const std::string line = "clean close, " + std::to_string(input.size()) + " bytes echoed";
    EXPECT_NE(log.find(line), std::string::npos) << log;
    EXPECT_NE(log.find(line, log.find(line) + 1), std::string::npos) << "one per client\n" << log;
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

// --suites names suites of either version: the TLS 1.3 one is picked by default, the TLS 1.2 one
// with --tls12-only.
TEST_F(Examples, SuitesFlagPicksTheSuite) {
    auto server = EchoServer::start(
        {"--suites", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,TLS_CHACHA20_POLY1305_SHA256"});
    const RunResult r = run(client_args(server.port), "chacha\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "chacha\n");
    EXPECT_NE(r.err.find("cipher suite: TLS_CHACHA20_POLY1305_SHA256"), std::string::npos) << r.err;
    const RunResult r12 = run(with(client_args(server.port), {"--tls12-only"}), "chacha\n");
    EXPECT_EQ(r12.code, 0) << r12.err;
    EXPECT_EQ(r12.out, "chacha\n");
    EXPECT_NE(r12.err.find("ECDHE-RSA-CHACHA20-POLY1305"), std::string::npos) << r12.err;
}

TEST_F(Examples, ServerSurvivesMisbehavingClientsAndLogsThem) {
    auto server = EchoServer::start();
    {  // garbage instead of a ClientHello
        auto s = tls12::net::Socket::connect("127.0.0.1", server.port, 2s);
        const std::string junk = "GET / HTTP/1.0\r\n\r\n";
        s.send_all(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(junk.data()), junk.size()),
            2s);
        std::vector<uint8_t> buf(256);
        s.recv(buf, 5s);  // the fatal alert
    }
    {  // connects and hangs up at once
        auto s = tls12::net::Socket::connect("127.0.0.1", server.port, 2s);
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
    auto idle = tls12::net::Socket::connect("127.0.0.1", server.port, 2s);
    std::this_thread::sleep_for(100ms);
    server.process.signal(SIGINT);
    EXPECT_EQ(server.process.wait(10s), 0) << server.process.stderr_text();
    EXPECT_NE(server.process.stderr_text().find("received SIGINT"), std::string::npos);
}

// A client that sends its last bytes and close_notify back to back (many do on EOF): the data
// cannot be echoed any more (the close ends both directions), and the log calls it what it is,
// a clean close by the client, not a failure.
TEST_F(Examples, EchoServerLogsDataWithCloseNotifyAsACleanClose) {
    auto server = EchoServer::start();
    tls12::net::StreamOptions options;
    options.connect_timeout = options.handshake_timeout = options.io_timeout = 10s;
    tls12::net::Stream client = tls12::net::connect_tls(
        "127.0.0.1", server.port, tls12_test::client_config(), options, "localhost");
    tls12::Connection& conn = client.connection();
    ASSERT_TRUE(conn.send(std::vector<uint8_t>{'b', 'y', 'e'}));
    conn.close();
    client.socket().send_all(conn.pending_output(), 5s);
    conn.consume_output(conn.pending_output().size());
    std::vector<uint8_t> rest(16);
    EXPECT_EQ(client.read(rest), 0u);  // the server's close_notify, nothing echoed
    EXPECT_TRUE(server.process.wait_for_output("[1] ", 10s, /*from_stderr=*/true))
        << server.process.stderr_text();
    EXPECT_EQ(server.process.stop(), 0);
    const std::string log = server.process.stderr_text();
    EXPECT_NE(log.find("clean close, 0 bytes echoed (3 more arrived with the client's "
                       "close_notify, too late to echo)"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("internal_error"), std::string::npos) << log;
}

TEST_F(Examples, HttpsGetFetchesTheHttpPage) {
    auto server = EchoServer::start({"--http"});
    const RunResult r = run({example("https_get"), "-v",
                             "https://localhost:" + std::to_string(server.port) + "/hello?x=<b>",
                             "--ca", tls12_test::test_pki().ca_cert});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("<td>TLS 1.3</td>"), std::string::npos) << r.out;
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

namespace {

// The key log lines with this label (one per connection for CLIENT_RANDOM in TLS 1.2 and
// CLIENT_TRAFFIC_SECRET_0 in TLS 1.3).
std::vector<std::string> key_log_lines(const std::string& path, const std::string& label) {
    std::vector<std::string> lines;
    std::istringstream in(tls12_test::read_text_file(path));
    for (std::string line; std::getline(in, line);)
        if (line.rfind(label + " ", 0) == 0) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_F(Examples, AlpnFlagsNegotiateAndAreLogged) {
    auto server = EchoServer::start({"--alpn", "h2,http/1.1"});
    const RunResult r = run(with(client_args(server.port), {"--alpn", "http/1.1"}), "alpn\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "alpn\n");
    EXPECT_NE(r.err.find("alpn: http/1.1"), std::string::npos) << r.err;
    // No overlap: the server refuses with no_application_protocol.
    const RunResult bad = run(with(client_args(server.port), {"--alpn", "spdy/3"}), "x");
    EXPECT_NE(bad.code, 0);
    EXPECT_NE(bad.err.find("no_application_protocol"), std::string::npos) << bad.err;
    EXPECT_EQ(server.process.stop(), 0);
    const std::string log = server.process.stderr_text();
    EXPECT_NE(log.find("alpn=http/1.1 resumed=no"), std::string::npos) << log;
}

// TLS 1.3 by default (a CLIENT_TRAFFIC_SECRET_0 line per connection, a SHA-256 secret for the
// default TLS_AES_128_GCM_SHA256), and TLS 1.2's CLIENT_RANDOM line with --tls12-only.
TEST_F(Examples, KeylogFlagAndSslKeyLogFileWriteTheSameLine) {
    for (const auto& [flags, label, pattern] :
         {std::tuple{std::vector<std::string>{}, std::string("CLIENT_TRAFFIC_SECRET_0"),
                     "CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64}"},
          std::tuple{std::vector<std::string>{"--tls12-only"}, std::string("CLIENT_RANDOM"),
                     "CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}"}}) {
        SCOPED_TRACE(label);
        const std::string dir = tls12_test::scratch_dir() + "/" + label;
        std::filesystem::create_directories(dir);
        const std::string server_log = dir + "/server.keylog", client_log = dir + "/client.keylog",
                          env_log = dir + "/env.keylog";
        auto server = EchoServer::start(with({"--keylog", server_log}, flags));
        const RunResult r = run(with(client_args(server.port), {"--keylog", client_log}), "k\n");
        EXPECT_EQ(r.code, 0) << r.err;
        // SSLKEYLOGFILE, honoured by the example (not the library) when --keylog is absent.
        const RunResult e = run(client_args(server.port), "k\n", {"SSLKEYLOGFILE=" + env_log});
        EXPECT_EQ(e.code, 0) << e.err;
        EXPECT_EQ(server.process.stop(), 0);

        const auto server_lines = key_log_lines(server_log, label);
        const auto client_lines = key_log_lines(client_log, label);
        const auto env_lines = key_log_lines(env_log, label);
        ASSERT_EQ(server_lines.size(), 2u) << tls12_test::read_text_file(server_log);
        ASSERT_EQ(client_lines.size(), 1u);
        ASSERT_EQ(env_lines.size(), 1u);
        EXPECT_TRUE(std::regex_match(client_lines[0], std::regex(pattern))) << client_lines[0];
        EXPECT_EQ(server_lines[0], client_lines[0]);
        EXPECT_EQ(server_lines[1], env_lines[0]);
    }
}

TEST_F(Examples, HttpsGetHonoursSslKeyLogFile) {
    const std::string dir = tls12_test::scratch_dir();
    const std::string server_log = dir + "/https_get_server.keylog",
                      env_log = dir + "/https_get_client.keylog";
    auto server = EchoServer::start({"--http", "--keylog", server_log});
    const RunResult r =
        run({example("https_get"), "https://localhost:" + std::to_string(server.port) + "/", "--ca",
             tls12_test::test_pki().ca_cert},
            "", {"SSLKEYLOGFILE=" + env_log});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("writing session keys to " + env_log), std::string::npos) << r.err;
    EXPECT_EQ(server.process.stop(), 0);

    ASSERT_TRUE(std::filesystem::exists(env_log)) << "https_get ignored SSLKEYLOGFILE";
    const auto server_lines = key_log_lines(server_log, "CLIENT_TRAFFIC_SECRET_0");
    const auto env_lines = key_log_lines(env_log, "CLIENT_TRAFFIC_SECRET_0");
    ASSERT_EQ(env_lines.size(), 1u) << tls12_test::read_text_file(env_log);
    ASSERT_EQ(server_lines.size(), 1u) << tls12_test::read_text_file(server_log);
    EXPECT_EQ(env_lines[0], server_lines[0]);
}

TEST_F(Examples, ReconnectResumesTheSession) {
    auto server = EchoServer::start();
    const RunResult r = run(with(client_args(server.port), {"--reconnect", "2"}), "again\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "again\n");
    EXPECT_NE(r.err.find("reconnect 1: resumed: yes"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("reconnect 2: resumed: yes"), std::string::npos) << r.err;
    EXPECT_EQ(server.process.stop(), 0);
    const std::string log = server.process.stderr_text();
    EXPECT_NE(log.find("resumed=no"), std::string::npos) << log;
    EXPECT_NE(log.find("resumed=yes"), std::string::npos) << log;
}

TEST_F(Examples, MaxConnectionsRefusesTheExcess) {
    auto server = EchoServer::start({"--max-connections", "1"});
    {
        // Holds the only slot (its handshake never starts).
        auto idle = tls12::net::Socket::connect("127.0.0.1", server.port, 2s);
        std::this_thread::sleep_for(200ms);
        auto excess = tls12::net::Socket::connect("127.0.0.1", server.port, 2s);
        std::vector<uint8_t> buf(64);
        EXPECT_EQ(excess.recv(buf, 5s), 0u);  // closed at once
        EXPECT_TRUE(server.process.wait_for_output("refused: too many connections", 5s,
                                                   /*from_stderr=*/true))
            << server.process.stderr_text();
    }
    // The idle connection ended (logged as [1]): the slot is free again.
    EXPECT_TRUE(server.process.wait_for_output("[1] ", 10s, /*from_stderr=*/true))
        << server.process.stderr_text();
    const RunResult r = run(client_args(server.port), "room\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "room\n");
    EXPECT_EQ(server.process.stop(), 0);
}

TEST_F(Examples, MutualTlsFlags) {
    const auto& pki = tls12_test::test_pki();
    auto server = EchoServer::start({"--ca", pki.ca_cert, "--require-client-cert"});
    const RunResult r =
        run(with(client_args(server.port), {"--cert", pki.client_chain, "--key", pki.client_key}),
            "mtls\n");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "mtls\n");
    // Without a certificate: TLS 1.3's certificate_required (RFC 8446 4.4.2.4), and TLS 1.2's
    // handshake_failure with --tls12-only.
    const RunResult bad = run(client_args(server.port), "x");
    EXPECT_NE(bad.code, 0);
    EXPECT_NE(bad.err.find("certificate_required"), std::string::npos) << bad.err;
    const RunResult bad12 = run(with(client_args(server.port), {"--tls12-only"}), "x");
    EXPECT_NE(bad12.code, 0);
    EXPECT_NE(bad12.err.find("handshake_failure"), std::string::npos) << bad12.err;
    EXPECT_EQ(server.process.stop(), 0);
    const std::string log = server.process.stderr_text();
    EXPECT_NE(log.find("client_certs=2"), std::string::npos) << log;
    EXPECT_NE(log.find("client sent no certificate"), std::string::npos) << log;
    EXPECT_NE(log.find("client presented no certificate"), std::string::npos) << log;
}

TEST_F(Examples, SeveralCertificatesArePairedInOrder) {
    const auto& pki = tls12_test::test_pki();
    auto server = EchoServer::start({"--cert", pki.ecdsa256_chain, "--key", pki.ecdsa256_key});
    // TLS 1.2 suites pick the certificate by their key exchange.
    const RunResult ecdsa = run(with(client_args(server.port),
                                     {"--tls12-only", "--suites", "ECDHE-ECDSA-AES128-GCM-SHA256"}),
                                "ec\n");
    EXPECT_EQ(ecdsa.code, 0) << ecdsa.err;
    EXPECT_EQ(ecdsa.out, "ec\n");
    const RunResult rsa = run(
        with(client_args(server.port), {"--tls12-only", "--suites", "ECDHE-RSA-AES128-GCM-SHA256"}),
        "rsa\n");
    EXPECT_EQ(rsa.code, 0) << rsa.err;
    EXPECT_EQ(server.process.stop(), 0);

    const RunResult unpaired =
        run({example("echo_server"), "--port", "0", "--cert", pki.server_chain, "--key",
             pki.server_key, "--cert", pki.ecdsa256_chain});
    EXPECT_NE(unpaired.code, 0);
    EXPECT_NE(unpaired.err.find("--key"), std::string::npos) << unpaired.err;
}

TEST_F(Examples, HelpDocumentsTheFeatureFlags) {
    const RunResult s = run({example("echo_server"), "--help"});
    for (const char* flag : {"--alpn", "--keylog", "--ca", "--require-client-cert",
                             "--request-client-cert", "--max-connections", "SSLKEYLOGFILE"})
        EXPECT_NE(s.out.find(flag), std::string::npos) << flag << "\n" << s.out;
    const RunResult c = run({example("echo_client"), "--help"});
    for (const char* flag :
         {"--alpn", "--reconnect", "--cert", "--key", "--keylog", "--tls12-only", "--tls13-only"})
        EXPECT_NE(c.out.find(flag), std::string::npos) << flag << "\n" << c.out;
}
