#include <tls12/tls/session.h>

#include <algorithm>
#include <stdexcept>

#include <tls12/crypto/aead.h>
#include <tls12/tls/codec.h>

namespace tls12 {

// ---- ServerSessionCache ----

void ServerSessionCache::store(std::shared_ptr<const Session> session) {
    if (!session || session->id.empty() || capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(session->id); it != entries_.end()) {
        order_.erase(it->second.position);
        entries_.erase(it);
    }
    while (entries_.size() >= capacity_) {
        entries_.erase(order_.back());
        order_.pop_back();
    }
    Bytes id = session->id;
    order_.push_front(id);
    entries_.emplace(std::move(id), Entry{std::move(session), order_.begin()});
}

std::shared_ptr<const Session> ServerSessionCache::find(ByteView id, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(Bytes(id.begin(), id.end()));
    if (it == entries_.end()) return nullptr;
    if (it->second.session->expired(now)) {
        order_.erase(it->second.position);
        entries_.erase(it);
        return nullptr;
    }
    order_.splice(order_.begin(), order_, it->second.position);
    return it->second.session;
}

void ServerSessionCache::remove(ByteView id) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(Bytes(id.begin(), id.end())); it != entries_.end()) {
        order_.erase(it->second.position);
        entries_.erase(it);
    }
}

size_t ServerSessionCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

// ---- ClientSessionCache ----

void ClientSessionCache::store(const std::string& key, std::shared_ptr<const Session> session) {
    if (!session || capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (entries_.erase(key)) order_.remove(key);
    while (entries_.size() >= capacity_) {
        entries_.erase(order_.front());
        order_.pop_front();
    }
    entries_.emplace(key, std::move(session));
    order_.push_back(key);
}

std::shared_ptr<const Session> ClientSessionCache::find(const std::string& key, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second->expired(now)) {
        entries_.erase(it);
        order_.remove(key);
        return nullptr;
    }
    return it->second;
}

void ClientSessionCache::remove(const std::string& key) {
    std::lock_guard lock(mutex_);
    if (entries_.erase(key)) order_.remove(key);
}

void ClientSessionCache::remove(const std::string& key, const Session& session) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || !crypto::constant_time_equal(it->second->master_secret.view(),
                                                             session.master_secret.view()))
        return;
    entries_.erase(it);
    order_.remove(key);
}

size_t ClientSessionCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

// ---- TicketKeys ----

namespace {

constexpr size_t kKeyNameSize = 16;
constexpr size_t kNonceSize = crypto::aead_nonce_size;
// Format 1 seals a TLS 1.2 session without a client certificate; format 2 appends the client's
// chain. Formats 3 and 4 are the same for a TLS 1.3 ticket, whose secret is the PSK (32 or 48
// bytes, the suite's hash length) and which carries its ticket_age_add after the lifetime.
constexpr uint8_t kTicketFormat = 1;
constexpr uint8_t kTicketFormatWithChain = 2;
constexpr uint8_t kTicketFormat13 = 3;
constexpr uint8_t kTicketFormat13WithChain = 4;

crypto::SecretBytes fresh_key(crypto::Random& random) {
    crypto::SecretBytes key(32);
    random.fill(key.span());
    return key;
}

int64_t to_seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

struct TicketKeys::Key {
    std::array<uint8_t, kKeyNameSize> name{};
    crypto::Aead aead;
    TimePoint created;

    Key(crypto::Random& random, TimePoint now)
        : aead(crypto::AeadAlgorithm::aes256_gcm, fresh_key(random).view()), created(now) {
        random.fill(name);
    }
    // A key from outside (a key file): name || AES-256-GCM key.
    explicit Key(ByteView material)
        : aead(crypto::AeadAlgorithm::aes256_gcm, material.subspan(kKeyNameSize)) {
        std::copy_n(material.begin(), kKeyNameSize, name.begin());
    }
};

TicketKeys::TicketKeys(std::shared_ptr<crypto::Random> random,
                       std::chrono::seconds rotation_interval)
    : random_(std::move(random)), rotation_interval_(rotation_interval) {}

TicketKeys::~TicketKeys() = default;

void TicketKeys::rotate(TimePoint now) {
    std::lock_guard lock(mutex_);
    keys_.insert(keys_.begin(), std::make_unique<Key>(*random_, now));
}

void TicketKeys::set_keys(const std::vector<crypto::SecretBytes>& keys) {
    if (keys.empty()) throw std::invalid_argument("TicketKeys::set_keys: no key");
    std::vector<std::unique_ptr<Key>> fresh;
    for (const crypto::SecretBytes& key : keys) {
        if (key.size() != kKeyFileKeySize)
            throw std::invalid_argument("TicketKeys::set_keys: a key of " +
                                        std::to_string(key.size()) + " bytes instead of " +
                                        std::to_string(kKeyFileKeySize));
        fresh.push_back(std::make_unique<Key>(key.view()));
    }
    std::lock_guard lock(mutex_);
    keys_ = std::move(fresh);
    fixed_keys_ = true;
}

void TicketKeys::rotate_if_due(TimePoint now) {
    if (fixed_keys_) return;  // rotated from outside
    if (keys_.empty() || now >= keys_.front()->created + rotation_interval_ ||
        now < keys_.front()->created)
        keys_.insert(keys_.begin(), std::make_unique<Key>(*random_, now));
    // Keep the previous key for one more interval, so tickets it sealed can still be used; by age
    // as well as by count, since an idle server rotates only now, and the key it replaces may be
    // many intervals old.
    while (keys_.size() > 2) keys_.pop_back();
    std::erase_if(keys_, [&](const std::unique_ptr<Key>& key) {
        return now >= key->created + 2 * rotation_interval_;
    });
}

Bytes TicketKeys::seal(const Session& session, TimePoint now) {
    Writer state;
    const bool with_chain = !session.peer_certificates.empty();
    const bool tls13 = session.version == ProtocolVersion::tls13;
    if (tls13)
        state.u8(with_chain ? kTicketFormat13WithChain : kTicketFormat13);
    else
        state.u8(with_chain ? kTicketFormatWithChain : kTicketFormat);
    state.u16(static_cast<uint16_t>(session.suite));
    state.u8(session.extended_master_secret ? 1 : 0);
    state.vec8(session.master_secret.view());
    state.vec8(crypto::as_bytes(session.server_name));
    state.u64(static_cast<uint64_t>(to_seconds(session.created)));
    state.u32(static_cast<uint32_t>(session.lifetime.count()));
    if (tls13) state.u32(session.ticket_age_add);
    if (with_chain) {
        auto chain = state.prefix24();
        for (const Bytes& certificate : session.peer_certificates) state.vec24(certificate, 1);
    }
    Bytes plaintext = state.take();
    if (!state.ok() ||
        kKeyNameSize + kNonceSize + plaintext.size() + crypto::aead_tag_size > kMaxTicketSize) {
        crypto::secure_wipe(plaintext.data(), plaintext.size());
        return {};
    }

    std::lock_guard lock(mutex_);
    rotate_if_due(now);
    Key& key = *keys_.front();
    Bytes ticket(kKeyNameSize + kNonceSize + plaintext.size() + crypto::aead_tag_size);
    std::copy(key.name.begin(), key.name.end(), ticket.begin());
    auto nonce = MutableByteView(ticket).subspan(kKeyNameSize, kNonceSize);
    random_->fill(nonce);
    auto body = MutableByteView(ticket).subspan(kKeyNameSize + kNonceSize, plaintext.size());
    std::copy(plaintext.begin(), plaintext.end(), body.begin());
    crypto::secure_wipe(plaintext.data(), plaintext.size());
    auto tag = MutableByteView(ticket).last(crypto::aead_tag_size);
    key.aead.seal(nonce, ByteView(ticket).first(kKeyNameSize), body, tag);
    return ticket;
}

std::shared_ptr<const Session> TicketKeys::open(ByteView ticket, TimePoint now) {
    if (ticket.size() < kKeyNameSize + kNonceSize + crypto::aead_tag_size) return nullptr;
    Bytes body(ticket.begin() + kKeyNameSize + kNonceSize, ticket.end() - crypto::aead_tag_size);
    {
        std::lock_guard lock(mutex_);
        rotate_if_due(now);
        auto key = std::find_if(keys_.begin(), keys_.end(), [&](const auto& k) {
            return std::equal(k->name.begin(), k->name.end(), ticket.begin());
        });
        if (key == keys_.end()) return nullptr;
        if (!(*key)->aead.open(ticket.subspan(kKeyNameSize, kNonceSize), ticket.first(kKeyNameSize),
                               body, ticket.last(crypto::aead_tag_size)))
            return nullptr;
    }
    Reader r(body);
    auto session = std::make_shared<Session>();
    const uint8_t format = r.u8();
    const bool tls13 = format == kTicketFormat13 || format == kTicketFormat13WithChain;
    const bool with_chain = format == kTicketFormatWithChain || format == kTicketFormat13WithChain;
    if (tls13) session->version = ProtocolVersion::tls13;
    session->suite = static_cast<CipherSuite>(r.u16());
    session->extended_master_secret = r.u8() == 1;
    // A TLS 1.2 master secret is 48 bytes; a TLS 1.3 PSK is its suite's hash length.
    session->master_secret = crypto::SecretBytes(tls13 ? r.vec8(32, 48) : r.vec8(48, 48));
    const ByteView name = r.vec8(0, 255);
    session->server_name.assign(name.begin(), name.end());
    session->created = TimePoint(std::chrono::seconds(static_cast<int64_t>(r.u64())));
    session->lifetime = std::chrono::seconds(r.u32());
    if (tls13) session->ticket_age_add = r.u32();
    if (with_chain) {
        Reader chain = r.sub24(1, kMaxTicketSize);
        while (chain.ok() && !chain.empty()) {
            const ByteView certificate = chain.vec24(1, kMaxTicketSize);
            session->peer_certificates.emplace_back(certificate.begin(), certificate.end());
        }
        if (!chain.ok()) r.fail();
    }
    crypto::secure_wipe(body.data(), body.size());
    if (!r.finish() || format < kTicketFormat || format > kTicketFormat13WithChain ||
        session->expired(now))
        return nullptr;
    return session;
}

}  // namespace tls12
