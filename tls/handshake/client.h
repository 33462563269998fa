// The client role across versions: its first state, ExpectServerHello, sends the ClientHello
// (offering TLS 1.2, and TLS 1.3 once it lands) and settles the version from the ServerHello;
// from there the version's own state set takes over (client12.h).
#pragma once

#include <variant>

#include <tls12/tls/handshake/client12.h>
#include <tls12/tls/handshake/role_context.h>

namespace tls12::client {

struct State;

// The ClientHello went out; the ServerHello picks the version.
struct ExpectServerHello {
    static constexpr const char* kName = "ExpectServerHello";
    Random client_random{};
    Transcript transcript;  // the ClientHello
    client12::Offer offer12;
    // RFC 5246 7.4.1.1: a HelloRequest during a handshake is ignored.
    Result<State> handle(Context& c, const Incoming<HelloRequest>& m) &&;
    Result<State> handle(Context& c, const Incoming<ServerHello>& m) &&;
};

struct State : std::variant<ExpectServerHello, client12::State> {
    using variant::variant;
};

// Sends the ClientHello; the first state.
Result<State> start(Context& c);

// The state's name, for errors and logs.
const char* state_name(const State& state) noexcept;
bool established(const State& state) noexcept;
// RFC 5246 7.2 / RFC 8446 6.2: the session forgotten after a fatal alert in the protected phase.
void invalidate_session(Context& c, const State& state);

}  // namespace tls12::client
