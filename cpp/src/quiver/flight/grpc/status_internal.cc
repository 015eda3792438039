#include "quiver/flight/grpc/status_internal.h"

#include <grpc/grpc.h>

#include <charconv>
#include <mutex>
#include <memory>
#include <optional>
#include <string_view>

#include "quiver/flight/status.h"

namespace quiver::flight::internal {

namespace {

grpc::StatusCode GrpcCodeFor(const Status& status) {
  if (auto flight = FlightStatusDetail::UnwrapStatus(status)) {
    switch (flight->code()) {
      case FlightStatusCode::Internal: return grpc::StatusCode::INTERNAL;
      case FlightStatusCode::TimedOut: return grpc::StatusCode::DEADLINE_EXCEEDED;
      case FlightStatusCode::Cancelled: return grpc::StatusCode::CANCELLED;
      case FlightStatusCode::Unauthenticated: return grpc::StatusCode::UNAUTHENTICATED;
      case FlightStatusCode::Unauthorized: return grpc::StatusCode::PERMISSION_DENIED;
      case FlightStatusCode::Unavailable: return grpc::StatusCode::UNAVAILABLE;
      case FlightStatusCode::Failed: return grpc::StatusCode::UNKNOWN;
    }
    return grpc::StatusCode::UNKNOWN;
  }
  switch (status.code()) {
    case StatusCode::KeyError: return grpc::StatusCode::NOT_FOUND;
    case StatusCode::Invalid: return grpc::StatusCode::INVALID_ARGUMENT;
    case StatusCode::Cancelled: return grpc::StatusCode::CANCELLED;
    case StatusCode::NotImplemented: return grpc::StatusCode::UNIMPLEMENTED;
    case StatusCode::AlreadyExists: return grpc::StatusCode::ALREADY_EXISTS;
    default: return grpc::StatusCode::UNKNOWN;
  }
}

std::shared_ptr<const StatusDetail> FlightDetail(FlightStatusCode code) {
  return std::make_shared<FlightStatusDetail>(code);
}

// Step one on the client: what the gRPC code alone says. The prefixes are Arrow's,
// word for word, since applications and tests match on them.
Status FromGrpcCode(const grpc::Status& status) {
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return Status::OK();
    case grpc::StatusCode::CANCELLED:
      return Status(StatusCode::Cancelled, "Flight cancelled call, with message: " + message,
                    FlightDetail(FlightStatusCode::Cancelled));
    case grpc::StatusCode::UNKNOWN:
      return Status(StatusCode::UnknownError, "Flight RPC failed with message: " + message,
                    FlightDetail(FlightStatusCode::Failed));
    case grpc::StatusCode::INVALID_ARGUMENT:
      return Status::Invalid("Flight returned invalid argument error, with message: ", message);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Status(StatusCode::IOError, "Flight returned timeout error, with message: " + message,
                    FlightDetail(FlightStatusCode::TimedOut));
    case grpc::StatusCode::NOT_FOUND:
      return Status::KeyError("Flight returned not found error, with message: ", message);
    case grpc::StatusCode::ALREADY_EXISTS:
      return Status::AlreadyExists("Flight returned already exists error, with message: ", message);
    case grpc::StatusCode::PERMISSION_DENIED:
      return Status(StatusCode::IOError,
                    "Flight returned unauthorized error, with message: " + message,
                    FlightDetail(FlightStatusCode::Unauthorized));
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return Status::Invalid("gRPC returned resource exhausted error, with message: ", message);
    case grpc::StatusCode::FAILED_PRECONDITION:
      return Status::Invalid("gRPC returned precondition failed error, with message: ", message);
    case grpc::StatusCode::ABORTED:
      return Status(StatusCode::IOError, "gRPC returned aborted error, with message: " + message,
                    FlightDetail(FlightStatusCode::Internal));
    case grpc::StatusCode::OUT_OF_RANGE:
      return Status::Invalid("gRPC returned out-of-range error, with message: ", message);
    case grpc::StatusCode::UNIMPLEMENTED:
      return Status::NotImplemented("Flight returned unimplemented error, with message: ",
                                    message);
    case grpc::StatusCode::INTERNAL:
      return Status(StatusCode::IOError, "Flight returned internal error, with message: " + message,
                    FlightDetail(FlightStatusCode::Internal));
    case grpc::StatusCode::UNAVAILABLE:
      return Status(StatusCode::IOError,
                    "Flight returned unavailable error, with message: " + message,
                    FlightDetail(FlightStatusCode::Unavailable));
    case grpc::StatusCode::DATA_LOSS:
      return Status(StatusCode::IOError, "gRPC returned data loss error, with message: " + message,
                    FlightDetail(FlightStatusCode::Internal));
    case grpc::StatusCode::UNAUTHENTICATED:
      return Status(StatusCode::IOError,
                    "Flight returned unauthenticated error, with message: " + message,
                    FlightDetail(FlightStatusCode::Unauthenticated));
    default:
      break;
  }
  return Status::UnknownError("gRPC failed with error code ", static_cast<int>(status.error_code()),
                              " and message: ", message);
}

// The Arrow code an x-arrow-status trailer names, or nullopt when the text is not
// a code Arrow defines. Arrow's RError (13), CodeGenError (40),
// ExpressionValidationError (41) and ExecutionError (42) have no Quiver
// counterpart and become UnknownError, which is how pyarrow surfaces them too
// (a plain ArrowException).
std::optional<StatusCode> ArrowCodeFromTrailer(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  switch (value) {
    case 1: case 2: case 3: case 4: case 5: case 6:
    case 7: case 8: case 9: case 10: case 11: case 45:
      return static_cast<StatusCode>(value);
    case 13: case 40: case 41: case 42:
      return StatusCode::UnknownError;
    default:
      return std::nullopt;
  }
}

std::optional<std::string> FindTrailer(
    const std::multimap<grpc::string_ref, grpc::string_ref>& trailers, const char* key) {
  const auto it = trailers.find(grpc::string_ref(key));
  if (it == trailers.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

void KeepGrpcInitialized() {
  static std::once_flag once;
  // Never balanced by grpc_shutdown: see the header.
  std::call_once(once, [] { grpc_init(); });
}

namespace {

// Error messages often quote what a client sent (field names, paths); its
// control bytes are written as \xNN so that what reaches the client (and its
// logs) stays readable and a valid header value. Tabs and newlines stay.
std::string EscapeControlBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message = status.message();
  if (status.detail() != nullptr) {
    message += ". Detail: ";
    message += status.detail()->ToString();
  }
  return grpc::Status(GrpcCodeFor(status), EscapeControlBytes(message));
}

std::vector<std::pair<std::string, std::string>> ErrorTrailers(const Status& status) {
  std::vector<std::pair<std::string, std::string>> trailers;
  if (status.ok()) return trailers;
  trailers.emplace_back(kArrowStatusCodeTrailer, std::to_string(static_cast<int>(status.code())));
  trailers.emplace_back(kArrowStatusMessageTrailer, EscapeControlBytes(status.message()));
  if (status.detail() != nullptr) {
    trailers.emplace_back(kArrowStatusDetailTrailer, status.detail()->ToString());
  }
  auto flight = FlightStatusDetail::UnwrapStatus(status);
  if (flight != nullptr && !flight->extra_info().empty()) {
    trailers.emplace_back(kGrpcStatusDetailsTrailer, flight->extra_info());
  }
  return trailers;
}

grpc::Status ToGrpcStatus(const Status& status, grpc::ServerContextBase* context) {
  if (context != nullptr) {
    for (const auto& [key, value] : ErrorTrailers(status)) context->AddTrailingMetadata(key, value);
  }
  return ToGrpcStatus(status);
}

Status FromGrpcStatus(const grpc::Status& status,
                      const std::multimap<grpc::string_ref, grpc::string_ref>& trailers) {
  Status from_code = FromGrpcCode(status);
  if (from_code.ok()) return from_code;

  // Step two: only a peer that speaks Arrow's convention sends x-arrow-status.
  const std::optional<std::string> code_text = FindTrailer(trailers, kArrowStatusCodeTrailer);
  if (!code_text.has_value()) return from_code;

  const std::optional<StatusCode> arrow_code = ArrowCodeFromTrailer(*code_text);
  const std::optional<std::string> message = FindTrailer(trailers, kArrowStatusMessageTrailer);
  const std::optional<std::string> detail_text = FindTrailer(trailers, kArrowStatusDetailTrailer);
  const std::optional<std::string> extra_info = FindTrailer(trailers, kGrpcStatusDetailsTrailer);

  std::string restored = message.has_value() ? *message : from_code.message();
  if (detail_text.has_value()) {
    restored += ". Detail: ";
    restored += *detail_text;
  }
  if (!arrow_code.has_value()) {
    restored += ". Also, server sent unknown or invalid Arrow status code ";
    restored += *code_text;
  }

  // The Flight detail from step one stays; extra_info joins it (in an Internal
  // detail when step one had none), as Arrow's client does.
  std::shared_ptr<const StatusDetail> detail = from_code.detail();
  if (extra_info.has_value()) {
    auto flight = FlightStatusDetail::UnwrapStatus(from_code);
    const FlightStatusCode flight_code =
        flight != nullptr ? flight->code() : FlightStatusCode::Internal;
    detail = std::make_shared<FlightStatusDetail>(flight_code, *extra_info);
  }
  return Status(arrow_code.value_or(from_code.code()), std::move(restored), std::move(detail));
}

}  // namespace quiver::flight::internal
