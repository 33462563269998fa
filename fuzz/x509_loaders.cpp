// The x509 loaders on arbitrary bytes, and chain validation of whatever certificates they find.
// Exceptions are the loaders' documented error path; verify_chain() never throws. Crashes and
// sanitizer reports are findings.
//
// verify_chain() runs against a small fixed trust store (fuzz/data: the fuzz root, under which
// the seed corpus's chains are issued, and the two self-signed test certificates) at a fixed
// time, so path building, the certificate field decoders, signatures, name constraints and host
// name matching all see fuzzed certificates. The input's length picks the purpose and host name.
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <tls12/x509/x509.h>
#include "support/fuzz_common.h"

namespace {

const tls12::x509::TrustStore& trust_store() {
    static const tls12::x509::TrustStore store = [] {
        const std::string dir = TLS12_FUZZ_DATA_DIR;
        tls12::x509::TrustStore s;
        for (const char* name : {"x509_root_cert.pem", "rsa_cert.pem", "ecdsa_cert.pem"})
            s.add_pem_file(dir + "/" + name);
        return s;
    }();
    return store;
}

void verify(const std::vector<tls12::crypto::Bytes>& chain, size_t input_size) {
    static constexpr std::array<std::string_view, 4> kHostNames = {"localhost", "127.0.0.1",
                                                                   "a.www.example.com", ""};
    const auto purpose =
        input_size % 2 == 0 ? tls12::x509::Purpose::server_auth : tls12::x509::Purpose::client_auth;
    const std::string_view host = kHostNames[(input_size / 2) % kHostNames.size()];
    const tls12::x509::VerifyResult result =
        tls12::x509::verify_chain(chain, trust_store(), host, purpose, tls12_fuzz::fixed_now());
    (void)tls12::x509::to_string(result.code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const tls12::crypto::ByteView bytes(data, size);
    std::vector<tls12::crypto::Bytes> chain;
    try {
        chain = tls12::x509::parse_certificates(bytes);
    } catch (const std::exception&) {
    }
    for (const tls12::crypto::Bytes& der : chain) {
        try {
            tls12::x509::CertificateInfo info = tls12::x509::describe(der);
            (void)info.to_string();
            (void)tls12::x509::leaf_spki_der(der);
        } catch (const std::exception&) {
        }
    }
    verify(chain, size);  // outside any try: verify_chain() promises not to throw
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
