// Runs real handshakes between our own client and server, with exactly the deterministic configs
// the fuzz targets use, and writes each connection's byte streams:
//   <out>/<name>.c2s, <out>/<name>.s2c      everything each side sent
//   <out>/<name>.c2s_after_hello            the client's bytes after its ClientHello
// Replaying a .c2s into fuzz_server_engine (or a default_*.s2c into fuzz_client_engine) therefore
// walks the whole handshake. scripts/make_fuzz_corpus turns these into the seed corpora.
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include "fuzz_common.h"

namespace {

using tls12_fuzz::client_config;
using tls12_fuzz::server_config;

void write_file(const std::string& path, const tls12::Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

struct Streams {
    tls12::Bytes c2s, s2c, c2s_after_hello;
};

bool move(tls12::Connection& from, tls12::Connection& to, tls12::Bytes& log) {
    tls12::Bytes out = from.take_output();
    if (out.empty()) return false;
    log.insert(log.end(), out.begin(), out.end());
    (void)to.feed(out);
    return true;
}

// Handshake, a message each way, close_notify each way.
Streams run(std::shared_ptr<const tls12::ClientConfig> ccfg,
            std::shared_ptr<const tls12::ServerConfig> scfg) {
    Streams s;
    tls12::Connection client = tls12::Connection::client(std::move(ccfg), tls12_fuzz::kServerName);
    tls12::Connection server = tls12::Connection::server(std::move(scfg));
    tls12::Bytes hello = client.take_output();
    s.c2s = hello;
    (void)server.feed(hello);
    auto shuttle = [&] {
        bool progress = true;
        while (progress) {
            progress = move(server, client, s.s2c);
            progress = move(client, server, s.c2s) || progress;
        }
    };
    shuttle();
    if (!client.is_handshake_complete() || !server.is_handshake_complete())
        throw std::runtime_error(
            "handshake failed: " + (client.error() ? client.error()->message() : std::string()) +
            " / " + (server.error() ? server.error()->message() : std::string()));
    const std::string ping = "GET / HTTP/1.0\r\n\r\n", pong = "HTTP/1.0 200 OK\r\n\r\nhello";
    (void)client.send(tls12::ByteView(reinterpret_cast<const uint8_t*>(ping.data()), ping.size()));
    shuttle();
    (void)server.send(tls12::ByteView(reinterpret_cast<const uint8_t*>(pong.data()), pong.size()));
    shuttle();
    client.close();
    server.close();
    shuttle();
    s.c2s_after_hello.assign(s.c2s.begin() + static_cast<std::ptrdiff_t>(hello.size()),
                             s.c2s.end());
    return s;
}

template <typename Config>
std::shared_ptr<const Config> tweak(std::shared_ptr<const Config> base,
                                    const std::function<void(Config&)>& f) {
    auto copy = std::make_shared<Config>(*base);
    f(*copy);
    return copy;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: fuzz_make_corpus OUTDIR\n";
        return 2;
    }
    const std::string out = argv[1];
    auto save = [&](const std::string& name, const Streams& s, bool after_hello) {
        write_file(out + "/" + name + ".c2s", s.c2s);
        write_file(out + "/" + name + ".s2c", s.s2c);
        if (after_hello) write_file(out + "/" + name + ".c2s_after_hello", s.c2s_after_hello);
    };
    try {
        // The fuzz targets' own client: the .s2c streams feed fuzz_client_engine and the
        // after-hello streams feed fuzz_server_engine_after_hello.
        save("default_ecdhe_rsa", run(client_config(), server_config()), true);
        save("default_ecdsa_server",
             run(client_config(),
                 tweak<tls12::ServerConfig>(
                     server_config(),
                     [](auto& c) { c.certificates = {tls12_fuzz::server_certificates()[1]}; })),
             false);
        save("default_rsa_kex_server",
             run(client_config(), tweak<tls12::ServerConfig>(
                                      server_config(),
                                      [](auto& c) {
                                          c.cipher_suites = {
                                              tls12::CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256};
                                      })),
             false);
        save("default_cbc_server",
             run(client_config(),
                 tweak<tls12::ServerConfig>(
                     server_config(),
                     [](auto& c) {
                         c.cipher_suites = {
                             tls12::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256};
                     })),
             false);
        save("default_client_auth_request",
             run(client_config(),
                 tweak<tls12::ServerConfig>(server_config(),
                                            [](auto& c) {
                                                c.client_auth = tls12::ClientAuth::request;
                                                c.client_verifier = tls12::make_insecure_verifier();
                                            })),
             false);
        // Other clients against the fuzz targets' server: their .c2s streams feed
        // fuzz_server_engine.
        save("mtls_client",
             run(tweak<tls12::ClientConfig>(
                     client_config(7),
                     [](auto& c) { c.certificate = tls12_fuzz::server_certificates()[1]; }),
                 tweak<tls12::ServerConfig>(server_config(),
                                            [](auto& c) {
                                                c.client_auth = tls12::ClientAuth::require;
                                                c.client_verifier = tls12::make_insecure_verifier();
                                            })),
             false);
        save("chacha_client",
             run(tweak<tls12::ClientConfig>(
                     client_config(8),
                     [](auto& c) {
                         c.cipher_suites = {
                             tls12::CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256};
                         c.groups = {tls12::NamedGroup::secp256r1};
                     }),
                 server_config()),
             false);
        // Resumption with a ticket: a fresh server with the same seed has the same ticket keys, so
        // the second .c2s replays as an abbreviated handshake.
        auto cache = std::make_shared<tls12::ClientSessionCache>();
        auto with_cache = [&](uint64_t seed) {
            return tweak<tls12::ClientConfig>(client_config(seed),
                                              [&](auto& c) { c.session_cache = cache; });
        };
        (void)run(with_cache(9), server_config());
        save("resumed_ticket_client", run(with_cache(10), server_config()), false);

        // TLS 1.3 (the *13 targets): the tls13_default_* .s2c streams feed fuzz_client_engine13,
        // tls13_default.c2s_after_hello feeds fuzz_server_engine13_after_hello, every
        // tls13_*.c2s feeds fuzz_server_engine13.
        using tls12_fuzz::client_config13;
        using tls12_fuzz::server_config13;
        save("tls13_default", run(client_config13(), server_config13()), true);
        save(
            "tls13_default_hrr_server",
            run(client_config13(),
                tweak<tls12::ServerConfig>(
                    server_config13(), [](auto& c) { c.groups = {tls12::NamedGroup::secp256r1}; })),
            false);
        save("tls13_default_ecdsa_server",
             run(client_config13(),
                 tweak<tls12::ServerConfig>(
                     server_config13(),
                     [](auto& c) { c.certificates = {tls12_fuzz::server_certificates()[1]}; })),
             false);
        save("tls13_default_client_auth_request",
             run(client_config13(),
                 tweak<tls12::ServerConfig>(server_config13(),
                                            [](auto& c) {
                                                c.client_auth = tls12::ClientAuth::request;
                                                c.client_verifier = tls12::make_insecure_verifier();
                                            })),
             true);
        save("tls13_mtls_client",
             run(tweak<tls12::ClientConfig>(
                     client_config13(7),
                     [](auto& c) { c.certificate = tls12_fuzz::server_certificates()[1]; }),
                 tweak<tls12::ServerConfig>(server_config13(),
                                            [](auto& c) {
                                                c.client_auth = tls12::ClientAuth::require;
                                                c.client_verifier = tls12::make_insecure_verifier();
                                            })),
             false);
        save("tls13_chacha_p256_client",
             run(tweak<tls12::ClientConfig>(
                     client_config13(8),
                     [](auto& c) {
                         c.tls13_cipher_suites = {tls12::CipherSuite::TLS_CHACHA20_POLY1305_SHA256};
                         c.groups = {tls12::NamedGroup::secp256r1};
                     }),
                 server_config13()),
             false);
        // A resumption ClientHello (PSK, binder): against a fresh server its ticket is unknown, so
        // it replays as a full handshake, but the PSK extensions are there to mutate.
        auto cache13 = std::make_shared<tls12::ClientSessionCache>();
        auto with_cache13 = [&](uint64_t seed) {
            return tweak<tls12::ClientConfig>(client_config13(seed),
                                              [&](auto& c) { c.session_cache = cache13; });
        };
        (void)run(with_cache13(11), server_config13());
        save("tls13_resuming_client", run(with_cache13(12), server_config13()), false);
    } catch (const std::exception& e) {
        std::cerr << "fuzz_make_corpus: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
