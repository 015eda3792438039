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

/// A body buffer of a compressed IPC message: the first byte picks the codec
/// (even: LZ4 frame, odd: ZSTD), the rest is the 8-byte length prefix and the
/// compressed bytes, decompressed with a 64 MiB cap.
Status FuzzCompressedBody(const uint8_t* data, size_t size);

/// One of the protobuf messages a Flight server or client parses: the first
/// byte picks the message type (FlightDescriptor, Ticket, Action, Criteria,
/// FlightInfo with its schema, PollInfo, FlightEndpoint, SchemaResult with its
/// schema, BasicAuth, the well-known action requests), the rest is the message.
Status FuzzFlightMessage(const uint8_t* data, size_t size);

/// A DoPut/DoExchange upload as the server receives it: FlightData messages,
/// each preceded by a 4-byte little-endian length, framed from gRPC slices
/// (the first byte picks how the bytes are cut into slices) and decoded into
/// record batches with validation.
Status FuzzFlightDataStream(const uint8_t* data, size_t size);

}  // namespace quiver::fuzz
