// Configuration checks, run when a Connection is created: a value the protocol cannot carry fails
// the connection locally, with a reason naming the field, instead of turning into a malformed
// message (or a silently skipped setting) later.
#include <string>

#include <tls12/tls/config.h>
#include <tls12/tls/handshake/common.h>
#include <tls12/tls/suites.h>

namespace tls12 {
namespace {

Error invalid(const std::string& what) {
    return local_error(AlertDescription::internal_error, "invalid configuration: " + what);
}

std::string at(const char* field, size_t index) {
    return std::string(field) + "[" + std::to_string(index) + "]";
}

// RFC 7301 3.1: ProtocolName protocol_name_list<2..2^16-1>, each ProtocolName<1..2^8-1>.
Status check_alpn(const std::vector<std::string>& protocols) {
    size_t encoded = 0;
    for (size_t i = 0; i < protocols.size(); ++i) {
        const size_t size = protocols[i].size();
        if (size == 0 || size > 255)
            return invalid(at("alpn_protocols", i) + " is " + std::to_string(size) +
                           " bytes; ALPN protocol names are 1 to 255 bytes (RFC 7301 3.1)");
        encoded += 1 + size;
    }
    if (encoded > 0xFFFF)
        return invalid("alpn_protocols take " + std::to_string(encoded) +
                       " bytes on the wire, more than the 65535 the extension can carry");
    return {};
}

// A Certificate message: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1> (RFC 5246 7.4.2).
Status check_certified_key(const CertifiedKey& certified, const std::string& field) {
    if (certified.chain().empty()) return invalid(field + " has no certificate chain");
    if (!certified.key()) return invalid(field + " has no private key");
    if (!certified.problem().empty())
        return invalid(field + "'s leaf certificate does not parse: " + certified.problem());
    size_t encoded = 0;
    for (const Bytes& certificate : certified.chain()) {
        if (certificate.empty() || certificate.size() > 0xFFFFFF)
            return invalid(field + " holds a certificate of " + std::to_string(certificate.size()) +
                           " bytes");
        encoded += 3 + certificate.size();
    }
    if (encoded > 0xFFFFFF)
        return invalid(field + "'s chain takes " + std::to_string(encoded) +
                       " bytes, more than a Certificate message carries (2^24-1)");
    return {};
}

}  // namespace

Status CommonConfig::validate() const {
    if (cipher_suites.empty() && min_version == ProtocolVersion::tls12)
        return invalid("cipher_suites is empty");
    for (size_t i = 0; i < cipher_suites.size(); ++i)
        if (!find_suite(cipher_suites[i]))
            return invalid(at("cipher_suites", i) + " (" + to_string(cipher_suites[i]) +
                           ") is not a cipher suite this library implements");
    const auto version_known = [](ProtocolVersion v) {
        return v == ProtocolVersion::tls12 || v == ProtocolVersion::tls13;
    };
    if (!version_known(min_version) || !version_known(max_version))
        return invalid("min_version and max_version must each be TLS 1.2 or TLS 1.3 (min_version " +
                       to_string(min_version) + ", max_version " + to_string(max_version) + ")");
    if (static_cast<uint16_t>(min_version) > static_cast<uint16_t>(max_version))
        return invalid("min_version (" + to_string(min_version) + ") is above max_version (" +
                       to_string(max_version) + ")");
    for (size_t i = 0; i < tls13_cipher_suites.size(); ++i) {
        const SuiteInfo* info = find_suite(tls13_cipher_suites[i]);
        if (!info || !info->tls13())
            return invalid(at("tls13_cipher_suites", i) + " (" + to_string(tls13_cipher_suites[i]) +
                           ") is not a TLS 1.3 cipher suite");
    }
    if (max_version == ProtocolVersion::tls13 && tls13_cipher_suites.empty())
        return invalid("tls13_cipher_suites is empty but max_version is TLS 1.3");
    if (groups.empty()) return invalid("groups is empty");
    for (size_t i = 0; i < groups.size(); ++i)
        if (!to_kex_group(groups[i]))
            return invalid(at("groups", i) + " (" + to_string(groups[i]) +
                           ") is not a group this library implements");
    if (signature_schemes.empty()) return invalid("signature_schemes is empty");
    for (size_t i = 0; i < signature_schemes.size(); ++i)
        if (!to_signature_algorithm(signature_schemes[i]))
            return invalid(at("signature_schemes", i) + " (" + to_string(signature_schemes[i]) +
                           ") is not a signature scheme this library implements");
    TLS_TRY(check_alpn(alpn_protocols));
    if (!random) return invalid("random is not set");
    if (!clock) return invalid("clock is not set");
    return {};
}

Status ClientConfig::validate() const {
    TLS_TRY(CommonConfig::validate());
    if (!verifier)
        return local_error(AlertDescription::internal_error,
                           "client configuration has no certificate verifier (use "
                           "make_x509_verifier, or make_insecure_verifier deliberately)");
    if (certificate) TLS_TRY(check_certified_key(*certificate, "certificate"));
    return {};
}

Status ServerConfig::validate() const {
    TLS_TRY(CommonConfig::validate());
    if (certificates.empty()) return invalid("certificates is empty");
    for (size_t i = 0; i < certificates.size(); ++i)
        TLS_TRY(check_certified_key(certificates[i], at("certificates", i)));
    if (client_auth != ClientAuth::none && !client_verifier)
        return invalid("client_auth asks for client certificates but client_verifier is not set");
    return {};
}

}  // namespace tls12
