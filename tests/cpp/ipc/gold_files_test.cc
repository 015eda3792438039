// Every gold case of Apache Arrow's integration data (arrow-testing) read through
// Quiver's IPC stream reader and file reader, and compared with the expected
// content spelled out in its integration JSON.
//
// The cases cover Arrow releases from 0.14.1 (legacy framing, no continuation
// marker) to 21.0.0 (views, run-end encoded, small decimals), big-endian files
// (byte-swapped on read: IpcReadOptions::ensure_native_endian), LZ4/ZSTD bodies
// and dictionaries shared between fields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "quiver/io.h"
#include "quiver/ipc/reader.h"
#include "quiver/testing/integration_json.h"
#include "quiver/testing/matchers.h"

namespace quiver::testing {
void PrintTo(const GoldFile& gold, std::ostream* os) { *os << gold.version << "/" << gold.name; }
}  // namespace quiver::testing

namespace quiver::ipc {
namespace {

using testing::GoldFile;
using testing::IntegrationFile;

std::vector<GoldFile> AllGoldFiles() {
  auto files = testing::ListGoldFiles();
  if (!files.ok()) {
    ADD_FAILURE() << files.status().ToString();
    return {};
  }
  return *files;
}

std::string CaseName(const ::testing::TestParamInfo<GoldFile>& info) {
  std::string name = info.param.version + "_" + info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// Compares the batches read with the JSON's, column by column, with a message
// that names the batch and column and prints both sides on a mismatch.
void ExpectBatchesMatch(const IntegrationFile& expected, const Schema& schema,
                        const RecordBatchVector& batches) {
  EXPECT_TRUE(schema.Equals(*expected.schema, /*check_metadata=*/true))
      << "schema read:\n" << schema.ToString() << "\nexpected:\n" << expected.schema->ToString();
  ASSERT_EQ(batches.size(), expected.batches.size());
  for (size_t b = 0; b < batches.size(); ++b) {
    const auto& got = *batches[b];
    const auto& want = expected.batches[b];
    ASSERT_EQ(got.num_rows(), want.num_rows) << "batch " << b;
    ASSERT_EQ(static_cast<size_t>(got.num_columns()), want.columns.size()) << "batch " << b;
    for (int c = 0; c < got.num_columns(); ++c) {
      const auto& column = got.column(c);
      const auto& want_column = want.columns[static_cast<size_t>(c)];
      EXPECT_TRUE(column->Equals(*want_column, EqualOptions{.check_metadata = false, .nans_equal = true}))
          << "batch " << b << ", column " << c << " (" << schema.field(c)->ToString() << ")\nread:\n"
          << column->ToString() << "\nexpected:\n" << want_column->ToString();
      EXPECT_THAT(column->ValidateFull(), IsOk()) << "batch " << b << ", column " << c;
    }
  }
}

class GoldFileTest : public ::testing::TestWithParam<GoldFile> {
 protected:
  void SetUp() override {
    auto expected = testing::ReadIntegrationJson(GetParam().json_path);
    ASSERT_THAT(expected.status(), IsOk());
    expected_ = *std::move(expected);
  }
  IntegrationFile expected_;
};

TEST_P(GoldFileTest, StreamMatchesJson) {
  ASSERT_OK_AND_ASSIGN(auto file, io::ReadableFile::Open(GetParam().stream_path));
  ASSERT_OK_AND_ASSIGN(auto reader, RecordBatchStreamReader::Open(file));
  ASSERT_OK_AND_ASSIGN(auto batches, reader->ReadAll());
  ExpectBatchesMatch(expected_, *reader->schema(), batches);
}

TEST_P(GoldFileTest, FileMatchesJson) {
  ASSERT_OK_AND_ASSIGN(auto file, io::ReadableFile::Open(GetParam().file_path));
  ASSERT_OK_AND_ASSIGN(auto reader, RecordBatchFileReader::Open(file));
  RecordBatchVector batches;
  for (int i = 0; i < reader->num_record_batches(); ++i) {
    ASSERT_OK_AND_ASSIGN(auto batch, reader->ReadRecordBatch(i));
    batches.push_back(batch);
  }
  ExpectBatchesMatch(expected_, *reader->schema(), batches);
}

TEST_P(GoldFileTest, FileRandomAccessFromTheEnd) {
  ASSERT_OK_AND_ASSIGN(auto file, io::MemoryMappedFile::Open(GetParam().file_path));
  ASSERT_OK_AND_ASSIGN(auto reader, RecordBatchFileReader::Open(file));
  ASSERT_EQ(static_cast<size_t>(reader->num_record_batches()), expected_.batches.size());
  for (int i = reader->num_record_batches() - 1; i >= 0; --i) {
    ASSERT_OK_AND_ASSIGN(auto batch, reader->ReadRecordBatch(i));
    EXPECT_EQ(batch->num_rows(), expected_.batches[static_cast<size_t>(i)].num_rows);
  }
  EXPECT_THAT(reader->ReadRecordBatch(reader->num_record_batches()).status(),
              StatusIs(StatusCode::IndexError, ::testing::HasSubstr("out of range")));
}

TEST(GoldFiles, BigEndianRefusedWhenConversionIsOff) {
  bool saw_big_endian = false;
  for (const auto& gold : AllGoldFiles()) {
    if (gold.version.find("bigendian") == std::string::npos) continue;
    saw_big_endian = true;
    IpcReadOptions options;
    options.ensure_native_endian = false;
    ASSERT_OK_AND_ASSIGN(auto file, io::ReadableFile::Open(gold.stream_path));
    auto reader = RecordBatchStreamReader::Open(file, options);
    EXPECT_THAT(reader.status(), StatusIs(StatusCode::NotImplemented, ::testing::HasSubstr("big-endian")))
        << gold.name;
  }
  EXPECT_TRUE(saw_big_endian);
}

INSTANTIATE_TEST_SUITE_P(ArrowTesting, GoldFileTest, ::testing::ValuesIn(AllGoldFiles()), CaseName);

}  // namespace
}  // namespace quiver::ipc
