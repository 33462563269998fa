// What the TLS 1.3 states of both roles share (RFC 8446): the handshake once the hellos are
// exchanged (suite, transcript, key schedule, handshake traffic secrets), the transcript's
// HelloRetryRequest rule, CertificateVerify's signed content, Finished, the NSS key log lines,
// and the established connection's traffic secrets with KeyUpdate.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include <tls12/crypto/keys.h>
#include <tls12/tls/handshake/context.h>
#include <tls12/tls/handshake/dispatch.h>
#include <tls12/tls/handshake/key_schedule13.h>
#include <tls12/tls/msgs/msgs.h>
#include <tls12/tls/suites.h>

namespace tls12 {

// The handshake after ServerHello: the suite, the transcript so far, the schedule (handshake
// stage until both Finished are settled) and the handshake traffic secrets.
struct Handshake13 {
    const SuiteInfo* suite = nullptr;  // a TLS 1.3 suite, never null
    Random client_random{};            // names the connection in the key log
    Transcript transcript;
    KeySchedule13 schedule;
    crypto::SecretBytes client_handshake_secret;
    crypto::SecretBytes server_handshake_secret;

    crypto::HashAlgorithm hash() const noexcept { return suite->prf_hash; }
    Bytes transcript_hash() const { return transcript.hash(hash()); }
};

// The application traffic secrets, derived over the transcript through the server's Finished.
struct ApplicationSecrets13 {
    crypto::SecretBytes client;
    crypto::SecretBytes server;
};

// RFC 8446 4.4.1: after a HelloRetryRequest the first ClientHello is replaced in the transcript
// by a message_hash message holding its hash (the transcript holds exactly that ClientHello).
void replace_with_message_hash(Transcript& transcript, crypto::HashAlgorithm hash);

// RFC 8446 4.4.3: 64 spaces, the context string, a zero byte, then the transcript hash.
Bytes certificate_verify_content(bool from_server, ByteView transcript_hash);

// RFC 8446 4.2.3 / 4.4.3: whether scheme may sign a TLS 1.3 CertificateVerify with a key of this
// type: RSA-PSS (rsae) for RSA keys, ECDSA with the curve the scheme names; never PKCS#1 v1.5.
bool scheme_fits_key13(SignatureScheme scheme, crypto::KeyType key) noexcept;
// The first of ours that the peer accepts and that fits the key (TLS 1.3 rules); nullopt if none.
std::optional<SignatureScheme> choose_signature_scheme13(std::span<const SignatureScheme> ours,
                                                         std::span<const SignatureScheme> peer,
                                                         crypto::KeyType key);

// An NSS key log line for a TLS 1.3 secret, when the config asks for it.
void log_secret13(const HandshakeContext& c, std::string_view label, const Random& client_random,
                  ByteView secret);

// Record protection for one direction under a traffic secret.
std::unique_ptr<RecordProtection> protection13(const SuiteInfo& suite, ByteView traffic_secret,
                                               bool for_sealing);

// After ServerHello: the (EC)DHE secret enters the schedule, the handshake traffic secrets are
// derived over ClientHello..ServerHello (already in the transcript) and logged.
void derive_handshake_secrets(const HandshakeContext& c, Handshake13& hs, ByteView shared_secret);

// After the server's Finished joined the transcript: the master secret, the application traffic
// secrets and the exporter secret (logged).
ApplicationSecrets13 derive_application_secrets(const HandshakeContext& c, Handshake13& hs);

// Our Finished (RFC 8446 4.4.4) under our handshake traffic secret, emitted into the flight.
Status send_finished13(HandshakeContext& c, Handshake13& hs, bool from_client);
// The peer's Finished against the transcript before it, in constant time; it then joins the
// transcript.
Status check_finished13(Handshake13& hs, bool from_client, const Finished13& finished,
                        ByteView encoded);

// Our CertificateVerify over the transcript so far, emitted into the flight.
Status send_certificate_verify13(HandshakeContext& c, Handshake13& hs,
                                 const crypto::PrivateKey& key, SignatureScheme scheme,
                                 bool from_server);
// The peer's CertificateVerify: a scheme we offered that fits its key under TLS 1.3's rules,
// and a signature over the transcript before it; it then joins the transcript.
Status check_certificate_verify13(HandshakeContext& c, Handshake13& hs,
                                  const crypto::PublicKey& key,
                                  const Incoming<CertificateVerify>& m, bool from_server);

// The DER chain of a Certificate message (certificate entries' extensions are not used).
std::vector<Bytes> chain_of(const Certificate13& certificate);
// Our chain as a Certificate message.
Certificate13 certificate_message13(const std::vector<Bytes>& chain, Bytes request_context = {});

// The traffic secrets of an established connection, advanced by KeyUpdate (RFC 8446 4.6.3).
struct Traffic13 {
    const SuiteInfo* suite = nullptr;
    crypto::SecretBytes ours;   // our current application traffic secret
    crypto::SecretBytes peers;  // the peer's
    size_t key_updates_received = 0;

    // The peer's KeyUpdate: its next secret opens what follows; when it asks, we answer with
    // our own KeyUpdate (update_not_requested) and switch our keys after it.
    Status receive(HandshakeContext& c, const KeyUpdate& update);
    // Our KeyUpdate goes out under the current keys; what follows is sealed with the next.
    Status send(HandshakeContext& c, KeyUpdateRequest request);
};

// Our KeyUpdate when the application asks for one: only a role's Established state has the
// traffic secrets to advance; any other state is internal_error.
template <typename Established, typename State>
Status send_key_update(HandshakeContext& c, State& state, bool request_peer_update) {
    auto* established = std::get_if<Established>(&state);
    if (!established)
        return local_error(AlertDescription::internal_error,
                           "KeyUpdate before the handshake completed");
    return established->traffic.send(c, request_peer_update
                                            ? KeyUpdateRequest::update_requested
                                            : KeyUpdateRequest::update_not_requested);
}

}  // namespace tls12
