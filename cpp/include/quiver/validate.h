// Validation of ArrayData against the Arrow columnar format.
//
// Two levels, as in Apache Arrow:
//   - structural (`full = false`, Array::Validate): buffer counts and sizes,
//     child counts and lengths, offset/length arithmetic -- O(1) per array;
//   - full (`full = true`, Array::ValidateFull): additionally every offset,
//     every UTF-8 string, every view, every dictionary index, every run end and
//     every union type id -- O(length).
//
// Errors are Status::Invalid naming the array, what was expected and what was
// found, and where; errors inside children and dictionaries carry their path:
//   "string array: offset at index 3 is 17, expected <= 12 (size of the data buffer)"
//   "list array, child 0 ('item'): string array: value at index 1 is not valid UTF-8: ..."
// Arrays read from files or the network are validated with these before use.
// Validation itself never reads outside a buffer: the structural pass checks
// sizes before it reads anything, and the full pass runs only after the
// structural pass succeeded on the whole tree. Buffers may be unaligned.
//
// What the full pass looks at:
//   - offsets of binary/string/list/map: every one, null slots included;
//   - views (binary_view/string_view, list_view): every one, null slots
//     included, since readers index them without consulting validity;
//   - UTF-8 of string/large_string/string_view: valid slots only;
//   - dictionary indices: valid slots only, each in [0, dictionary length);
//   - union type ids and dense union offsets: every slot;
//   - run ends: every one, > 0 and strictly increasing;
//   - a known null_count (not kUnknownNullCount) must equal the number of
//     zero bits of the validity bitmap; for union and run-end encoded arrays,
//     which have no bitmap, null_count is only checked to be in [0, length].
// An array of length 0 may have null or empty buffers (nothing is read from
// them), though it must still have the right number of them. Decimal values
// are not checked against their precision.
#pragma once

#include "quiver/array_data.h"

namespace quiver {

QUIVER_EXPORT Status ValidateArrayData(const ArrayData& data, bool full);

}  // namespace quiver
