// Arrays (one Python class per Arrow type, as pyarrow has: Int64Array,
// StringArray, StructArray...) and chunked arrays.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <array>
#include <cstdio>
#include <deque>

#include "common.h"
#include "compute_internal.h"
#include "quiver/concatenate.h"
#include "quiver/pretty_print.h"
#include "types_internal.h"

namespace quiver::py {

const char* ClassStem(TypeId id) {
  switch (id) {
    case TypeId::NA: return "Null";
    case TypeId::BOOL: return "Boolean";
    case TypeId::UINT8: return "UInt8";
    case TypeId::INT8: return "Int8";
    case TypeId::UINT16: return "UInt16";
    case TypeId::INT16: return "Int16";
    case TypeId::UINT32: return "UInt32";
    case TypeId::INT32: return "Int32";
    case TypeId::UINT64: return "UInt64";
    case TypeId::INT64: return "Int64";
    case TypeId::HALF_FLOAT: return "HalfFloat";
    case TypeId::FLOAT: return "Float";
    case TypeId::DOUBLE: return "Double";
    case TypeId::DECIMAL32: return "Decimal32";
    case TypeId::DECIMAL64: return "Decimal64";
    case TypeId::DECIMAL128: return "Decimal128";
    case TypeId::DECIMAL256: return "Decimal256";
    case TypeId::DATE32: return "Date32";
    case TypeId::DATE64: return "Date64";
    case TypeId::TIME32: return "Time32";
    case TypeId::TIME64: return "Time64";
    case TypeId::TIMESTAMP: return "Timestamp";
    case TypeId::DURATION: return "Duration";
    case TypeId::INTERVAL_MONTHS: return "MonthInterval";
    case TypeId::INTERVAL_DAY_TIME: return "DayTimeInterval";
    case TypeId::INTERVAL_MONTH_DAY_NANO: return "MonthDayNanoInterval";
    case TypeId::BINARY: return "Binary";
    case TypeId::STRING: return "String";
    case TypeId::LARGE_BINARY: return "LargeBinary";
    case TypeId::LARGE_STRING: return "LargeString";
    case TypeId::BINARY_VIEW: return "BinaryView";
    case TypeId::STRING_VIEW: return "StringView";
    case TypeId::FIXED_SIZE_BINARY: return "FixedSizeBinary";
    case TypeId::LIST: return "List";
    case TypeId::LARGE_LIST: return "LargeList";
    case TypeId::LIST_VIEW: return "ListView";
    case TypeId::LARGE_LIST_VIEW: return "LargeListView";
    case TypeId::FIXED_SIZE_LIST: return "FixedSizeList";
    case TypeId::STRUCT: return "Struct";
    case TypeId::MAP: return "Map";
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: return "Union";
    case TypeId::DICTIONARY: return "Dictionary";
    case TypeId::RUN_END_ENCODED: return "RunEndEncoded";
    case TypeId::EXTENSION: return "Extension";
  }
  return "Unknown";
}

namespace {

constexpr size_t kNumTypeIds = static_cast<size_t>(TypeId::EXTENSION) + 1;

// Both union modes share one Python class (UnionArray), as in pyarrow.
constexpr TypeId ClassId(TypeId id) { return id == TypeId::DENSE_UNION ? TypeId::SPARSE_UNION : id; }

using ArrayWrapFn = nb::object (*)(ArrayPtr);

template <size_t I>
nb::object WrapArrayAs(ArrayPtr array) {
  constexpr TypeId kId = ClassId(static_cast<TypeId>(I));
  return nb::cast(ArrayOf<kId>{{std::move(array)}});
}

template <size_t... I>
constexpr std::array<ArrayWrapFn, kNumTypeIds> MakeArrayWrapTable(std::index_sequence<I...>) {
  return {&WrapArrayAs<I>...};
}

constexpr auto kArrayWrapTable = MakeArrayWrapTable(std::make_index_sequence<kNumTypeIds>());

std::string HexId(nb::handle obj) {
  char text[32];
  std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(obj.ptr())));
  return text;
}

/// Python-style index normalisation with bounds checking (IndexError).
int64_t NormalizeIndex(int64_t i, int64_t length) {
  if (i < 0) i += length;
  if (i < 0 || i >= length) {
    ThrowStatus(Status::IndexError("index out of bounds"));
  }
  return i;
}

// The buffers of `data` and of its children and dictionary, depth first (pyarrow's Array.buffers()).
void CollectBuffers(const ArrayData& data, nb::list& out) {
  for (const auto& buffer : data.buffers) out.append(WrapBuffer(buffer));
  for (const auto& child : data.child_data) CollectBuffers(*child, out);
}

ArrayPtr OffsetsArray(const ArrayPtr& array, bool large, int buffer_index = 1, bool sizes = false) {
  const auto& data = *array->data();
  TypePtr type = large ? int64() : int32();
  int64_t width = large ? 8 : 4;
  int64_t count = sizes ? data.length : data.length + 1;
  const auto& buffer = data.buffers[static_cast<size_t>(buffer_index)];
  if (!buffer) {
    // An empty array may omit its offsets: its one offset is 0.
    return Unwrap(MakeEmptyArray(type));
  }
  auto slice = Unwrap(SliceBufferChecked(buffer, data.offset * width, count * width));
  return MakeArray(ArrayData::Make(type, count, {nullptr, slice}, 0));
}

/// The child values a list-like array actually uses ([first offset, last offset)).
ArrayPtr FlattenList(const ArrayPtr& array) {
  switch (array->type_id()) {
    case TypeId::LIST:
    case TypeId::MAP: {
      const auto& list = static_cast<const ListArray&>(*array);
      if (array->length() == 0) return list.values()->Slice(0, 0);
      int64_t start = list.value_offset(0), end = list.value_offset(array->length());
      return list.values()->Slice(start, end - start);
    }
    case TypeId::LARGE_LIST: {
      const auto& list = static_cast<const LargeListArray&>(*array);
      if (array->length() == 0) return list.values()->Slice(0, 0);
      int64_t start = list.value_offset(0), end = list.value_offset(array->length());
      return list.values()->Slice(start, end - start);
    }
    case TypeId::FIXED_SIZE_LIST: {
      const auto& list = static_cast<const FixedSizeListArray&>(*array);
      return list.values()->Slice(list.value_offset(0), array->length() * list.list_size());
    }
    case TypeId::LIST_VIEW:
    case TypeId::LARGE_LIST_VIEW: {
      // Views may overlap or come in any order: gather each element's values.
      std::vector<ArrayPtr> pieces;
      bool large = array->type_id() == TypeId::LARGE_LIST_VIEW;
      for (int64_t i = 0; i < array->length(); ++i) {
        if (array->IsNull(i)) continue;
        pieces.push_back(large ? static_cast<const LargeListViewArray&>(*array).value_slice(i)
                               : static_cast<const ListViewArray&>(*array).value_slice(i));
      }
      const auto& value_type = static_cast<const BaseListType&>(*array->type()).value_type();
      if (pieces.empty()) return Unwrap(MakeEmptyArray(value_type));
      nb::gil_scoped_release release;
      return Unwrap(Concatenate(pieces));
    }
    default:
      ThrowStatus(Status::TypeError("flatten expects a list-like array, got ", array->type()->ToString()));
  }
}

std::string ArrayToString(const Array& array, int indent, int64_t window, int64_t container_window,
                          bool skip_new_lines) {
  PrettyPrintOptions options;
  options.indent = indent;
  options.window = window;
  options.container_window = container_window;
  options.skip_new_lines = skip_new_lines;
  return PrettyPrint(array, options);
}

nb::object ArrayGetItem(const PyArray& self, nb::handle key) {
  const auto& array = self.array;
  if (PySlice_Check(key.ptr())) {
    Py_ssize_t start = 0, stop = 0, step = 0;
    if (PySlice_Unpack(key.ptr(), &start, &stop, &step) < 0) throw nb::python_error();
    Py_ssize_t count = PySlice_AdjustIndices(static_cast<Py_ssize_t>(array->length()), &start, &stop, step);
    if (step == 1) return WrapArray(array->Slice(start, count));
    std::vector<int64_t> positions;
    positions.reserve(static_cast<size_t>(count));
    for (Py_ssize_t k = 0, i = start; k < count; ++k, i += step) positions.push_back(i);
    return WrapArray(TakePositions(array, positions));
  }
  int64_t i = NormalizeIndex(nb::cast<int64_t>(key), array->length());
  return WrapScalar(array, i);
}

template <TypeId kId>
void BindArrayClass(nb::module_& m, std::deque<std::string>& names) {
  if constexpr (kId == TypeId::DENSE_UNION) {
    return;  // shares UnionArray with SPARSE_UNION
  } else {
    names.push_back(std::string(ClassStem(kId)) + "Array");
    auto cls = nb::class_<ArrayOf<kId>, PyArray>(m, names.back().c_str());
    if constexpr (kId == TypeId::STRUCT) {
      cls.def("field", [](const PyArray& a, nb::handle key) {
        const auto& s = static_cast<const StructArray&>(*a.array);
        if (PyUnicode_Check(key.ptr())) {
          auto name = nb::cast<std::string>(key);
          int index = static_cast<const StructType&>(*a.array->type()).GetFieldIndex(name);
          if (index < 0) ThrowStatus(Status::KeyError("Field \"", name, "\" does not exist in ", a.array->type()->ToString()));
          return WrapArray(s.field(index));
        }
        int64_t i = NormalizeIndex(nb::cast<int64_t>(key), s.num_fields());
        return WrapArray(s.field(static_cast<int>(i)));
      }, nb::arg("index"), "Child array `index` (a position or a field name), sliced to this array.");
      cls.def("flatten", [](const PyArray& a) {
        const auto& s = static_cast<const StructArray&>(*a.array);
        nb::list out;
        for (int i = 0; i < s.num_fields(); ++i) out.append(WrapArray(s.field(i)));
        return out;
      });
    } else if constexpr (kId == TypeId::LIST || kId == TypeId::LARGE_LIST || kId == TypeId::MAP) {
      constexpr bool kLarge = kId == TypeId::LARGE_LIST;
      cls.def_prop_ro("values", [](const PyArray& a) {
        if constexpr (kLarge) return WrapArray(static_cast<const LargeListArray&>(*a.array).values());
        else return WrapArray(static_cast<const ListArray&>(*a.array).values());
      }, "The whole child array, ignoring this array's offset (as pyarrow's .values).");
      cls.def_prop_ro("offsets", [](const PyArray& a) { return WrapArray(OffsetsArray(a.array, kLarge)); });
      cls.def("flatten", [](const PyArray& a) { return WrapArray(FlattenList(a.array)); });
      if constexpr (kId == TypeId::MAP) {
        cls.def_prop_ro("keys", [](const PyArray& a) {
          auto entries = FlattenList(a.array);
          return WrapArray(static_cast<const StructArray&>(*entries).field(0));
        });
        cls.def_prop_ro("items", [](const PyArray& a) {
          auto entries = FlattenList(a.array);
          return WrapArray(static_cast<const StructArray&>(*entries).field(1));
        });
      }
    } else if constexpr (kId == TypeId::LIST_VIEW || kId == TypeId::LARGE_LIST_VIEW) {
      constexpr bool kLarge = kId == TypeId::LARGE_LIST_VIEW;
      cls.def_prop_ro("values", [](const PyArray& a) {
        if constexpr (kLarge) return WrapArray(static_cast<const LargeListViewArray&>(*a.array).values());
        else return WrapArray(static_cast<const ListViewArray&>(*a.array).values());
      });
      cls.def_prop_ro("offsets", [](const PyArray& a) { return WrapArray(OffsetsArray(a.array, kLarge, 1, true)); });
      cls.def_prop_ro("sizes", [](const PyArray& a) { return WrapArray(OffsetsArray(a.array, kLarge, 2, true)); });
      cls.def("flatten", [](const PyArray& a) { return WrapArray(FlattenList(a.array)); });
    } else if constexpr (kId == TypeId::FIXED_SIZE_LIST) {
      cls.def_prop_ro("values", [](const PyArray& a) { return WrapArray(static_cast<const FixedSizeListArray&>(*a.array).values()); });
      cls.def("flatten", [](const PyArray& a) { return WrapArray(FlattenList(a.array)); });
    } else if constexpr (kId == TypeId::BINARY || kId == TypeId::STRING) {
      cls.def_prop_ro("offsets", [](const PyArray& a) { return WrapArray(OffsetsArray(a.array, false)); });
    } else if constexpr (kId == TypeId::LARGE_BINARY || kId == TypeId::LARGE_STRING) {
      cls.def_prop_ro("offsets", [](const PyArray& a) { return WrapArray(OffsetsArray(a.array, true)); });
    } else if constexpr (kId == TypeId::DICTIONARY) {
      cls.def_prop_ro("indices", [](const PyArray& a) { return WrapArray(static_cast<const DictionaryArray&>(*a.array).indices()); });
      cls.def_prop_ro("dictionary", [](const PyArray& a) { return WrapArray(static_cast<const DictionaryArray&>(*a.array).dictionary()); });
      cls.def("dictionary_decode", [](const PyArray& a) {
        const auto& d = static_cast<const DictionaryArray&>(*a.array);
        return WrapArray(TakeArray(d.dictionary(), *d.indices()));
      });
    } else if constexpr (kId == TypeId::RUN_END_ENCODED) {
      cls.def_prop_ro("run_ends", [](const PyArray& a) { return WrapArray(static_cast<const RunEndEncodedArray&>(*a.array).run_ends()); });
      cls.def_prop_ro("values", [](const PyArray& a) { return WrapArray(static_cast<const RunEndEncodedArray&>(*a.array).values()); });
    } else if constexpr (kId == TypeId::EXTENSION) {
      cls.def_prop_ro("storage", [](const PyArray& a) { return WrapArray(static_cast<const ExtensionArray&>(*a.array).storage()); });
    } else if constexpr (kId == TypeId::SPARSE_UNION) {
      cls.def_prop_ro("type_codes", [](const PyArray& a) {
        const auto& data = *a.array->data();
        auto slice = Unwrap(SliceBufferChecked(data.buffers[0], data.offset, data.length));
        return WrapArray(MakeArray(ArrayData::Make(int8(), data.length, {nullptr, slice}, 0)));
      });
      cls.def_prop_ro("offsets", [](const PyArray& a) {
        if (a.array->type_id() != TypeId::DENSE_UNION) ThrowStatus(Status::TypeError("Can only get value offsets for dense arrays"));
        const auto& data = *a.array->data();
        auto slice = Unwrap(SliceBufferChecked(data.buffers[1], data.offset * 4, data.length * 4));
        return WrapArray(MakeArray(ArrayData::Make(int32(), data.length, {nullptr, slice}, 0)));
      });
      cls.def("field", [](const PyArray& a, int i) {
        const auto& u = static_cast<const UnionArray&>(*a.array);
        int64_t index = NormalizeIndex(i, u.num_fields());
        ArrayPtr child = u.field(static_cast<int>(index));
        // Sparse children line up with the parent: slice them to it.
        if (u.mode() == UnionMode::SPARSE) child = child->Slice(a.array->offset(), a.array->length());
        return WrapArray(child);
      }, nb::arg("pos"));
    }
  }
}

template <size_t... I>
void BindArrayClasses(nb::module_& m, std::deque<std::string>& names, std::index_sequence<I...>) {
  (BindArrayClass<static_cast<TypeId>(I)>(m, names), ...);
}

std::deque<std::string>& ClassNames() {
  static std::deque<std::string> names;  // nanobind keeps pointers to the class names
  return names;
}

// Locates element `i` of a chunked array: (chunk, index inside it).
std::pair<int, int64_t> LocateChunk(const ChunkedArray& chunked, int64_t i) {
  for (int c = 0; c < chunked.num_chunks(); ++c) {
    int64_t len = chunked.chunk(c)->length();
    if (i < len) return {c, i};
    i -= len;
  }
  ThrowStatus(Status::IndexError("index out of bounds"));
}

}  // namespace

nb::object WrapArray(ArrayPtr array) {
  if (!array) return nb::none();
  auto id = static_cast<size_t>(array->type_id());
  return kArrayWrapTable[id](std::move(array));
}

nb::object WrapChunkedArray(ChunkedArrayPtr chunked) {
  if (!chunked) return nb::none();
  return nb::cast(PyChunkedArray{std::move(chunked)});
}

bool IsArray(nb::handle obj) { return nb::isinstance<PyArray>(obj); }
bool IsChunkedArray(nb::handle obj) { return nb::isinstance<PyChunkedArray>(obj); }

const ArrayPtr& ToArray(nb::handle obj) {
  if (!IsArray(obj)) {
    throw nb::type_error(("expected a quiver.Array but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyArray&>(obj).array;
}
const ChunkedArrayPtr& ToChunkedArray(nb::handle obj) {
  if (!IsChunkedArray(obj)) {
    throw nb::type_error(("expected a quiver.ChunkedArray but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyChunkedArray&>(obj).chunked;
}

void InitArrays(nb::module_& m) {
  nb::class_<PyArray>(m, "Array", "An immutable, typed column of values (the Arrow columnar layout).")
      .def("__len__", [](const PyArray& a) { return a.array->length(); })
      .def_prop_ro("type", [](const PyArray& a) { return WrapType(a.array->type()); })
      .def_prop_ro("null_count", [](const PyArray& a) { return a.array->null_count(); })
      .def_prop_ro("offset", [](const PyArray& a) { return a.array->offset(); })
      .def_prop_ro("nbytes", [](const PyArray& a) { return a.array->nbytes(); })
      .def("get_total_buffer_size", [](const PyArray& a) { return a.array->nbytes(); })
      .def("buffers", [](const PyArray& a) {
        nb::list out;
        CollectBuffers(*a.array->data(), out);
        return out;
      }, "The buffers of the array and its children, depth first (None for an absent buffer).")
      .def("slice", [](const PyArray& a, int64_t offset, std::optional<int64_t> length) {
        if (offset < 0) ThrowStatus(Status::IndexError("Offset must be non-negative"));
        int64_t len = length.value_or(a.array->length() - offset);
        if (len < 0) ThrowStatus(Status::IndexError("Length must be non-negative"));
        return WrapArray(a.array->Slice(offset, len));
      }, nb::arg("offset") = 0, nb::arg("length") = nb::none(), "A zero-copy slice.")
      .def("__getitem__", &ArrayGetItem)
      .def("__iter__", [](nb::handle self) {
        const auto& array = ToArray(self);
        nb::list items;
        for (int64_t i = 0; i < array->length(); ++i) items.append(WrapScalar(array, i));
        return nb::iter(items);
      })
      .def("to_pylist", [](const PyArray& a, nb::handle maps_as_pydicts) {
        ToPyOptions options;
        if (!maps_as_pydicts.is_none()) {
          auto mode = nb::cast<std::string>(maps_as_pydicts);
          if (mode == "lossy") options.maps = ToPyOptions::Maps::kLossy;
          else if (mode == "strict") options.maps = ToPyOptions::Maps::kStrict;
          else throw nb::value_error("maps_as_pydicts must be None, 'lossy' or 'strict'");
        }
        return ArrayToPyList(*a.array, options);
      }, nb::arg("maps_as_pydicts") = nb::none(), "The values as a list of Python objects.")
      .def("tolist", [](const PyArray& a) { return ArrayToPyList(*a.array); })
      .def("to_string", [](const PyArray& a, int indent, int64_t window, int64_t container_window, bool skip_new_lines) {
        return ArrayToString(*a.array, indent, window, container_window, skip_new_lines);
      }, nb::kw_only(), nb::arg("indent") = 0, nb::arg("window") = 10, nb::arg("container_window") = 2,
         nb::arg("skip_new_lines") = false)
      .def("format", [](const PyArray& a) { return a.array->ToString(); })
      .def("__str__", [](const PyArray& a) { return a.array->ToString(); })
      .def("__repr__", [](nb::handle self) {
        std::string cls = nb::cast<std::string>(nb::str(self.type().attr("__name__")));
        return "<quiver.lib." + cls + " object at " + HexId(self) + ">\n" + ToArray(self)->ToString();
      })
      .def("equals", [](const PyArray& a, nb::handle other) {
        if (!IsArray(other)) throw nb::type_error("equals expects a quiver.Array");
        return a.array->Equals(ToArray(other));
      }, nb::arg("other"))
      .def("__eq__", [](const PyArray& a, nb::handle other) -> nb::object {
        if (!IsArray(other)) return nb::borrow(Py_NotImplemented);
        return nb::bool_(a.array->Equals(ToArray(other)));
      }, nb::arg("other").none())
      .def("validate", [](const PyArray& a, bool full) {
        nb::gil_scoped_release release;
        Check(full ? a.array->ValidateFull() : a.array->Validate());
      }, nb::kw_only(), nb::arg("full") = false)
      .def("dictionary_encode", [](const PyArray& a) { return WrapArray(DictionaryEncode(a.array)); })
      .def("__sizeof__", [](const PyArray& a) { return a.array->nbytes(); });

  BindArrayClasses(m, ClassNames(), std::make_index_sequence<kNumTypeIds>());

  m.def("_array_from_buffers", [](nb::handle type, int64_t length, nb::handle buffers, int64_t null_count,
                                  int64_t offset, nb::handle children) {
    TypePtr t = EnsureType(type);
    if (length < 0) ThrowStatus(Status::Invalid("length must be >= 0, got ", length));
    if (offset < 0) ThrowStatus(Status::Invalid("offset must be >= 0, got ", offset));
    std::vector<std::shared_ptr<Buffer>> bufs;
    for (nb::handle b : buffers) bufs.push_back(b.is_none() ? nullptr : BufferFromPyObject(b));
    std::vector<ArrayDataPtr> child_data;
    if (!children.is_none()) {
      for (nb::handle c : children) child_data.push_back(ToArray(c)->data());
    }
    auto data = ArrayData::Make(t, length, std::move(bufs), std::move(child_data),
                                null_count < 0 ? kUnknownNullCount : null_count, offset);
    ArrayPtr array = MakeArray(data);
    Check(array->Validate());
    return WrapArray(array);
  }, nb::arg("type"), nb::arg("length"), nb::arg("buffers"), nb::arg("null_count") = -1, nb::arg("offset") = 0,
     nb::arg("children") = nb::none());

  m.def("_dictionary_from_arrays", [](nb::handle indices, nb::handle dictionary, bool ordered) {
    const ArrayPtr& idx = ToArray(indices);
    const ArrayPtr& dict = ToArray(dictionary);
    auto type = Unwrap(DictionaryType::Make(idx->type(), dict->type(), ordered));
    auto out = Unwrap(DictionaryArray::FromArrays(type, idx, dict));
    Check(out->ValidateFull());
    return WrapArray(out);
  }, nb::arg("indices"), nb::arg("dictionary"), nb::arg("ordered") = false);

  m.def("concat_arrays", [](nb::handle arrays) {
    ArrayVector vec;
    for (nb::handle a : arrays) vec.push_back(ToArray(a));
    if (vec.empty()) ThrowStatus(Status::Invalid("Must pass at least one array"));
    ArrayPtr out;
    {
      nb::gil_scoped_release release;
      out = Unwrap(Concatenate(vec));
    }
    return WrapArray(out);
  }, nb::arg("arrays"), "One array with the values of `arrays` in order (copies).");

  m.def("nulls", [](int64_t size, nb::handle type) {
    if (size < 0) ThrowStatus(Status::Invalid("size must be >= 0, got ", size));
    return WrapArray(Unwrap(MakeArrayOfNull(type.is_none() ? null() : EnsureType(type), size)));
  }, nb::arg("size"), nb::arg("type") = nb::none(), "An array of `size` nulls.");

  // --- ChunkedArray
  nb::class_<PyChunkedArray>(m, "ChunkedArray", "A column made of several arrays of one type.")
      .def("__len__", [](const PyChunkedArray& c) { return c.chunked->length(); })
      .def("length", [](const PyChunkedArray& c) { return c.chunked->length(); })
      .def_prop_ro("type", [](const PyChunkedArray& c) { return WrapType(c.chunked->type()); })
      .def_prop_ro("null_count", [](const PyChunkedArray& c) { return c.chunked->null_count(); })
      .def_prop_ro("num_chunks", [](const PyChunkedArray& c) { return c.chunked->num_chunks(); })
      .def_prop_ro("nbytes", [](const PyChunkedArray& c) {
        int64_t total = 0;
        for (const auto& chunk : c.chunked->chunks()) total += chunk->nbytes();
        return total;
      })
      .def("chunk", [](const PyChunkedArray& c, int64_t i) {
        i = NormalizeIndex(i, c.chunked->num_chunks());
        return WrapArray(c.chunked->chunk(static_cast<int>(i)));
      }, nb::arg("i"))
      .def_prop_ro("chunks", [](const PyChunkedArray& c) {
        nb::list out;
        for (const auto& chunk : c.chunked->chunks()) out.append(WrapArray(chunk));
        return out;
      })
      .def("iterchunks", [](const PyChunkedArray& c) {
        nb::list out;
        for (const auto& chunk : c.chunked->chunks()) out.append(WrapArray(chunk));
        return nb::iter(out);
      })
      .def("__getitem__", [](const PyChunkedArray& c, nb::handle key) -> nb::object {
        const auto& chunked = c.chunked;
        if (PySlice_Check(key.ptr())) {
          Py_ssize_t start = 0, stop = 0, step = 0;
          if (PySlice_Unpack(key.ptr(), &start, &stop, &step) < 0) throw nb::python_error();
          Py_ssize_t count = PySlice_AdjustIndices(static_cast<Py_ssize_t>(chunked->length()), &start, &stop, step);
          if (step != 1) throw nb::value_error("only slices with step 1 are supported on a ChunkedArray");
          return WrapChunkedArray(chunked->Slice(start, count));
        }
        int64_t i = NormalizeIndex(nb::cast<int64_t>(key), chunked->length());
        auto [chunk, index] = LocateChunk(*chunked, i);
        return WrapScalar(chunked->chunk(chunk), index);
      })
      .def("__iter__", [](const PyChunkedArray& c) {
        nb::list items;
        for (const auto& chunk : c.chunked->chunks()) {
          for (int64_t i = 0; i < chunk->length(); ++i) items.append(WrapScalar(chunk, i));
        }
        return nb::iter(items);
      })
      .def("slice", [](const PyChunkedArray& c, int64_t offset, std::optional<int64_t> length) {
        if (offset < 0) ThrowStatus(Status::IndexError("Offset must be non-negative"));
        int64_t len = length.value_or(c.chunked->length() - offset);
        if (len < 0) ThrowStatus(Status::IndexError("Length must be non-negative"));
        return WrapChunkedArray(c.chunked->Slice(offset, len));
      }, nb::arg("offset") = 0, nb::arg("length") = nb::none())
      .def("to_pylist", [](const PyChunkedArray& c, nb::handle maps_as_pydicts) {
        ToPyOptions options;
        if (!maps_as_pydicts.is_none()) {
          auto mode = nb::cast<std::string>(maps_as_pydicts);
          options.maps = mode == "strict" ? ToPyOptions::Maps::kStrict : ToPyOptions::Maps::kLossy;
        }
        nb::list out;
        for (const auto& chunk : c.chunked->chunks()) {
          for (int64_t i = 0; i < chunk->length(); ++i) out.append(ArrayValueToPy(*chunk, i, options));
        }
        return out;
      }, nb::arg("maps_as_pydicts") = nb::none())
      .def("combine_chunks", [](const PyChunkedArray& c) {
        const auto& chunked = c.chunked;
        if (chunked->num_chunks() == 1) return WrapArray(chunked->chunk(0));
        if (chunked->num_chunks() == 0) return WrapArray(Unwrap(MakeEmptyArray(chunked->type())));
        ArrayPtr out;
        {
          nb::gil_scoped_release release;
          out = Unwrap(Concatenate(chunked->chunks()));
        }
        return WrapArray(out);
      })
      .def("equals", [](const PyChunkedArray& c, nb::handle other) {
        if (!IsChunkedArray(other)) throw nb::type_error("equals expects a quiver.ChunkedArray");
        return c.chunked->Equals(*ToChunkedArray(other));
      }, nb::arg("other"))
      .def("__eq__", [](const PyChunkedArray& c, nb::handle other) -> nb::object {
        if (!IsChunkedArray(other)) return nb::borrow(Py_NotImplemented);
        return nb::bool_(c.chunked->Equals(*ToChunkedArray(other)));
      }, nb::arg("other").none())
      .def("validate", [](const PyChunkedArray& c, bool full) {
        nb::gil_scoped_release release;
        Check(full ? c.chunked->ValidateFull() : c.chunked->Validate());
      }, nb::kw_only(), nb::arg("full") = false)
      .def("to_string", [](const PyChunkedArray& c) { return c.chunked->ToString(); })
      .def("format", [](const PyChunkedArray& c) { return c.chunked->ToString(); })
      .def("__str__", [](const PyChunkedArray& c) { return c.chunked->ToString(); })
      .def("__repr__", [](nb::handle self) {
        return "<quiver.lib.ChunkedArray object at " + HexId(self) + ">\n" + ToChunkedArray(self)->ToString();
      });

  m.def("_chunked_array", [](nb::handle chunks, nb::handle type) {
    ArrayVector vec;
    for (nb::handle a : chunks) vec.push_back(ToArray(a));
    TypePtr t = type.is_none() ? nullptr : EnsureType(type);
    if (vec.empty()) {
      if (!t) ThrowStatus(Status::Invalid("cannot construct ChunkedArray from empty vector and omitted type"));
      return WrapChunkedArray(std::make_shared<ChunkedArray>(ArrayVector{}, t));
    }
    return WrapChunkedArray(Unwrap(ChunkedArray::Make(std::move(vec), t)));
  }, nb::arg("chunks"), nb::arg("type") = nb::none());
}

}  // namespace quiver::py
