// Fetches an https:// URL with a GET and prints the body: a small curl over the tls12 library.
//
//   https_get https://example.com/            body to stdout
//   https_get -v https://localhost:8443/ --ca ca.pem    + status, headers, TLS parameters
//
// SSLKEYLOGFILE=keys.txt appends the session keys (NSS key log) for Wireshark.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <tls12/net/stream.h>
#include "common.h"

namespace {

struct Url {
    std::string host;  // without brackets for IPv6 literals
    uint16_t port = 443;
    bool explicit_port = false;
    std::string path = "/";
};

Url parse_url(const std::string& text) {
    const std::string scheme = "https://";
    if (text.size() < scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), text.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        }))
        throw std::invalid_argument("only https:// URLs are supported: " + text);
    std::string rest = text.substr(scheme.size());
    Url url;
    const size_t slash = rest.find_first_of("/?#");
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) {
        url.path = rest.substr(slash);
        if (url.path[0] != '/') url.path = "/" + url.path;
        url.path = url.path.substr(0, url.path.find('#'));
    }
    if (authority.find('@') != std::string::npos)
        throw std::invalid_argument("user info in URLs is not supported");
    std::string port_text;
    if (!authority.empty() && authority[0] == '[') {
        const size_t close = authority.find(']');
        if (close == std::string::npos) throw std::invalid_argument("bad IPv6 literal in " + text);
        url.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') throw std::invalid_argument("bad authority: " + text);
            port_text = authority.substr(close + 2);
        }
    } else {
        const size_t colon = authority.rfind(':');
        url.host = authority.substr(0, colon);
        if (colon != std::string::npos) port_text = authority.substr(colon + 1);
    }
    if (url.host.empty()) throw std::invalid_argument("no host in " + text);
    if (!port_text.empty()) {
        if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(), ::isdigit) ||
            std::stoul(port_text) == 0 || std::stoul(port_text) > 65535)
            throw std::invalid_argument("bad port '" + port_text + "' in " + text);
        url.port = static_cast<uint16_t>(std::stoul(port_text));
        url.explicit_port = true;
    }
    return url;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Buffered reader over the stream; tracks whether the peer ended with close_notify.
class Reader {
  public:
    explicit Reader(tls12::net::Stream& s) : stream_(s) {}

    // More bytes into the buffer; false at the clean end of the stream.
    bool fill() {
        std::vector<uint8_t> chunk(16 * 1024);
        const size_t n = stream_.read(chunk);
        if (n == 0) return false;
        buffer_.append(reinterpret_cast<const char*>(chunk.data()), n);
        return true;
    }
    std::string line() {  // without CRLF
        size_t eol;
        while ((eol = buffer_.find('\n')) == std::string::npos)
            if (!fill()) throw std::runtime_error("connection closed inside the response head");
        std::string l = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 1);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        return l;
    }
    std::string take(size_t n) {  // exactly n bytes
        while (buffer_.size() < n)
            if (!fill()) throw std::runtime_error("connection closed inside the response body");
        std::string out = buffer_.substr(0, n);
        buffer_.erase(0, n);
        return out;
    }
    std::string take_all() {
        std::string out = std::move(buffer_);
        buffer_.clear();
        return out;
    }

  private:
    tls12::net::Stream& stream_;
    std::string buffer_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Fetch an https:// URL over TLS 1.3 or 1.2 (tls12 library example)"};
    std::string url_text, ca_file;
    bool insecure = false, verbose = false;
    int timeout_ms = 15'000;
    app.add_option("url", url_text, "https://host[:port]/path")->required();
    auto* ca = app.add_option("--ca", ca_file, "PEM file of trusted CAs (default: system store)")
                   ->check(CLI::ExistingFile);
    app.add_flag("--insecure,-k", insecure, "do not verify the server certificate")->excludes(ca);
    app.add_flag("--verbose,-v", verbose, "print TLS parameters, status and headers to stderr");
    examples::VersionFlags versions;
    versions.add_to(app);
    app.add_option("--timeout", timeout_ms, "connect/handshake/read timeout in ms")
        ->capture_default_str();
    app.footer(
        "Environment: SSLKEYLOGFILE=FILE appends NSS key log lines (CLIENT_RANDOM ...) to FILE "
        "for Wireshark.");
    CLI11_PARSE(app, argc, argv);

    try {
        const Url url = parse_url(url_text);
        auto config = std::make_shared<tls12::ClientConfig>();
        config->verifier = examples::make_verifier(ca_file, insecure);
        config->alpn_protocols = {"http/1.1"};
        versions.apply(*config);
        // SSLKEYLOGFILE, as curl and browsers read it (the library itself never does).
        std::string keylog_path;
        config->key_log = examples::make_key_log({}, &keylog_path);
        if (config->key_log)
            std::cerr << "https_get: WARNING: writing session keys to "
                      << examples::printable(keylog_path) << "\n";
        tls12::net::StreamOptions options;
        options.connect_timeout = options.handshake_timeout = options.io_timeout =
            std::chrono::milliseconds(timeout_ms);

        tls12::net::Stream stream = tls12::net::connect_tls(url.host, url.port, config, options);
        if (verbose)
            for (const auto& [label, value] : examples::describe(stream.negotiated()))
                std::cerr << "* " << examples::printable(label + ": " + value) << "\n";

        std::string host_header =
            url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
        if (url.explicit_port) host_header += ":" + std::to_string(url.port);
        const std::string request = "GET " + url.path + " HTTP/1.1\r\nHost: " + host_header +
                                    "\r\nUser-Agent: tls12-https_get\r\nAccept: */*\r\n"
                                    "Connection: close\r\n\r\n";
        if (verbose)
            std::cerr << "> GET " << examples::printable(url.path)
                      << " HTTP/1.1\n> Host: " << examples::printable(host_header) << "\n";
        stream.write(request);

        Reader in(stream);
        const std::string status = in.line();
        if (status.rfind("HTTP/", 0) != 0)
            throw std::runtime_error("not an HTTP response: " + status.substr(0, 80));
        if (verbose || status.find(" 2", status.find(' ')) != status.find(' '))
            std::cerr << "< " << examples::printable(status) << "\n";
        std::optional<size_t> content_length;
        bool chunked = false;
        for (std::string h = in.line(); !h.empty(); h = in.line()) {
            if (verbose) std::cerr << "< " << examples::printable(h) << "\n";
            const size_t colon = h.find(':');
            if (colon == std::string::npos) continue;
            const std::string name = lower(h.substr(0, colon));
            std::string value = h.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            if (name == "content-length") content_length = std::stoull(value);
            if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos)
                chunked = true;
        }

        // The body is delimited by chunked framing, Content-Length, or the end of the stream;
        // only in the last case does the end have to be a close_notify (else: truncation).
        if (chunked) {
            for (;;) {
                const size_t size = std::stoull(in.line(), nullptr, 16);
                if (size == 0) break;
                std::cout << in.take(size);
                in.take(2);  // CRLF after the chunk
            }
            while (!in.line().empty()) {
            }  // trailers
        } else if (content_length) {
            std::cout << in.take(*content_length);
        } else {
            while (in.fill()) std::cout << in.take_all();
            std::cout << in.take_all();
        }
        std::cout.flush();
        stream.close();
        return std::cout ? 0 : 1;
    } catch (...) {
        std::cerr << "https_get: " << examples::printable(examples::describe_current_exception())
                  << std::endl;
        return 1;
    }
}
