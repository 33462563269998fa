// KeyUpdate (RFC 8446 4.6.3): the sender now writes with its next traffic secret, and may ask
// the peer to do the same.
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

enum class KeyUpdateRequest : uint8_t {
    update_not_requested = 0,
    update_requested = 1,
};

struct KeyUpdate {
    static constexpr HandshakeType kType = HandshakeType::key_update;

    KeyUpdateRequest request = KeyUpdateRequest::update_not_requested;

    // A request_update other than 0 or 1 is illegal_parameter (RFC 8446 4.6.3).
    static Result<KeyUpdate> parse(ByteView body);
    void serialize(Writer& w) const;  // fails for any other value
    Bytes serialize() const;

    bool operator==(const KeyUpdate&) const = default;
};

}  // namespace tls12
