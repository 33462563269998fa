// Client and server engines wired together in memory, with configs built from the test PKI.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tls12/tls/connection.h>
#include <tls12/tls/handshake/key_schedule.h>
#include <tls12/tls/record/protection.h>

namespace tls12_test {

enum class ServerKey { rsa2048, ecdsa_p256, ecdsa_p384 };

// A server config with one certificate (chain and key from the test PKI) and deterministic-free
// defaults; tweak lets a test change fields before it is frozen.
std::shared_ptr<const tls12::ServerConfig> server_config(
    ServerKey key = ServerKey::rsa2048,
    const std::function<void(tls12::ServerConfig&)>& tweak = {});
// The test PKI's certificate chain and private key behind server_config(key) (for tests that forge
// what only the server could sign).
const std::vector<tls12::Bytes>& server_chain(ServerKey key);
std::shared_ptr<const tls12::crypto::PrivateKey> server_private_key(ServerKey key);
// A client config that trusts the test CA.
std::shared_ptr<const tls12::ClientConfig> client_config(
    const std::function<void(tls12::ClientConfig&)>& tweak = {});

// Configs default to TLS 1.3 (and TLS 1.2 with a 1.2-only peer). A test about TLS 1.2 behaviour
// (its messages, tickets, alerts, suites, recorded byte flows) pins TLS 1.2 with this tweak, so it
// keeps testing TLS 1.2 whatever the default is.
void pin_tls12(tls12::CommonConfig& config);
// server_config() / client_config() pinned to TLS 1.2 (before tweak runs).
std::shared_ptr<const tls12::ServerConfig> server_config12(
    ServerKey key = ServerKey::rsa2048,
    const std::function<void(tls12::ServerConfig&)>& tweak = {});
std::shared_ptr<const tls12::ClientConfig> client_config12(
    const std::function<void(tls12::ClientConfig&)>& tweak = {});

// Moves every pending output byte of `from` into `to`; returns the bytes moved.
size_t transfer(tls12::Connection& from, tls12::Connection& to);

struct Pair {
    tls12::Connection client;
    tls12::Connection server;

    // Shuttles bytes until neither side has output. False if either side failed.
    bool handshake();
    // Sends data from one side and reads it on the other (through the same loop).
    std::vector<uint8_t> round_trip(tls12::Connection& from, tls12::Connection& to,
                                    const std::vector<uint8_t>& data);
};

Pair make_pair(std::shared_ptr<const tls12::ClientConfig> client,
               std::shared_ptr<const tls12::ServerConfig> server,
               const std::string& server_name = "localhost");

// The records in a byte stream, split at record boundaries (whole records only).
struct RawRecord {
    uint8_t type;
    std::vector<uint8_t> payload;
    std::vector<uint8_t> encode() const;
};
std::vector<RawRecord> split_records(const std::vector<uint8_t>& stream);
// The handshake messages (header included) carried by plaintext handshake records.
std::vector<std::vector<uint8_t>> split_handshake_messages(const std::vector<RawRecord>& records);
std::vector<uint8_t> handshake_record(const std::vector<uint8_t>& messages);

}  // namespace tls12_test

// ---------------------------------------------------------------------------------------------
// A man in the middle for adversarial TLS 1.2 engine tests (both sides pinned to TLS 1.2 before the
// Options' tweaks run): holds each side's records back, re-frames the
// plaintext handshake flights one message per record, lets a test rewrite or inject records (sealed
// with keys recovered from the key log, the way an observer with SSLKEYLOGFILE would), and decodes
// what each side sent.

namespace tls12_test {

// "CLIENT_RANDOM <client_random hex> <master_secret hex>"
struct KeyLogLine {
    tls12::Random client_random{};
    std::vector<uint8_t> master_secret;
};
std::optional<KeyLogLine> parse_key_log_line(const std::string& line);

// The record keys of one connection.
struct SessionKeys {
    const tls12::SuiteInfo* suite = nullptr;
    tls12::Random client_random{};
    tls12::Random server_random{};
    tls12::crypto::SecretBytes master_secret;
    tls12::TrafficKeys keys;
    bool encrypt_then_mac = false;  // CBC suites: RFC 7366 negotiated

    // Protection for the records one side writes, positioned at sequence number seq.
    std::unique_ptr<tls12::RecordProtection> protection(bool client_writes, uint64_t seq = 0) const;
};
SessionKeys session_keys(tls12::CipherSuite suite, const KeyLogLine& key_log,
                         const tls12::Random& server_random);

// One whole record (header included) sealed with protection (advancing its sequence number).
std::vector<uint8_t> seal_record(tls12::RecordProtection& protection, uint8_t type,
                                 tls12::ByteView plaintext);
// The record's plaintext, or nullopt when it does not authenticate.
std::optional<std::vector<uint8_t>> open_record(tls12::RecordProtection& protection,
                                                const RawRecord& record);

class Mitm {
    std::shared_ptr<std::vector<std::string>> key_log_ =
        std::make_shared<std::vector<std::string>>();

  public:
    struct Options {
        ServerKey key = ServerKey::rsa2048;
        std::function<void(tls12::ClientConfig&)> client;
        std::function<void(tls12::ServerConfig&)> server;
        std::string server_name = "localhost";
    };
    Mitm();
    explicit Mitm(Options options);

    tls12::Connection client;
    tls12::Connection server;

    // Records held on their way to each side.
    std::deque<RawRecord> to_client;
    std::deque<RawRecord> to_server;
    std::deque<RawRecord>& queue_to(const tls12::Connection& side) {
        return side.is_client() ? to_client : to_server;
    }

    // Moves a side's pending output into the queue towards its peer (and into the log of what the
    // side sent). Plaintext handshake records are re-framed to carry one message each.
    void pull(tls12::Connection& from);
    // Feeds the first n held records to `to`, one feed() per record; stops at the first failure
    // and returns it.
    tls12::Status deliver(tls12::Connection& to, size_t n = SIZE_MAX);
    // Pulls and delivers both ways until nothing moves; true when both completed the handshake.
    bool run();

    // The session's keys, from the key log and the server's ServerHello random. Throws
    // std::runtime_error before the key log line exists.
    const SessionKeys& keys();
    // A whole record sealed as the client (or server) would at sequence number seq.
    std::vector<uint8_t> seal(bool client_writes, uint64_t seq, uint8_t type,
                              tls12::ByteView plaintext);
    // Feeds one record of the given type to `victim`: plaintext, or, when seq is set, sealed with
    // the peer's keys at that sequence number.
    tls12::Status inject(tls12::Connection& victim, std::optional<uint64_t> seq, uint8_t type,
                         tls12::ByteView payload);

    // Every record a side has sent so far (its pending output is pulled first), the ones after its
    // ChangeCipherSpec opened with its keys.
    struct Sent {
        uint8_t type;
        std::vector<uint8_t> plaintext;
        bool encrypted;
        bool opened;  // false: did not authenticate
    };
    std::vector<Sent> sent_by(tls12::Connection& side);
    // The handshake messages (header included) a side has sent, decrypted where needed.
    std::vector<std::vector<uint8_t>> handshake_sent_by(tls12::Connection& side);

    const std::vector<std::string>& key_log() const { return *key_log_; }
    // Whether the server's ServerHello acknowledged session_ticket (a NewSessionTicket precedes
    // its ChangeCipherSpec then).
    bool server_sends_ticket();
    // The index of the first ChangeCipherSpec record in a queue (throws when there is none).
    static size_t records_before_ccs(const std::deque<RawRecord>& queue);

  private:
    std::vector<uint8_t> client_sent_, server_sent_;
    bool client_ccs_ = false, server_ccs_ = false;
    std::optional<SessionKeys> keys_;
};

// The handshake states the adversarial tests drive a pair into; the victim is the side whose
// state is named.
enum class Stage {
    client_expect_server_hello,
    client_expect_certificate,
    client_expect_server_key_exchange,
    client_expect_server_hello_done,
    client_expect_server_change_cipher_spec,
    client_expect_server_finished,
    client_established,
    server_expect_client_hello,
    server_expect_client_key_exchange,
    server_expect_client_change_cipher_spec,
    server_expect_client_finished,
    server_established,
};
std::vector<Stage> all_stages();
bool client_is_victim(Stage stage);
// The engine's name for the state ("ExpectServerHello", ..., "Established").
const char* stage_state_name(Stage stage);
// "Client_ExpectServerHello" (for test names).
std::string stage_name(Stage stage);
// Whether the victim has read keys in this stage (records to it must be sealed).
bool stage_reads_encrypted(Stage stage);

// Drives m (an ECDHE_RSA pair by default) until the victim is in the stage's state, delivering
// only a prefix of its peer's flight. Returns the sequence number at which the victim opens its
// peer's next record, or nullopt while it reads plaintext.
std::optional<uint64_t> drive_to(Mitm& m, Stage stage);
tls12::Connection& victim_of(Mitm& m, Stage stage);

// Checks that `status` (the result of the feed that delivered the attack) and the victim agree on
// `alert`, that the victim queued exactly that fatal alert record as its last record, and that it
// refuses further use (feed, send, no more output).
testing::AssertionResult failed_with_alert(Mitm& m, tls12::Connection& victim,
                                           const tls12::Status& status,
                                           tls12::AlertDescription alert);
// Checks that the victim ended because the peer sent the fatal `alert`: the reason says so, no
// alert went back, and it refuses further use. Call it with no output pending from before the
// attack (drive_to() leaves none).
testing::AssertionResult ended_by_peer_alert(Mitm& m, tls12::Connection& victim,
                                             const tls12::Status& status,
                                             tls12::AlertDescription alert);

}  // namespace tls12_test
