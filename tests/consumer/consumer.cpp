// A program outside the project that uses only the installed library: an in-memory handshake
// through the sans-IO engine, then a real one over loopback through net::Stream. The consumer
// test (run.sh) builds it against an installed prefix in each supported way.
#include <tls12/net/stream.h>
#include <tls12/tls/connection.h>
#include <tls12/tls/x509_verifier.h>
#include <tls12/x509/trust_store.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

// Moves everything one engine wants to send into the other.
void transfer(tls12::Connection& from, tls12::Connection& to) {
    while (from.wants_write()) {
        const auto bytes = from.pending_output();
        if (auto status = to.feed(bytes); !status) {
            std::fprintf(stderr, "consumer: %s\n", status.error().message().c_str());
            std::exit(1);
        }
        from.consume_output(bytes.size());
    }
}

std::string in_memory(std::shared_ptr<const tls12::ClientConfig> client_config,
                      std::shared_ptr<const tls12::ServerConfig> server_config) {
    auto client = tls12::Connection::client(client_config, "localhost");
    auto server = tls12::Connection::server(server_config);
    while (!client.is_handshake_complete() || !server.is_handshake_complete()) {
        if (!client.wants_write() && !server.wants_write()) return "stalled";
        transfer(client, server);
        transfer(server, client);
    }
    const std::string ping = "ping";
    if (!client.send({reinterpret_cast<const uint8_t*>(ping.data()), ping.size()})) return "send";
    transfer(client, server);
    std::vector<uint8_t> buffer(16);
    const size_t n = server.receive(buffer);
    return std::string(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
}

std::string over_loopback(std::shared_ptr<const tls12::ClientConfig> client_config,
                          std::shared_ptr<const tls12::ServerConfig> server_config) {
    tls12::net::TlsListener listener("127.0.0.1", 0, server_config);
    std::thread echo([&] {
        tls12::net::Stream conn = listener.accept();
        std::vector<uint8_t> buffer(64);
        const size_t n = conn.read(buffer);
        conn.write(std::span<const uint8_t>(buffer).first(n));
        conn.close();
    });
    tls12::net::StreamOptions options;
    options.io_timeout = std::chrono::seconds(10);
    auto stream =
        tls12::net::connect_tls("127.0.0.1", listener.port(), client_config, options, "localhost");
    stream.write("pong");
    std::vector<uint8_t> buffer(64);
    const size_t n = stream.read(buffer);
    stream.close();
    echo.join();
    return std::string(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n)) + " (" +
           tls12::openssl_name(*stream.negotiated().cipher_suite) + ")";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: consumer CERT.pem KEY.pem\n");
        return 2;
    }
    try {
        auto server_config = std::make_shared<const tls12::ServerConfig>(
            tls12::ServerConfig::from_pem_files(argv[1], argv[2]));
        auto client_config = std::make_shared<tls12::ClientConfig>();
        client_config->verifier =
            tls12::make_x509_verifier(tls12::x509::TrustStore::from_pem_file(argv[1]));
        std::printf("in memory: %s\n", in_memory(client_config, server_config).c_str());
        std::printf("loopback: %s\n", over_loopback(client_config, server_config).c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "consumer: %s\n", e.what());
        return 1;
    }
    return 0;
}
