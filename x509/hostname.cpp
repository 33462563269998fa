#include <tls12/x509/hostname.h>

#include <algorithm>
#include <cstdio>

namespace tls12::x509 {
namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view strip_trailing_dot(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (true) {
        const size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::optional<crypto::Bytes> parse_ipv4(std::string_view text) {
    const auto parts = split(text, '.');
    if (parts.size() != 4) return std::nullopt;
    crypto::Bytes out;
    for (auto part : parts) {
        if (part.empty() || part.size() > 3) return std::nullopt;
        if (part.size() > 1 && part[0] == '0') return std::nullopt;  // no octal-looking octets
        unsigned value = 0;
        for (char c : part) {
            if (!is_digit(c)) return std::nullopt;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value > 255) return std::nullopt;
        out.push_back(static_cast<uint8_t>(value));
    }
    return out;
}

// Parses colon-separated hex groups (no "::"); the last group may be an embedded IPv4 address.
bool parse_ipv6_groups(std::string_view text, bool allow_ipv4_tail, crypto::Bytes& out) {
    if (text.empty()) return true;
    const auto groups = split(text, ':');
    for (size_t i = 0; i < groups.size(); ++i) {
        const auto group = groups[i];
        if (allow_ipv4_tail && i + 1 == groups.size() &&
            group.find('.') != std::string_view::npos) {
            const auto v4 = parse_ipv4(group);
            if (!v4) return false;
            out.insert(out.end(), v4->begin(), v4->end());
            continue;
        }
        if (group.empty() || group.size() > 4) return false;
        unsigned value = 0;
        for (char c : group) {
            const int v = hex_value(c);
            if (v < 0) return false;
            value = value * 16 + static_cast<unsigned>(v);
        }
        out.push_back(static_cast<uint8_t>(value >> 8));
        out.push_back(static_cast<uint8_t>(value & 0xff));
    }
    return true;
}

std::optional<crypto::Bytes> parse_ipv6(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    if (text.find(':') == std::string_view::npos) return std::nullopt;
    const size_t gap = text.find("::");
    crypto::Bytes head, tail;
    if (gap == std::string_view::npos) {
        if (!parse_ipv6_groups(text, true, head) || head.size() != 16) return std::nullopt;
        return head;
    }
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    if (!parse_ipv6_groups(text.substr(0, gap), false, head)) return std::nullopt;
    if (!parse_ipv6_groups(text.substr(gap + 2), true, tail)) return std::nullopt;
    if (head.size() + tail.size() > 14) return std::nullopt;  // "::" stands for at least one group
    crypto::Bytes out = head;
    out.resize(16 - tail.size(), 0);
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

}  // namespace

std::optional<crypto::Bytes> parse_ip_address(std::string_view text) {
    if (auto v4 = parse_ipv4(text)) return v4;
    return parse_ipv6(text);
}

std::string format_ip_address(const crypto::Bytes& address) {
    char buf[8];
    std::string out;
    if (address.size() == 4) {
        for (size_t i = 0; i < 4; ++i) {
            std::snprintf(buf, sizeof buf, i ? ".%u" : "%u", static_cast<unsigned>(address[i]));
            out += buf;
        }
        return out;
    }
    if (address.size() == 16) {
        for (size_t i = 0; i < 16; i += 2) {
            std::snprintf(buf, sizeof buf, i ? ":%x" : "%x",
                          static_cast<unsigned>(address[i] << 8 | address[i + 1]));
            out += buf;
        }
        return out;
    }
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
    out += '<';
    out += std::to_string(address.size());
    out += "-byte address>";
    return out;
}

bool dns_name_matches(std::string_view pattern, std::string_view host) {
    pattern = strip_trailing_dot(pattern);
    host = strip_trailing_dot(host);
    if (pattern.empty() || host.empty()) return false;
    if (host.find('*') != std::string_view::npos) return false;
    if (parse_ip_address(host)) return false;

    const auto pattern_labels = split(pattern, '.');
    const auto host_labels = split(host, '.');
    if (pattern_labels.size() != host_labels.size()) return false;  // '*' is exactly one label
    for (size_t i = 0; i < pattern_labels.size(); ++i) {
        const auto p = pattern_labels[i];
        const auto h = host_labels[i];
        if (p.empty() || h.empty()) return false;
        if (p.find('*') == std::string_view::npos) {
            if (!iequals(p, h)) return false;
            continue;
        }
        // RFC 6125 6.4.3: only a complete left-most label "*", and not directly above a single
        // label (at least two labels must follow: "*.example.com", never "*.com").
        if (i != 0 || p != "*" || pattern_labels.size() < 3) return false;
    }
    return true;
}

bool names_match(const SubjectNames& names, std::string_view host) {
    if (host.empty()) return false;
    if (const auto ip = parse_ip_address(host)) {
        return std::any_of(names.ips.begin(), names.ips.end(),
                           [&](const crypto::Bytes& a) { return a == *ip; });
    }
    // No common-name fallback: without a subjectAltName a certificate names no host (RFC 6125
    // 6.4.4 allows the CN only as a legacy; the CA/Browser Forum requires SANs, and browsers, Go
    // and rustls stopped reading the CN long ago).
    return std::any_of(names.dns.begin(), names.dns.end(),
                       [&](const std::string& p) { return dns_name_matches(p, host); });
}

}  // namespace tls12::x509
