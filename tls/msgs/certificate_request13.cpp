#include <tls12/tls/msgs/certificate_request13.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

// RFC 8446 4.3.2: struct { opaque certificate_request_context<0..2^8-1>;
//                          Extension extensions<2..2^16-1>; } CertificateRequest;
Result<CertificateRequest13> CertificateRequest13::parse(ByteView body) {
    Reader r(body);
    ByteView context = r.vec8(0, 0xFF);
    auto ext = Extensions::read_block(r, ExtensionContext::certificate_request, 2);
    if (!ext) return std::move(ext).error();
    if (!r.finish()) return msgs_detail::decode("CertificateRequest");
    // RFC 8446 4.3.2: "The "signature_algorithms" extension MUST be specified".
    if (!ext->signature_algorithms)
        return make_error(AlertDescription::missing_extension,
                          "CertificateRequest without signature_algorithms");
    return CertificateRequest13{Bytes(context.begin(), context.end()), std::move(ext).value()};
}

void CertificateRequest13::serialize(Writer& w) const {
    if (!extensions.signature_algorithms) w.fail();
    w.vec8(context);
    extensions.write_block(w, ExtensionContext::certificate_request);
}

Bytes CertificateRequest13::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
