// The TLS 1.3 key schedule (RFC 8446 7.1), traffic keys (7.3), Finished (4.4.4), KeyUpdate (7.2)
// and resumption PSKs (4.6.1), over HKDF (crypto/hkdf.h).
#pragma once

#include <string>
#include <string_view>

#include <tls12/crypto/bytes.h>
#include <tls12/crypto/hash.h>
#include <tls12/tls/msgs/handshake.h>
#include <tls12/tls/record/protection13.h>
#include <tls12/tls/suites.h>

namespace tls12 {

// RFC 8446 7.1: HKDF-Expand-Label(Secret, Label, Context, Length), with label given without its
// "tls13 " prefix. Throws std::invalid_argument for an empty label, a label or context longer
// than the HkdfLabel fields hold, or a length HKDF-Expand cannot give.
crypto::SecretBytes hkdf_expand_label(crypto::HashAlgorithm hash, ByteView secret,
                                      std::string_view label, ByteView context, size_t length);

// RFC 8446 7.1: Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages), which
// must be a digest of the hash (std::invalid_argument otherwise).
crypto::SecretBytes derive_secret(crypto::HashAlgorithm hash, ByteView secret,
                                  std::string_view label, ByteView transcript_hash);

// The RFC 8446 7.1 schedule of one connection, advanced in order: Early Secret (from the PSK),
// then Handshake Secret (add_shared_secret), then Master Secret (finish_handshake). Only the
// current stage's secret is kept; the one before is wiped when the schedule advances. Asking for
// a secret of another stage, or advancing out of order, is a programming error and throws
// std::logic_error.
class KeySchedule13 {
  public:
    enum class Stage : uint8_t { early, handshake, master };

    // psk: the PSK (for resumption, resumption_psk() of the ticket), or empty for none (then
    // Hash.length zero bytes, RFC 8446 7.1).
    explicit KeySchedule13(crypto::HashAlgorithm hash, ByteView psk = {});

    // Early stage. "res binder" (a resumption PSK) or "ext binder" (an external one): the base
    // key of the PSK binders (RFC 8446 4.2.11.2), for finished_verify_data().
    crypto::SecretBytes binder_key(bool resumption) const;

    // Early -> handshake: the (EC)DHE shared secret.
    void add_shared_secret(ByteView ecdhe);
    // Handshake stage, over Transcript-Hash(ClientHello..ServerHello).
    crypto::SecretBytes client_handshake_traffic_secret(ByteView hash_ch_sh) const;
    crypto::SecretBytes server_handshake_traffic_secret(ByteView hash_ch_sh) const;

    // Handshake -> master.
    void finish_handshake();
    // Master stage, over Transcript-Hash(ClientHello..server Finished).
    crypto::SecretBytes client_application_traffic_secret(ByteView hash_ch_sf) const;
    crypto::SecretBytes server_application_traffic_secret(ByteView hash_ch_sf) const;
    crypto::SecretBytes exporter_master_secret(ByteView hash_ch_sf) const;
    // Master stage, over Transcript-Hash(ClientHello..client Finished).
    crypto::SecretBytes resumption_master_secret(ByteView hash_ch_cf) const;

    crypto::HashAlgorithm hash() const noexcept { return hash_; }
    Stage stage() const noexcept { return stage_; }
    // The Early, Handshake or Master Secret, whichever the stage is (for tests).
    ByteView secret() const noexcept { return secret_.view(); }

  private:
    void expect(Stage stage, const char* what) const;
    // Derive-Secret(current, "derived", "") as the salt, then HKDF-Extract with ikm.
    void advance(Stage next, ByteView ikm);
    crypto::SecretBytes derive(Stage stage, const char* what, std::string_view label,
                               ByteView transcript_hash) const;

    crypto::HashAlgorithm hash_;
    Stage stage_ = Stage::early;
    crypto::SecretBytes secret_;
};

// RFC 8446 7.3: key = HKDF-Expand-Label(secret, "key", "", key_length) and
// iv = HKDF-Expand-Label(secret, "iv", "", 12), with the suite's hash and key length. Throws
// std::logic_error for a suite that is not a TLS 1.3 one.
TrafficKeys13 traffic_keys(const SuiteInfo& suite, ByteView traffic_secret);

// RFC 8446 4.4.4: verify_data = HMAC(finished_key, transcript_hash), finished_key =
// HKDF-Expand-Label(base_key, "finished", "", Hash.length). The base key is a handshake traffic
// secret for Finished, a binder key for PSK binders (4.2.11.2). Compare with
// crypto::constant_time_equal.
Bytes finished_verify_data(crypto::HashAlgorithm hash, ByteView base_key, ByteView transcript_hash);

// RFC 8446 7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "",
// Hash.length).
crypto::SecretBytes next_traffic_secret(crypto::HashAlgorithm hash, ByteView secret);

// RFC 8446 4.6.1: the PSK of a ticket, HKDF-Expand-Label(resumption_master_secret,
// "resumption", ticket_nonce, Hash.length).
crypto::SecretBytes resumption_psk(crypto::HashAlgorithm hash, ByteView resumption_master_secret,
                                   ByteView ticket_nonce);

// An NSS key log line for a TLS 1.3 secret: "<label> <client_random hex> <secret hex>", label one
// of CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
// SERVER_TRAFFIC_SECRET_0, EXPORTER_SECRET.
std::string key_log_line13(std::string_view label, const Random& client_random, ByteView secret);

}  // namespace tls12
