// The TLS 1.2 server's states after its first flight: the client's certificate, key exchange,
// CertificateVerify and Finished, then ours.
#include <tls12/tls/handshake/server12.h>

#include <tls12/tls/handshake/common.h>

namespace tls12::server12 {

std::shared_ptr<Session> session_to_keep(Context& c, const Hellos12& hellos,
                                         const SessionPlan& plan, const Secrets12& secrets) {
    const NegotiatedParameters& negotiated = c.negotiated();
    auto session = std::make_shared<Session>();
    session->id = plan.session_id;
    session->suite = hellos.suite->suite;
    session->master_secret = secrets.master_secret.clone();
    session->extended_master_secret = negotiated.extended_master_secret;
    session->server_name = negotiated.server_name;
    session->peer_certificates = negotiated.peer_certificates;  // the client's, if it sent one
    session->lifetime = c.config.session_lifetime;
    // A renewed ticket stands for the same session and keeps its creation time: restarting the
    // clock at each renewal would let one master secret be resumed forever.
    session->created = plan.resumed ? plan.resumed->created : c.now();
    return session;
}

Status send_new_session_ticket(Context& c, Hellos12& hellos, const SessionPlan& plan,
                               const Secrets12& secrets) {
    const auto now = c.now();
    const auto session = session_to_keep(c, hellos, plan, secrets);
    NewSessionTicket ticket;
    // RFC 5077 3.3: the hint counts from now; a renewed ticket has only the rest of its lifetime.
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(session->created +
                                                                       session->lifetime - now);
    ticket.lifetime_hint = static_cast<uint32_t>(std::max<int64_t>(left.count(), 0));
    // Empty when the session is too large to seal (RFC 5077 3.3 allows an empty ticket once the
    // extension was acknowledged); the client then keeps the session ID, if any.
    ticket.ticket = c.config.ticket_keys->seal(*session, now);
    return c.emit(hellos.transcript, ticket);
}

namespace {

// A full handshake's session goes into the session-ID cache (RFC 7627 5.3: only with the
// extended master secret, which is the only way it gets an ID at all). Returns the cached ID.
Bytes cache_session(Context& c, const Hellos12& hellos, const SessionPlan& plan,
                    const Secrets12& secrets) {
    if (plan.resumed || plan.session_id.empty() || !c.config.session_cache) return {};
    if (!c.negotiated().extended_master_secret) return {};
    c.config.session_cache->store(session_to_keep(c, hellos, plan, secrets));
    return plan.session_id;
}

}  // namespace

Result<State> ExpectClientCertificate::handle(Context& c, const Incoming<Certificate>& m) && {
    const ServerConfig& config = c.config;
    ExpectClientKeyExchange next{std::move(hellos), std::move(plan), std::move(share),
                                 std::nullopt};
    if (m.msg.chain.empty()) {
        // RFC 5246 7.4.6: a client without a certificate sends an empty list.
        if (config.client_auth == ClientAuth::require)
            return make_error(AlertDescription::handshake_failure,
                              "client presented no certificate, which this server requires");
    } else {
        auto client = verify_peer(*config.client_verifier, m.msg.chain, {}, PeerRole::client,
                                  c.now(), config.limits);
        if (!client) return std::move(client).error();
        c.negotiated().peer_certificates = client->chain();
        next.client = std::move(client).value();
    }
    next.hellos.transcript.add(m.encoded);
    return State{std::move(next)};
}

Result<State> ExpectClientKeyExchange::handle(Context& c,
                                              const Incoming<ClientKeyExchangeBody>& m) && {
    crypto::SecretBytes premaster;
    if (share.ephemeral) {
        auto cke = ClientKeyExchange::parse_ecdhe(m.msg.body);
        if (!cke) return std::move(cke).error();
        auto shared = share.ephemeral->agree(cke->exchange_keys);
        if (!shared)
            return make_error(AlertDescription::illegal_parameter,
                              "client's ECDHE public value is invalid");
        premaster = std::move(*shared);
    } else {
        auto cke = ClientKeyExchange::parse_rsa(m.msg.body);
        if (!cke) return std::move(cke).error();
        // RFC 5246 7.4.7.1: never fails; a malformed ciphertext yields a random premaster and
        // the handshake fails later at Finished, exactly like a wrong key would.
        premaster = share.certificate->key()->rsa_decrypt_premaster(
            cke->exchange_keys, share.client_hello_version, c.random());
    }
    hellos.transcript.add(m.encoded);
    Secrets12 secrets =
        derive_secrets(*hellos.suite, compute_master_secret(c, hellos, premaster.view()),
                       hellos.client_random, hellos.server_random);
    if (client)
        return State{ExpectCertificateVerify{std::move(hellos), std::move(plan), std::move(secrets),
                                             std::move(*client)}};
    return State{ExpectClientChangeCipherSpec{std::move(hellos), std::move(plan),
                                              std::move(secrets), Flow::full}};
}

Result<State> ExpectCertificateVerify::handle(Context& c, const Incoming<CertificateVerify>& m) && {
    const CertificateVerify& verify = m.msg;
    if (!contains(c.common().signature_schemes, verify.scheme) ||
        !scheme_fits_key(verify.scheme, client.key().type()))
        return make_error(AlertDescription::illegal_parameter,
                          "client signed with " + to_string(verify.scheme) +
                              ", which was not requested or does not fit its key");
    // RFC 5246 7.4.8: the signature covers every handshake message before this one.
    if (!client.key().verify(*to_signature_algorithm(verify.scheme), hellos.transcript.all(),
                             verify.signature))
        return make_error(AlertDescription::decrypt_error,
                          "client's CertificateVerify signature does not verify");
    hellos.transcript.add(m.encoded);
    return State{ExpectClientChangeCipherSpec{std::move(hellos), std::move(plan),
                                              std::move(secrets), Flow::full}};
}

Result<State> ExpectClientChangeCipherSpec::handle(Context& c, ChangeCipherSpecMessage) && {
    c.read_with(protection(c, hellos, secrets, true, false));
    return State{
        ExpectClientFinished{std::move(hellos), std::move(plan), std::move(secrets), flow}};
}

Result<State> ExpectClientFinished::handle(Context& c, const Incoming<Finished>& m) && {
    TLS_TRY(check_finished(hellos, secrets, true, m.msg, m.encoded));
    if (flow == Flow::full) {
        if (plan.issue_ticket) TLS_TRY(send_new_session_ticket(c, hellos, plan, secrets));
        TLS_TRY(c.change_cipher_spec(protection(c, hellos, secrets, false, true)));
        TLS_TRY(send_finished(c, hellos, secrets, false));
    }
    Bytes cached =
        plan.resumed_from_cache ? plan.session_id : cache_session(c, hellos, plan, secrets);
    return State{Established{std::move(cached), 0}};
}

void invalidate_session(Context& c, const State& state) {
    const Bytes* id = nullptr;
    if (const auto* established = std::get_if<Established>(&state))
        id = &established->cached_session_id;
    else if (const auto* finishing = std::get_if<ExpectClientFinished>(&state);
             finishing && finishing->plan.resumed_from_cache)
        id = &finishing->plan.session_id;
    // Only this connection's own session: a client chooses the ID it sends with a ticket.
    if (id && !id->empty() && c.config.session_cache) c.config.session_cache->remove(*id);
}

}  // namespace tls12::server12
