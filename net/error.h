/// \file
/// Exceptions thrown by the blocking socket layer. net::Error is a socket-level failure (resolve,
/// connect, send, recv, timeouts); net::TlsError carries the tls12::Error (alert + reason) that
/// ended a TLS connection. Both are std::runtime_error, and TlsError is a net::Error, so one
/// `catch (const net::Error&)` handles everything a Stream can throw.
#pragma once

#include <stdexcept>
#include <string>

#include <tls12/tls/error.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

/// POSIX sockets and the blocking TLS stream over the engine: connect_tls(), TlsListener, Stream.
namespace tls12::net {

/// A socket-level failure (resolve, connect, send, recv); the base of every exception of the
/// layer. The message names the operation, the address and the errno text.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A connect, handshake, read or write did not finish within its timeout.
class TimeoutError : public Error {
  public:
    using Error::Error;
};

/// Listener::accept() after Listener::close(): the listener was shut down on purpose.
class ClosedError : public Error {
  public:
    using Error::Error;
};

/// The TLS engine failed: a fatal alert was sent or received. error() says which alert and why.
class TlsError : public Error {
  public:
    /// Wraps the engine's error; what() is "tls: " + error.message().
    explicit TlsError(tls12::Error error)
        : Error("tls: " + error.message()), error_(std::move(error)) {}
    /// The engine's error.
    const tls12::Error& error() const noexcept { return error_; }
    /// The fatal alert sent or received.
    tls12::AlertDescription alert() const noexcept { return error_.alert; }
    /// Whether we sent the alert, the peer sent it, or the call was refused locally.
    tls12::ErrorKind kind() const noexcept { return error_.kind; }
    /// Why, e.g. "no cipher suite in common".
    const std::string& reason() const noexcept { return error_.reason; }

  private:
    tls12::Error error_;
};

/// write() after the peer sent close_notify: its side of the stream ended cleanly, and TLS 1.2
/// closes ours with it (RFC 5246 7.2.1: the close_notify is answered at once), so the data could
/// not be sent. Not a failure of the connection; whether the lost data matters is the
/// application's call.
class PeerClosedError : public Error {
  public:
    using Error::Error;
};

/// The peer closed TCP without sending close_notify (after the handshake): the data received may
/// have been cut short by an attacker, so this is an error, never a clean end of stream.
class TruncationError : public Error {
  public:
    using Error::Error;
};

}  // namespace tls12::net
#pragma GCC visibility pop
