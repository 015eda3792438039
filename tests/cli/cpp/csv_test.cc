// The CSV reader of `quiver put` and `quiver serve`: records and quoting, type
// inference, conversion into a given schema, errors with line numbers, and reading
// back what `quiver get --format csv` writes.
#include "common/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <string>

#include "common/format.h"
#include "quiver/builder.h"
#include "quiver/io.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/testing/matchers.h"
#include "quiver/type.h"

namespace quiver::cli {
namespace {

using ::testing::HasSubstr;
using testing::ArrayFromJSONOrDie;

Result<std::shared_ptr<CsvFile>> Open(std::string text, CsvReadOptions options = {}) {
  if (options.source == CsvReadOptions().source) options.source = "t.csv";
  return CsvFile::Open(Buffer::FromString(std::move(text)), std::move(options));
}

// Every batch of the file's reader.
Result<RecordBatchVector> ReadBatches(const CsvFile& file) { return file.MakeReader()->ReadAll(); }

// The one column `c` of a file read in one batch.
ArrayPtr Column(const std::string& text, int c = 0) {
  auto file = Open(text);
  EXPECT_OK(file.status());
  if (!file.ok()) return nullptr;
  auto batches = ReadBatches(**file);
  EXPECT_OK(batches.status());
  if (!batches.ok() || batches->size() != 1) return nullptr;
  return (*batches)[0]->column(c);
}

TypePtr TypeOf(const std::string& text, int c = 0) {
  auto file = Open(text);
  EXPECT_OK(file.status());
  return file.ok() ? (*file)->schema()->field(c)->type() : nullptr;
}

void ExpectColumn(const std::string& text, const TypePtr& type, const std::string& json, int c = 0) {
  SCOPED_TRACE(text);
  ASSERT_TRUE(TypeOf(text, c)->Equals(*type)) << TypeOf(text, c)->ToString();
  auto column = Column(text, c);
  ASSERT_NE(column, nullptr);
  auto expected = ArrayFromJSONOrDie(type, json);
  EXPECT_TRUE(column->Equals(*expected)) << column->ToString() << " vs " << expected->ToString();
}

TEST(CsvTest, InfersEachType) {
  ExpectColumn("n\n1\n-2\n+3\n\n", int64(), "[1, -2, 3]");
  ExpectColumn("f\n1\n2.5\n-1e3\n", float64(), "[1, 2.5, -1000]");
  ExpectColumn("b\ntrue\nFalse\nTRUE\n", boolean(), "[true, false, true]");
  ExpectColumn("s\nabc\n12\n", utf8(), R"(["abc", "12"])");
  ExpectColumn("d\n2024-01-31\n2024-02-29\n", date32(), "[19753, 19782]");
  ExpectColumn("t\n2024-01-31 12:00:00\n2024-01-31T12:00:01\n", timestamp(TimeUnit::SECOND),
               "[1706702400, 1706702401]");
  ExpectColumn("t\n2024-01-31 12:00:00.5\n", timestamp(TimeUnit::MILLI), "[1706702400500]");
  ExpectColumn("t\n2024-01-31 12:00:00.000001\n", timestamp(TimeUnit::MICRO), "[1706702400000001]");
  ExpectColumn("t\n1970-01-01 00:00:00.000000001\n", timestamp(TimeUnit::NANO), "[1]");
  // Offsets are converted to UTC; a plain date among timestamps is midnight.
  ExpectColumn("t\n2024-01-31 14:00:00+02:00\n2024-01-31T12:00:00Z\n", timestamp(TimeUnit::SECOND, "UTC"),
               "[1706702400, 1706702400]");
  ExpectColumn("t\n2024-01-31\n2024-01-31 00:00:01\n", timestamp(TimeUnit::SECOND), "[1706659200, 1706659201]");
  // Before the epoch.
  ExpectColumn("t\n1969-12-31 23:59:59\n", timestamp(TimeUnit::SECOND), "[-1]");
}

TEST(CsvTest, FallsBackToTextWhenAValueDoesNotFit) {
  // One value that is not a number makes the column text.
  ExpectColumn("x\n1\n2\nthree\n", utf8(), R"(["1", "2", "three"])");
  // An integer past int64 would lose digits as a double: text.
  ExpectColumn("id\n1\n123456789012345678901234\n", utf8(), R"(["1", "123456789012345678901234"])");
  // Zoned and unzoned timestamps together; an impossible date.
  ExpectColumn("t\n2024-01-01 00:00:00Z\n2024-01-01 00:00:00\n", utf8(),
               R"(["2024-01-01 00:00:00Z", "2024-01-01 00:00:00"])");
  ExpectColumn("d\n2023-02-29\n", utf8(), R"(["2023-02-29"])");
  EXPECT_TRUE(TypeOf("d\n2024-13-01\n")->Equals(*utf8()));
  EXPECT_TRUE(TypeOf("t\n2024-01-01 24:00:00\n")->Equals(*utf8()));
  // Bytes that are not UTF-8: binary.
  EXPECT_TRUE(TypeOf("b\nok\n\xff\xfe\n")->Equals(*binary()));
  auto bytes = Column("b\nok\n\xff\xfe\n");
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(static_cast<const BinaryArray&>(*bytes).GetView(1), "\xff\xfe");
}

TEST(CsvTest, NullsAndEmptyStrings) {
  // An empty unquoted field is null; "" is the empty string (and makes the column text).
  ExpectColumn("a,b\n1,x\n,\n3,\"\"\n", int64(), "[1, null, 3]", 0);
  ExpectColumn("a,b\n1,x\n,\n3,\"\"\n", utf8(), R"(["x", null, ""])", 1);
  // No value at all: the null type.
  auto file = Open("a,b\n,1\n,2\n").ValueOrDie();
  EXPECT_TRUE(file->schema()->field(0)->type()->Equals(*null()));
  auto batches = ReadBatches(*file).ValueOrDie();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->column(0)->null_count(), 2);
  // A header with no rows: columns of type null, no batches.
  file = Open("a,b\n").ValueOrDie();
  EXPECT_EQ(file->num_rows(), 0);
  EXPECT_EQ(file->num_batches(), 0);
  EXPECT_EQ(ReadBatches(*file).ValueOrDie().size(), 0u);
  EXPECT_EQ(file->schema()->ToString(), quiver::schema({field("a", null()), field("b", null())})->ToString());
}

TEST(CsvTest, QuotingLineBreaksAndDelimiters) {
  const std::string text =
      "\xEF\xBB\xBF"  // a byte order mark
      "name,\"note, with comma\"\r\n"
      "a,\"two\nlines\"\r\n"
      "\r\n"  // a blank line
      "\"b \"\"quoted\"\"\",plain\r"
      "c,5'10\"\n";
  auto file = Open(text).ValueOrDie();
  EXPECT_EQ(file->schema()->field(0)->name(), "name");
  EXPECT_EQ(file->schema()->field(1)->name(), "note, with comma");
  EXPECT_EQ(file->num_rows(), 3);
  auto batch = ReadBatches(*file).ValueOrDie().at(0);
  EXPECT_TRUE(batch->column(0)->Equals(*ArrayFromJSONOrDie(utf8(), R"(["a", "b \"quoted\"", "c"])")));
  EXPECT_TRUE(batch->column(1)->Equals(*ArrayFromJSONOrDie(utf8(), R"(["two\nlines", "plain", "5'10\""])")));

  CsvReadOptions tabs;
  tabs.delimiter = '\t';
  auto tsv = Open("a\tb\n1,5\t\"x\ty\"\n", tabs).ValueOrDie();
  auto row = ReadBatches(*tsv).ValueOrDie().at(0);
  EXPECT_TRUE(row->column(0)->Equals(*ArrayFromJSONOrDie(utf8(), R"(["1,5"])")));
  EXPECT_TRUE(row->column(1)->Equals(*ArrayFromJSONOrDie(utf8(), R"(["x\ty"])")));
  // No line break at the end; a trailing delimiter makes one more (null) field.
  ExpectColumn("a,b\n1,", null(), "[null]", 1);
}

TEST(CsvTest, MalformedInputIsRefusedWithItsLine) {
  EXPECT_THAT(Open(""), StatusIs(StatusCode::Invalid, HasSubstr("'t.csv' is empty: a CSV file needs a header")));
  EXPECT_THAT(Open("\n\r\n"), StatusIs(StatusCode::Invalid, HasSubstr("is empty")));
  // Line numbers count the line breaks inside quoted fields too.
  EXPECT_THAT(Open("a,b\n1,\"x\ny\"\n3\n"),
              StatusIs(StatusCode::Invalid, HasSubstr("'t.csv' line 4: 1 field, but the header has 2")));
  EXPECT_THAT(Open("a,b\n1,2,3\n"), StatusIs(StatusCode::Invalid, HasSubstr("line 2: 3 fields, but the header has 2")));
  EXPECT_THAT(Open("a,b\n1,2\n3,\"never closed\n4,5\n"),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("line 3, field 2: a quoted field starts here but its closing quote never comes")));
  EXPECT_THAT(Open("a,b\n1,\"x\"y\n"),
              StatusIs(StatusCode::Invalid, HasSubstr("line 2, field 2: unexpected 'y' after the closing quote")));
  EXPECT_THAT(Open("\xff\n1\n"), StatusIs(StatusCode::Invalid, HasSubstr("column name 1 is not valid UTF-8")));
  CsvReadOptions bad;
  bad.delimiter = '"';
  EXPECT_THAT(Open("a\n", bad), StatusIs(StatusCode::Invalid, HasSubstr("cannot be a quote")));
  bad = CsvReadOptions();
  bad.batch_rows = 0;
  EXPECT_THAT(Open("a\n", bad), StatusIs(StatusCode::Invalid, HasSubstr("at least one row")));
}

TEST(CsvTest, BatchesOfAFewRows) {
  CsvReadOptions options;
  options.batch_rows = 2;
  auto file = Open("x\n1\n2\n3\n4\n5\n", options).ValueOrDie();
  EXPECT_EQ(file->num_rows(), 5);
  EXPECT_EQ(file->num_batches(), 3);
  auto batches = ReadBatches(*file).ValueOrDie();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0]->num_rows(), 2);
  EXPECT_EQ(batches[2]->num_rows(), 1);
  EXPECT_TRUE(batches[2]->column(0)->Equals(*ArrayFromJSONOrDie(int64(), "[5]")));
  // Each reader starts over.
  EXPECT_EQ(ReadBatches(*file).ValueOrDie().size(), 3u);
  // A byte budget ends batches too, at the same places in both passes.
  options.batch_rows = 1000;
  options.batch_bytes = 5;
  file = Open("x\n100\n200\n300\n", options).ValueOrDie();
  EXPECT_EQ(file->num_batches(), 2);
  EXPECT_EQ(ReadBatches(*file).ValueOrDie().size(), 2u);
}

TEST(CsvTest, ReadsIntoAGivenSchema) {
  CsvReadOptions options;
  options.schema = quiver::schema({field("id", int32(), /*nullable=*/false), field("score", float32()),
                                   field("at", timestamp(TimeUnit::MILLI, "UTC")), field("raw", large_binary()),
                                   field("small", uint8())});
  auto file = Open("id,score,at,raw,small\n7,1.5,2024-01-31 12:00:00.250Z,abc,255\n8,,2024-01-31 12:00:00,\"\",\n",
                   options)
                  .ValueOrDie();
  EXPECT_EQ(file->num_rows(), 2);
  auto batch = ReadBatches(*file).ValueOrDie().at(0);
  EXPECT_TRUE(batch->schema()->Equals(*options.schema));
  EXPECT_TRUE(batch->column(0)->Equals(*ArrayFromJSONOrDie(int32(), "[7, 8]")));
  EXPECT_TRUE(batch->column(1)->Equals(*ArrayFromJSONOrDie(float32(), "[1.5, null]")));
  EXPECT_TRUE(batch->column(2)->Equals(
      *ArrayFromJSONOrDie(timestamp(TimeUnit::MILLI, "UTC"), "[1706702400250, 1706702400000]")));
  EXPECT_TRUE(batch->column(3)->Equals(*ArrayFromJSONOrDie(large_binary(), R"(["abc", ""])")));
  EXPECT_TRUE(batch->column(4)->Equals(*ArrayFromJSONOrDie(uint8(), "[255, null]")));

  // Values that do not fit are refused with their line and column, while reading.
  auto refused = [&](const std::string& text) { return ReadBatches(*Open(text, options).ValueOrDie()).status(); };
  EXPECT_THAT(refused("id,score,at,raw,small\n1,2,2024-01-01,x,1\n99999999999,2,2024-01-01,x,1\n"),
              StatusIs(StatusCode::Invalid, HasSubstr("'t.csv' line 3, column 'id': '99999999999' is out of the range of int32")));
  EXPECT_THAT(refused("id,score,at,raw,small\n1,2,2024-01-01,x,256\n"),
              StatusIs(StatusCode::Invalid, HasSubstr("column 'small': '256' is out of the range of uint8")));
  EXPECT_THAT(refused("id,score,at,raw,small\n1,two,2024-01-01,x,1\n"),
              StatusIs(StatusCode::Invalid, HasSubstr("line 2, column 'score': cannot read 'two' as float")));
  EXPECT_THAT(refused("id,score,at,raw,small\n,2,2024-01-01,x,1\n"),
              StatusIs(StatusCode::Invalid, HasSubstr("column 'id': is empty (null), but the column does not allow nulls")));
  EXPECT_THAT(refused("id,score,at,raw,small\n1,2,2024-01-01 00:00:00.0001,x,1\n"),
              StatusIs(StatusCode::Invalid, HasSubstr("has more digits of a second than timestamp[ms, tz=UTC] holds")));

  // A header naming other columns, and types CSV cannot hold.
  EXPECT_THAT(Open("id,score\n1,2\n", options),
              StatusIs(StatusCode::Invalid, HasSubstr("the header names the columns (id, score) but the schema has (id, "
                                                      "score, at, raw, small)")));
  CsvReadOptions listy;
  listy.schema = quiver::schema({field("l", list(int32()))});
  EXPECT_THAT(Open("l\n1\n", listy), StatusIs(StatusCode::NotImplemented, HasSubstr("column 'l' is of type list")));

  // Without the first pass: rows unknown, a ragged record found while reading.
  options.scan = false;
  file = Open("id,score,at,raw,small\n1,2,2024-01-01,x,1\n2\n", options).ValueOrDie();
  EXPECT_EQ(file->num_rows(), -1);
  EXPECT_THAT(ReadBatches(*file).status(), StatusIs(StatusCode::Invalid, HasSubstr("line 3: 1 field, but the header has 5")));
}

// Collects what is written.
class StringStream final : public io::OutputStream {
 public:
  Status Write(const void* data, int64_t nbytes) override {
    text.append(static_cast<const char*>(data), static_cast<size_t>(nbytes));
    return Status::OK();
  }
  using io::OutputStream::Write;
  Result<int64_t> Tell() const override { return static_cast<int64_t>(text.size()); }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  bool closed() const override { return closed_; }
  std::string text;

 private:
  bool closed_ = false;
};

// Writes `batch` with the CSV sink of `quiver get --format csv` and returns the text.
std::string WriteCsv(const RecordBatchPtr& batch) {
  auto out = std::make_shared<StringStream>();
  auto sink = MakeSink("csv", out).ValueOrDie();
  sink->Begin(batch->schema()).Abort();
  sink->Write(*batch).Abort();
  sink->Finish().Abort();
  return out->text;
}

TEST(CsvTest, ReadsBackWhatGetWrites) {
  DoubleBuilder doubles;
  doubles.Append(1.25).Abort();
  doubles.Append(std::numeric_limits<double>::quiet_NaN()).Abort();
  doubles.Append(-std::numeric_limits<double>::infinity()).Abort();
  doubles.AppendNull().Abort();
  auto schema = quiver::schema({field("i", int64()), field("d", float64()), field("s", utf8()),
                                field("b", boolean()), field("t", timestamp(TimeUnit::MILLI, "UTC")),
                                field("day", date32())});
  auto batch = RecordBatch::Make(
      schema, 4,
      {ArrayFromJSONOrDie(int64(), "[1, null, -3, 4]"), doubles.Finish().ValueOrDie(),
       ArrayFromJSONOrDie(utf8(), R"(["", null, "a,\"b\"", "two\nlines"])"),
       ArrayFromJSONOrDie(boolean(), "[true, false, null, true]"),
       ArrayFromJSONOrDie(timestamp(TimeUnit::MILLI, "UTC"), "[0, 1706702400250, null, -1]"),
       ArrayFromJSONOrDie(date32(), "[0, 19753, null, -1]")});
  const std::string text = WriteCsv(batch);
  auto file = Open(text).ValueOrDie();
  EXPECT_TRUE(file->schema()->Equals(*schema)) << file->schema()->ToString() << "\n" << text;
  auto read = ReadBatches(*file).ValueOrDie();
  ASSERT_EQ(read.size(), 1u);
  EqualOptions nan_equal;
  nan_equal.nans_equal = true;
  for (int c = 0; c < schema->num_fields(); ++c) {
    EXPECT_TRUE(read[0]->column(c)->Equals(*batch->column(c), nan_equal))
        << schema->field(c)->name() << ": " << read[0]->column(c)->ToString() << "\n" << text;
  }
}

TEST(CsvTest, FileNames) {
  EXPECT_TRUE(IsCsvFileName("a.csv"));
  EXPECT_TRUE(IsCsvFileName("A.CSV"));
  EXPECT_TRUE(IsCsvFileName("b.tsv"));
  EXPECT_FALSE(IsCsvFileName("c.arrow"));
  EXPECT_FALSE(IsCsvFileName("csv"));
  EXPECT_EQ(CsvDelimiterFor("b.tsv"), '\t');
  EXPECT_EQ(CsvDelimiterFor("a.csv"), ',');
}

TEST(CsvTest, OpensFilesByPath) {
  std::string pattern = "/tmp/quiver-csv-" + std::string(6, 'X');
  const int fd = ::mkstemp(pattern.data());
  ASSERT_GE(fd, 0);
  const std::string text = "a,b\n1,x\n";
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
  auto file = CsvFile::OpenPath(pattern).ValueOrDie();
  EXPECT_EQ(file->num_rows(), 1);
  EXPECT_EQ(file->schema()->ToString(), quiver::schema({field("a", int64()), field("b", utf8())})->ToString());
  ::unlink(pattern.c_str());
  EXPECT_THAT(CsvFile::OpenPath(pattern), StatusIs(StatusCode::IOError, HasSubstr(pattern)));
  // A failure names the path.
  ::close(::open(pattern.c_str(), O_CREAT | O_WRONLY, 0600));
  EXPECT_THAT(CsvFile::OpenPath(pattern), StatusIs(StatusCode::Invalid, HasSubstr("'" + pattern + "' is empty")));
  ::unlink(pattern.c_str());
}

}  // namespace
}  // namespace quiver::cli
