// Arrow logical types, fields and key-value metadata.
//
// A DataType is immutable and shared (std::shared_ptr<const DataType>, aliased
// as TypePtr). Parameterless types are singletons returned by factories such as
// int64() and utf8(); parameterised ones are built by factories such as
// timestamp(TimeUnit::MICRO, "UTC") or list(int32()). Code that needs a type's
// parameters switches on id() and casts to the matching class:
//
//   if (type.id() == TypeId::TIMESTAMP) {
//     const auto& ts = static_cast<const TimestampType&>(type);
//     ... ts.unit(), ts.timezone() ...
//   }
//
// ToString() prints the way pyarrow does: "timestamp[s, tz=UTC]",
// "list<item: int32>", "dictionary<values=string, indices=int32, ordered=0>".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quiver/result.h"
#include "quiver/visibility.h"

namespace quiver {

/// Every Arrow logical type. The order is Quiver's own; IPC and the C Data
/// interface translate explicitly.
enum class TypeId : int8_t {
  NA,
  BOOL,
  UINT8,
  INT8,
  UINT16,
  INT16,
  UINT32,
  INT32,
  UINT64,
  INT64,
  HALF_FLOAT,
  FLOAT,
  DOUBLE,
  DECIMAL32,
  DECIMAL64,
  DECIMAL128,
  DECIMAL256,
  DATE32,
  DATE64,
  TIME32,
  TIME64,
  TIMESTAMP,
  DURATION,
  INTERVAL_MONTHS,
  INTERVAL_DAY_TIME,
  INTERVAL_MONTH_DAY_NANO,
  BINARY,
  STRING,
  LARGE_BINARY,
  LARGE_STRING,
  BINARY_VIEW,
  STRING_VIEW,
  FIXED_SIZE_BINARY,
  LIST,
  LARGE_LIST,
  LIST_VIEW,
  LARGE_LIST_VIEW,
  FIXED_SIZE_LIST,
  STRUCT,
  MAP,
  SPARSE_UNION,
  DENSE_UNION,
  DICTIONARY,
  RUN_END_ENCODED,
  EXTENSION,
};

enum class TimeUnit : int8_t { SECOND, MILLI, MICRO, NANO };
/// "s", "ms", "us", "ns".
QUIVER_EXPORT std::string_view TimeUnitSuffix(TimeUnit unit);
/// How many of `unit` make a second: 1, 1000, 10^6, 10^9.
QUIVER_EXPORT int64_t UnitsPerSecond(TimeUnit unit);
/// The digits of a second's fraction `unit` resolves: 0, 3, 6, 9.
QUIVER_EXPORT int FractionDigits(TimeUnit unit);

enum class UnionMode : int8_t { SPARSE, DENSE };

class DataType;
class Field;
using TypePtr = std::shared_ptr<const DataType>;
using FieldPtr = std::shared_ptr<const Field>;
using FieldVector = std::vector<FieldPtr>;

// ---------------------------------------------------------------------------
// Key-value metadata (schema, field), ordered as given, duplicates allowed.

class QUIVER_EXPORT KeyValueMetadata {
 public:
  KeyValueMetadata() = default;
  KeyValueMetadata(std::vector<std::string> keys, std::vector<std::string> values);
  explicit KeyValueMetadata(std::vector<std::pair<std::string, std::string>> pairs);

  int64_t size() const { return static_cast<int64_t>(pairs_.size()); }
  const std::string& key(int64_t i) const { return pairs_[static_cast<size_t>(i)].first; }
  const std::string& value(int64_t i) const { return pairs_[static_cast<size_t>(i)].second; }
  const std::vector<std::pair<std::string, std::string>>& pairs() const { return pairs_; }

  /// Index of the first pair with `key`, or -1.
  int64_t FindKey(std::string_view key) const;
  /// Value of the first pair with `key`; KeyError when absent.
  Result<std::string> Get(std::string_view key) const;
  bool Contains(std::string_view key) const { return FindKey(key) >= 0; }
  /// Replaces the value of `key` or appends the pair.
  void Set(std::string key, std::string value);
  /// Removes every pair with `key`.
  void Delete(std::string_view key);

  /// Equal when the same pairs are present, in any order.
  bool Equals(const KeyValueMetadata& other) const;
  /// "key: 'value'" lines, as pyarrow prints them.
  std::string ToString() const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

using MetadataPtr = std::shared_ptr<const KeyValueMetadata>;
/// Equality of optional metadata: null and empty are equal.
QUIVER_EXPORT bool MetadataEquals(const MetadataPtr& a, const MetadataPtr& b);
/// Convenience: a metadata object from pairs.
QUIVER_EXPORT MetadataPtr key_value_metadata(std::vector<std::pair<std::string, std::string>> pairs);

// ---------------------------------------------------------------------------
// DataType

class QUIVER_EXPORT DataType : public std::enable_shared_from_this<DataType> {
 public:
  explicit DataType(TypeId id) : id_(id) {}
  virtual ~DataType() = default;
  DataType(const DataType&) = delete;
  DataType& operator=(const DataType&) = delete;

  TypeId id() const { return id_; }
  /// Child fields of nested types (list, struct, map, union, run-end encoded); empty otherwise.
  const FieldVector& fields() const { return children_; }
  int num_fields() const { return static_cast<int>(children_.size()); }
  const FieldPtr& field(int i) const { return children_[static_cast<size_t>(i)]; }

  /// pyarrow-style name, e.g. "int64", "timestamp[ms, tz=UTC]".
  virtual std::string ToString() const;
  /// The short name of the type's kind, e.g. "timestamp", "list".
  std::string_view name() const;

  /// Structural equality. Child field names and nullability count; field
  /// metadata counts only when `check_metadata` is true.
  bool Equals(const DataType& other, bool check_metadata = false) const;
  bool Equals(const TypePtr& other, bool check_metadata = false) const {
    return other != nullptr && Equals(*other, check_metadata);
  }

  /// Bits per value for fixed-width types (bool: 1), -1 otherwise.
  int bit_width() const;
  /// Bytes per value for fixed-width types whose values are whole bytes; -1 otherwise.
  int byte_width() const;

 protected:
  virtual bool ParamsEqual(const DataType& other) const;

  TypeId id_;
  FieldVector children_;
};

QUIVER_EXPORT bool operator==(const DataType& a, const DataType& b);

// Type classification helpers.
QUIVER_EXPORT bool is_integer(TypeId id);
QUIVER_EXPORT bool is_signed_integer(TypeId id);
QUIVER_EXPORT bool is_unsigned_integer(TypeId id);
QUIVER_EXPORT bool is_floating(TypeId id);
QUIVER_EXPORT bool is_decimal(TypeId id);
/// Types whose values live in one fixed-width data buffer (including bool and decimals).
QUIVER_EXPORT bool is_fixed_width(TypeId id);
/// binary, string, large_binary, large_string (offsets + data).
QUIVER_EXPORT bool is_base_binary(TypeId id);
QUIVER_EXPORT bool is_binary_view(TypeId id);
/// list, large_list, map (offsets + one child).
QUIVER_EXPORT bool is_var_list(TypeId id);
QUIVER_EXPORT bool is_list_view(TypeId id);
QUIVER_EXPORT bool is_union(TypeId id);
QUIVER_EXPORT bool is_nested(TypeId id);

class QUIVER_EXPORT FixedSizeBinaryType final : public DataType {
 public:
  explicit FixedSizeBinaryType(int32_t byte_width)
      : DataType(TypeId::FIXED_SIZE_BINARY), width_(byte_width) {}
  int32_t width() const { return width_; }

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  int32_t width_;
};

/// decimal32/64/128/256: fixed-point numbers, value = unscaled integer * 10^-scale.
class QUIVER_EXPORT DecimalType final : public DataType {
 public:
  /// Checks that precision fits the width (decimal32: 1..9, 64: 1..18, 128: 1..38, 256: 1..76).
  static Result<TypePtr> Make(TypeId id, int32_t precision, int32_t scale);
  DecimalType(TypeId id, int32_t precision, int32_t scale)
      : DataType(id), precision_(precision), scale_(scale) {}
  int32_t precision() const { return precision_; }
  int32_t scale() const { return scale_; }
  static int32_t MaxPrecision(TypeId id);

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  int32_t precision_, scale_;
};

/// time32 (SECOND, MILLI) and time64 (MICRO, NANO), and duration (any unit).
class QUIVER_EXPORT TemporalUnitType final : public DataType {
 public:
  TemporalUnitType(TypeId id, TimeUnit unit) : DataType(id), unit_(unit) {}
  TimeUnit unit() const { return unit_; }

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  TimeUnit unit_;
};
using Time32Type = TemporalUnitType;
using Time64Type = TemporalUnitType;
using DurationType = TemporalUnitType;

class QUIVER_EXPORT TimestampType final : public DataType {
 public:
  TimestampType(TimeUnit unit, std::string timezone)
      : DataType(TypeId::TIMESTAMP), unit_(unit), timezone_(std::move(timezone)) {}
  TimeUnit unit() const { return unit_; }
  /// Empty for a naive (zone-less) timestamp.
  const std::string& timezone() const { return timezone_; }

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  TimeUnit unit_;
  std::string timezone_;
};

/// list, large_list, list_view, large_list_view, fixed_size_list and map: one child field.
class QUIVER_EXPORT BaseListType : public DataType {
 public:
  BaseListType(TypeId id, FieldPtr value_field);
  const FieldPtr& value_field() const { return children_[0]; }
  const TypePtr& value_type() const;
};

class QUIVER_EXPORT ListType final : public BaseListType {
 public:
  /// `id` is one of LIST, LARGE_LIST, LIST_VIEW, LARGE_LIST_VIEW.
  ListType(TypeId id, FieldPtr value_field) : BaseListType(id, std::move(value_field)) {}
};
using LargeListType = ListType;
using ListViewType = ListType;
using LargeListViewType = ListType;

class QUIVER_EXPORT FixedSizeListType final : public BaseListType {
 public:
  FixedSizeListType(FieldPtr value_field, int32_t list_size)
      : BaseListType(TypeId::FIXED_SIZE_LIST, std::move(value_field)), list_size_(list_size) {}
  int32_t list_size() const { return list_size_; }

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  int32_t list_size_;
};

/// map<K, V>: a list of non-null struct<key: K not null, value: V> entries.
class QUIVER_EXPORT MapType final : public BaseListType {
 public:
  /// `entries` must be a non-nullable struct field of exactly two children, the first non-nullable.
  static Result<TypePtr> Make(FieldPtr entries, bool keys_sorted = false);
  MapType(FieldPtr entries, bool keys_sorted)
      : BaseListType(TypeId::MAP, std::move(entries)), keys_sorted_(keys_sorted) {}
  const FieldPtr& key_field() const;
  const FieldPtr& item_field() const;
  const TypePtr& key_type() const;
  const TypePtr& item_type() const;
  bool keys_sorted() const { return keys_sorted_; }

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  bool keys_sorted_;
};

class QUIVER_EXPORT StructType final : public DataType {
 public:
  explicit StructType(FieldVector fields);
  /// Index of the first child named `name`, or -1.
  int GetFieldIndex(std::string_view name) const;
  /// The child named `name`, or null (also null when the name is ambiguous).
  FieldPtr GetFieldByName(std::string_view name) const;
};

class QUIVER_EXPORT UnionType final : public DataType {
 public:
  /// type_codes: one per field, each in [0, 127], distinct. Empty means 0..n-1.
  static Result<TypePtr> Make(UnionMode mode, FieldVector fields, std::vector<int8_t> type_codes = {});
  UnionType(UnionMode mode, FieldVector fields, std::vector<int8_t> type_codes);
  UnionMode mode() const { return id_ == TypeId::SPARSE_UNION ? UnionMode::SPARSE : UnionMode::DENSE; }
  const std::vector<int8_t>& type_codes() const { return type_codes_; }
  /// child index for each possible type code, -1 where unused (128 entries).
  const std::vector<int>& child_ids() const { return child_ids_; }
  static constexpr int kMaxTypeCode = 127;

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  std::vector<int8_t> type_codes_;
  std::vector<int> child_ids_;
};

class QUIVER_EXPORT DictionaryType final : public DataType {
 public:
  /// The index type must be an integer type.
  static Result<TypePtr> Make(TypePtr index_type, TypePtr value_type, bool ordered = false);
  DictionaryType(TypePtr index_type, TypePtr value_type, bool ordered)
      : DataType(TypeId::DICTIONARY),
        index_type_(std::move(index_type)),
        value_type_(std::move(value_type)),
        ordered_(ordered) {}
  const TypePtr& index_type() const { return index_type_; }
  const TypePtr& value_type() const { return value_type_; }
  bool ordered() const { return ordered_; }

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  TypePtr index_type_, value_type_;
  bool ordered_;
};

/// run_end_encoded<run_ends: int16|int32|int64, values: T>: children "run_ends" and "values".
class QUIVER_EXPORT RunEndEncodedType final : public DataType {
 public:
  static Result<TypePtr> Make(TypePtr run_end_type, TypePtr value_type);
  RunEndEncodedType(TypePtr run_end_type, TypePtr value_type);
  const TypePtr& run_end_type() const;
  const TypePtr& value_type() const;
};

/// A user-defined type stored as `storage_type`; travels through IPC as the
/// storage type plus the field metadata keys ARROW:extension:name and
/// ARROW:extension:metadata.
class QUIVER_EXPORT ExtensionType final : public DataType {
 public:
  ExtensionType(std::string extension_name, std::string serialized, TypePtr storage_type)
      : DataType(TypeId::EXTENSION),
        name_(std::move(extension_name)),
        serialized_(std::move(serialized)),
        storage_type_(std::move(storage_type)) {}
  const std::string& extension_name() const { return name_; }
  const std::string& serialized() const { return serialized_; }
  const TypePtr& storage_type() const { return storage_type_; }
  std::string ToString() const override;

 protected:
  bool ParamsEqual(const DataType& other) const override;

 private:
  std::string name_, serialized_;
  TypePtr storage_type_;
};

inline constexpr std::string_view kExtensionNameKey = "ARROW:extension:name";
inline constexpr std::string_view kExtensionMetadataKey = "ARROW:extension:metadata";

// ---------------------------------------------------------------------------
// Field

class QUIVER_EXPORT Field {
 public:
  Field(std::string name, TypePtr type, bool nullable = true, MetadataPtr metadata = nullptr)
      : name_(std::move(name)),
        type_(std::move(type)),
        nullable_(nullable),
        metadata_(std::move(metadata)) {}

  const std::string& name() const { return name_; }
  const TypePtr& type() const { return type_; }
  bool nullable() const { return nullable_; }
  /// May be null.
  const MetadataPtr& metadata() const { return metadata_; }

  FieldPtr WithName(std::string name) const;
  FieldPtr WithType(TypePtr type) const;
  FieldPtr WithNullable(bool nullable) const;
  FieldPtr WithMetadata(MetadataPtr metadata) const;

  bool Equals(const Field& other, bool check_metadata = false) const;
  bool Equals(const FieldPtr& other, bool check_metadata = false) const {
    return other != nullptr && Equals(*other, check_metadata);
  }
  /// "name: type" plus " not null" when not nullable (pyarrow's form).
  std::string ToString() const;

 private:
  std::string name_;
  TypePtr type_;
  bool nullable_;
  MetadataPtr metadata_;
};

// ---------------------------------------------------------------------------
// Factories

QUIVER_EXPORT TypePtr null();
QUIVER_EXPORT TypePtr boolean();
QUIVER_EXPORT TypePtr int8();
QUIVER_EXPORT TypePtr int16();
QUIVER_EXPORT TypePtr int32();
QUIVER_EXPORT TypePtr int64();
QUIVER_EXPORT TypePtr uint8();
QUIVER_EXPORT TypePtr uint16();
QUIVER_EXPORT TypePtr uint32();
QUIVER_EXPORT TypePtr uint64();
QUIVER_EXPORT TypePtr float16();
QUIVER_EXPORT TypePtr float32();
QUIVER_EXPORT TypePtr float64();
QUIVER_EXPORT TypePtr date32();
QUIVER_EXPORT TypePtr date64();
QUIVER_EXPORT TypePtr month_interval();
QUIVER_EXPORT TypePtr day_time_interval();
QUIVER_EXPORT TypePtr month_day_nano_interval();
QUIVER_EXPORT TypePtr binary();
QUIVER_EXPORT TypePtr utf8();
QUIVER_EXPORT TypePtr large_binary();
QUIVER_EXPORT TypePtr large_utf8();
QUIVER_EXPORT TypePtr binary_view();
QUIVER_EXPORT TypePtr utf8_view();
QUIVER_EXPORT TypePtr fixed_size_binary(int32_t byte_width);
/// These abort on a precision out of range; use DecimalType::Make for untrusted values.
QUIVER_EXPORT TypePtr decimal32(int32_t precision, int32_t scale);
QUIVER_EXPORT TypePtr decimal64(int32_t precision, int32_t scale);
QUIVER_EXPORT TypePtr decimal128(int32_t precision, int32_t scale);
QUIVER_EXPORT TypePtr decimal256(int32_t precision, int32_t scale);
/// time32 takes SECOND or MILLI, time64 MICRO or NANO (aborts otherwise).
QUIVER_EXPORT TypePtr time32(TimeUnit unit);
QUIVER_EXPORT TypePtr time64(TimeUnit unit);
QUIVER_EXPORT TypePtr timestamp(TimeUnit unit, std::string timezone = "");
QUIVER_EXPORT TypePtr duration(TimeUnit unit);
/// A list of `value_type` with the child named "item".
QUIVER_EXPORT TypePtr list(TypePtr value_type);
QUIVER_EXPORT TypePtr list(FieldPtr value_field);
QUIVER_EXPORT TypePtr large_list(TypePtr value_type);
QUIVER_EXPORT TypePtr large_list(FieldPtr value_field);
QUIVER_EXPORT TypePtr list_view(TypePtr value_type);
QUIVER_EXPORT TypePtr list_view(FieldPtr value_field);
QUIVER_EXPORT TypePtr large_list_view(TypePtr value_type);
QUIVER_EXPORT TypePtr large_list_view(FieldPtr value_field);
QUIVER_EXPORT TypePtr fixed_size_list(TypePtr value_type, int32_t list_size);
QUIVER_EXPORT TypePtr fixed_size_list(FieldPtr value_field, int32_t list_size);
QUIVER_EXPORT TypePtr struct_(FieldVector fields);
/// map with entries struct<key: K not null, value: V>.
QUIVER_EXPORT TypePtr map(TypePtr key_type, TypePtr item_type, bool keys_sorted = false);
QUIVER_EXPORT TypePtr map(TypePtr key_type, FieldPtr item_field, bool keys_sorted = false);
/// Abort on invalid type codes; use UnionType::Make for untrusted values.
QUIVER_EXPORT TypePtr sparse_union(FieldVector fields, std::vector<int8_t> type_codes = {});
QUIVER_EXPORT TypePtr dense_union(FieldVector fields, std::vector<int8_t> type_codes = {});
/// Aborts if the index type is not an integer; use DictionaryType::Make for untrusted values.
QUIVER_EXPORT TypePtr dictionary(TypePtr index_type, TypePtr value_type, bool ordered = false);
QUIVER_EXPORT TypePtr run_end_encoded(TypePtr run_end_type, TypePtr value_type);
QUIVER_EXPORT TypePtr extension(std::string name, TypePtr storage_type, std::string serialized = "");

QUIVER_EXPORT FieldPtr field(std::string name, TypePtr type, bool nullable = true,
                             MetadataPtr metadata = nullptr);

}  // namespace quiver
