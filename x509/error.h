// The error type of the x509 layer: unusable files, keys or certificates given by the local user.
// (A peer's bad certificate chain is not an exception: verify_chain() returns a VerifyResult.)
#pragma once

#include <stdexcept>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12::x509 {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace tls12::x509
#pragma GCC visibility pop
