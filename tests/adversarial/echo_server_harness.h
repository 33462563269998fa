// Shared by the adversarial tests that run our echo_server over loopback: start it with the test
// PKI's RSA chain, read its state from /proc, talk to it through raw POSIX sockets.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <tls12/net/stream.h>
#include "support/engine_pair.h"
#include "support/pki.h"
#include "support/process.h"

#ifndef TLS12_EXAMPLES_DIR
#error "TLS12_EXAMPLES_DIR must name the directory of the example programs"
#endif

namespace tls12_adversarial {

using namespace std::chrono_literals;
using tls12_test::Process;
using tls12_test::test_pki;

using Clock = std::chrono::steady_clock;

inline const std::string kServer = std::string(TLS12_EXAMPLES_DIR) + "/echo_server";

// ---- the server process ----------------------------------------------------------------------

struct Server {
    Process process;
    uint16_t port = 0;
};

inline tls12_test::SpawnOptions no_stdin() {
    tls12_test::SpawnOptions o;
    o.pipe_stdin = false;
    return o;
}

inline Server start_server(const std::vector<std::string>& extra) {
    const auto& pki = test_pki();
    std::vector<std::string> argv{kServer,          "--port", "0",           "--cert",
                                  pki.server_chain, "--key",  pki.server_key};
    argv.insert(argv.end(), extra.begin(), extra.end());
    SCOPED_TRACE(kServer);
    auto process = Process::spawn(argv, no_stdin());
    if (!process.wait_for_output("listening on", 10s))
        throw std::runtime_error("echo_server did not start: " + process.stderr_text());
    // "listening on 127.0.0.1:PORT"
    auto deadline = Clock::now() + 5s;
    std::string text;
    while ((text = process.stdout_text()).find('\n') == std::string::npos &&
           Clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    const auto line = text.substr(0, text.find('\n'));
    const auto colon = line.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("no port in: " + line);
    Server s{std::move(process), static_cast<uint16_t>(std::stoi(line.substr(colon + 1)))};
    return s;
}

inline bool server_has_flag(const std::string& flag) {
    auto p = Process::spawn({kServer, "--help"}, no_stdin());
    p.wait(10s);
    return p.stdout_text().find(flag) != std::string::npos;
}

// A numeric field of /proc/<pid>/status ("VmRSS" is in KiB, "Threads" a count); -1 if absent.
inline long proc_status(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    return -1;
}

inline long rss_kib(pid_t pid) {
    return proc_status(pid, "VmRSS");
}

// Open descriptors of a process.
inline long open_fds(pid_t pid) {
    long n = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd");
         it != std::filesystem::directory_iterator(); ++it)
        ++n;
    return n;
}

// ---- raw sockets -----------------------------------------------------------------------------

class RawSocket {
  public:
    explicit RawSocket(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket() failed");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        for (int attempt = 0;; ++attempt) {
            if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) break;
            // The listen backlog may overflow under the flood: retry a little.
            if (attempt == 50) throw std::runtime_error("connect() failed");
            std::this_thread::sleep_for(20ms);
            ::close(fd_);
            fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        }
    }
    ~RawSocket() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    // Sends all of data; false when the peer is gone (EPIPE/ECONNRESET).
    bool send_all(const std::vector<uint8_t>& data) {
        size_t done = 0;
        while (done < data.size()) {
            const auto n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
            if (n <= 0) return false;
            done += static_cast<size_t>(n);
        }
        return true;
    }
    enum class End { closed, reset, timeout };
    // Reads until the peer closes (EOF or reset) or timeout passes; collects what arrived.
    End read_until_closed(std::chrono::milliseconds timeout, std::vector<uint8_t>* got = nullptr) {
        const auto deadline = Clock::now() + timeout;
        uint8_t buffer[16384];
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return End::timeout;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n == 0) return End::closed;
            if (n < 0) return errno == ECONNRESET ? End::reset : End::closed;
            if (got) got->insert(got->end(), buffer, buffer + n);
        }
    }
    // Waits for at least n bytes (or close/timeout); returns what arrived.
    std::vector<uint8_t> read_some(size_t n, std::chrono::milliseconds timeout) {
        std::vector<uint8_t> got;
        const auto deadline = Clock::now() + timeout;
        uint8_t buffer[16384];
        while (got.size() < n && Clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const auto r = ::recv(fd_, buffer, sizeof buffer, 0);
            if (r <= 0) break;
            got.insert(got.end(), buffer, buffer + r);
        }
        return got;
    }
    // close() with SO_LINGER 0: the kernel sends RST instead of FIN.
    void reset() {
        linger l{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        ::close(fd_);
        fd_ = -1;
    }
    int fd() const { return fd_; }

  private:
    int fd_ = -1;
};

// A genuine ClientHello record flight from our engine, TLS 1.2 only: the abuse cases read the
// server's answers as TLS 1.2 records (a fatal alert is a plaintext record of type 21 before the
// ChangeCipherSpec; TLS 1.3 seals it after the ServerHello).
inline std::vector<uint8_t> client_hello_bytes() {
    auto c = tls12::Connection::client(tls12_test::client_config12(), "localhost");
    return c.take_output();
}

// A normal client: handshake and echo through the library's blocking API.
inline void expect_echo(uint16_t port) {
    tls12::net::StreamOptions options;
    options.handshake_timeout = 10s;
    options.io_timeout = 10s;
    auto stream = tls12::net::connect_tls("127.0.0.1", port, tls12_test::client_config(), options,
                                          "localhost");
    EXPECT_TRUE(stream.is_handshake_complete());
    const std::string message = "still alive after the abuse";
    stream.write(message);
    std::string echoed;
    uint8_t buffer[256];
    while (echoed.size() < message.size()) {
        const auto n = stream.read(buffer);
        if (n == 0) break;
        echoed.append(reinterpret_cast<char*>(buffer), n);
    }
    EXPECT_EQ(echoed, message);
    stream.close();
}

}  // namespace tls12_adversarial
