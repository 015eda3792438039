// Pretty printing of arrays the way pyarrow prints them.
//
//   PrettyPrint(*MakeArray(...))  ->  "[\n  1,\n  null,\n  3\n]"
//
// Array::ToString() is PrettyPrint(array) with the default options; chunked
// arrays, record batches and tables print their columns through the same code
// (see their ToString()).
//
// The output is character-for-character what pyarrow's Array.to_string() prints
// for the same array (pyarrow's `indent` is indent_size here and its
// `top_level_indent` is indent), including its layout quirks:
//
//   - flat arrays print one element per line in brackets; lists nest brackets;
//   - null arrays print "<n> nulls" (never indented);
//   - structs print "-- is_valid:" (the validity as booleans, or " all not null")
//     then "-- child <i> type: <type>" and each child;
//   - unions print "-- is_valid: all not null", "-- type_ids: ", for dense unions
//     "-- value_offsets: ", then each child (sparse children sliced, dense whole);
//   - dictionaries print "-- dictionary:" (whole) then "-- indices:";
//   - run-end encoded arrays print "-- run_ends:" and "-- values:" (whole, unsliced);
//   - maps print each entry list as "keys:" and "values:" blocks;
//   - extension arrays print as their storage.
//
// Values: integers and durations as integers; floats in the shortest form that
// reads back exactly ("1", "1.5", "1e+20", "1e-7", "nan", "inf"; half floats
// through double); decimals with their scale ("1.23", "1E-10"); dates as
// "2020-01-01"; times as "12:00:00[.fff]" with one fraction digit group per unit;
// timestamps as "2020-01-01 00:00:00[.fff]" plus "Z" when the type has a time
// zone; intervals as "1M", "1d2ms", "1M2d3ns"; strings in double quotes (not
// escaped); binary as upper-case hex. Dates, times and timestamps outside
// years -32767..32767 (or a time outside one day) print "<value out of range: v>".
//
// Arrays that fail structural validation print "<Invalid array: reason>" rather
// than reading out of bounds; a list or string element whose offsets point
// outside its data prints "<Invalid array: reason>" in its place.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "quiver/array.h"

namespace quiver {

struct QUIVER_EXPORT PrettyPrintOptions {
  /// Spaces before every line, including the opening bracket (pyarrow's top_level_indent).
  int indent = 0;
  /// Extra spaces per nesting level (pyarrow's indent).
  int indent_size = 2;
  /// Elements shown at each end of a long array before "..."; an array is cut
  /// only when it has more than 2 * window + 1 elements (a negative window, as
  /// in pyarrow, leaves only the "...").
  int64_t window = 10;
  /// The same for arrays whose elements are lists (list, large_list, list_view,
  /// large_list_view, fixed_size_list). pyarrow's Array.to_string always uses 2.
  int64_t container_window = 2;
  /// How a null element prints.
  std::string null_rep = "null";
  /// Print everything on one line: "[1,null,3]". Struct, union, dictionary and
  /// run-end encoded headers still end their lines, as in pyarrow.
  bool skip_new_lines = false;
  /// Longest printed form of one element (and of the "-- ...:" headers); longer
  /// ones are cut and followed by " (... N chars omitted)". Negative: no limit.
  int element_size_limit = 100;
};

/// Writes the array to `out`; values print as pyarrow prints them (strings quoted,
/// timestamps as "2020-01-01 00:00:00.000", decimals with their scale, nested
/// lists/structs/maps/unions/dictionaries/run-end-encoded in pyarrow's layout).
QUIVER_EXPORT void PrettyPrint(const Array& array, const PrettyPrintOptions& options,
                               std::ostream* out);
QUIVER_EXPORT std::string PrettyPrint(const Array& array, const PrettyPrintOptions& options = {});

}  // namespace quiver
