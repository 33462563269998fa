#include <tls12/tls/msgs/key_update.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

namespace {

bool valid(uint8_t request) {
    return request == static_cast<uint8_t>(KeyUpdateRequest::update_not_requested) ||
           request == static_cast<uint8_t>(KeyUpdateRequest::update_requested);
}

}  // namespace

// RFC 8446 4.6.3: struct { KeyUpdateRequest request_update; } KeyUpdate;
Result<KeyUpdate> KeyUpdate::parse(ByteView body) {
    Reader r(body);
    const uint8_t request = r.u8();
    if (!r.finish()) return msgs_detail::decode("KeyUpdate");
    // RFC 8446 4.6.3: "If an implementation receives a KeyUpdate with request_update field other
    // than 0 or 1, it MUST terminate the connection with an "illegal_parameter" alert."
    if (!valid(request))
        return msgs_detail::illegal("KeyUpdate request_update " + std::to_string(request) +
                                    " (only 0 and 1 exist)");
    return KeyUpdate{static_cast<KeyUpdateRequest>(request)};
}

void KeyUpdate::serialize(Writer& w) const {
    if (!valid(static_cast<uint8_t>(request))) w.fail();
    w.u8(static_cast<uint8_t>(request));
}

Bytes KeyUpdate::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
