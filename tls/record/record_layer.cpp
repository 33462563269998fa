#include <tls12/tls/record/record_layer.h>

#include <algorithm>
#include <cstring>

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

bool known_content_type(uint8_t type) {
    switch (static_cast<ContentType>(type)) {
        case ContentType::change_cipher_spec:
        case ContentType::alert:
        case ContentType::handshake:
        case ContentType::application_data:
            return true;
        default:
            return false;
    }
}

// Which header check failed, spelled out. Out of line and cold: the hot path only asks whether
// the header is acceptable.
[[gnu::cold, gnu::noinline]] Error header_error(uint8_t type, uint16_t version, bool strict_version,
                                                size_t length, size_t limit) {
    if (!known_content_type(type))
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

[[gnu::cold, gnu::noinline]] Error sslv2_hello_error() {
    // A two-byte header with the high bit set: we speak TLS 1.2 only.
    return make_error(AlertDescription::protocol_version,
                      "SSLv2-format hello refused: only TLS 1.2 is supported");
}

}  // namespace

void RecordLayer::feed_behind(ByteView bytes) {
    keep_unread();  // bytes still borrowed from the previous feed come first
    input_.append(bytes);
}

void RecordLayer::finish_feed() {
    input_.consume(pending_consume_);
    pending_consume_ = 0;
    input_.append(borrowed_);
    borrowed_ = {};
}

// Application data opened straight into the application's queue: no copy of the plaintext.
inline Result<size_t> RecordLayer::open_into_sink(ByteView body, ByteQueue& sink) {
    constexpr auto type = ContentType::application_data;
    auto out = sink.extend(body.size());
    auto size =
        read_aead_ ? read_aead_->open_into(type, body, out) : read_->open_into(type, body, out);
    sink.unextend(body.size() - (size ? *size : 0));
    return size;
}

// Runs for every record: inlined into next_record(), its one caller.
[[gnu::always_inline]] inline Result<std::optional<Record>> RecordLayer::deliver(
    ContentType type, ByteView body, MutableByteView in_place, ByteQueue* app_sink) {
    if (!read_) return std::optional<Record>{Record{type, body}};
    if (type == ContentType::application_data && app_sink) {
        auto size = open_into_sink(body, *app_sink);
        if (!size) return std::move(size).error();
        return std::optional<Record>{Record{type, app_sink->data().last(*size), true}};
    }
    if (!in_place.empty() || body.empty()) {
        auto opened = read_->open(type, in_place);
        if (!opened) return std::move(opened).error();
        return std::optional<Record>{Record{type, *opened}};
    }
    scratch_.resize(body.size());
    auto size = read_->open_into(type, body, scratch_);
    if (!size) return std::move(size).error();
    return std::optional<Record>{Record{type, ByteView(scratch_).first(*size)}};
}

Result<std::optional<Record>> RecordLayer::next_record(ByteQueue* app_sink) {
    if (pending_consume_ != 0) {
        input_.consume(pending_consume_);
        pending_consume_ = 0;
    }
    const bool in_place = !input_.empty();
    if (in_place && !borrowed_.empty()) {
        input_.append(borrowed_);  // a record straddles what was kept and what was fed
        borrowed_ = {};
    }
    const ByteView in = in_place ? input_.data() : borrowed_;

    if (first_record_ && !in.empty() && (in[0] & 0x80) != 0) [[unlikely]]
        return sslv2_hello_error();
    if (in.size() < kRecordHeaderSize) return std::optional<Record>{};  // keep_unread() keeps it

    const uint8_t type = in[0];
    const uint16_t version = static_cast<uint16_t>(in[1] << 8 | in[2]);
    const size_t length = static_cast<size_t>(in[3] << 8 | in[4]);
    const size_t limit = read_ ? kMaxCiphertextFragment : kMaxPlaintextFragment;
    const bool version_ok = strict_version_ ? version == 0x0303 : (version >> 8) == 3;
    if (!known_content_type(type) || !version_ok || length > limit) [[unlikely]]
        return header_error(type, version, strict_version_, length, limit);
    if (in.size() < kRecordHeaderSize + length) return std::optional<Record>{};

    first_record_ = false;
    const ByteView body = in.subspan(kRecordHeaderSize, length);
    MutableByteView mutable_body;
    if (in_place) {
        pending_consume_ = kRecordHeaderSize + length;
        mutable_body = input_.mutable_data().subspan(kRecordHeaderSize, length);
    } else {
        borrowed_ = borrowed_.subspan(kRecordHeaderSize + length);
    }
    return deliver(static_cast<ContentType>(type), body, mutable_body, app_sink);
}

Result<size_t> RecordLayer::open_application_data(ByteView bytes, ByteQueue& sink) {
    size_t used = 0;
    if (!read_aead_ || !strict_version_ || !input_.empty() || !borrowed_.empty()) return used;
    const size_t overhead = read_aead_->overhead();
    while (bytes.size() - used >= kRecordHeaderSize) {
        const uint8_t* header = bytes.data() + used;
        const size_t length = size_t{header[3]} << 8 | header[4];
        const bool expected = header[0] == static_cast<uint8_t>(ContentType::application_data) &&
                              header[1] == 3 && header[2] == 3 && length > overhead &&
                              length <= kMaxCiphertextFragment;
        if (!expected || bytes.size() - used - kRecordHeaderSize < length) break;
        auto opened = open_into_sink(bytes.subspan(used + kRecordHeaderSize, length), sink);
        if (!opened) return opened;
        used += kRecordHeaderSize + length;
    }
    return used;
}

Status RecordLayer::write(ContentType type, ByteView plaintext) {
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

void RecordLayer::set_read_protection(std::unique_ptr<RecordProtection> protection) {
    read_ = std::move(protection);
    read_aead_ = dynamic_cast<AeadProtection*>(read_.get());
}

void RecordLayer::set_write_protection(std::unique_ptr<RecordProtection> protection) {
    write_ = std::move(protection);
    write_aead_ = dynamic_cast<AeadProtection*>(write_.get());
}

void RecordLayer::release_memory() {
    input_.consume(pending_consume_);
    pending_consume_ = 0;
    input_.release_memory();
    output_.release_memory();
    Bytes().swap(scratch_);
    if (read_) read_->release();
    if (write_) write_->release();
}

}  // namespace tls12
