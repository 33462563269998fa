#include <tls12/x509/verify.h>

#include <set>

#include <tls12/x509/certificate.h>
#include <tls12/x509/hostname.h>
#include <tls12/x509/certificate_fields.hpp>
#include <tls12/x509/path_builder.hpp>

namespace tls12::x509 {

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

using detail::failure;

std::string names_text(const SubjectNames& names) {
    if (!names.has_san) {
        return "it has no subjectAltName, and the subject CN is not used for host names";
    }
    std::string out;
    for (const auto& d : names.dns) out += (out.empty() ? "DNS:" : ", DNS:") + d;
    for (const auto& ip : names.ips) out += (out.empty() ? "IP:" : ", IP:") + format_ip_address(ip);
    return "it names " + (out.empty() ? std::string("no DNS or IP names") : out);
}

// The leaf's DNS and IP names, from the subjectAltName as we decoded it.
SubjectNames leaf_names(const detail::ParsedCertificate& leaf) {
    SubjectNames names;
    for (const auto& attribute : leaf.fields.subject) {
        if (attribute.oid == "2.5.4.3") names.common_name = attribute.value;
    }
    if (!leaf.fields.subject_alt_names) return names;
    names.has_san = true;
    for (const auto& name : *leaf.fields.subject_alt_names) {
        if (name.type == NameType::dns) names.dns.push_back(name.text);
        if (name.type == NameType::ip) names.ips.push_back(name.bytes);
    }
    return names;
}

VerifyResult verify(std::span<const crypto::Bytes> chain, const TrustStore& trust,
                    std::string_view hostname, Purpose purpose,
                    std::chrono::system_clock::time_point now, const VerifyOptions& options) {
    if (chain.empty()) {
        return failure(VerifyCode::empty_chain, 0, "no certificate was presented");
    }
    if (chain.size() > options.max_chain_length) {
        return failure(VerifyCode::chain_too_long, chain.size() - 1,
                       "the chain has " + std::to_string(chain.size()) + " certificates; at most " +
                           std::to_string(options.max_chain_length) + " are accepted");
    }
    std::vector<detail::CertificatePtr> certs;
    std::set<crypto::Bytes, crypto::BytesLess> seen;
    for (size_t i = 0; i < chain.size(); ++i) {
        detail::CertificatePtr cert;
        try {
            cert = detail::parse_certificate(chain[i]);
        } catch (const std::exception& e) {
            return failure(VerifyCode::malformed, i,
                           "certificate " + std::to_string(i) + " does not parse: " + e.what());
        }
        if (seen.insert(chain[i]).second) certs.push_back(std::move(cert));
    }

    const detail::CheckContext context{purpose, now, options};
    const detail::PathSearchResult found = detail::find_path(certs, trust.impl(), context);
    if (found.path.empty()) return found.failure;

    if (!hostname.empty()) {
        const detail::ParsedCertificate& leaf = *found.path[0];
        const SubjectNames names = leaf_names(leaf);
        if (!names_match(names, hostname)) {
            return failure(VerifyCode::hostname_mismatch, 0,
                           detail::certificate_label(0, leaf.cert) + " is not valid for \"" +
                               std::string(hostname) + "\" (" + names_text(names) + ")");
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

}  // namespace tls12::x509
