// The TLS 1.2 server's answer to a ClientHello: what to negotiate, then either the abbreviated
// handshake of a resumed session or the full one.
#include <tls12/tls/handshake/common.h>
#include <tls12/tls/handshake/server12.h>

namespace tls12::server12 {
namespace {

// What the server settles on from a ClientHello.
struct Selection {
    const SuiteInfo* suite = nullptr;
    const CertifiedKey* certificate = nullptr;
    std::optional<NamedGroup> group;
    std::optional<SignatureScheme> scheme;
};

// With several certificates, those issued for the SNI host name come first (RFC 6066 3); the
// rest remain as fallbacks in configured order. The names were read when the config was made.
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
        const SuiteInfo* info = find_tls12_suite(suite);
        if (!info || !contains(hello.cipher_suites, suite)) continue;
        if (info->ecdhe() && (!group || !client_takes_uncompressed)) continue;
        for (const CertifiedKey* cert : certificates) {
            const crypto::KeyType key = cert->key()->type();
            if (!key_fits_suite(key, info->kex)) continue;
            if (!client_takes_curve(ext, key)) continue;
            if (!info->ecdhe()) return Selection{info, cert, std::nullopt, std::nullopt};
            if (auto scheme =
                    choose_signature_scheme(config.signature_schemes, client_schemes, key))
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

// A live session the client offered that may be resumed here: ticket first, then session ID.
struct OfferedSession {
    std::shared_ptr<const Session> session;
    bool from_cache = false;  // found by session ID (else opened from a ticket)
};

OfferedSession find_session(Context& c, const ClientHello& hello) {
    const ServerConfig& config = c.config;
    const Extensions& ext = hello.extensions;
    const auto now = c.now();
    OfferedSession offered;
    if (config.ticket_keys && ext.session_ticket && !ext.session_ticket->empty()) {
        offered.session = config.ticket_keys->open(*ext.session_ticket, now);
    } else if (config.session_cache && !hello.session_id.empty()) {
        offered.session = config.session_cache->find(hello.session_id, now);
        offered.from_cache = true;
    }
    const Session* session = offered.session.get();
    // A TLS 1.3 ticket's secret is a PSK, never a TLS 1.2 master secret.
    if (!session || session->version != ProtocolVersion::tls12) return {};
    // RFC 7627 5.3: never resume without the extended master secret; and never with another
    // suite or for another server name.
    if (!session->extended_master_secret || !ext.extended_master_secret) return {};
    if (!contains(hello.cipher_suites, session->suite) ||
        !contains(config.cipher_suites, session->suite) || !find_tls12_suite(session->suite))
        return {};
    if (session->server_name != ext.server_name.value_or("")) return {};
    if (!client_identity_accepted(config, *session, now)) return {};
    return offered;
}

// RFC 7366 3: encrypt-then-MAC when the client offered it and the suite is CBC (never for AEAD).
// Resumption does not compare with the original session (a documented simplification).
void settle_encrypt_then_mac(Context& c, const ClientHello& hello, const SuiteInfo& suite) {
    c.negotiated().encrypt_then_mac =
        hello.extensions.encrypt_then_mac && c.config.encrypt_then_mac && suite.cbc();
}

// The ServerHello for what has been settled.
ServerHello server_hello(Context& c, const ClientHello& hello, const Hellos12& hellos,
                         const SessionPlan& plan) {
    const NegotiatedParameters& negotiated = c.negotiated();
    const Extensions& ext = hello.extensions;
    ServerHello reply;
    reply.random = hellos.server_random;
    reply.session_id = plan.session_id;
    reply.cipher_suite = hellos.suite->suite;
    Extensions& out = reply.extensions;
    // RFC 5746 3.6: an initial ClientHello carries an empty renegotiation_info or the SCSV.
    if (ext.renegotiation_info ||
        contains(hello.cipher_suites, CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV))
        out.renegotiation_info = Bytes{};
    out.extended_master_secret = negotiated.extended_master_secret;
    out.encrypt_then_mac = negotiated.encrypt_then_mac;
    if (!negotiated.alpn.empty()) out.alpn = std::vector<std::string>{negotiated.alpn};
    out.server_name_ack = ext.server_name.has_value() && !negotiated.resumed;
    if (plan.issue_ticket) out.session_ticket = Bytes{};
    return reply;
}

// The abbreviated handshake: ServerHello, [NewSessionTicket], ChangeCipherSpec, Finished.
Result<State> resume(Context& c, const ClientHello& hello, Hellos12 hellos,
                     const OfferedSession& offered) {
    const Session& session = *offered.session;
    hellos.suite = find_tls12_suite(session.suite);
    settle_encrypt_then_mac(c, hello, *hellos.suite);
    NegotiatedParameters& negotiated = c.negotiated();
    negotiated.cipher_suite = session.suite;
    negotiated.resumed = true;
    negotiated.peer_certificates = session.peer_certificates;
    // RFC 5077 3.4: echo the client's session ID; renew the ticket when one was used.
    SessionPlan plan{hello.session_id,
                     c.config.ticket_keys && hello.extensions.session_ticket.has_value(),
                     offered.session, offered.from_cache};
    // Logged for every connection, resumed ones too: a key log reader matches client randoms.
    c.log_master_secret(hellos.client_random, session.master_secret);
    Secrets12 secrets = derive_secrets(*hellos.suite, session.master_secret.clone(),
                                       hellos.client_random, hellos.server_random);
    TLS_TRY(c.emit(hellos.transcript, server_hello(c, hello, hellos, plan)));
    if (plan.issue_ticket) TLS_TRY(send_new_session_ticket(c, hellos, plan, secrets));
    TLS_TRY(c.change_cipher_spec(protection(c, hellos, secrets, false, true)));
    TLS_TRY(send_finished(c, hellos, secrets, false));
    return State{ExpectClientChangeCipherSpec{std::move(hellos), std::move(plan),
                                              std::move(secrets), Flow::resumed}};
}

// ServerHello, Certificate, [ServerKeyExchange], [CertificateRequest], ServerHelloDone.
Result<State> full_handshake(Context& c, const ClientHello& hello, Hellos12 hellos,
                             SessionPlan plan) {
    const ServerConfig& config = c.config;
    auto selection = select_parameters(config, hello);
    if (!selection) return std::move(selection).error();
    const Selection& chosen = *selection;
    hellos.suite = chosen.suite;
    settle_encrypt_then_mac(c, hello, *chosen.suite);
    NegotiatedParameters& negotiated = c.negotiated();
    negotiated.cipher_suite = chosen.suite->suite;
    negotiated.group = chosen.group;
    negotiated.signature_scheme = chosen.scheme;

    ServerHello reply = server_hello(c, hello, hellos, plan);
    if (chosen.suite->ecdhe() && hello.extensions.ec_point_formats)
        reply.extensions.ec_point_formats = Bytes{0};
    TLS_TRY(c.emit(hellos.transcript, reply));
    TLS_TRY(c.emit(hellos.transcript, Certificate{chosen.certificate->chain()}));

    ServerKeyShare share{chosen.certificate, std::nullopt,
                         static_cast<uint16_t>(hello.legacy_version)};
    if (chosen.suite->ecdhe()) {
        auto& ephemeral = share.ephemeral.emplace(*to_kex_group(*chosen.group), c.random());
        ServerKeyExchange kex;
        kex.params.group = *chosen.group;
        kex.params.public_value.assign(ephemeral.public_value().begin(),
                                       ephemeral.public_value().end());
        kex.scheme = *chosen.scheme;
        const Bytes signed_data = server_key_exchange_signed_data(
            hellos.client_random, hellos.server_random, kex.params.encode());
        kex.signature = chosen.certificate->key()->sign(*to_signature_algorithm(kex.scheme),
                                                        signed_data, c.random());
        TLS_TRY(c.emit(hellos.transcript, kex));
    }
    const bool ask_for_certificate = config.client_auth != ClientAuth::none;
    if (ask_for_certificate) {
        CertificateRequest request;
        request.certificate_types = {kCertTypeRsaSign, kCertTypeEcdsaSign};
        request.supported_signature_algorithms = config.signature_schemes;
        TLS_TRY(c.emit(hellos.transcript, request));
    }
    TLS_TRY(c.emit(hellos.transcript, ServerHelloDone{}));
    TLS_TRY(c.flush());
    if (ask_for_certificate)
        return State{ExpectClientCertificate{std::move(hellos), std::move(plan), std::move(share)}};
    return State{ExpectClientKeyExchange{std::move(hellos), std::move(plan), std::move(share),
                                         std::nullopt}};
}

}  // namespace

Result<State> accept_client_hello(Context& c, const Incoming<ClientHello>& m) {
    const ClientHello& hello = m.msg;
    const ServerConfig& config = c.config;
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
    if (!ext.extended_master_secret &&
        config.extended_master_secret == ExtendedMasterSecret::require)
        return make_error(AlertDescription::handshake_failure,
                          "client does not support the extended master secret (RFC 7627), "
                          "which this server requires");
    auto alpn = select_alpn(config, ext);
    if (!alpn) return std::move(alpn).error();

    NegotiatedParameters& negotiated = c.negotiated();
    negotiated.extended_master_secret = ext.extended_master_secret;
    negotiated.server_name = ext.server_name.value_or("");
    negotiated.alpn = std::move(alpn).value();
    c.records().require_tls12_records();
    Hellos12 hellos;
    hellos.client_random = hello.random;
    c.random().fill(hellos.server_random);
    // RFC 8446 4.1.3: a TLS 1.3 server that negotiates TLS 1.2 says so in its random's last 8
    // bytes, which a TLS 1.3 client checks (a downgrade by an attacker is detected).
    if (config.max_version == ProtocolVersion::tls13)
        std::copy(ServerHello::kDowngradeTls12.begin(), ServerHello::kDowngradeTls12.end(),
                  hellos.server_random.end() - ServerHello::kDowngradeTls12.size());
    hellos.transcript.add(m.encoded);

    if (auto offered = find_session(c, hello); offered.session)
        return resume(c, hello, std::move(hellos), offered);
    // RFC 7627 5.3: a session without the extended master secret is never resumed, so it gets
    // neither a session ID nor a ticket.
    SessionPlan plan;
    if (ext.extended_master_secret) {
        plan.issue_ticket = config.ticket_keys && ext.session_ticket.has_value();
        if (config.session_cache) plan.session_id = c.random().bytes(32);
    }
    return full_handshake(c, hello, std::move(hellos), std::move(plan));
}

Result<State> Established::handle(Context& c, const Incoming<ClientHello>&) && {
    if (++renegotiation_requests > c.common().limits.max_warning_alerts)
        return make_error(AlertDescription::unexpected_message,
                          "client keeps trying to renegotiate");
    c.warn(AlertDescription::no_renegotiation);
    return State{std::move(*this)};
}

}  // namespace tls12::server12
