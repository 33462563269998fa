// The engine's internals, shared by connection.cpp and the two handshake roles.
#pragma once

#include <memory>
#include <optional>

#include <tls12/crypto/bytes.h>
#include <tls12/tls/connection.h>
#include <tls12/tls/handshake/common.h>
#include <tls12/tls/handshake/key_schedule.h>
#include <tls12/tls/handshake/states.h>
#include <tls12/tls/record/record_layer.h>
#include <tls12/tls/session.h>

namespace tls12 {

struct Connection::Impl {
    Impl(std::shared_ptr<const ClientConfig> client, std::string server_name, std::string key);
    explicit Impl(std::shared_ptr<const ServerConfig> server);

    // ---- configuration ----
    std::shared_ptr<const ClientConfig> client_config;
    std::shared_ptr<const ServerConfig> server_config;
    const CommonConfig& config;
    bool is_client;

    // ---- records and application data ----
    RecordLayer records;
    ByteQueue received;        // decrypted application data not yet read
    ByteQueue unsent;          // application data sent before the handshake completed
    Bytes handshake_in;        // handshake bytes not yet forming a whole message
    Bytes handshake_out;       // messages of the current flight, coalesced into records
    size_t empty_records = 0;  // consecutive records that carried nothing
    size_t warning_alerts = 0;
    // The first byte of an alert split across records (RFC 5246 6.2.1).
    std::optional<uint8_t> alert_in;
    // The peer's requests to renegotiate, each refused with no_renegotiation (apart from
    // warning_alerts, which counts the peer's warnings only).
    size_t renegotiation_requests = 0;

    // ---- handshake ----
    HandshakeState state;
    Transcript transcript;
    size_t transcript_before_message = 0;  // transcript length before the message being handled
    const SuiteInfo* suite = nullptr;
    Random client_random{};
    Random server_random{};
    crypto::SecretBytes master_secret;
    std::optional<TrafficKeys> keys;
    uint16_t client_hello_version = 0x0303;  // for the RSA premaster check (RFC 5246 7.4.7.1)
    bool client_offered_ems = false;
    bool sent_server_name = false;             // client: SNI was sent (not for IP literals)
    bool offered_encrypt_then_mac = false;     // client: RFC 7366 extension sent
    bool negotiated_encrypt_then_mac = false;  // RFC 7366, CBC suites only
    bool peer_sent_secure_renegotiation = false;

    // ---- resumption ----
    std::string session_key;                         // client: the cache key ("host:port")
    std::shared_ptr<const Session> offered_session;  // client: the session offered
    // This connection's session once there is one: client, the one resumed or stored; server, the
    // one resumed. A fatal alert in the protected phase invalidates it (RFC 5246 7.2).
    std::shared_ptr<const Session> current_session;
    bool session_cached = false;  // server: current session is in the session cache by session_id
    Bytes session_id;             // client: the ID the server gave; server: the ID it gave
    bool offered_ticket_extension = false;  // client
    bool ticket_expected = false;           // client: the server will send NewSessionTicket
    Bytes received_ticket;                  // client: from NewSessionTicket
    uint32_t ticket_lifetime_hint = 0;
    bool issue_ticket = false;  // server: send NewSessionTicket in this handshake

    // ---- outcome ----
    NegotiatedParameters negotiated;
    std::optional<Error> error;
    bool handshake_complete = false;
    bool sent_close = false;
    bool received_close = false;

    // ---- used by the handshake roles ----
    crypto::Random& random() const { return *config.random; }
    // Appends msg, framed with its Msg::kType, to the flight and the transcript. A message that
    // cannot be encoded (a field outside its protocol limits) is an internal_error, and nothing of
    // it is kept: its bytes are never sent.
    template <typename Msg>
    Status send_message(const Msg& msg) {
        const size_t start = handshake_out.size();
        Writer w(handshake_out);
        write_message(w, msg);
        return add_to_flight(start, w.ok(), Msg::kType);
    }
    Status add_to_flight(size_t start, bool encoded, HandshakeType type);
    Status flush_handshake();
    Status send_change_cipher_spec();
    Status send_finished();
    Status check_finished(const HandshakeMessage& message);
    void derive_master_secret(ByteView premaster);
    void derive_keys();
    void activate_write_keys();
    void activate_read_keys();
    Status complete_handshake();
    std::shared_ptr<Session> make_session() const;
    void remember_session();  // role-specific (client.cpp / server.cpp)

    // ---- driven by Connection ----
    void start_client();
    // A configuration mistake found before the first byte: a local error, nothing is sent.
    void refuse_to_start(Error e);
    Status process_records();
    Status process_record(const Record& record);
    Status process_handshake_bytes(ByteView fragment);
    Status process_alerts(ByteView fragment);
    Status process_alert(ByteView alert);
    Status process_change_cipher_spec(ByteView fragment);
    Status process_application_data(ByteView fragment);
    Status dispatch(const Message& message);
    Status fail(Error e);
    void invalidate_session();
    void abandon_handshake();  // close() before the handshake completed
    void send_alert(AlertLevel level, AlertDescription description);
};

// The role-specific handlers (handshake/client.cpp, handshake/server.cpp).
Status send_client_hello(Connection::Impl& c);
Result<HandshakeState> handle_client_message(Connection::Impl& c, HandshakeState state,
                                             const Message& message);
Result<HandshakeState> handle_server_message(Connection::Impl& c, HandshakeState state,
                                             const Message& message);

void remember_client_session(Connection::Impl& c);
void remember_server_session(Connection::Impl& c);
void forget_client_session(Connection::Impl& c);
void forget_server_session(Connection::Impl& c);

Error unexpected(const HandshakeState& state, const Message& message);

}  // namespace tls12
