// Configurations are checked when a Connection is created: a value the protocol cannot carry (an
// ALPN name of 300 bytes, an empty suite list, a server name that is not a DNS name ...) fails the
// connection at once with internal_error and a reason naming the field, before any handshake
// message is sent. And a message that cannot be encoded anyway fails the connection the same way:
// its bytes are never sent.
#include <gtest/gtest.h>

#include <tls12/tls/msgs/msgs.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr uint8_t kAlert = 21;

// Only alert records (at most the one fatal alert) left the connection: no handshake message.
testing::AssertionResult sent_nothing_but_an_alert(Connection& c) {
    const auto output = c.take_output();
    for (const auto& record : split_records(output))
        if (record.type != kAlert)
            return testing::AssertionFailure()
                   << "a record of type " << int(record.type) << " was sent";
    return testing::AssertionSuccess();
}

testing::AssertionResult failed_naming(Connection& c, const std::string& field) {
    if (!c.failed()) return testing::AssertionFailure() << "the connection did not fail";
    const Error& e = *c.error();
    if (e.alert != AlertDescription::internal_error)
        return testing::AssertionFailure() << "alert " << to_string(e.alert) << ": " << e.reason;
    if (e.reason.find(field) == std::string::npos)
        return testing::AssertionFailure()
               << "the reason does not name " << field << ": " << e.reason;
    return sent_nothing_but_an_alert(c);
}

struct ClientCase {
    std::string name;
    std::function<void(ClientConfig&)> tweak;
    std::string field;  // what the reason must name
    std::string server_name = "localhost";
};

std::vector<ClientCase> client_cases() {
    using S = SignatureScheme;
    return {
        {"AlpnNameOf300Bytes", [](ClientConfig& c) { c.alpn_protocols = {std::string(300, 'a')}; },
         "alpn_protocols[0]"},
        {"EmptyAlpnName",
         [](ClientConfig& c) {
             c.alpn_protocols = {"h2", ""};
         },
         "alpn_protocols[1]"},
        {"AlpnListLongerThanItsField",
         [](ClientConfig& c) { c.alpn_protocols.assign(300, std::string(255, 'a')); },
         "alpn_protocols"},
        {"NoCipherSuites", [](ClientConfig& c) { c.cipher_suites.clear(); }, "cipher_suites"},
        {"UnknownCipherSuite",
         [](ClientConfig& c) {
             c.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                                CipherSuite{0x1234}};
         },
         "cipher_suites[1]"},
        {"SignallingValueAsCipherSuite",
         [](ClientConfig& c) { c.cipher_suites = {CipherSuite::TLS_FALLBACK_SCSV}; },
         "cipher_suites[0]"},
        {"NoGroups", [](ClientConfig& c) { c.groups.clear(); }, "groups"},
        {"UnknownGroup",
         [](ClientConfig& c) {
             c.groups = {NamedGroup::x25519, NamedGroup::x448};
         },
         "groups[1]"},
        {"NoSignatureSchemes", [](ClientConfig& c) { c.signature_schemes.clear(); },
         "signature_schemes"},
        {"UnimplementedSignatureScheme",
         [](ClientConfig& c) { c.signature_schemes = {S::ed25519}; }, "signature_schemes[0]"},
        {"NoVerifier", [](ClientConfig& c) { c.verifier = nullptr; }, "verifier"},
        {"ClientCertificateWithoutChain",
         [](ClientConfig& c) {
             c.certificate = CertifiedKey{{}, server_private_key(ServerKey::rsa2048)};
         },
         "certificate"},
        {"ClientCertificateWithoutKey",
         [](ClientConfig& c) {
             c.certificate = CertifiedKey{server_chain(ServerKey::rsa2048), nullptr};
         },
         "certificate"},
        {"NoRandom", [](ClientConfig& c) { c.random = nullptr; }, "random"},
        {"NoClock", [](ClientConfig& c) { c.clock = nullptr; }, "clock"},
        {"ServerNameWithAnEscape", {}, "server_name", "evil\x1b[2Jexample.com"},
        {"ServerNameWithAnEmptyLabel", {}, "server_name", "a..example.com"},
        {"ServerNameLongerThan253Bytes", {}, "server_name", std::string(254, 'a')},
        {"ServerNameWithALabelLongerThan63Bytes",
         {},
         "server_name",
         std::string(64, 'a') + ".example.com"},
        {"ServerNameWithASpace", {}, "server_name", "www example.com"},
    };
}

// gtest prints parameters with these (instead of raw bytes).
void PrintTo(const ClientCase& c, std::ostream* os) {
    *os << c.name;
}

class ClientConfigRule : public testing::TestWithParam<ClientCase> {};

TEST_P(ClientConfigRule, FailsTheConnectionNamingTheField) {
    const ClientCase& param = GetParam();
    auto connection = Connection::client(client_config(param.tweak), param.server_name);
    EXPECT_TRUE(failed_naming(connection, param.field));
    const uint8_t some_bytes[] = {22, 3, 3, 0, 1, 0};
    EXPECT_FALSE(connection.feed(some_bytes));
}

INSTANTIATE_TEST_SUITE_P(EngineConfig, ClientConfigRule, testing::ValuesIn(client_cases()),
                         [](const testing::TestParamInfo<ClientCase>& p) { return p.param.name; });

struct ServerCase {
    std::string name;
    std::function<void(ServerConfig&)> tweak;
    std::string field;
};

std::vector<ServerCase> server_cases() {
    return {
        {"NoCertificates", [](ServerConfig& s) { s.certificates.clear(); }, "certificates"},
        {"CertificateWithoutChain",
         [](ServerConfig& s) { s.certificates[0] = CertifiedKey({}, s.certificates[0].key()); },
         "certificates[0]"},
        {"CertificateWithoutKey",
         [](ServerConfig& s) {
             s.certificates[0] = CertifiedKey(s.certificates[0].chain(), nullptr);
         },
         "certificates[0]"},
        {"ChainLongerThanTheCertificateMessageCarries",
         [](ServerConfig& s) {
             auto chain = s.certificates[0].chain();
             chain.push_back(Bytes(0x1000000, 0));
             s.certificates[0] = CertifiedKey(std::move(chain), s.certificates[0].key());
         },
         "certificates[0]"},
        {"ClientAuthWithoutVerifier",
         [](ServerConfig& s) {
             s.client_auth = ClientAuth::request;
             s.client_verifier = nullptr;
         },
         "client_verifier"},
        {"AlpnNameOf256Bytes", [](ServerConfig& s) { s.alpn_protocols = {std::string(256, 'x')}; },
         "alpn_protocols[0]"},
        {"NoCipherSuites", [](ServerConfig& s) { s.cipher_suites.clear(); }, "cipher_suites"},
        {"NoSignatureSchemes", [](ServerConfig& s) { s.signature_schemes.clear(); },
         "signature_schemes"},
    };
}

void PrintTo(const ServerCase& c, std::ostream* os) {
    *os << c.name;
}

class ServerConfigRule : public testing::TestWithParam<ServerCase> {};

TEST_P(ServerConfigRule, FailsTheConnectionNamingTheField) {
    const ServerCase& param = GetParam();
    auto connection = Connection::server(server_config(ServerKey::rsa2048, param.tweak));
    EXPECT_TRUE(failed_naming(connection, param.field));
    // A client's hello gets nothing but the alert.
    auto client = Connection::client(client_config(), "localhost");
    EXPECT_FALSE(connection.feed(client.take_output()));
    EXPECT_TRUE(sent_nothing_but_an_alert(connection));
}

INSTANTIATE_TEST_SUITE_P(EngineConfig, ServerConfigRule, testing::ValuesIn(server_cases()),
                         [](const testing::TestParamInfo<ServerCase>& p) { return p.param.name; });

// What the rules allow still connects: IP literals (sent without SNI), a trailing dot (dropped
// from SNI), ALPN names of 1 and 255 bytes, underscores in host names.
TEST(EngineConfig, EdgesOfTheRulesConnect) {
    for (const std::string name : {"127.0.0.1", "::1", "localhost.", "under_score.localhost"}) {
        SCOPED_TRACE(name);
        auto client = Connection::client(client_config(), name);
        EXPECT_FALSE(client.failed()) << client.error()->message();
        const auto records = split_records(client.take_output());
        ASSERT_EQ(records.size(), 1u);
        const auto hello = ClientHello::parse(ByteView(records[0].payload).subspan(4));
        ASSERT_TRUE(hello.ok());
        const auto& sni = hello.value().extensions.server_name;
        if (name == "127.0.0.1" || name == "::1") {
            EXPECT_FALSE(sni.has_value());
        } else {
            EXPECT_EQ(sni, name.back() == '.' ? name.substr(0, name.size() - 1) : name);
        }
    }
    auto alpn = client_config([](ClientConfig& c) {
        c.alpn_protocols = {"a", std::string(255, 'b')};
    });
    auto pair = make_pair(alpn, server_config());
    EXPECT_TRUE(pair.handshake());
}

// ---- a message that cannot be encoded --------------------------------------------------------

// A cached session whose ticket (65530 bytes, the most a NewSessionTicket within the default
// limits carries) does not fit in the ClientHello's extensions beside the others: the ClientHello
// cannot be encoded, so the connection fails with internal_error and sends no malformed hello.
// The session is dropped from the cache, so the next connection starts afresh.
TEST(EngineConfig, ClientHelloThatCannotBeEncodedFailsTheConnection) {
    auto cache = std::make_shared<ClientSessionCache>();
    auto session = std::make_shared<Session>();
    session->ticket = Bytes(65530, 0x42);
    session->suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    session->master_secret = tls12::crypto::SecretBytes(48);
    session->extended_master_secret = true;
    session->server_name = "localhost";
    session->created = std::chrono::system_clock::now();
    session->lifetime = std::chrono::hours(1);
    cache->store("localhost", session);
    auto config = client_config([&](ClientConfig& c) { c.session_cache = cache; });

    auto connection = Connection::client(config, "localhost");
    ASSERT_TRUE(connection.failed());
    EXPECT_EQ(connection.error()->alert, AlertDescription::internal_error);
    EXPECT_NE(connection.error()->reason.find("client_hello"), std::string::npos)
        << connection.error()->reason;
    EXPECT_TRUE(sent_nothing_but_an_alert(connection));

    EXPECT_EQ(cache->find("localhost", std::chrono::system_clock::now()), nullptr);
    auto again = Connection::client(config, "localhost");
    EXPECT_FALSE(again.failed());
}

}  // namespace
