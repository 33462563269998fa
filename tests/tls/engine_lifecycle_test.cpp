// After the handshake: clean closes, data after close_notify, and refused renegotiation (the
// connection carries on after a warning, until a peer insists too often).
#include <gtest/gtest.h>

#include <tls12/tls/msgs/msgs.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;

std::vector<uint8_t> bytes_of(std::string_view s) {
    return {s.begin(), s.end()};
}

std::vector<uint8_t> read_all(Connection& c) {
    std::vector<uint8_t> out(c.available());
    out.resize(c.receive(out));
    return out;
}

// The last record a side sent, decrypted.
Mitm::Sent last_sent(Mitm& m, Connection& side) {
    const auto sent = m.sent_by(side);
    if (sent.empty()) throw std::runtime_error("nothing sent");
    return sent.back();
}

// ---- close_notify ----------------------------------------------------------------------------

TEST(EngineLifecycle, CloseNotifyIsAnsweredWithCloseNotify) {
    Mitm m;
    ASSERT_TRUE(m.run());
    m.client.close();
    EXPECT_TRUE(m.client.local_closed());
    m.pull(m.client);
    const auto client_alert = last_sent(m, m.client);
    EXPECT_EQ(client_alert.type, kAlert);
    EXPECT_TRUE(client_alert.encrypted);
    EXPECT_EQ(client_alert.plaintext, (std::vector<uint8_t>{1, 0}));

    ASSERT_TRUE(m.deliver(m.server));
    EXPECT_TRUE(m.server.peer_closed());
    EXPECT_FALSE(m.server.failed());
    const auto answer = last_sent(m, m.server);
    EXPECT_EQ(answer.type, kAlert);
    EXPECT_TRUE(answer.opened);
    EXPECT_EQ(answer.plaintext, (std::vector<uint8_t>{1, 0}));
    EXPECT_FALSE(m.server.send(bytes_of("too late")));

    ASSERT_TRUE(m.deliver(m.client));
    EXPECT_TRUE(m.client.peer_closed());
    EXPECT_FALSE(m.client.failed());
    EXPECT_FALSE(m.client.wants_write()) << "close_notify answered twice";
}

TEST(EngineLifecycle, DataThenCloseNotifyInOneFeed) {
    Mitm m;
    ASSERT_TRUE(m.run());
    ASSERT_TRUE(m.client.send(bytes_of("last words")));
    m.client.close();
    const auto bytes = m.client.take_output();
    ASSERT_TRUE(m.server.feed(bytes));
    EXPECT_EQ(read_all(m.server), bytes_of("last words"));
    EXPECT_TRUE(m.server.peer_closed());
    EXPECT_FALSE(m.server.failed());
}

TEST(EngineLifecycle, HalfClosedSideStillReceives) {
    Mitm m;
    ASSERT_TRUE(m.run());
    m.client.close();
    ASSERT_TRUE(m.server.send(bytes_of("in flight")));
    m.pull(m.server);
    ASSERT_TRUE(m.deliver(m.client));
    EXPECT_EQ(read_all(m.client), bytes_of("in flight"));
    EXPECT_FALSE(m.client.send(bytes_of("no")));
}

TEST(EngineLifecycle, DataAfterCloseNotifyIsRefused) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const uint8_t close_notify[] = {1, 0};
    ASSERT_TRUE(m.inject(m.server, 1, kAlert, close_notify));
    ASSERT_TRUE(m.server.peer_closed());
    const auto status = m.inject(m.server, 2, kApplicationData, bytes_of("after the end"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().alert, AlertDescription::unexpected_message);
    EXPECT_EQ(m.server.available(), 0u);
}

TEST(EngineLifecycle, DataAfterCloseNotifyInTheSameFeedIsNotDelivered) {
    Mitm m;
    ASSERT_TRUE(m.run());
    const uint8_t close_notify[] = {1, 0};
    auto bytes = m.seal(true, 1, kAlert, close_notify);
    const auto data = m.seal(true, 2, kApplicationData, bytes_of("after the end"));
    bytes.insert(bytes.end(), data.begin(), data.end());
    (void)m.server.feed(bytes);
    EXPECT_TRUE(m.server.peer_closed());
    EXPECT_EQ(m.server.available(), 0u);
    EXPECT_FALSE(m.server.feed(m.seal(true, 3, kApplicationData, bytes_of("more"))));
}

// ---- renegotiation is refused, politely ------------------------------------------------------

TEST(EngineLifecycle, HelloRequestAfterTheHandshakeIsAnsweredWithNoRenegotiation) {
    Mitm m;
    const auto seq = drive_to(m, Stage::client_established);
    ASSERT_TRUE(
        m.inject(m.client, *seq, kHandshake, frame_handshake(HandshakeType::hello_request, {})));
    EXPECT_FALSE(m.client.failed());
    const auto answer = last_sent(m, m.client);
    EXPECT_EQ(answer.type, kAlert);
    EXPECT_TRUE(answer.opened);
    EXPECT_EQ(answer.plaintext,
              (std::vector<uint8_t>{1, static_cast<uint8_t>(AlertDescription::no_renegotiation)}));

    // The server takes the warning and the connection carries on both ways.
    ASSERT_TRUE(m.deliver(m.server));
    EXPECT_FALSE(m.server.failed());
    ASSERT_TRUE(m.client.send(bytes_of("still here")));
    m.pull(m.client);
    ASSERT_TRUE(m.deliver(m.server));
    EXPECT_EQ(read_all(m.server), bytes_of("still here"));
    // The injected HelloRequest used the server's sequence number 1; continue from 2.
    ASSERT_TRUE(m.inject(m.client, *seq + 1, kApplicationData, bytes_of("me too")));
    EXPECT_EQ(read_all(m.client), bytes_of("me too"));
}

TEST(EngineLifecycle, ClientHelloAfterTheHandshakeIsAnsweredWithNoRenegotiation) {
    Mitm m;
    const auto seq = drive_to(m, Stage::server_established);
    const auto client_hello = m.handshake_sent_by(m.client).at(0);
    ASSERT_TRUE(m.inject(m.server, *seq, kHandshake, client_hello));
    EXPECT_FALSE(m.server.failed());
    const auto answer = last_sent(m, m.server);
    EXPECT_EQ(answer.type, kAlert);
    EXPECT_TRUE(answer.opened);
    EXPECT_EQ(answer.plaintext,
              (std::vector<uint8_t>{1, static_cast<uint8_t>(AlertDescription::no_renegotiation)}));

    ASSERT_TRUE(m.deliver(m.client));
    EXPECT_FALSE(m.client.failed());
    ASSERT_TRUE(m.server.send(bytes_of("still here")));
    m.pull(m.server);
    ASSERT_TRUE(m.deliver(m.client));
    EXPECT_EQ(read_all(m.client), bytes_of("still here"));
    ASSERT_TRUE(m.inject(m.server, *seq + 1, kApplicationData, bytes_of("me too")));
    EXPECT_EQ(read_all(m.server), bytes_of("me too"));
}

TEST(EngineLifecycle, RepeatedHelloRequestsBeyondTheCapAreFatal) {
    Mitm m;
    auto seq = *drive_to(m, Stage::client_established);
    const auto hello_request = frame_handshake(HandshakeType::hello_request, {});
    const size_t cap = Limits{}.max_warning_alerts;
    for (size_t i = 0; i < cap; ++i) {
        ASSERT_TRUE(m.inject(m.client, seq++, kHandshake, hello_request)) << i;
        EXPECT_EQ(last_sent(m, m.client).plaintext[1],
                  static_cast<uint8_t>(AlertDescription::no_renegotiation));
    }
    const auto status = m.inject(m.client, seq++, kHandshake, hello_request);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

TEST(EngineLifecycle, RepeatedClientHellosBeyondTheCapAreFatal) {
    Mitm m;
    auto seq = *drive_to(m, Stage::server_established);
    const auto client_hello = m.handshake_sent_by(m.client).at(0);
    const size_t cap = Limits{}.max_warning_alerts;
    for (size_t i = 0; i < cap; ++i) {
        ASSERT_TRUE(m.inject(m.server, seq++, kHandshake, client_hello)) << i;
        EXPECT_EQ(last_sent(m, m.server).plaintext[1],
                  static_cast<uint8_t>(AlertDescription::no_renegotiation));
    }
    const auto status = m.inject(m.server, seq++, kHandshake, client_hello);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::unexpected_message));
}

// Many HelloRequests in one record: each one is answered, then the cap applies.
TEST(EngineLifecycle, HelloRequestsCoalescedInOneRecord) {
    Mitm m;
    const auto seq = drive_to(m, Stage::client_established);
    std::vector<uint8_t> many;
    for (size_t i = 0; i < 100; ++i) {
        const auto one = frame_handshake(HandshakeType::hello_request, {});
        many.insert(many.end(), one.begin(), one.end());
    }
    const auto status = m.inject(m.client, *seq, kHandshake, many);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unexpected_message));
}

// ---- close() during the handshake: nothing more is sent -----------------------------------------

// The records a side sent after its close_notify (its pending output is pulled first).
std::vector<Mitm::Sent> sent_after_close_notify(Mitm& m, Connection& side) {
    const auto sent = m.sent_by(side);
    const std::vector<uint8_t> close_notify = {1, 0};
    for (size_t i = 0; i < sent.size(); ++i)
        if (sent[i].type == kAlert && sent[i].plaintext == close_notify)
            return {sent.begin() + static_cast<std::ptrdiff_t>(i) + 1, sent.end()};
    throw std::runtime_error("no close_notify sent");
}

TEST(EngineLifecycle, ClientCloseDuringTheHandshakeSendsNothingMore) {
    Mitm m;
    m.pull(m.client);  // ClientHello
    ASSERT_TRUE(m.client.send(bytes_of("queued for after the handshake")));
    m.client.close();
    EXPECT_TRUE(m.client.local_closed());
    m.pull(m.client);  // close_notify
    ASSERT_TRUE(m.deliver(m.server, 1));
    m.pull(m.server);  // the server's flight, which the client must not answer
    ASSERT_TRUE(m.deliver(m.client));
    EXPECT_FALSE(m.client.wants_write());
    EXPECT_TRUE(sent_after_close_notify(m, m.client).empty());
    EXPECT_FALSE(m.client.is_handshake_complete());
    EXPECT_FALSE(m.client.failed());
    EXPECT_FALSE(m.client.send(bytes_of("more")));
    // The server's answer to our close_notify ends it cleanly.
    const uint8_t close_notify[] = {1, 0};
    EXPECT_TRUE(m.inject(m.client, std::nullopt, kAlert, close_notify));
    EXPECT_TRUE(m.client.peer_closed());
    EXPECT_FALSE(m.client.failed());
    EXPECT_FALSE(m.client.wants_write());
}

TEST(EngineLifecycle, ServerCloseDuringTheHandshakeSendsNothingMore) {
    Mitm m;
    drive_to(m, Stage::server_expect_client_key_exchange);
    const size_t flight = m.to_client.size();
    m.server.close();
    m.pull(m.server);  // close_notify, held back
    // The client's key exchange, ChangeCipherSpec and Finished would have drawn the server's
    // ChangeCipherSpec and Finished.
    ASSERT_TRUE(m.deliver(m.client, flight));
    m.pull(m.client);
    (void)m.deliver(m.server);
    EXPECT_FALSE(m.server.wants_write());
    EXPECT_TRUE(sent_after_close_notify(m, m.server).empty());
    EXPECT_FALSE(m.server.is_handshake_complete());
}

// After our close_notify not even a warning goes out: renegotiation attempts are not answered.
TEST(EngineLifecycle, NoRenegotiationWarningAfterClose) {
    {
        Mitm m;
        const auto seq = drive_to(m, Stage::client_established);
        m.client.close();
        ASSERT_TRUE(m.inject(m.client, *seq, kHandshake,
                             frame_handshake(HandshakeType::hello_request, {})));
        EXPECT_TRUE(sent_after_close_notify(m, m.client).empty());
    }
    {
        Mitm m;
        const auto seq = drive_to(m, Stage::server_established);
        const auto client_hello = m.handshake_sent_by(m.client).at(0);
        m.server.close();
        ASSERT_TRUE(m.inject(m.server, *seq, kHandshake, client_hello));
        EXPECT_TRUE(sent_after_close_notify(m, m.server).empty());
    }
}

// ---- the peer closed: send() says so --------------------------------------------------------

// A peer that sends its last data and close_notify back to back: the engine answers close_notify
// at once (RFC 5246 7.2.1), so a reply cannot be sent, and the error must blame the peer's close,
// not the application.
TEST(EngineLifecycle, SendAfterThePeerClosedSaysThePeerClosed) {
    Mitm m;
    ASSERT_TRUE(m.run());
    ASSERT_TRUE(m.client.send(bytes_of("last words")));
    m.client.close();
    ASSERT_TRUE(m.server.feed(m.client.take_output()));
    EXPECT_EQ(read_all(m.server), bytes_of("last words"));
    ASSERT_TRUE(m.server.peer_closed());
    const auto status = m.server.send(bytes_of("echo"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().alert, AlertDescription::close_notify);
    EXPECT_NE(status.error().reason.find("peer closed"), std::string::npos)
        << status.error().reason;
    EXPECT_FALSE(m.server.failed());

    // Our own close() followed by send() is the application's mistake, and says so.
    EXPECT_FALSE(m.client.peer_closed());
    const auto own = m.client.send(bytes_of("late"));
    ASSERT_FALSE(own);
    EXPECT_EQ(own.error().alert, AlertDescription::internal_error);
    EXPECT_NE(own.error().reason.find("after close()"), std::string::npos) << own.error().reason;
}

}  // namespace
