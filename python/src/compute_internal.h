// Kernels of the small compute module (compute.cc) that other binding files use.
#pragma once

#include <vector>

#include "common.h"

namespace quiver::py {

/// values[indices[k]] for each k; a null index gives a null (IndexError when out of bounds).
ArrayPtr TakeArray(const ArrayPtr& values, const Array& indices);
/// values[positions[k]] for each k (positions already checked by the caller).
ArrayPtr TakePositions(const ArrayPtr& values, const std::vector<int64_t>& positions);
/// The array dictionary-encoded with int32 indices.
ArrayPtr DictionaryEncode(const ArrayPtr& values);

}  // namespace quiver::py
