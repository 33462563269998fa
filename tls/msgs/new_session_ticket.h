// NewSessionTicket (RFC 5077 3.3): ticket_lifetime_hint (seconds, 0 = unspecified) and an opaque
// ticket<0..2^16-1>.
#pragma once

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct NewSessionTicket {
    static constexpr HandshakeType kType = HandshakeType::new_session_ticket;

    uint32_t lifetime_hint = 0;
    Bytes ticket;  // vec16 <0..2^16-1>

    static Result<NewSessionTicket> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const NewSessionTicket&) const = default;
};

}  // namespace tls12
