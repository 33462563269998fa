#include "x509/verify.h"

#include <optional>
#include <set>

#include "x509/certificate.h"
#include "x509/hostname.h"
#include "x509/internal.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <botan/ecc_key.h>
#include <botan/oids.h>
#include <botan/x509path.h>
#pragma GCC diagnostic pop

namespace x509 {

const char* to_string(VerifyCode code) noexcept {
    switch (code) {
        case VerifyCode::ok:
            return "ok";
        case VerifyCode::empty_chain:
            return "empty_chain";
        case VerifyCode::malformed:
            return "malformed";
        case VerifyCode::expired:
            return "expired";
        case VerifyCode::not_yet_valid:
            return "not_yet_valid";
        case VerifyCode::unknown_ca:
            return "unknown_ca";
        case VerifyCode::self_signed:
            return "self_signed";
        case VerifyCode::hostname_mismatch:
            return "hostname_mismatch";
        case VerifyCode::bad_signature:
            return "bad_signature";
        case VerifyCode::weak_key_or_signature:
            return "weak_key_or_signature";
        case VerifyCode::unsupported_algorithm:
            return "unsupported_algorithm";
        case VerifyCode::bad_usage:
            return "bad_usage";
        case VerifyCode::bad_basic_constraints:
            return "bad_basic_constraints";
        case VerifyCode::chain_too_long:
            return "chain_too_long";
        case VerifyCode::name_constraints:
            return "name_constraints";
        case VerifyCode::unknown_critical_extension:
            return "unknown_critical_extension";
        case VerifyCode::revoked:
            return "revoked";
        case VerifyCode::other:
            return "other";
        default:
            return "unknown";
    }
}

namespace {

using Cert = Botan::X509_Certificate;
using CertPtr = std::shared_ptr<const Cert>;
using Status = Botan::Certificate_Status_Code;
using Clock = std::chrono::system_clock;

VerifyResult failure(VerifyCode code, size_t index, std::string reason) {
    return VerifyResult{code, std::move(reason), index};
}

const char* purpose_text(Purpose purpose) {
    return purpose == Purpose::server_auth ? "TLS server authentication"
                                           : "TLS client authentication";
}

std::string signature_algorithm_name(const Cert& cert) {
    const auto& oid = cert.signature_algorithm().get_oid();
    std::string name = Botan::OIDS::oid2str_or_empty(oid);
    return name.empty() ? oid.to_string() : name;
}

// Index of the certificate at which the peer's chain stops: following issuer names from the
// leaf through the certificates the peer sent, the first one whose issuer is not among them.
size_t chain_end(const std::vector<Cert>& certs) {
    size_t current = 0;
    std::set<size_t> seen{0};
    while (true) {
        if (certs[current].is_self_signed()) return current;
        std::optional<size_t> next;
        for (size_t i = 0; i < certs.size(); ++i) {
            if (!seen.count(i) && certs[i].subject_dn() == certs[current].issuer_dn()) {
                next = i;
                break;
            }
        }
        if (!next) return current;
        seen.insert(*next);
        current = *next;
    }
}

VerifyResult path_building_failure(Status status, const std::vector<Cert>& certs) {
    const size_t end = chain_end(certs);
    const Cert& cert = certs[end];
    const std::string label = detail::certificate_label(end, cert);
    switch (status) {
        case Status::CANNOT_ESTABLISH_TRUST:
        case Status::CHAIN_LACKS_TRUST_ROOT:
            if (cert.is_self_signed()) {
                if (end == 0) {
                    return failure(VerifyCode::self_signed, 0,
                                   label + " is self-signed and not in the trust store");
                }
                return failure(VerifyCode::unknown_ca, end,
                               label + " is a root that is not in the trust store");
            }
            return failure(VerifyCode::unknown_ca, end,
                           label + ": no path to a trusted root (issuer " +
                               detail::dn_to_string(cert.issuer_dn()) + ")");
        case Status::CERT_ISSUER_NOT_FOUND:
            return failure(VerifyCode::unknown_ca, end,
                           label + " was issued by " + detail::dn_to_string(cert.issuer_dn()) +
                               ", which is neither in the chain nor in the trust store "
                               "(unknown CA or missing intermediate)");
        case Status::CERT_CHAIN_LOOP:
            return failure(VerifyCode::unknown_ca, end,
                           "the chain loops back on itself at " + label);
        default:
            return failure(VerifyCode::unknown_ca, end,
                           label + ": cannot build a path to a trusted root (" +
                               Botan::to_string(status) + ")");
    }
}

// One Botan status on path[index] as our code and reason.
VerifyResult status_failure(Status status, size_t index, const std::vector<CertPtr>& path,
                            Purpose purpose, Clock::time_point now) {
    const Cert& cert = *path[index];
    const std::string label = detail::certificate_label(index, cert);
    const std::string now_text =
        " (now " + format_time(std::chrono::floor<std::chrono::seconds>(now)) + ")";
    const auto issuer_label = [&] {
        return index + 1 < path.size() ? detail::certificate_label(index + 1, *path[index + 1])
                                       : detail::dn_to_string(cert.issuer_dn());
    };
    switch (status) {
        case Status::CERT_HAS_EXPIRED:
            return failure(VerifyCode::expired, index,
                           label + " expired at " +
                               format_time(detail::to_time_point(cert.not_after())) + now_text);
        case Status::CERT_NOT_YET_VALID:
            return failure(VerifyCode::not_yet_valid, index,
                           label + " is not valid before " +
                               format_time(detail::to_time_point(cert.not_before())) + now_text);
        case Status::INVALID_USAGE:
            return failure(
                VerifyCode::bad_usage, index,
                label + ": key usage / extended key usage does not allow " + purpose_text(purpose));
        case Status::CA_CERT_NOT_FOR_CERT_ISSUER:
            // Botan files this under the subject; the culprit is its issuer.
            return failure(VerifyCode::bad_basic_constraints,
                           index + 1 < path.size() ? index + 1 : index,
                           issuer_label() +
                               " is not a CA (basicConstraints CA:TRUE and keyCertSign "
                               "required) but issued " +
                               label);
        case Status::CERT_CHAIN_TOO_LONG:
            return failure(VerifyCode::chain_too_long, index,
                           label + " exceeds the path length constraint of its issuers");
        case Status::SIGNATURE_ERROR:
            return failure(VerifyCode::bad_signature, index,
                           label + ": signature by " + issuer_label() + " does not verify");
        case Status::CHAIN_NAME_MISMATCH:
            return failure(VerifyCode::unknown_ca, index,
                           label + ": issuer name does not match " + issuer_label());
        case Status::SIGNATURE_METHOD_TOO_WEAK:
            return failure(VerifyCode::weak_key_or_signature, index,
                           label + " is signed by a key that is too weak (" + issuer_label() + ")");
        case Status::UNTRUSTED_HASH:
            return failure(
                VerifyCode::weak_key_or_signature, index,
                label + " is signed with a weak hash (" + signature_algorithm_name(cert) + ")");
        case Status::SIGNATURE_ALGO_UNKNOWN:
        case Status::SIGNATURE_ALGO_BAD_PARAMS:
            return failure(
                VerifyCode::unsupported_algorithm, index,
                label + ": unsupported signature algorithm " + signature_algorithm_name(cert));
        case Status::CERT_PUBKEY_INVALID:
            return failure(VerifyCode::unsupported_algorithm, index,
                           label + ": public key is invalid or of an unsupported type");
        case Status::NAME_CONSTRAINT_ERROR:
            return failure(VerifyCode::name_constraints, index,
                           label + " violates a name constraint of an issuing CA");
        case Status::UNKNOWN_CRITICAL_EXTENSION:
            return failure(VerifyCode::unknown_critical_extension, index,
                           label + " has an unknown critical extension");
        case Status::DUPLICATE_CERT_EXTENSION:
        case Status::EXT_IN_V1_V2_CERT:
        case Status::DUPLICATE_CERT_POLICY:
        case Status::V2_IDENTIFIERS_IN_V1_CERT:
            return failure(VerifyCode::malformed, index,
                           label + " is malformed: " + Botan::to_string(status));
        case Status::CERT_IS_REVOKED:
            return failure(VerifyCode::revoked, index, label + " is revoked");
        default:
            return failure(VerifyCode::other, index, label + ": " + Botan::to_string(status));
    }
}

// The key of path[index] against our floor: RSA >= min_rsa_bits, EC >= min_ec_bits. The leaf
// must also be a key type the TLS engine can use (RSA, ECDSA P-256/P-384).
std::optional<VerifyResult> check_key(const Cert& cert, size_t index,
                                      const VerifyOptions& options) {
    const std::string label = detail::certificate_label(index, cert);
    std::unique_ptr<Botan::Public_Key> key;
    try {
        key = cert.load_subject_public_key();
    } catch (const std::exception& e) {
        return failure(VerifyCode::unsupported_algorithm, index,
                       label + ": unsupported or invalid public key (" + e.what() + ")");
    }
    const std::string name = key->algo_name();
    const std::string described = detail::describe_key(*key);
    if (name == "RSA" && key->key_length() < options.min_rsa_bits) {
        return failure(VerifyCode::weak_key_or_signature, index,
                       label + " has a " + described + " key; at least " +
                           std::to_string(options.min_rsa_bits) + " bits are required");
    }
    const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(key.get());
    if (ec && key->key_length() < options.min_ec_bits) {
        return failure(VerifyCode::weak_key_or_signature, index,
                       label + " has a " + described + " key; curves of at least " +
                           std::to_string(options.min_ec_bits) + " bits are required");
    }
    if (index == 0) {
        const bool usable =
            name == "RSA" ||
            (name == "ECDSA" && (described == "ECDSA-P256" || described == "ECDSA-P384"));
        if (!usable) {
            return failure(VerifyCode::unsupported_algorithm, 0,
                           label + " has a " + described +
                               " key; only RSA and ECDSA P-256/P-384 leaf keys are supported");
        }
    }
    return std::nullopt;
}

// Botan refuses every self-signed end-entity certificate, even one the user explicitly trusts.
// We accept it when exactly that certificate is in the trust store (as OpenSSL does), checking
// what still applies to it: validity period, usage and key strength.
std::optional<VerifyResult> check_trusted_self_signed_leaf(const Cert& leaf, Purpose purpose,
                                                           Clock::time_point now) {
    const std::vector<CertPtr> path{std::make_shared<const Cert>(leaf)};
    // Compared in seconds: a nanosecond time_point cannot hold a year-9999 notAfter.
    const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
    if (now_seconds > detail::to_time_point(leaf.not_after())) {
        return status_failure(Status::CERT_HAS_EXPIRED, 0, path, purpose, now);
    }
    if (now_seconds < detail::to_time_point(leaf.not_before())) {
        return status_failure(Status::CERT_NOT_YET_VALID, 0, path, purpose, now);
    }
    const auto usage = purpose == Purpose::server_auth ? Botan::Usage_Type::TLS_SERVER_AUTH
                                                       : Botan::Usage_Type::TLS_CLIENT_AUTH;
    if (!leaf.allowed_usage(usage)) {
        return status_failure(Status::INVALID_USAGE, 0, path, purpose, now);
    }
    return std::nullopt;
}

std::string names_text(const SubjectNames& names) {
    std::string out;
    for (const auto& d : names.dns) out += (out.empty() ? "DNS:" : ", DNS:") + d;
    for (const auto& ip : names.ips) out += (out.empty() ? "IP:" : ", IP:") + format_ip_address(ip);
    if (!names.has_san) out = "no subjectAltName, CN=" + names.common_name;
    if (out.empty()) out = "no DNS or IP names";
    return out;
}

VerifyResult verify(std::span<const crypto::Bytes> chain, const TrustStore& trust,
                    std::string_view hostname, Purpose purpose, Clock::time_point now,
                    const VerifyOptions& options) {
    if (chain.empty()) {
        return failure(VerifyCode::empty_chain, 0, "no certificate was presented");
    }
    if (chain.size() > options.max_chain_length) {
        return failure(VerifyCode::chain_too_long, chain.size() - 1,
                       "the chain has " + std::to_string(chain.size()) + " certificates; at most " +
                           std::to_string(options.max_chain_length) + " are accepted");
    }
    std::vector<Cert> certs;
    for (size_t i = 0; i < chain.size(); ++i) {
        try {
            certs.push_back(detail::decode_certificate(chain[i]));
        } catch (const std::exception& e) {
            return failure(VerifyCode::malformed, i,
                           "certificate " + std::to_string(i) + " does not parse: " + e.what());
        }
    }

    std::vector<CertPtr> path;
    if (certs[0].is_self_signed() && trust.contains(chain[0])) {
        if (auto bad = check_trusted_self_signed_leaf(certs[0], purpose, now)) return *bad;
        path.push_back(std::make_shared<const Cert>(certs[0]));
    } else {
        // Minimum strength 110 is Botan's measure for RSA-2048; it also drops SHA-1 (the default
        // trusted hashes are SHA-2 only). Botan applies it to issuer keys only, so leaf keys and
        // EC sizes are checked by check_key() below.
        const Botan::Path_Validation_Restrictions restrictions(false, 110);
        const auto usage = purpose == Purpose::server_auth ? Botan::Usage_Type::TLS_SERVER_AUTH
                                                           : Botan::Usage_Type::TLS_CLIENT_AUTH;
        // Host names are matched by names_match() below: Botan's matcher falls back to the CN
        // and does not know IPv6 SANs.
        const Botan::Path_Validation_Result result =
            Botan::x509_path_validate(certs, restrictions, trust.impl().store, "", usage, now);
        if (!result.successful_validation()) {
            const Status overall = result.result();
            const auto& statuses = result.all_statuses();
            const auto& built = result.cert_path();
            for (size_t i = 0; i < statuses.size() && i < built.size(); ++i) {
                if (statuses[i].count(overall)) {
                    return status_failure(overall, i, built, purpose, now);
                }
            }
            if (built.empty() || statuses.empty()) return path_building_failure(overall, certs);
            return failure(VerifyCode::other, 0,
                           std::string("chain rejected: ") + Botan::to_string(overall));
        }
        path = result.cert_path();
    }

    for (size_t i = 0; i < path.size(); ++i) {
        if (auto bad = check_key(*path[i], i, options)) return *bad;
    }

    if (!hostname.empty()) {
        const SubjectNames names = detail::subject_names(*path[0]);
        if (!names_match(names, hostname)) {
            return failure(VerifyCode::hostname_mismatch, 0,
                           detail::certificate_label(0, *path[0]) + " is not valid for \"" +
                               std::string(hostname) + "\" (it names " + names_text(names) + ")");
        }
    }
    return VerifyResult{};
}

}  // namespace

VerifyResult verify_chain(std::span<const crypto::Bytes> chain, const TrustStore& trust,
                          std::string_view hostname, Purpose purpose,
                          std::chrono::system_clock::time_point now, const VerifyOptions& options) {
    try {
        return verify(chain, trust, hostname, purpose, now, options);
    } catch (const std::exception& e) {
        return failure(VerifyCode::malformed, 0,
                       std::string("certificate chain could not be processed: ") + e.what());
    }
}

}  // namespace x509
