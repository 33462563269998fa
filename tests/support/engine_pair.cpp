#include "support/engine_pair.h"

#include <memory>
#include <stdexcept>

#include "support/pki.h"
#include "tls/x509_verifier.h"
#include "x509/certificate.h"
#include "x509/trust_store.h"

namespace tls12_test {
namespace {

struct LoadedKey {
    std::vector<tls::Bytes> chain;
    std::shared_ptr<const crypto::PrivateKey> key;
};

const LoadedKey& loaded(ServerKey which) {
    // Loading keys is slow-ish and the PKI is fixed per process: cache each one.
    static const auto load = [](const std::string& chain, const std::string& key) {
        return LoadedKey{x509::load_certificate_chain(chain),
                         std::make_shared<const crypto::PrivateKey>(x509::load_private_key(key))};
    };
    const auto& pki = test_pki();
    switch (which) {
        case ServerKey::ecdsa_p256: {
            static const LoadedKey k = load(pki.ecdsa256_chain, pki.ecdsa256_key);
            return k;
        }
        case ServerKey::ecdsa_p384: {
            static const LoadedKey k = load(pki.ecdsa384_chain, pki.ecdsa384_key);
            return k;
        }
        default: {
            static const LoadedKey k = load(pki.server_chain, pki.server_key);
            return k;
        }
    }
}

}  // namespace

std::shared_ptr<const tls::ServerConfig> server_config(
    ServerKey key, const std::function<void(tls::ServerConfig&)>& tweak) {
    tls::ServerConfig config;
    const auto& k = loaded(key);
    config.certificates.push_back({k.chain, k.key});
    if (tweak) tweak(config);
    return std::make_shared<const tls::ServerConfig>(std::move(config));
}

std::shared_ptr<const tls::ClientConfig> client_config(
    const std::function<void(tls::ClientConfig&)>& tweak) {
    static const auto verifier =
        tls::make_x509_verifier(x509::TrustStore::from_pem_file(test_pki().ca_cert));
    tls::ClientConfig config;
    config.verifier = verifier;
    if (tweak) tweak(config);
    return std::make_shared<const tls::ClientConfig>(std::move(config));
}

size_t transfer(tls::Connection& from, tls::Connection& to) {
    auto bytes = from.take_output();
    if (!bytes.empty()) (void)to.feed(bytes);
    return bytes.size();
}

bool Pair::handshake() {
    for (int i = 0; i < 100; ++i) {
        const size_t moved = transfer(client, server) + transfer(server, client);
        if (moved == 0) break;
    }
    return !client.failed() && !server.failed() && client.is_handshake_complete() &&
           server.is_handshake_complete();
}

std::vector<uint8_t> Pair::round_trip(tls::Connection& from, tls::Connection& to,
                                      const std::vector<uint8_t>& data) {
    if (!from.send(data)) throw std::runtime_error("send failed");
    std::vector<uint8_t> received;
    std::vector<uint8_t> buffer(64 * 1024);
    for (int i = 0; i < 1000 && received.size() < data.size(); ++i) {
        transfer(client, server);
        transfer(server, client);
        while (size_t n = to.receive(buffer))
            received.insert(received.end(), buffer.begin(), buffer.begin() + n);
        if (from.failed() || to.failed()) break;
    }
    return received;
}

Pair make_pair(std::shared_ptr<const tls::ClientConfig> client,
               std::shared_ptr<const tls::ServerConfig> server, const std::string& server_name) {
    return Pair{tls::Connection::client(std::move(client), server_name),
                tls::Connection::server(std::move(server))};
}

std::vector<uint8_t> RawRecord::encode() const {
    std::vector<uint8_t> out{type, 3, 3, static_cast<uint8_t>(payload.size() >> 8),
                             static_cast<uint8_t>(payload.size())};
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::vector<RawRecord> split_records(const std::vector<uint8_t>& stream) {
    std::vector<RawRecord> out;
    size_t i = 0;
    while (i + 5 <= stream.size()) {
        const size_t len = static_cast<size_t>(stream[i + 3] << 8 | stream[i + 4]);
        if (i + 5 + len > stream.size()) break;
        out.push_back(
            {stream[i], std::vector<uint8_t>(stream.begin() + static_cast<long>(i + 5),
                                             stream.begin() + static_cast<long>(i + 5 + len))});
        i += 5 + len;
    }
    return out;
}

std::vector<std::vector<uint8_t>> split_handshake_messages(const std::vector<RawRecord>& records) {
    std::vector<uint8_t> all;
    for (const auto& r : records)
        if (r.type == 22) all.insert(all.end(), r.payload.begin(), r.payload.end());
    std::vector<std::vector<uint8_t>> out;
    size_t i = 0;
    while (i + 4 <= all.size()) {
        const size_t len = static_cast<size_t>(all[i + 1] << 16 | all[i + 2] << 8 | all[i + 3]);
        if (i + 4 + len > all.size()) break;
        out.emplace_back(all.begin() + static_cast<long>(i),
                         all.begin() + static_cast<long>(i + 4 + len));
        i += 4 + len;
    }
    return out;
}

std::vector<uint8_t> handshake_record(const std::vector<uint8_t>& messages) {
    return RawRecord{22, messages}.encode();
}

}  // namespace tls12_test
