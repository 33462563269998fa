// The TLS 1.2 client, one type per state (rustls style). Each state owns what has been settled so
// far and names the messages it accepts with a handle() overload; anything else is refused with
// unexpected_message by the generic dispatch (dispatch.h). A handler consumes its state and
// returns the next one. The order of messages per handshake shape is in message_order.h, checked
// against these states by tests/tls/message_order_test.cpp.
//
//   (client::ExpectServerHello, which settles the version)
//     -> ExpectCertificate -> [ExpectServerKeyExchange] -> ExpectServerHelloDone
//          -> [ExpectServerHelloDoneAfterCertificateRequest]            (full handshake)
//     -> [ExpectNewSessionTicket] -> ExpectServerChangeCipherSpec -> ExpectServerFinished
//     -> Established
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <tls12/tls/handshake/context.h>
#include <tls12/tls/handshake/dispatch.h>
#include <tls12/tls/handshake/handshake12.h>
#include <tls12/tls/handshake/role_context.h>
#include <tls12/tls/handshake/verified_peer.h>
#include <tls12/tls/session.h>

namespace tls12::client12 {

struct State;

using Context = client::Context;

// What the ClientHello offered that the ServerHello may answer.
struct Offer {
    std::shared_ptr<const Session> session;  // offered for resumption (by ticket or by ID)
    Bytes session_id;                        // the session's ID, or a fresh one with a ticket
    bool server_name = false;                // SNI was sent (never for IP literals)
    bool session_ticket = false;             // the session_ticket extension was sent
    bool encrypt_then_mac = false;           // RFC 7366 was sent (only with CBC suites)
};

// How this connection's session comes about, as the ServerHello said.
struct SessionPlan {
    Bytes session_id;                        // the server's (empty: not cached by ID)
    bool ticket_follows = false;             // a NewSessionTicket comes before its CCS
    std::shared_ptr<const Session> resumed;  // the offered session, when the server took it
};

// A ticket the server sent (RFC 5077 3.3).
struct NewTicket {
    Bytes ticket;
    uint32_t lifetime_hint = 0;
};

// Who sends Finished first: the client in a full handshake, the server when resuming.
enum class Flow : uint8_t { full, resumed };

// Every state before Established ignores a HelloRequest (RFC 5246 7.4.1.1; it is not part of the
// transcript either).
template <typename Self>
struct InHandshake {
    Result<State> handle(Context& c, const Incoming<HelloRequest>& m) &&;
};

struct ExpectCertificate : InHandshake<ExpectCertificate> {
    static constexpr const char* kName = "ExpectCertificate";
    Hellos12 hellos;
    SessionPlan plan;
    using InHandshake::handle;
    Result<State> handle(Context& c, const Incoming<Certificate>& m) &&;
};

// ECDHE suites: the server's ephemeral key, signed with the key of the chain verified before.
struct ExpectServerKeyExchange : InHandshake<ExpectServerKeyExchange> {
    static constexpr const char* kName = "ExpectServerKeyExchange";
    Hellos12 hellos;
    SessionPlan plan;
    VerifiedPeer server;
    using InHandshake::handle;
    Result<State> handle(Context& c, const Incoming<ServerKeyExchange>& m) &&;
};

// The server's key exchange is settled: its verified RSA key, or ECDHE parameters whose signature
// checked. Next an optional CertificateRequest, then ServerHelloDone.
struct ExpectServerHelloDone : InHandshake<ExpectServerHelloDone> {
    static constexpr const char* kName = "ExpectServerHelloDone";
    Hellos12 hellos;
    SessionPlan plan;
    VerifiedPeer server;
    std::optional<ServerEcdhParams> ecdhe;  // ECDHE suites
    using InHandshake::handle;
    Result<State> handle(Context& c, const Incoming<CertificateRequest>& m) &&;
    Result<State> handle(Context& c, const Incoming<ServerHelloDone>& m) &&;
};

struct ExpectServerHelloDoneAfterCertificateRequest
    : InHandshake<ExpectServerHelloDoneAfterCertificateRequest> {
    static constexpr const char* kName = "ExpectServerHelloDoneAfterCertificateRequest";
    Hellos12 hellos;
    SessionPlan plan;
    VerifiedPeer server;
    std::optional<ServerEcdhParams> ecdhe;
    CertificateRequest request;
    using InHandshake::handle;
    Result<State> handle(Context& c, const Incoming<ServerHelloDone>& m) &&;
};

struct ExpectNewSessionTicket : InHandshake<ExpectNewSessionTicket> {
    static constexpr const char* kName = "ExpectNewSessionTicket";
    Hellos12 hellos;
    SessionPlan plan;
    Secrets12 secrets;
    Flow flow = Flow::full;
    using InHandshake::handle;
    Result<State> handle(Context& c, const Incoming<NewSessionTicket>& m) &&;
};

struct ExpectServerChangeCipherSpec : InHandshake<ExpectServerChangeCipherSpec> {
    static constexpr const char* kName = "ExpectServerChangeCipherSpec";
    Hellos12 hellos;
    SessionPlan plan;
    Secrets12 secrets;
    Flow flow = Flow::full;
    std::optional<NewTicket> ticket;
    using InHandshake::handle;
    Result<State> handle(Context& c, ChangeCipherSpecMessage ccs) &&;
};

// The server's records are protected now.
struct ExpectServerFinished : InHandshake<ExpectServerFinished> {
    static constexpr const char* kName = "ExpectServerFinished";
    Hellos12 hellos;
    SessionPlan plan;
    Secrets12 secrets;
    Flow flow = Flow::full;
    std::optional<NewTicket> ticket;
    using InHandshake::handle;
    Result<State> handle(Context& c, const Incoming<Finished>& m) &&;
};

struct Established {
    static constexpr const char* kName = "Established";
    static constexpr bool kReadsApplicationData = true;
    std::shared_ptr<const Session> session;  // this connection's, once cached or resumed
    size_t renegotiation_requests = 0;
    // RFC 5746 / RFC 5246 7.4.1.1: we never renegotiate; the server is told and the session goes
    // on (a peer that keeps asking is cut off).
    Result<State> handle(Context& c, const Incoming<HelloRequest>& m) &&;
};

struct State : std::variant<ExpectCertificate, ExpectServerKeyExchange, ExpectServerHelloDone,
                            ExpectServerHelloDoneAfterCertificateRequest, ExpectNewSessionTicket,
                            ExpectServerChangeCipherSpec, ExpectServerFinished, Established> {
    using variant::variant;
};

template <typename Self>
Result<State> InHandshake<Self>::handle(Context&, const Incoming<HelloRequest>&) && {
    return State{std::move(static_cast<Self&>(*this))};
}

// The ServerHello of a TLS 1.2 handshake, answering what the ClientHello offered (the first
// state, client::ExpectServerHello, hands it over once the version is settled).
Result<State> accept_server_hello(Context& c, const Random& client_random, Transcript transcript,
                                  Offer offer, const Incoming<ServerHello>& m);

// RFC 5246 7.2: after a fatal alert in the protected phase, the session this connection resumed
// or cached is forgotten (and its ticket with it).
void invalidate_session(Context& c, const State& state);

}  // namespace tls12::client12
