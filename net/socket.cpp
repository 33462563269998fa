#include <tls12/net/socket.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace tls12::net {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string errno_text(int err) {
    return std::strerror(err);
}

[[noreturn]] void throw_errno(const std::string& what, int err) {
    throw Error(what + ": " + errno_text(err));
}

// A point in time to stop waiting at; nullopt: never.
using Deadline = std::optional<SteadyClock::time_point>;

Deadline deadline_after(milliseconds timeout) {
    if (timeout <= milliseconds::zero()) return std::nullopt;
    return SteadyClock::now() + timeout;
}

// The poll() timeout argument for what is left until the deadline (-1: forever, 0: expired).
int poll_timeout(const Deadline& deadline) {
    if (!deadline) return -1;
    auto left = std::chrono::ceil<milliseconds>(*deadline - SteadyClock::now()).count();
    if (left <= 0) return 0;
    return left > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left);
}

// Waits until fd reports one of `events` (or an error/hangup). False on timeout; EINTR-safe.
bool wait_for(int fd, short events, const Deadline& deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        int rc = ::poll(&p, 1, poll_timeout(deadline));
        if (rc > 0) return true;
        if (rc == 0) {
            if (poll_timeout(deadline) == 0) return false;
            continue;  // woke early (clock granularity): wait for the rest
        }
        if (errno != EINTR) throw_errno("poll", errno);
    }
}

std::string format_address(const sockaddr* sa) {
    char host[INET6_ADDRSTRLEN] = {};
    switch (sa->sa_family) {
        case AF_INET: {
            auto* in = reinterpret_cast<const sockaddr_in*>(sa);
            ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
            return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
        }
        case AF_INET6: {
            auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
            ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
            return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
        }
        default:
            return "?";
    }
}

uint16_t port_of(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(sa)->sin_port);
    if (sa->sa_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port);
    return 0;
}

struct AddrInfoDeleter {
    void operator()(addrinfo* ai) const noexcept { ::freeaddrinfo(ai); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

AddrInfoPtr resolve(const std::string& host, uint16_t port, bool passive) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    addrinfo* result = nullptr;
    const std::string service = std::to_string(port);
    const char* node = host.empty() ? nullptr : host.c_str();
    const int rc = ::getaddrinfo(node, service.c_str(), &hints, &result);
    if (rc != 0) {
        std::string why = rc == EAI_SYSTEM ? errno_text(errno) : ::gai_strerror(rc);
        throw Error("cannot resolve '" + host + "': " + why);
    }
    return AddrInfoPtr(result);
}

void set_blocking(int fd, bool blocking) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) throw_errno("fcntl(F_GETFL)", errno);
    flags = blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK);
    if (::fcntl(fd, F_SETFL, flags) < 0) throw_errno("fcntl(F_SETFL)", errno);
}

// One attempt on one address. Returns the connected socket, or the reason it failed.
struct Attempt {
    Socket socket;
    std::string failure;
    bool timed_out = false;
};

Attempt connect_one(const addrinfo& ai, milliseconds timeout) {
    Attempt a;
    const std::string where = format_address(ai.ai_addr);
    Socket s(::socket(ai.ai_family, ai.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai.ai_protocol));
    if (!s.valid()) {
        a.failure = where + ": socket: " + errno_text(errno);
        return a;
    }
    int rc = ::connect(s.fd(), ai.ai_addr, ai.ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS && errno != EINTR) {
        a.failure = where + ": " + errno_text(errno);
        return a;
    }
    if (rc != 0) {
        // In progress (EINTR on a non-blocking connect also leaves it in progress).
        if (!wait_for(s.fd(), POLLOUT, deadline_after(timeout))) {
            a.failure = where + ": timed out after " + std::to_string(timeout.count()) + " ms";
            a.timed_out = true;
            return a;
        }
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        if (err != 0) {
            a.failure = where + ": " + errno_text(err);
            return a;
        }
    }
    set_blocking(s.fd(), true);
    a.socket = std::move(s);
    return a;
}

}  // namespace

Socket::~Socket() {
    close();
}

Socket& Socket::operator=(Socket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        peer_ = std::move(other.peer_);
    }
    return *this;
}

void Socket::close() noexcept {
    if (fd_ >= 0) {
        ::close(fd_);  // never retried on EINTR: the descriptor is gone either way on Linux
        fd_ = -1;
    }
}

Socket Socket::connect(const std::string& host, uint16_t port, milliseconds timeout) {
    auto list = resolve(host, port, false);
    std::string failures;
    bool all_timed_out = true;
    for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
        Attempt a = connect_one(*ai, timeout);
        if (a.socket.valid()) {
            a.socket.peer_ = format_address(ai->ai_addr);
            return std::move(a.socket);
        }
        all_timed_out = all_timed_out && a.timed_out;
        failures += failures.empty() ? "" : "; ";
        failures += a.failure;
    }
    std::string msg = "connect to " + host + ":" + std::to_string(port) + " failed: " + failures;
    if (all_timed_out && !failures.empty()) throw TimeoutError(msg);
    throw Error(msg);
}

std::pair<Socket, Socket> Socket::pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw_errno("socketpair", errno);
    return {Socket(fds[0]), Socket(fds[1])};
}

void Socket::send_all(std::span<const uint8_t> data, milliseconds timeout) {
    if (!valid()) throw Error("send on a closed socket");
    const Deadline deadline = deadline_after(timeout);
    // With a deadline, never block inside send(): wait in poll() and send what fits.
    const int flags = MSG_NOSIGNAL | (deadline ? MSG_DONTWAIT : 0);
    size_t sent = 0;
    while (sent < data.size()) {
        if (deadline && !wait_for(fd_, POLLOUT, deadline))
            throw TimeoutError("send timed out after " + std::to_string(timeout.count()) + " ms (" +
                               std::to_string(sent) + " of " + std::to_string(data.size()) +
                               " bytes sent)");
        ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, flags);
        if (n >= 0) {
            sent += static_cast<size_t>(n);
            continue;
        }
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        throw_errno("send to " + peer_address(), errno);
    }
}

size_t Socket::recv(std::span<uint8_t> out, milliseconds timeout) {
    if (!valid()) throw Error("recv on a closed socket");
    if (out.empty()) return 0;
    const Deadline deadline = deadline_after(timeout);
    for (;;) {
        if (deadline && !wait_for(fd_, POLLIN, deadline))
            throw TimeoutError("no data from " + peer_address() + " within " +
                               std::to_string(timeout.count()) + " ms");
        ssize_t n = ::recv(fd_, out.data(), out.size(), deadline ? MSG_DONTWAIT : 0);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        throw_errno("recv from " + peer_address(), errno);
    }
}

bool Socket::wait_readable(milliseconds timeout) {
    if (!valid()) throw Error("wait on a closed socket");
    return wait_for(fd_, POLLIN, deadline_after(timeout));
}

void Socket::shutdown_write() noexcept {
    if (valid()) ::shutdown(fd_, SHUT_WR);
}

void Socket::set_nodelay(bool on) {
    int v = on ? 1 : 0;
    if (::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v) != 0)
        throw_errno("setsockopt(TCP_NODELAY)", errno);
}

std::string Socket::peer_address() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (fd_ >= 0 && ::getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
        return format_address(reinterpret_cast<const sockaddr*>(&ss));
    // Reset (ENOTCONN) or closed: the address remembered at connect/accept, if any.
    return peer_.empty() ? "?" : peer_;
}

std::string Socket::local_address() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (fd_ < 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
    return format_address(reinterpret_cast<const sockaddr*>(&ss));
}

Listener::Listener(const std::string& host, uint16_t port, int backlog) {
    auto list = resolve(host, port, true);
    std::string failures;
    for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
        Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                          ai->ai_protocol));
        const std::string where = format_address(ai->ai_addr);
        if (!s.valid()) {
            failures += "; " + where + ": socket: " + errno_text(errno);
            continue;
        }
        int one = 1;
        ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(s.fd(), ai->ai_addr, ai->ai_addrlen) != 0) {
            failures += "; " + where + ": bind: " + errno_text(errno);
            continue;
        }
        if (::listen(s.fd(), backlog) != 0) {
            failures += "; " + where + ": listen: " + errno_text(errno);
            continue;
        }
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        if (::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&ss), &len) != 0)
            throw_errno("getsockname", errno);
        port_ = port_of(reinterpret_cast<const sockaddr*>(&ss));
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) throw_errno("pipe2", errno);
        wake_read_ = pipe_fds[0];
        wake_write_ = pipe_fds[1];
        fd_ = s.release();
        return;
    }
    throw Error("cannot listen on " + (host.empty() ? std::string("*") : host) + ":" +
                std::to_string(port) + ": " + failures.substr(failures.empty() ? 0 : 2));
}

Listener::~Listener() {
    for (int fd : {fd_, wake_read_, wake_write_})
        if (fd >= 0) ::close(fd);
}

std::string Listener::address() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
    return format_address(reinterpret_cast<const sockaddr*>(&ss));
}

Socket Listener::accept(milliseconds timeout) {
    const Deadline deadline = deadline_after(timeout);
    for (;;) {
        if (closed_.load()) throw ClosedError("listener closed");
        pollfd p[2] = {{fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
        int rc = ::poll(p, 2, poll_timeout(deadline));
        if (rc < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll(listener)", errno);
        }
        if (rc == 0) {
            if (poll_timeout(deadline) != 0) continue;
            throw TimeoutError("no connection within " + std::to_string(timeout.count()) + " ms");
        }
        if (p[1].revents != 0 || closed_.load()) throw ClosedError("listener closed");
        sockaddr_storage peer{};
        socklen_t peer_len = sizeof peer;
        int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
        if (fd >= 0) {
            Socket accepted(fd);
            accepted.peer_ = format_address(reinterpret_cast<const sockaddr*>(&peer));
            return accepted;
        }
        switch (errno) {
            case EINTR:
            case EAGAIN:
#if EAGAIN != EWOULDBLOCK
            case EWOULDBLOCK:
#endif
            case ECONNABORTED:
            case EPROTO:
            case EPERM:  // firewall rules
                continue;
            default:
                throw_errno("accept", errno);
        }
    }
}

void Listener::close() noexcept {
    closed_.store(true);
    if (wake_write_ >= 0) {
        const char byte = 1;
        // Non-blocking pipe: if it is already full, the wakeup is already pending.
        [[maybe_unused]] ssize_t n = ::write(wake_write_, &byte, 1);
    }
}

}  // namespace tls12::net
