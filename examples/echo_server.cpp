// A TLS echo server (TLS 1.3 and 1.2) on the library's event loop (tls12::net::Server:
// one epoll loop per core, each connection a non-blocking stream of ~2 KiB when idle), one log line
// per connection on stderr, never taken down by a misbehaving client, stops cleanly on
// SIGINT/SIGTERM (close_notify to every client). With --http it answers any request with a small
// HTML page describing the connection instead.
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
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <tls12/net/server.h>
#include <tls12/tls/session.h>
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

// What the loops share: whether a shutdown is under way (it changes what a close means).
std::atomic<bool> shutting_down{false};

// One connection: echoes (or answers one HTTP request) and writes its log line when it ends.
class EchoHandler : public tls12::net::ConnectionHandler {
  public:
    EchoHandler(const tls12::net::Accepted& accepted, bool http, const std::string& timeouts)
        : id_(accepted.id), peer_(accepted.peer), http_(http), timeouts_(timeouts) {}

    void on_data(tls12::net::NonblockingStream& stream) override {
        if (http_) return serve_http(stream);
        const tls12::ByteView data = stream.received_data();
        // Data that arrived together with the client's close_notify cannot be echoed: the close
        // ends both directions (RFC 5246 7.2.1), so it is only counted.
        if (stream.peer_closed()) {
            not_echoed_ += data.size();
        } else if (stream.write(data).ok()) {
            echoed_ += data.size();
        }
        stream.consume_received(data.size());
    }

    void on_close(tls12::net::NonblockingStream& stream) override {
        std::string params = "-";
        if (stream.is_handshake_complete()) {
            params = examples::summary(stream.negotiated());
            if (!stream.negotiated().peer_certificates.empty())
                params +=
                    " client_certs=" + std::to_string(stream.negotiated().peer_certificates.size());
        }
        log_line("[" + std::to_string(id_) + "] " + peer_ + " " + params + ": " + outcome(stream));
    }

  private:
    // Reads the request head (up to the blank line) and answers with a page about the connection.
    void serve_http(tls12::net::NonblockingStream& stream) {
        constexpr size_t max_head = 16 * 1024;
        const tls12::ByteView data = stream.received_data();
        head_.append(reinterpret_cast<const char*>(data.data()), data.size());
        stream.consume_received(data.size());
        if (!answer_.empty()) return;  // answered already: ignore the rest
        if (head_.find("\r\n\r\n") == std::string::npos &&
            head_.find("\n\n") == std::string::npos) {
            if (head_.size() > max_head) {
                (void)stream.write(
                    "HTTP/1.0 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n");
                answer_ = "request head too large";
                stream.close();
            }
            return;
        }
        if (stream.peer_closed()) {
            answer_ = "client closed right after its request: no answer possible";
            return;
        }
        const std::string request_line = head_.substr(0, head_.find_first_of("\r\n"));
        std::string rows;
        for (const auto& [label, value] : examples::describe(stream.negotiated()))
            rows +=
                "<tr><th>" + html_escape(label) + "</th><td>" + html_escape(value) + "</td></tr>\n";
        const std::string body =
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>tls12 echo_server</title>"
            "</head>\n<body><h1>Hello over TLS</h1>\n<p>Your request: <code>" +
            html_escape(request_line) + "</code></p>\n<table>\n" + rows +
            "</table>\n</body></html>\n";
        (void)stream.write(
            "HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        answer_ = "answered \"" + request_line + "\"";
        stream.close();
    }

    std::string echoed_text() const {
        std::string text = std::to_string(echoed_) + " bytes echoed";
        if (not_echoed_ != 0)
            text += " (" + std::to_string(not_echoed_) +
                    " more arrived with the client's close_notify, too late to echo)";
        return text;
    }

    std::string outcome(const tls12::net::NonblockingStream& stream) const {
        using tls12::net::CloseReason;
        const CloseReason reason = stream.close_reason();
        const bool established = stream.is_handshake_complete();
        std::string why;
        switch (reason) {
            case CloseReason::tls_error: {
                const auto& error = stream.error();
                why = error ? "alert " + tls12::to_string(error->alert) + ": " + error->reason
                            : std::string("TLS error");
                break;
            }
            case CloseReason::handshake_timeout:
                why = "timeout: TLS handshake timed out after " + timeouts_;
                break;
            case CloseReason::eof_in_handshake:
                why = "peer " + peer_ + " closed the connection during the TLS handshake";
                break;
            case CloseReason::truncated:
                why = "truncated: connection truncated: " + peer_ +
                      " closed TCP without sending close_notify";
                break;
            case CloseReason::reset:
                why = "connection reset: " + stream.socket_error();
                break;
            default:
                why = tls12::net::to_string(reason);
        }
        if (!established) return "handshake failed: " + why;
        if (http_) {
            if (answer_.empty()) {
                if (reason == CloseReason::clean) return "client closed before sending a request";
                return why;
            }
            if (stream.closing() &&
                (reason == CloseReason::clean || reason == CloseReason::close_timeout))
                return answer_ + ", closed with close_notify";
            return answer_ + ", then " + why;
        }
        if (reason == CloseReason::clean && stream.closing() && shutting_down.load())
            return "closed at shutdown with close_notify, " + echoed_text();
        if (reason == CloseReason::clean) return "clean close, " + echoed_text();
        return why + " (" + echoed_text() + ")";
    }

    uint64_t id_;
    std::string peer_;
    bool http_;
    const std::string& timeouts_;
    size_t echoed_ = 0, not_echoed_ = 0;
    std::string head_;    // --http: the request head so far
    std::string answer_;  // --http: what was answered
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"TLS echo server, TLS 1.3 and 1.2 (tls12 library example)"};
    std::string host = "127.0.0.1";
    uint16_t port = 0;
    std::vector<std::string> cert_files, key_files;
    std::string suites, alpn, keylog_file, ca_file;
    bool http = false;
    bool require_client_cert = false, request_client_cert = false;
    size_t max_connections = 65'536;
    size_t loops = 0;
    std::string ticket_key_file;
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
    app.add_option(
           "--max-connections", max_connections,
           "concurrent connections served (at most what the descriptor limit allows); further "
           "ones are accepted and closed at once")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--host", host, "address to listen on")->capture_default_str();
    app.add_option("--suites", suites,
                   "comma-separated cipher suites, OpenSSL or IANA names (default: library "
                   "defaults)");
    examples::VersionFlags versions;
    versions.add_to(app);
    app.add_flag("--http", http, "answer HTTP requests with a page describing the connection");
    app.add_option("--handshake-timeout", handshake_timeout_ms, "handshake timeout in ms")
        ->capture_default_str();
    app.add_option("--idle-timeout", idle_timeout_ms,
                   "close a connection idle this long, in ms (0: never)")
        ->capture_default_str();
    app.add_option("--loops", loops, "event loops (threads) serving connections (0: one per core)")
        ->capture_default_str();
    app.add_option("--ticket-key-file", ticket_key_file,
                   "session ticket keys from FILE, one base64 48-byte key per line (`openssl rand "
                   "-base64 48`), the first one sealing new tickets; re-read when another process "
                   "replaces it, so servers sharing the file resume each other's sessions (TLS 1.2 "
                   "and 1.3)")
        ->check(CLI::ExistingFile);
    CLI11_PARSE(app, argc, argv);
    const bool max_connections_given = app.count("--max-connections") > 0;

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

    std::unique_ptr<tls12::net::Server> server;
    std::shared_ptr<tls12::TicketKeys> ticket_keys;
    const std::string timeouts = std::to_string(handshake_timeout_ms) + " ms";
    try {
        auto config = std::make_shared<tls12::ServerConfig>();
        for (size_t i = 0; i < cert_files.size(); ++i)
            config->certificates.push_back(
                tls12::CertifiedKey::from_pem_files(cert_files[i], key_files[i]));
        versions.apply(*config);
        if (!suites.empty()) examples::set_suites(*config, suites);
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
        if (!ticket_key_file.empty()) {
            ticket_keys = tls12::TicketKeys::from_file(ticket_key_file);
            config->ticket_keys = ticket_keys;
            // TLS 1.3 tickets too are sealed under the shared keys, so the fleet resumes them.
            config->tls13_tickets_in_ticket_keys = true;
        }

        // Every connection needs a descriptor: take what the hard limit allows, and serve no
        // more connections than there are descriptors for (a few are the server's own).
        const size_t descriptors = tls12::net::raise_open_file_limit();
        constexpr size_t reserved = 32;
        if (descriptors > reserved && max_connections > descriptors - reserved) {
            max_connections = descriptors - reserved;
            if (max_connections_given)
                std::cerr << "echo_server: --max-connections lowered to " << max_connections
                          << " (descriptor limit " << descriptors << ")" << std::endl;
        }

        tls12::net::ServerOptions options;
        options.loops = loops;
        options.max_connections = max_connections;
        options.connection.handshake_timeout = std::chrono::milliseconds(handshake_timeout_ms);
        options.connection.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
        options.on_refused = [](const tls12::net::Accepted& accepted, size_t open) {
            // Over the limit: the TCP connection is closed right away (no handshake).
            log_line("[" + std::to_string(accepted.id) + "] " + accepted.peer +
                     " refused: too many connections (" + std::to_string(open) + " open)");
        };
        options.on_error = [](const std::string& what) {
            // E.g. out of descriptors: the server pauses accepting and keeps serving.
            log_line("cannot serve a connection: " + what);
        };
        if (ticket_keys)
            options.on_tick = [&ticket_keys, ticket_key_file] {
                // The outside process that rotates the file replaces it; pick up its new keys.
                std::string error;
                if (!ticket_keys->reload(&error))
                    log_line("ticket key file " + ticket_key_file + ": " + error +
                             " (keeping the previous keys)");
            };
        server = std::make_unique<tls12::net::Server>(
            host, port, std::shared_ptr<const tls12::ServerConfig>(std::move(config)),
            [http, &timeouts](const tls12::net::Accepted& accepted) {
                return std::make_unique<EchoHandler>(accepted, http, timeouts);
            },
            std::move(options));
    } catch (const std::exception& e) {
        std::cerr << "echo_server: " << e.what() << std::endl;
        return 1;
    }

    std::atomic<int> stop_signal{0};
    std::thread signal_thread([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        stop_signal.store(sig);
        if (sig == SIGINT || sig == SIGTERM) {
            shutting_down.store(true);
            log_line(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                     ", shutting down (" + std::to_string(server->connections()) +
                     " connections open)");
        }
        server->stop();
    });

    std::cout << "listening on " << server->address() << std::endl;
    server->run();

    if (stop_signal.load() == 0) kill(getpid(), SIGTERM);  // left for another reason: release it
    signal_thread.join();
    log_line("stopped");
    return 0;
}
