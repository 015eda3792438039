#include "store/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace quiver::cli::store {
namespace {

std::string ParentOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Closes a descriptor on every path out of a function.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

}  // namespace

Status ErrnoError(std::string_view what, const std::string& path) {
  return Status::IOError(what, " '", path, "': ", std::strerror(errno));
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory", dir);
  FdCloser closer(fd);
  if (::fsync(fd) != 0) return ErrnoError("fsync failed on directory", dir);
  return Status::OK();
}

Status RenameDurably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::IOError("cannot rename '", from, "' to '", to, "': ", std::strerror(errno));
  }
  const std::string to_dir = ParentOf(to);
  QUIVER_RETURN_NOT_OK(SyncDirectory(to_dir));
  const std::string from_dir = ParentOf(from);
  if (from_dir != to_dir) QUIVER_RETURN_NOT_OK(SyncDirectory(from_dir));
  return Status::OK();
}

Status RemoveFileDurably(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::OK();
    return ErrnoError("cannot remove", path);
  }
  return SyncDirectory(ParentOf(path));
}

Status MakeDirectoriesDurably(const std::string& base, const std::vector<std::string>& components,
                              std::vector<std::string>* created) {
  std::string current = base;
  for (const std::string& component : components) {
    const std::string parent = current;
    current += "/" + component;
    if (::mkdir(current.c_str(), 0755) == 0) {
      if (created != nullptr) created->push_back(current);
      QUIVER_RETURN_NOT_OK(SyncDirectory(parent.empty() ? "/" : parent));
      continue;
    }
    if (errno != EEXIST) return ErrnoError("cannot create directory", current);
    // Something is there already: it must be a directory (symlinks are resolved and
    // checked against the root by the caller before it gets here).
    struct stat st;
    if (::stat(current.c_str(), &st) != 0) return ErrnoError("cannot stat", current);
    if (!S_ISDIR(st.st_mode)) {
      return Status::AlreadyExists("'", current, "' exists and is not a directory");
    }
  }
  return Status::OK();
}

void RemoveDirectoryIfEmpty(const std::string& dir) {
  // rmdir refuses non-empty directories, which is exactly the check wanted; a failure
  // leaves an empty folder behind, which is harmless (it is not a dataset).
  (void)::rmdir(dir.c_str());
}

Result<std::vector<std::string>> ListDirectory(const std::string& dir) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return ErrnoError("cannot list directory", dir);
  std::unique_ptr<DIR, int (*)(DIR*)> closer(handle, ::closedir);
  std::vector<std::string> names;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(handle);
    if (entry == nullptr) {
      if (errno != 0) return ErrnoError("cannot list directory", dir);
      break;
    }
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<FileKind> GetFileKind(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return FileKind::kMissing;
    return ErrnoError("cannot stat", path);
  }
  if (S_ISREG(st.st_mode)) return FileKind::kRegular;
  if (S_ISDIR(st.st_mode)) return FileKind::kDirectory;
  if (S_ISLNK(st.st_mode)) return FileKind::kSymlink;
  return FileKind::kOther;
}

Result<FileStat> StatFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError("cannot stat", path);
  FileStat out;
  out.device = static_cast<uint64_t>(st.st_dev);
  out.inode = static_cast<uint64_t>(st.st_ino);
  out.size = static_cast<int64_t>(st.st_size);
  out.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return out;
}

Result<std::string> RealPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return ErrnoError("cannot resolve path", path);
  std::string out(resolved);
  std::free(resolved);
  return out;
}

bool IsWithin(std::string_view root, std::string_view path) {
  if (path == root) return true;
  if (root == "/") return !path.empty() && path.front() == '/';
  return path.size() > root.size() && path.substr(0, root.size()) == root &&
         path[root.size()] == '/';
}

Result<std::string> RandomHex(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  size_t got = 0;
  while (got < raw.size()) {
    const ssize_t n = ::getrandom(raw.data() + got, raw.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("getrandom failed: ", std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
  return out;
}

Status WriteFileDurably(const std::string& path, std::string_view contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot open for writing", path);
  FdCloser closer(fd);
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write failed on", path);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return ErrnoError("fsync failed on", path);
  return Status::OK();
}

Result<std::string> ReadSmallFile(const std::string& path, int64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open", path);
  FdCloser closer(fd);
  std::string out;
  char chunk[4096];
  while (true) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read failed on", path);
    }
    if (n == 0) break;
    if (static_cast<int64_t>(out.size()) + n > max_bytes) {
      return Status::Invalid("'", path, "' is larger than the ", max_bytes, " bytes expected");
    }
    out.append(chunk, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace quiver::cli::store
