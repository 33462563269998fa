#include <tls12/x509/certificate_checks.hpp>

#include <algorithm>

#include <tls12/x509/certificate.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <botan/ecc_key.h>
#include <botan/oids.h>
#include <botan/rsa.h>
#pragma GCC diagnostic pop

namespace tls12::x509::detail {
namespace {

constexpr const char* kServerAuth = "1.3.6.1.5.5.7.3.1";
constexpr const char* kClientAuth = "1.3.6.1.5.5.7.3.2";
constexpr const char* kAnyExtendedKeyUsage = "2.5.29.37.0";
constexpr const char* kRsaEncryption = "1.2.840.113549.1.1.1";
constexpr const char* kEcPublicKey = "1.2.840.10045.2.1";
constexpr const char* kRsaPss = "1.2.840.113549.1.1.10";
constexpr size_t kMaxRsaBits = 8192;

// sha{256,384,512}WithRSAEncryption, ecdsa-with-SHA{256,384,512}.
constexpr const char* kGoodSignatures[] = {
    "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13",
    "1.2.840.10045.4.3.2",   "1.2.840.10045.4.3.3",   "1.2.840.10045.4.3.4",
};
// md2/md4/md5/sha1/sha224 with RSA, ecdsa-with-SHA1/SHA224, the OIW sha1WithRSA.
constexpr const char* kWeakSignatures[] = {
    "1.2.840.113549.1.1.2",  "1.2.840.113549.1.1.3", "1.2.840.113549.1.1.4", "1.2.840.113549.1.1.5",
    "1.2.840.113549.1.1.14", "1.2.840.10045.4.1",    "1.2.840.10045.4.3.1",  "1.3.14.3.2.29",
};

template <size_t N>
bool listed(const std::string& oid, const char* const (&list)[N]) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* o) { return oid == o; });
}

std::string label(size_t index, const ParsedCertificate& cert) {
    return certificate_label(index, cert.cert);
}

std::string algorithm_name(const Botan::OID& oid) {
    const std::string name = Botan::OIDS::oid2str_or_empty(oid);
    return name.empty() ? oid.to_string() : name;
}

const char* purpose_oid(Purpose purpose) {
    return purpose == Purpose::server_auth ? kServerAuth : kClientAuth;
}

const char* purpose_text(Purpose purpose) {
    return purpose == Purpose::server_auth ? "TLS server authentication"
                                           : "TLS client authentication";
}

bool contains(const std::vector<std::string>& list, const char* item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::optional<VerifyResult> check_validity(const ParsedCertificate& cert, size_t index,
                                           const CheckContext& context) {
    // Compared in seconds: a nanosecond time_point cannot hold a year-9999 notAfter.
    const auto now = std::chrono::floor<std::chrono::seconds>(context.now);
    const std::string now_text = " (now " + format_time(now) + ")";
    const auto not_after = to_time_point(cert.cert.not_after());
    const auto not_before = to_time_point(cert.cert.not_before());
    if (now > not_after) {
        return failure(VerifyCode::expired, index,
                       label(index, cert) + " expired at " + format_time(not_after) + now_text);
    }
    if (now < not_before) {
        return failure(
            VerifyCode::not_yet_valid, index,
            label(index, cert) + " is not valid before " + format_time(not_before) + now_text);
    }
    return std::nullopt;
}

std::optional<VerifyResult> check_signature_algorithm(const ParsedCertificate& cert, size_t index) {
    const std::string oid = cert.cert.signature_algorithm().get_oid().to_string();
    const std::string name = algorithm_name(cert.cert.signature_algorithm().get_oid());
    if (listed(oid, kGoodSignatures)) return std::nullopt;
    std::string hash;
    if (oid == kRsaPss) {
        try {
            hash = cert.cert.hash_used_for_signature();
        } catch (const std::exception&) {
            hash = "?";
        }
        if (hash == "SHA-256" || hash == "SHA-384" || hash == "SHA-512") return std::nullopt;
    }
    if (listed(oid, kWeakSignatures) || hash == "SHA-160" || hash == "SHA-1" || hash == "SHA-224") {
        return failure(VerifyCode::weak_key_or_signature, index,
                       label(index, cert) + " is signed with a weak hash (" + name + ")");
    }
    return failure(VerifyCode::unsupported_algorithm, index,
                   label(index, cert) + ": unsupported signature algorithm " + name +
                       (hash.empty() ? "" : " with " + hash) +
                       " (RSA PKCS#1 v1.5 or PSS and ECDSA, with SHA-256/384/512, are accepted)");
}

// The leaf's key must be one the TLS engine can use.
bool usable_leaf_key(const std::string& described) {
    return described.rfind("RSA-", 0) == 0 || described == "ECDSA-P256" ||
           described == "ECDSA-P384";
}

}  // namespace

VerifyResult failure(VerifyCode code, size_t index, std::string reason) {
    return VerifyResult{code, std::move(reason), index};
}

std::optional<VerifyResult> check_certificate(const ParsedCertificate& cert, size_t index,
                                              bool trust_anchor, const CheckContext& context) {
    // CA/Browser Forum BR 7.1.1 (and every extension we rely on) needs version 3.
    if (cert.cert.x509_version() != 3) {
        return failure(VerifyCode::malformed, index,
                       label(index, cert) + " is an X.509 version " +
                           std::to_string(cert.cert.x509_version()) +
                           " certificate; version 3 is required");
    }
    if (!cert.malformed.empty()) {
        return failure(VerifyCode::malformed, index,
                       label(index, cert) + " is malformed: " + cert.malformed);
    }
    // RFC 5280 4.2: a critical extension we do not process makes the certificate unusable.
    if (!cert.fields.unknown_critical.empty()) {
        return failure(VerifyCode::unknown_critical_extension, index,
                       label(index, cert) + " has an unknown critical extension " +
                           cert.fields.unknown_critical.front());
    }
    if (auto bad = check_validity(cert, index, context)) return bad;
    if (!trust_anchor) return check_signature_algorithm(cert, index);
    return std::nullopt;
}

std::optional<VerifyResult> check_key(const ParsedCertificate& cert, size_t index,
                                      const VerifyOptions& options) {
    const std::string who = label(index, cert);
    const auto& algorithm = cert.cert.subject_public_key_algo();
    const std::string oid = algorithm.get_oid().to_string();
    if (oid != kRsaEncryption && oid != kEcPublicKey) {
        return failure(VerifyCode::unsupported_algorithm, index,
                       who + " has a " + algorithm_name(algorithm.get_oid()) +
                           " key; only RSA and ECDSA keys are accepted");
    }
    // RFC 5480 2.1.1: CAs (and the CA/Browser Forum BR 7.1.3.1.2) use namedCurve only.
    const auto& parameters = algorithm.get_parameters();
    if (oid == kEcPublicKey && (parameters.empty() || parameters[0] != 0x06)) {
        return failure(VerifyCode::unsupported_algorithm, index,
                       who +
                           " has an EC key with explicit domain parameters; only named "
                           "curves (P-256, P-384, P-521) are accepted");
    }
    std::string described;
    if (oid == kRsaEncryption) {
        // Crypto++ loads an RSA key without Botan's Montgomery setup.
        const crypto::PublicKey* rsa = cert.crypto_key();
        if (!rsa || rsa->type() != crypto::KeyType::rsa) {
            return failure(VerifyCode::unsupported_algorithm, index,
                           who +
                               ": unsupported or invalid public key (the RSA key does not "
                               "decode, or its modulus or exponent is not odd)");
        }
        described = "RSA-" + std::to_string(rsa->bits());
        if (rsa->bits() < options.min_rsa_bits) {
            return failure(VerifyCode::weak_key_or_signature, index,
                           who + " has a " + described + " key; at least " +
                               std::to_string(options.min_rsa_bits) + " bits are required");
        }
        // Bounds the cost of a signature check a hostile chain can ask for.
        if (rsa->bits() > kMaxRsaBits || rsa->rsa_exponent_bits() > 32) {
            return failure(VerifyCode::unsupported_algorithm, index,
                           who + " has a " + described + " key with a modulus above " +
                               std::to_string(kMaxRsaBits) + " bits or a huge public exponent");
        }
    } else {
        std::shared_ptr<const Botan::Public_Key> key;
        try {
            key = cert.botan_key();
        } catch (const std::exception& e) {
            return failure(VerifyCode::unsupported_algorithm, index,
                           who + ": unsupported or invalid public key (" + e.what() + ")");
        }
        described = describe_key(*key);
        if (key->key_length() < options.min_ec_bits) {
            return failure(VerifyCode::weak_key_or_signature, index,
                           who + " has a " + described + " key; curves of at least " +
                               std::to_string(options.min_ec_bits) + " bits are required");
        }
        if (described != "ECDSA-P256" && described != "ECDSA-P384" && described != "ECDSA-P521") {
            return failure(VerifyCode::unsupported_algorithm, index,
                           who + " has a " + described +
                               " key; only the curves P-256, P-384 and P-521 are accepted");
        }
    }
    if (index == 0 && !usable_leaf_key(described)) {
        return failure(VerifyCode::unsupported_algorithm, 0,
                       who + " has a " + described +
                           " key; only RSA and ECDSA P-256/P-384 leaf keys are supported");
    }
    return std::nullopt;
}

std::optional<VerifyResult> check_end_entity(const ParsedCertificate& leaf,
                                             const CheckContext& context) {
    const std::string who = label(0, leaf);
    const auto& fields = leaf.fields;
    // CA/Browser Forum BR 7.1.2.7.8: a subscriber certificate has cA FALSE.
    if (fields.basic_constraints && fields.basic_constraints->ca) {
        return failure(VerifyCode::bad_basic_constraints, 0,
                       who +
                           " is a CA certificate (basicConstraints CA:TRUE) presented as the "
                           "end-entity certificate");
    }
    // RFC 5280 4.2.1.10: "MUST be used only in a CA certificate".
    if (fields.name_constraints) {
        return failure(VerifyCode::name_constraints, 0,
                       who + " carries name constraints, which only a CA certificate may");
    }
    if (fields.key_usage) {
        namespace ku = key_usage;
        // RFC 5280 4.2.1.9: keyCertSign only with cA.
        if (*fields.key_usage & ku::key_cert_sign) {
            return failure(VerifyCode::bad_usage, 0,
                           who + " asserts keyCertSign in its keyUsage without being a CA");
        }
        if (!(*fields.key_usage &
              (ku::digital_signature | ku::key_encipherment | ku::key_agreement))) {
            return failure(VerifyCode::bad_usage, 0,
                           who +
                               ": keyUsage allows neither digitalSignature, keyEncipherment "
                               "nor keyAgreement, so it does not allow " +
                               std::string(purpose_text(context.purpose)));
        }
    }
    if (const auto& eku = fields.extended_key_usage) {
        // RFC 5280 4.2.1.12: KeyPurposeId SIZE (1..MAX). Empty is not "any purpose".
        if (eku->empty()) {
            return failure(VerifyCode::bad_usage, 0,
                           who + " has an empty extendedKeyUsage, which allows no purpose");
        }
        // Absent means any purpose; present, it must name ours (anyExtendedKeyUsage does not
        // count for a TLS leaf: CA/Browser Forum BR 7.1.2.7.10, as rustls-webpki).
        if (!contains(*eku, purpose_oid(context.purpose))) {
            return failure(VerifyCode::bad_usage, 0,
                           who + ": key usage / extended key usage does not allow " +
                               purpose_text(context.purpose));
        }
    }
    return std::nullopt;
}

std::optional<VerifyResult> check_issuer(const ParsedCertificate& issuer, size_t index,
                                         const ParsedCertificate& child,
                                         const CheckContext& context) {
    const std::string who = label(index, issuer);
    const std::string issued = " but issued " + label(index - 1, child);
    const auto& fields = issuer.fields;
    // RFC 5280 6.1.4 (k): only a CA certificate may issue certificates.
    if (!fields.basic_constraints || !fields.basic_constraints->ca) {
        return failure(VerifyCode::bad_basic_constraints, index,
                       who + " is not a CA (basicConstraints CA:TRUE required)" + issued);
    }
    // RFC 5280 4.2.1.3, 6.1.4 (n): the key may sign certificates only with keyCertSign.
    if (fields.key_usage && !(*fields.key_usage & key_usage::key_cert_sign)) {
        return failure(VerifyCode::bad_usage, index,
                       who +
                           " has a keyUsage without keyCertSign, so it may not sign "
                           "certificates," +
                           issued);
    }
    // An issuer's extendedKeyUsage limits the purposes below it (Go, rustls-webpki).
    if (const auto& eku = fields.extended_key_usage) {
        if (eku->empty() || (!contains(*eku, purpose_oid(context.purpose)) &&
                             !contains(*eku, kAnyExtendedKeyUsage))) {
            return failure(VerifyCode::bad_usage, index,
                           who + " has an extendedKeyUsage that does not allow " +
                               purpose_text(context.purpose) + issued);
        }
    }
    // RFC 5280 4.1.2.6: a CA's subject is a non-empty name.
    if (fields.subject.empty()) {
        return failure(VerifyCode::malformed, index, who + " is a CA with an empty subject");
    }
    if (fields.name_constraints) {
        if (auto problem = constraints_problem(*fields.name_constraints)) {
            return failure(VerifyCode::name_constraints, index,
                           who + " has unusable name constraints: " + *problem);
        }
    }
    return std::nullopt;
}

namespace {

// The signature algorithms Crypto++ checks for the path builder: the key type each needs and
// the hash. Parameters must be absent (ECDSA, RFC 5758 3.2) or NULL (RSA, RFC 4055 5); anything
// else goes to Botan, which has the final word on the unusual.
struct CommonSignature {
    const char* oid;
    crypto::SignaturePadding padding;
    crypto::HashAlgorithm hash;
};
constexpr CommonSignature kCommonSignatures[] = {
    {"1.2.840.113549.1.1.11", crypto::SignaturePadding::pkcs1v15, crypto::HashAlgorithm::sha256},
    {"1.2.840.113549.1.1.12", crypto::SignaturePadding::pkcs1v15, crypto::HashAlgorithm::sha384},
    {"1.2.840.113549.1.1.13", crypto::SignaturePadding::pkcs1v15, crypto::HashAlgorithm::sha512},
    {"1.2.840.10045.4.3.2", crypto::SignaturePadding::ecdsa, crypto::HashAlgorithm::sha256},
    {"1.2.840.10045.4.3.3", crypto::SignaturePadding::ecdsa, crypto::HashAlgorithm::sha384},
    {"1.2.840.10045.4.3.4", crypto::SignaturePadding::ecdsa, crypto::HashAlgorithm::sha512},
};

std::optional<crypto::SignatureAlgorithm> common_signature(const Botan::AlgorithmIdentifier& id,
                                                           const crypto::PublicKey& key) {
    const std::string oid = id.get_oid().to_string();
    const auto& parameters = id.get_parameters();
    for (const auto& common : kCommonSignatures) {
        if (oid != common.oid) continue;
        const bool rsa = common.padding == crypto::SignaturePadding::pkcs1v15;
        const bool null_parameters =
            parameters.size() == 2 && parameters[0] == 0x05 && parameters[1] == 0x00;
        if (rsa && !(parameters.empty() || null_parameters)) return std::nullopt;
        if (!rsa && !parameters.empty()) return std::nullopt;
        if (rsa != (key.type() == crypto::KeyType::rsa)) return std::nullopt;
        return crypto::SignatureAlgorithm{common.padding, common.hash};
    }
    return std::nullopt;
}

}  // namespace

Botan::Certificate_Status_Code signature_status(const ParsedCertificate& child,
                                                const ParsedCertificate& issuer) {
    if (const crypto::PublicKey* key = issuer.crypto_key()) {
        if (auto algorithm = common_signature(child.cert.signature_algorithm(), *key)) {
            return key->verify(*algorithm, child.cert.tbs_data(), child.cert.signature())
                       ? Botan::Certificate_Status_Code::VERIFIED
                       : Botan::Certificate_Status_Code::SIGNATURE_ERROR;
        }
    }
    try {
        return child.cert.verify_signature(*issuer.botan_key());
    } catch (const std::exception&) {
        return Botan::Certificate_Status_Code::SIGNATURE_ERROR;
    }
}

std::optional<VerifyResult> signature_failure(const ParsedCertificate& child, size_t child_index,
                                              const ParsedCertificate& issuer,
                                              Botan::Certificate_Status_Code status) {
    if (status == Botan::Certificate_Status_Code::VERIFIED) return std::nullopt;
    const std::string who = label(child_index, child);
    const std::string by = label(child_index + 1, issuer);
    const std::string algorithm = algorithm_name(child.cert.signature_algorithm().get_oid());
    if (status == Botan::Certificate_Status_Code::SIGNATURE_ALGO_BAD_PARAMS) {
        return failure(VerifyCode::bad_signature, child_index,
                       who + ": its signature algorithm " + algorithm +
                           " does not fit the key of " + by + " (or has bad parameters)");
    }
    if (status == Botan::Certificate_Status_Code::SIGNATURE_ALGO_UNKNOWN) {
        return failure(VerifyCode::unsupported_algorithm, child_index,
                       who + ": unsupported signature algorithm " + algorithm);
    }
    return failure(VerifyCode::bad_signature, child_index,
                   who + ": signature by " + by + " does not verify");
}

std::optional<VerifyResult> check_path(const std::vector<const ParsedCertificate*>& path) {
    for (size_t k = 1; k < path.size(); ++k) {
        const ParsedCertificate& ca = *path[k];
        const auto& bc = ca.fields.basic_constraints;
        if (bc && bc->path_length) {
            size_t below = 0;  // intermediates between this CA and the leaf
            for (size_t j = 1; j < k; ++j) below += path[j]->self_issued ? 0 : 1;
            if (below > *bc->path_length) {
                return failure(VerifyCode::chain_too_long, k,
                               label(k, ca) + " allows " + std::to_string(*bc->path_length) +
                                   " intermediate CA certificate(s) below it (pathLenConstraint), "
                                   "but the path has " +
                                   std::to_string(below));
            }
        }
        if (!ca.fields.name_constraints) continue;
        for (size_t j = 0; j < k; ++j) {
            // RFC 5280 6.1.3 (b), (c): skipped for a self-issued certificate that is not the
            // final one (so CAs can roll their keys over).
            if (j > 0 && path[j]->self_issued) continue;
            for (const auto& name : constrained_names(*path[j])) {
                if (auto problem = check_name(*ca.fields.name_constraints, name)) {
                    return failure(VerifyCode::name_constraints, j,
                                   label(j, *path[j]) + " violates the name constraints of " +
                                       label(k, ca) + ": " + *problem);
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace tls12::x509::detail
