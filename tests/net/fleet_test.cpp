// Sessions across a fleet: two echo_server processes started with the same --ticket-key-file
// resume each other's sessions; when an outside process rotates the file (new key first, the old
// one after, then the old one dropped) both follow it without a restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include <tls12/net/stream.h>
#include "support/engine_pair.h"
#include "support/pki.h"
#include "support/process.h"

using namespace std::chrono_literals;
using tls12_test::Process;

namespace {

std::string example(const std::string& name) {
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path() / "examples" / name).string();
}

struct EchoServer {
    Process process;
    uint16_t port = 0;
};

EchoServer start(const std::string& key_file) {
    const auto& pki = tls12_test::test_pki();
    EchoServer s{Process::spawn({example("echo_server"), "--port", "0", "--cert", pki.server_chain,
                                 "--key", pki.server_key, "--ticket-key-file", key_file}),
                 0};
    if (!s.process.wait_for_output("listening on", 10s))
        throw std::runtime_error("echo_server did not start: " + s.process.stderr_text());
    std::smatch m;
    const std::string out = s.process.stdout_text();
    if (!std::regex_search(out, m, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")))
        throw std::runtime_error("unexpected echo_server output: " + out);
    s.port = static_cast<uint16_t>(std::stoi(m[1]));
    return s;
}

// Keys as `openssl rand -base64 48` prints them.
std::string random_key() {
    tls12_test::SpawnOptions options;
    options.pipe_stdin = false;
    auto p = Process::spawn({"openssl", "rand", "-base64", "48"}, options);
    EXPECT_EQ(p.wait(10s), 0);
    return p.stdout_text();
}

void rotate(const std::string& path, const std::string& contents) {
    tls12_test::write_text_file(path + ".new", contents);
    std::filesystem::rename(path + ".new", path);
}

// One client whose sessions are cached under one name for the whole fleet (a load balancer's
// address in real life), so a session from one server is offered to the other.
class FleetClient {
  public:
    explicit FleetClient(tls12::ProtocolVersion version)
        : config_(tls12_test::client_config(
              [version](tls12::ClientConfig& c) { c.max_version = version; })),
          version_(version) {}

    // Connects to port, echoes a line, closes; returns whether the session was resumed.
    bool resumed_on(uint16_t port) {
        tls12::net::StreamOptions options;
        options.connect_timeout = options.handshake_timeout = options.io_timeout = 10s;
        tls12::net::Stream stream(tls12::net::Socket::connect("127.0.0.1", port, 10s),
                                  tls12::Connection::client(config_, "localhost", "fleet"),
                                  options);
        stream.handshake();
        stream.write("fleet\n");
        std::vector<uint8_t> back(6);
        size_t got = 0;
        while (got < back.size()) got += stream.read(std::span<uint8_t>(back).subspan(got));
        EXPECT_EQ(std::string(back.begin(), back.end()), "fleet\n");
        EXPECT_EQ(stream.negotiated().version, version_);
        const bool resumed = stream.negotiated().resumed;
        stream.close();
        return resumed;
    }

  private:
    std::shared_ptr<const tls12::ClientConfig> config_;
    tls12::ProtocolVersion version_;
};

// TLS 1.2 (RFC 5077 tickets) and TLS 1.3 (tickets sealed under the same keys) alike.
class Fleet : public testing::TestWithParam<tls12::ProtocolVersion> {};

TEST_P(Fleet, TwoServersSharingATicketKeyFileResumeEachOthersSessions) {
    ASSERT_TRUE(tls12_test::have_program("openssl")) << "scripts/test installs openssl";
    ASSERT_EQ(::access(example("echo_server").c_str(), X_OK), 0) << "echo_server not built";
    const std::string version = GetParam() == tls12::ProtocolVersion::tls13 ? "13" : "12";
    const std::string path = tls12_test::scratch_dir() + "/fleet_ticket" + version + ".keys";
    const std::string first_key = random_key();
    tls12_test::write_text_file(path, first_key);
    auto a = start(path);
    auto b = start(path);
    auto lone = start(tls12_test::scratch_dir() + "/fleet_ticket" + version + ".keys");  // third
    FleetClient client(GetParam());

    EXPECT_FALSE(client.resumed_on(a.port));
    EXPECT_TRUE(client.resumed_on(b.port)) << "B did not resume A's session";
    EXPECT_TRUE(client.resumed_on(a.port)) << "A did not resume B's renewed ticket";

    // Rotation, step 1: a new key seals, the old one still opens. The servers look at the file
    // about once a second; the client's ticket (sealed under the old key) resumes throughout.
    const std::string second_key = random_key();
    rotate(path, second_key + first_key);
    std::this_thread::sleep_for(2500ms);  // functional wait: let both reload (no time asserted)
    EXPECT_TRUE(client.resumed_on(b.port)) << "the previous key no longer opens on B";
    // B sealed its renewed ticket under the new key: A opens it too.
    EXPECT_TRUE(client.resumed_on(a.port)) << "A did not pick up the new key";

    // Step 2: the old key is dropped. A ticket sealed under it would fail; ours is under the new
    // key by now and still resumes on both.
    rotate(path, second_key);
    std::this_thread::sleep_for(2500ms);
    EXPECT_TRUE(client.resumed_on(b.port));
    EXPECT_TRUE(client.resumed_on(lone.port));

    // A server with keys of its own does not resume the fleet's sessions.
    const std::string other = tls12_test::scratch_dir() + "/other_ticket" + version + ".keys";
    tls12_test::write_text_file(other, random_key());
    auto stranger = start(other);
    EXPECT_FALSE(client.resumed_on(stranger.port));

    for (auto* s : {&a, &b, &lone, &stranger}) EXPECT_EQ(s->process.stop(), 0);
    EXPECT_NE(a.process.stderr_text().find("resumed=yes"), std::string::npos)
        << a.process.stderr_text();
}

INSTANTIATE_TEST_SUITE_P(Versions, Fleet,
                         testing::Values(tls12::ProtocolVersion::tls12,
                                         tls12::ProtocolVersion::tls13),
                         [](const testing::TestParamInfo<tls12::ProtocolVersion>& p) {
                             return p.param == tls12::ProtocolVersion::tls13 ? "Tls13" : "Tls12";
                         });

TEST(FleetKeyFile, ABrokenKeyFileIsReportedAndTheKeysInUseStay) {
    const std::string path = tls12_test::scratch_dir() + "/broken_fleet.keys";
    tls12_test::write_text_file(path, random_key());
    auto a = start(path);
    FleetClient client(tls12::ProtocolVersion::tls12);
    EXPECT_FALSE(client.resumed_on(a.port));
    rotate(path, "this is not a key\n");
    ASSERT_TRUE(a.process.wait_for_output("keeping the previous keys", 10s, true))
        << a.process.stderr_text();
    EXPECT_TRUE(client.resumed_on(a.port));
    EXPECT_EQ(a.process.stop(), 0);
}

}  // namespace
