#include <tls12/tls/msgs/certificate_request.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;

// RFC 5246 7.4.4:
//   ClientCertificateType certificate_types<1..2^8-1>;
//   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
//   DistinguishedName certificate_authorities<0..2^16-1>; opaque DistinguishedName<1..2^16-1>;
Result<CertificateRequest> CertificateRequest::parse(ByteView body) {
    Reader r(body);
    ByteView types = r.vec8(1, 0xFF);
    Reader algs = r.sub16(2, 0xFFFE);
    Reader cas = r.sub16(0, 0xFFFF);
    if (!r.finish()) return decode("CertificateRequest");
    if (algs.remaining() % 2 != 0)
        return decode("CertificateRequest supported_signature_algorithms (odd length)");
    CertificateRequest cr;
    cr.certificate_types.assign(types.begin(), types.end());
    while (!algs.empty())
        cr.supported_signature_algorithms.push_back(static_cast<SignatureScheme>(algs.u16()));
    while (!cas.empty()) {
        ByteView dn = cas.vec16(1, 0xFFFF);
        if (!cas.ok()) return decode("CertificateRequest certificate_authorities");
        cr.certificate_authorities.emplace_back(dn.begin(), dn.end());
    }
    return cr;
}

void CertificateRequest::serialize(Writer& w) const {
    w.vec8(certificate_types, 1);
    if (supported_signature_algorithms.empty()) w.fail();
    {
        auto algs = w.prefix16(0xFFFE);
        for (SignatureScheme s : supported_signature_algorithms) w.u16(static_cast<uint16_t>(s));
    }
    auto cas = w.prefix16();
    for (const Bytes& dn : certificate_authorities) w.vec16(dn, 1);
}

Bytes CertificateRequest::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
