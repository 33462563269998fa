/// \file
/// Error, Status and Result: how the engine reports failures.
///
/// One error type carries the alert: every protocol failure is an Error holding the alert to send
/// and a readable reason. Results that can fail are Result<T>.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <tls12/tls/types.h>

// The public API: exported from libtls12.so (everything else is built hidden).
#pragma GCC visibility push(default)

namespace tls12 {

/// Who ended the connection, or refused the call: an Error means one of three things.
enum class ErrorKind : uint8_t {
    sent_alert,      ///< We found the failure and sent the fatal alert to the peer.
    received_alert,  ///< The peer sent the fatal alert (or closed during the handshake).
    local,           ///< A call or configuration was refused here; nothing was sent.
};

/// "sent_alert", "received_alert", "local".
const char* to_string(ErrorKind kind) noexcept;

/// A TLS failure: the alert sent or received (or, for a call refused locally, the alert that best
/// names the cause), a readable reason naming the offending value, and which of those it is. The
/// engine never throws for anything a peer sends; it returns one of these and keeps it in
/// Connection::error().
struct Error {
    AlertDescription alert = AlertDescription::internal_error;  ///< The alert (RFC 5246 7.2).
    std::string reason;                      ///< What went wrong, e.g. "no cipher suite in common".
    ErrorKind kind = ErrorKind::sent_alert;  ///< Sent, received, or refused locally.

    /// The alert and the reason: "handshake_failure: no cipher suite in common".
    std::string message() const;
};

/// A protocol failure: the engine sends the alert to the peer.
inline Error make_error(AlertDescription alert, std::string reason) {
    return Error{alert, std::move(reason), ErrorKind::sent_alert};
}

/// A call or configuration refused locally: nothing goes to the peer. alert is the one that best
/// names the cause (internal_error for a misuse).
inline Error local_error(AlertDescription alert, std::string reason) {
    return Error{alert, std::move(reason), ErrorKind::local};
}

/// A value or an Error; the engine's parsers and state handlers return these instead of throwing.
/// Reading the side that is not there throws std::bad_variant_access.
template <typename T>
class [[nodiscard]] Result {
  public:
    /// Success, holding value.
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    /// Failure, holding error.
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    /// True when a value is held.
    bool ok() const noexcept { return v_.index() == 0; }
    /// Same as ok().
    explicit operator bool() const noexcept { return ok(); }
    /// The value (only when ok()).
    T& value() & { return std::get<0>(v_); }
    /// The value, moved out (only when ok()).
    T&& value() && { return std::get<0>(std::move(v_)); }
    /// The value (only when ok()).
    const T& value() const& { return std::get<0>(v_); }
    /// The value's members (only when ok()).
    T* operator->() { return &std::get<0>(v_); }
    /// The value's members (only when ok()).
    const T* operator->() const { return &std::get<0>(v_); }
    /// The value (only when ok()).
    T& operator*() & { return std::get<0>(v_); }
    /// The error (only when not ok()).
    const Error& error() const& { return std::get<1>(v_); }
    /// The error, moved out (only when not ok()).
    Error&& error() && { return std::get<1>(std::move(v_)); }

  private:
    std::variant<T, Error> v_;
};

/// The outcome of an operation that produces nothing but may fail: success, or an Error.
class [[nodiscard]] Status {
  public:
    /// Success.
    Status() = default;
    /// Failure, holding error.
    Status(Error error) : error_(std::move(error)) {}
    /// Success.
    static Status success() { return {}; }

    /// True on success.
    bool ok() const noexcept { return !error_.has_value(); }
    /// Same as ok().
    explicit operator bool() const noexcept { return ok(); }
    /// The error (only when not ok(): reading it on success is undefined behaviour).
    const Error& error() const& { return *error_; }
    /// The error, moved out (only when not ok()).
    Error&& error() && { return std::move(*error_); }

  private:
    std::optional<Error> error_;
};

}  // namespace tls12
#pragma GCC visibility pop

/// Propagates a failed Status/Result out of the current function (which returns Status or Result).
#define TLS_TRY(expr)                                                         \
    do {                                                                      \
        auto&& tls_try_result_ = (expr);                                      \
        if (!tls_try_result_.ok()) return std::move(tls_try_result_).error(); \
    } while (0)
