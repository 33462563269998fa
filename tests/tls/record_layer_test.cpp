// The record layer's input side on its own (no protection): records split across feeds, bytes
// borrowed from a feed until keep_unread(), and the header checks.
#include <gtest/gtest.h>

#include <vector>

#include <tls12/tls/record/record_layer.h>
#include "support/engine_pair.h"

using namespace tls12;

namespace {

std::vector<uint8_t> plaintext_record(uint8_t type, std::vector<uint8_t> body) {
    return tls12_test::RawRecord{type, std::move(body)}.encode();
}

// The next record's fragment, or nullopt when the layer needs more bytes.
std::optional<std::vector<uint8_t>> next_fragment(RecordLayer& layer) {
    auto next = layer.next_record();
    EXPECT_TRUE(next.ok()) << (next.ok() ? "" : next.error().message());
    if (!next.ok() || !next->has_value()) return std::nullopt;
    const ByteView fragment = (*next)->fragment;
    return std::vector<uint8_t>(fragment.begin(), fragment.end());
}

constexpr uint8_t kHandshake = 22;

TEST(RecordLayer, RecordSplitAcrossFeedsWithoutKeepUnreadStaysInOrder) {
    const auto record = plaintext_record(kHandshake, {1, 2, 3, 4, 5, 6, 7, 8});
    RecordLayer layer;
    layer.feed(ByteView(record).first(7));
    EXPECT_FALSE(next_fragment(layer));
    // The first bytes are still borrowed; the next feed must put them in front of the rest.
    layer.feed(ByteView(record).subspan(7));
    EXPECT_EQ(next_fragment(layer), (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_FALSE(layer.has_partial_input());
}

TEST(RecordLayer, KeepUnreadCopiesWhatTheCallerMayThenReuse) {
    const auto record = plaintext_record(kHandshake, {9, 8, 7, 6, 5});
    std::vector<uint8_t> buffer(record.begin(), record.begin() + 3);
    RecordLayer layer;
    layer.feed(buffer);
    EXPECT_FALSE(next_fragment(layer));
    layer.keep_unread();
    EXPECT_TRUE(layer.has_partial_input());
    std::fill(buffer.begin(), buffer.end(), 0xee);  // the caller's buffer goes away
    layer.feed(ByteView(record).subspan(3));
    EXPECT_EQ(next_fragment(layer), (std::vector<uint8_t>{9, 8, 7, 6, 5}));
}

TEST(RecordLayer, AfterASplitRecordFeedsAreReadInPlaceAgain) {
    const auto split = plaintext_record(kHandshake, {1, 2, 3});
    RecordLayer layer;
    layer.feed(ByteView(split).first(2));
    EXPECT_FALSE(next_fragment(layer));
    layer.keep_unread();
    layer.feed(ByteView(split).subspan(2));
    EXPECT_EQ(next_fragment(layer), (std::vector<uint8_t>{1, 2, 3}));  // read from the copy
    layer.keep_unread();                                               // the end of that feed
    // The next whole record is not copied: its fragment points into the fed bytes.
    const auto whole = plaintext_record(kHandshake, {4, 5});
    layer.feed(whole);
    auto next = layer.next_record();
    ASSERT_TRUE(next.ok() && next->has_value());
    EXPECT_EQ((*next)->fragment.data(), whole.data() + 5);
}

TEST(RecordLayer, SeveralRecordsInOneFeedThenAPartialOne) {
    auto stream = plaintext_record(kHandshake, {1});
    const auto second = plaintext_record(kHandshake, {2, 2});
    const auto third = plaintext_record(kHandshake, {3, 3, 3});
    stream.insert(stream.end(), second.begin(), second.end());
    stream.insert(stream.end(), third.begin(), third.begin() + 4);  // less than a header
    RecordLayer layer;
    layer.feed(stream);
    EXPECT_TRUE(layer.has_header());
    EXPECT_EQ(next_fragment(layer), std::vector<uint8_t>{1});
    EXPECT_EQ(next_fragment(layer), (std::vector<uint8_t>{2, 2}));
    // Four bytes left: the engine need not ask again until more arrive.
    EXPECT_FALSE(layer.has_header());
    EXPECT_FALSE(next_fragment(layer));
    layer.keep_unread();
    layer.feed(ByteView(third).subspan(4));
    EXPECT_TRUE(layer.has_header());
    EXPECT_EQ(next_fragment(layer), (std::vector<uint8_t>{3, 3, 3}));
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
    };
    for (const auto& c : cases) {
        RecordLayer layer;
        layer.feed(c.header);
        auto next = layer.next_record();
        ASSERT_FALSE(next.ok());
        EXPECT_EQ(next.error().alert, c.alert);
        EXPECT_NE(next.error().reason.find(c.reason), std::string::npos) << next.error().reason;
    }
}

TEST(RecordLayer, StrictVersionOnceNegotiated) {
    const std::vector<uint8_t> tls10_record = {kHandshake, 3, 1, 0, 1, 0};
    RecordLayer lenient;
    lenient.feed(tls10_record);
    EXPECT_TRUE(next_fragment(lenient));  // a ClientHello may come in a TLS 1.0 record
    RecordLayer strict;
    strict.require_tls12_records();
    strict.feed(tls10_record);
    auto next = strict.next_record();
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.error().alert, AlertDescription::protocol_version);
}

}  // namespace
