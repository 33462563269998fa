/// \file
/// Client and server configurations: immutable once shared (as std::shared_ptr<const ...Config>),
/// with secure defaults.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tls12/crypto/keys.h>
#include <tls12/crypto/random.h>
#include <tls12/tls/error.h>
#include <tls12/tls/session.h>
#include <tls12/tls/types.h>
#include <tls12/tls/verifier.h>
#include <tls12/x509/hostname.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

/// Guards against peers that try to exhaust memory or spin the engine.
struct Limits {
    /// Largest ClientHello, in bytes. Handshake messages are bounded by size (what a peer can make
    /// us buffer), per type; a message announced longer than its limit is refused at its header
    /// (illegal_parameter). The ClientHello default is the largest one the wire format allows
    /// (every vector at its maximum: 131396 bytes, also OpenSSL 3's limit), so any number of
    /// extensions fits.
    size_t max_client_hello = 131396;
    size_t max_certificate_message =
        size_t{256} * 1024;  ///< Largest Certificate message, in bytes.
    size_t max_handshake_message =
        size_t{64} * 1024;          ///< Largest other handshake message, in bytes.
    size_t max_chain_length = 10;   ///< Most certificates a peer may send.
    size_t max_empty_records = 32;  ///< Consecutive records that carry no data.
    /// Warning alerts from the peer over the connection's life; the peer's requests to renegotiate
    /// (each refused with a no_renegotiation warning) are capped at the same number, counted apart.
    size_t max_warning_alerts = 8;
    /// TLS 1.3 KeyUpdate messages from the peer over the connection's life (RFC 8446 4.6.3).
    size_t max_key_updates = 128;
    /// TLS 1.3: records sealed under one key before we update it with a KeyUpdate (RFC 8446 5.5);
    /// 0 means the AEAD's limit (2^24.5 records for AES-GCM).
    uint64_t records_per_key = 0;
    /// TLS 1.3 server: bytes of early data (0-RTT, which is never accepted) skipped before the
    /// handshake goes on (RFC 8446 4.2.10); a client that sends more is refused with
    /// unexpected_message. Counted per record as its encrypted_record less 17 bytes (tag and type).
    size_t max_skipped_early_data = 16384;
};

/// Whether the extended master secret (RFC 7627) is optional or required.
enum class ExtendedMasterSecret : uint8_t {
    prefer,   ///< Negotiate RFC 7627 when the peer offers it (default).
    require,  ///< Refuse peers without it (handshake_failure).
};

/// A certificate chain (DER, leaf first) and its private key, with what a server needs to know
/// about the leaf to pick it for a client: its names, read once here, so a handshake never parses
/// a configured certificate. Immutable once made.
class CertifiedKey {
  public:
    /// An empty one (no chain, no key): refused by the configs' validate().
    CertifiedKey() = default;
    /// Reads the leaf's names. Never throws for the chain: a leaf that does not parse is kept as
    /// given, with problem() saying why, and the config's validate() refuses it when a Connection
    /// is made (so the failure has a reason naming the field).
    CertifiedKey(std::vector<Bytes> chain, std::shared_ptr<const crypto::PrivateKey> key);

    /// Loads a PEM chain and its key; throws std::runtime_error with a readable reason when a
    /// file is unreadable, encrypted, or the key does not match the certificate.
    static CertifiedKey from_pem_files(const std::string& chain_file, const std::string& key_file);

    /// The chain, DER, leaf first.
    const std::vector<Bytes>& chain() const noexcept { return chain_; }
    /// The leaf's private key.
    const std::shared_ptr<const crypto::PrivateKey>& key() const noexcept { return key_; }
    /// The leaf's subjectAltName names (RFC 6125: the only names a certificate is valid for).
    const x509::SubjectNames& names() const noexcept { return names_; }
    /// Why the leaf cannot be read (empty when it can, or when there is no leaf).
    const std::string& problem() const noexcept { return problem_; }

  private:
    std::vector<Bytes> chain_;
    std::shared_ptr<const crypto::PrivateKey> key_;
    x509::SubjectNames names_;
    std::string problem_;
};

/// Whether a server asks clients for a certificate (mutual TLS): none (no CertificateRequest),
/// request (ask, but accept a client without one) or require (refuse a client without one).
enum class ClientAuth : uint8_t { none, request, require };

/// The current time. Comes in through the config so tests can set it.
using Clock = std::function<std::chrono::system_clock::time_point()>;
/// Receives NSS key log lines ("CLIENT_RANDOM <hex> <hex>"), opt-in only: whoever reads them can
/// decrypt the connection.
using KeyLogCallback = std::function<void(const std::string& line)>;

/// The suites every config starts from: forward-secret AEAD suites first, RSA key exchange last,
/// no CBC.
std::vector<CipherSuite> default_cipher_suites();
/// The groups every config starts from: x25519, secp256r1, secp384r1.
std::vector<NamedGroup> default_groups();
/// The signature schemes every config starts from: ECDSA, then RSA-PSS, then RSA PKCS#1 v1.5
/// (SHA-256/384/512; no SHA-1).
std::vector<SignatureScheme> default_signature_schemes();
/// The TLS 1.3 suites every config starts from: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305.
std::vector<CipherSuite> default_tls13_cipher_suites();
/// Every suite the engine implements, in default preference order (including opt-in ones).
std::vector<CipherSuite> supported_cipher_suites();
/// Legacy CBC suites (RFC 5246 HMAC-SHA1/SHA-256 with AES-CBC) are opt-in: a config gets them
/// only by listing them in cipher_suites, by name or with this helper, which appends every CBC
/// suite not yet in suites (after them, so AEAD suites keep precedence).
std::vector<CipherSuite> with_legacy_cbc(std::vector<CipherSuite> suites);

/// What client and server configurations share.
struct CommonConfig {
    /// Suites in preference order.
    std::vector<CipherSuite> cipher_suites = default_cipher_suites();
    /// The lowest protocol version negotiated: TLS 1.2, or TLS 1.3 to refuse TLS 1.2 peers.
    ProtocolVersion min_version = ProtocolVersion::tls12;
    /// The highest protocol version negotiated (RFC 8446 4.2.1): TLS 1.3 by default, so a peer
    /// that speaks both gets TLS 1.3 and a TLS 1.2-only peer still gets TLS 1.2; set TLS 1.2 to
    /// offer (client) or accept (server) TLS 1.2 alone.
    ProtocolVersion max_version = ProtocolVersion::tls13;
    /// TLS 1.3 suites in preference order (used when TLS 1.3 is negotiated).
    std::vector<CipherSuite> tls13_cipher_suites = default_tls13_cipher_suites();
    /// ECDHE groups in preference order.
    std::vector<NamedGroup> groups = default_groups();
    /// Signature schemes we accept from the peer and sign with, in preference order.
    std::vector<SignatureScheme> signature_schemes = default_signature_schemes();
    /// prefer or require the extended master secret (RFC 7627).
    ExtendedMasterSecret extended_master_secret = ExtendedMasterSecret::prefer;
    /// Offer (client) / accept (server) encrypt-then-MAC (RFC 7366) for CBC suites. Turning it
    /// off leaves CBC suites with MAC-then-encrypt; it has no effect on AEAD suites.
    bool encrypt_then_mac = true;
    /// TLS 1.3 (RFC 8446 4.2.9): allow resumption without a fresh (EC)DHE exchange (psk_ke): no
    /// forward secrecy for the resumed session (its keys come from the ticket's secret alone).
    /// Off by default. A client then offers psk_ke besides psk_dhe_ke; a server accepts it only
    /// when the client does not offer psk_dhe_ke, which it always prefers.
    bool allow_psk_ke = false;
    /// ALPN protocol names (RFC 7301) in preference order; empty: no ALPN.
    std::vector<std::string> alpn_protocols;
    Limits limits;  ///< Bounds on what a peer can make us do.
    /// Randomness for nonces, keys and padding.
    std::shared_ptr<crypto::Random> random = crypto::system_random();
    /// The time, for certificate validity and session lifetimes.
    Clock clock = [] { return std::chrono::system_clock::now(); };
    /// Key log (SSLKEYLOGFILE format); empty: nothing is logged.
    KeyLogCallback key_log;

    /// Checks the fields both roles share. They must fit what this library implements and what
    /// the protocol can carry: non-empty lists of implemented cipher suites, groups and signature
    /// schemes; ALPN names of 1 to 255 bytes in a list within its 16-bit length field; a random
    /// source and a clock. The Error (internal_error) names the offending field.
    Status validate() const;
};

/// A client's configuration. Build one, set verifier, and share it as
/// `std::shared_ptr<const ClientConfig>` between connections (the session cache carries over).
struct ClientConfig : CommonConfig {
    /// Who decides whether the server is trusted, usually make_x509_verifier(). Required: a
    /// client without one refuses to start (use make_insecure_verifier() explicitly to skip
    /// verification).
    std::shared_ptr<const CertificateVerifier> verifier;
    /// Turns host name verification off (it is on by default). While it is on,
    /// Connection::client refuses an empty server name, since the certificate could then not be
    /// matched to any host. Setting this turns the check off for every connection of this config:
    /// any certificate the verifier accepts (e.g. any one from a trusted CA) is accepted for any
    /// server. Only for verifiers that pin the expected certificate or key themselves; a
    /// non-empty server name is still sent as SNI.
    bool skip_host_name_verification = false;
    /// Sent as TLS_FALLBACK_SCSV when this is a fallback connection (RFC 7507).
    bool fallback = false;
    /// Presented when a server asks for a client certificate (mutual TLS).
    std::optional<CertifiedKey> certificate;
    /// Sessions to resume, by the session key given to Connection::client() (nullptr: never
    /// resume). Only sessions with the extended master secret are kept (RFC 7627 5.3).
    std::shared_ptr<ClientSessionCache> session_cache = std::make_shared<ClientSessionCache>();
    /// Ask for and present RFC 5077 session tickets.
    bool session_tickets = true;

    /// Checks the configuration: CommonConfig::validate(), a verifier, and a client certificate
    /// (when set) with a chain and a key. Connection::client() calls it (and checks the server name
    /// it is given: an IP literal, or a DNS host name of at most 253 bytes, RFC 6066 3) and fails
    /// the connection with the Error before anything is sent.
    Status validate() const;
};

/// A server's configuration: its certificates and policies, shared as
/// `std::shared_ptr<const ServerConfig>` between connections (sessions and tickets carry over).
struct ServerConfig : CommonConfig {
    /// One or more certificates; the first is the default, others are picked by SNI and by the
    /// client's signature_algorithms.
    std::vector<CertifiedKey> certificates;
    /// Mutual TLS: ask for (request) or insist on (require) a client certificate, verified by
    /// client_verifier for the clientAuth purpose.
    ClientAuth client_auth = ClientAuth::none;
    /// Verifies client certificates; required when client_auth is not none.
    std::shared_ptr<const CertificateVerifier> client_verifier;

    /// Session-ID cache for resumption (nullptr: off). Only sessions with the extended master
    /// secret get an ID or a ticket (RFC 7627 5.3). A session keeps the client's certificate
    /// chain, which a resumed connection reports again; it resumes only where a full handshake
    /// would accept that identity now (a chain while client_auth asks for one and
    /// client_verifier still accepts it, no chain unless client_auth is require).
    std::shared_ptr<ServerSessionCache> session_cache = std::make_shared<ServerSessionCache>();
    /// RFC 5077 ticket keys (nullptr: no tickets).
    std::shared_ptr<TicketKeys> ticket_keys = std::make_shared<TicketKeys>();
    /// Where TLS 1.3 tickets (RFC 8446 4.6.1) live. false (the default): in session_cache under a
    /// random identity, so each resumes once, on this server only. true: sealed under
    /// ticket_keys, so every server sharing the keys (a key file, TicketKeys::from_file())
    /// resumes them; such a ticket is no longer single-use and resumes until it expires. Without
    /// 0-RTT that costs no security: a resumed handshake still needs the PSK for the binder and
    /// the Finished, and psk_dhe_ke still brings a fresh (EC)DHE secret.
    bool tls13_tickets_in_ticket_keys = false;
    /// How long a session may be resumed, counted from its full handshake.
    std::chrono::seconds session_lifetime = std::chrono::hours(2);

    /// A config with one certificate: loads a PEM chain and its key; throws std::runtime_error
    /// with a readable reason when a file is unreadable, encrypted, or the key does not match
    /// the certificate.
    static ServerConfig from_pem_files(const std::string& chain_file, const std::string& key_file);

    /// Checks the configuration: CommonConfig::validate(), at least one certificate, each with a
    /// chain that fits a Certificate message and a key, and a client_verifier when client_auth
    /// is on.
    /// Connection::server() calls it and fails the connection with the Error at once.
    Status validate() const;
};

}  // namespace tls12
#pragma GCC visibility pop
