// The README's synopsis of the example programs (the ```sh block under "## Examples") against
// each program's --help: an option one lists and the other does not fails the test, so the README
// cannot fall behind when a program gains or loses an option.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"

using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kPrograms = {"echo_server", "echo_client", "https_get"};

std::string example_path(const std::string& name) {
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path() / "examples" / name).string();
}

// Program name -> the option names its synopsis lines mention ("--port", "-v", ...).
std::map<std::string, std::set<std::string>> readme_synopses() {
    std::ifstream in(std::string(TLS12_SOURCE_DIR) + "/README.md");
    if (!in) throw std::runtime_error("cannot read README.md");
    enum { before_section, before_block, in_block } where = before_section;
    std::map<std::string, std::set<std::string>> out;
    std::string program;
    // An option starts a word, or follows '[', '|' or '(' ("[--ca FILE | --insecure]").
    const std::regex option(R"((?:^|[\s\[|(])(--?[A-Za-z][A-Za-z0-9-]*))");
    for (std::string line; std::getline(in, line);) {
        if (where == before_section) {
            if (line == "## Examples") where = before_block;
        } else if (where == before_block) {
            if (line.rfind("## ", 0) == 0) break;  // the section ended without a block
            if (line == "```sh") where = in_block;
        } else {
            if (line.rfind("```", 0) == 0) break;
            if (line.empty()) continue;
            if (!std::isspace(static_cast<unsigned char>(line[0])))
                program = line.substr(0, line.find(' '));  // a new program; else a continuation
            auto& options = out[program];
            for (std::sregex_iterator it(line.begin(), line.end(), option), end; it != end; ++it)
                options.insert((*it)[1]);
        }
    }
    return out;
}

// One entry per option of a CLI11 --help: all its names ("-p,--port UINT REQUIRED" gives
// {"-p", "--port"}). --help itself is left out.
std::vector<std::set<std::string>> help_options(const std::string& help) {
    std::vector<std::set<std::string>> out;
    std::istringstream in(help);
    bool in_options = false;
    for (std::string line; std::getline(in, line);) {
        if (line == "Options:") {
            in_options = true;
            continue;
        }
        if (!in_options || line.rfind("  -", 0) != 0) continue;  // descriptions are indented more
        const std::string names = line.substr(2, line.find(' ', 2) - 2);
        std::set<std::string> aliases;
        std::istringstream split(names);
        for (std::string name; std::getline(split, name, ',');) aliases.insert(name);
        if (!aliases.count("--help")) out.push_back(aliases);
    }
    return out;
}

std::string run_help(const std::string& program) {
    tls12_test::SpawnOptions options;
    options.pipe_stdin = false;
    auto process = tls12_test::Process::spawn({example_path(program), "--help"}, options);
    const auto code = process.wait(30s);
    if (code != 0) throw std::runtime_error(program + " --help failed: " + process.stderr_text());
    return process.stdout_text();
}

std::string join(const std::set<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

}  // namespace

TEST(ReadmeSynopsis, ListsEveryExampleProgram) {
    const auto synopses = readme_synopses();
    for (const auto& program : kPrograms)
        EXPECT_TRUE(synopses.count(program))
            << program << " has no synopsis in README.md's ```sh block under \"## Examples\"";
    for (const auto& [program, options] : synopses)
        EXPECT_NE(std::find(kPrograms.begin(), kPrograms.end(), program), kPrograms.end())
            << "README.md's synopsis names " << program << ", which is not an example program";
}

class ReadmeSynopsisOf : public ::testing::TestWithParam<std::string> {};

TEST_P(ReadmeSynopsisOf, NamesTheOptionsOfItsHelp) {
    const std::string program = GetParam();
    ASSERT_EQ(::access(example_path(program).c_str(), X_OK), 0)
        << program << " is not built next to the tests (configure with TLS12_BUILD_EXAMPLES=ON)";
    const auto synopses = readme_synopses();
    ASSERT_TRUE(synopses.count(program)) << program << " has no synopsis in README.md";
    const std::set<std::string>& readme = synopses.at(program);
    const std::string help = run_help(program);
    const auto options = help_options(help);
    ASSERT_FALSE(options.empty()) << "no options found in " << program << " --help:\n" << help;

    std::set<std::string> missing_from_readme, unknown_to_help;
    std::set<std::string> every_name;
    for (const auto& aliases : options) {
        every_name.insert(aliases.begin(), aliases.end());
        bool listed = false;
        for (const auto& name : aliases) listed = listed || readme.count(name);
        if (!listed) missing_from_readme.insert(*aliases.begin());  // "--port" sorts before "-p"
    }
    for (const auto& name : readme)
        if (!every_name.count(name)) unknown_to_help.insert(name);

    EXPECT_TRUE(missing_from_readme.empty())
        << program
        << " --help has options README.md's synopsis does not list: " << join(missing_from_readme)
        << "\n"
        << help;
    EXPECT_TRUE(unknown_to_help.empty())
        << "README.md's synopsis of " << program
        << " lists options its --help does not have: " << join(unknown_to_help) << "\n"
        << help;
}

std::string program_name(const ::testing::TestParamInfo<std::string>& param) {
    return param.param;
}

INSTANTIATE_TEST_SUITE_P(Examples, ReadmeSynopsisOf, ::testing::ValuesIn(kPrograms), program_name);
