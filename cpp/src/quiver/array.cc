#include "quiver/array.h"

#include <algorithm>
#include <cstring>

namespace quiver {

std::shared_ptr<Buffer> Array::null_bitmap() const {
  const TypeId id = type_id();
  if (id == TypeId::NA || is_union(id) || id == TypeId::RUN_END_ENCODED || data_->buffers.empty()) {
    return nullptr;
  }
  return data_->buffers[0];
}

ArrayPtr Array::Slice(int64_t off, int64_t len) const { return MakeArray(data_->Slice(off, len)); }

namespace {
void AddBufferBytes(const ArrayData& d, int64_t* total) {
  for (const auto& b : d.buffers) {
    if (b) *total += b->size();
  }
  for (const auto& c : d.child_data) AddBufferBytes(*c, total);
  if (d.dictionary) AddBufferBytes(*d.dictionary, total);
}
}  // namespace

int64_t Array::nbytes() const {
  int64_t total = 0;
  AddBufferBytes(*data_, &total);
  return total;
}

int64_t BooleanArray::true_count() const {
  int64_t n = 0;
  for (int64_t i = 0; i < length(); ++i) n += (IsValid(i) && Value(i)) ? 1 : 0;
  return n;
}

int32_t FixedSizeBinaryArray::byte_width() const { return type()->byte_width(); }

const uint8_t* FixedSizeBinaryArray::GetValue(int64_t i) const {
  return data_->buffers[1]->data() + (data_->offset + i) * byte_width();
}

namespace {
// Little-endian two's complement integer of `n` bytes -> decimal digit string (with sign).
std::string LittleEndianToDecimalString(const uint8_t* bytes, int n) {
  std::vector<uint32_t> words(static_cast<size_t>((n + 3) / 4), 0);
  std::memcpy(words.data(), bytes, static_cast<size_t>(n));
  const bool negative = (bytes[n - 1] & 0x80) != 0;
  if (negative) {  // two's complement negate
    uint64_t carry = 1;
    for (auto& w : words) {
      const uint64_t v = static_cast<uint64_t>(static_cast<uint32_t>(~w)) + carry;
      w = static_cast<uint32_t>(v);
      carry = v >> 32;
    }
  }
  std::string digits;
  auto is_zero = [&] { return std::all_of(words.begin(), words.end(), [](uint32_t w) { return w == 0; }); };
  while (!is_zero()) {
    uint64_t rem = 0;
    for (size_t k = words.size(); k-- > 0;) {
      const uint64_t cur = (rem << 32) | words[k];
      words[k] = static_cast<uint32_t>(cur / 10);
      rem = cur % 10;
    }
    digits.push_back(static_cast<char>('0' + rem));
  }
  if (digits.empty()) digits = "0";
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}
}  // namespace

std::string DecimalArray::FormatValue(int64_t i) const {
  const auto& t = static_cast<const DecimalType&>(*type());
  std::string s = LittleEndianToDecimalString(GetValue(i), byte_width());
  const int32_t scale = t.scale();
  const bool negative = s[0] == '-';
  std::string digits = negative ? s.substr(1) : s;
  // As Arrow and Python's decimal print: scientific notation when the scale is
  // negative or the adjusted exponent is below -6 ("1.2E+4", "1.5E-9", "0E-10").
  const int64_t adjusted = static_cast<int64_t>(digits.size()) - 1 - scale;
  if (scale < 0 || adjusted < -6) {
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    const std::string exponent = (adjusted >= 0 ? "E+" : "E-") + std::to_string(adjusted >= 0 ? adjusted : -adjusted);
    return (negative ? "-" : "") + mantissa + exponent;
  }
  if (scale == 0) return s;
  if (static_cast<int32_t>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale - static_cast<int32_t>(digits.size()) + 1), '0');
  }
  digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  return negative ? "-" + digits : digits;
}

std::string_view BinaryViewArray::GetView(int64_t i) const {
  const BinaryViewHeader& v = raw_views()[i];
  if (v.inlined.size <= BinaryViewHeader::kInlineSize) {
    return {reinterpret_cast<const char*>(v.inlined.data), static_cast<size_t>(v.inlined.size)};
  }
  const auto& buf = data_->buffers[static_cast<size_t>(2 + v.ref.buffer_index)];
  return {reinterpret_cast<const char*>(buf->data()) + v.ref.offset, static_cast<size_t>(v.ref.size)};
}

template <typename OffsetType>
BaseListArray<OffsetType>::BaseListArray(ArrayDataPtr data) : Array(std::move(data)) {
  values_ = MakeArray(data_->child_data[0]);
}
template <typename OffsetType>
const TypePtr& BaseListArray<OffsetType>::value_type() const {
  return values_->type();
}
template class BaseListArray<int32_t>;
template class BaseListArray<int64_t>;

MapArray::MapArray(ArrayDataPtr data) : BaseListArray<int32_t>(std::move(data)) {
  const auto& entries = *values_->data();
  keys_ = MakeArray(entries.child_data[0]->Slice(entries.offset, entries.length));
  items_ = MakeArray(entries.child_data[1]->Slice(entries.offset, entries.length));
}

FixedSizeListArray::FixedSizeListArray(ArrayDataPtr data) : Array(std::move(data)) {
  values_ = MakeArray(data_->child_data[0]);
}
int32_t FixedSizeListArray::list_size() const {
  return static_cast<const FixedSizeListType&>(*type()).list_size();
}

StructArray::StructArray(ArrayDataPtr data) : Array(std::move(data)) {
  for (const auto& c : data_->child_data) children_.push_back(MakeArray(c));
}

ArrayPtr StructArray::field(int i) const {
  const auto& child = children_[static_cast<size_t>(i)];
  if (data_->offset == 0 && child->length() == data_->length) return child;
  return child->Slice(data_->offset, data_->length);
}

ArrayPtr StructArray::GetFieldByName(std::string_view name) const {
  const int i = static_cast<const StructType&>(*type()).GetFieldIndex(name);
  return i < 0 ? nullptr : field(i);
}

Result<ArrayPtr> StructArray::Make(const ArrayVector& children, const std::vector<std::string>& names,
                                   std::shared_ptr<Buffer> null_bitmap, int64_t null_count) {
  if (children.size() != names.size()) {
    return Status::Invalid("struct needs one name per child: expected ", children.size(),
                           " names but found ", names.size());
  }
  if (children.empty()) return Status::Invalid("cannot infer a struct's length without children");
  const int64_t length = children[0]->length();
  FieldVector fields;
  std::vector<ArrayDataPtr> child_data;
  for (size_t i = 0; i < children.size(); ++i) {
    if (children[i]->length() != length) {
      return Status::Invalid("struct children must have equal lengths: child 0 has ", length,
                             " but child ", i, " has ", children[i]->length());
    }
    fields.push_back(quiver::field(names[i], children[i]->type()));
    child_data.push_back(children[i]->data());
  }
  if (!null_bitmap) null_count = 0;
  return MakeArray(ArrayData::Make(struct_(std::move(fields)), length, {std::move(null_bitmap)},
                                   std::move(child_data), null_count));
}

UnionArray::UnionArray(ArrayDataPtr data) : Array(std::move(data)) {
  for (const auto& c : data_->child_data) children_.push_back(MakeArray(c));
}
UnionMode UnionArray::mode() const { return static_cast<const UnionType&>(*type()).mode(); }
int UnionArray::child_id(int64_t i) const {
  return static_cast<const UnionType&>(*type()).child_ids()[static_cast<size_t>(type_code(i))];
}

DictionaryArray::DictionaryArray(ArrayDataPtr data) : Array(std::move(data)) {
  const auto& t = static_cast<const DictionaryType&>(*type());
  auto indices = std::make_shared<ArrayData>(*data_);
  indices->type = t.index_type();
  indices->dictionary = nullptr;
  indices_ = MakeArray(std::move(indices));
  if (data_->dictionary) dictionary_ = MakeArray(data_->dictionary);
}

int64_t DictionaryArray::GetValueIndex(int64_t i) const {
  const auto& d = *indices_->data();
  switch (d.type->id()) {
    case TypeId::INT8: return d.GetValues<int8_t>(1)[i];
    case TypeId::UINT8: return d.GetValues<uint8_t>(1)[i];
    case TypeId::INT16: return d.GetValues<int16_t>(1)[i];
    case TypeId::UINT16: return d.GetValues<uint16_t>(1)[i];
    case TypeId::INT32: return d.GetValues<int32_t>(1)[i];
    case TypeId::UINT32: return d.GetValues<uint32_t>(1)[i];
    case TypeId::INT64: return d.GetValues<int64_t>(1)[i];
    case TypeId::UINT64: return static_cast<int64_t>(d.GetValues<uint64_t>(1)[i]);
    default: return -1;
  }
}

Result<ArrayPtr> DictionaryArray::FromArrays(TypePtr type, const ArrayPtr& indices,
                                             const ArrayPtr& dictionary) {
  if (type->id() != TypeId::DICTIONARY) {
    return Status::TypeError("expected a dictionary type but found ", type->ToString());
  }
  const auto& t = static_cast<const DictionaryType&>(*type);
  if (!indices->type()->Equals(*t.index_type())) {
    return Status::TypeError("dictionary indices must be ", t.index_type()->ToString(), " but found ",
                             indices->type()->ToString());
  }
  if (!dictionary->type()->Equals(*t.value_type())) {
    return Status::TypeError("dictionary values must be ", t.value_type()->ToString(), " but found ",
                             dictionary->type()->ToString());
  }
  auto data = std::make_shared<ArrayData>(*indices->data());
  data->type = std::move(type);
  data->dictionary = dictionary->data();
  ArrayPtr out = MakeArray(std::move(data));
  QUIVER_RETURN_NOT_OK(out->ValidateFull());
  return out;
}

RunEndEncodedArray::RunEndEncodedArray(ArrayDataPtr data) : Array(std::move(data)) {
  run_ends_ = MakeArray(data_->child_data[0]);
  values_ = MakeArray(data_->child_data[1]);
}

int64_t RunEndEncodedArray::FindPhysicalIndex(int64_t i) const {
  const auto& re = *run_ends_->data();
  const int64_t pos = data_->offset + i;
  auto end_at = [&](int64_t k) -> int64_t {
    switch (re.type->id()) {
      case TypeId::INT16: return re.GetValues<int16_t>(1)[k];
      case TypeId::INT32: return re.GetValues<int32_t>(1)[k];
      default: return re.GetValues<int64_t>(1)[k];
    }
  };
  int64_t lo = 0, hi = re.length;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (end_at(mid) <= pos) lo = mid + 1; else hi = mid;
  }
  return lo;
}

Result<ArrayPtr> RunEndEncodedArray::Make(int64_t logical_length, const ArrayPtr& run_ends,
                                          const ArrayPtr& values, int64_t logical_offset) {
  QUIVER_ASSIGN_OR_RAISE(auto type, RunEndEncodedType::Make(run_ends->type(), values->type()));
  auto data = ArrayData::Make(std::move(type), logical_length, {}, {run_ends->data(), values->data()},
                              kUnknownNullCount, logical_offset);
  ArrayPtr out = MakeArray(std::move(data));
  QUIVER_RETURN_NOT_OK(out->ValidateFull());
  return out;
}

ExtensionArray::ExtensionArray(ArrayDataPtr data) : Array(std::move(data)) {
  auto storage = std::make_shared<ArrayData>(*data_);
  storage->type = static_cast<const ExtensionType&>(*type()).storage_type();
  storage_ = MakeArray(std::move(storage));
}

ArrayPtr MakeArray(ArrayDataPtr data) {
  switch (data->type->id()) {
    case TypeId::NA: return std::make_shared<NullArray>(std::move(data));
    case TypeId::BOOL: return std::make_shared<BooleanArray>(std::move(data));
    case TypeId::INT8: return std::make_shared<Int8Array>(std::move(data));
    case TypeId::UINT8: return std::make_shared<UInt8Array>(std::move(data));
    case TypeId::INT16: return std::make_shared<Int16Array>(std::move(data));
    case TypeId::UINT16:
    case TypeId::HALF_FLOAT: return std::make_shared<UInt16Array>(std::move(data));
    case TypeId::INT32:
    case TypeId::DATE32:
    case TypeId::TIME32:
    case TypeId::INTERVAL_MONTHS: return std::make_shared<Int32Array>(std::move(data));
    case TypeId::UINT32: return std::make_shared<UInt32Array>(std::move(data));
    case TypeId::INT64:
    case TypeId::DATE64:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION: return std::make_shared<Int64Array>(std::move(data));
    case TypeId::UINT64: return std::make_shared<UInt64Array>(std::move(data));
    case TypeId::FLOAT: return std::make_shared<FloatArray>(std::move(data));
    case TypeId::DOUBLE: return std::make_shared<DoubleArray>(std::move(data));
    case TypeId::INTERVAL_DAY_TIME: return std::make_shared<DayTimeIntervalArray>(std::move(data));
    case TypeId::INTERVAL_MONTH_DAY_NANO:
      return std::make_shared<MonthDayNanoIntervalArray>(std::move(data));
    case TypeId::DECIMAL32:
    case TypeId::DECIMAL64:
    case TypeId::DECIMAL128:
    case TypeId::DECIMAL256: return std::make_shared<DecimalArray>(std::move(data));
    case TypeId::FIXED_SIZE_BINARY: return std::make_shared<FixedSizeBinaryArray>(std::move(data));
    case TypeId::BINARY:
    case TypeId::STRING: return std::make_shared<BinaryArray>(std::move(data));
    case TypeId::LARGE_BINARY:
    case TypeId::LARGE_STRING: return std::make_shared<LargeBinaryArray>(std::move(data));
    case TypeId::BINARY_VIEW:
    case TypeId::STRING_VIEW: return std::make_shared<BinaryViewArray>(std::move(data));
    case TypeId::LIST:
    case TypeId::LIST_VIEW: return std::make_shared<ListArray>(std::move(data));
    case TypeId::LARGE_LIST:
    case TypeId::LARGE_LIST_VIEW: return std::make_shared<LargeListArray>(std::move(data));
    case TypeId::MAP: return std::make_shared<MapArray>(std::move(data));
    case TypeId::FIXED_SIZE_LIST: return std::make_shared<FixedSizeListArray>(std::move(data));
    case TypeId::STRUCT: return std::make_shared<StructArray>(std::move(data));
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: return std::make_shared<UnionArray>(std::move(data));
    case TypeId::DICTIONARY: return std::make_shared<DictionaryArray>(std::move(data));
    case TypeId::RUN_END_ENCODED: return std::make_shared<RunEndEncodedArray>(std::move(data));
    case TypeId::EXTENSION: return std::make_shared<ExtensionArray>(std::move(data));
  }
  return std::make_shared<Array>(std::move(data));
}

// ---------------------------------------------------------------------------
// Arrays of nulls

namespace {

Result<ArrayDataPtr> NullData(const TypePtr& type, int64_t length, MemoryPool* pool);

Result<std::shared_ptr<Buffer>> Zeros(int64_t nbytes, MemoryPool* pool) {
  return AllocateZeroedBuffer(nbytes, pool);
}

Result<ArrayDataPtr> NullData(const TypePtr& type, int64_t length, MemoryPool* pool) {
  if (length < 0) return Status::Invalid("array length must be non-negative but found ", length);
  const TypeId id = type->id();
  const int64_t bitmap_bytes = bit_util::BytesForBits(length);
  switch (id) {
    case TypeId::NA:
      return ArrayData::Make(type, length, {}, length);
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      const auto& ut = static_cast<const UnionType&>(*type);
      if (ut.num_fields() == 0) {
        if (length == 0) {
          std::vector<std::shared_ptr<Buffer>> bufs;
          QUIVER_ASSIGN_OR_RAISE(auto ids, Zeros(0, pool));
          bufs.push_back(ids);
          if (id == TypeId::DENSE_UNION) {
            QUIVER_ASSIGN_OR_RAISE(auto offs, Zeros(0, pool));
            bufs.push_back(offs);
          }
          return ArrayData::Make(type, 0, std::move(bufs), 0);
        }
        return Status::Invalid("a union with no children cannot hold nulls");
      }
      QUIVER_ASSIGN_OR_RAISE(auto ids, AllocateBuffer(length, pool));
      if (length > 0) std::memset(ids->mutable_data(), ut.type_codes()[0], static_cast<size_t>(length));
      std::vector<std::shared_ptr<Buffer>> bufs{ids};
      std::vector<ArrayDataPtr> children;
      if (id == TypeId::SPARSE_UNION) {
        for (const auto& f : ut.fields()) {
          QUIVER_ASSIGN_OR_RAISE(auto c, NullData(f->type(), length, pool));
          children.push_back(std::move(c));
        }
      } else {
        QUIVER_ASSIGN_OR_RAISE(auto offs, Zeros(length * 4, pool));
        bufs.push_back(offs);
        for (int i = 0; i < ut.num_fields(); ++i) {
          QUIVER_ASSIGN_OR_RAISE(auto c, NullData(ut.field(i)->type(), (i == 0 && length > 0) ? 1 : 0, pool));
          children.push_back(std::move(c));
        }
      }
      return ArrayData::Make(type, length, std::move(bufs), std::move(children), length);
    }
    case TypeId::RUN_END_ENCODED: {
      const auto& rt = static_cast<const RunEndEncodedType&>(*type);
      const int64_t runs = length > 0 ? 1 : 0;
      const int width = rt.run_end_type()->byte_width();
      QUIVER_ASSIGN_OR_RAISE(auto ends, Zeros(runs * width, pool));
      if (runs) {
        switch (width) {
          case 2: {
            if (length > INT16_MAX) return Status::CapacityError("run end ", length, " does not fit int16");
            const int16_t v = static_cast<int16_t>(length);
            std::memcpy(ends->mutable_data(), &v, 2);
            break;
          }
          case 4: {
            if (length > INT32_MAX) return Status::CapacityError("run end ", length, " does not fit int32");
            const int32_t v = static_cast<int32_t>(length);
            std::memcpy(ends->mutable_data(), &v, 4);
            break;
          }
          default:
            std::memcpy(ends->mutable_data(), &length, 8);
        }
      }
      QUIVER_ASSIGN_OR_RAISE(auto values, NullData(rt.value_type(), runs, pool));
      auto run_ends = ArrayData::Make(rt.run_end_type(), runs, {nullptr, ends}, 0);
      return ArrayData::Make(type, length, {}, {run_ends, values}, length);
    }
    case TypeId::EXTENSION: {
      QUIVER_ASSIGN_OR_RAISE(auto storage,
                             NullData(static_cast<const ExtensionType&>(*type).storage_type(), length, pool));
      storage->type = type;
      return storage;
    }
    default:
      break;
  }
  QUIVER_ASSIGN_OR_RAISE(auto validity, Zeros(bitmap_bytes, pool));
  std::vector<std::shared_ptr<Buffer>> bufs{validity};
  std::vector<ArrayDataPtr> children;
  if (is_fixed_width(id)) {
    QUIVER_ASSIGN_OR_RAISE(auto values,
                           Zeros(id == TypeId::BOOL ? bitmap_bytes : length * type->byte_width(), pool));
    bufs.push_back(values);
  } else if (is_base_binary(id)) {
    const int width = (id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING) ? 8 : 4;
    QUIVER_ASSIGN_OR_RAISE(auto offsets, Zeros((length + 1) * width, pool));
    QUIVER_ASSIGN_OR_RAISE(auto data, Zeros(0, pool));
    bufs.push_back(offsets);
    bufs.push_back(data);
  } else if (is_binary_view(id)) {
    QUIVER_ASSIGN_OR_RAISE(auto views, Zeros(length * 16, pool));
    bufs.push_back(views);
  } else if (is_var_list(id) || is_list_view(id)) {
    const int width = (id == TypeId::LARGE_LIST || id == TypeId::LARGE_LIST_VIEW) ? 8 : 4;
    QUIVER_ASSIGN_OR_RAISE(auto offsets, Zeros((is_list_view(id) ? length : length + 1) * width, pool));
    bufs.push_back(offsets);
    if (is_list_view(id)) {
      QUIVER_ASSIGN_OR_RAISE(auto sizes, Zeros(length * width, pool));
      bufs.push_back(sizes);
    }
    QUIVER_ASSIGN_OR_RAISE(auto child, NullData(type->field(0)->type(), 0, pool));
    children.push_back(std::move(child));
  } else if (id == TypeId::FIXED_SIZE_LIST) {
    const int64_t n = length * static_cast<const FixedSizeListType&>(*type).list_size();
    QUIVER_ASSIGN_OR_RAISE(auto child, NullData(type->field(0)->type(), n, pool));
    children.push_back(std::move(child));
  } else if (id == TypeId::STRUCT) {
    for (const auto& f : type->fields()) {
      QUIVER_ASSIGN_OR_RAISE(auto child, NullData(f->type(), length, pool));
      children.push_back(std::move(child));
    }
  } else if (id == TypeId::DICTIONARY) {
    const auto& dt = static_cast<const DictionaryType&>(*type);
    QUIVER_ASSIGN_OR_RAISE(auto indices, Zeros(length * dt.index_type()->byte_width(), pool));
    bufs.push_back(indices);
    auto out = ArrayData::Make(type, length, std::move(bufs), length);
    QUIVER_ASSIGN_OR_RAISE(out->dictionary, NullData(dt.value_type(), 0, pool));
    return out;
  }
  return ArrayData::Make(type, length, std::move(bufs), std::move(children), length);
}

}  // namespace

Result<ArrayPtr> MakeArrayOfNull(TypePtr type, int64_t length, MemoryPool* pool) {
  QUIVER_ASSIGN_OR_RAISE(auto data, NullData(type, length, pool));
  return MakeArray(std::move(data));
}

Result<ArrayPtr> MakeEmptyArray(TypePtr type, MemoryPool* pool) {
  QUIVER_ASSIGN_OR_RAISE(auto data, NullData(type, 0, pool));
  data->null_count = 0;
  return MakeArray(std::move(data));
}

}  // namespace quiver
