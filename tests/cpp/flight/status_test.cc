// Flight errors (quiver/flight/status.h) and their gRPC mapping
// (flight/grpc/status_internal.h), checked against Apache Arrow's behaviour
// without a server: gRPC statuses and trailer maps are built by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <grpcpp/server_context.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quiver/flight/grpc/status_internal.h"
#include "quiver/flight/status.h"
#include "quiver/testing/matchers.h"

namespace quiver::flight {
namespace {

using internal::ErrorTrailers;
using internal::FromGrpcStatus;
using internal::ToGrpcStatus;
using ::testing::ElementsAre;
using ::testing::Pair;

using Trailers = std::multimap<grpc::string_ref, grpc::string_ref>;
using TrailerList = std::vector<std::pair<std::string, std::string>>;

// The trailer list as a client would receive it. string_ref borrows, so `list`
// must outlive the map.
Trailers AsTrailers(const TrailerList& list) {
  Trailers trailers;
  for (const auto& [key, value] : list) {
    trailers.emplace(grpc::string_ref(key), grpc::string_ref(value));
  }
  return trailers;
}

class OtherDetail : public StatusDetail {
 public:
  const char* type_id() const override { return "test::OtherDetail"; }
  std::string ToString() const override { return "other detail"; }
};

constexpr FlightStatusCode kAllFlightCodes[] = {
    FlightStatusCode::Internal,        FlightStatusCode::TimedOut,
    FlightStatusCode::Cancelled,       FlightStatusCode::Unauthenticated,
    FlightStatusCode::Unauthorized,    FlightStatusCode::Unavailable,
    FlightStatusCode::Failed,
};

// --- FlightStatusDetail and MakeFlightError ---------------------------------------------

TEST(FlightStatusTest, MakeFlightErrorIsAnIOErrorWithTheFlightDetail) {
  const Status status = MakeFlightError(FlightStatusCode::Unauthorized, "token expired", "retry");
  EXPECT_EQ(status.code(), StatusCode::IOError);
  EXPECT_EQ(status.message(), "token expired");
  auto detail = FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->code(), FlightStatusCode::Unauthorized);
  EXPECT_EQ(detail->extra_info(), "retry");
  EXPECT_STREQ(detail->type_id(), "flight::FlightStatusDetail");
  EXPECT_EQ(status.ToString(), "IOError: token expired [Unauthorized]");
}

TEST(FlightStatusTest, ExtraInfoKeepsArbitraryBytes) {
  const std::string bytes("\0\xff\x01", 3);
  const Status status = MakeFlightError(FlightStatusCode::Failed, "boom", bytes);
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(status)->extra_info(), bytes);
}

TEST(FlightStatusTest, DetailPrintsArrowsCodeNames) {
  const std::pair<FlightStatusCode, const char*> cases[] = {
      {FlightStatusCode::Internal, "Internal"},
      {FlightStatusCode::TimedOut, "TimedOut"},
      {FlightStatusCode::Cancelled, "Cancelled"},
      {FlightStatusCode::Unauthenticated, "Unauthenticated"},
      {FlightStatusCode::Unauthorized, "Unauthorized"},
      {FlightStatusCode::Unavailable, "Unavailable"},
      {FlightStatusCode::Failed, "Failed"},
  };
  for (const auto& [code, name] : cases) {
    EXPECT_EQ(FlightStatusDetail(code, "ignored").ToString(), name);
    EXPECT_EQ(FlightStatusCodeName(code), name);
  }
}

TEST(FlightStatusTest, UnwrapStatusIgnoresOtherStatuses) {
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(Status::OK()), nullptr);
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(Status::Invalid("x")), nullptr);
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(
                Status::IOError("x").WithDetail(std::make_shared<OtherDetail>())),
            nullptr);
}

TEST(FlightStatusTest, DetailSurvivesContext) {
  const Status status =
      MakeFlightError(FlightStatusCode::Unavailable, "down", "info").WithContext("while listing");
  EXPECT_EQ(status.message(), "while listing: down");
  ASSERT_NE(FlightStatusDetail::UnwrapStatus(status), nullptr);
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(status)->extra_info(), "info");
}

// --- Server side: Status -> gRPC ----------------------------------------------------------

TEST(ToGrpcStatusTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(Status::OK()).ok());
  EXPECT_TRUE(ErrorTrailers(Status::OK()).empty());
}

TEST(ToGrpcStatusTest, FlightCodesChooseTheGrpcCode) {
  const std::pair<FlightStatusCode, grpc::StatusCode> cases[] = {
      {FlightStatusCode::Internal, grpc::StatusCode::INTERNAL},
      {FlightStatusCode::TimedOut, grpc::StatusCode::DEADLINE_EXCEEDED},
      {FlightStatusCode::Cancelled, grpc::StatusCode::CANCELLED},
      {FlightStatusCode::Unauthenticated, grpc::StatusCode::UNAUTHENTICATED},
      {FlightStatusCode::Unauthorized, grpc::StatusCode::PERMISSION_DENIED},
      {FlightStatusCode::Unavailable, grpc::StatusCode::UNAVAILABLE},
      {FlightStatusCode::Failed, grpc::StatusCode::UNKNOWN},
  };
  for (const auto& [flight_code, grpc_code] : cases) {
    const Status status = MakeFlightError(flight_code, "went wrong");
    const grpc::Status grpc_status = ToGrpcStatus(status);
    EXPECT_EQ(grpc_status.error_code(), grpc_code) << FlightStatusCodeName(flight_code);
    EXPECT_EQ(grpc_status.error_message(),
              "went wrong. Detail: " + std::string(FlightStatusCodeName(flight_code)));
  }
}

TEST(ToGrpcStatusTest, FlightDetailWinsOverArrowCode) {
  // An Invalid status with a Flight detail goes by the detail, as in Arrow.
  const Status status = Status::Invalid("bad").WithDetail(
      std::make_shared<FlightStatusDetail>(FlightStatusCode::Unauthenticated));
  EXPECT_EQ(ToGrpcStatus(status).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST(ToGrpcStatusTest, ArrowCodesChooseTheGrpcCode) {
  const std::pair<Status, grpc::StatusCode> cases[] = {
      {Status::OutOfMemory("m"), grpc::StatusCode::UNKNOWN},
      {Status::KeyError("m"), grpc::StatusCode::NOT_FOUND},
      {Status::TypeError("m"), grpc::StatusCode::UNKNOWN},
      {Status::Invalid("m"), grpc::StatusCode::INVALID_ARGUMENT},
      {Status::IOError("m"), grpc::StatusCode::UNKNOWN},
      {Status::CapacityError("m"), grpc::StatusCode::UNKNOWN},
      {Status::IndexError("m"), grpc::StatusCode::UNKNOWN},
      {Status::Cancelled("m"), grpc::StatusCode::CANCELLED},
      {Status::UnknownError("m"), grpc::StatusCode::UNKNOWN},
      {Status::NotImplemented("m"), grpc::StatusCode::UNIMPLEMENTED},
      {Status::SerializationError("m"), grpc::StatusCode::UNKNOWN},
      {Status::AlreadyExists("m"), grpc::StatusCode::ALREADY_EXISTS},
  };
  for (const auto& [status, grpc_code] : cases) {
    const grpc::Status grpc_status = ToGrpcStatus(status);
    EXPECT_EQ(grpc_status.error_code(), grpc_code) << status.ToString();
    EXPECT_EQ(grpc_status.error_message(), "m") << status.ToString();
  }
}

TEST(ToGrpcStatusTest, AnyDetailIsAppendedToTheMessage) {
  const Status status = Status::IOError("disk").WithDetail(std::make_shared<OtherDetail>());
  const grpc::Status grpc_status = ToGrpcStatus(status);
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(grpc_status.error_message(), "disk. Detail: other detail");
}

TEST(ErrorTrailersTest, FlightErrorWithExtraInfo) {
  const Status status = MakeFlightError(FlightStatusCode::Unauthorized, "no", "extra");
  EXPECT_THAT(ErrorTrailers(status),
              ElementsAre(Pair("x-arrow-status", "5"), Pair("x-arrow-status-message-bin", "no"),
                          Pair("x-arrow-status-detail-bin", "Unauthorized"),
                          Pair("grpc-status-details-bin", "extra")));
}

TEST(ErrorTrailersTest, FlightErrorWithoutExtraInfoSendsNoGrpcDetails) {
  // grpc-go clients reject grpc-status-details-bin that is not a google.rpc.Status,
  // so it is sent only when the application asked for it.
  const Status status = MakeFlightError(FlightStatusCode::Internal, "oops");
  EXPECT_THAT(ErrorTrailers(status),
              ElementsAre(Pair("x-arrow-status", "5"), Pair("x-arrow-status-message-bin", "oops"),
                          Pair("x-arrow-status-detail-bin", "Internal")));
}

TEST(ErrorTrailersTest, PlainArrowErrorsSendTheirNumericCode) {
  const std::pair<Status, const char*> cases[] = {
      {Status::OutOfMemory("m"), "1"},   {Status::KeyError("m"), "2"},
      {Status::TypeError("m"), "3"},     {Status::Invalid("m"), "4"},
      {Status::IOError("m"), "5"},       {Status::CapacityError("m"), "6"},
      {Status::IndexError("m"), "7"},    {Status::Cancelled("m"), "8"},
      {Status::UnknownError("m"), "9"},  {Status::NotImplemented("m"), "10"},
      {Status::SerializationError("m"), "11"}, {Status::AlreadyExists("m"), "45"},
  };
  for (const auto& [status, code] : cases) {
    EXPECT_THAT(ErrorTrailers(status), ElementsAre(Pair("x-arrow-status", code),
                                                   Pair("x-arrow-status-message-bin", "m")))
        << status.ToString();
  }
}

TEST(ToGrpcStatusTest, WithServerContextReturnsTheSameStatus) {
  grpc::ServerContext context;
  const Status status = MakeFlightError(FlightStatusCode::TimedOut, "slow", "info");
  const grpc::Status grpc_status = ToGrpcStatus(status, &context);
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(grpc_status.error_message(), "slow. Detail: TimedOut");
  EXPECT_TRUE(ToGrpcStatus(Status::OK(), &context).ok());
  EXPECT_EQ(ToGrpcStatus(status, nullptr).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

// --- Client side: gRPC -> Status, from the code alone ---------------------------------------

struct CodeOnlyCase {
  grpc::StatusCode grpc_code;
  StatusCode arrow_code;
  const char* prefix;
  std::optional<FlightStatusCode> flight_code;
};

TEST(FromGrpcStatusTest, CodeAloneGivesArrowsStatusAndPrefix) {
  const CodeOnlyCase cases[] = {
      {grpc::StatusCode::CANCELLED, StatusCode::Cancelled, "Flight cancelled call, with message: ",
       FlightStatusCode::Cancelled},
      {grpc::StatusCode::UNKNOWN, StatusCode::UnknownError, "Flight RPC failed with message: ",
       FlightStatusCode::Failed},
      {grpc::StatusCode::INVALID_ARGUMENT, StatusCode::Invalid,
       "Flight returned invalid argument error, with message: ", std::nullopt},
      {grpc::StatusCode::DEADLINE_EXCEEDED, StatusCode::IOError,
       "Flight returned timeout error, with message: ", FlightStatusCode::TimedOut},
      {grpc::StatusCode::NOT_FOUND, StatusCode::KeyError,
       "Flight returned not found error, with message: ", std::nullopt},
      {grpc::StatusCode::ALREADY_EXISTS, StatusCode::AlreadyExists,
       "Flight returned already exists error, with message: ", std::nullopt},
      {grpc::StatusCode::PERMISSION_DENIED, StatusCode::IOError,
       "Flight returned unauthorized error, with message: ", FlightStatusCode::Unauthorized},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, StatusCode::Invalid,
       "gRPC returned resource exhausted error, with message: ", std::nullopt},
      {grpc::StatusCode::FAILED_PRECONDITION, StatusCode::Invalid,
       "gRPC returned precondition failed error, with message: ", std::nullopt},
      {grpc::StatusCode::ABORTED, StatusCode::IOError,
       "gRPC returned aborted error, with message: ", FlightStatusCode::Internal},
      {grpc::StatusCode::OUT_OF_RANGE, StatusCode::Invalid,
       "gRPC returned out-of-range error, with message: ", std::nullopt},
      {grpc::StatusCode::UNIMPLEMENTED, StatusCode::NotImplemented,
       "Flight returned unimplemented error, with message: ", std::nullopt},
      {grpc::StatusCode::INTERNAL, StatusCode::IOError,
       "Flight returned internal error, with message: ", FlightStatusCode::Internal},
      {grpc::StatusCode::UNAVAILABLE, StatusCode::IOError,
       "Flight returned unavailable error, with message: ", FlightStatusCode::Unavailable},
      {grpc::StatusCode::DATA_LOSS, StatusCode::IOError,
       "gRPC returned data loss error, with message: ", FlightStatusCode::Internal},
      {grpc::StatusCode::UNAUTHENTICATED, StatusCode::IOError,
       "Flight returned unauthenticated error, with message: ", FlightStatusCode::Unauthenticated},
  };
  for (const CodeOnlyCase& c : cases) {
    const Status status = FromGrpcStatus(grpc::Status(c.grpc_code, "boom"), {});
    SCOPED_TRACE(status.ToString());
    EXPECT_EQ(status.code(), c.arrow_code);
    EXPECT_EQ(status.message(), std::string(c.prefix) + "boom");
    auto detail = FlightStatusDetail::UnwrapStatus(status);
    if (c.flight_code.has_value()) {
      ASSERT_NE(detail, nullptr);
      EXPECT_EQ(detail->code(), *c.flight_code);
      EXPECT_EQ(detail->extra_info(), "");
    } else {
      EXPECT_EQ(status.detail(), nullptr);
    }
  }
}

TEST(FromGrpcStatusTest, OkIsOkWhateverTheTrailers) {
  const TrailerList list = {{"x-arrow-status", "4"}, {"grpc-status-details-bin", "x"}};
  EXPECT_OK(FromGrpcStatus(grpc::Status::OK, AsTrailers(list)));
}

TEST(FromGrpcStatusTest, UnknownGrpcCodeNamesTheNumber) {
  // 20 names no gRPC code but lies within the enum's range of values (-32..31),
  // so holding it in a grpc::StatusCode is well defined.
  const Status status = FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(20), "odd"), {});
  EXPECT_THAT(status, StatusIs(StatusCode::UnknownError,
                               "gRPC failed with error code 20 and message: odd"));
}

TEST(FromGrpcStatusTest, ExtraInfoNeedsTheArrowStatusTrailer) {
  // pyarrow ignores grpc-status-details-bin unless x-arrow-status came too.
  const TrailerList list = {{"grpc-status-details-bin", "extra"}};
  const Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "no"), AsTrailers(list));
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(status)->extra_info(), "");
}

// --- Client side: restoring the original status from the trailers ------------------------

// What a client sees after the server sent `status`: its gRPC status and trailers.
Status ThroughTheWire(const Status& status) {
  const TrailerList list = ErrorTrailers(status);
  return FromGrpcStatus(ToGrpcStatus(status), AsTrailers(list));
}

TEST(RoundTripTest, EveryFlightCodeKeepsCodeMessageAndExtraInfo) {
  const std::string extra("\0binary\xff", 8);
  for (const FlightStatusCode code : kAllFlightCodes) {
    const Status sent = MakeFlightError(code, "it failed", extra);
    const Status received = ThroughTheWire(sent);
    SCOPED_TRACE(sent.ToString());
    EXPECT_EQ(received.code(), StatusCode::IOError);
    // Arrow's client appends the detail's text, as a pyarrow user sees it.
    EXPECT_EQ(received.message(), "it failed. Detail: " + std::string(FlightStatusCodeName(code)));
    auto detail = FlightStatusDetail::UnwrapStatus(received);
    ASSERT_NE(detail, nullptr);
    EXPECT_EQ(detail->code(), code);
    EXPECT_EQ(detail->extra_info(), extra);
  }
}

TEST(RoundTripTest, FlightErrorWithoutExtraInfo) {
  const Status received = ThroughTheWire(MakeFlightError(FlightStatusCode::Unavailable, "later"));
  EXPECT_THAT(received, StatusIs(StatusCode::IOError, "later. Detail: Unavailable"));
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(received)->code(), FlightStatusCode::Unavailable);
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(received)->extra_info(), "");
}

TEST(RoundTripTest, EveryArrowCodeKeepsCodeAndMessage) {
  const Status cases[] = {
      Status::OutOfMemory("m"),   Status::KeyError("m"),       Status::TypeError("m"),
      Status::Invalid("m"),       Status::IOError("m"),        Status::CapacityError("m"),
      Status::IndexError("m"),    Status::Cancelled("m"),      Status::UnknownError("m"),
      Status::NotImplemented("m"), Status::SerializationError("m"), Status::AlreadyExists("m"),
  };
  for (const Status& sent : cases) {
    const Status received = ThroughTheWire(sent);
    SCOPED_TRACE(sent.ToString());
    EXPECT_EQ(received.code(), sent.code());
    EXPECT_EQ(received.message(), "m");
  }
}

TEST(RoundTripTest, StepOneFlightDetailIsKept) {
  // As in Arrow: an unknown-mapped Arrow error (here TypeError -> UNKNOWN) keeps
  // the Failed detail the gRPC code implies, so pyarrow raises FlightServerError.
  const Status received = ThroughTheWire(Status::TypeError("wrong type"));
  EXPECT_THAT(received, StatusIs(StatusCode::TypeError, "wrong type"));
  ASSERT_NE(FlightStatusDetail::UnwrapStatus(received), nullptr);
  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(received)->code(), FlightStatusCode::Failed);

  EXPECT_EQ(FlightStatusDetail::UnwrapStatus(ThroughTheWire(Status::Invalid("x"))), nullptr);
}

TEST(RoundTripTest, OtherDetailsTravelAsText) {
  const Status received =
      ThroughTheWire(Status::Invalid("bad").WithDetail(std::make_shared<OtherDetail>()));
  EXPECT_THAT(received, StatusIs(StatusCode::Invalid, "bad. Detail: other detail"));
  EXPECT_EQ(received.detail(), nullptr);
}

TEST(FromGrpcStatusTest, ExtraInfoWithoutFlightDetailGetsAnInternalOne) {
  const TrailerList list = {{"x-arrow-status", "4"},
                            {"x-arrow-status-message-bin", "bad input"},
                            {"grpc-status-details-bin", "hint"}};
  const Status status = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad input"), AsTrailers(list));
  EXPECT_THAT(status, StatusIs(StatusCode::Invalid, "bad input"));
  auto detail = FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->code(), FlightStatusCode::Internal);
  EXPECT_EQ(detail->extra_info(), "hint");
}

TEST(FromGrpcStatusTest, MissingMessageTrailerKeepsThePrefixedMessage) {
  const TrailerList list = {{"x-arrow-status", "2"}};
  const Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such key"), AsTrailers(list));
  EXPECT_THAT(status, StatusIs(StatusCode::KeyError,
                               "Flight returned not found error, with message: no such key"));
}

TEST(FromGrpcStatusTest, InvalidArrowCodeKeepsTheGrpcDerivedCode) {
  for (const char* code : {"77", "abc", "", "0", "4x"}) {
    const TrailerList list = {{"x-arrow-status", code}, {"x-arrow-status-message-bin", "msg"}};
    const Status status =
        FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "msg"), AsTrailers(list));
    SCOPED_TRACE(code);
    EXPECT_THAT(status,
                StatusIs(StatusCode::IOError,
                         "msg. Also, server sent unknown or invalid Arrow status code " +
                             std::string(code)));
    EXPECT_EQ(FlightStatusDetail::UnwrapStatus(status)->code(), FlightStatusCode::Internal);
  }
}

TEST(FromGrpcStatusTest, ArrowOnlyCodesBecomeUnknownError) {
  // RError, CodeGenError, ExpressionValidationError, ExecutionError.
  for (const char* code : {"13", "40", "41", "42"}) {
    const TrailerList list = {{"x-arrow-status", code}, {"x-arrow-status-message-bin", "exec"}};
    const Status status =
        FromGrpcStatus(grpc::Status(grpc::StatusCode::UNKNOWN, "exec"), AsTrailers(list));
    EXPECT_THAT(status, StatusIs(StatusCode::UnknownError, "exec")) << code;
  }
}

TEST(FromGrpcStatusTest, PyarrowServerErrorAsSeenByAClient) {
  // What a pyarrow server sends for FlightUnauthorizedError("foo", b"x").
  const TrailerList list = {{"x-arrow-status", "5"},
                            {"x-arrow-status-message-bin", "foo"},
                            {"x-arrow-status-detail-bin", "Unauthorized"},
                            {"grpc-status-details-bin", "x"}};
  const Status status = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "foo. Detail: Unauthorized"),
      AsTrailers(list));
  EXPECT_THAT(status, StatusIs(StatusCode::IOError, "foo. Detail: Unauthorized"));
  auto detail = FlightStatusDetail::UnwrapStatus(status);
  ASSERT_NE(detail, nullptr);
  EXPECT_EQ(detail->code(), FlightStatusCode::Unauthorized);
  EXPECT_EQ(detail->extra_info(), "x");
}

TEST(FromGrpcStatusTest, BinaryMessageBytesArePreserved) {
  const std::string message("nul\0inside", 10);
  const TrailerList list = {{"x-arrow-status", "4"}, {"x-arrow-status-message-bin", message}};
  const Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "x"), AsTrailers(list));
  EXPECT_EQ(status.message(), message);
}

}  // namespace
}  // namespace quiver::flight
