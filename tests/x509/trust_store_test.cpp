// Trust stores: the system bundle, files, directories, in-memory certificates.
#include <gtest/gtest.h>

#include <filesystem>

#include <tls12/x509/certificate.h>
#include <tls12/x509/trust_store.h>
#include "support/pki.h"

namespace {

using tls12_test::test_pki;

TEST(TrustStore, EmptyByDefault) {
    tls12::x509::TrustStore store;
    EXPECT_EQ(store.size(), 0u);
    EXPECT_TRUE(store.empty());
}

TEST(TrustStore, SystemBundleLoads) {
    const auto store = tls12::x509::TrustStore::system();
    EXPECT_GT(store.size(), 100u);
}

TEST(TrustStore, FromPemFile) {
    const auto store = tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert);
    EXPECT_EQ(store.size(), 1u);
    EXPECT_TRUE(store.contains(tls12::x509::load_certificate_chain(test_pki().ca_cert)[0]));
    EXPECT_FALSE(store.contains(tls12::x509::load_certificate_chain(test_pki().server_cert)[0]));
    EXPECT_THROW(tls12::x509::TrustStore::from_pem_file("/nonexistent.pem"), tls12::x509::Error);
    EXPECT_THROW(tls12::x509::TrustStore::from_pem_file(test_pki().server_key), tls12::x509::Error);
}

TEST(TrustStore, FromCertificatesIgnoresDuplicates) {
    const auto chain = tls12::x509::load_certificate_chain(test_pki().server_chain);
    auto store = tls12::x509::TrustStore::from_certificates({chain[1], chain[1], chain[0]});
    EXPECT_EQ(store.size(), 2u);
    store.add(chain[0]);
    EXPECT_EQ(store.size(), 2u);
    EXPECT_EQ(store.certificates(), (std::vector<tls12::crypto::Bytes>{chain[1], chain[0]}));
    EXPECT_THROW(store.add(tls12::crypto::Bytes{0x30, 0x00}), tls12::x509::Error);
    EXPECT_EQ(store.size(), 2u);
}

TEST(TrustStore, CopiesAreIndependent) {
    const auto ca = tls12::x509::load_certificate_chain(test_pki().ca_cert)[0];
    const auto intermediate = tls12::x509::load_certificate_chain(test_pki().intermediate_cert)[0];
    auto a = tls12::x509::TrustStore::from_certificates({ca});
    auto b = a;
    b.add(intermediate);
    EXPECT_EQ(a.size(), 1u);
    EXPECT_EQ(b.size(), 2u);
    EXPECT_FALSE(a.contains(intermediate));
    auto c = std::move(b);
    EXPECT_EQ(c.size(), 2u);
}

TEST(TrustStore, FromDirectory) {
    namespace fs = std::filesystem;
    const std::string dir = tls12_test::scratch_dir() + "/trust-dir";
    fs::create_directories(dir);
    fs::copy_file(test_pki().ca_cert, dir + "/root.pem", fs::copy_options::overwrite_existing);
    fs::copy_file(test_pki().intermediate_cert, dir + "/intermediate.crt",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(test_pki().server_key, dir + "/key.pem", fs::copy_options::overwrite_existing);
    tls12_test::write_text_file(dir + "/README.txt", "not a certificate");
    const auto store = tls12::x509::TrustStore::from_directory(dir);
    EXPECT_EQ(store.size(), 2u);
    EXPECT_THROW(tls12::x509::TrustStore::from_directory("/nonexistent-dir"), tls12::x509::Error);
    const std::string empty = tls12_test::scratch_dir() + "/empty-dir";
    fs::create_directories(empty);
    EXPECT_THROW(tls12::x509::TrustStore::from_directory(empty), tls12::x509::Error);
}

TEST(TrustStore, SystemDirectoryLoads) {
    ASSERT_TRUE(std::filesystem::is_directory("/etc/ssl/certs")) << "ca-certificates missing";
    EXPECT_GT(tls12::x509::TrustStore::from_directory("/etc/ssl/certs").size(), 100u);
}

}  // namespace
