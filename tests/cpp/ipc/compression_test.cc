// Tests for the IPC body compression codecs and the per-buffer framing
// (quiver/ipc/compression.h), including hostile framed buffers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <lz4frame.h>
#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/ipc/compression.h"
#include "quiver/ipc/compression_type.h"
#include "quiver/memory.h"
#include "quiver/testing/matchers.h"

namespace quiver::ipc {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

std::vector<uint8_t> RandomBytes(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> out(static_cast<size_t>(n));
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// Little int32 values with long runs, like a typical offsets or category column.
std::vector<uint8_t> CompressibleBytes(int64_t n) {
  std::vector<uint8_t> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t value = (i / 4 / 16) % 100;
    out[static_cast<size_t>(i)] = i % 4 == 0 ? static_cast<uint8_t>(value) : 0;
  }
  return out;
}

std::shared_ptr<Buffer> Own(std::vector<uint8_t> bytes) {
  return Buffer::FromString(std::string(bytes.begin(), bytes.end()));
}

void PutInt64LE(int64_t value, uint8_t* p) {
  auto v = static_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

int64_t GetInt64LE(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return static_cast<int64_t>(v);
}

// An IPC-framed buffer: `prefix` as int64 little-endian, then `payload`.
std::shared_ptr<Buffer> Framed(int64_t prefix, const std::vector<uint8_t>& payload) {
  std::string bytes(8 + payload.size(), '\0');
  PutInt64LE(prefix, reinterpret_cast<uint8_t*>(bytes.data()));
  if (!payload.empty()) std::memcpy(bytes.data() + 8, payload.data(), payload.size());
  return Buffer::FromString(std::move(bytes));
}

// One frame of `raw`, compressed by the codec under test.
std::vector<uint8_t> CompressWith(const Codec& codec, const std::vector<uint8_t>& raw) {
  std::vector<uint8_t> out(static_cast<size_t>(codec.MaxCompressedLength(raw.size())));
  auto n = codec.Compress(raw.data(), static_cast<int64_t>(raw.size()), out.data(),
                          static_cast<int64_t>(out.size()));
  EXPECT_OK(n);
  out.resize(n.ok() ? static_cast<size_t>(*n) : 0);
  return out;
}

// A frame whose header does not record the content size, as streaming writers
// produce: the decoder learns the length only by decoding.
std::vector<uint8_t> CompressWithoutContentSize(CompressionType type,
                                                const std::vector<uint8_t>& raw) {
  std::vector<uint8_t> out;
  if (type == CompressionType::LZ4_FRAME) {
    LZ4F_preferences_t prefs;
    std::memset(&prefs, 0, sizeof(prefs));
    out.resize(LZ4F_compressFrameBound(raw.size(), &prefs));
    const size_t n = LZ4F_compressFrame(out.data(), out.size(), raw.data(), raw.size(), &prefs);
    EXPECT_FALSE(LZ4F_isError(n)) << LZ4F_getErrorName(n);
    out.resize(n);
  } else {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    EXPECT_FALSE(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0)));
    out.resize(ZSTD_compressBound(raw.size()));
    const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), raw.data(), raw.size());
    EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
    ZSTD_freeCCtx(cctx);
    out.resize(n);
  }
  return out;
}

std::vector<uint8_t> Concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class CodecTest : public ::testing::TestWithParam<CompressionType> {
 protected:
  void SetUp() override {
    auto codec = Codec::Create(GetParam());
    ASSERT_OK(codec);
    codec_ = *std::move(codec);
    pool_ = MakeSystemMemoryPool();
  }

  // Frames `raw`, checks the framing, reads it back and checks the bytes.
  void ExpectRoundTrip(const std::vector<uint8_t>& raw, bool expect_compressed) {
    SCOPED_TRACE("size " + std::to_string(raw.size()));
    auto source = Own(raw);
    bool left_uncompressed = true;
    auto framed = CompressBodyBuffer(*codec_, *source, pool_.get(), &left_uncompressed);
    ASSERT_OK(framed);
    const int64_t raw_len = static_cast<int64_t>(raw.size());
    if (raw.empty()) {
      EXPECT_EQ((*framed)->size(), 0);
      EXPECT_FALSE(left_uncompressed);
    } else {
      ASSERT_GE((*framed)->size(), 8);
      const int64_t prefix = GetInt64LE((*framed)->data());
      EXPECT_EQ(left_uncompressed, !expect_compressed);
      if (expect_compressed) {
        EXPECT_EQ(prefix, raw_len);
        EXPECT_LT((*framed)->size(), 8 + raw_len);
      } else {
        EXPECT_EQ(prefix, -1);
        EXPECT_EQ((*framed)->size(), 8 + raw_len);
      }
    }
    auto back = DecompressBodyBuffer(*codec_, *framed, pool_.get(), raw_len);
    ASSERT_OK(back);
    ASSERT_EQ((*back)->size(), raw_len);
    EXPECT_TRUE((*back)->Equals(*source));
  }

  std::unique_ptr<Codec> codec_;
  std::unique_ptr<MemoryPool> pool_;
};

INSTANTIATE_TEST_SUITE_P(BothCodecs, CodecTest,
                         ::testing::Values(CompressionType::LZ4_FRAME, CompressionType::ZSTD),
                         [](const ::testing::TestParamInfo<CompressionType>& info) {
                           return std::string(CompressionTypeName(info.param));
                         });

// --- Round trips -------------------------------------------------------------

TEST_P(CodecTest, CompressibleDataRoundTripsCompressed) {
  for (int64_t size : {int64_t{1} << 16, (int64_t{1} << 20) + 1}) {
    ExpectRoundTrip(CompressibleBytes(size), /*expect_compressed=*/true);
  }
}

TEST_P(CodecTest, TinyBuffersAreSentUncompressed) {
  // No frame fits in fewer bytes than its header, so tiny buffers never pay.
  for (int64_t size : {1, 7, 8}) {
    ExpectRoundTrip(CompressibleBytes(size), /*expect_compressed=*/false);
    ExpectRoundTrip(RandomBytes(size, 1), /*expect_compressed=*/false);
  }
}

TEST_P(CodecTest, RandomDataIsSentUncompressed) {
  for (int64_t size : {int64_t{64}, int64_t{1} << 16, (int64_t{1} << 20) + 1}) {
    ExpectRoundTrip(RandomBytes(size, 42), /*expect_compressed=*/false);
  }
}

TEST_P(CodecTest, EmptyBufferStaysEmptyWithoutPrefix) {
  ExpectRoundTrip({}, /*expect_compressed=*/false);
  auto empty = Own({});
  auto back = DecompressBodyBuffer(*codec_, empty, pool_.get(), 0);
  ASSERT_OK(back);
  EXPECT_EQ((*back)->size(), 0);
}

TEST_P(CodecTest, CodecRoundTripsDirectly) {
  for (int64_t size : {int64_t{0}, int64_t{1}, int64_t{7}, int64_t{8}, int64_t{1} << 16,
                       (int64_t{1} << 20) + 1}) {
    SCOPED_TRACE("size " + std::to_string(size));
    for (const auto& raw : {CompressibleBytes(size), RandomBytes(size, 7)}) {
      const auto compressed = CompressWith(*codec_, raw);
      ASSERT_FALSE(compressed.empty());  // even empty input makes a frame
      std::vector<uint8_t> out(raw.size() + 1, 0xAB);
      auto n = codec_->Decompress(compressed.data(), static_cast<int64_t>(compressed.size()),
                                  out.data(), static_cast<int64_t>(raw.size()));
      ASSERT_THAT(n, IsOkAndHolds(size));
      EXPECT_TRUE(std::equal(raw.begin(), raw.end(), out.begin()));
      EXPECT_EQ(out.back(), 0xAB) << "wrote past the output";
    }
  }
}

TEST_P(CodecTest, FramesWithoutContentSizeDecode) {
  const auto raw = CompressibleBytes(100000);
  auto framed = Framed(100000, CompressWithoutContentSize(GetParam(), raw));
  auto back = DecompressBodyBuffer(*codec_, framed, pool_.get(), kNoLimit);
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*Own(raw)));
}

TEST_P(CodecTest, ConcatenatedFramesDecode) {
  const auto first = CompressibleBytes(5000);
  const auto second = RandomBytes(3000, 3);
  auto framed = Framed(8000, Concat(CompressWith(*codec_, first), CompressWith(*codec_, second)));
  auto back = DecompressBodyBuffer(*codec_, framed, pool_.get(), kNoLimit);
  ASSERT_OK(back);
  EXPECT_TRUE((*back)->Equals(*Own(Concat(first, second))));
}

TEST_P(CodecTest, LevelsAcrossTheRangeRoundTrip) {
  const int max_level = GetParam() == CompressionType::ZSTD ? ZSTD_maxCLevel() / 2 : 12;
  for (int level : {1, max_level}) {
    auto codec = Codec::Create(GetParam(), level);
    ASSERT_OK(codec);
    EXPECT_EQ((*codec)->level(), level);
    auto raw = Own(CompressibleBytes(70000));
    auto framed = CompressBodyBuffer(**codec, *raw, pool_.get(), nullptr);
    ASSERT_OK(framed);
    auto back = DecompressBodyBuffer(*codec_, *framed, pool_.get(), kNoLimit);
    ASSERT_OK(back);
    EXPECT_TRUE((*back)->Equals(*raw));
  }
}

TEST_P(CodecTest, UncompressedPayloadIsAZeroCopySlice) {
  auto framed = Framed(-1, {1, 2, 3, 4, 5});
  auto back = DecompressBodyBuffer(*codec_, framed, pool_.get(), 0);
  ASSERT_OK(back);
  EXPECT_EQ((*back)->data(), framed->data() + 8);
  EXPECT_EQ((*back)->size(), 5);
  EXPECT_EQ((*back)->parent(), framed);
  EXPECT_EQ(pool_->num_allocations(), 0);
}

TEST_P(CodecTest, JavaStyleEmptyBufferDecodesToEmpty) {
  // Arrow Java frames an empty buffer as the prefix 0 with nothing after it.
  auto back = DecompressBodyBuffer(*codec_, Framed(0, {}), pool_.get(), 0);
  ASSERT_OK(back);
  EXPECT_EQ((*back)->size(), 0);
  // A real frame of zero bytes after the prefix 0 is fine too.
  auto with_frame = Framed(0, CompressWith(*codec_, {}));
  auto back2 = DecompressBodyBuffer(*codec_, with_frame, pool_.get(), 0);
  ASSERT_OK(back2);
  EXPECT_EQ((*back2)->size(), 0);
}

TEST_P(CodecTest, CompressedBufferIsShrunkToItsLength) {
  auto raw = Own(CompressibleBytes(int64_t{1} << 20));
  auto framed = CompressBodyBuffer(*codec_, *raw, pool_.get(), nullptr);
  ASSERT_OK(framed);
  // The worst-case allocation was given back: only the framed bytes stay held.
  EXPECT_EQ(pool_->bytes_allocated(), PaddedLength((*framed)->size()));
  EXPECT_LT((*framed)->size(), raw->size() / 4);
}

TEST_P(CodecTest, SharedAcrossThreads) {
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto raw = Own(i % 2 == 0 ? CompressibleBytes(10000 + t * 100 + i)
                                  : RandomBytes(5000 + i, static_cast<uint64_t>(t)));
        auto framed = CompressBodyBuffer(*codec_, *raw, pool_.get(), nullptr);
        if (!framed.ok()) continue;
        auto back = DecompressBodyBuffer(*codec_, *framed, pool_.get(), kNoLimit);
        if (back.ok() && (*back)->Equals(*raw)) ++good[static_cast<size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(good[static_cast<size_t>(t)], 20) << "thread " << t;
}

// --- Hostile framed buffers ---------------------------------------------------

TEST_P(CodecTest, PrefixShorterThanEightBytesIsInvalid) {
  for (int n = 1; n < 8; ++n) {
    auto bytes = Own(std::vector<uint8_t>(static_cast<size_t>(n), 0));
    EXPECT_THAT(DecompressBodyBuffer(*codec_, bytes, pool_.get(), kNoLimit),
                StatusIs(StatusCode::Invalid,
                         AllOf(HasSubstr(std::string(codec_->name())),
                               HasSubstr("expected at least the 8-byte"),
                               HasSubstr("found " + std::to_string(n) + " bytes"))));
  }
}

TEST_P(CodecTest, PrefixBelowMinusOneIsInvalid) {
  for (int64_t prefix : {int64_t{-2}, std::numeric_limits<int64_t>::min()}) {
    EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(prefix, {1, 2, 3}), pool_.get(), kNoLimit),
                StatusIs(StatusCode::Invalid, AllOf(HasSubstr(std::to_string(prefix)),
                                                    HasSubstr("expected -1"))));
  }
  EXPECT_EQ(pool_->max_memory(), 0);
}

TEST_P(CodecTest, PrefixOverTheCapIsRefusedBeforeAllocating) {
  const auto payload = CompressWith(*codec_, CompressibleBytes(1000));
  for (int64_t prefix : {int64_t{1} << 40, std::numeric_limits<int64_t>::max()}) {
    EXPECT_THAT(
        DecompressBodyBuffer(*codec_, Framed(prefix, payload), pool_.get(), int64_t{1} << 20),
        StatusIs(StatusCode::Invalid,
                 AllOf(HasSubstr("declares " + std::to_string(prefix) + " uncompressed bytes"),
                       HasSubstr("limit of 1048576"))));
  }
  EXPECT_EQ(pool_->max_memory(), 0) << "allocated what a hostile prefix claimed";
}

TEST_P(CodecTest, PrefixLargerThanTheRealSizeIsInvalid) {
  const auto payload = CompressWith(*codec_, CompressibleBytes(4096));
  EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(8192, payload), pool_.get(), kNoLimit),
              StatusIs(StatusCode::Invalid,
                       AllOf(HasSubstr(std::string(codec_->name())),
                             HasSubstr("expected 8192 decompressed bytes but"),
                             HasSubstr("4096"))));
  // Without a content size in the header the decoder finds out by decoding.
  const auto bare = CompressWithoutContentSize(GetParam(), CompressibleBytes(4096));
  EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(8192, bare), pool_.get(), kNoLimit),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("expected 8192 decompressed bytes but found 4096")));
  EXPECT_EQ(pool_->bytes_allocated(), 0) << "the failed output buffer was kept";
}

TEST_P(CodecTest, PrefixSmallerThanTheRealSizeIsInvalid) {
  const auto payload = CompressWith(*codec_, CompressibleBytes(4096));
  EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(100, payload), pool_.get(), kNoLimit),
              StatusIs(StatusCode::Invalid,
                       AllOf(HasSubstr(std::string(codec_->name())),
                             HasSubstr("expected 100 decompressed bytes but"))));
  const auto bare = CompressWithoutContentSize(GetParam(), CompressibleBytes(4096));
  EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(100, bare), pool_.get(), kNoLimit),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("expected 100 decompressed bytes but the data holds more")));
  EXPECT_EQ(pool_->bytes_allocated(), 0);
}

TEST_P(CodecTest, GarbageIsInvalid) {
  const std::string expected = GetParam() == CompressionType::LZ4_FRAME
                                   ? "LZ4 frame decompression failed: ERROR_frameType_unknown"
                                   : "ZSTD decompression failed";
  EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(1000, RandomBytes(64, 9)), pool_.get(), 1000),
              StatusIs(StatusCode::Invalid, HasSubstr(expected)));
  // A valid magic number followed by garbage fails deeper inside the frame.
  auto valid = CompressWith(*codec_, RandomBytes(3000, 5));
  for (size_t i = 4; i < valid.size(); ++i) valid[i] = static_cast<uint8_t>(valid[i] ^ 0x5A);
  EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(3000, valid), pool_.get(), 3000),
              StatusIs(StatusCode::Invalid, HasSubstr(std::string(codec_->name()))));
  EXPECT_EQ(pool_->bytes_allocated(), 0);
}

TEST_P(CodecTest, TruncatedFramesAreInvalid) {
  const auto raw = CompressibleBytes(70000);
  for (const auto& full :
       {CompressWith(*codec_, raw), CompressWithoutContentSize(GetParam(), raw)}) {
    for (size_t cut : {size_t{1}, size_t{3}, size_t{4}, full.size() / 2, full.size() - 5}) {
      SCOPED_TRACE("cut " + std::to_string(cut));
      std::vector<uint8_t> truncated(full.begin(), full.end() - static_cast<ptrdiff_t>(cut));
      EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(70000, truncated), pool_.get(), kNoLimit),
                  StatusIs(StatusCode::Invalid, AllOf(HasSubstr(std::string(codec_->name())),
                                                      HasSubstr("truncated"))));
    }
  }
}

TEST_P(CodecTest, TrailingGarbageAfterTheFrameIsInvalid) {
  const auto raw = CompressibleBytes(4096);
  const auto frame = CompressWith(*codec_, raw);
  for (size_t garbage : {1, 2, 3, 4, 16}) {
    SCOPED_TRACE("garbage " + std::to_string(garbage));
    auto payload = Concat(frame, RandomBytes(static_cast<int64_t>(garbage), garbage));
    EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(4096, payload), pool_.get(), kNoLimit),
                StatusIs(StatusCode::Invalid, HasSubstr(std::string(codec_->name()))));
    if (GetParam() == CompressionType::ZSTD) {
      EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(4096, payload), pool_.get(), kNoLimit),
                  StatusIs(StatusCode::Invalid,
                           HasSubstr("the frame at byte " + std::to_string(frame.size()) +
                                     " of " + std::to_string(payload.size()) +
                                     " compressed bytes does not start with a Zstandard magic")));
    }
  }
  if (GetParam() == CompressionType::LZ4_FRAME) {
    // Fewer bytes than a frame header read as the start of a frame that stops early.
    EXPECT_THAT(
        DecompressBodyBuffer(*codec_, Framed(4096, Concat(frame, {1, 2})), pool_.get(), kNoLimit),
        StatusIs(StatusCode::Invalid, HasSubstr("truncated: the frame at byte " +
                                                std::to_string(frame.size()))));
    EXPECT_THAT(DecompressBodyBuffer(*codec_, Framed(4096, Concat(frame, {1, 2, 3, 4, 5, 6, 7})),
                                     pool_.get(), kNoLimit),
                StatusIs(StatusCode::Invalid, HasSubstr("ERROR_frameType_unknown")));
  }
}

// --- Codec arguments ------------------------------------------------------------

TEST_P(CodecTest, DescribesItself) {
  EXPECT_EQ(codec_->type(), GetParam());
  if (GetParam() == CompressionType::LZ4_FRAME) {
    EXPECT_EQ(codec_->name(), "LZ4 frame");
    EXPECT_EQ(codec_->level(), 0);
  } else {
    EXPECT_EQ(codec_->name(), "ZSTD");
    EXPECT_EQ(codec_->level(), 1);
  }
}

TEST_P(CodecTest, BadArgumentsAreInvalid) {
  const auto raw = CompressibleBytes(1000);
  std::vector<uint8_t> out(16);
  EXPECT_THAT(codec_->Compress(raw.data(), 1000, out.data(), 16),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("compression of 1000 bytes needs an output capacity of at least " +
                                 std::to_string(codec_->MaxCompressedLength(1000)) +
                                 " but found 16")));
  EXPECT_THAT(codec_->Compress(raw.data(), -1, out.data(), 16),
              StatusIs(StatusCode::Invalid, HasSubstr("must not be negative")));
  EXPECT_THAT(codec_->Decompress(raw.data(), 10, out.data(), -5),
              StatusIs(StatusCode::Invalid, HasSubstr("must not be negative")));
  EXPECT_THAT(codec_->Decompress(nullptr, 10, out.data(), 16),
              StatusIs(StatusCode::Invalid, HasSubstr("null pointer")));
  EXPECT_THAT(codec_->Decompress(raw.data(), 0, out.data(), 16),
              StatusIs(StatusCode::Invalid, HasSubstr("expected 16 decompressed bytes")));
}

TEST(CodecCreateTest, RefusesNoneAndOutOfRangeLevels) {
  EXPECT_THAT(Codec::Create(CompressionType::NONE),
              StatusIs(StatusCode::Invalid, HasSubstr("none has no codec")));
  EXPECT_THAT(Codec::Create(CompressionType::LZ4_FRAME, 13),
              StatusIs(StatusCode::Invalid, HasSubstr("between 0 and 12 but found 13")));
  EXPECT_THAT(Codec::Create(CompressionType::LZ4_FRAME, -1),
              StatusIs(StatusCode::Invalid, HasSubstr("but found -1")));
  EXPECT_THAT(Codec::Create(CompressionType::ZSTD, ZSTD_maxCLevel() + 1),
              StatusIs(StatusCode::Invalid,
                       HasSubstr("but found " + std::to_string(ZSTD_maxCLevel() + 1))));
  EXPECT_THAT(Codec::Create(static_cast<CompressionType>(9)),
              StatusIs(StatusCode::Invalid, HasSubstr("unknown compression type 9")));
}

// --- Names ----------------------------------------------------------------------

TEST(CompressionTypeNameTest, RoundTrips) {
  for (auto type : {CompressionType::NONE, CompressionType::LZ4_FRAME, CompressionType::ZSTD}) {
    EXPECT_THAT(CompressionTypeFromName(CompressionTypeName(type)), IsOkAndHolds(type));
  }
  EXPECT_EQ(CompressionTypeName(CompressionType::LZ4_FRAME), "lz4");
  EXPECT_EQ(CompressionTypeName(static_cast<CompressionType>(9)), "unknown");
}

TEST(CompressionTypeNameTest, ParsesAnyCaseAndTheFrameAlias) {
  EXPECT_THAT(CompressionTypeFromName("ZSTD"), IsOkAndHolds(CompressionType::ZSTD));
  EXPECT_THAT(CompressionTypeFromName("Lz4_Frame"), IsOkAndHolds(CompressionType::LZ4_FRAME));
  EXPECT_THAT(CompressionTypeFromName("LZ4"), IsOkAndHolds(CompressionType::LZ4_FRAME));
  EXPECT_THAT(CompressionTypeFromName("None"), IsOkAndHolds(CompressionType::NONE));
}

TEST(CompressionTypeNameTest, UnsupportedNamesListTheSupportedOnes) {
  for (const char* name : {"snappy", "gzip", "lz4_raw", "", "zstd "}) {
    std::string quoted = "\"";
    quoted.append(name).push_back('"');
    EXPECT_THAT(CompressionTypeFromName(name),
                StatusIs(StatusCode::Invalid,
                         AllOf(HasSubstr(quoted),
                               HasSubstr("expected one of none, lz4 (or lz4_frame), zstd"))));
  }
}

}  // namespace
}  // namespace quiver::ipc
