#include <tls12/tls/handshake/server.h>

namespace tls12::server {
namespace {
template <typename... States>
const char* name_of(const std::variant<States...>& v) noexcept {
    const char* name = "";
    (void)((std::holds_alternative<States>(v) ? (name = States::kName, true) : false) || ...);
    return name;
}
}  // namespace

Result<State> ExpectClientHello::handle(Context& c, const Incoming<ClientHello>& m) && {
    // RFC 8446 4.2.1: TLS 1.3 when the client lists it in supported_versions and we speak it.
    if (c.config.max_version == ProtocolVersion::tls13 && server13::offers_tls13(m.msg)) {
        auto next = server13::accept_client_hello(c, m);
        if (!next) return std::move(next).error();
        return State{std::move(next).value()};
    }
    if (c.config.min_version == ProtocolVersion::tls13)
        return make_error(AlertDescription::protocol_version,
                          "client does not offer TLS 1.3, which this server requires");
    auto next = server12::accept_client_hello(c, m);
    if (!next) return std::move(next).error();
    return State{std::move(next).value()};
}

const char* state_name(const State& state) noexcept {
    if (const auto* v12 = std::get_if<server12::State>(&state)) return name_of(*v12);
    if (const auto* v13 = std::get_if<server13::State>(&state)) return name_of(*v13);
    return ExpectClientHello::kName;
}

void invalidate_session(Context& c, const State& state) {
    if (const auto* v12 = std::get_if<server12::State>(&state))
        server12::invalidate_session(c, *v12);
    if (const auto* v13 = std::get_if<server13::State>(&state))
        server13::invalidate_session(c, *v13);
}

Status update_keys(Context& c, State& state, bool request_peer_update) {
    auto* v13 = std::get_if<server13::State>(&state);
    if (!v13)
        return local_error(AlertDescription::internal_error,
                           "KeyUpdate needs an established TLS 1.3 connection");
    return server13::update_keys(c, *v13, request_peer_update);
}

}  // namespace tls12::server
