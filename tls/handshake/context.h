// What the handshake states of both roles share, and nothing more: the record layer, the
// parameters negotiated so far, and the flight being built with one emit(). Everything else a
// state knows (randoms, transcript, secrets, proofs), it owns.
#pragma once

#include <memory>

#include <tls12/tls/config.h>
#include <tls12/tls/connection.h>
#include <tls12/tls/handshake/transcript.h>
#include <tls12/tls/msgs/handshake.h>
#include <tls12/tls/record/record_layer.h>

namespace tls12 {

class HandshakeContext {
  public:
    // The engine owns every part; output_closed is true once our close_notify or fatal alert went
    // out, after which nothing more is sent.
    HandshakeContext(const CommonConfig& common, RecordLayer& records,
                     NegotiatedParameters& negotiated, Bytes& flight, const bool& output_closed)
        : common_(common),
          records_(records),
          negotiated_(negotiated),
          flight_(flight),
          output_closed_(output_closed) {}

    const CommonConfig& common() const noexcept { return common_; }
    NegotiatedParameters& negotiated() noexcept { return negotiated_; }
    RecordLayer& records() noexcept { return records_; }
    crypto::Random& random() const { return *common_.random; }
    TimePoint now() const { return common_.clock(); }

    // Appends msg, framed with its own Msg::kType, to the flight and to transcript. A message that
    // cannot be encoded (a field outside its protocol limits) fails with internal_error, and none
    // of its bytes are kept: they are never sent.
    template <typename Msg>
    Status emit(Transcript& transcript, const Msg& msg) {
        const size_t start = flight_.size();
        Writer w(flight_);
        write_message(w, msg);
        return emitted(transcript, start, w.ok(), Msg::kType);
    }
    // The same, with the encoding (header included) handed to patch before it joins the
    // transcript: the PSK binders of a ClientHello are computed over the message itself.
    template <typename Msg, typename Patch>
    Status emit_patched(Transcript& transcript, const Msg& msg, Patch&& patch) {
        const size_t start = flight_.size();
        Writer w(flight_);
        write_message(w, msg);
        if (w.ok()) {
            if (auto patched = patch(MutableByteView(flight_).subspan(start)); !patched) {
                flight_.resize(start);
                return patched;
            }
        }
        return emitted(transcript, start, w.ok(), Msg::kType);
    }
    // Writes the flight so far as handshake records.
    Status flush();
    // Flushes the flight, sends ChangeCipherSpec and seals everything after it with write.
    Status change_cipher_spec(std::unique_ptr<RecordProtection> write);
    // TLS 1.3 middlebox compatibility (RFC 8446 D.4): flushes the flight and sends a
    // ChangeCipherSpec that changes nothing.
    Status compat_change_cipher_spec();
    // The peer's ChangeCipherSpec arrived: its records are opened with read from now on.
    void read_with(std::unique_ptr<RecordProtection> read);
    // A warning alert, after the flight so far (no_renegotiation is the only one we send).
    void warn(AlertDescription description);
    // The NSS key log line for a TLS 1.2 master secret, when the config asks for it.
    void log_master_secret(const Random& client_random, const crypto::SecretBytes& master) const;

  private:
    Status emitted(Transcript& transcript, size_t start, bool encoded, HandshakeType type);

    const CommonConfig& common_;
    RecordLayer& records_;
    NegotiatedParameters& negotiated_;
    Bytes& flight_;
    const bool& output_closed_;
};

}  // namespace tls12
