// NewSessionTicket in TLS 1.3 (RFC 8446 4.6.1): a ticket for resumption, sent after the
// handshake under the application keys.
#pragma once

#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct NewSessionTicket13 {
    static constexpr HandshakeType kType = HandshakeType::new_session_ticket;

    uint32_t lifetime = 0;  // seconds; RFC 8446 4.6.1: at most 604800 (the client caps it)
    uint32_t age_add = 0;   // ticket_age_add
    Bytes nonce;            // ticket_nonce<0..255>
    Bytes ticket;           // <1..2^16-1>
    Extensions extensions;  // ExtensionContext::new_session_ticket, <0..2^16-2>

    static Result<NewSessionTicket13> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const NewSessionTicket13&) const = default;
};

}  // namespace tls12
