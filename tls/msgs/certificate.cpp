#include <tls12/tls/msgs/certificate.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;

// RFC 5246 7.4.2: ASN.1Cert certificate_list<0..2^24-1>; opaque ASN.1Cert<1..2^24-1>.
Result<Certificate> Certificate::parse(ByteView body) {
    Reader r(body);
    Reader list = r.sub24(0, 0xFFFFFF);
    if (!r.finish()) return decode("Certificate");
    Certificate msg;
    while (!list.empty()) {
        ByteView cert = list.vec24(1, 0xFFFFFF);
        if (!list.ok()) return decode("Certificate entry");
        msg.chain.emplace_back(cert.begin(), cert.end());
    }
    return msg;
}

void Certificate::serialize(Writer& w) const {
    auto list = w.prefix24();
    for (const Bytes& cert : chain) w.vec24(cert, 1);
}

Bytes Certificate::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
