// Peer processes for tests that talk to real programs (openssl s_server/s_client, gnutls-serv,
// our own examples): spawn with pipes, read their output as it arrives, wait with a timeout, and
// never leave a child behind (the destructor kills the process group; children also die with the
// test via PR_SET_PDEATHSIG). Plus loopback port helpers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tls12_test {

using std::chrono::milliseconds;

struct SpawnOptions {
    bool pipe_stdin = true;  // false: stdin is /dev/null
    // Extra environment entries "NAME=value" on top of the test's own environment.
    std::vector<std::string> env;
    std::string working_directory;  // empty: the test's
};

class Process {
  public:
    // argv[0] is looked up in PATH. Throws std::runtime_error when the program cannot be started.
    static Process spawn(const std::vector<std::string>& argv, SpawnOptions options = {});

    Process(Process&&) noexcept;
    Process& operator=(Process&&) noexcept;
    ~Process();  // SIGKILLs the process group if still running, reaps it

    pid_t pid() const noexcept;

    // Writes to the child's stdin (all of it; false when the child closed it).
    bool write_stdin(std::string_view data);
    void close_stdin();

    // Everything the child printed so far.
    std::string stdout_text() const;
    std::string stderr_text() const;
    // Waits until `needle` appears in stdout (or stderr with from_stderr). False on timeout or
    // when the child exited without printing it.
    bool wait_for_output(std::string_view needle, milliseconds timeout, bool from_stderr = false);
    // Waits until stdout holds at least n bytes (for streaming large data through a peer). False
    // on timeout or when the child exited with less.
    bool wait_for_stdout_size(size_t n, milliseconds timeout);
    size_t stdout_size() const;

    // Sends a signal to the child's process group.
    void signal(int sig);
    // Exit code (128 + signal number when killed), or nullopt if still running after timeout.
    // Once it returns a value, output is complete (the pipes were drained to EOF).
    std::optional<int> wait(milliseconds timeout);
    // SIGTERM, then SIGKILL after grace; returns the exit code.
    int stop(milliseconds grace = milliseconds(2000));
    bool running();

    struct State;

  private:
    explicit Process(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// A port that was free on 127.0.0.1 a moment ago (bind to 0, read it, release it).
uint16_t free_port();
// Polls until something accepts TCP connections on host:port; false after timeout.
bool wait_for_port(uint16_t port, milliseconds timeout, const std::string& host = "127.0.0.1");

// Whether a program is on PATH (so tests can fail clearly when a peer is missing).
bool have_program(const std::string& name);

}  // namespace tls12_test
