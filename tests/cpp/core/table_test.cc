// Tests for Table, TableBatchReader and ConcatenateTables: building from batches
// with schema-mismatch errors, zero-copy slicing and batching along chunk
// boundaries, CombineChunks, equality with and without metadata, validation and
// pyarrow's printed form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "quiver/table.h"
#include "quiver/testing/integration_json.h"
#include "quiver/testing/hand_built.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;
constexpr auto N = std::nullopt;

ArrayPtr I32(const std::vector<std::optional<int32_t>>& values) { return testing::NumericArray(int32(), values); }
ArrayPtr Str(const std::vector<std::optional<std::string>>& values) { return testing::StringArray(values); }

ChunkedArrayPtr Chunked(ArrayVector chunks, TypePtr type = nullptr) {
  return *ChunkedArray::Make(std::move(chunks), std::move(type));
}

SchemaPtr AB(MetadataPtr metadata = nullptr) {
  return schema({field("a", int32()), field("b", utf8())}, std::move(metadata));
}

// a: [[1,2],[3]], b: [["x"],["y",null]] -- differing chunk boundaries per column.
TablePtr Sample(MetadataPtr metadata = nullptr) {
  return Table::Make(AB(std::move(metadata)),
                     ChunkedArrayVector{Chunked({I32({1, 2}), I32({3})}), Chunked({Str({"x"}), Str({"y", N})})});
}

std::vector<int64_t> ChunkLengths(const ChunkedArray& ca) {
  std::vector<int64_t> out;
  for (const auto& c : ca.chunks()) out.push_back(c->length());
  return out;
}

std::vector<int64_t> BatchRows(const RecordBatchVector& batches) {
  std::vector<int64_t> out;
  for (const auto& b : batches) out.push_back(b->num_rows());
  return out;
}

// ---------------------------------------------------------------------------
// Construction

TEST(TableTest, MakeInfersTheRowCount) {
  auto t = Sample();
  EXPECT_EQ(t->num_rows(), 3);
  EXPECT_EQ(t->num_columns(), 2);
  EXPECT_OK(t->ValidateFull());
  auto from_arrays = Table::Make(AB(), ArrayVector{I32({1, 2}), Str({"a", "b"})});
  EXPECT_EQ(from_arrays->num_rows(), 2);
  EXPECT_EQ(from_arrays->column(1)->num_chunks(), 1);
  EXPECT_OK(from_arrays->ValidateFull());
  auto no_columns = Table::Make(schema({}), ChunkedArrayVector{});
  EXPECT_EQ(no_columns->num_rows(), 0);
  auto rows_without_columns = Table::Make(schema({}), ChunkedArrayVector{}, 5);
  EXPECT_EQ(rows_without_columns->num_rows(), 5);
  EXPECT_OK(rows_without_columns->ValidateFull());
}

TEST(TableTest, FromRecordBatchesKeepsBatchesAsChunks) {
  auto b1 = RecordBatch::Make(AB(), 2, {I32({1, 2}), Str({"x", "y"})});
  auto b2 = RecordBatch::Make(AB(key_value_metadata({{"k", "v"}})), 1, {I32({3}), Str({N})});
  auto t = Table::FromRecordBatches({b1, b2});
  ASSERT_OK(t);
  EXPECT_EQ((*t)->num_rows(), 3);
  EXPECT_EQ(ChunkLengths(*(*t)->column(0)), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ((*t)->column(1)->chunk(1), b2->column(1));  // zero-copy
  EXPECT_EQ((*t)->schema(), b1->schema());                // the first batch's schema
  EXPECT_OK((*t)->ValidateFull());
}

TEST(TableTest, FromRecordBatchesReportsSchemaMismatches) {
  auto good = RecordBatch::Make(AB(), 1, {I32({1}), Str({"x"})});
  auto renamed = RecordBatch::Make(schema({field("a", int32()), field("c", utf8())}), 1, {I32({1}), Str({"x"})});
  EXPECT_THAT(Table::FromRecordBatches({good, renamed}),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("schema mismatch in record batch 1 at field 1: expected 'b: string' but found "
                                 "'c: string'")));
  auto retyped = RecordBatch::Make(schema({field("a", int64()), field("b", utf8())}), 0,
                                   {*MakeEmptyArray(int64()), Str({})});
  EXPECT_THAT(Table::FromRecordBatches(AB(), {retyped}),
              StatusIs(StatusCode::Invalid, HasSubstr("expected 'a: int32' but found 'a: int64'")));
  auto narrower = RecordBatch::Make(schema({field("a", int32())}), 1, {I32({1})});
  EXPECT_THAT(Table::FromRecordBatches({good, narrower}),
              StatusIs(StatusCode::Invalid, HasSubstr("expected 2 fields but found 1")));
  auto not_null = RecordBatch::Make(schema({field("a", int32(), false), field("b", utf8())}), 1, {I32({1}), Str({"x"})});
  EXPECT_THAT(Table::FromRecordBatches({good, not_null}),
              StatusIs(StatusCode::Invalid, HasSubstr("found 'a: int32 not null'")));
}

TEST(TableTest, FromNoBatches) {
  EXPECT_THAT(Table::FromRecordBatches({}), StatusIs(StatusCode::Invalid, HasSubstr("pass the schema")));
  auto t = Table::FromRecordBatches(AB(), {});
  ASSERT_OK(t);
  EXPECT_EQ((*t)->num_rows(), 0);
  EXPECT_EQ((*t)->num_columns(), 2);
  EXPECT_EQ((*t)->column(0)->num_chunks(), 0);
  EXPECT_OK((*t)->ValidateFull());
  auto batches = (*t)->ToBatches();
  ASSERT_OK(batches);
  EXPECT_TRUE(batches->empty());
}

TEST(TableTest, FromRecordBatchReader) {
  auto b = RecordBatch::Make(AB(), 2, {I32({1, 2}), Str({"x", "y"})});
  auto reader = RecordBatchReader::Make({b, b->Slice(1)});
  ASSERT_OK(reader);
  auto t = Table::FromRecordBatchReader(reader->get());
  ASSERT_OK(t);
  EXPECT_EQ((*t)->num_rows(), 3);
  EXPECT_EQ((*t)->column(0)->num_chunks(), 2);
  auto empty_reader = RecordBatchReader::Make({}, AB());
  ASSERT_OK(empty_reader);
  auto empty = Table::FromRecordBatchReader(empty_reader->get());
  ASSERT_OK(empty);
  EXPECT_EQ((*empty)->num_rows(), 0);
  EXPECT_THAT(Table::FromRecordBatchReader(nullptr), StatusIs(StatusCode::Invalid, HasSubstr("reader")));
}

// ---------------------------------------------------------------------------
// Access and edits

TEST(TableTest, GetColumnByName) {
  auto t = Sample();
  EXPECT_EQ(t->GetColumnByName("a"), t->column(0));
  EXPECT_EQ(t->GetColumnByName("z"), nullptr);
  auto dup = Table::Make(schema({field("a", int32()), field("a", int32())}), ArrayVector{I32({1}), I32({2})});
  EXPECT_EQ(dup->GetColumnByName("a"), nullptr);
}

TEST(TableTest, SliceAcrossChunks) {
  auto t = Sample();
  auto s = t->Slice(1, 1);
  EXPECT_EQ(s->num_rows(), 1);
  EXPECT_TRUE(s->column(0)->Equals(*Chunked({I32({2})})));
  EXPECT_TRUE(s->column(1)->Equals(*Chunked({Str({"y"})})));
  EXPECT_EQ(ChunkLengths(*s->column(0)), (std::vector<int64_t>{1}));
  EXPECT_EQ(s->column(0)->chunk(0)->data()->buffers[1], t->column(0)->chunk(0)->data()->buffers[1]);
  EXPECT_OK(s->ValidateFull());
  EXPECT_EQ(t->Slice(2)->num_rows(), 1);
  EXPECT_EQ(t->Slice(5)->num_rows(), 0);
  EXPECT_OK(t->Slice(5)->ValidateFull());
  EXPECT_EQ(t->Slice(-2, 10)->num_rows(), 3);
}

TEST(TableTest, ColumnEdits) {
  auto t = Sample(key_value_metadata({{"k", "v"}}));
  auto picked = t->SelectColumns({1});
  ASSERT_OK(picked);
  EXPECT_EQ((*picked)->schema()->field_names(), (std::vector<std::string>{"b"}));
  EXPECT_EQ((*picked)->num_rows(), 3);
  EXPECT_TRUE(MetadataEquals((*picked)->schema()->metadata(), t->schema()->metadata()));
  EXPECT_THAT(t->SelectColumns({2}), StatusIs(StatusCode::IndexError, HasSubstr("column index 2")));

  auto added = t->AddColumn(0, field("c", int32()), Chunked({I32({7}), I32({8, 9})}));
  ASSERT_OK(added);
  EXPECT_EQ((*added)->schema()->field_names(), (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_OK((*added)->ValidateFull());
  EXPECT_THAT(t->AddColumn(0, field("c", int32()), Chunked({I32({7})})),
              StatusIs(StatusCode::Invalid, HasSubstr("'c' has 1 rows but the table has 3")));
  EXPECT_THAT(t->AddColumn(0, field("c", utf8()), Chunked({I32({7, 8, 9})})),
              StatusIs(StatusCode::TypeError, HasSubstr("has type int32 but its field has type string")));
  EXPECT_THAT(t->AddColumn(-1, field("c", int32()), Chunked({I32({7, 8, 9})})),
              StatusIs(StatusCode::IndexError, HasSubstr("column index -1")));

  auto removed = t->RemoveColumn(1);
  ASSERT_OK(removed);
  EXPECT_EQ((*removed)->num_columns(), 1);
  EXPECT_EQ((*removed)->num_rows(), 3);
  EXPECT_THAT(t->RemoveColumn(5), StatusIs(StatusCode::IndexError, HasSubstr("column index 5")));
  // Removing the last column keeps the row count.
  auto none = (*removed)->RemoveColumn(0);
  ASSERT_OK(none);
  EXPECT_EQ((*none)->num_columns(), 0);
  EXPECT_EQ((*none)->num_rows(), 3);

  auto renamed = t->RenameColumns({"x", "y"});
  ASSERT_OK(renamed);
  EXPECT_EQ((*renamed)->schema()->field_names(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ((*renamed)->column(0), t->column(0));
  EXPECT_THAT(t->RenameColumns({"x", "y", "z"}), StatusIs(StatusCode::Invalid, HasSubstr("expected 2 names")));

  auto md = key_value_metadata({{"other", "1"}});
  EXPECT_TRUE(MetadataEquals(t->ReplaceSchemaMetadata(md)->schema()->metadata(), md));
}

// ---------------------------------------------------------------------------
// CombineChunks

TEST(TableTest, CombineChunksMakesOneChunkPerColumn) {
  auto single = Chunked({Str({"p", "q", "r"})});
  auto t = Table::Make(schema({field("a", int32()), field("b", utf8()), field("c", utf8()), field("d", int32())}),
                       ChunkedArrayVector{Chunked({I32({1, N}), I32({}), I32({3})}), Chunked({Str({"x"}), Str({"y", N})}),
                                          single, Chunked({}, int32())},
                       3);
  ASSERT_THAT(t->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("column 3 ('d') has 0 rows")));
  auto combined = t->CombineChunks();
  ASSERT_OK(combined);
  for (int i = 0; i < 4; ++i) EXPECT_EQ((*combined)->column(i)->num_chunks(), 1) << i;
  EXPECT_TRUE((*combined)->column(0)->chunk(0)->Equals(*I32({1, N, 3})));
  EXPECT_TRUE((*combined)->column(1)->chunk(0)->Equals(*Str({"x", "y", N})));
  EXPECT_EQ((*combined)->column(2), single);  // already one chunk: not copied
  EXPECT_EQ((*combined)->column(3)->length(), 0);
  EXPECT_TRUE((*combined)->column(0)->Equals(*t->column(0)));
}

TEST(TableTest, CombineChunksOfSlicedTable) {
  auto t = Sample()->Slice(1);
  auto combined = t->CombineChunks();
  ASSERT_OK(combined);
  EXPECT_OK((*combined)->ValidateFull());
  EXPECT_TRUE((*combined)->Equals(*t));
  EXPECT_TRUE((*combined)->column(0)->chunk(0)->Equals(*I32({2, 3})));
}

// ---------------------------------------------------------------------------
// Batching

TEST(TableTest, ToBatchesCutsAtEveryColumnsChunkBoundaries) {
  // a: [2 | 1], b: [1 | 2]  -> batches of 1, 1, 1 rows.
  auto batches = Sample()->ToBatches();
  ASSERT_OK(batches);
  EXPECT_EQ(BatchRows(*batches), (std::vector<int64_t>{1, 1, 1}));
  for (const auto& b : *batches) EXPECT_OK(b->ValidateFull());
  EXPECT_TRUE((*batches)[1]->column(0)->Equals(*I32({2})));
  EXPECT_TRUE((*batches)[1]->column(1)->Equals(*Str({"y"})));
  EXPECT_TRUE((*batches)[2]->column(1)->Equals(*Str({N})));
  // Zero-copy: the batch columns are views of the chunks.
  auto t = Sample();
  auto again = t->ToBatches();
  ASSERT_OK(again);
  EXPECT_EQ((*again)[1]->column(0)->data()->buffers[1], t->column(0)->chunk(0)->data()->buffers[1]);
  EXPECT_EQ((*again)[2]->column(0), t->column(0)->chunk(1));  // a whole chunk is reused
}

TEST(TableTest, ToBatchesHonoursMaxChunksize) {
  std::vector<std::optional<int32_t>> seven{0, 1, 2, 3, 4, 5, 6};
  auto t = Table::Make(schema({field("a", int32())}), ChunkedArrayVector{Chunked({I32(seven), I32({7, 8})})});
  auto batches = t->ToBatches(3);
  ASSERT_OK(batches);
  EXPECT_EQ(BatchRows(*batches), (std::vector<int64_t>{3, 3, 1, 2}));
  EXPECT_TRUE((*batches)[1]->column(0)->Equals(*I32({3, 4, 5})));
  auto unlimited = t->ToBatches(0);
  ASSERT_OK(unlimited);
  EXPECT_EQ(BatchRows(*unlimited), (std::vector<int64_t>{7, 2}));
  // Batches rebuild the table.
  auto back = Table::FromRecordBatches(t->schema(), *batches);
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*t));
}

TEST(TableTest, ToBatchesSkipsEmptyChunksAndSlices) {
  auto t = Table::Make(schema({field("a", int32())}),
                       ChunkedArrayVector{Chunked({I32({}), I32({1, 2}), I32({}), I32({}), I32({3})})});
  auto batches = t->ToBatches();
  ASSERT_OK(batches);
  EXPECT_EQ(BatchRows(*batches), (std::vector<int64_t>{2, 1}));
  auto sliced = t->Slice(1, 2)->ToBatches();
  ASSERT_OK(sliced);
  EXPECT_EQ(BatchRows(*sliced), (std::vector<int64_t>{1, 1}));
  EXPECT_TRUE((*sliced)[0]->column(0)->Equals(*I32({2})));
}

TEST(TableTest, ToBatchesOfZeroColumnTable) {
  auto t = Table::Make(schema({}), ChunkedArrayVector{}, 5);
  auto batches = t->ToBatches(2);
  ASSERT_OK(batches);
  EXPECT_EQ(BatchRows(*batches), (std::vector<int64_t>{2, 2, 1}));
  auto whole = t->ToBatches();
  ASSERT_OK(whole);
  EXPECT_EQ(BatchRows(*whole), (std::vector<int64_t>{5}));
  EXPECT_EQ((*whole)[0]->num_columns(), 0);
}

TEST(TableBatchReaderTest, StreamsTheTable) {
  auto t = Sample();
  TableBatchReader reader(*t);
  EXPECT_EQ(reader.schema(), t->schema());
  reader.set_chunksize(1);
  auto all = reader.ReadAll();
  ASSERT_OK(all);
  EXPECT_EQ(BatchRows(*all), (std::vector<int64_t>{1, 1, 1}));
  RecordBatchPtr next;
  ASSERT_OK(reader.ReadNext(&next));
  EXPECT_EQ(next, nullptr);
}

TEST(TableBatchReaderTest, ShortColumnIsAnErrorNotACrash) {
  // An unchecked table claiming more rows than its column holds.
  auto t = Table::Make(schema({field("a", int32())}), ChunkedArrayVector{Chunked({I32({1, 2})})}, 4);
  TableBatchReader reader(*t);
  RecordBatchPtr next;
  ASSERT_OK(reader.ReadNext(&next));
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->num_rows(), 2);
  EXPECT_THAT(reader.ReadNext(&next), StatusIs(StatusCode::Invalid, HasSubstr("ends after 2 rows")));
  EXPECT_THAT(t->ToBatches(), StatusIs(StatusCode::Invalid, HasSubstr("column 0 ('a')")));
}

// ---------------------------------------------------------------------------
// Equality and validation

TEST(TableTest, EqualsIgnoresChunkingAndOptionallyMetadata) {
  auto a = Sample();
  auto b = Table::Make(AB(key_value_metadata({{"k", "v"}})),
                       ChunkedArrayVector{Chunked({I32({1, 2, 3})}), Chunked({Str({"x", "y"}), Str({N})})});
  EXPECT_TRUE(a->Equals(*b));
  EXPECT_FALSE(a->Equals(*b, /*check_metadata=*/true));
  EXPECT_TRUE(b->Equals(*b, true));
  EXPECT_FALSE(a->Equals(*a->Slice(1)));
  EXPECT_FALSE(a->Equals(*Table::Make(AB(), ChunkedArrayVector{Chunked({I32({1, 2, 4})}), a->column(1)})));
  EXPECT_FALSE(a->Equals(*a->RenameColumns({"a", "c"}).ValueOrDie()));
  // Field metadata counts only with check_metadata.
  auto with_field_md = Table::Make(
      schema({field("a", int32(), true, key_value_metadata({{"x", "y"}})), field("b", utf8())}), a->columns());
  EXPECT_TRUE(a->Equals(*with_field_md));
  EXPECT_FALSE(a->Equals(*with_field_md, true));
}

TEST(TableTest, ValidateReportsMismatches) {
  auto wrong_length = Table::Make(AB(), ChunkedArrayVector{Chunked({I32({1, 2})}), Chunked({Str({"x"})})});
  EXPECT_THAT(wrong_length->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("column 1 ('b') has 1 rows but the table has 2")));
  auto wrong_type = Table::Make(AB(), ChunkedArrayVector{Chunked({I32({1})}), Chunked({I32({1})})});
  EXPECT_THAT(wrong_type->Validate(),
              StatusIs(StatusCode::Invalid, HasSubstr("column 1 ('b') has type int32 but its schema field has type string")));
  auto missing = Table::Make(AB(), ChunkedArrayVector{Chunked({I32({1})})});
  EXPECT_THAT(missing->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("expected 2 columns")));
  auto broken = MakeArray(ArrayData::Make(int32(), 3, {nullptr, testing::BufferOf<int32_t>({1})}, 0));
  auto with_broken = Table::Make(AB(), ChunkedArrayVector{Chunked({I32({1}), broken}), Chunked({Str({"a", "b", "c", "d"})})});
  EXPECT_THAT(with_broken->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("in column 0 ('a'): in chunk 1")));
}

TEST(TableTest, Nbytes) {
  auto t = Sample();
  int64_t expected = 0;
  for (const auto& col : t->columns()) {
    for (const auto& c : col->chunks()) expected += c->nbytes();
  }
  EXPECT_EQ(t->nbytes(), expected);
  EXPECT_GT(expected, 0);
}

// ---------------------------------------------------------------------------
// ConcatenateTables

TEST(ConcatenateTablesTest, AppendsChunksWithoutCopying) {
  auto t1 = Sample();
  auto t2 = Sample()->Slice(2);
  auto out = ConcatenateTables({t1, t2});
  ASSERT_OK(out);
  EXPECT_EQ((*out)->num_rows(), 4);
  EXPECT_EQ(ChunkLengths(*(*out)->column(0)), (std::vector<int64_t>{2, 1, 1}));
  EXPECT_EQ((*out)->column(0)->chunk(0), t1->column(0)->chunk(0));
  EXPECT_TRUE((*out)->column(1)->Equals(*Chunked({Str({"x", "y", N, N})})));
  EXPECT_OK((*out)->ValidateFull());
}

TEST(ConcatenateTablesTest, EmptyTablesAndErrors) {
  EXPECT_THAT(ConcatenateTables({}), StatusIs(StatusCode::Invalid, HasSubstr("at least one table")));
  auto empty = Table::FromRecordBatches(AB(), {}).ValueOrDie();
  auto out = ConcatenateTables({empty, Sample(), empty});
  ASSERT_OK(out);
  EXPECT_EQ((*out)->num_rows(), 3);
  EXPECT_OK((*out)->ValidateFull());
  auto other = Table::Make(schema({field("a", int32()), field("b", large_utf8())}),
                           ChunkedArrayVector{Chunked({}, int32()), Chunked({}, large_utf8())});
  EXPECT_THAT(ConcatenateTables({Sample(), other}),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("schema mismatch in table 1 at field 1: expected 'b: string' but found 'b: large_string'")));
  // Schema metadata may differ; the first table's is kept.
  auto with_md = Sample(key_value_metadata({{"k", "v"}}));
  auto mixed = ConcatenateTables({with_md, Sample()});
  ASSERT_OK(mixed);
  EXPECT_TRUE(MetadataEquals((*mixed)->schema()->metadata(), with_md->schema()->metadata()));
}

// ---------------------------------------------------------------------------
// Printing (expected strings are pyarrow's str() of the same data, with the
// "pyarrow." prefix read as "quiver.")

TEST(TableTest, ToStringMatchesPyarrow) {
  EXPECT_EQ(Sample(key_value_metadata({{"k", "v"}}))->ToString(),
            "quiver.Table\na: int32\nb: string\n----\na: [[1,2],[3]]\nb: [[\"x\"],[\"y\",null]]");
  EXPECT_EQ(Sample()->Slice(1, 1)->ToString(), "quiver.Table\na: int32\nb: string\n----\na: [[2]]\nb: [[\"y\"]]");
  std::vector<std::optional<int32_t>> twelve;
  for (int i = 0; i < 12; ++i) twelve.push_back(i);
  EXPECT_EQ(Table::Make(schema({field("a", int32())}), ChunkedArrayVector{Chunked({I32(twelve), I32({1})})})->ToString(),
            "quiver.Table\na: int32\n----\na: [[0,1,2,3,4,...,7,8,9,10,11],[1]]");
  ArrayVector many;
  for (int i = 0; i < 13; ++i) many.push_back(I32({i}));
  EXPECT_EQ(Table::Make(schema({field("a", int32())}), ChunkedArrayVector{Chunked(many)})->ToString(),
            "quiver.Table\na: int32\n----\na: [[0],[1],...,[11],[12]]");
}

TEST(TableTest, ToStringOfEmptyTables) {
  EXPECT_EQ(Table::Make(schema({}), ChunkedArrayVector{})->ToString(), "quiver.Table\n\n----");
  EXPECT_EQ(Table::FromRecordBatches(schema({field("a", int32())}), {}).ValueOrDie()->ToString(),
            "quiver.Table\na: int32\n----\na: []");
}

TEST(TableTest, ToStringPreviewsTenColumns) {
  FieldVector fields;
  ArrayVector columns;
  std::string expected = "quiver.Table";
  for (int i = 0; i < 12; ++i) {
    fields.push_back(field("c" + std::to_string(i), int32()));
    columns.push_back(I32({i}));
    expected += "\nc" + std::to_string(i) + ": int32";
  }
  expected += "\n----";
  for (int i = 0; i < 10; ++i) expected += "\nc" + std::to_string(i) + ": [[" + std::to_string(i) + "]]";
  expected += "\n...";
  EXPECT_EQ(Table::Make(schema(fields), columns)->ToString(), expected);
}

// ---------------------------------------------------------------------------
// Every gold integration file: tables of every type survive combining chunks
// (Concatenate), slicing and re-batching unchanged.

std::vector<testing::GoldFile> GoldFilesOrEmpty() {
  auto files = testing::ListGoldFiles();
  return files.ok() ? *files : std::vector<testing::GoldFile>{};
}

class GoldTableTest : public ::testing::TestWithParam<testing::GoldFile> {};

TEST_P(GoldTableTest, CombineSliceAndRebatch) {
  const auto& gold = GetParam();
  SCOPED_TRACE(gold.version + "/" + gold.name);
  auto file = testing::ReadIntegrationJson(gold.json_path);
  ASSERT_OK(file);
  RecordBatchVector batches;
  for (const auto& b : file->batches) {
    auto batch = RecordBatch::MakeChecked(file->schema, b.num_rows, b.columns);
    ASSERT_OK(batch);
    batches.push_back(*batch);
  }
  auto table = Table::FromRecordBatches(file->schema, batches);
  ASSERT_OK(table);
  ASSERT_OK((*table)->ValidateFull());

  auto combined = (*table)->CombineChunks();
  ASSERT_OK(combined);
  ASSERT_OK((*combined)->ValidateFull());
  EXPECT_TRUE((*combined)->Equals(**table)) << "combined:\n" << (*combined)->ToString();
  for (const auto& col : (*combined)->columns()) {
    EXPECT_LE(col->num_chunks(), 1);
  }

  // Chunks sliced at both ends, then combined.
  const int64_t n = (*table)->num_rows();
  if (n >= 3) {
    auto sliced = (*table)->Slice(1, n - 2);
    auto sliced_combined = sliced->CombineChunks();
    ASSERT_OK(sliced_combined);
    ASSERT_OK((*sliced_combined)->ValidateFull());
    EXPECT_TRUE((*sliced_combined)->Equals(*sliced));
    EXPECT_TRUE((*sliced_combined)->Equals(*(*combined)->Slice(1, n - 2)));
  }

  // Re-batched into small batches and back.
  auto small = (*table)->ToBatches(3);
  ASSERT_OK(small);
  for (const auto& b : *small) {
    EXPECT_LE(b->num_rows(), 3);
    ASSERT_OK(b->ValidateFull());
  }
  auto rebuilt = Table::FromRecordBatches((*table)->schema(), *small);
  ASSERT_OK(rebuilt);
  EXPECT_TRUE((*rebuilt)->Equals(**table, /*check_metadata=*/true));

  // The table appended to itself.
  auto twice = ConcatenateTables({*table, *table});
  ASSERT_OK(twice);
  EXPECT_EQ((*twice)->num_rows(), 2 * n);
  ASSERT_OK((*twice)->ValidateFull());
  auto twice_combined = (*twice)->CombineChunks();
  ASSERT_OK(twice_combined);
  ASSERT_OK((*twice_combined)->ValidateFull());
  EXPECT_TRUE((*twice_combined)->Slice(n)->Equals(**table));
}

std::string GoldCaseName(const ::testing::TestParamInfo<testing::GoldFile>& info) {
  std::string name = info.param.version + "_" + info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllProducers, GoldTableTest, ::testing::ValuesIn(GoldFilesOrEmpty()), GoldCaseName);

TEST(GoldTableDataTest, GoldFilesArePresent) {
  // The parameterised cases above silently vanish without the data: fail instead.
  auto files = testing::ListGoldFiles();
  ASSERT_OK(files);
  EXPECT_GT(files->size(), 0u);
}

}  // namespace
}  // namespace quiver
