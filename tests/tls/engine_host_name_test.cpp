// Host name verification on the client: an empty server name is refused unless the config opts
// out visibly (skip_host_name_verification); names and IP literals are matched to the leaf.
#include <gtest/gtest.h>

#include "support/engine_pair.h"
#include "support/pki.h"

using namespace tls12;
using namespace tls12_test;

namespace {

// A server whose certificate (from the trusted test CA) names only wrong.example.com.
std::shared_ptr<const ServerConfig> wrong_host_server() {
    return server_config(ServerKey::rsa2048, [](ServerConfig& s) {
        s.certificates = {
            CertifiedKey::from_pem_files(test_pki().wrong_host_chain, test_pki().wrong_host_key)};
    });
}

std::string failure(const Pair& pair) {
    if (pair.client.error()) return "client: " + pair.client.error()->message();
    if (pair.server.error()) return "server: " + pair.server.error()->message();
    return "";
}

TEST(HostName, EmptyServerNameIsRefusedLocally) {
    auto client = Connection::client(client_config(), "");
    ASSERT_TRUE(client.failed());
    EXPECT_EQ(client.error()->alert, AlertDescription::internal_error);
    // The reason names the way out.
    EXPECT_NE(client.error()->reason.find("skip_host_name_verification"), std::string::npos)
        << client.error()->reason;
    // A local error: nothing goes on the wire, not even an alert, and nothing later either.
    EXPECT_FALSE(client.wants_write());
    EXPECT_FALSE(client.send(std::vector<uint8_t>{1}));
    client.close();
    EXPECT_FALSE(client.wants_write());
    EXPECT_FALSE(client.is_handshake_complete());
}

// The hole itself: without a name, a certificate for another host from a trusted CA passed.
TEST(HostName, EmptyServerNameDoesNotAcceptAnotherHostsCertificate) {
    auto pair = make_pair(client_config(), wrong_host_server(), "");
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.client.error());
    EXPECT_EQ(pair.client.error()->alert, AlertDescription::internal_error);
    EXPECT_FALSE(pair.server.is_handshake_complete());
}

TEST(HostName, TheNameIsMatchedToTheCertificate) {
    auto wrong = make_pair(client_config(), wrong_host_server(), "localhost");
    EXPECT_FALSE(wrong.handshake());
    ASSERT_TRUE(wrong.client.error());
    EXPECT_EQ(wrong.client.error()->alert, AlertDescription::bad_certificate);

    auto right = make_pair(client_config(), wrong_host_server(), "wrong.example.com");
    EXPECT_TRUE(right.handshake()) << failure(right);
}

// IP literals are verified against the leaf's IP addresses (the test leaves carry 127.0.0.1).
TEST(HostName, IpLiteralsAreMatchedToo) {
    auto right = make_pair(client_config(), server_config(), "127.0.0.1");
    EXPECT_TRUE(right.handshake()) << failure(right);
    auto wrong = make_pair(client_config(), server_config(), "127.0.0.2");
    EXPECT_FALSE(wrong.handshake());
    ASSERT_TRUE(wrong.client.error());
    EXPECT_EQ(wrong.client.error()->alert, AlertDescription::bad_certificate);
}

// The explicit opt-out: any certificate the verifier accepts, for any (or no) name. The chain is
// still verified.
TEST(HostName, SkipHostNameVerificationIsExplicit) {
    auto skip = client_config([](ClientConfig& c) { c.skip_host_name_verification = true; });
    auto unnamed = make_pair(skip, wrong_host_server(), "");
    EXPECT_TRUE(unnamed.handshake()) << failure(unnamed);
    EXPECT_TRUE(unnamed.client.negotiated().server_name.empty());

    auto named = make_pair(skip, wrong_host_server(), "localhost");
    EXPECT_TRUE(named.handshake()) << failure(named);

    auto untrusted =
        make_pair(skip,
                  server_config(ServerKey::rsa2048,
                                [](ServerConfig& s) {
                                    s.certificates = {CertifiedKey::from_pem_files(
                                        test_pki().self_signed_cert, test_pki().self_signed_key)};
                                }),
                  "");
    EXPECT_FALSE(untrusted.handshake());
    ASSERT_TRUE(untrusted.client.error());
    EXPECT_EQ(untrusted.client.error()->alert, AlertDescription::unknown_ca);
}

}  // namespace
