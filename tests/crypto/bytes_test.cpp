// bytes.h and random.h: hex, constant-time comparison, SecretBytes, random sources.
#include <gtest/gtest.h>

#include <thread>

#include <tls12/crypto/bytes.h>
#include <tls12/crypto/random.h>
#include "test_util.h"

using namespace tls12::crypto;

TEST(Bytes, HexRoundTrip) {
    const Bytes b = {0x00, 0x01, 0xab, 0xff};
    EXPECT_EQ(to_hex(b), "0001abff");
    EXPECT_EQ(from_hex("00 01 AB\nff"), b);
    EXPECT_TRUE(from_hex("").empty());
    EXPECT_THROW(from_hex("abc"), std::invalid_argument);
    EXPECT_THROW(from_hex("zz"), std::invalid_argument);
}

TEST(Bytes, ConstantTimeEqual) {
    const Bytes a = from_hex("0102030405");
    EXPECT_TRUE(constant_time_equal(a, a));
    EXPECT_TRUE(constant_time_equal({}, {}));
    EXPECT_FALSE(constant_time_equal(a, from_hex("0102030406")));
    EXPECT_FALSE(constant_time_equal(a, from_hex("8102030405")));
    EXPECT_FALSE(constant_time_equal(a, from_hex("01020304")));
    EXPECT_FALSE(constant_time_equal(a, {}));
}

TEST(Bytes, SecureWipe) {
    uint8_t buf[16];
    std::memset(buf, 0xaa, sizeof buf);
    secure_wipe(buf, sizeof buf);
    for (uint8_t b : buf) EXPECT_EQ(b, 0);
    secure_wipe(nullptr, 0);  // no-op
}

TEST(SecretBytes, ConstructCloneMove) {
    SecretBytes zero(4);
    EXPECT_EQ(zero.size(), 4u);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(zero[i], 0);

    SecretBytes s(as_bytes("key!"));
    EXPECT_EQ(to_hex(s.view()), "6b657921");
    SecretBytes copy = s.clone();
    EXPECT_TRUE(constant_time_equal(copy.view(), s.view()));
    EXPECT_NE(copy.data(), s.data());

    const uint8_t* p = s.data();
    SecretBytes moved(std::move(s));
    EXPECT_EQ(moved.data(), p);  // the buffer moves, no copy left behind
    EXPECT_TRUE(s.empty());      // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(s.data(), nullptr);

    SecretBytes assigned;
    assigned = std::move(moved);
    EXPECT_EQ(assigned.data(), p);
    EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move)
    static_assert(!std::is_copy_constructible_v<SecretBytes>);
    static_assert(!std::is_copy_assignable_v<SecretBytes>);
}

TEST(SecretBytes, ClearWipesAndEmpties) {
    SecretBytes s(as_bytes("secret"));
    s.clear();
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(s.data(), nullptr);
}

TEST(Random, SystemRandomFillsAndIsShared) {
    auto r1 = system_random();
    auto r2 = system_random();
    EXPECT_EQ(r1.get(), r2.get());
    const Bytes a = r1->bytes(32), b = r1->bytes(32);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
    EXPECT_NE(a, Bytes(32, 0));
}

TEST(Random, SystemRandomIsThreadSafe) {
    auto r = system_random();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([r] {
            for (int i = 0; i < 200; ++i) r->bytes(64);
        });
    }
    for (auto& t : threads) t.join();
    SUCCEED();
}

TEST(Random, DeterministicIsReproducible) {
    auto a = deterministic_random(42), b = deterministic_random(42), c = deterministic_random(43);
    const Bytes x = a->bytes(100);
    EXPECT_EQ(x, b->bytes(100));
    EXPECT_NE(x, c->bytes(100));
    // The stream continues across calls: 40 + 60 bytes equal one 100-byte draw.
    auto d = deterministic_random(42);
    Bytes y = d->bytes(40);
    const Bytes rest = d->bytes(60);
    y.insert(y.end(), rest.begin(), rest.end());
    EXPECT_EQ(x, y);
}
