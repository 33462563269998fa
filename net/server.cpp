#include <tls12/net/server.h>

#include <fcntl.h>
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <queue>
#include <thread>
#include <unordered_map>
#include <utility>

namespace tls12::net {

void ConnectionHandler::on_handshake(NonblockingStream&) {}
void ConnectionHandler::on_data(NonblockingStream& stream) {
    stream.consume_received(stream.available());  // a handler that does not listen
}
void ConnectionHandler::on_drained(NonblockingStream&) {}
void ConnectionHandler::on_close(NonblockingStream&) {}

size_t raise_open_file_limit() noexcept {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return static_cast<size_t>(limit.rlim_cur);
}

namespace {

using Clock = NonblockingStream::Clock;
using TimePoint = NonblockingStream::TimePoint;

// Accepts per wakeup: a burst of connections is spread over the loops instead of landing on one.
constexpr int kAcceptsPerWakeup = 32;
constexpr int kEventsPerWait = 256;
// epoll data of the two descriptors that are not connections (connection ids start at 1).
constexpr uint64_t kListenerTag = 0;
constexpr uint64_t kWakeTag = ~uint64_t{0};

class Fd {
  public:
    explicit Fd(int fd = -1) noexcept : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const noexcept { return fd_; }

  private:
    int fd_;
};

std::string errno_text(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

struct Server::Loop {
    struct Entry {
        NonblockingStream stream;
        std::unique_ptr<ConnectionHandler> handler;
        uint32_t interest = 0;  // the epoll mask registered now
        bool registered = false;
        TimePoint scheduled = TimePoint::max();  // earliest timer entry queued for it
    };
    struct Timer {
        TimePoint when;
        uint64_t id;
        bool operator>(const Timer& other) const { return when > other.when; }
    };

    Server& server;
    Fd epoll{::epoll_create1(EPOLL_CLOEXEC)};
    Fd wake{::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
    bool first;
    std::unordered_map<uint64_t, Entry> entries;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
    bool listening = false;
    TimePoint accept_paused_until{};
    TimePoint next_tick{};
    bool shutting_down = false;
    TimePoint shutdown_deadline{};
    std::thread thread;

    Loop(Server& s, bool is_first) : server(s), first(is_first) {
        if (epoll.get() < 0) throw Error(errno_text("epoll_create1"));
        if (wake.get() < 0) throw Error(errno_text("eventfd"));
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kWakeTag;
        if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0)
            throw Error(errno_text("epoll_ctl(eventfd)"));
        listen(true);
    }

    void listen(bool on) {
        if (on == listening) return;
        epoll_event ev{};
        // Level-triggered and exclusive: one loop wakes per new connection, and one that leaves
        // some in the queue is woken again.
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.u64 = kListenerTag;
        const int fd = server.listener_.fd();
        if (on && ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
            throw Error(errno_text("epoll_ctl(listener)"));
        if (!on) (void)::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
        listening = on;
    }

    void wake_up() noexcept {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(wake.get(), &one, sizeof one);
    }

    void report(const std::string& what) {
        if (server.options_.on_error) server.options_.on_error(what);
    }

    void run() {
        std::vector<epoll_event> events(kEventsPerWait);
        next_tick = Clock::now() + server.options_.tick_interval;
        for (;;) {
            if (server.stopping_.load() && !shutting_down) begin_shutdown();
            if (shutting_down && (entries.empty() || Clock::now() >= shutdown_deadline)) break;
            const int n = ::epoll_wait(epoll.get(), events.data(), kEventsPerWait, wait_ms());
            if (n < 0 && errno != EINTR) {
                report(errno_text("epoll_wait"));
                break;
            }
            TimePoint now = Clock::now();
            for (int i = 0; i < n; ++i) {
                const uint64_t tag = events[static_cast<size_t>(i)].data.u64;
                if (tag == kWakeTag) {
                    uint64_t count;
                    [[maybe_unused]] const ssize_t r = ::read(wake.get(), &count, sizeof count);
                } else if (tag == kListenerTag) {
                    accept_some(now);
                } else {
                    on_socket(tag, events[static_cast<size_t>(i)].events, now);
                }
                now = Clock::now();
            }
            run_timers(now);
        }
        // Whatever is left after the shutdown timeout is cut.
        for (auto& [id, entry] : entries) {
            entry.stream.abort();
            close_entry(entry);
        }
        entries.clear();
    }

    int wait_ms() const {
        TimePoint next = TimePoint::max();
        if (!timers.empty()) next = timers.top().when;
        if ((first && server.options_.on_tick) || server.options_.trim_memory)
            next = std::min(next, next_tick);
        if (!listening && !shutting_down) next = std::min(next, accept_paused_until);
        if (shutting_down) next = std::min(next, shutdown_deadline);
        if (next == TimePoint::max()) return -1;
        const auto left = std::chrono::ceil<milliseconds>(next - Clock::now()).count();
        return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
    }

    void accept_some(TimePoint now) {
        for (int i = 0; i < kAcceptsPerWakeup && listening; ++i) {
            const int fd =
                ::accept4(server.listener_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) return;
                // Out of descriptors or memory: pause, or the level-triggered listener spins.
                report(errno_text("accept"));
                listen(false);
                accept_paused_until = now + milliseconds(100);
                return;
            }
            admit(Socket(fd), now);
        }
    }

    void admit(Socket socket, TimePoint now) {
        Accepted accepted{server.next_id_.fetch_add(1), socket.peer_address()};
        const size_t open = server.open_.load();
        if (open >= server.options_.max_connections) {
            if (server.options_.on_refused) server.options_.on_refused(accepted, open);
            return;  // the socket closes here, before a byte of TLS
        }
        try {
            try {
                socket.set_nodelay();
            } catch (const Error&) {
                // Only latency.
            }
            NonblockingStream stream(std::move(socket), tls12::Connection::server(server.config_),
                                     server.options_.connection, now);
            auto handler = server.factory_(accepted);
            if (!handler) return;
            auto [it, inserted] =
                entries.try_emplace(accepted.id, Entry{std::move(stream), std::move(handler)});
            server.open_.fetch_add(1);
            dispatch(accepted.id, it->second, StreamEvents::none);
        } catch (const std::exception& e) {
            report(std::string("cannot serve a connection: ") + e.what());
        }
    }

    void on_socket(uint64_t id, uint32_t ready, TimePoint now) {
        auto it = entries.find(id);
        if (it == entries.end()) return;
        Entry& entry = it->second;
        StreamEvents events = StreamEvents::none;
        if (ready & (EPOLLOUT | EPOLLERR)) events = events | entry.stream.on_writable(now);
        if (ready & (EPOLLIN | EPOLLHUP | EPOLLERR))
            events = events | entry.stream.on_readable(now);
        // Hang-up and error are reported whatever the interest: a stream that cannot read now
        // (backpressure) would be woken for them forever. The peer is gone both ways: end it.
        if ((ready & (EPOLLHUP | EPOLLERR)) && !entry.stream.closed() && !entry.stream.wants_read())
            entry.stream.abort(CloseReason::reset);
        dispatch(id, entry, events);
    }

    void dispatch(uint64_t id, Entry& entry, StreamEvents events) {
        NonblockingStream& stream = entry.stream;
        ConnectionHandler& handler = *entry.handler;
        if (has(events, StreamEvents::handshake_complete)) handler.on_handshake(stream);
        if (has(events, StreamEvents::drained) && !stream.closed()) handler.on_drained(stream);
        if (stream.available() > 0 && !stream.closing()) handler.on_data(stream);
        if (stream.closed()) {
            close_entry(entry);
            entries.erase(id);
            return;
        }
        update(id, entry);
    }

    void close_entry(Entry& entry) {
        entry.handler->on_close(entry.stream);
        server.open_.fetch_sub(1);
    }

    // Registers the interest the stream has now and queues its deadline.
    void update(uint64_t id, Entry& entry) {
        const NonblockingStream& stream = entry.stream;
        uint32_t interest = 0;
        if (stream.wants_read()) interest |= EPOLLIN;
        if (stream.wants_write()) interest |= EPOLLOUT;
        if (interest != entry.interest || !entry.registered) {
            epoll_event ev{};
            ev.events = interest;
            ev.data.u64 = id;
            const int op = entry.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
            if (::epoll_ctl(epoll.get(), op, stream.fd(), &ev) != 0) {
                report(errno_text("epoll_ctl"));
                entry.stream.abort(CloseReason::reset);
                entry.scheduled = Clock::now();
                timers.push({entry.scheduled, id});  // run_timers() removes it
                return;
            }
            entry.interest = interest;
            entry.registered = true;
        }
        if (const auto due = stream.deadline(); due && *due < entry.scheduled) {
            timers.push({*due, id});
            entry.scheduled = *due;
        }
    }

    void run_timers(TimePoint now) {
        while (!timers.empty() && timers.top().when <= now) {
            const Timer timer = timers.top();
            timers.pop();
            auto it = entries.find(timer.id);
            if (it == entries.end()) continue;
            Entry& entry = it->second;
            if (entry.scheduled != timer.when) continue;  // a stale entry: a sooner one ran
            entry.scheduled = TimePoint::max();
            const auto due = entry.stream.deadline();
            if (entry.stream.closed()) {
                dispatch(timer.id, entry, StreamEvents::closed);
            } else if (due && *due <= now) {
                const StreamEvents events = entry.stream.on_deadline(now);
                dispatch(timer.id, entry, events);
            } else {
                update(timer.id, entry);  // activity moved it later: queue it again
            }
        }
        if (now >= next_tick) {
            if (first && server.options_.on_tick) server.options_.on_tick();
            // Handshakes allocate tens of KiB each and give it back; between the small blocks
            // idle connections keep, the freed pages stay in the process unless returned.
            if (server.options_.trim_memory) ::malloc_trim(0);
            next_tick = now + server.options_.tick_interval;
        }
        if (!listening && !shutting_down && now >= accept_paused_until) listen(true);
    }

    void begin_shutdown() {
        shutting_down = true;
        listen(false);
        const TimePoint now = Clock::now();
        shutdown_deadline = now + server.options_.shutdown_timeout;
        std::vector<uint64_t> ids;
        ids.reserve(entries.size());
        for (auto& [id, entry] : entries) ids.push_back(id);
        for (uint64_t id : ids) {
            auto it = entries.find(id);
            if (it == entries.end()) continue;
            const StreamEvents events = it->second.stream.close(now);
            dispatch(id, it->second, events);
        }
    }
};

Server::Server(const std::string& host, uint16_t port,
               std::shared_ptr<const tls12::ServerConfig> config, HandlerFactory factory,
               ServerOptions options)
    : config_(std::move(config)),
      factory_(std::move(factory)),
      options_(std::move(options)),
      listener_(host, port, options_.backlog) {
    if (!config_) throw std::invalid_argument("Server: no server config");
    if (!factory_) throw std::invalid_argument("Server: no handler factory");
    const int flags = ::fcntl(listener_.fd(), F_GETFL);
    if (flags < 0 || ::fcntl(listener_.fd(), F_SETFL, flags | O_NONBLOCK) < 0)
        throw Error(errno_text("fcntl(listener)"));
    size_t count = options_.loops;
    if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
    for (size_t i = 0; i < count; ++i) loops_.push_back(std::make_unique<Loop>(*this, i == 0));
}

Server::~Server() {
    stop();
    for (auto& loop : loops_)
        if (loop->thread.joinable()) loop->thread.join();
}

uint16_t Server::port() const noexcept {
    return listener_.port();
}

std::string Server::address() const {
    return listener_.address();
}

size_t Server::connections() const noexcept {
    return open_.load();
}

void Server::run() {
    for (size_t i = 1; i < loops_.size(); ++i) {
        Loop& loop = *loops_[i];
        loop.thread = std::thread([&loop] { loop.run(); });
    }
    loops_[0]->run();
    for (size_t i = 1; i < loops_.size(); ++i)
        if (loops_[i]->thread.joinable()) loops_[i]->thread.join();
}

void Server::stop() noexcept {
    stopping_.store(true);
    for (auto& loop : loops_) loop->wake_up();
}

}  // namespace tls12::net
