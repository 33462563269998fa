// The TLS 1.2 client's states: the server's flight, our key exchange and Finished.
#include <tls12/tls/handshake/client12.h>

#include <tls12/tls/handshake/common.h>

namespace tls12::client12 {
namespace {

Error unsolicited(const std::string& extension) {
    return make_error(
        AlertDescription::unsupported_extension,
        "server sent the " + extension + " extension, which the client did not offer");
}

// RFC 5246 7.4.1.4: a server may only answer extensions the client sent; RFC 7366, 7301, 5746,
// 7627 say what each answer may be. Records what was agreed in the shared parameters.
Status check_extensions(Context& c, const Offer& offer, const ServerHello& hello,
                        const SuiteInfo& suite) {
    const Extensions& ext = hello.extensions;
    NegotiatedParameters& negotiated = c.negotiated();
    if (ext.supported_versions) return unsolicited("supported_versions");
    // TLS 1.3's answers, parsed now, are as unsolicited as they were when they were unknown.
    if (ext.key_share || ext.key_share_group) return unsolicited("key_share");
    if (ext.selected_psk) return unsolicited("pre_shared_key");
    if (ext.cookie) return unsolicited("cookie");
    if (!ext.unknown.empty())
        return unsolicited("unrequested extension " + std::to_string(ext.unknown.front().first));
    if (ext.session_ticket && (!offer.session_ticket || !ext.session_ticket->empty()))
        return unsolicited("session_ticket");
    if (ext.encrypt_then_mac && !offer.encrypt_then_mac) return unsolicited("encrypt_then_mac");
    // RFC 7366 3: the server must not acknowledge it for an AEAD (non-CBC) suite.
    if (ext.encrypt_then_mac && !suite.cbc())
        return make_error(AlertDescription::illegal_parameter,
                          "server acknowledged encrypt_then_mac for a non-CBC suite");
    negotiated.encrypt_then_mac = ext.encrypt_then_mac;
    if (ext.server_name_ack && !offer.server_name) return unsolicited("server_name");
    if (ext.alpn) {
        if (c.config.alpn_protocols.empty())
            return unsolicited("application_layer_protocol_negotiation");
        if (ext.alpn->size() != 1 || !contains(c.config.alpn_protocols, ext.alpn->front()))
            return make_error(AlertDescription::illegal_parameter,
                              "server selected an ALPN protocol the client did not offer");
        negotiated.alpn = ext.alpn->front();
    }
    if (ext.ec_point_formats && !contains(*ext.ec_point_formats, uint8_t{0}))
        return make_error(AlertDescription::illegal_parameter,
                          "server does not accept uncompressed points");
    // RFC 5746 3.4: on an initial handshake the server's renegotiation_info must be empty.
    if (ext.renegotiation_info && !ext.renegotiation_info->empty())
        return make_error(AlertDescription::handshake_failure,
                          "server sent a non-empty renegotiation_info on the initial handshake");
    negotiated.extended_master_secret = ext.extended_master_secret;
    if (!ext.extended_master_secret &&
        c.config.extended_master_secret == ExtendedMasterSecret::require)
        return make_error(AlertDescription::handshake_failure,
                          "server does not support the extended master secret (RFC 7627), "
                          "which this client requires");
    return {};
}

// The ClientKeyExchange for the server's key exchange, and the premaster secret it carries.
Result<ClientKeyExchange> client_key_exchange(Context& c, const VerifiedPeer& server,
                                              const std::optional<ServerEcdhParams>& ecdhe,
                                              crypto::SecretBytes& premaster) {
    ClientKeyExchange cke;
    if (!ecdhe) {
        // RFC 5246 7.4.7.1: client_version (the version offered) followed by 46 random bytes.
        premaster = crypto::SecretBytes(48);
        c.random().fill(premaster.span());
        premaster[0] = 3;
        premaster[1] = 3;
        cke.kind = KeyExchangeKind::rsa;
        cke.exchange_keys = server.key().rsa_encrypt_pkcs1(premaster.view(), c.random());
        return cke;
    }
    crypto::KeyExchange ephemeral(*to_kex_group(ecdhe->group), c.random());
    auto shared = ephemeral.agree(ecdhe->public_value);
    if (!shared)
        return make_error(AlertDescription::illegal_parameter,
                          "server's " + to_string(ecdhe->group) + " public value is invalid");
    premaster = std::move(*shared);
    cke.kind = KeyExchangeKind::ecdhe;
    const auto pub = ephemeral.public_value();
    cke.exchange_keys.assign(pub.begin(), pub.end());
    return cke;
}

// The scheme to sign our CertificateVerify with, if our certificate answers the server's
// CertificateRequest (key type among certificate_types, a scheme both sides accept).
std::optional<SignatureScheme> client_certificate_scheme(const ClientConfig& config,
                                                         const CertificateRequest& request) {
    if (!config.certificate || !config.certificate->key()) return std::nullopt;
    const auto type = config.certificate->key()->type();
    const uint8_t wanted = type == crypto::KeyType::rsa ? kCertTypeRsaSign : kCertTypeEcdsaSign;
    if (!contains(request.certificate_types, wanted)) return std::nullopt;
    return choose_signature_scheme(config.signature_schemes, request.supported_signature_algorithms,
                                   type);
}

// Our flight after ServerHelloDone: [Certificate], ClientKeyExchange, [CertificateVerify],
// ChangeCipherSpec, Finished.
Result<State> send_client_flight(Context& c, Hellos12 hellos, SessionPlan plan,
                                 const VerifiedPeer& server,
                                 const std::optional<ServerEcdhParams>& ecdhe,
                                 const CertificateRequest* request) {
    // RFC 5246 7.4.6: when asked, the client sends a Certificate, empty if it has none that fits.
    std::optional<SignatureScheme> client_scheme;
    if (request) {
        client_scheme = client_certificate_scheme(c.config, *request);
        Certificate certificate;
        if (client_scheme) certificate.chain = c.config.certificate->chain();
        TLS_TRY(c.emit(hellos.transcript, certificate));
    }
    crypto::SecretBytes premaster;
    auto cke = client_key_exchange(c, server, ecdhe, premaster);
    if (!cke) return std::move(cke).error();
    TLS_TRY(c.emit(hellos.transcript, *cke));
    Secrets12 secrets =
        derive_secrets(*hellos.suite, compute_master_secret(c, hellos, premaster.view()),
                       hellos.client_random, hellos.server_random);
    if (client_scheme) {
        // RFC 5246 7.4.8: a signature over every handshake message so far.
        CertificateVerify verify;
        verify.scheme = *client_scheme;
        verify.signature = c.config.certificate->key()->sign(
            *to_signature_algorithm(*client_scheme), hellos.transcript.all(), c.random());
        TLS_TRY(c.emit(hellos.transcript, verify));
    }
    TLS_TRY(c.change_cipher_spec(protection(c, hellos, secrets, true, true)));
    TLS_TRY(send_finished(c, hellos, secrets, true));
    if (plan.ticket_follows)
        return State{ExpectNewSessionTicket{
            {}, std::move(hellos), std::move(plan), std::move(secrets), Flow::full}};
    return State{ExpectServerChangeCipherSpec{
        {}, std::move(hellos), std::move(plan), std::move(secrets), Flow::full, std::nullopt}};
}

// The session this connection leaves in the cache: a new one, or a resumed one with a renewed
// ticket. Only with the extended master secret (RFC 7627 5.3).
std::shared_ptr<const Session> remember_session(Context& c, const Hellos12& hellos,
                                                const SessionPlan& plan, const Secrets12& secrets,
                                                const std::optional<NewTicket>& ticket) {
    const ClientConfig& config = c.config;
    const NegotiatedParameters& negotiated = c.negotiated();
    // An empty ticket is the server's way of saying it issues none after all (RFC 5077 3.3).
    const bool new_ticket = ticket && !ticket->ticket.empty();
    if (!config.session_cache || !negotiated.extended_master_secret) return plan.resumed;
    if (plan.resumed && !new_ticket) return plan.resumed;  // nothing new to keep
    if (plan.session_id.empty() && !new_ticket) return nullptr;
    auto session = std::make_shared<Session>();
    session->id = plan.session_id;
    session->suite = hellos.suite->suite;
    session->master_secret = secrets.master_secret.clone();
    session->extended_master_secret = true;
    session->server_name = negotiated.server_name;
    session->peer_certificates = negotiated.peer_certificates;
    session->created = c.now();
    if (new_ticket) session->ticket = ticket->ticket;
    // RFC 5077 3.3: the hint counts from now, when the ticket arrived.
    const auto hint = std::chrono::seconds(ticket ? ticket->lifetime_hint : 0);
    TimePoint expires = session->created + (hint.count() > 0 ? std::min<std::chrono::seconds>(
                                                                   hint, std::chrono::hours(24))
                                                             : std::chrono::hours(2));
    if (plan.resumed) {
        // A renewed ticket continues the session: it never outlives the session it renews.
        session->created = plan.resumed->created;
        expires = std::min(expires, plan.resumed->created + plan.resumed->lifetime);
    }
    session->lifetime =
        std::chrono::duration_cast<std::chrono::seconds>(expires - session->created);
    config.session_cache->store(c.session_key, session);
    return session;
}

}  // namespace

// ---- ServerHello ----

Result<State> accept_server_hello(Context& c, const Random& client_random, Transcript transcript,
                                  Offer offer, const Incoming<ServerHello>& m) {
    const ServerHello& hello = m.msg;
    const ClientConfig& config = c.config;
    if (hello.version != ProtocolVersion::tls12)
        return make_error(
            AlertDescription::protocol_version,
            "server chose " + to_string(hello.version) + "; only TLS 1.2 is supported");
    const SuiteInfo* suite = find_tls12_suite(hello.cipher_suite);
    if (!contains(config.cipher_suites, hello.cipher_suite) || !suite)
        return make_error(
            AlertDescription::illegal_parameter,
            "server chose " + to_string(hello.cipher_suite) + ", which was not offered");
    if (hello.compression_method != 0)
        return make_error(AlertDescription::illegal_parameter, "server chose compression");
    TLS_TRY(check_extensions(c, offer, hello, *suite));

    NegotiatedParameters& negotiated = c.negotiated();
    negotiated.cipher_suite = hello.cipher_suite;
    c.records().require_tls12_records();
    transcript.add(m.encoded);
    Hellos12 hellos{suite, client_random, hello.random, std::move(transcript)};
    SessionPlan plan{hello.session_id, hello.extensions.session_ticket.has_value(), nullptr};

    const bool resumed =
        offer.session && !hello.session_id.empty() && hello.session_id == offer.session_id;
    if (!resumed) return State{ExpectCertificate{{}, std::move(hellos), std::move(plan)}};

    // An abbreviated handshake: the server accepted our session.
    if (hello.cipher_suite != offer.session->suite)
        return make_error(AlertDescription::illegal_parameter,
                          "server resumed the session with a different cipher suite");
    // RFC 7627 5.3: a session with the extended master secret resumes only with it.
    if (!hello.extensions.extended_master_secret)
        return make_error(AlertDescription::handshake_failure,
                          "server resumed without the extended master secret");
    negotiated.resumed = true;
    negotiated.peer_certificates = offer.session->peer_certificates;
    plan.resumed = std::move(offer.session);
    // Logged for every connection, resumed ones too: a key log reader matches client randoms.
    c.log_master_secret(hellos.client_random, plan.resumed->master_secret);
    Secrets12 secrets = derive_secrets(*suite, plan.resumed->master_secret.clone(),
                                       hellos.client_random, hellos.server_random);
    if (plan.ticket_follows)
        return State{ExpectNewSessionTicket{
            {}, std::move(hellos), std::move(plan), std::move(secrets), Flow::resumed}};
    return State{ExpectServerChangeCipherSpec{
        {}, std::move(hellos), std::move(plan), std::move(secrets), Flow::resumed, std::nullopt}};
}

// ---- Certificate ----

Result<State> ExpectCertificate::handle(Context& c, const Incoming<Certificate>& m) && {
    if (m.msg.chain.empty())
        return make_error(AlertDescription::handshake_failure, "server sent no certificate");
    // An empty name tells the verifier not to match the certificate to a host (only reachable
    // with skip_host_name_verification: Connection::client refuses an empty name otherwise).
    const std::string_view name = c.config.skip_host_name_verification
                                      ? std::string_view()
                                      : std::string_view(c.negotiated().server_name);
    auto server = verify_peer(*c.config.verifier, m.msg.chain, name, PeerRole::server, c.now(),
                              c.common().limits);
    if (!server) return std::move(server).error();
    if (!key_fits_suite(server->key().type(), hellos.suite->kex))
        return make_error(AlertDescription::unsupported_certificate,
                          std::string("server's ") + crypto::to_string(server->key().type()) +
                              " certificate does not fit " + to_string(hellos.suite->suite));
    c.negotiated().peer_certificates = server->chain();
    hellos.transcript.add(m.encoded);
    if (hellos.suite->ecdhe())
        return State{ExpectServerKeyExchange{
            {}, std::move(hellos), std::move(plan), std::move(server).value()}};
    return State{ExpectServerHelloDone{
        {}, std::move(hellos), std::move(plan), std::move(server).value(), std::nullopt}};
}

// ---- ServerKeyExchange ----

Result<State> ExpectServerKeyExchange::handle(Context& c, const Incoming<ServerKeyExchange>& m) && {
    const ServerKeyExchange& kex = m.msg;
    if (!contains(c.common().groups, kex.params.group) || !to_kex_group(kex.params.group))
        return make_error(
            AlertDescription::illegal_parameter,
            "server chose group " + to_string(kex.params.group) + ", which was not offered");
    if (!contains(c.common().signature_schemes, kex.scheme) ||
        !scheme_fits_key(kex.scheme, server.key().type()))
        return make_error(AlertDescription::illegal_parameter,
                          "server signed with " + to_string(kex.scheme) +
                              ", which was not offered or does not fit its key");
    const Bytes signed_data = server_key_exchange_signed_data(
        hellos.client_random, hellos.server_random, kex.params.encode());
    if (!server.key().verify(*to_signature_algorithm(kex.scheme), signed_data, kex.signature))
        return make_error(AlertDescription::decrypt_error,
                          "ServerKeyExchange signature does not verify with the server's key");
    c.negotiated().group = kex.params.group;
    c.negotiated().signature_scheme = kex.scheme;
    hellos.transcript.add(m.encoded);
    return State{ExpectServerHelloDone{
        {}, std::move(hellos), std::move(plan), std::move(server), kex.params}};
}

// ---- CertificateRequest, ServerHelloDone ----

Result<State> ExpectServerHelloDone::handle(Context&, const Incoming<CertificateRequest>& m) && {
    hellos.transcript.add(m.encoded);
    return State{ExpectServerHelloDoneAfterCertificateRequest{
        {}, std::move(hellos), std::move(plan), std::move(server), std::move(ecdhe), m.msg}};
}

Result<State> ExpectServerHelloDone::handle(Context& c, const Incoming<ServerHelloDone>& m) && {
    hellos.transcript.add(m.encoded);
    return send_client_flight(c, std::move(hellos), std::move(plan), server, ecdhe, nullptr);
}

Result<State> ExpectServerHelloDoneAfterCertificateRequest::handle(
    Context& c, const Incoming<ServerHelloDone>& m) && {
    hellos.transcript.add(m.encoded);
    return send_client_flight(c, std::move(hellos), std::move(plan), server, ecdhe, &request);
}

// ---- NewSessionTicket, ChangeCipherSpec, Finished ----

Result<State> ExpectNewSessionTicket::handle(Context&, const Incoming<NewSessionTicket>& m) && {
    hellos.transcript.add(m.encoded);
    return State{ExpectServerChangeCipherSpec{{},
                                              std::move(hellos),
                                              std::move(plan),
                                              std::move(secrets),
                                              flow,
                                              NewTicket{m.msg.ticket, m.msg.lifetime_hint}}};
}

Result<State> ExpectServerChangeCipherSpec::handle(Context& c, ChangeCipherSpecMessage) && {
    c.read_with(protection(c, hellos, secrets, false, false));
    return State{ExpectServerFinished{
        {}, std::move(hellos), std::move(plan), std::move(secrets), flow, std::move(ticket)}};
}

Result<State> ExpectServerFinished::handle(Context& c, const Incoming<Finished>& m) && {
    TLS_TRY(check_finished(hellos, secrets, false, m.msg, m.encoded));
    if (flow == Flow::resumed) {
        TLS_TRY(c.change_cipher_spec(protection(c, hellos, secrets, true, true)));
        TLS_TRY(send_finished(c, hellos, secrets, true));
    }
    return State{Established{remember_session(c, hellos, plan, secrets, ticket), 0}};
}

// ---- Established ----

Result<State> Established::handle(Context& c, const Incoming<HelloRequest>&) && {
    if (++renegotiation_requests > c.common().limits.max_warning_alerts)
        return make_error(AlertDescription::unexpected_message,
                          "server keeps asking to renegotiate");
    c.warn(AlertDescription::no_renegotiation);
    return State{std::move(*this)};
}

void invalidate_session(Context& c, const State& state) {
    const Session* session = nullptr;
    if (const auto* established = std::get_if<Established>(&state))
        session = established->session.get();
    else if (const auto* finishing = std::get_if<ExpectServerFinished>(&state))
        session = finishing->plan.resumed.get();
    // The server's ticket cannot be revoked, but the client can stop presenting it.
    if (session && c.config.session_cache) c.config.session_cache->remove(c.session_key, *session);
}

}  // namespace tls12::client12
