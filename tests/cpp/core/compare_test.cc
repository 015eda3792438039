// Tests for Array::Equals and Array::RangeEquals: logical equality for every
// type, independent of offsets, physical layout and the bytes under null slots.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "quiver/array.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

template <typename T>
std::shared_ptr<Buffer> Buf(const std::vector<T>& values) {
  auto buf = *AllocateBuffer(static_cast<int64_t>(values.size() * sizeof(T)));
  if (!values.empty()) std::memcpy(buf->mutable_data(), values.data(), values.size() * sizeof(T));
  return buf;
}

std::shared_ptr<Buffer> Str(std::string_view bytes) { return *Buffer::CopyFrom(bytes); }

std::shared_ptr<Buffer> Bits(const std::vector<int>& flags) {
  auto buf = *AllocateZeroedBuffer(bit_util::BytesForBits(static_cast<int64_t>(flags.size())));
  for (size_t i = 0; i < flags.size(); ++i) {
    if (flags[i]) bit_util::SetBit(buf->mutable_data(), static_cast<int64_t>(i));
  }
  return buf;
}

// A fixed-width array; `valid` empty means no validity bitmap.
template <typename T>
ArrayDataPtr Prim(TypePtr type, std::vector<T> values, std::vector<int> valid = {}, int64_t offset = 0) {
  const auto n = static_cast<int64_t>(values.size()) - offset;
  auto bitmap = valid.empty() ? nullptr : Bits(valid);
  return ArrayData::Make(std::move(type), n, {bitmap, Buf(values)}, kUnknownNullCount, offset);
}

ArrayDataPtr Int32s(std::vector<int32_t> values, std::vector<int> valid = {}, int64_t offset = 0) {
  return Prim<int32_t>(int32(), std::move(values), std::move(valid), offset);
}

// Strings from pieces; a leading `junk` prefix in the data shifts every offset.
template <typename O>
ArrayDataPtr Strings(TypePtr type, const std::vector<std::optional<std::string>>& values,
                     const std::string& junk = "", const std::string& null_bytes = "") {
  std::vector<O> offsets{static_cast<O>(junk.size())};
  std::string data = junk;
  std::vector<int> valid;
  for (const auto& v : values) {
    data += v ? *v : null_bytes;
    offsets.push_back(static_cast<O>(data.size()));
    valid.push_back(v.has_value());
  }
  return ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()), {Bits(valid), Buf(offsets), Str(data)});
}

bool Eq(const ArrayDataPtr& a, const ArrayDataPtr& b, EqualOptions options = {}) {
  const bool result = MakeArray(a)->Equals(*MakeArray(b), options);
  // Equality is symmetric.
  EXPECT_EQ(result, MakeArray(b)->Equals(*MakeArray(a), options));
  return result;
}

void ExpectValid(const ArrayDataPtr& d) { ASSERT_OK(MakeArray(d)->ValidateFull()); }

// ---------------------------------------------------------------------------
// Primitive types

TEST(CompareTest, NullArrays) {
  auto a = ArrayData::Make(null(), 3, {}, 3);
  EXPECT_TRUE(Eq(a, ArrayData::Make(null(), 3, {}, 3)));
  EXPECT_FALSE(Eq(a, ArrayData::Make(null(), 4, {}, 4)));
  EXPECT_FALSE(Eq(a, Int32s({1, 2, 3}, {0, 0, 0})));  // the types differ
}

TEST(CompareTest, Int32WithNullsAndOffsets) {
  auto a = Int32s({1, 2, 3, 4}, {1, 0, 1, 1});
  // Same logical values, different garbage under the null slot, and an offset.
  auto b = Int32s({99, 1, -777, 3, 4}, {0, 1, 0, 1, 1}, 1);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  EXPECT_FALSE(Eq(a, Int32s({1, 2, 3, 5}, {1, 0, 1, 1})));
  EXPECT_FALSE(Eq(a, Int32s({1, 2, 3, 4}, {1, 1, 1, 1})));  // validity differs
  EXPECT_FALSE(Eq(a, Int32s({1, 2, 3, 4}, {})));
  EXPECT_TRUE(Eq(Int32s({1, 2}, {1, 1}), Int32s({1, 2})));  // an all-valid bitmap equals none
  EXPECT_FALSE(Eq(a, Int32s({1, 2, 3})));                     // lengths differ
  // Slices compare by content.
  EXPECT_TRUE(MakeArray(a)->Slice(2)->Equals(*MakeArray(Int32s({3, 4}))));
  EXPECT_FALSE(MakeArray(a)->Slice(1)->Equals(*MakeArray(Int32s({3, 4}))));
}

TEST(CompareTest, EqualsAcceptsNullPointers) {
  auto a = MakeArray(Int32s({1}));
  EXPECT_FALSE(a->Equals(ArrayPtr()));
  EXPECT_TRUE(a->Equals(a));
}

TEST(CompareTest, TypesMustBeEqual) {
  EXPECT_FALSE(Eq(Int32s({1, 2}), Prim<int64_t>(int64(), {1, 2})));
  EXPECT_FALSE(Eq(Int32s({1, 2}), Prim<uint32_t>(uint32(), {1, 2})));
  EXPECT_FALSE(Eq(Prim<int32_t>(date32(), {1}), Int32s({1})));
  EXPECT_FALSE(Eq(Prim<int64_t>(timestamp(TimeUnit::SECOND), {1}), Prim<int64_t>(timestamp(TimeUnit::MILLI), {1})));
  EXPECT_FALSE(Eq(Prim<int64_t>(timestamp(TimeUnit::SECOND, "UTC"), {1}), Prim<int64_t>(timestamp(TimeUnit::SECOND), {1})));
  EXPECT_TRUE(Eq(Prim<int64_t>(timestamp(TimeUnit::SECOND, "UTC"), {1}), Prim<int64_t>(timestamp(TimeUnit::SECOND, "UTC"), {1})));
  EXPECT_FALSE(Eq(Prim<int32_t>(decimal32(5, 2), {1}), Prim<int32_t>(decimal32(5, 3), {1})));
}

TEST(CompareTest, Booleans) {
  // Bits at different offsets: a = [1, 0, 1, 1, null], b = same starting at bit 3.
  auto a = ArrayData::Make(boolean(), 5, {Bits({1, 1, 1, 1, 0}), Bits({1, 0, 1, 1, 1})}, 1);
  auto b = ArrayData::Make(boolean(), 5, {Bits({0, 0, 0, 1, 1, 1, 1, 0}), Bits({0, 1, 1, 1, 0, 1, 1, 0})}, 1, 3);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  auto c = ArrayData::Make(boolean(), 5, {Bits({1, 1, 1, 1, 0}), Bits({1, 0, 1, 0, 1})}, 1);
  EXPECT_FALSE(Eq(a, c));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(c), 0, 3, 0));
  EXPECT_FALSE(MakeArray(a)->RangeEquals(*MakeArray(c), 0, 4, 0));
}

// Each fixed-width type: equal under different offsets, unequal when a valid
// slot's bytes change, still equal when a null slot's bytes change.
TEST(CompareTest, EveryFixedWidthType) {
  const std::vector<TypePtr> types = {
      int8(), uint8(), int16(), uint16(), int32(), uint32(), int64(), uint64(), decimal32(9, 2), decimal64(18, 3),
      decimal128(38, 5), decimal256(76, 1), date32(), date64(), time32(TimeUnit::MILLI), time64(TimeUnit::MICRO),
      timestamp(TimeUnit::NANO, "Europe/Paris"), duration(TimeUnit::MICRO), month_interval(),
      day_time_interval(), month_day_nano_interval(), fixed_size_binary(3), fixed_size_binary(7)};
  for (const auto& t : types) {
    SCOPED_TRACE(t->ToString());
    const int w = t->byte_width();
    ASSERT_GT(w, 0);
    const int64_t n = 6;
    std::string bytes(static_cast<size_t>(n * w), '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 37 + 11);
    auto a = ArrayData::Make(t, n, {Bits({1, 1, 0, 1, 1, 1}), Str(bytes)}, 1);
    // b: the same values after two junk values, so offset 2.
    std::string shifted = std::string(static_cast<size_t>(2 * w), '\x5A') + bytes;
    auto b = ArrayData::Make(t, n, {Bits({0, 0, 1, 1, 0, 1, 1, 1}), Str(shifted)}, 1, 2);
    ExpectValid(a);
    ExpectValid(b);
    EXPECT_TRUE(Eq(a, b));
    // Change the last byte of slot 2 (null) -> still equal.
    std::string under_null = bytes;
    under_null[static_cast<size_t>(3 * w - 1)] ^= 0x7F;
    EXPECT_TRUE(Eq(a, ArrayData::Make(t, n, {Bits({1, 1, 0, 1, 1, 1}), Str(under_null)}, 1)));
    // Change the last byte of slot 4 (valid) -> unequal.
    std::string changed = bytes;
    changed[static_cast<size_t>(5 * w - 1)] ^= 0x01;
    auto c = ArrayData::Make(t, n, {Bits({1, 1, 0, 1, 1, 1}), Str(changed)}, 1);
    EXPECT_FALSE(Eq(a, c));
    EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(c), 0, 4, 0));
    EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(c), 5, 6, 5));
    EXPECT_FALSE(MakeArray(a)->RangeEquals(*MakeArray(c), 3, 6, 3));
  }
}

TEST(CompareTest, FloatsCompareByValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto a = Prim<double>(float64(), {1.5, 0.0, nan, -2.0});
  auto b = Prim<double>(float64(), {1.5, -0.0, nan, -2.0});
  EXPECT_FALSE(Eq(a, b));  // NaN != NaN by default
  EqualOptions nans_equal;
  nans_equal.nans_equal = true;
  EXPECT_TRUE(Eq(a, b, nans_equal));  // and 0.0 == -0.0
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(b), 0, 2, 0));
  EXPECT_FALSE(Eq(a, Prim<double>(float64(), {1.5, 0.0, 1.0, -2.0}), nans_equal));
  // A NaN does not even equal itself, unless asked.
  auto arr = MakeArray(a);
  EXPECT_FALSE(arr->Equals(*arr));
  EXPECT_TRUE(arr->Equals(*arr, nans_equal));
  // NaN under a null slot does not matter.
  EXPECT_TRUE(Eq(Prim<double>(float64(), {1.0, nan}, {1, 0}), Prim<double>(float64(), {1.0, 3.0}, {1, 0})));

  const float fnan = std::numeric_limits<float>::quiet_NaN();
  auto f = Prim<float>(float32(), {fnan, -0.0f, 3.25f});
  auto g = Prim<float>(float32(), {-fnan, 0.0f, 3.25f});
  EXPECT_FALSE(Eq(f, g));
  EXPECT_TRUE(Eq(f, g, nans_equal));
  EXPECT_FALSE(Eq(f, Prim<float>(float32(), {fnan, 0.0f, 3.5f}), nans_equal));
}

TEST(CompareTest, HalfFloatsCompareByValue) {
  // 0x3C00 = 1.0, 0x0000/0x8000 = +-0, 0x7E00 and 0xFC01 are NaNs, 0x7C00 = +inf.
  auto a = Prim<uint16_t>(float16(), {0x3C00, 0x0000, 0x7E00, 0x7C00});
  auto b = Prim<uint16_t>(float16(), {0x3C00, 0x8000, 0xFC01, 0x7C00});
  EqualOptions nans_equal;
  nans_equal.nans_equal = true;
  EXPECT_FALSE(Eq(a, b));
  EXPECT_TRUE(Eq(a, b, nans_equal));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(b), 0, 2, 0));
  // Infinity is not NaN; 1.0 is not 2.0.
  EXPECT_FALSE(Eq(Prim<uint16_t>(float16(), {0x7C00}), Prim<uint16_t>(float16(), {0x7E00}), nans_equal));
  EXPECT_FALSE(Eq(Prim<uint16_t>(float16(), {0x3C00}), Prim<uint16_t>(float16(), {0x4000}), nans_equal));
}

// ---------------------------------------------------------------------------
// Binary, string and views

TEST(CompareTest, BinaryAndStrings) {
  for (const auto& t : {binary(), utf8()}) {
    SCOPED_TRACE(t->ToString());
    auto a = Strings<int32_t>(t, {"hello", std::nullopt, "", "world"});
    auto b = Strings<int32_t>(t, {"hello", std::nullopt, "", "world"}, "junkjunk", "garbage under null");
    ExpectValid(a);
    ExpectValid(b);
    EXPECT_TRUE(Eq(a, b));
    EXPECT_FALSE(Eq(a, Strings<int32_t>(t, {"hello", std::nullopt, "", "worle"})));
    EXPECT_FALSE(Eq(a, Strings<int32_t>(t, {"hello", std::nullopt, "x", "world"})));
    EXPECT_FALSE(Eq(a, Strings<int32_t>(t, {"hello", "", "", "world"})));
    EXPECT_FALSE(Eq(a, Strings<int32_t>(t, {"hell", std::nullopt, "", "oworld"})));
  }
  for (const auto& t : {large_binary(), large_utf8()}) {
    auto a = Strings<int64_t>(t, {"x", std::nullopt, "yz"});
    EXPECT_TRUE(Eq(a, Strings<int64_t>(t, {"x", std::nullopt, "yz"}, "????", "!!")));
    EXPECT_FALSE(Eq(a, Strings<int64_t>(t, {"x", std::nullopt, "yZ"})));
  }
  EXPECT_FALSE(Eq(Strings<int32_t>(binary(), {"a"}), Strings<int32_t>(utf8(), {"a"})));
  // Sliced strings.
  auto s = MakeArray(Strings<int32_t>(utf8(), {"a", "bb", "ccc", "dddd"}));
  EXPECT_TRUE(s->Slice(1, 2)->Equals(*MakeArray(Strings<int32_t>(utf8(), {"bb", "ccc"}))));
  EXPECT_TRUE(s->RangeEquals(*MakeArray(Strings<int32_t>(utf8(), {"zz", "ccc", "dddd"})), 2, 4, 1));
}

BinaryViewHeader InlineView(std::string_view s) {
  BinaryViewHeader v;
  std::memset(&v, 0, sizeof(v));
  v.inlined.size = static_cast<int32_t>(s.size());
  std::memcpy(v.inlined.data, s.data(), s.size());
  return v;
}

BinaryViewHeader RefView(std::string_view data, int32_t buffer_index, int32_t offset, int32_t size) {
  BinaryViewHeader v;
  std::memset(&v, 0, sizeof(v));
  v.ref.size = size;
  std::memcpy(v.ref.prefix, data.data() + offset, 4);
  v.ref.buffer_index = buffer_index;
  v.ref.offset = offset;
  return v;
}

TEST(CompareTest, ViewsCompareTheBytesTheyPointAt) {
  const std::string long1 = "a string longer than twelve bytes";
  const std::string long2 = "another fairly long string value";
  // a: both long strings in one buffer; b: in two buffers at other offsets, with a null in between.
  const std::string data_a = long1 + long2;
  auto a = ArrayData::Make(utf8_view(), 4,
                           {Bits({1, 1, 0, 1}),
                            Buf<BinaryViewHeader>({InlineView("short"), RefView(data_a, 0, 0, 33),
                                                   InlineView("whatever"), RefView(data_a, 0, 33, 32)}),
                            Str(data_a)},
                           1);
  const std::string b0 = "xx" + long2;
  const std::string b1 = "yyyy" + long1;
  auto b = ArrayData::Make(utf8_view(), 4,
                           {Bits({0, 1, 1, 0, 1}),
                            Buf<BinaryViewHeader>({InlineView("zzz"), InlineView("short"), RefView(b1, 1, 4, 33),
                                                   InlineView(""), RefView(b0, 0, 2, 32)}),
                            Str(b0), Str(b1)},
                           1, 1);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  // Same prefix, different tail.
  std::string data_c = data_a;
  data_c[20] = '#';
  auto c = ArrayData::Make(utf8_view(), 4,
                           {Bits({1, 1, 0, 1}),
                            Buf<BinaryViewHeader>({InlineView("short"), RefView(data_c, 0, 0, 33),
                                                   InlineView("whatever"), RefView(data_c, 0, 33, 32)}),
                            Str(data_c)},
                           1);
  EXPECT_FALSE(Eq(a, c));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(c), 2, 4, 2));
  // binary_view vs string_view: different types.
  auto as_binary = std::make_shared<ArrayData>(*a);
  as_binary->type = binary_view();
  EXPECT_FALSE(Eq(a, as_binary));
  EXPECT_FALSE(Eq(ArrayData::Make(binary_view(), 1, {nullptr, Buf<BinaryViewHeader>({InlineView("abc")})}, 0),
                  ArrayData::Make(binary_view(), 1, {nullptr, Buf<BinaryViewHeader>({InlineView("abd")})}, 0)));
}

// ---------------------------------------------------------------------------
// Lists

TEST(CompareTest, ListsCompareContentsNotOffsets) {
  // a = [[1, 2], null, [], [3]]
  auto a = ArrayData::Make(list(int32()), 4, {Bits({1, 0, 1, 1}), Buf<int32_t>({0, 2, 2, 2, 3})},
                           {Int32s({1, 2, 3})}, 1);
  // b: same lists; the child has junk first, and the null list covers junk values.
  auto b = ArrayData::Make(list(int32()), 4, {Bits({1, 0, 1, 1}), Buf<int32_t>({2, 4, 7, 7, 8})},
                           {Int32s({9, 9, 1, 2, 5, 6, 7, 3})}, 1);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  // [[1, 2], null, [], [4]]
  EXPECT_FALSE(Eq(a, ArrayData::Make(list(int32()), 4, {Bits({1, 0, 1, 1}), Buf<int32_t>({0, 2, 2, 2, 3})},
                                     {Int32s({1, 2, 4})}, 1)));
  // [[1], null, [2], [3]]: same flattened values, different lists.
  EXPECT_FALSE(Eq(a, ArrayData::Make(list(int32()), 4, {Bits({1, 0, 1, 1}), Buf<int32_t>({0, 1, 1, 2, 3})},
                                     {Int32s({1, 2, 3})}, 1)));
  // Nulls inside the child.
  auto with_null_child = ArrayData::Make(list(int32()), 1, {nullptr, Buf<int32_t>({0, 2})},
                                         {Int32s({1, 2}, {1, 0})}, 0);
  EXPECT_FALSE(Eq(with_null_child, ArrayData::Make(list(int32()), 1, {nullptr, Buf<int32_t>({0, 2})},
                                                   {Int32s({1, 2})}, 0)));
  EXPECT_TRUE(Eq(with_null_child, ArrayData::Make(list(int32()), 1, {nullptr, Buf<int32_t>({0, 2})},
                                                  {Int32s({1, 7}, {1, 0})}, 0)));
  // Large lists.
  auto la = ArrayData::Make(large_list(utf8()), 2, {nullptr, Buf<int64_t>({0, 1, 3})},
                            {Strings<int32_t>(utf8(), {"a", "b", "c"})}, 0);
  auto lb = ArrayData::Make(large_list(utf8()), 2, {nullptr, Buf<int64_t>({1, 2, 4})},
                            {Strings<int32_t>(utf8(), {"q", "a", "b", "c"})}, 0);
  EXPECT_TRUE(Eq(la, lb));
  // Slices of lists.
  EXPECT_TRUE(MakeArray(a)->Slice(2)->Equals(*MakeArray(b)->Slice(2)));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(b), 2, 4, 2));
}

TEST(CompareTest, ListViewsCompareTheListsTheySelect) {
  // a = [[1, 2], null, [3], [1, 2]] as sequential views; b shares and reorders.
  auto a = ArrayData::Make(list_view(int32()), 4,
                           {Bits({1, 0, 1, 1}), Buf<int32_t>({0, 2, 2, 3}), Buf<int32_t>({2, 0, 1, 2})},
                           {Int32s({1, 2, 3, 1, 2})}, 1);
  auto b = ArrayData::Make(list_view(int32()), 4,
                           {Bits({1, 0, 1, 1}), Buf<int32_t>({1, 0, 0, 1}), Buf<int32_t>({2, 3, 1, 2})},
                           {Int32s({3, 1, 2})}, 1);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  auto c = ArrayData::Make(list_view(int32()), 4,
                           {Bits({1, 0, 1, 1}), Buf<int32_t>({1, 0, 0, 0}), Buf<int32_t>({2, 3, 1, 2})},
                           {Int32s({3, 1, 2})}, 1);
  EXPECT_FALSE(Eq(a, c));  // last list is [3, 1]
  auto la = ArrayData::Make(large_list_view(int32()), 1, {nullptr, Buf<int64_t>({1}), Buf<int64_t>({2})},
                            {Int32s({0, 5, 6})}, 0);
  auto lb = ArrayData::Make(large_list_view(int32()), 1, {nullptr, Buf<int64_t>({0}), Buf<int64_t>({2})},
                            {Int32s({5, 6})}, 0);
  EXPECT_TRUE(Eq(la, lb));
  // A list and a list view of the same values have different types.
  EXPECT_FALSE(Eq(lb, ArrayData::Make(list(int32()), 1, {nullptr, Buf<int32_t>({0, 2})}, {Int32s({5, 6})}, 0)));
}

TEST(CompareTest, FixedSizeLists) {
  // a = [[1, 2], null, [5, 6]]; the null list's values differ in b; b has an offset.
  auto a = ArrayData::Make(fixed_size_list(int32(), 2), 3, {Bits({1, 0, 1})}, {Int32s({1, 2, 3, 4, 5, 6})}, 1);
  auto b = ArrayData::Make(fixed_size_list(int32(), 2), 3, {Bits({0, 1, 0, 1})},
                           {Int32s({0, 0, 1, 2, 8, 8, 5, 6})}, 1, 1);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  EXPECT_FALSE(Eq(a, ArrayData::Make(fixed_size_list(int32(), 2), 3, {Bits({1, 0, 1})},
                                     {Int32s({1, 2, 3, 4, 5, 7})}, 1)));
  EXPECT_FALSE(Eq(a, ArrayData::Make(fixed_size_list(int32(), 3), 2, {nullptr}, {Int32s({1, 2, 3, 4, 5, 6})}, 0)));
  // The child's own offset is honoured too.
  auto child_offset = ArrayData::Make(fixed_size_list(int32(), 2), 3, {Bits({1, 0, 1})},
                                      {Int32s({7, 1, 2, 3, 4, 5, 6}, {}, 1)}, 1);
  EXPECT_TRUE(Eq(a, child_offset));
}

TEST(CompareTest, Maps) {
  auto type = map(utf8(), int32());
  auto entries_type = type->field(0)->type();
  auto entries_a = ArrayData::Make(entries_type, 3, {nullptr},
                                   {Strings<int32_t>(utf8(), {"a", "b", "c"}), Int32s({1, 2, 3})}, 0);
  auto a = ArrayData::Make(type, 2, {nullptr, Buf<int32_t>({0, 2, 3})}, {entries_a}, 0);
  auto entries_b = ArrayData::Make(entries_type, 4, {nullptr},
                                   {Strings<int32_t>(utf8(), {"z", "a", "b", "c"}), Int32s({0, 1, 2, 3})}, 0);
  auto b = ArrayData::Make(type, 2, {nullptr, Buf<int32_t>({1, 3, 4})}, {entries_b}, 0);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  auto entries_c = ArrayData::Make(entries_type, 3, {nullptr},
                                   {Strings<int32_t>(utf8(), {"a", "b", "c"}), Int32s({1, 2, 4})}, 0);
  EXPECT_FALSE(Eq(a, ArrayData::Make(type, 2, {nullptr, Buf<int32_t>({0, 2, 3})}, {entries_c}, 0)));
  EXPECT_FALSE(Eq(a, ArrayData::Make(map(utf8(), int32(), /*keys_sorted=*/true), 2,
                                     {nullptr, Buf<int32_t>({0, 2, 3})}, {entries_a}, 0)));
}

// ---------------------------------------------------------------------------
// Structs, unions, dictionaries, run-end encoding, extensions

TEST(CompareTest, Structs) {
  auto type = struct_({field("a", int32()), field("b", utf8())});
  // [{1, "x"}, null, {3, "z"}]; the null row holds different children in b, and b has an offset.
  auto a = ArrayData::Make(type, 3, {Bits({1, 0, 1})},
                           {Int32s({1, 2, 3}), Strings<int32_t>(utf8(), {"x", "y", "z"})}, 1);
  auto b = ArrayData::Make(type, 3, {Bits({0, 1, 0, 1})},
                           {Int32s({9, 1, 42, 3}), Strings<int32_t>(utf8(), {"?", "x", "other", "z"})}, 1, 1);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  auto c = ArrayData::Make(type, 3, {Bits({1, 0, 1})},
                           {Int32s({1, 2, 3}), Strings<int32_t>(utf8(), {"x", "y", "Z"})}, 1);
  EXPECT_FALSE(Eq(a, c));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(c), 0, 2, 0));
  // Field names are part of the type.
  auto renamed = std::make_shared<ArrayData>(*a);
  renamed->type = struct_({field("a", int32()), field("c", utf8())});
  EXPECT_FALSE(Eq(a, renamed));
}

TEST(CompareTest, FieldMetadataCountsOnlyWhenAsked) {
  auto plain = ArrayData::Make(list(int32()), 1, {nullptr, Buf<int32_t>({0, 1})}, {Int32s({1})}, 0);
  auto tagged = std::make_shared<ArrayData>(*plain);
  tagged->type = list(field("item", int32(), true, key_value_metadata({{"k", "v"}})));
  EXPECT_TRUE(Eq(plain, tagged));
  EqualOptions check;
  check.check_metadata = true;
  EXPECT_FALSE(Eq(plain, tagged, check));
  auto tagged_too = std::make_shared<ArrayData>(*plain);
  tagged_too->type = list(field("item", int32(), true, key_value_metadata({{"k", "v"}})));
  EXPECT_TRUE(Eq(tagged, tagged_too, check));
  EXPECT_TRUE(MakeArray(plain)->RangeEquals(*MakeArray(tagged), 0, 1, 0));
  EXPECT_FALSE(MakeArray(plain)->RangeEquals(*MakeArray(tagged), 0, 1, 0, check));
}

TEST(CompareTest, SparseUnions) {
  auto type = sparse_union({field("i", int32()), field("s", utf8())}, {5, 9});
  // [i=1, s="b", i=null, s="d"]; unselected child slots hold anything.
  auto a = ArrayData::Make(type, 4, {Buf<int8_t>({5, 9, 5, 9})},
                           {Int32s({1, 0, 0, 0}, {1, 1, 0, 1}), Strings<int32_t>(utf8(), {"", "b", "", "d"})});
  auto b = ArrayData::Make(type, 4, {Buf<int8_t>({9, 5, 9, 5, 9})},
                           {Int32s({7, 1, 8, 0, 6}, {1, 1, 1, 0, 0}),
                            Strings<int32_t>(utf8(), {"?", "junk", "b", "more", "d"})},
                           kUnknownNullCount, 1);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  // Different type code at a slot.
  auto c = ArrayData::Make(type, 4, {Buf<int8_t>({5, 9, 9, 9})},
                           {Int32s({1, 0, 0, 0}, {1, 1, 0, 1}), Strings<int32_t>(utf8(), {"", "b", "", "d"})});
  EXPECT_FALSE(Eq(a, c));
  // Different selected value.
  auto d = ArrayData::Make(type, 4, {Buf<int8_t>({5, 9, 5, 9})},
                           {Int32s({2, 0, 0, 0}, {1, 1, 0, 1}), Strings<int32_t>(utf8(), {"", "b", "", "d"})});
  EXPECT_FALSE(Eq(a, d));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(d), 1, 4, 1));
  // Type codes are part of the type.
  auto other_codes = std::make_shared<ArrayData>(*a);
  other_codes->type = sparse_union({field("i", int32()), field("s", utf8())}, {5, 8});
  EXPECT_FALSE(Eq(a, other_codes));
}

TEST(CompareTest, DenseUnions) {
  auto type = dense_union({field("i", int32()), field("s", utf8())});
  // [i=10, s="x", i=20, s=null]
  auto a = ArrayData::Make(type, 4, {Buf<int8_t>({0, 1, 0, 1}), Buf<int32_t>({0, 0, 1, 1})},
                           {Int32s({10, 20}), Strings<int32_t>(utf8(), {"x", std::nullopt})});
  // Children in another order with extra values.
  auto b = ArrayData::Make(type, 4, {Buf<int8_t>({0, 1, 0, 1}), Buf<int32_t>({2, 1, 0, 0})},
                           {Int32s({20, 99, 10}), Strings<int32_t>(utf8(), {std::nullopt, "x"}, "", "junk")});
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  auto c = ArrayData::Make(type, 4, {Buf<int8_t>({0, 1, 0, 1}), Buf<int32_t>({2, 1, 1, 0})},
                           {Int32s({20, 99, 10}), Strings<int32_t>(utf8(), {std::nullopt, "x"})});
  EXPECT_FALSE(Eq(a, c));  // slot 2 selects 99
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(c), 0, 2, 0));
  // Slices of a dense union follow the offsets buffer.
  EXPECT_TRUE(MakeArray(a)->Slice(1, 2)->Equals(*MakeArray(b)->Slice(1, 2)));
}

TEST(CompareTest, Dictionaries) {
  auto type = dictionary(int8(), utf8());
  auto dict = Strings<int32_t>(utf8(), {"a", "b", "c"});
  auto make = [&](std::vector<int8_t> indices, std::vector<int> valid, ArrayDataPtr dictionary) {
    auto d = Prim<int8_t>(type, std::move(indices), std::move(valid));
    d->dictionary = std::move(dictionary);
    return d;
  };
  auto a = make({0, 2, 1, 0}, {1, 1, 0, 1}, dict);
  ExpectValid(a);
  // The same dictionary values in another buffer layout, and garbage under the null index.
  auto same_dict = Strings<int32_t>(utf8(), {"a", "b", "c"}, "prefix");
  EXPECT_TRUE(Eq(a, make({0, 2, 99, 0}, {1, 1, 0, 1}, same_dict)));
  EXPECT_FALSE(Eq(a, make({0, 2, 1, 1}, {1, 1, 0, 1}, dict)));
  EXPECT_FALSE(Eq(a, make({0, 2, 1, 0}, {1, 1, 1, 1}, dict)));
  // Same decoded values under a different dictionary: unequal, as in Apache Arrow.
  auto other_dict = Strings<int32_t>(utf8(), {"c", "b", "a"});
  EXPECT_FALSE(Eq(a, make({2, 0, 1, 2}, {1, 1, 0, 1}, other_dict)));
  // Index and ordered flags are part of the type.
  auto b = make({0, 2, 1, 0}, {1, 1, 0, 1}, dict);
  b->type = dictionary(int8(), utf8(), /*ordered=*/true);
  EXPECT_FALSE(Eq(a, b));
  EXPECT_TRUE(MakeArray(a)->Slice(1)->Equals(*MakeArray(make({9, 2, 1, 0}, {1, 1, 0, 1}, dict))->Slice(1)));
}

TEST(CompareTest, DictionariesWithNaNs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto type = dictionary(int32(), float64());
  auto d = Prim<int32_t>(type, {0, 1});
  d->dictionary = Prim<double>(float64(), {1.0, nan});
  auto arr = MakeArray(d);
  EqualOptions nans_equal;
  nans_equal.nans_equal = true;
  EXPECT_FALSE(arr->Equals(*arr));  // the shared dictionary holds a NaN
  EXPECT_TRUE(arr->Equals(*arr, nans_equal));
}

ArrayDataPtr Ree(std::vector<int32_t> run_ends, ArrayDataPtr values, int64_t length, int64_t offset = 0) {
  auto type = run_end_encoded(int32(), values->type);
  return ArrayData::Make(type, length, {}, {Int32s(std::move(run_ends)), std::move(values)}, kUnknownNullCount,
                         offset);
}

TEST(CompareTest, RunEndEncodedComparesLogicalValues) {
  // [7, 7, 8, 8, 8, null, 9]
  auto a = Ree({2, 5, 6, 7}, Int32s({7, 8, 0, 9}, {1, 1, 0, 1}), 7);
  // The same values cut into different runs (a run may repeat its neighbour's value).
  auto b = Ree({1, 2, 4, 5, 6, 7}, Int32s({7, 7, 8, 8, 5, 9}, {1, 1, 1, 1, 0, 1}), 7);
  ExpectValid(a);
  ExpectValid(b);
  EXPECT_TRUE(Eq(a, b));
  // [7, 7, 8, 8, 8, 8, 9]
  auto c = Ree({2, 6, 7}, Int32s({7, 8, 9}), 7);
  EXPECT_FALSE(Eq(a, c));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(c), 0, 5, 0));
  EXPECT_FALSE(MakeArray(a)->RangeEquals(*MakeArray(c), 4, 6, 4));
  // Offsets: a[3..6] = [8, 8, null] equals a run-end array with logical offset.
  auto d = Ree({3, 5}, Int32s({8, 1}, {1, 0}), 3, 1);
  ExpectValid(d);
  EXPECT_TRUE(MakeArray(a)->Slice(3, 3)->Equals(*MakeArray(d)));
  EXPECT_TRUE(MakeArray(a)->RangeEquals(*MakeArray(d), 3, 6, 0));
  EXPECT_FALSE(MakeArray(a)->RangeEquals(*MakeArray(d), 2, 5, 0));
}

TEST(CompareTest, ExtensionArrays) {
  auto type = extension("my.tag", utf8(), "v1");
  auto a = Strings<int32_t>(utf8(), {"x", std::nullopt});
  a->type = type;
  auto b = Strings<int32_t>(utf8(), {"x", std::nullopt}, "pad", "under");
  b->type = type;
  EXPECT_TRUE(Eq(a, b));
  auto c = Strings<int32_t>(utf8(), {"y", std::nullopt});
  c->type = type;
  EXPECT_FALSE(Eq(a, c));
  // Another extension name or serialization, or the bare storage, is another type.
  auto d = Strings<int32_t>(utf8(), {"x", std::nullopt});
  d->type = extension("my.other", utf8(), "v1");
  EXPECT_FALSE(Eq(a, d));
  auto e = Strings<int32_t>(utf8(), {"x", std::nullopt});
  e->type = extension("my.tag", utf8(), "v2");
  EXPECT_FALSE(Eq(a, e));
  EXPECT_FALSE(Eq(a, Strings<int32_t>(utf8(), {"x", std::nullopt})));
}

TEST(CompareTest, ArraysOfNullsOfEveryType) {
  const std::vector<TypePtr> types = {
      null(), boolean(), int32(), float16(), float64(), decimal128(10, 2), utf8(), large_binary(), utf8_view(),
      fixed_size_binary(4), list(int32()), large_list_view(utf8()), fixed_size_list(int16(), 3),
      struct_({field("a", int32())}), map(utf8(), int32()), sparse_union({field("a", int32())}),
      dense_union({field("a", int32()), field("b", utf8())}), dictionary(int16(), utf8()),
      run_end_encoded(int16(), float64()), extension("e", list(utf8()))};
  for (const auto& t : types) {
    SCOPED_TRACE(t->ToString());
    auto a = MakeArrayOfNull(t, 4);
    auto b = MakeArrayOfNull(t, 4);
    auto shorter = MakeArrayOfNull(t, 3);
    auto empty = MakeEmptyArray(t);
    ASSERT_OK(a);
    ASSERT_OK(b);
    ASSERT_OK(shorter);
    ASSERT_OK(empty);
    EXPECT_TRUE((*a)->Equals(**b));
    EXPECT_FALSE((*a)->Equals(**shorter));
    EXPECT_TRUE((*a)->Slice(1)->Equals(**shorter));
    EXPECT_TRUE((*empty)->Equals(*(*a)->Slice(4)));
  }
}

TEST(CompareTest, RangeEqualsBounds) {
  auto a = MakeArray(Int32s({1, 2, 3, 4}));
  auto b = MakeArray(Int32s({0, 2, 3}));
  EXPECT_TRUE(a->RangeEquals(*b, 1, 3, 1));
  EXPECT_TRUE(a->RangeEquals(*b, 2, 2, 3));   // empty range at the end
  EXPECT_FALSE(a->RangeEquals(*b, 1, 4, 1));  // other range runs past b
  EXPECT_FALSE(a->RangeEquals(*b, -1, 2, 0));
  EXPECT_FALSE(a->RangeEquals(*b, 3, 2, 0));
  EXPECT_FALSE(a->RangeEquals(*b, 0, 5, 0));
  EXPECT_FALSE(a->RangeEquals(*b, 0, 1, -1));
  EXPECT_FALSE(a->RangeEquals(*b, 0, 1, 4));
  EXPECT_FALSE(a->RangeEquals(*MakeArray(Prim<int64_t>(int64(), {2, 3})), 1, 3, 0));
}

}  // namespace
}  // namespace quiver
