// The server role across versions: its first state, ExpectClientHello, settles the version from
// the ClientHello; from there the version's own state set takes over (server12.h, server13.h).
#pragma once

#include <variant>

#include <tls12/tls/handshake/role_context.h>
#include <tls12/tls/handshake/server12.h>
#include <tls12/tls/handshake/server13.h>

namespace tls12::server {

struct State;

struct ExpectClientHello {
    static constexpr const char* kName = "ExpectClientHello";
    Result<State> handle(Context& c, const Incoming<ClientHello>& m) &&;
};

struct State : std::variant<ExpectClientHello, server12::State, server13::State> {
    using variant::variant;
};

// The state's name, for errors and logs.
const char* state_name(const State& state) noexcept;
// Inline: Connection::send() asks on every write.
inline bool established(const State& state) noexcept {
    if (const auto* v13 = std::get_if<server13::State>(&state))
        return std::holds_alternative<server13::Established>(*v13);
    const auto* v12 = std::get_if<server12::State>(&state);
    return v12 && std::holds_alternative<server12::Established>(*v12);
}
// RFC 5246 7.2 / RFC 8446 6.2: the session removed after a fatal alert in the protected phase.
void invalidate_session(Context& c, const State& state);
// A KeyUpdate of ours (TLS 1.3, established): local error otherwise.
Status update_keys(Context& c, State& state, bool request_peer_update);

}  // namespace tls12::server
