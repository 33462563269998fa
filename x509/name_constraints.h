// Names in certificates (GeneralName, RFC 5280 4.2.1.6) and the name constraints a CA places on
// the certificates below it (RFC 5280 4.2.1.10). Pure logic over decoded values: the DER side
// lives in certificate_fields.cpp. verify_chain() applies this to every certification path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tls12/crypto/bytes.h>

namespace tls12::x509 {

// The GeneralName choices, numbered as their context tags.
enum class NameType : uint8_t {
    other_name = 0,
    rfc822 = 1,
    dns = 2,
    x400 = 3,
    directory = 4,
    edi_party = 5,
    uri = 6,
    ip = 7,
    registered_id = 8,
};

struct DirectoryAttribute {
    std::string oid;  // dotted, "2.5.4.3"
    std::string value;
};

struct GeneralName {
    NameType type = NameType::dns;
    // rfc822, dns, uri: the IA5String as written; other_name, registered_id: the dotted OID.
    std::string text;
    // ip: the address (4 or 16 bytes) in a certificate's names, address then mask (8 or 32
    // bytes) in a name constraint.
    crypto::Bytes bytes;
    // directory: the attributes of the Name in order (multi-valued RDNs flattened).
    std::vector<DirectoryAttribute> directory;
};

// "DNS:*.example.com", "IP:192.0.2.0/24", "email:a@example.com", "DirName:CN=foo" ...
std::string to_string(const GeneralName& name);

struct NameConstraints {
    std::vector<GeneralName> permitted;
    std::vector<GeneralName> excluded;
};

// What makes a name constraints extension unusable, or nullopt when it is well formed:
// neither subtree list given, a dNSName that is not a DNS name (wildcards and a leading period
// included: RFC 5280 4.2.1.10 allows a leading period for URIs only), an iPAddress that is not
// an address and a contiguous mask of 8 or 32 bytes, an rfc822Name that is neither a mailbox nor
// a host or ".domain".
std::optional<std::string> constraints_problem(const NameConstraints& constraints);

// Whether a name of a later certificate in the path satisfies the constraints (RFC 5280 6.1.3
// (b), (c)): nullopt when it does, otherwise why not. Only constraints of the name's own type
// apply. A name is refused when it falls in an excluded subtree, or when there are permitted
// subtrees of its type and it lies in none of them. A wildcard dNSName ("*.example.com") is the
// set of names it matches: refused when that set reaches into an excluded subtree, permitted
// only when the whole set lies inside one permitted subtree. Names that cannot be checked (a
// malformed name, or a type we do not evaluate: otherName, URI, x400Address, ediPartyName,
// registeredID) are refused when constraints of their type exist, as RFC 5280 4.2.1.10 requires.
std::optional<std::string> check_name(const NameConstraints& constraints, const GeneralName& name);

// A syntactically valid DNS name: labels of letters, digits, '-' (not at either end) and '_',
// 1..63 bytes each, 253 bytes at most, no trailing dot. With allow_wildcard, the left-most label
// may be "*" when at least two labels follow it.
bool valid_dns_name(std::string_view name, bool allow_wildcard);

}  // namespace tls12::x509
