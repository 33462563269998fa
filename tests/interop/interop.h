// Shared pieces of the interop suite: the suite x group matrix, peer processes (openssl s_server /
// s_client, gnutls-serv / gnutls-cli) started on loopback, an in-process echo server built on
// tls12::net::TlsListener, test data and bounded waits.
//
// Every wait has a timeout and every child process is killed by the Process destructor, so a
// misbehaving peer fails a test instead of hanging it. A missing tool fails the test with a clear
// message (scripts/test installs openssl and gnutls-bin): nothing here is ever skipped.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tls12/net/stream.h>
#include <tls12/tls/config.h>
#include "support/engine_pair.h"
#include "support/process.h"

namespace interop {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using tls12_test::Process;

// Fails (never skips) the current test when a peer program is not on PATH.
#define INTEROP_REQUIRE_TOOL(name)                                                           \
    ASSERT_TRUE(tls12_test::have_program(name))                                              \
        << "'" << (name) << "' is not on PATH: the interop tests need real peers (openssl, " \
        << "gnutls-bin); scripts/test installs them"

// ---- the matrix -----------------------------------------------------------------------------

struct Case {
    tls12::CipherSuite suite;
    std::optional<tls12::NamedGroup> group;  // ECDHE suites only
    bool ecdsa = false;                      // the server needs the ECDSA (P-256) certificate
    bool no_etm = false;                     // CBC suites: GnuTLS priorities add %NO_ETM

    // The groups a client offers. The server picks `group` for the key exchange; with an ECDSA
    // certificate the client must also list the certificate's curve (secp256r1), since in TLS 1.2
    // supported_groups constrains the server's ECDSA key too (RFC 8422 5.1): OpenSSL refuses a
    // P-256 certificate ("wrong curve") when the client offered only X25519.
    std::vector<tls12::NamedGroup> client_groups() const;

    std::string openssl_suite() const;          // "ECDHE-RSA-AES128-GCM-SHA256"
    std::string openssl_group() const;          // "X25519", "P-256", "P-384"
    std::string openssl_client_groups() const;  // "X25519:P-256"
    // Pins version, key exchange, cipher and (for a server) the group; a client priority lists
    // client_groups().
    std::string gnutls_priority(bool client) const;
    // For test names: "ECDHE_RSA_AES128_GCM_SHA256_x25519".
    std::string name() const;
};

// Every default suite (AEAD; the opt-in CBC suites are in cbc_interop_test.cpp), crossed with
// every default group for ECDHE suites.
std::vector<Case> all_cases();
// gtest prints parameters with this (instead of raw bytes).
void PrintTo(const Case& c, std::ostream* os);
std::string case_name(const testing::TestParamInfo<Case>& info);
std::string group_name(tls12::NamedGroup group);  // our spelling: "x25519", "secp256r1", ...

// Checks version, suite and group against the case.
void expect_negotiated(const tls12::NegotiatedParameters& n, const Case& c);

// ---- test data ------------------------------------------------------------------------------

// Deterministic printable text in lines of line_length bytes (the last byte of each is '\n'),
// total bytes in all. No '\r' (gnutls-serv --echo folds CRLF) and none of the letters openssl
// s_client treats as commands at the start of a read (Q, R, K, k), so the bytes survive every
// peer unchanged.
std::string text_lines(size_t total, size_t line_length, uint32_t seed);
// Each line reversed, its '\n' kept at the end: what `openssl s_server -rev` sends back.
std::string reverse_lines(const std::string& text);

// Index of the first difference, for readable failures on 1 MiB strings.
std::string describe_mismatch(const std::string& expected, const std::string& actual);

// ---- our side -------------------------------------------------------------------------------

tls12::net::StreamOptions stream_options();

// A client config that trusts the test root, pinned to TLS 1.2 and the case's suite (and group).
std::shared_ptr<const tls12::ClientConfig> pinned_client(const Case& c);
// A server config with the case's certificate, pinned to TLS 1.2 and its suite (and group).
std::shared_ptr<const tls12::ServerConfig> pinned_server(const Case& c);

// TLS 1.3 enabled (max_version tls13, which is not the default yet) on top of
// tls12_test::client_config() / server_config() (RSA certificate); tweak changes more.
std::shared_ptr<const tls12::ClientConfig> tls13_client_config(
    const std::function<void(tls12::ClientConfig&)>& tweak = {});
std::shared_ptr<const tls12::ServerConfig> tls13_server_config(
    const std::function<void(tls12::ServerConfig&)>& tweak = {});

// Connects our client to 127.0.0.1:port, SNI and verified name "localhost".
tls12::net::Stream connect_to(uint16_t port, std::shared_ptr<const tls12::ClientConfig> config);

// Sends `data` in `chunk`-sized writes, at most `window` bytes ahead of what came back, and reads
// until data.size() bytes returned (or the peer closed). For a line-based peer (s_server -rev)
// chunk must end on line boundaries and window must be a multiple of chunk.
std::string exchange(tls12::net::Stream& stream, const std::string& data, size_t chunk = 16 * 1024,
                     size_t window = 64 * 1024);

// What the in-process server saw.
struct ServerOutcome {
    bool accepted = false;
    bool handshake_complete = false;
    tls12::NegotiatedParameters negotiated;
    size_t echoed = 0;
    bool clean_close = false;               // the peer sent close_notify and we answered
    std::optional<tls12::Error> tls_error;  // the alert that ended the connection
    std::string error;                      // any exception's message, "" when none
};

// A tls12::net::TlsListener on 127.0.0.1:0 whose first connection is echoed in a thread until the
// peer sends close_notify (then we close too). accept() and every read/write are bounded.
class EchoServer {
  public:
    // Each echo write carries at most max_write bytes (one record when <= 16 KiB).
    explicit EchoServer(std::shared_ptr<const tls12::ServerConfig> config,
                        size_t max_write = 16 * 1024);
    ~EchoServer();
    EchoServer(const EchoServer&) = delete;
    EchoServer& operator=(const EchoServer&) = delete;

    uint16_t port() const { return listener_.port(); }
    // Waits for the connection to end (at most `timeout`); nullopt if it did not.
    std::optional<ServerOutcome> outcome(milliseconds timeout = 30s);

  private:
    tls12::net::TlsListener listener_;
    std::future<ServerOutcome> done_;
};

// A tls12::net::TlsListener on 127.0.0.1:0 that takes `connections` connections one after the
// other, runs the handshake and then `serve` on each, and keeps each one's outcome (serve fills
// in echoed and clean_close; exceptions are caught and recorded here). For peers that connect more
// than once (resumption) or need more than an echo (an HTTP exchange, a KeyUpdate of ours).
class ServerThread {
  public:
    using Serve = std::function<void(tls12::net::Stream&, ServerOutcome&)>;
    ServerThread(std::shared_ptr<const tls12::ServerConfig> config, Serve serve,
                 size_t connections = 1);
    ~ServerThread();
    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    uint16_t port() const { return listener_.port(); }
    // Waits for every connection to end (at most `timeout`); nullopt if they did not. A failed
    // accept() ends the list early (its outcome has accepted == false).
    std::optional<std::vector<ServerOutcome>> outcomes(milliseconds timeout = 30s);

  private:
    tls12::net::TlsListener listener_;
    std::future<std::vector<ServerOutcome>> done_;
};

// A ServerThread::Serve that echoes in writes of at most max_write bytes until the peer's
// close_notify, then closes too (what EchoServer does).
ServerThread::Serve echo_until_close(size_t max_write = 16 * 1024);

// ---- peer processes -------------------------------------------------------------------------

// Output of a peer, for failure messages.
std::string peer_output(const Process& p);

// `openssl s_server -tls1_2` on 127.0.0.1, port chosen by the kernel (read back from its ACCEPT
// line). extra: more arguments (-rev, -cipher, -groups, -naccept ...).
struct OpenSslServer {
    Process process;
    uint16_t port = 0;
};
// cert/key/chain: paths; chain may be empty (no -cert_chain).
OpenSslServer start_openssl_server(const std::string& cert, const std::string& key,
                                   const std::string& chain, const std::vector<std::string>& extra,
                                   bool tls12_only = true);
// The certificate arguments for a case: RSA or ECDSA leaf with the intermediate as chain.
OpenSslServer start_openssl_server_for(const Case& c, const std::vector<std::string>& extra);

// `gnutls-serv --echo` on a free port (retried if the port was taken meanwhile).
struct GnuTlsServer {
    Process process;
    uint16_t port = 0;
};
GnuTlsServer start_gnutls_server(const Case& c);
// `gnutls-serv -p <free port>` with these arguments (certificate, key, priority, --echo ...).
GnuTlsServer start_gnutls_server(const std::vector<std::string>& args);

// `gnutls-cli` against our server on localhost:port with the test CA, verifying the host name,
// logging to scratch_dir()/gnutls-cli-<log_name>.log. Its stdout goes through `cat`: gnutls-cli
// writes what it receives one byte per write(), and a 1 MiB echo would be a million tiny pipe
// reads on our side (pipefail keeps gnutls-cli's exit status).
struct GnuTlsClient {
    Process process;
    std::string log;
    // What it printed, then its log file: for failure messages.
    std::string output() const;
};
// extra: more gnutls-cli arguments (-r, --x509certfile, --inline-commands, -d ...).
GnuTlsClient start_gnutls_client(uint16_t port, const std::string& priority,
                                 const std::string& log_name,
                                 const std::vector<std::string>& extra = {});

// Pushes `data` into a client process's stdin in chunks, never more than `window` bytes ahead of
// what it has printed on stdout, and waits until data.size() bytes came back (or `timeout`).
// Returns the stdout collected. The peer must echo through our server.
std::string pump_through(Process& p, const std::string& data, milliseconds timeout = 60s,
                         size_t chunk = 16 * 1024, size_t window = 32 * 1024);

}  // namespace interop
