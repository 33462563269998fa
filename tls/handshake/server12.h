// The TLS 1.2 server, one type per state (rustls style): each state owns what has been settled so
// far and names the messages it accepts with a handle() overload; anything else is refused with
// unexpected_message by the generic dispatch (dispatch.h). The order of messages per handshake
// shape is in message_order.h, checked against these states by tests/tls/message_order_test.cpp.
//
//   (server::ExpectClientHello, which settles the version)
//     -> [ExpectClientCertificate] -> ExpectClientKeyExchange -> [ExpectCertificateVerify]
//          -> ExpectClientChangeCipherSpec -> ExpectClientFinished      (full handshake)
//     -> ExpectClientChangeCipherSpec -> ExpectClientFinished           (resumed)
//     -> Established
#pragma once

#include <memory>
#include <optional>
#include <variant>

#include <tls12/crypto/kex.h>
#include <tls12/tls/handshake/context.h>
#include <tls12/tls/handshake/dispatch.h>
#include <tls12/tls/handshake/handshake12.h>
#include <tls12/tls/handshake/role_context.h>
#include <tls12/tls/handshake/verified_peer.h>
#include <tls12/tls/session.h>

namespace tls12::server12 {

struct State;

using Context = server::Context;

// How this connection's session comes about, as our ServerHello said.
struct SessionPlan {
    Bytes session_id;           // ours (or the client's, echoed when resuming); empty: not cached
    bool issue_ticket = false;  // a NewSessionTicket goes before our ChangeCipherSpec
    // The session resumed, and whether it came from our cache by ID (a ticket's cannot be revoked).
    std::shared_ptr<const Session> resumed;
    bool resumed_from_cache = false;
};

// Who sends Finished first: the client in a full handshake, the server when resuming.
enum class Flow : uint8_t { full, resumed };

// The server's side of the key exchange, chosen from the ClientHello: the certificate (its key
// signs ServerKeyExchange or decrypts the RSA premaster) and, for ECDHE, our ephemeral key.
struct ServerKeyShare {
    const CertifiedKey* certificate = nullptr;  // in the config, which outlives the connection
    std::optional<crypto::KeyExchange> ephemeral;
    uint16_t client_hello_version = 0x0303;  // for the RSA premaster check (RFC 5246 7.4.7.1)
};

// Mutual TLS: the client's Certificate comes first (empty when it has none).
struct ExpectClientCertificate {
    static constexpr const char* kName = "ExpectClientCertificate";
    Hellos12 hellos;
    SessionPlan plan;
    ServerKeyShare share;
    Result<State> handle(Context& c, const Incoming<Certificate>& m) &&;
};

struct ExpectClientKeyExchange {
    static constexpr const char* kName = "ExpectClientKeyExchange";
    Hellos12 hellos;
    SessionPlan plan;
    ServerKeyShare share;
    std::optional<VerifiedPeer> client;  // the client's verified chain, when it sent one
    Result<State> handle(Context& c, const Incoming<ClientKeyExchangeBody>& m) &&;
};

// The client's chain was verified; now its proof that it holds the key (RFC 5246 7.4.8).
struct ExpectCertificateVerify {
    static constexpr const char* kName = "ExpectCertificateVerify";
    Hellos12 hellos;
    SessionPlan plan;
    Secrets12 secrets;
    VerifiedPeer client;
    Result<State> handle(Context& c, const Incoming<CertificateVerify>& m) &&;
};

struct ExpectClientChangeCipherSpec {
    static constexpr const char* kName = "ExpectClientChangeCipherSpec";
    Hellos12 hellos;
    SessionPlan plan;
    Secrets12 secrets;
    Flow flow = Flow::full;
    Result<State> handle(Context& c, ChangeCipherSpecMessage ccs) &&;
};

// The client's records are protected now.
struct ExpectClientFinished {
    static constexpr const char* kName = "ExpectClientFinished";
    Hellos12 hellos;
    SessionPlan plan;
    Secrets12 secrets;
    Flow flow = Flow::full;
    Result<State> handle(Context& c, const Incoming<Finished>& m) &&;
};

struct Established {
    static constexpr const char* kName = "Established";
    static constexpr bool kReadsApplicationData = true;
    Bytes cached_session_id;  // this connection's session in our cache (empty: none)
    size_t renegotiation_requests = 0;
    // RFC 5746: renegotiation is refused with a warning; the client may carry on (a client that
    // keeps asking is cut off).
    Result<State> handle(Context& c, const Incoming<ClientHello>& m) &&;
};

struct State
    : std::variant<ExpectClientCertificate, ExpectClientKeyExchange, ExpectCertificateVerify,
                   ExpectClientChangeCipherSpec, ExpectClientFinished, Established> {
    using variant::variant;
};

// A ClientHello that settled on TLS 1.2 (server::ExpectClientHello hands it over): our first
// flight, full or resumed.
Result<State> accept_client_hello(Context& c, const Incoming<ClientHello>& m);

// The session this connection stands for (new, or a resumed one keeping its creation time).
std::shared_ptr<Session> session_to_keep(Context& c, const Hellos12& hellos,
                                         const SessionPlan& plan, const Secrets12& secrets);
// RFC 5077 3.3: a NewSessionTicket carrying that session, into the flight.
Status send_new_session_ticket(Context& c, Hellos12& hellos, const SessionPlan& plan,
                               const Secrets12& secrets);

// RFC 5246 7.2: after a fatal alert in the protected phase, the session this connection resumed
// from our cache, or cached, is removed (tickets cannot be revoked; the client drops its own).
void invalidate_session(Context& c, const State& state);

}  // namespace tls12::server12
