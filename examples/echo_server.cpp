// A TLS 1.2 echo server: one thread per connection, one log line per connection on stderr, never
// taken down by a misbehaving client, stops cleanly on SIGINT/SIGTERM. With --http it answers
// any request with a small HTML page describing the connection instead.
//
//   echo_server --port 8443 --cert chain.pem --key key.pem
//   openssl s_client -connect 127.0.0.1:8443 -tls1_2
//
// One ServerConfig serves every connection, so sessions (IDs and tickets) resume across them.
//   echo_server -p 8443 --cert rsa.pem --key rsa.key --cert ecdsa.pem --key ecdsa.key
//       --alpn h2,http/1.1 --ca clients-ca.pem --require-client-cert --keylog keys.txt
//   (one command line)
#include <signal.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <tls12/net/stream.h>
#include "common.h"

namespace {

using namespace std::chrono_literals;

std::mutex log_mutex;

// Every log line goes through here, and through examples::printable(): peer-controlled parts
// (request lines, error reasons naming certificates, ...) cannot inject escape sequences or lines.
void log_line(const std::string& line) {
    const std::string safe = examples::printable(line);
    std::lock_guard lock(log_mutex);
    std::cerr << safe << std::endl;
}

// The live connections: counted so shutdown can wait for them, and their sockets known so a
// shutdown that runs out of patience can wake them.
class Connections {
  public:
    void add(uint64_t id, int fd) {
        std::lock_guard lock(mutex_);
        fds_[id] = fd;
    }
    void remove(uint64_t id) {
        std::lock_guard lock(mutex_);
        fds_.erase(id);
        changed_.notify_all();
    }
    bool wait_idle(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return fds_.empty(); });
    }
    size_t count() {
        std::lock_guard lock(mutex_);
        return fds_.size();
    }
    // Cuts every connection's socket: blocked reads return at once.
    void shutdown_all() {
        std::lock_guard lock(mutex_);
        for (auto& [id, fd] : fds_) ::shutdown(fd, SHUT_RDWR);
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<uint64_t, int> fds_;
};

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// Echoes until the client sends close_notify, counting the bytes echoed. Data that arrived
// together with the close_notify cannot be echoed: the close ends both directions (RFC 5246
// 7.2.1), so it is only counted.
void serve_echo(tls12::net::Stream& stream, size_t& echoed, size_t& not_echoed) {
    std::vector<uint8_t> buffer(16 * 1024);
    for (;;) {
        const size_t n = stream.read(buffer);
        if (n == 0) break;
        if (stream.peer_closed()) {
            not_echoed += n;
            continue;
        }
        stream.write(std::span<const uint8_t>(buffer.data(), n));
        echoed += n;
    }
}

// Reads the request head (up to the blank line) and answers with a page about the connection.
std::string serve_http(tls12::net::Stream& stream) {
    constexpr size_t max_head = 16 * 1024;
    std::string head;
    std::vector<uint8_t> buffer(4096);
    while (head.find("\r\n\r\n") == std::string::npos && head.find("\n\n") == std::string::npos) {
        if (head.size() > max_head) {
            stream.write(
                "HTTP/1.0 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n");
            return "request head too large";
        }
        const size_t n = stream.read(buffer);
        if (n == 0) return "client closed before sending a request";
        head.append(reinterpret_cast<const char*>(buffer.data()), n);
    }
    if (stream.peer_closed()) return "client closed right after its request: no answer possible";
    const std::string request_line = head.substr(0, head.find_first_of("\r\n"));

    std::string rows;
    for (const auto& [label, value] : examples::describe(stream.negotiated()))
        rows += "<tr><th>" + html_escape(label) + "</th><td>" + html_escape(value) + "</td></tr>\n";
    const std::string body =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tls12 echo_server</title>"
        "</head>\n<body><h1>Hello over TLS 1.2</h1>\n<p>Your request: <code>" +
        html_escape(request_line) + "</code></p>\n<table>\n" + rows + "</table>\n</body></html>\n";
    stream.write("HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return "answered \"" + request_line + "\"";
}

void handle(tls12::net::Stream stream, uint64_t id, bool http, Connections& connections) {
    const std::string peer = stream.peer_address();
    std::string outcome;
    size_t echoed = 0, not_echoed = 0;
    try {
        stream.handshake();
        if (http) {
            outcome = serve_http(stream);
            stream.close();
            outcome += ", closed with close_notify";
        } else {
            serve_echo(stream, echoed, not_echoed);
            stream.close();
            outcome = "clean close, " + std::to_string(echoed) + " bytes echoed";
            if (not_echoed != 0)
                outcome += " (" + std::to_string(not_echoed) +
                           " more arrived with the client's close_notify, too late to echo)";
        }
    } catch (...) {
        outcome = (stream.is_handshake_complete() ? "" : "handshake failed: ") +
                  examples::describe_current_exception();
        if (stream.is_handshake_complete() && !http)
            outcome += " (" + std::to_string(echoed) + " bytes echoed)";
    }
    std::string params = "-";
    if (stream.is_handshake_complete()) {
        params = examples::summary(stream.negotiated());
        if (!stream.negotiated().peer_certificates.empty())
            params +=
                " client_certs=" + std::to_string(stream.negotiated().peer_certificates.size());
    }
    log_line("[" + std::to_string(id) + "] " + peer + " " + params + ": " + outcome);
    connections.remove(id);
    // The stream (and its socket) is destroyed after deregistering: shutdown_all() never touches
    // a descriptor that was closed and possibly reused.
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"TLS 1.2 echo server (tls12 library example)"};
    std::string host = "127.0.0.1";
    uint16_t port = 0;
    std::vector<std::string> cert_files, key_files;
    std::string suites, alpn, keylog_file, ca_file;
    bool http = false;
    bool require_client_cert = false, request_client_cert = false;
    size_t max_connections = 256;
    int handshake_timeout_ms = 10'000;
    int idle_timeout_ms = 300'000;
    app.add_option("--port,-p", port, "TCP port (0: pick a free one)")->required();
    app.add_option("--cert", cert_files,
                   "PEM certificate chain, leaf first; repeat with --key for several certificates "
                   "(the first is the default, others are picked by SNI and signature algorithms)")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--key", key_files, "PEM private key of the --cert at the same position")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--alpn", alpn,
                   "comma-separated ALPN protocols in preference order, e.g. h2,http/1.1 (a client "
                   "offering none of them gets no_application_protocol)");
    app.add_option("--keylog", keylog_file,
                   "append NSS key log lines (CLIENT_RANDOM ...) to FILE for Wireshark (default: "
                   "$SSLKEYLOGFILE when set)");
    app.add_option("--ca", ca_file, "PEM file of CAs trusted for client certificates")
        ->check(CLI::ExistingFile);
    auto* require_opt = app.add_flag("--require-client-cert", require_client_cert,
                                     "mutual TLS: refuse clients without a valid certificate "
                                     "(needs --ca)");
    app.add_flag("--request-client-cert", request_client_cert,
                 "ask for a client certificate, verify it when one is sent, accept clients "
                 "without one (needs --ca)")
        ->excludes(require_opt);
    app.add_option("--max-connections", max_connections,
                   "concurrent connections served; further ones are accepted and closed at once")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--host", host, "address to listen on")->capture_default_str();
    app.add_option("--suites", suites,
                   "comma-separated cipher suites, OpenSSL or IANA names (default: library "
                   "defaults)");
    app.add_flag("--http", http, "answer HTTP requests with a page describing the connection");
    app.add_option("--handshake-timeout", handshake_timeout_ms, "handshake timeout in ms")
        ->capture_default_str();
    app.add_option("--idle-timeout", idle_timeout_ms,
                   "close a connection idle this long, in ms (0: never)")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    // SIGINT/SIGTERM are taken by a dedicated thread (sigwait); every other thread blocks them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    if (cert_files.size() != key_files.size()) {
        std::cerr << "echo_server: " << cert_files.size() << " --cert but " << key_files.size()
                  << " --key: give one --key per --cert, in the same order" << std::endl;
        return 2;
    }
    if ((require_client_cert || request_client_cert) && ca_file.empty()) {
        std::cerr << "echo_server: --require-client-cert/--request-client-cert need --ca FILE"
                  << std::endl;
        return 2;
    }

    std::unique_ptr<tls12::net::TlsListener> listener;
    try {
        auto config = std::make_shared<tls12::ServerConfig>();
        for (size_t i = 0; i < cert_files.size(); ++i)
            config->certificates.push_back(
                tls12::CertifiedKey::from_pem_files(cert_files[i], key_files[i]));
        if (!suites.empty()) config->cipher_suites = examples::parse_suites(suites);
        if (!alpn.empty()) config->alpn_protocols = examples::parse_alpn(alpn);
        std::string keylog_path;
        config->key_log = examples::make_key_log(keylog_file, &keylog_path);
        if (config->key_log)
            std::cerr << "echo_server: WARNING: writing session keys to " << keylog_path
                      << std::endl;
        if (require_client_cert || request_client_cert) {
            config->client_auth =
                require_client_cert ? tls12::ClientAuth::require : tls12::ClientAuth::request;
            config->client_verifier =
                tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(ca_file));
        }
        tls12::net::StreamOptions options;
        options.handshake_timeout = std::chrono::milliseconds(handshake_timeout_ms);
        options.io_timeout = std::chrono::milliseconds(idle_timeout_ms);
        listener = std::make_unique<tls12::net::TlsListener>(
            host, port, std::shared_ptr<const tls12::ServerConfig>(std::move(config)), options);
    } catch (const std::exception& e) {
        std::cerr << "echo_server: " << e.what() << std::endl;
        return 1;
    }

    std::atomic<int> stop_signal{0};
    std::thread signal_thread([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        stop_signal.store(sig);
        listener->close();
    });

    std::cout << "listening on " << listener->address() << std::endl;

    Connections connections;
    uint64_t next_id = 1;
    for (;;) {
        try {
            tls12::net::Stream stream = listener->accept();
            const uint64_t id = next_id++;
            if (connections.count() >= max_connections) {
                // Over the limit: close the TCP connection right away (no handshake, no thread).
                log_line("[" + std::to_string(id) + "] " + stream.peer_address() +
                         " refused: too many connections (" + std::to_string(max_connections) +
                         " open)");
                continue;
            }
            connections.add(id, stream.socket().fd());
            try {
                std::thread(handle, std::move(stream), id, http, std::ref(connections)).detach();
            } catch (...) {
                connections.remove(id);  // no thread: the stream closes right here
                throw;
            }
        } catch (const tls12::net::ClosedError&) {
            break;
        } catch (const std::exception& e) {
            // E.g. out of descriptors: keep serving, without spinning.
            log_line(std::string("cannot serve a connection: ") + e.what());
            std::this_thread::sleep_for(100ms);
        }
    }

    if (stop_signal.load() == 0) {
        // Left the loop for another reason: release the signal thread.
        kill(getpid(), SIGTERM);
    }
    signal_thread.join();
    log_line(std::string("received ") + (stop_signal.load() == SIGINT ? "SIGINT" : "SIGTERM") +
             ", shutting down (" + std::to_string(connections.count()) + " connections open)");
    if (!connections.wait_idle(2s)) {
        connections.shutdown_all();
        if (!connections.wait_idle(2s)) {
            // Their threads still use `connections`: leave without unwinding under them.
            log_line(std::to_string(connections.count()) + " connections did not finish");
            std::fflush(nullptr);
            std::_Exit(0);
        }
    }
    log_line("stopped");
    return 0;
}
