// The change_cipher_spec record's payload (RFC 5246 7.1): the single byte 0x01.
#pragma once

#include <tls12/tls/codec.h>
#include <tls12/tls/error.h>
#include <tls12/tls/types.h>

namespace tls12 {

struct ChangeCipherSpec {
    // Length != 1 -> decode_error; a byte other than 1 -> illegal_parameter.
    static Result<ChangeCipherSpec> parse(ByteView payload);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const ChangeCipherSpec&) const = default;
};

}  // namespace tls12
