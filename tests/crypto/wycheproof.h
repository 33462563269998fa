// Runs a Wycheproof vector file (tests/fixtures/wycheproof/, C2SP/wycheproof testvectors_v1)
// and accounts for every vector: each one passes, or is skipped for a stated reason (an input our
// API cannot take). Nothing is dropped silently: the totals must add up to the file's count.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tls12/crypto/bytes.h>
#include "json.h"

namespace wycheproof {

// One test case and the group it belongs to.
struct Case {
    const test_json::Value& group;
    const test_json::Value& test;

    int64_t id() const { return test.at("tcId").as_int(); }
    const std::string& result() const { return test.at("result").as_string(); }
    bool valid() const { return result() == "valid"; }
    bool acceptable() const { return result() == "acceptable"; }
    bool invalid() const { return result() == "invalid"; }
    // A hex field of the test case.
    tls12::crypto::Bytes bytes(std::string_view field) const;
    bool has_flag(std::string_view flag) const;
};

// What became of one vector. A note (optional) is counted in the summary, e.g. which way an
// "acceptable" vector went.
struct Outcome {
    enum class Kind { pass, skip, fail } kind;
    std::string text;  // skip reason, failure description or note
};
inline Outcome pass(std::string note = {}) {
    return {Outcome::Kind::pass, std::move(note)};
}
inline Outcome skip(std::string reason) {
    return {Outcome::Kind::skip, std::move(reason)};
}
inline Outcome fail(std::string why) {
    return {Outcome::Kind::fail, std::move(why)};
}
// Passes when ok, else fails with why.
inline Outcome check(bool ok, std::string why) {
    return ok ? pass() : fail(std::move(why));
}

struct Summary {
    std::string file;
    int64_t declared = 0;  // numberOfTests in the file
    size_t seen = 0;
    size_t passed = 0;
    std::map<std::string, size_t> skipped;  // reason -> count
    std::map<std::string, size_t> notes;    // note -> count (among the passed)
    std::vector<std::string> failures;      // "tcId N (comment): why"
};

// The directory holding the copied vector files.
std::string data_dir();

// Loads file (a name under data_dir()), runs run_case on every test of every group (an exception
// from run_case is a failure), prints a per-file summary line and returns the tally. The file's
// "algorithm" must equal algorithm (guards against a mix-up of files).
Summary run(const std::string& file, std::string_view algorithm,
            const std::function<Outcome(const Case&)>& run_case);

// The assertions every file gets: no failures (each is listed), passed + skipped == the file's
// declared total == the number of vectors seen, and only the expected skip reasons.
void expect_all_accounted(const Summary& summary,
                          std::initializer_list<std::string_view> allowed_skip_reasons);

}  // namespace wycheproof
