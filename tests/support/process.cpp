#include "support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace tls12_test {

struct Process::State {
    pid_t pid = -1;
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    std::optional<int> exit_code;

    mutable std::mutex mutex;
    std::condition_variable changed;
    std::string out;
    std::string err;
    bool eof = false;  // both pipes drained
    std::thread reader;

    // Drains stdout and stderr into the buffers until both reach EOF.
    void read_loop() {
        pollfd fds[2] = {{stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}};
        int open_count = 2;
        char buf[4096];
        while (open_count > 0) {
            int rc = ::poll(fds, 2, -1);
            if (rc < 0) {
                if (errno == EINTR) continue;
                break;
            }
            for (int i = 0; i < 2; ++i) {
                if (fds[i].fd < 0 || fds[i].revents == 0) continue;
                ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                if (n < 0 && errno == EINTR) continue;
                std::lock_guard lock(mutex);
                if (n <= 0) {
                    fds[i].fd = -1;
                    --open_count;
                } else {
                    (i == 0 ? out : err).append(buf, static_cast<size_t>(n));
                }
                changed.notify_all();
            }
        }
        std::lock_guard lock(mutex);
        eof = true;
        changed.notify_all();
    }

    void close_fds() {
        for (int* fd : {&stdin_fd, &stdout_fd, &stderr_fd}) {
            if (*fd >= 0) ::close(*fd);
            *fd = -1;
        }
    }
};

namespace {

void make_pipe(int fds[2]) {
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
}

}  // namespace

Process::Process(std::unique_ptr<State> state) : state_(std::move(state)) {}
Process::Process(Process&&) noexcept = default;
Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        if (state_) stop(milliseconds(0));
        state_ = std::move(other.state_);
    }
    return *this;
}

Process::~Process() {
    if (state_) stop(milliseconds(0));
}

Process Process::spawn(const std::vector<std::string>& argv, SpawnOptions options) {
    if (argv.empty()) throw std::invalid_argument("spawn: empty argv");
    // Everything the child needs is prepared before fork(): after it, only async-signal-safe
    // calls (the test process has threads).
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    for (const auto& e : options.env) env_strings.push_back(e);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string path_env = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";

    int in[2] = {-1, -1}, out[2], err[2], status_pipe[2];
    if (options.pipe_stdin) make_pipe(in);
    make_pipe(out);
    make_pipe(err);
    make_pipe(status_pipe);  // reports an exec failure (errno) to the parent

    // Resolve the program in PATH now (execvpe would allocate in the child).
    std::string program = argv[0];
    if (program.find('/') == std::string::npos) {
        size_t start = 0;
        while (start <= path_env.size()) {
            size_t end = path_env.find(':', start);
            if (end == std::string::npos) end = path_env.size();
            std::string candidate = path_env.substr(start, end - start) + "/" + argv[0];
            if (::access(candidate.c_str(), X_OK) == 0) {
                program = candidate;
                break;
            }
            start = end + 1;
        }
    }
    const char* workdir =
        options.working_directory.empty() ? nullptr : options.working_directory.c_str();
    const pid_t parent = ::getpid();

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        int devnull = options.pipe_stdin ? -1 : ::open("/dev/null", O_RDONLY);
        ::dup2(options.pipe_stdin ? in[0] : devnull, 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        // Restore default signal dispositions a test runner may have changed.
        ::signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        if (workdir && ::chdir(workdir) != 0) {
            int e = errno;
            [[maybe_unused]] auto w = ::write(status_pipe[1], &e, sizeof e);
            ::_exit(127);
        }
        ::execve(program.c_str(), args.data(), envp.data());
        int e = errno;
        [[maybe_unused]] auto w = ::write(status_pipe[1], &e, sizeof e);
        ::_exit(127);
    }

    auto state = std::make_unique<State>();
    state->pid = pid;
    ::setpgid(pid, pid);  // also from the parent, so signal() can't race the child's own call
    if (options.pipe_stdin) {
        ::close(in[0]);
        state->stdin_fd = in[1];
    }
    ::close(out[1]);
    ::close(err[1]);
    ::close(status_pipe[1]);
    state->stdout_fd = out[0];
    state->stderr_fd = err[0];

    int exec_errno = 0;
    ssize_t n;
    do {
        n = ::read(status_pipe[0], &exec_errno, sizeof exec_errno);
    } while (n < 0 && errno == EINTR);
    ::close(status_pipe[0]);
    if (n > 0) {
        int status;
        ::waitpid(pid, &status, 0);
        state->close_fds();
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(exec_errno));
    }
    State* raw = state.get();
    state->reader = std::thread([raw] { raw->read_loop(); });
    return Process(std::move(state));
}

pid_t Process::pid() const noexcept {
    return state_ ? state_->pid : -1;
}

bool Process::write_stdin(std::string_view data) {
    if (!state_ || state_->stdin_fd < 0) return false;
    while (!data.empty()) {
        ssize_t n = ::send(state_->stdin_fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = ::write(state_->stdin_fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

void Process::close_stdin() {
    if (state_ && state_->stdin_fd >= 0) {
        ::close(state_->stdin_fd);
        state_->stdin_fd = -1;
    }
}

std::string Process::stdout_text() const {
    std::lock_guard lock(state_->mutex);
    return state_->out;
}

std::string Process::stderr_text() const {
    std::lock_guard lock(state_->mutex);
    return state_->err;
}

bool Process::wait_for_output(std::string_view needle, milliseconds timeout, bool from_stderr) {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] {
        const std::string& text = from_stderr ? state_->err : state_->out;
        return text.find(needle) != std::string::npos || state_->eof;
    }) && (from_stderr ? state_->err : state_->out).find(needle) != std::string::npos;
}

bool Process::wait_for_stdout_size(size_t n, milliseconds timeout) {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] {
        return state_->out.size() >= n || state_->eof;
    }) && state_->out.size() >= n;
}

size_t Process::stdout_size() const {
    std::lock_guard lock(state_->mutex);
    return state_->out.size();
}

void Process::signal(int sig) {
    if (state_ && state_->pid > 0 && !state_->exit_code) ::kill(-state_->pid, sig);
}

std::optional<int> Process::wait(milliseconds timeout) {
    if (!state_) return std::nullopt;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!state_->exit_code) {
        int status = 0;
        pid_t r = ::waitpid(state_->pid, &status, WNOHANG);
        if (r == state_->pid) {
            state_->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (r < 0 && errno != EINTR) {
            state_->exit_code = -1;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(milliseconds(5));
    }
    // The child is gone; its pipes reach EOF unless a grandchild still holds them.
    close_stdin();
    if (state_->reader.joinable()) {
        {
            std::unique_lock lock(state_->mutex);
            if (!state_->changed.wait_for(lock, milliseconds(2000), [&] { return state_->eof; })) {
                // A grandchild keeps the pipes open: kill the whole group.
                ::kill(-state_->pid, SIGKILL);
            }
        }
        state_->reader.join();
        state_->close_fds();
    }
    return state_->exit_code;
}

int Process::stop(milliseconds grace) {
    if (!state_) return -1;
    if (!state_->exit_code) {
        signal(SIGTERM);
        if (auto code = wait(grace)) return *code;
        signal(SIGKILL);
    }
    return *wait(milliseconds(60'000));
}

bool Process::running() {
    return state_ && !wait(milliseconds(0)).has_value();
}

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool wait_for_port(uint16_t port, milliseconds timeout, const std::string& host) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    sockaddr_storage ss{};
    socklen_t len;
    auto* in4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (::inet_pton(AF_INET, host.c_str(), &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        len = sizeof *in4;
    } else if (::inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        len = sizeof *in6;
    } else {
        throw std::invalid_argument("wait_for_port: not an IP literal: " + host);
    }
    for (;;) {
        int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
        ::close(fd);
        if (rc == 0) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(milliseconds(20));
    }
}

bool have_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= p.size()) {
        size_t end = p.find(':', start);
        if (end == std::string::npos) end = p.size();
        std::string candidate = p.substr(start, end - start) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace tls12_test
