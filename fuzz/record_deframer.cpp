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
        auto input = layer.read(chunk);  // keeps the unread rest when it ends, as in the engine
        while (const tls12::SealedRecord* record = input.next()) {
            auto opened = layer.open(*record);
            if (!opened) __builtin_trap();  // no protection: the body is the fragment
            if (opened->fragment.size() > tls12::kMaxCiphertextFragment) __builtin_trap();
            if (opened->type != record->type) __builtin_trap();  // unprotected: the outer type
            // Touch every byte so ASan checks the fragment really is in bounds.
            volatile uint8_t sum = 0;
            for (uint8_t b : opened->fragment) sum = sum + b;
            (void)sum;
        }
        if (input.error()) return 0;  // a header error ends the connection
    }
    return 0;
}
