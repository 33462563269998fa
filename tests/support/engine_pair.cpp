#include "support/engine_pair.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>

#include <tls12/crypto/bytes.h>
#include <tls12/tls/msgs/server_hello.h>
#include <tls12/tls/suites.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/certificate.h>
#include <tls12/x509/trust_store.h>
#include "support/pki.h"

namespace tls12_test {
namespace {

struct LoadedKey {
    std::vector<tls12::Bytes> chain;
    std::shared_ptr<const tls12::crypto::PrivateKey> key;
};

const LoadedKey& loaded(ServerKey which) {
    // Loading keys is slow-ish and the PKI is fixed per process: cache each one.
    static const auto load = [](const std::string& chain, const std::string& key) {
        return LoadedKey{
            tls12::x509::load_certificate_chain(chain),
            std::make_shared<const tls12::crypto::PrivateKey>(tls12::x509::load_private_key(key))};
    };
    const auto& pki = test_pki();
    switch (which) {
        case ServerKey::ecdsa_p256: {
            static const LoadedKey k = load(pki.ecdsa256_chain, pki.ecdsa256_key);
            return k;
        }
        case ServerKey::ecdsa_p384: {
            static const LoadedKey k = load(pki.ecdsa384_chain, pki.ecdsa384_key);
            return k;
        }
        default: {
            static const LoadedKey k = load(pki.server_chain, pki.server_key);
            return k;
        }
    }
}

}  // namespace

std::shared_ptr<const tls12::ServerConfig> server_config(
    ServerKey key, const std::function<void(tls12::ServerConfig&)>& tweak) {
    tls12::ServerConfig config;
    const auto& k = loaded(key);
    config.certificates.push_back({k.chain, k.key});
    if (tweak) tweak(config);
    return std::make_shared<const tls12::ServerConfig>(std::move(config));
}

const std::vector<tls12::Bytes>& server_chain(ServerKey key) {
    return loaded(key).chain;
}

std::shared_ptr<const tls12::crypto::PrivateKey> server_private_key(ServerKey key) {
    return loaded(key).key;
}

std::shared_ptr<const tls12::ClientConfig> client_config(
    const std::function<void(tls12::ClientConfig&)>& tweak) {
    static const auto verifier =
        tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert));
    tls12::ClientConfig config;
    config.verifier = verifier;
    if (tweak) tweak(config);
    return std::make_shared<const tls12::ClientConfig>(std::move(config));
}

void pin_tls12(tls12::CommonConfig& config) {
    config.max_version = tls12::ProtocolVersion::tls12;
}

std::shared_ptr<const tls12::ServerConfig> server_config12(
    ServerKey key, const std::function<void(tls12::ServerConfig&)>& tweak) {
    return server_config(key, [&](tls12::ServerConfig& config) {
        pin_tls12(config);
        if (tweak) tweak(config);
    });
}

std::shared_ptr<const tls12::ClientConfig> client_config12(
    const std::function<void(tls12::ClientConfig&)>& tweak) {
    return client_config([&](tls12::ClientConfig& config) {
        pin_tls12(config);
        if (tweak) tweak(config);
    });
}

size_t transfer(tls12::Connection& from, tls12::Connection& to) {
    auto bytes = from.take_output();
    if (!bytes.empty()) (void)to.feed(bytes);
    return bytes.size();
}

bool Pair::handshake() {
    for (int i = 0; i < 100; ++i) {
        const size_t moved = transfer(client, server) + transfer(server, client);
        if (moved == 0) break;
    }
    return !client.failed() && !server.failed() && client.is_handshake_complete() &&
           server.is_handshake_complete();
}

std::vector<uint8_t> Pair::round_trip(tls12::Connection& from, tls12::Connection& to,
                                      const std::vector<uint8_t>& data) {
    if (!from.send(data)) throw std::runtime_error("send failed");
    std::vector<uint8_t> received;
    std::vector<uint8_t> buffer(64 * 1024);
    for (int i = 0; i < 1000 && received.size() < data.size(); ++i) {
        transfer(client, server);
        transfer(server, client);
        while (size_t n = to.receive(buffer))
            received.insert(received.end(), buffer.begin(), buffer.begin() + n);
        if (from.failed() || to.failed()) break;
    }
    return received;
}

Pair make_pair(std::shared_ptr<const tls12::ClientConfig> client,
               std::shared_ptr<const tls12::ServerConfig> server, const std::string& server_name) {
    return Pair{tls12::Connection::client(std::move(client), server_name),
                tls12::Connection::server(std::move(server))};
}

std::vector<uint8_t> RawRecord::encode() const {
    std::vector<uint8_t> out(5 + payload.size());
    out[0] = type;
    out[1] = 3;
    out[2] = 3;
    out[3] = static_cast<uint8_t>(payload.size() >> 8);
    out[4] = static_cast<uint8_t>(payload.size());
    std::copy(payload.begin(), payload.end(), out.begin() + 5);
    return out;
}

std::vector<RawRecord> split_records(const std::vector<uint8_t>& stream) {
    std::vector<RawRecord> out;
    size_t i = 0;
    while (i + 5 <= stream.size()) {
        const size_t len = static_cast<size_t>(stream[i + 3] << 8 | stream[i + 4]);
        if (i + 5 + len > stream.size()) break;
        out.push_back(
            {stream[i], std::vector<uint8_t>(stream.begin() + static_cast<long>(i + 5),
                                             stream.begin() + static_cast<long>(i + 5 + len))});
        i += 5 + len;
    }
    return out;
}

std::vector<std::vector<uint8_t>> split_handshake_messages(const std::vector<RawRecord>& records) {
    std::vector<uint8_t> all;
    for (const auto& r : records)
        if (r.type == 22) all.insert(all.end(), r.payload.begin(), r.payload.end());
    std::vector<std::vector<uint8_t>> out;
    size_t i = 0;
    while (i + 4 <= all.size()) {
        const size_t len = static_cast<size_t>(all[i + 1] << 16 | all[i + 2] << 8 | all[i + 3]);
        if (i + 4 + len > all.size()) break;
        out.emplace_back(all.begin() + static_cast<long>(i),
                         all.begin() + static_cast<long>(i + 4 + len));
        i += 4 + len;
    }
    return out;
}

std::vector<uint8_t> handshake_record(const std::vector<uint8_t>& messages) {
    return RawRecord{22, messages}.encode();
}

}  // namespace tls12_test

// ---------------------------------------------------------------------------------------------
// Man in the middle

namespace tls12_test {
namespace {

constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;

std::string hex(tls12::ByteView bytes) {
    return tls12::crypto::to_hex(bytes);
}

std::string describe(const std::vector<Mitm::Sent>& sent) {
    std::string out;
    for (const auto& r : sent) {
        out += " [type " + std::to_string(r.type) + (r.encrypted ? " enc" : "") +
               (r.opened ? "" : " UNOPENED") + " " +
               hex(tls12::ByteView(r.plaintext).first(std::min<size_t>(r.plaintext.size(), 8))) +
               "]";
    }
    return out;
}

}  // namespace

std::optional<KeyLogLine> parse_key_log_line(const std::string& line) {
    const std::string prefix = "CLIENT_RANDOM ";
    if (line.rfind(prefix, 0) != 0) return std::nullopt;
    const auto space = line.find(' ', prefix.size());
    if (space == std::string::npos) return std::nullopt;
    KeyLogLine out;
    const auto random = tls12::crypto::from_hex(line.substr(prefix.size(), space - prefix.size()));
    if (random.size() != out.client_random.size()) return std::nullopt;
    std::copy(random.begin(), random.end(), out.client_random.begin());
    out.master_secret = tls12::crypto::from_hex(line.substr(space + 1));
    if (out.master_secret.size() != tls12::kMasterSecretSize) return std::nullopt;
    return out;
}

std::unique_ptr<tls12::RecordProtection> SessionKeys::protection(bool client_writes,
                                                                 uint64_t seq) const {
    auto p = client_writes ? keys.client_protection(*suite, encrypt_then_mac)
                           : keys.server_protection(*suite, encrypt_then_mac);
    // Advance to seq by sealing throw-away empty records.
    std::vector<uint8_t> scratch(p->overhead());
    for (uint64_t i = 0; i < seq; ++i) {
        if (!p->seal(tls12::ContentType::application_data, scratch, 0))
            throw std::runtime_error("seal failed");
    }
    return p;
}

SessionKeys session_keys(tls12::CipherSuite suite, const KeyLogLine& key_log,
                         const tls12::Random& server_random) {
    SessionKeys out;
    out.suite = tls12::find_suite(suite);
    if (!out.suite) throw std::runtime_error("unknown suite");
    out.client_random = key_log.client_random;
    out.server_random = server_random;
    out.master_secret = tls12::crypto::SecretBytes(key_log.master_secret);
    out.keys = tls12::derive_traffic_keys(*out.suite, out.master_secret, out.client_random,
                                          out.server_random);
    return out;
}

std::vector<uint8_t> seal_record(tls12::RecordProtection& protection, uint8_t type,
                                 tls12::ByteView plaintext) {
    const size_t body_size = plaintext.size() + protection.overhead();
    std::vector<uint8_t> out(5 + body_size);
    out[0] = type;
    out[1] = 3;
    out[2] = 3;
    out[3] = static_cast<uint8_t>(body_size >> 8);
    out[4] = static_cast<uint8_t>(body_size);
    std::copy(plaintext.begin(), plaintext.end(),
              out.begin() + 5 + static_cast<long>(protection.explicit_nonce_size()));
    if (!protection.seal(static_cast<tls12::ContentType>(type),
                         tls12::MutableByteView(out).subspan(5), plaintext.size()))
        throw std::runtime_error("seal failed");
    return out;
}

std::optional<std::vector<uint8_t>> open_record(tls12::RecordProtection& protection,
                                                const RawRecord& record) {
    std::vector<uint8_t> body = record.payload;
    auto opened = protection.open(static_cast<tls12::ContentType>(record.type), body);
    if (!opened) return std::nullopt;
    return std::vector<uint8_t>(opened->begin(), opened->end());
}

Mitm::Mitm() : Mitm(Options{}) {}

Mitm::Mitm(Options options)
    : client(tls12::Connection::client(client_config12([&](tls12::ClientConfig& c) {
                                           c.key_log = [log = key_log_](const std::string& line) {
                                               log->push_back(line);
                                           };
                                           if (options.client) options.client(c);
                                       }),
                                       options.server_name)),
      server(tls12::Connection::server(server_config12(options.key, [&](tls12::ServerConfig& s) {
          s.key_log = [log = key_log_](const std::string& line) { log->push_back(line); };
          if (options.server) options.server(s);
      }))) {}

void Mitm::pull(tls12::Connection& from) {
    const auto bytes = from.take_output();
    auto& log = from.is_client() ? client_sent_ : server_sent_;
    log.insert(log.end(), bytes.begin(), bytes.end());
    bool& ccs = from.is_client() ? client_ccs_ : server_ccs_;
    auto& queue = from.is_client() ? to_server : to_client;
    for (auto& record : split_records(bytes)) {
        if (record.type == kHandshake && !ccs) {
            auto messages = split_handshake_messages({record});
            size_t covered = 0;
            for (const auto& m : messages) covered += m.size();
            if (covered == record.payload.size()) {
                for (auto& m : messages) queue.push_back(RawRecord{kHandshake, std::move(m)});
                continue;
            }
        }
        if (record.type == kChangeCipherSpec) ccs = true;
        queue.push_back(std::move(record));
    }
}

tls12::Status Mitm::deliver(tls12::Connection& to, size_t n) {
    auto& queue = queue_to(to);
    for (size_t i = 0; i < n && !queue.empty(); ++i) {
        const auto bytes = queue.front().encode();
        queue.pop_front();
        auto status = to.feed(bytes);
        if (!status) return status;
    }
    return {};
}

bool Mitm::run() {
    for (int i = 0; i < 100; ++i) {
        pull(client);
        pull(server);
        if (to_client.empty() && to_server.empty()) break;
        (void)deliver(server);
        (void)deliver(client);
    }
    return !client.failed() && !server.failed() && client.is_handshake_complete() &&
           server.is_handshake_complete();
}

const SessionKeys& Mitm::keys() {
    if (keys_) return *keys_;
    if (key_log_->empty()) throw std::runtime_error("no key log line yet");
    const auto line = parse_key_log_line(key_log_->front());
    if (!line) throw std::runtime_error("bad key log line: " + key_log_->front());
    // The server's first message is its ServerHello: type, length(3), version(2), random(32).
    const auto messages = split_handshake_messages(split_records(server_sent_));
    if (messages.empty() || messages[0].size() < 38 || messages[0][0] != 2)
        throw std::runtime_error("no ServerHello seen");
    tls12::Random server_random{};
    std::copy(messages[0].begin() + 6, messages[0].begin() + 38, server_random.begin());
    auto suite = server.negotiated().cipher_suite ? server.negotiated().cipher_suite
                                                  : client.negotiated().cipher_suite;
    if (!suite) throw std::runtime_error("no suite negotiated");
    keys_ = session_keys(*suite, *line, server_random);
    keys_->encrypt_then_mac =
        server.negotiated().encrypt_then_mac || client.negotiated().encrypt_then_mac;
    return *keys_;
}

std::vector<uint8_t> Mitm::seal(bool client_writes, uint64_t seq, uint8_t type,
                                tls12::ByteView plaintext) {
    auto protection = keys().protection(client_writes, seq);
    return seal_record(*protection, type, plaintext);
}

tls12::Status Mitm::inject(tls12::Connection& victim, std::optional<uint64_t> seq, uint8_t type,
                           tls12::ByteView payload) {
    const auto record =
        seq ? seal(!victim.is_client(), *seq, type, payload)
            : RawRecord{type, std::vector<uint8_t>(payload.begin(), payload.end())}.encode();
    return victim.feed(record);
}

std::vector<Mitm::Sent> Mitm::sent_by(tls12::Connection& side) {
    pull(side);
    const auto& log = side.is_client() ? client_sent_ : server_sent_;
    std::vector<Sent> out;
    std::unique_ptr<tls12::RecordProtection> protection;
    bool after_ccs = false;
    for (const auto& record : split_records(log)) {
        if (!after_ccs) {
            out.push_back({record.type, record.payload, false, true});
            if (record.type == kChangeCipherSpec) {
                after_ccs = true;
                protection = keys().protection(side.is_client(), 0);
            }
            continue;
        }
        auto opened = open_record(*protection, record);
        out.push_back(
            {record.type, opened.value_or(std::vector<uint8_t>{}), true, opened.has_value()});
    }
    return out;
}

bool Mitm::server_sends_ticket() {
    const auto messages = handshake_sent_by(server);
    if (messages.empty()) return false;
    auto hello = tls12::ServerHello::parse(tls12::ByteView(messages[0]).subspan(4));
    return hello && hello->extensions.session_ticket.has_value();
}

size_t Mitm::records_before_ccs(const std::deque<RawRecord>& queue) {
    for (size_t i = 0; i < queue.size(); ++i)
        if (queue[i].type == kChangeCipherSpec) return i;
    throw std::runtime_error("no ChangeCipherSpec held");
}

std::vector<std::vector<uint8_t>> Mitm::handshake_sent_by(tls12::Connection& side) {
    RawRecord all{kHandshake, {}};
    for (const auto& record : sent_by(side))
        if (record.type == kHandshake && record.opened)
            all.payload.insert(all.payload.end(), record.plaintext.begin(), record.plaintext.end());
    return split_handshake_messages({all});
}

// ---------------------------------------------------------------------------------------------
// Stages

std::vector<Stage> all_stages() {
    return {Stage::client_expect_server_hello,
            Stage::client_expect_certificate,
            Stage::client_expect_server_key_exchange,
            Stage::client_expect_server_hello_done,
            Stage::client_expect_server_change_cipher_spec,
            Stage::client_expect_server_finished,
            Stage::client_established,
            Stage::server_expect_client_hello,
            Stage::server_expect_client_key_exchange,
            Stage::server_expect_client_change_cipher_spec,
            Stage::server_expect_client_finished,
            Stage::server_established};
}

bool client_is_victim(Stage stage) {
    return stage <= Stage::client_established;
}

const char* stage_state_name(Stage stage) {
    switch (stage) {
        case Stage::client_expect_server_hello:
            return "ExpectServerHello";
        case Stage::client_expect_certificate:
            return "ExpectCertificate";
        case Stage::client_expect_server_key_exchange:
            return "ExpectServerKeyExchange";
        case Stage::client_expect_server_hello_done:
            return "ExpectServerHelloDone";
        case Stage::client_expect_server_change_cipher_spec:
            return "ExpectServerChangeCipherSpec";
        case Stage::client_expect_server_finished:
            return "ExpectServerFinished";
        case Stage::server_expect_client_hello:
            return "ExpectClientHello";
        case Stage::server_expect_client_key_exchange:
            return "ExpectClientKeyExchange";
        case Stage::server_expect_client_change_cipher_spec:
            return "ExpectClientChangeCipherSpec";
        case Stage::server_expect_client_finished:
            return "ExpectClientFinished";
        case Stage::client_established:
        case Stage::server_established:
        default:
            return "Established";
    }
}

std::string stage_name(Stage stage) {
    return std::string(client_is_victim(stage) ? "Client_" : "Server_") + stage_state_name(stage);
}

bool stage_reads_encrypted(Stage stage) {
    switch (stage) {
        case Stage::client_expect_server_finished:
        case Stage::client_established:
        case Stage::server_expect_client_finished:
        case Stage::server_established:
            return true;
        default:
            return false;
    }
}

tls12::Connection& victim_of(Mitm& m, Stage stage) {
    return client_is_victim(stage) ? m.client : m.server;
}

std::optional<uint64_t> drive_to(Mitm& m, Stage stage) {
    const auto check = [](const tls12::Status& status) {
        if (!status)
            throw std::runtime_error("driving the pair failed: " + status.error().message());
    };
    m.pull(m.client);  // ClientHello
    switch (stage) {
        case Stage::client_expect_server_hello:
        case Stage::server_expect_client_hello:
            return std::nullopt;
        case Stage::client_established:
        case Stage::server_established:
            if (!m.run()) throw std::runtime_error("handshake failed");
            return 1;  // each side has opened the peer's Finished
        default:
            break;
    }
    check(m.deliver(m.server));
    m.pull(m.server);  // ServerHello, Certificate, [ServerKeyExchange,] ServerHelloDone
    if (stage == Stage::server_expect_client_key_exchange) return std::nullopt;
    const size_t flight = m.to_client.size();
    switch (stage) {
        case Stage::client_expect_certificate:
            check(m.deliver(m.client, 1));
            return std::nullopt;
        case Stage::client_expect_server_key_exchange:
            check(m.deliver(m.client, 2));
            return std::nullopt;
        case Stage::client_expect_server_hello_done:
            check(m.deliver(m.client, flight - 1));
            return std::nullopt;
        default:
            break;
    }
    check(m.deliver(m.client));
    m.pull(m.client);  // ClientKeyExchange, ChangeCipherSpec, Finished
    switch (stage) {
        case Stage::client_expect_server_change_cipher_spec:
            if (!m.server_sends_ticket()) return std::nullopt;
            // With a session ticket agreed, the client expects the NewSessionTicket first: let it
            // through, hold the rest.
            check(m.deliver(m.server));
            m.pull(m.server);  // NewSessionTicket, ChangeCipherSpec, Finished
            check(m.deliver(m.client, m.records_before_ccs(m.to_client)));
            return std::nullopt;
        case Stage::server_expect_client_change_cipher_spec:
            check(m.deliver(m.server, m.to_server.size() - 2));
            return std::nullopt;
        case Stage::server_expect_client_finished:
            check(m.deliver(m.server, m.to_server.size() - 1));
            return 0;
        default:
            break;
    }
    check(m.deliver(m.server));
    m.pull(m.server);  // [NewSessionTicket,] ChangeCipherSpec, Finished
    check(m.deliver(m.client, m.records_before_ccs(m.to_client) + 1));
    return 0;  // client_expect_server_finished
}

// ---------------------------------------------------------------------------------------------
// Assertions

namespace {

testing::AssertionResult refuses_further_use(Mitm& m, tls12::Connection& victim,
                                             tls12::AlertDescription alert) {
    const size_t before = m.sent_by(victim).size();
    const size_t available = victim.available();
    const uint8_t junk[] = {23, 3, 3, 0, 1, 0};
    auto again = victim.feed(junk);
    if (again) return testing::AssertionFailure() << "feed() after the failure succeeded";
    if (again.error().alert != alert)
        return testing::AssertionFailure()
               << "feed() after the failure reports " << tls12::to_string(again.error().alert);
    const uint8_t data[] = {'x'};
    if (victim.send(data)) return testing::AssertionFailure() << "send() after the failure works";
    victim.close();
    if (victim.wants_write() || m.sent_by(victim).size() != before)
        return testing::AssertionFailure() << "the failed side sent more records";
    if (victim.available() != available)
        return testing::AssertionFailure() << "application data arrived after the failure";
    return testing::AssertionSuccess();
}

}  // namespace

testing::AssertionResult failed_with_alert(Mitm& m, tls12::Connection& victim,
                                           const tls12::Status& status,
                                           tls12::AlertDescription alert) {
    const std::string who = victim.is_client() ? "client" : "server";
    if (status)
        return testing::AssertionFailure()
               << "the attack succeeded: " << who << " feed() returned ok";
    if (status.error().alert != alert)
        return testing::AssertionFailure() << who << " failed with " << status.error().message()
                                           << ", expected " << tls12::to_string(alert);
    if (!victim.failed() || !victim.error() || victim.error()->alert != alert)
        return testing::AssertionFailure() << who << ".error() does not hold the alert";
    if (!victim.local_closed()) return testing::AssertionFailure() << who << " is not closed";
    std::vector<Mitm::Sent> sent;
    try {
        sent = m.sent_by(victim);
    } catch (const std::exception& e) {
        return testing::AssertionFailure() << "cannot decode what " << who << " sent: " << e.what();
    }
    const std::vector<uint8_t> expected = {2, static_cast<uint8_t>(alert)};
    if (sent.empty() || sent.back().type != kAlert || !sent.back().opened ||
        sent.back().plaintext != expected)
        return testing::AssertionFailure()
               << who << " did not end with a fatal " << tls12::to_string(alert)
               << " alert record; it sent" << describe(sent);
    const auto& before_last = sent.size() >= 2 ? sent[sent.size() - 2] : sent.back();
    if (sent.size() >= 2 && before_last.type == kAlert && !before_last.plaintext.empty() &&
        before_last.plaintext[0] == 2)
        return testing::AssertionFailure() << who << " sent two fatal alerts:" << describe(sent);
    return refuses_further_use(m, victim, alert);
}

testing::AssertionResult ended_by_peer_alert(Mitm& m, tls12::Connection& victim,
                                             const tls12::Status& status,
                                             tls12::AlertDescription alert) {
    const std::string who = victim.is_client() ? "client" : "server";
    if (victim.wants_write())
        return testing::AssertionFailure() << who << " answered a fatal alert";
    const size_t before = m.sent_by(victim).size();
    if (status) return testing::AssertionFailure() << who << " feed() returned ok";
    if (status.error().alert != alert || !victim.error() || victim.error()->alert != alert)
        return testing::AssertionFailure() << who << " reports " << status.error().message();
    const std::string expected_reason = "peer sent fatal alert " + tls12::to_string(alert);
    if (victim.error()->reason.find(expected_reason) == std::string::npos)
        return testing::AssertionFailure()
               << who << " reason is \"" << victim.error()->reason << "\"";
    if (m.sent_by(victim).size() != before)
        return testing::AssertionFailure() << who << " answered a fatal alert";
    return refuses_further_use(m, victim, alert);
}

}  // namespace tls12_test
