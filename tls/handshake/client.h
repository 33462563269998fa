// The client role across versions: its first state, ExpectServerHello, sends the ClientHello
// (offering TLS 1.2 and/or TLS 1.3, as configured) and settles the version from the ServerHello;
// from there the version's own state set takes over (client12.h, client13.h).
#pragma once

#include <variant>

#include <tls12/tls/handshake/client12.h>
#include <tls12/tls/handshake/client13.h>
#include <tls12/tls/handshake/role_context.h>

namespace tls12::client {

struct State;

// The ClientHello went out; the ServerHello picks the version.
struct ExpectServerHello {
    static constexpr const char* kName = "ExpectServerHello";
    Random client_random{};
    Transcript transcript;  // the ClientHello
    client12::Offer offer12;
    std::optional<client13::Offer13> offer13;  // when TLS 1.3 was offered
    // RFC 5246 7.4.1.1: a HelloRequest during a handshake is ignored.
    Result<State> handle(Context& c, const Incoming<HelloRequest>& m) &&;
    Result<State> handle(Context& c, const Incoming<ServerHello>& m) &&;
};

struct State : std::variant<ExpectServerHello, client12::State, client13::State> {
    using variant::variant;
};

// Sends the ClientHello; the first state.
Result<State> start(Context& c);

// The state's name, for errors and logs.
const char* state_name(const State& state) noexcept;
// Inline: Connection::send() asks on every write.
inline bool established(const State& state) noexcept {
    if (const auto* v13 = std::get_if<client13::State>(&state))
        return std::holds_alternative<client13::Established>(*v13);
    const auto* v12 = std::get_if<client12::State>(&state);
    return v12 && std::holds_alternative<client12::Established>(*v12);
}
// RFC 5246 7.2 / RFC 8446 6.2: the session forgotten after a fatal alert in the protected phase.
void invalidate_session(Context& c, const State& state);
// A KeyUpdate of ours (TLS 1.3, established): local error otherwise.
Status update_keys(Context& c, State& state, bool request_peer_update);

}  // namespace tls12::client
