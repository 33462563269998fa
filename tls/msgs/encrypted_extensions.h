// EncryptedExtensions (RFC 8446 4.3.1): the server's answers that need no key exchange,
// Extension extensions<0..2^16-1>, the first message under the handshake keys.
#pragma once

#include <tls12/tls/msgs/extensions.h>
#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct EncryptedExtensions {
    static constexpr HandshakeType kType = HandshakeType::encrypted_extensions;

    Extensions extensions;  // ExtensionContext::encrypted_extensions

    static Result<EncryptedExtensions> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const EncryptedExtensions&) const = default;
};

}  // namespace tls12
