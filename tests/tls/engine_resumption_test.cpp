// TLS 1.2 session resumption in memory (configs pinned to TLS 1.2; TLS 1.3's PSK resumption is in
// engine13_test.cpp): by session ID, by RFC 5077 ticket, and every reason not to resume.
#include <gtest/gtest.h>

#include <atomic>

#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>
#include "support/engine_pair.h"
#include "support/pki.h"

using namespace tls12;
using namespace tls12_test;
using namespace std::chrono_literals;

namespace {

constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;

struct Resumption : testing::Test {
    std::shared_ptr<ClientSessionCache> client_cache = std::make_shared<ClientSessionCache>();
    std::shared_ptr<std::atomic<int64_t>> skew = std::make_shared<std::atomic<int64_t>>(0);
    // For servers that must share their session cache and ticket keys across configs.
    std::shared_ptr<ServerSessionCache> server_cache = std::make_shared<ServerSessionCache>();
    std::shared_ptr<TicketKeys> ticket_keys = std::make_shared<TicketKeys>();

    Clock clock() const {
        return [s = skew] { return std::chrono::system_clock::now() + std::chrono::seconds(*s); };
    }
    std::shared_ptr<const ClientConfig> client(bool tickets = true,
                                               std::vector<CipherSuite> suites = {}) {
        return client_config12([&](ClientConfig& c) {
            c.session_cache = client_cache;
            c.session_tickets = tickets;
            c.clock = clock();
            if (!suites.empty()) c.cipher_suites = suites;
        });
    }
    std::shared_ptr<const ServerConfig> server(bool cache = true, bool tickets = true) {
        return server_config12(ServerKey::rsa2048, [&](ServerConfig& s) {
            if (!cache) s.session_cache = nullptr;
            if (!tickets) s.ticket_keys = nullptr;
            s.clock = clock();
        });
    }
    // A server with the shared session cache and ticket keys.
    std::shared_ptr<const ServerConfig> shared_server(
        const std::function<void(ServerConfig&)>& tweak = {}) {
        return server_config12(ServerKey::rsa2048, [&](ServerConfig& s) {
            s.session_cache = server_cache;
            s.ticket_keys = ticket_keys;
            s.clock = clock();
            if (tweak) tweak(s);
        });
    }
    // A man in the middle between a client() and a shared_server().
    Mitm::Options mitm(bool tickets) {
        Mitm::Options o;
        o.client = [this, tickets](ClientConfig& c) {
            c.session_cache = client_cache;
            c.session_tickets = tickets;
            c.clock = clock();
        };
        o.server = [this](ServerConfig& s) {
            s.session_cache = server_cache;
            s.ticket_keys = ticket_keys;
            s.clock = clock();
        };
        return o;
    }
    // One connection; returns whether both sides say it was resumed.
    bool connect(const std::shared_ptr<const ClientConfig>& c,
                 const std::shared_ptr<const ServerConfig>& s,
                 const std::string& name = "localhost") {
        auto pair = make_pair(c, s, name);
        EXPECT_TRUE(pair.handshake())
            << (pair.client.error() ? pair.client.error()->message() : "")
            << (pair.server.error() ? pair.server.error()->message() : "");
        EXPECT_EQ(pair.client.negotiated().resumed, pair.server.negotiated().resumed);
        const std::vector<uint8_t> data{'p', 'i', 'n', 'g'};
        EXPECT_EQ(pair.round_trip(pair.client, pair.server, data), data);
        EXPECT_FALSE(pair.client.negotiated().peer_certificates.empty());
        return pair.client.negotiated().resumed;
    }
};

TEST_F(Resumption, BySessionId) {
    auto c = client(/*tickets=*/false);
    auto s = server();
    EXPECT_FALSE(connect(c, s));
    EXPECT_EQ(s->session_cache->size(), 1u);
    EXPECT_TRUE(connect(c, s));
    EXPECT_TRUE(connect(c, s));
}

TEST_F(Resumption, ByTicket) {
    auto c = client();
    auto s = server(/*cache=*/false);
    EXPECT_FALSE(connect(c, s));
    EXPECT_TRUE(connect(c, s));
    EXPECT_TRUE(connect(c, s));  // the renewed ticket works too
}

TEST_F(Resumption, TicketRejectedFallsBackToFullHandshake) {
    auto c = client();
    auto s = server(/*cache=*/false);
    EXPECT_FALSE(connect(c, s));
    auto other_server = server(/*cache=*/false);  // different ticket keys
    EXPECT_FALSE(connect(c, other_server));
    EXPECT_TRUE(connect(c, other_server));
}

TEST_F(Resumption, TicketKeyRotationKeepsThePreviousKey) {
    auto c = client();
    auto s = server(/*cache=*/false);
    EXPECT_FALSE(connect(c, s));
    s->ticket_keys->rotate(std::chrono::system_clock::now());
    EXPECT_TRUE(connect(c, s));  // sealed under the previous key: still accepted, and renewed
    s->ticket_keys->rotate(std::chrono::system_clock::now());
    s->ticket_keys->rotate(std::chrono::system_clock::now());
    EXPECT_FALSE(connect(c, s));  // two rotations later the key is gone
}

TEST_F(Resumption, NothingToResumeWithBothOff) {
    auto c = client();
    auto s = server(false, false);
    EXPECT_FALSE(connect(c, s));
    EXPECT_FALSE(connect(c, s));
}

TEST_F(Resumption, ExpiredSessionsAreNotResumed) {
    auto c = client(false);
    auto s = server();
    EXPECT_FALSE(connect(c, s));
    *skew = 3 * 3600;  // past the two-hour lifetime
    EXPECT_FALSE(connect(c, s));
}

TEST_F(Resumption, NeverWithADifferentSuite) {
    auto s = server();
    EXPECT_FALSE(connect(client(true, {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}), s));
    EXPECT_FALSE(connect(client(true, {CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}), s));
}

TEST_F(Resumption, NeverForADifferentServerName) {
    auto c = client();
    auto s = server();
    EXPECT_FALSE(connect(c, s, "localhost"));
    // Make the client offer the localhost session for another name under the same cache key.
    auto session = client_cache->find("localhost", std::chrono::system_clock::now());
    ASSERT_TRUE(session);
    auto forged = std::make_shared<Session>();
    forged->id = session->id;
    forged->ticket = session->ticket;
    forged->suite = session->suite;
    forged->master_secret = session->master_secret.clone();
    forged->extended_master_secret = true;
    forged->server_name = "127.0.0.1";
    forged->created = session->created;
    forged->lifetime = session->lifetime;
    client_cache->store("127.0.0.1", forged);
    EXPECT_FALSE(connect(c, s, "127.0.0.1"));
}

TEST(SessionCaches, ServerCacheIsBounded) {
    ServerSessionCache cache(2);
    for (uint8_t i = 0; i < 5; ++i) {
        auto session = std::make_shared<Session>();
        session->id = Bytes(32, i);
        session->created = std::chrono::system_clock::now();
        session->lifetime = 60s;
        cache.store(session);
    }
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_FALSE(cache.find(Bytes(32, 0), std::chrono::system_clock::now()));
    EXPECT_TRUE(cache.find(Bytes(32, 4), std::chrono::system_clock::now()));
}

TEST(SessionCaches, TicketsAreAuthenticated) {
    TicketKeys keys;
    Session session;
    session.suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    session.master_secret = tls12::crypto::SecretBytes(Bytes(48, 7));
    session.extended_master_secret = true;
    session.server_name = "example.com";
    session.created = std::chrono::system_clock::now();
    session.lifetime = 60s;
    auto ticket = keys.seal(session, session.created);
    auto opened = keys.open(ticket, session.created);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->server_name, "example.com");
    EXPECT_TRUE(tls12::crypto::constant_time_equal(opened->master_secret.view(),
                                                   session.master_secret.view()));
    for (size_t i = 0; i < ticket.size(); i += 7) {
        auto tampered = ticket;
        tampered[i] ^= 1;
        EXPECT_FALSE(keys.open(tampered, session.created)) << i;
    }
    EXPECT_FALSE(keys.open(ticket, session.created + 61s));
}

// ---- lifetimes (a renewed ticket is the same session) ------------------------------------------

// Renewing a ticket must not restart the session's lifetime: otherwise one master secret could be
// resumed forever by reconnecting before each renewed ticket expires.
TEST_F(Resumption, RenewedTicketKeepsTheSessionsCreationTime) {
    auto c = client();
    auto s = server(/*cache=*/false);
    EXPECT_FALSE(connect(c, s));
    const auto first = client_cache->find("localhost", clock()());
    ASSERT_TRUE(first);
    const TimePoint created = first->created;
    *skew = 90 * 60;  // 1.5 h into the 2 h lifetime
    EXPECT_TRUE(connect(c, s));
    const auto renewed = client_cache->find("localhost", clock()());
    ASSERT_TRUE(renewed);
    ASSERT_NE(renewed->ticket, first->ticket);
    EXPECT_EQ(renewed->created, created);
    EXPECT_LE(renewed->created + renewed->lifetime, created + 2h);
    // The server's view: the renewed ticket dies with the session, 2 h after the full handshake.
    EXPECT_TRUE(s->ticket_keys->open(renewed->ticket, created + 115min));
    EXPECT_FALSE(s->ticket_keys->open(renewed->ticket, created + 125min));
}

// RFC 5077 3.3: the lifetime hint counts from when the ticket is received, so a renewed ticket's
// hint is what is left of the session.
TEST_F(Resumption, RenewedTicketHintIsTheRestOfTheLifetime) {
    EXPECT_FALSE(connect(client(), shared_server()));
    *skew = 90 * 60;
    Mitm m(mitm(/*tickets=*/true));
    m.pull(m.client);
    ASSERT_TRUE(m.deliver(m.server));
    m.pull(m.server);  // ServerHello, NewSessionTicket, ChangeCipherSpec, Finished
    ASSERT_TRUE(m.server.negotiated().resumed);
    std::optional<NewSessionTicket> ticket;
    for (const auto& record : m.to_client)
        if (record.type == kHandshake && !record.payload.empty() &&
            record.payload[0] == static_cast<uint8_t>(HandshakeType::new_session_ticket)) {
            auto parsed = NewSessionTicket::parse(ByteView(record.payload).subspan(4));
            ASSERT_TRUE(parsed);
            ticket = std::move(parsed).value();
        }
    ASSERT_TRUE(ticket);
    EXPECT_GT(ticket->lifetime_hint, 25u * 60);
    EXPECT_LE(ticket->lifetime_hint, 30u * 60);
}

TicketKeys one_hour_keys() {
    return TicketKeys(tls12::crypto::system_random(), 1h);
}

Session day_long_session(TimePoint created) {
    Session session;
    session.suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    session.master_secret = tls12::crypto::SecretBytes(Bytes(48, 7));
    session.extended_master_secret = true;
    session.created = created;
    session.lifetime = 24h;
    return session;
}

// A key seals for one interval and opens for one more. An idle server (nothing sealed meanwhile)
// must not keep accepting an old key just because it rotates only when a ticket comes in.
TEST(SessionCaches, TicketKeysOlderThanTwoIntervalsAreDroppedEvenWhenIdle) {
    const TimePoint t0 = std::chrono::system_clock::now();
    {
        TicketKeys keys = one_hour_keys();
        const auto ticket = keys.seal(day_long_session(t0), t0);
        EXPECT_TRUE(keys.open(ticket, t0 + 110min));  // the previous key: still good
    }
    {
        TicketKeys keys = one_hour_keys();
        const auto ticket = keys.seal(day_long_session(t0), t0);
        EXPECT_FALSE(keys.open(ticket, t0 + 5h));  // idle for five intervals: long gone
    }
    {
        TicketKeys keys = one_hour_keys();
        const auto ticket = keys.seal(day_long_session(t0), t0);
        EXPECT_FALSE(keys.open(ticket, t0 + 2h));
    }
}

// ---- RFC 5246 7.2: a fatal alert invalidates the session --------------------------------------

std::string way_name(const testing::TestParamInfo<bool>& param) {
    return param.param ? "ByTicket" : "BySessionId";
}

// Parameter: resumption by ticket (true) or by session ID (false).
struct SessionInvalidation : Resumption, testing::WithParamInterface<bool> {
    bool tickets() const { return GetParam(); }
};

const uint8_t kFatalInternalError[] = {2, static_cast<uint8_t>(AlertDescription::internal_error)};

TEST_P(SessionInvalidation, FatalAlertFromTheServerDropsTheClientSession) {
    Mitm m(mitm(tickets()));
    const auto seq = drive_to(m, Stage::client_established);
    ASSERT_EQ(client_cache->size(), 1u);
    EXPECT_FALSE(m.inject(m.client, *seq, kAlert, kFatalInternalError));
    EXPECT_EQ(client_cache->size(), 0u);
    EXPECT_FALSE(connect(client(tickets()), shared_server()));
}

TEST_P(SessionInvalidation, FatalAlertFromTheClientDropsTheServerSession) {
    Mitm m(mitm(tickets()));
    const auto seq = drive_to(m, Stage::server_established);
    ASSERT_EQ(server_cache->size(), 1u);
    EXPECT_FALSE(m.inject(m.server, *seq, kAlert, kFatalInternalError));
    EXPECT_EQ(server_cache->size(), 0u);
    // The client still offers the session: by ID it is gone (a ticket cannot be revoked).
    if (!tickets()) {
        EXPECT_FALSE(connect(client(tickets()), shared_server()));
    }
}

TEST_P(SessionInvalidation, FatalAlertWeSendAfterTheHandshakeDropsTheSession) {
    Mitm m(mitm(tickets()));
    const auto seq = drive_to(m, Stage::client_established);
    ASSERT_EQ(client_cache->size(), 1u);
    ASSERT_EQ(server_cache->size(), 1u);
    // An authenticated message no state accepts: each side sends a fatal unexpected_message.
    const auto done = frame_handshake(HandshakeType::server_hello_done, {});
    EXPECT_FALSE(m.inject(m.client, *seq, kHandshake, done));
    EXPECT_EQ(m.client.error()->alert, AlertDescription::unexpected_message);
    EXPECT_EQ(client_cache->size(), 0u);
    EXPECT_FALSE(m.inject(m.server, *seq, kHandshake, done));
    EXPECT_EQ(m.server.error()->alert, AlertDescription::unexpected_message);
    EXPECT_EQ(server_cache->size(), 0u);
}

// Once records are protected, a record that does not authenticate ends the connection with
// bad_record_mac, and the session goes with it (RFC 5246 7.2 makes no exception).
TEST_P(SessionInvalidation, RecordThatDoesNotAuthenticateDropsTheSession) {
    Mitm m(mitm(tickets()));
    drive_to(m, Stage::server_established);
    ASSERT_EQ(server_cache->size(), 1u);
    const RawRecord junk{kApplicationData, std::vector<uint8_t>(40, 0x5a)};
    const auto status = m.server.feed(junk.encode());
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().alert, AlertDescription::bad_record_mac);
    EXPECT_EQ(server_cache->size(), 0u);
}

// An abbreviated handshake whose protected part fails: the session it resumed is dropped, on the
// side that saw the failure and, through the alert, on the other.
TEST_P(SessionInvalidation, ResumedHandshakeFailingAfterChangeCipherSpecDropsTheSession) {
    EXPECT_FALSE(connect(client(tickets()), shared_server()));
    ASSERT_EQ(client_cache->size(), 1u);
    {
        // The server's Finished, altered on the way: the client fails with bad_record_mac.
        Mitm m(mitm(tickets()));
        m.pull(m.client);
        ASSERT_TRUE(m.deliver(m.server));
        m.pull(m.server);
        ASSERT_TRUE(m.server.negotiated().resumed);
        m.to_client.back().payload.back() ^= 1;
        const auto status = m.deliver(m.client);
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().alert, AlertDescription::bad_record_mac);
        EXPECT_EQ(client_cache->size(), 0u);
    }
    EXPECT_FALSE(connect(client(tickets()), shared_server()));
    {
        // The client's Finished altered: the server fails, and its alert reaches the client.
        const size_t cached = server_cache->size();
        Mitm m(mitm(tickets()));
        m.pull(m.client);
        ASSERT_TRUE(m.deliver(m.server));
        m.pull(m.server);
        ASSERT_TRUE(m.deliver(m.client));
        m.pull(m.client);  // ChangeCipherSpec, Finished
        ASSERT_TRUE(m.client.is_handshake_complete());
        m.to_server.back().payload.back() ^= 1;
        const auto status = m.deliver(m.server);
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().alert, AlertDescription::bad_record_mac);
        // By session ID the server drops it; a ticket it cannot revoke.
        EXPECT_EQ(server_cache->size(), tickets() ? cached : cached - 1);
        m.pull(m.server);
        EXPECT_FALSE(m.deliver(m.client));
        EXPECT_EQ(client_cache->size(), 0u);
    }
    EXPECT_FALSE(connect(client(tickets()), shared_server()));
}

// Before the peer's records are authenticated anyone on the path can inject an alert or junk: that
// ends the connection, but must not cost the session (or every later connection would pay for a
// full handshake).
TEST_P(SessionInvalidation, PlaintextErrorsBeforeProtectionKeepTheSession) {
    EXPECT_FALSE(connect(client(tickets()), shared_server()));
    const size_t client_cached = client_cache->size(), server_cached = server_cache->size();
    ASSERT_EQ(client_cached, 1u);
    const uint8_t junk[] = {1, 2, 3};
    const auto unexpected_message = frame_handshake(HandshakeType::server_hello_done, {});
    {
        // The client, waiting for the ServerHello, gets a plaintext fatal alert.
        Mitm m(mitm(tickets()));
        m.pull(m.client);
        EXPECT_FALSE(m.inject(m.client, std::nullopt, kAlert, kFatalInternalError));
    }
    {
        // The client resumed (ServerHello accepted the session) and waits for the server's
        // ChangeCipherSpec; the server has sent its Finished and waits for the client's.
        Mitm m(mitm(tickets()));
        m.pull(m.client);
        ASSERT_TRUE(m.deliver(m.server));
        m.pull(m.server);
        ASSERT_TRUE(m.server.negotiated().resumed);
        ASSERT_TRUE(m.deliver(m.client, Mitm::records_before_ccs(m.to_client)));
        EXPECT_FALSE(m.inject(m.client, std::nullopt, kHandshake, unexpected_message));
        EXPECT_FALSE(m.inject(m.server, std::nullopt, kAlert, kFatalInternalError));
    }
    {
        // Plaintext junk where the peer's ChangeCipherSpec belongs.
        Mitm m(mitm(tickets()));
        m.pull(m.client);
        ASSERT_TRUE(m.deliver(m.server));
        m.pull(m.server);
        ASSERT_TRUE(m.deliver(m.client, Mitm::records_before_ccs(m.to_client)));
        EXPECT_FALSE(m.inject(m.client, std::nullopt, kChangeCipherSpec, junk));
        EXPECT_FALSE(m.inject(m.server, std::nullopt, kChangeCipherSpec, junk));
    }
    EXPECT_EQ(client_cache->size(), client_cached);
    EXPECT_EQ(server_cache->size(), server_cached);
    EXPECT_TRUE(connect(client(tickets()), shared_server()));
}

INSTANTIATE_TEST_SUITE_P(Resumption, SessionInvalidation, testing::Bool(), way_name);

// ---- what is issued, and client certificates ----------------------------------------------------

// RFC 7627 5.3: a session without the extended master secret is never resumed, so the server
// hands out neither a session ID nor a ticket for it.
TEST_F(Resumption, NothingIsIssuedToAClientWithoutExtendedMasterSecret) {
    auto pair = make_pair(client(), server());
    auto messages = split_handshake_messages(split_records(pair.client.take_output()));
    ASSERT_EQ(messages.size(), 1u);
    auto hello = ClientHello::parse(ByteView(messages[0]).subspan(4));
    ASSERT_TRUE(hello);
    ASSERT_TRUE(hello->extensions.session_ticket);
    hello->extensions.extended_master_secret = false;
    ASSERT_TRUE(pair.server.feed(
        handshake_record(frame_handshake(HandshakeType::client_hello, hello->serialize()))));
    auto reply = split_handshake_messages(split_records(pair.server.take_output()));
    ASSERT_FALSE(reply.empty());
    auto server_hello = ServerHello::parse(ByteView(reply[0]).subspan(4));
    ASSERT_TRUE(server_hello);
    EXPECT_FALSE(server_hello->extensions.extended_master_secret);
    EXPECT_TRUE(server_hello->session_id.empty());
    EXPECT_FALSE(server_hello->extensions.session_ticket);

    // And with the extension, both are there.
    auto normal = make_pair(client(), server());
    ASSERT_TRUE(normal.server.feed(normal.client.take_output()));
    reply = split_handshake_messages(split_records(normal.server.take_output()));
    server_hello = ServerHello::parse(ByteView(reply.at(0)).subspan(4));
    ASSERT_TRUE(server_hello);
    EXPECT_EQ(server_hello->session_id.size(), 32u);
    EXPECT_TRUE(server_hello->extensions.session_ticket);
}

std::shared_ptr<const CertificateVerifier> test_ca_verifier() {
    static const auto verifier =
        make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert));
    return verifier;
}

CertifiedKey client_certificate() {
    return CertifiedKey::from_pem_files(test_pki().client_chain, test_pki().client_key);
}

struct ClientAuthResumption : Resumption, testing::WithParamInterface<bool> {
    bool tickets() const { return GetParam(); }
    std::shared_ptr<const ClientConfig> client_with_certificate() {
        return client_config12([&](ClientConfig& c) {
            c.session_cache = client_cache;
            c.session_tickets = tickets();
            c.clock = clock();
            c.certificate = client_certificate();
        });
    }
    std::shared_ptr<const ServerConfig> mtls_server(
        ClientAuth mode, std::shared_ptr<const CertificateVerifier> verifier = test_ca_verifier()) {
        return shared_server([&](ServerConfig& s) {
            s.client_auth = mode;
            s.client_verifier = verifier;
            // One way to resume at a time.
            if (tickets())
                s.session_cache = nullptr;
            else
                s.ticket_keys = nullptr;
        });
    }
    // One connection: the server's view of it (nullopt when the handshake failed).
    std::optional<NegotiatedParameters> connect_seen_by_server(
        const std::shared_ptr<const ClientConfig>& c,
        const std::shared_ptr<const ServerConfig>& s) {
        auto pair = make_pair(c, s);
        if (!pair.handshake()) return std::nullopt;
        EXPECT_EQ(pair.client.negotiated().resumed, pair.server.negotiated().resumed);
        return pair.server.negotiated();
    }
};

// Asking for a certificate no longer turns resumption off for clients that have none.
TEST_P(ClientAuthResumption, RequestModeClientWithoutCertificateResumes) {
    auto s = mtls_server(ClientAuth::request);
    EXPECT_FALSE(connect(client(tickets()), s));
    EXPECT_TRUE(connect(client(tickets()), s));
    EXPECT_TRUE(connect(client(tickets()), s));
}

// A session with a client certificate carries it: the resumed connection reports the same
// identity as the full handshake did.
TEST_P(ClientAuthResumption, ClientCertificateSessionResumesWithTheSameIdentity) {
    for (auto mode : {ClientAuth::require, ClientAuth::request}) {
        SCOPED_TRACE(mode == ClientAuth::require ? "require" : "request");
        client_cache = std::make_shared<ClientSessionCache>();
        auto c = client_with_certificate();
        auto s = mtls_server(mode);
        const auto full = connect_seen_by_server(c, s);
        ASSERT_TRUE(full);
        EXPECT_FALSE(full->resumed);
        ASSERT_EQ(full->peer_certificates.size(), 2u);
        for (int i = 0; i < 2; ++i) {
            const auto resumed = connect_seen_by_server(c, s);
            ASSERT_TRUE(resumed);
            EXPECT_TRUE(resumed->resumed);
            EXPECT_EQ(resumed->peer_certificates, full->peer_certificates);
        }
    }
}

// A session's client identity is resumed only where a full handshake would accept it now.
TEST_P(ClientAuthResumption, ClientCertificateSessionIsNotResumedWhereItIsNotAccepted) {
    auto c = client_with_certificate();
    ASSERT_TRUE(connect_seen_by_server(c, mtls_server(ClientAuth::require)));
    // A server that no longer asks for certificates: a full handshake, without the identity.
    const auto unauthenticated = connect_seen_by_server(c, mtls_server(ClientAuth::none));
    ASSERT_TRUE(unauthenticated);
    EXPECT_FALSE(unauthenticated->resumed);
    EXPECT_TRUE(unauthenticated->peer_certificates.empty());

    // A server whose verifier no longer trusts the certificate: no resumption (and the full
    // handshake then refuses the certificate).
    client_cache = std::make_shared<ClientSessionCache>();
    c = client_with_certificate();
    ASSERT_TRUE(connect_seen_by_server(c, mtls_server(ClientAuth::require)));
    const auto other_ca =
        make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().self_signed_cert));
    auto pair = make_pair(c, mtls_server(ClientAuth::require, other_ca));
    EXPECT_FALSE(pair.handshake());
    EXPECT_FALSE(pair.server.negotiated().resumed);
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::unknown_ca);
}

// A session without a certificate never stands in for one where certificates are required.
TEST_P(ClientAuthResumption, SessionWithoutCertificateIsNotResumedWhereOneIsRequired) {
    auto c = client(tickets());
    EXPECT_FALSE(connect(c, mtls_server(ClientAuth::request)));
    auto pair = make_pair(c, mtls_server(ClientAuth::require));
    EXPECT_FALSE(pair.handshake());
    EXPECT_FALSE(pair.server.negotiated().resumed);
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::handshake_failure);
}

INSTANTIATE_TEST_SUITE_P(Resumption, ClientAuthResumption, testing::Bool(), way_name);

TEST(SessionCaches, TicketsCarryTheClientCertificateChain) {
    TicketKeys keys;
    const TimePoint now = std::chrono::system_clock::now();
    Session session = day_long_session(now);
    session.peer_certificates = {Bytes(1200, 1), Bytes(1100, 2)};
    const auto ticket = keys.seal(session, now);
    ASSERT_FALSE(ticket.empty());
    const auto opened = keys.open(ticket, now);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->peer_certificates, session.peer_certificates);

    // A chain too long for a ticket: no ticket rather than an oversized one.
    session.peer_certificates = {Bytes(5000, 1), Bytes(5000, 2)};
    EXPECT_TRUE(keys.seal(session, now).empty());
}

}  // namespace
