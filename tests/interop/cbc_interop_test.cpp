// The opt-in legacy CBC suites against real peers on loopback, 256 KiB each way, with and without
// encrypt-then-MAC (RFC 7366):
//   CbcOurClientToOpenSsl: our client -> `openssl s_server -tls1_2 -rev -cipher <suite> [-no_etm]`
//   CbcOpenSslToOurServer: `openssl s_client -tls1_2 -cipher <suite> [-no_etm]` -> our echo server
//   CbcOurClientToGnuTls / CbcGnuTlsToOurServer: gnutls-serv / gnutls-cli with a CBC priority
//                          string ("%NO_ETM" to turn encrypt-then-MAC off)
// Modes: etm (both sides allow it: negotiated), peer_no_etm (the peer refuses it:
// MAC-then-encrypt), our_no_etm (our side does not offer / accept it: MAC-then-encrypt).
#include <gtest/gtest.h>

#include <tls12/tls/connection.h>
#include <tls12/tls/suites.h>
#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

constexpr size_t kData = 256 * 1024;

enum class Mode { etm, peer_no_etm, our_no_etm };

struct CbcCase {
    tls12::CipherSuite suite;
    Mode mode;

    Case base() const {
        Case c{suite, std::nullopt, false};
        if (tls12::find_suite(suite)->ecdhe()) c.group = tls12::NamedGroup::x25519;
        c.no_etm = mode == Mode::peer_no_etm;
        return c;
    }
    bool expect_etm() const { return mode == Mode::etm; }
};

void PrintTo(const CbcCase& c, std::ostream* os) {
    *os << tls12::openssl_name(c.suite) << " mode " << static_cast<int>(c.mode);
}

std::string cbc_case_name(const testing::TestParamInfo<CbcCase>& info) {
    std::string n = info.param.base().name();
    switch (info.param.mode) {
        case Mode::etm:
            return n + "_etm";
        case Mode::peer_no_etm:
            return n + "_peer_no_etm";
        case Mode::our_no_etm:
            return n + "_our_no_etm";
    }
    return n;
}

const tls12::CipherSuite kAll[] = {
    tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    tls12::CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256,
    tls12::CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
    tls12::CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA,
};

// Every suite with and without ETM on the peer's side, plus our side declining it once per
// key exchange.
std::vector<CbcCase> openssl_cases() {
    std::vector<CbcCase> out;
    for (auto s : kAll)
        for (Mode m : {Mode::etm, Mode::peer_no_etm}) out.push_back({s, m});
    out.push_back({tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, Mode::our_no_etm});
    out.push_back({tls12::CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA, Mode::our_no_etm});
    return out;
}

std::vector<CbcCase> gnutls_cases() {
    std::vector<CbcCase> out;
    for (auto s : {tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
                   tls12::CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA})
        for (Mode m : {Mode::etm, Mode::peer_no_etm}) out.push_back({s, m});
    out.push_back({tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, Mode::our_no_etm});
    return out;
}

std::shared_ptr<const tls12::ClientConfig> our_client(const CbcCase& c) {
    const Case base = c.base();
    return tls12_test::client_config([&](tls12::ClientConfig& cfg) {
        cfg.cipher_suites = {c.suite};
        if (base.group) cfg.groups = base.client_groups();
        cfg.encrypt_then_mac = c.mode != Mode::our_no_etm;
    });
}

std::shared_ptr<const tls12::ServerConfig> our_server(const CbcCase& c) {
    const Case base = c.base();
    return tls12_test::server_config(tls12_test::ServerKey::rsa2048, [&](tls12::ServerConfig& cfg) {
        cfg.cipher_suites = {c.suite};
        if (base.group) cfg.groups = {*base.group};
        cfg.encrypt_then_mac = c.mode != Mode::our_no_etm;
    });
}

uint32_t seed_of(const CbcCase& c) {
    return static_cast<uint32_t>(c.suite) * 17u + static_cast<uint32_t>(c.mode);
}

// ---- OpenSSL ----

class CbcOurClientToOpenSsl : public testing::TestWithParam<CbcCase> {};

TEST_P(CbcOurClientToOpenSsl, QuarterMiBEachWay) {
    INTEROP_REQUIRE_TOOL("openssl");
    const CbcCase& c = GetParam();
    const Case base = c.base();
    std::vector<std::string> extra = {"-rev", "-naccept", "1", "-cipher", base.openssl_suite()};
    if (base.group) {
        extra.push_back("-groups");
        extra.push_back(base.openssl_group());
    }
    if (c.mode == Mode::peer_no_etm) extra.push_back("-no_etm");
    OpenSslServer server = start_openssl_server_for(base, extra);
    try {
        tls12::net::Stream s = connect_to(server.port, our_client(c));
        expect_negotiated(s.negotiated(), base);
        EXPECT_EQ(s.negotiated().encrypt_then_mac, c.expect_etm());
        const std::string data = text_lines(kData, 1024, seed_of(c));
        const std::string back = exchange(s, data);
        const std::string expected = reverse_lines(data);
        EXPECT_TRUE(back == expected) << describe_mismatch(expected, back) << "\n"
                                      << peer_output(server.process);
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
    const auto code = server.process.wait(15s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(server.process);
}

INSTANTIATE_TEST_SUITE_P(CbcSuites, CbcOurClientToOpenSsl, testing::ValuesIn(openssl_cases()),
                         cbc_case_name);

class CbcOpenSslToOurServer : public testing::TestWithParam<CbcCase> {};

TEST_P(CbcOpenSslToOurServer, QuarterMiBEachWay) {
    INTEROP_REQUIRE_TOOL("openssl");
    const CbcCase& c = GetParam();
    const Case base = c.base();
    EchoServer server(our_server(c));
    std::vector<std::string> argv = {"openssl",
                                     "s_client",
                                     "-connect",
                                     "127.0.0.1:" + std::to_string(server.port()),
                                     "-tls1_2",
                                     "-servername",
                                     "localhost",
                                     "-CAfile",
                                     tls12_test::test_pki().ca_cert,
                                     "-verify_return_error",
                                     "-verify_hostname",
                                     "localhost",
                                     "-cipher",
                                     base.openssl_suite(),
                                     "-quiet",
                                     "-no_ign_eof",
                                     "-nocommands"};
    if (base.group) {
        argv.push_back("-groups");
        argv.push_back(base.openssl_client_groups());
    }
    if (c.mode == Mode::peer_no_etm) argv.push_back("-no_etm");
    Process client = Process::spawn(argv);

    const std::string data = text_lines(kData, 1024, seed_of(c) + 1);
    const std::string back = pump_through(client, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n" << peer_output(client);
    client.close_stdin();
    const auto code = client.wait(15s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value()) << "our server did not finish\n" << peer_output(client);
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_TRUE(outcome->handshake_complete);
    expect_negotiated(outcome->negotiated, base);
    EXPECT_EQ(outcome->negotiated.encrypt_then_mac, c.expect_etm());
    EXPECT_EQ(outcome->echoed, data.size());
    EXPECT_TRUE(outcome->clean_close);
}

INSTANTIATE_TEST_SUITE_P(CbcSuites, CbcOpenSslToOurServer, testing::ValuesIn(openssl_cases()),
                         cbc_case_name);

// ---- GnuTLS ----

class CbcOurClientToGnuTls : public testing::TestWithParam<CbcCase> {};

TEST_P(CbcOurClientToGnuTls, QuarterMiBEachWay) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    const CbcCase& c = GetParam();
    const Case base = c.base();
    GnuTlsServer server = start_gnutls_server(base);
    try {
        tls12::net::Stream s = connect_to(server.port, our_client(c));
        expect_negotiated(s.negotiated(), base);
        EXPECT_EQ(s.negotiated().encrypt_then_mac, c.expect_etm());
        const std::string data = text_lines(kData, 1024, seed_of(c));
        const std::string back = exchange(s, data);
        EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n"
                                  << peer_output(server.process);
        s.close();
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << peer_output(server.process);
    }
}

INSTANTIATE_TEST_SUITE_P(CbcSuites, CbcOurClientToGnuTls, testing::ValuesIn(gnutls_cases()),
                         cbc_case_name);

class CbcGnuTlsToOurServer : public testing::TestWithParam<CbcCase> {};

TEST_P(CbcGnuTlsToOurServer, QuarterMiBEachWay) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    INTEROP_REQUIRE_TOOL("bash");
    const CbcCase& c = GetParam();
    const Case base = c.base();
    // Records that fit gnutls-cli's 4 KiB reads (see gnutls_matrix_test.cpp).
    EchoServer server(our_server(c), 4096);
    GnuTlsClient gnutls = start_gnutls_client(server.port(), base.gnutls_priority(/*client=*/true),
                                              cbc_case_name({c, 0}));
    Process& client = gnutls.process;
    auto client_output = [&] { return gnutls.output(); };

    const std::string data = text_lines(kData, 1024, seed_of(c) + 1);
    const std::string back = pump_through(client, data);
    EXPECT_TRUE(back == data) << describe_mismatch(data, back) << "\n" << client_output();
    client.close_stdin();
    const auto code = client.wait(15s);
    EXPECT_EQ(code, std::optional<int>(0)) << client_output();

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value()) << "our server did not finish\n" << client_output();
    EXPECT_EQ(outcome->error, "") << client_output();
    EXPECT_TRUE(outcome->handshake_complete);
    expect_negotiated(outcome->negotiated, base);
    EXPECT_EQ(outcome->negotiated.encrypt_then_mac, c.expect_etm());
    EXPECT_EQ(outcome->echoed, data.size());
    EXPECT_TRUE(outcome->clean_close);
}

INSTANTIATE_TEST_SUITE_P(CbcSuites, CbcGnuTlsToOurServer, testing::ValuesIn(gnutls_cases()),
                         cbc_case_name);

}  // namespace
}  // namespace interop
