// Pretty printing of arrays the way pyarrow prints them.
//
//   PrettyPrint(*MakeArray(...))  ->  "[\n  1,\n  null,\n  3\n]"
//
// Array::ToString() is PrettyPrint(array) with the default options; chunked
// arrays, record batches and tables print their columns through the same code
// (see their ToString()).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "quiver/array.h"

namespace quiver {

struct QUIVER_EXPORT PrettyPrintOptions {
  /// Spaces before every line, including the opening bracket.
  int indent = 0;
  /// Extra spaces per nesting level.
  int indent_size = 2;
  /// Elements shown at each end of a long array before "...".
  int64_t window = 10;
  /// Elements shown at each end of nested (child) arrays before "...".
  int64_t container_window = 2;
  /// How a null element prints.
  std::string null_rep = "null";
  /// Print everything on one line: "[1,null,3]".
  bool skip_new_lines = false;
};

/// Writes the array to `out`; values print as pyarrow prints them (strings quoted,
/// timestamps as "2020-01-01 00:00:00.000", decimals with their scale, nested
/// lists/structs/maps/unions/dictionaries/run-end-encoded in pyarrow's layout).
QUIVER_EXPORT void PrettyPrint(const Array& array, const PrettyPrintOptions& options, std::ostream* out);
QUIVER_EXPORT std::string PrettyPrint(const Array& array, const PrettyPrintOptions& options = {});

}  // namespace quiver
