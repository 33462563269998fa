// Helpers shared by the example programs: cipher-suite lists from the command line, client trust
// setup, a readable account of what was negotiated, turning exceptions into one line, and making
// peer-controlled text safe to print.
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tls12/net/error.h>
#include <tls12/tls/config.h>
#include <tls12/tls/connection.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>

namespace examples {

// Text for a terminal or a log file, where a peer may have chosen some of it (a server name, an
// ALPN protocol, an HTTP request or header line, an error reason quoting a certificate's names):
// every byte outside printable ASCII, and the backslash itself, becomes \xHH, so no peer can
// inject terminal escape sequences, fake log lines or invalid UTF-8. Every line the examples
// print about a connection goes through it.
inline std::string printable(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto byte = static_cast<unsigned char>(ch);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
            out += ch;
        } else {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        }
    }
    return out;
}

// "ECDHE-RSA-AES128-GCM-SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256" -> suites, in the given order.
// Unknown names throw std::invalid_argument listing every valid name.
inline std::vector<tls12::CipherSuite> parse_suites(const std::string& list) {
    std::vector<tls12::CipherSuite> suites;
    std::vector<std::string> unknown;
    std::stringstream in(list);
    std::string name;
    while (std::getline(in, name, ',')) {
        const auto first = name.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        name = name.substr(first, name.find_last_not_of(" \t") - first + 1);
        if (auto suite = tls12::cipher_suite_from_name(name))
            suites.push_back(*suite);
        else
            unknown.push_back(name);
    }
    if (!unknown.empty() || suites.empty()) {
        std::string msg = unknown.empty() ? "no cipher suite given" : "unknown cipher suite";
        for (size_t i = 0; i < unknown.size(); ++i) msg += (i ? ", '" : " '") + unknown[i] + "'";
        msg += "\nvalid names (OpenSSL style or IANA):";
        size_t width = 0;
        for (auto s : tls12::supported_cipher_suites())
            width = std::max(width, tls12::openssl_name(s).size());
        for (auto s : tls12::supported_cipher_suites()) {
            const std::string short_name = tls12::openssl_name(s);
            msg += "\n  " + short_name + std::string(width - short_name.size() + 2, ' ') +
                   tls12::to_string(s);
        }
        throw std::invalid_argument(msg);
    }
    return suites;
}

// --suites for a config: TLS 1.3 suites (0x13XX, RFC 8446 B.4) go to tls13_cipher_suites, the
// others to cipher_suites; a list naming only one version's suites leaves the other's defaults.
inline void set_suites(tls12::CommonConfig& config, const std::string& list) {
    std::vector<tls12::CipherSuite> tls12_suites, tls13_suites;
    for (auto suite : parse_suites(list))
        (static_cast<uint16_t>(suite) >> 8 == 0x13 ? tls13_suites : tls12_suites).push_back(suite);
    if (!tls12_suites.empty()) config.cipher_suites = std::move(tls12_suites);
    if (!tls13_suites.empty()) config.tls13_cipher_suites = std::move(tls13_suites);
}

// Which protocol versions a program offers or accepts: TLS 1.3 and TLS 1.2 by default (the
// library's defaults: a peer that speaks both gets 1.3), one alone with --tls12-only or
// --tls13-only. --tls13 (both, from when TLS 1.3 was opt-in) is still accepted and changes nothing.
struct VersionFlags {
    bool tls13 = false;
    bool tls12_only = false;
    bool tls13_only = false;

    void add_to(CLI::App& app) {
        auto* both = app.add_flag("--tls13", tls13,
                                  "TLS 1.3 and TLS 1.2 (the default; kept for old command lines)");
        auto* only12 = app.add_flag("--tls12-only", tls12_only, "TLS 1.2 only");
        auto* only13 = app.add_flag("--tls13-only", tls13_only, "TLS 1.3 only");
        both->excludes(only12)->excludes(only13);
        only12->excludes(only13);
    }
    void apply(tls12::CommonConfig& config) const {
        using tls12::ProtocolVersion;
        config.min_version = tls13_only ? ProtocolVersion::tls13 : ProtocolVersion::tls12;
        config.max_version = tls12_only ? ProtocolVersion::tls12 : ProtocolVersion::tls13;
    }
};

// "h2,http/1.1" -> {"h2", "http/1.1"} (blanks around names dropped, empty names skipped).
// Throws std::invalid_argument for a name longer than 255 bytes (RFC 7301 3.1).
inline std::vector<std::string> parse_alpn(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    std::string name;
    while (std::getline(in, name, ',')) {
        const auto first = name.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        name = name.substr(first, name.find_last_not_of(" \t") - first + 1);
        if (name.size() > 255) throw std::invalid_argument("ALPN protocol name too long: " + name);
        out.push_back(name);
    }
    if (out.empty()) throw std::invalid_argument("no ALPN protocol given");
    return out;
}

// A key log callback appending NSS key log lines to `path` (--keylog FILE, or the SSLKEYLOGFILE
// environment variable when no file was given; the library itself never reads the environment).
// Returns an empty callback when neither names a file. The file is opened once, in append mode;
// writes from concurrent connections are serialized and flushed line by line.
inline tls12::KeyLogCallback make_key_log(const std::string& path_flag, std::string* used_path) {
    std::string path = path_flag;
    if (path.empty()) {
        const char* env = std::getenv("SSLKEYLOGFILE");
        if (env != nullptr) path = env;
    }
    if (used_path != nullptr) *used_path = path;
    if (path.empty()) return {};
    struct Sink {
        std::mutex mutex;
        std::ofstream file;
    };
    auto sink = std::make_shared<Sink>();
    sink->file.open(path, std::ios::out | std::ios::app);
    if (!sink->file) throw std::runtime_error("cannot open key log file " + path);
    return [sink](const std::string& line) {
        std::lock_guard lock(sink->mutex);
        std::string_view text = line;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
        sink->file << text << '\n';
        sink->file.flush();
    };
}

// The verifier for a client: --insecure accepts anything, --ca FILE trusts that bundle, otherwise
// the system store.
inline std::shared_ptr<const tls12::CertificateVerifier> make_verifier(const std::string& ca_file,
                                                                       bool insecure) {
    if (insecure) return tls12::make_insecure_verifier();
    return tls12::make_x509_verifier(ca_file.empty()
                                         ? tls12::x509::TrustStore::system()
                                         : tls12::x509::TrustStore::from_pem_file(ca_file));
}

// What was negotiated, as (label, value) pairs in a fixed order.
inline std::vector<std::pair<std::string, std::string>> describe(
    const tls12::NegotiatedParameters& p) {
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back("protocol", p.version == tls12::ProtocolVersion::tls12 ? "TLS 1.2"
                                 : p.version == tls12::ProtocolVersion::tls13
                                     ? "TLS 1.3"
                                     : tls12::to_string(p.version));
    out.emplace_back("cipher suite", p.cipher_suite ? tls12::to_string(*p.cipher_suite) + " (" +
                                                          tls12::openssl_name(*p.cipher_suite) + ")"
                                                    : "none");
    out.emplace_back("group", p.group ? tls12::to_string(*p.group) : "none (RSA key exchange)");
    out.emplace_back("signature scheme",
                     p.signature_scheme ? tls12::to_string(*p.signature_scheme) : "none");
    out.emplace_back("extended master secret", p.version == tls12::ProtocolVersion::tls13
                                                   ? "n/a (TLS 1.3 has no such need)"
                                               : p.extended_master_secret ? "yes"
                                                                          : "no");
    out.emplace_back("server name", p.server_name.empty() ? "(none)" : p.server_name);
    out.emplace_back("alpn", p.alpn.empty() ? "(none)" : p.alpn);
    out.emplace_back("resumed", p.resumed ? "yes" : "no");
    out.emplace_back("peer certificates", std::to_string(p.peer_certificates.size()));
    return out;
}

// One line for a log: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 x25519 sni=localhost".
inline std::string summary(const tls12::NegotiatedParameters& p) {
    std::string s = p.cipher_suite ? tls12::to_string(*p.cipher_suite) : "no-suite";
    s += " ";
    s += p.group ? tls12::to_string(*p.group) : "no-group";
    if (!p.server_name.empty()) s += " sni=" + p.server_name;
    s += " alpn=" + (p.alpn.empty() ? std::string("-") : p.alpn);
    s += std::string(" resumed=") + (p.resumed ? "yes" : "no");
    return s;
}

// The message of the exception in flight, with the TLS alert spelled out when there is one.
inline std::string describe_current_exception() {
    try {
        throw;
    } catch (const tls12::net::TlsError& e) {
        return "alert " + tls12::to_string(e.alert()) + ": " + e.reason();
    } catch (const tls12::net::TruncationError& e) {
        return std::string("truncated: ") + e.what();
    } catch (const tls12::net::TimeoutError& e) {
        return std::string("timeout: ") + e.what();
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace examples
