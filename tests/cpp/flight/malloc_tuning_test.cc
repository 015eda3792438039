// TuneMallocForLargeMessages: once a Flight client exists, a large block comes
// from malloc's heap (reused) rather than from a fresh mmap. The opt-outs
// (QUIVER_MALLOC_TUNING=0, the user's own GLIBC_TUNABLES) need fresh processes
// and are checked in tests/python/test_malloc_tuning.py.
#include <gtest/gtest.h>

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "quiver/flight/client.h"
#include "quiver/flight/malloc_tuning.h"

namespace quiver::flight {
namespace {

// AddressSanitizer brings its own allocator and answers mallopt with "not
// applied". (ThreadSanitizer's allocator also replaces malloc but lets mallopt
// through to glibc, so the glibc expectations below hold there as well.)
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMalloptRefused = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kMalloptRefused = true;
#else
constexpr bool kMalloptRefused = false;
#endif
#else
constexpr bool kMalloptRefused = false;
#endif

bool UserChoseMallocLimits() {
  for (const char* name : {"QUIVER_MALLOC_TUNING", "GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

TEST(MallocTuning, AppliedByTheFirstClientAndLargeBlocksComeFromTheHeap) {
  ASSERT_FALSE(UserChoseMallocLimits()) << "run this test without malloc settings in the environment";
  // Connecting does not dial (gRPC connects lazily) but makes the transport.
  auto location = Location::ForGrpcTcp("127.0.0.1", 1);
  ASSERT_TRUE(location.ok()) << location.status().ToString();
  auto client = FlightClient::Connect(*location);
  ASSERT_TRUE(client.ok()) << client.status().ToString();

  const bool applied = TuneMallocForLargeMessages();
#if defined(__GLIBC__)
  if (kMalloptRefused) {
    EXPECT_FALSE(applied) << "AddressSanitizer's allocator should have refused mallopt";
    return;
  }
  EXPECT_TRUE(applied);
  // 8 MiB: mmap'ed under glibc's default limits, from the heap under Quiver's.
  const size_t mapped_before = mallinfo2().hblks;
  void* block = std::malloc(8 << 20);
  ASSERT_NE(block, nullptr);
  const size_t mapped_during = mallinfo2().hblks;
  std::free(block);
  EXPECT_EQ(mapped_during, mapped_before) << "an 8 MiB block was mmap'ed: the limits are not in force";
#else
  EXPECT_FALSE(applied) << "only glibc's malloc is tuned";
#endif
}

}  // namespace
}  // namespace quiver::flight
