// Tests for RecordBatch and RecordBatchReader: checked construction with clear
// mismatch errors, struct-array round trips, zero-copy slicing, column edits,
// equality with and without metadata, validation and pyarrow's printed form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "quiver/record_batch.h"
#include "quiver/testing/hand_built.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;
constexpr auto N = std::nullopt;

using testing::BitmapOf;
using testing::BufferOf;
ArrayPtr I32(const std::vector<std::optional<int32_t>>& values) { return testing::NumericArray(int32(), values); }
ArrayPtr Str(const std::vector<std::optional<std::string>>& values) { return testing::StringArray(values); }

SchemaPtr AB(MetadataPtr metadata = nullptr) {
  return schema({field("a", int32()), field("b", utf8())}, std::move(metadata));
}

RecordBatchPtr Batch() { return RecordBatch::Make(AB(), 3, {I32({1, 2, 3}), Str({"x", N, "z"})}); }

// ---------------------------------------------------------------------------
// Construction

TEST(RecordBatchTest, MakeCheckedAcceptsMatchingColumns) {
  auto batch = RecordBatch::MakeChecked(AB(), 3, {I32({1, 2, 3}), Str({"x", N, "z"})});
  ASSERT_OK(batch);
  EXPECT_EQ((*batch)->num_rows(), 3);
  EXPECT_EQ((*batch)->num_columns(), 2);
  EXPECT_EQ((*batch)->column_name(1), "b");
  EXPECT_EQ((*batch)->column(1)->null_count(), 1);
  EXPECT_OK((*batch)->ValidateFull());
}

TEST(RecordBatchTest, MakeCheckedReportsMismatches) {
  EXPECT_THAT(RecordBatch::MakeChecked(AB(), 3, {I32({1, 2, 3})}),
              StatusIs(StatusCode::Invalid, HasSubstr("expected 2 columns (one per schema field) but found 1")));
  EXPECT_THAT(RecordBatch::MakeChecked(AB(), 3, {I32({1, 2, 3}), Str({"x"})}),
              StatusIs(StatusCode::Invalid, HasSubstr("column 1 ('b') has 1 rows but the batch has 3")));
  EXPECT_THAT(RecordBatch::MakeChecked(AB(), 1, {I32({1}), I32({2})}),
              StatusIs(StatusCode::TypeError,
                       HasSubstr("column 1 ('b') has type int32 but its schema field has type string")));
  EXPECT_THAT(RecordBatch::MakeChecked(AB(), -1, {I32({}), Str({})}),
              StatusIs(StatusCode::Invalid, HasSubstr(">= 0")));
  EXPECT_THAT(RecordBatch::MakeChecked(nullptr, 0, {}), StatusIs(StatusCode::Invalid, HasSubstr("schema")));
}

TEST(RecordBatchTest, ZeroColumnBatchKeepsItsRowCount) {
  auto batch = RecordBatch::MakeChecked(schema({}), 7, {});
  ASSERT_OK(batch);
  EXPECT_EQ((*batch)->num_rows(), 7);
  EXPECT_EQ((*batch)->num_columns(), 0);
  EXPECT_EQ((*batch)->Slice(2, 3)->num_rows(), 3);
  EXPECT_EQ((*batch)->Slice(5)->num_rows(), 2);
  EXPECT_OK((*batch)->ValidateFull());
  EXPECT_EQ((*batch)->nbytes(), 0);
  auto as_struct = (*batch)->ToStructArray();
  ASSERT_OK(as_struct);
  EXPECT_EQ((*as_struct)->length(), 7);
}

TEST(RecordBatchTest, MakeEmpty) {
  auto s = schema({field("a", int32()), field("l", list(utf8())), field("d", dictionary(int8(), utf8()))});
  auto batch = RecordBatch::MakeEmpty(s);
  ASSERT_OK(batch);
  EXPECT_EQ((*batch)->num_rows(), 0);
  ASSERT_EQ((*batch)->num_columns(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*batch)->column(i)->length(), 0);
    EXPECT_TRUE((*batch)->column(i)->type()->Equals(*s->field(i)->type()));
  }
  EXPECT_OK((*batch)->ValidateFull());
  EXPECT_THAT(RecordBatch::MakeEmpty(nullptr), StatusIs(StatusCode::Invalid, HasSubstr("schema")));
}

// ---------------------------------------------------------------------------
// Struct arrays

TEST(RecordBatchTest, FromStructArrayFollowsTheSlice) {
  auto type = struct_({field("a", int32(), /*nullable=*/false), field("b", utf8())});
  auto st = MakeArray(ArrayData::Make(type, 3, {nullptr}, {I32({1, 2, 3})->data(), Str({"x", "y", N})->data()}, 0));
  auto batch = RecordBatch::FromStructArray(*st->Slice(1));
  ASSERT_OK(batch);
  EXPECT_EQ((*batch)->num_rows(), 2);
  EXPECT_EQ((*batch)->schema()->field(0)->nullable(), false);
  EXPECT_TRUE((*batch)->column(0)->Equals(*I32({2, 3})));
  EXPECT_TRUE((*batch)->column(1)->Equals(*Str({"y", N})));
  EXPECT_OK((*batch)->ValidateFull());
}

TEST(RecordBatchTest, FromStructArrayRejectsNullsAndOtherTypes) {
  auto type = struct_({field("a", int32())});
  auto with_nulls = MakeArray(ArrayData::Make(type, 2, {BitmapOf({1, 0})}, {I32({1, 2})->data()}));
  EXPECT_THAT(RecordBatch::FromStructArray(*with_nulls), StatusIs(StatusCode::Invalid, HasSubstr("with nulls")));
  // A slice without the null is fine.
  EXPECT_OK(RecordBatch::FromStructArray(*with_nulls->Slice(0, 1)));
  EXPECT_THAT(RecordBatch::FromStructArray(*I32({1})),
              StatusIs(StatusCode::TypeError, HasSubstr("struct array only, but found int32")));
}

TEST(RecordBatchTest, ToStructArrayRoundTrips) {
  auto s = schema({field("a", int32(), false, key_value_metadata({{"k", "v"}})), field("b", utf8())});
  auto batch = RecordBatch::Make(s, 3, {I32({1, 2, 3}), Str({"x", N, "z"})});
  auto st = batch->ToStructArray();
  ASSERT_OK(st);
  EXPECT_EQ((*st)->type_id(), TypeId::STRUCT);
  EXPECT_EQ((*st)->length(), 3);
  EXPECT_EQ((*st)->null_count(), 0);
  EXPECT_TRUE((*st)->type()->field(0)->Equals(*s->field(0), /*check_metadata=*/true));
  auto back = RecordBatch::FromStructArray(**st);
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*batch));
  EXPECT_TRUE((*back)->schema()->field(0)->Equals(*s->field(0), true));
}

// ---------------------------------------------------------------------------
// Access and edits

TEST(RecordBatchTest, GetColumnByName) {
  auto batch = Batch();
  EXPECT_EQ(batch->GetColumnByName("b"), batch->column(1));
  EXPECT_EQ(batch->GetColumnByName("missing"), nullptr);
  auto dup = RecordBatch::Make(schema({field("a", int32()), field("a", int32())}), 1, {I32({1}), I32({2})});
  EXPECT_EQ(dup->GetColumnByName("a"), nullptr);  // ambiguous
}

TEST(RecordBatchTest, SliceIsZeroCopyAndClamped) {
  auto batch = Batch();
  auto s = batch->Slice(1, 5);
  EXPECT_EQ(s->num_rows(), 2);
  EXPECT_EQ(s->column(0)->offset(), 1);
  EXPECT_EQ(s->column(0)->data()->buffers[1], batch->column(0)->data()->buffers[1]);
  EXPECT_TRUE(s->column(1)->Equals(*Str({N, "z"})));
  EXPECT_EQ(batch->Slice(3)->num_rows(), 0);
  EXPECT_EQ(batch->Slice(10, 1)->num_rows(), 0);
  EXPECT_EQ(batch->Slice(-1, 2)->num_rows(), 2);
  EXPECT_OK(s->ValidateFull());
  EXPECT_TRUE(s->schema() == batch->schema());
}

TEST(RecordBatchTest, SelectColumns) {
  auto batch = RecordBatch::Make(AB(key_value_metadata({{"k", "v"}})), 3, Batch()->columns());
  auto picked = batch->SelectColumns({1, 0, 1});
  ASSERT_OK(picked);
  EXPECT_EQ((*picked)->num_columns(), 3);
  EXPECT_EQ((*picked)->schema()->field_names(), (std::vector<std::string>{"b", "a", "b"}));
  EXPECT_EQ((*picked)->column(1), batch->column(0));
  EXPECT_TRUE(MetadataEquals((*picked)->schema()->metadata(), batch->schema()->metadata()));
  auto none = batch->SelectColumns({});
  ASSERT_OK(none);
  EXPECT_EQ((*none)->num_columns(), 0);
  EXPECT_EQ((*none)->num_rows(), 3);
  EXPECT_THAT(batch->SelectColumns({0, 2}), StatusIs(StatusCode::IndexError, HasSubstr("column index 2")));
  EXPECT_THAT(batch->SelectColumns({-1}), StatusIs(StatusCode::IndexError, HasSubstr("column index -1")));
}

TEST(RecordBatchTest, AddColumn) {
  auto batch = Batch();
  auto added = batch->AddColumn(1, field("c", int32()), I32({7, 8, 9}));
  ASSERT_OK(added);
  EXPECT_EQ((*added)->schema()->field_names(), (std::vector<std::string>{"a", "c", "b"}));
  EXPECT_OK((*added)->ValidateFull());
  auto at_end = batch->AddColumn(2, field("c", int32()), I32({7, 8, 9}));
  ASSERT_OK(at_end);
  EXPECT_EQ((*at_end)->column_name(2), "c");
  EXPECT_THAT(batch->AddColumn(1, field("c", int32()), I32({7})),
              StatusIs(StatusCode::Invalid, HasSubstr("'c' has 1 rows but the batch has 3")));
  EXPECT_THAT(batch->AddColumn(1, field("c", utf8()), I32({7, 8, 9})),
              StatusIs(StatusCode::TypeError, HasSubstr("has type int32 but its field has type string")));
  EXPECT_THAT(batch->AddColumn(3, field("c", int32()), I32({7, 8, 9})),
              StatusIs(StatusCode::IndexError, HasSubstr("column index 3")));
  // Adding to a zero-column batch.
  auto empty = RecordBatch::Make(schema({}), 2, {});
  auto one = empty->AddColumn(0, field("x", int32()), I32({1, 2}));
  ASSERT_OK(one);
  EXPECT_EQ((*one)->num_columns(), 1);
}

TEST(RecordBatchTest, RemoveAndRenameColumns) {
  auto batch = Batch();
  auto removed = batch->RemoveColumn(0);
  ASSERT_OK(removed);
  EXPECT_EQ((*removed)->schema()->field_names(), (std::vector<std::string>{"b"}));
  EXPECT_EQ((*removed)->column(0), batch->column(1));
  EXPECT_THAT(batch->RemoveColumn(2), StatusIs(StatusCode::IndexError, HasSubstr("column index 2")));
  auto renamed = batch->RenameColumns({"x", "y"});
  ASSERT_OK(renamed);
  EXPECT_EQ((*renamed)->schema()->field_names(), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE((*renamed)->schema()->field(1)->type()->Equals(*utf8()));
  EXPECT_THAT(batch->RenameColumns({"x"}),
              StatusIs(StatusCode::Invalid, HasSubstr("expected 2 names (one per column) but found 1")));
}

TEST(RecordBatchTest, ReplaceSchemaMetadata) {
  auto batch = Batch();
  auto md = key_value_metadata({{"origin", "test"}});
  auto replaced = batch->ReplaceSchemaMetadata(md);
  EXPECT_TRUE(MetadataEquals(replaced->schema()->metadata(), md));
  EXPECT_EQ(replaced->column(0), batch->column(0));
  EXPECT_EQ(batch->schema()->metadata(), nullptr);
}

// ---------------------------------------------------------------------------
// Equality and validation

TEST(RecordBatchTest, EqualsWithAndWithoutMetadata) {
  auto a = Batch();
  auto b = RecordBatch::Make(AB(key_value_metadata({{"k", "v"}})), 3, {I32({1, 2, 3}), Str({"x", N, "z"})});
  EXPECT_TRUE(a->Equals(*b));
  EXPECT_FALSE(a->Equals(*b, /*check_metadata=*/true));
  EXPECT_TRUE(b->Equals(*b, true));
  EXPECT_FALSE(a->Equals(*RecordBatch::Make(AB(), 3, {I32({1, 2, 4}), Str({"x", N, "z"})})));
  EXPECT_FALSE(a->Equals(*a->Slice(0, 2)));
  EXPECT_FALSE(a->Equals(*RecordBatch::Make(schema({field("a", int32()), field("c", utf8())}), 3, a->columns())));
  EXPECT_TRUE(a->Slice(1)->Equals(*RecordBatch::Make(AB(), 2, {I32({2, 3}), Str({N, "z"})})));
}

TEST(RecordBatchTest, ValidateReportsUncheckedMismatches) {
  auto short_col = RecordBatch::Make(AB(), 3, {I32({1, 2, 3}), Str({"x"})});
  EXPECT_THAT(short_col->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("column 1 ('b') has 1 rows")));
  auto missing = RecordBatch::Make(AB(), 3, {I32({1, 2, 3})});
  EXPECT_THAT(missing->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("expected 2 columns")));
  auto wrong_type = RecordBatch::Make(AB(), 1, {I32({1}), I32({1})});
  EXPECT_THAT(wrong_type->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("has type int32")));
  auto broken = MakeArray(ArrayData::Make(int32(), 3, {nullptr, testing::BufferOf<int32_t>({1})}, 0));
  auto with_broken = RecordBatch::Make(AB(), 3, {broken, Str({"x", "y", "z"})});
  EXPECT_THAT(with_broken->Validate(), StatusIs(StatusCode::Invalid, HasSubstr("in column 0 ('a')")));
  auto bad_utf8 = MakeArray(ArrayData::Make(utf8(), 1, {nullptr, testing::BufferOf<int32_t>({0, 1}), *Buffer::CopyFrom("\xff")}, 0));
  auto with_bad_utf8 = RecordBatch::Make(AB(), 1, {I32({1}), bad_utf8});
  EXPECT_OK(with_bad_utf8->Validate());
  EXPECT_THAT(with_bad_utf8->ValidateFull(), StatusIs(StatusCode::Invalid, HasSubstr("in column 1 ('b')")));
}

TEST(RecordBatchTest, NbytesSumsColumnBuffers) {
  auto batch = Batch();
  EXPECT_EQ(batch->nbytes(), batch->column(0)->nbytes() + batch->column(1)->nbytes());
  EXPECT_GT(batch->nbytes(), 0);
}

// ---------------------------------------------------------------------------
// Printing (expected strings are pyarrow's str() of the same data, with the
// "pyarrow." prefix read as "quiver.")

TEST(RecordBatchTest, ToStringMatchesPyarrow) {
  EXPECT_EQ(Batch()->ToString(), "quiver.RecordBatch\na: int32\nb: string\n----\na: [1,2,3]\nb: [\"x\",null,\"z\"]");
  EXPECT_EQ(Batch()->Slice(1)->ToString(), "quiver.RecordBatch\na: int32\nb: string\n----\na: [2,3]\nb: [null,\"z\"]");
  std::vector<std::optional<int32_t>> many;
  for (int i = 0; i < 25; ++i) many.push_back(i);
  EXPECT_EQ(RecordBatch::Make(schema({field("a", int32())}), 25, {I32(many)})->ToString(),
            "quiver.RecordBatch\na: int32\n----\na: [0,1,2,3,4,5,6,7,8,9,...,15,16,17,18,19,20,21,22,23,24]");
}

TEST(RecordBatchTest, ToStringHidesMetadataAndShowsNullability) {
  auto s = schema({field("a", int32(), false, key_value_metadata({{"x", "y"}}))}, key_value_metadata({{"k", "v"}}));
  EXPECT_EQ(RecordBatch::Make(s, 1, {I32({1})})->ToString(), "quiver.RecordBatch\na: int32 not null\n----\na: [1]");
}

TEST(RecordBatchTest, ToStringOfZeroColumnsAndManyColumns) {
  EXPECT_EQ(RecordBatch::Make(schema({}), 0, {})->ToString(), "quiver.RecordBatch\n\n----");
  FieldVector fields;
  ArrayVector columns;
  std::string expected = "quiver.RecordBatch";
  for (int i = 0; i < 12; ++i) {
    fields.push_back(field("c" + std::to_string(i), int32()));
    columns.push_back(I32({i}));
    expected += "\nc" + std::to_string(i) + ": int32";
  }
  expected += "\n----";
  for (int i = 0; i < 10; ++i) expected += "\nc" + std::to_string(i) + ": [" + std::to_string(i) + "]";
  expected += "\n...";
  EXPECT_EQ(RecordBatch::Make(schema(fields), 1, columns)->ToString(), expected);
}

// ---------------------------------------------------------------------------
// RecordBatchReader

TEST(RecordBatchReaderTest, ReadsBatchesInOrder) {
  auto batch = Batch();
  auto reader = RecordBatchReader::Make({batch, batch->Slice(1), batch->Slice(3)});
  ASSERT_OK(reader);
  EXPECT_TRUE((*reader)->schema()->Equals(*AB()));
  RecordBatchPtr next;
  ASSERT_OK((*reader)->ReadNext(&next));
  EXPECT_EQ(next, batch);
  auto rest = (*reader)->ReadAll();
  ASSERT_OK(rest);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0]->num_rows(), 2);
  EXPECT_EQ((*rest)[1]->num_rows(), 0);
  ASSERT_OK((*reader)->ReadNext(&next));
  EXPECT_EQ(next, nullptr);
}

TEST(RecordBatchReaderTest, EmptyReaderNeedsASchema) {
  EXPECT_THAT(RecordBatchReader::Make({}), StatusIs(StatusCode::Invalid, HasSubstr("pass the schema")));
  auto reader = RecordBatchReader::Make({}, AB());
  ASSERT_OK(reader);
  EXPECT_TRUE((*reader)->schema()->Equals(*AB()));
  auto all = (*reader)->ReadAll();
  ASSERT_OK(all);
  EXPECT_TRUE(all->empty());
}

TEST(RecordBatchReaderTest, RejectsBatchesOfAnotherSchema) {
  auto other = RecordBatch::Make(schema({field("a", int64())}), 0, {*MakeEmptyArray(int64())});
  EXPECT_THAT(RecordBatchReader::Make({Batch(), other}),
              StatusIs(StatusCode::Invalid, HasSubstr("batch 1 has\na: int64")));
  EXPECT_THAT(RecordBatchReader::Make({other}, AB()), StatusIs(StatusCode::Invalid, HasSubstr("expected\na: int32")));
}

TEST(RecordBatchReaderTest, CloseEndsTheStream) {
  auto reader = RecordBatchReader::Make({Batch(), Batch()});
  ASSERT_OK(reader);
  ASSERT_OK((*reader)->Close());
  RecordBatchPtr next;
  ASSERT_OK((*reader)->ReadNext(&next));
  EXPECT_EQ(next, nullptr);
}

}  // namespace
}  // namespace quiver
