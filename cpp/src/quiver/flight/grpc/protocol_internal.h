// Conversions between the Flight value types (quiver/flight/types.h) and the
// protobuf classes generated from format/Flight.proto. Internal to flight/grpc/:
// only code here may see the generated headers.
//
// ToProto fills a message from a value and fails only where the protocol forbids
// the value (a descriptor of type UNKNOWN, text that is not UTF-8 in a protobuf
// `string` field, a timestamp outside protobuf's range). FromProto builds a value
// from a received message and validates it as untrusted input (descriptor types,
// enum values, location URIs, timestamps). Errors name the offending field,
// e.g. "endpoint[1].location[0]: Cannot parse URI: ...".
#pragma once

#include <string>
#include <string_view>

#include "Flight.pb.h"
#include "quiver/flight/types.h"
#include "quiver/result.h"
#include "quiver/status.h"

namespace quiver::flight::internal {

namespace pb = ::arrow::flight::protocol;

Status ToProto(Timestamp value, google::protobuf::Timestamp* out);
Result<Timestamp> FromProto(const google::protobuf::Timestamp& message);

Status ToProto(const FlightDescriptor& value, pb::FlightDescriptor* out);
Result<FlightDescriptor> FromProto(const pb::FlightDescriptor& message);

Status ToProto(const Ticket& value, pb::Ticket* out);
Result<Ticket> FromProto(const pb::Ticket& message);

Status ToProto(const Location& value, pb::Location* out);
Result<Location> FromProto(const pb::Location& message);

Status ToProto(const FlightEndpoint& value, pb::FlightEndpoint* out);
Result<FlightEndpoint> FromProto(const pb::FlightEndpoint& message);

Status ToProto(const FlightInfo& value, pb::FlightInfo* out);
Result<FlightInfo> FromProto(const pb::FlightInfo& message);

Status ToProto(const PollInfo& value, pb::PollInfo* out);
Result<PollInfo> FromProto(const pb::PollInfo& message);

Status ToProto(const SchemaResult& value, pb::SchemaResult* out);
Result<SchemaResult> FromProto(const pb::SchemaResult& message);

Status ToProto(const Action& value, pb::Action* out);
Result<Action> FromProto(const pb::Action& message);

Status ToProto(const ActionType& value, pb::ActionType* out);
Result<ActionType> FromProto(const pb::ActionType& message);

Status ToProto(const FlightResult& value, pb::Result* out);
Result<FlightResult> FromProto(const pb::Result& message);

Status ToProto(const Criteria& value, pb::Criteria* out);
Result<Criteria> FromProto(const pb::Criteria& message);

Status ToProto(const BasicAuth& value, pb::BasicAuth* out);
Result<BasicAuth> FromProto(const pb::BasicAuth& message);

Status ToProto(const CancelFlightInfoRequest& value, pb::CancelFlightInfoRequest* out);
Result<CancelFlightInfoRequest> FromProto(const pb::CancelFlightInfoRequest& message);

Status ToProto(const CancelFlightInfoResult& value, pb::CancelFlightInfoResult* out);
Result<CancelFlightInfoResult> FromProto(const pb::CancelFlightInfoResult& message);

Status ToProto(const RenewFlightEndpointRequest& value, pb::RenewFlightEndpointRequest* out);
Result<RenewFlightEndpointRequest> FromProto(const pb::RenewFlightEndpointRequest& message);

Status ToProto(const SetSessionOptionsRequest& value, pb::SetSessionOptionsRequest* out);
Result<SetSessionOptionsRequest> FromProto(const pb::SetSessionOptionsRequest& message);

Status ToProto(const SetSessionOptionsResult& value, pb::SetSessionOptionsResult* out);
Result<SetSessionOptionsResult> FromProto(const pb::SetSessionOptionsResult& message);

Status ToProto(const GetSessionOptionsRequest& value, pb::GetSessionOptionsRequest* out);
Result<GetSessionOptionsRequest> FromProto(const pb::GetSessionOptionsRequest& message);

Status ToProto(const GetSessionOptionsResult& value, pb::GetSessionOptionsResult* out);
Result<GetSessionOptionsResult> FromProto(const pb::GetSessionOptionsResult& message);

Status ToProto(const CloseSessionRequest& value, pb::CloseSessionRequest* out);
Result<CloseSessionRequest> FromProto(const pb::CloseSessionRequest& message);

Status ToProto(const CloseSessionResult& value, pb::CloseSessionResult* out);
Result<CloseSessionResult> FromProto(const pb::CloseSessionResult& message);

/// The message's wire bytes, written deterministically (map entries sorted by key)
/// so that equal values always serialize to equal bytes. `type_name` (e.g.
/// "FlightInfo") names the message in the error when it exceeds protobuf's 2 GiB cap.
Result<std::string> SerializeMessage(const google::protobuf::Message& message,
                                     std::string_view type_name);

/// Parses untrusted bytes into `out`; Invalid "failed to parse <type_name>: ..." when
/// they are not a valid message of that type.
Status ParseMessage(std::string_view bytes, std::string_view type_name,
                    google::protobuf::Message* out);

}  // namespace quiver::flight::internal
