// Ticket keys shared by a fleet through a key file an outside process rotates: the file format,
// two servers' TicketKeys opening each other's tickets, rotation by replacing the file (the new
// key seals, the previous one still opens, a dropped one no longer does), and a broken file
// keeping the keys in use. In memory, plus a full resumption through two engines (TLS 1.2: the file
// seals RFC 5077 tickets).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include <tls12/tls/session.h>
#include "support/engine_pair.h"
#include "support/pki.h"

using namespace tls12;
using namespace std::chrono_literals;

namespace {

// base64 of 48 bytes: a 16-byte name of `name_byte` and a 32-byte key of `key_byte`.
std::string key_line(uint8_t name_byte, uint8_t key_byte) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    Bytes raw(16, name_byte);
    raw.insert(raw.end(), 32, key_byte);
    std::string out;
    for (size_t i = 0; i < raw.size(); i += 3) {
        const uint32_t v = (uint32_t{raw[i]} << 16) | (uint32_t{raw[i + 1]} << 8) | raw[i + 2];
        for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
    }
    return out;
}

Session make_session() {
    Session session;
    session.suite = CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
    session.master_secret = crypto::SecretBytes(Bytes(48, 9));
    session.extended_master_secret = true;
    session.server_name = "localhost";
    session.created = std::chrono::system_clock::now();
    session.lifetime = 3600s;
    return session;
}

// Replaces the file the way a rotating process should: write aside, then rename over it.
void replace_file(const std::string& path, const std::string& contents) {
    const std::string temp = path + ".new";
    tls12_test::write_text_file(temp, contents);
    std::filesystem::rename(temp, path);
}

TEST(TicketKeyFile, ParsesKeysCommentsAndBlankLines) {
    const auto keys = TicketKeys::parse_key_file("# rotated hourly\n\n" + key_line(1, 2) +
                                                 "\r\n  " + key_line(3, 4) + "  \n");
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].size(), 48u);
    EXPECT_EQ(keys[0][0], 1);
    EXPECT_EQ(keys[0][16], 2);
    EXPECT_EQ(keys[1][47], 4);
}

TEST(TicketKeyFile, RefusesMalformedFilesNamingTheLine) {
    auto message = [](const std::string& text) {
        try {
            (void)TicketKeys::parse_key_file(text);
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("").find("no key"), std::string::npos);
    EXPECT_NE(message("# only a comment\n").find("no key"), std::string::npos);
    EXPECT_NE(message(key_line(1, 1) + "\nnot*base64\n").find("line 2 is not base64"),
              std::string::npos);
    // 32 bytes: a key without its name.
    EXPECT_NE(message(key_line(1, 1).substr(0, 44)).find("holds 33 bytes instead of 48"),
              std::string::npos)
        << message(key_line(1, 1).substr(0, 44));
    EXPECT_THROW(TicketKeys().set_keys({}), std::invalid_argument);
}

TEST(TicketKeyFile, TwoServersSharingTheFileOpenEachOthersTickets) {
    const std::string path = tls12_test::scratch_dir() + "/shared.keys";
    tls12_test::write_text_file(path, key_line(1, 2) + "\n");
    auto a = TicketKeys::from_file(path);
    auto b = TicketKeys::from_file(path);
    const Session session = make_session();
    const TimePoint now = session.created;
    EXPECT_TRUE(b->open(a->seal(session, now), now));
    EXPECT_TRUE(a->open(b->seal(session, now), now));
    // Self-rotating keys (the default) are each server's own.
    TicketKeys own;
    EXPECT_FALSE(own.open(a->seal(session, now), now));
    // Fixed keys never rotate by themselves, however much time passes.
    Session later = make_session();
    later.created = now + 100h;
    EXPECT_TRUE(b->open(a->seal(later, later.created), later.created));
}

TEST(TicketKeyFile, RotationByReplacingTheFile) {
    const std::string path = tls12_test::scratch_dir() + "/rotated.keys";
    tls12_test::write_text_file(path, key_line(1, 1) + "\n");
    auto server = TicketKeys::from_file(path);
    const Session session = make_session();
    const TimePoint now = session.created;
    const Bytes old_ticket = server->seal(session, now);
    EXPECT_EQ(old_ticket[0], 1) << "sealed under the key named 01..";
    EXPECT_TRUE(server->reload()) << "nothing changed";

    // A new key first, the previous one after it.
    replace_file(path, key_line(2, 2) + "\n" + key_line(1, 1) + "\n");
    std::string error;
    ASSERT_TRUE(server->reload(&error)) << error;
    const Bytes new_ticket = server->seal(session, now);
    EXPECT_EQ(new_ticket[0], 2) << "the first key of the new file seals";
    EXPECT_TRUE(server->open(old_ticket, now)) << "the previous key still opens";

    // The old key dropped: its tickets no longer open, the new ones do.
    replace_file(path, key_line(2, 2) + "\n");
    ASSERT_TRUE(server->reload(&error)) << error;
    EXPECT_FALSE(server->open(old_ticket, now));
    EXPECT_TRUE(server->open(new_ticket, now));
}

TEST(TicketKeyFile, ABrokenFileKeepsTheKeysInUse) {
    const std::string path = tls12_test::scratch_dir() + "/broken.keys";
    tls12_test::write_text_file(path, key_line(5, 5) + "\n");
    auto server = TicketKeys::from_file(path);
    const Session session = make_session();
    const Bytes ticket = server->seal(session, session.created);
    replace_file(path, "half a key: " + key_line(6, 6).substr(0, 10) + "\n");
    std::string error;
    EXPECT_FALSE(server->reload(&error));
    EXPECT_NE(error.find(path), std::string::npos) << error;
    EXPECT_NE(error.find("line 1"), std::string::npos) << error;
    EXPECT_TRUE(server->open(ticket, session.created));
    EXPECT_TRUE(server->reload()) << "the same broken file is reported once";
    std::filesystem::remove(path);
    EXPECT_FALSE(server->reload(&error));
    EXPECT_TRUE(server->open(ticket, session.created));
    EXPECT_THROW(TicketKeys::from_file(path), std::runtime_error);
}

// Through the engines: a session from server A resumes on server B (another config, another
// TicketKeys object, the same file).
TEST(TicketKeyFile, SessionsResumeAcrossServersSharingTheFile) {
    const std::string path = tls12_test::scratch_dir() + "/fleet.keys";
    tls12_test::write_text_file(path, key_line(7, 8) + "\n");
    auto server_on = [&](std::shared_ptr<TicketKeys> keys) {
        return tls12_test::server_config12(tls12_test::ServerKey::rsa2048, [&](ServerConfig& c) {
            c.ticket_keys = keys;
            c.session_cache = nullptr;  // tickets only: nothing else is shared
        });
    };
    const auto a = server_on(TicketKeys::from_file(path));
    const auto b = server_on(TicketKeys::from_file(path));
    const auto c = server_on(std::make_shared<TicketKeys>());
    auto cache = std::make_shared<ClientSessionCache>();
    const auto client =
        tls12_test::client_config12([&](ClientConfig& cc) { cc.session_cache = cache; });

    auto first = tls12_test::make_pair(client, a);
    ASSERT_TRUE(first.handshake());
    EXPECT_FALSE(first.client.negotiated().resumed);
    auto second = tls12_test::make_pair(client, b);
    ASSERT_TRUE(second.handshake());
    EXPECT_TRUE(second.client.negotiated().resumed) << "B did not open A's ticket";
    auto third = tls12_test::make_pair(client, c);
    ASSERT_TRUE(third.handshake());
    EXPECT_FALSE(third.client.negotiated().resumed) << "a server with its own keys resumed";
}

}  // namespace
