// Protobuf encoding of the Flight value types: the conversions declared in
// protocol_internal.h, and each type's SerializeToString / Deserialize built on them.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <climits>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "quiver/flight/grpc/protocol_internal.h"

namespace quiver::flight {

namespace internal {

namespace {

// The offset of the first byte that does not start a valid UTF-8 sequence, or
// npos. Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid.
size_t FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t min_code_point = 0;
    if ((byte & 0xE0) == 0xC0) {
      length = 2;
      min_code_point = 0x80;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      min_code_point = 0x800;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      min_code_point = 0x10000;
    }
    bool valid = length > 0 && i + length <= text.size();
    uint32_t code_point = valid ? (byte & (0x7Fu >> length)) : 0;
    for (size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    valid = valid && code_point >= min_code_point && code_point <= 0x10FFFF &&
            !(code_point >= 0xD800 && code_point <= 0xDFFF);
    if (!valid) return i;
    i += length;
  }
  return std::string_view::npos;
}

// The protocol declares some fields as protobuf `string`, which must be UTF-8:
// protobuf refuses to parse a message whose string field is not, so a peer would
// reject what we sent. Checking here turns that into a clear error at the sender.
Status CheckUtf8(std::string_view text, std::string_view field) {
  const size_t bad = FindInvalidUtf8(text);
  if (bad == std::string_view::npos) return Status::OK();
  constexpr char kHex[] = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(text[bad]);
  return Status::Invalid(field, " must be UTF-8 (the protocol declares it a protobuf string) "
                         "but has an invalid sequence starting with byte 0x",
                         kHex[byte >> 4], kHex[byte & 0xf], " at offset ", bad);
}

std::string Indexed(std::string_view field, size_t index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

std::shared_ptr<Buffer> BufferFromBytes(const std::string& bytes) {
  return Buffer::FromString(bytes);
}

std::string_view BufferBytes(const std::shared_ptr<Buffer>& buffer) {
  return buffer ? buffer->view() : std::string_view();
}

Status ToProto(const SessionOptionValue& value, std::string_view field,
               pb::SessionOptionValue* out) {
  out->Clear();
  return std::visit(
      [&](const auto& v) -> Status {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return Status::OK();
        } else if constexpr (std::is_same_v<V, std::string>) {
          QUIVER_RETURN_NOT_OK(CheckUtf8(v, field));
          out->set_string_value(v);
          return Status::OK();
        } else if constexpr (std::is_same_v<V, bool>) {
          out->set_bool_value(v);
          return Status::OK();
        } else if constexpr (std::is_same_v<V, int64_t>) {
          out->set_int64_value(v);
          return Status::OK();
        } else if constexpr (std::is_same_v<V, double>) {
          out->set_double_value(v);
          return Status::OK();
        } else {
          auto* list = out->mutable_string_list_value();
          for (size_t i = 0; i < v.size(); ++i) {
            QUIVER_RETURN_NOT_OK(CheckUtf8(v[i], Indexed(field, i)));
            list->add_values(v[i]);
          }
          return Status::OK();
        }
      },
      value);
}

SessionOptionValue FromProto(const pb::SessionOptionValue& message) {
  switch (message.option_value_case()) {
    case pb::SessionOptionValue::kStringValue:
      return message.string_value();
    case pb::SessionOptionValue::kBoolValue:
      return message.bool_value();
    case pb::SessionOptionValue::kInt64Value:
      return static_cast<int64_t>(message.int64_value());
    case pb::SessionOptionValue::kDoubleValue:
      return message.double_value();
    case pb::SessionOptionValue::kStringListValue: {
      const auto& values = message.string_list_value().values();
      return std::vector<std::string>(values.begin(), values.end());
    }
    case pb::SessionOptionValue::OPTION_VALUE_NOT_SET:
      break;
  }
  return std::monostate();
}

Status ToProto(const std::map<std::string, SessionOptionValue>& options,
               google::protobuf::Map<std::string, pb::SessionOptionValue>* out) {
  out->clear();
  for (const auto& [name, value] : options) {
    QUIVER_RETURN_NOT_OK(CheckUtf8(name, "session option name '" + name + "'"));
    QUIVER_RETURN_NOT_OK(ToProto(value, "session option '" + name + "'", &(*out)[name]));
  }
  return Status::OK();
}

std::map<std::string, SessionOptionValue> FromProto(
    const google::protobuf::Map<std::string, pb::SessionOptionValue>& options) {
  std::map<std::string, SessionOptionValue> out;
  for (const auto& [name, value] : options) out.emplace(name, FromProto(value));
  return out;
}

// Received enum fields are open in proto3 (any int32 arrives); accept only the
// values the protocol defines.
template <typename Enum>
Result<Enum> EnumFromWire(int value, int max_value, std::string_view what) {
  if (value < 0 || value > max_value) {
    return Status::Invalid("expected a ", what, " between 0 and ", max_value, " but found ",
                           value);
  }
  return static_cast<Enum>(value);
}

}  // namespace

// --- Timestamp -------------------------------------------------------------------------

Status ToProto(Timestamp value, google::protobuf::Timestamp* out) {
  // protobuf wants whole seconds plus non-negative nanoseconds, also before 1970.
  constexpr int64_t kNanosPerSecond = 1'000'000'000;
  const int64_t nanos_since_epoch = value.time_since_epoch().count();
  int64_t seconds = nanos_since_epoch / kNanosPerSecond;
  int64_t nanos = nanos_since_epoch % kNanosPerSecond;
  if (nanos < 0) {
    nanos += kNanosPerSecond;
    seconds -= 1;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(nanos));
  return Status::OK();
}

Result<Timestamp> FromProto(const google::protobuf::Timestamp& message) {
  constexpr int64_t kNanosPerSecond = 1'000'000'000;
  if (message.nanos() < 0 || message.nanos() >= kNanosPerSecond) {
    return Status::Invalid("expected timestamp nanos between 0 and 999999999 but found ",
                           message.nanos());
  }
  int64_t total;
  if (__builtin_mul_overflow(message.seconds(), kNanosPerSecond, &total) ||
      __builtin_add_overflow(total, int64_t{message.nanos()}, &total)) {
    return Status::Invalid(
        "expected a timestamp representable as 64-bit nanoseconds since the epoch "
        "(1677-09-21 to 2262-04-11) but found ",
        message.seconds(), " seconds since the epoch");
  }
  return Timestamp(std::chrono::nanoseconds(total));
}

// --- FlightDescriptor -------------------------------------------------------------------

namespace {

// The descriptor's size on the wire, computed from its fields: a descriptor too
// big for protobuf (2 GiB and more) is refused before its bytes are copied.
uint64_t DescriptorWireSize(const FlightDescriptor& value) {
  using google::protobuf::io::CodedOutputStream;
  auto bytes_field = [](size_t size) { return 1 + CodedOutputStream::VarintSize64(size) + uint64_t{size}; };
  uint64_t size = 2;  // the type: a tag and a one-byte value
  if (value.type == DescriptorType::CMD) size += bytes_field(value.cmd.size());
  if (value.type == DescriptorType::PATH) {
    for (const std::string& part : value.path) size += bytes_field(part.size());
  }
  return size;
}

}  // namespace

Status ToProto(const FlightDescriptor& value, pb::FlightDescriptor* out) {
  out->Clear();
  const uint64_t wire_size = DescriptorWireSize(value);
  if (wire_size > static_cast<uint64_t>(INT_MAX)) {
    return Status::CapacityError("the FlightDescriptor's ", wire_size, " bytes exceed protobuf's limit of ",
                                 INT_MAX, " bytes per message");
  }
  switch (value.type) {
    case DescriptorType::PATH:
      out->set_type(pb::FlightDescriptor::PATH);
      for (size_t i = 0; i < value.path.size(); ++i) {
        QUIVER_RETURN_NOT_OK(CheckUtf8(value.path[i], Indexed("path", i)));
        out->add_path(value.path[i]);
      }
      return Status::OK();
    case DescriptorType::CMD:
      out->set_type(pb::FlightDescriptor::CMD);
      out->set_cmd(value.cmd);
      return Status::OK();
    case DescriptorType::UNKNOWN:
      break;
  }
  return Status::Invalid(
      "expected a descriptor of type PATH or CMD but found ", DescriptorTypeName(value.type),
      " (build descriptors with FlightDescriptor::Path or FlightDescriptor::Command)");
}

Result<FlightDescriptor> FromProto(const pb::FlightDescriptor& message) {
  switch (message.type()) {
    case pb::FlightDescriptor::PATH:
      return FlightDescriptor::Path(
          std::vector<std::string>(message.path().begin(), message.path().end()));
    case pb::FlightDescriptor::CMD:
      return FlightDescriptor::Command(message.cmd());
    default:
      break;
  }
  // UNKNOWN is refused as Apache Arrow refuses it: the type says how to read the rest.
  return Status::Invalid("expected descriptor type PATH (1) or CMD (2) but found ",
                         message.type() == pb::FlightDescriptor::UNKNOWN
                             ? std::string("UNKNOWN (0)")
                             : std::to_string(static_cast<int>(message.type())));
}

// --- Ticket, Location -------------------------------------------------------------------

Status ToProto(const Ticket& value, pb::Ticket* out) {
  out->set_ticket(value.ticket);
  return Status::OK();
}

Result<Ticket> FromProto(const pb::Ticket& message) { return Ticket{message.ticket()}; }

Status ToProto(const Location& value, pb::Location* out) {
  // Location::Parse accepts only URI characters, all of them ASCII.
  out->set_uri(value.uri());
  return Status::OK();
}

Result<Location> FromProto(const pb::Location& message) { return Location::Parse(message.uri()); }

// --- FlightEndpoint ---------------------------------------------------------------------

Status ToProto(const FlightEndpoint& value, pb::FlightEndpoint* out) {
  out->Clear();
  QUIVER_RETURN_NOT_OK(ToProto(value.ticket, out->mutable_ticket()));
  for (const Location& location : value.locations) {
    QUIVER_RETURN_NOT_OK(ToProto(location, out->add_location()));
  }
  if (value.expiration_time.has_value()) {
    QUIVER_RETURN_NOT_OK(ToProto(*value.expiration_time, out->mutable_expiration_time()));
  }
  out->set_app_metadata(value.app_metadata);
  return Status::OK();
}

Result<FlightEndpoint> FromProto(const pb::FlightEndpoint& message) {
  FlightEndpoint endpoint;
  endpoint.ticket.ticket = message.ticket().ticket();
  endpoint.locations.reserve(static_cast<size_t>(message.location_size()));
  for (int i = 0; i < message.location_size(); ++i) {
    Result<Location> location = FromProto(message.location(i));
    if (!location.ok()) {
      return location.status().WithContext(Indexed("location", static_cast<size_t>(i)));
    }
    endpoint.locations.push_back(location.MoveValueUnsafe());
  }
  if (message.has_expiration_time()) {
    Result<Timestamp> time = FromProto(message.expiration_time());
    if (!time.ok()) return time.status().WithContext("expiration_time");
    endpoint.expiration_time = *time;
  }
  endpoint.app_metadata = message.app_metadata();
  return endpoint;
}

// --- FlightInfo, PollInfo, SchemaResult -------------------------------------------------

Status ToProto(const FlightInfo& value, pb::FlightInfo* out) {
  out->Clear();
  out->set_schema(value.serialized_schema);
  Status descriptor = ToProto(value.descriptor, out->mutable_flight_descriptor());
  if (!descriptor.ok()) return descriptor.WithContext("flight_descriptor");
  for (size_t i = 0; i < value.endpoints.size(); ++i) {
    Status endpoint = ToProto(value.endpoints[i], out->add_endpoint());
    if (!endpoint.ok()) return endpoint.WithContext(Indexed("endpoint", i));
  }
  out->set_total_records(value.total_records);
  out->set_total_bytes(value.total_bytes);
  out->set_ordered(value.ordered);
  out->set_app_metadata(value.app_metadata);
  return Status::OK();
}

Result<FlightInfo> FromProto(const pb::FlightInfo& message) {
  FlightInfo info;
  info.serialized_schema = message.schema();
  // An absent descriptor reads as the default one, of type UNKNOWN, and is refused
  // with it: a FlightInfo must say which dataset it describes.
  Result<FlightDescriptor> descriptor = FromProto(message.flight_descriptor());
  if (!descriptor.ok()) return descriptor.status().WithContext("flight_descriptor");
  info.descriptor = descriptor.MoveValueUnsafe();
  info.endpoints.reserve(static_cast<size_t>(message.endpoint_size()));
  for (int i = 0; i < message.endpoint_size(); ++i) {
    Result<FlightEndpoint> endpoint = FromProto(message.endpoint(i));
    if (!endpoint.ok()) {
      return endpoint.status().WithContext(Indexed("endpoint", static_cast<size_t>(i)));
    }
    info.endpoints.push_back(endpoint.MoveValueUnsafe());
  }
  info.total_records = message.total_records();
  info.total_bytes = message.total_bytes();
  info.ordered = message.ordered();
  info.app_metadata = message.app_metadata();
  return info;
}

Status ToProto(const PollInfo& value, pb::PollInfo* out) {
  out->Clear();
  if (value.info.has_value()) {
    Status info = ToProto(*value.info, out->mutable_info());
    if (!info.ok()) return info.WithContext("info");
  }
  if (value.descriptor.has_value()) {
    Status descriptor = ToProto(*value.descriptor, out->mutable_flight_descriptor());
    if (!descriptor.ok()) return descriptor.WithContext("flight_descriptor");
  }
  if (value.progress.has_value()) out->set_progress(*value.progress);
  if (value.expiration_time.has_value()) {
    QUIVER_RETURN_NOT_OK(ToProto(*value.expiration_time, out->mutable_expiration_time()));
  }
  return Status::OK();
}

Result<PollInfo> FromProto(const pb::PollInfo& message) {
  PollInfo poll;
  if (message.has_info()) {
    Result<FlightInfo> info = FromProto(message.info());
    if (!info.ok()) return info.status().WithContext("info");
    poll.info = info.MoveValueUnsafe();
  }
  if (message.has_flight_descriptor()) {
    Result<FlightDescriptor> descriptor = FromProto(message.flight_descriptor());
    if (!descriptor.ok()) return descriptor.status().WithContext("flight_descriptor");
    poll.descriptor = descriptor.MoveValueUnsafe();
  }
  if (message.has_progress()) poll.progress = message.progress();
  if (message.has_expiration_time()) {
    Result<Timestamp> time = FromProto(message.expiration_time());
    if (!time.ok()) return time.status().WithContext("expiration_time");
    poll.expiration_time = *time;
  }
  return poll;
}

Status ToProto(const SchemaResult& value, pb::SchemaResult* out) {
  out->set_schema(value.serialized_schema);
  return Status::OK();
}

Result<SchemaResult> FromProto(const pb::SchemaResult& message) {
  return SchemaResult{message.schema()};
}

// --- Actions ----------------------------------------------------------------------------

Status ToProto(const Action& value, pb::Action* out) {
  QUIVER_RETURN_NOT_OK(CheckUtf8(value.type, "type"));
  out->set_type(value.type);
  const std::string_view body = BufferBytes(value.body);
  out->set_body(body.data(), body.size());
  return Status::OK();
}

Result<Action> FromProto(const pb::Action& message) {
  return Action{message.type(), BufferFromBytes(message.body())};
}

Status ToProto(const ActionType& value, pb::ActionType* out) {
  QUIVER_RETURN_NOT_OK(CheckUtf8(value.type, "type"));
  QUIVER_RETURN_NOT_OK(CheckUtf8(value.description, "description"));
  out->set_type(value.type);
  out->set_description(value.description);
  return Status::OK();
}

Result<ActionType> FromProto(const pb::ActionType& message) {
  return ActionType{message.type(), message.description()};
}

Status ToProto(const FlightResult& value, pb::Result* out) {
  const std::string_view body = BufferBytes(value.body);
  out->set_body(body.data(), body.size());
  return Status::OK();
}

Result<FlightResult> FromProto(const pb::Result& message) {
  return FlightResult{BufferFromBytes(message.body())};
}

Status ToProto(const Criteria& value, pb::Criteria* out) {
  out->set_expression(value.expression);
  return Status::OK();
}

Result<Criteria> FromProto(const pb::Criteria& message) { return Criteria{message.expression()}; }

Status ToProto(const BasicAuth& value, pb::BasicAuth* out) {
  QUIVER_RETURN_NOT_OK(CheckUtf8(value.username, "username"));
  // Unlike CheckUtf8's, this error does not quote any of the password's bytes.
  if (FindInvalidUtf8(value.password) != std::string_view::npos) {
    return Status::Invalid("password must be UTF-8 (the protocol declares it a protobuf string)");
  }
  out->set_username(value.username);
  out->set_password(value.password);
  return Status::OK();
}

Result<BasicAuth> FromProto(const pb::BasicAuth& message) {
  return BasicAuth{message.username(), message.password()};
}

Status ToProto(const CancelFlightInfoRequest& value, pb::CancelFlightInfoRequest* out) {
  Status info = ToProto(value.info, out->mutable_info());
  return info.ok() ? info : info.WithContext("info");
}

Result<CancelFlightInfoRequest> FromProto(const pb::CancelFlightInfoRequest& message) {
  Result<FlightInfo> info = FromProto(message.info());
  if (!info.ok()) return info.status().WithContext("info");
  return CancelFlightInfoRequest{info.MoveValueUnsafe()};
}

Status ToProto(const CancelFlightInfoResult& value, pb::CancelFlightInfoResult* out) {
  out->set_status(static_cast<pb::CancelStatus>(value.status));
  return Status::OK();
}

Result<CancelFlightInfoResult> FromProto(const pb::CancelFlightInfoResult& message) {
  QUIVER_ASSIGN_OR_RAISE(CancelStatus status,
                         EnumFromWire<CancelStatus>(message.status(), 3, "CancelStatus"));
  return CancelFlightInfoResult{status};
}

Status ToProto(const RenewFlightEndpointRequest& value, pb::RenewFlightEndpointRequest* out) {
  Status endpoint = ToProto(value.endpoint, out->mutable_endpoint());
  return endpoint.ok() ? endpoint : endpoint.WithContext("endpoint");
}

Result<RenewFlightEndpointRequest> FromProto(const pb::RenewFlightEndpointRequest& message) {
  Result<FlightEndpoint> endpoint = FromProto(message.endpoint());
  if (!endpoint.ok()) return endpoint.status().WithContext("endpoint");
  return RenewFlightEndpointRequest{endpoint.MoveValueUnsafe()};
}

// --- Session options --------------------------------------------------------------------

Status ToProto(const SetSessionOptionsRequest& value, pb::SetSessionOptionsRequest* out) {
  return ToProto(value.session_options, out->mutable_session_options());
}

Result<SetSessionOptionsRequest> FromProto(const pb::SetSessionOptionsRequest& message) {
  return SetSessionOptionsRequest{FromProto(message.session_options())};
}

Status ToProto(const SetSessionOptionsResult& value, pb::SetSessionOptionsResult* out) {
  out->Clear();
  for (const auto& [name, error] : value.errors) {
    QUIVER_RETURN_NOT_OK(CheckUtf8(name, "session option name '" + name + "'"));
    (*out->mutable_errors())[name].set_value(
        static_cast<pb::SetSessionOptionsResult::ErrorValue>(error));
  }
  return Status::OK();
}

Result<SetSessionOptionsResult> FromProto(const pb::SetSessionOptionsResult& message) {
  SetSessionOptionsResult result;
  for (const auto& [name, error] : message.errors()) {
    Result<SetSessionOptionErrorValue> value = EnumFromWire<SetSessionOptionErrorValue>(
        error.value(), 3, "SetSessionOptionsResult.ErrorValue");
    if (!value.ok()) return value.status().WithContext("errors['" + name + "']");
    result.errors.emplace(name, *value);
  }
  return result;
}

Status ToProto(const GetSessionOptionsRequest&, pb::GetSessionOptionsRequest* out) {
  out->Clear();
  return Status::OK();
}

Result<GetSessionOptionsRequest> FromProto(const pb::GetSessionOptionsRequest&) {
  return GetSessionOptionsRequest{};
}

Status ToProto(const GetSessionOptionsResult& value, pb::GetSessionOptionsResult* out) {
  return ToProto(value.session_options, out->mutable_session_options());
}

Result<GetSessionOptionsResult> FromProto(const pb::GetSessionOptionsResult& message) {
  return GetSessionOptionsResult{FromProto(message.session_options())};
}

Status ToProto(const CloseSessionRequest&, pb::CloseSessionRequest* out) {
  out->Clear();
  return Status::OK();
}

Result<CloseSessionRequest> FromProto(const pb::CloseSessionRequest&) {
  return CloseSessionRequest{};
}

Status ToProto(const CloseSessionResult& value, pb::CloseSessionResult* out) {
  out->set_status(static_cast<pb::CloseSessionResult::Status>(value.status));
  return Status::OK();
}

Result<CloseSessionResult> FromProto(const pb::CloseSessionResult& message) {
  QUIVER_ASSIGN_OR_RAISE(CloseSessionStatus status,
                         EnumFromWire<CloseSessionStatus>(message.status(), 3,
                                                          "CloseSessionResult.Status"));
  return CloseSessionResult{status};
}

// --- Wire bytes -------------------------------------------------------------------------

Result<std::string> SerializeMessage(const google::protobuf::Message& message,
                                     std::string_view type_name) {
  const size_t size = message.ByteSizeLong();
  if (size > static_cast<size_t>(INT_MAX)) {
    return Status::CapacityError("cannot serialize ", type_name, ": its ", size,
                           " bytes exceed protobuf's limit of ", INT_MAX, " bytes per message");
  }
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
    if (coded.HadError()) {
      return Status::SerializationError("cannot serialize ", type_name,
                                        ": protobuf failed to write the message");
    }
  }  // `coded` must be gone (and have trimmed `out`) before `out` is complete
  return out;
}

namespace {

// protobuf logs a line to stderr for every string field that is not UTF-8 as it
// refuses the message; the refusal reaches the peer as our error, and a peer
// sending such messages in a loop would flood the server's log. This handler
// drops that one message and hands every other to the handler it replaced.
google::protobuf::LogHandler* g_previous_log_handler = nullptr;

void QuietInvalidUtf8(google::protobuf::LogLevel level, const char* filename, int line,
                      const std::string& message) {
  if (level == google::protobuf::LOGLEVEL_ERROR &&
      message.find("contains invalid UTF-8 data when parsing") != std::string::npos) {
    return;
  }
  if (g_previous_log_handler != nullptr) g_previous_log_handler(level, filename, line, message);
}

void InstallQuietLogHandler() {
  static std::once_flag once;
  std::call_once(once, [] { g_previous_log_handler = google::protobuf::SetLogHandler(&QuietInvalidUtf8); });
}

}  // namespace

Status ParseMessage(std::string_view bytes, std::string_view type_name,
                    google::protobuf::Message* out) {
  InstallQuietLogHandler();
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::Invalid("failed to parse ", type_name, ": expected at most ", INT_MAX,
                           " bytes (protobuf's limit) but found ", bytes.size());
  }
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Invalid("failed to parse ", type_name, ": the ", bytes.size(),
                           " bytes are not a valid ", out->GetTypeName(),
                           " protobuf message (malformed, or a string field that is not UTF-8)");
  }
  return Status::OK();
}

}  // namespace internal

// --- SerializeToString / Deserialize ----------------------------------------------------

namespace {

template <typename Message, typename Value>
Result<std::string> SerializeValue(const Value& value, std::string_view type_name) {
  Message message;
  Status converted = internal::ToProto(value, &message);
  if (!converted.ok()) return converted.WithContext("cannot serialize " + std::string(type_name));
  return internal::SerializeMessage(message, type_name);
}

template <typename Message, typename Value>
Result<Value> DeserializeValue(std::string_view serialized, std::string_view type_name) {
  Message message;
  QUIVER_RETURN_NOT_OK(internal::ParseMessage(serialized, type_name, &message));
  Result<Value> value = internal::FromProto(message);
  if (!value.ok()) return value.status().WithContext("failed to parse " + std::string(type_name));
  return value;
}

namespace pb = internal::pb;

}  // namespace

Result<std::string> FlightDescriptor::SerializeToString() const {
  return SerializeValue<pb::FlightDescriptor>(*this, "FlightDescriptor");
}
Result<FlightDescriptor> FlightDescriptor::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::FlightDescriptor, FlightDescriptor>(serialized, "FlightDescriptor");
}

Result<std::string> Ticket::SerializeToString() const {
  return SerializeValue<pb::Ticket>(*this, "Ticket");
}
Result<Ticket> Ticket::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::Ticket, Ticket>(serialized, "Ticket");
}

Result<std::string> Location::SerializeToString() const {
  return SerializeValue<pb::Location>(*this, "Location");
}
Result<Location> Location::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::Location, Location>(serialized, "Location");
}

Result<std::string> FlightEndpoint::SerializeToString() const {
  return SerializeValue<pb::FlightEndpoint>(*this, "FlightEndpoint");
}
Result<FlightEndpoint> FlightEndpoint::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::FlightEndpoint, FlightEndpoint>(serialized, "FlightEndpoint");
}

Result<std::string> FlightInfo::SerializeToString() const {
  return SerializeValue<pb::FlightInfo>(*this, "FlightInfo");
}
Result<FlightInfo> FlightInfo::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::FlightInfo, FlightInfo>(serialized, "FlightInfo");
}

Result<std::string> PollInfo::SerializeToString() const {
  return SerializeValue<pb::PollInfo>(*this, "PollInfo");
}
Result<PollInfo> PollInfo::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::PollInfo, PollInfo>(serialized, "PollInfo");
}

Result<std::string> SchemaResult::SerializeToString() const {
  return SerializeValue<pb::SchemaResult>(*this, "SchemaResult");
}
Result<SchemaResult> SchemaResult::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::SchemaResult, SchemaResult>(serialized, "SchemaResult");
}

Result<std::string> Action::SerializeToString() const {
  return SerializeValue<pb::Action>(*this, "Action");
}
Result<Action> Action::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::Action, Action>(serialized, "Action");
}

Result<std::string> ActionType::SerializeToString() const {
  return SerializeValue<pb::ActionType>(*this, "ActionType");
}
Result<ActionType> ActionType::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::ActionType, ActionType>(serialized, "ActionType");
}

Result<std::string> FlightResult::SerializeToString() const {
  return SerializeValue<pb::Result>(*this, "Result");
}
Result<FlightResult> FlightResult::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::Result, FlightResult>(serialized, "Result");
}

Result<std::string> Criteria::SerializeToString() const {
  return SerializeValue<pb::Criteria>(*this, "Criteria");
}
Result<Criteria> Criteria::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::Criteria, Criteria>(serialized, "Criteria");
}

Result<std::string> BasicAuth::SerializeToString() const {
  return SerializeValue<pb::BasicAuth>(*this, "BasicAuth");
}
Result<BasicAuth> BasicAuth::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::BasicAuth, BasicAuth>(serialized, "BasicAuth");
}

Result<std::string> CancelFlightInfoRequest::SerializeToString() const {
  return SerializeValue<pb::CancelFlightInfoRequest>(*this, "CancelFlightInfoRequest");
}
Result<CancelFlightInfoRequest> CancelFlightInfoRequest::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::CancelFlightInfoRequest, CancelFlightInfoRequest>(
      serialized, "CancelFlightInfoRequest");
}

Result<std::string> CancelFlightInfoResult::SerializeToString() const {
  return SerializeValue<pb::CancelFlightInfoResult>(*this, "CancelFlightInfoResult");
}
Result<CancelFlightInfoResult> CancelFlightInfoResult::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::CancelFlightInfoResult, CancelFlightInfoResult>(
      serialized, "CancelFlightInfoResult");
}

Result<std::string> RenewFlightEndpointRequest::SerializeToString() const {
  return SerializeValue<pb::RenewFlightEndpointRequest>(*this, "RenewFlightEndpointRequest");
}
Result<RenewFlightEndpointRequest> RenewFlightEndpointRequest::Deserialize(
    std::string_view serialized) {
  return DeserializeValue<pb::RenewFlightEndpointRequest, RenewFlightEndpointRequest>(
      serialized, "RenewFlightEndpointRequest");
}

Result<std::string> SetSessionOptionsRequest::SerializeToString() const {
  return SerializeValue<pb::SetSessionOptionsRequest>(*this, "SetSessionOptionsRequest");
}
Result<SetSessionOptionsRequest> SetSessionOptionsRequest::Deserialize(
    std::string_view serialized) {
  return DeserializeValue<pb::SetSessionOptionsRequest, SetSessionOptionsRequest>(
      serialized, "SetSessionOptionsRequest");
}

Result<std::string> SetSessionOptionsResult::SerializeToString() const {
  return SerializeValue<pb::SetSessionOptionsResult>(*this, "SetSessionOptionsResult");
}
Result<SetSessionOptionsResult> SetSessionOptionsResult::Deserialize(
    std::string_view serialized) {
  return DeserializeValue<pb::SetSessionOptionsResult, SetSessionOptionsResult>(
      serialized, "SetSessionOptionsResult");
}

Result<std::string> GetSessionOptionsRequest::SerializeToString() const {
  return SerializeValue<pb::GetSessionOptionsRequest>(*this, "GetSessionOptionsRequest");
}
Result<GetSessionOptionsRequest> GetSessionOptionsRequest::Deserialize(
    std::string_view serialized) {
  return DeserializeValue<pb::GetSessionOptionsRequest, GetSessionOptionsRequest>(
      serialized, "GetSessionOptionsRequest");
}

Result<std::string> GetSessionOptionsResult::SerializeToString() const {
  return SerializeValue<pb::GetSessionOptionsResult>(*this, "GetSessionOptionsResult");
}
Result<GetSessionOptionsResult> GetSessionOptionsResult::Deserialize(
    std::string_view serialized) {
  return DeserializeValue<pb::GetSessionOptionsResult, GetSessionOptionsResult>(
      serialized, "GetSessionOptionsResult");
}

Result<std::string> CloseSessionRequest::SerializeToString() const {
  return SerializeValue<pb::CloseSessionRequest>(*this, "CloseSessionRequest");
}
Result<CloseSessionRequest> CloseSessionRequest::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::CloseSessionRequest, CloseSessionRequest>(serialized,
                                                                        "CloseSessionRequest");
}

Result<std::string> CloseSessionResult::SerializeToString() const {
  return SerializeValue<pb::CloseSessionResult>(*this, "CloseSessionResult");
}
Result<CloseSessionResult> CloseSessionResult::Deserialize(std::string_view serialized) {
  return DeserializeValue<pb::CloseSessionResult, CloseSessionResult>(serialized,
                                                                      "CloseSessionResult");
}

}  // namespace quiver::flight
