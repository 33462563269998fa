// One error type carries the alert: every protocol failure is an Error holding the alert to send
// and a readable reason. Results that can fail are Result<T>.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <tls12/tls/types.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

// Who ended the connection, or refused the call: an Error means one of three things.
enum class ErrorKind : uint8_t {
    sent_alert,      // we found the failure and sent the fatal alert to the peer
    received_alert,  // the peer sent the fatal alert (or closed during the handshake)
    local,           // a call or configuration was refused here; nothing was sent
};

const char* to_string(ErrorKind kind) noexcept;

struct Error {
    AlertDescription alert = AlertDescription::internal_error;
    std::string reason;
    ErrorKind kind = ErrorKind::sent_alert;

    // "handshake_failure: no cipher suite in common"; for a received alert "peer sent ...".
    std::string message() const;
};

// A protocol failure: the engine sends alert to the peer.
inline Error make_error(AlertDescription alert, std::string reason) {
    return Error{alert, std::move(reason), ErrorKind::sent_alert};
}

// A call or configuration refused locally: nothing goes to the peer. alert is the one that best
// names the cause (internal_error for a misuse).
inline Error local_error(AlertDescription alert, std::string reason) {
    return Error{alert, std::move(reason), ErrorKind::local};
}

// A value or an Error; the engine's parsers and state handlers return these instead of throwing.
template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    T& value() & { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const T& value() const& { return std::get<0>(v_); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }
    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

  private:
    std::variant<T, Error> v_;
};

// For operations that produce nothing but may fail.
class [[nodiscard]] Status {
  public:
    Status() = default;
    Status(Error error) : error_(std::move(error)) {}
    static Status success() { return {}; }

    bool ok() const noexcept { return !error_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const& { return *error_; }
    Error&& error() && { return std::move(*error_); }

  private:
    std::optional<Error> error_;
};

}  // namespace tls12
#pragma GCC visibility pop

// Propagates a failed Status/Result out of the current function (which returns Status or Result).
#define TLS_TRY(expr)                                                         \
    do {                                                                      \
        auto&& tls_try_result_ = (expr);                                      \
        if (!tls_try_result_.ok()) return std::move(tls_try_result_).error(); \
    } while (0)
