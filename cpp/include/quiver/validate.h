// Validation of ArrayData against the Arrow columnar format.
//
// Two levels, as in Apache Arrow:
//   - structural (`full = false`, Array::Validate): buffer counts and sizes,
//     child counts and lengths, offset/length arithmetic -- O(1) per array;
//   - full (`full = true`, Array::ValidateFull): additionally every offset,
//     every UTF-8 string, every view, every dictionary index, every run end and
//     every union type id -- O(length).
//
// Errors are Status::Invalid naming what was expected and what was found,
// e.g. "offset 3 (value 17) is out of bounds: expected <= 12 (data buffer size)".
// Arrays read from files or the network are validated with these before use.
#pragma once

#include "quiver/array_data.h"

namespace quiver {

QUIVER_EXPORT Status ValidateArrayData(const ArrayData& data, bool full);

}  // namespace quiver
