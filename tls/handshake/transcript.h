// The handshake transcript: the messages so far, kept whole for the few hashes a TLS 1.2
// handshake needs (the extended master secret's session hash, both Finished messages, a client's
// CertificateVerify). A handshake state owns it; the handlers add each message at the point the
// RFC says it counts (after the hash over what came before, where one is needed).
#pragma once

#include <tls12/crypto/hash.h>

namespace tls12 {

class Transcript {
  public:
    void add(ByteView message) { bytes_.insert(bytes_.end(), message.begin(), message.end()); }
    ByteView all() const noexcept { return bytes_; }
    Bytes hash(crypto::HashAlgorithm algorithm) const { return crypto::hash(algorithm, bytes_); }

  private:
    Bytes bytes_;
};

}  // namespace tls12
