// The x509 loaders on arbitrary bytes. Exceptions are their documented error path; crashes and
// sanitizer reports are findings.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "x509/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const crypto::ByteView bytes(data, size);
    try {
        for (const crypto::Bytes& der : x509::parse_certificates(bytes)) {
            try {
                x509::CertificateInfo info = x509::describe(der);
                (void)info.to_string();
                (void)x509::leaf_spki_der(der);
            } catch (const std::exception&) {
            }
        }
    } catch (const std::exception&) {
    }
    try {
        crypto::PrivateKey key = x509::parse_private_key(bytes);
        (void)key.bits();
    } catch (const std::exception&) {
    }
    try {
        // describe() on raw bytes too: it takes a DER certificate that nobody has vetted.
        (void)x509::describe(crypto::Bytes(bytes.begin(), bytes.end()));
    } catch (const std::exception&) {
    }
    return 0;
}
