// MemoryPool: where array memory comes from, and how much of it is in use.
//
// Every allocation is 64-byte aligned (the Arrow format recommends it so SIMD
// loads never straddle cache lines) and its bytes past the requested size, up
// to the next multiple of 64, are zeroed so that buffers can be written to the
// wire padded without leaking uninitialised memory. A pool counts the bytes it
// has handed out and the peak, so tests and benchmarks can see copies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "quiver/result.h"
#include "quiver/visibility.h"

namespace quiver {

inline constexpr int64_t kAlignment = 64;

/// Rounds `n` up to a multiple of 64 (the Arrow buffer padding).
constexpr int64_t PaddedLength(int64_t n) { return (n + kAlignment - 1) & ~(kAlignment - 1); }

class QUIVER_EXPORT MemoryPool {
 public:
  virtual ~MemoryPool() = default;

  /// Allocates at least `size` bytes, 64-byte aligned, with the padding up to
  /// PaddedLength(size) zeroed. `size` 0 gives a valid, non-null pointer.
  virtual Result<uint8_t*> Allocate(int64_t size) = 0;
  /// Grows or shrinks an allocation made by this pool, keeping its contents.
  virtual Result<uint8_t*> Reallocate(uint8_t* ptr, int64_t old_size, int64_t new_size) = 0;
  /// Returns memory obtained from this pool; `size` must be the size last asked for.
  virtual void Free(uint8_t* ptr, int64_t size) = 0;

  /// Bytes currently allocated (as requested, not rounded).
  virtual int64_t bytes_allocated() const = 0;
  /// The highest bytes_allocated() ever reached.
  virtual int64_t max_memory() const = 0;
  /// Number of Allocate calls so far (Reallocate not included).
  virtual int64_t num_allocations() const = 0;
  virtual std::string backend_name() const = 0;
};

/// The process-wide pool used when none is given. Thread-safe.
QUIVER_EXPORT MemoryPool* default_memory_pool();

/// A new, independent pool over the system allocator (useful in tests to count
/// exactly what one piece of code allocates). Thread-safe.
QUIVER_EXPORT std::unique_ptr<MemoryPool> MakeSystemMemoryPool();

}  // namespace quiver
