#include <tls12/tls/error.h>

namespace tls12 {

const char* to_string(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::sent_alert:
            return "sent_alert";
        case ErrorKind::received_alert:
            return "received_alert";
        case ErrorKind::local:
            return "local";
        default:
            return "unknown";
    }
}

std::string Error::message() const {
    return to_string(alert) + ": " + reason;
}

}  // namespace tls12
