// The message-order table (tls/handshake/message_order.h) against the engines: every handshake
// shape is walked with a real client and server, one record at a time, and
//   - the messages on the wire are exactly the table's row, in order;
//   - before each message, the receiving state accepts it (read off the state's handlers);
//   - at each step, every message the receiving state does not accept (each handshake type, an
//     unknown one, ChangeCipherSpec) is refused with unexpected_message naming the state: a
//     skipped, repeated or reordered message cannot get through;
//   - the state graph drawn from the walks is the one docs/design.md shows.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <tls12/tls/handshake/message_order.h>
#include "support/engine_pair.h"
#include "support/pki.h"

using namespace tls12;
using namespace tls12_test;

namespace {

constexpr uint8_t kCcs = 20;
constexpr uint8_t kHandshake = 22;

// The configs of one shape; a resumed shape first completes a full handshake that leaves the
// session in the shared caches.
struct ShapeSetup {
    std::shared_ptr<ClientSessionCache> client_cache = std::make_shared<ClientSessionCache>();
    std::shared_ptr<ServerSessionCache> server_cache = std::make_shared<ServerSessionCache>();
    std::shared_ptr<TicketKeys> ticket_keys = std::make_shared<TicketKeys>();

    Mitm::Options options(HandshakeShape shape) const {
        Mitm::Options o;
        const bool tickets =
            shape == HandshakeShape::full_ecdhe_ticket || shape == HandshakeShape::resumed_ticket;
        const bool rsa = shape == HandshakeShape::full_rsa;
        const bool client_auth = shape == HandshakeShape::full_ecdhe_client_auth ||
                                 shape == HandshakeShape::full_ecdhe_empty_client_auth;
        const bool client_certificate = shape == HandshakeShape::full_ecdhe_client_auth;
        o.client = [=, this](ClientConfig& c) {
            c.session_cache = client_cache;
            c.session_tickets = tickets;
            if (rsa) c.cipher_suites = {CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256};
            if (client_certificate)
                c.certificate =
                    CertifiedKey::from_pem_files(test_pki().client_chain, test_pki().client_key);
        };
        o.server = [=, this](ServerConfig& s) {
            s.session_cache = server_cache;
            s.ticket_keys = tickets ? ticket_keys : nullptr;
            if (client_auth) {
                s.client_auth = ClientAuth::request;
                s.client_verifier = client_config()->verifier;
            }
        };
        return o;
    }
};

bool resumed(HandshakeShape shape) {
    return shape == HandshakeShape::resumed_session_id || shape == HandshakeShape::resumed_ticket;
}

// One message as the receiver got it, with its state before and after.
struct Delivered {
    MessageStep step;
    std::string before;
    std::string after;
};

// A pair of one shape, driven one record at a time in protocol order.
class Walker {
  public:
    explicit Walker(HandshakeShape shape) {
        if (resumed(shape)) {
            Mitm first(setup_.options(HandshakeShape::full_ecdhe));
            if (!first.run()) throw std::runtime_error("the full handshake to resume failed");
        }
        m_.emplace(setup_.options(shape));
    }

    Mitm& mitm() { return *m_; }

    // The next record's message and receiver, pulling both sides' output first; nullopt when
    // nothing is left to deliver.
    std::optional<MessageStep> peek() {
        m_->pull(m_->client);
        m_->pull(m_->server);
        for (Sender from : {Sender::client, Sender::server}) {
            auto& queue = from == Sender::client ? m_->to_server : m_->to_client;
            if (!queue.empty()) return step_of(from, queue.front());
        }
        return std::nullopt;
    }

    Connection& receiver(const MessageStep& step) {
        return step.from == Sender::client ? m_->server : m_->client;
    }

    // Delivers the next record (whose message peek() named).
    Delivered deliver(const MessageStep& step) {
        Connection& to = receiver(step);
        Delivered out{step, to.state_name(), {}};
        const bool encrypted = ccs_seen(step.from);
        if (step.change_cipher_spec) ccs_seen(step.from) = true;
        if (encrypted) ++sealed_to(to);
        auto status = m_->deliver(to, 1);
        if (!status)
            throw std::runtime_error(to_string(step) + " failed: " + status.error().message());
        out.after = to.state_name();
        return out;
    }

    // The sequence number at which `to` opens its peer's next record (nullopt: plaintext).
    std::optional<uint64_t> next_sequence(const Connection& to) {
        const Sender peer = to.is_client() ? Sender::server : Sender::client;
        if (!ccs_seen(peer)) return std::nullopt;
        return sealed_to(to);
    }

  private:
    MessageStep step_of(Sender from, const RawRecord& record) {
        if (record.type == kCcs) return {from, HandshakeType::hello_request, true};
        std::vector<uint8_t> plaintext = record.payload;
        if (ccs_seen(from)) {
            // The record is sealed: open a copy with the sender's keys at its sequence number.
            auto protection =
                m_->keys().protection(from == Sender::client,
                                      sealed_to(from == Sender::client ? m_->server : m_->client));
            plaintext = open_record(*protection, record).value_or(std::vector<uint8_t>{});
        }
        if (record.type != kHandshake || plaintext.empty())
            throw std::runtime_error("unexpected record on the wire");
        return {from, static_cast<HandshakeType>(plaintext[0])};
    }
    bool& ccs_seen(Sender from) { return from == Sender::client ? client_ccs_ : server_ccs_; }
    uint64_t& sealed_to(const Connection& to) { return to.is_client() ? to_client_ : to_server_; }

    ShapeSetup setup_;
    std::optional<Mitm> m_;
    bool client_ccs_ = false, server_ccs_ = false;
    uint64_t to_client_ = 0, to_server_ = 0;
};

std::vector<Delivered> walk(HandshakeShape shape) {
    Walker w(shape);
    std::vector<Delivered> out;
    while (auto step = w.peek()) out.push_back(w.deliver(*step));
    EXPECT_TRUE(w.mitm().client.is_handshake_complete() && w.mitm().server.is_handshake_complete())
        << to_string(shape) << " did not complete";
    return out;
}

bool accepted(const std::vector<MessageStep>& accepts, const MessageStep& step) {
    return std::find(accepts.begin(), accepts.end(), step) != accepts.end();
}

// Everything a peer could send at any point: each handshake type (those TLS 1.2 defines and a
// few it does not), and ChangeCipherSpec.
std::vector<MessageStep> every_message(Sender from) {
    std::vector<MessageStep> out;
    for (int type : {0, 1, 2, 3, 4, 11, 12, 13, 14, 15, 16, 20, 21, 22, 99, 255})
        out.push_back({from, static_cast<HandshakeType>(type)});
    out.push_back({from, HandshakeType::hello_request, true});
    return out;
}

class MessageOrder : public testing::TestWithParam<HandshakeShape> {};

TEST_P(MessageOrder, TheWireFollowsTheTableAndEachStateAcceptsItsMessage) {
    const HandshakeShape shape = GetParam();
    const auto delivered = walk(shape);
    const auto table = message_order(shape);
    std::vector<MessageStep> seen;
    for (const auto& d : delivered) seen.push_back(d.step);
    EXPECT_EQ(seen, std::vector<MessageStep>(table.begin(), table.end()))
        << "the wire differs from message_order(" << to_string(shape) << ")";
    for (const auto& d : delivered) {
        const Sender receiver = d.step.from == Sender::client ? Sender::server : Sender::client;
        EXPECT_TRUE(accepted(accepted_by(receiver, d.before), d.step))
            << d.before << " does not name " << to_string(d.step);
    }
    EXPECT_EQ(delivered.back().after, "Established");
}

TEST_P(MessageOrder, EveryOtherMessageIsRefusedAtEveryStep) {
    const HandshakeShape shape = GetParam();
    const auto table = message_order(shape);
    for (size_t k = 0; k < table.size(); ++k) {
        const MessageStep& expected = table[k];
        const Sender receiver = expected.from == Sender::client ? Sender::server : Sender::client;
        std::string state;
        {
            Walker probe(shape);
            for (size_t i = 0; i < k; ++i) probe.deliver(*probe.peek());
            state = probe.receiver(expected).state_name();
        }
        const auto accepts = accepted_by(receiver, state);
        ASSERT_FALSE(accepts.empty()) << "no state is named " << state;
        for (const MessageStep& wrong : every_message(expected.from)) {
            if (accepted(accepts, wrong)) continue;
            SCOPED_TRACE(std::string(to_string(shape)) + " step " + std::to_string(k) + ": " +
                         to_string(wrong) + " in " + state);
            Walker w(shape);
            for (size_t i = 0; i < k; ++i) w.deliver(*w.peek());
            (void)w.peek();  // pulls the output the last delivery produced
            Connection& victim = w.receiver(expected);
            const auto seq = w.next_sequence(victim);
            const uint8_t junk[] = {0xde, 0xad, 0xbe, 0xef};
            const auto status =
                wrong.change_cipher_spec
                    ? w.mitm().inject(victim, seq, kCcs, std::vector<uint8_t>{1})
                    : w.mitm().inject(victim, seq, kHandshake, frame_handshake(wrong.type, junk));
            ASSERT_FALSE(status);
            EXPECT_EQ(status.error().alert, AlertDescription::unexpected_message)
                << status.error().message();
            EXPECT_NE(status.error().reason.find(state), std::string::npos)
                << status.error().reason;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, MessageOrder, testing::ValuesIn(all_handshake_shapes()),
                         [](const testing::TestParamInfo<HandshakeShape>& p) {
                             return std::string(to_string(p.param));
                         });

// ---- the state graph of docs/design.md ------------------------------------------------------

std::string label(const MessageStep& step) {
    return step.change_cipher_spec ? "ChangeCipherSpec" : to_string(step.type);
}

// A Mermaid flowchart of one role's states, from what the walks saw.
std::string state_graph(Sender role) {
    std::map<std::pair<std::string, std::string>, std::set<std::string>> edges;
    std::set<std::string> first_states;
    for (HandshakeShape shape : all_handshake_shapes()) {
        bool first = true;
        for (const auto& d : walk(shape)) {
            const Sender receiver = d.step.from == Sender::client ? Sender::server : Sender::client;
            if (receiver != role) continue;
            if (first) first_states.insert(d.before);
            first = false;
            edges[{d.before, d.after}].insert(label(d.step));
        }
    }
    std::ostringstream out;
    out << "stateDiagram-v2\n";
    for (const auto& state : first_states) out << "    [*] --> " << state << "\n";
    for (const auto& [states, messages] : edges) {
        std::string text;
        for (const auto& m : messages) text += (text.empty() ? "" : " / ") + m;
        out << "    " << states.first << " --> " << states.second << ": " << text << "\n";
    }
    return out.str();
}

// The lines between "<!-- state-graph:<role> -->" and "<!-- /state-graph -->" in design.md.
std::string documented_graph(const std::string& role) {
    std::ifstream in(std::string(TLS12_SOURCE_DIR) + "/docs/design.md");
    std::string line, out;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line == "<!-- state-graph:" + role + " -->") {
            inside = true;
            continue;
        }
        if (inside && line == "<!-- /state-graph -->") break;
        if (inside && line.rfind("```", 0) != 0) out += line + "\n";
    }
    return out;
}

TEST(MessageOrder, DesignNoteStateGraphsAreTheOnesTheEnginesWalk) {
    for (auto [role, name] : {std::pair{Sender::client, "client"}, {Sender::server, "server"}}) {
        const std::string graph = state_graph(role);
        EXPECT_EQ(documented_graph(name), graph)
            << "docs/design.md's " << name << " graph is stale; it should read:\n```mermaid\n"
            << graph << "```";
    }
}

}  // namespace
