/// @file
/// A non-blocking TLS connection over a POSIX socket, for any event loop (epoll, poll, kqueue,
/// libuv, ...): the loop asks which readiness to wait for (wants_read(), wants_write()) and until
/// when (deadline()), and calls on_readable(), on_writable() or on_deadline() when it comes. The
/// stream never blocks and never waits: each call moves what the socket and the engine allow
/// now, and returns. The blocking net::Stream is the same engine behind a loop of its own.
///
///     net::NonblockingStream s(std::move(socket), tls12::Connection::server(config));
///     // register s.fd() for s.wants_read() / s.wants_write(), wake at s.deadline(), then:
///     auto events = s.on_readable();
///     if (s.available() > 0) { auto data = s.received_data(); ... s.consume_received(n); }
///     s.write(reply);          // queued and sent as far as the socket takes it
///     if (s.closed()) ...      // remove it from the loop and destroy it (closes the socket)
///
/// Backpressure: a stream stops wanting to read while more than max_pending_output bytes wait
/// to go to the peer (a peer that sends without reading our replies stalls itself) or more than
/// max_unread_input decrypted bytes wait for the application. Idle streams release their
/// buffers (tls12::Connection::shrink_to_fit()) whenever nothing is in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <tls12/net/socket.h>
#include <tls12/tls/connection.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::net {

/// Limits of a NonblockingStream: timeouts and backpressure marks.
struct NonblockingOptions {
    /// The whole handshake, from the stream's creation to Finished; no_timeout: no limit.
    milliseconds handshake_timeout{10'000};
    /// An established stream with no byte in either direction for this long is closed (with
    /// close_notify); no_timeout: never.
    milliseconds idle_timeout = no_timeout;
    /// After close(): how long to wait for the peer's close_notify or TCP close, reading (and
    /// discarding) what it still sends so the socket ends with FIN rather than RST.
    milliseconds close_timeout{5'000};
    /// Stop reading from the socket while more than this many bytes wait to be sent to the peer.
    size_t max_pending_output = size_t{256} * 1024;
    /// Stop reading from the socket while more than this many decrypted bytes wait for
    /// received_data()/read().
    size_t max_unread_input = size_t{256} * 1024;
    /// Release the engine's buffers once nothing has been in flight for shrink_delay (about
    /// 1.7 KiB per idle connection instead of tens of KiB).
    bool shrink_when_idle = true;
    /// How long a stream stays quiet before its buffers go: a busy stream (a bulk transfer, a
    /// request every few milliseconds) keeps them instead of freeing and reallocating them for
    /// every exchange. Zero: at once. The release is due at deadline().
    milliseconds shrink_delay{100};
};

/// Why a NonblockingStream ended (or none while it is open).
enum class CloseReason : uint8_t {
    none,               ///< still open
    clean,              ///< close_notify from the peer, or ours answered by the peer's close
    truncated,          ///< the peer closed TCP without close_notify after the handshake
    eof_in_handshake,   ///< the peer closed TCP before the handshake completed
    reset,              ///< the socket failed (connection reset, broken pipe, ...)
    tls_error,          ///< a fatal alert was sent or received: error() says which and why
    handshake_timeout,  ///< NonblockingOptions::handshake_timeout passed
    idle_timeout,       ///< NonblockingOptions::idle_timeout passed (close_notify was sent)
    close_timeout,      ///< after close(), the peer did not close within close_timeout
    aborted,            ///< abort() was called
};

/// "clean", "truncated", "handshake timeout", ...
std::string to_string(CloseReason reason);

/// What a call into a NonblockingStream brought about (a bit set).
enum class StreamEvents : uint8_t {
    none = 0,                ///< nothing new
    handshake_complete = 1,  ///< the handshake completed during this call
    data = 2,                ///< application data is available (available() > 0)
    drained = 4,             ///< pending output fell back under max_pending_output
    closed = 8,              ///< the stream ended during this call: close_reason()
};
/// Union of two event sets.
constexpr StreamEvents operator|(StreamEvents a, StreamEvents b) noexcept {
    return static_cast<StreamEvents>(static_cast<uint8_t>(a) | static_cast<uint8_t>(b));
}
/// True when `events` contains `flag`.
constexpr bool has(StreamEvents events, StreamEvents flag) noexcept {
    return (static_cast<uint8_t>(events) & static_cast<uint8_t>(flag)) != 0;
}

/// A tls12::Connection over a non-blocking socket, driven by readiness callbacks. Not
/// thread-safe: one loop (thread) drives it.
class NonblockingStream {
  public:
    /// The clock deadlines are expressed in.
    using Clock = std::chrono::steady_clock;
    /// A point on Clock.
    using TimePoint = Clock::time_point;

    /// Takes the socket (switched to O_NONBLOCK) and the engine. The handshake deadline starts
    /// at `now`. A client engine's first flight is sent by the first on_writable() (or at once
    /// when the socket takes it: see flush()).
    NonblockingStream(Socket socket, tls12::Connection connection, NonblockingOptions options = {},
                      TimePoint now = Clock::now());
    /// Closes the socket (without close_notify: call close() and drive the stream to closed()
    /// for a clean shutdown).
    ~NonblockingStream() = default;
    /// Movable, not copyable.
    NonblockingStream(NonblockingStream&&) noexcept = default;
    /// Movable, not copyable.
    NonblockingStream& operator=(NonblockingStream&&) noexcept = default;

    // ---- for the event loop ----

    /// The socket to watch.
    int fd() const noexcept { return socket_.fd(); }
    /// Wait for readability (false while backpressure holds reading, and once closed).
    bool wants_read() const noexcept;
    /// Wait for writability: bytes for the peer are waiting and the socket refused them.
    bool wants_write() const noexcept;
    /// When on_deadline() must be called: the handshake, idle or close timeout, or releasing the
    /// buffers of a quiet stream (nullopt: none).
    std::optional<TimePoint> deadline() const noexcept;

    /// The socket is readable: receives what it holds (up to a fair budget per call), feeds the
    /// engine and sends what the engine answers.
    StreamEvents on_readable(TimePoint now = Clock::now());
    /// The socket is writable: sends pending output.
    StreamEvents on_writable(TimePoint now = Clock::now());
    /// Releases a quiet stream's buffers, and ends the stream if its timeout has passed (else
    /// does nothing).
    StreamEvents on_deadline(TimePoint now = Clock::now());

    // ---- for the application ----

    /// Decrypted application data waiting to be read.
    size_t available() const noexcept { return conn_.available(); }
    /// The waiting data, in place (valid until the next call on the stream).
    ByteView received_data() const noexcept { return conn_.received_data(); }
    /// Marks n bytes of received_data() as read.
    void consume_received(size_t n);
    /// Copies up to out.size() bytes of received data into out; returns how many.
    size_t read(std::span<uint8_t> out);

    /// Queues data for the peer (sealed now, or after the handshake) and sends what the socket
    /// takes. Fails (with the engine's error) once the stream failed or was closed, or the peer
    /// sent close_notify. Never blocks: check can_write() to respect backpressure.
    Status write(ByteView data);
    /// write() for text.
    Status write(std::string_view text);
    /// False while more than max_pending_output bytes wait for the peer (StreamEvents::drained
    /// says when that ends).
    bool can_write() const noexcept;
    /// Bytes queued for the peer and not yet taken by the socket.
    size_t pending_output() const noexcept { return conn_.pending_output().size(); }

    /// Graceful close: queues close_notify, sends it, shuts down our sending side and waits
    /// (reading and discarding) for the peer to close, at most close_timeout. Returns the events
    /// of the flush (closed when it all ended at once).
    StreamEvents close(TimePoint now = Clock::now());
    /// Ends the stream now, for `reason` (unless it had already ended); the socket is released
    /// by the destructor.
    void abort(CloseReason reason = CloseReason::aborted) noexcept;

    /// The stream has ended: remove it from the loop and destroy it.
    bool closed() const noexcept { return reason_ != CloseReason::none; }
    /// Why it ended.
    CloseReason close_reason() const noexcept { return reason_; }
    /// The socket error text when close_reason() is reset.
    const std::string& socket_error() const noexcept { return socket_error_; }
    /// The engine's error (alert and reason) when there was one.
    const tls12::Error* error() const noexcept { return conn_.error(); }
    /// close() was called (or the stream is closing after an idle timeout).
    bool closing() const noexcept { return closing_; }

    /// The handshake completed.
    bool is_handshake_complete() const noexcept { return conn_.is_handshake_complete(); }
    /// The peer sent close_notify.
    bool peer_closed() const noexcept { return conn_.peer_closed(); }
    /// What was negotiated.
    const tls12::NegotiatedParameters& negotiated() const noexcept { return conn_.negotiated(); }
    /// "127.0.0.1:443", read when the stream was created.
    std::string peer_address() const { return socket_.peer_address(); }
    /// Bytes received from and sent to the socket (TLS records, not application data).
    uint64_t bytes_received() const noexcept { return bytes_in_; }
    /// Bytes sent to the socket.
    uint64_t bytes_sent() const noexcept { return bytes_out_; }

    /// The engine, for what this API does not cover.
    tls12::Connection& connection() noexcept { return conn_; }
    /// The engine, read-only.
    const tls12::Connection& connection() const noexcept { return conn_; }
    /// The options the stream was created with.
    const NonblockingOptions& options() const noexcept { return options_; }

  private:
    // Sends what the engine has queued until the socket refuses (EAGAIN) or it is all gone.
    StreamEvents flush(TimePoint now);
    // Closes after a socket failure, a TCP EOF or an engine failure; returns closed.
    StreamEvents end(CloseReason reason);
    // Once every byte is out: shut down our side after close_notify, end after a fatal alert.
    StreamEvents after_flush(TimePoint now);
    void maybe_shrink() noexcept;

    Socket socket_;
    tls12::Connection conn_;
    NonblockingOptions options_;
    TimePoint started_;
    TimePoint last_activity_;
    TimePoint close_started_{};
    uint64_t bytes_in_ = 0;
    uint64_t bytes_out_ = 0;
    std::string socket_error_;
    CloseReason reason_ = CloseReason::none;
    bool closing_ = false;
    bool write_shut_ = false;
    bool was_over_mark_ = false;
    bool shrunk_ = false;
    bool quiet_ = false;  // idle, buffers not released yet: due at last_activity_ + shrink_delay
};

}  // namespace tls12::net
#pragma GCC visibility pop
