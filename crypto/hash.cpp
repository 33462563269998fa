// SHA-1/SHA-2 over Crypto++, held by value so copies (transcript snapshots) are cheap.
#include <tls12/crypto/hash.h>

#include <stdexcept>
#include <variant>

#include <cryptopp/sha.h>

namespace tls12::crypto {

size_t digest_size(HashAlgorithm algorithm) noexcept {
    switch (algorithm) {
        case HashAlgorithm::sha1:
            return 20;
        case HashAlgorithm::sha256:
            return 32;
        case HashAlgorithm::sha384:
            return 48;
        case HashAlgorithm::sha512:
            return 64;
        default:
            return 0;
    }
}

const char* to_string(HashAlgorithm algorithm) noexcept {
    switch (algorithm) {
        case HashAlgorithm::sha1:
            return "SHA-1";
        case HashAlgorithm::sha256:
            return "SHA-256";
        case HashAlgorithm::sha384:
            return "SHA-384";
        case HashAlgorithm::sha512:
            return "SHA-512";
        default:
            return "unknown";
    }
}

struct Hash::Impl {
    std::variant<CryptoPP::SHA1, CryptoPP::SHA256, CryptoPP::SHA384, CryptoPP::SHA512> state;

    explicit Impl(HashAlgorithm algorithm) : state(make(algorithm)) {}

    static decltype(state) make(HashAlgorithm algorithm) {
        switch (algorithm) {
            case HashAlgorithm::sha1:
                return CryptoPP::SHA1();
            case HashAlgorithm::sha256:
                return CryptoPP::SHA256();
            case HashAlgorithm::sha384:
                return CryptoPP::SHA384();
            case HashAlgorithm::sha512:
                return CryptoPP::SHA512();
            default:
                throw std::invalid_argument("Hash: unknown algorithm");
        }
    }
};

Hash::Hash(HashAlgorithm algorithm)
    : algorithm_(algorithm), impl_(std::make_unique<Impl>(algorithm)) {}
Hash::~Hash() = default;
Hash::Hash(Hash&&) noexcept = default;
Hash& Hash::operator=(Hash&&) noexcept = default;
Hash::Hash(const Hash& other)
    : algorithm_(other.algorithm_), impl_(std::make_unique<Impl>(*other.impl_)) {}
Hash& Hash::operator=(const Hash& other) {
    if (this != &other) {
        algorithm_ = other.algorithm_;
        impl_ = std::make_unique<Impl>(*other.impl_);
    }
    return *this;
}

void Hash::update(ByteView data) {
    std::visit([&](auto& h) { h.Update(data.data(), data.size()); }, impl_->state);
}

Bytes Hash::peek() const {
    Bytes out(size());
    std::visit(
        [&](const auto& h) {
            auto copy = h;  // the running state stays untouched
            copy.Final(out.data());
        },
        impl_->state);
    return out;
}

Bytes Hash::finish() {
    Bytes out(size());
    std::visit([&](auto& h) { h.Final(out.data()); }, impl_->state);  // Final() restarts
    return out;
}

Bytes hash(HashAlgorithm algorithm, ByteView data) {
    Hash h(algorithm);
    h.update(data);
    return h.finish();
}

}  // namespace tls12::crypto
