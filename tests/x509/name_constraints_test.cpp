// The name constraint logic on decoded values (x509/name_constraints.h): subtrees of DNS names,
// wildcards as the set of names they match, IPv4/IPv6 ranges, mailboxes, directory names, and
// what makes a constraint malformed.
#include <gtest/gtest.h>

#include <tls12/x509/hostname.h>
#include <tls12/x509/name_constraints.h>

namespace {

using tls12::x509::check_name;
using tls12::x509::constraints_problem;
using tls12::x509::GeneralName;
using tls12::x509::NameConstraints;
using tls12::x509::NameType;

GeneralName dns(const std::string& text) {
    return {NameType::dns, text, {}, {}};
}
GeneralName email(const std::string& text) {
    return {NameType::rfc822, text, {}, {}};
}
GeneralName ip(const std::string& address) {
    return {NameType::ip, {}, *tls12::x509::parse_ip_address(address), {}};
}
GeneralName ip_range(const std::string& address, const std::string& mask) {
    GeneralName n{NameType::ip, {}, *tls12::x509::parse_ip_address(address), {}};
    const auto m = *tls12::x509::parse_ip_address(mask);
    n.bytes.insert(n.bytes.end(), m.begin(), m.end());
    return n;
}
GeneralName directory(std::vector<tls12::x509::DirectoryAttribute> attributes) {
    return {NameType::directory, {}, {}, std::move(attributes)};
}

NameConstraints permitted(std::vector<GeneralName> names) {
    return {std::move(names), {}};
}
NameConstraints excluded(std::vector<GeneralName> names) {
    return {{}, std::move(names)};
}

bool allowed(const NameConstraints& nc, const GeneralName& name) {
    return !check_name(nc, name).has_value();
}

TEST(DnsSubtrees, NameAndLabelsAddedOnTheLeft) {
    const auto nc = permitted({dns("example.com")});
    EXPECT_TRUE(allowed(nc, dns("example.com")));
    EXPECT_TRUE(allowed(nc, dns("www.example.com")));
    EXPECT_TRUE(allowed(nc, dns("a.b.EXAMPLE.com")));
    EXPECT_FALSE(allowed(nc, dns("notexample.com")));  // a label boundary, not a suffix
    EXPECT_FALSE(allowed(nc, dns("example.org")));
    EXPECT_FALSE(allowed(nc, dns("com")));
    // The empty constraint is every DNS name.
    EXPECT_FALSE(allowed(excluded({dns("")}), dns("anything.example")));
}

TEST(DnsSubtrees, WildcardAgainstExcludedSubtrees) {
    // *.example.com can be bar.example.com: refused when bar.example.com is excluded ...
    EXPECT_FALSE(allowed(excluded({dns("bar.example.com")}), dns("*.example.com")));
    EXPECT_FALSE(allowed(excluded({dns("example.com")}), dns("*.example.com")));
    EXPECT_FALSE(allowed(excluded({dns("com")}), dns("*.example.com")));
    EXPECT_FALSE(allowed(excluded({dns("BAR.Example.com")}), dns("*.example.com")));
    // ... but it cannot be a.b.example.com (one label only) nor anything outside example.com.
    EXPECT_TRUE(allowed(excluded({dns("a.b.example.com")}), dns("*.example.com")));
    EXPECT_TRUE(allowed(excluded({dns("other.com")}), dns("*.example.com")));
    EXPECT_TRUE(allowed(excluded({dns("example.com.evil")}), dns("*.example.com")));
    EXPECT_TRUE(allowed(excluded({dns("bar.example.org")}), dns("*.example.com")));
}

TEST(DnsSubtrees, WildcardAgainstPermittedSubtrees) {
    // Allowed only when every name it matches is inside one subtree.
    EXPECT_TRUE(allowed(permitted({dns("example.com")}), dns("*.example.com")));
    EXPECT_TRUE(allowed(permitted({dns("com")}), dns("*.example.com")));
    EXPECT_FALSE(allowed(permitted({dns("foo.example.com")}), dns("*.example.com")));
    EXPECT_FALSE(
        allowed(permitted({dns("foo.example.com"), dns("bar.example.com")}), dns("*.example.com")));
    EXPECT_FALSE(allowed(permitted({dns("www.example.com")}), dns("*.www2.example.com")));
}

TEST(DnsSubtrees, UncheckableDnsNamesAreRefusedUnderDnsConstraints) {
    // x509-limbo rfc5280::nc::nc-permits-invalid-dns-san.
    const auto nc = permitted({dns("example.com")});
    EXPECT_FALSE(allowed(nc, dns(".example.com")));
    EXPECT_FALSE(allowed(nc, dns("foo..example.com")));
    EXPECT_FALSE(allowed(nc, dns("f*o.example.com")));
    EXPECT_FALSE(allowed(nc, dns("*.com")));
    // Without DNS constraints a DNS name is not examined at all.
    EXPECT_TRUE(allowed(permitted({ip_range("10.0.0.0", "255.0.0.0")}), dns(".example.com")));
}

TEST(IpSubtrees, Ipv4AndIpv6Ranges) {
    const auto nc =
        permitted({ip_range("192.0.2.0", "255.255.255.0"), ip_range("2001:db8::", "ffff:ffff::")});
    EXPECT_TRUE(allowed(nc, ip("192.0.2.77")));
    EXPECT_FALSE(allowed(nc, ip("192.0.3.1")));
    EXPECT_TRUE(allowed(nc, ip("2001:db8:1::1")));
    EXPECT_FALSE(allowed(nc, ip("2001:db9::1")));
    // An IPv4-mapped IPv6 address is an IPv6 address: not inside 192.0.2.0/24.
    EXPECT_FALSE(allowed(nc, ip("::ffff:192.0.2.1")));
    EXPECT_FALSE(
        allowed(excluded({ip_range("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}), ip("::1")));
    // A 5-byte "address" is not an address.
    GeneralName odd{NameType::ip, {}, {192, 0, 2, 1, 0}, {}};
    EXPECT_FALSE(allowed(nc, odd));
}

TEST(MailboxSubtrees, MailboxHostAndDomain) {
    EXPECT_TRUE(allowed(permitted({email("foo@example.com")}), email("foo@EXAMPLE.com")));
    EXPECT_FALSE(allowed(permitted({email("foo@example.com")}), email("bar@example.com")));
    EXPECT_TRUE(allowed(permitted({email("example.com")}), email("any@example.com")));
    EXPECT_FALSE(allowed(permitted({email("example.com")}), email("any@mail.example.com")));
    EXPECT_TRUE(allowed(permitted({email(".example.com")}), email("any@mail.example.com")));
    EXPECT_FALSE(allowed(permitted({email(".example.com")}), email("any@example.com")));
    EXPECT_FALSE(allowed(permitted({email("example.com")}), email("invalid@address@example.com")));
}

TEST(DirectorySubtrees, ConstraintIsALeadingPartOfTheName) {
    const auto nc = excluded({directory({{"2.5.4.6", "US"}, {"2.5.4.10", "Evil  Corp"}})});
    EXPECT_FALSE(
        allowed(nc, directory({{"2.5.4.6", "us"}, {"2.5.4.10", "evil corp"}, {"2.5.4.3", "www"}})));
    EXPECT_TRUE(allowed(nc, directory({{"2.5.4.6", "US"}, {"2.5.4.10", "Good Corp"}})));
    EXPECT_TRUE(allowed(nc, directory({{"2.5.4.10", "Evil Corp"}})));
}

TEST(UnsupportedForms, RefusedOnlyUnderConstraintsOfTheirType) {
    const GeneralName other{NameType::other_name, "1.3.6.1.4.1.55738.666.3", {}, {}};
    const GeneralName uri{NameType::uri, "https://example.com/", {}, {}};
    const auto nc = NameConstraints{{dns("example.com")}, {other}};
    EXPECT_FALSE(allowed(nc, other));
    EXPECT_TRUE(allowed(nc, uri));  // no URI constraints
    EXPECT_FALSE(allowed(excluded({uri}), uri));
}

TEST(ConstraintsProblem, MalformedConstraints) {
    EXPECT_FALSE(constraints_problem(permitted({dns("example.com")})));
    EXPECT_FALSE(constraints_problem(excluded({dns("")})));
    EXPECT_TRUE(constraints_problem(NameConstraints{}));
    EXPECT_TRUE(constraints_problem(permitted({dns(".example.com")})));  // leading period
    EXPECT_TRUE(constraints_problem(excluded({dns("*.example.com")})));
    EXPECT_TRUE(constraints_problem(permitted({ip("192.0.2.1")})));  // no mask
    EXPECT_TRUE(constraints_problem(permitted({ip_range("192.0.2.0", "255.0.255.0")})));
    EXPECT_FALSE(constraints_problem(permitted({ip_range("192.0.2.0", "255.255.255.0")})));
    EXPECT_TRUE(constraints_problem(permitted({email("invalid@invalid@example.com")})));
    EXPECT_FALSE(constraints_problem(permitted({email(".example.com")})));
}

TEST(GeneralNameText, ReadableForms) {
    EXPECT_EQ(tls12::x509::to_string(dns("*.example.com")), "DNS:*.example.com");
    EXPECT_EQ(tls12::x509::to_string(ip_range("192.0.2.0", "255.255.255.0")), "IP:192.0.2.0/24");
    EXPECT_EQ(tls12::x509::to_string(ip("::1")), "IP:0:0:0:0:0:0:0:1");
    EXPECT_EQ(tls12::x509::to_string(email("a@example.com")), "email:a@example.com");
}

}  // namespace
