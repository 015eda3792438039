// Concatenate: arrays of one type copied end to end into one new array.
#pragma once

#include "quiver/array.h"

namespace quiver {

/// One array holding the elements of `arrays` in order. Every type is supported,
/// dictionaries included (equal dictionaries are kept; differing ones are unified
/// and the indices remapped). Offsets are rebased, so sliced inputs are fine.
/// Errors: an empty list or mixed types (Invalid), 32-bit offsets that would
/// overflow (CapacityError).
QUIVER_EXPORT Result<ArrayPtr> Concatenate(const ArrayVector& arrays, MemoryPool* pool = default_memory_pool());

}  // namespace quiver
