// PrettyPrint / Array::ToString against pyarrow's Array.to_string().
//
// Every expected string below is what pyarrow 23 printed for the same array
// (built the same way in Python) with the same options; pyarrow's `indent` is
// indent_size here and its `top_level_indent` is indent. container_window is
// checked through pyarrow's ChunkedArray.to_string with skip_new_lines, whose
// single chunk prints exactly like the array inside one extra pair of brackets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "quiver/array.h"
#include "quiver/pretty_print.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

constexpr auto N = std::nullopt;

std::shared_ptr<Buffer> Bytes(std::string_view bytes) { return *Buffer::CopyFrom(bytes); }

template <typename T>
std::shared_ptr<Buffer> Values(const std::vector<T>& values) {
  return Bytes(
      std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)));
}

// A validity bitmap, or null when `valid` is empty (all valid).
std::shared_ptr<Buffer> Validity(const std::vector<bool>& valid) {
  if (valid.empty()) return nullptr;
  std::string bits(static_cast<size_t>(bit_util::BytesForBits(static_cast<int64_t>(valid.size()))),
                   '\0');
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i])
      bit_util::SetBit(reinterpret_cast<uint8_t*>(bits.data()), static_cast<int64_t>(i));
  }
  return Bytes(bits);
}

template <typename T>
std::vector<bool> ValidityOf(const std::vector<std::optional<T>>& values) {
  std::vector<bool> valid;
  bool any_null = false;
  for (const auto& v : values) {
    valid.push_back(v.has_value());
    any_null |= !v.has_value();
  }
  return any_null ? valid : std::vector<bool>{};
}

// A fixed-width array of C values (numbers, temporal values, intervals, half floats as bits).
template <typename T>
ArrayPtr Prim(TypePtr type, const std::vector<std::optional<T>>& values) {
  std::vector<T> raw;
  for (const auto& v : values) raw.push_back(v.value_or(T{}));
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                                   {Validity(ValidityOf(values)), Values(raw)}));
}

template <typename T>
ArrayPtr Iota(TypePtr type, int64_t n) {
  std::vector<std::optional<T>> values;
  for (int64_t i = 0; i < n; ++i) values.push_back(static_cast<T>(i));
  return Prim<T>(std::move(type), values);
}

ArrayPtr Bools(const std::vector<std::optional<bool>>& values) {
  std::vector<bool> bits;
  for (const auto& v : values) bits.push_back(v.value_or(false));
  return MakeArray(ArrayData::Make(boolean(), static_cast<int64_t>(values.size()),
                                   {Validity(ValidityOf(values)), Validity(bits)}));
}

// String, binary, their large and view variants, and fixed_size_binary.
ArrayPtr Binary(TypePtr type, const std::vector<std::optional<std::string>>& values) {
  const auto length = static_cast<int64_t>(values.size());
  auto validity = Validity(ValidityOf(values));
  std::string data;
  switch (type->id()) {
    case TypeId::STRING:
    case TypeId::BINARY:
    case TypeId::LARGE_STRING:
    case TypeId::LARGE_BINARY: {
      std::vector<int64_t> offsets{0};
      for (const auto& v : values) {
        data += v.value_or("");
        offsets.push_back(static_cast<int64_t>(data.size()));
      }
      const bool large = type->id() == TypeId::LARGE_STRING || type->id() == TypeId::LARGE_BINARY;
      auto offset_buffer =
          large ? Values(offsets) : Values(std::vector<int32_t>(offsets.begin(), offsets.end()));
      return MakeArray(
          ArrayData::Make(std::move(type), length, {validity, offset_buffer, Bytes(data)}));
    }
    case TypeId::STRING_VIEW:
    case TypeId::BINARY_VIEW: {
      std::vector<BinaryViewHeader> views;
      for (const auto& v : values) {
        const std::string s = v.value_or("");
        BinaryViewHeader h{};
        h.inlined.size = static_cast<int32_t>(s.size());
        if (s.size() <= BinaryViewHeader::kInlineSize) {
          std::memcpy(h.inlined.data, s.data(), s.size());
        } else {
          std::memcpy(h.ref.prefix, s.data(), 4);
          h.ref.buffer_index = 0;
          h.ref.offset = static_cast<int32_t>(data.size());
          data += s;
        }
        views.push_back(h);
      }
      return MakeArray(
          ArrayData::Make(std::move(type), length, {validity, Values(views), Bytes(data)}));
    }
    case TypeId::FIXED_SIZE_BINARY: {
      const int width = static_cast<const FixedSizeBinaryType&>(*type).width();
      for (const auto& v : values)
        data += v.value_or(std::string(static_cast<size_t>(width), '\0'));
      return MakeArray(ArrayData::Make(std::move(type), length, {validity, Bytes(data)}));
    }
    default:
      ADD_FAILURE() << "not a binary type: " << type->ToString();
      return nullptr;
  }
}

// Decimals from their unscaled values written in base 10 ("-12345").
ArrayPtr Decimals(TypePtr type, const std::vector<std::optional<std::string>>& unscaled) {
  const int width = type->byte_width();
  std::string data;
  for (const auto& v : unscaled) {
    std::vector<uint32_t> limbs(static_cast<size_t>(width / 4), 0);
    const std::string text = v.value_or("0");
    const bool negative = text[0] == '-';
    for (char c : text.substr(negative ? 1 : 0)) {
      uint64_t carry = static_cast<uint64_t>(c - '0');
      for (auto& limb : limbs) {
        const uint64_t cur = static_cast<uint64_t>(limb) * 10 + carry;
        limb = static_cast<uint32_t>(cur);
        carry = cur >> 32;
      }
    }
    if (negative) {
      uint64_t carry = 1;
      for (auto& limb : limbs) {
        const uint64_t cur = static_cast<uint64_t>(~limb) + carry;
        limb = static_cast<uint32_t>(cur);
        carry = cur >> 32;
      }
    }
    data.append(reinterpret_cast<const char*>(limbs.data()), static_cast<size_t>(width));
  }
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(unscaled.size()),
                                   {Validity(ValidityOf(unscaled)), Bytes(data)}));
}

// list, large_list or map from offsets (one more than the length) and the child.
ArrayPtr List(TypePtr type, const std::vector<int64_t>& offsets, const ArrayPtr& child,
              const std::vector<bool>& valid = {}) {
  const auto length = static_cast<int64_t>(offsets.size()) - 1;
  auto offset_buffer = type->id() == TypeId::LARGE_LIST
                           ? Values(offsets)
                           : Values(std::vector<int32_t>(offsets.begin(), offsets.end()));
  return MakeArray(
      ArrayData::Make(std::move(type), length, {Validity(valid), offset_buffer}, {child->data()}));
}

ArrayPtr ListView(TypePtr type, const std::vector<int64_t>& offsets,
                  const std::vector<int64_t>& sizes, const ArrayPtr& child,
                  const std::vector<bool>& valid = {}) {
  const auto length = static_cast<int64_t>(offsets.size());
  const bool large = type->id() == TypeId::LARGE_LIST_VIEW;
  auto offset_buffer =
      large ? Values(offsets) : Values(std::vector<int32_t>(offsets.begin(), offsets.end()));
  auto size_buffer =
      large ? Values(sizes) : Values(std::vector<int32_t>(sizes.begin(), sizes.end()));
  return MakeArray(ArrayData::Make(std::move(type), length,
                                   {Validity(valid), offset_buffer, size_buffer}, {child->data()}));
}

ArrayPtr FixedList(TypePtr type, int64_t length, const ArrayPtr& child,
                   const std::vector<bool>& valid = {}) {
  return MakeArray(ArrayData::Make(std::move(type), length, {Validity(valid)}, {child->data()}));
}

ArrayPtr Struct(TypePtr type, int64_t length, const ArrayVector& children,
                const std::vector<bool>& valid = {}) {
  std::vector<ArrayDataPtr> child_data;
  for (const auto& c : children) child_data.push_back(c->data());
  return MakeArray(ArrayData::Make(std::move(type), length, {Validity(valid)}, child_data));
}

ArrayPtr SparseUnion(TypePtr type, const std::vector<int8_t>& type_ids,
                     const ArrayVector& children) {
  std::vector<ArrayDataPtr> child_data;
  for (const auto& c : children) child_data.push_back(c->data());
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(type_ids.size()),
                                   {Values(type_ids)}, child_data));
}

ArrayPtr DenseUnion(TypePtr type, const std::vector<int8_t>& type_ids,
                    const std::vector<int32_t>& offsets, const ArrayVector& children) {
  std::vector<ArrayDataPtr> child_data;
  for (const auto& c : children) child_data.push_back(c->data());
  return MakeArray(ArrayData::Make(std::move(type), static_cast<int64_t>(type_ids.size()),
                                   {Values(type_ids), Values(offsets)}, child_data));
}

ArrayPtr Dictionary(const ArrayPtr& indices, const ArrayPtr& dictionary) {
  return *DictionaryArray::FromArrays(quiver::dictionary(indices->type(), dictionary->type()),
                                      indices, dictionary);
}

ArrayPtr RunEnds(int64_t length, const ArrayPtr& run_ends, const ArrayPtr& values) {
  return *RunEndEncodedArray::Make(length, run_ends, values);
}

ArrayPtr Strings(const std::vector<std::optional<std::string>>& values) {
  return Binary(utf8(), values);
}
ArrayPtr Int32s(const std::vector<std::optional<int32_t>>& values) {
  return Prim<int32_t>(int32(), values);
}
ArrayPtr Int64s(const std::vector<std::optional<int64_t>>& values) {
  return Prim<int64_t>(int64(), values);
}

std::string Print(const ArrayPtr& array, const PrettyPrintOptions& options = {}) {
  return PrettyPrint(*array, options);
}

const PrettyPrintOptions kOneLine{.skip_new_lines = true};

// ---------------------------------------------------------------------------
// Flat types

TEST(PrettyPrintTest, NullArraysPrintTheirCount) {
  EXPECT_EQ(Print(*MakeArrayOfNull(null(), 3)), R"pp(3 nulls)pp");
  EXPECT_EQ(Print(*MakeArrayOfNull(null(), 0)), R"pp(0 nulls)pp");
}

TEST(PrettyPrintTest, EmptyArray) { EXPECT_EQ(Print(Int32s({})), R"pp([])pp"); }

TEST(PrettyPrintTest, Booleans) { EXPECT_EQ(Print(Bools({true, N, false})), R"pp([
  true,
  null,
  false
])pp"); }

TEST(PrettyPrintTest, Integers) {
  EXPECT_EQ(Print(Prim<int8_t>(int8(), {1, N, -128, 127})), R"pp([
  1,
  null,
  -128,
  127
])pp");
  EXPECT_EQ(Print(Prim<int16_t>(int16(), {-32768, 32767})), R"pp([
  -32768,
  32767
])pp");
  EXPECT_EQ(Print(Int32s({INT32_MIN, N, INT32_MAX})), R"pp([
  -2147483648,
  null,
  2147483647
])pp");
  EXPECT_EQ(Print(Int64s({INT64_MIN, INT64_MAX})), R"pp([
  -9223372036854775808,
  9223372036854775807
])pp");
  EXPECT_EQ(Print(Prim<uint8_t>(uint8(), {0, 255})), R"pp([
  0,
  255
])pp");
  EXPECT_EQ(Print(Prim<uint16_t>(uint16(), {0, 65535})), R"pp([
  0,
  65535
])pp");
  EXPECT_EQ(Print(Prim<uint32_t>(uint32(), {0, UINT32_MAX})), R"pp([
  0,
  4294967295
])pp");
  EXPECT_EQ(Print(Prim<uint64_t>(uint64(), {0, N, UINT64_MAX})), R"pp([
  0,
  null,
  18446744073709551615
])pp");
}

TEST(PrettyPrintTest, DoublesUseTheShortestRoundTripForm) {
  const double inf = std::numeric_limits<double>::infinity();
  auto arr = Prim<double>(float64(), {1.0,
                                      1.5,
                                      std::nan(""),
                                      inf,
                                      -inf,
                                      N,
                                      0.1,
                                      1e20,
                                      1e-7,
                                      123456789.0,
                                      -0.0,
                                      0.000001,
                                      1e9,
                                      1e10,
                                      1234567890.5,
                                      5e-324,
                                      1.7976931348623157e308,
                                      -2.5e-5,
                                      1.2345678901234567e16,
                                      9.99e-7});
  EXPECT_EQ(Print(arr, {.window = 100}), R"pp([
  1,
  1.5,
  nan,
  inf,
  -inf,
  null,
  0.1,
  1e+20,
  1e-7,
  123456789,
  -0,
  0.000001,
  1000000000,
  1e+10,
  1234567890.5,
  5e-324,
  1.7976931348623157e+308,
  -0.000025,
  1.2345678901234568e+16,
  9.99e-7
])pp");
}

TEST(PrettyPrintTest, FloatsUseTheShortestFloatForm) {
  const float inf = std::numeric_limits<float>::infinity();
  auto arr = Prim<float>(float32(), {1.0f, 1.5f, 0.1f, 1e20f, 3.4028235e38f, 1e-7f, 16777216.0f,
                                     123456.78f, 1234567890.5f, -0.0f, std::nanf(""), -inf});
  EXPECT_EQ(Print(arr), R"pp([
  1,
  1.5,
  0.1,
  1e+20,
  3.4028235e+38,
  1e-7,
  16777216,
  123456.78,
  1234568000,
  -0,
  nan,
  -inf
])pp");
}

TEST(PrettyPrintTest, HalfFloatsPrintThroughDouble) {
  auto arr = Prim<uint16_t>(float16(), {0x3C00, 0x3E00, 0x2E66, 0x7BFF, 0x7E00, 0x7C00, 0xFC00,
                                        0x8000, 0x0001, 0x0400, 0x39A3});
  EXPECT_EQ(Print(arr), R"pp([
  1,
  1.5,
  0.0999755859375,
  65504,
  nan,
  inf,
  -inf,
  -0,
  5.960464477539063e-8,
  0.00006103515625,
  0.70458984375
])pp");
}

TEST(PrettyPrintTest, DecimalsKeepTheirScale) {
  EXPECT_EQ(Print(Decimals(decimal128(5, 2), {"123", N, "-5", "0"})), R"pp([
  1.23,
  null,
  -0.05,
  0.00
])pp");
  EXPECT_EQ(Print(Decimals(decimal32(9, 2), {"999999999", "-1", N})), R"pp([
  9999999.99,
  -0.01,
  null
])pp");
  EXPECT_EQ(Print(Decimals(decimal64(18, 4), {"999999999999999999", "-1"})),
            R"pp([
  99999999999999.9999,
  -0.0001
])pp");
  EXPECT_EQ(Print(Decimals(decimal128(38, 3), {std::string(38, '9'), "-" + std::string(38, '9')})),
            R"pp([
  99999999999999999999999999999999999.999,
  -99999999999999999999999999999999999.999
])pp");
  EXPECT_EQ(
      Print(Decimals(decimal256(76, 0), {std::string(76, '9'), "-" + std::string(76, '9'), "5"})),
      R"pp([
  9999999999999999999999999999999999999999999999999999999999999999999999999999,
  -9999999999999999999999999999999999999999999999999999999999999999999999999999,
  5
])pp");
}

TEST(PrettyPrintTest, DecimalsSwitchToScientificNotationLikePyarrow) {
  EXPECT_EQ(Print(Decimals(decimal128(38, 10), {"1", "12", "-1", "0", "123456789"})),
            R"pp([
  1E-10,
  1.2E-9,
  -1E-10,
  0E-10,
  0.0123456789
])pp");
  EXPECT_EQ(Print(Decimals(decimal128(20, 6), {"1", "0", "-123", "1234567"})),
            R"pp([
  0.000001,
  0.000000,
  -0.000123,
  1.234567
])pp");
  EXPECT_EQ(Print(Decimals(decimal128(20, 7), {"1", "0", "-123", "12345678"})),
            R"pp([
  1E-7,
  0E-7,
  -0.0000123,
  1.2345678
])pp");
  EXPECT_EQ(Print(Decimals(decimal128(20, -2), {"1", "0", "-123", "12345678"})),
            R"pp([
  1E+2,
  0E+2,
  -1.23E+4,
  1.2345678E+9
])pp");
  // pyarrow prints scales beyond the maximum precision of the width as an error.
  EXPECT_EQ(Print(Decimals(decimal128(5, 38), {"12"}), kOneLine), "[1.2E-37]");
  EXPECT_EQ(Print(Decimals(decimal128(5, -38), {"12"}), kOneLine), "[1.2E+39]");
  EXPECT_EQ(Print(Decimals(decimal128(5, 39), {"0", N}), kOneLine),
            "[<scale out of range, cannot format Decimal128 value>,null]");
  EXPECT_EQ(Print(Decimals(decimal32(5, INT32_MIN), {"1"}), kOneLine),
            "[<scale out of range, cannot format Decimal32 value>]");
  EXPECT_EQ(Print(Decimals(decimal256(5, INT32_MAX), {"1"}),
                  {.skip_new_lines = true, .element_size_limit = 10}),
            "[<scale out (... 42 chars omitted)]");
}

TEST(PrettyPrintTest, Dates) {
  auto d32 = Prim<int32_t>(date32(), {0, 18262, -1, N, -719162, 2932896, -719162 - 365 * 5 - 2,
                                      11248737, -12687428, 11248738, -12687429});
  EXPECT_EQ(Print(d32), R"pp([
  1970-01-01,
  2020-01-01,
  1969-12-31,
  null,
  0001-01-01,
  9999-12-31,
  -0004-01-01,
  32767-12-31,
  -32767-01-01,
  <value out of range: 11248738>,
  <value out of range: -12687429>
])pp");
  auto d64 = Prim<int64_t>(date64(), {0, 1577836800123, -1, -86400001, N, 971890963199999,
                                      971890963200000, -1096193779200000, -1096193779200001});
  EXPECT_EQ(Print(d64), R"pp([
  1970-01-01,
  2020-01-01,
  1970-01-01,
  1969-12-31,
  null,
  32767-12-31,
  <value out of range: 971890963200000>,
  -32767-01-01,
  <value out of range: -1096193779200001>
])pp");
}

TEST(PrettyPrintTest, TimesOfDay) {
  EXPECT_EQ(Print(Prim<int32_t>(time32(TimeUnit::SECOND), {0, 43200, N, 86399, -1, 86400})),
            R"pp([
  00:00:00,
  12:00:00,
  null,
  23:59:59,
  <value out of range: -1>,
  <value out of range: 86400>
])pp");
  EXPECT_EQ(Print(Prim<int32_t>(time32(TimeUnit::MILLI), {0, 43200123, 86399999, 86400000})),
            R"pp([
  00:00:00.000,
  12:00:00.123,
  23:59:59.999,
  <value out of range: 86400000>
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(time64(TimeUnit::MICRO), {0, 1, 86399999999, 86400000000, -5})),
            R"pp([
  00:00:00.000000,
  00:00:00.000001,
  23:59:59.999999,
  <value out of range: 86400000000>,
  <value out of range: -5>
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(time64(TimeUnit::NANO),
                                {0, 1, 45296789012345, 86399999999999, 86400000000000})),
            R"pp([
  00:00:00.000000000,
  00:00:00.000000001,
  12:34:56.789012345,
  23:59:59.999999999,
  <value out of range: 86400000000000>
])pp");
}

TEST(PrettyPrintTest, Timestamps) {
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::SECOND),
                                {0, 1577836800, N, -1, -62135596801, 253402300800, 971890963199,
                                 971890963200, -1096193779200, -1096193779201})),
            R"pp([
  1970-01-01 00:00:00,
  2020-01-01 00:00:00,
  null,
  1969-12-31 23:59:59,
  0000-12-31 23:59:59,
  10000-01-01 00:00:00,
  32767-12-31 23:59:59,
  <value out of range: 971890963200>,
  -32767-01-01 00:00:00,
  <value out of range: -1096193779201>
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::MILLI), {0, 1577836800123, -1})),
            R"pp([
  1970-01-01 00:00:00.000,
  2020-01-01 00:00:00.123,
  1969-12-31 23:59:59.999
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::MICRO), {0, 1577836800123456, -1, INT64_MAX})),
            R"pp([
  1970-01-01 00:00:00.000000,
  2020-01-01 00:00:00.123456,
  1969-12-31 23:59:59.999999,
  <value out of range: 9223372036854775807>
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::NANO),
                                {0, 1577836800123456789, -1, INT64_MIN, INT64_MAX})),
            R"pp([
  1970-01-01 00:00:00.000000000,
  2020-01-01 00:00:00.123456789,
  1969-12-31 23:59:59.999999999,
  1677-09-21 00:12:43.145224192,
  2262-04-11 23:47:16.854775807
])pp");
}

TEST(PrettyPrintTest, ZonedTimestampsPrintInUtcWithZ) {
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::SECOND, "UTC"), {0, -1})),
            R"pp([
  1970-01-01 00:00:00Z,
  1969-12-31 23:59:59Z
])pp");
  EXPECT_EQ(
      Print(Prim<int64_t>(timestamp(TimeUnit::MILLI, "America/New_York"), {1577836800123, N})),
      R"pp([
  2020-01-01 00:00:00.123Z,
  null
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::MICRO, "+01:00"), {0})),
            R"pp([
  1970-01-01 00:00:00.000000Z
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::NANO, "UTC"), {-1})),
            R"pp([
  1969-12-31 23:59:59.999999999Z
])pp");
}

TEST(PrettyPrintTest, DurationsPrintAsIntegers) {
  const std::vector<std::optional<int64_t>> values{0, 5, N, -3, INT64_MAX};
  EXPECT_EQ(Print(Prim<int64_t>(duration(TimeUnit::SECOND), values)), R"pp([
  0,
  5,
  null,
  -3,
  9223372036854775807
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(duration(TimeUnit::MILLI), values)), R"pp([
  0,
  5,
  null,
  -3,
  9223372036854775807
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(duration(TimeUnit::MICRO), values)), R"pp([
  0,
  5,
  null,
  -3,
  9223372036854775807
])pp");
  EXPECT_EQ(Print(Prim<int64_t>(duration(TimeUnit::NANO), values)), R"pp([
  0,
  5,
  null,
  -3,
  9223372036854775807
])pp");
}

TEST(PrettyPrintTest, Intervals) {
  auto mdn = Prim<MonthDayNanoInterval>(
      month_day_nano_interval(), {MonthDayNanoInterval{1, 2, 3}, N, MonthDayNanoInterval{-1, 0, -5},
                                  MonthDayNanoInterval{0, 0, 0}});
  EXPECT_EQ(Print(mdn), R"pp([
  1M2d3ns,
  null,
  -1M0d-5ns,
  0M0d0ns
])pp");
  // pyarrow cannot wrap these two as top-level arrays; these are the lines it
  // prints for them as children of a struct (imported through the C Data interface).
  EXPECT_EQ(Print(Prim<int32_t>(month_interval(), {1, N, -2})), "[\n  1M,\n  null,\n  -2M\n]");
  auto day_time = Prim<DayTimeInterval>(day_time_interval(),
                                        {DayTimeInterval{1, 2}, N, DayTimeInterval{-1, -5}});
  EXPECT_EQ(Print(day_time), "[\n  1d2ms,\n  null,\n  -1d-5ms\n]");
}

TEST(PrettyPrintTest, StringsAreQuotedAndNotEscaped) {
  EXPECT_EQ(Print(Strings({"abc", N, "", "he said \"hi\"\n\\", "h\xc3\xa9llo"})),
            R"pp([
  "abc",
  null,
  "",
  "he said "hi"
\",
  "héllo"
])pp");
  EXPECT_EQ(Print(Binary(large_utf8(), {"abc", N, ""})), R"pp([
  "abc",
  null,
  ""
])pp");
  EXPECT_EQ(Print(Binary(utf8_view(),
                         {"abc", N, "a much longer string than twelve", "exactly12chr", ""})),
            R"pp([
  "abc",
  null,
  "a much longer string than twelve",
  "exactly12chr",
  ""
])pp");
}

TEST(PrettyPrintTest, BinaryIsUpperCaseHex) {
  EXPECT_EQ(Print(Binary(binary(), {"abc", N, "", std::string("\x00\xff\x10", 3)})),
            R"pp([
  616263,
  null,
  ,
  00FF10
])pp");
  EXPECT_EQ(Print(Binary(large_binary(), {"abc", N, "\xab"})), R"pp([
  616263,
  null,
  AB
])pp");
  EXPECT_EQ(
      Print(Binary(binary_view(),
                   {"abc", N, std::string("\x00\x01", 2) + "a much longer string than twelve"})),
      R"pp([
  616263,
  null,
  000161206D756368206C6F6E67657220737472696E67207468616E207477656C7665
])pp");
  EXPECT_EQ(Print(Binary(fixed_size_binary(3), {"abc", N, std::string("\x00\x01\xfe", 3)})),
            R"pp([
  616263,
  null,
  0001FE
])pp");
  EXPECT_EQ(Print(Binary(fixed_size_binary(0), {"", ""})), R"pp([
  ,
  
])pp");
}

// ---------------------------------------------------------------------------
// element_size_limit

TEST(PrettyPrintTest, LongElementsAreCutAtTheDefaultLimit) {
  EXPECT_EQ(Print(Strings({std::string(150, 'x'), std::string(98, 'x'), std::string(99, 'x'), N})),
            R"pp([
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx (... 52 chars omitted)",
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx (... 1 chars omitted)",
  null
])pp");
  EXPECT_EQ(Print(Binary(binary(), {std::string(50, 'x'), std::string(51, 'x')})),
            R"pp([
  7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878,
  7878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878 (... 2 chars omitted)
])pp");
  EXPECT_EQ(Print(Binary(utf8_view(), {std::string(101, 'x')})), R"pp([
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx (... 3 chars omitted)"
])pp");
}

TEST(PrettyPrintTest, ElementSizeLimitAppliesToEveryValue) {
  PrettyPrintOptions limit3{.skip_new_lines = true, .element_size_limit = 3};
  EXPECT_EQ(Print(Int64s({12345, 1}), limit3), R"pp([123 (... 2 chars omitted),1])pp");
  EXPECT_EQ(Print(Prim<double>(float64(), {1.2345}), limit3), R"pp([1.2 (... 3 chars omitted)])pp");
  EXPECT_EQ(Print(Prim<int64_t>(timestamp(TimeUnit::SECOND), {0}), limit3),
            R"pp([197 (... 16 chars omitted)])pp");
  EXPECT_EQ(Print(Bools({true, false, N}), limit3), R"pp([tru (... 1 chars omitted),fal (... 2 chars omitted),null])pp");
  EXPECT_EQ(Print(Binary(binary(), {"abcdef", "a", ""}), limit3), R"pp([616 (... 9 chars omitted),61,])pp");
  EXPECT_EQ(Print(Prim<MonthDayNanoInterval>(month_day_nano_interval(),
                                             {MonthDayNanoInterval{100, 200, 300}}),
                  limit3),
            R"pp([100 (... 10 chars omitted)])pp");
  EXPECT_EQ(Print(List(list(int32()), {0, 1}, Int32s({12345})), {.element_size_limit = 3}),
            R"pp([
  [
    123 (... 2 chars omitted)
  ]
])pp");
  EXPECT_EQ(Print(*MakeArrayOfNull(null(), 5), {.element_size_limit = 3}),
            R"pp(5 nulls)pp");
  PrettyPrintOptions limit0{.skip_new_lines = true, .element_size_limit = 0};
  EXPECT_EQ(Print(Binary(binary(), {"abcdef", "a", ""}), limit0), R"pp([ (... 12 chars omitted), (... 2 chars omitted),])pp");
}

TEST(PrettyPrintTest, StringLimitsCountTheQuotes) {
  auto strings = Strings({"abcdef", "ab", "a", "", N});
  EXPECT_EQ(Print(strings, {.skip_new_lines = true, .element_size_limit = 3}),
            R"pp(["a (... 5 chars omitted)","a (... 1 chars omitted)","a","",null])pp");
  EXPECT_EQ(Print(strings->Slice(0, 4), {.skip_new_lines = true, .element_size_limit = 2}),
            R"pp([" (... 6 chars omitted)"," (... 2 chars omitted)"," (... 1 chars omitted)",""])pp");
  // Limits too small to hold the quotes, and negative limits, leave strings whole.
  EXPECT_EQ(Print(strings->Slice(0, 2), {.skip_new_lines = true, .element_size_limit = 1}),
            R"pp(["abcdef","ab"])pp");
  EXPECT_EQ(Print(strings->Slice(0, 2), {.skip_new_lines = true, .element_size_limit = 0}),
            R"pp(["abcdef","ab"])pp");
  EXPECT_EQ(Print(strings->Slice(0, 1), {.skip_new_lines = true, .element_size_limit = -1}),
            R"pp(["abcdef"])pp");
  // The cut counts bytes, as pyarrow's does, even inside a UTF-8 sequence.
  EXPECT_EQ(Print(Strings({"a\xc3\xa9"}), {.skip_new_lines = true, .element_size_limit = 4}),
            "[\"a\xc3 (... 1 chars omitted)\"]");
}

// ---------------------------------------------------------------------------
// Windowing and layout options

TEST(PrettyPrintTest, LongArraysShowAWindowAtEachEnd) {
  EXPECT_EQ(Print(Iota<int64_t>(int64(), 25)), R"pp([
  0,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  ...
  15,
  16,
  17,
  18,
  19,
  20,
  21,
  22,
  23,
  24
])pp");
  // Cut only when more than 2 * window + 1 elements.
  EXPECT_EQ(Print(Iota<int64_t>(int64(), 21), kOneLine), R"pp([0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20])pp");
  EXPECT_EQ(Print(Iota<int64_t>(int64(), 22), kOneLine), R"pp([0,1,2,3,4,5,6,7,8,9,...,12,13,14,15,16,17,18,19,20,21])pp");
  EXPECT_EQ(Print(Iota<int64_t>(int64(), 25), kOneLine), R"pp([0,1,2,3,4,5,6,7,8,9,...,15,16,17,18,19,20,21,22,23,24])pp");
  EXPECT_EQ(Print(Iota<int32_t>(int32(), 7), {.window = 3}), R"pp([
  0,
  1,
  2,
  3,
  4,
  5,
  6
])pp");
  EXPECT_EQ(Print(Iota<int32_t>(int32(), 8), {.window = 3}), R"pp([
  0,
  1,
  2,
  ...
  5,
  6,
  7
])pp");
}

TEST(PrettyPrintTest, HugeWindowsShowEverything) {
  EXPECT_EQ(Print(Iota<int32_t>(int32(), 3), {.window = INT64_MAX, .skip_new_lines = true}),
            "[0,1,2]");
  auto lists = List(list(int32()), {0, 1, 2, 3}, Iota<int32_t>(int32(), 3));
  EXPECT_EQ(Print(lists, {.container_window = INT64_MAX, .skip_new_lines = true}), "[[0],[1],[2]]");
  // pyarrow hides every element when the window is negative.
  EXPECT_EQ(Print(Iota<int32_t>(int32(), 3), {.window = -1, .skip_new_lines = true}), "[...,]");
  EXPECT_EQ(Print(Iota<int32_t>(int32(), 1), {.window = -1}), "[\n  ...\n]");
}

TEST(PrettyPrintTest, WindowZeroShowsOnlyTheEllipsis) {
  EXPECT_EQ(Print(Iota<int32_t>(int32(), 3), {.window = 0}), R"pp([
  ...
])pp");
  EXPECT_EQ(Print(Iota<int32_t>(int32(), 3), {.window = 0, .skip_new_lines = true}),
            R"pp([...,])pp");
  EXPECT_EQ(Print(List(list(int32()), {0, 3, 4}, Iota<int32_t>(int32(), 4)), {.window = 0}),
            R"pp([
  [
    ...
  ],
  [
    3
  ]
])pp");
}

TEST(PrettyPrintTest, IndentOptions) {
  auto lists = List(list(int32()), {0, 2, 2, 2}, Int32s({1, 2}), {true, false, true});
  EXPECT_EQ(Print(lists, {.indent_size = 4}), R"pp([
    [
        1,
        2
    ],
    null,
    []
])pp");
  EXPECT_EQ(Print(List(list(int32()), {0, 1}, Int32s({1})), {.indent_size = 0}),
            R"pp([
[
1
]
])pp");
  EXPECT_EQ(Print(lists, {.indent = 3}), R"pp(   [
     [
       1,
       2
     ],
     null,
     []
   ])pp");
  EXPECT_EQ(Print(Int32s({}), {.indent = 3}), R"pp(   [])pp");
  EXPECT_EQ(Print(*MakeArrayOfNull(null(), 1), {.indent = 3}), R"pp(1 nulls)pp");
  auto one_empty = List(list(int32()), {0, 1, 1, 1}, Int32s({1}), {true, false, true});
  EXPECT_EQ(Print(one_empty, {.indent = 2, .skip_new_lines = true}), R"pp([[1],null,[]])pp");
  EXPECT_EQ(Print(Prim<int8_t>(int8(), {}), {.indent = 2, .skip_new_lines = true}),
            R"pp([])pp");
}

TEST(PrettyPrintTest, NullRepReplacesNull) {
  // pyarrow's to_string does not expose null_rep; Arrow C++ prints it where "null" would be.
  EXPECT_EQ(Print(Int32s({1, N}), {.null_rep = "NA", .skip_new_lines = true}), "[1,NA]");
  EXPECT_EQ(Print(List(list(int32()), {0, 1, 1}, Int32s({N}), {true, false}),
                  {.null_rep = "<none>", .skip_new_lines = true}),
            "[[<none>],<none>]");
}

TEST(PrettyPrintTest, SlicesPrintOnlyTheirElements) {
  EXPECT_EQ(Print(Int32s({1, N, 3, 4, N, 6})->Slice(1, 4)), R"pp([
  null,
  3,
  4,
  null
])pp");
  auto bools = Bools({true, false, N, true, true, false, N, false, true, true});
  EXPECT_EQ(Print(bools->Slice(3, 6)), R"pp([
  true,
  true,
  false,
  null,
  false,
  true
])pp");
  EXPECT_EQ(Print(Strings({"a", N, "ccc", "dd"})->Slice(1)), R"pp([
  null,
  "ccc",
  "dd"
])pp");
  EXPECT_EQ(Print(Int32s({1, 2})->Slice(1, 0)), R"pp([])pp");
}

TEST(PrettyPrintTest, ToStringIsPrettyPrintWithDefaults) {
  auto arr = List(list(int32()), {0, 2, 2}, Int32s({1, N}), {true, false});
  EXPECT_EQ(arr->ToString(), PrettyPrint(*arr));
  EXPECT_EQ(arr->ToString(), "[\n  [\n    1,\n    null\n  ],\n  null\n]");
  std::ostringstream out;
  out << "before ";
  PrettyPrint(*arr, kOneLine, &out);
  EXPECT_EQ(out.str(), "before [[1,null],null]");
}

// ---------------------------------------------------------------------------
// Lists

TEST(PrettyPrintTest, Lists) {
  auto lists =
      List(list(int32()), {0, 2, 2, 2, 4}, Int32s({1, 2, 3, N}), {true, false, true, true});
  EXPECT_EQ(Print(lists), R"pp([
  [
    1,
    2
  ],
  null,
  [],
  [
    3,
    null
  ]
])pp");
  EXPECT_EQ(Print(lists->Slice(1, 3)), R"pp([
  null,
  [],
  [
    3,
    null
  ]
])pp");
  EXPECT_EQ(Print(List(list(int32()), {0}, Int32s({}))), R"pp([])pp");
  EXPECT_EQ(Print(List(list(int32()), {0, 2, 2, 2}, Int32s({1, 2}), {true, false, true}), kOneLine),
            R"pp([[1,2],null,[]])pp");
  EXPECT_EQ(Print(List(large_list(int32()), {0, 2, 2}, Int32s({1, 2}), {true, false})),
            R"pp([
  [
    1,
    2
  ],
  null
])pp");
}

TEST(PrettyPrintTest, NestedLists) {
  auto inner = List(list(int32()), {0, 1, 3, 3, 3}, Int32s({1, 2, 3}), {true, true, true, false});
  auto outer = List(list(list(int32())), {0, 2, 2, 3, 4}, inner, {true, false, true, true});
  EXPECT_EQ(Print(outer), R"pp([
  [
    [
      1
    ],
    [
      2,
      3
    ]
  ],
  null,
  [
    []
  ],
  [
    null
  ]
])pp");
}

TEST(PrettyPrintTest, ListViews) {
  auto views = ListView(list_view(int32()), {3, 0, 0, 1}, {2, 0, 3, 0}, Int32s({1, 2, 3, 4, 5}),
                        {true, false, true, true});
  EXPECT_EQ(Print(views), R"pp([
  [
    4,
    5
  ],
  null,
  [
    1,
    2,
    3
  ],
  []
])pp");
  EXPECT_EQ(Print(ListView(large_list_view(int32()), {3, 0}, {2, 3}, Int32s({1, 2, 3, 4, 5}))),
            R"pp([
  [
    4,
    5
  ],
  [
    1,
    2,
    3
  ]
])pp");
}

TEST(PrettyPrintTest, FixedSizeLists) {
  auto lists = FixedList(fixed_size_list(int32(), 2), 4, Int32s({1, 2, 0, 0, 3, N, 7, 8}),
                         {true, false, true, true});
  EXPECT_EQ(Print(lists->Slice(0, 3)), R"pp([
  [
    1,
    2
  ],
  null,
  [
    3,
    null
  ]
])pp");
  EXPECT_EQ(Print(lists->Slice(2)), R"pp([
  [
    3,
    null
  ],
  [
    7,
    8
  ]
])pp");
}

TEST(PrettyPrintTest, ListsOfNullsPrintTheNullCountUnindented) {
  EXPECT_EQ(
      Print(List(list(null()), {0, 2, 2, 2}, *MakeArrayOfNull(null(), 2), {true, false, true})),
      R"pp([
2 nulls,
  null,
0 nulls
])pp");
}

TEST(PrettyPrintTest, ListValuesUseWindowAndListElementsUseContainerWindow) {
  EXPECT_EQ(
      Print(List(list(int32()), {0, 30, 35},
                 Int32s({0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17,
                         18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 1,  2,  3,  4,  5}))),
      R"pp([
  [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    ...
    20,
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    28,
    29
  ],
  [
    1,
    2,
    3,
    4,
    5
  ]
])pp");
  std::vector<int64_t> offsets;
  for (int64_t i = 0; i <= 30; ++i) offsets.push_back(i);
  EXPECT_EQ(Print(List(list(int32()), offsets, Iota<int32_t>(int32(), 30))),
            R"pp([
  [
    0
  ],
  [
    1
  ],
  ...
  [
    28
  ],
  [
    29
  ]
])pp");
  EXPECT_EQ(Print(List(list(int32()), {0, 1, 2, 3, 4, 5}, Iota<int32_t>(int32(), 5)), kOneLine),
            R"pp([[0],[1],[2],[3],[4]])pp");
  EXPECT_EQ(Print(List(list(int32()), {0, 1, 2, 3, 4, 5, 6}, Iota<int32_t>(int32(), 6)), kOneLine),
            R"pp([[0],[1],...,[4],[5]])pp");
}

// 12 lists of 12 lists of 0..11.
ArrayPtr NestedTwelves() {
  std::vector<std::optional<int32_t>> ints;
  for (int i = 0; i < 144; ++i) {
    for (int v = 0; v < 12; ++v) ints.push_back(v);
  }
  std::vector<int64_t> inner_offsets, outer_offsets;
  for (int64_t i = 0; i <= 144; ++i) inner_offsets.push_back(i * 12);
  for (int64_t i = 0; i <= 12; ++i) outer_offsets.push_back(i * 12);
  auto inner = List(list(int32()), inner_offsets, Int32s(ints));
  return List(list(list(int32())), outer_offsets, inner);
}

TEST(PrettyPrintTest, NestedListsWindowEachLevel) {
  EXPECT_EQ(Print(NestedTwelves(), {.window = 1, .skip_new_lines = true}),
            R"pp([[[0,...,11],[0,...,11],...,[0,...,11],[0,...,11]],[[0,...,11],[0,...,11],...,[0,...,11],[0,...,11]],...,[[0,...,11],[0,...,11],...,[0,...,11],[0,...,11]],[[0,...,11],[0,...,11],...,[0,...,11],[0,...,11]]])pp");
  EXPECT_EQ(Print(NestedTwelves(), {.window = 1, .container_window = 3, .skip_new_lines = true}),
            R"pp([[[0,...,11],[0,...,11],[0,...,11],...,[0,...,11],[0,...,11],[0,...,11]],[[0,...,11],[0,...,11],[0,...,11],...,[0,...,11],[0,...,11],[0,...,11]],[[0,...,11],[0,...,11],[0,...,11],...,[0,...,11],[0,...,11],[0,...,11]],...,[[0,...,11],[0,...,11],[0,...,11],...,[0,...,11],[0,...,11],[0,...,11]],[[0,...,11],[0,...,11],[0,...,11],...,[0,...,11],[0,...,11],[0,...,11]],[[0,...,11],[0,...,11],[0,...,11],...,[0,...,11],[0,...,11],[0,...,11]]])pp");
  EXPECT_EQ(Print(NestedTwelves(), {.window = 3, .container_window = 1, .skip_new_lines = true}),
            R"pp([[[0,1,2,...,9,10,11],...,[0,1,2,...,9,10,11]],...,[[0,1,2,...,9,10,11],...,[0,1,2,...,9,10,11]]])pp");
}

TEST(PrettyPrintTest, ContainerWindowAppliesToListsButNotMaps) {
  std::vector<int64_t> offsets;
  for (int64_t i = 0; i <= 12; ++i) offsets.push_back(i);
  auto lists = List(list(int32()), offsets, Iota<int32_t>(int32(), 12));
  auto fixed = FixedList(fixed_size_list(int32(), 1), 12, Iota<int32_t>(int32(), 12));
  const auto map_type = map(utf8(), int32());
  auto entries = Struct(
      map_type->field(0)->type(), 12,
      {Strings(std::vector<std::optional<std::string>>(12, "a")), Iota<int32_t>(int32(), 12)});
  auto maps = List(map_type, offsets, entries);
  const PrettyPrintOptions w1_cw3{.window = 1, .container_window = 3, .skip_new_lines = true};
  const PrettyPrintOptions w3_cw1{.window = 3, .container_window = 1, .skip_new_lines = true};
  EXPECT_EQ(Print(lists, w1_cw3), R"pp([[0],[1],[2],...,[9],[10],[11]])pp");
  EXPECT_EQ(Print(lists, w3_cw1), R"pp([[0],...,[11]])pp");
  EXPECT_EQ(Print(fixed, w1_cw3), R"pp([[0],[1],[2],...,[9],[10],[11]])pp");
  EXPECT_EQ(Print(fixed, w3_cw1), R"pp([[0],...,[11]])pp");
  EXPECT_EQ(Print(maps, w1_cw3), R"pp([keys:["a"]values:[0],...,keys:["a"]values:[11]])pp");
  EXPECT_EQ(Print(maps, w3_cw1), R"pp([keys:["a"]values:[0],keys:["a"]values:[1],keys:["a"]values:[2],...,keys:["a"]values:[9],keys:["a"]values:[10],keys:["a"]values:[11]])pp");
}

// ---------------------------------------------------------------------------
// Maps

ArrayPtr SmallMap() {
  const auto type = map(utf8(), int32());
  auto entries = Struct(type->field(0)->type(), 2, {Strings({"a", "b"}), Int32s({1, N})});
  return List(type, {0, 2, 2, 2}, entries, {true, false, true});
}

TEST(PrettyPrintTest, MapsPrintKeysAndValuesBlocks) {
  auto maps = SmallMap();
  EXPECT_EQ(Print(maps), R"pp([
  keys:
  [
    "a",
    "b"
  ]
  values:
  [
    1,
    null
  ],
  null,
  keys:
  []
  values:
  []
])pp");
  EXPECT_EQ(Print(maps, kOneLine), R"pp([keys:["a","b"]values:[1,null],null,keys:[]values:[]])pp");
  EXPECT_EQ(Print(maps->Slice(1)), R"pp([
  null,
  keys:
  []
  values:
  []
])pp");
  EXPECT_EQ(Print(maps, {.indent = 2}), R"pp(  [
    keys:
    [
      "a",
      "b"
    ]
    values:
    [
      1,
      null
    ],
    null,
    keys:
    []
    values:
    []
  ])pp");
  EXPECT_EQ(Print(maps, {.indent = 2, .skip_new_lines = true}), R"pp([keys:["a","b"]values:[1,null],null,keys:[]values:[]])pp");
}

TEST(PrettyPrintTest, MapsInsideListsAndLimits) {
  const auto type = map(utf8(), int32());
  auto entries =
      Struct(type->field(0)->type(), 5,
             {Strings(std::vector<std::optional<std::string>>(5, "k")), Iota<int32_t>(int32(), 5)});
  EXPECT_EQ(Print(List(type, {0, 1, 2, 3, 4, 5}, entries), {.window = 1, .skip_new_lines = true}),
            R"pp([keys:["k"]values:[0],...,keys:["k"]values:[4]])pp");
  auto one = List(type, {0, 1, 1}, Struct(type->field(0)->type(), 1, {Strings({"a"}), Int32s({1})}),
                  {true, false});
  EXPECT_EQ(Print(List(list(type), {0, 1, 1}, one->Slice(0, 1), {true, false})),
            R"pp([
  [
    keys:
    [
      "a"
    ]
    values:
    [
      1
    ]
  ],
  null
])pp");
  EXPECT_EQ(Print(one, {.element_size_limit = 3}), R"pp([
  keys:
  [
    "a"
  ]
  values:
  [
    1
  ],
  null
])pp");
}

// ---------------------------------------------------------------------------
// Structs

ArrayPtr SmallStruct() {
  return Struct(struct_({field("a", int32()), field("b", utf8())}), 3,
                {Int32s({1, 0, N}), Strings({"x", "", "y"})}, {true, false, true});
}

TEST(PrettyPrintTest, StructsPrintValidityAndChildren) {
  auto st = SmallStruct();
  EXPECT_EQ(Print(st), R"pp(-- is_valid:
  [
    true,
    false,
    true
  ]
-- child 0 type: int32
  [
    1,
    0,
    null
  ]
-- child 1 type: string
  [
    "x",
    "",
    "y"
  ])pp");
  EXPECT_EQ(Print(st, kOneLine), R"pp(-- is_valid:[true,false,true]
-- child 0 type: int32
[1,0,null]
-- child 1 type: string
["x","","y"])pp");
  EXPECT_EQ(Print(st, {.indent = 2}), R"pp(  -- is_valid:
      [
      true,
      false,
      true
    ]
  -- child 0 type: int32
    [
      1,
      0,
      null
    ]
  -- child 1 type: string
    [
      "x",
      "",
      "y"
    ])pp");
  EXPECT_EQ(Print(st->Slice(1, 2)), R"pp(-- is_valid:
  [
    false,
    true
  ]
-- child 0 type: int32
  [
    0,
    null
  ]
-- child 1 type: string
  [
    "",
    "y"
  ])pp");
  EXPECT_EQ(Print(st->Slice(2, 1)), R"pp(-- is_valid: all not null
-- child 0 type: int32
  [
    null
  ]
-- child 1 type: string
  [
    "y"
  ])pp");
}

TEST(PrettyPrintTest, StructEdgeCases) {
  const auto a = struct_({field("a", int32())});
  EXPECT_EQ(Print(Struct(a, 1, {Int32s({1})})), R"pp(-- is_valid: all not null
-- child 0 type: int32
  [
    1
  ])pp");
  EXPECT_EQ(Print(Struct(a, 0, {Int32s({})})), R"pp(-- is_valid: all not null
-- child 0 type: int32
  [])pp");
  EXPECT_EQ(Print(Struct(struct_({}), 2, {}, {true, false})), R"pp(-- is_valid:
  [
    true,
    false
  ])pp");
  std::vector<std::optional<int32_t>> thirty;
  for (int i = 0; i < 30; ++i) thirty.push_back(i);
  EXPECT_EQ(Print(Struct(a, 30, {Int32s(thirty)})), R"pp(-- is_valid: all not null
-- child 0 type: int32
  [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    ...
    20,
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    28,
    29
  ])pp");
}

TEST(PrettyPrintTest, StructsWithNullChildren) {
  const auto type = struct_({field("n", null()), field("i", int8())});
  EXPECT_EQ(Print(Struct(type, 1, {*MakeArrayOfNull(null(), 1), Prim<int8_t>(int8(), {1})})),
            R"pp(-- is_valid: all not null
-- child 0 type: null
1 nulls
-- child 1 type: int8
  [
    1
  ])pp");
  EXPECT_EQ(Print(Struct(type, 2, {*MakeArrayOfNull(null(), 2), Prim<int8_t>(int8(), {1, 0})},
                         {true, false}),
                  {.indent = 2, .skip_new_lines = true}),
            R"pp(  -- is_valid:  [true,false]
  -- child 0 type: null
2 nulls
  -- child 1 type: int8
[1,0])pp");
}

TEST(PrettyPrintTest, NestedStructs) {
  const auto q = struct_({field("q", int8())});
  auto s = Struct(struct_({field("x", list(int8()))}), 1,
                  {List(list(int8()), {0, 2}, Prim<int8_t>(int8(), {1, 2}))});
  auto l = List(list(q), {0, 1}, Struct(q, 1, {Prim<int8_t>(int8(), {1})}));
  auto outer = Struct(struct_({field("s", s->type()), field("l", l->type())}), 1, {s, l});
  EXPECT_EQ(Print(outer), R"pp(-- is_valid: all not null
-- child 0 type: struct<x: list<item: int8>>
  -- is_valid: all not null
  -- child 0 type: list<item: int8>
    [
      [
        1,
        2
      ]
    ]
-- child 1 type: list<item: struct<q: int8>>
  [
    -- is_valid: all not null
    -- child 0 type: int8
      [
        1
      ]
  ])pp");
}

TEST(PrettyPrintTest, ListsOfStructs) {
  const auto a = struct_({field("a", int32())});
  EXPECT_EQ(Print(List(list(a), {0, 1, 1}, Struct(a, 1, {Int32s({1})}), {true, false})),
            R"pp([
  -- is_valid: all not null
  -- child 0 type: int32
    [
      1
    ],
  null
])pp");
  auto with_null = Struct(a, 2, {Int32s({1, 0})}, {true, false});
  EXPECT_EQ(Print(List(list(a), {0, 2}, with_null)), R"pp([
  -- is_valid:
      [
      true,
      false
    ]
  -- child 0 type: int32
    [
      1,
      0
    ]
])pp");
  EXPECT_EQ(Print(List(list(a), {0, 2, 2}, with_null, {true, false}), kOneLine),
            R"pp([  -- is_valid:  [true,false]
  -- child 0 type: int32
[1,0],null])pp");
}

TEST(PrettyPrintTest, StructHeadersCountAsElementsForTheLimit) {
  auto st = SmallStruct();
  EXPECT_EQ(Print(st->Slice(0, 2), {.element_size_limit = 3}), R"pp(--  (... 9 chars omitted)
  [
    tru (... 1 chars omitted),
    fal (... 2 chars omitted)
  ]
--  (... 20 chars omitted)  [
    1,
    0
  ]
--  (... 21 chars omitted)  [
    "x",
    ""
  ])pp");
  EXPECT_EQ(Print(st->Slice(0, 1), {.element_size_limit = 3}), R"pp(--  (... 9 chars omitted) al (... 10 chars omitted)
--  (... 20 chars omitted)  [
    1
  ]
--  (... 21 chars omitted)  [
    "x"
  ])pp");
  // At 0 even the line break before each child header is cut.
  EXPECT_EQ(Print(st->Slice(0, 2), {.element_size_limit = 0}), R"pp( (... 12 chars omitted)
  [
     (... 4 chars omitted),
     (... 5 chars omitted)
  ] (... 1 chars omitted) (... 23 chars omitted)  [
     (... 1 chars omitted),
     (... 1 chars omitted)
  ] (... 1 chars omitted) (... 24 chars omitted)  [
    "x",
    ""
  ])pp");
  auto u = SparseUnion(sparse_union({field("0", int64())}), {0}, {Int64s({1})});
  EXPECT_EQ(Print(u, {.element_size_limit = 0}), R"pp( (... 12 chars omitted) (... 13 chars omitted)
 (... 13 chars omitted)  [
     (... 1 chars omitted)
  ] (... 1 chars omitted) (... 23 chars omitted)  [
     (... 1 chars omitted)
  ])pp");
  auto d = Dictionary(Prim<int8_t>(int8(), {0}), Strings({"abcdef"}));
  EXPECT_EQ(Print(d, {.element_size_limit = 0}), R"pp(
 (... 15 chars omitted)  [
    "abcdef"
  ]
 (... 12 chars omitted)  [
     (... 1 chars omitted)
  ])pp");
}

// ---------------------------------------------------------------------------
// Unions

ArrayPtr SmallSparseUnion() {
  return SparseUnion(sparse_union({field("0", int64()), field("1", utf8())}), {0, 1, 0},
                     {Int64s({1, N, 3}), Strings({"a", "b", N})});
}

ArrayPtr SmallDenseUnion() {
  return DenseUnion(dense_union({field("i", int64()), field("s", utf8())}, {5, 7}), {5, 7, 5},
                    {0, 0, 1}, {Int64s({1, N}), Strings({"a"})});
}

TEST(PrettyPrintTest, SparseUnions) {
  auto u = SmallSparseUnion();
  EXPECT_EQ(Print(u), R"pp(-- is_valid: all not null
-- type_ids:   [
    0,
    1,
    0
  ]
-- child 0 type: int64
  [
    1,
    null,
    3
  ]
-- child 1 type: string
  [
    "a",
    "b",
    null
  ])pp");
  EXPECT_EQ(Print(u->Slice(1, 2)), R"pp(-- is_valid: all not null
-- type_ids:   [
    1,
    0
  ]
-- child 0 type: int64
  [
    null,
    3
  ]
-- child 1 type: string
  [
    "b",
    null
  ])pp");
  EXPECT_EQ(Print(u, kOneLine), R"pp(-- is_valid: all not null-- type_ids: [0,1,0]
-- child 0 type: int64
[1,null,3]
-- child 1 type: string
["a","b",null])pp");
  EXPECT_EQ(Print(u, {.indent = 2}), R"pp(  -- is_valid: all not null
  -- type_ids:     [
      0,
      1,
      0
    ]
  -- child 0 type: int64
    [
      1,
      null,
      3
    ]
  -- child 1 type: string
    [
      "a",
      "b",
      null
    ])pp");
}

TEST(PrettyPrintTest, DenseUnionsPrintOffsetsAndWholeChildren) {
  auto u = SmallDenseUnion();
  EXPECT_EQ(Print(u), R"pp(-- is_valid: all not null
-- type_ids:   [
    5,
    7,
    5
  ]
-- value_offsets:   [
    0,
    0,
    1
  ]
-- child 0 type: int64
  [
    1,
    null
  ]
-- child 1 type: string
  [
    "a"
  ])pp");
  EXPECT_EQ(Print(u->Slice(1, 2)), R"pp(-- is_valid: all not null
-- type_ids:   [
    7,
    5
  ]
-- value_offsets:   [
    0,
    1
  ]
-- child 0 type: int64
  [
    1,
    null
  ]
-- child 1 type: string
  [
    "a"
  ])pp");
  EXPECT_EQ(Print(u, {.indent = 2, .skip_new_lines = true}),
            R"pp(  -- is_valid: all not null  -- type_ids: [5,7,5]  -- value_offsets: [0,0,1]
  -- child 0 type: int64
[1,null]
  -- child 1 type: string
["a"])pp");
  auto one = DenseUnion(dense_union({field("0", int64())}), {0}, {0}, {Int64s({1})});
  EXPECT_EQ(Print(one, {.element_size_limit = 3}), R"pp(--  (... 9 chars omitted) al (... 10 chars omitted)
--  (... 10 chars omitted)  [
    0
  ]
--  (... 15 chars omitted)  [
    0
  ]
--  (... 20 chars omitted)  [
    1
  ])pp");
}

TEST(PrettyPrintTest, UnionEdgeCases) {
  auto with_null = SparseUnion(sparse_union({field("0", null()), field("1", utf8())}), {0, 1},
                               {*MakeArrayOfNull(null(), 2), Strings({"a", "b"})});
  EXPECT_EQ(Print(with_null), R"pp(-- is_valid: all not null
-- type_ids:   [
    0,
    1
  ]
-- child 0 type: null
2 nulls
-- child 1 type: string
  [
    "a",
    "b"
  ])pp");
  EXPECT_EQ(Print(SparseUnion(sparse_union({field("0", int32())}), {}, {Int32s({})})),
            R"pp(-- is_valid: all not null
-- type_ids:   []
-- child 0 type: int32
  [])pp");
  auto in_list = List(list(sparse_union({field("0", int64()), field("1", utf8())})), {0, 2},
                      SparseUnion(sparse_union({field("0", int64()), field("1", utf8())}), {0, 1},
                                  {Int64s({1, N}), Strings({"a", "b"})}));
  EXPECT_EQ(Print(in_list), R"pp([
  -- is_valid: all not null
  -- type_ids:     [
      0,
      1
    ]
  -- child 0 type: int64
    [
      1,
      null
    ]
  -- child 1 type: string
    [
      "a",
      "b"
    ]
])pp");
  EXPECT_EQ(Print(in_list, kOneLine), R"pp([  -- is_valid: all not null  -- type_ids: [0,1]
  -- child 0 type: int64
[1,null]
  -- child 1 type: string
["a","b"]])pp");
}

// ---------------------------------------------------------------------------
// Dictionaries and run-end encoded arrays

TEST(PrettyPrintTest, Dictionaries) {
  auto d = Dictionary(Prim<int8_t>(int8(), {0, 1, N, 0}), Strings({"x", "y"}));
  EXPECT_EQ(Print(d), R"pp(
-- dictionary:
  [
    "x",
    "y"
  ]
-- indices:
  [
    0,
    1,
    null,
    0
  ])pp");
  EXPECT_EQ(Print(d, kOneLine), R"pp(-- dictionary:
["x","y"]-- indices:
[0,1,null,0])pp");
  EXPECT_EQ(Print(d->Slice(1, 2)), R"pp(
-- dictionary:
  [
    "x",
    "y"
  ]
-- indices:
  [
    1,
    null
  ])pp");
  EXPECT_EQ(Print(d, {.indent = 2}), R"pp(
  -- dictionary:
    [
      "x",
      "y"
    ]
  -- indices:
    [
      0,
      1,
      null,
      0
    ])pp");
  EXPECT_EQ(Print(d, {.indent = 2, .skip_new_lines = true}),
            R"pp(  -- dictionary:
["x","y"]  -- indices:
[0,1,null,0])pp");
}

TEST(PrettyPrintTest, DictionaryEdgeCases) {
  auto d = Dictionary(Int32s({0, 1}), Strings({"a", "b"}));
  EXPECT_EQ(Print(List(list(d->type()), {0, 2, 2}, d, {true, false})),
            R"pp([

  -- dictionary:
    [
      "a",
      "b"
    ]
  -- indices:
    [
      0,
      1
    ],
  null
])pp");
  EXPECT_EQ(Print(Dictionary(Prim<int8_t>(int8(), {0, N}), *MakeArrayOfNull(null(), 1))),
            R"pp(
-- dictionary:
1 nulls
-- indices:
  [
    0,
    null
  ])pp");
  EXPECT_EQ(
      Print(Dictionary(Prim<int8_t>(int8(), {0}), Strings({"abcdef"})), {.element_size_limit = 3}),
      R"pp(
--  (... 12 chars omitted)  [
    "a (... 5 chars omitted)"
  ]
--  (... 9 chars omitted)  [
    0
  ])pp");
}

TEST(PrettyPrintTest, RunEndEncodedArraysPrintTheirPhysicalChildren) {
  auto r = RunEnds(5, Int32s({2, 5}), Strings({"a", N}));
  EXPECT_EQ(Print(r), R"pp(
-- run_ends:
  [
    2,
    5
  ]
-- values:
  [
    "a",
    null
  ])pp");
  EXPECT_EQ(Print(r->Slice(1, 3)), R"pp(
-- run_ends:
  [
    2,
    5
  ]
-- values:
  [
    "a",
    null
  ])pp");
  EXPECT_EQ(Print(r, kOneLine), R"pp(-- run_ends:
[2,5]-- values:
["a",null])pp");
  EXPECT_EQ(Print(r, {.indent = 2}), R"pp(
  -- run_ends:
    [
      2,
      5
    ]
  -- values:
    [
      "a",
      null
    ])pp");
  auto short_runs = RunEnds(2, Prim<int16_t>(int16(), {2}), Strings({"a"}));
  EXPECT_EQ(Print(List(list(short_runs->type()), {0, 2}, short_runs)), R"pp([

  -- run_ends:
    [
      2
    ]
  -- values:
    [
      "a"
    ]
])pp");
  EXPECT_EQ(Print(RunEnds(2, Int64s({2}), Strings({"a"})), {.element_size_limit = 3}),
            R"pp(
--  (... 10 chars omitted)  [
    2
  ]
--  (... 8 chars omitted)  [
    "a"
  ])pp");
}

// ---------------------------------------------------------------------------
// Extension arrays

TEST(PrettyPrintTest, ExtensionArraysPrintAsTheirStorage) {
  auto json_type = extension("arrow.json", utf8());
  auto json = MakeArray(ArrayData::Make(json_type, 2, Strings({"{\"a\":1}", N})->data()->buffers));
  EXPECT_EQ(Print(json), R"pp([
  "{"a":1}",
  null
])pp");
  auto uuid_type = extension("arrow.uuid", fixed_size_binary(16));
  auto uuid = MakeArray(ArrayData::Make(
      uuid_type, 2,
      Binary(fixed_size_binary(16), {std::string(15, '\0') + "\x01", N})->data()->buffers));
  EXPECT_EQ(Print(uuid), R"pp([
  00000000000000000000000000000001,
  null
])pp");
  auto one = MakeArray(ArrayData::Make(json_type, 1, Strings({"{\"a\":1}"})->data()->buffers));
  EXPECT_EQ(Print(Struct(struct_({field("j", json_type)}), 1, {one})),
            R"pp(-- is_valid: all not null
-- child 0 type: extension<arrow.json>
  [
    "{"a":1}"
  ])pp");
}

// ---------------------------------------------------------------------------
// Malformed arrays print an error instead of reading out of bounds

TEST(PrettyPrintTest, StructurallyInvalidArraysPrintTheReason) {
  // Three int32 values claimed, four bytes present.
  auto short_values =
      MakeArray(ArrayData::Make(int32(), 3, {nullptr, Values(std::vector<int32_t>{1})}, 0));
  EXPECT_THAT(Print(short_values), ::testing::StartsWith("<Invalid array: "));
  EXPECT_EQ(short_values->ToString(), Print(short_values));
  // The last offset runs past the data: caught before anything is printed.
  auto strings = MakeArray(
      ArrayData::Make(utf8(), 1, {nullptr, Values(std::vector<int32_t>{0, 99}), Bytes("abc")}, 0));
  EXPECT_THAT(Print(strings), ::testing::StartsWith("<Invalid array: "));
}

TEST(PrettyPrintTest, OutOfBoundsOffsetsPrintTheReasonInPlace) {
  // Structural validation checks the outer offsets only; the middle one here
  // claims bytes [0, 99) of a 3-byte data buffer.
  auto strings = MakeArray(ArrayData::Make(
      utf8(), 2, {nullptr, Values(std::vector<int32_t>{0, 99, 3}), Bytes("abc")}, 0));
  EXPECT_EQ(Print(strings, kOneLine),
            "[<Invalid array: element 0 spans [0, 99) but the data buffer has 3 bytes>,"
            "<Invalid array: element 1 spans [99, 3) but the data buffer has 3 bytes>]");
  auto lists =
      MakeArray(ArrayData::Make(list(int32()), 2, {nullptr, Values(std::vector<int32_t>{0, 5, 2})},
                                {Int32s({1, 2})->data()}, 0));
  EXPECT_EQ(Print(lists, kOneLine),
            "[<Invalid array: element 0 spans [0, 5) but the child array has 2 values>,"
            "<Invalid array: element 1 spans [5, 2) but the child array has 2 values>]");
  // A view pointing into a data buffer that does not exist.
  BinaryViewHeader view{};
  view.ref.size = 20;
  view.ref.buffer_index = 3;
  auto views = MakeArray(
      ArrayData::Make(binary_view(), 1, {nullptr, Values(std::vector<BinaryViewHeader>{view})}, 0));
  EXPECT_EQ(Print(views, kOneLine),
            "[<Invalid array: element 0 refers to data buffer 3 but there are 0>]");
}

}  // namespace
}  // namespace quiver
