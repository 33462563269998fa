#include <exception>

#include <tls12/tls/handshake/common.h>
#include <tls12/x509/certificate.h>

namespace tls12 {

Result<crypto::PublicKey> certificate_public_key(ByteView certificate_der) {
    Bytes spki;
    try {
        spki = x509::leaf_spki_der(Bytes(certificate_der.begin(), certificate_der.end()));
    } catch (const std::exception& e) {
        return make_error(AlertDescription::bad_certificate,
                          std::string("cannot read the peer's certificate: ") + e.what());
    }
    try {
        return crypto::PublicKey::from_spki_der(spki);
    } catch (const std::exception& e) {
        return make_error(AlertDescription::unsupported_certificate,
                          std::string("unsupported key in the peer's certificate: ") + e.what());
    }
}

}  // namespace tls12
