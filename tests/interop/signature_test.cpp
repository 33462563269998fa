// ECDSA signatures in TLS 1.2 against OpenSSL: a scheme names the hash, not the curve (RFC 5246
// 7.4.1.4.1; RFC 8446 4.2.3: signatures on any advertised curve MUST be accepted when TLS 1.2 is
// negotiated). OpenSSL is forced to ECDSA with SHA-384 on P-256 keys (-sigalgs for the server's
// ServerKeyExchange, -client_sigalgs for the client's CertificateVerify), and asks us for it, in
// both roles and both directions of mutual TLS.
#include <gtest/gtest.h>

#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>
#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

tls12_test::SpawnOptions no_stdin() {
    tls12_test::SpawnOptions o;
    o.pipe_stdin = false;
    return o;
}

// s_client against our server, run to completion (stdin /dev/null: it quits after the handshake).
Process run_s_client(uint16_t port, std::vector<std::string> extra) {
    std::vector<std::string> argv = {"openssl",
                                     "s_client",
                                     "-connect",
                                     "127.0.0.1:" + std::to_string(port),
                                     "-tls1_2",
                                     "-servername",
                                     "localhost",
                                     "-CAfile",
                                     tls12_test::test_pki().ca_cert,
                                     "-verify_return_error"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Process p = Process::spawn(argv, no_stdin());
    if (!p.wait(30s)) p.stop();
    return p;
}

std::shared_ptr<const tls12::CertificateVerifier> test_ca_verifier() {
    return tls12::make_x509_verifier(
        tls12::x509::TrustStore::from_pem_file(tls12_test::test_pki().ca_cert));
}

// ---- the server's signature ------------------------------------------------------------------

// OpenSSL's server with a P-256 key signs its ServerKeyExchange with SHA-384 (as Botan's and
// NSS's do by default): our client advertised ecdsa_secp384r1_sha384, so it accepts.
TEST(EcdsaHashes, OurClientAcceptsSha384FromAP256Server) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    auto server = start_openssl_server(pki.ecdsa256_cert, pki.ecdsa256_key, pki.intermediate_cert,
                                       {"-sigalgs", "ECDSA+SHA384", "-naccept", "1"});
    try {
        tls12::net::Stream s = connect_to(server.port, tls12_test::client_config());
        EXPECT_TRUE(s.is_handshake_complete());
        EXPECT_EQ(s.negotiated().signature_scheme, tls12::SignatureScheme::ecdsa_secp384r1_sha384);
        s.close();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << peer_output(server.process);
    }
}

// OpenSSL's client accepts ECDSA with SHA-384 only: our P-256 server signs with it.
TEST(EcdsaHashes, OurP256ServerSignsWithSha384WhenAsked) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(tls12_test::server_config(tls12_test::ServerKey::ecdsa_p256));
    Process client = run_s_client(server.port(), {"-sigalgs", "ECDSA+SHA384"});
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    const std::string out = client.stdout_text();
    EXPECT_NE(out.find("Peer signing digest: SHA384"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find("Peer signature type: ECDSA"), std::string::npos) << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_TRUE(outcome->handshake_complete) << outcome->error;
    EXPECT_EQ(outcome->negotiated.signature_scheme, tls12::SignatureScheme::ecdsa_secp384r1_sha384);
}

// ---- the client's signature (mutual TLS) -----------------------------------------------------

// OpenSSL's client signs its CertificateVerify with SHA-384 and a P-256 key: our server listed
// ecdsa_secp384r1_sha384 in its CertificateRequest, so it accepts.
TEST(EcdsaHashes, OurServerAcceptsSha384FromAP256ClientCertificate) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    EchoServer server(
        tls12_test::server_config(tls12_test::ServerKey::rsa2048, [](tls12::ServerConfig& cfg) {
            cfg.client_auth = tls12::ClientAuth::require;
            cfg.client_verifier = test_ca_verifier();
        }));
    Process client = run_s_client(
        server.port(), {"-cert", pki.client_ec256_cert, "-key", pki.client_ec256_key, "-cert_chain",
                        pki.intermediate_cert, "-client_sigalgs", "ECDSA+SHA384"});
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_TRUE(outcome->handshake_complete) << outcome->error << "\n" << peer_output(client);
    EXPECT_EQ(outcome->negotiated.peer_certificates.size(), 2u);
}

// OpenSSL's server asks for ECDSA with SHA-384 only: our client signs with it using its P-256
// key (instead of sending no certificate).
TEST(EcdsaHashes, OurP256ClientCertificateSignsWithSha384WhenAsked) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    auto server =
        start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert,
                             {"-Verify", "3", "-verify_return_error", "-CAfile", pki.ca_cert,
                              "-client_sigalgs", "ECDSA+SHA384", "-naccept", "1"});
    auto config = tls12_test::client_config([&](tls12::ClientConfig& cfg) {
        cfg.certificate =
            tls12::CertifiedKey::from_pem_files(pki.client_ec256_chain, pki.client_ec256_key);
    });
    try {
        tls12::net::Stream s = connect_to(server.port, config);
        // The server sends its Finished only once our CertificateVerify verified.
        EXPECT_TRUE(s.is_handshake_complete());
        s.close();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << peer_output(server.process);
    }
    EXPECT_TRUE(server.process.wait_for_output("tls12 test client P-256", 10s))
        << peer_output(server.process);
    EXPECT_EQ(server.process.stderr_text().find("error"), std::string::npos)
        << peer_output(server.process);
}

}  // namespace
}  // namespace interop
