// A server engine that has already received a valid ClientHello (our own client's, built once at
// startup with the same deterministic config), then arbitrary bytes: the fuzzer starts in the
// states after the hello (ClientKeyExchange, ChangeCipherSpec, Finished, alerts...).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "support/fuzz_common.h"

namespace {

const tls12::Bytes& client_hello() {
    static const tls12::Bytes hello = [] {
        tls12::Connection client =
            tls12::Connection::client(tls12_fuzz::client_config(), tls12_fuzz::kServerName);
        return client.take_output();
    }();
    return hello;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tls12::Connection server = tls12::Connection::server(tls12_fuzz::server_config());
    if (!server.feed(client_hello()).ok()) std::abort();  // our own hello must be accepted
    (void)server.take_output();
    tls12_fuzz::Chunker chunks(data, size);
    tls12_fuzz::pump(server, chunks);
    return 0;
}
