// Private helpers of the message parsers (not part of the msgs API).
#pragma once

#include <string>
#include <utility>

#include <tls12/tls/codec.h>
#include <tls12/tls/error.h>

namespace tls12::msgs_detail {

// A structure that does not parse: RFC 5246 7.2.2 decode_error.
inline Error decode(std::string what) {
    return make_error(AlertDescription::decode_error, "malformed " + std::move(what));
}

// A structure that parses but carries a value that is not allowed: illegal_parameter.
inline Error illegal(std::string what) {
    return make_error(AlertDescription::illegal_parameter, std::move(what));
}

// The serialize() convenience: writes msg into a fresh buffer. A message that cannot be encoded
// (a field outside its limits) gives no bytes at all, never malformed ones; the engine writes
// through serialize(Writer&) and checks the writer instead.
template <typename Msg>
Bytes to_bytes(const Msg& msg) {
    Writer w;
    msg.serialize(w);
    if (!w.ok()) return {};
    return w.take();
}

}  // namespace tls12::msgs_detail
