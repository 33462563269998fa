#include <tls12/tls/error.h>

namespace tls12 {

std::string Error::message() const {
    return to_string(alert) + ": " + reason;
}

}  // namespace tls12
