// The legacy CBC suites through the engine: every suite with and without encrypt-then-MAC (RFC
// 7366), bulk data both ways, tampering (ciphertext, IV, MAC, padding, length), padding and MAC
// failures indistinguishable, and CBC never offered by default. CBC suites exist only in TLS 1.2:
// every config here is pinned to it.
#include <gtest/gtest.h>

#include <tls12/crypto/cbc.h>
#include <tls12/crypto/hmac.h>
#include <tls12/tls/config.h>
#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/suites.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr uint8_t kApplicationData = 23;

const CipherSuite kCbcSuites[] = {
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256,
    CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
    CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA,
};

struct Param {
    CipherSuite suite;
    bool etm;
};

std::vector<Param> all_params() {
    std::vector<Param> out;
    for (auto s : kCbcSuites)
        for (bool etm : {true, false}) out.push_back({s, etm});
    return out;
}

std::string param_name(const testing::TestParamInfo<Param>& p) {
    std::string s = openssl_name(p.param.suite);
    for (auto& ch : s)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return s + (p.param.etm ? "_etm" : "_mte");
}

std::vector<uint8_t> bytes_of(std::string_view s) {
    return {s.begin(), s.end()};
}

Mitm::Options options_for(Param p) {
    Mitm::Options options;
    options.client = [p](ClientConfig& c) {
        c.cipher_suites = {p.suite};
        c.encrypt_then_mac = p.etm;
    };
    options.server = [](ServerConfig& c) { c.cipher_suites = with_legacy_cbc(c.cipher_suites); };
    return options;
}

// A record the client could have sent at sequence number seq, built here from the key block with
// the crypto primitives (independently of CbcProtection), with the MAC and/or padding broken on
// request. padding_length must fit the layout's block alignment (see aligned_padding).
std::vector<uint8_t> craft(const SessionKeys& k, bool etm, uint64_t seq,
                           const std::vector<uint8_t>& plaintext, size_t padding_length,
                           bool good_mac, bool good_padding, int claimed_length = -1) {
    const SuiteInfo& suite = *k.suite;
    tls12::crypto::Hmac mac(suite.mac_hash, k.keys.client_mac_key.view());
    tls12::crypto::AesCbc cipher(k.keys.client_key.view(), tls12::crypto::CbcDirection::encrypt);
    const std::vector<uint8_t> iv(16, 0xa5);
    auto header = [&](size_t length) {
        std::vector<uint8_t> h(13);
        for (int i = 0; i < 8; ++i) h[i] = static_cast<uint8_t>(seq >> (56 - 8 * i));
        h[8] = kApplicationData;
        h[9] = 3;
        h[10] = 3;
        h[11] = static_cast<uint8_t>(length >> 8);
        h[12] = static_cast<uint8_t>(length);
        return h;
    };
    auto add_padding = [&](std::vector<uint8_t>& buf) {
        for (size_t i = 0; i <= padding_length; ++i)
            buf.push_back(static_cast<uint8_t>(padding_length));
        if (!good_padding) buf[buf.size() - 1 - padding_length / 2] ^= 0x01;
        if (claimed_length >= 0) buf.back() = static_cast<uint8_t>(claimed_length);
    };
    std::vector<uint8_t> tag(mac.size());
    std::vector<uint8_t> out = iv;
    if (!etm) {
        mac.update(header(plaintext.size()));
        mac.update(plaintext);
        mac.finish(tag);
        if (!good_mac) tag[3] ^= 0x40;
        std::vector<uint8_t> buf = plaintext;
        buf.insert(buf.end(), tag.begin(), tag.end());
        add_padding(buf);
        cipher.encrypt(iv, buf);
        out.insert(out.end(), buf.begin(), buf.end());
        return out;
    }
    std::vector<uint8_t> buf = plaintext;
    add_padding(buf);
    cipher.encrypt(iv, buf);
    out.insert(out.end(), buf.begin(), buf.end());
    mac.update(header(out.size()));
    mac.update(out);
    mac.finish(tag);
    if (!good_mac) tag[3] ^= 0x40;
    out.insert(out.end(), tag.begin(), tag.end());
    return out;
}

// The largest padding_length <= max that block-aligns content_size bytes.
size_t aligned_padding(size_t content_size, size_t max = 255) {
    for (size_t p = max;; --p)
        if ((content_size + p + 1) % 16 == 0) return p;
}

class CbcSuite : public testing::TestWithParam<Param> {
  protected:
    Param p() const { return GetParam(); }
    size_t mac_size() const { return tls12::crypto::digest_size(find_suite(p().suite)->mac_hash); }

    // A completed pair with one application data record from the client held for the server.
    Mitm established() {
        Mitm m(options_for(p()));
        EXPECT_TRUE(m.run());
        EXPECT_EQ(m.client.negotiated().encrypt_then_mac, p().etm);
        EXPECT_EQ(m.server.negotiated().encrypt_then_mac, p().etm);
        EXPECT_TRUE(m.client.send(bytes_of("attack at dawn, bring snacks")));
        m.pull(m.client);
        EXPECT_EQ(m.to_server.size(), 1u);
        return m;
    }
    void expect_bad_record_mac(Mitm& m) {
        const auto status = m.deliver(m.server);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
    }
    // Delivers a crafted record at the client's next sequence number (1: Finished was 0).
    Status deliver_crafted(Mitm& m, const std::vector<uint8_t>& payload) {
        m.to_server.clear();
        m.to_server.push_back(RawRecord{kApplicationData, payload});
        return m.deliver(m.server);
    }
};

TEST_P(CbcSuite, HandshakeAndOneMebibyteEachWay) {
    auto client = client_config12([&](ClientConfig& c) {
        c.cipher_suites = {p().suite};
        c.encrypt_then_mac = p().etm;
    });
    auto server = server_config12(ServerKey::rsa2048, [](ServerConfig& c) {
        c.cipher_suites = with_legacy_cbc(default_cipher_suites());
    });
    auto pair = make_pair(client, server);
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.client.negotiated().cipher_suite, p().suite);
    EXPECT_EQ(pair.server.negotiated().cipher_suite, p().suite);
    EXPECT_EQ(pair.client.negotiated().encrypt_then_mac, p().etm);
    EXPECT_EQ(pair.server.negotiated().encrypt_then_mac, p().etm);
    std::vector<uint8_t> data(1 << 20);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + (i >> 9));
    EXPECT_EQ(pair.round_trip(pair.client, pair.server, data), data);
    EXPECT_EQ(pair.round_trip(pair.server, pair.client, data), data);
    // Small and empty-ish writes too (every padding length is exercised by 1..40 bytes).
    for (size_t n = 1; n <= 40; ++n) {
        std::vector<uint8_t> small(n, static_cast<uint8_t>(n));
        ASSERT_EQ(pair.round_trip(pair.client, pair.server, small), small);
    }
}

TEST_P(CbcSuite, UntouchedRecordGetsThrough) {
    auto m = established();
    ASSERT_TRUE(m.deliver(m.server));
    std::vector<uint8_t> got(100);
    got.resize(m.server.receive(got));
    EXPECT_EQ(got, bytes_of("attack at dawn, bring snacks"));
}

TEST_P(CbcSuite, FlippedIvByte) {
    auto m = established();
    m.to_server.front().payload[2] ^= 0x01;
    expect_bad_record_mac(m);
}

TEST_P(CbcSuite, FlippedCiphertextByte) {
    auto m = established();
    m.to_server.front().payload[16 + 3] ^= 0x01;
    expect_bad_record_mac(m);
}

TEST_P(CbcSuite, FlippedLastByte) {  // the MAC (ETM) or the padding length (MAC-then-encrypt)
    auto m = established();
    m.to_server.front().payload.back() ^= 0x80;
    expect_bad_record_mac(m);
}

TEST_P(CbcSuite, FlippedByteOfTheLastBlock) {  // the padding bytes
    auto m = established();
    auto& payload = m.to_server.front().payload;
    payload[payload.size() - (p().etm ? mac_size() : 0) - 17] ^= 0x01;
    expect_bad_record_mac(m);
}

TEST_P(CbcSuite, LengthNotAMultipleOfTheBlock) {
    auto m = established();
    m.to_server.front().payload.pop_back();
    expect_bad_record_mac(m);
}

TEST_P(CbcSuite, OneBlockCutOff) {
    auto m = established();
    auto& payload = m.to_server.front().payload;
    payload.erase(payload.end() - 16, payload.end());
    expect_bad_record_mac(m);
}

TEST_P(CbcSuite, ShorterThanTheMinimum) {
    for (size_t n : {size_t{0}, size_t{15}, size_t{16}, size_t{32}}) {
        SCOPED_TRACE(n);
        auto m = established();
        m.to_server.front().payload.resize(n);
        expect_bad_record_mac(m);
    }
}

TEST_P(CbcSuite, CraftedRecordsOpen) {
    // The reference construction is accepted, with minimal and maximal (255) padding.
    const auto plaintext = bytes_of("crafted by hand");
    for (bool longest : {false, true}) {
        auto m = established();
        const size_t content = plaintext.size() + (p().etm ? 0 : mac_size());
        const size_t padding = aligned_padding(content, longest ? 255 : 15);
        ASSERT_TRUE(
            deliver_crafted(m, craft(m.keys(), p().etm, 1, plaintext, padding, true, true)));
        std::vector<uint8_t> got(100);
        got.resize(m.server.receive(got));
        EXPECT_EQ(got, plaintext);
    }
}

TEST_P(CbcSuite, BadPaddingAndBadMacAreIndistinguishable) {
    const auto plaintext = bytes_of("padding oracle, anyone?");
    const size_t content = plaintext.size() + (p().etm ? 0 : mac_size());
    std::vector<std::string> messages;
    for (size_t padding : {aligned_padding(content, 15), aligned_padding(content, 255)}) {
        for (auto [good_mac, good_padding] :
             {std::pair{false, true}, std::pair{true, false}, std::pair{false, false}}) {
            SCOPED_TRACE(testing::Message() << "padding " << padding << " mac " << good_mac
                                            << " padding ok " << good_padding);
            auto m = established();
            const auto status = deliver_crafted(
                m, craft(m.keys(), p().etm, 1, plaintext, padding, good_mac, good_padding));
            EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
            if (!status) messages.push_back(status.error().message());
        }
    }
    ASSERT_EQ(messages.size(), 6u);
    for (const auto& message : messages) EXPECT_EQ(message, messages.front());
}

TEST_P(CbcSuite, PaddingLongerThanTheRecord) {
    // The padding length byte claims more than the record holds (reaching into the MAC or the
    // IV): never trusted, the same bad_record_mac.
    for (uint8_t claimed : {uint8_t{40}, uint8_t{200}, uint8_t{255}}) {
        SCOPED_TRACE(static_cast<int>(claimed));
        auto m = established();
        const std::vector<uint8_t> plaintext(3, 0x33);
        const size_t content = plaintext.size() + (p().etm ? 0 : mac_size());
        const auto record = craft(m.keys(), p().etm, 1, plaintext, aligned_padding(content, 15),
                                  true, true, claimed);
        const auto status = deliver_crafted(m, record);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
    }
}

INSTANTIATE_TEST_SUITE_P(AllCbcSuites, CbcSuite, testing::ValuesIn(all_params()), param_name);

// ---- negotiation -----------------------------------------------------------------------------

TEST(CbcNegotiation, NotOfferedByDefault) {
    for (auto s : default_cipher_suites()) EXPECT_FALSE(find_suite(s)->cbc()) << to_string(s);
    const auto all = supported_cipher_suites();
    for (auto s : kCbcSuites) {
        EXPECT_TRUE(std::find(all.begin(), all.end(), s) != all.end());
        EXPECT_TRUE(find_suite(s)->cbc());
        EXPECT_EQ(find_suite(s)->explicit_nonce_size, 16u);
        EXPECT_EQ(find_suite(s)->fixed_iv_size, 0u);
    }
    const auto with = with_legacy_cbc(default_cipher_suites());
    EXPECT_EQ(with.size(), default_cipher_suites().size() + std::size(kCbcSuites));
    EXPECT_EQ(with_legacy_cbc(with), with);
    EXPECT_EQ(cipher_suite_from_name("ECDHE-RSA-AES128-SHA256"),
              CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256);
    EXPECT_EQ(cipher_suite_from_name("AES256-SHA"), CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA);

    // A default client's ClientHello carries no CBC suite and no encrypt_then_mac.
    Mitm m;
    m.pull(m.client);
    auto hello = ClientHello::parse(ByteView(m.handshake_sent_by(m.client).at(0)).subspan(4));
    ASSERT_TRUE(hello);
    for (auto s : hello->cipher_suites) {
        if (const auto* info = find_suite(s)) {
            EXPECT_FALSE(info->cbc());
        }
    }
    EXPECT_FALSE(hello->extensions.encrypt_then_mac);
}

TEST(CbcNegotiation, DefaultServerRefusesACbcOnlyClient) {
    auto client = client_config12([](ClientConfig& c) {
        c.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA};
    });
    auto pair = make_pair(client, server_config12());
    EXPECT_FALSE(pair.handshake());
}

TEST(CbcNegotiation, ServerThatDeclinesEtmGetsMacThenEncrypt) {
    auto client = client_config12([](ClientConfig& c) {
        c.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256};
    });
    auto server = server_config12(ServerKey::rsa2048, [](ServerConfig& c) {
        c.cipher_suites = with_legacy_cbc(c.cipher_suites);
        c.encrypt_then_mac = false;
    });
    auto pair = make_pair(client, server);
    ASSERT_TRUE(pair.handshake());
    EXPECT_FALSE(pair.client.negotiated().encrypt_then_mac);
    EXPECT_FALSE(pair.server.negotiated().encrypt_then_mac);
    const auto data = bytes_of("mac then encrypt");
    EXPECT_EQ(pair.round_trip(pair.client, pair.server, data), data);
}

TEST(CbcNegotiation, NoEtmForAnAeadSuite) {
    // The client offers CBC (so also encrypt_then_mac) but the server picks AES-GCM: no ack.
    auto client = client_config12(
        [](ClientConfig& c) { c.cipher_suites = with_legacy_cbc(default_cipher_suites()); });
    auto server = server_config12(ServerKey::rsa2048, [](ServerConfig& c) {
        c.cipher_suites = with_legacy_cbc(c.cipher_suites);
    });
    auto pair = make_pair(client, server);
    ASSERT_TRUE(pair.handshake());
    EXPECT_FALSE(find_suite(*pair.client.negotiated().cipher_suite)->cbc());
    EXPECT_FALSE(pair.client.negotiated().encrypt_then_mac);
    EXPECT_FALSE(pair.server.negotiated().encrypt_then_mac);
}

// Rewrites the ServerHello held for the client, then delivers the server's flight to it.
Status deliver_server_hello(Mitm& m, const std::function<void(ServerHello&)>& edit) {
    m.pull(m.client);
    if (!m.deliver(m.server)) throw std::runtime_error("server failed");
    m.pull(m.server);
    auto& record = m.to_client.front();
    auto hello = ServerHello::parse(ByteView(record.payload).subspan(4));
    if (!hello) throw std::runtime_error("no ServerHello");
    edit(*hello);
    record.payload = frame_message(*hello);
    return m.deliver(m.client);
}

TEST(CbcNegotiation, ClientRefusesAnEtmAckForAnAeadSuite) {
    // RFC 7366 3: the client offered encrypt_then_mac (it lists CBC suites), but the server chose
    // AES-GCM and acknowledged it anyway.
    Mitm::Options options;
    options.client = [](ClientConfig& c) {
        c.cipher_suites = with_legacy_cbc(default_cipher_suites());
    };
    Mitm m(options);
    const auto status = deliver_server_hello(m, [](ServerHello& h) {
        ASSERT_FALSE(find_suite(h.cipher_suite)->cbc());
        ASSERT_FALSE(h.extensions.encrypt_then_mac);
        h.extensions.encrypt_then_mac = true;
    });
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().alert, AlertDescription::illegal_parameter);
}

TEST(CbcNegotiation, ClientRefusesAnEtmAckItDidNotAskFor) {
    // The client lists a CBC suite but has encrypt_then_mac turned off.
    auto p = Param{CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, false};
    Mitm m(options_for(p));
    const auto status =
        deliver_server_hello(m, [](ServerHello& h) { h.extensions.encrypt_then_mac = true; });
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().alert, AlertDescription::unsupported_extension);
}

}  // namespace
