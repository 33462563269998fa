// The TLS 1.2 key schedule (RFC 5246 sections 6.3, 7.4.9, 8.1; RFC 7627 section 4).
#pragma once

#include <array>
#include <memory>

#include <tls12/crypto/bytes.h>
#include <tls12/tls/msgs/handshake.h>
#include <tls12/tls/record/protection.h>
#include <tls12/tls/suites.h>

namespace tls12 {

constexpr size_t kMasterSecretSize = 48;

// master_secret = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47]
crypto::SecretBytes derive_master_secret(const SuiteInfo& suite, ByteView premaster,
                                         const Random& client_random, const Random& server_random);

// RFC 7627 4: PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
crypto::SecretBytes derive_extended_master_secret(const SuiteInfo& suite, ByteView premaster,
                                                  ByteView session_hash);

// The record keys of one connection (AEAD suites have no MAC keys, CBC suites no fixed IVs).
struct TrafficKeys {
    crypto::SecretBytes client_mac_key, server_mac_key, client_key, server_key, client_iv,
        server_iv;

    DirectionKeys client() const {
        return {client_mac_key.view(), client_key.view(), client_iv.view()};
    }
    DirectionKeys server() const {
        return {server_mac_key.view(), server_key.view(), server_iv.view()};
    }

    // Protection that can both seal and open one direction's records: for tests and tools that
    // play both ends (the engine keys each direction for one use only).
    std::unique_ptr<RecordProtection> client_protection(const SuiteInfo& suite,
                                                        bool encrypt_then_mac = false) const;
    std::unique_ptr<RecordProtection> server_protection(const SuiteInfo& suite,
                                                        bool encrypt_then_mac = false) const;
};

// key_block = PRF(master_secret, "key expansion", server_random + client_random)
TrafficKeys derive_traffic_keys(const SuiteInfo& suite, const crypto::SecretBytes& master_secret,
                                const Random& client_random, const Random& server_random);

// What a TLS 1.2 handshake has once its key exchange is done (or a session is resumed): the
// master secret, for the Finished messages and the session, and the key block for both
// directions. A state that needs keys holds one of these, so it cannot exist without them.
struct Secrets12 {
    crypto::SecretBytes master_secret;
    TrafficKeys keys;
};
Secrets12 derive_secrets(const SuiteInfo& suite, crypto::SecretBytes master_secret,
                         const Random& client_random, const Random& server_random);

// verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]
std::array<uint8_t, kVerifyDataSize> compute_verify_data(const SuiteInfo& suite,
                                                         const crypto::SecretBytes& master_secret,
                                                         bool from_client,
                                                         ByteView transcript_hash);

// NSS key log line: "CLIENT_RANDOM <client_random hex> <master_secret hex>".
std::string key_log_line(const Random& client_random, const crypto::SecretBytes& master_secret);

}  // namespace tls12
