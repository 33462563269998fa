// The RFC 8448 trace values under tests/fixtures/rfc8448/: "name: hex" lines, continued on
// indented lines, '#' comments.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include <tls12/crypto/bytes.h>

namespace tls12_test {

class Rfc8448Fixture {
  public:
    explicit Rfc8448Fixture(const std::string& name) {
        const std::string path = std::string(TLS12_SOURCE_DIR) + "/tests/fixtures/rfc8448/" + name;
        std::ifstream in(path);
        if (!in) throw std::runtime_error("cannot read " + path);
        std::string line, key;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            if (line[0] == ' ') {
                if (key.empty()) throw std::runtime_error(path + ": continuation without a name");
                hex_[key] += line;
                continue;
            }
            const auto colon = line.find(':');
            if (colon == std::string::npos) throw std::runtime_error(path + ": bad line " + line);
            key = line.substr(0, colon);
            hex_[key] = line.substr(colon + 1);
        }
    }

    // The named value's bytes; a missing name throws.
    tls12::crypto::Bytes operator[](const std::string& name) const {
        auto it = hex_.find(name);
        if (it == hex_.end()) throw std::runtime_error("no value " + name + " in the fixture");
        std::string digits;
        for (char c : it->second)
            if (c != ' ') digits += c;
        return tls12::crypto::from_hex(digits);
    }

  private:
    std::map<std::string, std::string> hex_;
};

}  // namespace tls12_test
