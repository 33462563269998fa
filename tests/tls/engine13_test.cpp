// TLS 1.3 between our client and server engines in memory: every suite, HelloRetryRequest,
// version negotiation with TLS 1.2-only peers and the downgrade sentinel, the key log, KeyUpdate,
// client certificates, and ChangeCipherSpec / alert rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/suites.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>
#include "support/engine_pair.h"
#include "support/pki.h"

using namespace tls12;
using namespace tls12_test;

namespace {

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> out(n);
    for (auto& b : out) b = static_cast<uint8_t>(rng());
    return out;
}

std::string why(const Pair& pair) {
    return std::string("client: ") + (pair.client.error() ? pair.client.error()->message() : "-") +
           " / server: " + (pair.server.error() ? pair.server.error()->message() : "-");
}

void tls13(CommonConfig& c) {
    c.max_version = ProtocolVersion::tls13;
}

std::shared_ptr<const ClientConfig> client13(const std::function<void(ClientConfig&)>& tweak = {}) {
    return client_config([&](ClientConfig& c) {
        tls13(c);
        if (tweak) tweak(c);
    });
}

std::shared_ptr<const ServerConfig> server13(ServerKey key = ServerKey::rsa2048,
                                             const std::function<void(ServerConfig&)>& tweak = {}) {
    return server_config(key, [&](ServerConfig& s) {
        tls13(s);
        if (tweak) tweak(s);
    });
}

class EverySuite13 : public testing::TestWithParam<CipherSuite> {};

TEST_P(EverySuite13, HandshakeThenDataEachWay) {
    const CipherSuite suite = GetParam();
    auto pair =
        make_pair(client13([&](ClientConfig& c) { c.tls13_cipher_suites = {suite}; }), server13());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    for (auto* c : {&pair.client, &pair.server}) {
        EXPECT_EQ(c->negotiated().version, ProtocolVersion::tls13);
        EXPECT_EQ(c->negotiated().cipher_suite, suite);
        EXPECT_EQ(c->negotiated().group, NamedGroup::x25519);
        EXPECT_EQ(c->negotiated().signature_scheme, SignatureScheme::rsa_pss_rsae_sha256);
    }
    EXPECT_FALSE(pair.client.negotiated().peer_certificates.empty());
    const auto up = pattern(256 * 1024, 1), down = pattern(256 * 1024, 2);
    EXPECT_EQ(pair.round_trip(pair.client, pair.server, up), up);
    EXPECT_EQ(pair.round_trip(pair.server, pair.client, down), down);
}

INSTANTIATE_TEST_SUITE_P(Tls13, EverySuite13,
                         testing::Values(CipherSuite::TLS_AES_128_GCM_SHA256,
                                         CipherSuite::TLS_AES_256_GCM_SHA384,
                                         CipherSuite::TLS_CHACHA20_POLY1305_SHA256),
                         [](const auto& param_info) {
                             return std::string(find_suite(param_info.param)->openssl_name);
                         });

TEST(Engine13, EcdsaCertificatesSignWithTheirCurve) {
    for (auto [key, scheme] :
         {std::pair{ServerKey::ecdsa_p256, SignatureScheme::ecdsa_secp256r1_sha256},
          std::pair{ServerKey::ecdsa_p384, SignatureScheme::ecdsa_secp384r1_sha384}}) {
        auto pair = make_pair(client13(), server13(key));
        ASSERT_TRUE(pair.handshake()) << why(pair);
        EXPECT_EQ(pair.client.negotiated().signature_scheme, scheme);
    }
}

TEST(Engine13, DataSentBeforeTheHandshakeCompletesArrives) {
    auto pair = make_pair(client13(), server13());
    const std::vector<uint8_t> early{1, 2, 3};
    ASSERT_TRUE(pair.client.send(early));
    ASSERT_TRUE(pair.handshake()) << why(pair);
    std::vector<uint8_t> got(16);
    got.resize(pair.server.receive(got));
    EXPECT_EQ(got, early);
}

// ---- version negotiation ----

// TLS 1.3 is on by default in both roles (max_version), and TLS 1.2 (min_version) is still
// negotiated with a peer limited to it.
TEST(Engine13, DefaultConfigsNegotiateTls13AndStillTls12WithATls12OnlyPeer) {
    EXPECT_EQ(ClientConfig{}.max_version, ProtocolVersion::tls13);
    EXPECT_EQ(ClientConfig{}.min_version, ProtocolVersion::tls12);
    EXPECT_EQ(ServerConfig{}.max_version, ProtocolVersion::tls13);
    EXPECT_EQ(ServerConfig{}.min_version, ProtocolVersion::tls12);
    struct Case {
        std::shared_ptr<const ClientConfig> client;
        std::shared_ptr<const ServerConfig> server;
        ProtocolVersion expected;
    };
    for (const auto& [client, server, expected] :
         {Case{client_config(), server_config(), ProtocolVersion::tls13},
          Case{client_config(), server_config12(), ProtocolVersion::tls12},
          Case{client_config12(), server_config(), ProtocolVersion::tls12}}) {
        SCOPED_TRACE(to_string(expected));
        auto pair = make_pair(client, server);
        ASSERT_TRUE(pair.handshake()) << why(pair);
        EXPECT_EQ(pair.client.negotiated().version, expected);
        EXPECT_EQ(pair.server.negotiated().version, expected);
    }
}

TEST(Engine13, Tls13ClientAndTls12ServerAgreeOnTls12) {
    auto pair = make_pair(client13(), server_config12());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    EXPECT_EQ(pair.client.negotiated().version, ProtocolVersion::tls12);
    EXPECT_EQ(pair.server.negotiated().version, ProtocolVersion::tls12);
    EXPECT_TRUE(pair.client.negotiated().extended_master_secret);
}

TEST(Engine13, Tls12ClientAndTls13ServerAgreeOnTls12) {
    auto pair = make_pair(client_config12(), server13());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    EXPECT_EQ(pair.client.negotiated().version, ProtocolVersion::tls12);
    EXPECT_EQ(pair.server.negotiated().version, ProtocolVersion::tls12);
}

TEST(Engine13, Tls13OnlyClientRefusesTls12Server) {
    auto pair = make_pair(client13([](ClientConfig& c) { c.min_version = ProtocolVersion::tls13; }),
                          server_config12());
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::protocol_version);
}

TEST(Engine13, Tls13OnlyServerRefusesTls12Client) {
    auto pair = make_pair(client_config12(), server13(ServerKey::rsa2048, [](ServerConfig& s) {
                              s.min_version = ProtocolVersion::tls13;
                          }));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::protocol_version);
}

TEST(Engine13, Tls13OnlyPeersNeedNoTls12Suites) {
    auto pair = make_pair(client13([](ClientConfig& c) {
                              c.min_version = ProtocolVersion::tls13;
                              c.cipher_suites.clear();
                          }),
                          server13());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    EXPECT_EQ(pair.client.negotiated().version, ProtocolVersion::tls13);
}

TEST(Engine13, ConfigRefusesMinAboveMax) {
    auto client = Connection::client(
        client_config12([](ClientConfig& c) { c.min_version = ProtocolVersion::tls13; }),
        "localhost");
    ASSERT_TRUE(client.error());
    EXPECT_NE(client.error()->message().find("min_version"), std::string::npos);
}

// The first message a server sends to a client with this config.
ServerHello first_server_hello(std::shared_ptr<const ClientConfig> client_cfg,
                               std::shared_ptr<const ServerConfig> server_cfg) {
    auto client = Connection::client(std::move(client_cfg), "localhost");
    auto server = Connection::server(std::move(server_cfg));
    transfer(client, server);
    const auto messages = split_handshake_messages(split_records(server.take_output()));
    EXPECT_FALSE(messages.empty());
    auto hello = ServerHello::parse(ByteView(messages.at(0)).subspan(4));
    EXPECT_TRUE(hello);
    return *hello;
}

// A TLS 1.3 server that negotiates TLS 1.2 marks its random (RFC 8446 4.1.3); a TLS 1.2-only
// server does not.
TEST(Engine13, Tls13ServerMarksItsRandomWhenNegotiatingTls12) {
    EXPECT_EQ(first_server_hello(client_config12(), server13()).downgrade_sentinel(),
              ProtocolVersion::tls12);
    EXPECT_EQ(first_server_hello(client13(), server_config12()).downgrade_sentinel(), std::nullopt);
    EXPECT_EQ(first_server_hello(client_config12(), server_config12()).downgrade_sentinel(),
              std::nullopt);
    EXPECT_EQ(first_server_hello(client13(), server13()).downgrade_sentinel(), std::nullopt);
}

// A client that offered TLS 1.3 refuses a TLS 1.2 ServerHello with the sentinel: what it sees
// when an attacker strips supported_versions from its ClientHello on the way to a TLS 1.3 server.
TEST(Engine13, ClientRefusesDowngradeSentinel) {
    auto client = Connection::client(client13(), "localhost");
    // The attacker's view: a TLS 1.3 server receiving a ClientHello without supported_versions.
    auto stripped_hello = [&] {
        auto records = split_records(client.take_output());
        auto messages = split_handshake_messages(records);
        auto hello = ClientHello::parse(ByteView(messages[0]).subspan(4));
        EXPECT_TRUE(hello);
        hello->extensions.supported_versions.reset();
        hello->extensions.key_shares.reset();
        hello->extensions.psk_key_exchange_modes.reset();
        std::vector<uint8_t> encoded;
        Writer w(encoded);
        write_message(w, *hello);
        return handshake_record(encoded);
    }();
    auto server = Connection::server(server13());
    ASSERT_TRUE(server.feed(stripped_hello));
    auto flight = server.take_output();
    (void)client.feed(flight);
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->alert, AlertDescription::illegal_parameter);
    EXPECT_NE(client.error()->message().find("downgrade"), std::string::npos);
}

// ---- HelloRetryRequest ----

TEST(Engine13, HelloRetryRequestForAnotherGroup) {
    for (auto group : {NamedGroup::secp256r1, NamedGroup::secp384r1}) {
        auto pair = make_pair(
            client13(), server13(ServerKey::rsa2048, [&](ServerConfig& s) { s.groups = {group}; }));
        ASSERT_TRUE(pair.handshake()) << why(pair);
        EXPECT_EQ(pair.client.negotiated().group, group);
        EXPECT_EQ(pair.server.negotiated().group, group);
        const std::vector<uint8_t> data{4, 5, 6};
        EXPECT_EQ(pair.round_trip(pair.client, pair.server, data), data);
    }
}

TEST(Engine13, HelloRetryRequestCarriesACookieTheClientEchoes) {
    auto client = Connection::client(client13(), "localhost");
    auto server = Connection::server(
        server13(ServerKey::rsa2048, [](ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }));
    transfer(client, server);
    auto messages = split_handshake_messages(split_records(server.take_output()));
    ASSERT_FALSE(messages.empty());
    auto retry = ServerHello::parse(ByteView(messages[0]).subspan(4));
    ASSERT_TRUE(retry);
    ASSERT_TRUE(retry->is_hello_retry_request());
    ASSERT_TRUE(retry->extensions.cookie);
    EXPECT_EQ(retry->extensions.key_share_group, NamedGroup::secp256r1);
    // Replay the HelloRetryRequest to the client and look at its second ClientHello.
    (void)client.feed(handshake_record(messages[0]));
    auto records = split_records(client.take_output());
    ASSERT_GE(records.size(), 2u);
    EXPECT_EQ(records[0].type, 20);  // the dummy ChangeCipherSpec comes first (RFC 8446 D.4)
    auto second = split_handshake_messages({records.begin() + 1, records.end()});
    ASSERT_FALSE(second.empty());
    auto hello = ClientHello::parse(ByteView(second[0]).subspan(4));
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->extensions.cookie, retry->extensions.cookie);
    ASSERT_TRUE(hello->extensions.key_shares);
    ASSERT_EQ(hello->extensions.key_shares->size(), 1u);
    EXPECT_EQ(hello->extensions.key_shares->front().group, NamedGroup::secp256r1);
}

TEST(Engine13, NoGroupInCommonFails) {
    auto pair = make_pair(
        client13([](ClientConfig& c) { c.groups = {NamedGroup::x25519}; }),
        server13(ServerKey::rsa2048, [](ServerConfig& s) { s.groups = {NamedGroup::secp384r1}; }));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::handshake_failure);
}

// ---- key log ----

TEST(Engine13, KeyLogHasTheFiveTls13Secrets) {
    std::vector<std::string> client_lines, server_lines;
    auto pair =
        make_pair(client13([&](ClientConfig& c) {
                      c.key_log = [&](const std::string& line) { client_lines.push_back(line); };
                  }),
                  server13(ServerKey::rsa2048, [&](ServerConfig& s) {
                      s.key_log = [&](const std::string& line) { server_lines.push_back(line); };
                  }));
    ASSERT_TRUE(pair.handshake()) << why(pair);
    ASSERT_EQ(client_lines.size(), 5u);
    EXPECT_EQ(client_lines, server_lines);
    const char* labels[] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0",
                            "EXPORTER_SECRET"};
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(client_lines[i].rfind(std::string(labels[i]) + " ", 0), 0u) << client_lines[i];
        // label, 64 hex digits of client random, 64 hex digits of a SHA-256 secret
        EXPECT_EQ(client_lines[i].size(), std::string(labels[i]).size() + 1 + 64 + 1 + 64);
    }
}

// ---- KeyUpdate ----

TEST(Engine13, KeyUpdateEachWayKeepsDataFlowing) {
    auto pair = make_pair(client13(), server13());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    const auto a = pattern(40000, 3), b = pattern(40000, 4);
    for (int round = 0; round < 3; ++round) {
        ASSERT_TRUE(pair.client.update_keys(round == 1));
        EXPECT_EQ(pair.round_trip(pair.client, pair.server, a), a) << why(pair);
        ASSERT_TRUE(pair.server.update_keys(round == 2));
        EXPECT_EQ(pair.round_trip(pair.server, pair.client, b), b) << why(pair);
    }
    EXPECT_FALSE(pair.client.failed());
    EXPECT_FALSE(pair.server.failed());
}

TEST(Engine13, KeyUpdateOnlyOnEstablishedTls13) {
    auto pair = make_pair(client_config12(), server_config12());
    EXPECT_FALSE(pair.client.update_keys());  // handshake not done
    ASSERT_TRUE(pair.handshake());
    auto status = pair.client.update_keys();  // TLS 1.2
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().kind, ErrorKind::local);
    EXPECT_FALSE(pair.client.failed());
}

TEST(Engine13, PeerKeyUpdatesAreCapped) {
    auto pair = make_pair(client13(), server13(ServerKey::rsa2048, [](ServerConfig& s) {
                              s.limits.max_key_updates = 3;
                          }));
    ASSERT_TRUE(pair.handshake()) << why(pair);
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(pair.client.update_keys(true));
        transfer(pair.client, pair.server);
        transfer(pair.server, pair.client);
    }
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::unexpected_message);
}

// ---- client certificates ----

std::shared_ptr<const CertificateVerifier> test_ca_verifier() {
    static const auto verifier =
        make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert));
    return verifier;
}

TEST(Engine13, ClientCertificateRequiredAndPresented) {
    for (bool ecdsa : {false, true}) {
        auto client = client13([&](ClientConfig& c) {
            c.certificate = ecdsa ? CertifiedKey::from_pem_files(test_pki().client_ec256_chain,
                                                                 test_pki().client_ec256_key)
                                  : CertifiedKey::from_pem_files(test_pki().client_chain,
                                                                 test_pki().client_key);
        });
        auto pair = make_pair(client, server13(ServerKey::rsa2048, [](ServerConfig& s) {
                                  s.client_auth = ClientAuth::require;
                                  s.client_verifier = test_ca_verifier();
                              }));
        ASSERT_TRUE(pair.handshake()) << why(pair);
        EXPECT_EQ(pair.server.negotiated().peer_certificates.size(), 2u);
        const std::vector<uint8_t> data{7, 8};
        EXPECT_EQ(pair.round_trip(pair.client, pair.server, data), data);
    }
}

TEST(Engine13, ClientCertificateMissing) {
    for (auto mode : {ClientAuth::request, ClientAuth::require}) {
        auto pair = make_pair(client13(), server13(ServerKey::rsa2048, [&](ServerConfig& s) {
                                  s.client_auth = mode;
                                  s.client_verifier = test_ca_verifier();
                              }));
        if (mode == ClientAuth::request) {
            ASSERT_TRUE(pair.handshake()) << why(pair);
            EXPECT_TRUE(pair.server.negotiated().peer_certificates.empty());
        } else {
            EXPECT_FALSE(pair.handshake());
            ASSERT_TRUE(pair.server.error());
            EXPECT_EQ(pair.server.error()->alert, AlertDescription::certificate_required);
        }
    }
}

// ---- ChangeCipherSpec and alerts ----

// RFC 8446 5: the client's alert about the server's flight goes out under its handshake keys, so
// the server reads the reason (not a plaintext record it must refuse).
TEST(Engine13, ServerReadsTheAlertOfAClientThatRefusesItsCertificate) {
    auto server_cfg = server13(ServerKey::rsa2048, [](ServerConfig& s) {
        s.certificates = {
            CertifiedKey::from_pem_files(test_pki().self_signed_cert, test_pki().self_signed_key)};
    });
    auto pair = make_pair(client13(), server_cfg);
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.client.error());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->kind, ErrorKind::received_alert) << why(pair);
    EXPECT_EQ(pair.server.error()->alert, pair.client.error()->alert) << why(pair);
}

// A client that could not use our ServerHello has no keys: until a record of its opens under its
// handshake keys, its alert may come in the clear (as OpenSSL's server allows); after that, not.
TEST(Engine13, PlaintextAlertOnlyBeforeTheClientsFirstProtectedRecord) {
    const std::vector<uint8_t> plaintext_alert{21, 3, 3, 0, 2, 2, 40};  // fatal handshake_failure
    {
        auto client = Connection::client(client13(), "localhost");
        auto server = Connection::server(server13());
        transfer(client, server);
        ASSERT_FALSE(server.feed(plaintext_alert));
        ASSERT_TRUE(server.error());
        EXPECT_EQ(server.error()->kind, ErrorKind::received_alert) << server.error()->message();
        EXPECT_EQ(server.error()->alert, AlertDescription::handshake_failure);
    }
    {
        auto pair = make_pair(client13(), server13());
        ASSERT_TRUE(pair.handshake()) << why(pair);
        ASSERT_FALSE(pair.server.feed(plaintext_alert));
        ASSERT_TRUE(pair.server.error());
        EXPECT_EQ(pair.server.error()->alert, AlertDescription::unexpected_message);
        EXPECT_NE(pair.server.error()->message().find("unprotected alert"), std::string::npos)
            << pair.server.error()->message();
    }
}

TEST(Engine13, ChangeCipherSpecAfterTheHandshakeIsRefused) {
    auto pair = make_pair(client13(), server13());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    const std::vector<uint8_t> ccs{20, 3, 3, 0, 1, 1};
    (void)pair.server.feed(ccs);
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::unexpected_message);
}

TEST(Engine13, CloseNotifyIsAHalfClose) {
    auto pair = make_pair(client13(), server13());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    pair.client.close();
    transfer(pair.client, pair.server);
    EXPECT_TRUE(pair.server.peer_closed());
    EXPECT_FALSE(pair.server.local_closed());  // not answered at once: the server may still send
    const std::vector<uint8_t> data{9, 9, 9};
    ASSERT_TRUE(pair.server.send(data));
    transfer(pair.server, pair.client);
    std::vector<uint8_t> got(16);
    got.resize(pair.client.receive(got));
    EXPECT_EQ(got, data);
    pair.server.close();
    transfer(pair.server, pair.client);
    EXPECT_TRUE(pair.client.peer_closed());
    EXPECT_FALSE(pair.client.failed());
}

// ---- resumption ----

// The ClientHello a client with this config sends first (one record).
std::vector<uint8_t> first_flight(Connection& client) {
    return client.take_output();
}

TEST(Engine13, ResumesWithATicket) {
    for (auto groups : {std::vector<NamedGroup>{NamedGroup::x25519},
                        std::vector<NamedGroup>{NamedGroup::secp256r1}}) {  // the second via HRR
        auto client = client13();
        auto server = server13(ServerKey::rsa2048, [&](ServerConfig& s) { s.groups = groups; });
        auto first = make_pair(client, server);
        ASSERT_TRUE(first.handshake()) << why(first);
        EXPECT_FALSE(first.client.negotiated().resumed);
        auto second = make_pair(client, server);
        ASSERT_TRUE(second.handshake()) << why(second);
        for (auto* c : {&second.client, &second.server}) {
            EXPECT_TRUE(c->negotiated().resumed);
            EXPECT_EQ(c->negotiated().version, ProtocolVersion::tls13);
        }
        EXPECT_EQ(second.client.negotiated().peer_certificates,
                  first.client.negotiated().peer_certificates);
        const std::vector<uint8_t> data{1, 2, 3, 4};
        EXPECT_EQ(second.round_trip(second.client, second.server, data), data);
        // The resumed connection got a new ticket: a third resumes too.
        auto third = make_pair(client, server);
        ASSERT_TRUE(third.handshake()) << why(third);
        EXPECT_TRUE(third.server.negotiated().resumed);
    }
}

TEST(Engine13, TicketsAreSingleUse) {
    auto client_cfg = client13();
    auto server_cfg = server13();
    auto first = make_pair(client_cfg, server_cfg);
    ASSERT_TRUE(first.handshake()) << why(first);
    auto client = Connection::client(client_cfg, "localhost");
    const auto hello = first_flight(client);
    auto once = Connection::server(server_cfg);
    ASSERT_TRUE(once.feed(hello));
    auto again = Connection::server(server_cfg);  // the same ClientHello replayed
    ASSERT_TRUE(again.feed(hello));
    // The first server resumed (its flight has no Certificate: it is short); the replay did not.
    (void)client.feed(once.take_output());
    transfer(client, once);
    EXPECT_TRUE(once.is_handshake_complete()) << (once.error() ? once.error()->message() : "");
    EXPECT_TRUE(once.negotiated().resumed);
    EXPECT_FALSE(again.negotiated().resumed);
}

// With tls13_tickets_in_ticket_keys, tickets are sealed under the ticket keys: a second server
// sharing only the keys (no session cache in common) resumes them, more than once, and a server
// with other keys does not.
TEST(Engine13, TicketsSealedUnderSharedTicketKeysResumeOnAnotherServer) {
    auto keys = std::make_shared<TicketKeys>();
    auto sealing = [&](std::shared_ptr<TicketKeys> ticket_keys) {
        return server13(ServerKey::rsa2048, [&](ServerConfig& s) {
            s.tls13_tickets_in_ticket_keys = true;
            s.ticket_keys = ticket_keys;
            s.session_cache = std::make_shared<ServerSessionCache>();
        });
    };
    auto client_cfg = client13();
    auto a = sealing(keys);
    auto b = sealing(keys);
    auto first = make_pair(client_cfg, a);
    ASSERT_TRUE(first.handshake()) << why(first);
    EXPECT_EQ(a->session_cache->size(), 0u) << "a sealed ticket is not kept on the server";

    auto client = Connection::client(client_cfg, "localhost");
    const auto hello = first_flight(client);
    for (int replay = 0; replay < 2; ++replay) {  // not single-use: it resumes until it expires
        auto server = Connection::server(b);
        ASSERT_TRUE(server.feed(hello));
        EXPECT_TRUE(server.negotiated().resumed) << "replay " << replay;
    }
    auto stranger = Connection::server(sealing(std::make_shared<TicketKeys>()));
    ASSERT_TRUE(stranger.feed(hello));
    EXPECT_FALSE(stranger.negotiated().resumed);

    // Whole connections: a fresh ticket from A (the client used the first one above) resumes at
    // B, and the ticket B sends then resumes at A.
    auto again_at_a = make_pair(client_cfg, a);
    ASSERT_TRUE(again_at_a.handshake()) << why(again_at_a);
    auto at_b = make_pair(client_cfg, b);
    ASSERT_TRUE(at_b.handshake()) << why(at_b);
    EXPECT_TRUE(at_b.client.negotiated().resumed);
    const std::vector<uint8_t> data{5, 6, 7};
    EXPECT_EQ(at_b.round_trip(at_b.client, at_b.server, data), data);
    auto back_at_a = make_pair(client_cfg, a);
    ASSERT_TRUE(back_at_a.handshake()) << why(back_at_a);
    EXPECT_TRUE(back_at_a.server.negotiated().resumed);
}

// A TLS 1.3 ticket's secret is a PSK: offered to a TLS 1.2 server as an RFC 5077 ticket, it is
// never taken for a master secret (a full handshake follows).
TEST(Engine13, ASealedTls13TicketDoesNotResumeTls12) {
    const auto now = std::chrono::system_clock::now();
    // As if forged: a TLS 1.2 suite and the extended master secret, so the version alone must
    // refuse it.
    auto forged = [&] {
        auto session = std::make_shared<Session>();
        session->version = ProtocolVersion::tls13;
        session->suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384;
        session->master_secret = crypto::SecretBytes(Bytes(48, 0x42));
        session->extended_master_secret = true;
        session->server_name = "localhost";
        session->created = now;
        session->lifetime = std::chrono::hours(1);
        session->ticket_age_add = 0x01020304;
        return session;
    };
    auto keys = std::make_shared<TicketKeys>();
    const Bytes ticket = keys->seal(*forged(), now);
    ASSERT_FALSE(ticket.empty());
    auto opened = keys->open(ticket, now);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->version, ProtocolVersion::tls13);
    EXPECT_EQ(opened->ticket_age_add, 0x01020304u);
    EXPECT_EQ(opened->master_secret.size(), 48u);

    auto client_cfg = client_config([&](ClientConfig& c) {
        auto cached = forged();
        cached->version = ProtocolVersion::tls12;  // the client believes it is a 1.2 ticket
        cached->ticket = ticket;
        c.max_version = ProtocolVersion::tls12;
        c.session_cache->store("localhost", std::move(cached));
    });
    auto server_cfg = server_config(ServerKey::rsa2048, [&](ServerConfig& s) {
        s.ticket_keys = keys;
        s.max_version = ProtocolVersion::tls12;
    });
    auto pair = make_pair(client_cfg, server_cfg);
    ASSERT_TRUE(pair.handshake()) << why(pair);
    EXPECT_FALSE(pair.server.negotiated().resumed);
}

TEST(Engine13, BadBinderIsDecryptError) {
    auto client_cfg = client13();
    auto server_cfg = server13();
    auto first = make_pair(client_cfg, server_cfg);
    ASSERT_TRUE(first.handshake()) << why(first);
    auto client = Connection::client(client_cfg, "localhost");
    auto hello = first_flight(client);
    hello.back() ^= 1;  // the binder is the last byte of the ClientHello
    auto server = Connection::server(server_cfg);
    EXPECT_FALSE(server.feed(hello));
    ASSERT_TRUE(server.error());
    EXPECT_EQ(server.error()->alert, AlertDescription::decrypt_error);
}

TEST(Engine13, NoTicketWithoutASessionCache) {
    auto client_cfg = client13();
    auto server_cfg =
        server13(ServerKey::rsa2048, [](ServerConfig& s) { s.session_cache = nullptr; });
    auto first = make_pair(client_cfg, server_cfg);
    ASSERT_TRUE(first.handshake()) << why(first);
    auto second = make_pair(client_cfg, server_cfg);
    ASSERT_TRUE(second.handshake()) << why(second);
    EXPECT_FALSE(second.client.negotiated().resumed);
}

TEST(Engine13, KeysAreUpdatedBeforeTheRecordLimit) {
    // The client's keys seal at most 4 records: 20 records of data need 4 updates.
    auto client = client13([](ClientConfig& c) { c.limits.records_per_key = 4; });
    auto pair = make_pair(client, server13());
    ASSERT_TRUE(pair.handshake()) << why(pair);
    const auto data = pattern(20 * 16384, 5);
    EXPECT_EQ(pair.round_trip(pair.client, pair.server, data), data) << why(pair);
    for (int i = 0; i < 10; ++i) {
        const std::vector<uint8_t> small{static_cast<uint8_t>(i)};
        EXPECT_EQ(pair.round_trip(pair.client, pair.server, small), small) << why(pair);
    }
    // The same updates are refused by a server that takes only 2: they were sent.
    auto capped = make_pair(client, server13(ServerKey::rsa2048, [](ServerConfig& s) {
                                s.limits.max_key_updates = 2;
                            }));
    ASSERT_TRUE(capped.handshake()) << why(capped);
    (void)capped.round_trip(capped.client, capped.server, data);
    ASSERT_TRUE(capped.server.error());
    EXPECT_NE(capped.server.error()->message().find("KeyUpdate"), std::string::npos);
}

// RFC 8446 5.1: the bytes after ServerHello were read before the handshake keys existed.
TEST(Engine13, HandshakeMessageMayNotFollowAKeyChangeInTheSameRecord) {
    auto client = Connection::client(client13(), "localhost");
    auto server = Connection::server(server13());
    transfer(client, server);
    auto records = split_records(server.take_output());
    ASSERT_FALSE(records.empty());
    ASSERT_EQ(records[0].type, 22);  // ServerHello, in the clear
    const std::vector<uint8_t> encrypted_extensions{8, 0, 0, 2, 0, 0};
    records[0].payload.insert(records[0].payload.end(), encrypted_extensions.begin(),
                              encrypted_extensions.end());
    (void)client.feed(records[0].encode());
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->alert, AlertDescription::unexpected_message);
    EXPECT_NE(client.error()->message().find("changed the keys"), std::string::npos)
        << client.error()->message();
}

TEST(Engine13, OnlyOneChangeCipherSpecDuringTheHandshake) {
    auto client = Connection::client(client13(), "localhost");
    auto server = Connection::server(server13());
    transfer(client, server);
    auto records = split_records(server.take_output());
    ASSERT_GE(records.size(), 2u);
    ASSERT_EQ(records[1].type, 20);  // the server's compatibility ChangeCipherSpec
    std::vector<uint8_t> stream = records[0].encode();
    for (int i = 0; i < 2; ++i) {
        const auto ccs = records[1].encode();
        stream.insert(stream.end(), ccs.begin(), ccs.end());
    }
    (void)client.feed(stream);
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->alert, AlertDescription::unexpected_message);
}

// ---- what each side refuses in the other's hello ----

std::vector<uint8_t> encode_message(const auto& message) {
    std::vector<uint8_t> encoded;
    Writer w(encoded);
    write_message(w, message);
    return handshake_record(encoded);
}

// The client's answer to the server's ServerHello changed by mutate.
Error client_refusal(const std::function<void(ServerHello&)>& mutate,
                     std::shared_ptr<const ServerConfig> server_cfg = server13()) {
    auto client = Connection::client(client13(), "localhost");
    auto server = Connection::server(std::move(server_cfg));
    transfer(client, server);
    const auto messages = split_handshake_messages(split_records(server.take_output()));
    auto hello = ServerHello::parse(ByteView(messages.at(0)).subspan(4));
    EXPECT_TRUE(hello);
    mutate(*hello);
    (void)client.feed(encode_message(*hello));
    EXPECT_TRUE(client.error());
    return client.error() ? *client.error() : Error{};
}

TEST(Engine13, ClientRefusesBadServerHellos) {
    EXPECT_EQ(client_refusal([](ServerHello& h) {
                  h.extensions.supported_versions = {ProtocolVersion::tls12};
              }).alert,
              AlertDescription::illegal_parameter);
    EXPECT_EQ(client_refusal([](ServerHello& h) {
                  h.cipher_suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
              }).alert,
              AlertDescription::illegal_parameter);
    EXPECT_EQ(client_refusal([](ServerHello& h) {
                  h.extensions.key_share->group = NamedGroup::secp256r1;
              }).alert,
              AlertDescription::illegal_parameter);
    EXPECT_EQ(client_refusal([](ServerHello& h) { h.session_id.back() ^= 1; }).alert,
              AlertDescription::illegal_parameter);
    EXPECT_EQ(client_refusal([](ServerHello& h) { h.extensions.key_share.reset(); }).alert,
              AlertDescription::missing_extension);
    EXPECT_EQ(client_refusal([](ServerHello& h) { h.extensions.selected_psk = 0; }).alert,
              AlertDescription::unsupported_extension);
    // A HelloRetryRequest that asks for the group the client already sent a share for.
    EXPECT_EQ(
        client_refusal([](ServerHello& h) { h.extensions.key_share_group = NamedGroup::x25519; },
                       server13(ServerKey::rsa2048,
                                [](ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }))
            .alert,
        AlertDescription::illegal_parameter);
}

TEST(Engine13, ClientRefusesASecondHelloRetryRequest) {
    auto client = Connection::client(client13(), "localhost");
    auto server = Connection::server(
        server13(ServerKey::rsa2048, [](ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }));
    transfer(client, server);
    const auto retry = split_handshake_messages(split_records(server.take_output())).at(0);
    ASSERT_TRUE(client.feed(handshake_record(retry)));
    (void)client.feed(handshake_record(retry));
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->alert, AlertDescription::unexpected_message);
}

// The server's answer to the client's ClientHello changed by mutate.
Error server_refusal(const std::function<void(ClientHello&)>& mutate) {
    auto client = Connection::client(client13(), "localhost");
    const auto messages = split_handshake_messages(split_records(client.take_output()));
    auto hello = ClientHello::parse(ByteView(messages.at(0)).subspan(4));
    EXPECT_TRUE(hello);
    mutate(*hello);
    auto server = Connection::server(server13());
    (void)server.feed(encode_message(*hello));
    EXPECT_TRUE(server.error());
    return server.error() ? *server.error() : Error{};
}

TEST(Engine13, ServerRefusesBadClientHellos) {
    EXPECT_EQ(
        server_refusal([](ClientHello& h) { h.extensions.signature_algorithms.reset(); }).alert,
        AlertDescription::missing_extension);
    EXPECT_EQ(server_refusal([](ClientHello& h) { h.extensions.key_shares.reset(); }).alert,
              AlertDescription::missing_extension);
    EXPECT_EQ(server_refusal([](ClientHello& h) {
                  h.extensions.supported_groups = {NamedGroup::secp256r1};
              }).alert,
              AlertDescription::illegal_parameter);  // a share for a group it does not list
    EXPECT_EQ(server_refusal([](ClientHello& h) {
                  h.compression_methods = {0, 1};
              }).alert,
              AlertDescription::illegal_parameter);
    EXPECT_EQ(server_refusal([](ClientHello& h) {
                  h.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
                  h.extensions.supported_versions = {ProtocolVersion::tls13};
              }).alert,
              AlertDescription::handshake_failure);
    EXPECT_EQ(
        server_refusal([](ClientHello& h) {
            h.extensions.psk_key_exchange_modes.reset();
            h.extensions.pre_shared_key = OfferedPsks{{PskIdentity{{1, 2, 3}, 0}}, {Bytes(32, 0)}};
        }).alert,
        AlertDescription::missing_extension);
}

TEST(Engine13, ServerRefusesASecondClientHelloWithoutItsCookie) {
    auto client = Connection::client(client13(), "localhost");
    auto server = Connection::server(
        server13(ServerKey::rsa2048, [](ServerConfig& s) { s.groups = {NamedGroup::secp256r1}; }));
    transfer(client, server);
    (void)client.feed(server.take_output());
    auto records = split_records(client.take_output());
    ASSERT_GE(records.size(), 2u);
    auto second = split_handshake_messages({records.begin() + 1, records.end()}).at(0);
    auto hello = ClientHello::parse(ByteView(second).subspan(4));
    ASSERT_TRUE(hello);
    hello->extensions.cookie->back() ^= 1;
    (void)server.feed(encode_message(*hello));
    ASSERT_TRUE(server.error());
    EXPECT_EQ(server.error()->alert, AlertDescription::illegal_parameter);
    EXPECT_NE(server.error()->message().find("cookie"), std::string::npos);
}

}  // namespace
