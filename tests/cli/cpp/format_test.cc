// Text output of the quiver command: cells, JSON values, tables, CSV and JSON Lines,
// the progress line, error classes, and the shared client helpers.
#include "common/format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <string>

#include "common/client.h"
#include "common/errors.h"
#include "common/progress.h"
#include "quiver/builder.h"
#include "quiver/flight/status.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/testing/matchers.h"
#include "quiver/type.h"
#include "store/fs.h"

namespace quiver::cli {
namespace {

using ::testing::HasSubstr;
using testing::ArrayFromJSONOrDie;

std::string Json(const ArrayPtr& array, int64_t i) {
  std::string out;
  AppendJsonValue(*array, i, &out);
  return out;
}

TEST(FormatCellTest, Scalars) {
  auto ints = ArrayFromJSONOrDie(int64(), "[1, null, -7]");
  EXPECT_EQ(FormatCell(*ints, 0, "null"), "1");
  EXPECT_EQ(FormatCell(*ints, 1, "null"), "null");
  EXPECT_EQ(FormatCell(*ints, 1, ""), "");
  EXPECT_EQ(FormatCell(*ints, 2, ""), "-7");
  auto doubles = ArrayFromJSONOrDie(float64(), "[0.1, 1e+20, 2.5]");
  EXPECT_EQ(FormatCell(*doubles, 0, ""), "0.1");
  EXPECT_EQ(FormatCell(*doubles, 1, ""), "1e+20");
  auto bools = ArrayFromJSONOrDie(boolean(), "[true, false]");
  EXPECT_EQ(FormatCell(*bools, 1, ""), "false");
  auto strings = ArrayFromJSONOrDie(utf8(), R"(["plain", "with \"quotes\""])");
  EXPECT_EQ(FormatCell(*strings, 1, ""), "with \"quotes\"");
  auto binary = ArrayFromJSONOrDie(::quiver::binary(), R"(["AB"])");
  EXPECT_EQ(FormatCell(*binary, 0, ""), "4142");
  auto dates = ArrayFromJSONOrDie(date32(), "[19723]");
  EXPECT_EQ(FormatCell(*dates, 0, ""), "2024-01-01");
  auto times = ArrayFromJSONOrDie(timestamp(TimeUnit::SECOND), "[1704067200]");
  EXPECT_EQ(FormatCell(*times, 0, ""), "2024-01-01 00:00:00");
  auto decimals = ArrayFromJSONOrDie(decimal128(5, 2), R"(["123.40"])");
  EXPECT_EQ(FormatCell(*decimals, 0, ""), "123.40");
}

TEST(FormatCellTest, NestedValuesAreJson) {
  auto lists = ArrayFromJSONOrDie(list(int32()), "[[1, null, 3], []]");
  EXPECT_EQ(FormatCell(*lists, 0, ""), "[1,null,3]");
  EXPECT_EQ(FormatCell(*lists, 1, ""), "[]");
  auto structs = ArrayFromJSONOrDie(struct_({field("a", int8()), field("b", utf8())}),
                                    R"([{"a": 1, "b": "x"}])");
  EXPECT_EQ(FormatCell(*structs, 0, ""), R"({"a":1,"b":"x"})");
  auto dict = testing::DictArrayFromJSON(dictionary(int8(), utf8()), "[1, 0, 1]", R"(["lo", "hi"])")
                  .ValueOrDie();
  EXPECT_EQ(FormatCell(*dict, 0, ""), "hi");
  EXPECT_EQ(Json(dict, 1), "\"lo\"");
}

TEST(JsonValueTest, EscapesAndNonFiniteNumbers) {
  auto strings = ArrayFromJSONOrDie(utf8(), R"(["a\"b\\c\nd\u0001"])");
  EXPECT_EQ(Json(strings, 0), R"("a\"b\\c\nd\u0001")");
  DoubleBuilder builder;
  ASSERT_OK(builder.Append(std::numeric_limits<double>::quiet_NaN()));
  ASSERT_OK(builder.Append(std::numeric_limits<double>::infinity()));
  ASSERT_OK(builder.Append(-0.5));
  ASSERT_OK_AND_ASSIGN(auto doubles, builder.Finish());
  EXPECT_EQ(Json(doubles, 0), "null");
  EXPECT_EQ(Json(doubles, 1), "null");
  EXPECT_EQ(Json(doubles, 2), "-0.5");
  auto maps = ArrayFromJSONOrDie(map(utf8(), int32()), R"([[["k", 1], ["j", null]]])");
  EXPECT_EQ(Json(maps, 0), R"({"k":1,"j":null})");
}

TEST(RenderTableTest, AlignsAndClips) {
  std::string table = RenderTable({"id", "name"}, {{"1", "ada"}, {"22", "a very long name indeed"}}, 10);
  EXPECT_EQ(table,
            "id  name\n"
            "--  ----------\n"
            "1   ada\n"
            "22  a very lo…\n");
  // Widths count characters, not bytes.
  EXPECT_EQ(RenderTable({"é"}, {{"ab"}}), "é\n--\nab\n");
  EXPECT_EQ(RenderTable({"a"}, {{"x\ny"}}), "a\n---\nx y\n");
}

TEST(SinkTest, CsvAndJsonLinesText) {
  auto schema = quiver::schema({field("n", int32()), field("s", utf8())});
  auto batch = RecordBatch::Make(schema, 3,
                                 {ArrayFromJSONOrDie(int32(), "[1, null, 3]"),
                                  ArrayFromJSONOrDie(utf8(), R"(["a,b", "say \"hi\"", "two\nlines"])")});
  // mkstemp replaces the template's six trailing X characters.
  std::string pattern = "/tmp/quiver-sink-" + std::string(6, 'X');
  const int fd = ::mkstemp(pattern.data());
  ASSERT_GE(fd, 0);
  ::close(fd);
  for (const std::string format : {"csv", "json"}) {
    auto file = io::FileOutputStream::Open(pattern).ValueOrDie();
    auto sink = MakeSink(format, file).ValueOrDie();
    ASSERT_OK(sink->Begin(schema));
    ASSERT_OK(sink->Write(*batch));
    ASSERT_OK(sink->Finish());
    std::string text = store::ReadSmallFile(pattern, 1 << 20).ValueOrDie();
    if (format == "csv") {
      EXPECT_EQ(text, "n,s\n1,\"a,b\"\n,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n");
    } else {
      EXPECT_EQ(text,
                "{\"n\":1,\"s\":\"a,b\"}\n"
                "{\"n\":null,\"s\":\"say \\\"hi\\\"\"}\n"
                "{\"n\":3,\"s\":\"two\\nlines\"}\n");
    }
  }
  ::unlink(pattern.c_str());
  EXPECT_THAT(MakeSink("xml", nullptr), StatusIs(StatusCode::Invalid, HasSubstr("expected arrow, arrows, csv or json")));
}

TEST(ProgressTest, RendersBarCountsAndEta) {
  Progress progress("get t", /*total_bytes=*/2048, /*total_rows=*/100, /*enabled=*/false);
  progress.Add(1024, 50);
  const std::string line = progress.Render(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  EXPECT_THAT(line, HasSubstr("get t [##########..........]  50%"));
  EXPECT_THAT(line, HasSubstr("1.0 KiB / 2.0 KiB"));
  EXPECT_THAT(line, HasSubstr("50 / 100 rows"));
  EXPECT_THAT(line, HasSubstr("B/s  ETA 0:"));

  Progress unknown("put t", -1, -1, false);
  unknown.Add(10, 3);
  const std::string counts = unknown.Render(std::chrono::steady_clock::now() + std::chrono::seconds(1));
  EXPECT_THAT(counts, ::testing::StartsWith("put t  10 B  3 rows  "));
  EXPECT_THAT(counts, ::testing::Not(HasSubstr("ETA")));
  EXPECT_THAT(counts, ::testing::Not(HasSubstr("[")));
}

TEST(ProgressTest, HumanBytes) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(5.0 * 1024 * 1024 * 1024), "5.0 GiB");
}

TEST(ErrorsTest, ClassNamesFollowPyarrow) {
  EXPECT_EQ(ErrorClassName(Status::Invalid("x")), "ArrowInvalid");
  EXPECT_EQ(ErrorClassName(Status::KeyError("x")), "ArrowKeyError");
  EXPECT_EQ(ErrorClassName(Status::IOError("x")), "ArrowIOError");
  EXPECT_EQ(ErrorClassName(Status::NotImplemented("x")), "ArrowNotImplementedError");
  EXPECT_EQ(ErrorClassName(Status::AlreadyExists("x")), "ArrowException");
  EXPECT_EQ(ErrorClassName(flight::MakeFlightError(flight::FlightStatusCode::Unavailable, "x")),
            "FlightUnavailableError");
  EXPECT_EQ(ErrorClassName(flight::MakeFlightError(flight::FlightStatusCode::Failed, "x")),
            "FlightServerError");
  EXPECT_EQ(ErrorClassName(flight::MakeFlightError(flight::FlightStatusCode::Unauthenticated, "x")),
            "FlightUnauthenticatedError");
  EXPECT_EQ(ErrorClassName(flight::MakeFlightWriteSizeExceeded(10, 20)), "FlightWriteSizeExceededError");
  EXPECT_TRUE(IsUsageError(UsageError("bad")));
  EXPECT_FALSE(IsUsageError(Status::Invalid("bad")));
}

TEST(ClientTest, Base64MatchesRfc4648) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("ada:lovelace"), "YWRhOmxvdmVsYWNl");
}

TEST(ClientTest, Descriptors) {
  EXPECT_EQ(MakeDescriptor("sales/2024", false), flight::FlightDescriptor::Path({"sales", "2024"}));
  EXPECT_EQ(MakeDescriptor("a//b/", false), flight::FlightDescriptor::Path({"a", "b"}));
  EXPECT_EQ(MakeDescriptor("/etc/x", false), flight::FlightDescriptor::Path({"/etc", "x"}));
  EXPECT_EQ(MakeDescriptor("SELECT 1", true), flight::FlightDescriptor::Command("SELECT 1"));
  EXPECT_EQ(DescriptorText(flight::FlightDescriptor::Path({"a", "b"})), "a/b");
  EXPECT_EQ(DescriptorText(flight::FlightDescriptor::Command("cmd")), "cmd");
}

TEST(ClientTest, LocationComesFromArgumentsOrTheEnvironment) {
  ::unsetenv("QUIVER_LOCATION");
  ClientFlags flags;
  flags.args = {"grpc://h:1", "path"};
  ASSERT_OK_AND_ASSIGN(auto split, SplitLocation(flags, 1, 1, "u"));
  EXPECT_EQ(split.first, "grpc://h:1");
  EXPECT_EQ(split.second, std::vector<std::string>{"path"});

  flags.args = {"path"};
  auto missing = SplitLocation(flags, 1, 1, "u");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(IsUsageError(missing.status()));
  EXPECT_THAT(missing.status().message(), HasSubstr("set QUIVER_LOCATION"));

  ::setenv("QUIVER_LOCATION", "grpc://env:2", 1);
  ASSERT_OK_AND_ASSIGN(split, SplitLocation(flags, 1, 1, "u"));
  EXPECT_EQ(split.first, "grpc://env:2");
  flags.args = {"a", "b", "c"};
  auto too_many = SplitLocation(flags, 1, 2, "u");
  EXPECT_THAT(too_many.status().message(), HasSubstr("expected 1 to 2 argument(s) after LOCATION but found 3"));
  ::unsetenv("QUIVER_LOCATION");
}

}  // namespace
}  // namespace quiver::cli
