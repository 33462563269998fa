// RFC 8446 4.2.10: we never accept 0-RTT. A TLS 1.3 server that receives early_data ignores it
// (no early_data in EncryptedExtensions) and skips the client's 0-RTT records, up to
// Limits::max_skipped_early_data: after a 1-RTT ServerHello the records its handshake key does not
// open, after a HelloRetryRequest every application_data record before the second ClientHello.
// Once a record opens, failures are fatal again. A client refuses an early_data it did not offer.
// The client here is played by hand (support/forge13.h), the 0-RTT records are random bytes:
// to a server without the early traffic key they are what real early data looks like.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "support/engine_pair.h"
#include "support/forge13.h"

using namespace tls12;
using namespace tls12_test;

namespace {

std::shared_ptr<const ClientConfig> client13() {
    return client_config([](ClientConfig& c) { c.max_version = ProtocolVersion::tls13; });
}

// An application_data record with an encrypted_record of n random bytes.
std::vector<uint8_t> zero_rtt_record(size_t n, uint32_t seed = 1) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> body(n);
    for (auto& b : body) b = static_cast<uint8_t>(rng());
    return RawRecord{23, body}.encode();
}

std::vector<uint8_t> zero_rtt(std::initializer_list<size_t> sizes) {
    std::vector<std::vector<uint8_t>> records;
    uint32_t seed = 1;
    for (size_t n : sizes) records.push_back(zero_rtt_record(n, seed++));
    return join(records);
}

std::string reason(const Connection& c) {
    return c.error() ? c.error()->message() : "-";
}

// What the server received as application data.
std::string received(Connection& server) {
    std::vector<uint8_t> got(1024);
    got.resize(server.receive(got));
    return std::string(got.begin(), got.end());
}

// Application data from the forged client, sealed under its first traffic key.
std::vector<uint8_t> data_record(ForgedClient13& fc, std::string_view text) {
    return fc.application_keys().seal(
        ContentType::application_data,
        ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void expect_no_early_data_acknowledged(const ForgedClient13& fc) {
    bool seen = false;
    for (const auto& message : fc.server_messages) {
        if (message.at(0) != static_cast<uint8_t>(HandshakeType::encrypted_extensions)) continue;
        auto ee = EncryptedExtensions::parse(ByteView(message).subspan(4));
        ASSERT_TRUE(ee);
        EXPECT_FALSE(ee->extensions.early_data);
        seen = true;
    }
    EXPECT_TRUE(seen);
}

TEST(EarlyData13, ServerSkipsEarlyDataItCannotOpenAndCompletes) {
    ForgedClient13 fc(client13());
    fc.hello.extensions.early_data = true;
    ASSERT_TRUE(fc.send_hello(zero_rtt({100, 2000, 17})));
    // More 0-RTT records in a later feed, before the client's second flight.
    ASSERT_TRUE(fc.server.feed(zero_rtt({500})));
    EXPECT_FALSE(fc.read_server());
    expect_no_early_data_acknowledged(fc);
    ASSERT_TRUE(fc.complete()) << reason(fc.server);
    ASSERT_TRUE(fc.server.feed(data_record(fc, "after the handshake")));
    EXPECT_EQ(received(fc.server), "after the handshake");
    EXPECT_FALSE(fc.server.failed());
}

TEST(EarlyData13, SkippingEndsAtTheFirstRecordThatOpens) {
    ForgedClient13 fc(client13());
    fc.hello.extensions.early_data = true;
    ASSERT_TRUE(fc.send_hello(zero_rtt({100})));
    fc.read_server();
    // A bad record after the client's Finished is bad_record_mac again.
    (void)fc.complete(zero_rtt({100}));
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::bad_record_mac) << reason(fc.server);
}

TEST(EarlyData13, UndecryptableRecordWithoutEarlyDataIsBadRecordMac) {
    ForgedClient13 fc(client13());
    (void)fc.send_hello(zero_rtt({100}));
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::bad_record_mac) << reason(fc.server);
}

TEST(EarlyData13, SkipsUpToTheLimitAndRefusesMore) {
    // Each record counts its encrypted_record less 17 bytes (tag and type byte).
    {
        ForgedClient13 fc(client13());
        fc.hello.extensions.early_data = true;
        ASSERT_TRUE(fc.send_hello(zero_rtt({8192 + 17, 8192 + 17}))) << reason(fc.server);
        fc.read_server();
        EXPECT_TRUE(fc.complete()) << reason(fc.server);
    }
    ForgedClient13 fc(client13());
    fc.hello.extensions.early_data = true;
    EXPECT_FALSE(fc.send_hello(zero_rtt({8192 + 17, 8192 + 17, 1 + 17})));
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::unexpected_message);
    EXPECT_NE(reason(fc.server).find("early data"), std::string::npos) << reason(fc.server);
}

TEST(EarlyData13, TheLimitIsConfigurable) {
    ForgedClient13 fc(client13(), ServerKey::rsa2048,
                      [](ServerConfig& s) { s.limits.max_skipped_early_data = 100; });
    fc.hello.extensions.early_data = true;
    EXPECT_FALSE(fc.send_hello(zero_rtt({50 + 17, 51 + 17})));
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::unexpected_message);
}

// ---- after a HelloRetryRequest ----

void only_secp256r1(ServerConfig& s) {
    s.groups = {NamedGroup::secp256r1};
}

TEST(EarlyData13, AfterHelloRetryRequestApplicationDataIsSkippedUntilTheSecondClientHello) {
    ForgedClient13 fc(client13(), ServerKey::rsa2048, only_secp256r1);
    fc.hello.extensions.early_data = true;
    ASSERT_TRUE(fc.send_hello(zero_rtt({300, 300})));
    ASSERT_TRUE(fc.read_server());  // a HelloRetryRequest
    ASSERT_TRUE(fc.server.feed(zero_rtt({1000})));
    ASSERT_TRUE(fc.send_second_hello()) << reason(fc.server);
    EXPECT_FALSE(fc.read_server());
    expect_no_early_data_acknowledged(fc);
    ASSERT_TRUE(fc.complete()) << reason(fc.server);
    EXPECT_EQ(fc.server.negotiated().group, NamedGroup::secp256r1);
    ASSERT_TRUE(fc.server.feed(data_record(fc, "hello")));
    EXPECT_EQ(received(fc.server), "hello");
}

TEST(EarlyData13, AfterHelloRetryRequestTheLimitHolds) {
    ForgedClient13 fc(client13(), ServerKey::rsa2048, only_secp256r1);
    fc.hello.extensions.early_data = true;
    ASSERT_TRUE(fc.send_hello(zero_rtt({8192 + 17})));
    ASSERT_TRUE(fc.read_server());
    EXPECT_FALSE(fc.server.feed(zero_rtt({8192 + 17, 1 + 17})));
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::unexpected_message);
    EXPECT_NE(reason(fc.server).find("early data"), std::string::npos) << reason(fc.server);
}

TEST(EarlyData13, AfterTheSecondClientHelloBadRecordsAreFatal) {
    ForgedClient13 fc(client13(), ServerKey::rsa2048, only_secp256r1);
    fc.hello.extensions.early_data = true;
    ASSERT_TRUE(fc.send_hello());
    ASSERT_TRUE(fc.read_server());
    EXPECT_FALSE(fc.send_second_hello(zero_rtt({100})));
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::bad_record_mac) << reason(fc.server);
}

TEST(EarlyData13, SecondClientHelloMayNotCarryEarlyData) {
    ForgedClient13 fc(client13(), ServerKey::rsa2048, only_secp256r1);
    fc.hello.extensions.early_data = true;
    ASSERT_TRUE(fc.send_hello());
    ASSERT_TRUE(fc.read_server());
    EXPECT_FALSE(fc.send_second_hello({}, [](ClientHello& h) { h.extensions.early_data = true; }));
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::illegal_parameter);
    EXPECT_NE(reason(fc.server).find("early_data"), std::string::npos) << reason(fc.server);
}

// ---- the client ----

// A server's first flight with early_data added to its EncryptedExtensions (resealed under the
// server's handshake key, from the client's key log): the client never offered it.
TEST(EarlyData13, ClientRefusesEarlyDataItDidNotOffer) {
    KeyLog13 log;
    auto client = Connection::client(client_config([&](ClientConfig& c) {
                                         c.max_version = ProtocolVersion::tls13;
                                         c.key_log = log.callback();
                                     }),
                                     "localhost");
    auto server = Connection::server(server_config(
        ServerKey::rsa2048, [](ServerConfig& s) { s.max_version = ProtocolVersion::tls13; }));
    transfer(client, server);
    auto records = split_records(server.take_output());
    ASSERT_GE(records.size(), 3u);
    ASSERT_EQ(records[0].type, 22);  // ServerHello
    ASSERT_TRUE(client.feed(records[0].encode()));
    const auto* suite = find_suite(*client.negotiated().cipher_suite);
    ASSERT_TRUE(suite);
    const auto secret = log.secret("SERVER_HANDSHAKE_TRAFFIC_SECRET");
    Direction13 opener(*suite, secret, false);
    std::vector<uint8_t> flight;
    for (size_t i = 1; i < records.size(); ++i) {
        if (records[i].type != 23) continue;
        auto opened = opener.open(records[i]);
        ASSERT_TRUE(opened);
        flight.insert(flight.end(), opened->second.begin(), opened->second.end());
    }
    auto messages = split_messages(flight);
    ASSERT_FALSE(messages.empty());
    auto ee = EncryptedExtensions::parse(ByteView(messages[0]).subspan(4));
    ASSERT_TRUE(ee);
    ee->extensions.early_data = true;
    messages[0] = encode_handshake(*ee);
    Direction13 sealer(*suite, secret, true);
    (void)client.feed(sealer.seal(ContentType::handshake, messages[0]));
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->alert, AlertDescription::unsupported_extension);
    EXPECT_NE(reason(client).find("early_data"), std::string::npos) << reason(client);
}

}  // namespace
