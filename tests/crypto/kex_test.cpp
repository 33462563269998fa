// kex.h: RFC 7748 X25519 vectors, ECDH agreement on P-256/P-384 and invalid peer values.
#include <gtest/gtest.h>

#include <tls12/crypto/kex.h>
#include "test_util.h"

using namespace tls12::crypto;
using test_util::FixedRandom;
using test_util::hex;

namespace {
KeyExchange x25519_with(const char* scalar_hex) {
    FixedRandom fixed(hex(scalar_hex));
    return KeyExchange(KexGroup::x25519, fixed);
}
}  // namespace

// RFC 7748 section 5.2: scalar (unclamped as given) times u-coordinate.
TEST(X25519, Rfc7748Section5_2) {
    auto a = x25519_with("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    auto s1 = a.agree(hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
    ASSERT_TRUE(s1);
    EXPECT_EQ(to_hex(s1->view()),
              "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");

    auto b = x25519_with("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
    auto s2 = b.agree(hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));
    ASSERT_TRUE(s2);
    EXPECT_EQ(to_hex(s2->view()),
              "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
}

// RFC 7748 section 6.1: Alice and Bob.
TEST(X25519, Rfc7748Section6_1) {
    auto alice = x25519_with("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    auto bob = x25519_with("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    EXPECT_EQ(to_hex(alice.public_value()),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(to_hex(bob.public_value()),
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const char* shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    auto k1 = alice.agree(bob.public_value());
    auto k2 = bob.agree(alice.public_value());
    ASSERT_TRUE(k1 && k2);
    EXPECT_EQ(to_hex(k1->view()), shared);
    EXPECT_EQ(to_hex(k2->view()), shared);
}

TEST(X25519, LowOrderPointsGiveNullopt) {
    auto rng = deterministic_random(3);
    KeyExchange kx(KexGroup::x25519, *rng);
    // u = 0, u = 1 and a point of order 8 all give an all-zero shared secret.
    EXPECT_FALSE(kx.agree(Bytes(32, 0)));
    Bytes one(32, 0);
    one[0] = 1;
    EXPECT_FALSE(kx.agree(one));
    EXPECT_FALSE(kx.agree(hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")));
    // p - 1 (order 2), p, p + 1 in non-canonical encodings.
    EXPECT_FALSE(kx.agree(hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")));
    EXPECT_FALSE(kx.agree(hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")));
    EXPECT_FALSE(kx.agree(hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")));
}

TEST(X25519, WrongLengthRejected) {
    auto rng = deterministic_random(4);
    KeyExchange a(KexGroup::x25519, *rng), b(KexGroup::x25519, *rng);
    Bytes pub(b.public_value().begin(), b.public_value().end());
    EXPECT_TRUE(a.agree(pub));
    EXPECT_FALSE(a.agree(ByteView(pub).first(31)));
    pub.push_back(0);
    EXPECT_FALSE(a.agree(pub));
    EXPECT_FALSE(a.agree({}));
}

class NistKex : public ::testing::TestWithParam<KexGroup> {};

TEST_P(NistKex, AgreeBothWays) {
    const KexGroup group = GetParam();
    auto rng = deterministic_random(5);
    KeyExchange a(group, *rng), b(group, *rng);
    EXPECT_EQ(a.group(), group);
    ASSERT_EQ(a.public_value().size(), public_value_size(group));
    EXPECT_EQ(a.public_value()[0], 0x04);
    auto s1 = a.agree(b.public_value());
    auto s2 = b.agree(a.public_value());
    ASSERT_TRUE(s1 && s2);
    EXPECT_EQ(s1->size(), group == KexGroup::secp256r1 ? 32u : 48u);
    EXPECT_TRUE(constant_time_equal(s1->view(), s2->view()));
}

TEST_P(NistKex, InvalidPointsRejected) {
    const KexGroup group = GetParam();
    auto rng = deterministic_random(6);
    KeyExchange a(group, *rng), b(group, *rng);
    const Bytes good(b.public_value().begin(), b.public_value().end());
    const size_t coord = (good.size() - 1) / 2;
    ASSERT_TRUE(a.agree(good));

    // Wrong length: truncated, extended, empty.
    EXPECT_FALSE(a.agree(ByteView(good).first(good.size() - 1)));
    Bytes longer = good;
    longer.push_back(0);
    EXPECT_FALSE(a.agree(longer));
    EXPECT_FALSE(a.agree({}));
    // Compressed form (either as a short value or with a 02/03 prefix at full length).
    Bytes compressed(good.begin(), good.begin() + 1 + coord);
    compressed[0] = static_cast<uint8_t>(0x02 | (good.back() & 1));
    EXPECT_FALSE(a.agree(compressed));
    Bytes prefixed = good;
    prefixed[0] = 0x03;
    EXPECT_FALSE(a.agree(prefixed));
    // Hybrid form 06/07 and garbage prefix.
    prefixed[0] = 0x06;
    EXPECT_FALSE(a.agree(prefixed));
    // Not on the curve: flip a bit of Y.
    Bytes off = good;
    off.back() ^= 0x01;
    EXPECT_FALSE(a.agree(off));
    // The point at infinity has no affine coordinates: 0x00 alone, or 04 || 0 || 0.
    EXPECT_FALSE(a.agree(Bytes{0x00}));
    Bytes zeros(good.size(), 0);
    zeros[0] = 0x04;
    EXPECT_FALSE(a.agree(zeros));
    EXPECT_FALSE(a.agree(Bytes(good.size(), 0)));
    // Coordinates >= p.
    Bytes big(good.size(), 0xff);
    big[0] = 0x04;
    EXPECT_FALSE(a.agree(big));
}

INSTANTIATE_TEST_SUITE_P(Groups, NistKex,
                         ::testing::Values(KexGroup::secp256r1, KexGroup::secp384r1),
                         [](const auto& param_info) {
                             return std::string(to_string(param_info.param));
                         });

TEST(Kex, NamesAndSizes) {
    EXPECT_EQ(public_value_size(KexGroup::x25519), 32u);
    EXPECT_EQ(public_value_size(KexGroup::secp256r1), 65u);
    EXPECT_EQ(public_value_size(KexGroup::secp384r1), 97u);
    EXPECT_STREQ(to_string(KexGroup::x25519), "x25519");
}

TEST(Kex, FreshKeysDiffer) {
    auto rng = system_random();
    KeyExchange a(KexGroup::x25519, *rng), b(KexGroup::x25519, *rng);
    EXPECT_NE(to_hex(a.public_value()), to_hex(b.public_value()));
    KeyExchange moved = std::move(a);
    EXPECT_TRUE(moved.agree(b.public_value()));
}

TEST(Kex, FromPrivateKey) {
    // RFC 7748 section 6.1: Alice's private key gives her public value.
    const auto alice = KeyExchange::from_private_key(
        KexGroup::x25519, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    EXPECT_EQ(to_hex(alice.public_value()),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    // The scalar 1 on P-256 gives the base point G (SEC 2 2.4.2).
    Bytes one(32, 0);
    one.back() = 1;
    const auto g = KeyExchange::from_private_key(KexGroup::secp256r1, one);
    EXPECT_EQ(to_hex(g.public_value()),
              "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
              "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    // A known key agrees like a generated one.
    auto rng = deterministic_random(8);
    KeyExchange peer(KexGroup::secp256r1, *rng);
    const auto s1 = g.agree(peer.public_value());
    const auto s2 = peer.agree(g.public_value());
    ASSERT_TRUE(s1 && s2);
    EXPECT_EQ(to_hex(s1->view()), to_hex(s2->view()));

    // Refused: wrong lengths, zero, the group order n and above.
    EXPECT_THROW(KeyExchange::from_private_key(KexGroup::x25519, Bytes(31, 1)),
                 std::invalid_argument);
    EXPECT_THROW(KeyExchange::from_private_key(KexGroup::secp256r1, Bytes(31, 1)),
                 std::invalid_argument);
    EXPECT_THROW(KeyExchange::from_private_key(KexGroup::secp384r1, Bytes(32, 1)),
                 std::invalid_argument);
    EXPECT_THROW(KeyExchange::from_private_key(KexGroup::secp256r1, Bytes(32, 0)),
                 std::invalid_argument);
    const Bytes n = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    EXPECT_THROW(KeyExchange::from_private_key(KexGroup::secp256r1, n), std::invalid_argument);
    EXPECT_THROW(KeyExchange::from_private_key(KexGroup::secp256r1, Bytes(32, 0xff)),
                 std::invalid_argument);
    Bytes n_minus_1 = n;
    n_minus_1.back() = 0x50;
    EXPECT_NO_THROW(KeyExchange::from_private_key(KexGroup::secp256r1, n_minus_1));
}
