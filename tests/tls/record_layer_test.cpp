// The record layer's input side on its own (no protection): records split across feeds, what is
// kept between feeds, reading in place, and the header checks.
#include <gtest/gtest.h>

#include <vector>

#include <tls12/tls/record/record_layer.h>
#include "support/engine_pair.h"

using namespace tls12;

namespace {

std::vector<uint8_t> plaintext_record(uint8_t type, std::vector<uint8_t> body) {
    return tls12_test::RawRecord{type, std::move(body)}.encode();
}

using Bodies = std::vector<std::vector<uint8_t>>;

// Every whole record of one feed, as the engine reads them; the Input ends (keeping what is left)
// when this returns.
Bodies feed(RecordLayer& layer, ByteView bytes) {
    Bodies out;
    auto input = layer.read(bytes);
    while (const SealedRecord* record = input.next())
        out.emplace_back(record->body.begin(), record->body.end());
    EXPECT_FALSE(input.error()) << input.error()->message();
    return out;
}

constexpr uint8_t kHandshake = 22;

TEST(RecordLayer, RecordSplitAcrossFeedsStaysInOrder) {
    const auto record = plaintext_record(kHandshake, {1, 2, 3, 4, 5, 6, 7, 8});
    RecordLayer layer;
    EXPECT_TRUE(feed(layer, ByteView(record).first(7)).empty());
    EXPECT_TRUE(layer.has_partial_input());
    // The first bytes were kept; the next feed completes the record behind them.
    EXPECT_EQ(feed(layer, ByteView(record).subspan(7)), (Bodies{{1, 2, 3, 4, 5, 6, 7, 8}}));
    EXPECT_FALSE(layer.has_partial_input());
}

TEST(RecordLayer, WhatIsKeptIsCopiedSoTheCallerMayReuseItsBuffer) {
    const auto record = plaintext_record(kHandshake, {9, 8, 7, 6, 5});
    std::vector<uint8_t> buffer(record.begin(), record.begin() + 3);
    RecordLayer layer;
    EXPECT_TRUE(feed(layer, buffer).empty());
    EXPECT_TRUE(layer.has_partial_input());
    std::fill(buffer.begin(), buffer.end(), 0xee);  // the caller's buffer goes away
    EXPECT_EQ(feed(layer, ByteView(record).subspan(3)), (Bodies{{9, 8, 7, 6, 5}}));
}

TEST(RecordLayer, AfterASplitRecordFeedsAreReadInPlaceAgain) {
    const auto split = plaintext_record(kHandshake, {1, 2, 3});
    RecordLayer layer;
    EXPECT_TRUE(feed(layer, ByteView(split).first(2)).empty());
    EXPECT_EQ(feed(layer, ByteView(split).subspan(2)), (Bodies{{1, 2, 3}}));  // from the copy
    // The next whole record is not copied: its body points into the fed bytes.
    const auto whole = plaintext_record(kHandshake, {4, 5});
    auto input = layer.read(whole);
    const SealedRecord* record = input.next();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->body.data(), whole.data() + 5);
}

TEST(RecordLayer, SeveralRecordsInOneFeedThenAPartialOne) {
    auto stream = plaintext_record(kHandshake, {1});
    const auto second = plaintext_record(kHandshake, {2, 2});
    const auto third = plaintext_record(kHandshake, {3, 3, 3});
    stream.insert(stream.end(), second.begin(), second.end());
    stream.insert(stream.end(), third.begin(), third.begin() + 4);  // less than a header
    RecordLayer layer;
    EXPECT_EQ(feed(layer, stream), (Bodies{{1}, {2, 2}}));
    EXPECT_TRUE(layer.has_partial_input());  // four bytes kept
    EXPECT_EQ(feed(layer, ByteView(third).subspan(4)), (Bodies{{3, 3, 3}}));
    EXPECT_FALSE(layer.has_partial_input());
}

TEST(RecordLayer, HeaderChecksNameWhatFailed) {
    struct Case {
        std::vector<uint8_t> header;
        AlertDescription alert;
        const char* reason;
    };
    const std::vector<Case> cases = {
        {{99, 3, 3, 0, 1}, AlertDescription::unexpected_message, "unknown content type 99"},
        {{22, 2, 0, 0, 1}, AlertDescription::protocol_version, "is not TLS 1.2"},
        {{22, 3, 3, 0x40, 0x01}, AlertDescription::record_overflow, "exceeds 16384"},
        // Several things wrong: the content type is reported first, then the version.
        {{99, 2, 0, 0xff, 0xff}, AlertDescription::unexpected_message, "unknown content type"},
        {{22, 2, 0, 0xff, 0xff}, AlertDescription::protocol_version, "is not TLS 1.2"},
        // A peer that is not speaking TLS at all is named as such.
        {{'G', 'E', 'T', ' ', '/'},
         AlertDescription::unexpected_message,
         "the peer does not speak TLS: it began with the text \"GET /\""},
        {{'H', 'T', 'T', 'P', '/'}, AlertDescription::unexpected_message, "plaintext HTTP"},
    };
    for (const auto& c : cases) {
        RecordLayer layer;
        auto input = layer.read(c.header);
        EXPECT_FALSE(input.next());
        ASSERT_TRUE(input.error());
        EXPECT_EQ(input.error()->alert, c.alert);
        EXPECT_NE(input.error()->reason.find(c.reason), std::string::npos) << input.error()->reason;
    }
}

TEST(RecordLayer, StrictVersionOnceNegotiated) {
    const std::vector<uint8_t> tls10_record = {kHandshake, 3, 1, 0, 1, 0};
    RecordLayer lenient;
    EXPECT_EQ(feed(lenient, tls10_record).size(), 1u);  // a ClientHello may come in TLS 1.0
    RecordLayer strict;
    strict.require_tls12_records();
    auto input = strict.read(tls10_record);
    EXPECT_FALSE(input.next());
    ASSERT_TRUE(input.error());
    EXPECT_EQ(input.error()->alert, AlertDescription::protocol_version);
}

}  // namespace
