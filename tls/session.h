/// \file
/// Session resumption: session caches and RFC 5077 tickets.
///
/// What a session remembers, the server's session-ID cache, the client's cache, and RFC 5077
/// session tickets sealed under rotating keys. All are shared between connections (through the
/// configs) and are thread-safe.
#pragma once

#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tls12/crypto/bytes.h>
#include <tls12/crypto/random.h>
#include <tls12/tls/types.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

/// A point in time on the system clock (what Clock returns).
using TimePoint = std::chrono::system_clock::time_point;

/// What a session remembers for resumption (RFC 5246 7.3, RFC 5077).
struct Session {
    Bytes id;             ///< Session ID the server assigned (may be empty with tickets).
    Bytes ticket;         ///< Client side: the ticket to present.
    CipherSuite suite{};  ///< The suite it was established with.
    crypto::SecretBytes master_secret;    ///< The 48-byte master secret.
    bool extended_master_secret = false;  ///< Established with RFC 7627.
    std::string server_name;              ///< The SNI it was established for.
    /// The peer's chain: the server's (client side), or the client's when it presented one
    /// (server side: a resumed connection reports it, so the identity survives resumption).
    std::vector<Bytes> peer_certificates;
    TimePoint created{};  ///< Of the full handshake: renewing a ticket does not change it.
    std::chrono::seconds lifetime{0};  ///< How long after created it may be resumed.
    /// TLS 1.2 (master_secret is the master secret) or TLS 1.3 (master_secret is the ticket's
    /// PSK, RFC 8446 4.6.1; ticket or id is its identity).
    ProtocolVersion version = ProtocolVersion::tls12;
    /// TLS 1.3: the ticket's ticket_age_add, which obfuscates the ticket age (RFC 8446 4.6.1).
    uint32_t ticket_age_add = 0;

    /// True outside [created, created + lifetime).
    bool expired(TimePoint now) const { return now < created || now >= created + lifetime; }
};

/// Server side: sessions by ID, bounded (least recently used go first) and timed.
class ServerSessionCache {
  public:
    /// A cache of at most capacity sessions (0: stores nothing).
    explicit ServerSessionCache(size_t capacity = 1024) : capacity_(capacity) {}
    /// Adds or replaces the session under its ID (one without an ID is ignored).
    void store(std::shared_ptr<const Session> session);
    /// The live session with this ID, or nullptr (an expired one is dropped).
    std::shared_ptr<const Session> find(ByteView id, TimePoint now);
    /// Drops the session with this ID, if any.
    void remove(ByteView id);
    /// Number of sessions held.
    size_t size() const;

  private:
    using Order = std::list<Bytes>;
    struct Entry {
        std::shared_ptr<const Session> session;
        Order::iterator position;
    };
    mutable std::mutex mutex_;
    size_t capacity_;
    std::map<Bytes, Entry, crypto::BytesLess> entries_;
    Order order_;  // most recently used first
};

/// Client side: one session per server (key: "host:port"), bounded (oldest go first).
class ClientSessionCache {
  public:
    /// A cache of at most capacity servers (0: stores nothing).
    explicit ClientSessionCache(size_t capacity = 256) : capacity_(capacity) {}
    /// Adds or replaces the session for key.
    void store(const std::string& key, std::shared_ptr<const Session> session);
    /// The live session for key, or nullptr (an expired one is dropped).
    std::shared_ptr<const Session> find(const std::string& key, TimePoint now);
    /// Drops the session for key, if any.
    void remove(const std::string& key);
    /// Removes the entry for key only if it holds `session` (the same master secret: a renewed
    /// ticket is the same session), leaving a newer session another connection stored alone.
    void remove(const std::string& key, const Session& session);
    /// Number of sessions held.
    size_t size() const;

  private:
    mutable std::mutex mutex_;
    size_t capacity_;
    std::map<std::string, std::shared_ptr<const Session>> entries_;
    std::list<std::string> order_;  // oldest first
};

/// RFC 5077 tickets: the session state sealed with AES-256-GCM under a key that rotates every
/// rotation_interval. A key seals for one interval and opens for one more: keys older than two
/// intervals are dropped when a ticket is sealed or opened, however long the server sat idle.
/// Share one TicketKeys between the servers that should accept each other's tickets.
class TicketKeys {
  public:
    /// Keys drawn from random, each sealing for rotation_interval.
    explicit TicketKeys(std::shared_ptr<crypto::Random> random = crypto::system_random(),
                        std::chrono::seconds rotation_interval = std::chrono::hours(12));
    ~TicketKeys();

    /// The ticket for session: key_name(16) || nonce(12) || sealed state || tag(16); empty when
    /// the session does not fit in kMaxTicketSize (a very long client certificate chain).
    Bytes seal(const Session& session, TimePoint now);
    static constexpr size_t kMaxTicketSize = size_t{8} * 1024;  ///< Largest ticket seal() makes.
    /// The session in a ticket; nullptr for anything that is not a live ticket of ours.
    std::shared_ptr<const Session> open(ByteView ticket, TimePoint now);
    /// Forces a rotation now (the old key stays acceptable).
    void rotate(TimePoint now);

    /// Size of one key of a key file: a 16-byte key name, then a 32-byte AES-256-GCM key.
    static constexpr size_t kKeyFileKeySize = 48;

    /// Keys shared by a fleet of servers, from a key file that an outside process rotates (as
    /// nginx's ssl_session_ticket_key and HAProxy's tls-ticket-keys do): one key per line,
    /// base64 of kKeyFileKeySize bytes (`openssl rand -base64 48`); blank lines and lines
    /// starting with '#' are ignored. The first key seals new tickets, every key opens them.
    /// To rotate, write a new file with a fresh key first and the previous ones after it, and
    /// rename it over the old one; each server picks it up at its next reload(). The keys never
    /// rotate by themselves. Throws std::runtime_error naming the file (and line) when the file
    /// is unreadable, empty or malformed.
    static std::shared_ptr<TicketKeys> from_file(
        const std::string& path, std::shared_ptr<crypto::Random> random = crypto::system_random());
    /// Re-reads the key file when it changed since it was last read (another inode, size or
    /// modification time). When the new file is unreadable or malformed the keys in use stay,
    /// the result is false and *error (when given) says why. True when nothing changed or the
    /// new keys are in use; always true for keys that do not come from a file.
    bool reload(std::string* error = nullptr);
    /// Replaces the keys with these (each kKeyFileKeySize bytes: name, then key); the first one
    /// seals, all of them open, and self-rotation stops. Throws std::invalid_argument when the
    /// list is empty or a key has the wrong size.
    void set_keys(const std::vector<crypto::SecretBytes>& keys);
    /// Parses the text of a key file (see from_file()); throws std::runtime_error naming the
    /// offending line.
    static std::vector<crypto::SecretBytes> parse_key_file(std::string_view text);

  private:
    struct Key;
    struct FileState;
    void rotate_if_due(TimePoint now);
    std::mutex mutex_;
    std::shared_ptr<crypto::Random> random_;
    std::chrono::seconds rotation_interval_;
    std::vector<std::unique_ptr<Key>> keys_;  // newest first (from a file: the sealing key first)
    bool fixed_keys_ = false;                 // set_keys(): no self-rotation
    std::shared_ptr<FileState> file_;         // from_file(): where the keys come from
};

}  // namespace tls12
#pragma GCC visibility pop
