// The engine behind tls12::Connection: records in, the role's state machine, alerts, and the
// output side. What the handshake has established lives in the states (handshake/client12.h,
// handshake/server12.h); this holds the record stream and the facts about it (what is buffered,
// who closed), the negotiated parameters the states fill in, and the one place alerts are sent.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <tls12/tls/connection.h>
#include <tls12/tls/handshake/client.h>
#include <tls12/tls/handshake/server.h>
#include <tls12/tls/record/record_layer.h>

namespace tls12 {

// close() before the handshake completed: the handshake is abandoned, and only the peer's alerts
// are still read (its answering close_notify ends the connection cleanly).
struct Abandoned {
    static constexpr const char* kName = "Closed";
};

// A fatal alert was sent or received, or the connection was refused before it started: nothing
// more is accepted, and error says why.
struct Failed {
    static constexpr const char* kName = "Closed";
    Error error;
    bool after_handshake = false;  // the handshake had completed before the failure
};

using EngineState = std::variant<client::State, server::State, Abandoned, Failed>;

struct Connection::Impl {
    Impl(std::shared_ptr<const ClientConfig> client, std::string server_name, std::string key);
    explicit Impl(std::shared_ptr<const ServerConfig> server);

    // ---- configuration ----
    std::shared_ptr<const ClientConfig> client_config;
    std::shared_ptr<const ServerConfig> server_config;
    const CommonConfig& config;
    std::string session_key;  // client: names the server in the session cache

    // ---- the record stream ----
    RecordLayer records;
    ByteQueue received;  // decrypted application data not yet read
    ByteQueue unsent;    // application data sent before the handshake completed
    Bytes handshake_in;  // handshake bytes not yet forming a whole message
    Bytes flight;        // handshake messages being built, written as records when flushed
    // The first byte of an alert split across records (RFC 5246 6.2.1).
    std::optional<uint8_t> alert_in;
    size_t empty_records = 0;        // consecutive records that carried nothing
    size_t warning_alerts = 0;       // the peer's, over the connection's life
    size_t compat_ccs_received = 0;  // TLS 1.3: ChangeCipherSpec records (one is allowed)
    bool sent_close = false;         // our close_notify or fatal alert went out: nothing more does
    bool received_close = false;     // the peer's close_notify arrived: nothing more is read

    // ---- the handshake ----
    NegotiatedParameters negotiated;
    EngineState state;

    // The state's name ("ExpectServerHello", ..., "Established", "Closed").
    const char* state_name() const noexcept;
    bool established() const noexcept {
        if (const auto* c = std::get_if<client::State>(&state)) return client::established(*c);
        if (const auto* s = std::get_if<server::State>(&state)) return server::established(*s);
        return false;
    }
    // The handshake completed at some point (the connection may have failed since).
    bool handshake_completed() const noexcept {
        const auto* failed = std::get_if<Failed>(&state);
        return failed ? failed->after_handshake : established();
    }
    // Application data records open straight into `received`: the state reads them and no
    // handshake message or alert is half-way through.
    bool reads_application_data() const noexcept {
        return established() && handshake_in.empty() && !alert_in;
    }
    const Error* error() const noexcept {
        const auto* failed = std::get_if<Failed>(&state);
        return failed ? &failed->error : nullptr;
    }

    void start_client();
    // A configuration mistake found before the first byte: a local error, nothing is sent.
    void refuse_to_start(Error e);

    // ---- input ----
    Status feed(ByteView data);
    Status process_record(ContentType type, ByteView fragment);
    Status process_handshake_bytes(ByteView fragment);
    Status process_alerts(ByteView fragment);
    Status process_alert(ByteView alert);
    Status process_application_data(ByteView fragment);
    // A message to the role's current state, which consumes it and becomes the next.
    template <typename Message>
    Status dispatch(const Message& message);

    // ---- failure and output ----
    // The one place a connection fails: the fatal alert goes out (unless the peer sent one, or we
    // are refusing locally), the half-built flight and unsent data are dropped, the state (and
    // every secret in it) is destroyed, and the session is invalidated when that is due.
    Status fail(Error e);
    void send_alert(AlertLevel level, AlertDescription description);
    void abandon_handshake();  // close() before the handshake completed
    HandshakeContext context();
    // TLS 1.3 KeyUpdate of ours (local error unless established under TLS 1.3).
    Status update_keys(bool request_peer_update);
    // Application data into records. Under TLS 1.3 a KeyUpdate goes first whenever the key has
    // sealed its limit of records (RFC 8446 5.5: Limits::records_per_key, or the AEAD's). Inline:
    // the TLS 1.2 case is every send() on the record path.
    Status write_application_data(ByteView data) {
        if (negotiated.version != ProtocolVersion::tls13) [[likely]]
            return records.write(ContentType::application_data, data);
        return write_application_data13(data);
    }
    Status write_application_data13(ByteView data);
    // The handshake just completed: what was sent before it goes out now.
    Status flush_unsent();
};

}  // namespace tls12
