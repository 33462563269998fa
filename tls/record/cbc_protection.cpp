#include <tls12/tls/record/cbc_protection.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace tls12 {
namespace {

constexpr size_t kBlock = crypto::cbc_block_size;
constexpr size_t kMaxPlaintext = 1u << 14;
constexpr size_t kMaxMac = 64;

// RFC 5246 6.2.3.1: seq_num + type + version + length.
// Pads data[0..size) to a whole number of blocks with padding_length + 1 bytes of value
// padding_length (the fewest possible); returns the padded size.
size_t pad(uint8_t* data, size_t size) {
    const size_t padding_length = kBlock - 1 - size % kBlock;
    std::memset(data + size, static_cast<int>(padding_length), padding_length + 1);
    return size + padding_length + 1;
}

}  // namespace

CbcProtection::CbcProtection(const SuiteInfo& suite, ByteView mac_key, ByteView key,
                             crypto::AeadUse use, bool encrypt_then_mac, crypto::Random& random)
    : RecordProtection(kBlock, kBlock + crypto::digest_size(suite.mac_hash) + kBlock),
      mac_(suite.mac_hash, mac_key),
      random_(random),
      mac_size_(crypto::digest_size(suite.mac_hash)),
      encrypt_then_mac_(encrypt_then_mac) {
    if (use != crypto::AeadUse::open_only) encryptor_.emplace(key, crypto::CbcDirection::encrypt);
    if (use != crypto::AeadUse::seal_only) decryptor_.emplace(key, crypto::CbcDirection::decrypt);
}

Result<size_t> CbcProtection::seal(ContentType type, MutableByteView body, size_t plaintext_size) {
    if (!encryptor_)
        return make_error(AlertDescription::internal_error, "CBC keys are for opening only");
    uint64_t sequence;
    if (!next_sequence(sequence)) return sequence_exhausted();
    const MutableByteView iv = body.first(kBlock);
    random_.fill(iv);
    uint8_t* const data = body.data() + kBlock;
    if (encrypt_then_mac_) {
        const size_t padded = pad(data, plaintext_size);
        encryptor_->encrypt(iv, {data, padded});
        const auto header = record_mac_header(sequence, type, kBlock + padded);
        mac_.update(header);
        mac_.update(body.first(kBlock + padded));
        mac_.finish(body.subspan(kBlock + padded, mac_size_));
        return kBlock + padded + mac_size_;
    }
    const auto header = record_mac_header(sequence, type, plaintext_size);
    mac_.update(header);
    mac_.update({data, plaintext_size});
    mac_.finish({data + plaintext_size, mac_size_});
    const size_t padded = pad(data, plaintext_size + mac_size_);
    encryptor_->encrypt(iv, {data, padded});
    return kBlock + padded;
}

Result<MutableByteView> CbcProtection::open(ContentType type, MutableByteView body) {
    if (!decryptor_)
        return make_error(AlertDescription::internal_error, "CBC keys are for sealing only");
    return encrypt_then_mac_ ? open_encrypt_then_mac(type, body)
                             : open_mac_then_encrypt(type, body);
}

Result<MutableByteView> CbcProtection::open_encrypt_then_mac(ContentType type,
                                                             MutableByteView body) {
    // RFC 7366 3: IV + at least one block + MAC; the ciphertext is whole blocks.
    if (body.size() < kBlock + kBlock + mac_size_ || (body.size() - mac_size_) % kBlock != 0)
        return record_authentication_failure();
    const size_t protected_size = body.size() - mac_size_;  // IV + ciphertext
    std::array<uint8_t, kMaxMac> expected{};
    const auto header = record_mac_header(sequence_, type, protected_size);
    mac_.update(header);
    mac_.update(body.first(protected_size));
    mac_.finish(expected);
    if (!crypto::constant_time_equal(ByteView(expected).first(mac_size_),
                                     body.subspan(protected_size, mac_size_)))
        return record_authentication_failure();
    // Authenticated: the padding is no longer secret-dependent, but is checked all the same.
    const MutableByteView data = body.subspan(kBlock, protected_size - kBlock);
    decryptor_->decrypt(body.first(kBlock), data);
    const size_t padding_length = data.back();
    if (padding_length + 1 > data.size()) return record_authentication_failure();
    for (size_t i = data.size() - padding_length - 1; i < data.size(); ++i)
        if (data[i] != padding_length) return record_authentication_failure();
    const size_t plaintext_size = data.size() - padding_length - 1;
    if (plaintext_size > kMaxPlaintext)
        return make_error(AlertDescription::record_overflow, "decrypted record longer than 2^14");
    uint64_t sequence;
    if (!next_sequence(sequence)) return sequence_exhausted();
    return data.first(plaintext_size);
}

Result<MutableByteView> CbcProtection::open_mac_then_encrypt(ContentType type,
                                                             MutableByteView body) {
    // Public checks first: the record length is not secret. IV + whole blocks holding at least
    // the MAC and one padding byte.
    const size_t min_data = (mac_size_ + 1 + kBlock - 1) / kBlock * kBlock;
    if (body.size() < kBlock + min_data || (body.size() - kBlock) % kBlock != 0)
        return record_authentication_failure();
    const MutableByteView data = body.subspan(kBlock);
    decryptor_->decrypt(body.first(kBlock), data);
    const size_t n = data.size();
    const auto n32 = static_cast<uint32_t>(n);
    const auto mac32 = static_cast<uint32_t>(mac_size_);

    // From here on nothing branches on, or indexes memory by, the padding or plaintext length.
    // 1. Padding: padding_length + 1 bytes of value padding_length, with room for the MAC. The
    //    last 256 bytes (all of data when shorter) are always scanned.
    const uint32_t padding_length = data[n - 1];
    uint32_t good = crypto::ct_le_mask(padding_length + 1 + mac32, n32);
    const size_t scan = std::min<size_t>(256, n);
    for (size_t i = 0; i < scan; ++i) {
        const uint32_t in_padding = crypto::ct_le_mask(static_cast<uint32_t>(i), padding_length);
        const uint32_t matches = crypto::ct_eq_mask(data[n - 1 - i], padding_length);
        good &= ~in_padding | matches;
    }
    // A bad padding is treated as none, so the MAC is still computed over a plausible length
    // (RFC 5246 6.2.3.2) and fails.
    const uint32_t removed = crypto::ct_select(good, padding_length + 1, 0);
    const uint32_t plaintext_size = n32 - mac32 - removed;

    // 2. The MAC over the plaintext, in constant time over every length it could have: the
    //    padding removes at most 256 bytes, so only the last 256 bytes of data.first(n - mac)
    //    can be cut off, and what comes before them is MAC'd the ordinary way.
    std::array<uint8_t, kMaxMac> expected{};
    const auto header = record_mac_header(sequence_, type, plaintext_size);
    const size_t longest = n - mac_size_;
    const size_t shortest = longest - std::min<size_t>(256, longest);
    mac_.mac_constant_time(header, data.first(longest), shortest, plaintext_size, expected);

    // 3. The received MAC sits at data[plaintext_size..+mac): gather it by scanning every
    //    position it could occupy, without secret indexes.
    std::array<uint8_t, kMaxMac> received{};
    const size_t window_start = n - mac_size_ - std::min<size_t>(256, n - mac_size_);
    for (size_t i = window_start; i < n; ++i) {
        const uint8_t byte = data[i];
        const uint32_t offset = static_cast<uint32_t>(i) - plaintext_size;  // wraps if before
        for (size_t k = 0; k < mac_size_; ++k)
            received[k] |=
                static_cast<uint8_t>(byte & crypto::ct_eq_mask(offset, static_cast<uint32_t>(k)));
    }
    uint32_t diff = 0;
    for (size_t k = 0; k < mac_size_; ++k) diff |= static_cast<uint32_t>(received[k] ^ expected[k]);
    good &= crypto::ct_eq_mask(diff, 0);

    // The single, public decision.
    if (good == 0) return record_authentication_failure();
    if (plaintext_size > kMaxPlaintext)
        return make_error(AlertDescription::record_overflow, "decrypted record longer than 2^14");
    uint64_t sequence;
    if (!next_sequence(sequence)) return sequence_exhausted();
    return data.first(plaintext_size);
}

}  // namespace tls12
