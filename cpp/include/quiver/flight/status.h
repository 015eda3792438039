// Flight errors: a quiver::Status carrying a FlightStatusDetail.
//
// Flight adds seven error kinds to Arrow's status codes. They travel as an
// ordinary Status whose detail is a FlightStatusDetail holding the kind and,
// optionally, opaque `extra_info` bytes for the application:
//
//   return MakeFlightError(FlightStatusCode::Unauthorized, "token expired", "retry-after=30");
//
// and on the receiving side:
//
//   if (auto flight = FlightStatusDetail::UnwrapStatus(status)) {
//     if (flight->code() == FlightStatusCode::Unauthorized) Reauthenticate(flight->extra_info());
//   }
//
// As in Apache Arrow, every Flight error built by MakeFlightError has the Arrow
// code IOError (so a pyarrow peer sees "x-arrow-status: 5"); the Flight kind
// lives in the detail. The gRPC transport turns Flight kinds into gRPC codes
// (Unauthorized -> PERMISSION_DENIED, Failed -> UNKNOWN, ...) and back, so a
// pyarrow client raises the matching FlightError subclass with the same
// extra_info. Ordinary statuses without a Flight detail are sent too:
// Invalid -> INVALID_ARGUMENT, KeyError -> NOT_FOUND, and so on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "quiver/status.h"
#include "quiver/visibility.h"

namespace quiver::flight {

/// The Flight-specific error kinds.
enum class FlightStatusCode : int8_t {
  /// The server hit an unexpected internal error.
  Internal,
  /// The call ran past its deadline.
  TimedOut,
  /// The call was cancelled (by the client, or by the server shutting down).
  Cancelled,
  /// The client is not authenticated (no, or an invalid, token).
  Unauthenticated,
  /// The client is authenticated but may not do this.
  Unauthorized,
  /// The server cannot be reached or cannot serve the call now.
  Unavailable,
  /// The server failed in an application-defined way.
  Failed,
};

/// "Internal", "TimedOut", "Cancelled", "Unauthenticated", "Unauthorized",
/// "Unavailable" or "Failed" (the names Apache Arrow prints on the wire).
QUIVER_EXPORT std::string_view FlightStatusCodeName(FlightStatusCode code);

/// The detail that makes a Status a Flight error. Immutable; shared by copies of the Status.
class QUIVER_EXPORT FlightStatusDetail : public StatusDetail {
 public:
  /// The stable type id, also what type_id() returns: "flight::FlightStatusDetail".
  static constexpr const char* kTypeId = "flight::FlightStatusDetail";

  explicit FlightStatusDetail(FlightStatusCode code, std::string extra_info = {})
      : code_(code), extra_info_(std::move(extra_info)) {}

  const char* type_id() const override { return kTypeId; }
  /// The code's name, e.g. "Unauthorized" (extra_info is not included: it is
  /// opaque bytes, and this text travels in the gRPC message as Arrow's does).
  std::string ToString() const override;

  FlightStatusCode code() const { return code_; }
  /// Opaque application bytes; empty when none were given.
  const std::string& extra_info() const { return extra_info_; }

  /// The Flight detail of `status`, or null when it has none (OK statuses included).
  static std::shared_ptr<const FlightStatusDetail> UnwrapStatus(const Status& status);

 private:
  FlightStatusCode code_;
  std::string extra_info_;
};

/// An IOError status with a FlightStatusDetail(code, extra_info): the form in
/// which Apache Arrow represents every Flight error.
QUIVER_EXPORT Status MakeFlightError(FlightStatusCode code, std::string message,
                                     std::string extra_info = {});

/// The detail of the error a client writer returns instead of sending a message
/// larger than FlightClientOptions::write_size_limit_bytes (pyarrow raises
/// FlightWriteSizeExceededError, a subclass of ArrowInvalid, for it). Nothing was
/// sent; the stream stays usable, so the caller may split the batch and retry.
class QUIVER_EXPORT FlightWriteSizeStatusDetail : public StatusDetail {
 public:
  /// The stable type id, also what type_id() returns: "flight::FlightWriteSizeStatusDetail".
  static constexpr const char* kTypeId = "flight::FlightWriteSizeStatusDetail";

  FlightWriteSizeStatusDetail(int64_t limit, int64_t actual) : limit_(limit), actual_(actual) {}

  const char* type_id() const override { return kTypeId; }
  /// "IPC payload size (<actual> bytes) exceeded soft limit (<limit> bytes)".
  std::string ToString() const override;

  /// The configured limit, in bytes.
  int64_t limit() const { return limit_; }
  /// The size of the message that was refused, in bytes.
  int64_t actual() const { return actual_; }

  /// The write-size detail of `status`, or null when it has none.
  static std::shared_ptr<const FlightWriteSizeStatusDetail> UnwrapStatus(const Status& status);

 private:
  int64_t limit_;
  int64_t actual_;
};

/// An Invalid status with a FlightWriteSizeStatusDetail(limit, actual).
QUIVER_EXPORT Status MakeFlightWriteSizeExceeded(int64_t limit, int64_t actual);

}  // namespace quiver::flight
