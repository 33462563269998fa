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
    auto next = server12::accept_client_hello(c, m);
    if (!next) return std::move(next).error();
    return State{std::move(next).value()};
}

const char* state_name(const State& state) noexcept {
    if (const auto* v12 = std::get_if<server12::State>(&state)) return name_of(*v12);
    return ExpectClientHello::kName;
}

bool established(const State& state) noexcept {
    const auto* v12 = std::get_if<server12::State>(&state);
    return v12 && std::holds_alternative<server12::Established>(*v12);
}

void invalidate_session(Context& c, const State& state) {
    if (const auto* v12 = std::get_if<server12::State>(&state))
        server12::invalidate_session(c, *v12);
}

}  // namespace tls12::server
