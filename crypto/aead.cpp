// AEADs for the record layer. The key schedule (AES round keys, GHASH tables, ChaCha key) is done
// once in the constructor; seal/open only resynchronise with the nonce, so no call allocates.
#include <tls12/crypto/aead.h>

#include <optional>
#include <stdexcept>
#include <variant>

#include <cryptopp/aes.h>
#include <cryptopp/chacha.h>
#include <cryptopp/gcm.h>
#include <cryptopp/poly1305.h>

namespace tls12::crypto {

size_t aead_key_size(AeadAlgorithm algorithm) noexcept {
    switch (algorithm) {
        case AeadAlgorithm::aes128_gcm:
            return 16;
        case AeadAlgorithm::aes256_gcm:
        case AeadAlgorithm::chacha20_poly1305:
            return 32;
        default:
            return 0;
    }
}

const char* to_string(AeadAlgorithm algorithm) noexcept {
    switch (algorithm) {
        case AeadAlgorithm::aes128_gcm:
            return "AES-128-GCM";
        case AeadAlgorithm::aes256_gcm:
            return "AES-256-GCM";
        case AeadAlgorithm::chacha20_poly1305:
            return "ChaCha20-Poly1305";
        default:
            return "unknown";
    }
}

namespace {

// With PCLMULQDQ available Crypto++ ignores the table option and uses carry-less multiplication;
// without it the 2K tables are the better trade (64K tables cost 64 KiB per direction per epoch
// and measured no faster here; see bench/crypto_bench.cpp).
using Gcm = CryptoPP::GCM<CryptoPP::AES, CryptoPP::GCM_2K_Tables>;

const uint8_t kDummyNonce[aead_nonce_size] = {};

struct GcmCipher {
    std::optional<Gcm::Encryption> enc;
    std::optional<Gcm::Decryption> dec;

    GcmCipher(ByteView key, AeadUse use) {
        if (use != AeadUse::open_only)
            enc.emplace().SetKeyWithIV(key.data(), key.size(), kDummyNonce, sizeof kDummyNonce);
        if (use != AeadUse::seal_only)
            dec.emplace().SetKeyWithIV(key.data(), key.size(), kDummyNonce, sizeof kDummyNonce);
    }

    void seal(ByteView nonce, ByteView aad, ByteView in, MutableByteView out, MutableByteView tag) {
        if (!enc) throw std::logic_error("Aead: keyed for opening only");
        enc->EncryptAndAuthenticate(out.data(), tag.data(), aead_tag_size, nonce.data(),
                                    static_cast<int>(nonce.size()), aad.data(), aad.size(),
                                    in.data(), in.size());
    }

    // EncryptAndAuthenticate()'s steps, the data given in two pieces.
    void seal(ByteView nonce, ByteView aad, ByteView in, ByteView trailer, MutableByteView out,
              MutableByteView tag) {
        if (!enc) throw std::logic_error("Aead: keyed for opening only");
        enc->Resynchronize(nonce.data(), static_cast<int>(nonce.size()));
        enc->SpecifyDataLengths(aad.size(), in.size() + trailer.size(), 0);
        enc->Update(aad.data(), aad.size());
        if (!in.empty()) enc->ProcessData(out.data(), in.data(), in.size());
        if (!trailer.empty())
            enc->ProcessData(out.data() + in.size(), trailer.data(), trailer.size());
        enc->TruncatedFinal(tag.data(), aead_tag_size);
    }

    // DecryptAndVerify() would allocate a digest buffer in TruncatedVerify(); the same steps
    // with the tag computed into a stack buffer do not.
    bool open(ByteView nonce, ByteView aad, ByteView in, MutableByteView out, ByteView tag) {
        if (!dec) throw std::logic_error("Aead: keyed for sealing only");
        dec->Resynchronize(nonce.data(), static_cast<int>(nonce.size()));
        dec->SpecifyDataLengths(aad.size(), in.size(), 0);
        dec->Update(aad.data(), aad.size());
        dec->ProcessData(out.data(), in.data(), in.size());
        uint8_t expected[aead_tag_size];
        dec->TruncatedFinal(expected, sizeof expected);
        return constant_time_equal(expected, tag);
    }
};

// RFC 8439 section 2.8, composed from Crypto++'s ChaChaTLS (32-bit counter, 96-bit nonce) and
// Poly1305TLS. Crypto++'s ChaCha20Poly1305 class re-keys through AlgorithmParameters on every
// nonce (several heap allocations per record), so the construction is spelled out here.
struct ChaChaPolyCipher {
    CryptoPP::ChaChaTLS::Encryption chacha;  // a stream cipher: the same object decrypts
    CryptoPP::Poly1305TLS poly;

    ChaChaPolyCipher(ByteView key, AeadUse) {
        chacha.SetKeyWithIV(key.data(), key.size(), kDummyNonce, sizeof kDummyNonce);
    }

    // Resynchronises to block 0, takes the one-time Poly1305 key from it; block 1 onwards is
    // left for the data.
    void start(ByteView nonce, ByteView aad) {
        chacha.Resynchronize(nonce.data(), static_cast<int>(nonce.size()));
        uint8_t block0[64] = {};
        chacha.ProcessString(block0, sizeof block0);
        poly.SetKey(block0, 32);
        secure_wipe(block0, sizeof block0);
        poly.Update(aad.data(), aad.size());
        pad16(aad.size());
    }

    void pad16(size_t n) {
        static const uint8_t zeros[16] = {};
        if (n % 16 != 0) poly.Update(zeros, 16 - n % 16);
    }

    void finish(size_t aad_size, size_t data_size, uint8_t* tag) {
        pad16(data_size);
        uint8_t lengths[16];
        for (int i = 0; i < 8; ++i) {
            lengths[i] = static_cast<uint8_t>(uint64_t{aad_size} >> (8 * i));
            lengths[8 + i] = static_cast<uint8_t>(uint64_t{data_size} >> (8 * i));
        }
        poly.Update(lengths, sizeof lengths);
        poly.TruncatedFinal(tag, aead_tag_size);
    }

    void seal(ByteView nonce, ByteView aad, ByteView in, MutableByteView out, MutableByteView tag) {
        start(nonce, aad);
        chacha.ProcessData(out.data(), in.data(), in.size());
        poly.Update(out.data(), out.size());
        finish(aad.size(), out.size(), tag.data());
    }

    // The keystream carries on from the plaintext into the trailer.
    void seal(ByteView nonce, ByteView aad, ByteView in, ByteView trailer, MutableByteView out,
              MutableByteView tag) {
        start(nonce, aad);
        if (!in.empty()) chacha.ProcessData(out.data(), in.data(), in.size());
        if (!trailer.empty())
            chacha.ProcessData(out.data() + in.size(), trailer.data(), trailer.size());
        poly.Update(out.data(), out.size());
        finish(aad.size(), out.size(), tag.data());
    }

    // The MAC is over the ciphertext, so a forgery is rejected before anything is decrypted.
    bool open(ByteView nonce, ByteView aad, ByteView in, MutableByteView out, ByteView tag) {
        start(nonce, aad);
        poly.Update(in.data(), in.size());
        uint8_t expected[aead_tag_size];
        finish(aad.size(), in.size(), expected);
        if (!constant_time_equal(expected, tag)) return false;
        chacha.ProcessData(out.data(), in.data(), in.size());
        return true;
    }
};

}  // namespace

struct Aead::Impl {
    std::variant<GcmCipher, ChaChaPolyCipher> ciphers;

    Impl(AeadAlgorithm algorithm, ByteView key, AeadUse use) : ciphers(make(algorithm, key, use)) {}

    static decltype(ciphers) make(AeadAlgorithm algorithm, ByteView key, AeadUse use) {
        if (algorithm == AeadAlgorithm::chacha20_poly1305) {
            return decltype(ciphers)(std::in_place_type<ChaChaPolyCipher>, key, use);
        }
        return decltype(ciphers)(std::in_place_type<GcmCipher>, key, use);
    }
};

Aead::Aead(AeadAlgorithm algorithm, ByteView key, AeadUse use) : algorithm_(algorithm) {
    const size_t expected = aead_key_size(algorithm);
    if (expected == 0) throw std::invalid_argument("Aead: unknown algorithm");
    if (key.size() != expected) throw std::invalid_argument("Aead: wrong key size");
    impl_ = std::make_unique<Impl>(algorithm, key, use);
}

Aead::~Aead() = default;
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;

namespace {
void check_sizes(ByteView nonce, size_t tag_size) {
    if (nonce.size() != aead_nonce_size)
        throw std::invalid_argument("Aead: nonce must be 12 bytes");
    if (tag_size != aead_tag_size) throw std::invalid_argument("Aead: tag must be 16 bytes");
}
}  // namespace

void Aead::seal(ByteView nonce, ByteView aad, MutableByteView data, MutableByteView tag) {
    seal(nonce, aad, data, data, tag);
}

void Aead::seal(ByteView nonce, ByteView aad, ByteView plaintext, MutableByteView ciphertext,
                MutableByteView tag) {
    check_sizes(nonce, tag.size());
    if (plaintext.size() != ciphertext.size())
        throw std::invalid_argument("Aead: plaintext and ciphertext sizes differ");
    std::visit([&](auto& c) { c.seal(nonce, aad, plaintext, ciphertext, tag); }, impl_->ciphers);
}

void Aead::seal(ByteView nonce, ByteView aad, ByteView plaintext, ByteView trailer,
                MutableByteView ciphertext, MutableByteView tag) {
    check_sizes(nonce, tag.size());
    if (plaintext.size() + trailer.size() != ciphertext.size())
        throw std::invalid_argument("Aead: ciphertext size is not plaintext and trailer sizes");
    std::visit([&](auto& c) { c.seal(nonce, aad, plaintext, trailer, ciphertext, tag); },
               impl_->ciphers);
}

bool Aead::open(ByteView nonce, ByteView aad, MutableByteView data, ByteView tag) {
    return open(nonce, aad, data, data, tag);
}

bool Aead::open(ByteView nonce, ByteView aad, ByteView ciphertext, MutableByteView plaintext,
                ByteView tag) {
    check_sizes(nonce, tag.size());
    if (plaintext.size() != ciphertext.size())
        throw std::invalid_argument("Aead: plaintext and ciphertext sizes differ");
    const bool ok = std::visit(
        [&](auto& c) { return c.open(nonce, aad, ciphertext, plaintext, tag); }, impl_->ciphers);
    // Never release unauthenticated plaintext.
    if (!ok) secure_wipe(plaintext.data(), plaintext.size());
    return ok;
}

}  // namespace tls12::crypto
