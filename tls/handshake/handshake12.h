// What the TLS 1.2 states of both roles hold once the hellos are exchanged, and the steps both
// roles take with it: master secret, record protection, Finished.
#pragma once

#include <memory>

#include <tls12/tls/handshake/context.h>
#include <tls12/tls/handshake/key_schedule.h>
#include <tls12/tls/msgs/finished.h>
#include <tls12/tls/suites.h>

namespace tls12 {

struct Hellos12 {
    const SuiteInfo* suite = nullptr;  // never null once the hellos are exchanged
    Random client_random{};
    Random server_random{};
    Transcript transcript;  // every handshake message so far
};

// The master secret from the premaster: with the extended master secret (RFC 7627 4) when it was
// negotiated, over the transcript up to and including ClientKeyExchange; logged when asked.
crypto::SecretBytes compute_master_secret(HandshakeContext& c, const Hellos12& hellos,
                                          ByteView premaster);

// Record protection for what `from_client` (or the server) writes, with this handshake's keys.
std::unique_ptr<RecordProtection> protection(HandshakeContext& c, const Hellos12& hellos,
                                             const Secrets12& secrets, bool from_client,
                                             bool for_sealing);

// Our Finished (RFC 5246 7.4.9) over the transcript so far, emitted and flushed.
Status send_finished(HandshakeContext& c, Hellos12& hellos, const Secrets12& secrets,
                     bool from_client);
// The peer's Finished against the transcript before it, compared in constant time; the message
// then joins the transcript.
Status check_finished(Hellos12& hellos, const Secrets12& secrets, bool from_client,
                      const Finished& finished, ByteView encoded);

}  // namespace tls12
