// The server role: negotiate from the ClientHello, send our flight, take the client's key exchange
// and Finished, answer with ours.
#include <exception>

#include "tls/connection_impl.h"
#include "tls/msgs/msgs.h"
#include "x509/certificate.h"

namespace tls {
namespace {

template <typename T>
Error parse_error(Result<T>&& result) {
    return std::move(result).error();
}

const HandshakeMessage* expect_handshake(const Message& message, HandshakeType type) {
    const auto* hs = std::get_if<HandshakeMessage>(&message);
    return hs && hs->type == type ? hs : nullptr;
}

// What the server settles on from a ClientHello.
struct Selection {
    const SuiteInfo* suite = nullptr;
    const CertifiedKey* certificate = nullptr;
    std::optional<NamedGroup> group;
    std::optional<SignatureScheme> scheme;
};

bool certificate_matches(const CertifiedKey& certificate, std::string_view host) {
    try {
        return x509::names_match(x509::describe(certificate.chain.front()).names, host);
    } catch (const std::exception&) {
        return false;
    }
}

// With several certificates, those issued for the SNI host name come first (RFC 6066 3); the
// rest remain as fallbacks in configured order.
std::vector<const CertifiedKey*> candidate_certificates(const ServerConfig& config,
                                                        const Extensions& ext) {
    std::vector<const CertifiedKey*> matching, others;
    for (const auto& certificate : config.certificates) {
        if (certificate.chain.empty() || !certificate.key) continue;
        const bool match = config.certificates.size() > 1 && ext.server_name &&
                           certificate_matches(certificate, *ext.server_name);
        (match ? matching : others).push_back(&certificate);
    }
    matching.insert(matching.end(), others.begin(), others.end());
    return matching;
}

// RFC 5246 7.4.1.2 / RFC 4492 5.1: server preference among what both sides support.
Result<Selection> select_parameters(const ServerConfig& config, const ClientHello& hello) {
    const Extensions& ext = hello.extensions;
    const bool client_takes_uncompressed =
        !ext.ec_point_formats || contains(*ext.ec_point_formats, uint8_t{0});

    std::optional<NamedGroup> group;
    for (auto g : config.groups) {
        // RFC 8422 4: without supported_groups a client is assumed to take secp256r1.
        const bool offered =
            ext.supported_groups ? contains(*ext.supported_groups, g) : g == NamedGroup::secp256r1;
        if (offered && to_kex_group(g)) {
            group = g;
            break;
        }
    }
    const std::vector<SignatureScheme> no_schemes;
    const auto& client_schemes = ext.signature_algorithms ? *ext.signature_algorithms : no_schemes;

    const auto certificates = candidate_certificates(config, ext);
    for (auto suite : config.cipher_suites) {
        const SuiteInfo* info = find_suite(suite);
        if (!info || !contains(hello.cipher_suites, suite)) continue;
        if (info->ecdhe() && (!group || !client_takes_uncompressed)) continue;
        for (const CertifiedKey* cert : certificates) {
            if (!key_fits_suite(cert->key->type(), info->kex)) continue;
            if (!info->ecdhe()) return Selection{info, cert, std::nullopt, std::nullopt};
            for (auto scheme : config.signature_schemes) {
                if (contains(client_schemes, scheme) && scheme_fits_key(scheme, cert->key->type()))
                    return Selection{info, cert, group, scheme};
            }
        }
    }
    return make_error(AlertDescription::handshake_failure,
                      "no cipher suite in common: client offered " +
                          describe_list(hello.cipher_suites) +
                          (group ? "" : " (and no supported group in common)"));
}

Status check_version(const ClientHello& hello) {
    const Extensions& ext = hello.extensions;
    const bool fallback = contains(hello.cipher_suites, CipherSuite::TLS_FALLBACK_SCSV);
    if (ext.supported_versions) {
        // A TLS 1.3-capable client: it lists its versions; we answer with a plain TLS 1.2
        // ServerHello when 1.2 is among them.
        if (contains(*ext.supported_versions, ProtocolVersion::tls12)) return {};
        return make_error(AlertDescription::protocol_version,
                          "client's supported_versions does not include TLS 1.2");
    }
    if (static_cast<uint16_t>(hello.legacy_version) >= 0x0303) return {};
    // RFC 7507 3: a fallback below our best version is an attack or a broken network path.
    if (fallback)
        return make_error(AlertDescription::inappropriate_fallback,
                          "client fell back to " + to_string(hello.legacy_version) +
                              " although TLS 1.2 is available");
    return make_error(
        AlertDescription::protocol_version,
        "client offers at most " + to_string(hello.legacy_version) + "; only TLS 1.2 is supported");
}

Result<HandshakeState> on_client_hello(Connection::Impl& c, const HandshakeMessage& message) {
    auto parsed = ClientHello::parse(message.body);
    if (!parsed) return parse_error(std::move(parsed));
    const ClientHello& hello = *parsed;
    const ServerConfig& config = *c.server_config;
    const Extensions& ext = hello.extensions;

    TLS_TRY(check_version(hello));
    if (!contains(hello.compression_methods, uint8_t{0}))
        return make_error(AlertDescription::illegal_parameter,
                          "client does not offer null compression");
    // RFC 5746 3.6: an initial ClientHello carries an empty renegotiation_info or the SCSV.
    if (ext.renegotiation_info && !ext.renegotiation_info->empty())
        return make_error(AlertDescription::handshake_failure,
                          "non-empty renegotiation_info on an initial handshake");
    c.peer_sent_secure_renegotiation =
        ext.renegotiation_info.has_value() ||
        contains(hello.cipher_suites, CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    c.client_offered_ems = ext.extended_master_secret;
    if (!c.client_offered_ems && config.extended_master_secret == ExtendedMasterSecret::require)
        return make_error(AlertDescription::handshake_failure,
                          "client does not support the extended master secret (RFC 7627), "
                          "which this server requires");

    auto selection = select_parameters(config, hello);
    if (!selection) return parse_error(std::move(selection));
    const Selection& chosen = *selection;

    std::string alpn;
    if (ext.alpn && !config.alpn_protocols.empty()) {
        for (const auto& protocol : config.alpn_protocols) {
            if (contains(*ext.alpn, protocol)) {
                alpn = protocol;
                break;
            }
        }
        // RFC 7301 3.2
        if (alpn.empty())
            return make_error(AlertDescription::no_application_protocol,
                              "client offers no application protocol this server speaks");
    }

    c.suite = chosen.suite;
    c.client_random = hello.random;
    c.client_hello_version = static_cast<uint16_t>(hello.legacy_version);
    c.random().fill(c.server_random);
    c.records.require_tls12_records();
    auto& negotiated = c.negotiated;
    negotiated.cipher_suite = chosen.suite->suite;
    negotiated.group = chosen.group;
    negotiated.signature_scheme = chosen.scheme;
    negotiated.extended_master_secret = c.client_offered_ems;
    negotiated.server_name = ext.server_name.value_or("");
    negotiated.alpn = alpn;

    ServerHello reply;
    reply.random = c.server_random;
    reply.cipher_suite = chosen.suite->suite;
    Extensions& out = reply.extensions;
    if (c.peer_sent_secure_renegotiation) out.renegotiation_info = Bytes{};
    out.extended_master_secret = c.client_offered_ems;
    if (chosen.suite->ecdhe() && ext.ec_point_formats) out.ec_point_formats = Bytes{0};
    if (!alpn.empty()) out.alpn = std::vector<std::string>{alpn};
    out.server_name_ack = ext.server_name.has_value();
    c.send_handshake(HandshakeType::server_hello, reply.serialize());

    c.send_handshake(HandshakeType::certificate,
                     Certificate{chosen.certificate->chain}.serialize());

    std::optional<crypto::KeyExchange> ephemeral_slot;
    if (chosen.suite->ecdhe()) {
        auto& ephemeral = ephemeral_slot.emplace(*to_kex_group(*chosen.group), c.random());
        ServerKeyExchange kex;
        kex.params.group = *chosen.group;
        kex.params.public_value.assign(ephemeral.public_value().begin(),
                                       ephemeral.public_value().end());
        kex.scheme = *chosen.scheme;
        const Bytes signed_data =
            server_key_exchange_signed_data(c.client_random, c.server_random, kex.params.encode());
        kex.signature = chosen.certificate->key->sign(*to_signature_algorithm(kex.scheme),
                                                      signed_data, c.random());
        c.send_handshake(HandshakeType::server_key_exchange, kex.serialize());
    }
    const bool ask_for_certificate = config.client_auth != ClientAuth::none;
    if (ask_for_certificate) {
        CertificateRequest request;
        request.certificate_types = {kCertTypeRsaSign, kCertTypeEcdsaSign};
        request.supported_signature_algorithms = config.signature_schemes;
        c.send_handshake(HandshakeType::certificate_request, request.serialize());
    }
    c.send_handshake(HandshakeType::server_hello_done, ServerHelloDone{}.serialize());
    TLS_TRY(c.flush_handshake());
    if (ask_for_certificate)
        return HandshakeState{
            ExpectClientCertificate{chosen.certificate, std::move(ephemeral_slot)}};
    return HandshakeState{
        ExpectClientKeyExchange{chosen.certificate, std::move(ephemeral_slot), std::nullopt}};
}

Result<HandshakeState> on_client_certificate(Connection::Impl& c, ExpectClientCertificate state,
                                             const HandshakeMessage& message) {
    auto parsed = Certificate::parse(message.body);
    if (!parsed) return parse_error(std::move(parsed));
    const ServerConfig& config = *c.server_config;
    auto& chain = parsed->chain;
    ExpectClientKeyExchange next{state.certificate, std::move(state.ephemeral), std::nullopt};
    if (chain.empty()) {
        // RFC 5246 7.4.6: a client without a certificate sends an empty list.
        if (config.client_auth == ClientAuth::require)
            return make_error(AlertDescription::handshake_failure,
                              "client presented no certificate, which this server requires");
        return HandshakeState{std::move(next)};
    }
    if (chain.size() > config.limits.max_chain_length)
        return make_error(AlertDescription::bad_certificate,
                          "client sent " + std::to_string(chain.size()) + " certificates");
    if (!config.client_verifier)
        return make_error(AlertDescription::internal_error,
                          "client_auth is on but no client_verifier is configured");
    TLS_TRY(config.client_verifier->verify({chain, {}, PeerRole::client, config.clock()}));
    auto key = certificate_public_key(chain.front());
    if (!key) return parse_error(std::move(key));
    next.client_key = std::move(key).value();
    c.negotiated.peer_certificates = std::move(chain);
    return HandshakeState{std::move(next)};
}

Result<HandshakeState> on_certificate_verify(Connection::Impl& c, ExpectCertificateVerify state,
                                             const HandshakeMessage& message) {
    auto parsed = CertificateVerify::parse(message.body);
    if (!parsed) return parse_error(std::move(parsed));
    if (!contains(c.config.signature_schemes, parsed->scheme) ||
        !scheme_fits_key(parsed->scheme, state.client_key.type()))
        return make_error(AlertDescription::illegal_parameter,
                          "client signed with " + to_string(parsed->scheme) +
                              ", which was not requested or does not fit its key");
    // RFC 5246 7.4.8: the signature covers every handshake message before this one.
    const ByteView signed_messages = c.transcript.all().first(c.transcript_before_message);
    if (!state.client_key.verify(*to_signature_algorithm(parsed->scheme), signed_messages,
                                 parsed->signature))
        return make_error(AlertDescription::decrypt_error,
                          "client's CertificateVerify signature does not verify");
    return HandshakeState{ExpectClientChangeCipherSpec{}};
}

Result<HandshakeState> on_client_key_exchange(Connection::Impl& c, ExpectClientKeyExchange state,
                                              const HandshakeMessage& message) {
    crypto::SecretBytes premaster;
    if (state.ephemeral) {
        auto cke = ClientKeyExchange::parse_ecdhe(message.body);
        if (!cke) return parse_error(std::move(cke));
        auto shared = state.ephemeral->agree(cke->exchange_keys);
        if (!shared)
            return make_error(AlertDescription::illegal_parameter,
                              "client's ECDHE public value is invalid");
        premaster = std::move(*shared);
    } else {
        auto cke = ClientKeyExchange::parse_rsa(message.body);
        if (!cke) return parse_error(std::move(cke));
        // RFC 5246 7.4.7.1: never fails; a malformed ciphertext yields a random premaster and
        // the handshake fails later at Finished, exactly like a wrong key would.
        premaster = state.certificate->key->rsa_decrypt_premaster(
            cke->exchange_keys, c.client_hello_version, c.random());
    }
    c.derive_master_secret(premaster.view());
    c.derive_keys();
    if (state.client_key)
        return HandshakeState{ExpectCertificateVerify{std::move(*state.client_key)}};
    return HandshakeState{ExpectClientChangeCipherSpec{}};
}

}  // namespace

Result<HandshakeState> handle_server_message(Connection::Impl& c, HandshakeState state,
                                             const Message& message) {
    using T = HandshakeType;
    if (std::holds_alternative<ExpectClientHello>(state)) {
        if (auto* m = expect_handshake(message, T::client_hello)) return on_client_hello(c, *m);
    } else if (auto* cert = std::get_if<ExpectClientCertificate>(&state)) {
        if (auto* m = expect_handshake(message, T::certificate))
            return on_client_certificate(c, std::move(*cert), *m);
    } else if (auto* cv = std::get_if<ExpectCertificateVerify>(&state)) {
        if (auto* m = expect_handshake(message, T::certificate_verify))
            return on_certificate_verify(c, std::move(*cv), *m);
    } else if (auto* cke = std::get_if<ExpectClientKeyExchange>(&state)) {
        if (auto* m = expect_handshake(message, T::client_key_exchange))
            return on_client_key_exchange(c, std::move(*cke), *m);
    } else if (std::holds_alternative<ExpectClientChangeCipherSpec>(state)) {
        if (std::holds_alternative<ChangeCipherSpecMessage>(message)) {
            c.activate_read_keys();
            return HandshakeState{ExpectClientFinished{}};
        }
    } else if (std::holds_alternative<ExpectClientFinished>(state)) {
        if (auto* m = expect_handshake(message, T::finished)) {
            TLS_TRY(c.check_finished(*m));
            TLS_TRY(c.send_change_cipher_spec());
            TLS_TRY(c.send_finished());
            TLS_TRY(c.complete_handshake());
            return HandshakeState{Established{}};
        }
    } else if (std::holds_alternative<Established>(state)) {
        if (expect_handshake(message, T::client_hello)) {
            // RFC 5746: renegotiation is refused. The client may carry on with the session.
            if (++c.warning_alerts > c.config.limits.max_warning_alerts)
                return make_error(AlertDescription::unexpected_message,
                                  "client keeps trying to renegotiate");
            c.send_alert(AlertLevel::warning, AlertDescription::no_renegotiation);
            return state;
        }
    }
    return unexpected(state, message);
}

}  // namespace tls
