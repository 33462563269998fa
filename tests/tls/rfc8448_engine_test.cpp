// RFC 8448 section 3 through the server engine: fed the trace's ClientHello, with the trace's
// server random and ephemeral X25519 key as its randomness, our server writes the trace's
// ServerHello byte for byte and derives (and logs) the trace's handshake traffic secrets. What
// follows cannot match the trace: the trace's EncryptedExtensions carries extensions we do not
// send (record_size_limit, the server's group list), and an RSA-PSS signature is randomized.
#include <gtest/gtest.h>

#include <deque>
#include <sstream>

#include <tls12/crypto/random.h>
#include <tls12/tls/connection.h>
#include "support/engine_pair.h"
#include "support/rfc8448_fixture.h"

using namespace tls12;
using tls12_test::Rfc8448Fixture;

namespace {

// Hands out the given byte strings in order (each fill() must ask for exactly the next one's
// size), then a deterministic stream.
class ScriptedRandom : public crypto::Random {
  public:
    explicit ScriptedRandom(std::deque<Bytes> script) : script_(std::move(script)) {}
    void fill(MutableByteView out) override {
        if (script_.empty()) return rest_->fill(out);
        const Bytes next = std::move(script_.front());
        script_.pop_front();
        if (next.size() != out.size())
            throw std::runtime_error("scripted random: asked for " + std::to_string(out.size()) +
                                     " bytes, the script has " + std::to_string(next.size()));
        std::copy(next.begin(), next.end(), out.begin());
    }
    bool used_up() const { return script_.empty(); }

  private:
    std::deque<Bytes> script_;
    std::shared_ptr<crypto::Random> rest_ = crypto::deterministic_random(8448);
};

// "LABEL <client random> <secret>" lines by label.
std::string logged_secret(const std::vector<std::string>& lines, const std::string& label) {
    for (const auto& line : lines) {
        std::istringstream in(line);
        std::string name, random, secret;
        in >> name >> random >> secret;
        if (name == label) return secret;
    }
    return {};
}

TEST(Rfc8448Engine, ServerWritesTheTracesServerHelloAndDerivesItsHandshakeSecrets) {
    const Rfc8448Fixture rfc("simple_1rtt.txt");
    const Bytes client_hello = rfc["client_hello"];
    const Bytes server_hello = rfc["server_hello"];
    // RFC 8448 3: the server's random is in its ServerHello (after type, length and version);
    // its ephemeral X25519 private key is given in the trace.
    const Bytes server_random(server_hello.begin() + 6, server_hello.begin() + 38);
    const Bytes server_x25519_private =
        crypto::from_hex("b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e");
    auto random =
        std::make_shared<ScriptedRandom>(std::deque<Bytes>{server_random, server_x25519_private});
    std::vector<std::string> key_log;
    auto config = tls12_test::server_config(tls12_test::ServerKey::rsa2048, [&](ServerConfig& s) {
        s.random = random;
        s.key_log = [&](const std::string& line) { key_log.push_back(line); };
    });
    auto server = Connection::server(config);

    Bytes record = {22, 3, 1, static_cast<uint8_t>(client_hello.size() >> 8),
                    static_cast<uint8_t>(client_hello.size())};
    record.insert(record.end(), client_hello.begin(), client_hello.end());
    ASSERT_TRUE(server.feed(record)) << server.error()->message();
    EXPECT_TRUE(random->used_up());
    EXPECT_EQ(server.negotiated().version, ProtocolVersion::tls13);
    EXPECT_EQ(server.negotiated().cipher_suite, CipherSuite::TLS_AES_128_GCM_SHA256);

    const auto records = tls12_test::split_records(
        std::vector<uint8_t>(server.pending_output().begin(), server.pending_output().end()));
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records[0].type, 22);
    EXPECT_EQ(crypto::to_hex(records[0].payload), crypto::to_hex(server_hello));
    EXPECT_EQ(logged_secret(key_log, "SERVER_HANDSHAKE_TRAFFIC_SECRET"),
              crypto::to_hex(rfc["server_handshake_traffic_secret"]));
    EXPECT_EQ(logged_secret(key_log, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
              crypto::to_hex(rfc["client_handshake_traffic_secret"]));
}

}  // namespace
