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
#include "quiver/counting_memory_pool.h"
#include "quiver/flight/types.h"
#include "quiver/memory.h"
#include "quiver/record_batch.h"
#include "quiver/schema.h"
#include "quiver/type.h"

namespace quiver::flight::testing {

using CountingPool = quiver::CountingMemoryPool;

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
