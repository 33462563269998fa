// Reader / Writer edge cases, to_string() of the wire enums and Error::message().
#include <tls12/tls/codec.h>

#include <gtest/gtest.h>

#include <tls12/tls/error.h>
#include <tls12/tls/types.h>

namespace tls12 {
namespace {

TEST(Reader, ReadsBigEndianIntegers) {
    const Bytes in = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                      0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12};
    Reader r(in);
    EXPECT_EQ(r.u8(), 0x01);
    EXPECT_EQ(r.u16(), 0x0203);
    EXPECT_EQ(r.u24(), 0x040506u);
    EXPECT_EQ(r.u32(), 0x0708090Au);
    EXPECT_EQ(r.u64(), 0x0B0C0D0E0F101112ull);
    EXPECT_TRUE(r.finish());
}

TEST(Reader, ShortReadFailsStickyAndReturnsZero) {
    const Bytes in = {0xAA, 0xBB, 0xCC};
    Reader r(in);
    EXPECT_EQ(r.u32(), 0u);  // needs 4, has 3
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(r.failed());
    // Sticky: even reads that would fit now fail and return zero / empty.
    EXPECT_EQ(r.u8(), 0u);
    EXPECT_TRUE(r.bytes(1).empty());
    EXPECT_EQ(r.remaining(), 0u);
    EXPECT_FALSE(r.finish());
}

TEST(Reader, EveryWidthFailsOnShortInput) {
    for (size_t have = 0; have < 8; ++have) {
        Bytes in(have, 0xFF);
        {
            Reader r(in);
            uint64_t v = r.u64();
            EXPECT_EQ(v, 0u);
            EXPECT_FALSE(r.ok());
        }
        if (have < 4) {
            Reader r(in);
            EXPECT_EQ(r.u32(), 0u);
            EXPECT_FALSE(r.ok());
        }
        if (have < 3) {
            Reader r(in);
            EXPECT_EQ(r.u24(), 0u);
            EXPECT_FALSE(r.ok());
        }
        if (have < 2) {
            Reader r(in);
            EXPECT_EQ(r.u16(), 0u);
            EXPECT_FALSE(r.ok());
        }
        if (have < 1) {
            Reader r(in);
            EXPECT_EQ(r.u8(), 0u);
            EXPECT_FALSE(r.ok());
        }
    }
}

TEST(Reader, EmptyInput) {
    Reader r;
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.empty());
    EXPECT_TRUE(r.finish());
    EXPECT_TRUE(r.bytes(0).empty());
    EXPECT_TRUE(r.ok());  // reading zero bytes always fits
    EXPECT_TRUE(r.vec8(0, 0).empty());
    EXPECT_FALSE(r.ok());  // but the length byte is missing
}

TEST(Reader, BytesExactAndTooMany) {
    const Bytes in = {1, 2, 3, 4};
    Reader r(in);
    ByteView b = r.bytes(3);
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0], 1);
    EXPECT_EQ(b[2], 3);
    EXPECT_EQ(r.remaining(), 1u);
    EXPECT_TRUE(r.bytes(2).empty());
    EXPECT_FALSE(r.ok());
}

TEST(Reader, HugeLengthDoesNotOverflow) {
    const Bytes in = {1, 2, 3};
    Reader r(in);
    r.u8();
    EXPECT_TRUE(r.bytes(SIZE_MAX).empty());
    EXPECT_FALSE(r.ok());
    Reader r2(in);
    EXPECT_FALSE(r2.sub(SIZE_MAX - 1).ok());
    EXPECT_FALSE(r2.ok());
}

TEST(Reader, TrailingBytesRejectedByFinish) {
    const Bytes in = {0, 1, 2};
    Reader r(in);
    EXPECT_EQ(r.u16(), 1);
    EXPECT_TRUE(r.ok());
    EXPECT_FALSE(r.finish());
    r.u8();
    EXPECT_TRUE(r.finish());
}

TEST(Reader, CopyToAndArray) {
    const Bytes in = {9, 8, 7, 6, 5};
    Reader r(in);
    auto a = r.array<3>();
    EXPECT_EQ(a, (std::array<uint8_t, 3>{9, 8, 7}));
    auto b = r.array<3>();  // only 2 left
    EXPECT_EQ(b, (std::array<uint8_t, 3>{0, 0, 0}));
    EXPECT_FALSE(r.ok());
}

TEST(Reader, Rest) {
    const Bytes in = {1, 2, 3};
    Reader r(in);
    r.u8();
    ByteView rest = r.rest();
    EXPECT_EQ(rest.size(), 2u);
    EXPECT_TRUE(r.finish());
}

TEST(Reader, FailMarksSticky) {
    const Bytes in = {1};
    Reader r(in);
    r.fail();
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.u8(), 0);
}

class ReaderVec : public ::testing::TestWithParam<int> {
  protected:
    // A vector with a width-byte length field holding len, followed by avail body bytes.
    static Bytes make(int width, size_t len, size_t avail) {
        Bytes out;
        for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(len >> (8 * i)));
        for (size_t i = 0; i < avail; ++i) out.push_back(static_cast<uint8_t>(i));
        return out;
    }
    static ByteView vec(Reader& r, int width, size_t min, size_t max) {
        switch (width) {
            case 1:
                return r.vec8(min, max);
            case 2:
                return r.vec16(min, max);
            default:
                return r.vec24(min, max);
        }
    }
    static Reader sub(Reader& r, int width, size_t min, size_t max) {
        switch (width) {
            case 1:
                return r.sub8(min, max);
            case 2:
                return r.sub16(min, max);
            default:
                return r.sub24(min, max);
        }
    }
};

TEST_P(ReaderVec, LengthChecks) {
    const int width = GetParam();
    {  // exact fit
        Bytes in = make(width, 5, 5);
        Reader r(in);
        EXPECT_EQ(vec(r, width, 0, 10).size(), 5u);
        EXPECT_TRUE(r.finish());
    }
    {  // length at min and max boundaries
        Bytes in = make(width, 5, 5);
        Reader r1(in), r2(in);
        EXPECT_EQ(vec(r1, width, 5, 5).size(), 5u);
        EXPECT_TRUE(r1.finish());
        EXPECT_EQ(vec(r2, width, 5, 6).size(), 5u);
        EXPECT_TRUE(r2.ok());
    }
    {  // zero-length vector
        Bytes in = make(width, 0, 0);
        Reader r(in);
        EXPECT_TRUE(vec(r, width, 0, 10).empty());
        EXPECT_TRUE(r.finish());
    }
    {  // below min
        Bytes in = make(width, 0, 0);
        Reader r(in);
        EXPECT_TRUE(vec(r, width, 1, 10).empty());
        EXPECT_FALSE(r.ok());
    }
    {  // above max
        Bytes in = make(width, 6, 6);
        Reader r(in);
        EXPECT_TRUE(vec(r, width, 0, 5).empty());
        EXPECT_FALSE(r.ok());
    }
    {  // longer than what remains
        Bytes in = make(width, 6, 5);
        Reader r(in);
        EXPECT_TRUE(vec(r, width, 0, 100).empty());
        EXPECT_FALSE(r.ok());
    }
    {  // truncated length field
        Bytes in = make(width, 0, 0);
        in.pop_back();
        Reader r(in);
        EXPECT_TRUE(vec(r, width, 0, 100).empty());
        EXPECT_FALSE(r.ok());
    }
    {  // trailing byte after the vector
        Bytes in = make(width, 2, 3);
        Reader r(in);
        EXPECT_EQ(vec(r, width, 0, 100).size(), 2u);
        EXPECT_TRUE(r.ok());
        EXPECT_FALSE(r.finish());
    }
}

TEST_P(ReaderVec, SubReaders) {
    const int width = GetParam();
    {
        Bytes in = make(width, 3, 4);
        Reader r(in);
        Reader c = sub(r, width, 1, 3);
        EXPECT_TRUE(c.ok());
        EXPECT_EQ(c.remaining(), 3u);
        EXPECT_EQ(r.remaining(), 1u);
        EXPECT_EQ(c.u8(), 0);
        EXPECT_FALSE(c.finish());  // child has trailing data
        c.u16();
        EXPECT_TRUE(c.finish());
        c.u8();  // child overreads: child fails, parent unaffected
        EXPECT_FALSE(c.ok());
        EXPECT_TRUE(r.ok());
    }
    {
        Bytes in = make(width, 3, 2);
        Reader r(in);
        Reader c = sub(r, width, 0, 10);
        EXPECT_FALSE(c.ok());
        EXPECT_FALSE(r.ok());
    }
    {
        Bytes in = make(width, 3, 3);
        Reader r(in);
        Reader c = sub(r, width, 4, 10);  // below min
        EXPECT_FALSE(c.ok());
        EXPECT_FALSE(r.ok());
    }
}

INSTANTIATE_TEST_SUITE_P(Widths, ReaderVec, ::testing::Values(1, 2, 3));

TEST(Reader, SubFixedLength) {
    const Bytes in = {1, 2, 3, 4, 5};
    Reader r(in);
    Reader c = r.sub(3);
    EXPECT_EQ(c.remaining(), 3u);
    EXPECT_EQ(r.remaining(), 2u);
    EXPECT_EQ(c.u24(), 0x010203u);
    EXPECT_TRUE(c.finish());
    Reader d = r.sub(3);  // only 2 remain
    EXPECT_FALSE(d.ok());
    EXPECT_FALSE(r.ok());
    // A child of a failed reader is failed.
    Reader e = r.sub(0);
    EXPECT_FALSE(e.ok());
}

TEST(Reader, MaximumLengthVectors) {
    Bytes in = {0xFF, 0xFF};
    in.resize(2 + 0xFFFF, 0xAB);
    Reader r(in);
    EXPECT_EQ(r.vec16(0, 0xFFFF).size(), 0xFFFFu);
    EXPECT_TRUE(r.finish());

    Bytes in24 = {0xFF, 0xFF, 0xFF};
    in24.resize(3 + 0xFFFFFF, 0xCD);
    Reader r24(in24);
    EXPECT_EQ(r24.vec24(0, 0xFFFFFF).size(), 0xFFFFFFu);
    EXPECT_TRUE(r24.finish());
}

TEST(Writer, WritesBigEndianIntegers) {
    Writer w;
    w.u8(0x01);
    w.u16(0x0203);
    w.u24(0x040506);
    w.u32(0x0708090A);
    w.u64(0x0B0C0D0E0F101112ull);
    const Bytes b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                     0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12};
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(w.buffer(), b);
    EXPECT_EQ(w.take(), b);
    EXPECT_EQ(w.size(), 0u);
}

TEST(Writer, U24Overflow) {
    Writer w;
    w.u24(0xFFFFFF);
    EXPECT_TRUE(w.ok());
    w.u24(0x1000000);
    EXPECT_FALSE(w.ok());
    EXPECT_TRUE(w.overflow());
}

TEST(Writer, AppendsToCallerBuffer) {
    Bytes out = {0xEE};
    {
        Writer w(out);
        w.u8(1);
        auto g = w.prefix16();
        w.u8(2);
    }
    EXPECT_EQ(out, (Bytes{0xEE, 1, 0, 1, 2}));
}

TEST(Writer, LengthPrefixFillsInOnClose) {
    Writer w;
    {
        auto outer = w.prefix24();
        w.u8(0xAA);
        {
            auto inner = w.prefix8();
            w.u16(0xBBCC);
        }
        auto inner16 = w.prefix16();
        w.bytes(Bytes{1, 2, 3});
        inner16.close();
        inner16.close();  // idempotent
        w.u8(0xDD);
    }
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(w.buffer(), (Bytes{0, 0, 10, 0xAA, 2, 0xBB, 0xCC, 0, 3, 1, 2, 3, 0xDD}));
}

TEST(Writer, EmptyPrefix) {
    Writer w;
    { auto g = w.prefix16(); }
    EXPECT_EQ(w.buffer(), (Bytes{0, 0}));
}

TEST(Writer, MovedGuardClosesOnce) {
    Writer w;
    {
        auto g = w.prefix8();
        w.u8(7);
        auto g2 = std::move(g);
        w.u8(8);
    }
    EXPECT_EQ(w.buffer(), (Bytes{2, 7, 8}));
}

TEST(Writer, Prefix8Overflow) {
    Writer ok;
    {
        auto g = ok.prefix8();
        ok.bytes(Bytes(255, 1));
    }
    EXPECT_TRUE(ok.ok());
    EXPECT_EQ(ok.buffer()[0], 255);

    Writer bad;
    {
        auto g = bad.prefix8();
        bad.bytes(Bytes(256, 1));
    }
    EXPECT_FALSE(bad.ok());
    EXPECT_TRUE(bad.overflow());
    EXPECT_EQ(bad.buffer()[0], 0);  // never a silently truncated length
}

TEST(Writer, Prefix16Overflow) {
    Writer ok;
    {
        auto g = ok.prefix16();
        ok.bytes(Bytes(0xFFFF, 1));
    }
    EXPECT_TRUE(ok.ok());
    Writer bad;
    {
        auto g = bad.prefix16();
        bad.bytes(Bytes(0x10000, 1));
    }
    EXPECT_TRUE(bad.overflow());
}

TEST(Writer, Prefix24Overflow) {
    Writer ok;
    {
        auto g = ok.prefix24();
        ok.bytes(Bytes(0xFFFFFF, 1));
    }
    EXPECT_TRUE(ok.ok());
    Writer bad;
    {
        auto g = bad.prefix24();
        bad.bytes(Bytes(0x1000000, 1));
    }
    EXPECT_TRUE(bad.overflow());
}

TEST(Writer, PrefixCustomMax) {
    Writer w;
    {
        auto g = w.prefix16(4);
        w.u32(0);
    }
    EXPECT_TRUE(w.ok());
    {
        auto g = w.prefix16(4);
        w.u32(0);
        w.u8(0);
    }
    EXPECT_FALSE(w.ok());
}

TEST(Writer, OverflowIsSticky) {
    Writer w;
    {
        auto g = w.prefix8();
        w.bytes(Bytes(300, 0));
    }
    w.u8(1);
    { auto g = w.prefix8(); }
    EXPECT_TRUE(w.overflow());
}

TEST(Writer, VecHelpersCheckBounds) {
    {
        Writer w;
        w.vec8(Bytes{1, 2});
        w.vec16(Bytes{3});
        w.vec24(Bytes{});
        EXPECT_TRUE(w.ok());
        EXPECT_EQ(w.buffer(), (Bytes{2, 1, 2, 0, 1, 3, 0, 0, 0}));
    }
    {
        Writer w;
        w.vec8(Bytes{}, 1);
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w;
        w.vec16(Bytes(33, 0), 0, 32);
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w;
        w.vec8(Bytes(256, 0));
        EXPECT_FALSE(w.ok());
    }
    {
        Writer w;
        w.fail();
        EXPECT_TRUE(w.overflow());
    }
}

TEST(Codec, WriterReaderRoundTrip) {
    Writer w;
    w.u16(0x1234);
    {
        auto g = w.prefix16();
        for (int i = 0; i < 10; ++i) w.vec8(Bytes(static_cast<size_t>(i), static_cast<uint8_t>(i)));
    }
    w.u64(42);
    Reader r(w.buffer());
    EXPECT_EQ(r.u16(), 0x1234);
    Reader list = r.sub16(0, 0xFFFF);
    for (int i = 0; i < 10; ++i) {
        ByteView v = list.vec8(0, 255);
        ASSERT_EQ(v.size(), static_cast<size_t>(i));
    }
    EXPECT_TRUE(list.finish());
    EXPECT_EQ(r.u64(), 42u);
    EXPECT_TRUE(r.finish());
}

TEST(Types, ToStringKnownAndUnknown) {
    EXPECT_EQ(to_string(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
              "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    EXPECT_EQ(to_string(static_cast<CipherSuite>(0x1234)), "unknown(0x1234)");
    EXPECT_EQ(to_string(ContentType::handshake), "handshake");
    EXPECT_EQ(to_string(static_cast<ContentType>(99)), "unknown(0x63)");
    EXPECT_EQ(to_string(HandshakeType::server_hello_done), "server_hello_done");
    EXPECT_EQ(to_string(ProtocolVersion::tls12), "TLSv1.2");
    EXPECT_EQ(to_string(static_cast<ProtocolVersion>(0x7F1C)), "unknown(0x7f1c)");
    EXPECT_EQ(to_string(NamedGroup::x25519), "x25519");
    EXPECT_EQ(to_string(SignatureScheme::rsa_pss_rsae_sha256), "rsa_pss_rsae_sha256");
    EXPECT_EQ(to_string(ExtensionType::renegotiation_info), "renegotiation_info");
    EXPECT_EQ(to_string(static_cast<ExtensionType>(0x0A0A)), "unknown(0x0a0a)");
    EXPECT_EQ(to_string(AlertDescription::decode_error), "decode_error");
    EXPECT_EQ(to_string(static_cast<AlertDescription>(255)), "unknown(0xff)");
}

TEST(Error, Message) {
    Error e = make_error(AlertDescription::handshake_failure, "no cipher suite in common");
    EXPECT_EQ(e.message(), "handshake_failure: no cipher suite in common");
}

}  // namespace
}  // namespace tls12
