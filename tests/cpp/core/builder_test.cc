#include "quiver/builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;

// Finishes `b` and checks the result against the columnar format.
ArrayPtr FinishValid(ArrayBuilder& b) {
  auto result = b.Finish();
  if (!result.ok()) {
    ADD_FAILURE() << "Finish failed: " << result.status().ToString();
    return nullptr;
  }
  ArrayPtr arr = *std::move(result);
  const Status valid = arr->ValidateFull();
  if (!valid.ok()) ADD_FAILURE() << "ValidateFull failed for " << arr->type()->ToString() << ": " << valid.ToString();
  return arr;
}

template <typename B>
std::unique_ptr<B> Make(const TypePtr& type, MemoryPool* pool = default_memory_pool()) {
  auto r = MakeBuilderAs<B>(type, pool);
  if (!r.ok()) {
    ADD_FAILURE() << r.status().ToString();
    return nullptr;
  }
  return *std::move(r);
}

// A read-only, never-touched mapping large enough to pose as a >2 GiB value
// without using memory: capacity checks must reject it before reading it.
class HugeMapping {
 public:
  explicit HugeMapping(size_t size) : size_(size) {
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<const char*>(p);
  }
  ~HugeMapping() {
    if (data_) munmap(const_cast<char*>(data_), size_);
  }
  std::string_view view() const { return {data_, size_}; }
  bool ok() const { return data_ != nullptr; }

 private:
  const char* data_;
  size_t size_;
};

// ---------------------------------------------------------------------------
// Buffers

TEST(BufferBuilderTest, GrowsKeepsBytesAndZeroPadding) {
  BufferBuilder b;
  for (int i = 0; i < 1000; ++i) ASSERT_OK(b.AppendValue<int32_t>(i));
  ASSERT_OK(b.AppendZeros(3));
  EXPECT_EQ(b.length(), 4003);
  auto finished = b.Finish();
  ASSERT_OK(finished);
  std::shared_ptr<Buffer> buf = *finished;
  EXPECT_EQ(buf->size(), 4003);
  EXPECT_EQ(buf->data_as<int32_t>()[999], 999);
  EXPECT_EQ(buf->data()[4002], 0);
  // Padding up to the 64-byte boundary is zero.
  for (int64_t i = buf->size(); i < PaddedLength(buf->size()); ++i) EXPECT_EQ(buf->data()[i], 0);
  EXPECT_EQ(b.length(), 0);
}

TEST(BitmapBuilderTest, AppendsRunsBytesAndBits) {
  BitmapBuilder b;
  ASSERT_OK(b.AppendN(10, true));
  ASSERT_OK(b.Append(false));
  const uint8_t bytes[] = {1, 0, 7};
  ASSERT_OK(b.AppendBytes(bytes, 3));
  const uint8_t bits[] = {0b10110};  // from offset 1: 1, 1, 0, 1
  ASSERT_OK(b.AppendBits(bits, 1, 4));
  EXPECT_EQ(b.length(), 18);
  EXPECT_EQ(b.false_count(), 3);
  const std::vector<bool> expected = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1};
  for (int i = 0; i < 18; ++i) EXPECT_EQ(b.GetBit(i), expected[static_cast<size_t>(i)]) << i;
  auto buf = b.Finish();
  ASSERT_OK(buf);
  EXPECT_EQ((*buf)->size(), 3);
  EXPECT_EQ((*buf)->data()[2] & ~0b11, 0);  // bits past the length are zero
}

// ---------------------------------------------------------------------------
// Null, numeric, boolean

TEST(NullBuilderTest, CountsNullsWithoutMemory) {
  auto pool = MakeSystemMemoryPool();
  NullBuilder b(pool.get());
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.AppendNulls(3));
  ASSERT_OK(b.AppendEmptyValue());
  EXPECT_EQ(b.length(), 5);
  EXPECT_EQ(b.null_count(), 5);
  EXPECT_EQ(pool->bytes_allocated(), 0);
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->type_id(), TypeId::NA);
  EXPECT_EQ(arr->length(), 5);
  EXPECT_EQ(arr->null_count(), 5);
  EXPECT_EQ(arr->Slice(1, 2)->null_count(), 2);
  EXPECT_THAT(b.AppendNulls(-1), StatusIs(StatusCode::Invalid, HasSubstr("non-negative")));
}

TEST(NumericBuilderTest, AppendValuesNullsAndReuse) {
  Int32Builder b;
  ASSERT_OK(b.Append(1));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.AppendValues({3, 4}));
  const std::vector<int32_t> more = {5, 6, 7};
  ASSERT_OK(b.AppendValues(more, std::vector<bool>{true, false, true}));
  ASSERT_OK(b.AppendEmptyValue());
  EXPECT_EQ(b.length(), 8);
  EXPECT_EQ(b.null_count(), 2);
  EXPECT_EQ(b.GetValue(3), 4);
  EXPECT_THAT(b.AppendValues(more, std::vector<bool>{true}),
              StatusIs(StatusCode::Invalid, HasSubstr("one validity flag per value")));

  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  const auto& ints = static_cast<const Int32Array&>(*arr);
  ASSERT_EQ(ints.length(), 8);
  EXPECT_EQ(ints.null_count(), 2);
  const std::vector<int32_t> values = {1, 0, 3, 4, 5, 0, 7, 0};
  const std::vector<bool> valid = {1, 0, 1, 1, 1, 0, 1, 1};
  for (int64_t i = 0; i < 8; ++i) {
    EXPECT_EQ(ints.IsValid(i), valid[static_cast<size_t>(i)]) << i;
    if (valid[static_cast<size_t>(i)]) {
      EXPECT_EQ(ints.Value(i), values[static_cast<size_t>(i)]) << i;
    }
  }
  // The builder is empty and reusable after Finish.
  EXPECT_EQ(b.length(), 0);
  EXPECT_EQ(b.null_count(), 0);
  ASSERT_OK(b.Append(42));
  auto second = FinishValid(b);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->length(), 1);
  EXPECT_EQ(second->null_bitmap(), nullptr);  // no nulls, no bitmap
  EXPECT_EQ(static_cast<const Int32Array&>(*second).Value(0), 42);

  // Slices of the result see the right values and nulls.
  auto slice = arr->Slice(1, 5);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_EQ(slice->null_count(), 2);
  EXPECT_EQ(static_cast<const Int32Array&>(*slice).Value(1), 3);
  EXPECT_TRUE(slice->IsNull(4));
}

TEST(NumericBuilderTest, ReserveThenUnsafeAppendIncludingAfterTheFirstNull) {
  Int64Builder b;
  ASSERT_OK(b.Reserve(100));
  for (int64_t i = 0; i < 50; ++i) b.UnsafeAppend(i);
  ASSERT_OK(b.AppendNull());  // creates the bitmap, honouring the reservation
  for (int64_t i = 51; i < 100; ++i) b.UnsafeAppend(i);
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  const auto& a = static_cast<const Int64Array&>(*arr);
  EXPECT_EQ(a.null_count(), 1);
  EXPECT_TRUE(a.IsNull(50));
  EXPECT_EQ(a.Value(99), 99);
  EXPECT_EQ(a.Value(0), 0);
  EXPECT_THAT(b.Reserve(-1), StatusIs(StatusCode::Invalid, ::testing::_));
}

template <typename T>
class NumericTypesTest : public ::testing::Test {};
using NumericCTypes = ::testing::Types<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t,
                                       float, double>;
TYPED_TEST_SUITE(NumericTypesTest, NumericCTypes);

TYPED_TEST(NumericTypesTest, ExtremesRoundTrip) {
  using T = TypeParam;
  NumericBuilder<T> b;
  const T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
  ASSERT_OK(b.Append(lo));
  ASSERT_OK(b.AppendNulls(2));
  ASSERT_OK(b.Append(hi));
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  EXPECT_TRUE(arr->type()->Equals(DefaultNumericType<T>()));
  const auto& a = static_cast<const NumericArray<T>&>(*arr);
  EXPECT_EQ(a.Value(0), lo);
  EXPECT_EQ(a.Value(3), hi);
  EXPECT_EQ(a.null_count(), 2);
}

TEST(NumericBuilderTest, TemporalAndIntervalTypesKeepTheirType) {
  auto ts = Make<TimestampBuilder>(timestamp(TimeUnit::MILLI, "UTC"));
  ASSERT_NE(ts, nullptr);
  ASSERT_OK(ts->Append(1'700'000'000'000));
  auto arr = FinishValid(*ts);
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->type()->ToString(), "timestamp[ms, tz=UTC]");

  for (const auto& type : {date32(), time32(TimeUnit::SECOND), month_interval()}) {
    auto b = Make<NumericBuilder<int32_t>>(type);
    ASSERT_NE(b, nullptr);
    ASSERT_OK(b->Append(7));
    auto a = FinishValid(*b);
    ASSERT_NE(a, nullptr);
    EXPECT_TRUE(a->type()->Equals(type));
  }
  for (const auto& type : {date64(), time64(TimeUnit::NANO), duration(TimeUnit::SECOND)}) {
    auto b = Make<NumericBuilder<int64_t>>(type);
    ASSERT_NE(b, nullptr);
    ASSERT_OK(b->Append(-7));
    auto a = FinishValid(*b);
    ASSERT_NE(a, nullptr);
    EXPECT_TRUE(a->type()->Equals(type));
  }

  DayTimeIntervalBuilder dt;
  ASSERT_OK(dt.Append({3, -500}));
  ASSERT_OK(dt.AppendNull());
  auto dta = FinishValid(dt);
  ASSERT_NE(dta, nullptr);
  EXPECT_EQ(dta->type_id(), TypeId::INTERVAL_DAY_TIME);
  EXPECT_EQ((static_cast<const DayTimeIntervalArray&>(*dta).Value(0)), (DayTimeInterval{3, -500}));

  MonthDayNanoIntervalBuilder mdn;
  ASSERT_OK(mdn.Append({1, 2, 3'000'000'000LL}));
  auto mdna = FinishValid(mdn);
  ASSERT_NE(mdna, nullptr);
  EXPECT_EQ(mdna->type_id(), TypeId::INTERVAL_MONTH_DAY_NANO);
  EXPECT_EQ((static_cast<const MonthDayNanoIntervalArray&>(*mdna).Value(0)),
            (MonthDayNanoInterval{1, 2, 3'000'000'000LL}));
}

TEST(HalfFloatTest, ConversionRoundsToNearestEven) {
  EXPECT_EQ(HalfFromFloat(0.0f), 0x0000);
  EXPECT_EQ(HalfFromFloat(-0.0f), 0x8000);
  EXPECT_EQ(HalfFromFloat(1.0f), 0x3C00);
  EXPECT_EQ(HalfFromFloat(-2.0f), 0xC000);
  EXPECT_EQ(HalfFromFloat(0.1f), 0x2E66);
  EXPECT_EQ(HalfFromFloat(65504.0f), 0x7BFF);  // the largest half
  EXPECT_EQ(HalfFromFloat(65520.0f), 0x7C00);  // rounds up to infinity
  EXPECT_EQ(HalfFromFloat(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(HalfFromFloat(std::ldexp(1.0f, -25)), 0x0000);  // a tie rounds to even (zero)
  EXPECT_EQ(HalfFromFloat(std::ldexp(3.0f, -25)), 0x0002);  // 1.5 ulp rounds to 2
  EXPECT_EQ(HalfFromFloat(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  EXPECT_EQ(HalfFromFloat(1.0f + std::ldexp(1.0f, -11)), 0x3C00);  // tie to even
  EXPECT_EQ(HalfFromFloat(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  EXPECT_EQ(HalfFromFloat(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(HalfFromFloat(-std::numeric_limits<float>::infinity()), 0xFC00);
  const uint16_t nan = HalfFromFloat(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const uint16_t h = static_cast<uint16_t>(bits);
    if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0) continue;  // NaN payloads may differ
    ASSERT_EQ(HalfFromFloat(HalfToFloat(h)), h) << bits;
  }

  HalfFloatBuilder b;
  ASSERT_OK(b.AppendFloat(1.5f));
  ASSERT_OK(b.AppendNull());
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->type_id(), TypeId::HALF_FLOAT);
  EXPECT_EQ(HalfToFloat(static_cast<const HalfFloatArray&>(*arr).Value(0)), 1.5f);
}

TEST(BooleanBuilderTest, ValuesNullsAndSlices) {
  BooleanBuilder b;
  ASSERT_OK(b.Append(true));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.AppendValues(std::vector<bool>{false, true, true}));
  ASSERT_OK(b.AppendValues(std::vector<bool>{true, false}, std::vector<bool>{false, true}));
  ASSERT_OK(b.AppendEmptyValues(2));
  EXPECT_TRUE(b.GetValue(3));
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  const auto& a = static_cast<const BooleanArray&>(*arr);
  ASSERT_EQ(a.length(), 9);
  EXPECT_EQ(a.null_count(), 2);
  EXPECT_TRUE(a.Value(0));
  EXPECT_FALSE(a.Value(2));
  EXPECT_TRUE(a.Value(4));
  EXPECT_TRUE(a.IsNull(5));
  EXPECT_FALSE(a.Value(6));
  EXPECT_FALSE(a.Value(8));
  EXPECT_EQ(a.true_count(), 3);
  auto slice = arr->Slice(3, 4);
  EXPECT_EQ(static_cast<const BooleanArray&>(*slice).true_count(), 2);
}

// ---------------------------------------------------------------------------
// Fixed-size binary and decimals

TEST(FixedSizeBinaryBuilderTest, ChecksWidth) {
  auto b = Make<FixedSizeBinaryBuilder>(fixed_size_binary(3));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->Append("abc"));
  ASSERT_OK(b->AppendNull());
  EXPECT_THAT(b->Append("abcd"), StatusIs(StatusCode::Invalid, HasSubstr("expected a value of 3 bytes")));
  const uint8_t two[] = {'x', 'y', 'z', '1', '2', '3'};
  ASSERT_OK(b->AppendValues(two, 2));
  EXPECT_EQ(b->GetView(3), "123");
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& a = static_cast<const FixedSizeBinaryArray&>(*arr);
  ASSERT_EQ(a.length(), 4);
  EXPECT_EQ(a.GetView(0), "abc");
  EXPECT_TRUE(a.IsNull(1));
  EXPECT_EQ(a.GetView(2), "xyz");
  EXPECT_EQ(a.Slice(3)->length(), 1);
  EXPECT_EQ(static_cast<const FixedSizeBinaryArray&>(*a.Slice(3)).GetView(0), "123");
}

TEST(DecimalBuilderTest, ParsesTextAtTheTypesScale) {
  auto b = Make<DecimalBuilder>(decimal128(10, 3));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->AppendDecimal("-12.345"));
  ASSERT_OK(b->AppendDecimal("1.5"));
  ASSERT_OK(b->AppendDecimal("1e2"));
  ASSERT_OK(b->AppendDecimal("+0.0010"));  // extra zeros beyond the scale are fine
  ASSERT_OK(b->AppendDecimal("-0"));
  ASSERT_OK(b->AppendDecimal("9999999.999"));
  ASSERT_OK(b->AppendDecimal("12345E-3"));
  ASSERT_OK(b->AppendNull());
  ASSERT_OK(b->AppendUnscaled(-42));
  EXPECT_THAT(b->AppendDecimal("0.0001"), StatusIs(StatusCode::Invalid, HasSubstr("more fractional digits")));
  EXPECT_THAT(b->AppendDecimal("10000000"), StatusIs(StatusCode::Invalid, HasSubstr("needs 11 digits")));
  EXPECT_THAT(b->AppendDecimal("1.2.3"), StatusIs(StatusCode::Invalid, HasSubstr("unexpected character")));
  EXPECT_THAT(b->AppendDecimal(""), StatusIs(StatusCode::Invalid, HasSubstr("expected a number")));
  EXPECT_THAT(b->AppendDecimal("1e"), StatusIs(StatusCode::Invalid, HasSubstr("exponent")));
  EXPECT_THAT(b->AppendDecimal("1e999999999999"), StatusIs(StatusCode::Invalid, HasSubstr("digits")));
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& d = static_cast<const DecimalArray&>(*arr);
  ASSERT_EQ(d.length(), 9);
  EXPECT_EQ(d.FormatValue(0), "-12.345");
  EXPECT_EQ(d.FormatValue(1), "1.500");
  EXPECT_EQ(d.FormatValue(2), "100.000");
  EXPECT_EQ(d.FormatValue(3), "0.001");
  EXPECT_EQ(d.FormatValue(4), "0.000");
  EXPECT_EQ(d.FormatValue(5), "9999999.999");
  EXPECT_EQ(d.FormatValue(6), "12.345");
  EXPECT_TRUE(d.IsNull(7));
  EXPECT_EQ(d.FormatValue(8), "-0.042");
}

TEST(DecimalBuilderTest, EveryWidthAndItsLimits) {
  auto d32 = Make<DecimalBuilder>(decimal32(4, 2));
  ASSERT_NE(d32, nullptr);
  ASSERT_OK(d32->AppendDecimal("-0.01"));
  ASSERT_OK(d32->AppendDecimal("99.99"));
  EXPECT_THAT(d32->AppendDecimal("123.45"), StatusIs(StatusCode::Invalid, HasSubstr("precision is 4")));
  EXPECT_THAT(d32->AppendUnscaled(10000), StatusIs(StatusCode::Invalid, HasSubstr("4 digits")));
  auto a32 = FinishValid(*d32);
  ASSERT_NE(a32, nullptr);
  EXPECT_EQ(std::string(static_cast<const DecimalArray&>(*a32).GetView(0)), std::string("\xFF\xFF\xFF\xFF", 4));
  EXPECT_EQ(static_cast<const DecimalArray&>(*a32).FormatValue(1), "99.99");

  auto d64 = Make<DecimalBuilder>(decimal64(18, 0));
  ASSERT_NE(d64, nullptr);
  ASSERT_OK(d64->AppendDecimal("-999999999999999999"));
  auto a64 = FinishValid(*d64);
  ASSERT_NE(a64, nullptr);
  EXPECT_EQ(static_cast<const DecimalArray&>(*a64).FormatValue(0), "-999999999999999999");

  const std::string nines(76, '9');
  auto d256 = Make<DecimalBuilder>(decimal256(76, 0));
  ASSERT_NE(d256, nullptr);
  ASSERT_OK(d256->AppendDecimal(nines));
  ASSERT_OK(d256->AppendDecimal("-" + nines));
  EXPECT_THAT(d256->AppendDecimal("1" + nines), StatusIs(StatusCode::Invalid, HasSubstr("77 digits")));
  auto a256 = FinishValid(*d256);
  ASSERT_NE(a256, nullptr);
  EXPECT_EQ(static_cast<const DecimalArray&>(*a256).FormatValue(0), nines);
  EXPECT_EQ(static_cast<const DecimalArray&>(*a256).FormatValue(1), "-" + nines);

  // Negative scales keep tens, hundreds...: 1200 at scale -2 is unscaled 12.
  auto neg = Make<DecimalBuilder>(decimal128(5, -2));
  ASSERT_NE(neg, nullptr);
  ASSERT_OK(neg->AppendDecimal("1200"));
  EXPECT_THAT(neg->AppendDecimal("1250"), StatusIs(StatusCode::Invalid, HasSubstr("fractional digits")));
  auto an = FinishValid(*neg);
  ASSERT_NE(an, nullptr);
  EXPECT_EQ(static_cast<uint8_t>(static_cast<const DecimalArray&>(*an).GetView(0)[0]), 12);
}

// ---------------------------------------------------------------------------
// Binary and strings

template <typename B>
class BaseBinaryTest : public ::testing::Test {};
using BinaryBuilders = ::testing::Types<BinaryBuilder, StringBuilder, LargeBinaryBuilder, LargeStringBuilder>;
TYPED_TEST_SUITE(BaseBinaryTest, BinaryBuilders);

TYPED_TEST(BaseBinaryTest, ValuesNullsEmptiesAndSlices) {
  TypeParam b;
  ASSERT_OK(b.Append("hello"));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.AppendEmptyValue());
  ASSERT_OK(b.AppendValues({"a", "bc"}));
  const std::vector<std::string> owned = {"x", "yz", "w"};
  const uint8_t valid[] = {1, 0, 1};
  ASSERT_OK(b.AppendValues(std::span<const std::string>(owned), valid));
  EXPECT_EQ(b.GetView(0), "hello");
  EXPECT_EQ(b.GetView(4), "bc");
  EXPECT_EQ(b.value_data_length(), 5 + 3 + 1 + 2 + 1);
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  using Offset = typename TypeParam::offset_type;
  const auto& a = static_cast<const BaseBinaryArray<Offset>&>(*arr);
  ASSERT_EQ(a.length(), 8);
  EXPECT_EQ(a.null_count(), 2);
  EXPECT_EQ(a.GetView(0), "hello");
  EXPECT_TRUE(a.IsNull(1));
  EXPECT_TRUE(a.IsValid(2));
  EXPECT_EQ(a.GetView(2), "");
  EXPECT_EQ(a.GetView(4), "bc");
  EXPECT_EQ(a.GetView(5), "x");
  EXPECT_TRUE(a.IsNull(6));
  EXPECT_EQ(a.GetView(7), "w");
  auto slice = arr->Slice(3, 3);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_EQ(static_cast<const BaseBinaryArray<Offset>&>(*slice).GetView(1), "bc");
}

TEST(BinaryBuilderTest, Int32OffsetsOverflowIsACapacityError) {
  HugeMapping huge(static_cast<size_t>(1) << 31);  // 2^31 bytes: one more than int32 offsets reach
  ASSERT_TRUE(huge.ok());
  StringBuilder b;
  ASSERT_OK(b.Append("abc"));
  EXPECT_THAT(b.Append(huge.view()), StatusIs(StatusCode::CapacityError, HasSubstr("large_")));
  // Just under the limit overall, still too much after what is already there.
  EXPECT_THAT(b.Append(huge.view().substr(0, std::numeric_limits<int32_t>::max() - 2)),
              StatusIs(StatusCode::CapacityError, HasSubstr("2147483647")));
  EXPECT_THAT(b.ReserveData(std::numeric_limits<int32_t>::max()), StatusIs(StatusCode::CapacityError, ::testing::_));
  // The failed appends left the builder as it was.
  EXPECT_EQ(b.length(), 1);
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(static_cast<const StringArray&>(*arr).GetView(0), "abc");

  BinaryViewBuilder views;
  EXPECT_THAT(views.Append(huge.view()), StatusIs(StatusCode::CapacityError, HasSubstr("at most 2147483647")));
  EXPECT_EQ(views.length(), 0);
}

TEST(BinaryViewBuilderTest, InlinesShortValuesAndSpillsLongOnesIntoBlocks) {
  BinaryViewBuilder b(binary_view(), default_memory_pool(), /*block_size=*/40);
  const std::string exactly12 = "123456789012";
  const std::string long1 = "this is longer than twelve";   // 26 bytes
  const std::string long2 = "another long value, 30 bytes!!";  // 30: does not fit the first block
  ASSERT_OK(b.Append("short"));
  ASSERT_OK(b.Append(exactly12));
  ASSERT_OK(b.Append(long1));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.Append(long2));
  ASSERT_OK(b.AppendEmptyValue());
  ASSERT_OK(b.Append(std::string(100, 'z')));  // bigger than a block: gets its own
  EXPECT_EQ(b.GetView(2), long1);
  EXPECT_EQ(b.GetView(4), long2);
  EXPECT_EQ(b.num_data_buffers(), 3);
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  const auto& a = static_cast<const BinaryViewArray&>(*arr);
  ASSERT_EQ(a.length(), 7);
  EXPECT_EQ(a.num_data_buffers(), 3);
  EXPECT_EQ(a.GetView(0), "short");
  EXPECT_EQ(a.GetView(1), exactly12);
  EXPECT_EQ(a.raw_views()[1].inlined.size, 12);
  EXPECT_EQ(a.GetView(2), long1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(a.raw_views()[2].ref.prefix), 4), "this");
  EXPECT_TRUE(a.IsNull(3));
  EXPECT_EQ(a.GetView(4), long2);
  EXPECT_EQ(a.GetView(5), "");
  EXPECT_EQ(a.GetView(6), std::string(100, 'z'));
  EXPECT_EQ(static_cast<const BinaryViewArray&>(*arr->Slice(4, 1)).GetView(0), long2);

  StringViewBuilder s;
  ASSERT_OK(s.AppendValues({"héllo", "wörld, but a bit longer"}));
  auto sa = FinishValid(s);
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->type_id(), TypeId::STRING_VIEW);
  EXPECT_EQ(static_cast<const StringViewArray&>(*sa).GetView(1), "wörld, but a bit longer");
}

// ---------------------------------------------------------------------------
// Lists

TEST(ListBuilderTest, ElementsNullsAndEmptyLists) {
  auto b = Make<ListBuilder>(list(int32()));
  ASSERT_NE(b, nullptr);
  auto* ints = static_cast<Int32Builder*>(b->value_builder());
  ASSERT_OK(b->Append());
  ASSERT_OK(ints->AppendValues({1, 2}));
  ASSERT_OK(b->AppendNull());
  ASSERT_OK(b->Append());  // []
  ASSERT_OK(b->Append());
  ASSERT_OK(ints->Append(3));
  ASSERT_OK(ints->AppendNull());
  ASSERT_OK(b->AppendEmptyValue());
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& l = static_cast<const ListArray&>(*arr);
  ASSERT_EQ(l.length(), 5);
  EXPECT_EQ(l.null_count(), 1);
  const std::vector<int32_t> offsets = {0, 2, 2, 2, 4, 4};
  for (int64_t i = 0; i <= 5; ++i) EXPECT_EQ(l.raw_value_offsets()[i], offsets[static_cast<size_t>(i)]) << i;
  EXPECT_EQ(l.values()->length(), 4);
  EXPECT_EQ(l.values()->null_count(), 1);
  EXPECT_EQ(static_cast<const Int32Array&>(*l.value_slice(3)).Value(0), 3);
  auto slice = arr->Slice(3, 2);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_EQ(static_cast<const ListArray&>(*slice).value_length(0), 2);
}

TEST(ListBuilderTest, ListViewsLargeListsAndNesting) {
  auto lv = Make<ListViewBuilder>(list_view(utf8()));
  ASSERT_NE(lv, nullptr);
  auto* strs = static_cast<StringBuilder*>(lv->value_builder());
  ASSERT_OK(lv->Append());
  ASSERT_OK(strs->AppendValues({"a", "b", "c"}));
  ASSERT_OK(lv->AppendNull());
  ASSERT_OK(lv->Append());
  ASSERT_OK(strs->Append("d"));
  auto lva = FinishValid(*lv);
  ASSERT_NE(lva, nullptr);
  const auto& views = static_cast<const ListViewArray&>(*lva);
  EXPECT_EQ(views.value_offset(0), 0);
  EXPECT_EQ(views.value_length(0), 3);
  EXPECT_EQ(views.value_length(1), 0);
  EXPECT_EQ(views.value_offset(2), 3);
  EXPECT_EQ(views.value_length(2), 1);

  auto ll = Make<LargeListViewBuilder>(large_list_view(int8()));
  ASSERT_NE(ll, nullptr);
  ASSERT_OK(ll->Append());
  ASSERT_OK(static_cast<Int8Builder*>(ll->value_builder())->Append(5));
  ASSERT_OK(ll->AppendEmptyValues(2));
  auto lla = FinishValid(*ll);
  ASSERT_NE(lla, nullptr);
  EXPECT_EQ(static_cast<const LargeListViewArray&>(*lla).value_length(0), 1);

  // large_list<list<int64>>: [[[1], []], [[2, 3]]]
  auto nested = Make<LargeListBuilder>(large_list(list(int64())));
  ASSERT_NE(nested, nullptr);
  auto* inner = static_cast<ListBuilder*>(nested->value_builder());
  auto* leaf = static_cast<Int64Builder*>(inner->value_builder());
  ASSERT_OK(nested->Append());
  ASSERT_OK(inner->Append());
  ASSERT_OK(leaf->Append(1));
  ASSERT_OK(inner->Append());
  ASSERT_OK(nested->Append());
  ASSERT_OK(inner->Append());
  ASSERT_OK(leaf->AppendValues({2, 3}));
  auto na = FinishValid(*nested);
  ASSERT_NE(na, nullptr);
  const auto& outer = static_cast<const LargeListArray&>(*na);
  EXPECT_EQ(outer.value_length(0), 2);
  EXPECT_EQ(outer.value_length(1), 1);
  const auto& mid = static_cast<const ListArray&>(*outer.values());
  EXPECT_EQ(mid.value_length(2), 2);
  EXPECT_EQ(static_cast<const Int64Array&>(*mid.values()).Value(2), 3);

  // The convenience constructor names the child "item".
  ListBuilder direct(std::make_unique<DoubleBuilder>());
  EXPECT_EQ(direct.type()->ToString(), "list<item: double>");
}

TEST(ListBuilderTest, Int32OffsetsOverflowIsACapacityError) {
  // A list of nulls needs no memory for its child, so 2^31 child values are cheap.
  auto b = Make<ListBuilder>(list(null()));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->Append());
  ASSERT_OK(b->value_builder()->AppendNulls(std::numeric_limits<int32_t>::max()));
  ASSERT_OK(b->Append());  // its offset, 2^31 - 1, still fits
  ASSERT_OK(b->value_builder()->AppendNull());
  EXPECT_THAT(b->Append(), StatusIs(StatusCode::CapacityError, HasSubstr("large_ list")));
  EXPECT_THAT(b->AppendNull(), StatusIs(StatusCode::CapacityError, ::testing::_));
  EXPECT_THAT(b->Finish(), StatusIs(StatusCode::CapacityError, ::testing::_));

  auto large = Make<LargeListBuilder>(large_list(null()));
  ASSERT_NE(large, nullptr);
  ASSERT_OK(large->Append());
  ASSERT_OK(large->value_builder()->AppendNulls(static_cast<int64_t>(1) << 31));
  ASSERT_OK(large->Append());
  auto arr = FinishValid(*large);
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(static_cast<const LargeListArray&>(*arr).value_length(0), static_cast<int64_t>(1) << 31);
}

TEST(FixedSizeListBuilderTest, ExactlyListSizeValuesPerElement) {
  auto b = Make<FixedSizeListBuilder>(fixed_size_list(int16(), 2));
  ASSERT_NE(b, nullptr);
  auto* v = static_cast<Int16Builder*>(b->value_builder());
  ASSERT_OK(b->Append());
  ASSERT_OK(v->AppendValues({1, 2}));
  ASSERT_OK(b->AppendNull());  // two child nulls come with it
  ASSERT_OK(b->AppendEmptyValue());
  ASSERT_OK(b->Append());
  ASSERT_OK(v->Append(9));
  EXPECT_THAT(b->Append(), StatusIs(StatusCode::Invalid, HasSubstr("has 1 values but the list size is 2")));
  EXPECT_THAT(b->Finish(), StatusIs(StatusCode::Invalid, HasSubstr("list size is 2")));

  ASSERT_OK(b->Append());
  ASSERT_OK(v->AppendValues({3, 4}));
  ASSERT_OK(b->AppendNull());
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& f = static_cast<const FixedSizeListArray&>(*arr);
  ASSERT_EQ(f.length(), 2);
  EXPECT_TRUE(f.IsNull(1));
  EXPECT_EQ(f.values()->length(), 4);
  EXPECT_EQ(f.values()->null_count(), 2);
  EXPECT_EQ(static_cast<const Int16Array&>(*f.value_slice(0)).Value(1), 4);
  auto slice = arr->Slice(1);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_TRUE(slice->IsNull(0));
}

// ---------------------------------------------------------------------------
// Struct and map

TEST(StructBuilderTest, FieldsAndNulls) {
  auto type = struct_({field("a", int32()), field("b", utf8(), /*nullable=*/false)});
  auto b = Make<StructBuilder>(type);
  ASSERT_NE(b, nullptr);
  auto* a = static_cast<Int32Builder*>(b->field_builder(0));
  auto* s = static_cast<StringBuilder*>(b->field_builder(1));
  EXPECT_EQ(b->field_builder(2), nullptr);
  ASSERT_OK(b->Append());
  ASSERT_OK(a->Append(1));
  ASSERT_OK(s->Append("x"));
  ASSERT_OK(b->AppendNull());  // a gets a null, the non-nullable b an empty string
  ASSERT_OK(b->AppendEmptyValue());
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& st = static_cast<const StructArray&>(*arr);
  ASSERT_EQ(st.length(), 3);
  EXPECT_EQ(st.null_count(), 1);
  EXPECT_TRUE(st.field(0)->IsNull(1));
  EXPECT_TRUE(st.field(1)->IsValid(1));
  EXPECT_EQ(static_cast<const StringArray&>(*st.field(1)).GetView(0), "x");
  EXPECT_EQ(static_cast<const Int32Array&>(*st.field(0)).Value(2), 0);
  auto slice = arr->Slice(1, 2);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_EQ(slice->null_count(), 1);

  ASSERT_OK(b->Append());
  ASSERT_OK(a->Append(1));
  EXPECT_THAT(b->Finish(), StatusIs(StatusCode::Invalid, HasSubstr("field 'b' has 0 values but the struct has 1")));
}

TEST(MapBuilderTest, KeysAndItemsFollowTheEntries) {
  auto b = Make<MapBuilder>(map(utf8(), int64()));
  ASSERT_NE(b, nullptr);
  auto* keys = static_cast<StringBuilder*>(b->key_builder());
  auto* items = static_cast<Int64Builder*>(b->item_builder());
  ASSERT_OK(b->Append());
  ASSERT_OK(keys->Append("a"));
  ASSERT_OK(items->Append(1));
  ASSERT_OK(keys->Append("b"));
  ASSERT_OK(items->AppendNull());
  ASSERT_OK(b->AppendNull());
  ASSERT_OK(b->Append());
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& m = static_cast<const MapArray&>(*arr);
  ASSERT_EQ(m.length(), 3);
  EXPECT_EQ(m.value_length(0), 2);
  EXPECT_TRUE(m.IsNull(1));
  EXPECT_EQ(m.value_length(2), 0);
  EXPECT_EQ(static_cast<const StringArray&>(*m.keys()).GetView(1), "b");
  EXPECT_TRUE(m.items()->IsNull(1));

  ASSERT_OK(b->Append());
  ASSERT_OK(keys->Append("k"));
  EXPECT_THAT(b->Append(), StatusIs(StatusCode::Invalid, HasSubstr("1 keys and 0 items")));
  b->Reset();
  ASSERT_OK(b->Append());
  ASSERT_OK(keys->AppendNull());
  ASSERT_OK(items->Append(1));
  EXPECT_THAT(b->Finish(), StatusIs(StatusCode::Invalid, HasSubstr("map keys must not be null")));
}

// ---------------------------------------------------------------------------
// Unions

TEST(UnionBuilderTest, SparseUnionPadsTheOtherChildren) {
  auto type = sparse_union({field("i", int32()), field("s", utf8())}, {5, 7});
  auto b = Make<UnionBuilder>(type);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->mode(), UnionMode::SPARSE);
  auto* i = static_cast<Int32Builder*>(b->builder_for(5));
  auto* s = static_cast<StringBuilder*>(b->builder_for(7));
  EXPECT_EQ(b->builder_for(6), nullptr);
  ASSERT_OK(b->Append(5));
  ASSERT_OK(i->Append(10));
  ASSERT_OK(b->Append(7));
  ASSERT_OK(s->Append("x"));
  ASSERT_OK(b->AppendNull());
  ASSERT_OK(b->Append(7));
  ASSERT_OK(s->AppendNull());
  EXPECT_THAT(b->Append(3), StatusIs(StatusCode::Invalid, HasSubstr("not one of the union's type codes [5, 7]")));
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& u = static_cast<const UnionArray&>(*arr);
  ASSERT_EQ(u.length(), 4);
  EXPECT_EQ(u.type_code(0), 5);
  EXPECT_EQ(u.type_code(1), 7);
  EXPECT_EQ(u.child_id(1), 1);
  EXPECT_EQ(u.field(0)->length(), 4);
  EXPECT_EQ(u.field(1)->length(), 4);
  EXPECT_EQ(static_cast<const StringArray&>(*u.field(1)).GetView(1), "x");
  EXPECT_EQ(u.null_count(), 2);  // element 2 (AppendNull) and element 3 (a null string)
  EXPECT_TRUE(u.IsNull(3));
  auto slice = arr->Slice(1, 2);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_EQ(slice->null_count(), 1);

  ASSERT_OK(b->Append(5));
  EXPECT_THAT(b->Append(5), StatusIs(StatusCode::Invalid, HasSubstr("append exactly one value")));
}

TEST(UnionBuilderTest, DenseUnionRecordsOffsets) {
  auto type = dense_union({field("i", int32()), field("s", utf8())});
  auto b = Make<UnionBuilder>(type);
  ASSERT_NE(b, nullptr);
  auto* i = static_cast<Int32Builder*>(b->field_builder(0));
  auto* s = static_cast<StringBuilder*>(b->field_builder(1));
  ASSERT_OK(b->Append(1));
  ASSERT_OK(s->Append("a"));
  ASSERT_OK(b->Append(0));
  ASSERT_OK(i->Append(1));
  ASSERT_OK(b->Append(1));
  ASSERT_OK(s->Append("b"));
  ASSERT_OK(b->AppendNulls(2));
  ASSERT_OK(b->AppendEmptyValue());
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& u = static_cast<const UnionArray&>(*arr);
  ASSERT_EQ(u.length(), 6);
  const std::vector<int32_t> offsets = {0, 0, 1, 1, 2, 3};
  for (int64_t k = 0; k < 6; ++k) EXPECT_EQ(u.value_offset(k), offsets[static_cast<size_t>(k)]) << k;
  EXPECT_EQ(u.field(0)->length(), 4);
  EXPECT_EQ(u.field(1)->length(), 2);
  EXPECT_EQ(u.null_count(), 2);
  EXPECT_EQ(static_cast<const StringArray&>(*u.field(1)).GetView(1), "b");

  ASSERT_OK(b->Append(0));
  EXPECT_THAT(b->Finish(), StatusIs(StatusCode::Invalid, HasSubstr("when finishing")));

  UnionBuilder empty(sparse_union({}), {});
  EXPECT_THAT(empty.AppendNull(), StatusIs(StatusCode::Invalid, HasSubstr("no children")));
}

// ---------------------------------------------------------------------------
// Dictionaries

TEST(DictionaryBuilderTest, EncodesStringsIntoAMemoTable) {
  auto b = Make<DictionaryBuilder>(dictionary(int32(), utf8()));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->Append("a"));
  ASSERT_OK(b->Append("b"));
  ASSERT_OK(b->Append("a"));
  ASSERT_OK(b->AppendNull());
  ASSERT_OK(b->Append(""));
  ASSERT_OK(b->AppendEmptyValues(2));
  EXPECT_EQ(b->dictionary_length(), 3);
  EXPECT_THAT(b->AppendInteger(1), StatusIs(StatusCode::TypeError, HasSubstr("integer")));
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& d = static_cast<const DictionaryArray&>(*arr);
  ASSERT_EQ(d.length(), 7);
  EXPECT_EQ(d.null_count(), 1);
  const std::vector<int64_t> indices = {0, 1, 0, -1, 2, 2, 2};
  for (int64_t i = 0; i < 7; ++i) {
    if (indices[static_cast<size_t>(i)] < 0) {
      EXPECT_TRUE(d.IsNull(i));
    } else {
      EXPECT_EQ(d.GetValueIndex(i), indices[static_cast<size_t>(i)]) << i;
    }
  }
  const auto& dict = static_cast<const StringArray&>(*d.dictionary());
  ASSERT_EQ(dict.length(), 3);
  EXPECT_EQ(dict.GetView(0), "a");
  EXPECT_EQ(dict.GetView(1), "b");
  EXPECT_EQ(dict.GetView(2), "");
  // Finish forgets the dictionary too.
  EXPECT_EQ(b->dictionary_length(), 0);
  auto slice = arr->Slice(1, 3);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_EQ(static_cast<const DictionaryArray&>(*slice).GetValueIndex(1), 0);
}

TEST(DictionaryBuilderTest, NumbersNaNsAndIndexCapacity) {
  auto f = Make<DictionaryBuilder>(dictionary(int8(), float64()));
  ASSERT_NE(f, nullptr);
  ASSERT_OK(f->AppendDouble(1.5));
  ASSERT_OK(f->AppendDouble(std::nan("")));
  ASSERT_OK(f->AppendDouble(-std::nan("1")));  // another NaN bit pattern, same value
  ASSERT_OK(f->AppendDouble(1.5));
  EXPECT_EQ(f->dictionary_length(), 2);
  auto fa = FinishValid(*f);
  ASSERT_NE(fa, nullptr);
  EXPECT_EQ(static_cast<const DictionaryArray&>(*fa).GetValueIndex(2), 1);

  auto small = Make<DictionaryBuilder>(dictionary(int8(), int64()));
  ASSERT_NE(small, nullptr);
  for (int64_t v = 0; v < 128; ++v) ASSERT_OK(small->AppendInteger(v * 1000));
  ASSERT_OK(small->AppendInteger(127 * 1000));  // already there: fine
  EXPECT_THAT(small->AppendInteger(-1), StatusIs(StatusCode::CapacityError, HasSubstr("int8")));
  auto sa = FinishValid(*small);
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->length(), 129);
  EXPECT_EQ(static_cast<const DictionaryArray&>(*sa).GetValueIndex(128), 127);

  auto u8 = Make<DictionaryBuilder>(dictionary(int16(), uint8()));
  ASSERT_NE(u8, nullptr);
  EXPECT_THAT(u8->AppendInteger(256), StatusIs(StatusCode::Invalid, HasSubstr("out of range for uint8")));
  ASSERT_OK(u8->AppendInteger(255));

  auto bools = Make<DictionaryBuilder>(dictionary(int32(), boolean()));
  ASSERT_NE(bools, nullptr);
  ASSERT_OK(bools->AppendBool(true));
  ASSERT_OK(bools->AppendBool(false));
  ASSERT_OK(bools->AppendBool(true));
  EXPECT_EQ(bools->dictionary_length(), 2);
  EXPECT_NE(FinishValid(*bools), nullptr);
}

TEST(DictionaryBuilderTest, NestedValuesAndReEncoding) {
  // list<int32> values, appended from an array.
  auto lb = Make<ListBuilder>(list(int32()));
  ASSERT_NE(lb, nullptr);
  auto* li = static_cast<Int32Builder*>(lb->value_builder());
  for (const auto& v : std::vector<std::vector<int32_t>>{{1, 2}, {}, {1, 2}, {1}}) {
    ASSERT_OK(lb->Append());
    ASSERT_OK(li->AppendValues(std::span<const int32_t>(v)));
  }
  ASSERT_OK(lb->AppendNull());
  auto values = FinishValid(*lb);
  ASSERT_NE(values, nullptr);

  auto b = Make<DictionaryBuilder>(dictionary(int16(), list(int32())));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->AppendValues(*values));
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& d = static_cast<const DictionaryArray&>(*arr);
  EXPECT_EQ(d.dictionary()->length(), 3);
  EXPECT_EQ(d.GetValueIndex(2), 0);
  EXPECT_EQ(d.GetValueIndex(3), 2);
  EXPECT_TRUE(d.IsNull(4));

  // Appending a dictionary array re-encodes its values into this builder's memo.
  ASSERT_OK(b->InsertMemoValues(*values->Slice(3, 1)));  // [1] first
  ASSERT_OK(b->AppendArraySlice(*arr->data(), 1, 3));    // [], [1,2], [1]
  auto again = FinishValid(*b);
  ASSERT_NE(again, nullptr);
  const auto& d2 = static_cast<const DictionaryArray&>(*again);
  EXPECT_EQ(d2.length(), 3);
  EXPECT_EQ(d2.GetValueIndex(0), 1);
  EXPECT_EQ(d2.GetValueIndex(1), 2);
  EXPECT_EQ(d2.GetValueIndex(2), 0);
}

TEST(DictionaryIndexBuilderTest, AppendsIndicesAgainstAGivenDictionary) {
  StringBuilder sb;
  ASSERT_OK(sb.AppendValues({"x", "y"}));
  auto dict = FinishValid(sb);
  ASSERT_NE(dict, nullptr);
  EXPECT_THAT(DictionaryIndexBuilder::Make(dictionary(int8(), int32()), dict),
              StatusIs(StatusCode::TypeError, HasSubstr("must hold int32")));
  auto made = DictionaryIndexBuilder::Make(dictionary(int8(), utf8()), dict);
  ASSERT_OK(made);
  auto& b = **made;
  ASSERT_OK(b.AppendIndex(1));
  ASSERT_OK(b.AppendNull());
  const int64_t idx[] = {0, 1, 1};
  const uint8_t valid[] = {1, 1, 0};
  ASSERT_OK(b.AppendIndices(idx, valid));
  EXPECT_THAT(b.AppendIndex(2), StatusIs(StatusCode::IndexError, HasSubstr("out of bounds for a dictionary of 2")));
  EXPECT_THAT(b.AppendIndex(-1), StatusIs(StatusCode::IndexError, ::testing::_));
  auto arr = FinishValid(b);
  ASSERT_NE(arr, nullptr);
  const auto& d = static_cast<const DictionaryArray&>(*arr);
  ASSERT_EQ(d.length(), 5);
  EXPECT_EQ(d.null_count(), 2);
  EXPECT_EQ(d.GetValueIndex(0), 1);
  EXPECT_EQ(d.GetValueIndex(2), 0);
  EXPECT_EQ(d.dictionary().get() == nullptr, false);
  EXPECT_EQ(d.dictionary()->data().get(), dict->data().get());

  // Arrays sharing the dictionary append their indices; others are refused.
  ASSERT_OK(b.AppendArraySlice(*arr->data(), 2, 2));
  EXPECT_EQ(b.length(), 2);
  auto encoder = Make<DictionaryBuilder>(dictionary(int8(), utf8()));
  ASSERT_NE(encoder, nullptr);
  ASSERT_OK(encoder->Append("x"));
  auto encoded = FinishValid(*encoder);
  ASSERT_NE(encoded, nullptr);
  EXPECT_THAT(b.AppendArray(*encoded), StatusIs(StatusCode::Invalid, HasSubstr("different dictionary")));
}

// ---------------------------------------------------------------------------
// Run-end encoded

TEST(RunEndEncodedBuilderTest, MergesEqualNeighboursIntoRuns) {
  Int32Builder ib;
  ASSERT_OK(ib.AppendValues({1, 1, 2, 2, 2}));
  ASSERT_OK(ib.AppendNulls(2));
  ASSERT_OK(ib.Append(1));
  auto logical = FinishValid(ib);
  ASSERT_NE(logical, nullptr);

  auto b = Make<RunEndEncodedBuilder>(run_end_encoded(int32(), int32()));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->AppendValues(*logical));
  ASSERT_OK(b->AppendRun(*logical->data(), 7, 3));  // extends the last run of 1s
  ASSERT_OK(b->AppendNull());
  ASSERT_OK(b->AppendEmptyValues(2));  // 0, 0
  EXPECT_EQ(b->num_runs(), 6);
  EXPECT_EQ(b->length(), 14);
  EXPECT_EQ(b->null_count(), 3);
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  const auto& r = static_cast<const RunEndEncodedArray&>(*arr);
  ASSERT_EQ(r.length(), 14);
  const std::vector<int32_t> ends = {2, 5, 7, 11, 12, 14};
  const auto& run_ends = static_cast<const Int32Array&>(*r.run_ends());
  ASSERT_EQ(run_ends.length(), 6);
  for (int64_t k = 0; k < 6; ++k) EXPECT_EQ(run_ends.Value(k), ends[static_cast<size_t>(k)]) << k;
  const auto& vals = static_cast<const Int32Array&>(*r.values());
  EXPECT_EQ(vals.Value(0), 1);
  EXPECT_EQ(vals.Value(1), 2);
  EXPECT_TRUE(vals.IsNull(2));
  EXPECT_EQ(vals.Value(3), 1);
  EXPECT_TRUE(vals.IsNull(4));
  EXPECT_EQ(vals.Value(5), 0);
  EXPECT_EQ(r.null_count(), 3);
  EXPECT_EQ(r.FindPhysicalIndex(6), 2);
  auto slice = arr->Slice(4, 6);
  ASSERT_OK(slice->ValidateFull());
  EXPECT_EQ(slice->null_count(), 2);

  // Appending slices of an encoded array merges at the seam.
  ASSERT_OK(b->AppendArraySlice(*arr->data(), 3, 2));  // 2, 2
  ASSERT_OK(b->AppendArraySlice(*arr->data(), 2, 4));  // 2, 2, 2, null
  auto merged = FinishValid(*b);
  ASSERT_NE(merged, nullptr);
  const auto& m = static_cast<const RunEndEncodedArray&>(*merged);
  ASSERT_EQ(m.run_ends()->length(), 2);
  EXPECT_EQ(static_cast<const Int32Array&>(*m.run_ends()).Value(0), 5);
  EXPECT_EQ(static_cast<const Int32Array&>(*m.run_ends()).Value(1), 6);
}

TEST(RunEndEncodedBuilderTest, RunEndTypeLimitsTheLength) {
  auto b = Make<RunEndEncodedBuilder>(run_end_encoded(int16(), utf8()));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->AppendNulls(32767));
  EXPECT_EQ(b->num_runs(), 1);
  EXPECT_THAT(b->AppendNull(), StatusIs(StatusCode::CapacityError, HasSubstr("at most 32767")));
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->length(), 32767);
  EXPECT_EQ(static_cast<const Int16Array&>(*static_cast<const RunEndEncodedArray&>(*arr).run_ends()).Value(0),
            32767);
}

TEST(RunEndEncodedBuilderTest, NestedValuesCompareByContent) {
  auto sb = Make<StructBuilder>(struct_({field("x", int8()), field("y", utf8())}));
  ASSERT_NE(sb, nullptr);
  auto add = [&](int8_t x, std::string_view y) {
    ASSERT_OK(sb->Append());
    ASSERT_OK(static_cast<Int8Builder*>(sb->field_builder(0))->Append(x));
    ASSERT_OK(static_cast<StringBuilder*>(sb->field_builder(1))->Append(y));
  };
  add(1, "a");
  add(1, "a");
  add(1, "b");
  add(2, "b");
  auto logical = FinishValid(*sb);
  ASSERT_NE(logical, nullptr);
  auto b = Make<RunEndEncodedBuilder>(run_end_encoded(int64(), logical->type()));
  ASSERT_NE(b, nullptr);
  ASSERT_OK(b->AppendValues(*logical));
  EXPECT_EQ(b->num_runs(), 3);
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(static_cast<const RunEndEncodedArray&>(*arr).values()->length(), 3);
}

// ---------------------------------------------------------------------------
// Extension

TEST(ExtensionBuilderTest, BuildsTheStorageAndLabelsTheResult) {
  auto type = extension("quiver.uuid", fixed_size_binary(16), "meta");
  auto b = Make<ExtensionBuilder>(type);
  ASSERT_NE(b, nullptr);
  auto* storage = static_cast<FixedSizeBinaryBuilder*>(b->storage_builder());
  ASSERT_OK(storage->Append(std::string(16, 'u')));
  ASSERT_OK(b->AppendNull());
  EXPECT_EQ(b->length(), 2);
  EXPECT_EQ(b->null_count(), 1);
  auto arr = FinishValid(*b);
  ASSERT_NE(arr, nullptr);
  EXPECT_TRUE(arr->type()->Equals(type));
  const auto& ext = static_cast<const ExtensionArray&>(*arr);
  EXPECT_EQ(static_cast<const FixedSizeBinaryArray&>(*ext.storage()).GetView(0), std::string(16, 'u'));
  EXPECT_TRUE(ext.IsNull(1));

  // Extension arrays append through their storage.
  ASSERT_OK(b->AppendArraySlice(*arr->data(), 0, 2));
  EXPECT_EQ(b->length(), 2);
}

// ---------------------------------------------------------------------------
// Every type

std::vector<TypePtr> EveryType() {
  return {null(), boolean(), int8(), int16(), int32(), int64(), uint8(), uint16(), uint32(), uint64(),
          float16(), float32(), float64(), decimal32(9, 2), decimal64(18, 4), decimal128(38, 10),
          decimal256(76, 20), date32(), date64(), time32(TimeUnit::MILLI), time64(TimeUnit::MICRO),
          timestamp(TimeUnit::NANO, "Europe/Paris"), duration(TimeUnit::SECOND), month_interval(),
          day_time_interval(), month_day_nano_interval(), binary(), utf8(), large_binary(), large_utf8(),
          binary_view(), utf8_view(), fixed_size_binary(5), list(int32()), large_list(utf8()),
          list_view(float64()), large_list_view(boolean()), fixed_size_list(int8(), 3),
          map(utf8(), list(int32())), struct_({field("a", int32()), field("b", utf8(), false)}),
          sparse_union({field("a", int32()), field("b", utf8())}, {3, 9}),
          dense_union({field("a", int32()), field("b", null())}), dictionary(int32(), utf8()),
          dictionary(uint8(), list(int64())), run_end_encoded(int32(), utf8()),
          run_end_encoded(int64(), struct_({field("x", int32())})), extension("ext", list(utf8())),
          struct_({field("nested", list(struct_({field("m", map(int32(), utf8()))})))})};
}

TEST(MakeBuilderTest, EveryTypeBuildsNullsAndEmptyValues) {
  for (const auto& type : EveryType()) {
    SCOPED_TRACE(type->ToString());
    auto made = MakeBuilder(type);
    ASSERT_OK(made);
    ArrayBuilder& b = **made;
    EXPECT_TRUE(b.type()->Equals(type));
    ASSERT_OK(b.Reserve(8));
    ASSERT_OK(b.AppendNull());
    ASSERT_OK(b.AppendEmptyValue());
    ASSERT_OK(b.AppendNulls(2));
    ASSERT_OK(b.AppendEmptyValues(2));
    EXPECT_EQ(b.length(), 6);
    auto arr = FinishValid(b);
    ASSERT_NE(arr, nullptr);
    EXPECT_TRUE(arr->type()->Equals(type));
    EXPECT_EQ(arr->length(), 6);
    // The finished array can be appended back, whole or in slices.
    ASSERT_OK(b.AppendArray(*arr));
    ASSERT_OK(b.AppendArraySlice(*arr->data(), 1, 4));
    ASSERT_OK(b.AppendArray(*arr->Slice(3)));
    auto round = FinishValid(b);
    ASSERT_NE(round, nullptr);
    EXPECT_EQ(round->length(), 13);
    // Empty arrays are valid too.
    auto empty = FinishValid(b);
    ASSERT_NE(empty, nullptr);
    EXPECT_EQ(empty->length(), 0);
  }
}

TEST(MakeBuilderTest, NullsAreCountedForTypesWithABitmap) {
  for (const auto& type : EveryType()) {
    const TypeId id = type->id();
    if (id == TypeId::NA || is_union(id) || id == TypeId::RUN_END_ENCODED) continue;
    SCOPED_TRACE(type->ToString());
    auto made = MakeBuilder(type);
    ASSERT_OK(made);
    ASSERT_OK((*made)->AppendEmptyValue());
    ASSERT_OK((*made)->AppendNulls(3));
    EXPECT_EQ((*made)->null_count(), 3);
    auto arr = FinishValid(**made);
    ASSERT_NE(arr, nullptr);
    EXPECT_EQ(arr->null_count(), 3);
    EXPECT_TRUE(arr->IsValid(0));
    EXPECT_TRUE(arr->IsNull(3));
  }
}

TEST(MakeBuilderTest, MakeBuilderAsChecksTheClass) {
  EXPECT_THAT(MakeBuilderAs<Int32Builder>(utf8()), StatusIs(StatusCode::TypeError, HasSubstr("string")));
  EXPECT_OK(MakeBuilderAs<BinaryBuilder>(utf8()));  // StringBuilder is a BinaryBuilder
  EXPECT_OK(MakeBuilderAs<FixedSizeBinaryBuilder>(decimal128(5, 1)));
}

// ---------------------------------------------------------------------------
// Appending existing arrays

TEST(AppendArraySliceTest, CopiesValuesAndNullsAtAnyBitOffset) {
  Int16Builder src;
  for (int16_t i = 0; i < 40; ++i) {
    ASSERT_OK(i % 3 == 0 ? src.AppendNull() : src.Append(i));
  }
  auto arr = FinishValid(src);
  ASSERT_NE(arr, nullptr);
  auto sliced = arr->Slice(5, 30);

  Int16Builder dst;
  ASSERT_OK(dst.Append(-1));
  ASSERT_OK(dst.AppendArraySlice(*sliced->data(), 3, 20));  // elements 8..27 of the original
  auto out = FinishValid(dst);
  ASSERT_NE(out, nullptr);
  const auto& a = static_cast<const Int16Array&>(*out);
  ASSERT_EQ(a.length(), 21);
  for (int64_t k = 1; k < 21; ++k) {
    const int64_t orig = k - 1 + 8;
    EXPECT_EQ(a.IsNull(k), orig % 3 == 0) << k;
    if (orig % 3 != 0) {
      EXPECT_EQ(a.Value(k), orig) << k;
    }
  }

  EXPECT_THAT(dst.AppendArraySlice(*sliced->data(), 25, 10), StatusIs(StatusCode::IndexError, HasSubstr("out of bounds")));
  Int32Builder wrong;
  EXPECT_THAT(wrong.AppendArray(*arr), StatusIs(StatusCode::TypeError, HasSubstr("int16")));
}

TEST(AppendArraySliceTest, NestedSlicesKeepTheirChildren) {
  auto lb = Make<ListBuilder>(list(utf8()));
  ASSERT_NE(lb, nullptr);
  auto* s = static_cast<StringBuilder*>(lb->value_builder());
  ASSERT_OK(lb->Append());
  ASSERT_OK(s->AppendValues({"a", "b"}));
  ASSERT_OK(lb->AppendNull());
  ASSERT_OK(lb->Append());
  ASSERT_OK(s->Append("c"));
  auto arr = FinishValid(*lb);
  ASSERT_NE(arr, nullptr);
  ASSERT_OK(lb->AppendArray(*arr->Slice(1)));
  ASSERT_OK(lb->AppendArray(*arr->Slice(0, 1)));
  auto out = FinishValid(*lb);
  ASSERT_NE(out, nullptr);
  const auto& l = static_cast<const ListArray&>(*out);
  ASSERT_EQ(l.length(), 3);
  EXPECT_TRUE(l.IsNull(0));
  EXPECT_EQ(static_cast<const StringArray&>(*l.value_slice(1)).GetView(0), "c");
  EXPECT_EQ(static_cast<const StringArray&>(*l.value_slice(2)).GetView(1), "b");
}

// ---------------------------------------------------------------------------
// Memory

TEST(BuilderMemoryTest, EverythingComesFromThePoolAndGoesBack) {
  auto pool = MakeSystemMemoryPool();
  {
    auto made = MakeBuilder(struct_({field("s", utf8()), field("l", list(int64()))}), pool.get());
    ASSERT_OK(made);
    auto& b = static_cast<StructBuilder&>(**made);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_OK(b.Append());
      ASSERT_OK(static_cast<StringBuilder*>(b.field_builder(0))->Append(std::to_string(i)));
      auto* l = static_cast<ListBuilder*>(b.field_builder(1));
      ASSERT_OK(l->Append());
      ASSERT_OK(static_cast<Int64Builder*>(l->value_builder())->Append(i));
    }
    EXPECT_GT(pool->bytes_allocated(), 0);
    auto arr = FinishValid(b);
    ASSERT_NE(arr, nullptr);
    EXPECT_GT(pool->bytes_allocated(), 0);
    ASSERT_OK(b.AppendNulls(10));
    b.Reset();
  }
  EXPECT_EQ(pool->bytes_allocated(), 0);
}

}  // namespace
}  // namespace quiver
