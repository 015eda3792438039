// faultfs: an LD_PRELOAD interposer for the fault tests of `quiver serve`
// (tests/hardening/test_faults.py, figures N4a and N4c).
//
// It wraps the libc calls the dataset store's commit path makes -- open, openat,
// write, pwrite, writev, fsync, fdatasync, rename, renameat, renameat2, close --
// and, for paths inside $QUIVER_FAULTFS_PREFIX only:
//
//  * logs each call, once it returned, to the file $QUIVER_FAULTFS_LOG as one line
//      <CLOCK_MONOTONIC ns> <tid> <call> <fd> <result> <errno> <path> [<path2>]
//    with paths resolved through /proc/self/fd for calls that take a descriptor.
//    Writes are not logged (an upload makes thousands); their failures are.
//    CLOCK_MONOTONIC is system-wide, so a test compares these times with its own
//    time.monotonic_ns().
//
//  * injects faults read from $QUIVER_FAULTFS_CONTROL, a file of "key=value" lines
//    that the test rewrites at will; it is read again at every open of a path inside
//    the prefix, and the policy then sticks to that descriptor:
//      enospc_after=N       writes to a descriptor opened for writing fail with ENOSPC
//                           once N bytes went to it (the write crossing N is short);
//      fsync_eio=1          fsync/fdatasync of a regular file fail with EIO;
//      dir_fsync_eio=1      fsync of a directory fails with EIO;
//      dir_fsync_delay_ms=N fsync of a directory sleeps N ms first, so that a test
//                           can tell whether the server answered before it ended.
//
// Everything outside the prefix (sockets, gRPC, the executable's own files) passes
// straight through. The real functions come from dlsym(RTLD_NEXT).
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr int kMaxFds = 1 << 16;

struct FdPolicy {
  std::atomic<bool> tracked{false};
  std::atomic<bool> directory{false};
  std::atomic<int64_t> written{0};
  std::atomic<int64_t> enospc_after{-1};
  std::atomic<bool> fsync_eio{false};
  std::atomic<bool> dir_fsync_eio{false};
  std::atomic<int64_t> dir_fsync_delay_ms{0};
};

FdPolicy g_fds[kMaxFds];
int g_log_fd = -2;  // -2: not opened yet; -1: no log
char g_prefix[4096];
size_t g_prefix_len = 0;
char g_control[4096];

template <typename Fn>
Fn Real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

using OpenFn = int (*)(const char*, int, ...);
using OpenatFn = int (*)(int, const char*, int, ...);
using CloseFn = int (*)(int);
using WriteFn = ssize_t (*)(int, const void*, size_t);
using PwriteFn = ssize_t (*)(int, const void*, size_t, off_t);
using Pwrite64Fn = ssize_t (*)(int, const void*, size_t, off64_t);
using WritevFn = ssize_t (*)(int, const iovec*, int);
using SyncFn = int (*)(int);
using RenameFn = int (*)(const char*, const char*);
using RenameatFn = int (*)(int, const char*, int, const char*);
using Renameat2Fn = int (*)(int, const char*, int, const char*, unsigned int);

// The next definition of `name` (libc's), looked up once.
#define REAL(name, type) \
  static type real_##name = nullptr; \
  if (real_##name == nullptr) real_##name = Real<type>(#name)

void Init() {
  static std::atomic<bool> done{false};
  if (done.load()) return;
  const char* prefix = std::getenv("QUIVER_FAULTFS_PREFIX");
  if (prefix != nullptr) {
    std::snprintf(g_prefix, sizeof(g_prefix), "%s", prefix);
    g_prefix_len = std::strlen(g_prefix);
    while (g_prefix_len > 1 && g_prefix[g_prefix_len - 1] == '/') g_prefix[--g_prefix_len] = '\0';
  }
  const char* control = std::getenv("QUIVER_FAULTFS_CONTROL");
  if (control != nullptr) std::snprintf(g_control, sizeof(g_control), "%s", control);
  const char* log = std::getenv("QUIVER_FAULTFS_LOG");
  g_log_fd = log == nullptr ? -1
                            : static_cast<int>(syscall(SYS_openat, AT_FDCWD, log,
                                                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  done.store(true);
}

__attribute__((constructor)) void Setup() { Init(); }

bool InPrefix(const char* path) {
  if (path == nullptr || g_prefix_len == 0) return false;
  if (std::strncmp(path, g_prefix, g_prefix_len) != 0) return false;
  return path[g_prefix_len] == '\0' || path[g_prefix_len] == '/';
}

// The absolute form of `path` (relative to `dirfd`), without resolving symlinks:
// the store always passes absolute paths, so this is mostly a copy.
void Absolute(int dirfd, const char* path, char* out, size_t size) {
  if (path == nullptr) {
    out[0] = '\0';
    return;
  }
  if (path[0] == '/') {
    std::snprintf(out, size, "%s", path);
    return;
  }
  char base[4096];
  base[0] = '\0';
  if (dirfd == AT_FDCWD) {
    if (getcwd(base, sizeof(base)) == nullptr) base[0] = '\0';
  } else {
    char link[64];
    std::snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
    const ssize_t n = readlink(link, base, sizeof(base) - 1);
    base[n > 0 ? n : 0] = '\0';
  }
  std::snprintf(out, size, "%s/%s", base, path);
}

void FdPath(int fd, char* out, size_t size) {
  char link[64];
  std::snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, out, size - 1);
  out[n > 0 ? n : 0] = '\0';
}

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void Log(const char* call, int fd, long result, int err, const char* path, const char* path2 = nullptr) {
  if (g_log_fd < 0) return;
  char line[9000];
  const int n = std::snprintf(line, sizeof(line), "%lld %ld %s %d %ld %d %s%s%s\n",
                              static_cast<long long>(NowNs()), static_cast<long>(syscall(SYS_gettid)), call,
                              fd, result, err, path, path2 != nullptr ? " " : "", path2 != nullptr ? path2 : "");
  if (n > 0) syscall(SYS_write, g_log_fd, line, static_cast<size_t>(n < static_cast<int>(sizeof(line)) ? n : sizeof(line) - 1));
}

// Reads the control file into `policy` (a missing file means no faults).
void LoadPolicy(FdPolicy& policy) {
  policy.written = 0;
  policy.enospc_after = -1;
  policy.fsync_eio = false;
  policy.dir_fsync_eio = false;
  policy.dir_fsync_delay_ms = 0;
  if (g_control[0] == '\0') return;
  const int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, g_control, O_RDONLY | O_CLOEXEC));
  if (fd < 0) return;
  char text[4096];
  const ssize_t n = static_cast<ssize_t>(syscall(SYS_read, fd, text, sizeof(text) - 1));
  syscall(SYS_close, fd);
  text[n > 0 ? n : 0] = '\0';
  char* save = nullptr;
  for (char* line = strtok_r(text, "\n", &save); line != nullptr; line = strtok_r(nullptr, "\n", &save)) {
    char* eq = std::strchr(line, '=');
    if (eq == nullptr) continue;
    *eq = '\0';
    const long long value = std::strtoll(eq + 1, nullptr, 10);
    if (std::strcmp(line, "enospc_after") == 0) policy.enospc_after = value;
    if (std::strcmp(line, "fsync_eio") == 0) policy.fsync_eio = value != 0;
    if (std::strcmp(line, "dir_fsync_eio") == 0) policy.dir_fsync_eio = value != 0;
    if (std::strcmp(line, "dir_fsync_delay_ms") == 0) policy.dir_fsync_delay_ms = value;
  }
}

FdPolicy* Tracked(int fd) {
  if (fd < 0 || fd >= kMaxFds || !g_fds[fd].tracked.load()) return nullptr;
  return &g_fds[fd];
}

int AfterOpen(const char* call, int dirfd, const char* path, int flags, int fd) {
  const int err = errno;
  char absolute[4096];
  Absolute(dirfd, path, absolute, sizeof(absolute));
  if (!InPrefix(absolute)) {
    errno = err;
    return fd;
  }
  if (fd >= 0 && fd < kMaxFds) {
    FdPolicy& policy = g_fds[fd];
    LoadPolicy(policy);
    policy.directory = (flags & O_DIRECTORY) != 0;
    if ((flags & O_ACCMODE) == O_RDONLY) policy.enospc_after = -1;
    policy.tracked = true;
  }
  Log(call, fd, fd, fd < 0 ? err : 0, absolute);
  errno = err;
  return fd;
}

// How many of `count` bytes a write to `fd` may do; -1 with errno ENOSPC when none.
ssize_t Allowed(FdPolicy* policy, size_t count, int fd) {
  if (policy == nullptr) return static_cast<ssize_t>(count);
  const int64_t limit = policy->enospc_after.load();
  if (limit < 0) return static_cast<ssize_t>(count);
  const int64_t room = limit - policy->written.load();
  if (room <= 0) {
    char path[4096];
    FdPath(fd, path, sizeof(path));
    Log("write", fd, -1, ENOSPC, path);
    errno = ENOSPC;
    return -1;
  }
  return static_cast<ssize_t>(count < static_cast<uint64_t>(room) ? count : static_cast<size_t>(room));
}

void Count(FdPolicy* policy, ssize_t n) {
  if (policy != nullptr && n > 0) policy->written += n;
}

int SyncWith(const char* call, int (*real)(int), int fd) {
  FdPolicy* policy = Tracked(fd);
  if (policy == nullptr) return real(fd);
  char path[4096];
  FdPath(fd, path, sizeof(path));
  int result;
  int err = 0;
  if (policy->directory && policy->dir_fsync_delay_ms.load() > 0) {
    const int64_t ms = policy->dir_fsync_delay_ms.load();
    timespec pause{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
    nanosleep(&pause, nullptr);
  }
  if (policy->directory ? policy->dir_fsync_eio.load() : policy->fsync_eio.load()) {
    result = -1;
    err = EIO;
  } else {
    result = real(fd);
    err = result == 0 ? 0 : errno;
  }
  Log(call, fd, result, err, path);
  errno = err;
  return result;
}

int RenameWith(const char* call, int olddirfd, const char* oldpath, int newdirfd, const char* newpath,
               int result, int err) {
  char from[4096], to[4096];
  Absolute(olddirfd, oldpath, from, sizeof(from));
  Absolute(newdirfd, newpath, to, sizeof(to));
  if (InPrefix(from) || InPrefix(to)) Log(call, -1, result, result == 0 ? 0 : err, from, to);
  errno = err;
  return result;
}

mode_t ModeArg(int flags, va_list args) {
  if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) return static_cast<mode_t>(va_arg(args, int));
  return 0;
}

}  // namespace

// The project builds with hidden visibility: the wrappers must be exported to interpose.
#define FAULTFS_EXPORT __attribute__((visibility("default")))

extern "C" {

FAULTFS_EXPORT int open(const char* path, int flags, ...) {
  Init();
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArg(flags, args);
  va_end(args);
  REAL(open, OpenFn);
  return AfterOpen("open", AT_FDCWD, path, flags, real_open(path, flags, mode));
}

FAULTFS_EXPORT int open64(const char* path, int flags, ...) {
  Init();
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArg(flags, args);
  va_end(args);
  REAL(open64, OpenFn);
  return AfterOpen("open", AT_FDCWD, path, flags, real_open64(path, flags, mode));
}

FAULTFS_EXPORT int openat(int dirfd, const char* path, int flags, ...) {
  Init();
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArg(flags, args);
  va_end(args);
  REAL(openat, OpenatFn);
  return AfterOpen("openat", dirfd, path, flags, real_openat(dirfd, path, flags, mode));
}

FAULTFS_EXPORT int openat64(int dirfd, const char* path, int flags, ...) {
  Init();
  va_list args;
  va_start(args, flags);
  const mode_t mode = ModeArg(flags, args);
  va_end(args);
  REAL(openat64, OpenatFn);
  return AfterOpen("openat", dirfd, path, flags, real_openat64(dirfd, path, flags, mode));
}

FAULTFS_EXPORT int close(int fd) {
  REAL(close, CloseFn);
  if (fd >= 0 && fd < kMaxFds) g_fds[fd].tracked = false;
  return real_close(fd);
}

FAULTFS_EXPORT ssize_t write(int fd, const void* data, size_t count) {
  REAL(write, WriteFn);
  FdPolicy* policy = Tracked(fd);
  const ssize_t allowed = Allowed(policy, count, fd);
  if (allowed < 0) return -1;
  const ssize_t n = real_write(fd, data, static_cast<size_t>(allowed));
  Count(policy, n);
  return n;
}

FAULTFS_EXPORT ssize_t pwrite(int fd, const void* data, size_t count, off_t offset) {
  REAL(pwrite, PwriteFn);
  FdPolicy* policy = Tracked(fd);
  const ssize_t allowed = Allowed(policy, count, fd);
  if (allowed < 0) return -1;
  const ssize_t n = real_pwrite(fd, data, static_cast<size_t>(allowed), offset);
  Count(policy, n);
  return n;
}

FAULTFS_EXPORT ssize_t pwrite64(int fd, const void* data, size_t count, off64_t offset) {
  REAL(pwrite64, Pwrite64Fn);
  FdPolicy* policy = Tracked(fd);
  const ssize_t allowed = Allowed(policy, count, fd);
  if (allowed < 0) return -1;
  const ssize_t n = real_pwrite64(fd, data, static_cast<size_t>(allowed), offset);
  Count(policy, n);
  return n;
}

FAULTFS_EXPORT ssize_t writev(int fd, const iovec* iov, int count) {
  REAL(writev, WritevFn);
  FdPolicy* policy = Tracked(fd);
  if (policy == nullptr || policy->enospc_after.load() < 0) return real_writev(fd, iov, count);
  // With a byte budget, the vector goes out one piece at a time, each through write().
  ssize_t total = 0;
  for (int i = 0; i < count; ++i) {
    const ssize_t n = write(fd, iov[i].iov_base, iov[i].iov_len);
    if (n < 0) return total > 0 ? total : -1;
    total += n;
    if (static_cast<size_t>(n) < iov[i].iov_len) break;
  }
  return total;
}

FAULTFS_EXPORT int fsync(int fd) {
  REAL(fsync, SyncFn);
  return SyncWith("fsync", real_fsync, fd);
}

FAULTFS_EXPORT int fdatasync(int fd) {
  REAL(fdatasync, SyncFn);
  return SyncWith("fdatasync", real_fdatasync, fd);
}

FAULTFS_EXPORT int rename(const char* from, const char* to) {
  REAL(rename, RenameFn);
  const int result = real_rename(from, to);
  return RenameWith("rename", AT_FDCWD, from, AT_FDCWD, to, result, errno);
}

FAULTFS_EXPORT int renameat(int olddirfd, const char* from, int newdirfd, const char* to) {
  REAL(renameat, RenameatFn);
  const int result = real_renameat(olddirfd, from, newdirfd, to);
  return RenameWith("renameat", olddirfd, from, newdirfd, to, result, errno);
}

FAULTFS_EXPORT int renameat2(int olddirfd, const char* from, int newdirfd, const char* to, unsigned int flags) {
  REAL(renameat2, Renameat2Fn);
  const int result = real_renameat2(olddirfd, from, newdirfd, to, flags);
  return RenameWith("renameat2", olddirfd, from, newdirfd, to, result, errno);
}

}  // extern "C"
