#include <tls12/net/stream.h>

#include <algorithm>
#include <array>
#include <utility>

namespace tls12::net {
namespace {

// Big enough for one full TLS record (16 KiB plaintext + expansion) in a single recv().
constexpr size_t recv_buffer_size = 16 * 1024 + 2048;
// write() hands the engine this much at a time so a huge write never buffers all its records.
constexpr size_t write_chunk = size_t{64} * 1024;

}  // namespace

Stream::Stream(Socket socket, tls12::Connection connection, StreamOptions options)
    : socket_(std::move(socket)), conn_(std::move(connection)), options_(options) {}

Stream::Deadline Stream::deadline_after(milliseconds timeout) {
    if (timeout <= milliseconds::zero()) return std::nullopt;
    return std::chrono::steady_clock::now() + timeout;
}

milliseconds Stream::remaining(const Deadline& deadline, const char* what, milliseconds total) {
    if (!deadline) return no_timeout;
    auto left = std::chrono::ceil<milliseconds>(*deadline - std::chrono::steady_clock::now());
    if (left <= milliseconds::zero())
        throw TimeoutError(std::string(what) + " timed out after " + std::to_string(total.count()) +
                           " ms");
    return left;
}

void Stream::flush(const Deadline& deadline, const char* what, milliseconds total) {
    while (conn_.wants_write()) {
        auto out = conn_.pending_output();
        if (out.empty()) break;
        const milliseconds left = remaining(deadline, what, total);
        try {
            socket_.send_all(out, left);
        } catch (const TimeoutError&) {
            throw TimeoutError(std::string(what) + " timed out after " +
                               std::to_string(total.count()) + " ms (peer not reading)");
        }
        conn_.consume_output(out.size());
    }
}

bool Stream::fill(const Deadline& deadline, const char* what, milliseconds total) {
    std::array<uint8_t, recv_buffer_size> buffer;
    const milliseconds left = remaining(deadline, what, total);
    size_t n;
    try {
        n = socket_.recv(buffer, left);
    } catch (const TimeoutError&) {
        throw TimeoutError(std::string(what) + " timed out after " + std::to_string(total.count()) +
                           " ms (no data from peer)");
    }
    if (n == 0) return false;
    tls12::Status status = conn_.feed(std::span<const uint8_t>(buffer.data(), n));
    if (!status.ok()) fail(std::move(status).error());
    return true;
}

void Stream::fail(tls12::Error error) {
    // The engine queued its fatal alert: get it to the peer before reporting (best effort, short).
    try {
        flush(deadline_after(milliseconds(1000)), "sending the alert", milliseconds(1000));
    } catch (const Error&) {
    }
    socket_.shutdown_write();
    throw TlsError(std::move(error));
}

void Stream::fail_peer_closed() {
    // TLS 1.3's close_notify closes the peer's side only (RFC 8446 6.1) and the engine leaves the
    // answer to us; this stream writes nothing after it, as under TLS 1.2 (where the engine
    // answered at once), so it answers too: the peer then sees a clean end, not a truncation.
    if (!conn_.local_closed()) conn_.close();
    try {
        flush(deadline_after(milliseconds(1000)), "answering close_notify", milliseconds(1000));
    } catch (const Error&) {
        // The peer may be gone already: nothing left to tell it.
    }
    socket_.shutdown_write();
    throw PeerClosedError("cannot write: the peer " + socket_.peer_address() +
                          " closed the connection (close_notify)");
}

void Stream::check_failed() {
    if (conn_.failed()) {
        tls12::Error error = conn_.error() ? *conn_.error() : tls12::Error{};
        if (error.reason.empty()) error.reason = "connection failed";
        fail(std::move(error));
    }
}

void Stream::handshake() {
    if (conn_.is_handshake_complete()) return;
    if (!socket_.valid()) throw Error("handshake on a closed stream");
    const milliseconds total = options_.handshake_timeout;
    const Deadline deadline = deadline_after(total);
    for (;;) {
        check_failed();
        flush(deadline, "TLS handshake", total);
        if (conn_.is_handshake_complete()) return;
        if (!fill(deadline, "TLS handshake", total)) {
            check_failed();
            throw Error("peer " + socket_.peer_address() +
                        " closed the connection during the TLS handshake");
        }
    }
}

size_t Stream::read(std::span<uint8_t> out) {
    handshake();
    if (out.empty()) return 0;
    const milliseconds total = options_.io_timeout;
    const Deadline deadline = deadline_after(total);
    for (;;) {
        if (conn_.available() > 0) return conn_.receive(out);
        if (conn_.peer_closed()) return 0;
        check_failed();
        if (!closed_) flush(deadline, "read", total);  // e.g. replies the engine queued
        if (!fill(deadline, "read", total)) {
            if (conn_.available() > 0) return conn_.receive(out);
            if (conn_.peer_closed()) return 0;
            check_failed();
            throw TruncationError("connection truncated: " + socket_.peer_address() +
                                  " closed TCP without sending close_notify");
        }
    }
}

void Stream::write(std::span<const uint8_t> data) {
    if (closed_) throw Error("write after close()");
    handshake();
    const milliseconds total = options_.io_timeout;
    while (!data.empty()) {
        const size_t n = std::min(data.size(), write_chunk);
        check_failed();
        if (conn_.peer_closed()) fail_peer_closed();
        tls12::Status status = conn_.send(data.first(n));
        if (!status.ok()) fail(std::move(status).error());
        flush(deadline_after(total), "write", total);
        data = data.subspan(n);
    }
}

void Stream::write(std::string_view text) {
    write(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void Stream::close() {
    if (closed_ || !socket_.valid()) return;
    closed_ = true;
    if (!conn_.failed()) {
        conn_.close();
        const milliseconds total =
            options_.io_timeout > milliseconds::zero() ? options_.io_timeout : milliseconds(5000);
        try {
            flush(deadline_after(total), "close", total);
        } catch (const Error&) {
            // The peer may already be gone (it closed first, or reset): nothing left to tell it.
        }
    }
    socket_.shutdown_write();
}

Stream connect_tls(const std::string& host, uint16_t port,
                   std::shared_ptr<const tls12::ClientConfig> config, StreamOptions options,
                   std::string server_name) {
    if (!config) throw std::invalid_argument("connect_tls: no client config");
    Socket socket = Socket::connect(host, port, options.connect_timeout);
    socket.set_nodelay();
    if (server_name.empty()) server_name = host;
    // Sessions are cached per server endpoint, so a later connect_tls() to it can resume.
    std::string session_key = server_name + "@" + host + ":" + std::to_string(port);
    Stream stream(std::move(socket),
                  tls12::Connection::client(std::move(config), server_name, std::move(session_key)),
                  options);
    stream.handshake();
    return stream;
}

TlsListener::TlsListener(const std::string& host, uint16_t port,
                         std::shared_ptr<const tls12::ServerConfig> config, StreamOptions options)
    : listener_(host, port), config_(std::move(config)), options_(options) {
    if (!config_) throw std::invalid_argument("TlsListener: no server config");
}

Stream TlsListener::accept(milliseconds timeout) {
    Socket socket = listener_.accept(timeout);
    try {
        socket.set_nodelay();
    } catch (const Error&) {
        // Not fatal: only latency.
    }
    return Stream(std::move(socket), tls12::Connection::server(config_), options_);
}

}  // namespace tls12::net
