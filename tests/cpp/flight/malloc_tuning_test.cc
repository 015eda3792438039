// TuneMallocForLargeMessages: once a Flight client exists, a large block comes
// from malloc's heap (reused) rather than from a fresh mmap, and new threads make
// no malloc arenas of their own. The opt-outs
// (QUIVER_MALLOC_TUNING=0, the user's own GLIBC_TUNABLES) need fresh processes
// and are checked in tests/python/test_malloc_tuning.py.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <latch>
#include <string>
#include <thread>
#include <vector>

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
  for (const char* name : {"QUIVER_MALLOC_TUNING", "GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                           "MALLOC_ARENA_MAX"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

#if defined(__GLIBC__)
// The number of malloc arenas, from malloc_info's report (one <heap> per arena).
size_t ArenaCount() {
  char* text = nullptr;
  size_t size = 0;
  FILE* report = open_memstream(&text, &size);
  if (report == nullptr) return 0;
  malloc_info(0, report);
  std::fclose(report);
  const std::string xml(text, size);
  std::free(text);
  size_t count = 0;
  for (size_t at = xml.find("<heap nr="); at != std::string::npos; at = xml.find("<heap nr=", at + 1)) ++count;
  return count;
}
#endif

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

  // New threads allocating at the same time share the arenas there are: glibc would
  // otherwise give each of them one of its own.
  const size_t arenas_before = ArenaCount();
  constexpr int kThreads = 4;
  std::latch all_holding(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      void* held = std::malloc(1 << 20);
      all_holding.arrive_and_wait();
      std::free(held);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ArenaCount(), arenas_before) << "threads made malloc arenas of their own";
#else
  EXPECT_FALSE(applied) << "only glibc's malloc is tuned";
#endif
}

}  // namespace
}  // namespace quiver::flight
