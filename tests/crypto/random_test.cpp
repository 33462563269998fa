// random.h: the system generator never hands a forked child the parent's next bytes.
#include <gtest/gtest.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <functional>

#include <tls12/crypto/kex.h>
#include <tls12/crypto/random.h>

using namespace tls12::crypto;

// Crypto++'s RandomPool mixes the time of day (gettimeofday, microseconds) and time() into each
// draw, so a parent and a child that share its state repeat each other only when both draw in
// the same microsecond. These definitions interpose on the C library's for this test binary (the
// dynamic linker binds libcryptopp's calls to them) and stop the clock while a test asks: the
// unlucky case becomes the certain one, and a generator whose state the child shares fails.
namespace {
std::atomic<bool> clock_frozen{false};
constexpr time_t kFrozenSeconds = 1'800'000'000;

struct FrozenClock {
    FrozenClock() { clock_frozen.store(true); }
    ~FrozenClock() { clock_frozen.store(false); }
    FrozenClock(const FrozenClock&) = delete;
    FrozenClock& operator=(const FrozenClock&) = delete;
};
}  // namespace

extern "C" int gettimeofday(struct timeval* __restrict tv, void* __restrict) noexcept {
    timespec now{kFrozenSeconds, 0};
    if (!clock_frozen.load()) clock_gettime(CLOCK_REALTIME, &now);
    tv->tv_sec = now.tv_sec;
    tv->tv_usec = now.tv_nsec / 1000;
    return 0;
}

extern "C" time_t time(time_t* out) noexcept {
    timespec now{kFrozenSeconds, 0};
    if (!clock_frozen.load()) clock_gettime(CLOCK_REALTIME, &now);
    if (out) *out = now.tv_sec;
    return now.tv_sec;
}

namespace {

// Runs draw() in a forked child and in this process after the fork, with the clock stopped, and
// returns both results (child first). The child sends its bytes through a pipe and leaves with
// _exit, so nothing of the test framework runs twice.
std::pair<Bytes, Bytes> draw_in_child_and_parent(const std::function<Bytes()>& draw) {
    const FrozenClock frozen;
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        close(fds[0]);
        const Bytes bytes = draw();
        const bool sent =
            write(fds[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
        _exit(sent ? 0 : 1);
    }
    close(fds[1]);
    const Bytes mine = draw();
    Bytes theirs(mine.size());
    size_t got = 0;
    while (got < theirs.size()) {
        const ssize_t n = read(fds[0], theirs.data() + got, theirs.size() - got);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(got, theirs.size());
    return {theirs, mine};
}

}  // namespace

TEST(SystemRandom, ForkedChildDrawsDifferentBytes) {
    const auto rng = system_random();
    rng->bytes(16);  // the generator is in use before the fork
    const auto [child, parent] = draw_in_child_and_parent([&] { return rng->bytes(32); });
    EXPECT_NE(to_hex(child), to_hex(parent));
    // A second child after the first: neither meets the other nor the parent.
    const auto [child2, parent2] = draw_in_child_and_parent([&] { return rng->bytes(32); });
    EXPECT_NE(to_hex(child2), to_hex(parent2));
    EXPECT_NE(to_hex(child2), to_hex(child));
}

// Ephemeral keys (and ECDSA nonces, RSA blinding) come from the same generator: the workers of a
// pre-forking server must not share them.
TEST(SystemRandom, ForkedChildGeneratesDifferentKeys) {
    const auto rng = system_random();
    const auto [child, parent] = draw_in_child_and_parent([&] {
        KeyExchange kx(KexGroup::x25519, *rng);
        return Bytes(kx.public_value().begin(), kx.public_value().end());
    });
    EXPECT_NE(to_hex(child), to_hex(parent));
}

TEST(SystemRandom, DrawsDiffer) {
    const auto rng = system_random();
    EXPECT_NE(rng->bytes(32), rng->bytes(32));
    Bytes empty;
    rng->fill(empty);  // nothing to fill is fine
}
