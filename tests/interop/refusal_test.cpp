// What we refuse and what we negotiate down, against real peers:
//   - a client limited to TLS 1.0 / 1.1 gets protocol_version from our server;
//   - our client against a server limited to TLS 1.1 fails the handshake;
//   - a client with no suite in common gets handshake_failure;
//   - TLS 1.3-capable clients (OpenSSL 3, GnuTLS 3.7 with default settings) negotiate TLS 1.2 with
//     our server (which also means we do not set the TLS 1.3 downgrade sentinel wrongly).
#include <gtest/gtest.h>

#include <iostream>

#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

tls12_test::SpawnOptions no_stdin() {
    tls12_test::SpawnOptions o;
    o.pipe_stdin = false;  // EOF at once: s_client closes right after the handshake
    return o;
}

std::vector<std::string> s_client_args(uint16_t port, std::vector<std::string> extra) {
    std::vector<std::string> argv = {"openssl",
                                     "s_client",
                                     "-connect",
                                     "127.0.0.1:" + std::to_string(port),
                                     "-servername",
                                     "localhost",
                                     "-CAfile",
                                     tls12_test::test_pki().ca_cert,
                                     "-verify_return_error"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

class OldProtocolClient : public testing::TestWithParam<std::string> {};

TEST_P(OldProtocolClient, RefusedWithProtocolVersion) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(tls12_test::server_config());
    // OpenSSL 3 refuses TLS 1.0/1.1 itself at the default security level: lower it, so that it is
    // our server that says no.
    Process client = Process::spawn(
        s_client_args(server.port(), {GetParam(), "-cipher", "DEFAULT@SECLEVEL=0"}), no_stdin());
    const auto code = client.wait(20s);
    ASSERT_TRUE(code.has_value()) << peer_output(client);
    EXPECT_NE(*code, 0) << "s_client " << GetParam() << " connected\n" << peer_output(client);
    EXPECT_TRUE(client.wait_for_output("alert protocol version", 5s, /*from_stderr=*/true))
        << "s_client did not receive protocol_version\n"
        << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_FALSE(outcome->handshake_complete);
    ASSERT_TRUE(outcome->tls_error.has_value()) << outcome->error << "\n" << peer_output(client);
    EXPECT_EQ(tls12::to_string(outcome->tls_error->alert),
              tls12::to_string(tls12::AlertDescription::protocol_version))
        << outcome->tls_error->message();
    EXPECT_FALSE(outcome->tls_error->reason.empty());
}

std::string protocol_name(const testing::TestParamInfo<std::string>& p) {
    return p.param == "-tls1" ? "Tls10" : "Tls11";
}

INSTANTIATE_TEST_SUITE_P(OpenSslClient, OldProtocolClient, testing::Values("-tls1_1", "-tls1"),
                         protocol_name);

// Our client pinned to TLS 1.2 (no supported_versions), then with its defaults (TLS 1.3 and 1.2 in
// supported_versions).
TEST(OldProtocolServer, OurClientRefusesTls11Server) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    {
        OpenSslServer server = start_openssl_server(
            pki.server_cert, pki.server_key, pki.intermediate_cert,
            {"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-rev", "-naccept", "1"},
            /*tls12_only=*/false);
        try {
            tls12::net::Stream s = connect_to(server.port, tls12_test::client_config12());
            FAIL() << "handshake with a TLS 1.1-only server succeeded\n"
                   << peer_output(server.process);
        } catch (const tls12::net::TlsError& e) {
            std::cout << "  our client refused: " << e.what() << "\n";
            // Every suite we offer is TLS 1.2-only (AEAD), so OpenSSL, having picked TLS 1.1, finds
            // no suite and aborts with handshake_failure before it could send a TLS 1.1
            // ServerHello; a server that did send one would get protocol_version from us. Either
            // way: refused, with a reason.
            const auto alert = e.alert();
            EXPECT_TRUE(alert == tls12::AlertDescription::protocol_version ||
                        alert == tls12::AlertDescription::handshake_failure)
                << e.what();
            EXPECT_FALSE(e.reason().empty());
        } catch (const std::exception& e) {
            FAIL() << "expected a TlsError, got: " << e.what() << "\n"
                   << peer_output(server.process);
        }
        EXPECT_TRUE(server.process.wait(15s).has_value()) << peer_output(server.process);
        const std::string err = server.process.stderr_text();
        EXPECT_TRUE(err.find("no shared cipher") != std::string::npos ||
                    err.find("alert protocol version") != std::string::npos)
            << peer_output(server.process);
    }
    // supported_versions lists nothing OpenSSL's TLS 1.1 server speaks: it refuses the version
    // itself (protocol_version), and our client says why.
    OpenSslServer server =
        start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert,
                             {"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-rev", "-naccept", "1"},
                             /*tls12_only=*/false);
    try {
        tls12::net::Stream s = connect_to(server.port, tls12_test::client_config());
        FAIL() << "handshake with a TLS 1.1-only server succeeded\n" << peer_output(server.process);
    } catch (const tls12::net::TlsError& e) {
        std::cout << "  our client refused: " << e.what() << "\n";
        EXPECT_EQ(e.alert(), tls12::AlertDescription::protocol_version) << e.what();
        EXPECT_NE(e.reason().find("refuses every version this client offers"), std::string::npos)
            << e.what();
    } catch (const std::exception& e) {
        FAIL() << "expected a TlsError, got: " << e.what() << "\n" << peer_output(server.process);
    }
    EXPECT_TRUE(server.process.wait(15s).has_value()) << peer_output(server.process);
    EXPECT_NE(server.process.stderr_text().find("unsupported protocol"), std::string::npos)
        << peer_output(server.process);
}

TEST(NoCommonSuite, OpenSslClientGetsHandshakeFailure) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(tls12_test::server_config());
    Process client = Process::spawn(
        s_client_args(server.port(), {"-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"}), no_stdin());
    const auto code = client.wait(20s);
    ASSERT_TRUE(code.has_value()) << peer_output(client);
    EXPECT_NE(*code, 0) << peer_output(client);
    EXPECT_TRUE(client.wait_for_output("alert handshake failure", 5s, /*from_stderr=*/true))
        << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    ASSERT_TRUE(outcome->tls_error.has_value()) << outcome->error;
    EXPECT_EQ(tls12::to_string(outcome->tls_error->alert),
              tls12::to_string(tls12::AlertDescription::handshake_failure))
        << outcome->tls_error->message();
    EXPECT_FALSE(outcome->tls_error->reason.empty());
}

TEST(NoCommonSuite, GnuTlsClientGetsHandshakeFailure) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    EchoServer server(tls12_test::server_config());
    Process client =
        Process::spawn({"gnutls-cli", "127.0.0.1", "-p", std::to_string(server.port()),
                        "--x509cafile", tls12_test::test_pki().ca_cert, "--sni-hostname",
                        "localhost", "--verify-hostname", "localhost", "--priority",
                        "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1"},
                       no_stdin());
    const auto code = client.wait(20s);
    ASSERT_TRUE(code.has_value()) << peer_output(client);
    EXPECT_NE(*code, 0) << peer_output(client);
    const std::string all = client.stdout_text() + client.stderr_text();
    EXPECT_NE(all.find("Handshake failed"), std::string::npos) << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    ASSERT_TRUE(outcome->tls_error.has_value()) << outcome->error;
    EXPECT_EQ(tls12::to_string(outcome->tls_error->alert),
              tls12::to_string(tls12::AlertDescription::handshake_failure))
        << outcome->tls_error->message();
}

// A server pinned to TLS 1.2 (max_version) and clients that offer TLS 1.3 too.
TEST(Tls13CapableClient, OpenSslNegotiatesTls12) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(tls12_test::server_config12());
    // No -tls1_2: s_client offers TLS 1.3 (supported_versions) and TLS 1.2.
    Process client = Process::spawn(s_client_args(server.port(), {}), no_stdin());
    const auto code = client.wait(20s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client);
    const std::string out = client.stdout_text();
    EXPECT_NE(out.find("New, TLSv1.2, Cipher is ECDHE-RSA-"), std::string::npos)
        << peer_output(client);
    EXPECT_NE(out.find("Protocol  : TLSv1.2"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find("Verify return code: 0 (ok)"), std::string::npos) << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->error, "");
    EXPECT_TRUE(outcome->handshake_complete);
    EXPECT_EQ(outcome->negotiated.version, tls12::ProtocolVersion::tls12);
    EXPECT_TRUE(outcome->negotiated.extended_master_secret);
}

TEST(Tls13CapableClient, GnuTlsNegotiatesTls12) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    EchoServer server(tls12_test::server_config12());
    // Default priority (NORMAL): TLS 1.3 and 1.2 offered.
    Process client =
        Process::spawn({"gnutls-cli", "127.0.0.1", "-p", std::to_string(server.port()),
                        "--x509cafile", tls12_test::test_pki().ca_cert, "--sni-hostname",
                        "localhost", "--verify-hostname", "localhost"},
                       no_stdin());
    const auto code = client.wait(20s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client);
    const std::string out = client.stdout_text() + client.stderr_text();
    EXPECT_NE(out.find("- Description: (TLS1.2"), std::string::npos) << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->error, "");
    EXPECT_TRUE(outcome->handshake_complete);
    EXPECT_EQ(outcome->negotiated.version, tls12::ProtocolVersion::tls12);
}

}  // namespace
}  // namespace interop
