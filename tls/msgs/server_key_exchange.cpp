#include <tls12/tls/msgs/server_key_exchange.h>

#include <tls12/tls/msgs/parse_util.h>

namespace tls12 {

using msgs_detail::decode;
using msgs_detail::illegal;

void ServerEcdhParams::serialize(Writer& w) const {
    w.u8(kCurveTypeNamedCurve);
    w.u16(static_cast<uint16_t>(group));
    w.vec8(public_value, 1);
}

Bytes ServerEcdhParams::encode() const {
    return msgs_detail::to_bytes(*this);
}

// RFC 8422 5.4: ServerECDHParams (ECParameters curve_params; ECPoint public) followed by
// Signature signed_params (RFC 5246 4.7 digitally-signed: SignatureAndHashAlgorithm,
// opaque signature<0..2^16-1>).
Result<ServerKeyExchange> ServerKeyExchange::parse(ByteView body) {
    Reader r(body);
    uint8_t curve_type = r.u8();
    if (!r.ok()) return decode("ServerKeyExchange");
    // RFC 8422 5.4: only named_curve; explicit curves are deprecated and refused.
    if (curve_type != kCurveTypeNamedCurve)
        return illegal("ServerKeyExchange curve_type " + std::to_string(curve_type) +
                       " is not named_curve");
    ServerKeyExchange ske;
    ske.params.group = static_cast<NamedGroup>(r.u16());
    ByteView point = r.vec8(1, 0xFF);
    ske.scheme = static_cast<SignatureScheme>(r.u16());
    ByteView signature = r.vec16(1, 0xFFFF);
    if (!r.finish()) return decode("ServerKeyExchange");
    ske.params.public_value.assign(point.begin(), point.end());
    ske.signature.assign(signature.begin(), signature.end());
    return ske;
}

void ServerKeyExchange::serialize(Writer& w) const {
    params.serialize(w);
    w.u16(static_cast<uint16_t>(scheme));
    w.vec16(signature, 1);
}

Bytes ServerKeyExchange::serialize() const {
    return msgs_detail::to_bytes(*this);
}

}  // namespace tls12
