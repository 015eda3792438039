// Integration JSON -> Schema + ArrayData.
//
// The document has three parts: "schema" (fields with a type object, children,
// an optional "dictionary" encoding and optional "metadata" pairs), an optional
// "dictionaries" list ({"id", "data": a one-column batch}) and "batches"
// ({"count", "columns"}). Each column object holds the buffers of one array by
// name; which names appear depends on the type, and the type (not the column)
// decides how they are read. Values that do not fit a double (64-bit integers,
// decimals, 64-bit offsets) may be JSON strings; binary data is hex.
#include "quiver/testing/integration_json.h"

#include <zlib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "quiver/array_data.h"
#include "quiver/buffer.h"

#ifndef QUIVER_DEFAULT_ARROW_TESTING_DIR
#error "QUIVER_DEFAULT_ARROW_TESTING_DIR must be defined by the build"
#endif

namespace quiver::testing {
namespace {

using Json = nlohmann::json;

// Deeper nesting than this is certainly a malformed document; the limit keeps the
// recursive readers from exhausting the stack.
constexpr int kMaxNestingDepth = 64;

// ---------------------------------------------------------------------------
// Looking at JSON values without exceptions

// A short, printable rendering of a JSON value for error messages.
std::string Describe(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return std::string(value.type_name()) + " " + text;
}

std::string Indexed(std::string_view name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

// The member `key` of `object`, or null when `object` has no such member.
const Json* FindMember(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<const Json*> GetMember(const Json& object, const char* key) {
  if (!object.is_object()) {
    return Status::Invalid("expected a JSON object with a member \"", key, "\" but found ",
                           Describe(object));
  }
  const Json* member = FindMember(object, key);
  if (member == nullptr)
    return Status::Invalid("expected a member \"", key, "\" but it is missing");
  return member;
}

Result<const Json*> GetArrayMember(const Json& object, const char* key) {
  QUIVER_ASSIGN_OR_RAISE(const Json* member, GetMember(object, key));
  if (!member->is_array()) {
    return Status::Invalid("expected \"", key, "\" to be an array but found ", Describe(*member));
  }
  return member;
}

Result<std::string> GetStringMember(const Json& object, const char* key) {
  QUIVER_ASSIGN_OR_RAISE(const Json* member, GetMember(object, key));
  if (!member->is_string()) {
    return Status::Invalid("expected \"", key, "\" to be a string but found ", Describe(*member));
  }
  return member->get<std::string>();
}

Result<bool> GetBoolMember(const Json& object, const char* key) {
  QUIVER_ASSIGN_OR_RAISE(const Json* member, GetMember(object, key));
  if (!member->is_boolean()) {
    return Status::Invalid("expected \"", key, "\" to be true or false but found ",
                           Describe(*member));
  }
  return member->get<bool>();
}

// An integer of type T from a JSON number or a decimal string (the format writes
// 64-bit values as strings because JSON numbers are doubles to many readers).
template <typename T>
Result<T> ToInteger(const Json& value) {
  static_assert(std::is_integral_v<T>);
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (std::in_range<T>(u)) return static_cast<T>(u);
  } else if (value.is_number_integer()) {
    const int64_t s = value.get<int64_t>();
    if (std::in_range<T>(s)) return static_cast<T>(s);
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    T out{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    if (ec == std::errc() && ptr == end && !text.empty()) return out;
    if (ec != std::errc::result_out_of_range) {
      return Status::Invalid("expected an integer but found ", Describe(value));
    }
  } else {
    return Status::Invalid("expected an integer (a number or a decimal string) but found ",
                           Describe(value));
  }
  return Status::Invalid("expected an integer in [", +std::numeric_limits<T>::min(), ", ",
                         +std::numeric_limits<T>::max(), "] but found ", Describe(value));
}

template <typename T>
Result<T> GetIntegerMember(const Json& object, const char* key) {
  QUIVER_ASSIGN_OR_RAISE(const Json* member, GetMember(object, key));
  auto result = ToInteger<T>(*member);
  if (!result.ok()) return result.status().WithContext(std::string("\"") + key + "\"");
  return result;
}

Result<std::string> HexToBytes(const Json& value) {
  if (!value.is_string()) {
    return Status::Invalid("expected a string of hex digits but found ", Describe(value));
  }
  const std::string& hex = value.get_ref<const std::string&>();
  if (hex.size() % 2 != 0) {
    return Status::Invalid("expected an even number of hex digits but found ", hex.size(), " in ",
                           Describe(value));
  }
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Status::Invalid("expected hex digits but found '", hex.substr(2 * i, 2), "' in ",
                             Describe(value));
    }
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

// Binary values are hex; string values are the text itself (already UTF-8 in JSON).
Result<std::string> ToBytes(const Json& value, bool is_text) {
  if (!is_text) return HexToBytes(value);
  if (!value.is_string()) return Status::Invalid("expected a string but found ", Describe(value));
  return value.get<std::string>();
}

// IEEE 754 binary16 bits nearest to `value` (ties to even), computed from the
// double directly so that no intermediate float rounding can move a tie.
uint16_t HalfFloatBits(double value) {
  const uint16_t sign = std::signbit(value) ? 0x8000 : 0;
  if (std::isnan(value)) return sign | 0x7E00;
  if (std::isinf(value)) return sign | 0x7C00;
  const double magnitude = std::fabs(value);
  // Below the smallest normal half (2^-14) the step is a constant 2^-24.
  if (magnitude < std::ldexp(1.0, -14)) {
    return sign | static_cast<uint16_t>(std::nearbyint(std::ldexp(magnitude, 24)));
  }
  int exponent = 0;
  std::frexp(magnitude, &exponent);  // magnitude = m * 2^exponent, m in [0.5, 1)
  exponent -= 1;                     // now magnitude = 1.f * 2^exponent
  double mantissa = std::nearbyint(std::ldexp(magnitude, 10 - exponent));
  if (mantissa >= 2048) {
    mantissa = 1024;
    exponent += 1;
  }
  if (exponent > 15) return sign | 0x7C00;
  return sign |
         static_cast<uint16_t>(((exponent + 15) << 10) | (static_cast<int>(mantissa) - 1024));
}

// Writes the decimal integer `value` (a JSON string of digits with an optional
// sign) into `out` as a little-endian two's-complement integer of `byte_width`
// bytes (a multiple of 4).
Status DecimalToBytes(const Json& value, int byte_width, uint8_t* out) {
  if (!value.is_string()) {
    return Status::Invalid("expected a decimal integer string but found ", Describe(value));
  }
  std::string_view text = value.get_ref<const std::string&>();
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty())
    return Status::Invalid("expected a decimal integer but found ", Describe(value));
  // Little-endian 32-bit limbs of the magnitude.
  std::vector<uint32_t> limbs(static_cast<size_t>(byte_width / 4), 0);
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Status::Invalid("expected only digits in the unscaled decimal integer but found '", c,
                             "' in ", Describe(value));
    }
    uint64_t carry = static_cast<uint64_t>(c - '0');
    for (uint32_t& limb : limbs) {
      const uint64_t t = static_cast<uint64_t>(limb) * 10 + carry;
      limb = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry != 0) {
      return Status::Invalid("the decimal ", Describe(value), " does not fit in ", byte_width * 8,
                             " bits");
    }
  }
  // The magnitude may reach 2^(bits-1) only for a negative value.
  const bool top_bit = (limbs.back() & 0x80000000u) != 0;
  if (top_bit) {
    const bool is_min =
        negative && limbs.back() == 0x80000000u &&
        std::all_of(limbs.begin(), limbs.end() - 1, [](uint32_t l) { return l == 0; });
    if (!is_min) {
      return Status::Invalid("the decimal ", Describe(value), " does not fit in a signed ",
                             byte_width * 8, "-bit integer");
    }
  }
  if (negative) {
    uint64_t carry = 1;
    for (uint32_t& limb : limbs) {
      const uint64_t t = static_cast<uint64_t>(static_cast<uint32_t>(~limb)) + carry;
      limb = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
  }
  for (size_t i = 0; i < limbs.size(); ++i) {
    for (int b = 0; b < 4; ++b)
      out[4 * i + static_cast<size_t>(b)] = static_cast<uint8_t>(limbs[i] >> (8 * b));
  }
  return Status::OK();
}

Result<TimeUnit> ParseTimeUnit(const std::string& unit) {
  if (unit == "SECOND") return TimeUnit::SECOND;
  if (unit == "MILLISECOND") return TimeUnit::MILLI;
  if (unit == "MICROSECOND") return TimeUnit::MICRO;
  if (unit == "NANOSECOND") return TimeUnit::NANO;
  return Status::Invalid(
      "expected a time unit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND) but found '", unit, "'");
}

// ---------------------------------------------------------------------------
// Reading gzip or plain files

Result<std::string> ReadMaybeCompressedFile(const std::string& path) {
  // gzread passes uncompressed files through unchanged, so one path serves both.
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::IOError("cannot open '", path, "': ", std::strerror(errno));
  }
  std::string text;
  std::vector<char> chunk(1 << 16);
  while (true) {
    const int n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int errnum = 0;
      std::string message = gzerror(file, &errnum);
      gzclose(file);
      return Status::IOError("cannot read '", path, "': ", message);
    }
    if (n == 0) break;
    text.append(chunk.data(), static_cast<size_t>(n));
  }
  if (gzclose(file) != Z_OK) return Status::IOError("cannot read '", path, "' to its end");
  return text;
}

// ---------------------------------------------------------------------------
// The document reader

class DocumentReader {
 public:
  explicit DocumentReader(MemoryPool* pool) : pool_(pool) {}

  Result<IntegrationFile> Read(const Json& document) {
    IntegrationFile out;
    QUIVER_ASSIGN_OR_RAISE(const Json* schema_json, GetMember(document, "schema"));
    auto schema = ReadSchema(*schema_json);
    if (!schema.ok()) return schema.status().WithContext("schema");
    out.schema = *std::move(schema);

    if (const Json* dictionaries = FindMember(document, "dictionaries")) {
      QUIVER_RETURN_NOT_OK(IndexDictionaries(*dictionaries));
    }
    for (const auto& [id, entry] : dictionary_json_) {
      QUIVER_ASSIGN_OR_RAISE(ArrayDataPtr values, GetDictionary(id));
      out.dictionaries.emplace(id, MakeArray(std::move(values)));
    }

    QUIVER_ASSIGN_OR_RAISE(const Json* batches, GetArrayMember(document, "batches"));
    for (size_t b = 0; b < batches->size(); ++b) {
      auto batch = ReadBatch((*batches)[b], *out.schema);
      if (!batch.ok()) return batch.status().WithContext(Indexed("batch", b));
      out.batches.push_back(*std::move(batch));
    }
    return out;
  }

 private:
  // ---- schema -------------------------------------------------------------

  Result<SchemaPtr> ReadSchema(const Json& schema_json) {
    QUIVER_ASSIGN_OR_RAISE(const Json* fields_json, GetArrayMember(schema_json, "fields"));
    FieldVector fields;
    for (size_t i = 0; i < fields_json->size(); ++i) {
      auto f = ReadField((*fields_json)[i], 0);
      if (!f.ok()) return f.status().WithContext(Indexed("fields", i));
      fields.push_back(*std::move(f));
    }
    QUIVER_ASSIGN_OR_RAISE(MetadataPtr metadata, ReadMetadata(schema_json));
    return schema(std::move(fields), std::move(metadata));
  }

  Result<MetadataPtr> ReadMetadata(const Json& holder) {
    const Json* pairs_json = FindMember(holder, "metadata");
    if (pairs_json == nullptr || pairs_json->is_null()) return MetadataPtr();
    if (!pairs_json->is_array()) {
      return Status::Invalid(
          "expected \"metadata\" to be an array of {\"key\", \"value\"} but found ",
          Describe(*pairs_json));
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    for (size_t i = 0; i < pairs_json->size(); ++i) {
      const Json& pair = (*pairs_json)[i];
      auto key = GetStringMember(pair, "key");
      if (!key.ok()) return key.status().WithContext(Indexed("metadata", i));
      auto value = GetStringMember(pair, "value");
      if (!value.ok()) return value.status().WithContext(Indexed("metadata", i));
      pairs.emplace_back(*std::move(key), *std::move(value));
    }
    return key_value_metadata(std::move(pairs));
  }

  Result<FieldPtr> ReadField(const Json& field_json, int depth) {
    if (depth > kMaxNestingDepth) {
      return Status::Invalid("fields are nested deeper than the limit of ", kMaxNestingDepth);
    }
    QUIVER_ASSIGN_OR_RAISE(std::string name, GetStringMember(field_json, "name"));
    auto field_or = ReadFieldAfterName(field_json, name, depth);
    if (!field_or.ok()) return field_or.status().WithContext("field '" + name + "'");
    return field_or;
  }

  Result<FieldPtr> ReadFieldAfterName(const Json& field_json, std::string name, int depth) {
    bool nullable = true;
    if (FindMember(field_json, "nullable") != nullptr) {
      QUIVER_ASSIGN_OR_RAISE(nullable, GetBoolMember(field_json, "nullable"));
    }
    FieldVector children;
    if (const Json* children_json = FindMember(field_json, "children")) {
      if (!children_json->is_array()) {
        return Status::Invalid("expected \"children\" to be an array but found ",
                               Describe(*children_json));
      }
      for (size_t i = 0; i < children_json->size(); ++i) {
        QUIVER_ASSIGN_OR_RAISE(FieldPtr child, ReadField((*children_json)[i], depth + 1));
        children.push_back(std::move(child));
      }
    }
    QUIVER_ASSIGN_OR_RAISE(const Json* type_json, GetMember(field_json, "type"));
    QUIVER_ASSIGN_OR_RAISE(TypePtr type, ReadType(*type_json, std::move(children)));

    if (const Json* encoding = FindMember(field_json, "dictionary")) {
      QUIVER_ASSIGN_OR_RAISE(type, ReadDictionaryEncoding(*encoding, std::move(type)));
    }

    QUIVER_ASSIGN_OR_RAISE(MetadataPtr metadata, ReadMetadata(field_json));
    // An extension type travels as its storage type (dictionary-encoded or not) plus
    // two metadata keys; the keys become the type and leave the field's metadata.
    if (metadata && metadata->Contains(kExtensionNameKey)) {
      std::string extension_name = *metadata->Get(kExtensionNameKey);
      std::string serialized;
      if (metadata->Contains(kExtensionMetadataKey)) {
        serialized = *metadata->Get(kExtensionMetadataKey);
      }
      auto rest = std::make_shared<KeyValueMetadata>(*metadata);
      rest->Delete(kExtensionNameKey);
      rest->Delete(kExtensionMetadataKey);
      metadata = rest->size() > 0 ? MetadataPtr(std::move(rest)) : nullptr;
      type = extension(std::move(extension_name), std::move(type), std::move(serialized));
    }
    return field(std::move(name), std::move(type), nullable, std::move(metadata));
  }

  Result<TypePtr> ReadDictionaryEncoding(const Json& encoding, TypePtr value_type) {
    auto id_or = GetIntegerMember<int64_t>(encoding, "id");
    if (!id_or.ok()) return id_or.status().WithContext("dictionary");
    const int64_t id = *id_or;
    TypePtr index_type = int32();  // the format's default when indexType is absent
    if (const Json* index_json = FindMember(encoding, "indexType")) {
      auto index_or = ReadType(*index_json, {});
      if (!index_or.ok()) return index_or.status().WithContext("dictionary indexType");
      index_type = *std::move(index_or);
    }
    bool ordered = false;
    if (FindMember(encoding, "isOrdered") != nullptr) {
      QUIVER_ASSIGN_OR_RAISE(ordered, GetBoolMember(encoding, "isOrdered"));
    }
    auto [it, inserted] = dictionary_value_type_.emplace(id, value_type);
    if (!inserted && !it->second->Equals(*value_type)) {
      return Status::Invalid("dictionary id ", id, " is used with value type ",
                             value_type->ToString(), " but earlier with ", it->second->ToString());
    }
    QUIVER_ASSIGN_OR_RAISE(TypePtr type,
                           DictionaryType::Make(std::move(index_type), value_type, ordered));
    // Each dictionary-encoded field gets its own DictionaryType object, so the
    // object identifies the field's dictionary when its columns are read.
    dictionary_id_of_[type.get()] = id;
    return type;
  }

  static Status ExpectChildren(const std::string& name, const FieldVector& children,
                               size_t expected) {
    if (children.size() != expected) {
      return Status::Invalid("expected a ", name, " type to have ", expected, " child field",
                             expected == 1 ? "" : "s", " but found ", children.size());
    }
    return Status::OK();
  }

  Result<TypePtr> ReadType(const Json& type_json, FieldVector children) {
    QUIVER_ASSIGN_OR_RAISE(std::string name, GetStringMember(type_json, "name"));
    auto type_or = ReadTypeNamed(type_json, name, std::move(children));
    if (!type_or.ok()) return type_or.status().WithContext("type '" + name + "'");
    return type_or;
  }

  Result<TypePtr> ReadTypeNamed(const Json& t, const std::string& name, FieldVector children) {
    // Types with children.
    if (name == "list" || name == "largelist" || name == "listview" || name == "largelistview") {
      QUIVER_RETURN_NOT_OK(ExpectChildren(name, children, 1));
      if (name == "list") return list(children[0]);
      if (name == "largelist") return large_list(children[0]);
      if (name == "listview") return list_view(children[0]);
      return large_list_view(children[0]);
    }
    if (name == "fixedsizelist") {
      QUIVER_RETURN_NOT_OK(ExpectChildren(name, children, 1));
      QUIVER_ASSIGN_OR_RAISE(int32_t list_size, GetIntegerMember<int32_t>(t, "listSize"));
      if (list_size < 0) return Status::Invalid("expected a listSize >= 0 but found ", list_size);
      return fixed_size_list(children[0], list_size);
    }
    if (name == "struct") return struct_(std::move(children));
    if (name == "map") {
      QUIVER_RETURN_NOT_OK(ExpectChildren(name, children, 1));
      bool keys_sorted = false;
      if (FindMember(t, "keysSorted") != nullptr) {
        QUIVER_ASSIGN_OR_RAISE(keys_sorted, GetBoolMember(t, "keysSorted"));
      }
      return MapType::Make(children[0], keys_sorted);
    }
    if (name == "union") {
      QUIVER_ASSIGN_OR_RAISE(std::string mode, GetStringMember(t, "mode"));
      if (mode != "SPARSE" && mode != "DENSE") {
        return Status::Invalid("expected a union mode of SPARSE or DENSE but found '", mode, "'");
      }
      std::vector<int8_t> type_codes;
      if (const Json* ids = FindMember(t, "typeIds"); ids != nullptr && !ids->is_null()) {
        if (!ids->is_array()) {
          return Status::Invalid("expected \"typeIds\" to be an array but found ", Describe(*ids));
        }
        for (size_t i = 0; i < ids->size(); ++i) {
          auto code = ToInteger<int8_t>((*ids)[i]);
          if (!code.ok()) return code.status().WithContext(Indexed("typeIds", i));
          type_codes.push_back(*code);
        }
        if (type_codes.size() != children.size()) {
          return Status::Invalid("expected one type id per child (", children.size(),
                                 ") but found ", type_codes.size());
        }
      }
      return UnionType::Make(mode == "SPARSE" ? UnionMode::SPARSE : UnionMode::DENSE,
                             std::move(children), std::move(type_codes));
    }
    if (name == "runendencoded") {
      QUIVER_RETURN_NOT_OK(ExpectChildren(name, children, 2));
      return RunEndEncodedType::Make(children[0]->type(), children[1]->type());
    }

    // Every other type is a leaf.
    QUIVER_RETURN_NOT_OK(ExpectChildren(name, children, 0));
    if (name == "null") return null();
    if (name == "bool") return boolean();
    if (name == "binary") return binary();
    if (name == "utf8") return utf8();
    if (name == "largebinary") return large_binary();
    if (name == "largeutf8") return large_utf8();
    if (name == "binaryview") return binary_view();
    if (name == "utf8view") return utf8_view();
    if (name == "int") {
      QUIVER_ASSIGN_OR_RAISE(int bit_width, GetIntegerMember<int>(t, "bitWidth"));
      QUIVER_ASSIGN_OR_RAISE(bool is_signed, GetBoolMember(t, "isSigned"));
      switch (bit_width) {
        case 8:
          return is_signed ? int8() : uint8();
        case 16:
          return is_signed ? int16() : uint16();
        case 32:
          return is_signed ? int32() : uint32();
        case 64:
          return is_signed ? int64() : uint64();
        default:
          return Status::Invalid("expected an int bitWidth of 8, 16, 32 or 64 but found ",
                                 bit_width);
      }
    }
    if (name == "floatingpoint") {
      QUIVER_ASSIGN_OR_RAISE(std::string precision, GetStringMember(t, "precision"));
      if (precision == "HALF") return float16();
      if (precision == "SINGLE") return float32();
      if (precision == "DOUBLE") return float64();
      return Status::Invalid("expected a precision of HALF, SINGLE or DOUBLE but found '",
                             precision, "'");
    }
    if (name == "decimal") {
      QUIVER_ASSIGN_OR_RAISE(int32_t precision, GetIntegerMember<int32_t>(t, "precision"));
      QUIVER_ASSIGN_OR_RAISE(int32_t scale, GetIntegerMember<int32_t>(t, "scale"));
      int bit_width = 128;  // files older than decimal256 omit the width
      if (FindMember(t, "bitWidth") != nullptr) {
        QUIVER_ASSIGN_OR_RAISE(bit_width, GetIntegerMember<int>(t, "bitWidth"));
      }
      switch (bit_width) {
        case 32:
          return DecimalType::Make(TypeId::DECIMAL32, precision, scale);
        case 64:
          return DecimalType::Make(TypeId::DECIMAL64, precision, scale);
        case 128:
          return DecimalType::Make(TypeId::DECIMAL128, precision, scale);
        case 256:
          return DecimalType::Make(TypeId::DECIMAL256, precision, scale);
        default:
          return Status::Invalid("expected a decimal bitWidth of 32, 64, 128 or 256 but found ",
                                 bit_width);
      }
    }
    if (name == "date") {
      QUIVER_ASSIGN_OR_RAISE(std::string unit, GetStringMember(t, "unit"));
      if (unit == "DAY") return date32();
      if (unit == "MILLISECOND") return date64();
      return Status::Invalid("expected a date unit of DAY or MILLISECOND but found '", unit, "'");
    }
    if (name == "time") {
      QUIVER_ASSIGN_OR_RAISE(std::string unit_name, GetStringMember(t, "unit"));
      QUIVER_ASSIGN_OR_RAISE(TimeUnit unit, ParseTimeUnit(unit_name));
      QUIVER_ASSIGN_OR_RAISE(int bit_width, GetIntegerMember<int>(t, "bitWidth"));
      const bool is_32 = unit == TimeUnit::SECOND || unit == TimeUnit::MILLI;
      if (bit_width != (is_32 ? 32 : 64)) {
        return Status::Invalid("expected bitWidth ", is_32 ? 32 : 64, " for a time in ", unit_name,
                               " but found ", bit_width);
      }
      return is_32 ? time32(unit) : time64(unit);
    }
    if (name == "timestamp") {
      QUIVER_ASSIGN_OR_RAISE(std::string unit_name, GetStringMember(t, "unit"));
      QUIVER_ASSIGN_OR_RAISE(TimeUnit unit, ParseTimeUnit(unit_name));
      std::string timezone;
      if (const Json* tz = FindMember(t, "timezone"); tz != nullptr && !tz->is_null()) {
        QUIVER_ASSIGN_OR_RAISE(timezone, GetStringMember(t, "timezone"));
      }
      return timestamp(unit, std::move(timezone));
    }
    if (name == "duration") {
      QUIVER_ASSIGN_OR_RAISE(std::string unit_name, GetStringMember(t, "unit"));
      QUIVER_ASSIGN_OR_RAISE(TimeUnit unit, ParseTimeUnit(unit_name));
      return duration(unit);
    }
    if (name == "interval") {
      QUIVER_ASSIGN_OR_RAISE(std::string unit, GetStringMember(t, "unit"));
      if (unit == "YEAR_MONTH") return month_interval();
      if (unit == "DAY_TIME") return day_time_interval();
      if (unit == "MONTH_DAY_NANO") return month_day_nano_interval();
      return Status::Invalid(
          "expected an interval unit of YEAR_MONTH, DAY_TIME or MONTH_DAY_NANO but found '", unit,
          "'");
    }
    if (name == "fixedsizebinary") {
      QUIVER_ASSIGN_OR_RAISE(int32_t byte_width, GetIntegerMember<int32_t>(t, "byteWidth"));
      if (byte_width < 0)
        return Status::Invalid("expected a byteWidth >= 0 but found ", byte_width);
      return fixed_size_binary(byte_width);
    }
    return Status::Invalid("unknown type name '", name, "'");
  }

  // ---- dictionaries -------------------------------------------------------

  Status IndexDictionaries(const Json& dictionaries) {
    if (!dictionaries.is_array()) {
      return Status::Invalid("expected \"dictionaries\" to be an array but found ",
                             Describe(dictionaries));
    }
    for (size_t i = 0; i < dictionaries.size(); ++i) {
      const Json& entry = dictionaries[i];
      auto id_or = GetIntegerMember<int64_t>(entry, "id");
      if (!id_or.ok()) return id_or.status().WithContext(Indexed("dictionaries", i));
      const int64_t id = *id_or;
      if (!dictionary_value_type_.contains(id)) {
        return Status::Invalid("dictionaries[", i, "] has id ", id,
                               " but no field is encoded with that id");
      }
      if (!dictionary_json_.emplace(id, &entry).second) {
        return Status::Invalid("dictionaries[", i, "] repeats id ", id);
      }
    }
    return Status::OK();
  }

  // The dictionary values for `id`, read on first use: a dictionary's values may
  // themselves hold dictionary-encoded children that refer to other ids.
  Result<ArrayDataPtr> GetDictionary(int64_t id) {
    if (auto it = dictionary_data_.find(id); it != dictionary_data_.end()) return it->second;
    auto entry = dictionary_json_.find(id);
    if (entry == dictionary_json_.end()) {
      return Status::Invalid("a column refers to dictionary id ", id,
                             " but \"dictionaries\" does not define it");
    }
    if (!dictionaries_in_progress_.insert(id).second) {
      return Status::Invalid("dictionary id ", id, " contains itself");
    }
    auto values = ReadDictionaryValues(*entry->second, dictionary_value_type_.at(id));
    dictionaries_in_progress_.erase(id);
    if (!values.ok()) return values.status().WithContext("dictionary id " + std::to_string(id));
    dictionary_data_.emplace(id, *values);
    return values;
  }

  Result<ArrayDataPtr> ReadDictionaryValues(const Json& entry, const TypePtr& value_type) {
    QUIVER_ASSIGN_OR_RAISE(const Json* data, GetMember(entry, "data"));
    QUIVER_ASSIGN_OR_RAISE(int64_t count, GetIntegerMember<int64_t>(*data, "count"));
    QUIVER_ASSIGN_OR_RAISE(const Json* columns, GetArrayMember(*data, "columns"));
    if (columns->size() != 1) {
      return Status::Invalid("expected a dictionary batch of exactly 1 column but found ",
                             columns->size());
    }
    // The dictionary's column is named after the dictionary ("DICT0"), not a field.
    QUIVER_ASSIGN_OR_RAISE(ArrayDataPtr values, ReadColumn((*columns)[0], value_type, nullptr, 0));
    if (values->length != count) {
      return Status::Invalid("expected the dictionary column to have the batch's count ", count,
                             " but it has ", values->length);
    }
    return values;
  }

  // ---- batches and columns ------------------------------------------------

  Result<IntegrationBatch> ReadBatch(const Json& batch_json, const Schema& schema) {
    IntegrationBatch batch;
    QUIVER_ASSIGN_OR_RAISE(batch.num_rows, GetIntegerMember<int64_t>(batch_json, "count"));
    if (batch.num_rows < 0)
      return Status::Invalid("expected a count >= 0 but found ", batch.num_rows);
    QUIVER_ASSIGN_OR_RAISE(const Json* columns, GetArrayMember(batch_json, "columns"));
    if (columns->size() != static_cast<size_t>(schema.num_fields())) {
      return Status::Invalid("expected one column per schema field (", schema.num_fields(),
                             ") but found ", columns->size());
    }
    for (int i = 0; i < schema.num_fields(); ++i) {
      const Field& f = *schema.field(i);
      auto column = ReadColumn((*columns)[static_cast<size_t>(i)], f.type(), &f.name(), 0);
      if (!column.ok()) return column.status().WithContext("column '" + f.name() + "'");
      if ((*column)->length != batch.num_rows) {
        return Status::Invalid("column '", f.name(), "' has count ", (*column)->length,
                               " but the batch has count ", batch.num_rows);
      }
      batch.columns.push_back(MakeArray(*std::move(column)));
    }
    return batch;
  }

  // Reads one column of `type`. When `expected_name` is given, the column's
  // "name" must match it (the format names each column after its field).
  Result<ArrayDataPtr> ReadColumn(const Json& column, const TypePtr& type,
                                  const std::string* expected_name, int depth) {
    if (depth > kMaxNestingDepth) {
      return Status::Invalid("columns are nested deeper than the limit of ", kMaxNestingDepth);
    }
    if (!column.is_object())
      return Status::Invalid("expected a column object but found ", Describe(column));
    if (expected_name != nullptr) {
      QUIVER_ASSIGN_OR_RAISE(std::string name, GetStringMember(column, "name"));
      if (name != *expected_name) {
        return Status::Invalid("expected a column named '", *expected_name, "' but found '", name,
                               "'");
      }
    }
    QUIVER_ASSIGN_OR_RAISE(int64_t count, GetIntegerMember<int64_t>(column, "count"));
    if (count < 0) return Status::Invalid("expected a count >= 0 but found ", count);

    if (type->id() == TypeId::EXTENSION) {
      const TypePtr& storage = static_cast<const ExtensionType&>(*type).storage_type();
      QUIVER_ASSIGN_OR_RAISE(ArrayDataPtr data, ReadColumn(column, storage, nullptr, depth));
      data->type = type;
      return data;
    }
    auto data = ArrayData::Make(type, count, {}, /*null_count=*/0);
    QUIVER_RETURN_NOT_OK(FillColumn(column, type, count, depth, data.get()));
    return data;
  }

  Status FillColumn(const Json& column, const TypePtr& type, int64_t count, int depth,
                    ArrayData* out) {
    const TypeId id = type->id();
    switch (id) {
      case TypeId::NA:
        out->null_count = count;
        return Status::OK();
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION:
        return FillUnion(column, type, count, depth, out);
      case TypeId::RUN_END_ENCODED:
        out->null_count = kUnknownNullCount;  // nulls live in the values child
        return FillChildren(column, *type, depth, out);
      default:
        break;
    }

    QUIVER_ASSIGN_OR_RAISE(auto validity, ReadValidity(column, count, &out->null_count));
    out->buffers.push_back(std::move(validity));
    switch (id) {
      case TypeId::BOOL: {
        QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
        QUIVER_ASSIGN_OR_RAISE(auto bits, ReadBitmap(*values, count, "DATA"));
        out->buffers.push_back(std::move(bits));
        return Status::OK();
      }
      case TypeId::INT8:
      case TypeId::UINT8:
      case TypeId::INT16:
      case TypeId::UINT16:
      case TypeId::INT32:
      case TypeId::UINT32:
      case TypeId::INT64:
      case TypeId::UINT64:
      case TypeId::DATE32:
      case TypeId::DATE64:
      case TypeId::TIME32:
      case TypeId::TIME64:
      case TypeId::TIMESTAMP:
      case TypeId::DURATION:
      case TypeId::INTERVAL_MONTHS: {
        QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
        QUIVER_ASSIGN_OR_RAISE(auto buffer, ReadIntegers(*values, count, id, "DATA"));
        out->buffers.push_back(std::move(buffer));
        return Status::OK();
      }
      case TypeId::HALF_FLOAT:
      case TypeId::FLOAT:
      case TypeId::DOUBLE: {
        QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
        QUIVER_ASSIGN_OR_RAISE(auto buffer, ReadFloats(*values, count, id));
        out->buffers.push_back(std::move(buffer));
        return Status::OK();
      }
      case TypeId::DECIMAL32:
      case TypeId::DECIMAL64:
      case TypeId::DECIMAL128:
      case TypeId::DECIMAL256: {
        QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
        QUIVER_ASSIGN_OR_RAISE(auto buffer, ReadDecimals(*values, count, type->byte_width()));
        out->buffers.push_back(std::move(buffer));
        return Status::OK();
      }
      case TypeId::FIXED_SIZE_BINARY: {
        QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
        const int32_t width = static_cast<const FixedSizeBinaryType&>(*type).width();
        QUIVER_ASSIGN_OR_RAISE(auto buffer, ReadFixedSizeBinary(*values, count, width));
        out->buffers.push_back(std::move(buffer));
        return Status::OK();
      }
      case TypeId::INTERVAL_DAY_TIME:
      case TypeId::INTERVAL_MONTH_DAY_NANO: {
        QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
        QUIVER_ASSIGN_OR_RAISE(auto buffer, ReadIntervals(*values, count, id));
        out->buffers.push_back(std::move(buffer));
        return Status::OK();
      }
      case TypeId::BINARY:
      case TypeId::STRING:
        return FillBinary<int32_t>(column, count, id == TypeId::STRING, out);
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING:
        return FillBinary<int64_t>(column, count, id == TypeId::LARGE_STRING, out);
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW:
        return FillBinaryView(column, count, id == TypeId::STRING_VIEW, out);
      case TypeId::LIST:
      case TypeId::MAP:
      case TypeId::LIST_VIEW: {
        QUIVER_ASSIGN_OR_RAISE(
            auto offsets, ReadOffsets<int32_t>(column, "OFFSET", count, id != TypeId::LIST_VIEW));
        out->buffers.push_back(std::move(offsets));
        if (id == TypeId::LIST_VIEW) {
          QUIVER_ASSIGN_OR_RAISE(auto sizes, ReadOffsets<int32_t>(column, "SIZE", count, false));
          out->buffers.push_back(std::move(sizes));
        }
        return FillChildren(column, *type, depth, out);
      }
      case TypeId::LARGE_LIST:
      case TypeId::LARGE_LIST_VIEW: {
        const bool is_view = id == TypeId::LARGE_LIST_VIEW;
        QUIVER_ASSIGN_OR_RAISE(auto offsets,
                               ReadOffsets<int64_t>(column, "OFFSET", count, !is_view));
        out->buffers.push_back(std::move(offsets));
        if (is_view) {
          QUIVER_ASSIGN_OR_RAISE(auto sizes, ReadOffsets<int64_t>(column, "SIZE", count, false));
          out->buffers.push_back(std::move(sizes));
        }
        return FillChildren(column, *type, depth, out);
      }
      case TypeId::FIXED_SIZE_LIST:
      case TypeId::STRUCT:
        return FillChildren(column, *type, depth, out);
      case TypeId::DICTIONARY:
        return FillDictionary(column, type, count, out);
      default:
        return Status::NotImplemented("reading integration JSON columns of type ",
                                      type->ToString());
    }
  }

  // The named buffer as a JSON array of exactly `count` entries.
  static Result<const Json*> GetValues(const Json& column, const char* key, int64_t count) {
    QUIVER_ASSIGN_OR_RAISE(const Json* values, GetArrayMember(column, key));
    if (values->size() != static_cast<size_t>(count)) {
      return Status::Invalid("expected \"", key, "\" to have ", count,
                             " entries (the count) but found ", values->size());
    }
    return values;
  }

  Result<std::shared_ptr<Buffer>> Allocate(int64_t size) {
    return AllocateZeroedBuffer(size, pool_);
  }

  // VALIDITY as a bitmap, or null when every slot is valid (or VALIDITY is absent).
  Result<std::shared_ptr<Buffer>> ReadValidity(const Json& column, int64_t count,
                                               int64_t* null_count) {
    *null_count = 0;
    if (FindMember(column, "VALIDITY") == nullptr) return std::shared_ptr<Buffer>();
    QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "VALIDITY", count));
    QUIVER_ASSIGN_OR_RAISE(auto bitmap, ReadBitmap(*values, count, "VALIDITY"));
    *null_count = count - bit_util::CountSetBits(bitmap->data(), 0, count);
    if (*null_count == 0) return std::shared_ptr<Buffer>();
    return bitmap;
  }

  // A bitmap from entries that are each 0/1 or false/true.
  Result<std::shared_ptr<Buffer>> ReadBitmap(const Json& values, int64_t count, const char* key) {
    QUIVER_ASSIGN_OR_RAISE(auto bitmap, Allocate(bit_util::BytesForBits(count)));
    uint8_t* bits = bitmap->mutable_data();
    for (size_t i = 0; i < values.size(); ++i) {
      const Json& v = values[i];
      bool set;
      if (v.is_boolean()) {
        set = v.get<bool>();
      } else if (v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) {
        set = v.get<int64_t>() == 1;
      } else {
        return Status::Invalid(Indexed(key, i), ": expected 0, 1, true or false but found ",
                               Describe(v));
      }
      if (set) bit_util::SetBit(bits, static_cast<int64_t>(i));
    }
    return bitmap;
  }

  // `count` fixed-width values; `convert` turns one JSON entry into a T.
  template <typename T, typename Convert>
  Result<std::shared_ptr<Buffer>> ReadFixedWidth(const Json& values, int64_t count, const char* key,
                                                 Convert&& convert) {
    QUIVER_ASSIGN_OR_RAISE(auto buffer, Allocate(count * static_cast<int64_t>(sizeof(T))));
    uint8_t* dest = buffer->mutable_data();
    for (size_t i = 0; i < values.size(); ++i) {
      Result<T> value = convert(values[i]);
      if (!value.ok()) return value.status().WithContext(Indexed(key, i));
      const T v = *value;
      std::memcpy(dest + i * sizeof(T), &v, sizeof(T));
    }
    return buffer;
  }

  template <typename T>
  Result<std::shared_ptr<Buffer>> ReadIntegersAs(const Json& values, int64_t count,
                                                 const char* key) {
    return ReadFixedWidth<T>(values, count, key, [](const Json& v) { return ToInteger<T>(v); });
  }

  Result<std::shared_ptr<Buffer>> ReadIntegers(const Json& values, int64_t count, TypeId id,
                                               const char* key) {
    switch (id) {
      case TypeId::INT8:
        return ReadIntegersAs<int8_t>(values, count, key);
      case TypeId::UINT8:
        return ReadIntegersAs<uint8_t>(values, count, key);
      case TypeId::INT16:
        return ReadIntegersAs<int16_t>(values, count, key);
      case TypeId::UINT16:
        return ReadIntegersAs<uint16_t>(values, count, key);
      case TypeId::INT32:
      case TypeId::DATE32:
      case TypeId::TIME32:
      case TypeId::INTERVAL_MONTHS:
        return ReadIntegersAs<int32_t>(values, count, key);
      case TypeId::UINT32:
        return ReadIntegersAs<uint32_t>(values, count, key);
      case TypeId::UINT64:
        return ReadIntegersAs<uint64_t>(values, count, key);
      default:
        return ReadIntegersAs<int64_t>(values, count, key);
    }
  }

  Result<std::shared_ptr<Buffer>> ReadFloats(const Json& values, int64_t count, TypeId id) {
    auto number = [](const Json& v) -> Result<double> {
      if (!v.is_number()) return Status::Invalid("expected a number but found ", Describe(v));
      return v.get<double>();
    };
    switch (id) {
      case TypeId::HALF_FLOAT:
        // The format gives half floats by value; the array stores their bit patterns.
        return ReadFixedWidth<uint16_t>(values, count, "DATA",
                                        [&](const Json& v) -> Result<uint16_t> {
                                          QUIVER_ASSIGN_OR_RAISE(double d, number(v));
                                          return HalfFloatBits(d);
                                        });
      case TypeId::FLOAT:
        return ReadFixedWidth<float>(values, count, "DATA", [&](const Json& v) -> Result<float> {
          QUIVER_ASSIGN_OR_RAISE(double d, number(v));
          return static_cast<float>(d);
        });
      default:
        return ReadFixedWidth<double>(values, count, "DATA", number);
    }
  }

  Result<std::shared_ptr<Buffer>> ReadDecimals(const Json& values, int64_t count, int byte_width) {
    QUIVER_ASSIGN_OR_RAISE(auto buffer, Allocate(count * byte_width));
    for (size_t i = 0; i < values.size(); ++i) {
      Status s = DecimalToBytes(values[i], byte_width,
                                buffer->mutable_data() + i * static_cast<size_t>(byte_width));
      if (!s.ok()) return s.WithContext(Indexed("DATA", i));
    }
    return buffer;
  }

  Result<std::shared_ptr<Buffer>> ReadFixedSizeBinary(const Json& values, int64_t count,
                                                      int32_t width) {
    QUIVER_ASSIGN_OR_RAISE(auto buffer, Allocate(count * width));
    for (size_t i = 0; i < values.size(); ++i) {
      auto bytes = HexToBytes(values[i]);
      if (!bytes.ok()) return bytes.status().WithContext(Indexed("DATA", i));
      if (bytes->size() != static_cast<size_t>(width)) {
        return Status::Invalid(Indexed("DATA", i), ": expected ", width, " bytes but found ",
                               bytes->size());
      }
      std::memcpy(buffer->mutable_data() + i * static_cast<size_t>(width), bytes->data(),
                  bytes->size());
    }
    return buffer;
  }

  Result<std::shared_ptr<Buffer>> ReadIntervals(const Json& values, int64_t count, TypeId id) {
    if (id == TypeId::INTERVAL_DAY_TIME) {
      return ReadFixedWidth<DayTimeInterval>(
          values, count, "DATA", [](const Json& v) -> Result<DayTimeInterval> {
            DayTimeInterval out{};
            QUIVER_ASSIGN_OR_RAISE(out.days, GetIntegerMember<int32_t>(v, "days"));
            QUIVER_ASSIGN_OR_RAISE(out.milliseconds, GetIntegerMember<int32_t>(v, "milliseconds"));
            return out;
          });
    }
    return ReadFixedWidth<MonthDayNanoInterval>(
        values, count, "DATA", [](const Json& v) -> Result<MonthDayNanoInterval> {
          MonthDayNanoInterval out{};
          QUIVER_ASSIGN_OR_RAISE(out.months, GetIntegerMember<int32_t>(v, "months"));
          QUIVER_ASSIGN_OR_RAISE(out.days, GetIntegerMember<int32_t>(v, "days"));
          QUIVER_ASSIGN_OR_RAISE(out.nanoseconds, GetIntegerMember<int64_t>(v, "nanoseconds"));
          return out;
        });
  }

  // OFFSET (count + 1 entries, or none for an empty array) or SIZE (count entries).
  template <typename Offset>
  Result<std::shared_ptr<Buffer>> ReadOffsets(const Json& column, const char* key, int64_t count,
                                              bool one_extra) {
    QUIVER_ASSIGN_OR_RAISE(const Json* values, GetArrayMember(column, key));
    const int64_t expected = one_extra ? count + 1 : count;
    if (one_extra && count == 0 && values->empty()) {
      // An empty array may omit its single offset; store the 0 readers expect.
      return Allocate(sizeof(Offset));
    }
    if (values->size() != static_cast<size_t>(expected)) {
      return Status::Invalid("expected \"", key, "\" to have ", expected, " entries but found ",
                             values->size());
    }
    return ReadIntegersAs<Offset>(*values, expected, key);
  }

  // binary/string and their large variants: DATA holds each value, OFFSET the
  // positions. The data buffer is laid out from DATA and checked against OFFSET.
  template <typename Offset>
  Status FillBinary(const Json& column, int64_t count, bool is_text, ArrayData* out) {
    QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
    QUIVER_ASSIGN_OR_RAISE(auto offsets_buffer, ReadOffsets<Offset>(column, "OFFSET", count, true));
    const Offset* offsets = offsets_buffer->template data_as<Offset>();
    std::vector<std::string> bytes(values->size());
    for (size_t i = 0; i < values->size(); ++i) {
      auto value = ToBytes((*values)[i], is_text);
      if (!value.ok()) return value.status().WithContext(Indexed("DATA", i));
      bytes[i] = *std::move(value);
    }
    // The format allows offsets that do not start at zero; the data before the
    // first offset is not described, so the offsets are rebased to start at zero.
    const Offset base = offsets[0];
    if (base < 0) return Status::Invalid("expected OFFSET[0] >= 0 but found ", +base);
    int64_t total = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
      // Non-decreasing from a non-negative start, so the difference cannot overflow.
      if (offsets[i + 1] < offsets[i]) {
        return Status::Invalid("expected non-decreasing offsets but OFFSET[", i + 1,
                               "] = ", +offsets[i + 1], " is below OFFSET[", i,
                               "] = ", +offsets[i]);
      }
      const int64_t length =
          static_cast<int64_t>(offsets[i + 1]) - static_cast<int64_t>(offsets[i]);
      if (length != static_cast<int64_t>(bytes[i].size())) {
        return Status::Invalid("OFFSET[", i, "] = ", +offsets[i], " and OFFSET[", i + 1,
                               "] = ", +offsets[i + 1], " describe ", length, " bytes but DATA[", i,
                               "] has ", bytes[i].size());
      }
      total += length;
    }
    QUIVER_ASSIGN_OR_RAISE(auto data, Allocate(total));
    QUIVER_ASSIGN_OR_RAISE(auto rebased,
                           Allocate(static_cast<int64_t>(sizeof(Offset)) * (count + 1)));
    auto* new_offsets = rebased->template mutable_data_as<Offset>();
    int64_t position = 0;
    new_offsets[0] = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::memcpy(data->mutable_data() + position, bytes[i].data(), bytes[i].size());
      position += static_cast<int64_t>(bytes[i].size());
      new_offsets[i + 1] = static_cast<Offset>(position);
    }
    out->buffers.push_back(std::move(rebased));
    out->buffers.push_back(std::move(data));
    return Status::OK();
  }

  // binary_view/string_view: VIEWS holds one object per value, either
  // {"SIZE", "INLINED"} (up to 12 bytes, hex for binary, text for strings) or
  // {"SIZE", "PREFIX_HEX", "BUFFER_INDEX", "OFFSET"} into VARIADIC_DATA_BUFFERS (hex).
  Status FillBinaryView(const Json& column, int64_t count, bool is_text, ArrayData* out) {
    QUIVER_ASSIGN_OR_RAISE(const Json* views, GetValues(column, "VIEWS", count));
    QUIVER_ASSIGN_OR_RAISE(const Json* variadic, GetArrayMember(column, "VARIADIC_DATA_BUFFERS"));
    std::vector<std::shared_ptr<Buffer>> data_buffers;
    for (size_t i = 0; i < variadic->size(); ++i) {
      auto bytes = HexToBytes((*variadic)[i]);
      if (!bytes.ok()) return bytes.status().WithContext(Indexed("VARIADIC_DATA_BUFFERS", i));
      QUIVER_ASSIGN_OR_RAISE(auto buffer, Buffer::CopyFrom(*bytes, pool_));
      data_buffers.push_back(std::move(buffer));
    }
    QUIVER_ASSIGN_OR_RAISE(auto view_buffer,
                           Allocate(count * static_cast<int64_t>(sizeof(BinaryViewHeader))));
    for (size_t i = 0; i < views->size(); ++i) {
      auto view = ReadView((*views)[i], is_text, data_buffers);
      if (!view.ok()) return view.status().WithContext(Indexed("VIEWS", i));
      std::memcpy(view_buffer->mutable_data() + i * sizeof(BinaryViewHeader), &*view,
                  sizeof(BinaryViewHeader));
    }
    out->buffers.push_back(std::move(view_buffer));
    for (auto& buffer : data_buffers) out->buffers.push_back(std::move(buffer));
    return Status::OK();
  }

  static Result<BinaryViewHeader> ReadView(
      const Json& view, bool is_text, const std::vector<std::shared_ptr<Buffer>>& data_buffers) {
    BinaryViewHeader header;
    std::memset(&header, 0, sizeof(header));
    QUIVER_ASSIGN_OR_RAISE(int32_t size, GetIntegerMember<int32_t>(view, "SIZE"));
    if (size < 0) return Status::Invalid("expected a SIZE >= 0 but found ", size);
    if (size <= BinaryViewHeader::kInlineSize) {
      QUIVER_ASSIGN_OR_RAISE(const Json* inlined_json, GetMember(view, "INLINED"));
      auto inlined = ToBytes(*inlined_json, is_text);
      if (!inlined.ok()) return inlined.status().WithContext("INLINED");
      if (inlined->size() != static_cast<size_t>(size)) {
        return Status::Invalid("SIZE is ", size, " but INLINED holds ", inlined->size(), " bytes");
      }
      header.inlined.size = size;
      std::memcpy(header.inlined.data, inlined->data(), inlined->size());
      return header;
    }
    QUIVER_ASSIGN_OR_RAISE(const Json* prefix_json, GetMember(view, "PREFIX_HEX"));
    auto prefix = HexToBytes(*prefix_json);
    if (!prefix.ok()) return prefix.status().WithContext("PREFIX_HEX");
    if (prefix->size() != 4)
      return Status::Invalid("expected PREFIX_HEX of 4 bytes but found ", prefix->size());
    QUIVER_ASSIGN_OR_RAISE(int32_t buffer_index, GetIntegerMember<int32_t>(view, "BUFFER_INDEX"));
    QUIVER_ASSIGN_OR_RAISE(int32_t offset, GetIntegerMember<int32_t>(view, "OFFSET"));
    if (buffer_index < 0 || static_cast<size_t>(buffer_index) >= data_buffers.size()) {
      return Status::Invalid("BUFFER_INDEX ", buffer_index, " is not one of the ",
                             data_buffers.size(), " VARIADIC_DATA_BUFFERS");
    }
    const Buffer& target = *data_buffers[static_cast<size_t>(buffer_index)];
    if (offset < 0 || static_cast<int64_t>(offset) + size > target.size()) {
      return Status::Invalid("OFFSET ", offset, " and SIZE ", size, " reach past the ",
                             target.size(), " bytes of VARIADIC_DATA_BUFFERS[", buffer_index, "]");
    }
    if (std::memcmp(target.data() + offset, prefix->data(), 4) != 0) {
      return Status::Invalid("PREFIX_HEX does not match the first 4 bytes the view points at");
    }
    header.ref.size = size;
    std::memcpy(header.ref.prefix, prefix->data(), 4);
    header.ref.buffer_index = buffer_index;
    header.ref.offset = offset;
    return header;
  }

  Status FillChildren(const Json& column, const DataType& type, int depth, ArrayData* out) {
    QUIVER_ASSIGN_OR_RAISE(const Json* children, GetArrayMember(column, "children"));
    if (children->size() != static_cast<size_t>(type.num_fields())) {
      return Status::Invalid("expected ", type.num_fields(), " children for ", type.ToString(),
                             " but found ", children->size());
    }
    for (int i = 0; i < type.num_fields(); ++i) {
      const Field& child_field = *type.field(i);
      auto child = ReadColumn((*children)[static_cast<size_t>(i)], child_field.type(),
                              &child_field.name(), depth + 1);
      if (!child.ok()) return child.status().WithContext("child '" + child_field.name() + "'");
      out->child_data.push_back(*std::move(child));
    }
    return Status::OK();
  }

  Status FillUnion(const Json& column, const TypePtr& type, int64_t count, int depth,
                   ArrayData* out) {
    // Union arrays have no validity bitmap since format version 1.0; files written
    // before that carry one, which can only be accepted when it marks nothing null.
    out->null_count = kUnknownNullCount;
    if (FindMember(column, "VALIDITY") != nullptr) {
      int64_t nulls = 0;
      QUIVER_RETURN_NOT_OK(ReadValidity(column, count, &nulls));
      if (nulls != 0) {
        return Status::Invalid("a union array has no validity bitmap, but VALIDITY marks ", nulls,
                               " slot(s) null");
      }
    }
    QUIVER_ASSIGN_OR_RAISE(const Json* type_ids, GetValues(column, "TYPE_ID", count));
    QUIVER_ASSIGN_OR_RAISE(auto type_id_buffer,
                           ReadIntegersAs<int8_t>(*type_ids, count, "TYPE_ID"));
    out->buffers.push_back(std::move(type_id_buffer));
    if (type->id() == TypeId::DENSE_UNION) {
      QUIVER_ASSIGN_OR_RAISE(const Json* offsets, GetValues(column, "OFFSET", count));
      QUIVER_ASSIGN_OR_RAISE(auto offset_buffer,
                             ReadIntegersAs<int32_t>(*offsets, count, "OFFSET"));
      out->buffers.push_back(std::move(offset_buffer));
    }
    return FillChildren(column, *type, depth, out);
  }

  // A dictionary-encoded column: VALIDITY and DATA are the indices; the values
  // come from the "dictionaries" section by the field's dictionary id.
  Status FillDictionary(const Json& column, const TypePtr& type, int64_t count, ArrayData* out) {
    const auto& dict_type = static_cast<const DictionaryType&>(*type);
    QUIVER_ASSIGN_OR_RAISE(const Json* values, GetValues(column, "DATA", count));
    QUIVER_ASSIGN_OR_RAISE(auto indices,
                           ReadIntegers(*values, count, dict_type.index_type()->id(), "DATA"));
    out->buffers.push_back(std::move(indices));
    auto id = dictionary_id_of_.find(type.get());
    if (id == dictionary_id_of_.end()) {
      return Status::Invalid("the dictionary type ", type->ToString(),
                             " does not belong to a schema field");
    }
    QUIVER_ASSIGN_OR_RAISE(out->dictionary, GetDictionary(id->second));
    return Status::OK();
  }

  MemoryPool* pool_;
  std::map<const DataType*, int64_t> dictionary_id_of_;
  std::map<int64_t, TypePtr> dictionary_value_type_;
  std::map<int64_t, const Json*> dictionary_json_;
  std::map<int64_t, ArrayDataPtr> dictionary_data_;
  std::set<int64_t> dictionaries_in_progress_;
};

}  // namespace

Result<IntegrationFile> ParseIntegrationJson(const std::string& json_text, MemoryPool* pool) {
  Json document;
  try {
    document = Json::parse(json_text);
  } catch (const Json::exception& e) {
    return Status::Invalid("expected an integration JSON document but parsing failed: ", e.what());
  }
  return DocumentReader(pool).Read(document);
}

Result<IntegrationFile> ReadIntegrationJson(const std::string& path, MemoryPool* pool) {
  QUIVER_ASSIGN_OR_RAISE(std::string text, ReadMaybeCompressedFile(path));
  auto file = ParseIntegrationJson(text, pool);
  if (!file.ok()) return file.status().WithContext("while reading '" + path + "'");
  return file;
}

std::string ArrowTestingDir() {
  const char* from_env = std::getenv("QUIVER_ARROW_TESTING_DIR");
  if (from_env != nullptr && from_env[0] != '\0') return from_env;
  return QUIVER_DEFAULT_ARROW_TESTING_DIR;
}

Result<std::vector<GoldFile>> ListGoldFiles() {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(ArrowTestingDir()) / "arrow-ipc-stream" / "integration";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::IOError(
        "expected the gold files in the directory '", root.string(),
        "' but it does not exist (set QUIVER_ARROW_TESTING_DIR to the arrow-testing checkout)");
  }
  constexpr std::string_view kJsonSuffix = ".json.gz";
  std::vector<GoldFile> out;
  for (const auto& version_dir : fs::directory_iterator(root, ec)) {
    if (!version_dir.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(version_dir.path(), ec)) {
      const std::string filename = entry.path().filename().string();
      if (filename.size() <= kJsonSuffix.size() || !filename.ends_with(kJsonSuffix)) continue;
      GoldFile gold;
      gold.version = version_dir.path().filename().string();
      gold.name = filename.substr(0, filename.size() - kJsonSuffix.size());
      gold.json_path = entry.path().string();
      gold.stream_path = (version_dir.path() / (gold.name + ".stream")).string();
      gold.file_path = (version_dir.path() / (gold.name + ".arrow_file")).string();
      for (const std::string* companion : {&gold.stream_path, &gold.file_path}) {
        if (!fs::is_regular_file(*companion, ec)) {
          return Status::IOError("gold case '", gold.json_path, "' has no companion '", *companion,
                                 "'");
        }
      }
      out.push_back(std::move(gold));
    }
    if (ec) break;
  }
  if (ec) return Status::IOError("cannot list '", root.string(), "': ", ec.message());
  std::sort(out.begin(), out.end(), [](const GoldFile& a, const GoldFile& b) {
    return std::tie(a.version, a.name) < std::tie(b.version, b.name);
  });
  return out;
}

}  // namespace quiver::testing
