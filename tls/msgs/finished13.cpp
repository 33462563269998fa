#include <tls12/tls/msgs/finished13.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

namespace {

bool hash_length(size_t size) {
    return size == 32 || size == 48;
}

}  // namespace

// RFC 8446 4.4.4: struct { opaque verify_data[Hash.length]; } Finished;
Result<Finished13> Finished13::parse(ByteView body, size_t expected_length) {
    const bool fits =
        expected_length == 0 ? hash_length(body.size()) : body.size() == expected_length;
    if (!fits)
        return msgs_detail::decode(
            "Finished (verify_data is " + std::to_string(body.size()) + " bytes, expected " +
            (expected_length == 0 ? std::string("32 or 48") : std::to_string(expected_length)) +
            ")");
    return Finished13{Bytes(body.begin(), body.end())};
}

void Finished13::serialize(Writer& w) const {
    if (!hash_length(verify_data.size())) w.fail();
    w.bytes(verify_data);
}

Bytes Finished13::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
