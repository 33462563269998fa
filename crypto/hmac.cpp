// HMAC over Crypto++'s HMAC<H>, keyed once; finish() resets to the keyed state.
#include "crypto/hmac.h"

#include <stdexcept>
#include <variant>

#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>

namespace crypto {

struct Hmac::Impl {
    std::variant<CryptoPP::HMAC<CryptoPP::SHA1>, CryptoPP::HMAC<CryptoPP::SHA256>,
                 CryptoPP::HMAC<CryptoPP::SHA384>, CryptoPP::HMAC<CryptoPP::SHA512>>
        mac;

    Impl(HashAlgorithm algorithm, ByteView key) {
        switch (algorithm) {
            case HashAlgorithm::sha1:
                mac.emplace<0>(key.data(), key.size());
                break;
            case HashAlgorithm::sha256:
                mac.emplace<1>(key.data(), key.size());
                break;
            case HashAlgorithm::sha384:
                mac.emplace<2>(key.data(), key.size());
                break;
            case HashAlgorithm::sha512:
                mac.emplace<3>(key.data(), key.size());
                break;
            default:
                throw std::invalid_argument("Hmac: unknown algorithm");
        }
    }
};

Hmac::Hmac(HashAlgorithm algorithm, ByteView key)
    : algorithm_(algorithm), impl_(std::make_unique<Impl>(algorithm, key)) {}
Hmac::~Hmac() = default;
Hmac::Hmac(Hmac&&) noexcept = default;
Hmac& Hmac::operator=(Hmac&&) noexcept = default;

void Hmac::update(ByteView data) {
    std::visit([&](auto& m) { m.Update(data.data(), data.size()); }, impl_->mac);
}

void Hmac::finish(MutableByteView out) {
    if (out.size() < size()) throw std::invalid_argument("Hmac::finish: output too small");
    std::visit([&](auto& m) { m.Final(out.data()); }, impl_->mac);
}

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data) {
    Hmac m(algorithm, key);
    m.update(data);
    Bytes out(m.size());
    m.finish(out);
    return out;
}

}  // namespace crypto
