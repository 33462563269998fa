// Features beyond the basic handshake, in memory: mutual TLS, certificate selection by SNI and
// signature algorithms, ALPN, the key log.
#include <gtest/gtest.h>

#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>
#include "support/engine_pair.h"
#include "support/pki.h"

using namespace tls12;
using namespace tls12_test;

namespace {

std::shared_ptr<const CertificateVerifier> test_ca_verifier() {
    static const auto verifier =
        make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert));
    return verifier;
}

CertifiedKey client_certificate() {
    return CertifiedKey::from_pem_files(test_pki().client_chain, test_pki().client_key);
}

std::shared_ptr<const ServerConfig> mtls_server(ClientAuth mode) {
    return server_config(ServerKey::rsa2048, [&](ServerConfig& s) {
        s.client_auth = mode;
        s.client_verifier = test_ca_verifier();
    });
}

TEST(MutualTls, RequiredCertificatePresented) {
    auto client = client_config([](ClientConfig& c) { c.certificate = client_certificate(); });
    auto pair = make_pair(client, mtls_server(ClientAuth::require));
    ASSERT_TRUE(pair.handshake()) << (pair.server.error() ? pair.server.error()->message() : "");
    EXPECT_EQ(pair.server.negotiated().peer_certificates.size(), 2u);
    const std::vector<uint8_t> data{1, 2, 3};
    EXPECT_EQ(pair.round_trip(pair.client, pair.server, data), data);
}

// TLS 1.2's key exchanges (TLS 1.3's client certificates: engine13_test.cpp).
TEST(MutualTls, EveryKeyExchangeSignsCertificateVerify) {
    for (auto suite : {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
                       CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}) {
        auto client = client_config12([&](ClientConfig& c) {
            c.certificate = client_certificate();
            c.cipher_suites = {suite};
        });
        auto pair = make_pair(client, mtls_server(ClientAuth::require));
        EXPECT_TRUE(pair.handshake()) << to_string(suite);
    }
}

// TLS 1.2's handshake_failure (TLS 1.3's certificate_required: Engine13.ClientCertificateMissing).
TEST(MutualTls, RequiredCertificateMissing) {
    auto pair = make_pair(client_config12(), mtls_server(ClientAuth::require));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::handshake_failure);
    ASSERT_TRUE(pair.client.error());
    EXPECT_EQ(pair.client.error()->alert, AlertDescription::handshake_failure);
}

TEST(MutualTls, RequestedCertificateIsOptional) {
    auto pair = make_pair(client_config(), mtls_server(ClientAuth::request));
    ASSERT_TRUE(pair.handshake());
    EXPECT_TRUE(pair.server.negotiated().peer_certificates.empty());
}

TEST(MutualTls, ServerCertificateIsNotAClientCertificate) {
    // The server leaf has only the serverAuth EKU: refused for clientAuth.
    auto client = client_config([](ClientConfig& c) {
        c.certificate =
            CertifiedKey::from_pem_files(test_pki().server_chain, test_pki().server_key);
    });
    auto pair = make_pair(client, mtls_server(ClientAuth::require));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_NE(pair.server.error()->alert, AlertDescription::internal_error);
}

TEST(MutualTls, UntrustedClientCertificate) {
    auto client = client_config([](ClientConfig& c) {
        c.certificate =
            CertifiedKey::from_pem_files(test_pki().self_signed_cert, test_pki().self_signed_key);
    });
    auto pair = make_pair(client, mtls_server(ClientAuth::require));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::unknown_ca);
}

std::shared_ptr<const ServerConfig> dual_server() {
    return server_config(ServerKey::rsa2048, [](ServerConfig& s) {
        s.certificates.push_back(
            CertifiedKey::from_pem_files(test_pki().ecdsa256_chain, test_pki().ecdsa256_key));
    });
}

// By the TLS 1.2 suite's key exchange too, so TLS 1.2 is pinned.
TEST(CertificateSelection, BySignatureAlgorithms) {
    auto ecdsa_only = client_config12(
        [](ClientConfig& c) { c.signature_schemes = {SignatureScheme::ecdsa_secp256r1_sha256}; });
    auto pair = make_pair(ecdsa_only, dual_server());
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.client.negotiated().cipher_suite,
              CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);

    auto rsa_only = client_config12(
        [](ClientConfig& c) { c.signature_schemes = {SignatureScheme::rsa_pss_rsae_sha256}; });
    auto pair2 = make_pair(rsa_only, dual_server());
    ASSERT_TRUE(pair2.handshake());
    EXPECT_EQ(pair2.client.negotiated().cipher_suite,
              CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
}

TEST(CertificateSelection, BySni) {
    // The first certificate is for wrong.example.com; SNI "localhost" selects the second.
    auto server = server_config(ServerKey::rsa2048, [](ServerConfig& s) {
        s.certificates.insert(
            s.certificates.begin(),
            CertifiedKey::from_pem_files(test_pki().wrong_host_chain, test_pki().wrong_host_key));
    });
    auto pair = make_pair(client_config(), server, "localhost");
    ASSERT_TRUE(pair.handshake()) << (pair.client.error() ? pair.client.error()->message() : "");
    auto pair2 = make_pair(client_config(), server, "wrong.example.com");
    ASSERT_TRUE(pair2.handshake()) << (pair2.client.error() ? pair2.client.error()->message() : "");
}

TEST(Alpn, ServerPreferenceWins) {
    auto client = client_config([](ClientConfig& c) { c.alpn_protocols = {"http/1.1", "h2"}; });
    auto server = server_config(ServerKey::rsa2048, [](ServerConfig& s) {
        s.alpn_protocols = {"h2", "http/1.1"};
    });
    auto pair = make_pair(client, server);
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.client.negotiated().alpn, "h2");
    EXPECT_EQ(pair.server.negotiated().alpn, "h2");
}

TEST(Alpn, NoOverlapIsFatal) {
    auto client = client_config([](ClientConfig& c) { c.alpn_protocols = {"spdy/3"}; });
    auto server =
        server_config(ServerKey::rsa2048, [](ServerConfig& s) { s.alpn_protocols = {"h2"}; });
    auto pair = make_pair(client, server);
    EXPECT_FALSE(pair.handshake());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::no_application_protocol);
    EXPECT_EQ(pair.client.error()->alert, AlertDescription::no_application_protocol);
}

TEST(Alpn, ServerWithoutAlpnIgnoresIt) {
    auto client = client_config([](ClientConfig& c) { c.alpn_protocols = {"h2"}; });
    auto pair = make_pair(client, server_config());
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.client.negotiated().alpn, "");
}

// TLS 1.2's one line (TLS 1.3's five: Engine13.KeyLogHasTheFiveTls13Secrets).
TEST(KeyLog, BothSidesLogTheSameLine) {
    std::vector<std::string> client_lines, server_lines;
    auto client = client_config12([&](ClientConfig& c) {
        c.key_log = [&](const std::string& l) { client_lines.push_back(l); };
    });
    auto server = server_config(ServerKey::rsa2048, [&](ServerConfig& s) {
        s.key_log = [&](const std::string& l) { server_lines.push_back(l); };
    });
    auto pair = make_pair(client, server);
    ASSERT_TRUE(pair.handshake());
    ASSERT_EQ(client_lines.size(), 1u);
    EXPECT_EQ(client_lines, server_lines);
    EXPECT_EQ(client_lines[0].rfind("CLIENT_RANDOM ", 0), 0u);
    EXPECT_EQ(client_lines[0].size(), 14u + 64 + 1 + 96);
}

}  // namespace
