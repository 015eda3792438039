// See quiver/flight/malloc_tuning.h for why Flight changes malloc's limits.
#include "quiver/flight/malloc_tuning.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace quiver::flight {

namespace {

// Blocks below this come from malloc's heaps (and are reused) instead of mmap.
constexpr int kMmapThreshold = 32 << 20;
// Free memory at the top of a heap kept for reuse before it is given back.
constexpr int kTrimThreshold = 64 << 20;
// Every thread allocates from the same arena (see malloc_tuning.h).
constexpr int kArenaMax = 1;

bool EnvironmentSet(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0';
}

// True when the user chose malloc limits themselves, or turned the tuning off.
bool LeaveMallocAlone() {
  if (const char* tuning = std::getenv("QUIVER_MALLOC_TUNING")) {
    if (std::strcmp(tuning, "0") == 0 || std::strcmp(tuning, "off") == 0 ||
        std::strcmp(tuning, "false") == 0) {
      return true;
    }
  }
  if (EnvironmentSet("MALLOC_MMAP_THRESHOLD_") || EnvironmentSet("MALLOC_TRIM_THRESHOLD_") ||
      EnvironmentSet("MALLOC_ARENA_MAX")) {
    return true;
  }
  if (const char* tunables = std::getenv("GLIBC_TUNABLES")) {
    if (std::strstr(tunables, "glibc.malloc.mmap_threshold") != nullptr ||
        std::strstr(tunables, "glibc.malloc.trim_threshold") != nullptr ||
        std::strstr(tunables, "glibc.malloc.arena_max") != nullptr) {
      return true;
    }
  }
  return false;
}

bool ApplyOnce() {
#if defined(__GLIBC__)
  if (LeaveMallocAlone()) return false;
  // Setting either limit also stops glibc from moving the mmap threshold by
  // itself, so both are set.
  return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1 &&
         mallopt(M_ARENA_MAX, kArenaMax) == 1;
#else
  return false;
#endif
}

}  // namespace

bool TuneMallocForLargeMessages() {
  // A function-local static: initialised once, thread-safely.
  static const bool applied = ApplyOnce();
  return applied;
}

}  // namespace quiver::flight
