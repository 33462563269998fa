// TLS 1.3 states under attack, both roles, table-driven: every handshake message type delivered
// in every TLS 1.3 state that does not accept it (unexpected_message naming the state), truncated,
// overlong and oversized messages, bad PSK binders, key share mismatches, and post-handshake
// messages (KeyUpdate with a bad value, a ClientHello, Certificate or NewSessionTicket after the
// handshake). Each case asserts the alert and a readable reason. The victim is a real engine; its
// peer is played by hand with keys from the victim's key log (support/forge13.h), so forged
// messages arrive sealed under the right key at the right sequence number.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <set>
#include <string>

#include <tls12/tls/handshake/handshake13.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/certificate.h>
#include <tls12/x509/trust_store.h>
#include "support/engine_pair.h"
#include "support/forge13.h"
#include "support/pki.h"

using namespace tls12;
using namespace tls12_test;

namespace {

std::shared_ptr<const CertificateVerifier> test_ca_verifier() {
    static const auto verifier =
        make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert));
    return verifier;
}

std::shared_ptr<const ClientConfig> client13(KeyLog13* log = nullptr) {
    return client_config([&](ClientConfig& c) {
        c.max_version = ProtocolVersion::tls13;
        if (log) c.key_log = log->callback();
    });
}

std::vector<uint8_t> message(HandshakeType type, const std::vector<uint8_t>& body) {
    std::vector<uint8_t> out;
    out.reserve(4 + body.size());
    out.push_back(static_cast<uint8_t>(type));
    for (int shift : {16, 8, 0}) out.push_back(static_cast<uint8_t>(body.size() >> shift));
    for (uint8_t b : body) out.push_back(b);
    return out;
}

// ---- the states, and a victim driven into each ----

enum class Stage13 {
    server_expect_client_hello_after_retry,
    server_expect_certificate,
    server_expect_certificate_verify,
    server_expect_finished,
    server_established,
    client_expect_server_hello_after_retry,
    client_expect_encrypted_extensions,
    client_expect_certificate_or_certificate_request,
    client_expect_certificate,
    client_expect_certificate_verify,
    client_expect_finished,
    client_established,
};

struct StageInfo {
    Stage13 stage;
    const char* name;   // for test names
    const char* state;  // the engine's state name
    std::set<HandshakeType> accepted;
};

const std::vector<StageInfo>& stages() {
    using T = HandshakeType;
    static const std::vector<StageInfo> table = {
        {Stage13::server_expect_client_hello_after_retry,
         "Server_ExpectClientHelloAfterRetry",
         "ExpectClientHelloAfterRetry",
         {T::client_hello}},
        {Stage13::server_expect_certificate,
         "Server_ExpectCertificate",
         "ExpectCertificate",
         {T::certificate}},
        {Stage13::server_expect_certificate_verify,
         "Server_ExpectCertificateVerify",
         "ExpectCertificateVerify",
         {T::certificate_verify}},
        {Stage13::server_expect_finished, "Server_ExpectFinished", "ExpectFinished", {T::finished}},
        {Stage13::server_established, "Server_Established", "Established", {T::key_update}},
        {Stage13::client_expect_server_hello_after_retry,
         "Client_ExpectServerHelloAfterRetry",
         "ExpectServerHelloAfterRetry",
         {T::server_hello}},
        {Stage13::client_expect_encrypted_extensions,
         "Client_ExpectEncryptedExtensions",
         "ExpectEncryptedExtensions",
         {T::encrypted_extensions}},
        {Stage13::client_expect_certificate_or_certificate_request,
         "Client_ExpectCertificateOrCertificateRequest",
         "ExpectCertificateOrCertificateRequest",
         {T::certificate, T::certificate_request}},
        {Stage13::client_expect_certificate,
         "Client_ExpectCertificate",
         "ExpectCertificate",
         {T::certificate}},
        {Stage13::client_expect_certificate_verify,
         "Client_ExpectCertificateVerify",
         "ExpectCertificateVerify",
         {T::certificate_verify}},
        {Stage13::client_expect_finished, "Client_ExpectFinished", "ExpectFinished", {T::finished}},
        {Stage13::client_established,
         "Client_Established",
         "Established",
         {T::new_session_ticket, T::key_update}},
    };
    return table;
}

const std::vector<HandshakeType>& all_types() {
    using T = HandshakeType;
    static const std::vector<HandshakeType> types = {
        T::hello_request,      T::client_hello,        T::server_hello,
        T::new_session_ticket, T::end_of_early_data,   T::encrypted_extensions,
        T::certificate,        T::server_key_exchange, T::certificate_request,
        T::server_hello_done,  T::certificate_verify,  T::client_key_exchange,
        T::finished,           T::key_update,          T::message_hash,
        static_cast<T>(99),  // no such type
    };
    return types;
}

// A victim in a stage, and the way to deliver one handshake message to it as its peer would.
class Victim {
  public:
    virtual ~Victim() = default;
    virtual Connection& engine() = 0;
    // Feeds the message (header included) to the victim, sealed as the peer would seal it.
    virtual Status deliver(const std::vector<uint8_t>& handshake_message) = 0;
    // The message the victim's state expects next, as the peer sent it (or would).
    std::vector<uint8_t> expected;
};

// The server, facing a client played by hand.
class ServerVictim : public Victim {
  public:
    ServerVictim(Stage13 stage)
        : fc_(client13(), ServerKey::rsa2048, [stage](ServerConfig& s) {
              if (stage == Stage13::server_expect_client_hello_after_retry)
                  s.groups = {NamedGroup::secp256r1};
              if (stage == Stage13::server_expect_certificate ||
                  stage == Stage13::server_expect_certificate_verify) {
                  s.client_auth = ClientAuth::request;
                  s.client_verifier = test_ca_verifier();
              }
          }) {
        EXPECT_TRUE(fc_.send_hello());
        const bool retry = fc_.read_server();
        EXPECT_EQ(retry, stage == Stage13::server_expect_client_hello_after_retry);
        if (retry) return;
        plaintext_ = false;
        const auto chain = tls12::x509::load_certificate_chain(test_pki().client_chain);
        const auto certificate = encode_handshake(certificate_message13(chain));
        if (stage == Stage13::server_expect_certificate) expected = certificate;
        if (stage == Stage13::server_expect_certificate_verify) {
            expected = encode_handshake(
                CertificateVerify{SignatureScheme::rsa_pss_rsae_sha256, Bytes(256, 1)});
            fc_.transcript.add(certificate);
            EXPECT_TRUE(
                fc_.server.feed(fc_.handshake_keys().seal(ContentType::handshake, certificate)));
        }
        if (stage == Stage13::server_expect_finished) expected = finished_message();
        if (stage == Stage13::server_established) {
            EXPECT_TRUE(fc_.complete())
                << (fc_.server.error() ? fc_.server.error()->message() : "");
            established_ = true;
            expected = message(HandshakeType::key_update, {0});
        }
    }
    Connection& engine() override { return fc_.server; }
    Status deliver(const std::vector<uint8_t>& m) override {
        if (plaintext_) return fc_.server.feed(handshake_record(m));
        auto& keys = established_ ? fc_.application_keys() : fc_.handshake_keys();
        return fc_.server.feed(keys.seal(ContentType::handshake, m));
    }
    ForgedClient13& forged() { return fc_; }

  private:
    std::vector<uint8_t> finished_message() {
        Transcript t = fc_.transcript;
        const auto hash = fc_.suite->prf_hash;
        return encode_handshake(Finished13{finished_verify_data(
            hash, fc_.log.secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET"), t.hash(hash))});
    }
    ForgedClient13 fc_;
    bool plaintext_ = true;
    bool established_ = false;
};

// The client, facing the server's own messages re-sealed one per record (from the client's key
// log), and forged ones after a prefix of them.
class ClientVictim : public Victim {
  public:
    ClientVictim(Stage13 stage)
        : client_(Connection::client(client13(&log_), "localhost")),
          server_(Connection::server(server_config(ServerKey::rsa2048, [stage](ServerConfig& s) {
              s.max_version = ProtocolVersion::tls13;
              if (stage == Stage13::client_expect_server_hello_after_retry)
                  s.groups = {NamedGroup::secp256r1};
              if (stage == Stage13::client_expect_certificate) {
                  s.client_auth = ClientAuth::request;
                  s.client_verifier = test_ca_verifier();
              }
          }))) {
        transfer(client_, server_);
        const auto records = split_records(server_.take_output());
        const auto hello = split_handshake_messages({records.at(0)}).at(0);
        if (stage == Stage13::client_expect_server_hello_after_retry) {
            EXPECT_TRUE(client_.feed(records.at(0).encode()));
            (void)client_.take_output();
            return;
        }
        plaintext_ = false;
        EXPECT_TRUE(client_.feed(records.at(0).encode()));  // ServerHello
        suite_ = find_suite(*client_.negotiated().cipher_suite);
        const auto secret = log_.secret("SERVER_HANDSHAKE_TRAFFIC_SECRET");
        Direction13 opener(*suite_, secret, false);
        std::vector<uint8_t> flight;
        for (size_t i = 1; i < records.size(); ++i) {
            if (records[i].type != 23) continue;
            auto opened = opener.open(records[i]);
            EXPECT_TRUE(opened);
            if (opened) flight.insert(flight.end(), opened->second.begin(), opened->second.end());
        }
        const auto messages = split_messages(flight);  // EE, [CR], Certificate, CV, Finished
        sealer_.emplace(*suite_, secret, true);
        size_t prefix = 0;
        switch (stage) {
            case Stage13::client_expect_encrypted_extensions:
                prefix = 0;
                break;
            case Stage13::client_expect_certificate_or_certificate_request:
            case Stage13::client_expect_certificate:
                prefix = stage == Stage13::client_expect_certificate ? 2 : 1;
                break;
            case Stage13::client_expect_certificate_verify:
                prefix = 2;
                break;
            case Stage13::client_expect_finished:
                prefix = 3;
                break;
            default:
                prefix = messages.size();
        }
        for (size_t i = 0; i < prefix && i < messages.size(); ++i)
            EXPECT_TRUE(deliver(messages[i])) << client_.error()->message();
        if (prefix < messages.size()) expected = messages[prefix];
        if (stage == Stage13::client_established) {
            EXPECT_TRUE(client_.is_handshake_complete());
            sealer_.emplace(*suite_, log_.secret("SERVER_TRAFFIC_SECRET_0"), true);
            expected = message(HandshakeType::key_update, {0});
        }
        (void)client_.take_output();
    }
    Connection& engine() override { return client_; }
    Status deliver(const std::vector<uint8_t>& m) override {
        if (plaintext_) return client_.feed(handshake_record(m));
        return client_.feed(sealer_->seal(ContentType::handshake, m));
    }

  private:
    KeyLog13 log_;
    Connection client_;
    Connection server_;
    const SuiteInfo* suite_ = nullptr;
    std::optional<Direction13> sealer_;
    bool plaintext_ = true;
};

std::unique_ptr<Victim> victim_in(Stage13 stage) {
    if (stage <= Stage13::server_established) return std::make_unique<ServerVictim>(stage);
    return std::make_unique<ClientVictim>(stage);
}

testing::AssertionResult refused(Victim& v, const Status& status, AlertDescription alert,
                                 const std::string& reason_part) {
    const Error* e = v.engine().error();
    if (status) return testing::AssertionFailure() << "the feed succeeded";
    if (!e) return testing::AssertionFailure() << "the victim did not fail";
    if (e->alert != alert)
        return testing::AssertionFailure() << "alert " << to_string(e->alert) << " instead of "
                                           << to_string(alert) << ": " << e->message();
    if (e->message().empty()) return testing::AssertionFailure() << "no reason given";
    if (e->message().find(reason_part) == std::string::npos)
        return testing::AssertionFailure()
               << "reason \"" << e->message() << "\" does not say \"" << reason_part << "\"";
    if (e->kind != ErrorKind::sent_alert)
        return testing::AssertionFailure() << "no alert sent: " << e->message();
    return testing::AssertionSuccess();
}

// ---- every message type in every state ----

class EveryState13 : public testing::TestWithParam<StageInfo> {};

TEST_P(EveryState13, UnexpectedMessageTypesAreRefusedNamingTheState) {
    const StageInfo& info = GetParam();
    for (HandshakeType type : all_types()) {
        if (info.accepted.count(type)) continue;
        SCOPED_TRACE(to_string(type));
        auto victim = victim_in(info.stage);
        ASSERT_STREQ(victim->engine().state_name(), info.state);
        auto status = victim->deliver(message(type, {0, 0, 0, 0}));
        EXPECT_TRUE(refused(*victim, status, AlertDescription::unexpected_message, info.state));
    }
}

// The expected message cut short by one byte (its header says so): decode_error.
TEST_P(EveryState13, TruncatedExpectedMessageIsDecodeError) {
    const StageInfo& info = GetParam();
    auto victim = victim_in(info.stage);
    auto m = victim->expected;
    if (m.empty()) {
        // The second ClientHello (server) / second ServerHello (client): any truncated hello.
        m = message(info.stage == Stage13::server_expect_client_hello_after_retry
                        ? HandshakeType::client_hello
                        : HandshakeType::server_hello,
                    std::vector<uint8_t>(40, 3));
    }
    m.pop_back();
    const size_t length = m.size() - 4;
    m[1] = static_cast<uint8_t>(length >> 16);
    m[2] = static_cast<uint8_t>(length >> 8);
    m[3] = static_cast<uint8_t>(length);
    auto status = victim->deliver(m);
    EXPECT_TRUE(refused(*victim, status, AlertDescription::decode_error, ""));
}

// The expected message with one byte more than its fields: decode_error (trailing data).
TEST_P(EveryState13, ExpectedMessageWithATrailingByteIsDecodeError) {
    const StageInfo& info = GetParam();
    auto victim = victim_in(info.stage);
    auto m = victim->expected;
    if (m.empty()) return;  // the hellos after a HelloRetryRequest: covered by the parsers' tests
    m.push_back(0);
    const size_t length = m.size() - 4;
    m[1] = static_cast<uint8_t>(length >> 16);
    m[2] = static_cast<uint8_t>(length >> 8);
    m[3] = static_cast<uint8_t>(length);
    auto status = victim->deliver(m);
    EXPECT_TRUE(refused(*victim, status, AlertDescription::decode_error, ""));
}

// A header announcing more than Limits::max_handshake_message: refused at the header.
TEST_P(EveryState13, OversizedMessageIsRefusedAtItsHeader) {
    const StageInfo& info = GetParam();
    auto victim = victim_in(info.stage);
    const size_t length = Limits{}.max_handshake_message + 1;
    const std::vector<uint8_t> header{
        static_cast<uint8_t>(HandshakeType::finished), static_cast<uint8_t>(length >> 16),
        static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
    auto status = victim->deliver(header);
    EXPECT_TRUE(refused(*victim, status, AlertDescription::illegal_parameter, "exceeds the limit"));
}

INSTANTIATE_TEST_SUITE_P(Tls13, EveryState13, testing::ValuesIn(stages()),
                         [](const testing::TestParamInfo<StageInfo>& param_info) {
                             return std::string(param_info.param.name);
                         });

// ---- post-handshake messages ----

TEST(PostHandshake13, KeyUpdateWithABadValueIsIllegalParameter) {
    for (auto stage : {Stage13::server_established, Stage13::client_established}) {
        auto victim = victim_in(stage);
        auto status = victim->deliver(message(HandshakeType::key_update, {2}));
        EXPECT_TRUE(refused(*victim, status, AlertDescription::illegal_parameter, "KeyUpdate"));
    }
}

// ---- the engine's limits, under TLS 1.3 protection ----

// The failure a record fed to fc's server caused: its alert, and a reason containing `what`.
::testing::AssertionResult failed_with(ForgedClient13& fc, const Status& status,
                                       AlertDescription alert, const std::string& what) {
    if (status) return ::testing::AssertionFailure() << "the record was accepted";
    const Error* error = fc.server.error();
    if (!error || error->alert != alert || error->message().find(what) == std::string::npos)
        return ::testing::AssertionFailure() << (error ? error->message() : "no error");
    return ::testing::AssertionSuccess();
}

// ClientHello, the server's flight, the client's Finished: an established server.
bool establish(ForgedClient13& fc) {
    return fc.send_hello() && !fc.read_server() && fc.complete();
}

TEST(Limits13, TooManyConsecutiveEmptyApplicationDataRecords) {
    ForgedClient13 fc(client13());
    ASSERT_TRUE(establish(fc)) << (fc.server.error() ? fc.server.error()->message() : "");
    auto& keys = fc.application_keys();
    const size_t limit = Limits{}.max_empty_records;
    const uint8_t x[] = {'x'};
    // Up to the limit, empty records are tolerated (RFC 8446 5.4 allows them); data in between
    // resets the count.
    for (int round = 0; round < 2; ++round) {
        for (size_t i = 0; i < limit; ++i)
            ASSERT_TRUE(fc.server.feed(keys.seal(ContentType::application_data, {}))) << i;
        ASSERT_TRUE(fc.server.feed(keys.seal(ContentType::application_data, x)));
    }
    for (size_t i = 0; i < limit; ++i)
        ASSERT_TRUE(fc.server.feed(keys.seal(ContentType::application_data, {})));
    EXPECT_TRUE(failed_with(fc, fc.server.feed(keys.seal(ContentType::application_data, {})),
                            AlertDescription::unexpected_message, "empty records"));
}

// RFC 8446 5.1: a protected record of handshake or alert content may not be empty either.
TEST(Limits13, EmptyHandshakeAndAlertRecordsAreRefused) {
    for (auto type : {ContentType::handshake, ContentType::alert}) {
        ForgedClient13 fc(client13());
        ASSERT_TRUE(establish(fc));
        EXPECT_TRUE(failed_with(fc, fc.server.feed(fc.application_keys().seal(type, {})),
                                AlertDescription::unexpected_message, "empty"));
    }
}

// user_canceled, the one alert TLS 1.3 does not make fatal, is counted like TLS 1.2's warnings.
TEST(Limits13, TooManyUserCanceledAlerts) {
    ForgedClient13 fc(client13());
    ASSERT_TRUE(establish(fc));
    auto& keys = fc.application_keys();
    const uint8_t user_canceled[] = {1, static_cast<uint8_t>(AlertDescription::user_canceled)};
    for (size_t i = 0; i < Limits{}.max_warning_alerts; ++i)
        ASSERT_TRUE(fc.server.feed(keys.seal(ContentType::alert, user_canceled))) << i;
    EXPECT_TRUE(failed_with(fc, fc.server.feed(keys.seal(ContentType::alert, user_canceled)),
                            AlertDescription::unexpected_message, "too many warning alerts"));
}

// RFC 8446 6: any other alert is fatal in TLS 1.3, whatever level it says.
TEST(Limits13, AWarningLevelAlertOtherThanUserCanceledIsFatal) {
    ForgedClient13 fc(client13());
    ASSERT_TRUE(establish(fc));
    const uint8_t warning[] = {1, static_cast<uint8_t>(AlertDescription::unrecognized_name)};
    const Status status = fc.server.feed(fc.application_keys().seal(ContentType::alert, warning));
    ASSERT_FALSE(status);
    EXPECT_EQ(fc.server.error()->kind, ErrorKind::received_alert);
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::unrecognized_name);
}

// ---- PSK binders and key shares ----

// A resumption ClientHello whose binder is wrong: decrypt_error, before and after a
// HelloRetryRequest.
TEST(Binders13, BadBinderIsDecryptError) {
    for (bool retry : {false, true}) {
        SCOPED_TRACE(retry ? "after HelloRetryRequest" : "first ClientHello");
        auto client = client13();
        auto cache = std::make_shared<ServerSessionCache>();
        auto tweak = [&](ServerConfig& s) {
            s.max_version = ProtocolVersion::tls13;
            s.session_cache = cache;
            if (retry) s.groups = {NamedGroup::secp256r1};
        };
        auto first = make_pair(client, server_config(ServerKey::rsa2048, tweak));
        ASSERT_TRUE(first.handshake());
        ForgedClient13 fc(client, ServerKey::rsa2048, tweak);
        ASSERT_TRUE(fc.hello.extensions.pre_shared_key);
        Status status;
        if (!retry) {
            fc.hello.extensions.pre_shared_key->binders[0][0] ^= 1;
            status = fc.send_hello();
        } else {
            ASSERT_TRUE(fc.send_hello());
            ASSERT_TRUE(fc.read_server());
            status = fc.send_second_hello({}, [](ClientHello& h) {
                ASSERT_TRUE(h.extensions.pre_shared_key);
                h.extensions.pre_shared_key->binders[0][0] ^= 1;
            });
        }
        ASSERT_FALSE(status);
        ASSERT_TRUE(fc.server.error());
        EXPECT_EQ(fc.server.error()->alert, AlertDescription::decrypt_error);
        EXPECT_NE(fc.server.error()->message().find("binder"), std::string::npos)
            << fc.server.error()->message();
    }
}

// The second ClientHello's key share is not for the group the HelloRetryRequest asked for.
TEST(KeyShares13, SecondClientHelloWithAShareForAnotherGroupIsIllegalParameter) {
    ForgedClient13 fc(client13(), ServerKey::rsa2048,
                      [](ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; });
    const auto first_shares = fc.hello.extensions.key_shares;
    ASSERT_TRUE(fc.send_hello());
    ASSERT_TRUE(fc.read_server());
    auto status = fc.send_second_hello(
        {}, [&](ClientHello& h) { h.extensions.key_shares = first_shares; });  // X25519 again
    ASSERT_FALSE(status);
    ASSERT_TRUE(fc.server.error());
    EXPECT_EQ(fc.server.error()->alert, AlertDescription::illegal_parameter);
    EXPECT_NE(fc.server.error()->message().find("secp256r1"), std::string::npos)
        << fc.server.error()->message();
}

// The ServerHello's key share is for a group the client sent no share for.
TEST(KeyShares13, ServerShareForAGroupNotOfferedIsIllegalParameter) {
    auto client = Connection::client(client13(), "localhost");
    auto server = Connection::server(server_config(
        ServerKey::rsa2048, [](ServerConfig& s) { s.max_version = ProtocolVersion::tls13; }));
    transfer(client, server);
    const auto messages = split_handshake_messages(split_records(server.take_output()));
    auto hello = ServerHello::parse(ByteView(messages.at(0)).subspan(4));
    ASSERT_TRUE(hello);
    hello->extensions.key_share->group = NamedGroup::secp384r1;
    auto status = client.feed(handshake_record(encode_handshake(*hello)));
    ASSERT_FALSE(status);
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->alert, AlertDescription::illegal_parameter);
    EXPECT_NE(client.error()->message().find("secp384r1"), std::string::npos)
        << client.error()->message();
}

}  // namespace
