#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "quiver/array.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

std::shared_ptr<Buffer> Bytes(std::initializer_list<uint8_t> bytes) {
  auto buf = *AllocateBuffer(static_cast<int64_t>(bytes.size()));
  std::memcpy(buf->mutable_data(), bytes.begin(), bytes.size());
  return buf;
}

template <typename T>
std::shared_ptr<Buffer> Values(std::initializer_list<T> values) {
  auto buf = *AllocateBuffer(static_cast<int64_t>(values.size() * sizeof(T)));
  std::memcpy(buf->mutable_data(), values.begin(), values.size() * sizeof(T));
  return buf;
}

TEST(DecimalArrayTest, FormatValueUsesScientificNotationLikePyarrow) {
  // Expected strings are what pyarrow (and Python's decimal) print for these values.
  auto negative_scale = testing::ArrayFromJSONOrDie(decimal128(5, -3), R"(["12E+3", "0", "-5E+3", "123E+3"])");
  const auto& a = static_cast<const DecimalArray&>(*negative_scale);
  EXPECT_EQ(a.FormatValue(0), "1.2E+4");
  EXPECT_EQ(a.FormatValue(1), "0E+3");
  EXPECT_EQ(a.FormatValue(2), "-5E+3");
  EXPECT_EQ(a.FormatValue(3), "1.23E+5");
  auto small = testing::ArrayFromJSONOrDie(decimal128(12, 10),
                                           R"(["0.0000000015", "0", "-0.0000000123", "0.0000123"])");
  const auto& b = static_cast<const DecimalArray&>(*small);
  EXPECT_EQ(b.FormatValue(0), "1.5E-9");
  EXPECT_EQ(b.FormatValue(1), "0E-10");
  EXPECT_EQ(b.FormatValue(2), "-1.23E-8");
  EXPECT_EQ(b.FormatValue(3), "0.0000123000");
}

TEST(ArrayDataTest, NullCountIsComputedFromTheBitmapAndRespectsSlices) {
  // validity 0b00101101 -> elements 0,2,3,5 valid; 1,4 null (6 elements)
  auto data = ArrayData::Make(int32(), 6, {Bytes({0b00101101}), Values<int32_t>({1, 2, 3, 4, 5, 6})});
  auto arr = MakeArray(data);
  EXPECT_EQ(arr->null_count(), 2);
  EXPECT_TRUE(arr->IsValid(0));
  EXPECT_TRUE(arr->IsNull(1));
  auto slice = arr->Slice(2, 3);  // elements 2,3,4
  EXPECT_EQ(slice->length(), 3);
  EXPECT_EQ(slice->offset(), 2);
  EXPECT_EQ(slice->null_count(), 1);
  EXPECT_EQ(static_cast<const Int32Array&>(*slice).Value(0), 3);
  EXPECT_TRUE(slice->IsNull(2));
  // Slicing clamps rather than leaving the array.
  EXPECT_EQ(arr->Slice(5, 100)->length(), 1);
  EXPECT_EQ(arr->Slice(100, 1)->length(), 0);
  EXPECT_THAT(data->SliceChecked(4, 3), StatusIs(StatusCode::IndexError, ::testing::_));
}

TEST(ArrayDataTest, SlicingSharesBuffers) {
  auto values = Values<int64_t>({10, 20, 30});
  auto arr = MakeArray(ArrayData::Make(int64(), 3, {nullptr, values}, 0));
  auto slice = arr->Slice(1);
  EXPECT_EQ(slice->data()->buffers[1].get(), values.get());
  EXPECT_EQ(static_cast<const Int64Array&>(*slice).raw_values(), values->data_as<int64_t>() + 1);
}

TEST(ArrayTest, StringViewsAndOffsets) {
  auto arr = MakeArray(ArrayData::Make(utf8(), 3, {nullptr, Values<int32_t>({0, 2, 2, 5}), Bytes({'h', 'i', 'y', 'o', 'u'})}, 0));
  const auto& s = static_cast<const StringArray&>(*arr);
  EXPECT_EQ(s.GetView(0), "hi");
  EXPECT_EQ(s.GetView(1), "");
  EXPECT_EQ(s.GetView(2), "you");
  EXPECT_EQ(s.value_length(2), 3);
}

TEST(ArrayTest, BinaryViewInlineAndReferenced) {
  BinaryViewHeader views[2];
  std::memset(views, 0, sizeof(views));
  views[0].inlined.size = 5;
  std::memcpy(views[0].inlined.data, "short", 5);
  views[1].ref.size = 20;
  std::memcpy(views[1].ref.prefix, "abcd", 4);
  views[1].ref.buffer_index = 0;
  views[1].ref.offset = 3;
  auto view_buf = *Buffer::CopyFrom(std::string_view(reinterpret_cast<const char*>(views), sizeof(views)));
  auto data_buf = Buffer::FromString("xxxabcdefghijklmnopqrstuvwxyz");
  auto arr = MakeArray(ArrayData::Make(utf8_view(), 2, {nullptr, view_buf, data_buf}, 0));
  const auto& v = static_cast<const StringViewArray&>(*arr);
  EXPECT_EQ(v.GetView(0), "short");
  EXPECT_EQ(v.GetView(1), "abcdefghijklmnopqrst");
  EXPECT_EQ(v.num_data_buffers(), 1);
}

TEST(ArrayTest, DecimalFormatting) {
  // 12345 and -5 as decimal128(10, 2) -> "123.45" and "-0.05"
  int64_t words[4] = {12345, 0, -5, -1};
  auto buf = *Buffer::CopyFrom(std::string_view(reinterpret_cast<const char*>(words), sizeof(words)));
  auto arr = MakeArray(ArrayData::Make(decimal128(10, 2), 2, {nullptr, buf}, 0));
  const auto& d = static_cast<const DecimalArray&>(*arr);
  EXPECT_EQ(d.FormatValue(0), "123.45");
  EXPECT_EQ(d.FormatValue(1), "-0.05");
}

TEST(ArrayTest, MakeArrayOfNullForEveryType) {
  const TypePtr types[] = {
      null(), boolean(), int8(), uint64(), float16(), float64(), decimal32(5, 2), decimal256(40, 2),
      date32(), date64(), time32(TimeUnit::SECOND), time64(TimeUnit::NANO), timestamp(TimeUnit::MICRO, "UTC"),
      duration(TimeUnit::SECOND), month_interval(), day_time_interval(), month_day_nano_interval(),
      binary(), utf8(), large_binary(), large_utf8(), binary_view(), utf8_view(), fixed_size_binary(3),
      list(int32()), large_list(utf8()), list_view(int32()), large_list_view(int32()),
      fixed_size_list(int32(), 2), struct_({field("a", int32()), field("b", utf8())}), map(utf8(), int32()),
      sparse_union({field("a", int32()), field("b", utf8())}), dense_union({field("a", int32()), field("b", utf8())}),
      dictionary(int16(), utf8()), run_end_encoded(int32(), float64()), extension("ext", int64())};
  for (const auto& t : types) {
    SCOPED_TRACE(t->ToString());
    auto r = MakeArrayOfNull(t, 5);
    ASSERT_OK(r);
    const auto& arr = *r;
    EXPECT_EQ(arr->length(), 5);
    EXPECT_EQ(arr->null_count(), 5);
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(arr->IsNull(i));
    EXPECT_TRUE(arr->type()->Equals(t));
    auto empty = MakeEmptyArray(t);
    ASSERT_OK(empty);
    EXPECT_EQ((*empty)->length(), 0);
  }
}

TEST(ArrayTest, StructFieldsFollowTheParentSlice) {
  auto a = MakeArray(ArrayData::Make(int32(), 4, {nullptr, Values<int32_t>({1, 2, 3, 4})}, 0));
  auto b = MakeArray(ArrayData::Make(int32(), 4, {nullptr, Values<int32_t>({5, 6, 7, 8})}, 0));
  auto st = StructArray::Make({a, b}, {"a", "b"});
  ASSERT_OK(st);
  auto slice = (*st)->Slice(1, 2);
  const auto& s = static_cast<const StructArray&>(*slice);
  EXPECT_EQ(s.field(0)->length(), 2);
  EXPECT_EQ(static_cast<const Int32Array&>(*s.field(1)).Value(0), 6);
  EXPECT_EQ(static_cast<const Int32Array&>(*s.GetFieldByName("a")).Value(1), 3);
  EXPECT_EQ(s.GetFieldByName("c"), nullptr);
  EXPECT_THAT(StructArray::Make({a}, {"a", "b"}), StatusIs(StatusCode::Invalid, ::testing::HasSubstr("one name per child")));
}

TEST(ArrayTest, UnionNullsComeFromChildren) {
  // sparse union<a: int32=0, b: int32=1> of 3: [a=1, b=null, a=3]
  auto a = ArrayData::Make(int32(), 3, {nullptr, Values<int32_t>({1, 0, 3})}, 0);
  auto b = ArrayData::Make(int32(), 3, {Bytes({0b000}), Values<int32_t>({0, 0, 0})}, 3);
  auto type = sparse_union({field("a", int32()), field("b", int32())});
  auto arr = MakeArray(ArrayData::Make(type, 3, {Values<int8_t>({0, 1, 0})}, {a, b}));
  EXPECT_EQ(arr->null_count(), 1);
  EXPECT_TRUE(arr->IsNull(1));
  EXPECT_EQ(static_cast<const UnionArray&>(*arr).child_id(1), 1);
  EXPECT_EQ(arr->null_bitmap(), nullptr);
}

TEST(ArrayTest, RunEndEncodedPhysicalIndex) {
  auto run_ends = MakeArray(ArrayData::Make(int32(), 3, {nullptr, Values<int32_t>({2, 5, 6})}, 0));
  auto values = MakeArray(ArrayData::Make(int64(), 3, {Bytes({0b101}), Values<int64_t>({7, 0, 9})}, 1));
  auto ree = std::make_shared<RunEndEncodedArray>(
      ArrayData::Make(run_end_encoded(int32(), int64()), 6, {}, {run_ends->data(), values->data()}));
  EXPECT_EQ(ree->FindPhysicalIndex(0), 0);
  EXPECT_EQ(ree->FindPhysicalIndex(1), 0);
  EXPECT_EQ(ree->FindPhysicalIndex(2), 1);
  EXPECT_EQ(ree->FindPhysicalIndex(5), 2);
  EXPECT_EQ(ree->null_count(), 3);
  auto sliced = ree->Slice(3, 3);
  EXPECT_EQ(sliced->null_count(), 2);
}

}  // namespace
}  // namespace quiver
