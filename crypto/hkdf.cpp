// RFC 5869 over our Hmac (keyed once per call, reset between blocks).
#include <tls12/crypto/hkdf.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <tls12/crypto/hmac.h>

namespace tls12::crypto {

SecretBytes hkdf_extract(HashAlgorithm algorithm, ByteView salt, ByteView ikm) {
    Hmac mac(algorithm, salt);
    mac.update(ikm);
    SecretBytes prk(mac.size());
    mac.finish(prk.span());
    return prk;
}

void hkdf_expand(HashAlgorithm algorithm, ByteView prk, ByteView info, MutableByteView out) {
    const size_t hash_len = digest_size(algorithm);
    // RFC 5869 2.3: L <= 255 * HashLen (the block counter is one octet).
    if (hash_len == 0 || out.size() > 255 * hash_len)
        throw std::invalid_argument("hkdf_expand: output longer than 255 * HashLen");
    Hmac mac(algorithm, prk);
    uint8_t block[64];  // T(i); the largest digest is SHA-512's
    size_t done = 0;
    for (unsigned counter = 1; done < out.size(); ++counter) {
        if (counter > 1) mac.update({block, hash_len});  // T(i-1), empty for T(1)
        mac.update(info);
        const uint8_t counter_octet = static_cast<uint8_t>(counter);
        mac.update({&counter_octet, 1});
        mac.finish({block, hash_len});
        const size_t take = std::min(hash_len, out.size() - done);
        std::memcpy(out.data() + done, block, take);
        done += take;
    }
    secure_wipe(block, sizeof block);
}

SecretBytes hkdf(HashAlgorithm algorithm, ByteView salt, ByteView ikm, ByteView info,
                 size_t length) {
    const SecretBytes prk = hkdf_extract(algorithm, salt, ikm);
    SecretBytes okm(length);
    hkdf_expand(algorithm, prk.view(), info, okm.span());
    return okm;
}

}  // namespace tls12::crypto
