// json.h, the reader the Wycheproof tests load their files with.
#include <gtest/gtest.h>

#include "json.h"

using test_json::parse;

TEST(JsonReader, ReadsTheWycheproofShapes) {
    const auto v = parse(R"( {"algorithm": "AES-GCM", "numberOfTests": 316, "ok": true,
        "none": null, "testGroups": [ {"ivSize": 96, "tests": [ {"tcId": 1, "flags": []} ]} ],
        "text": "a\"b\\c\/d\n\u00e9\ud83d\ude00", "real": -1.25e1 } )");
    EXPECT_EQ(v.at("algorithm").as_string(), "AES-GCM");
    EXPECT_EQ(v.at("numberOfTests").as_int(), 316);
    EXPECT_TRUE(v.at("ok").as_bool());
    EXPECT_TRUE(v.at("none").is_null());
    const auto& group = v.at("testGroups").as_array().at(0);
    EXPECT_EQ(group.at("ivSize").as_int(), 96);
    EXPECT_TRUE(group.at("tests").as_array().at(0).at("flags").as_array().empty());
    EXPECT_EQ(v.at("text").as_string(), "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ(v.at("real").as_number(), -12.5);
    EXPECT_EQ(v.find("absent"), nullptr);
    EXPECT_THROW(v.at("absent"), std::runtime_error);
    EXPECT_THROW(v.at("real").as_int(), std::runtime_error);
    EXPECT_THROW(v.at("ok").as_string(), std::runtime_error);
}

TEST(JsonReader, RefusesMalformedText) {
    for (const char* bad :
         {"", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "[1] x", "01", "1.", "-", "\"abc", "\"\\x\"",
          "\"\\ud800\"", "\"\\udc00\"", "tru", "\"a\nb\"", "{1:2}", "[1 2]"}) {
        SCOPED_TRACE(bad);
        EXPECT_THROW(parse(bad), std::runtime_error);
    }
    std::string deep(100, '[');
    deep += std::string(100, ']');
    EXPECT_THROW(parse(deep), std::runtime_error);
}
