// Private to x509/*.cpp: the Botan side of the layer. Deliberately not a *.h file, so it is not
// installed with the public headers and nothing outside x509/ can pick it up by accident.
#pragma once

#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <botan/asn1_obj.h>
#include <botan/pk_keys.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>
#pragma GCC diagnostic pop

#include <tls12/crypto/bytes.h>
#include <tls12/x509/hostname.h>
#include <tls12/x509/trust_store.h>

namespace tls12::x509::detail {

// Parses one DER certificate; throws Botan exceptions (callers translate them).
Botan::X509_Certificate decode_certificate(crypto::ByteView der);

// "CN=localhost, O=Example" — most specific attribute first, short names for common ones.
std::string dn_to_string(const Botan::X509_DN& dn);

// SAN dNSName / iPAddress entries (IPv4 and IPv6) and the subject CN.
SubjectNames subject_names(const Botan::X509_Certificate& cert);

// "RSA-2048", "ECDSA-P256", ...
std::string describe_key(const Botan::Public_Key& key);

std::chrono::sys_seconds to_time_point(const Botan::X509_Time& t);

// The DER certificates of a PEM text (or the one DER certificate), each parsed when check is set.
// Throws x509::Error; read_certificate_ders() prefixes messages with the path.
std::vector<crypto::Bytes> certificate_ders(crypto::ByteView contents, bool check);
std::vector<crypto::Bytes> read_certificate_ders(const std::string& path, bool check);

// "certificate 0 (CN=localhost)"
std::string certificate_label(size_t index, const Botan::X509_Certificate& cert);

}  // namespace tls12::x509::detail

namespace tls12::x509::detail {
struct ParsedCertificate;  // certificate_fields.hpp
}

namespace tls12::x509 {

struct TrustStore::Impl {
    // Parsed once when added, in insertion order (certificates() returns their DER).
    std::vector<std::shared_ptr<const detail::ParsedCertificate>> anchors;
    std::set<crypto::Bytes, crypto::BytesLess> ders;
    // Raw DER subject -> index into anchors, for finding the issuers of a certificate.
    std::multimap<std::vector<uint8_t>, size_t> by_subject;
};

}  // namespace tls12::x509
