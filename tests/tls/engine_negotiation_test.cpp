// Version downgrades and parameter negotiation under attack: hellos rewritten in flight, a server
// choosing what the client never offered, unsolicited extensions, renegotiation_info, EMS.
#include <gtest/gtest.h>

#include <tls12/tls/handshake/common.h>
#include <tls12/tls/msgs/msgs.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

Mitm::Options options(std::function<void(ClientConfig&)> client,
                      std::function<void(ServerConfig&)> server = {}) {
    Mitm::Options o;
    o.client = std::move(client);
    o.server = std::move(server);
    return o;
}

// Rewrites the ClientHello held for the server.
Status deliver_client_hello(Mitm& m, const std::function<void(ClientHello&)>& edit) {
    m.pull(m.client);
    auto& record = m.to_server.front();
    auto hello = ClientHello::parse(ByteView(record.payload).subspan(4));
    if (!hello) throw std::runtime_error("no ClientHello");
    edit(*hello);
    record.payload = frame_message(*hello);
    return m.deliver(m.server);
}

// Rewrites the ServerHello held for the client, then delivers the server's whole flight.
Status deliver_server_hello(Mitm& m, const std::function<void(ServerHello&)>& edit) {
    m.pull(m.client);
    if (!m.deliver(m.server)) throw std::runtime_error("server failed");
    m.pull(m.server);
    auto& record = m.to_client.front();
    auto hello = ServerHello::parse(ByteView(record.payload).subspan(4));
    if (!hello) throw std::runtime_error("no ServerHello");
    edit(*hello);
    record.payload = frame_message(*hello);
    return m.deliver(m.client);
}

ServerHello server_hello_sent(Mitm& m) {
    const auto sent = m.handshake_sent_by(m.server);
    auto hello = ServerHello::parse(ByteView(sent.at(0)).subspan(4));
    if (!hello) throw std::runtime_error("server sent no ServerHello");
    return std::move(hello).value();
}

// ---- versions --------------------------------------------------------------------------------

TEST(EngineNegotiation, ServerHelloWithAnOlderOrNewerVersion) {
    for (auto version : {ProtocolVersion::tls11, ProtocolVersion::tls10, ProtocolVersion::ssl3,
                         ProtocolVersion::tls13, ProtocolVersion{0x7f1c}}) {
        SCOPED_TRACE(to_string(version));
        Mitm m;
        const auto status = deliver_server_hello(m, [&](ServerHello& h) { h.version = version; });
        EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::protocol_version));
    }
}

TEST(EngineNegotiation, ServerHelloWithSupportedVersions) {
    Mitm m;
    const auto status = deliver_server_hello(m, [](ServerHello& h) {
        h.extensions.supported_versions = std::vector{ProtocolVersion::tls12};
    });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unsupported_extension));
}

TEST(EngineNegotiation, ClientHelloBelowTls12) {
    for (auto version : {ProtocolVersion::tls11, ProtocolVersion::tls10, ProtocolVersion::ssl3}) {
        SCOPED_TRACE(to_string(version));
        Mitm m;
        const auto status =
            deliver_client_hello(m, [&](ClientHello& h) { h.legacy_version = version; });
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::protocol_version));
    }
}

TEST(EngineNegotiation, FallbackScsvBelowTls12IsAnInappropriateFallback) {
    Mitm m(options([](ClientConfig& c) { c.fallback = true; }));
    const auto status = deliver_client_hello(m, [](ClientHello& h) {
        ASSERT_TRUE(contains(h.cipher_suites, CipherSuite::TLS_FALLBACK_SCSV));
        h.legacy_version = ProtocolVersion::tls11;
    });
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::inappropriate_fallback));
}

TEST(EngineNegotiation, FallbackScsvAtTls12IsFine) {
    Mitm m(options([](ClientConfig& c) { c.fallback = true; }));
    EXPECT_TRUE(m.run());
}

TEST(EngineNegotiation, Tls13CapableClientGetsAPlainTls12ServerHello) {
    for (auto versions : {std::vector{ProtocolVersion::tls13, ProtocolVersion::tls12},
                          std::vector{ProtocolVersion{0x0a0a}, ProtocolVersion::tls13,
                                      ProtocolVersion::tls12, ProtocolVersion::tls11}}) {
        Mitm m;
        ASSERT_TRUE(deliver_client_hello(
            m, [&](ClientHello& h) { h.extensions.supported_versions = versions; }));
        EXPECT_FALSE(m.server.failed());
        const auto hello = server_hello_sent(m);
        EXPECT_EQ(hello.version, ProtocolVersion::tls12);
        EXPECT_FALSE(hello.extensions.supported_versions);
        for (const auto& [type, data] : hello.extensions.unknown) EXPECT_NE(type, 43);
        // RFC 8446 4.1.3: only a TLS 1.3 server that negotiates 1.2 puts DOWNGRD in its random.
        const uint8_t downgrd[] = {'D', 'O', 'W', 'N', 'G', 'R', 'D'};
        EXPECT_FALSE(std::equal(std::begin(downgrd), std::end(downgrd), hello.random.end() - 8));
    }
}

TEST(EngineNegotiation, SupportedVersionsWithoutTls12) {
    for (auto versions : {std::vector{ProtocolVersion::tls13},
                          std::vector{ProtocolVersion::tls11, ProtocolVersion::tls10}}) {
        Mitm m;
        const auto status = deliver_client_hello(
            m, [&](ClientHello& h) { h.extensions.supported_versions = versions; });
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::protocol_version));
    }
}

TEST(EngineNegotiation, SslV2FormatHello) {
    // An SSLv2-compatible CLIENT-HELLO (RFC 5246 E.2): 2-byte length with the high bit set.
    const std::vector<uint8_t> hello = {
        0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x2f, 0x00,
        0x00, 0x35, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x80, 0x07, 0x00, 0xc0, 0x03, 0x00, 0x80, 0x01,
        0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
    for (size_t prefix : {size_t{1}, size_t{2}, hello.size()}) {
        Mitm m;
        const auto status = m.server.feed(ByteView(hello).first(prefix));
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::protocol_version))
            << prefix;
    }
}

// ---- the server chooses what was never offered ----------------------------------------------

TEST(EngineNegotiation, ServerChoosesASuiteTheClientDidNotOffer) {
    for (auto suite : {CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                       CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA, CipherSuite::TLS_FALLBACK_SCSV,
                       CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV, CipherSuite{0x0000},
                       CipherSuite{0x1301}}) {
        SCOPED_TRACE(to_string(suite));
        Mitm m(options([](ClientConfig& c) {
            c.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
        }));
        const auto status =
            deliver_server_hello(m, [&](ServerHello& h) { h.cipher_suite = suite; });
        EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
    }
}

TEST(EngineNegotiation, ServerChoosesCompression) {
    Mitm m;
    const auto status = deliver_server_hello(m, [](ServerHello& h) { h.compression_method = 1; });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
}

// Rewrites the held ServerKeyExchange and signs it with the real server key, so only the choice
// itself is wrong.
Status deliver_server_key_exchange(Mitm& m, const std::function<void(ServerKeyExchange&)>& edit) {
    m.pull(m.client);
    if (!m.deliver(m.server)) throw std::runtime_error("server failed");
    m.pull(m.server);
    auto& record = m.to_client.at(2);
    auto ske = ServerKeyExchange::parse(ByteView(record.payload).subspan(4));
    if (!ske) throw std::runtime_error("no ServerKeyExchange");
    edit(*ske);
    const auto client_hello =
        ClientHello::parse(ByteView(m.handshake_sent_by(m.client).at(0)).subspan(4));
    const auto server_hello = server_hello_sent(m);
    const auto data = server_key_exchange_signed_data(client_hello->random, server_hello.random,
                                                      ske->params.encode());
    if (auto algorithm = to_signature_algorithm(ske->scheme);
        algorithm && scheme_fits_key(ske->scheme, tls12::crypto::KeyType::rsa))
        ske->signature = server_private_key(ServerKey::rsa2048)
                             ->sign(*algorithm, data, *tls12::crypto::system_random());
    record.payload = frame_message(*ske);
    return m.deliver(m.client);
}

TEST(EngineNegotiation, ServerChoosesAGroupTheClientDidNotOffer) {
    for (auto group : {NamedGroup::secp256r1, NamedGroup::secp521r1, NamedGroup{0x1234}}) {
        SCOPED_TRACE(to_string(group));
        Mitm m(options([](ClientConfig& c) { c.groups = {NamedGroup::x25519}; }));
        const auto status = deliver_server_key_exchange(m, [&](ServerKeyExchange& ske) {
            ske.params.group = group;
            if (group == NamedGroup::secp256r1) {
                // A valid P-256 point, so only the choice of group is wrong.
                tls12::crypto::KeyExchange kex(tls12::crypto::KexGroup::secp256r1,
                                               *tls12::crypto::system_random());
                ske.params.public_value.assign(kex.public_value().begin(),
                                               kex.public_value().end());
            }
        });
        EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
    }
}

TEST(EngineNegotiation, ServerChoosesASignatureSchemeTheClientDidNotOffer) {
    using S = SignatureScheme;
    // Offered: PSS-SHA256 only. Rejected: a PKCS#1 scheme (not offered, but fits the key), an
    // ECDSA scheme (does not fit an RSA key), an unknown one.
    for (auto scheme : {S::rsa_pkcs1_sha256, S::rsa_pss_rsae_sha384, S::ecdsa_secp256r1_sha256,
                        S::rsa_pkcs1_sha1, S{0x0fff}}) {
        SCOPED_TRACE(to_string(scheme));
        Mitm m(options([](ClientConfig& c) { c.signature_schemes = {S::rsa_pss_rsae_sha256}; }));
        const auto status =
            deliver_server_key_exchange(m, [&](ServerKeyExchange& ske) { ske.scheme = scheme; });
        EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
    }
}

TEST(EngineNegotiation, ServerSignsWithASchemeThatDoesNotFitItsKey) {
    using S = SignatureScheme;
    Mitm m(options([](ClientConfig& c) {
        c.signature_schemes = {S::rsa_pss_rsae_sha256, S::ecdsa_secp256r1_sha256};
    }));
    const auto status = deliver_server_key_exchange(m, [](ServerKeyExchange& ske) {
        ske.scheme = S::ecdsa_secp256r1_sha256;  // the certificate key is RSA
        ske.signature = {0x30, 0x00};
    });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
}

TEST(EngineNegotiation, NoCipherSuiteInCommon) {
    Mitm m(options(
        [](ClientConfig& c) { c.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256}; },
        [](ServerConfig& s) {
            s.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
        }));
    m.pull(m.client);
    const auto status = m.deliver(m.server);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::handshake_failure));
    // The client sees the alert and ends too.
    m.pull(m.server);
    const auto client_status = m.deliver(m.client);
    EXPECT_TRUE(
        ended_by_peer_alert(m, m.client, client_status, AlertDescription::handshake_failure));
}

TEST(EngineNegotiation, NoGroupInCommonForEcdheOnlyServer) {
    Mitm m(options([](ClientConfig& c) { c.groups = {NamedGroup::secp384r1}; },
                   [](ServerConfig& s) {
                       s.groups = {NamedGroup::x25519};
                       s.cipher_suites = {CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
                   }));
    m.pull(m.client);
    const auto status = m.deliver(m.server);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::handshake_failure));
}

TEST(EngineNegotiation, ClientHelloWithoutNullCompression) {
    Mitm m;
    const auto status =
        deliver_client_hello(m, [](ClientHello& h) { h.compression_methods = {1}; });
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::illegal_parameter));
}

// RFC 8422 5.1.2: a client that lists RFC 8422 curves must accept uncompressed points; if its
// ec_point_formats lacks them the server aborts with illegal_parameter (instead of falling back
// to an RSA key exchange, which the client also offers here).
TEST(EngineNegotiation, EcPointFormatsWithoutUncompressed) {
    for (const Bytes& formats : {Bytes{1}, Bytes{2, 1}, Bytes{0x7f}}) {
        Mitm m;
        const auto status = deliver_client_hello(
            m, [&](ClientHello& h) { h.extensions.ec_point_formats = formats; });
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::illegal_parameter));
        ASSERT_FALSE(status.ok());
        EXPECT_NE(status.error().reason.find("uncompressed"), std::string::npos)
            << status.error().reason;
    }
    // Uncompressed among others is fine (and ECDHE is chosen).
    Mitm m;
    ASSERT_TRUE(deliver_client_hello(m, [](ClientHello& h) {
        h.extensions.ec_point_formats = Bytes{1, 0, 2};
    }));
    EXPECT_TRUE(m.server.wants_write());
    EXPECT_TRUE(m.server.negotiated().group.has_value());
}

// ---- server_name -------------------------------------------------------------------------------

// A server_name extension carrying `name` as its one host_name, written raw (our serializer
// refuses anything but a DNS name).
void set_raw_server_name(ClientHello& hello, const std::string& name) {
    hello.extensions.server_name.reset();
    Bytes data = {static_cast<uint8_t>((name.size() + 3) >> 8),
                  static_cast<uint8_t>(name.size() + 3), 0, static_cast<uint8_t>(name.size() >> 8),
                  static_cast<uint8_t>(name.size())};
    data.insert(data.end(), name.begin(), name.end());
    hello.extensions.unknown.emplace_back(0, data);
}

// RFC 6066 3: HostName is an ASCII DNS name without a trailing dot. Anything else (here terminal
// escapes that would rewrite a log viewer's screen, UTF-8, a trailing dot) is refused with
// illegal_parameter before the name is used or kept anywhere.
TEST(EngineNegotiation, ServerNameThatIsNotADnsNameIsRefused) {
    for (const std::string name :
         {"\x1b]0;owned\x07\x1b[2J.example", "caf\xc3\xa9.example", "localhost.", "local host"}) {
        SCOPED_TRACE(testing::PrintToString(name));
        Mitm m;
        const auto status =
            deliver_client_hello(m, [&](ClientHello& h) { set_raw_server_name(h, name); });
        EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::illegal_parameter));
        EXPECT_EQ(m.server.negotiated().server_name, "");
        ASSERT_FALSE(status.ok());
        for (char ch : status.error().reason)
            EXPECT_TRUE(ch >= 0x20 && ch < 0x7f)
                << "raw byte in the reason: " << status.error().reason;
    }
}

// IP literals (forbidden by RFC 6066 3 but sent by some clients) are served as if no name had
// been sent: the default certificate, no server_name acknowledgement.
TEST(EngineNegotiation, ServerNameThatIsAnIpLiteralIsIgnored) {
    Mitm m;
    ASSERT_TRUE(
        deliver_client_hello(m, [](ClientHello& h) { set_raw_server_name(h, "127.0.0.1"); }));
    EXPECT_TRUE(m.server.wants_write());
    EXPECT_EQ(m.server.negotiated().server_name, "");
    EXPECT_FALSE(server_hello_sent(m).extensions.server_name_ack);
}

// ---- extensions ------------------------------------------------------------------------------

TEST(EngineNegotiation, UnsolicitedExtensionsInTheServerHello) {
    struct Case {
        const char* name;
        std::function<void(Extensions&)> add;
    };
    const std::vector<Case> cases = {
        {"unknown",
         [](Extensions& e) {
             e.unknown.push_back({0x1234, {}});
         }},
        {"status_request",
         [](Extensions& e) {
             e.unknown.push_back({5, {}});
         }},
        {"session_ticket", [](Extensions& e) { e.session_ticket = Bytes{}; }},
        {"encrypt_then_mac", [](Extensions& e) { e.encrypt_then_mac = true; }},
        {"alpn", [](Extensions& e) { e.alpn = std::vector<std::string>{"h2"}; }},
        // TLS 1.3's answers are parsed into fields now; a TLS 1.2 client never asked for them.
        {"key_share",
         [](Extensions& e) {
             e.key_share = KeyShareEntry{NamedGroup::x25519, Bytes(32, 9)};
         }},
        {"pre_shared_key", [](Extensions& e) { e.selected_psk = 0; }},
        {"early_data",
         [](Extensions& e) {
             e.unknown.push_back({42, {}});
         }},
        {"cookie",
         [](Extensions& e) {
             e.unknown.push_back({44, {0, 1, 7}});
         }},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        Mitm m;
        m.pull(m.client);
        auto hello = ClientHello::parse(ByteView(m.to_server.front().payload).subspan(4));
        ASSERT_TRUE(hello);
        if (c.name == std::string("session_ticket") && hello->extensions.session_ticket)
            continue;  // solicited
        const auto status = deliver_server_hello(m, [&](ServerHello& h) { c.add(h.extensions); });
        EXPECT_TRUE(
            failed_with_alert(m, m.client, status, AlertDescription::unsupported_extension));
    }
}

// A ServerHello with the HelloRetryRequest random parses its extensions as a HelloRetryRequest's;
// the TLS 1.2 client did not offer key_share, so the selected_group is as unsolicited as any.
TEST(EngineNegotiation, HelloRetryRequestToATls12Client) {
    Mitm m;
    const auto status = deliver_server_hello(m, [](ServerHello& h) {
        h.random = ServerHello::kHelloRetryRequestRandom;
        h.extensions.key_share_group = NamedGroup::secp256r1;
    });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unsupported_extension));
}

TEST(EngineNegotiation, UnsolicitedServerNameAck) {
    Mitm::Options o;
    o.server_name = "";  // no SNI is sent (an empty name needs the explicit opt-out)
    o.client = [](ClientConfig& c) { c.skip_host_name_verification = true; };
    Mitm m(o);
    const auto status =
        deliver_server_hello(m, [](ServerHello& h) { h.extensions.server_name_ack = true; });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unsupported_extension));
}

// The client connects to an IP literal, so it sends no server_name (RFC 6066 3); an
// acknowledgement of an extension it never sent must be refused all the same (the check must look
// at what went on the wire, not at the configured name).
TEST(EngineNegotiation, UnsolicitedServerNameAckForAnIpLiteral) {
    Mitm::Options o;
    o.server_name = "127.0.0.1";
    Mitm m(o);
    const auto status =
        deliver_server_hello(m, [](ServerHello& h) { h.extensions.server_name_ack = true; });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::unsupported_extension));
}

TEST(EngineNegotiation, ServerSelectsAnAlpnProtocolNotOffered) {
    Mitm m(options([](ClientConfig& c) { c.alpn_protocols = {"h2", "http/1.1"}; }));
    const auto status = deliver_server_hello(
        m, [](ServerHello& h) { h.extensions.alpn = std::vector<std::string>{"spdy/3"}; });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
}

TEST(EngineNegotiation, NonEmptyRenegotiationInfoInTheServerHello) {
    Mitm m;
    const auto status = deliver_server_hello(
        m, [](ServerHello& h) { h.extensions.renegotiation_info = Bytes(24, 0xab); });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::handshake_failure));
}

TEST(EngineNegotiation, NonEmptyRenegotiationInfoInTheClientHello) {
    Mitm m;
    const auto status = deliver_client_hello(
        m, [](ClientHello& h) { h.extensions.renegotiation_info = Bytes(12, 0xab); });
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::handshake_failure));
}

TEST(EngineNegotiation, ClientRequiringEmsAgainstAServerWithout) {
    Mitm m(
        options([](ClientConfig& c) { c.extended_master_secret = ExtendedMasterSecret::require; }));
    const auto status = deliver_server_hello(
        m, [](ServerHello& h) { h.extensions.extended_master_secret = false; });
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::handshake_failure));
}

// Without a forced requirement, EMS stripped from the ServerHello only is caught at Finished:
// the two sides derive different master secrets.
TEST(EngineNegotiation, EmsStrippedFromTheServerHelloFailsTheHandshake) {
    Mitm m;
    ASSERT_TRUE(deliver_server_hello(
        m, [](ServerHello& h) { h.extensions.extended_master_secret = false; }));
    m.run();
    EXPECT_TRUE(m.client.failed() || m.server.failed());
    EXPECT_FALSE(m.client.is_handshake_complete());
    EXPECT_FALSE(m.server.is_handshake_complete());
}

}  // namespace
