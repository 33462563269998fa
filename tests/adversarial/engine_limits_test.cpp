// Engine limits not covered elsewhere. Already covered in tests/tls/engine_record_test.cpp (and
// not repeated here): a handshake message above Limits::max_handshake_message
// (HandshakeMessageLongerThanTheLimit), a Certificate above max_certificate_message
// (CertificateMessageLongerThanItsLimit), floods of empty records
// (TooManyConsecutiveEmptyApplicationDataRecords) and of warning alerts (TooManyWarningAlerts,
// WarningAlertsDuringTheHandshakeAreCountedToo). Here, through the engine rather than the message
// parsers: ClientHellos with many extensions and of the largest size the format allows (bounded by
// size, not by extension count), cipher suite lists up to the length field's maximum, and
// certificate chains longer than Limits::max_chain_length (both roles).
#include <gtest/gtest.h>

#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>
#include "support/engine_pair.h"
#include "support/pki.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr size_t kMaxRecordPlaintext = 16384;
constexpr uint8_t kHandshake = 22;

// Feeds one handshake message to `victim` in plaintext records of at most 2^14 bytes.
Status feed_message(Connection& victim, const Bytes& message) {
    for (size_t at = 0; at < message.size(); at += kMaxRecordPlaintext) {
        const size_t n = std::min(kMaxRecordPlaintext, message.size() - at);
        const RawRecord record{
            22, std::vector<uint8_t>(message.begin() + static_cast<ptrdiff_t>(at),
                                     message.begin() + static_cast<ptrdiff_t>(at + n))};
        auto status = victim.feed(record.encode());
        if (!status) return status;
    }
    return Status::success();
}

// The client's ClientHello, taken off the wire (the server has not seen it).
ClientHello take_client_hello(Mitm& m) {
    m.pull(m.client);
    if (m.to_server.size() != 1) throw std::runtime_error("expected one ClientHello record");
    auto hello = ClientHello::parse(ByteView(m.to_server.front().payload).subspan(4));
    if (!hello) throw std::runtime_error("cannot parse the ClientHello");
    m.to_server.pop_front();
    return std::move(hello).value();
}

// Extensions in a serialized ClientHello body.
size_t extension_count(const Bytes& body) {
    size_t at = 2 + 32;
    at += 1 + body.at(at);                                     // session_id
    at += 2 + ((size_t{body.at(at)} << 8) | body.at(at + 1));  // cipher_suites
    at += 1 + body.at(at);                                     // compression_methods
    if (at == body.size()) return 0;
    const size_t end = at + 2 + ((size_t{body.at(at)} << 8) | body.at(at + 1));
    size_t count = 0;
    for (at += 2; at < end; ++count) at += 4 + ((size_t{body.at(at + 2)} << 8) | body.at(at + 3));
    return count;
}

void long_suite_list(ClientHello& hello, size_t count);

// Adds unknown extensions until the hello carries `total` extensions.
void pad_extensions(ClientHello& hello, size_t total) {
    for (uint16_t type = 0xfa00; extension_count(hello.serialize()) < total; ++type)
        hello.extensions.unknown.emplace_back(type, Bytes{});
}

// ---- extension count and ClientHello size -------------------------------------------------

// Handshake messages are bounded by size, not by how many extensions they carry: a ClientHello
// with hundreds of extensions (GREASE, padding, new features) is served.
TEST(EngineLimits, ClientHelloWithManyExtensionsIsServed) {
    Mitm m;
    auto hello = take_client_hello(m);
    pad_extensions(hello, 1000);
    ASSERT_EQ(extension_count(hello.serialize()), 1000u);
    ASSERT_TRUE(feed_message(m.server, frame_message(hello)));
    EXPECT_FALSE(m.server.failed());
    EXPECT_TRUE(m.server.wants_write()) << "no ServerHello";
}

// The largest ClientHello the wire format allows: every vector at its maximum (session_id 32,
// cipher_suites 2^16-2, compression_methods 255, extensions 2^16-1 bytes), 131396 bytes, which is
// also OpenSSL 3's limit (CLIENT_HELLO_MAX_LENGTH).
ClientHello largest_client_hello(Mitm& m) {
    auto hello = take_client_hello(m);
    hello.session_id.assign(32, 0x5a);
    long_suite_list(hello, 0x7FFF - 1);
    hello.compression_methods.clear();
    for (int method = 0; method < 255; ++method)
        hello.compression_methods.push_back(static_cast<uint8_t>(method));
    // Many empty extensions, then one (padding, RFC 7685) that fills the block to 2^16-1 bytes.
    for (uint16_t type = 0x2000; type < 0x2000 + 2000; ++type)
        hello.extensions.unknown.emplace_back(type, Bytes{});
    const size_t block = hello.extensions.serialize(ExtensionContext::client_hello).size() - 2;
    hello.extensions.unknown.emplace_back(21, Bytes(0xFFFF - block - 4, 0));
    return hello;
}

TEST(EngineLimits, LargestPossibleClientHelloIsServed) {
    Mitm m;
    const auto hello = largest_client_hello(m);
    const auto message = frame_message(hello);
    ASSERT_EQ(message.size() - 4, 131396u);
    const auto parsed = ClientHello::parse(ByteView(message).subspan(4));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    ASSERT_TRUE(parsed.value() == hello);
    ASSERT_TRUE(feed_message(m.server, message));
    EXPECT_FALSE(m.server.failed());
    EXPECT_TRUE(m.server.wants_write()) << "no ServerHello";
    EXPECT_EQ(m.server.negotiated().cipher_suite, hello.cipher_suites.back());
}

// A ClientHello announced longer than any well-formed one is refused at its header, before any
// of it is buffered: the size limit is what bounds the memory a peer can make us hold.
TEST(EngineLimits, ClientHelloLongerThanTheLimitIsRefusedAtItsHeader) {
    Mitm m;
    drive_to(m, Stage::server_expect_client_hello);
    const size_t length = Limits{}.max_client_hello + 1;
    const uint8_t header[] = {1, static_cast<uint8_t>(length >> 16),
                              static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
    const auto status = m.inject(m.server, std::nullopt, kHandshake, header);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::illegal_parameter));
}

// ---- cipher suite list -----------------------------------------------------------------------

// The offered suites: `count` unknown ones, then the one the server will pick.
void long_suite_list(ClientHello& hello, size_t count) {
    hello.cipher_suites.clear();
    // 0x1000.. holds no TLS 1.2 suite (only the TLS 1.3 ones, 0x1301-0x1303, which a TLS 1.2
    // server must pass over) and skips TLS_FALLBACK_SCSV, 0x5600.
    for (uint16_t value = 0x1000; hello.cipher_suites.size() < count; ++value)
        if (value != 0x5600) hello.cipher_suites.push_back(static_cast<CipherSuite>(value));
    hello.cipher_suites.push_back(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
}

TEST(EngineLimits, CipherSuiteListAsLongAsTheHandshakeLimitAllows) {
    Mitm m;
    auto hello = take_client_hello(m);
    const size_t limit = Limits{}.max_handshake_message;
    const size_t others = hello.serialize().size() - 2 * hello.cipher_suites.size();
    long_suite_list(hello, (limit - others) / 2 - 1);
    const auto message = frame_message(hello);
    ASSERT_LE(message.size() - 4, limit);
    ASSERT_GT(message.size() - 4, limit - 2);
    ASSERT_TRUE(feed_message(m.server, message)) << "a suite list within the limits was refused";
    EXPECT_TRUE(m.server.wants_write());
    EXPECT_EQ(m.server.negotiated().cipher_suite, hello.cipher_suites.back());
}

// The field's own maximum (2^16-2 bytes, 32767 suites) makes a ClientHello longer than 64 KiB,
// which the default ClientHello limit serves. With the limit lowered below it, the same list is
// refused at the message header, before any of it is buffered.
TEST(EngineLimits, CipherSuiteListOfTheMaximumFieldLength) {
    Mitm::Options options;
    options.server = [](ServerConfig& s) { s.limits.max_client_hello = 64 * 1024; };
    Mitm m(options);
    auto hello = take_client_hello(m);
    long_suite_list(hello, 0x7FFF - 1);
    ASSERT_EQ(hello.cipher_suites.size() * 2, 0xFFFEu);
    const auto message = frame_message(hello);
    ASSERT_GT(message.size() - 4, size_t{64 * 1024});
    const auto status = feed_message(m.server, message);
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::illegal_parameter));

    // With the default limit, the same list is served.
    Mitm big;
    auto hello2 = take_client_hello(big);
    long_suite_list(hello2, 0x7FFF - 1);
    ASSERT_TRUE(feed_message(big.server, frame_message(hello2)));
    EXPECT_TRUE(big.server.wants_write());
}

// ---- chain length ----------------------------------------------------------------------------

Bytes certificate_message(size_t certificates) {
    Certificate msg;
    const auto& chain = server_chain(ServerKey::rsa2048);
    for (size_t i = 0; i < certificates; ++i) msg.chain.push_back(chain.at(i % chain.size()));
    return frame_message(msg);
}

TEST(EngineLimits, ServerChainLongerThanTheLimitIsABadCertificate) {
    const size_t limit = Limits{}.max_chain_length;
    Mitm m;
    drive_to(m, Stage::client_expect_certificate);
    const auto message = certificate_message(limit + 1);
    ASSERT_LE(message.size(), Limits{}.max_certificate_message);
    const auto status = feed_message(m.client, message);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::bad_certificate));
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().reason.find("more than the limit of " + std::to_string(limit)),
              std::string::npos)
        << status.error().reason;
}

TEST(EngineLimits, ServerChainAtTheLimitReachesVerification) {
    // Exactly max_chain_length certificates pass the count check: verification decides (and
    // refuses the repeated certificates for a reason other than the count).
    const size_t limit = Limits{}.max_chain_length;
    Mitm m;
    drive_to(m, Stage::client_expect_certificate);
    const auto status = feed_message(m.client, certificate_message(limit));
    if (!status.ok()) {
        EXPECT_EQ(status.error().reason.find("more than the limit"), std::string::npos)
            << status.error().reason;
    }
}

TEST(EngineLimits, ClientChainLongerThanTheLimitIsABadCertificate) {
    const size_t limit = Limits{}.max_chain_length;
    Mitm::Options options;
    options.server = [](ServerConfig& s) {
        s.client_auth = ClientAuth::request;
        s.client_verifier =
            make_x509_verifier(tls12::x509::TrustStore::from_pem_file(test_pki().ca_cert));
    };
    Mitm m(options);
    m.pull(m.client);
    ASSERT_TRUE(m.deliver(m.server));
    m.pull(m.server);
    ASSERT_TRUE(m.deliver(m.client));
    m.pull(m.client);
    // The client (without a certificate) answers with an empty Certificate first.
    ASSERT_FALSE(m.to_server.empty());
    ASSERT_EQ(m.to_server.front().payload.at(0), static_cast<uint8_t>(HandshakeType::certificate));
    m.to_server.pop_front();
    const auto status = feed_message(m.server, certificate_message(limit + 1));
    EXPECT_TRUE(failed_with_alert(m, m.server, status, AlertDescription::bad_certificate));
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().reason.find(std::to_string(limit + 1) + " certificates"),
              std::string::npos)
        << status.error().reason;
}

}  // namespace
