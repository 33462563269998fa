// A TLS echo server written the way Asio code is written: C++20 coroutines, one per connection,
// over tls12::asio::Stream (the adapter shaped like asio::ssl::stream). One thread, one
// io_context; stops on SIGINT/SIGTERM.
//
//   asio_echo_server --port 8443 --cert chain.pem --key key.pem
//   openssl s_client -connect 127.0.0.1:8443 -tls1_2
#include <CLI/CLI.hpp>
#include <asio.hpp>
#include <iostream>
#include <memory>
#include <string>

#include <tls12/asio/stream.h>
#include <tls12/tls/config.h>

namespace {

using asio::ip::tcp;

asio::awaitable<void> serve(tls12::asio::Stream<tcp::socket> tls, std::string peer) {
    try {
        co_await tls.async_handshake(tls12::asio::handshake_type::server, asio::use_awaitable);
        std::vector<uint8_t> buffer(16 * 1024);
        size_t echoed = 0;
        for (;;) {
            std::error_code ec;
            const size_t n = co_await tls.async_read_some(
                asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::eof) break;  // the client's close_notify
            if (ec) throw std::system_error(ec);
            co_await asio::async_write(tls, asio::buffer(buffer.data(), n), asio::use_awaitable);
            echoed += n;
        }
        co_await tls.async_shutdown(asio::use_awaitable);
        std::cerr << peer << ": clean close, " << echoed << " bytes echoed" << std::endl;
    } catch (const std::system_error& e) {
        const auto& error = tls.connection().error();
        std::cerr << peer << ": " << e.code().message()
                  << (error ? " (" + error->reason + ")" : std::string()) << std::endl;
    }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor,
                             std::shared_ptr<const tls12::ServerConfig> config) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        socket.set_option(tcp::no_delay(true));
        std::string peer = socket.remote_endpoint().address().to_string() + ":" +
                           std::to_string(socket.remote_endpoint().port());
        asio::co_spawn(acceptor.get_executor(),
                       serve(tls12::asio::Stream<tcp::socket>(std::move(socket),
                                                              tls12::Connection::server(config)),
                             std::move(peer)),
                       asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"TLS 1.2 echo server on Asio coroutines (tls12::asio::Stream example)"};
    std::string host = "127.0.0.1", cert_file, key_file;
    uint16_t port = 0;
    app.add_option("--port,-p", port, "TCP port (0: pick a free one)")->required();
    app.add_option("--cert", cert_file, "PEM certificate chain, leaf first")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--key", key_file, "PEM private key")->required()->check(CLI::ExistingFile);
    app.add_option("--host", host, "address to listen on")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    try {
        auto config = std::make_shared<const tls12::ServerConfig>(
            tls12::ServerConfig::from_pem_files(cert_file, key_file));
        asio::io_context io;
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address(host), port));
        std::cout << "listening on " << host << ":" << acceptor.local_endpoint().port()
                  << std::endl;
        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](std::error_code, int) { io.stop(); });
        asio::co_spawn(io, listen(acceptor, config), asio::detached);
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "asio_echo_server: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
