// Certification path validation on hierarchies made for each case with the openssl command line
// (tests/support/cert_factory.h): name constraints (wildcards, IPv6, otherName, self-issued
// CAs), key and extended key usage, basic constraints, key types, path building through
// alternatives and loops, and the bound on a hostile set of cross-signed certificates.
// Many of these follow C2SP x509-limbo cases (named in the comments).
#include <gtest/gtest.h>

#include <chrono>

#include <tls12/x509/certificate.h>
#include <tls12/x509/verify.h>
#include "support/cert_factory.h"
#include "support/pki.h"

namespace {

using namespace std::chrono_literals;
using tls12::x509::Purpose;
using tls12::x509::VerifyCode;
using tls12_test::CertFactory;
using tls12_test::CertSpec;
using tls12_test::kCaExtensions;
using tls12_test::KeyKind;
using tls12_test::leaf_extensions;
using tls12_test::TestCert;

std::vector<tls12::crypto::Bytes> ders(const std::vector<TestCert>& certs) {
    std::vector<tls12::crypto::Bytes> out;
    for (const auto& c : certs) out.push_back(c.der);
    return out;
}

struct Check {
    std::vector<TestCert> chain;  // as the peer sends it, leaf first
    std::vector<TestCert> roots;  // the trust store
    std::string host;
    Purpose purpose = Purpose::server_auth;
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
    tls12::x509::VerifyOptions options = {};
};

tls12::x509::VerifyResult verify(const Check& c) {
    return tls12::x509::verify_chain(ders(c.chain),
                                     tls12::x509::TrustStore::from_certificates(ders(c.roots)),
                                     c.host, c.purpose, c.now, c.options);
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string ca_with(const std::string& more) {
    return std::string(kCaExtensions) + more + "\n";
}

// A root and an intermediate carrying `intermediate_extensions` (a CA's by default).
struct Hierarchy {
    CertFactory factory;
    TestCert root;
    TestCert intermediate;

    Hierarchy(const std::string& name, const std::string& intermediate_extensions = kCaExtensions)
        : factory(name),
          root(factory.root("root", {"/CN=Test Root " + name, kCaExtensions})),
          intermediate(factory.issue("ica", root,
                                     {"/CN=Test Intermediate " + name, intermediate_extensions})) {}

    TestCert leaf(const std::string& name, const std::string& extensions,
                  KeyKind key = KeyKind::ec_p256) const {
        return factory.issue(name, intermediate, {"/CN=" + name, extensions, key});
    }
};

// ---- 1. name constraints against wildcard names -----------------------------------------------

TEST(NameConstraints, WildcardReachingAnExcludedSubtreeIsRefused) {
    const Hierarchy h("wildcard-excluded",
                      ca_with("nameConstraints = critical, excluded;DNS:bar.example.com"));
    const auto leaf = h.leaf("wild", leaf_extensions("DNS:*.example.com"));
    // *.example.com matches bar.example.com, which the intermediate excludes: the certificate is
    // invalid, whatever name it is used for.
    for (const std::string host : {"bar.example.com", "foo.example.com", ""}) {
        SCOPED_TRACE(host);
        const auto r = verify({{leaf, h.intermediate}, {h.root}, host});
        EXPECT_EQ(r.code, VerifyCode::name_constraints) << r.reason;
        EXPECT_EQ(r.certificate_index, 0u);
        EXPECT_TRUE(contains(r.reason, "DNS:*.example.com")) << r.reason;
        EXPECT_TRUE(contains(r.reason, "excluded subtree DNS:bar.example.com")) << r.reason;
    }
    // A name the wildcard cannot reach is fine.
    const auto other = h.leaf("other", leaf_extensions("DNS:*.example.org"));
    const auto ok = verify({{other, h.intermediate}, {h.root}, "a.example.org"});
    EXPECT_TRUE(ok.ok()) << ok.reason;
}

TEST(NameConstraints, WildcardIsPermittedOnlyWhollyInsideASubtree) {
    const Hierarchy wide("wildcard-permitted",
                         ca_with("nameConstraints = critical, permitted;DNS:example.com"));
    const auto inside = wide.leaf("inside", leaf_extensions("DNS:*.example.com"));
    const auto r = verify({{inside, wide.intermediate}, {wide.root}, "foo.example.com"});
    EXPECT_TRUE(r.ok()) << r.reason;

    // Only foo.example.com is permitted, but *.example.com also stands for bar.example.com.
    const Hierarchy narrow("wildcard-narrow",
                           ca_with("nameConstraints = critical, permitted;DNS:foo.example.com"));
    const auto wider = narrow.leaf("wider", leaf_extensions("DNS:*.example.com"));
    const auto r2 = verify({{wider, narrow.intermediate}, {narrow.root}, "foo.example.com"});
    EXPECT_EQ(r2.code, VerifyCode::name_constraints) << r2.reason;
    EXPECT_TRUE(contains(r2.reason, "not inside a permitted subtree")) << r2.reason;
}

// ---- 2. empty extendedKeyUsage ----------------------------------------------------------------

TEST(ExtendedKeyUsage, EmptyExtensionAllowsNothing) {
    const Hierarchy h("empty-eku");
    const auto leaf = h.leaf("leaf",
                             "basicConstraints = critical, CA:FALSE\n"
                             "keyUsage = critical, digitalSignature\n"
                             "subjectAltName = DNS:localhost\n"
                             "2.5.29.37 = DER:3000\n");
    for (const auto purpose : {Purpose::server_auth, Purpose::client_auth}) {
        const auto r = verify({{leaf, h.intermediate}, {h.root}, "localhost", purpose});
        EXPECT_EQ(r.code, VerifyCode::bad_usage) << r.reason;
        EXPECT_TRUE(contains(r.reason, "empty extendedKeyUsage")) << r.reason;
    }
    // On an issuing CA an empty list allows nothing either.
    const Hierarchy ca("empty-eku-ca", ca_with("2.5.29.37 = DER:3000"));
    const auto below = ca.leaf("leaf", leaf_extensions("DNS:localhost"));
    const auto r = verify({{below, ca.intermediate}, {ca.root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::bad_usage) << r.reason;
    EXPECT_EQ(r.certificate_index, 1u);
}

TEST(ExtendedKeyUsage, IssuerExtendedKeyUsageLimitsThePurpose) {
    const Hierarchy client_only("eku-client-ca", ca_with("extendedKeyUsage = clientAuth"));
    const auto leaf = client_only.leaf("leaf", leaf_extensions("DNS:localhost"));
    const auto r = verify({{leaf, client_only.intermediate}, {client_only.root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::bad_usage) << r.reason;
    EXPECT_EQ(r.certificate_index, 1u);
    EXPECT_TRUE(contains(r.reason, "TLS server authentication")) << r.reason;

    const Hierarchy any("eku-any-ca", ca_with("extendedKeyUsage = serverAuth, 2.5.29.37.0"));
    const auto fine = any.leaf("leaf", leaf_extensions("DNS:localhost"));
    const auto ok = verify({{fine, any.intermediate}, {any.root}, "localhost"});
    EXPECT_TRUE(ok.ok()) << ok.reason;

    // x509-limbo rfc5280::eku::ee-without-eku: no extendedKeyUsage on the leaf is any purpose.
    const auto no_eku = any.leaf("no-eku",
                                 "basicConstraints = critical, CA:FALSE\n"
                                 "subjectAltName = DNS:localhost\n");
    const auto ok2 = verify({{no_eku, any.intermediate}, {any.root}, "localhost"});
    EXPECT_TRUE(ok2.ok()) << ok2.reason;
}

// ---- 3. explicit EC domain parameters ---------------------------------------------------------

TEST(PublicKeys, ExplicitEcDomainParametersAreRefused) {
    const Hierarchy h("explicit-ec");
    const auto leaf = h.leaf("leaf", leaf_extensions("DNS:localhost"), KeyKind::ec_p256_explicit);
    const auto r = verify({{leaf, h.intermediate}, {h.root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::unsupported_algorithm) << r.reason;
    EXPECT_EQ(r.certificate_index, 0u);
    EXPECT_TRUE(contains(r.reason, "explicit domain parameters")) << r.reason;

    // The same key on an intermediate.
    CertFactory f("explicit-ec-ca");
    const auto root = f.root("root", {"/CN=Root", kCaExtensions});
    const auto ica = f.issue("ica", root, {"/CN=ICA", kCaExtensions, KeyKind::ec_p256_explicit});
    const auto below = f.issue("leaf", ica, {"/CN=leaf", leaf_extensions("DNS:localhost")});
    const auto r2 = verify({{below, ica}, {root}, "localhost"});
    EXPECT_EQ(r2.code, VerifyCode::unsupported_algorithm) << r2.reason;
    EXPECT_EQ(r2.certificate_index, 1u);
}

// ---- 4. iPAddress names of the wrong length ---------------------------------------------------

TEST(SubjectAltName, IpAddressOfFiveBytesMakesTheCertificateInvalid) {
    // Excluded 1.2.3.0/24: a 5-byte "address" starting 1.2.3.4 must not slip past it.
    const Hierarchy h("ip-5-bytes",
                      ca_with("nameConstraints = critical, excluded;IP:1.2.3.0/255.255.255.0"));
    // SEQUENCE { dNSName "localhost", iPAddress 01 02 03 04 05 }
    const auto leaf = h.leaf("leaf",
                             "basicConstraints = critical, CA:FALSE\n"
                             "extendedKeyUsage = serverAuth\n"
                             "2.5.29.17 = DER:301282096c6f63616c686f737487050102030405\n");
    for (const std::string host : {"localhost", ""}) {
        const auto r = verify({{leaf, h.intermediate}, {h.root}, host});
        EXPECT_EQ(r.code, VerifyCode::malformed) << r.reason;
        EXPECT_EQ(r.certificate_index, 0u);
        EXPECT_TRUE(contains(r.reason, "iPAddress of 5 bytes")) << r.reason;
    }
}

// ---- 5. key usage, basic constraints, DSA, malformed dNSName constraints ----------------------

TEST(KeyUsage, TrustAnchorWithoutKeyCertSignCannotSign) {
    CertFactory f("anchor-no-keycertsign");
    const auto root = f.root("root", {"/CN=Root",
                                      "basicConstraints = critical, CA:TRUE\n"
                                      "keyUsage = critical, digitalSignature, cRLSign\n"});
    const auto leaf = f.issue("leaf", root, {"/CN=leaf", leaf_extensions("DNS:localhost")});
    const auto r = verify({{leaf}, {root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::bad_usage) << r.reason;
    EXPECT_EQ(r.certificate_index, 1u);
    EXPECT_TRUE(contains(r.reason, "keyCertSign")) << r.reason;
}

TEST(KeyUsage, IntermediateWithoutKeyCertSignCannotSign) {
    const Hierarchy h("ica-no-keycertsign",
                      "basicConstraints = critical, CA:TRUE\n"
                      "keyUsage = critical, digitalSignature\n");
    const auto leaf = h.leaf("leaf", leaf_extensions("DNS:localhost"));
    const auto r = verify({{leaf, h.intermediate}, {h.root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::bad_usage) << r.reason;
    EXPECT_EQ(r.certificate_index, 1u);
    // The same intermediate trusted directly does not sign either.
    const auto r2 = verify({{leaf}, {h.intermediate}, "localhost"});
    EXPECT_EQ(r2.code, VerifyCode::bad_usage) << r2.reason;
}

TEST(KeyUsage, LeafAssertingKeyCertSignIsRefused) {
    // x509-limbo rfc5280::leaf-ku-keycertsign: keyCertSign without cA (RFC 5280 4.2.1.9).
    const Hierarchy h("leaf-keycertsign");
    const auto leaf = h.leaf("leaf",
                             "basicConstraints = critical, CA:FALSE\n"
                             "keyUsage = critical, digitalSignature, keyCertSign\n"
                             "extendedKeyUsage = serverAuth\n"
                             "subjectAltName = DNS:localhost\n");
    const auto r = verify({{leaf, h.intermediate}, {h.root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::bad_usage) << r.reason;
    EXPECT_EQ(r.certificate_index, 0u);
}

TEST(BasicConstraints, CaCertificateAsTheLeafIsRefused) {
    // x509-limbo webpki::ee-basicconstraints-ca (CA/Browser Forum BR 7.1.2.7.8).
    const Hierarchy h("ca-leaf");
    const auto leaf = h.leaf("leaf",
                             "basicConstraints = critical, CA:TRUE\n"
                             "keyUsage = critical, digitalSignature\n"
                             "extendedKeyUsage = serverAuth\n"
                             "subjectAltName = DNS:localhost\n");
    for (const auto purpose : {Purpose::server_auth, Purpose::client_auth}) {
        const auto r = verify({{leaf, h.intermediate}, {h.root}, "", purpose});
        EXPECT_EQ(r.code, VerifyCode::bad_basic_constraints) << r.reason;
        EXPECT_EQ(r.certificate_index, 0u);
        EXPECT_TRUE(contains(r.reason, "CA certificate")) << r.reason;
    }
}

TEST(PublicKeys, DsaKeysAreRefusedAnywhereInThePath) {
    CertFactory f("dsa");
    const auto root = f.root("root", {"/CN=Root", kCaExtensions});
    const auto dsa_ica = f.issue("dsa-ica", root, {"/CN=DSA ICA", kCaExtensions, KeyKind::dsa2048});
    const auto leaf = f.issue("leaf", dsa_ica, {"/CN=leaf", leaf_extensions("DNS:localhost")});
    // What a DSA CA signs carries a DSA signature: refused at the first certificate checked.
    const auto r = verify({{leaf, dsa_ica}, {root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::unsupported_algorithm) << r.reason;
    EXPECT_TRUE(contains(r.reason, "DSA")) << r.reason;

    // A DSA trust anchor (x509-limbo webpki::forbidden-signature-algorithm-in-root).
    const auto dsa_root = f.root("dsa-root", {"/CN=DSA Root", kCaExtensions, KeyKind::dsa2048});
    const auto leaf2 = f.issue("leaf2", dsa_root, {"/CN=leaf2", leaf_extensions("DNS:localhost")});
    const auto r2 = verify({{leaf2}, {dsa_root}, "localhost"});
    EXPECT_EQ(r2.code, VerifyCode::unsupported_algorithm) << r2.reason;
    EXPECT_TRUE(contains(r2.reason, "DSA")) << r2.reason;

    // A DSA leaf.
    const auto dsa_leaf =
        f.issue("dsa-leaf", root, {"/CN=dsa", leaf_extensions("DNS:localhost"), KeyKind::dsa2048});
    const auto r3 = verify({{dsa_leaf}, {root}, "localhost"});
    EXPECT_EQ(r3.code, VerifyCode::unsupported_algorithm) << r3.reason;
    EXPECT_EQ(r3.certificate_index, 0u);
}

TEST(NameConstraints, DnsConstraintWithALeadingPeriodIsMalformed) {
    // x509-limbo rfc5280::nc::invalid-dnsname-leading-period: RFC 5280 4.2.1.10 allows the
    // leading period for URI constraints only.
    for (const std::string kind : {"permitted", "excluded"}) {
        SCOPED_TRACE(kind);
        const Hierarchy h("nc-leading-period-" + kind,
                          ca_with("nameConstraints = critical, " + kind + ";DNS:.example.com"));
        const auto leaf = h.leaf("leaf", leaf_extensions("DNS:foo.example.com"));
        const auto r = verify({{leaf, h.intermediate}, {h.root}, "foo.example.com"});
        EXPECT_EQ(r.code, VerifyCode::name_constraints) << r.reason;
        EXPECT_EQ(r.certificate_index, 1u);
        EXPECT_TRUE(contains(r.reason, "DNS:.example.com")) << r.reason;
    }
}

// ---- 6. no common-name fallback ---------------------------------------------------------------

TEST(HostName, NoCommonNameFallback) {
    // x509-limbo webpki::no-san.
    const Hierarchy h("no-san");
    const auto leaf = h.factory.issue("leaf", h.intermediate,
                                      {"/CN=legacy.example.com",
                                       "basicConstraints = critical, CA:FALSE\n"
                                       "extendedKeyUsage = serverAuth\n"});
    const auto r = verify({{leaf, h.intermediate}, {h.root}, "legacy.example.com"});
    EXPECT_EQ(r.code, VerifyCode::hostname_mismatch) << r.reason;
    EXPECT_TRUE(contains(r.reason, "no subjectAltName")) << r.reason;
    // Without a name to check the chain itself is fine.
    const auto no_name = verify({{leaf, h.intermediate}, {h.root}, ""});
    EXPECT_TRUE(no_name.ok()) << no_name.reason;
}

// ---- 7. constraints Botan 2 could not decode --------------------------------------------------

TEST(NameConstraints, Ipv6ConstraintsAreDecodedAndApplied) {
    const Hierarchy h("nc-ipv6", ca_with("nameConstraints = critical, "
                                         "permitted;IP:2001:db8::/ffff:ffff::, "
                                         "permitted;DNS:example.com"));
    const auto inside = h.leaf("inside", leaf_extensions("DNS:www.example.com, IP:2001:db8::1"));
    const auto r = verify({{inside, h.intermediate}, {h.root}, "2001:db8::1"});
    EXPECT_TRUE(r.ok()) << r.reason;
    const auto outside = h.leaf("outside", leaf_extensions("IP:2001:db9::1"));
    const auto r2 = verify({{outside, h.intermediate}, {h.root}, "2001:db9::1"});
    EXPECT_EQ(r2.code, VerifyCode::name_constraints) << r2.reason;
    EXPECT_TRUE(contains(r2.reason, "IP:2001:db9:0:0:0:0:0:1")) << r2.reason;
    // An IPv4 address is outside IPv6-only permitted address ranges.
    const auto v4 = h.leaf("v4", leaf_extensions("IP:192.0.2.1"));
    EXPECT_EQ(verify({{v4, h.intermediate}, {h.root}, "192.0.2.1"}).code,
              VerifyCode::name_constraints);
}

TEST(NameConstraints, OtherNameConstraintsAreDecoded) {
    // x509-limbo rfc5280::nc::nc-forbids-othername(-noop).
    const Hierarchy h("nc-othername",
                      ca_with("nameConstraints = critical, permitted;DNS:example.com, "
                              "excluded;otherName:1.3.6.1.4.1.55738.666.3;UTF8:x"));
    const auto plain = h.leaf("plain", leaf_extensions("DNS:example.com"));
    const auto r = verify({{plain, h.intermediate}, {h.root}, "example.com"});
    EXPECT_TRUE(r.ok()) << r.reason;
    // An otherName we cannot compare, under an otherName constraint: refused.
    const auto other = h.leaf("other", leaf_extensions("DNS:example.com, "
                                                       "otherName:1.3.6.1.4.1.55738.666.3;UTF8:x"));
    const auto r2 = verify({{other, h.intermediate}, {h.root}, "example.com"});
    EXPECT_EQ(r2.code, VerifyCode::name_constraints) << r2.reason;
    EXPECT_TRUE(contains(r2.reason, "otherName")) << r2.reason;
}

TEST(NameConstraints, DirectoryNameConstraintsApplyToTheSubject) {
    // x509-limbo rfc5280::nc::excluded-dn-match / permitted-dn-match.
    const Hierarchy excluded("nc-dirname-excluded",
                             ca_with("nameConstraints = critical, excluded;dirName:dir_sect\n"
                                     "[dir_sect]\nO = Evil Corp"));
    const auto evil = excluded.factory.issue(
        "evil", excluded.intermediate, {"/O=evil corp/CN=www", leaf_extensions("DNS:example.com")});
    const auto r = verify({{evil, excluded.intermediate}, {excluded.root}, "example.com"});
    EXPECT_EQ(r.code, VerifyCode::name_constraints) << r.reason;
    const auto good = excluded.factory.issue(
        "good", excluded.intermediate, {"/O=Good Corp/CN=www", leaf_extensions("DNS:example.com")});
    EXPECT_TRUE(verify({{good, excluded.intermediate}, {excluded.root}, "example.com"}).ok());
}

// ---- 8. path building -------------------------------------------------------------------------

TEST(PathBuilding, RootSentBeforeTheIntermediate) {
    const auto& pki = tls12_test::test_pki();
    const auto leaf = tls12::x509::load_certificate_chain(pki.server_cert);
    const auto root = tls12::x509::load_certificate_chain(pki.ca_cert);
    const auto ica = tls12::x509::load_certificate_chain(pki.intermediate_cert);
    const std::vector<tls12::crypto::Bytes> chain{leaf[0], root[0], ica[0]};
    const auto r = tls12::x509::verify_chain(
        chain, tls12::x509::TrustStore::from_certificates(root), "localhost", Purpose::server_auth,
        std::chrono::system_clock::now());
    EXPECT_TRUE(r.ok()) << r.reason;
}

TEST(PathBuilding, TrustedIntermediateIsATrustAnchor) {
    // As in Go and rustls: every trusted certificate is an anchor, self-signed or not, so
    // trusting an intermediate without its root is enough (Botan 2 insisted on a self-signed
    // end and refused these).
    const auto& pki = tls12_test::test_pki();
    const auto trust = tls12::x509::TrustStore::from_certificates(
        tls12::x509::load_certificate_chain(pki.intermediate_cert));
    auto chain = tls12::x509::load_certificate_chain(pki.server_chain);
    const auto now = std::chrono::system_clock::now();
    const auto r = tls12::x509::verify_chain(chain, trust, "localhost", Purpose::server_auth, now);
    EXPECT_TRUE(r.ok()) << r.reason;
    const auto leaf_only =
        tls12::x509::verify_chain(tls12::x509::load_certificate_chain(pki.server_cert), trust,
                                  "localhost", Purpose::server_auth, now);
    EXPECT_TRUE(leaf_only.ok()) << leaf_only.reason;
    chain.push_back(
        tls12::x509::load_certificate_chain(pki.ca_cert)[0]);  // an untrusted root along
    const auto with_root =
        tls12::x509::verify_chain(chain, trust, "localhost", Purpose::server_auth, now);
    EXPECT_TRUE(with_root.ok()) << with_root.reason;
}

TEST(PathBuilding, CrossSignedLoopIsLeftForAnotherIssuer) {
    // A and B sign each other; A also has a certificate from the trusted root. The peer lists
    // the loop first: a validator that follows the first issuer it finds goes A -> B -> A.
    CertFactory f("cross-loop");
    const auto root = f.root("root", {"/CN=Loop Root", kCaExtensions});
    const auto a_by_root = f.issue("a-by-root", root, {"/CN=CA A", kCaExtensions});
    const auto b_self = f.root("b-self", {"/CN=CA B", kCaExtensions});
    const auto a_by_b = f.issue("a-by-b", b_self, {"/CN=CA A", kCaExtensions, {}, a_by_root.key});
    const auto b_by_a = f.issue("b-by-a", a_by_root, {"/CN=CA B", kCaExtensions, {}, b_self.key});
    const auto leaf = f.issue("leaf", a_by_root, {"/CN=leaf", leaf_extensions("DNS:localhost")});
    const auto r = verify({{leaf, a_by_b, b_by_a, a_by_root}, {root}, "localhost"});
    EXPECT_TRUE(r.ok()) << r.reason;
    // Without the way out the loop is reported as such.
    const auto r2 = verify({{leaf, a_by_b, b_by_a}, {root}, "localhost"});
    EXPECT_EQ(r2.code, VerifyCode::unknown_ca) << r2.reason;
    EXPECT_TRUE(contains(r2.reason, "loop")) << r2.reason;
}

TEST(PathBuilding, AnExpiredCrossCertificateGivesWayToAValidOne) {
    // The "chain of pain": two certificates for the same CA and key from the trusted root, the
    // first sent has expired.
    CertFactory f("chain-of-pain");
    const auto root = f.root("root", {"/CN=New Root", kCaExtensions});
    const auto old_ca = f.issue("old", root, {"/CN=Old Root", kCaExtensions, {}, {}, "sha256", 1});
    const auto new_ca =
        f.issue("new", root, {"/CN=Old Root", kCaExtensions, {}, old_ca.key, "sha256", 30});
    const auto leaf = f.issue("leaf", old_ca, {"/CN=leaf", leaf_extensions("DNS:localhost")});
    const auto in_ten_days = std::chrono::system_clock::now() + 24h * 10;
    const auto r = verify({{leaf, old_ca, new_ca}, {root}, "localhost", {}, in_ten_days});
    EXPECT_TRUE(r.ok()) << r.reason;
    // With only the expired one, that is what is reported.
    const auto r2 = verify({{leaf, old_ca}, {root}, "localhost", {}, in_ten_days});
    EXPECT_EQ(r2.code, VerifyCode::expired) << r2.reason;
    EXPECT_EQ(r2.certificate_index, 1u);
}

TEST(PathBuilding, APathFailingItsNameConstraintsGivesWayToAnother) {
    // x509-limbo rfc5280::nc::nc-forbids-same-chain-ica: the intermediate has two certificates;
    // through the first, a CA above excludes the intermediate's own name; through the second
    // (another trusted root) nothing does.
    CertFactory f("nc-alternate-path");
    const auto root_a = f.root("root-a", {"/CN=Root A", kCaExtensions});
    const auto root_b = f.root("root-b", {"/CN=Root B", kCaExtensions});
    const auto ica_a = f.issue(
        "ica-a", root_a,
        {"/CN=ICA A", ca_with("nameConstraints = critical, excluded;DNS:forbidden.example.com")});
    const auto ica_b1 = f.issue(
        "ica-b1", ica_a, {"/CN=ICA B", ca_with("subjectAltName = DNS:forbidden.example.com")});
    const auto ica_b2 = f.issue("ica-b2", root_b, {"/CN=ICA B", kCaExtensions, {}, ica_b1.key});
    const auto leaf = f.issue("leaf", ica_b1, {"/CN=leaf", leaf_extensions("DNS:example.com")});
    const auto r = verify({{leaf, ica_b1, ica_a, ica_b2}, {root_a, root_b}, "example.com"});
    EXPECT_TRUE(r.ok()) << r.reason;
    // Through the first only, the constraint is what is reported.
    const auto r2 = verify({{leaf, ica_b1, ica_a}, {root_a, root_b}, "example.com"});
    EXPECT_EQ(r2.code, VerifyCode::name_constraints) << r2.reason;
    EXPECT_EQ(r2.certificate_index, 1u);
}

TEST(PathBuilding, HostileCrossSignedSetFailsWithinTheBound) {
    // Five keys under one name, each certified by every other (25 certificates), no key
    // identifiers to tell them apart: the paths through them are counted in the millions. The
    // search stops at its signature-check budget and says so.
    constexpr int kKeys = 5;
    const std::string no_ids =
        std::string(kCaExtensions) + "subjectKeyIdentifier = none\nauthorityKeyIdentifier = none\n";
    CertFactory f("hostile");
    std::vector<TestCert> self(kKeys);
    for (int i = 0; i < kKeys; ++i) {
        self[i] = f.root("self" + std::to_string(i), {"/CN=Loop CA", no_ids});
    }
    std::vector<TestCert> chain{f.issue(
        "leaf", self[0],
        {"/CN=leaf", leaf_extensions("DNS:localhost") + "authorityKeyIdentifier = none\n"})};
    for (int i = 0; i < kKeys; ++i) {
        for (int j = 0; j < kKeys; ++j) {
            chain.push_back(i == j ? self[i]
                                   : f.issue("c" + std::to_string(i) + std::to_string(j), self[j],
                                             {"/CN=Loop CA", no_ids, {}, self[i].key}));
        }
    }
    CertFactory other("hostile-root");
    const auto unrelated = other.root("root", {"/CN=Unrelated Root", kCaExtensions});
    Check check{chain, {unrelated}, "localhost"};
    check.options.max_chain_length = 64;
    const auto r = verify(check);
    EXPECT_EQ(r.code, VerifyCode::unknown_ca) << r.reason;
    EXPECT_TRUE(contains(r.reason, "path-building limit")) << r.reason;
}

// ---- 9. self-issued intermediates and name constraints, path length ---------------------------

TEST(NameConstraints, SelfIssuedIntermediateIsNotConstrainedButTheLeafIs) {
    // x509-limbo rfc5280::nc::permitted-self-issued and excluded-self-issued-leaf.
    CertFactory f("nc-self-issued");
    const auto root = f.root(
        "root",
        {"/CN=Constrained CA", ca_with("nameConstraints = critical, permitted;DNS:example.com")});
    // Key rollover: the same name, a new key, certified by the old one.
    const auto rollover = f.issue(
        "rollover", root, {"/CN=Constrained CA", ca_with("subjectAltName = DNS:not-example.com")});
    const auto leaf =
        f.issue("leaf", rollover, {"/CN=www", leaf_extensions("DNS:www.example.com")});
    const auto r = verify({{leaf, rollover}, {root}, "www.example.com"});
    EXPECT_TRUE(r.ok()) << r.reason;

    // The last certificate is constrained even when it is self-issued.
    const auto self_issued_leaf =
        f.issue("self-issued-leaf", rollover,
                {"/CN=Constrained CA", leaf_extensions("DNS:not-example.com")});
    const auto r2 = verify({{self_issued_leaf, rollover}, {root}, "not-example.com"});
    EXPECT_EQ(r2.code, VerifyCode::name_constraints) << r2.reason;
    EXPECT_EQ(r2.certificate_index, 0u);
}

TEST(PathLength, ConstraintCountsIntermediatesButNotSelfIssuedOnes) {
    // x509-limbo pathlen::intermediate-violates-pathlen-0 and self-issued-certs-pathlen.
    CertFactory f("pathlen");
    const auto root = f.root("root", {"/CN=Root", kCaExtensions});
    const auto ica1 =
        f.issue("ica1", root, {"/CN=ICA 1", "basicConstraints = critical, CA:TRUE, pathlen:0\n"});
    const auto ica2 = f.issue("ica2", ica1, {"/CN=ICA 2", kCaExtensions});
    const auto leaf = f.issue("leaf", ica2, {"/CN=leaf", leaf_extensions("DNS:localhost")});
    const auto r = verify({{leaf, ica2, ica1}, {root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::chain_too_long) << r.reason;
    EXPECT_EQ(r.certificate_index, 2u);

    // ICA 1 re-certified by itself with a new key (self-issued) does not count.
    const auto ica1_rollover = f.issue("ica1-rollover", ica1, {"/CN=ICA 1", kCaExtensions});
    const auto leaf2 =
        f.issue("leaf2", ica1_rollover, {"/CN=leaf2", leaf_extensions("DNS:localhost")});
    const auto r2 = verify({{leaf2, ica1_rollover, ica1}, {root}, "localhost"});
    EXPECT_TRUE(r2.ok()) << r2.reason;
}

// ---- what already worked stays ----------------------------------------------------------------

TEST(Extensions, UnknownCriticalExtensionIsRefusedAnywhere) {
    const Hierarchy h("unknown-critical", ca_with("1.3.6.1.4.1.55738.666.1 = critical, DER:0500"));
    const auto leaf = h.leaf("leaf", leaf_extensions("DNS:localhost"));
    const auto r = verify({{leaf, h.intermediate}, {h.root}, "localhost"});
    EXPECT_EQ(r.code, VerifyCode::unknown_critical_extension) << r.reason;
    EXPECT_EQ(r.certificate_index, 1u);
    EXPECT_TRUE(contains(r.reason, "1.3.6.1.4.1.55738.666.1")) << r.reason;
}

// ---- certificate signatures: Crypto++ checks the common ones, Botan the rest ----------------

struct SignatureCase {
    const char* name;
    KeyKind ca_key;
    const char* digest;
    const char* signature_option;
};

class CertificateSignatures : public ::testing::TestWithParam<SignatureCase> {};

// Each kind verifies, and the same certificate with one bit of its signature flipped does not,
// whichever library checks it (PSS and P-521 go to Botan).
TEST_P(CertificateSignatures, VerifyAndRefuseATamperedSignature) {
    const SignatureCase& param = GetParam();
    CertFactory factory(std::string("signature-") + param.name);
    const auto root = factory.root("root", {"/CN=Signature Root", kCaExtensions, param.ca_key});
    CertSpec spec{"/CN=signed.example", leaf_extensions("DNS:signed.example")};
    spec.digest = param.digest;
    spec.signature_option = param.signature_option;
    const auto leaf = factory.issue("leaf", root, spec);
    Check good{{leaf}, {root}, "signed.example"};
    const auto verified = verify(good);
    EXPECT_TRUE(verified.ok()) << verified.reason;

    Check tampered = good;
    tampered.chain[0].der[tampered.chain[0].der.size() - 3] ^= 0x04;  // inside the signature
    const auto refused = verify(tampered);
    EXPECT_EQ(refused.code, VerifyCode::bad_signature) << refused.reason;
    EXPECT_EQ(refused.certificate_index, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, CertificateSignatures,
    ::testing::Values(SignatureCase{"rsa_pkcs1_sha256", KeyKind::rsa2048, "sha256", ""},
                      SignatureCase{"rsa_pkcs1_sha384", KeyKind::rsa2048, "sha384", ""},
                      SignatureCase{"rsa_pkcs1_sha512", KeyKind::rsa2048, "sha512", ""},
                      SignatureCase{"rsa_pss_sha256", KeyKind::rsa2048, "sha256",
                                    "rsa_padding_mode:pss"},
                      SignatureCase{"ecdsa_p256_sha256", KeyKind::ec_p256, "sha256", ""},
                      SignatureCase{"ecdsa_p256_sha384", KeyKind::ec_p256, "sha384", ""},
                      SignatureCase{"ecdsa_p384_sha384", KeyKind::ec_p384, "sha384", ""},
                      SignatureCase{"ecdsa_p521_sha512", KeyKind::ec_p521, "sha512", ""}),
    [](const auto& test) { return std::string(test.param.name); });

}  // namespace
