// Key schedule known answers against OpenSSL: handshakes between `openssl s_server` and
// `openssl s_client` recorded once by scripts/make_kat_fixture (tests/fixtures/kat_*.txt). From
// the recorded bytes, our PRF, extended master secret, key block, record protection and Finished
// computation must reproduce what OpenSSL did: the master secret in its key log, both encrypted
// Finished records and the first application data record of each side.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include <tls12/crypto/hash.h>
#include <tls12/tls/handshake/common.h>
#include <tls12/tls/handshake/key_schedule.h>
#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/suites.h>
#include <tls12/x509/certificate.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

struct Fixture {
    CipherSuite suite{};
    std::string server_key;                                  // path relative to the repository root
    std::vector<std::pair<std::string, Bytes>> handshake;    // (sender, message), wire order
    std::map<std::string, Bytes> finished, data, plaintext;  // by sender
    std::string keylog;
};

Fixture load(const std::string& name) {
    const std::string path = std::string(TLS12_SOURCE_DIR) + "/tests/fixtures/" + name;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    Fixture f;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::string key, a, b;
        words >> key >> a;
        if (key == "suite") {
            f.suite = static_cast<CipherSuite>(std::stoi(a, nullptr, 16));
        } else if (key == "server_key") {
            f.server_key = a;
        } else if (key == "keylog") {
            f.keylog = line.substr(std::string("keylog ").size());
        } else {
            words >> b;
            const Bytes bytes = tls12::crypto::from_hex(b);
            if (key == "handshake") f.handshake.emplace_back(a, bytes);
            if (key == "finished") f.finished[a] = bytes;
            if (key == "data") f.data[a] = bytes;
            if (key == "plaintext") f.plaintext[a] = bytes;
        }
    }
    return f;
}

HandshakeType type_of(const Bytes& message) {
    return static_cast<HandshakeType>(message.at(0));
}

const Bytes& message(const Fixture& f, HandshakeType type) {
    for (const auto& [sender, m] : f.handshake)
        if (type_of(m) == type) return m;
    throw std::runtime_error("fixture has no " + to_string(type));
}

ByteView body(const Bytes& message) {
    return ByteView(message).subspan(4);
}

Bytes concat_transcript(const Fixture& f) {
    Bytes out;
    for (const auto& [sender, m] : f.handshake) out.insert(out.end(), m.begin(), m.end());
    return out;
}

RawRecord as_record(const Bytes& bytes) {
    auto records = split_records(bytes);
    if (records.size() != 1) throw std::runtime_error("not one record");
    return records.front();
}

class KnownAnswer : public testing::TestWithParam<std::string> {};

TEST_P(KnownAnswer, KeyScheduleMatchesOpenSsl) {
    const Fixture f = load(GetParam());
    const SuiteInfo* suite = find_suite(f.suite);
    ASSERT_NE(suite, nullptr);

    auto client_hello = ClientHello::parse(body(message(f, HandshakeType::client_hello)));
    auto server_hello = ServerHello::parse(body(message(f, HandshakeType::server_hello)));
    ASSERT_TRUE(client_hello);
    ASSERT_TRUE(server_hello);
    EXPECT_EQ(server_hello->cipher_suite, f.suite);
    ASSERT_TRUE(server_hello->extensions.extended_master_secret)
        << "OpenSSL negotiates EMS by default; the fixture should use it";

    const auto key_log = parse_key_log_line(f.keylog);
    ASSERT_TRUE(key_log);
    EXPECT_EQ(key_log->client_random, client_hello->random);

    // The transcript up to and including ClientKeyExchange is everything recorded in the clear.
    const Bytes transcript = concat_transcript(f);
    ASSERT_EQ(type_of(f.handshake.back().second), HandshakeType::client_key_exchange);
    const Bytes session_hash = tls12::crypto::hash(suite->prf_hash, transcript);

    // RSA key exchange: recompute the master secret from the premaster ourselves.
    if (!suite->ecdhe()) {
        const auto key =
            tls12::x509::load_private_key(std::string(TLS12_SOURCE_DIR) + "/" + f.server_key);
        auto cke =
            ClientKeyExchange::parse_rsa(body(message(f, HandshakeType::client_key_exchange)));
        ASSERT_TRUE(cke);
        const auto premaster = key.rsa_decrypt_premaster(
            cke->exchange_keys, static_cast<uint16_t>(client_hello->legacy_version),
            *tls12::crypto::system_random());
        ASSERT_EQ(premaster.size(), 48u);
        EXPECT_EQ(premaster[0], 3);
        EXPECT_EQ(premaster[1], 3);
        const auto master = derive_extended_master_secret(*suite, premaster.view(), session_hash);
        EXPECT_EQ(tls12::crypto::to_hex(master.view()),
                  tls12::crypto::to_hex(key_log->master_secret))
            << "our extended master secret differs from OpenSSL's";
        // And the RFC 5246 master secret is something else (EMS really was used).
        const auto plain = derive_master_secret(*suite, premaster.view(), client_hello->random,
                                                server_hello->random);
        EXPECT_NE(tls12::crypto::to_hex(plain.view()),
                  tls12::crypto::to_hex(key_log->master_secret));
    } else {
        // ECDHE: the ServerKeyExchange signature verifies with the certificate's key over
        // client_random + server_random + params.
        auto certificate = Certificate::parse(body(message(f, HandshakeType::certificate)));
        ASSERT_TRUE(certificate);
        auto public_key = certificate_public_key(certificate->chain.at(0));
        ASSERT_TRUE(public_key);
        auto ske = ServerKeyExchange::parse(body(message(f, HandshakeType::server_key_exchange)));
        ASSERT_TRUE(ske);
        const auto algorithm = to_signature_algorithm(ske->scheme);
        ASSERT_TRUE(algorithm);
        EXPECT_TRUE(public_key->verify(
            *algorithm,
            server_key_exchange_signed_data(client_hello->random, server_hello->random,
                                            ske->params.encode()),
            ske->signature));
    }

    // The key block from OpenSSL's master secret opens OpenSSL's records.
    const auto keys = session_keys(f.suite, *key_log, server_hello->random);
    auto client_read = keys.protection(true, 0);
    auto server_read = keys.protection(false, 0);

    const auto client_finished = open_record(*client_read, as_record(f.finished.at("client")));
    ASSERT_TRUE(client_finished) << "client Finished record does not open with our key block";
    ASSERT_EQ(client_finished->size(), 4 + kVerifyDataSize);
    EXPECT_EQ(type_of(*client_finished), HandshakeType::finished);
    const auto client_verify = compute_verify_data(*suite, keys.master_secret, true, session_hash);
    EXPECT_EQ(tls12::crypto::to_hex(ByteView(*client_finished).subspan(4)),
              tls12::crypto::to_hex(client_verify));

    Bytes with_client_finished = transcript;
    with_client_finished.insert(with_client_finished.end(), client_finished->begin(),
                                client_finished->end());
    const auto server_finished = open_record(*server_read, as_record(f.finished.at("server")));
    ASSERT_TRUE(server_finished) << "server Finished record does not open with our key block";
    const auto server_verify =
        compute_verify_data(*suite, keys.master_secret, false,
                            tls12::crypto::hash(suite->prf_hash, with_client_finished));
    EXPECT_EQ(tls12::crypto::to_hex(ByteView(*server_finished).subspan(4)),
              tls12::crypto::to_hex(server_verify));

    // Sequence number 1 in each direction: the first application data.
    for (const auto& [sender, protection] :
         {std::pair{std::string("client"), client_read.get()}, {"server", server_read.get()}}) {
        if (!f.data.count(sender)) continue;
        const auto data = open_record(*protection, as_record(f.data.at(sender)));
        ASSERT_TRUE(data) << sender << " application data does not open";
        EXPECT_EQ(*data, f.plaintext.at(sender)) << sender;
    }
}

// ChaCha20-Poly1305 nonces are implicit (RFC 7905), so sealing OpenSSL's plaintext at the same
// sequence number must reproduce OpenSSL's record byte for byte.
TEST(EngineKat, ChaChaSealingReproducesOpenSslRecords) {
    const Fixture f = load("kat_ecdhe_rsa_chacha20.txt");
    ASSERT_EQ(find_suite(f.suite)->explicit_nonce_size, 0u);
    auto server_hello = ServerHello::parse(body(message(f, HandshakeType::server_hello)));
    ASSERT_TRUE(server_hello);
    const auto key_log = parse_key_log_line(f.keylog);
    ASSERT_TRUE(key_log);
    const auto keys = session_keys(f.suite, *key_log, server_hello->random);
    for (const auto& [sender, seq, bytes] :
         {std::tuple{std::string("client"), 0, f.finished.at("client")},
          {"server", 0, f.finished.at("server")},
          {"client", 1, f.data.at("client")},
          {"server", 1, f.data.at("server")}}) {
        const auto recorded = as_record(bytes);
        const auto opened = open_record(*keys.protection(sender == "client", seq), recorded);
        ASSERT_TRUE(opened) << sender << " " << seq;
        const auto sealed =
            seal_record(*keys.protection(sender == "client", seq), recorded.type, *opened);
        EXPECT_EQ(tls12::crypto::to_hex(sealed), tls12::crypto::to_hex(bytes))
            << sender << " " << seq;
    }
}

INSTANTIATE_TEST_SUITE_P(EngineKat, KnownAnswer,
                         testing::Values("kat_rsa_aes128gcm.txt", "kat_ecdhe_rsa_aes256gcm.txt",
                                         "kat_ecdhe_rsa_chacha20.txt"),
                         [](const testing::TestParamInfo<std::string>& p) {
                             return p.param.substr(4, p.param.size() - 8);
                         });

}  // namespace
