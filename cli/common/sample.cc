#include "common/sample.h"

#include <cstdlib>
#include <string_view>

#include "store/dataset_path.h"
#include "store/fs.h"

namespace quiver::cli {

Result<std::string> DefaultSampleRoot() {
  if (const char* home = std::getenv("QUIVER_HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/sample";
  }
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data == '/') {
    return std::string(data) + "/quiver/sample";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return std::string(home) + "/.local/share/quiver/sample";
  }
  return Status::Invalid("no place for the sample data: set QUIVER_HOME or HOME, or pass --root");
}

Result<bool> SeedSampleRoot(const std::string& root) {
  QUIVER_ASSIGN_OR_RAISE(store::FileKind kind, store::GetFileKind(root));
  if (kind != store::FileKind::kMissing) return false;
  // Build the whole tree beside the root, then rename it into place: a run
  // interrupted half-way leaves no half-seeded root behind.
  QUIVER_ASSIGN_OR_RAISE(std::string id, store::RandomHex(6));
  const std::string staging = root + ".seeding-" + id;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= staging.size()) {
    size_t end = staging.find('/', start);
    if (end == std::string::npos) end = staging.size();
    if (end > start) parts.emplace_back(staging.substr(start, end - start));
    start = end + 1;
  }
  QUIVER_RETURN_NOT_OK(store::MakeDirectoriesDurably(staging.front() == '/' ? "" : ".", parts, nullptr));
  for (const EmbeddedFile& file : SampleFiles()) {
    QUIVER_ASSIGN_OR_RAISE(auto path, store::DatasetPath::Parse(file.path));
    const auto& components = path.components();
    QUIVER_RETURN_NOT_OK(store::MakeDirectoriesDurably(
        staging, std::vector<std::string>(components.begin(), components.end() - 1), nullptr));
    QUIVER_RETURN_NOT_OK(store::WriteFileDurably(
        staging + "/" + file.path,
        std::string_view(reinterpret_cast<const char*>(file.data), file.size)));
    const std::string file_path = staging + "/" + file.path;
    QUIVER_RETURN_NOT_OK(store::SyncDirectory(file_path.substr(0, file_path.find_last_of('/'))));
  }
  QUIVER_RETURN_NOT_OK(store::RenameDurably(staging, root));
  return true;
}

}  // namespace quiver::cli
