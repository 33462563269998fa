// The TLS 1.3 server (RFC 8446), one type per state like TLS 1.2's (server12.h): each state owns
// what has been settled so far and names the messages it accepts (from HandshakeMessages13).
// Until the handshake completes a ChangeCipherSpec from the client is ignored (middlebox
// compatibility, RFC 8446 5 / D.4); after it, it is refused.
//
//   (server::ExpectClientHello, which settles the version; our flight goes out from there)
//     -> [ExpectClientHelloAfterRetry]                       (after our HelloRetryRequest)
//     -> [ExpectCertificate -> [ExpectCertificateVerify]]    (client certificates asked for)
//     -> ExpectFinished
//     -> Established (KeyUpdate, application data)
#pragma once

#include <optional>
#include <variant>

#include <tls12/tls/handshake/dispatch.h>
#include <tls12/tls/handshake/handshake13.h>
#include <tls12/tls/handshake/role_context.h>
#include <tls12/tls/handshake/verified_peer.h>

namespace tls12::server13 {

struct State;

using Context = server::Context;

template <typename Self>
struct InHandshake13 {
    using Messages = HandshakeMessages13;
    // RFC 8446 5: a ChangeCipherSpec during the handshake is dropped.
    Result<State> handle(Context& c, ChangeCipherSpecMessage ccs) &&;
};

// What our HelloRetryRequest settled, which the second ClientHello must follow.
struct Retry {
    Transcript transcript;  // message_hash(ClientHello1), HelloRetryRequest
    const SuiteInfo* suite = nullptr;
    NamedGroup group = NamedGroup::x25519;
    Bytes cookie;
    Bytes session_id;
    bool sent_compat_ccs = false;
};

struct ExpectClientHelloAfterRetry : InHandshake13<ExpectClientHelloAfterRetry> {
    static constexpr const char* kName = "ExpectClientHelloAfterRetry";
    Retry retry;
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<ClientHello>& m) &&;
};

struct ExpectCertificate : InHandshake13<ExpectCertificate> {
    static constexpr const char* kName = "ExpectCertificate";
    Handshake13 hs;
    ApplicationSecrets13 app;
    bool issue_ticket = false;  // the client can use a ticket (it offered a PSK mode we take)
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<Certificate13>& m) &&;
};

struct ExpectCertificateVerify : InHandshake13<ExpectCertificateVerify> {
    static constexpr const char* kName = "ExpectCertificateVerify";
    Handshake13 hs;
    ApplicationSecrets13 app;
    bool issue_ticket = false;  // the client can use a ticket (it offered a PSK mode we take)
    VerifiedPeer client;
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<CertificateVerify>& m) &&;
};

struct ExpectFinished : InHandshake13<ExpectFinished> {
    static constexpr const char* kName = "ExpectFinished";
    Handshake13 hs;
    ApplicationSecrets13 app;
    bool issue_ticket = false;  // the client can use a ticket (it offered a PSK mode we take)
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<Finished13>& m) &&;
};

struct Established {
    static constexpr const char* kName = "Established";
    static constexpr bool kReadsApplicationData = true;
    using Messages = HandshakeMessages13;
    Traffic13 traffic;
    crypto::SecretBytes resumption_master_secret;
    Result<State> handle(Context& c, const Incoming<KeyUpdate>& m) &&;
};

struct State : std::variant<ExpectClientHelloAfterRetry, ExpectCertificate, ExpectCertificateVerify,
                            ExpectFinished, Established> {
    using variant::variant;
};

template <typename Self>
Result<State> InHandshake13<Self>::handle(Context&, ChangeCipherSpecMessage) && {
    return State{std::move(static_cast<Self&>(*this))};
}

// Whether the ClientHello offers TLS 1.3 (supported_versions lists it).
bool offers_tls13(const ClientHello& hello);
// A ClientHello that settled on TLS 1.3 (server::ExpectClientHello hands it over): our
// HelloRetryRequest, or our whole first flight.
Result<State> accept_client_hello(Context& c, const Incoming<ClientHello>& m);

Status update_keys(Context& c, State& state, bool request_peer_update);
void invalidate_session(Context& c, const State& state);

}  // namespace tls12::server13
