// The Flight value types (quiver/flight/types.h): wire bytes, round trips,
// validation of untrusted bytes, equality, printing and Location parsing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "quiver/flight/types.h"
#include "quiver/schema.h"
#include "quiver/testing/matchers.h"
#include "quiver/type.h"

namespace quiver::flight {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

// "0a 03 66 6f 6f" -> the bytes.
std::string FromHex(std::string_view hex) {
  std::string out;
  int nibbles = 0;
  int value = 0;
  for (const char c : hex) {
    if (c == ' ') continue;
    value = value * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
    if (++nibbles == 2) {
      out.push_back(static_cast<char>(value));
      nibbles = 0;
      value = 0;
    }
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

// Protobuf encoding helpers, for building messages a well-behaved serializer
// would never produce (out-of-range values, bad URIs).
std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}
std::string VarintField(int number, uint64_t value) {
  return Varint(static_cast<uint64_t>(number) << 3) + Varint(value);
}
std::string BytesField(int number, std::string_view bytes) {
  return Varint((static_cast<uint64_t>(number) << 3) | 2) + Varint(bytes.size()) +
         std::string(bytes);
}

Location MustParse(std::string_view uri) {
  Result<Location> location = Location::Parse(uri);
  EXPECT_OK(location);
  return location.ok() ? *location : Location::ReuseConnection();
}

Timestamp April5th2023() {
  return Timestamp(std::chrono::sys_days(2023y / 4 / 5) + 12h + 34min + 56s);
}

template <typename T>
void ExpectRoundTrip(const T& value) {
  Result<std::string> wire = value.SerializeToString();
  ASSERT_OK(wire);
  Result<T> back = T::Deserialize(*wire);
  ASSERT_OK(back);
  EXPECT_TRUE(*back == value) << value.ToString() << " came back as " << back->ToString();
  // Deterministic encoding: the value re-encodes to the same bytes.
  Result<std::string> again = back->SerializeToString();
  ASSERT_OK(again);
  EXPECT_EQ(ToHex(*again), ToHex(*wire));
}

FlightEndpoint FullEndpoint() {
  FlightEndpoint endpoint;
  endpoint.ticket = Ticket{"ticket-1"};
  endpoint.locations = {MustParse("grpc+tcp://localhost:1234"), MustParse("grpc+tls://[::1]:99"),
                        Location::ReuseConnection()};
  endpoint.expiration_time = April5th2023() + 123456789ns;
  endpoint.app_metadata = std::string("meta\0data", 9);
  return endpoint;
}

FlightInfo FullInfo() {
  FlightInfo info;
  info.serialized_schema = std::string("\xff\xff\xff\xff\x08\x00\x00\x00schema!!", 16);
  info.descriptor = FlightDescriptor::Path({"datasets", "taxi"});
  info.endpoints = {FullEndpoint(), FlightEndpoint{Ticket{"t2"}, {}, std::nullopt, ""}};
  info.total_records = 42;
  info.total_bytes = 4096;
  info.ordered = true;
  info.app_metadata = "app";
  return info;
}

// --- Exact wire bytes (worked out by hand from the protobuf encoding rules) -----------

TEST(WireBytesTest, Ticket) {
  // field 1, wire type 2 -> tag 0x0a; length 3; "foo".
  EXPECT_THAT(Ticket{"foo"}.SerializeToString(), IsOkAndHolds(FromHex("0a 03 66 6f 6f")));
  EXPECT_THAT(Ticket{}.SerializeToString(), IsOkAndHolds(std::string()));
}

TEST(WireBytesTest, PathDescriptor) {
  // type = PATH: tag 0x08, varint 1; each path component: tag 0x1a (field 3, wire type 2).
  EXPECT_THAT(FlightDescriptor::Path({"a", "bc"}).SerializeToString(),
              IsOkAndHolds(FromHex("08 01 1a 01 61 1a 02 62 63")));
  EXPECT_THAT(FlightDescriptor::Path({}).SerializeToString(), IsOkAndHolds(FromHex("08 01")));
}

TEST(WireBytesTest, CommandDescriptor) {
  // type = CMD: 08 02; cmd: tag 0x12 (field 2, wire type 2).
  EXPECT_THAT(FlightDescriptor::Command("SELECT").SerializeToString(),
              IsOkAndHolds(FromHex("08 02 12 06 53 45 4c 45 43 54")));
}

TEST(WireBytesTest, BasicAuthUsesFieldsTwoAndThree) {
  EXPECT_THAT((BasicAuth{"u", "p"}.SerializeToString()),
              IsOkAndHolds(FromHex("12 01 75 1a 01 70")));
}

TEST(WireBytesTest, Action) {
  EXPECT_THAT((Action{"do", Buffer::FromString("xy")}.SerializeToString()),
              IsOkAndHolds(FromHex("0a 02 64 6f 12 02 78 79")));
}

TEST(WireBytesTest, FlightInfoWritesUnknownTotalsAsMinusOne) {
  FlightInfo info;
  info.descriptor = FlightDescriptor::Command("x");
  // descriptor (field 2): 12 05 [08 02 12 01 78]; total_records (field 4) = -1 as a
  // ten-byte varint: 20 ff..ff 01; total_bytes (field 5): 28 ff..ff 01. Empty schema,
  // no endpoints, ordered=false and empty app_metadata are not written.
  EXPECT_THAT(info.SerializeToString(),
              IsOkAndHolds(FromHex("12 05 08 02 12 01 78"
                                   " 20 ff ff ff ff ff ff ff ff ff 01"
                                   " 28 ff ff ff ff ff ff ff ff ff 01")));
}

TEST(WireBytesTest, FlightEndpointWithExpiration) {
  FlightEndpoint endpoint;
  endpoint.ticket = Ticket{"t"};
  endpoint.locations = {MustParse("grpc://h:1")};
  endpoint.expiration_time = Timestamp(1s + 5ns);
  endpoint.app_metadata = "m";
  // ticket: 0a 03 [0a 01 74]; location: 12 0c [0a 0a "grpc://h:1"];
  // expiration_time: 1a 04 [08 01 10 05]; app_metadata: 22 01 6d.
  EXPECT_THAT(endpoint.SerializeToString(),
              IsOkAndHolds(FromHex("0a 03 0a 01 74"
                                   " 12 0c 0a 0a 67 72 70 63 3a 2f 2f 68 3a 31"
                                   " 1a 04 08 01 10 05"
                                   " 22 01 6d")));
}

TEST(WireBytesTest, TimestampBeforeTheEpochHasPositiveNanos) {
  FlightEndpoint endpoint;
  endpoint.expiration_time = Timestamp(-1ns);
  // The (empty) ticket: 0a 00. expiration_time, 17 bytes long: seconds = -1 as a
  // ten-byte varint, nanos = 999999999 as the varint ff 93 eb dc 03.
  EXPECT_THAT(endpoint.SerializeToString(),
              IsOkAndHolds(FromHex("0a 00 1a 11"
                                   " 08 ff ff ff ff ff ff ff ff ff 01"
                                   " 10 ff 93 eb dc 03")));
}

TEST(WireBytesTest, PollInfoProgressHasPresence) {
  PollInfo poll;
  poll.progress = 0.5;
  // field 3, wire type 1 (64-bit): tag 0x19, then 0.5 as a little-endian double.
  EXPECT_THAT(poll.SerializeToString(), IsOkAndHolds(FromHex("19 00 00 00 00 00 00 e0 3f")));
  poll.progress = 0.0;  // still written: "0 % done" differs from "unknown"
  EXPECT_THAT(poll.SerializeToString(), IsOkAndHolds(FromHex("19 00 00 00 00 00 00 00 00")));
  poll.progress.reset();
  EXPECT_THAT(poll.SerializeToString(), IsOkAndHolds(std::string()));
}

TEST(WireBytesTest, CancelFlightInfoResult) {
  EXPECT_THAT(CancelFlightInfoResult{CancelStatus::CANCELLING}.SerializeToString(),
              IsOkAndHolds(FromHex("08 02")));
}

TEST(WireBytesTest, SessionOptionsAreSortedByName) {
  SetSessionOptionsRequest request;
  request.session_options["b"] = true;
  request.session_options["a"] = int64_t{1};
  // Each map entry is a nested message {key = 1, value = 2}. "a" -> int64_value
  // (field 3, sfixed64: tag 0x19 and 8 bytes); "b" -> bool_value (field 2: 10 01).
  EXPECT_THAT(request.SerializeToString(),
              IsOkAndHolds(FromHex("0a 0e 0a 01 61 12 09 19 01 00 00 00 00 00 00 00"
                                   " 0a 07 0a 01 62 12 02 10 01")));
}

// --- Round trips --------------------------------------------------------------------------

TEST(RoundTripTest, Descriptors) {
  ExpectRoundTrip(FlightDescriptor::Path({"a", "b", ""}));
  ExpectRoundTrip(FlightDescriptor::Path({}));
  ExpectRoundTrip(FlightDescriptor::Command(std::string("\0\xff binary", 9)));
  ExpectRoundTrip(FlightDescriptor::Command(""));
  ExpectRoundTrip(FlightDescriptor::Path({"caf\xc3\xa9", "\xe2\x82\xac"}));
}

TEST(RoundTripTest, SimpleMessages) {
  ExpectRoundTrip(Ticket{});
  ExpectRoundTrip(Ticket{std::string("\0\x01\x02", 3)});
  ExpectRoundTrip(MustParse("grpc+unix:///tmp/flight.sock"));
  ExpectRoundTrip(Location::ReuseConnection());
  ExpectRoundTrip(Criteria{});
  ExpectRoundTrip(Criteria{"x > 1"});
  ExpectRoundTrip(BasicAuth{});
  ExpectRoundTrip(BasicAuth{"user", "p\xc3\xa4ss"});
  ExpectRoundTrip(ActionType{});
  ExpectRoundTrip(ActionType{"drop", "Drops a dataset.\nBody: its name"});
  ExpectRoundTrip(SchemaResult{});
  ExpectRoundTrip(SchemaResult{"not checked here"});
}

TEST(RoundTripTest, ActionAndResultBodies) {
  ExpectRoundTrip(Action{});
  ExpectRoundTrip(Action{"noop", nullptr});
  ExpectRoundTrip(Action{"put", Buffer::FromString(std::string("\0body", 5))});
  ExpectRoundTrip(FlightResult{});
  ExpectRoundTrip(FlightResult{Buffer::FromString("result")});

  Result<Action> back = Action::Deserialize(FromHex("0a 01 61"));
  ASSERT_OK(back);
  ASSERT_NE(back->body, nullptr);  // received bodies are never null
  EXPECT_EQ(back->body->size(), 0);
}

TEST(RoundTripTest, Endpoints) {
  ExpectRoundTrip(FlightEndpoint{});
  ExpectRoundTrip(FullEndpoint());
  FlightEndpoint early;
  early.expiration_time = Timestamp(-1'500'000'000ns);  // 1969-12-31 23:59:58.5
  ExpectRoundTrip(early);
  FlightEndpoint at_epoch;
  at_epoch.expiration_time = Timestamp(0ns);  // present, though all zero
  ExpectRoundTrip(at_epoch);
  EXPECT_NE(at_epoch, FlightEndpoint{});
}

TEST(RoundTripTest, FlightInfos) {
  ExpectRoundTrip(FullInfo());
  FlightInfo minimal;
  minimal.descriptor = FlightDescriptor::Command("q");
  ExpectRoundTrip(minimal);
}

TEST(RoundTripTest, PollInfos) {
  ExpectRoundTrip(PollInfo{});
  PollInfo poll;
  poll.info = FullInfo();
  poll.descriptor = FlightDescriptor::Command("poll-again");
  poll.progress = 0.25;
  poll.expiration_time = April5th2023();
  ExpectRoundTrip(poll);
  PollInfo done;
  done.info = FullInfo();
  done.progress = 1.0;
  ExpectRoundTrip(done);
}

TEST(RoundTripTest, ActionMessages) {
  ExpectRoundTrip(CancelFlightInfoRequest{FullInfo()});
  for (CancelStatus status : {CancelStatus::UNSPECIFIED, CancelStatus::CANCELLED,
                              CancelStatus::CANCELLING, CancelStatus::NOT_CANCELLABLE}) {
    ExpectRoundTrip(CancelFlightInfoResult{status});
  }
  ExpectRoundTrip(RenewFlightEndpointRequest{});
  ExpectRoundTrip(RenewFlightEndpointRequest{FullEndpoint()});
}

TEST(RoundTripTest, SessionMessages) {
  SetSessionOptionsRequest request;
  request.session_options = {{"catalog", std::string("main")},
                             {"verbose", true},
                             {"limit", int64_t{-7}},
                             {"ratio", 0.125},
                             {"schemas", std::vector<std::string>{"a", "b"}},
                             {"empty list", std::vector<std::string>{}},
                             {"unset me", std::monostate()}};
  ExpectRoundTrip(request);
  ExpectRoundTrip(SetSessionOptionsRequest{});

  SetSessionOptionsResult result;
  result.errors = {{"x", SetSessionOptionErrorValue::INVALID_NAME},
                   {"y", SetSessionOptionErrorValue::ERROR},
                   {"z", SetSessionOptionErrorValue::UNSPECIFIED}};
  ExpectRoundTrip(result);
  ExpectRoundTrip(SetSessionOptionsResult{});

  ExpectRoundTrip(GetSessionOptionsRequest{});
  ExpectRoundTrip(GetSessionOptionsResult{request.session_options});
  ExpectRoundTrip(GetSessionOptionsResult{});
  ExpectRoundTrip(CloseSessionRequest{});
  for (CloseSessionStatus status :
       {CloseSessionStatus::UNSPECIFIED, CloseSessionStatus::CLOSED, CloseSessionStatus::CLOSING,
        CloseSessionStatus::NOT_CLOSEABLE}) {
    ExpectRoundTrip(CloseSessionResult{status});
  }
}

// --- What cannot be sent --------------------------------------------------------------------

TEST(SerializeErrorsTest, UnknownDescriptorIsRefused) {
  EXPECT_THAT(FlightDescriptor{}.SerializeToString(),
              StatusIs(StatusCode::Invalid,
                       StartsWith("cannot serialize FlightDescriptor: expected a descriptor of "
                                  "type PATH or CMD but found UNKNOWN")));
  FlightInfo info = FullInfo();
  info.descriptor = FlightDescriptor{};
  EXPECT_THAT(info.SerializeToString(),
              StatusIs(StatusCode::Invalid,
                       StartsWith("cannot serialize FlightInfo: flight_descriptor: expected")));
  EXPECT_THAT(CancelFlightInfoRequest{}.SerializeToString(),
              StatusIs(StatusCode::Invalid, HasSubstr("info: flight_descriptor: expected")));
  PollInfo poll;
  poll.descriptor = FlightDescriptor{};
  EXPECT_THAT(poll.SerializeToString(),
              StatusIs(StatusCode::Invalid, HasSubstr("flight_descriptor: expected")));
}

TEST(SerializeErrorsTest, ProtobufStringFieldsMustBeUtf8) {
  EXPECT_THAT(FlightDescriptor::Path({"ok", "bad\xff"}).SerializeToString(),
              StatusIs(StatusCode::Invalid,
                       "cannot serialize FlightDescriptor: path[1] must be UTF-8 (the protocol "
                       "declares it a protobuf string) but has an invalid sequence starting with "
                       "byte 0xff at offset 3"));
  EXPECT_THAT((Action{"\xc0\xaf", nullptr}.SerializeToString()),  // overlong '/'
              StatusIs(StatusCode::Invalid, HasSubstr("type must be UTF-8")));
  EXPECT_THAT((ActionType{"t", "\xed\xa0\x80"}.SerializeToString()),  // a UTF-16 surrogate
              StatusIs(StatusCode::Invalid, HasSubstr("description must be UTF-8")));
  EXPECT_THAT((BasicAuth{"user", "secret\xfe"}.SerializeToString()),
              StatusIs(StatusCode::Invalid,
                       "cannot serialize BasicAuth: password must be UTF-8 (the protocol declares "
                       "it a protobuf string)"));
  SetSessionOptionsRequest request;
  request.session_options["name"] = std::vector<std::string>{"fine", "\x80"};
  EXPECT_THAT(request.SerializeToString(),
              StatusIs(StatusCode::Invalid, HasSubstr("session option 'name'[1] must be UTF-8")));
  // Truncated multi-byte sequence at the end.
  EXPECT_THAT(FlightDescriptor::Path({"\xe2\x82"}).SerializeToString(),
              StatusIs(StatusCode::Invalid, HasSubstr("at offset 0")));
}

// --- Untrusted bytes ------------------------------------------------------------------------

TEST(DeserializeErrorsTest, MalformedBytesAreRefused) {
  EXPECT_THAT(Ticket::Deserialize(FromHex("0a 05 66 6f")),  // length 5, only 2 bytes follow
              StatusIs(StatusCode::Invalid,
                       "failed to parse Ticket: the 4 bytes are not a valid "
                       "arrow.flight.protocol.Ticket protobuf message (malformed, or a string "
                       "field that is not UTF-8)"));
  EXPECT_THAT(FlightInfo::Deserialize(FromHex("ff")),
              StatusIs(StatusCode::Invalid, StartsWith("failed to parse FlightInfo: ")));
  EXPECT_THAT(FlightDescriptor::Deserialize(FromHex("08")),  // tag without its value
              StatusIs(StatusCode::Invalid, StartsWith("failed to parse FlightDescriptor: ")));
  EXPECT_THAT(Action::Deserialize(FromHex("0d 00 00")),  // field 1 as fixed32, truncated
              StatusIs(StatusCode::Invalid, StartsWith("failed to parse Action: ")));
}

TEST(DeserializeErrorsTest, ProtobufStringFieldsMustBeUtf8) {
  // A peer that sends non-UTF-8 text in a protobuf string field sends an invalid message.
  EXPECT_THAT(Action::Deserialize(BytesField(1, "\xff")),
              StatusIs(StatusCode::Invalid, StartsWith("failed to parse Action: the 3 bytes are "
                                                       "not a valid")));
  EXPECT_THAT(FlightDescriptor::Deserialize(VarintField(1, 1) + BytesField(3, "\xc3")),
              StatusIs(StatusCode::Invalid, StartsWith("failed to parse FlightDescriptor")));
}

TEST(DeserializeErrorsTest, UnknownFieldsAreSkipped) {
  // Field 15 (varint) is not in Ticket; readers must skip what they do not know.
  EXPECT_THAT(Ticket::Deserialize(FromHex("78 01 0a 01 61")), IsOkAndHolds(Ticket{"a"}));
}

TEST(DeserializeErrorsTest, DescriptorTypeMustBePathOrCommand) {
  EXPECT_THAT(FlightDescriptor::Deserialize(""),
              StatusIs(StatusCode::Invalid,
                       "failed to parse FlightDescriptor: expected descriptor type PATH (1) or "
                       "CMD (2) but found UNKNOWN (0)"));
  EXPECT_THAT(FlightDescriptor::Deserialize(FromHex("08 07")),
              StatusIs(StatusCode::Invalid, HasSubstr("but found 7")));
  // A FlightInfo without a descriptor is refused, as Arrow C++ and Java refuse it.
  EXPECT_THAT(FlightInfo::Deserialize(""),
              StatusIs(StatusCode::Invalid,
                       StartsWith("failed to parse FlightInfo: flight_descriptor: expected "
                                  "descriptor type PATH (1) or CMD (2)")));
  // In PollInfo the descriptor may be absent, but not UNKNOWN when present.
  EXPECT_THAT(PollInfo::Deserialize(BytesField(2, "")),
              StatusIs(StatusCode::Invalid, HasSubstr("flight_descriptor: expected")));
}

TEST(DeserializeErrorsTest, IrrelevantDescriptorFieldIsDropped) {
  // A PATH descriptor that also carries cmd bytes: only the path counts.
  Result<FlightDescriptor> descriptor =
      FlightDescriptor::Deserialize(VarintField(1, 1) + BytesField(2, "cmd") + BytesField(3, "p"));
  ASSERT_OK(descriptor);
  EXPECT_EQ(*descriptor, FlightDescriptor::Path({"p"}));
  EXPECT_EQ(descriptor->cmd, "");
}

TEST(DeserializeErrorsTest, LocationsMustBeUris) {
  const std::string endpoint = BytesField(2, BytesField(1, "%"));
  EXPECT_THAT(FlightEndpoint::Deserialize(endpoint),
              StatusIs(StatusCode::Invalid,
                       StartsWith("failed to parse FlightEndpoint: location[0]: Cannot parse URI: "
                                  "'%'")));
  const std::string info = BytesField(2, VarintField(1, 2)) + BytesField(3, endpoint);
  EXPECT_THAT(FlightInfo::Deserialize(info),
              StatusIs(StatusCode::Invalid,
                       StartsWith("failed to parse FlightInfo: endpoint[0]: location[0]: Cannot "
                                  "parse URI")));
  EXPECT_THAT(Location::Deserialize(""),
              StatusIs(StatusCode::Invalid, "failed to parse Location: URI has empty scheme: ''"));
}

TEST(DeserializeErrorsTest, TimestampsMustFitNanoseconds) {
  // 10^11 seconds is around the year 5138: valid protobuf, beyond int64 nanoseconds.
  const std::string far = BytesField(3, VarintField(1, 100'000'000'000));
  EXPECT_THAT(FlightEndpoint::Deserialize(far),
              StatusIs(StatusCode::Invalid,
                       "failed to parse FlightEndpoint: expiration_time: expected a timestamp "
                       "representable as 64-bit nanoseconds since the epoch (1677-09-21 to "
                       "2262-04-11) but found 100000000000 seconds since the epoch"));
  const std::string negative_nanos =
      BytesField(3, VarintField(1, 1) + VarintField(2, static_cast<uint64_t>(-1)));
  EXPECT_THAT(FlightEndpoint::Deserialize(negative_nanos),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("expected timestamp nanos between 0 and 999999999 but found -1")));
  const std::string too_many_nanos = BytesField(3, VarintField(2, 1'000'000'000));
  EXPECT_THAT(FlightEndpoint::Deserialize(too_many_nanos),
              StatusIs(StatusCode::Invalid, HasSubstr("but found 1000000000")));
  EXPECT_THAT(PollInfo::Deserialize(BytesField(4, VarintField(1, 100'000'000'000))),
              StatusIs(StatusCode::Invalid, HasSubstr("expiration_time: expected a timestamp")));
}

TEST(DeserializeErrorsTest, EnumValuesMustBeKnown) {
  EXPECT_THAT(CancelFlightInfoResult::Deserialize(FromHex("08 09")),
              StatusIs(StatusCode::Invalid,
                       "failed to parse CancelFlightInfoResult: expected a CancelStatus between 0 "
                       "and 3 but found 9"));
  EXPECT_THAT(CloseSessionResult::Deserialize(FromHex("08 04")),
              StatusIs(StatusCode::Invalid, HasSubstr("CloseSessionResult.Status")));
  const std::string errors = BytesField(1, BytesField(1, "opt") + BytesField(2, VarintField(1, 8)));
  EXPECT_THAT(SetSessionOptionsResult::Deserialize(errors),
              StatusIs(StatusCode::Invalid, HasSubstr("errors['opt']: expected a")));
}

// --- Equality and printing ----------------------------------------------------------------

TEST(EqualityTest, DescriptorsCompareTheFieldTheirTypeUses) {
  EXPECT_EQ(FlightDescriptor::Path({"a"}), FlightDescriptor::Path({"a"}));
  EXPECT_NE(FlightDescriptor::Path({"a"}), FlightDescriptor::Path({"a", "b"}));
  EXPECT_NE(FlightDescriptor::Path({"a"}), FlightDescriptor::Command("a"));
  FlightDescriptor path_with_junk = FlightDescriptor::Path({"a"});
  path_with_junk.cmd = "ignored";
  EXPECT_EQ(path_with_junk, FlightDescriptor::Path({"a"}));
  EXPECT_EQ(FlightDescriptor{}, FlightDescriptor{});
}

TEST(EqualityTest, EveryFieldCounts) {
  const FlightInfo base = FullInfo();
  EXPECT_EQ(base, FullInfo());
  FlightInfo other = base;
  other.serialized_schema += "x";
  EXPECT_NE(base, other);
  other = base;
  other.total_records = -1;
  EXPECT_NE(base, other);
  other = base;
  other.total_bytes = -1;
  EXPECT_NE(base, other);
  other = base;
  other.ordered = false;
  EXPECT_NE(base, other);
  other = base;
  other.app_metadata.clear();
  EXPECT_NE(base, other);
  other = base;
  other.endpoints[0].expiration_time.reset();
  EXPECT_NE(base, other);
  other = base;
  other.endpoints[0].locations.pop_back();
  EXPECT_NE(base, other);
  other = base;
  other.descriptor = FlightDescriptor::Command("q");
  EXPECT_NE(base, other);
}

TEST(EqualityTest, BodiesCompareBytes) {
  EXPECT_EQ((Action{"a", nullptr}), (Action{"a", Buffer::FromString("")}));
  EXPECT_EQ((Action{"a", Buffer::FromString("x")}), (Action{"a", Buffer::FromString("x")}));
  EXPECT_NE((Action{"a", Buffer::FromString("x")}), (Action{"a", Buffer::FromString("y")}));
  EXPECT_NE((Action{"a", nullptr}), (Action{"b", nullptr}));
  EXPECT_EQ(FlightResult{}, FlightResult{Buffer::FromString("")});
  EXPECT_NE(FlightResult{Buffer::FromString("1")}, FlightResult{});
}

TEST(EqualityTest, LocationsCompareTheirText) {
  EXPECT_EQ(MustParse("grpc://h:1"), MustParse("grpc://h:1"));
  // Same meaning, different text: pyarrow compares the strings, and so do we.
  EXPECT_NE(MustParse("grpc://h:1"), MustParse("GRPC://h:1"));
}

TEST(ToStringTest, ReadsLikePyarrow) {
  EXPECT_EQ(FlightDescriptor::Path({"a", "b"}).ToString(), "<FlightDescriptor path=[b'a', b'b']>");
  EXPECT_EQ(FlightDescriptor::Command("foo").ToString(), "<FlightDescriptor cmd=b'foo'>");
  EXPECT_EQ(FlightDescriptor{}.ToString(), "<FlightDescriptor UNKNOWN>");
  EXPECT_EQ(Ticket{"foo"}.ToString(), "<Ticket ticket=b'foo'>");
  EXPECT_EQ(MustParse("grpc+tcp://localhost:1234").ToString(),
            "<Location b'grpc+tcp://localhost:1234'>");
  EXPECT_EQ((Action{"foo", nullptr}.ToString()), "<Action type='foo' body=(0 bytes)>");
  EXPECT_EQ((ActionType{"foo", "bar"}.ToString()), "ActionType(type='foo', description='bar')");
  EXPECT_EQ(FlightResult{Buffer::FromString("abc")}.ToString(), "<Result body=(3 bytes)>");
  EXPECT_EQ((BasicAuth{"user", "secret"}.ToString()),
            "<BasicAuth username=b'user' password=(redacted)>");
  EXPECT_EQ(Criteria{"c"}.ToString(), "<Criteria expression=b'c'>");
}

TEST(ToStringTest, BytesAreEscapedLikePython) {
  EXPECT_EQ(Ticket{std::string("it's\0\xff\n\\", 8)}.ToString(),
            "<Ticket ticket=b\"it's\\x00\\xff\\n\\\\\">");
  EXPECT_EQ(Ticket{"both ' and \""}.ToString(), "<Ticket ticket=b'both \\' and \"'>");
  EXPECT_EQ((ActionType{"caf\xc3\xa9", "tab\there"}.ToString()),
            "ActionType(type='caf\xc3\xa9', description='tab\\there')");
}

TEST(ToStringTest, EndpointsAndTimes) {
  FlightEndpoint endpoint;
  endpoint.ticket = Ticket{"t"};
  endpoint.locations = {MustParse("grpc://h:1")};
  endpoint.expiration_time = April5th2023();
  endpoint.app_metadata = "m";
  EXPECT_EQ(endpoint.ToString(),
            "<FlightEndpoint ticket=<Ticket ticket=b't'> locations=[<Location b'grpc://h:1'>] "
            "expiration_time=2023-04-05 12:34:56+00:00 app_metadata=b'm'>");
  endpoint.expiration_time = April5th2023() + 1ns;
  EXPECT_THAT(endpoint.ToString(),
              HasSubstr("expiration_time=2023-04-05 12:34:56.000000001+00:00"));
  endpoint.expiration_time = Timestamp(-500ms);
  EXPECT_THAT(endpoint.ToString(),
              HasSubstr("expiration_time=1969-12-31 23:59:59.500000000+00:00"));
  EXPECT_EQ(FlightEndpoint{}.ToString(),
            "<FlightEndpoint ticket=<Ticket ticket=b''> locations=[] expiration_time=None "
            "app_metadata=b''>");
}

TEST(ToStringTest, FlightInfoWithoutSchema) {
  FlightInfo info;
  info.descriptor = FlightDescriptor::Command("q");
  info.total_records = 1;
  info.total_bytes = 42;
  info.ordered = true;
  info.app_metadata = "meta";
  EXPECT_EQ(info.ToString(),
            "<FlightInfo schema=None descriptor=<FlightDescriptor cmd=b'q'> endpoints=[] "
            "total_records=1 total_bytes=42 ordered=True app_metadata=b'meta'>");
}

TEST(ToStringTest, ActionMessages) {
  EXPECT_EQ(CancelFlightInfoResult{CancelStatus::NOT_CANCELLABLE}.ToString(),
            "<CancelFlightInfoResult status=NOT_CANCELLABLE>");
  EXPECT_EQ(CloseSessionResult{CloseSessionStatus::CLOSING}.ToString(),
            "<CloseSessionResult status=CLOSING>");
  EXPECT_EQ(RenewFlightEndpointRequest{}.ToString(),
            "<RenewFlightEndpointRequest endpoint=" + FlightEndpoint{}.ToString() + ">");
  PollInfo poll;
  poll.progress = 1.0;
  EXPECT_EQ(poll.ToString(),
            "<PollInfo info=None descriptor=None progress=1.0 expiration_time=None>");
  SetSessionOptionsRequest request;
  request.session_options = {{"a", std::string("x")},      {"b", true},
                             {"c", int64_t{3}},            {"d", 0.5},
                             {"e", std::vector<std::string>{"p", "q"}}, {"f", std::monostate()}};
  EXPECT_EQ(request.ToString(),
            "<SetSessionOptionsRequest session_options={'a': 'x', 'b': True, 'c': 3, 'd': 0.5, "
            "'e': ['p', 'q'], 'f': None}>");
  SetSessionOptionsResult result;
  result.errors = {{"a", SetSessionOptionErrorValue::INVALID_VALUE}};
  EXPECT_EQ(result.ToString(), "<SetSessionOptionsResult errors={'a': INVALID_VALUE}>");
  EXPECT_EQ(GetSessionOptionsRequest{}.ToString(), "<GetSessionOptionsRequest>");
  EXPECT_EQ(CloseSessionRequest{}.ToString(), "<CloseSessionRequest>");
}

TEST(ActionNamesTest, WellKnownActions) {
  EXPECT_EQ(kActionCancelFlightInfo, "CancelFlightInfo");
  EXPECT_EQ(kActionRenewFlightEndpoint, "RenewFlightEndpoint");
  EXPECT_EQ(kActionSetSessionOptions, "SetSessionOptions");
  EXPECT_EQ(kActionGetSessionOptions, "GetSessionOptions");
  EXPECT_EQ(kActionCloseSession, "CloseSession");
}

// --- Location -------------------------------------------------------------------------------

TEST(LocationTest, ParsesGrpcUris) {
  Location tcp = MustParse("grpc://localhost:1234");
  EXPECT_EQ(tcp.scheme(), "grpc");
  EXPECT_EQ(tcp.host(), "localhost");
  EXPECT_EQ(tcp.port(), 1234);
  EXPECT_EQ(tcp.path(), "");

  Location any_port = MustParse("grpc+tcp://127.0.0.1:0");
  EXPECT_EQ(any_port.scheme(), kSchemeGrpcTcp);
  EXPECT_EQ(any_port.host(), "127.0.0.1");
  EXPECT_EQ(any_port.port(), 0);

  Location tls = MustParse("grpc+tls://[::1]:8815");
  EXPECT_EQ(tls.scheme(), kSchemeGrpcTls);
  EXPECT_EQ(tls.host(), "::1");
  EXPECT_EQ(tls.port(), 8815);

  Location unix_socket = MustParse("grpc+unix:///tmp/flight.sock");
  EXPECT_EQ(unix_socket.scheme(), kSchemeGrpcUnix);
  EXPECT_EQ(unix_socket.host(), "");
  EXPECT_EQ(unix_socket.port(), -1);
  EXPECT_EQ(unix_socket.path(), "/tmp/flight.sock");
}

TEST(LocationTest, MissingPortIsMinusOne) {
  EXPECT_EQ(MustParse("grpc://localhost").port(), -1);
  EXPECT_EQ(MustParse("grpc://localhost:").port(), -1);
  EXPECT_EQ(MustParse("grpc://localhost:00080").port(), 80);
}

TEST(LocationTest, AcceptsAnyScheme) {
  Location s3 = MustParse("s3://bucket/key");
  EXPECT_EQ(s3.uri(), "s3://bucket/key");
  EXPECT_EQ(s3.scheme(), "s3");
  EXPECT_EQ(s3.host(), "bucket");
  EXPECT_EQ(s3.path(), "/key");
  Location https = MustParse("https://user:pw@example.com:443/data?format=arrow&x=%20#frag");
  EXPECT_EQ(https.host(), "example.com");
  EXPECT_EQ(https.port(), 443);
  EXPECT_EQ(https.path(), "/data");
  Location upper = MustParse("GRPC+TCP://Host:1");
  EXPECT_EQ(upper.scheme(), "grpc+tcp");
  EXPECT_EQ(upper.host(), "Host");
  EXPECT_EQ(upper.uri(), "GRPC+TCP://Host:1");
  // Without "//" the rest is a path; "localhost:1234" is scheme "localhost", as in Arrow.
  EXPECT_EQ(MustParse("mailto:a@b").path(), "a@b");
  EXPECT_EQ(MustParse("localhost:1234").scheme(), "localhost");
}

TEST(LocationTest, IpLiterals) {
  for (const char* uri : {"grpc://[::]:1", "grpc://[1:2:3:4:5:6:7:8]:1",
                          "grpc://[::ffff:1.2.3.4]:1", "grpc://[fe80::1:2]",
                          "grpc://[v1.fe:x]:1", "grpc://[1::]:1"}) {
    EXPECT_OK(Location::Parse(uri)) << uri;
  }
  for (const char* uri : {"grpc://[1:2:3:4:5:6:7:8:9]:1", "grpc://[::ffff:1.2.3.256]:1",
                          "grpc://[1::2::3]:1", "grpc://[xyz]:1", "grpc://[::1:80",
                          "grpc://[::1]x:80", "grpc://[12345::]:1", "grpc://[v.x]:1",
                          "grpc://[::01.2.3.4]:1"}) {
    EXPECT_THAT(Location::Parse(uri),
                StatusIs(StatusCode::Invalid, StartsWith("Cannot parse URI: '" + std::string(uri))))
        << uri;
  }
}

TEST(LocationTest, PercentEscapesAreDecoded) {
  EXPECT_EQ(MustParse("grpc+unix:///tmp/a%20b%2Fc").path(), "/tmp/a b/c");
  EXPECT_EQ(MustParse("grpc://my%2dhost:1").host(), "my-host");
}

TEST(LocationTest, ReuseConnection) {
  const Location reuse = Location::ReuseConnection();
  EXPECT_EQ(reuse.uri(), "arrow-flight-reuse-connection://?");
  EXPECT_EQ(reuse.scheme(), kSchemeReuseConnection);
  EXPECT_EQ(reuse, MustParse("arrow-flight-reuse-connection://?"));
  EXPECT_EQ(reuse.host(), MustParse("arrow-flight-reuse-connection://?").host());
  EXPECT_EQ(reuse.port(), -1);
}

TEST(LocationTest, MalformedUrisAreRefused) {
  EXPECT_THAT(Location::Parse("%"),
              StatusIs(StatusCode::Invalid,
                       "Cannot parse URI: '%': expected two hexadecimal digits after '%' at "
                       "position 0 but found the end of the path"));
  EXPECT_THAT(Location::Parse("grpc://host name:1"),
              StatusIs(StatusCode::Invalid,
                       "Cannot parse URI: 'grpc://host name:1': byte 0x20 is not allowed in a URI "
                       "host (position 11); percent-encode it"));
  EXPECT_THAT(Location::Parse("grpc://h:12ab"),
              StatusIs(StatusCode::Invalid,
                       "Cannot parse URI: 'grpc://h:12ab': 'a' is not allowed in a URI port "
                       "(position 11); expected digits"));
  EXPECT_THAT(Location::Parse("grpc://h:%31"),
              StatusIs(StatusCode::Invalid, HasSubstr("'%' is not allowed in a URI port")));
  EXPECT_THAT(Location::Parse("grpc://h/p%zz"),
              StatusIs(StatusCode::Invalid, HasSubstr("but found 'zz'")));
  EXPECT_THAT(Location::Parse("grpc://h/a b"),
              StatusIs(StatusCode::Invalid, HasSubstr("not allowed in a URI path")));
  EXPECT_THAT(Location::Parse("grpc://h?q=<x>"),
              StatusIs(StatusCode::Invalid, HasSubstr("'<' is not allowed in a URI query")));
  EXPECT_THAT(Location::Parse("grpc://h#a#b"),
              StatusIs(StatusCode::Invalid, HasSubstr("'#' is not allowed in a URI fragment")));
  EXPECT_THAT(Location::Parse("1abc:foo"),
              StatusIs(StatusCode::Invalid, HasSubstr("expected a scheme before ':'")));
  EXPECT_THAT(Location::Parse("grpc://a@b@c:1"),
              StatusIs(StatusCode::Invalid, HasSubstr("'@' is not allowed in a URI host")));
}

TEST(LocationTest, SchemeIsRequired) {
  EXPECT_THAT(Location::Parse(""), StatusIs(StatusCode::Invalid, "URI has empty scheme: ''"));
  EXPECT_THAT(Location::Parse("/tmp/flight.sock"),
              StatusIs(StatusCode::Invalid, "URI has empty scheme: '/tmp/flight.sock'"));
  EXPECT_THAT(Location::Parse("//host:1"),
              StatusIs(StatusCode::Invalid, "URI has empty scheme: '//host:1'"));
}

TEST(LocationTest, PortMustFitSixteenBits) {
  EXPECT_THAT(Location::Parse("grpc://h:65536"),
              StatusIs(StatusCode::Invalid,
                       "Invalid port number '65536' in URI 'grpc://h:65536': expected a number in "
                       "[0, 65535]"));
  EXPECT_THAT(Location::Parse("grpc://h:99999999999999999999999"),
              StatusIs(StatusCode::Invalid, StartsWith("Invalid port number")));
  EXPECT_EQ(MustParse("grpc://h:65535").port(), 65535);
}

TEST(LocationTest, Factories) {
  EXPECT_THAT(Location::ForGrpcTcp("localhost", 1234),
              IsOkAndHolds(MustParse("grpc+tcp://localhost:1234")));
  EXPECT_THAT(Location::ForGrpcTls("example.com", 443),
              IsOkAndHolds(MustParse("grpc+tls://example.com:443")));
  Result<Location> ipv6 = Location::ForGrpcTcp("::1", 80);
  ASSERT_OK(ipv6);
  EXPECT_EQ(ipv6->uri(), "grpc+tcp://[::1]:80");
  EXPECT_EQ(ipv6->host(), "::1");
  EXPECT_THAT(Location::ForGrpcTcp("[::1]", 80), IsOkAndHolds(MustParse("grpc+tcp://[::1]:80")));

  EXPECT_THAT(Location::ForGrpcUnix("/tmp/x.sock"),
              IsOkAndHolds(MustParse("grpc+unix:///tmp/x.sock")));
  Result<Location> spaced = Location::ForGrpcUnix("/tmp/my sock%");
  ASSERT_OK(spaced);
  EXPECT_EQ(spaced->uri(), "grpc+unix:///tmp/my%20sock%25");
  EXPECT_EQ(spaced->path(), "/tmp/my sock%");
  Result<Location> relative = Location::ForGrpcUnix("run/flight.sock");
  ASSERT_OK(relative);
  EXPECT_EQ(relative->uri(), "grpc+unix:run/flight.sock");
  EXPECT_EQ(relative->path(), "run/flight.sock");
}

TEST(LocationTest, FactoriesRefuseBadArguments) {
  EXPECT_THAT(Location::ForGrpcTcp("h", 65536),
              StatusIs(StatusCode::Invalid,
                       "expected a port in [0, 65535] for a grpc+tcp location but found 65536"));
  EXPECT_THAT(Location::ForGrpcTls("h", -1),
              StatusIs(StatusCode::Invalid, HasSubstr("grpc+tls location but found -1")));
  EXPECT_THAT(Location::ForGrpcTcp("", 1),
              StatusIs(StatusCode::Invalid,
                       "expected a host name for a grpc+tcp location but found an empty string"));
  EXPECT_THAT(Location::ForGrpcTcp("bad host", 1),
              StatusIs(StatusCode::Invalid, StartsWith("Cannot parse URI")));
  EXPECT_THAT(Location::ForGrpcUnix(""),
              StatusIs(StatusCode::Invalid,
                       "expected a socket path for a grpc+unix location but found an empty "
                       "string"));
}

// --- Schemas inside FlightInfo and SchemaResult -------------------------------------------

SchemaPtr TestSchema() { return schema({field("a", int64()), field("b", utf8(), false)}); }

TEST(SchemaBytesTest, FlightInfoMakeAndGetSchema) {
  Result<FlightInfo> info = FlightInfo::Make(*TestSchema(), FlightDescriptor::Path({"x"}),
                                             {FullEndpoint()}, 10, 100, true, "meta");
  ASSERT_OK(info);
  EXPECT_EQ(info->total_records, 10);
  EXPECT_EQ(info->total_bytes, 100);
  EXPECT_TRUE(info->ordered);
  EXPECT_EQ(info->app_metadata, "meta");
  // An encapsulated message: continuation marker first.
  EXPECT_THAT(info->serialized_schema, StartsWith(std::string("\xff\xff\xff\xff")));
  Result<SchemaPtr> decoded = info->GetSchema();
  ASSERT_OK(decoded);
  ASSERT_NE(*decoded, nullptr);
  EXPECT_TRUE((*decoded)->Equals(*TestSchema()));
  ExpectRoundTrip(*info);
  EXPECT_THAT(info->ToString(), StartsWith("<FlightInfo schema=" + TestSchema()->ToString() +
                                           " descriptor=<FlightDescriptor path=[b'x']>"));

  Result<FlightInfo> defaults = FlightInfo::Make(*TestSchema(), FlightDescriptor::Command("c"), {});
  ASSERT_OK(defaults);
  EXPECT_EQ(defaults->total_records, -1);
  EXPECT_EQ(defaults->total_bytes, -1);
  EXPECT_FALSE(defaults->ordered);
}

TEST(SchemaBytesTest, SchemaResult) {
  Result<SchemaResult> result = SchemaResult::Make(*TestSchema());
  ASSERT_OK(result);
  Result<SchemaPtr> decoded = result->GetSchema();
  ASSERT_OK(decoded);
  ASSERT_NE(*decoded, nullptr);
  EXPECT_TRUE((*decoded)->Equals(*TestSchema()));
  ExpectRoundTrip(*result);
  EXPECT_EQ(result->ToString(), "<SchemaResult schema=(" + TestSchema()->ToString() + ")>");
}

TEST(SchemaBytesTest, EmptyBytesMeanNoSchema) {
  EXPECT_THAT(FlightInfo{}.GetSchema(), IsOkAndHolds(nullptr));
  EXPECT_THAT(SchemaResult{}.GetSchema(), IsOkAndHolds(nullptr));
}

TEST(SchemaBytesTest, GarbageSchemaBytesAreAnError) {
  FlightInfo info;
  info.descriptor = FlightDescriptor::Command("q");
  info.serialized_schema = "definitely not IPC";
  Result<SchemaPtr> from_info = info.GetSchema();
  ASSERT_FALSE(from_info.ok());
  EXPECT_THAT(from_info.status().message(),
              StartsWith("while decoding the schema of a FlightInfo: "));
  EXPECT_THAT(info.ToString(), StartsWith("<FlightInfo schema=<undecodable schema: "));
  Result<SchemaPtr> from_result = SchemaResult{"\xff\xff\xff\xff"}.GetSchema();
  ASSERT_FALSE(from_result.ok());
  EXPECT_THAT(from_result.status().message(),
              StartsWith("while decoding the schema of a SchemaResult: "));
}

}  // namespace
}  // namespace quiver::flight
