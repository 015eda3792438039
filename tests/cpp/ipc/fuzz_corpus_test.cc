// Replays every input that once crashed or hung Apache Arrow's IPC readers
// (arrow-testing's clusterfuzz-testcase-* and crash-* files) through Quiver's
// fuzz targets. Each must be rejected with a clear error (or read, where the
// bytes turn out to be valid); under the sanitizer build, any out-of-bounds
// read, leak or undefined behaviour fails the run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_targets.h"
#include "quiver/testing/integration_json.h"
#include "quiver/testing/matchers.h"

namespace quiver::fuzz {
namespace {

namespace fs = std::filesystem;

struct CorpusFile {
  std::string path;
  bool is_file_format;
};

std::vector<CorpusFile> CrashInputs() {
  std::vector<CorpusFile> out;
  const fs::path root = testing::ArrowTestingDir();
  for (const auto& [dir, is_file] : {std::pair{"arrow-ipc-stream", false}, std::pair{"arrow-ipc-file", true}}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file()) continue;
      if (name.rfind("clusterfuzz-testcase-", 0) == 0 || name.rfind("crash-", 0) == 0) {
        out.push_back({entry.path().string(), is_file});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

std::string CaseName(const ::testing::TestParamInfo<CorpusFile>& info) {
  std::string name = fs::path(info.param.path).filename().string();
  if (info.param.is_file_format) name = "file_" + name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CrashInputTest : public ::testing::TestWithParam<CorpusFile> {};

TEST_P(CrashInputTest, RejectedCleanly) {
  const auto bytes = ReadBytes(GetParam().path);
  // Both readers see every input: a file-reader crash case is also a hostile stream.
  for (bool as_file : {false, true}) {
    // A copy of exactly the input's size, so a sanitizer catches any read past it.
    std::vector<uint8_t> exact(bytes);
    const Status st = as_file ? FuzzIpcFile(exact.data(), exact.size()) : FuzzIpcStream(exact.data(), exact.size());
    if (!st.ok()) {
      // A rejection must say something a person can act on.
      EXPECT_FALSE(st.message().empty()) << GetParam().path;
      EXPECT_NE(st.code(), StatusCode::UnknownError) << st.ToString();
    }
  }
}

TEST(CrashInputs, CorpusIsPresent) {
  // 81 stream inputs and 55 file inputs ship with arrow-testing (see its PROVENANCE.md).
  EXPECT_GE(CrashInputs().size(), 100u);
}

INSTANTIATE_TEST_SUITE_P(ArrowTesting, CrashInputTest, ::testing::ValuesIn(CrashInputs()), CaseName);

}  // namespace
}  // namespace quiver::fuzz
