#include "quiver/flight/status.h"

namespace quiver::flight {

std::string_view FlightStatusCodeName(FlightStatusCode code) {
  switch (code) {
    case FlightStatusCode::Internal: return "Internal";
    case FlightStatusCode::TimedOut: return "TimedOut";
    case FlightStatusCode::Cancelled: return "Cancelled";
    case FlightStatusCode::Unauthenticated: return "Unauthenticated";
    case FlightStatusCode::Unauthorized: return "Unauthorized";
    case FlightStatusCode::Unavailable: return "Unavailable";
    case FlightStatusCode::Failed: return "Failed";
  }
  return "Unknown Flight status code";
}

std::string FlightStatusDetail::ToString() const {
  return std::string(FlightStatusCodeName(code_));
}

std::shared_ptr<const FlightStatusDetail> FlightStatusDetail::UnwrapStatus(const Status& status) {
  const std::shared_ptr<const StatusDetail>& detail = status.detail();
  // Identify the detail by its stable type id rather than RTTI: the id is the
  // contract, and it stays reliable across shared-object boundaries.
  if (detail == nullptr || std::string_view(detail->type_id()) != kTypeId) return nullptr;
  return std::static_pointer_cast<const FlightStatusDetail>(detail);
}

Status MakeFlightError(FlightStatusCode code, std::string message, std::string extra_info) {
  return Status(StatusCode::IOError, std::move(message),
                std::make_shared<FlightStatusDetail>(code, std::move(extra_info)));
}

std::string FlightWriteSizeStatusDetail::ToString() const {
  return "IPC payload size (" + std::to_string(actual_) + " bytes) exceeded soft limit (" +
         std::to_string(limit_) + " bytes)";
}

std::shared_ptr<const FlightWriteSizeStatusDetail> FlightWriteSizeStatusDetail::UnwrapStatus(
    const Status& status) {
  const std::shared_ptr<const StatusDetail>& detail = status.detail();
  if (detail == nullptr || std::string_view(detail->type_id()) != kTypeId) return nullptr;
  return std::static_pointer_cast<const FlightWriteSizeStatusDetail>(detail);
}

Status MakeFlightWriteSizeExceeded(int64_t limit, int64_t actual) {
  auto detail = std::make_shared<FlightWriteSizeStatusDetail>(limit, actual);
  std::string message = detail->ToString();
  return Status(StatusCode::Invalid, std::move(message), std::move(detail));
}

}  // namespace quiver::flight
