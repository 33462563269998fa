// The handshake state machine under attack: a real pair is driven into each state of each role,
// then the victim gets a message its state does not allow (every handshake type, an early
// ChangeCipherSpec, a peer's fatal alert, close_notify). Plaintext before the ChangeCipherSpec,
// sealed with the session's keys (recovered from the key log) after it.
#include <gtest/gtest.h>

#include <algorithm>

#include <tls12/tls/msgs/msgs.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr uint8_t kCcs = 20;
constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;

using T = HandshakeType;

const std::vector<HandshakeType>& every_handshake_type() {
    static const std::vector<HandshakeType> types = {
        T::hello_request,       T::client_hello,      T::server_hello,
        HandshakeType{3},  // hello_verify_request (DTLS)
        T::new_session_ticket,  T::certificate,       T::server_key_exchange,
        T::certificate_request, T::server_hello_done, T::certificate_verify,
        T::client_key_exchange, T::finished,          HandshakeType{21},  // certificate_url
        HandshakeType{22},                                                // certificate_status
        HandshakeType{99},      HandshakeType{255},
    };
    return types;
}

// The handshake types a stage accepts (or, for HelloRequest on the client, tolerates).
std::vector<HandshakeType> allowed(Stage stage) {
    switch (stage) {
        case Stage::client_expect_server_hello:
            return {T::server_hello, T::hello_request};
        case Stage::client_expect_certificate:
            return {T::certificate, T::hello_request};
        case Stage::client_expect_server_key_exchange:
            return {T::server_key_exchange, T::hello_request};
        case Stage::client_expect_server_hello_done:
            return {T::server_hello_done, T::certificate_request, T::hello_request};
        case Stage::client_expect_server_change_cipher_spec:
            return {T::hello_request};
        case Stage::client_expect_server_finished:
            return {T::finished, T::hello_request};
        case Stage::client_established:
            return {T::hello_request};
        case Stage::server_expect_client_hello:
            return {T::client_hello};
        case Stage::server_expect_client_key_exchange:
            return {T::client_key_exchange};
        case Stage::server_expect_client_change_cipher_spec:
            return {};
        case Stage::server_expect_client_finished:
            return {T::finished};
        case Stage::server_established:
            return {T::client_hello};
        default:
            return {};
    }
}

std::string type_name(HandshakeType type) {
    std::string s = to_string(type);
    for (auto& ch : s)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return s;
}

// ---- every unexpected handshake message in every state -------------------------------------

// Every handshake type the stage does not allow, one fresh pair each.
class UnexpectedMessage : public testing::TestWithParam<Stage> {};

TEST_P(UnexpectedMessage, IsRefusedWithUnexpectedMessage) {
    const Stage stage = GetParam();
    const auto ok = allowed(stage);
    for (auto type : every_handshake_type()) {
        if (std::find(ok.begin(), ok.end(), type) != ok.end()) continue;
        SCOPED_TRACE(type_name(type) + " (" + std::to_string(static_cast<int>(type)) + ")");
        Mitm m;
        const auto seq = drive_to(m, stage);
        auto& victim = victim_of(m, stage);
        // A junk body: the state check comes before any parsing.
        const uint8_t junk[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
        const auto message = frame_handshake(type, junk);
        const auto status = m.inject(victim, seq, kHandshake, message);
        EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::unexpected_message));
        ASSERT_TRUE(victim.error());
        EXPECT_NE(victim.error()->reason.find(stage_state_name(stage)), std::string::npos)
            << victim.error()->reason;
    }
}

INSTANTIATE_TEST_SUITE_P(EngineState, UnexpectedMessage, testing::ValuesIn(all_stages()),
                         [](const testing::TestParamInfo<Stage>& p) {
                             return stage_name(p.param);
                         });

// A second CertificateRequest is not allowed either.
TEST(EngineState, SecondCertificateRequestIsUnexpected) {
    Mitm m;
    drive_to(m, Stage::client_expect_server_hello_done);
    CertificateRequest request;
    request.certificate_types = {1};
    request.supported_signature_algorithms = {SignatureScheme::rsa_pss_rsae_sha256};
    const auto message = frame_message(request);
    ASSERT_TRUE(m.inject(m.client, std::nullopt, kHandshake, message));
    const auto status = m.inject(m.client, std::nullopt, kHandshake, message);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

// ---- ChangeCipherSpec before the keys are ready ----------------------------------------------

std::vector<Stage> stages_refusing_ccs() {
    std::vector<Stage> out;
    for (auto stage : all_stages())
        if (stage != Stage::client_expect_server_change_cipher_spec &&
            stage != Stage::server_expect_client_change_cipher_spec)
            out.push_back(stage);
    return out;
}

class EarlyChangeCipherSpec : public testing::TestWithParam<Stage> {};

TEST_P(EarlyChangeCipherSpec, IsRefused) {
    const Stage stage = GetParam();
    Mitm m;
    const auto seq = drive_to(m, stage);
    auto& victim = victim_of(m, stage);
    const uint8_t ccs[] = {1};
    const auto status = m.inject(victim, seq, kCcs, ccs);
    EXPECT_TRUE(failed_with_alert(m, victim, status, AlertDescription::unexpected_message));
}

INSTANTIATE_TEST_SUITE_P(EngineState, EarlyChangeCipherSpec,
                         testing::ValuesIn(stages_refusing_ccs()),
                         [](const testing::TestParamInfo<Stage>& p) {
                             return stage_name(p.param);
                         });

// The classic CCS injection (CVE-2014-0224): CCS right after the ClientHello, then a Finished
// computed from an empty master secret. The server must refuse at the CCS already.
TEST(EngineState, CcsInjectionThenFinishedIsRefusedAtTheCcs) {
    Mitm m;
    drive_to(m, Stage::server_expect_client_key_exchange);
    auto records = RawRecord{kCcs, {1}}.encode();
    const uint8_t finished[] = {20, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const auto fin = RawRecord{kHandshake, {finished, finished + sizeof finished}}.encode();
    records.insert(records.end(), fin.begin(), fin.end());
    const auto status = m.server.feed(records);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
}

TEST(EngineState, MalformedChangeCipherSpec) {
    for (auto payload : {std::vector<uint8_t>{2}, std::vector<uint8_t>{1, 1}}) {
        for (auto stage : {Stage::client_expect_server_change_cipher_spec,
                           Stage::server_expect_client_change_cipher_spec}) {
            SCOPED_TRACE(stage_name(stage) + " payload size " + std::to_string(payload.size()));
            Mitm m;
            drive_to(m, stage);
            auto& victim = victim_of(m, stage);
            const auto status = m.inject(victim, std::nullopt, kCcs, payload);
            const auto expected = payload.size() == 1 ? AlertDescription::illegal_parameter
                                                      : AlertDescription::decode_error;
            EXPECT_TRUE(failed_with_alert(m, victim, status, expected));
        }
    }
}

// ---- HelloRequest during the client's handshake is ignored -----------------------------------

// Re-seals the server's held Finished at a later sequence number (an injected record used up one).
void reseal_held_server_finished(Mitm& m, uint64_t from_seq, uint64_t to_seq) {
    ASSERT_FALSE(m.to_client.empty());
    auto& record = m.to_client.front();
    auto open = m.keys().protection(false, from_seq);
    auto plaintext = open_record(*open, record);
    ASSERT_TRUE(plaintext);
    const auto sealed = m.seal(false, to_seq, record.type, *plaintext);
    record = split_records(sealed).front();
}

class HelloRequestDuringHandshake : public testing::TestWithParam<Stage> {};

TEST_P(HelloRequestDuringHandshake, IsIgnored) {
    const Stage stage = GetParam();
    Mitm m;
    const auto seq = drive_to(m, stage);
    const auto hello_request = frame_handshake(T::hello_request, {});
    ASSERT_TRUE(m.inject(m.client, seq, kHandshake, hello_request));
    EXPECT_FALSE(m.client.wants_write()) << "the client answered a HelloRequest mid-handshake";
    if (seq) {
        m.pull(m.server);
        reseal_held_server_finished(m, *seq, *seq + 1);
    }
    EXPECT_TRUE(m.run()) << (m.client.error() ? m.client.error()->message() : "")
                         << (m.server.error() ? m.server.error()->message() : "");
}

INSTANTIATE_TEST_SUITE_P(EngineState, HelloRequestDuringHandshake,
                         testing::Values(Stage::client_expect_server_hello,
                                         Stage::client_expect_certificate,
                                         Stage::client_expect_server_key_exchange,
                                         Stage::client_expect_server_hello_done,
                                         Stage::client_expect_server_change_cipher_spec,
                                         Stage::client_expect_server_finished),
                         [](const testing::TestParamInfo<Stage>& p) {
                             return stage_name(p.param);
                         });

TEST(EngineState, HelloRequestWithBodyIsADecodeError) {
    Mitm m;
    drive_to(m, Stage::client_expect_certificate);
    const uint8_t body[] = {0};
    const auto status =
        m.inject(m.client, std::nullopt, kHandshake, frame_handshake(T::hello_request, body));
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::decode_error));
}

// ---- a fatal alert from the peer ends the connection at every state -------------------------

class PeerFatalAlert : public testing::TestWithParam<Stage> {};

TEST_P(PeerFatalAlert, EndsTheConnection) {
    const Stage stage = GetParam();
    Mitm m;
    const auto seq = drive_to(m, stage);
    auto& victim = victim_of(m, stage);
    const uint8_t alert[] = {2, static_cast<uint8_t>(AlertDescription::handshake_failure)};
    const auto status = m.inject(victim, seq, kAlert, alert);
    EXPECT_TRUE(ended_by_peer_alert(m, victim, status, AlertDescription::handshake_failure));
    EXPECT_FALSE(victim.peer_closed());
}

INSTANTIATE_TEST_SUITE_P(EngineState, PeerFatalAlert, testing::ValuesIn(all_stages()),
                         [](const testing::TestParamInfo<Stage>& p) {
                             return stage_name(p.param);
                         });

// A fatal alert with a description we do not know is still fatal.
TEST(EngineState, PeerFatalAlertWithUnknownDescription) {
    Mitm m;
    const auto seq = drive_to(m, Stage::client_established);
    const uint8_t alert[] = {2, 201};
    const auto status = m.inject(m.client, seq, kAlert, alert);
    EXPECT_TRUE(ended_by_peer_alert(m, m.client, status, AlertDescription{201}));
}

// ---- close_notify during the handshake is a failure, not a clean end -------------------------

std::vector<Stage> handshake_stages() {
    std::vector<Stage> out;
    for (auto stage : all_stages())
        if (stage != Stage::client_established && stage != Stage::server_established)
            out.push_back(stage);
    return out;
}

class CloseNotifyDuringHandshake : public testing::TestWithParam<Stage> {};

TEST_P(CloseNotifyDuringHandshake, FailsTheHandshake) {
    const Stage stage = GetParam();
    Mitm m;
    const auto seq = drive_to(m, stage);
    auto& victim = victim_of(m, stage);
    const uint8_t alert[] = {1, 0};
    const auto status = m.inject(victim, seq, kAlert, alert);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().alert, AlertDescription::close_notify);
    EXPECT_TRUE(victim.failed());
    EXPECT_FALSE(victim.is_handshake_complete());
    const uint8_t more[] = {kApplicationData, 3, 3, 0, 1, 0};
    EXPECT_FALSE(victim.feed(more));
    const uint8_t data[] = {'x'};
    EXPECT_FALSE(victim.send(data));
    EXPECT_EQ(victim.available(), 0u);
}

INSTANTIATE_TEST_SUITE_P(EngineState, CloseNotifyDuringHandshake,
                         testing::ValuesIn(handshake_stages()),
                         [](const testing::TestParamInfo<Stage>& p) {
                             return stage_name(p.param);
                         });

}  // namespace
