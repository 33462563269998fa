// The TLS 1.3 server's states (RFC 8446): what to negotiate from a ClientHello, the
// HelloRetryRequest, our first flight, and the client's answer.
#include <tls12/tls/handshake/server13.h>

#include <tls12/tls/handshake/common.h>

namespace tls12::server13 {
namespace {

// What the server settles on from a ClientHello.
struct Selection {
    const SuiteInfo* suite = nullptr;
    NamedGroup group = NamedGroup::x25519;
    const KeyShareEntry* share = nullptr;  // the client's share of group; null: ask for one
    const CertifiedKey* certificate = nullptr;
    SignatureScheme scheme = SignatureScheme::rsa_pss_rsae_sha256;
    std::string alpn;
    std::shared_ptr<const Session> psk;  // a ticket the client offered, binder checked
    uint16_t psk_index = 0;
    bool psk_ke = false;  // resuming without (EC)DHE (RFC 8446 4.2.9), when configured
};

// With several certificates, those issued for the SNI host name come first (RFC 6066 3).
std::vector<const CertifiedKey*> candidate_certificates(const ServerConfig& config,
                                                        const Extensions& ext) {
    std::vector<const CertifiedKey*> matching, others;
    for (const auto& certificate : config.certificates) {
        const bool match = config.certificates.size() > 1 && ext.server_name &&
                           x509::names_match(certificate.names(), *ext.server_name);
        (match ? matching : others).push_back(&certificate);
    }
    matching.insert(matching.end(), others.begin(), others.end());
    return matching;
}

Result<Selection> select_parameters(const ServerConfig& config, const ClientHello& hello) {
    const Extensions& ext = hello.extensions;
    Selection chosen;
    for (auto suite : config.tls13_cipher_suites) {
        if (contains(hello.cipher_suites, suite)) {
            chosen.suite = find_suite(suite);
            break;
        }
    }
    if (!chosen.suite)
        return make_error(AlertDescription::handshake_failure,
                          "no TLS 1.3 cipher suite in common: client offered " +
                              describe_list(hello.cipher_suites));
    // RFC 8446 9.2: a ClientHello without a PSK must carry these.
    if (!ext.signature_algorithms)
        return make_error(AlertDescription::missing_extension,
                          "TLS 1.3 ClientHello without signature_algorithms");
    if (!ext.supported_groups || !ext.key_shares)
        return make_error(AlertDescription::missing_extension,
                          "TLS 1.3 ClientHello without supported_groups and key_share");
    // RFC 8446 4.2.8: every share is for a group the client lists.
    for (const auto& share : *ext.key_shares)
        if (!contains(*ext.supported_groups, share.group))
            return make_error(AlertDescription::illegal_parameter,
                              "client sent a key share for " + to_string(share.group) +
                                  ", which its supported_groups does not list");
    // Our preference among the groups the client sent a share for; failing that, our preferred
    // group the client supports (asked for with a HelloRetryRequest).
    std::optional<NamedGroup> without_share;
    for (auto group : config.groups) {
        if (!to_kex_group(group) || !contains(*ext.supported_groups, group)) continue;
        for (const auto& share : *ext.key_shares)
            if (share.group == group) chosen.share = &share;
        if (chosen.share) {
            chosen.group = group;
            break;
        }
        if (!without_share) without_share = group;
    }
    if (!chosen.share) {
        if (!without_share)
            return make_error(AlertDescription::handshake_failure,
                              "no key exchange group in common with the client");
        chosen.group = *without_share;
    }
    for (const CertifiedKey* certificate : candidate_certificates(config, ext)) {
        if (auto scheme = choose_signature_scheme13(
                config.signature_schemes, *ext.signature_algorithms, certificate->key()->type())) {
            chosen.certificate = certificate;
            chosen.scheme = *scheme;
            break;
        }
    }
    if (!chosen.certificate)
        return make_error(AlertDescription::handshake_failure,
                          "no signature scheme in common: the client's signature_algorithms "
                          "accept none that our certificates can make in TLS 1.3");
    if (ext.alpn && !config.alpn_protocols.empty()) {
        for (const auto& protocol : config.alpn_protocols)
            if (contains(*ext.alpn, protocol)) {
                chosen.alpn = protocol;
                break;
            }
        // RFC 7301 3.2
        if (chosen.alpn.empty())
            return make_error(AlertDescription::no_application_protocol,
                              "client offers no application protocol this server speaks");
    }
    return chosen;
}

// RFC 8446 4.2.9: the PSK mode we would resume with, if any: psk_dhe_ke whenever the client
// offers it; psk_ke only when configured and it is the client's only offer we take.
std::optional<uint8_t> psk_mode(const ServerConfig& config, const Extensions& ext) {
    if (!ext.psk_key_exchange_modes) return std::nullopt;
    if (contains(*ext.psk_key_exchange_modes, kPskDheKe)) return kPskDheKe;
    if (config.allow_psk_ke && contains(*ext.psk_key_exchange_modes, kPskKe)) return kPskKe;
    return std::nullopt;
}

// Whether a full handshake would accept the session's client identity now (as for TLS 1.2: a
// chain resumes only while one is asked for and client_verifier still accepts it).
bool client_identity_accepted(const ServerConfig& config, const Session& session, TimePoint now) {
    if (session.peer_certificates.empty()) return config.client_auth != ClientAuth::require;
    if (config.client_auth == ClientAuth::none || !config.client_verifier) return false;
    return config.client_verifier->verify({session.peer_certificates, {}, PeerRole::client, now})
        .ok();
}

// TLS 1.3 tickets: sealed under the ticket keys (shared by a fleet), or single-use entries of
// the session cache.
bool sealed_tickets(const ServerConfig& config) {
    return config.tls13_tickets_in_ticket_keys && config.ticket_keys;
}
bool can_issue_tickets(const ServerConfig& config) {
    return config.tls13_tickets_in_ticket_keys ? config.ticket_keys != nullptr
                                               : config.session_cache != nullptr;
}

// RFC 8446 4.2.11: the first offered identity that is a live ticket of ours, usable with the
// chosen suite; its binder must verify (decrypt_error otherwise). A ticket from the session
// cache is used once: it leaves the cache here (a sealed one resumes until it expires). encoded
// is the ClientHello, transcript_prefix what came before it.
Status find_psk(Context& c, const ClientHello& hello, ByteView encoded, ByteView transcript_prefix,
                Selection& chosen) {
    const ServerConfig& config = c.config;
    const Extensions& ext = hello.extensions;
    if (!ext.pre_shared_key) return {};
    // RFC 8446 4.2.9: a PSK offer needs psk_key_exchange_modes.
    if (!ext.psk_key_exchange_modes)
        return make_error(AlertDescription::missing_extension,
                          "client offers a PSK without psk_key_exchange_modes");
    const auto mode = psk_mode(config, ext);
    if (!can_issue_tickets(config) || !mode) return {};
    const OfferedPsks& offered = *ext.pre_shared_key;
    const crypto::HashAlgorithm hash = chosen.suite->prf_hash;
    for (size_t i = 0; i < offered.identities.size(); ++i) {
        const Bytes& identity = offered.identities[i].identity;
        auto session = sealed_tickets(config) ? config.ticket_keys->open(identity, c.now())
                                              : config.session_cache->find(identity, c.now());
        if (!session || session->version != ProtocolVersion::tls13) continue;
        const SuiteInfo* suite = find_suite(session->suite);
        if (!suite || !suite->tls13() || suite->prf_hash != hash) continue;
        if (session->server_name != ext.server_name.value_or("")) continue;
        if (!client_identity_accepted(config, *session, c.now())) continue;
        // RFC 8446 4.2.11.2: the binder over the transcript and this ClientHello up to the
        // binders.
        Transcript partial;
        partial.add(transcript_prefix);
        partial.add(encoded.first(encoded.size() - offered.binders_size()));
        const KeySchedule13 early(hash, session->master_secret.view());
        const Bytes expected =
            finished_verify_data(hash, early.binder_key(true).view(), partial.hash(hash));
        if (!crypto::constant_time_equal(expected, offered.binders[i]))
            return make_error(AlertDescription::decrypt_error,
                              "PSK binder " + std::to_string(i) + " does not verify");
        if (!sealed_tickets(config)) config.session_cache->remove(identity);
        chosen.psk = std::move(session);
        chosen.psk_index = static_cast<uint16_t>(i);
        chosen.psk_ke = *mode == kPskKe;
        return {};
    }
    return {};
}

// RFC 8446 D.4: a client in middlebox compatibility mode (a non-empty legacy_session_id) gets
// our dummy ChangeCipherSpec right after our first handshake message.
bool wants_compat_ccs(const ClientHello& hello) {
    return !hello.session_id.empty();
}

Result<State> send_hello_retry_request(Context& c, const ClientHello& hello,
                                       const Selection& chosen, Transcript transcript) {
    Retry retry;
    retry.suite = chosen.suite;
    retry.group = chosen.group;
    retry.cookie = c.random().bytes(16);
    retry.session_id = hello.session_id;
    ServerHello request;
    request.random = ServerHello::kHelloRetryRequestRandom;
    request.session_id = hello.session_id;
    request.cipher_suite = chosen.suite->suite;
    request.extensions.supported_versions = std::vector<ProtocolVersion>{ProtocolVersion::tls13};
    request.extensions.key_share_group = chosen.group;
    request.extensions.cookie = retry.cookie;
    replace_with_message_hash(transcript, chosen.suite->prf_hash);
    TLS_TRY(c.emit(transcript, request));
    // RFC 8446 4.2.10: 0-RTT is never accepted; after a HelloRetryRequest the client's early data
    // is every application_data record before its second ClientHello.
    if (hello.extensions.early_data)
        c.records().skip_early_data(EarlyDataSkip::application_data,
                                    c.common().limits.max_skipped_early_data);
    if (wants_compat_ccs(hello)) {
        TLS_TRY(c.compat_change_cipher_spec());
        retry.sent_compat_ccs = true;
    }
    TLS_TRY(c.flush());
    retry.transcript = std::move(transcript);
    return State{ExpectClientHelloAfterRetry{{}, std::move(retry)}};
}

// ServerHello, [ChangeCipherSpec], EncryptedExtensions, [CertificateRequest], Certificate,
// CertificateVerify, Finished.
Result<State> send_first_flight(Context& c, const ClientHello& hello, const Selection& chosen,
                                Transcript transcript, bool sent_compat_ccs) {
    const ServerConfig& config = c.config;
    const SuiteInfo& suite = *chosen.suite;
    ServerHello reply;
    c.random().fill(reply.random);
    reply.session_id = hello.session_id;
    reply.cipher_suite = suite.suite;
    reply.extensions.supported_versions = std::vector<ProtocolVersion>{ProtocolVersion::tls13};
    std::optional<crypto::SecretBytes> shared;
    if (chosen.psk_ke) {
        // RFC 8446 4.2.9 / 7.1: no key_share; the (EC)DHE input is Hash.length zeros.
        shared.emplace(crypto::digest_size(suite.prf_hash));
    } else {
        crypto::KeyExchange ours(*to_kex_group(chosen.group), c.random());
        shared = ours.agree(chosen.share->key_exchange);
        if (!shared)
            return make_error(AlertDescription::illegal_parameter,
                              "client's " + to_string(chosen.group) + " key share is invalid");
        reply.extensions.key_share = KeyShareEntry{
            chosen.group, Bytes(ours.public_value().begin(), ours.public_value().end())};
    }
    const bool resumed = chosen.psk != nullptr;
    if (resumed) reply.extensions.selected_psk = chosen.psk_index;
    TLS_TRY(c.emit(transcript, reply));

    NegotiatedParameters& negotiated = c.negotiated();
    negotiated.version = ProtocolVersion::tls13;
    negotiated.cipher_suite = suite.suite;
    if (chosen.psk_ke)
        negotiated.group.reset();
    else
        negotiated.group = chosen.group;
    negotiated.signature_scheme = chosen.scheme;
    negotiated.server_name = hello.extensions.server_name.value_or("");
    negotiated.alpn = chosen.alpn;
    negotiated.extended_master_secret = false;
    negotiated.resumed = resumed;
    if (resumed) {
        negotiated.peer_certificates = chosen.psk->peer_certificates;
        negotiated.signature_scheme.reset();
    }
    const bool issue_ticket =
        can_issue_tickets(config) && psk_mode(config, hello.extensions).has_value();

    Handshake13 hs{
        &suite,
        hello.random,
        std::move(transcript),
        KeySchedule13(suite.prf_hash, resumed ? chosen.psk->master_secret.view() : ByteView()),
        {},
        {}};
    derive_handshake_secrets(c, hs, shared->view());
    auto write = protection13(suite, hs.server_handshake_secret.view(), true);
    if (!sent_compat_ccs && wants_compat_ccs(hello)) {
        TLS_TRY(c.change_cipher_spec(std::move(write)));
    } else {
        TLS_TRY(c.flush());
        c.records().set_write_protection(std::move(write));
    }
    c.read_with(protection13(suite, hs.client_handshake_secret.view(), false));
    c.records().allow_plaintext_alerts();
    // RFC 8446 4.2.10: early_data is ignored (not acknowledged in EncryptedExtensions), and the
    // client's 0-RTT records, which the handshake key does not open, are skipped.
    if (hello.extensions.early_data)
        c.records().skip_early_data(EarlyDataSkip::undecryptable,
                                    config.limits.max_skipped_early_data);

    EncryptedExtensions encrypted;
    encrypted.extensions.server_name_ack = hello.extensions.server_name.has_value() && !resumed;
    if (!chosen.alpn.empty()) encrypted.extensions.alpn = std::vector<std::string>{chosen.alpn};
    TLS_TRY(c.emit(hs.transcript, encrypted));
    // RFC 8446 4.3.2: no CertificateRequest when authenticating with a PSK.
    const bool ask_for_certificate = config.client_auth != ClientAuth::none && !resumed;
    if (ask_for_certificate) {
        CertificateRequest13 request;
        std::vector<SignatureScheme> schemes;
        for (auto scheme : config.signature_schemes)
            if (scheme_fits_key13(scheme, crypto::KeyType::rsa) ||
                scheme_fits_key13(scheme, crypto::KeyType::ecdsa_p256) ||
                scheme_fits_key13(scheme, crypto::KeyType::ecdsa_p384))
                schemes.push_back(scheme);
        request.extensions.signature_algorithms = std::move(schemes);
        TLS_TRY(c.emit(hs.transcript, request));
    }
    if (!resumed) {
        TLS_TRY(c.emit(hs.transcript, certificate_message13(chosen.certificate->chain())));
        TLS_TRY(send_certificate_verify13(c, hs, *chosen.certificate->key(), chosen.scheme, true));
    }
    TLS_TRY(send_finished13(c, hs, false));
    TLS_TRY(c.flush());
    ApplicationSecrets13 app = derive_application_secrets(c, hs);
    c.records().set_write_protection(protection13(suite, app.server.view(), true));
    if (ask_for_certificate)
        return State{ExpectCertificate{{}, std::move(hs), std::move(app), issue_ticket}};
    return State{ExpectFinished{{}, std::move(hs), std::move(app), issue_ticket}};
}

// RFC 8446 4.6.1: a ticket for this connection, sealed under the ticket keys, or kept in our
// session cache under a random identity (so it is single-use: resumption removes it).
Status send_ticket(Context& c, const SuiteInfo& suite, const crypto::SecretBytes& resumption) {
    const ServerConfig& config = c.config;
    const NegotiatedParameters& negotiated = c.negotiated();
    NewSessionTicket13 ticket;
    ticket.lifetime = static_cast<uint32_t>(
        std::min<int64_t>(config.session_lifetime.count(), 604800));  // at most 7 days
    const Bytes age_add = c.random().bytes(4);
    ticket.age_add = uint32_t{age_add[0]} << 24 | uint32_t{age_add[1]} << 16 |
                     uint32_t{age_add[2]} << 8 | age_add[3];
    ticket.nonce = Bytes{0};
    auto session = std::make_shared<Session>();
    session->version = ProtocolVersion::tls13;
    session->suite = suite.suite;
    session->master_secret = resumption_psk(suite.prf_hash, resumption.view(), ticket.nonce);
    session->ticket_age_add = ticket.age_add;
    session->server_name = negotiated.server_name;
    session->peer_certificates = negotiated.peer_certificates;
    session->created = c.now();
    session->lifetime = std::chrono::seconds(ticket.lifetime);
    if (sealed_tickets(config)) {
        ticket.ticket = config.ticket_keys->seal(*session, c.now());
        if (ticket.ticket.empty()) return {};  // a client chain too long for a ticket
    } else {
        ticket.ticket = c.random().bytes(32);
        session->id = ticket.ticket;
    }
    Transcript unused;  // post-handshake messages are not part of the transcript
    TLS_TRY(c.emit(unused, ticket));
    if (!sealed_tickets(config)) config.session_cache->store(std::move(session));
    return {};
}

Status check_client_hello(const ClientHello& hello) {
    // RFC 8446 4.1.2: exactly the one null compression method.
    if (hello.compression_methods != Bytes{0})
        return make_error(AlertDescription::illegal_parameter,
                          "TLS 1.3 ClientHello must offer only null compression");
    return check_tls13_extensions(hello.extensions, ExtensionContext::client_hello);
}

}  // namespace

bool offers_tls13(const ClientHello& hello) {
    const auto& versions = hello.extensions.supported_versions;
    return versions && contains(*versions, ProtocolVersion::tls13);
}

Result<State> accept_client_hello(Context& c, const Incoming<ClientHello>& m) {
    const ClientHello& hello = m.msg;
    TLS_TRY(check_client_hello(hello));
    auto selection = select_parameters(c.config, hello);
    if (!selection) return std::move(selection).error();
    c.records().require_tls12_records();
    c.negotiated().version = ProtocolVersion::tls13;
    Transcript transcript;
    transcript.add(m.encoded);
    // psk_ke needs no key share: a PSK resumed that way goes on without asking for one.
    if (!selection->share && psk_mode(c.config, hello.extensions) == kPskKe)
        TLS_TRY(find_psk(c, hello, m.encoded, {}, *selection));
    if (!selection->share && !selection->psk_ke)
        return send_hello_retry_request(c, hello, *selection, std::move(transcript));
    if (!selection->psk) TLS_TRY(find_psk(c, hello, m.encoded, {}, *selection));
    return send_first_flight(c, hello, *selection, std::move(transcript), false);
}

Result<State> ExpectClientHelloAfterRetry::handle(Context& c, const Incoming<ClientHello>& m) && {
    const ClientHello& hello = m.msg;
    // RFC 8446 4.1.2: the second ClientHello is the first with what we asked for changed.
    if (!offers_tls13(hello))
        return make_error(AlertDescription::illegal_parameter,
                          "second ClientHello does not offer TLS 1.3");
    TLS_TRY(check_client_hello(hello));
    c.records().skip_early_data(EarlyDataSkip::none);  // the client's 0-RTT records end here
    // RFC 8446 4.2.10: "A client MUST NOT include the early_data extension in its followup
    // ClientHello."
    if (hello.extensions.early_data)
        return make_error(AlertDescription::illegal_parameter,
                          "second ClientHello carries early_data");
    if (hello.session_id != retry.session_id)
        return make_error(AlertDescription::illegal_parameter,
                          "second ClientHello changed its legacy_session_id");
    if (!hello.extensions.cookie || *hello.extensions.cookie != retry.cookie)
        return make_error(AlertDescription::illegal_parameter,
                          "second ClientHello does not echo our cookie");
    const auto& shares = hello.extensions.key_shares;
    // RFC 8446 4.2.8: exactly one share, of the group we asked for.
    if (!shares || shares->size() != 1 || shares->front().group != retry.group)
        return make_error(AlertDescription::illegal_parameter,
                          "second ClientHello does not carry exactly one key share for " +
                              to_string(retry.group));
    auto selection = select_parameters(c.config, hello);
    if (!selection) return std::move(selection).error();
    if (selection->suite != retry.suite || selection->group != retry.group || !selection->share)
        return make_error(AlertDescription::illegal_parameter,
                          "second ClientHello does not allow what our HelloRetryRequest chose");
    TLS_TRY(find_psk(c, hello, m.encoded, retry.transcript.all(), *selection));
    retry.transcript.add(m.encoded);
    return send_first_flight(c, hello, *selection, std::move(retry.transcript),
                             retry.sent_compat_ccs);
}

// ---- the client's certificate ----

Result<State> ExpectCertificate::handle(Context& c, const Incoming<Certificate13>& m) && {
    // Our CertificateRequest's context was empty.
    if (!m.msg.request_context.empty())
        return make_error(AlertDescription::illegal_parameter,
                          "client's Certificate has a certificate_request_context we never sent");
    hs.transcript.add(m.encoded);
    if (m.msg.entries.empty()) {
        // RFC 8446 4.4.2.4: a server requiring one "MAY abort with certificate_required".
        if (c.config.client_auth == ClientAuth::require)
            return make_error(AlertDescription::certificate_required,
                              "client sent no certificate, which this server requires");
        return State{ExpectFinished{{}, std::move(hs), std::move(app), issue_ticket}};
    }
    auto client = verify_peer(*c.config.client_verifier, chain_of(m.msg), std::string_view(),
                              PeerRole::client, c.now(), c.common().limits);
    if (!client) return std::move(client).error();
    return State{ExpectCertificateVerify{
        {}, std::move(hs), std::move(app), issue_ticket, std::move(client).value()}};
}

Result<State> ExpectCertificateVerify::handle(Context& c, const Incoming<CertificateVerify>& m) && {
    TLS_TRY(check_certificate_verify13(c, hs, client.key(), m, false));
    c.negotiated().peer_certificates = client.chain();
    return State{ExpectFinished{{}, std::move(hs), std::move(app), issue_ticket}};
}

// ---- Finished ----

Result<State> ExpectFinished::handle(Context& c, const Incoming<Finished13>& m) && {
    TLS_TRY(check_finished13(hs, true, m.msg, m.encoded));
    const SuiteInfo& suite = *hs.suite;
    c.read_with(protection13(suite, app.client.view(), false));
    auto resumption = hs.schedule.resumption_master_secret(hs.transcript_hash());
    if (issue_ticket) TLS_TRY(send_ticket(c, suite, resumption));
    return State{Established{Traffic13{&suite, std::move(app.server), std::move(app.client), 0},
                             std::move(resumption)}};
}

// ---- Established ----

Result<State> Established::handle(Context& c, const Incoming<KeyUpdate>& m) && {
    TLS_TRY(traffic.receive(c, m.msg));
    return State{std::move(*this)};
}

Status update_keys(Context& c, State& state, bool request_peer_update) {
    return send_key_update<Established>(c, state, request_peer_update);
}

void invalidate_session(Context&, const State&) {}

}  // namespace tls12::server13
