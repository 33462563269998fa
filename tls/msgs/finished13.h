// Finished in TLS 1.3 (RFC 8446 4.4.4): verify_data of the suite's hash length. The state
// compares it in constant time; this is only the wire format.
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct Finished13 {
    static constexpr HandshakeType kType = HandshakeType::finished;

    Bytes verify_data;  // Hash.length bytes: 32 (SHA-256) or 48 (SHA-384)

    // The body is verify_data: exactly expected_length bytes, or, when expected_length is 0,
    // 32 or 48 bytes (the state then checks it against its hash); else decode_error.
    static Result<Finished13> parse(ByteView body, size_t expected_length = 0);
    void serialize(Writer& w) const;  // fails unless 32 or 48 bytes
    Bytes serialize() const;

    bool operator==(const Finished13&) const = default;
};

}  // namespace tls12
