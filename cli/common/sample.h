// The sample datasets compiled into the executable (from data/sample/), and where
// `quiver serve` puts them when it is given no --root.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "quiver/result.h"

namespace quiver::cli {

struct EmbeddedFile {
  /// Relative path, e.g. "weather/readings/part-00000001-sample.arrow".
  const char* path;
  const unsigned char* data;
  size_t size;
};

/// Every sample file (generated at build time by cli/embed_sample.cmake).
const std::vector<EmbeddedFile>& SampleFiles();

/// The folder `quiver serve` uses without --root: $QUIVER_HOME/sample, else
/// $XDG_DATA_HOME/quiver/sample, else ~/.local/share/quiver/sample.
Result<std::string> DefaultSampleRoot();

/// Writes the sample files into `root` if `root` does not exist yet (each file to a
/// temporary name, fsynced, then renamed), so a first run has data and later runs
/// keep whatever was uploaded, replaced or dropped since. Returns true if it wrote.
Result<bool> SeedSampleRoot(const std::string& root);

}  // namespace quiver::cli
