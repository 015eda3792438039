// CountingMemoryPool: a pool that forwards to a fresh system pool and counts
// every byte ever asked of it, freed or not. Put it where received data is
// allocated (IpcReadOptions::pool, FlightCallOptions::read_options.pool) and
// total_allocated() divided by the bytes received is the number of copies the
// receive path made: the zero-copy tests and `quiver bench` both read it so.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "quiver/memory.h"

namespace quiver {

class CountingMemoryPool final : public MemoryPool {
 public:
  CountingMemoryPool() : inner_(MakeSystemMemoryPool()) {}

  Result<uint8_t*> Allocate(int64_t size) override {
    total_allocated_ += size;
    return inner_->Allocate(size);
  }
  Result<uint8_t*> Reallocate(uint8_t* ptr, int64_t old_size, int64_t new_size) override {
    if (new_size > old_size) total_allocated_ += new_size - old_size;
    return inner_->Reallocate(ptr, old_size, new_size);
  }
  void Free(uint8_t* ptr, int64_t size) override { inner_->Free(ptr, size); }
  int64_t bytes_allocated() const override { return inner_->bytes_allocated(); }
  int64_t max_memory() const override { return inner_->max_memory(); }
  int64_t num_allocations() const override { return inner_->num_allocations(); }
  std::string backend_name() const override { return "counting(" + inner_->backend_name() + ")"; }

  /// Every byte Allocate and growing Reallocate calls asked for, freed or not.
  int64_t total_allocated() const { return total_allocated_.load(); }

 private:
  std::unique_ptr<MemoryPool> inner_;
  std::atomic<int64_t> total_allocated_{0};
};

}  // namespace quiver
