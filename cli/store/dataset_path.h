// Dataset paths: how a Flight descriptor's path names a folder under the served root.
//
// A descriptor path ["sales", "2024"] and the single component "sales/2024" both
// name ROOT/sales/2024. Since every byte of a path comes from the network, the
// rules are strict and checked before anything touches the file system:
//
//   - components are split on '/', and empty pieces ("a//b", a trailing '/') dropped;
//   - a leading '/' (an absolute path) is refused;
//   - "." and ".." are refused, so no path can climb out of the root;
//   - names starting with '.' are refused: they are reserved for the store's own
//     temporary and journal files (".quiver-tmp-*", ".quiver-replace-*");
//   - NUL and control characters are refused, as are names longer than 255 bytes,
//     paths deeper than 32 levels and paths longer than 1024 bytes.
//
// Symlinks are checked later, against the real file system (see DatasetStore).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "quiver/result.h"

namespace quiver::cli::store {

class DatasetPath {
 public:
  /// The empty path (the root itself): valid as a listing prefix, not as a dataset.
  DatasetPath() = default;

  /// From a descriptor's path components (each may itself contain '/').
  static Result<DatasetPath> FromComponents(const std::vector<std::string>& components);
  /// From text such as "sales/2024".
  static Result<DatasetPath> Parse(std::string_view text);

  const std::vector<std::string>& components() const { return components_; }
  bool empty() const { return components_.empty(); }
  /// "sales/2024"; "" for the empty path.
  std::string ToString() const;
  /// True when this path equals `prefix` or lies below it, component-wise
  /// ("sales/2024" starts with "sales", not with "sal").
  bool StartsWith(const DatasetPath& prefix) const;
  /// The path of the folder holding this one (empty for a top-level path).
  DatasetPath Parent() const;

  bool operator==(const DatasetPath&) const = default;
  auto operator<=>(const DatasetPath&) const = default;

 private:
  explicit DatasetPath(std::vector<std::string> components) : components_(std::move(components)) {}
  std::vector<std::string> components_;
};

/// Checks one name (a folder or file name) against the rules above.
Status CheckPathComponent(std::string_view name, std::string_view whole_path);

}  // namespace quiver::cli::store
