#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "quiver/buffer.h"
#include "quiver/memory.h"
#include "quiver/testing/matchers.h"

namespace quiver {
namespace {

TEST(MemoryPoolTest, AllocationsAreAlignedPaddedAndCounted) {
  auto pool = MakeSystemMemoryPool();
  auto r = pool->Allocate(100);
  ASSERT_OK(r);
  uint8_t* p = *r;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
  for (int i = 100; i < 128; ++i) EXPECT_EQ(p[i], 0) << "padding byte " << i;
  EXPECT_EQ(pool->bytes_allocated(), 100);
  auto r2 = pool->Allocate(50);
  ASSERT_OK(r2);
  EXPECT_EQ(pool->bytes_allocated(), 150);
  EXPECT_EQ(pool->max_memory(), 150);
  pool->Free(p, 100);
  EXPECT_EQ(pool->bytes_allocated(), 50);
  EXPECT_EQ(pool->max_memory(), 150);
  auto r3 = pool->Reallocate(*r2, 50, 300);
  ASSERT_OK(r3);
  EXPECT_EQ(pool->bytes_allocated(), 300);
  pool->Free(*r3, 300);
  EXPECT_EQ(pool->bytes_allocated(), 0);
  EXPECT_EQ(pool->num_allocations(), 2);
}

TEST(MemoryPoolTest, ZeroSizeAndNegativeSizes) {
  auto pool = MakeSystemMemoryPool();
  auto r = pool->Allocate(0);
  ASSERT_OK(r);
  EXPECT_NE(*r, nullptr);
  pool->Free(*r, 0);
  EXPECT_THAT(pool->Allocate(-1), StatusIs(StatusCode::Invalid, ::testing::HasSubstr("negative")));
}

TEST(MemoryPoolTest, ImpossibleAllocationIsAnErrorNotACrash) {
  auto pool = MakeSystemMemoryPool();
  EXPECT_THAT(pool->Allocate(int64_t{1} << 62), StatusIs(StatusCode::OutOfMemory, ::testing::_));
  EXPECT_EQ(pool->bytes_allocated(), 0);
}

TEST(BufferTest, AllocateAndFreeThroughThePool) {
  auto pool = MakeSystemMemoryPool();
  {
    auto r = AllocateBuffer(10, pool.get());
    ASSERT_OK(r);
    auto buf = *r;
    EXPECT_TRUE(buf->is_mutable());
    EXPECT_EQ(buf->size(), 10);
    std::memcpy(buf->mutable_data(), "0123456789", 10);
    EXPECT_EQ(buf->ToString(), "0123456789");
    EXPECT_EQ(pool->bytes_allocated(), 10);
  }
  EXPECT_EQ(pool->bytes_allocated(), 0);
}

TEST(BufferTest, SlicesShareMemoryAndKeepTheParentAlive) {
  auto pool = MakeSystemMemoryPool();
  std::shared_ptr<Buffer> slice;
  const uint8_t* base;
  {
    auto buf = *Buffer::CopyFrom("hello world", pool.get());
    base = buf->data();
    slice = SliceBuffer(buf, 6, 5);
  }
  EXPECT_EQ(slice->data(), base + 6);
  EXPECT_EQ(slice->ToString(), "world");
  EXPECT_FALSE(slice->is_mutable());
  EXPECT_EQ(pool->bytes_allocated(), 11);  // parent still alive through the slice
  slice.reset();
  EXPECT_EQ(pool->bytes_allocated(), 0);
}

TEST(BufferTest, MutableSliceOfMutableParent) {
  auto buf = *AllocateZeroedBuffer(8);
  auto slice = SliceMutableBuffer(buf, 2, 4);
  ASSERT_TRUE(slice->is_mutable());
  slice->mutable_data()[0] = 7;
  EXPECT_EQ(buf->data()[2], 7);
  auto ro = SliceMutableBuffer(Buffer::FromString("abc"), 0, 1);
  EXPECT_FALSE(ro->is_mutable());
  EXPECT_EQ(ro->mutable_data(), nullptr);
}

TEST(BufferTest, CheckedSliceReportsOutOfRange) {
  auto buf = Buffer::FromString("abcdef");
  EXPECT_THAT(SliceBufferChecked(buf, 4, 3),
              StatusIs(StatusCode::IndexError, ::testing::HasSubstr("out of bounds for a buffer of 6 bytes")));
  EXPECT_THAT(SliceBufferChecked(buf, -1, 1), StatusIs(StatusCode::IndexError, ::testing::_));
  auto ok = SliceBufferChecked(buf, 4, 2);
  ASSERT_OK(ok);
  EXPECT_EQ((*ok)->ToString(), "ef");
  // The unchecked form clamps instead of pointing outside the parent.
  EXPECT_EQ(SliceBuffer(buf, 4, 100)->ToString(), "ef");
}

TEST(BufferTest, ForeignMemoryIsReleasedExactlyOnce) {
  int releases = 0;
  static const uint8_t bytes[4] = {1, 2, 3, 4};
  {
    auto buf = Buffer::WrapForeign(bytes, 4, [&] { ++releases; });
    auto s1 = SliceBuffer(buf, 1, 2);
    auto s2 = SliceBuffer(s1, 1, 1);
    buf.reset();
    s1.reset();
    EXPECT_EQ(releases, 0);
    EXPECT_EQ(s2->data()[0], 3);
  }
  EXPECT_EQ(releases, 1);
}

TEST(BufferTest, ResizableBufferGrowsZeroedAndShrinks) {
  auto pool = MakeSystemMemoryPool();
  auto r = AllocateResizableBuffer(3, pool.get());
  ASSERT_OK(r);
  auto buf = std::move(*r);
  std::memcpy(buf->mutable_data(), "abc", 3);
  ASSERT_OK(buf->Resize(1000));
  EXPECT_EQ(buf->size(), 1000);
  EXPECT_GE(buf->capacity(), 1000);
  EXPECT_EQ(buf->capacity() % 64, 0);
  EXPECT_EQ(std::memcmp(buf->data(), "abc", 3), 0);
  for (int i = 3; i < 1000; ++i) ASSERT_EQ(buf->data()[i], 0);
  ASSERT_OK(buf->Resize(2, /*shrink_to_fit=*/true));
  EXPECT_EQ(buf->capacity(), 64);
  EXPECT_EQ(buf->data()[2], 0);
  EXPECT_THAT(buf->Resize(-5), StatusIs(StatusCode::Invalid, ::testing::_));
}

TEST(BufferTest, EqualityAndHex) {
  auto a = Buffer::FromString("abc");
  auto b = *Buffer::CopyFrom("abc");
  auto c = Buffer::FromString("abd");
  EXPECT_TRUE(a->Equals(*b));
  EXPECT_FALSE(a->Equals(*c));
  EXPECT_TRUE(a->Equals(*c, 2));
  EXPECT_EQ(a->ToHexString(), "616263");
  EXPECT_EQ(a->ToHexString(2), "6162...");
}

}  // namespace
}  // namespace quiver
