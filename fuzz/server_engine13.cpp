// server_engine with TLS 1.3 on: a server that speaks TLS 1.2 and 1.3 fed arbitrary client
// bytes from the first one: ClientHello (version negotiation, key shares, PSKs, early_data),
// the second ClientHello after a HelloRetryRequest, and what follows.
#include <cstddef>
#include <cstdint>

#include "support/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tls12::Connection server = tls12::Connection::server(tls12_fuzz::server_config13());
    tls12_fuzz::Chunker chunks(data, size);
    tls12_fuzz::pump(server, chunks);
    return 0;
}
