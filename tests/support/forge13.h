// Playing one side of a TLS 1.3 handshake by hand against a real engine. The engine's key log
// (NSS lines, RFC 8446 7.1 secrets) gives the test every traffic secret, so the test can build
// the other side's messages, seal them under the right keys at the right sequence numbers, and
// read what the engine sent: the way early data, unexpected messages and post-handshake forgeries
// reach a server or a client in the TLS 1.3 tests.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tls12/tls/connection.h>
#include <tls12/tls/handshake/transcript.h>
#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/record/protection13.h>
#include <tls12/tls/suites.h>
#include "support/engine_pair.h"

namespace tls12_test {

// The secrets an engine logged, by NSS label.
class KeyLog13 {
  public:
    tls12::KeyLogCallback callback() const;
    // The secret of the last line with this label; throws std::runtime_error when there is none.
    std::vector<uint8_t> secret(const std::string& label) const;

  private:
    std::shared_ptr<std::vector<std::string>> lines_ = std::make_shared<std::vector<std::string>>();
};

// One direction of TLS 1.3 records under a traffic secret, from the test's side.
class Direction13 {
  public:
    Direction13(const tls12::SuiteInfo& suite, tls12::ByteView secret, bool sealing);
    // A whole record (header included) carrying content as `type`.
    std::vector<uint8_t> seal(tls12::ContentType type, tls12::ByteView content);
    // The inner type and content, or nullopt when the record does not authenticate.
    std::optional<std::pair<tls12::ContentType, std::vector<uint8_t>>> open(const RawRecord& r);

  private:
    std::unique_ptr<tls12::Tls13Protection> protection_;
};

// A handshake message with its header.
template <typename Msg>
std::vector<uint8_t> encode_handshake(const Msg& msg) {
    std::vector<uint8_t> out;
    tls12::Writer w(out);
    tls12::write_message(w, msg);
    return out;
}
// The messages (header included) in concatenated handshake bytes; a partial one is dropped.
std::vector<std::vector<uint8_t>> split_messages(const std::vector<uint8_t>& bytes);
// Concatenated records.
std::vector<uint8_t> join(const std::vector<std::vector<uint8_t>>& records);

// A TLS 1.3 client played by the test against a real server engine. Its first ClientHello is the
// one a real client engine (client_cfg) sends, which the test may change before sending.
class ForgedClient13 {
  public:
    ForgedClient13(std::shared_ptr<const tls12::ClientConfig> client_cfg,
                   ServerKey key = ServerKey::rsa2048,
                   const std::function<void(tls12::ServerConfig&)>& server_tweak = {});

    KeyLog13 log;                   // the server's
    tls12::Connection server;       // the engine under test
    tls12::Connection real_client;  // whose ClientHellos are borrowed
    tls12::ClientHello hello;       // the first ClientHello, to change before send_hello()
    const tls12::SuiteInfo* suite = nullptr;  // known once the server chose (after read_flight)
    tls12::Transcript transcript;
    std::vector<std::vector<uint8_t>> server_messages;  // every handshake message, header included

    // Feeds hello (as changed), followed by `after` (more records), to the server.
    tls12::Status send_hello(const std::vector<uint8_t>& after = {});
    // Reads the server's output into transcript and server_messages: a HelloRetryRequest (then
    // true), or the ServerHello and its encrypted flight (opened with the server's handshake key).
    bool read_server();
    // After a HelloRetryRequest: the real client's second ClientHello (changed by mutate, when
    // given), after its ChangeCipherSpec and followed by `after`, to the server.
    tls12::Status send_second_hello(const std::vector<uint8_t>& after = {},
                                    const std::function<void(tls12::ClientHello&)>& mutate = {});
    // Sealing as the client under its handshake / first application traffic secret.
    Direction13& handshake_keys();
    Direction13& application_keys();
    // The client's Finished over the transcript, as a record under the handshake key.
    std::vector<uint8_t> finished_record();
    // The client's Finished (after send_hello() and read_server()), fed with `after_finished`;
    // true when the server completed.
    bool complete(const std::vector<uint8_t>& after_finished = {});

  private:
    std::vector<uint8_t> first_hello_;
    std::vector<uint8_t> retry_;  // the HelloRetryRequest record, for the real client
    std::optional<Direction13> handshake_;
    std::optional<Direction13> application_;
};

}  // namespace tls12_test
