// Status: how every fallible operation in Quiver reports failure.
//
// A function that can fail returns `Status` (or `Result<T>`, see result.h).
// An OK status carries nothing and costs one null pointer; an error carries a
// code, a message a person can act on, and optionally a `StatusDetail` that a
// higher layer attaches (the Flight layer attaches its Flight status code and
// `extra_info`).
//
// Errors should say what was expected and what was found, and gain context as
// they propagate up:
//
//   QUIVER_RETURN_NOT_OK(ReadFooter(file).WithContext("while reading data.arrow"));
//
// yields "while reading data.arrow: expected magic ARROW1 but found ...".
//
// Both Status and Result<T> are [[nodiscard]]: ignoring one is a compile
// warning (an error in CI).
#pragma once

#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "quiver/visibility.h"

namespace quiver {

enum class StatusCode : int {
  OK = 0,
  OutOfMemory = 1,
  KeyError = 2,
  TypeError = 3,
  Invalid = 4,
  IOError = 5,
  CapacityError = 6,
  IndexError = 7,
  Cancelled = 8,
  UnknownError = 9,
  NotImplemented = 10,
  SerializationError = 11,
  AlreadyExists = 45,
};

/// The name of a code, e.g. "Invalid".
QUIVER_EXPORT std::string_view StatusCodeName(StatusCode code);

/// Extra, layer-specific information attached to an error Status.
/// Subclasses identify themselves by `type_id()` (a stable string).
class QUIVER_EXPORT StatusDetail {
 public:
  virtual ~StatusDetail() = default;
  virtual const char* type_id() const = 0;
  virtual std::string ToString() const = 0;
};

class [[nodiscard]] QUIVER_EXPORT Status {
 public:
  Status() noexcept = default;
  Status(StatusCode code, std::string message,
         std::shared_ptr<const StatusDetail> detail = nullptr);

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status OK() { return Status(); }

  // One factory per code; the message is built from all arguments streamed
  // together, so callers can write Status::Invalid("expected ", a, " but found ", b).
  template <typename... Args>
  static Status Invalid(Args&&... args) { return Make(StatusCode::Invalid, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status TypeError(Args&&... args) { return Make(StatusCode::TypeError, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status KeyError(Args&&... args) { return Make(StatusCode::KeyError, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status IndexError(Args&&... args) { return Make(StatusCode::IndexError, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status IOError(Args&&... args) { return Make(StatusCode::IOError, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status NotImplemented(Args&&... args) { return Make(StatusCode::NotImplemented, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status OutOfMemory(Args&&... args) { return Make(StatusCode::OutOfMemory, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status CapacityError(Args&&... args) { return Make(StatusCode::CapacityError, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status SerializationError(Args&&... args) { return Make(StatusCode::SerializationError, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status Cancelled(Args&&... args) { return Make(StatusCode::Cancelled, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status AlreadyExists(Args&&... args) { return Make(StatusCode::AlreadyExists, std::forward<Args>(args)...); }
  template <typename... Args>
  static Status UnknownError(Args&&... args) { return Make(StatusCode::UnknownError, std::forward<Args>(args)...); }

  bool ok() const noexcept { return state_ == nullptr; }
  StatusCode code() const noexcept { return ok() ? StatusCode::OK : state_->code; }
  /// The message; empty for OK.
  const std::string& message() const noexcept;
  /// The attached detail, or null.
  const std::shared_ptr<const StatusDetail>& detail() const noexcept;

  bool IsInvalid() const noexcept { return code() == StatusCode::Invalid; }
  bool IsTypeError() const noexcept { return code() == StatusCode::TypeError; }
  bool IsKeyError() const noexcept { return code() == StatusCode::KeyError; }
  bool IsIndexError() const noexcept { return code() == StatusCode::IndexError; }
  bool IsIOError() const noexcept { return code() == StatusCode::IOError; }
  bool IsNotImplemented() const noexcept { return code() == StatusCode::NotImplemented; }
  bool IsCancelled() const noexcept { return code() == StatusCode::Cancelled; }

  /// A copy with `context + ": "` put in front of the message (OK stays OK).
  Status WithContext(std::string_view context) const;
  /// A copy with a different detail (OK stays OK).
  Status WithDetail(std::shared_ptr<const StatusDetail> detail) const;
  /// A copy with a different message, keeping code and detail.
  Status WithMessage(std::string message) const;

  /// "Invalid: expected ... but found ..." (with " [detail]" when a detail is set), or "OK".
  std::string ToString() const;

  /// Aborts the process with the message if this is an error. For tests, examples and
  /// invariants that a bug alone could break; never for input validation.
  void Abort(std::string_view context = {}) const;

  bool Equals(const Status& other) const;
  friend bool operator==(const Status& a, const Status& b) { return a.Equals(b); }

 private:
  template <typename... Args>
  static Status Make(StatusCode code, Args&&... args);

  struct State {
    StatusCode code;
    std::string message;
    std::shared_ptr<const StatusDetail> detail;
  };
  std::unique_ptr<State> state_;
};

QUIVER_EXPORT std::ostream& operator<<(std::ostream& os, const Status& status);

template <typename... Args>
Status Status::Make(StatusCode code, Args&&... args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return Status(code, os.str());
}

}  // namespace quiver

/// Return the Status of `expr` from the current function if it is an error.
#define QUIVER_RETURN_NOT_OK(expr)                          \
  do {                                                      \
    ::quiver::Status _quiver_status = ::quiver::ToStatus(expr); \
    if (!_quiver_status.ok()) return _quiver_status;        \
  } while (false)

namespace quiver {
inline const Status& ToStatus(const Status& s) { return s; }
inline Status ToStatus(Status&& s) { return std::move(s); }
}  // namespace quiver
