// Wycheproof (C2SP) vectors for every primitive crypto/ exposes, through the API the TLS code
// uses. Each file's vectors all pass or are skipped for a named reason (an input the API cannot
// take); the counts are printed per file and must add up to the file's total.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <tls12/crypto/aead.h>
#include <tls12/crypto/hkdf.h>
#include <tls12/crypto/hmac.h>
#include <tls12/crypto/kex.h>
#include <tls12/crypto/keys.h>
#include "test_util.h"
#include "wycheproof.h"

using namespace tls12::crypto;
using wycheproof::Case;
using wycheproof::check;
using wycheproof::fail;
using wycheproof::Outcome;
using wycheproof::pass;
using wycheproof::skip;

namespace {

// An input the API refuses (std::invalid_argument) is skipped with reason; an API that takes it
// after all is a failure, so a skip never hides a vector the API could have run.
template <class F>
Outcome skip_if_refused(const std::string& reason, F&& call) {
    try {
        call();
    } catch (const std::invalid_argument&) {
        return skip(reason);
    }
    return fail("the API accepted an input expected to be refused (" + reason + ")");
}

// ---- AEAD ---------------------------------------------------------------------------------------

constexpr char kAes192[] = "AES-192 key: no TLS suite uses it (Aead takes 16 or 32 bytes)";
constexpr char kNonceSize[] =
    "nonce not 96 bits: TLS 1.2 GCM (RFC 5288) and ChaCha20-Poly1305 (RFC 7905) nonces are 12 "
    "bytes";

Outcome run_aead(AeadAlgorithm algorithm, const Case& c) {
    const Bytes key = c.bytes("key"), iv = c.bytes("iv"), aad = c.bytes("aad");
    const Bytes msg = c.bytes("msg"), ct = c.bytes("ct"), tag = c.bytes("tag");
    if (algorithm != AeadAlgorithm::chacha20_poly1305 && key.size() == 24)
        return skip_if_refused(kAes192, [&] { Aead(algorithm, key); });
    if (key.size() == 32 && algorithm == AeadAlgorithm::aes128_gcm)
        algorithm = AeadAlgorithm::aes256_gcm;
    Aead aead(algorithm, key);
    if (iv.size() != aead_nonce_size) {
        return skip_if_refused(kNonceSize, [&] {
            Bytes out(ct.size());
            (void)aead.open(iv, aad, ct, out, tag);
        });
    }
    if (tag.size() != aead_tag_size) return fail("unexpected tag size in the file");
    Bytes opened(ct.size(), 0xa5);
    const bool ok = aead.open(iv, aad, ct, opened, tag);
    if (c.invalid()) {
        const bool wiped = std::all_of(opened.begin(), opened.end(), [](uint8_t b) { return !b; });
        return check(!ok && wiped, ok ? "forgery opened" : "output not wiped after a failed open");
    }
    if (!ok || opened != msg) return fail("valid ciphertext did not open to msg");
    Bytes sealed = msg, sealed_tag(aead_tag_size);
    aead.seal(iv, aad, sealed, sealed_tag);
    return check(sealed == ct && sealed_tag == tag, "seal differs from ct || tag");
}

TEST(Wycheproof, AesGcm) {
    const auto summary = wycheproof::run("aes_gcm_test.json", "AES-GCM", [](const Case& c) {
        return run_aead(AeadAlgorithm::aes128_gcm, c);  // AES-256 when the key is 32 bytes
    });
    wycheproof::expect_all_accounted(summary, {kAes192, kNonceSize});
}

TEST(Wycheproof, ChaCha20Poly1305) {
    const auto summary = wycheproof::run(
        "chacha20_poly1305_test.json", "CHACHA20-POLY1305",
        [](const Case& c) { return run_aead(AeadAlgorithm::chacha20_poly1305, c); });
    wycheproof::expect_all_accounted(summary, {kNonceSize});
}

// ---- key exchange -------------------------------------------------------------------------------

// "acceptable" vectors may go either way, but an accepted one must give the listed secret.
Outcome judge_agreement(const Case& c, const std::optional<SecretBytes>& shared) {
    const Bytes expected = c.bytes("shared");
    const bool matches = shared && to_hex(shared->view()) == to_hex(expected);
    if (c.valid()) return check(matches, shared ? "wrong shared secret" : "valid peer refused");
    if (c.invalid()) return check(!shared, "invalid peer value accepted");
    if (!shared) return pass("acceptable, refused");
    return matches ? pass("acceptable, accepted") : fail("accepted with a wrong shared secret");
}

TEST(Wycheproof, X25519) {
    const auto summary = wycheproof::run("x25519_test.json", "XDH", [](const Case& c) {
        if (c.group.at("curve").as_string() != "curve25519") return fail("not curve25519");
        const auto kx = KeyExchange::from_private_key(KexGroup::x25519, c.bytes("private"));
        return judge_agreement(c, kx.agree(c.bytes("public")));
    });
    wycheproof::expect_all_accounted(summary, {});
}

// Wycheproof writes EC private keys as ASN.1 INTEGER contents (a leading zero byte when the top
// bit is set, fewer bytes for a small scalar); the API takes the fixed-size big-endian scalar.
Bytes fixed_size_scalar(Bytes scalar, size_t size) {
    while (!scalar.empty() && scalar.front() == 0) scalar.erase(scalar.begin());
    if (scalar.size() > size) throw std::runtime_error("private scalar longer than the order");
    scalar.insert(scalar.begin(), size - scalar.size(), 0);
    return scalar;
}

void run_ecdh(const char* file, KexGroup group, const char* curve, size_t scalar_size) {
    const auto summary = wycheproof::run(file, "ECDH", [&](const Case& c) {
        if (c.group.at("curve").as_string() != curve) return fail("unexpected curve");
        const auto kx = KeyExchange::from_private_key(
            group, fixed_size_scalar(c.bytes("private"), scalar_size));
        return judge_agreement(c, kx.agree(c.bytes("public")));
    });
    wycheproof::expect_all_accounted(summary, {});
}

// The *_ecpoint files give the peer value as the TLS wire carries it (RFC 8422 5.4.1: an
// uncompressed point), which is what KeyExchange::agree takes.
TEST(Wycheproof, EcdhP256) {
    run_ecdh("ecdh_secp256r1_ecpoint_test.json", KexGroup::secp256r1, "secp256r1", 32);
}

TEST(Wycheproof, EcdhP384) {
    run_ecdh("ecdh_secp384r1_ecpoint_test.json", KexGroup::secp384r1, "secp384r1", 48);
}

// ---- signatures ---------------------------------------------------------------------------------

HashAlgorithm hash_named(const std::string& name) {
    if (name == "SHA-256") return HashAlgorithm::sha256;
    if (name == "SHA-384") return HashAlgorithm::sha384;
    if (name == "SHA-512") return HashAlgorithm::sha512;
    if (name == "SHA-1") return HashAlgorithm::sha1;
    throw std::runtime_error("unexpected hash " + name);
}

Outcome judge_signature(const Case& c, bool verified) {
    if (c.valid()) return check(verified, "valid signature refused");
    if (c.invalid()) return check(!verified, "invalid signature accepted");
    return pass(verified ? "acceptable, accepted" : "acceptable, refused");
}

void run_signatures(const char* file, const char* algorithm, SignaturePadding padding) {
    const test_json::Value* loaded_for = nullptr;  // one public key per group
    std::optional<PublicKey> key;
    const auto summary = wycheproof::run(file, algorithm, [&](const Case& c) {
        const auto& sha = c.group.at("sha").as_string();
        if (padding == SignaturePadding::pss) {
            // Our PSS is TLS's rsa_pss_rsae_*: MGF1 with the message hash, salt as long as it.
            if (c.group.at("mgfSha").as_string() != sha ||
                static_cast<size_t>(c.group.at("sLen").as_int()) != digest_size(hash_named(sha)))
                return fail("file parameters are not rsa_pss_rsae_*");
        }
        if (loaded_for != &c.group) {
            key.emplace(PublicKey::from_spki_der(from_hex(c.group.at("publicKeyDer").as_string())));
            loaded_for = &c.group;
        }
        const SignatureAlgorithm scheme{padding, hash_named(sha)};
        return judge_signature(c, key->verify(scheme, c.bytes("msg"), c.bytes("sig")));
    });
    wycheproof::expect_all_accounted(summary, {});
}

TEST(Wycheproof, EcdsaP256Sha256) {
    run_signatures("ecdsa_secp256r1_sha256_test.json", "ECDSA", SignaturePadding::ecdsa);
}

TEST(Wycheproof, EcdsaP384Sha384) {
    run_signatures("ecdsa_secp384r1_sha384_test.json", "ECDSA", SignaturePadding::ecdsa);
}

TEST(Wycheproof, RsaPkcs1Signatures) {
    for (const char* file :
         {"rsa_signature_2048_sha256_test.json", "rsa_signature_2048_sha384_test.json",
          "rsa_signature_2048_sha512_test.json"})
        run_signatures(file, "RSASSA-PKCS1-v1_5", SignaturePadding::pkcs1v15);
}

TEST(Wycheproof, RsaPssSignatures) {
    for (const char* file :
         {"rsa_pss_2048_sha256_mgf1_32_test.json", "rsa_pss_2048_sha384_mgf1_48_test.json",
          "rsa_pss_3072_sha256_mgf1_32_test.json", "rsa_pss_4096_sha512_mgf1_64_test.json"})
        run_signatures(file, "RSASSA-PSS", SignaturePadding::pss);
}

// ---- RSA premaster decryption
// ---------------------------------------------------------------------

// rsa_decrypt_premaster draws the fallback premaster first (RFC 5246 7.4.7.1); this source makes
// that first draw a known value, then continues with a deterministic stream (blinding).
class KnownFallbackRandom final : public Random {
  public:
    explicit KnownFallbackRandom(int64_t id)
        : stream_(deterministic_random(static_cast<uint64_t>(id))) {
        for (size_t i = 0; i < fallback_.size(); ++i)
            fallback_[i] = static_cast<uint8_t>(0xc0 ^ (i * 7) ^ static_cast<uint64_t>(id));
    }
    void fill(MutableByteView out) override {
        if (!first_done_ && out.size() == fallback_.size()) {
            std::copy(fallback_.begin(), fallback_.end(), out.begin());
            first_done_ = true;
            return;
        }
        stream_->fill(out);
    }
    const Bytes& fallback() const { return fallback_; }

  private:
    Bytes fallback_ = Bytes(48);
    bool first_done_ = false;
    std::shared_ptr<Random> stream_;
};

// The API's promise, mapped onto a PKCS#1 v1.5 decryption vector: a valid ciphertext of a 48-byte
// message gives that message when its first two bytes are the client_version passed in, and the
// fallback otherwise; every other ciphertext (invalid, or valid with a message of another length)
// gives the fallback premaster.
Outcome run_premaster(const Case& c, const PrivateKey& key) {
    const Bytes ct = c.bytes("ct"), msg = c.bytes("msg");
    const bool carries_premaster = c.valid() && msg.size() == 48;
    const uint16_t version =
        carries_premaster ? static_cast<uint16_t>(msg[0] << 8 | msg[1]) : 0x0303;
    KnownFallbackRandom random(c.id());
    const SecretBytes got = key.rsa_decrypt_premaster(ct, version, random);
    if (carries_premaster)
        return check(to_hex(got.view()) == to_hex(msg), "premaster not recovered");
    return check(to_hex(got.view()) == to_hex(random.fallback()),
                 "result is not the fallback premaster");
}

void run_premaster_file(const char* file) {
    // A key loaded once per group; its decryption is checked on a real premaster first, so the
    // vectors' fallback results cannot come from a key that never decrypts.
    const test_json::Value* loaded_for = nullptr;
    std::optional<PrivateKey> key;
    const auto summary = wycheproof::run(file, "RSAES-PKCS1-v1_5", [&](const Case& c) {
        if (loaded_for != &c.group) {
            key.emplace(PrivateKey::from_pkcs8_der(
                tls12::crypto::from_hex(c.group.at("privateKeyPkcs8").as_string())));
            loaded_for = &c.group;
            auto rng = deterministic_random(7);
            Bytes premaster = rng->bytes(48);
            premaster[0] = 0x03;
            premaster[1] = 0x03;
            const Bytes ct = key->public_key().rsa_encrypt_pkcs1(premaster, *rng);
            if (to_hex(key->rsa_decrypt_premaster(ct, 0x0303, *rng).view()) != to_hex(premaster))
                return fail("the group's key does not decrypt a premaster it encrypted");
        }
        return run_premaster(c, *key);
    });
    wycheproof::expect_all_accounted(summary, {});
}

TEST(Wycheproof, RsaPremasterDecryption) {
    run_premaster_file("rsa_pkcs1_2048_test.json");
    run_premaster_file("rsa_pkcs1_3072_test.json");
}

// ---- HMAC and HKDF ------------------------------------------------------------------------------

// Tags shorter than the hash are compared on the leading tagSize bits (a truncated HMAC tag); TLS
// itself always uses the full output.
void run_hmac(const char* file, const char* algorithm, HashAlgorithm hash) {
    const auto summary = wycheproof::run(file, algorithm, [&](const Case& c) {
        const Bytes tag = c.bytes("tag");
        const size_t tag_size = static_cast<size_t>(c.group.at("tagSize").as_int()) / 8;
        if (tag.size() != tag_size) return fail("tag length differs from tagSize");
        const Bytes mac = hmac(hash, c.bytes("key"), c.bytes("msg"));
        const bool equal = constant_time_equal(ByteView(mac).first(tag_size), tag);
        return check(equal == c.valid(), equal ? "modified tag verified" : "wrong MAC");
    });
    wycheproof::expect_all_accounted(summary, {});
}

TEST(Wycheproof, HmacSha256) {
    run_hmac("hmac_sha256_test.json", "HMACSHA256", HashAlgorithm::sha256);
}

TEST(Wycheproof, HmacSha384) {
    run_hmac("hmac_sha384_test.json", "HMACSHA384", HashAlgorithm::sha384);
}

// The invalid HKDF vectors ask for more than 255 * HashLen bytes, which the API refuses.
void run_hkdf(const char* file, const char* algorithm, HashAlgorithm hash) {
    const auto summary = wycheproof::run(file, algorithm, [&](const Case& c) {
        const auto size = static_cast<size_t>(c.test.at("size").as_int());
        const Bytes salt = c.bytes("salt"), ikm = c.bytes("ikm"), info = c.bytes("info");
        if (c.invalid()) {
            try {
                (void)hkdf(hash, salt, ikm, info, size);
            } catch (const std::invalid_argument&) {
                return pass();
            }
            return fail("an invalid output size was accepted");
        }
        return check(
            to_hex(hkdf(hash, salt, ikm, info, size).view()) == c.test.at("okm").as_string(),
            "wrong output keying material");
    });
    wycheproof::expect_all_accounted(summary, {});
}

TEST(Wycheproof, HkdfSha256) {
    run_hkdf("hkdf_sha256_test.json", "HKDF-SHA-256", HashAlgorithm::sha256);
}

TEST(Wycheproof, HkdfSha384) {
    run_hkdf("hkdf_sha384_test.json", "HKDF-SHA-384", HashAlgorithm::sha384);
}

}  // namespace
