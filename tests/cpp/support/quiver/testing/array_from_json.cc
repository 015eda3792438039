// ArrayFromJSON: JSON literal -> builders -> array (see array_from_json.h).
//
// The converter walks the JSON value and the type together, appending to the
// builder MakeBuilder made for the type. Dictionary and run-end-encoded types
// take plain values: those are first built as an array of the value type and
// then handed to the encoding builder, which is exactly the path real code
// takes when it encodes an existing array.
#include "quiver/testing/array_from_json.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "quiver/builder.h"

namespace quiver::testing {
namespace {

using Json = nlohmann::json;

std::string Describe(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string Where(const std::string& path) { return path.empty() ? "the top level" : "element " + path; }

Status Expected(const std::string& path, std::string_view what, const DataType& type, const Json& found) {
  return Status::Invalid("ArrayFromJSON: ", Where(path), ": expected ", what, " for ", type.ToString(),
                         " but found ", Describe(found));
}

template <typename T>
Result<T> ToInteger(const Json& v, const std::string& path, const DataType& type) {
  if (!v.is_number_integer()) return Expected(path, "an integer", type, v);
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (!std::in_range<T>(u)) return Expected(path, "an integer in range", type, v);
    return static_cast<T>(u);
  }
  const int64_t i = v.get<int64_t>();
  if (!std::in_range<T>(i)) return Expected(path, "an integer in range", type, v);
  return static_cast<T>(i);
}

Result<double> ToDouble(const Json& v, const std::string& path, const DataType& type) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s == "NaN" || s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Inf" || s == "inf" || s == "+Inf" || s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Inf" || s == "-inf" || s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  return Expected(path, "a number or \"NaN\", \"Inf\", \"-Inf\"", type, v);
}

class Converter {
 public:
  explicit Converter(MemoryPool* pool) : pool_(pool) {}

  // A standalone array of `type` from the JSON array `values`.
  Result<ArrayPtr> Convert(const TypePtr& type, const Json& values, const std::string& prefix) {
    QUIVER_ASSIGN_OR_RAISE(auto builder, MakeBuilder(type, pool_));
    QUIVER_RETURN_NOT_OK(AppendMany(builder.get(), type, values, prefix));
    return builder->Finish();
  }

  // Appends each entry of the JSON array `values`; entry i is named prefix[i] in errors.
  Status AppendMany(ArrayBuilder* b, const TypePtr& type, const Json& values, const std::string& prefix) {
    switch (type->id()) {
      case TypeId::DICTIONARY: {
        QUIVER_ASSIGN_OR_RAISE(
            auto plain, Convert(static_cast<const DictionaryType&>(*type).value_type(), values, prefix));
        return Context(static_cast<DictionaryBuilder*>(b)->AppendValues(*plain), prefix);
      }
      case TypeId::RUN_END_ENCODED: {
        QUIVER_ASSIGN_OR_RAISE(
            auto plain, Convert(static_cast<const RunEndEncodedType&>(*type).value_type(), values, prefix));
        return Context(static_cast<RunEndEncodedBuilder*>(b)->AppendValues(*plain), prefix);
      }
      case TypeId::EXTENSION:
        return AppendMany(static_cast<ExtensionBuilder*>(b)->storage_builder(),
                          static_cast<const ExtensionType&>(*type).storage_type(), values, prefix);
      default:
        break;
    }
    QUIVER_RETURN_NOT_OK(b->Reserve(static_cast<int64_t>(values.size())));
    for (size_t i = 0; i < values.size(); ++i) {
      QUIVER_RETURN_NOT_OK(AppendOne(b, type, values[i], prefix + "[" + std::to_string(i) + "]"));
    }
    return Status::OK();
  }

  Status AppendOne(ArrayBuilder* b, const TypePtr& type, const Json& v, const std::string& path) {
    if (v.is_null()) return Context(b->AppendNull(), path);
    const DataType& t = *type;
    switch (t.id()) {
      case TypeId::NA:
        return Expected(path, "null", t, v);
      case TypeId::BOOL:
        if (!v.is_boolean()) return Expected(path, "true or false", t, v);
        return static_cast<BooleanBuilder*>(b)->Append(v.get<bool>());
      case TypeId::INT8: return AppendInt<int8_t>(b, v, path, t);
      case TypeId::INT16: return AppendInt<int16_t>(b, v, path, t);
      case TypeId::INT32:
      case TypeId::DATE32:
      case TypeId::TIME32:
      case TypeId::INTERVAL_MONTHS: return AppendInt<int32_t>(b, v, path, t);
      case TypeId::INT64:
      case TypeId::DATE64:
      case TypeId::TIME64:
      case TypeId::TIMESTAMP:
      case TypeId::DURATION: return AppendInt<int64_t>(b, v, path, t);
      case TypeId::UINT8: return AppendInt<uint8_t>(b, v, path, t);
      case TypeId::UINT16: return AppendInt<uint16_t>(b, v, path, t);
      case TypeId::UINT32: return AppendInt<uint32_t>(b, v, path, t);
      case TypeId::UINT64: return AppendInt<uint64_t>(b, v, path, t);
      case TypeId::HALF_FLOAT: {
        QUIVER_ASSIGN_OR_RAISE(double d, ToDouble(v, path, t));
        return static_cast<HalfFloatBuilder*>(b)->AppendFloat(static_cast<float>(d));
      }
      case TypeId::FLOAT: {
        QUIVER_ASSIGN_OR_RAISE(double d, ToDouble(v, path, t));
        return static_cast<FloatBuilder*>(b)->Append(static_cast<float>(d));
      }
      case TypeId::DOUBLE: {
        QUIVER_ASSIGN_OR_RAISE(double d, ToDouble(v, path, t));
        return static_cast<DoubleBuilder*>(b)->Append(d);
      }
      case TypeId::DECIMAL32:
      case TypeId::DECIMAL64:
      case TypeId::DECIMAL128:
      case TypeId::DECIMAL256: {
        auto* db = static_cast<DecimalBuilder*>(b);
        if (v.is_string()) return Context(db->AppendDecimal(v.get_ref<const std::string&>()), path);
        if (v.is_number_integer()) return Context(db->AppendDecimal(v.dump()), path);
        return Expected(path, "a decimal string such as \"1.23\"", t, v);
      }
      case TypeId::INTERVAL_DAY_TIME: {
        if (!v.is_array() || v.size() != 2) return Expected(path, "[days, milliseconds]", t, v);
        QUIVER_ASSIGN_OR_RAISE(int32_t days, ToInteger<int32_t>(v[0], path + "[0]", t));
        QUIVER_ASSIGN_OR_RAISE(int32_t ms, ToInteger<int32_t>(v[1], path + "[1]", t));
        return static_cast<DayTimeIntervalBuilder*>(b)->Append(DayTimeInterval{days, ms});
      }
      case TypeId::INTERVAL_MONTH_DAY_NANO: {
        if (!v.is_array() || v.size() != 3) return Expected(path, "[months, days, nanoseconds]", t, v);
        QUIVER_ASSIGN_OR_RAISE(int32_t months, ToInteger<int32_t>(v[0], path + "[0]", t));
        QUIVER_ASSIGN_OR_RAISE(int32_t days, ToInteger<int32_t>(v[1], path + "[1]", t));
        QUIVER_ASSIGN_OR_RAISE(int64_t nanos, ToInteger<int64_t>(v[2], path + "[2]", t));
        return static_cast<MonthDayNanoIntervalBuilder*>(b)->Append(MonthDayNanoInterval{months, days, nanos});
      }
      case TypeId::BINARY:
      case TypeId::STRING:
        if (!v.is_string()) return Expected(path, "a string", t, v);
        return Context(static_cast<BinaryBuilder*>(b)->Append(v.get_ref<const std::string&>()), path);
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING:
        if (!v.is_string()) return Expected(path, "a string", t, v);
        return Context(static_cast<LargeBinaryBuilder*>(b)->Append(v.get_ref<const std::string&>()), path);
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW:
        if (!v.is_string()) return Expected(path, "a string", t, v);
        return Context(static_cast<BinaryViewBuilder*>(b)->Append(v.get_ref<const std::string&>()), path);
      case TypeId::FIXED_SIZE_BINARY:
        if (!v.is_string()) return Expected(path, "a string", t, v);
        return Context(static_cast<FixedSizeBinaryBuilder*>(b)->Append(v.get_ref<const std::string&>()), path);
      case TypeId::LIST:
      case TypeId::LIST_VIEW: {
        if (!v.is_array()) return Expected(path, "an array of values", t, v);
        auto* lb = static_cast<BaseListBuilder<int32_t>*>(b);
        QUIVER_RETURN_NOT_OK(Context(lb->Append(), path));
        return AppendMany(lb->value_builder(), t.field(0)->type(), v, path);
      }
      case TypeId::LARGE_LIST:
      case TypeId::LARGE_LIST_VIEW: {
        if (!v.is_array()) return Expected(path, "an array of values", t, v);
        auto* lb = static_cast<BaseListBuilder<int64_t>*>(b);
        QUIVER_RETURN_NOT_OK(Context(lb->Append(), path));
        return AppendMany(lb->value_builder(), t.field(0)->type(), v, path);
      }
      case TypeId::FIXED_SIZE_LIST: {
        const int32_t size = static_cast<const FixedSizeListType&>(t).list_size();
        if (!v.is_array() || v.size() != static_cast<size_t>(size)) {
          return Expected(path, "an array of " + std::to_string(size) + " values", t, v);
        }
        auto* fb = static_cast<FixedSizeListBuilder*>(b);
        QUIVER_RETURN_NOT_OK(Context(fb->Append(), path));
        return AppendMany(fb->value_builder(), t.field(0)->type(), v, path);
      }
      case TypeId::MAP: {
        if (!v.is_array()) return Expected(path, "an array of [key, value] pairs", t, v);
        const auto& mt = static_cast<const MapType&>(t);
        auto* mb = static_cast<MapBuilder*>(b);
        QUIVER_RETURN_NOT_OK(Context(mb->Append(), path));
        for (size_t j = 0; j < v.size(); ++j) {
          const std::string entry = path + "[" + std::to_string(j) + "]";
          const Json& pair = v[j];
          if (!pair.is_array() || pair.size() != 2) return Expected(entry, "a [key, value] pair", t, pair);
          if (pair[0].is_null()) return Expected(entry + "[0]", "a non-null map key", t, pair[0]);
          QUIVER_RETURN_NOT_OK(AppendOne(mb->key_builder(), mt.key_type(), pair[0], entry + "[0]"));
          QUIVER_RETURN_NOT_OK(AppendOne(mb->item_builder(), mt.item_type(), pair[1], entry + "[1]"));
        }
        return Status::OK();
      }
      case TypeId::STRUCT: return AppendStruct(static_cast<StructBuilder*>(b), static_cast<const StructType&>(t), v, path);
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION: {
        if (!v.is_array() || v.size() != 2) return Expected(path, "a [type_code, value] pair", t, v);
        QUIVER_ASSIGN_OR_RAISE(int8_t code, ToInteger<int8_t>(v[0], path + "[0]", t));
        auto* ub = static_cast<UnionBuilder*>(b);
        QUIVER_RETURN_NOT_OK(Context(ub->Append(code), path));
        const int child = static_cast<const UnionType&>(t).child_ids()[static_cast<size_t>(code)];
        return AppendOne(ub->builder_for(code), t.field(child)->type(), v[1], path + "[1]");
      }
      case TypeId::DICTIONARY: {
        QUIVER_ASSIGN_OR_RAISE(auto plain, ConvertOne(static_cast<const DictionaryType&>(t).value_type(), v, path));
        return Context(static_cast<DictionaryBuilder*>(b)->AppendValues(*plain), path);
      }
      case TypeId::RUN_END_ENCODED: {
        QUIVER_ASSIGN_OR_RAISE(auto plain,
                               ConvertOne(static_cast<const RunEndEncodedType&>(t).value_type(), v, path));
        return Context(static_cast<RunEndEncodedBuilder*>(b)->AppendValues(*plain), path);
      }
      case TypeId::EXTENSION:
        return AppendOne(static_cast<ExtensionBuilder*>(b)->storage_builder(),
                         static_cast<const ExtensionType&>(t).storage_type(), v, path);
    }
    return Status::NotImplemented("ArrayFromJSON: no conversion for ", t.ToString());
  }

 private:
  static Status Context(Status st, const std::string& path) {
    if (st.ok()) return st;
    return st.WithContext("ArrayFromJSON: " + Where(path));
  }

  template <typename T>
  Status AppendInt(ArrayBuilder* b, const Json& v, const std::string& path, const DataType& t) {
    QUIVER_ASSIGN_OR_RAISE(T value, ToInteger<T>(v, path, t));
    return static_cast<NumericBuilder<T>*>(b)->Append(value);
  }

  // A one-element array of `type` holding `v` (for encoding builders fed element by element).
  Result<ArrayPtr> ConvertOne(const TypePtr& type, const Json& v, const std::string& path) {
    QUIVER_ASSIGN_OR_RAISE(auto builder, MakeBuilder(type, pool_));
    QUIVER_RETURN_NOT_OK(AppendOne(builder.get(), type, v, path));
    return builder->Finish();
  }

  Status AppendStruct(StructBuilder* b, const StructType& t, const Json& v, const std::string& path) {
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (t.GetFieldIndex(it.key()) < 0) {
          return Status::Invalid("ArrayFromJSON: ", Where(path), ": ", t.ToString(), " has no field named '",
                                 it.key(), "'");
        }
      }
      QUIVER_RETURN_NOT_OK(b->Append());
      for (int i = 0; i < t.num_fields(); ++i) {
        const auto& f = t.field(i);
        auto it = v.find(f->name());
        if (it == v.end()) {
          QUIVER_RETURN_NOT_OK(Context(b->field_builder(i)->AppendNull(), path + "." + f->name()));
        } else {
          QUIVER_RETURN_NOT_OK(AppendOne(b->field_builder(i), f->type(), *it, path + "." + f->name()));
        }
      }
      return Status::OK();
    }
    if (v.is_array()) {
      if (v.size() != static_cast<size_t>(t.num_fields())) {
        return Expected(path, "an array of " + std::to_string(t.num_fields()) + " field values", t, v);
      }
      QUIVER_RETURN_NOT_OK(b->Append());
      for (int i = 0; i < t.num_fields(); ++i) {
        QUIVER_RETURN_NOT_OK(
            AppendOne(b->field_builder(i), t.field(i)->type(), v[static_cast<size_t>(i)], path + "." + t.field(i)->name()));
      }
      return Status::OK();
    }
    return Expected(path, "an object or an array of field values", t, v);
  }

  MemoryPool* pool_;
};

}  // namespace

Result<ArrayPtr> ArrayFromJSON(const TypePtr& type, std::string_view json, MemoryPool* pool) {
  if (!type) return Status::Invalid("ArrayFromJSON: no type given");
  Json doc;
  try {
    doc = Json::parse(json.data(), json.data() + json.size());
  } catch (const Json::parse_error& e) {
    return Status::Invalid("ArrayFromJSON: the text is not valid JSON: ", e.what());
  }
  if (!doc.is_array()) {
    return Status::Invalid("ArrayFromJSON: expected a JSON array of elements but found ", Describe(doc));
  }
  Converter converter(pool);
  QUIVER_ASSIGN_OR_RAISE(auto array, converter.Convert(type, doc, ""));
  QUIVER_RETURN_NOT_OK(array->ValidateFull().WithContext("ArrayFromJSON built an invalid " + type->ToString() + " array"));
  return array;
}

ArrayPtr ArrayFromJSONOrDie(const TypePtr& type, std::string_view json) {
  auto result = ArrayFromJSON(type, json);
  if (!result.ok()) {
    result.status().Abort("ArrayFromJSONOrDie(" + (type ? type->ToString() : std::string("null")) + ", " +
                          std::string(json) + ")");
  }
  return *std::move(result);
}

Result<ArrayPtr> DictArrayFromJSON(const TypePtr& type, std::string_view indices_json,
                                   std::string_view dictionary_json, MemoryPool* pool) {
  if (!type || type->id() != TypeId::DICTIONARY) {
    return Status::TypeError("DictArrayFromJSON needs a dictionary type but found ",
                             type ? type->ToString() : std::string("null"));
  }
  const auto& dt = static_cast<const DictionaryType&>(*type);
  QUIVER_ASSIGN_OR_RAISE(auto indices, ArrayFromJSON(dt.index_type(), indices_json, pool));
  QUIVER_ASSIGN_OR_RAISE(auto dictionary, ArrayFromJSON(dt.value_type(), dictionary_json, pool));
  return DictionaryArray::FromArrays(type, indices, dictionary);
}

}  // namespace quiver::testing
