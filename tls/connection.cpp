// The public face of the engine (tls/engine.h does the work).
#include <tls12/tls/connection.h>

#include <cstring>

#include <tls12/tls/engine.h>

namespace tls12 {

Connection Connection::client(std::shared_ptr<const ClientConfig> config, std::string server_name,
                              std::string session_key) {
    auto impl =
        std::make_unique<Impl>(std::move(config), std::move(server_name), std::move(session_key));
    impl->start_client();
    return Connection(std::move(impl));
}

Connection Connection::server(std::shared_ptr<const ServerConfig> config) {
    return Connection(std::make_unique<Impl>(std::move(config)));
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

Status Connection::feed(ByteView data) {
    return impl_->feed(data);
}

bool Connection::wants_write() const noexcept {
    return !impl_->records.pending_output().empty();
}
ByteView Connection::pending_output() const noexcept {
    return impl_->records.pending_output();
}
void Connection::consume_output(size_t n) noexcept {
    impl_->records.consume_output(n);
}

Bytes Connection::take_output() {
    ByteView out = impl_->records.pending_output();
    Bytes copy(out.begin(), out.end());
    impl_->records.consume_output(out.size());
    return copy;
}

Status Connection::send(ByteView data) {
    Impl& c = *impl_;
    if (const Error* e = c.error()) return *e;
    // The engine answered the peer's close_notify at once (RFC 5246 7.2.1: TLS 1.2 has no
    // half-open connection), so this is the peer's doing, not a misuse.
    // (TLS 1.3's close_notify is a half-close, RFC 8446 6.1: we may go on sending.)
    if (c.received_close && c.negotiated.version != ProtocolVersion::tls13)
        return local_error(AlertDescription::close_notify,
                           "cannot send: the peer closed the connection (close_notify received)");
    if (c.sent_close) return local_error(AlertDescription::internal_error, "send() after close()");
    if (!c.established()) {
        c.unsent.append(data);
        return {};
    }
    if (data.empty()) return {};
    if (auto status = c.write_application_data(data); !status)
        return c.fail(std::move(status).error());
    return {};
}

Status Connection::update_keys(bool request_peer_update) {
    Impl& c = *impl_;
    if (const Error* e = c.error()) return *e;
    if (c.sent_close)
        return local_error(AlertDescription::internal_error, "update_keys() after close()");
    return c.update_keys(request_peer_update);
}

size_t Connection::receive(MutableByteView out) {
    Impl& c = *impl_;
    const size_t n = std::min(out.size(), c.received.size());
    if (n) std::memcpy(out.data(), c.received.data().data(), n);
    c.received.consume(n);
    return n;
}

size_t Connection::available() const noexcept {
    return impl_->received.size();
}

ByteView Connection::received_data() const noexcept {
    return impl_->received.data();
}

void Connection::consume_received(size_t n) noexcept {
    impl_->received.consume(n);
}

void Connection::close() {
    Impl& c = *impl_;
    if (c.sent_close) return;
    if (!c.established()) c.abandon_handshake();
    c.send_alert(AlertLevel::warning, AlertDescription::close_notify);
}

bool Connection::is_handshake_complete() const noexcept {
    return impl_->handshake_completed();
}
bool Connection::peer_closed() const noexcept {
    return impl_->received_close;
}
bool Connection::local_closed() const noexcept {
    return impl_->sent_close;
}
bool Connection::failed() const noexcept {
    return impl_->error() != nullptr;
}
const Error* Connection::error() const noexcept {
    return impl_->error();
}
bool Connection::is_client() const noexcept {
    return impl_->client_config != nullptr;
}
const char* Connection::state_name() const noexcept {
    return impl_->state_name();
}
const NegotiatedParameters& Connection::negotiated() const noexcept {
    return impl_->negotiated;
}

void Connection::shrink_to_fit() {
    Impl& c = *impl_;
    c.records.release_memory();
    c.received.release_memory();
    if (c.handshake_in.empty()) Bytes().swap(c.handshake_in);
    if (c.flight.empty()) Bytes().swap(c.flight);
}

}  // namespace tls12
