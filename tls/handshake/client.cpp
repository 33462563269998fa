// The client role: ClientHello, then the server's flight, our key exchange and Finished.

#include <tls12/tls/connection_impl.h>
#include <tls12/tls/host_name.h>
#include <tls12/tls/msgs/msgs.h>

namespace tls12 {
namespace {

template <typename T>
Error parse_error(Result<T>&& result) {
    return std::move(result).error();
}

Error unsolicited(const std::string& extension) {
    return make_error(
        AlertDescription::unsupported_extension,
        "server sent the " + extension + " extension, which the client did not offer");
}

const HandshakeMessage* expect_handshake(const Message& message, HandshakeType type) {
    const auto* hs = std::get_if<HandshakeMessage>(&message);
    return hs && hs->type == type ? hs : nullptr;
}

// ---- ServerHello ----

Result<HandshakeState> on_server_hello(Connection::Impl& c, const HandshakeMessage& message) {
    auto parsed = ServerHello::parse(message.body);
    if (!parsed) return parse_error(std::move(parsed));
    const ServerHello& hello = *parsed;
    const ClientConfig& config = *c.client_config;

    if (hello.version != ProtocolVersion::tls12)
        return make_error(
            AlertDescription::protocol_version,
            "server chose " + to_string(hello.version) + "; only TLS 1.2 is supported");
    if (!contains(config.cipher_suites, hello.cipher_suite) || !find_suite(hello.cipher_suite))
        return make_error(
            AlertDescription::illegal_parameter,
            "server chose " + to_string(hello.cipher_suite) + ", which was not offered");
    if (hello.compression_method != 0)
        return make_error(AlertDescription::illegal_parameter, "server chose compression");

    const Extensions& ext = hello.extensions;
    if (ext.supported_versions) return unsolicited("supported_versions");
    // RFC 5246 7.4.1.4: a server may only answer extensions the client sent.
    if (!ext.unknown.empty())
        return unsolicited("unrequested extension " + std::to_string(ext.unknown.front().first));
    if (ext.session_ticket && (!c.offered_ticket_extension || !ext.session_ticket->empty()))
        return unsolicited("session_ticket");
    if (ext.encrypt_then_mac && !c.offered_encrypt_then_mac) return unsolicited("encrypt_then_mac");
    // RFC 7366 3: the server must not acknowledge it for an AEAD (non-CBC) suite.
    if (ext.encrypt_then_mac && !find_suite(hello.cipher_suite)->cbc())
        return make_error(AlertDescription::illegal_parameter,
                          "server acknowledged encrypt_then_mac for a non-CBC suite");
    c.negotiated_encrypt_then_mac = c.negotiated.encrypt_then_mac = ext.encrypt_then_mac;
    if (ext.server_name_ack && !c.sent_server_name) return unsolicited("server_name");
    if (ext.alpn) {
        if (config.alpn_protocols.empty())
            return unsolicited("application_layer_protocol_negotiation");
        if (ext.alpn->size() != 1 || !contains(config.alpn_protocols, ext.alpn->front()))
            return make_error(AlertDescription::illegal_parameter,
                              "server selected an ALPN protocol the client did not offer");
        c.negotiated.alpn = ext.alpn->front();
    }
    if (ext.ec_point_formats && !contains(*ext.ec_point_formats, uint8_t{0}))
        return make_error(AlertDescription::illegal_parameter,
                          "server does not accept uncompressed points");
    // RFC 5746 3.4: on an initial handshake the server's renegotiation_info must be empty.
    if (ext.renegotiation_info && !ext.renegotiation_info->empty())
        return make_error(AlertDescription::handshake_failure,
                          "server sent a non-empty renegotiation_info on the initial handshake");
    c.peer_sent_secure_renegotiation = ext.renegotiation_info.has_value();
    c.negotiated.extended_master_secret = ext.extended_master_secret;
    if (!ext.extended_master_secret &&
        config.extended_master_secret == ExtendedMasterSecret::require)
        return make_error(AlertDescription::handshake_failure,
                          "server does not support the extended master secret (RFC 7627), "
                          "which this client requires");

    c.suite = find_suite(hello.cipher_suite);
    c.server_random = hello.random;
    c.negotiated.cipher_suite = hello.cipher_suite;
    c.records.require_tls12_records();
    const bool ticket_follows = ext.session_ticket.has_value();

    const auto& offered = c.offered_session;
    const bool resumed = offered && !hello.session_id.empty() && hello.session_id == c.session_id;
    c.session_id = hello.session_id;
    c.ticket_expected = ticket_follows;
    if (!resumed) return HandshakeState{ExpectCertificate{}};

    // An abbreviated handshake: the server accepted our session.
    if (hello.cipher_suite != offered->suite)
        return make_error(AlertDescription::illegal_parameter,
                          "server resumed the session with a different cipher suite");
    // RFC 7627 5.3: a session with the extended master secret resumes only with it.
    if (!ext.extended_master_secret)
        return make_error(AlertDescription::handshake_failure,
                          "server resumed without the extended master secret");
    c.negotiated.resumed = true;
    c.current_session = offered;
    c.negotiated.peer_certificates = offered->peer_certificates;
    c.master_secret = offered->master_secret.clone();
    c.derive_keys();
    if (ticket_follows) return HandshakeState{ExpectNewSessionTicket{true}};
    return HandshakeState{ExpectServerChangeCipherSpec{true}};
}

// ---- Certificate ----

Result<HandshakeState> on_certificate(Connection::Impl& c, const HandshakeMessage& message) {
    auto parsed = Certificate::parse(message.body);
    if (!parsed) return parse_error(std::move(parsed));
    auto& chain = parsed->chain;
    if (chain.empty())
        return make_error(AlertDescription::handshake_failure, "server sent no certificate");
    if (chain.size() > c.config.limits.max_chain_length)
        return make_error(AlertDescription::bad_certificate,
                          "server sent " + std::to_string(chain.size()) +
                              " certificates, more than the limit of " +
                              std::to_string(c.config.limits.max_chain_length));

    // An empty name tells the verifier not to match the certificate to a host (only reachable
    // with skip_host_name_verification: Connection::client refuses an empty name otherwise).
    const std::string_view name = c.client_config->skip_host_name_verification
                                      ? std::string_view()
                                      : std::string_view(c.negotiated.server_name);
    const VerifyRequest request{chain, name, PeerRole::server, c.config.clock()};
    TLS_TRY(c.client_config->verifier->verify(request));

    auto key = certificate_public_key(chain.front());
    if (!key) return parse_error(std::move(key));
    if (!key_fits_suite(key->type(), c.suite->kex))
        return make_error(AlertDescription::unsupported_certificate,
                          std::string("server's ") + crypto::to_string(key->type()) +
                              " certificate does not fit " + to_string(c.suite->suite));
    c.negotiated.peer_certificates = std::move(chain);
    if (c.suite->ecdhe()) return HandshakeState{ExpectServerKeyExchange{std::move(key).value()}};
    return HandshakeState{
        ExpectServerHelloDone{std::move(key).value(), std::nullopt, std::nullopt}};
}

// ---- ServerKeyExchange ----

Result<HandshakeState> on_server_key_exchange(Connection::Impl& c, ExpectServerKeyExchange state,
                                              const HandshakeMessage& message) {
    auto parsed = ServerKeyExchange::parse(message.body);
    if (!parsed) return parse_error(std::move(parsed));
    const ServerKeyExchange& kex = *parsed;
    if (!contains(c.config.groups, kex.params.group) || !to_kex_group(kex.params.group))
        return make_error(
            AlertDescription::illegal_parameter,
            "server chose group " + to_string(kex.params.group) + ", which was not offered");
    if (!contains(c.config.signature_schemes, kex.scheme) ||
        !scheme_fits_key(kex.scheme, state.server_key.type()))
        return make_error(AlertDescription::illegal_parameter,
                          "server signed with " + to_string(kex.scheme) +
                              ", which was not offered or does not fit its key");
    const Bytes signed_data =
        server_key_exchange_signed_data(c.client_random, c.server_random, kex.params.encode());
    if (!state.server_key.verify(*to_signature_algorithm(kex.scheme), signed_data, kex.signature))
        return make_error(AlertDescription::decrypt_error,
                          "ServerKeyExchange signature does not verify with the server's key");
    c.negotiated.group = kex.params.group;
    c.negotiated.signature_scheme = kex.scheme;
    return HandshakeState{
        ExpectServerHelloDone{std::move(state.server_key), kex.params, std::nullopt}};
}

// ---- ServerHelloDone: our flight ----

Result<ClientKeyExchange> client_key_exchange(Connection::Impl& c,
                                              const ExpectServerHelloDone& state,
                                              crypto::SecretBytes& premaster) {
    ClientKeyExchange cke;
    if (!c.suite->ecdhe()) {
        // RFC 5246 7.4.7.1: client_version (the version offered) followed by 46 random bytes.
        premaster = crypto::SecretBytes(48);
        c.random().fill(premaster.span());
        premaster[0] = 3;
        premaster[1] = 3;
        cke.kind = KeyExchangeKind::rsa;
        cke.exchange_keys = state.server_key.rsa_encrypt_pkcs1(premaster.view(), c.random());
        return cke;
    }
    const auto group = *to_kex_group(state.server_params->group);
    crypto::KeyExchange ephemeral(group, c.random());
    auto shared = ephemeral.agree(state.server_params->public_value);
    if (!shared)
        return make_error(
            AlertDescription::illegal_parameter,
            "server's " + to_string(state.server_params->group) + " public value is invalid");
    premaster = std::move(*shared);
    cke.kind = KeyExchangeKind::ecdhe;
    const auto pub = ephemeral.public_value();
    cke.exchange_keys.assign(pub.begin(), pub.end());
    return cke;
}

// The configured client certificate and the scheme to sign with, if it answers the server's
// CertificateRequest (key type among certificate_types, a scheme both sides accept).
std::optional<SignatureScheme> client_certificate_scheme(const ClientConfig& config,
                                                         const CertificateRequest& request) {
    if (!config.certificate || !config.certificate->key) return std::nullopt;
    const auto type = config.certificate->key->type();
    const uint8_t wanted = type == crypto::KeyType::rsa ? kCertTypeRsaSign : kCertTypeEcdsaSign;
    if (!contains(request.certificate_types, wanted)) return std::nullopt;
    return choose_signature_scheme(config.signature_schemes, request.supported_signature_algorithms,
                                   type);
}

Result<HandshakeState> on_server_hello_done(Connection::Impl& c, ExpectServerHelloDone state,
                                            const HandshakeMessage& message) {
    auto done = ServerHelloDone::parse(message.body);
    if (!done) return parse_error(std::move(done));

    // RFC 5246 7.4.6: when asked, the client sends a Certificate, empty if it has none that fits.
    std::optional<SignatureScheme> client_scheme;
    if (state.certificate_request) {
        client_scheme = client_certificate_scheme(*c.client_config, *state.certificate_request);
        Certificate certificate;
        if (client_scheme) certificate.chain = c.client_config->certificate->chain;
        TLS_TRY(c.send_message(certificate));
    }
    crypto::SecretBytes premaster;
    auto cke = client_key_exchange(c, state, premaster);
    if (!cke) return parse_error(std::move(cke));
    TLS_TRY(c.send_message(*cke));
    c.derive_master_secret(premaster.view());
    c.derive_keys();
    if (client_scheme) {
        // RFC 5246 7.4.8: a signature over every handshake message so far.
        CertificateVerify verify;
        verify.scheme = *client_scheme;
        verify.signature = c.client_config->certificate->key->sign(
            *to_signature_algorithm(*client_scheme), c.transcript.all(), c.random());
        TLS_TRY(c.send_message(verify));
    }
    TLS_TRY(c.send_change_cipher_spec());
    TLS_TRY(c.send_finished());
    if (c.ticket_expected) return HandshakeState{ExpectNewSessionTicket{false}};
    return HandshakeState{ExpectServerChangeCipherSpec{false}};
}

// Offers a cached session: by ticket (with a fresh session ID, RFC 5077 3.4) or by session ID.
void offer_session(Connection::Impl& c, ClientHello& hello) {
    const ClientConfig& config = *c.client_config;
    if (config.session_tickets) {
        hello.extensions.session_ticket = Bytes{};
        c.offered_ticket_extension = true;
    }
    if (!config.session_cache) return;
    auto session = config.session_cache->find(c.session_key, config.clock());
    if (!session || !session->extended_master_secret ||
        !contains(config.cipher_suites, session->suite) || !find_suite(session->suite) ||
        session->server_name != c.negotiated.server_name)
        return;
    if (!session->ticket.empty() && config.session_tickets) {
        hello.extensions.session_ticket = session->ticket;
        c.session_id = c.random().bytes(32);
    } else if (!session->id.empty()) {
        c.session_id = session->id;
    } else {
        return;
    }
    hello.session_id = c.session_id;
    c.offered_session = std::move(session);
}

}  // namespace

void remember_client_session(Connection::Impl& c) {
    const ClientConfig& config = *c.client_config;
    // RFC 7627 5.3: only sessions with the extended master secret are worth resuming.
    if (!config.session_cache || !c.negotiated.extended_master_secret) return;
    if (c.negotiated.resumed && c.received_ticket.empty()) return;  // nothing new to keep
    if (c.session_id.empty() && c.received_ticket.empty()) return;
    auto session = c.make_session();
    session->ticket = c.received_ticket;
    session->peer_certificates = c.negotiated.peer_certificates;
    // RFC 5077 3.3: the hint counts from now, when the ticket arrived.
    const auto hint = std::chrono::seconds(c.ticket_lifetime_hint);
    TimePoint expires = session->created + (hint.count() > 0 ? std::min<std::chrono::seconds>(
                                                                   hint, std::chrono::hours(24))
                                                             : std::chrono::hours(2));
    if (c.negotiated.resumed) {
        // A renewed ticket continues the session: it never outlives the session it renews.
        const Session& renewed = *c.offered_session;
        session->created = renewed.created;
        expires = std::min(expires, renewed.created + renewed.lifetime);
    }
    session->lifetime =
        std::chrono::duration_cast<std::chrono::seconds>(expires - session->created);
    c.current_session = session;
    config.session_cache->store(c.session_key, std::move(session));
}

void forget_client_session(Connection::Impl& c) {
    const auto& cache = c.client_config->session_cache;
    // The server's ticket cannot be revoked, but the client can stop presenting it.
    if (cache && c.current_session) cache->remove(c.session_key, *c.current_session);
}

Status send_client_hello(Connection::Impl& c) {
    const ClientConfig& config = *c.client_config;
    c.random().fill(c.client_random);

    ClientHello hello;
    hello.random = c.client_random;
    bool any_ecdhe = false;
    bool any_cbc = false;
    for (auto suite : config.cipher_suites) {
        if (const SuiteInfo* info = find_suite(suite)) {
            hello.cipher_suites.push_back(suite);
            any_ecdhe = any_ecdhe || info->ecdhe();
            any_cbc = any_cbc || info->cbc();
        }
    }
    if (hello.cipher_suites.empty())
        return make_error(AlertDescription::internal_error, "no usable cipher suites configured");
    if (config.fallback) hello.cipher_suites.push_back(CipherSuite::TLS_FALLBACK_SCSV);

    Extensions& ext = hello.extensions;
    // RFC 6066 3: no IP literals and no trailing dot in SNI.
    if (auto sni = host_name_for_sni(c.negotiated.server_name); !sni.empty()) {
        ext.server_name = std::move(sni);
        c.sent_server_name = true;
    }
    if (any_ecdhe) {
        ext.supported_groups = config.groups;
        ext.ec_point_formats = Bytes{0};  // uncompressed only
    }
    ext.signature_algorithms = config.signature_schemes;
    ext.extended_master_secret = true;
    // RFC 7366: offered with any CBC suite.
    c.offered_encrypt_then_mac = ext.encrypt_then_mac = any_cbc && config.encrypt_then_mac;
    offer_session(c, hello);
    ext.renegotiation_info = Bytes{};  // RFC 5746: signal secure renegotiation (and never do it)
    if (!config.alpn_protocols.empty()) ext.alpn = config.alpn_protocols;

    if (auto sent = c.send_message(hello); !sent) {
        // E.g. a ticket too long to fit beside our other extensions: forget the session, so the
        // next connection does not fail the same way.
        if (c.offered_session) config.session_cache->remove(c.session_key);
        return sent;
    }
    return c.flush_handshake();
}

Result<HandshakeState> handle_client_message(Connection::Impl& c, HandshakeState state,
                                             const Message& message) {
    using T = HandshakeType;
    if (auto* m = expect_handshake(message, T::hello_request);
        m && !std::holds_alternative<Established>(state)) {
        // RFC 5246 7.4.1.1: a HelloRequest during a handshake is ignored.
        auto request = HelloRequest::parse(m->body);
        if (!request) return parse_error(std::move(request));
        return state;
    }
    if (std::holds_alternative<ExpectServerHello>(state)) {
        if (auto* m = expect_handshake(message, T::server_hello)) return on_server_hello(c, *m);
    } else if (std::holds_alternative<ExpectCertificate>(state)) {
        if (auto* m = expect_handshake(message, T::certificate)) return on_certificate(c, *m);
    } else if (auto* ske = std::get_if<ExpectServerKeyExchange>(&state)) {
        if (auto* m = expect_handshake(message, T::server_key_exchange))
            return on_server_key_exchange(c, std::move(*ske), *m);
    } else if (auto* shd = std::get_if<ExpectServerHelloDone>(&state)) {
        if (auto* m = expect_handshake(message, T::certificate_request);
            m && !shd->certificate_request) {
            auto request = CertificateRequest::parse(m->body);
            if (!request) return parse_error(std::move(request));
            shd->certificate_request = std::move(request).value();
            return state;
        }
        if (auto* m = expect_handshake(message, T::server_hello_done))
            return on_server_hello_done(c, std::move(*shd), *m);
    } else if (auto* nst = std::get_if<ExpectNewSessionTicket>(&state)) {
        if (auto* m = expect_handshake(message, T::new_session_ticket)) {
            auto ticket = NewSessionTicket::parse(m->body);
            if (!ticket) return parse_error(std::move(ticket));
            c.received_ticket = std::move(ticket->ticket);
            c.ticket_lifetime_hint = ticket->lifetime_hint;
            return HandshakeState{ExpectServerChangeCipherSpec{nst->abbreviated}};
        }
    } else if (auto* ccs = std::get_if<ExpectServerChangeCipherSpec>(&state)) {
        if (std::holds_alternative<ChangeCipherSpecMessage>(message)) {
            c.activate_read_keys();
            return HandshakeState{ExpectServerFinished{ccs->abbreviated}};
        }
    } else if (auto* fin = std::get_if<ExpectServerFinished>(&state)) {
        if (auto* m = expect_handshake(message, T::finished)) {
            TLS_TRY(c.check_finished(*m));
            if (fin->abbreviated) {
                TLS_TRY(c.send_change_cipher_spec());
                TLS_TRY(c.send_finished());
            }
            TLS_TRY(c.complete_handshake());
            return HandshakeState{Established{}};
        }
    } else if (std::holds_alternative<Established>(state)) {
        if (auto* m = expect_handshake(message, T::hello_request)) {
            auto request = HelloRequest::parse(m->body);
            if (!request) return parse_error(std::move(request));
            // RFC 5746 / 5246 7.4.1.1: we never renegotiate; tell the server and carry on.
            if (++c.renegotiation_requests > c.config.limits.max_warning_alerts)
                return make_error(AlertDescription::unexpected_message,
                                  "server keeps asking to renegotiate");
            c.send_alert(AlertLevel::warning, AlertDescription::no_renegotiation);
            return state;
        }
    }
    return unexpected(state, message);
}

}  // namespace tls12
