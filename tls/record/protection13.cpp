#include <tls12/tls/record/protection13.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace tls12 {

uint64_t max_records_per_key(const SuiteInfo& suite) noexcept {
    return suite.aead == crypto::AeadAlgorithm::chacha20_poly1305
               ? std::numeric_limits<uint64_t>::max()
               : kMaxRecordsAesGcm13;
}

Tls13Protection::Tls13Protection(const SuiteInfo& suite, ByteView key, ByteView iv,
                                 crypto::AeadUse use)
    : RecordProtection(0, kOverhead), algorithm_(suite.aead), use_(use), key_(key) {
    if (!suite.tls13())
        throw std::logic_error("Tls13Protection: " + to_string(suite.suite) +
                               " is not a TLS 1.3 suite");
    if (iv.size() != crypto::aead_nonce_size)
        throw std::logic_error("Tls13Protection: an IV of " + std::to_string(iv.size()) + " bytes");
    aead_.emplace(suite.aead, key, use);  // throws std::invalid_argument for a wrong key size
    // RFC 8446 5.3: nonce = iv xor (0^32 || seq_num); only the last eight bytes change.
    std::memcpy(nonce_.data(), iv.data(), 4);
    for (size_t i = 4; i < crypto::aead_nonce_size; ++i) iv_tail_ = iv_tail_ << 8 | iv[i];
}

crypto::Aead& Tls13Protection::rekey() {
    return aead_.emplace(algorithm_, key_.view(), use_);
}

Result<size_t> Tls13Protection::seal(ContentType type, MutableByteView body,
                                     size_t plaintext_size) {
    return seal_record(type, body.first(plaintext_size), body);
}

Result<size_t> Tls13Protection::seal_from(ContentType type, ByteView plaintext,
                                          MutableByteView body) {
    return seal_record(type, plaintext, body);
}

Result<MutableByteView> Tls13Protection::open(ContentType type, MutableByteView body) {
    auto size = open_into(type, body, body);
    if (!size) return std::move(size).error();
    return body.first(*size);
}

Result<size_t> Tls13Protection::open_into(ContentType type, ByteView body, MutableByteView out) {
    // The additional data names application_data: any other outer type would not authenticate.
    if (type != ContentType::application_data) return record_authentication_failure();
    auto inner = open_record(body, out);
    if (!inner) return std::move(inner).error();
    return inner->size + 1;  // the content and its type byte (out[size])
}

Error Tls13Protection::content_too_long(size_t size) {
    return make_error(AlertDescription::internal_error,
                      "record content of " + std::to_string(size) + " bytes exceeds 2^14");
}

Error Tls13Protection::inner_plaintext_overflow(size_t size) {
    return make_error(AlertDescription::record_overflow,
                      "TLS 1.3 record with an inner plaintext of " + std::to_string(size) +
                          " bytes exceeds 2^14 + 1");
}

Error Tls13Protection::no_content_type() {
    // RFC 8446 5.4: "If a receiving implementation does not find a non-zero octet in the cleartext,
    // it MUST terminate the connection with an unexpected_message alert."
    return make_error(AlertDescription::unexpected_message,
                      "TLS 1.3 record without a content type (its plaintext is all zeros)");
}

Error Tls13Protection::forbidden_inner_type(uint8_t type) {
    // RFC 8446 5: a protected change_cipher_spec, like any type TLS 1.3 does not carry, is
    // unexpected_message.
    const auto content_type = static_cast<ContentType>(type);
    return make_error(AlertDescription::unexpected_message,
                      (content_type == ContentType::change_cipher_spec
                           ? std::string("protected change_cipher_spec record")
                           : "TLS 1.3 record with inner content type " + to_string(content_type)) +
                          " (TLS 1.3 protects only handshake, alert and application_data)");
}

std::unique_ptr<Tls13Protection> make_protection13(const SuiteInfo& suite,
                                                   const TrafficKeys13& keys, bool for_sealing) {
    return std::make_unique<Tls13Protection>(
        suite, keys.key.view(), keys.iv.view(),
        for_sealing ? crypto::AeadUse::seal_only : crypto::AeadUse::open_only);
}

}  // namespace tls12
