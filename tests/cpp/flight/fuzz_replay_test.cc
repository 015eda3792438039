// Runs the Flight and codec fuzz targets (fuzz/fuzz_targets.h) over valid seeds
// and over deterministic mutations of them: every valid seed must parse, and no
// mutation may crash, hang or (under the sanitizer build) read out of bounds or
// leak. The libFuzzer executables (-DQUIVER_FUZZ=ON) explore further.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "fuzz_seeds.h"
#include "fuzz_targets.h"
#include "quiver/testing/matchers.h"

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

// Every seed parses; no mutation crashes; and, where `must_refuse`, some
// mutation is refused (a target that accepts everything is not checking).
void ReplayWithMutations(Status (*target)(const uint8_t*, size_t), const std::vector<Bytes>& seeds,
                         int mutations_per_seed, uint32_t salt, bool must_refuse) {
  ASSERT_FALSE(seeds.empty());
  for (size_t i = 0; i < seeds.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_OK(RunTarget(target, seeds[i]));
    int refused = 0;
    for (const Bytes& mutation : Mutations(seeds[i], mutations_per_seed, salt + static_cast<uint32_t>(i))) {
      if (!RunTarget(target, mutation).ok()) ++refused;
    }
    if (must_refuse) {
      EXPECT_GT(refused, 0) << "no mutation was refused: the target is not checking";
    }
  }
}

TEST(FlightFuzzReplay, UploadsParseAndMutationsAreRefusedCleanly) {
  ReplayWithMutations(FuzzFlightDataStream, MakeSeeds().flight_data_stream, 150, 0, /*must_refuse=*/true);
}

TEST(FlightFuzzReplay, MessagesParseAndMutationsAreRefusedCleanly) {
  // A flipped byte in a protobuf is often another valid message: no refusal count.
  ReplayWithMutations(FuzzFlightMessage, MakeSeeds().flight_message, 300, 100, /*must_refuse=*/false);
}

TEST(FlightFuzzReplay, IpcStreamsAndFilesParseAndMutationsAreRefusedCleanly) {
  const Seeds seeds = MakeSeeds();
  ReplayWithMutations(FuzzIpcStream, seeds.ipc_stream, 60, 200, /*must_refuse=*/true);
  ReplayWithMutations(FuzzIpcFile, seeds.ipc_file, 60, 300, /*must_refuse=*/true);
}

TEST(FlightFuzzReplay, CompressedBodiesDecodeAndHostilePrefixesAreRefused) {
  const std::vector<Bytes> seeds = MakeSeeds().compressed_body;
  for (const Bytes& seed : seeds) {
    // A prefix claiming far more than the cap is refused before any allocation.
    Bytes huge = seed;
    const int64_t claim = int64_t{1} << 50;
    std::memcpy(huge.data() + 1, &claim, 8);
    EXPECT_FALSE(RunTarget(FuzzCompressedBody, huge).ok());
  }
  ReplayWithMutations(FuzzCompressedBody, seeds, 200, 400, /*must_refuse=*/true);
}

}  // namespace
}  // namespace quiver::fuzz
