#include <tls12/tls/msgs/new_session_ticket.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 5077 3.3: uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>;
Result<NewSessionTicket> NewSessionTicket::parse(ByteView body) {
    Reader r(body);
    NewSessionTicket nst;
    nst.lifetime_hint = r.u32();
    ByteView ticket = r.vec16(0, 0xFFFF);
    if (!r.finish()) return msgs_detail::decode("NewSessionTicket");
    nst.ticket.assign(ticket.begin(), ticket.end());
    return nst;
}

void NewSessionTicket::serialize(Writer& w) const {
    w.u32(lifetime_hint);
    w.vec16(ticket);
}

Bytes NewSessionTicket::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
