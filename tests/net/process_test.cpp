// The peer-process helper the interop and example tests rely on.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include <tls12/net/socket.h>
#include "support/process.h"

using namespace std::chrono_literals;
using tls12_test::Process;

TEST(Process, CapturesOutputAndExitCode) {
    auto p =
        Process::spawn({"sh", "-c", "echo out; echo err >&2; read line; echo got $line; exit 3"});
    ASSERT_TRUE(p.wait_for_output("out", 5s));
    ASSERT_TRUE(p.write_stdin("hello\n"));
    ASSERT_TRUE(p.wait_for_output("got hello", 5s));
    EXPECT_EQ(p.wait(5s), 3);
    EXPECT_EQ(p.stdout_text(), "out\ngot hello\n");
    EXPECT_EQ(p.stderr_text(), "err\n");
    EXPECT_FALSE(p.running());
}

TEST(Process, StopKillsAHangingChild) {
    tls12_test::SpawnOptions options;
    options.pipe_stdin = false;
    auto p = Process::spawn({"sh", "-c", "trap '' TERM; echo ready; sleep 30"}, options);
    ASSERT_TRUE(p.wait_for_output("ready", 10s));  // SIGTERM is ignored from here on
    EXPECT_TRUE(p.running());
    EXPECT_EQ(p.wait(50ms), std::nullopt);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(p.stop(200ms), 128 + SIGKILL);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(Process, MissingProgramThrows) {
    EXPECT_THROW(Process::spawn({"definitely-not-a-program-tls12"}), std::runtime_error);
    EXPECT_FALSE(tls12_test::have_program("definitely-not-a-program-tls12"));
    EXPECT_TRUE(tls12_test::have_program("sh"));
}

TEST(Process, EnvironmentAndWorkingDirectory) {
    tls12_test::SpawnOptions options;
    options.pipe_stdin = false;
    options.env = {"TLS12_X=42"};
    options.working_directory = "/";
    auto p = Process::spawn({"sh", "-c", "echo $TLS12_X; pwd"}, options);
    EXPECT_EQ(p.wait(5s), 0);
    EXPECT_EQ(p.stdout_text(), "42\n/\n");
}

TEST(Ports, FreePortAndWaitForPort) {
    const uint16_t port = tls12_test::free_port();
    EXPECT_FALSE(tls12_test::wait_for_port(port, 50ms));
    tls12::net::Listener listener("127.0.0.1", port);
    EXPECT_TRUE(tls12_test::wait_for_port(port, 1s));
}
