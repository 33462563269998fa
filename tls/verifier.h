/// \file
/// How the engine asks whether a peer's certificate chain is acceptable. The Botan-backed
/// implementation is make_x509_verifier(); users can plug in their own (pinning, tests).
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>

#include <tls12/tls/error.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

/// Which side the certificate chain being verified comes from: server (a client verifies its
/// server) or client (a server verifies its client, mutual TLS).
enum class PeerRole : uint8_t { server, client };

/// What a CertificateVerifier is asked to judge. The views are valid during the call only.
struct VerifyRequest {
    std::span<const Bytes> chain;  ///< DER, leaf first, as the peer sent it.
    std::string_view server_name;  ///< Host name (or IP literal) to match; empty: don't check.
    PeerRole peer_role;            ///< server: need serverAuth; client: need clientAuth.
    std::chrono::system_clock::time_point now;  ///< The config's clock at the time of the call.
};

/// Decides whether a peer's certificate chain is acceptable. Implement it to pin a certificate or
/// key, or in tests; make_x509_verifier() is the standard one. Called from the thread that feeds
/// the connection, possibly from many connections at once.
class CertificateVerifier {
  public:
    virtual ~CertificateVerifier() = default;
    /// Ok, or an Error with the alert to send (bad_certificate, unknown_ca, certificate_expired,
    /// ...) and a reason that names the certificate and what is wrong.
    virtual Status verify(const VerifyRequest& request) const = 0;
};

/// Accepts anything. For --insecure style testing only; never a default.
std::shared_ptr<const CertificateVerifier> make_insecure_verifier();

}  // namespace tls12
#pragma GCC visibility pop
