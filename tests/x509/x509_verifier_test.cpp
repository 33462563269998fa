// The tls adapter: x509 verdicts become the right alerts; ServerConfig::from_pem_files.
#include <gtest/gtest.h>

#include <chrono>

#include <tls12/tls/config.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/certificate.h>
#include "support/pki.h"

namespace {

using tls12::AlertDescription;
using tls12::x509::VerifyCode;
using tls12_test::test_pki;

std::vector<tls12::crypto::Bytes> chain(const std::string& path) {
    return tls12::x509::load_certificate_chain(path);
}

tls12::Status run(const std::vector<tls12::crypto::Bytes>& certs, std::string_view name,
                  tls12::PeerRole role = tls12::PeerRole::server) {
    static const auto verifier =
        tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert));
    tls12::VerifyRequest request{certs, name, role, std::chrono::system_clock::now()};
    return verifier->verify(request);
}

void expect_alert(const tls12::Status& status, AlertDescription alert) {
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().alert, alert) << status.error().reason;
    EXPECT_NE(status.error().reason.find("certificate"), std::string::npos);
}

TEST(X509Verifier, AcceptsGoodChains) {
    EXPECT_TRUE(run(chain(test_pki().server_chain), "localhost").ok());
    EXPECT_TRUE(run(chain(test_pki().ecdsa256_chain), "127.0.0.1").ok());
    EXPECT_TRUE(run(chain(test_pki().client_chain), "", tls12::PeerRole::client).ok());
}

TEST(X509Verifier, AlertMapping) {
    expect_alert(run(chain(test_pki().expired_chain), "localhost"),
                 AlertDescription::certificate_expired);
    expect_alert(run(chain(test_pki().server_cert), "localhost"), AlertDescription::unknown_ca);
    expect_alert(run(chain(test_pki().self_signed_cert), "localhost"),
                 AlertDescription::unknown_ca);
    expect_alert(run(chain(test_pki().wrong_host_chain), "localhost"),
                 AlertDescription::bad_certificate);
    expect_alert(run({}, "localhost"), AlertDescription::bad_certificate);
    expect_alert(run({tls12::crypto::Bytes{1, 2, 3}}, "localhost"),
                 AlertDescription::bad_certificate);
    expect_alert(run(chain(test_pki().client_chain), "", tls12::PeerRole::server),
                 AlertDescription::certificate_unknown);
    expect_alert(run(chain(test_pki().server_chain), "", tls12::PeerRole::client),
                 AlertDescription::certificate_unknown);
    expect_alert(run(chain(test_pki().rsa1024_chain), "localhost"),
                 AlertDescription::certificate_unknown);
}

TEST(X509Verifier, ReasonNamesTheCertificate) {
    const auto status = run(chain(test_pki().expired_chain), "localhost");
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().reason.find("certificate 0 (CN=localhost) expired at 2021-01-01"),
              std::string::npos)
        << status.error().reason;
}

TEST(X509Verifier, AlertForEveryCode) {
    EXPECT_EQ(tls12::alert_for(VerifyCode::expired), AlertDescription::certificate_expired);
    EXPECT_EQ(tls12::alert_for(VerifyCode::not_yet_valid), AlertDescription::certificate_expired);
    EXPECT_EQ(tls12::alert_for(VerifyCode::unknown_ca), AlertDescription::unknown_ca);
    EXPECT_EQ(tls12::alert_for(VerifyCode::self_signed), AlertDescription::unknown_ca);
    EXPECT_EQ(tls12::alert_for(VerifyCode::hostname_mismatch), AlertDescription::bad_certificate);
    EXPECT_EQ(tls12::alert_for(VerifyCode::malformed), AlertDescription::bad_certificate);
    EXPECT_EQ(tls12::alert_for(VerifyCode::empty_chain), AlertDescription::bad_certificate);
    EXPECT_EQ(tls12::alert_for(VerifyCode::bad_signature), AlertDescription::bad_certificate);
    EXPECT_EQ(tls12::alert_for(VerifyCode::unsupported_algorithm),
              AlertDescription::unsupported_certificate);
    EXPECT_EQ(tls12::alert_for(VerifyCode::unknown_critical_extension),
              AlertDescription::unsupported_certificate);
    EXPECT_EQ(tls12::alert_for(VerifyCode::revoked), AlertDescription::certificate_revoked);
    EXPECT_EQ(tls12::alert_for(VerifyCode::weak_key_or_signature),
              AlertDescription::certificate_unknown);
    EXPECT_EQ(tls12::alert_for(VerifyCode::bad_usage), AlertDescription::certificate_unknown);
    EXPECT_EQ(tls12::alert_for(VerifyCode::bad_basic_constraints),
              AlertDescription::certificate_unknown);
    EXPECT_EQ(tls12::alert_for(VerifyCode::chain_too_long), AlertDescription::certificate_unknown);
    EXPECT_EQ(tls12::alert_for(VerifyCode::other), AlertDescription::certificate_unknown);
}

TEST(ServerConfigFromPemFiles, LoadsChainAndKey) {
    const auto config =
        tls12::ServerConfig::from_pem_files(test_pki().server_chain, test_pki().server_key);
    ASSERT_EQ(config.certificates.size(), 1u);
    EXPECT_EQ(config.certificates[0].chain().size(), 2u);
    ASSERT_TRUE(config.certificates[0].key());
    EXPECT_EQ(config.certificates[0].key()->type(), tls12::crypto::KeyType::rsa);

    const auto ec = tls12::ServerConfig::from_pem_files(test_pki().ecdsa256_chain,
                                                        test_pki().ecdsa256_key_sec1);
    EXPECT_EQ(ec.certificates[0].key()->type(), tls12::crypto::KeyType::ecdsa_p256);
}

TEST(ServerConfigFromPemFiles, RefusesMismatchedKey) {
    try {
        (void)tls12::ServerConfig::from_pem_files(test_pki().server_chain, test_pki().client_key);
        FAIL() << "mismatched key accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("does not match"), std::string::npos) << e.what();
    }
}

TEST(ServerConfigFromPemFiles, ReadableErrors) {
    try {
        (void)tls12::ServerConfig::from_pem_files(test_pki().server_chain,
                                                  test_pki().server_key_encrypted);
        FAIL() << "encrypted key accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("encrypted private keys are not supported"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(
        (void)tls12::ServerConfig::from_pem_files("/nonexistent.pem", test_pki().server_key),
        std::runtime_error);
}

}  // namespace
