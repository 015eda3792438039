// Helpers shared by the Flight tests: a memory pool that counts every byte it
// ever handed out (to count copies), batch generators, and the transports every
// RPC suite runs over.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unistd.h>

#include "quiver/array.h"
#include "quiver/array_data.h"
#include "quiver/buffer.h"
#include "quiver/flight/types.h"
#include "quiver/memory.h"
#include "quiver/record_batch.h"
#include "quiver/schema.h"
#include "quiver/type.h"

namespace quiver::flight::testing {

/// Delegates to a system pool and counts the total bytes ever allocated from it,
/// so a test can tell how many bytes were copied into it.
class CountingPool final : public MemoryPool {
 public:
  CountingPool() : inner_(MakeSystemMemoryPool()) {}

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

/// A schema with one non-nullable int64 column "x".
inline SchemaPtr Int64Schema() { return schema({field("x", int64(), /*nullable=*/false)}); }

/// A batch of Int64Schema() holding start, start + 1, ..., in memory from `pool`.
inline RecordBatchPtr MakeInt64Batch(int64_t rows, int64_t start = 0,
                                     MemoryPool* pool = default_memory_pool()) {
  std::shared_ptr<Buffer> values = AllocateBuffer(rows * 8, pool).ValueOrDie();
  auto* data = values->mutable_data_as<int64_t>();
  for (int64_t i = 0; i < rows; ++i) data[i] = start + i;
  ArrayPtr column = MakeArray(ArrayData::Make(int64(), rows, {nullptr, values}, /*null_count=*/0));
  return RecordBatch::Make(Int64Schema(), rows, {column});
}

/// How a suite's server listens.
enum class Transport { kTcp, kUnix };

inline std::string TransportName(const ::testing::TestParamInfo<Transport>& info) {
  return info.param == Transport::kTcp ? "Tcp" : "Unix";
}

/// Where to listen: TCP on a free loopback port, or a fresh Unix socket path.
inline Location ListenLocation(Transport transport) {
  if (transport == Transport::kTcp) return Location::ForGrpcTcp("127.0.0.1", 0).ValueOrDie();
  static std::atomic<int> counter{0};
  const std::string path = "/tmp/quiver-flight-test-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter.fetch_add(1)) + ".sock";
  ::unlink(path.c_str());
  return Location::ForGrpcUnix(path).ValueOrDie();
}

}  // namespace quiver::flight::testing
