// HelloRequest (RFC 5246 7.4.1.1): an empty body. We refuse renegotiation; the engine answers
// with a no_renegotiation warning.
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct HelloRequest {
    static constexpr HandshakeType kType = HandshakeType::hello_request;

    static Result<HelloRequest> parse(ByteView body);  // non-empty -> decode_error
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const HelloRequest&) const = default;
};

}  // namespace tls12
