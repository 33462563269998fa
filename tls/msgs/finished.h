// Finished (RFC 5246 7.4.9): verify_data, 12 bytes for every suite we implement. The engine
// compares it in constant time; this is only the wire format.
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct Finished {
    static constexpr HandshakeType kType = HandshakeType::finished;

    Bytes verify_data;

    // The body must be exactly expected_length bytes, else decode_error.
    static Result<Finished> parse(ByteView body, size_t expected_length = kVerifyDataSize);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const Finished&) const = default;
};

}  // namespace tls12
