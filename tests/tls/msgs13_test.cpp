// TLS 1.3's wire messages and extensions (RFC 8446 4): RFC 8448's messages parse and re-serialize
// byte for byte, random round trips, no proper prefix parses, no trailing byte is accepted, and
// each MUST check (duplicate key share group, pre_shared_key not last, identities and binders
// counts, KeyUpdate values, lengths at their limits).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <tls12/crypto/hash.h>
#include <tls12/tls/handshake/dispatch.h>
#include <tls12/tls/msgs/msgs.h>

namespace tls12 {
namespace {

using Ctx = ExtensionContext;

// Hex digits of s, anything else skipped; '#' starts a comment that runs to the end of the line.
Bytes hex(std::string_view s) {
    Bytes out;
    int hi = -1;
    bool comment = false;
    for (char c : s) {
        if (c == '#') comment = true;
        if (c == '\n') comment = false;
        if (comment) continue;
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
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

// A whole handshake message (header included) from tests/fixtures/rfc8448/msgs_<name>.hex.
Bytes fixture(const std::string& name) {
    const std::string path =
        std::string(TLS12_SOURCE_DIR) + "/tests/fixtures/rfc8448/msgs_" + name + ".hex";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("missing fixture " + path);
    std::stringstream text;
    text << in.rdbuf();
    return hex(text.str());
}

// The body of a framed message of the expected type.
ByteView body_of(const Bytes& message, HandshakeType type) {
    auto header = HandshakeHeader::peek(message);
    if (!header || header->type != type || header->length + kHandshakeHeaderSize != message.size())
        throw std::runtime_error("fixture is not one " + to_string(type) + " message");
    return ByteView(message).subspan(kHandshakeHeaderSize);
}

// Parses the RFC's message and frames it again: the same bytes.
template <typename Msg>
Msg parse_and_reencode(const std::string& name) {
    const Bytes message = fixture(name);
    auto parsed = Msg::parse(body_of(message, Msg::kType));
    if (!parsed) throw std::runtime_error(name + ": " + parsed.error().message());
    EXPECT_EQ(frame_message(*parsed), message) << name;
    return std::move(parsed).value();
}

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

uint16_t u16(auto v) {
    return static_cast<uint16_t>(v);
}

// ---- RFC 8448 ----

TEST(Rfc8448Messages, Section3ClientHello) {
    const ClientHello ch = parse_and_reencode<ClientHello>("s3_client_hello");
    EXPECT_EQ(ch.cipher_suites.size(), 3u);
    EXPECT_EQ(u16(ch.cipher_suites.front()), 0x1301);
    const Extensions& e = ch.extensions;
    EXPECT_EQ(e.server_name, "server");
    EXPECT_EQ(e.renegotiation_info, Bytes{});
    EXPECT_EQ(e.session_ticket, Bytes{});
    ASSERT_TRUE(e.key_shares.has_value());
    ASSERT_EQ(e.key_shares->size(), 1u);
    EXPECT_EQ(e.key_shares->front().group, NamedGroup::x25519);
    EXPECT_EQ(
        e.key_shares->front().key_exchange,
        hex("99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 "
            "1e 52 9a af 2c"));
    EXPECT_EQ(e.supported_versions,
              std::vector<ProtocolVersion>{static_cast<ProtocolVersion>(0x0304)});
    EXPECT_EQ(e.psk_key_exchange_modes, Bytes{kPskDheKe});
    ASSERT_TRUE(e.signature_algorithms.has_value());
    EXPECT_EQ(e.signature_algorithms->size(), 15u);
    EXPECT_FALSE(e.pre_shared_key.has_value());
    ASSERT_EQ(e.unknown.size(), 1u);  // record_size_limit (RFC 8449)
    EXPECT_EQ(e.unknown.front().first, u16(ExtensionType::record_size_limit));
    EXPECT_TRUE(check_tls13_extensions(e, Ctx::client_hello));
}

TEST(Rfc8448Messages, Section3ServerHello) {
    const ServerHello sh = parse_and_reencode<ServerHello>("s3_server_hello");
    EXPECT_FALSE(sh.is_hello_retry_request());
    EXPECT_EQ(sh.context(), Ctx::server_hello);
    EXPECT_FALSE(sh.downgrade_sentinel().has_value());
    EXPECT_EQ(u16(sh.cipher_suite), 0x1301);
    const Extensions& e = sh.extensions;
    ASSERT_TRUE(e.key_share.has_value());
    EXPECT_EQ(e.key_share->group, NamedGroup::x25519);
    EXPECT_EQ(
        e.key_share->key_exchange,
        hex("c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 "
            "b0 4e 75 1f 0f"));
    EXPECT_EQ(e.supported_versions,
              std::vector<ProtocolVersion>{static_cast<ProtocolVersion>(0x0304)});
    EXPECT_TRUE(e.unknown.empty());
    EXPECT_TRUE(check_tls13_extensions(e, Ctx::server_hello));
}

TEST(Rfc8448Messages, Section3EncryptedExtensions) {
    const auto ee = parse_and_reencode<EncryptedExtensions>("s3_encrypted_extensions");
    const Extensions& e = ee.extensions;
    ASSERT_TRUE(e.supported_groups.has_value());
    EXPECT_EQ(e.supported_groups->size(), 9u);
    EXPECT_EQ(e.supported_groups->front(), NamedGroup::x25519);
    EXPECT_TRUE(e.server_name_ack);
    ASSERT_EQ(e.unknown.size(), 1u);  // record_size_limit
    EXPECT_EQ(e.unknown.front(), (std::pair<uint16_t, Bytes>{28, {0x40, 0x01}}));
    // The RFC's order (supported_groups, record_size_limit, server_name) is not ours: kept.
    EXPECT_EQ(e.types(Ctx::encrypted_extensions), (std::vector<uint16_t>{10, 28, 0}));
    EXPECT_TRUE(check_tls13_extensions(e, Ctx::encrypted_extensions));
}

TEST(Rfc8448Messages, Section3Certificate) {
    const auto cert = parse_and_reencode<Certificate13>("s3_certificate");
    EXPECT_TRUE(cert.request_context.empty());
    ASSERT_EQ(cert.entries.size(), 1u);
    EXPECT_EQ(cert.entries[0].cert_data.size(), 0x1b0u);
    EXPECT_EQ(cert.entries[0].cert_data[0], 0x30);  // a DER SEQUENCE
    EXPECT_EQ(cert.entries[0].extensions, Extensions{});
}

TEST(Rfc8448Messages, Section3CertificateVerify) {
    const auto cv = parse_and_reencode<CertificateVerify>("s3_certificate_verify");
    EXPECT_EQ(cv.scheme, SignatureScheme::rsa_pss_rsae_sha256);
    EXPECT_EQ(cv.signature.size(), 128u);
}

TEST(Rfc8448Messages, Section3Finished) {
    const auto server = parse_and_reencode<Finished13>("s3_server_finished");
    EXPECT_EQ(
        server.verify_data,
        hex("9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30 95 72 cb 7f ff ee 54 "
            "54 b7 8f 07 18"));
    const auto client = parse_and_reencode<Finished13>("s3_client_finished");
    EXPECT_EQ(client.verify_data.size(), 32u);
    // With the suite's hash length given, only that length parses.
    const Bytes message = fixture("s3_server_finished");
    EXPECT_TRUE(Finished13::parse(body_of(message, HandshakeType::finished), 32));
    auto wrong = Finished13::parse(body_of(message, HandshakeType::finished), 48);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().alert, AlertDescription::decode_error);
}

TEST(Rfc8448Messages, Section3NewSessionTicket) {
    const auto nst = parse_and_reencode<NewSessionTicket13>("s3_new_session_ticket");
    EXPECT_EQ(nst.lifetime, 30u);
    EXPECT_EQ(nst.age_add, 0xfad6aac5u);
    EXPECT_EQ(nst.nonce, (Bytes{0, 0}));
    EXPECT_EQ(nst.ticket.size(), 0xb2u);
    EXPECT_EQ(nst.extensions.max_early_data_size, 0x400u);
    EXPECT_FALSE(nst.extensions.early_data);
    EXPECT_TRUE(check_tls13_extensions(nst.extensions, Ctx::new_session_ticket));
}

TEST(Rfc8448Messages, Section4ClientHelloWithPreSharedKey) {
    const ClientHello ch = parse_and_reencode<ClientHello>("s4_client_hello");
    const Extensions& e = ch.extensions;
    EXPECT_TRUE(e.early_data);
    ASSERT_TRUE(e.pre_shared_key.has_value());
    const OfferedPsks& psks = *e.pre_shared_key;
    ASSERT_EQ(psks.identities.size(), 1u);
    ASSERT_EQ(psks.binders.size(), 1u);
    // The identity is section 3's ticket, its age obfuscated with that ticket's age_add.
    const auto nst = parse_and_reencode<NewSessionTicket13>("s3_new_session_ticket");
    EXPECT_EQ(psks.identities[0].identity, nst.ticket);
    EXPECT_EQ(psks.identities[0].obfuscated_ticket_age, 0xfad6aacbu);
    EXPECT_EQ(
        psks.binders[0],
        hex("3a dd 4f b2 d8 fd f8 22 a0 ca 3c f7 67 8e f5 e8 8d ae 99 01 41 c5 92 4d 57 bb 6f "
            "a3 1b 9e 5f 9d"));
    EXPECT_EQ(e.types(Ctx::client_hello).back(), u16(ExtensionType::pre_shared_key));
    EXPECT_EQ(psks.binders_size(), 2u + 1 + 32);

    // RFC 8446 4.2.11.2: the binder is computed over the ClientHello (header included) without
    // the binders list; RFC 8448 prints that hash.
    const Bytes message = fixture("s4_client_hello");
    const ByteView truncated = ByteView(message).first(message.size() - psks.binders_size());
    EXPECT_EQ(
        crypto::hash(crypto::HashAlgorithm::sha256, truncated),
        hex("63 22 4b 2e 45 73 f2 d3 45 4c a8 4b 9d 00 9a 04 f6 be 9e 05 71 1a 83 96 47 3a ef "
            "a0 1e 92 4a 14"));

    // Placeholder binders of the right length, then the real ones patched in: the RFC's bytes.
    ClientHello placeholder = ch;
    placeholder.extensions.pre_shared_key->binders = {Bytes(32, 0)};
    Bytes encoded = frame_message(placeholder);
    ASSERT_EQ(encoded.size(), message.size());
    EXPECT_TRUE(std::equal(truncated.begin(), truncated.end(), encoded.begin()));
    ASSERT_TRUE(psks.patch_binders(encoded));
    EXPECT_EQ(encoded, message);
    // Binders of another shape are refused, and nothing is written.
    OfferedPsks longer = psks;
    longer.binders = {Bytes(48, 1)};
    const Bytes before = encoded;
    auto refused = longer.patch_binders(encoded);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().alert, AlertDescription::internal_error);
    EXPECT_EQ(encoded, before);
}

// ---- HelloRetryRequest and the downgrade sentinels ----

TEST(ServerHello13, HelloRetryRequestRandomIsTheHashOfItsName) {
    const std::string_view name = "HelloRetryRequest";
    const Bytes digest =
        crypto::hash(crypto::HashAlgorithm::sha256,
                     ByteView(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
    EXPECT_EQ(Bytes(ServerHello::kHelloRetryRequestRandom.begin(),
                    ServerHello::kHelloRetryRequestRandom.end()),
              digest);
    EXPECT_EQ(Bytes(ServerHello::kDowngradeTls12.begin(), ServerHello::kDowngradeTls12.end()),
              hex("44 4F 57 4E 47 52 44 01"));
    EXPECT_EQ(Bytes(ServerHello::kDowngradeTls11.begin(), ServerHello::kDowngradeTls11.end()),
              hex("44 4F 57 4E 47 52 44 00"));
}

ServerHello hello_retry_request() {
    ServerHello hrr;
    hrr.random = ServerHello::kHelloRetryRequestRandom;
    hrr.cipher_suite = static_cast<CipherSuite>(0x1301);
    hrr.extensions.supported_versions = {static_cast<ProtocolVersion>(0x0304)};
    hrr.extensions.key_share_group = NamedGroup::secp256r1;
    hrr.extensions.cookie = Bytes{1, 2, 3};
    return hrr;
}

TEST(ServerHello13, HelloRetryRequestParsesItsOwnExtensionForms) {
    const ServerHello hrr = hello_retry_request();
    EXPECT_TRUE(hrr.is_hello_retry_request());
    const Bytes enc = hrr.serialize();
    // key_share is selected_group alone: 00 33 00 02 00 17.
    const Bytes key_share = hex("00 33 00 02 00 17");
    EXPECT_NE(std::search(enc.begin(), enc.end(), key_share.begin(), key_share.end()), enc.end());
    auto back = ServerHello::parse(enc);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, hrr);
    EXPECT_EQ(back->context(), Ctx::hello_retry_request);
    EXPECT_FALSE(back->extensions.key_share.has_value());
    EXPECT_TRUE(check_tls13_extensions(back->extensions, Ctx::hello_retry_request));

    // The same bytes with an ordinary random: a ServerHello, whose key_share is an entry, so the
    // two bytes of a group alone are malformed.
    Bytes other = enc;
    other[2] ^= 1;
    auto as_server_hello = ServerHello::parse(other);
    ASSERT_FALSE(as_server_hello);
    EXPECT_EQ(as_server_hello.error().alert, AlertDescription::decode_error);

    // A HelloRetryRequest's fields that belong to a ServerHello are not written.
    ServerHello with_share = hrr;
    with_share.extensions.key_share = KeyShareEntry{NamedGroup::x25519, Bytes(32, 1)};
    with_share.extensions.selected_psk = 0;
    EXPECT_EQ(with_share.serialize(), enc);
}

TEST(ServerHello13, DowngradeSentinels) {
    ServerHello sh;
    std::copy(ServerHello::kDowngradeTls12.begin(), ServerHello::kDowngradeTls12.end(),
              sh.random.end() - 8);
    EXPECT_EQ(sh.downgrade_sentinel(), ProtocolVersion::tls12);
    std::copy(ServerHello::kDowngradeTls11.begin(), ServerHello::kDowngradeTls11.end(),
              sh.random.end() - 8);
    EXPECT_EQ(sh.downgrade_sentinel(), ProtocolVersion::tls11);
    sh.random.back() = 2;
    EXPECT_FALSE(sh.downgrade_sentinel().has_value());
}

// ---- random values ----

class Gen {
  public:
    explicit Gen(uint32_t seed) : rng_(seed) {}
    size_t n(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }
    bool coin() { return n(0, 1) == 1; }
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
                return n(lo, std::min(hi, lo + 48));
        }
    }
    Bytes bytes(size_t lo, size_t hi) {
        Bytes b(len(lo, hi));
        for (auto& x : b) x = static_cast<uint8_t>(n(0, 0xFF));
        return b;
    }
    template <typename T>
    std::vector<T> u16s(size_t lo, size_t hi) {
        std::vector<T> v(len(lo, hi));
        for (auto& x : v) x = static_cast<T>(u16());
        return v;
    }

  private:
    std::mt19937 rng_;
};

KeyShareEntry random_share(Gen& g, NamedGroup group) {
    return KeyShareEntry{group, g.bytes(1, 300)};
}

// Types that are unknown in every context here (not in the IANA list we name).
uint16_t unknown_type(Gen& g) {
    return static_cast<uint16_t>(g.n(0x3000, 0xFEFF));
}

void add_unknown(Gen& g, Extensions& e) {
    for (size_t i = g.n(0, 2); i > 0; --i) {
        const uint16_t type = unknown_type(g);
        bool dup = false;
        for (const auto& u : e.unknown) dup = dup || u.first == type;
        if (!dup) e.unknown.emplace_back(type, g.bytes(0, 100));
    }
}

Extensions random_client_extensions13(Gen& g) {
    Extensions e;
    if (g.coin()) e.supported_groups = g.u16s<NamedGroup>(1, 20);
    if (g.coin()) e.signature_algorithms = g.u16s<SignatureScheme>(1, 20);
    if (g.coin()) e.signature_algorithms_cert = g.u16s<SignatureScheme>(1, 20);
    if (g.coin()) e.supported_versions = g.u16s<ProtocolVersion>(1, 127);
    if (g.coin()) {
        std::vector<KeyShareEntry> shares;
        const size_t count = g.n(0, 3);
        for (size_t i = 0; i < count; ++i)
            shares.push_back(random_share(g, static_cast<NamedGroup>(0x100 * i + g.n(0, 0xFF))));
        e.key_shares = shares;
    }
    if (g.coin()) e.psk_key_exchange_modes = g.bytes(1, 255);
    if (g.coin()) e.cookie = g.bytes(1, 0x8000);
    e.early_data = g.coin();
    if (g.coin()) {
        std::vector<Bytes> names(g.n(1, 3));
        for (auto& name : names) name = g.bytes(1, 200);
        e.certificate_authorities = names;
    }
    add_unknown(g, e);
    if (g.coin()) {
        OfferedPsks psks;
        const size_t count = g.n(1, 3);
        for (size_t i = 0; i < count; ++i) {
            psks.identities.push_back({g.bytes(1, 500), g.u32()});
            psks.binders.push_back(g.bytes(32, 255));
        }
        e.pre_shared_key = psks;
    }
    return e;
}

ClientHello random_client_hello13(Gen& g) {
    ClientHello ch;
    ch.random[0] = static_cast<uint8_t>(g.n(0, 0xFF));
    ch.session_id = g.bytes(0, 32);
    ch.cipher_suites = g.u16s<CipherSuite>(1, 20);
    ch.extensions = random_client_extensions13(g);
    return ch;
}

ServerHello random_server_hello13(Gen& g) {
    if (g.n(0, 3) == 0) {
        ServerHello hrr = hello_retry_request();
        if (g.coin())
            hrr.extensions.cookie.reset();
        else
            hrr.extensions.cookie = g.bytes(1, 0xFF00);
        hrr.extensions.key_share_group = static_cast<NamedGroup>(g.u16());
        return hrr;
    }
    ServerHello sh;
    sh.random[5] = static_cast<uint8_t>(g.n(0, 0xFF));
    sh.session_id = g.bytes(0, 32);
    sh.cipher_suite = static_cast<CipherSuite>(g.u16());
    sh.extensions.supported_versions = {static_cast<ProtocolVersion>(g.u16())};
    if (g.coin()) sh.extensions.key_share = random_share(g, static_cast<NamedGroup>(g.u16()));
    if (g.coin()) sh.extensions.selected_psk = g.u16();
    return sh;
}

EncryptedExtensions random_ee(Gen& g) {
    EncryptedExtensions ee;
    Extensions& e = ee.extensions;
    e.server_name_ack = g.coin();
    if (g.coin()) e.supported_groups = g.u16s<NamedGroup>(1, 20);
    if (g.coin()) e.alpn = std::vector<std::string>{std::string(g.n(1, 255), 'h')};
    e.early_data = g.coin();
    add_unknown(g, e);
    return ee;
}

Certificate13 random_certificate13(Gen& g) {
    Certificate13 c;
    c.request_context = g.bytes(0, 255);
    c.entries.resize(g.n(0, 3));
    for (auto& entry : c.entries) {
        entry.cert_data = g.bytes(1, 1500);
        add_unknown(g, entry.extensions);
        if (g.coin()) entry.extensions.unknown.push_back({5, g.bytes(0, 50)});  // status_request
    }
    return c;
}

CertificateRequest13 random_cr13(Gen& g) {
    CertificateRequest13 cr;
    cr.context = g.bytes(0, 255);
    cr.extensions.signature_algorithms = g.u16s<SignatureScheme>(1, 30);
    if (g.coin()) cr.extensions.signature_algorithms_cert = g.u16s<SignatureScheme>(1, 30);
    if (g.coin()) cr.extensions.certificate_authorities = std::vector<Bytes>{g.bytes(1, 100)};
    add_unknown(g, cr.extensions);
    return cr;
}

Finished13 random_finished13(Gen& g) {
    return Finished13{Bytes(g.coin() ? 32 : 48, static_cast<uint8_t>(g.n(0, 0xFF)))};
}

NewSessionTicket13 random_nst13(Gen& g) {
    NewSessionTicket13 nst;
    nst.lifetime = g.u32();
    nst.age_add = g.u32();
    nst.nonce = g.bytes(0, 255);
    nst.ticket = g.bytes(1, 0xFFFF);
    if (g.coin()) nst.extensions.max_early_data_size = g.u32();
    add_unknown(g, nst.extensions);
    return nst;
}

KeyUpdate random_key_update(Gen& g) {
    return KeyUpdate{g.coin() ? KeyUpdateRequest::update_requested
                              : KeyUpdateRequest::update_not_requested};
}

// parse(serialize(m)) == m, and serialize(parse(serialize(m))) == serialize(m).
template <typename Msg, typename Make>
void round_trip(Make make, int iterations = 200) {
    Gen g(1303);
    for (int i = 0; i < iterations; ++i) {
        const Msg m = make(g);
        Writer w;
        m.serialize(w);
        ASSERT_TRUE(w.ok()) << "iteration " << i;
        const Bytes enc = w.take();
        auto back = Msg::parse(enc);
        ASSERT_TRUE(back) << "iteration " << i << ": " << back.error().message();
        EXPECT_EQ(*back, m) << "iteration " << i;
        EXPECT_EQ(back->serialize(), enc) << "iteration " << i;
    }
}

TEST(RoundTrip13, ClientHello) {
    round_trip<ClientHello>(random_client_hello13);
}
TEST(RoundTrip13, ServerHelloAndHelloRetryRequest) {
    round_trip<ServerHello>(random_server_hello13);
}
TEST(RoundTrip13, EncryptedExtensions) {
    round_trip<EncryptedExtensions>(random_ee);
}
TEST(RoundTrip13, Certificate) {
    round_trip<Certificate13>(random_certificate13);
}
TEST(RoundTrip13, CertificateRequest) {
    round_trip<CertificateRequest13>(random_cr13);
}
TEST(RoundTrip13, Finished) {
    round_trip<Finished13>(random_finished13, 20);
}
TEST(RoundTrip13, NewSessionTicket) {
    round_trip<NewSessionTicket13>(random_nst13);
}
TEST(RoundTrip13, KeyUpdate) {
    round_trip<KeyUpdate>(random_key_update, 20);
}

// A parsed block keeps the order the extensions came in, also for the typed ones.
TEST(RoundTrip13, ArrivalOrderIsKept) {
    Writer w;
    {
        auto block = w.prefix16();
        w.u16(43);  // supported_versions
        w.vec16(hex("02 03 04"));
        w.u16(0xFF01);  // renegotiation_info
        w.vec16(hex("00"));
        w.u16(0x5555);  // unknown
        w.vec16(hex("01"));
        w.u16(51);  // key_share, empty list
        w.vec16(hex("0000"));
    }
    const Bytes block = w.take();
    auto e = Extensions::parse(block, Ctx::client_hello);
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_EQ(e->serialize(Ctx::client_hello), block);
    // Equal to the same extensions in another order (order is not part of the value).
    Extensions fresh;
    fresh.supported_versions = {static_cast<ProtocolVersion>(0x0304)};
    fresh.renegotiation_info = Bytes{};
    fresh.unknown = {{0x5555, {1}}};
    fresh.key_shares = std::vector<KeyShareEntry>{};
    EXPECT_EQ(*e, fresh);
    EXPECT_NE(fresh.serialize(Ctx::client_hello), block);
}

// ---- prefixes and trailing bytes ----

template <typename Parse>
void no_prefix_parses(const Bytes& enc, Parse parse, size_t allowed = SIZE_MAX) {
    for (size_t len = 0; len < enc.size(); ++len) {
        if (len == allowed) continue;
        auto r = parse(ByteView(enc).first(len));
        ASSERT_FALSE(r.ok()) << "prefix of length " << len << " of " << enc.size() << " parsed";
        EXPECT_EQ(r.error().alert, AlertDescription::decode_error) << r.error().message();
    }
}

TEST(Prefix13, NoProperPrefixParses) {
    Gen g(8446);
    for (int i = 0; i < 15; ++i) {
        ClientHello ch = random_client_hello13(g);
        ch.extensions.cookie.reset();  // keep the encodings short enough to try every prefix
        const Bytes ch_enc = ch.serialize();
        // A hello cut right before its extensions block is a hello without extensions.
        no_prefix_parses(
            ch_enc, [](ByteView b) { return ClientHello::parse(b); },
            ch_enc.size() - ch.extensions.serialize(Ctx::client_hello).size());
        ServerHello sh = random_server_hello13(g);
        sh.extensions.cookie.reset();
        const Bytes sh_enc = sh.serialize();
        no_prefix_parses(
            sh_enc, [](ByteView b) { return ServerHello::parse(b); },
            sh_enc.size() - sh.extensions.serialize(sh.context()).size());
        no_prefix_parses(random_ee(g).serialize(),
                         [](ByteView b) { return EncryptedExtensions::parse(b); });
        no_prefix_parses(random_certificate13(g).serialize(),
                         [](ByteView b) { return Certificate13::parse(b); });
        no_prefix_parses(random_cr13(g).serialize(),
                         [](ByteView b) { return CertificateRequest13::parse(b); });
        no_prefix_parses(
            random_finished13(g).serialize(), [](ByteView b) { return Finished13::parse(b, 0); },
            32);
        NewSessionTicket13 nst = random_nst13(g);
        nst.ticket.resize(std::min<size_t>(nst.ticket.size(), 200));
        no_prefix_parses(nst.serialize(), [](ByteView b) { return NewSessionTicket13::parse(b); });
        no_prefix_parses(random_key_update(g).serialize(),
                         [](ByteView b) { return KeyUpdate::parse(b); });
    }
    // The RFC's messages too.
    auto body = [](const char* name) {
        const Bytes message = fixture(name);
        return Bytes(message.begin() + kHandshakeHeaderSize, message.end());
    };
    no_prefix_parses(body("s3_encrypted_extensions"),
                     [](ByteView b) { return EncryptedExtensions::parse(b); });
    no_prefix_parses(body("s3_certificate"), [](ByteView b) { return Certificate13::parse(b); });
    no_prefix_parses(body("s3_new_session_ticket"),
                     [](ByteView b) { return NewSessionTicket13::parse(b); });
}

TEST(Trailing13, EveryMessageRejectsATrailingByte) {
    Gen g(7);
    auto plus_one = [](Bytes b) {
        b.push_back(0);
        return b;
    };
    auto expect_decode_error = [](const auto& r) {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().alert, AlertDescription::decode_error) << r.error().message();
    };
    for (int i = 0; i < 20; ++i) {
        // The hellos' blocks are always there in TLS 1.3 messages: one byte more is malformed.
        ClientHello ch = random_client_hello13(g);
        ch.extensions.supported_versions = {static_cast<ProtocolVersion>(0x0304)};
        expect_decode_error(ClientHello::parse(plus_one(ch.serialize())));
        expect_decode_error(ServerHello::parse(plus_one(random_server_hello13(g).serialize())));
        expect_decode_error(EncryptedExtensions::parse(plus_one(random_ee(g).serialize())));
        expect_decode_error(Certificate13::parse(plus_one(random_certificate13(g).serialize())));
        expect_decode_error(CertificateRequest13::parse(plus_one(random_cr13(g).serialize())));
        expect_decode_error(Finished13::parse(plus_one(Bytes(32, 1)), 32));
        expect_decode_error(NewSessionTicket13::parse(plus_one(random_nst13(g).serialize())));
        expect_decode_error(KeyUpdate::parse(plus_one(random_key_update(g).serialize())));
    }
    auto body_plus_one = [&](const char* name) {
        const Bytes message = fixture(name);
        return plus_one(Bytes(message.begin() + kHandshakeHeaderSize, message.end()));
    };
    expect_decode_error(ClientHello::parse(body_plus_one("s3_client_hello")));
    expect_decode_error(ClientHello::parse(body_plus_one("s4_client_hello")));
    expect_decode_error(ServerHello::parse(body_plus_one("s3_server_hello")));
}

// ---- the MUST checks ----

Bytes ext(uint16_t type, const Bytes& data) {
    Writer w;
    w.u16(type);
    w.vec16(data);
    return w.take();
}

Bytes block(const Bytes& exts) {
    Writer w;
    w.vec16(exts);
    return w.take();
}

AlertDescription alert_of(const Result<Extensions>& r) {
    return r ? AlertDescription::close_notify : r.error().alert;
}

Result<Extensions> client(std::initializer_list<Bytes> exts) {
    return Extensions::parse(block(cat(exts)), Ctx::client_hello);
}

const Bytes kPsk = cat({hex("00 0a 00 04 01 02 03 04 00 00 00 07  00 21 20"), Bytes(32, 0xbb)});

TEST(Extensions13, DuplicateKeyShareGroupIsIllegalParameter) {
    // RFC 8446 4.2.8.
    const Bytes two_x25519 = hex("00 0a 00 1d 00 01 aa 00 1d 00 01 bb");
    const Bytes two_groups = hex("00 0a 00 1d 00 01 aa 00 17 00 01 bb");
    EXPECT_EQ(alert_of(client({ext(51, two_x25519)})), AlertDescription::illegal_parameter);
    auto ok = client({ext(51, two_groups)});
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(ok->key_shares->size(), 2u);
    // We never write two shares of one group.
    Extensions e;
    e.key_shares = {{NamedGroup::x25519, {1}}, {NamedGroup::x25519, {2}}};
    EXPECT_TRUE(e.serialize(Ctx::client_hello).empty());
}

TEST(Extensions13, KeyShareLimits) {
    // An empty client list is allowed (a client asking for a HelloRetryRequest); an empty key is
    // not (key_exchange<1..2^16-1>).
    auto empty_list = client({ext(51, hex("00 00"))});
    ASSERT_TRUE(empty_list);
    EXPECT_TRUE(empty_list->key_shares->empty());
    EXPECT_EQ(alert_of(client({ext(51, hex("00 04 00 1d 00 00"))})),
              AlertDescription::decode_error);
    EXPECT_EQ(alert_of(Extensions::parse(block(ext(51, hex("00 1d 00 00"))), Ctx::server_hello)),
              AlertDescription::decode_error);
    EXPECT_EQ(
        alert_of(Extensions::parse(block(ext(51, hex("00 1d 00"))), Ctx::hello_retry_request)),
        AlertDescription::decode_error);
    // As long as a whole extensions block allows.
    const Bytes biggest = cat({hex("00 1d ff f7"), Bytes(0xFFF7, 3)});
    auto server = Extensions::parse(block(ext(51, biggest)), Ctx::server_hello);
    ASSERT_TRUE(server) << server.error().message();
    EXPECT_EQ(server->key_share->key_exchange.size(), 0xFFF7u);
}

TEST(Extensions13, PreSharedKeyMustBeLast) {
    // RFC 8446 4.2.11.
    auto last = client({ext(43, hex("02 03 04")), ext(41, kPsk)});
    ASSERT_TRUE(last) << last.error().message();
    EXPECT_EQ(last->pre_shared_key->identities[0].identity, hex("01 02 03 04"));
    EXPECT_EQ(last->pre_shared_key->identities[0].obfuscated_ticket_age, 7u);
    EXPECT_EQ(alert_of(client({ext(41, kPsk), ext(43, hex("02 03 04"))})),
              AlertDescription::illegal_parameter);
    EXPECT_EQ(alert_of(client({ext(41, kPsk), ext(0x5555, {})})),
              AlertDescription::illegal_parameter);
    // Our writer puts it last whatever else is set or was parsed.
    Extensions e = last.value();
    e.unknown.push_back({0x5555, {}});
    e.cookie = Bytes{1};
    EXPECT_EQ(e.types(Ctx::client_hello).back(), u16(ExtensionType::pre_shared_key));
    auto again = Extensions::parse(e.serialize(Ctx::client_hello), Ctx::client_hello);
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(*again, e);
}

TEST(Extensions13, IdentitiesAndBindersCountsMustMatch) {
    // Two identities, one binder.
    const Bytes two_ids_one_binder =
        cat({hex("00 12 00 04 01 02 03 04 00 00 00 07 00 02 05 06 00 00 00 08 00 21 20"),
             Bytes(32, 1)});
    EXPECT_EQ(alert_of(client({ext(41, two_ids_one_binder)})), AlertDescription::illegal_parameter);
    // One identity, two binders.
    const Bytes one_id_two_binders = cat({hex("00 0a 00 04 01 02 03 04 00 00 00 07 00 42 20"),
                                          Bytes(32, 1), hex("20"), Bytes(32, 2)});
    EXPECT_EQ(alert_of(client({ext(41, one_id_two_binders)})), AlertDescription::illegal_parameter);
    // Nor is such an offer written.
    Extensions e;
    e.pre_shared_key = OfferedPsks{{{Bytes{1}, 0}, {Bytes{2}, 0}}, {Bytes(32, 0)}};
    EXPECT_TRUE(e.serialize(Ctx::client_hello).empty());
}

TEST(Extensions13, PreSharedKeyLimits) {
    auto psk = [](const Bytes& identity, const Bytes& binder) {
        Writer w;
        {
            auto ids = w.prefix16();
            w.vec16(identity);
            w.u32(0);
        }
        {
            auto binders = w.prefix16();
            w.vec8(binder);
        }
        return w.take();
    };
    EXPECT_TRUE(client({ext(41, psk(Bytes(1, 1), Bytes(32, 1)))}));
    EXPECT_TRUE(client({ext(41, psk(Bytes(1, 1), Bytes(255, 1)))}));
    // PskBinderEntry<32..255>, identity<1..2^16-1>.
    EXPECT_EQ(alert_of(client({ext(41, psk(Bytes(1, 1), Bytes(31, 1)))})),
              AlertDescription::decode_error);
    EXPECT_EQ(alert_of(client({ext(41, psk(Bytes{}, Bytes(32, 1)))})),
              AlertDescription::decode_error);
    // No identities at all (identities<7..2^16-1>, binders<33..2^16-1>).
    EXPECT_EQ(alert_of(client({ext(41, hex("00 00 00 00"))})), AlertDescription::decode_error);
    // The server's selected_identity is two bytes.
    auto selected = Extensions::parse(block(ext(41, hex("00 03"))), Ctx::server_hello);
    ASSERT_TRUE(selected);
    EXPECT_EQ(selected->selected_psk, 3);
    EXPECT_EQ(alert_of(Extensions::parse(block(ext(41, hex("00"))), Ctx::server_hello)),
              AlertDescription::decode_error);
}

TEST(Extensions13, SupportedVersionsLimits) {
    // ClientHello: versions<2..254>.
    Bytes list = {254};
    for (int i = 0; i < 127; ++i) list.insert(list.end(), {3, 4});
    auto longest = client({ext(43, list)});
    ASSERT_TRUE(longest) << longest.error().message();
    EXPECT_EQ(longest->supported_versions->size(), 127u);
    EXPECT_EQ(alert_of(client({ext(43, hex("00"))})), AlertDescription::decode_error);
    EXPECT_EQ(alert_of(client({ext(43, hex("03 03 04 03"))})), AlertDescription::decode_error);
    Extensions too_many;
    too_many.supported_versions = std::vector<ProtocolVersion>(128, ProtocolVersion::tls12);
    EXPECT_TRUE(too_many.serialize(Ctx::client_hello).empty());
    // ServerHello and HelloRetryRequest: exactly one.
    for (Ctx ctx : {Ctx::server_hello, Ctx::hello_retry_request}) {
        EXPECT_TRUE(Extensions::parse(block(ext(43, hex("03 04"))), ctx));
        EXPECT_EQ(alert_of(Extensions::parse(block(ext(43, hex("03 04 03 03"))), ctx)),
                  AlertDescription::decode_error);
    }
}

TEST(Extensions13, OtherLengthLimits) {
    // cookie<1..2^16-1>, ke_modes<1..255>, early_data empty (uint32 in a NewSessionTicket),
    // certificate_authorities<3..2^16-1>.
    EXPECT_EQ(alert_of(client({ext(44, hex("00 00"))})), AlertDescription::decode_error);
    EXPECT_TRUE(client({ext(44, hex("00 01 ff"))}));
    EXPECT_EQ(alert_of(client({ext(45, hex("00"))})), AlertDescription::decode_error);
    EXPECT_TRUE(client({ext(45, hex("02 00 01"))}));
    EXPECT_EQ(alert_of(client({ext(42, hex("00"))})), AlertDescription::decode_error);
    EXPECT_EQ(alert_of(Extensions::parse(block(ext(42, hex("00 00 04"))), Ctx::new_session_ticket)),
              AlertDescription::decode_error);
    EXPECT_EQ(alert_of(client({ext(47, hex("00 02 00 00"))})), AlertDescription::decode_error);
    auto cas = client({ext(47, hex("00 03 00 01 30"))});
    ASSERT_TRUE(cas);
    EXPECT_EQ(cas->certificate_authorities, std::vector<Bytes>{Bytes{0x30}});
    // ALPN in EncryptedExtensions names exactly one protocol (RFC 7301 3.1).
    EXPECT_EQ(alert_of(Extensions::parse(block(ext(16, hex("00 06 02 68 32 02 68 33"))),
                                         Ctx::encrypted_extensions)),
              AlertDescription::illegal_parameter);
}

TEST(Extensions13, ExtensionsNotAllowedInTheMessageAreIllegalParameter) {
    // RFC 8446 4.2's table.
    Extensions ee;
    ee.unknown.push_back({u16(ExtensionType::key_share), {}});
    EXPECT_EQ(check_tls13_extensions(ee, Ctx::encrypted_extensions).error().alert,
              AlertDescription::illegal_parameter);
    Extensions sh;
    sh.extended_master_secret = true;  // TLS 1.2 only
    EXPECT_FALSE(check_tls13_extensions(sh, Ctx::server_hello));
    EXPECT_TRUE(check_tls13_extensions(sh, Ctx::client_hello));
    Extensions nst;
    nst.unknown.push_back({u16(ExtensionType::server_name), {}});
    EXPECT_FALSE(check_tls13_extensions(nst, Ctx::new_session_ticket));
    Extensions entry;
    entry.unknown.push_back({u16(ExtensionType::status_request), {1}});
    entry.unknown.push_back({0x5555, {}});  // not in the table: the caller's question
    EXPECT_TRUE(check_tls13_extensions(entry, Ctx::certificate_entry));
    entry.unknown.push_back({u16(ExtensionType::supported_versions), {}});
    EXPECT_FALSE(check_tls13_extensions(entry, Ctx::certificate_entry));
}

TEST(Messages13, KeyUpdateValues) {
    // RFC 8446 4.6.3.
    EXPECT_EQ(KeyUpdate::parse(Bytes{0})->request, KeyUpdateRequest::update_not_requested);
    EXPECT_EQ(KeyUpdate::parse(Bytes{1})->request, KeyUpdateRequest::update_requested);
    for (uint8_t bad : {2, 3, 0x80, 0xFF}) {
        auto r = KeyUpdate::parse(Bytes{bad});
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().alert, AlertDescription::illegal_parameter);
        EXPECT_NE(r.error().message().find(std::to_string(bad)), std::string::npos);
    }
    EXPECT_EQ(KeyUpdate::parse(Bytes{}).error().alert, AlertDescription::decode_error);
    EXPECT_TRUE(KeyUpdate{static_cast<KeyUpdateRequest>(2)}.serialize().empty());
    EXPECT_EQ(frame_message(KeyUpdate{KeyUpdateRequest::update_requested}), hex("18 00 00 01 01"));
}

TEST(Messages13, CertificateRequestNeedsSignatureAlgorithms) {
    // RFC 8446 4.3.2.
    CertificateRequest13 cr;
    cr.extensions.signature_algorithms_cert = {SignatureScheme::rsa_pss_rsae_sha256};
    EXPECT_TRUE(cr.serialize().empty());
    Writer w;
    w.vec8(Bytes{});
    cr.extensions.write_block(w, Ctx::certificate_request);
    auto r = CertificateRequest13::parse(w.take());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().alert, AlertDescription::missing_extension);
    // The block is <2..2^16-1>: empty is malformed.
    EXPECT_EQ(CertificateRequest13::parse(hex("00 00 00")).error().alert,
              AlertDescription::decode_error);
    cr.extensions.signature_algorithms = {SignatureScheme::ecdsa_secp256r1_sha256};
    cr.context = Bytes(255, 1);
    EXPECT_TRUE(CertificateRequest13::parse(cr.serialize()));
    cr.context.push_back(1);
    EXPECT_TRUE(cr.serialize().empty());
}

TEST(Messages13, FinishedLengths) {
    for (size_t size : {32u, 48u}) EXPECT_TRUE(Finished13::parse(Bytes(size, 1)));
    for (size_t size : {0u, 12u, 31u, 33u, 47u, 49u, 64u})
        EXPECT_EQ(Finished13::parse(Bytes(size, 1)).error().alert, AlertDescription::decode_error)
            << size;
    EXPECT_TRUE(Finished13{Bytes(12, 1)}.serialize().empty());
}

TEST(Messages13, NewSessionTicketLimits) {
    NewSessionTicket13 nst;
    nst.ticket = Bytes(0xFFFF, 1);
    nst.nonce = Bytes(255, 2);
    auto back = NewSessionTicket13::parse(nst.serialize());
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, nst);
    nst.nonce.push_back(2);
    EXPECT_TRUE(nst.serialize().empty());
    nst.nonce.clear();
    nst.ticket.clear();  // ticket<1..2^16-1>
    EXPECT_TRUE(nst.serialize().empty());
    EXPECT_EQ(NewSessionTicket13::parse(hex("00000000 00000000 00 0000 0000")).error().alert,
              AlertDescription::decode_error);
    // extensions<0..2^16-2>: a block of 2^16-1 bytes is malformed.
    Writer w;
    w.u32(1);
    w.u32(2);
    w.vec8(Bytes{});
    w.vec16(Bytes{9});
    w.vec16(ext(0x5555, Bytes(0xFFFF - 4, 0)));
    EXPECT_EQ(NewSessionTicket13::parse(w.take()).error().alert, AlertDescription::decode_error);
}

TEST(Messages13, CertificateEntries) {
    // An empty certificate_list (a client without a certificate), and a context of 255 bytes.
    Certificate13 empty;
    empty.request_context = Bytes(255, 4);
    EXPECT_EQ(Certificate13::parse(empty.serialize()).value(), empty);
    // cert_data<1..2^24-1>: an empty certificate is malformed, and so is a missing block.
    EXPECT_EQ(Certificate13::parse(hex("00 00 00 05 00 00 00 00 00")).error().alert,
              AlertDescription::decode_error);
    EXPECT_EQ(Certificate13::parse(hex("00 00 00 04 00 00 01 30")).error().alert,
              AlertDescription::decode_error);
    // A duplicate extension in an entry is illegal_parameter like anywhere else.
    EXPECT_EQ(Certificate13::parse(hex("00 00 00 0e 00 00 01 30 00 08 00 05 00 00 00 05 00 00"))
                  .error()
                  .alert,
              AlertDescription::illegal_parameter);
}

// ---- names ----

TEST(Types13, NewValuesHaveNames) {
    EXPECT_EQ(to_string(HandshakeType::encrypted_extensions), "encrypted_extensions");
    EXPECT_EQ(to_string(HandshakeType::key_update), "key_update");
    EXPECT_EQ(to_string(HandshakeType::end_of_early_data), "end_of_early_data");
    EXPECT_EQ(to_string(HandshakeType::message_hash), "message_hash");
    EXPECT_EQ(to_string(AlertDescription::missing_extension), "missing_extension");
    EXPECT_EQ(to_string(AlertDescription::certificate_required), "certificate_required");
    EXPECT_EQ(to_string(AlertDescription::unknown_psk_identity), "unknown_psk_identity");
    EXPECT_EQ(to_string(ExtensionType::key_share), "key_share");
    EXPECT_EQ(to_string(ExtensionType::pre_shared_key), "pre_shared_key");
    EXPECT_EQ(to_string(ExtensionType::signature_algorithms_cert), "signature_algorithms_cert");
    EXPECT_EQ(u16(HandshakeType::encrypted_extensions), 8);
    EXPECT_EQ(u16(HandshakeType::key_update), 24);
    EXPECT_EQ(u16(ExtensionType::key_share), 51);
    EXPECT_EQ(u16(ExtensionType::certificate_authorities), 47);
    EXPECT_EQ(u16(AlertDescription::certificate_required), 116);
    // The 1.3 message list names each message once per type (Certificate13 and Certificate share
    // a type, but never a list).
    EXPECT_EQ(std::tuple_size_v<HandshakeMessages13>, 9u);
}

}  // namespace
}  // namespace tls12
