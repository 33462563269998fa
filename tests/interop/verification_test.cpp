// Certificate verification against real peers.
//   OurClientRefuses: openssl s_server presents a bad chain (expired leaf, wrong host name,
//     self-signed leaf, leaf without its intermediate, chain from a CA we don't trust); our client
//     refuses with the alert RFC 5246 7.2.2 calls for and a reason that says what is wrong, and
//     s_server reports receiving that alert.
//   OurServerChain: openssl s_client -verify_return_error, trusting only the test root, verifies
//     the chain our server presents (leaf + intermediate), for RSA and both ECDSA leaves.
//   NameConstraintsOverTls: s_server presents a wildcard leaf whose intermediate excludes a name
//     the wildcard matches (issue 11); our client refuses it, and accepts the same leaf shape
//     under a constraint the wildcard cannot reach.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/certificate.h>
#include <tls12/x509/trust_store.h>
#include "interop.h"
#include "support/cert_factory.h"
#include "support/pki.h"

namespace tls12_test {
// Readable parameter names in gtest output.
inline void PrintTo(ServerKey key, std::ostream* os) {
    *os << (key == ServerKey::ecdsa_p256   ? "ECDSA P-256"
            : key == ServerKey::ecdsa_p384 ? "ECDSA P-384"
                                           : "RSA-2048");
}
}  // namespace tls12_test

namespace interop {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return s;
}

struct BadChain {
    std::string name;
    // Which files s_server presents (test PKI member pointers keep the table readable).
    std::string tls12_test::TestPki::*cert;
    bool with_intermediate;
    bool trust_test_root;  // false: our client trusts an unrelated certificate only
    tls12::AlertDescription alert;
    // The reason must mention each of these (any of the alternatives in each, lower case).
    std::vector<std::vector<std::string>> reason_mentions;
};

std::string bad_chain_name(const testing::TestParamInfo<BadChain>& info) {
    return info.param.name;
}

// clang-format off
const BadChain kBadChains[] = {
    {"Expired", &tls12_test::TestPki::expired_cert, true, true,
     tls12::AlertDescription::certificate_expired, {{"expired"}}},
    // Which name was asked for and which the certificate has.
    {"WrongHost", &tls12_test::TestPki::wrong_host_cert, true, true,
     tls12::AlertDescription::bad_certificate, {{"localhost"}, {"wrong.example.com"}}},
    {"SelfSignedLeaf", &tls12_test::TestPki::self_signed_cert, false, true,
     tls12::AlertDescription::unknown_ca, {{"self-signed", "self signed"}}},
    // Names the issuer that could not be found (the intermediate).
    {"MissingIntermediate", &tls12_test::TestPki::server_cert, false, true,
     tls12::AlertDescription::unknown_ca, {{"intermediate"}, {"issuer", "issued by"}}},
    // Names the root that is not trusted.
    {"UnknownCa", &tls12_test::TestPki::server_cert, true, false,
     tls12::AlertDescription::unknown_ca, {{"root ca"}, {"trust", "unknown"}}},
};
// clang-format on

class OurClientRefuses : public testing::TestWithParam<BadChain> {};

TEST_P(OurClientRefuses, BadServerChainWithTheRightAlert) {
    INTEROP_REQUIRE_TOOL("openssl");
    const BadChain& bad = GetParam();
    const auto& pki = tls12_test::test_pki();
    OpenSslServer server = start_openssl_server(pki.*bad.cert, pki.server_key,
                                                bad.with_intermediate ? pki.intermediate_cert : "",
                                                {"-rev", "-naccept", "1"});

    auto config = tls12_test::client_config([&](tls12::ClientConfig& cfg) {
        if (!bad.trust_test_root) {
            // A trust store with a perfectly good certificate that is not our chain's root.
            cfg.verifier = tls12::make_x509_verifier(tls12::x509::TrustStore::from_certificates(
                tls12::x509::load_certificate_chain(pki.self_signed_cert)));
        }
    });
    try {
        tls12::net::Stream s = connect_to(server.port, config);
        FAIL() << "handshake succeeded against a " << bad.name << " chain\n"
               << peer_output(server.process);
    } catch (const tls12::net::TlsError& e) {
        std::cout << "  our client refused: " << e.what() << "\n";
        EXPECT_EQ(tls12::to_string(e.alert()), tls12::to_string(bad.alert)) << e.what();
        const std::string reason = lower(e.reason());
        for (const auto& alternatives : bad.reason_mentions) {
            EXPECT_TRUE(std::any_of(
                alternatives.begin(), alternatives.end(),
                [&](const std::string& w) { return reason.find(w) != std::string::npos; }))
                << "reason does not mention \"" << alternatives.front() << "\": " << e.reason();
        }
        EXPECT_GT(e.reason().size(), 15u) << e.reason();
    } catch (const std::exception& e) {
        FAIL() << "expected a TlsError, got: " << e.what() << "\n" << peer_output(server.process);
    }

    // The peer saw our fatal alert: "SSL routines:...:sslv3 alert certificate expired:...:SSL alert
    // number 45".
    const std::string expected = "SSL alert number " + std::to_string(static_cast<int>(bad.alert));
    EXPECT_TRUE(server.process.wait_for_output(expected, 15s, /*from_stderr=*/true))
        << "s_server did not report receiving alert " << tls12::to_string(bad.alert) << "\n"
        << peer_output(server.process);
}

INSTANTIATE_TEST_SUITE_P(OpenSslServer, OurClientRefuses, testing::ValuesIn(kBadChains),
                         bad_chain_name);

// root -> intermediate (nameConstraints: excluded `excluded`) -> leaf DNS:*.example.com
struct ConstrainedWildcard {
    tls12_test::TestCert root, intermediate, leaf;
};

ConstrainedWildcard constrained_wildcard(const std::string& name, const std::string& excluded) {
    using tls12_test::kCaExtensions;
    const tls12_test::CertFactory f(name);
    ConstrainedWildcard out;
    out.root = f.root("root", {"/CN=Constrained Root", kCaExtensions});
    out.intermediate = f.issue(
        "ica", out.root,
        {"/CN=Constrained Intermediate",
         std::string(kCaExtensions) + "nameConstraints = critical, excluded;DNS:" + excluded});
    out.leaf = f.issue("leaf", out.intermediate,
                       {"/CN=*.example.com", tls12_test::leaf_extensions("DNS:*.example.com")});
    return out;
}

std::shared_ptr<const tls12::ClientConfig> trusting(const tls12_test::TestCert& root) {
    return tls12_test::client_config([&](tls12::ClientConfig& cfg) {
        cfg.verifier =
            tls12::make_x509_verifier(tls12::x509::TrustStore::from_certificates({root.der}));
    });
}

TEST(NameConstraintsOverTls, WildcardReachingAnExcludedNameIsRefused) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto pki = constrained_wildcard("interop-nc-wildcard", "bar.example.com");
    OpenSslServer server =
        start_openssl_server(pki.leaf.cert, pki.leaf.key, pki.intermediate.cert, {"-naccept", "1"});
    try {
        tls12::net::Stream s = tls12::net::connect_tls("127.0.0.1", server.port, trusting(pki.root),
                                                       stream_options(), "bar.example.com");
        FAIL() << "handshake succeeded: *.example.com accepted for bar.example.com under an "
                  "intermediate that excludes it\n"
               << peer_output(server.process);
    } catch (const tls12::net::TlsError& e) {
        std::cout << "  our client refused: " << e.what() << "\n";
        EXPECT_EQ(tls12::to_string(e.alert()),
                  tls12::to_string(tls12::AlertDescription::certificate_unknown))
            << e.what();
        EXPECT_NE(e.reason().find("name constraints"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("DNS:*.example.com"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("excluded subtree DNS:bar.example.com"), std::string::npos)
            << e.reason();
    } catch (const std::exception& e) {
        FAIL() << "expected a TlsError, got: " << e.what() << "\n" << peer_output(server.process);
    }
    const std::string expected =
        "SSL alert number " +
        std::to_string(static_cast<int>(tls12::AlertDescription::certificate_unknown));
    EXPECT_TRUE(server.process.wait_for_output(expected, 15s, /*from_stderr=*/true))
        << peer_output(server.process);
}

TEST(NameConstraintsOverTls, WildcardOutsideTheExcludedNamesIsAccepted) {
    // The control: the same shape of chain, but the excluded name is out of the wildcard's reach.
    INTEROP_REQUIRE_TOOL("openssl");
    const auto pki = constrained_wildcard("interop-nc-wildcard-ok", "bar.example.org");
    OpenSslServer server =
        start_openssl_server(pki.leaf.cert, pki.leaf.key, pki.intermediate.cert, {"-naccept", "1"});
    try {
        tls12::net::Stream s = tls12::net::connect_tls("127.0.0.1", server.port, trusting(pki.root),
                                                       stream_options(), "bar.example.com");
        s.close();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << peer_output(server.process);
    }
}

class OurServerChain : public testing::TestWithParam<tls12_test::ServerKey> {};

TEST_P(OurServerChain, VerifiedByOpenSsl) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(tls12_test::server_config(GetParam()));
    tls12_test::SpawnOptions no_input;
    no_input.pipe_stdin = false;  // EOF right after the handshake: s_client closes cleanly
    Process client = Process::spawn(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port()), "-tls1_2",
         "-servername", "localhost", "-CAfile", tls12_test::test_pki().ca_cert, "-no-CApath",
         "-no-CAstore", "-verify_return_error", "-verify_hostname", "localhost", "-showcerts"},
        no_input);
    const auto code = client.wait(20s);
    EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client);
    const std::string out = client.stdout_text();
    EXPECT_NE(out.find("Verification: OK"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find("Verify return code: 0 (ok)"), std::string::npos) << peer_output(client);
    // Certificate chain: " 0 s:CN = localhost" then " 1 s:... Intermediate CA".
    EXPECT_NE(out.find(" 0 s:"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find(" 1 s:"), std::string::npos) << "intermediate not sent\n"
                                                    << peer_output(client);
    EXPECT_NE(out.find("Intermediate"), std::string::npos) << peer_output(client);
    EXPECT_EQ(out.find(" 2 s:"), std::string::npos) << "root sent needlessly\n"
                                                    << peer_output(client);

    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->error, "") << peer_output(client);
    EXPECT_TRUE(outcome->handshake_complete);
    EXPECT_TRUE(outcome->clean_close);
}

std::string leaf_name(const testing::TestParamInfo<tls12_test::ServerKey>& p) {
    switch (p.param) {
        case tls12_test::ServerKey::ecdsa_p256:
            return "EcdsaP256";
        case tls12_test::ServerKey::ecdsa_p384:
            return "EcdsaP384";
        default:
            return "Rsa2048";
    }
}

INSTANTIATE_TEST_SUITE_P(Leaves, OurServerChain,
                         testing::Values(tls12_test::ServerKey::rsa2048,
                                         tls12_test::ServerKey::ecdsa_p256,
                                         tls12_test::ServerKey::ecdsa_p384),
                         leaf_name);

}  // namespace
}  // namespace interop
