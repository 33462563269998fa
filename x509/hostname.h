/// \file
/// Matching a host name or IP address against a certificate's names (RFC 6125, RFC 5280 4.2.1.6).
/// Pure string logic, no third-party types; verify_chain() uses it for the leaf certificate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tls12/crypto/bytes.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::x509 {

/// The names a certificate is issued for.
struct SubjectNames {
    std::vector<std::string> dns;    ///< subjectAltName dNSName entries, as written.
    std::vector<crypto::Bytes> ips;  ///< subjectAltName iPAddress entries (4 or 16 bytes).
    std::string common_name;         ///< The subject's (last) CN, empty when none (never matched).
    bool has_san = false;            ///< The certificate has a subjectAltName extension.
};

/// An IPv4 dotted quad ("127.0.0.1") or IPv6 literal ("::1", "[::1]") as 4 or 16 bytes;
/// nullopt for anything else (host names).
std::optional<crypto::Bytes> parse_ip_address(std::string_view text);

/// Formats 4 or 16 address bytes ("127.0.0.1", "2001:db8:0:0:0:0:0:1").
std::string format_ip_address(const crypto::Bytes& address);

/// One certificate DNS name (pattern) against a host name, RFC 6125 6.4:
///  - comparison is ASCII case-insensitive; one trailing dot on either side is ignored;
///  - a wildcard is only the complete left-most label ("*.example.com"), it matches exactly one
///    non-empty label ("a.example.com", not "example.com" nor "a.b.example.com");
///  - partial wildcards ("f*.example.com", "*o.example.com"), wildcards in other labels and
///    wildcards directly above a single label ("*.com") never match;
///  - a host name that is an IP literal or contains '*' never matches a DNS pattern.
bool dns_name_matches(std::string_view pattern, std::string_view host);

/// The whole rule for a leaf: IP literals are compared with SAN iPAddress entries only; host
/// names with SAN dNSName entries. The subject CN is never consulted: a certificate without a
/// subjectAltName is not valid for any host name.
bool names_match(const SubjectNames& names, std::string_view host);

}  // namespace tls12::x509
#pragma GCC visibility pop
