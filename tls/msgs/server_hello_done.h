// ServerHelloDone (RFC 5246 7.4.5): an empty body.
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct ServerHelloDone {
    static constexpr HandshakeType kType = HandshakeType::server_hello_done;

    static Result<ServerHelloDone> parse(ByteView body);  // non-empty -> decode_error
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const ServerHelloDone&) const = default;
};

}  // namespace tls12
