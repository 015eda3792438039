#include "quiver/testing/array_from_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "quiver/builder.h"
#include "quiver/testing/matchers.h"

namespace quiver::testing {
namespace {

using ::testing::HasSubstr;

ArrayPtr Parse(const TypePtr& type, std::string_view json) {
  auto r = ArrayFromJSON(type, json);
  if (!r.ok()) {
    ADD_FAILURE() << "ArrayFromJSON(" << type->ToString() << ", " << json << "): " << r.status().ToString();
    return nullptr;
  }
  EXPECT_TRUE((*r)->type()->Equals(type)) << (*r)->type()->ToString();
  return *r;
}

TEST(ArrayFromJSONTest, IntegersWithNullsAndRanges) {
  auto arr = Parse(int32(), "[1, null, 3]");
  ASSERT_NE(arr, nullptr);
  const auto& a = static_cast<const Int32Array&>(*arr);
  ASSERT_EQ(a.length(), 3);
  EXPECT_EQ(a.Value(0), 1);
  EXPECT_TRUE(a.IsNull(1));
  EXPECT_EQ(a.Value(2), 3);
  EXPECT_EQ(a.null_count(), 1);

  auto u64 = Parse(uint64(), "[18446744073709551615, 0]");
  ASSERT_NE(u64, nullptr);
  EXPECT_EQ(static_cast<const UInt64Array&>(*u64).Value(0), std::numeric_limits<uint64_t>::max());
  auto i64 = Parse(int64(), "[-9223372036854775808]");
  ASSERT_NE(i64, nullptr);
  EXPECT_EQ(static_cast<const Int64Array&>(*i64).Value(0), std::numeric_limits<int64_t>::min());

  EXPECT_THAT(ArrayFromJSON(int8(), "[1, 300]"),
              StatusIs(StatusCode::Invalid, HasSubstr("element [1]: expected an integer in range for int8 but found 300")));
  EXPECT_THAT(ArrayFromJSON(uint8(), "[-1]"), StatusIs(StatusCode::Invalid, HasSubstr("in range for uint8")));
  EXPECT_THAT(ArrayFromJSON(int64(), "[18446744073709551615]"), StatusIs(StatusCode::Invalid, HasSubstr("in range")));
  EXPECT_THAT(ArrayFromJSON(int32(), "[1.5]"), StatusIs(StatusCode::Invalid, HasSubstr("expected an integer")));
  EXPECT_THAT(ArrayFromJSON(int32(), R"(["1"])"), StatusIs(StatusCode::Invalid, HasSubstr("found \"1\"")));
  EXPECT_EQ(Parse(int16(), "[]")->length(), 0);
}

TEST(ArrayFromJSONTest, FloatsIncludingSpecialValues) {
  auto arr = Parse(float64(), R"([1.5, "NaN", "Inf", "-Inf", null, 2])");
  ASSERT_NE(arr, nullptr);
  const auto& d = static_cast<const DoubleArray&>(*arr);
  EXPECT_EQ(d.Value(0), 1.5);
  EXPECT_TRUE(std::isnan(d.Value(1)));
  EXPECT_EQ(d.Value(2), std::numeric_limits<double>::infinity());
  EXPECT_EQ(d.Value(3), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(d.IsNull(4));
  EXPECT_EQ(d.Value(5), 2.0);

  auto f = Parse(float32(), R"([0.25, "-Inf"])");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(static_cast<const FloatArray&>(*f).Value(0), 0.25f);

  auto h = Parse(float16(), R"([1.0, -2, "NaN", null])");
  ASSERT_NE(h, nullptr);
  const auto& half = static_cast<const HalfFloatArray&>(*h);
  EXPECT_EQ(half.Value(0), 0x3C00);
  EXPECT_EQ(half.Value(1), 0xC000);
  EXPECT_TRUE(std::isnan(HalfToFloat(half.Value(2))));

  EXPECT_THAT(ArrayFromJSON(float64(), R"(["nope"])"), StatusIs(StatusCode::Invalid, HasSubstr("\"NaN\"")));
}

TEST(ArrayFromJSONTest, BooleansStringsAndBinaries) {
  auto b = Parse(boolean(), "[true, false, null]");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(static_cast<const BooleanArray&>(*b).Value(0));
  EXPECT_FALSE(static_cast<const BooleanArray&>(*b).Value(1));
  EXPECT_THAT(ArrayFromJSON(boolean(), "[1]"), StatusIs(StatusCode::Invalid, HasSubstr("true or false")));

  for (const auto& type : {utf8(), binary()}) {
    auto s = Parse(type, R"(["héllo", "", null])");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(static_cast<const StringArray&>(*s).GetView(0), "héllo");
    EXPECT_EQ(static_cast<const StringArray&>(*s).GetView(1), "");
    EXPECT_TRUE(s->IsNull(2));
  }
  for (const auto& type : {large_utf8(), large_binary()}) {
    auto s = Parse(type, R"(["a", null])");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(static_cast<const LargeStringArray&>(*s).GetView(0), "a");
  }
  for (const auto& type : {utf8_view(), binary_view()}) {
    auto s = Parse(type, R"(["short", "a value longer than twelve bytes", null])");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(static_cast<const BinaryViewArray&>(*s).GetView(1), "a value longer than twelve bytes");
  }
  auto fsb = Parse(fixed_size_binary(2), R"(["ab", null, "cd"])");
  ASSERT_NE(fsb, nullptr);
  EXPECT_EQ(static_cast<const FixedSizeBinaryArray&>(*fsb).GetView(2), "cd");
  EXPECT_THAT(ArrayFromJSON(fixed_size_binary(2), R"(["abc"])"),
              StatusIs(StatusCode::Invalid, HasSubstr("element [0]: expected a value of 2 bytes")));
  EXPECT_THAT(ArrayFromJSON(utf8(), "[1]"), StatusIs(StatusCode::Invalid, HasSubstr("expected a string")));
}

TEST(ArrayFromJSONTest, DecimalsAreStrings) {
  auto arr = Parse(decimal128(7, 2), R"(["1.23", "-0.5", 42, null])");
  ASSERT_NE(arr, nullptr);
  const auto& d = static_cast<const DecimalArray&>(*arr);
  EXPECT_EQ(d.FormatValue(0), "1.23");
  EXPECT_EQ(d.FormatValue(1), "-0.50");
  EXPECT_EQ(d.FormatValue(2), "42.00");
  EXPECT_TRUE(d.IsNull(3));
  auto d256 = Parse(decimal256(40, 5), R"(["12345678901234567890123456789012345.12345"])");
  ASSERT_NE(d256, nullptr);
  EXPECT_EQ(static_cast<const DecimalArray&>(*d256).FormatValue(0), "12345678901234567890123456789012345.12345");
  auto d32 = Parse(decimal32(3, 1), R"(["-9.9"])");
  ASSERT_NE(d32, nullptr);
  EXPECT_EQ(static_cast<const DecimalArray&>(*d32).FormatValue(0), "-9.9");

  EXPECT_THAT(ArrayFromJSON(decimal128(7, 2), R"(["1.234"])"),
              StatusIs(StatusCode::Invalid, HasSubstr("element [0]: cannot convert \"1.234\"")));
  EXPECT_THAT(ArrayFromJSON(decimal32(3, 1), R"(["100"])"), StatusIs(StatusCode::Invalid, HasSubstr("precision is 3")));
  EXPECT_THAT(ArrayFromJSON(decimal64(5, 1), "[1.5]"), StatusIs(StatusCode::Invalid, HasSubstr("decimal string")));
}

TEST(ArrayFromJSONTest, TemporalValuesAreIntegersAndIntervalsAreArrays) {
  auto ts = Parse(timestamp(TimeUnit::MICRO, "UTC"), "[0, 1700000000000000, null]");
  ASSERT_NE(ts, nullptr);
  EXPECT_EQ(static_cast<const TimestampArray&>(*ts).Value(1), 1700000000000000);
  auto d32 = Parse(date32(), "[19000]");
  ASSERT_NE(d32, nullptr);
  EXPECT_EQ(static_cast<const Date32Array&>(*d32).Value(0), 19000);
  EXPECT_NE(Parse(date64(), "[86400000]"), nullptr);
  EXPECT_NE(Parse(time32(TimeUnit::SECOND), "[3600]"), nullptr);
  EXPECT_NE(Parse(time64(TimeUnit::NANO), "[1]"), nullptr);
  EXPECT_NE(Parse(duration(TimeUnit::MILLI), "[-5]"), nullptr);
  EXPECT_THAT(ArrayFromJSON(date32(), "[3000000000]"), StatusIs(StatusCode::Invalid, HasSubstr("date32")));

  auto months = Parse(month_interval(), "[12, null]");
  ASSERT_NE(months, nullptr);
  EXPECT_EQ(static_cast<const MonthIntervalArray&>(*months).Value(0), 12);
  auto dt = Parse(day_time_interval(), "[[1, -1000], null]");
  ASSERT_NE(dt, nullptr);
  EXPECT_EQ((static_cast<const DayTimeIntervalArray&>(*dt).Value(0)), (DayTimeInterval{1, -1000}));
  auto mdn = Parse(month_day_nano_interval(), "[[1, 2, 3000000000000]]");
  ASSERT_NE(mdn, nullptr);
  EXPECT_EQ((static_cast<const MonthDayNanoIntervalArray&>(*mdn).Value(0)),
            (MonthDayNanoInterval{1, 2, 3000000000000}));
  EXPECT_THAT(ArrayFromJSON(month_day_nano_interval(), "[[1, 2]]"),
              StatusIs(StatusCode::Invalid, HasSubstr("[months, days, nanoseconds]")));
}

TEST(ArrayFromJSONTest, NestedLists) {
  auto arr = Parse(list(int32()), "[[1, 2], null, [], [3, null]]");
  ASSERT_NE(arr, nullptr);
  const auto& l = static_cast<const ListArray&>(*arr);
  ASSERT_EQ(l.length(), 4);
  EXPECT_EQ(l.value_length(0), 2);
  EXPECT_TRUE(l.IsNull(1));
  EXPECT_TRUE(l.IsValid(2));
  EXPECT_EQ(l.value_length(2), 0);
  EXPECT_EQ(static_cast<const Int32Array&>(*l.value_slice(3)).Value(0), 3);
  EXPECT_TRUE(l.value_slice(3)->IsNull(1));

  auto nested = Parse(large_list(list(utf8())), R"([[["a"], []], null, [null, ["b", "c"]]])");
  ASSERT_NE(nested, nullptr);
  const auto& outer = static_cast<const LargeListArray&>(*nested);
  EXPECT_EQ(outer.value_length(2), 2);
  const auto& inner = static_cast<const ListArray&>(*outer.values());
  EXPECT_TRUE(inner.IsNull(2));
  EXPECT_EQ(static_cast<const StringArray&>(*inner.value_slice(3)).GetView(1), "c");

  for (const auto& type : {list_view(int8()), large_list_view(int8())}) {
    auto v = Parse(type, "[[1], [2, 3], null]");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->length(), 3);
  }

  auto fsl = Parse(fixed_size_list(int8(), 2), "[[1, 2], null, [3, null]]");
  ASSERT_NE(fsl, nullptr);
  EXPECT_EQ(static_cast<const FixedSizeListArray&>(*fsl).values()->length(), 6);
  EXPECT_THAT(ArrayFromJSON(fixed_size_list(int8(), 2), "[[1]]"),
              StatusIs(StatusCode::Invalid, HasSubstr("an array of 2 values")));
  EXPECT_THAT(ArrayFromJSON(list(int32()), "[[1, \"x\"]]"),
              StatusIs(StatusCode::Invalid, HasSubstr("element [0][1]: expected an integer")));
  EXPECT_THAT(ArrayFromJSON(list(int32()), "[1]"), StatusIs(StatusCode::Invalid, HasSubstr("an array of values")));
}

TEST(ArrayFromJSONTest, StructsFromObjectsOrArrays) {
  auto type = struct_({field("a", int32()), field("b", utf8())});
  auto arr = Parse(type, R"([{"a": 1, "b": "x"}, null, {"b": "y"}, [4, null]])");
  ASSERT_NE(arr, nullptr);
  const auto& s = static_cast<const StructArray&>(*arr);
  ASSERT_EQ(s.length(), 4);
  EXPECT_TRUE(s.IsNull(1));
  const auto& a = static_cast<const Int32Array&>(*s.field(0));
  const auto& b = static_cast<const StringArray&>(*s.field(1));
  EXPECT_EQ(a.Value(0), 1);
  EXPECT_EQ(b.GetView(0), "x");
  EXPECT_TRUE(a.IsNull(2));  // missing field
  EXPECT_EQ(b.GetView(2), "y");
  EXPECT_EQ(a.Value(3), 4);
  EXPECT_TRUE(b.IsNull(3));

  EXPECT_THAT(ArrayFromJSON(type, R"([{"c": 1}])"), StatusIs(StatusCode::Invalid, HasSubstr("no field named 'c'")));
  EXPECT_THAT(ArrayFromJSON(type, R"([[1]])"), StatusIs(StatusCode::Invalid, HasSubstr("an array of 2 field values")));
  EXPECT_THAT(ArrayFromJSON(type, R"([{"a": "no"}])"),
              StatusIs(StatusCode::Invalid, HasSubstr("element [0].a: expected an integer")));
}

TEST(ArrayFromJSONTest, MapsArePairLists) {
  auto arr = Parse(map(utf8(), int64()), R"([[["a", 1], ["b", null]], null, []])");
  ASSERT_NE(arr, nullptr);
  const auto& m = static_cast<const MapArray&>(*arr);
  ASSERT_EQ(m.length(), 3);
  EXPECT_EQ(m.value_length(0), 2);
  EXPECT_TRUE(m.IsNull(1));
  EXPECT_EQ(m.value_length(2), 0);
  EXPECT_EQ(static_cast<const StringArray&>(*m.keys()).GetView(1), "b");
  EXPECT_TRUE(m.items()->IsNull(1));
  EXPECT_THAT(ArrayFromJSON(map(utf8(), int64()), R"([[[null, 1]]])"),
              StatusIs(StatusCode::Invalid, HasSubstr("element [0][0][0]: expected a non-null map key")));
  EXPECT_THAT(ArrayFromJSON(map(utf8(), int64()), R"([[["a"]]])"),
              StatusIs(StatusCode::Invalid, HasSubstr("a [key, value] pair")));
}

TEST(ArrayFromJSONTest, UnionsAreTypeCodeValuePairs) {
  for (const auto& type : {sparse_union({field("i", int32()), field("s", utf8())}, {2, 5}),
                           dense_union({field("i", int32()), field("s", utf8())}, {2, 5})}) {
    SCOPED_TRACE(type->ToString());
    auto arr = Parse(type, R"([[2, 7], [5, "x"], null, [5, null]])");
    ASSERT_NE(arr, nullptr);
    const auto& u = static_cast<const UnionArray&>(*arr);
    ASSERT_EQ(u.length(), 4);
    EXPECT_EQ(u.type_code(0), 2);
    EXPECT_EQ(u.type_code(1), 5);
    EXPECT_TRUE(u.IsNull(2));
    EXPECT_TRUE(u.IsNull(3));
    EXPECT_TRUE(u.IsValid(1));
    EXPECT_THAT(ArrayFromJSON(type, "[[3, 1]]"), StatusIs(StatusCode::Invalid, HasSubstr("not one of the union's type codes")));
    EXPECT_THAT(ArrayFromJSON(type, "[[2]]"), StatusIs(StatusCode::Invalid, HasSubstr("[type_code, value] pair")));
  }
}

TEST(ArrayFromJSONTest, DictionariesEncodeThePlainValues) {
  auto type = dictionary(int8(), utf8());
  auto arr = Parse(type, R"(["b", "a", null, "b"])");
  ASSERT_NE(arr, nullptr);
  const auto& d = static_cast<const DictionaryArray&>(*arr);
  ASSERT_EQ(d.length(), 4);
  EXPECT_EQ(d.dictionary()->length(), 2);
  EXPECT_EQ(static_cast<const StringArray&>(*d.dictionary()).GetView(0), "b");
  EXPECT_EQ(d.GetValueIndex(0), 0);
  EXPECT_EQ(d.GetValueIndex(1), 1);
  EXPECT_TRUE(d.IsNull(2));
  EXPECT_EQ(d.GetValueIndex(3), 0);

  // Inside nested types too, element by element.
  auto in_struct = Parse(struct_({field("d", dictionary(int32(), int64()))}), R"([{"d": 5}, {"d": 5}, {"d": 6}])");
  ASSERT_NE(in_struct, nullptr);
  const auto& sd = static_cast<const DictionaryArray&>(*static_cast<const StructArray&>(*in_struct).field(0));
  EXPECT_EQ(sd.dictionary()->length(), 2);
  EXPECT_EQ(sd.GetValueIndex(1), 0);
  auto in_list = Parse(list(dictionary(int16(), utf8())), R"([["x", "y"], ["y"]])");
  ASSERT_NE(in_list, nullptr);

  auto given = DictArrayFromJSON(type, "[1, null, 0]", R"(["p", "q"])");
  ASSERT_OK(given);
  EXPECT_EQ(static_cast<const DictionaryArray&>(**given).GetValueIndex(0), 1);
  EXPECT_THAT(DictArrayFromJSON(type, "[2]", R"(["p", "q"])"), StatusIs(StatusCode::Invalid, ::testing::_));
  EXPECT_THAT(ArrayFromJSON(type, "[1]"), StatusIs(StatusCode::Invalid, HasSubstr("element [0]: expected a string")));
}

TEST(ArrayFromJSONTest, RunEndEncodedTakesLogicalValues) {
  auto type = run_end_encoded(int32(), utf8());
  auto arr = Parse(type, R"(["a", "a", "b", null, null, "a"])");
  ASSERT_NE(arr, nullptr);
  const auto& r = static_cast<const RunEndEncodedArray&>(*arr);
  ASSERT_EQ(r.length(), 6);
  ASSERT_EQ(r.run_ends()->length(), 4);
  const auto& ends = static_cast<const Int32Array&>(*r.run_ends());
  EXPECT_EQ(ends.Value(0), 2);
  EXPECT_EQ(ends.Value(1), 3);
  EXPECT_EQ(ends.Value(2), 5);
  EXPECT_EQ(ends.Value(3), 6);
  EXPECT_EQ(r.null_count(), 2);

  auto in_list = Parse(list(run_end_encoded(int16(), int32())), "[[1, 1, 2], [], null]");
  ASSERT_NE(in_list, nullptr);
  const auto& inner = static_cast<const RunEndEncodedArray&>(*static_cast<const ListArray&>(*in_list).values());
  EXPECT_EQ(inner.run_ends()->length(), 2);
}

TEST(ArrayFromJSONTest, ExtensionsAndNullType) {
  auto type = extension("quiver.tags", list(utf8()));
  auto arr = Parse(type, R"([["a"], null])");
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->type_id(), TypeId::EXTENSION);
  EXPECT_TRUE(arr->IsNull(1));

  auto nulls = Parse(null(), "[null, null]");
  ASSERT_NE(nulls, nullptr);
  EXPECT_EQ(nulls->null_count(), 2);
  EXPECT_THAT(ArrayFromJSON(null(), "[1]"), StatusIs(StatusCode::Invalid, HasSubstr("expected null for null")));
}

TEST(ArrayFromJSONTest, MalformedTextIsAnError) {
  EXPECT_THAT(ArrayFromJSON(int32(), "[1, 2"), StatusIs(StatusCode::Invalid, HasSubstr("not valid JSON")));
  EXPECT_THAT(ArrayFromJSON(int32(), "{}"), StatusIs(StatusCode::Invalid, HasSubstr("expected a JSON array")));
  EXPECT_THAT(ArrayFromJSON(int32(), ""), StatusIs(StatusCode::Invalid, HasSubstr("not valid JSON")));
}

TEST(ArrayFromJSONTest, OrDieReturnsTheArrayOrAbortsWithTheMessage) {
  EXPECT_EQ(ArrayFromJSONOrDie(int8(), "[1, 2]")->length(), 2);
  EXPECT_DEATH((void)ArrayFromJSONOrDie(int8(), "[1000]"), "in range for int8");
}

}  // namespace
}  // namespace quiver::testing
