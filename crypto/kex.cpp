// Ephemeral key agreement: X25519 (RFC 7748) and ECDH on secp256r1/secp384r1 (uncompressed points).
#include <tls12/crypto/kex.h>

#include <stdexcept>

#include <cryptopp/eccrypto.h>
#include <cryptopp/oids.h>
#include <cryptopp/secblock.h>
#include <cryptopp/xed25519.h>

namespace tls12::crypto {
namespace {

// Lets Crypto++ draw from our Random interface (deterministic in tests).
class RngAdapter final : public CryptoPP::RandomNumberGenerator {
  public:
    explicit RngAdapter(Random& random) : random_(random) {}
    void GenerateBlock(CryptoPP::byte* output, size_t size) override {
        random_.fill({output, size});
    }

  private:
    Random& random_;
};

CryptoPP::OID curve_oid(KexGroup group) {
    return group == KexGroup::secp256r1 ? CryptoPP::ASN1::secp256r1() : CryptoPP::ASN1::secp384r1();
}

// The curve parameters with a precomputed table for the fixed-base multiplication of key
// generation. Crypto++ group objects keep scratch state in mutable members, so each thread gets
// its own copy; a KeyExchange holds no reference to it and may move between threads.
const CryptoPP::ECDH<CryptoPP::ECP>::Domain& nist_domain(KexGroup group) {
    using Domain = CryptoPP::ECDH<CryptoPP::ECP>::Domain;
    thread_local std::unique_ptr<Domain> p256, p384;
    auto& slot = group == KexGroup::secp256r1 ? p256 : p384;
    if (!slot) {
        slot = std::make_unique<Domain>(curve_oid(group));
        slot->AccessGroupParameters().Precompute();
    }
    return *slot;
}

}  // namespace

const char* to_string(KexGroup group) noexcept {
    switch (group) {
        case KexGroup::x25519:
            return "x25519";
        case KexGroup::secp256r1:
            return "secp256r1";
        case KexGroup::secp384r1:
            return "secp384r1";
        default:
            return "unknown";
    }
}

size_t public_value_size(KexGroup group) noexcept {
    switch (group) {
        case KexGroup::x25519:
            return 32;
        case KexGroup::secp256r1:
            return 65;
        case KexGroup::secp384r1:
            return 97;
        default:
            return 0;
    }
}

struct KeyExchange::Impl {
    CryptoPP::SecByteBlock private_key;  // wiped when freed
};

KeyExchange::KeyExchange(KexGroup group, Random& random) : group_(group) {
    if (public_value_size(group) == 0) throw std::invalid_argument("KeyExchange: unknown group");
    impl_ = std::make_unique<Impl>();
    RngAdapter rng(random);
    if (group == KexGroup::x25519) {
        CryptoPP::x25519 x;
        impl_->private_key.New(CryptoPP::x25519::SECRET_KEYLENGTH);
        public_value_.resize(CryptoPP::x25519::PUBLIC_KEYLENGTH);
        x.GeneratePrivateKey(rng, impl_->private_key);  // 32 random bytes, clamped
        x.GeneratePublicKey(rng, impl_->private_key, public_value_.data());
    } else {
        const auto& dh = nist_domain(group);
        impl_->private_key.New(dh.PrivateKeyLength());
        public_value_.resize(dh.PublicKeyLength());  // uncompressed: 0x04 || X || Y
        dh.GenerateKeyPair(rng, impl_->private_key, public_value_.data());
    }
}

KeyExchange::KeyExchange(KexGroup group) : group_(group), impl_(std::make_unique<Impl>()) {}

KeyExchange KeyExchange::from_private_key(KexGroup group, ByteView private_key) {
    if (public_value_size(group) == 0) throw std::invalid_argument("KeyExchange: unknown group");
    KeyExchange kx(group);
    if (group == KexGroup::x25519) {
        if (private_key.size() != CryptoPP::x25519::SECRET_KEYLENGTH)
            throw std::invalid_argument("KeyExchange: an X25519 private key is 32 bytes");
        auto& k = kx.impl_->private_key;
        k.Assign(private_key.data(), private_key.size());
        // RFC 7748 section 5: decodeScalar25519.
        k[0] &= 248;
        k[31] &= 127;
        k[31] |= 64;
        kx.public_value_.resize(CryptoPP::x25519::PUBLIC_KEYLENGTH);
        CryptoPP::x25519().GeneratePublicKey(CryptoPP::NullRNG(), k, kx.public_value_.data());
        return kx;
    }
    const auto& dh = nist_domain(group);
    if (private_key.size() != dh.PrivateKeyLength())
        throw std::invalid_argument("KeyExchange: private key length does not match the curve");
    const CryptoPP::Integer x(private_key.data(), private_key.size());
    if (x.IsZero() || x >= dh.GetGroupParameters().GetSubgroupOrder())
        throw std::invalid_argument("KeyExchange: private key not in [1, n - 1]");
    kx.impl_->private_key.Assign(private_key.data(), private_key.size());
    kx.public_value_.resize(dh.PublicKeyLength());  // uncompressed: 0x04 || X || Y
    dh.GeneratePublicKey(CryptoPP::NullRNG(), kx.impl_->private_key, kx.public_value_.data());
    return kx;
}

KeyExchange::~KeyExchange() = default;
KeyExchange::KeyExchange(KeyExchange&&) noexcept = default;
KeyExchange& KeyExchange::operator=(KeyExchange&&) noexcept = default;

std::optional<SecretBytes> KeyExchange::agree(ByteView peer) const {
    if (peer.size() != public_value_size(group_)) return std::nullopt;
    try {
        if (group_ == KexGroup::x25519) {
            SecretBytes shared(32);
            CryptoPP::x25519 x;
            // Validation is ours: RFC 7748 section 6.1 / RFC 8422 5.11 reject an all-zero result,
            // which covers every low-order point without a blacklist.
            x.Agree(shared.data(), impl_->private_key, peer.data(), false);
            uint8_t acc = 0;
            for (size_t i = 0; i < shared.size(); ++i) acc |= shared[i];
            if (acc == 0) return std::nullopt;
            return shared;
        }
        // RFC 8422 5.4.1: only the uncompressed form; Crypto++ checks the point is on the curve.
        if (peer[0] != 0x04) return std::nullopt;
        const auto& dh = nist_domain(group_);
        SecretBytes shared(dh.AgreedValueLength());
        if (!dh.Agree(shared.data(), impl_->private_key, peer.data(), true)) return std::nullopt;
        return shared;
    } catch (const CryptoPP::Exception&) {
        return std::nullopt;  // malformed or off-curve peer point
    }
}

}  // namespace tls12::crypto
