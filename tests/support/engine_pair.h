// Client and server engines wired together in memory, with configs built from the test PKI.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tls/connection.h"

namespace tls12_test {

enum class ServerKey { rsa2048, ecdsa_p256, ecdsa_p384 };

// A server config with one certificate (chain and key from the test PKI) and deterministic-free
// defaults; tweak lets a test change fields before it is frozen.
std::shared_ptr<const tls::ServerConfig> server_config(
    ServerKey key = ServerKey::rsa2048, const std::function<void(tls::ServerConfig&)>& tweak = {});
// A client config that trusts the test CA.
std::shared_ptr<const tls::ClientConfig> client_config(
    const std::function<void(tls::ClientConfig&)>& tweak = {});

// Moves every pending output byte of `from` into `to`; returns the bytes moved.
size_t transfer(tls::Connection& from, tls::Connection& to);

struct Pair {
    tls::Connection client;
    tls::Connection server;

    // Shuttles bytes until neither side has output. False if either side failed.
    bool handshake();
    // Sends data from one side and reads it on the other (through the same loop).
    std::vector<uint8_t> round_trip(tls::Connection& from, tls::Connection& to,
                                    const std::vector<uint8_t>& data);
};

Pair make_pair(std::shared_ptr<const tls::ClientConfig> client,
               std::shared_ptr<const tls::ServerConfig> server,
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
