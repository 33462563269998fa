// Certificate (RFC 5246 7.4.2): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>, leaf first.
#pragma once

#include <vector>

#include <tls12/tls/msgs/handshake.h>

namespace tls12 {

struct Certificate {
    static constexpr HandshakeType kType = HandshakeType::certificate;

    std::vector<Bytes> chain;  // DER certificates, may be empty (client without a certificate)

    static Result<Certificate> parse(ByteView body);
    void serialize(Writer& w) const;
    Bytes serialize() const;

    bool operator==(const Certificate&) const = default;
};

}  // namespace tls12
