/// \file
/// Blocking TCP sockets with timeouts: Socket and Listener.
///
/// An RAII Socket and a Listener whose accept() can be interrupted from another thread (or a signal
/// handler) for a clean shutdown. Every wait is a poll() against a deadline, every system call is
/// retried on EINTR, and every failure is a net::Error naming the operation, the address and the
/// errno text.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include <tls12/net/error.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::net {

using std::chrono::milliseconds;

/// A timeout of zero (or less) means "wait as long as it takes".
inline constexpr milliseconds no_timeout{0};

/// An owned socket descriptor (closed by the destructor) with blocking, timed operations.
class Socket {
  public:
    /// No socket (valid() is false).
    Socket() noexcept = default;
    /// Takes ownership of fd.
    explicit Socket(int fd) noexcept : fd_(fd) {}
    /// Closes the descriptor.
    ~Socket();
    /// Takes over other's descriptor; other is left without one.
    Socket(Socket&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)), peer_(std::move(other.peer_)) {}
    /// Closes ours, then takes over other's descriptor.
    Socket& operator=(Socket&& other) noexcept;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    /// Resolves host (name, IPv4 or IPv6 literal) and connects to the first address that
    /// answers. Each address gets `timeout` to connect (non-blocking connect + poll). Throws
    /// net::Error listing every address tried and why it failed (TimeoutError when all of them
    /// timed out).
    static Socket connect(const std::string& host, uint16_t port,
                          milliseconds timeout = no_timeout);

    /// A connected pair of local stream sockets (AF_UNIX), for tests and in-process plumbing.
    static std::pair<Socket, Socket> pair();

    /// True while a descriptor is owned.
    bool valid() const noexcept { return fd_ >= 0; }
    /// The descriptor (-1 when none), e.g. to poll() on; still owned by the Socket.
    int fd() const noexcept { return fd_; }
    /// Gives up ownership of the descriptor and returns it.
    int release() noexcept { return std::exchange(fd_, -1); }
    /// Closes the descriptor now (valid() becomes false).
    void close() noexcept;

    /// Sends every byte (partial writes and EINTR handled, no SIGPIPE). Throws net::Error when
    /// the peer is gone, TimeoutError when `timeout` passes before everything is sent.
    void send_all(std::span<const uint8_t> data, milliseconds timeout = no_timeout);
    /// Receives at most out.size() bytes, waiting up to `timeout` for the first one.
    /// Returns 0 on an orderly EOF from the peer; throws TimeoutError or net::Error.
    size_t recv(std::span<uint8_t> out, milliseconds timeout = no_timeout);
    /// Waits until the socket is readable (data or EOF); false when the timeout passed first.
    bool wait_readable(milliseconds timeout);

    /// Half-close: the peer reads EOF; we can still receive. Ignores "not connected".
    void shutdown_write() noexcept;
    /// TCP_NODELAY: TLS writes whole records, so Nagle only adds latency. Throws on failure.
    void set_nodelay(bool on = true);

    /// The peer's address: "127.0.0.1:443" / "[::1]:443"; "?" when unknown (e.g. AF_UNIX). Still
    /// known after the peer reset the connection when the socket came from connect() or
    /// Listener::accept().
    std::string peer_address() const;
    /// Our own address, in the same form.
    std::string local_address() const;

  private:
    friend class Listener;  // accept() records the peer's address
    int fd_ = -1;
    // The peer as connect()/accept() saw it: getpeername() fails once the peer has reset the
    // connection, which is when an error message needs the address most.
    std::string peer_;
};

/// A listening TCP socket whose accept() can be interrupted for a clean shutdown.
class Listener {
  public:
    /// Binds host:port (a name, an IPv4/IPv6 literal, "" for every IPv4 address or "::" for every
    /// IPv4 and IPv6 address) with SO_REUSEADDR and listens. Port 0 picks a free port: port()
    /// reports it. Throws net::Error.
    Listener(const std::string& host, uint16_t port, int backlog = 128);
    /// Closes the listening socket.
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// The port listened on (the one picked when 0 was asked for).
    uint16_t port() const noexcept { return port_; }
    /// The address listened on, e.g. "127.0.0.1:8443".
    std::string address() const;

    /// Waits for a connection. Throws TimeoutError when `timeout` passes, ClosedError once
    /// close() was called, net::Error on other failures. Transient errors (EINTR, ECONNABORTED,
    /// a connection reset before accept) are retried.
    Socket accept(milliseconds timeout = no_timeout);

    /// Wakes every blocked accept() (which then throws ClosedError) and refuses future ones.
    /// Safe to call from another thread and from a signal handler (an atomic store and a write()
    /// to a self-pipe). The descriptors themselves are released by the destructor.
    void close() noexcept;
    /// True once close() was called.
    bool closed() const noexcept { return closed_.load(); }
    /// The listening socket, for an event loop that accepts on its own (net::Server).
    int fd() const noexcept { return fd_; }

  private:
    int fd_ = -1;
    int wake_read_ = -1;
    int wake_write_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> closed_{false};
};

}  // namespace tls12::net
#pragma GCC visibility pop
