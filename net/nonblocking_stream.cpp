#include <tls12/net/nonblocking_stream.h>

#include <fcntl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

namespace tls12::net {
namespace {

// One full TLS record (16 KiB plaintext + expansion) fits in one recv().
constexpr size_t kRecvBuffer = 16 * 1024 + 2048;
// recv() calls per on_readable(): a fast sender cannot starve the loop's other streams.
constexpr int kReadsPerEvent = 4;

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        throw Error(std::string("fcntl(O_NONBLOCK): ") + std::strerror(errno));
}

}  // namespace

std::string to_string(CloseReason reason) {
    switch (reason) {
        case CloseReason::none:
            return "open";
        case CloseReason::clean:
            return "clean close";
        case CloseReason::truncated:
            return "truncated (TCP closed without close_notify)";
        case CloseReason::eof_in_handshake:
            return "peer closed the connection during the TLS handshake";
        case CloseReason::reset:
            return "connection reset";
        case CloseReason::tls_error:
            return "TLS error";
        case CloseReason::handshake_timeout:
            return "handshake timeout";
        case CloseReason::idle_timeout:
            return "idle timeout";
        case CloseReason::close_timeout:
            return "close timeout";
        case CloseReason::aborted:
            return "aborted";
        default:
            return "unknown";
    }
}

NonblockingStream::NonblockingStream(Socket socket, tls12::Connection connection,
                                     NonblockingOptions options, TimePoint now)
    : socket_(std::move(socket)),
      conn_(std::move(connection)),
      options_(options),
      started_(now),
      last_activity_(now) {
    if (!socket_.valid()) throw Error("NonblockingStream: no socket");
    set_nonblocking(socket_.fd());
    // A client's ClientHello (or a config the engine refused) is there already.
    if (conn_.failed()) {
        (void)flush(now);
        if (!closed()) end(CloseReason::tls_error);
    }
}

bool NonblockingStream::wants_read() const noexcept {
    if (closed()) return false;
    if (closing_) return true;  // to see the peer's close, whatever it still sends
    return conn_.pending_output().size() <= options_.max_pending_output &&
           conn_.available() <= options_.max_unread_input;
}

bool NonblockingStream::wants_write() const noexcept {
    return !closed() && !conn_.pending_output().empty();
}

bool NonblockingStream::can_write() const noexcept {
    return !closed() && !closing_ && conn_.pending_output().size() <= options_.max_pending_output;
}

std::optional<NonblockingStream::TimePoint> NonblockingStream::deadline() const noexcept {
    if (closed()) return std::nullopt;
    if (closing_) return close_started_ + options_.close_timeout;
    if (!conn_.is_handshake_complete()) {
        if (options_.handshake_timeout <= milliseconds::zero()) return std::nullopt;
        return started_ + options_.handshake_timeout;
    }
    std::optional<TimePoint> due;
    if (options_.idle_timeout > milliseconds::zero()) due = last_activity_ + options_.idle_timeout;
    if (quiet_ && !shrunk_) {
        const TimePoint release = last_activity_ + options_.shrink_delay;
        if (!due || release < *due) due = release;
    }
    return due;
}

StreamEvents NonblockingStream::end(CloseReason reason) {
    if (reason_ == CloseReason::none) reason_ = reason;
    return StreamEvents::closed;
}

StreamEvents NonblockingStream::on_readable(TimePoint now) {
    if (closed()) return StreamEvents::none;
    const bool was_complete = conn_.is_handshake_complete();
    StreamEvents events = StreamEvents::none;
    std::array<uint8_t, kRecvBuffer> buffer;
    for (int i = 0; i < kReadsPerEvent && wants_read(); ++i) {
        const ssize_t n = ::recv(socket_.fd(), buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            socket_error_ = std::strerror(errno);
            return end(CloseReason::reset);
        }
        if (n == 0) {
            // TCP EOF: what it means depends on what came before it.
            (void)flush(now);
            if (closed()) return StreamEvents::closed;
            if (conn_.peer_closed() || closing_) return end(CloseReason::clean);
            return end(conn_.is_handshake_complete() ? CloseReason::truncated
                                                     : CloseReason::eof_in_handshake);
        }
        bytes_in_ += static_cast<size_t>(n);
        last_activity_ = now;
        shrunk_ = false;
        const Status status = conn_.feed(ByteView(buffer.data(), static_cast<size_t>(n)));
        if (closing_) consume_received(conn_.available());  // nobody reads any more
        if (!status.ok()) {
            (void)flush(now);  // the fatal alert, as far as the socket takes it
            return end(CloseReason::tls_error);
        }
        if (conn_.peer_closed()) {
            // TLS 1.3's close_notify closes the peer's side only (RFC 8446 6.1); this stream ends
            // with it, as under TLS 1.2 (where the engine answers at once), so it answers too.
            if (!conn_.local_closed()) conn_.close();
            break;
        }
        if (static_cast<size_t>(n) < buffer.size()) break;  // the socket is most likely empty
    }
    if (!was_complete && conn_.is_handshake_complete())
        events = events | StreamEvents::handshake_complete;
    if (conn_.available() > 0) events = events | StreamEvents::data;
    events = events | flush(now);
    maybe_shrink();
    return events;
}

StreamEvents NonblockingStream::on_writable(TimePoint now) {
    if (closed()) return StreamEvents::none;
    const StreamEvents events = flush(now);
    maybe_shrink();
    return events;
}

StreamEvents NonblockingStream::on_deadline(TimePoint now) {
    if (quiet_ && !shrunk_ && now >= last_activity_ + options_.shrink_delay) {
        conn_.shrink_to_fit();
        shrunk_ = true;
        quiet_ = false;
    }
    const auto due = deadline();
    if (!due || now < *due) return StreamEvents::none;
    if (closing_) return end(CloseReason::close_timeout);
    if (!conn_.is_handshake_complete()) return end(CloseReason::handshake_timeout);
    // Idle: say goodbye properly (close_notify), but do not wait for the answer.
    conn_.close();
    (void)flush(now);
    return end(CloseReason::idle_timeout);
}

StreamEvents NonblockingStream::flush(TimePoint now) {
    for (;;) {
        const ByteView out = conn_.pending_output();
        if (out.empty()) break;
        const ssize_t n = ::send(socket_.fd(), out.data(), out.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            socket_error_ = std::strerror(errno);
            return end(CloseReason::reset);
        }
        conn_.consume_output(static_cast<size_t>(n));
        bytes_out_ += static_cast<size_t>(n);
        last_activity_ = now;
    }
    StreamEvents events = StreamEvents::none;
    if (was_over_mark_ && conn_.pending_output().size() <= options_.max_pending_output) {
        was_over_mark_ = false;
        events = StreamEvents::drained;
    }
    return events | after_flush(now);
}

StreamEvents NonblockingStream::after_flush(TimePoint) {
    if (!conn_.pending_output().empty()) return StreamEvents::none;
    if (conn_.failed()) return end(CloseReason::tls_error);  // the fatal alert is out
    if (conn_.local_closed() && !write_shut_) {
        // close_notify is out (ours, or the engine's answer to the peer's): nothing follows it.
        ::shutdown(socket_.fd(), SHUT_WR);
        write_shut_ = true;
    }
    if (conn_.peer_closed()) return end(CloseReason::clean);
    return StreamEvents::none;
}

void NonblockingStream::maybe_shrink() noexcept {
    quiet_ = false;
    if (!options_.shrink_when_idle || shrunk_ || closed() || !conn_.is_handshake_complete() ||
        conn_.available() > 0 || !conn_.pending_output().empty())
        return;
    if (options_.shrink_delay > milliseconds::zero()) {
        quiet_ = true;  // released at deadline() unless traffic comes first
        return;
    }
    conn_.shrink_to_fit();
    shrunk_ = true;
}

// The application taking the last received byte is when a stream usually falls idle (an echo
// or a request/response answered): release its buffers then.
void NonblockingStream::consume_received(size_t n) {
    conn_.consume_received(n);
    maybe_shrink();
}

size_t NonblockingStream::read(std::span<uint8_t> out) {
    const size_t n = conn_.receive(out);
    maybe_shrink();
    return n;
}

Status NonblockingStream::write(ByteView data) {
    if (closed() || closing_) {
        if (conn_.error()) return *conn_.error();
        return make_error(AlertDescription::internal_error, "write on a closed stream");
    }
    TLS_TRY(conn_.send(data));
    shrunk_ = false;
    (void)flush(Clock::now());
    if (conn_.pending_output().size() > options_.max_pending_output) was_over_mark_ = true;
    maybe_shrink();
    return Status::success();
}

Status NonblockingStream::write(std::string_view text) {
    return write(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

StreamEvents NonblockingStream::close(TimePoint now) {
    if (closed() || closing_) return StreamEvents::none;
    closing_ = true;
    close_started_ = now;
    conn_.close();
    // Whatever the application left unread will never be read now.
    consume_received(conn_.available());
    return flush(now);
}

void NonblockingStream::abort(CloseReason reason) noexcept {
    (void)end(reason);
}

}  // namespace tls12::net
