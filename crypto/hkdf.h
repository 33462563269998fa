// HKDF (RFC 5869): extract-then-expand key derivation over HMAC, which the TLS 1.3 key schedule
// (RFC 8446 7.1) is built on.
#pragma once

#include <tls12/crypto/hash.h>

namespace tls12::crypto {

// HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM): the pseudorandom key, digest_size(algorithm)
// bytes. An empty salt stands for HashLen zero bytes (RFC 5869 2.2), which HMAC pads alike.
SecretBytes hkdf_extract(HashAlgorithm algorithm, ByteView salt, ByteView ikm);

// HKDF-Expand(PRK, info, L) with L = out.size(): T(1) || T(2) || ... truncated to L, where
// T(i) = HMAC-Hash(PRK, T(i-1) || info || i). Throws std::invalid_argument when L is more than
// 255 * HashLen (RFC 5869 2.3). No heap allocation.
void hkdf_expand(HashAlgorithm algorithm, ByteView prk, ByteView info, MutableByteView out);

// Extract, then expand to length bytes.
SecretBytes hkdf(HashAlgorithm algorithm, ByteView salt, ByteView ikm, ByteView info,
                 size_t length);

}  // namespace tls12::crypto
