#include "quiver/memory.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

namespace quiver {
namespace {

// A zero-size allocation still needs a unique, aligned, non-null pointer that is
// never dereferenced; this static block serves every such request.
alignas(kAlignment) uint8_t zero_size_area[kAlignment];

class SystemMemoryPool final : public MemoryPool {
 public:
  Result<uint8_t*> Allocate(int64_t size) override {
    if (size < 0) return Status::Invalid("cannot allocate a negative size (", size, " bytes)");
    if (size == 0) {
      num_allocations_.fetch_add(1, std::memory_order_relaxed);
      return zero_size_area;
    }
    const int64_t padded = PaddedLength(size);
    if (padded < size) return Status::OutOfMemory("allocation of ", size, " bytes overflows");
    void* p = std::aligned_alloc(kAlignment, static_cast<size_t>(padded));
    if (p == nullptr) return Status::OutOfMemory("failed to allocate ", size, " bytes");
    auto* out = static_cast<uint8_t*>(p);
    std::memset(out + size, 0, static_cast<size_t>(padded - size));
    num_allocations_.fetch_add(1, std::memory_order_relaxed);
    Account(size);
    return out;
  }

  Result<uint8_t*> Reallocate(uint8_t* ptr, int64_t old_size, int64_t new_size) override {
    if (new_size < 0) return Status::Invalid("cannot reallocate to a negative size (", new_size, ")");
    if (ptr == zero_size_area || old_size == 0) {
      auto fresh = Allocate(new_size);
      if (fresh.ok()) num_allocations_.fetch_sub(1, std::memory_order_relaxed);
      return fresh;
    }
    if (new_size == 0) {
      Free(ptr, old_size);
      return zero_size_area;
    }
    // aligned_alloc has no realloc counterpart: allocate, copy, free.
    const int64_t padded = PaddedLength(new_size);
    void* p = std::aligned_alloc(kAlignment, static_cast<size_t>(padded));
    if (p == nullptr) return Status::OutOfMemory("failed to reallocate to ", new_size, " bytes");
    auto* out = static_cast<uint8_t*>(p);
    const int64_t keep = std::min(old_size, new_size);
    std::memcpy(out, ptr, static_cast<size_t>(keep));
    std::memset(out + keep, 0, static_cast<size_t>(padded - keep));
    std::free(ptr);
    Account(new_size - old_size);
    return out;
  }

  void Free(uint8_t* ptr, int64_t size) override {
    if (ptr == nullptr || ptr == zero_size_area) return;
    std::free(ptr);
    Account(-size);
  }

  int64_t bytes_allocated() const override { return allocated_.load(std::memory_order_relaxed); }
  int64_t max_memory() const override { return peak_.load(std::memory_order_relaxed); }
  int64_t num_allocations() const override {
    return num_allocations_.load(std::memory_order_relaxed);
  }
  std::string backend_name() const override { return "system"; }

 private:
  void Account(int64_t delta) {
    const int64_t now = allocated_.fetch_add(delta, std::memory_order_relaxed) + delta;
    int64_t peak = peak_.load(std::memory_order_relaxed);
    while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
  }

  std::atomic<int64_t> allocated_{0};
  std::atomic<int64_t> peak_{0};
  std::atomic<int64_t> num_allocations_{0};
};

}  // namespace

MemoryPool* default_memory_pool() {
  static SystemMemoryPool pool;
  return &pool;
}

std::unique_ptr<MemoryPool> MakeSystemMemoryPool() { return std::make_unique<SystemMemoryPool>(); }

}  // namespace quiver
