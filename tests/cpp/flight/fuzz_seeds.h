// Valid inputs for every fuzz target of fuzz/fuzz_targets.h, built from the test
// tables. Two users: fuzz_replay_test.cc mutates them deterministically on every
// test run, and quiver_fuzz_seeds writes them to disk as the starting corpus of
// the libFuzzer runs (scripts/fuzz), next to arrow-testing's files.
#pragma once

#include <string>
#include <vector>

namespace quiver::fuzz {

struct Seeds {
  std::vector<std::string> ipc_stream;          // FuzzIpcStream
  std::vector<std::string> ipc_file;            // FuzzIpcFile
  std::vector<std::string> compressed_body;     // FuzzCompressedBody
  std::vector<std::string> flight_message;      // FuzzFlightMessage
  std::vector<std::string> flight_data_stream;  // FuzzFlightDataStream
};

/// Every seed parses cleanly through its target.
Seeds MakeSeeds();

}  // namespace quiver::fuzz
