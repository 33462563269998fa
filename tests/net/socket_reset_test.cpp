// A connection reset by the peer (an abortive close: SO_LINGER 0 sends RST instead of FIN). Once
// the socket is reset getpeername() fails, yet the error must still say whom it was talking to.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <tls12/net/socket.h>

using namespace std::chrono_literals;

namespace {

// Closes s so that the peer gets a RST.
void reset(tls12::net::Socket& s) {
    const linger abortive{1, 0};
    if (::setsockopt(s.fd(), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive) != 0)
        throw std::runtime_error("setsockopt(SO_LINGER)");
    s.close();
}

std::string recv_error(tls12::net::Socket& s) {
    std::vector<uint8_t> buffer(16);
    try {
        s.recv(buffer, 5s);
    } catch (const tls12::net::Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(SocketReset, AcceptedSocketNamesTheClientItLost) {
    tls12::net::Listener listener("127.0.0.1", 0);
    tls12::net::Socket client = tls12::net::Socket::connect("127.0.0.1", listener.port(), 2s);
    tls12::net::Socket accepted = listener.accept(2s);
    const std::string client_address = client.local_address();
    ASSERT_EQ(accepted.peer_address(), client_address);

    reset(client);
    const std::string what = recv_error(accepted);
    EXPECT_EQ(what.rfind("recv from " + client_address + ": ", 0), 0u) << what;
    EXPECT_NE(what.find("reset"), std::string::npos) << what;
    EXPECT_EQ(accepted.peer_address(), client_address);
}

TEST(SocketReset, ConnectedSocketNamesTheServerItLost) {
    tls12::net::Listener listener("127.0.0.1", 0);
    tls12::net::Socket client = tls12::net::Socket::connect("127.0.0.1", listener.port(), 2s);
    tls12::net::Socket accepted = listener.accept(2s);
    const std::string server_address = "127.0.0.1:" + std::to_string(listener.port());
    ASSERT_EQ(client.peer_address(), server_address);

    reset(accepted);
    const std::string what = recv_error(client);
    EXPECT_EQ(what.rfind("recv from " + server_address + ": ", 0), 0u) << what;
    EXPECT_EQ(client.peer_address(), server_address);
}

TEST(SocketReset, MovedSocketKeepsThePeerAddress) {
    tls12::net::Listener listener("127.0.0.1", 0);
    tls12::net::Socket client = tls12::net::Socket::connect("127.0.0.1", listener.port(), 2s);
    tls12::net::Socket accepted = listener.accept(2s);
    const std::string client_address = client.local_address();
    tls12::net::Socket moved(std::move(accepted));
    tls12::net::Socket assigned;
    assigned = std::move(moved);

    reset(client);
    const std::string what = recv_error(assigned);
    EXPECT_EQ(what.rfind("recv from " + client_address + ": ", 0), 0u) << what;
}
