// User-facing features against real peers on loopback: session resumption (by session ID and by
// RFC 5077 ticket, both directions, OpenSSL and GnuTLS), ALPN, server certificate selection by
// signature_algorithms and by SNI, mutual TLS, and the NSS key log.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <regex>
#include <thread>

#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/certificate.h>
#include <tls12/x509/trust_store.h>
#include "interop.h"
#include "support/pki.h"

namespace interop {
namespace {

tls12_test::SpawnOptions no_stdin() {
    tls12_test::SpawnOptions o;
    o.pipe_stdin = false;
    return o;
}

size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

tls12::CertifiedKey certified(const std::string& chain, const std::string& key) {
    return tls12::CertifiedKey::from_pem_files(chain, key);
}

// A tls12::net::TlsListener on 127.0.0.1:0 serving up to `connections` connections one after the
// other from one thread, all with the same ServerConfig (so the same session cache and ticket
// keys). Each connection is echoed until the peer closes (close_notify or TCP EOF).
class MultiServer {
  public:
    MultiServer(std::shared_ptr<const tls12::ServerConfig> config, size_t connections)
        : listener_("127.0.0.1", 0, std::move(config), stream_options()) {
        done_ = std::async(std::launch::async, [this, connections] {
            std::vector<ServerOutcome> all;
            for (size_t i = 0; i < connections; ++i) {
                ServerOutcome o;
                try {
                    tls12::net::Stream s = listener_.accept(60s);
                    o.accepted = true;
                    try {
                        s.handshake();
                        std::vector<uint8_t> buffer(16 * 1024);
                        for (size_t n; (n = s.read(buffer)) != 0; o.echoed += n)
                            s.write(std::span<const uint8_t>(buffer.data(), n));
                        s.close();
                        o.clean_close = true;
                    } catch (const tls12::net::TlsError& e) {
                        o.tls_error = e.error();
                        o.error = e.what();
                    } catch (const std::exception& e) {
                        o.error = e.what();
                    }
                    o.handshake_complete = s.is_handshake_complete();
                    o.negotiated = s.negotiated();
                } catch (const std::exception& e) {
                    o.error = std::string("accept: ") + e.what();
                    all.push_back(o);
                    break;
                }
                all.push_back(std::move(o));
            }
            return all;
        });
    }
    ~MultiServer() {
        listener_.close();
        if (done_.valid()) done_.wait();
    }
    uint16_t port() const { return listener_.port(); }
    // Every connection's outcome once all were served (or the listener was closed).
    std::vector<ServerOutcome> outcomes(milliseconds timeout = 60s) {
        if (!done_.valid() || done_.wait_for(timeout) != std::future_status::ready) {
            listener_.close();
            done_.wait();
        }
        return done_.get();
    }
    void close() { listener_.close(); }

  private:
    tls12::net::TlsListener listener_;
    std::future<std::vector<ServerOutcome>> done_;
};

std::vector<std::string> s_client_args(uint16_t port, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {"openssl",
                                     "s_client",
                                     "-connect",
                                     "127.0.0.1:" + std::to_string(port),
                                     "-tls1_2",
                                     "-servername",
                                     "localhost",
                                     "-CAfile",
                                     tls12_test::test_pki().ca_cert,
                                     "-verify_return_error"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

// Runs s_client to completion (stdin /dev/null: it quits after the handshake).
Process run_s_client(uint16_t port, std::vector<std::string> extra = {}) {
    Process p = Process::spawn(s_client_args(port, std::move(extra)), no_stdin());
    if (!p.wait(30s)) p.stop();
    return p;
}

// ---- resumption: OpenSSL client, our server --------------------------------------------------

void expect_s_client_reconnect_resumes(std::shared_ptr<const tls12::ServerConfig> config,
                                       std::vector<std::string> extra) {
    MultiServer server(std::move(config), 6);
    extra.push_back("-reconnect");
    Process client = run_s_client(server.port(), extra);
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    const std::string out = client.stdout_text();
    EXPECT_EQ(count(out, "New, TLSv1.2"), 1u) << peer_output(client);
    EXPECT_EQ(count(out, "Reused, TLSv1.2"), 5u) << peer_output(client);

    const auto outcomes = server.outcomes(30s);
    ASSERT_EQ(outcomes.size(), 6u);
    for (size_t i = 0; i < outcomes.size(); ++i) {
        EXPECT_TRUE(outcomes[i].handshake_complete) << i << ": " << outcomes[i].error;
        EXPECT_EQ(outcomes[i].negotiated.resumed, i > 0) << i;
    }
}

TEST(FeaturesResumption, OpenSslReconnectResumesByTicket) {
    INTEROP_REQUIRE_TOOL("openssl");
    // No session-ID cache on our side: only the ticket can resume.
    expect_s_client_reconnect_resumes(
        tls12_test::server_config(tls12_test::ServerKey::rsa2048,
                                  [](tls12::ServerConfig& cfg) { cfg.session_cache = nullptr; }),
        {});
}

TEST(FeaturesResumption, OpenSslReconnectResumesBySessionId) {
    INTEROP_REQUIRE_TOOL("openssl");
    expect_s_client_reconnect_resumes(tls12_test::server_config(), {"-no_ticket"});
}

TEST(FeaturesResumption, OpenSslSessOutSessInResumes) {
    INTEROP_REQUIRE_TOOL("openssl");
    const std::string session_file = tls12_test::scratch_dir() + "/s_client.session";
    MultiServer server(tls12_test::server_config(), 2);
    Process first = run_s_client(server.port(), {"-sess_out", session_file});
    EXPECT_EQ(first.wait(1s), std::optional<int>(0)) << peer_output(first);
    EXPECT_NE(first.stdout_text().find("New, TLSv1.2"), std::string::npos) << peer_output(first);
    Process second = run_s_client(server.port(), {"-sess_in", session_file});
    EXPECT_EQ(second.wait(1s), std::optional<int>(0)) << peer_output(second);
    EXPECT_NE(second.stdout_text().find("Reused, TLSv1.2"), std::string::npos)
        << peer_output(second);
    const auto outcomes = server.outcomes(30s);
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_FALSE(outcomes[0].negotiated.resumed);
    EXPECT_TRUE(outcomes[1].negotiated.resumed) << outcomes[1].error;
}

// ---- resumption: our client, OpenSSL server ----------------------------------------------------

// Two connections with one ClientConfig: the second resumes. (Handshakes only: s_server does not
// echo.)
void expect_client_resumes(uint16_t port, const std::string& what, const Process& peer) {
    auto config = tls12_test::client_config();
    for (int i = 0; i < 2; ++i) {
        try {
            tls12::net::Stream s = connect_to(port, config);
            EXPECT_EQ(s.negotiated().resumed, i == 1) << what << " connection " << i;
            s.close();
        } catch (const std::exception& e) {
            ADD_FAILURE() << what << " connection " << i << ": " << e.what() << "\n"
                          << peer_output(peer);
        }
    }
}

TEST(FeaturesResumption, ClientResumesWithOpenSslBySessionId) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    auto server = start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert,
                                       {"-no_ticket", "-naccept", "2"});
    expect_client_resumes(server.port, "s_server -no_ticket", server.process);
}

TEST(FeaturesResumption, ClientResumesWithOpenSslByTicket) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    // -no_cache: no session-ID cache, so only the ticket can resume.
    auto server = start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert,
                                       {"-no_cache", "-naccept", "2"});
    expect_client_resumes(server.port, "s_server -no_cache", server.process);
}

// ---- resumption: GnuTLS ----------------------------------------------------------------------

const char* gnutls_tls12 = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

GnuTlsServer start_gnutls(const std::vector<std::string>& extra) {
    const auto& pki = tls12_test::test_pki();
    std::string last_output;
    for (int attempt = 0; attempt < 5; ++attempt) {
        const uint16_t port = tls12_test::free_port();
        std::vector<std::string> argv = {"gnutls-serv",        "--echo",         "-p",
                                         std::to_string(port), "--x509certfile", pki.server_chain,
                                         "--x509keyfile",      pki.server_key,   "--priority",
                                         gnutls_tls12};
        argv.insert(argv.end(), extra.begin(), extra.end());
        Process p = Process::spawn(argv);
        if (tls12_test::wait_for_port(port, 20s) && p.running())
            return GnuTlsServer{std::move(p), port};
        p.stop(200ms);
        last_output = peer_output(p);
    }
    throw std::runtime_error("gnutls-serv did not start listening\n" + last_output);
}

TEST(FeaturesResumption, ClientResumesWithGnuTlsBySessionId) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    auto server = start_gnutls({"--noticket"});
    expect_client_resumes(server.port, "gnutls-serv --noticket", server.process);
}

TEST(FeaturesResumption, ClientResumesWithGnuTlsByTicket) {
    INTEROP_REQUIRE_TOOL("gnutls-serv");
    auto server = start_gnutls({"--nodb"});
    expect_client_resumes(server.port, "gnutls-serv --nodb", server.process);
}

void expect_gnutls_cli_resumes(std::shared_ptr<const tls12::ServerConfig> config,
                               std::vector<std::string> extra) {
    MultiServer server(std::move(config), 2);
    std::vector<std::string> argv = {"gnutls-cli",   "--resume",
                                     "-p",           std::to_string(server.port()),
                                     "--x509cafile", tls12_test::test_pki().ca_cert,
                                     "--priority",   gnutls_tls12,
                                     "localhost"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Process client = Process::spawn(argv, no_stdin());
    if (!client.wait(30s)) client.stop();
    EXPECT_NE(client.stdout_text().find("This is a resumed session"), std::string::npos)
        << peer_output(client);
    const auto outcomes = server.outcomes(30s);
    ASSERT_EQ(outcomes.size(), 2u) << peer_output(client);
    EXPECT_TRUE(outcomes[0].handshake_complete) << outcomes[0].error;
    EXPECT_FALSE(outcomes[0].negotiated.resumed);
    EXPECT_TRUE(outcomes[1].negotiated.resumed) << outcomes[1].error << "\n" << peer_output(client);
}

TEST(FeaturesResumption, GnuTlsCliResumesByTicket) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    expect_gnutls_cli_resumes(
        tls12_test::server_config(tls12_test::ServerKey::rsa2048,
                                  [](tls12::ServerConfig& cfg) { cfg.session_cache = nullptr; }),
        {});
}

TEST(FeaturesResumption, GnuTlsCliResumesBySessionId) {
    INTEROP_REQUIRE_TOOL("gnutls-cli");
    expect_gnutls_cli_resumes(tls12_test::server_config(), {"--noticket"});
}

// ---- ALPN ------------------------------------------------------------------------------------

std::shared_ptr<const tls12::ServerConfig> alpn_server(std::vector<std::string> protocols) {
    return tls12_test::server_config(tls12_test::ServerKey::rsa2048, [&](tls12::ServerConfig& cfg) {
        cfg.alpn_protocols = protocols;
    });
}

TEST(FeaturesAlpn, OpenSslClientGetsTheServersChoice) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(alpn_server({"http/1.1"}));
    Process client = run_s_client(server.port(), {"-alpn", "h2,http/1.1"});
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    EXPECT_NE(client.stdout_text().find("ALPN protocol: http/1.1"), std::string::npos)
        << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->negotiated.alpn, "http/1.1") << outcome->error;
}

TEST(FeaturesAlpn, NoOverlapIsNoApplicationProtocol) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(alpn_server({"http/1.1"}));
    Process client = run_s_client(server.port(), {"-alpn", "h2"});
    const auto code = client.wait(1s);
    ASSERT_TRUE(code.has_value());
    EXPECT_NE(*code, 0) << peer_output(client);
    EXPECT_NE(client.stderr_text().find("no application protocol"), std::string::npos)
        << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_FALSE(outcome->handshake_complete);
    ASSERT_TRUE(outcome->tls_error.has_value()) << outcome->error;
    EXPECT_EQ(tls12::to_string(outcome->tls_error->alert),
              tls12::to_string(tls12::AlertDescription::no_application_protocol));
}

TEST(FeaturesAlpn, ClientNegotiatesWithOpenSslServer) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    auto server = start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert,
                                       {"-alpn", "http/1.1", "-naccept", "1"});
    auto config = tls12_test::client_config([](tls12::ClientConfig& cfg) {
        cfg.alpn_protocols = {"h2", "http/1.1"};
    });
    try {
        tls12::net::Stream s = connect_to(server.port, config);
        EXPECT_EQ(s.negotiated().alpn, "http/1.1");
        s.close();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << peer_output(server.process);
    }
    EXPECT_TRUE(server.process.wait_for_output("ALPN protocols advertised by the client", 5s) ||
                server.process.stdout_text().find("http/1.1") != std::string::npos)
        << peer_output(server.process);
}

// ---- certificate selection -------------------------------------------------------------------

std::shared_ptr<const tls12::ServerConfig> rsa_and_ecdsa_server() {
    const auto& pki = tls12_test::test_pki();
    auto cfg = std::make_shared<tls12::ServerConfig>();
    cfg->certificates.push_back(certified(pki.server_chain, pki.server_key));
    cfg->certificates.push_back(certified(pki.ecdsa256_chain, pki.ecdsa256_key));
    return cfg;
}

TEST(FeaturesCertificateSelection, EcdsaSigalgsGetTheEcdsaCertificate) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(rsa_and_ecdsa_server());
    Process client = run_s_client(server.port(), {"-sigalgs", "ECDSA+SHA256"});
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    const std::string out = client.stdout_text();
    EXPECT_NE(out.find("Peer signature type: ECDSA"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find("Cipher is ECDHE-ECDSA-"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find("Server public key is 256 bit"), std::string::npos) << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_TRUE(outcome->handshake_complete) << outcome->error;
}

TEST(FeaturesCertificateSelection, RsaPssSigalgsGetTheRsaCertificate) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(rsa_and_ecdsa_server());
    Process client = run_s_client(server.port(), {"-sigalgs", "RSA-PSS+SHA256"});
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    const std::string out = client.stdout_text();
    EXPECT_NE(out.find("Peer signature type: RSA-PSS"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find("Cipher is ECDHE-RSA-"), std::string::npos) << peer_output(client);
    EXPECT_NE(out.find("Server public key is 2048 bit"), std::string::npos) << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_TRUE(outcome->handshake_complete) << outcome->error;
}

TEST(FeaturesCertificateSelection, SniPicksTheCertificate) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    auto cfg = std::make_shared<tls12::ServerConfig>();
    cfg->certificates.push_back(certified(pki.server_chain, pki.server_key));
    cfg->certificates.push_back(certified(pki.wrong_host_chain, pki.wrong_host_key));
    std::shared_ptr<const tls12::ServerConfig> config = cfg;
    for (const std::string name : {"wrong.example.com", "localhost"}) {
        SCOPED_TRACE(name);
        EchoServer server(config);
        // Verification (including the host name) must succeed for the name asked for.
        Process client = Process::spawn(
            {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port()),
             "-tls1_2", "-servername", name, "-CAfile", pki.ca_cert, "-verify_return_error",
             "-verify_hostname", name},
            no_stdin());
        const auto code = client.wait(30s);
        EXPECT_EQ(code, std::optional<int>(0)) << peer_output(client);
        EXPECT_NE(client.stdout_text().find("CN = " + name), std::string::npos)
            << peer_output(client);
        const auto outcome = server.outcome(30s);
        ASSERT_TRUE(outcome.has_value());
        EXPECT_TRUE(outcome->handshake_complete) << outcome->error;
        EXPECT_EQ(outcome->negotiated.server_name, name);
    }
}

// ---- mutual TLS ------------------------------------------------------------------------------

std::shared_ptr<const tls12::ServerConfig> mtls_server() {
    return tls12_test::server_config(tls12_test::ServerKey::rsa2048, [](tls12::ServerConfig& cfg) {
        cfg.client_auth = tls12::ClientAuth::require;
        cfg.client_verifier = tls12::make_x509_verifier(
            tls12::x509::TrustStore::from_pem_file(tls12_test::test_pki().ca_cert));
    });
}

TEST(FeaturesMutualTls, OpenSslClientWithCertificateIsAccepted) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    EchoServer server(mtls_server());
    Process client = run_s_client(server.port(), {"-cert", pki.client_cert, "-key", pki.client_key,
                                                  "-cert_chain", pki.intermediate_cert});
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_TRUE(outcome->handshake_complete) << outcome->error << "\n" << peer_output(client);
    ASSERT_EQ(outcome->negotiated.peer_certificates.size(), 2u);
    const auto leaf = tls12::x509::load_certificate_chain(pki.client_cert);
    ASSERT_FALSE(leaf.empty());
    EXPECT_TRUE(outcome->negotiated.peer_certificates[0] == leaf[0]);
}

TEST(FeaturesMutualTls, OpenSslClientWithoutCertificateIsRefused) {
    INTEROP_REQUIRE_TOOL("openssl");
    EchoServer server(mtls_server());
    Process client = run_s_client(server.port());
    const auto code = client.wait(1s);
    ASSERT_TRUE(code.has_value());
    EXPECT_NE(*code, 0) << peer_output(client);
    EXPECT_NE(client.stderr_text().find("alert handshake failure"), std::string::npos)
        << peer_output(client);
    const auto outcome = server.outcome(30s);
    ASSERT_TRUE(outcome.has_value());
    EXPECT_FALSE(outcome->handshake_complete);
    ASSERT_TRUE(outcome->tls_error.has_value()) << outcome->error;
    EXPECT_EQ(tls12::to_string(outcome->tls_error->alert),
              tls12::to_string(tls12::AlertDescription::handshake_failure));
}

// Asking for client certificates does not turn resumption off for a client that has none.
TEST(FeaturesMutualTls, OpenSslClientWithoutCertificateResumesInRequestMode) {
    INTEROP_REQUIRE_TOOL("openssl");
    for (bool tickets : {true, false}) {
        SCOPED_TRACE(tickets ? "by ticket" : "by session ID");
        expect_s_client_reconnect_resumes(
            tls12_test::server_config(
                tls12_test::ServerKey::rsa2048,
                [](tls12::ServerConfig& cfg) {
                    cfg.client_auth = tls12::ClientAuth::request;
                    cfg.client_verifier = tls12::make_x509_verifier(
                        tls12::x509::TrustStore::from_pem_file(tls12_test::test_pki().ca_cert));
                }),
            tickets ? std::vector<std::string>{} : std::vector<std::string>{"-no_ticket"});
    }
}

// A session with a client certificate resumes, and every resumed connection reports the client's
// chain as the full handshake did (the session, or the ticket, carries it).
TEST(FeaturesMutualTls, OpenSslClientCertificateSessionResumesWithItsIdentity) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    for (bool tickets : {true, false}) {
        SCOPED_TRACE(tickets ? "by ticket" : "by session ID");
        MultiServer server(mtls_server(), 6);
        std::vector<std::string> extra = {
            "-reconnect",   "-cert",       pki.client_cert,      "-key",
            pki.client_key, "-cert_chain", pki.intermediate_cert};
        if (!tickets) extra.push_back("-no_ticket");
        Process client = run_s_client(server.port(), extra);
        EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
        EXPECT_EQ(count(client.stdout_text(), "Reused, TLSv1.2"), 5u) << peer_output(client);
        const auto outcomes = server.outcomes(30s);
        ASSERT_EQ(outcomes.size(), 6u);
        ASSERT_EQ(outcomes[0].negotiated.peer_certificates.size(), 2u) << outcomes[0].error;
        for (size_t i = 0; i < outcomes.size(); ++i) {
            EXPECT_TRUE(outcomes[i].handshake_complete) << i << ": " << outcomes[i].error;
            EXPECT_EQ(outcomes[i].negotiated.resumed, i > 0) << i;
            EXPECT_TRUE(outcomes[i].negotiated.peer_certificates ==
                        outcomes[0].negotiated.peer_certificates)
                << i;
        }
    }
}

OpenSslServer verifying_openssl_server() {
    const auto& pki = tls12_test::test_pki();
    return start_openssl_server(
        pki.server_cert, pki.server_key, pki.intermediate_cert,
        {"-Verify", "3", "-verify_return_error", "-CAfile", pki.ca_cert, "-naccept", "1"});
}

TEST(FeaturesMutualTls, ClientCertificateVerifiedByOpenSsl) {
    INTEROP_REQUIRE_TOOL("openssl");
    const auto& pki = tls12_test::test_pki();
    auto server = verifying_openssl_server();
    auto config = tls12_test::client_config([&](tls12::ClientConfig& cfg) {
        cfg.certificate = certified(pki.client_chain, pki.client_key);
    });
    try {
        tls12::net::Stream s = connect_to(server.port, config);
        EXPECT_TRUE(s.is_handshake_complete());
        s.close();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << peer_output(server.process);
    }
    EXPECT_TRUE(server.process.wait_for_output("tls12 test client", 10s))
        << peer_output(server.process);
    EXPECT_EQ(server.process.stderr_text().find("verify error"), std::string::npos)
        << peer_output(server.process);
}

TEST(FeaturesMutualTls, OpenSslRefusesClientWithoutCertificate) {
    INTEROP_REQUIRE_TOOL("openssl");
    auto server = verifying_openssl_server();
    try {
        tls12::net::Stream s = connect_to(server.port, tls12_test::client_config());
        // The server's refusal may only show on the first read.
        std::vector<uint8_t> buffer(16);
        s.read(buffer);
        ADD_FAILURE() << "handshake succeeded without a client certificate\n"
                      << peer_output(server.process);
    } catch (const tls12::net::TlsError& e) {
        EXPECT_EQ(tls12::to_string(e.alert()),
                  tls12::to_string(tls12::AlertDescription::handshake_failure))
            << e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected a TLS alert, got: " << e.what() << "\n"
                      << peer_output(server.process);
    }
}

// ---- key log ---------------------------------------------------------------------------------

TEST(FeaturesKeyLog, ServerLineEqualsOpenSslClientLine) {
    INTEROP_REQUIRE_TOOL("openssl");
    auto lines = std::make_shared<std::vector<std::string>>();
    auto mutex = std::make_shared<std::mutex>();
    EchoServer server(
        tls12_test::server_config(tls12_test::ServerKey::rsa2048, [&](tls12::ServerConfig& cfg) {
            cfg.key_log = [lines, mutex](const std::string& line) {
                std::lock_guard lock(*mutex);
                lines->push_back(line);
            };
        }));
    const std::string file = tls12_test::scratch_dir() + "/s_client.keylog";
    Process client = run_s_client(server.port(), {"-keylogfile", file});
    EXPECT_EQ(client.wait(1s), std::optional<int>(0)) << peer_output(client);
    ASSERT_TRUE(server.outcome(30s).has_value());

    std::vector<std::string> theirs;
    {
        std::istringstream in(tls12_test::read_text_file(file));
        for (std::string line; std::getline(in, line);)
            if (!line.empty() && line[0] != '#') theirs.push_back(line);
    }
    std::lock_guard lock(*mutex);
    ASSERT_EQ(lines->size(), 1u);
    ASSERT_EQ(theirs.size(), 1u) << tls12_test::read_text_file(file);
    EXPECT_EQ(lines->front(), theirs.front());
    EXPECT_TRUE(
        std::regex_match(lines->front(), std::regex("CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}")))
        << lines->front();
}

}  // namespace
}  // namespace interop
