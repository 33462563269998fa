// Host names as TLS carries them in server_name (RFC 6066 3): "HostName" is the fully qualified
// DNS host name of the server, as an ASCII byte string without a trailing dot; literal IPv4 and
// IPv6 addresses are not permitted. Used by the server to check what a client sent, and by the
// client to check (and normalize) the name it is asked to connect to.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tls12 {

// Whether name is an IP address literal rather than a DNS name: digits and dots only (IPv4), or
// hex digits, dots and at least two colons (IPv6), either optionally in brackets and with a
// "%zone" suffix. Liberal on purpose: such a name is never sent as, or taken for, a host name.
bool is_ip_literal(std::string_view name) noexcept;

// Why name is not a DNS host name as server_name carries it, or nullopt when it is one: 1 to 253
// bytes, dot-separated labels of 1 to 63 letters, digits, hyphens (RFC 1123 2.1) or underscores
// (which real host names contain), no trailing dot. The answer describes the offending byte by
// value and offset and never repeats the name itself (it may hold anything, terminal escapes
// included).
std::optional<std::string> host_name_problem(std::string_view name);

// The server_name a client sends for the name it connects to: empty for an IP literal (or an
// empty name), else the name without a trailing dot (RFC 6066 3; as Go and curl do).
std::string host_name_for_sni(std::string_view name);

}  // namespace tls12
