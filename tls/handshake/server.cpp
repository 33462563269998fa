// The server role: negotiate from the ClientHello, send our flight, take the client's key exchange
// and Finished, answer with ours.
#include <exception>

#include <tls12/tls/connection_impl.h>
#include <tls12/tls/msgs/msgs.h>
#include <tls12/x509/certificate.h>

namespace tls12 {
namespace {

template <typename T>
Error parse_error(Result<T>&& result) {
    return std::move(result).error();
}

const HandshakeMessage* expect_handshake(const Message& message, HandshakeType type) {
    const auto* hs = std::get_if<HandshakeMessage>(&message);
    return hs && hs->type == type ? hs : nullptr;
}

std::shared_ptr<Session> session_to_keep(const Connection::Impl& c) {
    auto session = c.make_session();
    session->lifetime = c.server_config->session_lifetime;
    session->peer_certificates = c.negotiated.peer_certificates;  // the client's, if it sent one
    // A renewed ticket stands for the same session and keeps its creation time: restarting the
    // clock at each renewal would let one master secret be resumed forever.
    if (c.current_session) session->created = c.current_session->created;
    return session;
}

Status send_new_session_ticket(Connection::Impl& c) {
    const ServerConfig& config = *c.server_config;
    const auto now = config.clock();
    const auto session = session_to_keep(c);
    NewSessionTicket ticket;
    // RFC 5077 3.3: the hint counts from now; a renewed ticket has only the rest of its lifetime.
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(session->created +
                                                                       session->lifetime - now);
    ticket.lifetime_hint = static_cast<uint32_t>(std::max<int64_t>(left.count(), 0));
    // Empty when the session is too large to seal (RFC 5077 3.3 allows an empty ticket once the
    // extension was acknowledged); the client then keeps the session ID, if any.
    ticket.ticket = config.ticket_keys->seal(*session, now);
    return c.send_message(ticket);
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

// RFC 8422 5.1: an ECDSA certificate only for a client that lists its curve (when it lists any).
bool client_takes_curve(const Extensions& ext, crypto::KeyType key) {
    if (!ext.supported_groups || key == crypto::KeyType::rsa) return true;
    const NamedGroup curve =
        key == crypto::KeyType::ecdsa_p256 ? NamedGroup::secp256r1 : NamedGroup::secp384r1;
    return contains(*ext.supported_groups, curve);
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
    bool no_scheme = false;  // a suite and certificate fit, but no signature scheme did
    for (auto suite : config.cipher_suites) {
        const SuiteInfo* info = find_suite(suite);
        if (!info || !contains(hello.cipher_suites, suite)) continue;
        if (info->ecdhe() && (!group || !client_takes_uncompressed)) continue;
        for (const CertifiedKey* cert : certificates) {
            if (!key_fits_suite(cert->key->type(), info->kex)) continue;
            if (!client_takes_curve(ext, cert->key->type())) continue;
            if (!info->ecdhe()) return Selection{info, cert, std::nullopt, std::nullopt};
            if (auto scheme = choose_signature_scheme(config.signature_schemes, client_schemes,
                                                      cert->key->type()))
                return Selection{info, cert, group, *scheme};
            no_scheme = true;
        }
    }
    if (no_scheme) {
        std::string offered;
        for (auto scheme : client_schemes)
            offered += (offered.empty() ? "" : ", ") + to_string(scheme);
        return make_error(AlertDescription::handshake_failure,
                          "no signature scheme in common: the client's signature_algorithms (" +
                              offered + ") accept none that our certificates can make");
    }
    return make_error(AlertDescription::handshake_failure,
                      "no cipher suite in common: client offered " +
                          describe_list(hello.cipher_suites) +
                          (group ? "" : " (and no supported group in common)"));
}

// RFC 8422 5.1.2: "If the client sends the extension and the extension does not contain the
// uncompressed point format, and the client has used the Supported Groups extension to indicate
// support for any of the curves defined in this specification, then the server MUST abort the
// handshake and return an illegal_parameter alert."
Status check_point_formats(const Extensions& ext) {
    if (!ext.ec_point_formats || contains(*ext.ec_point_formats, uint8_t{0}) ||
        !ext.supported_groups)
        return {};
    for (auto group : *ext.supported_groups) {
        switch (group) {
            case NamedGroup::secp256r1:
            case NamedGroup::secp384r1:
            case NamedGroup::secp521r1:
            case NamedGroup::x25519:
            case NamedGroup::x448:
                return make_error(AlertDescription::illegal_parameter,
                                  "client lists " + to_string(group) +
                                      " but its ec_point_formats lacks uncompressed");
            default:
                break;
        }
    }
    return {};
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

Result<std::string> select_alpn(const ServerConfig& config, const Extensions& ext) {
    if (!ext.alpn || config.alpn_protocols.empty()) return std::string();
    for (const auto& protocol : config.alpn_protocols)
        if (contains(*ext.alpn, protocol)) return protocol;
    // RFC 7301 3.2
    return make_error(AlertDescription::no_application_protocol,
                      "client offers no application protocol this server speaks");
}

// RFC 7366 3: encrypt-then-MAC when the client offered it and the suite is CBC (never for AEAD).
// Resumption does not compare with the original session (a documented simplification).
void settle_encrypt_then_mac(Connection::Impl& c, const ClientHello& hello) {
    c.negotiated_encrypt_then_mac =
        hello.extensions.encrypt_then_mac && c.server_config->encrypt_then_mac && c.suite->cbc();
    c.negotiated.encrypt_then_mac = c.negotiated_encrypt_then_mac;
}

// The ServerHello for what has been settled in c (suite, randoms, session ID, extensions).
ServerHello server_hello(Connection::Impl& c, const ClientHello& hello) {
    const Extensions& ext = hello.extensions;
    ServerHello reply;
    reply.random = c.server_random;
    reply.session_id = c.session_id;
    reply.cipher_suite = c.suite->suite;
    Extensions& out = reply.extensions;
    if (c.peer_sent_secure_renegotiation) out.renegotiation_info = Bytes{};
    out.extended_master_secret = c.negotiated.extended_master_secret;
    out.encrypt_then_mac = c.negotiated_encrypt_then_mac;
    if (!c.negotiated.alpn.empty()) out.alpn = std::vector<std::string>{c.negotiated.alpn};
    out.server_name_ack = ext.server_name.has_value() && !c.negotiated.resumed;
    if (c.issue_ticket) out.session_ticket = Bytes{};
    return reply;
}

// Whether a full handshake would accept the session's client identity now. A session carries
// the client's chain (or none), and a resumed connection reports it as its peer certificates: so
// a chain resumes only while client certificates are asked for and client_verifier still accepts
// it (verified again: expiry and trust changes apply), and a session without one only while
// certificates are not required.
bool client_identity_accepted(const ServerConfig& config, const Session& session, TimePoint now) {
    if (session.peer_certificates.empty()) return config.client_auth != ClientAuth::require;
    if (config.client_auth == ClientAuth::none || !config.client_verifier) return false;
    return config.client_verifier->verify({session.peer_certificates, {}, PeerRole::client, now})
        .ok();
}

// A live session the client offered that may be resumed here.
struct OfferedSession {
    std::shared_ptr<const Session> session;
    bool from_cache = false;  // found by session ID (else opened from a ticket)
};

// Ticket first, then session ID.
OfferedSession find_session(Connection::Impl& c, const ClientHello& hello) {
    const ServerConfig& config = *c.server_config;
    const Extensions& ext = hello.extensions;
    const auto now = config.clock();
    OfferedSession offered;
    if (config.ticket_keys && ext.session_ticket && !ext.session_ticket->empty()) {
        offered.session = config.ticket_keys->open(*ext.session_ticket, now);
    } else if (config.session_cache && !hello.session_id.empty()) {
        offered.session = config.session_cache->find(hello.session_id, now);
        offered.from_cache = true;
    }
    const Session* session = offered.session.get();
    if (!session) return {};
    // RFC 7627 5.3: never resume without the extended master secret; and never with another
    // suite or for another server name.
    if (!session->extended_master_secret || !c.client_offered_ems) return {};
    if (!contains(hello.cipher_suites, session->suite) ||
        !contains(config.cipher_suites, session->suite) || !find_suite(session->suite))
        return {};
    if (session->server_name != ext.server_name.value_or("")) return {};
    if (!client_identity_accepted(config, *session, now)) return {};
    return offered;
}

// The abbreviated handshake: ServerHello, [NewSessionTicket], ChangeCipherSpec, Finished.
Result<HandshakeState> resume(Connection::Impl& c, const ClientHello& hello,
                              const OfferedSession& offered) {
    const ServerConfig& config = *c.server_config;
    const Session& session = *offered.session;
    c.suite = find_suite(session.suite);
    settle_encrypt_then_mac(c, hello);
    c.negotiated.cipher_suite = session.suite;
    c.negotiated.resumed = true;
    c.negotiated.peer_certificates = session.peer_certificates;
    c.current_session = offered.session;
    c.session_cached = offered.from_cache;
    c.master_secret = session.master_secret.clone();
    // RFC 5077 3.4: echo the client's session ID; renew the ticket when one was used.
    c.session_id = hello.session_id;
    c.issue_ticket = config.ticket_keys && hello.extensions.session_ticket.has_value();
    TLS_TRY(c.send_message(server_hello(c, hello)));
    if (c.issue_ticket) TLS_TRY(send_new_session_ticket(c));
    c.derive_keys();
    TLS_TRY(c.send_change_cipher_spec());
    TLS_TRY(c.send_finished());
    return HandshakeState{ExpectClientChangeCipherSpec{true}};
}

Result<HandshakeState> full_handshake(Connection::Impl& c, const ClientHello& hello);

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
    TLS_TRY(check_point_formats(ext));
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

    auto alpn_choice = select_alpn(config, ext);
    if (!alpn_choice) return parse_error(std::move(alpn_choice));
    const std::string alpn = std::move(alpn_choice).value();
    c.client_random = hello.random;
    c.client_hello_version = static_cast<uint16_t>(hello.legacy_version);
    c.random().fill(c.server_random);
    c.records.require_tls12_records();
    c.negotiated.extended_master_secret = c.client_offered_ems;
    c.negotiated.server_name = ext.server_name.value_or("");
    c.negotiated.alpn = alpn;

    if (auto offered = find_session(c, hello); offered.session) return resume(c, hello, offered);
    // RFC 7627 5.3: a session without the extended master secret is never resumed, so it gets
    // neither a session ID nor a ticket.
    const bool resumable = c.client_offered_ems;
    c.issue_ticket = resumable && config.ticket_keys && ext.session_ticket.has_value();
    if (resumable && config.session_cache) c.session_id = c.random().bytes(32);
    return full_handshake(c, hello);
}

// ServerHello, Certificate, [ServerKeyExchange], [CertificateRequest], ServerHelloDone.
Result<HandshakeState> full_handshake(Connection::Impl& c, const ClientHello& hello) {
    const ServerConfig& config = *c.server_config;
    const Extensions& ext = hello.extensions;
    auto selection = select_parameters(config, hello);
    if (!selection) return parse_error(std::move(selection));
    const Selection& chosen = *selection;
    c.suite = chosen.suite;
    settle_encrypt_then_mac(c, hello);
    c.negotiated.cipher_suite = chosen.suite->suite;
    c.negotiated.group = chosen.group;
    c.negotiated.signature_scheme = chosen.scheme;

    ServerHello reply = server_hello(c, hello);
    if (chosen.suite->ecdhe() && ext.ec_point_formats) reply.extensions.ec_point_formats = Bytes{0};
    TLS_TRY(c.send_message(reply));

    TLS_TRY(c.send_message(Certificate{chosen.certificate->chain}));

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
        TLS_TRY(c.send_message(kex));
    }
    const bool ask_for_certificate = config.client_auth != ClientAuth::none;
    if (ask_for_certificate) {
        CertificateRequest request;
        request.certificate_types = {kCertTypeRsaSign, kCertTypeEcdsaSign};
        request.supported_signature_algorithms = config.signature_schemes;
        TLS_TRY(c.send_message(request));
    }
    TLS_TRY(c.send_message(ServerHelloDone{}));
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

void remember_server_session(Connection::Impl& c) {
    const ServerConfig& config = *c.server_config;
    if (c.negotiated.resumed || c.session_id.empty() || !config.session_cache) return;
    if (!c.negotiated.extended_master_secret) return;  // RFC 7627 5.3
    config.session_cache->store(session_to_keep(c));
    c.session_cached = true;
}

void forget_server_session(Connection::Impl& c) {
    // Tickets cannot be revoked (the client drops its own); a session ID can. Only the ID of this
    // connection's own session: a client chooses the ID it sends with a ticket.
    if (c.session_cached && c.server_config->session_cache)
        c.server_config->session_cache->remove(c.session_id);
}

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
    } else if (auto* ccs = std::get_if<ExpectClientChangeCipherSpec>(&state)) {
        if (std::holds_alternative<ChangeCipherSpecMessage>(message)) {
            c.activate_read_keys();
            return HandshakeState{ExpectClientFinished{ccs->abbreviated}};
        }
    } else if (auto* fin = std::get_if<ExpectClientFinished>(&state)) {
        if (auto* m = expect_handshake(message, T::finished)) {
            TLS_TRY(c.check_finished(*m));
            if (!fin->abbreviated) {
                if (c.issue_ticket) TLS_TRY(send_new_session_ticket(c));
                TLS_TRY(c.send_change_cipher_spec());
                TLS_TRY(c.send_finished());
            }
            TLS_TRY(c.complete_handshake());
            return HandshakeState{Established{}};
        }
    } else if (std::holds_alternative<Established>(state)) {
        if (expect_handshake(message, T::client_hello)) {
            // RFC 5746: renegotiation is refused. The client may carry on with the session.
            if (++c.renegotiation_requests > c.config.limits.max_warning_alerts)
                return make_error(AlertDescription::unexpected_message,
                                  "client keeps trying to renegotiate");
            c.send_alert(AlertLevel::warning, AlertDescription::no_renegotiation);
            return state;
        }
    }
    return unexpected(state, message);
}

}  // namespace tls12
