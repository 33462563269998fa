#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

std::optional<HandshakeHeader> HandshakeHeader::peek(ByteView buf) noexcept {
    if (buf.size() < kHandshakeHeaderSize) return std::nullopt;
    Reader r(buf.first(kHandshakeHeaderSize));
    HandshakeHeader h;
    h.type = static_cast<HandshakeType>(r.u8());
    h.length = r.u24();
    return h;
}

void HandshakeHeader::serialize(Writer& w) const {
    w.u8(static_cast<uint8_t>(type));
    w.u24(length);
}

// RFC 5246 7.4: msg_type | uint24 length | body.
void write_handshake(Writer& w, HandshakeType type, ByteView body) {
    w.u8(static_cast<uint8_t>(type));
    w.vec24(body);
}

Bytes frame_handshake(HandshakeType type, ByteView body) {
    Writer w;
    write_handshake(w, type, body);
    return w.take();
}

}  // namespace tls12
