#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quiver/schema.h"
#include "quiver/testing/matchers.h"
#include "quiver/type.h"

namespace quiver {
namespace {

using ::testing::HasSubstr;

TEST(TypeTest, EveryTypePrintsLikePyarrow) {
  const std::pair<TypePtr, std::string> cases[] = {
      {null(), "null"},
      {boolean(), "bool"},
      {int8(), "int8"},
      {int16(), "int16"},
      {int32(), "int32"},
      {int64(), "int64"},
      {uint8(), "uint8"},
      {uint16(), "uint16"},
      {uint32(), "uint32"},
      {uint64(), "uint64"},
      {float16(), "halffloat"},
      {float32(), "float"},
      {float64(), "double"},
      {decimal32(7, 2), "decimal32(7, 2)"},
      {decimal64(15, 3), "decimal64(15, 3)"},
      {decimal128(38, 10), "decimal128(38, 10)"},
      {decimal256(76, 0), "decimal256(76, 0)"},
      {date32(), "date32[day]"},
      {date64(), "date64[ms]"},
      {time32(TimeUnit::SECOND), "time32[s]"},
      {time32(TimeUnit::MILLI), "time32[ms]"},
      {time64(TimeUnit::MICRO), "time64[us]"},
      {time64(TimeUnit::NANO), "time64[ns]"},
      {timestamp(TimeUnit::SECOND), "timestamp[s]"},
      {timestamp(TimeUnit::NANO, "UTC"), "timestamp[ns, tz=UTC]"},
      {duration(TimeUnit::MILLI), "duration[ms]"},
      {month_interval(), "month_interval"},
      {day_time_interval(), "day_time_interval"},
      {month_day_nano_interval(), "month_day_nano_interval"},
      {binary(), "binary"},
      {utf8(), "string"},
      {large_binary(), "large_binary"},
      {large_utf8(), "large_string"},
      {binary_view(), "binary_view"},
      {utf8_view(), "string_view"},
      {fixed_size_binary(4), "fixed_size_binary[4]"},
      {list(int32()), "list<item: int32>"},
      {large_list(utf8()), "large_list<item: string>"},
      {list_view(int32()), "list_view<item: int32>"},
      {large_list_view(int32()), "large_list_view<item: int32>"},
      {fixed_size_list(float32(), 3), "fixed_size_list<item: float>[3]"},
      {list(field("x", int32(), false)), "list<x: int32 not null>"},
      {struct_({field("a", int32()), field("b", utf8(), false)}), "struct<a: int32, b: string not null>"},
      {map(utf8(), int32()), "map<string, int32>"},
      {map(utf8(), int32(), true), "map<string, int32, keys_sorted>"},
      {sparse_union({field("a", int32()), field("b", utf8())}), "sparse_union<a: int32=0, b: string=1>"},
      {dense_union({field("a", int32()), field("b", utf8())}, {5, 9}), "dense_union<a: int32=5, b: string=9>"},
      {dictionary(int32(), utf8()), "dictionary<values=string, indices=int32, ordered=0>"},
      {dictionary(int8(), utf8(), true), "dictionary<values=string, indices=int8, ordered=1>"},
      {run_end_encoded(int32(), utf8()), "run_end_encoded<run_ends: int32, values: string>"},
      {extension("arrow.uuid", fixed_size_binary(16)), "extension<arrow.uuid>"},
  };
  for (const auto& [type, expected] : cases) {
    EXPECT_EQ(type->ToString(), expected);
    EXPECT_TRUE(type->Equals(*type));
  }
}

TEST(TypeTest, EqualityComparesParameters) {
  EXPECT_TRUE(int32()->Equals(int32()));
  EXPECT_FALSE(int32()->Equals(int64()));
  EXPECT_TRUE(timestamp(TimeUnit::MILLI, "UTC")->Equals(timestamp(TimeUnit::MILLI, "UTC")));
  EXPECT_FALSE(timestamp(TimeUnit::MILLI, "UTC")->Equals(timestamp(TimeUnit::MILLI)));
  EXPECT_FALSE(timestamp(TimeUnit::MILLI)->Equals(timestamp(TimeUnit::MICRO)));
  EXPECT_FALSE(decimal128(10, 2)->Equals(decimal128(10, 3)));
  EXPECT_FALSE(decimal128(10, 2)->Equals(decimal256(10, 2)));
  EXPECT_FALSE(fixed_size_binary(3)->Equals(fixed_size_binary(4)));
  EXPECT_TRUE(list(int32())->Equals(list(int32())));
  EXPECT_FALSE(list(int32())->Equals(large_list(int32())));
  EXPECT_FALSE(list(int32())->Equals(list(field("x", int32()))));
  EXPECT_FALSE(fixed_size_list(int32(), 2)->Equals(fixed_size_list(int32(), 3)));
  EXPECT_FALSE(map(utf8(), int32())->Equals(map(utf8(), int32(), true)));
  EXPECT_FALSE(sparse_union({field("a", int32())})->Equals(dense_union({field("a", int32())})));
  EXPECT_FALSE(sparse_union({field("a", int32())}, {1})->Equals(sparse_union({field("a", int32())}, {2})));
  EXPECT_FALSE(dictionary(int32(), utf8())->Equals(dictionary(int32(), utf8(), true)));
  EXPECT_FALSE(dictionary(int32(), utf8())->Equals(dictionary(int64(), utf8())));
  EXPECT_FALSE(run_end_encoded(int32(), utf8())->Equals(run_end_encoded(int64(), utf8())));
  EXPECT_FALSE(extension("a", int32())->Equals(extension("b", int32())));
  EXPECT_FALSE(extension("a", int32())->Equals(int32()));
}

TEST(TypeTest, NestedMetadataCountsOnlyWhenAsked) {
  auto md = key_value_metadata({{"k", "v"}});
  auto a = list(field("item", int32(), true, md));
  auto b = list(int32());
  EXPECT_TRUE(a->Equals(b));
  EXPECT_FALSE(a->Equals(b, /*check_metadata=*/true));
}

TEST(TypeTest, WidthsAndClassification) {
  EXPECT_EQ(boolean()->bit_width(), 1);
  EXPECT_EQ(boolean()->byte_width(), -1);
  EXPECT_EQ(int16()->byte_width(), 2);
  EXPECT_EQ(decimal256(10, 1)->byte_width(), 32);
  EXPECT_EQ(decimal32(5, 1)->byte_width(), 4);
  EXPECT_EQ(month_day_nano_interval()->byte_width(), 16);
  EXPECT_EQ(fixed_size_binary(7)->byte_width(), 7);
  EXPECT_EQ(utf8()->bit_width(), -1);
  EXPECT_TRUE(is_integer(TypeId::UINT64));
  EXPECT_TRUE(is_signed_integer(TypeId::INT8));
  EXPECT_FALSE(is_signed_integer(TypeId::UINT8));
  EXPECT_TRUE(is_floating(TypeId::HALF_FLOAT));
  EXPECT_TRUE(is_base_binary(TypeId::LARGE_STRING));
  EXPECT_TRUE(is_nested(TypeId::MAP));
  EXPECT_FALSE(is_nested(TypeId::DICTIONARY));
}

TEST(TypeTest, CheckedFactoriesRejectBadParameters) {
  EXPECT_THAT(DecimalType::Make(TypeId::DECIMAL32, 10, 2),
              StatusIs(StatusCode::Invalid, HasSubstr("between 1 and 9 but found 10")));
  EXPECT_THAT(DecimalType::Make(TypeId::DECIMAL128, 0, 0), StatusIs(StatusCode::Invalid, ::testing::_));
  EXPECT_THAT(DictionaryType::Make(utf8(), utf8()),
              StatusIs(StatusCode::TypeError, HasSubstr("must be an integer type but found string")));
  EXPECT_THAT(RunEndEncodedType::Make(int8(), utf8()),
              StatusIs(StatusCode::TypeError, HasSubstr("int16, int32 or int64 but found int8")));
  EXPECT_THAT(UnionType::Make(UnionMode::SPARSE, {field("a", int32()), field("b", int32())}, {1, 1}),
              StatusIs(StatusCode::Invalid, HasSubstr("appears more than once")));
  EXPECT_THAT(UnionType::Make(UnionMode::SPARSE, {field("a", int32())}, {1, 2}),
              StatusIs(StatusCode::Invalid, HasSubstr("expected 1 but found 2")));
  EXPECT_THAT(MapType::Make(field("entries", int32(), false)), StatusIs(StatusCode::TypeError, ::testing::_));
}

TEST(TypeTest, MapAndUnionAccessors) {
  auto m = std::static_pointer_cast<const MapType>(map(utf8(), int64(), true));
  EXPECT_EQ(m->key_type()->id(), TypeId::STRING);
  EXPECT_EQ(m->item_type()->id(), TypeId::INT64);
  EXPECT_FALSE(m->key_field()->nullable());
  EXPECT_TRUE(m->keys_sorted());
  EXPECT_EQ(m->value_type()->ToString(), "struct<key: string not null, value: int64>");
  auto u = std::static_pointer_cast<const UnionType>(dense_union({field("a", int32()), field("b", utf8())}, {3, 7}));
  EXPECT_EQ(u->mode(), UnionMode::DENSE);
  EXPECT_EQ(u->child_ids()[3], 0);
  EXPECT_EQ(u->child_ids()[7], 1);
  EXPECT_EQ(u->child_ids()[0], -1);
}

TEST(FieldTest, PrintsAndCompares) {
  auto f = field("a", int32(), false);
  EXPECT_EQ(f->ToString(), "a: int32 not null");
  EXPECT_TRUE(f->Equals(field("a", int32(), false)));
  EXPECT_FALSE(f->Equals(field("a", int32(), true)));
  EXPECT_FALSE(f->Equals(field("b", int32(), false)));
  auto with_md = f->WithMetadata(key_value_metadata({{"x", "1"}}));
  EXPECT_TRUE(f->Equals(with_md));
  EXPECT_FALSE(f->Equals(with_md, true));
  EXPECT_EQ(with_md->WithName("z")->name(), "z");
  EXPECT_EQ(with_md->WithName("z")->metadata()->value(0), "1");
}

TEST(SchemaTest, LookupEqualityAndPrinting) {
  auto s = schema({field("a", int32()), field("b", utf8(), false, key_value_metadata({{"k", "v"}})),
                   field("a", float64())},
                  key_value_metadata({{"origin", "test"}}));
  EXPECT_EQ(s->num_fields(), 3);
  EXPECT_EQ(s->GetFieldIndex("b"), 1);
  EXPECT_EQ(s->GetFieldIndex("zzz"), -1);
  EXPECT_EQ(s->GetAllFieldIndices("a"), (std::vector<int>{0, 2}));
  EXPECT_EQ(s->GetFieldByName("a"), nullptr);  // ambiguous
  EXPECT_EQ(s->GetFieldByName("b")->type()->id(), TypeId::STRING);
  EXPECT_EQ(s->field_names(), (std::vector<std::string>{"a", "b", "a"}));
  EXPECT_EQ(s->ToString(),
            "a: int32\n"
            "b: string not null\n"
            "  -- field metadata --\n"
            "  k: 'v'\n"
            "a: double\n"
            "-- schema metadata --\n"
            "origin: 'test'");
  EXPECT_EQ(s->ToString(/*show_metadata=*/false), "a: int32\nb: string not null\na: double");
  auto plain = schema({field("a", int32()), field("b", utf8(), false), field("a", float64())});
  EXPECT_TRUE(s->Equals(*plain));
  EXPECT_FALSE(s->Equals(*plain, /*check_metadata=*/true));
  EXPECT_THAT(s->RemoveField(3), StatusIs(StatusCode::IndexError, HasSubstr("out of range")));
  auto added = s->AddField(0, field("z", boolean()));
  ASSERT_OK(added);
  EXPECT_EQ((*added)->field(0)->name(), "z");
  EXPECT_EQ((*added)->num_fields(), 4);
}

TEST(SchemaTest, NestedFieldsListTheirChildrenLikePyarrow) {
  auto md = std::make_shared<KeyValueMetadata>();
  md->Set("x", "y");
  auto s = schema({field("a", list(list(list(int64()))), true, md),
                   field("m", map(utf8(), int32())),
                   field("s", struct_({field("x", int32()), field("y", list(field("z", utf8(), false)))}), false),
                   field("d", dictionary(int32(), utf8())),
                   field("r", run_end_encoded(int32(), utf8()))});
  // Expected text printed by pyarrow for the same schema.
  EXPECT_EQ(s->ToString(),
            "a: list<item: list<item: list<item: int64>>>\n"
            "  child 0, item: list<item: list<item: int64>>\n"
            "      child 0, item: list<item: int64>\n"
            "          child 0, item: int64\n"
            "  -- field metadata --\n"
            "  x: 'y'\n"
            "m: map<string, int32>\n"
            "  child 0, entries: struct<key: string not null, value: int32> not null\n"
            "      child 0, key: string not null\n"
            "      child 1, value: int32\n"
            "s: struct<x: int32, y: list<z: string not null>> not null\n"
            "  child 0, x: int32\n"
            "  child 1, y: list<z: string not null>\n"
            "      child 0, z: string not null\n"
            "d: dictionary<values=string, indices=int32, ordered=0>\n"
            "r: run_end_encoded<run_ends: int32, values: string>\n"
            "  child 0, run_ends: int32 not null\n"
            "  child 1, values: string");
}

TEST(TypeTest, ZeroWidthFixedSizeBinaryHasByteWidthZero) {
  EXPECT_EQ(fixed_size_binary(0)->byte_width(), 0);
  EXPECT_EQ(fixed_size_binary(7)->byte_width(), 7);
  EXPECT_EQ(utf8()->byte_width(), -1);
}

TEST(KeyValueMetadataTest, SetGetDelete) {
  KeyValueMetadata md(std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}});
  EXPECT_THAT(md.Get("b"), IsOkAndHolds(std::string("2")));
  EXPECT_THAT(md.Get("c"), StatusIs(StatusCode::KeyError, HasSubstr("'c' not found")));
  md.Set("a", "9");
  md.Set("c", "3");
  EXPECT_EQ(md.size(), 3);
  EXPECT_EQ(md.value(0), "9");
  md.Delete("b");
  EXPECT_FALSE(md.Contains("b"));
  EXPECT_TRUE(md.Equals(*key_value_metadata({{"c", "3"}, {"a", "9"}})));
}

}  // namespace
}  // namespace quiver
