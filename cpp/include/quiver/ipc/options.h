// Options for reading and writing Arrow IPC streams and files.
#pragma once

#include <cstdint>
#include <optional>

#include "quiver/ipc/compression_type.h"
#include "quiver/memory.h"

namespace quiver::ipc {

/// The Arrow IPC metadata versions Quiver reads (V4, V5) and writes (V5 by default).
enum class MetadataVersion : int16_t { V1 = 0, V2 = 1, V3 = 2, V4 = 3, V5 = 4 };

struct QUIVER_EXPORT IpcWriteOptions {
  MetadataVersion metadata_version = MetadataVersion::V5;
  /// Compress record batch and dictionary bodies buffer by buffer.
  CompressionType compression = CompressionType::NONE;
  /// Codec level; nullopt for the codec's default.
  std::optional<int> compression_level;
  /// Write the pre-0.15 framing (no 0xFFFFFFFF continuation marker).
  bool write_legacy_ipc_format = false;
  /// When a dictionary grows by appending, send only the new entries as a delta
  /// (stream format only; the file format always replaces).
  bool emit_dictionary_deltas = false;
  /// Nested types deeper than this are refused.
  int max_recursion_depth = 64;
  /// Where serialized metadata and compressed buffers come from.
  MemoryPool* pool = default_memory_pool();

  static IpcWriteOptions Defaults() { return {}; }
};

struct QUIVER_EXPORT IpcReadOptions {
  /// Nested types deeper than this are refused.
  int max_recursion_depth = 64;
  /// Run ValidateFull on every batch read. Arrow C++ does not; Quiver does by
  /// default because what it reads comes from files and networks it does not trust.
  /// Turning it off skips the per-value checks (offsets, UTF-8, dictionary
  /// indices) but never the structural bounds checks the reader needs for safety.
  bool validate = true;
  /// Convert big-endian input to little-endian (true) or refuse it with an error (false).
  bool ensure_native_endian = true;
  /// Largest body or decompressed buffer accepted, in bytes (guards allocation).
  int64_t max_body_size = int64_t{1} << 34;
  MemoryPool* pool = default_memory_pool();

  static IpcReadOptions Defaults() { return {}; }
};

}  // namespace quiver::ipc
