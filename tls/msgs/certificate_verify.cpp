#include <tls12/tls/msgs/certificate_verify.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 5246 7.4.8 / 4.7: digitally-signed struct: SignatureAndHashAlgorithm, opaque signature.
Result<CertificateVerify> CertificateVerify::parse(ByteView body) {
    Reader r(body);
    CertificateVerify cv;
    cv.scheme = static_cast<SignatureScheme>(r.u16());
    ByteView signature = r.vec16(1, 0xFFFF);
    if (!r.finish()) return msgs_detail::decode("CertificateVerify");
    cv.signature.assign(signature.begin(), signature.end());
    return cv;
}

void CertificateVerify::serialize(Writer& w) const {
    w.u16(static_cast<uint16_t>(scheme));
    w.vec16(signature, 1);
}

Bytes CertificateVerify::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
