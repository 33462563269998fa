// Wire messages: a real OpenSSL ClientHello, random round trips, no proper prefix parses, and the
// extension rules (duplicates, malformed, unknown, limits).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>

#include <tls12/tls/msgs/msgs.h>

namespace tls12 {
namespace {

Bytes hex(std::string_view s) {
    Bytes out;
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    int hi = -1;
    for (char c : s) {
        int v = nib(c);
        if (v < 0) continue;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<uint8_t>(hi << 4 | v));
            hi = -1;
        }
    }
    return out;
}

// Captured once from `openssl s_client -tls1_2 -servername example.com -alpn h2,http/1.1`
// (OpenSSL 3.0.19) against a loopback listener: the first record, header included.
constexpr std::string_view kOpensslClientHelloRecord =
    "16030100dd010000d9030321fb7a0d5675c36d1e84ff7e23e58e577cbf910a33c64b790f34aebc4ec4b87700"
    "0038c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033"
    "009d009c003d003c0035002f00ff0100007800000010000e00000b6578616d706c652e636f6d000b00040300"
    "0102000a000c000a001d0017001e00190018002300000010000e000c02683208687474702f312e3100160000"
    "00170000000d002a0028040305030603080708080809080a080b080408050806040105010601030303010302"
    "040205020602";

TEST(ClientHello, ParsesOpensslClientHello) {
    const Bytes record = hex(kOpensslClientHelloRecord);
    ASSERT_EQ(record.size(), 5u + 0xdd);
    ByteView fragment = ByteView(record).subspan(5);
    auto header = HandshakeHeader::peek(fragment);
    ASSERT_TRUE(header.has_value());
    EXPECT_EQ(header->type, HandshakeType::client_hello);
    ASSERT_EQ(header->length, fragment.size() - kHandshakeHeaderSize);
    ByteView body = fragment.subspan(kHandshakeHeaderSize);

    auto ch = ClientHello::parse(body);
    ASSERT_TRUE(ch.ok()) << ch.error().message();
    EXPECT_EQ(ch->legacy_version, ProtocolVersion::tls12);
    EXPECT_EQ(ch->random[0], 0x21);
    EXPECT_EQ(ch->random[31], 0x77);
    EXPECT_TRUE(ch->session_id.empty());
    ASSERT_EQ(ch->cipher_suites.size(), 28u);
    EXPECT_EQ(ch->cipher_suites.front(), CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384);
    EXPECT_EQ(ch->cipher_suites.back(), CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    EXPECT_NE(std::find(ch->cipher_suites.begin(), ch->cipher_suites.end(),
                        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
              ch->cipher_suites.end());
    EXPECT_EQ(ch->compression_methods, Bytes{0});

    const Extensions& e = ch->extensions;
    EXPECT_EQ(e.server_name, "example.com");
    EXPECT_EQ(e.ec_point_formats, (Bytes{0, 1, 2}));
    EXPECT_EQ(e.supported_groups,
              (std::vector<NamedGroup>{NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::x448,
                                       NamedGroup::secp521r1, NamedGroup::secp384r1}));
    EXPECT_EQ(e.session_ticket, Bytes{});
    EXPECT_EQ(e.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
    EXPECT_TRUE(e.encrypt_then_mac);
    EXPECT_TRUE(e.extended_master_secret);
    ASSERT_TRUE(e.signature_algorithms.has_value());
    EXPECT_EQ(e.signature_algorithms->size(), 20u);
    EXPECT_EQ(e.signature_algorithms->front(), SignatureScheme::ecdsa_secp256r1_sha256);
    EXPECT_FALSE(e.renegotiation_info.has_value());  // OpenSSL used the SCSV instead
    EXPECT_FALSE(e.supported_versions.has_value());
    EXPECT_TRUE(e.unknown.empty());
    EXPECT_FALSE(e.server_name_ack);

    // Re-serializing gives a ClientHello that parses to the same value (our extension order may
    // differ from OpenSSL's, so bytes are not compared).
    auto again = ClientHello::parse(ch->serialize());
    ASSERT_TRUE(again.ok()) << again.error().message();
    EXPECT_EQ(*again, *ch);
    EXPECT_EQ(frame_message(*ch).size(), ch->serialize().size() + 4);
}

// ---- random values ----

class Gen {
  public:
    explicit Gen(uint32_t seed) : rng_(seed) {}
    size_t n(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }
    bool coin() { return n(0, 1) == 1; }
    uint8_t u8() { return static_cast<uint8_t>(n(0, 0xFF)); }
    uint16_t u16() { return static_cast<uint16_t>(n(0, 0xFFFF)); }
    uint32_t u32() { return static_cast<uint32_t>(n(0, 0xFFFFFFFF)); }
    // Mostly short, sometimes the extremes.
    size_t len(size_t lo, size_t hi) {
        switch (n(0, 9)) {
            case 0:
                return lo;
            case 1:
                return hi;
            default:
                return n(lo, std::min(hi, lo + 64));
        }
    }
    Bytes bytes(size_t lo, size_t hi) {
        Bytes b(len(lo, hi));
        for (auto& x : b) x = u8();
        return b;
    }
    std::string str(size_t lo, size_t hi) {
        std::string s(len(lo, hi), 'a');
        for (auto& c : s) c = static_cast<char>(n(1, 255));  // anything but NUL
        return s;
    }
    // A DNS host name as server_name carries it (RFC 6066 3): labels of 1..63 letters, digits,
    // hyphens and underscores, at most 253 bytes, sometimes as long as allowed; never an IP
    // literal.
    std::string host_name() {
        static constexpr std::string_view kChars =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        const size_t total = len(1, 253);
        std::string s;
        while (s.size() < total) {
            if (!s.empty()) {
                if (total - s.size() < 2) break;
                s += '.';
            }
            const size_t label = std::min({len(1, 63), total - s.size(), size_t{63}});
            s += kChars[n(0, 51)];  // a letter first: never all digits (an IP literal)
            for (size_t i = 1; i < label; ++i) s += kChars[n(0, kChars.size() - 1)];
        }
        return s;
    }
    template <typename T>
    std::vector<T> u16s(size_t lo, size_t hi) {
        std::vector<T> v(len(lo, hi));
        for (auto& x : v) x = static_cast<T>(u16());
        return v;
    }
    Random random() {
        Random r;
        for (auto& x : r) x = u8();
        return r;
    }

  private:
    std::mt19937 rng_;
};

const std::set<uint16_t> kKnownClient = {0, 10, 11, 13, 16, 22, 23, 35, 43, 0xFF01};
const std::set<uint16_t> kKnownServer = {0, 11, 16, 22, 23, 35, 43, 0xFF01};

Extensions random_extensions(Gen& g, ExtensionContext ctx) {
    const bool client = ctx == ExtensionContext::client_hello;
    Extensions e;
    if (g.coin()) {
        if (client) {
            e.server_name = g.host_name();
        } else {
            e.server_name_ack = true;
        }
    }
    if (client && g.coin()) e.supported_groups = g.u16s<NamedGroup>(1, 40);
    if (g.coin()) e.ec_point_formats = g.bytes(1, 255);
    if (client && g.coin()) e.signature_algorithms = g.u16s<SignatureScheme>(1, 60);
    if (g.coin()) {
        std::vector<std::string> names(client ? g.n(1, 6) : 1);
        for (auto& s : names) s = g.str(1, 255);
        e.alpn = names;
    }
    e.extended_master_secret = g.coin();
    e.encrypt_then_mac = g.coin();
    if (g.coin()) e.renegotiation_info = g.bytes(0, 255);
    if (g.coin()) e.session_ticket = client ? g.bytes(0, 1000) : Bytes{};
    if (g.coin()) e.supported_versions = g.u16s<ProtocolVersion>(1, client ? 127 : 1);
    const auto& known = client ? kKnownClient : kKnownServer;
    for (size_t i = g.n(0, 4); i > 0; --i) {
        uint16_t type = g.u16();
        if (i == 1 && !client) type = 10;  // supported_groups is unknown in a ServerHello
        bool dup = std::any_of(e.unknown.begin(), e.unknown.end(),
                               [&](const auto& u) { return u.first == type; });
        if (known.count(type) != 0 || dup) continue;
        e.unknown.emplace_back(type, g.bytes(0, 300));
    }
    return e;
}

ClientHello random_client_hello(Gen& g) {
    ClientHello m;
    m.legacy_version = static_cast<ProtocolVersion>(g.u16());
    m.random = g.random();
    m.session_id = g.bytes(0, 32);
    m.cipher_suites = g.u16s<CipherSuite>(1, 0x7FFF);
    m.compression_methods = g.bytes(1, 255);
    if (g.n(0, 4) != 0) m.extensions = random_extensions(g, ExtensionContext::client_hello);
    return m;
}

ServerHello random_server_hello(Gen& g) {
    ServerHello m;
    m.version = static_cast<ProtocolVersion>(g.u16());
    m.random = g.random();
    m.session_id = g.bytes(0, 32);
    m.cipher_suite = static_cast<CipherSuite>(g.u16());
    m.compression_method = g.u8();
    if (g.n(0, 4) != 0) m.extensions = random_extensions(g, ExtensionContext::server_hello);
    return m;
}

Certificate random_certificate(Gen& g) {
    Certificate m;
    m.chain.resize(g.n(0, 4));
    for (auto& c : m.chain) c = g.bytes(1, 2000);
    return m;
}

ServerKeyExchange random_ske(Gen& g) {
    ServerKeyExchange m;
    m.params.group = static_cast<NamedGroup>(g.u16());
    m.params.public_value = g.bytes(1, 255);
    m.scheme = static_cast<SignatureScheme>(g.u16());
    m.signature = g.bytes(1, 1024);
    return m;
}

CertificateRequest random_cr(Gen& g) {
    CertificateRequest m;
    m.certificate_types = g.bytes(1, 255);
    m.supported_signature_algorithms = g.u16s<SignatureScheme>(1, 0x7FFF);
    m.certificate_authorities.resize(g.n(0, 5));
    for (auto& dn : m.certificate_authorities) dn = g.bytes(1, 500);
    return m;
}

ClientKeyExchange random_cke(Gen& g) {
    ClientKeyExchange m;
    m.kind = g.coin() ? KeyExchangeKind::rsa : KeyExchangeKind::ecdhe;
    m.exchange_keys = m.kind == KeyExchangeKind::rsa ? g.bytes(1, 0xFFFF) : g.bytes(1, 255);
    return m;
}

CertificateVerify random_cv(Gen& g) {
    CertificateVerify m;
    m.scheme = static_cast<SignatureScheme>(g.u16());
    m.signature = g.bytes(1, 0xFFFF);
    return m;
}

NewSessionTicket random_nst(Gen& g) {
    NewSessionTicket m;
    m.lifetime_hint = g.u32();
    m.ticket = g.bytes(0, 0xFFFF);
    return m;
}

Finished random_finished(Gen& g) {
    return Finished{g.bytes(12, 12)};
}

AlertMessage random_alert(Gen& g) {
    return AlertMessage{g.coin() ? AlertLevel::warning : AlertLevel::fatal,
                        static_cast<AlertDescription>(g.u8())};
}

// parse(serialize(m)) == m for many random m, and serialize(w) leaves the writer ok.
template <typename Msg, typename Make, typename Parse>
void round_trip(Make make, Parse parse, int iterations = 300) {
    Gen g(12345);
    for (int i = 0; i < iterations; ++i) {
        Msg m = make(g);
        Writer w;
        m.serialize(w);
        ASSERT_TRUE(w.ok()) << "iteration " << i;
        Bytes enc = w.take();
        EXPECT_EQ(enc, m.serialize());
        auto back = parse(ByteView(enc));
        ASSERT_TRUE(back.ok()) << "iteration " << i << ": " << back.error().message();
        EXPECT_EQ(*back, m) << "iteration " << i;
    }
}

// No proper prefix of an encoding parses, except possibly the one of length `allowed`.
template <typename Parse>
void no_prefix_parses(const Bytes& enc, Parse parse, size_t allowed = SIZE_MAX) {
    for (size_t len = 0; len < enc.size(); ++len) {
        if (len == allowed) continue;
        auto r = parse(ByteView(enc).first(len));
        ASSERT_FALSE(r.ok()) << "prefix of length " << len << " of " << enc.size() << " parsed";
        EXPECT_EQ(r.error().alert, AlertDescription::decode_error) << r.error().message();
    }
}

TEST(RoundTrip, ClientHello) {
    round_trip<ClientHello>(random_client_hello, [](ByteView b) { return ClientHello::parse(b); });
}
TEST(RoundTrip, ServerHello) {
    round_trip<ServerHello>(random_server_hello, [](ByteView b) { return ServerHello::parse(b); });
}
TEST(RoundTrip, Certificate) {
    round_trip<Certificate>(random_certificate, [](ByteView b) { return Certificate::parse(b); });
}
TEST(RoundTrip, ServerKeyExchange) {
    round_trip<ServerKeyExchange>(random_ske,
                                  [](ByteView b) { return ServerKeyExchange::parse(b); });
}
TEST(RoundTrip, CertificateRequest) {
    round_trip<CertificateRequest>(random_cr,
                                   [](ByteView b) { return CertificateRequest::parse(b); });
}
TEST(RoundTrip, ClientKeyExchange) {
    Gen g(1);
    for (int i = 0; i < 300; ++i) {
        ClientKeyExchange m = random_cke(g);
        auto back = ClientKeyExchange::parse(m.serialize(), m.kind);
        ASSERT_TRUE(back.ok()) << back.error().message();
        EXPECT_EQ(*back, m);
    }
}
TEST(RoundTrip, CertificateVerify) {
    round_trip<CertificateVerify>(random_cv,
                                  [](ByteView b) { return CertificateVerify::parse(b); });
}
TEST(RoundTrip, NewSessionTicket) {
    round_trip<NewSessionTicket>(random_nst, [](ByteView b) { return NewSessionTicket::parse(b); });
}
TEST(RoundTrip, Finished) {
    round_trip<Finished>(random_finished, [](ByteView b) { return Finished::parse(b); });
}
TEST(RoundTrip, Alert) {
    round_trip<AlertMessage>(random_alert, [](ByteView b) { return AlertMessage::parse(b); });
}
TEST(RoundTrip, EmptyMessages) {
    EXPECT_TRUE(ServerHelloDone::parse(ServerHelloDone{}.serialize()).ok());
    EXPECT_TRUE(HelloRequest::parse(HelloRequest{}.serialize()).ok());
    EXPECT_TRUE(ChangeCipherSpec::parse(ChangeCipherSpec{}.serialize()).ok());
    EXPECT_EQ(ChangeCipherSpec{}.serialize(), Bytes{1});
    EXPECT_TRUE(ServerHelloDone{}.serialize().empty());
    EXPECT_EQ(frame_message(ServerHelloDone{}), (Bytes{14, 0, 0, 0}));
    EXPECT_EQ(frame_message(HelloRequest{}), (Bytes{0, 0, 0, 0}));
}

TEST(Prefix, HellosOnlyParseWhenCutExactlyBeforeExtensions) {
    Gen g(777);
    for (int i = 0; i < 40; ++i) {
        ClientHello ch = random_client_hello(g);
        ch.cipher_suites.resize(std::min<size_t>(ch.cipher_suites.size(), 50));
        Bytes enc = ch.serialize();
        size_t ext_size = ch.extensions.serialize(ExtensionContext::client_hello).size();
        size_t cut = ext_size == 0 ? SIZE_MAX : enc.size() - ext_size;
        no_prefix_parses(
            enc, [](ByteView b) { return ClientHello::parse(b); }, cut);
        if (ext_size != 0) {
            // That prefix is a valid ClientHello without extensions.
            auto bare = ClientHello::parse(ByteView(enc).first(cut));
            ASSERT_TRUE(bare.ok());
            ClientHello expect = ch;
            expect.extensions = Extensions{};
            EXPECT_EQ(*bare, expect);
        }

        ServerHello sh = random_server_hello(g);
        enc = sh.serialize();
        ext_size = sh.extensions.serialize(ExtensionContext::server_hello).size();
        cut = ext_size == 0 ? SIZE_MAX : enc.size() - ext_size;
        no_prefix_parses(
            enc, [](ByteView b) { return ServerHello::parse(b); }, cut);
    }
}

TEST(Prefix, OtherMessages) {
    Gen g(4242);
    for (int i = 0; i < 20; ++i) {
        no_prefix_parses(random_certificate(g).serialize(),
                         [](ByteView b) { return Certificate::parse(b); });
        no_prefix_parses(random_ske(g).serialize(),
                         [](ByteView b) { return ServerKeyExchange::parse(b); });
        CertificateRequest cr = random_cr(g);
        cr.supported_signature_algorithms.resize(
            std::min<size_t>(cr.supported_signature_algorithms.size(), 40));
        no_prefix_parses(cr.serialize(), [](ByteView b) { return CertificateRequest::parse(b); });
        ClientKeyExchange cke = random_cke(g);
        cke.exchange_keys.resize(std::min<size_t>(cke.exchange_keys.size(), 300));
        no_prefix_parses(cke.serialize(),
                         [&](ByteView b) { return ClientKeyExchange::parse(b, cke.kind); });
        CertificateVerify cv = random_cv(g);
        cv.signature.resize(std::min<size_t>(cv.signature.size(), 300));
        no_prefix_parses(cv.serialize(), [](ByteView b) { return CertificateVerify::parse(b); });
        NewSessionTicket nst = random_nst(g);
        nst.ticket.resize(std::min<size_t>(nst.ticket.size(), 300));
        no_prefix_parses(nst.serialize(), [](ByteView b) { return NewSessionTicket::parse(b); });
        no_prefix_parses(random_finished(g).serialize(),
                         [](ByteView b) { return Finished::parse(b); });
        no_prefix_parses(random_alert(g).serialize(),
                         [](ByteView b) { return AlertMessage::parse(b); });
        no_prefix_parses(ChangeCipherSpec{}.serialize(),
                         [](ByteView b) { return ChangeCipherSpec::parse(b); });
    }
}

// ---- trailing bytes ----

TEST(Trailing, EveryMessageRejectsTrailingBytes) {
    Gen g(99);
    auto with_extra = [](Bytes b) {
        b.push_back(0);
        return b;
    };
    auto expect_decode_error = [](const auto& r) {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().alert, AlertDescription::decode_error) << r.error().message();
    };
    for (int i = 0; i < 20; ++i) {
        expect_decode_error(ClientHello::parse(with_extra(random_client_hello(g).serialize())));
        expect_decode_error(ServerHello::parse(with_extra(random_server_hello(g).serialize())));
        expect_decode_error(Certificate::parse(with_extra(random_certificate(g).serialize())));
        expect_decode_error(ServerKeyExchange::parse(with_extra(random_ske(g).serialize())));
        expect_decode_error(CertificateRequest::parse(with_extra(random_cr(g).serialize())));
        ClientKeyExchange cke = random_cke(g);
        expect_decode_error(ClientKeyExchange::parse(with_extra(cke.serialize()), cke.kind));
        expect_decode_error(CertificateVerify::parse(with_extra(random_cv(g).serialize())));
        expect_decode_error(NewSessionTicket::parse(with_extra(random_nst(g).serialize())));
        expect_decode_error(Finished::parse(with_extra(random_finished(g).serialize())));
        expect_decode_error(AlertMessage::parse(with_extra(random_alert(g).serialize())));
    }
    expect_decode_error(ServerHelloDone::parse(Bytes{0}));
    expect_decode_error(HelloRequest::parse(Bytes{0}));
    expect_decode_error(ChangeCipherSpec::parse(Bytes{1, 1}));
    expect_decode_error(ChangeCipherSpec::parse(Bytes{}));
}

// ---- extensions ----

Bytes ext(uint16_t type, const Bytes& data) {
    Writer w;
    w.u16(type);
    w.vec16(data);
    return w.take();
}

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

ClientHello minimal_client_hello() {
    ClientHello ch;
    ch.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
    return ch;
}

// A ClientHello / ServerHello body whose extensions block holds `exts` verbatim.
Bytes client_hello_with(const Bytes& exts) {
    Writer w;
    minimal_client_hello().serialize(w);
    w.vec16(exts);
    return w.take();
}
Bytes server_hello_with(const Bytes& exts) {
    Writer w;
    ServerHello{}.serialize(w);
    w.vec16(exts);
    return w.take();
}

void expect_alert(const Result<ClientHello>& r, AlertDescription alert) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, alert) << r.error().message();
}
void expect_alert(const Result<ServerHello>& r, AlertDescription alert) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, alert) << r.error().message();
}

TEST(Extensions, AbsentAndEmptyBlockBothParse) {
    Bytes bare = minimal_client_hello().serialize();
    auto a = ClientHello::parse(bare);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->extensions, Extensions{});
    auto b = ClientHello::parse(client_hello_with({}));
    ASSERT_TRUE(b.ok()) << b.error().message();
    EXPECT_EQ(b->extensions, Extensions{});
    auto c = ServerHello::parse(ServerHello{}.serialize());
    ASSERT_TRUE(c.ok());
    auto d = ServerHello::parse(server_hello_with({}));
    ASSERT_TRUE(d.ok());
    // Nothing to send: no block at all.
    EXPECT_TRUE(Extensions{}.serialize(ExtensionContext::client_hello).empty());
    EXPECT_TRUE(Extensions{}.empty(ExtensionContext::server_hello));
}

TEST(Extensions, OneByteWhereTheBlockShouldBeIsDecodeError) {
    Bytes body = minimal_client_hello().serialize();
    body.push_back(0);
    expect_alert(ClientHello::parse(body), AlertDescription::decode_error);
    body.push_back(5);  // a length of 5 with nothing behind it
    expect_alert(ClientHello::parse(body), AlertDescription::decode_error);
}

TEST(Extensions, DuplicateIsIllegalParameter) {
    expect_alert(ClientHello::parse(client_hello_with(cat({ext(23, {}), ext(23, {})}))),
                 AlertDescription::illegal_parameter);
    // Duplicates of unknown types too.
    expect_alert(ClientHello::parse(client_hello_with(cat({ext(0x1234, {1}), ext(0x1234, {2})}))),
                 AlertDescription::illegal_parameter);
    expect_alert(ServerHello::parse(server_hello_with(cat({ext(0xFF01, {0}), ext(0xFF01, {0})}))),
                 AlertDescription::illegal_parameter);
    // ... even when separated by others.
    expect_alert(ClientHello::parse(client_hello_with(
                     cat({ext(10, {0, 2, 0, 29}), ext(23, {}), ext(10, {0, 2, 0, 23})}))),
                 AlertDescription::illegal_parameter);
}

TEST(Extensions, MalformedKnownExtensionsAreDecodeErrors) {
    const std::vector<std::pair<uint16_t, Bytes>> bad_client = {
        {0, {}},                         // server_name: no list
        {0, {0, 0}},                     // server_name: empty list
        {0, {0, 3, 0, 0, 0}},            // server_name: empty host_name
        {0, {0, 4, 0, 0, 5, 'a'}},       // server_name: name longer than the list
        {0, {0, 4, 0, 0, 1, 'a', 'x'}},  // server_name: trailing byte after the list
        {10, {}},                        // supported_groups: no list
        {10, {0, 0}},                    // supported_groups: empty list
        {10, {0, 3, 0, 29, 0}},          // supported_groups: odd length
        {10, {0, 2, 0, 29, 0}},          // supported_groups: trailing byte
        {11, {}},                        // ec_point_formats: no list
        {11, {0}},                       // ec_point_formats: empty list
        {11, {2, 0}},                    // ec_point_formats: short
        {13, {0, 1, 4}},                 // signature_algorithms: odd
        {13, {0, 0}},                    // signature_algorithms: empty
        {16, {0, 0}},                    // alpn: empty list
        {16, {0, 1, 0}},                 // alpn: empty name
        {16, {0, 3, 2, 'h'}},            // alpn: truncated name
        {22, {0}},                       // encrypt_then_mac: not empty
        {23, {0}},                       // extended_master_secret: not empty
        {43, {}},                        // supported_versions: no list
        {43, {0}},                       // supported_versions: empty list
        {43, {3, 3, 3, 4}},              // supported_versions: odd
        {43, {2, 3, 3, 0}},              // supported_versions: trailing
        {0xFF01, {}},                    // renegotiation_info: missing length
        {0xFF01, {1}},                   // renegotiation_info: short
        {0xFF01, {0, 0}},                // renegotiation_info: trailing
    };
    for (const auto& [type, data] : bad_client) {
        SCOPED_TRACE(testing::Message() << "type " << type << " data " << data.size());
        expect_alert(ClientHello::parse(client_hello_with(ext(type, data))),
                     AlertDescription::decode_error);
    }
    const std::vector<std::pair<uint16_t, Bytes>> bad_server = {
        {0, {0}},         // server_name ack must be empty
        {35, {1}},        // session_ticket must be empty in a ServerHello
        {43, {}},         // supported_versions: missing
        {43, {3}},        // supported_versions: short
        {43, {2, 3, 3}},  // supported_versions: a list is not a ServerHello value
        {16, {0, 0}},     // alpn empty list
        {22, {1}},        // encrypt_then_mac not empty
        {11, {0}},        // ec_point_formats empty list
    };
    for (const auto& [type, data] : bad_server) {
        SCOPED_TRACE(testing::Message() << "type " << type << " data " << data.size());
        expect_alert(ServerHello::parse(server_hello_with(ext(type, data))),
                     AlertDescription::decode_error);
    }
}

TEST(Extensions, MalformedExtensionFraming) {
    // An extension header cut short, and a length running past the block.
    expect_alert(ClientHello::parse(client_hello_with({0, 23})), AlertDescription::decode_error);
    expect_alert(ClientHello::parse(client_hello_with({0, 23, 0})), AlertDescription::decode_error);
    expect_alert(ClientHello::parse(client_hello_with({0, 23, 0, 1})),
                 AlertDescription::decode_error);
}

// server_name extension_data with one host_name, written as is.
Bytes server_name_data(const std::string& name) {
    Writer w;
    {
        auto list = w.prefix16();
        w.u8(0);  // host_name
        w.vec16(tls12::crypto::as_bytes(name));
    }
    return w.take();
}

TEST(Extensions, IllegalValues) {
    // Two host_names.
    expect_alert(ClientHello::parse(client_hello_with(ext(0, {0, 8, 0, 0, 1, 'a', 0, 0, 1, 'b'}))),
                 AlertDescription::illegal_parameter);
    // NUL inside the host_name.
    expect_alert(ClientHello::parse(client_hello_with(ext(0, {0, 5, 0, 0, 2, 'a', 0}))),
                 AlertDescription::illegal_parameter);
    // RFC 6066 3: HostName is an ASCII DNS name without a trailing dot. Control characters
    // (terminal escapes), non-ASCII bytes, blanks, empty or long labels are refused.
    for (const std::string& bad : std::vector<std::string>{
             "evil\x1b]0;owned\x07.example", "caf\xc3\xa9.example", "example.com.",
             "www example.com", "a..b", ".example", "example\n", std::string(64, 'a') + ".example",
             std::string(254, 'a'), "host:443", "*.example.com"}) {
        SCOPED_TRACE(testing::PrintToString(bad));
        auto r = ClientHello::parse(client_hello_with(ext(0, server_name_data(bad))));
        expect_alert(r, AlertDescription::illegal_parameter);
        // The reason describes the name without repeating it.
        if (!r.ok()) {
            EXPECT_EQ(r.error().reason.find(bad), std::string::npos) << r.error().reason;
        }
    }
    // ServerHello ALPN with two protocols.
    expect_alert(ServerHello::parse(server_hello_with(ext(16, {0, 6, 2, 'h', '2', 2, 'h', '3'}))),
                 AlertDescription::illegal_parameter);
}

// RFC 6066 3 forbids IP literals in HostName, but some clients send them (Python's ssl module
// before 3.7, bpo-32185): they are ignored, as if no name had been sent.
TEST(Extensions, ServerNameIgnoresIpLiterals) {
    for (const std::string ip : {"192.0.2.1", "::1", "2001:db8::7", "[2001:db8::7]"}) {
        SCOPED_TRACE(ip);
        auto r = ClientHello::parse(client_hello_with(ext(0, server_name_data(ip))));
        ASSERT_TRUE(r.ok()) << r.error().message();
        EXPECT_FALSE(r->extensions.server_name.has_value());
    }
    // An IP literal and a DNS name are still two host_names.
    expect_alert(ClientHello::parse(client_hello_with(
                     ext(0, {0, 12, 0, 0, 3, '1', '.', '2', 0, 0, 3, 'a', '.', 'b'}))),
                 AlertDescription::illegal_parameter);
}

TEST(Extensions, ServerNameSkipsOtherNameTypes) {
    auto r = ClientHello::parse(
        client_hello_with(ext(0, {0, 11, 7, 0, 2, 'z', 'z', 0, 0, 3, 'a', '.', 'b'})));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->extensions.server_name, "a.b");
    auto only_other = ClientHello::parse(client_hello_with(ext(0, {0, 4, 7, 0, 1, 'z'})));
    ASSERT_TRUE(only_other.ok());
    EXPECT_FALSE(only_other->extensions.server_name.has_value());
}

TEST(Extensions, UnknownIgnoredButPreserved) {
    const Bytes grease = {0xAB, 0xCD};
    auto r = ClientHello::parse(
        client_hello_with(cat({ext(0x0A0A, {}), ext(23, {}), ext(0xFE0D, grease)})));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_TRUE(r->extensions.extended_master_secret);
    ASSERT_EQ(r->extensions.unknown.size(), 2u);
    EXPECT_EQ(r->extensions.unknown[0], (std::pair<uint16_t, Bytes>{0x0A0A, {}}));
    EXPECT_EQ(r->extensions.unknown[1], (std::pair<uint16_t, Bytes>{0xFE0D, grease}));
    auto again = ClientHello::parse(r->serialize());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->extensions, r->extensions);

    // Client-only extensions in a ServerHello are kept as unknown (unsolicited for the engine).
    auto sh = ServerHello::parse(server_hello_with(cat({ext(10, {0, 2, 0, 29}), ext(13, {1})})));
    ASSERT_TRUE(sh.ok()) << sh.error().message();
    ASSERT_EQ(sh->extensions.unknown.size(), 2u);
    EXPECT_EQ(sh->extensions.unknown[0].first, 10);
    EXPECT_FALSE(sh->extensions.supported_groups.has_value());
}

TEST(Extensions, ServerHelloForms) {
    auto sh = ServerHello::parse(server_hello_with(
        cat({ext(0, {}), ext(16, {0, 3, 2, 'h', '2'}), ext(35, {}), ext(43, {3, 3}),
             ext(0xFF01, {0}), ext(22, {}), ext(23, {}), ext(11, {1, 0})})));
    ASSERT_TRUE(sh.ok()) << sh.error().message();
    const Extensions& e = sh->extensions;
    EXPECT_TRUE(e.server_name_ack);
    EXPECT_FALSE(e.server_name.has_value());
    EXPECT_EQ(e.alpn, std::vector<std::string>{"h2"});
    EXPECT_EQ(e.session_ticket, Bytes{});
    EXPECT_EQ(e.supported_versions, std::vector<ProtocolVersion>{ProtocolVersion::tls12});
    EXPECT_EQ(e.renegotiation_info, Bytes{});
    EXPECT_TRUE(e.encrypt_then_mac);
    EXPECT_TRUE(e.extended_master_secret);
    EXPECT_EQ(e.ec_point_formats, Bytes{0});
    EXPECT_TRUE(e.unknown.empty());
}

// No cap on the number of extensions (the engine bounds a handshake message by its size): a block
// filled with empty extensions parses, and a duplicate at its very end is still found.
TEST(Extensions, ManyExtensions) {
    auto block = [](size_t count) {
        Bytes b;
        for (size_t i = 0; i < count; ++i) {
            Bytes e = ext(static_cast<uint16_t>(0x1000 + i), {});
            b.insert(b.end(), e.begin(), e.end());
        }
        return b;
    };
    const size_t most = 0xFFFF / 4;  // empty extensions that fit in the block
    auto ok = ClientHello::parse(client_hello_with(block(most)));
    ASSERT_TRUE(ok.ok()) << ok.error().message();
    EXPECT_EQ(ok->extensions.unknown.size(), most);
    Bytes with_duplicate = block(most - 1);
    const Bytes first = ext(0x1000, {});
    with_duplicate.insert(with_duplicate.end(), first.begin(), first.end());
    expect_alert(ClientHello::parse(client_hello_with(with_duplicate)),
                 AlertDescription::illegal_parameter);
}

TEST(Extensions, SerializerRefusesOutOfLimitValues) {
    auto fails = [](const Extensions& e, ExtensionContext ctx) {
        Writer w;
        e.serialize(w, ctx);
        return !w.ok();
    };
    Extensions e;
    e.alpn = std::vector<std::string>{"a", "b"};
    EXPECT_FALSE(fails(e, ExtensionContext::client_hello));
    EXPECT_TRUE(fails(e, ExtensionContext::server_hello));
    e = {};
    e.alpn = std::vector<std::string>{""};
    EXPECT_TRUE(fails(e, ExtensionContext::client_hello));
    e = {};
    e.server_name = "";
    EXPECT_TRUE(fails(e, ExtensionContext::client_hello));
    // RFC 6066 3: an ASCII DNS name, no trailing dot, no IP literal.
    for (const char* bad : {"evil\x1b[2J.example", "example.com.", "127.0.0.1", "a..b"}) {
        e.server_name = bad;
        EXPECT_TRUE(fails(e, ExtensionContext::client_hello)) << bad;
    }
    e.server_name = "www.example.com";
    EXPECT_FALSE(fails(e, ExtensionContext::client_hello));
    e = {};
    e.supported_groups = std::vector<NamedGroup>{};
    EXPECT_TRUE(fails(e, ExtensionContext::client_hello));
    e = {};
    e.session_ticket = Bytes{1};
    EXPECT_TRUE(fails(e, ExtensionContext::server_hello));
    e = {};
    e.supported_versions =
        std::vector<ProtocolVersion>{ProtocolVersion::tls12, ProtocolVersion::tls13};
    EXPECT_TRUE(fails(e, ExtensionContext::server_hello));
    e = {};
    e.renegotiation_info = Bytes(256, 0);
    EXPECT_TRUE(fails(e, ExtensionContext::client_hello));
}

// ---- field limits ----

TEST(Limits, ClientHelloFields) {
    ClientHello ch = minimal_client_hello();
    ch.session_id = Bytes(32, 7);
    ch.cipher_suites.assign(0x7FFF, CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256);  // 2^16-2 bytes
    ch.compression_methods = Bytes(255, 0);
    auto r = ClientHello::parse(ch.serialize());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(*r, ch);

    // session_id of 33 bytes: writer refuses, parser says decode_error.
    ch = minimal_client_hello();
    ch.session_id = Bytes(33, 7);
    Writer w;
    ch.serialize(w);
    EXPECT_FALSE(w.ok());
    expect_alert(ClientHello::parse(w.buffer()), AlertDescription::decode_error);

    // Empty cipher_suites, odd cipher_suites, empty compression_methods.
    Bytes body = minimal_client_hello().serialize();
    const size_t suites_at = 2 + 32 + 1;
    Bytes empty_suites = body;
    empty_suites[suites_at + 1] = 0;
    empty_suites.erase(empty_suites.begin() + suites_at + 2, empty_suites.begin() + suites_at + 4);
    expect_alert(ClientHello::parse(empty_suites), AlertDescription::decode_error);
    Bytes odd = body;
    odd[suites_at + 1] = 3;
    odd.insert(odd.begin() + suites_at + 2, 0);
    expect_alert(ClientHello::parse(odd), AlertDescription::decode_error);
    Bytes no_comp = body;
    no_comp[suites_at + 4] = 0;
    no_comp.pop_back();
    expect_alert(ClientHello::parse(no_comp), AlertDescription::decode_error);
    // 2^16-1 bytes of suites: over the limit (and odd).
    ch = minimal_client_hello();
    ch.cipher_suites.assign(0x8000, CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256);
    Writer w2;
    ch.serialize(w2);
    EXPECT_FALSE(w2.ok());
}

TEST(Limits, ServerHelloSessionId) {
    ServerHello sh;
    sh.session_id = Bytes(32, 1);
    auto r = ServerHello::parse(sh.serialize());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, sh);
    Bytes body = sh.serialize();
    body[34] = 33;
    body.insert(body.begin() + 35, 1);
    expect_alert(ServerHello::parse(body), AlertDescription::decode_error);
}

TEST(Limits, Certificate) {
    Certificate empty;
    EXPECT_EQ(empty.serialize(), (Bytes{0, 0, 0}));
    ASSERT_TRUE(Certificate::parse(Bytes{0, 0, 0}).ok());
    // A zero-length certificate is malformed.
    auto zero = Certificate::parse(Bytes{0, 0, 3, 0, 0, 0});
    ASSERT_FALSE(zero.ok());
    EXPECT_EQ(zero.error().alert, AlertDescription::decode_error);
    // A certificate longer than 64 KiB exercises the 24-bit lengths.
    Certificate big;
    big.chain = {Bytes(70000, 0x30), Bytes(1, 0x30)};
    auto r = Certificate::parse(big.serialize());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, big);
    // Inner length running past the list.
    auto past = Certificate::parse(Bytes{0, 0, 4, 0, 0, 2, 0x30});
    EXPECT_FALSE(past.ok());
}

TEST(Limits, ServerKeyExchange) {
    ServerKeyExchange ske;
    ske.params.group = NamedGroup::x25519;
    ske.params.public_value = Bytes(32, 9);
    ske.scheme = SignatureScheme::rsa_pss_rsae_sha256;
    ske.signature = Bytes(256, 5);
    Bytes params = ske.ecdh_params_bytes();
    ASSERT_EQ(params.size(), 4u + 32);
    EXPECT_EQ(params[0], 3);
    EXPECT_EQ(params[1], 0);
    EXPECT_EQ(params[2], 29);
    EXPECT_EQ(params[3], 32);
    Bytes body = ske.serialize();
    EXPECT_TRUE(std::equal(params.begin(), params.end(), body.begin()));

    Bytes explicit_curve = body;
    explicit_curve[0] = 1;  // explicit_prime
    auto r = ServerKeyExchange::parse(explicit_curve);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter);

    ske.params.public_value = Bytes(255, 1);
    ske.signature = Bytes(0xFFFF, 2);
    auto max = ServerKeyExchange::parse(ske.serialize());
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(*max, ske);

    ske.params.public_value.clear();
    Writer w;
    ske.serialize(w);
    EXPECT_FALSE(w.ok());
    EXPECT_FALSE(ServerKeyExchange::parse(w.buffer()).ok());
}

TEST(Limits, CertificateRequest) {
    CertificateRequest cr;
    cr.certificate_types = {kCertTypeRsaSign, kCertTypeEcdsaSign};
    cr.supported_signature_algorithms = {SignatureScheme::rsa_pkcs1_sha256};
    auto r = CertificateRequest::parse(cr.serialize());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, cr);
    EXPECT_TRUE(r->certificate_authorities.empty());
    // No certificate types / no algorithms / empty DN are malformed.
    EXPECT_FALSE(CertificateRequest::parse(Bytes{0, 0, 2, 4, 1, 0, 0}).ok());
    EXPECT_FALSE(CertificateRequest::parse(Bytes{1, 1, 0, 0, 0, 0}).ok());
    EXPECT_FALSE(CertificateRequest::parse(Bytes{1, 1, 0, 2, 4, 1, 0, 2, 0, 0}).ok());
    EXPECT_FALSE(CertificateRequest::parse(Bytes{1, 1, 0, 3, 4, 1, 0, 0, 0}).ok());
}

TEST(Limits, ClientKeyExchange) {
    EXPECT_FALSE(ClientKeyExchange::parse_ecdhe(Bytes{0}).ok());
    Bytes point = {32};
    point.resize(33, 4);
    auto e = ClientKeyExchange::parse_ecdhe(point);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->kind, KeyExchangeKind::ecdhe);
    EXPECT_EQ(e->exchange_keys.size(), 32u);
    // The same bytes are not a valid RSA ClientKeyExchange.
    EXPECT_FALSE(ClientKeyExchange::parse_rsa(point).ok());
    EXPECT_FALSE(ClientKeyExchange::parse_rsa(Bytes{0, 0}).ok());
    ClientKeyExchange rsa{KeyExchangeKind::rsa, Bytes(0xFFFF, 1)};
    auto r = ClientKeyExchange::parse_rsa(rsa.serialize());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, rsa);
    ClientKeyExchange too_big{KeyExchangeKind::ecdhe, Bytes(256, 1)};
    Writer w;
    too_big.serialize(w);
    EXPECT_FALSE(w.ok());
}

TEST(Limits, CertificateVerify) {
    EXPECT_FALSE(CertificateVerify::parse(Bytes{4, 1, 0, 0}).ok());
    EXPECT_FALSE(CertificateVerify::parse(Bytes{4, 1}).ok());
    auto r = CertificateVerify::parse(Bytes{4, 1, 0, 1, 9});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->scheme, SignatureScheme::rsa_pkcs1_sha256);
    EXPECT_EQ(r->signature, Bytes{9});
}

TEST(Limits, Finished) {
    EXPECT_TRUE(Finished::parse(Bytes(12, 0)).ok());
    EXPECT_FALSE(Finished::parse(Bytes(11, 0)).ok());
    EXPECT_FALSE(Finished::parse(Bytes(13, 0)).ok());
    EXPECT_TRUE(Finished::parse(Bytes(32, 0), 32).ok());
    EXPECT_EQ(Finished::parse(Bytes(13, 0)).error().alert, AlertDescription::decode_error);
}

TEST(Limits, NewSessionTicket) {
    auto empty = NewSessionTicket::parse(Bytes{0, 0, 0, 7, 0, 0});
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->lifetime_hint, 7u);
    EXPECT_TRUE(empty->ticket.empty());
    NewSessionTicket max{0xFFFFFFFF, Bytes(0xFFFF, 3)};
    auto r = NewSessionTicket::parse(max.serialize());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, max);
    NewSessionTicket over{1, Bytes(0x10000, 3)};
    Writer w;
    over.serialize(w);
    EXPECT_FALSE(w.ok());
}

TEST(Limits, AlertAndChangeCipherSpec) {
    auto a = AlertMessage::parse(Bytes{2, 40});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->level, AlertLevel::fatal);
    EXPECT_EQ(a->description, AlertDescription::handshake_failure);
    auto unknown_desc = AlertMessage::parse(Bytes{1, 201});
    ASSERT_TRUE(unknown_desc.ok());
    EXPECT_EQ(static_cast<int>(unknown_desc->description), 201);
    auto bad_level = AlertMessage::parse(Bytes{3, 0});
    ASSERT_FALSE(bad_level.ok());
    EXPECT_EQ(bad_level.error().alert, AlertDescription::illegal_parameter);
    auto bad_ccs = ChangeCipherSpec::parse(Bytes{2});
    ASSERT_FALSE(bad_ccs.ok());
    EXPECT_EQ(bad_ccs.error().alert, AlertDescription::illegal_parameter);
}

TEST(Handshake, HeaderAndFraming) {
    EXPECT_FALSE(HandshakeHeader::peek(Bytes{1, 0, 0}).has_value());
    auto h = HandshakeHeader::peek(Bytes{2, 0x01, 0x02, 0x03, 0xFF});
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->type, HandshakeType::server_hello);
    EXPECT_EQ(h->length, 0x010203u);
    Writer w;
    h->serialize(w);
    EXPECT_EQ(w.buffer(), (Bytes{2, 1, 2, 3}));
    EXPECT_EQ(frame_handshake(HandshakeType::finished, Bytes{1, 2}), (Bytes{20, 0, 0, 2, 1, 2}));
    Writer big;
    write_handshake(big, HandshakeType::certificate, Bytes(0x1000000, 0));
    EXPECT_FALSE(big.ok());
    // Unknown handshake types are reported, not refused, by peek.
    auto u = HandshakeHeader::peek(Bytes{99, 0, 0, 0});
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(static_cast<int>(u->type), 99);
}

}  // namespace
}  // namespace tls12
