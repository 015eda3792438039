// Python objects -> Arrow arrays (pa.array(list), pa.infer_type), following
// pyarrow's rules: a type is inferred from the values when none is given
// (ints -> int64, floats -> double, str -> string, bytes -> binary, datetime ->
// timestamp[us] with the value's zone, date -> date32, time -> time64[us],
// timedelta -> duration[us], Decimal -> decimal128(p, s), lists -> list<...>,
// dicts -> struct<...>, numpy scalars -> their dtype); then each value is
// appended to a builder of that type, raising ArrowInvalid / ArrowTypeError
// with "Could not convert <value> with type <class>: tried to convert to <type>".
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>

#include "common.h"
// datetime.h needs Python.h first; its C API pointer is per translation unit
// (PyDateTime_IMPORT runs in this file's init function).
#include <datetime.h>
#include "quiver/builder.h"
#include "quiver/calendar.h"
#include "types_internal.h"

namespace quiver::py {

void InitConvertToPython(nb::module_& m);

namespace {

PyObject* g_decimal_class = nullptr;
PyObject* g_month_day_nano = nullptr;

std::string Repr(PyObject* obj) {
  nb::object r = nb::steal(PyObject_Repr(obj));
  if (!r) {
    PyErr_Clear();
    return "<unprintable>";
  }
  return nb::cast<std::string>(r);
}

[[noreturn]] void ThrowCannotConvert(PyObject* obj, const DataType& type, std::string_view detail = {}) {
  std::string message = "Could not convert " + Repr(obj) + " with type " + Py_TYPE(obj)->tp_name +
                        ": tried to convert to " + type.ToString();
  if (!detail.empty()) message += std::string(" (") + std::string(detail) + ")";
  ThrowStatus(Status::Invalid(message));
}

bool IsNumpyObject(PyObject* obj) { return std::strncmp(Py_TYPE(obj)->tp_name, "numpy.", 6) == 0; }

bool IsNumpyBool(PyObject* obj) {
  const char* name = Py_TYPE(obj)->tp_name;
  return std::strcmp(name, "numpy.bool_") == 0 || std::strcmp(name, "numpy.bool") == 0;
}

bool IsPandasMissing(PyObject* obj) {
  const char* name = Py_TYPE(obj)->tp_name;
  return std::strcmp(name, "NAType") == 0 || std::strcmp(name, "NaTType") == 0;
}

bool IsNumpyNaT(PyObject* obj) {
  const char* name = Py_TYPE(obj)->tp_name;
  if (std::strcmp(name, "numpy.datetime64") != 0 && std::strcmp(name, "numpy.timedelta64") != 0) return false;
  nb::object isnat = nb::module_::import_("numpy").attr("isnat");
  return nb::cast<bool>(isnat(nb::handle(obj)));
}

bool IsNullValue(PyObject* obj, const FromPyOptions& options) {
  if (obj == Py_None) return true;
  if (PyFloat_Check(obj)) return options.from_pandas && std::isnan(PyFloat_AS_DOUBLE(obj));
  if (IsPandasMissing(obj)) return true;
  if (options.from_pandas && IsNumpyObject(obj)) {
    if (IsNumpyNaT(obj)) return true;
  }
  return false;
}

const char* NumpyUnit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::SECOND: return "s";
    case TimeUnit::MILLI: return "ms";
    case TimeUnit::MICRO: return "us";
    case TimeUnit::NANO: return "ns";
  }
  return "us";
}

/// A numpy datetime64/timedelta64 scalar as an integer count of `unit`.
int64_t NumpyTemporalValue(PyObject* obj, TimeUnit unit, bool datetime) {
  std::string dtype = std::string(datetime ? "datetime64[" : "timedelta64[") + NumpyUnit(unit) + "]";
  nb::object converted = nb::handle(obj).attr("astype")(dtype.c_str()).attr("astype")("int64");
  return nb::cast<int64_t>(nb::int_(converted));
}

/// Python int (or __index__ object) -> int64/uint64 with overflow detection.
struct PyInteger {
  bool negative = false;
  bool fits_int64 = true;
  int64_t as_int64 = 0;
  uint64_t as_uint64 = 0;
  bool fits_uint64 = true;
};

bool ReadInteger(PyObject* obj, PyInteger* out) {
  nb::object owned;
  PyObject* value = obj;
  if (!PyLong_Check(obj)) {
    owned = nb::steal(PyNumber_Index(obj));
    if (!owned) {
      PyErr_Clear();
      return false;
    }
    value = owned.ptr();
  }
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
  if (v == -1 && PyErr_Occurred()) throw nb::python_error();
  if (overflow == 0) {
    out->as_int64 = v;
    out->negative = v < 0;
    out->fits_uint64 = v >= 0;
    out->as_uint64 = static_cast<uint64_t>(v);
    return true;
  }
  out->fits_int64 = false;
  out->negative = overflow < 0;
  if (overflow > 0) {
    unsigned long long u = PyLong_AsUnsignedLongLong(value);
    if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
      PyErr_Clear();
      out->fits_uint64 = false;
    } else {
      out->as_uint64 = u;
    }
  } else {
    out->fits_uint64 = false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Appending one value

class Appender {
 public:
  explicit Appender(const FromPyOptions& options) : options_(options) {}

  void Append(ArrayBuilder* builder, PyObject* obj) {
    const DataType& type = *builder->type();
    if (type.id() == TypeId::EXTENSION) {
      Append(static_cast<ExtensionBuilder*>(builder)->storage_builder(), obj);
      return;
    }
    if (IsNullValue(obj, options_)) {
      Check(builder->AppendNull());
      return;
    }
    switch (type.id()) {
      case TypeId::NA:
        ThrowCannotConvert(obj, type, "only None is allowed");
      case TypeId::BOOL:
        Check(static_cast<BooleanBuilder*>(builder)->Append(ToBool(obj, type)));
        return;
      case TypeId::INT8:
        return AppendInt<int8_t>(builder, obj, type);
      case TypeId::INT16:
        return AppendInt<int16_t>(builder, obj, type);
      case TypeId::INT32:
        return AppendInt<int32_t>(builder, obj, type);
      case TypeId::INT64:
        return AppendInt<int64_t>(builder, obj, type);
      case TypeId::UINT8:
        return AppendInt<uint8_t>(builder, obj, type);
      case TypeId::UINT16:
        return AppendInt<uint16_t>(builder, obj, type);
      case TypeId::UINT32:
        return AppendInt<uint32_t>(builder, obj, type);
      case TypeId::UINT64:
        return AppendInt<uint64_t>(builder, obj, type);
      case TypeId::INTERVAL_MONTHS:
        return AppendInt<int32_t>(builder, obj, type);
      case TypeId::HALF_FLOAT:
        Check(static_cast<HalfFloatBuilder*>(builder)->AppendFloat(static_cast<float>(ToDouble(obj, type))));
        return;
      case TypeId::FLOAT:
        Check(static_cast<FloatBuilder*>(builder)->Append(static_cast<float>(ToDouble(obj, type))));
        return;
      case TypeId::DOUBLE:
        Check(static_cast<DoubleBuilder*>(builder)->Append(ToDouble(obj, type)));
        return;
      case TypeId::DECIMAL32:
      case TypeId::DECIMAL64:
      case TypeId::DECIMAL128:
      case TypeId::DECIMAL256:
        return AppendDecimal(static_cast<DecimalBuilder*>(builder), obj, type);
      case TypeId::DATE32:
        Check(static_cast<Date32Builder*>(builder)->Append(static_cast<int32_t>(ToDays(obj, type))));
        return;
      case TypeId::DATE64:
        Check(static_cast<Date64Builder*>(builder)->Append(ToDays(obj, type) * 86400000));
        return;
      case TypeId::TIME32:
        Check(static_cast<Time32Builder*>(builder)->Append(static_cast<int32_t>(ToTime(obj, type))));
        return;
      case TypeId::TIME64:
        Check(static_cast<Time64Builder*>(builder)->Append(ToTime(obj, type)));
        return;
      case TypeId::TIMESTAMP:
        Check(static_cast<TimestampBuilder*>(builder)->Append(ToTimestamp(obj, static_cast<const TimestampType&>(type))));
        return;
      case TypeId::DURATION:
        Check(static_cast<DurationBuilder*>(builder)->Append(ToDuration(obj, type)));
        return;
      case TypeId::INTERVAL_DAY_TIME: {
        auto parts = ToIntegerTuple(obj, type, 2);
        DayTimeInterval v{static_cast<int32_t>(parts[0]), static_cast<int32_t>(parts[1])};
        Check(static_cast<DayTimeIntervalBuilder*>(builder)->Append(v));
        return;
      }
      case TypeId::INTERVAL_MONTH_DAY_NANO: {
        auto parts = ToIntegerTuple(obj, type, 3);
        MonthDayNanoInterval v{static_cast<int32_t>(parts[0]), static_cast<int32_t>(parts[1]), parts[2]};
        Check(static_cast<MonthDayNanoIntervalBuilder*>(builder)->Append(v));
        return;
      }
      case TypeId::BINARY:
      case TypeId::STRING:
        Check(static_cast<BinaryBuilder*>(builder)->Append(ToBytes(obj, type)));
        return;
      case TypeId::LARGE_BINARY:
      case TypeId::LARGE_STRING:
        Check(static_cast<LargeBinaryBuilder*>(builder)->Append(ToBytes(obj, type)));
        return;
      case TypeId::BINARY_VIEW:
      case TypeId::STRING_VIEW:
        Check(static_cast<BinaryViewBuilder*>(builder)->Append(ToBytes(obj, type)));
        return;
      case TypeId::FIXED_SIZE_BINARY: {
        auto bytes = ToBytes(obj, type);
        int32_t width = static_cast<const FixedSizeBinaryType&>(type).width();
        if (static_cast<int64_t>(bytes.size()) != width) {
          ThrowStatus(Status::Invalid("expected a bytes object of length ", width, " for ", type.ToString(),
                                      " but found one of length ", bytes.size()));
        }
        Check(static_cast<FixedSizeBinaryBuilder*>(builder)->Append(bytes));
        return;
      }
      case TypeId::LIST:
      case TypeId::LIST_VIEW:
        return AppendList(static_cast<BaseListBuilder<int32_t>*>(builder), obj, type);
      case TypeId::LARGE_LIST:
      case TypeId::LARGE_LIST_VIEW:
        return AppendList(static_cast<BaseListBuilder<int64_t>*>(builder), obj, type);
      case TypeId::FIXED_SIZE_LIST:
        return AppendFixedSizeList(static_cast<FixedSizeListBuilder*>(builder), obj, type);
      case TypeId::MAP:
        return AppendMap(static_cast<MapBuilder*>(builder), obj, type);
      case TypeId::STRUCT:
        return AppendStruct(static_cast<StructBuilder*>(builder), obj, type);
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION:
        return AppendUnion(static_cast<UnionBuilder*>(builder), obj, type);
      case TypeId::DICTIONARY: {
        const auto& value_type = static_cast<const DictionaryType&>(type).value_type();
        ArrayPtr one = ConvertOne(value_type, obj);
        Check(static_cast<DictionaryBuilder*>(builder)->AppendValues(*one));
        return;
      }
      case TypeId::RUN_END_ENCODED: {
        const auto& value_type = static_cast<const RunEndEncodedType&>(type).value_type();
        ArrayPtr one = ConvertOne(value_type, obj);
        Check(static_cast<RunEndEncodedBuilder*>(builder)->AppendValues(*one));
        return;
      }
      case TypeId::EXTENSION:
        break;  // handled above
    }
    ThrowStatus(Status::NotImplemented("conversion from Python to ", type.ToString()));
  }

  /// `obj` as a length-1 array of `type` (for dictionary and run-end encoded values).
  ArrayPtr ConvertOne(const TypePtr& type, PyObject* obj) {
    auto& scratch = scratch_[type.get()];
    if (!scratch) scratch = Unwrap(MakeBuilder(type));
    scratch->Reset();
    Append(scratch.get(), obj);
    return Unwrap(scratch->Finish());
  }

 private:
  bool ToBool(PyObject* obj, const DataType& type) {
    if (PyBool_Check(obj)) return obj == Py_True;
    if (IsNumpyBool(obj)) return PyObject_IsTrue(obj) == 1;
    ThrowCannotConvert(obj, type);
  }

  template <typename T>
  void AppendInt(ArrayBuilder* builder, PyObject* obj, const DataType& type) {
    T value = ToInt<T>(obj, type);
    Check(static_cast<NumericBuilder<T>*>(builder)->Append(value));
  }

  template <typename T>
  T ToInt(PyObject* obj, const DataType& type) {
    if (PyBool_Check(obj) || IsNumpyBool(obj)) ThrowCannotConvert(obj, type);
    if (PyFloat_Check(obj)) {
      double d = PyFloat_AS_DOUBLE(obj);
      if (!std::isfinite(d) || d != std::trunc(d)) ThrowCannotConvert(obj, type, "float value is not an integer");
      nb::object as_int = nb::steal(CheckPy(PyNumber_Long(obj)));
      return ToInt<T>(as_int.ptr(), type);
    }
    if (PyUnicode_Check(obj) || PyBytes_Check(obj)) ThrowCannotConvert(obj, type);
    PyInteger v;
    if (!ReadInteger(obj, &v)) {
      if (IsNumpyObject(obj) && PyNumber_Check(obj)) {
        // numpy floating scalars: integral values only, as for Python floats
        nb::object as_float = nb::steal(PyNumber_Float(obj));
        if (as_float) return ToInt<T>(as_float.ptr(), type);
        PyErr_Clear();
      }
      ThrowCannotConvert(obj, type);
    }
    if constexpr (std::is_signed_v<T>) {
      if (!v.fits_int64 || v.as_int64 < std::numeric_limits<T>::min() || v.as_int64 > std::numeric_limits<T>::max()) {
        ThrowStatus(Status::Invalid("Integer value ", Repr(obj), " not in range: ",
                                    static_cast<int64_t>(std::numeric_limits<T>::min()), " to ",
                                    static_cast<int64_t>(std::numeric_limits<T>::max())));
      }
      return static_cast<T>(v.as_int64);
    } else {
      if (!v.fits_uint64 || v.as_uint64 > std::numeric_limits<T>::max()) {
        ThrowStatus(Status::Invalid("Integer value ", Repr(obj), " not in range: 0 to ",
                                    static_cast<uint64_t>(std::numeric_limits<T>::max())));
      }
      return static_cast<T>(v.as_uint64);
    }
  }

  double ToDouble(PyObject* obj, const DataType& type) {
    if (PyFloat_Check(obj)) return PyFloat_AS_DOUBLE(obj);
    if (PyBool_Check(obj) || IsNumpyBool(obj)) ThrowCannotConvert(obj, type);
    if (PyLong_Check(obj)) {
      double d = PyLong_AsDouble(obj);
      if (d == -1.0 && PyErr_Occurred()) throw nb::python_error();
      return d;
    }
    if (IsNumpyObject(obj) && PyNumber_Check(obj)) {
      double d = PyFloat_AsDouble(obj);
      if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        ThrowCannotConvert(obj, type);
      }
      return d;
    }
    ThrowCannotConvert(obj, type);
  }

  void AppendDecimal(DecimalBuilder* builder, PyObject* obj, const DataType& type) {
    bool is_decimal = g_decimal_class != nullptr && PyObject_IsInstance(obj, g_decimal_class) == 1;
    bool is_int = PyLong_Check(obj) && !PyBool_Check(obj);
    if (!is_decimal && !is_int) ThrowCannotConvert(obj, type);
    nb::object text = nb::steal(CheckPy(PyObject_Str(obj)));
    Status st = builder->AppendDecimal(nb::cast<std::string_view>(text));
    if (!st.ok()) ThrowStatus(st.WithContext("Could not convert " + Repr(obj) + " to " + type.ToString()));
  }

  int64_t ToDays(PyObject* obj, const DataType& type) {
    if (PyDate_Check(obj)) {
      return DaysFromCivil(PyDateTime_GET_YEAR(obj), PyDateTime_GET_MONTH(obj), PyDateTime_GET_DAY(obj));
    }
    if (PyLong_Check(obj) && !PyBool_Check(obj)) {
      int64_t v = ToInt<int64_t>(obj, type);
      // date64 is stored in milliseconds; integers given for it are milliseconds too.
      return type.id() == TypeId::DATE64 ? v / 86400000 : v;
    }
    if (IsNumpyObject(obj) && std::strcmp(Py_TYPE(obj)->tp_name, "numpy.datetime64") == 0) {
      nb::object days = nb::handle(obj).attr("astype")("datetime64[D]").attr("astype")("int64");
      return nb::cast<int64_t>(nb::int_(days));
    }
    ThrowCannotConvert(obj, type);
  }

  int64_t ToTime(PyObject* obj, const DataType& type) {
    TimeUnit unit = static_cast<const TemporalUnitType&>(type).unit();
    if (PyTime_Check(obj)) {
      int64_t seconds = PyDateTime_TIME_GET_HOUR(obj) * 3600 + PyDateTime_TIME_GET_MINUTE(obj) * 60 +
                        PyDateTime_TIME_GET_SECOND(obj);
      int64_t micros = PyDateTime_TIME_GET_MICROSECOND(obj);
      int64_t per_second = UnitsPerSecond(unit);
      int64_t fraction = unit == TimeUnit::NANO ? micros * 1000 : micros / (1000000 / per_second);
      return seconds * per_second + fraction;
    }
    if (PyLong_Check(obj) && !PyBool_Check(obj)) return ToInt<int64_t>(obj, type);
    ThrowCannotConvert(obj, type);
  }

  int64_t ToTimestamp(PyObject* obj, const TimestampType& type) {
    const TimeUnit unit = type.unit();
    const int64_t per_second = UnitsPerSecond(unit);
    if (PyDateTime_Check(obj)) {
      int64_t days = DaysFromCivil(PyDateTime_GET_YEAR(obj), PyDateTime_GET_MONTH(obj), PyDateTime_GET_DAY(obj));
      int64_t seconds = days * 86400 + PyDateTime_DATE_GET_HOUR(obj) * 3600 + PyDateTime_DATE_GET_MINUTE(obj) * 60 +
                        PyDateTime_DATE_GET_SECOND(obj);
      int64_t micros = PyDateTime_DATE_GET_MICROSECOND(obj);
      nb::object offset = nb::steal(CheckPy(PyObject_CallMethod(obj, "utcoffset", nullptr)));
      if (!offset.is_none()) {
        // Aware datetimes are stored as UTC.
        seconds -= static_cast<int64_t>(PyDateTime_DELTA_GET_DAYS(offset.ptr())) * 86400 +
                   PyDateTime_DELTA_GET_SECONDS(offset.ptr());
        micros -= PyDateTime_DELTA_GET_MICROSECONDS(offset.ptr());
      }
      int64_t nanos_extra = 0;
      if (unit == TimeUnit::NANO && PyObject_HasAttrString(obj, "nanosecond")) {
        nanos_extra = nb::cast<int64_t>(nb::handle(obj).attr("nanosecond"));
      }
      int64_t value;
      if (__builtin_mul_overflow(seconds, per_second, &value)) {
        ThrowStatus(Status::Invalid("timestamp ", Repr(obj), " out of range for ", type.ToString()));
      }
      int64_t fraction = unit == TimeUnit::NANO ? micros * 1000 + nanos_extra : micros / (1000000 / per_second);
      if (unit == TimeUnit::SECOND) fraction = FloorDivSeconds(micros);
      return value + fraction;
    }
    if (PyDate_Check(obj)) {
      int64_t days = DaysFromCivil(PyDateTime_GET_YEAR(obj), PyDateTime_GET_MONTH(obj), PyDateTime_GET_DAY(obj));
      return days * 86400 * per_second;
    }
    if (PyLong_Check(obj) && !PyBool_Check(obj)) return ToInt<int64_t>(obj, type);
    if (IsNumpyObject(obj) && std::strcmp(Py_TYPE(obj)->tp_name, "numpy.datetime64") == 0) {
      return NumpyTemporalValue(obj, unit, true);
    }
    ThrowCannotConvert(obj, type);
  }

  static int64_t FloorDivSeconds(int64_t micros) {
    // Whole-second timestamps drop the microseconds; negative offsets borrow.
    return micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  }

  int64_t ToDuration(PyObject* obj, const DataType& type) {
    const TimeUnit unit = static_cast<const TemporalUnitType&>(type).unit();
    const int64_t per_second = UnitsPerSecond(unit);
    if (PyDelta_Check(obj)) {
      int64_t seconds = static_cast<int64_t>(PyDateTime_DELTA_GET_DAYS(obj)) * 86400 + PyDateTime_DELTA_GET_SECONDS(obj);
      int64_t micros = PyDateTime_DELTA_GET_MICROSECONDS(obj);
      int64_t nanos_extra = 0;
      if (unit == TimeUnit::NANO && PyObject_HasAttrString(obj, "nanoseconds")) {
        nanos_extra = nb::cast<int64_t>(nb::handle(obj).attr("nanoseconds"));
      }
      int64_t value;
      if (__builtin_mul_overflow(seconds, per_second, &value)) {
        ThrowStatus(Status::Invalid("duration ", Repr(obj), " out of range for ", type.ToString()));
      }
      int64_t fraction = unit == TimeUnit::NANO ? micros * 1000 + nanos_extra : micros / (1000000 / per_second);
      return value + fraction;
    }
    if (PyLong_Check(obj) && !PyBool_Check(obj)) return ToInt<int64_t>(obj, type);
    if (IsNumpyObject(obj) && std::strcmp(Py_TYPE(obj)->tp_name, "numpy.timedelta64") == 0) {
      return NumpyTemporalValue(obj, unit, false);
    }
    ThrowCannotConvert(obj, type);
  }

  std::vector<int64_t> ToIntegerTuple(PyObject* obj, const DataType& type, size_t n) {
    if (!PyTuple_Check(obj) && !PyList_Check(obj)) {
      // objects with months/days/nanoseconds attributes (pandas DateOffset-like)
      if (n == 3 && PyObject_HasAttrString(obj, "months") && PyObject_HasAttrString(obj, "days") &&
          PyObject_HasAttrString(obj, "nanoseconds")) {
        nb::handle h(obj);
        return {nb::cast<int64_t>(h.attr("months")), nb::cast<int64_t>(h.attr("days")),
                nb::cast<int64_t>(h.attr("nanoseconds"))};
      }
      ThrowCannotConvert(obj, type);
    }
    nb::object seq = nb::steal(CheckPy(PySequence_Fast(obj, "expected a sequence")));
    if (static_cast<size_t>(PySequence_Fast_GET_SIZE(seq.ptr())) != n) {
      ThrowCannotConvert(obj, type, "expected a tuple of " + std::to_string(n) + " integers");
    }
    std::vector<int64_t> out;
    for (size_t k = 0; k < n; ++k) {
      PyObject* item = PySequence_Fast_GET_ITEM(seq.ptr(), static_cast<Py_ssize_t>(k));
      if (k < 2 || n == 2) out.push_back(ToInt<int32_t>(item, type));
      else out.push_back(ToInt<int64_t>(item, type));
    }
    return out;
  }

  std::string_view ToBytes(PyObject* obj, const DataType& type) {
    const bool is_text = type.id() == TypeId::STRING || type.id() == TypeId::LARGE_STRING || type.id() == TypeId::STRING_VIEW;
    if (PyUnicode_Check(obj)) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(obj, &size);
      if (data == nullptr) throw nb::python_error();
      return {data, static_cast<size_t>(size)};
    }
    std::string_view bytes;
    if (PyBytes_Check(obj)) {
      bytes = {PyBytes_AS_STRING(obj), static_cast<size_t>(PyBytes_GET_SIZE(obj))};
    } else if (PyByteArray_Check(obj)) {
      bytes = {PyByteArray_AS_STRING(obj), static_cast<size_t>(PyByteArray_GET_SIZE(obj))};
    } else if (PyObject_CheckBuffer(obj) && !IsNumpyObject(obj)) {
      auto buffer = BufferFromPyObject(nb::handle(obj));
      held_.push_back(buffer);
      bytes = buffer->view();
    } else {
      if (is_text) {
        ThrowStatus(Status::TypeError("Expected bytes or str, got a '", Py_TYPE(obj)->tp_name, "' object"));
      }
      ThrowStatus(Status::TypeError("Expected bytes, got a '", Py_TYPE(obj)->tp_name, "' object"));
    }
    if (is_text) {
      // bytes given for a string type must be valid UTF-8
      PyObject* decoded = PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "strict");
      if (decoded == nullptr) {
        PyErr_Clear();
        ThrowStatus(Status::Invalid(Repr(obj), " is not valid UTF-8 and cannot be converted to ", type.ToString()));
      }
      Py_DECREF(decoded);
    }
    return bytes;
  }

  bool IsSequence(PyObject* obj) {
    if (PyList_Check(obj) || PyTuple_Check(obj)) return true;
    if (PyUnicode_Check(obj) || PyBytes_Check(obj) || PyByteArray_Check(obj) || PyDict_Check(obj)) return false;
    return PySequence_Check(obj) == 1;
  }

  template <typename OffsetType>
  void AppendList(BaseListBuilder<OffsetType>* builder, PyObject* obj, const DataType& type) {
    if (!IsSequence(obj)) ThrowCannotConvert(obj, type, "expected a list, tuple or array");
    nb::object seq = nb::steal(CheckPy(PySequence_Fast(obj, "expected a sequence")));
    Check(builder->Append());
    ArrayBuilder* values = builder->value_builder();
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
    PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
    for (Py_ssize_t k = 0; k < n; ++k) Append(values, items[k]);
  }

  void AppendFixedSizeList(FixedSizeListBuilder* builder, PyObject* obj, const DataType& type) {
    if (!IsSequence(obj)) ThrowCannotConvert(obj, type, "expected a list, tuple or array");
    nb::object seq = nb::steal(CheckPy(PySequence_Fast(obj, "expected a sequence")));
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
    if (n != builder->list_size()) {
      ThrowStatus(Status::Invalid("Length of item not correct: expected ", builder->list_size(), " but got array of size ", n));
    }
    Check(builder->Append());
    PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
    for (Py_ssize_t k = 0; k < n; ++k) Append(builder->value_builder(), items[k]);
  }

  void AppendMap(MapBuilder* builder, PyObject* obj, const DataType& type) {
    nb::object pairs;
    if (PyDict_Check(obj)) {
      pairs = nb::steal(CheckPy(PyDict_Items(obj)));
    } else if (IsSequence(obj)) {
      pairs = nb::steal(CheckPy(PySequence_List(obj)));
    } else {
      ThrowCannotConvert(obj, type, "expected a dict or a list of (key, value) tuples");
    }
    Check(builder->Append());
    Py_ssize_t n = PyList_GET_SIZE(pairs.ptr());
    for (Py_ssize_t k = 0; k < n; ++k) {
      PyObject* pair = PyList_GET_ITEM(pairs.ptr(), k);
      if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
        ThrowCannotConvert(pair, type, "map entries must be (key, value) tuples");
      }
      PyObject* key = PyTuple_GET_ITEM(pair, 0);
      if (IsNullValue(key, options_)) ThrowStatus(Status::Invalid("Invalid Map: key field cannot contain null values"));
      Append(builder->key_builder(), key);
      Append(builder->item_builder(), PyTuple_GET_ITEM(pair, 1));
    }
  }

  void AppendStruct(StructBuilder* builder, PyObject* obj, const DataType& type) {
    const int n = type.num_fields();
    if (PyDict_Check(obj)) {
      Check(builder->Append());
      for (int f = 0; f < n; ++f) {
        nb::str name(type.field(f)->name().c_str(), type.field(f)->name().size());
        PyObject* value = PyDict_GetItemWithError(obj, name.ptr());
        if (value == nullptr) {
          if (PyErr_Occurred()) throw nb::python_error();
          Check(builder->field_builder(f)->AppendNull());
        } else {
          Append(builder->field_builder(f), value);
        }
      }
      return;
    }
    if (PyTuple_Check(obj) || PyList_Check(obj)) {
      nb::object seq = nb::steal(CheckPy(PySequence_Fast(obj, "expected a sequence")));
      if (PySequence_Fast_GET_SIZE(seq.ptr()) != n) {
        ThrowCannotConvert(obj, type, "a tuple for a struct needs one value per field");
      }
      Check(builder->Append());
      for (int f = 0; f < n; ++f) Append(builder->field_builder(f), PySequence_Fast_GET_ITEM(seq.ptr(), f));
      return;
    }
    ThrowCannotConvert(obj, type, "expected a dict or a tuple");
  }

  void AppendUnion(UnionBuilder* builder, PyObject* obj, const DataType& type) {
    const auto& union_type = static_cast<const UnionType&>(type);
    // The first child whose type accepts the value holds it.
    for (int c = 0; c < union_type.num_fields(); ++c) {
      const TypePtr& child_type = union_type.field(c)->type();
      bool accepted = true;
      try {
        ConvertOne(child_type, obj);
      } catch (const StatusError&) {
        accepted = false;
      } catch (const nb::python_error&) {
        accepted = false;
      }
      if (!accepted) continue;
      int8_t code = union_type.type_codes()[static_cast<size_t>(c)];
      Check(builder->Append(code));
      Append(builder->builder_for(code), obj);
      return;
    }
    ThrowCannotConvert(obj, type, "no child type of the union accepts it");
  }

  FromPyOptions options_;
  std::unordered_map<const DataType*, ArrayBuilderPtr> scratch_;
  std::vector<std::shared_ptr<Buffer>> held_;  // buffer exports alive until the conversion ends
};

// ---------------------------------------------------------------------------
// Inference

class Inferrer {
 public:
  explicit Inferrer(const FromPyOptions& options) : options_(options) {}

  void Visit(PyObject* obj) {
    if (IsNullValue(obj, options_)) {
      ++none_;
    } else if (PyBool_Check(obj)) {
      ++bool_;
    } else if (PyFloat_Check(obj)) {
      if (IsNumpyObject(obj)) VisitNumpyScalar(obj);
      ++float_;
    } else if (PyLong_Check(obj)) {
      ++int_;
      PyInteger v;
      ReadInteger(obj, &v);
      if (!v.fits_int64) overflow_ = nb::borrow(obj);
    } else if (PyUnicode_Check(obj)) {
      ++str_;
    } else if (PyBytes_Check(obj) || PyByteArray_Check(obj) || PyMemoryView_Check(obj)) {
      ++bytes_;
    } else if (PyDateTime_Check(obj)) {
      ++datetime_;
      if (!tz_known_) {
        nb::object tzinfo = nb::handle(obj).attr("tzinfo");
        if (!tzinfo.is_none()) {
          timezone_ = TzName(tzinfo, nb::handle(obj));
          tz_known_ = true;
        }
      }
    } else if (PyDate_Check(obj)) {
      ++date_;
    } else if (PyTime_Check(obj)) {
      ++time_;
    } else if (PyDelta_Check(obj)) {
      ++timedelta_;
    } else if (g_decimal_class != nullptr && PyObject_IsInstance(obj, g_decimal_class) == 1) {
      VisitDecimal(obj);
    } else if (PyDict_Check(obj)) {
      VisitDict(obj);
    } else if (g_month_day_nano != nullptr && PyObject_IsInstance(obj, g_month_day_nano) == 1) {
      ++month_day_nano_;
    } else if (PyList_Check(obj) || PyTuple_Check(obj)) {
      VisitList(obj);
    } else if (IsNumpyObject(obj)) {
      if (std::strcmp(Py_TYPE(obj)->tp_name, "numpy.ndarray") == 0) {
        VisitList(obj);
      } else {
        VisitNumpyScalar(obj);
      }
    } else {
      if (!unknown_) unknown_ = nb::borrow(obj);
    }
  }

  TypePtr GetType() {
    if (list_) return list(field("item", list_->GetType()));
    if (!struct_fields_.empty() || dict_ > 0) {
      FieldVector fields;
      for (auto& [name, inferrer] : struct_fields_) fields.push_back(field(name, inferrer->GetType()));
      return struct_(std::move(fields));
    }
    if (decimal_ > 0) {
      int32_t precision = std::max(1, max_int_digits_ + max_scale_);
      if (precision <= 38) return decimal128(precision, max_scale_);
      if (precision <= 76) return decimal256(precision, max_scale_);
      ThrowStatus(Status::Invalid("Decimal precision ", precision, " is larger than the maximum of 76"));
    }
    if (float_ > 0) {
      if (numpy_type_ && !numpy_mixed_ && float_ == numpy_count_ && is_floating(numpy_type_->id())) return numpy_type_;
      return float64();
    }
    if (int_ > 0) {
      if (numpy_type_ && !numpy_mixed_ && int_ == numpy_count_ && is_integer(numpy_type_->id())) return numpy_type_;
      if (overflow_) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C long");
        throw nb::python_error();
      }
      return int64();
    }
    if (date_ > 0) return date32();
    if (datetime_ > 0) {
      if (numpy_type_ && !numpy_mixed_ && datetime_ == numpy_count_) return numpy_type_;
      return timestamp(TimeUnit::MICRO, timezone_);
    }
    if (time_ > 0) return time64(TimeUnit::MICRO);
    if (timedelta_ > 0) {
      if (numpy_type_ && !numpy_mixed_ && timedelta_ == numpy_count_) return numpy_type_;
      return duration(TimeUnit::MICRO);
    }
    if (bool_ > 0) return boolean();
    if (bytes_ > 0) return binary();
    if (str_ > 0) return utf8();
    if (month_day_nano_ > 0) return month_day_nano_interval();
    if (unknown_) {
      ThrowStatus(Status::Invalid("Could not convert ", Repr(unknown_.ptr()), " with type ", Py_TYPE(unknown_.ptr())->tp_name,
                                  ": did not recognize Python value type when inferring an Arrow data type"));
    }
    return null();
  }

 private:
  static std::string TzName(nb::handle tzinfo, nb::handle dt) {
    if (tzinfo.ptr() == PyDateTimeAPI->TimeZone_UTC) return "UTC";
    if (nb::hasattr(tzinfo, "key")) return nb::cast<std::string>(nb::str(tzinfo.attr("key")));
    if (nb::hasattr(tzinfo, "zone")) return nb::cast<std::string>(nb::str(tzinfo.attr("zone")));
    // A fixed offset: "+HH:MM".
    nb::object offset = tzinfo.attr("utcoffset")(dt);
    if (offset.is_none()) return "";
    int64_t total = static_cast<int64_t>(PyDateTime_DELTA_GET_DAYS(offset.ptr())) * 86400 +
                    PyDateTime_DELTA_GET_SECONDS(offset.ptr());
    char sign = total < 0 ? '-' : '+';
    if (total < 0) total = -total;
    if (total == 0) return "UTC";
    char text[16];
    std::snprintf(text, sizeof(text), "%c%02d:%02d", sign, static_cast<int>(total / 3600),
                  static_cast<int>((total / 60) % 60));
    return text;
  }

  void VisitDecimal(PyObject* obj) {
    ++decimal_;
    nb::object t = nb::handle(obj).attr("as_tuple")();
    nb::object exponent = t.attr("exponent");
    if (!PyLong_Check(exponent.ptr())) {
      ThrowStatus(Status::Invalid("Cannot convert the special decimal value ", Repr(obj)));
    }
    int64_t exp = nb::cast<int64_t>(exponent);
    auto digits = static_cast<int64_t>(nb::len(nb::object(t.attr("digits"))));
    int64_t scale = exp < 0 ? -exp : 0;
    int64_t int_digits = exp < 0 ? std::max<int64_t>(digits + exp, 0) : digits + exp;
    max_scale_ = std::max(max_scale_, static_cast<int32_t>(scale));
    max_int_digits_ = std::max(max_int_digits_, static_cast<int32_t>(int_digits));
  }

  void VisitDict(PyObject* obj) {
    ++dict_;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(obj, &pos, &key, &value)) {
      if (!PyUnicode_Check(key)) {
        ThrowStatus(Status::TypeError("Expected dict key of type str or bytes, got '", Py_TYPE(key)->tp_name, "'"));
      }
      std::string name = nb::cast<std::string>(nb::handle(key));
      auto it = struct_index_.find(name);
      if (it == struct_index_.end()) {
        it = struct_index_.emplace(name, struct_fields_.size()).first;
        struct_fields_.emplace_back(name, std::make_unique<Inferrer>(options_));
      }
      struct_fields_[it->second].second->Visit(value);
    }
  }

  void VisitList(PyObject* obj) {
    if (!list_) list_ = std::make_unique<Inferrer>(options_);
    nb::object seq = nb::steal(CheckPy(PySequence_Fast(obj, "expected a sequence")));
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
    PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
    for (Py_ssize_t k = 0; k < n; ++k) list_->Visit(items[k]);
  }

  void VisitNumpyScalar(PyObject* obj) {
    nb::object dtype = nb::handle(obj).attr("dtype");
    std::string kind = nb::cast<std::string>(dtype.attr("kind"));
    int itemsize = nb::cast<int>(dtype.attr("itemsize"));
    TypePtr type;
    if (kind == "b") {
      ++bool_;
      return;
    }
    if (kind == "i") {
      type = itemsize == 1 ? int8() : itemsize == 2 ? int16() : itemsize == 4 ? int32() : int64();
      ++int_;
    } else if (kind == "u") {
      type = itemsize == 1 ? uint8() : itemsize == 2 ? uint16() : itemsize == 4 ? uint32() : uint64();
      ++int_;
    } else if (kind == "f") {
      // np.float64 is a float subclass and already counted by the caller
      type = itemsize == 2 ? float16() : itemsize == 4 ? float32() : float64();
      if (!PyFloat_Check(obj)) ++float_;
    } else if (kind == "M" || kind == "m") {
      nb::object info = nb::module_::import_("numpy").attr("datetime_data")(dtype);
      std::string unit = nb::cast<std::string>(info[0]);
      TimeUnit u = unit == "s" ? TimeUnit::SECOND : unit == "ms" ? TimeUnit::MILLI : unit == "ns" ? TimeUnit::NANO : TimeUnit::MICRO;
      if (kind == "M") {
        if (unit == "D") {
          ++date_;
          return;
        }
        type = timestamp(u);
        ++datetime_;
      } else {
        type = duration(u);
        ++timedelta_;
      }
    } else if (kind == "U") {
      ++str_;
      return;
    } else if (kind == "S") {
      ++bytes_;
      return;
    } else {
      if (!unknown_) unknown_ = nb::borrow(obj);
      return;
    }
    ++numpy_count_;
    if (!numpy_type_) numpy_type_ = type;
    else if (!numpy_type_->Equals(*type)) numpy_mixed_ = true;
  }

  FromPyOptions options_;
  int64_t none_ = 0, bool_ = 0, int_ = 0, float_ = 0, str_ = 0, bytes_ = 0, date_ = 0, datetime_ = 0, time_ = 0,
          timedelta_ = 0, decimal_ = 0, dict_ = 0, month_day_nano_ = 0, numpy_count_ = 0;
  int32_t max_int_digits_ = 0, max_scale_ = 0;
  std::string timezone_;
  bool tz_known_ = false;
  TypePtr numpy_type_;
  bool numpy_mixed_ = false;
  nb::object unknown_, overflow_;
  std::unique_ptr<Inferrer> list_;
  std::vector<std::pair<std::string, std::unique_ptr<Inferrer>>> struct_fields_;
  std::map<std::string, size_t> struct_index_;
};

nb::object AsFastSequence(nb::handle seq) {
  if (PyList_Check(seq.ptr()) || PyTuple_Check(seq.ptr())) return nb::borrow(seq);
  return nb::steal(CheckPy(PySequence_Fast(seq.ptr(), "expected a sequence or iterable of values")));
}

}  // namespace

TypePtr InferPyType(nb::handle seq, const FromPyOptions& options) {
  nb::object fast = AsFastSequence(seq);
  Inferrer inferrer(options);
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.ptr());
  PyObject** items = PySequence_Fast_ITEMS(fast.ptr());
  for (Py_ssize_t k = 0; k < n; ++k) inferrer.Visit(items[k]);
  return inferrer.GetType();
}

namespace {

ArrayPtr ConvertWithMask(nb::handle seq, const TypePtr& given_type, const FromPyOptions& options,
                         const std::vector<uint8_t>* mask) {
  nb::object fast = AsFastSequence(seq);
  TypePtr type = given_type ? given_type : InferPyType(fast, options);
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.ptr());
  PyObject** items = PySequence_Fast_ITEMS(fast.ptr());
  if (mask && static_cast<Py_ssize_t>(mask->size()) != n) {
    ThrowStatus(Status::Invalid("mask length (", mask->size(), ") does not match the number of values (", n, ")"));
  }
  Appender appender(options);
  // Dictionary and run-end encoded columns: convert the values once, then encode them.
  if (type->id() == TypeId::DICTIONARY || type->id() == TypeId::RUN_END_ENCODED) {
    const TypePtr& value_type = type->id() == TypeId::DICTIONARY
                                    ? static_cast<const DictionaryType&>(*type).value_type()
                                    : static_cast<const RunEndEncodedType&>(*type).value_type();
    ArrayPtr values = ConvertWithMask(fast, value_type, options, mask);
    auto builder = Unwrap(MakeBuilder(type));
    if (type->id() == TypeId::DICTIONARY) {
      Check(static_cast<DictionaryBuilder*>(builder.get())->AppendValues(*values));
    } else {
      Check(static_cast<RunEndEncodedBuilder*>(builder.get())->AppendValues(*values));
    }
    return Unwrap(builder->Finish());
  }
  auto builder = Unwrap(MakeBuilder(type));
  Check(builder->Reserve(n));
  for (Py_ssize_t k = 0; k < n; ++k) {
    if (mask && (*mask)[static_cast<size_t>(k)]) {
      Check(builder->AppendNull());
    } else {
      appender.Append(builder.get(), items[k]);
    }
  }
  return Unwrap(builder->Finish());
}

}  // namespace

ArrayPtr ConvertPySequence(nb::handle seq, const TypePtr& type, const FromPyOptions& options) {
  return ConvertWithMask(seq, type, options, nullptr);
}

void InitConvert(nb::module_& m) {
  PyDateTime_IMPORT;
  if (PyDateTimeAPI == nullptr) throw nb::python_error();
  InitConvertToPython(m);
  g_decimal_class = nb::object(nb::module_::import_("decimal").attr("Decimal")).release().ptr();
  g_month_day_nano = nb::object(m.attr("MonthDayNano")).release().ptr();

  m.def("_array_from_pylist", [](nb::handle values, nb::handle type, nb::handle mask, bool from_pandas) {
    FromPyOptions options;
    options.from_pandas = from_pandas;
    TypePtr t = type.is_none() ? nullptr : EnsureType(type);
    std::vector<uint8_t> mask_bytes;
    if (!mask.is_none()) {
      for (nb::handle item : mask) mask_bytes.push_back(PyObject_IsTrue(item.ptr()) == 1 ? 1 : 0);
    }
    return WrapArray(ConvertWithMask(values, t, options, mask.is_none() ? nullptr : &mask_bytes));
  }, nb::arg("values"), nb::arg("type") = nb::none(), nb::arg("mask") = nb::none(), nb::arg("from_pandas") = false);

  m.def("infer_type", [](nb::handle values, nb::handle mask, bool from_pandas) {
    FromPyOptions options;
    options.from_pandas = from_pandas;
    if (!mask.is_none()) {
      nb::list kept;
      nb::object fast = AsFastSequence(values);
      Py_ssize_t k = 0;
      for (nb::handle m_item : mask) {
        if (k >= PySequence_Fast_GET_SIZE(fast.ptr())) break;
        if (PyObject_IsTrue(m_item.ptr()) != 1) kept.append(nb::borrow(PySequence_Fast_GET_ITEM(fast.ptr(), k)));
        ++k;
      }
      return WrapType(InferPyType(kept, options));
    }
    return WrapType(InferPyType(values, options));
  }, nb::arg("values"), nb::arg("mask") = nb::none(), nb::arg("from_pandas") = false,
     "The Arrow type pa.array would infer for a sequence of Python values.");
}

}  // namespace quiver::py
