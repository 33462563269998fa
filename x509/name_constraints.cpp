#include <tls12/x509/name_constraints.h>

#include <algorithm>

#include <tls12/x509/hostname.h>

namespace tls12::x509 {
namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool valid_label(std::string_view label) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

// RFC 5280 4.2.1.10: a DNS name is in the subtree of a constraint when it is the constraint
// itself or the constraint with labels added on the left. The empty constraint is every name.
bool dns_within(std::string_view name, std::string_view constraint) {
    if (constraint.empty()) return true;
    if (iequals(name, constraint)) return true;
    return name.size() > constraint.size() + 1 && iends_with(name, constraint) &&
           name[name.size() - constraint.size() - 1] == '.';
}

bool is_wildcard(std::string_view name) {
    return name.size() > 2 && name[0] == '*' && name[1] == '.';
}

// "*.example.com" stands for every "<label>.example.com".
// Inside a subtree as a whole exactly when "example.com" is.
bool dns_set_within(std::string_view name, std::string_view constraint) {
    return dns_within(is_wildcard(name) ? name.substr(2) : name, constraint);
}

// Reaches into a subtree when one of its names does: "example.com" is inside, or the constraint
// is itself one of the names ("bar.example.com": one label on top of "example.com").
bool dns_set_meets(std::string_view name, std::string_view constraint) {
    if (!is_wildcard(name)) return dns_within(name, constraint);
    const std::string_view base = name.substr(2);
    if (dns_within(base, constraint)) return true;
    if (!dns_within(constraint, base) || iequals(constraint, base)) return false;
    const std::string_view extra = constraint.substr(0, constraint.size() - base.size() - 1);
    return extra.find('.') == std::string_view::npos;
}

bool ip_within(const crypto::Bytes& address, const crypto::Bytes& constraint) {
    if (constraint.size() != 2 * address.size()) return false;  // IPv4 vs IPv6: never
    const size_t n = address.size();
    for (size_t i = 0; i < n; ++i) {
        const uint8_t mask = constraint[n + i];
        if ((address[i] & mask) != (constraint[i] & mask)) return false;
    }
    return true;
}

// Ones then zeros: 255.255.255.0 is a /24, 255.0.255.0 is nothing.
bool contiguous_mask(const uint8_t* mask, size_t n) {
    bool zeros = false;
    for (size_t i = 0; i < n; ++i) {
        for (int bit = 7; bit >= 0; --bit) {
            const bool one = (mask[i] >> bit) & 1;
            if (one && zeros) return false;
            if (!one) zeros = true;
        }
    }
    return true;
}

size_t prefix_length(const uint8_t* mask, size_t n) {
    size_t bits = 0;
    for (size_t i = 0; i < n; ++i) {
        for (int bit = 7; bit >= 0; --bit) bits += (mask[i] >> bit) & 1;
    }
    return bits;
}

struct Mailbox {
    std::string_view local;  // empty for a host constraint
    std::string_view domain;
};

// "local@domain" with exactly one '@' and a valid domain.
std::optional<Mailbox> parse_mailbox(std::string_view text) {
    const size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos)
        return std::nullopt;
    const Mailbox box{text.substr(0, at), text.substr(at + 1)};
    if (!valid_dns_name(box.domain, false)) return std::nullopt;
    return box;
}

bool valid_rfc822_constraint(std::string_view c) {
    if (c.find('@') != std::string_view::npos) return parse_mailbox(c).has_value();
    if (!c.empty() && c.front() == '.') c.remove_prefix(1);
    return valid_dns_name(c, false);
}

// RFC 5280 4.2.1.10: a mailbox, every mailbox on a host, or every mailbox in a domain
// (".example.com": hosts below example.com, not example.com itself).
bool rfc822_within(const Mailbox& box, std::string_view c) {
    if (c.find('@') != std::string_view::npos) {
        const auto want = parse_mailbox(c);
        return want && want->local == box.local && iequals(want->domain, box.domain);
    }
    if (!c.empty() && c.front() == '.') {
        return box.domain.size() > c.size() && iends_with(box.domain, c);
    }
    return iequals(box.domain, c);
}

// RFC 4518 in small: case, and runs of spaces, do not matter.
std::string normalized(std::string_view value) {
    std::string out;
    bool space = false;
    for (char c : value) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += lower(c);
    }
    return out;
}

// The constraint's attributes are the first attributes of the name (RFC 5280 7.1).
bool directory_within(const GeneralName& name, const GeneralName& c) {
    if (c.directory.size() > name.directory.size()) return false;
    for (size_t i = 0; i < c.directory.size(); ++i) {
        if (c.directory[i].oid != name.directory[i].oid) return false;
        if (normalized(c.directory[i].value) != normalized(name.directory[i].value)) return false;
    }
    return true;
}

bool evaluated_type(NameType type) {
    return type == NameType::dns || type == NameType::ip || type == NameType::rfc822 ||
           type == NameType::directory;
}

const char* type_text(NameType type) {
    switch (type) {
        case NameType::other_name:
            return "otherName";
        case NameType::rfc822:
            return "rfc822Name";
        case NameType::dns:
            return "dNSName";
        case NameType::x400:
            return "x400Address";
        case NameType::directory:
            return "directoryName";
        case NameType::edi_party:
            return "ediPartyName";
        case NameType::uri:
            return "uniformResourceIdentifier";
        case NameType::ip:
            return "iPAddress";
        case NameType::registered_id:
            return "registeredID";
        default:
            return "unknown name type";
    }
}

bool well_formed_name(const GeneralName& name) {
    switch (name.type) {
        case NameType::dns:
            return valid_dns_name(name.text, true);
        case NameType::ip:
            return name.bytes.size() == 4 || name.bytes.size() == 16;
        case NameType::rfc822:
            return parse_mailbox(name.text).has_value();
        default:
            return true;
    }
}

// Is every name `name` stands for inside subtree c (permitted), or can any of them be in it
// (excluded)? The two differ only for wildcards.
bool within(const GeneralName& name, const GeneralName& c, bool whole_set) {
    switch (name.type) {
        case NameType::dns:
            return whole_set ? dns_set_within(name.text, c.text) : dns_set_meets(name.text, c.text);
        case NameType::ip:
            return ip_within(name.bytes, c.bytes);
        case NameType::rfc822:
            return rfc822_within(*parse_mailbox(name.text), c.text);
        case NameType::directory:
            return directory_within(name, c);
        default:
            return false;
    }
}

}  // namespace

bool valid_dns_name(std::string_view name, bool allow_wildcard) {
    if (name.empty() || name.size() > 253) return false;
    size_t start = 0;
    size_t labels = 0;
    bool wildcard = false;
    while (true) {
        const size_t dot = name.find('.', start);
        const std::string_view label = name.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (labels == 0 && allow_wildcard && label == "*") {
            wildcard = true;
        } else if (!valid_label(label)) {
            return false;
        }
        ++labels;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return !wildcard || labels >= 3;
}

std::string to_string(const GeneralName& name) {
    switch (name.type) {
        case NameType::dns:
            return "DNS:" + name.text;
        case NameType::rfc822:
            return "email:" + name.text;
        case NameType::uri:
            return "URI:" + name.text;
        case NameType::ip: {
            const size_t n = name.bytes.size();
            if (n == 8 || n == 32) {
                const crypto::Bytes address(
                    name.bytes.begin(), name.bytes.begin() + static_cast<std::ptrdiff_t>(n / 2));
                return "IP:" + format_ip_address(address) + "/" +
                       std::to_string(prefix_length(name.bytes.data() + n / 2, n / 2));
            }
            return "IP:" + format_ip_address(name.bytes);
        }
        case NameType::directory: {
            std::string out = "DirName:";
            for (size_t i = 0; i < name.directory.size(); ++i) {
                out += (i ? ", " : "") + name.directory[i].oid + "=" + name.directory[i].value;
            }
            return out;
        }
        case NameType::other_name:
            return "otherName:" + name.text;
        case NameType::registered_id:
            return "RID:" + name.text;
        default:
            return type_text(name.type);
    }
}

std::optional<std::string> constraints_problem(const NameConstraints& constraints) {
    // RFC 5280 4.2.1.10: "MUST NOT issue certificates where name constraints is an empty
    // sequence".
    if (constraints.permitted.empty() && constraints.excluded.empty()) {
        return "name constraints with neither permitted nor excluded subtrees";
    }
    for (const auto* list : {&constraints.permitted, &constraints.excluded}) {
        for (const auto& c : *list) {
            bool ok = true;
            if (c.type == NameType::dns) {
                ok = c.text.empty() || valid_dns_name(c.text, false);
            } else if (c.type == NameType::ip) {
                const size_t n = c.bytes.size();
                ok = (n == 8 || n == 32) && contiguous_mask(c.bytes.data() + n / 2, n / 2);
            } else if (c.type == NameType::rfc822) {
                ok = valid_rfc822_constraint(c.text);
            }
            if (!ok)
                return "malformed " + std::string(type_text(c.type)) + " constraint \"" +
                       to_string(c) + "\"";
        }
    }
    return std::nullopt;
}

std::optional<std::string> check_name(const NameConstraints& constraints, const GeneralName& name) {
    const auto of_type = [&](const std::vector<GeneralName>& list) {
        std::vector<const GeneralName*> out;
        for (const auto& c : list) {
            if (c.type == name.type) out.push_back(&c);
        }
        return out;
    };
    const auto permitted = of_type(constraints.permitted);
    const auto excluded = of_type(constraints.excluded);
    if (permitted.empty() && excluded.empty()) return std::nullopt;

    const std::string shown = to_string(name);
    if (!evaluated_type(name.type)) {
        return shown + " cannot be checked against the " + type_text(name.type) +
               " name constraints (name type not supported)";
    }
    if (!well_formed_name(name)) {
        return shown + " is not a valid " + type_text(name.type) +
               ", so it cannot be checked against the name constraints";
    }
    for (const auto* c : excluded) {
        if (within(name, *c, /*whole_set=*/false)) {
            return shown + " is in the excluded subtree " + to_string(*c);
        }
    }
    if (permitted.empty()) return std::nullopt;
    for (const auto* c : permitted) {
        if (within(name, *c, /*whole_set=*/true)) return std::nullopt;
    }
    std::string list;
    for (const auto* c : permitted) list += (list.empty() ? "" : ", ") + to_string(*c);
    return shown + " is not inside a permitted subtree (" + list + ")";
}

}  // namespace tls12::x509
