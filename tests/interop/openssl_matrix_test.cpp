// Every supported suite x group against OpenSSL 3, both directions, 1 MiB each way:
//   OurClientToOpenSsl: our client -> `openssl s_server -tls1_2 -rev` (it sends every line back
//                       reversed, so both directions are checked byte for byte)
//   OpenSslToOurServer: `openssl s_client -tls1_2` -> our tls12::net::TlsListener echoing in a
//   thread
//                       (1 MiB streamed through s_client's stdin/stdout)
// Both sides are pinned to the suite and group under test and the negotiated values checked; the
// peer also verifies our chain (s_client -verify_return_error) and we verify its chain.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <tls12/tls/connection.h>
#include <tls12/tls/suites.h>
#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

constexpr size_t kOneMiB = 1024 * 1024;

// The matrix itself: every suite the engine implements and every default group, so a suite added
// to the engine is automatically tested against the peers.
TEST(InteropMatrix, CoversEverySupportedSuiteAndGroup) {
    const auto cases = all_cases();
    std::set<std::string> suites;
    std::set<std::string> groups;
    for (const auto& c : cases) {
        suites.insert(c.openssl_suite());
        if (c.group) groups.insert(c.openssl_group());
        EXPECT_EQ(tls12::cipher_suite_from_name(c.openssl_suite()), c.suite) << c.name();
    }
    for (tls12::CipherSuite s : tls12::default_cipher_suites())
        EXPECT_TRUE(suites.count(tls12::openssl_name(s))) << tls12::openssl_name(s);
    for (const char* expected : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                                 "ECDHE-RSA-CHACHA20-POLY1305", "AES128-GCM-SHA256",
                                 "AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256",
                                 "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"})
        EXPECT_TRUE(suites.count(expected)) << expected;
    EXPECT_EQ(groups, (std::set<std::string>{"X25519", "P-256", "P-384"}));
    // 6 ECDHE suites x 3 groups + 2 RSA key exchange suites.
    EXPECT_EQ(cases.size(), 20u);
}

uint32_t seed_of(const Case& c) {
    return static_cast<uint32_t>(c.suite) * 31u + (c.group ? static_cast<uint32_t>(*c.group) : 0u);
}

class OurClientToOpenSsl : public testing::TestWithParam<Case> {};

TEST_P(OurClientToOpenSsl, OneMiBEachWay) {
    INTEROP_REQUIRE_TOOL("openssl");
    const Case& c = GetParam();
    std::vector<std::string> extra = {"-rev", "-naccept", "1", "-cipher", c.openssl_suite()};
    if (c.group) {
        extra.push_back("-groups");
        extra.push_back(c.openssl_group());
    }
    OpenSslServer server = start_openssl_server_for(c, extra);
    try {
        tls12::net::Stream s = connect_to(server.port, pinned_client(c));
        expect_negotiated(s.negotiated(), c);
        EXPECT_EQ(s.negotiated().peer_certificates.size(), 2u) << "leaf + intermediate";

        // 1 KiB lines, sent in 16 KiB chunks (whole lines, as -rev answers per line).
        const std::string data = text_lines(kOneMiB, 1024, seed_of(c));
        const std::string back = exchange(s, data);
        const std::string expected = reverse_lines(data);
        EXPECT_TRUE(back == expected) << describe_mismatch(expected, back) << "\n"
                                      << peer_output(server.process);
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
    // -naccept 1: s_server exits once our connection has ended.
    const auto code = server.process.wait(15s);
    EXPECT_EQ(code, std::optional<int>(0)) << "s_server did not finish cleanly after our close\n"
                                           << peer_output(server.process);
}

INSTANTIATE_TEST_SUITE_P(AllSuitesAndGroups, OurClientToOpenSsl, testing::ValuesIn(all_cases()),
                         case_name);

class OpenSslToOurServer : public testing::TestWithParam<Case> {};

TEST_P(OpenSslToOurServer, OneMiBEachWay) {
    INTEROP_REQUIRE_TOOL("openssl");
    const Case& c = GetParam();
    EchoServer server(pinned_server(c));
    std::vector<std::string> argv = {
        "openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port()), "-tls1_2",
        "-servername", "localhost", "-CAfile", tls12_test::test_pki().ca_cert,
        "-verify_return_error", "-verify_hostname", "localhost", "-cipher", c.openssl_suite(),
        // Only application data on stdout; close_notify at stdin EOF.
        "-quiet", "-no_ign_eof", "-nocommands"};
    if (c.group) {
        argv.push_back("-groups");
        argv.push_back(c.openssl_client_groups());
    }
    Process client = Process::spawn(argv);

    const std::string data = text_lines(kOneMiB, 1024, seed_of(c) + 1);
    const std::string back = pump_through(client, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n" << peer_output(client);

    // stdin EOF: s_client sends close_notify and exits; our server answers with its own.
    client.close_stdin();
    const auto code = client.wait(15s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value()) << "our server did not finish\n" << peer_output(client);
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_TRUE(outcome->handshake_complete);
    expect_negotiated(outcome->negotiated, c);
    EXPECT_EQ(outcome->negotiated.server_name, "localhost");
    EXPECT_EQ(outcome->echoed, data.size());
    EXPECT_TRUE(outcome->clean_close) << "no close_notify from s_client";
}

INSTANTIATE_TEST_SUITE_P(AllSuitesAndGroups, OpenSslToOurServer, testing::ValuesIn(all_cases()),
                         case_name);

}  // namespace
}  // namespace interop
