// The Flight value types' factories, equality and printing. Their protobuf
// (de)serialization lives in flight/grpc/protocol.cc, URI parsing in location.cc,
// and the IPC schema helpers in types_schema.cc.
#include "quiver/flight/types.h"

#include <charconv>
#include <cstdio>
#include <string>
#include <type_traits>
#include <utility>

namespace quiver::flight {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Python's repr of a bytes or str object, so that ToString() reads like pyarrow's
// repr: single quotes unless the text holds a ' and no ", then double quotes.
// For str, bytes of 0x80 and above (UTF-8 sequences) are kept as they are; for
// bytes they are escaped as \xNN.
std::string PythonQuote(std::string_view text, bool is_bytes) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out;
  out.reserve(text.size() + 3);
  if (is_bytes) out += 'b';
  out += quote;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f || (is_bytes && byte >= 0x80)) {
      out += "\\x";
      out += kHexDigits[byte >> 4];
      out += kHexDigits[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

std::string BytesRepr(std::string_view bytes) { return PythonQuote(bytes, /*is_bytes=*/true); }
std::string StrRepr(std::string_view text) { return PythonQuote(text, /*is_bytes=*/false); }

std::string BoolRepr(bool value) { return value ? "True" : "False"; }

// Python's repr of a float: the shortest text that reads back to the same value,
// with ".0" on integral values.
std::string FloatRepr(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string out(buffer, error == std::errc() ? end : buffer);
  if (out == "inf" || out == "-inf" || out == "nan" || out == "-nan") {
    return out == "-nan" ? "nan" : out;
  }
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

// "2023-04-05 12:34:56+00:00", with ".123456789" before the offset when the
// time has a fractional second.
std::string TimestampRepr(Timestamp time) {
  using namespace std::chrono;
  const sys_days day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss<nanoseconds> clock(time - day);
  char buffer[64];
  int length = std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02u %02d:%02d:%02d",
                             static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                             static_cast<unsigned>(date.day()),
                             static_cast<int>(clock.hours().count()),
                             static_cast<int>(clock.minutes().count()),
                             static_cast<int>(clock.seconds().count()));
  std::string out(buffer, static_cast<size_t>(length));
  if (clock.subseconds().count() != 0) {
    length = std::snprintf(buffer, sizeof(buffer), ".%09lld",
                           static_cast<long long>(clock.subseconds().count()));
    out.append(buffer, static_cast<size_t>(length));
  }
  out += "+00:00";
  return out;
}

std::string OptionalTimestampRepr(const std::optional<Timestamp>& time) {
  return time.has_value() ? TimestampRepr(*time) : "None";
}

template <typename T>
std::string ListRepr(const std::vector<T>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i].ToString();
  }
  out += "]";
  return out;
}

std::string BodyRepr(const std::shared_ptr<Buffer>& body) {
  return "(" + std::to_string(body ? body->size() : 0) + " bytes)";
}

std::string_view BodyView(const std::shared_ptr<Buffer>& body) {
  return body ? body->view() : std::string_view();
}

// How FlightInfo and SchemaResult print their schema: decoded, like pyarrow.
std::string SchemaRepr(const Result<SchemaPtr>& schema) {
  if (!schema.ok()) return "<undecodable schema: " + schema.status().message() + ">";
  if (*schema == nullptr) return "None";
  return (*schema)->ToString();
}

std::string SessionOptionValueRepr(const SessionOptionValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return "None";
        } else if constexpr (std::is_same_v<V, std::string>) {
          return StrRepr(v);
        } else if constexpr (std::is_same_v<V, bool>) {
          return BoolRepr(v);
        } else if constexpr (std::is_same_v<V, int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<V, double>) {
          return FloatRepr(v);
        } else {
          std::string out = "[";
          for (size_t i = 0; i < v.size(); ++i) {
            if (i > 0) out += ", ";
            out += StrRepr(v[i]);
          }
          return out + "]";
        }
      },
      value);
}

template <typename Map, typename ValueRepr>
std::string MapRepr(const Map& map, ValueRepr value_repr) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : map) {
    if (!first) out += ", ";
    first = false;
    out += StrRepr(key);
    out += ": ";
    out += value_repr(value);
  }
  return out + "}";
}

}  // namespace

// --- enum names ---------------------------------------------------------------

std::string_view DescriptorTypeName(DescriptorType type) {
  switch (type) {
    case DescriptorType::UNKNOWN: return "UNKNOWN";
    case DescriptorType::PATH: return "PATH";
    case DescriptorType::CMD: return "CMD";
  }
  return "<invalid DescriptorType>";
}

std::string_view CancelStatusName(CancelStatus status) {
  switch (status) {
    case CancelStatus::UNSPECIFIED: return "UNSPECIFIED";
    case CancelStatus::CANCELLED: return "CANCELLED";
    case CancelStatus::CANCELLING: return "CANCELLING";
    case CancelStatus::NOT_CANCELLABLE: return "NOT_CANCELLABLE";
  }
  return "<invalid CancelStatus>";
}

std::string_view SetSessionOptionErrorValueName(SetSessionOptionErrorValue value) {
  switch (value) {
    case SetSessionOptionErrorValue::UNSPECIFIED: return "UNSPECIFIED";
    case SetSessionOptionErrorValue::INVALID_NAME: return "INVALID_NAME";
    case SetSessionOptionErrorValue::INVALID_VALUE: return "INVALID_VALUE";
    case SetSessionOptionErrorValue::ERROR: return "ERROR";
  }
  return "<invalid SetSessionOptionErrorValue>";
}

std::string_view CloseSessionStatusName(CloseSessionStatus status) {
  switch (status) {
    case CloseSessionStatus::UNSPECIFIED: return "UNSPECIFIED";
    case CloseSessionStatus::CLOSED: return "CLOSED";
    case CloseSessionStatus::CLOSING: return "CLOSING";
    case CloseSessionStatus::NOT_CLOSEABLE: return "NOT_CLOSEABLE";
  }
  return "<invalid CloseSessionStatus>";
}

// --- FlightDescriptor -----------------------------------------------------------

FlightDescriptor FlightDescriptor::Path(std::vector<std::string> path) {
  FlightDescriptor descriptor;
  descriptor.type = DescriptorType::PATH;
  descriptor.path = std::move(path);
  return descriptor;
}

FlightDescriptor FlightDescriptor::Command(std::string cmd) {
  FlightDescriptor descriptor;
  descriptor.type = DescriptorType::CMD;
  descriptor.cmd = std::move(cmd);
  return descriptor;
}

bool FlightDescriptor::operator==(const FlightDescriptor& other) const {
  if (type != other.type) return false;
  switch (type) {
    case DescriptorType::PATH: return path == other.path;
    case DescriptorType::CMD: return cmd == other.cmd;
    case DescriptorType::UNKNOWN: break;
  }
  return cmd == other.cmd && path == other.path;
}

std::string FlightDescriptor::ToString() const {
  switch (type) {
    case DescriptorType::PATH: {
      std::string out = "<FlightDescriptor path=[";
      for (size_t i = 0; i < path.size(); ++i) {
        if (i > 0) out += ", ";
        out += BytesRepr(path[i]);
      }
      return out + "]>";
    }
    case DescriptorType::CMD:
      return "<FlightDescriptor cmd=" + BytesRepr(cmd) + ">";
    case DescriptorType::UNKNOWN:
      break;
  }
  return "<FlightDescriptor UNKNOWN>";
}

// --- simple messages -------------------------------------------------------------

std::string Ticket::ToString() const { return "<Ticket ticket=" + BytesRepr(ticket) + ">"; }

std::string Location::ToString() const { return "<Location " + BytesRepr(uri_) + ">"; }

std::string FlightEndpoint::ToString() const {
  return "<FlightEndpoint ticket=" + ticket.ToString() + " locations=" + ListRepr(locations) +
         " expiration_time=" + OptionalTimestampRepr(expiration_time) +
         " app_metadata=" + BytesRepr(app_metadata) + ">";
}

std::string FlightInfo::ToString() const {
  return "<FlightInfo schema=" + SchemaRepr(GetSchema()) + " descriptor=" + descriptor.ToString() +
         " endpoints=" + ListRepr(endpoints) + " total_records=" + std::to_string(total_records) +
         " total_bytes=" + std::to_string(total_bytes) + " ordered=" + BoolRepr(ordered) +
         " app_metadata=" + BytesRepr(app_metadata) + ">";
}

std::string PollInfo::ToString() const {
  return "<PollInfo info=" + (info ? info->ToString() : "None") +
         " descriptor=" + (descriptor ? descriptor->ToString() : "None") +
         " progress=" + (progress ? FloatRepr(*progress) : "None") +
         " expiration_time=" + OptionalTimestampRepr(expiration_time) + ">";
}

std::string SchemaResult::ToString() const {
  return "<SchemaResult schema=(" + SchemaRepr(GetSchema()) + ")>";
}

bool Action::operator==(const Action& other) const {
  return type == other.type && BodyView(body) == BodyView(other.body);
}

std::string Action::ToString() const {
  return "<Action type=" + StrRepr(type) + " body=" + BodyRepr(body) + ">";
}

std::string ActionType::ToString() const {
  return "ActionType(type=" + StrRepr(type) + ", description=" + StrRepr(description) + ")";
}

bool FlightResult::operator==(const FlightResult& other) const {
  return BodyView(body) == BodyView(other.body);
}

std::string FlightResult::ToString() const { return "<Result body=" + BodyRepr(body) + ">"; }

std::string Criteria::ToString() const {
  return "<Criteria expression=" + BytesRepr(expression) + ">";
}

std::string BasicAuth::ToString() const {
  return "<BasicAuth username=" + BytesRepr(username) + " password=(redacted)>";
}

// --- action messages ----------------------------------------------------------------

std::string CancelFlightInfoRequest::ToString() const {
  return "<CancelFlightInfoRequest info=" + info.ToString() + ">";
}

std::string CancelFlightInfoResult::ToString() const {
  return "<CancelFlightInfoResult status=" + std::string(CancelStatusName(status)) + ">";
}

std::string RenewFlightEndpointRequest::ToString() const {
  return "<RenewFlightEndpointRequest endpoint=" + endpoint.ToString() + ">";
}

std::string SetSessionOptionsRequest::ToString() const {
  return "<SetSessionOptionsRequest session_options=" +
         MapRepr(session_options, SessionOptionValueRepr) + ">";
}

std::string SetSessionOptionsResult::ToString() const {
  return "<SetSessionOptionsResult errors=" +
         MapRepr(errors,
                 [](SetSessionOptionErrorValue value) {
                   return std::string(SetSessionOptionErrorValueName(value));
                 }) +
         ">";
}

std::string GetSessionOptionsRequest::ToString() const { return "<GetSessionOptionsRequest>"; }

std::string GetSessionOptionsResult::ToString() const {
  return "<GetSessionOptionsResult session_options=" +
         MapRepr(session_options, SessionOptionValueRepr) + ">";
}

std::string CloseSessionRequest::ToString() const { return "<CloseSessionRequest>"; }

std::string CloseSessionResult::ToString() const {
  return "<CloseSessionResult status=" + std::string(CloseSessionStatusName(status)) + ">";
}

}  // namespace quiver::flight
