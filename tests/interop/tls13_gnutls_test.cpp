// TLS 1.3 against GnuTLS 3.7 (gnutls-serv / gnutls-cli), both directions, kept lean (one
// connection per case, 64 KiB each way, 1 MiB in one test per direction):
//   every TLS 1.3 suite x group (x25519, secp256r1, secp384r1), both sides pinned;
//   HelloRetryRequest both ways (the peer's first key share is for a group the other side refuses);
//   resumption both ways (our client with gnutls-serv's tickets, gnutls-cli -r with ours);
//   client certificates both ways;
//   KeyUpdate both ways, each side both initiating and answering (gnutls-serv's
//   **REHANDSHAKE** command is a KeyUpdate asking for ours under TLS 1.3, gnutls-cli's inline
//   ^rekey^ the same from the client);
//   mixed TLS 1.2 / 1.3 peers settling on TLS 1.2.
// What GnuTLS saw is read from its session description,
//   - Description: (TLS1.3-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(AES-128-GCM)
// (gnutls-serv's stdout, gnutls-cli's log file), and from its handshake debug log (-d 4) where
// that is the only evidence (KeyUpdate, HelloRetryRequest).
#include <gtest/gtest.h>

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
constexpr size_t kOneMiB = 1024 * 1024;
// gnutls-cli reads the socket 4 KiB at a time (see gnutls_matrix_test.cpp): echo in records that
// fit.
constexpr size_t kGnuTlsCliWrite = 4096;

struct Case13 {
    CipherSuite suite;
    NamedGroup group;
};

std::vector<Case13> all_cases13() {
    std::vector<Case13> out;
    for (CipherSuite s : tls12::default_tls13_cipher_suites())
        for (NamedGroup g : tls12::default_groups()) out.push_back({s, g});
    return out;
}

void PrintTo(const Case13& c, std::ostream* os) {
    *os << tls12::openssl_name(c.suite) << " / " << group_name(c.group);
}

std::string case13_name(const testing::TestParamInfo<Case13>& info) {
    return tls12::openssl_name(info.param.suite) + "_" + group_name(info.param.group);
}

// GnuTLS's names, as its priority strings and its session description spell them.
std::string gnutls_cipher(CipherSuite suite) {
    switch (suite) {
        case CipherSuite::TLS_AES_128_GCM_SHA256:
            return "AES-128-GCM";
        case CipherSuite::TLS_AES_256_GCM_SHA384:
            return "AES-256-GCM";
        case CipherSuite::TLS_CHACHA20_POLY1305_SHA256:
            return "CHACHA20-POLY1305";
        default:
            throw std::invalid_argument("not a TLS 1.3 suite: " + tls12::openssl_name(suite));
    }
}

std::string gnutls_group(NamedGroup group) {
    switch (group) {
        case NamedGroup::x25519:
            return "X25519";
        case NamedGroup::secp256r1:
            return "SECP256R1";
        case NamedGroup::secp384r1:
            return "SECP384R1";
        default:
            throw std::invalid_argument("no GnuTLS name for " + group_name(group));
    }
}

// TLS 1.3 only, one cipher (or every one), these groups in this order (the first gets the
// client's key share).
std::string priority13(std::optional<CipherSuite> suite, const std::vector<NamedGroup>& groups) {
    std::string p = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    if (suite) p += ":-CIPHER-ALL:+" + gnutls_cipher(*suite);
    if (!groups.empty()) {
        p += ":-GROUP-ALL";
        for (NamedGroup g : groups) p += ":+GROUP-" + gnutls_group(g);
    }
    return p;
}

// GnuTLS describes a session as "(TLS1.3-X.509)-(ECDHE-SECP256R1)-(RSA-PSS-RSAE-SHA256)-
// (AES-256-GCM)": checks version, group and cipher against what our side negotiated.
void expect_same_view(const std::string& description, const tls12::NegotiatedParameters& ours) {
    ASSERT_TRUE(ours.cipher_suite.has_value());
    ASSERT_TRUE(ours.group.has_value());
    const std::string version = ours.version == ProtocolVersion::tls13 ? "TLS1.3" : "TLS1.2";
    EXPECT_EQ(description.rfind("(" + version + "-", 0), 0u) << description;
    EXPECT_NE(description.find(")-(ECDHE-" + gnutls_group(*ours.group) + ")-("), std::string::npos)
        << description;
    if (ours.version == ProtocolVersion::tls13) {
        const std::string cipher = "-(" + gnutls_cipher(*ours.cipher_suite) + ")";
        EXPECT_EQ(
            description.size() >= cipher.size() &&
                description.compare(description.size() - cipher.size(), cipher.size(), cipher) == 0,
            true)
            << description << " does not end in " << cipher;
    }
}

// The "- Description: ..." lines in a GnuTLS tool's output, in order.
std::vector<std::string> descriptions(const std::string& text) {
    static const std::string marker = "- Description: ";
    std::vector<std::string> out;
    for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at)) {
        const size_t eol = text.find('\n', at);
        if (eol == std::string::npos) break;
        out.push_back(text.substr(at + marker.size(), eol - at - marker.size()));
        at = eol;
    }
    return out;
}

// Waits until gnutls-serv has printed `count` session descriptions (it does once a handshake is
// complete on its side, which can be just after ours).
std::vector<std::string> wait_for_descriptions(Process& p, size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (descriptions(p.stdout_text()).size() < count &&
           std::chrono::steady_clock::now() < deadline && p.running())
        std::this_thread::sleep_for(5ms);
    return descriptions(p.stdout_text());
}

// A peer's stderr (its debug log) once it shows needle, or after 15 s.
std::string debug_log_with(Process& p, const std::string& needle) {
    p.wait_for_output(needle, 15s, /*from_stderr=*/true);
    return p.stderr_text();
}

std::string read_log(const std::string& path) {
    try {
        return tls12_test::read_text_file(path);
    } catch (...) {
        return "";
    }
}

size_t count_of(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

// GnuTLS's handshake debug log (-d 4) for a KeyUpdate it received: 1 = update_requested.
const std::string kReceivedKeyUpdateRequested = "received TLS 1.3 key update (1)";
const std::string kReceivedKeyUpdateAnswer = "received TLS 1.3 key update (0)";
const std::string kSentKeyUpdateRequested = "sending key update (1)";
const std::string kSentKeyUpdateAnswer = "sending key update (0)";
// ... for a HelloRetryRequest it sent or received.
const std::string kHelloRetryRequest = "HELLO RETRY REQUEST";
// gnutls-serv's reply to a command line (**REHANDSHAKE**).
const std::string kCommandDone = "Successfully executed command";

// gnutls-serv --echo with the RSA chain; extra: priority and more.
GnuTlsServer start_server13(const std::vector<std::string>& extra) {
    const auto& pki = tls12_test::test_pki();
    std::vector<std::string> args = {"--echo", "--x509certfile", pki.server_chain, "--x509keyfile",
                                     pki.server_key};
    args.insert(args.end(), extra.begin(), extra.end());
    return start_gnutls_server(args);
}

// Our client through gnutls-serv --echo: `size` bytes both ways. Returns what our side negotiated.
tls12::NegotiatedParameters client_round_trip(GnuTlsServer& server,
                                              std::shared_ptr<const tls12::ClientConfig> config,
                                              size_t size, uint32_t seed) {
    try {
        tls12::net::Stream s = connect_to(server.port, std::move(config));
        const std::string data = text_lines(size, 1024, seed);
        const std::string back = exchange(s, data);
        EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n"
                                  << peer_output(server.process);
        s.close();
        return s.negotiated();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << peer_output(server.process);
        return {};
    }
}

// gnutls-serv's description of its `count`-th session, once it printed it.
std::string server_description(GnuTlsServer& server, size_t count = 1) {
    const auto seen = wait_for_descriptions(server.process, count);
    EXPECT_EQ(seen.size(), count) << peer_output(server.process);
    return seen.size() >= count ? seen[count - 1] : "";
}

// gnutls-cli's description of its session (the last one, after a resumption).
std::string client_description(const std::string& log) {
    const auto seen = descriptions(log);
    EXPECT_FALSE(seen.empty()) << log;
    return seen.empty() ? "" : seen.back();
}

// gnutls-cli through our server (`serve` on each of `connections` connections): `size` bytes
// pumped through the last one, then stdin EOF; gnutls-cli must exit 0. Returns our outcomes.
struct ClientRun {
    std::vector<ServerOutcome> outcomes;
    std::string log;        // gnutls-cli's log file (its session descriptions)
    std::string debug_log;  // its stderr: the debug output, when asked for with -d
};

ClientRun gnutls_client_run(std::shared_ptr<const tls12::ServerConfig> config,
                            const std::string& priority, const std::string& name,
                            const std::vector<std::string>& extra, size_t size, uint32_t seed,
                            ServerThread::Serve serve = echo_until_close(kGnuTlsCliWrite),
                            size_t connections = 1) {
    ServerThread server(std::move(config), std::move(serve), connections);
    GnuTlsClient gnutls = start_gnutls_client(server.port(), priority, name, extra);
    const std::string data = text_lines(size, 1024, seed);
    const std::string back = pump_through(gnutls.process, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n" << gnutls.output();
    gnutls.process.close_stdin();
    EXPECT_EQ(gnutls.process.wait(15s), std::optional<int>(0)) << gnutls.output();
    ClientRun run;
    run.log = read_log(gnutls.log);
    run.debug_log = gnutls.process.stderr_text();
    auto outcomes = server.outcomes(30s);
    if (!outcomes) {
        ADD_FAILURE() << "our server did not finish\n" << gnutls.output();
        return run;
    }
    run.outcomes = *outcomes;
    EXPECT_EQ(run.outcomes.size(), connections);
    for (const ServerOutcome& o : run.outcomes) {
        EXPECT_EQ(o.error, "") << gnutls.output();
        EXPECT_TRUE(o.handshake_complete);
    }
    if (!run.outcomes.empty()) {
        EXPECT_EQ(run.outcomes.back().echoed, data.size());
    }
    return run;
}

void expect_ours(const tls12::NegotiatedParameters& n, CipherSuite suite, NamedGroup group) {
    EXPECT_EQ(n.version, ProtocolVersion::tls13);
    EXPECT_EQ(n.cipher_suite, suite);
    EXPECT_EQ(n.group, group);
}

// ---- every suite x group, both directions ----

class OurClient13ToGnuTls : public testing::TestWithParam<Case13> {};

TEST_P(OurClient13ToGnuTls, SuiteAndGroup) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    const Case13 c = GetParam();
    GnuTlsServer server = start_server13({"--priority", priority13(c.suite, {c.group})});
    const auto ours = client_round_trip(server, tls13_client_config([&](tls12::ClientConfig& cfg) {
                                            cfg.tls13_cipher_suites = {c.suite};
                                            cfg.groups = {c.group};
                                        }),
                                        kData, static_cast<uint32_t>(c.suite) * 7 + 1);
    expect_ours(ours, c.suite, c.group);
    EXPECT_EQ(ours.peer_certificates.size(), 2u) << "leaf + intermediate";
    expect_same_view(server_description(server), ours);
}

INSTANTIATE_TEST_SUITE_P(Tls13, OurClient13ToGnuTls, testing::ValuesIn(all_cases13()), case13_name);

class GnuTls13ToOurServer : public testing::TestWithParam<Case13> {};

TEST_P(GnuTls13ToOurServer, SuiteAndGroup) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const Case13 c = GetParam();
    const ClientRun run =
        gnutls_client_run(tls13_server_config([&](tls12::ServerConfig& s) {
                              s.tls13_cipher_suites = {c.suite};
                              s.groups = {c.group};
                          }),
                          priority13(c.suite, {c.group}), "tls13-" + case13_name({c, 0}), {}, kData,
                          static_cast<uint32_t>(c.suite) * 11 + 2);
    ASSERT_EQ(run.outcomes.size(), 1u);
    const auto& ours = run.outcomes[0].negotiated;
    expect_ours(ours, c.suite, c.group);
    EXPECT_EQ(ours.server_name, "localhost");
    EXPECT_TRUE(run.outcomes[0].clean_close) << "no close_notify from gnutls-cli";
    expect_same_view(client_description(run.log), ours);
}

INSTANTIATE_TEST_SUITE_P(Tls13, GnuTls13ToOurServer, testing::ValuesIn(all_cases13()), case13_name);

// ---- 1 MiB each way, each side with its default preferences ----

TEST(Tls13GnuTls, OurClientOneMiBEachWay) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    GnuTlsServer server = start_server13({"--priority", "NORMAL"});
    const auto ours = client_round_trip(server, tls13_client_config(), kOneMiB, 101);
    EXPECT_EQ(ours.version, ProtocolVersion::tls13);
    expect_same_view(server_description(server), ours);
}

TEST(Tls13GnuTls, GnuTlsClientOneMiBEachWay) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const ClientRun run =
        gnutls_client_run(tls13_server_config(), "NORMAL", "tls13-1mib", {}, kOneMiB, 102);
    ASSERT_EQ(run.outcomes.size(), 1u);
    EXPECT_EQ(run.outcomes[0].negotiated.version, ProtocolVersion::tls13);
    expect_same_view(client_description(run.log), run.outcomes[0].negotiated);
}

// ---- HelloRetryRequest ----

// gnutls-serv takes only P-384; our ClientHello carries one key share, X25519 (our first group):
// the handshake can only end on P-384 through a HelloRetryRequest.
TEST(Tls13GnuTls, OurClientAnswersGnuTlsHelloRetryRequest) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    GnuTlsServer server = start_server13(
        {"--priority", priority13(std::nullopt, {NamedGroup::secp384r1}), "-d", "4"});
    const auto ours = client_round_trip(server, tls13_client_config(), kData, 111);
    EXPECT_EQ(ours.version, ProtocolVersion::tls13);
    EXPECT_EQ(ours.group, NamedGroup::secp384r1);
    expect_same_view(server_description(server), ours);
    EXPECT_NE(server.process.stderr_text().find(kHelloRetryRequest), std::string::npos)
        << peer_output(server.process);
}

// gnutls-cli sends a single key share (X25519) and also lists P-256, the only group our server
// takes: we ask again with a HelloRetryRequest.
TEST(Tls13GnuTls, GnuTlsAnswersOurHelloRetryRequest) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const ClientRun run = gnutls_client_run(
        tls13_server_config([](tls12::ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }),
        priority13(std::nullopt, {NamedGroup::x25519, NamedGroup::secp256r1}), "tls13-hrr",
        {"--single-key-share", "-d", "4"}, kData, 112);
    ASSERT_EQ(run.outcomes.size(), 1u);
    EXPECT_EQ(run.outcomes[0].negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(run.outcomes[0].negotiated.group, NamedGroup::secp256r1);
    expect_same_view(client_description(run.log), run.outcomes[0].negotiated);
    EXPECT_NE(run.debug_log.find(kHelloRetryRequest), std::string::npos) << run.debug_log;
}

// ---- resumption ----

// gnutls-serv hands out tickets; our second connection resumes with one.
TEST(Tls13GnuTls, OurClientResumesWithGnuTls) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    GnuTlsServer server = start_server13({"--priority", "NORMAL"});
    auto config = tls13_client_config();
    const auto first = client_round_trip(server, config, 4096, 120);
    EXPECT_FALSE(first.resumed);
    server_description(server, 1);
    const auto second = client_round_trip(server, config, 4096, 121);
    EXPECT_EQ(second.version, ProtocolVersion::tls13);
    EXPECT_TRUE(second.resumed);
    // A resumed session reports the certificates of the one it resumes.
    EXPECT_EQ(second.peer_certificates.size(), 2u);
    server_description(server, 2);
    EXPECT_EQ(count_of(server.process.stdout_text(), "*** This is a resumed session"), 1u)
        << peer_output(server.process);
}

// gnutls-cli -r: a full handshake, our ticket kept (--waitresumption: it reads until one came), a
// second connection resuming with it; the data then goes through the second one.
TEST(Tls13GnuTls, GnuTlsClientResumesWithOurServer) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const ClientRun run = gnutls_client_run(tls13_server_config(), "NORMAL", "tls13-resume",
                                            {"-r", "--waitresumption"}, 4096, 122,
                                            echo_until_close(kGnuTlsCliWrite), 2);
    ASSERT_EQ(run.outcomes.size(), 2u);
    EXPECT_FALSE(run.outcomes[0].negotiated.resumed);
    EXPECT_TRUE(run.outcomes[1].negotiated.resumed);
    EXPECT_EQ(run.outcomes[1].negotiated.version, ProtocolVersion::tls13);
    EXPECT_NE(run.log.find("*** This is a resumed session"), std::string::npos) << run.log;
}

// Both again with a HelloRetryRequest in the resuming handshake, where the PSK binder must be
// computed over a transcript that starts with the retry (RFC 8446 4.2.11.2, 4.4.1).
TEST(Tls13GnuTls, OurClientResumesWithGnuTlsAcrossHelloRetryRequest) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    GnuTlsServer server = start_server13(
        {"--priority", priority13(std::nullopt, {NamedGroup::secp384r1}), "-d", "4"});
    auto config = tls13_client_config();
    const auto first = client_round_trip(server, config, 4096, 123);
    EXPECT_FALSE(first.resumed);
    server_description(server, 1);
    const auto second = client_round_trip(server, config, 4096, 124);
    EXPECT_TRUE(second.resumed);
    EXPECT_EQ(second.group, NamedGroup::secp384r1);
    server_description(server, 2);
    EXPECT_EQ(count_of(server.process.stdout_text(), "*** This is a resumed session"), 1u)
        << peer_output(server.process);
    EXPECT_EQ(count_of(server.process.stderr_text(), kHelloRetryRequest), 2u);
}

TEST(Tls13GnuTls, GnuTlsClientResumesWithOurServerAcrossHelloRetryRequest) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const ClientRun run = gnutls_client_run(
        tls13_server_config([](tls12::ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }),
        priority13(std::nullopt, {NamedGroup::x25519, NamedGroup::secp256r1}), "tls13-resume-hrr",
        {"-r", "--waitresumption", "--single-key-share", "-d", "4"}, 4096, 125,
        echo_until_close(kGnuTlsCliWrite), 2);
    ASSERT_EQ(run.outcomes.size(), 2u);
    EXPECT_FALSE(run.outcomes[0].negotiated.resumed);
    EXPECT_TRUE(run.outcomes[1].negotiated.resumed);
    EXPECT_EQ(run.outcomes[1].negotiated.group, NamedGroup::secp256r1);
    EXPECT_NE(run.log.find("*** This is a resumed session"), std::string::npos) << run.log;
    EXPECT_EQ(count_of(run.debug_log, kHelloRetryRequest), 2u) << run.debug_log;
}

// ---- client certificates ----

TEST(Tls13GnuTls, OurClientCertificateToGnuTls) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    const auto& pki = tls12_test::test_pki();
    GnuTlsServer server = start_server13({"--priority", "NORMAL", "--require-client-cert",
                                          "--verify-client-cert", "--x509cafile", pki.ca_cert});
    const auto ours = client_round_trip(server, tls13_client_config([&](tls12::ClientConfig& c) {
                                            c.certificate = tls12::CertifiedKey::from_pem_files(
                                                pki.client_chain, pki.client_key);
                                        }),
                                        kData, 130);
    EXPECT_EQ(ours.version, ProtocolVersion::tls13);
    server_description(server);
    const std::string out = server.process.stdout_text();
    EXPECT_NE(out.find("CN=tls12 test client"), std::string::npos) << peer_output(server.process);
    EXPECT_NE(out.find("The certificate is trusted"), std::string::npos)
        << peer_output(server.process);
}

TEST(Tls13GnuTls, GnuTlsClientCertificateToOurServer) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const auto& pki = tls12_test::test_pki();
    auto verifier = tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(pki.ca_cert));
    const ClientRun run = gnutls_client_run(
        tls13_server_config([&](tls12::ServerConfig& s) {
            s.client_auth = tls12::ClientAuth::require;
            s.client_verifier = verifier;
        }),
        "NORMAL", "tls13-client-cert",
        {"--x509certfile", pki.client_chain, "--x509keyfile", pki.client_key}, kData, 131);
    ASSERT_EQ(run.outcomes.size(), 1u);
    EXPECT_EQ(run.outcomes[0].negotiated.version, ProtocolVersion::tls13);
    EXPECT_EQ(run.outcomes[0].negotiated.peer_certificates.size(), 2u) << "leaf + intermediate";
}

// ---- KeyUpdate ----

// Our client updates its keys twice, the first time asking gnutls-serv to update its own: GnuTLS's
// debug log shows both arrive, and the data after each still goes both ways.
TEST(Tls13GnuTls, OurClientKeyUpdateToGnuTls) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    GnuTlsServer server = start_server13({"--priority", "NORMAL", "-d", "4"});
    try {
        tls12::net::Stream s = connect_to(server.port, tls13_client_config());
        for (uint32_t round = 0; round < 3; ++round) {
            const std::string data = text_lines(16 * 1024, 1024, 140 + round);
            const std::string back = exchange(s, data);
            EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n"
                                      << peer_output(server.process);
            if (round < 2) {
                ASSERT_TRUE(s.connection().update_keys(round == 0));
            }
        }
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
    const std::string log = debug_log_with(server.process, kReceivedKeyUpdateAnswer);
    EXPECT_EQ(count_of(log, kReceivedKeyUpdateRequested), 1u) << log;
    EXPECT_EQ(count_of(log, kReceivedKeyUpdateAnswer), 1u) << log;
}

// gnutls-serv's **REHANDSHAKE** command is, under TLS 1.3, a KeyUpdate asking for ours: we answer
// it (GnuTLS logs our KeyUpdate) and the data after it still goes both ways.
TEST(Tls13GnuTls, GnuTlsServerKeyUpdateToOurClient) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    GnuTlsServer server = start_server13({"--priority", "NORMAL", "-d", "4"});
    try {
        tls12::net::Stream s = connect_to(server.port, tls13_client_config());
        const std::string before = text_lines(8 * 1024, 1024, 150);
        EXPECT_TRUE(exchange(s, before) == before) << peer_output(server.process);
        // The command must arrive alone: gnutls-serv looks at the start of what it buffered.
        s.write(std::string_view("**REHANDSHAKE**\n"));
        std::string reply;
        std::vector<uint8_t> buffer(1024);
        while (reply.find('\n') == std::string::npos) {
            const size_t n = s.read(buffer);
            if (n == 0) break;
            reply.append(reinterpret_cast<const char*>(buffer.data()), n);
        }
        EXPECT_NE(reply.find(kCommandDone), std::string::npos) << reply;
        const std::string after = text_lines(8 * 1024, 1024, 151);
        EXPECT_TRUE(exchange(s, after) == after) << peer_output(server.process);
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
    const std::string log = debug_log_with(server.process, kReceivedKeyUpdateAnswer);
    EXPECT_EQ(count_of(log, kSentKeyUpdateRequested), 1u) << log;
    EXPECT_EQ(count_of(log, kReceivedKeyUpdateAnswer), 1u) << log;
}

// gnutls-cli's inline ^rekey^ updates its keys and asks for ours; we answer (its debug log shows
// our KeyUpdate arrive) and the data after it still goes both ways.
TEST(Tls13GnuTls, GnuTlsClientKeyUpdateToOurServer) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    ServerThread server(tls13_server_config(), echo_until_close(kGnuTlsCliWrite));
    GnuTlsClient gnutls = start_gnutls_client(server.port(), "NORMAL", "tls13-rekey",
                                              {"--inline-commands", "-d", "4"});
    const std::string before = text_lines(8 * 1024, 1024, 160);
    const std::string after = text_lines(8 * 1024, 1024, 161);
    EXPECT_EQ(pump_through(gnutls.process, before, 15s), before) << gnutls.output();
    // The command goes on a line of its own (not sent); the data after it once the KeyUpdate
    // went out (its debug log is unbuffered, its log file is not).
    ASSERT_TRUE(gnutls.process.write_stdin("^rekey^\n"));
    EXPECT_TRUE(gnutls.process.wait_for_output(kSentKeyUpdateRequested, 15s, /*from_stderr=*/true))
        << gnutls.output();
    ASSERT_TRUE(gnutls.process.write_stdin(after));  // 8 KiB: fits the pipe
    gnutls.process.wait_for_stdout_size(before.size() + after.size(), 15s);
    EXPECT_EQ(gnutls.process.stdout_text(), before + after) << gnutls.output();
    EXPECT_TRUE(gnutls.process.wait_for_output(kReceivedKeyUpdateAnswer, 15s, true))
        << gnutls.output();
    gnutls.process.close_stdin();
    EXPECT_EQ(gnutls.process.wait(15s), std::optional<int>(0)) << gnutls.output();
    EXPECT_NE(read_log(gnutls.log).find("- Rekey was completed"), std::string::npos)
        << gnutls.output();
    auto outcomes = server.outcomes(30s);
    ASSERT_TRUE(outcomes) << gnutls.output();
    ASSERT_EQ(outcomes->size(), 1u);
    EXPECT_EQ(outcomes->front().error, "") << gnutls.output();
    EXPECT_EQ(outcomes->front().echoed, before.size() + after.size());
    EXPECT_EQ(count_of(gnutls.process.stderr_text(), kReceivedKeyUpdateAnswer), 1u)
        << gnutls.output();
}

// Our server updates its keys once it has echoed the first 16 KiB, asking gnutls-cli to update its
// own: gnutls-cli logs our KeyUpdate, and answers with its own before the data it sends next (it
// answers only when it next sends, hence the three rounds).
TEST(Tls13GnuTls, OurServerKeyUpdateToGnuTlsClient) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    constexpr size_t first = 16 * 1024;
    auto serve = [](tls12::net::Stream& s, ServerOutcome& o) {
        std::vector<uint8_t> buffer(kGnuTlsCliWrite);
        bool updated = false;
        for (size_t n; (n = s.read(buffer)) != 0;) {
            s.write(std::span<const uint8_t>(buffer.data(), n));
            o.echoed += n;
            if (!updated && o.echoed >= first) {
                if (!s.connection().update_keys(true))
                    throw std::runtime_error("update_keys failed");
                updated = true;
            }
        }
        s.close();
        o.clean_close = true;
    };
    ServerThread server(tls13_server_config(), serve);
    GnuTlsClient gnutls =
        start_gnutls_client(server.port(), "NORMAL", "tls13-our-rekey", {"-d", "4"});
    std::string sent;
    for (size_t size : {first, size_t{1024}, size_t{8 * 1024}}) {
        const std::string data = text_lines(size, 1024, static_cast<uint32_t>(170 + size));
        ASSERT_TRUE(gnutls.process.write_stdin(data));  // at most 16 KiB: fits the pipe
        sent += data;
        gnutls.process.wait_for_stdout_size(sent.size(), 15s);
        ASSERT_EQ(gnutls.process.stdout_text(), sent) << gnutls.output();
    }
    gnutls.process.close_stdin();
    EXPECT_EQ(gnutls.process.wait(15s), std::optional<int>(0)) << gnutls.output();
    auto outcomes = server.outcomes(30s);
    ASSERT_TRUE(outcomes) << gnutls.output();
    ASSERT_EQ(outcomes->size(), 1u);
    EXPECT_EQ(outcomes->front().error, "") << gnutls.output();
    EXPECT_EQ(outcomes->front().echoed, sent.size());
    const std::string log = gnutls.process.stderr_text();
    EXPECT_EQ(count_of(log, kReceivedKeyUpdateRequested), 1u) << log;
    EXPECT_EQ(count_of(log, kSentKeyUpdateAnswer), 1u) << log;
}

// ---- mixed versions ----

TEST(Tls13GnuTls, OurTls13ClientAndTls12OnlyGnuTlsChooseTls12) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    GnuTlsServer server = start_server13({"--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"});
    const auto ours = client_round_trip(server, tls13_client_config(), kData, 180);
    EXPECT_EQ(ours.version, ProtocolVersion::tls12);
    expect_same_view(server_description(server), ours);
}

TEST(Tls13GnuTls, Tls12OnlyOurServerAndGnuTls13ClientChooseTls12) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const ClientRun run = gnutls_client_run(
        tls12_test::server_config(
            tls12_test::ServerKey::rsa2048,
            [](tls12::ServerConfig& s) { s.max_version = ProtocolVersion::tls12; }),
        "NORMAL", "tls13-mixed", {}, kData, 181);
    ASSERT_EQ(run.outcomes.size(), 1u);
    EXPECT_EQ(run.outcomes[0].negotiated.version, ProtocolVersion::tls12);
    expect_same_view(client_description(run.log), run.outcomes[0].negotiated);
}

}  // namespace
}  // namespace interop
