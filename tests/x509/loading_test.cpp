// Loading certificates and private keys from files and memory.
#include <gtest/gtest.h>

#include <string>

#include <tls12/x509/certificate.h>
#include "support/pki.h"

namespace {

using tls12_test::read_text_file;
using tls12_test::test_pki;
using tls12_test::write_text_file;

// Runs f, expects an tls12::x509::Error whose message contains needle.
template <typename F>
void expect_error(F&& f, const std::string& needle) {
    try {
        f();
        ADD_FAILURE() << "no exception; expected one mentioning \"" << needle << "\"";
    } catch (const tls12::x509::Error& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

std::string scratch(const std::string& name) {
    return tls12_test::scratch_dir() + "/" + name;
}

TEST(LoadCertificates, PemChainLeafFirst) {
    const auto chain = tls12::x509::load_certificate_chain(test_pki().server_chain);
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(tls12::x509::describe(chain[0]).subject, "CN=localhost");
    EXPECT_EQ(tls12::x509::describe(chain[1]).subject,
              "CN=tls12 Test Intermediate CA, O=tls12 tests");
    EXPECT_EQ(tls12::x509::describe(chain[0]).issuer, tls12::x509::describe(chain[1]).subject);
}

TEST(LoadCertificates, DerSingleCertificateEqualsPem) {
    const auto der = tls12::x509::load_certificate_chain(test_pki().server_cert_der);
    const auto pem = tls12::x509::load_certificate_chain(test_pki().server_cert);
    ASSERT_EQ(der.size(), 1u);
    EXPECT_EQ(der, pem);
}

TEST(LoadCertificates, FromMemoryIgnoresTextAndOtherBlocks) {
    const std::string pem = "Bag Attributes: whatever\n" + read_text_file(test_pki().server_cert) +
                            "some text\n" + read_text_file(test_pki().server_key) +
                            read_text_file(test_pki().ca_cert);
    const auto certs = tls12::x509::parse_certificates_pem(pem);
    ASSERT_EQ(certs.size(), 2u);
    EXPECT_EQ(tls12::x509::describe(certs[1]).subject, "CN=tls12 Test Root CA, O=tls12 tests");
}

TEST(LoadCertificates, Errors) {
    expect_error([] { tls12::x509::load_certificate_chain("/nonexistent/cert.pem"); },
                 "cannot read");
    expect_error([] { tls12::x509::load_certificate_chain(test_pki().server_key); },
                 "no certificate found");
    write_text_file(scratch("garbage.pem"), "this is not a certificate\n\x01\x02\x03");
    expect_error([] { tls12::x509::load_certificate_chain(scratch("garbage.pem")); },
                 "no certificate found");
    write_text_file(scratch("empty.pem"), "");
    expect_error([] { tls12::x509::load_certificate_chain(scratch("empty.pem")); }, "empty");
    // A PEM block whose contents are not a certificate.
    write_text_file(scratch("bad-block.pem"),
                    "-----BEGIN CERTIFICATE-----\nAAECAwQFBgc=\n-----END CERTIFICATE-----\n");
    expect_error([] { tls12::x509::load_certificate_chain(scratch("bad-block.pem")); },
                 "certificate 0 does not parse");
    write_text_file(scratch("unterminated.pem"), "-----BEGIN CERTIFICATE-----\nAAEC\n");
    expect_error([] { tls12::x509::load_certificate_chain(scratch("unterminated.pem")); },
                 "-----END CERTIFICATE-----");
    // The file name is part of the message.
    expect_error([] { tls12::x509::load_certificate_chain(scratch("garbage.pem")); },
                 scratch("garbage.pem"));
}

TEST(Describe, ServerLeaf) {
    const auto der = tls12::x509::load_certificate_chain(test_pki().server_cert).front();
    const auto info = tls12::x509::describe(der);
    EXPECT_EQ(info.subject, "CN=localhost");
    EXPECT_EQ(info.names.dns, std::vector<std::string>{"localhost"});
    ASSERT_EQ(info.names.ips.size(), 1u);
    EXPECT_EQ(tls12::x509::format_ip_address(info.names.ips[0]), "127.0.0.1");
    EXPECT_EQ(info.names.common_name, "localhost");
    EXPECT_TRUE(info.names.has_san);
    EXPECT_EQ(info.public_key, "RSA-2048");
    EXPECT_FALSE(info.is_ca);
    EXPECT_FALSE(info.self_signed);
    EXPECT_LT(info.not_before, info.not_after);
    EXPECT_NE(info.to_string().find("DNS:localhost IP:127.0.0.1"), std::string::npos);

    const auto ec =
        tls12::x509::describe(tls12::x509::load_certificate_chain(test_pki().ecdsa384_cert)[0]);
    EXPECT_EQ(ec.public_key, "ECDSA-P384");
    const auto ca =
        tls12::x509::describe(tls12::x509::load_certificate_chain(test_pki().ca_cert)[0]);
    EXPECT_TRUE(ca.is_ca);
    EXPECT_TRUE(ca.self_signed);
}

TEST(Describe, ExpiredDates) {
    const auto info =
        tls12::x509::describe(tls12::x509::load_certificate_chain(test_pki().expired_cert)[0]);
    EXPECT_EQ(tls12::x509::format_time(info.not_before), "2020-01-01 00:00:00 UTC");
    EXPECT_EQ(tls12::x509::format_time(info.not_after), "2021-01-01 00:00:00 UTC");
}

TEST(Describe, DatesPastTheYear2262) {
    // A nanosecond system_clock::time_point ends in 2262; certificates may go further.
    const auto info =
        tls12::x509::describe(tls12::x509::load_certificate_chain(test_pki().far_future_chain)[0]);
    EXPECT_EQ(tls12::x509::format_time(info.not_after), "2500-12-31 23:59:59 UTC");
    EXPECT_LT(info.not_before, info.not_after);
}

// Inputs the x509_loaders fuzzer found crashing, kept in fuzz/regressions/x509_loaders/.
//   not-after-year-2926: a certificate whose notAfter overflowed system_clock's nanoseconds
//   (UBSan: signed integer overflow in chrono); its signature no longer matters to describe().
TEST(Describe, FuzzRegressions) {
    const std::string dir = std::string(TLS12_SOURCE_DIR) + "/fuzz/regressions/x509_loaders";
    const auto info = tls12::x509::describe(
        tls12::x509::load_certificate_chain(dir + "/not-after-year-2926").at(0));
    EXPECT_EQ(tls12::x509::format_time(info.not_after), "2926-11-03 00:05:02 UTC");
}

TEST(LoadPrivateKey, AllUnencryptedFormatsGiveTheSameKey) {
    const auto& p = test_pki();
    const auto cert = tls12::x509::load_certificate_chain(p.server_cert).front();
    for (const auto& path : {p.server_key, p.server_key_pkcs1, p.server_key_der}) {
        SCOPED_TRACE(path);
        const auto key = tls12::x509::load_private_key(path);
        EXPECT_EQ(key.type(), tls12::crypto::KeyType::rsa);
        EXPECT_EQ(key.bits(), 2048u);
        EXPECT_TRUE(tls12::x509::key_matches_certificate(key, cert));
    }
}

TEST(LoadPrivateKey, EcdsaPkcs8AndSec1) {
    const auto& p = test_pki();
    const auto cert256 = tls12::x509::load_certificate_chain(p.ecdsa256_cert).front();
    for (const auto& path : {p.ecdsa256_key, p.ecdsa256_key_sec1}) {
        SCOPED_TRACE(path);
        const auto key = tls12::x509::load_private_key(path);
        EXPECT_EQ(key.type(), tls12::crypto::KeyType::ecdsa_p256);
        EXPECT_TRUE(tls12::x509::key_matches_certificate(key, cert256));
    }
    const auto key384 = tls12::x509::load_private_key(p.ecdsa384_key);
    EXPECT_EQ(key384.type(), tls12::crypto::KeyType::ecdsa_p384);
    EXPECT_TRUE(tls12::x509::key_matches_certificate(
        key384, tls12::x509::load_certificate_chain(p.ecdsa384_cert).front()));
}

TEST(LoadPrivateKey, SecOneWithParametersBlockFirst) {
    // `openssl ecparam -genkey` style: an "EC PARAMETERS" block before the key.
    const std::string text =
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
        "-----END EC PARAMETERS-----\n" +
        read_text_file(test_pki().ecdsa256_key_sec1);
    const auto key = tls12::x509::parse_private_key(tls12::crypto::as_bytes(text));
    EXPECT_EQ(key.type(), tls12::crypto::KeyType::ecdsa_p256);
}

TEST(LoadPrivateKey, EncryptedKeysRefusedClearly) {
    const auto& p = test_pki();
    expect_error([&] { tls12::x509::load_private_key(p.server_key_encrypted); },
                 "encrypted private keys are not supported");
    expect_error([&] { tls12::x509::load_private_key(p.server_key_encrypted_legacy); },
                 "encrypted private keys are not supported");
    // Encrypted PKCS#8 as DER.
    const int rc = std::system(("openssl pkcs8 -topk8 -v2 aes-128-cbc -passout pass:x -outform DER"
                                " -in " +
                                p.server_key + " -out " + scratch("enc.der") + " 2>/dev/null")
                                   .c_str());
    ASSERT_EQ(rc, 0);
    expect_error([&] { tls12::x509::load_private_key(scratch("enc.der")); },
                 "encrypted private keys are not supported");
}

TEST(LoadPrivateKey, GarbageAndMissingRefused) {
    expect_error([] { tls12::x509::load_private_key("/nonexistent/key.pem"); }, "cannot read");
    expect_error([] { tls12::x509::load_private_key(test_pki().server_cert); },
                 "no private key found");
    write_text_file(scratch("garbage.key"), "\x30\x03\x02\x01\x00 nonsense");
    expect_error([] { tls12::x509::load_private_key(scratch("garbage.key")); }, "private key");
    write_text_file(scratch("bad-block.key"),
                    "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n");
    expect_error([] { tls12::x509::load_private_key(scratch("bad-block.key")); }, "private key");
    write_text_file(scratch("empty.key"), "");
    expect_error([] { tls12::x509::load_private_key(scratch("empty.key")); },
                 "no private key found");
}

TEST(KeyMatchesCertificate, MismatchDetected) {
    const auto& p = test_pki();
    const auto server = tls12::x509::load_certificate_chain(p.server_cert).front();
    const auto client_key = tls12::x509::load_private_key(p.client_key);
    EXPECT_FALSE(tls12::x509::key_matches_certificate(client_key, server));
    const auto ec_key = tls12::x509::load_private_key(p.ecdsa256_key);
    EXPECT_FALSE(tls12::x509::key_matches_certificate(ec_key, server));
    const auto ec384 = tls12::x509::load_certificate_chain(p.ecdsa384_cert).front();
    EXPECT_FALSE(tls12::x509::key_matches_certificate(ec_key, ec384));
}

TEST(LeafSpki, MatchesTheKeysPublicHalf) {
    const auto& p = test_pki();
    const auto cert = tls12::x509::load_certificate_chain(p.server_cert).front();
    const auto spki = tls12::x509::leaf_spki_der(cert);
    ASSERT_FALSE(spki.empty());
    EXPECT_EQ(spki[0], 0x30);
    const auto from_spki = tls12::crypto::PublicKey::from_spki_der(spki);
    EXPECT_EQ(from_spki.bits(), 2048u);
    EXPECT_THROW(tls12::x509::leaf_spki_der(tls12::crypto::Bytes{1, 2, 3}), tls12::x509::Error);
}

// leaf_spki_der reads the DER structure itself (no full parse): the key it finds is the
// certificate's, for RSA and both curves, and no truncation of a certificate reads past its end.
TEST(LeafSpki, StructuralReadFindsEachKeyAndRefusesEveryTruncation) {
    const auto& p = test_pki();
    const std::pair<std::string, std::string> pairs[] = {
        {p.server_cert, p.server_key},
        {p.ecdsa256_cert, p.ecdsa256_key},
        {p.ecdsa384_cert, p.ecdsa384_key},
    };
    for (const auto& [cert_path, key_path] : pairs) {
        SCOPED_TRACE(cert_path);
        const auto cert = tls12::x509::load_certificate_chain(cert_path).front();
        const auto key = tls12::x509::load_private_key(key_path);
        const auto found =
            tls12::crypto::PublicKey::from_spki_der(tls12::x509::leaf_spki_der(cert));
        EXPECT_EQ(found.spki_der(), key.public_key().spki_der());
        for (size_t size = 0; size < cert.size(); ++size) {
            const tls12::crypto::Bytes truncated(cert.begin(),
                                                 cert.begin() + static_cast<long>(size));
            EXPECT_THROW(tls12::x509::leaf_spki_der(truncated), tls12::x509::Error) << size;
        }
        auto trailing = cert;
        trailing.push_back(0);
        EXPECT_THROW(tls12::x509::leaf_spki_der(trailing), tls12::x509::Error);
    }
}

}  // namespace
