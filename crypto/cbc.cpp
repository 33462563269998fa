// AES-CBC over Crypto++'s CBC_Mode<AES> with no padding scheme: ProcessData on whole blocks.
#include <tls12/crypto/cbc.h>

#include <stdexcept>
#include <variant>

#include <cryptopp/aes.h>
#include <cryptopp/modes.h>

namespace tls12::crypto {

struct AesCbc::Impl {
    std::variant<CryptoPP::CBC_Mode<CryptoPP::AES>::Encryption,
                 CryptoPP::CBC_Mode<CryptoPP::AES>::Decryption>
        mode;
};

AesCbc::AesCbc(ByteView key, CbcDirection direction)
    : direction_(direction), impl_(std::make_unique<Impl>()) {
    if (key.size() != 16 && key.size() != 32)
        throw std::invalid_argument("AesCbc: key must be 16 or 32 bytes");
    const uint8_t zero_iv[cbc_block_size] = {};
    if (direction == CbcDirection::encrypt)
        impl_->mode.emplace<0>().SetKeyWithIV(key.data(), key.size(), zero_iv, sizeof zero_iv);
    else
        impl_->mode.emplace<1>().SetKeyWithIV(key.data(), key.size(), zero_iv, sizeof zero_iv);
}

AesCbc::~AesCbc() = default;
AesCbc::AesCbc(AesCbc&&) noexcept = default;
AesCbc& AesCbc::operator=(AesCbc&&) noexcept = default;

void AesCbc::encrypt(ByteView iv, MutableByteView data) {
    if (direction_ != CbcDirection::encrypt) throw std::logic_error("AesCbc: keyed for decryption");
    if (iv.size() != cbc_block_size || data.size() % cbc_block_size != 0)
        throw std::invalid_argument("AesCbc::encrypt: bad IV or partial block");
    auto& mode = std::get<0>(impl_->mode);
    mode.Resynchronize(iv.data(), static_cast<int>(iv.size()));
    if (!data.empty()) mode.ProcessData(data.data(), data.data(), data.size());
}

void AesCbc::decrypt(ByteView iv, MutableByteView data) {
    if (direction_ != CbcDirection::decrypt) throw std::logic_error("AesCbc: keyed for encryption");
    if (iv.size() != cbc_block_size || data.size() % cbc_block_size != 0)
        throw std::invalid_argument("AesCbc::decrypt: bad IV or partial block");
    auto& mode = std::get<1>(impl_->mode);
    mode.Resynchronize(iv.data(), static_cast<int>(iv.size()));
    if (!data.empty()) mode.ProcessData(data.data(), data.data(), data.size());
}

}  // namespace tls12::crypto
