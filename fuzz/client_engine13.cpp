// client_engine with TLS 1.3 on: a client engine after its ClientHello (which offers TLS 1.3),
// fed arbitrary server flights: ServerHello / HelloRetryRequest, then the encrypted flight. The
// config is the deterministic one the corpus generator used, so recorded TLS 1.3 server flights
// decrypt under the keys the client derives and the mutations reach the encrypted states.
#include <cstddef>
#include <cstdint>

#include "support/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tls12::Connection client =
        tls12::Connection::client(tls12_fuzz::client_config13(), tls12_fuzz::kServerName);
    (void)client.take_output();  // the ClientHello
    tls12_fuzz::Chunker chunks(data, size);
    tls12_fuzz::pump(client, chunks);
    return 0;
}
