#include "quiver/io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace quiver::io {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::IOError(what, " '", path, "': ", std::strerror(errno));
}

Status CheckReadArgs(int64_t position, int64_t nbytes) {
  if (position < 0) return Status::Invalid("read position must be non-negative but found ", position);
  if (nbytes < 0) return Status::Invalid("read length must be non-negative but found ", nbytes);
  return Status::OK();
}

}  // namespace

// ---------------------------------------------------------------------------

Result<std::shared_ptr<BufferOutputStream>> BufferOutputStream::Create(int64_t initial_capacity,
                                                                       MemoryPool* pool) {
  std::shared_ptr<BufferOutputStream> out(new BufferOutputStream());
  QUIVER_ASSIGN_OR_RAISE(out->buffer_, AllocateResizableBuffer(0, pool));
  QUIVER_RETURN_NOT_OK(out->buffer_->Reserve(initial_capacity));
  return out;
}

Status BufferOutputStream::Write(const void* data, int64_t nbytes) {
  if (closed()) return Status::IOError("write to a closed BufferOutputStream");
  if (nbytes <= 0) return Status::OK();
  QUIVER_RETURN_NOT_OK(buffer_->Resize(position_ + nbytes));
  std::memcpy(buffer_->mutable_data() + position_, data, static_cast<size_t>(nbytes));
  position_ += nbytes;
  return Status::OK();
}

Status BufferOutputStream::Close() {
  buffer_.reset();
  return Status::OK();
}

Result<std::shared_ptr<Buffer>> BufferOutputStream::Finish() {
  if (closed()) return Status::IOError("BufferOutputStream already finished");
  std::shared_ptr<Buffer> out(std::move(buffer_));
  position_ = 0;
  return out;
}

// ---------------------------------------------------------------------------

Result<std::shared_ptr<FileOutputStream>> FileOutputStream::Open(const std::string& path, bool append) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return ErrnoStatus("cannot open for writing", path);
  int64_t position = 0;
  if (append) {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = ErrnoStatus("cannot stat", path);
      ::close(fd);
      return s;
    }
    position = st.st_size;
  }
  return std::shared_ptr<FileOutputStream>(new FileOutputStream(fd, path, position));
}

FileOutputStream::~FileOutputStream() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileOutputStream::Write(const void* data, int64_t nbytes) {
  if (closed()) return Status::IOError("write to closed file '", path_, "'");
  const auto* p = static_cast<const uint8_t*>(data);
  while (nbytes > 0) {
    const ssize_t n = ::write(fd_, p, static_cast<size_t>(std::min<int64_t>(nbytes, 1 << 30)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write failed on", path_);
    }
    p += n;
    nbytes -= n;
    position_ += n;
  }
  return Status::OK();
}

Status FileOutputStream::Sync() {
  if (closed()) return Status::IOError("sync of closed file '", path_, "'");
  if (::fsync(fd_) != 0) return ErrnoStatus("fsync failed on", path_);
  return Status::OK();
}

Status FileOutputStream::Close() {
  if (fd_ < 0) return Status::OK();
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return ErrnoStatus("close failed on", path_);
  return Status::OK();
}

// ---------------------------------------------------------------------------

Result<std::shared_ptr<Buffer>> BufferReader::Read(int64_t nbytes) {
  QUIVER_ASSIGN_OR_RAISE(auto out, ReadAt(position_, nbytes));
  position_ += out->size();
  return out;
}

Result<std::shared_ptr<Buffer>> BufferReader::ReadAt(int64_t position, int64_t nbytes) {
  if (closed_) return Status::IOError("read from a closed BufferReader");
  QUIVER_RETURN_NOT_OK(CheckReadArgs(position, nbytes));
  const int64_t size = buffer_->size();
  if (position > size) position = size;
  return SliceBuffer(buffer_, position, std::min(nbytes, size - position));
}

Status BufferReader::Seek(int64_t position) {
  if (position < 0 || position > buffer_->size()) {
    return Status::IOError("seek to ", position, " is outside a buffer of ", buffer_->size(), " bytes");
  }
  position_ = position;
  return Status::OK();
}

Status BufferReader::Close() {
  closed_ = true;
  return Status::OK();
}

// ---------------------------------------------------------------------------

Result<std::shared_ptr<ReadableFile>> ReadableFile::Open(const std::string& path, MemoryPool* pool) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = ErrnoStatus("cannot stat", path);
    ::close(fd);
    return s;
  }
  return std::shared_ptr<ReadableFile>(new ReadableFile(fd, path, st.st_size, pool));
}

ReadableFile::~ReadableFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::shared_ptr<Buffer>> ReadableFile::Read(int64_t nbytes) {
  QUIVER_ASSIGN_OR_RAISE(auto out, ReadAt(position_, nbytes));
  position_ += out->size();
  return out;
}

Result<std::shared_ptr<Buffer>> ReadableFile::ReadAt(int64_t position, int64_t nbytes) {
  if (closed()) return Status::IOError("read from closed file '", path_, "'");
  QUIVER_RETURN_NOT_OK(CheckReadArgs(position, nbytes));
  // Never allocate more than the file can supply, whatever the caller asked for.
  nbytes = std::max<int64_t>(0, std::min(nbytes, size_ - position));
  QUIVER_ASSIGN_OR_RAISE(auto buf, AllocateResizableBuffer(nbytes, pool_));
  int64_t done = 0;
  while (done < nbytes) {
    const ssize_t n = ::pread(fd_, buf->mutable_data() + done, static_cast<size_t>(nbytes - done),
                              static_cast<off_t>(position + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read failed on", path_);
    }
    if (n == 0) break;
    done += n;
  }
  QUIVER_RETURN_NOT_OK(buf->Resize(done));
  return std::shared_ptr<Buffer>(std::move(buf));
}

Status ReadableFile::Seek(int64_t position) {
  if (position < 0) return Status::IOError("seek to negative position ", position);
  position_ = position;
  return Status::OK();
}

Status ReadableFile::Close() {
  if (fd_ < 0) return Status::OK();
  ::close(fd_);
  fd_ = -1;
  return Status::OK();
}

// ---------------------------------------------------------------------------

Result<std::shared_ptr<BufferReader>> MemoryMappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = ErrnoStatus("cannot stat", path);
    ::close(fd);
    return s;
  }
  const int64_t size = st.st_size;
  if (size == 0) {
    ::close(fd);
    return std::make_shared<BufferReader>(Buffer::FromString(""));
  }
  void* addr = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_SHARED, fd, 0);
  // The mapping outlives the descriptor.
  ::close(fd);
  if (addr == MAP_FAILED) return ErrnoStatus("cannot mmap", path);
  auto mapping = Buffer::WrapForeign(static_cast<const uint8_t*>(addr), size,
                                     [addr, size] { ::munmap(addr, static_cast<size_t>(size)); });
  return std::make_shared<BufferReader>(std::move(mapping));
}

Result<std::shared_ptr<Buffer>> ReadExactly(InputStream* stream, int64_t nbytes) {
  QUIVER_ASSIGN_OR_RAISE(auto out, stream->Read(nbytes));
  if (out->size() != nbytes) {
    return Status::IOError("expected ", nbytes, " bytes but only ", out->size(), " were available");
  }
  return out;
}

}  // namespace quiver::io
