#include "common/errors.h"

#include <iostream>
#include <memory>

#include "quiver/flight/status.h"

namespace quiver::cli {
namespace {

class UsageDetail final : public StatusDetail {
 public:
  static constexpr const char* kTypeId = "quiver::cli::UsageDetail";
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override { return "usage error"; }
};

// Keeps a report on one line: a multi-line server message becomes " | "-separated.
std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += " | ";
      while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

}  // namespace

Status UsageError(std::string message) {
  return Status(StatusCode::Invalid, std::move(message), std::make_shared<UsageDetail>());
}

bool IsUsageError(const Status& status) {
  return status.detail() != nullptr &&
         std::string_view(status.detail()->type_id()) == UsageDetail::kTypeId;
}

std::string_view ErrorClassName(const Status& status) {
  if (flight::FlightWriteSizeStatusDetail::UnwrapStatus(status) != nullptr) {
    return "FlightWriteSizeExceededError";
  }
  if (auto flight_detail = flight::FlightStatusDetail::UnwrapStatus(status)) {
    switch (flight_detail->code()) {
      case flight::FlightStatusCode::Internal:
        return "FlightInternalError";
      case flight::FlightStatusCode::TimedOut:
        return "FlightTimedOutError";
      case flight::FlightStatusCode::Cancelled:
        return "FlightCancelledError";
      case flight::FlightStatusCode::Unauthenticated:
        return "FlightUnauthenticatedError";
      case flight::FlightStatusCode::Unauthorized:
        return "FlightUnauthorizedError";
      case flight::FlightStatusCode::Unavailable:
        return "FlightUnavailableError";
      case flight::FlightStatusCode::Failed:
        return "FlightServerError";
    }
  }
  switch (status.code()) {
    case StatusCode::Invalid:
      return "ArrowInvalid";
    case StatusCode::TypeError:
      return "ArrowTypeError";
    case StatusCode::KeyError:
      return "ArrowKeyError";
    case StatusCode::IndexError:
      return "ArrowIndexError";
    case StatusCode::IOError:
      return "ArrowIOError";
    case StatusCode::NotImplemented:
      return "ArrowNotImplementedError";
    case StatusCode::OutOfMemory:
      return "ArrowMemoryError";
    case StatusCode::CapacityError:
      return "ArrowCapacityError";
    case StatusCode::SerializationError:
      return "ArrowSerializationError";
    case StatusCode::Cancelled:
      return "ArrowCancelled";
    default:
      return "ArrowException";
  }
}

int ReportError(const Status& status, bool debug) {
  if (IsUsageError(status)) {
    std::cerr << "error: usage: " << OneLine(status.message())
              << " (see --help)" << std::endl;
    return kExitUsage;
  }
  std::cerr << "error: " << ErrorClassName(status) << ": " << OneLine(status.message()) << std::endl;
  if (debug) {
    std::cerr << "debug: status " << status.ToString() << std::endl;
    if (auto flight_detail = flight::FlightStatusDetail::UnwrapStatus(status)) {
      if (!flight_detail->extra_info().empty()) {
        std::cerr << "debug: extra_info (" << flight_detail->extra_info().size() << " bytes): "
                  << OneLine(flight_detail->extra_info()) << std::endl;
      }
    }
  }
  return kExitFailure;
}

}  // namespace quiver::cli
