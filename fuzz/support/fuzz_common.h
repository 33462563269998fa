// Shared by the fuzz targets and the corpus generator: deterministic configs (fixed seed, fixed
// clock, fresh caches per input) so a crashing input reproduces, and the checked-in test
// certificates under fuzz/data/.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <tls12/crypto/random.h>
#include <tls12/tls/config.h>
#include <tls12/tls/connection.h>
#include <tls12/tls/verifier.h>
#include <tls12/x509/certificate.h>

#ifndef TLS12_FUZZ_DATA_DIR
#error "TLS12_FUZZ_DATA_DIR must point at fuzz/data"
#endif

namespace tls12_fuzz {

inline constexpr uint64_t kSeed = 0x7f3a'11c2'0bad'f00dULL;

// 2030-01-01 00:00:00 UTC: inside the test certificates' validity.
inline std::chrono::system_clock::time_point fixed_now() {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1893456000));
}

inline tls12::CertifiedKey load_certified_key(const std::string& name) {
    const std::string dir = TLS12_FUZZ_DATA_DIR;
    return tls12::CertifiedKey(tls12::x509::load_certificate_chain(dir + "/" + name + "_cert.pem"),
                               std::make_shared<const tls12::crypto::PrivateKey>(
                                   tls12::x509::load_private_key(dir + "/" + name + "_key.pem")));
}

// RSA first (the default, and RSA key exchange), ECDSA P-256 for clients that prefer it.
inline const std::vector<tls12::CertifiedKey>& server_certificates() {
    static const std::vector<tls12::CertifiedKey> certs = {load_certified_key("rsa"),
                                                           load_certified_key("ecdsa")};
    return certs;
}

// A fresh server config per input: same seed, same clock, empty caches, fresh ticket keys. TLS 1.2
// (max_version), as when the corpora were recorded: they hold TLS 1.2 flights, and a
// TLS 1.3-capable server would answer them with another random (RFC 8446 4.1.3's downgrade
// sentinel).
inline std::shared_ptr<const tls12::ServerConfig> server_config(uint64_t seed = kSeed) {
    auto cfg = std::make_shared<tls12::ServerConfig>();
    cfg->max_version = tls12::ProtocolVersion::tls12;
    cfg->certificates = server_certificates();
    cfg->cipher_suites = tls12::supported_cipher_suites();
    cfg->alpn_protocols = {"h2", "http/1.1"};
    cfg->random = tls12::crypto::deterministic_random(seed);
    cfg->clock = fixed_now;
    cfg->session_cache = std::make_shared<tls12::ServerSessionCache>();
    cfg->ticket_keys =
        std::make_shared<tls12::TicketKeys>(tls12::crypto::deterministic_random(seed + 1));
    return cfg;
}

// A fresh client config per input; it accepts any certificate so the fuzzer can get past it. TLS
// 1.2 (max_version), like server_config(): its ClientHello is the one the corpora answer.
inline std::shared_ptr<const tls12::ClientConfig> client_config(uint64_t seed = kSeed) {
    auto cfg = std::make_shared<tls12::ClientConfig>();
    cfg->max_version = tls12::ProtocolVersion::tls12;
    cfg->verifier = tls12::make_insecure_verifier();
    cfg->cipher_suites = tls12::supported_cipher_suites();
    cfg->alpn_protocols = {"h2", "http/1.1"};
    cfg->random = tls12::crypto::deterministic_random(seed);
    cfg->clock = fixed_now;
    cfg->session_cache = std::make_shared<tls12::ClientSessionCache>();
    return cfg;
}

// The same configs with TLS 1.3 on (the *13 targets): a TLS 1.3 client, a server that speaks
// both versions.
inline std::shared_ptr<const tls12::ServerConfig> server_config13(uint64_t seed = kSeed) {
    auto cfg = std::make_shared<tls12::ServerConfig>(*server_config(seed));
    cfg->max_version = tls12::ProtocolVersion::tls13;
    return cfg;
}

inline std::shared_ptr<const tls12::ClientConfig> client_config13(uint64_t seed = kSeed) {
    auto cfg = std::make_shared<tls12::ClientConfig>(*client_config(seed));
    cfg->max_version = tls12::ProtocolVersion::tls13;
    return cfg;
}

inline const char* kServerName = "localhost";

// Splits the input into feed() calls. The first byte picks the chunking: 0 feeds everything at
// once, n > 0 feeds chunks of 1..2n bytes from a small PRNG seeded with n. Returns the rest of
// the input as the stream, and chunk sizes through next().
class Chunker {
  public:
    Chunker(const uint8_t* data, size_t size) {
        if (size > 0) {
            mode_ = data[0];
            state_ = 0x9e3779b9u ^ mode_;
            data_ = data + 1;
            size_ = size - 1;
        }
    }
    // The next chunk, empty when the input is used up.
    tls12::ByteView next() {
        if (pos_ >= size_) return {};
        size_t n = size_ - pos_;
        if (mode_ != 0) {
            state_ ^= state_ << 13;
            state_ ^= state_ >> 17;
            state_ ^= state_ << 5;
            n = std::min<size_t>(n, 1 + state_ % (2u * mode_));
        }
        tls12::ByteView out(data_ + pos_, n);
        pos_ += n;
        return out;
    }

  private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    size_t pos_ = 0;
    uint8_t mode_ = 0;
    uint32_t state_ = 1;
};

// Feeds the stream chunk by chunk, draining output and application data, until the input ends or
// the connection fails. Once the handshake is done it also sends a little data (exercising the
// write side with the negotiated keys).
inline void pump(tls12::Connection& conn, Chunker& chunks) {
    uint8_t sink[4096];
    bool sent = false;
    for (tls12::ByteView chunk = chunks.next(); !chunk.empty(); chunk = chunks.next()) {
        tls12::Status st = conn.feed(chunk);
        (void)conn.take_output();
        while (conn.receive(sink) > 0) {
        }
        if (!st.ok() || conn.failed()) return;
        if (conn.is_handshake_complete() && !sent) {
            sent = true;
            (void)conn.send(tls12::ByteView(reinterpret_cast<const uint8_t*>("ping"), 4));
            (void)conn.take_output();
        }
    }
    conn.close();
    (void)conn.take_output();
}

}  // namespace tls12_fuzz
