#include <tls12/x509/certificate_fields.hpp>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <botan/ber_dec.h>
#pragma GCC diagnostic pop

namespace tls12::x509::detail {
namespace {

using Botan::BER_Decoder;
using Botan::BER_Object;
using Botan::Decoding_Error;

constexpr auto kContext = Botan::CONTEXT_SPECIFIC;
constexpr auto kContextConstructed = Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);

// The extensions we act on; any other one marked critical makes the certificate unusable
// (RFC 5280 4.2). Certificate policies are accepted unprocessed (as Go and Botan do): we ask for
// anyPolicy. Key identifiers and CRL distribution points carry no constraint.
constexpr const char* kHandled[] = {
    "2.5.29.14",  // subjectKeyIdentifier
    "2.5.29.15",  // keyUsage
    "2.5.29.17",  // subjectAltName
    "2.5.29.19",  // basicConstraints
    "2.5.29.30",  // nameConstraints
    "2.5.29.31",  // cRLDistributionPoints
    "2.5.29.32",  // certificatePolicies
    "2.5.29.35",  // authorityKeyIdentifier
    "2.5.29.37",  // extKeyUsage
};

std::string text_of(const BER_Object& obj, const char* what) {
    std::string text(reinterpret_cast<const char*>(obj.bits()), obj.length());
    for (unsigned char c : text) {
        if (c >= 0x80) throw Decoding_Error(std::string(what) + " is not an IA5String");
    }
    return text;
}

std::vector<DirectoryAttribute> attributes_of(const Botan::X509_DN& dn) {
    std::vector<DirectoryAttribute> out;
    for (const auto& [oid, value] : dn.dn_info()) out.push_back({oid.to_string(), value.value()});
    return out;
}

// GeneralName (RFC 5280 4.2.1.6); context tags [0]..[8].
GeneralName general_name(const BER_Object& obj) {
    GeneralName name;
    const bool constructed = obj.get_class() == kContextConstructed;
    if (obj.get_class() != kContext && !constructed) {
        throw Decoding_Error("GeneralName is not context-tagged");
    }
    const auto tag = static_cast<int>(obj.type());
    if (tag < 0 || tag > 8)
        throw Decoding_Error("unknown GeneralName [" + std::to_string(tag) + "]");
    name.type = static_cast<NameType>(tag);
    const bool want_constructed = name.type == NameType::other_name ||
                                  name.type == NameType::x400 || name.type == NameType::directory ||
                                  name.type == NameType::edi_party;
    if (constructed != want_constructed) throw Decoding_Error("GeneralName with the wrong form");
    switch (name.type) {
        case NameType::rfc822:
            name.text = text_of(obj, "rfc822Name");
            break;
        case NameType::dns:
            name.text = text_of(obj, "dNSName");
            break;
        case NameType::uri:
            name.text = text_of(obj, "uniformResourceIdentifier");
            break;
        case NameType::ip:
            name.bytes.assign(obj.bits(), obj.bits() + obj.length());
            break;
        case NameType::other_name: {
            // [0] IMPLICIT SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
            BER_Decoder inner(obj);
            Botan::OID type_id;
            inner.decode(type_id);
            if (!inner.get_next_object().is_a(0, kContextConstructed)) {
                throw Decoding_Error("otherName without its [0] value");
            }
            inner.verify_end();
            name.text = type_id.to_string();
            break;
        }
        case NameType::directory: {
            BER_Decoder inner(obj);  // [4] EXPLICIT Name
            Botan::X509_DN dn;
            inner.decode(dn);
            inner.verify_end();
            name.directory = attributes_of(dn);
            break;
        }
        default:
            break;  // x400Address, ediPartyName, registeredID: type is all we use
    }
    return name;
}

std::vector<GeneralName> subject_alt_names(const std::vector<uint8_t>& value) {
    BER_Decoder outer(value);
    BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
    std::vector<GeneralName> names;
    while (seq.more_items()) {
        names.push_back(general_name(seq.get_next_object()));
        const auto& name = names.back();
        // RFC 5280 4.2.1.6: four octets (IPv4) or sixteen (IPv6). Anything else cannot be
        // matched or constrained, so the certificate is refused rather than the name skipped.
        if (name.type == NameType::ip && name.bytes.size() != 4 && name.bytes.size() != 16) {
            throw Decoding_Error("iPAddress of " + std::to_string(name.bytes.size()) +
                                 " bytes (4 or 16 expected)");
        }
    }
    outer.verify_end();
    if (names.empty()) throw Decoding_Error("no names");  // SIZE (1..MAX)
    return names;
}

// GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree (the [0]/[1] tag replaces SEQUENCE)
std::vector<GeneralName> subtrees(const BER_Object& obj) {
    BER_Decoder list(obj);
    std::vector<GeneralName> out;
    while (list.more_items()) {
        BER_Decoder subtree = list.start_cons(Botan::SEQUENCE);
        out.push_back(general_name(subtree.get_next_object()));
        while (subtree.more_items()) {
            const BER_Object bound = subtree.get_next_object();
            // RFC 5280 4.2.1.10: "the minimum MUST be zero, and maximum MUST be absent".
            const bool zero_minimum =
                bound.is_a(0, kContext) && bound.length() == 1 && bound.bits()[0] == 0;
            if (!zero_minimum) throw Decoding_Error("subtree with a minimum or maximum");
        }
    }
    if (out.empty()) throw Decoding_Error("empty subtree list");
    return out;
}

NameConstraints name_constraints(const std::vector<uint8_t>& value) {
    BER_Decoder outer(value);
    BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
    NameConstraints nc;
    BER_Object obj = seq.get_next_object();
    if (obj.is_a(0, kContextConstructed)) {
        nc.permitted = subtrees(obj);
        obj = seq.get_next_object();
    }
    if (obj.is_a(1, kContextConstructed)) {
        nc.excluded = subtrees(obj);
        obj = seq.get_next_object();
    }
    if (obj.is_set()) throw Decoding_Error("unexpected field");
    outer.verify_end();
    return nc;
}

// A non-negative INTEGER; larger than any path can be is as good as unlimited.
size_t small_unsigned(const BER_Object& obj) {
    if (!obj.is_a(Botan::INTEGER, Botan::UNIVERSAL) || obj.length() == 0 ||
        (obj.bits()[0] & 0x80)) {
        throw Decoding_Error("pathLenConstraint is not a non-negative INTEGER");
    }
    size_t value = 0;
    for (size_t i = 0; i < obj.length(); ++i) {
        value = value > 0xffffff ? 0xffffffff : value << 8 | obj.bits()[i];
    }
    return value;
}

BasicConstraints basic_constraints(const std::vector<uint8_t>& value) {
    BER_Decoder outer(value);
    BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
    BasicConstraints bc;
    BER_Object obj = seq.get_next_object();
    if (obj.is_a(Botan::BOOLEAN, Botan::UNIVERSAL)) {
        if (obj.length() != 1) throw Decoding_Error("cA is not a BOOLEAN");
        bc.ca = obj.bits()[0] != 0;
        obj = seq.get_next_object();
    }
    if (obj.is_set()) bc.path_length = small_unsigned(obj);
    seq.verify_end();
    outer.verify_end();
    return bc;
}

uint16_t key_usage_bits(const std::vector<uint8_t>& value) {
    BER_Decoder outer(value);
    const BER_Object bits = outer.get_next_object();
    outer.verify_end();
    if (!bits.is_a(Botan::BIT_STRING, Botan::UNIVERSAL) || bits.length() == 0 ||
        bits.bits()[0] > 7 || (bits.length() == 1 && bits.bits()[0] != 0)) {
        throw Decoding_Error("not a BIT STRING");
    }
    uint16_t out = 0;
    for (size_t n = 0; n < 16 && n / 8 + 1 < bits.length(); ++n) {
        if (bits.bits()[1 + n / 8] & (0x80 >> (n % 8))) out |= static_cast<uint16_t>(1u << n);
    }
    return out;
}

std::vector<std::string> key_purposes(const std::vector<uint8_t>& value) {
    BER_Decoder outer(value);
    BER_Decoder seq = outer.start_cons(Botan::SEQUENCE);
    std::vector<std::string> out;
    while (seq.more_items()) {
        Botan::OID oid;
        seq.decode(oid);
        out.push_back(oid.to_string());
    }
    outer.verify_end();
    return out;
}

bool handled(const std::string& oid) {
    for (const char* h : kHandled) {
        if (oid == h) return true;
    }
    return false;
}

// Decodes one extension into fields; throws Decoding_Error naming the extension.
void decode_extension(const std::string& oid, const std::vector<uint8_t>& value,
                      CertificateFields& fields) {
    const auto named = [&](const char* what, auto decode) {
        try {
            decode();
        } catch (const std::exception& e) {
            throw Decoding_Error(std::string(what) + ": " + e.what());
        }
    };
    if (oid == "2.5.29.19") {
        named("basicConstraints", [&] { fields.basic_constraints = basic_constraints(value); });
    } else if (oid == "2.5.29.15") {
        named("keyUsage", [&] { fields.key_usage = key_usage_bits(value); });
    } else if (oid == "2.5.29.37") {
        named("extendedKeyUsage", [&] { fields.extended_key_usage = key_purposes(value); });
    } else if (oid == "2.5.29.17") {
        named("subjectAltName", [&] { fields.subject_alt_names = subject_alt_names(value); });
    } else if (oid == "2.5.29.30") {
        named("nameConstraints", [&] { fields.name_constraints = name_constraints(value); });
    }
}

}  // namespace

CertificatePtr parse_certificate(crypto::ByteView der) {
    auto parsed = std::make_shared<ParsedCertificate>(der, decode_certificate(der));
    const Botan::X509_Certificate& cert = parsed->cert;
    parsed->self_issued = cert.raw_subject_dn() == cert.raw_issuer_dn();
    CertificateFields& fields = parsed->fields;
    fields.subject = attributes_of(cert.subject_dn());
    try {
        for (const auto& [oid, extension] : cert.v3_extensions().extensions_raw()) {
            const std::string dotted = oid.to_string();
            const auto& [value, critical] = extension;
            if (critical && !handled(dotted)) fields.unknown_critical.push_back(dotted);
            decode_extension(dotted, value, fields);
        }
    } catch (const std::exception& e) {
        parsed->malformed = e.what();
    }
    return parsed;
}

const crypto::PublicKey* ParsedCertificate::crypto_key() const {
    std::call_once(crypto_once_, [&] {
        try {
            crypto_key_ = crypto::PublicKey::from_spki_der(cert.subject_public_key_info());
        } catch (const std::exception&) {
            // left empty: Botan checks this key
        }
    });
    return crypto_key_ ? &*crypto_key_ : nullptr;
}

std::shared_ptr<const Botan::Public_Key> ParsedCertificate::botan_key() const {
    const std::lock_guard lock(botan_mutex_);
    if (!botan_key_) botan_key_ = cert.load_subject_public_key();
    return botan_key_;
}

std::vector<GeneralName> constrained_names(const ParsedCertificate& cert) {
    std::vector<GeneralName> names;
    if (cert.fields.subject_alt_names) names = *cert.fields.subject_alt_names;
    if (!cert.fields.subject.empty()) {
        GeneralName subject;
        subject.type = NameType::directory;
        subject.directory = cert.fields.subject;
        names.push_back(std::move(subject));
    }
    if (!cert.fields.subject_alt_names) {
        for (const auto& attribute : cert.fields.subject) {
            if (attribute.oid != "1.2.840.113549.1.9.1") continue;  // emailAddress
            GeneralName email;
            email.type = NameType::rfc822;
            email.text = attribute.value;
            names.push_back(std::move(email));
        }
    }
    return names;
}

}  // namespace tls12::x509::detail
