/// \file
/// Wire enumerations of TLS 1.2. Unknown values survive a round trip: each is an enum class over
/// the wire integer with named constants, and to_string() names the known ones.
#pragma once

#include <cstdint>
#include <string>

#include <tls12/crypto/bytes.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

using crypto::Bytes;
using crypto::ByteView;
using crypto::MutableByteView;

/// Record content type (RFC 5246 6.2.1).
enum class ContentType : uint8_t {
    change_cipher_spec = 20,
    alert = 21,
    handshake = 22,
    application_data = 23,
};

/// Handshake message type (RFC 5246 7.4; new_session_ticket: RFC 5077; the TLS 1.3 ones:
/// RFC 8446 4).
enum class HandshakeType : uint8_t {
    hello_request = 0,
    client_hello = 1,
    server_hello = 2,
    new_session_ticket = 4,
    end_of_early_data = 5,
    encrypted_extensions = 8,
    certificate = 11,
    server_key_exchange = 12,
    certificate_request = 13,
    server_hello_done = 14,
    certificate_verify = 15,
    client_key_exchange = 16,
    finished = 20,
    key_update = 24,
    /// RFC 8446 4.4.1: stands for ClientHello1 in the transcript after a HelloRetryRequest.
    message_hash = 254,
};

/// Protocol version on the wire ({3, 3} is TLS 1.2, RFC 5246 6.2.1).
enum class ProtocolVersion : uint16_t {
    ssl3 = 0x0300,
    tls10 = 0x0301,
    tls11 = 0x0302,
    tls12 = 0x0303,
    tls13 = 0x0304,
};

/// Cipher suite code points (IANA names). The TLS 1.3 suites (RFC 8446 B.4) name only the AEAD and
/// the hash. The signalling values TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746) and
/// TLS_FALLBACK_SCSV (RFC 7507) are not suites.
enum class CipherSuite : uint16_t {
    TLS_RSA_WITH_AES_128_CBC_SHA = 0x002F,
    TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035,
    TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003C,
    TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009C,
    TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009D,
    TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF,
    TLS_AES_128_GCM_SHA256 = 0x1301,
    TLS_AES_256_GCM_SHA384 = 0x1302,
    TLS_CHACHA20_POLY1305_SHA256 = 0x1303,
    TLS_FALLBACK_SCSV = 0x5600,
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xC02B,
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xC02C,
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xC013,
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xC014,
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xC027,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xC02F,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xC030,
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA8,
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA9,
};

/// Named groups for ECDHE (RFC 8422 5.1.1).
enum class NamedGroup : uint16_t {
    secp256r1 = 23,
    secp384r1 = 24,
    secp521r1 = 25,
    x25519 = 29,
    x448 = 30,
};

/// Signature schemes (RFC 8446 4.2.3), which in TLS 1.2 stand for the hash and signature
/// algorithm pairs of RFC 5246 7.4.1.4.1.
enum class SignatureScheme : uint16_t {
    rsa_pkcs1_sha1 = 0x0201,
    ecdsa_sha1 = 0x0203,
    rsa_pkcs1_sha256 = 0x0401,
    rsa_pkcs1_sha384 = 0x0501,
    rsa_pkcs1_sha512 = 0x0601,
    ecdsa_secp256r1_sha256 = 0x0403,
    ecdsa_secp384r1_sha384 = 0x0503,
    ecdsa_secp521r1_sha512 = 0x0603,
    rsa_pss_rsae_sha256 = 0x0804,
    rsa_pss_rsae_sha384 = 0x0805,
    rsa_pss_rsae_sha512 = 0x0806,
    ed25519 = 0x0807,
    rsa_pss_pss_sha256 = 0x0809,
};

/// Hello extension types (IANA registry).
enum class ExtensionType : uint16_t {
    server_name = 0,
    max_fragment_length = 1,
    status_request = 5,
    supported_groups = 10,
    ec_point_formats = 11,
    signature_algorithms = 13,
    use_srtp = 14,
    heartbeat = 15,
    application_layer_protocol_negotiation = 16,
    signed_certificate_timestamp = 18,
    client_certificate_type = 19,
    server_certificate_type = 20,
    padding = 21,
    encrypt_then_mac = 22,
    extended_master_secret = 23,
    record_size_limit = 28,
    session_ticket = 35,
    pre_shared_key = 41,
    early_data = 42,
    supported_versions = 43,
    cookie = 44,
    psk_key_exchange_modes = 45,
    certificate_authorities = 47,
    oid_filters = 48,
    post_handshake_auth = 49,
    signature_algorithms_cert = 50,
    key_share = 51,
    renegotiation_info = 0xFF01,
};

/// Alert level (RFC 5246 7.2).
enum class AlertLevel : uint8_t { warning = 1, fatal = 2 };

/// Alert description (RFC 5246 7.2): what a fatal alert says went wrong, or close_notify.
enum class AlertDescription : uint8_t {
    close_notify = 0,
    unexpected_message = 10,
    bad_record_mac = 20,
    record_overflow = 22,
    handshake_failure = 40,
    bad_certificate = 42,
    unsupported_certificate = 43,
    certificate_revoked = 44,
    certificate_expired = 45,
    certificate_unknown = 46,
    illegal_parameter = 47,
    unknown_ca = 48,
    access_denied = 49,
    decode_error = 50,
    decrypt_error = 51,
    protocol_version = 70,
    insufficient_security = 71,
    internal_error = 80,
    inappropriate_fallback = 86,
    user_canceled = 90,
    no_renegotiation = 100,
    missing_extension = 109,
    unsupported_extension = 110,
    unrecognized_name = 112,
    unknown_psk_identity = 115,
    certificate_required = 116,
    no_application_protocol = 120,
};

/// The name, e.g. "handshake"; "unknown(0x..)" for a value without one.
std::string to_string(ContentType v);
/// The name, e.g. "client_hello"; "unknown(0x..)" for a value without one.
std::string to_string(HandshakeType v);
/// "TLSv1.2" and the like; "unknown(0x....)" for a value without one.
std::string to_string(ProtocolVersion v);
/// IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; "unknown(0x....)" for a value
/// without one. openssl_name() gives OpenSSL's.
std::string to_string(CipherSuite v);
/// The name, e.g. "x25519"; "unknown(0x....)" for a value without one.
std::string to_string(NamedGroup v);
/// The name, e.g. "rsa_pss_rsae_sha256"; "unknown(0x....)" for a value without one.
std::string to_string(SignatureScheme v);
/// The name, e.g. "server_name"; "unknown(0x....)" for a value without one.
std::string to_string(ExtensionType v);
/// The name, e.g. "handshake_failure"; "unknown(0x..)" for a value without one.
std::string to_string(AlertDescription v);

}  // namespace tls12
#pragma GCC visibility pop
