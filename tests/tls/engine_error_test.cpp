// What an Error says about where it came from (Error::kind): a failure we found and sent the
// alert for, an alert the peer sent, or a call or configuration refused locally with nothing sent.
#include <gtest/gtest.h>

#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

// TLS 1.2 suites that do not meet (TLS 1.3's would: every config has them).
TEST(ErrorKind, AFailureWeFindIsSentAndSaysSo) {
    auto pair = make_pair(client_config12([](ClientConfig& c) {
                              c.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256};
                          }),
                          server_config(ServerKey::rsa2048, [](ServerConfig& s) {
                              s.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384};
                          }));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->kind, ErrorKind::sent_alert);
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::handshake_failure);
    // The client got that alert: the same description, received.
    ASSERT_TRUE(pair.client.error());
    EXPECT_EQ(pair.client.error()->kind, ErrorKind::received_alert);
    EXPECT_EQ(pair.client.error()->alert, AlertDescription::handshake_failure);
}

TEST(ErrorKind, CallsRefusedLocallySendNothing) {
    auto pair = make_pair(client_config(), server_config());
    ASSERT_TRUE(pair.handshake());
    pair.client.close();
    (void)pair.client.take_output();
    const uint8_t data[] = {1};
    const auto status = pair.client.send(data);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().kind, ErrorKind::local);
    EXPECT_FALSE(pair.client.wants_write());
}

TEST(ErrorKind, AnInvalidConfigurationIsLocal) {
    auto client =
        Connection::client(client_config([](ClientConfig& c) { c.groups.clear(); }), "localhost");
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->kind, ErrorKind::local);
    EXPECT_FALSE(client.wants_write());
}

TEST(ErrorKind, NamesItself) {
    EXPECT_STREQ(to_string(ErrorKind::sent_alert), "sent_alert");
    EXPECT_STREQ(to_string(ErrorKind::received_alert), "received_alert");
    EXPECT_STREQ(to_string(ErrorKind::local), "local");
}

}  // namespace
