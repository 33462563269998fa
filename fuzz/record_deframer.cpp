// The record layer's input side on arbitrary bytes, unprotected: header checks, length limits,
// reassembly across feeds (the first byte picks the chunking, see Chunker).
#include <cstddef>
#include <cstdint>

#include <tls12/tls/record/record_layer.h>
#include "support/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tls12_fuzz::Chunker chunks(data, size);
    tls12::RecordLayer layer;
    for (tls12::ByteView chunk = chunks.next(); !chunk.empty(); chunk = chunks.next()) {
        layer.feed(chunk);
        for (;;) {
            auto rec = layer.next_record();
            if (!rec.ok()) return 0;  // a header error ends the connection
            if (!rec->has_value()) break;
            const tls12::Record& r = **rec;
            if (r.fragment.size() > tls12::kMaxCiphertextFragment) __builtin_trap();
            // Touch every byte so ASan checks the fragment really is in bounds.
            volatile uint8_t sum = 0;
            for (uint8_t b : r.fragment) sum = sum + b;
            (void)sum;
        }
        layer.keep_unread();  // as the engine does at the end of every feed
    }
    return 0;
}
