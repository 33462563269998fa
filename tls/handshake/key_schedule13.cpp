#include <tls12/tls/handshake/key_schedule13.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include <tls12/crypto/hkdf.h>
#include <tls12/crypto/hmac.h>

namespace tls12 {
namespace {

constexpr std::string_view kLabelPrefix = "tls13 ";
constexpr size_t kMaxHashSize = 64;

// Hash.length zero bytes: the "0" salt and IKM of RFC 8446 7.1.
ByteView zeros(crypto::HashAlgorithm hash) {
    static constexpr std::array<uint8_t, kMaxHashSize> kZeros{};
    return ByteView(kZeros).first(crypto::digest_size(hash));
}

}  // namespace

crypto::SecretBytes hkdf_expand_label(crypto::HashAlgorithm hash, ByteView secret,
                                      std::string_view label, ByteView context, size_t length) {
    // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; } HkdfLabel;
    if (label.empty() || kLabelPrefix.size() + label.size() > 255)
        throw std::invalid_argument("hkdf_expand_label: label of " + std::to_string(label.size()) +
                                    " bytes");
    if (context.size() > 255)
        throw std::invalid_argument("hkdf_expand_label: context of " +
                                    std::to_string(context.size()) + " bytes");
    if (length > 0xFFFF) throw std::invalid_argument("hkdf_expand_label: length over 2^16-1");
    std::array<uint8_t, 2 + 1 + 255 + 1 + 255> info;
    size_t at = 0;
    info[at++] = static_cast<uint8_t>(length >> 8);
    info[at++] = static_cast<uint8_t>(length);
    info[at++] = static_cast<uint8_t>(kLabelPrefix.size() + label.size());
    std::memcpy(info.data() + at, kLabelPrefix.data(), kLabelPrefix.size());
    at += kLabelPrefix.size();
    std::memcpy(info.data() + at, label.data(), label.size());
    at += label.size();
    info[at++] = static_cast<uint8_t>(context.size());
    if (!context.empty()) std::memcpy(info.data() + at, context.data(), context.size());
    at += context.size();
    crypto::SecretBytes out(length);
    crypto::hkdf_expand(hash, secret, ByteView(info).first(at), out.span());
    return out;
}

crypto::SecretBytes derive_secret(crypto::HashAlgorithm hash, ByteView secret,
                                  std::string_view label, ByteView transcript_hash) {
    // A context of another length is a caller passing messages (or another hash's digest) where
    // Transcript-Hash(Messages) belongs.
    if (transcript_hash.size() != crypto::digest_size(hash))
        throw std::invalid_argument("derive_secret: a transcript hash of " +
                                    std::to_string(transcript_hash.size()) + " bytes for " +
                                    crypto::to_string(hash));
    return hkdf_expand_label(hash, secret, label, transcript_hash, crypto::digest_size(hash));
}

// ---- KeySchedule13 ----

KeySchedule13::KeySchedule13(crypto::HashAlgorithm hash, ByteView psk)
    : hash_(hash),
      // Early Secret = HKDF-Extract(0, PSK), with PSK = 0 when there is none.
      secret_(crypto::hkdf_extract(hash, zeros(hash), psk.empty() ? zeros(hash) : psk)) {}

void KeySchedule13::expect(Stage stage, const char* what) const {
    static constexpr const char* kNames[] = {"early", "handshake", "master"};
    if (stage_ != stage)
        throw std::logic_error(std::string("KeySchedule13: ") + what + " needs the " +
                               kNames[static_cast<int>(stage)] + " secret, the schedule is at " +
                               kNames[static_cast<int>(stage_)]);
}

void KeySchedule13::advance(Stage next, ByteView ikm) {
    const Bytes empty_hash = crypto::hash(hash_, {});
    const crypto::SecretBytes salt = derive_secret(hash_, secret_.view(), "derived", empty_hash);
    secret_ = crypto::hkdf_extract(hash_, salt.view(), ikm);  // the previous secret is wiped
    stage_ = next;
}

crypto::SecretBytes KeySchedule13::derive(Stage stage, const char* what, std::string_view label,
                                          ByteView transcript_hash) const {
    expect(stage, what);
    return derive_secret(hash_, secret_.view(), label, transcript_hash);
}

crypto::SecretBytes KeySchedule13::binder_key(bool resumption) const {
    // RFC 8446 7.1: Derive-Secret(Early Secret, "res binder" | "ext binder", "").
    const Bytes empty_hash = crypto::hash(hash_, {});
    return derive(Stage::early, "binder_key", resumption ? "res binder" : "ext binder", empty_hash);
}

void KeySchedule13::add_shared_secret(ByteView ecdhe) {
    expect(Stage::early, "add_shared_secret");
    advance(Stage::handshake, ecdhe);
}

crypto::SecretBytes KeySchedule13::client_handshake_traffic_secret(ByteView hash_ch_sh) const {
    return derive(Stage::handshake, "client_handshake_traffic_secret", "c hs traffic", hash_ch_sh);
}

crypto::SecretBytes KeySchedule13::server_handshake_traffic_secret(ByteView hash_ch_sh) const {
    return derive(Stage::handshake, "server_handshake_traffic_secret", "s hs traffic", hash_ch_sh);
}

void KeySchedule13::finish_handshake() {
    expect(Stage::handshake, "finish_handshake");
    advance(Stage::master, zeros(hash_));  // Master Secret = HKDF-Extract(derived, 0)
}

crypto::SecretBytes KeySchedule13::client_application_traffic_secret(ByteView hash_ch_sf) const {
    return derive(Stage::master, "client_application_traffic_secret", "c ap traffic", hash_ch_sf);
}

crypto::SecretBytes KeySchedule13::server_application_traffic_secret(ByteView hash_ch_sf) const {
    return derive(Stage::master, "server_application_traffic_secret", "s ap traffic", hash_ch_sf);
}

crypto::SecretBytes KeySchedule13::exporter_master_secret(ByteView hash_ch_sf) const {
    return derive(Stage::master, "exporter_master_secret", "exp master", hash_ch_sf);
}

crypto::SecretBytes KeySchedule13::resumption_master_secret(ByteView hash_ch_cf) const {
    return derive(Stage::master, "resumption_master_secret", "res master", hash_ch_cf);
}

// ---- keys from secrets ----

TrafficKeys13 traffic_keys(const SuiteInfo& suite, ByteView traffic_secret) {
    if (!suite.tls13())
        throw std::logic_error("traffic_keys: " + to_string(suite.suite) +
                               " is not a TLS 1.3 suite");
    return TrafficKeys13{
        hkdf_expand_label(suite.prf_hash, traffic_secret, "key", {}, suite.key_size),
        hkdf_expand_label(suite.prf_hash, traffic_secret, "iv", {}, suite.fixed_iv_size)};
}

Bytes finished_verify_data(crypto::HashAlgorithm hash, ByteView base_key,
                           ByteView transcript_hash) {
    const crypto::SecretBytes finished_key =
        hkdf_expand_label(hash, base_key, "finished", {}, crypto::digest_size(hash));
    return crypto::hmac(hash, finished_key.view(), transcript_hash);
}

crypto::SecretBytes next_traffic_secret(crypto::HashAlgorithm hash, ByteView secret) {
    return hkdf_expand_label(hash, secret, "traffic upd", {}, crypto::digest_size(hash));
}

crypto::SecretBytes resumption_psk(crypto::HashAlgorithm hash, ByteView resumption_master_secret,
                                   ByteView ticket_nonce) {
    return hkdf_expand_label(hash, resumption_master_secret, "resumption", ticket_nonce,
                             crypto::digest_size(hash));
}

std::string key_log_line13(std::string_view label, const Random& client_random, ByteView secret) {
    return std::string(label) + " " + crypto::to_hex(client_random) + " " + crypto::to_hex(secret);
}

}  // namespace tls12
