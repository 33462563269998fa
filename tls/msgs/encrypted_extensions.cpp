#include <tls12/tls/msgs/encrypted_extensions.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 8446 4.3.1: struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
Result<EncryptedExtensions> EncryptedExtensions::parse(ByteView body) {
    Reader r(body);
    auto ext = Extensions::read_block(r, ExtensionContext::encrypted_extensions);
    if (!ext) return std::move(ext).error();
    if (!r.finish()) return msgs_detail::decode("EncryptedExtensions");
    return EncryptedExtensions{std::move(ext).value()};
}

void EncryptedExtensions::serialize(Writer& w) const {
    extensions.write_block(w, ExtensionContext::encrypted_extensions);
}

Bytes EncryptedExtensions::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
