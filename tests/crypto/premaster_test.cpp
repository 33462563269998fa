// RFC 5246 7.4.7.1: RSA premaster decryption never reveals which check failed. Each malformed
// ciphertext class is crafted with raw RSA and must yield exactly the random premaster R (the
// first 48 bytes the Random hands out), never the plaintext and never an exception.
#include <gtest/gtest.h>

#include <tls12/crypto/keys.h>
#include "test_keys.h"
#include "test_util.h"

using namespace tls12::crypto;
using test_util::hex;

namespace {

constexpr size_t k = 256;  // modulus bytes of the test key
constexpr uint16_t kVersion = 0x0303;

class Premaster : public ::testing::Test {
  protected:
    PrivateKey key = PrivateKey::from_der(hex(test_keys::kRsaPkcs8));
    PublicKey pub = key.public_key();
    Bytes premaster;

    void SetUp() override {
        premaster = deterministic_random(99)->bytes(48);
        premaster[0] = 0x03;
        premaster[1] = 0x03;
    }

    // EM = 00 || 02 || PS (nonzero) || 00 || premaster.
    Bytes well_formed_em() const {
        Bytes em(k);
        em[0] = 0x00;
        em[1] = 0x02;
        for (size_t i = 2; i < k - 49; ++i) em[i] = static_cast<uint8_t>(1 + (i * 37) % 255);
        em[k - 49] = 0x00;
        std::copy(premaster.begin(), premaster.end(), em.begin() + (k - 48));
        return em;
    }

    // Decrypts with a fresh deterministic Random and checks the result is that Random's first 48
    // bytes, i.e. the substitute premaster R.
    void expect_random_premaster(ByteView ciphertext, uint16_t version = kVersion) {
        const uint64_t seed = 1234;
        const Bytes r = deterministic_random(seed)->bytes(48);
        auto rng = deterministic_random(seed);
        SecretBytes got = key.rsa_decrypt_premaster(ciphertext, version, *rng);
        ASSERT_EQ(got.size(), 48u);
        EXPECT_EQ(to_hex(got.view()), to_hex(r));
        EXPECT_NE(to_hex(got.view()), to_hex(premaster));
    }
};

}  // namespace

TEST_F(Premaster, WellFormedGivesThePremaster) {
    auto rng = deterministic_random(1);
    const Bytes c = pub.rsa_raw_public(well_formed_em());
    EXPECT_EQ(to_hex(key.rsa_decrypt_premaster(c, kVersion, *rng).view()), to_hex(premaster));
    // The minimum of 8 padding bytes is met with room to spare; the real encryptor agrees.
    const Bytes c2 = pub.rsa_encrypt_pkcs1(premaster, *rng);
    EXPECT_EQ(to_hex(key.rsa_decrypt_premaster(c2, kVersion, *rng).view()), to_hex(premaster));
}

TEST_F(Premaster, WrongLeadingBytes) {
    Bytes em = well_formed_em();
    em[1] = 0x01;  // block type 1
    expect_random_premaster(pub.rsa_raw_public(em));
    em = well_formed_em();
    em[0] = 0x01;  // nonzero first byte (still below n)
    expect_random_premaster(pub.rsa_raw_public(em));
    em = well_formed_em();
    em[1] = 0x00;
    expect_random_premaster(pub.rsa_raw_public(em));
}

TEST_F(Premaster, NoZeroSeparator) {
    Bytes em = well_formed_em();
    em[k - 49] = 0x5a;
    expect_random_premaster(pub.rsa_raw_public(em));
}

TEST_F(Premaster, ShortPadding) {
    // Only 7 padding bytes, then the separator: the message would be 239 bytes.
    Bytes em = well_formed_em();
    em[9] = 0x00;
    expect_random_premaster(pub.rsa_raw_public(em));
    // No padding at all.
    em = well_formed_em();
    em[2] = 0x00;
    expect_random_premaster(pub.rsa_raw_public(em));
}

TEST_F(Premaster, WrongPlaintextLength) {
    // 49-byte message: the separator one byte early, and the 48-byte position nonzero.
    Bytes em = well_formed_em();
    em[k - 50] = 0x00;
    em[k - 49] = 0x03;
    expect_random_premaster(pub.rsa_raw_public(em));
    // 47-byte message: separator one byte late.
    em = well_formed_em();
    em[k - 49] = 0x11;
    em[k - 48] = 0x00;
    expect_random_premaster(pub.rsa_raw_public(em));
}

TEST_F(Premaster, WrongVersion) {
    const Bytes c = pub.rsa_raw_public(well_formed_em());
    expect_random_premaster(c, 0x0301);  // client offered something else
    expect_random_premaster(c, 0x0302);
    expect_random_premaster(c, 0x0203);
}

TEST_F(Premaster, CiphertextLengthNotModulus) {
    const Bytes c = pub.rsa_raw_public(well_formed_em());
    Bytes longer = c;
    longer.push_back(0x00);
    expect_random_premaster(longer);
    Bytes leading_zero = c;
    leading_zero.insert(leading_zero.begin(), 0x00);
    expect_random_premaster(leading_zero);
    expect_random_premaster(ByteView(c).first(k - 1));
    expect_random_premaster(ByteView(c).last(k - 1));
    expect_random_premaster({});
}

TEST_F(Premaster, ValueNotBelowModulus) {
    expect_random_premaster(Bytes(k, 0xff));
    // n itself: from the SPKI, the modulus follows "0282010100".
    const Bytes spki = hex(test_keys::kRsaSpki);
    const Bytes marker = hex("0282010100");
    auto it = std::search(spki.begin(), spki.end(), marker.begin(), marker.end());
    ASSERT_NE(it, spki.end());
    const Bytes n(it + marker.size(), it + marker.size() + k);
    expect_random_premaster(n);
    Bytes n_plus_one = n;
    n_plus_one.back()++;
    expect_random_premaster(n_plus_one);
}

TEST_F(Premaster, FailuresUseFreshRandomness) {
    Bytes em = well_formed_em();
    em[1] = 0x01;
    const Bytes c = pub.rsa_raw_public(em);
    auto r1 = system_random();
    const auto a = key.rsa_decrypt_premaster(c, kVersion, *r1);
    const auto b = key.rsa_decrypt_premaster(c, kVersion, *r1);
    EXPECT_EQ(a.size(), 48u);
    EXPECT_FALSE(constant_time_equal(a.view(), b.view()));
}

TEST_F(Premaster, NonRsaKeyThrows) {
    auto ec = PrivateKey::from_der(hex(test_keys::kEcP256Pkcs8));
    auto rng = deterministic_random(1);
    EXPECT_THROW(ec.rsa_decrypt_premaster(Bytes(256), kVersion, *rng), KeyError);
}
