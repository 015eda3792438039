#include "quiver/buffer.h"

#include <algorithm>
#include <cstdio>

namespace quiver {
namespace {

// Owns pool memory of a fixed size.
class PoolBuffer final : public Buffer {
 public:
  PoolBuffer(MemoryPool* pool, uint8_t* data, int64_t size) : pool_(pool) {
    data_ = data;
    size_ = capacity_ = size;
    is_mutable_ = true;
  }
  ~PoolBuffer() override { pool_->Free(const_cast<uint8_t*>(data_), size_); }

 private:
  MemoryPool* pool_;
};

// Calls a release callback once, when the last reference drops.
class ForeignBuffer final : public Buffer {
 public:
  ForeignBuffer(const uint8_t* data, int64_t size, std::function<void()> release, bool is_mutable)
      : release_(std::move(release)) {
    data_ = data;
    size_ = capacity_ = size;
    is_mutable_ = is_mutable;
  }
  ~ForeignBuffer() override {
    if (release_) release_();
  }

 private:
  std::function<void()> release_;
};

// Owns a std::string.
class StringBuffer final : public Buffer {
 public:
  explicit StringBuffer(std::string s) : owned_(std::move(s)) {
    data_ = reinterpret_cast<const uint8_t*>(owned_.data());
    size_ = capacity_ = static_cast<int64_t>(owned_.size());
  }

 private:
  std::string owned_;
};

}  // namespace

std::shared_ptr<Buffer> Buffer::WrapForeign(const uint8_t* data, int64_t size,
                                            std::function<void()> release, bool is_mutable) {
  return std::make_shared<ForeignBuffer>(data, size, std::move(release), is_mutable);
}

Result<std::shared_ptr<Buffer>> Buffer::CopyFrom(std::string_view bytes, MemoryPool* pool) {
  QUIVER_ASSIGN_OR_RAISE(auto out, AllocateBuffer(static_cast<int64_t>(bytes.size()), pool));
  if (!bytes.empty()) std::memcpy(out->mutable_data(), bytes.data(), bytes.size());
  return out;
}

std::shared_ptr<Buffer> Buffer::FromString(std::string s) {
  return std::make_shared<StringBuffer>(std::move(s));
}

std::string Buffer::ToHexString(int64_t max_bytes) const {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  const int64_t n = std::min(size_, max_bytes);
  out.reserve(static_cast<size_t>(n * 2 + 3));
  for (int64_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data_[i] >> 4]);
    out.push_back(kDigits[data_[i] & 0xF]);
  }
  if (n < size_) out += "...";
  return out;
}

bool Buffer::Equals(const Buffer& other) const {
  return size_ == other.size_ && Equals(other, size_);
}

bool Buffer::Equals(const Buffer& other, int64_t nbytes) const {
  if (nbytes > size_ || nbytes > other.size_) return false;
  if (data_ == other.data_ || nbytes == 0) return true;
  return std::memcmp(data_, other.data_, static_cast<size_t>(nbytes)) == 0;
}

ResizableBuffer::~ResizableBuffer() { pool_->Free(owned_, allocated_); }

Status ResizableBuffer::Reserve(int64_t capacity) {
  if (capacity < 0) return Status::Invalid("negative buffer capacity ", capacity);
  if (owned_ != nullptr && capacity <= capacity_) return Status::OK();
  const int64_t new_capacity = PaddedLength(std::max(capacity, capacity_ * 2));
  uint8_t* fresh;
  if (owned_ == nullptr) {
    QUIVER_ASSIGN_OR_RAISE(fresh, pool_->Allocate(new_capacity));
  } else {
    QUIVER_ASSIGN_OR_RAISE(fresh, pool_->Reallocate(owned_, allocated_, new_capacity));
  }
  // Keep the tail zeroed so padding written to the wire is deterministic.
  std::memset(fresh + size_, 0, static_cast<size_t>(new_capacity - size_));
  owned_ = fresh;
  allocated_ = new_capacity;
  data_ = owned_;
  capacity_ = new_capacity;
  return Status::OK();
}

Status ResizableBuffer::Resize(int64_t new_size, bool shrink_to_fit) {
  if (new_size < 0) return Status::Invalid("negative buffer size ", new_size);
  // Zero the bytes a shrink gives up, while they are still ours, so that the
  // tail past size() stays zero.
  if (new_size < size_) {
    std::memset(owned_ + new_size, 0, static_cast<size_t>(size_ - new_size));
  }
  if (new_size > capacity_ || owned_ == nullptr) {
    QUIVER_RETURN_NOT_OK(Reserve(new_size));
  } else if (shrink_to_fit && PaddedLength(new_size) < capacity_) {
    const int64_t new_capacity = PaddedLength(new_size);
    QUIVER_ASSIGN_OR_RAISE(owned_, pool_->Reallocate(owned_, allocated_, new_capacity));
    allocated_ = new_capacity;
    data_ = owned_;
    capacity_ = new_capacity;
  }
  size_ = new_size;
  return Status::OK();
}

Result<std::shared_ptr<Buffer>> AllocateBuffer(int64_t size, MemoryPool* pool) {
  QUIVER_ASSIGN_OR_RAISE(uint8_t* data, pool->Allocate(size));
  return std::shared_ptr<Buffer>(std::make_shared<PoolBuffer>(pool, data, size));
}

Result<std::unique_ptr<ResizableBuffer>> AllocateResizableBuffer(int64_t size, MemoryPool* pool) {
  std::unique_ptr<ResizableBuffer> out(new ResizableBuffer(pool));
  QUIVER_RETURN_NOT_OK(out->Resize(size));
  return out;
}

Result<std::shared_ptr<Buffer>> AllocateZeroedBuffer(int64_t size, MemoryPool* pool) {
  QUIVER_ASSIGN_OR_RAISE(auto out, AllocateBuffer(size, pool));
  if (size > 0) std::memset(out->mutable_data(), 0, static_cast<size_t>(size));
  return out;
}

namespace {
// Out-of-range requests are clamped to the parent so a slice never points outside it.
std::shared_ptr<Buffer> MakeSlice(const Buffer& parent, int64_t offset, int64_t length) {
  offset = std::clamp<int64_t>(offset, 0, parent.size());
  length = std::clamp<int64_t>(length, 0, parent.size() - offset);
  return std::make_shared<Buffer>(parent.data() + offset, length);
}
}  // namespace

std::shared_ptr<Buffer> SliceBuffer(std::shared_ptr<Buffer> parent, int64_t offset, int64_t length) {
  auto out = MakeSlice(*parent, offset, length);
  out->parent_ = std::move(parent);
  return out;
}

std::shared_ptr<Buffer> SliceMutableBuffer(std::shared_ptr<Buffer> parent, int64_t offset,
                                           int64_t length) {
  auto out = MakeSlice(*parent, offset, length);
  out->is_mutable_ = parent->is_mutable();
  out->parent_ = std::move(parent);
  return out;
}

Result<std::shared_ptr<Buffer>> SliceBufferChecked(std::shared_ptr<Buffer> parent, int64_t offset,
                                                   int64_t length) {
  if (offset < 0 || length < 0 || offset > parent->size() || length > parent->size() - offset) {
    return Status::IndexError("slice [", offset, ", ", offset, " + ", length,
                              ") is out of bounds for a buffer of ", parent->size(), " bytes");
  }
  return SliceBuffer(std::move(parent), offset, length);
}

Result<std::shared_ptr<Buffer>> CopyBuffer(const Buffer& source, MemoryPool* pool) {
  return Buffer::CopyFrom(source.view(), pool);
}

}  // namespace quiver
