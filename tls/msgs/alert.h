// The alert record's payload (RFC 5246 7.2): level | description, exactly 2 bytes.
#pragma once

#include <tls12/tls/codec.h>
#include <tls12/tls/error.h>
#include <tls12/tls/types.h>

namespace tls12 {

struct AlertMessage {
    AlertLevel level = AlertLevel::fatal;
    AlertDescription description = AlertDescription::close_notify;

    // Length != 2 -> decode_error; a level other than warning/fatal -> illegal_parameter.
    // Unknown descriptions are kept as they are (the engine treats them as fatal).
    static Result<AlertMessage> parse(ByteView payload);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const AlertMessage&) const = default;
};

}  // namespace tls12
