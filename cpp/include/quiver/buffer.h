// Buffer: a reference-counted, immutable-by-default span of bytes.
//
// Buffers are shared through std::shared_ptr<Buffer>. Slicing never copies: a
// slice points into its parent's memory and keeps the parent alive. Memory can
// come from a MemoryPool (AllocateBuffer), from elsewhere with a callback that
// releases it (Buffer::WrapForeign), or be borrowed from memory the caller keeps
// alive for the buffer's lifetime (the plain constructor).
//
// Ownership in one line each:
//   AllocateBuffer        -> owns pool memory, freed when the last reference drops
//   Buffer::WrapForeign   -> calls `release` once when the last reference drops
//   SliceBuffer           -> owns nothing, holds its parent
//   Buffer(data, size)    -> owns nothing; the caller keeps `data` alive
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "quiver/memory.h"
#include "quiver/result.h"
#include "quiver/visibility.h"

namespace quiver {

class QUIVER_EXPORT Buffer {
 public:
  /// A read-only view of memory the caller keeps alive.
  Buffer(const uint8_t* data, int64_t size) : data_(data), size_(size), capacity_(size) {}
  explicit Buffer(std::string_view bytes)
      : Buffer(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int64_t>(bytes.size())) {}
  virtual ~Buffer() = default;

  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  /// Adopts memory owned elsewhere; `release` runs exactly once when the last
  /// reference to the returned buffer (or any slice of it) drops.
  static std::shared_ptr<Buffer> WrapForeign(const uint8_t* data, int64_t size,
                                             std::function<void()> release,
                                             bool is_mutable = false);
  /// A buffer owning a copy of `bytes` (pool memory, padded).
  static Result<std::shared_ptr<Buffer>> CopyFrom(std::string_view bytes,
                                                  MemoryPool* pool = default_memory_pool());
  /// A buffer that owns `s` (no copy of the characters beyond the move).
  static std::shared_ptr<Buffer> FromString(std::string s);

  const uint8_t* data() const { return data_; }
  /// Writable pointer; only valid when is_mutable().
  uint8_t* mutable_data() { return is_mutable_ ? const_cast<uint8_t*>(data_) : nullptr; }
  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  bool is_mutable() const { return is_mutable_; }
  const std::shared_ptr<Buffer>& parent() const { return parent_; }

  template <typename T>
  const T* data_as() const { return reinterpret_cast<const T*>(data_); }
  template <typename T>
  T* mutable_data_as() { return reinterpret_cast<T*>(mutable_data()); }

  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_), static_cast<size_t>(size_)};
  }
  std::string ToString() const { return std::string(view()); }
  /// Hex dump of the first bytes, for debugging.
  std::string ToHexString(int64_t max_bytes = 64) const;

  /// Byte-wise equality of the visible ranges.
  bool Equals(const Buffer& other) const;
  /// Equality of the first `nbytes` bytes.
  bool Equals(const Buffer& other, int64_t nbytes) const;

 protected:
  Buffer() = default;

  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
  bool is_mutable_ = false;
  std::shared_ptr<Buffer> parent_;

  friend std::shared_ptr<Buffer> SliceBuffer(std::shared_ptr<Buffer>, int64_t, int64_t);
  friend std::shared_ptr<Buffer> SliceMutableBuffer(std::shared_ptr<Buffer>, int64_t, int64_t);
};

/// A mutable, resizable buffer of pool memory. Growth reallocates; the bytes
/// between size() and capacity() are kept zeroed.
class QUIVER_EXPORT ResizableBuffer : public Buffer {
 public:
  ~ResizableBuffer() override;

  /// Changes size(); grows capacity (to a padded size) when needed. New bytes are zero.
  Status Resize(int64_t new_size, bool shrink_to_fit = false);
  /// Ensures capacity() >= `capacity` without changing size().
  Status Reserve(int64_t capacity);

  MemoryPool* pool() const { return pool_; }

 private:
  explicit ResizableBuffer(MemoryPool* pool) : pool_(pool) { is_mutable_ = true; }
  friend Result<std::unique_ptr<ResizableBuffer>> AllocateResizableBuffer(int64_t, MemoryPool*);

  MemoryPool* pool_;
  uint8_t* owned_ = nullptr;
  int64_t allocated_ = 0;  // what was asked of the pool for `owned_`
};

/// A mutable buffer of `size` bytes of pool memory (contents uninitialised
/// except the padding, which is zero).
QUIVER_EXPORT Result<std::shared_ptr<Buffer>> AllocateBuffer(int64_t size,
                                                            MemoryPool* pool = default_memory_pool());
QUIVER_EXPORT Result<std::unique_ptr<ResizableBuffer>> AllocateResizableBuffer(
    int64_t size, MemoryPool* pool = default_memory_pool());
/// A mutable buffer of `size` zero bytes.
QUIVER_EXPORT Result<std::shared_ptr<Buffer>> AllocateZeroedBuffer(
    int64_t size, MemoryPool* pool = default_memory_pool());

/// A view of bytes [offset, offset + length) of `parent`, keeping it alive. No copy.
/// The range must lie inside the parent (checked: out-of-range is clamped to empty
/// and reported by the Checked variant).
QUIVER_EXPORT std::shared_ptr<Buffer> SliceBuffer(std::shared_ptr<Buffer> parent, int64_t offset,
                                                  int64_t length);
/// Like SliceBuffer, mutable when the parent is.
QUIVER_EXPORT std::shared_ptr<Buffer> SliceMutableBuffer(std::shared_ptr<Buffer> parent,
                                                         int64_t offset, int64_t length);
/// SliceBuffer with the range checked against the parent; IndexError when it does not fit.
QUIVER_EXPORT Result<std::shared_ptr<Buffer>> SliceBufferChecked(std::shared_ptr<Buffer> parent,
                                                                int64_t offset, int64_t length);

/// A copy of `source`'s bytes into new pool memory.
QUIVER_EXPORT Result<std::shared_ptr<Buffer>> CopyBuffer(const Buffer& source,
                                                        MemoryPool* pool = default_memory_pool());

}  // namespace quiver
