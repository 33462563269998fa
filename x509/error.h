// The error type of the x509 layer: unusable files, keys or certificates given by the local user.
// (A peer's bad certificate chain is not an exception: verify_chain() returns a VerifyResult.)
#pragma once

#include <stdexcept>

namespace x509 {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace x509
