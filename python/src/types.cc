// Data types, fields and schemas: the classes (one Python class per
// parameterised type, as pyarrow has), their factories (pa.int64(),
// pa.timestamp('ms'), ...), and type aliases ('int64', 'timestamp[ms]').
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <charconv>
#include <map>

#include "common.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"
#include "types_internal.h"

namespace quiver::py {

// ---------------------------------------------------------------------------
// Small conversions

TimeUnit ParseTimeUnit(std::string_view unit) {
  if (unit == "s") return TimeUnit::SECOND;
  if (unit == "ms") return TimeUnit::MILLI;
  if (unit == "us") return TimeUnit::MICRO;
  if (unit == "ns") return TimeUnit::NANO;
  throw nb::value_error(("Invalid time unit: expected one of 's', 'ms', 'us', 'ns' but found '" +
                         std::string(unit) + "'")
                            .c_str());
}

std::string ToBytesOrStr(nb::handle obj) {
  if (PyUnicode_Check(obj.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
    if (data == nullptr) throw nb::python_error();
    return std::string(data, static_cast<size_t>(size));
  }
  if (PyBytes_Check(obj.ptr())) {
    return std::string(PyBytes_AS_STRING(obj.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(obj.ptr())));
  }
  if (PyObject_CheckBuffer(obj.ptr())) {
    auto buffer = BufferFromPyObject(obj);
    return std::string(buffer->view());
  }
  throw nb::type_error(("expected str or bytes but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
}

MetadataPtr ToMetadata(nb::handle obj) {
  if (obj.is_none()) return nullptr;
  std::vector<std::pair<std::string, std::string>> pairs;
  nb::object items = PyDict_Check(obj.ptr()) || nb::hasattr(obj, "items") ? obj.attr("items")() : nb::borrow(obj);
  for (nb::handle item : items) {
    nb::object pair = nb::borrow(item);
    if (!PyTuple_Check(pair.ptr()) || PyTuple_GET_SIZE(pair.ptr()) != 2) {
      throw nb::type_error("metadata must be a dict or a list of (key, value) pairs");
    }
    pairs.emplace_back(ToBytesOrStr(pair[0]), ToBytesOrStr(pair[1]));
  }
  return std::make_shared<KeyValueMetadata>(std::move(pairs));
}

nb::object FromMetadata(const MetadataPtr& metadata) {
  if (!metadata) return nb::none();
  nb::dict out;
  for (const auto& [key, value] : metadata->pairs()) {
    out[nb::bytes(key.data(), key.size())] = nb::bytes(value.data(), value.size());
  }
  return out;
}

// ---------------------------------------------------------------------------
// Aliases: the strings pyarrow's type_for_alias understands.

namespace {

std::optional<TimeUnit> UnitFromText(std::string_view text) {
  if (text == "s") return TimeUnit::SECOND;
  if (text == "ms") return TimeUnit::MILLI;
  if (text == "us") return TimeUnit::MICRO;
  if (text == "ns") return TimeUnit::NANO;
  return std::nullopt;
}

}  // namespace

TypePtr TypeForAlias(std::string_view name) {
  static const std::map<std::string, TypePtr, std::less<>> simple = {
      {"null", null()},
      {"bool", boolean()},
      {"boolean", boolean()},
      {"i1", int8()},
      {"int8", int8()},
      {"i2", int16()},
      {"int16", int16()},
      {"i4", int32()},
      {"int32", int32()},
      {"i8", int64()},
      {"int64", int64()},
      {"u1", uint8()},
      {"uint8", uint8()},
      {"u2", uint16()},
      {"uint16", uint16()},
      {"u4", uint32()},
      {"uint32", uint32()},
      {"u8", uint64()},
      {"uint64", uint64()},
      {"f2", float16()},
      {"halffloat", float16()},
      {"float16", float16()},
      {"f4", float32()},
      {"float", float32()},
      {"float32", float32()},
      {"f8", float64()},
      {"double", float64()},
      {"float64", float64()},
      {"string", utf8()},
      {"str", utf8()},
      {"utf8", utf8()},
      {"binary", binary()},
      {"large_string", large_utf8()},
      {"large_str", large_utf8()},
      {"large_utf8", large_utf8()},
      {"large_binary", large_binary()},
      {"binary_view", binary_view()},
      {"string_view", utf8_view()},
      {"date32", date32()},
      {"date64", date64()},
      {"date32[day]", date32()},
      {"date64[ms]", date64()},
      {"time32[s]", time32(TimeUnit::SECOND)},
      {"time32[ms]", time32(TimeUnit::MILLI)},
      {"time64[us]", time64(TimeUnit::MICRO)},
      {"time64[ns]", time64(TimeUnit::NANO)},
      {"month_day_nano_interval", month_day_nano_interval()},
      {"month_interval", month_interval()},
      {"day_time_interval", day_time_interval()},
  };
  if (auto it = simple.find(name); it != simple.end()) return it->second;
  auto bracketed = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (name.size() > prefix.size() + 2 && name.substr(0, prefix.size()) == prefix &&
        name[prefix.size()] == '[' && name.back() == ']') {
      return name.substr(prefix.size() + 1, name.size() - prefix.size() - 2);
    }
    return std::nullopt;
  };
  if (auto inner = bracketed("timestamp")) {
    std::string_view unit_text = *inner;
    std::string tz;
    if (auto comma = inner->find(','); comma != std::string_view::npos) {
      unit_text = inner->substr(0, comma);
      std::string_view rest = inner->substr(comma + 1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (rest.substr(0, 3) == "tz=") tz = std::string(rest.substr(3));
    }
    if (auto unit = UnitFromText(unit_text)) return timestamp(*unit, tz);
  }
  if (auto inner = bracketed("duration")) {
    if (auto unit = UnitFromText(*inner)) return duration(*unit);
  }
  ThrowStatus(Status::Invalid("No type alias for ", name));
}

TypePtr EnsureType(nb::handle obj) {
  if (IsType(obj)) return ToType(obj);
  if (PyUnicode_Check(obj.ptr())) return TypeForAlias(nb::cast<std::string>(obj));
  throw nb::type_error(("expected a quiver.DataType or a type alias string but found " +
                        std::string(Py_TYPE(obj.ptr())->tp_name))
                           .c_str());
}

FieldPtr EnsureField(nb::handle obj) {
  if (nb::isinstance<PyField>(obj)) return nb::cast<PyField&>(obj).field;
  if (PyTuple_Check(obj.ptr()) && PyTuple_GET_SIZE(obj.ptr()) >= 2 && PyTuple_GET_SIZE(obj.ptr()) <= 3) {
    nb::tuple t = nb::borrow<nb::tuple>(obj);
    bool nullable = PyTuple_GET_SIZE(obj.ptr()) == 3 ? nb::cast<bool>(t[2]) : true;
    return field(nb::cast<std::string>(t[0]), EnsureType(t[1]), nullable);
  }
  throw nb::type_error(("expected a quiver.Field or a (name, type) tuple but found " +
                        std::string(Py_TYPE(obj.ptr())->tp_name))
                           .c_str());
}

FieldVector ToFieldVector(nb::handle fields) {
  FieldVector out;
  if (PyDict_Check(fields.ptr()) || (nb::hasattr(fields, "items") && !IsType(fields))) {
    for (nb::handle item : fields.attr("items")()) {
      nb::tuple pair = nb::borrow<nb::tuple>(item);
      if (nb::isinstance<PyField>(pair[1])) {
        out.push_back(nb::cast<PyField&>(pair[1]).field->WithName(nb::cast<std::string>(pair[0])));
      } else {
        out.push_back(field(nb::cast<std::string>(pair[0]), EnsureType(pair[1])));
      }
    }
    return out;
  }
  if (IsType(fields)) {
    // A struct type stands for its fields (pa.schema(struct_type) is not allowed, but
    // union and struct factories accept one in pyarrow).
    return ToType(fields)->fields();
  }
  for (nb::handle item : fields) out.push_back(EnsureField(item));
  return out;
}

// ---------------------------------------------------------------------------
// Wrapping and unwrapping

namespace {

using TypeWrapFn = nb::object (*)(TypePtr);

template <TypeId kId>
nb::object WrapTypeAs(TypePtr type) {
  return nb::cast(TypeOf<kId>{{std::move(type)}});
}

nb::object WrapPlainType(TypePtr type) { return nb::cast(PyDataType{std::move(type)}); }

constexpr TypeId kTypeClassIds[] = {
    TypeId::TIME32,           TypeId::TIME64,          TypeId::TIMESTAMP,    TypeId::DURATION,
    TypeId::FIXED_SIZE_BINARY, TypeId::DECIMAL32,      TypeId::DECIMAL64,    TypeId::DECIMAL128,
    TypeId::DECIMAL256,       TypeId::LIST,            TypeId::LARGE_LIST,   TypeId::LIST_VIEW,
    TypeId::LARGE_LIST_VIEW,  TypeId::FIXED_SIZE_LIST, TypeId::MAP,          TypeId::STRUCT,
    TypeId::SPARSE_UNION,     TypeId::DENSE_UNION,     TypeId::DICTIONARY,   TypeId::RUN_END_ENCODED,
    TypeId::EXTENSION,
};

template <size_t... I>
std::array<TypeWrapFn, 64> MakeTypeWrapTable(std::index_sequence<I...>) {
  std::array<TypeWrapFn, 64> table{};
  table.fill(&WrapPlainType);
  ((table[static_cast<size_t>(kTypeClassIds[I])] = &WrapTypeAs<kTypeClassIds[I]>), ...);
  return table;
}

const std::array<TypeWrapFn, 64>& TypeWrapTable() {
  static const auto table =
      MakeTypeWrapTable(std::make_index_sequence<sizeof(kTypeClassIds) / sizeof(kTypeClassIds[0])>());
  return table;
}

const char* TypeClassName(TypeId id) {
  switch (id) {
    case TypeId::TIME32: return "Time32Type";
    case TypeId::TIME64: return "Time64Type";
    case TypeId::TIMESTAMP: return "TimestampType";
    case TypeId::DURATION: return "DurationType";
    case TypeId::FIXED_SIZE_BINARY: return "FixedSizeBinaryType";
    case TypeId::DECIMAL32: return "Decimal32Type";
    case TypeId::DECIMAL64: return "Decimal64Type";
    case TypeId::DECIMAL128: return "Decimal128Type";
    case TypeId::DECIMAL256: return "Decimal256Type";
    case TypeId::LIST: return "ListType";
    case TypeId::LARGE_LIST: return "LargeListType";
    case TypeId::LIST_VIEW: return "ListViewType";
    case TypeId::LARGE_LIST_VIEW: return "LargeListViewType";
    case TypeId::FIXED_SIZE_LIST: return "FixedSizeListType";
    case TypeId::MAP: return "MapType";
    case TypeId::STRUCT: return "StructType";
    case TypeId::SPARSE_UNION: return "SparseUnionType";
    case TypeId::DENSE_UNION: return "DenseUnionType";
    case TypeId::DICTIONARY: return "DictionaryType";
    case TypeId::RUN_END_ENCODED: return "RunEndEncodedType";
    case TypeId::EXTENSION: return "ExtensionType";
    default: return "DataType";
  }
}

}  // namespace

nb::object WrapType(TypePtr type) {
  if (!type) return nb::none();
  auto id = static_cast<size_t>(type->id());
  return TypeWrapTable()[id](std::move(type));
}

nb::object WrapField(FieldPtr field) { return nb::cast(PyField{std::move(field)}); }
nb::object WrapSchema(SchemaPtr schema) { return nb::cast(PySchema{std::move(schema)}); }

bool IsType(nb::handle obj) { return nb::isinstance<PyDataType>(obj); }

const TypePtr& ToType(nb::handle obj) {
  if (!IsType(obj)) {
    throw nb::type_error(("expected a quiver.DataType but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyDataType&>(obj).type;
}
const FieldPtr& ToField(nb::handle obj) {
  if (!nb::isinstance<PyField>(obj)) {
    throw nb::type_error(("expected a quiver.Field but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyField&>(obj).field;
}
const SchemaPtr& ToSchema(nb::handle obj) {
  if (!nb::isinstance<PySchema>(obj)) {
    throw nb::type_error(("expected a quiver.Schema but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<PySchema&>(obj).schema;
}

// ---------------------------------------------------------------------------
// Binding

namespace {

std::string TypeRepr(const PyDataType& t) {
  return std::string(TypeClassName(t.type->id())) + "(" + t.type->ToString() + ")";
}

bool TypeEqualsObject(const PyDataType& t, nb::handle other, bool check_metadata) {
  if (IsType(other)) return t.type->Equals(ToType(other), check_metadata);
  if (PyUnicode_Check(other.ptr())) {
    try {
      return t.type->Equals(TypeForAlias(nb::cast<std::string>(other)));
    } catch (const StatusError&) {
      return false;
    }
  }
  return false;
}

template <typename Class>
void BindListLike(Class& cls) {
  cls.def_prop_ro("value_type", [](const PyDataType& t) {
       return WrapType(static_cast<const BaseListType&>(*t.type).value_type());
     })
      .def_prop_ro("value_field", [](const PyDataType& t) {
        return WrapField(static_cast<const BaseListType&>(*t.type).value_field());
      });
}

template <typename Class>
void BindDecimal(Class& cls) {
  cls.def_prop_ro("precision", [](const PyDataType& t) { return static_cast<const DecimalType&>(*t.type).precision(); })
      .def_prop_ro("scale", [](const PyDataType& t) { return static_cast<const DecimalType&>(*t.type).scale(); });
}

template <typename Class>
void BindTemporalUnit(Class& cls) {
  cls.def_prop_ro("unit", [](const PyDataType& t) {
    return std::string(TimeUnitSuffix(static_cast<const TemporalUnitType&>(*t.type).unit()));
  });
}

template <typename Class>
void BindUnion(Class& cls) {
  cls.def_prop_ro("mode",
                  [](const PyDataType& t) { return t.type->id() == TypeId::SPARSE_UNION ? "sparse" : "dense"; })
      .def_prop_ro("type_codes",
                   [](const PyDataType& t) {
                     const auto& codes = static_cast<const UnionType&>(*t.type).type_codes();
                     return std::vector<int>(codes.begin(), codes.end());
                   })
      .def("__len__", [](const PyDataType& t) { return t.type->num_fields(); })
      .def("__iter__", [](const PyDataType& t) {
        nb::list fields;
        for (const auto& f : t.type->fields()) fields.append(WrapField(f));
        return nb::iter(fields);
      })
      .def("__getitem__", [](const PyDataType& t, int i) {
        if (i < 0) i += t.type->num_fields();
        if (i < 0 || i >= t.type->num_fields()) throw nb::index_error("union child index out of range");
        return WrapField(t.type->field(i));
      });
}

TypePtr CheckedTime32(const std::string& unit) {
  TimeUnit u = ParseTimeUnit(unit);
  if (u != TimeUnit::SECOND && u != TimeUnit::MILLI) {
    throw nb::value_error(("Invalid time unit for time32: expected 's' or 'ms' but found '" + unit + "'").c_str());
  }
  return time32(u);
}

TypePtr CheckedTime64(const std::string& unit) {
  TimeUnit u = ParseTimeUnit(unit);
  if (u != TimeUnit::MICRO && u != TimeUnit::NANO) {
    throw nb::value_error(("Invalid time unit for time64: expected 'us' or 'ns' but found '" + unit + "'").c_str());
  }
  return time64(u);
}

TypePtr ListFactory(TypeId id, nb::handle value, int32_t list_size) {
  FieldPtr value_field = nb::isinstance<PyField>(value) ? ToField(value) : field("item", EnsureType(value));
  if (id == TypeId::LIST && list_size >= 0) return fixed_size_list(value_field, list_size);
  if (list_size < -1) ThrowStatus(Status::Invalid("list_size must be >= 0, got ", list_size));
  switch (id) {
    case TypeId::LARGE_LIST: return large_list(value_field);
    case TypeId::LIST_VIEW: return list_view(value_field);
    case TypeId::LARGE_LIST_VIEW: return large_list_view(value_field);
    default: return list(value_field);
  }
}

std::vector<int8_t> ToTypeCodes(const std::optional<std::vector<int>>& codes) {
  std::vector<int8_t> out;
  if (!codes) return out;
  for (int code : *codes) {
    if (code < 0 || code > UnionType::kMaxTypeCode) {
      ThrowStatus(Status::Invalid("union type code must be in [0, 127], got ", code));
    }
    out.push_back(static_cast<int8_t>(code));
  }
  return out;
}

}  // namespace

void InitTypes(nb::module_& m) {
  auto data_type =
      nb::class_<PyDataType>(m, "DataType", "An Arrow logical type. Create one with a factory such as int64().")
          .def("__str__", [](const PyDataType& t) { return t.type->ToString(); })
          .def("__repr__", &TypeRepr)
          .def("__hash__", [](const PyDataType& t) { return nb::hash(nb::str(t.type->ToString().c_str())); })
          .def("equals", [](const PyDataType& t, nb::handle other, bool check_metadata) {
                 return TypeEqualsObject(t, other, check_metadata);
               },
               nb::arg("other"), nb::arg("check_metadata") = false)
          .def("__eq__", [](const PyDataType& t, nb::handle other) { return TypeEqualsObject(t, other, false); }, nb::arg("other").none())
          .def("__ne__", [](const PyDataType& t, nb::handle other) { return !TypeEqualsObject(t, other, false); }, nb::arg("other").none())
          .def_prop_ro("id", [](const PyDataType& t) { return static_cast<int>(t.type->id()); })
          .def_prop_ro("_kind", [](const PyDataType& t) { return std::string(t.type->name()); })
          .def_prop_ro("bit_width", [](const PyDataType& t) {
            int width = t.type->bit_width();
            if (width < 0) throw nb::value_error("Non-fixed width type");
            return width;
          })
          .def_prop_ro("byte_width", [](const PyDataType& t) {
            int width = t.type->byte_width();
            if (width < 0) throw nb::value_error("Less than one byte");
            return width;
          })
          .def_prop_ro("num_fields", [](const PyDataType& t) { return t.type->num_fields(); })
          .def("field", [](const PyDataType& t, nb::handle key) {
            if (PyUnicode_Check(key.ptr()) && t.type->id() == TypeId::STRUCT) {
              auto name = nb::cast<std::string>(key);
              int index = static_cast<const StructType&>(*t.type).GetFieldIndex(name);
              if (index < 0) ThrowStatus(Status::KeyError("Field \"", name, "\" does not exist in ", t.type->ToString()));
              return WrapField(t.type->field(index));
            }
            int i = nb::cast<int>(key);
            if (i < 0) i += t.type->num_fields();
            if (i < 0 || i >= t.type->num_fields()) ThrowStatus(Status::IndexError("child index ", i, " out of bounds"));
            return WrapField(t.type->field(i));
          }, nb::arg("i"));

  auto time32_cls = nb::class_<TypeOf<TypeId::TIME32>, PyDataType>(m, "Time32Type");
  BindTemporalUnit(time32_cls);
  auto time64_cls = nb::class_<TypeOf<TypeId::TIME64>, PyDataType>(m, "Time64Type");
  BindTemporalUnit(time64_cls);
  auto duration_cls = nb::class_<TypeOf<TypeId::DURATION>, PyDataType>(m, "DurationType");
  BindTemporalUnit(duration_cls);
  nb::class_<TypeOf<TypeId::TIMESTAMP>, PyDataType>(m, "TimestampType")
      .def_prop_ro("unit", [](const PyDataType& t) {
        return std::string(TimeUnitSuffix(static_cast<const TimestampType&>(*t.type).unit()));
      })
      .def_prop_ro("tz", [](const PyDataType& t) -> nb::object {
        const auto& tz = static_cast<const TimestampType&>(*t.type).timezone();
        if (tz.empty()) return nb::none();
        return nb::str(tz.c_str(), tz.size());
      });
  nb::class_<TypeOf<TypeId::FIXED_SIZE_BINARY>, PyDataType>(m, "FixedSizeBinaryType");
  auto d32 = nb::class_<TypeOf<TypeId::DECIMAL32>, PyDataType>(m, "Decimal32Type");
  BindDecimal(d32);
  auto d64 = nb::class_<TypeOf<TypeId::DECIMAL64>, PyDataType>(m, "Decimal64Type");
  BindDecimal(d64);
  auto d128 = nb::class_<TypeOf<TypeId::DECIMAL128>, PyDataType>(m, "Decimal128Type");
  BindDecimal(d128);
  auto d256 = nb::class_<TypeOf<TypeId::DECIMAL256>, PyDataType>(m, "Decimal256Type");
  BindDecimal(d256);
  auto list_cls = nb::class_<TypeOf<TypeId::LIST>, PyDataType>(m, "ListType");
  BindListLike(list_cls);
  auto large_list_cls = nb::class_<TypeOf<TypeId::LARGE_LIST>, PyDataType>(m, "LargeListType");
  BindListLike(large_list_cls);
  auto list_view_cls = nb::class_<TypeOf<TypeId::LIST_VIEW>, PyDataType>(m, "ListViewType");
  BindListLike(list_view_cls);
  auto large_list_view_cls = nb::class_<TypeOf<TypeId::LARGE_LIST_VIEW>, PyDataType>(m, "LargeListViewType");
  BindListLike(large_list_view_cls);
  auto fsl_cls = nb::class_<TypeOf<TypeId::FIXED_SIZE_LIST>, PyDataType>(m, "FixedSizeListType");
  BindListLike(fsl_cls);
  fsl_cls.def_prop_ro("list_size", [](const PyDataType& t) {
    return static_cast<const FixedSizeListType&>(*t.type).list_size();
  });
  nb::class_<TypeOf<TypeId::MAP>, PyDataType>(m, "MapType")
      .def_prop_ro("key_type", [](const PyDataType& t) { return WrapType(static_cast<const MapType&>(*t.type).key_type()); })
      .def_prop_ro("item_type", [](const PyDataType& t) { return WrapType(static_cast<const MapType&>(*t.type).item_type()); })
      .def_prop_ro("key_field", [](const PyDataType& t) { return WrapField(static_cast<const MapType&>(*t.type).key_field()); })
      .def_prop_ro("item_field", [](const PyDataType& t) { return WrapField(static_cast<const MapType&>(*t.type).item_field()); })
      .def_prop_ro("keys_sorted", [](const PyDataType& t) { return static_cast<const MapType&>(*t.type).keys_sorted(); })
      .def_prop_ro("value_type", [](const PyDataType& t) { return WrapType(static_cast<const MapType&>(*t.type).value_type()); })
      .def_prop_ro("value_field", [](const PyDataType& t) { return WrapField(static_cast<const MapType&>(*t.type).value_field()); });
  nb::class_<TypeOf<TypeId::STRUCT>, PyDataType>(m, "StructType")
      .def("__len__", [](const PyDataType& t) { return t.type->num_fields(); })
      .def("__iter__", [](const PyDataType& t) {
        nb::list fields;
        for (const auto& f : t.type->fields()) fields.append(WrapField(f));
        return nb::iter(fields);
      })
      .def("__getitem__", [](nb::handle self, nb::handle key) { return self.attr("field")(key); })
      .def_prop_ro("names", [](const PyDataType& t) {
        std::vector<std::string> names;
        for (const auto& f : t.type->fields()) names.push_back(f->name());
        return names;
      })
      .def_prop_ro("fields", [](const PyDataType& t) {
        nb::list fields;
        for (const auto& f : t.type->fields()) fields.append(WrapField(f));
        return fields;
      })
      .def("get_field_index", [](const PyDataType& t, const std::string& name) {
        return static_cast<const StructType&>(*t.type).GetFieldIndex(name);
      })
      .def("get_all_field_indices", [](const PyDataType& t, const std::string& name) {
        std::vector<int> out;
        for (int i = 0; i < t.type->num_fields(); ++i) {
          if (t.type->field(i)->name() == name) out.push_back(i);
        }
        return out;
      });
  auto sparse_union_cls = nb::class_<TypeOf<TypeId::SPARSE_UNION>, PyDataType>(m, "SparseUnionType");
  BindUnion(sparse_union_cls);
  auto dense_union_cls = nb::class_<TypeOf<TypeId::DENSE_UNION>, PyDataType>(m, "DenseUnionType");
  BindUnion(dense_union_cls);
  nb::class_<TypeOf<TypeId::DICTIONARY>, PyDataType>(m, "DictionaryType")
      .def_prop_ro("index_type", [](const PyDataType& t) { return WrapType(static_cast<const DictionaryType&>(*t.type).index_type()); })
      .def_prop_ro("value_type", [](const PyDataType& t) { return WrapType(static_cast<const DictionaryType&>(*t.type).value_type()); })
      .def_prop_ro("ordered", [](const PyDataType& t) { return static_cast<const DictionaryType&>(*t.type).ordered(); });
  nb::class_<TypeOf<TypeId::RUN_END_ENCODED>, PyDataType>(m, "RunEndEncodedType")
      .def_prop_ro("run_end_type", [](const PyDataType& t) { return WrapType(static_cast<const RunEndEncodedType&>(*t.type).run_end_type()); })
      .def_prop_ro("value_type", [](const PyDataType& t) { return WrapType(static_cast<const RunEndEncodedType&>(*t.type).value_type()); });
  nb::class_<TypeOf<TypeId::EXTENSION>, PyDataType>(m, "ExtensionType")
      .def_prop_ro("extension_name", [](const PyDataType& t) { return static_cast<const ExtensionType&>(*t.type).extension_name(); })
      .def_prop_ro("storage_type", [](const PyDataType& t) { return WrapType(static_cast<const ExtensionType&>(*t.type).storage_type()); })
      .def("__arrow_ext_serialize__", [](const PyDataType& t) {
        const auto& s = static_cast<const ExtensionType&>(*t.type).serialized();
        return nb::bytes(s.data(), s.size());
      });

  // FixedSizeBinaryType.byte_width comes from DataType.byte_width.

  // --- factories
  m.def("null", [] { return WrapType(null()); });
  m.def("bool_", [] { return WrapType(boolean()); });
  m.def("int8", [] { return WrapType(int8()); });
  m.def("int16", [] { return WrapType(int16()); });
  m.def("int32", [] { return WrapType(int32()); });
  m.def("int64", [] { return WrapType(int64()); });
  m.def("uint8", [] { return WrapType(uint8()); });
  m.def("uint16", [] { return WrapType(uint16()); });
  m.def("uint32", [] { return WrapType(uint32()); });
  m.def("uint64", [] { return WrapType(uint64()); });
  m.def("float16", [] { return WrapType(float16()); });
  m.def("float32", [] { return WrapType(float32()); });
  m.def("float64", [] { return WrapType(float64()); });
  m.def("date32", [] { return WrapType(date32()); });
  m.def("date64", [] { return WrapType(date64()); });
  m.def("month_day_nano_interval", [] { return WrapType(month_day_nano_interval()); });
  m.def("month_interval", [] { return WrapType(month_interval()); });
  m.def("day_time_interval", [] { return WrapType(day_time_interval()); });
  m.def("binary", [](int32_t length) {
    if (length == -1) return WrapType(binary());
    if (length < 0) ThrowStatus(Status::Invalid("fixed_size_binary width must be >= 0, got ", length));
    return WrapType(fixed_size_binary(length));
  }, nb::arg("length") = -1, "Variable-length binary, or fixed_size_binary(length) when length is given.");
  m.def("string", [] { return WrapType(utf8()); });
  m.def("utf8", [] { return WrapType(utf8()); });
  m.def("large_binary", [] { return WrapType(large_binary()); });
  m.def("large_string", [] { return WrapType(large_utf8()); });
  m.def("large_utf8", [] { return WrapType(large_utf8()); });
  m.def("binary_view", [] { return WrapType(binary_view()); });
  m.def("string_view", [] { return WrapType(utf8_view()); });
  m.def("fixed_size_binary", [](int32_t width) {
    if (width < 0) ThrowStatus(Status::Invalid("fixed_size_binary width must be >= 0, got ", width));
    return WrapType(fixed_size_binary(width));
  }, nb::arg("byte_width"));
  auto decimal_factory = [](TypeId id) {
    return [id](int32_t precision, int32_t scale) { return WrapType(Unwrap(DecimalType::Make(id, precision, scale))); };
  };
  m.def("decimal32", decimal_factory(TypeId::DECIMAL32), nb::arg("precision"), nb::arg("scale") = 0);
  m.def("decimal64", decimal_factory(TypeId::DECIMAL64), nb::arg("precision"), nb::arg("scale") = 0);
  m.def("decimal128", decimal_factory(TypeId::DECIMAL128), nb::arg("precision"), nb::arg("scale") = 0);
  m.def("decimal256", decimal_factory(TypeId::DECIMAL256), nb::arg("precision"), nb::arg("scale") = 0);
  m.def("time32", [](const std::string& unit) { return WrapType(CheckedTime32(unit)); }, nb::arg("unit"));
  m.def("time64", [](const std::string& unit) { return WrapType(CheckedTime64(unit)); }, nb::arg("unit"));
  m.def("timestamp", [](const std::string& unit, std::optional<nb::object> tz) {
    std::string zone;
    if (tz && !tz->is_none()) {
      if (PyUnicode_Check(tz->ptr())) {
        zone = nb::cast<std::string>(*tz);
      } else {
        // A tzinfo object: its zone name (zoneinfo's key, pytz's zone) or str().
        nb::object obj = *tz;
        if (nb::hasattr(obj, "key")) zone = nb::cast<std::string>(nb::str(obj.attr("key")));
        else if (nb::hasattr(obj, "zone")) zone = nb::cast<std::string>(nb::str(obj.attr("zone")));
        else zone = nb::cast<std::string>(nb::str(obj));
      }
    }
    return WrapType(timestamp(ParseTimeUnit(unit), zone));
  }, nb::arg("unit"), nb::arg("tz") = nb::none());
  m.def("duration", [](const std::string& unit) { return WrapType(duration(ParseTimeUnit(unit))); }, nb::arg("unit"));
  m.def("list_", [](nb::handle value, int32_t list_size) { return WrapType(ListFactory(TypeId::LIST, value, list_size)); },
        nb::arg("value_type"), nb::arg("list_size") = -1,
        "list<value_type>, or fixed_size_list when list_size is given.");
  m.def("large_list", [](nb::handle value) { return WrapType(ListFactory(TypeId::LARGE_LIST, value, -1)); }, nb::arg("value_type"));
  m.def("list_view", [](nb::handle value) { return WrapType(ListFactory(TypeId::LIST_VIEW, value, -1)); }, nb::arg("value_type"));
  m.def("large_list_view", [](nb::handle value) { return WrapType(ListFactory(TypeId::LARGE_LIST_VIEW, value, -1)); }, nb::arg("value_type"));
  m.def("fixed_size_list", [](nb::handle value, int32_t list_size) {
    if (list_size < 0) ThrowStatus(Status::Invalid("list_size must be >= 0, got ", list_size));
    return WrapType(ListFactory(TypeId::LIST, value, list_size));
  }, nb::arg("value_type"), nb::arg("list_size"));
  m.def("map_", [](nb::handle key, nb::handle item, bool keys_sorted) {
    FieldPtr key_field = nb::isinstance<PyField>(key) ? ToField(key)->WithName("key")->WithNullable(false)
                                                       : field("key", EnsureType(key), false);
    FieldPtr item_field = nb::isinstance<PyField>(item) ? ToField(item) : field("value", EnsureType(item));
    auto entries = field("entries", struct_({key_field, item_field}), false);
    return WrapType(Unwrap(MapType::Make(entries, keys_sorted)));
  }, nb::arg("key_type"), nb::arg("item_type"), nb::arg("keys_sorted") = false);
  m.def("struct", [](nb::handle fields) { return WrapType(struct_(ToFieldVector(fields))); }, nb::arg("fields"));
  m.def("dictionary", [](nb::handle index_type, nb::handle value_type, bool ordered) {
    return WrapType(Unwrap(DictionaryType::Make(EnsureType(index_type), EnsureType(value_type), ordered)));
  }, nb::arg("index_type"), nb::arg("value_type"), nb::arg("ordered") = false);
  m.def("run_end_encoded", [](nb::handle run_end_type, nb::handle value_type) {
    return WrapType(Unwrap(RunEndEncodedType::Make(EnsureType(run_end_type), EnsureType(value_type))));
  }, nb::arg("run_end_type"), nb::arg("value_type"));
  m.def("sparse_union", [](nb::handle fields, std::optional<std::vector<int>> codes) {
    return WrapType(Unwrap(UnionType::Make(UnionMode::SPARSE, ToFieldVector(fields), ToTypeCodes(codes))));
  }, nb::arg("child_fields"), nb::arg("type_codes") = nb::none());
  m.def("dense_union", [](nb::handle fields, std::optional<std::vector<int>> codes) {
    return WrapType(Unwrap(UnionType::Make(UnionMode::DENSE, ToFieldVector(fields), ToTypeCodes(codes))));
  }, nb::arg("child_fields"), nb::arg("type_codes") = nb::none());
  m.def("union", [](nb::handle fields, const std::string& mode, std::optional<std::vector<int>> codes) {
    UnionMode union_mode;
    if (mode == "sparse") union_mode = UnionMode::SPARSE;
    else if (mode == "dense") union_mode = UnionMode::DENSE;
    else throw nb::value_error(("union mode must be 'sparse' or 'dense' but found '" + mode + "'").c_str());
    return WrapType(Unwrap(UnionType::Make(union_mode, ToFieldVector(fields), ToTypeCodes(codes))));
  }, nb::arg("child_fields"), nb::arg("mode"), nb::arg("type_codes") = nb::none());
  m.def("extension_type", [](const std::string& name, nb::handle storage, nb::handle serialized) {
    std::string bytes = serialized.is_none() ? std::string() : ToBytesOrStr(serialized);
    return WrapType(extension(name, EnsureType(storage), bytes));
  }, nb::arg("extension_name"), nb::arg("storage_type"), nb::arg("serialized") = nb::none(),
  "An extension type: values stored as storage_type, labelled with extension_name.");
  m.def("type_for_alias", [](const std::string& name) { return WrapType(TypeForAlias(name)); }, nb::arg("name"));
  m.def("_ensure_type", [](nb::handle obj) { return WrapType(EnsureType(obj)); });

  // --- Field
  nb::class_<PyField>(m, "Field", "A named, typed column of a schema or child of a nested type.")
      .def_prop_ro("name", [](const PyField& f) { return f.field->name(); })
      .def_prop_ro("type", [](const PyField& f) { return WrapType(f.field->type()); })
      .def_prop_ro("nullable", [](const PyField& f) { return f.field->nullable(); })
      .def_prop_ro("metadata", [](const PyField& f) { return FromMetadata(f.field->metadata()); })
      .def("with_name", [](const PyField& f, const std::string& name) { return PyField{f.field->WithName(name)}; })
      .def("with_type", [](const PyField& f, nb::handle type) { return PyField{f.field->WithType(EnsureType(type))}; })
      .def("with_nullable", [](const PyField& f, bool nullable) { return PyField{f.field->WithNullable(nullable)}; })
      .def("with_metadata", [](const PyField& f, nb::handle metadata) { return PyField{f.field->WithMetadata(ToMetadata(metadata))}; })
      .def("remove_metadata", [](const PyField& f) { return PyField{f.field->WithMetadata(nullptr)}; })
      .def("equals", [](const PyField& f, nb::handle other, bool check_metadata) {
        return nb::isinstance<PyField>(other) && f.field->Equals(ToField(other), check_metadata);
      }, nb::arg("other"), nb::arg("check_metadata") = false)
      .def("__eq__", [](const PyField& f, nb::handle other) {
        return nb::isinstance<PyField>(other) && f.field->Equals(ToField(other));
      }, nb::arg("other").none())
      .def("__hash__", [](const PyField& f) { return nb::hash(nb::str(f.field->ToString().c_str())); })
      .def("__str__", [](const PyField& f) { return f.field->ToString(); })
      .def("__repr__", [](const PyField& f) { return "quiver.Field<" + f.field->ToString() + ">"; })
      .def("flatten", [](const PyField& f) {
        nb::list out;
        if (f.field->type()->id() == TypeId::STRUCT) {
          for (const auto& child : f.field->type()->fields()) {
            out.append(PyField{child->WithName(f.field->name() + "." + child->name())
                                   ->WithNullable(f.field->nullable() || child->nullable())});
          }
        } else {
          out.append(f);
        }
        return out;
      });
  m.def("_field", [](const std::string& name, nb::handle type, bool nullable, nb::handle metadata) {
    return PyField{field(name, EnsureType(type), nullable, ToMetadata(metadata))};
  }, nb::arg("name"), nb::arg("type"), nb::arg("nullable") = true, nb::arg("metadata") = nb::none());

  // --- Schema
  nb::class_<PySchema>(m, "Schema", "The fields of a record batch or table, plus metadata.")
      .def("__len__", [](const PySchema& s) { return s.schema->num_fields(); })
      .def("__iter__", [](const PySchema& s) {
        nb::list fields;
        for (const auto& f : s.schema->fields()) fields.append(WrapField(f));
        return nb::iter(fields);
      })
      .def("field", [](const PySchema& s, nb::handle key) {
        if (PyUnicode_Check(key.ptr())) {
          auto name = nb::cast<std::string>(key);
          auto indices = s.schema->GetAllFieldIndices(name);
          if (indices.empty()) ThrowStatus(Status::KeyError("Column ", name, " does not exist in schema"));
          if (indices.size() > 1) ThrowStatus(Status::KeyError("Field \"", name, "\" exists ", indices.size(), " times in schema"));
          return WrapField(s.schema->field(indices[0]));
        }
        int64_t i = nb::cast<int64_t>(key);
        if (i < 0) i += s.schema->num_fields();
        if (i < 0 || i >= s.schema->num_fields()) ThrowStatus(Status::IndexError("index out of bounds"));
        return WrapField(s.schema->field(static_cast<int>(i)));
      }, nb::arg("i"))
      .def("__getitem__", [](nb::handle self, nb::handle key) { return self.attr("field")(key); })
      .def_prop_ro("names", [](const PySchema& s) { return s.schema->field_names(); })
      .def_prop_ro("types", [](const PySchema& s) {
        nb::list out;
        for (const auto& f : s.schema->fields()) out.append(WrapType(f->type()));
        return out;
      })
      .def_prop_ro("metadata", [](const PySchema& s) { return FromMetadata(s.schema->metadata()); })
      .def("get_field_index", [](const PySchema& s, const std::string& name) {
        auto indices = s.schema->GetAllFieldIndices(name);
        return indices.size() == 1 ? indices[0] : -1;
      })
      .def("get_all_field_indices", [](const PySchema& s, const std::string& name) { return s.schema->GetAllFieldIndices(name); })
      .def("with_metadata", [](const PySchema& s, nb::handle metadata) { return PySchema{s.schema->WithMetadata(ToMetadata(metadata))}; })
      .def("remove_metadata", [](const PySchema& s) { return PySchema{s.schema->WithMetadata(nullptr)}; })
      .def("append", [](const PySchema& s, nb::handle f) {
        return PySchema{Unwrap(s.schema->AddField(s.schema->num_fields(), EnsureField(f)))};
      })
      .def("insert", [](const PySchema& s, int i, nb::handle f) { return PySchema{Unwrap(s.schema->AddField(i, EnsureField(f)))}; })
      .def("remove", [](const PySchema& s, int i) { return PySchema{Unwrap(s.schema->RemoveField(i))}; })
      .def("set", [](const PySchema& s, int i, nb::handle f) { return PySchema{Unwrap(s.schema->SetField(i, EnsureField(f)))}; })
      .def("equals", [](const PySchema& s, nb::handle other, bool check_metadata) {
        return nb::isinstance<PySchema>(other) && s.schema->Equals(*ToSchema(other), check_metadata);
      }, nb::arg("other"), nb::arg("check_metadata") = false)
      .def("__eq__", [](const PySchema& s, nb::handle other) {
        return nb::isinstance<PySchema>(other) && s.schema->Equals(*ToSchema(other));
      }, nb::arg("other").none())
      .def("__hash__", [](const PySchema& s) { return nb::hash(nb::str(s.schema->ToString(false).c_str())); })
      .def("to_string", [](const PySchema& s, bool show_field_metadata, bool show_schema_metadata) {
        (void)show_field_metadata;
        return s.schema->ToString(show_schema_metadata);
      }, nb::arg("show_field_metadata") = true, nb::arg("show_schema_metadata") = true)
      .def("__str__", [](const PySchema& s) { return s.schema->ToString(); })
      .def("__repr__", [](const PySchema& s) { return s.schema->ToString(); })
      .def("serialize", [](const PySchema& s) {
        std::shared_ptr<Buffer> out;
        {
          nb::gil_scoped_release release;
          out = Unwrap(ipc::SerializeSchema(*s.schema));
        }
        return PyBuffer{std::move(out)};
      }, "The schema as an encapsulated IPC message (as Flight carries it).");
  m.def("_schema", [](nb::handle fields, nb::handle metadata) {
    return PySchema{schema(ToFieldVector(fields), ToMetadata(metadata))};
  }, nb::arg("fields"), nb::arg("metadata") = nb::none());
}

}  // namespace quiver::py
