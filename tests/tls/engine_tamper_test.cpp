// Handshake messages rewritten in flight: Finished verify_data, the ServerKeyExchange signature and
// parameters, skipped messages, invalid ECDHE public values and a garbled RSA premaster.
#include <gtest/gtest.h>

#include <tls12/tls/handshake/common.h>
#include <tls12/tls/msgs/msgs.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr uint8_t kHandshake = 22;

template <typename Msg>
Msg held(const RawRecord& record, Result<Msg> (*parse)(ByteView)) {
    auto parsed = parse(ByteView(record.payload).subspan(4));
    if (!parsed) throw std::runtime_error("cannot parse held message: " + parsed.error().message());
    return std::move(parsed).value();
}

ServerKeyExchange held_ske(const RawRecord& record) {
    EXPECT_EQ(record.payload.at(0), static_cast<uint8_t>(HandshakeType::server_key_exchange));
    return held<ServerKeyExchange>(record, &ServerKeyExchange::parse);
}

// The client and server randoms of the session m is negotiating (from what each side sent).
std::pair<Random, Random> randoms(Mitm& m) {
    auto hello = ClientHello::parse(ByteView(m.handshake_sent_by(m.client).at(0)).subspan(4));
    if (!hello) throw std::runtime_error("no ClientHello");
    auto server_hello =
        ServerHello::parse(ByteView(m.handshake_sent_by(m.server).at(0)).subspan(4));
    if (!server_hello) throw std::runtime_error("no ServerHello");
    return {hello->random, server_hello->random};
}

// Signs ske's params as the real server would (the test PKI key is at hand).
void resign(Mitm& m, ServerKeyExchange& ske, ServerKey key = ServerKey::rsa2048) {
    const auto [client_random, server_random] = randoms(m);
    const auto data =
        server_key_exchange_signed_data(client_random, server_random, ske.params.encode());
    ske.signature = server_private_key(key)->sign(*to_signature_algorithm(ske.scheme), data,
                                                  *tls12::crypto::system_random());
}

// Drives m until the server's first flight is held for the client (one message per record).
void hold_server_flight(Mitm& m) {
    m.pull(m.client);
    ASSERT_TRUE(m.deliver(m.server));
    m.pull(m.server);
}

// Drives m until the client's key exchange flight is held for the server.
void hold_client_flight(Mitm& m) {
    hold_server_flight(m);
    ASSERT_TRUE(m.deliver(m.client));
    m.pull(m.client);
}

Mitm::Options options(std::function<void(ClientConfig&)> client,
                      std::function<void(ServerConfig&)> server = {},
                      ServerKey key = ServerKey::rsa2048) {
    Mitm::Options o;
    o.client = std::move(client);
    o.server = std::move(server);
    o.key = key;
    return o;
}

// ---- Finished --------------------------------------------------------------------------------

// Opens the held encrypted Finished record (the last one in `queue`, written by the client or the
// server at sequence 0), lets `edit` change its plaintext and seals it again at the same sequence.
void rewrite_finished(Mitm& m, std::deque<RawRecord>& queue, bool client_writes,
                      const std::function<void(std::vector<uint8_t>&)>& edit) {
    auto& record = queue.back();
    auto protection = m.keys().protection(client_writes, 0);
    auto plaintext = open_record(*protection, record);
    ASSERT_TRUE(plaintext);
    ASSERT_EQ(plaintext->size(), 16u);
    ASSERT_EQ((*plaintext)[0], static_cast<uint8_t>(HandshakeType::finished));
    edit(*plaintext);
    record = split_records(m.seal(client_writes, 0, kHandshake, *plaintext)).front();
}

TEST(EngineTamper, ClientFinishedWithAFlippedVerifyDataByte) {
    for (int index : {4, 9, 15}) {
        Mitm m;
        hold_client_flight(m);
        rewrite_finished(m, m.to_server, true, [&](auto& f) { f[index] ^= 0x01; });
        const auto status = m.deliver(m.server);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::decrypt_error));
        EXPECT_FALSE(m.server.is_handshake_complete());
    }
}

TEST(EngineTamper, ServerFinishedWithAFlippedVerifyDataByte) {
    Mitm m;
    hold_client_flight(m);
    ASSERT_TRUE(m.deliver(m.server));
    m.pull(m.server);
    rewrite_finished(m, m.to_client, false, [](auto& f) { f[10] ^= 0x40; });
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::decrypt_error));
    EXPECT_FALSE(m.client.is_handshake_complete());
}

TEST(EngineTamper, FinishedOfTheWrongLength) {
    Mitm m;
    hold_client_flight(m);
    rewrite_finished(m, m.to_server, true, [](auto& f) {
        f.pop_back();
        f[3] = 11;
    });
    const auto status = m.deliver(m.server);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::decode_error));
}

// The client's own Finished reflected back to it as the server's.
TEST(EngineTamper, ReflectedClientFinished) {
    Mitm m;
    hold_client_flight(m);
    auto client_finished = open_record(*m.keys().protection(true, 0), m.to_server.back());
    ASSERT_TRUE(client_finished);
    ASSERT_TRUE(m.deliver(m.server));
    m.pull(m.server);
    m.to_client.back() = split_records(m.seal(false, 0, kHandshake, *client_finished)).front();
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::decrypt_error));
}

TEST(EngineTamper, FlippedBitInTheEncryptedFinishedIsABadRecordMac) {
    Mitm m;
    hold_client_flight(m);
    m.to_server.back().payload[10] ^= 0x01;
    const auto status = m.deliver(m.server);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
}

// ---- ServerKeyExchange -----------------------------------------------------------------------

struct KeyCase {
    ServerKey key;
    CipherSuite suite;
};

class TamperedServerKeyExchange : public testing::TestWithParam<KeyCase> {
  protected:
    Mitm held_flight() {
        const auto [key, suite] = GetParam();
        Mitm m(options([suite](ClientConfig& c) { c.cipher_suites = {suite}; }, {}, key));
        hold_server_flight(m);
        EXPECT_EQ(m.to_client.size(), 4u);
        return m;
    }
};

TEST_P(TamperedServerKeyExchange, FlippedSignatureByte) {
    for (size_t where : {size_t{0}, size_t{7}, size_t{1000}}) {
        auto m = held_flight();
        auto ske = held_ske(m.to_client[2]);
        ske.signature[std::min(where, ske.signature.size() - 1)] ^= 0x01;
        m.to_client[2].payload = frame_message(ske);
        const auto status = m.deliver(m.client);
        EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::decrypt_error));
    }
}

TEST_P(TamperedServerKeyExchange, ReplacedPublicValue) {
    auto m = held_flight();
    auto ske = held_ske(m.to_client[2]);
    ske.params.public_value[5] ^= 0x01;  // the signature no longer covers the params
    m.to_client[2].payload = frame_message(ske);
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::decrypt_error));
}

TEST_P(TamperedServerKeyExchange, EmptySignature) {
    auto m = held_flight();
    auto ske = held_ske(m.to_client[2]);
    // A zero-length signature vector is a decode error at the parser (vec16 <1..>); a one-byte
    // one does not verify.
    ske.signature = {0};
    m.to_client[2].payload = frame_message(ske);
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::decrypt_error));
}

// A ServerKeyExchange from another session (right key, wrong randoms) does not verify.
TEST_P(TamperedServerKeyExchange, ReplayedFromAnotherSession) {
    auto other = held_flight();
    auto m = held_flight();
    m.to_client[2] = other.to_client[2];
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::decrypt_error));
}

TEST_P(TamperedServerKeyExchange, ValidlySignedPointNotOnTheCurve) {
    const auto [key, suite] = GetParam();
    Mitm m(options(
        [suite = suite](ClientConfig& c) {
            c.cipher_suites = {suite};
            c.groups = {NamedGroup::secp256r1};
        },
        {}, key));
    hold_server_flight(m);
    auto ske = held_ske(m.to_client[2]);
    ASSERT_EQ(ske.params.public_value.size(), 65u);
    ske.params.public_value[64] ^= 0x01;  // Y no longer matches X
    resign(m, ske, key);
    m.to_client[2].payload = frame_message(ske);
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
}

TEST_P(TamperedServerKeyExchange, ValidlySignedLowOrderX25519Point) {
    auto m = held_flight();
    auto ske = held_ske(m.to_client[2]);
    ASSERT_EQ(ske.params.group, NamedGroup::x25519);
    ske.params.public_value.assign(32, 0);  // u = 0: the shared secret would be all zero
    resign(m, ske, GetParam().key);
    m.to_client[2].payload = frame_message(ske);
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
}

INSTANTIATE_TEST_SUITE_P(
    EngineTamper, TamperedServerKeyExchange,
    testing::Values(KeyCase{ServerKey::rsa2048, CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
                    KeyCase{ServerKey::ecdsa_p256,
                            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}),
    [](const testing::TestParamInfo<KeyCase>& p) {
        return p.param.key == ServerKey::rsa2048 ? std::string("Rsa") : std::string("Ecdsa");
    });

// ---- skipped and extra messages (SMACK / SKIP) ----------------------------------------------

TEST(EngineTamper, ServerKeyExchangeSkippedInAnEcdheSuite) {
    Mitm m;
    hold_server_flight(m);
    m.to_client.erase(m.to_client.begin() + 2);
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

TEST(EngineTamper, CertificateSkipped) {
    Mitm m;
    hold_server_flight(m);
    m.to_client.erase(m.to_client.begin() + 1);
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

TEST(EngineTamper, ServerKeyExchangeInAnRsaSuite) {
    Mitm ecdhe;
    hold_server_flight(ecdhe);
    Mitm m(options(
        [](ClientConfig& c) { c.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256}; }));
    hold_server_flight(m);
    ASSERT_EQ(m.to_client.size(), 3u);
    m.to_client.insert(m.to_client.begin() + 2, ecdhe.to_client[2]);
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

TEST(EngineTamper, ClientKeyExchangeSkipped) {
    Mitm m;
    hold_client_flight(m);
    m.to_server.pop_front();  // CKE; CCS and Finished remain
    const auto status = m.deliver(m.server);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
}

// The server's Finished sent in the clear, without its ChangeCipherSpec.
TEST(EngineTamper, ServerChangeCipherSpecSkipped) {
    Mitm m;
    hold_client_flight(m);
    ASSERT_TRUE(m.deliver(m.server));
    m.pull(m.server);
    const size_t ccs = Mitm::records_before_ccs(m.to_client);
    ASSERT_EQ(m.to_client.size(), ccs + 2);
    auto finished = open_record(*m.keys().protection(false, 0), m.to_client.back());
    ASSERT_TRUE(finished);
    m.to_client.pop_back();
    m.to_client.back() = RawRecord{kHandshake, *finished};  // in place of the CCS
    const auto status = m.deliver(m.client);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

// ---- the client's key exchange ---------------------------------------------------------------

struct BadPublicValue {
    const char* name;
    NamedGroup group;
    std::function<void(std::vector<uint8_t>&)> edit;
};

class InvalidClientPublicValue : public testing::TestWithParam<BadPublicValue> {};

TEST_P(InvalidClientPublicValue, IsAnIllegalParameter) {
    const auto& param = GetParam();
    Mitm m(options([group = param.group](ClientConfig& c) { c.groups = {group}; }));
    hold_client_flight(m);
    auto& record = m.to_server.front();
    auto cke = held<ClientKeyExchange>(record, &ClientKeyExchange::parse_ecdhe);
    param.edit(cke.exchange_keys);
    record.payload = frame_message(cke);
    const auto status = m.deliver(m.server, 1);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::illegal_parameter));
}

INSTANTIATE_TEST_SUITE_P(
    EngineTamper, InvalidClientPublicValue,
    testing::Values(
        BadPublicValue{"X25519AllZero", NamedGroup::x25519, [](auto& v) { v.assign(32, 0); }},
        BadPublicValue{"X25519One", NamedGroup::x25519,
                       [](auto& v) {
                           v.assign(32, 0);
                           v[0] = 1;  // order 1: all-zero shared secret
                       }},
        BadPublicValue{"X25519TooShort", NamedGroup::x25519, [](auto& v) { v.pop_back(); }},
        BadPublicValue{"X25519TooLong", NamedGroup::x25519, [](auto& v) { v.push_back(0); }},
        BadPublicValue{"P256NotOnCurve", NamedGroup::secp256r1, [](auto& v) { v[64] ^= 1; }},
        BadPublicValue{"P256Compressed", NamedGroup::secp256r1,
                       [](auto& v) {
                           v.resize(33);
                           v[0] = 2;
                       }},
        BadPublicValue{"P256Infinity", NamedGroup::secp256r1, [](auto& v) { v.assign(1, 0); }},
        BadPublicValue{"P256AllZeroCoordinates", NamedGroup::secp256r1,
                       [](auto& v) {
                           v.assign(65, 0);
                           v[0] = 4;
                       }},
        BadPublicValue{"P256BadPrefix", NamedGroup::secp256r1, [](auto& v) { v[0] = 5; }},
        BadPublicValue{"P256XAboveThePrime", NamedGroup::secp256r1,
                       [](auto& v) { std::fill(v.begin() + 1, v.begin() + 33, 0xff); }},
        BadPublicValue{"P384NotOnCurve", NamedGroup::secp384r1, [](auto& v) { v[96] ^= 1; }},
        BadPublicValue{"P384PointOfP256Size", NamedGroup::secp384r1,
                       [](auto& v) { v.resize(65); }}),
    [](const testing::TestParamInfo<BadPublicValue>& p) { return p.param.name; });

// RFC 5246 7.4.7.1: a garbled RSA premaster is not reported at the ClientKeyExchange (no oracle);
// the server carries on with a random premaster, so the client's Finished record (sealed with the
// real keys) does not authenticate: the same bad_record_mac as for a wrong key.
TEST(EngineTamper, GarbledRsaPremasterFailsOnlyAtFinished) {
    for (int variant = 0; variant < 3; ++variant) {
        SCOPED_TRACE(variant);
        Mitm m(options([](ClientConfig& c) {
            c.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256};
        }));
        hold_client_flight(m);
        auto& record = m.to_server.front();
        auto cke = held<ClientKeyExchange>(record, &ClientKeyExchange::parse_rsa);
        if (variant == 0) cke.exchange_keys[100] ^= 0x01;
        if (variant == 1) cke.exchange_keys.pop_back();
        if (variant == 2) cke.exchange_keys.assign(256, 0);
        record.payload = frame_message(cke);
        ASSERT_TRUE(m.deliver(m.server, 1)) << "the server reacted to the premaster itself";
        EXPECT_FALSE(m.server.wants_write());
        const auto status = m.deliver(m.server);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
    }
}

}  // namespace
