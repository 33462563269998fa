/// \file
/// A blocking TLS stream over a socket: net::Stream, net::connect_tls() and net::TlsListener.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <tls12/net/error.h>
#include <tls12/net/socket.h>
#include <tls12/tls/config.h>
#include <tls12/tls/connection.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::net {

/// Timeouts of a Stream. no_timeout (the io_timeout default) waits forever.
struct StreamOptions {
    /// Per address tried by connect_tls.
    milliseconds connect_timeout{10'000};
    /// The whole handshake, from the first byte sent to Finished.
    milliseconds handshake_timeout{30'000};
    /// Each read() waiting for data and each write() pushing its records out. no_timeout: forever.
    milliseconds io_timeout = no_timeout;
};

/// A blocking TLS connection over a socket. It is a Socket and a tls12::Connection and the small
/// "run until" loop between them (BearSSL style): push out what the engine wants to send, feed it
/// what the socket delivers, until the goal of the call (handshake done, data available, all data
/// sent) is met.
///
/// \code
/// auto s = tls12::net::connect_tls("example.com", 443, client_config);
/// s.write(request); n = s.read(buffer); s.close();
///
/// tls12::net::TlsListener listener("127.0.0.1", 0, server_config);
/// tls12::net::Stream conn = listener.accept();  // handshake on first read/write or handshake()
/// \endcode
///
/// Failures are exceptions derived from net::Error (see net/error.h). A Stream is not
/// thread-safe; use one per thread (it may be moved between threads).
class Stream {
  public:
    /// Drives connection over socket (connect_tls() and TlsListener::accept() build them).
    Stream(Socket socket, tls12::Connection connection, StreamOptions options = {});
    /// Closes the socket without close_notify: call close() for a clean shutdown.
    ~Stream() = default;
    /// Moves the stream.
    Stream(Stream&&) noexcept = default;
    /// Moves the stream.
    Stream& operator=(Stream&&) noexcept = default;

    /// Runs the handshake to completion (no-op when done). Throws TlsError with the alert and
    /// reason (e.g. certificate verification), TimeoutError after handshake_timeout, net::Error
    /// when the socket fails or the peer hangs up mid-handshake.
    void handshake();

    /// Reads up to out.size() bytes of application data, blocking until at least one is there.
    /// Returns 0 only when the peer sent close_notify (a clean end of stream) or out is empty.
    /// TCP EOF without close_notify throws TruncationError; a fatal alert throws TlsError.
    size_t read(std::span<uint8_t> out);
    /// Sends all of data (handshakes first if needed). Throws PeerClosedError once the peer has
    /// sent close_notify (read() returned 0 or peer_closed() is true: check it before writing
    /// when the peer may end the stream at any time).
    void write(std::span<const uint8_t> data);
    /// Sends the characters of text, as write(std::span<const uint8_t>) does.
    void write(std::string_view text);

    /// Sends close_notify and shuts down our sending side; the socket itself is released by the
    /// destructor. Safe to call twice, and after the peer closed or the connection failed.
    void close();

    /// True once the handshake has finished.
    bool is_handshake_complete() const noexcept { return conn_.is_handshake_complete(); }
    /// The peer sent close_notify.
    bool peer_closed() const noexcept { return conn_.peer_closed(); }
    /// What was agreed (Connection::negotiated()).
    const tls12::NegotiatedParameters& negotiated() const noexcept { return conn_.negotiated(); }
    /// The timeouts this stream runs with.
    const StreamOptions& options() const noexcept { return options_; }
    /// The peer's address, e.g. "127.0.0.1:443" (Socket::peer_address()).
    std::string peer_address() const { return socket_.peer_address(); }

    /// The engine, for callers that need more than the blocking API (e.g. shrink_to_fit()).
    tls12::Connection& connection() noexcept { return conn_; }
    /// The socket, for callers that need more than the blocking API (e.g. poll on it).
    Socket& socket() noexcept { return socket_; }

  private:
    using Deadline = std::optional<std::chrono::steady_clock::time_point>;
    static Deadline deadline_after(milliseconds timeout);
    // Time left until deadline, for the Socket calls; throws TimeoutError when none is left.
    static milliseconds remaining(const Deadline& deadline, const char* what, milliseconds total);

    // Pushes everything the engine has queued to the socket.
    void flush(const Deadline& deadline, const char* what, milliseconds total);
    // Waits for bytes and feeds them to the engine. False on TCP EOF.
    bool fill(const Deadline& deadline, const char* what, milliseconds total);
    // Throws TlsError for the engine's recorded failure after sending its fatal alert.
    [[noreturn]] void fail(tls12::Error error);
    // Delivers the close_notify the engine owes the peer, then throws PeerClosedError.
    [[noreturn]] void fail_peer_closed();
    void check_failed();

    Socket socket_;
    tls12::Connection conn_;
    StreamOptions options_;
    bool closed_ = false;
};

/// TCP connect + TLS handshake + certificate verification against config->verifier.
/// server_name (default: host) is sent as SNI and matched against the certificate. Sessions are
/// cached per server name and address, so a later connect_tls() to the same server resumes.
/// Throws what Socket::connect() and Stream::handshake() throw.
Stream connect_tls(const std::string& host, uint16_t port,
                   std::shared_ptr<const tls12::ClientConfig> config, StreamOptions options = {},
                   std::string server_name = {});

/// A Listener that hands out server Streams. accept() returns as soon as TCP is accepted: the
/// handshake runs on the stream's first handshake()/read()/write(), in whatever thread owns it.
class TlsListener {
  public:
    /// Listens on host:port (as Listener does); every accepted stream shares config.
    TlsListener(const std::string& host, uint16_t port,
                std::shared_ptr<const tls12::ServerConfig> config, StreamOptions options = {});

    /// Waits for a TCP connection (as Listener::accept() does) and wraps it in a server Stream.
    Stream accept(milliseconds timeout = no_timeout);
    /// The port listened on.
    uint16_t port() const noexcept { return listener_.port(); }
    /// The address listened on, e.g. "127.0.0.1:8443".
    std::string address() const { return listener_.address(); }
    /// Interrupts accept() (it throws ClosedError); thread- and signal-safe.
    void close() noexcept { listener_.close(); }
    /// The TCP listener underneath.
    Listener& listener() noexcept { return listener_; }

  private:
    Listener listener_;
    std::shared_ptr<const tls12::ServerConfig> config_;
    StreamOptions options_;
};

}  // namespace tls12::net
#pragma GCC visibility pop
