// A TLS echo client (TLS 1.3 and 1.2): sends stdin to the server, waits until every byte
// sent has come back, writes it to stdout, closes with close_notify, and reports what was
// negotiated on stderr.
//
//   echo "hello" | echo_client --host localhost --port 8443 --ca ca.pem
//
// --reconnect N then connects N more times with the same config (so the same session cache) and
// reports on stderr whether each connection resumed the session; only the first one echoes.
//   echo hi | echo_client -p 8443 --ca ca.pem --alpn h2,http/1.1 --reconnect 2
//       --cert client.pem --key client.key --keylog keys.txt  (one command line)
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <tls12/net/stream.h>
#include "common.h"

namespace {

// Reads up to buf.size() bytes from stdin; 0 at EOF.
size_t read_stdin(std::vector<uint8_t>& buf) {
    for (;;) {
        ssize_t n = ::read(0, buf.data(), buf.size());
        if (n >= 0) return static_cast<size_t>(n);
        if (errno != EINTR) throw std::runtime_error(std::string("stdin: ") + std::strerror(errno));
    }
}

void write_stdout(const uint8_t* data, size_t n) {
    std::cout.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"TLS echo client, TLS 1.3 and 1.2 (tls12 library example)"};
    std::string host = "localhost";
    uint16_t port = 0;
    std::string ca_file, server_name, suites, alpn, cert_file, key_file, keylog_file;
    bool insecure = false;
    int timeout_ms = 10'000;
    unsigned reconnect = 0;
    app.add_option("--host", host, "server host name or address")->capture_default_str();
    app.add_option("--port,-p", port, "server port")->required();
    auto* ca = app.add_option("--ca", ca_file, "PEM file of trusted CAs (default: system store)")
                   ->check(CLI::ExistingFile);
    app.add_flag("--insecure,-k", insecure, "do not verify the server certificate")->excludes(ca);
    app.add_option("--servername", server_name, "SNI and name to verify (default: --host)");
    app.add_option("--suites", suites,
                   "comma-separated cipher suites, OpenSSL or IANA names (TLS 1.2 and 1.3)");
    examples::VersionFlags versions;
    versions.add_to(app);
    app.add_option("--timeout", timeout_ms, "connect/handshake/read timeout in ms")
        ->capture_default_str();
    app.add_option("--alpn", alpn, "comma-separated ALPN protocols to offer, e.g. h2,http/1.1");
    auto* cert = app.add_option("--cert", cert_file,
                                "PEM client certificate chain, presented when the server asks "
                                "(mutual TLS)")
                     ->check(CLI::ExistingFile);
    auto* key =
        app.add_option("--key", key_file, "PEM private key of --cert")->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    app.add_option("--keylog", keylog_file,
                   "append NSS key log lines (CLIENT_RANDOM ...) to FILE for Wireshark (default: "
                   "$SSLKEYLOGFILE when set)");
    app.add_option("--reconnect", reconnect,
                   "after the echo, connect N more times with the same session cache and report "
                   "\"resumed: yes/no\" for each")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::shared_ptr<const tls12::ClientConfig> config;
    try {
        auto cfg = std::make_shared<tls12::ClientConfig>();
        cfg->verifier = examples::make_verifier(ca_file, insecure);
        versions.apply(*cfg);
        if (!suites.empty()) examples::set_suites(*cfg, suites);
        if (!alpn.empty()) cfg->alpn_protocols = examples::parse_alpn(alpn);
        if (!cert_file.empty())
            cfg->certificate = tls12::CertifiedKey::from_pem_files(cert_file, key_file);
        std::string keylog_path;
        cfg->key_log = examples::make_key_log(keylog_file, &keylog_path);
        if (cfg->key_log)
            std::cerr << "echo_client: WARNING: writing session keys to " << keylog_path << "\n";
        config = std::move(cfg);
    } catch (const std::exception& e) {
        std::cerr << "echo_client: " << e.what() << std::endl;
        return 2;
    }
    if (insecure) std::cerr << "echo_client: WARNING: server certificate not verified\n";

    tls12::net::StreamOptions options;
    options.connect_timeout = options.handshake_timeout = options.io_timeout =
        std::chrono::milliseconds(timeout_ms);

    tls12::net::Stream stream = [&]() -> tls12::net::Stream {
        try {
            return tls12::net::connect_tls(host, port, config, options, server_name);
        } catch (...) {
            std::cerr << "echo_client: connection to " << host << ":" << port
                      << " failed: " << examples::printable(examples::describe_current_exception())
                      << std::endl;
            std::exit(1);
        }
    }();
    for (const auto& [label, value] : examples::describe(stream.negotiated()))
        std::cerr << examples::printable(label + ": " + value) << "\n";

    try {
        // Lock-step: send a chunk, read until it has all come back. Never blocks writing while
        // the server blocks writing back to us, however much stdin holds.
        std::vector<uint8_t> chunk(16 * 1024);
        std::vector<uint8_t> back(16 * 1024);
        size_t total = 0;
        for (;;) {
            const size_t n = read_stdin(chunk);
            if (n == 0) break;
            stream.write(std::span<const uint8_t>(chunk.data(), n));
            size_t got = 0;
            while (got < n) {
                const size_t r = stream.read(std::span<uint8_t>(back.data(), n - got));
                if (r == 0) throw std::runtime_error("server closed the connection mid-echo");
                write_stdout(back.data(), r);
                got += r;
            }
            total += n;
        }
        std::cout.flush();
        stream.close();
        // The server answers our close_notify with its own.
        std::vector<uint8_t> rest(256);
        try {
            if (stream.read(rest) != 0) std::cerr << "echo_client: unexpected data after close\n";
        } catch (...) {
            std::cerr << "echo_client: server did not close cleanly: "
                      << examples::printable(examples::describe_current_exception()) << "\n";
        }
        std::cerr << "echoed " << total << " bytes, closed with close_notify\n";
    } catch (...) {
        std::cerr << "echo_client: " << examples::printable(examples::describe_current_exception())
                  << std::endl;
        return 1;
    }

    // Same config, same session cache: each of these offers the session (ID or ticket) kept from
    // the previous connection.
    for (unsigned i = 1; i <= reconnect; ++i) {
        try {
            tls12::net::Stream again =
                tls12::net::connect_tls(host, port, config, options, server_name);
            std::cerr << "reconnect " << i
                      << ": resumed: " << (again.negotiated().resumed ? "yes" : "no") << "\n";
            again.close();
            std::vector<uint8_t> rest(256);
            try {
                again.read(rest);  // the server's close_notify
            } catch (...) {
            }
        } catch (...) {
            std::cerr << "echo_client: reconnect " << i
                      << " failed: " << examples::printable(examples::describe_current_exception())
                      << std::endl;
            return 1;
        }
    }
    return std::cout ? 0 : 1;
}
