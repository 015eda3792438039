// Small POSIX file-system helpers for the dataset store, each returning Status.
//
// Durability on POSIX needs more than write + close: a file's bytes are durable
// after fsync(file), and its *name* (a create, rename or unlink) is durable only
// after fsync of the directory holding it. The store's commit sequence is built
// from these pieces:
//
//   write temp file -> fsync(temp) -> rename(temp, final) -> fsync(dir)
//
// Every helper names the path it was working on in its error, so a message such
// as "cannot rename 'a' to 'b': No space left on device" reaches the operator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/result.h"
#include "quiver/status.h"

namespace quiver::cli::store {

/// An IOError "<what> '<path>': <strerror(errno)>".
Status ErrnoError(std::string_view what, const std::string& path);

/// fsync of a directory, so that the names created, renamed or removed in it survive a crash.
Status SyncDirectory(const std::string& dir);

/// rename(2), then fsync of the destination's directory (and of the source's, when
/// it is another one).
Status RenameDurably(const std::string& from, const std::string& to);

/// unlink(2), then fsync of its directory. A missing file is not an error.
Status RemoveFileDurably(const std::string& path);

/// Creates `dir` and any missing parents below `base` (which must exist), fsyncing
/// each parent after creating a child in it. `created` receives the directories that
/// were made, outermost first, so that a failed upload can remove them again.
Status MakeDirectoriesDurably(const std::string& base, const std::vector<std::string>& components,
                              std::vector<std::string>* created);

/// Removes `dir` if it is empty; a missing or non-empty directory is left alone.
void RemoveDirectoryIfEmpty(const std::string& dir);

/// The names in `dir` (without "." and ".."), sorted.
Result<std::vector<std::string>> ListDirectory(const std::string& dir);

enum class FileKind { kMissing, kRegular, kDirectory, kSymlink, kOther };

/// What lstat(2) says `path` is (a symlink is not followed).
Result<FileKind> GetFileKind(const std::string& path);

/// The identity and size of a regular file, from stat(2) (symlinks followed).
struct FileStat {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;

  bool operator==(const FileStat&) const = default;
};
Result<FileStat> StatFile(const std::string& path);

/// realpath(3): the absolute path with every symlink resolved.
Result<std::string> RealPath(const std::string& path);

/// True when `path` is `root` or lies below it (both absolute and normalized).
bool IsWithin(std::string_view root, std::string_view path);

/// `bytes` random bytes as lower-case hex, from the kernel's generator.
Result<std::string> RandomHex(int bytes);

/// Writes `contents` to `path` (created, or truncated) and fsyncs it.
Status WriteFileDurably(const std::string& path, std::string_view contents);

/// The whole file, refusing files larger than `max_bytes`.
Result<std::string> ReadSmallFile(const std::string& path, int64_t max_bytes);

}  // namespace quiver::cli::store
