// TLS 1.3 against two more peers, both built on OpenSSL 3 but driven the way their users drive
// them:
//   Python's ssl module (Debian's /usr/bin/python3 running peers/tls13_peer.py), both roles:
//   1 MiB each way, resumption both ways (SSLSocket.session / session_reused), client
//   certificates both ways, a HelloRetryRequest from a Python server that takes one group only,
//   and mixed TLS 1.2 / 1.3 peers (maximum_version = TLSv1_2) settling on TLS 1.2.
//   (Python's ssl cannot choose TLS 1.3 suites; KeyUpdate is not in its API.)
//   curl (Debian's, OpenSSL backend) against our server answering HTTP/1.1: a 1 MiB POST echoed
//   back as the response body under each TLS 1.3 suite, a client certificate, resumption across
//   two URLs of one invocation, a HelloRetryRequest of ours, and a TLS 1.2-only curl.
// Each side's view of version and suite is checked: Python prints SSLSocket.version() and
// cipher(), curl -v prints "SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256".
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <tls12/tls/connection.h>
#include <tls12/tls/suites.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>
#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

using tls12::CipherSuite;
using tls12::NamedGroup;
using tls12::ProtocolVersion;

constexpr size_t kOneMiB = 1024 * 1024;

// Debian's interpreter, not whatever python3 comes first on PATH (a pyenv one may lack ssl).
const std::string kPython = "/usr/bin/python3";

std::string peer_script() {
    return std::string(TLS12_SOURCE_DIR) + "/tests/interop/peers/tls13_peer.py";
}

#define REQUIRE_PYTHON()                                                      \
    ASSERT_EQ(::access(kPython.c_str(), X_OK), 0)                             \
        << kPython << " is missing: the interop tests need Debian's python3 " \
        << "(scripts/test installs it)"

// The values of "KEY value" lines (or "" for a line that is just "KEY") in a peer's output, in
// order.
std::vector<std::string> values(const std::string& text, const std::string& key) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line == key) out.emplace_back();
        if (line.rfind(key + " ", 0) == 0) out.push_back(line.substr(key.size() + 1));
    }
    return out;
}

std::string suite_name(const tls12::NegotiatedParameters& n) {
    return n.cipher_suite ? tls12::openssl_name(*n.cipher_suite) : "(none)";
}

// OpenSSL's name for the version, as Python's SSLSocket.version() and curl print it.
std::string openssl_version(ProtocolVersion v) {
    return v == ProtocolVersion::tls13 ? "TLSv1.3" : "TLSv1.2";
}

tls12_test::SpawnOptions no_stdin() {
    tls12_test::SpawnOptions o;
    o.pipe_stdin = false;
    return o;
}

// ---- Python ---------------------------------------------------------------------------------

struct PythonServer {
    Process process;
    uint16_t port = 0;
};

// tls13_peer.py server with the RSA chain; it prints "PORT <n>" once it listens.
PythonServer start_python_server(const std::vector<std::string>& extra) {
    const auto& pki = tls12_test::test_pki();
    std::vector<std::string> argv = {kPython,          peer_script(), "server",      "--cert",
                                     pki.server_chain, "--key",       pki.server_key};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Process p = Process::spawn(argv, no_stdin());
    if (!p.wait_for_output("\n", 20s) || values(p.stdout_text(), "PORT").empty())
        throw std::runtime_error("the Python server did not start\n" + peer_output(p));
    const int port = std::stoi(values(p.stdout_text(), "PORT").front());
    return PythonServer{std::move(p), static_cast<uint16_t>(port)};
}

Process start_python_client(uint16_t port, const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {kPython,
                                     peer_script(),
                                     "client",
                                     "--port",
                                     std::to_string(port),
                                     "--ca",
                                     tls12_test::test_pki().ca_cert};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return Process::spawn(argv, no_stdin());
}

// Python printed our version and suite for its `index`-th connection.
void expect_python_saw(const Process& p, const tls12::NegotiatedParameters& ours,
                       size_t index = 0) {
    const auto version = values(p.stdout_text(), "VERSION");
    const auto cipher = values(p.stdout_text(), "CIPHER");
    ASSERT_GT(version.size(), index) << peer_output(p);
    ASSERT_GT(cipher.size(), index) << peer_output(p);
    EXPECT_EQ(version[index], openssl_version(ours.version));
    EXPECT_EQ(cipher[index], suite_name(ours));
}

// Our client through the Python echo server (which must have printed DONE before our stream
// goes: it answers our close_notify with its own). Returns what we negotiated.
tls12::NegotiatedParameters python_round_trip(PythonServer& server,
                                              std::shared_ptr<const tls12::ClientConfig> config,
                                              size_t size, uint32_t seed, size_t connection = 0) {
    try {
        tls12::net::Stream s = connect_to(server.port, std::move(config));
        const std::string data = text_lines(size, 1024, seed);
        const std::string back = exchange(s, data);
        EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n"
                                  << peer_output(server.process);
        s.close();
        const auto deadline = std::chrono::steady_clock::now() + 15s;
        while (values(server.process.stdout_text(), "DONE").size() <= connection &&
               std::chrono::steady_clock::now() < deadline && server.process.running())
            std::this_thread::sleep_for(5ms);
        EXPECT_GT(values(server.process.stdout_text(), "DONE").size(), connection)
            << "the Python server did not answer our close_notify\n"
            << peer_output(server.process);
        EXPECT_EQ(values(server.process.stdout_text(), "ECHOED").at(connection),
                  std::to_string(size))
            << peer_output(server.process);
        return s.negotiated();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << peer_output(server.process);
        return {};
    }
}

TEST(Tls13Python, OurClientOneMiBEachWay) {
    REQUIRE_PYTHON();
    PythonServer server = start_python_server({});
    const auto ours = python_round_trip(server, tls13_client_config(), kOneMiB, 201);
    EXPECT_EQ(ours.version, ProtocolVersion::tls13);
    expect_python_saw(server.process, ours);
    EXPECT_EQ(server.process.wait(15s), std::optional<int>(0)) << peer_output(server.process);
}

// The Python client and our server each pick up 1 MiB of the other's.
TEST(Tls13Python, PythonClientOneMiBEachWay) {
    REQUIRE_PYTHON();
    EchoServer server(tls13_server_config());
    Process client = start_python_client(server.port(), {"--bytes", std::to_string(kOneMiB)});
    EXPECT_EQ(client.wait(60s), std::optional<int>(0)) << peer_output(client);
    EXPECT_EQ(values(client.stdout_text(), "CHECKED"), std::vector<std::string>{"1048576"});
    auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome) << peer_output(client);
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_EQ(outcome->negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(outcome->echoed, kOneMiB);
    EXPECT_TRUE(outcome->clean_close);
    expect_python_saw(client, outcome->negotiated);
}

TEST(Tls13Python, OurClientResumesWithPython) {
    REQUIRE_PYTHON();
    PythonServer server = start_python_server({"--connections", "2"});
    auto config = tls13_client_config();
    const auto first = python_round_trip(server, config, 4096, 210, 0);
    const auto second = python_round_trip(server, config, 4096, 211, 1);
    EXPECT_FALSE(first.resumed);
    EXPECT_TRUE(second.resumed);
    EXPECT_EQ(second.version, ProtocolVersion::tls13);
    EXPECT_EQ(values(server.process.stdout_text(), "RESUMED"),
              (std::vector<std::string>{"0", "1"}));
    EXPECT_EQ(server.process.wait(15s), std::optional<int>(0)) << peer_output(server.process);
}

TEST(Tls13Python, PythonClientResumesWithOurServer) {
    REQUIRE_PYTHON();
    ServerThread server(tls13_server_config(), echo_until_close(), 2);
    Process client = start_python_client(server.port(), {"--resume", "--bytes", "4096"});
    EXPECT_EQ(client.wait(30s), std::optional<int>(0)) << peer_output(client);
    EXPECT_EQ(values(client.stdout_text(), "RESUMED"), (std::vector<std::string>{"0", "1"}))
        << peer_output(client);
    auto outcomes = server.outcomes(30s);
    ASSERT_TRUE(outcomes) << peer_output(client);
    ASSERT_EQ(outcomes->size(), 2u);
    EXPECT_FALSE((*outcomes)[0].negotiated.resumed);
    EXPECT_TRUE((*outcomes)[1].negotiated.resumed);
    EXPECT_EQ((*outcomes)[1].error, "");
    expect_python_saw(client, (*outcomes)[1].negotiated, 1);
}

TEST(Tls13Python, OurClientCertificateToPython) {
    REQUIRE_PYTHON();
    const auto& pki = tls12_test::test_pki();
    PythonServer server = start_python_server({"--ca", pki.ca_cert});
    const auto ours = python_round_trip(server, tls13_client_config([&](tls12::ClientConfig& c) {
                                            c.certificate = tls12::CertifiedKey::from_pem_files(
                                                pki.client_chain, pki.client_key);
                                        }),
                                        4096, 220);
    EXPECT_EQ(ours.version, ProtocolVersion::tls13);
    EXPECT_EQ(values(server.process.stdout_text(), "PEER_CERT"),
              std::vector<std::string>{"tls12 test client"})
        << peer_output(server.process);
}

TEST(Tls13Python, PythonClientCertificateToOurServer) {
    REQUIRE_PYTHON();
    const auto& pki = tls12_test::test_pki();
    auto verifier = tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(pki.ca_cert));
    EchoServer server(tls13_server_config([&](tls12::ServerConfig& s) {
        s.client_auth = tls12::ClientAuth::require;
        s.client_verifier = verifier;
    }));
    Process client = start_python_client(
        server.port(), {"--cert", pki.client_chain, "--key", pki.client_key, "--bytes", "4096"});
    EXPECT_EQ(client.wait(30s), std::optional<int>(0)) << peer_output(client);
    auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome) << peer_output(client);
    EXPECT_EQ(outcome->error, "");
    EXPECT_EQ(outcome->negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(outcome->negotiated.peer_certificates.size(), 2u) << "leaf + intermediate";
    EXPECT_EQ(values(client.stdout_text(), "PEER_CERT"), std::vector<std::string>{"localhost"});
}

// The Python server takes P-256 only; our one key share is X25519: it asks again.
TEST(Tls13Python, OurClientAnswersPythonHelloRetryRequest) {
    REQUIRE_PYTHON();
    PythonServer server = start_python_server({"--curve", "prime256v1"});
    const auto ours = python_round_trip(server, tls13_client_config(), 4096, 230);
    EXPECT_EQ(ours.version, ProtocolVersion::tls13);
    EXPECT_EQ(ours.group, NamedGroup::secp256r1);
    expect_python_saw(server.process, ours);
}

TEST(Tls13Python, OurTls13ClientAndTls12OnlyPythonChooseTls12) {
    REQUIRE_PYTHON();
    PythonServer server = start_python_server({"--max-version", "TLSv1_2"});
    const auto ours = python_round_trip(server, tls13_client_config(), 4096, 240);
    EXPECT_EQ(ours.version, ProtocolVersion::tls12);
    expect_python_saw(server.process, ours);
}

TEST(Tls13Python, Tls12OnlyPythonClientAndOurTls13ServerChooseTls12) {
    REQUIRE_PYTHON();
    EchoServer server(tls13_server_config());
    Process client =
        start_python_client(server.port(), {"--max-version", "TLSv1_2", "--bytes", "4096"});
    EXPECT_EQ(client.wait(30s), std::optional<int>(0)) << peer_output(client);
    auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome) << peer_output(client);
    EXPECT_EQ(outcome->error, "");
    EXPECT_EQ(outcome->negotiated.version, ProtocolVersion::tls12);
    expect_python_saw(client, outcome->negotiated);
}

// ---- curl -----------------------------------------------------------------------------------

// Our side of an HTTP/1.1 exchange: reads one request (headers, then Content-Length bytes of
// body) and answers 200 with the body echoed back, then closes (Connection: close).
void http_echo(tls12::net::Stream& s, ServerOutcome& o) {
    std::string request;
    std::vector<uint8_t> buffer(64 * 1024);
    size_t header_end = std::string::npos;
    size_t body_size = 0;
    for (;;) {
        if (header_end == std::string::npos) {
            header_end = request.find("\r\n\r\n");
            if (header_end != std::string::npos) {
                std::string head = request.substr(0, header_end);
                std::transform(head.begin(), head.end(), head.begin(),
                               [](unsigned char ch) { return std::tolower(ch); });
                const size_t at = head.find("\r\ncontent-length:");
                if (at != std::string::npos) body_size = std::stoul(head.substr(at + 17));
                header_end += 4;
            }
        }
        if (header_end != std::string::npos && request.size() >= header_end + body_size) break;
        const size_t n = s.read(buffer);
        if (n == 0) throw std::runtime_error("the client closed before its request was complete");
        request.append(reinterpret_cast<const char*>(buffer.data()), n);
    }
    const std::string body = request.substr(header_end, body_size);
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    s.write(std::string_view(head));
    s.write(std::string_view(body));
    o.echoed = body.size();
    s.close();
    o.clean_close = true;
}

struct CurlRun {
    std::vector<ServerOutcome> outcomes;
    std::string verbose;  // curl -v's stderr
};

// curl POSTs `size` bytes to our server (`urls` times in one invocation) and must get them back
// byte for byte; extra: curl options (--tls13-ciphers, --cert ...).
CurlRun curl_post(std::shared_ptr<const tls12::ServerConfig> config,
                  const std::vector<std::string>& extra, size_t size, uint32_t seed,
                  const std::string& name, size_t urls = 1) {
    ServerThread server(std::move(config), http_echo, urls);
    const std::string dir = tls12_test::scratch_dir();
    const std::string body = text_lines(size, 1024, seed);
    const std::string request_file = dir + "/curl-" + name + ".in";
    tls12_test::write_text_file(request_file, body);
    const std::string port = std::to_string(server.port());
    std::vector<std::string> argv = {
        "curl", "--silent", "--show-error", "--verbose", "--http1.1", "--cacert",
        tls12_test::test_pki().ca_cert, "--resolve", "localhost:" + port + ":127.0.0.1",
        "--data-binary", "@" + request_file, "-H", "Content-Type: application/octet-stream",
        // No "Expect: 100-continue" round trip for a big body.
        "-H", "Expect:"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    for (size_t i = 0; i < urls; ++i) {
        argv.push_back("https://localhost:" + port + "/echo" + std::to_string(i));
        argv.push_back("-o");
        argv.push_back(dir + "/curl-" + name + "-" + std::to_string(i) + ".out");
    }
    Process curl = Process::spawn(argv, no_stdin());
    EXPECT_EQ(curl.wait(60s), std::optional<int>(0)) << peer_output(curl);
    CurlRun run;
    run.verbose = curl.stderr_text();
    for (size_t i = 0; i < urls; ++i) {
        std::string back;
        try {
            back = tls12_test::read_text_file(dir + "/curl-" + name + "-" + std::to_string(i) +
                                              ".out");
        } catch (const std::exception&) {
        }
        EXPECT_TRUE(back == body) << describe_mismatch(body, back);
    }
    auto outcomes = server.outcomes(30s);
    if (!outcomes) {
        ADD_FAILURE() << "our server did not finish\n" << peer_output(curl);
        return run;
    }
    run.outcomes = *outcomes;
    EXPECT_EQ(run.outcomes.size(), urls);
    for (const ServerOutcome& o : run.outcomes) {
        EXPECT_EQ(o.error, "") << peer_output(curl);
        EXPECT_EQ(o.echoed, size);
    }
    return run;
}

// curl -v: "SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384", once per connection.
void expect_curl_saw(const CurlRun& run, const tls12::NegotiatedParameters& ours) {
    const std::string line =
        "SSL connection using " + openssl_version(ours.version) + " / " + suite_name(ours) + "\n";
    EXPECT_NE(run.verbose.find(line), std::string::npos) << "no \"" << line << "\" in\n"
                                                         << run.verbose;
}

std::string suite_param_name(const testing::TestParamInfo<CipherSuite>& info) {
    return tls12::openssl_name(info.param);
}

class CurlToOurServer : public testing::TestWithParam<CipherSuite> {};

TEST_P(CurlToOurServer, OneMiBPostEchoed) {
    INTEROP_REQUIRE_TOOL("curl");
    const CipherSuite suite = GetParam();
    const CurlRun run = curl_post(
        tls13_server_config(), {"--tlsv1.3", "--tls13-ciphers", tls12::openssl_name(suite)},
        kOneMiB, static_cast<uint32_t>(suite), tls12::openssl_name(suite));
    ASSERT_EQ(run.outcomes.size(), 1u);
    const auto& ours = run.outcomes[0].negotiated;
    EXPECT_EQ(ours.version, ProtocolVersion::tls13);
    EXPECT_EQ(ours.cipher_suite, suite);
    EXPECT_EQ(ours.server_name, "localhost");
    expect_curl_saw(run, ours);
}

INSTANTIATE_TEST_SUITE_P(Tls13, CurlToOurServer,
                         testing::ValuesIn(tls12::default_tls13_cipher_suites()), suite_param_name);

TEST(Tls13Curl, ClientCertificateToOurServer) {
    INTEROP_REQUIRE_TOOL("curl");
    const auto& pki = tls12_test::test_pki();
    auto verifier = tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(pki.ca_cert));
    const CurlRun run =
        curl_post(tls13_server_config([&](tls12::ServerConfig& s) {
                      s.client_auth = tls12::ClientAuth::require;
                      s.client_verifier = verifier;
                  }),
                  {"--tlsv1.3", "--cert", pki.client_chain, "--key", pki.client_key}, 4096, 300,
                  "client-cert");
    ASSERT_EQ(run.outcomes.size(), 1u);
    EXPECT_EQ(run.outcomes[0].negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(run.outcomes[0].negotiated.peer_certificates.size(), 2u) << "leaf + intermediate";
    expect_curl_saw(run, run.outcomes[0].negotiated);
}

// Two URLs in one invocation: the second connection resumes with the ticket of the first.
TEST(Tls13Curl, ResumesWithOurServer) {
    INTEROP_REQUIRE_TOOL("curl");
    const CurlRun run = curl_post(tls13_server_config(), {"--tlsv1.3"}, 4096, 310, "resume", 2);
    ASSERT_EQ(run.outcomes.size(), 2u);
    EXPECT_FALSE(run.outcomes[0].negotiated.resumed);
    EXPECT_TRUE(run.outcomes[1].negotiated.resumed);
    EXPECT_NE(run.verbose.find("SSL re-using session ID"), std::string::npos) << run.verbose;
}

// curl (OpenSSL) sends an X25519 key share and lists P-256, which our server takes only.
TEST(Tls13Curl, AnswersOurHelloRetryRequest) {
    INTEROP_REQUIRE_TOOL("curl");
    const CurlRun run = curl_post(
        tls13_server_config([](tls12::ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }),
        {"--tlsv1.3", "--curves", "X25519:P-256"}, 4096, 320, "hrr");
    ASSERT_EQ(run.outcomes.size(), 1u);
    EXPECT_EQ(run.outcomes[0].negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(run.outcomes[0].negotiated.group, NamedGroup::secp256r1);
    expect_curl_saw(run, run.outcomes[0].negotiated);
}

TEST(Tls13Curl, Tls12OnlyCurlAndOurTls13ServerChooseTls12) {
    INTEROP_REQUIRE_TOOL("curl");
    const CurlRun run =
        curl_post(tls13_server_config(), {"--tlsv1.2", "--tls-max", "1.2"}, 4096, 330, "tls12");
    ASSERT_EQ(run.outcomes.size(), 1u);
    EXPECT_EQ(run.outcomes[0].negotiated.version, ProtocolVersion::tls12);
    expect_curl_saw(run, run.outcomes[0].negotiated);
}

}  // namespace
}  // namespace interop
