// The codecs an Arrow IPC record batch body may be compressed with.
//
// Arrow IPC compresses a message body buffer by buffer (BodyCompression, method
// BUFFER in Message.fbs) with one of two codecs: LZ4 in its *frame* format (as
// lz4frame.h writes it, not the raw block format) or Zstandard. Choose one in
// IpcWriteOptions::compression; readers pick the codec from each message.
//
//   QUIVER_ASSIGN_OR_RAISE(options.compression, CompressionTypeFromName("zstd"));
//   std::cout << CompressionTypeName(options.compression);  // "zstd"
//
// Names follow pyarrow's: "lz4" means the LZ4 frame format, "none" no compression.
#pragma once

#include <cstdint>
#include <string_view>

#include "quiver/result.h"
#include "quiver/visibility.h"

namespace quiver::ipc {

enum class CompressionType : int8_t { NONE, LZ4_FRAME, ZSTD };

/// "none", "lz4" or "zstd"; "unknown" for a value outside the enum.
QUIVER_EXPORT std::string_view CompressionTypeName(CompressionType type);

/// Parses "none", "lz4", "lz4_frame" or "zstd", in any letter case. Anything
/// else (including codecs Arrow IPC does not allow, such as "snappy") is Invalid,
/// with a message listing the accepted names.
QUIVER_EXPORT Result<CompressionType> CompressionTypeFromName(std::string_view name);

}  // namespace quiver::ipc
