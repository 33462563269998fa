// A client engine after its ClientHello, fed arbitrary server flights. The client config is the
// deterministic one the corpus generator used, so recorded server flights match its random.
#include <cstddef>
#include <cstdint>

#include "support/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tls12::Connection client =
        tls12::Connection::client(tls12_fuzz::client_config(), tls12_fuzz::kServerName);
    (void)client.take_output();  // the ClientHello
    tls12_fuzz::Chunker chunks(data, size);
    tls12_fuzz::pump(client, chunks);
    return 0;
}
