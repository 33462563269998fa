// The RFC 6125 host name matcher and the IP literal parser.
#include <gtest/gtest.h>

#include <tls12/x509/hostname.h>

namespace {

using tls12::x509::dns_name_matches;
using tls12::x509::names_match;
using tls12::x509::parse_ip_address;
using tls12::x509::SubjectNames;

TEST(DnsNameMatches, ExactNamesCaseInsensitive) {
    EXPECT_TRUE(dns_name_matches("example.com", "example.com"));
    EXPECT_TRUE(dns_name_matches("Example.COM", "example.com"));
    EXPECT_TRUE(dns_name_matches("localhost", "LOCALHOST"));
    EXPECT_FALSE(dns_name_matches("example.com", "example.org"));
    EXPECT_FALSE(dns_name_matches("example.com", "www.example.com"));
    EXPECT_FALSE(dns_name_matches("www.example.com", "example.com"));
    EXPECT_FALSE(dns_name_matches("", "example.com"));
    EXPECT_FALSE(dns_name_matches("example.com", ""));
}

TEST(DnsNameMatches, TrailingDotIgnored) {
    EXPECT_TRUE(dns_name_matches("example.com", "example.com."));
    EXPECT_TRUE(dns_name_matches("example.com.", "example.com"));
    EXPECT_FALSE(dns_name_matches("example.com", "example.com.."));
}

TEST(DnsNameMatches, WildcardMatchesExactlyOneLeftMostLabel) {
    EXPECT_TRUE(dns_name_matches("*.example.com", "a.example.com"));
    EXPECT_TRUE(dns_name_matches("*.example.com", "WWW.Example.Com"));
    EXPECT_FALSE(dns_name_matches("*.example.com", "example.com"));
    EXPECT_FALSE(dns_name_matches("*.example.com", "a.b.example.com"));
    EXPECT_FALSE(dns_name_matches("*.example.com", ".example.com"));
    EXPECT_FALSE(dns_name_matches("*.example.com", "a.example.org"));
}

TEST(DnsNameMatches, NoPartialOrMisplacedWildcards) {
    EXPECT_FALSE(dns_name_matches("f*.example.com", "foo.example.com"));
    EXPECT_FALSE(dns_name_matches("*o.example.com", "foo.example.com"));
    EXPECT_FALSE(dns_name_matches("f*o.example.com", "foo.example.com"));
    EXPECT_FALSE(dns_name_matches("a.*.example.com", "a.b.example.com"));
    EXPECT_FALSE(dns_name_matches("www.example.*", "www.example.com"));
    EXPECT_FALSE(dns_name_matches("**.example.com", "a.example.com"));
    EXPECT_FALSE(dns_name_matches("*", "localhost"));
    EXPECT_FALSE(dns_name_matches("*.com", "example.com"));  // not directly above one label
}

TEST(DnsNameMatches, HostNamesWithWildcardsOrIpLiteralsNeverMatch) {
    EXPECT_FALSE(dns_name_matches("*.example.com", "*.example.com"));
    EXPECT_FALSE(dns_name_matches("127.0.0.1", "127.0.0.1"));
    EXPECT_FALSE(dns_name_matches("*.0.0.1", "127.0.0.1"));
}

TEST(ParseIpAddress, Ipv4) {
    EXPECT_EQ(parse_ip_address("127.0.0.1"), (tls12::crypto::Bytes{127, 0, 0, 1}));
    EXPECT_EQ(parse_ip_address("255.255.255.255"), (tls12::crypto::Bytes{255, 255, 255, 255}));
    EXPECT_FALSE(parse_ip_address("256.0.0.1"));
    EXPECT_FALSE(parse_ip_address("1.2.3"));
    EXPECT_FALSE(parse_ip_address("1.2.3.4.5"));
    EXPECT_FALSE(parse_ip_address("01.2.3.4"));
    EXPECT_FALSE(parse_ip_address("1..3.4"));
    EXPECT_FALSE(parse_ip_address("localhost"));
    EXPECT_FALSE(parse_ip_address(""));
}

TEST(ParseIpAddress, Ipv6) {
    tls12::crypto::Bytes loopback(16, 0);
    loopback[15] = 1;
    EXPECT_EQ(parse_ip_address("::1"), loopback);
    EXPECT_EQ(parse_ip_address("[::1]"), loopback);
    EXPECT_EQ(parse_ip_address("0:0:0:0:0:0:0:1"), loopback);
    EXPECT_EQ(parse_ip_address("::"), tls12::crypto::Bytes(16, 0));
    const auto mapped = parse_ip_address("::ffff:192.0.2.1");
    ASSERT_TRUE(mapped);
    EXPECT_EQ(*mapped,
              (tls12::crypto::Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}));
    const auto doc = parse_ip_address("2001:DB8::8:800:200C:417A");
    ASSERT_TRUE(doc);
    EXPECT_EQ(tls12::x509::format_ip_address(*doc), "2001:db8:0:0:8:800:200c:417a");
    EXPECT_FALSE(parse_ip_address("1::2::3"));
    EXPECT_FALSE(parse_ip_address("1:2:3:4:5:6:7:8:9"));
    EXPECT_FALSE(parse_ip_address("1:2:3:4:5:6:7"));
    EXPECT_FALSE(parse_ip_address("12345::1"));
    EXPECT_FALSE(parse_ip_address("g::1"));
    EXPECT_FALSE(parse_ip_address("1:2:3:4:5:6:7::8"));  // "::" must stand for a group
}

SubjectNames server_names() {
    SubjectNames n;
    n.dns = {"localhost", "*.example.test"};
    n.ips = {tls12::crypto::Bytes{127, 0, 0, 1}};
    n.common_name = "legacy.example.org";
    n.has_san = true;
    return n;
}

TEST(NamesMatch, DnsAgainstSanDns) {
    const auto n = server_names();
    EXPECT_TRUE(names_match(n, "localhost"));
    EXPECT_TRUE(names_match(n, "api.example.test"));
    EXPECT_FALSE(names_match(n, "example.test"));
    EXPECT_FALSE(names_match(n, "other.host"));
    EXPECT_FALSE(names_match(n, ""));
}

TEST(NamesMatch, IpOnlyAgainstSanIp) {
    auto n = server_names();
    EXPECT_TRUE(names_match(n, "127.0.0.1"));
    EXPECT_FALSE(names_match(n, "127.0.0.2"));
    EXPECT_FALSE(names_match(n, "::1"));
    // An IP written as a DNS SAN does not count.
    n.dns.push_back("10.0.0.1");
    EXPECT_FALSE(names_match(n, "10.0.0.1"));
    tls12::crypto::Bytes v6(16, 0);
    v6[15] = 1;
    n.ips.push_back(v6);
    EXPECT_TRUE(names_match(n, "::1"));
    EXPECT_TRUE(names_match(n, "[::1]"));
}

TEST(NamesMatch, NoCommonNameFallbackWhenSanPresent) {
    const auto n = server_names();
    EXPECT_FALSE(names_match(n, "legacy.example.org"));
}

// Issue 11: no common-name fallback. Before, a certificate without subjectAltName matched its CN
// (this test asserted names_match(n, "legacy.example.org")); now it matches no host name.
TEST(NamesMatch, NoCommonNameFallbackWithoutSan) {
    SubjectNames n;
    n.common_name = "legacy.example.org";
    EXPECT_FALSE(names_match(n, "legacy.example.org"));
    EXPECT_FALSE(names_match(n, "other.example.org"));
    n.common_name = "127.0.0.1";
    EXPECT_FALSE(names_match(n, "127.0.0.1"));  // IPs never come from the CN
}

}  // namespace
