// The TLS 1.3 client's states (RFC 8446): the ServerHello or HelloRetryRequest, the server's
// encrypted flight, our second flight, and the established connection's post-handshake messages.
#include <tls12/tls/handshake/client13.h>

#include <tls12/tls/handshake/common.h>

namespace tls12::client13 {
namespace {

Error unsolicited(const std::string& extension) {
    return make_error(
        AlertDescription::unsupported_extension,
        "server sent the " + extension + " extension, which the client did not offer");
}

// A TLS 1.3 suite of ours (the ClientHello offered exactly these).
const SuiteInfo* offered_suite(const ClientConfig& config, CipherSuite suite) {
    const SuiteInfo* info = find_suite(suite);
    if (!info || !info->tls13() || !contains(config.tls13_cipher_suites, suite)) return nullptr;
    return info;
}

NamedGroup share_group(const Offer13& offer) {
    return offer.hello.extensions.key_shares->front().group;
}

KeyShareEntry share_entry(NamedGroup group, const crypto::KeyExchange& share) {
    return KeyShareEntry{group, Bytes(share.public_value().begin(), share.public_value().end())};
}

// The ServerHello's or HelloRetryRequest's fields every TLS 1.3 answer must have right.
Status check_hello_fields(const ServerHello& hello, const Offer13& offer) {
    // RFC 8446 4.1.3: legacy_session_id_echo echoes ours, no compression.
    if (hello.session_id != offer.hello.session_id)
        return make_error(AlertDescription::illegal_parameter,
                          "server's legacy_session_id_echo does not echo the client's");
    if (hello.compression_method != 0)
        return make_error(AlertDescription::illegal_parameter, "server chose compression");
    TLS_TRY(check_tls13_extensions(hello.extensions, hello.context()));
    if (!hello.extensions.unknown.empty())
        return unsolicited("unrequested extension " +
                           std::to_string(hello.extensions.unknown.front().first));
    return {};
}

// The server's Certificate (RFC 8446 4.4.2): a chain the verifier accepts for our server name.
Result<State> accept_server_certificate(Context& c, Handshake13 hs,
                                        std::optional<CertificateRequest13> request,
                                        const Incoming<Certificate13>& m) {
    if (!m.msg.request_context.empty())
        return make_error(AlertDescription::illegal_parameter,
                          "server's Certificate has a non-empty certificate_request_context");
    // RFC 8446 4.4.2.4: "If the server supplies an empty Certificate message, the client MUST
    // abort the handshake with a "decode_error" alert."
    if (m.msg.entries.empty())
        return make_error(AlertDescription::decode_error, "server sent no certificate");
    const std::string_view name = c.config.skip_host_name_verification
                                      ? std::string_view()
                                      : std::string_view(c.negotiated().server_name);
    auto server = verify_peer(*c.config.verifier, chain_of(m.msg), name, PeerRole::server, c.now(),
                              c.common().limits);
    if (!server) return std::move(server).error();
    c.negotiated().peer_certificates = server->chain();
    hs.transcript.add(m.encoded);
    return State{
        ExpectCertificateVerify{{}, std::move(hs), std::move(server).value(), std::move(request)}};
}

// RFC 8446 4.2.11: a TLS 1.3 ticket from the cache for this server, offered as the one PSK (its
// binder is patched in once the ClientHello is encoded). A ticket is used once (RFC 8446 C.4):
// it leaves the cache now, and the server's new tickets replace it.
void offer_psk(Context& c, ClientHello& hello, Offer13& offer) {
    const ClientConfig& config = c.config;
    if (!config.session_cache) return;
    const TimePoint now = c.now();
    auto session = config.session_cache->find(c.session_key, now);
    if (!session || session->version != ProtocolVersion::tls13 || session->ticket.empty()) return;
    const SuiteInfo* suite = find_suite(session->suite);
    if (!suite || !suite->tls13() || session->server_name != c.negotiated().server_name) return;
    // Only with a suite of ours that has the PSK's hash.
    bool usable = false;
    for (auto ours : config.tls13_cipher_suites)
        usable = usable || find_suite(ours)->prf_hash == suite->prf_hash;
    if (!usable) return;
    config.session_cache->remove(c.session_key, *session);
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - session->created);
    OfferedPsks psks;
    psks.identities.push_back(
        PskIdentity{session->ticket, static_cast<uint32_t>(age.count()) + session->ticket_age_add});
    psks.binders.push_back(Bytes(crypto::digest_size(suite->prf_hash), 0));
    hello.extensions.pre_shared_key = std::move(psks);
    offer.psk = std::move(session);
}

}  // namespace

void offer_tls13(Context& c, ClientHello& hello, Offer13& offer) {
    const ClientConfig& config = c.config;
    Extensions& ext = hello.extensions;
    hello.cipher_suites.insert(hello.cipher_suites.begin(), config.tls13_cipher_suites.begin(),
                               config.tls13_cipher_suites.end());
    // RFC 8446 4.2.1: the versions we accept, best first.
    ext.supported_versions = std::vector<ProtocolVersion>{ProtocolVersion::tls13};
    if (config.min_version == ProtocolVersion::tls12)
        ext.supported_versions->push_back(ProtocolVersion::tls12);
    ext.supported_groups = config.groups;
    // RFC 8446 4.2.8: one share, for our most preferred group; a server wanting another one
    // asks with a HelloRetryRequest.
    const NamedGroup group = config.groups.front();
    offer.share = std::make_shared<crypto::KeyExchange>(*to_kex_group(group), c.random());
    ext.key_shares = std::vector<KeyShareEntry>{share_entry(group, *offer.share)};
    // RFC 8446 4.2.9: psk_ke (resumption without forward secrecy) only when configured.
    ext.psk_key_exchange_modes = config.allow_psk_ke ? std::vector<uint8_t>{kPskDheKe, kPskKe}
                                                     : std::vector<uint8_t>{kPskDheKe};
    ext.signature_algorithms = config.signature_schemes;
    // RFC 8446 D.4: middlebox compatibility mode, a non-empty legacy_session_id.
    if (hello.session_id.empty()) hello.session_id = c.random().bytes(32);
    offer.server_name = ext.server_name.has_value();
    offer_psk(c, hello, offer);
}

Status patch_psk_binders(const Offer13& offer, ByteView transcript_prefix,
                         MutableByteView encoded) {
    if (!offer.psk || !offer.hello.extensions.pre_shared_key) return {};
    const OfferedPsks& offered = *offer.hello.extensions.pre_shared_key;
    const crypto::HashAlgorithm hash = find_suite(offer.psk->suite)->prf_hash;
    // RFC 8446 4.2.11.2: over the transcript so far and this ClientHello up to its binders.
    Transcript partial;
    partial.add(transcript_prefix);
    partial.add(ByteView(encoded).first(encoded.size() - offered.binders_size()));
    const KeySchedule13 early(hash, offer.psk->master_secret.view());
    OfferedPsks patched = offered;
    patched.binders = {
        finished_verify_data(hash, early.binder_key(true).view(), partial.hash(hash))};
    return patched.patch_binders(encoded);
}

// ---- HelloRetryRequest ----

Result<State> accept_hello_retry_request(Context& c, const Random& client_random,
                                         Transcript transcript, Offer13 offer,
                                         const Incoming<ServerHello>& m) {
    const ServerHello& retry = m.msg;
    const ClientConfig& config = c.config;
    const SuiteInfo* suite = offered_suite(config, retry.cipher_suite);
    if (!suite)
        return make_error(
            AlertDescription::illegal_parameter,
            "server chose " + to_string(retry.cipher_suite) + ", which was not offered");
    TLS_TRY(check_hello_fields(retry, offer));
    const Extensions& ext = retry.extensions;
    // RFC 8446 4.1.4: a HelloRetryRequest must change something, and only into what we offered.
    if (!ext.key_share_group && !ext.cookie)
        return make_error(AlertDescription::illegal_parameter,
                          "HelloRetryRequest asks for no change to the ClientHello");
    ClientHello second = offer.hello;
    if (ext.key_share_group) {
        const NamedGroup group = *ext.key_share_group;
        if (!contains(config.groups, group) || !to_kex_group(group))
            return make_error(
                AlertDescription::illegal_parameter,
                "HelloRetryRequest asks for group " + to_string(group) + ", which was not offered");
        if (group == share_group(offer))
            return make_error(AlertDescription::illegal_parameter,
                              "HelloRetryRequest asks for " + to_string(group) +
                                  ", for which the ClientHello already had a key share");
        offer.share = std::make_shared<crypto::KeyExchange>(*to_kex_group(group), c.random());
        second.extensions.key_shares = std::vector<KeyShareEntry>{share_entry(group, *offer.share)};
    }
    // RFC 8446 4.2.2: the cookie goes back in the second ClientHello.
    second.extensions.cookie = ext.cookie;
    second.extensions.early_data = false;
    // RFC 8446 4.1.4: a PSK whose hash the chosen suite does not have is left out.
    if (offer.psk && find_suite(offer.psk->suite)->prf_hash != suite->prf_hash) {
        second.extensions.pre_shared_key.reset();
        offer.psk.reset();
    }

    c.negotiated().version = ProtocolVersion::tls13;
    c.records().require_tls12_records();
    replace_with_message_hash(transcript, suite->prf_hash);
    transcript.add(m.encoded);
    // RFC 8446 D.4: our dummy ChangeCipherSpec goes before our second flight, here.
    TLS_TRY(c.compat_change_cipher_spec());
    offer.hello = std::move(second);
    const Bytes prefix(transcript.all().begin(), transcript.all().end());
    TLS_TRY(c.emit_patched(transcript, offer.hello, [&](MutableByteView encoded) {
        return patch_psk_binders(offer, prefix, encoded);
    }));
    TLS_TRY(c.flush());
    return State{ExpectServerHelloAfterRetry{
        {}, client_random, std::move(transcript), std::move(offer), suite}};
}

Result<State> ExpectServerHelloAfterRetry::handle(Context& c, const Incoming<ServerHello>& m) && {
    // RFC 8446 4.1.4: a second HelloRetryRequest is unexpected_message.
    if (m.msg.is_hello_retry_request())
        return make_error(AlertDescription::unexpected_message,
                          "server sent a second HelloRetryRequest");
    const auto& versions = m.msg.extensions.supported_versions;
    if (!versions || versions->size() != 1 || versions->front() != ProtocolVersion::tls13)
        return make_error(AlertDescription::illegal_parameter,
                          "server's ServerHello after its HelloRetryRequest is not TLS 1.3");
    return accept_server_hello(c, client_random, std::move(transcript), std::move(offer), m, suite);
}

// ---- ServerHello ----

Result<State> accept_server_hello(Context& c, const Random& client_random, Transcript transcript,
                                  Offer13 offer, const Incoming<ServerHello>& m,
                                  const SuiteInfo* retry_suite) {
    const ServerHello& hello = m.msg;
    const ClientConfig& config = c.config;
    const SuiteInfo* suite = offered_suite(config, hello.cipher_suite);
    if (!suite)
        return make_error(
            AlertDescription::illegal_parameter,
            "server chose " + to_string(hello.cipher_suite) + ", which was not offered");
    // RFC 8446 4.1.4: the suite of the HelloRetryRequest.
    if (retry_suite && suite != retry_suite)
        return make_error(AlertDescription::illegal_parameter,
                          "server chose " + to_string(hello.cipher_suite) + " after asking for " +
                              to_string(retry_suite->suite) + " in its HelloRetryRequest");
    TLS_TRY(check_hello_fields(hello, offer));
    const Extensions& ext = hello.extensions;
    // RFC 8446 4.2.11: the one identity we offered, with a suite of its hash.
    const bool resumed = ext.selected_psk.has_value();
    if (resumed && !offer.psk) return unsolicited("pre_shared_key");
    if (resumed && *ext.selected_psk != 0)
        return make_error(AlertDescription::illegal_parameter,
                          "server selected PSK identity " + std::to_string(*ext.selected_psk) +
                              "; the client offered one");
    if (resumed && find_suite(offer.psk->suite)->prf_hash != suite->prf_hash)
        return make_error(
            AlertDescription::illegal_parameter,
            "server resumed with " + to_string(suite->suite) + ", whose hash is not the PSK's");
    // RFC 8446 9.2: without a PSK the server must answer our key share; with one, it may leave
    // it out only for psk_ke, which we offer only when configured (RFC 8446 4.2.9).
    const bool psk_ke = resumed && !ext.key_share && config.allow_psk_ke;
    if (!ext.key_share && !psk_ke)
        return make_error(AlertDescription::missing_extension,
                          resumed ? "server's ServerHello has no key_share: it resumed with "
                                    "psk_ke, which the client did not offer"
                                  : "server's ServerHello has no key_share");
    std::optional<crypto::SecretBytes> shared;
    if (psk_ke) {
        // RFC 8446 7.1: the (EC)DHE input is Hash.length zeros.
        shared.emplace(crypto::digest_size(suite->prf_hash));
    } else {
        if (ext.key_share->group != share_group(offer))
            return make_error(AlertDescription::illegal_parameter,
                              "server's key share is for " + to_string(ext.key_share->group) +
                                  ", not the group the client sent a share for");
        auto agreed = offer.share->agree(ext.key_share->key_exchange);
        if (!agreed)
            return make_error(
                AlertDescription::illegal_parameter,
                "server's " + to_string(ext.key_share->group) + " key share is invalid");
        shared = std::move(*agreed);
    }

    NegotiatedParameters& negotiated = c.negotiated();
    negotiated.version = ProtocolVersion::tls13;
    negotiated.cipher_suite = suite->suite;
    if (psk_ke)
        negotiated.group.reset();
    else
        negotiated.group = ext.key_share->group;
    negotiated.extended_master_secret = false;
    c.records().require_tls12_records();
    transcript.add(m.encoded);
    negotiated.resumed = resumed;
    if (resumed) negotiated.peer_certificates = offer.psk->peer_certificates;
    Handshake13 hs{
        suite,
        client_random,
        std::move(transcript),
        KeySchedule13(suite->prf_hash, resumed ? offer.psk->master_secret.view() : ByteView()),
        {},
        {}};
    derive_handshake_secrets(c, hs, shared->view());
    c.read_with(protection13(*suite, hs.server_handshake_secret.view(), false));
    // Our handshake keys seal from now on: an alert about the server's flight goes out protected,
    // so the server can read it (RFC 8446 5).
    TLS_TRY(c.flush());
    c.records().set_write_protection(protection13(*suite, hs.client_handshake_secret.view(), true));
    return State{ExpectEncryptedExtensions{{}, std::move(hs), std::move(offer), resumed}};
}

// ---- EncryptedExtensions ----

Result<State> ExpectEncryptedExtensions::handle(Context& c,
                                                const Incoming<EncryptedExtensions>& m) && {
    const Extensions& ext = m.msg.extensions;
    TLS_TRY(check_tls13_extensions(ext, ExtensionContext::encrypted_extensions));
    if (!ext.unknown.empty())
        return unsolicited("unrequested extension " + std::to_string(ext.unknown.front().first));
    if (ext.server_name_ack && !offer.server_name) return unsolicited("server_name");
    if (ext.early_data) return unsolicited("early_data");
    NegotiatedParameters& negotiated = c.negotiated();
    if (ext.alpn) {
        if (c.config.alpn_protocols.empty())
            return unsolicited("application_layer_protocol_negotiation");
        if (ext.alpn->size() != 1 || !contains(c.config.alpn_protocols, ext.alpn->front()))
            return make_error(AlertDescription::illegal_parameter,
                              "server selected an ALPN protocol the client did not offer");
        negotiated.alpn = ext.alpn->front();
    }
    hs.transcript.add(m.encoded);
    if (resumed) return State{ExpectFinished{{}, std::move(hs), std::nullopt}};
    return State{ExpectCertificateOrCertificateRequest{{}, std::move(hs)}};
}

// ---- CertificateRequest, Certificate, CertificateVerify ----

Result<State> ExpectCertificateOrCertificateRequest::handle(
    Context&, const Incoming<CertificateRequest13>& m) && {
    // RFC 8446 4.3.2: the context is empty in the handshake.
    if (!m.msg.context.empty())
        return make_error(AlertDescription::illegal_parameter,
                          "CertificateRequest in the handshake has a non-empty context");
    TLS_TRY(check_tls13_extensions(m.msg.extensions, ExtensionContext::certificate_request));
    hs.transcript.add(m.encoded);
    return State{ExpectCertificate{{}, std::move(hs), m.msg}};
}

Result<State> ExpectCertificateOrCertificateRequest::handle(Context& c,
                                                            const Incoming<Certificate13>& m) && {
    return accept_server_certificate(c, std::move(hs), std::nullopt, m);
}

Result<State> ExpectCertificate::handle(Context& c, const Incoming<Certificate13>& m) && {
    return accept_server_certificate(c, std::move(hs), std::move(request), m);
}

Result<State> ExpectCertificateVerify::handle(Context& c, const Incoming<CertificateVerify>& m) && {
    TLS_TRY(check_certificate_verify13(c, hs, server.key(), m, true));
    c.negotiated().signature_scheme = m.msg.scheme;
    return State{ExpectFinished{{}, std::move(hs), std::move(request)}};
}

// ---- Finished, and our second flight ----

Result<State> ExpectFinished::handle(Context& c, const Incoming<Finished13>& m) && {
    TLS_TRY(check_finished13(hs, false, m.msg, m.encoded));
    ApplicationSecrets13 app = derive_application_secrets(c, hs);
    const SuiteInfo& suite = *hs.suite;
    // RFC 8446 D.4: the dummy ChangeCipherSpec (in the clear) before our second flight, unless it
    // went before a second ClientHello; the flight is sealed under our handshake traffic secret,
    // in use since ServerHello.
    const bool after_retry =
        hs.transcript.all()[0] == static_cast<uint8_t>(HandshakeType::message_hash);
    if (!after_retry) TLS_TRY(c.compat_change_cipher_spec());
    if (request) {
        // RFC 8446 4.4.2: a Certificate (empty when we have none that fits), then our proof.
        const ClientConfig& config = c.config;
        std::optional<SignatureScheme> scheme;
        if (config.certificate && config.certificate->key() &&
            request->extensions.signature_algorithms)
            scheme = choose_signature_scheme13(config.signature_schemes,
                                               *request->extensions.signature_algorithms,
                                               config.certificate->key()->type());
        TLS_TRY(c.emit(hs.transcript, certificate_message13(scheme ? config.certificate->chain()
                                                                   : std::vector<Bytes>{},
                                                            request->context)));
        if (scheme)
            TLS_TRY(send_certificate_verify13(c, hs, *config.certificate->key(), *scheme, false));
    }
    TLS_TRY(send_finished13(c, hs, true));
    TLS_TRY(c.flush());
    c.records().set_write_protection(protection13(suite, app.client.view(), true));
    c.read_with(protection13(suite, app.server.view(), false));
    auto resumption = hs.schedule.resumption_master_secret(hs.transcript_hash());
    return State{Established{Traffic13{&suite, std::move(app.client), std::move(app.server), 0},
                             &suite, std::move(resumption), 0}};
}

// ---- Established ----

Result<State> Established::handle(Context& c, const Incoming<NewSessionTicket13>& m) && {
    const NewSessionTicket13& ticket = m.msg;
    TLS_TRY(check_tls13_extensions(ticket.extensions, ExtensionContext::new_session_ticket));
    ++tickets_received;
    const ClientConfig& config = c.config;
    // RFC 8446 4.6.1: a lifetime of zero means the ticket is not to be used; at most 7 days.
    if (!config.session_cache || ticket.lifetime == 0) return State{std::move(*this)};
    const NegotiatedParameters& negotiated = c.negotiated();
    auto session = std::make_shared<Session>();
    session->version = ProtocolVersion::tls13;
    session->ticket = ticket.ticket;
    session->suite = suite->suite;
    session->master_secret =
        resumption_psk(suite->prf_hash, resumption_master_secret.view(), ticket.nonce);
    session->ticket_age_add = ticket.age_add;
    session->server_name = negotiated.server_name;
    session->peer_certificates = negotiated.peer_certificates;
    session->created = c.now();
    session->lifetime = std::chrono::seconds(std::min<uint32_t>(ticket.lifetime, 604800));
    config.session_cache->store(c.session_key, std::move(session));
    return State{std::move(*this)};
}

Result<State> Established::handle(Context& c, const Incoming<KeyUpdate>& m) && {
    TLS_TRY(traffic.receive(c, m.msg));
    return State{std::move(*this)};
}

Status update_keys(Context& c, State& state, bool request_peer_update) {
    return send_key_update<Established>(c, state, request_peer_update);
}

void invalidate_session(Context&, const State&) {}

}  // namespace tls12::client13
