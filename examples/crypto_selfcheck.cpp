// crypto_selfcheck: runs known-answer checks of the crypto/ layer (published vectors for the TLS
// 1.2 PRF, AES-GCM, ChaCha20-Poly1305, X25519, plus RSA/ECDSA sign-verify and the RSA premaster
// path), prints a PASS/FAIL table and the speed of a few operations. Exits 1 on any failure.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/hash.h>
#include <tls12/crypto/kex.h>
#include <tls12/crypto/keys.h>
#include <tls12/crypto/prf.h>
#include <tls12/crypto/random.h>

using namespace tls12::crypto;

namespace {

// Hands out fixed bytes (to pin an X25519 private key to the RFC's).
class FixedRandom final : public Random {
  public:
    explicit FixedRandom(Bytes bytes) : bytes_(std::move(bytes)) {}
    void fill(MutableByteView out) override {
        for (auto& b : out) b = pos_ < bytes_.size() ? bytes_[pos_++] : 0;
    }

  private:
    Bytes bytes_;
    size_t pos_ = 0;
};

bool prf_sha256() {
    // The TLS 1.2 PRF test vector circulated on the IETF TLS list (first 32 of 100 bytes).
    Bytes out(100);
    tls12_prf(HashAlgorithm::sha256, from_hex("9bbe436ba940f017b17652849a71db35"), "test label",
              from_hex("a0ba9f936cda311827a6f796ffd5198c"), out);
    return to_hex(out).rfind("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a",
                             0) == 0;
}

bool prf_sha384() {
    Bytes out(148);
    tls12_prf(HashAlgorithm::sha384, from_hex("b80b733d6ceefcdc71566ea48e5567df"), "test label",
              from_hex("cd665cf6a8447dd6ff8b27555edb7465"), out);
    return to_hex(out).rfind("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd",
                             0) == 0;
}

bool aes_gcm() {
    // McGrew & Viega test case 4 (AES-128, with AAD), then a tampered tag must fail and zero.
    Aead aead(AeadAlgorithm::aes128_gcm, from_hex("feffe9928665731c6d6a8f9467308308"));
    const Bytes nonce = from_hex("cafebabefacedbaddecaf888");
    const Bytes aad = from_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    Bytes data = from_hex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
        "49a6b525b16aedf5aa0de657ba637b39");
    Bytes tag(aead_tag_size);
    aead.seal(nonce, aad, data, tag);
    const bool kat = to_hex(data) ==
                         "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25"
                         "466931c7d8f6a5"
                         "aac84aa051ba30b396a0aac973d58e091" &&
                     to_hex(tag) == "5bc94fbc3221a5db94fae95ae7121a47";
    tag[0] ^= 1;
    const bool rejected = !aead.open(nonce, aad, data, tag) && data == Bytes(data.size(), 0);
    return kat && rejected;
}

bool chacha20_poly1305() {
    // RFC 8439 section 2.8.2.
    Bytes key(32);
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(0x80 + i);
    Aead aead(AeadAlgorithm::chacha20_poly1305, key);
    const std::string text =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        "future, sunscreen would be it.";
    Bytes data(text.begin(), text.end());
    Bytes tag(aead_tag_size);
    aead.seal(from_hex("070000004041424344454647"), from_hex("50515253c0c1c2c3c4c5c6c7"), data,
              tag);
    return to_hex(tag) == "1ae10b594f09e26a7e902ecbd0600691" &&
           to_hex(data).rfind("d31a8d34648e60db7b86afbc53ef7ec2", 0) == 0;
}

bool x25519() {
    // RFC 7748 section 6.1: Alice's private key, Bob's public key, their shared secret.
    FixedRandom alice_key(
        from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    KeyExchange alice(KexGroup::x25519, alice_key);
    auto shared =
        alice.agree(from_hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
    return to_hex(alice.public_value()) ==
               "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a" &&
           shared &&
           to_hex(shared->view()) ==
               "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" &&
           !alice.agree(Bytes(32, 0));  // a low-order point is refused
}

bool nist_ecdh() {
    auto rng = system_random();
    KeyExchange a(KexGroup::secp256r1, *rng), b(KexGroup::secp256r1, *rng);
    auto s1 = a.agree(b.public_value()), s2 = b.agree(a.public_value());
    Bytes off(b.public_value().begin(), b.public_value().end());
    off.back() ^= 1;
    return s1 && s2 && constant_time_equal(s1->view(), s2->view()) && !a.agree(off);
}

const PrivateKey& rsa_key() {
    static const PrivateKey key = PrivateKey::generate_rsa(2048, *deterministic_random(2048));
    return key;
}

bool rsa_signatures() {
    auto rng = system_random();
    const PublicKey pub = rsa_key().public_key();
    const Bytes msg = rng->bytes(100);
    bool ok = true;
    for (auto padding : {SignaturePadding::pkcs1v15, SignaturePadding::pss}) {
        const SignatureAlgorithm alg{padding, HashAlgorithm::sha256};
        Bytes sig = rsa_key().sign(alg, msg, *rng);
        ok = ok && pub.verify(alg, msg, sig);
        sig[10] ^= 1;
        ok = ok && !pub.verify(alg, msg, sig);
    }
    return ok;
}

bool ecdsa_signatures() {
    auto rng = system_random();
    const auto key = PrivateKey::generate_ecdsa(KeyType::ecdsa_p256, *rng);
    const SignatureAlgorithm alg{SignaturePadding::ecdsa, HashAlgorithm::sha256};
    const Bytes msg = rng->bytes(100);
    const Bytes sig = key.sign(alg, msg, *rng);
    return key.public_key().verify(alg, msg, sig) &&
           !key.public_key().verify(alg, rng->bytes(100), sig);
}

bool rsa_premaster() {
    auto rng = system_random();
    Bytes premaster = rng->bytes(48);
    premaster[0] = 0x03;
    premaster[1] = 0x03;
    const Bytes c = rsa_key().public_key().rsa_encrypt_pkcs1(premaster, *rng);
    const bool good =
        to_hex(rsa_key().rsa_decrypt_premaster(c, 0x0303, *rng).view()) == to_hex(premaster);
    // A wrong client_version must give a (random) different premaster, not an error.
    const SecretBytes bad = rsa_key().rsa_decrypt_premaster(c, 0x0301, *rng);
    return good && bad.size() == 48 && to_hex(bad.view()) != to_hex(premaster);
}

// Runs f for about a quarter second; returns operations per second.
double rate(const std::function<void()>& f) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    size_t n = 0;
    do {
        f();
        ++n;
    } while (clock::now() - start < std::chrono::milliseconds(250));
    return static_cast<double>(n) / std::chrono::duration<double>(clock::now() - start).count();
}

}  // namespace

int main() {
    struct Check {
        const char* name;
        bool (*run)();
    };
    const Check checks[] = {
        {"TLS 1.2 PRF, P_SHA256 (IETF TLS list vector)", prf_sha256},
        {"TLS 1.2 PRF, P_SHA384 (IETF TLS list vector)", prf_sha384},
        {"AES-128-GCM (McGrew-Viega test case 4), forged tag", aes_gcm},
        {"ChaCha20-Poly1305 (RFC 8439 2.8.2)", chacha20_poly1305},
        {"X25519 (RFC 7748 6.1), low-order point", x25519},
        {"ECDH P-256 agreement, off-curve point", nist_ecdh},
        {"RSA-2048 PKCS#1 v1.5 / PSS sign+verify, tamper", rsa_signatures},
        {"ECDSA P-256 sign+verify, wrong message", ecdsa_signatures},
        {"RSA premaster decrypt (RFC 5246 7.4.7.1)", rsa_premaster},
    };

    std::printf("crypto/ self-check\n\n  %-52s %s\n", "check", "result");
    int failures = 0;
    for (const auto& check : checks) {
        bool ok = false;
        try {
            ok = check.run();
        } catch (const std::exception& e) {
            std::printf("  %-52s exception: %s\n", check.name, e.what());
        }
        failures += ok ? 0 : 1;
        std::printf("  %-52s %s\n", check.name, ok ? "PASS" : "FAIL");
    }

    std::printf("\n  %-52s %s\n", "operation", "speed");
    auto rng = system_random();
    {
        Aead aead(AeadAlgorithm::aes128_gcm, rng->bytes(16));
        Bytes data(16384), tag(16), nonce(12), aad(13);
        const double per_s = rate([&] { aead.seal(nonce, aad, data, tag); });
        std::printf("  %-52s %8.0f MB/s\n", "AES-128-GCM seal, 16 KiB records",
                    per_s * 16384 / 1e6);
    }
    {
        Aead aead(AeadAlgorithm::chacha20_poly1305, rng->bytes(32));
        Bytes data(16384), tag(16), nonce(12), aad(13);
        const double per_s = rate([&] { aead.seal(nonce, aad, data, tag); });
        std::printf("  %-52s %8.0f MB/s\n", "ChaCha20-Poly1305 seal, 16 KiB records",
                    per_s * 16384 / 1e6);
    }
    {
        const Bytes msg = rng->bytes(100);
        const double per_s = rate([&] {
            rsa_key().sign({SignaturePadding::pss, HashAlgorithm::sha256}, msg, *rng);
        });
        std::printf("  %-52s %8.0f /s\n", "RSA-2048 PSS-SHA256 sign", per_s);
    }
    {
        KeyExchange peer(KexGroup::x25519, *rng);
        const double per_s = rate([&] {
            KeyExchange mine(KexGroup::x25519, *rng);
            (void)mine.agree(peer.public_value());
        });
        std::printf("  %-52s %8.0f /s\n", "X25519 key pair + agreement", per_s);
    }

    std::printf("\n%s: %d of %zu checks failed\n", failures ? "FAIL" : "OK", failures,
                std::size(checks));
    return failures ? 1 : 0;
}
