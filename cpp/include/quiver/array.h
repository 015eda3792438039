// Array: a typed, immutable view over ArrayData.
//
// MakeArray(data) returns the class matching the type; code that knows the type
// casts to it to read values:
//
//   auto arr = MakeArray(data);
//   if (arr->type_id() == TypeId::INT64) {
//     const auto& ints = static_cast<const Int64Array&>(*arr);
//     for (int64_t i = 0; i < ints.length(); ++i) if (ints.IsValid(i)) use(ints.Value(i));
//   }
//
// Indices passed to Value/GetView are relative to the array (its offset is
// applied for you) and are not bounds-checked: check against length() first.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/array_data.h"

namespace quiver {

class Array;
using ArrayPtr = std::shared_ptr<const Array>;
using ArrayVector = std::vector<ArrayPtr>;

/// Options for Array::Equals and friends.
struct QUIVER_EXPORT EqualOptions {
  /// Compare field metadata inside nested types.
  bool check_metadata = false;
  /// Treat NaN as equal to NaN.
  bool nans_equal = false;
  static EqualOptions Defaults() { return {}; }
};

class QUIVER_EXPORT Array {
 public:
  explicit Array(ArrayDataPtr data) : data_(std::move(data)) {}
  virtual ~Array() = default;

  const ArrayDataPtr& data() const { return data_; }
  const TypePtr& type() const { return data_->type; }
  TypeId type_id() const { return data_->type->id(); }
  int64_t length() const { return data_->length; }
  int64_t offset() const { return data_->offset; }
  int64_t null_count() const { return data_->GetNullCount(); }
  bool IsNull(int64_t i) const { return data_->IsNull(i); }
  bool IsValid(int64_t i) const { return data_->IsValid(i); }
  /// The validity bitmap buffer, or null (no validity bitmap, or none for the type).
  std::shared_ptr<Buffer> null_bitmap() const;

  /// Zero-copy slice; offset and length are clamped to the array.
  ArrayPtr Slice(int64_t offset, int64_t length) const;
  ArrayPtr Slice(int64_t offset) const { return Slice(offset, length() - offset); }

  bool Equals(const Array& other, const EqualOptions& options = {}) const;
  bool Equals(const ArrayPtr& other, const EqualOptions& options = {}) const {
    return other != nullptr && Equals(*other, options);
  }
  /// Equality of [start, end) of this with [other_start, other_start + end - start) of other.
  bool RangeEquals(const Array& other, int64_t start, int64_t end, int64_t other_start,
                   const EqualOptions& options = {}) const;

  /// Cheap structural checks: buffer counts and sizes, child counts and lengths.
  Status Validate() const;
  /// Validate() plus every offset, UTF-8 string, dictionary index, run end and union type id.
  Status ValidateFull() const;

  /// pyarrow-style pretty print: "[\n  1,\n  null,\n  3\n]".
  std::string ToString() const;

  /// Bytes referenced by the buffers (whole buffers, as pyarrow's nbytes counts slices).
  int64_t nbytes() const;

 protected:
  ArrayDataPtr data_;
};

/// The Array subclass matching data->type.
QUIVER_EXPORT ArrayPtr MakeArray(ArrayDataPtr data);
/// An array of `length` nulls of any type.
QUIVER_EXPORT Result<ArrayPtr> MakeArrayOfNull(TypePtr type, int64_t length,
                                              MemoryPool* pool = default_memory_pool());
/// An empty array of the type.
QUIVER_EXPORT Result<ArrayPtr> MakeEmptyArray(TypePtr type, MemoryPool* pool = default_memory_pool());

class QUIVER_EXPORT NullArray : public Array {
 public:
  using Array::Array;
};

class QUIVER_EXPORT BooleanArray : public Array {
 public:
  using Array::Array;
  bool Value(int64_t i) const { return bit_util::GetBit(data_->buffers[1]->data(), data_->offset + i); }
  /// Number of valid, true values.
  int64_t true_count() const;
};

/// Arrays of fixed-width C values: integers, floats, half floats (as uint16_t
/// bit patterns), dates, times, timestamps, durations and month intervals.
template <typename CType>
class NumericArray : public Array {
 public:
  using Array::Array;
  using value_type = CType;
  CType Value(int64_t i) const { return raw_values()[i]; }
  /// Pointer to the first value of this (possibly sliced) array.
  const CType* raw_values() const { return data_->GetValues<CType>(1); }
};

using Int8Array = NumericArray<int8_t>;
using Int16Array = NumericArray<int16_t>;
using Int32Array = NumericArray<int32_t>;
using Int64Array = NumericArray<int64_t>;
using UInt8Array = NumericArray<uint8_t>;
using UInt16Array = NumericArray<uint16_t>;
using UInt32Array = NumericArray<uint32_t>;
using UInt64Array = NumericArray<uint64_t>;
using HalfFloatArray = NumericArray<uint16_t>;
using FloatArray = NumericArray<float>;
using DoubleArray = NumericArray<double>;
using Date32Array = NumericArray<int32_t>;
using Date64Array = NumericArray<int64_t>;
using Time32Array = NumericArray<int32_t>;
using Time64Array = NumericArray<int64_t>;
using TimestampArray = NumericArray<int64_t>;
using DurationArray = NumericArray<int64_t>;
using MonthIntervalArray = NumericArray<int32_t>;

struct DayTimeInterval {
  int32_t days;
  int32_t milliseconds;
  bool operator==(const DayTimeInterval&) const = default;
};
struct MonthDayNanoInterval {
  int32_t months;
  int32_t days;
  int64_t nanoseconds;
  bool operator==(const MonthDayNanoInterval&) const = default;
};
using DayTimeIntervalArray = NumericArray<DayTimeInterval>;
using MonthDayNanoIntervalArray = NumericArray<MonthDayNanoInterval>;

/// fixed_size_binary and the decimals (whose values are little-endian two's-complement integers).
class QUIVER_EXPORT FixedSizeBinaryArray : public Array {
 public:
  using Array::Array;
  int32_t byte_width() const;
  const uint8_t* GetValue(int64_t i) const;
  std::string_view GetView(int64_t i) const {
    return {reinterpret_cast<const char*>(GetValue(i)), static_cast<size_t>(byte_width())};
  }
};

class QUIVER_EXPORT DecimalArray : public FixedSizeBinaryArray {
 public:
  using FixedSizeBinaryArray::FixedSizeBinaryArray;
  /// The value as a decimal string, e.g. "-12.345" (precision/scale from the type).
  std::string FormatValue(int64_t i) const;
};

/// binary, string (int32 offsets) and large_binary, large_string (int64 offsets).
template <typename OffsetType>
class BaseBinaryArray : public Array {
 public:
  using Array::Array;
  using offset_type = OffsetType;
  const OffsetType* raw_value_offsets() const { return data_->GetValues<OffsetType>(1); }
  const uint8_t* raw_data() const {
    return data_->buffers[2] ? data_->buffers[2]->data() : nullptr;
  }
  OffsetType value_offset(int64_t i) const { return raw_value_offsets()[i]; }
  OffsetType value_length(int64_t i) const {
    return raw_value_offsets()[i + 1] - raw_value_offsets()[i];
  }
  std::string_view GetView(int64_t i) const {
    const OffsetType* off = raw_value_offsets();
    return {reinterpret_cast<const char*>(raw_data()) + off[i], static_cast<size_t>(off[i + 1] - off[i])};
  }
  std::string GetString(int64_t i) const { return std::string(GetView(i)); }
};
using BinaryArray = BaseBinaryArray<int32_t>;
using StringArray = BaseBinaryArray<int32_t>;
using LargeBinaryArray = BaseBinaryArray<int64_t>;
using LargeStringArray = BaseBinaryArray<int64_t>;

/// The 16-byte view of binary_view / string_view: short strings (<= 12 bytes)
/// are inlined, longer ones point into a variadic data buffer.
union BinaryViewHeader {
  struct {
    int32_t size;
    uint8_t data[12];
  } inlined;
  struct {
    int32_t size;
    uint8_t prefix[4];
    int32_t buffer_index;
    int32_t offset;
  } ref;
  static constexpr int32_t kInlineSize = 12;
};
static_assert(sizeof(BinaryViewHeader) == 16);

class QUIVER_EXPORT BinaryViewArray : public Array {
 public:
  using Array::Array;
  const BinaryViewHeader* raw_views() const { return data_->GetValues<BinaryViewHeader>(1); }
  /// Assumes the view is valid (ValidateFull checks buffer indices and bounds).
  std::string_view GetView(int64_t i) const;
  std::string GetString(int64_t i) const { return std::string(GetView(i)); }
  int64_t num_data_buffers() const { return static_cast<int64_t>(data_->buffers.size()) - 2; }
};
using StringViewArray = BinaryViewArray;

/// list / large_list / map (offsets) and list_view / large_list_view (offsets + sizes).
template <typename OffsetType>
class BaseListArray : public Array {
 public:
  explicit BaseListArray(ArrayDataPtr data);
  const ArrayPtr& values() const { return values_; }
  const TypePtr& value_type() const;
  const OffsetType* raw_value_offsets() const { return data_->GetValues<OffsetType>(1); }
  /// For list_view types, the sizes buffer; null otherwise.
  const OffsetType* raw_value_sizes() const {
    return is_list_view(type_id()) ? data_->GetValues<OffsetType>(2) : nullptr;
  }
  OffsetType value_offset(int64_t i) const { return raw_value_offsets()[i]; }
  OffsetType value_length(int64_t i) const {
    const OffsetType* sizes = raw_value_sizes();
    return sizes ? sizes[i] : raw_value_offsets()[i + 1] - raw_value_offsets()[i];
  }
  /// The values of list element i, as a slice of values().
  ArrayPtr value_slice(int64_t i) const { return values_->Slice(value_offset(i), value_length(i)); }

 protected:
  ArrayPtr values_;
};
using ListArray = BaseListArray<int32_t>;
using LargeListArray = BaseListArray<int64_t>;
using ListViewArray = BaseListArray<int32_t>;
using LargeListViewArray = BaseListArray<int64_t>;

class QUIVER_EXPORT MapArray : public BaseListArray<int32_t> {
 public:
  explicit MapArray(ArrayDataPtr data);
  /// The entries' key and item children (whole, not sliced by this array's offsets).
  const ArrayPtr& keys() const { return keys_; }
  const ArrayPtr& items() const { return items_; }

 private:
  ArrayPtr keys_, items_;
};

class QUIVER_EXPORT FixedSizeListArray : public Array {
 public:
  explicit FixedSizeListArray(ArrayDataPtr data);
  int32_t list_size() const;
  /// The whole child array (not adjusted for this array's offset).
  const ArrayPtr& values() const { return values_; }
  int64_t value_offset(int64_t i) const { return (data_->offset + i) * list_size(); }
  ArrayPtr value_slice(int64_t i) const { return values_->Slice(value_offset(i), list_size()); }

 private:
  ArrayPtr values_;
};

class QUIVER_EXPORT StructArray : public Array {
 public:
  explicit StructArray(ArrayDataPtr data);
  int num_fields() const { return static_cast<int>(children_.size()); }
  /// Child i, sliced to this array's offset and length.
  ArrayPtr field(int i) const;
  /// The child named `name`, or null.
  ArrayPtr GetFieldByName(std::string_view name) const;
  /// Children as stored (not adjusted for this array's offset).
  const ArrayVector& raw_children() const { return children_; }

  /// Builds a struct array from equal-length children; names become field names.
  static Result<ArrayPtr> Make(const ArrayVector& children, const std::vector<std::string>& names,
                               std::shared_ptr<Buffer> null_bitmap = nullptr,
                               int64_t null_count = kUnknownNullCount);

 private:
  ArrayVector children_;
};

class QUIVER_EXPORT UnionArray : public Array {
 public:
  explicit UnionArray(ArrayDataPtr data);
  UnionMode mode() const;
  const int8_t* raw_type_codes() const { return data_->GetValues<int8_t>(0); }
  int8_t type_code(int64_t i) const { return raw_type_codes()[i]; }
  /// Child index of element i.
  int child_id(int64_t i) const;
  /// Dense unions: offset of element i into its child.
  int32_t value_offset(int64_t i) const { return data_->GetValues<int32_t>(1)[i]; }
  int num_fields() const { return static_cast<int>(children_.size()); }
  /// Child i as stored (sparse children are not adjusted for this array's offset).
  const ArrayPtr& field(int i) const { return children_[static_cast<size_t>(i)]; }

 private:
  ArrayVector children_;
};

class QUIVER_EXPORT DictionaryArray : public Array {
 public:
  explicit DictionaryArray(ArrayDataPtr data);
  /// The indices, as an integer array with this array's offset, length and validity.
  const ArrayPtr& indices() const { return indices_; }
  const ArrayPtr& dictionary() const { return dictionary_; }
  /// Index value of element i, widened to int64.
  int64_t GetValueIndex(int64_t i) const;

  static Result<ArrayPtr> FromArrays(TypePtr type, const ArrayPtr& indices, const ArrayPtr& dictionary);

 private:
  ArrayPtr indices_, dictionary_;
};

class QUIVER_EXPORT RunEndEncodedArray : public Array {
 public:
  explicit RunEndEncodedArray(ArrayDataPtr data);
  /// The whole run_ends and values children (not adjusted for this array's offset).
  const ArrayPtr& run_ends() const { return run_ends_; }
  const ArrayPtr& values() const { return values_; }
  /// Physical index into values() for logical element i (binary search over the run ends).
  int64_t FindPhysicalIndex(int64_t i) const;

  static Result<ArrayPtr> Make(int64_t logical_length, const ArrayPtr& run_ends, const ArrayPtr& values,
                               int64_t logical_offset = 0);

 private:
  ArrayPtr run_ends_, values_;
};

class QUIVER_EXPORT ExtensionArray : public Array {
 public:
  explicit ExtensionArray(ArrayDataPtr data);
  /// The same data viewed as the storage type.
  const ArrayPtr& storage() const { return storage_; }

 private:
  ArrayPtr storage_;
};

}  // namespace quiver
