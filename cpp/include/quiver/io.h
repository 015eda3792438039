// Byte streams and files: what the IPC readers and writers read from and write to.
//
//   OutputStream       sequential writes (BufferOutputStream, FileOutputStream)
//   InputStream        sequential reads that hand back Buffers (BufferReader, ReadableFile)
//   RandomAccessFile   an InputStream that can also read at any position and knows its size
//
// Reads return Buffers. Readers over memory (BufferReader, MemoryMappedFile) return
// zero-copy slices that keep the memory alive; file readers allocate from a pool.
// A read past the end returns fewer bytes (possibly zero), never an error: callers
// that need an exact count check the returned size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "quiver/buffer.h"
#include "quiver/result.h"
#include "quiver/visibility.h"

namespace quiver::io {

class QUIVER_EXPORT OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status Write(const void* data, int64_t nbytes) = 0;
  /// Writes a buffer's bytes; implementations may keep a reference instead of copying.
  virtual Status Write(const std::shared_ptr<Buffer>& data) { return Write(data->data(), data->size()); }
  /// Bytes written so far.
  virtual Result<int64_t> Tell() const = 0;
  virtual Status Flush() { return Status::OK(); }
  virtual Status Close() = 0;
  virtual bool closed() const = 0;
};

class QUIVER_EXPORT InputStream {
 public:
  virtual ~InputStream() = default;
  /// Up to `nbytes` bytes; fewer only at the end of the stream.
  virtual Result<std::shared_ptr<Buffer>> Read(int64_t nbytes) = 0;
  /// Current position.
  virtual Result<int64_t> Tell() const = 0;
  virtual Status Close() = 0;
  virtual bool closed() const = 0;
};

class QUIVER_EXPORT RandomAccessFile : public InputStream {
 public:
  virtual Result<int64_t> GetSize() const = 0;
  /// Up to `nbytes` bytes at `position` (fewer only at the end); does not move Tell().
  virtual Result<std::shared_ptr<Buffer>> ReadAt(int64_t position, int64_t nbytes) = 0;
  virtual Status Seek(int64_t position) = 0;
};

/// Accumulates writes in a growing pool buffer; Finish() hands it over.
class QUIVER_EXPORT BufferOutputStream final : public OutputStream {
 public:
  static Result<std::shared_ptr<BufferOutputStream>> Create(int64_t initial_capacity = 4096,
                                                            MemoryPool* pool = default_memory_pool());
  Status Write(const void* data, int64_t nbytes) override;
  using OutputStream::Write;
  Result<int64_t> Tell() const override { return position_; }
  Status Close() override;
  bool closed() const override { return buffer_ == nullptr; }
  /// Closes the stream and returns everything written, sized exactly.
  Result<std::shared_ptr<Buffer>> Finish();

 private:
  BufferOutputStream() = default;
  std::unique_ptr<ResizableBuffer> buffer_;
  int64_t position_ = 0;
};

/// Writes to a file descriptor it owns. Sync() makes the written bytes durable (fsync).
class QUIVER_EXPORT FileOutputStream final : public OutputStream {
 public:
  /// Creates or truncates `path` (or appends when `append`).
  static Result<std::shared_ptr<FileOutputStream>> Open(const std::string& path, bool append = false);
  ~FileOutputStream() override;
  Status Write(const void* data, int64_t nbytes) override;
  using OutputStream::Write;
  Result<int64_t> Tell() const override { return position_; }
  Status Sync();
  Status Close() override;
  bool closed() const override { return fd_ < 0; }
  const std::string& path() const { return path_; }

 private:
  FileOutputStream(int fd, std::string path, int64_t position)
      : fd_(fd), path_(std::move(path)), position_(position) {}
  int fd_;
  std::string path_;
  int64_t position_;
};

/// Reads from a Buffer without copying: every returned Buffer is a slice of it.
class QUIVER_EXPORT BufferReader final : public RandomAccessFile {
 public:
  explicit BufferReader(std::shared_ptr<Buffer> buffer) : buffer_(std::move(buffer)) {}
  Result<std::shared_ptr<Buffer>> Read(int64_t nbytes) override;
  Result<std::shared_ptr<Buffer>> ReadAt(int64_t position, int64_t nbytes) override;
  Result<int64_t> Tell() const override { return position_; }
  Result<int64_t> GetSize() const override { return buffer_->size(); }
  Status Seek(int64_t position) override;
  Status Close() override;
  bool closed() const override { return closed_; }

 private:
  std::shared_ptr<Buffer> buffer_;
  int64_t position_ = 0;
  bool closed_ = false;
};

/// Reads a file with pread into pool memory.
class QUIVER_EXPORT ReadableFile final : public RandomAccessFile {
 public:
  static Result<std::shared_ptr<ReadableFile>> Open(const std::string& path,
                                                    MemoryPool* pool = default_memory_pool());
  ~ReadableFile() override;
  Result<std::shared_ptr<Buffer>> Read(int64_t nbytes) override;
  Result<std::shared_ptr<Buffer>> ReadAt(int64_t position, int64_t nbytes) override;
  Result<int64_t> Tell() const override { return position_; }
  Result<int64_t> GetSize() const override { return size_; }
  Status Seek(int64_t position) override;
  Status Close() override;
  bool closed() const override { return fd_ < 0; }

 private:
  ReadableFile(int fd, std::string path, int64_t size, MemoryPool* pool)
      : fd_(fd), path_(std::move(path)), size_(size), pool_(pool) {}
  int fd_;
  std::string path_;
  int64_t size_;
  int64_t position_ = 0;
  MemoryPool* pool_;
};

/// Maps a whole file read-only; reads are zero-copy slices of the mapping, which
/// stays mapped while any of them is alive.
class QUIVER_EXPORT MemoryMappedFile {
 public:
  static Result<std::shared_ptr<BufferReader>> Open(const std::string& path);
};

/// Reads exactly `nbytes` or fails with an IOError naming how many bytes were available.
QUIVER_EXPORT Result<std::shared_ptr<Buffer>> ReadExactly(InputStream* stream, int64_t nbytes);

}  // namespace quiver::io
