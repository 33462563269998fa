#include <tls12/tls/record/record_layer.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace tls12 {

void ByteQueue::append(ByteView bytes) {
    if (bytes.empty()) return;
    auto out = extend(bytes.size());
    std::memcpy(out.data(), bytes.data(), bytes.size());
}

void ByteQueue::make_room(size_t n) {
    const size_t live = size();
    if (capacity_ - live >= n) {
        // Reuse the consumed front before growing.
        std::memmove(storage_.get(), storage_.get() + start_, live);
    } else {
        const size_t grown = std::max(live + n, capacity_ * 2);
        auto bigger = std::make_unique_for_overwrite<uint8_t[]>(grown);
        if (live) std::memcpy(bigger.get(), storage_.get() + start_, live);
        storage_ = std::move(bigger);
        capacity_ = grown;
    }
    start_ = 0;
    end_ = live;
}

void ByteQueue::release_memory() {
    if (!empty()) return;
    storage_.reset();
    capacity_ = start_ = end_ = 0;
}

namespace {

// A first record whose header is printable text: the peer speaks something else (plaintext HTTP
// to a TLS port, an SMTP or FTP greeting, ...). Printable ASCII only, so quoting it is safe.
bool looks_like_text(ByteView header) {
    return std::all_of(header.begin(), header.end(),
                       [](uint8_t b) { return (b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n'; });
}

std::string quoted(ByteView header) {
    std::string out = "\"";
    for (uint8_t b : header)
        out += b == '\r'   ? std::string("\\r")
               : b == '\n' ? std::string("\\n")
                           : std::string(1, char(b));
    return out + "\"";
}

}  // namespace

// Which header check failed, spelled out. Out of line and cold: the hot path only asks whether
// the header is acceptable.
Error RecordLayer::header_error(ByteView header, bool first_record, bool strict_version,
                                size_t limit) {
    const uint8_t type = header[0];
    const uint16_t version = static_cast<uint16_t>(header[1] << 8 | header[2]);
    const size_t length = static_cast<size_t>(header[3] << 8 | header[4]);
    if (first_record && looks_like_text(header))
        return make_error(AlertDescription::unexpected_message,
                          "the peer does not speak TLS: it began with the text " + quoted(header) +
                              " (plaintext HTTP, or another protocol on this port?)");
    if (!RecordLayer::known_content_type(type))
        return make_error(AlertDescription::unexpected_message,
                          "record with unknown content type " + std::to_string(type));
    if ((version >> 8) != 3 || (strict_version && version != 0x0303))
        return make_error(AlertDescription::protocol_version,
                          "record version " + to_string(static_cast<ProtocolVersion>(version)) +
                              " is not TLS 1.2");
    return make_error(
        AlertDescription::record_overflow,
        "record of " + std::to_string(length) + " bytes exceeds " + std::to_string(limit));
}

Error RecordLayer::sslv2_hello_error() {
    // A two-byte header with the high bit set: we speak TLS 1.2 only.
    return make_error(AlertDescription::protocol_version,
                      "SSLv2-format hello refused: only TLS 1.2 is supported");
}

Result<OpenedRecord> RecordLayer::open(const SealedRecord& record) {
    if (!read_) return OpenedRecord{record.type, record.body};
    if (read13_) {
        if (record.type == ContentType::change_cipher_spec ||
            (record.type == ContentType::alert && plaintext_alerts_))
            return OpenedRecord{record.type, record.body};
        if (record.type != ContentType::application_data)
            return unprotected_record_error(record.type);
        scratch_.resize(record.body.size());
        auto inner = read13_->open_record(record.body, scratch_);
        if (!inner) return std::move(inner).error();
        plaintext_alerts_ = false;  // the client has keys: everything is protected from now on
        return OpenedRecord{inner->type, ByteView(scratch_).first(inner->size)};
    }
    scratch_.resize(record.body.size());
    auto size = read_->open_into(record.type, record.body, scratch_);
    if (!size) return std::move(size).error();
    return OpenedRecord{record.type, ByteView(scratch_).first(*size)};
}

Result<bool> RecordLayer::skip_early_data(const SealedRecord& record) {
    if (record.type != ContentType::application_data) return false;
    if (skip_early_data_ == EarlyDataSkip::undecryptable && read13_) {
        scratch_.resize(record.body.size());
        if (read13_->authenticates(record.body, scratch_)) {
            skip_early_data_ = EarlyDataSkip::none;  // the client's second flight begins here
            return false;
        }
    }
    const size_t size =
        record.body.size() - std::min(record.body.size(), Tls13Protection::kOverhead);
    // RFC 8446 4.2.10: more than the server allows is unexpected_message.
    if (size > early_data_budget_)
        return make_error(AlertDescription::unexpected_message,
                          "client sent more early data than the " +
                              std::to_string(early_data_budget_) +
                              " bytes still allowed to skip (0-RTT is not accepted; a " +
                              std::to_string(size) + "-byte record exceeds the limit)");
    early_data_budget_ -= size;
    return true;
}

Result<OpenedRecord> RecordLayer::hand_back(const Result<InnerPlaintext>& inner,
                                            MutableByteView out, ByteQueue& sink) {
    if (inner) {
        scratch_.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(inner->size));
        // A post-handshake message (a ticket's nonce, say) is not left behind in the sink.
        crypto::secure_wipe(out.data(), out.size());
    }
    sink.unextend(out.size());
    if (!inner) return inner.error();
    return OpenedRecord{inner->type, ByteView(scratch_)};
}

Error RecordLayer::unprotected_record_error(ContentType type) {
    // RFC 8446 5: once records are protected, only change_cipher_spec may still come in the clear.
    return make_error(AlertDescription::unexpected_message,
                      "unprotected " + to_string(type) + " record after TLS 1.3 keys are in use");
}

Status RecordLayer::write(ContentType type, ByteView plaintext) {
    if (write13_) return write13(type, plaintext);
    const size_t overhead = write_ ? write_->overhead() : 0;
    do {
        const size_t n = std::min(plaintext.size(), kMaxPlaintextFragment);
        auto record = output_.extend(kRecordHeaderSize + n + overhead);
        auto body = record.subspan(kRecordHeaderSize);
        size_t body_size = n;
        if (write_) {
            // Sealed straight from the caller's bytes into the output buffer.
            auto sealed = write_aead_ ? write_aead_->seal_from(type, plaintext.first(n), body)
                                      : write_->seal_from(type, plaintext.first(n), body);
            if (!sealed) {
                output_.unextend(record.size());
                return std::move(sealed).error();
            }
            body_size = *sealed;
            output_.unextend(n + overhead - body_size);
        } else if (n) {
            std::memcpy(body.data(), plaintext.data(), n);
        }
        record[0] = static_cast<uint8_t>(type);
        record[1] = 3;
        record[2] = 3;
        record[3] = static_cast<uint8_t>(body_size >> 8);
        record[4] = static_cast<uint8_t>(body_size);
        plaintext = plaintext.subspan(n);
    } while (!plaintext.empty());
    return {};
}

Status RecordLayer::write13(ContentType type, ByteView plaintext) {
    // RFC 8446 5: change_cipher_spec (sent for middlebox compatibility, D.4) is never protected.
    const bool in_clear = type == ContentType::change_cipher_spec;
    const size_t overhead = in_clear ? 0 : Tls13Protection::kOverhead;
    do {
        const size_t n = std::min(plaintext.size(), kMaxPlaintextFragment);
        auto record = output_.extend(kRecordHeaderSize + n + overhead);
        size_t body_size = n;
        if (in_clear) {
            if (n) std::memcpy(record.data() + kRecordHeaderSize, plaintext.data(), n);
        } else {
            // Sealed from the caller's bytes into the output buffer.
            auto sealed =
                write13_->seal_record(type, plaintext.first(n), record.subspan(kRecordHeaderSize));
            if (!sealed) {
                output_.unextend(record.size());
                return std::move(sealed).error();
            }
            body_size = *sealed;
        }
        // RFC 8446 5.2: the outer type of a protected record is always application_data.
        record[0] = static_cast<uint8_t>(in_clear ? type : ContentType::application_data);
        record[1] = 3;
        record[2] = 3;
        record[3] = static_cast<uint8_t>(body_size >> 8);
        record[4] = static_cast<uint8_t>(body_size);
        plaintext = plaintext.subspan(n);
    } while (!plaintext.empty());
    return {};
}

void RecordLayer::set_read_protection(std::unique_ptr<RecordProtection> protection) {
    read_ = std::move(protection);
    ++read_epoch_;
    plaintext_alerts_ = false;
    read_aead_ = dynamic_cast<AeadProtection*>(read_.get());
    read13_ = dynamic_cast<Tls13Protection*>(read_.get());
    read_limit_ = read13_ ? kMaxCiphertextFragment13
                  : read_ ? kMaxCiphertextFragment
                          : kMaxPlaintextFragment;
}

void RecordLayer::set_write_protection(std::unique_ptr<RecordProtection> protection) {
    write_ = std::move(protection);
    write_aead_ = dynamic_cast<AeadProtection*>(write_.get());
    write13_ = dynamic_cast<Tls13Protection*>(write_.get());
}

void RecordLayer::release_memory() {
    input_.release_memory();
    output_.release_memory();
    Bytes().swap(scratch_);
    if (read_) read_->release();
    if (write_) write_->release();
}

}  // namespace tls12
