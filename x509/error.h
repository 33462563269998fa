/// \file
/// x509::Error: unusable files, keys or certificates given by the local user.
/// (A peer's bad certificate chain is not an exception: verify_chain() returns a VerifyResult.)
#pragma once

#include <stdexcept>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

/// Certificates (Botan 2 underneath, never in these headers): loading, trust stores, RFC 5280
/// path validation with the web PKI profile, host name matching.
namespace tls12::x509 {

/// A file, key or certificate given by the local user is unusable; the message names it.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace tls12::x509
#pragma GCC visibility pop
