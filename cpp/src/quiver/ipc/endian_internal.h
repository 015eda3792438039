// Byte-swapping big-endian IPC data to native (little-endian) order.
#pragma once

#include "quiver/array_data.h"

namespace quiver::ipc::internal {

/// Returns `data` with every multi-byte value (and offsets, sizes, view headers,
/// run ends, dictionary indices) byte-swapped into fresh buffers, recursively,
/// dictionaries included. Bitmaps and single bytes are shared, not copied.
Result<ArrayDataPtr> SwapEndianness(const ArrayData& data, MemoryPool* pool);

}  // namespace quiver::ipc::internal
