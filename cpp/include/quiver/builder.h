// Builders: growing an Arrow array one value (or one run of values) at a time.
//
// Every type has a builder. MakeBuilder picks the right class for a type, and
// code that knows the type casts to it (or asks MakeBuilderAs to check the cast):
//
//   QUIVER_ASSIGN_OR_RAISE(auto b, MakeBuilderAs<Int64Builder>(int64()));
//   QUIVER_RETURN_NOT_OK(b->Append(1));
//   QUIVER_RETURN_NOT_OK(b->AppendNull());
//   QUIVER_ASSIGN_OR_RAISE(ArrayPtr arr, b->Finish());   // [1, null]; `b` is empty again
//
// Nested builders own one builder per child. A list element is started with
// Append() on the list builder, then its values go to value_builder(); a
// struct slot is opened with Append() and each field_builder(i) then gets one
// value; a union element is opened with Append(type_code) and the builder for
// that code then gets one value:
//
//   auto* list = static_cast<ListBuilder*>(b.get());              // list<int32>
//   auto* ints = static_cast<Int32Builder*>(list->value_builder());
//   QUIVER_RETURN_NOT_OK(list->Append());                           // [
//   QUIVER_RETURN_NOT_OK(ints->AppendValues({1, 2}));               //   1, 2
//   QUIVER_RETURN_NOT_OK(list->AppendNull());                       // ], null
//
// Children that did not get the number of values their parent expects are
// reported as Invalid by the parent's next Append or by Finish.
//
// Conventions shared by every builder:
//   - Append* functions fail with CapacityError when the array would outgrow
//     what its offsets can address (2^31 - 1 bytes or child values with int32
//     offsets), and with OutOfMemory when the pool refuses; the builder is then
//     unchanged and can still be finished.
//   - Reserve(n) makes room for n more elements so that the following n
//     Append/UnsafeAppend calls do not allocate. UnsafeAppend skips the
//     capacity check: call it only after Reserve (and ReserveData for
//     variable-length data).
//   - Finish() hands over the buffers (taken from the builder's MemoryPool) and
//     leaves the builder empty, ready to build the next array of the same type;
//     Reset() drops what was appended. Nested builders finish their children.
//   - The validity bitmap is only allocated once a null is appended; arrays
//     without nulls have none.
//   - AppendArraySlice copies elements of an existing, valid array of the same
//     type (ValidateFull is the caller's to run on untrusted input).
//
// Which class MakeBuilder returns for each type:
//   null -> NullBuilder; bool -> BooleanBuilder; int8..uint64, float, double ->
//   NumericBuilder<C type>; float16 -> HalfFloatBuilder (uint16_t bits);
//   date32, time32, month_interval -> NumericBuilder<int32_t>; date64, time64,
//   timestamp, duration -> NumericBuilder<int64_t>; day_time_interval ->
//   NumericBuilder<DayTimeInterval>; month_day_nano_interval ->
//   NumericBuilder<MonthDayNanoInterval>; decimal32/64/128/256 -> DecimalBuilder;
//   fixed_size_binary -> FixedSizeBinaryBuilder; binary, string, large_binary,
//   large_string -> BinaryBuilder, StringBuilder, LargeBinaryBuilder,
//   LargeStringBuilder; binary_view, string_view -> BinaryViewBuilder,
//   StringViewBuilder; list, large_list, list_view, large_list_view -> ListBuilder,
//   LargeListBuilder, ListViewBuilder, LargeListViewBuilder; fixed_size_list ->
//   FixedSizeListBuilder; map -> MapBuilder; struct -> StructBuilder; sparse and
//   dense unions -> UnionBuilder; dictionary -> DictionaryBuilder;
//   run_end_encoded -> RunEndEncodedBuilder; extension -> ExtensionBuilder.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "quiver/array.h"

namespace quiver {

// ---------------------------------------------------------------------------
// Growable buffers

/// Bytes appended one piece at a time into pool memory. Growth is geometric;
/// bytes past length() are kept zero so the finished buffer's padding is too.
class QUIVER_EXPORT BufferBuilder {
 public:
  explicit BufferBuilder(MemoryPool* pool = default_memory_pool()) : pool_(pool) {}
  BufferBuilder(BufferBuilder&&) noexcept = default;
  BufferBuilder& operator=(BufferBuilder&&) noexcept = default;

  int64_t length() const { return length_; }
  int64_t capacity() const;
  const uint8_t* data() const;
  /// Writable pointer to the bytes appended so far (null before the first allocation).
  uint8_t* mutable_data();

  /// Ensures room for `additional_bytes` more bytes.
  Status Reserve(int64_t additional_bytes);
  /// Sets length() to `new_length`; new bytes are zero, dropped ones are zeroed.
  Status Resize(int64_t new_length);
  Status Append(const void* bytes, int64_t nbytes);
  Status AppendZeros(int64_t nbytes);
  template <typename T>
  Status AppendValue(const T& value) {
    return Append(&value, static_cast<int64_t>(sizeof(T)));
  }
  /// Append without a capacity check: only after Reserve.
  void UnsafeAppend(const void* bytes, int64_t nbytes) {
    if (nbytes > 0) std::memcpy(mutable_data() + length_, bytes, static_cast<size_t>(nbytes));
    length_ += nbytes;
  }
  template <typename T>
  void UnsafeAppendValue(const T& value) {
    UnsafeAppend(&value, static_cast<int64_t>(sizeof(T)));
  }
  /// Zero bytes without a capacity check: only after Reserve.
  void UnsafeAppendZeros(int64_t nbytes) { length_ += nbytes; }

  /// The bytes as a buffer of exactly length() bytes (never null, possibly
  /// empty); the builder is empty afterwards.
  Result<std::shared_ptr<Buffer>> Finish();
  /// Drops the bytes and the memory.
  void Reset();

 private:
  MemoryPool* pool_;
  std::unique_ptr<ResizableBuffer> buffer_;  // size() == capacity in use, length_ <= size()
  int64_t length_ = 0;
};

/// Bits appended one at a time (LSB first, as Arrow bitmaps are laid out).
class QUIVER_EXPORT BitmapBuilder {
 public:
  explicit BitmapBuilder(MemoryPool* pool = default_memory_pool()) : bytes_(pool) {}

  int64_t length() const { return length_; }
  /// Number of false bits appended.
  int64_t false_count() const { return false_count_; }
  bool GetBit(int64_t i) const { return bit_util::GetBit(bytes_.data(), i); }

  Status Reserve(int64_t additional_bits);
  Status Append(bool value) { return AppendN(1, value); }
  Status AppendN(int64_t n, bool value);
  /// One bit per byte of `bytes` (non-zero is true); null `bytes` means all true.
  Status AppendBytes(const uint8_t* bytes, int64_t n);
  /// Bits [offset, offset + n) of `bitmap`; a null bitmap means all true.
  Status AppendBits(const uint8_t* bitmap, int64_t offset, int64_t n);
  /// Append without a capacity check: only after Reserve.
  void UnsafeAppend(bool value) {
    if (value) {
      bit_util::SetBit(bytes_.mutable_data(), length_);
    } else {
      ++false_count_;
    }
    ++length_;
  }

  Result<std::shared_ptr<Buffer>> Finish();
  void Reset();

 private:
  BufferBuilder bytes_;  // bytes_.length() == BytesForBits of the reserved bits
  int64_t length_ = 0;
  int64_t false_count_ = 0;
};

// ---------------------------------------------------------------------------
// ArrayBuilder

class ArrayBuilder;
using ArrayBuilderPtr = std::unique_ptr<ArrayBuilder>;

class QUIVER_EXPORT ArrayBuilder {
 public:
  virtual ~ArrayBuilder() = default;
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  const TypePtr& type() const { return type_; }
  MemoryPool* pool() const { return pool_; }
  /// Elements appended since the last Finish or Reset.
  virtual int64_t length() const { return length_; }
  /// Nulls appended since the last Finish or Reset (for unions: nulls appended
  /// through AppendNull(s); a null appended to a union's child is not counted).
  virtual int64_t null_count() const { return null_count_; }
  /// Child builders of nested builders (list/map value, struct fields, union children).
  int num_children() const { return static_cast<int>(children_.size()); }
  /// Child `i`, or null when `i` is out of range.
  ArrayBuilder* child(int i) const {
    return i >= 0 && i < num_children() ? children_[static_cast<size_t>(i)].get() : nullptr;
  }

  /// Makes room for `additional` more elements (not for variable-length data or children).
  virtual Status Reserve(int64_t additional);
  Status AppendNull() { return AppendNulls(1); }
  virtual Status AppendNulls(int64_t n) = 0;
  /// A valid "zero" value: 0, false, "", an empty list, a struct of empty values...
  Status AppendEmptyValue() { return AppendEmptyValues(1); }
  virtual Status AppendEmptyValues(int64_t n) = 0;
  /// Appends elements [offset, offset + length) of `array`, whose type must equal type().
  Status AppendArraySlice(const ArrayData& array, int64_t offset, int64_t length);
  Status AppendArray(const Array& array) { return AppendArraySlice(*array.data(), 0, array.length()); }

  /// The array built so far; the builder is empty afterwards (also on error).
  Result<ArrayPtr> Finish();
  Result<ArrayDataPtr> FinishData();
  /// Drops everything appended, keeping the type.
  virtual void Reset();

 protected:
  ArrayBuilder(TypePtr type, MemoryPool* pool);

  virtual Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) = 0;
  virtual Result<ArrayDataPtr> DoFinish() = 0;

  // The validity bitmap, allocated only once the first null arrives. Each of
  // these advances length_ (and null_count_).
  Status ReserveValidity(int64_t additional);
  Status AppendValidity(int64_t n, bool valid);
  /// One entry per byte (non-zero = valid); null means all valid.
  Status AppendValidityBytes(const uint8_t* valid_bytes, int64_t n);
  /// Bits [offset, offset + n) of `bitmap`; null means all valid.
  Status AppendValidityBits(const uint8_t* bitmap, int64_t offset, int64_t n);
  /// One valid element; only after ReserveValidity. (Nulls go through
  /// AppendValidity, which may have to allocate the bitmap.)
  void UnsafeAppendValid() {
    if (has_validity_) validity_.UnsafeAppend(true);
    ++length_;
  }
  /// The bitmap, or null when nothing was null.
  Result<std::shared_ptr<Buffer>> FinishValidity();
  /// The validity bitmap of `array`, or null when every element is valid.
  static const uint8_t* ValidityBitmap(const ArrayData& array);

  TypePtr type_;
  MemoryPool* pool_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  std::vector<ArrayBuilderPtr> children_;

 private:
  BitmapBuilder validity_;
  bool has_validity_ = false;
  // The length Reserve promised room for while the bitmap did not exist yet;
  // honoured when the bitmap is created, so UnsafeAppend stays safe.
  int64_t reserved_validity_ = 0;
};

/// The builder for `type`, allocating from `pool`. Every type is supported; the
/// class per type is listed at the top of this header.
QUIVER_EXPORT Result<ArrayBuilderPtr> MakeBuilder(const TypePtr& type,
                                                 MemoryPool* pool = default_memory_pool());

/// MakeBuilder, checked to return a `BuilderT` (TypeError otherwise).
template <typename BuilderT>
Result<std::unique_ptr<BuilderT>> MakeBuilderAs(const TypePtr& type,
                                                MemoryPool* pool = default_memory_pool()) {
  QUIVER_ASSIGN_OR_RAISE(ArrayBuilderPtr b, MakeBuilder(type, pool));
  auto* typed = dynamic_cast<BuilderT*>(b.get());
  if (typed == nullptr) {
    return Status::TypeError("the builder for ", type->ToString(), " is not of the requested class");
  }
  b.release();
  return std::unique_ptr<BuilderT>(typed);
}

// ---------------------------------------------------------------------------
// Null

/// Every element is null; nothing is allocated.
class QUIVER_EXPORT NullBuilder final : public ArrayBuilder {
 public:
  explicit NullBuilder(MemoryPool* pool = default_memory_pool());
  Status AppendNulls(int64_t n) override;
  /// The null type's only value is null.
  Status AppendEmptyValues(int64_t n) override { return AppendNulls(n); }

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;
};

// ---------------------------------------------------------------------------
// Fixed-width values

/// The type a NumericBuilder<T> builds when none is given (int32 for int32_t, ...).
template <typename T>
TypePtr DefaultNumericType();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<int8_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<int16_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<int32_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<int64_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<uint8_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<uint16_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<uint32_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<uint64_t>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<float>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<double>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<DayTimeInterval>();
template <> QUIVER_EXPORT TypePtr DefaultNumericType<MonthDayNanoInterval>();

/// Values of a fixed-width C type: integers, floats, half floats (uint16_t bit
/// patterns), dates, times, timestamps, durations and intervals. The type given
/// must store values as T (MakeBuilder guarantees it).
template <typename T>
class QUIVER_EXPORT NumericBuilder : public ArrayBuilder {
 public:
  using value_type = T;
  explicit NumericBuilder(MemoryPool* pool = default_memory_pool())
      : NumericBuilder(DefaultNumericType<T>(), pool) {}
  explicit NumericBuilder(TypePtr type, MemoryPool* pool = default_memory_pool())
      : ArrayBuilder(std::move(type), pool), data_(pool) {}

  Status Append(T value) {
    QUIVER_RETURN_NOT_OK(Reserve(1));
    UnsafeAppend(value);
    return Status::OK();
  }
  /// `values[0..n)`; `valid_bytes` (one byte per value, 0 = null) may be null for all valid.
  Status AppendValues(const T* values, int64_t n, const uint8_t* valid_bytes = nullptr);
  Status AppendValues(std::span<const T> values) {
    return AppendValues(values.data(), static_cast<int64_t>(values.size()));
  }
  Status AppendValues(std::initializer_list<T> values) {
    return AppendValues(values.begin(), static_cast<int64_t>(values.size()));
  }
  /// `valid` must be as long as `values` (Invalid otherwise); false marks a null.
  Status AppendValues(std::span<const T> values, const std::vector<bool>& valid);
  void UnsafeAppend(T value) {
    UnsafeAppendValid();
    data_.UnsafeAppendValue(value);
  }
  /// The value appended at position i (< length()).
  T GetValue(int64_t i) const {
    T v;
    std::memcpy(&v, data_.data() + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    return v;
  }

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  BufferBuilder data_;
};

using Int8Builder = NumericBuilder<int8_t>;
using Int16Builder = NumericBuilder<int16_t>;
using Int32Builder = NumericBuilder<int32_t>;
using Int64Builder = NumericBuilder<int64_t>;
using UInt8Builder = NumericBuilder<uint8_t>;
using UInt16Builder = NumericBuilder<uint16_t>;
using UInt32Builder = NumericBuilder<uint32_t>;
using UInt64Builder = NumericBuilder<uint64_t>;
using FloatBuilder = NumericBuilder<float>;
using DoubleBuilder = NumericBuilder<double>;
// Temporal builders share the storage class; construct them with the type,
// e.g. TimestampBuilder(timestamp(TimeUnit::MILLI, "UTC")).
using Date32Builder = NumericBuilder<int32_t>;
using Date64Builder = NumericBuilder<int64_t>;
using Time32Builder = NumericBuilder<int32_t>;
using Time64Builder = NumericBuilder<int64_t>;
using TimestampBuilder = NumericBuilder<int64_t>;
using DurationBuilder = NumericBuilder<int64_t>;
using MonthIntervalBuilder = NumericBuilder<int32_t>;
using DayTimeIntervalBuilder = NumericBuilder<DayTimeInterval>;
using MonthDayNanoIntervalBuilder = NumericBuilder<MonthDayNanoInterval>;

extern template class NumericBuilder<int8_t>;
extern template class NumericBuilder<int16_t>;
extern template class NumericBuilder<int32_t>;
extern template class NumericBuilder<int64_t>;
extern template class NumericBuilder<uint8_t>;
extern template class NumericBuilder<uint16_t>;
extern template class NumericBuilder<uint32_t>;
extern template class NumericBuilder<uint64_t>;
extern template class NumericBuilder<float>;
extern template class NumericBuilder<double>;
extern template class NumericBuilder<DayTimeInterval>;
extern template class NumericBuilder<MonthDayNanoInterval>;

/// IEEE 754 binary16 bit pattern nearest to `value` (ties to even; overflow
/// gives infinity; NaN stays NaN).
QUIVER_EXPORT uint16_t HalfFromFloat(float value);
/// The float a binary16 bit pattern stands for (exact).
QUIVER_EXPORT float HalfToFloat(uint16_t bits);

/// float16 values, stored as their uint16_t bit patterns.
class QUIVER_EXPORT HalfFloatBuilder final : public NumericBuilder<uint16_t> {
 public:
  explicit HalfFloatBuilder(MemoryPool* pool = default_memory_pool());
  /// Appends HalfFromFloat(value).
  Status AppendFloat(float value) { return Append(HalfFromFloat(value)); }
};

class QUIVER_EXPORT BooleanBuilder final : public ArrayBuilder {
 public:
  explicit BooleanBuilder(MemoryPool* pool = default_memory_pool());

  Status Append(bool value) {
    QUIVER_RETURN_NOT_OK(Reserve(1));
    UnsafeAppend(value);
    return Status::OK();
  }
  /// One value per byte (non-zero is true); `valid_bytes` may be null for all valid.
  Status AppendValues(const uint8_t* values, int64_t n, const uint8_t* valid_bytes = nullptr);
  Status AppendValues(const std::vector<bool>& values);
  /// `valid` must be as long as `values`.
  Status AppendValues(const std::vector<bool>& values, const std::vector<bool>& valid);
  void UnsafeAppend(bool value) {
    UnsafeAppendValid();
    data_.UnsafeAppend(value);
  }
  bool GetValue(int64_t i) const { return data_.GetBit(i); }

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  BitmapBuilder data_;
};

/// fixed_size_binary(width) values (also the storage of DecimalBuilder).
class QUIVER_EXPORT FixedSizeBinaryBuilder : public ArrayBuilder {
 public:
  /// `type` must be fixed_size_binary or a decimal.
  explicit FixedSizeBinaryBuilder(TypePtr type, MemoryPool* pool = default_memory_pool());

  int32_t byte_width() const { return width_; }
  /// Invalid unless value.size() == byte_width().
  Status Append(std::string_view value);
  /// byte_width() bytes from `value`.
  Status Append(const uint8_t* value);
  /// `n` values laid out back to back in `values` (n * byte_width() bytes).
  Status AppendValues(const uint8_t* values, int64_t n, const uint8_t* valid_bytes = nullptr);
  void UnsafeAppend(const uint8_t* value) {
    UnsafeAppendValid();
    data_.UnsafeAppend(value, width_);
  }
  /// The bytes appended at position i.
  std::string_view GetView(int64_t i) const {
    return {reinterpret_cast<const char*>(data_.data()) + i * width_, static_cast<size_t>(width_)};
  }

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

  int32_t width_;
  BufferBuilder data_;
};

/// decimal32/64/128/256 values: little-endian two's-complement unscaled integers
/// of 4, 8, 16 or 32 bytes.
class QUIVER_EXPORT DecimalBuilder final : public FixedSizeBinaryBuilder {
 public:
  explicit DecimalBuilder(TypePtr type, MemoryPool* pool = default_memory_pool());

  int32_t precision() const { return precision_; }
  int32_t scale() const { return scale_; }
  /// Parses text such as "-12.345", "1e3" or "0.50" and appends it scaled to
  /// scale(). Invalid when the text is malformed, when it has more fractional
  /// digits than the scale keeps (unless they are zeros), or when the value
  /// needs more digits than precision().
  Status AppendDecimal(std::string_view text);
  /// Appends the unscaled integer `unscaled` (value = unscaled * 10^-scale);
  /// Invalid when it needs more than precision() digits.
  Status AppendUnscaled(int64_t unscaled);

  /// Parses `text` for `type` (see AppendDecimal) into byte_width() little-endian bytes at `out`.
  static Status ParseDecimal(std::string_view text, const DecimalType& type, uint8_t* out);

 private:
  int32_t precision_, scale_;
};

// ---------------------------------------------------------------------------
// Variable-length binary

/// binary/string (int32 offsets) and large_binary/large_string (int64 offsets).
/// Strings are not checked for UTF-8 here; ValidateFull does that.
template <typename OffsetType>
class QUIVER_EXPORT BaseBinaryBuilder : public ArrayBuilder {
 public:
  using offset_type = OffsetType;
  /// The most value bytes one array can hold.
  static constexpr int64_t kMaxDataLength = std::numeric_limits<OffsetType>::max();

  explicit BaseBinaryBuilder(TypePtr type, MemoryPool* pool = default_memory_pool());

  Status Append(std::string_view value);
  Status Append(const uint8_t* value, int64_t length) {
    return Append(std::string_view(reinterpret_cast<const char*>(value), static_cast<size_t>(length)));
  }
  /// `valid_bytes` (one per value, 0 = null) may be null for all valid.
  Status AppendValues(std::span<const std::string> values, const uint8_t* valid_bytes = nullptr);
  Status AppendValues(std::span<const std::string_view> values, const uint8_t* valid_bytes = nullptr);
  Status AppendValues(std::initializer_list<std::string_view> values) {
    return AppendValues(std::span<const std::string_view>(values.begin(), values.size()));
  }
  /// Only after Reserve(1) and ReserveData(value.size()).
  void UnsafeAppend(std::string_view value) {
    UnsafeAppendValid();
    offsets_.UnsafeAppendValue(static_cast<OffsetType>(data_.length()));
    data_.UnsafeAppend(value.data(), static_cast<int64_t>(value.size()));
  }
  /// Makes room for `additional` more value bytes (CapacityError past kMaxDataLength).
  Status ReserveData(int64_t additional);
  /// Value bytes appended so far.
  int64_t value_data_length() const { return data_.length(); }
  /// The value appended at position i.
  std::string_view GetView(int64_t i) const;

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  Status CheckDataCapacity(int64_t additional) const;

  BufferBuilder offsets_;  // the start offset of each element; the final one is added by Finish
  BufferBuilder data_;
};

extern template class BaseBinaryBuilder<int32_t>;
extern template class BaseBinaryBuilder<int64_t>;

class QUIVER_EXPORT BinaryBuilder : public BaseBinaryBuilder<int32_t> {
 public:
  explicit BinaryBuilder(MemoryPool* pool = default_memory_pool());
  explicit BinaryBuilder(TypePtr type, MemoryPool* pool = default_memory_pool())
      : BaseBinaryBuilder<int32_t>(std::move(type), pool) {}
};
class QUIVER_EXPORT StringBuilder final : public BinaryBuilder {
 public:
  explicit StringBuilder(MemoryPool* pool = default_memory_pool());
};
class QUIVER_EXPORT LargeBinaryBuilder : public BaseBinaryBuilder<int64_t> {
 public:
  explicit LargeBinaryBuilder(MemoryPool* pool = default_memory_pool());
  explicit LargeBinaryBuilder(TypePtr type, MemoryPool* pool = default_memory_pool())
      : BaseBinaryBuilder<int64_t>(std::move(type), pool) {}
};
class QUIVER_EXPORT LargeStringBuilder final : public LargeBinaryBuilder {
 public:
  explicit LargeStringBuilder(MemoryPool* pool = default_memory_pool());
};

/// binary_view / string_view: values of up to 12 bytes are stored inline in
/// their 16-byte view; longer ones are copied into data buffers of at least
/// `block_size` bytes each.
class QUIVER_EXPORT BinaryViewBuilder : public ArrayBuilder {
 public:
  static constexpr int64_t kDefaultBlockSize = 32 * 1024;
  explicit BinaryViewBuilder(MemoryPool* pool = default_memory_pool());
  explicit BinaryViewBuilder(TypePtr type, MemoryPool* pool = default_memory_pool(),
                             int64_t block_size = kDefaultBlockSize);

  /// CapacityError for a value longer than 2^31 - 1 bytes.
  Status Append(std::string_view value);
  Status AppendValues(std::span<const std::string_view> values, const uint8_t* valid_bytes = nullptr);
  Status AppendValues(std::initializer_list<std::string_view> values) {
    return AppendValues(std::span<const std::string_view>(values.begin(), values.size()));
  }
  /// The value appended at position i.
  std::string_view GetView(int64_t i) const;
  /// Data buffers so far (the one being filled included).
  int64_t num_data_buffers() const {
    return static_cast<int64_t>(blocks_.size()) + (current_.length() > 0 ? 1 : 0);
  }

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  int64_t block_size_;
  BufferBuilder views_;
  std::vector<std::shared_ptr<Buffer>> blocks_;  // full data buffers
  BufferBuilder current_;                        // the data buffer being filled
  int64_t current_capacity_ = 0;                 // bytes current_ may hold before a new block starts
};

class QUIVER_EXPORT StringViewBuilder final : public BinaryViewBuilder {
 public:
  explicit StringViewBuilder(MemoryPool* pool = default_memory_pool());
};

// ---------------------------------------------------------------------------
// Nested types

/// list, large_list, list_view, large_list_view and (through MapBuilder) map.
/// Append() starts an element whose values are then appended to
/// value_builder(); the element ends at the next Append/AppendNull or Finish.
template <typename OffsetType>
class QUIVER_EXPORT BaseListBuilder : public ArrayBuilder {
 public:
  using offset_type = OffsetType;
  /// Child values one array can address.
  static constexpr int64_t kMaxValues = std::numeric_limits<OffsetType>::max();

  /// `type` is a list-like type whose value type is value_builder's type.
  BaseListBuilder(TypePtr type, ArrayBuilderPtr&& value_builder, MemoryPool* pool = default_memory_pool());

  ArrayBuilder* value_builder() const { return children_[0].get(); }
  /// Starts a new element (valid, or null when `is_valid` is false, which must then stay empty).
  Status Append(bool is_valid = true);

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;
  /// Brings the child up to date before an element boundary (MapBuilder syncs
  /// its entries); default: nothing.
  virtual Status SyncChild() { return Status::OK(); }

 private:
  Status CloseElement();
  Status AppendEmptyElements(int64_t n, bool valid);
  Result<OffsetType> ChildOffset();

  bool is_view_;
  BufferBuilder offsets_;
  BufferBuilder sizes_;  // list views only
  bool open_ = false;    // list views: an element whose size is not yet known
};

extern template class BaseListBuilder<int32_t>;
extern template class BaseListBuilder<int64_t>;

class QUIVER_EXPORT ListBuilder final : public BaseListBuilder<int32_t> {
 public:
  /// A builder for list<item: value type>.
  explicit ListBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool());
  ListBuilder(TypePtr type, ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool())
      : BaseListBuilder<int32_t>(std::move(type), std::move(value_builder), pool) {}
};
class QUIVER_EXPORT LargeListBuilder final : public BaseListBuilder<int64_t> {
 public:
  explicit LargeListBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool());
  LargeListBuilder(TypePtr type, ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool())
      : BaseListBuilder<int64_t>(std::move(type), std::move(value_builder), pool) {}
};
class QUIVER_EXPORT ListViewBuilder final : public BaseListBuilder<int32_t> {
 public:
  explicit ListViewBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool());
  ListViewBuilder(TypePtr type, ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool())
      : BaseListBuilder<int32_t>(std::move(type), std::move(value_builder), pool) {}
};
class QUIVER_EXPORT LargeListViewBuilder final : public BaseListBuilder<int64_t> {
 public:
  explicit LargeListViewBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool());
  LargeListViewBuilder(TypePtr type, ArrayBuilderPtr value_builder,
                       MemoryPool* pool = default_memory_pool())
      : BaseListBuilder<int64_t>(std::move(type), std::move(value_builder), pool) {}
};

class StructBuilder;

/// map<K, V>. Append() starts a map; then append one key to key_builder() and
/// one item to item_builder() per entry (the entries struct follows by itself).
/// Keys must not be null.
class QUIVER_EXPORT MapBuilder final : public BaseListBuilder<int32_t> {
 public:
  /// `type` is a map type; `entries` builds its entries struct.
  MapBuilder(TypePtr type, std::unique_ptr<StructBuilder> entries, MemoryPool* pool = default_memory_pool());

  ArrayBuilder* key_builder() const;
  ArrayBuilder* item_builder() const;
  /// The entries struct builder (value_builder()).
  StructBuilder* entries_builder() const;

 protected:
  Status SyncChild() override;
  Result<ArrayDataPtr> DoFinish() override;
};

/// fixed_size_list<T, n>: Append() starts an element that must then receive
/// exactly list_size() values in value_builder().
class QUIVER_EXPORT FixedSizeListBuilder final : public ArrayBuilder {
 public:
  FixedSizeListBuilder(TypePtr type, ArrayBuilderPtr value_builder, MemoryPool* pool = default_memory_pool());

  ArrayBuilder* value_builder() const { return children_[0].get(); }
  int32_t list_size() const { return list_size_; }
  Status Append(bool is_valid = true);

  Status Reserve(int64_t additional) override;
  /// Each null gets list_size() child values (null, or empty when the child is not nullable).
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  Status CheckChildLength() const;
  int32_t list_size_;
};

/// struct<...>: Append() opens a slot; then every field_builder(i) gets one value.
class QUIVER_EXPORT StructBuilder final : public ArrayBuilder {
 public:
  StructBuilder(TypePtr type, std::vector<ArrayBuilderPtr> field_builders,
                MemoryPool* pool = default_memory_pool());

  int num_fields() const { return num_children(); }
  /// Field i's builder, or null when i is out of range.
  ArrayBuilder* field_builder(int i) const { return child(i); }
  Status Append(bool is_valid = true);
  /// `n` slots whose validity comes from `valid_bytes` (null: all valid); the
  /// fields get their values separately.
  Status AppendValues(int64_t n, const uint8_t* valid_bytes = nullptr);

  Status Reserve(int64_t additional) override;
  /// Each null gets a null in each nullable field and an empty value in the others.
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;
};

/// sparse_union and dense_union. Append(type_code) opens an element; then the
/// builder for that code (builder_for(type_code)) gets exactly one value. In a
/// sparse union the other children get an empty value automatically.
class QUIVER_EXPORT UnionBuilder final : public ArrayBuilder {
 public:
  UnionBuilder(TypePtr type, std::vector<ArrayBuilderPtr> child_builders,
               MemoryPool* pool = default_memory_pool());

  UnionMode mode() const { return mode_; }
  /// Child i's builder (in type order), or null.
  ArrayBuilder* field_builder(int i) const { return child(i); }
  /// The builder of the child with `type_code`, or null when no child has it.
  ArrayBuilder* builder_for(int8_t type_code) const;
  /// Invalid when no child has `type_code`.
  Status Append(int8_t type_code);

  Status Reserve(int64_t additional) override;
  /// Nulls go to the first child (a union with no children cannot hold nulls).
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  Status CheckChildren(bool finishing) const;
  Status AppendCodeN(int child, int64_t n, bool null);

  UnionMode mode_;
  std::vector<int8_t> codes_of_child_;
  std::vector<int> child_of_code_;
  BufferBuilder type_ids_;
  BufferBuilder offsets_;               // dense only
  std::vector<int64_t> child_counts_;   // dense: elements that select each child
};

/// dictionary<values=T, indices=I>, encoding appended values: equal values share
/// one dictionary entry (NaNs are equal to each other). Any value type works,
/// nested ones included. Nulls become null indices. CapacityError when the
/// dictionary outgrows the index type.
class QUIVER_EXPORT DictionaryBuilder final : public ArrayBuilder {
 public:
  static Result<std::unique_ptr<DictionaryBuilder>> Make(TypePtr type, MemoryPool* pool = default_memory_pool());

  const TypePtr& value_type() const;
  /// Distinct values so far.
  int64_t dictionary_length() const { return static_cast<int64_t>(memo_.size()); }

  /// Binary-like and fixed-size binary (and raw decimal bytes) value types.
  Status Append(std::string_view value);
  /// Integer value types, and dates, times, timestamps, durations, month intervals (range-checked).
  Status AppendInteger(int64_t value);
  /// float16 (converted), float and double value types.
  Status AppendDouble(double value);
  /// bool value type.
  Status AppendBool(bool value);
  /// Encodes every element of `values`, an array of the value type.
  Status AppendValues(const ArrayData& values, int64_t offset, int64_t length);
  Status AppendValues(const Array& values) { return AppendValues(*values.data(), 0, values.length()); }
  /// Adds the distinct values of `values` to the dictionary without appending elements.
  Status InsertMemoValues(const Array& values);

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  /// Also forgets the dictionary.
  void Reset() override;

  DictionaryBuilder(TypePtr type, ArrayBuilderPtr dictionary_builder, MemoryPool* pool);

 protected:
  /// `array` is a dictionary array of this type; its decoded values are encoded again.
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  // Finds or inserts `key`; on insertion `add` appends the value to the dictionary.
  template <typename AddValue>
  Result<int64_t> Memoize(std::string key, AddValue&& add);
  Status AppendIndex(int64_t index);
  Status EncodeElement(const ArrayData& values, int64_t i, bool append);

  int64_t max_index_;
  ArrayBuilderPtr dictionary_builder_;
  std::unordered_map<std::string, int64_t> memo_;
  BufferBuilder indices_;  // int64, narrowed to the index type by Finish
  ArrayDataPtr empty_value_;
};

/// dictionary indices appended directly against a dictionary fixed up front.
class QUIVER_EXPORT DictionaryIndexBuilder final : public ArrayBuilder {
 public:
  /// `dictionary` must have `type`'s value type.
  static Result<std::unique_ptr<DictionaryIndexBuilder>> Make(TypePtr type, ArrayPtr dictionary,
                                                              MemoryPool* pool = default_memory_pool());
  const ArrayPtr& dictionary() const { return dictionary_; }

  /// IndexError unless 0 <= index < dictionary length.
  Status AppendIndex(int64_t index);
  Status AppendIndices(std::span<const int64_t> indices, const uint8_t* valid_bytes = nullptr);

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  /// Index 0 (IndexError when the dictionary is empty).
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

  DictionaryIndexBuilder(TypePtr type, ArrayPtr dictionary, MemoryPool* pool);

 protected:
  /// Only arrays sharing this builder's dictionary (the same ArrayData).
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  ArrayPtr dictionary_;
  BufferBuilder indices_;  // int64
};

/// run_end_encoded<run_ends: int16|int32|int64, values: T>. Values are appended
/// as logical values; a value equal to the one before it (nulls included)
/// extends the last run instead of starting one. CapacityError when the
/// logical length outgrows the run-end type.
class QUIVER_EXPORT RunEndEncodedBuilder final : public ArrayBuilder {
 public:
  RunEndEncodedBuilder(TypePtr type, ArrayBuilderPtr values_builder, MemoryPool* pool = default_memory_pool());

  /// Runs so far.
  int64_t num_runs() const { return run_ends_.length() / 8; }
  /// `run_length` copies of element `index` of `values` (an array of the value type).
  Status AppendRun(const ArrayData& values, int64_t index, int64_t run_length);
  /// Each element of values[offset, offset + length) once.
  Status AppendValues(const ArrayData& values, int64_t offset, int64_t length);
  Status AppendValues(const Array& values) { return AppendValues(*values.data(), 0, values.length()); }

  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;

 protected:
  /// `array` is run-end encoded; its runs are appended (and merged at the seam).
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  Status AppendKeyedRun(std::string key, const ArrayData* values, int64_t index, int64_t run_length,
                        bool is_null);

  int64_t max_run_end_;
  ArrayBuilderPtr values_builder_;
  BufferBuilder run_ends_;  // int64, narrowed by Finish
  std::string last_key_;
  ArrayDataPtr empty_value_;
};

/// An extension type: values are appended to storage_builder() and Finish
/// labels the result with the extension type.
class QUIVER_EXPORT ExtensionBuilder final : public ArrayBuilder {
 public:
  ExtensionBuilder(TypePtr type, ArrayBuilderPtr storage_builder, MemoryPool* pool = default_memory_pool());

  ArrayBuilder* storage_builder() const { return storage_.get(); }

  Status Reserve(int64_t additional) override;
  Status AppendNulls(int64_t n) override;
  Status AppendEmptyValues(int64_t n) override;
  void Reset() override;
  /// Values go to the storage builder, so length and null count are its.
  int64_t length() const override { return storage_->length(); }
  int64_t null_count() const override { return storage_->null_count(); }

 protected:
  Status DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) override;
  Result<ArrayDataPtr> DoFinish() override;

 private:
  ArrayBuilderPtr storage_;
};

}  // namespace quiver
