// Session resumption in memory: by session ID, by RFC 5077 ticket, and every reason not to resume.
#include <gtest/gtest.h>

#include <atomic>

#include "support/engine_pair.h"

using namespace tls;
using namespace tls12_test;
using namespace std::chrono_literals;

namespace {

struct Resumption : testing::Test {
    std::shared_ptr<ClientSessionCache> client_cache = std::make_shared<ClientSessionCache>();
    std::shared_ptr<std::atomic<int64_t>> skew = std::make_shared<std::atomic<int64_t>>(0);

    Clock clock() const {
        return [s = skew] { return std::chrono::system_clock::now() + std::chrono::seconds(*s); };
    }
    std::shared_ptr<const ClientConfig> client(bool tickets = true,
                                               std::vector<CipherSuite> suites = {}) {
        return client_config([&](ClientConfig& c) {
            c.session_cache = client_cache;
            c.session_tickets = tickets;
            c.clock = clock();
            if (!suites.empty()) c.cipher_suites = suites;
        });
    }
    std::shared_ptr<const ServerConfig> server(bool cache = true, bool tickets = true) {
        return server_config(ServerKey::rsa2048, [&](ServerConfig& s) {
            if (!cache) s.session_cache = nullptr;
            if (!tickets) s.ticket_keys = nullptr;
            s.clock = clock();
        });
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

TEST_F(Resumption, ClientCertificateConnectionsAreNotResumed) {
    auto c = client();
    auto s = server_config(ServerKey::rsa2048, [](ServerConfig& sc) {
        sc.client_auth = ClientAuth::request;
        sc.client_verifier = make_insecure_verifier();
    });
    EXPECT_FALSE(connect(c, s));
    EXPECT_FALSE(connect(c, s));
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
    session.master_secret = crypto::SecretBytes(Bytes(48, 7));
    session.extended_master_secret = true;
    session.server_name = "example.com";
    session.created = std::chrono::system_clock::now();
    session.lifetime = 60s;
    auto ticket = keys.seal(session, session.created);
    auto opened = keys.open(ticket, session.created);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->server_name, "example.com");
    EXPECT_TRUE(
        crypto::constant_time_equal(opened->master_secret.view(), session.master_secret.view()));
    for (size_t i = 0; i < ticket.size(); i += 7) {
        auto tampered = ticket;
        tampered[i] ^= 1;
        EXPECT_FALSE(keys.open(tampered, session.created)) << i;
    }
    EXPECT_FALSE(keys.open(ticket, session.created + 61s));
}

}  // namespace
