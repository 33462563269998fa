// Loopback TCP echo, ours and OpenSSL's, one suite at a time:
//
//   loopback/<ours|openssl>/<suite>
//
// A server thread accepts one connection and echoes everything back; the client sends
// TLS12_BENCH_LOOPBACK_BYTES (default 64 MiB; scripts/bench uses 1 GiB) lock-step in 16 KiB
// writes, each read back completely before the next is sent (as examples/echo_client does),
// then closes with close_notify. Ours: tls12::net::TlsListener / tls12::net::connect_tls (the
// blocking Stream the examples use). OpenSSL: libssl on plain blocking sockets, TCP_NODELAY like
// ours. The time includes TCP connect and the handshake; bytes_per_second counts payload bytes once
// (each byte is sealed and opened twice on its way there and back).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <tls12/net/stream.h>
#include "support.h"

namespace {

using namespace bench;

constexpr size_t kChunk = 16 * 1024;

uint64_t transfer_bytes() {
    return env_u64("TLS12_BENCH_LOOPBACK_BYTES", 64ull << 20);
}

// ---- ours -----------------------------------------------------------------------------------

void loopback_ours(benchmark::State& state, Suite suite) {
    const uint64_t total = transfer_bytes();
    const auto server_config = our_server_config(ecdhe_rsa_suite(suite));
    const auto client_config = our_client_config(ecdhe_rsa_suite(suite));
    const std::vector<uint8_t> data = payload(kChunk);
    tls12::net::TlsListener listener("127.0.0.1", 0, server_config);
    for (auto _ : state) {
        std::string server_error;
        std::thread server([&] {
            try {
                tls12::net::Stream s = listener.accept();
                std::vector<uint8_t> buf(kChunk);
                while (size_t n = s.read(buf)) s.write(std::span<const uint8_t>(buf.data(), n));
                s.close();
            } catch (const std::exception& e) {
                server_error = e.what();
            }
        });
        std::string client_error;
        try {
            tls12::net::Stream c = tls12::net::connect_tls("127.0.0.1", listener.port(),
                                                           client_config, {}, "localhost");
            std::vector<uint8_t> back(kChunk);
            for (uint64_t sent = 0; sent < total;) {
                const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, total - sent));
                c.write(std::span<const uint8_t>(data.data(), n));
                for (size_t got = 0; got < n;) {
                    const size_t r = c.read(std::span<uint8_t>(back.data(), n - got));
                    if (r == 0) throw std::runtime_error("server closed mid-echo");
                    got += r;
                }
                sent += n;
            }
            c.close();
            while (c.read(back) != 0) {
            }
        } catch (const std::exception& e) {
            client_error = e.what();
        }
        server.join();
        if (!client_error.empty() || !server_error.empty()) {
            state.SkipWithError(("echo failed: " + client_error + " / " + server_error).c_str());
            break;
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total));
}

// ---- OpenSSL --------------------------------------------------------------------------------

class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

void nodelay(int fd) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool write_all(SSL* ssl, const uint8_t* p, size_t n) {
    while (n > 0) {
        const int w = SSL_write(ssl, p, static_cast<int>(n));
        if (w <= 0) return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

void loopback_openssl(benchmark::State& state, Suite suite) {
    const uint64_t total = transfer_bytes();
    SslCtxPtr server_ctx = openssl_server_ctx(openssl_ecdhe_rsa_suite(suite));
    SslCtxPtr client_ctx = openssl_client_ctx(openssl_ecdhe_rsa_suite(suite));
    const std::vector<uint8_t> data = payload(kChunk);

    Fd listener(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener.get() < 0 ||
        ::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener.get(), 4) != 0 ||
        ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        return state.SkipWithError(("listen: " + std::string(std::strerror(errno))).c_str());

    for (auto _ : state) {
        bool server_ok = false;
        std::thread server([&] {
            Fd fd(::accept(listener.get(), nullptr, nullptr));
            if (fd.get() < 0) return;
            nodelay(fd.get());
            SslPtr ssl(SSL_new(server_ctx.get()));
            SSL_set_fd(ssl.get(), fd.get());
            if (SSL_accept(ssl.get()) != 1) return;
            std::vector<uint8_t> buf(kChunk);
            for (;;) {
                const int n = SSL_read(ssl.get(), buf.data(), static_cast<int>(buf.size()));
                if (n <= 0) {
                    server_ok = SSL_get_error(ssl.get(), n) == SSL_ERROR_ZERO_RETURN;
                    break;
                }
                if (!write_all(ssl.get(), buf.data(), static_cast<size_t>(n))) return;
            }
            SSL_shutdown(ssl.get());
        });

        bool client_ok = false;
        {
            Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
            if (fd.get() >= 0 &&
                ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
                nodelay(fd.get());
                SslPtr ssl = openssl_client(client_ctx.get());
                SSL_set_fd(ssl.get(), fd.get());
                if (SSL_connect(ssl.get()) == 1) {
                    std::vector<uint8_t> back(kChunk);
                    client_ok = true;
                    for (uint64_t sent = 0; client_ok && sent < total;) {
                        const size_t n =
                            static_cast<size_t>(std::min<uint64_t>(kChunk, total - sent));
                        client_ok = write_all(ssl.get(), data.data(), n);
                        for (size_t got = 0; client_ok && got < n;) {
                            const int r =
                                SSL_read(ssl.get(), back.data(), static_cast<int>(n - got));
                            client_ok = r > 0;
                            got += r > 0 ? static_cast<size_t>(r) : 0;
                        }
                        sent += n;
                    }
                    SSL_shutdown(ssl.get());  // close_notify
                    while (SSL_read(ssl.get(), back.data(), static_cast<int>(back.size())) > 0) {
                    }
                }
            }
        }
        server.join();
        if (!client_ok || !server_ok) {
            state.SkipWithError("OpenSSL echo failed");
            break;
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total));
}

[[maybe_unused]] const bool registered = [] {
    for (Suite suite : kSuites) {
        benchmark::RegisterBenchmark(("loopback/ours/" + std::string(token(suite))).c_str(),
                                     loopback_ours, suite)
            ->Iterations(1)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("loopback/openssl/" + std::string(token(suite))).c_str(),
                                     loopback_openssl, suite)
            ->Iterations(1)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    }
    return true;
}();

}  // namespace
