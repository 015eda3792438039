#include <cstring>

#include "quiver/array.h"
#include "quiver/ipc/endian_internal.h"

namespace quiver::ipc::internal {
namespace {

// Copy of `buf` with each `width`-byte group reversed (a whole value, or one
// field of a multi-field value such as an interval).
Result<std::shared_ptr<Buffer>> SwapGroups(const std::shared_ptr<Buffer>& buf, const std::vector<int>& layout,
                                           MemoryPool* pool) {
  if (!buf || buf->size() == 0) return buf;
  int stride = 0;
  for (int w : layout) stride += w;
  QUIVER_ASSIGN_OR_RAISE(auto out, AllocateBuffer(buf->size(), pool));
  const uint8_t* src = buf->data();
  uint8_t* dst = out->mutable_data();
  const int64_t whole = buf->size() / stride * stride;
  for (int64_t base = 0; base < whole; base += stride) {
    int64_t pos = base;
    for (int w : layout) {
      for (int k = 0; k < w; ++k) dst[pos + k] = src[pos + w - 1 - k];
      pos += w;
    }
  }
  // A trailing partial value (padding) is copied as it is.
  std::memcpy(dst + whole, src + whole, static_cast<size_t>(buf->size() - whole));
  return out;
}

Result<std::shared_ptr<Buffer>> Swap(const std::shared_ptr<Buffer>& buf, int width, MemoryPool* pool) {
  if (width <= 1) return buf;
  return SwapGroups(buf, {width}, pool);
}

}  // namespace

Result<ArrayDataPtr> SwapEndianness(const ArrayData& in, MemoryPool* pool) {
  auto out = std::make_shared<ArrayData>(in);
  const DataType* type = in.type.get();
  if (type->id() == TypeId::EXTENSION) type = static_cast<const ExtensionType*>(type)->storage_type().get();
  auto& b = out->buffers;
  auto swap_buffer = [&](size_t i, int width) -> Status {
    if (i < b.size()) {
      QUIVER_ASSIGN_OR_RAISE(b[i], Swap(b[i], width, pool));
    }
    return Status::OK();
  };
  switch (type->id()) {
    case TypeId::INTERVAL_DAY_TIME:
      if (b.size() > 1) {
        QUIVER_ASSIGN_OR_RAISE(b[1], SwapGroups(b[1], {4, 4}, pool));
      }
      break;
    case TypeId::INTERVAL_MONTH_DAY_NANO:
      if (b.size() > 1) {
        QUIVER_ASSIGN_OR_RAISE(b[1], SwapGroups(b[1], {4, 4, 8}, pool));
      }
      break;
    case TypeId::BINARY:
    case TypeId::STRING:
    case TypeId::LIST:
    case TypeId::MAP:
      QUIVER_RETURN_NOT_OK(swap_buffer(1, 4));
      break;
    case TypeId::LARGE_BINARY:
    case TypeId::LARGE_STRING:
    case TypeId::LARGE_LIST:
      QUIVER_RETURN_NOT_OK(swap_buffer(1, 8));
      break;
    case TypeId::LIST_VIEW:
      QUIVER_RETURN_NOT_OK(swap_buffer(1, 4));
      QUIVER_RETURN_NOT_OK(swap_buffer(2, 4));
      break;
    case TypeId::LARGE_LIST_VIEW:
      QUIVER_RETURN_NOT_OK(swap_buffer(1, 8));
      QUIVER_RETURN_NOT_OK(swap_buffer(2, 8));
      break;
    case TypeId::BINARY_VIEW:
    case TypeId::STRING_VIEW: {
      // size (4) | prefix or inline bytes (4) | buffer index (4) | offset (4); inline
      // views keep their bytes as they are, so swap per view by its size.
      if (b.size() > 1 && b[1] && b[1]->size()) {
        QUIVER_ASSIGN_OR_RAISE(auto views, CopyBuffer(*b[1], pool));
        uint8_t* p = views->mutable_data();
        auto swap4 = [](uint8_t* q) { std::swap(q[0], q[3]); std::swap(q[1], q[2]); };
        for (int64_t off = 0; off + 16 <= views->size(); off += 16) {
          swap4(p + off);
          int32_t size;
          std::memcpy(&size, p + off, 4);
          if (size > BinaryViewHeader::kInlineSize) {
            swap4(p + off + 8);
            swap4(p + off + 12);
          }
        }
        b[1] = std::move(views);
      }
      break;
    }
    case TypeId::DENSE_UNION:
      QUIVER_RETURN_NOT_OK(swap_buffer(1, 4));
      break;
    case TypeId::DICTIONARY:
      QUIVER_RETURN_NOT_OK(swap_buffer(1, static_cast<const DictionaryType*>(type)->index_type()->byte_width()));
      break;
    case TypeId::BOOL:
    case TypeId::FIXED_SIZE_BINARY:
      break;
    default:
      if (is_fixed_width(type->id())) QUIVER_RETURN_NOT_OK(swap_buffer(1, type->byte_width()));
      break;
  }
  for (auto& child : out->child_data) {
    QUIVER_ASSIGN_OR_RAISE(child, SwapEndianness(*child, pool));
  }
  // Dictionaries are swapped when their own batch is read, not again here.
  return out;
}

}  // namespace quiver::ipc::internal
