// How a message reaches a handshake state. A state names what it accepts by having a handler for
// it, `Result<Next> handle(Context&, const Incoming<Msg>&) &&` (or one taking
// ChangeCipherSpecMessage); everything else is refused with unexpected_message before any parsing,
// by this one generic dispatch. What each state accepts is therefore read off the states
// themselves (accepts<State, Context>(type)), which is what the message-order table is checked
// against.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <tls12/tls/error.h>
#include <tls12/tls/msgs/msgs.h>

namespace tls12 {

// A whole handshake message as the record layer delivered it.
struct RawHandshake {
    HandshakeType type;
    ByteView body;
    ByteView encoded;  // header + body, as it enters the transcript
};

// A parsed message and its encoding (for the transcript, which the handler adds it to).
template <typename Msg>
struct Incoming {
    Msg msg;
    ByteView encoded;
};

struct ChangeCipherSpecMessage {};

// ClientKeyExchange's format depends on the negotiated key exchange (RFC 5246 7.4.7), which only
// the receiving state knows: it arrives as its body, and the state parses it.
struct ClientKeyExchangeBody {
    static constexpr HandshakeType kType = HandshakeType::client_key_exchange;
    ByteView body;
    static Result<ClientKeyExchangeBody> parse(ByteView body) {
        return ClientKeyExchangeBody{body};
    }
};

// Every handshake message TLS 1.2 has, as a state may name it.
using HandshakeMessages12 =
    std::tuple<HelloRequest, ClientHello, ServerHello, NewSessionTicket, Certificate,
               ServerKeyExchange, CertificateRequest, ServerHelloDone, CertificateVerify,
               ClientKeyExchangeBody, Finished>;

// Every handshake message TLS 1.3 has that we accept (no EndOfEarlyData: 0-RTT is not offered).
// CertificateVerify is the same message as TLS 1.2's.
using HandshakeMessages13 =
    std::tuple<ClientHello, ServerHello, NewSessionTicket13, EncryptedExtensions, Certificate13,
               CertificateRequest13, CertificateVerify, Finished13, KeyUpdate>;

// The messages a state may name: its version's list. A state says which with
// `using Messages = HandshakeMessages13;` (TLS 1.2's is the default): the two versions give
// different messages the same type (certificate is Certificate or Certificate13).
template <typename State>
struct MessagesOf {
    using type = HandshakeMessages12;
};
template <typename State>
requires requires {
    typename State::Messages;
}
struct MessagesOf<State> {
    using type = typename State::Messages;
};
template <typename State>
using MessagesOf_t = typename MessagesOf<std::remove_cvref_t<State>>::type;

template <typename State, typename Context, typename Msg>
concept Handles = requires(State&& state, Context& c, const Incoming<Msg>& m) {
    std::move(state).handle(c, m);
};
template <typename State, typename Context>
concept HandlesChangeCipherSpec = requires(State&& state, Context& c) {
    std::move(state).handle(c, ChangeCipherSpecMessage{});
};

// Application data is read only by a state that says so (the established ones).
template <typename State>
constexpr bool reads_application_data() {
    if constexpr (requires { State::kReadsApplicationData; })
        return State::kReadsApplicationData;
    else
        return false;
}

Error unexpected_in(const char* state, const std::string& what);

namespace dispatch_detail {

template <typename State, typename Context, typename... Msgs>
constexpr bool accepts(HandshakeType type, std::tuple<Msgs...>*) {
    return ((type == Msgs::kType && Handles<State, Context, Msgs>) || ...);
}

template <typename Msg, typename Next, typename State, typename Context>
Result<Next> deliver_as(State&& state, Context& c, const RawHandshake& raw) {
    if constexpr (Handles<State, Context, Msg>) {
        auto parsed = Msg::parse(raw.body);
        if (!parsed) return std::move(parsed).error();
        return std::forward<State>(state).handle(
            c, Incoming<Msg>{std::move(parsed).value(), raw.encoded});
    } else {
        return unexpected_in(State::kName, to_string(raw.type));
    }
}

template <typename Next, typename State, typename Context, typename... Msgs>
Result<Next> deliver(State&& state, Context& c, const RawHandshake& raw, std::tuple<Msgs...>*) {
    std::optional<Result<Next>> out;
    (void)((raw.type == Msgs::kType &&
            (out.emplace(deliver_as<Msgs, Next>(std::forward<State>(state), c, raw)), true)) ||
           ...);
    if (out) return std::move(*out);
    return unexpected_in(State::kName, to_string(raw.type));
}

}  // namespace dispatch_detail

// Whether State has a handler for handshake messages of this type.
template <typename State, typename Context>
constexpr bool accepts(HandshakeType type) {
    return dispatch_detail::accepts<State, Context>(type,
                                                    static_cast<MessagesOf_t<State>*>(nullptr));
}

// A handshake message to State: parsed and handled when State names it, else unexpected_message.
template <typename Next, typename State, typename Context>
Result<Next> deliver(State&& state, Context& c, const RawHandshake& raw) {
    return dispatch_detail::deliver<Next>(std::forward<State>(state), c, raw,
                                          static_cast<MessagesOf_t<State>*>(nullptr));
}

// ChangeCipherSpec to State: handled when State names it, else unexpected_message.
template <typename Next, typename State, typename Context>
Result<Next> deliver(State&& state, Context& c, ChangeCipherSpecMessage ccs) {
    if constexpr (HandlesChangeCipherSpec<State, Context>)
        return std::forward<State>(state).handle(c, ccs);
    else
        return unexpected_in(State::kName, "ChangeCipherSpec");
}

}  // namespace tls12
