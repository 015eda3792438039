// ArrayData: the plain, untyped description of an Arrow array.
//
// The buffers follow the Arrow columnar format exactly, one entry per buffer
// the format defines for the type (a null entry where an optional buffer, such
// as an all-valid validity bitmap, is absent):
//
//   null                          (none)
//   bool, numeric, temporal,
//   decimal, fixed_size_binary    validity, values
//   binary/string (+large)        validity, offsets, data
//   binary_view/string_view       validity, views, data buffers... (variadic)
//   list, large_list, map         validity, offsets               + 1 child
//   list_view, large_list_view    validity, offsets, sizes        + 1 child
//   fixed_size_list, struct       validity                        + children
//   sparse_union                  type_ids                        + children
//   dense_union                   type_ids, offsets               + children
//   dictionary                    validity, indices               + `dictionary`
//   run_end_encoded               (none)                          + run_ends, values
//   extension                     as its storage type
//
// `offset` is in elements and applies to every buffer and to the children of
// struct, fixed_size_list (scaled by the list size) and sparse_union.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "quiver/buffer.h"
#include "quiver/type.h"

namespace quiver {

/// null_count value meaning "not computed yet".
inline constexpr int64_t kUnknownNullCount = -1;

struct ArrayData;
using ArrayDataPtr = std::shared_ptr<ArrayData>;

struct QUIVER_EXPORT ArrayData {
  TypePtr type;
  int64_t length = 0;
  /// Number of nulls among [offset, offset + length), or kUnknownNullCount.
  int64_t null_count = 0;
  int64_t offset = 0;
  std::vector<std::shared_ptr<Buffer>> buffers;
  std::vector<ArrayDataPtr> child_data;
  /// The dictionary values of a dictionary-encoded array; null otherwise.
  ArrayDataPtr dictionary;

  static ArrayDataPtr Make(TypePtr type, int64_t length, std::vector<std::shared_ptr<Buffer>> buffers,
                           int64_t null_count = kUnknownNullCount, int64_t offset = 0);
  static ArrayDataPtr Make(TypePtr type, int64_t length, std::vector<std::shared_ptr<Buffer>> buffers,
                           std::vector<ArrayDataPtr> child_data,
                           int64_t null_count = kUnknownNullCount, int64_t offset = 0);

  /// A zero-copy view of [offset, offset + length) of this array. Bounds are the
  /// caller's to check (Array::Slice clamps; ArrayData::SliceChecked reports).
  ArrayDataPtr Slice(int64_t offset, int64_t length) const;
  Result<ArrayDataPtr> SliceChecked(int64_t offset, int64_t length) const;

  /// The null count, computing (and caching) it from the validity bitmap when unknown.
  /// For union, run-end-encoded and null arrays, counts logical nulls.
  int64_t GetNullCount() const;
  /// Whether the validity bitmap (if the type has one) is present.
  bool MayHaveNulls() const;
  /// Whether element i (relative to `offset`) is valid, by this array's own buffers.
  bool IsValid(int64_t i) const;
  bool IsNull(int64_t i) const { return !IsValid(i); }

  template <typename T>
  const T* GetValues(int buffer_index, int64_t absolute_offset) const {
    const auto& b = buffers[static_cast<size_t>(buffer_index)];
    return b ? reinterpret_cast<const T*>(b->data()) + absolute_offset : nullptr;
  }
  /// Values of buffer `i` as T, already shifted by `offset`.
  template <typename T>
  const T* GetValues(int buffer_index) const {
    return GetValues<T>(buffer_index, offset);
  }

 private:
  mutable int64_t cached_null_count_ = kUnknownNullCount;
};

namespace bit_util {
inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) { bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }
inline void ClearBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
}
inline void SetBitTo(uint8_t* bits, int64_t i, bool v) { v ? SetBit(bits, i) : ClearBit(bits, i); }
inline constexpr int64_t BytesForBits(int64_t bits) { return (bits + 7) / 8; }
/// Number of set bits in [offset, offset + length).
QUIVER_EXPORT int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length);
/// Copies `length` bits from src at `src_offset` to dst at `dst_offset`.
QUIVER_EXPORT void CopyBitmap(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst,
                              int64_t dst_offset);
}  // namespace bit_util

}  // namespace quiver
