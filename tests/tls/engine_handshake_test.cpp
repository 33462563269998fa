// Full TLS 1.2 handshakes between our client and server engines in memory (configs pinned to TLS
// 1.2; TLS 1.3's are in engine13_test.cpp): every suite and group, then 1 MiB each way with the
// content checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/suites.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> out(n);
    for (auto& b : out) b = static_cast<uint8_t>(rng());
    return out;
}

struct SuiteCase {
    CipherSuite suite;
    NamedGroup group;
};

std::string case_name(const testing::TestParamInfo<SuiteCase>& info) {
    return openssl_name(info.param.suite) + "_" + to_string(info.param.group);
}

std::vector<SuiteCase> all_cases() {
    std::vector<SuiteCase> out;
    for (const auto& info : all_suites()) {
        if (info.tls13()) continue;  // a TLS 1.2 handshake never picks one
        if (!info.ecdhe()) {
            out.push_back({info.suite, NamedGroup::x25519});
            continue;
        }
        for (auto g : {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1})
            out.push_back({info.suite, g});
    }
    return out;
}

std::string sanitize(std::string s) {
    for (auto& ch : s)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return s;
}

class EverySuite : public testing::TestWithParam<SuiteCase> {};

TEST_P(EverySuite, HandshakeThenOneMebibyteEachWay) {
    const auto [suite, group] = GetParam();
    const bool ecdsa = find_suite(suite)->kex == SuiteKex::ecdhe_ecdsa;
    auto client = client_config12([&](ClientConfig& c) {
        c.cipher_suites = {suite};
        c.groups = {group};
        // RFC 8422 5.1: a P-256 certificate needs the client to list secp256r1 as well.
        if (ecdsa && group != NamedGroup::secp256r1) c.groups.push_back(NamedGroup::secp256r1);
    });
    auto server =
        server_config12(ecdsa ? ServerKey::ecdsa_p256 : ServerKey::rsa2048, [&](ServerConfig& s) {
            s.groups = {group};
            // The opt-in CBC suites too (the client pins the suite).
            s.cipher_suites = supported_cipher_suites();
        });
    auto pair = make_pair(client, server);
    ASSERT_TRUE(pair.handshake()) << (pair.client.error() ? pair.client.error()->message() : "")
                                  << (pair.server.error() ? pair.server.error()->message() : "");
    for (auto* c : {&pair.client, &pair.server}) {
        EXPECT_EQ(c->negotiated().cipher_suite, suite);
        EXPECT_EQ(c->negotiated().version, ProtocolVersion::tls12);
        EXPECT_TRUE(c->negotiated().extended_master_secret);
        if (find_suite(suite)->ecdhe()) {
            EXPECT_EQ(c->negotiated().group, group);
        }
    }
    EXPECT_EQ(pair.server.negotiated().server_name, "localhost");
    EXPECT_FALSE(pair.client.negotiated().peer_certificates.empty());

    const auto up = pattern(1 << 20, 1);
    const auto down = pattern(1 << 20, 2);
    EXPECT_EQ(pair.round_trip(pair.client, pair.server, up), up);
    EXPECT_EQ(pair.round_trip(pair.server, pair.client, down), down);

    pair.client.close();
    transfer(pair.client, pair.server);
    EXPECT_TRUE(pair.server.peer_closed());
    transfer(pair.server, pair.client);  // the server answers close_notify
    EXPECT_TRUE(pair.client.peer_closed());
    EXPECT_FALSE(pair.client.failed());
    EXPECT_FALSE(pair.server.failed());
}

INSTANTIATE_TEST_SUITE_P(Engine, EverySuite, testing::ValuesIn(all_cases()),
                         [](const auto& param) { return sanitize(case_name(param)); });

TEST(Engine, EcdsaCertificateNeedsItsCurve) {
    // An ECDSA-only server and a client that does not list the certificate's curve.
    auto client = client_config12([](ClientConfig& c) { c.groups = {NamedGroup::x25519}; });
    auto pair = make_pair(client, server_config12(ServerKey::ecdsa_p256));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::handshake_failure);
}

TEST(Engine, EcdsaP384Certificate) {
    auto client = client_config12();
    auto server = server_config12(ServerKey::ecdsa_p384);
    auto pair = make_pair(client, server);
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.client.negotiated().signature_scheme, SignatureScheme::ecdsa_secp384r1_sha384);
}

TEST(Engine, DefaultsPreferForwardSecrecyAndX25519) {
    auto pair = make_pair(client_config12(), server_config12());
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.server.negotiated().cipher_suite,
              CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    EXPECT_EQ(pair.server.negotiated().group, NamedGroup::x25519);
}

TEST(Engine, EveryRsaSignatureScheme) {
    using S = SignatureScheme;
    for (auto scheme : {S::rsa_pss_rsae_sha256, S::rsa_pss_rsae_sha384, S::rsa_pss_rsae_sha512,
                        S::rsa_pkcs1_sha256, S::rsa_pkcs1_sha384, S::rsa_pkcs1_sha512}) {
        auto pair =
            make_pair(client_config12([&](ClientConfig& c) { c.signature_schemes = {scheme}; }),
                      server_config12());
        ASSERT_TRUE(pair.handshake()) << to_string(scheme);
        EXPECT_EQ(pair.client.negotiated().signature_scheme, scheme);
    }
}

TEST(Engine, ServerPreferenceWins) {
    auto client = client_config12([](ClientConfig& c) {
        c.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
                           CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384};
    });
    auto pair = make_pair(client, server_config12());
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.client.negotiated().cipher_suite,
              CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384);
}

TEST(Engine, BytesDeliveredOneAtATime) {
    auto pair = make_pair(client_config12(), server_config12());
    for (int round = 0; round < 20; ++round) {
        bool moved = false;
        for (auto [from, to] :
             {std::pair{&pair.client, &pair.server}, {&pair.server, &pair.client}}) {
            auto bytes = from->take_output();
            for (uint8_t b : bytes) ASSERT_TRUE(to->feed(ByteView(&b, 1)));
            moved = moved || !bytes.empty();
        }
        if (!moved) break;
    }
    ASSERT_TRUE(pair.client.is_handshake_complete());
    ASSERT_TRUE(pair.server.is_handshake_complete());
    const auto data = pattern(40000, 3);
    ASSERT_TRUE(pair.client.send(data));
    auto bytes = pair.client.take_output();
    for (uint8_t b : bytes) ASSERT_TRUE(pair.server.feed(ByteView(&b, 1)));
    std::vector<uint8_t> got(data.size());
    EXPECT_EQ(pair.server.receive(got), data.size());
    EXPECT_EQ(got, data);
}

TEST(Engine, HandshakeMessagesSplitAcrossManyRecords) {
    auto pair = make_pair(client_config12(), server_config12());
    transfer(pair.client, pair.server);
    // Re-frame the server's plaintext flight into records of 7 bytes each.
    auto records = split_records(pair.server.take_output());
    std::vector<uint8_t> all;
    for (const auto& r : records) all.insert(all.end(), r.payload.begin(), r.payload.end());
    for (size_t i = 0; i < all.size(); i += 7) {
        std::vector<uint8_t> piece(all.begin() + static_cast<long>(i),
                                   all.begin() + static_cast<long>(std::min(all.size(), i + 7)));
        ASSERT_TRUE(pair.client.feed(handshake_record(piece)));
    }
    ASSERT_TRUE(pair.handshake());
}

TEST(Engine, WholeFlightsCoalescedInOneFeed) {
    auto pair = make_pair(client_config12(), server_config12());
    // Server flight arrives as one buffer; the client's second flight plus application data too.
    transfer(pair.client, pair.server);
    transfer(pair.server, pair.client);
    const auto data = pattern(1000, 4);
    ASSERT_TRUE(pair.client.send(data));  // queued until the handshake completes
    ASSERT_TRUE(pair.handshake());
    std::vector<uint8_t> got(data.size());
    EXPECT_EQ(pair.server.receive(got), data.size());
    EXPECT_EQ(got, data);
}

TEST(Engine, LargeWritesSplitIntoFullRecords) {
    auto pair = make_pair(client_config12(), server_config12());
    ASSERT_TRUE(pair.handshake());
    ASSERT_TRUE(pair.client.send(pattern(3 * 16384 + 5, 5)));
    auto records = split_records(pair.client.take_output());
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[0].payload.size(), 16384u + 8 + 16);
    EXPECT_EQ(records[3].payload.size(), 5u + 8 + 16);
}

TEST(Engine, TruncationIsNotACleanClose) {
    auto pair = make_pair(client_config12(), server_config12());
    ASSERT_TRUE(pair.handshake());
    // No close_notify: the stream layer sees EOF without peer_closed().
    EXPECT_FALSE(pair.client.peer_closed());
    pair.server.close();
    transfer(pair.server, pair.client);
    EXPECT_TRUE(pair.client.peer_closed());
}

TEST(Engine, ClientWithoutVerifierRefusesToStart) {
    auto config = std::make_shared<const ClientConfig>();
    auto client = Connection::client(config, "localhost");
    EXPECT_TRUE(client.failed());
    EXPECT_EQ(client.error()->alert, AlertDescription::internal_error);
}

TEST(Engine, RequiredExtendedMasterSecret) {
    // A server that requires EMS refuses a client that does not offer it: emulate that client by
    // stripping the extension from the ClientHello.
    auto server = server_config12(ServerKey::rsa2048, [](ServerConfig& s) {
        s.extended_master_secret = ExtendedMasterSecret::require;
    });
    auto pair = make_pair(client_config12(), server);
    auto records = split_records(pair.client.take_output());
    auto messages = split_handshake_messages(records);
    ASSERT_EQ(messages.size(), 1u);
    auto hello = ClientHello::parse(ByteView(messages[0]).subspan(4));
    ASSERT_TRUE(hello);
    hello->extensions.extended_master_secret = false;
    auto body = hello->serialize();
    EXPECT_FALSE(
        pair.server.feed(handshake_record(frame_handshake(HandshakeType::client_hello, body))));
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::handshake_failure);
}

}  // namespace

TEST(Engine, ReceivedDataIsReadInPlaceWithoutACopy) {
    auto pair = make_pair(client_config12(), server_config12());
    ASSERT_TRUE(pair.handshake());
    const auto first = pattern(3000, 5), second = pattern(20000, 6);
    ASSERT_TRUE(pair.client.send(first));
    ASSERT_TRUE(pair.server.feed(pair.client.take_output()));
    ByteView view = pair.server.received_data();
    ASSERT_EQ(view.size(), first.size());
    EXPECT_TRUE(std::equal(view.begin(), view.end(), first.begin()));
    EXPECT_EQ(pair.server.received_data().data(), view.data());  // the same bytes, not a copy

    // Part consumed in place, then more arrives (two records): the rest and the new data follow
    // in order, and receive() and received_data() read the same stream.
    pair.server.consume_received(1000);
    EXPECT_EQ(pair.server.available(), first.size() - 1000);
    ASSERT_TRUE(pair.client.send(second));
    ASSERT_TRUE(pair.server.feed(pair.client.take_output()));
    std::vector<uint8_t> head(500);
    ASSERT_EQ(pair.server.receive(head), head.size());
    EXPECT_TRUE(std::equal(head.begin(), head.end(), first.begin() + 1000));
    view = pair.server.received_data();
    std::vector<uint8_t> expected(first.begin() + 1500, first.end());
    expected.insert(expected.end(), second.begin(), second.end());
    ASSERT_EQ(view.size(), expected.size());
    EXPECT_TRUE(std::equal(view.begin(), view.end(), expected.begin()));

    // Consuming more than there is stops at the end; nothing is left to read.
    pair.server.consume_received(view.size() + 100);
    EXPECT_TRUE(pair.server.received_data().empty());
    EXPECT_EQ(pair.server.available(), 0u);
    std::vector<uint8_t> none(10);
    EXPECT_EQ(pair.server.receive(none), 0u);
}
