// hash.h, hmac.h, prf.h against published vectors (FIPS 180, RFC 4231, the TLS 1.2 PRF vectors).
#include <gtest/gtest.h>

#include <tls12/crypto/hash.h>
#include <tls12/crypto/hmac.h>
#include <tls12/crypto/prf.h>
#include "test_util.h"

using namespace tls12::crypto;
using test_util::hex;

TEST(Hash, FipsAbc) {
    EXPECT_EQ(to_hex(hash(HashAlgorithm::sha1, as_bytes("abc"))),
              "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(to_hex(hash(HashAlgorithm::sha256, as_bytes("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(
        to_hex(hash(HashAlgorithm::sha384, as_bytes("abc"))),
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca"
        "134c825a7");
    EXPECT_EQ(
        to_hex(hash(HashAlgorithm::sha512, as_bytes("abc"))),
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c2"
        "3a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(Hash, Sizes) {
    EXPECT_EQ(digest_size(HashAlgorithm::sha1), 20u);
    EXPECT_EQ(digest_size(HashAlgorithm::sha256), 32u);
    EXPECT_EQ(digest_size(HashAlgorithm::sha384), 48u);
    EXPECT_EQ(digest_size(HashAlgorithm::sha512), 64u);
    EXPECT_STREQ(to_string(HashAlgorithm::sha384), "SHA-384");
}

TEST(Hash, IncrementalMillionA) {
    Hash h(HashAlgorithm::sha256);
    const std::string chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i) h.update(as_bytes(chunk));
    EXPECT_EQ(to_hex(h.finish()),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Hash, PeekLeavesStateAlone) {
    Hash h(HashAlgorithm::sha256);
    h.update(as_bytes("a"));
    const Bytes early = h.peek();
    EXPECT_EQ(early, h.peek());  // peeking twice gives the same answer
    EXPECT_EQ(early, hash(HashAlgorithm::sha256, as_bytes("a")));
    h.update(as_bytes("bc"));
    EXPECT_EQ(h.peek(), hash(HashAlgorithm::sha256, as_bytes("abc")));
    EXPECT_EQ(h.finish(), hash(HashAlgorithm::sha256, as_bytes("abc")));
    // finish() resets.
    h.update(as_bytes("abc"));
    EXPECT_EQ(h.finish(), hash(HashAlgorithm::sha256, as_bytes("abc")));
}

TEST(Hash, CopiesForkTheState) {
    Hash h(HashAlgorithm::sha384);
    h.update(as_bytes("ab"));
    Hash fork = h;
    fork.update(as_bytes("c"));
    h.update(as_bytes("x"));
    EXPECT_EQ(fork.finish(), hash(HashAlgorithm::sha384, as_bytes("abc")));
    EXPECT_EQ(h.finish(), hash(HashAlgorithm::sha384, as_bytes("abx")));

    Hash assigned(HashAlgorithm::sha1);
    Hash src(HashAlgorithm::sha512);
    src.update(as_bytes("a"));
    assigned = src;
    EXPECT_EQ(assigned.algorithm(), HashAlgorithm::sha512);
    assigned.update(as_bytes("bc"));
    EXPECT_EQ(assigned.finish(), hash(HashAlgorithm::sha512, as_bytes("abc")));
    Hash moved = std::move(assigned);
    EXPECT_EQ(moved.size(), 64u);
}

// RFC 4231 test case 2.
TEST(Hmac, Rfc4231Case2) {
    const auto key = as_bytes("Jefe");
    const auto data = as_bytes("what do ya want for nothing?");
    EXPECT_EQ(to_hex(hmac(HashAlgorithm::sha256, key, data)),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(
        to_hex(hmac(HashAlgorithm::sha384, key, data)),
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239e"
        "cfab21649");
    EXPECT_EQ(
        to_hex(hmac(HashAlgorithm::sha512, key, data)),
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f6"
        "5f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(Hmac, ReusableAfterFinish) {
    Hmac m(HashAlgorithm::sha256, as_bytes("Jefe"));
    uint8_t out[32];
    for (int i = 0; i < 2; ++i) {
        m.update(as_bytes("what do ya want "));
        m.update(as_bytes("for nothing?"));
        m.finish(out);
        EXPECT_EQ(to_hex(out), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
    uint8_t small[16];
    EXPECT_THROW(m.finish(small), std::invalid_argument);
}

// The widely circulated TLS 1.2 PRF vectors (IETF TLS list, "Test vectors for TLS 1.2 PRF");
// cross-checked against an independent Python hmac implementation of RFC 5246 section 5.
TEST(Prf, Sha256Vector) {
    Bytes out(100);
    tls12_prf(HashAlgorithm::sha256, hex("9bbe436ba940f017b17652849a71db35"), "test label",
              hex("a0ba9f936cda311827a6f796ffd5198c"), out);
    EXPECT_EQ(
        to_hex(out),
        "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4"
        "e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42"
        "c5a72e5a5110fff70187347b66");
}

TEST(Prf, Sha384Vector) {
    Bytes out(148);
    tls12_prf(HashAlgorithm::sha384, hex("b80b733d6ceefcdc71566ea48e5567df"), "test label",
              hex("cd665cf6a8447dd6ff8b27555edb7465"), out);
    EXPECT_EQ(
        to_hex(out),
        "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b12"
        "33c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5"
        "fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f"
        "3a26854308d5eaa3be85e0990703d73e56f");
}

TEST(Prf, PrefixConsistentAcrossLengths) {
    // Shorter outputs are prefixes of longer ones; lengths on and off block boundaries.
    const Bytes secret = hex("000102030405060708090a0b0c0d0e0f");
    const Bytes seed = hex("aabbccdd");
    Bytes full(200);
    tls12_prf(HashAlgorithm::sha256, secret, "key expansion", seed, full);
    for (size_t n : {0u, 1u, 31u, 32u, 33u, 64u, 199u}) {
        Bytes part(n);
        tls12_prf(HashAlgorithm::sha256, secret, "key expansion", seed, part);
        EXPECT_TRUE(std::equal(part.begin(), part.end(), full.begin())) << n;
    }
}
