#include <tls12/tls/handshake/handshake13.h>

#include <tls12/tls/handshake/common.h>

namespace tls12 {

void replace_with_message_hash(Transcript& transcript, crypto::HashAlgorithm hash) {
    const Bytes digest = transcript.hash(hash);
    // RFC 8446 4.4.1: Hash(message_hash || 00 00 Hash.length || Hash(ClientHello1) || ...)
    const uint8_t header[4] = {static_cast<uint8_t>(HandshakeType::message_hash), 0, 0,
                               static_cast<uint8_t>(digest.size())};
    Transcript replaced;
    replaced.add(header);
    replaced.add(digest);
    transcript = std::move(replaced);
}

Bytes certificate_verify_content(bool from_server, ByteView transcript_hash) {
    static constexpr std::string_view kServer = "TLS 1.3, server CertificateVerify";
    static constexpr std::string_view kClient = "TLS 1.3, client CertificateVerify";
    const std::string_view context = from_server ? kServer : kClient;
    Bytes out;
    out.reserve(64 + context.size() + 1 + transcript_hash.size());
    out.resize(64, 0x20);
    for (char ch : context) out.push_back(static_cast<uint8_t>(ch));
    out.push_back(0);
    for (uint8_t b : transcript_hash) out.push_back(b);
    return out;
}

bool scheme_fits_key13(SignatureScheme scheme, crypto::KeyType key) noexcept {
    switch (scheme) {
        case SignatureScheme::rsa_pss_rsae_sha256:
        case SignatureScheme::rsa_pss_rsae_sha384:
        case SignatureScheme::rsa_pss_rsae_sha512:
            return key == crypto::KeyType::rsa;
        // RFC 8446 4.2.3: in TLS 1.3 an ECDSA scheme names the curve as well as the hash.
        case SignatureScheme::ecdsa_secp256r1_sha256:
            return key == crypto::KeyType::ecdsa_p256;
        case SignatureScheme::ecdsa_secp384r1_sha384:
            return key == crypto::KeyType::ecdsa_p384;
        default:
            return false;  // RFC 8446 4.4.3: no PKCS#1 v1.5 (nor SHA-1) in CertificateVerify
    }
}

std::optional<SignatureScheme> choose_signature_scheme13(std::span<const SignatureScheme> ours,
                                                         std::span<const SignatureScheme> peer,
                                                         crypto::KeyType key) {
    for (auto scheme : ours)
        if (contains(peer, scheme) && scheme_fits_key13(scheme, key)) return scheme;
    return std::nullopt;
}

void log_secret13(const HandshakeContext& c, std::string_view label, const Random& client_random,
                  ByteView secret) {
    if (c.common().key_log) c.common().key_log(key_log_line13(label, client_random, secret));
}

std::unique_ptr<RecordProtection> protection13(const SuiteInfo& suite, ByteView traffic_secret,
                                               bool for_sealing) {
    return make_protection13(suite, traffic_keys(suite, traffic_secret), for_sealing);
}

void derive_handshake_secrets(const HandshakeContext& c, Handshake13& hs, ByteView shared_secret) {
    hs.schedule.add_shared_secret(shared_secret);
    const Bytes hash = hs.transcript_hash();
    hs.client_handshake_secret = hs.schedule.client_handshake_traffic_secret(hash);
    hs.server_handshake_secret = hs.schedule.server_handshake_traffic_secret(hash);
    log_secret13(c, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", hs.client_random,
                 hs.client_handshake_secret.view());
    log_secret13(c, "SERVER_HANDSHAKE_TRAFFIC_SECRET", hs.client_random,
                 hs.server_handshake_secret.view());
}

ApplicationSecrets13 derive_application_secrets(const HandshakeContext& c, Handshake13& hs) {
    hs.schedule.finish_handshake();
    const Bytes hash = hs.transcript_hash();
    ApplicationSecrets13 out{hs.schedule.client_application_traffic_secret(hash),
                             hs.schedule.server_application_traffic_secret(hash)};
    log_secret13(c, "CLIENT_TRAFFIC_SECRET_0", hs.client_random, out.client.view());
    log_secret13(c, "SERVER_TRAFFIC_SECRET_0", hs.client_random, out.server.view());
    if (c.common().key_log) {
        const auto exporter = hs.schedule.exporter_master_secret(hash);
        log_secret13(c, "EXPORTER_SECRET", hs.client_random, exporter.view());
    }
    return out;
}

Status send_finished13(HandshakeContext& c, Handshake13& hs, bool from_client) {
    const auto& base = from_client ? hs.client_handshake_secret : hs.server_handshake_secret;
    Finished13 finished{finished_verify_data(hs.hash(), base.view(), hs.transcript_hash())};
    return c.emit(hs.transcript, finished);
}

Status check_finished13(Handshake13& hs, bool from_client, const Finished13& finished,
                        ByteView encoded) {
    const auto& base = from_client ? hs.client_handshake_secret : hs.server_handshake_secret;
    const Bytes expected = finished_verify_data(hs.hash(), base.view(), hs.transcript_hash());
    // RFC 8446 4.4.4: "Recipients of Finished messages MUST verify that the contents are correct
    // and if incorrect MUST terminate the connection with a "decrypt_error" alert."
    if (finished.verify_data.size() != expected.size())
        return make_error(AlertDescription::decode_error,
                          "Finished of " + std::to_string(finished.verify_data.size()) +
                              " bytes; the suite's hash gives " + std::to_string(expected.size()));
    if (!crypto::constant_time_equal(finished.verify_data, expected))
        return make_error(
            AlertDescription::decrypt_error,
            std::string(from_client ? "client" : "server") + " Finished does not verify");
    hs.transcript.add(encoded);
    return {};
}

Status send_certificate_verify13(HandshakeContext& c, Handshake13& hs,
                                 const crypto::PrivateKey& key, SignatureScheme scheme,
                                 bool from_server) {
    CertificateVerify verify;
    verify.scheme = scheme;
    verify.signature =
        key.sign(*to_signature_algorithm(scheme),
                 certificate_verify_content(from_server, hs.transcript_hash()), c.random());
    return c.emit(hs.transcript, verify);
}

Status check_certificate_verify13(HandshakeContext& c, Handshake13& hs,
                                  const crypto::PublicKey& key,
                                  const Incoming<CertificateVerify>& m, bool from_server) {
    const CertificateVerify& verify = m.msg;
    const char* peer = from_server ? "server" : "client";
    // RFC 8446 4.4.3: a scheme we offered, fitting the key (illegal_parameter otherwise).
    if (!contains(c.common().signature_schemes, verify.scheme) ||
        !scheme_fits_key13(verify.scheme, key.type()))
        return make_error(AlertDescription::illegal_parameter,
                          std::string(peer) + " signed CertificateVerify with " +
                              to_string(verify.scheme) +
                              ", which was not offered or is not allowed for its " +
                              crypto::to_string(key.type()) + " key in TLS 1.3");
    const Bytes content = certificate_verify_content(from_server, hs.transcript_hash());
    if (!key.verify(*to_signature_algorithm(verify.scheme), content, verify.signature))
        return make_error(AlertDescription::decrypt_error,
                          std::string(peer) + "'s CertificateVerify signature does not verify");
    hs.transcript.add(m.encoded);
    return {};
}

std::vector<Bytes> chain_of(const Certificate13& certificate) {
    std::vector<Bytes> chain;
    chain.reserve(certificate.entries.size());
    for (const auto& entry : certificate.entries) chain.push_back(entry.cert_data);
    return chain;
}

Certificate13 certificate_message13(const std::vector<Bytes>& chain, Bytes request_context) {
    Certificate13 message;
    message.request_context = std::move(request_context);
    for (const auto& der : chain) message.entries.push_back(CertificateEntry{der, {}});
    return message;
}

Status Traffic13::receive(HandshakeContext& c, const KeyUpdate& update) {
    if (++key_updates_received > c.common().limits.max_key_updates)
        return make_error(AlertDescription::unexpected_message,
                          "peer sent more than " +
                              std::to_string(c.common().limits.max_key_updates) + " KeyUpdates");
    peers = next_traffic_secret(suite->prf_hash, peers.view());
    c.records().set_read_protection(protection13(*suite, peers.view(), false));
    // RFC 8446 4.6.3: answer a request with our own update (not requesting one back).
    if (update.request == KeyUpdateRequest::update_requested)
        return send(c, KeyUpdateRequest::update_not_requested);
    return {};
}

Status Traffic13::send(HandshakeContext& c, KeyUpdateRequest request) {
    Transcript unused;  // post-handshake messages are not part of the transcript
    TLS_TRY(c.emit(unused, KeyUpdate{request}));
    TLS_TRY(c.flush());
    ours = next_traffic_secret(suite->prf_hash, ours.view());
    c.records().set_write_protection(protection13(*suite, ours.view(), true));
    return {};
}

}  // namespace tls12
