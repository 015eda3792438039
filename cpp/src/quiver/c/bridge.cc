// The Arrow C Data / C Stream bridge (see quiver/c/bridge.h for the contract).
//
// How the pieces fit:
//   - Every exported C struct, child structs included, owns one heap object in
//     its private_data (SchemaExport, ArrayExport, StreamExport). Children get
//     their own so that a consumer may move a child out and release the parent,
//     as the spec allows. Destroying the private object releases whatever
//     children are still live, so a half-built export cleans up after itself.
//   - Import moves the base ArrowArray into an ImportedArray held by a
//     shared_ptr; each wrapped buffer's release callback holds a reference, so
//     the producer's release runs once, after the last Buffer is gone.
//   - The C interface carries no buffer sizes; import derives them from the
//     type, length and offset, exactly as the columnar format prescribes,
//     reading the final offset of variable-length layouts and the variadic
//     size buffer of view layouts.
#include "quiver/c/bridge.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quiver/validate.h"

namespace quiver {
namespace {

// Arrow C++ and the IPC reader use the same bound; it keeps a cyclic or
// absurdly deep foreign schema from exhausting the stack.
constexpr int kMaxNestingDepth = 64;

const DataType& StorageOf(const DataType& type) {
  const DataType* t = &type;
  while (t->id() == TypeId::EXTENSION)
    t = static_cast<const ExtensionType&>(*t).storage_type().get();
  return *t;
}

char UnitChar(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::SECOND:
      return 's';
    case TimeUnit::MILLI:
      return 'm';
    case TimeUnit::MICRO:
      return 'u';
    case TimeUnit::NANO:
      return 'n';
  }
  return '?';
}

bool HasValidityBitmap(TypeId id) {
  return id != TypeId::NA && id != TypeId::SPARSE_UNION && id != TypeId::DENSE_UNION &&
         id != TypeId::RUN_END_ENCODED;
}

// Buffers the columnar format defines for a layout, as the C interface counts
// them (binary views: the minimum, i.e. no variadic data buffer, plus the
// trailing variadic sizes buffer).
int CBufferCount(TypeId id) {
  switch (id) {
    case TypeId::NA:
    case TypeId::RUN_END_ENCODED:
      return 0;
    case TypeId::SPARSE_UNION:
    case TypeId::STRUCT:
    case TypeId::FIXED_SIZE_LIST:
      return 1;
    case TypeId::DENSE_UNION:
    case TypeId::LIST:
    case TypeId::LARGE_LIST:
    case TypeId::MAP:
      return 2;
    case TypeId::BINARY:
    case TypeId::STRING:
    case TypeId::LARGE_BINARY:
    case TypeId::LARGE_STRING:
    case TypeId::LIST_VIEW:
    case TypeId::LARGE_LIST_VIEW:
    case TypeId::BINARY_VIEW:
    case TypeId::STRING_VIEW:
      return 3;
    default:
      return 2;  // validity + values (fixed width, dictionary indices)
  }
}

// Child arrays the layout of `storage` has.
int ChildCount(const DataType& storage) {
  switch (storage.id()) {
    case TypeId::LIST:
    case TypeId::LARGE_LIST:
    case TypeId::LIST_VIEW:
    case TypeId::LARGE_LIST_VIEW:
    case TypeId::FIXED_SIZE_LIST:
    case TypeId::MAP:
      return 1;
    case TypeId::STRUCT:
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION:
    case TypeId::RUN_END_ENCODED:
      return storage.num_fields();
    default:
      return 0;
  }
}

// ===========================================================================
// Key-value metadata, in the C interface's binary encoding: int32 count, then
// per pair an int32 length and the key bytes, an int32 length and the value
// bytes, all integers in native byte order.

Result<std::string> EncodeMetadata(const std::vector<std::pair<std::string, std::string>>& pairs) {
  constexpr auto kMax = static_cast<size_t>(std::numeric_limits<int32_t>::max());
  if (pairs.size() > kMax) {
    return Status::Invalid("metadata has ", pairs.size(), " pairs, expected at most ", kMax);
  }
  std::string out;
  auto put_int = [&out](size_t v) {
    const auto n = static_cast<int32_t>(v);
    out.append(reinterpret_cast<const char*>(&n), sizeof(n));
  };
  put_int(pairs.size());
  for (const auto& [key, value] : pairs) {
    if (key.size() > kMax || value.size() > kMax) {
      return Status::Invalid("metadata key or value of ", std::max(key.size(), value.size()),
                             " bytes does not fit the C interface's int32 length");
    }
    put_int(key.size());
    out += key;
    put_int(value.size());
    out += value;
  }
  return out;
}

// The metadata carries no total length, so only what the encoding itself says
// can be checked: counts and lengths must not be negative.
Result<std::vector<std::pair<std::string, std::string>>> DecodeMetadata(const char* metadata) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (metadata == nullptr) return pairs;
  const char* p = metadata;
  auto get_int = [&p]() {
    int32_t v;
    std::memcpy(&v, p, sizeof(v));
    p += sizeof(v);
    return v;
  };
  const int32_t n = get_int();
  if (n < 0) return Status::Invalid("malformed metadata: pair count is ", n, ", expected >= 0");
  pairs.reserve(static_cast<size_t>(std::min<int32_t>(n, 1024)));
  for (int32_t i = 0; i < n; ++i) {
    const int32_t key_len = get_int();
    if (key_len < 0) {
      return Status::Invalid("malformed metadata: key ", i, " has length ", key_len,
                             ", expected >= 0");
    }
    std::string key(p, static_cast<size_t>(key_len));
    p += key_len;
    const int32_t value_len = get_int();
    if (value_len < 0) {
      return Status::Invalid("malformed metadata: value ", i, " (key '", key, "') has length ",
                             value_len, ", expected >= 0");
    }
    std::string value(p, static_cast<size_t>(value_len));
    p += value_len;
    pairs.emplace_back(std::move(key), std::move(value));
  }
  return pairs;
}

// ===========================================================================
// Schema export

struct SchemaExport {
  std::string format, name, metadata;
  bool has_metadata = false;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
  ArrowSchema dictionary{};

  ~SchemaExport() {
    for (ArrowSchema& c : children) {
      if (c.release != nullptr) c.release(&c);
    }
    if (dictionary.release != nullptr) dictionary.release(&dictionary);
  }
};

void ReleaseExportedSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  delete static_cast<SchemaExport*>(schema->private_data);
  schema->private_data = nullptr;
  schema->release = nullptr;
}

// The format string of a non-dictionary storage type.
std::string FormatOf(const DataType& type) {
  switch (type.id()) {
    case TypeId::NA:
      return "n";
    case TypeId::BOOL:
      return "b";
    case TypeId::INT8:
      return "c";
    case TypeId::UINT8:
      return "C";
    case TypeId::INT16:
      return "s";
    case TypeId::UINT16:
      return "S";
    case TypeId::INT32:
      return "i";
    case TypeId::UINT32:
      return "I";
    case TypeId::INT64:
      return "l";
    case TypeId::UINT64:
      return "L";
    case TypeId::HALF_FLOAT:
      return "e";
    case TypeId::FLOAT:
      return "f";
    case TypeId::DOUBLE:
      return "g";
    case TypeId::DECIMAL32:
    case TypeId::DECIMAL64:
    case TypeId::DECIMAL128:
    case TypeId::DECIMAL256: {
      const auto& t = static_cast<const DecimalType&>(type);
      std::string f = "d:" + std::to_string(t.precision()) + "," + std::to_string(t.scale());
      // decimal128 is the one the bit width may be left out for; old consumers know only that form.
      if (type.id() != TypeId::DECIMAL128) f += "," + std::to_string(type.byte_width() * 8);
      return f;
    }
    case TypeId::DATE32:
      return "tdD";
    case TypeId::DATE64:
      return "tdm";
    case TypeId::TIME32:
    case TypeId::TIME64:
      return std::string("tt") + UnitChar(static_cast<const TemporalUnitType&>(type).unit());
    case TypeId::TIMESTAMP: {
      const auto& t = static_cast<const TimestampType&>(type);
      return std::string("ts") + UnitChar(t.unit()) + ":" + t.timezone();
    }
    case TypeId::DURATION:
      return std::string("tD") + UnitChar(static_cast<const TemporalUnitType&>(type).unit());
    case TypeId::INTERVAL_MONTHS:
      return "tiM";
    case TypeId::INTERVAL_DAY_TIME:
      return "tiD";
    case TypeId::INTERVAL_MONTH_DAY_NANO:
      return "tin";
    case TypeId::BINARY:
      return "z";
    case TypeId::STRING:
      return "u";
    case TypeId::LARGE_BINARY:
      return "Z";
    case TypeId::LARGE_STRING:
      return "U";
    case TypeId::BINARY_VIEW:
      return "vz";
    case TypeId::STRING_VIEW:
      return "vu";
    case TypeId::FIXED_SIZE_BINARY:
      return "w:" + std::to_string(static_cast<const FixedSizeBinaryType&>(type).width());
    case TypeId::LIST:
      return "+l";
    case TypeId::LARGE_LIST:
      return "+L";
    case TypeId::LIST_VIEW:
      return "+vl";
    case TypeId::LARGE_LIST_VIEW:
      return "+vL";
    case TypeId::FIXED_SIZE_LIST:
      return "+w:" + std::to_string(static_cast<const FixedSizeListType&>(type).list_size());
    case TypeId::STRUCT:
      return "+s";
    case TypeId::MAP:
      return "+m";
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      const auto& t = static_cast<const UnionType&>(type);
      std::string f = type.id() == TypeId::SPARSE_UNION ? "+us:" : "+ud:";
      for (size_t i = 0; i < t.type_codes().size(); ++i) {
        if (i > 0) f += ",";
        f += std::to_string(int{t.type_codes()[i]});
      }
      return f;
    }
    case TypeId::RUN_END_ENCODED:
      return "+r";
    case TypeId::DICTIONARY:
    case TypeId::EXTENSION:
      break;  // handled by the caller
  }
  return "";
}

Status FillSchema(std::string_view name, const DataType& type, bool nullable,
                  const MetadataPtr& metadata, int depth, ArrowSchema* out);

Status FillSchema(const Field& field, int depth, ArrowSchema* out) {
  if (!field.type()) return Status::Invalid("field '", field.name(), "' has no type");
  return FillSchema(field.name(), *field.type(), field.nullable(), field.metadata(), depth, out);
}

Status FillSchema(std::string_view name, const DataType& type, bool nullable,
                  const MetadataPtr& metadata, int depth, ArrowSchema* out) {
  if (depth > kMaxNestingDepth) {
    return Status::Invalid("type nesting is deeper than ", kMaxNestingDepth, " levels");
  }
  auto priv = std::make_unique<SchemaExport>();
  priv->name = std::string(name);
  int64_t flags = nullable ? ARROW_FLAG_NULLABLE : 0;

  std::vector<std::pair<std::string, std::string>> pairs;
  if (metadata) pairs = metadata->pairs();

  // An extension type travels as its storage type plus two metadata keys.
  const DataType* t = &type;
  if (t->id() == TypeId::EXTENSION) {
    const auto& ext = static_cast<const ExtensionType&>(*t);
    if (!ext.storage_type())
      return Status::Invalid("extension type ", ext.extension_name(), " has no storage type");
    if (ext.storage_type()->id() == TypeId::EXTENSION) {
      return Status::Invalid("extension type ", ext.extension_name(),
                             " has an extension storage type (", ext.storage_type()->ToString(),
                             "), which the C data interface cannot express");
    }
    pairs.emplace_back(std::string(kExtensionNameKey), ext.extension_name());
    pairs.emplace_back(std::string(kExtensionMetadataKey), ext.serialized());
    t = ext.storage_type().get();
  }

  if (t->id() == TypeId::DICTIONARY) {
    // The format is the index type's; the values are described by `dictionary`.
    const auto& dict = static_cast<const DictionaryType&>(*t);
    priv->format = FormatOf(*dict.index_type());
    if (dict.ordered()) flags |= ARROW_FLAG_DICTIONARY_ORDERED;
    QUIVER_RETURN_NOT_OK(
        FillSchema("", *dict.value_type(), true, nullptr, depth + 1, &priv->dictionary)
            .WithContext("dictionary values"));
  } else {
    priv->format = FormatOf(*t);
    if (t->id() == TypeId::MAP && static_cast<const MapType&>(*t).keys_sorted()) {
      flags |= ARROW_FLAG_MAP_KEYS_SORTED;
    }
    priv->children.resize(static_cast<size_t>(t->num_fields()), ArrowSchema{});
    for (int i = 0; i < t->num_fields(); ++i) {
      QUIVER_RETURN_NOT_OK(
          FillSchema(*t->field(i), depth + 1, &priv->children[static_cast<size_t>(i)])
              .WithContext("child " + std::to_string(i) + " ('" + t->field(i)->name() + "')"));
    }
    for (ArrowSchema& c : priv->children) priv->child_pointers.push_back(&c);
  }

  if (!pairs.empty()) {
    QUIVER_ASSIGN_OR_RAISE(priv->metadata, EncodeMetadata(pairs));
    priv->has_metadata = true;
  }

  out->format = priv->format.c_str();
  out->name = priv->name.c_str();
  out->metadata = priv->has_metadata ? priv->metadata.data() : nullptr;
  out->flags = flags;
  out->n_children = static_cast<int64_t>(priv->children.size());
  out->children = priv->child_pointers.empty() ? nullptr : priv->child_pointers.data();
  out->dictionary = priv->dictionary.release != nullptr ? &priv->dictionary : nullptr;
  out->release = &ReleaseExportedSchema;
  out->private_data = priv.release();
  return Status::OK();
}

// ===========================================================================
// Array export

struct ArrayExport {
  ArrayDataPtr data;  // keeps every buffer (and child) of the array alive
  std::vector<const void*> buffers;
  std::vector<int64_t> variadic_sizes;  // binary views: the extra trailing buffer
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
  ArrowArray dictionary{};

  ~ArrayExport() {
    for (ArrowArray& c : children) {
      if (c.release != nullptr) c.release(&c);
    }
    if (dictionary.release != nullptr) dictionary.release(&dictionary);
  }
};

void ReleaseExportedArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  delete static_cast<ArrayExport*>(array->private_data);
  array->private_data = nullptr;
  array->release = nullptr;
}

Status FillArray(const ArrayDataPtr& data, int depth, ArrowArray* out) {
  if (depth > kMaxNestingDepth) {
    return Status::Invalid("array nesting is deeper than ", kMaxNestingDepth, " levels");
  }
  if (!data || !data->type) return Status::Invalid("cannot export an array without data or type");
  const DataType& storage = StorageOf(*data->type);
  const TypeId id = storage.id();

  auto priv = std::make_unique<ArrayExport>();
  priv->data = data;

  // Buffers: Quiver keeps exactly the format's buffers, so they map one to one;
  // binary views append the sizes of their variadic data buffers.
  const auto nbuffers = data->buffers.size();
  if (is_binary_view(id)) {
    if (nbuffers < 2) {
      return Status::Invalid("cannot export ", data->type->ToString(),
                             " array: expected at least 2 buffers but found ", nbuffers);
    }
  } else if (nbuffers != static_cast<size_t>(CBufferCount(id))) {
    return Status::Invalid("cannot export ", data->type->ToString(), " array: expected ",
                           CBufferCount(id), " buffers but found ", nbuffers);
  }
  for (const auto& b : data->buffers) priv->buffers.push_back(b ? b->data() : nullptr);
  if (is_binary_view(id)) {
    for (size_t i = 2; i < nbuffers; ++i) {
      priv->variadic_sizes.push_back(data->buffers[i] ? data->buffers[i]->size() : 0);
    }
    priv->buffers.push_back(priv->variadic_sizes.empty() ? nullptr : priv->variadic_sizes.data());
  }

  const auto nchildren = static_cast<size_t>(ChildCount(storage));
  if (data->child_data.size() != nchildren) {
    return Status::Invalid("cannot export ", data->type->ToString(), " array: expected ", nchildren,
                           " child arrays but found ", data->child_data.size());
  }
  priv->children.resize(nchildren, ArrowArray{});
  for (size_t i = 0; i < nchildren; ++i) {
    QUIVER_RETURN_NOT_OK(FillArray(data->child_data[i], depth + 1, &priv->children[i])
                             .WithContext("child " + std::to_string(i)));
  }
  for (ArrowArray& c : priv->children) priv->child_pointers.push_back(&c);

  if (id == TypeId::DICTIONARY) {
    if (!data->dictionary) {
      return Status::Invalid("cannot export ", data->type->ToString(),
                             " array: it has no dictionary");
    }
    QUIVER_RETURN_NOT_OK(
        FillArray(data->dictionary, depth + 1, &priv->dictionary).WithContext("dictionary"));
  }

  int64_t null_count = data->null_count;
  if (id == TypeId::NA) {
    null_count = data->length;
  } else if (!HasValidityBitmap(id)) {
    // Unions and run-end encoded arrays have no validity bitmap of their own;
    // the format gives them a null count of 0.
    null_count = 0;
  } else if (data->buffers[0] == nullptr) {
    null_count = 0;  // a null bitmap pointer is only allowed with a zero null count
  }

  out->length = data->length;
  out->null_count = null_count;
  out->offset = data->offset;
  out->n_buffers = static_cast<int64_t>(priv->buffers.size());
  out->n_children = static_cast<int64_t>(nchildren);
  out->buffers = priv->buffers.empty() ? nullptr : priv->buffers.data();
  out->children = priv->child_pointers.empty() ? nullptr : priv->child_pointers.data();
  out->dictionary = priv->dictionary.release != nullptr ? &priv->dictionary : nullptr;
  out->release = &ReleaseExportedArray;
  out->private_data = priv.release();
  return Status::OK();
}

// ===========================================================================
// Schema import

// A strict decimal integer in [min, max]: optional '-', at least one digit, nothing else.
Result<int64_t> ParseInt(std::string_view s, int64_t min, int64_t max, std::string_view what,
                         std::string_view format) {
  auto fail = [&]() {
    return Status::Invalid("malformed format string '", format, "': expected ", what,
                           " as an integer in [", min, ", ", max, "] but found '", s, "'");
  };
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  if (i == s.size()) return fail();
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return fail();
    const int digit = s[i] - '0';
    if (v > (std::numeric_limits<int64_t>::max() - digit) / 10) return fail();
    v = v * 10 + digit;
  }
  if (negative) v = -v;
  if (v < min || v > max) return fail();
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

Result<TimeUnit> ParseUnit(char c, std::string_view format) {
  switch (c) {
    case 's':
      return TimeUnit::SECOND;
    case 'm':
      return TimeUnit::MILLI;
    case 'u':
      return TimeUnit::MICRO;
    case 'n':
      return TimeUnit::NANO;
    default:
      return Status::Invalid("malformed format string '", format,
                             "': expected a time unit s, m, u or n but found '", std::string(1, c),
                             "'");
  }
}

Status ExpectChildren(std::string_view format, std::string_view type_name,
                      const FieldVector& children, size_t expected) {
  if (children.size() != expected) {
    return Status::Invalid("format '", format, "' (", type_name, ") expects ", expected, " child",
                           expected == 1 ? "" : "ren", " but found ", children.size());
  }
  return Status::OK();
}

// The type a format string names, given the already imported child fields.
Result<TypePtr> ParseFormat(std::string_view f, const FieldVector& children) {
  // Formats without children.
  TypePtr leaf;
  if (f.size() == 1) {
    switch (f[0]) {
      case 'n':
        leaf = null();
        break;
      case 'b':
        leaf = boolean();
        break;
      case 'c':
        leaf = int8();
        break;
      case 'C':
        leaf = uint8();
        break;
      case 's':
        leaf = int16();
        break;
      case 'S':
        leaf = uint16();
        break;
      case 'i':
        leaf = int32();
        break;
      case 'I':
        leaf = uint32();
        break;
      case 'l':
        leaf = int64();
        break;
      case 'L':
        leaf = uint64();
        break;
      case 'e':
        leaf = float16();
        break;
      case 'f':
        leaf = float32();
        break;
      case 'g':
        leaf = float64();
        break;
      case 'z':
        leaf = binary();
        break;
      case 'Z':
        leaf = large_binary();
        break;
      case 'u':
        leaf = utf8();
        break;
      case 'U':
        leaf = large_utf8();
        break;
      default:
        break;
    }
  } else if (f == "vz") {
    leaf = binary_view();
  } else if (f == "vu") {
    leaf = utf8_view();
  } else if (f.starts_with("d:")) {
    const auto parts = Split(f.substr(2), ',');
    if (parts.size() != 2 && parts.size() != 3) {
      return Status::Invalid("malformed format string '", f,
                             "': expected 'd:precision,scale' or 'd:precision,scale,bitwidth'");
    }
    QUIVER_ASSIGN_OR_RAISE(int64_t precision, ParseInt(parts[0], 1, 76, "a decimal precision", f));
    QUIVER_ASSIGN_OR_RAISE(int64_t scale,
                           ParseInt(parts[1], std::numeric_limits<int32_t>::min(),
                                    std::numeric_limits<int32_t>::max(), "a decimal scale", f));
    int64_t bits = 128;
    if (parts.size() == 3) {
      QUIVER_ASSIGN_OR_RAISE(bits, ParseInt(parts[2], 0, 1024, "a decimal bit width", f));
    }
    TypeId id;
    switch (bits) {
      case 32:
        id = TypeId::DECIMAL32;
        break;
      case 64:
        id = TypeId::DECIMAL64;
        break;
      case 128:
        id = TypeId::DECIMAL128;
        break;
      case 256:
        id = TypeId::DECIMAL256;
        break;
      default:
        return Status::Invalid("malformed format string '", f,
                               "': expected a decimal bit width of 32, 64, 128 or 256 but found ",
                               bits);
    }
    if (precision > DecimalType::MaxPrecision(id)) {
      return Status::Invalid("format string '", f, "': decimal", bits,
                             " precision must be between 1 and ", DecimalType::MaxPrecision(id),
                             " but found ", precision);
    }
    QUIVER_ASSIGN_OR_RAISE(
        leaf, DecimalType::Make(id, static_cast<int32_t>(precision), static_cast<int32_t>(scale)));
  } else if (f.starts_with("w:")) {
    QUIVER_ASSIGN_OR_RAISE(
        int64_t width,
        ParseInt(f.substr(2), 0, std::numeric_limits<int32_t>::max(), "a byte width", f));
    leaf = fixed_size_binary(static_cast<int32_t>(width));
  } else if (f.size() >= 3 && f[0] == 't') {
    const std::string_view head = f.substr(0, 2);
    if (f.size() == 3 && head == "td" && (f[2] == 'D' || f[2] == 'm')) {
      leaf = f[2] == 'D' ? date32() : date64();
    } else if (f.size() == 3 && head == "tt") {
      QUIVER_ASSIGN_OR_RAISE(TimeUnit unit, ParseUnit(f[2], f));
      leaf = (unit == TimeUnit::SECOND || unit == TimeUnit::MILLI) ? time32(unit) : time64(unit);
    } else if (f.size() == 3 && head == "tD") {
      QUIVER_ASSIGN_OR_RAISE(TimeUnit unit, ParseUnit(f[2], f));
      leaf = duration(unit);
    } else if (f == "tiM") {
      leaf = month_interval();
    } else if (f == "tiD") {
      leaf = day_time_interval();
    } else if (f == "tin") {
      leaf = month_day_nano_interval();
    } else if (head == "ts") {
      QUIVER_ASSIGN_OR_RAISE(TimeUnit unit, ParseUnit(f[2], f));
      if (f.size() < 4 || f[3] != ':') {
        return Status::Invalid(
            "malformed format string '", f,
            "': expected ':' and a (possibly empty) time zone after the timestamp unit");
      }
      leaf = timestamp(unit, std::string(f.substr(4)));
    }
  }
  if (leaf) {
    QUIVER_RETURN_NOT_OK(ExpectChildren(f, leaf->ToString(), children, 0));
    return leaf;
  }

  // Nested formats.
  if (f == "+l" || f == "+L" || f == "+vl" || f == "+vL") {
    QUIVER_RETURN_NOT_OK(ExpectChildren(f, "list", children, 1));
    if (f == "+l") return list(children[0]);
    if (f == "+L") return large_list(children[0]);
    if (f == "+vl") return list_view(children[0]);
    return large_list_view(children[0]);
  }
  if (f.starts_with("+w:")) {
    QUIVER_ASSIGN_OR_RAISE(
        int64_t size,
        ParseInt(f.substr(3), 0, std::numeric_limits<int32_t>::max(), "a list size", f));
    QUIVER_RETURN_NOT_OK(ExpectChildren(f, "fixed_size_list", children, 1));
    return fixed_size_list(children[0], static_cast<int32_t>(size));
  }
  if (f == "+s") return struct_(children);
  if (f == "+m") {
    QUIVER_RETURN_NOT_OK(ExpectChildren(f, "map", children, 1));
    const FieldPtr& entries = children[0];
    if (entries->type()->id() != TypeId::STRUCT || entries->type()->num_fields() != 2) {
      return Status::Invalid(
          "format '+m' (map) expects a struct child of 2 fields (key, value) but found ",
          entries->type()->ToString());
    }
    if (entries->type()->field(0)->nullable()) {
      return Status::Invalid("format '+m' (map): the key field '",
                             entries->type()->field(0)->name(),
                             "' is flagged nullable, expected a non-nullable key");
    }
    // The entries of a map are never null; a producer's nullable flag on them carries no meaning.
    QUIVER_ASSIGN_OR_RAISE(TypePtr map_type, MapType::Make(entries->WithNullable(false), false));
    return map_type;
  }
  if (f.starts_with("+us:") || f.starts_with("+ud:")) {
    const UnionMode mode = f[2] == 's' ? UnionMode::SPARSE : UnionMode::DENSE;
    std::vector<int8_t> codes;
    const std::string_view list = f.substr(4);
    if (!list.empty()) {
      for (std::string_view part : Split(list, ',')) {
        QUIVER_ASSIGN_OR_RAISE(int64_t code,
                               ParseInt(part, 0, UnionType::kMaxTypeCode, "a union type id", f));
        codes.push_back(static_cast<int8_t>(code));
      }
    }
    if (codes.size() != children.size()) {
      return Status::Invalid("format '", f, "' lists ", codes.size(),
                             " type ids, expected one per child (", children.size(), ")");
    }
    std::vector<bool> seen(UnionType::kMaxTypeCode + 1, false);
    for (int8_t code : codes) {
      if (seen[static_cast<size_t>(code)]) {
        return Status::Invalid("format '", f, "' lists type id ", int{code}, " more than once");
      }
      seen[static_cast<size_t>(code)] = true;
    }
    QUIVER_ASSIGN_OR_RAISE(TypePtr union_type, UnionType::Make(mode, children, std::move(codes)));
    return union_type;
  }
  if (f == "+r") {
    QUIVER_RETURN_NOT_OK(ExpectChildren(f, "run_end_encoded", children, 2));
    const TypeId run_end_id = children[0]->type()->id();
    if (run_end_id != TypeId::INT16 && run_end_id != TypeId::INT32 && run_end_id != TypeId::INT64) {
      return Status::Invalid(
          "format '+r' (run_end_encoded) expects run ends of int16, int32 or int64 but found ",
          children[0]->type()->ToString());
    }
    QUIVER_ASSIGN_OR_RAISE(TypePtr ree,
                           RunEndEncodedType::Make(children[0]->type(), children[1]->type()));
    return ree;
  }
  return Status::Invalid("unknown or malformed format string '", f, "'");
}

Status CheckSchemaLive(const ArrowSchema* s) {
  if (s == nullptr) return Status::Invalid("ArrowSchema pointer is null");
  if (s->release == nullptr) return Status::Invalid("ArrowSchema is released, expected a live one");
  return Status::OK();
}

Status CheckSchemaStruct(const ArrowSchema* s) {
  QUIVER_RETURN_NOT_OK(CheckSchemaLive(s));
  if (s->format == nullptr)
    return Status::Invalid("ArrowSchema format is null, expected a format string");
  if (s->n_children < 0) {
    return Status::Invalid("ArrowSchema n_children is ", s->n_children, ", expected >= 0");
  }
  if (s->n_children > 0 && s->children == nullptr) {
    return Status::Invalid("ArrowSchema children is null but n_children is ", s->n_children);
  }
  return Status::OK();
}

Result<FieldPtr> ImportFieldNode(const ArrowSchema& s, int depth) {
  if (depth > kMaxNestingDepth) {
    return Status::Invalid("schema nesting is deeper than ", kMaxNestingDepth, " levels");
  }
  QUIVER_RETURN_NOT_OK(CheckSchemaStruct(&s));
  const std::string_view format(s.format);
  const std::string name = s.name != nullptr ? std::string(s.name) : std::string();

  FieldVector children;
  children.reserve(static_cast<size_t>(std::min<int64_t>(s.n_children, 1024)));
  for (int64_t i = 0; i < s.n_children; ++i) {
    const ArrowSchema* child = s.children[i];
    auto context = [&]() {
      std::string c = "child " + std::to_string(i);
      if (child != nullptr && child->release != nullptr && child->name != nullptr)
        c += " ('" + std::string(child->name) + "')";
      return c + " of '" + std::string(format) + "'";
    };
    if (child == nullptr) return Status::Invalid(context(), ": ArrowSchema pointer is null");
    auto imported = ImportFieldNode(*child, depth + 1);
    if (!imported.ok()) return imported.status().WithContext(context());
    children.push_back(imported.MoveValueUnsafe());
  }

  QUIVER_ASSIGN_OR_RAISE(auto pairs, DecodeMetadata(s.metadata));

  TypePtr type;
  if (s.dictionary != nullptr) {
    // The format names the index type; the dictionary describes the values.
    auto index = ParseFormat(format, children);
    if (!index.ok()) return index.status();
    TypePtr index_type = index.MoveValueUnsafe();
    if (!is_integer(index_type->id())) {
      return Status::Invalid("dictionary-encoded field '", name, "' has index type ",
                             index_type->ToString(), " (format '", format,
                             "'), expected an integer type");
    }
    auto values = ImportFieldNode(*s.dictionary, depth + 1);
    if (!values.ok()) return values.status().WithContext("dictionary of '" + name + "'");
    QUIVER_ASSIGN_OR_RAISE(type,
                           DictionaryType::Make(std::move(index_type), (*values)->type(),
                                                (s.flags & ARROW_FLAG_DICTIONARY_ORDERED) != 0));
  } else {
    QUIVER_ASSIGN_OR_RAISE(type, ParseFormat(format, children));
    if (type->id() == TypeId::MAP && (s.flags & ARROW_FLAG_MAP_KEYS_SORTED) != 0) {
      QUIVER_ASSIGN_OR_RAISE(type, MapType::Make(type->field(0), true));
    }
  }

  // ARROW:extension:name turns the storage type into an extension type; the
  // two extension keys then leave the field's own metadata. Without a name,
  // ARROW:extension:metadata is an ordinary key.
  std::vector<std::pair<std::string, std::string>> rest;
  int64_t name_index = -1, serialized_index = -1;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (name_index < 0 && pairs[i].first == kExtensionNameKey) name_index = static_cast<int64_t>(i);
    if (serialized_index < 0 && pairs[i].first == kExtensionMetadataKey)
      serialized_index = static_cast<int64_t>(i);
  }
  if (name_index >= 0) {
    std::string serialized =
        serialized_index >= 0 ? pairs[static_cast<size_t>(serialized_index)].second : std::string();
    type = extension(pairs[static_cast<size_t>(name_index)].second, std::move(type),
                     std::move(serialized));
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (static_cast<int64_t>(i) != name_index && static_cast<int64_t>(i) != serialized_index) {
        rest.push_back(std::move(pairs[i]));
      }
    }
  } else {
    rest = std::move(pairs);
  }
  MetadataPtr metadata = rest.empty() ? nullptr : key_value_metadata(std::move(rest));
  return field(name, std::move(type), (s.flags & ARROW_FLAG_NULLABLE) != 0, std::move(metadata));
}

Result<FieldPtr> ImportFieldTakingOwnership(ArrowSchema* schema) {
  QUIVER_RETURN_NOT_OK(CheckSchemaLive(schema));
  UniqueArrowSchema owned(schema);  // released when this returns, whatever happens
  return ImportFieldNode(*owned.get(), 0);
}

// ===========================================================================
// Array import

// The base ArrowArray of an import. Every Buffer wrapping its memory holds a
// reference; the producer's release runs when the last one goes.
struct ImportedArray {
  ArrowArray c{};
  ImportedArray() = default;
  ImportedArray(const ImportedArray&) = delete;
  ImportedArray& operator=(const ImportedArray&) = delete;
  ~ImportedArray() {
    if (c.release != nullptr) c.release(&c);
  }
};

// Zero bytes that stand in for a buffer of size 0 the producer passed as null.
alignas(64) const uint8_t kZeros[64] = {};

bool MulOverflows(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }
bool AddOverflows(int64_t a, int64_t b, int64_t* out) { return __builtin_add_overflow(a, b, out); }

class ArrayImporter {
 public:
  explicit ArrayImporter(std::shared_ptr<ImportedArray> owner) : owner_(std::move(owner)) {}

  Result<ArrayDataPtr> Import(const ArrowArray& c, const TypePtr& type, int depth) {
    if (depth > kMaxNestingDepth) {
      return Status::Invalid("array nesting is deeper than ", kMaxNestingDepth, " levels");
    }
    const DataType& storage = StorageOf(*type);
    const TypeId id = storage.id();
    const std::string what = type->ToString() + " array";

    if (c.release == nullptr)
      return Status::Invalid(what, ": ArrowArray is released, expected a live one");
    if (c.length < 0) return Status::Invalid(what, ": length is ", c.length, ", expected >= 0");
    if (c.offset < 0) return Status::Invalid(what, ": offset is ", c.offset, ", expected >= 0");
    if (c.null_count < -1 || c.null_count > c.length) {
      return Status::Invalid(what, ": null_count is ", c.null_count, ", expected -1 or within [0, ",
                             c.length, "]");
    }
    int64_t end;
    if (AddOverflows(c.offset, c.length, &end)) {
      return Status::Invalid(what, ": offset ", c.offset, " + length ", c.length,
                             " overflows int64");
    }
    if (c.n_buffers < 0)
      return Status::Invalid(what, ": n_buffers is ", c.n_buffers, ", expected >= 0");
    if (c.n_children < 0)
      return Status::Invalid(what, ": n_children is ", c.n_children, ", expected >= 0");

    const int min_buffers = CBufferCount(id);
    if (is_binary_view(id) ? c.n_buffers < min_buffers : c.n_buffers != min_buffers) {
      return Status::Invalid(what, ": expected ", is_binary_view(id) ? "at least " : "",
                             min_buffers, " buffers but found n_buffers = ", c.n_buffers);
    }
    if (c.n_buffers > 0 && c.buffers == nullptr) {
      return Status::Invalid(what, ": buffers is null but n_buffers is ", c.n_buffers);
    }
    const int nchildren = ChildCount(storage);
    if (c.n_children != nchildren) {
      return Status::Invalid(what, ": expected ", nchildren,
                             " children but found n_children = ", c.n_children);
    }
    if (c.n_children > 0 && c.children == nullptr) {
      return Status::Invalid(what, ": children is null but n_children is ", c.n_children);
    }
    if (id == TypeId::DICTIONARY && c.dictionary == nullptr) {
      return Status::Invalid(what, ": expected a dictionary but ArrowArray dictionary is null");
    }
    if (id != TypeId::DICTIONARY && c.dictionary != nullptr) {
      return Status::Invalid(what,
                             ": ArrowArray dictionary is set, expected null for a type that is not "
                             "dictionary-encoded");
    }

    auto data = std::make_shared<ArrayData>();
    data->type = type;
    data->length = c.length;
    data->offset = c.offset;

    // Buffers.
    std::vector<std::shared_ptr<Buffer>>& bufs = data->buffers;
    if (HasValidityBitmap(id)) {
      if (c.buffers[0] == nullptr) {
        if (c.null_count > 0) {
          return Status::Invalid(what, ": null_count is ", c.null_count,
                                 " but the validity buffer is null");
        }
        bufs.push_back(nullptr);
      } else {
        QUIVER_ASSIGN_OR_RAISE(auto validity,
                               Wrap(c, 0, bit_util::BytesForBits(end), 1, what, "validity"));
        bufs.push_back(std::move(validity));
      }
    }
    switch (id) {
      case TypeId::NA:
      case TypeId::STRUCT:
      case TypeId::FIXED_SIZE_LIST:
      case TypeId::RUN_END_ENCODED:
        break;
      case TypeId::BOOL: {
        QUIVER_ASSIGN_OR_RAISE(auto values,
                               Wrap(c, 1, bit_util::BytesForBits(end), 1, what, "values"));
        bufs.push_back(std::move(values));
        break;
      }
      case TypeId::BINARY:
      case TypeId::STRING:
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING: {
        const int width = (id == TypeId::LARGE_BINARY || id == TypeId::LARGE_STRING) ? 8 : 4;
        QUIVER_ASSIGN_OR_RAISE(auto offsets, WrapOffsets(c, 1, end, width, what));
        // The data buffer extends to the last offset.
        const int64_t data_size = LastOffset(*offsets, end, width);
        if (data_size < 0) {
          return Status::Invalid(what, ": offset at index ", end, " is ", data_size,
                                 ", expected >= 0");
        }
        QUIVER_ASSIGN_OR_RAISE(auto values, Wrap(c, 2, data_size, 1, what, "data"));
        bufs.push_back(std::move(offsets));
        bufs.push_back(std::move(values));
        break;
      }
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW: {
        int64_t views_size;
        if (MulOverflows(end, 16, &views_size)) return Overflow(what, end, 16);
        QUIVER_ASSIGN_OR_RAISE(auto views,
                               Wrap(c, 1, views_size, alignof(BinaryViewHeader), what, "views"));
        bufs.push_back(std::move(views));
        const int64_t num_data = c.n_buffers - 3;
        const int64_t sizes_index = c.n_buffers - 1;
        int64_t sizes_bytes;
        if (MulOverflows(num_data, 8, &sizes_bytes)) return Overflow(what, num_data, 8);
        QUIVER_ASSIGN_OR_RAISE(auto sizes, Wrap(c, sizes_index, sizes_bytes, alignof(int64_t), what,
                                                "variadic buffer sizes"));
        for (int64_t k = 0; k < num_data; ++k) {
          int64_t size;
          std::memcpy(&size, sizes->data() + k * 8, sizeof(size));
          if (size < 0) {
            return Status::Invalid(what, ": variadic data buffer ", k, " has size ", size,
                                   ", expected >= 0");
          }
          QUIVER_ASSIGN_OR_RAISE(auto buf, Wrap(c, 2 + k, size, 1, what, "variadic data"));
          bufs.push_back(std::move(buf));
        }
        break;
      }
      case TypeId::LIST:
      case TypeId::LARGE_LIST:
      case TypeId::MAP: {
        QUIVER_ASSIGN_OR_RAISE(auto offsets,
                               WrapOffsets(c, 1, end, id == TypeId::LARGE_LIST ? 8 : 4, what));
        bufs.push_back(std::move(offsets));
        break;
      }
      case TypeId::LIST_VIEW:
      case TypeId::LARGE_LIST_VIEW: {
        const int width = id == TypeId::LARGE_LIST_VIEW ? 8 : 4;
        int64_t size;
        if (MulOverflows(end, width, &size)) return Overflow(what, end, width);
        QUIVER_ASSIGN_OR_RAISE(auto offsets, Wrap(c, 1, size, width, what, "offsets"));
        QUIVER_ASSIGN_OR_RAISE(auto sizes, Wrap(c, 2, size, width, what, "sizes"));
        bufs.push_back(std::move(offsets));
        bufs.push_back(std::move(sizes));
        break;
      }
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION: {
        QUIVER_ASSIGN_OR_RAISE(auto type_ids, Wrap(c, 0, end, 1, what, "type ids"));
        bufs.push_back(std::move(type_ids));
        if (id == TypeId::DENSE_UNION) {
          int64_t size;
          if (MulOverflows(end, 4, &size)) return Overflow(what, end, 4);
          QUIVER_ASSIGN_OR_RAISE(auto offsets, Wrap(c, 1, size, 4, what, "offsets"));
          bufs.push_back(std::move(offsets));
        }
        break;
      }
      case TypeId::DICTIONARY: {
        const auto& index_type = *static_cast<const DictionaryType&>(storage).index_type();
        QUIVER_ASSIGN_OR_RAISE(auto indices, WrapFixed(c, 1, end, index_type, what));
        bufs.push_back(std::move(indices));
        break;
      }
      default: {  // fixed width: numbers, temporal, intervals, decimals, fixed_size_binary
        QUIVER_ASSIGN_OR_RAISE(auto values, WrapFixed(c, 1, end, storage, what));
        bufs.push_back(std::move(values));
        break;
      }
    }

    // Children.
    for (int i = 0; i < nchildren; ++i) {
      const ArrowArray* child = c.children[i];
      const std::string context = what + ", child " + std::to_string(i);
      if (child == nullptr) return Status::Invalid(context, ": ArrowArray pointer is null");
      auto imported = Import(*child, storage.field(i)->type(), depth + 1);
      if (!imported.ok()) return imported.status().WithContext(context);
      data->child_data.push_back(imported.MoveValueUnsafe());
    }
    if (id == TypeId::DICTIONARY) {
      const auto& value_type = static_cast<const DictionaryType&>(storage).value_type();
      auto imported = Import(*c.dictionary, value_type, depth + 1);
      if (!imported.ok()) return imported.status().WithContext(what + ", dictionary");
      data->dictionary = imported.MoveValueUnsafe();
    }

    // Null count. A null type's elements are all null; unions and run-end
    // encoded arrays count the nulls of their children, which Quiver works out
    // lazily; a missing validity bitmap means no nulls.
    if (id == TypeId::NA) {
      data->null_count = c.length;
    } else if (!HasValidityBitmap(id)) {
      data->null_count = kUnknownNullCount;
    } else if (bufs[0] == nullptr) {
      data->null_count = 0;
    } else {
      data->null_count = c.null_count < 0 ? kUnknownNullCount : c.null_count;
    }
    return data;
  }

 private:
  static Status Overflow(const std::string& what, int64_t count, int64_t width) {
    return Status::Invalid(what, ": buffer size ", count, " * ", width, " overflows int64");
  }

  // A buffer of `size` bytes at c.buffers[index], sharing ownership of the import.
  Result<std::shared_ptr<Buffer>> Wrap(const ArrowArray& c, int64_t index, int64_t size,
                                       size_t alignment, const std::string& what,
                                       const char* name) {
    const void* ptr = c.buffers[index];
    if (ptr == nullptr) {
      if (size != 0) {
        return Status::Invalid(what, ": buffer ", index, " (", name, ") is null but ", size,
                               " bytes are expected");
      }
      return std::make_shared<Buffer>(kZeros, 0);
    }
    // Quiver reads values in place, so they must be naturally aligned; an empty
    // buffer is never read.
    if (size > 0 && reinterpret_cast<uintptr_t>(ptr) % alignment != 0) {
      return Status::Invalid(what, ": buffer ", index, " (", name, ") at address ", ptr,
                             " is not aligned to ", alignment, " bytes");
    }
    return Buffer::WrapForeign(static_cast<const uint8_t*>(ptr), size,
                               [owner = owner_]() mutable { owner.reset(); });
  }

  Result<std::shared_ptr<Buffer>> WrapFixed(const ArrowArray& c, int64_t index, int64_t end,
                                            const DataType& type, const std::string& what) {
    const int64_t width = type.byte_width();
    int64_t size;
    if (MulOverflows(end, width, &size)) return Overflow(what, end, width);
    size_t alignment = static_cast<size_t>(std::min<int64_t>(width, 8));
    if (type.id() == TypeId::FIXED_SIZE_BINARY) alignment = 1;
    if (type.id() == TypeId::INTERVAL_DAY_TIME) alignment = alignof(DayTimeInterval);
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) alignment = 1;
    return Wrap(c, index, size, alignment, what, "values");
  }

  // Offsets of `end` elements (end + 1 entries). A zero-length array may leave
  // them out (a null pointer), which reads as all zeros.
  Result<std::shared_ptr<Buffer>> WrapOffsets(const ArrowArray& c, int64_t index, int64_t end,
                                              int width, const std::string& what) {
    int64_t size;
    if (MulOverflows(end + 1, width, &size)) return Overflow(what, end + 1, width);
    if (c.buffers[index] == nullptr && c.length == 0) {
      if (size <= static_cast<int64_t>(sizeof(kZeros)))
        return std::make_shared<Buffer>(kZeros, size);
      return AllocateZeroedBuffer(size);
    }
    return Wrap(c, index, size, static_cast<size_t>(width), what, "offsets");
  }

  static int64_t LastOffset(const Buffer& offsets, int64_t end, int width) {
    if (width == 4) {
      int32_t v;
      std::memcpy(&v, offsets.data() + end * 4, sizeof(v));
      return v;
    }
    int64_t v;
    std::memcpy(&v, offsets.data() + end * 8, sizeof(v));
    return v;
  }

  std::shared_ptr<ImportedArray> owner_;
};

Result<ArrayDataPtr> ImportArrayData(ArrowArray* array, const TypePtr& type) {
  if (array == nullptr) return Status::Invalid("ArrowArray pointer is null");
  if (array->release == nullptr)
    return Status::Invalid("ArrowArray is released, expected a live one");
  // Take the struct over first, so that every path out releases it exactly once.
  auto owner = std::make_shared<ImportedArray>();
  owner->c = *array;
  array->release = nullptr;
  if (!type) return Status::Invalid("cannot import an array without a type");
  ArrayImporter importer(owner);
  QUIVER_ASSIGN_OR_RAISE(ArrayDataPtr data, importer.Import(owner->c, type, 0));
  QUIVER_RETURN_NOT_OK(
      ValidateArrayData(*data, /*full=*/false).WithContext("imported array failed validation"));
  return data;
}

// ===========================================================================
// Record batches

Result<RecordBatchPtr> BatchFromStructData(const ArrayDataPtr& data, SchemaPtr schema) {
  if (data->buffers[0] != nullptr && data->GetNullCount() > 0) {
    return Status::Invalid(
        "a record batch cannot have top-level nulls but the imported struct array has ",
        data->GetNullCount());
  }
  ArrayVector columns;
  columns.reserve(data->child_data.size());
  for (const auto& child : data->child_data) {
    // The struct's offset and length apply to its children.
    if (data->offset == 0 && child->length == data->length) {
      columns.push_back(MakeArray(child));
    } else {
      columns.push_back(MakeArray(child->Slice(data->offset, data->length)));
    }
  }
  return RecordBatch::Make(std::move(schema), data->length, std::move(columns));
}

// ===========================================================================
// C Stream Interface: export

int ErrnoFromStatus(const Status& st) {
  switch (st.code()) {
    case StatusCode::OK:
      return 0;
    case StatusCode::OutOfMemory:
      return ENOMEM;
    case StatusCode::NotImplemented:
      return ENOSYS;
    case StatusCode::Cancelled:
      return ECANCELED;
    case StatusCode::Invalid:
    case StatusCode::TypeError:
    case StatusCode::KeyError:
    case StatusCode::IndexError:
    case StatusCode::CapacityError:
      return EINVAL;
    default:
      return EIO;
  }
}

struct StreamExport {
  std::shared_ptr<RecordBatchReader> reader;
  std::string last_error;
};

StreamExport* StreamOf(ArrowArrayStream* stream) {
  return stream == nullptr || stream->release == nullptr
             ? nullptr
             : static_cast<StreamExport*>(stream->private_data);
}

// Runs `body` for a stream callback: records a failure as the last error and
// turns it into an errno value. No exception may cross the C boundary.
template <typename Body>
int RunStreamCallback(ArrowArrayStream* stream, Body&& body) {
  StreamExport* priv = StreamOf(stream);
  if (priv == nullptr) return EINVAL;
  priv->last_error.clear();
  Status st;
  try {
    st = body(*priv);
  } catch (const std::bad_alloc&) {
    st = Status::OutOfMemory("out of memory in the exported stream");
  } catch (const std::exception& e) {
    st = Status::IOError("exception in the exported stream: ", e.what());
  } catch (...) {
    st = Status::IOError("unknown exception in the exported stream");
  }
  if (st.ok()) return 0;
  priv->last_error = st.ToString();
  return ErrnoFromStatus(st);
}

int StreamGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  return RunStreamCallback(stream, [out](StreamExport& priv) -> Status {
    if (out == nullptr)
      return Status::Invalid("get_schema: the output ArrowSchema pointer is null");
    SchemaPtr schema = priv.reader->schema();
    if (!schema) return Status::Invalid("the record batch reader has no schema");
    return ExportSchema(*schema, out);
  });
}

int StreamGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  return RunStreamCallback(stream, [out](StreamExport& priv) -> Status {
    if (out == nullptr) return Status::Invalid("get_next: the output ArrowArray pointer is null");
    RecordBatchPtr batch;
    QUIVER_RETURN_NOT_OK(priv.reader->ReadNext(&batch));
    if (!batch) {
      *out = ArrowArray{};  // released: the end of the stream
      return Status::OK();
    }
    SchemaPtr schema = priv.reader->schema();
    if (schema && !batch->schema()->Equals(*schema)) {
      return Status::Invalid("record batch schema differs from the stream's: expected\n",
                             schema->ToString(false), "\nbut found\n",
                             batch->schema()->ToString(false));
    }
    return ExportRecordBatch(*batch, out);
  });
}

const char* StreamGetLastError(ArrowArrayStream* stream) {
  StreamExport* priv = StreamOf(stream);
  if (priv == nullptr || priv->last_error.empty()) return nullptr;
  return priv->last_error.c_str();
}

void StreamRelease(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) return;
  delete static_cast<StreamExport*>(stream->private_data);
  stream->private_data = nullptr;
  stream->release = nullptr;
}

// ===========================================================================
// C Stream Interface: import

std::string ErrnoName(int code) {
  switch (code) {
    case EINVAL:
      return "EINVAL";
    case ENOMEM:
      return "ENOMEM";
    case EIO:
      return "EIO";
    case ENOSYS:
      return "ENOSYS";
    case ECANCELED:
      return "ECANCELED";
    default:
      return "error code " + std::to_string(code);
  }
}

class ImportedStreamReader final : public RecordBatchReader {
 public:
  explicit ImportedStreamReader(ArrowArrayStream* stream) : stream_(stream) {}

  Status Init() {
    UniqueArrowSchema c_schema;
    const int rc = stream_->get_schema(stream_.get(), c_schema.get());
    if (rc != 0) return ErrorFrom(rc, "get_schema");
    QUIVER_ASSIGN_OR_RAISE(schema_, ImportSchema(c_schema.get()));
    return Status::OK();
  }

  SchemaPtr schema() const override { return schema_; }

  Status ReadNext(RecordBatchPtr* batch) override {
    *batch = nullptr;
    if (stream_.is_released()) return Status::OK();  // ended or closed
    UniqueArrowArray c_array;
    const int rc = stream_->get_next(stream_.get(), c_array.get());
    if (rc != 0) return ErrorFrom(rc, "get_next");
    if (c_array.is_released()) {
      stream_.reset();  // the end: let the producer go now
      return Status::OK();
    }
    QUIVER_ASSIGN_OR_RAISE(*batch, ImportRecordBatch(c_array.get(), schema_));
    return Status::OK();
  }

  Status Close() override {
    stream_.reset();
    return Status::OK();
  }

 private:
  Status ErrorFrom(int rc, const char* callback) {
    const char* message =
        stream_->get_last_error != nullptr ? stream_->get_last_error(stream_.get()) : nullptr;
    std::string text =
        "ArrowArrayStream " + std::string(callback) + " failed with " + ErrnoName(rc);
    if (message != nullptr) text += std::string(": ") + message;
    switch (rc) {
      case EINVAL:
        return Status::Invalid(text);
      case ENOMEM:
        return Status::OutOfMemory(text);
      case ENOSYS:
        return Status::NotImplemented(text);
      case ECANCELED:
        return Status::Cancelled(text);
      default:
        return Status::IOError(text);
    }
  }

  UniqueArrowArrayStream stream_;
  SchemaPtr schema_;
};

}  // namespace

// ===========================================================================
// Public functions

Status ExportType(const DataType& type, ArrowSchema* out) {
  if (out == nullptr) return Status::Invalid("output ArrowSchema pointer is null");
  return FillSchema("", type, true, nullptr, 0, out);
}

Status ExportField(const Field& field, ArrowSchema* out) {
  if (out == nullptr) return Status::Invalid("output ArrowSchema pointer is null");
  return FillSchema(field, 0, out);
}

Status ExportSchema(const Schema& schema, ArrowSchema* out) {
  if (out == nullptr) return Status::Invalid("output ArrowSchema pointer is null");
  const StructType as_struct(schema.fields());
  return FillSchema("", as_struct, false, schema.metadata(), 0, out);
}

Status ExportArray(const Array& array, ArrowArray* out, ArrowSchema* out_schema) {
  if (out == nullptr) return Status::Invalid("output ArrowArray pointer is null");
  UniqueArrowSchema c_schema;
  if (out_schema != nullptr) QUIVER_RETURN_NOT_OK(ExportType(*array.type(), c_schema.get()));
  QUIVER_RETURN_NOT_OK(FillArray(array.data(), 0, out));
  if (out_schema != nullptr) c_schema.MoveTo(out_schema);
  return Status::OK();
}

Status ExportRecordBatch(const RecordBatch& batch, ArrowArray* out, ArrowSchema* out_schema) {
  if (out == nullptr) return Status::Invalid("output ArrowArray pointer is null");
  UniqueArrowSchema c_schema;
  if (out_schema != nullptr) QUIVER_RETURN_NOT_OK(ExportSchema(*batch.schema(), c_schema.get()));
  std::vector<ArrayDataPtr> columns;
  columns.reserve(batch.columns().size());
  for (const auto& column : batch.columns()) columns.push_back(column->data());
  auto data = ArrayData::Make(struct_(batch.schema()->fields()), batch.num_rows(), {nullptr},
                              std::move(columns),
                              /*null_count=*/0);
  QUIVER_RETURN_NOT_OK(FillArray(data, 0, out));
  if (out_schema != nullptr) c_schema.MoveTo(out_schema);
  return Status::OK();
}

Result<TypePtr> ImportType(ArrowSchema* schema) {
  QUIVER_ASSIGN_OR_RAISE(FieldPtr f, ImportFieldTakingOwnership(schema));
  return f->type();
}

Result<FieldPtr> ImportField(ArrowSchema* schema) { return ImportFieldTakingOwnership(schema); }

Result<SchemaPtr> ImportSchema(ArrowSchema* schema) {
  QUIVER_RETURN_NOT_OK(CheckSchemaLive(schema));
  UniqueArrowSchema owned(schema);  // released when this returns, whatever happens
  QUIVER_RETURN_NOT_OK(CheckSchemaStruct(owned.get()));
  if (std::string_view(owned->format) != "+s") {
    return Status::Invalid("a schema must be exported as a struct (format '+s') but found format '",
                           owned->format, "'");
  }
  QUIVER_ASSIGN_OR_RAISE(FieldPtr f, ImportFieldNode(*owned.get(), 0));
  if (f->type()->id() != TypeId::STRUCT) {
    return Status::Invalid("a schema must be a plain struct but found ", f->type()->ToString());
  }
  return std::make_shared<const Schema>(f->type()->fields(), f->metadata());
}

Result<ArrayPtr> ImportArray(ArrowArray* array, ArrowSchema* schema) {
  // The schema is consumed first; if it is bad the array must still be released.
  auto type = ImportType(schema);
  if (!type.ok()) {
    if (array != nullptr && array->release != nullptr) {
      UniqueArrowArray discard(array);
    }
    return type.status();
  }
  return ImportArray(array, type.MoveValueUnsafe());
}

Result<ArrayPtr> ImportArray(ArrowArray* array, TypePtr type) {
  QUIVER_ASSIGN_OR_RAISE(ArrayDataPtr data, ImportArrayData(array, type));
  return MakeArray(std::move(data));
}

Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, ArrowSchema* schema) {
  auto imported = ImportSchema(schema);
  if (!imported.ok()) {
    if (array != nullptr && array->release != nullptr) {
      UniqueArrowArray discard(array);
    }
    return imported.status();
  }
  return ImportRecordBatch(array, imported.MoveValueUnsafe());
}

Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, SchemaPtr schema) {
  if (!schema) {
    if (array != nullptr && array->release != nullptr) {
      UniqueArrowArray discard(array);
    }
    return Status::Invalid("cannot import a record batch without a schema");
  }
  QUIVER_ASSIGN_OR_RAISE(ArrayDataPtr data, ImportArrayData(array, struct_(schema->fields())));
  return BatchFromStructData(data, std::move(schema));
}

Status ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader, ArrowArrayStream* out) {
  if (out == nullptr) return Status::Invalid("output ArrowArrayStream pointer is null");
  if (!reader) return Status::Invalid("cannot export a null record batch reader");
  auto priv = std::make_unique<StreamExport>();
  priv->reader = std::move(reader);
  out->get_schema = &StreamGetSchema;
  out->get_next = &StreamGetNext;
  out->get_last_error = &StreamGetLastError;
  out->release = &StreamRelease;
  out->private_data = priv.release();
  return Status::OK();
}

Result<std::shared_ptr<RecordBatchReader>> ImportRecordBatchReader(ArrowArrayStream* stream) {
  if (stream == nullptr) return Status::Invalid("ArrowArrayStream pointer is null");
  if (stream->release == nullptr)
    return Status::Invalid("ArrowArrayStream is released, expected a live one");
  if (stream->get_schema == nullptr || stream->get_next == nullptr) {
    UniqueArrowArrayStream discard(stream);
    return Status::Invalid("ArrowArrayStream is missing its get_schema or get_next callback");
  }
  auto reader = std::make_shared<ImportedStreamReader>(stream);
  QUIVER_RETURN_NOT_OK(reader->Init().WithContext("while importing an ArrowArrayStream"));
  return std::shared_ptr<RecordBatchReader>(std::move(reader));
}

}  // namespace quiver
