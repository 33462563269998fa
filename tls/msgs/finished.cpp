#include <tls12/tls/msgs/finished.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 5246 7.4.9: opaque verify_data[verify_data_length]; 12 unless the suite says otherwise.
Result<Finished> Finished::parse(ByteView body, size_t expected_length) {
    if (body.size() != expected_length)
        return msgs_detail::decode("Finished (verify_data is " + std::to_string(body.size()) +
                                   " bytes, expected " + std::to_string(expected_length) + ")");
    return Finished{Bytes(body.begin(), body.end())};
}

void Finished::serialize(Writer& w) const {
    w.bytes(verify_data);
}

Bytes Finished::serialize() const {
    return verify_data;
}

}  // namespace tls12
