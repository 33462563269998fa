#include <tls12/tls/host_name.h>

#include <algorithm>
#include <cstdio>

namespace tls12 {
namespace {

bool is_digit(char ch) noexcept {
    return ch >= '0' && ch <= '9';
}
bool is_letter(char ch) noexcept {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}
bool is_hex_digit(char ch) noexcept {
    return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

}  // namespace

bool is_ip_literal(std::string_view name) noexcept {
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']')
        name = name.substr(1, name.size() - 2);
    name = name.substr(0, name.find('%'));  // an IPv6 zone ("fe80::1%eth0")
    if (name.empty()) return false;
    const bool ipv4 =
        std::all_of(name.begin(), name.end(), [](char ch) { return is_digit(ch) || ch == '.'; });
    const bool ipv6 = std::count(name.begin(), name.end(), ':') >= 2 &&
                      std::all_of(name.begin(), name.end(), [](char ch) {
                          return is_hex_digit(ch) || ch == ':' || ch == '.';
                      });
    return ipv4 || ipv6;
}

std::optional<std::string> host_name_problem(std::string_view name) {
    constexpr size_t kMaxName = 253;  // 255 bytes in DNS wire form
    constexpr size_t kMaxLabel = 63;  // RFC 1035 2.3.4
    if (name.empty()) return "it is empty";
    if (name.size() > kMaxName)
        return "it is " + std::to_string(name.size()) + " bytes long, more than " +
               std::to_string(kMaxName);
    // RFC 6066 3: "without a trailing dot".
    if (name.back() == '.') return "it ends with a dot";
    size_t label_start = 0;
    for (size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            const size_t length = i - label_start;
            if (length == 0) return "it has an empty label at offset " + std::to_string(i);
            if (length > kMaxLabel)
                return "its label at offset " + std::to_string(label_start) + " is " +
                       std::to_string(length) + " bytes long, more than " +
                       std::to_string(kMaxLabel);
            label_start = i + 1;
            continue;
        }
        const char ch = name[i];
        if (is_letter(ch) || is_digit(ch) || ch == '-' || ch == '_') continue;
        char what[96];
        std::snprintf(what, sizeof what,
                      "byte 0x%02x at offset %zu is not a letter, digit, hyphen or underscore",
                      static_cast<unsigned>(static_cast<unsigned char>(ch)), i);
        return std::string(what);
    }
    return std::nullopt;
}

std::string host_name_for_sni(std::string_view name) {
    if (is_ip_literal(name)) return {};
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return std::string(name);
}

}  // namespace tls12
