// The Flight protocol's value types: descriptors, tickets, locations, endpoints,
// flight infos, actions, and the request/result messages of the well-known actions.
//
// Each type is a plain value that owns its bytes (std::string members; Action and
// FlightResult share their body as a std::shared_ptr<Buffer>). Each has operator==,
// ToString() (pyarrow's repr without the "pyarrow.flight." prefix, e.g.
// "<FlightDescriptor path=[b'a', b'b']>"), and converts to and from the exact
// protobuf bytes of the matching message in format/Flight.proto:
//
//   FlightDescriptor descriptor = FlightDescriptor::Path({"datasets", "taxi"});
//   QUIVER_ASSIGN_OR_RAISE(std::string wire, descriptor.SerializeToString());
//   QUIVER_ASSIGN_OR_RAISE(FlightDescriptor back, FlightDescriptor::Deserialize(wire));
//
// Deserialize() treats its input as untrusted: bytes that are not a valid message
// are an Invalid status "failed to parse <Type> ...", and so are well-formed
// messages that break the protocol's rules (a descriptor of type UNKNOWN, a
// location that is not a URI, an out-of-range timestamp).
//
// Schemas travel inside FlightInfo and SchemaResult as an encapsulated IPC schema
// message (the first message of an IPC stream). Those types keep the bytes as
// they are, so equality compares bytes, as in pyarrow; Make() encodes a Schema and
// GetSchema() decodes one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/result.h"
#include "quiver/schema.h"
#include "quiver/status.h"
#include "quiver/visibility.h"

namespace quiver::flight {

// ---------------------------------------------------------------------------
// Well-known DoAction types. Each action's body is the serialized request
// message named beside it; its single result's body is the serialized reply.

/// CancelFlightInfoRequest -> CancelFlightInfoResult.
inline constexpr std::string_view kActionCancelFlightInfo = "CancelFlightInfo";
/// RenewFlightEndpointRequest -> FlightEndpoint (the renewed endpoint).
inline constexpr std::string_view kActionRenewFlightEndpoint = "RenewFlightEndpoint";
/// SetSessionOptionsRequest -> SetSessionOptionsResult.
inline constexpr std::string_view kActionSetSessionOptions = "SetSessionOptions";
/// GetSessionOptionsRequest -> GetSessionOptionsResult.
inline constexpr std::string_view kActionGetSessionOptions = "GetSessionOptions";
/// CloseSessionRequest -> CloseSessionResult.
inline constexpr std::string_view kActionCloseSession = "CloseSession";

// ---------------------------------------------------------------------------
// Location URI schemes.

inline constexpr std::string_view kSchemeGrpc = "grpc";            // plaintext TCP
inline constexpr std::string_view kSchemeGrpcTcp = "grpc+tcp";     // plaintext TCP
inline constexpr std::string_view kSchemeGrpcTls = "grpc+tls";     // TLS over TCP
inline constexpr std::string_view kSchemeGrpcUnix = "grpc+unix";   // Unix domain socket
/// "Redeem the ticket over the connection you already have."
inline constexpr std::string_view kSchemeReuseConnection = "arrow-flight-reuse-connection";

/// A point in time with nanosecond precision (UTC), as protobuf Timestamps carry
/// it. Representable range: about the years 1678 to 2262.
using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;

// ---------------------------------------------------------------------------

/// How a FlightDescriptor names its dataset. The values are the protocol's.
enum class DescriptorType : int8_t { UNKNOWN = 0, PATH = 1, CMD = 2 };

/// Names a dataset, either by a path of components or by an opaque command.
/// Build one with Path() or Command(); a default-constructed descriptor has type
/// UNKNOWN, which the protocol does not allow on the wire (SerializeToString fails).
struct QUIVER_EXPORT FlightDescriptor {
  DescriptorType type = DescriptorType::UNKNOWN;
  /// The command, meaningful when type is CMD.
  std::string cmd;
  /// The path components, meaningful when type is PATH. Each must be UTF-8 to be
  /// sent (the protocol declares them as protobuf strings).
  std::vector<std::string> path;

  /// A PATH descriptor; an empty path is allowed.
  static FlightDescriptor Path(std::vector<std::string> path);
  /// A CMD descriptor.
  static FlightDescriptor Command(std::string cmd);

  /// Same type and the same path (PATH) or command (CMD); the field the type does
  /// not use is ignored, as it is on the wire.
  bool operator==(const FlightDescriptor& other) const;
  /// "<FlightDescriptor path=[b'a', b'b']>", "<FlightDescriptor cmd=b'SELECT 1'>" or
  /// "<FlightDescriptor UNKNOWN>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<FlightDescriptor> Deserialize(std::string_view serialized);
};

/// An opaque token that DoGet redeems for a data stream.
struct QUIVER_EXPORT Ticket {
  std::string ticket;

  bool operator==(const Ticket&) const = default;
  /// "<Ticket ticket=b'...'>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<Ticket> Deserialize(std::string_view serialized);
};

/// A URI naming a Flight service: "grpc+tcp://host:port", "grpc+tls://host:port",
/// "grpc+unix:///absolute/socket/path", "arrow-flight-reuse-connection://?", or
/// any other well-formed URI (e.g. "https://..."). Parsing accepts every scheme,
/// as pyarrow does; a client looks at scheme() to decide whether it can connect.
///
/// The URI text is kept exactly as given (uri(), equality); the accessors return
/// its parsed parts. A Location always holds a parsed URI, so it has no default
/// constructor.
class QUIVER_EXPORT Location {
 public:
  /// Parses an RFC 3986 URI. Malformed text is Invalid "Cannot parse URI: '<uri>'"
  /// followed by what was wrong; a URI without a scheme is Invalid "URI has empty
  /// scheme: '<uri>'"; a port above 65535 is Invalid "Invalid port number ...".
  static Result<Location> Parse(std::string_view uri);
  /// "grpc+tcp://host:port". An IPv6 address is bracketed for you ("::1" -> "[::1]").
  static Result<Location> ForGrpcTcp(std::string_view host, int port);
  /// "grpc+tls://host:port".
  static Result<Location> ForGrpcTls(std::string_view host, int port);
  /// "grpc+unix://" followed by `path` (an absolute path gives three slashes).
  /// Characters a URI path cannot hold are percent-encoded; path() decodes them.
  static Result<Location> ForGrpcUnix(std::string_view path);
  /// "arrow-flight-reuse-connection://?": fetch over the connection already in use.
  static Location ReuseConnection();

  /// The URI exactly as given.
  const std::string& uri() const { return uri_; }
  /// The scheme in lower case, e.g. "grpc+tls" (compare with the kScheme* constants).
  const std::string& scheme() const { return scheme_; }
  /// The host without IPv6 brackets ("::1"), percent-decoded; empty when the URI has
  /// no authority. To build a "host:port" target, bracket it again when it contains ':'.
  const std::string& host() const { return host_; }
  /// The port, or -1 when the URI gives none.
  int port() const { return port_; }
  /// The path, percent-decoded (for grpc+unix, the socket path).
  const std::string& path() const { return path_; }

  /// Compares the URI text.
  bool operator==(const Location& other) const { return uri_ == other.uri_; }
  /// "<Location b'grpc+tcp://localhost:1234'>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<Location> Deserialize(std::string_view serialized);

 private:
  Location() = default;

  std::string uri_;
  std::string scheme_;
  std::string host_;
  int port_ = -1;
  std::string path_;
};

/// One part of a dataset: a ticket and the places it can be redeemed.
struct QUIVER_EXPORT FlightEndpoint {
  Ticket ticket;
  /// Any of these serves the ticket; empty means the service that issued it.
  std::vector<Location> locations;
  /// After this time the ticket may no longer be honoured; none means never.
  std::optional<Timestamp> expiration_time;
  /// Application-defined bytes.
  std::string app_metadata;

  bool operator==(const FlightEndpoint&) const = default;
  /// "<FlightEndpoint ticket=<Ticket ...> locations=[...] expiration_time=None app_metadata=b''>";
  /// a time prints as "2023-04-05 12:34:56.000000001+00:00" (fraction only when non-zero).
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<FlightEndpoint> Deserialize(std::string_view serialized);
};

/// Everything needed to fetch a dataset: its schema, descriptor and endpoints.
struct QUIVER_EXPORT FlightInfo {
  /// The schema as an encapsulated IPC message; empty when unknown.
  std::string serialized_schema;
  /// Must be PATH or CMD to be sent.
  FlightDescriptor descriptor;
  /// Fetching every endpoint yields the whole dataset.
  std::vector<FlightEndpoint> endpoints;
  /// -1 when unknown.
  int64_t total_records = -1;
  /// -1 when unknown.
  int64_t total_bytes = -1;
  /// True when the endpoints must be read in order to keep the rows' order.
  bool ordered = false;
  std::string app_metadata;

  /// A FlightInfo whose serialized_schema encodes `schema`.
  static Result<FlightInfo> Make(const Schema& schema, FlightDescriptor descriptor,
                                 std::vector<FlightEndpoint> endpoints,
                                 int64_t total_records = -1, int64_t total_bytes = -1,
                                 bool ordered = false, std::string app_metadata = {});
  /// Decodes serialized_schema; null when it is empty (the schema is unknown).
  Result<SchemaPtr> GetSchema() const;

  /// Field by field; the schema is compared as bytes.
  bool operator==(const FlightInfo&) const = default;
  /// "<FlightInfo schema=... descriptor=... endpoints=[...] total_records=-1 total_bytes=-1
  /// ordered=False app_metadata=b''>"; the schema prints decoded ("None" when empty).
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<FlightInfo> Deserialize(std::string_view serialized);
};

/// The answer to PollFlightInfo: progress on a long-running query.
struct QUIVER_EXPORT PollInfo {
  /// What is known so far (possibly only some of the endpoints).
  std::optional<FlightInfo> info;
  /// The descriptor to poll with next; none once the query has finished.
  std::optional<FlightDescriptor> descriptor;
  /// Completion estimate in [0, 1], if the server knows one.
  std::optional<double> progress;
  /// When the server may stop accepting polls with `descriptor`.
  std::optional<Timestamp> expiration_time;

  bool operator==(const PollInfo&) const = default;
  /// "<PollInfo info=... descriptor=... progress=0.5 expiration_time=None>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<PollInfo> Deserialize(std::string_view serialized);
};

/// The answer to GetSchema.
struct QUIVER_EXPORT SchemaResult {
  /// The schema as an encapsulated IPC message.
  std::string serialized_schema;

  static Result<SchemaResult> Make(const Schema& schema);
  /// Decodes serialized_schema; null when it is empty.
  Result<SchemaPtr> GetSchema() const;

  bool operator==(const SchemaResult&) const = default;
  /// "<SchemaResult schema=(a: int64)>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<SchemaResult> Deserialize(std::string_view serialized);
};

/// A DoAction request: a server-defined action name and its argument bytes.
struct QUIVER_EXPORT Action {
  /// Must be UTF-8 to be sent.
  std::string type;
  /// Shared, never modified; null means empty.
  std::shared_ptr<Buffer> body;

  /// Same type and the same body bytes (a null body equals an empty one).
  bool operator==(const Action& other) const;
  /// "<Action type='foo' body=(3 bytes)>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<Action> Deserialize(std::string_view serialized);
};

/// One action a server supports, as ListActions reports it.
struct QUIVER_EXPORT ActionType {
  std::string type;
  std::string description;

  bool operator==(const ActionType&) const = default;
  /// "ActionType(type='foo', description='bar')".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<ActionType> Deserialize(std::string_view serialized);
};

/// One item of a DoAction response (the protocol's `Result` message; renamed so as
/// not to clash with quiver::Result<T>).
struct QUIVER_EXPORT FlightResult {
  /// Shared, never modified; null means empty.
  std::shared_ptr<Buffer> body;

  /// The same body bytes (a null body equals an empty one).
  bool operator==(const FlightResult& other) const;
  /// "<Result body=(3 bytes)>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<FlightResult> Deserialize(std::string_view serialized);
};

/// The server-defined filter of ListFlights; empty means "everything".
struct QUIVER_EXPORT Criteria {
  std::string expression;

  bool operator==(const Criteria&) const = default;
  /// "<Criteria expression=b'...'>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<Criteria> Deserialize(std::string_view serialized);
};

/// A username and password, for auth handlers that exchange them as a payload.
struct QUIVER_EXPORT BasicAuth {
  /// Both must be UTF-8 to be sent.
  std::string username;
  std::string password;

  bool operator==(const BasicAuth&) const = default;
  /// "<BasicAuth username=b'user' password=(redacted)>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<BasicAuth> Deserialize(std::string_view serialized);
};

// ---------------------------------------------------------------------------
// The CancelFlightInfo and RenewFlightEndpoint actions.

/// The body of the CancelFlightInfo action.
struct QUIVER_EXPORT CancelFlightInfoRequest {
  FlightInfo info;

  bool operator==(const CancelFlightInfoRequest&) const = default;
  /// "<CancelFlightInfoRequest info=<FlightInfo ...>>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<CancelFlightInfoRequest> Deserialize(std::string_view serialized);
};

/// The outcome of CancelFlightInfo. The values are the protocol's.
enum class CancelStatus : int8_t {
  /// Unknown outcome; the client may retry.
  UNSPECIFIED = 0,
  /// Cancellation finished.
  CANCELLED = 1,
  /// Cancellation started and has not finished.
  CANCELLING = 2,
  /// The query cannot be cancelled; retrying will not help.
  NOT_CANCELLABLE = 3,
};

/// The result body of the CancelFlightInfo action.
struct QUIVER_EXPORT CancelFlightInfoResult {
  CancelStatus status = CancelStatus::UNSPECIFIED;

  bool operator==(const CancelFlightInfoResult&) const = default;
  /// "<CancelFlightInfoResult status=CANCELLED>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<CancelFlightInfoResult> Deserialize(std::string_view serialized);
};

/// The body of the RenewFlightEndpoint action (the result is a FlightEndpoint).
struct QUIVER_EXPORT RenewFlightEndpointRequest {
  FlightEndpoint endpoint;

  bool operator==(const RenewFlightEndpointRequest&) const = default;
  /// "<RenewFlightEndpointRequest endpoint=<FlightEndpoint ...>>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<RenewFlightEndpointRequest> Deserialize(std::string_view serialized);
};

// ---------------------------------------------------------------------------
// Session options (the SetSessionOptions, GetSessionOptions and CloseSession actions).

/// A session option's value; std::monostate means "no value", which in
/// SetSessionOptions removes the option. Strings must be UTF-8 to be sent.
using SessionOptionValue = std::variant<std::monostate, std::string, bool, int64_t, double,
                                        std::vector<std::string>>;

/// The body of the SetSessionOptions action.
struct QUIVER_EXPORT SetSessionOptionsRequest {
  std::map<std::string, SessionOptionValue> session_options;

  bool operator==(const SetSessionOptionsRequest&) const = default;
  /// "<SetSessionOptionsRequest session_options={'name': 'value', ...}>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<SetSessionOptionsRequest> Deserialize(std::string_view serialized);
};

/// Why one option could not be set. The values are the protocol's.
enum class SetSessionOptionErrorValue : int8_t {
  UNSPECIFIED = 0,
  INVALID_NAME = 1,
  INVALID_VALUE = 2,
  ERROR = 3,
};

/// The result body of the SetSessionOptions action: only the options that failed.
struct QUIVER_EXPORT SetSessionOptionsResult {
  std::map<std::string, SetSessionOptionErrorValue> errors;

  bool operator==(const SetSessionOptionsResult&) const = default;
  /// "<SetSessionOptionsResult errors={'name': INVALID_VALUE}>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<SetSessionOptionsResult> Deserialize(std::string_view serialized);
};

/// The body of the GetSessionOptions action (no fields).
struct QUIVER_EXPORT GetSessionOptionsRequest {
  bool operator==(const GetSessionOptionsRequest&) const = default;
  /// "<GetSessionOptionsRequest>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<GetSessionOptionsRequest> Deserialize(std::string_view serialized);
};

/// The result body of the GetSessionOptions action.
struct QUIVER_EXPORT GetSessionOptionsResult {
  std::map<std::string, SessionOptionValue> session_options;

  bool operator==(const GetSessionOptionsResult&) const = default;
  /// "<GetSessionOptionsResult session_options={...}>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<GetSessionOptionsResult> Deserialize(std::string_view serialized);
};

/// The body of the CloseSession action (no fields).
struct QUIVER_EXPORT CloseSessionRequest {
  bool operator==(const CloseSessionRequest&) const = default;
  /// "<CloseSessionRequest>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<CloseSessionRequest> Deserialize(std::string_view serialized);
};

/// The outcome of CloseSession. The values are the protocol's.
enum class CloseSessionStatus : int8_t {
  /// Unknown outcome; the client may retry.
  UNSPECIFIED = 0,
  /// The session is closed.
  CLOSED = 1,
  /// Closing has started and finishes in the background.
  CLOSING = 2,
  /// The session cannot be closed.
  NOT_CLOSEABLE = 3,
};

/// The result body of the CloseSession action.
struct QUIVER_EXPORT CloseSessionResult {
  CloseSessionStatus status = CloseSessionStatus::UNSPECIFIED;

  bool operator==(const CloseSessionResult&) const = default;
  /// "<CloseSessionResult status=CLOSED>".
  std::string ToString() const;

  Result<std::string> SerializeToString() const;
  static Result<CloseSessionResult> Deserialize(std::string_view serialized);
};

/// "UNKNOWN", "PATH" or "CMD".
QUIVER_EXPORT std::string_view DescriptorTypeName(DescriptorType type);
/// "UNSPECIFIED", "CANCELLED", "CANCELLING" or "NOT_CANCELLABLE".
QUIVER_EXPORT std::string_view CancelStatusName(CancelStatus status);
/// "UNSPECIFIED", "INVALID_NAME", "INVALID_VALUE" or "ERROR".
QUIVER_EXPORT std::string_view SetSessionOptionErrorValueName(SetSessionOptionErrorValue value);
/// "UNSPECIFIED", "CLOSED", "CLOSING" or "NOT_CLOSEABLE".
QUIVER_EXPORT std::string_view CloseSessionStatusName(CloseSessionStatus status);

}  // namespace quiver::flight
