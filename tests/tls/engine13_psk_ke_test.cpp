// RFC 8446 4.2.9 psk_key_exchange_modes: resumption uses psk_dhe_ke unless ClientConfig /
// ServerConfig::allow_psk_ke is set. Then a client offers psk_ke too, and a server takes it only
// when the client offers no psk_dhe_ke (no key_share in its ServerHello, the handshake secret
// from zeros, RFC 8446 7.1); both sides refuse psk_ke when it is not allowed.
#include <gtest/gtest.h>

#include <tls12/tls/handshake/handshake13.h>
#include <tls12/tls/handshake/key_schedule13.h>
#include "support/engine_pair.h"
#include "support/forge13.h"

using namespace tls12;
using namespace tls12_test;

namespace {

std::shared_ptr<const ClientConfig> client13(bool allow_psk_ke, KeyLog13* log = nullptr) {
    return client_config([&](ClientConfig& c) {
        c.max_version = ProtocolVersion::tls13;
        c.allow_psk_ke = allow_psk_ke;
        if (log) c.key_log = log->callback();
    });
}

std::shared_ptr<const ServerConfig> server13(bool allow_psk_ke,
                                             std::shared_ptr<ServerSessionCache> cache) {
    return server_config(ServerKey::rsa2048, [&](ServerConfig& s) {
        s.max_version = ProtocolVersion::tls13;
        s.allow_psk_ke = allow_psk_ke;
        s.session_cache = std::move(cache);
    });
}

std::string why(const Connection& c) {
    return c.error() ? c.error()->message() : "-";
}

ClientHello hello_of(const std::vector<uint8_t>& record_bytes) {
    const auto messages = split_handshake_messages(split_records(record_bytes));
    auto hello = ClientHello::parse(ByteView(messages.at(0)).subspan(4));
    EXPECT_TRUE(hello);
    return *hello;
}

// The client's ticket for "localhost" after a first full handshake with a server on cache.
std::shared_ptr<const Session> ticket_after_first_handshake(
    const std::shared_ptr<const ClientConfig>& client, std::shared_ptr<ServerSessionCache> cache,
    bool server_allows) {
    auto first = make_pair(client, server13(server_allows, std::move(cache)));
    EXPECT_TRUE(first.handshake()) << why(first.client) << " / " << why(first.server);
    return client->session_cache->find("localhost", std::chrono::system_clock::now());
}

// RFC 8446 4.2.11.2: the binder of the one PSK, recomputed after the ClientHello changed.
void rebind(ClientHello& hello, const Session& session) {
    const auto hash = find_suite(session.suite)->prf_hash;
    const auto encoded = encode_handshake(hello);
    Transcript partial;
    partial.add(
        ByteView(encoded).first(encoded.size() - hello.extensions.pre_shared_key->binders_size()));
    const KeySchedule13 early(hash, session.master_secret.view());
    hello.extensions.pre_shared_key->binders.at(0) =
        finished_verify_data(hash, early.binder_key(true).view(), partial.hash(hash));
}

TEST(PskKe13, ClientOffersPskKeOnlyWhenAllowed) {
    for (bool allow : {false, true}) {
        auto client = Connection::client(client13(allow), "localhost");
        const auto hello = hello_of(client.take_output());
        ASSERT_TRUE(hello.extensions.psk_key_exchange_modes);
        const std::vector<uint8_t> expected =
            allow ? std::vector<uint8_t>{kPskDheKe, kPskKe} : std::vector<uint8_t>{kPskDheKe};
        EXPECT_EQ(*hello.extensions.psk_key_exchange_modes, expected);
    }
}

// Both allowed, both offered: the server prefers psk_dhe_ke (a fresh key share).
TEST(PskKe13, ServerPrefersPskDheKeWhenBothAreOffered) {
    auto cache = std::make_shared<ServerSessionCache>();
    auto client = client13(true);
    ASSERT_TRUE(ticket_after_first_handshake(client, cache, true));
    auto second = make_pair(client, server13(true, cache));
    ASSERT_TRUE(second.handshake()) << why(second.client) << " / " << why(second.server);
    for (auto* side : {&second.client, &second.server}) {
        EXPECT_TRUE(side->negotiated().resumed);
        EXPECT_EQ(side->negotiated().group, NamedGroup::x25519);
    }
}

// A client offering psk_ke alone (played by hand: our client always offers psk_dhe_ke too).
TEST(PskKe13, ServerResumesWithPskKeWhenAllowedAndOfferedAlone) {
    for (bool allow : {true, false}) {
        auto cache = std::make_shared<ServerSessionCache>();
        auto client = client13(true);
        auto session = ticket_after_first_handshake(client, cache, allow);
        ASSERT_TRUE(session);
        ForgedClient13 fc(client, ServerKey::rsa2048, [&](ServerConfig& s) {
            s.allow_psk_ke = allow;
            s.session_cache = cache;
        });
        ASSERT_TRUE(fc.hello.extensions.pre_shared_key);
        fc.hello.extensions.psk_key_exchange_modes = std::vector<uint8_t>{kPskKe};
        rebind(fc.hello, *session);
        ASSERT_TRUE(fc.send_hello()) << why(fc.server);
        EXPECT_FALSE(fc.read_server());
        auto server_hello = ServerHello::parse(ByteView(fc.server_messages.at(0)).subspan(4));
        ASSERT_TRUE(server_hello);
        ASSERT_TRUE(fc.complete()) << why(fc.server);
        if (allow) {
            EXPECT_FALSE(server_hello->extensions.key_share);  // RFC 8446 4.2.9
            EXPECT_EQ(server_hello->extensions.selected_psk, std::optional<uint16_t>(0));
            EXPECT_TRUE(fc.server.negotiated().resumed);
            EXPECT_FALSE(fc.server.negotiated().group);
        } else {
            // Not allowed: the PSK is ignored and a full handshake with a key share follows.
            EXPECT_TRUE(server_hello->extensions.key_share);
            EXPECT_FALSE(server_hello->extensions.selected_psk);
            EXPECT_FALSE(fc.server.negotiated().resumed);
        }
        const std::string text = "data";
        ASSERT_TRUE(fc.server.feed(fc.application_keys().seal(
            ContentType::application_data,
            ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()))));
        std::vector<uint8_t> got(16);
        got.resize(fc.server.receive(got));
        EXPECT_EQ(std::string(got.begin(), got.end()), text);
    }
}

// Our client, resuming: the server's psk_ke ServerHello (no key_share) is taken when allowed,
// with the handshake secret from zeros; refused with missing_extension when not. The server is
// played by hand from the client's key log.
TEST(PskKe13, ClientAcceptsPskKeServerHelloOnlyWhenAllowed) {
    for (bool allow : {true, false}) {
        auto cache = std::make_shared<ServerSessionCache>();
        KeyLog13 log;
        auto config = client13(allow, &log);
        auto session = ticket_after_first_handshake(config, cache, true);
        ASSERT_TRUE(session);
        auto client = Connection::client(config, "localhost");
        const auto hello_bytes = client.take_output();
        const auto hello_message = split_handshake_messages(split_records(hello_bytes)).at(0);
        const auto hello = hello_of(hello_bytes);
        ASSERT_TRUE(hello.extensions.pre_shared_key);
        ServerHello reply;
        reply.random.fill(7);
        reply.session_id = hello.session_id;
        reply.cipher_suite = CipherSuite::TLS_AES_128_GCM_SHA256;
        reply.extensions.supported_versions = std::vector<ProtocolVersion>{ProtocolVersion::tls13};
        reply.extensions.selected_psk = 0;
        const auto reply_message = encode_handshake(reply);
        auto status = client.feed(handshake_record(reply_message));
        if (!allow) {
            ASSERT_FALSE(status);
            ASSERT_TRUE(client.error());
            EXPECT_EQ(client.error()->alert, AlertDescription::missing_extension);
            EXPECT_NE(why(client).find("psk_ke"), std::string::npos) << why(client);
            continue;
        }
        ASSERT_TRUE(status) << why(client);
        const auto* suite = find_suite(reply.cipher_suite);
        Transcript transcript;
        transcript.add(hello_message);
        transcript.add(reply_message);
        const auto encrypted_extensions = encode_handshake(EncryptedExtensions{});
        transcript.add(encrypted_extensions);
        const auto server_secret = log.secret("SERVER_HANDSHAKE_TRAFFIC_SECRET");
        {
            // RFC 8446 7.1: with psk_ke the (EC)DHE input is Hash.length zeros.
            KeySchedule13 expected(suite->prf_hash, session->master_secret.view());
            expected.add_shared_secret(Bytes(crypto::digest_size(suite->prf_hash), 0));
            Transcript hellos;
            hellos.add(hello_message);
            hellos.add(reply_message);
            const auto secret =
                expected.server_handshake_traffic_secret(hellos.hash(suite->prf_hash));
            EXPECT_EQ(Bytes(secret.view().begin(), secret.view().end()), server_secret);
        }
        const auto finished = encode_handshake(Finished13{finished_verify_data(
            suite->prf_hash, server_secret, transcript.hash(suite->prf_hash))});
        std::vector<uint8_t> flight = encrypted_extensions;
        flight.insert(flight.end(), finished.begin(), finished.end());
        Direction13 server_handshake(*suite, server_secret, true);
        ASSERT_TRUE(client.feed(server_handshake.seal(ContentType::handshake, flight)))
            << why(client);
        EXPECT_TRUE(client.is_handshake_complete());
        EXPECT_TRUE(client.negotiated().resumed);
        EXPECT_FALSE(client.negotiated().group);
    }
}

}  // namespace
