#include <tls12/tls/handshake/verified_peer.h>

#include <tls12/tls/handshake/common.h>

namespace tls12 {

Result<VerifiedPeer> verify_peer(const CertificateVerifier& verifier, std::vector<Bytes> chain,
                                 std::string_view name, PeerRole role, TimePoint now,
                                 const Limits& limits) {
    const char* who = role == PeerRole::server ? "server" : "client";
    if (chain.size() > limits.max_chain_length)
        return make_error(AlertDescription::bad_certificate,
                          std::string(who) + " sent " + std::to_string(chain.size()) +
                              " certificates, more than the limit of " +
                              std::to_string(limits.max_chain_length));
    TLS_TRY(verifier.verify(VerifyRequest{chain, name, role, now}));
    auto key = certificate_public_key(chain.front());
    if (!key) return std::move(key).error();
    return VerifiedPeer(std::move(chain), std::move(key).value());
}

}  // namespace tls12
