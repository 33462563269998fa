/// \file
/// The sans-IO TLS 1.2 engine, Connection.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tls12/tls/config.h>
#include <tls12/tls/error.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

/// The engine, the record layer and the handshake of TLS 1.2 (RFC 5246), with its configuration
/// and wire types; the layers crypto, x509 and net are inside it.
namespace tls12 {

/// What was agreed, queryable once the handshake is complete (fields fill in as it progresses).
struct NegotiatedParameters {
    ProtocolVersion version = ProtocolVersion::tls12;  ///< TLS 1.2 or TLS 1.3.
    std::optional<CipherSuite> cipher_suite;           ///< The suite the server chose.
    std::optional<NamedGroup> group;                   ///< ECDHE only.
    /// The scheme of the server's key exchange signature (ECDHE only).
    std::optional<SignatureScheme> signature_scheme;
    bool extended_master_secret = false;   ///< RFC 7627 negotiated.
    bool encrypt_then_mac = false;         ///< RFC 7366, CBC suites only.
    bool resumed = false;                  ///< An abbreviated handshake resumed a session.
    std::string server_name;               ///< SNI sent (client) or received (server).
    std::string alpn;                      ///< Empty when none.
    std::vector<Bytes> peer_certificates;  ///< DER, leaf first.
};

/// One TLS 1.2 connection, client or server, as a sans-IO engine: it only moves bytes, so any
/// transport, event loop or test can drive it (net::Stream is the blocking driver).
///
/// Bytes from the peer go in with feed(); bytes for the peer come out of
/// pending_output()/consume_output() (or take_output()); application data goes in with send()
/// and comes out with receive() (or, without a copy, received_data()/consume_received()). No
/// sockets, clocks or files. A peer never makes it throw: a protocol failure queues one fatal
/// alert, closes the connection and comes back as an Error. Not thread-safe; movable.
class Connection {
  public:
    /// A client; the ClientHello is queued at once. server_name is sent as SNI (unless it is an
    /// IP literal) and verified against the certificate. An empty server_name is refused (the
    /// connection starts failed, with internal_error and nothing sent) unless
    /// config->skip_host_name_verification is set, and so is a config that fails
    /// ClientConfig::validate(). session_key names the server in the session cache
    /// (net::connect_tls() uses "name@host:port"); empty means server_name.
    static Connection client(std::shared_ptr<const ClientConfig> config, std::string server_name,
                             std::string session_key = {});
    /// A server, waiting for a ClientHello. A config that fails ServerConfig::validate() makes
    /// the connection start failed.
    static Connection server(std::shared_ptr<const ServerConfig> config);

    ~Connection();
    /// Moves the connection.
    Connection(Connection&&) noexcept;
    /// Moves the connection.
    Connection& operator=(Connection&&) noexcept;

    /// Processes bytes received from the peer: handshake progress, decrypted application data,
    /// alerts. On a protocol failure the fatal alert is queued for sending, the connection is
    /// closed for further use and the error is returned (and kept in error()).
    Status feed(ByteView data);

    /// True when records are waiting to go to the peer.
    bool wants_write() const noexcept;
    /// The records waiting to go to the peer; valid until the next call that changes the
    /// connection.
    ByteView pending_output() const noexcept;
    /// Marks the first n bytes of pending_output() as sent.
    void consume_output(size_t n) noexcept;
    /// Everything pending_output() holds, moved out (consumed).
    Bytes take_output();

    /// Queues application data; it is sealed into records now, or as soon as the handshake is
    /// done. Fails once the connection failed (its error), after close() (internal_error), or
    /// once the peer sent close_notify under TLS 1.2 (an error with alert close_notify: the engine
    /// has answered it, and TLS 1.2 keeps neither direction open after that; TLS 1.3's
    /// close_notify closes only the peer's direction).
    Status send(ByteView data);
    /// TLS 1.3 (RFC 8446 4.6.3): sends a KeyUpdate and seals what follows with the next traffic
    /// key; with request_peer_update the peer is asked to update its keys too. Fails locally
    /// (internal_error) unless the connection is an established TLS 1.3 one.
    Status update_keys(bool request_peer_update = false);
    /// Moves decrypted application data into out; returns how many bytes were copied.
    size_t receive(MutableByteView out);
    /// Bytes of decrypted application data waiting to be received.
    size_t available() const noexcept;
    /// The data receive() would copy, read where it lies. The input-side pair of
    /// pending_output()/consume_output(): valid until the next feed(), receive(),
    /// consume_received() or shrink_to_fit().
    ByteView received_data() const noexcept;
    /// Drops the first n bytes of received_data().
    void consume_received(size_t n) noexcept;

    /// Queues close_notify; nothing is sent after it (no application data, no alert). During the
    /// handshake it abandons the handshake: data queued by send() is dropped, and of the peer's
    /// records only its alerts are still read.
    void close();

    /// True once both Finished messages have been exchanged and verified.
    bool is_handshake_complete() const noexcept;
    /// The peer sent close_notify: the stream ended cleanly.
    bool peer_closed() const noexcept;
    /// We sent close_notify (or a fatal alert).
    bool local_closed() const noexcept;
    /// A fatal alert was sent or received; error() says which and why.
    bool failed() const noexcept;
    /// The error that ended the connection (nullptr while it has not failed).
    const Error* error() const noexcept;
    /// True for a client, false for a server.
    bool is_client() const noexcept;
    /// The engine's current state ("ExpectServerHello", ..., "Established", "Closed"), for logs
    /// and debugging a stalled handshake.
    const char* state_name() const noexcept;

    /// What was agreed so far; complete once is_handshake_complete().
    const NegotiatedParameters& negotiated() const noexcept;

    /// Releases buffers that are only needed while data is in flight (an idle connection keeps
    /// just its keys and state).
    void shrink_to_fit();

    struct Impl;

  private:
    explicit Connection(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// The suite named "ECDHE-RSA-AES128-GCM-SHA256" (OpenSSL style) or by its IANA name (any case);
/// nullopt when unknown.
std::optional<CipherSuite> cipher_suite_from_name(std::string_view name);
/// OpenSSL-style name of a suite, e.g. "ECDHE-RSA-AES128-GCM-SHA256".
std::string openssl_name(CipherSuite suite);

}  // namespace tls12
#pragma GCC visibility pop
