#include <tls12/tls/types.h>

#include <cstdio>

namespace tls12 {

namespace {

std::string unknown_value(unsigned value, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "unknown(0x%0*x)", digits, value);
    return buf;
}

}  // namespace

std::string to_string(ContentType v) {
    switch (v) {
        case ContentType::change_cipher_spec:
            return "change_cipher_spec";
        case ContentType::alert:
            return "alert";
        case ContentType::handshake:
            return "handshake";
        case ContentType::application_data:
            return "application_data";
        default:
            return unknown_value(static_cast<unsigned>(v), 2);
    }
}

std::string to_string(HandshakeType v) {
    switch (v) {
        case HandshakeType::hello_request:
            return "hello_request";
        case HandshakeType::client_hello:
            return "client_hello";
        case HandshakeType::server_hello:
            return "server_hello";
        case HandshakeType::new_session_ticket:
            return "new_session_ticket";
        case HandshakeType::end_of_early_data:
            return "end_of_early_data";
        case HandshakeType::encrypted_extensions:
            return "encrypted_extensions";
        case HandshakeType::certificate:
            return "certificate";
        case HandshakeType::server_key_exchange:
            return "server_key_exchange";
        case HandshakeType::certificate_request:
            return "certificate_request";
        case HandshakeType::server_hello_done:
            return "server_hello_done";
        case HandshakeType::certificate_verify:
            return "certificate_verify";
        case HandshakeType::client_key_exchange:
            return "client_key_exchange";
        case HandshakeType::finished:
            return "finished";
        case HandshakeType::key_update:
            return "key_update";
        case HandshakeType::message_hash:
            return "message_hash";
        default:
            return unknown_value(static_cast<unsigned>(v), 2);
    }
}

std::string to_string(ProtocolVersion v) {
    switch (v) {
        case ProtocolVersion::ssl3:
            return "SSLv3";
        case ProtocolVersion::tls10:
            return "TLSv1.0";
        case ProtocolVersion::tls11:
            return "TLSv1.1";
        case ProtocolVersion::tls12:
            return "TLSv1.2";
        case ProtocolVersion::tls13:
            return "TLSv1.3";
        default:
            return unknown_value(static_cast<unsigned>(v), 4);
    }
}

std::string to_string(CipherSuite v) {
    switch (v) {
        case CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA:
            return "TLS_RSA_WITH_AES_128_CBC_SHA";
        case CipherSuite::TLS_RSA_WITH_AES_256_CBC_SHA:
            return "TLS_RSA_WITH_AES_256_CBC_SHA";
        case CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA256:
            return "TLS_RSA_WITH_AES_128_CBC_SHA256";
        case CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256:
            return "TLS_RSA_WITH_AES_128_GCM_SHA256";
        case CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384:
            return "TLS_RSA_WITH_AES_256_GCM_SHA384";
        case CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV:
            return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
        case CipherSuite::TLS_AES_128_GCM_SHA256:
            return "TLS_AES_128_GCM_SHA256";
        case CipherSuite::TLS_AES_256_GCM_SHA384:
            return "TLS_AES_256_GCM_SHA384";
        case CipherSuite::TLS_CHACHA20_POLY1305_SHA256:
            return "TLS_CHACHA20_POLY1305_SHA256";
        case CipherSuite::TLS_FALLBACK_SCSV:
            return "TLS_FALLBACK_SCSV";
        case CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
            return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        case CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
            return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
        case CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA:
            return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
        case CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA:
            return "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
        case CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256:
            return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256";
        case CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:
            return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        case CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384:
            return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
        case CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:
            return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
        case CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
            return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
        default:
            return unknown_value(static_cast<unsigned>(v), 4);
    }
}

std::string to_string(NamedGroup v) {
    switch (v) {
        case NamedGroup::secp256r1:
            return "secp256r1";
        case NamedGroup::secp384r1:
            return "secp384r1";
        case NamedGroup::secp521r1:
            return "secp521r1";
        case NamedGroup::x25519:
            return "x25519";
        case NamedGroup::x448:
            return "x448";
        default:
            return unknown_value(static_cast<unsigned>(v), 4);
    }
}

std::string to_string(SignatureScheme v) {
    switch (v) {
        case SignatureScheme::rsa_pkcs1_sha1:
            return "rsa_pkcs1_sha1";
        case SignatureScheme::ecdsa_sha1:
            return "ecdsa_sha1";
        case SignatureScheme::rsa_pkcs1_sha256:
            return "rsa_pkcs1_sha256";
        case SignatureScheme::rsa_pkcs1_sha384:
            return "rsa_pkcs1_sha384";
        case SignatureScheme::rsa_pkcs1_sha512:
            return "rsa_pkcs1_sha512";
        case SignatureScheme::ecdsa_secp256r1_sha256:
            return "ecdsa_secp256r1_sha256";
        case SignatureScheme::ecdsa_secp384r1_sha384:
            return "ecdsa_secp384r1_sha384";
        case SignatureScheme::ecdsa_secp521r1_sha512:
            return "ecdsa_secp521r1_sha512";
        case SignatureScheme::rsa_pss_rsae_sha256:
            return "rsa_pss_rsae_sha256";
        case SignatureScheme::rsa_pss_rsae_sha384:
            return "rsa_pss_rsae_sha384";
        case SignatureScheme::rsa_pss_rsae_sha512:
            return "rsa_pss_rsae_sha512";
        case SignatureScheme::ed25519:
            return "ed25519";
        case SignatureScheme::rsa_pss_pss_sha256:
            return "rsa_pss_pss_sha256";
        default:
            return unknown_value(static_cast<unsigned>(v), 4);
    }
}

std::string to_string(ExtensionType v) {
    switch (v) {
        case ExtensionType::server_name:
            return "server_name";
        case ExtensionType::max_fragment_length:
            return "max_fragment_length";
        case ExtensionType::status_request:
            return "status_request";
        case ExtensionType::supported_groups:
            return "supported_groups";
        case ExtensionType::ec_point_formats:
            return "ec_point_formats";
        case ExtensionType::signature_algorithms:
            return "signature_algorithms";
        case ExtensionType::use_srtp:
            return "use_srtp";
        case ExtensionType::heartbeat:
            return "heartbeat";
        case ExtensionType::application_layer_protocol_negotiation:
            return "application_layer_protocol_negotiation";
        case ExtensionType::signed_certificate_timestamp:
            return "signed_certificate_timestamp";
        case ExtensionType::client_certificate_type:
            return "client_certificate_type";
        case ExtensionType::server_certificate_type:
            return "server_certificate_type";
        case ExtensionType::padding:
            return "padding";
        case ExtensionType::encrypt_then_mac:
            return "encrypt_then_mac";
        case ExtensionType::extended_master_secret:
            return "extended_master_secret";
        case ExtensionType::record_size_limit:
            return "record_size_limit";
        case ExtensionType::session_ticket:
            return "session_ticket";
        case ExtensionType::pre_shared_key:
            return "pre_shared_key";
        case ExtensionType::early_data:
            return "early_data";
        case ExtensionType::supported_versions:
            return "supported_versions";
        case ExtensionType::cookie:
            return "cookie";
        case ExtensionType::psk_key_exchange_modes:
            return "psk_key_exchange_modes";
        case ExtensionType::certificate_authorities:
            return "certificate_authorities";
        case ExtensionType::oid_filters:
            return "oid_filters";
        case ExtensionType::post_handshake_auth:
            return "post_handshake_auth";
        case ExtensionType::signature_algorithms_cert:
            return "signature_algorithms_cert";
        case ExtensionType::key_share:
            return "key_share";
        case ExtensionType::renegotiation_info:
            return "renegotiation_info";
        default:
            return unknown_value(static_cast<unsigned>(v), 4);
    }
}

std::string to_string(AlertDescription v) {
    switch (v) {
        case AlertDescription::close_notify:
            return "close_notify";
        case AlertDescription::unexpected_message:
            return "unexpected_message";
        case AlertDescription::bad_record_mac:
            return "bad_record_mac";
        case AlertDescription::record_overflow:
            return "record_overflow";
        case AlertDescription::handshake_failure:
            return "handshake_failure";
        case AlertDescription::bad_certificate:
            return "bad_certificate";
        case AlertDescription::unsupported_certificate:
            return "unsupported_certificate";
        case AlertDescription::certificate_revoked:
            return "certificate_revoked";
        case AlertDescription::certificate_expired:
            return "certificate_expired";
        case AlertDescription::certificate_unknown:
            return "certificate_unknown";
        case AlertDescription::illegal_parameter:
            return "illegal_parameter";
        case AlertDescription::unknown_ca:
            return "unknown_ca";
        case AlertDescription::access_denied:
            return "access_denied";
        case AlertDescription::decode_error:
            return "decode_error";
        case AlertDescription::decrypt_error:
            return "decrypt_error";
        case AlertDescription::protocol_version:
            return "protocol_version";
        case AlertDescription::insufficient_security:
            return "insufficient_security";
        case AlertDescription::internal_error:
            return "internal_error";
        case AlertDescription::inappropriate_fallback:
            return "inappropriate_fallback";
        case AlertDescription::user_canceled:
            return "user_canceled";
        case AlertDescription::no_renegotiation:
            return "no_renegotiation";
        case AlertDescription::missing_extension:
            return "missing_extension";
        case AlertDescription::unsupported_extension:
            return "unsupported_extension";
        case AlertDescription::unrecognized_name:
            return "unrecognized_name";
        case AlertDescription::unknown_psk_identity:
            return "unknown_psk_identity";
        case AlertDescription::certificate_required:
            return "certificate_required";
        case AlertDescription::no_application_protocol:
            return "no_application_protocol";
        default:
            return unknown_value(static_cast<unsigned>(v), 2);
    }
}

}  // namespace tls12
