// Body compression for Arrow IPC: the LZ4-frame and Zstandard codecs, and the
// per-buffer framing that the IPC format wraps around their output.
//
// Internal to the ipc layer (the reader and writer use it); the public face is
// quiver/ipc/compression_type.h.
//
// The framing (Message.fbs, BodyCompressionMethod::BUFFER): every non-empty
// body buffer of a compressed record batch is written as
//
//   int64 little-endian uncompressed length | compressed bytes
//
// where a length of -1 says the bytes that follow are the raw, uncompressed
// data (used when compression would not make the buffer smaller). An empty
// buffer is written as zero bytes with no length prefix at all, as Arrow C++
// does; the reader also accepts the 8-byte prefix 0 with nothing after it,
// which is how Arrow Java writes an empty buffer.
//
//   QUIVER_ASSIGN_OR_RAISE(auto codec, Codec::Create(CompressionType::ZSTD));
//   QUIVER_ASSIGN_OR_RAISE(auto framed, CompressBodyBuffer(*codec, *raw, pool, nullptr));
//   QUIVER_ASSIGN_OR_RAISE(auto again, DecompressBodyBuffer(*codec, framed, pool, limit));
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "quiver/buffer.h"
#include "quiver/ipc/compression_type.h"
#include "quiver/memory.h"
#include "quiver/result.h"

namespace quiver::ipc {

/// One compression codec. Compress and Decompress are const and safe to call
/// from several threads at once on the same Codec.
class Codec {
 public:
  virtual ~Codec() = default;

  /// A codec for `type` (LZ4_FRAME or ZSTD; NONE is Invalid). `level` nullopt
  /// takes the codec's default: the fast LZ4 mode, and Zstandard level 1 (what
  /// Arrow C++ and pyarrow use for IPC, favouring speed over ratio). An explicit
  /// level must lie in the codec's range (LZ4: 0..12, Zstandard:
  /// ZSTD_minCLevel()..ZSTD_maxCLevel()), else Invalid.
  static Result<std::unique_ptr<Codec>> Create(CompressionType type,
                                               std::optional<int> level = std::nullopt);

  virtual CompressionType type() const = 0;
  /// "LZ4 frame" or "ZSTD", as error messages name the codec.
  virtual std::string_view name() const = 0;
  /// The level actually used.
  virtual int level() const = 0;

  /// The largest output Compress can produce for `in_len` (>= 0) input bytes.
  virtual int64_t MaxCompressedLength(int64_t in_len) const = 0;

  /// Compresses `in` into a single frame at `out` and returns the frame's length.
  /// `out_cap` must be at least MaxCompressedLength(in_len).
  Result<int64_t> Compress(const uint8_t* in, int64_t in_len, uint8_t* out,
                           int64_t out_cap) const;

  /// Decompresses `in` into `out`, returning out_len. `in` is untrusted: it must
  /// decode to exactly `out_len` bytes (shorter or longer output is Invalid,
  /// naming both lengths), every byte of it must belong to a well-formed frame
  /// (several concatenated frames are accepted, trailing garbage is not), and
  /// nothing is ever written past out + out_len.
  Result<int64_t> Decompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                             int64_t out_len) const;

 private:
  // Called with lengths >= 0 and non-null pointers.
  virtual Result<int64_t> DoCompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                                     int64_t out_cap) const = 0;
  virtual Status DoDecompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                              int64_t out_len) const = 0;
};

/// Frames one body buffer for the wire: the 8-byte uncompressed length, then
/// `raw` compressed with `codec`. When compressing does not make the buffer
/// smaller, writes the prefix -1 and a copy of `raw` instead and sets
/// `*left_uncompressed` (when not null) to true. An empty `raw` gives an empty
/// buffer (no prefix). The result is new memory from `pool`, owned by the caller.
Result<std::shared_ptr<Buffer>> CompressBodyBuffer(const Codec& codec, const Buffer& raw,
                                                   MemoryPool* pool, bool* left_uncompressed);

/// Undoes CompressBodyBuffer for one buffer cut from an untrusted message body.
///
/// - empty `framed`: `framed` itself;
/// - prefix -1: a zero-copy slice of `framed` past the prefix (it keeps `framed` alive);
/// - prefix 0 with nothing after it: an empty buffer (Arrow Java's encoding);
/// - prefix n >= 0: n bytes decompressed into new memory from `pool`.
///
/// Invalid when `framed` is 1 to 7 bytes long, when the prefix is below -1, when
/// it exceeds `max_uncompressed_length` (checked before anything is allocated,
/// so a hostile prefix cannot make the reader allocate more than the cap), or
/// when the bytes after the prefix do not decode to exactly n bytes.
Result<std::shared_ptr<Buffer>> DecompressBodyBuffer(const Codec& codec,
                                                     std::shared_ptr<Buffer> framed,
                                                     MemoryPool* pool,
                                                     int64_t max_uncompressed_length);

}  // namespace quiver::ipc
