#include <tls12/tls/record/protection.h>

#include <cstring>
#include <stdexcept>

namespace tls12 {
namespace {

uint64_t load_u64_be(const uint8_t* in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | in[i];
    return v;
}

}  // namespace

Error record_authentication_failure() {
    return make_error(AlertDescription::bad_record_mac, "record authentication failed");
}

// ---- RecordProtection ----

Error RecordProtection::sequence_exhausted() {
    // RFC 5246 6.1: sequence numbers may not wrap; renegotiation is the only way on, and we refuse
    // it, so the connection ends.
    return make_error(AlertDescription::internal_error, "record sequence number exhausted");
}

Result<size_t> RecordProtection::seal_from(ContentType type, ByteView plaintext,
                                           MutableByteView body) {
    if (!plaintext.empty())  // data() may be null
        std::memcpy(body.data() + explicit_nonce_size(), plaintext.data(), plaintext.size());
    return seal(type, body, plaintext.size());
}

Result<size_t> RecordProtection::open_into(ContentType type, ByteView body, MutableByteView out) {
    if (!body.empty()) std::memcpy(out.data(), body.data(), body.size());  // data() may be null
    auto opened = open(type, out.first(body.size()));
    if (!opened) return std::move(opened).error();
    std::memmove(out.data(), opened->data(), opened->size());
    return opened->size();
}

// ---- AeadProtection ----

AeadProtection::AeadProtection(const SuiteInfo& suite, ByteView key, ByteView fixed_iv,
                               crypto::AeadUse use)
    : RecordProtection(suite.explicit_nonce_size,
                       suite.explicit_nonce_size + crypto::aead_tag_size),
      algorithm_(suite.aead),
      use_(use),
      key_(key),
      aead_(std::in_place, suite.aead, key, use),
      explicit_nonce_size_(suite.explicit_nonce_size) {
    // make_nonce() spells out the two layouts: RFC 5288 (4 + 8) and RFC 7905 (12 + 0).
    const bool rfc5288 = suite.fixed_iv_size == 4 && explicit_nonce_size_ == 8;
    const bool rfc7905 = suite.fixed_iv_size == 12 && explicit_nonce_size_ == 0;
    if (!rfc5288 && !rfc7905) throw std::logic_error("AeadProtection: unknown nonce layout");
    if (fixed_iv.size() != suite.fixed_iv_size)
        throw std::logic_error("AeadProtection: fixed IV of the wrong size");
    // Both layouts start with the first four bytes of the fixed IV; only the last eight change.
    std::memcpy(nonce_.data(), fixed_iv.data(), 4);
    if (rfc7905) fixed_iv_tail_ = load_u64_be(fixed_iv.data() + 4);
}

crypto::Aead& AeadProtection::rekey() {
    return aead_.emplace(algorithm_, key_.view(), use_);
}

Result<size_t> AeadProtection::seal(ContentType type, MutableByteView body, size_t plaintext_size) {
    // Exactly in place, which the AEAD allows.
    return seal_from(type, body.subspan(explicit_nonce_size_, plaintext_size), body);
}

Result<MutableByteView> AeadProtection::open(ContentType type, MutableByteView body) {
    // Checked before slicing: a record shorter than the explicit nonce must not be cut past its
    // end.
    if (body.size() < overhead()) return record_authentication_failure();
    auto size = open_into(type, body, body.subspan(explicit_nonce_size_));
    if (!size) return std::move(size).error();
    return body.subspan(explicit_nonce_size_, *size);
}

Error AeadProtection::plaintext_overflow() {
    return make_error(AlertDescription::record_overflow, "decrypted record longer than 2^14");
}

}  // namespace tls12
