// Tests for ChunkedArray: construction checks, slicing across chunk boundaries
// (zero-copy), equality independent of chunk layout, validation and pyarrow's
// printed form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "quiver/chunked_array.h"
#include "quiver/pretty_print.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/testing/hand_built.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;
constexpr auto N = std::nullopt;

ArrayPtr I64(const std::vector<std::optional<int64_t>>& values) { return testing::NumericArray(int64(), values); }
ArrayPtr Str(const std::vector<std::optional<std::string>>& values) { return testing::StringArray(values); }

ChunkedArrayPtr Chunked(ArrayVector chunks) { return *ChunkedArray::Make(std::move(chunks)); }

// The values of a chunked int64 column, nulls as nullopt.
std::vector<std::optional<int64_t>> Values(const ChunkedArray& ca) {
  std::vector<std::optional<int64_t>> out;
  for (const auto& c : ca.chunks()) {
    const auto& a = static_cast<const Int64Array&>(*c);
    for (int64_t i = 0; i < a.length(); ++i) {
      out.push_back(a.IsValid(i) ? std::optional<int64_t>(a.Value(i)) : std::nullopt);
    }
  }
  return out;
}

std::vector<int64_t> ChunkLengths(const ChunkedArray& ca) {
  std::vector<int64_t> out;
  for (const auto& c : ca.chunks()) out.push_back(c->length());
  return out;
}

// ---------------------------------------------------------------------------
// Construction

TEST(ChunkedArrayTest, MakeTakesTheTypeOfTheFirstChunk) {
  auto ca = Chunked({I64({1, 2}), I64({3, N, 5})});
  EXPECT_TRUE(ca->type()->Equals(*int64()));
  EXPECT_EQ(ca->length(), 5);
  EXPECT_EQ(ca->null_count(), 1);
  EXPECT_EQ(ca->num_chunks(), 2);
  EXPECT_EQ(ca->chunk(1)->length(), 3);
}

TEST(ChunkedArrayTest, EmptyNeedsAnExplicitType) {
  EXPECT_THAT(ChunkedArray::Make({}), StatusIs(StatusCode::Invalid, HasSubstr("pass the type")));
  auto empty = ChunkedArray::Make({}, utf8());
  ASSERT_OK(empty);
  EXPECT_EQ((*empty)->length(), 0);
  EXPECT_EQ((*empty)->num_chunks(), 0);
  EXPECT_EQ((*empty)->null_count(), 0);
  EXPECT_OK((*empty)->ValidateFull());
}

TEST(ChunkedArrayTest, ChunksOfAnotherTypeAreRejected) {
  EXPECT_THAT(ChunkedArray::Make({I64({1}), Str({"a"})}),
              StatusIs(StatusCode::TypeError, HasSubstr("expected int64 but chunk 1 has type string")));
  EXPECT_THAT(ChunkedArray::Make({I64({1})}, utf8()),
              StatusIs(StatusCode::TypeError, HasSubstr("expected string but chunk 0 has type int64")));
  EXPECT_THAT(ChunkedArray::Make({I64({1}), nullptr}), StatusIs(StatusCode::Invalid, HasSubstr("chunk 1 is null")));
}

// ---------------------------------------------------------------------------
// Slicing

TEST(ChunkedArrayTest, SliceAcrossChunkBoundaries) {
  auto ca = Chunked({I64({0, 1, 2}), I64({3, 4}), I64({}), I64({5, 6, 7})});
  auto s = ca->Slice(2, 4);
  EXPECT_EQ(s->length(), 4);
  EXPECT_EQ(ChunkLengths(*s), (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(Values(*s), (std::vector<std::optional<int64_t>>{2, 3, 4, 5}));
  // Within one chunk.
  auto inner = ca->Slice(6, 1);
  EXPECT_EQ(ChunkLengths(*inner), (std::vector<int64_t>{1}));
  EXPECT_EQ(Values(*inner), (std::vector<std::optional<int64_t>>{6}));
  // To the end.
  EXPECT_EQ(Values(*ca->Slice(4)), (std::vector<std::optional<int64_t>>{4, 5, 6, 7}));
  // A slice of a slice.
  EXPECT_EQ(Values(*s->Slice(1, 2)), (std::vector<std::optional<int64_t>>{3, 4}));
}

TEST(ChunkedArrayTest, SliceIsZeroCopy) {
  auto a = I64({0, 1, 2});
  auto b = I64({3, 4});
  auto ca = Chunked({a, b});
  auto s = ca->Slice(1, 3);
  ASSERT_EQ(s->num_chunks(), 2);
  EXPECT_EQ(s->chunk(0)->data()->buffers[1], a->data()->buffers[1]);
  EXPECT_EQ(s->chunk(0)->offset(), 1);
  EXPECT_EQ(s->chunk(1)->data()->buffers[1], b->data()->buffers[1]);
  // A whole chunk is reused as is.
  auto whole = ca->Slice(3);
  ASSERT_EQ(whole->num_chunks(), 1);
  EXPECT_EQ(whole->chunk(0), b);
}

TEST(ChunkedArrayTest, SliceClampsAndKeepsOneEmptyChunk) {
  auto ca = Chunked({I64({0, 1}), I64({2})});
  auto past = ca->Slice(10, 5);
  EXPECT_EQ(past->length(), 0);
  EXPECT_EQ(past->num_chunks(), 1);
  EXPECT_TRUE(past->type()->Equals(*int64()));
  auto zero = ca->Slice(1, 0);
  EXPECT_EQ(zero->length(), 0);
  EXPECT_EQ(zero->num_chunks(), 1);
  EXPECT_EQ(ca->Slice(-3, 2)->length(), 2);
  EXPECT_EQ(ca->Slice(1, 100)->length(), 2);
  EXPECT_EQ(ca->Slice(0, -1)->length(), 0);
  // Without chunks a slice has none either.
  ChunkedArray none({}, int64());
  EXPECT_EQ(none.Slice(0, 3)->num_chunks(), 0);
  EXPECT_EQ(none.Slice(0, 3)->length(), 0);
}

TEST(ChunkedArrayTest, SliceKeepsNullCounts) {
  auto ca = Chunked({I64({N, 1, N}), I64({N, 4})});
  EXPECT_EQ(ca->null_count(), 3);
  EXPECT_EQ(ca->Slice(1, 3)->null_count(), 2);
  EXPECT_EQ(ca->Slice(4)->null_count(), 0);
}

// ---------------------------------------------------------------------------
// Equality

TEST(ChunkedArrayTest, EqualsIgnoresChunkBoundaries) {
  auto a = Chunked({I64({1, 2, 3}), I64({N, 5})});
  auto b = Chunked({I64({1}), I64({}), I64({2, 3, N}), I64({5})});
  EXPECT_TRUE(a->Equals(*b));
  EXPECT_TRUE(b->Equals(*a));
  EXPECT_TRUE(a->Equals(*a));
  EXPECT_TRUE(a->Slice(1, 3)->Equals(*Chunked({I64({2, 3, N})})));
}

TEST(ChunkedArrayTest, EqualsDetectsDifferences) {
  auto a = Chunked({I64({1, 2, 3}), I64({N, 5})});
  EXPECT_FALSE(a->Equals(*Chunked({I64({1, 2, 3}), I64({4, 5})})));  // null vs value
  EXPECT_FALSE(a->Equals(*Chunked({I64({1, 2, 3}), I64({N, 6})})));  // value
  EXPECT_FALSE(a->Equals(*Chunked({I64({1, 2, 3})})));                // length
  EXPECT_FALSE(Chunked({Str({"1"})})->Equals(*Chunked({I64({1})})));  // type
  ChunkedArray e1({}, int64()), e2({I64({})}, int64()), e3({}, utf8());
  EXPECT_TRUE(e1.Equals(e2));
  EXPECT_FALSE(e1.Equals(e3));
}

// ---------------------------------------------------------------------------
// Validation

TEST(ChunkedArrayTest, ValidateChecksTypesAndChunks) {
  EXPECT_OK(Chunked({I64({1}), I64({2, 3})})->Validate());
  EXPECT_OK(Chunked({I64({1}), I64({2, 3})})->ValidateFull());
  // The constructor does not check types; Validate does.
  ChunkedArray mixed({I64({1}), Str({"a"})}, int64());
  EXPECT_THAT(mixed.Validate(), StatusIs(StatusCode::Invalid, HasSubstr("chunk 1 has type string")));
  // A chunk whose buffer is too short is reported with the chunk's index.
  auto broken = MakeArray(ArrayData::Make(int64(), 4, {nullptr, testing::BufferOf<int64_t>({1})}, 0));
  ChunkedArray with_broken({I64({1}), broken}, int64());
  EXPECT_THAT(with_broken.Validate(), StatusIs(StatusCode::Invalid, HasSubstr("chunk 1")));
  EXPECT_THAT(with_broken.ValidateFull(), StatusIs(StatusCode::Invalid, HasSubstr("chunk 1")));
}

TEST(ChunkedArrayTest, ValidateFullChecksContent) {
  // Structurally fine, but the offsets decrease: only the full check sees it.
  auto bad = MakeArray(ArrayData::Make(utf8(), 2, {nullptr, testing::BufferOf<int32_t>({0, 2, 1}), *Buffer::CopyFrom("ab")}, 0));
  ChunkedArray ca({Str({"x"}), bad}, utf8());
  EXPECT_OK(ca.Validate());
  EXPECT_THAT(ca.ValidateFull(), StatusIs(StatusCode::Invalid, HasSubstr("chunk 1")));
}

// ---------------------------------------------------------------------------
// Printing (expected strings are pyarrow's str() of the same data)

TEST(ChunkedArrayTest, ToStringMatchesPyarrow) {
  EXPECT_EQ(Chunked({I64({1, 2}), I64({3})})->ToString(), "[\n  [\n    1,\n    2\n  ],\n  [\n    3\n  ]\n]");
  EXPECT_EQ(Chunked({Str({"a", N}), Str({}), Str({"b"})})->ToString(),
            "[\n  [\n    \"a\",\n    null\n  ],\n  [],\n  [\n    \"b\"\n  ]\n]");
  EXPECT_EQ(Chunked({I64({1, N, 3})})->Slice(1)->ToString(), "[\n  [\n    null,\n    3\n  ]\n]");
}

TEST(ChunkedArrayTest, ToStringOfEmptyColumns) {
  EXPECT_EQ(ChunkedArray({}, int64()).ToString(), "[\n\n]");
  EXPECT_EQ(ChunkedArray({I64({})}, int64()).ToString(), "[\n  []\n]");
}

TEST(ChunkedArrayTest, ToStringElidesLongChunksAndManyChunks) {
  std::vector<std::optional<int64_t>> twelve;
  for (int i = 0; i < 12; ++i) twelve.push_back(i);
  EXPECT_EQ(Chunked({I64(twelve), I64({1})})->ToString(),
            "[\n  [\n    0,\n    1,\n    2,\n    3,\n    4,\n    ...\n    7,\n    8,\n    9,\n    10,\n    11\n  ],\n"
            "  [\n    1\n  ]\n]");
  ArrayVector many;
  for (int i = 0; i < 13; ++i) many.push_back(I64({i}));
  EXPECT_EQ(Chunked(many)->ToString(),
            "[\n  [\n    0\n  ],\n  [\n    1\n  ],\n...,\n  [\n    11\n  ],\n  [\n    12\n  ]\n]");
  ArrayVector four(many.begin(), many.begin() + 4);
  EXPECT_EQ(Chunked(four)->ToString(),
            "[\n  [\n    0\n  ],\n  [\n    1\n  ],\n  [\n    2\n  ],\n  [\n    3\n  ]\n]");
}

TEST(ChunkedArrayTest, ToStringWithOptions) {
  PrettyPrintOptions one_line;
  one_line.skip_new_lines = true;
  one_line.window = 5;
  EXPECT_EQ(Chunked({I64({1, 2}), I64({3})})->ToString(one_line), "[[1,2],[3]]");
  EXPECT_EQ(ChunkedArray({}, int64()).ToString(one_line), "[]");
  ArrayVector many;
  for (int i = 0; i < 6; ++i) many.push_back(I64({i}));
  EXPECT_EQ(Chunked(many)->ToString(one_line), "[[0],[1],...,[4],[5]]");
  PrettyPrintOptions indented;
  indented.indent = 3;
  EXPECT_EQ(Chunked({I64({1, 2}), I64({3})})->ToString(indented),
            "   [\n     [\n       1,\n       2\n     ],\n     [\n       3\n     ]\n   ]");
}

TEST(ChunkedArrayTest, ToStringOneLineKeepsTheOuterIndent) {
  // pyarrow: chunked_array([[1,2],[3]]).to_string(indent=3, skip_new_lines=True)
  PrettyPrintOptions options;
  options.indent = 3;
  options.window = 5;
  options.skip_new_lines = true;
  EXPECT_EQ(Chunked({I64({1, 2}), I64({3})})->ToString(options), "   [[1,2],[3]   ]");
  ArrayVector seven;
  for (int i = 0; i < 7; ++i) seven.push_back(I64({i}));
  EXPECT_EQ(Chunked(seven)->ToString(options), "   [[0],[1],   ...,[5],[6]   ]");
}

// Chunks of nested and encoded types, in pyarrow's multi-line form (str()) and in
// the one-line form a table prints. Expected strings come from pyarrow.
struct NestedCase {
  TypePtr type;
  std::vector<std::string> chunks_json;
  std::string multi_line;
  std::string one_line;
};

TEST(ChunkedArrayTest, ToStringOfNestedChunksMatchesPyarrow) {
  const std::vector<NestedCase> cases = {
      {struct_({field("x", int64()), field("y", utf8())}),
       {R"([{"x": 1, "y": "a"}])", R"([{"x": 3, "y": null}])"},
       "[\n  -- is_valid: all not null\n  -- child 0 type: int64\n    [\n      1\n    ]\n  -- child 1 type: string\n"
       "    [\n      \"a\"\n    ],\n  -- is_valid: all not null\n  -- child 0 type: int64\n    [\n      3\n    ]\n"
       "  -- child 1 type: string\n    [\n      null\n    ]\n]",
       "[\n  -- is_valid: all not null\n  -- child 0 type: int64\n[1]\n  -- child 1 type: string\n[\"a\"],\n"
       "  -- is_valid: all not null\n  -- child 0 type: int64\n[3]\n  -- child 1 type: string\n[null]]"},
      {dictionary(int8(), utf8()),
       {R"(["a", "b", "a"])", R"(["c"])"},
       "[\n\n  -- dictionary:\n    [\n      \"a\",\n      \"b\"\n    ]\n  -- indices:\n    [\n      0,\n      1,\n"
       "      0\n    ],\n\n  -- dictionary:\n    [\n      \"c\"\n    ]\n  -- indices:\n    [\n      0\n    ]\n]",
       "[  -- dictionary:\n[\"a\",\"b\"]  -- indices:\n[0,1,0],  -- dictionary:\n[\"c\"]  -- indices:\n[0]]"},
      {list(int32()),
       {"[[1, 2], null, []]", "[[3]]"},
       "[\n  [\n    [\n      1,\n      2\n    ],\n    null,\n    []\n  ],\n  [\n    [\n      3\n    ]\n  ]\n]",
       "[[[1,2],null,[]],[[3]]]"},
      {null(), {"[null, null]", "[null]"}, "[\n2 nulls,\n1 nulls\n]", "[2 nulls,1 nulls]"},
      {run_end_encoded(int32(), utf8()),
       {R"(["a", "a", "b"])", R"(["c"])"},
       "[\n\n  -- run_ends:\n    [\n      2,\n      3\n    ]\n  -- values:\n    [\n      \"a\",\n      \"b\"\n    ],\n\n"
       "  -- run_ends:\n    [\n      1\n    ]\n  -- values:\n    [\n      \"c\"\n    ]\n]",
       "[  -- run_ends:\n[2,3]  -- values:\n[\"a\",\"b\"],  -- run_ends:\n[1]  -- values:\n[\"c\"]]"},
      {map(utf8(), int64()),
       {R"([[["k", 1]]])", "[null]"},
       "[\n  [\n    keys:\n    [\n      \"k\"\n    ]\n    values:\n    [\n      1\n    ]\n  ],\n  [\n    null\n  ]\n]",
       "[[keys:[\"k\"]values:[1]],[null]]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type->ToString());
    ArrayVector chunks;
    for (const auto& json : c.chunks_json) {
      auto chunk = testing::ArrayFromJSON(c.type, json);
      ASSERT_OK(chunk);
      chunks.push_back(*chunk);
    }
    ChunkedArray ca(chunks, c.type);
    EXPECT_EQ(ca.ToString(), c.multi_line);
    PrettyPrintOptions one_line;
    one_line.window = 5;
    one_line.skip_new_lines = true;
    EXPECT_EQ(ca.ToString(one_line), c.one_line);
  }
}

}  // namespace
}  // namespace quiver
