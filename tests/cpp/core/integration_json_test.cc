// Tests of the integration JSON reader (tests/cpp/support/quiver/testing/integration_json.h):
// every gold .json.gz under arrow-testing reads, validates and agrees with an
// independent parse of the same document; spot values from several files are
// checked against what the files say; malformed documents give clear errors.
#include "quiver/testing/integration_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <ostream>
#include <set>
#include <string>

#include "quiver/testing/matchers.h"

namespace quiver::testing {

// gtest names each gold case in failure messages by this.
void PrintTo(const GoldFile& gold, std::ostream* os) { *os << gold.version << "/" << gold.name; }

namespace {

using ::testing::HasSubstr;

// The gzip-compressed document parsed by nlohmann directly, as an independent
// reference for counts and names.
nlohmann::json LoadRawJson(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    ADD_FAILURE() << "cannot open " << path;
    return {};
  }
  std::string text;
  char chunk[1 << 16];
  int n;
  while ((n = gzread(file, chunk, sizeof(chunk))) > 0) text.append(chunk, static_cast<size_t>(n));
  gzclose(file);
  return nlohmann::json::parse(text);
}

std::string GoldJsonPath(const std::string& version, const std::string& name) {
  return ArrowTestingDir() + "/arrow-ipc-stream/integration/" + version + "/" + name + ".json.gz";
}

// Array validation (validate.cc) is being written alongside this reader; until it
// lands, Validate/ValidateFull answer NotImplemented for every array. That is
// detected once, on a trivially valid array, so that as soon as validation exists
// every gold array and dictionary must pass ValidateFull.
bool ValidationIsImplemented() {
  static const bool implemented = [] {
    auto empty = MakeEmptyArray(int32());
    return empty.ok() && !(*empty)->ValidateFull().IsNotImplemented();
  }();
  return implemented;
}

int64_t CountZeros(const nlohmann::json& bits) {
  int64_t zeros = 0;
  for (const auto& b : bits) zeros += (b == 0 || b == false) ? 1 : 0;
  return zeros;
}

// ---------------------------------------------------------------------------
// Every gold file

std::vector<GoldFile> GoldFilesOrEmpty() {
  auto files = ListGoldFiles();
  return files.ok() ? *files : std::vector<GoldFile>{};
}

std::string GoldCaseName(const ::testing::TestParamInfo<GoldFile>& info) {
  std::string name = info.param.version + "_" + info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

TEST(IntegrationGoldFilesTest, ListsEveryProducerVersionWithCompanions) {
  auto files = ListGoldFiles();
  ASSERT_OK(files);
  std::set<std::string> versions;
  for (const GoldFile& gold : *files) versions.insert(gold.version);
  EXPECT_THAT(versions,
              ::testing::ElementsAre("0.14.1", "0.17.1", "1.0.0-bigendian", "1.0.0-littleendian",
                                     "2.0.0-compression", "4.0.0-shareddict", "cpp-21.0.0"));
  EXPECT_EQ(files->size(), 91u);
  const auto primitive = std::find_if(files->begin(), files->end(), [](const GoldFile& g) {
    return g.version == "cpp-21.0.0" && g.name == "generated_primitive";
  });
  ASSERT_NE(primitive, files->end());
  EXPECT_THAT(primitive->stream_path, ::testing::EndsWith("cpp-21.0.0/generated_primitive.stream"));
  EXPECT_THAT(primitive->file_path,
              ::testing::EndsWith("cpp-21.0.0/generated_primitive.arrow_file"));
}

class GoldJsonTest : public ::testing::TestWithParam<GoldFile> {};

TEST_P(GoldJsonTest, ReadsValidArraysThatMatchTheDocument) {
  const GoldFile& gold = GetParam();
  auto read = ReadIntegrationJson(gold.json_path);
  ASSERT_OK(read);
  const IntegrationFile& file = *read;
  const nlohmann::json raw = LoadRawJson(gold.json_path);

  const auto& raw_fields = raw["schema"]["fields"];
  ASSERT_EQ(static_cast<size_t>(file.schema->num_fields()), raw_fields.size());
  for (int i = 0; i < file.schema->num_fields(); ++i) {
    EXPECT_EQ(file.schema->field(i)->name(), raw_fields[static_cast<size_t>(i)]["name"]);
    EXPECT_EQ(file.schema->field(i)->nullable(), raw_fields[static_cast<size_t>(i)]["nullable"]);
  }

  const size_t raw_dictionaries = raw.contains("dictionaries") ? raw["dictionaries"].size() : 0;
  ASSERT_EQ(file.dictionaries.size(), raw_dictionaries);
  for (const auto& entry : raw.value("dictionaries", nlohmann::json::array())) {
    const int64_t id = entry["id"];
    SCOPED_TRACE("dictionary " + std::to_string(id));
    ASSERT_TRUE(file.dictionaries.contains(id));
    const ArrayPtr& values = file.dictionaries.at(id);
    EXPECT_EQ(values->length(), entry["data"]["count"].get<int64_t>());
    if (ValidationIsImplemented()) {
      EXPECT_OK(values->ValidateFull());
    }
  }

  const auto& raw_batches = raw["batches"];
  ASSERT_EQ(file.batches.size(), raw_batches.size());
  for (size_t b = 0; b < file.batches.size(); ++b) {
    const IntegrationBatch& batch = file.batches[b];
    const auto& raw_batch = raw_batches[b];
    EXPECT_EQ(batch.num_rows, raw_batch["count"].get<int64_t>());
    ASSERT_EQ(batch.columns.size(), static_cast<size_t>(file.schema->num_fields()));
    for (int c = 0; c < file.schema->num_fields(); ++c) {
      const ArrayPtr& column = batch.columns[static_cast<size_t>(c)];
      const auto& raw_column = raw_batch["columns"][static_cast<size_t>(c)];
      SCOPED_TRACE("batch " + std::to_string(b) + " column " + file.schema->field(c)->name());
      EXPECT_EQ(column->length(), batch.num_rows);
      EXPECT_TRUE(column->type()->Equals(file.schema->field(c)->type()))
          << column->type()->ToString() << " vs " << file.schema->field(c)->type()->ToString();
      if (ValidationIsImplemented()) {
        EXPECT_OK(column->ValidateFull());
      }
      const TypeId storage_id =
          column->type_id() == TypeId::EXTENSION
              ? static_cast<const ExtensionType&>(*column->type()).storage_type()->id()
              : column->type_id();
      if (raw_column.contains("VALIDITY") && storage_id != TypeId::SPARSE_UNION &&
          storage_id != TypeId::DENSE_UNION) {
        EXPECT_EQ(column->null_count(), CountZeros(raw_column["VALIDITY"]));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllProducers, GoldJsonTest, ::testing::ValuesIn(GoldFilesOrEmpty()),
                         GoldCaseName);

// ---------------------------------------------------------------------------
// Spot values, taken from the documents by hand

class GoldSpotTest : public ::testing::Test {
 protected:
  // Reads one gold document; fails the test (leaving `file_` empty) on error.
  void Load(const std::string& version, const std::string& name) {
    auto read = ReadIntegrationJson(GoldJsonPath(version, name));
    ASSERT_OK(read);
    file_ = *std::move(read);
  }
  const ArrayPtr& Column(size_t batch, const std::string& name) const {
    const int index = file_.schema->GetFieldIndex(name);
    EXPECT_GE(index, 0) << name;
    return file_.batches.at(batch).columns.at(static_cast<size_t>(index));
  }
  IntegrationFile file_;
};

TEST_F(GoldSpotTest, StringsBinaryAndFixedSizeBinary) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_binary"));
  ASSERT_EQ(file_.batches.size(), 2u);
  EXPECT_EQ(file_.batches[0].num_rows, 17);
  EXPECT_EQ(file_.batches[1].num_rows, 20);
  const auto& utf8_nonnull = static_cast<const StringArray&>(*Column(0, "utf8_nonnullable"));
  EXPECT_EQ(utf8_nonnull.GetView(0), "£µrcaµh");
  const auto& utf8_nullable = static_cast<const StringArray&>(*Column(0, "utf8_nullable"));
  EXPECT_TRUE(utf8_nullable.IsNull(0));
  EXPECT_EQ(utf8_nullable.GetView(2), "r°rir矢矢");
  const auto& binary = static_cast<const BinaryArray&>(*Column(0, "binary_nullable"));
  EXPECT_EQ(binary.GetView(1), std::string_view("\x27\xDD\x17", 3));
  const auto& fsb =
      static_cast<const FixedSizeBinaryArray&>(*Column(0, "fixedsizebinary_19_nullable"));
  EXPECT_EQ(fsb.byte_width(), 19);
  EXPECT_EQ(fsb.GetValue(0)[0], 0x86);
  EXPECT_EQ(fsb.GetValue(0)[18], 0x2F);
}

TEST_F(GoldSpotTest, LargeOffsetsGivenAsStrings) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_large_binary"));
  const auto& large_utf8 = static_cast<const LargeStringArray&>(*Column(1, "largeutf8_nullable"));
  EXPECT_TRUE(large_utf8.IsNull(0));
  EXPECT_EQ(large_utf8.GetView(1), "nôhk°gw");

  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_nested_large_offsets"));
  const auto& large_list = static_cast<const LargeListArray&>(*Column(1, "large_list_nullable"));
  EXPECT_EQ(large_list.length(), 13);
  EXPECT_EQ(large_list.value_offset(4), 7);
  EXPECT_EQ(large_list.value_length(4), 3);
  EXPECT_EQ(large_list.values()->length(), 18);
}

TEST_F(GoldSpotTest, DecimalsOfEveryWidth) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_decimal"));
  EXPECT_EQ(file_.schema->num_fields(), 36);
  const auto& d128 = static_cast<const DecimalArray&>(*Column(0, "f0"));
  EXPECT_EQ(d128.type_id(), TypeId::DECIMAL128);
  EXPECT_TRUE(d128.IsNull(0));
  EXPECT_EQ(d128.FormatValue(2), "1.90");
  EXPECT_EQ(d128.FormatValue(3), "-9.92");

  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_decimal256"));
  const auto& d256 = static_cast<const DecimalArray&>(*Column(0, "f32"));
  EXPECT_EQ(d256.type_id(), TypeId::DECIMAL256);
  EXPECT_EQ(d256.FormatValue(0),
            "3856054288607080064568401040655257344024218051009282538857007334.84515");
  EXPECT_EQ(d256.FormatValue(1),
            "-1345659724176833728161607129331501807456852853234106462009954510.39655");

  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_decimal32"));
  const auto& d32 = static_cast<const DecimalArray&>(*Column(0, "f0"));
  EXPECT_EQ(d32.type_id(), TypeId::DECIMAL32);
  EXPECT_EQ(d32.FormatValue(0), "1.37");
}

TEST_F(GoldSpotTest, DictionaryColumnsCarryTheirDictionary) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_dictionary"));
  ASSERT_EQ(file_.dictionaries.size(), 3u);
  EXPECT_EQ(file_.dictionaries.at(0)->length(), 10);
  EXPECT_EQ(file_.dictionaries.at(1)->length(), 5);
  EXPECT_EQ(file_.dictionaries.at(2)->length(), 50);
  const auto& dict0 = static_cast<const DictionaryArray&>(*Column(1, "dict0"));
  ASSERT_EQ(dict0.type_id(), TypeId::DICTIONARY);
  EXPECT_EQ(static_cast<const DictionaryType&>(*dict0.type()).index_type()->id(), TypeId::INT8);
  EXPECT_EQ(dict0.dictionary()->length(), 10);
  EXPECT_EQ(dict0.data()->dictionary, file_.dictionaries.at(0)->data());
  EXPECT_EQ(dict0.GetValueIndex(0), 3);
  EXPECT_EQ(static_cast<const StringArray&>(*dict0.dictionary()).GetView(3), "c矢g£kµr");
  EXPECT_TRUE(dict0.IsNull(2));
}

TEST_F(GoldSpotTest, SharedAndNestedDictionaries) {
  ASSERT_NO_FATAL_FAILURE(Load("4.0.0-shareddict", "generated_shared_dict"));
  const ArrayPtr& col1 = Column(0, "col1");
  const ArrayPtr& col2 = Column(0, "col2");
  EXPECT_EQ(col1->data()->dictionary, col2->data()->dictionary);
  const auto& shared = static_cast<const DictionaryArray&>(*col2);
  EXPECT_EQ(static_cast<const StringArray&>(*shared.dictionary()).GetView(shared.GetValueIndex(1)),
            "baz");

  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_nested_dictionary"));
  // list_dict: dictionary<int8, list<dictionary<int8, utf8>>> — the list
  // dictionary's own child is encoded with dictionary 0.
  const ArrayPtr& list_dict = Column(0, "list_dict");
  ASSERT_EQ(list_dict->type_id(), TypeId::DICTIONARY);
  const ArrayDataPtr& list_values = list_dict->data()->dictionary;
  ASSERT_NE(list_values, nullptr);
  EXPECT_EQ(list_values->type->id(), TypeId::LIST);
  EXPECT_EQ(list_values->length, 30);
  ASSERT_EQ(list_values->child_data.size(), 1u);
  EXPECT_EQ(list_values->child_data[0]->dictionary, file_.dictionaries.at(0)->data());
  EXPECT_EQ(file_.dictionaries.at(0)->length(), 10);
}

TEST_F(GoldSpotTest, ExtensionTypesFromFieldMetadata) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_extension"));
  const FieldPtr& uuids = file_.schema->field(0);
  ASSERT_EQ(uuids->type()->id(), TypeId::EXTENSION);
  const auto& uuid_type = static_cast<const ExtensionType&>(*uuids->type());
  EXPECT_EQ(uuid_type.extension_name(), "arrow.uuid");
  EXPECT_TRUE(uuid_type.storage_type()->Equals(fixed_size_binary(16)));
  EXPECT_EQ(uuids->metadata(), nullptr);  // only the extension keys were there

  const FieldPtr& dict_exts = file_.schema->field(1);
  ASSERT_EQ(dict_exts->type()->id(), TypeId::EXTENSION);
  const auto& dict_ext_type = static_cast<const ExtensionType&>(*dict_exts->type());
  EXPECT_EQ(dict_ext_type.extension_name(), "dict-extension");
  EXPECT_EQ(dict_ext_type.serialized(), "dict-extension-serialized");
  EXPECT_TRUE(dict_ext_type.storage_type()->Equals(dictionary(int8(), utf8())));
  const ArrayPtr& column = Column(0, "dict_exts");
  ASSERT_NE(column->data()->dictionary, nullptr);
  EXPECT_EQ(column->data()->dictionary->length, 5);
}

TEST_F(GoldSpotTest, SchemaAndFieldMetadata) {
  ASSERT_NO_FATAL_FAILURE(Load("1.0.0-littleendian", "generated_custom_metadata"));
  ASSERT_NE(file_.schema->metadata(), nullptr);
  EXPECT_THAT(file_.schema->metadata()->Get("schema_custom_1"), IsOkAndHolds("{}"));
  ASSERT_NE(file_.schema->field(0)->metadata(), nullptr);
  EXPECT_THAT(file_.schema->field(0)->metadata()->Get("pandas"), IsOkAndHolds("{}"));
  EXPECT_EQ(file_.schema->field(1)->metadata()->size(), 9);
  const FieldPtr& unregistered = file_.schema->field(2);
  ASSERT_EQ(unregistered->type()->id(), TypeId::EXTENSION);
  EXPECT_EQ(static_cast<const ExtensionType&>(*unregistered->type()).extension_name(),
            "!nonexistent");
  ASSERT_NE(unregistered->metadata(), nullptr);
  EXPECT_TRUE(unregistered->metadata()->Contains("ARROW:integration:allow_unregistered_extension"));
  EXPECT_FALSE(unregistered->metadata()->Contains("ARROW:extension:name"));
  // Metadata of a nested child field.
  const FieldPtr& item = file_.schema->field(3)->type()->field(0);
  ASSERT_NE(item->metadata(), nullptr);
  EXPECT_TRUE(item->metadata()->Contains("odd_values"));
}

TEST_F(GoldSpotTest, TemporalTypesAndIntervals) {
  ASSERT_NO_FATAL_FAILURE(Load("1.0.0-littleendian", "generated_datetime"));
  const auto& tz = static_cast<const TimestampType&>(*file_.schema->field(14)->type());
  EXPECT_EQ(tz.unit(), TimeUnit::NANO);
  EXPECT_EQ(tz.timezone(), "US/Pacific");
  EXPECT_EQ(file_.schema->field(1)->type()->id(), TypeId::DATE64);
  EXPECT_TRUE(file_.schema->field(4)->type()->Equals(time64(TimeUnit::MICRO)));

  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_interval_mdn"));
  const auto& mdn = static_cast<const MonthDayNanoIntervalArray&>(*Column(0, "f1"));
  EXPECT_EQ(mdn.Value(0), (MonthDayNanoInterval{1493908993, -474729930, 8820212087008106548}));

  ASSERT_NO_FATAL_FAILURE(Load("1.0.0-littleendian", "generated_interval"));
  const auto& day_time = static_cast<const DayTimeIntervalArray&>(*Column(0, "f6"));
  EXPECT_EQ(day_time.Value(0), (DayTimeInterval{-2622376, -67227994}));
  const auto& seconds = static_cast<const DurationArray&>(*Column(0, "f1"));
  EXPECT_EQ(seconds.Value(0), std::numeric_limits<int64_t>::min());
}

TEST_F(GoldSpotTest, BinaryViewsInlineAndInVariadicBuffers) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_binary_view"));
  const auto& sv = static_cast<const StringViewArray&>(*Column(2, "sv"));
  EXPECT_EQ(sv.num_data_buffers(), 2);
  EXPECT_EQ(sv.GetView(38), "k€g矢€lÂ");  // 14 bytes: in variadic buffer 0
  EXPECT_EQ(sv.GetView(0), "h6kmm42");    // inlined
  const auto& bv = static_cast<const BinaryViewArray&>(*Column(1, "bv"));
  EXPECT_EQ(bv.GetView(0), std::string_view("\xF3\x4D", 2));
}

TEST_F(GoldSpotTest, RunEndEncodedAndUnions) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_run_end_encoded"));
  const auto& ree = static_cast<const RunEndEncodedArray&>(*Column(1, "ree32_utf8"));
  EXPECT_EQ(ree.length(), 7);
  EXPECT_EQ(ree.run_ends()->length(), 4);
  EXPECT_EQ(ree.FindPhysicalIndex(4), 1);
  EXPECT_EQ(ree.null_count(), 7);  // every run's value is null

  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_union"));
  const auto& dense = static_cast<const UnionArray&>(*Column(1, "dense_1"));
  EXPECT_EQ(dense.mode(), UnionMode::DENSE);
  EXPECT_EQ(dense.type_code(3), 20);
  EXPECT_EQ(dense.value_offset(3), 0);
  EXPECT_EQ(dense.field(0)->length(), 7);
  EXPECT_EQ(dense.field(1)->length(), 4);

  // Unions from before format 1.0 carry an all-valid VALIDITY, which is accepted.
  ASSERT_NO_FATAL_FAILURE(Load("0.17.1", "generated_union"));
  EXPECT_EQ(Column(1, "sparse")->type_id(), TypeId::SPARSE_UNION);
}

TEST_F(GoldSpotTest, FilesWithoutBatches) {
  ASSERT_NO_FATAL_FAILURE(Load("cpp-21.0.0", "generated_primitive_no_batches"));
  EXPECT_EQ(file_.schema->num_fields(), 22);
  EXPECT_TRUE(file_.batches.empty());
}

// ---------------------------------------------------------------------------
// Small documents

// A document with one field of `type_json` and one batch holding `column_json`.
std::string OneColumn(const std::string& type_json, const std::string& column_json, int64_t count,
                      const std::string& extra_field = "", const std::string& dictionaries = "") {
  return R"({"schema": {"fields": [{"name": "x", "nullable": true, "children": [], "type": )" +
         type_json + extra_field + "}]}, " +
         (dictionaries.empty() ? "" : "\"dictionaries\": " + dictionaries + ", ") +
         R"("batches": [{"count": )" + std::to_string(count) +
         R"(, "columns": [{"name": "x", "count": )" + std::to_string(count) + ", " + column_json +
         "}]}]}";
}

TEST(IntegrationJsonTest, HalfFloatsAreGivenByValueAndStoredAsBinary16) {
  auto file = ParseIntegrationJson(OneColumn(R"({"name": "floatingpoint", "precision": "HALF"})",
                                             R"("VALIDITY": [1,1,1,1,1,1,1,1],
                                                "DATA": [1.0, -2.0, 65504.0, 5.960464477539063e-08,
                                                         0.1, 65520.0, -0.0, -1e10])",
                                             8));
  ASSERT_OK(file);
  const auto& halves = static_cast<const HalfFloatArray&>(*file->batches[0].columns[0]);
  EXPECT_EQ(halves.type_id(), TypeId::HALF_FLOAT);
  EXPECT_EQ(halves.Value(0), 0x3C00);
  EXPECT_EQ(halves.Value(1), 0xC000);
  EXPECT_EQ(halves.Value(2), 0x7BFF);  // largest finite half
  EXPECT_EQ(halves.Value(3), 0x0001);  // smallest subnormal
  EXPECT_EQ(halves.Value(4), 0x2E66);
  EXPECT_EQ(halves.Value(5), 0x7C00);  // rounds to infinity
  EXPECT_EQ(halves.Value(6), 0x8000);
  EXPECT_EQ(halves.Value(7), 0xFC00);  // beyond the half range: -infinity
}

TEST(IntegrationJsonTest, DecimalsBecomeLittleEndianTwosComplement) {
  auto file = ParseIntegrationJson(
      OneColumn(R"({"name": "decimal", "precision": 38, "scale": 0, "bitWidth": 128})",
                R"("VALIDITY": [1,1,1,1],
                   "DATA": ["-1", "258", "170141183460469231731687303715884105727",
                            "-170141183460469231731687303715884105728"])",
                4));
  ASSERT_OK(file);
  const auto& decimals = static_cast<const DecimalArray&>(*file->batches[0].columns[0]);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(decimals.GetValue(0)[i], 0xFF) << i;
  EXPECT_EQ(decimals.GetValue(1)[0], 0x02);
  EXPECT_EQ(decimals.GetValue(1)[1], 0x01);
  EXPECT_EQ(decimals.GetValue(1)[2], 0x00);
  EXPECT_EQ(decimals.GetValue(2)[15], 0x7F);
  EXPECT_EQ(decimals.GetValue(3)[15], 0x80);
  EXPECT_EQ(decimals.GetValue(3)[0], 0x00);

  auto too_big = ParseIntegrationJson(
      OneColumn(R"({"name": "decimal", "precision": 38, "scale": 0, "bitWidth": 128})",
                R"("VALIDITY": [1], "DATA": ["170141183460469231731687303715884105728"])", 1));
  EXPECT_THAT(too_big,
              StatusIs(StatusCode::Invalid, HasSubstr("does not fit in a signed 128-bit")));
  auto not_a_number = ParseIntegrationJson(
      OneColumn(R"({"name": "decimal", "precision": 9, "scale": 2, "bitWidth": 32})",
                R"("VALIDITY": [1], "DATA": ["12.5"])", 1));
  EXPECT_THAT(not_a_number,
              StatusIs(StatusCode::Invalid, HasSubstr("DATA[0]: expected only digits")));
}

TEST(IntegrationJsonTest, SixtyFourBitIntegersAsNumbersOrStrings) {
  auto file = ParseIntegrationJson(
      OneColumn(R"({"name": "int", "isSigned": false, "bitWidth": 64})",
                R"("VALIDITY": [1,1,0], "DATA": ["18446744073709551615", 7, "0"])", 3));
  ASSERT_OK(file);
  const auto& values = static_cast<const UInt64Array&>(*file->batches[0].columns[0]);
  EXPECT_EQ(values.Value(0), UINT64_MAX);
  EXPECT_EQ(values.Value(1), 7u);
  EXPECT_EQ(values.null_count(), 1);

  auto out_of_range =
      ParseIntegrationJson(OneColumn(R"({"name": "int", "isSigned": true, "bitWidth": 8})",
                                     R"("VALIDITY": [1], "DATA": [128])", 1));
  EXPECT_THAT(out_of_range,
              StatusIs(StatusCode::Invalid, HasSubstr("expected an integer in [-128, 127]")));
}

TEST(IntegrationJsonTest, BinaryOffsetsNeedNotStartAtZero) {
  auto file = ParseIntegrationJson(
      OneColumn(R"({"name": "binary"})",
                R"("VALIDITY": [1,1], "OFFSET": [5, 7, 8], "DATA": ["ABCD", "EF"])", 2));
  ASSERT_OK(file);
  const auto& values = static_cast<const BinaryArray&>(*file->batches[0].columns[0]);
  EXPECT_EQ(values.value_offset(0), 0);
  EXPECT_EQ(values.GetView(0), "\xAB\xCD");
  EXPECT_EQ(values.GetView(1), "\xEF");
}

TEST(IntegrationJsonTest, MalformedDocumentsAreReportedWithTheirLocation) {
  EXPECT_THAT(ParseIntegrationJson("{\"schema\": "),
              StatusIs(StatusCode::Invalid, HasSubstr("parsing failed")));
  EXPECT_THAT(ParseIntegrationJson(R"({"batches": []})"),
              StatusIs(StatusCode::Invalid, HasSubstr("\"schema\" but it is missing")));
  EXPECT_THAT(ParseIntegrationJson(OneColumn(R"({"name": "float128"})", R"("DATA": [])", 0)),
              StatusIs(StatusCode::Invalid, HasSubstr("unknown type name 'float128'")));
  EXPECT_THAT(ParseIntegrationJson(OneColumn(R"({"name": "int", "isSigned": true, "bitWidth": 32})",
                                             R"("VALIDITY": [1, 1], "DATA": [1])", 2)),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("batch[0]: column 'x': expected \"DATA\" to have 2 entries")));
  EXPECT_THAT(
      ParseIntegrationJson(OneColumn(R"({"name": "binary"})",
                                     R"("VALIDITY": [1], "OFFSET": [0, 1], "DATA": ["XY"])", 1)),
      StatusIs(StatusCode::Invalid, HasSubstr("DATA[0]: expected hex digits but found 'XY'")));
  EXPECT_THAT(
      ParseIntegrationJson(OneColumn(R"({"name": "utf8"})",
                                     R"("VALIDITY": [1], "OFFSET": [0, 3], "DATA": ["ab"])", 1)),
      StatusIs(StatusCode::Invalid, HasSubstr("describe 3 bytes but DATA[0] has 2")));
  EXPECT_THAT(ParseIntegrationJson(
                  OneColumn(R"({"name": "largebinary"})",
                            R"("VALIDITY": [1, 1], "OFFSET": ["9223372036854775807", "0", "1"],
                     "DATA": ["", "AA"])",
                            2)),
              StatusIs(StatusCode::Invalid, HasSubstr("expected non-decreasing offsets")));
  EXPECT_THAT(
      ParseIntegrationJson(OneColumn(R"({"name": "utf8"})", R"("VALIDITY": [1], "DATA": [0])", 1,
                                     R"(, "dictionary": {"id": 4,
                "indexType": {"name": "int", "isSigned": true, "bitWidth": 8}})")),
      StatusIs(StatusCode::Invalid,
               HasSubstr("dictionary id 4 but \"dictionaries\" does not define it")));
  EXPECT_THAT(
      ParseIntegrationJson(OneColumn(R"({"name": "union", "mode": "SPARSE", "typeIds": []})",
                                     R"("VALIDITY": [0], "TYPE_ID": [], "children": [])", 1)),
      StatusIs(StatusCode::Invalid, HasSubstr("VALIDITY marks 1 slot(s) null")));
  EXPECT_THAT(
      ParseIntegrationJson(R"({"schema": {"fields": [{"name": "x", "type": {"name": "null"}}]},
                               "batches": [{"count": 0,
                                            "columns": [{"name": "y", "count": 0}]}]})"),
      StatusIs(StatusCode::Invalid, HasSubstr("expected a column named 'x' but found 'y'")));
  EXPECT_THAT(ParseIntegrationJson(OneColumn(R"({"name": "binaryview"})",
                                             R"("VALIDITY": [1], "VARIADIC_DATA_BUFFERS": ["AABB"],
                                                "VIEWS": [{"SIZE": 13, "PREFIX_HEX": "AABB0000",
                                                           "BUFFER_INDEX": 0, "OFFSET": 0}])",
                                             1)),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("reach past the 2 bytes of VARIADIC_DATA_BUFFERS[0]")));
  EXPECT_THAT(
      ReadIntegrationJson("/nonexistent/quiver/file.json.gz"),
      StatusIs(StatusCode::IOError, HasSubstr("cannot open '/nonexistent/quiver/file.json.gz'")));
}

}  // namespace
}  // namespace quiver::testing
