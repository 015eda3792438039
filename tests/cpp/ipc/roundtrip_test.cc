// Round trips through Quiver's own writer and reader: every type of the core
// (taken from the gold integration data, which covers them all), stream and file
// formats, uncompressed / LZ4 / ZSTD, legacy framing, sliced input, empty and
// zero-length batches, custom metadata, and dictionary deltas and replacements.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "quiver/io.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"
#include "quiver/testing/integration_json.h"
#include "quiver/testing/matchers.h"

namespace quiver::ipc {
namespace {

using ::testing::HasSubstr;

struct Written {
  std::shared_ptr<Buffer> bytes;
  RecordBatchWriter::Stats stats;
};

Result<Written> WriteAll(const SchemaPtr& schema, const RecordBatchVector& batches, bool file_format,
                         const IpcWriteOptions& options = {}) {
  QUIVER_ASSIGN_OR_RAISE(auto sink, io::BufferOutputStream::Create());
  std::unique_ptr<RecordBatchWriter> writer;
  if (file_format) {
    QUIVER_ASSIGN_OR_RAISE(writer, MakeFileWriter(sink, schema, options));
  } else {
    QUIVER_ASSIGN_OR_RAISE(writer, MakeStreamWriter(sink, schema, options));
  }
  for (const auto& batch : batches) QUIVER_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
  QUIVER_RETURN_NOT_OK(writer->Close());
  Written out;
  out.stats = writer->stats();
  QUIVER_ASSIGN_OR_RAISE(out.bytes, sink->Finish());
  return out;
}

Result<RecordBatchVector> ReadAll(const std::shared_ptr<Buffer>& bytes, bool file_format, SchemaPtr* schema) {
  auto input = std::make_shared<io::BufferReader>(bytes);
  if (file_format) {
    QUIVER_ASSIGN_OR_RAISE(auto reader, RecordBatchFileReader::Open(input));
    *schema = reader->schema();
    RecordBatchVector out;
    for (int i = 0; i < reader->num_record_batches(); ++i) {
      QUIVER_ASSIGN_OR_RAISE(auto batch, reader->ReadRecordBatch(i));
      out.push_back(std::move(batch));
    }
    return out;
  }
  QUIVER_ASSIGN_OR_RAISE(auto reader, RecordBatchStreamReader::Open(input));
  *schema = reader->schema();
  return reader->ReadAll();
}

void ExpectSameBatches(const RecordBatchVector& got, const RecordBatchVector& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_THAT(got[i]->ValidateFull(), IsOk());
    EXPECT_TRUE(got[i]->Equals(*want[i], /*check_metadata=*/true, EqualOptions{.nans_equal = true}))
        << "batch " << i << "\nread:\n" << got[i]->ToString() << "\nwritten:\n" << want[i]->ToString();
  }
}

// --- every type, from the gold data -------------------------------------------------

struct TypeCase {
  testing::GoldFile gold;
  bool file_format;
  CompressionType compression;
};

std::vector<TypeCase> TypeCases() {
  std::vector<TypeCase> out;
  auto gold = testing::ListGoldFiles();
  if (!gold.ok()) {
    ADD_FAILURE() << gold.status().ToString();
    return out;
  }
  // The newest producer's cases cover every type; 4.0.0-shareddict adds shared dictionaries.
  for (const auto& g : *gold) {
    if (g.version != "cpp-21.0.0" && g.version != "4.0.0-shareddict") continue;
    for (bool file_format : {false, true}) {
      for (auto c : {CompressionType::NONE, CompressionType::LZ4_FRAME, CompressionType::ZSTD}) {
        out.push_back({g, file_format, c});
      }
    }
  }
  return out;
}

std::string TypeCaseName(const ::testing::TestParamInfo<TypeCase>& info) {
  std::string name = info.param.gold.version + "_" + info.param.gold.name + (info.param.file_format ? "_file_" : "_stream_") +
                     std::string(CompressionTypeName(info.param.compression));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

RecordBatchVector BatchesOf(const testing::IntegrationFile& file) {
  RecordBatchVector out;
  for (const auto& b : file.batches) out.push_back(RecordBatch::Make(file.schema, b.num_rows, b.columns));
  return out;
}

class TypeRoundTrip : public ::testing::TestWithParam<TypeCase> {};

TEST_P(TypeRoundTrip, ReadsBackEqual) {
  const auto& param = GetParam();
  ASSERT_OK_AND_ASSIGN(auto expected, testing::ReadIntegrationJson(param.gold.json_path));
  const auto batches = BatchesOf(expected);
  IpcWriteOptions options;
  options.compression = param.compression;
  auto written = WriteAll(expected.schema, batches, param.file_format, options);
  ASSERT_THAT(written.status(), IsOk());
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto read, ReadAll(written->bytes, param.file_format, &schema));
  EXPECT_TRUE(schema->Equals(*expected.schema, /*check_metadata=*/true))
      << schema->ToString() << "\nvs\n" << expected.schema->ToString();
  ExpectSameBatches(read, batches);
}

TEST_P(TypeRoundTrip, SlicedBatchesWriteOnlyTheirRows) {
  const auto& param = GetParam();
  ASSERT_OK_AND_ASSIGN(auto expected, testing::ReadIntegrationJson(param.gold.json_path));
  RecordBatchVector sliced;
  for (const auto& batch : BatchesOf(expected)) {
    if (batch->num_rows() < 3) continue;
    sliced.push_back(batch->Slice(1, batch->num_rows() - 2));
  }
  IpcWriteOptions options;
  options.compression = param.compression;
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(expected.schema, sliced, param.file_format, options));
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto read, ReadAll(written.bytes, param.file_format, &schema));
  ExpectSameBatches(read, sliced);
  for (const auto& batch : read) EXPECT_EQ(batch->column(0)->offset() , 0);
}

INSTANTIATE_TEST_SUITE_P(EveryType, TypeRoundTrip, ::testing::ValuesIn(TypeCases()), TypeCaseName);

// --- framing, empty streams, metadata ----------------------------------------------

SchemaPtr Int32Schema(MetadataPtr metadata = nullptr) {
  return schema({field("x", int32())}, std::move(metadata));
}

RecordBatchPtr Int32Batch(const std::vector<int32_t>& values) {
  auto buffer = Buffer::FromString(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4));
  auto data = ArrayData::Make(int32(), static_cast<int64_t>(values.size()), {nullptr, buffer}, 0);
  return RecordBatch::Make(Int32Schema(), static_cast<int64_t>(values.size()), {MakeArray(data)});
}

TEST(IpcStream, SchemaOnlyStreamHasNoBatches) {
  for (bool file_format : {false, true}) {
    ASSERT_OK_AND_ASSIGN(auto written, WriteAll(Int32Schema(), {}, file_format));
    SchemaPtr schema;
    ASSERT_OK_AND_ASSIGN(auto read, ReadAll(written.bytes, file_format, &schema));
    EXPECT_TRUE(read.empty());
    EXPECT_TRUE(schema->Equals(*Int32Schema()));
  }
}

TEST(IpcStream, ZeroLengthBatchesSurvive) {
  auto empty = Int32Batch({});
  for (bool file_format : {false, true}) {
    ASSERT_OK_AND_ASSIGN(auto written, WriteAll(Int32Schema(), {empty, Int32Batch({1, 2}), empty}, file_format));
    SchemaPtr schema;
    ASSERT_OK_AND_ASSIGN(auto read, ReadAll(written.bytes, file_format, &schema));
    ASSERT_EQ(read.size(), 3u);
    EXPECT_EQ(read[0]->num_rows(), 0);
    EXPECT_EQ(read[1]->num_rows(), 2);
    EXPECT_EQ(read[2]->num_rows(), 0);
  }
}

TEST(IpcStream, LegacyFramingRoundTrips) {
  IpcWriteOptions options;
  options.write_legacy_ipc_format = true;
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(Int32Schema(), {Int32Batch({7, 8, 9})}, false, options));
  uint32_t first;
  std::memcpy(&first, written.bytes->data(), 4);
  EXPECT_NE(first, kContinuationMarker) << "legacy framing starts with the metadata length";
  SchemaPtr schema;
  ASSERT_OK_AND_ASSIGN(auto read, ReadAll(written.bytes, false, &schema));
  ExpectSameBatches(read, {Int32Batch({7, 8, 9})});
}

TEST(IpcStream, SchemaAndFieldMetadataSurvive) {
  auto md = std::make_shared<KeyValueMetadata>();
  md->Set("origin", "test");
  auto field_md = std::make_shared<KeyValueMetadata>();
  field_md->Set("unit", "m");
  auto s = schema({field("x", int32(), true, field_md)}, md);
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(s, {}, false));
  SchemaPtr read_schema;
  ASSERT_OK_AND_ASSIGN(auto read, ReadAll(written.bytes, false, &read_schema));
  EXPECT_TRUE(read_schema->Equals(*s, /*check_metadata=*/true)) << read_schema->ToString();
}

TEST(IpcStream, TruncatedStreamIsAClearError) {
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(Int32Schema(), {Int32Batch({1, 2, 3})}, false));
  for (int64_t cut : {int64_t{3}, int64_t{12}, written.bytes->size() - 12}) {
    auto truncated = SliceBuffer(written.bytes, 0, cut);
    SchemaPtr schema;
    auto read = ReadAll(truncated, false, &schema);
    EXPECT_THAT(read.status(), StatusIs(StatusCode::Invalid, HasSubstr("expected"))) << "cut at " << cut;
  }
}

TEST(IpcFile, BadMagicIsAClearError) {
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(Int32Schema(), {Int32Batch({1})}, true));
  std::string bytes = written.bytes->ToString();
  bytes[0] = 'X';
  SchemaPtr schema;
  EXPECT_THAT(ReadAll(Buffer::FromString(bytes), true, &schema).status(),
              StatusIs(StatusCode::Invalid, HasSubstr("ARROW1")));
}

// --- dictionaries --------------------------------------------------------------------

ArrayPtr Strings(const std::vector<std::string>& values) {
  std::string data;
  std::vector<int32_t> offsets{0};
  for (const auto& v : values) {
    data += v;
    offsets.push_back(static_cast<int32_t>(data.size()));
  }
  auto offsets_buffer = Buffer::FromString(std::string(reinterpret_cast<const char*>(offsets.data()), offsets.size() * 4));
  return MakeArray(ArrayData::Make(utf8(), static_cast<int64_t>(values.size()),
                                   {nullptr, offsets_buffer, Buffer::FromString(data)}, 0));
}

RecordBatchPtr DictBatch(const SchemaPtr& s, const ArrayPtr& dictionary, const std::vector<int32_t>& indices) {
  auto idx = Int32Batch(indices)->column(0);
  auto array = DictionaryArray::FromArrays(s->field(0)->type(), idx, dictionary);
  EXPECT_THAT(array.status(), IsOk());
  return RecordBatch::Make(s, static_cast<int64_t>(indices.size()), {*array});
}

TEST(IpcDictionaries, DeltasAreSentWhenTheDictionaryGrows) {
  auto s = schema({field("d", dictionary(int32(), utf8()))});
  auto b1 = DictBatch(s, Strings({"a", "b"}), {0, 1, 0});
  auto b2 = DictBatch(s, Strings({"a", "b", "c"}), {2, 1});
  IpcWriteOptions options;
  options.emit_dictionary_deltas = true;
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(s, {b1, b2}, false, options));
  EXPECT_EQ(written.stats.num_dictionary_deltas, 1);
  EXPECT_EQ(written.stats.num_dictionary_batches, 2);
  auto input = std::make_shared<io::BufferReader>(written.bytes);
  ASSERT_OK_AND_ASSIGN(auto reader, RecordBatchStreamReader::Open(input));
  ASSERT_OK_AND_ASSIGN(auto read, reader->ReadAll());
  EXPECT_EQ(reader->stats().num_dictionary_deltas, 1);
  ExpectSameBatches(read, {b1, b2});
}

TEST(IpcDictionaries, ReplacementsInStreamsAndRefusedInFiles) {
  auto s = schema({field("d", dictionary(int32(), utf8()))});
  auto b1 = DictBatch(s, Strings({"a", "b"}), {0, 1});
  auto b2 = DictBatch(s, Strings({"x", "y"}), {1, 0});
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(s, {b1, b2}, false));
  EXPECT_EQ(written.stats.num_replaced_dictionaries, 1);
  auto input = std::make_shared<io::BufferReader>(written.bytes);
  ASSERT_OK_AND_ASSIGN(auto reader, RecordBatchStreamReader::Open(input));
  ASSERT_OK_AND_ASSIGN(auto read, reader->ReadAll());
  EXPECT_EQ(reader->stats().num_replaced_dictionaries, 1);
  ExpectSameBatches(read, {b1, b2});
  EXPECT_THAT(WriteAll(s, {b1, b2}, true).status(), StatusIs(StatusCode::Invalid, HasSubstr("replace")));
}

TEST(IpcDictionaries, EqualDictionariesAreSentOnce) {
  auto s = schema({field("d", dictionary(int32(), utf8()))});
  auto b1 = DictBatch(s, Strings({"a", "b"}), {0, 1});
  auto b2 = DictBatch(s, Strings({"a", "b"}), {1, 1});  // an equal but distinct dictionary
  for (bool file_format : {false, true}) {
    ASSERT_OK_AND_ASSIGN(auto written, WriteAll(s, {b1, b2}, file_format));
    EXPECT_EQ(written.stats.num_dictionary_batches, 1);
    SchemaPtr schema;
    ASSERT_OK_AND_ASSIGN(auto read, ReadAll(written.bytes, file_format, &schema));
    ExpectSameBatches(read, {b1, b2});
  }
}

TEST(IpcDictionaries, IndexOutOfRangeIsRejectedOnRead) {
  auto s = schema({field("d", dictionary(int32(), utf8()))});
  // Build the corrupt array by hand: FromArrays would refuse it.
  auto idx = Int32Batch({0, 5})->column(0);
  auto data = std::make_shared<ArrayData>(*idx->data());
  data->type = s->field(0)->type();
  data->dictionary = Strings({"a", "b"})->data();
  auto batch = RecordBatch::Make(s, 2, {MakeArray(data)});
  ASSERT_OK_AND_ASSIGN(auto written, WriteAll(s, {batch}, false));
  SchemaPtr schema;
  EXPECT_THAT(ReadAll(written.bytes, false, &schema).status(), StatusIs(StatusCode::Invalid, HasSubstr("5")));
}

}  // namespace
}  // namespace quiver::ipc
