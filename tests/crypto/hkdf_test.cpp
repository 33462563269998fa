// hkdf.h: RFC 5869 Appendix A (SHA-256 cases A.1-A.3) and the output length limit. The Wycheproof
// files (wycheproof_test.cpp) add SHA-256 and SHA-384 edge cases.
#include <gtest/gtest.h>

#include <tls12/crypto/hkdf.h>
#include "test_util.h"

using namespace tls12::crypto;
using test_util::hex;

namespace {

struct Rfc5869Case {
    const char* name;
    Bytes ikm, salt, info;
    const char* prk;
    const char* okm;
};

Bytes counting(uint8_t from, size_t n) {
    Bytes out(n);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(from + i);
    return out;
}

}  // namespace

TEST(Hkdf, Rfc5869AppendixA) {
    const Rfc5869Case cases[] = {
        {"A.1 basic", Bytes(22, 0x0b), counting(0x00, 13), counting(0xf0, 10),
         "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
        {"A.2 longer inputs", counting(0x00, 80), counting(0x60, 80), counting(0xb0, 80),
         "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
         "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65"
         "e"
         "590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
        {"A.3 empty salt and info",
         Bytes(22, 0x0b),
         {},
         {},
         "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const SecretBytes prk = hkdf_extract(HashAlgorithm::sha256, c.salt, c.ikm);
        EXPECT_EQ(to_hex(prk.view()), c.prk);
        const size_t length = hex(c.okm).size();
        Bytes okm(length);
        hkdf_expand(HashAlgorithm::sha256, prk.view(), c.info, okm);
        EXPECT_EQ(to_hex(okm), c.okm);
        EXPECT_EQ(to_hex(hkdf(HashAlgorithm::sha256, c.salt, c.ikm, c.info, length).view()), c.okm);
        // A shorter output is a prefix of the longer one.
        Bytes prefix(length - 10);
        hkdf_expand(HashAlgorithm::sha256, prk.view(), c.info, prefix);
        EXPECT_EQ(to_hex(prefix), std::string(c.okm).substr(0, 2 * prefix.size()));
    }
    // An empty salt is HashLen zero bytes (RFC 5869 2.2).
    EXPECT_EQ(to_hex(hkdf_extract(HashAlgorithm::sha384, {}, Bytes(22, 0x0b)).view()),
              to_hex(hkdf_extract(HashAlgorithm::sha384, Bytes(48, 0), Bytes(22, 0x0b)).view()));
}

TEST(Hkdf, OutputLengthLimit) {
    const Bytes prk(32, 0x42);
    Bytes most(255 * 32);
    hkdf_expand(HashAlgorithm::sha256, prk, {}, most);
    Bytes too_long(255 * 32 + 1);
    EXPECT_THROW(hkdf_expand(HashAlgorithm::sha256, prk, {}, too_long), std::invalid_argument);
    Bytes most384(255 * 48);
    hkdf_expand(HashAlgorithm::sha384, Bytes(48, 1), {}, most384);
    EXPECT_THROW(hkdf(HashAlgorithm::sha384, {}, prk, {}, 255 * 48 + 1), std::invalid_argument);
    Bytes none;
    hkdf_expand(HashAlgorithm::sha256, prk, {}, none);  // L = 0 is allowed
    EXPECT_EQ(hkdf(HashAlgorithm::sha256, {}, prk, {}, 0).size(), 0u);
}
