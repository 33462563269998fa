// A server engine fed arbitrary client bytes (chunked as the first byte says, see Chunker).
#include <cstddef>
#include <cstdint>

#include "support/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tls12_fuzz::Chunker chunks(data, size);
    tls12::Connection server = tls12::Connection::server(tls12_fuzz::server_config());
    tls12_fuzz::pump(server, chunks);
    return 0;
}
