// aead.h: AES-GCM (McGrew & Viega test cases, as in NIST's GCM spec) and ChaCha20-Poly1305
// (RFC 8439 2.8.2), plus tampering and misuse.
#include <gtest/gtest.h>
#include <algorithm>

#include <tls12/crypto/aead.h>
#include "test_util.h"

using namespace tls12::crypto;
using test_util::hex;

namespace {

struct AeadVector {
    const char* name;
    AeadAlgorithm algorithm;
    const char* key;
    const char* nonce;
    const char* aad;
    const char* plaintext;
    const char* ciphertext;
    const char* tag;
};

constexpr const char* kP3 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b5"
    "25b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kP4 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b5"
    "25b16aedf5aa0de657ba637b39";
constexpr const char* kA4 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char* kK128 = "feffe9928665731c6d6a8f9467308308";
constexpr const char* kK256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr const char* kIv = "cafebabefacedbaddecaf888";

const AeadVector kVectors[] = {
    {"gcm_tc2", AeadAlgorithm::aes128_gcm, "00000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
    {"gcm_tc3", AeadAlgorithm::aes128_gcm, kK128, kIv, "", kP3,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac8"
     "4aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"gcm_tc4", AeadAlgorithm::aes128_gcm, kK128, kIv, kA4, kP4,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac8"
     "4aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"gcm_tc14", AeadAlgorithm::aes256_gcm,
     "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
     "", "00000000000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18",
     "d0d1c8a799996bf0265b98b5d48ab919"},
    {"gcm_tc15", AeadAlgorithm::aes256_gcm, kK256, kIv, "", kP3,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056"
     "828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"gcm_tc16", AeadAlgorithm::aes256_gcm, kK256, kIv, kA4, kP4,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056"
     "828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    {"rfc8439_2_8_2", AeadAlgorithm::chacha20_poly1305,
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", "070000004041424344454647",
     "50515253c0c1c2c3c4c5c6c7",
     // "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the
     // future, sunscreen would be it."
     "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a204966204"
     "920636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f7220746865206675747572652c"
     "2073756e73637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da9"
     "2728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad6759455858"
     "08b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116",
     "1ae10b594f09e26a7e902ecbd0600691"},
};

class AeadKat : public ::testing::TestWithParam<AeadVector> {};

}  // namespace

TEST_P(AeadKat, SealMatchesAndOpenRecovers) {
    const AeadVector& v = GetParam();
    Aead aead(v.algorithm, hex(v.key));
    const Bytes nonce = hex(v.nonce), aad = hex(v.aad), plaintext = hex(v.plaintext);

    Bytes data = plaintext;
    Bytes tag(aead_tag_size);
    aead.seal(nonce, aad, data, tag);
    EXPECT_EQ(to_hex(data), v.ciphertext);
    EXPECT_EQ(to_hex(tag), v.tag);

    EXPECT_TRUE(aead.open(nonce, aad, data, tag));
    EXPECT_EQ(data, plaintext);

    // The same object keeps working (resynchronised per call, not re-keyed).
    aead.seal(nonce, aad, data, tag);
    EXPECT_EQ(to_hex(data), v.ciphertext);
}

TEST_P(AeadKat, SealsOutOfPlace) {
    const AeadVector& v = GetParam();
    Aead aead(v.algorithm, hex(v.key), AeadUse::seal_only);
    const Bytes nonce = hex(v.nonce), aad = hex(v.aad), plaintext = hex(v.plaintext);
    Bytes ciphertext(plaintext.size(), 0xee), tag(aead_tag_size);
    aead.seal(nonce, aad, plaintext, ciphertext, tag);
    EXPECT_EQ(to_hex(ciphertext), v.ciphertext);
    EXPECT_EQ(to_hex(tag), v.tag);
    EXPECT_EQ(plaintext, hex(v.plaintext)) << "the input was written to";
    Bytes short_out(plaintext.size() + 1);
    EXPECT_THROW(aead.seal(nonce, aad, plaintext, short_out, tag), std::invalid_argument);
}

TEST_P(AeadKat, SealsWithATrailerElsewhere) {
    const AeadVector& v = GetParam();
    Aead aead(v.algorithm, hex(v.key), AeadUse::seal_only);
    const Bytes nonce = hex(v.nonce), aad = hex(v.aad), plaintext = hex(v.plaintext);
    // Every split of the vector's plaintext into data and a trailer of up to 17 bytes seals to
    // the vector's ciphertext and tag, out of place and in place.
    for (size_t t = 0; t <= std::min<size_t>(17, plaintext.size()); ++t) {
        const size_t n = plaintext.size() - t;
        const Bytes data(plaintext.begin(), plaintext.begin() + static_cast<std::ptrdiff_t>(n));
        const Bytes trailer(plaintext.begin() + static_cast<std::ptrdiff_t>(n), plaintext.end());
        Bytes ciphertext(plaintext.size(), 0xee), tag(aead_tag_size);
        aead.seal(nonce, aad, data, trailer, ciphertext, tag);
        EXPECT_EQ(to_hex(ciphertext), v.ciphertext) << "trailer of " << t;
        EXPECT_EQ(to_hex(tag), v.tag) << "trailer of " << t;

        Bytes in_place = plaintext;
        std::fill(in_place.begin() + static_cast<std::ptrdiff_t>(n), in_place.end(), 0xee);
        aead.seal(nonce, aad, ByteView(in_place).first(n), trailer, in_place, tag);
        EXPECT_EQ(to_hex(in_place), v.ciphertext) << "in place, trailer of " << t;
        EXPECT_EQ(to_hex(tag), v.tag) << "in place, trailer of " << t;
    }
    Bytes short_out(plaintext.size()), tag(aead_tag_size);
    const uint8_t extra = 0;
    EXPECT_THROW(aead.seal(nonce, aad, plaintext, ByteView(&extra, 1), short_out, tag),
                 std::invalid_argument);
}

TEST_P(AeadKat, TamperingIsRejectedAndZeroes) {
    const AeadVector& v = GetParam();
    Aead aead(v.algorithm, hex(v.key));
    const Bytes nonce = hex(v.nonce), aad = hex(v.aad);
    const Bytes ct = hex(v.ciphertext), tag = hex(v.tag);
    const Bytes zeros(ct.size(), 0);

    auto attempt = [&](Bytes n, Bytes a, Bytes c, Bytes t) {
        const bool ok = aead.open(n, a, c, t);
        EXPECT_EQ(c, zeros) << "unauthenticated plaintext released";
        return ok;
    };
    Bytes bad_tag = tag;
    bad_tag[15] ^= 0x01;
    EXPECT_FALSE(attempt(nonce, aad, ct, bad_tag));
    Bytes bad_ct = ct;
    bad_ct[0] ^= 0x80;
    EXPECT_FALSE(attempt(nonce, aad, bad_ct, tag));
    Bytes bad_aad = aad;
    bad_aad.push_back(0x00);
    EXPECT_FALSE(attempt(nonce, bad_aad, ct, tag));
    Bytes bad_nonce = nonce;
    bad_nonce[11] ^= 0x01;
    EXPECT_FALSE(attempt(bad_nonce, aad, ct, tag));
    // A wrong key.
    Bytes key = hex(v.key);
    key[0] ^= 0x01;
    Aead other(v.algorithm, key);
    Bytes c = ct;
    EXPECT_FALSE(other.open(nonce, aad, c, tag));
    EXPECT_EQ(c, zeros);
    // And the genuine record still opens afterwards.
    c = ct;
    EXPECT_TRUE(aead.open(nonce, aad, c, tag));
    EXPECT_EQ(c, hex(v.plaintext));
}

INSTANTIATE_TEST_SUITE_P(Vectors, AeadKat, ::testing::ValuesIn(kVectors),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Aead, KeySizesAndNames) {
    EXPECT_EQ(aead_key_size(AeadAlgorithm::aes128_gcm), 16u);
    EXPECT_EQ(aead_key_size(AeadAlgorithm::aes256_gcm), 32u);
    EXPECT_EQ(aead_key_size(AeadAlgorithm::chacha20_poly1305), 32u);
    EXPECT_STREQ(to_string(AeadAlgorithm::chacha20_poly1305), "ChaCha20-Poly1305");
    EXPECT_THROW(Aead(AeadAlgorithm::aes128_gcm, Bytes(32)), std::invalid_argument);
    EXPECT_THROW(Aead(AeadAlgorithm::aes256_gcm, Bytes(16)), std::invalid_argument);
    EXPECT_THROW(Aead(AeadAlgorithm::chacha20_poly1305, Bytes(16)), std::invalid_argument);
}

TEST(Aead, RejectsBadNonceOrTagSize) {
    Aead aead(AeadAlgorithm::aes128_gcm, Bytes(16));
    Bytes data(10), tag(16), short_tag(12);
    EXPECT_THROW(aead.seal(Bytes(8), {}, data, tag), std::invalid_argument);
    EXPECT_THROW(aead.seal(Bytes(12), {}, data, short_tag), std::invalid_argument);
    EXPECT_THROW((void)aead.open(Bytes(12), {}, data, short_tag), std::invalid_argument);
}

TEST(Aead, RoundTripsEveryLengthAndMoves) {
    auto rng = deterministic_random(7);
    for (auto alg :
         {AeadAlgorithm::aes128_gcm, AeadAlgorithm::aes256_gcm, AeadAlgorithm::chacha20_poly1305}) {
        Aead sealer(alg, rng->bytes(aead_key_size(alg)));
        Aead opener = std::move(sealer);  // moves keep the key schedule
        EXPECT_EQ(opener.algorithm(), alg);
        for (size_t n : {0u, 1u, 15u, 16u, 17u, 255u, 1024u, 16384u + 256u}) {
            const Bytes nonce = rng->bytes(12), aad = rng->bytes(13), plaintext = rng->bytes(n);
            Bytes data = plaintext, tag(16);
            opener.seal(nonce, aad, data, tag);
            if (n >= 16) {
                EXPECT_NE(data, plaintext);
            }
            EXPECT_TRUE(opener.open(nonce, aad, data, tag));
            EXPECT_EQ(data, plaintext) << to_string(alg) << " " << n;
        }
    }
}
