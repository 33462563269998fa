#include <tls12/tls/handshake/message_order.h>

#include <array>
#include <variant>

#include <tls12/tls/handshake/client.h>
#include <tls12/tls/handshake/server.h>

namespace tls12 {
namespace {

using T = HandshakeType;
constexpr Sender C = Sender::client;
constexpr Sender S = Sender::server;
constexpr MessageStep ccs(Sender from) {
    return {from, T::hello_request, true};
}

// RFC 5246 7.3 figure 1, RFC 8422 2, RFC 5077 3.1.
constexpr std::array kFullRsa = {
    MessageStep{C, T::client_hello},
    MessageStep{S, T::server_hello},
    MessageStep{S, T::certificate},
    MessageStep{S, T::server_hello_done},
    MessageStep{C, T::client_key_exchange},
    ccs(C),
    MessageStep{C, T::finished},
    ccs(S),
    MessageStep{S, T::finished},
};
constexpr std::array kFullEcdhe = {
    MessageStep{C, T::client_hello},
    MessageStep{S, T::server_hello},
    MessageStep{S, T::certificate},
    MessageStep{S, T::server_key_exchange},
    MessageStep{S, T::server_hello_done},
    MessageStep{C, T::client_key_exchange},
    ccs(C),
    MessageStep{C, T::finished},
    ccs(S),
    MessageStep{S, T::finished},
};
constexpr std::array kFullEcdheTicket = {
    MessageStep{C, T::client_hello},
    MessageStep{S, T::server_hello},
    MessageStep{S, T::certificate},
    MessageStep{S, T::server_key_exchange},
    MessageStep{S, T::server_hello_done},
    MessageStep{C, T::client_key_exchange},
    ccs(C),
    MessageStep{C, T::finished},
    MessageStep{S, T::new_session_ticket},
    ccs(S),
    MessageStep{S, T::finished},
};
constexpr std::array kFullEcdheClientAuth = {
    MessageStep{C, T::client_hello},
    MessageStep{S, T::server_hello},
    MessageStep{S, T::certificate},
    MessageStep{S, T::server_key_exchange},
    MessageStep{S, T::certificate_request},
    MessageStep{S, T::server_hello_done},
    MessageStep{C, T::certificate},
    MessageStep{C, T::client_key_exchange},
    MessageStep{C, T::certificate_verify},
    ccs(C),
    MessageStep{C, T::finished},
    ccs(S),
    MessageStep{S, T::finished},
};
constexpr std::array kFullEcdheEmptyClientAuth = {
    MessageStep{C, T::client_hello},
    MessageStep{S, T::server_hello},
    MessageStep{S, T::certificate},
    MessageStep{S, T::server_key_exchange},
    MessageStep{S, T::certificate_request},
    MessageStep{S, T::server_hello_done},
    MessageStep{C, T::certificate},
    MessageStep{C, T::client_key_exchange},
    ccs(C),
    MessageStep{C, T::finished},
    ccs(S),
    MessageStep{S, T::finished},
};
constexpr std::array kResumedSessionId = {
    MessageStep{C, T::client_hello},
    MessageStep{S, T::server_hello},
    ccs(S),
    MessageStep{S, T::finished},
    ccs(C),
    MessageStep{C, T::finished},
};
constexpr std::array kResumedTicket = {
    MessageStep{C, T::client_hello},       MessageStep{S, T::server_hello},
    MessageStep{S, T::new_session_ticket}, ccs(S),
    MessageStep{S, T::finished},           ccs(C),
    MessageStep{C, T::finished},
};

constexpr std::array kShapes = {
    HandshakeShape::full_rsa,
    HandshakeShape::full_ecdhe,
    HandshakeShape::full_ecdhe_ticket,
    HandshakeShape::full_ecdhe_client_auth,
    HandshakeShape::full_ecdhe_empty_client_auth,
    HandshakeShape::resumed_session_id,
    HandshakeShape::resumed_ticket,
};

// Every value a handshake type byte can take that TLS 1.2 defines.
constexpr std::array kHandshakeTypes = {
    T::hello_request,       T::client_hello,      T::server_hello,
    T::new_session_ticket,  T::certificate,       T::server_key_exchange,
    T::certificate_request, T::server_hello_done, T::certificate_verify,
    T::client_key_exchange, T::finished,
};

template <typename State, typename Context>
std::vector<MessageStep> accepts_of(Sender peer) {
    std::vector<MessageStep> out;
    for (auto type : kHandshakeTypes)
        if (accepts<State, Context>(type)) out.push_back({peer, type});
    if (HandlesChangeCipherSpec<State, Context>) out.push_back(ccs(peer));
    return out;
}

template <typename Context, typename... States>
bool find_accepted(std::variant<States...>*, Sender peer, std::string_view name,
                   std::vector<MessageStep>& out);

// A role's state set holds its first state and each version's state set (a variant itself).
template <typename Context, typename State>
bool find_accepted_in(Sender peer, std::string_view name, std::vector<MessageStep>& out) {
    if constexpr (requires { typename State::variant; }) {
        return find_accepted<Context>(static_cast<typename State::variant*>(nullptr), peer, name,
                                      out);
    } else {
        if (name != State::kName) return false;
        out = accepts_of<State, Context>(peer);
        return true;
    }
}

template <typename Context, typename... States>
bool find_accepted(std::variant<States...>*, Sender peer, std::string_view name,
                   std::vector<MessageStep>& out) {
    return (find_accepted_in<Context, States>(peer, name, out) || ...);
}

}  // namespace

std::vector<MessageStep> accepted_by(Sender receiver, std::string_view state_name) {
    std::vector<MessageStep> out;
    if (receiver == Sender::client)
        find_accepted<client::Context>(static_cast<client::State::variant*>(nullptr),
                                       Sender::server, state_name, out);
    else
        find_accepted<server::Context>(static_cast<server::State::variant*>(nullptr),
                                       Sender::client, state_name, out);
    return out;
}

std::span<const HandshakeShape> all_handshake_shapes() noexcept {
    return kShapes;
}

std::span<const MessageStep> message_order(HandshakeShape shape) noexcept {
    switch (shape) {
        case HandshakeShape::full_rsa:
            return kFullRsa;
        case HandshakeShape::full_ecdhe:
            return kFullEcdhe;
        case HandshakeShape::full_ecdhe_ticket:
            return kFullEcdheTicket;
        case HandshakeShape::full_ecdhe_client_auth:
            return kFullEcdheClientAuth;
        case HandshakeShape::full_ecdhe_empty_client_auth:
            return kFullEcdheEmptyClientAuth;
        case HandshakeShape::resumed_session_id:
            return kResumedSessionId;
        case HandshakeShape::resumed_ticket:
            return kResumedTicket;
        default:
            return {};
    }
}

const char* to_string(HandshakeShape shape) noexcept {
    switch (shape) {
        case HandshakeShape::full_rsa:
            return "full_rsa";
        case HandshakeShape::full_ecdhe:
            return "full_ecdhe";
        case HandshakeShape::full_ecdhe_ticket:
            return "full_ecdhe_ticket";
        case HandshakeShape::full_ecdhe_client_auth:
            return "full_ecdhe_client_auth";
        case HandshakeShape::full_ecdhe_empty_client_auth:
            return "full_ecdhe_empty_client_auth";
        case HandshakeShape::resumed_session_id:
            return "resumed_session_id";
        case HandshakeShape::resumed_ticket:
            return "resumed_ticket";
        default:
            return "unknown";
    }
}

std::string to_string(const MessageStep& step) {
    return std::string(step.from == Sender::client ? "client " : "server ") +
           (step.change_cipher_spec ? std::string("ChangeCipherSpec") : to_string(step.type));
}

}  // namespace tls12
