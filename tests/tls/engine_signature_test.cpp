// ECDSA signature schemes in TLS 1.2 (configs pinned to it; RFC 5246 7.4.1.4.1): a scheme names the
// hash, the key names the curve, so ecdsa_secp384r1_sha384 means ECDSA with SHA-384 on any curve
// (RFC 8446 4.2.3: when TLS 1.2 is negotiated, implementations MUST accept a signature on any
// curve they advertised).
// Both roles sign with a hash the peer asks for (the curve's own hash first) and accept any hash
// they advertised, in the ServerKeyExchange and in the client's CertificateVerify.
#include <gtest/gtest.h>

#include <tls12/tls/handshake/common.h>
#include <tls12/tls/msgs/msgs.h>
#include "support/engine_pair.h"

using namespace tls12;
using namespace tls12_test;

namespace {

using S = SignatureScheme;

std::string errors(const Pair& pair) {
    std::string out;
    if (pair.client.error()) out += "client: " + pair.client.error()->message() + "\n";
    if (pair.server.error()) out += "server: " + pair.server.error()->message() + "\n";
    return out;
}

CertifiedKey ecdsa_p256_certificate() {
    return CertifiedKey{server_chain(ServerKey::ecdsa_p256),
                        server_private_key(ServerKey::ecdsa_p256)};
}

// ---- the server's ServerKeyExchange ---------------------------------------------------------

TEST(EcdsaSchemes, ServerSignsWithTheHashTheClientAsksFor) {
    struct Case {
        ServerKey key;
        S asked;
    };
    for (const auto& [key, asked] : {Case{ServerKey::ecdsa_p256, S::ecdsa_secp384r1_sha384},
                                     Case{ServerKey::ecdsa_p384, S::ecdsa_secp256r1_sha256}}) {
        SCOPED_TRACE(to_string(asked));
        auto client = client_config12([&](ClientConfig& c) { c.signature_schemes = {asked}; });
        auto pair = make_pair(client, server_config12(key));
        ASSERT_TRUE(pair.handshake()) << errors(pair);
        EXPECT_EQ(pair.server.negotiated().signature_scheme, asked);
        EXPECT_EQ(pair.client.negotiated().signature_scheme, asked);
    }
}

// Offered both, each curve signs with its own hash.
TEST(EcdsaSchemes, TheCurvesOwnHashComesFirst) {
    for (const auto& [key, expected] :
         {std::pair{ServerKey::ecdsa_p256, S::ecdsa_secp256r1_sha256},
          std::pair{ServerKey::ecdsa_p384, S::ecdsa_secp384r1_sha384}}) {
        for (const auto& offered :
             {std::vector<S>{S::ecdsa_secp256r1_sha256, S::ecdsa_secp384r1_sha384},
              std::vector<S>{S::ecdsa_secp384r1_sha384, S::ecdsa_secp256r1_sha256}}) {
            auto client = client_config12([&](ClientConfig& c) { c.signature_schemes = offered; });
            auto pair = make_pair(client, server_config12(key));
            ASSERT_TRUE(pair.handshake()) << errors(pair);
            EXPECT_EQ(pair.server.negotiated().signature_scheme, expected);
        }
    }
}

// An ECDSA-only server and a client that accepts RSA signatures only: the reason names the
// signature algorithms, not the cipher suites.
TEST(EcdsaSchemes, NoSchemeForTheCertificateIsNamedAsSuch) {
    auto client =
        client_config12([](ClientConfig& c) { c.signature_schemes = {S::rsa_pss_rsae_sha256}; });
    auto pair = make_pair(client, server_config12(ServerKey::ecdsa_p256));
    EXPECT_FALSE(pair.handshake());
    ASSERT_TRUE(pair.server.error());
    EXPECT_EQ(pair.server.error()->alert, AlertDescription::handshake_failure);
    EXPECT_NE(pair.server.error()->reason.find("signature_algorithms"), std::string::npos)
        << pair.server.error()->reason;
}

// The server's ServerKeyExchange re-signed with `scheme` by the server's key, then the flight
// delivered to the client.
Status deliver_resigned_server_key_exchange(Mitm& m, S scheme, ServerKey key) {
    m.pull(m.client);
    if (!m.deliver(m.server)) throw std::runtime_error("server failed");
    m.pull(m.server);
    auto& record = m.to_client.at(2);
    auto ske = ServerKeyExchange::parse(ByteView(record.payload).subspan(4));
    if (!ske) throw std::runtime_error("no ServerKeyExchange");
    const auto client_hello =
        ClientHello::parse(ByteView(m.handshake_sent_by(m.client).at(0)).subspan(4));
    const auto server_hello =
        ServerHello::parse(ByteView(m.handshake_sent_by(m.server).at(0)).subspan(4));
    const auto data = server_key_exchange_signed_data(client_hello->random, server_hello->random,
                                                      ske->params.encode());
    ske->scheme = scheme;
    ske->signature = server_private_key(key)->sign(*to_signature_algorithm(scheme), data,
                                                   *tls12::crypto::system_random());
    record.payload = frame_message(*ske);
    return m.deliver(m.client);
}

Mitm::Options ecdsa_server(std::vector<S> client_schemes = default_signature_schemes()) {
    Mitm::Options o;
    o.key = ServerKey::ecdsa_p256;
    o.client = [client_schemes](ClientConfig& c) { c.signature_schemes = client_schemes; };
    return o;
}

TEST(EcdsaSchemes, ClientAcceptsAnyHashItAdvertisedOnAnyCurve) {
    Mitm m(ecdsa_server());
    const auto status =
        deliver_resigned_server_key_exchange(m, S::ecdsa_secp384r1_sha384, ServerKey::ecdsa_p256);
    ASSERT_TRUE(status) << status.error().message();
    EXPECT_EQ(m.client.negotiated().signature_scheme, S::ecdsa_secp384r1_sha384);
    EXPECT_TRUE(m.client.wants_write()) << "no client flight";
}

TEST(EcdsaSchemes, ClientRefusesAHashItDidNotAdvertise) {
    Mitm m(ecdsa_server({S::ecdsa_secp256r1_sha256}));
    const auto status =
        deliver_resigned_server_key_exchange(m, S::ecdsa_secp384r1_sha384, ServerKey::ecdsa_p256);
    EXPECT_TRUE(failed_with_alert(m, m.client, status, AlertDescription::illegal_parameter));
}

// ---- the client's CertificateVerify ----------------------------------------------------------

Mitm::Options mutual_tls(std::vector<S> client_schemes, std::vector<S> server_schemes) {
    Mitm::Options o;
    o.client = [client_schemes](ClientConfig& c) {
        c.certificate = ecdsa_p256_certificate();
        c.signature_schemes = client_schemes;
    };
    o.server = [server_schemes](ServerConfig& s) {
        s.client_auth = ClientAuth::require;
        s.client_verifier = make_insecure_verifier();  // the signature is the point here
        s.signature_schemes = server_schemes;
    };
    return o;
}

// The server's CertificateRequest lists only SHA-384 for ECDSA: a P-256 client certificate signs
// with it (instead of sending no certificate).
TEST(EcdsaSchemes, ClientSignsWithTheHashTheServerAsksFor) {
    Mitm m(mutual_tls(default_signature_schemes(),
                      {S::ecdsa_secp384r1_sha384, S::rsa_pss_rsae_sha256}));
    ASSERT_TRUE(m.run()) << (m.client.error() ? m.client.error()->message() : "")
                         << (m.server.error() ? m.server.error()->message() : "");
    EXPECT_EQ(m.server.negotiated().peer_certificates.size(),
              server_chain(ServerKey::ecdsa_p256).size());
    const auto sent = m.handshake_sent_by(m.client);
    const auto verify = std::find_if(sent.begin(), sent.end(), [](const auto& message) {
        return message.at(0) == static_cast<uint8_t>(HandshakeType::certificate_verify);
    });
    ASSERT_NE(verify, sent.end());
    const auto parsed = CertificateVerify::parse(ByteView(*verify).subspan(4));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value().scheme, S::ecdsa_secp384r1_sha384);
}

// The client's CertificateVerify re-signed with SHA-384 by its P-256 key: the server advertised
// the scheme in its CertificateRequest, so it accepts it.
TEST(EcdsaSchemes, ServerAcceptsAnyHashItAdvertisedOnAnyCurve) {
    Mitm m(mutual_tls(default_signature_schemes(), default_signature_schemes()));
    m.pull(m.client);
    ASSERT_TRUE(m.deliver(m.server));
    m.pull(m.server);
    ASSERT_TRUE(m.deliver(m.client));
    m.pull(m.client);
    // Held for the server: Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec...
    ASSERT_GE(m.to_server.size(), 3u);
    auto& record = m.to_server.at(2);
    ASSERT_EQ(record.payload.at(0), static_cast<uint8_t>(HandshakeType::certificate_verify));
    // What the signature covers: every handshake message before it, in order.
    const auto from_client = m.handshake_sent_by(m.client);
    const auto from_server = m.handshake_sent_by(m.server);
    Bytes transcript;
    for (const auto* message :
         {&from_client.at(0), &from_server.at(0), &from_server.at(1), &from_server.at(2),
          &from_server.at(3), &from_server.at(4), &from_client.at(1), &from_client.at(2)})
        transcript.insert(transcript.end(), message->begin(), message->end());
    CertificateVerify verify;
    verify.scheme = S::ecdsa_secp384r1_sha384;
    verify.signature = server_private_key(ServerKey::ecdsa_p256)
                           ->sign(*to_signature_algorithm(verify.scheme), transcript,
                                  *tls12::crypto::system_random());
    record.payload = frame_message(verify);
    const auto status = m.deliver(m.server, 3);
    EXPECT_TRUE(status) << status.error().message();
    EXPECT_FALSE(m.server.failed());
}

TEST(EcdsaSchemes, NoHashInCommonForTheClientCertificate) {
    // The server asks for SHA-256 only; a client that insists on SHA-384 has nothing to offer and
    // sends no certificate, which this server requires.
    Mitm m(mutual_tls({S::ecdsa_secp384r1_sha384, S::rsa_pss_rsae_sha256},
                      {S::ecdsa_secp256r1_sha256, S::rsa_pss_rsae_sha256}));
    EXPECT_FALSE(m.run());
    ASSERT_TRUE(m.server.error());
    EXPECT_EQ(m.server.error()->alert, AlertDescription::handshake_failure);
}

}  // namespace
