// AES-CBC against NIST SP 800-38A (F.2.1-F.2.6), and the constant-time HMAC helper against plain
// HMAC for every secret length, hash, block boundary and record size.
#include <gtest/gtest.h>

#include <algorithm>

#include <tls12/crypto/cbc.h>
#include <tls12/crypto/hmac.h>

using tls12::crypto::AesCbc;
using tls12::crypto::Bytes;
using tls12::crypto::ByteView;
using tls12::crypto::CbcDirection;
using tls12::crypto::from_hex;
using tls12::crypto::to_hex;

namespace {

const Bytes kIv = from_hex("000102030405060708090a0b0c0d0e0f");
const Bytes kPlaintext = from_hex(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");

struct Vector {
    const char* name;
    const char* key;
    const char* ciphertext;
};

const Vector kVectors[] = {
    {"CBC-AES128", "2b7e151628aed2a6abf7158809cf4f3c",
     "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
     "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
    {"CBC-AES256", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
     "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
};

TEST(AesCbc, Sp800_38aVectors) {
    for (const auto& v : kVectors) {
        SCOPED_TRACE(v.name);
        const Bytes key = from_hex(v.key);
        const Bytes expected = from_hex(v.ciphertext);
        AesCbc enc(key, CbcDirection::encrypt);
        AesCbc dec(key, CbcDirection::decrypt);
        for (int round = 0; round < 2; ++round) {  // keyed once, reusable
            Bytes data = kPlaintext;
            enc.encrypt(kIv, data);
            EXPECT_EQ(data, expected);
            dec.decrypt(kIv, data);
            EXPECT_EQ(data, kPlaintext);
        }
        // Block by block with the previous ciphertext block as IV: same chain.
        Bytes data = kPlaintext;
        Bytes iv = kIv;
        for (size_t off = 0; off < data.size(); off += 16) {
            enc.encrypt(iv, tls12::crypto::MutableByteView(data).subspan(off, 16));
            iv.assign(data.begin() + off, data.begin() + off + 16);
        }
        EXPECT_EQ(data, expected);
    }
}

TEST(AesCbc, RejectsBadInput) {
    EXPECT_THROW(AesCbc(from_hex("00112233"), CbcDirection::encrypt), std::invalid_argument);
    AesCbc enc(from_hex("2b7e151628aed2a6abf7158809cf4f3c"), CbcDirection::encrypt);
    Bytes partial(15);
    EXPECT_THROW(enc.encrypt(kIv, partial), std::invalid_argument);
    Bytes block(16);
    EXPECT_THROW(enc.decrypt(kIv, block), std::logic_error);
}

TEST(ConstantTime, Masks) {
    EXPECT_EQ(tls12::crypto::ct_eq_mask(5, 5), 0xffffffffu);
    EXPECT_EQ(tls12::crypto::ct_eq_mask(5, 6), 0u);
    EXPECT_EQ(tls12::crypto::ct_eq_mask(0, 0x80000000u), 0u);
    EXPECT_EQ(tls12::crypto::ct_lt_mask(3, 4), 0xffffffffu);
    EXPECT_EQ(tls12::crypto::ct_lt_mask(4, 4), 0u);
    EXPECT_EQ(tls12::crypto::ct_le_mask(4, 4), 0xffffffffu);
    EXPECT_EQ(tls12::crypto::ct_le_mask(5, 4), 0u);
    EXPECT_EQ(tls12::crypto::ct_select(0xffffffffu, 7, 9), 7u);
    EXPECT_EQ(tls12::crypto::ct_select(0, 7, 9), 9u);
}

TEST(HmacConstantTime, MatchesPlainHmacForEveryLength) {
    for (auto alg : {tls12::crypto::HashAlgorithm::sha1, tls12::crypto::HashAlgorithm::sha256,
                     tls12::crypto::HashAlgorithm::sha384}) {
        SCOPED_TRACE(tls12::crypto::to_string(alg));
        const Bytes key(32, 0x5c);
        tls12::crypto::Hmac mac(alg, key);
        const Bytes header = from_hex("00000000000000011703030000");
        Bytes data(300);
        for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
        for (size_t len = 0; len <= data.size(); ++len) {
            Bytes message = header;
            message.insert(message.end(), data.begin(), data.begin() + len);
            const Bytes expected = tls12::crypto::hmac(alg, key, message);
            Bytes got(mac.size());
            mac.mac_constant_time(header, data, 0, len, got);
            ASSERT_EQ(got, expected) << "length " << len;
        }
        // The instance is reset and still usable the ordinary way.
        mac.update(header);
        Bytes out(mac.size());
        mac.finish(out);
        EXPECT_EQ(out, tls12::crypto::hmac(alg, key, header));
    }
}

}  // namespace

namespace {

size_t block_size(tls12::crypto::HashAlgorithm alg) {
    return alg == tls12::crypto::HashAlgorithm::sha384 ||
                   alg == tls12::crypto::HashAlgorithm::sha512
               ? 128
               : 64;
}

Bytes pattern(size_t n, uint8_t seed) {
    Bytes out(n);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 131);
    return out;
}

// mac_constant_time(prefix, data, min_len, len) against tls12::crypto::hmac(prefix || data[0..len))
// for every len in [min_len, data.size()].
void expect_matches_plain_hmac(tls12::crypto::HashAlgorithm alg, ByteView key, ByteView prefix,
                               ByteView data, size_t min_len) {
    tls12::crypto::Hmac mac(alg, key);
    Bytes message(prefix.begin(), prefix.end());
    message.insert(message.end(), data.begin(), data.end());
    for (size_t len = min_len; len <= data.size(); ++len) {
        const Bytes expected =
            tls12::crypto::hmac(alg, key, ByteView(message).first(prefix.size() + len));
        Bytes got(mac.size());
        mac.mac_constant_time(prefix, data, min_len, len, got);
        ASSERT_EQ(to_hex(got), to_hex(expected))
            << tls12::crypto::to_string(alg) << " key " << key.size() << " prefix " << prefix.size()
            << " data " << data.size() << " min_len " << min_len << " len " << len;
    }
}

const tls12::crypto::HashAlgorithm kAllMacHashes[] = {
    tls12::crypto::HashAlgorithm::sha1, tls12::crypto::HashAlgorithm::sha256,
    tls12::crypto::HashAlgorithm::sha384, tls12::crypto::HashAlgorithm::sha512};

}  // namespace

// Every data length up to two blocks past the second block boundary and every secret length below
// it: the 0x80 byte and the length field land in every position of the last block, in the block
// before it, and spill into one more block.
TEST(HmacConstantTime, EveryLengthAroundBlockBoundaries) {
    const Bytes header = from_hex("00000000000000011703030000");  // the record MAC header size
    for (auto alg : kAllMacHashes) {
        const size_t block = block_size(alg);
        const Bytes key = pattern(tls12::crypto::digest_size(alg), 0x31);
        for (size_t n = 0; n <= 2 * block + 2; ++n)
            expect_matches_plain_hmac(alg, key, header, pattern(n, static_cast<uint8_t>(n)), 0);
    }
}

// TLS records: the public part (all but the last 256 bytes) hashed the ordinary way, then every
// padding length; sizes around block boundaries up to the largest record.
TEST(HmacConstantTime, EveryPaddingLengthOfRecordSizes) {
    const Bytes header = from_hex("00000000000000051703030000");
    for (auto alg : kAllMacHashes) {
        const size_t block = block_size(alg);
        const Bytes key = pattern(tls12::crypto::digest_size(alg), 0x47);
        for (size_t n : {size_t{256}, size_t{257}, 4 * block - 13, 4 * block - 14, 4 * block + 63,
                         size_t{1024}, size_t{1100}, size_t{16384} + 256}) {
            const size_t min_len = n - std::min<size_t>(256, n);
            expect_matches_plain_hmac(alg, key, header, pattern(n, 0x5a), min_len);
        }
    }
}

// Keys of every kind (empty, shorter than, equal to and longer than the block, which HMAC hashes
// first) and prefixes that fill, or overrun, the first block.
TEST(HmacConstantTime, KeysAndPrefixes) {
    for (auto alg : kAllMacHashes) {
        const size_t block = block_size(alg);
        for (size_t key_size : {size_t{0}, size_t{16}, block, block + 1, 3 * block}) {
            for (size_t prefix_size : {size_t{0}, size_t{13}, block - 1, block, block + 5}) {
                const Bytes key = pattern(key_size, 0x11);
                const Bytes prefix = pattern(prefix_size, 0x22);
                expect_matches_plain_hmac(alg, key, prefix, pattern(block + 9, 0x33), 0);
                expect_matches_plain_hmac(alg, key, prefix, pattern(3 * block, 0x44), block);
            }
        }
    }
}

TEST(HmacConstantTime, RefusesLengthsOutsideTheBounds) {
    tls12::crypto::Hmac mac(tls12::crypto::HashAlgorithm::sha256, Bytes(32, 1));
    const Bytes data(100);
    Bytes out(32);
    EXPECT_THROW(mac.mac_constant_time({}, data, 0, 101, out), std::invalid_argument);
    EXPECT_THROW(mac.mac_constant_time({}, data, 50, 49, out), std::invalid_argument);
    EXPECT_THROW(mac.mac_constant_time({}, data, 101, 101, out), std::invalid_argument);
    Bytes small(31);
    EXPECT_THROW(mac.mac_constant_time({}, data, 0, 10, small), std::invalid_argument);
    mac.mac_constant_time({}, data, 100, 100, out);
    EXPECT_EQ(out, tls12::crypto::hmac(tls12::crypto::HashAlgorithm::sha256, Bytes(32, 1), data));
    // A message in progress is not disturbed.
    mac.update(data);
    mac.mac_constant_time({}, data, 0, 7, out);
    mac.finish(out);
    EXPECT_EQ(out, tls12::crypto::hmac(tls12::crypto::HashAlgorithm::sha256, Bytes(32, 1), data));
}
