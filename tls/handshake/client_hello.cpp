// The client's first state: the ClientHello (with a cached session offered when there is one to
// resume), then the ServerHello, which settles the version.
#include <tls12/tls/handshake/client.h>
#include <tls12/tls/handshake/common.h>
#include <tls12/tls/host_name.h>

namespace tls12::client {
namespace {

// A cached session for this server, offered by ticket (with a fresh session ID, RFC 5077 3.4) or
// by session ID.
void offer_session(Context& c, ClientHello& hello, client12::Offer& offer) {
    const ClientConfig& config = c.config;
    if (config.session_tickets) {
        hello.extensions.session_ticket = Bytes{};
        offer.session_ticket = true;
    }
    if (!config.session_cache) return;
    auto session = config.session_cache->find(c.session_key, c.now());
    if (!session || !session->extended_master_secret ||
        !contains(config.cipher_suites, session->suite) || !find_tls12_suite(session->suite) ||
        session->server_name != c.negotiated().server_name)
        return;
    if (!session->ticket.empty() && config.session_tickets) {
        hello.extensions.session_ticket = session->ticket;
        offer.session_id = c.random().bytes(32);
    } else if (!session->id.empty()) {
        offer.session_id = session->id;
    } else {
        return;
    }
    hello.session_id = offer.session_id;
    offer.session = std::move(session);
}

}  // namespace

Result<State> start(Context& c) {
    const ClientConfig& config = c.config;
    ExpectServerHello first;
    c.random().fill(first.client_random);

    ClientHello hello;
    hello.random = first.client_random;
    bool any_ecdhe = false;
    bool any_cbc = false;
    const bool offer12 = config.min_version == ProtocolVersion::tls12;
    const bool offer13 = config.max_version == ProtocolVersion::tls13;
    for (auto suite : config.cipher_suites) {
        if (!offer12) break;
        if (const SuiteInfo* info = find_tls12_suite(suite)) {
            hello.cipher_suites.push_back(suite);
            any_ecdhe = any_ecdhe || info->ecdhe();
            any_cbc = any_cbc || info->cbc();
        }
    }
    if (hello.cipher_suites.empty() && !offer13)
        return local_error(AlertDescription::handshake_failure,
                           "cipher_suites holds no TLS 1.2 suite (TLS 1.3 suites alone cannot be "
                           "offered: this version does not negotiate TLS 1.3)");
    if (config.fallback) hello.cipher_suites.push_back(CipherSuite::TLS_FALLBACK_SCSV);

    Extensions& ext = hello.extensions;
    // RFC 6066 3: no IP literals and no trailing dot in SNI.
    if (auto sni = host_name_for_sni(c.negotiated().server_name); !sni.empty()) {
        ext.server_name = std::move(sni);
        first.offer12.server_name = true;
    }
    if (any_ecdhe) {
        ext.supported_groups = config.groups;
        ext.ec_point_formats = Bytes{0};  // uncompressed only
    }
    ext.signature_algorithms = config.signature_schemes;
    ext.extended_master_secret = true;
    // RFC 7366: offered with any CBC suite.
    first.offer12.encrypt_then_mac = ext.encrypt_then_mac = any_cbc && config.encrypt_then_mac;
    if (offer12) offer_session(c, hello, first.offer12);
    ext.renegotiation_info = Bytes{};  // RFC 5746: signal secure renegotiation (and never do it)
    if (!config.alpn_protocols.empty()) ext.alpn = config.alpn_protocols;
    if (offer13) {
        first.offer13.emplace();
        client13::offer_tls13(c, hello, *first.offer13);
        first.offer13->hello = hello;
    }

    auto sent = c.emit_patched(first.transcript, hello, [&](MutableByteView encoded) {
        return first.offer13 ? client13::patch_psk_binders(*first.offer13, {}, encoded) : Status{};
    });
    if (!sent) {
        // E.g. a ticket too long to fit beside our other extensions: forget the session, so the
        // next connection does not fail the same way.
        if (first.offer12.session) config.session_cache->remove(c.session_key);
        return std::move(sent).error();
    }
    TLS_TRY(c.flush());
    return State{std::move(first)};
}

Result<State> ExpectServerHello::handle(Context&, const Incoming<HelloRequest>&) && {
    return State{std::move(*this)};
}

Result<State> ExpectServerHello::handle(Context& c, const Incoming<ServerHello>& m) && {
    const ServerHello& hello = m.msg;
    const ClientConfig& config = c.config;
    if (offer13 && hello.extensions.supported_versions) {
        // RFC 8446 4.2.1: the server picks one of the versions we listed, and only TLS 1.3 is
        // picked this way.
        const auto& versions = *hello.extensions.supported_versions;
        if (versions.size() != 1 || versions.front() != ProtocolVersion::tls13)
            return make_error(
                AlertDescription::illegal_parameter,
                "server's supported_versions selects " +
                    (versions.empty() ? std::string("nothing") : to_string(versions.front())) +
                    "; only TLS 1.3 may be selected with it");
        if (hello.version != ProtocolVersion::tls12)
            return make_error(AlertDescription::illegal_parameter,
                              "server's TLS 1.3 ServerHello has legacy_version " +
                                  to_string(hello.version) + " (must be TLS 1.2)");
        auto next = hello.is_hello_retry_request()
                        ? client13::accept_hello_retry_request(
                              c, client_random, std::move(transcript), std::move(*offer13), m)
                        : client13::accept_server_hello(c, client_random, std::move(transcript),
                                                        std::move(*offer13), m);
        if (!next) return std::move(next).error();
        return State{std::move(next).value()};
    }
    if (config.min_version == ProtocolVersion::tls13)
        return make_error(AlertDescription::protocol_version,
                          "server chose " + to_string(hello.version) +
                              " but this client requires TLS 1.3 (min_version)");
    // RFC 8446 4.1.3: a TLS 1.3 server that negotiates TLS 1.2 says so in its random; a client
    // that offered TLS 1.3 must refuse it (a downgrade by an attacker).
    if (offer13 && hello.downgrade_sentinel())
        return make_error(AlertDescription::illegal_parameter,
                          "server negotiated " + to_string(hello.version) +
                              " but its random carries the TLS 1.3 downgrade sentinel "
                              "(RFC 8446 4.1.3): a downgrade attack or a broken server");
    auto next = client12::accept_server_hello(c, client_random, std::move(transcript),
                                              std::move(offer12), m);
    if (!next) return std::move(next).error();
    return State{std::move(next).value()};
}

namespace {
template <typename... States>
const char* name_of(const std::variant<States...>& v) noexcept {
    const char* name = "";
    (void)((std::holds_alternative<States>(v) ? (name = States::kName, true) : false) || ...);
    return name;
}
}  // namespace

const char* state_name(const State& state) noexcept {
    if (const auto* v12 = std::get_if<client12::State>(&state)) return name_of(*v12);
    if (const auto* v13 = std::get_if<client13::State>(&state)) return name_of(*v13);
    return ExpectServerHello::kName;
}

void invalidate_session(Context& c, const State& state) {
    if (const auto* v12 = std::get_if<client12::State>(&state))
        client12::invalidate_session(c, *v12);
    if (const auto* v13 = std::get_if<client13::State>(&state))
        client13::invalidate_session(c, *v13);
}

Status update_keys(Context& c, State& state, bool request_peer_update) {
    auto* v13 = std::get_if<client13::State>(&state);
    if (!v13)
        return local_error(AlertDescription::internal_error,
                           "KeyUpdate needs an established TLS 1.3 connection");
    return client13::update_keys(c, *v13, request_peer_update);
}

}  // namespace tls12::client
