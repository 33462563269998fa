// server_engine_after_hello with TLS 1.3: a server that has already answered our own TLS 1.3
// client's ClientHello (built once at startup with the same deterministic config, so recorded
// client flights match its keys), then arbitrary bytes: the client's ChangeCipherSpec, its
// encrypted Certificate / CertificateVerify / Finished, skipped early data, alerts, and
// post-handshake messages.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "support/fuzz_common.h"

namespace {

const tls12::Bytes& client_hello() {
    static const tls12::Bytes hello = [] {
        tls12::Connection client =
            tls12::Connection::client(tls12_fuzz::client_config13(), tls12_fuzz::kServerName);
        return client.take_output();
    }();
    return hello;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tls12::Connection server = tls12::Connection::server(tls12_fuzz::server_config13());
    if (!server.feed(client_hello()).ok()) std::abort();  // our own hello must be accepted
    (void)server.take_output();
    tls12_fuzz::Chunker chunks(data, size);
    tls12_fuzz::pump(server, chunks);
    return 0;
}
