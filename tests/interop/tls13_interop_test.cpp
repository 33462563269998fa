// TLS 1.3 against OpenSSL 3, both directions (kept lean: one connection per case, 64 KiB each
// way): every TLS 1.3 suite, HelloRetryRequest both ways, the key log checked against OpenSSL's,
// KeyUpdate both ways, client certificates both ways, and mixed TLS 1.2 / 1.3 peers settling on
// the right version.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

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

constexpr size_t kData = 64 * 1024;

std::shared_ptr<const tls12::ClientConfig> client13(
    const std::function<void(tls12::ClientConfig&)>& tweak = {}) {
    return tls12_test::client_config([&](tls12::ClientConfig& c) {
        c.max_version = ProtocolVersion::tls13;
        if (tweak) tweak(c);
    });
}

std::shared_ptr<const tls12::ServerConfig> server13(
    const std::function<void(tls12::ServerConfig&)>& tweak = {}) {
    return tls12_test::server_config(tls12_test::ServerKey::rsa2048, [&](tls12::ServerConfig& s) {
        s.max_version = ProtocolVersion::tls13;
        if (tweak) tweak(s);
    });
}

OpenSslServer start_server13(const std::vector<std::string>& extra) {
    const auto& pki = tls12_test::test_pki();
    std::vector<std::string> args = {"-tls1_3"};
    args.insert(args.end(), extra.begin(), extra.end());
    return start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert, args,
                                false);
}

std::vector<std::string> s_client_args(uint16_t port, const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {"openssl",
                                     "s_client",
                                     "-connect",
                                     "127.0.0.1:" + std::to_string(port),
                                     "-servername",
                                     "localhost",
                                     "-CAfile",
                                     tls12_test::test_pki().ca_cert,
                                     "-verify_return_error",
                                     "-verify_hostname",
                                     "localhost",
                                     "-quiet",
                                     "-no_ign_eof",
                                     "-nocommands"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

// Our client against s_server -rev: data both ways checked; s_server must end cleanly.
void client_round_trip(OpenSslServer& server, std::shared_ptr<const tls12::ClientConfig> config,
                       const std::function<void(tls12::net::Stream&)>& check, uint32_t seed) {
    try {
        tls12::net::Stream s = connect_to(server.port, std::move(config));
        check(s);
        const std::string data = text_lines(kData, 1024, seed);
        const std::string back = exchange(s, data);
        const std::string expected = reverse_lines(data);
        EXPECT_TRUE(back == expected) << describe_mismatch(expected, back) << "\n"
                                      << peer_output(server.process);
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
    EXPECT_EQ(server.process.wait(15s), std::optional<int>(0)) << peer_output(server.process);
}

// s_client through our echo server: data checked; both sides must end cleanly.
ServerOutcome server_round_trip(std::shared_ptr<const tls12::ServerConfig> config,
                                const std::vector<std::string>& client_extra, uint32_t seed) {
    EchoServer server(std::move(config));
    Process client = Process::spawn(s_client_args(server.port(), client_extra));
    const std::string data = text_lines(kData, 1024, seed);
    const std::string back = pump_through(client, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n" << peer_output(client);
    client.close_stdin();
    EXPECT_EQ(client.wait(15s), std::optional<int>(0)) << peer_output(client);
    auto outcome = server.outcome(30s);
    if (!outcome) {
        ADD_FAILURE() << "our server did not finish\n" << peer_output(client);
        return {};
    }
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_TRUE(outcome->handshake_complete);
    EXPECT_EQ(outcome->echoed, data.size());
    return *outcome;
}

std::vector<CipherSuite> tls13_suites() {
    return {CipherSuite::TLS_AES_128_GCM_SHA256, CipherSuite::TLS_AES_256_GCM_SHA384,
            CipherSuite::TLS_CHACHA20_POLY1305_SHA256};
}

std::string suite_name(const testing::TestParamInfo<CipherSuite>& info) {
    return std::string(tls12::find_suite(info.param)->openssl_name);
}

// ---- every suite, both directions ----

class OurClient13ToOpenSsl : public testing::TestWithParam<CipherSuite> {};

TEST_P(OurClient13ToOpenSsl, Suite) {
    INTEROP_REQUIRE_TOOL("openssl");
    const CipherSuite suite = GetParam();
    const std::string name(tls12::find_suite(suite)->openssl_name);
    OpenSslServer server = start_server13({"-rev", "-naccept", "1", "-ciphersuites", name});
    client_round_trip(
        server, client13([&](tls12::ClientConfig& c) { c.tls13_cipher_suites = {suite}; }),
        [&](tls12::net::Stream& s) {
            EXPECT_EQ(s.negotiated().version, ProtocolVersion::tls13);
            EXPECT_EQ(s.negotiated().cipher_suite, suite);
            EXPECT_EQ(s.negotiated().group, NamedGroup::x25519);
            EXPECT_EQ(s.negotiated().peer_certificates.size(), 2u);
        },
        static_cast<uint32_t>(suite));
}

INSTANTIATE_TEST_SUITE_P(Tls13, OurClient13ToOpenSsl, testing::ValuesIn(tls13_suites()),
                         suite_name);

class OpenSsl13ToOurServer : public testing::TestWithParam<CipherSuite> {};

TEST_P(OpenSsl13ToOurServer, Suite) {
    INTEROP_REQUIRE_TOOL("openssl");
    const CipherSuite suite = GetParam();
    const std::string name(tls12::find_suite(suite)->openssl_name);
    auto outcome = server_round_trip(
        server13([&](tls12::ServerConfig& s) { s.tls13_cipher_suites = {suite}; }),
        {"-tls1_3", "-ciphersuites", name}, static_cast<uint32_t>(suite) + 1);
    EXPECT_EQ(outcome.negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(outcome.negotiated.cipher_suite, suite);
    EXPECT_EQ(outcome.negotiated.server_name, "localhost");
    EXPECT_TRUE(outcome.clean_close);
}

INSTANTIATE_TEST_SUITE_P(Tls13, OpenSsl13ToOurServer, testing::ValuesIn(tls13_suites()),
                         suite_name);

// ---- HelloRetryRequest ----

// s_server takes only P-256; our first share is X25519: it asks again with a HelloRetryRequest.
TEST(Tls13Interop, OurClientAnswersOpenSslHelloRetryRequest) {
    INTEROP_REQUIRE_TOOL("openssl");
    OpenSslServer server = start_server13({"-rev", "-naccept", "1", "-groups", "P-256"});
    client_round_trip(
        server, client13(),
        [](tls12::net::Stream& s) {
            EXPECT_EQ(s.negotiated().version, ProtocolVersion::tls13);
            EXPECT_EQ(s.negotiated().group, NamedGroup::secp256r1);
        },
        11);
}

// s_client sends an X25519 share; our server wants P-256 and asks for it.
TEST(Tls13Interop, OpenSslAnswersOurHelloRetryRequest) {
    INTEROP_REQUIRE_TOOL("openssl");
    auto outcome = server_round_trip(
        server13([](tls12::ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }),
        {"-tls1_3", "-groups", "X25519:P-256"}, 12);
    EXPECT_EQ(outcome.negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(outcome.negotiated.group, NamedGroup::secp256r1);
}

// ---- key log ----

std::set<std::string> lines_of(const std::string& text) {
    std::set<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') out.insert(line);
    return out;
}

TEST(Tls13Interop, KeyLogMatchesOpenSsls) {
    INTEROP_REQUIRE_TOOL("openssl");
    const std::string path = tls12_test::scratch_dir() + "/tls13_openssl_keylog.txt";
    std::remove(path.c_str());
    auto ours = std::make_shared<std::vector<std::string>>();
    OpenSslServer server = start_server13({"-rev", "-naccept", "1", "-keylogfile", path});
    client_round_trip(
        server, client13([&](tls12::ClientConfig& c) {
            c.key_log = [ours](const std::string& line) { ours->push_back(line); };
        }),
        [](tls12::net::Stream&) {}, 13);
    std::ifstream file(path);
    std::stringstream theirs;
    theirs << file.rdbuf();
    const std::set<std::string> ours_set(ours->begin(), ours->end());
    EXPECT_EQ(ours->size(), 5u);
    EXPECT_EQ(ours_set, lines_of(theirs.str())) << theirs.str();
}

// ---- KeyUpdate ----

// Our client updates its keys, first asking s_server to update its own too, between exchanges.
TEST(Tls13Interop, KeyUpdateWithOpenSslServer) {
    INTEROP_REQUIRE_TOOL("openssl");
    OpenSslServer server = start_server13({"-rev", "-naccept", "1"});
    try {
        tls12::net::Stream s = connect_to(server.port, client13());
        // s_server -rev pauses about a second after each KeyUpdate: two are enough.
        for (uint32_t round = 0; round < 2; ++round) {
            const std::string data = text_lines(16 * 1024, 1024, 20 + round);
            const std::string back = exchange(s, data);
            EXPECT_TRUE(back == reverse_lines(data)) << peer_output(server.process);
            ASSERT_TRUE(s.connection().update_keys(round == 0));
        }
        const std::string data = text_lines(16 * 1024, 1024, 30);
        EXPECT_TRUE(exchange(s, data) == reverse_lines(data)) << peer_output(server.process);
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
    EXPECT_EQ(server.process.wait(15s), std::optional<int>(0)) << peer_output(server.process);
}

// s_client's "K" command sends a KeyUpdate asking for ours (commands on: no -nocommands).
TEST(Tls13Interop, KeyUpdateFromOpenSslClient) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(server13());
    auto argv = s_client_args(server.port(), {"-tls1_3"});
    argv.erase(std::find(argv.begin(), argv.end(), "-nocommands"));
    Process client = Process::spawn(argv);
    // "K\n" alone on a line is the command (not sent); the line after it is echoed under the
    // new keys, ours included.
    const std::string first = "hello before the update\n";
    const std::string second = "hello after the update\n";
    ASSERT_TRUE(client.write_stdin(first));
    ASSERT_TRUE(client.wait_for_stdout_size(first.size(), 15s)) << peer_output(client);
    ASSERT_TRUE(client.write_stdin("K\n"));
    // s_client reads a whole stdin chunk per command: the next line goes once it has taken "K".
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (client.stderr_text().find("KEYUPDATE") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(client.write_stdin(second));
    client.wait_for_stdout_size(first.size() + second.size(), 15s);
    EXPECT_EQ(client.stdout_text(), first + second) << peer_output(client);
    client.close_stdin();
    EXPECT_EQ(client.wait(15s), std::optional<int>(0)) << peer_output(client);
    auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_EQ(outcome->echoed, first.size() + second.size());
}

// ---- client certificates ----

TEST(Tls13Interop, OurClientCertificateToOpenSsl) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    OpenSslServer server = start_server13(
        {"-rev", "-naccept", "1", "-Verify", "2", "-CAfile", pki.ca_cert, "-verify_return_error"});
    client_round_trip(
        server, client13([&](tls12::ClientConfig& c) {
            c.certificate = tls12::CertifiedKey::from_pem_files(pki.client_chain, pki.client_key);
        }),
        [](tls12::net::Stream& s) { EXPECT_EQ(s.negotiated().version, ProtocolVersion::tls13); },
        40);
}

TEST(Tls13Interop, OpenSslClientCertificateToOurServer) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    auto verifier = tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(pki.ca_cert));
    auto outcome = server_round_trip(server13([&](tls12::ServerConfig& s) {
                                         s.client_auth = tls12::ClientAuth::require;
                                         s.client_verifier = verifier;
                                     }),
                                     {"-tls1_3", "-cert", pki.client_cert, "-key", pki.client_key,
                                      "-cert_chain", pki.intermediate_cert},
                                     41);
    EXPECT_EQ(outcome.negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(outcome.negotiated.peer_certificates.size(), 2u);
}

// ---- mixed versions, with our default configs (TLS 1.3 on, TLS 1.2 for 1.2-only peers) ----

TEST(Tls13Interop, OurDefaultClientAndTls12OnlyOpenSslChooseTls12) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    OpenSslServer server = start_openssl_server(pki.server_cert, pki.server_key,
                                                pki.intermediate_cert, {"-rev", "-naccept", "1"});
    client_round_trip(
        server, tls12_test::client_config(),
        [](tls12::net::Stream& s) { EXPECT_EQ(s.negotiated().version, ProtocolVersion::tls12); },
        50);
}

TEST(Tls13Interop, OurDefaultClientAndDefaultOpenSslChooseTls13) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    OpenSslServer server =
        start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert,
                             {"-rev", "-naccept", "1"}, /*tls12_only=*/false);
    client_round_trip(
        server, tls12_test::client_config(),
        [](tls12::net::Stream& s) { EXPECT_EQ(s.negotiated().version, ProtocolVersion::tls13); },
        53);
}

TEST(Tls13Interop, Tls12OnlyOpenSslClientAndOurDefaultServerChooseTls12) {
    INTEROP_REQUIRE_TOOL("openssl");
    auto outcome = server_round_trip(tls12_test::server_config(), {"-tls1_2"}, 51);
    EXPECT_EQ(outcome.negotiated.version, ProtocolVersion::tls12);
}

TEST(Tls13Interop, DefaultOpenSslClientAndOurDefaultServerChooseTls13) {
    INTEROP_REQUIRE_TOOL("openssl");
    auto outcome = server_round_trip(tls12_test::server_config(), {}, 52);
    EXPECT_EQ(outcome.negotiated.version, ProtocolVersion::tls13);
}

// ---- resumption ----

// Our client takes s_server's tickets on the first connection and resumes on the second.
TEST(Tls13Interop, OurClientResumesWithOpenSsl) {
    INTEROP_REQUIRE_TOOL("openssl");
    OpenSslServer server = start_server13({"-rev", "-naccept", "2"});
    auto config = client13();
    for (bool second : {false, true}) {
        try {
            tls12::net::Stream s = connect_to(server.port, config);
            EXPECT_EQ(s.negotiated().resumed, second);
            EXPECT_EQ(s.negotiated().peer_certificates.size(), 2u);
            const std::string data = text_lines(4096, 1024, 60 + second);
            EXPECT_TRUE(exchange(s, data) == reverse_lines(data)) << peer_output(server.process);
            s.close();
        } catch (const std::exception& e) {
            FAIL() << e.what() << "\n" << peer_output(server.process);
        }
    }
    EXPECT_EQ(server.process.wait(15s), std::optional<int>(0)) << peer_output(server.process);
}

// s_client saves our ticket (-sess_out) and resumes with it (-sess_in) on a second connection.
TEST(Tls13Interop, OpenSslClientResumesWithOurServer) {
    INTEROP_REQUIRE_TOOL("openssl");
    const std::string session = tls12_test::scratch_dir() + "/tls13_openssl_session.pem";
    std::remove(session.c_str());
    auto config = server13();
    auto first = server_round_trip(config, {"-tls1_3", "-sess_out", session}, 70);
    EXPECT_FALSE(first.negotiated.resumed);
    auto second = server_round_trip(config, {"-tls1_3", "-sess_in", session}, 71);
    EXPECT_TRUE(second.negotiated.resumed);
    EXPECT_EQ(second.negotiated.version, ProtocolVersion::tls13);
}

// ---- early data (RFC 8446 4.2.10) ----

// Runs openssl with these arguments to the end; true when it exits with 0.
bool run_openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    Process p = Process::spawn(argv);
    p.close_stdin();
    const auto status = p.wait(15s);
    EXPECT_EQ(status, std::optional<int>(0)) << peer_output(p);
    return status == std::optional<int>(0);
}

// DER: a length at bytes[at], returning its value and moving at past it.
size_t der_length(const std::vector<uint8_t>& bytes, size_t& at) {
    const uint8_t first = bytes.at(at++);
    if (first < 0x80) return first;
    size_t length = 0;
    for (uint8_t i = 0; i < (first & 0x7F); ++i) length = length << 8 | bytes.at(at++);
    return length;
}

std::vector<uint8_t> der_with_length(uint8_t tag, const std::vector<uint8_t>& content) {
    std::vector<uint8_t> out{tag};
    if (content.size() < 0x80) {
        out.push_back(static_cast<uint8_t>(content.size()));
    } else {
        out.insert(out.end(), {0x82, static_cast<uint8_t>(content.size() >> 8),
                               static_cast<uint8_t>(content.size())});
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

// OpenSSL's SSL_SESSION (DER) with max_early_data ([15] EXPLICIT INTEGER, ssl/ssl_asn1.c) set:
// our tickets never allow early data, so s_client would never send any. Fields are in tag order.
std::vector<uint8_t> with_max_early_data(const std::vector<uint8_t>& session, uint16_t value) {
    size_t at = 1;  // past SEQUENCE
    const size_t length = der_length(session, at);
    const size_t end = at + length;
    std::vector<uint8_t> content;
    const std::vector<uint8_t> field{
        0xAF, 0x04, 0x02, 0x02, static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)};
    bool inserted = false;
    while (at < end) {
        const size_t start = at;
        const uint8_t tag = session.at(at++);
        const size_t n = der_length(session, at);
        at += n;
        if (!inserted && tag >= 0xAF && tag <= 0xBE) {
            if (tag == 0xAF) continue;  // replaced
            content.insert(content.end(), field.begin(), field.end());
            inserted = true;
        }
        content.insert(content.end(), session.begin() + static_cast<long>(start),
                       session.begin() + static_cast<long>(at));
    }
    if (!inserted) content.insert(content.end(), field.begin(), field.end());
    return der_with_length(0x30, content);
}

// s_client resumes with early data (on a session edited to allow it): our server ignores
// early_data, skips the 0-RTT records, completes the handshake, and echoes what comes after.
TEST(Tls13Interop, OpenSslEarlyDataIsRejectedAndSkipped) {
    INTEROP_REQUIRE_TOOL("openssl");
    const std::string dir = tls12_test::scratch_dir();
    const std::string session = dir + "/tls13_early_session.pem";
    const std::string der = dir + "/tls13_early_session.der";
    const std::string edited = dir + "/tls13_early_session_edited.pem";
    const std::string early = dir + "/tls13_early_data.txt";
    std::remove(session.c_str());
    auto config = server13();
    (void)server_round_trip(config, {"-tls1_3", "-sess_out", session}, 80);
    ASSERT_TRUE(run_openssl({"sess_id", "-in", session, "-outform", "DER", "-out", der}));
    std::vector<uint8_t> bytes;
    {
        std::ifstream in(der, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    ASSERT_FALSE(bytes.empty());
    {
        std::ofstream out(der, std::ios::binary | std::ios::trunc);
        const auto changed = with_max_early_data(bytes, 16384);
        out.write(reinterpret_cast<const char*>(changed.data()),
                  static_cast<std::streamsize>(changed.size()));
    }
    ASSERT_TRUE(run_openssl({"sess_id", "-inform", "DER", "-in", der, "-out", edited}));
    {
        std::ofstream out(early, std::ios::trunc);
        out << text_lines(3000, 100, 81);
    }

    EchoServer server(config);
    auto argv = s_client_args(server.port(), {"-tls1_3", "-sess_in", edited, "-early_data", early});
    argv.erase(std::find(argv.begin(), argv.end(), "-quiet"));  // its report goes to stdout
    Process client = Process::spawn(argv);
    const std::string line = "after the handshake\n";
    ASSERT_TRUE(client.wait_for_output("Early data was rejected", 15s)) << peer_output(client);
    ASSERT_TRUE(client.write_stdin(line));
    EXPECT_TRUE(client.wait_for_output(line, 15s)) << peer_output(client);
    EXPECT_EQ(client.stdout_text().find("Early data was accepted"), std::string::npos);
    client.close_stdin();
    EXPECT_EQ(client.wait(15s), std::optional<int>(0)) << peer_output(client);
    auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_TRUE(outcome->negotiated.resumed);
    EXPECT_EQ(outcome->echoed, line.size());  // the early data itself never reached the echo
}

// ---- psk_ke (RFC 8446 4.2.9) ----

// With -allow_no_dhe_kex OpenSSL 3 offers psk_ke besides psk_dhe_ke, and as a server takes
// psk_ke only when the client offers nothing else; we always prefer psk_dhe_ke too. So with
// allow_psk_ke on both sides resume, and still with a fresh key share (psk_ke itself is covered
// by the engine tests, tests/tls/engine13_psk_ke_test.cpp).
TEST(Tls13Interop, PskKeOffersResumeWithDheBothWays) {
    INTEROP_REQUIRE_TOOL("openssl");
    const std::string session = tls12_test::scratch_dir() + "/tls13_psk_ke_session.pem";
    std::remove(session.c_str());
    auto config = server13([](tls12::ServerConfig& s) { s.allow_psk_ke = true; });
    (void)server_round_trip(config, {"-tls1_3", "-allow_no_dhe_kex", "-sess_out", session}, 90);
    auto resumed =
        server_round_trip(config, {"-tls1_3", "-allow_no_dhe_kex", "-sess_in", session}, 91);
    EXPECT_TRUE(resumed.negotiated.resumed);
    EXPECT_EQ(resumed.negotiated.group, NamedGroup::x25519);

    OpenSslServer server = start_server13({"-rev", "-naccept", "2", "-allow_no_dhe_kex"});
    auto client = client13([](tls12::ClientConfig& c) { c.allow_psk_ke = true; });
    for (bool second : {false, true}) {
        try {
            tls12::net::Stream s = connect_to(server.port, client);
            EXPECT_EQ(s.negotiated().resumed, second);
            EXPECT_EQ(s.negotiated().group, NamedGroup::x25519);
            const std::string data = text_lines(4096, 1024, 92 + second);
            EXPECT_TRUE(exchange(s, data) == reverse_lines(data)) << peer_output(server.process);
            s.close();
        } catch (const std::exception& e) {
            FAIL() << e.what() << "\n" << peer_output(server.process);
        }
    }
    EXPECT_EQ(server.process.wait(15s), std::optional<int>(0)) << peer_output(server.process);
}

}  // namespace
}  // namespace interop
