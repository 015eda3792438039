#include "test_tables.h"

#include <string>
#include <utility>
#include <vector>

#include "flight_test_util.h"
#include "quiver/testing/array_from_json.h"
#include "quiver/type.h"

namespace quiver::flight::testing {

using quiver::testing::ArrayFromJSONOrDie;

TablePtr MakeTable(const RecordBatchVector& batches, SchemaPtr schema) {
  return Table::FromRecordBatches(std::move(schema), batches).ValueOrDie();
}

TablePtr IntsTable() {
  // (Zero-length batches on the wire are covered by the "chunks" script and DoPut.)
  return MakeTable({MakeInt64Batch(10, 0), MakeInt64Batch(0, 100), MakeInt64Batch(5, 200)});
}

TablePtr DictionaryTable() {
  auto type = dictionary(int32(), utf8());
  SchemaPtr s = schema({field("d", type), field("n", int32())});
  // Each batch has its own dictionary: the second replaces the first on the wire.
  auto first = RecordBatch::Make(s, 4,
                                 {ArrayFromJSONOrDie(type, R"(["a", "b", "a", null])"),
                                  ArrayFromJSONOrDie(int32(), "[1, 2, 3, 4]")});
  auto second = RecordBatch::Make(s, 3,
                                  {ArrayFromJSONOrDie(type, R"(["c", "c", "d"])"),
                                   ArrayFromJSONOrDie(int32(), "[5, 6, null]")});
  return MakeTable({first, second});
}

TablePtr EveryTypeTable() {
  std::vector<std::pair<TypePtr, std::string>> columns = {
      {null(), "[null, null, null]"},
      {boolean(), "[true, null, false]"},
      {int8(), "[-128, null, 127]"},
      {int16(), "[-1, 0, 1]"},
      {int32(), "[1, null, 3]"},
      {int64(), "[9007199254740993, 0, -1]"},
      {uint8(), "[0, 255, null]"},
      {uint16(), "[0, 65535, 1]"},
      {uint32(), "[0, 4294967295, 1]"},
      {uint64(), "[0, 1, null]"},
      {float16(), "[1.5, null, -2]"},
      {float32(), "[1.5, \"Inf\", -2]"},
      {float64(), "[1.25, null, \"-Inf\"]"},
      {date32(), "[0, 19000, null]"},
      {date64(), "[0, 86400000, null]"},
      {time32(TimeUnit::MILLI), "[0, 1000, null]"},
      {time64(TimeUnit::NANO), "[0, 1000, null]"},
      {timestamp(TimeUnit::MICRO, "UTC"), "[0, 1700000000000000, null]"},
      {duration(TimeUnit::SECOND), "[0, -5, null]"},
      {month_interval(), "[1, null, -3]"},
      {day_time_interval(), "[[1, 2], null, [3, -4]]"},
      {month_day_nano_interval(), "[[1, 2, 3], null, [4, 5, -6]]"},
      {decimal128(10, 2), R"(["12.34", null, "-0.01"])"},
      {decimal256(40, 3), R"(["1.234", "0", null])"},
      {utf8(), R"(["a", null, "ccc"])"},
      {large_utf8(), R"(["a", "", null])"},
      {binary(), R"(["x", null, ""])"},
      {large_binary(), R"(["yy", null, "z"])"},
      {fixed_size_binary(2), R"(["ab", null, "cd"])"},
      {utf8_view(), R"(["short", null, "a string longer than twelve bytes"])"},
      {binary_view(), R"(["b", "a binary value longer than twelve", null])"},
      {list(int32()), "[[1, 2], null, []]"},
      {large_list(utf8()), R"([["a"], [], null])"},
      {list_view(int16()), "[[1], null, [2, 3]]"},
      {fixed_size_list(int8(), 2), "[[1, 2], null, [3, 4]]"},
      {struct_({field("a", int32()), field("b", utf8())}), R"([{"a": 1, "b": "x"}, null, {"a": null}])"},
      {map(utf8(), int64()), R"([[["k", 1]], null, []])"},
      {sparse_union({field("i", int32()), field("s", utf8())}, {0, 1}), R"([[0, 5], [1, "x"], [0, null]])"},
      {dense_union({field("i", int32()), field("s", utf8())}, {0, 1}), R"([[0, 5], [1, "x"], [1, null]])"},
      {dictionary(int8(), utf8()), R"(["p", "q", "p"])"},
      {run_end_encoded(int32(), utf8()), R"(["r", "r", null])"},
  };
  FieldVector fields;
  ArrayVector arrays;
  for (size_t i = 0; i < columns.size(); ++i) {
    fields.push_back(field("c" + std::to_string(i), columns[i].first));
    arrays.push_back(ArrayFromJSONOrDie(columns[i].first, columns[i].second));
  }
  return MakeTable({RecordBatch::Make(schema(fields), 3, arrays)});
}

}  // namespace quiver::flight::testing
