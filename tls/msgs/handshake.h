// The 4-byte handshake message header (RFC 5246 7.4) and framing helpers, plus protocol constants
// shared by the message parsers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <tls12/tls/codec.h>
#include <tls12/tls/error.h>
#include <tls12/tls/types.h>

namespace tls12 {

inline constexpr size_t kHandshakeHeaderSize = 4;
inline constexpr size_t kRandomSize = 32;
inline constexpr size_t kMaxSessionIdSize = 32;
inline constexpr size_t kVerifyDataSize = 12;  // RFC 5246 7.4.9, all our suites

using Random = std::array<uint8_t, kRandomSize>;

struct HandshakeHeader {
    HandshakeType type = HandshakeType::hello_request;
    uint32_t length = 0;  // body length, excluding these 4 bytes

    // Reads the header from the front of buf; nullopt when fewer than 4 bytes are there (the
    // engine then waits for more). Any type value is accepted here: the state machine decides.
    static std::optional<HandshakeHeader> peek(ByteView buf) noexcept;
    void serialize(Writer& w) const;

    bool operator==(const HandshakeHeader&) const = default;
};

// type | uint24 length | body. A body longer than 2^24-1 marks the writer failed.
void write_handshake(Writer& w, HandshakeType type, ByteView body);
Bytes frame_handshake(HandshakeType type, ByteView body);

// Writes any message struct that has kType and serialize(Writer&), with its header. A field
// outside its limits marks w failed (check w.ok()).
template <typename Msg>
void write_message(Writer& w, const Msg& msg) {
    w.u8(static_cast<uint8_t>(Msg::kType));
    auto body = w.prefix24();
    msg.serialize(w);
}

// Frames any message struct that has kType and serialize(): frame_message(ClientHello{...}).
template <typename Msg>
Bytes frame_message(const Msg& msg) {
    return frame_handshake(Msg::kType, msg.serialize());
}

}  // namespace tls12
