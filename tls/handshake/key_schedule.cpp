#include <tls12/tls/handshake/key_schedule.h>

#include <cstring>

#include <tls12/crypto/prf.h>
#include <tls12/tls/record/cbc_protection.h>

namespace tls12 {
namespace {

template <size_t N>
std::array<uint8_t, 2 * N> concat(const std::array<uint8_t, N>& a,
                                  const std::array<uint8_t, N>& b) {
    std::array<uint8_t, 2 * N> out{};
    std::memcpy(out.data(), a.data(), N);
    std::memcpy(out.data() + N, b.data(), N);
    return out;
}

crypto::SecretBytes take(ByteView block, size_t& offset, size_t n) {
    crypto::SecretBytes out(block.subspan(offset, n));
    offset += n;
    return out;
}

}  // namespace

crypto::SecretBytes derive_master_secret(const SuiteInfo& suite, ByteView premaster,
                                         const Random& client_random, const Random& server_random) {
    crypto::SecretBytes master(kMasterSecretSize);
    crypto::tls12_prf(suite.prf_hash, premaster, "master secret",
                      concat(client_random, server_random), master.span());
    return master;
}

crypto::SecretBytes derive_extended_master_secret(const SuiteInfo& suite, ByteView premaster,
                                                  ByteView session_hash) {
    crypto::SecretBytes master(kMasterSecretSize);
    crypto::tls12_prf(suite.prf_hash, premaster, "extended master secret", session_hash,
                      master.span());
    return master;
}

TrafficKeys derive_traffic_keys(const SuiteInfo& suite, const crypto::SecretBytes& master_secret,
                                const Random& client_random, const Random& server_random) {
    // RFC 5246 6.3: client_write_MAC_key, server_write_MAC_key (none for AEAD), client_write_key,
    // server_write_key, client_write_IV, server_write_IV (none for CBC).
    const size_t total = 2 * suite.mac_key_size + 2 * suite.key_size + 2 * suite.fixed_iv_size;
    crypto::SecretBytes block(total);
    crypto::tls12_prf(suite.prf_hash, master_secret.view(), "key expansion",
                      concat(server_random, client_random), block.span());
    size_t offset = 0;
    TrafficKeys keys;
    keys.client_mac_key = take(block.view(), offset, suite.mac_key_size);
    keys.server_mac_key = take(block.view(), offset, suite.mac_key_size);
    keys.client_key = take(block.view(), offset, suite.key_size);
    keys.server_key = take(block.view(), offset, suite.key_size);
    keys.client_iv = take(block.view(), offset, suite.fixed_iv_size);
    keys.server_iv = take(block.view(), offset, suite.fixed_iv_size);
    return keys;
}

Secrets12 derive_secrets(const SuiteInfo& suite, crypto::SecretBytes master_secret,
                         const Random& client_random, const Random& server_random) {
    TrafficKeys keys = derive_traffic_keys(suite, master_secret, client_random, server_random);
    return Secrets12{std::move(master_secret), std::move(keys)};
}

namespace {
std::unique_ptr<RecordProtection> two_way(const SuiteInfo& suite, const DirectionKeys& keys,
                                          bool encrypt_then_mac) {
    if (suite.cbc()) {
        static const std::shared_ptr<crypto::Random> random = crypto::system_random();
        return std::make_unique<CbcProtection>(suite, keys.mac_key, keys.key,
                                               crypto::AeadUse::seal_and_open, encrypt_then_mac,
                                               *random);
    }
    return std::make_unique<AeadProtection>(suite, keys.key, keys.iv,
                                            crypto::AeadUse::seal_and_open);
}
}  // namespace

std::unique_ptr<RecordProtection> TrafficKeys::client_protection(const SuiteInfo& suite,
                                                                 bool encrypt_then_mac) const {
    return two_way(suite, client(), encrypt_then_mac);
}

std::unique_ptr<RecordProtection> TrafficKeys::server_protection(const SuiteInfo& suite,
                                                                 bool encrypt_then_mac) const {
    return two_way(suite, server(), encrypt_then_mac);
}

std::array<uint8_t, kVerifyDataSize> compute_verify_data(const SuiteInfo& suite,
                                                         const crypto::SecretBytes& master_secret,
                                                         bool from_client,
                                                         ByteView transcript_hash) {
    std::array<uint8_t, kVerifyDataSize> out{};
    crypto::tls12_prf(suite.prf_hash, master_secret.view(),
                      from_client ? "client finished" : "server finished", transcript_hash, out);
    return out;
}

std::string key_log_line(const Random& client_random, const crypto::SecretBytes& master_secret) {
    return "CLIENT_RANDOM " + crypto::to_hex(client_random) + " " +
           crypto::to_hex(master_secret.view());
}

}  // namespace tls12
