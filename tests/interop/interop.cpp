#include "interop.h"

#include <algorithm>
#include <ostream>
#include <stdexcept>
#include <thread>

#include <tls12/tls/suites.h>
#include "support/pki.h"

namespace interop {

// ---- the matrix -----------------------------------------------------------------------------

std::string group_name(tls12::NamedGroup group) {
    switch (group) {
        case tls12::NamedGroup::x25519:
            return "x25519";
        case tls12::NamedGroup::secp256r1:
            return "secp256r1";
        case tls12::NamedGroup::secp384r1:
            return "secp384r1";
        default:
            return "group" + std::to_string(static_cast<int>(group));
    }
}

std::string Case::openssl_suite() const {
    return tls12::openssl_name(suite);
}

std::vector<tls12::NamedGroup> Case::client_groups() const {
    if (!group) return {};
    std::vector<tls12::NamedGroup> out = {*group};
    if (ecdsa && *group != tls12::NamedGroup::secp256r1)
        out.push_back(tls12::NamedGroup::secp256r1);
    return out;
}

namespace {

std::string openssl_group_name(tls12::NamedGroup group) {
    switch (group) {
        case tls12::NamedGroup::x25519:
            return "X25519";
        case tls12::NamedGroup::secp256r1:
            return "P-256";
        case tls12::NamedGroup::secp384r1:
            return "P-384";
        default:
            throw std::invalid_argument("no OpenSSL name for " + group_name(group));
    }
}

std::string gnutls_group_name(tls12::NamedGroup group) {
    switch (group) {
        case tls12::NamedGroup::x25519:
            return "GROUP-X25519";
        case tls12::NamedGroup::secp256r1:
            return "GROUP-SECP256R1";
        case tls12::NamedGroup::secp384r1:
            return "GROUP-SECP384R1";
        default:
            throw std::invalid_argument("no GnuTLS name for " + group_name(group));
    }
}

}  // namespace

std::string Case::openssl_group() const {
    return group ? openssl_group_name(*group) : "";
}

std::string Case::openssl_client_groups() const {
    std::string out;
    for (tls12::NamedGroup g : client_groups())
        out += (out.empty() ? "" : ":") + openssl_group_name(g);
    return out;
}

std::string Case::gnutls_priority(bool client) const {
    const tls12::SuiteInfo* info = tls12::find_suite(suite);
    if (!info) throw std::invalid_argument("unknown suite " + tls12::to_string(suite));
    std::string kx;
    switch (info->kex) {
        case tls12::SuiteKex::rsa:
            kx = "RSA";
            break;
        case tls12::SuiteKex::ecdhe_rsa:
            kx = "ECDHE-RSA";
            break;
        case tls12::SuiteKex::ecdhe_ecdsa:
            kx = "ECDHE-ECDSA";
            break;
        case tls12::SuiteKex::tls13:
            throw std::invalid_argument("TLS 1.3 suite " + tls12::to_string(suite) +
                                        " in the TLS 1.2 matrix");
    }
    if (info->cbc()) {
        std::string p =
            "NONE:+VERS-TLS1.2:+" + kx +
            (info->key_size == 16 ? ":+AES-128-CBC" : ":+AES-256-CBC") +
            (info->mac_hash == tls12::crypto::HashAlgorithm::sha1 ? ":+SHA1" : ":+SHA256") +
            ":+SIGN-ALL:+COMP-NULL:+CTYPE-X509";
        if (group) {
            for (tls12::NamedGroup g : client ? client_groups() : std::vector{*group})
                p += ":+" + gnutls_group_name(g);
        } else {
            p += ":+GROUP-ALL";
        }
        if (no_etm) p += ":%NO_ETM";
        return p;
    }
    std::string cipher;
    switch (info->aead) {
        case tls12::crypto::AeadAlgorithm::aes128_gcm:
            cipher = "AES-128-GCM";
            break;
        case tls12::crypto::AeadAlgorithm::aes256_gcm:
            cipher = "AES-256-GCM";
            break;
        case tls12::crypto::AeadAlgorithm::chacha20_poly1305:
            cipher = "CHACHA20-POLY1305";
            break;
    }
    std::string p = "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+" + kx + ":-CIPHER-ALL:+" + cipher +
                    ":-MAC-ALL:+AEAD";
    if (group) {
        p += ":-GROUP-ALL";
        for (tls12::NamedGroup g : client ? client_groups() : std::vector{*group})
            p += ":+" + gnutls_group_name(g);
    }
    return p;
}

std::string Case::name() const {
    std::string n = openssl_suite();
    std::replace(n.begin(), n.end(), '-', '_');
    if (group) n += "_" + group_name(*group);
    return n;
}

std::vector<Case> all_cases() {
    std::vector<Case> out;
    for (const tls12::SuiteInfo& info : tls12::all_suites()) {
        if (info.cbc() || info.tls13()) continue;  // TLS 1.3: tls13_interop_test.cpp
        const bool ecdsa = info.kex == tls12::SuiteKex::ecdhe_ecdsa;
        if (info.ecdhe()) {
            for (tls12::NamedGroup g : tls12::default_groups())
                out.push_back({info.suite, g, ecdsa});
        } else {
            out.push_back({info.suite, std::nullopt, ecdsa});
        }
    }
    return out;
}

void PrintTo(const Case& c, std::ostream* os) {
    *os << c.openssl_suite();
    if (c.group) *os << " / " << group_name(*c.group);
    *os << (c.ecdsa ? " (ECDSA P-256 certificate)" : " (RSA certificate)");
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
    return info.param.name();
}

void expect_negotiated(const tls12::NegotiatedParameters& n, const Case& c) {
    EXPECT_EQ(n.version, tls12::ProtocolVersion::tls12);
    ASSERT_TRUE(n.cipher_suite.has_value());
    EXPECT_EQ(tls12::openssl_name(*n.cipher_suite), c.openssl_suite());
    if (c.group) {
        ASSERT_TRUE(n.group.has_value()) << "no ECDHE group recorded";
        EXPECT_EQ(group_name(*n.group), group_name(*c.group));
    }
}

// ---- test data ------------------------------------------------------------------------------

std::string text_lines(size_t total, size_t line_length, uint32_t seed) {
    static constexpr std::string_view alphabet =
        "abcdefghijlmnopqrstuvwxyzABCDEFGHIJLMNOPSTUVWXYZ0123456789+/";
    std::string out(total, '\n');
    uint32_t x = seed * 2654435761u + 0x9e3779b9u;
    for (size_t i = 0; i < total; ++i) {
        if (i % line_length == line_length - 1) continue;  // keep '\n'
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = alphabet[x % alphabet.size()];
    }
    return out;
}

std::string reverse_lines(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out.append(text.rbegin() + static_cast<long>(text.size() - end),
                   text.rbegin() + static_cast<long>(text.size() - start));
        out += '\n';
        start = end + 1;
    }
    return out;
}

std::string describe_mismatch(const std::string& expected, const std::string& actual) {
    if (expected == actual) return "identical";
    const auto [e, a] =
        std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
    const size_t at = static_cast<size_t>(e - expected.begin());
    auto around = [at](const std::string& s) {
        const size_t from = at >= 20 ? at - 20 : 0;
        return from < s.size() ? s.substr(from, 60) : std::string();
    };
    return "expected " + std::to_string(expected.size()) + " bytes, got " +
           std::to_string(actual.size()) + "; first difference at byte " + std::to_string(at) +
           ": expected \"..." + around(expected) + "...\", got \"..." + around(actual) + "...\"";
}

// ---- our side -------------------------------------------------------------------------------

tls12::net::StreamOptions stream_options() {
    tls12::net::StreamOptions o;
    o.connect_timeout = 10s;
    o.handshake_timeout = 20s;
    o.io_timeout = 20s;
    return o;
}

std::shared_ptr<const tls12::ClientConfig> pinned_client(const Case& c) {
    return tls12_test::client_config12([&](tls12::ClientConfig& cfg) {
        cfg.cipher_suites = {c.suite};
        if (c.group) cfg.groups = c.client_groups();
    });
}

std::shared_ptr<const tls12::ServerConfig> pinned_server(const Case& c) {
    return tls12_test::server_config12(
        c.ecdsa ? tls12_test::ServerKey::ecdsa_p256 : tls12_test::ServerKey::rsa2048,
        [&](tls12::ServerConfig& cfg) {
            cfg.cipher_suites = {c.suite};
            if (c.group) cfg.groups = {*c.group};
        });
}

std::shared_ptr<const tls12::ClientConfig> tls13_client_config(
    const std::function<void(tls12::ClientConfig&)>& tweak) {
    return tls12_test::client_config([&](tls12::ClientConfig& c) {
        c.max_version = tls12::ProtocolVersion::tls13;
        if (tweak) tweak(c);
    });
}

std::shared_ptr<const tls12::ServerConfig> tls13_server_config(
    const std::function<void(tls12::ServerConfig&)>& tweak) {
    return tls12_test::server_config(tls12_test::ServerKey::rsa2048, [&](tls12::ServerConfig& s) {
        s.max_version = tls12::ProtocolVersion::tls13;
        if (tweak) tweak(s);
    });
}

tls12::net::Stream connect_to(uint16_t port, std::shared_ptr<const tls12::ClientConfig> config) {
    return tls12::net::connect_tls("127.0.0.1", port, std::move(config), stream_options(),
                                   "localhost");
}

std::string exchange(tls12::net::Stream& stream, const std::string& data, size_t chunk,
                     size_t window) {
    std::string back;
    back.reserve(data.size());
    std::vector<uint8_t> buffer(64 * 1024);
    size_t sent = 0;
    while (back.size() < data.size()) {
        while (sent < data.size() && sent - back.size() + chunk <= window) {
            const size_t n = std::min(chunk, data.size() - sent);
            stream.write(std::string_view(data).substr(sent, n));
            sent += n;
        }
        const size_t r = stream.read(buffer);
        if (r == 0) break;
        back.append(reinterpret_cast<const char*>(buffer.data()), r);
    }
    return back;
}

namespace {

// One connection from listener: accepted, handshaken, then served; whatever ends it is recorded.
ServerOutcome serve_one(tls12::net::TlsListener& listener, const ServerThread::Serve& serve) {
    ServerOutcome o;
    try {
        tls12::net::Stream s = listener.accept(60s);
        o.accepted = true;
        try {
            s.handshake();
            o.handshake_complete = true;
            o.negotiated = s.negotiated();
            serve(s, o);
        } catch (const tls12::net::TlsError& e) {
            o.tls_error = e.error();
            o.error = e.what();
        } catch (const std::exception& e) {
            o.error = e.what();
        }
        o.handshake_complete = s.is_handshake_complete();
        o.negotiated = s.negotiated();
    } catch (const std::exception& e) {
        o.error = std::string("accept: ") + e.what();
    }
    return o;
}

}  // namespace

EchoServer::EchoServer(std::shared_ptr<const tls12::ServerConfig> config, size_t max_write)
    : listener_("127.0.0.1", 0, std::move(config), stream_options()) {
    done_ = std::async(std::launch::async, [this, max_write] {
        return serve_one(listener_, [max_write](tls12::net::Stream& s, ServerOutcome& o) {
            std::vector<uint8_t> buffer(max_write);
            for (size_t n; (n = s.read(buffer)) != 0; o.echoed += n)
                s.write(std::span<const uint8_t>(buffer.data(), n));
            s.close();
            o.clean_close = true;
        });
    });
}

EchoServer::~EchoServer() {
    listener_.close();
    if (done_.valid()) done_.wait();  // bounded by accept()'s and the stream's timeouts
}

std::optional<ServerOutcome> EchoServer::outcome(milliseconds timeout) {
    if (!done_.valid() || done_.wait_for(timeout) != std::future_status::ready) return std::nullopt;
    return done_.get();
}

ServerThread::ServerThread(std::shared_ptr<const tls12::ServerConfig> config, Serve serve,
                           size_t connections)
    : listener_("127.0.0.1", 0, std::move(config), stream_options()) {
    done_ = std::async(std::launch::async, [this, serve = std::move(serve), connections] {
        std::vector<ServerOutcome> all;
        while (all.size() < connections) {
            all.push_back(serve_one(listener_, serve));
            if (!all.back().accepted) break;  // the listener is closed or timed out
        }
        return all;
    });
}

ServerThread::~ServerThread() {
    listener_.close();
    if (done_.valid()) done_.wait();  // bounded by accept()'s and the stream's timeouts
}

std::optional<std::vector<ServerOutcome>> ServerThread::outcomes(milliseconds timeout) {
    if (!done_.valid() || done_.wait_for(timeout) != std::future_status::ready) return std::nullopt;
    return done_.get();
}

ServerThread::Serve echo_until_close(size_t max_write) {
    return [max_write](tls12::net::Stream& s, ServerOutcome& o) {
        std::vector<uint8_t> buffer(max_write);
        for (size_t n; (n = s.read(buffer)) != 0; o.echoed += n)
            s.write(std::span<const uint8_t>(buffer.data(), n));
        s.close();
        o.clean_close = true;
    };
}

// ---- peer processes -------------------------------------------------------------------------

std::string peer_output(const Process& p) {
    auto tail = [](std::string s) {
        constexpr size_t keep = 3000;
        return s.size() > keep ? "[...]" + s.substr(s.size() - keep) : s;
    };
    return "--- peer stdout ---\n" + tail(p.stdout_text()) + "\n--- peer stderr ---\n" +
           tail(p.stderr_text());
}

OpenSslServer start_openssl_server(const std::string& cert, const std::string& key,
                                   const std::string& chain, const std::vector<std::string>& extra,
                                   bool tls12_only) {
    std::vector<std::string> argv = {"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cert,
                                     "-key", key,
                                     // Only what we give it: no chain building from system CAs.
                                     "-no-CAfile", "-no-CApath", "-no-CAstore"};
    if (tls12_only) argv.push_back("-tls1_2");
    if (!chain.empty()) {
        argv.push_back("-cert_chain");
        argv.push_back(chain);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    Process p = Process::spawn(argv);
    // "ACCEPT 127.0.0.1:40123" once it listens on the port the kernel picked.
    const std::string marker = "ACCEPT 127.0.0.1:";
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    for (;;) {
        const std::string out = p.stdout_text();
        const size_t at = out.find(marker);
        if (at != std::string::npos) {
            const size_t eol = out.find('\n', at);
            if (eol != std::string::npos) {
                const int port =
                    std::stoi(out.substr(at + marker.size(), eol - at - marker.size()));
                return OpenSslServer{std::move(p), static_cast<uint16_t>(port)};
            }
        }
        if (std::chrono::steady_clock::now() > deadline || !p.running())
            throw std::runtime_error("openssl s_server did not start listening\n" + peer_output(p));
        std::this_thread::sleep_for(10ms);
    }
}

OpenSslServer start_openssl_server_for(const Case& c, const std::vector<std::string>& extra) {
    const auto& pki = tls12_test::test_pki();
    if (c.ecdsa)
        return start_openssl_server(pki.ecdsa256_cert, pki.ecdsa256_key, pki.intermediate_cert,
                                    extra);
    return start_openssl_server(pki.server_cert, pki.server_key, pki.intermediate_cert, extra);
}

GnuTlsServer start_gnutls_server(const Case& c) {
    const auto& pki = tls12_test::test_pki();
    return start_gnutls_server({"--echo", "--x509certfile",
                                c.ecdsa ? pki.ecdsa256_chain : pki.server_chain, "--x509keyfile",
                                c.ecdsa ? pki.ecdsa256_key : pki.server_key, "--priority",
                                c.gnutls_priority(/*client=*/false)});
}

GnuTlsServer start_gnutls_server(const std::vector<std::string>& args) {
    std::string last_output;
    // gnutls-serv cannot report a kernel-picked port: take a free one, and try again in the
    // unlikely case another process grabbed it in between.
    for (int attempt = 0; attempt < 5; ++attempt) {
        const uint16_t port = tls12_test::free_port();
        std::vector<std::string> argv = {"gnutls-serv", "-p", std::to_string(port)};
        argv.insert(argv.end(), args.begin(), args.end());
        Process p = Process::spawn(argv);
        if (tls12_test::wait_for_port(port, 20s) && p.running())
            return GnuTlsServer{std::move(p), port};
        p.stop(200ms);
        last_output = peer_output(p);
    }
    throw std::runtime_error("gnutls-serv did not start listening\n" + last_output);
}

GnuTlsClient start_gnutls_client(uint16_t port, const std::string& priority,
                                 const std::string& log_name,
                                 const std::vector<std::string>& extra) {
    const std::string log = tls12_test::scratch_dir() + "/gnutls-cli-" + log_name + ".log";
    std::vector<std::string> argv = {"bash",
                                     "-c",
                                     "set -o pipefail; gnutls-cli \"$@\" | cat",
                                     "gnutls-cli",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(port),
                                     "--x509cafile",
                                     tls12_test::test_pki().ca_cert,
                                     "--sni-hostname",
                                     "localhost",
                                     "--verify-hostname",
                                     "localhost",
                                     "--priority",
                                     priority,
                                     "--logfile",
                                     log};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Process p = Process::spawn(argv);
    return GnuTlsClient{std::move(p), log};
}

std::string GnuTlsClient::output() const {
    std::string text;
    try {
        text = tls12_test::read_text_file(log);
    } catch (...) {
    }
    return peer_output(process) + "\n--- gnutls-cli log ---\n" + text;
}

std::string pump_through(Process& p, const std::string& data, milliseconds timeout, size_t chunk,
                         size_t window) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto left = [&] {
        return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(
                                             deadline - std::chrono::steady_clock::now()));
    };
    size_t sent = 0;
    while (sent < data.size()) {
        const size_t n = std::min(chunk, data.size() - sent);
        // Never more than `window` in flight: the stdin pipe then always has room, so the write
        // below cannot block even if the peer stops reading.
        if (sent + n > window && !p.wait_for_stdout_size(sent + n - window, left())) break;
        if (!p.write_stdin(std::string_view(data).substr(sent, n))) break;
        sent += n;
    }
    p.wait_for_stdout_size(data.size(), left());
    return p.stdout_text();
}

}  // namespace interop
