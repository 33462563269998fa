// RFC 5246 section 5: PRF(secret, label, seed) = P_<hash>(secret, label + seed), where
//   P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
//   A(0) = seed, A(i) = HMAC(secret, A(i-1)).
#include <tls12/crypto/prf.h>

#include <algorithm>
#include <cstring>

#include <tls12/crypto/hmac.h>

namespace tls12::crypto {

void tls12_prf(HashAlgorithm algorithm, ByteView secret, std::string_view label, ByteView seed,
               MutableByteView out) {
    Hmac mac(algorithm, secret);
    const size_t n = mac.size();
    uint8_t a[64];      // A(i)
    uint8_t block[64];  // HMAC(secret, A(i) + label + seed)

    // A(1) = HMAC(secret, label + seed)
    mac.update(as_bytes(label));
    mac.update(seed);
    mac.finish({a, n});

    size_t done = 0;
    while (done < out.size()) {
        mac.update({a, n});
        mac.update(as_bytes(label));
        mac.update(seed);
        mac.finish({block, n});
        const size_t take = std::min(n, out.size() - done);
        std::memcpy(out.data() + done, block, take);
        done += take;
        if (done < out.size()) {
            mac.update({a, n});
            mac.finish({a, n});  // A(i+1) = HMAC(secret, A(i))
        }
    }
    secure_wipe(a, sizeof a);
    secure_wipe(block, sizeof block);
}

}  // namespace tls12::crypto
