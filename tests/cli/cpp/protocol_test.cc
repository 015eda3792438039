// What quiver serve accepts in tickets, descriptors and headers: decoded as untrusted input.
#include "server/protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quiver/testing/matchers.h"

namespace quiver::cli::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TicketTest, RoundTrips) {
  auto path = store::DatasetPath::Parse("sales/2024").ValueOrDie();
  const std::string ticket = EncodeTicket(path, "part-00000001-ab.arrow");
  ASSERT_OK_AND_ASSIGN(TicketTarget target, DecodeTicket(ticket));
  EXPECT_EQ(target.path, path);
  EXPECT_EQ(target.file, "part-00000001-ab.arrow");
}

TEST(TicketTest, WholeDatasetAndListPaths) {
  ASSERT_OK_AND_ASSIGN(TicketTarget target, DecodeTicket(R"({"path": ["a", "b"]})"));
  EXPECT_THAT(target.path.components(), ElementsAre("a", "b"));
  EXPECT_FALSE(target.file.has_value());
}

TEST(TicketTest, RefusesMalformedTickets) {
  EXPECT_THAT(DecodeTicket("garbage"),
              StatusIs(StatusCode::Invalid, HasSubstr("expected a JSON object such as")));
  EXPECT_THAT(DecodeTicket(std::string("\x01\xff", 2)), StatusIs(StatusCode::Invalid, HasSubstr("'\\x01\\xFF'")));
  EXPECT_THAT(DecodeTicket("[1, 2]"), StatusIs(StatusCode::Invalid, HasSubstr("malformed ticket")));
  EXPECT_THAT(DecodeTicket(R"({"file": "x.arrow"})"), StatusIs(StatusCode::Invalid, HasSubstr("has no \"path\"")));
  EXPECT_THAT(DecodeTicket(R"({"path": ""})"), StatusIs(StatusCode::Invalid, HasSubstr("is empty")));
  EXPECT_THAT(DecodeTicket(R"({"path": [1]})"), StatusIs(StatusCode::Invalid, HasSubstr("must hold strings")));
  EXPECT_THAT(DecodeTicket(R"({"path": {}})"), StatusIs(StatusCode::Invalid, HasSubstr("must be a string or a list")));
  EXPECT_THAT(DecodeTicket(R"({"path": "a", "file": 1})"),
              StatusIs(StatusCode::Invalid, HasSubstr("\"file\" must be a string")));
  EXPECT_THAT(DecodeTicket(R"({"path": "../x"})"), StatusIs(StatusCode::Invalid, HasSubstr("'..'")));
  EXPECT_THAT(DecodeTicket(std::string(9000, '{')), StatusIs(StatusCode::Invalid, HasSubstr("9000 bytes")));
}

TEST(DescriptorTest, PathsAndCommands) {
  ASSERT_OK_AND_ASSIGN(auto path, DescriptorPath(flight::FlightDescriptor::Path({"a/b", "c"})));
  EXPECT_EQ(path.ToString(), "a/b/c");
  ASSERT_OK_AND_ASSIGN(auto from_cmd, DescriptorPath(flight::FlightDescriptor::Command(R"({"path": "x/y"})")));
  EXPECT_EQ(from_cmd.ToString(), "x/y");
  EXPECT_THAT(DescriptorPath(flight::FlightDescriptor::Command("SELECT 1")),
              StatusIs(StatusCode::Invalid, HasSubstr("unknown descriptor command")));
  EXPECT_THAT(DescriptorPath(flight::FlightDescriptor()), StatusIs(StatusCode::Invalid, HasSubstr("PATH or a CMD")));
  EXPECT_THAT(DescriptorPath(flight::FlightDescriptor::Path({"/etc"})),
              StatusIs(StatusCode::Invalid, HasSubstr("is absolute")));
}

TEST(PutTargetTest, ModeFromCommandThenHeader) {
  flight::CallHeaders none;
  flight::CallHeaders replace{{"quiver-put-mode", "replace"}};
  ASSERT_OK_AND_ASSIGN(auto plain, DecodePutTarget(flight::FlightDescriptor::Path({"t"}), none));
  EXPECT_FALSE(plain.mode.has_value());
  ASSERT_OK_AND_ASSIGN(auto headed, DecodePutTarget(flight::FlightDescriptor::Path({"t"}), replace));
  EXPECT_EQ(headed.mode, store::PutMode::kReplace);
  auto append = flight::FlightDescriptor::Command(R"({"path": "t", "mode": "append"})");
  ASSERT_OK_AND_ASSIGN(auto commanded, DecodePutTarget(append, replace));
  EXPECT_EQ(commanded.mode, store::PutMode::kAppend);
  EXPECT_EQ(commanded.path.ToString(), "t");
}

TEST(PutTargetTest, Refusals) {
  flight::CallHeaders none;
  EXPECT_THAT(DecodePutTarget(flight::FlightDescriptor::Path({}), none),
              StatusIs(StatusCode::Invalid, HasSubstr("needs a dataset path")));
  EXPECT_THAT(DecodePutTarget(flight::FlightDescriptor::Command(R"({"path": "t", "mode": "upsert"})"), none),
              StatusIs(StatusCode::Invalid, HasSubstr("unknown put mode 'upsert'")));
  EXPECT_THAT(DecodePutTarget(flight::FlightDescriptor::Command(R"({"path": "t", "mode": 3})"), none),
              StatusIs(StatusCode::Invalid, HasSubstr("\"mode\" must be a string")));
  flight::CallHeaders bad{{"quiver-put-mode", "merge"}};
  EXPECT_THAT(DecodePutTarget(flight::FlightDescriptor::Path({"t"}), bad),
              StatusIs(StatusCode::Invalid, HasSubstr("expected create, replace or append")));
}

TEST(ExcerptTest, EscapesAndCuts) {
  EXPECT_EQ(Excerpt("plain"), "plain");
  EXPECT_EQ(Excerpt(std::string("a\0\n\\", 4)), "a\\x00\\x0A\\x5C");
  EXPECT_EQ(Excerpt(std::string(100, 'z')), std::string(64, 'z') + "...");
}

}  // namespace
}  // namespace quiver::cli::server
