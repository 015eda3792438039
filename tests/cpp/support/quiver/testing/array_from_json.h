// Building arrays from short JSON literals, for tests.
//
//   auto ints = ArrayFromJSONOrDie(int32(), "[1, null, 3]");
//   auto lists = ArrayFromJSONOrDie(list(utf8()), R"([["a", "b"], null, []])");
//   QUIVER_ASSIGN_OR_RAISE(auto s, ArrayFromJSON(struct_({field("a", int8())}), R"([{"a": 1}, null])"));
//
// The text is one JSON array with one entry per element; null is a null
// element of any type. Each type takes:
//   bool                          true / false
//   integers, dates, times,
//   timestamps, durations,
//   month_interval                integers (range-checked)
//   float16/32/64                 numbers, or "NaN", "Inf", "-Inf"
//   decimals                      strings such as "-12.345" (or integers), at the type's scale
//   day_time_interval             [days, milliseconds]
//   month_day_nano_interval       [months, days, nanoseconds]
//   binary, string (all kinds),
//   fixed_size_binary             strings (their UTF-8 bytes)
//   list, large_list, list_view,
//   large_list_view,
//   fixed_size_list               arrays of child values
//   map                           arrays of [key, value] pairs
//   struct                        objects {"field": value} (missing fields are null) or
//                                 arrays of one value per field
//   sparse/dense union            [type_code, value] pairs
//   dictionary                    the plain values; they are dictionary-encoded
//   run_end_encoded               the logical values; equal neighbours become runs
//   extension                     what its storage type takes
//
// Errors name the element (as a path such as "[2].a[0]"), what was expected
// and what was found. Every result passes ValidateFull.
#pragma once

#include <string_view>

#include "quiver/array.h"
#include "quiver/memory.h"
#include "quiver/result.h"
#include "quiver/visibility.h"

namespace quiver::testing {

/// The array of `type` that `json` describes (see above).
QUIVER_EXPORT Result<ArrayPtr> ArrayFromJSON(const TypePtr& type, std::string_view json,
                                             MemoryPool* pool = default_memory_pool());

/// ArrayFromJSON for test code: aborts the process, printing the error, when
/// `json` does not describe an array of `type`.
QUIVER_EXPORT ArrayPtr ArrayFromJSONOrDie(const TypePtr& type, std::string_view json);

/// A dictionary array of `type` with the given indices and dictionary values,
/// each written as for ArrayFromJSON (for tests that need a particular dictionary).
QUIVER_EXPORT Result<ArrayPtr> DictArrayFromJSON(const TypePtr& type, std::string_view indices_json,
                                                 std::string_view dictionary_json,
                                                 MemoryPool* pool = default_memory_pool());

}  // namespace quiver::testing
