#include "quiver/type.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>


namespace quiver {

std::string_view TimeUnitSuffix(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::SECOND: return "s";
    case TimeUnit::MILLI: return "ms";
    case TimeUnit::MICRO: return "us";
    case TimeUnit::NANO: return "ns";
  }
  return "?";
}

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::SECOND: return 1;
    case TimeUnit::MILLI: return 1000;
    case TimeUnit::MICRO: return 1000000;
    case TimeUnit::NANO: return 1000000000;
  }
  return 1;
}

int FractionDigits(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::SECOND: return 0;
    case TimeUnit::MILLI: return 3;
    case TimeUnit::MICRO: return 6;
    case TimeUnit::NANO: return 9;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// KeyValueMetadata

KeyValueMetadata::KeyValueMetadata(std::vector<std::string> keys, std::vector<std::string> values) {
  const size_t n = std::min(keys.size(), values.size());
  pairs_.reserve(n);
  for (size_t i = 0; i < n; ++i) pairs_.emplace_back(std::move(keys[i]), std::move(values[i]));
}

KeyValueMetadata::KeyValueMetadata(std::vector<std::pair<std::string, std::string>> pairs)
    : pairs_(std::move(pairs)) {}

int64_t KeyValueMetadata::FindKey(std::string_view key) const {
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (pairs_[i].first == key) return static_cast<int64_t>(i);
  }
  return -1;
}

Result<std::string> KeyValueMetadata::Get(std::string_view key) const {
  const int64_t i = FindKey(key);
  if (i < 0) return Status::KeyError("metadata key '", key, "' not found");
  return pairs_[static_cast<size_t>(i)].second;
}

void KeyValueMetadata::Set(std::string key, std::string value) {
  const int64_t i = FindKey(key);
  if (i >= 0) {
    pairs_[static_cast<size_t>(i)].second = std::move(value);
  } else {
    pairs_.emplace_back(std::move(key), std::move(value));
  }
}

void KeyValueMetadata::Delete(std::string_view key) {
  std::erase_if(pairs_, [&](const auto& p) { return p.first == key; });
}

bool KeyValueMetadata::Equals(const KeyValueMetadata& other) const {
  if (pairs_.size() != other.pairs_.size()) return false;
  auto a = pairs_;
  auto b = other.pairs_;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

std::string KeyValueMetadata::ToString() const {
  std::string out;
  for (size_t i = 0; i < pairs_.size(); ++i) {
    if (i) out += "\n";
    out += pairs_[i].first + ": '" + pairs_[i].second + "'";
  }
  return out;
}

MetadataPtr key_value_metadata(std::vector<std::pair<std::string, std::string>> pairs) {
  return std::make_shared<const KeyValueMetadata>(std::move(pairs));
}

bool MetadataEquals(const MetadataPtr& a, const MetadataPtr& b) {
  const bool a_empty = !a || a->size() == 0;
  const bool b_empty = !b || b->size() == 0;
  if (a_empty || b_empty) return a_empty == b_empty;
  return a->Equals(*b);
}

// ---------------------------------------------------------------------------
// Classification

bool is_integer(TypeId id) { return is_signed_integer(id) || is_unsigned_integer(id); }
bool is_signed_integer(TypeId id) {
  return id == TypeId::INT8 || id == TypeId::INT16 || id == TypeId::INT32 || id == TypeId::INT64;
}
bool is_unsigned_integer(TypeId id) {
  return id == TypeId::UINT8 || id == TypeId::UINT16 || id == TypeId::UINT32 || id == TypeId::UINT64;
}
bool is_floating(TypeId id) {
  return id == TypeId::HALF_FLOAT || id == TypeId::FLOAT || id == TypeId::DOUBLE;
}
bool is_decimal(TypeId id) {
  return id == TypeId::DECIMAL32 || id == TypeId::DECIMAL64 || id == TypeId::DECIMAL128 ||
         id == TypeId::DECIMAL256;
}
bool is_fixed_width(TypeId id) {
  switch (id) {
    case TypeId::BOOL:
    case TypeId::DATE32:
    case TypeId::DATE64:
    case TypeId::TIME32:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION:
    case TypeId::INTERVAL_MONTHS:
    case TypeId::INTERVAL_DAY_TIME:
    case TypeId::INTERVAL_MONTH_DAY_NANO:
    case TypeId::FIXED_SIZE_BINARY:
      return true;
    default:
      return is_integer(id) || is_floating(id) || is_decimal(id);
  }
}
bool is_base_binary(TypeId id) {
  return id == TypeId::BINARY || id == TypeId::STRING || id == TypeId::LARGE_BINARY ||
         id == TypeId::LARGE_STRING;
}
bool is_binary_view(TypeId id) { return id == TypeId::BINARY_VIEW || id == TypeId::STRING_VIEW; }
bool is_var_list(TypeId id) {
  return id == TypeId::LIST || id == TypeId::LARGE_LIST || id == TypeId::MAP;
}
bool is_list_view(TypeId id) { return id == TypeId::LIST_VIEW || id == TypeId::LARGE_LIST_VIEW; }
bool is_union(TypeId id) { return id == TypeId::SPARSE_UNION || id == TypeId::DENSE_UNION; }
bool is_nested(TypeId id) {
  return is_var_list(id) || is_list_view(id) || is_union(id) || id == TypeId::FIXED_SIZE_LIST ||
         id == TypeId::STRUCT || id == TypeId::RUN_END_ENCODED;
}

// ---------------------------------------------------------------------------
// DataType

std::string_view DataType::name() const {
  switch (id_) {
    case TypeId::NA: return "null";
    case TypeId::BOOL: return "bool";
    case TypeId::UINT8: return "uint8";
    case TypeId::INT8: return "int8";
    case TypeId::UINT16: return "uint16";
    case TypeId::INT16: return "int16";
    case TypeId::UINT32: return "uint32";
    case TypeId::INT32: return "int32";
    case TypeId::UINT64: return "uint64";
    case TypeId::INT64: return "int64";
    case TypeId::HALF_FLOAT: return "halffloat";
    case TypeId::FLOAT: return "float";
    case TypeId::DOUBLE: return "double";
    case TypeId::DECIMAL32: return "decimal32";
    case TypeId::DECIMAL64: return "decimal64";
    case TypeId::DECIMAL128: return "decimal128";
    case TypeId::DECIMAL256: return "decimal256";
    case TypeId::DATE32: return "date32";
    case TypeId::DATE64: return "date64";
    case TypeId::TIME32: return "time32";
    case TypeId::TIME64: return "time64";
    case TypeId::TIMESTAMP: return "timestamp";
    case TypeId::DURATION: return "duration";
    case TypeId::INTERVAL_MONTHS: return "month_interval";
    case TypeId::INTERVAL_DAY_TIME: return "day_time_interval";
    case TypeId::INTERVAL_MONTH_DAY_NANO: return "month_day_nano_interval";
    case TypeId::BINARY: return "binary";
    case TypeId::STRING: return "string";
    case TypeId::LARGE_BINARY: return "large_binary";
    case TypeId::LARGE_STRING: return "large_string";
    case TypeId::BINARY_VIEW: return "binary_view";
    case TypeId::STRING_VIEW: return "string_view";
    case TypeId::FIXED_SIZE_BINARY: return "fixed_size_binary";
    case TypeId::LIST: return "list";
    case TypeId::LARGE_LIST: return "large_list";
    case TypeId::LIST_VIEW: return "list_view";
    case TypeId::LARGE_LIST_VIEW: return "large_list_view";
    case TypeId::FIXED_SIZE_LIST: return "fixed_size_list";
    case TypeId::STRUCT: return "struct";
    case TypeId::MAP: return "map";
    case TypeId::SPARSE_UNION: return "sparse_union";
    case TypeId::DENSE_UNION: return "dense_union";
    case TypeId::DICTIONARY: return "dictionary";
    case TypeId::RUN_END_ENCODED: return "run_end_encoded";
    case TypeId::EXTENSION: return "extension";
  }
  return "unknown";
}

std::string DataType::ToString() const {
  std::ostringstream os;
  switch (id_) {
    case TypeId::DECIMAL32:
    case TypeId::DECIMAL64:
    case TypeId::DECIMAL128:
    case TypeId::DECIMAL256: {
      const auto& t = static_cast<const DecimalType&>(*this);
      os << name() << "(" << t.precision() << ", " << t.scale() << ")";
      break;
    }
    case TypeId::DATE32: return "date32[day]";
    case TypeId::DATE64: return "date64[ms]";
    case TypeId::TIME32:
    case TypeId::TIME64:
    case TypeId::DURATION:
      os << name() << "[" << TimeUnitSuffix(static_cast<const TemporalUnitType&>(*this).unit()) << "]";
      break;
    case TypeId::TIMESTAMP: {
      const auto& t = static_cast<const TimestampType&>(*this);
      os << "timestamp[" << TimeUnitSuffix(t.unit());
      if (!t.timezone().empty()) os << ", tz=" << t.timezone();
      os << "]";
      break;
    }
    case TypeId::FIXED_SIZE_BINARY:
      os << "fixed_size_binary[" << static_cast<const FixedSizeBinaryType&>(*this).width() << "]";
      break;
    case TypeId::LIST:
    case TypeId::LARGE_LIST:
    case TypeId::LIST_VIEW:
    case TypeId::LARGE_LIST_VIEW:
      os << name() << "<" << field(0)->ToString() << ">";
      break;
    case TypeId::FIXED_SIZE_LIST:
      os << "fixed_size_list<" << field(0)->ToString() << ">["
         << static_cast<const FixedSizeListType&>(*this).list_size() << "]";
      break;
    case TypeId::MAP: {
      const auto& t = static_cast<const MapType&>(*this);
      os << "map<" << t.key_type()->ToString() << ", ";
      // pyarrow shows the item as a field only when it deviates from the default.
      const auto& item = t.item_field();
      if (item->name() == "value" && item->nullable()) {
        os << item->type()->ToString();
      } else {
        os << item->ToString();
      }
      if (t.keys_sorted()) os << ", keys_sorted";
      os << ">";
      break;
    }
    case TypeId::STRUCT: {
      os << "struct<";
      for (int i = 0; i < num_fields(); ++i) os << (i ? ", " : "") << field(i)->ToString();
      os << ">";
      break;
    }
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      const auto& t = static_cast<const UnionType&>(*this);
      os << name() << "<";
      for (int i = 0; i < num_fields(); ++i) {
        os << (i ? ", " : "") << field(i)->ToString() << "=" << static_cast<int>(t.type_codes()[static_cast<size_t>(i)]);
      }
      os << ">";
      break;
    }
    case TypeId::DICTIONARY: {
      const auto& t = static_cast<const DictionaryType&>(*this);
      os << "dictionary<values=" << t.value_type()->ToString()
         << ", indices=" << t.index_type()->ToString() << ", ordered=" << (t.ordered() ? 1 : 0) << ">";
      break;
    }
    case TypeId::RUN_END_ENCODED: {
      const auto& t = static_cast<const RunEndEncodedType&>(*this);
      os << "run_end_encoded<run_ends: " << t.run_end_type()->ToString()
         << ", values: " << t.value_type()->ToString() << ">";
      break;
    }
    default:
      return std::string(name());
  }
  return os.str();
}

int DataType::bit_width() const {
  switch (id_) {
    case TypeId::BOOL: return 1;
    case TypeId::UINT8:
    case TypeId::INT8: return 8;
    case TypeId::UINT16:
    case TypeId::INT16:
    case TypeId::HALF_FLOAT: return 16;
    case TypeId::UINT32:
    case TypeId::INT32:
    case TypeId::FLOAT:
    case TypeId::DATE32:
    case TypeId::TIME32:
    case TypeId::INTERVAL_MONTHS:
    case TypeId::DECIMAL32: return 32;
    case TypeId::UINT64:
    case TypeId::INT64:
    case TypeId::DOUBLE:
    case TypeId::DATE64:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION:
    case TypeId::INTERVAL_DAY_TIME:
    case TypeId::DECIMAL64: return 64;
    case TypeId::INTERVAL_MONTH_DAY_NANO:
    case TypeId::DECIMAL128: return 128;
    case TypeId::DECIMAL256: return 256;
    case TypeId::FIXED_SIZE_BINARY: return static_cast<const FixedSizeBinaryType&>(*this).width() * 8;
    default: return -1;
  }
}

int DataType::byte_width() const {
  const int bits = bit_width();
  // fixed_size_binary(0) is a valid type of zero-byte values.
  if (id_ == TypeId::FIXED_SIZE_BINARY) return bits / 8;
  return (bits > 0 && bits % 8 == 0) ? bits / 8 : -1;
}

bool DataType::ParamsEqual(const DataType&) const { return true; }

bool DataType::Equals(const DataType& other, bool check_metadata) const {
  if (this == &other) return true;
  if (id_ != other.id_ || children_.size() != other.children_.size()) return false;
  if (id_ == TypeId::MAP) {
    // The names of a map's entries, key and value fields are not part of its type
    // (Apache Arrow writes canonical names whatever a producer used; see the
    // map_non_canonical integration case); their types and nullability are.
    const auto& a = static_cast<const MapType&>(*this);
    const auto& b = static_cast<const MapType&>(other);
    auto same = [&](const FieldPtr& x, const FieldPtr& y) {
      return x->nullable() == y->nullable() && x->type()->Equals(*y->type(), check_metadata) &&
             (!check_metadata || MetadataEquals(x->metadata(), y->metadata()));
    };
    return same(a.key_field(), b.key_field()) && same(a.item_field(), b.item_field()) && ParamsEqual(other);
  }
  for (size_t i = 0; i < children_.size(); ++i) {
    if (!children_[i]->Equals(*other.children_[i], check_metadata)) return false;
  }
  return ParamsEqual(other);
}

bool operator==(const DataType& a, const DataType& b) { return a.Equals(b); }

bool FixedSizeBinaryType::ParamsEqual(const DataType& other) const {
  return width_ == static_cast<const FixedSizeBinaryType&>(other).width_;
}

int32_t DecimalType::MaxPrecision(TypeId id) {
  switch (id) {
    case TypeId::DECIMAL32: return 9;
    case TypeId::DECIMAL64: return 18;
    case TypeId::DECIMAL128: return 38;
    case TypeId::DECIMAL256: return 76;
    default: return 0;
  }
}

Result<TypePtr> DecimalType::Make(TypeId id, int32_t precision, int32_t scale) {
  const int32_t max = MaxPrecision(id);
  if (max == 0) return Status::Invalid("not a decimal type id");
  if (precision < 1 || precision > max) {
    return Status::Invalid("decimal", max == 9 ? 32 : max == 18 ? 64 : max == 38 ? 128 : 256,
                           " precision must be between 1 and ", max, " but found ", precision);
  }
  return TypePtr(std::make_shared<DecimalType>(id, precision, scale));
}

bool DecimalType::ParamsEqual(const DataType& other) const {
  const auto& o = static_cast<const DecimalType&>(other);
  return precision_ == o.precision_ && scale_ == o.scale_;
}

bool TemporalUnitType::ParamsEqual(const DataType& other) const {
  return unit_ == static_cast<const TemporalUnitType&>(other).unit_;
}

bool TimestampType::ParamsEqual(const DataType& other) const {
  const auto& o = static_cast<const TimestampType&>(other);
  return unit_ == o.unit_ && timezone_ == o.timezone_;
}

BaseListType::BaseListType(TypeId id, FieldPtr value_field) : DataType(id) {
  children_.push_back(std::move(value_field));
}
const TypePtr& BaseListType::value_type() const { return children_[0]->type(); }

bool FixedSizeListType::ParamsEqual(const DataType& other) const {
  return list_size_ == static_cast<const FixedSizeListType&>(other).list_size_;
}

Result<TypePtr> MapType::Make(FieldPtr entries, bool keys_sorted) {
  if (!entries || entries->type()->id() != TypeId::STRUCT || entries->type()->num_fields() != 2) {
    return Status::TypeError("map entries must be a struct of two fields (key, value) but found ",
                             entries ? entries->type()->ToString() : "null");
  }
  if (entries->nullable()) return Status::TypeError("map entries field must not be nullable");
  if (entries->type()->field(0)->nullable()) return Status::TypeError("map keys must not be nullable");
  return TypePtr(std::make_shared<MapType>(std::move(entries), keys_sorted));
}
const FieldPtr& MapType::key_field() const { return value_type()->field(0); }
const FieldPtr& MapType::item_field() const { return value_type()->field(1); }
const TypePtr& MapType::key_type() const { return key_field()->type(); }
const TypePtr& MapType::item_type() const { return item_field()->type(); }
bool MapType::ParamsEqual(const DataType& other) const {
  return keys_sorted_ == static_cast<const MapType&>(other).keys_sorted_;
}

StructType::StructType(FieldVector fields) : DataType(TypeId::STRUCT) { children_ = std::move(fields); }

int StructType::GetFieldIndex(std::string_view name) const {
  for (int i = 0; i < num_fields(); ++i) {
    if (field(i)->name() == name) return i;
  }
  return -1;
}

FieldPtr StructType::GetFieldByName(std::string_view name) const {
  FieldPtr found;
  for (const auto& f : children_) {
    if (f->name() == name) {
      if (found) return nullptr;
      found = f;
    }
  }
  return found;
}

Result<TypePtr> UnionType::Make(UnionMode mode, FieldVector fields, std::vector<int8_t> type_codes) {
  if (type_codes.empty()) {
    if (fields.size() > kMaxTypeCode + 1) {
      return Status::Invalid("a union can have at most 128 children but found ", fields.size());
    }
    for (size_t i = 0; i < fields.size(); ++i) type_codes.push_back(static_cast<int8_t>(i));
  }
  if (type_codes.size() != fields.size()) {
    return Status::Invalid("union needs one type code per field: expected ", fields.size(),
                           " but found ", type_codes.size());
  }
  std::array<bool, kMaxTypeCode + 1> seen{};
  for (int8_t code : type_codes) {
    if (code < 0) return Status::Invalid("union type codes must be in [0, 127] but found ", int{code});
    if (seen[static_cast<size_t>(code)]) {
      return Status::Invalid("union type code ", int{code}, " appears more than once");
    }
    seen[static_cast<size_t>(code)] = true;
  }
  return TypePtr(std::make_shared<UnionType>(mode, std::move(fields), std::move(type_codes)));
}

UnionType::UnionType(UnionMode mode, FieldVector fields, std::vector<int8_t> type_codes)
    : DataType(mode == UnionMode::SPARSE ? TypeId::SPARSE_UNION : TypeId::DENSE_UNION),
      type_codes_(std::move(type_codes)),
      child_ids_(kMaxTypeCode + 1, -1) {
  children_ = std::move(fields);
  for (size_t i = 0; i < type_codes_.size(); ++i) {
    if (type_codes_[i] >= 0) child_ids_[static_cast<size_t>(type_codes_[i])] = static_cast<int>(i);
  }
}

bool UnionType::ParamsEqual(const DataType& other) const {
  return type_codes_ == static_cast<const UnionType&>(other).type_codes_;
}

Result<TypePtr> DictionaryType::Make(TypePtr index_type, TypePtr value_type, bool ordered) {
  if (!index_type || !is_integer(index_type->id())) {
    return Status::TypeError("dictionary index type must be an integer type but found ",
                             index_type ? index_type->ToString() : "null");
  }
  if (!value_type) return Status::TypeError("dictionary value type must not be null");
  return TypePtr(std::make_shared<DictionaryType>(std::move(index_type), std::move(value_type), ordered));
}

bool DictionaryType::ParamsEqual(const DataType& other) const {
  const auto& o = static_cast<const DictionaryType&>(other);
  return ordered_ == o.ordered_ && index_type_->Equals(*o.index_type_) &&
         value_type_->Equals(*o.value_type_);
}

Result<TypePtr> RunEndEncodedType::Make(TypePtr run_end_type, TypePtr value_type) {
  if (!run_end_type || (run_end_type->id() != TypeId::INT16 && run_end_type->id() != TypeId::INT32 &&
                        run_end_type->id() != TypeId::INT64)) {
    return Status::TypeError("run end type must be int16, int32 or int64 but found ",
                             run_end_type ? run_end_type->ToString() : "null");
  }
  if (!value_type) return Status::TypeError("run-end encoded value type must not be null");
  return TypePtr(std::make_shared<RunEndEncodedType>(std::move(run_end_type), std::move(value_type)));
}

RunEndEncodedType::RunEndEncodedType(TypePtr run_end_type, TypePtr value_type)
    : DataType(TypeId::RUN_END_ENCODED) {
  children_.push_back(std::make_shared<Field>("run_ends", std::move(run_end_type), false));
  children_.push_back(std::make_shared<Field>("values", std::move(value_type), true));
}
const TypePtr& RunEndEncodedType::run_end_type() const { return children_[0]->type(); }
const TypePtr& RunEndEncodedType::value_type() const { return children_[1]->type(); }

std::string ExtensionType::ToString() const { return "extension<" + name_ + ">"; }

bool ExtensionType::ParamsEqual(const DataType& other) const {
  const auto& o = static_cast<const ExtensionType&>(other);
  return name_ == o.name_ && serialized_ == o.serialized_ && storage_type_->Equals(*o.storage_type_);
}

// ---------------------------------------------------------------------------
// Field

FieldPtr Field::WithName(std::string name) const {
  return std::make_shared<Field>(std::move(name), type_, nullable_, metadata_);
}
FieldPtr Field::WithType(TypePtr type) const {
  return std::make_shared<Field>(name_, std::move(type), nullable_, metadata_);
}
FieldPtr Field::WithNullable(bool nullable) const {
  return std::make_shared<Field>(name_, type_, nullable, metadata_);
}
FieldPtr Field::WithMetadata(MetadataPtr metadata) const {
  return std::make_shared<Field>(name_, type_, nullable_, std::move(metadata));
}

bool Field::Equals(const Field& other, bool check_metadata) const {
  if (this == &other) return true;
  if (name_ != other.name_ || nullable_ != other.nullable_) return false;
  if (!type_->Equals(*other.type_, check_metadata)) return false;
  return !check_metadata || MetadataEquals(metadata_, other.metadata_);
}

std::string Field::ToString() const {
  std::string out = name_ + ": " + type_->ToString();
  if (!nullable_) out += " not null";
  return out;
}

// ---------------------------------------------------------------------------
// Factories

namespace {
TypePtr Singleton(TypeId id) {
  // One immutable instance per parameterless type, created on first use.
  static const auto table = [] {
    std::array<TypePtr, static_cast<size_t>(TypeId::EXTENSION) + 1> t{};
    for (TypeId id : {TypeId::NA, TypeId::BOOL, TypeId::UINT8, TypeId::INT8, TypeId::UINT16,
                      TypeId::INT16, TypeId::UINT32, TypeId::INT32, TypeId::UINT64, TypeId::INT64,
                      TypeId::HALF_FLOAT, TypeId::FLOAT, TypeId::DOUBLE, TypeId::DATE32,
                      TypeId::DATE64, TypeId::INTERVAL_MONTHS, TypeId::INTERVAL_DAY_TIME,
                      TypeId::INTERVAL_MONTH_DAY_NANO, TypeId::BINARY, TypeId::STRING,
                      TypeId::LARGE_BINARY, TypeId::LARGE_STRING, TypeId::BINARY_VIEW,
                      TypeId::STRING_VIEW}) {
      t[static_cast<size_t>(id)] = std::make_shared<DataType>(id);
    }
    return t;
  }();
  return table[static_cast<size_t>(id)];
}

TypePtr OrAbort(Result<TypePtr> r) {
  if (!r.ok()) r.status().Abort("invalid type parameters");
  return *std::move(r);
}

FieldPtr ItemField(TypePtr t) { return std::make_shared<Field>("item", std::move(t), true); }
}  // namespace

TypePtr null() { return Singleton(TypeId::NA); }
TypePtr boolean() { return Singleton(TypeId::BOOL); }
TypePtr int8() { return Singleton(TypeId::INT8); }
TypePtr int16() { return Singleton(TypeId::INT16); }
TypePtr int32() { return Singleton(TypeId::INT32); }
TypePtr int64() { return Singleton(TypeId::INT64); }
TypePtr uint8() { return Singleton(TypeId::UINT8); }
TypePtr uint16() { return Singleton(TypeId::UINT16); }
TypePtr uint32() { return Singleton(TypeId::UINT32); }
TypePtr uint64() { return Singleton(TypeId::UINT64); }
TypePtr float16() { return Singleton(TypeId::HALF_FLOAT); }
TypePtr float32() { return Singleton(TypeId::FLOAT); }
TypePtr float64() { return Singleton(TypeId::DOUBLE); }
TypePtr date32() { return Singleton(TypeId::DATE32); }
TypePtr date64() { return Singleton(TypeId::DATE64); }
TypePtr month_interval() { return Singleton(TypeId::INTERVAL_MONTHS); }
TypePtr day_time_interval() { return Singleton(TypeId::INTERVAL_DAY_TIME); }
TypePtr month_day_nano_interval() { return Singleton(TypeId::INTERVAL_MONTH_DAY_NANO); }
TypePtr binary() { return Singleton(TypeId::BINARY); }
TypePtr utf8() { return Singleton(TypeId::STRING); }
TypePtr large_binary() { return Singleton(TypeId::LARGE_BINARY); }
TypePtr large_utf8() { return Singleton(TypeId::LARGE_STRING); }
TypePtr binary_view() { return Singleton(TypeId::BINARY_VIEW); }
TypePtr utf8_view() { return Singleton(TypeId::STRING_VIEW); }

TypePtr fixed_size_binary(int32_t byte_width) {
  if (byte_width < 0) Status::Invalid("negative fixed_size_binary width ", byte_width).Abort();
  return std::make_shared<FixedSizeBinaryType>(byte_width);
}
TypePtr decimal32(int32_t p, int32_t s) { return OrAbort(DecimalType::Make(TypeId::DECIMAL32, p, s)); }
TypePtr decimal64(int32_t p, int32_t s) { return OrAbort(DecimalType::Make(TypeId::DECIMAL64, p, s)); }
TypePtr decimal128(int32_t p, int32_t s) { return OrAbort(DecimalType::Make(TypeId::DECIMAL128, p, s)); }
TypePtr decimal256(int32_t p, int32_t s) { return OrAbort(DecimalType::Make(TypeId::DECIMAL256, p, s)); }

TypePtr time32(TimeUnit unit) {
  if (unit != TimeUnit::SECOND && unit != TimeUnit::MILLI) {
    Status::Invalid("time32 takes unit s or ms but found ", TimeUnitSuffix(unit)).Abort();
  }
  return std::make_shared<TemporalUnitType>(TypeId::TIME32, unit);
}
TypePtr time64(TimeUnit unit) {
  if (unit != TimeUnit::MICRO && unit != TimeUnit::NANO) {
    Status::Invalid("time64 takes unit us or ns but found ", TimeUnitSuffix(unit)).Abort();
  }
  return std::make_shared<TemporalUnitType>(TypeId::TIME64, unit);
}
TypePtr timestamp(TimeUnit unit, std::string timezone) {
  return std::make_shared<TimestampType>(unit, std::move(timezone));
}
TypePtr duration(TimeUnit unit) { return std::make_shared<TemporalUnitType>(TypeId::DURATION, unit); }

TypePtr list(TypePtr value_type) { return list(ItemField(std::move(value_type))); }
TypePtr list(FieldPtr f) { return std::make_shared<ListType>(TypeId::LIST, std::move(f)); }
TypePtr large_list(TypePtr value_type) { return large_list(ItemField(std::move(value_type))); }
TypePtr large_list(FieldPtr f) { return std::make_shared<ListType>(TypeId::LARGE_LIST, std::move(f)); }
TypePtr list_view(TypePtr value_type) { return list_view(ItemField(std::move(value_type))); }
TypePtr list_view(FieldPtr f) { return std::make_shared<ListType>(TypeId::LIST_VIEW, std::move(f)); }
TypePtr large_list_view(TypePtr value_type) { return large_list_view(ItemField(std::move(value_type))); }
TypePtr large_list_view(FieldPtr f) {
  return std::make_shared<ListType>(TypeId::LARGE_LIST_VIEW, std::move(f));
}
TypePtr fixed_size_list(TypePtr value_type, int32_t list_size) {
  return fixed_size_list(ItemField(std::move(value_type)), list_size);
}
TypePtr fixed_size_list(FieldPtr f, int32_t list_size) {
  if (list_size < 0) Status::Invalid("negative fixed_size_list size ", list_size).Abort();
  return std::make_shared<FixedSizeListType>(std::move(f), list_size);
}
TypePtr struct_(FieldVector fields) { return std::make_shared<StructType>(std::move(fields)); }

TypePtr map(TypePtr key_type, TypePtr item_type, bool keys_sorted) {
  return map(std::move(key_type), std::make_shared<Field>("value", std::move(item_type), true),
             keys_sorted);
}
TypePtr map(TypePtr key_type, FieldPtr item_field, bool keys_sorted) {
  auto entries = std::make_shared<Field>(
      "entries",
      struct_({std::make_shared<Field>("key", std::move(key_type), false), std::move(item_field)}),
      false);
  return OrAbort(MapType::Make(std::move(entries), keys_sorted));
}

TypePtr sparse_union(FieldVector fields, std::vector<int8_t> codes) {
  return OrAbort(UnionType::Make(UnionMode::SPARSE, std::move(fields), std::move(codes)));
}
TypePtr dense_union(FieldVector fields, std::vector<int8_t> codes) {
  return OrAbort(UnionType::Make(UnionMode::DENSE, std::move(fields), std::move(codes)));
}
TypePtr dictionary(TypePtr index_type, TypePtr value_type, bool ordered) {
  return OrAbort(DictionaryType::Make(std::move(index_type), std::move(value_type), ordered));
}
TypePtr run_end_encoded(TypePtr run_end_type, TypePtr value_type) {
  return OrAbort(RunEndEncodedType::Make(std::move(run_end_type), std::move(value_type)));
}
TypePtr extension(std::string name, TypePtr storage_type, std::string serialized) {
  return std::make_shared<ExtensionType>(std::move(name), std::move(serialized), std::move(storage_type));
}

FieldPtr field(std::string name, TypePtr type, bool nullable, MetadataPtr metadata) {
  return std::make_shared<Field>(std::move(name), std::move(type), nullable, std::move(metadata));
}

}  // namespace quiver
