/// @file
/// A small epoll TLS server: one event loop per core over one shared listening socket, each
/// connection a NonblockingStream (handshake, idle and close timeouts, backpressure, idle
/// buffers released), the application a ConnectionHandler per connection, and a graceful stop
/// that sends close_notify to every peer.
///
///     struct Echo : net::ConnectionHandler {
///         void on_data(net::NonblockingStream& s) override {
///             (void)s.write(s.received_data());
///             s.consume_received(s.available());
///         }
///     };
///     net::Server server("127.0.0.1", 8443, config,
///                        [](const net::Accepted&) { return std::make_unique<Echo>(); });
///     server.run();  // until server.stop() (thread- and signal-safe)
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <tls12/net/nonblocking_stream.h>
#include <tls12/net/socket.h>
#include <tls12/tls/config.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::net {

/// The application's side of one connection; its callbacks run on the connection's loop thread.
class ConnectionHandler {
  public:
    /// Virtual: the server owns handlers through this base.
    virtual ~ConnectionHandler() = default;
    /// The handshake completed (negotiated() is filled in).
    virtual void on_handshake(NonblockingStream& stream);
    /// Application data is available: read it (received_data()/consume_received() or read())
    /// and write() answers. Data left unread stays available; reading from the socket pauses
    /// while more than max_unread_input waits.
    virtual void on_data(NonblockingStream& stream);
    /// Output that had grown past max_pending_output was taken by the peer: write more.
    virtual void on_drained(NonblockingStream& stream);
    /// The connection ended: close_reason(), error(); the stream is destroyed afterwards.
    virtual void on_close(NonblockingStream& stream);
};

/// A connection the listener accepted.
struct Accepted {
    uint64_t id = 0;   ///< 1, 2, 3, ... in accept order, across loops, refused ones included
    std::string peer;  ///< "127.0.0.1:50312"
};

/// Makes the handler of a newly accepted connection.
using HandlerFactory = std::function<std::unique_ptr<ConnectionHandler>(const Accepted&)>;

/// How a Server runs.
struct ServerOptions {
    /// Event loops (threads), each serving its share of the connections; 0: one per core.
    size_t loops = 0;
    /// Connections served at once, all loops together; further ones are accepted and closed at
    /// once (on_refused says so). Bounded in practice by the descriptor limit: see
    /// raise_open_file_limit().
    size_t max_connections = 65'536;
    /// Timeouts and backpressure of every connection.
    NonblockingOptions connection;
    /// stop(): how long the loops wait for peers to answer close_notify before cutting the
    /// remaining connections.
    milliseconds shutdown_timeout{3'000};
    /// listen() backlog.
    int backlog = 4096;
    /// Told about each connection refused over max_connections (runs on a loop thread).
    std::function<void(const Accepted&, size_t open)> on_refused;
    /// Told about failures that do not stop the server (e.g. out of descriptors: accepting then
    /// pauses for 100 ms). Runs on a loop thread.
    std::function<void(const std::string& what)> on_error;
    /// Called about every tick_interval on the first loop's thread (e.g. to reload a ticket key
    /// file: TicketKeys::reload()).
    std::function<void()> on_tick;
    /// How often on_tick runs.
    milliseconds tick_interval{1'000};
    /// Every tick_interval, each loop returns the heap pages freed since (glibc malloc_trim()):
    /// handshakes allocate and free tens of KiB each, and without it the freed pages between
    /// the small blocks of idle connections stay in the process's RSS.
    bool trim_memory = true;
};

/// The epoll server. Construction binds and listens (port 0 picks a free port); run() serves.
class Server {
  public:
    /// Binds host:port (as Listener does); throws net::Error when it cannot.
    Server(const std::string& host, uint16_t port,
           std::shared_ptr<const tls12::ServerConfig> config, HandlerFactory factory,
           ServerOptions options = {});
    /// Stops and joins the loops if run() is still going in another thread.
    ~Server();
    /// Not copyable.
    Server(const Server&) = delete;
    /// Not copyable.
    Server& operator=(const Server&) = delete;

    /// The bound port.
    uint16_t port() const noexcept;
    /// "127.0.0.1:8443"
    std::string address() const;

    /// Serves until stop(): the calling thread runs the first loop, the others get threads of
    /// their own. Returns once every loop has shut down (connections closed).
    void run();
    /// Starts the graceful shutdown: accepting stops, every connection gets close_notify, and
    /// run() returns when the peers have closed or shutdown_timeout passed. Thread-safe and
    /// async-signal-safe (an atomic store and eventfd writes).
    void stop() noexcept;

    /// Connections open now, all loops together.
    size_t connections() const noexcept;

  private:
    struct Loop;
    std::shared_ptr<const tls12::ServerConfig> config_;
    HandlerFactory factory_;
    ServerOptions options_;
    Listener listener_;
    std::vector<std::unique_ptr<Loop>> loops_;
    std::atomic<size_t> open_{0};
    std::atomic<uint64_t> next_id_{1};
    std::atomic<bool> stopping_{false};
};

/// Raises this process's soft RLIMIT_NOFILE to its hard limit (a server holding 10,000
/// connections needs more descriptors than the usual 1,024); returns the soft limit now in force.
size_t raise_open_file_limit() noexcept;

}  // namespace tls12::net
#pragma GCC visibility pop
