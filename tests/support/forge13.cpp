#include "support/forge13.h"

#include <sstream>
#include <stdexcept>

#include <tls12/crypto/bytes.h>
#include <tls12/tls/handshake/handshake13.h>
#include <tls12/tls/handshake/key_schedule13.h>

namespace tls12_test {

using namespace tls12;

KeyLogCallback KeyLog13::callback() const {
    return [lines = lines_](const std::string& line) { lines->push_back(line); };
}

std::vector<uint8_t> KeyLog13::secret(const std::string& label) const {
    for (auto it = lines_->rbegin(); it != lines_->rend(); ++it) {
        std::istringstream in(*it);
        std::string name, random, secret;
        in >> name >> random >> secret;
        if (name == label) return crypto::from_hex(secret);
    }
    throw std::runtime_error("no " + label + " in the key log");
}

Direction13::Direction13(const SuiteInfo& suite, ByteView secret, bool sealing)
    : protection_(make_protection13(suite, traffic_keys(suite, secret), sealing)) {}

std::vector<uint8_t> Direction13::seal(ContentType type, ByteView content) {
    std::vector<uint8_t> body(content.size() + Tls13Protection::kOverhead);
    auto size = protection_->seal_record(type, content, body);
    if (!size) throw std::runtime_error("sealing failed: " + size.error().message());
    return RawRecord{23, body}.encode();
}

std::optional<std::pair<ContentType, std::vector<uint8_t>>> Direction13::open(const RawRecord& r) {
    std::vector<uint8_t> out(r.payload.size());
    auto inner = protection_->open_record(r.payload, out);
    if (!inner) return std::nullopt;
    out.resize(inner->size);
    return std::pair{inner->type, std::move(out)};
}

std::vector<std::vector<uint8_t>> split_messages(const std::vector<uint8_t>& bytes) {
    return split_handshake_messages({RawRecord{22, bytes}});
}

std::vector<uint8_t> join(const std::vector<std::vector<uint8_t>>& records) {
    std::vector<uint8_t> out;
    for (const auto& r : records) out.insert(out.end(), r.begin(), r.end());
    return out;
}

ForgedClient13::ForgedClient13(std::shared_ptr<const ClientConfig> client_cfg, ServerKey key,
                               const std::function<void(ServerConfig&)>& server_tweak)
    : server(Connection::server(server_config(key,
                                              [&](ServerConfig& s) {
                                                  s.max_version = ProtocolVersion::tls13;
                                                  s.key_log = log.callback();
                                                  if (server_tweak) server_tweak(s);
                                              }))),
      real_client(Connection::client(std::move(client_cfg), "localhost")) {
    const auto messages = split_handshake_messages(split_records(real_client.take_output()));
    auto parsed = ClientHello::parse(ByteView(messages.at(0)).subspan(4));
    if (!parsed) throw std::runtime_error("our client's ClientHello does not parse");
    hello = std::move(parsed).value();
}

Status ForgedClient13::send_hello(const std::vector<uint8_t>& after) {
    first_hello_ = encode_handshake(hello);
    transcript.add(first_hello_);
    auto bytes = handshake_record(first_hello_);
    bytes.insert(bytes.end(), after.begin(), after.end());
    return server.feed(bytes);
}

bool ForgedClient13::read_server() {
    const auto records = split_records(server.take_output());
    std::vector<uint8_t> handshake;  // the encrypted part of the flight
    std::optional<Direction13> server_handshake;
    for (const auto& record : records) {
        if (record.type == 22) {
            const auto message = split_handshake_messages({record}).at(0);
            auto server_hello = ServerHello::parse(ByteView(message).subspan(4));
            if (!server_hello) throw std::runtime_error("ServerHello does not parse");
            suite = find_suite(server_hello->cipher_suite);
            server_messages.push_back(message);
            if (server_hello->is_hello_retry_request()) {
                replace_with_message_hash(transcript, suite->prf_hash);
                transcript.add(message);
                retry_ = record.encode();
                return true;
            }
            transcript.add(message);
            server_handshake.emplace(*suite, log.secret("SERVER_HANDSHAKE_TRAFFIC_SECRET"), false);
        } else if (record.type == 23 && server_handshake) {
            auto opened = server_handshake->open(record);
            if (!opened) throw std::runtime_error("the server's flight does not open");
            handshake.insert(handshake.end(), opened->second.begin(), opened->second.end());
        }
    }
    for (auto& message : split_messages(handshake)) {
        transcript.add(message);
        server_messages.push_back(std::move(message));
    }
    return false;
}

Status ForgedClient13::send_second_hello(const std::vector<uint8_t>& after,
                                         const std::function<void(ClientHello&)>& mutate) {
    (void)real_client.feed(retry_);
    const auto records = split_records(real_client.take_output());  // ChangeCipherSpec, ClientHello
    auto message = split_handshake_messages(records).at(0);
    if (mutate) {
        auto second = ClientHello::parse(ByteView(message).subspan(4));
        if (!second) throw std::runtime_error("our client's second ClientHello does not parse");
        mutate(*second);
        message = encode_handshake(*second);
    }
    transcript.add(message);
    auto bytes = RawRecord{20, {1}}.encode();
    const auto hello_record = handshake_record(message);
    bytes.insert(bytes.end(), hello_record.begin(), hello_record.end());
    bytes.insert(bytes.end(), after.begin(), after.end());
    return server.feed(bytes);
}

Direction13& ForgedClient13::handshake_keys() {
    if (!handshake_)
        handshake_.emplace(*suite, log.secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET"), true);
    return *handshake_;
}

Direction13& ForgedClient13::application_keys() {
    if (!application_) application_.emplace(*suite, log.secret("CLIENT_TRAFFIC_SECRET_0"), true);
    return *application_;
}

std::vector<uint8_t> ForgedClient13::finished_record() {
    const auto hash = suite->prf_hash;
    const auto key = log.secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET");
    const auto message =
        encode_handshake(Finished13{finished_verify_data(hash, key, transcript.hash(hash))});
    transcript.add(message);
    return handshake_keys().seal(ContentType::handshake, message);
}

bool ForgedClient13::complete(const std::vector<uint8_t>& after_finished) {
    auto bytes = finished_record();
    bytes.insert(bytes.end(), after_finished.begin(), after_finished.end());
    (void)server.feed(bytes);
    return server.is_handshake_complete();
}

}  // namespace tls12_test
