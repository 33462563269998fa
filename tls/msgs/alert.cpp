#include <tls12/tls/msgs/alert.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 5246 7.2: struct { AlertLevel level; AlertDescription description; } Alert;
Result<AlertMessage> AlertMessage::parse(ByteView payload) {
    if (payload.size() != 2) return msgs_detail::decode("alert (length is not 2)");
    const auto level = static_cast<AlertLevel>(payload[0]);
    if (level != AlertLevel::warning && level != AlertLevel::fatal)
        return msgs_detail::illegal("alert level " + std::to_string(payload[0]));
    return AlertMessage{level, static_cast<AlertDescription>(payload[1])};
}

void AlertMessage::serialize(Writer& w) const {
    w.u8(static_cast<uint8_t>(level));
    w.u8(static_cast<uint8_t>(description));
}

Bytes AlertMessage::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
