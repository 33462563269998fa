// The handshake states of both roles, one type each (rustls style). A state's handler consumes it
// and returns the next state; any message a state does not name is unexpected_message, so an
// illegal transition (early CCS, a skipped ServerKeyExchange or Finished) cannot be written.
#pragma once

#include <optional>
#include <variant>

#include <tls12/crypto/kex.h>
#include <tls12/crypto/keys.h>
#include <tls12/tls/config.h>
#include <tls12/tls/msgs/certificate_request.h>
#include <tls12/tls/msgs/server_key_exchange.h>

namespace tls12 {

// A message as the state machine sees it: a whole handshake message, or a ChangeCipherSpec.
struct HandshakeMessage {
    HandshakeType type;
    ByteView body;
    ByteView encoded;  // header + body, as it enters the transcript
};
struct ChangeCipherSpecMessage {};
using Message = std::variant<HandshakeMessage, ChangeCipherSpecMessage>;

// ---- client ----
struct ExpectServerHello {};
struct ExpectCertificate {};
struct ExpectServerKeyExchange {
    crypto::PublicKey server_key;
};
// After the server's key material: an optional CertificateRequest, then ServerHelloDone.
struct ExpectServerHelloDone {
    crypto::PublicKey server_key;
    std::optional<ServerEcdhParams> server_params;  // ECDHE suites
    std::optional<CertificateRequest> certificate_request;
};
// A resumed (abbreviated) handshake skips from ServerHello to the server's NewSessionTicket or
// ChangeCipherSpec, and the client sends its Finished after the server's.
struct ExpectNewSessionTicket {
    bool abbreviated = false;
};
struct ExpectServerChangeCipherSpec {
    bool abbreviated = false;
};
struct ExpectServerFinished {
    bool abbreviated = false;
};

// ---- server ----
struct ExpectClientHello {};
// Mutual TLS: the client's Certificate comes first.
struct ExpectClientCertificate {
    const CertifiedKey* certificate;
    std::optional<crypto::KeyExchange> ephemeral;
};
struct ExpectClientKeyExchange {
    const CertifiedKey* certificate;
    std::optional<crypto::KeyExchange> ephemeral;  // ECDHE suites
    std::optional<crypto::PublicKey> client_key;   // the client presented a certificate
};
// Proof that the client holds its certificate's key.
struct ExpectCertificateVerify {
    crypto::PublicKey client_key;
};
// In a resumed handshake the server has already sent its Finished.
struct ExpectClientChangeCipherSpec {
    bool abbreviated = false;
};
struct ExpectClientFinished {
    bool abbreviated = false;
};

// ---- both ----
struct Established {};
// Failed or fully closed: nothing more is accepted.
struct Closed {};

using HandshakeState =
    std::variant<ExpectServerHello, ExpectCertificate, ExpectServerKeyExchange,
                 ExpectServerHelloDone, ExpectNewSessionTicket, ExpectServerChangeCipherSpec,
                 ExpectServerFinished, ExpectClientHello, ExpectClientCertificate,
                 ExpectClientKeyExchange, ExpectCertificateVerify, ExpectClientChangeCipherSpec,
                 ExpectClientFinished, Established, Closed>;

const char* state_name(const HandshakeState& state) noexcept;

}  // namespace tls12
