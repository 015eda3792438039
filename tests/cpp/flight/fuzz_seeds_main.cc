// quiver_fuzz_seeds DIR: writes the seeds of fuzz_seeds.h as files
// DIR/<target>/seed-<n>, the starting corpus of scripts/fuzz.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_seeds.h"

namespace {

bool WriteAll(const std::filesystem::path& dir, const std::vector<std::string>& seeds) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    std::fprintf(stderr, "quiver_fuzz_seeds: cannot create %s: %s\n", dir.c_str(), error.message().c_str());
    return false;
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    const std::filesystem::path path = dir / ("seed-" + std::to_string(i));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) {
      std::fprintf(stderr, "quiver_fuzz_seeds: cannot write %s\n", path.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: quiver_fuzz_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const quiver::fuzz::Seeds seeds = quiver::fuzz::MakeSeeds();
  const bool ok = WriteAll(root / "ipcstream", seeds.ipc_stream) && WriteAll(root / "ipcfile", seeds.ipc_file) &&
                  WriteAll(root / "compressedbody", seeds.compressed_body) &&
                  WriteAll(root / "flightmessage", seeds.flight_message) &&
                  WriteAll(root / "flightdatastream", seeds.flight_data_stream);
  return ok ? 0 : 1;
}
