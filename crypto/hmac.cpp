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
    // Runs the dummy compressions of mac_constant_time (same hash function as mac).
    std::variant<CryptoPP::SHA1, CryptoPP::SHA256, CryptoPP::SHA384, CryptoPP::SHA512> dummy;

    Impl(HashAlgorithm algorithm, ByteView key) {
        switch (algorithm) {
            case HashAlgorithm::sha1:
                mac.emplace<0>(key.data(), key.size());
                dummy.emplace<0>();
                break;
            case HashAlgorithm::sha256:
                mac.emplace<1>(key.data(), key.size());
                dummy.emplace<1>();
                break;
            case HashAlgorithm::sha384:
                mac.emplace<2>(key.data(), key.size());
                dummy.emplace<2>();
                break;
            case HashAlgorithm::sha512:
                mac.emplace<3>(key.data(), key.size());
                dummy.emplace<3>();
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

void Hmac::mac_constant_time(ByteView prefix, ByteView data, size_t secret_len,
                             MutableByteView out) {
    if (out.size() < size())
        throw std::invalid_argument("Hmac::mac_constant_time: output too small");
    if (secret_len > data.size())
        throw std::invalid_argument("Hmac::mac_constant_time: secret_len beyond data");
    const bool wide = algorithm_ == HashAlgorithm::sha384 || algorithm_ == HashAlgorithm::sha512;
    const size_t block = wide ? 128 : 64;
    const size_t length_field = wide ? 16 : 8;
    // Compressions of the inner hash over the ipad block and message m bytes long: the padding
    // adds 0x80 and the length field.
    const auto compressions = [&](size_t m) { return (block + m + length_field) / block + 1; };
    const size_t extra =
        compressions(prefix.size() + data.size()) - compressions(prefix.size() + secret_len);
    std::visit(
        [&](auto& m) {
            m.Update(prefix.data(), prefix.size());
            m.Update(data.data(), secret_len);
            m.Final(out.data());
        },
        impl_->mac);
    static constexpr uint8_t zeros[128] = {};
    std::visit(
        [&](auto& h) {
            for (size_t i = 0; i < extra; ++i) h.Update(zeros, block);
            h.Restart();
        },
        impl_->dummy);
}

Bytes hmac(HashAlgorithm algorithm, ByteView key, ByteView data) {
    Hmac m(algorithm, key);
    m.update(data);
    Bytes out(m.size());
    m.finish(out);
    return out;
}

}  // namespace crypto
