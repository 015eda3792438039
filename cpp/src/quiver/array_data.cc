#include "quiver/array_data.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace quiver {

ArrayDataPtr ArrayData::Make(TypePtr type, int64_t length, std::vector<std::shared_ptr<Buffer>> buffers,
                             int64_t null_count, int64_t offset) {
  auto out = std::make_shared<ArrayData>();
  out->type = std::move(type);
  out->length = length;
  out->buffers = std::move(buffers);
  out->null_count = null_count;
  out->offset = offset;
  return out;
}

ArrayDataPtr ArrayData::Make(TypePtr type, int64_t length, std::vector<std::shared_ptr<Buffer>> buffers,
                             std::vector<ArrayDataPtr> child_data, int64_t null_count,
                             int64_t offset) {
  auto out = Make(std::move(type), length, std::move(buffers), null_count, offset);
  out->child_data = std::move(child_data);
  return out;
}

ArrayDataPtr ArrayData::Slice(int64_t off, int64_t len) const {
  off = std::clamp<int64_t>(off, 0, length);
  len = std::clamp<int64_t>(len, 0, length - off);
  auto out = std::make_shared<ArrayData>(*this);
  out->offset = offset + off;
  out->length = len;
  const TypeId id = type->id();
  // Null and union/REE arrays know their null count without a bitmap scan only when
  // nothing can be null; otherwise recompute lazily.
  if (id == TypeId::NA) {
    out->null_count = len;
  } else if (null_count == 0 && id != TypeId::SPARSE_UNION && id != TypeId::DENSE_UNION &&
             id != TypeId::RUN_END_ENCODED) {
    out->null_count = 0;
  } else {
    out->null_count = kUnknownNullCount;
  }
  out->cached_null_count_ = kUnknownNullCount;
  return out;
}

Result<ArrayDataPtr> ArrayData::SliceChecked(int64_t off, int64_t len) const {
  if (off < 0 || len < 0 || off > length || len > length - off) {
    return Status::IndexError("slice [", off, ", ", off, " + ", len, ") is out of bounds for an array of length ",
                              length);
  }
  return Slice(off, len);
}

namespace {
bool HasValidityBitmap(TypeId id) {
  return id != TypeId::NA && id != TypeId::SPARSE_UNION && id != TypeId::DENSE_UNION &&
         id != TypeId::RUN_END_ENCODED;
}
TypeId StorageId(const DataType& t) {
  return t.id() == TypeId::EXTENSION ? StorageId(*static_cast<const ExtensionType&>(t).storage_type())
                                     : t.id();
}
}  // namespace

bool ArrayData::MayHaveNulls() const {
  const TypeId id = StorageId(*type);
  if (id == TypeId::NA) return length > 0;
  if (!HasValidityBitmap(id)) return true;
  return null_count != 0 && !buffers.empty() && buffers[0] != nullptr;
}

bool ArrayData::IsValid(int64_t i) const {
  const TypeId id = StorageId(*type);
  switch (id) {
    case TypeId::NA:
      return false;
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      // A union's element is null when the child slot it selects is null.
      const int8_t code = GetValues<int8_t>(0)[i];
      const auto& ut = static_cast<const UnionType&>(
          type->id() == TypeId::EXTENSION ? *static_cast<const ExtensionType&>(*type).storage_type() : *type);
      const int child = ut.child_ids()[static_cast<size_t>(static_cast<uint8_t>(code) & 0x7F)];
      if (child < 0 || static_cast<size_t>(child) >= child_data.size()) return false;
      const int64_t child_index =
          id == TypeId::SPARSE_UNION ? offset + i : GetValues<int32_t>(1)[i];
      return child_data[static_cast<size_t>(child)]->IsValid(child_index);
    }
    case TypeId::RUN_END_ENCODED: {
      // Find the run containing logical position offset + i.
      const auto& re = *child_data[0];
      const auto& values = *child_data[1];
      const int64_t pos = offset + i;
      int64_t lo = 0, hi = re.length;
      auto end_at = [&](int64_t k) -> int64_t {
        switch (re.type->id()) {
          case TypeId::INT16: return re.GetValues<int16_t>(1)[k];
          case TypeId::INT32: return re.GetValues<int32_t>(1)[k];
          default: return re.GetValues<int64_t>(1)[k];
        }
      };
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (end_at(mid) <= pos) lo = mid + 1; else hi = mid;
      }
      return lo < values.length && values.IsValid(lo);
    }
    default:
      if (buffers.empty() || !buffers[0] || null_count == 0) return true;
      return bit_util::GetBit(buffers[0]->data(), offset + i);
  }
}

int64_t ArrayData::GetNullCount() const {
  if (null_count != kUnknownNullCount) return null_count;
  if (cached_null_count_ != kUnknownNullCount) return cached_null_count_;
  const TypeId id = StorageId(*type);
  int64_t nulls = 0;
  if (id == TypeId::NA) {
    nulls = length;
  } else if (!HasValidityBitmap(id)) {
    for (int64_t i = 0; i < length; ++i) nulls += IsValid(i) ? 0 : 1;
  } else if (!buffers.empty() && buffers[0]) {
    nulls = length - bit_util::CountSetBits(buffers[0]->data(), offset, length);
  }
  cached_null_count_ = nulls;
  return nulls;
}

namespace bit_util {

int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length) {
  int64_t count = 0;
  int64_t i = offset;
  const int64_t end = offset + length;
  // Leading bits up to a byte boundary.
  for (; i < end && (i & 7) != 0; ++i) count += GetBit(bits, i);
  // Whole 64-bit words.
  for (; i + 64 <= end; i += 64) {
    uint64_t word;
    std::memcpy(&word, bits + (i >> 3), sizeof(word));
    count += std::popcount(word);
  }
  for (; i + 8 <= end; i += 8) count += std::popcount(static_cast<unsigned>(bits[i >> 3]));
  for (; i < end; ++i) count += GetBit(bits, i);
  return count;
}

void CopyBitmap(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst,
                int64_t dst_offset) {
  if ((src_offset & 7) == 0 && (dst_offset & 7) == 0) {
    const int64_t whole = length / 8;
    std::memcpy(dst + dst_offset / 8, src + src_offset / 8, static_cast<size_t>(whole));
    for (int64_t i = whole * 8; i < length; ++i) SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
    return;
  }
  for (int64_t i = 0; i < length; ++i) SetBitTo(dst, dst_offset + i, GetBit(src, src_offset + i));
}

}  // namespace bit_util
}  // namespace quiver
