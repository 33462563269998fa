// The engine's input path (records, handshake messages, alerts), dispatch to the role's state,
// and the one place a connection fails.
#include <tls12/tls/engine.h>

#include <utility>

#include <tls12/tls/host_name.h>
#include <tls12/tls/msgs/alert.h>
#include <tls12/tls/msgs/change_cipher_spec.h>

namespace tls12 {
namespace {

template <typename... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <typename... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

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

// The name the client connects to: an IP literal (not sent), or a DNS host name (sent as SNI
// without a trailing dot, RFC 6066 3).
Status check_server_name(std::string_view name) {
    if (name.empty() || is_ip_literal(name)) return {};
    if (auto problem = host_name_problem(host_name_for_sni(name)))
        return local_error(
            AlertDescription::internal_error,
            "server_name is neither an IP address nor a valid DNS host name: " + *problem);
    return {};
}

}  // namespace

Error unexpected_in(const char* state, const std::string& what) {
    return make_error(AlertDescription::unexpected_message,
                      what + " is not allowed in state " + state);
}

// ---------------------------------------------------------------------------------------------
// Construction

Connection::Impl::Impl(std::shared_ptr<const ClientConfig> client, std::string server_name,
                       std::string key)
    : client_config(std::move(client)), config(*client_config), state(Abandoned{}) {
    session_key = key.empty() ? server_name : std::move(key);
    negotiated.server_name = std::move(server_name);
}

Connection::Impl::Impl(std::shared_ptr<const ServerConfig> server)
    : server_config(std::move(server)),
      config(*server_config),
      state(server::State{server::ExpectClientHello{}}) {
    if (auto valid = server_config->validate(); !valid) refuse_to_start(valid.error());
}

void Connection::Impl::start_client() {
    // A configuration that cannot work is refused before anything is sent.
    if (auto valid = client_config->validate(); !valid) return refuse_to_start(valid.error());
    // An empty name would let any certificate from a trusted CA pass for this server.
    if (negotiated.server_name.empty() && !client_config->skip_host_name_verification)
        return refuse_to_start(local_error(
            AlertDescription::internal_error,
            "no server name given, so the server's certificate cannot be matched to a host: "
            "pass the host name (or IP address) to Connection::client, or set "
            "ClientConfig::skip_host_name_verification = true to accept any host whose "
            "certificate the verifier accepts"));
    if (auto valid = check_server_name(negotiated.server_name); !valid)
        return refuse_to_start(valid.error());
    client::Context c(context(), *client_config, session_key);
    auto first = client::start(c);
    if (!first) {
        (void)fail(std::move(first).error());
        return;
    }
    state = std::move(first).value();
}

void Connection::Impl::refuse_to_start(Error e) {
    e.kind = ErrorKind::local;
    sent_close = true;  // nothing ever goes out, not even an alert: there is no peer to tell yet
    state = Failed{std::move(e)};
}

HandshakeContext Connection::Impl::context() {
    return HandshakeContext(config, records, negotiated, flight, sent_close);
}

// ---------------------------------------------------------------------------------------------
// States

const char* Connection::Impl::state_name() const noexcept {
    if (const auto* c = std::get_if<client::State>(&state)) return client::state_name(*c);
    if (const auto* s = std::get_if<server::State>(&state)) return server::state_name(*s);
    return "Closed";  // Abandoned or Failed
}

namespace {

// A version's state set (client12::State, ...) is a variant of states; a role's first state is
// a state of its own.
template <typename T>
concept StateSet = requires {
    typename T::variant;
};

// A message to the role's current state, through the version's state set when there is one.
template <typename RoleState, typename Context, typename Message>
Result<RoleState> deliver_to_role(RoleState& role, Context& c, const Message& message) {
    return std::visit(
        [&](auto& current) -> Result<RoleState> {
            using Current = std::remove_reference_t<decltype(current)>;
            if constexpr (StateSet<Current>) {
                auto next = std::visit(
                    [&](auto& s) -> Result<Current> {
                        return deliver<Current>(std::move(s), c, message);
                    },
                    current);
                if (!next) return std::move(next).error();
                return RoleState{std::move(next).value()};
            } else {
                return deliver<RoleState>(std::move(current), c, message);
            }
        },
        role);
}

}  // namespace

template <typename Message>
Status Connection::Impl::dispatch(const Message& message) {
    const bool was_established = established();
    // Each role's current state consumes the message and becomes the next (or the error).
    auto run = [&](auto& role_state, auto& c) -> Status {
        auto next = deliver_to_role(role_state, c, message);
        if (!next) return std::move(next).error();
        state = std::move(next).value();
        return {};
    };
    Status status = std::visit(
        overloaded{
            [&](client::State& s) {
                client::Context c(context(), *client_config, session_key);
                return run(s, c);
            },
            [&](server::State& s) {
                server::Context c(context(), *server_config);
                return run(s, c);
            },
            [](Abandoned&) { return Status{}; },  // the rest of the peer's flight is ignored
            [](Failed& failed) { return Status(failed.error); },
        },
        state);
    if (!status) return status;
    if (!was_established && established()) return flush_unsent();
    return {};
}

// ---------------------------------------------------------------------------------------------
// Input

Status Connection::Impl::feed(ByteView data) {
    if (const Error* e = error()) return *e;
    if (received_close) {
        if (data.empty()) return {};
        return local_error(AlertDescription::unexpected_message,
                           "data received after close_notify");
    }
    auto input = records.read(data);  // keeps what is not read when it goes out of scope
    // Only a record other than application data can change what the state reads.
    bool reading = reads_application_data();
    while (const SealedRecord* next = input.next()) {
        const SealedRecord& record = *next;
        const bool into_received = record.type == ContentType::application_data && reading;
        // RFC 8446 4.2.10: a server that ignored early_data reads past the client's 0-RTT records.
        if (!into_received && records.skipping_early_data()) [[unlikely]] {
            auto skipped = records.skip_early_data(record);
            if (!skipped) return fail(std::move(skipped).error());
            if (*skipped) continue;
        }
        // The steady state: application data opened straight into `received`.
        auto opened = into_received ? records.open_into(record, received) : records.open(record);
        if (!opened) return fail(std::move(opened).error());
        // Under TLS 1.3 a record is what its inner type says (a ticket or an alert may come in an
        // application_data record), and that is what is dispatched.
        if (into_received && opened->type == ContentType::application_data) [[likely]] {
            if (!opened->fragment.empty()) [[likely]] {
                empty_records = 0;
            } else if (++empty_records > config.limits.max_empty_records) {
                return fail(make_error(AlertDescription::unexpected_message,
                                       "too many consecutive empty records"));
            }
            continue;
        }
        if (auto status = process_record(opened->type, opened->fragment); !status)
            return fail(std::move(status).error());
        if (error() || received_close) break;  // nothing after a close_notify is read
        reading = reads_application_data();
    }
    if (input.error()) return fail(*input.error());
    if (const Error* e = error()) return *e;
    if (flight.empty()) return {};
    return context().flush();
}

Status Connection::Impl::process_record(ContentType type, ByteView fragment) {
    // RFC 5246 6.2.1: handshake messages may span records but not interleave with other types.
    if (type != ContentType::handshake && !handshake_in.empty())
        return make_error(
            AlertDescription::unexpected_message,
            "a " + to_string(type) + " record arrived in the middle of a handshake message");
    if (type != ContentType::alert && alert_in)
        return make_error(AlertDescription::unexpected_message,
                          "a " + to_string(type) + " record arrived in the middle of an alert");
    if (fragment.empty()) {
        if (type != ContentType::application_data)
            return make_error(AlertDescription::unexpected_message,
                              "empty " + to_string(type) + " record");
        if (++empty_records > config.limits.max_empty_records)
            return make_error(AlertDescription::unexpected_message,
                              "too many consecutive empty records");
        return process_application_data(fragment);
    }
    empty_records = 0;
    // An abandoned handshake reads only the peer's answer (close_notify, or a fatal alert):
    // RFC 5246 7.2.1.
    if (std::holds_alternative<Abandoned>(state) &&
        (type != ContentType::alert || !AlertMessage::parse(fragment)))
        return {};
    switch (type) {
        case ContentType::handshake:
            return process_handshake_bytes(fragment);
        case ContentType::alert:
            return process_alerts(fragment);
        case ContentType::change_cipher_spec: {
            auto ccs = ChangeCipherSpec::parse(fragment);
            if (!ccs) return std::move(ccs).error();
            // RFC 8446 D.4: a TLS 1.3 peer sends one, for middlebox compatibility.
            if (negotiated.version == ProtocolVersion::tls13 && ++compat_ccs_received > 1)
                return make_error(AlertDescription::unexpected_message,
                                  "more than one ChangeCipherSpec in a TLS 1.3 handshake");
            return dispatch(ChangeCipherSpecMessage{});
        }
        case ContentType::application_data:
            return process_application_data(fragment);
        default:
            return make_error(AlertDescription::unexpected_message, "unknown record type");
    }
}

Status Connection::Impl::process_application_data(ByteView fragment) {
    if (!established())
        return make_error(AlertDescription::unexpected_message,
                          std::string("application data is not allowed in state ") + state_name());
    received.append(fragment);
    return {};
}

Status Connection::Impl::process_handshake_bytes(ByteView fragment) {
    handshake_in.insert(handshake_in.end(), fragment.begin(), fragment.end());
    size_t offset = 0;
    while (!error()) {
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
        const uint64_t epoch = records.read_epoch();
        TLS_TRY(
            dispatch(RawHandshake{header->type, encoded.subspan(kHandshakeHeaderSize), encoded}));
        offset += total;
        // RFC 8446 5.1: "Handshake messages MUST NOT span key changes": the bytes after a message
        // that changed the keys were read under the old ones.
        if (records.read_epoch() != epoch && offset < handshake_in.size())
            return make_error(AlertDescription::unexpected_message,
                              "handshake data follows the " + to_string(header->type) +
                                  " that changed the keys, in the same record");
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
        if (!established() && !std::holds_alternative<Abandoned>(state))
            return Error{AlertDescription::close_notify,
                         "peer closed the connection during the handshake",
                         ErrorKind::received_alert};
        // RFC 8446 6.1: in TLS 1.3 close_notify closes the peer's side only; we may go on
        // sending until close(). RFC 5246 7.2.1: in TLS 1.2 it is answered at once.
        if (negotiated.version != ProtocolVersion::tls13)
            send_alert(AlertLevel::warning, AlertDescription::close_notify);
        return {};
    }
    // RFC 8446 6: in TLS 1.3 every alert but close_notify and user_canceled is an error alert,
    // whatever level it was sent with.
    const bool fatal =
        alert->level == AlertLevel::fatal || (negotiated.version == ProtocolVersion::tls13 &&
                                              description != AlertDescription::user_canceled);
    if (fatal) {
        std::string reason = "peer sent fatal alert " + to_string(description);
        const auto* role = std::get_if<client::State>(&state);
        if (description == AlertDescription::protocol_version && role &&
            std::holds_alternative<client::ExpectServerHello>(*role))
            reason += config.max_version == ProtocolVersion::tls12
                          ? ": the server refuses TLS 1.2 (it may speak only TLS 1.3, which "
                            "this client does not offer: set max_version to TLS 1.3)"
                          : ": the server refuses every version this client offers";
        return Error{description, std::move(reason), ErrorKind::received_alert};
    }
    // Warnings: counted, so a peer cannot keep the engine busy with them.
    if (++warning_alerts > config.limits.max_warning_alerts)
        return make_error(AlertDescription::unexpected_message, "too many warning alerts");
    // A state still negotiating cannot go on when the peer refuses to.
    if (description == AlertDescription::no_renegotiation && !established() &&
        !std::holds_alternative<Abandoned>(state))
        return make_error(AlertDescription::handshake_failure,
                          "peer refused to negotiate (no_renegotiation during the handshake)");
    return {};
}

// ---------------------------------------------------------------------------------------------
// Failure and output

Status Connection::Impl::fail(Error e) {
    if (const Error* already = error()) return *already;
    flight.clear();  // a half-built flight never goes out
    if (e.kind == ErrorKind::sent_alert) send_alert(AlertLevel::fatal, e.alert);
    sent_close = true;  // no alert goes out after a fatal one, ours or the peer's
    // RFC 5246 7.2: a fatal alert invalidates the session, on both sides. Only once the peer's
    // records are authenticated: before that anyone on the path can inject an alert or junk, and
    // that must not cost every later connection its resumption.
    if (records.read_protected() && e.kind != ErrorKind::local &&
        e.alert != AlertDescription::close_notify) {
        if (auto* client_state = std::get_if<client::State>(&state)) {
            client::Context c(context(), *client_config, session_key);
            client::invalidate_session(c, *client_state);
        } else if (auto* server_state = std::get_if<server::State>(&state)) {
            server::Context c(context(), *server_config);
            server::invalidate_session(c, *server_state);
        }
    }
    state = Failed{e, established()};  // the handshake state goes, and every secret with it
    handshake_in.clear();
    alert_in.reset();
    unsent.consume(unsent.size());
    return e;
}

void Connection::Impl::send_alert(AlertLevel level, AlertDescription description) {
    if (sent_close) return;  // after our close_notify or fatal alert nothing more goes out
    (void)context().flush();
    const uint8_t alert[2] = {static_cast<uint8_t>(level), static_cast<uint8_t>(description)};
    (void)records.write(ContentType::alert, alert);
    if (level == AlertLevel::fatal || description == AlertDescription::close_notify)
        sent_close = true;
}

void Connection::Impl::abandon_handshake() {
    // Nothing queued for after the handshake is sent (application data, our next flight), and the
    // secrets of a handshake that will never finish go with its state.
    state = Abandoned{};
    handshake_in.clear();
    flight.clear();
    unsent.consume(unsent.size());
    unsent.release_memory();
}

Status Connection::Impl::update_keys(bool request_peer_update) {
    if (!established() || negotiated.version != ProtocolVersion::tls13)
        return local_error(AlertDescription::internal_error,
                           "update_keys() needs an established TLS 1.3 connection");
    Status status = [&] {
        if (auto* s = std::get_if<client::State>(&state)) {
            client::Context c(context(), *client_config, session_key);
            return client::update_keys(c, *s, request_peer_update);
        }
        server::Context c(context(), *server_config);
        return server::update_keys(c, std::get<server::State>(state), request_peer_update);
    }();
    if (!status) return fail(std::move(status).error());
    return {};
}

Status Connection::Impl::write_application_data13(ByteView data) {
    const uint64_t limit = config.limits.records_per_key != 0
                               ? config.limits.records_per_key
                               : max_records_per_key(*find_suite(*negotiated.cipher_suite));
    while (!data.empty()) {
        if (records.records_written() >= limit) TLS_TRY(update_keys(false));
        const uint64_t room = limit - records.records_written();  // records
        const size_t n = room >= data.size() / kMaxPlaintextFragment + 1
                             ? data.size()
                             : static_cast<size_t>(room) * kMaxPlaintextFragment;
        TLS_TRY(records.write(ContentType::application_data, data.first(n)));
        data = data.subspan(n);
    }
    return {};
}

Status Connection::Impl::flush_unsent() {
    TLS_TRY(context().flush());
    if (unsent.empty()) return {};
    auto status = write_application_data(unsent.data());
    unsent.consume(unsent.size());
    unsent.release_memory();
    return status;
}

}  // namespace tls12
