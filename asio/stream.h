/// @file
/// tls12 for standalone Asio (Debian's libasio-dev): tls12::asio::Stream<NextLayer> is shaped
/// like asio::ssl::stream<NextLayer>: handshake, read_some, write_some and shutdown, each
/// synchronous (throwing or with an error_code) and asynchronous with any completion token
/// (callbacks, asio::use_awaitable for C++20 coroutines, asio::use_future, ...). It models
/// AsyncReadStream and AsyncWriteStream, so asio::async_read, asio::async_write and
/// asio::async_read_until work on it. The TLS engine is a tls12::Connection; its role (client or
/// server) decides the handshake.
///
///     tls12::asio::Stream<asio::ip::tcp::socket> tls(
///         std::move(socket), tls12::Connection::client(config, "example.com"));
///     co_await tls.async_handshake(tls12::asio::handshake_type::client, asio::use_awaitable);
///     co_await asio::async_write(tls, asio::buffer(request), asio::use_awaitable);
///     size_t n = co_await tls.async_read_some(asio::buffer(reply), asio::use_awaitable);
///     co_await tls.async_shutdown(asio::use_awaitable);
///
/// Errors: the next layer's errors as they come; asio::error::eof from a read once the peer sent
/// close_notify (a clean end, as asio::ssl reports it); tls12::asio::error::stream_truncated when
/// TCP ends without close_notify; a TLS failure as an error_code of tls12::asio::alert_category()
/// whose value is the alert, with the readable reason in connection().error().
///
/// Like asio::ssl::stream, one read operation and one write operation may be outstanding at a
/// time (a reader and a writer coroutine), on one strand; the handshake and the shutdown run
/// alone.
#pragma once

#include <asio.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <tls12/tls/connection.h>

// The public API (header-only: nothing of it is compiled into libtls12).
#pragma GCC visibility push(default)

namespace tls12::asio {

/// Which side a handshake is for (checked against the Connection's own role).
enum class handshake_type { client, server };

/// Errors of the adapter itself (category error_category()).
namespace error {
/// Values of tls12::asio::error_category().
enum stream_errors {
    /// The peer closed TCP without close_notify: the data may have been cut short.
    stream_truncated = 1,
    /// The handshake_type given does not match the Connection's role.
    wrong_role = 2,
    /// write_some() or the handshake after the peer sent close_notify or the stream failed.
    stream_closed = 3,
};
}  // namespace error

/// The category of tls12::asio::error values.
inline const std::error_category& error_category() {
    struct Category : std::error_category {
        const char* name() const noexcept override { return "tls12.asio"; }
        std::string message(int value) const override {
            switch (value) {
                case error::stream_truncated:
                    return "stream truncated (TCP closed without close_notify)";
                case error::wrong_role:
                    return "handshake type does not match the connection's role";
                case error::stream_closed:
                    return "the TLS stream is closed";
                default:
                    return "tls12.asio error " + std::to_string(value);
            }
        }
    };
    static const Category category;
    return category;
}

/// TLS failures: the value is the alert sent or received, plus 256 (so close_notify is not 0).
inline const std::error_category& alert_category() {
    struct Category : std::error_category {
        const char* name() const noexcept override { return "tls12.alert"; }
        std::string message(int value) const override {
            return "TLS alert " +
                   tls12::to_string(static_cast<tls12::AlertDescription>(value - 256));
        }
    };
    static const Category category;
    return category;
}

namespace error {
/// An error_code for one of tls12::asio::error's values.
inline std::error_code make_error_code(stream_errors e) {
    return {static_cast<int>(e), error_category()};
}
}  // namespace error
using error::make_error_code;

/// An error_code for a TLS alert (see alert_category()).
inline std::error_code make_error_code(tls12::AlertDescription alert) {
    return {static_cast<int>(alert) + 256, alert_category()};
}

/// The alert of an error_code of alert_category().
inline tls12::AlertDescription alert_of(const std::error_code& ec) {
    return static_cast<tls12::AlertDescription>(ec.value() - 256);
}

/// A TLS stream over NextLayer (e.g. asio::ip::tcp::socket, or a reference to one).
template <class NextLayer>
class Stream {
  public:
    /// The layer below, without reference.
    using next_layer_type = std::remove_reference_t<NextLayer>;
    /// The socket at the bottom.
    using lowest_layer_type = typename next_layer_type::lowest_layer_type;
    /// The executor of the next layer.
    using executor_type = typename next_layer_type::executor_type;

    /// Builds the next layer from `arg` (a socket to move in, or an io_context) and takes the
    /// engine (Connection::client(...) or Connection::server(...)).
    template <class Arg>
    Stream(Arg&& arg, tls12::Connection connection)
        : next_(std::forward<Arg>(arg)), conn_(std::move(connection)) {}

    /// The next layer's executor.
    executor_type get_executor() noexcept { return next_.get_executor(); }
    /// The next layer.
    next_layer_type& next_layer() noexcept { return next_; }
    /// The lowest layer (the socket).
    lowest_layer_type& lowest_layer() noexcept { return next_.lowest_layer(); }
    /// The engine: negotiated(), error() with the reason of a failure, ...
    tls12::Connection& connection() noexcept { return conn_; }
    /// The engine, read-only.
    const tls12::Connection& connection() const noexcept { return conn_; }

    // ---- synchronous ----

    /// Runs the handshake; throws std::system_error.
    void handshake(handshake_type type) {
        std::error_code ec;
        handshake(type, ec);
        throw_if(ec, "handshake");
    }
    /// Runs the handshake; the error in ec.
    void handshake(handshake_type type, std::error_code& ec) {
        ec = check_role(type);
        while (!ec && !conn_.is_handshake_complete()) {
            if ((ec = flush_sync())) break;
            if (conn_.failed())
                ec = failure();
            else if (eof_)
                ec = ::asio::error::eof;
            else if (!conn_.is_handshake_complete())
                ec = fill_sync();
        }
        if (!ec) ec = flush_sync();
    }

    /// Reads some application data; throws std::system_error (asio::error::eof at the end).
    template <class MutableBufferSequence>
    size_t read_some(const MutableBufferSequence& buffers) {
        std::error_code ec;
        const size_t n = read_some(buffers, ec);
        throw_if(ec, "read_some");
        return n;
    }
    /// Reads some application data; the error in ec.
    template <class MutableBufferSequence>
    size_t read_some(const MutableBufferSequence& buffers, std::error_code& ec) {
        ec = {};
        if (::asio::buffer_size(buffers) == 0) return 0;
        for (;;) {
            if (conn_.available() > 0) return deliver(buffers);
            if ((ec = settled_read_error())) {
                (void)flush_sync();
                return 0;
            }
            if ((ec = flush_sync()) || (ec = fill_sync())) return 0;
        }
    }

    /// Writes some of the data (sealed and sent before returning); throws std::system_error.
    template <class ConstBufferSequence>
    size_t write_some(const ConstBufferSequence& buffers) {
        std::error_code ec;
        const size_t n = write_some(buffers, ec);
        throw_if(ec, "write_some");
        return n;
    }
    /// Writes some of the data; the error in ec.
    template <class ConstBufferSequence>
    size_t write_some(const ConstBufferSequence& buffers, std::error_code& ec) {
        size_t n = 0;
        ec = queue(buffers, n);
        if (!ec) ec = flush_sync();
        return ec ? 0 : n;
    }

    /// Sends close_notify and waits for the peer's (or its TCP close); throws std::system_error.
    void shutdown() {
        std::error_code ec;
        shutdown(ec);
        throw_if(ec, "shutdown");
    }
    /// Sends close_notify and waits for the peer's; the error in ec.
    void shutdown(std::error_code& ec) {
        conn_.close();
        ec = flush_sync();
        while (!ec && !conn_.peer_closed() && !conn_.failed() && !eof_) {
            ec = fill_sync();
            conn_.consume_received(conn_.available());
        }
    }

    // ---- asynchronous ----

    /// Runs the handshake. Token signature: void(std::error_code).
    template <class CompletionToken>
    auto async_handshake(handshake_type type, CompletionToken&& token) {
        return ::asio::async_compose<CompletionToken, void(std::error_code)>(
            HandshakeOp{this, check_role(type)}, token, next_);
    }

    /// Reads some application data. Token signature: void(std::error_code, size_t).
    template <class MutableBufferSequence, class CompletionToken>
    auto async_read_some(const MutableBufferSequence& buffers, CompletionToken&& token) {
        return ::asio::async_compose<CompletionToken, void(std::error_code, size_t)>(
            ReadOp<MutableBufferSequence>{this, buffers}, token, next_);
    }

    /// Writes some of the data. Token signature: void(std::error_code, size_t).
    template <class ConstBufferSequence, class CompletionToken>
    auto async_write_some(const ConstBufferSequence& buffers, CompletionToken&& token) {
        return ::asio::async_compose<CompletionToken, void(std::error_code, size_t)>(
            WriteOp<ConstBufferSequence>{this, buffers}, token, next_);
    }

    /// Sends close_notify and waits for the peer's. Token signature: void(std::error_code).
    template <class CompletionToken>
    auto async_shutdown(CompletionToken&& token) {
        return ::asio::async_compose<CompletionToken, void(std::error_code)>(ShutdownOp{this},
                                                                             token, next_);
    }

  private:
    // Largest plaintext write_some() takes at once: four full records.
    static constexpr size_t kWriteChunk = 4 * 16384;
    static constexpr size_t kReadBuffer = 16384 + 2048;

    static void throw_if(const std::error_code& ec, const char* what) {
        if (ec) throw std::system_error(ec, std::string("tls12::asio::Stream::") + what);
    }

    std::error_code check_role(handshake_type type) const {
        const bool client = type == handshake_type::client;
        return client == conn_.is_client() ? std::error_code() : make_error_code(error::wrong_role);
    }

    std::error_code failure() const {
        return make_error_code(conn_.error() ? conn_.error()->alert
                                             : tls12::AlertDescription::internal_error);
    }

    // For a read with nothing to deliver: eof after close_notify, the failure, or none.
    std::error_code settled_read_error() const {
        if (conn_.peer_closed()) return ::asio::error::eof;
        if (conn_.failed()) return failure();
        if (eof_) return make_error_code(error::stream_truncated);
        return {};
    }

    template <class MutableBufferSequence>
    size_t deliver(const MutableBufferSequence& buffers) {
        const tls12::ByteView data = conn_.received_data();
        const size_t n = ::asio::buffer_copy(buffers, ::asio::buffer(data.data(), data.size()));
        conn_.consume_received(n);
        return n;
    }

    // Hands the engine up to kWriteChunk bytes of the buffers.
    template <class ConstBufferSequence>
    std::error_code queue(const ConstBufferSequence& buffers, size_t& queued) {
        queued = 0;
        if (conn_.peer_closed() || conn_.local_closed()) {
            return conn_.failed() ? failure() : make_error_code(error::stream_closed);
        }
        for (auto it = ::asio::buffer_sequence_begin(buffers);
             it != ::asio::buffer_sequence_end(buffers) && queued < kWriteChunk; ++it) {
            const ::asio::const_buffer b(*it);
            const size_t n = std::min(b.size(), kWriteChunk - queued);
            if (n == 0) continue;
            if (!conn_.send(tls12::ByteView(static_cast<const uint8_t*>(b.data()), n)).ok())
                return failure();
            queued += n;
        }
        return {};
    }

    // Feeds what arrived. The next layer's end is remembered (eof_), not returned: what it
    // means (clean after close_notify, a truncation otherwise) is settled_read_error()'s call.
    // A TLS failure shows in conn_.failed(): its alert goes out before anyone reports it.
    std::error_code feed(std::error_code ec, size_t n) {
        if (n > 0) (void)conn_.feed(tls12::ByteView(in_.data(), n));
        if (ec == ::asio::error::eof) {
            eof_ = true;
            return {};
        }
        return ec;
    }

    std::error_code flush_sync() {
        std::error_code ec;
        while (!ec && conn_.wants_write()) {
            const tls12::ByteView out = conn_.pending_output();
            const size_t n = ::asio::write(next_, ::asio::buffer(out.data(), out.size()), ec);
            conn_.consume_output(n);
        }
        return ec;
    }

    std::error_code fill_sync() {
        in_.resize(kReadBuffer);
        std::error_code ec;
        const size_t n = next_.read_some(::asio::buffer(in_), ec);
        return feed(ec, n);
    }

    // The async operations share one loop shape: flush what the engine has queued (one writer
    // at a time: an operation that finds another one writing waits its turn), then read when
    // the goal needs more from the peer. Each starts by posting itself, so none completes inside
    // the call that started it.
    struct OpBase {
        explicit OpBase(Stream* stream) : s(stream) {}
        Stream* s;
        tls12::Bytes out;      // the bytes of the write in flight (taken from the engine)
        bool started = false;  // posted once
        bool writing = false;  // this operation owns the write in flight
        bool reading = false;  // this operation's read is in flight

        template <class Self>
        bool start(Self& self) {
            if (started) return false;
            started = true;
            ::asio::post(s->get_executor(), std::move(self));
            return true;
        }
        // Starts a write of the engine's output, or waits for another writer. True when the
        // operation must return to wait for a completion.
        template <class Self>
        bool flush(Self& self) {
            if (!s->conn_.wants_write()) return false;
            if (s->writing_) {
                ::asio::post(s->get_executor(), std::move(self));  // another op is writing
                return true;
            }
            s->writing_ = writing = true;
            out = s->conn_.take_output();
            ::asio::async_write(s->next_, ::asio::buffer(out), std::move(self));
            return true;
        }
        template <class Self>
        void read(Self& self) {
            s->in_.resize(kReadBuffer);
            reading = true;
            s->next_.async_read_some(::asio::buffer(s->in_), std::move(self));
        }
        // What the completion that woke the operation means: a failed read or write.
        std::error_code settle(std::error_code ec, size_t n) {
            if (writing) {
                writing = s->writing_ = false;
                tls12::Bytes().swap(out);
                return ec;
            }
            if (reading) {
                reading = false;
                return s->feed(ec, n);
            }
            return {};
        }
    };

    struct HandshakeOp : OpBase {
        std::error_code role_error;
        HandshakeOp(Stream* stream, std::error_code e) : OpBase(stream), role_error(e) {}
        template <class Self>
        void operator()(Self& self, std::error_code ec = {}, size_t n = 0) {
            if (this->start(self)) return;
            ec = this->settle(ec, n);
            Stream& st = *this->s;
            if (role_error) return self.complete(role_error);
            if (ec) return self.complete(ec);
            if (this->flush(self)) return;  // our flight, or the fatal alert
            if (st.conn_.failed()) return self.complete(st.failure());
            if (st.conn_.is_handshake_complete()) return self.complete({});
            if (st.eof_) return self.complete(::asio::error::eof);
            this->read(self);
        }
    };

    template <class MutableBufferSequence>
    struct ReadOp : OpBase {
        MutableBufferSequence buffers;
        ReadOp(Stream* stream, const MutableBufferSequence& b) : OpBase(stream), buffers(b) {}
        template <class Self>
        void operator()(Self& self, std::error_code ec = {}, size_t n = 0) {
            if (this->start(self)) return;
            ec = this->settle(ec, n);
            Stream& st = *this->s;
            if (ec) return self.complete(ec, 0);
            if (::asio::buffer_size(buffers) == 0) return self.complete({}, 0);
            if (st.conn_.available() > 0) return self.complete({}, st.deliver(buffers));
            // Replies the engine owes (close_notify answer, alerts) go out before we report;
            // with another operation writing, that one sends them.
            if (!st.writing_ && this->flush(self)) return;
            if ((ec = st.settled_read_error())) return self.complete(ec, 0);
            this->read(self);
        }
    };

    template <class ConstBufferSequence>
    struct WriteOp : OpBase {
        ConstBufferSequence buffers;
        size_t queued = 0;
        bool queued_once = false;
        WriteOp(Stream* stream, const ConstBufferSequence& b) : OpBase(stream), buffers(b) {}
        template <class Self>
        void operator()(Self& self, std::error_code ec = {}, size_t n = 0) {
            if (this->start(self)) return;
            ec = this->settle(ec, n);
            if (!queued_once) {
                queued_once = true;
                if (::asio::buffer_size(buffers) == 0) return self.complete({}, 0);
                ec = this->s->queue(buffers, queued);
            }
            if (ec) return self.complete(ec, 0);
            if (this->flush(self)) return;
            self.complete({}, queued);
        }
    };

    struct ShutdownOp : OpBase {
        bool closed = false;
        explicit ShutdownOp(Stream* stream) : OpBase(stream) {}
        template <class Self>
        void operator()(Self& self, std::error_code ec = {}, size_t n = 0) {
            if (this->start(self)) return;
            ec = this->settle(ec, n);
            Stream& st = *this->s;
            if (!closed) {
                closed = true;
                st.conn_.close();
            }
            st.conn_.consume_received(st.conn_.available());  // nobody reads any more
            if (ec) return self.complete(ec);
            if (this->flush(self)) return;
            if (st.conn_.peer_closed() || st.conn_.failed() || st.eof_) return self.complete({});
            this->read(self);
        }
    };

    NextLayer next_;
    tls12::Connection conn_;
    std::vector<uint8_t> in_;  // what the next layer delivered, before feed()
    bool writing_ = false;     // an operation's write is in flight
    bool eof_ = false;         // the next layer reached its end
};

}  // namespace tls12::asio

/// @cond
// Lets std::error_code compare with tls12::asio::error values. (Hidden from the reference:
// Doxygen cannot place a specialization of a std template.)
template <>
struct std::is_error_code_enum<tls12::asio::error::stream_errors> : std::true_type {};
/// @endcond

#pragma GCC visibility pop
