// Which certificate our server presents to a real client.
//
// In TLS 1.2 a client's supported_groups also names the curves it accepts for the server's ECDSA
// key (RFC 8422 5.1: a server "MUST NOT negotiate the use of an ECC cipher suite unless [it] can
// complete the handshake while respecting the choice of curves specified by the client"; 5.3: the
// ECDSA certificate's public key must be on a curve the client supports). OpenSSL enforces this
// ("tls12_check_peer_sigalg:wrong curve", illegal_parameter). So a client that offers only X25519
// must get an RSA certificate (ECDHE-RSA) when the server has one, and handshake_failure when the
// server has only a P-256 certificate.
#include <gtest/gtest.h>

#include <tls12/x509/certificate.h>
#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

tls12_test::SpawnOptions no_stdin() {
    tls12_test::SpawnOptions o;
    o.pipe_stdin = false;
    return o;
}

Process x25519_only_client(uint16_t port) {
    return Process::spawn(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-tls1_2",
         "-servername", "localhost", "-CAfile", tls12_test::test_pki().ca_cert,
         "-verify_return_error", "-groups", "X25519"},
        no_stdin());
}

TEST(CertificateSelection, EcdsaCertificateSkippedWhenClientLacksItsCurve) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    // ECDSA P-256 first (preferred), RSA as the alternative.
    EchoServer server(
        tls12_test::server_config(tls12_test::ServerKey::ecdsa_p256, [&](tls12::ServerConfig& cfg) {
            cfg.certificates.push_back({tls12::x509::load_certificate_chain(pki.server_chain),
                                        std::make_shared<const tls12::crypto::PrivateKey>(
                                            tls12::x509::load_private_key(pki.server_key))});
        }));
    Process client = x25519_only_client(server.port());
    const auto code = client.wait(20s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client);
    EXPECT_NE(client.stdout_text().find("New, TLSv1.2, Cipher is ECDHE-RSA-"), std::string::npos)
        << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_TRUE(outcome->handshake_complete);
}

TEST(CertificateSelection, OnlyEcdsaCertificateOnAnotherCurveIsHandshakeFailure) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(tls12_test::server_config(tls12_test::ServerKey::ecdsa_p256));
    Process client = x25519_only_client(server.port());
    const auto code = client.wait(20s);
    ASSERT_TRUE(code.has_value());
    EXPECT_NE(*code, 0) << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_FALSE(outcome->handshake_complete);
    ASSERT_TRUE(outcome->tls_error.has_value()) << outcome->error;
    // We refuse (our alert), rather than sending a certificate the client cannot use and
    // receiving its illegal_parameter.
    EXPECT_EQ(tls12::to_string(outcome->tls_error->alert),
              tls12::to_string(tls12::AlertDescription::handshake_failure))
        << outcome->tls_error->message() << "\n"
        << peer_output(client);
    EXPECT_TRUE(client.wait_for_output("alert handshake failure", 5s, /*from_stderr=*/true))
        << peer_output(client);
}

}  // namespace
}  // namespace interop
