// The TLS 1.3 client (RFC 8446), one type per state like TLS 1.2's (client12.h): each state owns
// what has been settled so far and names the messages it accepts (from HandshakeMessages13);
// anything else is unexpected_message. Until the handshake completes, a ChangeCipherSpec from the
// server is ignored (middlebox compatibility, RFC 8446 5 / D.4); after it, it is refused.
//
//   (client::ExpectServerHello, which settles the version)
//     -> [ExpectServerHelloAfterRetry]                     (after a HelloRetryRequest)
//     -> ExpectEncryptedExtensions
//     -> ExpectCertificateOrCertificateRequest -> [ExpectCertificate] -> ExpectCertificateVerify
//     -> ExpectFinished                                     (directly after EE when resuming)
//     -> Established (NewSessionTicket, KeyUpdate, application data)
#pragma once

#include <memory>
#include <optional>
#include <variant>

#include <tls12/crypto/kex.h>
#include <tls12/tls/handshake/dispatch.h>
#include <tls12/tls/handshake/handshake13.h>
#include <tls12/tls/handshake/role_context.h>
#include <tls12/tls/handshake/verified_peer.h>
#include <tls12/tls/session.h>

namespace tls12::client13 {

struct State;

using Context = client::Context;

// What the ClientHello offered for TLS 1.3.
struct Offer13 {
    ClientHello hello;                           // as sent: a HelloRetryRequest rebuilds it
    std::shared_ptr<crypto::KeyExchange> share;  // our key share (its group)
    std::shared_ptr<const Session> psk;          // a TLS 1.3 session offered for resumption
    bool server_name = false;                    // SNI was sent
};

// The ClientHello's TLS 1.3 part: supported_versions, key_share, psk modes, compat session id
// (and a resumption PSK when the cache holds one). Binders are patched by the caller after
// encoding (finish_client_hello).
void offer_tls13(Context& c, ClientHello& hello, Offer13& offer);
// RFC 8446 4.2.11.2: the binders of an offered PSK over the encoded ClientHello (handshake header
// included) minus its binders, written into the encoding; transcript_prefix is what the transcript
// holds before this ClientHello (after a HelloRetryRequest). Nothing happens without a PSK.
Status patch_psk_binders(const Offer13& offer, ByteView transcript_prefix, MutableByteView encoded);

template <typename Self>
struct InHandshake13 {
    using Messages = HandshakeMessages13;
    // RFC 8446 5: a ChangeCipherSpec during the handshake is dropped.
    Result<State> handle(Context& c, ChangeCipherSpecMessage ccs) &&;
};

// The HelloRetryRequest was answered with a second ClientHello.
struct ExpectServerHelloAfterRetry : InHandshake13<ExpectServerHelloAfterRetry> {
    static constexpr const char* kName = "ExpectServerHelloAfterRetry";
    Random client_random{};
    Transcript transcript;  // through the second ClientHello
    Offer13 offer;
    const SuiteInfo* suite = nullptr;  // the HelloRetryRequest's
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<ServerHello>& m) &&;
};

struct ExpectEncryptedExtensions : InHandshake13<ExpectEncryptedExtensions> {
    static constexpr const char* kName = "ExpectEncryptedExtensions";
    Handshake13 hs;
    Offer13 offer;
    bool resumed = false;  // the server accepted our PSK
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<EncryptedExtensions>& m) &&;
};

struct ExpectCertificateOrCertificateRequest
    : InHandshake13<ExpectCertificateOrCertificateRequest> {
    static constexpr const char* kName = "ExpectCertificateOrCertificateRequest";
    Handshake13 hs;
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<CertificateRequest13>& m) &&;
    Result<State> handle(Context& c, const Incoming<Certificate13>& m) &&;
};

struct ExpectCertificate : InHandshake13<ExpectCertificate> {
    static constexpr const char* kName = "ExpectCertificate";
    Handshake13 hs;
    std::optional<CertificateRequest13> request;
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<Certificate13>& m) &&;
};

// The server's chain was verified; now its proof that it holds the key.
struct ExpectCertificateVerify : InHandshake13<ExpectCertificateVerify> {
    static constexpr const char* kName = "ExpectCertificateVerify";
    Handshake13 hs;
    VerifiedPeer server;
    std::optional<CertificateRequest13> request;
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<CertificateVerify>& m) &&;
};

struct ExpectFinished : InHandshake13<ExpectFinished> {
    static constexpr const char* kName = "ExpectFinished";
    Handshake13 hs;
    std::optional<CertificateRequest13> request;
    using InHandshake13::handle;
    Result<State> handle(Context& c, const Incoming<Finished13>& m) &&;
};

struct Established {
    static constexpr const char* kName = "Established";
    static constexpr bool kReadsApplicationData = true;
    using Messages = HandshakeMessages13;
    Traffic13 traffic;
    const SuiteInfo* suite = nullptr;
    crypto::SecretBytes resumption_master_secret;
    size_t tickets_received = 0;
    // RFC 8446 4.6.1: a ticket for a later connection (kept in the session cache).
    Result<State> handle(Context& c, const Incoming<NewSessionTicket13>& m) &&;
    Result<State> handle(Context& c, const Incoming<KeyUpdate>& m) &&;
};

struct State : std::variant<ExpectServerHelloAfterRetry, ExpectEncryptedExtensions,
                            ExpectCertificateOrCertificateRequest, ExpectCertificate,
                            ExpectCertificateVerify, ExpectFinished, Established> {
    using variant::variant;
};

template <typename Self>
Result<State> InHandshake13<Self>::handle(Context&, ChangeCipherSpecMessage) && {
    return State{std::move(static_cast<Self&>(*this))};
}

// A TLS 1.3 ServerHello (not a HelloRetryRequest) answering transcript's last ClientHello
// (client::ExpectServerHello hands it over once supported_versions said TLS 1.3).
Result<State> accept_server_hello(Context& c, const Random& client_random, Transcript transcript,
                                  Offer13 offer, const Incoming<ServerHello>& m,
                                  const SuiteInfo* retry_suite = nullptr);
// A HelloRetryRequest: the second ClientHello goes out.
Result<State> accept_hello_retry_request(Context& c, const Random& client_random,
                                         Transcript transcript, Offer13 offer,
                                         const Incoming<ServerHello>& m);

// Our KeyUpdate, when the application asks for one (Established only; false otherwise).
Status update_keys(Context& c, State& state, bool request_peer_update);
void invalidate_session(Context& c, const State& state);

}  // namespace tls12::client13
