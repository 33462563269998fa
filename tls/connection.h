// The sans-IO TLS 1.2 engine. Bytes from the peer go in with feed(); bytes for the peer come out of
// pending_output()/consume_output() (or take_output()); application data goes in with send() and
// comes out with receive() (or, without a copy, received_data()/consume_received()). No sockets,
// clocks or files: the same engine serves the blocking net::Stream, event loops, in-memory tests,
// fuzzers and benchmarks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tls12/tls/config.h>
#include <tls12/tls/error.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

// What was agreed, queryable once the handshake is complete (fields fill in as it progresses).
struct NegotiatedParameters {
    ProtocolVersion version = ProtocolVersion::tls12;
    std::optional<CipherSuite> cipher_suite;
    std::optional<NamedGroup> group;  // ECDHE only
    std::optional<SignatureScheme> signature_scheme;
    bool extended_master_secret = false;
    bool encrypt_then_mac = false;  // RFC 7366, CBC suites only
    bool resumed = false;
    std::string server_name;               // SNI sent (client) or received (server)
    std::string alpn;                      // empty when none
    std::vector<Bytes> peer_certificates;  // DER, leaf first
};

class Connection {
  public:
    // server_name is sent as SNI (unless it is an IP literal) and verified against the
    // certificate. An empty server_name is refused (the connection starts failed, with
    // internal_error and nothing sent) unless config->skip_host_name_verification is set.
    // session_key names the server in the session cache (net/ uses "host:port"); empty means
    // server_name.
    static Connection client(std::shared_ptr<const ClientConfig> config, std::string server_name,
                             std::string session_key = {});
    static Connection server(std::shared_ptr<const ServerConfig> config);

    ~Connection();
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;

    // Processes bytes received from the peer: handshake progress, decrypted application data,
    // alerts. On a protocol failure the fatal alert is queued for sending, the connection is
    // closed for further use and the error is returned (and kept in error()).
    Status feed(ByteView data);

    // Records waiting to go to the peer.
    bool wants_write() const noexcept;
    ByteView pending_output() const noexcept;
    void consume_output(size_t n) noexcept;
    Bytes take_output();

    // Queues application data; it is sealed into records now, or as soon as the handshake is done.
    // Fails once the connection failed (its error), after close() (internal_error), or once the
    // peer sent close_notify (an error with alert close_notify: the engine has answered it, and
    // TLS 1.2 keeps neither direction open after that).
    Status send(ByteView data);
    // Moves decrypted application data into out; returns how many bytes were copied.
    size_t receive(MutableByteView out);
    size_t available() const noexcept;
    // The same data read where it lies, without the copy (the input-side pair of
    // pending_output()/consume_output()): valid until the next feed(), receive(),
    // consume_received() or shrink_to_fit().
    ByteView received_data() const noexcept;
    void consume_received(size_t n) noexcept;

    // Queues close_notify; nothing is sent after it (no application data, no alert). During the
    // handshake it abandons the handshake: data queued by send() is dropped, and of the peer's
    // records only its alerts are still read.
    void close();

    bool is_handshake_complete() const noexcept;
    // The peer sent close_notify: the stream ended cleanly.
    bool peer_closed() const noexcept;
    // We sent close_notify (or a fatal alert).
    bool local_closed() const noexcept;
    // A fatal alert was sent or received; error() says which and why.
    bool failed() const noexcept;
    // The error that ended the connection (nullptr while it has not failed).
    const Error* error() const noexcept;
    bool is_client() const noexcept;
    // The engine's current state ("ExpectServerHello", ..., "Established", "Closed"), for logs
    // and debugging a stalled handshake.
    const char* state_name() const noexcept;

    const NegotiatedParameters& negotiated() const noexcept;

    // Releases buffers that are only needed while data is in flight (an idle connection keeps
    // just its keys and state).
    void shrink_to_fit();

    struct Impl;

  private:
    explicit Connection(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// "ECDHE-RSA-AES128-GCM-SHA256" (OpenSSL style) or IANA names; nullopt when unknown.
std::optional<CipherSuite> cipher_suite_from_name(std::string_view name);
// OpenSSL-style name of a suite.
std::string openssl_name(CipherSuite suite);

}  // namespace tls12
#pragma GCC visibility pop
