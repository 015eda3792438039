#include "quiver/ipc/compression.h"

#include <lz4frame.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <cctype>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace quiver::ipc {

// ---------------------------------------------------------------------------
// Names

std::string_view CompressionTypeName(CompressionType type) {
  switch (type) {
    case CompressionType::NONE:
      return "none";
    case CompressionType::LZ4_FRAME:
      return "lz4";
    case CompressionType::ZSTD:
      return "zstd";
  }
  return "unknown";
}

Result<CompressionType> CompressionTypeFromName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "none") return CompressionType::NONE;
  if (lower == "lz4" || lower == "lz4_frame") return CompressionType::LZ4_FRAME;
  if (lower == "zstd") return CompressionType::ZSTD;
  return Status::Invalid("unsupported IPC compression \"", name,
                         "\": expected one of none, lz4 (or lz4_frame), zstd");
}

namespace {

constexpr int64_t kPrefixLength = 8;
// The prefix value that marks a buffer written without compression.
constexpr int64_t kNotCompressed = -1;
// Arrow C++ and pyarrow default to level 1 for IPC: bodies are compressed on
// the write path of every batch, where speed matters more than the last percent.
constexpr int kZstdDefaultLevel = 1;
// LZ4F's level 0 is its fast (non-HC) mode.
constexpr int kLz4DefaultLevel = 0;

// Byte by byte so the framing is little-endian on any host; compilers turn
// these loops into a single load or store on little-endian machines.
int64_t LoadLittleEndianInt64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return static_cast<int64_t>(v);
}

void StoreLittleEndianInt64(int64_t value, uint8_t* p) {
  auto v = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) {
    p[i] = static_cast<uint8_t>(v & 0xFF);
    v >>= 8;
  }
}

// Codec contexts kept between calls. A Zstandard context is a ~100 KiB
// allocation and an LZ4 frame decompression context allocates its block
// buffers on first use, so reusing them matters when a batch has hundreds of
// small buffers. Each context serves one caller at a time, which is what makes
// a const Codec safe to share between threads.
template <typename Context>
class ContextCache {
 public:
  using CreateFn = Context* (*)();
  using DestroyFn = void (*)(Context*);

  // Hands a context back to its cache when the caller is done with it.
  class Lease {
   public:
    Lease(ContextCache* cache, Context* context) : cache_(cache), context_(context) {}
    Lease(Lease&& other) noexcept
        : cache_(other.cache_), context_(std::exchange(other.context_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (context_ != nullptr) cache_->Return(context_);
    }
    Context* get() const { return context_; }

   private:
    ContextCache* cache_;
    Context* context_;
  };

  ContextCache(std::string_view what, CreateFn create, DestroyFn destroy)
      : what_(what), create_(create), destroy_(destroy) {}
  ContextCache(const ContextCache&) = delete;
  ContextCache& operator=(const ContextCache&) = delete;
  ~ContextCache() {
    for (Context* context : idle_) destroy_(context);
  }

  Result<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        Context* context = idle_.back();
        idle_.pop_back();
        return Lease(this, context);
      }
    }
    Context* context = create_();
    if (context == nullptr) return Status::OutOfMemory("could not create a ", what_, " context");
    return Lease(this, context);
  }

 private:
  // More idle contexts than this are freed rather than kept: enough for the
  // threads that plausibly share one codec, without holding memory forever.
  static constexpr size_t kMaxIdle = 8;

  void Return(Context* context) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(context);
        return;
      }
    }
    destroy_(context);
  }

  std::string_view what_;
  CreateFn create_;
  DestroyFn destroy_;
  std::mutex mutex_;
  std::vector<Context*> idle_;
};

// ---------------------------------------------------------------------------
// LZ4 frame

LZ4F_dctx* CreateLz4DecompressionContext() {
  LZ4F_dctx* context = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&context, LZ4F_VERSION))) return nullptr;
  return context;
}

void FreeLz4DecompressionContext(LZ4F_dctx* context) { LZ4F_freeDecompressionContext(context); }

class Lz4FrameCodec final : public Codec {
 public:
  explicit Lz4FrameCodec(int level)
      : level_(level),
        contexts_("LZ4 frame decompression", &CreateLz4DecompressionContext,
                  &FreeLz4DecompressionContext) {}

  CompressionType type() const override { return CompressionType::LZ4_FRAME; }
  std::string_view name() const override { return "LZ4 frame"; }
  int level() const override { return level_; }

  int64_t MaxCompressedLength(int64_t in_len) const override {
    const LZ4F_preferences_t prefs = Preferences(in_len);
    return static_cast<int64_t>(LZ4F_compressFrameBound(static_cast<size_t>(in_len), &prefs));
  }

 private:
  LZ4F_preferences_t Preferences(int64_t content_size) const {
    LZ4F_preferences_t prefs;
    std::memset(&prefs, 0, sizeof(prefs));
    prefs.compressionLevel = level_;
    // Recording the content size in the frame header lets any LZ4 decoder
    // check the decompressed length on its own.
    prefs.frameInfo.contentSize = static_cast<unsigned long long>(content_size);
    return prefs;
  }

  Result<int64_t> DoCompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                             int64_t out_cap) const override {
    const LZ4F_preferences_t prefs = Preferences(in_len);
    const size_t written = LZ4F_compressFrame(out, static_cast<size_t>(out_cap), in,
                                              static_cast<size_t>(in_len), &prefs);
    if (LZ4F_isError(written)) {
      return Status::Invalid("LZ4 frame compression of ", in_len, " bytes into ", out_cap,
                             " failed: ", LZ4F_getErrorName(written));
    }
    return static_cast<int64_t>(written);
  }

  Status DoDecompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                      int64_t out_len) const override {
    QUIVER_ASSIGN_OR_RAISE(auto lease, contexts_.Acquire());
    LZ4F_dctx* dctx = lease.get();
    // A context that saw an error keeps its state; start every call afresh.
    LZ4F_resetDecompressionContext(dctx);

    const auto in_size = static_cast<size_t>(in_len);
    const auto out_size = static_cast<size_t>(out_len);
    size_t in_pos = 0;
    size_t out_pos = 0;
    // LZ4F_decompress returns 0 exactly when a frame is complete and fully
    // written out; anything else means it expects more input.
    size_t hint = 0;
    size_t frame_start = 0;
    // One call can stop short (output full, block buffered inside the context),
    // so keep calling until the input is consumed or no progress is possible.
    while (in_pos < in_size) {
      size_t src_size = in_size - in_pos;
      size_t dst_size = out_size - out_pos;
      hint = LZ4F_decompress(dctx, out + out_pos, &dst_size, in + in_pos, &src_size, nullptr);
      if (LZ4F_isError(hint)) {
        return Status::Invalid("LZ4 frame decompression failed: ", LZ4F_getErrorName(hint));
      }
      in_pos += src_size;
      out_pos += dst_size;
      if (hint == 0) frame_start = in_pos;
      if (src_size == 0 && dst_size == 0) break;
    }

    if (in_pos == in_size && hint == 0) {
      if (out_pos != out_size) {
        return Status::Invalid("LZ4 frame decompression: expected ", out_len,
                               " decompressed bytes but found ", out_pos);
      }
      return Status::OK();
    }
    if (out_pos == out_size) {
      // The output is full but the frame is not finished: ask for one more
      // byte to tell "there is more data" from "the input stops early".
      uint8_t probe = 0;
      size_t src_size = in_size - in_pos;
      size_t dst_size = 1;
      const size_t more = LZ4F_decompress(dctx, &probe, &dst_size, in + in_pos, &src_size, nullptr);
      if (LZ4F_isError(more)) {
        return Status::Invalid("LZ4 frame decompression failed: ", LZ4F_getErrorName(more));
      }
      if (dst_size > 0) {
        return Status::Invalid("LZ4 frame decompression: expected ", out_len,
                               " decompressed bytes but the data holds more");
      }
    }
    return Status::Invalid("LZ4 frame decompression: the input is truncated: the frame at byte ",
                           frame_start, " of ", in_len, " compressed bytes is incomplete after ",
                           out_pos, " of the expected ", out_len, " decompressed bytes");
  }

  const int level_;
  mutable ContextCache<LZ4F_dctx> contexts_;
};

// ---------------------------------------------------------------------------
// Zstandard

// Zstandard's error names ("Src size is incorrect") do not say where the input
// went wrong; walking the frame boundaries does, for truncated input and for
// bytes after the last frame. Empty when every frame parses.
std::string WhereFramesStopParsing(const uint8_t* in, size_t in_size) {
  size_t pos = 0;
  while (pos < in_size) {
    const size_t frame_size = ZSTD_findFrameCompressedSize(in + pos, in_size - pos);
    if (ZSTD_isError(frame_size)) {
      return "the frame at byte " + std::to_string(pos) + " of " + std::to_string(in_size) +
             " compressed bytes " +
             (ZSTD_getErrorCode(frame_size) == ZSTD_error_prefix_unknown
                  ? "does not start with a Zstandard magic number"
                  : "is truncated");
    }
    pos += frame_size;
  }
  return {};
}

class ZstdCodec final : public Codec {
 public:
  explicit ZstdCodec(int level)
      : level_(level),
        compression_contexts_(
            "ZSTD compression", [] { return ZSTD_createCCtx(); },
            [](ZSTD_CCtx* c) { ZSTD_freeCCtx(c); }),
        decompression_contexts_(
            "ZSTD decompression", [] { return ZSTD_createDCtx(); },
            [](ZSTD_DCtx* c) { ZSTD_freeDCtx(c); }) {}

  CompressionType type() const override { return CompressionType::ZSTD; }
  std::string_view name() const override { return "ZSTD"; }
  int level() const override { return level_; }

  int64_t MaxCompressedLength(int64_t in_len) const override {
    const size_t bound = ZSTD_compressBound(static_cast<size_t>(in_len));
    // Only inputs near the address-space limit have no bound; report one no
    // allocation can satisfy so the caller fails cleanly.
    if (ZSTD_isError(bound)) return std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(bound);
  }

 private:
  Result<int64_t> DoCompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                             int64_t out_cap) const override {
    QUIVER_ASSIGN_OR_RAISE(auto lease, compression_contexts_.Acquire());
    // ZSTD_compressCCtx writes the content size into the frame header.
    const size_t written = ZSTD_compressCCtx(lease.get(), out, static_cast<size_t>(out_cap), in,
                                             static_cast<size_t>(in_len), level_);
    if (ZSTD_isError(written)) {
      return Status::Invalid("ZSTD compression of ", in_len, " bytes into ", out_cap,
                             " failed: ", ZSTD_getErrorName(written));
    }
    return static_cast<int64_t>(written);
  }

  Status DoDecompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                      int64_t out_len) const override {
    const auto in_size = static_cast<size_t>(in_len);
    const auto out_size = static_cast<size_t>(out_len);
    if (in_size > 0) {
      // Peek at the first frame header: a declared size that cannot match
      // out_len is refused before any decoding work.
      const unsigned long long declared = ZSTD_getFrameContentSize(in, in_size);
      if (declared == ZSTD_CONTENTSIZE_ERROR) {
        const std::string where = WhereFramesStopParsing(in, in_size);
        return Status::Invalid("ZSTD decompression failed: ",
                               where.empty() ? "the first frame header is malformed" : where);
      }
      if (declared != ZSTD_CONTENTSIZE_UNKNOWN) {
        // With several frames the first declares only its own share.
        const bool single_frame = ZSTD_findFrameCompressedSize(in, in_size) == in_size;
        if (declared > out_size || (single_frame && declared != out_size)) {
          return Status::Invalid("ZSTD decompression: expected ", out_len,
                                 " decompressed bytes but the frame header declares ", declared);
        }
      }
    }
    QUIVER_ASSIGN_OR_RAISE(auto lease, decompression_contexts_.Acquire());
    const size_t written = ZSTD_decompressDCtx(lease.get(), out, out_size, in, in_size);
    if (ZSTD_isError(written)) {
      if (ZSTD_getErrorCode(written) == ZSTD_error_dstSize_tooSmall) {
        return Status::Invalid("ZSTD decompression: expected ", out_len,
                               " decompressed bytes but the data holds more");
      }
      const std::string where = WhereFramesStopParsing(in, in_size);
      return Status::Invalid("ZSTD decompression failed: ", ZSTD_getErrorName(written),
                             where.empty() ? "" : " (", where, where.empty() ? "" : ")");
    }
    if (written != out_size) {
      return Status::Invalid("ZSTD decompression: expected ", out_len,
                             " decompressed bytes but found ", written);
    }
    return Status::OK();
  }

  const int level_;
  mutable ContextCache<ZSTD_CCtx> compression_contexts_;
  mutable ContextCache<ZSTD_DCtx> decompression_contexts_;
};

}  // namespace

// ---------------------------------------------------------------------------
// Codec

Result<std::unique_ptr<Codec>> Codec::Create(CompressionType type, std::optional<int> level) {
  switch (type) {
    case CompressionType::LZ4_FRAME: {
      const int max_level = LZ4F_compressionLevel_max();
      const int chosen = level.value_or(kLz4DefaultLevel);
      if (chosen < 0 || chosen > max_level) {
        return Status::Invalid("LZ4 frame compression level must be between 0 and ", max_level,
                               " but found ", chosen);
      }
      return std::unique_ptr<Codec>(std::make_unique<Lz4FrameCodec>(chosen));
    }
    case CompressionType::ZSTD: {
      const int chosen = level.value_or(kZstdDefaultLevel);
      if (chosen < ZSTD_minCLevel() || chosen > ZSTD_maxCLevel()) {
        return Status::Invalid("ZSTD compression level must be between ", ZSTD_minCLevel(),
                               " and ", ZSTD_maxCLevel(), " but found ", chosen);
      }
      return std::unique_ptr<Codec>(std::make_unique<ZstdCodec>(chosen));
    }
    case CompressionType::NONE:
      return Status::Invalid("compression type none has no codec: expected lz4 or zstd");
  }
  return Status::Invalid("unknown compression type ", static_cast<int>(type),
                         ": expected lz4 or zstd");
}

Result<int64_t> Codec::Compress(const uint8_t* in, int64_t in_len, uint8_t* out,
                                int64_t out_cap) const {
  if (in_len < 0 || out_cap < 0) {
    return Status::Invalid(name(), " compression: lengths must not be negative but found input ",
                           in_len, " and output capacity ", out_cap);
  }
  if ((in == nullptr && in_len > 0) || (out == nullptr && out_cap > 0)) {
    return Status::Invalid(name(), " compression: null pointer with a non-zero length");
  }
  // LZ4F refuses any smaller capacity up front, Zstandard only when the output
  // happens not to fit; one rule for both keeps callers honest.
  const int64_t bound = MaxCompressedLength(in_len);
  if (out_cap < bound) {
    return Status::Invalid(name(), " compression of ", in_len,
                           " bytes needs an output capacity of at least ", bound, " but found ",
                           out_cap);
  }
  // The libraries may not accept null even for zero lengths.
  uint8_t empty = 0;
  return DoCompress(in != nullptr ? in : &empty, in_len, out != nullptr ? out : &empty, out_cap);
}

Result<int64_t> Codec::Decompress(const uint8_t* in, int64_t in_len, uint8_t* out,
                                  int64_t out_len) const {
  if (in_len < 0 || out_len < 0) {
    return Status::Invalid(name(), " decompression: lengths must not be negative but found input ",
                           in_len, " and output ", out_len);
  }
  if ((in == nullptr && in_len > 0) || (out == nullptr && out_len > 0)) {
    return Status::Invalid(name(), " decompression: null pointer with a non-zero length");
  }
  uint8_t empty = 0;
  QUIVER_RETURN_NOT_OK(DoDecompress(in != nullptr ? in : &empty, in_len,
                                    out != nullptr ? out : &empty, out_len));
  return out_len;
}

// ---------------------------------------------------------------------------
// Per-buffer framing

Result<std::shared_ptr<Buffer>> CompressBodyBuffer(const Codec& codec, const Buffer& raw,
                                                   MemoryPool* pool, bool* left_uncompressed) {
  if (left_uncompressed != nullptr) *left_uncompressed = false;
  const int64_t raw_len = raw.size();
  // Arrow C++ writes empty buffers as zero bytes, without a prefix; every
  // Arrow reader accepts that.
  if (raw_len == 0) return AllocateBuffer(0, pool);

  const int64_t bound = codec.MaxCompressedLength(raw_len);
  if (bound < 0 || bound > std::numeric_limits<int64_t>::max() - kPrefixLength) {
    return Status::CapacityError(codec.name(), " cannot compress a buffer of ", raw_len,
                                 " bytes: its compressed size has no bound");
  }
  // Room for the worst case, then shrunk to what was written.
  QUIVER_ASSIGN_OR_RAISE(auto framed, AllocateResizableBuffer(kPrefixLength + bound, pool));
  uint8_t* dst = framed->mutable_data();
  QUIVER_ASSIGN_OR_RAISE(const int64_t compressed,
                         codec.Compress(raw.data(), raw_len, dst + kPrefixLength, bound));
  int64_t framed_len = kPrefixLength + compressed;
  if (compressed < raw_len) {
    StoreLittleEndianInt64(raw_len, dst);
  } else {
    // Compression does not pay: send the raw bytes (the bound is never below
    // raw_len, so they fit).
    StoreLittleEndianInt64(kNotCompressed, dst);
    std::memcpy(dst + kPrefixLength, raw.data(), static_cast<size_t>(raw_len));
    framed_len = kPrefixLength + raw_len;
    if (left_uncompressed != nullptr) *left_uncompressed = true;
  }
  QUIVER_RETURN_NOT_OK(framed->Resize(framed_len, /*shrink_to_fit=*/true));
  return std::shared_ptr<Buffer>(std::move(framed));
}

Result<std::shared_ptr<Buffer>> DecompressBodyBuffer(const Codec& codec,
                                                     std::shared_ptr<Buffer> framed,
                                                     MemoryPool* pool,
                                                     int64_t max_uncompressed_length) {
  if (framed == nullptr) {
    return Status::Invalid(codec.name(), " compressed buffer is missing");
  }
  const int64_t framed_len = framed->size();
  if (framed_len == 0) return framed;
  if (framed_len < kPrefixLength) {
    return Status::Invalid(codec.name(), " compressed buffer is too short: expected at least the ",
                           kPrefixLength, "-byte uncompressed length prefix but found ",
                           framed_len, " bytes");
  }
  const int64_t declared = LoadLittleEndianInt64(framed->data());
  const int64_t payload_len = framed_len - kPrefixLength;
  if (declared == kNotCompressed) {
    return SliceBuffer(std::move(framed), kPrefixLength, payload_len);
  }
  if (declared < kNotCompressed) {
    return Status::Invalid(codec.name(), " compressed buffer has uncompressed length prefix ",
                           declared, ": expected -1 (not compressed) or a length >= 0");
  }
  if (declared > max_uncompressed_length) {
    return Status::Invalid(codec.name(), " compressed buffer declares ", declared,
                           " uncompressed bytes, more than the limit of ",
                           max_uncompressed_length);
  }
  if (declared == 0 && payload_len == 0) return AllocateBuffer(0, pool);

  QUIVER_ASSIGN_OR_RAISE(auto out, AllocateBuffer(declared, pool));
  QUIVER_RETURN_NOT_OK(
      codec.Decompress(framed->data() + kPrefixLength, payload_len, out->mutable_data(), declared)
          .status());
  return out;
}

}  // namespace quiver::ipc
