#include <tls12/tls/msgs/change_cipher_spec.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 5246 7.1: struct { enum { change_cipher_spec(1), (255) } type; } ChangeCipherSpec;
Result<ChangeCipherSpec> ChangeCipherSpec::parse(ByteView payload) {
    if (payload.size() != 1) return msgs_detail::decode("ChangeCipherSpec (length is not 1)");
    if (payload[0] != 1)
        return msgs_detail::illegal("ChangeCipherSpec value " + std::to_string(payload[0]));
    return ChangeCipherSpec{};
}

void ChangeCipherSpec::serialize(Writer& w) const {
    w.u8(1);
}

Bytes ChangeCipherSpec::serialize() const {
    return {1};
}

}  // namespace tls12
