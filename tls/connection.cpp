#include <tls12/tls/connection.h>

#include <cstring>

#include <tls12/tls/connection_impl.h>
#include <tls12/tls/host_name.h>
#include <tls12/tls/msgs/alert.h>
#include <tls12/tls/msgs/change_cipher_spec.h>
#include <tls12/tls/msgs/finished.h>

namespace tls12 {

// ---------------------------------------------------------------------------------------------
// Construction

Connection::Impl::Impl(std::shared_ptr<const ClientConfig> client, std::string server_name,
                       std::string key)
    : client_config(std::move(client)),
      config(*client_config),
      is_client(true),
      state(ExpectServerHello{}) {
    session_key = key.empty() ? server_name : std::move(key);
    negotiated.server_name = std::move(server_name);
}

Connection::Impl::Impl(std::shared_ptr<const ServerConfig> server)
    : server_config(std::move(server)),
      config(*server_config),
      is_client(false),
      state(ExpectClientHello{}) {}

Connection Connection::client(std::shared_ptr<const ClientConfig> config, std::string server_name,
                              std::string session_key) {
    auto impl =
        std::make_unique<Impl>(std::move(config), std::move(server_name), std::move(session_key));
    impl->start_client();
    return Connection(std::move(impl));
}

Connection Connection::server(std::shared_ptr<const ServerConfig> config) {
    auto impl = std::make_unique<Impl>(std::move(config));
    if (auto valid = impl->server_config->validate(); !valid) (void)impl->fail(valid.error());
    return Connection(std::move(impl));
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

namespace {
// The name the client connects to: an IP literal (not sent), or a DNS host name (sent as SNI
// without a trailing dot, RFC 6066 3).
Status check_server_name(std::string_view name) {
    if (name.empty() || is_ip_literal(name)) return {};
    if (auto problem = host_name_problem(host_name_for_sni(name)))
        return make_error(
            AlertDescription::internal_error,
            "server_name is neither an IP address nor a valid DNS host name: " + *problem);
    return {};
}
}  // namespace

void Connection::Impl::start_client() {
    // A configuration that cannot work is refused before anything is sent.
    if (auto valid = client_config->validate(); !valid) return refuse_to_start(valid.error());
    // An empty name would let any certificate from a trusted CA pass for this server.
    if (negotiated.server_name.empty() && !client_config->skip_host_name_verification)
        return refuse_to_start(make_error(
            AlertDescription::internal_error,
            "no server name given, so the server's certificate cannot be matched to a host: "
            "pass the host name (or IP address) to Connection::client, or set "
            "ClientConfig::skip_host_name_verification = true to accept any host whose "
            "certificate the verifier accepts"));
    if (auto valid = check_server_name(negotiated.server_name); !valid)
        return refuse_to_start(valid.error());
    if (auto status = send_client_hello(*this); !status) (void)fail(std::move(status).error());
}

void Connection::Impl::refuse_to_start(Error e) {
    error = std::move(e);
    sent_close = true;  // nothing ever goes out, not even an alert: there is no peer to tell yet
    state = Closed{};
}

// ---------------------------------------------------------------------------------------------
// Failure and alerts

Status Connection::Impl::fail(Error e) {
    if (!error) {
        handshake_out.clear();  // a half-built flight never goes out
        if (!sent_close) send_alert(AlertLevel::fatal, e.alert);
        sent_close = true;
        error = e;
        invalidate_session();
    }
    state = Closed{};
    handshake_in.clear();
    alert_in.reset();
    unsent.consume(unsent.size());
    master_secret.clear();
    keys.reset();
    return e;
}

// RFC 5246 7.2: a fatal alert invalidates the session, on both sides. Only once the peer's records
// are authenticated, though: before that anyone on the path can inject an alert or junk, and that
// must not cost every later connection its resumption.
void Connection::Impl::invalidate_session() {
    if (!records.read_protected()) return;
    if (is_client)
        forget_client_session(*this);
    else
        forget_server_session(*this);
}

void Connection::Impl::send_alert(AlertLevel level, AlertDescription description) {
    if (sent_close) return;  // after our close_notify or fatal alert nothing more goes out
    const uint8_t alert[2] = {static_cast<uint8_t>(level), static_cast<uint8_t>(description)};
    (void)flush_handshake();
    (void)records.write(ContentType::alert, alert);
}

// ---------------------------------------------------------------------------------------------
// Input

// Runs for every feed; inlined into feed(), its one caller.
[[gnu::always_inline]] inline Status Connection::Impl::process_records() {
    while (!error && !received_close && records.has_header()) {
        // Once the handshake is done, application data is opened straight into `received`.
        auto next = records.next_record(handshake_complete && !alert_in ? &received : nullptr);
        if (!next) return fail(std::move(next).error());
        if (!next->has_value()) break;
        const Record& record = **next;
        if (record.delivered && !record.fragment.empty() && handshake_in.empty()) {
            // Application data already opened into `received`: the steady state, nothing to do.
            empty_records = 0;
            continue;
        }
        if (auto status = process_record(record); !status) return fail(std::move(status).error());
    }
    if (error) return *error;
    if (handshake_out.empty()) return {};  // the steady state: no flight to send
    return flush_handshake();
}

Status Connection::feed(ByteView data) {
    Impl& c = *impl_;
    if (c.error) return *c.error;
    if (c.received_close) {
        if (data.empty()) return {};
        return make_error(AlertDescription::unexpected_message, "data received after close_notify");
    }
    if (c.handshake_complete && c.handshake_in.empty() && !c.alert_in) {
        // The steady state: whole application-data records are opened straight into `received`
        // without the general dispatch; whatever else there is goes through it below.
        auto opened = c.records.open_application_data(data, c.received);
        if (!opened) return c.fail(std::move(opened).error());
        if (*opened != 0) {
            c.empty_records = 0;
            data = data.subspan(*opened);
            if (data.empty()) return {};
        }
    }
    c.records.feed(data);
    auto status = c.process_records();
    c.records.keep_unread();
    return status;
}

Status Connection::Impl::process_record(const Record& record) {
    // RFC 5246 6.2.1: handshake messages may span records but not interleave with other types.
    if (record.type != ContentType::handshake && !handshake_in.empty())
        return make_error(
            AlertDescription::unexpected_message,
            "a " + to_string(record.type) + " record arrived in the middle of a handshake message");
    if (record.type != ContentType::alert && alert_in)
        return make_error(
            AlertDescription::unexpected_message,
            "a " + to_string(record.type) + " record arrived in the middle of an alert");
    if (record.fragment.empty()) {
        if (record.type != ContentType::application_data)
            return make_error(AlertDescription::unexpected_message,
                              "empty " + to_string(record.type) + " record");
        if (++empty_records > config.limits.max_empty_records)
            return make_error(AlertDescription::unexpected_message,
                              "too many consecutive empty records");
        return record.delivered ? Status{} : process_application_data(record.fragment);
    }
    empty_records = 0;
    if (record.delivered) return {};
    // close() during the handshake abandoned it: the rest of the peer's flight is ignored, only
    // its answer (close_notify, or a fatal alert) is looked at (RFC 5246 7.2.1).
    if (sent_close && !handshake_complete &&
        (record.type != ContentType::alert || !AlertMessage::parse(record.fragment)))
        return {};
    switch (record.type) {
        case ContentType::handshake:
            return process_handshake_bytes(record.fragment);
        case ContentType::alert:
            return process_alerts(record.fragment);
        case ContentType::change_cipher_spec:
            return process_change_cipher_spec(record.fragment);
        case ContentType::application_data:
            return process_application_data(record.fragment);
        default:
            return make_error(AlertDescription::unexpected_message, "unknown record type");
    }
}

namespace {
size_t message_limit(const Limits& limits, HandshakeType type) {
    switch (type) {
        case HandshakeType::client_hello:
            return limits.max_client_hello;
        case HandshakeType::certificate:
            return limits.max_certificate_message;
        default:
            return limits.max_handshake_message;
    }
}
}  // namespace

Status Connection::Impl::process_handshake_bytes(ByteView fragment) {
    handshake_in.insert(handshake_in.end(), fragment.begin(), fragment.end());
    size_t offset = 0;
    while (!error) {
        ByteView rest = ByteView(handshake_in).subspan(offset);
        auto header = HandshakeHeader::peek(rest);
        if (!header) break;
        const size_t limit = message_limit(config.limits, header->type);
        if (header->length > limit)
            return make_error(AlertDescription::illegal_parameter,
                              to_string(header->type) + " of " + std::to_string(header->length) +
                                  " bytes exceeds the limit of " + std::to_string(limit));
        const size_t total = kHandshakeHeaderSize + header->length;
        if (rest.size() < total) break;
        const ByteView encoded = rest.first(total);
        const HandshakeMessage message{header->type, encoded.subspan(kHandshakeHeaderSize),
                                       encoded};
        TLS_TRY(dispatch(message));
        offset += total;
    }
    handshake_in.erase(handshake_in.begin(),
                       handshake_in.begin() + static_cast<std::ptrdiff_t>(offset));
    return {};
}

// RFC 5246 6.2.1: alerts, like handshake messages, may be coalesced into one record or split across
// records. Each whole alert is handled in order; a trailing half waits for the next alert record.
// Nothing after close_notify is read (RFC 5246 7.2.1).
Status Connection::Impl::process_alerts(ByteView fragment) {
    size_t at = 0;
    if (alert_in && !fragment.empty()) {
        const uint8_t alert[2] = {*alert_in, fragment[0]};
        alert_in.reset();
        TLS_TRY(process_alert(alert));
        at = 1;
    }
    for (; fragment.size() - at >= 2 && !received_close; at += 2)
        TLS_TRY(process_alert(fragment.subspan(at, 2)));
    if (at < fragment.size() && !received_close) alert_in = fragment[at];
    return {};
}

Status Connection::Impl::process_alert(ByteView fragment) {
    auto alert = AlertMessage::parse(fragment);
    if (!alert) return std::move(alert).error();
    const auto description = alert->description;
    if (description == AlertDescription::close_notify) {
        received_close = true;
        if (!handshake_complete && !sent_close) {
            error = make_error(AlertDescription::close_notify,
                               "peer closed the connection during the handshake");
            state = Closed{};
            return *error;
        }
        // RFC 5246 7.2.1: answer close_notify with close_notify.
        if (!sent_close) {
            send_alert(AlertLevel::warning, AlertDescription::close_notify);
            sent_close = true;
        }
        return {};
    }
    if (alert->level == AlertLevel::fatal) {
        Error e{description, "peer sent fatal alert " + to_string(description)};
        error = e;
        sent_close = true;  // no alert goes back after a fatal one
        state = Closed{};
        invalidate_session();
        return e;
    }
    // Warnings: counted, so a peer cannot keep the engine busy with them.
    if (++warning_alerts > config.limits.max_warning_alerts)
        return make_error(AlertDescription::unexpected_message, "too many warning alerts");
    if (description == AlertDescription::no_renegotiation && !handshake_complete)
        return make_error(AlertDescription::handshake_failure,
                          "peer refused to negotiate (no_renegotiation during the handshake)");
    return {};
}

Status Connection::Impl::process_change_cipher_spec(ByteView fragment) {
    auto ccs = ChangeCipherSpec::parse(fragment);
    if (!ccs) return std::move(ccs).error();
    return dispatch(ChangeCipherSpecMessage{});
}

Status Connection::Impl::process_application_data(ByteView fragment) {
    if (!handshake_complete)
        return make_error(AlertDescription::unexpected_message,
                          "application data before the handshake completed");
    received.append(fragment);
    return {};
}

Status Connection::Impl::dispatch(const Message& message) {
    if (const auto* hs = std::get_if<HandshakeMessage>(&message)) {
        transcript_before_message = transcript.size();
        // RFC 5246 7.4.1.1: HelloRequest is not part of the transcript; after the handshake the
        // transcript is gone, and anything arriving then is refused by the Established state.
        if (hs->type != HandshakeType::hello_request && !handshake_complete)
            transcript.add(hs->encoded);
    }
    auto next = is_client ? handle_client_message(*this, std::move(state), message)
                          : handle_server_message(*this, std::move(state), message);
    if (!next) return std::move(next).error();
    state = std::move(next).value();
    return {};
}

// ---------------------------------------------------------------------------------------------
// Output

Status Connection::Impl::add_to_flight(size_t start, bool encoded, HandshakeType type) {
    if (!encoded) {
        handshake_out.resize(start);
        return make_error(
            AlertDescription::internal_error,
            "cannot encode our " + to_string(type) + ": a field does not fit its length limits");
    }
    transcript.add(ByteView(handshake_out).subspan(start));
    return {};
}

Status Connection::Impl::flush_handshake() {
    if (sent_close) handshake_out.clear();  // nothing goes out after our close_notify
    if (handshake_out.empty()) return {};
    auto status = records.write(ContentType::handshake, handshake_out);
    handshake_out.clear();
    return status;
}

Status Connection::Impl::send_change_cipher_spec() {
    TLS_TRY(flush_handshake());
    const uint8_t ccs[1] = {1};
    TLS_TRY(records.write(ContentType::change_cipher_spec, ccs));
    activate_write_keys();
    return {};
}

Status Connection::Impl::send_finished() {
    const auto hash = transcript.hash(suite->prf_hash);
    const auto verify_data = compute_verify_data(*suite, master_secret, is_client, hash);
    Finished finished{Bytes(verify_data.begin(), verify_data.end())};
    TLS_TRY(send_message(finished));
    return flush_handshake();
}

Status Connection::Impl::check_finished(const HandshakeMessage& message) {
    auto finished = Finished::parse(message.body);
    if (!finished) return std::move(finished).error();
    const auto hash = transcript.hash(suite->prf_hash, transcript_before_message);
    const auto expected = compute_verify_data(*suite, master_secret, !is_client, hash);
    // RFC 5246 7.4.9, compared in constant time.
    if (!crypto::constant_time_equal(expected, finished->verify_data))
        return make_error(AlertDescription::decrypt_error, "peer's Finished verify_data is wrong");
    return {};
}

void Connection::Impl::derive_master_secret(ByteView premaster) {
    if (negotiated.extended_master_secret) {
        // RFC 7627 4: the session hash covers the transcript up to and including ClientKeyExchange.
        master_secret =
            derive_extended_master_secret(*suite, premaster, transcript.hash(suite->prf_hash));
    } else {
        master_secret =
            tls12::derive_master_secret(*suite, premaster, client_random, server_random);
    }
    if (config.key_log) config.key_log(key_log_line(client_random, master_secret));
}

void Connection::Impl::derive_keys() {
    keys = derive_traffic_keys(*suite, master_secret, client_random, server_random);
}

void Connection::Impl::activate_write_keys() {
    records.set_write_protection(make_protection(*suite,
                                                 is_client ? keys->client() : keys->server(), true,
                                                 negotiated_encrypt_then_mac, random()));
}

void Connection::Impl::activate_read_keys() {
    records.set_read_protection(make_protection(*suite, is_client ? keys->server() : keys->client(),
                                                false, negotiated_encrypt_then_mac, random()));
}

std::shared_ptr<Session> Connection::Impl::make_session() const {
    auto session = std::make_shared<Session>();
    session->id = session_id;
    session->suite = suite->suite;
    session->master_secret = master_secret.clone();
    session->extended_master_secret = negotiated.extended_master_secret;
    session->server_name = negotiated.server_name;
    session->created = config.clock();
    return session;
}

void Connection::Impl::remember_session() {
    if (is_client)
        remember_client_session(*this);
    else
        remember_server_session(*this);
}

Status Connection::Impl::complete_handshake() {
    handshake_complete = true;
    remember_session();
    transcript.release();
    keys.reset();  // the record layer holds the scheduled keys now
    master_secret.clear();
    TLS_TRY(flush_handshake());
    if (!unsent.empty()) {
        auto status = records.write(ContentType::application_data, unsent.data());
        unsent.consume(unsent.size());
        unsent.release_memory();
        return status;
    }
    return {};
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
    if (c.error) return *c.error;
    // The engine answered the peer's close_notify at once (RFC 5246 7.2.1: TLS 1.2 has no
    // half-open connection), so this is the peer's doing, not a misuse.
    if (c.received_close)
        return make_error(AlertDescription::close_notify,
                          "cannot send: the peer closed the connection (close_notify received)");
    if (c.sent_close) return make_error(AlertDescription::internal_error, "send() after close()");
    if (!c.handshake_complete) {
        c.unsent.append(data);
        return {};
    }
    if (data.empty()) return {};
    if (auto status = c.records.write(ContentType::application_data, data); !status)
        return c.fail(std::move(status).error());
    return {};
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
    if (!c.handshake_complete) c.abandon_handshake();
    c.send_alert(AlertLevel::warning, AlertDescription::close_notify);
    c.sent_close = true;
}

void Connection::Impl::abandon_handshake() {
    // Nothing queued for after the handshake is sent (application data, our next flight), and the
    // secrets of a handshake that will never finish go now.
    state = Closed{};
    handshake_in.clear();
    handshake_out.clear();
    unsent.consume(unsent.size());
    unsent.release_memory();
    master_secret.clear();
    keys.reset();
    transcript.release();
}

bool Connection::is_handshake_complete() const noexcept {
    return impl_->handshake_complete;
}
bool Connection::peer_closed() const noexcept {
    return impl_->received_close;
}
bool Connection::local_closed() const noexcept {
    return impl_->sent_close;
}
bool Connection::failed() const noexcept {
    return impl_->error.has_value();
}
const std::optional<Error>& Connection::error() const noexcept {
    return impl_->error;
}
bool Connection::is_client() const noexcept {
    return impl_->is_client;
}
const NegotiatedParameters& Connection::negotiated() const noexcept {
    return impl_->negotiated;
}

void Connection::shrink_to_fit() {
    impl_->records.release_memory();
    impl_->received.release_memory();
    if (impl_->handshake_in.empty()) Bytes().swap(impl_->handshake_in);
    if (impl_->handshake_out.empty()) Bytes().swap(impl_->handshake_out);
}

// ---------------------------------------------------------------------------------------------
// States

namespace {
template <typename... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <typename... Ts>
overloaded(Ts...) -> overloaded<Ts...>;
}  // namespace

const char* state_name(const HandshakeState& state) noexcept {
    return std::visit(
        overloaded{
            [](const ExpectServerHello&) { return "ExpectServerHello"; },
            [](const ExpectCertificate&) { return "ExpectCertificate"; },
            [](const ExpectServerKeyExchange&) { return "ExpectServerKeyExchange"; },
            [](const ExpectServerHelloDone&) { return "ExpectServerHelloDone"; },
            [](const ExpectNewSessionTicket&) { return "ExpectNewSessionTicket"; },
            [](const ExpectServerChangeCipherSpec&) { return "ExpectServerChangeCipherSpec"; },
            [](const ExpectServerFinished&) { return "ExpectServerFinished"; },
            [](const ExpectClientHello&) { return "ExpectClientHello"; },
            [](const ExpectClientCertificate&) { return "ExpectClientCertificate"; },
            [](const ExpectClientKeyExchange&) { return "ExpectClientKeyExchange"; },
            [](const ExpectCertificateVerify&) { return "ExpectCertificateVerify"; },
            [](const ExpectClientChangeCipherSpec&) { return "ExpectClientChangeCipherSpec"; },
            [](const ExpectClientFinished&) { return "ExpectClientFinished"; },
            [](const Established&) { return "Established"; },
            [](const Closed&) { return "Closed"; },
        },
        state);
}

Error unexpected(const HandshakeState& state, const Message& message) {
    const std::string what = std::holds_alternative<ChangeCipherSpecMessage>(message)
                                 ? std::string("ChangeCipherSpec")
                                 : to_string(std::get<HandshakeMessage>(message).type);
    return make_error(AlertDescription::unexpected_message,
                      what + " is not allowed in state " + state_name(state));
}

}  // namespace tls12
