#include <tls12/tls/handshake/context.h>

#include <tls12/tls/handshake/key_schedule.h>

namespace tls12 {

Status HandshakeContext::emitted(Transcript& transcript, size_t start, bool encoded,
                                 HandshakeType type) {
    if (!encoded) {
        flight_.resize(start);
        return make_error(
            AlertDescription::internal_error,
            "cannot encode our " + to_string(type) + ": a field does not fit its length limits");
    }
    transcript.add(ByteView(flight_).subspan(start));
    return {};
}

Status HandshakeContext::flush() {
    if (output_closed_) flight_.clear();  // nothing goes out after our close_notify
    if (flight_.empty()) return {};
    auto status = records_.write(ContentType::handshake, flight_);
    flight_.clear();
    return status;
}

Status HandshakeContext::change_cipher_spec(std::unique_ptr<RecordProtection> write) {
    TLS_TRY(flush());
    const uint8_t ccs[1] = {1};
    TLS_TRY(records_.write(ContentType::change_cipher_spec, ccs));
    records_.set_write_protection(std::move(write));
    return {};
}

Status HandshakeContext::compat_change_cipher_spec() {
    TLS_TRY(flush());
    if (output_closed_) return {};
    const uint8_t ccs[1] = {1};
    return records_.write(ContentType::change_cipher_spec, ccs);
}

void HandshakeContext::read_with(std::unique_ptr<RecordProtection> read) {
    records_.set_read_protection(std::move(read));
}

void HandshakeContext::warn(AlertDescription description) {
    if (output_closed_) return;
    (void)flush();
    const uint8_t alert[2] = {static_cast<uint8_t>(AlertLevel::warning),
                              static_cast<uint8_t>(description)};
    (void)records_.write(ContentType::alert, alert);
}

void HandshakeContext::log_master_secret(const Random& client_random,
                                         const crypto::SecretBytes& master) const {
    if (common_.key_log) common_.key_log(key_log_line(client_random, master));
}

}  // namespace tls12
