// Builders for every Arrow type. See builder.h for the contract.
//
// How the pieces fit:
//   - BufferBuilder/BitmapBuilder own growing pool memory. The bytes past what
//     was appended are always zero, so "append n zero values" is a length bump
//     and finished buffers have zeroed padding.
//   - ArrayBuilder keeps length, null count and the lazily created validity
//     bitmap; each typed builder keeps its value buffers and children.
//   - Dictionary memo tables and run-end merging need "are these two values
//     equal" for any type, nested ones included. Both compare a canonical byte
//     key of each value (ElementKey below): two values are equal exactly when
//     their keys are, which also makes the key a hash-table key.
#include "quiver/builder.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <type_traits>

namespace quiver {

namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// a * b, or CapacityError when it does not fit int64 (both non-negative).
Result<int64_t> CheckedMul(int64_t a, int64_t b, std::string_view what) {
  if (a != 0 && b > kInt64Max / a) {
    return Status::CapacityError(what, ": ", a, " * ", b, " does not fit a 64-bit length");
  }
  return a * b;
}

Status CheckCount(int64_t n, std::string_view what) {
  if (n < 0) return Status::Invalid(what, ": expected a non-negative count but found ", n);
  return Status::OK();
}

const DataType& StorageType(const DataType& t) {
  return t.id() == TypeId::EXTENSION ? StorageType(*static_cast<const ExtensionType&>(t).storage_type())
                                     : t;
}

// Largest index an integer index type can hold.
int64_t MaxIndexFor(TypeId id) {
  switch (id) {
    case TypeId::INT8: return std::numeric_limits<int8_t>::max();
    case TypeId::UINT8: return std::numeric_limits<uint8_t>::max();
    case TypeId::INT16: return std::numeric_limits<int16_t>::max();
    case TypeId::UINT16: return std::numeric_limits<uint16_t>::max();
    case TypeId::INT32: return std::numeric_limits<int32_t>::max();
    case TypeId::UINT32: return std::numeric_limits<uint32_t>::max();
    default: return kInt64Max;
  }
}

// int64 values -> a buffer of the integer type `id` (each value already range-checked).
Result<std::shared_ptr<Buffer>> NarrowIntegers(const BufferBuilder& wide, int64_t n, TypeId id,
                                               MemoryPool* pool) {
  const int width = [&] {
    switch (id) {
      case TypeId::INT8:
      case TypeId::UINT8: return 1;
      case TypeId::INT16:
      case TypeId::UINT16: return 2;
      case TypeId::INT32:
      case TypeId::UINT32: return 4;
      default: return 8;
    }
  }();
  QUIVER_ASSIGN_OR_RAISE(auto out, AllocateBuffer(n * width, pool));
  const uint8_t* src = wide.data();
  uint8_t* dst = out->mutable_data();
  for (int64_t i = 0; i < n; ++i) {
    int64_t v;
    std::memcpy(&v, src + i * 8, 8);
    switch (width) {
      case 1: dst[i] = static_cast<uint8_t>(v); break;
      case 2: {
        const uint16_t w = static_cast<uint16_t>(v);
        std::memcpy(dst + i * 2, &w, 2);
        break;
      }
      case 4: {
        const uint32_t w = static_cast<uint32_t>(v);
        std::memcpy(dst + i * 4, &w, 4);
        break;
      }
      default: std::memcpy(dst + i * 8, &v, 8);
    }
  }
  return out;
}

// Buffers may be unaligned (they can come straight out of an IPC body), so
// multi-byte values of source arrays are read with memcpy.
template <typename T>
T LoadAt(const uint8_t* p, int64_t i) {
  T v;
  std::memcpy(&v, p + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

// Reads an integer of the array's integer type (for a dictionary array, its
// index type) at absolute position `abs`.
int64_t ReadInteger(const ArrayData& a, int buffer, int64_t abs) {
  const uint8_t* p = a.buffers[static_cast<size_t>(buffer)]->data();
  const TypeId id = a.type->id() == TypeId::DICTIONARY
                        ? static_cast<const DictionaryType&>(*a.type).index_type()->id()
                        : a.type->id();
  switch (id) {
    case TypeId::INT8: return LoadAt<int8_t>(p, abs);
    case TypeId::UINT8: return LoadAt<uint8_t>(p, abs);
    case TypeId::INT16: return LoadAt<int16_t>(p, abs);
    case TypeId::UINT16: return LoadAt<uint16_t>(p, abs);
    case TypeId::INT32: return LoadAt<int32_t>(p, abs);
    case TypeId::UINT32: return LoadAt<uint32_t>(p, abs);
    case TypeId::UINT64: return static_cast<int64_t>(LoadAt<uint64_t>(p, abs));
    default: return LoadAt<int64_t>(p, abs);
  }
}

int64_t ReadOffset(const ArrayData& a, int buffer, int64_t abs, bool large) {
  const uint8_t* p = a.buffers[static_cast<size_t>(buffer)]->data();
  return large ? LoadAt<int64_t>(p, abs) : LoadAt<int32_t>(p, abs);
}

// The physical index of the run holding absolute logical position `pos`.
int64_t FindRun(const ArrayData& ree, int64_t pos) {
  const ArrayData& ends = *ree.child_data[0];
  int64_t lo = 0, hi = ends.length;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (ReadInteger(ends, 1, ends.offset + mid) <= pos) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::string_view BinaryViewAt(const ArrayData& a, int64_t abs) {
  BinaryViewHeader v;
  std::memcpy(&v, a.buffers[1]->data() + abs * 16, 16);
  if (v.inlined.size <= BinaryViewHeader::kInlineSize) {
    return {reinterpret_cast<const char*>(a.buffers[1]->data() + abs * 16 + 4),
            static_cast<size_t>(v.inlined.size)};
  }
  const auto& buf = a.buffers[static_cast<size_t>(2 + v.ref.buffer_index)];
  return {reinterpret_cast<const char*>(buf->data()) + v.ref.offset, static_cast<size_t>(v.ref.size)};
}

std::string_view BaseBinaryAt(const ArrayData& a, int64_t abs, bool large) {
  const int64_t start = ReadOffset(a, 1, abs, large);
  const int64_t end = ReadOffset(a, 1, abs + 1, large);
  const char* base = a.buffers[2] ? reinterpret_cast<const char*>(a.buffers[2]->data()) : "";
  return {base + start, static_cast<size_t>(end - start)};
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Keys of valid values start with 1, nulls are the single byte 0.
constexpr char kNullKey = '\0';
constexpr char kValidKey = '\1';

std::string BytesKey(std::string_view bytes, bool length_prefixed) {
  std::string key(1, kValidKey);
  if (length_prefixed) AppendVarint(&key, bytes.size());
  key.append(bytes);
  return key;
}

template <typename F>
std::string FloatKey(F v) {
  // All NaNs are one value; other floats compare by bit pattern (so -0.0 != 0.0,
  // as a hash table keyed on bits sees them).
  if (std::isnan(v)) v = std::numeric_limits<F>::quiet_NaN();
  return BytesKey({reinterpret_cast<const char*>(&v), sizeof(F)}, false);
}

std::string HalfKey(uint16_t bits) {
  if ((bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0) bits = 0x7E00;
  return BytesKey({reinterpret_cast<const char*>(&bits), 2}, false);
}

// The canonical key of element i (relative to a.offset) of a valid array.
void ElementKey(const ArrayData& a, int64_t i, std::string* out) {
  const DataType& type = StorageType(*a.type);
  const TypeId id = type.id();
  if (id == TypeId::NA || !a.IsValid(i)) {
    out->push_back(kNullKey);
    return;
  }
  out->push_back(kValidKey);
  const int64_t abs = a.offset + i;
  switch (id) {
    case TypeId::BOOL:
      out->push_back(bit_util::GetBit(a.buffers[1]->data(), abs) ? '\1' : '\0');
      return;
    case TypeId::HALF_FLOAT: {
      uint16_t bits;
      std::memcpy(&bits, a.buffers[1]->data() + abs * 2, 2);
      out->append(HalfKey(bits).substr(1));
      return;
    }
    case TypeId::FLOAT: {
      float v;
      std::memcpy(&v, a.buffers[1]->data() + abs * 4, 4);
      out->append(FloatKey(v).substr(1));
      return;
    }
    case TypeId::DOUBLE: {
      double v;
      std::memcpy(&v, a.buffers[1]->data() + abs * 8, 8);
      out->append(FloatKey(v).substr(1));
      return;
    }
    case TypeId::BINARY:
    case TypeId::STRING:
    case TypeId::LARGE_BINARY:
    case TypeId::LARGE_STRING: {
      const bool large = id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING;
      const std::string_view v = BaseBinaryAt(a, abs, large);
      AppendVarint(out, v.size());
      out->append(v);
      return;
    }
    case TypeId::BINARY_VIEW:
    case TypeId::STRING_VIEW: {
      const std::string_view v = BinaryViewAt(a, abs);
      AppendVarint(out, v.size());
      out->append(v);
      return;
    }
    case TypeId::LIST:
    case TypeId::LARGE_LIST:
    case TypeId::MAP:
    case TypeId::LIST_VIEW:
    case TypeId::LARGE_LIST_VIEW: {
      const bool large = id == TypeId::LARGE_LIST || id == TypeId::LARGE_LIST_VIEW;
      const int64_t start = ReadOffset(a, 1, abs, large);
      const int64_t len = is_list_view(id) ? ReadOffset(a, 2, abs, large)
                                           : ReadOffset(a, 1, abs + 1, large) - start;
      AppendVarint(out, static_cast<uint64_t>(len));
      for (int64_t k = 0; k < len; ++k) ElementKey(*a.child_data[0], start + k, out);
      return;
    }
    case TypeId::FIXED_SIZE_LIST: {
      const int64_t size = static_cast<const FixedSizeListType&>(type).list_size();
      for (int64_t k = 0; k < size; ++k) ElementKey(*a.child_data[0], abs * size + k, out);
      return;
    }
    case TypeId::STRUCT:
      for (const auto& child : a.child_data) ElementKey(*child, abs, out);
      return;
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      const int8_t code = a.buffers[0]->data_as<int8_t>()[abs];
      const int child = static_cast<const UnionType&>(type).child_ids()[static_cast<size_t>(code)];
      out->push_back(static_cast<char>(code));
      const int64_t child_index = id == TypeId::SPARSE_UNION ? abs : LoadAt<int32_t>(a.buffers[1]->data(), abs);
      ElementKey(*a.child_data[static_cast<size_t>(child)], child_index, out);
      return;
    }
    case TypeId::DICTIONARY:
      ElementKey(*a.dictionary, ReadInteger(a, 1, abs), out);
      return;
    case TypeId::RUN_END_ENCODED:
      ElementKey(*a.child_data[1], FindRun(a, abs), out);
      return;
    default: {
      // Every other type is fixed width: the value's bytes are its identity.
      const int64_t width = type.byte_width();
      out->append(reinterpret_cast<const char*>(a.buffers[1]->data() + abs * width),
                  static_cast<size_t>(width));
      return;
    }
  }
}

std::string KeyOf(const ArrayData& a, int64_t i) {
  std::string key;
  ElementKey(a, i, &key);
  return key;
}

// A one-element array holding the type's empty value (for AppendEmptyValues of
// builders that store values by reference to an array).
Result<ArrayDataPtr> EmptyValueData(const TypePtr& type, MemoryPool* pool) {
  QUIVER_ASSIGN_OR_RAISE(auto b, MakeBuilder(type, pool));
  QUIVER_RETURN_NOT_OK(b->AppendEmptyValue());
  return b->FinishData();
}

Status CheckChildType(const ArrayBuilder& child, const TypePtr& expected, std::string_view what) {
  if (!child.type()->Equals(*expected)) {
    return Status::TypeError(what, " builder builds ", child.type()->ToString(), " but the type expects ",
                             expected->ToString());
  }
  return Status::OK();
}

// Fills bits [start, start + n) of `bits` with ones.
void SetBitsTrue(uint8_t* bits, int64_t start, int64_t n) {
  int64_t i = start;
  const int64_t end = start + n;
  for (; i < end && (i & 7) != 0; ++i) bit_util::SetBit(bits, i);
  const int64_t whole = (end - i) / 8;
  if (whole > 0) {
    std::memset(bits + i / 8, 0xFF, static_cast<size_t>(whole));
    i += whole * 8;
  }
  for (; i < end; ++i) bit_util::SetBit(bits, i);
}

}  // namespace

// ---------------------------------------------------------------------------
// BufferBuilder

int64_t BufferBuilder::capacity() const { return buffer_ ? buffer_->size() : 0; }
const uint8_t* BufferBuilder::data() const { return buffer_ ? buffer_->data() : nullptr; }
uint8_t* BufferBuilder::mutable_data() { return buffer_ ? buffer_->mutable_data() : nullptr; }

Status BufferBuilder::Reserve(int64_t additional_bytes) {
  QUIVER_RETURN_NOT_OK(CheckCount(additional_bytes, "BufferBuilder::Reserve"));
  if (additional_bytes > kInt64Max - length_) {
    return Status::CapacityError("buffer of ", length_, " bytes cannot grow by ", additional_bytes);
  }
  const int64_t needed = length_ + additional_bytes;
  if (buffer_ && needed <= buffer_->size()) return Status::OK();
  if (!buffer_) {
    QUIVER_ASSIGN_OR_RAISE(buffer_, AllocateResizableBuffer(0, pool_));
  }
  // Grow geometrically so that n appends cost O(n) copies in total.
  const int64_t current = buffer_->size();
  const int64_t doubled = current > kInt64Max / 2 ? kInt64Max : current * 2;
  return buffer_->Resize(std::max({needed, doubled, kAlignment}));
}

Status BufferBuilder::Resize(int64_t new_length) {
  QUIVER_RETURN_NOT_OK(CheckCount(new_length, "BufferBuilder::Resize"));
  if (new_length > length_) {
    QUIVER_RETURN_NOT_OK(Reserve(new_length - length_));
  } else if (new_length < length_) {
    std::memset(mutable_data() + new_length, 0, static_cast<size_t>(length_ - new_length));
  }
  length_ = new_length;
  return Status::OK();
}

Status BufferBuilder::Append(const void* bytes, int64_t nbytes) {
  QUIVER_RETURN_NOT_OK(Reserve(nbytes));
  UnsafeAppend(bytes, nbytes);
  return Status::OK();
}

Status BufferBuilder::AppendZeros(int64_t nbytes) {
  QUIVER_RETURN_NOT_OK(Reserve(nbytes));
  UnsafeAppendZeros(nbytes);
  return Status::OK();
}

Result<std::shared_ptr<Buffer>> BufferBuilder::Finish() {
  if (!buffer_) {
    QUIVER_ASSIGN_OR_RAISE(buffer_, AllocateResizableBuffer(0, pool_));
  }
  QUIVER_RETURN_NOT_OK(buffer_->Resize(length_, /*shrink_to_fit=*/true));
  std::shared_ptr<Buffer> out(std::move(buffer_));
  length_ = 0;
  return out;
}

void BufferBuilder::Reset() {
  buffer_.reset();
  length_ = 0;
}

// ---------------------------------------------------------------------------
// BitmapBuilder

Status BitmapBuilder::Reserve(int64_t additional_bits) {
  QUIVER_RETURN_NOT_OK(CheckCount(additional_bits, "BitmapBuilder::Reserve"));
  if (additional_bits > kInt64Max - 8 - length_) {
    return Status::CapacityError("bitmap of ", length_, " bits cannot grow by ", additional_bits);
  }
  const int64_t bytes = bit_util::BytesForBits(length_ + additional_bits);
  if (bytes <= bytes_.length()) return Status::OK();
  // Reserve geometrically, then expose the bytes (they are zero).
  QUIVER_RETURN_NOT_OK(bytes_.Reserve(bytes - bytes_.length()));
  return bytes_.Resize(std::max(bytes, bytes_.capacity()));
}

Status BitmapBuilder::AppendN(int64_t n, bool value) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  if (value) {
    SetBitsTrue(bytes_.mutable_data(), length_, n);
  } else {
    false_count_ += n;
  }
  length_ += n;
  return Status::OK();
}

Status BitmapBuilder::AppendBytes(const uint8_t* bytes, int64_t n) {
  if (bytes == nullptr) return AppendN(n, true);
  QUIVER_RETURN_NOT_OK(Reserve(n));
  for (int64_t i = 0; i < n; ++i) UnsafeAppend(bytes[i] != 0);
  return Status::OK();
}

Status BitmapBuilder::AppendBits(const uint8_t* bitmap, int64_t offset, int64_t n) {
  if (bitmap == nullptr) return AppendN(n, true);
  QUIVER_RETURN_NOT_OK(Reserve(n));
  uint8_t* dst = bytes_.mutable_data();
  bit_util::CopyBitmap(bitmap, offset, n, dst, length_);
  false_count_ += n - bit_util::CountSetBits(dst, length_, n);
  length_ += n;
  return Status::OK();
}

Result<std::shared_ptr<Buffer>> BitmapBuilder::Finish() {
  QUIVER_RETURN_NOT_OK(bytes_.Resize(bit_util::BytesForBits(length_)));
  QUIVER_ASSIGN_OR_RAISE(auto out, bytes_.Finish());
  length_ = 0;
  false_count_ = 0;
  return out;
}

void BitmapBuilder::Reset() {
  bytes_.Reset();
  length_ = 0;
  false_count_ = 0;
}

// ---------------------------------------------------------------------------
// ArrayBuilder

ArrayBuilder::ArrayBuilder(TypePtr type, MemoryPool* pool)
    : type_(std::move(type)), pool_(pool), validity_(pool) {}

Status ArrayBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(CheckCount(additional, "Reserve"));
  return ReserveValidity(additional);
}

Status ArrayBuilder::ReserveValidity(int64_t additional) {
  QUIVER_RETURN_NOT_OK(CheckCount(additional, "Reserve"));
  if (has_validity_) return validity_.Reserve(additional);
  if (additional > kInt64Max - length_) {
    return Status::CapacityError("cannot reserve ", additional, " more elements after ", length_);
  }
  reserved_validity_ = std::max(reserved_validity_, length_ + additional);
  return Status::OK();
}

Status ArrayBuilder::AppendValidity(int64_t n, bool valid) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendNulls"));
  if (!valid && !has_validity_ && n > 0) {
    // The first null: the bitmap starts now, all ones so far.
    const int64_t want = std::max(reserved_validity_, length_ + n);
    QUIVER_RETURN_NOT_OK(validity_.Reserve(want));
    QUIVER_RETURN_NOT_OK(validity_.AppendN(length_, true));
    has_validity_ = true;
  }
  if (has_validity_) QUIVER_RETURN_NOT_OK(validity_.AppendN(n, valid));
  length_ += n;
  if (!valid) null_count_ += n;
  return Status::OK();
}

Status ArrayBuilder::AppendValidityBytes(const uint8_t* valid_bytes, int64_t n) {
  if (valid_bytes == nullptr) return AppendValidity(n, true);
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) nulls += valid_bytes[i] == 0 ? 1 : 0;
  if (nulls == 0) return AppendValidity(n, true);
  if (!has_validity_) {
    const int64_t want = std::max(reserved_validity_, length_ + n);
    QUIVER_RETURN_NOT_OK(validity_.Reserve(want));
    QUIVER_RETURN_NOT_OK(validity_.AppendN(length_, true));
    has_validity_ = true;
  }
  QUIVER_RETURN_NOT_OK(validity_.AppendBytes(valid_bytes, n));
  length_ += n;
  null_count_ += nulls;
  return Status::OK();
}

Status ArrayBuilder::AppendValidityBits(const uint8_t* bitmap, int64_t offset, int64_t n) {
  if (bitmap == nullptr) return AppendValidity(n, true);
  const int64_t nulls = n - bit_util::CountSetBits(bitmap, offset, n);
  if (nulls == 0) return AppendValidity(n, true);
  if (!has_validity_) {
    const int64_t want = std::max(reserved_validity_, length_ + n);
    QUIVER_RETURN_NOT_OK(validity_.Reserve(want));
    QUIVER_RETURN_NOT_OK(validity_.AppendN(length_, true));
    has_validity_ = true;
  }
  QUIVER_RETURN_NOT_OK(validity_.AppendBits(bitmap, offset, n));
  length_ += n;
  null_count_ += nulls;
  return Status::OK();
}

Result<std::shared_ptr<Buffer>> ArrayBuilder::FinishValidity() {
  if (!has_validity_ || null_count_ == 0) return std::shared_ptr<Buffer>();
  return validity_.Finish();
}

const uint8_t* ArrayBuilder::ValidityBitmap(const ArrayData& array) {
  if (array.null_count == 0 || array.buffers.empty() || !array.buffers[0]) return nullptr;
  return array.buffers[0]->data();
}

Status ArrayBuilder::AppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  if (!array.type || !array.type->Equals(*type_)) {
    return Status::TypeError("cannot append an array of type ",
                             array.type ? array.type->ToString() : std::string("(none)"),
                             " to a builder of ", type_->ToString());
  }
  if (offset < 0 || length < 0 || offset > array.length || length > array.length - offset) {
    return Status::IndexError("slice [", offset, ", ", offset, " + ", length,
                              ") is out of bounds for an array of length ", array.length);
  }
  if (length == 0) return Status::OK();
  return DoAppendArraySlice(array, offset, length);
}

Result<ArrayPtr> ArrayBuilder::Finish() {
  QUIVER_ASSIGN_OR_RAISE(auto data, FinishData());
  return MakeArray(std::move(data));
}

Result<ArrayDataPtr> ArrayBuilder::FinishData() {
  Result<ArrayDataPtr> out = DoFinish();
  Reset();
  return out;
}

void ArrayBuilder::Reset() {
  length_ = 0;
  null_count_ = 0;
  validity_.Reset();
  has_validity_ = false;
  reserved_validity_ = 0;
  for (auto& c : children_) c->Reset();
}

// ---------------------------------------------------------------------------
// NullBuilder

NullBuilder::NullBuilder(MemoryPool* pool) : ArrayBuilder(null(), pool) {}

Status NullBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendNulls"));
  if (n > kInt64Max - length_) return Status::CapacityError("null array length overflows int64");
  length_ += n;
  null_count_ += n;
  return Status::OK();
}

Status NullBuilder::DoAppendArraySlice(const ArrayData&, int64_t, int64_t length) {
  return AppendNulls(length);
}

Result<ArrayDataPtr> NullBuilder::DoFinish() { return ArrayData::Make(type_, length_, {}, length_); }

// ---------------------------------------------------------------------------
// NumericBuilder

template <> TypePtr DefaultNumericType<int8_t>() { return int8(); }
template <> TypePtr DefaultNumericType<int16_t>() { return int16(); }
template <> TypePtr DefaultNumericType<int32_t>() { return int32(); }
template <> TypePtr DefaultNumericType<int64_t>() { return int64(); }
template <> TypePtr DefaultNumericType<uint8_t>() { return uint8(); }
template <> TypePtr DefaultNumericType<uint16_t>() { return uint16(); }
template <> TypePtr DefaultNumericType<uint32_t>() { return uint32(); }
template <> TypePtr DefaultNumericType<uint64_t>() { return uint64(); }
template <> TypePtr DefaultNumericType<float>() { return float32(); }
template <> TypePtr DefaultNumericType<double>() { return float64(); }
template <> TypePtr DefaultNumericType<DayTimeInterval>() { return day_time_interval(); }
template <> TypePtr DefaultNumericType<MonthDayNanoInterval>() { return month_day_nano_interval(); }

template <typename T>
Status NumericBuilder<T>::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, sizeof(T), "Reserve"));
  return data_.Reserve(bytes);
}

template <typename T>
Status NumericBuilder<T>::AppendValues(const T* values, int64_t n, const uint8_t* valid_bytes) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidityBytes(valid_bytes, n));
  data_.UnsafeAppend(values, n * static_cast<int64_t>(sizeof(T)));
  return Status::OK();
}

template <typename T>
Status NumericBuilder<T>::AppendValues(std::span<const T> values, const std::vector<bool>& valid) {
  if (valid.size() != values.size()) {
    return Status::Invalid("AppendValues: expected one validity flag per value (", values.size(),
                           ") but found ", valid.size());
  }
  std::vector<uint8_t> bytes(valid.begin(), valid.end());
  return AppendValues(values.data(), static_cast<int64_t>(values.size()), bytes.data());
}

template <typename T>
Status NumericBuilder<T>::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, false));
  data_.UnsafeAppendZeros(n * static_cast<int64_t>(sizeof(T)));
  return Status::OK();
}

template <typename T>
Status NumericBuilder<T>::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, true));
  data_.UnsafeAppendZeros(n * static_cast<int64_t>(sizeof(T)));
  return Status::OK();
}

template <typename T>
void NumericBuilder<T>::Reset() {
  ArrayBuilder::Reset();
  data_.Reset();
}

template <typename T>
Status NumericBuilder<T>::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  QUIVER_RETURN_NOT_OK(Reserve(length));
  QUIVER_RETURN_NOT_OK(AppendValidityBits(ValidityBitmap(array), array.offset + offset, length));
  data_.UnsafeAppend(array.buffers[1]->data() + (array.offset + offset) * static_cast<int64_t>(sizeof(T)),
                     length * static_cast<int64_t>(sizeof(T)));
  return Status::OK();
}

template <typename T>
Result<ArrayDataPtr> NumericBuilder<T>::DoFinish() {
  if (StorageType(*type_).byte_width() != static_cast<int>(sizeof(T))) {
    return Status::TypeError("a builder of ", sizeof(T), "-byte values cannot build ", type_->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto values, data_.Finish());
  return ArrayData::Make(type_, length_, {std::move(validity), std::move(values)}, null_count_);
}

template class NumericBuilder<int8_t>;
template class NumericBuilder<int16_t>;
template class NumericBuilder<int32_t>;
template class NumericBuilder<int64_t>;
template class NumericBuilder<uint8_t>;
template class NumericBuilder<uint16_t>;
template class NumericBuilder<uint32_t>;
template class NumericBuilder<uint64_t>;
template class NumericBuilder<float>;
template class NumericBuilder<double>;
template class NumericBuilder<DayTimeInterval>;
template class NumericBuilder<MonthDayNanoInterval>;

// ---------------------------------------------------------------------------
// Half floats

uint16_t HalfFromFloat(float value) {
  uint32_t x;
  std::memcpy(&x, &value, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t exp = (x >> 23) & 0xFF;
  uint32_t mant = x & 0x7FFFFF;
  if (exp == 0xFF) {  // infinity or NaN (kept quiet, with the top payload bits)
    return static_cast<uint16_t>(sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >> 13) : 0));
  }
  const int32_t e = static_cast<int32_t>(exp) - 127 + 15;  // biased half exponent
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7C00);
  if (e <= 0) {
    // Subnormal half (or zero): value = m * 2^-24 with m = significand >> (14 - e).
    if (e < -10) return sign;
    mant |= 0x800000;
    const uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;  // a carry rolls into the exponent correctly
  return static_cast<uint16_t>(sign | h);
}

float HalfToFloat(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  const uint32_t exp = (bits >> 10) & 0x1F;
  const uint32_t mant = bits & 0x3FF;
  uint32_t x;
  if (exp == 0x1F) {
    x = sign | 0x7F800000 | (mant << 13);
  } else if (exp != 0) {
    x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  } else {
    const float magnitude = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -magnitude : magnitude;
  }
  float out;
  std::memcpy(&out, &x, 4);
  return out;
}

HalfFloatBuilder::HalfFloatBuilder(MemoryPool* pool) : NumericBuilder<uint16_t>(float16(), pool) {}

// ---------------------------------------------------------------------------
// BooleanBuilder

BooleanBuilder::BooleanBuilder(MemoryPool* pool) : ArrayBuilder(boolean(), pool), data_(pool) {}

Status BooleanBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  return data_.Reserve(additional);
}

Status BooleanBuilder::AppendValues(const uint8_t* values, int64_t n, const uint8_t* valid_bytes) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidityBytes(valid_bytes, n));
  return data_.AppendBytes(values, n);
}

Status BooleanBuilder::AppendValues(const std::vector<bool>& values) {
  std::vector<uint8_t> bytes(values.begin(), values.end());
  return AppendValues(bytes.data(), static_cast<int64_t>(bytes.size()));
}

Status BooleanBuilder::AppendValues(const std::vector<bool>& values, const std::vector<bool>& valid) {
  if (valid.size() != values.size()) {
    return Status::Invalid("AppendValues: expected one validity flag per value (", values.size(),
                           ") but found ", valid.size());
  }
  std::vector<uint8_t> bytes(values.begin(), values.end());
  std::vector<uint8_t> valid_bytes(valid.begin(), valid.end());
  return AppendValues(bytes.data(), static_cast<int64_t>(bytes.size()), valid_bytes.data());
}

Status BooleanBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, false));
  return data_.AppendN(n, false);
}

Status BooleanBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, true));
  return data_.AppendN(n, false);
}

void BooleanBuilder::Reset() {
  ArrayBuilder::Reset();
  data_.Reset();
}

Status BooleanBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  QUIVER_RETURN_NOT_OK(Reserve(length));
  QUIVER_RETURN_NOT_OK(AppendValidityBits(ValidityBitmap(array), array.offset + offset, length));
  return data_.AppendBits(array.buffers[1]->data(), array.offset + offset, length);
}

Result<ArrayDataPtr> BooleanBuilder::DoFinish() {
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto values, data_.Finish());
  return ArrayData::Make(type_, length_, {std::move(validity), std::move(values)}, null_count_);
}

// ---------------------------------------------------------------------------
// FixedSizeBinaryBuilder

FixedSizeBinaryBuilder::FixedSizeBinaryBuilder(TypePtr type, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool), width_(std::max(0, StorageType(*type_).byte_width())), data_(pool) {}

Status FixedSizeBinaryBuilder::Append(std::string_view value) {
  if (static_cast<int64_t>(value.size()) != width_) {
    return Status::Invalid("expected a value of ", width_, " bytes for ", type_->ToString(), " but found ",
                           value.size(), " bytes");
  }
  return Append(reinterpret_cast<const uint8_t*>(value.data()));
}

Status FixedSizeBinaryBuilder::Append(const uint8_t* value) {
  QUIVER_RETURN_NOT_OK(Reserve(1));
  UnsafeAppend(value);
  return Status::OK();
}

Status FixedSizeBinaryBuilder::AppendValues(const uint8_t* values, int64_t n, const uint8_t* valid_bytes) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidityBytes(valid_bytes, n));
  data_.UnsafeAppend(values, n * width_);
  return Status::OK();
}

Status FixedSizeBinaryBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, width_, "Reserve"));
  return data_.Reserve(bytes);
}

Status FixedSizeBinaryBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, false));
  data_.UnsafeAppendZeros(n * width_);
  return Status::OK();
}

Status FixedSizeBinaryBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, true));
  data_.UnsafeAppendZeros(n * width_);
  return Status::OK();
}

void FixedSizeBinaryBuilder::Reset() {
  ArrayBuilder::Reset();
  data_.Reset();
}

Status FixedSizeBinaryBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  QUIVER_RETURN_NOT_OK(Reserve(length));
  QUIVER_RETURN_NOT_OK(AppendValidityBits(ValidityBitmap(array), array.offset + offset, length));
  data_.UnsafeAppend(array.buffers[1]->data() + (array.offset + offset) * width_, length * width_);
  return Status::OK();
}

Result<ArrayDataPtr> FixedSizeBinaryBuilder::DoFinish() {
  const TypeId id = StorageType(*type_).id();
  if (id != TypeId::FIXED_SIZE_BINARY && !is_decimal(id)) {
    return Status::TypeError("FixedSizeBinaryBuilder cannot build ", type_->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto values, data_.Finish());
  return ArrayData::Make(type_, length_, {std::move(validity), std::move(values)}, null_count_);
}

// ---------------------------------------------------------------------------
// DecimalBuilder

DecimalBuilder::DecimalBuilder(TypePtr type, MemoryPool* pool)
    : FixedSizeBinaryBuilder(std::move(type), pool), precision_(0), scale_(0) {
  if (is_decimal(StorageType(*type_).id())) {
    const auto& dt = static_cast<const DecimalType&>(StorageType(*type_));
    precision_ = dt.precision();
    scale_ = dt.scale();
  }
}

Status DecimalBuilder::ParseDecimal(std::string_view text, const DecimalType& type, uint8_t* out) {
  const int width = type.byte_width();
  auto fail = [&](auto&&... why) {
    return Status::Invalid("cannot convert \"", text, "\" to ", type.ToString(), ": ", why...);
  };
  size_t p = 0;
  bool negative = false;
  if (p < text.size() && (text[p] == '+' || text[p] == '-')) negative = text[p++] == '-';
  std::string digits;  // significant digits, no leading zeros
  int64_t fraction_digits = 0;
  bool seen_point = false, any_digit = false;
  for (; p < text.size(); ++p) {
    const char c = text[p];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (!(digits.empty() && c == '0')) digits.push_back(c);
      if (seen_point) ++fraction_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return fail("expected a number such as \"-12.34\"");
  int64_t exponent = 0;
  if (p < text.size() && (text[p] == 'e' || text[p] == 'E')) {
    ++p;
    bool exp_negative = false;
    if (p < text.size() && (text[p] == '+' || text[p] == '-')) exp_negative = text[p++] == '-';
    bool any = false;
    for (; p < text.size() && text[p] >= '0' && text[p] <= '9'; ++p) {
      any = true;
      exponent = std::min<int64_t>(exponent * 10 + (text[p] - '0'), 1'000'000'000);
    }
    if (!any) return fail("expected digits after the exponent marker");
    if (exp_negative) exponent = -exponent;
  }
  if (p != text.size()) return fail("unexpected character '", text[p], "' at position ", p);

  std::memset(out, 0, static_cast<size_t>(width));
  if (digits.empty()) return Status::OK();  // zero, whatever the exponent

  // unscaled = digits * 10^shift
  const int64_t shift = exponent - fraction_digits + type.scale();
  if (shift < 0) {
    const int64_t drop = -shift;
    if (drop >= static_cast<int64_t>(digits.size()) ||
        digits.find_first_not_of('0', digits.size() - static_cast<size_t>(drop)) != std::string::npos) {
      return fail("it has more fractional digits than the scale ", type.scale(), " keeps");
    }
    digits.resize(digits.size() - static_cast<size_t>(drop));
  }
  const int64_t precision = std::min(type.precision(), DecimalType::MaxPrecision(type.id()));
  const int64_t needed = static_cast<int64_t>(digits.size()) + std::max<int64_t>(shift, 0);
  if (needed > precision) {
    return fail("it needs ", needed, " digits but the precision is ", type.precision());
  }
  if (shift > 0) digits.append(static_cast<size_t>(shift), '0');

  // Accumulate the magnitude in 256 bits (76 digits fit), then negate in two's complement.
  uint64_t words[4] = {0, 0, 0, 0};
  for (char c : digits) {
    unsigned __int128 carry = static_cast<unsigned>(c - '0');
    for (auto& w : words) {
      const unsigned __int128 v = static_cast<unsigned __int128>(w) * 10 + carry;
      w = static_cast<uint64_t>(v);
      carry = v >> 64;
    }
  }
  if (negative) {
    uint64_t carry = 1;
    for (auto& w : words) {
      w = ~w + carry;
      carry = (carry != 0 && w == 0) ? 1 : 0;
    }
  }
  for (int b = 0; b < width; ++b) out[b] = static_cast<uint8_t>(words[b / 8] >> (8 * (b % 8)));
  return Status::OK();
}

Status DecimalBuilder::AppendDecimal(std::string_view text) {
  if (!is_decimal(StorageType(*type_).id())) {
    return Status::TypeError("DecimalBuilder cannot build ", type_->ToString());
  }
  uint8_t bytes[32];
  QUIVER_RETURN_NOT_OK(ParseDecimal(text, static_cast<const DecimalType&>(StorageType(*type_)), bytes));
  return Append(bytes);
}

Status DecimalBuilder::AppendUnscaled(int64_t unscaled) {
  if (!is_decimal(StorageType(*type_).id())) {
    return Status::TypeError("DecimalBuilder cannot build ", type_->ToString());
  }
  if (precision_ < 19) {
    int64_t limit = 1;
    for (int32_t i = 0; i < precision_; ++i) limit *= 10;
    if (unscaled >= limit || unscaled <= -limit) {
      return Status::Invalid("unscaled value ", unscaled, " needs more than the ", precision_,
                             " digits of ", type_->ToString());
    }
  }
  uint8_t bytes[32];
  const uint8_t fill = unscaled < 0 ? 0xFF : 0x00;
  std::memset(bytes, fill, sizeof(bytes));
  const uint64_t u = static_cast<uint64_t>(unscaled);
  for (int b = 0; b < 8 && b < width_; ++b) bytes[b] = static_cast<uint8_t>(u >> (8 * b));
  return Append(bytes);
}

// ---------------------------------------------------------------------------
// BaseBinaryBuilder

template <typename O>
BaseBinaryBuilder<O>::BaseBinaryBuilder(TypePtr type, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool), offsets_(pool), data_(pool) {}

template <typename O>
Status BaseBinaryBuilder<O>::CheckDataCapacity(int64_t additional) const {
  if (additional > kMaxDataLength - data_.length()) {
    return Status::CapacityError("a ", type_->ToString(), " array can hold at most ", kMaxDataLength,
                                 " bytes of values (", sizeof(O) * 8, "-bit offsets) but ",
                                 data_.length(), " + ", additional,
                                 " were appended; use a large_ type or split the array");
  }
  return Status::OK();
}

template <typename O>
Status BaseBinaryBuilder<O>::ReserveData(int64_t additional) {
  QUIVER_RETURN_NOT_OK(CheckCount(additional, "ReserveData"));
  QUIVER_RETURN_NOT_OK(CheckDataCapacity(additional));
  return data_.Reserve(additional);
}

template <typename O>
Status BaseBinaryBuilder<O>::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, sizeof(O), "Reserve"));
  return offsets_.Reserve(bytes);
}

template <typename O>
Status BaseBinaryBuilder<O>::Append(std::string_view value) {
  // Checked before anything is touched, so an oversized value leaves the builder as it was.
  QUIVER_RETURN_NOT_OK(CheckDataCapacity(static_cast<int64_t>(value.size())));
  QUIVER_RETURN_NOT_OK(Reserve(1));
  QUIVER_RETURN_NOT_OK(ReserveData(static_cast<int64_t>(value.size())));
  UnsafeAppend(value);
  return Status::OK();
}

template <typename O>
Status BaseBinaryBuilder<O>::AppendValues(std::span<const std::string> values, const uint8_t* valid_bytes) {
  int64_t total = 0;
  for (const auto& v : values) total += static_cast<int64_t>(v.size());
  QUIVER_RETURN_NOT_OK(ReserveData(total));
  const int64_t n = static_cast<int64_t>(values.size());
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidityBytes(valid_bytes, n));
  for (const auto& v : values) {
    offsets_.UnsafeAppendValue(static_cast<O>(data_.length()));
    data_.UnsafeAppend(v.data(), static_cast<int64_t>(v.size()));
  }
  return Status::OK();
}

template <typename O>
Status BaseBinaryBuilder<O>::AppendValues(std::span<const std::string_view> values,
                                          const uint8_t* valid_bytes) {
  int64_t total = 0;
  for (const auto& v : values) total += static_cast<int64_t>(v.size());
  QUIVER_RETURN_NOT_OK(ReserveData(total));
  const int64_t n = static_cast<int64_t>(values.size());
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidityBytes(valid_bytes, n));
  for (const auto& v : values) {
    offsets_.UnsafeAppendValue(static_cast<O>(data_.length()));
    data_.UnsafeAppend(v.data(), static_cast<int64_t>(v.size()));
  }
  return Status::OK();
}

template <typename O>
std::string_view BaseBinaryBuilder<O>::GetView(int64_t i) const {
  const O* offsets = reinterpret_cast<const O*>(offsets_.data());
  const int64_t start = offsets[i];
  const int64_t end = i + 1 < length_ ? static_cast<int64_t>(offsets[i + 1]) : data_.length();
  return {reinterpret_cast<const char*>(data_.data()) + start, static_cast<size_t>(end - start)};
}

template <typename O>
Status BaseBinaryBuilder<O>::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, false));
  const O end = static_cast<O>(data_.length());
  for (int64_t i = 0; i < n; ++i) offsets_.UnsafeAppendValue(end);
  return Status::OK();
}

template <typename O>
Status BaseBinaryBuilder<O>::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, true));
  const O end = static_cast<O>(data_.length());
  for (int64_t i = 0; i < n; ++i) offsets_.UnsafeAppendValue(end);
  return Status::OK();
}

template <typename O>
void BaseBinaryBuilder<O>::Reset() {
  ArrayBuilder::Reset();
  offsets_.Reset();
  data_.Reset();
}

template <typename O>
Status BaseBinaryBuilder<O>::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  const TypeId id = StorageType(*array.type).id();
  const bool large = id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING;
  const int64_t first = array.offset + offset;
  const int64_t start = ReadOffset(array, 1, first, large);
  const int64_t end = ReadOffset(array, 1, first + length, large);
  // The values are contiguous: copy them at once and rebase the offsets.
  QUIVER_RETURN_NOT_OK(ReserveData(end - start));
  QUIVER_RETURN_NOT_OK(Reserve(length));
  QUIVER_RETURN_NOT_OK(AppendValidityBits(ValidityBitmap(array), first, length));
  const int64_t base = data_.length() - start;
  for (int64_t j = 0; j < length; ++j) {
    offsets_.UnsafeAppendValue(static_cast<O>(base + ReadOffset(array, 1, first + j, large)));
  }
  if (end > start) data_.UnsafeAppend(array.buffers[2]->data() + start, end - start);
  return Status::OK();
}

template <typename O>
Result<ArrayDataPtr> BaseBinaryBuilder<O>::DoFinish() {
  const TypeId id = StorageType(*type_).id();
  const bool want_large = id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING;
  if (!is_base_binary(id) || want_large != (sizeof(O) == 8)) {
    return Status::TypeError("a binary builder with ", sizeof(O) * 8, "-bit offsets cannot build ",
                             type_->ToString());
  }
  QUIVER_RETURN_NOT_OK(offsets_.AppendValue(static_cast<O>(data_.length())));
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto offsets, offsets_.Finish());
  QUIVER_ASSIGN_OR_RAISE(auto data, data_.Finish());
  return ArrayData::Make(type_, length_, {std::move(validity), std::move(offsets), std::move(data)},
                         null_count_);
}

template class BaseBinaryBuilder<int32_t>;
template class BaseBinaryBuilder<int64_t>;

BinaryBuilder::BinaryBuilder(MemoryPool* pool) : BaseBinaryBuilder<int32_t>(binary(), pool) {}
StringBuilder::StringBuilder(MemoryPool* pool) : BinaryBuilder(utf8(), pool) {}
LargeBinaryBuilder::LargeBinaryBuilder(MemoryPool* pool) : BaseBinaryBuilder<int64_t>(large_binary(), pool) {}
LargeStringBuilder::LargeStringBuilder(MemoryPool* pool) : LargeBinaryBuilder(large_utf8(), pool) {}

// ---------------------------------------------------------------------------
// BinaryViewBuilder

BinaryViewBuilder::BinaryViewBuilder(MemoryPool* pool) : BinaryViewBuilder(binary_view(), pool) {}

BinaryViewBuilder::BinaryViewBuilder(TypePtr type, MemoryPool* pool, int64_t block_size)
    : ArrayBuilder(std::move(type), pool),
      block_size_(std::clamp<int64_t>(block_size, 1, std::numeric_limits<int32_t>::max())),
      views_(pool),
      current_(pool) {}

StringViewBuilder::StringViewBuilder(MemoryPool* pool) : BinaryViewBuilder(utf8_view(), pool) {}

Status BinaryViewBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, 16, "Reserve"));
  return views_.Reserve(bytes);
}

Status BinaryViewBuilder::Append(std::string_view value) {
  constexpr int64_t kMaxView = std::numeric_limits<int32_t>::max();
  const int64_t size = static_cast<int64_t>(value.size());
  if (size > kMaxView) {
    return Status::CapacityError("a ", type_->ToString(), " value can be at most ", kMaxView,
                                 " bytes but found ", size);
  }
  QUIVER_RETURN_NOT_OK(Reserve(1));
  BinaryViewHeader view;
  std::memset(&view, 0, sizeof(view));
  view.inlined.size = static_cast<int32_t>(size);
  if (size <= BinaryViewHeader::kInlineSize) {
    if (size > 0) std::memcpy(view.inlined.data, value.data(), static_cast<size_t>(size));
  } else {
    if (current_.length() + size > current_capacity_) {
      // Start a new block; the filled one becomes a finished data buffer.
      if (current_.length() > 0) {
        if (static_cast<int64_t>(blocks_.size()) >= kMaxView) {
          return Status::CapacityError("too many data buffers for one ", type_->ToString(), " array");
        }
        QUIVER_ASSIGN_OR_RAISE(auto block, current_.Finish());
        blocks_.push_back(std::move(block));
      }
      current_capacity_ = std::max(block_size_, size);
      QUIVER_RETURN_NOT_OK(current_.Reserve(current_capacity_));
    }
    std::memcpy(view.ref.prefix, value.data(), 4);
    view.ref.buffer_index = static_cast<int32_t>(blocks_.size());
    view.ref.offset = static_cast<int32_t>(current_.length());
    current_.UnsafeAppend(value.data(), size);
  }
  UnsafeAppendValid();
  views_.UnsafeAppendValue(view);
  return Status::OK();
}

Status BinaryViewBuilder::AppendValues(std::span<const std::string_view> values, const uint8_t* valid_bytes) {
  QUIVER_RETURN_NOT_OK(Reserve(static_cast<int64_t>(values.size())));
  for (size_t i = 0; i < values.size(); ++i) {
    if (valid_bytes != nullptr && valid_bytes[i] == 0) {
      QUIVER_RETURN_NOT_OK(AppendNull());
    } else {
      QUIVER_RETURN_NOT_OK(Append(values[i]));
    }
  }
  return Status::OK();
}

std::string_view BinaryViewBuilder::GetView(int64_t i) const {
  BinaryViewHeader view;
  std::memcpy(&view, views_.data() + i * 16, 16);
  if (view.inlined.size <= BinaryViewHeader::kInlineSize) {
    return {reinterpret_cast<const char*>(views_.data() + i * 16 + 4), static_cast<size_t>(view.inlined.size)};
  }
  const uint8_t* base = static_cast<size_t>(view.ref.buffer_index) < blocks_.size()
                            ? blocks_[static_cast<size_t>(view.ref.buffer_index)]->data()
                            : current_.data();
  return {reinterpret_cast<const char*>(base) + view.ref.offset, static_cast<size_t>(view.ref.size)};
}

Status BinaryViewBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, false));
  views_.UnsafeAppendZeros(n * 16);
  return Status::OK();
}

Status BinaryViewBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, true));
  views_.UnsafeAppendZeros(n * 16);  // size 0, inline
  return Status::OK();
}

void BinaryViewBuilder::Reset() {
  ArrayBuilder::Reset();
  views_.Reset();
  blocks_.clear();
  current_.Reset();
  current_capacity_ = 0;
}

Status BinaryViewBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  QUIVER_RETURN_NOT_OK(Reserve(length));
  for (int64_t j = 0; j < length; ++j) {
    if (!array.IsValid(offset + j)) {
      QUIVER_RETURN_NOT_OK(AppendNull());
    } else {
      QUIVER_RETURN_NOT_OK(Append(BinaryViewAt(array, array.offset + offset + j)));
    }
  }
  return Status::OK();
}

Result<ArrayDataPtr> BinaryViewBuilder::DoFinish() {
  if (!is_binary_view(StorageType(*type_).id())) {
    return Status::TypeError("BinaryViewBuilder cannot build ", type_->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto views, views_.Finish());
  std::vector<std::shared_ptr<Buffer>> buffers{std::move(validity), std::move(views)};
  for (auto& b : blocks_) buffers.push_back(std::move(b));
  if (current_.length() > 0) {
    QUIVER_ASSIGN_OR_RAISE(auto last, current_.Finish());
    buffers.push_back(std::move(last));
  }
  return ArrayData::Make(type_, length_, std::move(buffers), null_count_);
}

// ---------------------------------------------------------------------------
// Lists

template <typename O>
BaseListBuilder<O>::BaseListBuilder(TypePtr type, ArrayBuilderPtr&& value_builder, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool),
      is_view_(is_list_view(StorageType(*type_).id())),
      offsets_(pool),
      sizes_(pool) {
  children_.push_back(std::move(value_builder));
}

template <typename O>
Result<O> BaseListBuilder<O>::ChildOffset() {
  const int64_t n = value_builder()->length();
  if (n > kMaxValues) {
    return Status::CapacityError("a ", type_->ToString(), " array can address at most ", kMaxValues,
                                 " child values (", sizeof(O) * 8, "-bit offsets) but its child has ", n,
                                 "; use a large_ list type or split the array");
  }
  return static_cast<O>(n);
}

template <typename O>
Status BaseListBuilder<O>::CloseElement() {
  QUIVER_RETURN_NOT_OK(SyncChild());
  if (is_view_ && open_) {
    QUIVER_ASSIGN_OR_RAISE(O end, ChildOffset());
    const O start = reinterpret_cast<const O*>(offsets_.data())[length_ - 1];
    QUIVER_RETURN_NOT_OK(sizes_.AppendValue(static_cast<O>(end - start)));
    open_ = false;
  }
  return Status::OK();
}

template <typename O>
Status BaseListBuilder<O>::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, sizeof(O), "Reserve"));
  QUIVER_RETURN_NOT_OK(offsets_.Reserve(bytes));
  if (is_view_) QUIVER_RETURN_NOT_OK(sizes_.Reserve(bytes));
  return Status::OK();
}

template <typename O>
Status BaseListBuilder<O>::Append(bool is_valid) {
  QUIVER_RETURN_NOT_OK(CloseElement());
  QUIVER_ASSIGN_OR_RAISE(O start, ChildOffset());
  QUIVER_RETURN_NOT_OK(Reserve(1));
  QUIVER_RETURN_NOT_OK(AppendValidity(1, is_valid));
  offsets_.UnsafeAppendValue(start);
  open_ = is_view_;
  return Status::OK();
}

template <typename O>
Status BaseListBuilder<O>::AppendEmptyElements(int64_t n, bool valid) {
  QUIVER_RETURN_NOT_OK(CloseElement());
  QUIVER_ASSIGN_OR_RAISE(O start, ChildOffset());
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, valid));
  for (int64_t i = 0; i < n; ++i) offsets_.UnsafeAppendValue(start);
  if (is_view_) sizes_.UnsafeAppendZeros(n * static_cast<int64_t>(sizeof(O)));
  return Status::OK();
}

template <typename O>
Status BaseListBuilder<O>::AppendNulls(int64_t n) {
  return AppendEmptyElements(n, false);
}

template <typename O>
Status BaseListBuilder<O>::AppendEmptyValues(int64_t n) {
  return AppendEmptyElements(n, true);
}

template <typename O>
void BaseListBuilder<O>::Reset() {
  ArrayBuilder::Reset();
  offsets_.Reset();
  sizes_.Reset();
  open_ = false;
}

template <typename O>
Status BaseListBuilder<O>::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  const TypeId id = StorageType(*array.type).id();
  const bool large = id == TypeId::LARGE_LIST || id == TypeId::LARGE_LIST_VIEW;
  const bool view = is_list_view(id);
  QUIVER_RETURN_NOT_OK(Reserve(length));
  for (int64_t j = 0; j < length; ++j) {
    const int64_t abs = array.offset + offset + j;
    if (!array.IsValid(offset + j)) {
      QUIVER_RETURN_NOT_OK(AppendNull());
      continue;
    }
    const int64_t start = ReadOffset(array, 1, abs, large);
    const int64_t len = view ? ReadOffset(array, 2, abs, large) : ReadOffset(array, 1, abs + 1, large) - start;
    QUIVER_RETURN_NOT_OK(Append());
    QUIVER_RETURN_NOT_OK(value_builder()->AppendArraySlice(*array.child_data[0], start, len));
  }
  return Status::OK();
}

template <typename O>
Result<ArrayDataPtr> BaseListBuilder<O>::DoFinish() {
  const DataType& storage = StorageType(*type_);
  const TypeId id = storage.id();
  const bool want_large = id == TypeId::LARGE_LIST || id == TypeId::LARGE_LIST_VIEW;
  if (!(is_var_list(id) || is_list_view(id)) || want_large != (sizeof(O) == 8)) {
    return Status::TypeError("a list builder with ", sizeof(O) * 8, "-bit offsets cannot build ",
                             type_->ToString());
  }
  QUIVER_RETURN_NOT_OK(CheckChildType(*value_builder(), storage.field(0)->type(), "the list's value"));
  QUIVER_RETURN_NOT_OK(CloseElement());
  QUIVER_ASSIGN_OR_RAISE(O end, ChildOffset());
  if (!is_view_) QUIVER_RETURN_NOT_OK(offsets_.AppendValue(end));
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto offsets, offsets_.Finish());
  std::vector<std::shared_ptr<Buffer>> buffers{std::move(validity), std::move(offsets)};
  if (is_view_) {
    QUIVER_ASSIGN_OR_RAISE(auto sizes, sizes_.Finish());
    buffers.push_back(std::move(sizes));
  }
  QUIVER_ASSIGN_OR_RAISE(auto child, value_builder()->FinishData());
  return ArrayData::Make(type_, length_, std::move(buffers), {std::move(child)}, null_count_);
}

template class BaseListBuilder<int32_t>;
template class BaseListBuilder<int64_t>;

ListBuilder::ListBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool)
    : BaseListBuilder<int32_t>(list(value_builder->type()), std::move(value_builder), pool) {}
LargeListBuilder::LargeListBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool)
    : BaseListBuilder<int64_t>(large_list(value_builder->type()), std::move(value_builder), pool) {}
ListViewBuilder::ListViewBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool)
    : BaseListBuilder<int32_t>(list_view(value_builder->type()), std::move(value_builder), pool) {}
LargeListViewBuilder::LargeListViewBuilder(ArrayBuilderPtr value_builder, MemoryPool* pool)
    : BaseListBuilder<int64_t>(large_list_view(value_builder->type()), std::move(value_builder), pool) {}

// ---------------------------------------------------------------------------
// MapBuilder

MapBuilder::MapBuilder(TypePtr type, std::unique_ptr<StructBuilder> entries, MemoryPool* pool)
    : BaseListBuilder<int32_t>(std::move(type), std::move(entries), pool) {}

StructBuilder* MapBuilder::entries_builder() const { return static_cast<StructBuilder*>(value_builder()); }
ArrayBuilder* MapBuilder::key_builder() const { return entries_builder()->field_builder(0); }
ArrayBuilder* MapBuilder::item_builder() const { return entries_builder()->field_builder(1); }

Status MapBuilder::SyncChild() {
  StructBuilder* entries = entries_builder();
  if (entries->num_fields() != 2) {
    return Status::TypeError("a map's entries must have 2 fields but found ", entries->num_fields());
  }
  const int64_t s = entries->length();
  const int64_t k = key_builder()->length();
  const int64_t v = item_builder()->length();
  if (k == s && v == s) return Status::OK();
  if (k == v && k > s) return entries->AppendValues(k - s);
  return Status::Invalid("map entries are out of step: ", k, " keys and ", v, " items for ", s,
                         " entries; append one key and one item per entry");
}

Result<ArrayDataPtr> MapBuilder::DoFinish() {
  QUIVER_RETURN_NOT_OK(SyncChild());
  if (key_builder()->null_count() > 0) {
    return Status::Invalid("map keys must not be null but ", key_builder()->null_count(), " were");
  }
  return BaseListBuilder<int32_t>::DoFinish();
}

// ---------------------------------------------------------------------------
// FixedSizeListBuilder

FixedSizeListBuilder::FixedSizeListBuilder(TypePtr type, ArrayBuilderPtr value_builder, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool), list_size_(0) {
  if (StorageType(*type_).id() == TypeId::FIXED_SIZE_LIST) {
    list_size_ = std::max(0, static_cast<const FixedSizeListType&>(StorageType(*type_)).list_size());
  }
  children_.push_back(std::move(value_builder));
}

Status FixedSizeListBuilder::CheckChildLength() const {
  const int64_t expected = length_ * list_size_;  // cannot overflow: the child holds that many
  const int64_t have = value_builder()->length();
  if (have != expected) {
    const int64_t last = length_ - 1;
    return Status::Invalid("fixed_size_list element ", last, " has ", have - last * list_size_,
                           " values but the list size is ", list_size_);
  }
  return Status::OK();
}

Status FixedSizeListBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t child, CheckedMul(additional, list_size_, "Reserve"));
  return value_builder()->Reserve(child);
}

Status FixedSizeListBuilder::Append(bool is_valid) {
  QUIVER_RETURN_NOT_OK(CheckChildLength());
  return AppendValidity(1, is_valid);
}

Status FixedSizeListBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendNulls"));
  QUIVER_RETURN_NOT_OK(CheckChildLength());
  QUIVER_ASSIGN_OR_RAISE(int64_t child, CheckedMul(n, list_size_, "AppendNulls"));
  const auto& storage = StorageType(*type_);
  const bool nullable = storage.num_fields() == 1 && storage.field(0)->nullable();
  QUIVER_RETURN_NOT_OK(nullable ? value_builder()->AppendNulls(child) : value_builder()->AppendEmptyValues(child));
  return AppendValidity(n, false);
}

Status FixedSizeListBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendEmptyValues"));
  QUIVER_RETURN_NOT_OK(CheckChildLength());
  QUIVER_ASSIGN_OR_RAISE(int64_t child, CheckedMul(n, list_size_, "AppendEmptyValues"));
  QUIVER_RETURN_NOT_OK(value_builder()->AppendEmptyValues(child));
  return AppendValidity(n, true);
}

Status FixedSizeListBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  QUIVER_RETURN_NOT_OK(CheckChildLength());
  const int64_t first = array.offset + offset;
  QUIVER_RETURN_NOT_OK(
      value_builder()->AppendArraySlice(*array.child_data[0], first * list_size_, length * list_size_));
  return AppendValidityBits(ValidityBitmap(array), first, length);
}

Result<ArrayDataPtr> FixedSizeListBuilder::DoFinish() {
  const auto& storage = StorageType(*type_);
  if (storage.id() != TypeId::FIXED_SIZE_LIST) {
    return Status::TypeError("FixedSizeListBuilder cannot build ", type_->ToString());
  }
  QUIVER_RETURN_NOT_OK(CheckChildType(*value_builder(), storage.field(0)->type(), "the list's value"));
  QUIVER_RETURN_NOT_OK(CheckChildLength());
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto child, value_builder()->FinishData());
  return ArrayData::Make(type_, length_, {std::move(validity)}, {std::move(child)}, null_count_);
}

// ---------------------------------------------------------------------------
// StructBuilder

StructBuilder::StructBuilder(TypePtr type, std::vector<ArrayBuilderPtr> field_builders, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool) {
  children_ = std::move(field_builders);
}

Status StructBuilder::Append(bool is_valid) { return AppendValidity(1, is_valid); }

Status StructBuilder::AppendValues(int64_t n, const uint8_t* valid_bytes) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendValues"));
  return AppendValidityBytes(valid_bytes, n);
}

Status StructBuilder::Reserve(int64_t additional) { return ReserveValidity(additional); }

Status StructBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendNulls"));
  const auto& storage = StorageType(*type_);
  for (int i = 0; i < num_fields(); ++i) {
    const bool nullable = i >= storage.num_fields() || storage.field(i)->nullable();
    QUIVER_RETURN_NOT_OK(nullable ? child(i)->AppendNulls(n) : child(i)->AppendEmptyValues(n));
  }
  return AppendValidity(n, false);
}

Status StructBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendEmptyValues"));
  for (auto& c : children_) QUIVER_RETURN_NOT_OK(c->AppendEmptyValues(n));
  return AppendValidity(n, true);
}

Status StructBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  const int64_t first = array.offset + offset;
  for (int i = 0; i < num_fields(); ++i) {
    QUIVER_RETURN_NOT_OK(child(i)->AppendArraySlice(*array.child_data[static_cast<size_t>(i)], first, length));
  }
  return AppendValidityBits(ValidityBitmap(array), first, length);
}

Result<ArrayDataPtr> StructBuilder::DoFinish() {
  const auto& storage = StorageType(*type_);
  if (storage.id() != TypeId::STRUCT || storage.num_fields() != num_fields()) {
    return Status::TypeError("a struct builder with ", num_fields(), " field builders cannot build ",
                             type_->ToString());
  }
  std::vector<ArrayDataPtr> children;
  for (int i = 0; i < num_fields(); ++i) {
    const auto& f = storage.field(i);
    QUIVER_RETURN_NOT_OK(CheckChildType(*child(i), f->type(), "struct field '" + f->name() + "'"));
    if (child(i)->length() != length_) {
      return Status::Invalid("struct field '", f->name(), "' has ", child(i)->length(),
                             " values but the struct has ", length_, " slots");
    }
  }
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  for (auto& c : children_) {
    QUIVER_ASSIGN_OR_RAISE(auto d, c->FinishData());
    children.push_back(std::move(d));
  }
  return ArrayData::Make(type_, length_, {std::move(validity)}, std::move(children), null_count_);
}

// ---------------------------------------------------------------------------
// UnionBuilder

UnionBuilder::UnionBuilder(TypePtr type, std::vector<ArrayBuilderPtr> child_builders, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool),
      mode_(UnionMode::SPARSE),
      child_of_code_(UnionType::kMaxTypeCode + 1, -1),
      type_ids_(pool),
      offsets_(pool) {
  children_ = std::move(child_builders);
  child_counts_.assign(children_.size(), 0);
  if (is_union(StorageType(*type_).id())) {
    const auto& ut = static_cast<const UnionType&>(StorageType(*type_));
    mode_ = ut.mode();
    codes_of_child_ = ut.type_codes();
    for (size_t i = 0; i < codes_of_child_.size() && i < children_.size(); ++i) {
      const int8_t code = codes_of_child_[i];
      if (code >= 0) child_of_code_[static_cast<size_t>(code)] = static_cast<int>(i);
    }
  }
}

ArrayBuilder* UnionBuilder::builder_for(int8_t type_code) const {
  if (type_code < 0) return nullptr;
  return child(child_of_code_[static_cast<size_t>(type_code)]);
}

Status UnionBuilder::CheckChildren(bool finishing) const {
  for (int i = 0; i < num_children(); ++i) {
    const int64_t expected = mode_ == UnionMode::SPARSE ? length_ : child_counts_[static_cast<size_t>(i)];
    if (child(i)->length() != expected) {
      return Status::Invalid(mode_ == UnionMode::SPARSE ? "sparse" : "dense", " union child ", i,
                             " (type code ", static_cast<int>(codes_of_child_[static_cast<size_t>(i)]), ") has ",
                             child(i)->length(), " values but ", expected, " were expected",
                             finishing ? " when finishing" : " before the next element",
                             "; after Append(type_code) append exactly one value to that code's builder");
    }
  }
  return Status::OK();
}

Status UnionBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(CheckCount(additional, "Reserve"));
  QUIVER_RETURN_NOT_OK(type_ids_.Reserve(additional));
  if (mode_ == UnionMode::DENSE) {
    QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, 4, "Reserve"));
    QUIVER_RETURN_NOT_OK(offsets_.Reserve(bytes));
  }
  return Status::OK();
}

Status UnionBuilder::Append(int8_t type_code) {
  ArrayBuilder* target = builder_for(type_code);
  if (target == nullptr) {
    std::string codes;
    for (int8_t c : codes_of_child_) codes += (codes.empty() ? "" : ", ") + std::to_string(c);
    return Status::Invalid("type code ", static_cast<int>(type_code), " is not one of the union's type codes [",
                           codes, "]");
  }
  QUIVER_RETURN_NOT_OK(CheckChildren(false));
  const int c = child_of_code_[static_cast<size_t>(type_code)];
  QUIVER_RETURN_NOT_OK(Reserve(1));
  if (mode_ == UnionMode::SPARSE) {
    for (int i = 0; i < num_children(); ++i) {
      if (i != c) QUIVER_RETURN_NOT_OK(child(i)->AppendEmptyValue());
    }
  } else {
    const int64_t off = target->length();
    if (off > std::numeric_limits<int32_t>::max()) {
      return Status::CapacityError("dense union child ", c, " has ", off,
                                   " values, more than 32-bit union offsets can address");
    }
    offsets_.UnsafeAppendValue(static_cast<int32_t>(off));
    ++child_counts_[static_cast<size_t>(c)];
  }
  type_ids_.UnsafeAppendValue(type_code);
  ++length_;
  return Status::OK();
}

Status UnionBuilder::AppendCodeN(int c, int64_t n, bool null) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, null ? "AppendNulls" : "AppendEmptyValues"));
  if (num_children() == 0) {
    if (n == 0) return Status::OK();
    return Status::Invalid("a union with no children cannot hold ", null ? "nulls" : "values");
  }
  QUIVER_RETURN_NOT_OK(CheckChildren(false));
  ArrayBuilder* target = child(c);
  if (mode_ == UnionMode::DENSE) {
    const int64_t first = target->length();
    if (n > 0 && first + n - 1 > std::numeric_limits<int32_t>::max()) {
      return Status::CapacityError("dense union child ", c, " would hold ", first + n,
                                   " values, more than 32-bit union offsets can address");
    }
    QUIVER_RETURN_NOT_OK(Reserve(n));
    QUIVER_RETURN_NOT_OK(null ? target->AppendNulls(n) : target->AppendEmptyValues(n));
    for (int64_t i = 0; i < n; ++i) offsets_.UnsafeAppendValue(static_cast<int32_t>(first + i));
    child_counts_[static_cast<size_t>(c)] += n;
  } else {
    QUIVER_RETURN_NOT_OK(Reserve(n));
    for (int i = 0; i < num_children(); ++i) {
      QUIVER_RETURN_NOT_OK((i == c && null) ? child(i)->AppendNulls(n) : child(i)->AppendEmptyValues(n));
    }
  }
  const int8_t code = codes_of_child_[static_cast<size_t>(c)];
  for (int64_t i = 0; i < n; ++i) type_ids_.UnsafeAppendValue(code);
  length_ += n;
  if (null) null_count_ += n;
  return Status::OK();
}

Status UnionBuilder::AppendNulls(int64_t n) { return AppendCodeN(0, n, true); }
Status UnionBuilder::AppendEmptyValues(int64_t n) { return AppendCodeN(0, n, false); }

void UnionBuilder::Reset() {
  ArrayBuilder::Reset();
  type_ids_.Reset();
  offsets_.Reset();
  child_counts_.assign(children_.size(), 0);
}

Status UnionBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  const int64_t first = array.offset + offset;
  const int8_t* codes = array.buffers[0]->data_as<int8_t>() + first;
  if (mode_ == UnionMode::SPARSE) {
    QUIVER_RETURN_NOT_OK(CheckChildren(false));
    QUIVER_RETURN_NOT_OK(Reserve(length));
    for (int i = 0; i < num_children(); ++i) {
      QUIVER_RETURN_NOT_OK(child(i)->AppendArraySlice(*array.child_data[static_cast<size_t>(i)], first, length));
    }
    type_ids_.UnsafeAppend(codes, length);
    length_ += length;
    return Status::OK();
  }
  for (int64_t j = 0; j < length; ++j) {
    QUIVER_RETURN_NOT_OK(Append(codes[j]));
    const int c = child_of_code_[static_cast<size_t>(codes[j])];
    const int32_t child_offset = LoadAt<int32_t>(array.buffers[1]->data(), first + j);
    QUIVER_RETURN_NOT_OK(child(c)->AppendArraySlice(*array.child_data[static_cast<size_t>(c)], child_offset, 1));
  }
  return Status::OK();
}

Result<ArrayDataPtr> UnionBuilder::DoFinish() {
  const auto& storage = StorageType(*type_);
  if (!is_union(storage.id()) || storage.num_fields() != num_children()) {
    return Status::TypeError("a union builder with ", num_children(), " child builders cannot build ",
                             type_->ToString());
  }
  for (int i = 0; i < num_children(); ++i) {
    QUIVER_RETURN_NOT_OK(CheckChildType(*child(i), storage.field(i)->type(),
                                        "union child '" + storage.field(i)->name() + "'"));
  }
  QUIVER_RETURN_NOT_OK(CheckChildren(true));
  QUIVER_ASSIGN_OR_RAISE(auto ids, type_ids_.Finish());
  std::vector<std::shared_ptr<Buffer>> buffers{std::move(ids)};
  if (mode_ == UnionMode::DENSE) {
    QUIVER_ASSIGN_OR_RAISE(auto offsets, offsets_.Finish());
    buffers.push_back(std::move(offsets));
  }
  std::vector<ArrayDataPtr> children;
  for (auto& c : children_) {
    QUIVER_ASSIGN_OR_RAISE(auto d, c->FinishData());
    children.push_back(std::move(d));
  }
  // A union's nulls are its children's; they are counted when first asked for.
  return ArrayData::Make(type_, length_, std::move(buffers), std::move(children), kUnknownNullCount);
}

// ---------------------------------------------------------------------------
// DictionaryBuilder

DictionaryBuilder::DictionaryBuilder(TypePtr type, ArrayBuilderPtr dictionary_builder, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool),
      max_index_(kInt64Max),
      dictionary_builder_(std::move(dictionary_builder)),
      indices_(pool) {
  if (type_->id() == TypeId::DICTIONARY) {
    max_index_ = MaxIndexFor(static_cast<const DictionaryType&>(*type_).index_type()->id());
  }
}

Result<std::unique_ptr<DictionaryBuilder>> DictionaryBuilder::Make(TypePtr type, MemoryPool* pool) {
  if (!type || type->id() != TypeId::DICTIONARY) {
    return Status::TypeError("DictionaryBuilder needs a dictionary type but found ",
                             type ? type->ToString() : std::string("(none)"));
  }
  QUIVER_ASSIGN_OR_RAISE(auto values, MakeBuilder(static_cast<const DictionaryType&>(*type).value_type(), pool));
  return std::make_unique<DictionaryBuilder>(std::move(type), std::move(values), pool);
}

const TypePtr& DictionaryBuilder::value_type() const { return dictionary_builder_->type(); }

template <typename AddValue>
Result<int64_t> DictionaryBuilder::Memoize(std::string key, AddValue&& add) {
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;
  const int64_t index = static_cast<int64_t>(memo_.size());
  if (index > max_index_) {
    return Status::CapacityError("the dictionary already holds ", index, " distinct values, as many as index type ",
                                 static_cast<const DictionaryType&>(*type_).index_type()->ToString(),
                                 " can address");
  }
  QUIVER_RETURN_NOT_OK(add());
  memo_.emplace(std::move(key), index);
  return index;
}

Status DictionaryBuilder::AppendIndex(int64_t index) {
  QUIVER_RETURN_NOT_OK(Reserve(1));
  UnsafeAppendValid();
  indices_.UnsafeAppendValue(index);
  return Status::OK();
}

Status DictionaryBuilder::Append(std::string_view value) {
  const DataType& vt = StorageType(*value_type());
  const TypeId id = vt.id();
  ArrayBuilder* dict = dictionary_builder_.get();
  if (id == TypeId::EXTENSION) dict = static_cast<ExtensionBuilder*>(dict)->storage_builder();
  std::function<Status()> add;
  bool prefixed = true;
  if (id == TypeId::BINARY || id == TypeId::STRING) {
    add = [&] { return static_cast<BaseBinaryBuilder<int32_t>*>(dict)->Append(value); };
  } else if (id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING) {
    add = [&] { return static_cast<BaseBinaryBuilder<int64_t>*>(dict)->Append(value); };
  } else if (is_binary_view(id)) {
    add = [&] { return static_cast<BinaryViewBuilder*>(dict)->Append(value); };
  } else if (id == TypeId::FIXED_SIZE_BINARY || is_decimal(id)) {
    if (static_cast<int64_t>(value.size()) != vt.byte_width()) {
      return Status::Invalid("expected a value of ", vt.byte_width(), " bytes for ", value_type()->ToString(),
                             " but found ", value.size(), " bytes");
    }
    prefixed = false;
    add = [&] { return static_cast<FixedSizeBinaryBuilder*>(dict)->Append(value); };
  } else {
    return Status::TypeError("cannot append bytes to a dictionary of ", value_type()->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(int64_t index, Memoize(BytesKey(value, prefixed), add));
  return AppendIndex(index);
}

namespace {
template <typename T>
Status AppendIntegerAs(int64_t value, const TypePtr& type, ArrayBuilder* dict, std::string* key,
                       std::function<Status()>* add) {
  if constexpr (std::is_signed_v<T>) {
    if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
      return Status::Invalid("value ", value, " is out of range for ", type->ToString());
    }
  } else {
    if (value < 0 || static_cast<uint64_t>(value) > std::numeric_limits<T>::max()) {
      return Status::Invalid("value ", value, " is out of range for ", type->ToString());
    }
  }
  const T v = static_cast<T>(value);
  *key = BytesKey({reinterpret_cast<const char*>(&v), sizeof(T)}, false);
  *add = [dict, v] { return static_cast<NumericBuilder<T>*>(dict)->Append(v); };
  return Status::OK();
}
}  // namespace

Status DictionaryBuilder::AppendInteger(int64_t value) {
  ArrayBuilder* dict = dictionary_builder_.get();
  if (value_type()->id() == TypeId::EXTENSION) dict = static_cast<ExtensionBuilder*>(dict)->storage_builder();
  std::string key;
  std::function<Status()> add;
  switch (StorageType(*value_type()).id()) {
    case TypeId::INT8: QUIVER_RETURN_NOT_OK(AppendIntegerAs<int8_t>(value, value_type(), dict, &key, &add)); break;
    case TypeId::INT16: QUIVER_RETURN_NOT_OK(AppendIntegerAs<int16_t>(value, value_type(), dict, &key, &add)); break;
    case TypeId::INT32:
    case TypeId::DATE32:
    case TypeId::TIME32:
    case TypeId::INTERVAL_MONTHS:
      QUIVER_RETURN_NOT_OK(AppendIntegerAs<int32_t>(value, value_type(), dict, &key, &add));
      break;
    case TypeId::INT64:
    case TypeId::DATE64:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION:
      QUIVER_RETURN_NOT_OK(AppendIntegerAs<int64_t>(value, value_type(), dict, &key, &add));
      break;
    case TypeId::UINT8: QUIVER_RETURN_NOT_OK(AppendIntegerAs<uint8_t>(value, value_type(), dict, &key, &add)); break;
    case TypeId::UINT16: QUIVER_RETURN_NOT_OK(AppendIntegerAs<uint16_t>(value, value_type(), dict, &key, &add)); break;
    case TypeId::UINT32: QUIVER_RETURN_NOT_OK(AppendIntegerAs<uint32_t>(value, value_type(), dict, &key, &add)); break;
    case TypeId::UINT64: QUIVER_RETURN_NOT_OK(AppendIntegerAs<uint64_t>(value, value_type(), dict, &key, &add)); break;
    default: return Status::TypeError("cannot append an integer to a dictionary of ", value_type()->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(int64_t index, Memoize(std::move(key), add));
  return AppendIndex(index);
}

Status DictionaryBuilder::AppendDouble(double value) {
  ArrayBuilder* dict = dictionary_builder_.get();
  if (value_type()->id() == TypeId::EXTENSION) dict = static_cast<ExtensionBuilder*>(dict)->storage_builder();
  std::string key;
  std::function<Status()> add;
  switch (StorageType(*value_type()).id()) {
    case TypeId::HALF_FLOAT: {
      const uint16_t bits = HalfFromFloat(static_cast<float>(value));
      key = HalfKey(bits);
      add = [dict, bits] { return static_cast<NumericBuilder<uint16_t>*>(dict)->Append(bits); };
      break;
    }
    case TypeId::FLOAT: {
      const float f = static_cast<float>(value);
      key = FloatKey(f);
      add = [dict, f] { return static_cast<NumericBuilder<float>*>(dict)->Append(f); };
      break;
    }
    case TypeId::DOUBLE:
      key = FloatKey(value);
      add = [dict, value] { return static_cast<NumericBuilder<double>*>(dict)->Append(value); };
      break;
    default: return Status::TypeError("cannot append a floating-point number to a dictionary of ",
                                      value_type()->ToString());
  }
  QUIVER_ASSIGN_OR_RAISE(int64_t index, Memoize(std::move(key), add));
  return AppendIndex(index);
}

Status DictionaryBuilder::AppendBool(bool value) {
  if (StorageType(*value_type()).id() != TypeId::BOOL) {
    return Status::TypeError("cannot append a bool to a dictionary of ", value_type()->ToString());
  }
  ArrayBuilder* dict = dictionary_builder_.get();
  if (value_type()->id() == TypeId::EXTENSION) dict = static_cast<ExtensionBuilder*>(dict)->storage_builder();
  std::string key{kValidKey, value ? '\1' : '\0'};
  QUIVER_ASSIGN_OR_RAISE(int64_t index, Memoize(std::move(key), [&] {
                           return static_cast<BooleanBuilder*>(dict)->Append(value);
                         }));
  return AppendIndex(index);
}

Status DictionaryBuilder::EncodeElement(const ArrayData& values, int64_t i, bool append) {
  std::string key = KeyOf(values, i);
  if (key[0] == kNullKey) return append ? AppendNull() : Status::OK();
  QUIVER_ASSIGN_OR_RAISE(int64_t index, Memoize(std::move(key), [&] {
                           return dictionary_builder_->AppendArraySlice(values, i, 1);
                         }));
  return append ? AppendIndex(index) : Status::OK();
}

Status DictionaryBuilder::AppendValues(const ArrayData& values, int64_t offset, int64_t length) {
  if (!values.type || !values.type->Equals(*value_type())) {
    return Status::TypeError("cannot encode values of type ", values.type ? values.type->ToString() : "(none)",
                             " into a dictionary of ", value_type()->ToString());
  }
  if (offset < 0 || length < 0 || offset > values.length || length > values.length - offset) {
    return Status::IndexError("slice [", offset, ", ", offset, " + ", length,
                              ") is out of bounds for an array of length ", values.length);
  }
  QUIVER_RETURN_NOT_OK(Reserve(length));
  for (int64_t j = 0; j < length; ++j) QUIVER_RETURN_NOT_OK(EncodeElement(values, offset + j, true));
  return Status::OK();
}

Status DictionaryBuilder::InsertMemoValues(const Array& values) {
  if (!values.type()->Equals(*value_type())) {
    return Status::TypeError("cannot add values of type ", values.type()->ToString(), " to a dictionary of ",
                             value_type()->ToString());
  }
  for (int64_t j = 0; j < values.length(); ++j) QUIVER_RETURN_NOT_OK(EncodeElement(*values.data(), j, false));
  return Status::OK();
}

Status DictionaryBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, 8, "Reserve"));
  return indices_.Reserve(bytes);
}

Status DictionaryBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, false));
  indices_.UnsafeAppendZeros(n * 8);
  return Status::OK();
}

Status DictionaryBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendEmptyValues"));
  if (n == 0) return Status::OK();
  if (!empty_value_) {
    QUIVER_ASSIGN_OR_RAISE(empty_value_, EmptyValueData(value_type(), pool_));
  }
  // The null type's empty value is null, which is a null index, not an entry.
  if (!empty_value_->IsValid(0)) return AppendNulls(n);
  QUIVER_RETURN_NOT_OK(EncodeElement(*empty_value_, 0, true));
  const int64_t index = reinterpret_cast<const int64_t*>(indices_.data())[length_ - 1];
  QUIVER_RETURN_NOT_OK(Reserve(n - 1));
  for (int64_t i = 1; i < n; ++i) {
    UnsafeAppendValid();
    indices_.UnsafeAppendValue(index);
  }
  return Status::OK();
}

void DictionaryBuilder::Reset() {
  ArrayBuilder::Reset();
  indices_.Reset();
  memo_.clear();
  dictionary_builder_->Reset();
}

Status DictionaryBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  if (!array.dictionary) return Status::Invalid("dictionary array has no dictionary");
  QUIVER_RETURN_NOT_OK(Reserve(length));
  for (int64_t j = 0; j < length; ++j) {
    if (!array.IsValid(offset + j)) {
      QUIVER_RETURN_NOT_OK(AppendNull());
    } else {
      QUIVER_RETURN_NOT_OK(EncodeElement(*array.dictionary, ReadInteger(array, 1, array.offset + offset + j), true));
    }
  }
  return Status::OK();
}

Result<ArrayDataPtr> DictionaryBuilder::DoFinish() {
  if (type_->id() != TypeId::DICTIONARY) {
    return Status::TypeError("DictionaryBuilder cannot build ", type_->ToString());
  }
  const auto& dt = static_cast<const DictionaryType&>(*type_);
  QUIVER_RETURN_NOT_OK(CheckChildType(*dictionary_builder_, dt.value_type(), "the dictionary's value"));
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto indices, NarrowIntegers(indices_, length_, dt.index_type()->id(), pool_));
  QUIVER_ASSIGN_OR_RAISE(auto dictionary, dictionary_builder_->FinishData());
  auto out = ArrayData::Make(type_, length_, {std::move(validity), std::move(indices)}, null_count_);
  out->dictionary = std::move(dictionary);
  return out;
}

// ---------------------------------------------------------------------------
// DictionaryIndexBuilder

DictionaryIndexBuilder::DictionaryIndexBuilder(TypePtr type, ArrayPtr dictionary, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool), dictionary_(std::move(dictionary)), indices_(pool) {}

Result<std::unique_ptr<DictionaryIndexBuilder>> DictionaryIndexBuilder::Make(TypePtr type, ArrayPtr dictionary,
                                                                             MemoryPool* pool) {
  if (!type || type->id() != TypeId::DICTIONARY) {
    return Status::TypeError("DictionaryIndexBuilder needs a dictionary type but found ",
                             type ? type->ToString() : std::string("(none)"));
  }
  if (!dictionary) return Status::Invalid("DictionaryIndexBuilder needs a dictionary");
  const auto& dt = static_cast<const DictionaryType&>(*type);
  if (!dictionary->type()->Equals(*dt.value_type())) {
    return Status::TypeError("the dictionary must hold ", dt.value_type()->ToString(), " but holds ",
                             dictionary->type()->ToString());
  }
  return std::make_unique<DictionaryIndexBuilder>(std::move(type), std::move(dictionary), pool);
}

Status DictionaryIndexBuilder::AppendIndex(int64_t index) {
  const auto& dt = static_cast<const DictionaryType&>(*type_);
  if (index < 0 || index >= dictionary_->length()) {
    return Status::IndexError("dictionary index ", index, " is out of bounds for a dictionary of ",
                              dictionary_->length(), " values");
  }
  if (index > MaxIndexFor(dt.index_type()->id())) {
    return Status::IndexError("dictionary index ", index, " does not fit index type ",
                              dt.index_type()->ToString());
  }
  QUIVER_RETURN_NOT_OK(Reserve(1));
  UnsafeAppendValid();
  indices_.UnsafeAppendValue(index);
  return Status::OK();
}

Status DictionaryIndexBuilder::AppendIndices(std::span<const int64_t> indices, const uint8_t* valid_bytes) {
  QUIVER_RETURN_NOT_OK(Reserve(static_cast<int64_t>(indices.size())));
  for (size_t i = 0; i < indices.size(); ++i) {
    if (valid_bytes != nullptr && valid_bytes[i] == 0) {
      QUIVER_RETURN_NOT_OK(AppendNull());
    } else {
      QUIVER_RETURN_NOT_OK(AppendIndex(indices[i]));
    }
  }
  return Status::OK();
}

Status DictionaryIndexBuilder::Reserve(int64_t additional) {
  QUIVER_RETURN_NOT_OK(ReserveValidity(additional));
  QUIVER_ASSIGN_OR_RAISE(int64_t bytes, CheckedMul(additional, 8, "Reserve"));
  return indices_.Reserve(bytes);
}

Status DictionaryIndexBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(Reserve(n));
  QUIVER_RETURN_NOT_OK(AppendValidity(n, false));
  indices_.UnsafeAppendZeros(n * 8);
  return Status::OK();
}

Status DictionaryIndexBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendEmptyValues"));
  for (int64_t i = 0; i < n; ++i) QUIVER_RETURN_NOT_OK(AppendIndex(0));
  return Status::OK();
}

void DictionaryIndexBuilder::Reset() {
  ArrayBuilder::Reset();
  indices_.Reset();
}

Status DictionaryIndexBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  if (array.dictionary.get() != dictionary_->data().get()) {
    return Status::Invalid("cannot append indices that refer to a different dictionary; "
                           "use DictionaryBuilder to encode the values again");
  }
  QUIVER_RETURN_NOT_OK(Reserve(length));
  QUIVER_RETURN_NOT_OK(AppendValidityBits(ValidityBitmap(array), array.offset + offset, length));
  for (int64_t j = 0; j < length; ++j) {
    indices_.UnsafeAppendValue(ReadInteger(array, 1, array.offset + offset + j));
  }
  return Status::OK();
}

Result<ArrayDataPtr> DictionaryIndexBuilder::DoFinish() {
  const auto& dt = static_cast<const DictionaryType&>(*type_);
  QUIVER_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  QUIVER_ASSIGN_OR_RAISE(auto indices, NarrowIntegers(indices_, length_, dt.index_type()->id(), pool_));
  auto out = ArrayData::Make(type_, length_, {std::move(validity), std::move(indices)}, null_count_);
  out->dictionary = dictionary_->data();
  return out;
}

// ---------------------------------------------------------------------------
// RunEndEncodedBuilder

RunEndEncodedBuilder::RunEndEncodedBuilder(TypePtr type, ArrayBuilderPtr values_builder, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool),
      max_run_end_(kInt64Max),
      values_builder_(std::move(values_builder)),
      run_ends_(pool) {
  if (StorageType(*type_).id() == TypeId::RUN_END_ENCODED) {
    max_run_end_ = MaxIndexFor(static_cast<const RunEndEncodedType&>(StorageType(*type_)).run_end_type()->id());
  }
}

Status RunEndEncodedBuilder::AppendKeyedRun(std::string key, const ArrayData* values, int64_t index,
                                            int64_t run_length, bool is_null) {
  if (run_length == 0) return Status::OK();
  if (run_length > max_run_end_ - length_) {
    return Status::CapacityError("a ", type_->ToString(), " array can be at most ", max_run_end_,
                                 " elements long (its run-end type) but ", length_, " + ", run_length,
                                 " were appended");
  }
  const int64_t end = length_ + run_length;
  if (num_runs() > 0 && key == last_key_) {
    std::memcpy(run_ends_.mutable_data() + (num_runs() - 1) * 8, &end, 8);
  } else {
    QUIVER_RETURN_NOT_OK(run_ends_.Reserve(8));
    if (is_null) {
      QUIVER_RETURN_NOT_OK(values_builder_->AppendNull());
    } else {
      QUIVER_RETURN_NOT_OK(values_builder_->AppendArraySlice(*values, index, 1));
    }
    run_ends_.UnsafeAppendValue(end);
    last_key_ = std::move(key);
  }
  length_ = end;
  if (is_null) null_count_ += run_length;
  return Status::OK();
}

Status RunEndEncodedBuilder::AppendRun(const ArrayData& values, int64_t index, int64_t run_length) {
  if (!values.type || !values.type->Equals(*values_builder_->type())) {
    return Status::TypeError("cannot append values of type ", values.type ? values.type->ToString() : "(none)",
                             " to ", type_->ToString());
  }
  if (index < 0 || index >= values.length) {
    return Status::IndexError("index ", index, " is out of bounds for an array of length ", values.length);
  }
  QUIVER_RETURN_NOT_OK(CheckCount(run_length, "AppendRun"));
  std::string key = KeyOf(values, index);
  const bool is_null = key[0] == kNullKey;
  return AppendKeyedRun(std::move(key), &values, index, run_length, is_null);
}

Status RunEndEncodedBuilder::AppendValues(const ArrayData& values, int64_t offset, int64_t length) {
  if (offset < 0 || length < 0 || offset > values.length || length > values.length - offset) {
    return Status::IndexError("slice [", offset, ", ", offset, " + ", length,
                              ") is out of bounds for an array of length ", values.length);
  }
  for (int64_t j = 0; j < length; ++j) QUIVER_RETURN_NOT_OK(AppendRun(values, offset + j, 1));
  return Status::OK();
}

Status RunEndEncodedBuilder::AppendNulls(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendNulls"));
  return AppendKeyedRun(std::string(1, kNullKey), nullptr, 0, n, true);
}

Status RunEndEncodedBuilder::AppendEmptyValues(int64_t n) {
  QUIVER_RETURN_NOT_OK(CheckCount(n, "AppendEmptyValues"));
  if (n == 0) return Status::OK();
  if (!empty_value_) {
    QUIVER_ASSIGN_OR_RAISE(empty_value_, EmptyValueData(values_builder_->type(), pool_));
  }
  return AppendRun(*empty_value_, 0, n);
}

void RunEndEncodedBuilder::Reset() {
  ArrayBuilder::Reset();
  values_builder_->Reset();
  run_ends_.Reset();
  last_key_.clear();
}

Status RunEndEncodedBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  const ArrayData& values = *array.child_data[1];
  const ArrayData& ends = *array.child_data[0];
  int64_t pos = array.offset + offset;
  const int64_t stop = pos + length;
  for (int64_t run = FindRun(array, pos); pos < stop; ++run) {
    const int64_t run_end = std::min(ReadInteger(ends, 1, ends.offset + run), stop);
    QUIVER_RETURN_NOT_OK(AppendRun(values, run, run_end - pos));
    pos = run_end;
  }
  return Status::OK();
}

Result<ArrayDataPtr> RunEndEncodedBuilder::DoFinish() {
  const auto& storage = StorageType(*type_);
  if (storage.id() != TypeId::RUN_END_ENCODED) {
    return Status::TypeError("RunEndEncodedBuilder cannot build ", type_->ToString());
  }
  const auto& rt = static_cast<const RunEndEncodedType&>(storage);
  QUIVER_RETURN_NOT_OK(CheckChildType(*values_builder_, rt.value_type(), "the run values'"));
  const int64_t runs = num_runs();
  QUIVER_ASSIGN_OR_RAISE(auto ends, NarrowIntegers(run_ends_, runs, rt.run_end_type()->id(), pool_));
  auto run_ends = ArrayData::Make(rt.run_end_type(), runs, {nullptr, std::move(ends)}, 0);
  QUIVER_ASSIGN_OR_RAISE(auto values, values_builder_->FinishData());
  return ArrayData::Make(type_, length_, {}, {std::move(run_ends), std::move(values)}, null_count_);
}

// ---------------------------------------------------------------------------
// ExtensionBuilder

ExtensionBuilder::ExtensionBuilder(TypePtr type, ArrayBuilderPtr storage_builder, MemoryPool* pool)
    : ArrayBuilder(std::move(type), pool), storage_(std::move(storage_builder)) {}

Status ExtensionBuilder::Reserve(int64_t additional) { return storage_->Reserve(additional); }
Status ExtensionBuilder::AppendNulls(int64_t n) { return storage_->AppendNulls(n); }
Status ExtensionBuilder::AppendEmptyValues(int64_t n) { return storage_->AppendEmptyValues(n); }

void ExtensionBuilder::Reset() {
  ArrayBuilder::Reset();
  storage_->Reset();
}

Status ExtensionBuilder::DoAppendArraySlice(const ArrayData& array, int64_t offset, int64_t length) {
  ArrayData as_storage(array);
  as_storage.type = storage_->type();
  return storage_->AppendArraySlice(as_storage, offset, length);
}

Result<ArrayDataPtr> ExtensionBuilder::DoFinish() {
  if (type_->id() != TypeId::EXTENSION) return Status::TypeError("ExtensionBuilder cannot build ", type_->ToString());
  QUIVER_RETURN_NOT_OK(CheckChildType(*storage_, static_cast<const ExtensionType&>(*type_).storage_type(),
                                      "the extension's storage"));
  QUIVER_ASSIGN_OR_RAISE(auto data, storage_->FinishData());
  data->type = type_;
  return data;
}

// ---------------------------------------------------------------------------
// MakeBuilder

Result<ArrayBuilderPtr> MakeBuilder(const TypePtr& type, MemoryPool* pool) {
  if (!type) return Status::Invalid("MakeBuilder needs a type");
  if (!pool) return Status::Invalid("MakeBuilder needs a memory pool");
  auto child_builders = [&](const DataType& t) -> Result<std::vector<ArrayBuilderPtr>> {
    std::vector<ArrayBuilderPtr> out;
    for (const auto& f : t.fields()) {
      if (!f || !f->type()) return Status::Invalid("type ", t.ToString(), " has a child without a type");
      QUIVER_ASSIGN_OR_RAISE(auto b, MakeBuilder(f->type(), pool));
      out.push_back(std::move(b));
    }
    return out;
  };
  switch (type->id()) {
    case TypeId::NA: return ArrayBuilderPtr(new NullBuilder(pool));
    case TypeId::BOOL: return ArrayBuilderPtr(new BooleanBuilder(pool));
    case TypeId::INT8: return ArrayBuilderPtr(new NumericBuilder<int8_t>(type, pool));
    case TypeId::INT16: return ArrayBuilderPtr(new NumericBuilder<int16_t>(type, pool));
    case TypeId::INT32:
    case TypeId::DATE32:
    case TypeId::TIME32:
    case TypeId::INTERVAL_MONTHS: return ArrayBuilderPtr(new NumericBuilder<int32_t>(type, pool));
    case TypeId::INT64:
    case TypeId::DATE64:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION: return ArrayBuilderPtr(new NumericBuilder<int64_t>(type, pool));
    case TypeId::UINT8: return ArrayBuilderPtr(new NumericBuilder<uint8_t>(type, pool));
    case TypeId::UINT16: return ArrayBuilderPtr(new NumericBuilder<uint16_t>(type, pool));
    case TypeId::UINT32: return ArrayBuilderPtr(new NumericBuilder<uint32_t>(type, pool));
    case TypeId::UINT64: return ArrayBuilderPtr(new NumericBuilder<uint64_t>(type, pool));
    case TypeId::HALF_FLOAT: return ArrayBuilderPtr(new HalfFloatBuilder(pool));
    case TypeId::FLOAT: return ArrayBuilderPtr(new NumericBuilder<float>(type, pool));
    case TypeId::DOUBLE: return ArrayBuilderPtr(new NumericBuilder<double>(type, pool));
    case TypeId::INTERVAL_DAY_TIME: return ArrayBuilderPtr(new NumericBuilder<DayTimeInterval>(type, pool));
    case TypeId::INTERVAL_MONTH_DAY_NANO:
      return ArrayBuilderPtr(new NumericBuilder<MonthDayNanoInterval>(type, pool));
    case TypeId::DECIMAL32:
    case TypeId::DECIMAL64:
    case TypeId::DECIMAL128:
    case TypeId::DECIMAL256: return ArrayBuilderPtr(new DecimalBuilder(type, pool));
    case TypeId::FIXED_SIZE_BINARY: {
      if (type->byte_width() < 0) return Status::Invalid("negative fixed_size_binary width");
      return ArrayBuilderPtr(new FixedSizeBinaryBuilder(type, pool));
    }
    case TypeId::BINARY: return ArrayBuilderPtr(new BinaryBuilder(type, pool));
    case TypeId::STRING: return ArrayBuilderPtr(new StringBuilder(pool));
    case TypeId::LARGE_BINARY: return ArrayBuilderPtr(new LargeBinaryBuilder(type, pool));
    case TypeId::LARGE_STRING: return ArrayBuilderPtr(new LargeStringBuilder(pool));
    case TypeId::BINARY_VIEW: return ArrayBuilderPtr(new BinaryViewBuilder(type, pool));
    case TypeId::STRING_VIEW: return ArrayBuilderPtr(new StringViewBuilder(pool));
    case TypeId::LIST:
    case TypeId::LARGE_LIST:
    case TypeId::LIST_VIEW:
    case TypeId::LARGE_LIST_VIEW:
    case TypeId::FIXED_SIZE_LIST: {
      QUIVER_ASSIGN_OR_RAISE(auto children, child_builders(*type));
      if (children.size() != 1) return Status::Invalid(type->ToString(), " must have exactly one child");
      auto& value = children[0];
      switch (type->id()) {
        case TypeId::LIST: return ArrayBuilderPtr(new ListBuilder(type, std::move(value), pool));
        case TypeId::LARGE_LIST: return ArrayBuilderPtr(new LargeListBuilder(type, std::move(value), pool));
        case TypeId::LIST_VIEW: return ArrayBuilderPtr(new ListViewBuilder(type, std::move(value), pool));
        case TypeId::LARGE_LIST_VIEW:
          return ArrayBuilderPtr(new LargeListViewBuilder(type, std::move(value), pool));
        default: {
          if (static_cast<const FixedSizeListType&>(*type).list_size() < 0) {
            return Status::Invalid("negative fixed_size_list size");
          }
          return ArrayBuilderPtr(new FixedSizeListBuilder(type, std::move(value), pool));
        }
      }
    }
    case TypeId::MAP: {
      if (type->num_fields() != 1 || type->field(0)->type()->id() != TypeId::STRUCT ||
          type->field(0)->type()->num_fields() != 2) {
        return Status::Invalid("a map type needs one struct child of two fields but found ", type->ToString());
      }
      QUIVER_ASSIGN_OR_RAISE(auto entries, child_builders(*type->field(0)->type()));
      auto entries_builder = std::make_unique<StructBuilder>(type->field(0)->type(), std::move(entries), pool);
      return ArrayBuilderPtr(new MapBuilder(type, std::move(entries_builder), pool));
    }
    case TypeId::STRUCT: {
      QUIVER_ASSIGN_OR_RAISE(auto children, child_builders(*type));
      return ArrayBuilderPtr(new StructBuilder(type, std::move(children), pool));
    }
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      const auto& ut = static_cast<const UnionType&>(*type);
      if (ut.type_codes().size() != static_cast<size_t>(ut.num_fields())) {
        return Status::Invalid("union type ", type->ToString(), " needs one type code per child");
      }
      for (int8_t code : ut.type_codes()) {
        if (code < 0) return Status::Invalid("union type code ", static_cast<int>(code), " is negative");
      }
      QUIVER_ASSIGN_OR_RAISE(auto children, child_builders(*type));
      return ArrayBuilderPtr(new UnionBuilder(type, std::move(children), pool));
    }
    case TypeId::DICTIONARY: {
      const auto& dt = static_cast<const DictionaryType&>(*type);
      if (!dt.index_type() || !is_integer(dt.index_type()->id()) || !dt.value_type()) {
        return Status::TypeError("a dictionary type needs an integer index type and a value type");
      }
      QUIVER_ASSIGN_OR_RAISE(auto b, DictionaryBuilder::Make(type, pool));
      return ArrayBuilderPtr(std::move(b));
    }
    case TypeId::RUN_END_ENCODED: {
      const auto& rt = static_cast<const RunEndEncodedType&>(*type);
      const TypeId ends = rt.run_end_type()->id();
      if (ends != TypeId::INT16 && ends != TypeId::INT32 && ends != TypeId::INT64) {
        return Status::TypeError("run ends must be int16, int32 or int64 but found ", rt.run_end_type()->ToString());
      }
      QUIVER_ASSIGN_OR_RAISE(auto values, MakeBuilder(rt.value_type(), pool));
      return ArrayBuilderPtr(new RunEndEncodedBuilder(type, std::move(values), pool));
    }
    case TypeId::EXTENSION: {
      QUIVER_ASSIGN_OR_RAISE(auto storage,
                             MakeBuilder(static_cast<const ExtensionType&>(*type).storage_type(), pool));
      return ArrayBuilderPtr(new ExtensionBuilder(type, std::move(storage), pool));
    }
  }
  return Status::NotImplemented("no builder for type ", type->ToString());
}

}  // namespace quiver
