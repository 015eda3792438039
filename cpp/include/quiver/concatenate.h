// Concatenate: arrays of one type copied end to end into one new array.
#pragma once

#include "quiver/array.h"

namespace quiver {

/// One array holding the elements of `arrays` in order, in new buffers from `pool`
/// (offset 0, exact null count). Every type is supported:
///   - offsets are rebased and only the child ranges the inputs reference are copied,
///     so sliced inputs are fine;
///   - binary_view/string_view copy the views and share (append) the inputs' data
///     buffers, shifting buffer indices;
///   - dictionaries: when all inputs carry equal dictionaries that dictionary is kept;
///     otherwise the dictionaries are unified (distinct values in order of first
///     appearance, floats compared bit for bit) and the indices remapped;
///   - run-end encoded arrays keep their runs, clipped to each input's logical window;
///   - extension arrays concatenate their storage.
/// Errors: an empty list, a null entry or mixed types (Invalid); buffers, offsets,
/// type ids, run ends or dictionary indices that point outside the data (Invalid);
/// results that 32-bit offsets, run ends or the dictionary's index type cannot
/// address (CapacityError).
QUIVER_EXPORT Result<ArrayPtr> Concatenate(const ArrayVector& arrays, MemoryPool* pool = default_memory_pool());

}  // namespace quiver
