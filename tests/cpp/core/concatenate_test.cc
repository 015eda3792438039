// Tests for Concatenate: every type, sliced inputs, validity bitmaps at odd bit
// offsets, offset rebasing, dictionary unification, run-end rebasing, capacity
// errors and malformed input.
//
// Arrays are built by hand with ArrayData::Make so that the tests control every
// offset and buffer; results are checked against hand-built expected arrays with
// Array::Equals, validated with ValidateFull, and their layout inspected where the
// layout is the point (offsets rebased to 0, only referenced child ranges copied).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "quiver/array.h"
#include "quiver/concatenate.h"
#include "quiver/testing/hand_built.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;
constexpr auto N = std::nullopt;

using testing::BufferOf;

// A validity bitmap from 1/0 flags; no flags means no bitmap.
std::shared_ptr<Buffer> Bits(const std::vector<int>& flags) {
  if (flags.empty()) return nullptr;
  auto buf = *AllocateZeroedBuffer(bit_util::BytesForBits(static_cast<int64_t>(flags.size())));
  for (size_t i = 0; i < flags.size(); ++i) {
    if (flags[i]) bit_util::SetBit(buf->mutable_data(), static_cast<int64_t>(i));
  }
  return buf;
}

template <typename T>
std::vector<int> Flags(const std::vector<std::optional<T>>& values) {
  std::vector<int> flags;
  bool any_null = false;
  for (const auto& v : values) {
    flags.push_back(v.has_value());
    any_null = any_null || !v.has_value();
  }
  return any_null ? flags : std::vector<int>{};
}

template <typename T>
ArrayPtr Prim(TypePtr type, const std::vector<std::optional<T>>& values) {
  std::vector<T> raw;
  for (const auto& v : values) raw.push_back(v.value_or(T{}));
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                                   {Bits(Flags(values)), BufferOf(raw)}));
}
ArrayPtr I32(const std::vector<std::optional<int32_t>>& v) { return Prim<int32_t>(int32(), v); }
ArrayPtr I64(const std::vector<std::optional<int64_t>>& v) { return Prim<int64_t>(int64(), v); }

ArrayPtr Bools(const std::vector<std::optional<bool>>& values) {
  std::vector<int> bits;
  for (const auto& v : values) bits.push_back(v.value_or(false));
  auto data_bits = Bits(bits);
  if (!data_bits) data_bits = *AllocateZeroedBuffer(0);
  return MakeArray(ArrayData::Make(boolean(), static_cast<int64_t>(values.size()),
                                   {Bits(Flags(values)), data_bits}));
}

template <typename O>
ArrayPtr BinaryLike(TypePtr type, const std::vector<std::optional<std::string>>& values,
                    const std::string& prefix = "") {
  // `prefix` puts unreferenced bytes before the first value, so offsets do not start at 0.
  std::vector<O> offsets{static_cast<O>(prefix.size())};
  std::string data = prefix;
  for (const auto& v : values) {
    if (v) data += *v;
    offsets.push_back(static_cast<O>(data.size()));
  }
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                                   {Bits(Flags(values)), BufferOf(offsets), *Buffer::CopyFrom(data)}));
}
ArrayPtr Str(const std::vector<std::optional<std::string>>& v, const std::string& prefix = "") {
  return BinaryLike<int32_t>(utf8(), v, prefix);
}

// A string_view array; strings longer than 12 bytes go to one data buffer, placed
// after `pad` filler bytes so that view offsets are not trivial.
ArrayPtr ViewStrs(TypePtr type, const std::vector<std::optional<std::string>>& values, size_t pad = 3) {
  std::string data(pad, '#');
  std::vector<BinaryViewHeader> views;
  for (const auto& v : values) {
    BinaryViewHeader h;
    std::memset(&h, 0xAB, sizeof(h));  // garbage under nulls
    if (v) {
      std::memset(&h, 0, sizeof(h));
      h.inlined.size = static_cast<int32_t>(v->size());
      if (v->size() <= 12) {
        std::memcpy(h.inlined.data, v->data(), v->size());
      } else {
        std::memcpy(h.ref.prefix, v->data(), 4);
        h.ref.buffer_index = 0;
        h.ref.offset = static_cast<int32_t>(data.size());
        data += *v;
      }
    }
    views.push_back(h);
  }
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                                   {Bits(Flags(values)), BufferOf(views), *Buffer::CopyFrom(data)}));
}

template <typename O>
ArrayPtr ListOf(TypePtr type, const std::vector<O>& offsets, const std::vector<int>& valid, const ArrayPtr& child) {
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(offsets.size()) - 1,
                                   {Bits(valid), BufferOf(offsets)}, {child->data()}));
}

template <typename O>
ArrayPtr ListViewOf(TypePtr type, const std::vector<O>& offsets, const std::vector<O>& sizes,
                    const std::vector<int>& valid, const ArrayPtr& child) {
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(offsets.size()),
                                   {Bits(valid), BufferOf(offsets), BufferOf(sizes)}, {child->data()}));
}

ArrayPtr StructOf(TypePtr type, int64_t length, const std::vector<int>& valid, const ArrayVector& children) {
  std::vector<ArrayDataPtr> child_data;
  for (const auto& c : children) child_data.push_back(c->data());
  return MakeArray(ArrayData::Make(std::move(type), length, {Bits(valid)}, std::move(child_data)));
}

ArrayPtr DictOf(TypePtr type, const ArrayPtr& indices, const ArrayPtr& dictionary) {
  auto data = std::make_shared<ArrayData>(*indices->data());
  data->type = std::move(type);
  data->dictionary = dictionary->data();
  return MakeArray(std::move(data));
}

ArrayPtr ReeOf(int64_t length, const ArrayPtr& run_ends, const ArrayPtr& values, int64_t offset = 0) {
  return MakeArray(ArrayData::Make(run_end_encoded(run_ends->type(), values->type()), length, {},
                                   {run_ends->data(), values->data()}, kUnknownNullCount, offset));
}

ArrayPtr Concat(const ArrayVector& arrays) {
  auto result = Concatenate(arrays);
  EXPECT_THAT(result, IsOk());
  if (!result.ok()) return nullptr;
  EXPECT_OK((*result)->ValidateFull());
  return *result;
}

#define EXPECT_ARRAYS_EQUAL(expected, actual)                                                     \
  do {                                                                                            \
    ArrayPtr e_ = (expected), a_ = (actual);                                                      \
    ASSERT_NE(a_, nullptr);                                                                       \
    EXPECT_TRUE(a_->Equals(*e_)) << "expected:\n" << e_->ToString() << "\nactual:\n" << a_->ToString(); \
    EXPECT_EQ(a_->null_count(), e_->null_count());                                                \
  } while (false)

// ---------------------------------------------------------------------------
// Errors

TEST(ConcatenateTest, EmptyListIsInvalid) {
  EXPECT_THAT(Concatenate({}), StatusIs(StatusCode::Invalid, HasSubstr("at least one array")));
}

TEST(ConcatenateTest, MixedTypesAreInvalid) {
  EXPECT_THAT(Concatenate({I32({1}), Str({"a"})}),
              StatusIs(StatusCode::Invalid, HasSubstr("expected int32 (array 0) but array 1 has type string")));
}

TEST(ConcatenateTest, NullArrayPointerIsInvalid) {
  EXPECT_THAT(Concatenate({I32({1}), nullptr}), StatusIs(StatusCode::Invalid, HasSubstr("array 1")));
}

TEST(ConcatenateTest, ShortBuffersAreReportedNotRead) {
  // Claims 4 int32 values but holds 2.
  auto bad = MakeArray(ArrayData::Make(int32(), 4, {nullptr, testing::BufferOf<int32_t>({1, 2})}, 0));
  EXPECT_THAT(Concatenate({I32({1}), bad}),
              StatusIs(StatusCode::Invalid, HasSubstr("at least 16 bytes")));
  // String offsets pointing past the data.
  auto bad_str = MakeArray(ArrayData::Make(utf8(), 1, {nullptr, testing::BufferOf<int32_t>({0, 50}), *Buffer::CopyFrom("abc")}, 0));
  EXPECT_THAT(Concatenate({bad_str, Str({"x"})}), StatusIs(StatusCode::Invalid, HasSubstr("data buffer")));
  // List offsets pointing past the child.
  auto bad_list = ListOf<int32_t>(list(int32()), {0, 5}, {}, I32({1, 2}));
  EXPECT_THAT(Concatenate({bad_list}), StatusIs(StatusCode::Invalid, HasSubstr("references values up to 5")));
}

// ---------------------------------------------------------------------------
// Flat types

TEST(ConcatenateTest, SingleArrayIsCopied) {
  auto a = I32({1, N, 3});
  auto out = Concat({a});
  EXPECT_ARRAYS_EQUAL(a, out);
  EXPECT_NE(out->data()->buffers[1]->data(), a->data()->buffers[1]->data());
}

TEST(ConcatenateTest, NullType) {
  auto a = MakeArray(ArrayData::Make(null(), 5, {}, 5));
  auto out = Concat({a->Slice(1, 2), a, a->Slice(5)});
  EXPECT_EQ(out->type_id(), TypeId::NA);
  EXPECT_EQ(out->length(), 7);
  EXPECT_EQ(out->null_count(), 7);
}

TEST(ConcatenateTest, IntegersWithNullsAndSlices) {
  auto a = I32({1, N, 3, 4, 5});
  auto b = I32({6, 7, N});
  auto out = Concat({a->Slice(1, 3), b, a->Slice(4), b->Slice(3)});
  EXPECT_ARRAYS_EQUAL(I32({N, 3, 4, 6, 7, N, 5}), out);
  EXPECT_EQ(out->data()->null_count, 2);
  EXPECT_EQ(out->offset(), 0);
}

TEST(ConcatenateTest, NoNullsMeansNoBitmap) {
  auto out = Concat({I64({1, 2}), I64({3})});
  EXPECT_EQ(out->data()->buffers[0], nullptr);
  EXPECT_EQ(out->data()->null_count, 0);
  EXPECT_ARRAYS_EQUAL(I64({1, 2, 3}), out);
}

TEST(ConcatenateTest, BitmapWithZeroNullCountIsIgnored) {
  // A bitmap full of zeros but a declared null count of 0: the count wins.
  auto a = MakeArray(ArrayData::Make(int32(), 2, {Bits({0, 0}), testing::BufferOf<int32_t>({1, 2})}, 0));
  auto out = Concat({a, I32({N})});
  EXPECT_ARRAYS_EQUAL(I32({1, 2, N}), out);
}

TEST(ConcatenateTest, BooleansAtOddBitOffsets) {
  std::vector<std::optional<bool>> va, vb;
  for (int i = 0; i < 37; ++i) va.push_back(i % 7 == 0 ? std::nullopt : std::optional<bool>(i % 3 == 0));
  for (int i = 0; i < 19; ++i) vb.push_back(i % 5 == 0 ? std::nullopt : std::optional<bool>(i % 2 == 0));
  auto a = Bools(va), b = Bools(vb);
  auto out = Concat({a->Slice(3, 30), b->Slice(5), a->Slice(1, 1)});
  std::vector<std::optional<bool>> expected(va.begin() + 3, va.begin() + 33);
  expected.insert(expected.end(), vb.begin() + 5, vb.end());
  expected.push_back(va[1]);
  EXPECT_ARRAYS_EQUAL(Bools(expected), out);
  int64_t nulls = 0;
  for (const auto& v : expected) nulls += v ? 0 : 1;
  EXPECT_EQ(out->data()->null_count, nulls);
}

TEST(ConcatenateTest, EveryFixedWidthType) {
  const std::vector<TypePtr> types = {
      int8(), uint8(), int16(), uint16(), uint32(), uint64(), float16(), float32(), float64(),
      decimal32(5, 2), decimal64(12, 2), decimal128(30, 3), decimal256(40, 2), date32(), date64(),
      time32(TimeUnit::MILLI), time64(TimeUnit::NANO), timestamp(TimeUnit::MICRO, "UTC"),
      duration(TimeUnit::SECOND), month_interval(), day_time_interval(), month_day_nano_interval(),
      fixed_size_binary(3)};
  for (const auto& type : types) {
    SCOPED_TRACE(type->ToString());
    const int w = type->byte_width();
    ASSERT_GT(w, 0);
    // Values are byte patterns: element i of array `base` is bytes (base + i) repeated.
    auto make = [&](int base, int64_t n, const std::vector<int>& valid) {
      std::vector<uint8_t> bytes;
      for (int64_t i = 0; i < n; ++i) bytes.insert(bytes.end(), static_cast<size_t>(w), static_cast<uint8_t>(base + i));
      return MakeArray(ArrayData::Make(type, n, {Bits(valid), BufferOf(bytes)}));
    };
    auto a = make(10, 5, {1, 0, 1, 1, 1});
    auto b = make(40, 3, {});
    auto out = Concat({a->Slice(1, 3), b, a->Slice(4)});
    std::vector<uint8_t> expected_bytes;
    for (int v : {11, 12, 13, 40, 41, 42, 14}) {
      expected_bytes.insert(expected_bytes.end(), static_cast<size_t>(w), static_cast<uint8_t>(v));
    }
    auto expected = MakeArray(ArrayData::Make(type, 7, {Bits({0, 1, 1, 1, 1, 1, 1}), BufferOf(expected_bytes)}));
    EXPECT_ARRAYS_EQUAL(expected, out);
    ASSERT_NE(out, nullptr);
    ASSERT_GE(out->data()->buffers[1]->size(), 7 * w);
    EXPECT_EQ(std::memcmp(out->data()->buffers[1]->data() + w, expected_bytes.data() + w, static_cast<size_t>(6 * w)),
              0);
  }
}

TEST(ConcatenateTest, ZeroWidthFixedSizeBinary) {
  auto type = fixed_size_binary(0);
  auto a = MakeArray(ArrayData::Make(type, 3, {Bits({1, 0, 1}), nullptr}));
  auto b = MakeArray(ArrayData::Make(type, 2, {nullptr, nullptr}, 0));
  auto out = Concat({a->Slice(1), b});
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->length(), 4);
  EXPECT_EQ(out->null_count(), 1);
  EXPECT_TRUE(out->IsNull(0));
  // As dictionary values too: all empty strings are one value.
  auto dict_type = dictionary(int8(), type);
  auto d1 = DictOf(dict_type, Prim<int8_t>(int8(), {0}), b);
  auto d2 = DictOf(dict_type, Prim<int8_t>(int8(), {1}), MakeArray(ArrayData::Make(type, 2, {nullptr, nullptr}, 0)));
  auto unified = Concat({d1, d2});
  ASSERT_NE(unified, nullptr);
  EXPECT_EQ(unified->length(), 2);
}

TEST(ConcatenateTest, ShortValidityBitmapIsInvalid) {
  // 20 elements with nulls, but a 1-byte bitmap.
  std::vector<int32_t> values(20, 7);
  auto bad = MakeArray(ArrayData::Make(int32(), 20, {Bits({1, 0}), BufferOf(values)}, kUnknownNullCount));
  EXPECT_THAT(Concatenate({bad, I32({1})}), StatusIs(StatusCode::Invalid, HasSubstr("validity buffer")));
}

TEST(ConcatenateTest, EmptyInputs) {
  auto empty = I32({});
  auto out = Concat({empty, I32({1})->Slice(1), empty});
  EXPECT_EQ(out->length(), 0);
  EXPECT_EQ(out->type_id(), TypeId::INT32);
  auto s = Concat({Str({}), Str({"ab"})->Slice(1)});
  EXPECT_EQ(s->length(), 0);
  // An empty string array may come without offsets at all.
  auto bare = MakeArray(ArrayData::Make(utf8(), 0, {nullptr, nullptr, nullptr}, 0));
  EXPECT_ARRAYS_EQUAL(Str({"x"}), Concat({bare, Str({"x"})}));
}

// ---------------------------------------------------------------------------
// Binary-like

TEST(ConcatenateTest, StringsRebaseOffsets) {
  auto a = Str({"alpha", N, "be", "", "gamma"}, "PREFIX");
  auto b = Str({"x", "yz"});
  auto out = Concat({a->Slice(2, 3), b, a->Slice(0, 2)});
  EXPECT_ARRAYS_EQUAL(Str({"be", "", "gamma", "x", "yz", "alpha", N}), out);
  const int32_t* offsets = out->data()->GetValues<int32_t>(1);
  EXPECT_EQ(offsets[0], 0);
  EXPECT_EQ(offsets[7], 15);
  EXPECT_EQ(out->data()->buffers[2]->size(), 15);  // only referenced bytes are copied
}

TEST(ConcatenateTest, EveryBinaryType) {
  auto check = [](auto make) {
    auto a = make(std::vector<std::optional<std::string>>{"one", N, "three"}, std::string("zz"));
    auto b = make(std::vector<std::optional<std::string>>{"", "five"}, std::string());
    auto out = Concat({a->Slice(1), b, a->Slice(0, 1)});
    EXPECT_ARRAYS_EQUAL(make(std::vector<std::optional<std::string>>{N, "three", "", "five", "one"}, std::string()),
                        out);
  };
  for (const auto& t : {binary(), utf8()}) {
    SCOPED_TRACE(t->ToString());
    check([&](const auto& v, const std::string& p) { return BinaryLike<int32_t>(t, v, p); });
  }
  for (const auto& t : {large_binary(), large_utf8()}) {
    SCOPED_TRACE(t->ToString());
    check([&](const auto& v, const std::string& p) { return BinaryLike<int64_t>(t, v, p); });
  }
}

TEST(ConcatenateTest, StringOffsetOverflowIsCapacityError) {
  // Two arrays each referencing 1.2 GB: the output would need offsets past 2^31.
  // The data buffers claim the size without holding it; concatenation must fail
  // before reading them.
  static const uint8_t kByte = 0;
  const int64_t big = 1200 * 1000 * 1000;
  auto fake = std::make_shared<Buffer>(&kByte, big);
  auto a = MakeArray(ArrayData::Make(binary(), 1, {nullptr, testing::BufferOf<int32_t>({0, static_cast<int32_t>(big)}), fake}, 0));
  EXPECT_THAT(Concatenate({a, a}), StatusIs(StatusCode::CapacityError, HasSubstr("large_")));
}

TEST(ConcatenateTest, StringViewsAppendDataBuffers) {
  for (const auto& t : {utf8_view(), binary_view()}) {
    SCOPED_TRACE(t->ToString());
    auto a = ViewStrs(t, {"short", "a string longer than twelve", N, "another long string value"}, 5);
    auto b = ViewStrs(t, {"b long string, buffer 0 of b", "tiny", N}, 1);
    auto out = Concat({a->Slice(1), b, a->Slice(0, 1)});
    EXPECT_ARRAYS_EQUAL(ViewStrs(t, {"a string longer than twelve", N, "another long string value",
                                     "b long string, buffer 0 of b", "tiny", N, "short"}),
                        out);
    // The data buffers are shared, not copied: a's, b's, a's again.
    ASSERT_EQ(out->data()->buffers.size(), 5u);
    EXPECT_EQ(out->data()->buffers[2], a->data()->buffers[2]);
    EXPECT_EQ(out->data()->buffers[3], b->data()->buffers[2]);
    const auto& views = static_cast<const BinaryViewArray&>(*out);
    EXPECT_EQ(views.raw_views()[3].ref.buffer_index, 1);
    EXPECT_EQ(views.GetView(3), "b long string, buffer 0 of b");
    EXPECT_EQ(out->null_count(), 2);
  }
}

TEST(ConcatenateTest, StringViewWithBadBufferIndexIsInvalid) {
  auto a = ViewStrs(utf8_view(), {"a string longer than twelve"});
  auto data = std::make_shared<ArrayData>(*a->data());
  data->buffers.resize(2);  // drop the data buffer the view needs
  EXPECT_THAT(Concatenate({MakeArray(data)}), StatusIs(StatusCode::Invalid, HasSubstr("data buffer 0")));
}

// ---------------------------------------------------------------------------
// Lists

TEST(ConcatenateTest, ListsCopyOnlyReferencedChildRanges) {
  auto child = I32({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  // [[1,2],null,[3],[],[4,5,6]] over child values starting at 1.
  auto a = ListOf<int32_t>(list(int32()), {1, 3, 3, 4, 4, 7}, {1, 0, 1, 1, 1}, child);
  auto b = ListOf<int32_t>(list(int32()), {8, 10}, {}, child);  // [[8,9]]
  auto out = Concat({a->Slice(2), b, a->Slice(0, 2)});
  auto expected = ListOf<int32_t>(list(int32()), {0, 1, 1, 4, 6, 8, 8}, {1, 1, 1, 1, 1, 0},
                                  I32({3, 4, 5, 6, 8, 9, 1, 2}));
  EXPECT_ARRAYS_EQUAL(expected, out);
  const auto& l = static_cast<const ListArray&>(*out);
  EXPECT_EQ(l.raw_value_offsets()[0], 0);
  EXPECT_EQ(l.values()->length(), 8);
}

TEST(ConcatenateTest, LargeListsAndNestedLists) {
  auto inner = ListOf<int64_t>(large_list(utf8()), {0, 1, 3, 3}, {1, 1, 0}, Str({"a", "b", "c"}));
  auto outer_type = large_list(large_list(utf8()));
  auto outer = ListOf<int64_t>(outer_type, {0, 2, 3}, {}, inner);  // [[["a"],["b","c"]],[null]]
  auto out = Concat({outer->Slice(1), outer});
  // [[null]], [["a"],["b","c"]], [null]
  auto exp_inner = ListOf<int64_t>(large_list(utf8()), {0, 0, 1, 3, 3}, {0, 1, 1, 0}, Str({"a", "b", "c"}));
  EXPECT_ARRAYS_EQUAL(ListOf<int64_t>(outer_type, {0, 1, 3, 4}, {}, exp_inner), out);
}

TEST(ConcatenateTest, ListOffsetOverflowIsCapacityError) {
  // A list<null> whose one element holds 1.2 billion nulls: cheap to build.
  const int64_t big = 1200 * 1000 * 1000;
  auto nulls = MakeArray(ArrayData::Make(null(), big, {}, big));
  auto a = ListOf<int32_t>(list(null()), {0, static_cast<int32_t>(big)}, {}, nulls);
  EXPECT_THAT(Concatenate({a, a}), StatusIs(StatusCode::CapacityError, HasSubstr("large_")));
  auto la = ListOf<int64_t>(large_list(null()), {0, big}, {}, nulls);
  auto out = Concatenate({la, la});
  ASSERT_OK(out);
  EXPECT_EQ(static_cast<const LargeListArray&>(**out).values()->length(), 2 * big);
}

TEST(ConcatenateTest, ListViewsOutOfOrderAndOverlapping) {
  auto child = I32({10, 11, 12, 13, 14, 15});
  // [[12,13],[11,12,13],null,[],[15]]: offsets out of order, ranges overlapping.
  auto a = ListViewOf<int32_t>(list_view(int32()), {2, 1, 99, 0, 5}, {2, 3, 7, 0, 1}, {1, 1, 0, 1, 1}, child);
  auto b = ListViewOf<int32_t>(list_view(int32()), {0}, {1}, {}, child);  // [[10]]
  auto out = Concat({a->Slice(1), b, a->Slice(0, 1)});
  auto expected = ListViewOf<int32_t>(list_view(int32()), {0, 0, 0, 4, 5, 6}, {3, 0, 0, 1, 1, 2},
                                      {1, 0, 1, 1, 1, 1}, I32({11, 12, 13, 14, 15, 10, 12, 13}));
  EXPECT_ARRAYS_EQUAL(expected, out);
  auto large = ListViewOf<int64_t>(large_list_view(int32()), {3, 0}, {2, 1}, {}, child);
  auto out_large = Concat({large->Slice(1), large});
  EXPECT_ARRAYS_EQUAL(
      ListViewOf<int64_t>(large_list_view(int32()), {0, 1, 0}, {1, 2, 1}, {}, I32({10, 13, 14})),
      out_large);
}

TEST(ConcatenateTest, FixedSizeListsFollowTheSlice) {
  auto child = I32({0, 1, 2, 3, 4, 5, 6, 7});
  auto type = fixed_size_list(int32(), 2);
  auto a = MakeArray(ArrayData::Make(type, 4, {Bits({1, 1, 0, 1})}, {child->data()}));
  auto out = Concat({a->Slice(1, 2), a->Slice(3), a->Slice(0, 1)});
  auto expected = MakeArray(ArrayData::Make(type, 4, {Bits({1, 0, 1, 1})}, {I32({2, 3, 4, 5, 6, 7, 0, 1})->data()}));
  EXPECT_ARRAYS_EQUAL(expected, out);
  EXPECT_EQ(static_cast<const FixedSizeListArray&>(*out).values()->length(), 8);
}

TEST(ConcatenateTest, Maps) {
  auto type = map(utf8(), int32());
  auto entries_type = type->field(0)->type();
  auto entries = StructOf(entries_type, 4, {}, {Str({"a", "b", "c", "d"}), I32({1, N, 3, 4})});
  auto m = ListOf<int32_t>(type, {0, 2, 2, 4}, {1, 0, 1}, entries);  // [{a:1,b:null}, null, {c:3,d:4}]
  auto out = Concat({m->Slice(2), m->Slice(0, 2)});
  auto exp_entries = StructOf(entries_type, 4, {}, {Str({"c", "d", "a", "b"}), I32({3, 4, 1, N})});
  EXPECT_ARRAYS_EQUAL(ListOf<int32_t>(type, {0, 2, 4, 4}, {1, 1, 0}, exp_entries), out);
}

// ---------------------------------------------------------------------------
// Struct and unions

TEST(ConcatenateTest, StructsWithSlicedChildren) {
  auto type = struct_({field("x", int32()), field("y", utf8())});
  auto a = StructOf(type, 3, {1, 0, 1}, {I32({1, 2, 3}), Str({"a", "b", N})});
  auto b = StructOf(type, 2, {}, {I32({N, 5}), Str({"d", "e"})});
  auto out = Concat({a->Slice(1), b, a->Slice(0, 1)});
  auto expected = StructOf(type, 5, {0, 1, 1, 1, 1}, {I32({2, 3, N, 5, 1}), Str({"b", N, "d", "e", "a"})});
  EXPECT_ARRAYS_EQUAL(expected, out);
  EXPECT_EQ(out->null_count(), 1);
  EXPECT_EQ(static_cast<const StructArray&>(*out).raw_children()[0]->length(), 5);
}

TEST(ConcatenateTest, StructWithoutFields) {
  auto type = struct_({});
  auto a = MakeArray(ArrayData::Make(type, 3, {Bits({1, 0, 1})}, std::vector<ArrayDataPtr>{}));
  auto out = Concat({a->Slice(1), a});
  EXPECT_EQ(out->length(), 5);
  EXPECT_EQ(out->null_count(), 2);
}

TEST(ConcatenateTest, SparseUnions) {
  auto type = sparse_union({field("i", int32()), field("s", utf8())}, {5, 7});
  auto a = MakeArray(ArrayData::Make(type, 4, {testing::BufferOf<int8_t>({5, 7, 5, 7})},
                                     {I32({1, 0, N, 0})->data(), Str({"", "b", "", N})->data()}));
  auto out = Concat({a->Slice(1, 2), a->Slice(3), a->Slice(0, 1)});
  auto expected = MakeArray(ArrayData::Make(type, 4, {testing::BufferOf<int8_t>({7, 5, 7, 5})},
                                            {I32({0, N, 0, 1})->data(), Str({"b", "", N, ""})->data()}));
  EXPECT_ARRAYS_EQUAL(expected, out);
  EXPECT_EQ(out->data()->null_count, 2);
}

TEST(ConcatenateTest, DenseUnionsRebaseOffsetsPerChild) {
  auto type = dense_union({field("i", int32()), field("s", utf8())}, {0, 1});
  // [1, "x", 2, "y", null(i)] with unused child values around the referenced ones.
  auto a = MakeArray(ArrayData::Make(type, 5, {testing::BufferOf<int8_t>({0, 1, 0, 1, 0}), testing::BufferOf<int32_t>({1, 0, 2, 2, 3})},
                                     {I32({99, 1, 2, N, 98})->data(), Str({"x", "unused", "y"})->data()}));
  auto b = MakeArray(ArrayData::Make(type, 1, {testing::BufferOf<int8_t>({1}), testing::BufferOf<int32_t>({0})},
                                     {I32({})->data(), Str({"z"})->data()}));
  auto out = Concat({a->Slice(2), b, a->Slice(0, 2)});
  ASSERT_NE(out, nullptr);
  // 2, "y", null, "z", 1, "x"
  auto expected = MakeArray(ArrayData::Make(type, 6, {testing::BufferOf<int8_t>({0, 1, 0, 1, 0, 1}), testing::BufferOf<int32_t>({0, 0, 1, 1, 2, 2})},
                                            {I32({2, N, 1})->data(), Str({"y", "z", "x"})->data()}));
  EXPECT_ARRAYS_EQUAL(expected, out);
  // Child ranges are trimmed to what the inputs reference.
  EXPECT_EQ(out->data()->child_data[0]->length, 3);
  EXPECT_EQ(out->data()->child_data[1]->length, 3);
}

TEST(ConcatenateTest, UnionWithUnknownTypeCodeIsInvalid) {
  auto type = sparse_union({field("i", int32())}, {3});
  auto a = MakeArray(ArrayData::Make(type, 1, {testing::BufferOf<int8_t>({4})}, {I32({1})->data()}));
  EXPECT_THAT(Concatenate({a}), StatusIs(StatusCode::Invalid, HasSubstr("type id 4")));
}

// ---------------------------------------------------------------------------
// Dictionaries

TEST(ConcatenateTest, EqualDictionariesAreKept) {
  auto type = dictionary(int8(), utf8());
  auto dict = Str({"a", "b", "c"});
  auto a = DictOf(type, Prim<int8_t>(int8(), {0, 2, N, 1}), dict);
  auto b = DictOf(type, Prim<int8_t>(int8(), {2, 2}), dict);
  auto out = Concat({a->Slice(1), b});
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->data()->dictionary, dict->data());
  EXPECT_ARRAYS_EQUAL(DictOf(type, Prim<int8_t>(int8(), {2, N, 1, 2, 2}), dict), out);
  // Equal but distinct dictionary objects are also kept as one.
  auto c = DictOf(type, Prim<int8_t>(int8(), {0}), Str({"a", "b", "c"}));
  auto out2 = Concat({a, c});
  ASSERT_NE(out2, nullptr);
  EXPECT_EQ(out2->data()->dictionary->length, 3);
  EXPECT_EQ(out2->data()->dictionary, dict->data());
}

TEST(ConcatenateTest, DifferingDictionariesAreUnified) {
  auto type = dictionary(int16(), utf8());
  auto a = DictOf(type, Prim<int16_t>(int16(), {0, 1, N, 2, 1}), Str({"x", "y", "z"}));
  auto b = DictOf(type, Prim<int16_t>(int16(), {2, 0, 1, N}), Str({"y", "w", "x", "unused"}));
  auto out = Concat({a->Slice(1), b});
  ASSERT_NE(out, nullptr);
  // Unified dictionary: x, y, z from a, then w from b (y and x already seen).
  auto expected_dict = Str({"x", "y", "z", "w", "unused"});
  EXPECT_ARRAYS_EQUAL(expected_dict, MakeArray(out->data()->dictionary));
  EXPECT_ARRAYS_EQUAL(DictOf(type, Prim<int16_t>(int16(), {1, N, 2, 1, 0, 1, 3, N}), expected_dict), out);
}

TEST(ConcatenateTest, DictionaryUnificationOfNumbersAndNullValues) {
  auto type = dictionary(uint8(), int64());
  auto a = DictOf(type, Prim<uint8_t>(uint8(), {0, 1, 2}), I64({10, N, 20}));
  auto b = DictOf(type, Prim<uint8_t>(uint8(), {0, 1, 2, 3}), I64({20, 30, N, 10}));
  auto out = Concat({a, b->Slice(1)});
  ASSERT_NE(out, nullptr);
  auto expected_dict = I64({10, N, 20, 30});
  EXPECT_ARRAYS_EQUAL(expected_dict, MakeArray(out->data()->dictionary));
  EXPECT_ARRAYS_EQUAL(DictOf(type, Prim<uint8_t>(uint8(), {0, 1, 2, 3, 1, 0}), expected_dict), out);
}

TEST(ConcatenateTest, DictionaryOfNestedValuesIsUnified) {
  auto type = dictionary(int32(), list(utf8()));
  auto d1 = ListOf<int32_t>(list(utf8()), {0, 2, 3}, {}, Str({"a", "b", "c"}));  // [a,b],[c]
  auto d2 = ListOf<int32_t>(list(utf8()), {0, 1, 3}, {}, Str({"c", "a", "b"}));  // [c],[a,b]
  auto a = DictOf(type, I32({1, 0}), d1);
  auto b = DictOf(type, I32({0, 1, 1}), d2);
  auto out = Concat({a, b});
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->data()->dictionary->length, 2);
  EXPECT_ARRAYS_EQUAL(DictOf(type, I32({1, 0, 1, 0, 0}), d1), out);
}

TEST(ConcatenateTest, UnifiedDictionaryTooLargeForIndexType) {
  auto type = dictionary(int8(), int32());
  std::vector<std::optional<int32_t>> first, second;
  for (int i = 0; i < 100; ++i) first.push_back(i);
  for (int i = 100; i < 200; ++i) second.push_back(i);
  auto a = DictOf(type, Prim<int8_t>(int8(), {0}), I32(first));
  auto b = DictOf(type, Prim<int8_t>(int8(), {0}), I32(second));
  EXPECT_THAT(Concatenate({a, b}), StatusIs(StatusCode::CapacityError, HasSubstr("200 values")));
}

TEST(ConcatenateTest, OutOfRangeDictionaryIndexIsInvalid) {
  auto type = dictionary(int8(), utf8());
  auto a = DictOf(type, Prim<int8_t>(int8(), {0, 5}), Str({"a"}));
  auto b = DictOf(type, Prim<int8_t>(int8(), {0}), Str({"b"}));
  EXPECT_THAT(Concatenate({a, b}), StatusIs(StatusCode::Invalid, HasSubstr("index 5")));
}

// ---------------------------------------------------------------------------
// Run-end encoded and extension

TEST(ConcatenateTest, RunEndEncodedRespectsLogicalOffsets) {
  // a: xx yyy z  (run ends 2, 5, 6) ; b: n n w w  (null run, then "w")
  auto a = ReeOf(6, I32({2, 5, 6}), Str({"x", "y", "z"}));
  auto b = ReeOf(4, I32({2, 4}), Str({N, "w"}));
  // Slices: a[1,4) = x y y ; b whole ; a[5,6) = z ; a[4,4) = empty.
  auto out = Concat({a->Slice(1, 3), b, a->Slice(5), a->Slice(4, 0)});
  auto expected = ReeOf(8, I32({1, 3, 5, 7, 8}), Str({"x", "y", N, "w", "z"}));
  EXPECT_ARRAYS_EQUAL(expected, out);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->offset(), 0);
  EXPECT_EQ(out->data()->null_count, 2);
  const auto& ree = static_cast<const RunEndEncodedArray&>(*out);
  EXPECT_EQ(ree.run_ends()->length(), 5);
  EXPECT_EQ(static_cast<const Int32Array&>(*ree.run_ends()).Value(0), 1);
  EXPECT_EQ(static_cast<const Int32Array&>(*ree.run_ends()).Value(4), 8);
}

TEST(ConcatenateTest, RunEndEncodedWithArrayOffset) {
  // An REE array whose own offset is non-zero (as IPC readers may produce).
  auto a = ReeOf(3, Prim<int16_t>(int16(), {4, 10}), I64({7, 8}), /*offset=*/2);  // 7 7 8
  auto out = Concat({a, a->Slice(2)});
  EXPECT_ARRAYS_EQUAL(ReeOf(4, Prim<int16_t>(int16(), {2, 3, 4}), I64({7, 8, 8})), out);
}

TEST(ConcatenateTest, RunEndEncodedOverflowIsCapacityError) {
  auto a = ReeOf(20000, Prim<int16_t>(int16(), {20000}), I64({1}));
  EXPECT_THAT(Concatenate({a, a}), StatusIs(StatusCode::CapacityError, HasSubstr("int16")));
  auto b = ReeOf(20000, I32({20000}), I64({1}));
  EXPECT_EQ(Concat({b, b})->length(), 40000);
}

TEST(ConcatenateTest, RunEndEncodedWithShortRunEndsIsInvalid) {
  auto a = ReeOf(10, I32({2, 5}), I64({1, 2}));  // runs stop at 5, length says 10
  EXPECT_THAT(Concatenate({a}), StatusIs(StatusCode::Invalid, HasSubstr("run ends stop at 5")));
}

TEST(ConcatenateTest, ExtensionConcatenatesStorage) {
  auto type = extension("quiver.uuid", fixed_size_binary(2), "meta");
  auto storage_a = MakeArray(ArrayData::Make(fixed_size_binary(2), 3, {Bits({1, 0, 1}), *Buffer::CopyFrom("aabbcc")}));
  auto ext_a = std::make_shared<ArrayData>(*storage_a->data());
  ext_a->type = type;
  auto a = MakeArray(ext_a);
  auto out = Concat({a->Slice(2), a});
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(out->type()->Equals(*type));
  auto expected_storage =
      MakeArray(ArrayData::Make(fixed_size_binary(2), 4, {Bits({1, 1, 0, 1}), *Buffer::CopyFrom("ccaabbcc")}));
  EXPECT_ARRAYS_EQUAL(expected_storage, static_cast<const ExtensionArray&>(*out).storage());
}

TEST(ConcatenateTest, DeeplyNestedSlices) {
  // list<struct<k: dictionary<int8, string>, v: list_view<int32>>>
  auto dict_type = dictionary(int8(), utf8());
  auto lv_type = list_view(int32());
  auto st = struct_({field("k", dict_type), field("v", lv_type)});
  auto type = list(st);
  auto keys1 = DictOf(dict_type, Prim<int8_t>(int8(), {0, 1, 0}), Str({"p", "q"}));
  auto vals1 = ListViewOf<int32_t>(lv_type, {0, 1, 2}, {1, 1, 1}, {}, I32({1, 2, 3}));
  auto s1 = StructOf(st, 3, {}, {keys1, vals1});
  auto l1 = ListOf<int32_t>(type, {0, 1, 3}, {}, s1);
  auto keys2 = DictOf(dict_type, Prim<int8_t>(int8(), {0}), Str({"r"}));
  auto vals2 = ListViewOf<int32_t>(lv_type, {0}, {2}, {}, I32({8, 9}));
  auto l2 = ListOf<int32_t>(type, {0, 1}, {}, StructOf(st, 1, {}, {keys2, vals2}));
  auto out = Concat({l1->Slice(1), l2});
  ASSERT_NE(out, nullptr);
  auto exp_keys = DictOf(dict_type, Prim<int8_t>(int8(), {1, 0, 2}), Str({"p", "q", "r"}));
  auto exp_vals = ListViewOf<int32_t>(lv_type, {0, 1, 2}, {1, 1, 2}, {}, I32({2, 3, 8, 9}));
  auto expected = ListOf<int32_t>(type, {0, 2, 3}, {}, StructOf(st, 3, {}, {exp_keys, exp_vals}));
  EXPECT_ARRAYS_EQUAL(expected, out);
}

TEST(ConcatenateTest, EveryTypeOfNullsAndEmpties) {
  const std::vector<TypePtr> types = {
      null(), boolean(), int32(), float64(), decimal128(10, 2), fixed_size_binary(4), utf8(), large_binary(),
      utf8_view(), list(int32()), large_list(utf8()), list_view(int64()), large_list_view(int8()),
      fixed_size_list(int16(), 3), struct_({field("a", int32()), field("b", utf8())}), map(utf8(), int32()),
      sparse_union({field("a", int32()), field("b", utf8())}), dense_union({field("a", int32()), field("b", utf8())}),
      dictionary(int16(), utf8()), run_end_encoded(int32(), float64()), extension("e", int64())};
  for (const auto& t : types) {
    SCOPED_TRACE(t->ToString());
    auto nulls = MakeArrayOfNull(t, 4);
    ASSERT_OK(nulls);
    auto empty = MakeEmptyArray(t);
    ASSERT_OK(empty);
    auto out = Concat({(*nulls)->Slice(1, 2), *empty, *nulls});
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(out->length(), 6);
    EXPECT_EQ(out->null_count(), 6);
    EXPECT_TRUE(out->type()->Equals(*t));
    auto expected = MakeArrayOfNull(t, 6);
    ASSERT_OK(expected);
    EXPECT_ARRAYS_EQUAL(*expected, out);
  }
}

}  // namespace
}  // namespace quiver
