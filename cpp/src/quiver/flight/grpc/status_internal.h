// Translating quiver::Status to gRPC statuses and back, exactly as Apache Arrow's
// gRPC transport does, so that a pyarrow peer raises (or sends) the same
// exception class with the same message and extra_info.
//
// Server side, for a handler's error:
//
//   return ToGrpcStatus(status, context);   // code + message, and the x-arrow-* trailers
//
// The gRPC code comes from the FlightStatusDetail when there is one (Failed ->
// UNKNOWN), otherwise from the Arrow code (KeyError -> NOT_FOUND, Invalid ->
// INVALID_ARGUMENT, Cancelled -> CANCELLED, NotImplemented -> UNIMPLEMENTED,
// AlreadyExists -> ALREADY_EXISTS, anything else -> UNKNOWN). The gRPC message is
// the Status message followed by ". Detail: <detail>" when a detail is attached.
// The trailers carry the original Arrow code and message so that the other side
// can restore them, and the Flight detail's extra_info.
//
// Client side, once a call has finished:
//
//   Status status = FromGrpcStatus(grpc_status, client_context.GetServerTrailingMetadata());
//
// first maps the gRPC code alone to a Status with Arrow's prefixed message
// ("Flight returned unauthorized error, with message: ..."), then, when the
// x-arrow-status trailer is present (the peer is Arrow C++, pyarrow or Quiver),
// restores the original code and message and attaches extra_info.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/string_ref.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "quiver/status.h"

namespace quiver::flight::internal {

/// The Arrow StatusCode, as a decimal number.
inline constexpr char kArrowStatusCodeTrailer[] = "x-arrow-status";
/// The Status message, without the detail.
inline constexpr char kArrowStatusMessageTrailer[] = "x-arrow-status-message-bin";
/// The detail's ToString(), when there is a detail.
inline constexpr char kArrowStatusDetailTrailer[] = "x-arrow-status-detail-bin";
/// The FlightStatusDetail's extra_info (raw bytes, as Arrow sends them), when not empty.
inline constexpr char kGrpcStatusDetailsTrailer[] = "grpc-status-details-bin";

/// The gRPC code and message for `status` (OK for OK), without trailers.
grpc::Status ToGrpcStatus(const Status& status);

/// The trailers Arrow sends with an error, in the order Arrow adds them; empty for OK.
std::vector<std::pair<std::string, std::string>> ErrorTrailers(const Status& status);

/// ToGrpcStatus(status), after adding ErrorTrailers(status) to `context`'s
/// trailing metadata (when `context` is not null). Works with the synchronous
/// and the callback API's server contexts alike.
grpc::Status ToGrpcStatus(const Status& status, grpc::ServerContextBase* context);

/// Initializes the gRPC library once for the life of the process. gRPC counts
/// its users and shuts itself down when the last channel or server goes; that
/// shutdown joins gRPC's executor threads, which can sit in a poll for up to
/// ten seconds, so a program that opens and closes clients and servers in turn
/// would stall. Called by every transport factory.
void KeepGrpcInitialized();

/// The Status a client reports for a finished call: see the file comment.
/// `trailers` is the call's trailing metadata (it may be empty).
Status FromGrpcStatus(const grpc::Status& status,
                      const std::multimap<grpc::string_ref, grpc::string_ref>& trailers);

}  // namespace quiver::flight::internal
