// Tests of the Arrow C Data / C Stream bridge (quiver/c/bridge.h).
//
// Round trips go Quiver -> C struct -> Quiver and check three things: the
// result equals the original (Array::Equals), it validates fully, and it points
// at the very same memory (zero copy both ways). Every array is built from a
// private memory pool, and each test ends by checking that the pool is empty
// again: nothing leaked, and every release callback that should have run did.
// Hand-made C structs (the "foreign producer" below) count their release calls.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "quiver/array.h"
#include "quiver/c/bridge.h"
#include "quiver/record_batch.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// Building arrays by hand from a given pool.

class Maker {
 public:
  explicit Maker(MemoryPool* pool) : pool_(pool) {}

  template <typename T>
  std::shared_ptr<Buffer> Buf(const std::vector<T>& values) const {
    return *Buffer::CopyFrom(
        std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)),
        pool_);
  }
  std::shared_ptr<Buffer> Str(std::string_view bytes) const {
    return *Buffer::CopyFrom(bytes, pool_);
  }
  std::shared_ptr<Buffer> Bits(const std::vector<bool>& bits) const {
    std::vector<uint8_t> bytes(
        static_cast<size_t>(bit_util::BytesForBits(static_cast<int64_t>(bits.size()))), 0);
    for (size_t i = 0; i < bits.size(); ++i) {
      if (bits[i]) bit_util::SetBit(bytes.data(), static_cast<int64_t>(i));
    }
    return Buf(bytes);
  }
  static int64_t Nulls(const std::vector<bool>& valid) {
    int64_t n = 0;
    for (bool v : valid) n += v ? 0 : 1;
    return n;
  }

  template <typename T>
  ArrayDataPtr Fixed(TypePtr type, const std::vector<T>& values,
                     const std::vector<bool>& valid = {}) const {
    const auto n = static_cast<int64_t>(values.size());
    if (valid.empty()) return ArrayData::Make(std::move(type), n, {nullptr, Buf(values)}, 0);
    return ArrayData::Make(std::move(type), n, {Bits(valid), Buf(values)}, Nulls(valid));
  }

  template <typename Offset>
  ArrayDataPtr Binary(TypePtr type, const std::vector<std::optional<std::string>>& values) const {
    std::vector<Offset> offsets{0};
    std::string bytes;
    std::vector<bool> valid;
    for (const auto& v : values) {
      if (v) bytes += *v;
      offsets.push_back(static_cast<Offset>(bytes.size()));
      valid.push_back(v.has_value());
    }
    return ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                           {Bits(valid), Buf(offsets), Str(bytes)}, Nulls(valid));
  }

  // Views: short values inline, long ones alternate between two data buffers.
  ArrayDataPtr Views(TypePtr type, const std::vector<std::optional<std::string>>& values) const {
    std::vector<BinaryViewHeader> views;
    std::string data[2];
    std::vector<bool> valid;
    int which = 0;
    for (const auto& v : values) {
      BinaryViewHeader h{};
      valid.push_back(v.has_value());
      if (v) {
        h.inlined.size = static_cast<int32_t>(v->size());
        if (v->size() <= 12) {
          std::memcpy(h.inlined.data, v->data(), v->size());
        } else {
          std::memcpy(h.ref.prefix, v->data(), 4);
          h.ref.buffer_index = which;
          h.ref.offset = static_cast<int32_t>(data[which].size());
          data[which] += *v;
          which = 1 - which;
        }
      }
      views.push_back(h);
    }
    return ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                           {Bits(valid), Buf(views), Str(data[0]), Str(data[1])}, Nulls(valid));
  }

  ArrayDataPtr Int32s(const std::vector<int32_t>& values,
                      const std::vector<bool>& valid = {}) const {
    return Fixed<int32_t>(int32(), values, valid);
  }
  ArrayDataPtr Strings(const std::vector<std::optional<std::string>>& values) const {
    return Binary<int32_t>(utf8(), values);
  }

 private:
  MemoryPool* pool_;
};

// ---------------------------------------------------------------------------
// Every kind of array, with nulls where the type allows them.

struct ArrayCase {
  std::string name;
  std::function<ArrayDataPtr(const Maker&)> make;
};
void PrintTo(const ArrayCase& c, std::ostream* os) { *os << c.name; }

std::vector<ArrayCase> AllArrayCases() {
  const std::vector<bool> v6{true, false, true, true, false, true};
  std::vector<ArrayCase> cases;
  auto add = [&cases](std::string name, std::function<ArrayDataPtr(const Maker&)> make) {
    cases.push_back({std::move(name), std::move(make)});
  };
  add("Null", [](const Maker&) { return ArrayData::Make(null(), 5, {}, 5); });
  add("Bool", [v6](const Maker& m) {
    return ArrayData::Make(boolean(), 6,
                           {m.Bits(v6), m.Bits({true, true, false, true, false, false})}, 2);
  });
  add("Int8", [v6](const Maker& m) { return m.Fixed<int8_t>(int8(), {1, -2, 3, -4, 5, -6}, v6); });
  add("UInt8", [v6](const Maker& m) {
    return m.Fixed<uint8_t>(uint8(), {1, 2, 3, 250, 5, 6}, v6);
  });
  add("Int16", [v6](const Maker& m) {
    return m.Fixed<int16_t>(int16(), {1, -2, 3, -4, 5, -6}, v6);
  });
  add("UInt16", [v6](const Maker& m) {
    return m.Fixed<uint16_t>(uint16(), {1, 2, 3, 60000, 5, 6}, v6);
  });
  add("Int32", [v6](const Maker& m) { return m.Int32s({1, -2, 3, -4, 5, -6}, v6); });
  add("UInt32", [](const Maker& m) {
    return m.Fixed<uint32_t>(uint32(), {1, 2, 3, 4000000000u, 5, 6});
  });
  add("Int64", [v6](const Maker& m) {
    return m.Fixed<int64_t>(int64(), {1, -2, 3, -4, 5, -6}, v6);
  });
  add("UInt64", [v6](const Maker& m) {
    return m.Fixed<uint64_t>(uint64(), {1, 2, 3, 4, 5, 1ull << 63}, v6);
  });
  add("HalfFloat", [v6](const Maker& m) {
    return m.Fixed<uint16_t>(float16(), {0x3c00, 0x4000, 0xc000, 0x0000, 0x7c00, 0x3555}, v6);
  });
  add("Float", [v6](const Maker& m) {
    return m.Fixed<float>(float32(), {1.5f, 2, -3, 4, 5, 6}, v6);
  });
  add("Double", [v6](const Maker& m) {
    return m.Fixed<double>(float64(), {1.5, 2, -3, 4, 5, 6.25}, v6);
  });
  add("Decimal32", [v6](const Maker& m) {
    return m.Fixed<int32_t>(decimal32(7, 2), {1, -2, 3, 4, 5, 6}, v6);
  });
  add("Decimal64", [v6](const Maker& m) {
    return m.Fixed<int64_t>(decimal64(18, 3), {1, -2, 3, 4, 5, 6}, v6);
  });
  add("Decimal128", [v6](const Maker& m) {
    std::vector<int64_t> words{1, 0, -2, -1, 3, 0,
                               4, 0, 5,  0,  6, 0};  // little-endian 128-bit values
    return ArrayData::Make(decimal128(38, 10), 6, {m.Bits(v6), m.Buf(words)}, 2);
  });
  add("Decimal256", [](const Maker& m) {
    std::vector<int64_t> words{7, 0, 0, 0, -8, -1, -1, -1, 9, 0, 0, 0};
    return ArrayData::Make(decimal256(76, 5), 3, {nullptr, m.Buf(words)}, 0);
  });
  add("Date32", [v6](const Maker& m) {
    return m.Fixed<int32_t>(date32(), {1, 2, 3, 4, 5, 19000}, v6);
  });
  add("Date64", [v6](const Maker& m) {
    return m.Fixed<int64_t>(date64(), {86400000, 2, 3, 4, 5, 6}, v6);
  });
  add("Time32s", [v6](const Maker& m) {
    return m.Fixed<int32_t>(time32(TimeUnit::SECOND), {1, 2, 3, 4, 5, 6}, v6);
  });
  add("Time32ms", [](const Maker& m) {
    return m.Fixed<int32_t>(time32(TimeUnit::MILLI), {1, 2, 3});
  });
  add("Time64us", [v6](const Maker& m) {
    return m.Fixed<int64_t>(time64(TimeUnit::MICRO), {1, 2, 3, 4, 5, 6}, v6);
  });
  add("Time64ns", [](const Maker& m) {
    return m.Fixed<int64_t>(time64(TimeUnit::NANO), {1, 2, 3});
  });
  add("TimestampNaive", [v6](const Maker& m) {
    return m.Fixed<int64_t>(timestamp(TimeUnit::SECOND), {1, 2, 3, 4, 5, 6}, v6);
  });
  add("TimestampUtc", [v6](const Maker& m) {
    return m.Fixed<int64_t>(timestamp(TimeUnit::NANO, "UTC"), {1, 2, 3, 4, 5, 6}, v6);
  });
  add("TimestampZone", [](const Maker& m) {
    return m.Fixed<int64_t>(timestamp(TimeUnit::MILLI, "America/New_York"), {1, 2, 3});
  });
  add("Duration", [v6](const Maker& m) {
    return m.Fixed<int64_t>(duration(TimeUnit::MICRO), {1, 2, 3, 4, 5, 6}, v6);
  });
  add("MonthInterval", [v6](const Maker& m) {
    return m.Fixed<int32_t>(month_interval(), {1, 2, 3, 4, 5, 6}, v6);
  });
  add("DayTimeInterval", [](const Maker& m) {
    return m.Fixed<DayTimeInterval>(day_time_interval(), {{1, 2}, {3, 4}, {-5, 6}},
                                    {true, false, true});
  });
  add("MonthDayNanoInterval", [](const Maker& m) {
    return m.Fixed<MonthDayNanoInterval>(month_day_nano_interval(),
                                         {{1, 2, 3}, {4, 5, 6}, {-7, 8, -9}}, {true, true, false});
  });
  add("FixedSizeBinary", [](const Maker& m) {
    return ArrayData::Make(fixed_size_binary(3), 4,
                           {m.Bits({true, false, true, true}), m.Str("abcdefghijkl")}, 1);
  });
  add("Binary", [](const Maker& m) {
    return m.Binary<int32_t>(binary(), {"a", std::nullopt, "", std::string("\0\1", 2), "xyz"});
  });
  add("String", [](const Maker& m) {
    return m.Strings({"hello", std::nullopt, "", "wörld", "!"});
  });
  add("LargeBinary", [](const Maker& m) {
    return m.Binary<int64_t>(large_binary(), {"a", std::nullopt, "bc", "d"});
  });
  add("LargeString", [](const Maker& m) {
    return m.Binary<int64_t>(large_utf8(), {"a", "bc", std::nullopt, "def"});
  });
  add("BinaryView", [](const Maker& m) {
    return m.Views(binary_view(), {"short", "a value longer than twelve", std::nullopt, "",
                                   "another long value!!"});
  });
  add("StringView", [](const Maker& m) {
    return m.Views(utf8_view(), {"a value longer than twelve", "tiny", "second long value here",
                                 std::nullopt, "third quite long value"});
  });
  add("List", [](const Maker& m) {
    return ArrayData::Make(
        list(int32()), 5,
        {m.Bits({true, true, false, true, true}), m.Buf<int32_t>({0, 2, 2, 2, 5, 6})},
        {m.Int32s({1, 2, 3, 4, 5, 6}, {true, true, false, true, true, true})}, 1);
  });
  add("LargeList", [](const Maker& m) {
    return ArrayData::Make(large_list(utf8()), 3, {nullptr, m.Buf<int64_t>({0, 1, 3, 4})},
                           {m.Strings({"a", "b", std::nullopt, "d"})}, 0);
  });
  add("ListView", [](const Maker& m) {
    return ArrayData::Make(list_view(int32()), 4,
                           {m.Bits({true, false, true, true}), m.Buf<int32_t>({3, 0, 0, 1}),
                            m.Buf<int32_t>({2, 0, 3, 1})},
                           {m.Int32s({10, 20, 30, 40, 50})}, 1);
  });
  add("LargeListView", [](const Maker& m) {
    return ArrayData::Make(large_list_view(int8()), 3,
                           {nullptr, m.Buf<int64_t>({2, 0, 1}), m.Buf<int64_t>({1, 2, 0})},
                           {m.Fixed<int8_t>(int8(), {7, 8, 9})}, 0);
  });
  add("FixedSizeList", [](const Maker& m) {
    return ArrayData::Make(
        fixed_size_list(int32(), 2), 4, {m.Bits({true, true, false, true})},
        {m.Int32s({1, 2, 3, 4, 5, 6, 7, 8}, {true, true, true, false, true, true, true, true})}, 1);
  });
  add("Struct", [](const Maker& m) {
    auto type = struct_({field("ints", int32()), field("strs", utf8(), false)});
    return ArrayData::Make(
        type, 4, {m.Bits({true, false, true, true})},
        {m.Int32s({1, 2, 3, 4}, {true, true, false, true}), m.Strings({"a", "b", "c", "d"})}, 1);
  });
  add("Map", [](const Maker& m) {
    auto type = map(utf8(), int32(), /*keys_sorted=*/true);
    auto entries = ArrayData::Make(type->field(0)->type(), 5, {nullptr},
                                   {m.Strings({"a", "b", "a", "c", "d"}),
                                    m.Int32s({1, 2, 3, 4, 5}, {true, false, true, true, true})},
                                   0);
    return ArrayData::Make(type, 4,
                           {m.Bits({true, true, false, true}), m.Buf<int32_t>({0, 2, 3, 3, 5})},
                           {entries}, 1);
  });
  add("SparseUnion", [](const Maker& m) {
    auto type = sparse_union({field("ints", int32()), field("strs", utf8())}, {4, 5});
    return ArrayData::Make(
        type, 4, {m.Buf<int8_t>({4, 5, 5, 4})},
        {m.Int32s({1, 0, 0, 4}, {true, true, true, false}), m.Strings({"", "b", std::nullopt, ""})},
        kUnknownNullCount);
  });
  add("DenseUnion", [](const Maker& m) {
    auto type = dense_union(
        {field("ints", int32()), field("strs", utf8()), field("dbl", float64())}, {2, 0, 9});
    return ArrayData::Make(type, 5,
                           {m.Buf<int8_t>({2, 0, 2, 9, 0}), m.Buf<int32_t>({0, 0, 1, 0, 1})},
                           {m.Int32s({7, 8}, {true, false}), m.Strings({"x", "yy"}),
                            m.Fixed<double>(float64(), {0.5})},
                           kUnknownNullCount);
  });
  add("Dictionary", [](const Maker& m) {
    auto data = m.Fixed<int8_t>(dictionary(int8(), utf8(), /*ordered=*/true), {0, 1, 0, 2, 1, 2},
                                {true, true, false, true, true, true});
    data->dictionary = m.Strings({"red", "green", "blue"});
    return data;
  });
  add("RunEndEncoded", [](const Maker& m) {
    return ArrayData::Make(run_end_encoded(int32(), utf8()), 6, {},
                           {m.Int32s({2, 5, 6}), m.Strings({"a", std::nullopt, "c"})},
                           kUnknownNullCount);
  });
  add("RunEndEncodedInt16", [](const Maker& m) {
    return ArrayData::Make(
        run_end_encoded(int16(), float64()), 7, {},
        {m.Fixed<int16_t>(int16(), {3, 7}), m.Fixed<double>(float64(), {1.0, 2.0})},
        kUnknownNullCount);
  });
  add("RunEndEncodedInt64", [](const Maker& m) {
    return ArrayData::Make(run_end_encoded(int64(), int8()), 4, {},
                           {m.Fixed<int64_t>(int64(), {1, 4}), m.Fixed<int8_t>(int8(), {5, 6})},
                           kUnknownNullCount);
  });
  add("Extension", [v6](const Maker& m) {
    return m.Fixed<int64_t>(extension("quiver.test.counter", int64(), "{\"v\":1}"),
                            {1, 2, 3, 4, 5, 6}, v6);
  });
  add("ExtensionOverDictionary", [](const Maker& m) {
    auto data = m.Fixed<int16_t>(extension("quiver.test.label", dictionary(int16(), utf8())),
                                 {1, 0, 1, 1}, {true, true, false, true});
    data->dictionary = m.Strings({"no", "yes"});
    return data;
  });
  add("NestedListOfStruct", [](const Maker& m) {
    auto inner = struct_({field("k", utf8(), false), field("v", list(int64()))});
    auto child =
        ArrayData::Make(inner, 3, {nullptr},
                        {m.Strings({"a", "b", "c"}),
                         ArrayData::Make(list(int64()), 3, {nullptr, m.Buf<int32_t>({0, 1, 1, 3})},
                                         {m.Fixed<int64_t>(int64(), {9, 8, 7})}, 0)},
                        0);
    return ArrayData::Make(list(field("entry", inner, false)), 3,
                           {m.Bits({true, true, false}), m.Buf<int32_t>({0, 1, 3, 3})}, {child}, 1);
  });
  return cases;
}

// Whether `b` was imported without copying `a`: the same addresses throughout.
void ExpectSameMemory(const ArrayData& a, const ArrayData& b, const std::string& path) {
  SCOPED_TRACE(path);
  EXPECT_TRUE(a.type->Equals(*b.type, /*check_metadata=*/true))
      << a.type->ToString() << " vs " << b.type->ToString();
  EXPECT_EQ(a.length, b.length);
  EXPECT_EQ(a.offset, b.offset);
  ASSERT_EQ(a.buffers.size(), b.buffers.size());
  for (size_t i = 0; i < a.buffers.size(); ++i) {
    if (a.buffers[i] == nullptr) {
      EXPECT_EQ(b.buffers[i], nullptr) << "buffer " << i;
    } else if (a.buffers[i]->size() > 0) {
      ASSERT_NE(b.buffers[i], nullptr) << "buffer " << i;
      EXPECT_EQ(a.buffers[i]->data(), b.buffers[i]->data()) << "buffer " << i << " was copied";
    }
  }
  ASSERT_EQ(a.child_data.size(), b.child_data.size());
  for (size_t i = 0; i < a.child_data.size(); ++i) {
    ExpectSameMemory(*a.child_data[i], *b.child_data[i], path + "/child" + std::to_string(i));
  }
  ASSERT_EQ(a.dictionary == nullptr, b.dictionary == nullptr);
  if (a.dictionary) ExpectSameMemory(*a.dictionary, *b.dictionary, path + "/dictionary");
}

// A fixture whose arrays come from a private pool that must be empty at the end.
class CBridgeTest : public ::testing::Test {
 protected:
  void TearDown() override {
    EXPECT_EQ(pool_->bytes_allocated(), 0) << "memory of the test's arrays is still held";
  }
  std::unique_ptr<MemoryPool> pool_ = MakeSystemMemoryPool();
  Maker m_{pool_.get()};
};

// Wraps a live ArrowArray so that its release is counted (the fields the
// consumer reads are left as they were).
struct CountedArray {
  ArrowArray inner;
  int* count;
};
void ReleaseCountedArray(ArrowArray* array) {
  auto* counted = static_cast<CountedArray*>(array->private_data);
  counted->inner.release(&counted->inner);
  ++*counted->count;
  delete counted;
  array->release = nullptr;
}
void CountReleases(ArrowArray* array, int* count) {
  auto* counted = new CountedArray{*array, count};
  array->private_data = counted;
  array->release = &ReleaseCountedArray;
}

struct CountedSchema {
  ArrowSchema inner;
  int* count;
};
void ReleaseCountedSchema(ArrowSchema* schema) {
  auto* counted = static_cast<CountedSchema*>(schema->private_data);
  counted->inner.release(&counted->inner);
  ++*counted->count;
  delete counted;
  schema->release = nullptr;
}
void CountReleases(ArrowSchema* schema, int* count) {
  auto* counted = new CountedSchema{*schema, count};
  schema->private_data = counted;
  schema->release = &ReleaseCountedSchema;
}

// ---------------------------------------------------------------------------
// Round trips of every kind of array.

class CBridgeRoundTrip : public CBridgeTest, public ::testing::WithParamInterface<ArrayCase> {};

void CheckRoundTrip(const ArrayPtr& original) {
  UniqueArrowArray c_array;
  UniqueArrowSchema c_schema;
  ASSERT_OK(ExportArray(*original, c_array.get(), c_schema.get()));
  ASSERT_FALSE(c_array.is_released());
  ASSERT_FALSE(c_schema.is_released());
  EXPECT_EQ(c_array->length, original->length());
  EXPECT_EQ(c_array->offset, original->offset());
  auto imported = ImportArray(c_array.get(), c_schema.get());
  ASSERT_OK(imported);
  EXPECT_TRUE(c_array.is_released()) << "import must take the array over";
  EXPECT_TRUE(c_schema.is_released()) << "import must release the schema";
  const ArrayPtr& back = *imported;
  EXPECT_OK(back->ValidateFull());
  EXPECT_TRUE(back->type()->Equals(*original->type(), /*check_metadata=*/true))
      << back->type()->ToString() << " vs " << original->type()->ToString();
  EXPECT_EQ(back->null_count(), original->null_count());
  EXPECT_TRUE(back->Equals(*original)) << "imported:\n"
                                       << back->ToString() << "\noriginal:\n"
                                       << original->ToString();
  ExpectSameMemory(*original->data(), *back->data(), "array");
}

TEST_P(CBridgeRoundTrip, WholeArray) {
  ArrayPtr original = MakeArray(GetParam().make(m_));
  ASSERT_OK(original->ValidateFull());
  CheckRoundTrip(original);
}

TEST_P(CBridgeRoundTrip, SlicedArray) {
  ArrayPtr original = MakeArray(GetParam().make(m_));
  ASSERT_GE(original->length(), 3);
  ArrayPtr sliced = original->Slice(1, original->length() - 2);
  ASSERT_OK(sliced->ValidateFull());
  CheckRoundTrip(sliced);
  // An empty slice at the very end.
  CheckRoundTrip(original->Slice(original->length(), 0));
}

TEST_P(CBridgeRoundTrip, TypeAlone) {
  TypePtr type = GetParam().make(m_)->type;
  UniqueArrowSchema c_schema;
  ASSERT_OK(ExportType(*type, c_schema.get()));
  auto back = ImportType(c_schema.get());
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*type, /*check_metadata=*/true))
      << (*back)->ToString() << " vs " << type->ToString();
}

TEST_P(CBridgeRoundTrip, ExportedArrayOutlivesTheQuiverArrayAndImportReleasesItOnce) {
  UniqueArrowArray c_array;
  TypePtr type;
  int64_t held = 0;
  {
    ArrayPtr original = MakeArray(GetParam().make(m_));
    type = original->type();
    ASSERT_OK(ExportArray(*original, c_array.get()));
    held = pool_->bytes_allocated();
  }
  // The Quiver array is gone; the exported struct keeps all of its memory.
  EXPECT_EQ(pool_->bytes_allocated(), held);
  int releases = 0;
  CountReleases(c_array.get(), &releases);
  auto imported = ImportArray(c_array.get(), type);
  ASSERT_OK(imported);
  ArrayPtr slice = (*imported)->Slice(1);
  imported = Status::Cancelled("dropped");  // drop the first reference
  // An array without any buffer (type null) holds no foreign memory, so its
  // struct is released by the import itself.
  EXPECT_EQ(releases, held > 0 ? 0 : 1) << "released while a slice still uses the memory";
  EXPECT_OK(slice->ValidateFull());
  slice.reset();
  EXPECT_EQ(releases, 1);
  // TearDown checks that every byte went back to the pool.
}

INSTANTIATE_TEST_SUITE_P(AllTypes, CBridgeRoundTrip, ::testing::ValuesIn(AllArrayCases()),
                         [](const ::testing::TestParamInfo<ArrayCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------
// Format strings, flags, names and metadata: the facts of the specification.

struct FormatCase {
  TypePtr type;
  std::string format;
};

TEST(CBridgeFormatTest, EveryTypeExportsTheSpecifiedFormatString) {
  const std::vector<FormatCase> cases = {
      {null(), "n"},
      {boolean(), "b"},
      {int8(), "c"},
      {uint8(), "C"},
      {int16(), "s"},
      {uint16(), "S"},
      {int32(), "i"},
      {uint32(), "I"},
      {int64(), "l"},
      {uint64(), "L"},
      {float16(), "e"},
      {float32(), "f"},
      {float64(), "g"},
      {binary(), "z"},
      {large_binary(), "Z"},
      {binary_view(), "vz"},
      {utf8(), "u"},
      {large_utf8(), "U"},
      {utf8_view(), "vu"},
      {decimal32(7, 2), "d:7,2,32"},
      {decimal64(18, -3), "d:18,-3,64"},
      {decimal128(19, 10), "d:19,10"},
      {decimal256(76, 5), "d:76,5,256"},
      {fixed_size_binary(42), "w:42"},
      {date32(), "tdD"},
      {date64(), "tdm"},
      {time32(TimeUnit::SECOND), "tts"},
      {time32(TimeUnit::MILLI), "ttm"},
      {time64(TimeUnit::MICRO), "ttu"},
      {time64(TimeUnit::NANO), "ttn"},
      {timestamp(TimeUnit::SECOND), "tss:"},
      {timestamp(TimeUnit::MILLI, "UTC"), "tsm:UTC"},
      {timestamp(TimeUnit::MICRO, "Europe/Paris"), "tsu:Europe/Paris"},
      {timestamp(TimeUnit::NANO, "+07:30"), "tsn:+07:30"},
      {duration(TimeUnit::SECOND), "tDs"},
      {duration(TimeUnit::MILLI), "tDm"},
      {duration(TimeUnit::MICRO), "tDu"},
      {duration(TimeUnit::NANO), "tDn"},
      {month_interval(), "tiM"},
      {day_time_interval(), "tiD"},
      {month_day_nano_interval(), "tin"},
      {list(uint64()), "+l"},
      {large_list(utf8()), "+L"},
      {list_view(int8()), "+vl"},
      {large_list_view(uint64()), "+vL"},
      {fixed_size_list(int16(), 123), "+w:123"},
      {struct_({field("ints", int32()), field("floats", float32())}), "+s"},
      {map(utf8(), float64()), "+m"},
      {sparse_union({field("ints", int32()), field("floats", float32())}, {4, 5}), "+us:4,5"},
      {dense_union({field("a", int8()), field("b", utf8()), field("c", null())}, {0, 1, 127}),
       "+ud:0,1,127"},
      {sparse_union({}), "+us:"},
      {run_end_encoded(int32(), float32()), "+r"},
      {dictionary(int16(), decimal128(12, 5)), "s"},
      {extension("quiver.test", int64()), "l"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type->ToString());
    UniqueArrowSchema schema;
    ASSERT_OK(ExportType(*c.type, schema.get()));
    EXPECT_STREQ(schema->format, c.format.c_str());
    EXPECT_STREQ(schema->name, "");
    EXPECT_EQ(schema->n_children, c.type->id() == TypeId::DICTIONARY ? 0 : c.type->num_fields());
    auto back = ImportType(schema.get());
    ASSERT_OK(back);
    EXPECT_TRUE((*back)->Equals(*c.type)) << (*back)->ToString();
  }
}

TEST(CBridgeFormatTest, ImportAcceptsEveryDecimalSpelling) {
  const std::vector<FormatCase> cases = {
      {decimal128(19, 10), "d:19,10"},     {decimal128(19, 10), "d:19,10,128"},
      {decimal32(9, 0), "d:9,0,32"},       {decimal64(10, -2), "d:10,-2,64"},
      {decimal256(40, 40), "d:40,40,256"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format);
    ArrowSchema schema{};
    schema.format = c.format.c_str();
    schema.release = [](ArrowSchema* s) { s->release = nullptr; };
    auto type = ImportType(&schema);
    ASSERT_OK(type);
    EXPECT_TRUE((*type)->Equals(*c.type)) << (*type)->ToString();
    EXPECT_EQ(schema.release, nullptr);
  }
}

TEST(CBridgeFormatTest, NestedChildrenCarryNamesFlagsAndFormats) {
  auto type =
      struct_({field("ints", int32(), /*nullable=*/false),
               field("tags", map(utf8(), field("count", int64(), false), /*keys_sorted=*/true)),
               field("mood", dictionary(int8(), utf8(), /*ordered=*/true)),
               field("runs", run_end_encoded(int16(), utf8()))});
  UniqueArrowSchema s;
  ASSERT_OK(ExportField(*field("root", type, false), s.get()));
  EXPECT_STREQ(s->format, "+s");
  EXPECT_STREQ(s->name, "root");
  EXPECT_EQ(s->flags, 0);
  EXPECT_EQ(s->metadata, nullptr);
  ASSERT_EQ(s->n_children, 4);
  const ArrowSchema* ints = s->children[0];
  EXPECT_STREQ(ints->name, "ints");
  EXPECT_STREQ(ints->format, "i");
  EXPECT_EQ(ints->flags, 0);
  const ArrowSchema* tags = s->children[1];
  EXPECT_STREQ(tags->format, "+m");
  EXPECT_EQ(tags->flags, ARROW_FLAG_NULLABLE | ARROW_FLAG_MAP_KEYS_SORTED);
  ASSERT_EQ(tags->n_children, 1);
  const ArrowSchema* entries = tags->children[0];
  EXPECT_STREQ(entries->name, "entries");
  EXPECT_STREQ(entries->format, "+s");
  EXPECT_EQ(entries->flags, 0);
  ASSERT_EQ(entries->n_children, 2);
  EXPECT_STREQ(entries->children[0]->name, "key");
  EXPECT_STREQ(entries->children[0]->format, "u");
  EXPECT_EQ(entries->children[0]->flags, 0);
  EXPECT_STREQ(entries->children[1]->name, "count");
  EXPECT_STREQ(entries->children[1]->format, "l");
  const ArrowSchema* mood = s->children[2];
  EXPECT_STREQ(mood->format, "c");
  EXPECT_EQ(mood->flags, ARROW_FLAG_NULLABLE | ARROW_FLAG_DICTIONARY_ORDERED);
  EXPECT_EQ(mood->n_children, 0);
  ASSERT_NE(mood->dictionary, nullptr);
  EXPECT_STREQ(mood->dictionary->format, "u");
  const ArrowSchema* runs = s->children[3];
  ASSERT_EQ(runs->n_children, 2);
  EXPECT_STREQ(runs->children[0]->name, "run_ends");
  EXPECT_STREQ(runs->children[0]->format, "s");
  EXPECT_STREQ(runs->children[1]->name, "values");

  auto back = ImportField(s.get());
  ASSERT_OK(back);
  EXPECT_EQ((*back)->name(), "root");
  EXPECT_FALSE((*back)->nullable());
  EXPECT_TRUE((*back)->type()->Equals(*type)) << (*back)->type()->ToString();
  const auto& back_map = static_cast<const MapType&>(*(*back)->type()->field(1)->type());
  EXPECT_TRUE(back_map.keys_sorted());
  EXPECT_EQ(back_map.item_field()->name(), "count");
  EXPECT_TRUE(static_cast<const DictionaryType&>(*(*back)->type()->field(2)->type()).ordered());
}

TEST(CBridgeFormatTest, MetadataUsesTheSpecifiedBinaryEncoding) {
  auto f = field("f", int32(), true, key_value_metadata({{"key1", "value1"}}));
  UniqueArrowSchema s;
  ASSERT_OK(ExportField(*f, s.get()));
  ASSERT_NE(s->metadata, nullptr);
  // The example of the specification (a little-endian machine), built in native byte order here.
  std::string expected;
  auto put = [&expected](int32_t v) { expected.append(reinterpret_cast<const char*>(&v), 4); };
  put(1);
  put(4);
  expected += "key1";
  put(6);
  expected += "value1";
  EXPECT_EQ(std::string(s->metadata, expected.size()), expected);
  auto back = ImportField(s.get());
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*f, /*check_metadata=*/true));
}

TEST(CBridgeFormatTest, ExtensionTypesTravelAsStorageAndMetadataKeys) {
  auto type = extension("quiver.test.uuid", fixed_size_binary(16), "v=2");
  auto f = field("id", type, false, key_value_metadata({{"origin", "sensor"}}));
  UniqueArrowSchema s;
  ASSERT_OK(ExportField(*f, s.get()));
  EXPECT_STREQ(s->format, "w:16");
  // Read the pairs back the way a foreign consumer would.
  const char* p = s->metadata;
  auto get = [&p]() {
    int32_t v;
    std::memcpy(&v, p, 4);
    p += 4;
    return v;
  };
  std::vector<std::pair<std::string, std::string>> pairs;
  const int32_t n = get();
  for (int32_t i = 0; i < n; ++i) {
    int32_t len = get();
    std::string k(p, static_cast<size_t>(len));
    p += len;
    len = get();
    std::string v(p, static_cast<size_t>(len));
    p += len;
    pairs.emplace_back(k, v);
  }
  EXPECT_THAT(pairs,
              ::testing::UnorderedElementsAre(
                  std::pair<std::string, std::string>("origin", "sensor"),
                  std::pair<std::string, std::string>("ARROW:extension:name", "quiver.test.uuid"),
                  std::pair<std::string, std::string>("ARROW:extension:metadata", "v=2")));
  auto back = ImportField(s.get());
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*f, /*check_metadata=*/true)) << (*back)->ToString();
  ASSERT_NE((*back)->metadata(), nullptr);
  EXPECT_EQ((*back)->metadata()->size(), 1) << "the extension keys must leave the field metadata";
}

TEST(CBridgeFormatTest, SchemaRoundTripKeepsFieldsAndMetadata) {
  auto s = schema(
      {field("a", int32(), false), field("b", list(utf8()), true, key_value_metadata({{"x", "y"}})),
       field("c", dictionary(int32(), large_utf8()))},
      key_value_metadata({{"pandas", "{}"}, {"owner", "quiver"}}));
  UniqueArrowSchema c;
  ASSERT_OK(ExportSchema(*s, c.get()));
  EXPECT_STREQ(c->format, "+s");
  EXPECT_EQ(c->n_children, 3);
  auto back = ImportSchema(c.get());
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*s, /*check_metadata=*/true)) << (*back)->ToString();
}

TEST(CBridgeFormatTest, ImportSchemaNeedsAStruct) {
  UniqueArrowSchema c;
  ASSERT_OK(ExportType(*int32(), c.get()));
  EXPECT_THAT(ImportSchema(c.get()), StatusIs(StatusCode::Invalid, HasSubstr("found format 'i'")));
  EXPECT_TRUE(c.is_released());
}

TEST(CBridgeFormatTest, ExtensionWithExtensionStorageCannotBeExported) {
  auto type = extension("outer", extension("inner", int32()));
  UniqueArrowSchema c;
  EXPECT_THAT(ExportType(*type, c.get()),
              StatusIs(StatusCode::Invalid, HasSubstr("extension storage type")));
  EXPECT_TRUE(c.is_released()) << "a failed export must leave the output untouched";
}

// ---------------------------------------------------------------------------
// Malformed schemas from a foreign producer.

// Builds ArrowSchema trees whose memory the test owns; each node counts its
// own release calls, and a node's release releases its children, as the
// specification requires of producers.
class ForeignSchemas {
 public:
  ArrowSchema* Node(std::string format, std::vector<ArrowSchema*> children = {},
                    int64_t flags = ARROW_FLAG_NULLABLE, std::string name = "") {
    formats_.push_back(std::move(format));
    names_.push_back(std::move(name));
    child_lists_.push_back(std::move(children));
    counts_.push_back(0);
    nodes_.emplace_back();
    ArrowSchema* s = &nodes_.back();
    s->format = formats_.back().c_str();
    s->name = names_.back().c_str();
    s->flags = flags;
    s->n_children = static_cast<int64_t>(child_lists_.back().size());
    s->children = child_lists_.back().empty() ? nullptr : child_lists_.back().data();
    s->release = &Release;
    s->private_data = &counts_.back();
    return s;
  }
  // Metadata bytes that live as long as this object.
  const char* Bytes(std::string bytes) {
    blobs_.push_back(std::move(bytes));
    return blobs_.back().data();
  }
  // Every node was released exactly once (none twice, none forgotten).
  void ExpectAllReleasedOnce() const {
    for (size_t i = 0; i < counts_.size(); ++i)
      EXPECT_EQ(counts_[i], 1) << "node " << i << " (" << formats_[i] << ")";
  }

 private:
  static void Release(ArrowSchema* s) {
    s->release = nullptr;  // first, so that a cyclic tree stops here
    for (int64_t i = 0; s->children != nullptr && i < s->n_children; ++i) {
      if (s->children[i] != nullptr && s->children[i]->release != nullptr)
        s->children[i]->release(s->children[i]);
    }
    if (s->dictionary != nullptr && s->dictionary->release != nullptr)
      s->dictionary->release(s->dictionary);
    ++*static_cast<int*>(s->private_data);
  }

  std::deque<ArrowSchema> nodes_;
  std::deque<std::string> formats_, names_, blobs_;
  std::deque<std::vector<ArrowSchema*>> child_lists_;
  std::deque<int> counts_;
};

std::string Int32Bytes(std::initializer_list<int32_t> values) {
  std::string out;
  for (int32_t v : values) out.append(reinterpret_cast<const char*>(&v), 4);
  return out;
}

TEST(CBridgeMalformedSchemaTest, BadFormatStringsNameWhatWasExpected) {
  struct Bad {
    std::string format;
    int children;
    std::string message;
  };
  const std::vector<Bad> cases = {
      {"q", 0, "unknown or malformed format string 'q'"},
      {"", 0, "unknown or malformed format string ''"},
      {"i2", 0, "unknown or malformed format string 'i2'"},
      {"tss", 0, "expected ':' and a (possibly empty) time zone"},
      {"tsx:UTC", 0, "expected a time unit s, m, u or n but found 'x'"},
      {"ttq", 0, "expected a time unit"},
      {"tdX", 0, "unknown or malformed format string 'tdX'"},
      {"d:abc,2", 0, "expected a decimal precision as an integer in [1, 76] but found 'abc'"},
      {"d:10", 0, "expected 'd:precision,scale'"},
      {"d:10,2,48", 0, "decimal bit width of 32, 64, 128 or 256 but found 48"},
      {"d:20,2,32", 0, "decimal32 precision must be between 1 and 9 but found 20"},
      {"d:0,2", 0, "in [1, 76] but found '0'"},
      {"d:10,99999999999", 0, "a decimal scale"},
      {"w:-1", 0, "expected a byte width as an integer in [0, 2147483647] but found '-1'"},
      {"w:", 0, "a byte width"},
      {"+w:x", 1, "a list size"},
      {"+us:1,1", 2, "lists type id 1 more than once"},
      {"+us:0", 2, "lists 1 type ids, expected one per child (2)"},
      {"+ud:200", 1, "a union type id as an integer in [0, 127] but found '200'"},
      {"+ud:-1", 1, "but found '-1'"},
      {"+us:0,,1", 3, "but found ''"},
      {"i", 2, "format 'i' (int32) expects 0 children but found 2"},
      {"+l", 0, "format '+l' (list) expects 1 child but found 0"},
      {"+w:2", 2, "expects 1 child but found 2"},
      {"+m", 0, "expects 1 child"},
      {"+r", 1, "format '+r' (run_end_encoded) expects 2 children but found 1"},
      {"+x", 0, "unknown or malformed format string '+x'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format);
    ForeignSchemas f;
    std::vector<ArrowSchema*> children;
    for (int i = 0; i < c.children; ++i) children.push_back(f.Node("i"));
    ArrowSchema* s = f.Node(c.format, children);
    EXPECT_THAT(ImportType(s), StatusIs(StatusCode::Invalid, HasSubstr(c.message)));
    EXPECT_EQ(s->release, nullptr);
    f.ExpectAllReleasedOnce();
  }
}

TEST(CBridgeMalformedSchemaTest, StructuralProblems) {
  EXPECT_THAT(ImportType(nullptr), StatusIs(StatusCode::Invalid, HasSubstr("pointer is null")));
  {
    ArrowSchema released{};
    released.format = "i";
    EXPECT_THAT(ImportType(&released), StatusIs(StatusCode::Invalid, HasSubstr("is released")));
  }
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    s->format = nullptr;
    EXPECT_THAT(ImportField(s), StatusIs(StatusCode::Invalid, HasSubstr("format is null")));
    f.ExpectAllReleasedOnce();
  }
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("+s");
    s->n_children = -3;
    EXPECT_THAT(ImportType(s),
                StatusIs(StatusCode::Invalid, HasSubstr("n_children is -3, expected >= 0")));
    f.ExpectAllReleasedOnce();
  }
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("+s");
    s->n_children = 2;  // but no children array
    EXPECT_THAT(ImportType(s),
                StatusIs(StatusCode::Invalid, HasSubstr("children is null but n_children is 2")));
    f.ExpectAllReleasedOnce();
  }
  {
    ForeignSchemas f;
    ArrowSchema* good = f.Node("i", {}, ARROW_FLAG_NULLABLE, "good");
    ArrowSchema* s = f.Node("+s", {good, nullptr});
    EXPECT_THAT(ImportType(s), StatusIs(StatusCode::Invalid,
                                        HasSubstr("child 1 of '+s': ArrowSchema pointer is null")));
  }
  {
    ForeignSchemas f;
    ArrowSchema* child = f.Node("u", {}, ARROW_FLAG_NULLABLE, "name");
    ArrowSchema* s = f.Node("+l", {child});
    child->release = nullptr;  // as if moved out without releasing the parent
    EXPECT_THAT(ImportType(s), StatusIs(StatusCode::Invalid,
                                        HasSubstr("child 0 of '+l': ArrowSchema is released")));
  }
  {
    // Errors deep inside say where they are.
    ForeignSchemas f;
    ArrowSchema* bad = f.Node("w:x", {}, ARROW_FLAG_NULLABLE, "blob");
    ArrowSchema* list = f.Node("+l", {bad}, ARROW_FLAG_NULLABLE, "items");
    ArrowSchema* s = f.Node("+s", {f.Node("i", {}, 0, "id"), list});
    EXPECT_THAT(
        ImportType(s),
        StatusIs(StatusCode::Invalid,
                 HasSubstr("child 1 ('items') of '+s': child 0 ('blob') of '+l': malformed")));
    f.ExpectAllReleasedOnce();
  }
}

TEST(CBridgeMalformedSchemaTest, ForeignNamesAndFlagsAreRead) {
  ForeignSchemas f;
  ArrowSchema* a = f.Node("i", {}, 0, "a");
  ArrowSchema* b =
      f.Node("u", {}, ARROW_FLAG_NULLABLE | 0x100, "b");  // an unknown flag bit is ignored
  b->name = nullptr;                                      // a name is optional
  ArrowSchema* s = f.Node("+s", {a, b});
  auto type = ImportType(s);
  ASSERT_OK(type);
  EXPECT_TRUE((*type)->Equals(*struct_({field("a", int32(), false), field("", utf8(), true)})))
      << (*type)->ToString();
  f.ExpectAllReleasedOnce();
}

TEST(CBridgeMalformedSchemaTest, BadMetadata) {
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    s->metadata = f.Bytes(Int32Bytes({-1}));
    EXPECT_THAT(ImportField(s),
                StatusIs(StatusCode::Invalid, HasSubstr("pair count is -1, expected >= 0")));
    f.ExpectAllReleasedOnce();
  }
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    s->metadata = f.Bytes(Int32Bytes({1, -5}));
    EXPECT_THAT(ImportField(s), StatusIs(StatusCode::Invalid, HasSubstr("key 0 has length -5")));
  }
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    s->metadata = f.Bytes(Int32Bytes({1, 1}) + "k" + Int32Bytes({-2}));
    EXPECT_THAT(ImportField(s),
                StatusIs(StatusCode::Invalid, HasSubstr("value 0 (key 'k') has length -2")));
  }
  {
    // An empty pair list is fine and leaves no metadata.
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    s->metadata = f.Bytes(Int32Bytes({0}));
    auto field = ImportField(s);
    ASSERT_OK(field);
    EXPECT_EQ((*field)->metadata(), nullptr);
  }
}

TEST(CBridgeMalformedSchemaTest, BadDictionariesMapsAndRunEnds) {
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("f");
    s->dictionary = f.Node("u");
    EXPECT_THAT(ImportType(s),
                StatusIs(StatusCode::Invalid,
                         HasSubstr("index type float (format 'f'), expected an integer")));
    f.ExpectAllReleasedOnce();
  }
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    s->dictionary = f.Node("d:100,2");
    EXPECT_THAT(ImportType(s), StatusIs(StatusCode::Invalid, HasSubstr("dictionary of")));
  }
  {
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    ArrowSchema* released = f.Node("u");
    released->release = nullptr;
    s->dictionary = released;
    EXPECT_THAT(ImportType(s), StatusIs(StatusCode::Invalid, HasSubstr("ArrowSchema is released")));
  }
  {
    ForeignSchemas f;
    ArrowSchema* entries =
        f.Node("+s", {f.Node("u", {}, ARROW_FLAG_NULLABLE, "key"), f.Node("i", {}, 2, "value")}, 0,
               "entries");
    EXPECT_THAT(ImportType(f.Node("+m", {entries})),
                StatusIs(StatusCode::Invalid, HasSubstr("key field 'key' is flagged nullable")));
  }
  {
    ForeignSchemas f;
    EXPECT_THAT(
        ImportType(f.Node("+m", {f.Node("i")})),
        StatusIs(StatusCode::Invalid,
                 HasSubstr("expects a struct child of 2 fields (key, value) but found int32")));
  }
  {
    // Entries flagged nullable by a lax producer are accepted: entries are never null.
    ForeignSchemas f;
    ArrowSchema* entries = f.Node("+s", {f.Node("u", {}, 0, "key"), f.Node("i", {}, 2, "value")},
                                  ARROW_FLAG_NULLABLE, "entries");
    auto type = ImportType(f.Node("+m", {entries}));
    ASSERT_OK(type);
    EXPECT_TRUE((*type)->Equals(*map(utf8(), int32())));
  }
  {
    ForeignSchemas f;
    EXPECT_THAT(
        ImportType(f.Node("+r", {f.Node("f", {}, 0, "run_ends"), f.Node("i", {}, 2, "values")})),
        StatusIs(StatusCode::Invalid,
                 HasSubstr("run ends of int16, int32 or int64 but found float")));
  }
}

TEST(CBridgeMalformedSchemaTest, CyclesAndDeepNestingAreRefused) {
  {
    ForeignSchemas f;
    ArrowSchema* loop = f.Node("+l", {nullptr}, ARROW_FLAG_NULLABLE, "loop");
    loop->children[0] = loop;  // a list of itself
    ArrowSchema* s = f.Node("+l", {loop});
    EXPECT_THAT(ImportType(s),
                StatusIs(StatusCode::Invalid, HasSubstr("nesting is deeper than 64 levels")));
    f.ExpectAllReleasedOnce();
  }
  {
    // The base struct itself is moved into the import, so a pointer back to
    // it from below reads as a released struct.
    ForeignSchemas f;
    ArrowSchema* s = f.Node("+l", {nullptr});
    s->children[0] = s;
    EXPECT_THAT(ImportType(s), StatusIs(StatusCode::Invalid,
                                        HasSubstr("child 0 of '+l': ArrowSchema is released")));
  }
  {
    // A legitimate but absurdly deep type: 100 nested lists.
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    for (int i = 0; i < 100; ++i) s = f.Node("+l", {s});
    EXPECT_THAT(ImportType(s),
                StatusIs(StatusCode::Invalid, HasSubstr("nesting is deeper than 64 levels")));
    f.ExpectAllReleasedOnce();
  }
  {
    // 60 levels are fine.
    ForeignSchemas f;
    ArrowSchema* s = f.Node("i");
    for (int i = 0; i < 60; ++i) s = f.Node("+l", {s});
    EXPECT_OK(ImportType(s));
    f.ExpectAllReleasedOnce();
  }
}

// ---------------------------------------------------------------------------
// Export details.

TEST_F(CBridgeTest, ExportedStructsDescribeTheLayout) {
  {
    // Unknown null count is exported as -1, a missing bitmap as 0 nulls.
    auto data = m_.Int32s({1, 2, 3}, {true, false, true});
    data->null_count = kUnknownNullCount;
    UniqueArrowArray c;
    ASSERT_OK(ExportArray(*MakeArray(data), c.get()));
    EXPECT_EQ(c->null_count, -1);
    EXPECT_EQ(c->n_buffers, 2);
    EXPECT_EQ(c->buffers[0], data->buffers[0]->data());
    EXPECT_EQ(c->buffers[1], data->buffers[1]->data());
    EXPECT_EQ(c->dictionary, nullptr);
    auto back = ImportArray(c.get(), int32());
    ASSERT_OK(back);
    EXPECT_EQ((*back)->null_count(), 1);
  }
  {
    auto data = m_.Int32s({1, 2, 3});
    data->null_count = kUnknownNullCount;
    UniqueArrowArray c;
    ASSERT_OK(ExportArray(*MakeArray(data), c.get()));
    EXPECT_EQ(c->null_count, 0);
    EXPECT_EQ(c->buffers[0], nullptr);
  }
  {
    // Binary views append the sizes of their variadic buffers.
    auto data =
        m_.Views(utf8_view(), {"a string well over twelve bytes", "and one more of those", "x"});
    UniqueArrowArray c;
    ASSERT_OK(ExportArray(*MakeArray(data), c.get()));
    ASSERT_EQ(c->n_buffers, 5);
    const auto* sizes = static_cast<const int64_t*>(c->buffers[4]);
    EXPECT_EQ(sizes[0], data->buffers[2]->size());
    EXPECT_EQ(sizes[1], data->buffers[3]->size());
  }
  {
    // Unions have no validity buffer; their null count is 0.
    auto type = dense_union({field("i", int32())});
    auto data = ArrayData::Make(type, 2, {m_.Buf<int8_t>({0, 0}), m_.Buf<int32_t>({0, 1})},
                                {m_.Int32s({1, 2}, {false, true})}, kUnknownNullCount);
    UniqueArrowArray c;
    ASSERT_OK(ExportArray(*MakeArray(data), c.get()));
    EXPECT_EQ(c->n_buffers, 2);
    EXPECT_EQ(c->null_count, 0);
    EXPECT_EQ(c->buffers[0], data->buffers[0]->data());
    auto back = ImportArray(c.get(), type);
    ASSERT_OK(back);
    EXPECT_EQ((*back)->null_count(), 1) << "the logical null of the child still counts";
  }
  {
    UniqueArrowArray c;
    ASSERT_OK(ExportArray(*MakeArray(ArrayData::Make(null(), 7, {}, 7)), c.get()));
    EXPECT_EQ(c->n_buffers, 0);
    EXPECT_EQ(c->null_count, 7);
  }
}

TEST_F(CBridgeTest, ExportRejectsArrayDataThatBreaksTheLayout) {
  UniqueArrowArray c;
  auto bad = ArrayData::Make(utf8(), 1, {nullptr, m_.Buf<int32_t>({0, 1})}, 0);  // no data buffer
  EXPECT_THAT(ExportArray(*MakeArray(bad), c.get()),
              StatusIs(StatusCode::Invalid, HasSubstr("expected 3 buffers but found 2")));
  EXPECT_TRUE(c.is_released());
  auto no_dict = m_.Fixed<int8_t>(dictionary(int8(), utf8()), {0});
  UniqueArrowSchema s;
  EXPECT_THAT(ExportArray(*MakeArray(no_dict), c.get(), s.get()),
              StatusIs(StatusCode::Invalid, HasSubstr("has no dictionary")));
  EXPECT_TRUE(c.is_released());
  EXPECT_TRUE(s.is_released()) << "neither struct is filled when the export fails";
}

TEST_F(CBridgeTest, AChildMovedOutLivesOnAfterItsParentIsReleased) {
  auto type = struct_({field("a", int32()), field("b", utf8())});
  ArrayPtr original = MakeArray(
      ArrayData::Make(type, 3, {nullptr}, {m_.Int32s({1, 2, 3}), m_.Strings({"x", "y", "z"})}, 0));
  UniqueArrowArray parent;
  ASSERT_OK(ExportArray(*original, parent.get()));
  original.reset();
  // Move child 1 out (the spec's "moving child arrays"), then release the parent.
  UniqueArrowArray child(parent->children[1]);
  parent.reset();
  EXPECT_GT(pool_->bytes_allocated(), 0);
  auto imported = ImportArray(child.get(), utf8());
  ASSERT_OK(imported);
  EXPECT_EQ(static_cast<const StringArray&>(**imported).GetView(2), "z");
}

TEST_F(CBridgeTest, HoldersReleaseExactlyOnceAndMove) {
  int releases = 0;
  {
    UniqueArrowArray a;
    ASSERT_OK(ExportArray(*MakeArray(m_.Int32s({1, 2})), a.get()));
    CountReleases(a.get(), &releases);
    UniqueArrowArray b(std::move(a));
    EXPECT_TRUE(a.is_released());
    EXPECT_FALSE(b.is_released());
    UniqueArrowArray c;
    c = std::move(b);
    EXPECT_EQ(releases, 0);
    ArrowArray raw{};
    c.MoveTo(&raw);
    EXPECT_TRUE(c.is_released());
    UniqueArrowArray d(&raw);
    EXPECT_EQ(raw.release, nullptr);
  }
  EXPECT_EQ(releases, 1);
  int schema_releases = 0;
  {
    UniqueArrowSchema s;
    ASSERT_OK(ExportType(*list(int8()), s.get()));
    CountReleases(s.get(), &schema_releases);
    s.reset();
    EXPECT_EQ(schema_releases, 1);
    s.reset();
  }
  EXPECT_EQ(schema_releases, 1);
}

// ---------------------------------------------------------------------------
// Malformed arrays: a valid export, then tampered with as a buggy or hostile
// producer might. The struct is always released exactly once.

class CBridgeMalformedArrayTest : public CBridgeTest {
 protected:
  // Exports `data`, lets `tamper` damage the struct, imports, and checks that
  // the import failed with Invalid and `message`, releasing the struct once.
  void ExpectInvalid(const ArrayDataPtr& data, const std::function<void(ArrowArray*)>& tamper,
                     const std::string& message) {
    UniqueArrowArray c;
    ASSERT_OK(ExportArray(*MakeArray(data), c.get()));
    int releases = 0;
    CountReleases(c.get(), &releases);
    // Keep what the producer will free, then damage the consumer-visible copy.
    tamper(c.get());
    EXPECT_THAT(ImportArray(c.get(), data->type),
                StatusIs(StatusCode::Invalid, HasSubstr(message)));
    EXPECT_TRUE(c.is_released());
    EXPECT_EQ(releases, 1);
  }
};

TEST_F(CBridgeMalformedArrayTest, CountsLengthsAndOffsets) {
  auto ints = [this] { return m_.Int32s({1, 2, 3, 4}, {true, false, true, true}); };
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->length = -1; }, "length is -1, expected >= 0");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->offset = -2; }, "offset is -2, expected >= 0");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->null_count = 5; },
      "null_count is 5, expected -1 or within [0, 4]");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->null_count = -7; }, "null_count is -7");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->offset = INT64_MAX; }, "overflows int64");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->n_buffers = 3; },
      "int32 array: expected 2 buffers but found n_buffers = 3");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->n_buffers = -1; }, "n_buffers is -1, expected >= 0");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->n_children = 1; },
      "expected 0 children but found n_children = 1");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->n_children = -1; }, "n_children is -1");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->buffers = nullptr; }, "buffers is null but n_buffers is 2");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->null_count = 1, a->buffers[0] = nullptr; },
      "null_count is 1 but the validity buffer is null");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->buffers[1] = nullptr; },
      "buffer 1 (values) is null but 16 bytes are expected");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->buffers[1] = static_cast<const uint8_t*>(a->buffers[1]) + 1; },
      "is not aligned to 4 bytes");
  ExpectInvalid(
      ints(), [](ArrowArray* a) { a->dictionary = a; }, "dictionary is set, expected null");
}

TEST_F(CBridgeMalformedArrayTest, NestedLayouts) {
  auto strct = [this] {
    return ArrayData::Make(struct_({field("a", int32()), field("b", utf8())}), 2, {nullptr},
                           {m_.Int32s({1, 2}), m_.Strings({"x", "y"})}, 0);
  };
  ExpectInvalid(
      strct(), [](ArrowArray* a) { a->n_children = 1; },
      "expected 2 children but found n_children = 1");
  ExpectInvalid(
      strct(), [](ArrowArray* a) { a->children = nullptr; },
      "children is null but n_children is 2");
  ExpectInvalid(
      strct(), [](ArrowArray* a) { a->children[1] = nullptr; },
      "child 1: ArrowArray pointer is null");
  ExpectInvalid(
      strct(), [](ArrowArray* a) { a->children[0]->length = -4; },
      "child 0: int32 array: length is -4");
  ExpectInvalid(
      strct(), [](ArrowArray* a) { a->children[1]->n_buffers = 2; },
      "child 1: string array: expected 3 buffers but found n_buffers = 2");
  // Structural validation runs after the checks of the interface itself.
  ExpectInvalid(
      strct(), [](ArrowArray* a) { a->children[0]->length = 1; },
      "imported array failed validation");

  auto dict = [this] {
    auto d = m_.Fixed<int8_t>(dictionary(int8(), utf8()), {0, 1});
    d->dictionary = m_.Strings({"p", "q"});
    return d;
  };
  ExpectInvalid(
      dict(), [](ArrowArray* a) { a->dictionary = nullptr; },
      "expected a dictionary but ArrowArray dictionary is null");
  ExpectInvalid(
      dict(), [](ArrowArray* a) { a->dictionary->n_buffers = 1; },
      "dictionary: string array: expected 3 buffers");

  auto views = [this] { return m_.Views(binary_view(), {"long enough to be out of line", "s"}); };
  ExpectInvalid(
      views(), [](ArrowArray* a) { a->n_buffers = 2; },
      "expected at least 3 buffers but found n_buffers = 2");
  ExpectInvalid(
      views(),
      [](ArrowArray* a) {
        const_cast<int64_t*>(static_cast<const int64_t*>(a->buffers[4]))[1] = -9;
      },
      "variadic data buffer 1 has size -9, expected >= 0");

  auto strings = [this] { return m_.Strings({"ab", "c"}); };
  ExpectInvalid(
      strings(),
      [](ArrowArray* a) {
        const_cast<int32_t*>(static_cast<const int32_t*>(a->buffers[1]))[2] = -3;
      },
      "offset at index 2 is -3, expected >= 0");
  ExpectInvalid(
      strings(), [](ArrowArray* a) { a->buffers[2] = nullptr; },
      "buffer 2 (data) is null but 3 bytes are expected");
}

TEST_F(CBridgeMalformedArrayTest, ReleasedOrNullInput) {
  EXPECT_THAT(ImportArray(static_cast<ArrowArray*>(nullptr), int32()),
              StatusIs(StatusCode::Invalid, HasSubstr("ArrowArray pointer is null")));
  ArrowArray released{};
  EXPECT_THAT(ImportArray(&released, int32()),
              StatusIs(StatusCode::Invalid, HasSubstr("ArrowArray is released")));
  // A bad schema still releases the array passed with it.
  UniqueArrowArray c;
  ASSERT_OK(ExportArray(*MakeArray(m_.Int32s({1})), c.get()));
  int releases = 0;
  CountReleases(c.get(), &releases);
  ArrowSchema bad_schema{};
  EXPECT_THAT(ImportArray(c.get(), &bad_schema),
              StatusIs(StatusCode::Invalid, HasSubstr("ArrowSchema is released")));
  EXPECT_EQ(releases, 1);
}

TEST_F(CBridgeTest, ZeroLengthArraysMayLeaveBuffersOut) {
  // A producer may pass null for any buffer whose size would be 0, offsets of
  // an empty array included.
  const void* no_buffers[3] = {nullptr, nullptr, nullptr};
  ArrowArray c{};
  c.n_buffers = 3;
  c.buffers = no_buffers;
  c.release = [](ArrowArray* a) { a->release = nullptr; };
  auto imported = ImportArray(&c, utf8());
  ASSERT_OK(imported);
  EXPECT_EQ((*imported)->length(), 0);
  EXPECT_OK((*imported)->ValidateFull());

  ArrowArray list_c{};
  ArrowArray child{};
  ArrowArray* children[1] = {&child};
  const void* child_buffers[2] = {nullptr, nullptr};
  child.n_buffers = 2;
  child.buffers = child_buffers;
  child.release = [](ArrowArray* a) { a->release = nullptr; };
  list_c.n_buffers = 2;
  list_c.buffers = no_buffers;
  list_c.n_children = 1;
  list_c.children = children;
  list_c.release = [](ArrowArray* a) {
    a->children[0]->release(a->children[0]);
    a->release = nullptr;
  };
  auto list_imported = ImportArray(&list_c, list(int64()));
  ASSERT_OK(list_imported);
  EXPECT_OK((*list_imported)->ValidateFull());
  EXPECT_EQ(child.release, nullptr);

  // An empty buffer is never read, so its alignment does not matter.
  alignas(8) static const uint8_t storage[16] = {};
  const void* odd_buffers[2] = {nullptr, storage + 1};
  ArrowArray odd{};
  odd.n_buffers = 2;
  odd.buffers = odd_buffers;
  odd.release = [](ArrowArray* a) { a->release = nullptr; };
  auto odd_imported = ImportArray(&odd, int64());
  ASSERT_OK(odd_imported);
  EXPECT_EQ((*odd_imported)->length(), 0);
}

// ---------------------------------------------------------------------------
// Record batches.

SchemaPtr BatchSchema() {
  return schema({field("id", int32(), false), field("name", utf8())},
                key_value_metadata({{"source", "test"}}));
}

RecordBatchPtr MakeBatch(const Maker& m, std::vector<int32_t> ids) {
  std::vector<std::optional<std::string>> names;
  for (int32_t id : ids) {
    names.push_back(id % 3 == 0 ? std::nullopt
                                : std::optional<std::string>("n" + std::to_string(id)));
  }
  const auto n = static_cast<int64_t>(ids.size());
  return RecordBatch::Make(BatchSchema(), n,
                           {MakeArray(m.Int32s(ids)), MakeArray(m.Strings(names))});
}

TEST_F(CBridgeTest, RecordBatchRoundTrip) {
  RecordBatchPtr batch = MakeBatch(m_, {1, 2, 3, 4, 5});
  for (const RecordBatchPtr& b : {batch, batch->Slice(1, 3)}) {
    UniqueArrowArray c_array;
    UniqueArrowSchema c_schema;
    ASSERT_OK(ExportRecordBatch(*b, c_array.get(), c_schema.get()));
    EXPECT_STREQ(c_schema->format, "+s");
    EXPECT_EQ(c_array->length, b->num_rows());
    EXPECT_EQ(c_array->null_count, 0);
    EXPECT_EQ(c_array->n_children, 2);
    auto back = ImportRecordBatch(c_array.get(), c_schema.get());
    ASSERT_OK(back);
    EXPECT_OK((*back)->ValidateFull());
    EXPECT_TRUE((*back)->Equals(*b, /*check_metadata=*/true)) << (*back)->ToString();
    EXPECT_TRUE((*back)->schema()->Equals(*b->schema(), /*check_metadata=*/true));
  }
}

TEST_F(CBridgeTest, RecordBatchFromAnOffsetStructArraySlicesTheColumns) {
  // A struct array with a non-zero offset: the columns start at that offset.
  auto type = struct_(BatchSchema()->fields());
  ArrayPtr strct =
      MakeArray(ArrayData::Make(type, 4, {nullptr},
                                {m_.Int32s({10, 20, 30, 40}), m_.Strings({"a", "b", "c", "d"})}, 0))
          ->Slice(2, 2);
  UniqueArrowArray c;
  ASSERT_OK(ExportArray(*strct, c.get()));
  EXPECT_EQ(c->offset, 2);
  auto back = ImportRecordBatch(c.get(), BatchSchema());
  ASSERT_OK(back);
  ASSERT_EQ((*back)->num_rows(), 2);
  EXPECT_EQ(static_cast<const Int32Array&>(*(*back)->column(0)).Value(0), 30);
  EXPECT_EQ(static_cast<const StringArray&>(*(*back)->column(1)).GetView(1), "d");
}

TEST_F(CBridgeTest, RecordBatchImportRefusesTopLevelNullsAndNonStructs) {
  auto type = struct_(BatchSchema()->fields());
  ArrayPtr with_nulls = MakeArray(ArrayData::Make(type, 2, {m_.Bits({true, false})},
                                                  {m_.Int32s({1, 2}), m_.Strings({"a", "b"})}, 1));
  UniqueArrowArray c;
  ASSERT_OK(ExportArray(*with_nulls, c.get()));
  EXPECT_THAT(ImportRecordBatch(c.get(), BatchSchema()),
              StatusIs(StatusCode::Invalid, HasSubstr("cannot have top-level nulls")));
  EXPECT_TRUE(c.is_released());

  UniqueArrowArray ints;
  UniqueArrowSchema int_schema;
  ASSERT_OK(ExportArray(*MakeArray(m_.Int32s({1})), ints.get(), int_schema.get()));
  EXPECT_THAT(ImportRecordBatch(ints.get(), int_schema.get()),
              StatusIs(StatusCode::Invalid, HasSubstr("found format 'i'")));
  EXPECT_TRUE(ints.is_released());
  EXPECT_TRUE(int_schema.is_released());
}

// ---------------------------------------------------------------------------
// C Stream Interface.

// Yields its batches, then the end; optionally fails instead of yielding batch `fail_at`.
class ScriptedReader : public RecordBatchReader {
 public:
  ScriptedReader(SchemaPtr schema, RecordBatchVector batches, int fail_at = -1,
                 Status failure = Status::OK())
      : schema_(std::move(schema)),
        batches_(std::move(batches)),
        fail_at_(fail_at),
        failure_(std::move(failure)) {}
  SchemaPtr schema() const override { return schema_; }
  Status ReadNext(RecordBatchPtr* batch) override {
    if (next_ == fail_at_) {
      ++next_;
      return failure_;
    }
    *batch =
        next_ < static_cast<int>(batches_.size()) ? batches_[static_cast<size_t>(next_)] : nullptr;
    ++next_;
    return Status::OK();
  }

 private:
  SchemaPtr schema_;
  RecordBatchVector batches_;
  int next_ = 0;
  int fail_at_;
  Status failure_;
};

TEST_F(CBridgeTest, StreamRoundTrip) {
  RecordBatchVector batches = {MakeBatch(m_, {1, 2, 3}), MakeBatch(m_, {}),
                               MakeBatch(m_, {4, 5, 6, 7})};
  auto source = std::make_shared<ScriptedReader>(BatchSchema(), batches);
  std::weak_ptr<RecordBatchReader> weak_source = source;
  UniqueArrowArrayStream stream;
  ASSERT_OK(ExportRecordBatchReader(std::move(source), stream.get()));
  int releases = 0;
  {
    // Count the stream's release by wrapping it (the callbacks are passed through).
    struct Wrapped {
      ArrowArrayStream inner;
      int* count;
    };
    auto* w = new Wrapped{*stream.get(), &releases};
    stream->private_data = w;
    stream->get_schema = [](ArrowArrayStream* s, ArrowSchema* out) {
      auto* w = static_cast<Wrapped*>(s->private_data);
      return w->inner.get_schema(&w->inner, out);
    };
    stream->get_next = [](ArrowArrayStream* s, ArrowArray* out) {
      auto* w = static_cast<Wrapped*>(s->private_data);
      return w->inner.get_next(&w->inner, out);
    };
    stream->get_last_error = [](ArrowArrayStream* s) {
      auto* w = static_cast<Wrapped*>(s->private_data);
      return w->inner.get_last_error(&w->inner);
    };
    stream->release = [](ArrowArrayStream* s) {
      auto* w = static_cast<Wrapped*>(s->private_data);
      w->inner.release(&w->inner);
      ++*w->count;
      delete w;
      s->release = nullptr;
    };
  }
  auto reader = ImportRecordBatchReader(stream.get());
  ASSERT_OK(reader);
  EXPECT_TRUE(stream.is_released());
  EXPECT_TRUE((*reader)->schema()->Equals(*BatchSchema(), /*check_metadata=*/true));
  for (const auto& expected : batches) {
    RecordBatchPtr got;
    ASSERT_OK((*reader)->ReadNext(&got));
    ASSERT_NE(got, nullptr);
    EXPECT_TRUE(got->Equals(*expected)) << got->ToString();
    // Zero copy through the stream as well.
    EXPECT_EQ(got->column(0)->data()->buffers[1]->data(),
              expected->column(0)->data()->buffers[1]->data());
  }
  RecordBatchPtr end;
  ASSERT_OK((*reader)->ReadNext(&end));
  EXPECT_EQ(end, nullptr);
  EXPECT_EQ(releases, 1) << "the stream is released once its end is reached";
  EXPECT_TRUE(weak_source.expired()) << "releasing the stream drops the exported reader";
  ASSERT_OK((*reader)->ReadNext(&end));
  EXPECT_EQ(end, nullptr);
  EXPECT_EQ(releases, 1);
}

TEST_F(CBridgeTest, StreamExportSpeaksErrnoAndKeepsTheLastError) {
  auto source = std::make_shared<ScriptedReader>(
      BatchSchema(), RecordBatchVector{MakeBatch(m_, {1})}, 1, Status::Invalid("boom at batch 1"));
  UniqueArrowArrayStream stream;
  ASSERT_OK(ExportRecordBatchReader(source, stream.get()));
  UniqueArrowSchema schema;
  ASSERT_EQ(stream->get_schema(stream.get(), schema.get()), 0);
  EXPECT_STREQ(schema->format, "+s");
  UniqueArrowArray batch;
  ASSERT_EQ(stream->get_next(stream.get(), batch.get()), 0);
  EXPECT_FALSE(batch.is_released());
  EXPECT_EQ(batch->length, 1);
  batch.reset();
  EXPECT_EQ(stream->get_next(stream.get(), batch.get()), EINVAL);
  EXPECT_TRUE(batch.is_released());
  ASSERT_NE(stream->get_last_error(stream.get()), nullptr);
  EXPECT_THAT(std::string(stream->get_last_error(stream.get())), HasSubstr("boom at batch 1"));
  // The stream goes on after an error; here it has ended.
  ASSERT_EQ(stream->get_next(stream.get(), batch.get()), 0);
  EXPECT_TRUE(batch.is_released());
  EXPECT_EQ(stream->get_last_error(stream.get()), nullptr);
}

TEST_F(CBridgeTest, StreamErrorCodesFollowTheStatus) {
  struct Case {
    Status status;
    int code;
    StatusCode imported;
  };
  const std::vector<Case> cases = {
      {Status::Invalid("bad"), EINVAL, StatusCode::Invalid},
      {Status::TypeError("type"), EINVAL, StatusCode::Invalid},
      {Status::OutOfMemory("oom"), ENOMEM, StatusCode::OutOfMemory},
      {Status::IOError("disk"), EIO, StatusCode::IOError},
      {Status::NotImplemented("later"), ENOSYS, StatusCode::NotImplemented},
      {Status::Cancelled("stop"), ECANCELED, StatusCode::Cancelled},
      {Status::UnknownError("what"), EIO, StatusCode::IOError},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.status.ToString());
    UniqueArrowArrayStream stream;
    ASSERT_OK(ExportRecordBatchReader(
        std::make_shared<ScriptedReader>(BatchSchema(), RecordBatchVector{}, 0, c.status),
        stream.get()));
    UniqueArrowArray out;
    EXPECT_EQ(stream->get_next(stream.get(), out.get()), c.code);
    // And back through an imported reader: the code and the producer's message survive.
    UniqueArrowArrayStream again;
    ASSERT_OK(ExportRecordBatchReader(
        std::make_shared<ScriptedReader>(BatchSchema(), RecordBatchVector{}, 0, c.status),
        again.get()));
    auto reader = ImportRecordBatchReader(again.get());
    ASSERT_OK(reader);
    RecordBatchPtr batch;
    EXPECT_THAT((*reader)->ReadNext(&batch), StatusIs(c.imported, HasSubstr(c.status.message())));
    EXPECT_EQ(batch, nullptr);
  }
}

TEST_F(CBridgeTest, StreamRefusesABatchOfAnotherSchema) {
  auto other = RecordBatch::Make(schema({field("x", int64())}), 1,
                                 {MakeArray(m_.Fixed<int64_t>(int64(), {1}))});
  UniqueArrowArrayStream stream;
  ASSERT_OK(ExportRecordBatchReader(
      std::make_shared<ScriptedReader>(BatchSchema(), RecordBatchVector{other}), stream.get()));
  UniqueArrowArray out;
  EXPECT_EQ(stream->get_next(stream.get(), out.get()), EINVAL);
  EXPECT_THAT(std::string(stream->get_last_error(stream.get())), HasSubstr("schema differs"));
  EXPECT_TRUE(out.is_released());
}

TEST_F(CBridgeTest, StreamImportReportsAFailingSchemaAndReleasesTheStream) {
  struct Producer {
    static int GetSchema(ArrowArrayStream*, ArrowSchema*) { return ENOMEM; }
    static int GetNext(ArrowArrayStream*, ArrowArray*) { return EIO; }
    static const char* LastError(ArrowArrayStream*) { return "no memory for the schema"; }
    static void Release(ArrowArrayStream* s) {
      ++*static_cast<int*>(s->private_data);
      s->release = nullptr;
    }
  };
  int releases = 0;
  ArrowArrayStream stream{&Producer::GetSchema, &Producer::GetNext, &Producer::LastError,
                          &Producer::Release, &releases};
  EXPECT_THAT(ImportRecordBatchReader(&stream),
              StatusIs(StatusCode::OutOfMemory,
                       HasSubstr("get_schema failed with ENOMEM: no memory for the schema")));
  EXPECT_EQ(releases, 1);
  EXPECT_EQ(stream.release, nullptr);

  ArrowArrayStream released{};
  EXPECT_THAT(ImportRecordBatchReader(&released),
              StatusIs(StatusCode::Invalid, HasSubstr("released")));
}

TEST_F(CBridgeTest, ClosingAnImportedReaderReleasesTheStream) {
  auto source =
      std::make_shared<ScriptedReader>(BatchSchema(), RecordBatchVector{MakeBatch(m_, {1, 2})});
  std::weak_ptr<RecordBatchReader> weak_source = source;
  UniqueArrowArrayStream stream;
  ASSERT_OK(ExportRecordBatchReader(std::move(source), stream.get()));
  auto reader = ImportRecordBatchReader(stream.get());
  ASSERT_OK(reader);
  EXPECT_FALSE(weak_source.expired());
  ASSERT_OK((*reader)->Close());
  EXPECT_TRUE(weak_source.expired());
  RecordBatchPtr batch;
  ASSERT_OK((*reader)->ReadNext(&batch));
  EXPECT_EQ(batch, nullptr);
}

}  // namespace
}  // namespace quiver
