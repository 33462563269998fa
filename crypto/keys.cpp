// RSA and ECDSA keys over Crypto++: DER loading, signatures, PKCS#1 v1.5 key transport, and the
// constant-time RSA premaster decryption of RFC 5246 7.4.7.1.
#include <tls12/crypto/keys.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include <cryptopp/asn.h>
#include <cryptopp/dsa.h>
#include <cryptopp/eccrypto.h>
#include <cryptopp/oids.h>
#include <cryptopp/osrng.h>
#include <cryptopp/pssr.h>
#include <cryptopp/queue.h>
#include <cryptopp/rsa.h>
#include <cryptopp/sha.h>

namespace tls12::crypto {
namespace {

using CryptoPP::Integer;
using EcPublic = CryptoPP::DL_PublicKey_EC<CryptoPP::ECP>;
using EcPrivate = CryptoPP::DL_PrivateKey_EC<CryptoPP::ECP>;
using EcParams = CryptoPP::DL_GroupParameters_EC<CryptoPP::ECP>;

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

// Calls f with a std::type_identity of the Crypto++ hash class.
template <class F>
decltype(auto) with_hash(HashAlgorithm hash, F&& f) {
    switch (hash) {
        case HashAlgorithm::sha1:
            return f(std::type_identity<CryptoPP::SHA1>{});
        case HashAlgorithm::sha256:
            return f(std::type_identity<CryptoPP::SHA256>{});
        case HashAlgorithm::sha384:
            return f(std::type_identity<CryptoPP::SHA384>{});
        case HashAlgorithm::sha512:
            return f(std::type_identity<CryptoPP::SHA512>{});
        default:
            throw KeyError("unknown hash algorithm");
    }
}

// --- constant-time helpers ----------------------------------------------------------------------

// Hides a value from the optimiser so mask arithmetic is not turned back into branches.
inline uint32_t value_barrier(uint32_t x) {
    asm volatile("" : "+r"(x));
    return x;
}
// All ones when x == 0, else zero.
inline uint32_t ct_is_zero(uint32_t x) {
    return value_barrier(0u - ((~x & (x - 1)) >> 31));
}
inline uint32_t ct_eq(uint32_t a, uint32_t b) {
    return ct_is_zero(a ^ b);
}

// --- DER helpers --------------------------------------------------------------------------------

// Strict DER ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } to r || s (each n bytes).
// Both curves' signatures are shorter than 128 bytes, so only short-form lengths are valid DER.
bool ecdsa_der_to_p1363(ByteView der, size_t n, uint8_t* out) {
    if (der.size() < 8 || der[0] != 0x30 || der[1] >= 0x80 || size_t{der[1]} + 2 != der.size()) {
        return false;
    }
    std::memset(out, 0, 2 * n);
    size_t pos = 2;
    for (int i = 0; i < 2; ++i) {
        if (pos + 2 > der.size() || der[pos] != 0x02) return false;
        size_t len = der[pos + 1];
        pos += 2;
        if (len == 0 || len >= 0x80 || pos + len > der.size()) return false;
        const uint8_t* p = der.data() + pos;
        if (p[0] & 0x80) return false;                                 // negative
        if (len > 1 && p[0] == 0 && (p[1] & 0x80) == 0) return false;  // not minimal
        pos += len;
        if (p[0] == 0 && len > 1) {
            ++p;
            --len;
        }
        if (len > n) return false;
        std::memcpy(out + i * n + (n - len), p, len);
    }
    return pos == der.size();
}

Bytes sign_message(const CryptoPP::PK_Signer& signer, CryptoPP::RandomNumberGenerator& rng,
                   ByteView message) {
    Bytes sig(signer.MaxSignatureLength());
    sig.resize(signer.SignMessage(rng, message.data(), message.size(), sig.data()));
    return sig;
}

bool verify_rsa(const CryptoPP::PK_Verifier& verifier, const Integer& modulus, ByteView message,
                ByteView signature) {
    // RFC 8017 8.1.2 / 8.2.2 step 1: the signature is exactly k bytes long.
    if (signature.size() != verifier.SignatureLength()) return false;
    // RFC 8017 5.2.2 (RSAVP1) step 1: the representative s must lie in [0, n - 1]. Crypto++
    // exponentiates whatever it is given, so s + n (when it still fits in k bytes) would verify
    // as a second encoding of the same signature.
    if (Integer(signature.data(), signature.size()) >= modulus) return false;
    return verifier.VerifyMessage(message.data(), message.size(), signature.data(),
                                  signature.size());
}

Bytes queue_bytes(CryptoPP::ByteQueue& queue) {
    Bytes out(static_cast<size_t>(queue.MaxRetrievable()));
    queue.Get(out.data(), out.size());
    return out;
}

KeyType ec_key_type(const EcParams& params) {
    if (params == EcParams(CryptoPP::ASN1::secp256r1())) return KeyType::ecdsa_p256;
    if (params == EcParams(CryptoPP::ASN1::secp384r1())) return KeyType::ecdsa_p384;
    throw KeyError("unsupported elliptic curve (only P-256 and P-384)");
}

CryptoPP::OID ec_oid(KeyType type) {
    return type == KeyType::ecdsa_p256 ? CryptoPP::ASN1::secp256r1() : CryptoPP::ASN1::secp384r1();
}

// Decodes der completely with decode(source); throws KeyError on any error or trailing bytes.
template <class F>
void decode_all(ByteView der, F&& decode) {
    try {
        CryptoPP::ArraySource source(der.data(), der.size(), true);
        decode(source);
        if (source.AnyRetrievable()) throw KeyError("trailing bytes after the key");
    } catch (const CryptoPP::Exception& e) {
        throw KeyError(std::string("malformed key: ") + e.what());
    }
}

}  // namespace

const char* to_string(KeyType type) noexcept {
    switch (type) {
        case KeyType::rsa:
            return "RSA";
        case KeyType::ecdsa_p256:
            return "ECDSA P-256";
        case KeyType::ecdsa_p384:
            return "ECDSA P-384";
        default:
            return "unknown";
    }
}

// === PublicKey ==================================================================================

struct PublicKey::Impl {
    KeyType type = KeyType::rsa;
    CryptoPP::RSA::PublicKey rsa;
    EcPublic ec;
};

PublicKey::PublicKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::PublicKey(const PublicKey& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
PublicKey& PublicKey::operator=(const PublicKey& other) {
    if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
    return *this;
}

PublicKey PublicKey::from_spki_der(ByteView spki) {
    auto impl = std::make_unique<Impl>();
    try {
        decode_all(spki, [&](auto& src) { impl->rsa.BERDecode(src); });
        if (!impl->rsa.Validate(CryptoPP::NullRNG(), 1)) throw KeyError("invalid RSA public key");
        impl->type = KeyType::rsa;
        return PublicKey(std::move(impl));
    } catch (const KeyError&) {
        // not RSA: try EC below
    }
    decode_all(spki, [&](auto& src) { impl->ec.BERDecode(src); });
    impl->type = ec_key_type(impl->ec.GetGroupParameters());
    impl->ec.AccessGroupParameters().SetEncodeAsOID(true);
    // On the curve and not the identity (Crypto++ level 1 element validation).
    if (!impl->ec.Validate(CryptoPP::NullRNG(), 1)) throw KeyError("invalid EC public key");
    return PublicKey(std::move(impl));
}

namespace {
// Modulus size for RSA, field size for the NIST curves.
size_t key_bits(KeyType type, const CryptoPP::Integer& rsa_modulus) {
    switch (type) {
        case KeyType::rsa:
            return rsa_modulus.BitCount();
        case KeyType::ecdsa_p256:
            return 256;
        case KeyType::ecdsa_p384:
            return 384;
        default:
            return 0;
    }
}
}  // namespace

KeyType PublicKey::type() const noexcept {
    return impl_->type;
}

size_t PublicKey::bits() const noexcept {
    return key_bits(impl_->type, impl_->rsa.GetModulus());
}

size_t PublicKey::rsa_exponent_bits() const noexcept {
    return impl_->type == KeyType::rsa ? impl_->rsa.GetPublicExponent().BitCount() : 0;
}

Bytes PublicKey::spki_der() const {
    CryptoPP::ByteQueue queue;
    if (impl_->type == KeyType::rsa) {
        impl_->rsa.DEREncode(queue);
    } else {
        impl_->ec.DEREncode(queue);
    }
    return queue_bytes(queue);
}

bool PublicKey::verify(SignatureAlgorithm algorithm, ByteView message, ByteView signature) const {
    try {
        const bool is_rsa = impl_->type == KeyType::rsa;
        if (is_rsa != (algorithm.padding != SignaturePadding::ecdsa)) return false;
        return with_hash(algorithm.hash, [&](auto tag) -> bool {
            using H = typename decltype(tag)::type;
            if (algorithm.padding == SignaturePadding::ecdsa) {
                typename CryptoPP::ECDSA<CryptoPP::ECP, H>::Verifier verifier(impl_->ec);
                const size_t n = verifier.SignatureLength() / 2;
                uint8_t p1363[2 * 48];
                if (2 * n > sizeof p1363 || !ecdsa_der_to_p1363(signature, n, p1363)) return false;
                return verifier.VerifyMessage(message.data(), message.size(), p1363, 2 * n);
            }
            if (algorithm.padding == SignaturePadding::pss) {
                if constexpr (std::is_same_v<H, CryptoPP::SHA1>) {
                    return false;  // rsa_pss with SHA-1 is not a TLS scheme
                } else {
                    const typename CryptoPP::RSASS<CryptoPP::PSS, H>::Verifier v(impl_->rsa);
                    return verify_rsa(v, impl_->rsa.GetModulus(), message, signature);
                }
            }
            const typename CryptoPP::RSASS<CryptoPP::PKCS1v15, H>::Verifier v(impl_->rsa);
            return verify_rsa(v, impl_->rsa.GetModulus(), message, signature);
        });
    } catch (...) {
        return false;  // malformed input never escapes as an exception
    }
}

Bytes PublicKey::rsa_encrypt_pkcs1(ByteView plaintext, Random& random) const {
    if (impl_->type != KeyType::rsa) throw KeyError("rsa_encrypt_pkcs1: not an RSA key");
    CryptoPP::RSAES<CryptoPP::PKCS1v15>::Encryptor encryptor(impl_->rsa);
    if (plaintext.size() > encryptor.FixedMaxPlaintextLength()) {
        throw std::invalid_argument("rsa_encrypt_pkcs1: plaintext too long for the modulus");
    }
    RngAdapter rng(random);
    Bytes out(encryptor.FixedCiphertextLength());
    encryptor.Encrypt(rng, plaintext.data(), plaintext.size(), out.data());
    return out;
}

Bytes PublicKey::rsa_raw_public(ByteView m) const {
    if (impl_->type != KeyType::rsa) throw KeyError("rsa_raw_public: not an RSA key");
    const Integer& n = impl_->rsa.GetModulus();
    Integer x(m.data(), m.size());
    if (x >= n) throw std::invalid_argument("rsa_raw_public: value not below the modulus");
    Bytes out(n.ByteCount());
    impl_->rsa.ApplyFunction(x).Encode(out.data(), out.size());
    return out;
}

// === PrivateKey =================================================================================

struct PrivateKey::Impl {
    KeyType type = KeyType::rsa;
    CryptoPP::InvertibleRSAFunction rsa;
    EcPrivate ec;

    void check_rsa() const {
        if (!rsa.Validate(CryptoPP::NullRNG(), 1)) throw KeyError("inconsistent RSA private key");
        if (rsa.GetModulus().BitCount() < 512) throw KeyError("RSA key too small");
    }
    void check_ec() {
        type = ec_key_type(ec.GetGroupParameters());
        ec.AccessGroupParameters().SetEncodeAsOID(true);
        if (!ec.Validate(CryptoPP::NullRNG(), 1)) throw KeyError("invalid EC private key");
        precompute_ec();
    }
    // A fixed-base table for k*G makes ECDSA signing several times faster. Each sign() works on
    // its own copy of the key (Crypto++ curve objects have mutable scratch members), so a
    // PrivateKey can be shared between threads.
    void precompute_ec() { ec.AccessGroupParameters().Precompute(); }
};

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;

PrivateKey PrivateKey::from_pkcs8_der(ByteView der) {
    auto impl = std::make_unique<Impl>();
    try {
        decode_all(der, [&](auto& src) { impl->rsa.BERDecode(src); });
        impl->type = KeyType::rsa;
        impl->check_rsa();
        return PrivateKey(std::move(impl));
    } catch (const KeyError&) {
        // not an RSA PrivateKeyInfo: try EC below
    }
    decode_all(der, [&](auto& src) { impl->ec.BERDecode(src); });
    impl->check_ec();
    return PrivateKey(std::move(impl));
}

PrivateKey PrivateKey::from_pkcs1_der(ByteView der) {
    auto impl = std::make_unique<Impl>();
    decode_all(der, [&](auto& src) { impl->rsa.BERDecodePrivateKey(src, false, der.size()); });
    impl->type = KeyType::rsa;
    impl->check_rsa();
    return PrivateKey(std::move(impl));
}

PrivateKey PrivateKey::from_sec1_der(ByteView der) {
    auto impl = std::make_unique<Impl>();
    // SEC1 ECPrivateKey carries the curve in its [0] parameters field.
    decode_all(der, [&](auto& src) { impl->ec.BERDecodePrivateKey(src, false, der.size()); });
    impl->check_ec();
    return PrivateKey(std::move(impl));
}

PrivateKey PrivateKey::from_der(ByteView der) {
    try {
        return from_pkcs8_der(der);
    } catch (const KeyError&) {
    }
    try {
        return from_pkcs1_der(der);
    } catch (const KeyError&) {
    }
    try {
        return from_sec1_der(der);
    } catch (const KeyError&) {
    }
    throw KeyError("not a PKCS#8, PKCS#1 or SEC1 private key");
}

PrivateKey PrivateKey::generate_rsa(size_t bits, Random& random) {
    if (bits < 1024 || bits > 16384) throw KeyError("generate_rsa: size must be 1024..16384 bits");
    auto impl = std::make_unique<Impl>();
    RngAdapter rng(random);
    impl->rsa.Initialize(rng, static_cast<unsigned>(bits), Integer(65537));
    impl->type = KeyType::rsa;
    return PrivateKey(std::move(impl));
}

PrivateKey PrivateKey::generate_ecdsa(KeyType type, Random& random) {
    if (type != KeyType::ecdsa_p256 && type != KeyType::ecdsa_p384) {
        throw KeyError("generate_ecdsa: type must be an ECDSA curve");
    }
    auto impl = std::make_unique<Impl>();
    RngAdapter rng(random);
    impl->ec.Initialize(rng, ec_oid(type));
    impl->type = type;
    impl->precompute_ec();
    return PrivateKey(std::move(impl));
}

KeyType PrivateKey::type() const noexcept {
    return impl_->type;
}

size_t PrivateKey::bits() const noexcept {
    return key_bits(impl_->type, impl_->rsa.GetModulus());
}

PublicKey PrivateKey::public_key() const {
    auto impl = std::make_unique<PublicKey::Impl>();
    impl->type = impl_->type;
    if (impl_->type == KeyType::rsa) {
        impl->rsa.Initialize(impl_->rsa.GetModulus(), impl_->rsa.GetPublicExponent());
    } else {
        impl_->ec.MakePublicKey(impl->ec);
        impl->ec.AccessGroupParameters().SetEncodeAsOID(true);
    }
    return PublicKey(std::move(impl));
}

SecretBytes PrivateKey::pkcs8_der() const {
    CryptoPP::ByteQueue queue;  // its buffers are SecByteBlocks, wiped when freed
    if (impl_->type == KeyType::rsa) {
        impl_->rsa.DEREncode(queue);
    } else {
        impl_->ec.DEREncode(queue);
    }
    SecretBytes out(static_cast<size_t>(queue.MaxRetrievable()));
    queue.Get(out.data(), out.size());
    return out;
}

Bytes PrivateKey::sign(SignatureAlgorithm algorithm, ByteView message, Random& random) const {
    const bool is_rsa = impl_->type == KeyType::rsa;
    if (is_rsa != (algorithm.padding != SignaturePadding::ecdsa)) {
        throw KeyError("signature algorithm does not fit the key type");
    }
    if (algorithm.hash == HashAlgorithm::sha1) throw KeyError("refusing to sign with SHA-1");
    RngAdapter rng(random);
    return with_hash(algorithm.hash, [&](auto tag) -> Bytes {
        using H = typename decltype(tag)::type;
        if (algorithm.padding == SignaturePadding::ecdsa) {
            // Crypto++ produces IEEE P1363 r || s; TLS wants DER (RFC 8422 5.4).
            const typename CryptoPP::ECDSA<CryptoPP::ECP, H>::Signer signer(impl_->ec);
            Bytes p1363 = sign_message(signer, rng, message);
            Bytes der(p1363.size() + 9);
            der.resize(CryptoPP::DSAConvertSignatureFormat(der.data(), der.size(),
                                                           CryptoPP::DSA_DER, p1363.data(),
                                                           p1363.size(), CryptoPP::DSA_P1363));
            return der;
        }
        if (algorithm.padding == SignaturePadding::pss) {
            const typename CryptoPP::RSASS<CryptoPP::PSS, H>::Signer signer(impl_->rsa);
            return sign_message(signer, rng, message);
        }
        const typename CryptoPP::RSASS<CryptoPP::PKCS1v15, H>::Signer signer(impl_->rsa);
        return sign_message(signer, rng, message);
    });
}

SecretBytes PrivateKey::rsa_decrypt_premaster(ByteView ciphertext, uint16_t client_version,
                                              Random& random) const {
    if (impl_->type != KeyType::rsa) throw KeyError("rsa_decrypt_premaster: not an RSA key");
    constexpr size_t premaster_size = 48;

    // RFC 5246 7.4.7.1: generate the random premaster R first, use it on any failure.
    SecretBytes result(premaster_size);
    random.fill(result.span());

    const auto& key = impl_->rsa;
    const Integer& n = key.GetModulus();
    const size_t k = n.ByteCount();
    // 00 02 || >= 8 nonzero padding bytes || 00 || 48 bytes: a key this small can never carry it.
    if (k < premaster_size + 11) return result;

    // Public facts: the ciphertext length and whether its value is below the modulus. Either way
    // the private-key operation and the padding checks below run in full.
    uint32_t good = ct_eq(static_cast<uint32_t>(ciphertext.size() != k), 0);
    // A ciphertext of the wrong length is truncated or zero-padded to k bytes and used anyway.
    CryptoPP::SecByteBlock c_bytes(k);
    std::memset(c_bytes.data(), 0, k);
    if (!ciphertext.empty()) {
        std::memcpy(c_bytes.data(), ciphertext.data(), std::min(ciphertext.size(), k));
    }
    Integer c(c_bytes.data(), k);
    if (c >= n) {
        good = 0;
        c %= n;
    }

    CryptoPP::SecByteBlock em(k);
    std::memset(em.data(), 0, k);
    try {
        RngAdapter rng(random);
        // Blinded CRT exponentiation with a fault check.
        key.CalculateInverse(rng, c).Encode(em.data(), k);
    } catch (const CryptoPP::Exception&) {
        good = 0;
    }

    // EM = 00 || 02 || PS (k-51 nonzero bytes) || 00 || version (2) || random (46). With k >= 59
    // the padding is at least 8 bytes; requiring every PS byte nonzero and the zero separator at
    // k-49 means the message is exactly 48 bytes. No branch depends on the contents.
    good &= ct_eq(em[0], 0x00);
    good &= ct_eq(em[1], 0x02);
    for (size_t i = 2; i < k - premaster_size - 1; ++i) good &= ~ct_is_zero(em[i]);
    good &= ct_eq(em[k - premaster_size - 1], 0x00);
    good &= ct_eq(em[k - premaster_size], client_version >> 8);
    good &= ct_eq(em[k - premaster_size + 1], client_version & 0xff);

    const auto mask = static_cast<uint8_t>(value_barrier(good));
    const uint8_t* m = em.data() + (k - premaster_size);
    for (size_t i = 0; i < premaster_size; ++i) {
        result[i] = static_cast<uint8_t>((m[i] & mask) | (result[i] & static_cast<uint8_t>(~mask)));
    }
    return result;
}

}  // namespace tls12::crypto
