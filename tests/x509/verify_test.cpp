// Chain validation against the test PKI.
#include <gtest/gtest.h>

#include <chrono>

#include <tls12/x509/certificate.h>
#include <tls12/x509/verify.h>
#include "support/pki.h"

namespace {

using namespace std::chrono_literals;
using tls12::x509::Purpose;
using tls12::x509::VerifyCode;
using tls12_test::test_pki;

std::vector<tls12::crypto::Bytes> chain(const std::string& path) {
    return tls12::x509::load_certificate_chain(path);
}

const tls12::x509::TrustStore& root_store() {
    static const tls12::x509::TrustStore store =
        tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert);
    return store;
}

tls12::x509::VerifyResult verify(
    const std::vector<tls12::crypto::Bytes>& certs, std::string_view host = "localhost",
    Purpose purpose = Purpose::server_auth,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
    const tls12::x509::TrustStore& trust = root_store()) {
    return tls12::x509::verify_chain(certs, trust, host, purpose, now);
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(VerifyChain, GoodChainsWithIntermediate) {
    for (const auto& path :
         {test_pki().server_chain, test_pki().ecdsa256_chain, test_pki().ecdsa384_chain}) {
        SCOPED_TRACE(path);
        const auto r = verify(chain(path));
        EXPECT_EQ(r.code, VerifyCode::ok) << r.reason;
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(verify(chain(path), "127.0.0.1").ok());
        EXPECT_TRUE(verify(chain(path), "LocalHost.").ok());
        EXPECT_TRUE(verify(chain(path), "").ok());  // no name check requested
    }
}

TEST(VerifyChain, IntermediateFromTheTrustStoreIsEnough) {
    auto trust = root_store();
    trust.add(chain(test_pki().intermediate_cert));
    const auto r = verify(chain(test_pki().server_cert), "localhost", Purpose::server_auth,
                          std::chrono::system_clock::now(), trust);
    EXPECT_TRUE(r.ok()) << r.reason;
}

TEST(VerifyChain, OutOfOrderAndExtraCertificatesAreFine) {
    auto certs = chain(test_pki().server_chain);
    certs.push_back(chain(test_pki().ecdsa256_cert)[0]);  // unrelated extra
    certs.push_back(chain(test_pki().ca_cert)[0]);        // the root itself
    EXPECT_TRUE(verify(certs).ok());
}

TEST(VerifyChain, EmptyChain) {
    const auto r = verify({});
    EXPECT_EQ(r.code, VerifyCode::empty_chain);
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.reason.empty());
}

TEST(VerifyChain, Malformed) {
    auto certs = chain(test_pki().server_chain);
    certs[1] = tls12::crypto::Bytes{0x30, 0x03, 0x02, 0x01, 0x00};
    const auto r = verify(certs);
    EXPECT_EQ(r.code, VerifyCode::malformed);
    EXPECT_EQ(r.certificate_index, 1u);
    EXPECT_TRUE(contains(r.reason, "certificate 1 does not parse")) << r.reason;
}

TEST(VerifyChain, BadSignature) {
    auto certs = chain(test_pki().server_chain);
    certs[0][certs[0].size() - 5] ^= 0x01;  // inside the signature value
    const auto r = verify(certs);
    EXPECT_EQ(r.code, VerifyCode::bad_signature) << r.reason;
    EXPECT_EQ(r.certificate_index, 0u);
}

TEST(VerifyChain, MissingIntermediateIsUnknownCa) {
    const auto r = verify(chain(test_pki().server_cert));
    EXPECT_EQ(r.code, VerifyCode::unknown_ca) << r.reason;
    EXPECT_EQ(r.certificate_index, 0u);
    EXPECT_TRUE(contains(r.reason, "certificate 0 (CN=localhost)")) << r.reason;
    EXPECT_TRUE(contains(r.reason, "tls12 Test Intermediate CA")) << r.reason;
}

TEST(VerifyChain, UnknownCa) {
    // Trusting only the system roots: our test root is unknown.
    static const auto system = tls12::x509::TrustStore::system();
    const auto r = verify(chain(test_pki().server_chain), "localhost", Purpose::server_auth,
                          std::chrono::system_clock::now(), system);
    EXPECT_EQ(r.code, VerifyCode::unknown_ca) << r.reason;
    EXPECT_EQ(r.certificate_index, 1u);
    EXPECT_TRUE(contains(r.reason, "tls12 Test Root CA")) << r.reason;

    // The peer sends the untrusted root along.
    auto with_root = chain(test_pki().server_chain);
    with_root.push_back(chain(test_pki().ca_cert)[0]);
    const auto r2 = verify(with_root, "localhost", Purpose::server_auth,
                           std::chrono::system_clock::now(), system);
    EXPECT_EQ(r2.code, VerifyCode::unknown_ca) << r2.reason;
    EXPECT_TRUE(contains(r2.reason, "not in the trust store")) << r2.reason;

    // An empty trust store trusts nothing.
    const auto r3 = verify(chain(test_pki().server_chain), "localhost", Purpose::server_auth,
                           std::chrono::system_clock::now(), tls12::x509::TrustStore());
    EXPECT_EQ(r3.code, VerifyCode::unknown_ca) << r3.reason;
}

TEST(VerifyChain, ExpiredLeaf) {
    const auto r = verify(chain(test_pki().expired_chain));
    EXPECT_EQ(r.code, VerifyCode::expired) << r.reason;
    EXPECT_EQ(r.certificate_index, 0u);
    EXPECT_TRUE(
        contains(r.reason, "certificate 0 (CN=localhost) expired at 2021-01-01 00:00:00 UTC"))
        << r.reason;
    // ... but it was fine in 2020 (when the CAs did not exist yet: not_yet_valid instead).
    const auto in_2020 = std::chrono::sys_days(std::chrono::year(2020) / 6 / 1);
    const auto r2 =
        verify(chain(test_pki().expired_chain), "localhost", Purpose::server_auth, in_2020);
    EXPECT_EQ(r2.code, VerifyCode::not_yet_valid) << r2.reason;
    EXPECT_EQ(r2.certificate_index, 1u);  // the intermediate
}

TEST(VerifyChain, TimeIsTheGivenNow) {
    const auto info = tls12::x509::describe(chain(test_pki().server_cert)[0]);
    const auto before = verify(chain(test_pki().server_chain), "localhost", Purpose::server_auth,
                               info.not_before - 24h);
    EXPECT_EQ(before.code, VerifyCode::not_yet_valid) << before.reason;
    EXPECT_TRUE(contains(before.reason, "is not valid before")) << before.reason;
    const auto after = verify(chain(test_pki().server_chain), "localhost", Purpose::server_auth,
                              info.not_after + 1s);
    EXPECT_EQ(after.code, VerifyCode::expired) << after.reason;
    EXPECT_TRUE(contains(after.reason, "certificate 0 (CN=localhost) expired at " +
                                           tls12::x509::format_time(info.not_after)))
        << after.reason;
}

TEST(VerifyChain, WrongHostName) {
    const auto r = verify(chain(test_pki().wrong_host_chain), "localhost");
    EXPECT_EQ(r.code, VerifyCode::hostname_mismatch) << r.reason;
    EXPECT_TRUE(contains(r.reason, "\"localhost\"")) << r.reason;
    EXPECT_TRUE(contains(r.reason, "DNS:wrong.example.com")) << r.reason;
    EXPECT_TRUE(verify(chain(test_pki().wrong_host_chain), "wrong.example.com").ok());

    const auto server = chain(test_pki().server_chain);
    EXPECT_EQ(verify(server, "example.com").code, VerifyCode::hostname_mismatch);
    EXPECT_EQ(verify(server, "127.0.0.2").code, VerifyCode::hostname_mismatch);
    EXPECT_EQ(verify(server, "::1").code, VerifyCode::hostname_mismatch);
    EXPECT_EQ(verify(server, "localhost.localdomain").code, VerifyCode::hostname_mismatch);
}

TEST(VerifyChain, WildcardCertificate) {
    const auto w = chain(test_pki().wildcard_chain);
    EXPECT_TRUE(verify(w, "a.example.test").ok());
    EXPECT_TRUE(verify(w, "WWW.EXAMPLE.TEST").ok());
    EXPECT_EQ(verify(w, "example.test").code, VerifyCode::hostname_mismatch);
    EXPECT_EQ(verify(w, "a.b.example.test").code, VerifyCode::hostname_mismatch);
}

TEST(VerifyChain, SelfSignedLeaf) {
    const auto r = verify(chain(test_pki().self_signed_cert));
    EXPECT_EQ(r.code, VerifyCode::self_signed) << r.reason;
    EXPECT_TRUE(contains(r.reason, "certificate 0 (CN=localhost) is self-signed")) << r.reason;
}

TEST(VerifyChain, SelfSignedLeafTrustedDirectly) {
    // Botan refuses any self-signed end entity; we accept exactly the trusted certificate.
    const auto certs = chain(test_pki().self_signed_cert);
    const auto trust = tls12::x509::TrustStore::from_certificates(certs);
    const auto now = std::chrono::system_clock::now();
    EXPECT_TRUE(verify(certs, "localhost", Purpose::server_auth, now, trust).ok());
    EXPECT_EQ(verify(certs, "example.com", Purpose::server_auth, now, trust).code,
              VerifyCode::hostname_mismatch);
    EXPECT_EQ(verify(certs, "localhost", Purpose::server_auth, now + 24h * 1000, trust).code,
              VerifyCode::expired);
}

TEST(VerifyChain, NotAfterPastTheYear2262) {
    const auto now = std::chrono::system_clock::now();
    const auto issued =
        verify(chain(test_pki().far_future_chain), "localhost", Purpose::server_auth, now);
    EXPECT_TRUE(issued.ok()) << issued.reason;

    const auto certs = chain(test_pki().self_signed_far_cert);
    const auto trust = tls12::x509::TrustStore::from_certificates(certs);
    const auto self_signed = verify(certs, "localhost", Purpose::server_auth, now, trust);
    EXPECT_TRUE(self_signed.ok()) << self_signed.reason;
}

TEST(VerifyChain, ExtendedKeyUsage) {
    const auto client = chain(test_pki().client_chain);
    const auto as_client = verify(client, "", Purpose::client_auth);
    EXPECT_TRUE(as_client.ok()) << as_client.reason;
    const auto as_server = verify(client, "", Purpose::server_auth);
    EXPECT_EQ(as_server.code, VerifyCode::bad_usage) << as_server.reason;
    EXPECT_TRUE(contains(as_server.reason, "TLS server authentication")) << as_server.reason;

    const auto server_as_client = verify(chain(test_pki().server_chain), "", Purpose::client_auth);
    EXPECT_EQ(server_as_client.code, VerifyCode::bad_usage) << server_as_client.reason;
}

TEST(VerifyChain, IssuerThatIsNotACa) {
    const auto r = verify(chain(test_pki().not_ca_chain));
    EXPECT_EQ(r.code, VerifyCode::bad_basic_constraints) << r.reason;
    EXPECT_EQ(r.certificate_index, 1u);
    EXPECT_TRUE(contains(r.reason, "certificate 1 (CN=tls12 Not A CA) is not a CA")) << r.reason;
}

TEST(VerifyChain, WeakSignatureHash) {
    const auto r = verify(chain(test_pki().sha1_chain));
    EXPECT_EQ(r.code, VerifyCode::weak_key_or_signature) << r.reason;
    EXPECT_TRUE(contains(r.reason, "SHA-1") || contains(r.reason, "SHA-160")) << r.reason;
}

TEST(VerifyChain, WeakLeafKey) {
    const auto r = verify(chain(test_pki().rsa1024_chain));
    EXPECT_EQ(r.code, VerifyCode::weak_key_or_signature) << r.reason;
    EXPECT_EQ(r.certificate_index, 0u);
    EXPECT_TRUE(contains(r.reason, "RSA-1024")) << r.reason;
}

TEST(VerifyChain, TooManyCertificates) {
    auto certs = chain(test_pki().server_chain);
    while (certs.size() <= 10) certs.push_back(certs.back());
    EXPECT_EQ(verify(certs).code, VerifyCode::chain_too_long);
    tls12::x509::VerifyOptions options;
    options.max_chain_length = 20;
    const auto r = tls12::x509::verify_chain(certs, root_store(), "localhost", Purpose::server_auth,
                                             std::chrono::system_clock::now(), options);
    EXPECT_TRUE(r.ok()) << r.reason;
}

TEST(VerifyCodeNames, AreReadable) {
    EXPECT_STREQ(tls12::x509::to_string(VerifyCode::ok), "ok");
    EXPECT_STREQ(tls12::x509::to_string(VerifyCode::hostname_mismatch), "hostname_mismatch");
}

}  // namespace
