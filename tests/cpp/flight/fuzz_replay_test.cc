// Runs the Flight and codec fuzz targets (fuzz/fuzz_targets.h) over valid seeds
// and over deterministic mutations of them: every valid seed must parse, and no
// mutation may crash, hang or (under the sanitizer build) read out of bounds or
// leak. The libFuzzer executables (-DQUIVER_FUZZ=ON) explore further.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <grpcpp/support/byte_buffer.h>

#include "fuzz_targets.h"
#include "quiver/flight/grpc/serialization_internal.h"
#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "quiver/ipc/compression.h"
#include "quiver/testing/matchers.h"
#include "test_tables.h"

namespace quiver::fuzz {
namespace {

using Bytes = std::string;

Status RunTarget(Status (*target)(const uint8_t*, size_t), const Bytes& input) {
  return target(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

// Byte flips, truncations, insertions, duplicated spans and hostile 4/8-byte
// integers written over the input.
std::vector<Bytes> Mutations(const Bytes& seed, int count, uint32_t salt) {
  std::mt19937 random(1234 + salt);
  std::vector<Bytes> out;
  for (int i = 0; i < count; ++i) {
    Bytes m = seed;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !m.empty(); ++e) {
      const size_t at = random() % m.size();
      switch (random() % 6) {
        case 0: m[at] = static_cast<char>(m[at] ^ (1 << (random() % 8))); break;
        case 1: m.resize(at); break;
        case 2: m.insert(at, 1 + random() % 16, static_cast<char>(random())); break;
        case 3: m.insert(at, m.substr(at, 1 + random() % 64)); break;
        case 4: {
          const uint64_t hostile[] = {0xFFFFFFFFFFFFFFFFull, 0x7FFFFFFFFFFFFFFFull, 0x80000000ull, 0xFFFFFFFFull,
                                      1ull << 40, 0};
          const uint64_t value = hostile[random() % 6];
          std::memcpy(m.data() + at, &value, std::min<size_t>(8, m.size() - at));
          break;
        }
        default: m[at] = static_cast<char>(random()); break;
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

Bytes Dump(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(buffer.Dump(&slices).ok());
  Bytes bytes;
  for (const grpc::Slice& slice : slices) bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return bytes;
}

void AppendFramed(Bytes* out, const Bytes& message) {
  const uint32_t length = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
  out->append(message);
}

// A whole upload of `table`: schema (with the descriptor), dictionaries, batches.
Bytes UploadOf(const TablePtr& table, uint8_t slicing) {
  flight::RecordBatchStream stream(table);
  Bytes out(1, static_cast<char>(slicing));
  const flight::FlightDescriptor descriptor = flight::FlightDescriptor::Path({"fuzz", "seed"});
  flight::FlightPayload schema = stream.GetSchemaPayload().ValueOrDie();
  AppendFramed(&out, Dump(flight::internal::SerializeFlightData(schema, &descriptor).ValueOrDie()));
  while (true) {
    std::optional<flight::FlightPayload> payload = stream.Next().ValueOrDie();
    if (!payload.has_value()) break;
    AppendFramed(&out, Dump(flight::internal::SerializeFlightData(*payload, nullptr).ValueOrDie()));
  }
  return out;
}

TEST(FlightFuzzReplay, UploadsParseAndMutationsAreRefusedCleanly) {
  std::vector<Bytes> seeds;
  for (uint8_t slicing : {0, 1, 2, 5}) {
    seeds.push_back(UploadOf(flight::testing::EveryTypeTable(), slicing));
    seeds.push_back(UploadOf(flight::testing::DictionaryTable(), slicing));
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_OK(RunTarget(FuzzFlightDataStream, seeds[i]));
    int refused = 0;
    for (const Bytes& mutation : Mutations(seeds[i], 150, static_cast<uint32_t>(i))) {
      if (!RunTarget(FuzzFlightDataStream, mutation).ok()) ++refused;
    }
    EXPECT_GT(refused, 0) << "no mutation was refused: the target is not checking";
  }
}

TEST(FlightFuzzReplay, MessagesParseAndMutationsAreRefusedCleanly) {
  const TablePtr table = flight::testing::EveryTypeTable();
  flight::FlightEndpoint endpoint{flight::Ticket{"ticket"}, {flight::Location::ForGrpcTcp("localhost", 1).ValueOrDie()},
                                  std::nullopt, "meta"};
  flight::FlightInfo info = flight::FlightInfo::Make(*table->schema(), flight::FlightDescriptor::Path({"a", "b"}),
                                                     {endpoint}, 10, 100, true, "app")
                                .ValueOrDie();
  std::vector<Bytes> seeds = {
      Bytes(1, 0) + flight::FlightDescriptor::Command("select 1").SerializeToString().ValueOrDie(),
      Bytes(1, 1) + flight::Ticket{"ticket"}.SerializeToString().ValueOrDie(),
      Bytes(1, 2) + flight::Action{"drop", Buffer::FromString("body")}.SerializeToString().ValueOrDie(),
      Bytes(1, 3) + flight::Criteria{"prefix"}.SerializeToString().ValueOrDie(),
      Bytes(1, 4) + info.SerializeToString().ValueOrDie(),
      Bytes(1, 6) + endpoint.SerializeToString().ValueOrDie(),
      Bytes(1, 8) + flight::BasicAuth{"user", "password"}.SerializeToString().ValueOrDie(),
  };
  for (size_t i = 0; i < seeds.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_OK(RunTarget(FuzzFlightMessage, seeds[i]));
    for (const Bytes& mutation : Mutations(seeds[i], 300, static_cast<uint32_t>(100 + i))) {
      (void)RunTarget(FuzzFlightMessage, mutation);
    }
  }
}

TEST(FlightFuzzReplay, CompressedBodiesDecodeAndHostilePrefixesAreRefused) {
  std::mt19937 random(7);
  Bytes raw(100000, '\0');
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<char>(i % 97 < 50 ? 'a' : random() % 256);
  for (ipc::CompressionType type : {ipc::CompressionType::LZ4_FRAME, ipc::CompressionType::ZSTD}) {
    SCOPED_TRACE(static_cast<int>(type));
    auto codec = ipc::Codec::Create(type).ValueOrDie();
    bool left_uncompressed = false;
    auto framed =
        ipc::CompressBodyBuffer(*codec, *Buffer::FromString(raw), default_memory_pool(), &left_uncompressed)
            .ValueOrDie();
    const Bytes seed = Bytes(1, type == ipc::CompressionType::ZSTD ? 1 : 0) + framed->ToString();
    ASSERT_OK(RunTarget(FuzzCompressedBody, seed));
    // A prefix claiming far more than the cap is refused before any allocation.
    Bytes huge = seed;
    const int64_t claim = int64_t{1} << 50;
    std::memcpy(huge.data() + 1, &claim, 8);
    EXPECT_FALSE(RunTarget(FuzzCompressedBody, huge).ok());
    int refused = 0;
    for (const Bytes& mutation : Mutations(seed, 200, static_cast<uint32_t>(type))) {
      if (!RunTarget(FuzzCompressedBody, mutation).ok()) ++refused;
    }
    EXPECT_GT(refused, 0);
  }
}

}  // namespace
}  // namespace quiver::fuzz
