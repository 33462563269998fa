// The x509_loaders fuzz target's seeds (fuzz/corpus/x509_loaders/) through verify_chain() as the
// target calls it: same trust store, same clock. Chains issued under the fuzz root must still
// validate, or the fuzzer starts every mutation from an early failure and never reaches path
// building's later checks (re-run scripts/make_fuzz_corpus then).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef TLS12_FUZZ_DATA_DIR
#define TLS12_FUZZ_DATA_DIR TLS12_SOURCE_DIR "/fuzz/data"
#endif
#include "../../fuzz/support/fuzz_common.h"

#include <tls12/x509/x509.h>

TEST(X509FuzzCorpus, ChainsUnderTheFuzzRootValidate) {
    tls12::x509::TrustStore trust;
    for (const char* name : {"x509_root_cert.pem", "rsa_cert.pem", "ecdsa_cert.pem"})
        trust.add_pem_file(std::string(TLS12_FUZZ_DATA_DIR) + "/" + name);

    size_t inputs = 0, valid = 0;
    const std::string dir = std::string(TLS12_SOURCE_DIR) + "/fuzz/corpus/x509_loaders";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        const tls12::crypto::Bytes input{std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()};
        ++inputs;
        std::vector<tls12::crypto::Bytes> chain;
        try {
            chain = tls12::x509::parse_certificates(input);
        } catch (const tls12::x509::Error&) {
            continue;  // a key, not a certificate
        }
        const auto result = tls12::x509::verify_chain(
            chain, trust, "localhost", tls12::x509::Purpose::server_auth, tls12_fuzz::fixed_now());
        if (result.ok()) ++valid;
    }
    EXPECT_GE(inputs, 8u);
    EXPECT_GE(valid, 5u) << "fuzz/corpus/x509_loaders is stale: re-run scripts/make_fuzz_corpus";
}
