// Proof that a peer's certificate chain was accepted by the configured verifier, with the leaf's
// public key. Only verify_peer() can make one, so a state that holds it (the client's
// ExpectServerKeyExchange, the server's ExpectCertificateVerify) cannot exist unless the check
// ran and passed.
#pragma once

#include <string_view>
#include <vector>

#include <tls12/crypto/keys.h>
#include <tls12/tls/config.h>
#include <tls12/tls/verifier.h>

namespace tls12 {

class VerifiedPeer {
  public:
    const crypto::PublicKey& key() const noexcept { return key_; }
    const std::vector<Bytes>& chain() const noexcept { return chain_; }

  private:
    friend Result<VerifiedPeer> verify_peer(const CertificateVerifier& verifier,
                                            std::vector<Bytes> chain, std::string_view name,
                                            PeerRole role, TimePoint now, const Limits& limits);
    VerifiedPeer(std::vector<Bytes> chain, crypto::PublicKey key)
        : chain_(std::move(chain)), key_(std::move(key)) {}

    std::vector<Bytes> chain_;
    crypto::PublicKey key_;
};

// The peer's chain (leaf first, not empty) through the verifier (name: the host to match, empty
// for none), then its leaf's public key. bad_certificate for a chain over the length limit or a
// leaf whose key cannot be read, unsupported_certificate for a key type we do not use, and the
// verifier's own alert for a chain it refuses.
Result<VerifiedPeer> verify_peer(const CertificateVerifier& verifier, std::vector<Bytes> chain,
                                 std::string_view name, PeerRole role, TimePoint now,
                                 const Limits& limits);

}  // namespace tls12
