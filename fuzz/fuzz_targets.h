// Fuzz targets: each takes arbitrary bytes and must return without crashing,
// hanging, leaking or reading out of bounds, whatever the bytes are.
//
// Every target is built twice:
//   - into `quiver_fuzz_targets`, which the test suite links to replay the
//     arrow-testing crash inputs and this folder's corpus on every run;
//   - as a libFuzzer executable (fuzz_<name>) when configured with
//     -DQUIVER_FUZZ=ON and clang (`-fsanitize=fuzzer`).
#pragma once

#include <cstddef>
#include <cstdint>

#include "quiver/status.h"

namespace quiver::fuzz {

/// Reads the bytes as an IPC stream: schema, every batch, full validation.
/// Returns the reader's status (OK when the bytes happen to be a valid stream).
Status FuzzIpcStream(const uint8_t* data, size_t size);
/// Reads the bytes as an IPC file: footer, every dictionary and batch.
Status FuzzIpcFile(const uint8_t* data, size_t size);

}  // namespace quiver::fuzz
