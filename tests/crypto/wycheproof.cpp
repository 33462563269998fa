// The vector accounting shared by wycheproof_test.cpp.
#include "wycheproof.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <exception>
#include <iostream>
#include <sstream>

namespace wycheproof {

tls12::crypto::Bytes Case::bytes(std::string_view field) const {
    return tls12::crypto::from_hex(test.at(field).as_string());
}

bool Case::has_flag(std::string_view flag) const {
    const auto& flags = test.at("flags").as_array();
    return std::any_of(flags.begin(), flags.end(),
                       [&](const test_json::Value& f) { return f.as_string() == flag; });
}

std::string data_dir() {
    return std::string(TLS12_SOURCE_DIR) + "/tests/fixtures/wycheproof";
}

Summary run(const std::string& file, std::string_view algorithm,
            const std::function<Outcome(const Case&)>& run_case) {
    Summary summary;
    summary.file = file;
    const test_json::Value root = test_json::parse_file(data_dir() + "/" + file);
    if (root.at("algorithm").as_string() != algorithm)
        throw std::runtime_error(file + ": algorithm is " + root.at("algorithm").as_string() +
                                 ", expected " + std::string(algorithm));
    summary.declared = root.at("numberOfTests").as_int();
    for (const auto& group : root.at("testGroups").as_array()) {
        for (const auto& test : group.at("tests").as_array()) {
            const Case c{group, test};
            ++summary.seen;
            Outcome outcome;
            try {
                outcome = run_case(c);
            } catch (const std::exception& e) {
                outcome = fail(std::string("exception: ") + e.what());
            }
            switch (outcome.kind) {
                case Outcome::Kind::pass:
                    ++summary.passed;
                    if (!outcome.text.empty()) ++summary.notes[outcome.text];
                    break;
                case Outcome::Kind::skip:
                    ++summary.skipped[outcome.text];
                    break;
                default:
                    summary.failures.push_back("tcId " + std::to_string(c.id()) + " (" +
                                               c.result() + ", " + test.at("comment").as_string() +
                                               "): " + outcome.text);
            }
        }
    }

    std::ostringstream line;
    size_t skipped = 0;
    for (const auto& [reason, n] : summary.skipped) skipped += n;
    line << "[wycheproof] " << file << ": " << summary.seen << " vectors, " << summary.passed
         << " passed, " << skipped << " skipped, " << summary.failures.size() << " failed\n";
    for (const auto& [reason, n] : summary.skipped)
        line << "[wycheproof]     skipped " << n << ": " << reason << "\n";
    for (const auto& [note, n] : summary.notes)
        line << "[wycheproof]     passed " << n << ": " << note << "\n";
    std::cout << line.str() << std::flush;
    return summary;
}

void expect_all_accounted(const Summary& summary,
                          std::initializer_list<std::string_view> allowed_skip_reasons) {
    SCOPED_TRACE(summary.file);
    for (const auto& failure : summary.failures) ADD_FAILURE() << failure;
    size_t skipped = 0;
    for (const auto& [reason, n] : summary.skipped) {
        skipped += n;
        const bool allowed = std::find(allowed_skip_reasons.begin(), allowed_skip_reasons.end(),
                                       reason) != allowed_skip_reasons.end();
        EXPECT_TRUE(allowed) << "unexpected skip reason (" << n << " vectors): " << reason;
    }
    EXPECT_EQ(summary.seen, static_cast<size_t>(summary.declared))
        << "vectors in the file vs its numberOfTests";
    EXPECT_EQ(summary.passed + skipped + summary.failures.size(), summary.seen);
    EXPECT_EQ(summary.passed + skipped, static_cast<size_t>(summary.declared));
    EXPECT_GT(summary.passed, 0u);
}

}  // namespace wycheproof
