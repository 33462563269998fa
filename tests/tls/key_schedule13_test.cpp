// The TLS 1.3 key schedule (tls/handshake/key_schedule13.h) against RFC 8448: section 3's simple
// 1-RTT handshake (every secret, traffic key and IV, both Finished values) and section 4's
// resumption PSK and PSK binder, byte for byte. And the TLS 1.3 suites' table entries.
#include <gtest/gtest.h>

#include <stdexcept>

#include <tls12/crypto/hash.h>
#include <tls12/tls/connection.h>
#include <tls12/tls/handshake/key_schedule13.h>
#include <tls12/tls/suites.h>
#include "support/rfc8448_fixture.h"

using namespace tls12;
using crypto::HashAlgorithm;
using tls12_test::Rfc8448Fixture;

namespace {

Bytes bytes(const crypto::SecretBytes& secret) {
    return Bytes(secret.view().begin(), secret.view().end());
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

const SuiteInfo& aes128() {
    return *find_suite(CipherSuite::TLS_AES_128_GCM_SHA256);
}

class KeySchedule13Rfc8448 : public testing::Test {
  protected:
    Rfc8448Fixture rfc{"simple_1rtt.txt"};
};

TEST_F(KeySchedule13Rfc8448, TranscriptHashesOfTheTraceMessages) {
    // The fixture's messages hash to the RFC's transcript hashes: the Finished tests below
    // depend on them.
    const Bytes ch_sh = concat({rfc["client_hello"], rfc["server_hello"]});
    EXPECT_EQ(crypto::hash(HashAlgorithm::sha256, ch_sh), rfc["hash_ch_sh"]);
    const Bytes ch_sf = concat({ch_sh, rfc["encrypted_extensions"], rfc["certificate"],
                                rfc["certificate_verify"], rfc["server_finished_message"]});
    EXPECT_EQ(crypto::hash(HashAlgorithm::sha256, ch_sf), rfc["hash_ch_sf"]);
    const Bytes ch_cf = concat({ch_sf, rfc["client_finished_message"]});
    EXPECT_EQ(crypto::hash(HashAlgorithm::sha256, ch_cf), rfc["hash_ch_cf"]);
}

TEST_F(KeySchedule13Rfc8448, ExpandLabelAndDeriveSecret) {
    // "tls13 derived" over the empty hash: the salt of the handshake stage.
    const Bytes empty_hash = crypto::hash(HashAlgorithm::sha256, {});
    EXPECT_EQ(
        bytes(derive_secret(HashAlgorithm::sha256, rfc["early_secret"], "derived", empty_hash)),
        rfc["derived_for_handshake"]);
    EXPECT_EQ(
        bytes(derive_secret(HashAlgorithm::sha256, rfc["handshake_secret"], "derived", empty_hash)),
        rfc["derived_for_master"]);
    // Derive-Secret is HKDF-Expand-Label with the transcript hash as context.
    EXPECT_EQ(bytes(hkdf_expand_label(HashAlgorithm::sha256, rfc["handshake_secret"],
                                      "c hs traffic", rfc["hash_ch_sh"], 32)),
              rfc["client_handshake_traffic_secret"]);
    // The finished keys (RFC 8448 prints them as "expanded").
    EXPECT_EQ(bytes(hkdf_expand_label(HashAlgorithm::sha256, rfc["server_handshake_traffic_secret"],
                                      "finished", {}, 32)),
              rfc["server_finished_key"]);
    EXPECT_EQ(bytes(hkdf_expand_label(HashAlgorithm::sha256, rfc["client_handshake_traffic_secret"],
                                      "finished", {}, 32)),
              rfc["client_finished_key"]);
}

TEST_F(KeySchedule13Rfc8448, EverySecretOfTheSimpleHandshake) {
    KeySchedule13 schedule(HashAlgorithm::sha256);  // no PSK
    EXPECT_EQ(schedule.stage(), KeySchedule13::Stage::early);
    EXPECT_EQ(Bytes(schedule.secret().begin(), schedule.secret().end()), rfc["early_secret"]);

    schedule.add_shared_secret(rfc["ecdhe_shared_secret"]);
    EXPECT_EQ(Bytes(schedule.secret().begin(), schedule.secret().end()), rfc["handshake_secret"]);
    const Bytes hash_ch_sh = rfc["hash_ch_sh"];
    EXPECT_EQ(bytes(schedule.client_handshake_traffic_secret(hash_ch_sh)),
              rfc["client_handshake_traffic_secret"]);
    EXPECT_EQ(bytes(schedule.server_handshake_traffic_secret(hash_ch_sh)),
              rfc["server_handshake_traffic_secret"]);

    schedule.finish_handshake();
    EXPECT_EQ(Bytes(schedule.secret().begin(), schedule.secret().end()), rfc["master_secret"]);
    const Bytes hash_ch_sf = rfc["hash_ch_sf"];
    EXPECT_EQ(bytes(schedule.client_application_traffic_secret(hash_ch_sf)),
              rfc["client_application_traffic_secret"]);
    EXPECT_EQ(bytes(schedule.server_application_traffic_secret(hash_ch_sf)),
              rfc["server_application_traffic_secret"]);
    EXPECT_EQ(bytes(schedule.exporter_master_secret(hash_ch_sf)), rfc["exporter_master_secret"]);
    EXPECT_EQ(bytes(schedule.resumption_master_secret(rfc["hash_ch_cf"])),
              rfc["resumption_master_secret"]);
}

TEST_F(KeySchedule13Rfc8448, TrafficKeysAndIvs) {
    const struct {
        const char* secret;
        const char* key;
        const char* iv;
    } cases[] = {
        {"server_handshake_traffic_secret", "server_handshake_key", "server_handshake_iv"},
        {"client_handshake_traffic_secret", "client_handshake_key", "client_handshake_iv"},
        {"server_application_traffic_secret", "server_application_key", "server_application_iv"},
        {"client_application_traffic_secret", "client_application_key", "client_application_iv"},
    };
    for (const auto& c : cases) {
        const TrafficKeys13 keys = traffic_keys(aes128(), rfc[c.secret]);
        EXPECT_EQ(bytes(keys.key), rfc[c.key]) << c.secret;
        EXPECT_EQ(bytes(keys.iv), rfc[c.iv]) << c.secret;
    }
}

TEST_F(KeySchedule13Rfc8448, BothFinishedMessages) {
    const Bytes ch_cv =
        concat({rfc["client_hello"], rfc["server_hello"], rfc["encrypted_extensions"],
                rfc["certificate"], rfc["certificate_verify"]});
    EXPECT_EQ(finished_verify_data(HashAlgorithm::sha256, rfc["server_handshake_traffic_secret"],
                                   crypto::hash(HashAlgorithm::sha256, ch_cv)),
              rfc["server_finished"]);
    EXPECT_EQ(finished_verify_data(HashAlgorithm::sha256, rfc["client_handshake_traffic_secret"],
                                   rfc["hash_ch_sf"]),
              rfc["client_finished"]);
}

TEST(KeySchedule13, ResumedHandshakePskAndBinder) {
    const Rfc8448Fixture first("simple_1rtt.txt");
    const Rfc8448Fixture rfc("resumed_0rtt.txt");
    // RFC 8448 4: the PSK of section 3's ticket (nonce 00 00).
    const crypto::SecretBytes psk = resumption_psk(
        HashAlgorithm::sha256, first["resumption_master_secret"], rfc["ticket_nonce"]);
    EXPECT_EQ(bytes(psk), rfc["psk"]);

    const KeySchedule13 schedule(HashAlgorithm::sha256, psk.view());
    EXPECT_EQ(Bytes(schedule.secret().begin(), schedule.secret().end()), rfc["early_secret"]);
    const crypto::SecretBytes binder_key = schedule.binder_key(/*resumption=*/true);
    EXPECT_EQ(bytes(binder_key), rfc["binder_key"]);
    EXPECT_EQ(
        bytes(hkdf_expand_label(HashAlgorithm::sha256, binder_key.view(), "finished", {}, 32)),
        rfc["binder_finished_key"]);
    // The binder is a Finished computed with the binder key (RFC 8446 4.2.11.2).
    EXPECT_EQ(finished_verify_data(HashAlgorithm::sha256, binder_key.view(), rfc["binder_hash"]),
              rfc["binder"]);
    // An external PSK's binder key has its own label.
    EXPECT_NE(bytes(schedule.binder_key(/*resumption=*/false)), rfc["binder_key"]);
}

TEST(KeySchedule13, NextTrafficSecretIsTheTrafficUpdLabel) {
    const Rfc8448Fixture rfc("simple_1rtt.txt");
    const Bytes secret0 = rfc["client_application_traffic_secret"];
    const crypto::SecretBytes secret1 = next_traffic_secret(HashAlgorithm::sha256, secret0);
    // RFC 8446 7.2: HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length).
    EXPECT_EQ(bytes(secret1),
              bytes(hkdf_expand_label(HashAlgorithm::sha256, secret0, "traffic upd", {}, 32)));
    EXPECT_NE(bytes(secret1), secret0);
    // Each update moves on: the next secret is not the one before.
    const crypto::SecretBytes secret2 = next_traffic_secret(HashAlgorithm::sha256, secret1.view());
    EXPECT_NE(bytes(secret2), bytes(secret1));
    EXPECT_NE(bytes(secret2), secret0);
}

TEST(KeySchedule13, Sha384SuiteHasItsLengths) {
    const SuiteInfo& suite = *find_suite(CipherSuite::TLS_AES_256_GCM_SHA384);
    KeySchedule13 schedule(suite.prf_hash);
    EXPECT_EQ(schedule.secret().size(), 48u);
    schedule.add_shared_secret(Bytes(32, 7));
    const Bytes transcript = crypto::hash(HashAlgorithm::sha384, {});
    const crypto::SecretBytes secret = schedule.server_handshake_traffic_secret(transcript);
    EXPECT_EQ(secret.size(), 48u);
    const TrafficKeys13 keys = traffic_keys(suite, secret.view());
    EXPECT_EQ(keys.key.size(), 32u);
    EXPECT_EQ(keys.iv.size(), 12u);
    EXPECT_EQ(finished_verify_data(HashAlgorithm::sha384, secret.view(), transcript).size(), 48u);
    // A SHA-256 digest is not a SHA-384 transcript hash.
    EXPECT_THROW(schedule.client_handshake_traffic_secret(crypto::hash(HashAlgorithm::sha256, {})),
                 std::invalid_argument);
}

TEST(KeySchedule13, StagesAreUsedInOrder) {
    KeySchedule13 schedule(HashAlgorithm::sha256);
    const Bytes transcript(32, 1);
    // Early stage: no handshake or master secrets yet.
    EXPECT_THROW(schedule.client_handshake_traffic_secret(transcript), std::logic_error);
    EXPECT_THROW(schedule.finish_handshake(), std::logic_error);
    schedule.add_shared_secret(Bytes(32, 2));
    EXPECT_THROW(schedule.binder_key(true), std::logic_error);
    EXPECT_THROW(schedule.add_shared_secret(Bytes(32, 2)), std::logic_error);
    EXPECT_THROW(schedule.client_application_traffic_secret(transcript), std::logic_error);
    schedule.finish_handshake();
    EXPECT_THROW(schedule.server_handshake_traffic_secret(transcript), std::logic_error);
    EXPECT_NO_THROW(schedule.resumption_master_secret(transcript));
}

TEST(KeySchedule13, ExpandLabelRefusesWhatHkdfLabelCannotHold) {
    const Bytes secret(32, 3);
    EXPECT_THROW(hkdf_expand_label(HashAlgorithm::sha256, secret, "", {}, 32),
                 std::invalid_argument);
    EXPECT_THROW(hkdf_expand_label(HashAlgorithm::sha256, secret, std::string(250, 'a'), {}, 32),
                 std::invalid_argument);
    EXPECT_THROW(hkdf_expand_label(HashAlgorithm::sha256, secret, "key", Bytes(256), 32),
                 std::invalid_argument);
    EXPECT_THROW(hkdf_expand_label(HashAlgorithm::sha256, secret, "key", {}, 255 * 32 + 1),
                 std::invalid_argument);
    EXPECT_EQ(hkdf_expand_label(HashAlgorithm::sha256, secret, "key", Bytes(255), 255 * 32).size(),
              255u * 32);
}

TEST(KeySchedule13, TrafficKeysRefuseATls12Suite) {
    const SuiteInfo& tls12_suite = *find_suite(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    EXPECT_THROW(traffic_keys(tls12_suite, Bytes(32, 1)), std::logic_error);
}

// ---- the suites ----

TEST(Tls13Suites, TableEntries) {
    const struct {
        CipherSuite suite;
        uint16_t code;
        crypto::AeadAlgorithm aead;
        HashAlgorithm hash;
        size_t key_size;
        const char* name;
    } cases[] = {
        {CipherSuite::TLS_AES_128_GCM_SHA256, 0x1301, crypto::AeadAlgorithm::aes128_gcm,
         HashAlgorithm::sha256, 16, "TLS_AES_128_GCM_SHA256"},
        {CipherSuite::TLS_AES_256_GCM_SHA384, 0x1302, crypto::AeadAlgorithm::aes256_gcm,
         HashAlgorithm::sha384, 32, "TLS_AES_256_GCM_SHA384"},
        {CipherSuite::TLS_CHACHA20_POLY1305_SHA256, 0x1303,
         crypto::AeadAlgorithm::chacha20_poly1305, HashAlgorithm::sha256, 32,
         "TLS_CHACHA20_POLY1305_SHA256"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(static_cast<uint16_t>(c.suite), c.code);
        const SuiteInfo* info = find_suite(c.suite);
        ASSERT_NE(info, nullptr) << c.name;
        EXPECT_TRUE(info->tls13());
        EXPECT_EQ(info->kex, SuiteKex::tls13);
        EXPECT_FALSE(info->ecdhe());
        EXPECT_FALSE(info->cbc());
        EXPECT_EQ(info->aead, c.aead);
        EXPECT_EQ(info->prf_hash, c.hash);
        EXPECT_EQ(info->key_size, c.key_size);
        EXPECT_EQ(info->fixed_iv_size, 12u);
        EXPECT_EQ(info->explicit_nonce_size, 0u);
        EXPECT_EQ(info->openssl_name, c.name);
        EXPECT_EQ(to_string(c.suite), c.name);
        EXPECT_EQ(openssl_name(c.suite), c.name);
        EXPECT_EQ(cipher_suite_from_name(c.name), c.suite);
        // The TLS 1.2 handshake never sees them.
        EXPECT_EQ(find_tls12_suite(c.suite), nullptr);
    }
    EXPECT_NE(find_tls12_suite(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), nullptr);
    for (const SuiteInfo& info : all_suites()) EXPECT_EQ(info.tls13(), info.kex == SuiteKex::tls13);
}

}  // namespace
