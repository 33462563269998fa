#include <tls12/tls/msgs/new_session_ticket13.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 8446 4.6.1:
//   struct { uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
//            opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>; } NewSessionTicket;
Result<NewSessionTicket13> NewSessionTicket13::parse(ByteView body) {
    Reader r(body);
    NewSessionTicket13 nst;
    nst.lifetime = r.u32();
    nst.age_add = r.u32();
    ByteView nonce = r.vec8(0, 0xFF);
    ByteView ticket = r.vec16(1, 0xFFFF);
    if (!r.ok()) return msgs_detail::decode("NewSessionTicket");
    auto ext = Extensions::read_block(r, ExtensionContext::new_session_ticket, 0, 0xFFFE);
    if (!ext) return std::move(ext).error();
    if (!r.finish()) return msgs_detail::decode("NewSessionTicket");
    nst.nonce.assign(nonce.begin(), nonce.end());
    nst.ticket.assign(ticket.begin(), ticket.end());
    nst.extensions = std::move(ext).value();
    return nst;
}

void NewSessionTicket13::serialize(Writer& w) const {
    w.u32(lifetime);
    w.u32(age_add);
    w.vec8(nonce);
    w.vec16(ticket, 1);
    Writer block;
    extensions.write_block(block, ExtensionContext::new_session_ticket);
    if (block.size() > 2 + 0xFFFE) w.fail();  // extensions<0..2^16-2>
    if (!block.ok()) w.fail();
    w.bytes(block.buffer());
}

Bytes NewSessionTicket13::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
