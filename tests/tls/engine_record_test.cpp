// The record layer under attack, through the engine: tampered, truncated, replayed and reordered
// ciphertext; oversized records and handshake messages; empty records; alert floods; alerts
// coalesced into and split across records; content types interleaved with a partial handshake
// message or alert; application data too early.
#include <gtest/gtest.h>

#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/suites.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr uint8_t kCcs = 20;
constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;

std::vector<uint8_t> bytes_of(std::string_view s) {
    return {s.begin(), s.end()};
}

Mitm::Options with_suite(CipherSuite suite) {
    Mitm::Options options;
    options.client = [suite](ClientConfig& c) { c.cipher_suites = {suite}; };
    return options;
}

std::string suite_param_name(const testing::TestParamInfo<CipherSuite>& p) {
    std::string s = openssl_name(p.param);
    for (auto& ch : s)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return s;
}

// ---- tampered ciphertext ---------------------------------------------------------------------

class TamperedCiphertext : public testing::TestWithParam<CipherSuite> {
  protected:
    // A completed pair with one application data record from the client held for the server.
    Mitm established() {
        Mitm m(with_suite(GetParam()));
        EXPECT_TRUE(m.run());
        EXPECT_TRUE(m.client.send(bytes_of("attack at dawn, bring snacks")));
        m.pull(m.client);
        EXPECT_EQ(m.to_server.size(), 1u);
        return m;
    }
    size_t nonce_size() const { return find_suite(GetParam())->explicit_nonce_size; }

    void expect_bad_record_mac(Mitm& m) {
        const auto status = m.deliver(m.server);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
    }
};

TEST_P(TamperedCiphertext, UntouchedRecordGetsThrough) {
    auto m = established();
    ASSERT_TRUE(m.deliver(m.server));
    std::vector<uint8_t> got(100);
    got.resize(m.server.receive(got));
    EXPECT_EQ(got, bytes_of("attack at dawn, bring snacks"));
}

TEST_P(TamperedCiphertext, FlippedCiphertextByte) {
    auto m = established();
    m.to_server.front().payload[nonce_size() + 3] ^= 0x01;
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, FlippedTagByte) {
    auto m = established();
    m.to_server.front().payload.back() ^= 0x80;
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, ContentTypeChangedInTheHeader) {
    auto m = established();
    m.to_server.front().type = kAlert;  // authenticated as additional data
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, LastByteCutOff) {
    auto m = established();
    m.to_server.front().payload.pop_back();  // header length adjusted by encode()
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, ShorterThanTheAeadOverhead) {
    auto m = established();
    const size_t overhead = nonce_size() + 16;
    m.to_server.front().payload.resize(overhead - 1);
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, EmptyProtectedRecord) {
    auto m = established();
    m.to_server.front().payload.clear();
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, ReplayedRecord) {
    auto m = established();
    const auto record = m.to_server.front();
    ASSERT_TRUE(m.deliver(m.server));
    m.to_server.push_back(record);
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, ReorderedRecords) {
    auto m = established();
    ASSERT_TRUE(m.client.send(bytes_of("second")));
    m.pull(m.client);
    ASSERT_EQ(m.to_server.size(), 2u);
    std::swap(m.to_server[0], m.to_server[1]);
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, RecordSealedForTheOtherDirection) {
    auto m = established();
    // The server's own keys at the sequence number the server expects next.
    m.to_server.front() = split_records(m.seal(false, 1, kApplicationData, bytes_of("x"))).front();
    expect_bad_record_mac(m);
}

TEST_P(TamperedCiphertext, PartialRecordWaitsForTheRest) {
    auto m = established();
    const auto bytes = m.to_server.front().encode();
    m.to_server.clear();
    ASSERT_TRUE(m.server.feed(ByteView(bytes).first(bytes.size() - 1)));
    EXPECT_EQ(m.server.available(), 0u);
    EXPECT_FALSE(m.server.failed());
    ASSERT_TRUE(m.server.feed(ByteView(bytes).last(1)));
    EXPECT_EQ(m.server.available(), 28u);
}

INSTANTIATE_TEST_SUITE_P(EngineRecord, TamperedCiphertext,
                         testing::Values(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                                         CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
                                         CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384),
                         suite_param_name);

// GCM's explicit nonce (RFC 5288 3) travels in the record; changing it changes the nonce.
TEST(EngineRecord, FlippedExplicitNonceByte) {
    for (auto suite : {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                       CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384}) {
        for (size_t where : {size_t{0}, size_t{7}}) {
            SCOPED_TRACE(openssl_name(suite) + " byte " + std::to_string(where));
            Mitm m(with_suite(suite));
            ASSERT_TRUE(m.run());
            ASSERT_TRUE(m.client.send(bytes_of("attack at dawn")));
            m.pull(m.client);
            m.to_server.front().payload[where] ^= 0x01;
            const auto status = m.deliver(m.server);
            EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
        }
    }
}

// The protected record's version field is checked once TLS 1.2 is agreed.
TEST(EngineRecord, WrongRecordVersionAfterNegotiation) {
    Mitm m;
    ASSERT_TRUE(m.run());
    auto record = m.seal(true, 1, kApplicationData, bytes_of("hi"));
    record[2] = 1;  // 0x0301
    EXPECT_TRUE(
        failed_with_alert(m, m.server, m.server.feed(record), AlertDescription::protocol_version));
}

// RFC 5246 E.1: a ClientHello record may carry any 0x03xx version before one is agreed.
TEST(EngineRecord, ClientHelloInATls10RecordIsAccepted) {
    Mitm m;
    drive_to(m, Stage::server_expect_client_hello);
    auto hello = m.to_server.front().encode();
    m.to_server.clear();
    hello[2] = 1;  // 0x0301
    ASSERT_TRUE(m.server.feed(hello));
    EXPECT_TRUE(m.server.wants_write());
}

TEST(EngineRecord, NonTlsRecordVersion) {
    Mitm m;
    drive_to(m, Stage::server_expect_client_hello);
    auto hello = m.to_server.front().encode();
    hello[1] = 2;  // 0x0203
    EXPECT_TRUE(
        failed_with_alert(m, m.server, m.server.feed(hello), AlertDescription::protocol_version));
}

// ---- sizes -----------------------------------------------------------------------------------

TEST(EngineRecord, PlaintextRecordLongerThan2To14) {
    for (auto stage : {Stage::server_expect_client_hello, Stage::client_expect_server_hello}) {
        SCOPED_TRACE(stage_name(stage));
        Mitm m;
        drive_to(m, stage);
        auto& victim = victim_of(m, stage);
        const std::vector<uint8_t> payload((1u << 14) + 1, 0);
        // Only the header is needed for the verdict.
        const auto record = RawRecord{kHandshake, payload}.encode();
        const auto status = victim.feed(ByteView(record).first(5));
        EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::record_overflow));
    }
}

TEST(EngineRecord, ProtectedRecordLongerThan2To14Plus2048) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const size_t length = (1u << 14) + 2048 + 1;
    const uint8_t header[] = {kApplicationData, 3, 3, static_cast<uint8_t>(length >> 8),
                              static_cast<uint8_t>(length)};
    EXPECT_TRUE(
        failed_with_alert(m, m.server, m.server.feed(header), AlertDescription::record_overflow));
}

TEST(EngineRecord, ProtectedRecordDecryptingToMoreThan2To14) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const std::vector<uint8_t> big((1u << 14) + 1, 'a');
    const auto record = m.seal(true, 1, kApplicationData, big);
    EXPECT_TRUE(
        failed_with_alert(m, m.server, m.server.feed(record), AlertDescription::record_overflow));
}

TEST(EngineRecord, ProtectedRecordOfExactly2To14IsFine) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const std::vector<uint8_t> full(1u << 14, 'a');
    ASSERT_TRUE(m.server.feed(m.seal(true, 1, kApplicationData, full)));
    EXPECT_EQ(m.server.available(), full.size());
}

TEST(EngineRecord, HandshakeMessageLongerThanTheLimit) {
    const Limits limits;
    for (auto stage : {Stage::server_expect_client_hello, Stage::client_expect_server_hello,
                       Stage::client_established}) {
        SCOPED_TRACE(stage_name(stage));
        Mitm m;
        const auto seq = drive_to(m, stage);
        auto& victim = victim_of(m, stage);
        const auto type =
            victim.is_client() ? HandshakeType::server_hello : HandshakeType::client_hello;
        // A ClientHello has its own (larger) limit.
        const size_t limit = type == HandshakeType::client_hello ? limits.max_client_hello
                                                                 : limits.max_handshake_message;
        const size_t length = limit + 1;
        const uint8_t header[] = {static_cast<uint8_t>(type), static_cast<uint8_t>(length >> 16),
                                  static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
        const auto status = m.inject(victim, seq, kHandshake, header);
        EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::illegal_parameter));
    }
}

TEST(EngineRecord, HandshakeMessageAtTheLimitWaitsForItsBody) {
    Mitm m;
    drive_to(m, Stage::server_expect_client_hello);
    const size_t length = Limits{}.max_handshake_message;
    const uint8_t header[] = {1, static_cast<uint8_t>(length >> 16),
                              static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
    EXPECT_TRUE(m.inject(m.server, std::nullopt, kHandshake, header));
    EXPECT_FALSE(m.server.failed());
    EXPECT_FALSE(m.server.wants_write());
}

TEST(EngineRecord, CertificateMessageLongerThanItsLimit) {
    const Limits limits;
    for (size_t length : {limits.max_certificate_message + 1, size_t{0xFFFFFF}}) {
        Mitm m;
        drive_to(m, Stage::client_expect_certificate);
        const uint8_t header[] = {11, static_cast<uint8_t>(length >> 16),
                                  static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
        const auto status = m.inject(m.client, std::nullopt, kHandshake, header);
        EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
    }
    // Between the two limits a Certificate is still welcome (the chain may be long).
    Mitm m;
    drive_to(m, Stage::client_expect_certificate);
    const size_t length = limits.max_handshake_message + 1;
    const uint8_t header[] = {11, static_cast<uint8_t>(length >> 16),
                              static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
    EXPECT_TRUE(m.inject(m.client, std::nullopt, kHandshake, header));
}

TEST(EngineRecord, ZeroLengthHandshakeAlertAndCcsRecords) {
    for (auto stage : {Stage::server_expect_client_hello, Stage::client_expect_server_hello_done,
                       Stage::client_expect_server_change_cipher_spec,
                       Stage::server_expect_client_finished, Stage::client_established}) {
        for (uint8_t type : {kHandshake, kAlert, kCcs}) {
            SCOPED_TRACE(stage_name(stage) + " type " + std::to_string(type));
            Mitm m;
            const auto seq = drive_to(m, stage);
            auto& victim = victim_of(m, stage);
            const auto status = m.inject(victim, seq, type, {});
            EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::unexpected_message));
        }
    }
}

TEST(EngineRecord, TooManyConsecutiveEmptyApplicationDataRecords) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const size_t limit = Limits{}.max_empty_records;
    uint64_t seq = 1;
    // Up to the limit, empty records are tolerated; data in between resets the count.
    for (int round = 0; round < 2; ++round) {
        for (size_t i = 0; i < limit; ++i)
            ASSERT_TRUE(m.inject(m.server, seq++, kApplicationData, {})) << i;
        ASSERT_TRUE(m.inject(m.server, seq++, kApplicationData, bytes_of("x")));
    }
    for (size_t i = 0; i < limit; ++i) ASSERT_TRUE(m.inject(m.server, seq++, kApplicationData, {}));
    const auto status = m.inject(m.server, seq++, kApplicationData, {});
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
}

TEST(EngineRecord, TooManyWarningAlerts) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const size_t limit = Limits{}.max_warning_alerts;
    const uint8_t warning[] = {1, static_cast<uint8_t>(AlertDescription::unrecognized_name)};
    uint64_t seq = 1;
    for (size_t i = 0; i < limit; ++i) ASSERT_TRUE(m.inject(m.client, seq++, kAlert, warning));
    const auto status = m.inject(m.client, seq++, kAlert, warning);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

TEST(EngineRecord, WarningAlertsDuringTheHandshakeAreCountedToo) {
    Mitm m;
    drive_to(m, Stage::server_expect_client_key_exchange);
    const size_t limit = Limits{}.max_warning_alerts;
    const uint8_t warning[] = {1, static_cast<uint8_t>(AlertDescription::user_canceled)};
    for (size_t i = 0; i < limit; ++i)
        ASSERT_TRUE(m.inject(m.server, std::nullopt, kAlert, warning));
    const auto status = m.inject(m.server, std::nullopt, kAlert, warning);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
}

TEST(EngineRecord, NoRenegotiationWarningDuringTheHandshakeFails) {
    Mitm m;
    drive_to(m, Stage::client_expect_server_hello_done);
    const uint8_t warning[] = {1, static_cast<uint8_t>(AlertDescription::no_renegotiation)};
    const auto status = m.inject(m.client, std::nullopt, kAlert, warning);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::handshake_failure));
}

TEST(EngineRecord, MalformedAlerts) {
    // An alert level other than warning or fatal, alone or after a good alert in the same record.
    for (const auto& payload : {std::vector<uint8_t>{3, 40}, std::vector<uint8_t>{1, 90, 0, 0}}) {
        Mitm m;
        const auto seq = drive_to(m, Stage::server_established);
        const auto status = m.inject(m.server, seq, kAlert, payload);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::illegal_parameter));
    }
}

// ---- alerts across and within records (RFC 5246 6.2.1: messages of one content type may be
// coalesced into a record or fragmented across records, alerts included) ----------------------

constexpr auto kUserCanceled = static_cast<uint8_t>(AlertDescription::user_canceled);

TEST(EngineRecord, TwoAlertsInOneRecord) {
    Mitm m;
    const auto seq = drive_to(m, Stage::client_established);
    const uint8_t two[] = {1, kUserCanceled, 1, 0};  // a warning, then close_notify
    ASSERT_TRUE(m.inject(m.client, seq, kAlert, two));
    EXPECT_FALSE(m.client.failed());
    EXPECT_TRUE(m.client.peer_closed());
}

TEST(EngineRecord, WarningThenFatalAlertInOneRecord) {
    Mitm m;
    const auto seq = drive_to(m, Stage::server_established);
    const uint8_t two[] = {1, kUserCanceled, 2, 40};
    const auto status = m.inject(m.server, seq, kAlert, two);
    EXPECT_TRUE(ended_by_peer_alert(m, m.server, status, AlertDescription::handshake_failure));
}

// Nothing after close_notify is read (RFC 5246 7.2.1), not even the rest of its record.
TEST(EngineRecord, AlertsAfterCloseNotifyInItsRecordAreIgnored) {
    Mitm m;
    const auto seq = drive_to(m, Stage::client_established);
    const uint8_t record[] = {1, 0, 2, 40, 7};
    ASSERT_TRUE(m.inject(m.client, seq, kAlert, record));
    EXPECT_FALSE(m.client.failed());
    EXPECT_TRUE(m.client.peer_closed());
}

TEST(EngineRecord, AlertSplitAcrossRecords) {
    // close_notify in two protected records after the handshake.
    {
        Mitm m;
        const auto seq = drive_to(m, Stage::client_established);
        const uint8_t level[] = {1};
        const uint8_t description[] = {0};
        ASSERT_TRUE(m.inject(m.client, *seq, kAlert, level));
        EXPECT_FALSE(m.client.peer_closed());
        EXPECT_FALSE(m.client.failed());
        ASSERT_TRUE(m.inject(m.client, *seq + 1, kAlert, description));
        EXPECT_TRUE(m.client.peer_closed());
        EXPECT_FALSE(m.client.failed());
    }
    // A fatal alert in two plaintext records during the handshake, with a whole warning
    // coalesced in front of its first half.
    {
        Mitm m;
        drive_to(m, Stage::server_expect_client_key_exchange);
        const uint8_t first[] = {1, kUserCanceled, 2};
        const uint8_t second[] = {40};
        ASSERT_TRUE(m.inject(m.server, std::nullopt, kAlert, first));
        EXPECT_FALSE(m.server.failed());
        const auto status = m.inject(m.server, std::nullopt, kAlert, second);
        EXPECT_TRUE(ended_by_peer_alert(m, m.server, status, AlertDescription::handshake_failure));
    }
}

// Like a partial handshake message, half an alert may only be followed by the rest of it.
TEST(EngineRecord, HalfAnAlertThenAnotherContentType) {
    for (uint8_t type : {kHandshake, kCcs, kApplicationData}) {
        SCOPED_TRACE(std::to_string(type));
        Mitm m;
        const auto seq = drive_to(m, Stage::server_established);
        const uint8_t level[] = {1};
        ASSERT_TRUE(m.inject(m.server, *seq, kAlert, level));
        const auto payload = type == kCcs ? std::vector<uint8_t>{1} : bytes_of("data");
        const auto status = m.inject(m.server, *seq + 1, type, payload);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
        EXPECT_EQ(m.server.available(), 0u);
    }
    // The same during the handshake, in plaintext.
    Mitm m;
    drive_to(m, Stage::server_expect_client_hello);
    const uint8_t level[] = {2};
    ASSERT_TRUE(m.inject(m.server, std::nullopt, kAlert, level));
    const auto status = m.deliver(m.server);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
}

// The warning-alert cap counts the peer's warnings only, not the no_renegotiation warnings we
// send when it asks to renegotiate (those requests have a cap of their own).
TEST(EngineRecord, OurNoRenegotiationRepliesDoNotCountAsPeerWarnings) {
    Mitm m;
    auto seq = *drive_to(m, Stage::client_established);
    const auto hello_request = frame_handshake(HandshakeType::hello_request, {});
    for (size_t i = 0; i < 3; ++i)
        ASSERT_TRUE(m.inject(m.client, seq++, kHandshake, hello_request));
    const uint8_t warning[] = {1, kUserCanceled};
    const size_t limit = Limits{}.max_warning_alerts;
    for (size_t i = 0; i < limit; ++i)
        ASSERT_TRUE(m.inject(m.client, seq++, kAlert, warning)) << "warning " << i + 1;
    const auto status = m.inject(m.client, seq++, kAlert, warning);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

// RFC 5246 6.2.1: a handshake message may span records, but no other record type may come in
// between its pieces.
TEST(EngineRecord, PartialHandshakeMessageThenAnotherContentType) {
    for (uint8_t type : {kCcs, kAlert, kApplicationData}) {
        SCOPED_TRACE(std::to_string(type));
        Mitm m;
        drive_to(m, Stage::server_expect_client_hello);
        const auto hello = m.to_server.front().payload;
        ASSERT_TRUE(m.inject(m.server, std::nullopt, kHandshake, ByteView(hello).first(10)));
        const std::vector<uint8_t> payload =
            type == kCcs ? std::vector<uint8_t>{1} : std::vector<uint8_t>{1, 0};
        const auto status = m.inject(m.server, std::nullopt, type, payload);
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
    }
}

// Plaintext handshake bytes buffered before the ChangeCipherSpec must not be joined with
// encrypted ones after it.
TEST(EngineRecord, PartialHandshakeMessageAcrossTheChangeCipherSpec) {
    for (auto stage : {Stage::server_expect_client_change_cipher_spec,
                       Stage::client_expect_server_change_cipher_spec}) {
        SCOPED_TRACE(stage_name(stage));
        Mitm m;
        drive_to(m, stage);
        auto& victim = victim_of(m, stage);
        const uint8_t first_half_of_finished[] = {20, 0};
        ASSERT_TRUE(m.inject(victim, std::nullopt, kHandshake, first_half_of_finished));
        const uint8_t ccs[] = {1};
        const auto status = m.inject(victim, std::nullopt, kCcs, ccs);
        EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::unexpected_message));
    }
}

TEST(EngineRecord, PartialHandshakeMessageThenApplicationDataAfterTheHandshake) {
    Mitm m;
    const auto seq = drive_to(m, Stage::client_established);
    const uint8_t half_hello_request[] = {0, 0};
    ASSERT_TRUE(m.inject(m.client, *seq, kHandshake, half_hello_request));
    const auto status = m.inject(m.client, *seq + 1, kApplicationData, bytes_of("data"));
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

TEST(EngineRecord, ApplicationDataBeforeTheHandshakeCompletes) {
    for (auto stage : all_stages()) {
        if (stage == Stage::client_established || stage == Stage::server_established) continue;
        SCOPED_TRACE(stage_name(stage));
        Mitm m;
        const auto seq = drive_to(m, stage);
        auto& victim = victim_of(m, stage);
        const auto status = m.inject(victim, seq, kApplicationData, bytes_of("GET / HTTP/1.0"));
        EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::unexpected_message));
    }
}

TEST(EngineRecord, UnknownContentType) {
    for (auto stage : {Stage::server_expect_client_hello, Stage::client_expect_certificate,
                       Stage::client_expect_server_finished, Stage::server_established}) {
        for (uint8_t type : {uint8_t{0}, uint8_t{24}, uint8_t{99}, uint8_t{0x7f}}) {
            SCOPED_TRACE(stage_name(stage) + " type " + std::to_string(type));
            Mitm m;
            const auto seq = drive_to(m, stage);
            auto& victim = victim_of(m, stage);
            const auto status = m.inject(victim, seq, type, bytes_of("hb"));
            EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::unexpected_message));
        }
    }
}

// ---- several application-data records in one feed (the engine's steady-state path) ------------

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
    std::vector<uint8_t> all;
    for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
    return all;
}

std::string received_text(Connection& c) {
    const ByteView data = c.received_data();
    std::string text(data.begin(), data.end());
    c.consume_received(data.size());
    return text;
}

TEST(EngineRecord, ApplicationDataRecordsAndAPartialOneInOneFeed) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const auto third = m.seal(true, 3, kApplicationData, bytes_of("third"));
    const auto stream = concat({m.seal(true, 1, kApplicationData, bytes_of("first ")),
                                m.seal(true, 2, kApplicationData, bytes_of("second ")), third});
    // Everything but the last record's final 7 bytes, then those: the two whole records are
    // delivered at once and the partial one waits for its end.
    const size_t cut = stream.size() - 7;
    ASSERT_TRUE(m.server.feed(ByteView(stream).first(cut)));
    EXPECT_EQ(received_text(m.server), "first second ");
    ASSERT_TRUE(m.server.feed(ByteView(stream).subspan(cut)));
    EXPECT_EQ(received_text(m.server), "third");
}

TEST(EngineRecord, ApplicationDataThenOtherTypesInOneFeed) {
    Mitm m;
    ASSERT_TRUE(m.run());
    // Data, an empty data record, data, then a warning alert (no_renegotiation is tolerated) and
    // data again: the records after the first that is not plain data still arrive in order.
    const std::vector<uint8_t> warning = {1, 100};
    const auto stream = concat(
        {m.seal(true, 1, kApplicationData, bytes_of("a")), m.seal(true, 2, kApplicationData, {}),
         m.seal(true, 3, kApplicationData, bytes_of("b")), m.seal(true, 4, kAlert, warning),
         m.seal(true, 5, kApplicationData, bytes_of("c"))});
    ASSERT_TRUE(m.server.feed(stream));
    EXPECT_EQ(received_text(m.server), "abc");
}

TEST(EngineRecord, ForgedRecordAfterGoodOnesInOneFeed) {
    Mitm m;
    ASSERT_TRUE(m.run());
    auto forged = m.seal(true, 2, kApplicationData, bytes_of("forged"));
    forged.back() ^= 1;  // the tag
    const auto stream = concat({m.seal(true, 1, kApplicationData, bytes_of("good")), forged,
                                m.seal(true, 3, kApplicationData, bytes_of("never"))});
    const auto status = m.server.feed(stream);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_record_mac));
    // What authenticated before the forgery was delivered; nothing after it.
    EXPECT_EQ(received_text(m.server), "good");
}

}  // namespace
