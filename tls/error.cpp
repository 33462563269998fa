#include "tls/error.h"

namespace tls {

std::string Error::message() const {
    return to_string(alert) + ": " + reason;
}

}  // namespace tls
