// Every supported suite x group against GnuTLS 3.7, both directions, 1 MiB each way:
//   OurClientToGnuTls: our client -> `gnutls-serv --echo`
//   GnuTlsToOurServer: `gnutls-cli` -> our tls12::net::TlsListener echoing in a thread (1 MiB
//   streamed
//                      through gnutls-cli's stdin/stdout, its informational output in a log file)
// Both sides are pinned to the suite and group under test by priority strings / our configs, and
// each side verifies the other's chain against the test root.
//
// This is the full cross product (20 suite x group cases per direction), not a thinned-out one:
// the gnutls-cli direction is the slowest of the suite (gnutls-cli writes received data to stdout
// a byte at a time, ~1-4 s per MiB depending on load), and the whole interop label still runs in
// about a minute with ctest -j2 on 2 busy cores.
#include <gtest/gtest.h>

#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

constexpr size_t kOneMiB = 1024 * 1024;

uint32_t seed_of(const Case& c) {
    return static_cast<uint32_t>(c.suite) * 131u +
           (c.group ? static_cast<uint32_t>(*c.group) : 0u) + 7u;
}

class OurClientToGnuTls : public testing::TestWithParam<Case> {};

TEST_P(OurClientToGnuTls, OneMiBEachWay) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    const Case& c = GetParam();
    GnuTlsServer server = start_gnutls_server(c);
    try {
        tls12::net::Stream s = connect_to(server.port, pinned_client(c));
        expect_negotiated(s.negotiated(), c);
        EXPECT_EQ(s.negotiated().peer_certificates.size(), 2u) << "leaf + intermediate";

        const std::string data = text_lines(kOneMiB, 1024, seed_of(c));
        const std::string back = exchange(s, data);
        EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n"
                                  << peer_output(server.process);
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
}

INSTANTIATE_TEST_SUITE_P(AllSuitesAndGroups, OurClientToGnuTls, testing::ValuesIn(all_cases()),
                         case_name);

class GnuTlsToOurServer : public testing::TestWithParam<Case> {};

TEST_P(GnuTlsToOurServer, OneMiBEachWay) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const Case& c = GetParam();
    // gnutls-cli reads the socket 4 KiB at a time and only looks again when select() reports the
    // socket readable, so the rest of a bigger record waits for its 2-second select timeout:
    // echo in records that fit its buffer to keep the transfer fast.
    EchoServer server(pinned_server(c), 4096);
    GnuTlsClient gnutls =
        start_gnutls_client(server.port(), c.gnutls_priority(/*client=*/true), c.name());
    Process& client = gnutls.process;
    auto client_output = [&] { return gnutls.output(); };

    const std::string data = text_lines(kOneMiB, 1024, seed_of(c) + 1);
    const std::string back = pump_through(client, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n" << client_output();

    // stdin EOF: gnutls-cli sends close_notify (gnutls_bye) and exits.
    client.close_stdin();
    const auto code = client.wait(15s);
    EXPECT_EQ(code, std::optional<int>(0)) << client_output();

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value()) << "our server did not finish\n" << client_output();
    EXPECT_EQ(outcome->error, "") << client_output();
    EXPECT_TRUE(outcome->handshake_complete);
    expect_negotiated(outcome->negotiated, c);
    EXPECT_EQ(outcome->negotiated.server_name, "localhost");
    EXPECT_EQ(outcome->echoed, data.size());
    EXPECT_TRUE(outcome->clean_close) << "no close_notify from gnutls-cli";
}

INSTANTIATE_TEST_SUITE_P(AllSuitesAndGroups, GnuTlsToOurServer, testing::ValuesIn(all_cases()),
                         case_name);

}  // namespace
}  // namespace interop
