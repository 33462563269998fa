#include <tls12/x509/certificate.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include <tls12/x509/internal.hpp>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <botan/base64.h>
#include <botan/ber_dec.h>
#include <botan/ec_group.h>
#include <botan/ecc_key.h>
#include <botan/oids.h>
#include <botan/pk_algs.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>
#pragma GCC diagnostic pop

namespace tls12::x509 {

// ---------------------------------------------------------------------------------------------
// Botan glue shared by the layer (declared in internal.hpp).
namespace detail {

Botan::X509_Certificate decode_certificate(crypto::ByteView der) {
    Botan::DataSource_Memory source(der.data(), der.size());
    Botan::X509_Certificate cert(source);
    if (!source.end_of_data()) throw Botan::Decoding_Error("trailing bytes after the certificate");
    return cert;
}

namespace {

std::string short_attribute_name(const Botan::OID& oid) {
    static const std::pair<const char*, const char*> kNames[] = {
        {"2.5.4.3", "CN"},
        {"2.5.4.6", "C"},
        {"2.5.4.7", "L"},
        {"2.5.4.8", "ST"},
        {"2.5.4.10", "O"},
        {"2.5.4.11", "OU"},
        {"2.5.4.5", "serialNumber"},
        {"2.5.4.97", "organizationIdentifier"},
        {"1.2.840.113549.1.9.1", "emailAddress"},
        {"0.9.2342.19200300.100.1.25", "DC"},
    };
    std::string dotted = oid.to_string();
    for (const auto& [id, name] : kNames) {
        if (dotted == id) return name;
    }
    return dotted;
}

// Peer-supplied text ends up in logs: keep it printable.
std::string printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    return out;
}

std::string hex(const std::vector<uint8_t>& bytes) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

const Botan::OID& san_oid() {
    static const Botan::OID oid = Botan::OID::from_string("2.5.29.17");
    return oid;
}

}  // namespace

std::string dn_to_string(const Botan::X509_DN& dn) {
    const auto& info = dn.dn_info();
    std::string out;
    for (auto it = info.rbegin(); it != info.rend(); ++it) {
        if (!out.empty()) out += ", ";
        out += short_attribute_name(it->first) + "=" + printable(it->second.value());
    }
    return out.empty() ? "<empty name>" : out;
}

SubjectNames subject_names(const Botan::X509_Certificate& cert) {
    SubjectNames names;
    for (const auto& [oid, value] : cert.subject_dn().dn_info()) {
        if (oid.to_string() == "2.5.4.3") names.common_name = value.value();
    }
    const auto raw = cert.v3_extensions().extensions_raw();
    const auto san = raw.find(san_oid());
    if (san == raw.end()) return names;
    names.has_san = true;
    // GeneralNames ::= SEQUENCE OF GeneralName; dNSName [2] IA5String, iPAddress [7] OCTET STRING.
    Botan::BER_Decoder outer(san->second.first);
    Botan::BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
    while (seq.more_items()) {
        const Botan::BER_Object obj = seq.get_next_object();
        if (obj.is_a(2, Botan::CONTEXT_SPECIFIC)) {
            names.dns.emplace_back(reinterpret_cast<const char*>(obj.bits()), obj.length());
        } else if (obj.is_a(7, Botan::CONTEXT_SPECIFIC) &&
                   (obj.length() == 4 || obj.length() == 16)) {
            names.ips.emplace_back(obj.bits(), obj.bits() + obj.length());
        }
    }
    return names;
}

std::string describe_key(const Botan::Public_Key& key) {
    if (const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(&key)) {
        const std::string oid = ec->domain().get_curve_oid().to_string();
        std::string curve = oid;
        if (oid == "1.2.840.10045.3.1.7") curve = "P256";
        if (oid == "1.3.132.0.34") curve = "P384";
        if (oid == "1.3.132.0.35") curve = "P521";
        return key.algo_name() + "-" + curve;
    }
    return key.algo_name() + "-" + std::to_string(key.key_length());
}

std::chrono::sys_seconds to_time_point(const Botan::X509_Time& t) {
    // Botan's to_std_timepoint() refuses years before 1970; do the calendar arithmetic here.
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    const std::string text = t.readable_string();  // "YYYY/MM/DD HH:MM:SS UTC"
    if (std::sscanf(text.c_str(), "%u/%u/%u %u:%u:%u", &y, &mo, &d, &h, &mi, &s) != 6) {
        throw Botan::Decoding_Error("unreadable time " + text);
    }
    const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)),
                                          std::chrono::month(mo), std::chrono::day(d)};
    return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
           std::chrono::seconds(s);
}

std::string certificate_label(size_t index, const Botan::X509_Certificate& cert) {
    return "certificate " + std::to_string(index) + " (" + dn_to_string(cert.subject_dn()) + ")";
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
    std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error("cannot read " + path + ": read error");
    return contents;
}

std::string_view as_text(ByteView bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

struct PemBlock {
    std::string label;
    std::string headers;  // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED"), if any
    std::string base64;
};

// Every "-----BEGIN X-----" ... "-----END X-----" block; text in between is ignored.
std::vector<PemBlock> pem_blocks(std::string_view text) {
    static constexpr std::string_view kBegin = "-----BEGIN ";
    static constexpr std::string_view kDashes = "-----";
    std::vector<PemBlock> blocks;
    size_t pos = 0;
    while ((pos = text.find(kBegin, pos)) != std::string_view::npos) {
        const size_t label_start = pos + kBegin.size();
        const size_t label_end = text.find(kDashes, label_start);
        if (label_end == std::string_view::npos)
            throw Error("malformed PEM: unterminated BEGIN line");
        PemBlock block;
        block.label = std::string(text.substr(label_start, label_end - label_start));
        const std::string end_line = "-----END " + block.label + "-----";
        const size_t body_start = label_end + kDashes.size();
        const size_t body_end = text.find(end_line, body_start);
        if (body_end == std::string_view::npos) {
            throw Error("malformed PEM: no \"" + end_line + "\" line");
        }
        std::istringstream body{std::string(text.substr(body_start, body_end - body_start))};
        std::string line;
        while (std::getline(body, line)) {
            if (line.find(':') != std::string::npos) {
                block.headers += line + "\n";
            } else {
                block.base64 += line;
            }
        }
        blocks.push_back(std::move(block));
        pos = body_end + end_line.size();
    }
    return blocks;
}

Bytes decode_base64(const PemBlock& block) {
    try {
        const auto der = Botan::base64_decode(block.base64, true);
        if (der.empty()) throw Error("empty PEM \"" + block.label + "\" block");
        return Bytes(der.begin(), der.end());
    } catch (const Botan::Exception& e) {
        throw Error("malformed PEM \"" + block.label + "\" block: " + e.what());
    }
}

bool looks_like_pem(std::string_view text) {
    return text.find("-----BEGIN ") != std::string_view::npos;
}

void check_certificate(const Bytes& der, size_t index) {
    try {
        (void)detail::decode_certificate(der);
    } catch (const std::exception& e) {
        throw Error("certificate " + std::to_string(index) + " does not parse: " + e.what());
    }
}

// --- private keys ---

enum class KeyFormat { pkcs8, pkcs1, sec1, encrypted_pkcs8 };

// Tells the DER private key structures apart by their first fields.
KeyFormat der_key_format(const Bytes& der) {
    Botan::BER_Decoder outer(der);
    Botan::BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
    const Botan::BER_Object first = seq.get_next_object();
    if (first.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) return KeyFormat::encrypted_pkcs8;
    if (!first.is_a(Botan::INTEGER, Botan::UNIVERSAL)) {
        throw Botan::Decoding_Error("not a private key structure");
    }
    const Botan::BER_Object second = seq.get_next_object();
    if (second.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) return KeyFormat::pkcs8;
    if (second.is_a(Botan::INTEGER, Botan::UNIVERSAL)) return KeyFormat::pkcs1;
    if (second.is_a(Botan::OCTET_STRING, Botan::UNIVERSAL)) return KeyFormat::sec1;
    throw Botan::Decoding_Error("not a private key structure");
}

std::unique_ptr<Botan::Private_Key> botan_key(KeyFormat format, const Bytes& der) {
    const Botan::secure_vector<uint8_t> bits(der.begin(), der.end());
    switch (format) {
        case KeyFormat::pkcs8: {
            size_t version = 0;
            Botan::AlgorithmIdentifier alg;
            Botan::secure_vector<uint8_t> key;
            Botan::BER_Decoder(der)
                .start_cons(Botan::SEQUENCE)
                .decode(version)
                .decode(alg)
                .decode(key, Botan::OCTET_STRING)
                .discard_remaining();
            if (version > 1) throw Botan::Decoding_Error("unknown PKCS#8 version");
            return Botan::load_private_key(alg, key);
        }
        case KeyFormat::pkcs1: {
            const Botan::AlgorithmIdentifier alg(Botan::OID::from_string("RSA"),
                                                 Botan::AlgorithmIdentifier::USE_NULL_PARAM);
            return Botan::load_private_key(alg, bits);
        }
        case KeyFormat::sec1: {
            // RFC 5915: the curve comes from the [0] parameters inside the key.
            size_t version = 0;
            Botan::secure_vector<uint8_t> scalar;
            Botan::OID curve;
            Botan::BER_Decoder(der)
                .start_cons(Botan::SEQUENCE)
                .decode(version)
                .decode(scalar, Botan::OCTET_STRING)
                .decode_optional(curve, Botan::ASN1_Tag(0), Botan::PRIVATE)
                .discard_remaining();
            if (version != 1) throw Botan::Decoding_Error("unknown EC private key version");
            if (curve.empty()) {
                throw Botan::Decoding_Error("EC private key without a named curve");
            }
            const Botan::AlgorithmIdentifier alg(Botan::OID::from_string("ECDSA"),
                                                 curve.BER_encode());
            return Botan::load_private_key(alg, bits);
        }
        case KeyFormat::encrypted_pkcs8:
        default:
            throw Error("encrypted private keys are not supported");
    }
}

constexpr const char* kEncrypted =
    "encrypted private keys are not supported (decrypt it first, e.g. "
    "`openssl pkey -in key.pem -out key-plain.pem`)";

}  // namespace

// ---------------------------------------------------------------------------------------------
namespace detail {

std::vector<Bytes> certificate_ders(ByteView contents, bool check) {
    if (contents.empty()) throw Error("no certificate found (empty input)");
    const auto text = as_text(contents);
    std::vector<Bytes> out;
    if (!looks_like_pem(text)) {
        out.emplace_back(contents.begin(), contents.end());
        try {
            (void)detail::decode_certificate(out.back());
        } catch (const std::exception& e) {
            throw Error(std::string("no certificate found: neither PEM nor a DER certificate (") +
                        e.what() + ")");
        }
        return out;
    }
    for (const auto& block : pem_blocks(text)) {
        if (block.label != "CERTIFICATE" && block.label != "X509 CERTIFICATE") continue;
        out.push_back(decode_base64(block));
        if (check) check_certificate(out.back(), out.size() - 1);
    }
    if (out.empty()) throw Error("no certificate found (expected PEM \"CERTIFICATE\" blocks)");
    return out;
}

std::vector<Bytes> read_certificate_ders(const std::string& path, bool check) {
    const std::string contents = read_file(path);
    try {
        return certificate_ders(crypto::as_bytes(contents), check);
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

}  // namespace detail

std::vector<Bytes> parse_certificates_pem(std::string_view pem) {
    return detail::certificate_ders(crypto::as_bytes(pem), true);
}

std::vector<Bytes> parse_certificates(ByteView contents) {
    return detail::certificate_ders(contents, true);
}

std::vector<Bytes> load_certificate_chain(const std::string& path) {
    return detail::read_certificate_ders(path, true);
}

crypto::SecretBytes private_key_to_pkcs8(ByteView contents) {
    if (contents.empty()) throw Error("no private key found (empty input)");
    const auto text = as_text(contents);
    KeyFormat format = KeyFormat::pkcs8;
    Bytes der;
    if (looks_like_pem(text)) {
        std::optional<PemBlock> key_block;
        for (auto& block : pem_blocks(text)) {
            if (block.label == "ENCRYPTED PRIVATE KEY") throw Error(kEncrypted);
            const bool is_key = block.label == "PRIVATE KEY" || block.label == "RSA PRIVATE KEY" ||
                                block.label == "EC PRIVATE KEY";
            if (!is_key) continue;
            if (block.headers.find("ENCRYPTED") != std::string::npos) throw Error(kEncrypted);
            if (!key_block) key_block = std::move(block);
        }
        if (!key_block) {
            throw Error(
                "no private key found (expected a PEM \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or "
                "\"EC PRIVATE KEY\" block)");
        }
        der = decode_base64(*key_block);
        format = key_block->label == "RSA PRIVATE KEY"  ? KeyFormat::pkcs1
                 : key_block->label == "EC PRIVATE KEY" ? KeyFormat::sec1
                                                        : KeyFormat::pkcs8;
        if (format == KeyFormat::pkcs8) {
            try {
                if (der_key_format(der) == KeyFormat::encrypted_pkcs8) throw Error(kEncrypted);
            } catch (const Botan::Exception&) {
                // reported below, when the key is decoded
            }
        }
    } else {
        der.assign(contents.begin(), contents.end());
        try {
            format = der_key_format(der);
        } catch (const std::exception& e) {
            throw Error(std::string("no private key found: neither PEM nor a DER private key (") +
                        e.what() + ")");
        }
        if (format == KeyFormat::encrypted_pkcs8) throw Error(kEncrypted);
    }
    try {
        const auto key = botan_key(format, der);
        const auto pkcs8 = Botan::PKCS8::BER_encode(*key);
        crypto::SecretBytes out(crypto::ByteView(pkcs8.data(), pkcs8.size()));
        crypto::secure_wipe(der.data(), der.size());
        return out;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        crypto::secure_wipe(der.data(), der.size());
        throw Error(std::string("malformed or unsupported private key: ") + e.what());
    }
}

crypto::PrivateKey parse_private_key(ByteView contents) {
    const auto pkcs8 = private_key_to_pkcs8(contents);
    try {
        return crypto::PrivateKey::from_pkcs8_der(pkcs8.view());
    } catch (const crypto::KeyError& e) {
        throw Error(std::string("unsupported private key: ") + e.what());
    }
}

crypto::PrivateKey load_private_key(const std::string& path) {
    std::string contents = read_file(path);
    try {
        auto key = parse_private_key(crypto::as_bytes(contents));
        crypto::secure_wipe(contents.data(), contents.size());
        return key;
    } catch (const Error& e) {
        crypto::secure_wipe(contents.data(), contents.size());
        throw Error(path + ": " + e.what());
    }
}

namespace {

// One DER element: its tag, its contents, and the whole encoding. Single-byte tags and definite
// lengths of up to 3 bytes (a certificate is under 16 MiB), as DER has them.
struct DerElement {
    uint8_t tag = 0;
    ByteView contents;
    ByteView encoding;
};

DerElement read_der(ByteView& in, const char* what) {
    auto fail = [&](const char* problem) {
        throw Error(std::string("certificate does not parse: ") + what + " " + problem);
    };
    if (in.size() < 2) fail("is truncated");
    DerElement element;
    element.tag = in[0];
    if ((element.tag & 0x1f) == 0x1f) fail("has a multi-byte tag");
    size_t length = in[1];
    size_t header = 2;
    if (length & 0x80) {
        const size_t length_bytes = length & 0x7f;
        if (length_bytes == 0 || length_bytes > 3) fail("has an unsupported length");
        if (in.size() < 2 + length_bytes) fail("is truncated");
        length = 0;
        for (size_t i = 0; i < length_bytes; ++i) length = (length << 8) | in[2 + i];
        header += length_bytes;
    }
    if (in.size() - header < length) fail("is truncated");
    element.contents = in.subspan(header, length);
    element.encoding = in.first(header + length);
    in = in.subspan(header + length);
    return element;
}

DerElement read_der(ByteView& in, uint8_t tag, const char* what) {
    DerElement element = read_der(in, what);
    if (element.tag != tag) throw Error(std::string("certificate does not parse: no ") + what);
    return element;
}

}  // namespace

Bytes leaf_spki_der(const Bytes& cert_der) {
    // RFC 5280 4.1: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
    // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }.
    // Read structurally: the handshake asks for the key of a chain the verifier has parsed
    // already, and a second full parse would cost more than the key itself.
    constexpr uint8_t kSequence = 0x30, kInteger = 0x02, kVersion = 0xa0;
    ByteView in(cert_der);
    ByteView certificate = read_der(in, kSequence, "Certificate").contents;
    if (!in.empty()) throw Error("certificate does not parse: bytes after the certificate");
    ByteView tbs = read_der(certificate, kSequence, "tbsCertificate").contents;
    if (!tbs.empty() && tbs[0] == kVersion) (void)read_der(tbs, kVersion, "version");
    (void)read_der(tbs, kInteger, "serialNumber");
    (void)read_der(tbs, kSequence, "signature");
    (void)read_der(tbs, kSequence, "issuer");
    (void)read_der(tbs, kSequence, "validity");
    (void)read_der(tbs, kSequence, "subject");
    const ByteView spki = read_der(tbs, kSequence, "subjectPublicKeyInfo").encoding;
    return Bytes(spki.begin(), spki.end());
}

namespace {

bool same_public_key(const Botan::Public_Key& a, const Botan::Public_Key& b) {
    if (a.algo_name() != b.algo_name()) return false;
    const auto* rsa_a = dynamic_cast<const Botan::RSA_PublicKey*>(&a);
    const auto* rsa_b = dynamic_cast<const Botan::RSA_PublicKey*>(&b);
    if (rsa_a && rsa_b) return rsa_a->get_n() == rsa_b->get_n() && rsa_a->get_e() == rsa_b->get_e();
    const auto* ec_a = dynamic_cast<const Botan::EC_PublicKey*>(&a);
    const auto* ec_b = dynamic_cast<const Botan::EC_PublicKey*>(&b);
    if (ec_a && ec_b) {
        return ec_a->domain() == ec_b->domain() && ec_a->public_point() == ec_b->public_point();
    }
    return a.public_key_bits() == b.public_key_bits();
}

}  // namespace

bool key_matches_certificate(const crypto::PrivateKey& key, const Bytes& cert_der) {
    Botan::X509_Certificate cert = [&] {
        try {
            return detail::decode_certificate(cert_der);
        } catch (const std::exception& e) {
            throw Error(std::string("certificate does not parse: ") + e.what());
        }
    }();
    const Bytes spki = key.public_key().spki_der();
    try {
        const std::unique_ptr<Botan::Public_Key> ours(Botan::X509::load_key(spki));
        const std::unique_ptr<Botan::Public_Key> theirs = cert.load_subject_public_key();
        return ours && theirs && same_public_key(*ours, *theirs);
    } catch (const std::exception&) {
        return false;
    }
}

CertificateInfo describe(const Bytes& cert_der) {
    try {
        const auto cert = detail::decode_certificate(cert_der);
        CertificateInfo info;
        info.subject = detail::dn_to_string(cert.subject_dn());
        info.issuer = detail::dn_to_string(cert.issuer_dn());
        info.serial = detail::hex(cert.serial_number());
        info.not_before = detail::to_time_point(cert.not_before());
        info.not_after = detail::to_time_point(cert.not_after());
        info.names = detail::subject_names(cert);
        if (const auto key = cert.load_subject_public_key()) {
            info.public_key = detail::describe_key(*key);
        }
        const auto& sig_oid = cert.signature_algorithm().get_oid();
        info.signature_algorithm = Botan::OIDS::oid2str_or_empty(sig_oid);
        if (info.signature_algorithm.empty()) info.signature_algorithm = sig_oid.to_string();
        info.is_ca = cert.is_CA_cert();
        info.self_signed = cert.is_self_signed();
        return info;
    } catch (const std::exception& e) {
        throw Error(std::string("certificate does not parse: ") + e.what());
    }
}

std::string CertificateInfo::to_string() const {
    std::string out = "subject: " + subject + "\nissuer: " + issuer + "\nserial: " + serial +
                      "\nvalid: " + format_time(not_before) + " .. " + format_time(not_after) +
                      "\nnames:";
    for (const auto& d : names.dns) out += " DNS:" + d;
    for (const auto& ip : names.ips) out += " IP:" + format_ip_address(ip);
    if (!names.has_san) out += " (no subjectAltName; CN=" + names.common_name + ")";
    out += "\nkey: " + public_key + "\nsignature: " + signature_algorithm;
    if (is_ca) out += "\nCA";
    if (self_signed) out += "\nself-signed";
    return out + "\n";
}

std::string format_time(std::chrono::sys_seconds t) {
    using namespace std::chrono;
    const auto days = floor<std::chrono::days>(t);
    const year_month_day ymd{days};
    const hh_mm_ss hms{t - days};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld UTC",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                  static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()));
    return buf;
}

}  // namespace tls12::x509
