#include <tls12/tls/msgs/certificate13.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;

// RFC 8446 4.4.2:
//   struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry;
//   struct { opaque certificate_request_context<0..2^8-1>;
//            CertificateEntry certificate_list<0..2^24-1>; } Certificate;
Result<Certificate13> Certificate13::parse(ByteView body) {
    Reader r(body);
    ByteView context = r.vec8(0, 0xFF);
    Reader list = r.sub24(0, 0xFFFFFF);
    if (!r.finish()) return decode("Certificate");
    Certificate13 msg;
    msg.request_context.assign(context.begin(), context.end());
    while (!list.empty()) {
        ByteView cert = list.vec24(1, 0xFFFFFF);
        if (!list.ok()) return decode("Certificate entry");
        auto ext = Extensions::read_block(list, ExtensionContext::certificate_entry);
        if (!ext) return std::move(ext).error();
        msg.entries.push_back({Bytes(cert.begin(), cert.end()), std::move(ext).value()});
    }
    return msg;
}

void Certificate13::serialize(Writer& w) const {
    w.vec8(request_context);
    auto list = w.prefix24();
    for (const CertificateEntry& entry : entries) {
        w.vec24(entry.cert_data, 1);
        entry.extensions.write_block(w, ExtensionContext::certificate_entry);
    }
}

Bytes Certificate13::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
