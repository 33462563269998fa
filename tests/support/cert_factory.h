// Small certificate hierarchies made with the openssl command line while a test runs, for tests
// that need certificates with particular extensions (name constraints, key usages, odd keys).
// The shared test PKI (pki.h) holds the everyday certificates; this makes the unusual ones, each
// test only the few it needs, into its own directory under scratch_dir().
//
//   CertFactory f("wildcard-nc");
//   const auto root = f.root("root", {"/CN=Root", kCaExtensions});
//   const auto ica = f.issue("ica", root, {"/CN=ICA", std::string(kCaExtensions) +
//       "nameConstraints = critical, excluded;DNS:bar.example.com\n"});
//   const auto leaf = f.issue("leaf", ica, {"/CN=leaf", leaf_extensions("DNS:*.example.com")});
//
// Extension text is an openssl config section (`openssl x509v3_config`), so raw DER works too:
// "2.5.29.37 = DER:3000" is an empty extendedKeyUsage. openssl adds subjectKeyIdentifier and
// authorityKeyIdentifier unless the section says "subjectKeyIdentifier = none" /
// "authorityKeyIdentifier = none".
#pragma once

#include <string>
#include <vector>

#include <tls12/crypto/bytes.h>

namespace tls12_test {

enum class KeyKind {
    ec_p256,  // the default: fast to generate
    ec_p384,
    ec_p521,
    rsa2048,
    ec_p256_explicit,  // P-256 written with explicit domain parameters instead of the curve's OID
    dsa2048,
};

struct CertSpec {
    std::string subject;     // "/CN=Example CA"
    std::string extensions;  // lines of the openssl extension section
    KeyKind key = KeyKind::ec_p256;
    // A private key file to use instead of a fresh one (for cross-signed or re-issued CAs).
    std::string key_file = {};
    std::string digest = "sha256";
    int days = 30;
    std::string signature_option = {};  // openssl -sigopt, e.g. "rsa_padding_mode:pss"
};

struct TestCert {
    std::string cert;  // PEM file
    std::string key;   // PKCS#8 PEM file
    tls12::crypto::Bytes der;
};

class CertFactory {
  public:
    // Files go to scratch_dir()/<name>/ (the directory is created).
    explicit CertFactory(const std::string& name);

    TestCert root(const std::string& name, const CertSpec& spec) const;  // self-signed
    TestCert issue(const std::string& name, const TestCert& issuer, const CertSpec& spec) const;

    // Concatenates PEM files (a chain for openssl s_server -cert_chain, say) into <name>.
    std::string bundle(const std::string& name, const std::vector<TestCert>& certs) const;
    std::string path(const std::string& file) const { return dir_ + "/" + file; }

  private:
    TestCert make(const std::string& name, const CertSpec& spec, const TestCert* issuer) const;
    std::string new_key(const std::string& name, KeyKind kind) const;
    void openssl(const std::string& args) const;

    std::string dir_;
};

// A CA: basicConstraints CA:TRUE (critical), keyUsage keyCertSign + cRLSign (critical).
inline constexpr const char* kCaExtensions =
    "basicConstraints = critical, CA:TRUE\n"
    "keyUsage = critical, keyCertSign, cRLSign\n";

// A TLS server leaf for the given subjectAltName value ("DNS:a.example, IP:192.0.2.1").
std::string leaf_extensions(const std::string& san);

}  // namespace tls12_test
