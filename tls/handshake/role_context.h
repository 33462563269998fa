// What a state of either version is handed with each message, per role: the shared context and
// the role's own configuration.
#pragma once

#include <string>

#include <tls12/tls/handshake/context.h>

namespace tls12::client {

struct Context : HandshakeContext {
    Context(const HandshakeContext& shared, const ClientConfig& client_config,
            const std::string& cache_key)
        : HandshakeContext(shared), config(client_config), session_key(cache_key) {}
    const ClientConfig& config;
    const std::string& session_key;  // names the server in the session cache ("host:port")
};

}  // namespace tls12::client

namespace tls12::server {

struct Context : HandshakeContext {
    Context(const HandshakeContext& shared, const ServerConfig& server_config)
        : HandshakeContext(shared), config(server_config) {}
    const ServerConfig& config;
};

}  // namespace tls12::server
