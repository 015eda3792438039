// Arrow values -> Python objects (Array.to_pylist, Scalar.as_py), with
// pyarrow's choices: dates, times, timestamps and durations as datetime
// objects (pandas.Timestamp / Timedelta for nanoseconds when pandas is
// installed), decimals as decimal.Decimal, structs as dicts, maps as lists of
// (key, value) tuples, month_day_nano intervals as MonthDayNano tuples.
#include <cmath>
#include <map>
#include <mutex>

#include "common.h"
// datetime.h needs Python.h first; its C API pointer is per translation unit
// (PyDateTime_IMPORT runs in this file's init function).
#include <datetime.h>
#include "quiver/builder.h"
#include "quiver/calendar.h"

namespace quiver::py {
namespace {

// Python objects looked up once and kept for the life of the process.
struct PyHandles {
  PyObject* decimal_class = nullptr;
  PyObject* month_day_nano = nullptr;
  PyObject* day_time = nullptr;
};
PyHandles g_handles;

// pandas is optional: looked up on first need (as pyarrow does).
PyObject* Pandas() {
  static PyObject* pandas = nullptr;
  static bool tried = false;
  if (!tried) {
    tried = true;
    pandas = PyImport_ImportModule("pandas");
    if (pandas == nullptr) PyErr_Clear();
  }
  return pandas;
}

// Floor division and modulo (Python semantics).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

nb::object DateFromDays(int64_t days) {
  const auto [year, month, day] = CivilFromDays(days);
  if (year < 1 || year > 9999) {
    throw nb::value_error(("date out of the range of datetime.date: " + std::to_string(days) + " days since the epoch").c_str());
  }
  return nb::steal(CheckPy(PyDate_FromDate(static_cast<int>(year), month, day)));
}

nb::object TzObject(const std::string& tz) {
  static std::map<std::string, nb::object>* cache = new std::map<std::string, nb::object>();
  if (auto it = cache->find(tz); it != cache->end()) return it->second;
  nb::object zone;
  if (tz == "UTC" || tz == "utc" || tz == "Z" || tz == "+00:00") {
    zone = nb::borrow(PyDateTimeAPI->TimeZone_UTC);
  } else if (!tz.empty() && (tz[0] == '+' || tz[0] == '-')) {
    // A fixed offset "+HH:MM".
    int hours = 0, minutes = 0;
    if (std::sscanf(tz.c_str() + 1, "%d:%d", &hours, &minutes) < 1) {
      ThrowStatus(Status::Invalid("Cannot parse timezone offset '", tz, "'"));
    }
    int sign = tz[0] == '-' ? -1 : 1;
    nb::object delta = nb::steal(CheckPy(PyDelta_FromDSU(0, sign * (hours * 3600 + minutes * 60), 0)));
    zone = nb::steal(CheckPy(PyTimeZone_FromOffset(delta.ptr())));
  } else {
    nb::object zoneinfo = nb::module_::import_("zoneinfo");
    zone = zoneinfo.attr("ZoneInfo")(nb::str(tz.c_str()));
  }
  (*cache)[tz] = zone;
  return zone;
}

nb::object TimestampToPy(int64_t value, const TimestampType& type) {
  const TimeUnit unit = type.unit();
  if (unit == TimeUnit::NANO) {
    if (PyObject* pandas = Pandas()) {
      nb::handle pd(pandas);
      if (type.timezone().empty()) return pd.attr("Timestamp")(value, nb::arg("unit") = "ns");
      return pd.attr("Timestamp")(value, nb::arg("unit") = "ns", nb::arg("tz") = "UTC")
          .attr("tz_convert")(TzObject(type.timezone()));
    }
    if (value % 1000 != 0) {
      ThrowStatus(Status::Invalid("Nanosecond resolution temporal type ", value,
                                  " is not safely convertible to microseconds to convert to datetime.datetime. "
                                  "Install pandas to return as Timestamp with nanosecond support."));
    }
  }
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t per_day = per_second * 86400;
  int64_t days = FloorDiv(value, per_day);
  int64_t rem = FloorMod(value, per_day);
  int64_t seconds = rem / per_second;
  int64_t fraction = rem % per_second;
  int64_t micros = unit == TimeUnit::NANO ? fraction / 1000 : fraction * (1000000 / per_second);
  const auto [year, month, day] = CivilFromDays(days);
  if (year < 1 || year > 9999) {
    throw nb::value_error(("timestamp out of the range of datetime.datetime: " + std::to_string(value)).c_str());
  }
  const bool aware = !type.timezone().empty();
  PyObject* tzinfo = aware ? PyDateTimeAPI->TimeZone_UTC : Py_None;
  nb::object dt = nb::steal(CheckPy(PyDateTimeAPI->DateTime_FromDateAndTime(
      static_cast<int>(year), month, day, static_cast<int>(seconds / 3600), static_cast<int>((seconds / 60) % 60),
      static_cast<int>(seconds % 60), static_cast<int>(micros), tzinfo, PyDateTimeAPI->DateTimeType)));
  if (aware) return dt.attr("astimezone")(TzObject(type.timezone()));
  return dt;
}

nb::object DurationToPy(int64_t value, TimeUnit unit) {
  if (unit == TimeUnit::NANO) {
    if (PyObject* pandas = Pandas()) {
      return nb::handle(pandas).attr("Timedelta")(value, nb::arg("unit") = "ns");
    }
    if (value % 1000 != 0) {
      ThrowStatus(Status::Invalid("Nanosecond duration ", value,
                                  " is not safely convertible to microseconds to convert to datetime.timedelta. "
                                  "Install pandas to return as Timedelta with nanosecond support."));
    }
  }
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t per_day = per_second * 86400;
  int64_t days = FloorDiv(value, per_day);
  int64_t rem = FloorMod(value, per_day);
  int64_t seconds = rem / per_second;
  int64_t fraction = rem % per_second;
  int64_t micros = unit == TimeUnit::NANO ? fraction / 1000 : fraction * (1000000 / per_second);
  if (days > 999999999 || days < -999999999) {
    throw nb::value_error(("duration out of the range of datetime.timedelta: " + std::to_string(value)).c_str());
  }
  return nb::steal(CheckPy(PyDelta_FromDSU(static_cast<int>(days), static_cast<int>(seconds), static_cast<int>(micros))));
}

nb::object TimeToPy(int64_t value, TimeUnit unit) {
  const int64_t per_second = UnitsPerSecond(unit);
  if (value < 0 || value >= per_second * 86400) {
    throw nb::value_error(("time of day out of range: " + std::to_string(value)).c_str());
  }
  int64_t seconds = value / per_second;
  int64_t fraction = value % per_second;
  int64_t micros = unit == TimeUnit::NANO ? fraction / 1000 : fraction * (1000000 / per_second);
  return nb::steal(CheckPy(PyTime_FromTime(static_cast<int>(seconds / 3600), static_cast<int>((seconds / 60) % 60),
                                           static_cast<int>(seconds % 60), static_cast<int>(micros))));
}

nb::object BytesToPy(std::string_view bytes) {
  return nb::steal(CheckPy(PyBytes_FromStringAndSize(bytes.data(), static_cast<Py_ssize_t>(bytes.size()))));
}
nb::object StrToPy(std::string_view text) {
  return nb::steal(CheckPy(PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "strict")));
}

nb::object ListToPy(const ArrayPtr& values, const ToPyOptions& options) {
  nb::list out;
  for (int64_t j = 0; j < values->length(); ++j) out.append(ArrayValueToPy(*values, j, options));
  return out;
}

nb::object MapToPy(const MapArray& map, int64_t i, const ToPyOptions& options) {
  auto entries = map.value_slice(i);
  const auto& st = static_cast<const StructArray&>(*entries);
  ArrayPtr keys = st.field(0), items = st.field(1);
  if (options.maps == ToPyOptions::Maps::kTuples) {
    nb::list out;
    for (int64_t j = 0; j < entries->length(); ++j) {
      out.append(nb::make_tuple(ArrayValueToPy(*keys, j, options), ArrayValueToPy(*items, j, options)));
    }
    return out;
  }
  nb::dict out;
  for (int64_t j = 0; j < entries->length(); ++j) {
    nb::object key = ArrayValueToPy(*keys, j, options);
    if (options.maps == ToPyOptions::Maps::kStrict && out.contains(key)) {
      ThrowStatus(Status::KeyError("Converting to Python dictionary is not supported in strict mode when duplicate keys "
                                   "are present (duplicate key was '",
                                   nb::cast<std::string>(nb::str(key)), "')."));
    }
    out[key] = ArrayValueToPy(*items, j, options);
  }
  return out;
}

}  // namespace

nb::object ArrayValueToPy(const Array& array, int64_t i, const ToPyOptions& options) {
  if (array.type_id() == TypeId::NA) return nb::none();
  // Unions and run-end encoded arrays have no validity bitmap of their own:
  // their children decide.
  if (array.type_id() != TypeId::SPARSE_UNION && array.type_id() != TypeId::DENSE_UNION &&
      array.type_id() != TypeId::RUN_END_ENCODED && array.IsNull(i)) {
    return nb::none();
  }
  const DataType& type = *array.type();
  switch (array.type_id()) {
    case TypeId::NA:
      return nb::none();
    case TypeId::BOOL:
      return nb::bool_(static_cast<const BooleanArray&>(array).Value(i));
    case TypeId::INT8:
      return nb::int_(static_cast<const Int8Array&>(array).Value(i));
    case TypeId::INT16:
      return nb::int_(static_cast<const Int16Array&>(array).Value(i));
    case TypeId::INT32:
      return nb::int_(static_cast<const Int32Array&>(array).Value(i));
    case TypeId::INT64:
      return nb::steal(CheckPy(PyLong_FromLongLong(static_cast<const Int64Array&>(array).Value(i))));
    case TypeId::UINT8:
      return nb::int_(static_cast<const UInt8Array&>(array).Value(i));
    case TypeId::UINT16:
      return nb::int_(static_cast<const UInt16Array&>(array).Value(i));
    case TypeId::UINT32:
      return nb::steal(CheckPy(PyLong_FromUnsignedLong(static_cast<const UInt32Array&>(array).Value(i))));
    case TypeId::UINT64:
      return nb::steal(CheckPy(PyLong_FromUnsignedLongLong(static_cast<const UInt64Array&>(array).Value(i))));
    case TypeId::HALF_FLOAT:
      return nb::float_(static_cast<double>(HalfToFloat(static_cast<const HalfFloatArray&>(array).Value(i))));
    case TypeId::FLOAT:
      return nb::float_(static_cast<double>(static_cast<const FloatArray&>(array).Value(i)));
    case TypeId::DOUBLE:
      return nb::float_(static_cast<const DoubleArray&>(array).Value(i));
    case TypeId::DECIMAL32:
    case TypeId::DECIMAL64:
    case TypeId::DECIMAL128:
    case TypeId::DECIMAL256: {
      std::string text = static_cast<const DecimalArray&>(array).FormatValue(i);
      nb::object str = nb::steal(CheckPy(PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()))));
      return nb::steal(CheckPy(PyObject_CallOneArg(g_handles.decimal_class, str.ptr())));
    }
    case TypeId::DATE32:
      return DateFromDays(static_cast<const Date32Array&>(array).Value(i));
    case TypeId::DATE64:
      return DateFromDays(FloorDiv(static_cast<const Date64Array&>(array).Value(i), 86400000));
    case TypeId::TIME32:
      return TimeToPy(static_cast<const Time32Array&>(array).Value(i), static_cast<const TemporalUnitType&>(type).unit());
    case TypeId::TIME64:
      return TimeToPy(static_cast<const Time64Array&>(array).Value(i), static_cast<const TemporalUnitType&>(type).unit());
    case TypeId::TIMESTAMP:
      return TimestampToPy(static_cast<const TimestampArray&>(array).Value(i), static_cast<const TimestampType&>(type));
    case TypeId::DURATION:
      return DurationToPy(static_cast<const DurationArray&>(array).Value(i), static_cast<const TemporalUnitType&>(type).unit());
    case TypeId::INTERVAL_MONTHS:
      return nb::int_(static_cast<const MonthIntervalArray&>(array).Value(i));
    case TypeId::INTERVAL_DAY_TIME: {
      DayTimeInterval v = static_cast<const DayTimeIntervalArray&>(array).Value(i);
      return nb::steal(CheckPy(PyObject_CallFunction(g_handles.day_time, "ii", v.days, v.milliseconds)));
    }
    case TypeId::INTERVAL_MONTH_DAY_NANO: {
      MonthDayNanoInterval v = static_cast<const MonthDayNanoIntervalArray&>(array).Value(i);
      return nb::steal(CheckPy(PyObject_CallFunction(g_handles.month_day_nano, "iiL", v.months, v.days,
                                                     static_cast<long long>(v.nanoseconds))));
    }
    case TypeId::BINARY:
      return BytesToPy(static_cast<const BinaryArray&>(array).GetView(i));
    case TypeId::STRING:
      return StrToPy(static_cast<const StringArray&>(array).GetView(i));
    case TypeId::LARGE_BINARY:
      return BytesToPy(static_cast<const LargeBinaryArray&>(array).GetView(i));
    case TypeId::LARGE_STRING:
      return StrToPy(static_cast<const LargeStringArray&>(array).GetView(i));
    case TypeId::BINARY_VIEW:
      return BytesToPy(static_cast<const BinaryViewArray&>(array).GetView(i));
    case TypeId::STRING_VIEW:
      return StrToPy(static_cast<const StringViewArray&>(array).GetView(i));
    case TypeId::FIXED_SIZE_BINARY:
      return BytesToPy(static_cast<const FixedSizeBinaryArray&>(array).GetView(i));
    case TypeId::LIST:
      return ListToPy(static_cast<const ListArray&>(array).value_slice(i), options);
    case TypeId::LARGE_LIST:
      return ListToPy(static_cast<const LargeListArray&>(array).value_slice(i), options);
    case TypeId::LIST_VIEW:
      return ListToPy(static_cast<const ListViewArray&>(array).value_slice(i), options);
    case TypeId::LARGE_LIST_VIEW:
      return ListToPy(static_cast<const LargeListViewArray&>(array).value_slice(i), options);
    case TypeId::FIXED_SIZE_LIST:
      return ListToPy(static_cast<const FixedSizeListArray&>(array).value_slice(i), options);
    case TypeId::MAP:
      return MapToPy(static_cast<const MapArray&>(array), i, options);
    case TypeId::STRUCT: {
      const auto& st = static_cast<const StructArray&>(array);
      nb::dict out;
      for (int f = 0; f < st.num_fields(); ++f) {
        // raw child + this array's offset: no slicing per value
        const ArrayPtr& child = st.raw_children()[static_cast<size_t>(f)];
        out[nb::str(type.field(f)->name().c_str())] = ArrayValueToPy(*child, array.offset() + i, options);
      }
      return out;
    }
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      const auto& u = static_cast<const UnionArray&>(array);
      int child = u.child_id(i);
      if (child < 0) ThrowStatus(Status::Invalid("union type code ", int(u.type_code(i)), " has no child"));
      int64_t index = u.mode() == UnionMode::SPARSE ? array.offset() + i : u.value_offset(i);
      return ArrayValueToPy(*u.field(child), index, options);
    }
    case TypeId::DICTIONARY: {
      const auto& d = static_cast<const DictionaryArray&>(array);
      return ArrayValueToPy(*d.dictionary(), d.GetValueIndex(i), options);
    }
    case TypeId::RUN_END_ENCODED: {
      const auto& ree = static_cast<const RunEndEncodedArray&>(array);
      return ArrayValueToPy(*ree.values(), ree.FindPhysicalIndex(i), options);
    }
    case TypeId::EXTENSION:
      return ArrayValueToPy(*static_cast<const ExtensionArray&>(array).storage(), i, options);
  }
  ThrowStatus(Status::NotImplemented("conversion of ", type.ToString(), " to Python"));
}

nb::list ArrayToPyList(const Array& array, const ToPyOptions& options) {
  nb::list out;
  const int64_t n = array.length();
  switch (array.type_id()) {
    // Fast paths for the common flat types.
    case TypeId::INT64: {
      const auto& a = static_cast<const Int64Array&>(array);
      for (int64_t i = 0; i < n; ++i) {
        out.append(a.IsNull(i) ? nb::none() : nb::steal(CheckPy(PyLong_FromLongLong(a.Value(i)))));
      }
      return out;
    }
    case TypeId::DOUBLE: {
      const auto& a = static_cast<const DoubleArray&>(array);
      for (int64_t i = 0; i < n; ++i) out.append(a.IsNull(i) ? nb::none() : nb::object(nb::float_(a.Value(i))));
      return out;
    }
    default:
      for (int64_t i = 0; i < n; ++i) out.append(ArrayValueToPy(array, i, options));
      return out;
  }
}

void InitConvertToPython(nb::module_& m) {
  PyDateTime_IMPORT;
  if (PyDateTimeAPI == nullptr) throw nb::python_error();
  g_handles.decimal_class = nb::object(nb::module_::import_("decimal").attr("Decimal")).release().ptr();
  nb::object namedtuple = nb::module_::import_("collections").attr("namedtuple");
  nb::object mdn = namedtuple("MonthDayNano", nb::make_tuple("months", "days", "nanoseconds"),
                              nb::arg("module") = "quiver.lib");
  nb::object dt = namedtuple("DayTimeInterval", nb::make_tuple("days", "milliseconds"),
                             nb::arg("module") = "quiver.lib");
  m.attr("MonthDayNano") = mdn;
  m.attr("DayTimeInterval") = dt;
  g_handles.month_day_nano = mdn.release().ptr();
  g_handles.day_time = dt.release().ptr();
}

}  // namespace quiver::py
