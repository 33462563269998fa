// The TLS 1.2 pseudo-random function, RFC 5246 section 5: PRF(secret, label, seed) = P_hash(secret,
// label + seed).
#pragma once

#include <string_view>

#include <tls12/crypto/hash.h>

namespace tls12::crypto {

// Fills out entirely. algorithm is the suite's PRF hash (SHA-256 or SHA-384).
void tls12_prf(HashAlgorithm algorithm, ByteView secret, std::string_view label, ByteView seed,
               MutableByteView out);

}  // namespace tls12::crypto
