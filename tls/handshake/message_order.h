// The allowed message orders of TLS 1.2, one row per handshake shape (s2n-tls style): an
// auditable table of who sends what, in order. tests/tls/message_order_test.cpp walks every
// shape with real engines, checks that each receiving state accepts exactly the next message of
// the table (and refuses every other message there with unexpected_message), and draws the state
// graph of docs/design.md from what it saw.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tls12/tls/types.h>

namespace tls12 {

enum class HandshakeShape : uint8_t {
    full_rsa,                      // RSA key exchange
    full_ecdhe,                    // ECDHE, no session ticket
    full_ecdhe_ticket,             // ECDHE, a new session ticket
    full_ecdhe_client_auth,        // ECDHE, the client proves a certificate
    full_ecdhe_empty_client_auth,  // ECDHE, certificate requested, the client has none
    resumed_session_id,            // abbreviated, by session ID (RFC 5246 7.3)
    resumed_ticket,                // abbreviated, by ticket, renewed (RFC 5077 3.1)
};

enum class Sender : uint8_t { client, server };

// One message of a handshake: a handshake message, or ChangeCipherSpec (change_cipher_spec
// true; type unused).
struct MessageStep {
    Sender from;
    HandshakeType type;
    bool change_cipher_spec = false;

    bool operator==(const MessageStep&) const = default;
};

// What a state of either role accepts, read off its handlers (dispatch.h): every handshake type
// it has a handler for, and ChangeCipherSpec (as a MessageStep with change_cipher_spec set; from
// is the peer). Empty for a name no state has.
std::vector<MessageStep> accepted_by(Sender receiver, std::string_view state_name);

std::span<const HandshakeShape> all_handshake_shapes() noexcept;
std::span<const MessageStep> message_order(HandshakeShape shape) noexcept;
const char* to_string(HandshakeShape shape) noexcept;
// "client ClientHello", "server ChangeCipherSpec"
std::string to_string(const MessageStep& step);

}  // namespace tls12
