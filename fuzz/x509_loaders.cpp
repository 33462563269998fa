// The x509 loaders on arbitrary bytes. Exceptions are their documented error path; crashes and
// sanitizer reports are findings.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include <tls12/x509/x509.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const tls12::crypto::ByteView bytes(data, size);
    try {
        for (const tls12::crypto::Bytes& der : tls12::x509::parse_certificates(bytes)) {
            try {
                tls12::x509::CertificateInfo info = tls12::x509::describe(der);
                (void)info.to_string();
                (void)tls12::x509::leaf_spki_der(der);
            } catch (const std::exception&) {
            }
        }
    } catch (const std::exception&) {
    }
    try {
        tls12::crypto::PrivateKey key = tls12::x509::parse_private_key(bytes);
        (void)key.bits();
    } catch (const std::exception&) {
    }
    try {
        // describe() on raw bytes too: it takes a DER certificate that nobody has vetted.
        (void)tls12::x509::describe(tls12::crypto::Bytes(bytes.begin(), bytes.end()));
    } catch (const std::exception&) {
    }
    return 0;
}
