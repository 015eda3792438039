// Tests for Array::Validate / Array::ValidateFull / ValidateArrayData: every
// kind of corruption is caught, with a message naming what was expected and
// what was found, and every well-formed array passes.
//
// Arrays are built directly with ArrayData::Make so the tests can put any bytes
// anywhere. Corrupt data is validated through ValidateArrayData, because the
// typed Array classes assume a well-formed child layout in their constructors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "quiver/array.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/testing/matchers.h"
#include "quiver/validate.h"

namespace quiver {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

template <typename T>
std::shared_ptr<Buffer> Buf(const std::vector<T>& values) {
  auto buf = *AllocateBuffer(static_cast<int64_t>(values.size() * sizeof(T)));
  if (!values.empty()) std::memcpy(buf->mutable_data(), values.data(), values.size() * sizeof(T));
  return buf;
}

std::shared_ptr<Buffer> Str(std::string_view bytes) { return *Buffer::CopyFrom(bytes); }

// A validity bitmap from 1 (valid) / 0 (null) flags.
std::shared_ptr<Buffer> Bits(const std::vector<int>& flags) {
  auto buf = *AllocateZeroedBuffer(bit_util::BytesForBits(static_cast<int64_t>(flags.size())));
  for (size_t i = 0; i < flags.size(); ++i) {
    if (flags[i]) bit_util::SetBit(buf->mutable_data(), static_cast<int64_t>(i));
  }
  return buf;
}

Status Check(const ArrayDataPtr& d) { return ValidateArrayData(*d, /*full=*/false); }
Status CheckFull(const ArrayDataPtr& d) { return ValidateArrayData(*d, /*full=*/true); }

#define EXPECT_INVALID(expr, ...) \
  EXPECT_THAT((expr), StatusIs(StatusCode::Invalid, AllOf(__VA_ARGS__)))

ArrayDataPtr Int32s(std::vector<int32_t> values) {
  const auto n = static_cast<int64_t>(values.size());
  return ArrayData::Make(int32(), n, {nullptr, Buf(values)}, 0);
}

// A string-like array from values; nullopt is a null slot (with empty bytes).
template <typename O>
ArrayDataPtr Strings(TypePtr type, const std::vector<std::optional<std::string>>& values) {
  std::vector<O> offsets{0};
  std::string data;
  std::vector<int> valid;
  for (const auto& v : values) {
    if (v) data += *v;
    offsets.push_back(static_cast<O>(data.size()));
    valid.push_back(v.has_value());
  }
  return ArrayData::Make(std::move(type), static_cast<int64_t>(values.size()),
                         {Bits(valid), Buf(offsets), Str(data)});
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

std::shared_ptr<Buffer> Views(const std::vector<BinaryViewHeader>& views) { return Buf(views); }

// ---------------------------------------------------------------------------
// Well-formed arrays pass

const std::vector<TypePtr>& EveryType() {
  static const std::vector<TypePtr> types = {
      null(), boolean(), int8(), uint8(), int16(), uint16(), int32(), uint32(), int64(), uint64(), float16(),
      float32(), float64(), decimal32(5, 2), decimal64(12, 2), decimal128(30, 2), decimal256(40, 2), date32(),
      date64(), time32(TimeUnit::SECOND), time64(TimeUnit::NANO), timestamp(TimeUnit::MICRO, "UTC"),
      duration(TimeUnit::SECOND), month_interval(), day_time_interval(), month_day_nano_interval(), binary(),
      utf8(), large_binary(), large_utf8(), binary_view(), utf8_view(), fixed_size_binary(3),
      list(int32()), large_list(utf8()), list_view(int32()), large_list_view(int32()),
      fixed_size_list(int32(), 2), struct_({field("a", int32()), field("b", utf8())}), map(utf8(), int32()),
      sparse_union({field("a", int32()), field("b", utf8())}), dense_union({field("a", int32()), field("b", utf8())}),
      dictionary(int16(), utf8()), run_end_encoded(int32(), float64()), run_end_encoded(int16(), utf8()),
      extension("ext", int64()), list(struct_({field("x", list(utf8()))}))};
  return types;
}

TEST(ValidateTest, ArraysOfNullsAndEmptyArraysOfEveryTypeAreValid) {
  for (const auto& t : EveryType()) {
    SCOPED_TRACE(t->ToString());
    auto nulls = MakeArrayOfNull(t, 5);
    ASSERT_OK(nulls);
    EXPECT_OK((*nulls)->Validate());
    EXPECT_OK((*nulls)->ValidateFull());
    EXPECT_OK((*nulls)->Slice(1, 3)->ValidateFull());
    EXPECT_OK((*nulls)->Slice(5, 0)->ValidateFull());
    auto empty = MakeEmptyArray(t);
    ASSERT_OK(empty);
    EXPECT_OK((*empty)->ValidateFull());
  }
}

TEST(ValidateTest, WellFormedArraysPass) {
  EXPECT_OK(CheckFull(Int32s({1, 2, 3})));
  EXPECT_OK(CheckFull(ArrayData::Make(boolean(), 10, {Bits({1, 1, 0, 1, 1, 1, 1, 1, 1, 0}), Bits({1, 0, 1, 0, 0, 0, 0, 0, 1, 1})}, 2)));
  EXPECT_OK(CheckFull(Strings<int32_t>(utf8(), {"a", std::nullopt, "héllo", "€", "😀", ""})));
  EXPECT_OK(CheckFull(Strings<int64_t>(large_utf8(), {"x", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBF"})));
  // An empty array may omit its offsets entirely.
  EXPECT_OK(CheckFull(ArrayData::Make(utf8(), 0, {nullptr, nullptr, nullptr}, 0)));
  // fixed_size_binary(0) needs no value bytes.
  EXPECT_OK(CheckFull(ArrayData::Make(fixed_size_binary(0), 4, {nullptr, nullptr}, 0)));
  // A slice whose buffers cover only up to offset + length.
  EXPECT_OK(CheckFull(ArrayData::Make(int16(), 2, {nullptr, Buf<int16_t>({1, 2, 3})}, 0, 1)));
}

// ---------------------------------------------------------------------------
// Array-level fields and buffer counts

TEST(ValidateTest, LengthOffsetAndNullCount) {
  auto d = Int32s({1, 2, 3});
  d->length = -1;
  EXPECT_INVALID(Check(d), HasSubstr("int32 array"), HasSubstr("length is -1, expected >= 0"));
  d = Int32s({1, 2, 3});
  d->offset = -2;
  EXPECT_INVALID(Check(d), HasSubstr("offset is -2, expected >= 0"));
  d = Int32s({1, 2, 3});
  d->offset = std::numeric_limits<int64_t>::max();
  EXPECT_INVALID(Check(d), HasSubstr("overflows"));
  d = Int32s({1, 2, 3});
  d->null_count = 4;
  EXPECT_INVALID(Check(d), HasSubstr("null_count is 4, expected in [0, 3]"));
  d = Int32s({1, 2, 3});
  d->null_count = -7;
  EXPECT_INVALID(Check(d), HasSubstr("null_count is -7"));
  d = Int32s({1, 2, 3});
  d->null_count = 1;  // but buffers[0] is null
  EXPECT_INVALID(Check(d), HasSubstr("null_count is 1 but there is no validity bitmap, expected 0"));
  EXPECT_INVALID(Check(ArrayData::Make(nullptr, 0, {})), HasSubstr("array has no type"));
}

TEST(ValidateTest, NullCountMustMatchTheBitmapWhenKnown) {
  auto d = ArrayData::Make(int32(), 4, {Bits({1, 0, 0, 1}), Buf<int32_t>({1, 2, 3, 4})}, 1);
  EXPECT_OK(Check(d));  // the count is only checked by the full pass
  EXPECT_INVALID(CheckFull(d), HasSubstr("null_count is 1, expected 2"));
  d->null_count = 0;
  EXPECT_INVALID(CheckFull(d), HasSubstr("null_count is 0, expected 2"));
  d->null_count = kUnknownNullCount;
  EXPECT_OK(CheckFull(d));
  d->null_count = 2;
  EXPECT_OK(CheckFull(d));
  // The count covers only [offset, offset + length).
  auto sliced = ArrayData::Make(int32(), 2, {Bits({1, 0, 0, 1}), Buf<int32_t>({1, 2, 3, 4})}, 1, 2);
  EXPECT_OK(CheckFull(sliced));
}

TEST(ValidateTest, NullArrays) {
  EXPECT_OK(CheckFull(ArrayData::Make(null(), 3, {}, 3)));
  EXPECT_INVALID(Check(ArrayData::Make(null(), 3, {}, 1)), HasSubstr("null array"),
                 HasSubstr("null_count is 1, expected 3"));
  EXPECT_INVALID(Check(ArrayData::Make(null(), 3, {nullptr}, 3)),
                 HasSubstr("expected 0 buffers (no buffers) but found 1"));
}

TEST(ValidateTest, WrongBufferCount) {
  EXPECT_INVALID(Check(ArrayData::Make(int32(), 2, {Buf<int32_t>({1, 2})})),
                 HasSubstr("int32 array: expected 2 buffers (validity, values) but found 1"));
  EXPECT_INVALID(Check(ArrayData::Make(utf8(), 0, {nullptr, nullptr})),
                 HasSubstr("string array: expected 3 buffers (validity, offsets, data) but found 2"));
  EXPECT_INVALID(Check(ArrayData::Make(binary_view(), 0, {nullptr})),
                 HasSubstr("expected at least 2 buffers (validity, views, data buffers...) but found 1"));
  EXPECT_INVALID(Check(ArrayData::Make(dense_union({field("a", int32())}), 0, {Buf<int8_t>({})},
                                       {ArrayData::Make(int32(), 0, {nullptr, nullptr}, 0)})),
                 HasSubstr("expected 2 buffers (type_ids, offsets) but found 1"));
  auto ree = ArrayData::Make(run_end_encoded(int32(), int32()), 1, {nullptr},
                             {Int32s({1}), Int32s({5})});
  EXPECT_INVALID(Check(ree), HasSubstr("run_end_encoded array: expected 0 buffers (no buffers) but found 1"));
}

TEST(ValidateTest, ShortBuffers) {
  // 4 int32 values need 16 bytes.
  EXPECT_INVALID(Check(ArrayData::Make(int32(), 4, {nullptr, Buf<int32_t>({1, 2, 3})})),
                 HasSubstr("int32 array: the values buffer has 12 bytes, expected at least 16"));
  // The offset counts: offset 2 + length 2 = 4 values.
  EXPECT_INVALID(Check(ArrayData::Make(int64(), 2, {nullptr, Buf<int64_t>({1, 2, 3})}, 0, 2)),
                 HasSubstr("values buffer has 24 bytes, expected at least 32"));
  EXPECT_INVALID(Check(ArrayData::Make(int64(), 2, {nullptr, nullptr}, 0)),
                 HasSubstr("the values buffer is missing, expected at least 16 bytes"));
  // 9 elements need 2 bitmap bytes.
  EXPECT_INVALID(Check(ArrayData::Make(uint8(), 9, {Bits({1, 1, 1}), Buf<uint8_t>(std::vector<uint8_t>(9))})),
                 HasSubstr("the validity buffer has 1 bytes, expected at least 2"));
  EXPECT_INVALID(Check(ArrayData::Make(boolean(), 17, {nullptr, Bits({1, 0})}, 0)),
                 HasSubstr("the values buffer has 1 bytes, expected at least 3"));
  EXPECT_INVALID(Check(ArrayData::Make(decimal128(10, 2), 2, {nullptr, Buf<int64_t>({1, 0, 2})}, 0)),
                 HasSubstr("decimal128 array: the values buffer has 24 bytes, expected at least 32"));
  EXPECT_INVALID(Check(ArrayData::Make(fixed_size_binary(3), 3, {nullptr, Str("abcdefgh")}, 0)),
                 HasSubstr("has 8 bytes, expected at least 9"));
  EXPECT_INVALID(Check(ArrayData::Make(month_day_nano_interval(), 1, {nullptr, Str("12345678")}, 0)),
                 HasSubstr("has 8 bytes, expected at least 16"));
  // Offsets and lengths at the edge of int64.
  EXPECT_INVALID(Check(ArrayData::Make(utf8(), 1, {nullptr, nullptr, nullptr}, 0, std::numeric_limits<int64_t>::max() - 1)),
                 HasSubstr("offset + length + 1 overflows"));
  EXPECT_INVALID(Check(ArrayData::Make(boolean(), std::numeric_limits<int64_t>::max(), {nullptr, nullptr}, 0)),
                 HasSubstr("the values buffer is missing, expected at least 1152921504606846976 bytes"));
  // A length whose byte size overflows.
  EXPECT_INVALID(Check(ArrayData::Make(int64(), int64_t{1} << 61, {nullptr, nullptr}, 0)),
                 HasSubstr("overflow a 64-bit size"));
}

// ---------------------------------------------------------------------------
// Binary and string

TEST(ValidateTest, StringOffsetsPastTheData) {
  // Three values, the last offset (17) points past a 12-byte data buffer.
  auto d = ArrayData::Make(utf8(), 3, {nullptr, Buf<int32_t>({0, 4, 8, 17}), Str("abcdefghijkl")}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("string array: offset at index 3 is 17, expected <= 12 (size of the data buffer)"));
  // The first offset must not be negative.
  d = ArrayData::Make(binary(), 2, {nullptr, Buf<int32_t>({-1, 2, 4}), Str("abcd")}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("binary array: offset at index 0 is -1, expected >= 0"));
  // Last before first.
  d = ArrayData::Make(large_binary(), 2, {nullptr, Buf<int64_t>({3, 2, 1}), Str("abcd")}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("large_binary array: offset at index 2 is 1, expected >= 3"));
  // The offsets buffer must hold length + 1 entries.
  d = ArrayData::Make(utf8(), 3, {nullptr, Buf<int32_t>({0, 1, 2}), Str("abc")}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("the offsets buffer has 12 bytes, expected at least 16"));
  d = ArrayData::Make(large_utf8(), 1, {nullptr, nullptr, Str("abc")}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("the offsets buffer is missing, expected at least 16 bytes"));
}

TEST(ValidateTest, DecreasingOffsetsAreCaughtByTheFullPass) {
  auto d = ArrayData::Make(utf8(), 3, {nullptr, Buf<int32_t>({0, 5, 3, 8}), Str("abcdefgh")}, 0);
  EXPECT_OK(Check(d));  // first and last are fine
  EXPECT_INVALID(CheckFull(d), HasSubstr("string array: offset at index 2 is 3, expected >= 5"));
  // An interior offset past the data while first and last are in bounds.
  d = ArrayData::Make(binary(), 3, {nullptr, Buf<int32_t>({0, 50, 60, 8}), Str("abcdefgh")}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("offset at index 1 is 50, expected <= 8 (size of the data buffer)"));
  // Indices in messages are relative to the (sliced) array.
  d = ArrayData::Make(large_utf8(), 2, {nullptr, Buf<int64_t>({0, 1, 4, 2}), Str("abcd")}, 0, 1);
  EXPECT_INVALID(CheckFull(d), HasSubstr("offset at index 2 is 2, expected >= 4"));
}

TEST(ValidateTest, InvalidUtf8) {
  struct Case {
    std::string bytes;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"\xC3\x28", "unexpected byte 0x28 at byte 1"},            // bad continuation
      {"\x80", "unexpected byte 0x80 at byte 0"},                // lone continuation byte
      {"\xC0\xAF", "unexpected byte 0xC0 at byte 0"},            // overlong '/'
      {"\xE0\x80\xAF", "unexpected byte 0x80 at byte 1"},        // overlong 3-byte
      {"\xED\xA0\x80", "unexpected byte 0xA0 at byte 1"},        // UTF-16 surrogate
      {"\xF4\x90\x80\x80", "unexpected byte 0x90 at byte 1"},    // above U+10FFFF
      {"\xF5\x80\x80\x80", "unexpected byte 0xF5 at byte 0"},    // invalid lead
      {"\xFF", "unexpected byte 0xFF at byte 0"},
      {"abcdefghij\xE2\x82", "continuation bytes after lead byte 0xE2 at byte 10"},  // truncated
      {"abcdefgh12345678\xF0\x9F\x98", "lead byte 0xF0 at byte 16"},                 // after the fast path
      {"0123456789abcdef\xE2\x28\xA1", "unexpected byte 0x28 at byte 17"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto d = Strings<int32_t>(utf8(), {"ok", c.bytes});
    EXPECT_OK(Check(d));  // UTF-8 is checked only by the full pass
    EXPECT_INVALID(CheckFull(d), HasSubstr("string array: value at index 1 is not valid UTF-8"),
                   HasSubstr(c.message));
    EXPECT_INVALID(CheckFull(Strings<int64_t>(large_utf8(), {c.bytes})),
                   HasSubstr("large_string array: value at index 0 is not valid UTF-8"));
    // Binary values may hold any bytes.
    EXPECT_OK(CheckFull(Strings<int32_t>(binary(), {c.bytes})));
  }
}

// The whole-array check (all bytes well-formed, no value starting inside a
// character) must not accept values that are well-formed only together.
TEST(ValidateTest, Utf8SplitAcrossTwoValuesIsRefused) {
  // "é" is C3 A9: cut between its two bytes.
  EXPECT_INVALID(CheckFull(Strings<int32_t>(utf8(), {"ab\xC3", "\xA9" "cd"})),
                 HasSubstr("value at index 0 is not valid UTF-8"), HasSubstr("lead byte 0xC3 at byte 2"));
  // A four-byte character cut after its third byte, behind the 32-byte fast path.
  const std::string ascii(40, 'x');
  EXPECT_INVALID(CheckFull(Strings<int64_t>(large_utf8(), {ascii + "\xF0\x9F\x98", "\x80" + ascii})),
                 HasSubstr("value at index 0 is not valid UTF-8"));
  // Whole characters on both sides of every boundary pass, also long ones.
  EXPECT_OK(CheckFull(Strings<int32_t>(utf8(), {ascii + "é", "€" + ascii, "", "😀", ascii})));
  // An invalid byte deep inside a long ASCII value is found at its position.
  EXPECT_INVALID(CheckFull(Strings<int32_t>(utf8(), {ascii, ascii + ascii + "\xFF" + ascii})),
                 HasSubstr("value at index 1 is not valid UTF-8: unexpected byte 0xFF at byte 80"));
}

TEST(ValidateTest, InvalidUtf8UnderANullSlotIsIgnored) {
  auto d = ArrayData::Make(utf8(), 2, {Bits({1, 0}), Buf<int32_t>({0, 2, 4}), Str("ok\xFF\xFE")}, 1);
  EXPECT_OK(CheckFull(d));
  d->buffers[0] = nullptr;
  d->null_count = 0;
  EXPECT_INVALID(CheckFull(d), HasSubstr("value at index 1 is not valid UTF-8: unexpected byte 0xFF at byte 0"));
}

// ---------------------------------------------------------------------------
// Binary views

TEST(ValidateTest, ValidViewsPass) {
  const std::string data = "0123456789abcdefghijklmnopqrstuvwxyz";
  auto d = ArrayData::Make(utf8_view(), 3,
                           {nullptr, Views({InlineView("short"), RefView(data, 0, 3, 20), InlineView("")}),
                            Str(data)},
                           0);
  EXPECT_OK(CheckFull(d));
  EXPECT_OK(MakeArray(d)->ValidateFull());
}

TEST(ValidateTest, BadViews) {
  const std::string data = "0123456789abcdefghijklmnopqrstuvwxyz";  // 36 bytes
  // Buffer index past the data buffers.
  auto d = ArrayData::Make(binary_view(), 2, {nullptr, Views({InlineView("a"), RefView(data, 1, 0, 20)}), Str(data)}, 0);
  EXPECT_OK(Check(d));
  EXPECT_INVALID(CheckFull(d), HasSubstr("binary_view array: view at index 1 refers to data buffer 1, expected in [0, 1)"));
  auto neg = RefView(data, 0, 0, 20);
  neg.ref.buffer_index = -1;
  d = ArrayData::Make(binary_view(), 1, {nullptr, Views({neg}), Str(data)}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("refers to data buffer -1"));
  // Offset + size past the end of the buffer.
  d = ArrayData::Make(binary_view(), 1, {nullptr, Views({RefView(data, 0, 20, 20)}), Str(data)}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("view at index 0 covers bytes [20, 40) of data buffer 0, expected within [0, 36)"));
  auto negative_offset = RefView(data, 0, 0, 20);
  negative_offset.ref.offset = -4;
  d = ArrayData::Make(binary_view(), 1, {nullptr, Views({negative_offset}), Str(data)}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("covers bytes [-4, 16)"));
  // Prefix that does not match the data.
  auto bad_prefix = RefView(data, 0, 4, 16);
  std::memcpy(bad_prefix.ref.prefix, "WXYZ", 4);
  d = ArrayData::Make(utf8_view(), 1, {nullptr, Views({bad_prefix}), Str(data)}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("view at index 0 has prefix 0x57 0x58 0x59 0x5A, expected 0x34 0x35 0x36 0x37"));
  // Negative size.
  auto negative = InlineView("");
  negative.inlined.size = -3;
  d = ArrayData::Make(binary_view(), 1, {nullptr, Views({negative})}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("view at index 0 has size -3, expected >= 0"));
  // Views buffer too short for offset + length.
  d = ArrayData::Make(binary_view(), 2, {nullptr, Views({InlineView("a")})}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("the views buffer has 16 bytes, expected at least 32"));
  // A null slot's view is checked too: readers index views without looking at validity.
  d = ArrayData::Make(binary_view(), 2, {Bits({1, 0}), Views({InlineView("a"), RefView(data, 3, 0, 20)}), Str(data)}, 1);
  EXPECT_INVALID(CheckFull(d), HasSubstr("view at index 1 refers to data buffer 3"));
}

TEST(ValidateTest, StringViewUtf8) {
  const std::string data = std::string("0123456789abcdef\xC3\x28xyz");
  auto d = ArrayData::Make(utf8_view(), 2, {nullptr, Views({InlineView("fine"), RefView(data, 0, 0, 21)}), Str(data)}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("string_view array: value at index 1 is not valid UTF-8: unexpected byte 0x28 at byte 17"));
  d = ArrayData::Make(utf8_view(), 1, {nullptr, Views({InlineView("ab\xE2\x82")})}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("value at index 0 is not valid UTF-8"));
  // The same bytes as binary_view are fine, and so is a null string_view slot.
  d = ArrayData::Make(binary_view(), 1, {nullptr, Views({InlineView("ab\xE2\x82")})}, 0);
  EXPECT_OK(CheckFull(d));
  d = ArrayData::Make(utf8_view(), 1, {Bits({0}), Views({InlineView("ab\xE2\x82")})}, 1);
  EXPECT_OK(CheckFull(d));
}

// ---------------------------------------------------------------------------
// Lists

TEST(ValidateTest, ListOffsetsAndChildren) {
  auto child = Int32s({1, 2, 3, 4, 5});
  EXPECT_OK(CheckFull(ArrayData::Make(list(int32()), 2, {nullptr, Buf<int32_t>({0, 2, 5})}, {child}, 0)));
  // Last offset past the child.
  EXPECT_INVALID(Check(ArrayData::Make(list(int32()), 2, {nullptr, Buf<int32_t>({0, 2, 6})}, {child}, 0)),
                 HasSubstr("list array: offset at index 2 is 6, expected <= 5 (length of the child array)"));
  // Decreasing offsets.
  auto d = ArrayData::Make(large_list(int32()), 3, {nullptr, Buf<int64_t>({0, 4, 2, 5})}, {child}, 0);
  EXPECT_OK(Check(d));
  EXPECT_INVALID(CheckFull(d), HasSubstr("large_list array: offset at index 2 is 2, expected >= 4"));
  // Child count and child type.
  EXPECT_INVALID(Check(ArrayData::Make(list(int32()), 0, {nullptr, nullptr}, 0)),
                 HasSubstr("list array: expected 1 child arrays but found 0"));
  EXPECT_INVALID(Check(ArrayData::Make(list(int32()), 0, {nullptr, nullptr}, {nullptr}, 0)),
                 HasSubstr("child 0 ('item') is missing"));
  EXPECT_INVALID(Check(ArrayData::Make(list(int32()), 0, {nullptr, nullptr}, {Strings<int32_t>(utf8(), {})}, 0)),
                 HasSubstr("list array: child 0 ('item') has type string, expected int32"));
}

TEST(ValidateTest, ErrorsInsideChildrenNameTheirPath) {
  auto strings = Strings<int32_t>(utf8(), {"ok", "\xFF"});
  auto lists = ArrayData::Make(list(utf8()), 1, {nullptr, Buf<int32_t>({0, 2})}, {strings}, 0);
  EXPECT_INVALID(CheckFull(lists), HasSubstr("list array, child 0 ('item'): string array: value at index 1 is not valid UTF-8"));
  auto st = ArrayData::Make(struct_({field("a", int32()), field("s", list(utf8()))}), 1, {nullptr},
                            {Int32s({1}), lists}, 0);
  EXPECT_INVALID(CheckFull(st), HasSubstr("struct array, child 1 ('s'): list array, child 0 ('item'): string array"));
  // Structural errors in children are found by the structural pass.
  auto short_child = ArrayData::Make(int32(), 3, {nullptr, Buf<int32_t>({1})}, 0);
  auto outer = ArrayData::Make(list(int32()), 1, {nullptr, Buf<int32_t>({0, 1})}, {short_child}, 0);
  EXPECT_INVALID(Check(outer), HasSubstr("list array, child 0 ('item'): int32 array: the values buffer has 4 bytes"));
}

TEST(ValidateTest, ListViews) {
  auto child = Int32s({1, 2, 3, 4, 5});
  // Views may overlap and come in any order.
  auto good = ArrayData::Make(list_view(int32()), 3, {nullptr, Buf<int32_t>({3, 0, 1}), Buf<int32_t>({2, 5, 0})}, {child}, 0);
  EXPECT_OK(CheckFull(good));
  auto d = ArrayData::Make(list_view(int32()), 2, {nullptr, Buf<int32_t>({0, 3}), Buf<int32_t>({2, 3})}, {child}, 0);
  EXPECT_OK(Check(d));
  EXPECT_INVALID(CheckFull(d), HasSubstr("list_view array: list at index 1 has offset 3 and size 3, expected 0 <= offset and offset + size <= 5"));
  d = ArrayData::Make(large_list_view(int32()), 1, {nullptr, Buf<int64_t>({1}), Buf<int64_t>({-1})}, {child}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("large_list_view array: size at index 0 is -1, expected >= 0"));
  d = ArrayData::Make(list_view(int32()), 1, {nullptr, Buf<int32_t>({-2}), Buf<int32_t>({1})}, {child}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("list at index 0 has offset -2 and size 1"));
  // Values near INT64_MAX do not overflow the check.
  d = ArrayData::Make(large_list_view(int32()), 1,
                      {nullptr, Buf<int64_t>({std::numeric_limits<int64_t>::max() - 1}), Buf<int64_t>({10})}, {child}, 0);
  EXPECT_INVALID(CheckFull(d), HasSubstr("has offset 9223372036854775806 and size 10"));
  d = ArrayData::Make(list_view(int32()), 3, {nullptr, Buf<int32_t>({0, 0, 0}), Buf<int32_t>({1, 1})}, {child}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("the sizes buffer has 8 bytes, expected at least 12"));
}

TEST(ValidateTest, FixedSizeLists) {
  auto child = Int32s({1, 2, 3, 4, 5});
  EXPECT_OK(CheckFull(ArrayData::Make(fixed_size_list(int32(), 2), 2, {nullptr}, {child}, 0)));
  // Offset 1 + length 2 lists of 2 need 6 child values.
  EXPECT_INVALID(Check(ArrayData::Make(fixed_size_list(int32(), 2), 2, {nullptr}, {child}, 0, 1)),
                 HasSubstr("fixed_size_list array: child array has length 5, expected >= 6"));
}

TEST(ValidateTest, MapKeysMustNotBeNull) {
  auto keys = Strings<int32_t>(utf8(), {"a", std::nullopt, "c"});
  auto items = Int32s({1, 2, 3});
  auto type = map(utf8(), int32());
  auto entries = ArrayData::Make(type->field(0)->type(), 3, {nullptr}, {keys, items}, 0);
  auto d = ArrayData::Make(type, 2, {nullptr, Buf<int32_t>({0, 1, 3})}, {entries}, 0);
  EXPECT_OK(Check(d));
  EXPECT_INVALID(CheckFull(d), HasSubstr("map array: key of map entry 1 is null"));
  // Entries outside the map's range do not matter.
  auto first_only = ArrayData::Make(type, 1, {nullptr, Buf<int32_t>({0, 1})}, {entries}, 0);
  EXPECT_OK(CheckFull(first_only));
}

// ---------------------------------------------------------------------------
// Structs and unions

TEST(ValidateTest, StructChildren) {
  auto type = struct_({field("a", int32()), field("b", utf8())});
  auto a = Int32s({1, 2, 3});
  auto b = Strings<int32_t>(utf8(), {"x", "y"});
  EXPECT_INVALID(Check(ArrayData::Make(type, 3, {nullptr}, {a, b}, 0)),
                 HasSubstr("struct array: child 1 ('b') has length 2, expected >= 3"));
  EXPECT_INVALID(Check(ArrayData::Make(type, 1, {nullptr}, {a}, 0)),
                 HasSubstr("struct array: expected 2 child arrays but found 1"));
  EXPECT_INVALID(Check(ArrayData::Make(type, 1, {nullptr}, {a, a}, 0)),
                 HasSubstr("child 1 ('b') has type int32, expected string"));
  EXPECT_OK(CheckFull(ArrayData::Make(type, 2, {nullptr}, {a, b}, 0)));
  // The struct's offset applies to its children.
  EXPECT_INVALID(Check(ArrayData::Make(type, 2, {nullptr}, {a, b}, 0, 1)), HasSubstr("has length 2, expected >= 3"));
}

TEST(ValidateTest, UnionTypeIds) {
  auto type = sparse_union({field("a", int32()), field("b", int32())}, {3, 7});
  auto a = Int32s({1, 2, 3});
  auto b = Int32s({4, 5, 6});
  EXPECT_OK(CheckFull(ArrayData::Make(type, 3, {Buf<int8_t>({3, 7, 3})}, {a, b})));
  auto d = ArrayData::Make(type, 3, {Buf<int8_t>({3, 5, 7})}, {a, b});
  EXPECT_OK(Check(d));
  EXPECT_INVALID(CheckFull(d), HasSubstr("sparse_union array: type id 5 at position 1 is not declared by the type, expected one of {3, 7}"));
  d = ArrayData::Make(type, 3, {Buf<int8_t>({3, 7, -1})}, {a, b});
  EXPECT_INVALID(CheckFull(d), HasSubstr("type id -1 at position 2"));
  // Sparse children must cover offset + length.
  EXPECT_INVALID(Check(ArrayData::Make(type, 3, {Buf<int8_t>({3, 7, 3, 3})}, {a, b}, kUnknownNullCount, 1)),
                 HasSubstr("child 0 ('a') has length 3, expected >= 4"));
  EXPECT_INVALID(Check(ArrayData::Make(type, 3, {Buf<int8_t>({3, 7})}, {a, b})),
                 HasSubstr("the type_ids buffer has 2 bytes, expected at least 3"));
}

TEST(ValidateTest, DenseUnionOffsets) {
  auto type = dense_union({field("a", int32()), field("s", utf8())});
  auto a = Int32s({10, 20});
  auto s = Strings<int32_t>(utf8(), {"x"});
  EXPECT_OK(CheckFull(ArrayData::Make(type, 3, {Buf<int8_t>({0, 1, 0}), Buf<int32_t>({1, 0, 0})}, {a, s})));
  auto d = ArrayData::Make(type, 3, {Buf<int8_t>({0, 1, 0}), Buf<int32_t>({1, 0, 2})}, {a, s});
  EXPECT_INVALID(CheckFull(d), HasSubstr("dense_union array: offset 2 at position 2 (type id 0, child 0) is out of range: expected in [0, 2)"));
  d = ArrayData::Make(type, 2, {Buf<int8_t>({1, 1}), Buf<int32_t>({0, -1})}, {a, s});
  EXPECT_INVALID(CheckFull(d), HasSubstr("offset -1 at position 1 (type id 1, child 1) is out of range: expected in [0, 1)"));
  d = ArrayData::Make(type, 3, {Buf<int8_t>({0, 1, 0}), Buf<int32_t>({1, 0})}, {a, s});
  EXPECT_INVALID(Check(d), HasSubstr("the offsets buffer has 8 bytes, expected at least 12"));
  d = ArrayData::Make(type, 1, {Buf<int8_t>({2}), Buf<int32_t>({0})}, {a, s});
  EXPECT_INVALID(CheckFull(d), HasSubstr("type id 2 at position 0 is not declared by the type, expected one of {0, 1}"));
}

// ---------------------------------------------------------------------------
// Dictionaries

TEST(ValidateTest, DictionaryIndices) {
  auto type = dictionary(int32(), utf8());
  auto dict = Strings<int32_t>(utf8(), {"a", "b", "c", "d", "e"});
  auto d = ArrayData::Make(type, 3, {nullptr, Buf<int32_t>({0, 4, 7})}, 0);
  d->dictionary = dict;
  EXPECT_OK(Check(d));
  EXPECT_INVALID(CheckFull(d), HasSubstr("dictionary index 7 at position 2 is out of range: expected in [0, 5)"));
  d->buffers[1] = Buf<int32_t>({0, -1, 2});
  EXPECT_INVALID(CheckFull(d), HasSubstr("dictionary index -1 at position 1 is out of range"));
  // A null slot's index is not looked at.
  d->buffers[0] = Bits({1, 0, 1});
  d->null_count = 1;
  EXPECT_OK(CheckFull(d));
  EXPECT_OK(MakeArray(d)->ValidateFull());
}

TEST(ValidateTest, DictionaryIndexTypes) {
  auto dict = Int32s({1, 2});
  auto u8 = ArrayData::Make(dictionary(uint8(), int32()), 2, {nullptr, Buf<uint8_t>({1, 200})}, 0);
  u8->dictionary = dict;
  EXPECT_INVALID(CheckFull(u8), HasSubstr("dictionary index 200 at position 1"));
  auto u64 = ArrayData::Make(dictionary(uint64(), int32()), 1, {nullptr, Buf<uint64_t>({~uint64_t{0}})}, 0);
  u64->dictionary = dict;
  EXPECT_INVALID(CheckFull(u64), HasSubstr("dictionary index 18446744073709551615 at position 0 is out of range"));
  auto i16 = ArrayData::Make(dictionary(int16(), int32()), 2, {nullptr, Buf<int16_t>({1})}, 0);
  i16->dictionary = dict;
  EXPECT_INVALID(Check(i16), HasSubstr("the indices buffer has 2 bytes, expected at least 4"));
}

TEST(ValidateTest, DictionaryPresenceTypeAndContents) {
  auto type = dictionary(int8(), utf8());
  auto d = ArrayData::Make(type, 1, {nullptr, Buf<int8_t>({0})}, 0);
  EXPECT_INVALID(Check(d), HasSubstr("dictionary array: expected a dictionary but found none"));
  d->dictionary = Int32s({1});
  EXPECT_INVALID(Check(d), HasSubstr("dictionary has type int32, expected string"));
  d->dictionary = Strings<int32_t>(utf8(), {"\xC0"});
  EXPECT_OK(Check(d));
  EXPECT_INVALID(CheckFull(d), HasSubstr("dictionary array, dictionary: string array: value at index 0 is not valid UTF-8"));
  auto plain = Int32s({1});
  plain->dictionary = Int32s({1});
  EXPECT_INVALID(Check(plain), HasSubstr("only dictionary arrays carry a dictionary"));
}

// ---------------------------------------------------------------------------
// Run-end encoding

ArrayDataPtr Ree(TypePtr run_end_type, ArrayDataPtr run_ends, ArrayDataPtr values, int64_t length,
                 int64_t offset = 0) {
  auto type = std::make_shared<RunEndEncodedType>(std::move(run_end_type), values->type);
  return ArrayData::Make(type, length, {}, {std::move(run_ends), std::move(values)}, kUnknownNullCount, offset);
}

TEST(ValidateTest, ValidRunEndEncodedArrays) {
  auto d = Ree(int32(), Int32s({2, 5, 6}), Int32s({7, 8, 9}), 6);
  EXPECT_OK(CheckFull(d));
  // A slice may end before the last run end.
  EXPECT_OK(CheckFull(Ree(int32(), Int32s({2, 5, 6}), Int32s({7, 8, 9}), 3, 1)));
  auto re16 = ArrayData::Make(int16(), 2, {nullptr, Buf<int16_t>({1, 3})}, 0);
  EXPECT_OK(CheckFull(Ree(int16(), re16, Strings<int32_t>(utf8(), {"a", "b"}), 3)));
  EXPECT_OK(MakeArray(d)->ValidateFull());
}

TEST(ValidateTest, BadRunEnds) {
  auto d = Ree(int32(), Int32s({3, 2, 6}), Int32s({7, 8, 9}), 6);
  EXPECT_OK(Check(d));  // the last run end covers the array
  EXPECT_INVALID(CheckFull(d), HasSubstr("run_end_encoded array: run end at index 1 is 2, expected > 3"));
  d = Ree(int32(), Int32s({2, 2, 6}), Int32s({7, 8, 9}), 6);
  EXPECT_INVALID(CheckFull(d), HasSubstr("run end at index 1 is 2, expected > 2"));
  d = Ree(int32(), Int32s({0, 2, 6}), Int32s({7, 8, 9}), 6);
  EXPECT_INVALID(CheckFull(d), HasSubstr("run end at index 0 is 0, expected > 0"));
  d = Ree(int32(), Int32s({-5, 2, 6}), Int32s({7, 8, 9}), 6);
  EXPECT_INVALID(CheckFull(d), HasSubstr("run end at index 0 is -5, expected > 0"));
  // The runs must cover offset + length.
  d = Ree(int32(), Int32s({2, 4}), Int32s({7, 8}), 5, 1);
  EXPECT_INVALID(Check(d), HasSubstr("last run end is 4, expected >= 6 (offset 1 + length 5)"));
  d = Ree(int32(), Int32s({}), Int32s({}), 2);
  EXPECT_INVALID(Check(d), HasSubstr("expected at least one run for 2 values but found none"));
}

TEST(ValidateTest, RunEndEncodedChildren) {
  // More run ends than values.
  auto d = Ree(int32(), Int32s({1, 2, 3}), Int32s({7, 8}), 3);
  EXPECT_INVALID(Check(d), HasSubstr("expected at least as many values as run ends (3) but found 2 values"));
  // Null run ends.
  auto nullable_ends = ArrayData::Make(int32(), 2, {Bits({1, 0}), Buf<int32_t>({1, 2})}, 1);
  EXPECT_INVALID(Check(Ree(int32(), nullable_ends, Int32s({7, 8}), 2)),
                 HasSubstr("run ends must not be null but found 1 null(s)"));
  // Run end type not allowed.
  auto d8 = Ree(int8(), ArrayData::Make(int8(), 1, {nullptr, Buf<int8_t>({1})}, 0), Int32s({7}), 1);
  EXPECT_INVALID(Check(d8), HasSubstr("run ends must be int16, int32 or int64 but the type says int8"));
  // Child of the wrong type.
  EXPECT_INVALID(Check(Ree(int16(), Int32s({1}), Int32s({7}), 1)),
                 HasSubstr("child 0 ('run_ends') has type int32, expected int16"));
  // Logical length beyond what int16 run ends can express.
  auto re16 = ArrayData::Make(int16(), 1, {nullptr, Buf<int16_t>({32767})}, 0);
  EXPECT_INVALID(Check(Ree(int16(), re16, Int32s({1}), 40000)), HasSubstr("offset + length is 40000, expected <= 32767"));
  EXPECT_INVALID(Check(ArrayData::Make(run_end_encoded(int32(), int32()), 1, {}, {Int32s({1})})),
                 HasSubstr("expected 2 child arrays but found 1"));
}

// ---------------------------------------------------------------------------
// Extension types validate as their storage

TEST(ValidateTest, ExtensionArraysValidateTheirStorage) {
  auto type = extension("my.uuid", utf8());
  auto good = Strings<int32_t>(utf8(), {"a"});
  good->type = type;
  EXPECT_OK(CheckFull(good));
  auto bad = Strings<int32_t>(utf8(), {"\xFF"});
  bad->type = type;
  EXPECT_INVALID(CheckFull(bad), HasSubstr("extension<my.uuid> array: value at index 0 is not valid UTF-8"));
  auto short_buffers = ArrayData::Make(extension("e", int64()), 2, {nullptr, Buf<int64_t>({1})}, 0);
  EXPECT_INVALID(Check(short_buffers), HasSubstr("extension<e> array: the values buffer has 8 bytes, expected at least 16"));
}

TEST(ValidateTest, ArrayMethodsMatchValidateArrayData) {
  auto bad = Strings<int32_t>(utf8(), {"\xFF"});
  auto arr = MakeArray(bad);
  EXPECT_OK(arr->Validate());
  EXPECT_THAT(arr->ValidateFull(), StatusIs(StatusCode::Invalid, HasSubstr("not valid UTF-8")));
  EXPECT_EQ(arr->ValidateFull(), CheckFull(bad));
}

// ---------------------------------------------------------------------------
// Corrupted arrays: validation answers OK or Invalid, never crashes or reads
// out of bounds (the sanitizer build checks the latter), and whatever it
// accepts can be compared safely.

// A copy of the whole tree with fresh buffers that the test may scribble on.
ArrayDataPtr DeepCopy(const ArrayData& d) {
  std::vector<std::shared_ptr<Buffer>> buffers;
  for (const auto& b : d.buffers) buffers.push_back(b ? *Buffer::CopyFrom(b->view()) : nullptr);
  std::vector<ArrayDataPtr> children;
  for (const auto& c : d.child_data) children.push_back(c ? DeepCopy(*c) : nullptr);
  auto out = ArrayData::Make(d.type, d.length, std::move(buffers), std::move(children), d.null_count, d.offset);
  if (d.dictionary) out->dictionary = DeepCopy(*d.dictionary);
  return out;
}

void CollectNodes(const ArrayDataPtr& d, std::vector<ArrayData*>* out) {
  out->push_back(d.get());
  for (const auto& c : d->child_data) CollectNodes(c, out);
  if (d->dictionary) CollectNodes(d->dictionary, out);
}

TEST(ValidateTest, CorruptedArraysAreRejectedOrSafe) {
  using quiver::testing::ArrayFromJSONOrDie;
  const std::vector<std::pair<TypePtr, std::string>> samples = {
      {boolean(), "[true, false, null, true, false, true, true, false, true]"},
      {int32(), "[1, null, 3, 4]"},
      {float64(), R"([1.5, "NaN", null, -0.0])"},
      {decimal128(10, 2), R"(["1.23", null, "-4.56"])"},
      {fixed_size_binary(3), R"(["abc", null, "def"])"},
      {utf8(), R"(["héllo", null, "", "wörld", "a longer string value"])"},
      {large_utf8(), R"(["€uro", null, "x"])"},
      {binary(), R"(["ab", null, "cde"])"},
      {utf8_view(), R"(["short", null, "a string longer than twelve bytes", "x"])"},
      {binary_view(), R"(["another string longer than twelve", null, "y"])"},
      {list(int32()), "[[1, 2], null, [], [3]]"},
      {large_list(utf8()), R"([["a", "bb"], null, ["ccc"]])"},
      {list_view(int16()), "[[1, 2], null, [3]]"},
      {large_list_view(utf8()), R"([["a"], null, ["b", "c"]])"},
      {fixed_size_list(int32(), 2), "[[1, 2], null, [3, 4]]"},
      {map(utf8(), int32()), R"([[["a", 1], ["b", 2]], null, [["c", 3]]])"},
      {struct_({field("a", int32()), field("b", utf8())}), R"([{"a": 1, "b": "x"}, null, {"a": null, "b": "yy"}])"},
      {sparse_union({field("a", int32()), field("b", utf8())}), R"([[0, 1], [1, "x"], [0, null]])"},
      {dense_union({field("a", int32()), field("b", utf8())}), R"([[0, 1], [1, "x"], [0, null], [1, "yz"]])"},
      {dictionary(int8(), utf8()), R"(["a", "b", null, "a", "c"])"},
      {run_end_encoded(int16(), utf8()), R"(["a", "a", null, "b", "b", "b"])"},
      {run_end_encoded(int32(), float64()), "[1.0, 1.0, 2.0, null]"},
      {extension("e", list(utf8())), R"([["x"], null, ["y", "z"]])"},
      {list(struct_({field("s", utf8_view())})), R"([[{"s": "a string longer than twelve bytes"}], null, [{"s": "b"}]])"},
  };
  EqualOptions nans_equal;
  nans_equal.nans_equal = true;
  std::mt19937_64 rng(20240601);  // fixed seed: the same corruptions every run
  auto below = [&](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  int64_t rejected = 0, accepted = 0;
  for (const auto& [type, json] : samples) {
    SCOPED_TRACE(type->ToString());
    const ArrayPtr original = ArrayFromJSONOrDie(type, json);
    ASSERT_OK(original->ValidateFull());
    for (int round = 0; round < 150; ++round) {
      ArrayDataPtr data = DeepCopy(*(round % 2 ? original->Slice(1)->data() : original->data()));
      std::vector<ArrayData*> nodes;
      CollectNodes(data, &nodes);
      ArrayData* node = nodes[static_cast<size_t>(below(static_cast<int64_t>(nodes.size())))];
      const int64_t kind = below(10);
      if (kind < 7) {
        // Overwrite a byte of some buffer in the tree.
        std::vector<Buffer*> buffers;
        for (ArrayData* n : nodes) {
          for (const auto& b : n->buffers) {
            if (b && b->size() > 0) buffers.push_back(b.get());
          }
        }
        if (buffers.empty()) continue;
        Buffer* b = buffers[static_cast<size_t>(below(static_cast<int64_t>(buffers.size())))];
        b->mutable_data()[below(b->size())] = static_cast<uint8_t>(rng());
      } else if (kind == 7) {
        node->length += below(5) - 2;
      } else if (kind == 8) {
        node->offset += below(3);
      } else {
        node->null_count = below(node->length + 2) - 1;
      }
      const Status structural = ValidateArrayData(*data, false);
      const Status full = ValidateArrayData(*data, true);
      if (!structural.ok()) {
        EXPECT_EQ(full, structural);  // the full pass runs the structural one first
      }
      if (!full.ok()) {
        ++rejected;
        EXPECT_EQ(full.code(), StatusCode::Invalid) << full.ToString();
        continue;
      }
      ++accepted;
      // Anything validation accepts is safe to read and equals itself.
      const ArrayPtr arr = MakeArray(data);
      EXPECT_TRUE(arr->Equals(*arr, nans_equal));
      (void)arr->Equals(*original, nans_equal);
      (void)arr->null_count();
    }
  }
  // Both outcomes occur, so the loop exercised the checks and the comparison.
  EXPECT_GT(rejected, 100);
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace quiver
