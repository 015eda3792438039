// Pretty printer: reproduces pyarrow's Array.to_string() layout.
//
// How the pieces fit. A Printer walks the array recursively; every array kind
// prints itself at a given indent:
//   - flat and list-like arrays go through PrintBracketed(), which writes "[",
//     one element per line (or "," separated with skip_new_lines), the "..."
//     window cut, and "]"; elements are either formatted scalars, nested arrays
//     (list slices, which print their own opening indent) or map entries;
//   - struct, union, dictionary and run-end encoded arrays print "-- header"
//     blocks followed by their parts at one more indent level.
// pyarrow's output has a few irregularities that are reproduced on purpose
// (checked against pyarrow, see tests/cpp/core/pretty_print_test.cc):
//   - the bracketed printer writes indentation only in multi-line mode, while
//     the header blocks always indent; some header line breaks are written even
//     with skip_new_lines;
//   - a struct's validity bitmap is preceded by one extra indent;
//   - null arrays print "<n> nulls" with no indentation at all;
//   - the headers, written with their trailing line break where pyarrow does,
//     count as elements for element_size_limit, and "keys:"/"values:" do not.
#include "quiver/pretty_print.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string_view>
#include <system_error>

#include "quiver/calendar.h"
#include "quiver/validate.h"

namespace quiver {
namespace {

// ---------------------------------------------------------------------------
// Number formatting

// Shortest decimal form that reads back to the same value, laid out as pyarrow
// does: plain notation when the decimal exponent is in [-6, 9], otherwise
// "d.ddde+N" with no padding of the exponent.
template <typename Float>
std::string FormatFloat(Float value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  std::array<char, 64> buf{};
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::scientific);
  if (ec != std::errc()) return "<unformattable float>";
  std::string_view sci(buf.data(), static_cast<size_t>(end - buf.data()));
  std::string out;
  if (!sci.empty() && sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

  const int num_digits = static_cast<int>(digits.size());
  if (exponent >= -6 && exponent <= 9) {
    if (exponent < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out += digits;
    } else if (num_digits <= exponent + 1) {
      out += digits;
      out.append(static_cast<size_t>(exponent + 1 - num_digits), '0');
    } else {
      out.append(digits, 0, static_cast<size_t>(exponent + 1));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(exponent + 1));
    }
    return out;
  }
  out.push_back(digits[0]);
  if (num_digits > 1) {
    out.push_back('.');
    out.append(digits, 1);
  }
  out.push_back('e');
  out.push_back(exponent < 0 ? '-' : '+');
  out += std::to_string(exponent < 0 ? -exponent : exponent);
  return out;
}

// IEEE 754 binary16 to double (exact: every half value is a double).
double HalfToDouble(uint16_t bits) {
  const bool negative = (bits & 0x8000u) != 0;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0x1f) {
    magnitude = mantissa != 0 ? std::nan("") : INFINITY;
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<double>(mantissa), -24);
  } else {
    magnitude = std::ldexp(static_cast<double>(mantissa + 1024), exponent - 25);
  }
  return negative ? -magnitude : magnitude;
}

// The magnitude digits and sign of a little-endian two's-complement integer of
// `width` bytes (4, 8, 16 or 32).
std::string UnscaledDigits(const uint8_t* bytes, int width, bool* negative) {
  // Little-endian 32-bit limbs of the magnitude.
  std::array<uint32_t, 8> limbs{};
  const int num_limbs = width / 4;
  for (int i = 0; i < num_limbs; ++i) {
    uint32_t limb;
    std::memcpy(&limb, bytes + 4 * i, 4);
    limbs[static_cast<size_t>(i)] = limb;
  }
  *negative = (bytes[width - 1] & 0x80) != 0;
  if (*negative) {  // two's complement: invert and add one
    uint64_t carry = 1;
    for (int i = 0; i < num_limbs; ++i) {
      const uint64_t v = static_cast<uint64_t>(~limbs[static_cast<size_t>(i)]) + carry;
      limbs[static_cast<size_t>(i)] = static_cast<uint32_t>(v);
      carry = v >> 32;
    }
  }
  // Repeated division by 10^9 yields nine digits at a time, least significant first.
  std::string reversed;
  int top = num_limbs;
  while (top > 0 && limbs[static_cast<size_t>(top - 1)] == 0) --top;
  while (top > 0) {
    uint64_t remainder = 0;
    for (int i = top - 1; i >= 0; --i) {
      const uint64_t cur = (remainder << 32) | limbs[static_cast<size_t>(i)];
      limbs[static_cast<size_t>(i)] = static_cast<uint32_t>(cur / 1000000000u);
      remainder = cur % 1000000000u;
    }
    while (top > 0 && limbs[static_cast<size_t>(top - 1)] == 0) --top;
    for (int d = 0; d < 9; ++d) {
      reversed.push_back(static_cast<char>('0' + remainder % 10));
      remainder /= 10;
      if (top == 0 && remainder == 0) break;
    }
  }
  if (reversed.empty()) reversed = "0";
  return std::string(reversed.rbegin(), reversed.rend());
}

// Decimal text as pyarrow prints it: plain notation when the scale is not
// negative and the adjusted exponent is at least -6, otherwise scientific
// ("1E-10", "-1.23E+4").
std::string FormatDecimal(const uint8_t* bytes, int width, int32_t scale) {
  bool negative = false;
  const std::string digits = UnscaledDigits(bytes, width, &negative);
  const int64_t num_digits = static_cast<int64_t>(digits.size());
  const int64_t adjusted = -static_cast<int64_t>(scale) + (num_digits - 1);
  std::string out = negative ? "-" : "";
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      out += digits;
    } else if (num_digits > scale) {
      out.append(digits, 0, static_cast<size_t>(num_digits - scale));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(num_digits - scale));
    } else {
      out += "0.";
      out.append(static_cast<size_t>(scale - num_digits), '0');
      out += digits;
    }
    return out;
  }
  out.push_back(digits[0]);
  if (num_digits > 1) {
    out.push_back('.');
    out.append(digits, 1);
  }
  out += adjusted < 0 ? "E-" : "E+";
  out += std::to_string(adjusted < 0 ? -adjusted : adjusted);
  return out;
}

// ---------------------------------------------------------------------------
// Dates and times

constexpr int64_t kSecondsPerDay = 86400;
// Days since 1970-01-01 of -32767-01-01 and 32767-12-31: the years pyarrow prints.
constexpr int64_t kMinPrintableDay = -12687428;
constexpr int64_t kMaxPrintableDay = 11248737;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void AppendPadded(std::string* out, int64_t value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width)
    out->append(static_cast<size_t>(width) - digits.size(), '0');
  *out += digits;
}

std::string OutOfRange(int64_t value) {
  return "<value out of range: " + std::to_string(value) + ">";
}

// "YYYY-MM-DD" (years before 1 as "-YYYY" / "0000"); the day must be printable.
std::string FormatDate(int64_t days) {
  const CivilDate d = CivilFromDays(days);
  std::string out;
  if (d.year < 0) out.push_back('-');
  AppendPadded(&out, d.year < 0 ? -d.year : d.year, 4);
  out.push_back('-');
  AppendPadded(&out, d.month, 2);
  out.push_back('-');
  AppendPadded(&out, d.day, 2);
  return out;
}



// "HH:MM:SS[.fff]" for a time of day in [0, one day) expressed in `unit`.
std::string FormatTimeOfDay(int64_t value, TimeUnit unit) {
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t seconds = value / per_second;
  std::string out;
  AppendPadded(&out, seconds / 3600, 2);
  out.push_back(':');
  AppendPadded(&out, (seconds / 60) % 60, 2);
  out.push_back(':');
  AppendPadded(&out, seconds % 60, 2);
  if (const int digits = FractionDigits(unit); digits > 0) {
    out.push_back('.');
    AppendPadded(&out, value % per_second, digits);
  }
  return out;
}

std::string FormatTime(int64_t value, TimeUnit unit) {
  if (value < 0 || value >= kSecondsPerDay * UnitsPerSecond(unit)) return OutOfRange(value);
  return FormatTimeOfDay(value, unit);
}

std::string FormatTimestamp(int64_t value, TimeUnit unit, bool has_timezone) {
  const int64_t per_day = kSecondsPerDay * UnitsPerSecond(unit);
  const int64_t days = FloorDiv(value, per_day);
  if (days < kMinPrintableDay || days > kMaxPrintableDay) return OutOfRange(value);
  std::string out = FormatDate(days);
  out.push_back(' ');
  // The remainder directly: days * per_day overflows near INT64_MIN nanoseconds.
  int64_t time_of_day = value % per_day;
  if (time_of_day < 0) time_of_day += per_day;
  out += FormatTimeOfDay(time_of_day, unit);
  // pyarrow shows zoned timestamps in UTC, marked "Z" whatever the zone.
  if (has_timezone) out.push_back('Z');
  return out;
}

std::string FormatDate32(int32_t days) {
  if (days < kMinPrintableDay || days > kMaxPrintableDay) return OutOfRange(days);
  return FormatDate(days);
}

std::string FormatDate64(int64_t millis) {
  constexpr int64_t kMillisPerDay = kSecondsPerDay * 1000;
  const int64_t floor_days = FloorDiv(millis, kMillisPerDay);
  if (floor_days < kMinPrintableDay || floor_days > kMaxPrintableDay) return OutOfRange(millis);
  // pyarrow's range check floors, but the day it shows truncates toward zero
  // (so -1 ms prints 1970-01-01).
  return FormatDate(millis / kMillisPerDay);
}

std::string HexBytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Bounds checks for the elements the printer dereferences. The array passed
// structural validation, so buffers are large enough for offset + length; what
// remains unchecked is the content of offsets and views.

// Checks that element i's range [start, end) lies within `limit` units of its
// container; the error reads "... but the <container> has <limit> <unit>".
Status CheckRange(int64_t start, int64_t end, int64_t limit, int64_t i, const char* container,
                  const char* unit) {
  if (start < 0 || end < start || end > limit) {
    return Status::Invalid("element ", i, " spans [", start, ", ", end, ") but the ", container,
                           " has ", limit, " ", unit);
  }
  return Status::OK();
}

// The bytes of element i of a binary-like array (binary, string, their large and
// view variants, fixed_size_binary).
Result<std::string_view> BinaryElement(const Array& array, int64_t i) {
  const ArrayData& d = *array.data();
  switch (array.type_id()) {
    case TypeId::BINARY:
    case TypeId::STRING: {
      const auto& a = static_cast<const BinaryArray&>(array);
      const int64_t data_size = d.buffers[2] ? d.buffers[2]->size() : 0;
      QUIVER_RETURN_NOT_OK(CheckRange(a.value_offset(i), a.value_offset(i + 1), data_size, i,
                                      "data buffer", "bytes"));
      return a.GetView(i);
    }
    case TypeId::LARGE_BINARY:
    case TypeId::LARGE_STRING: {
      const auto& a = static_cast<const LargeBinaryArray&>(array);
      const int64_t data_size = d.buffers[2] ? d.buffers[2]->size() : 0;
      QUIVER_RETURN_NOT_OK(CheckRange(a.value_offset(i), a.value_offset(i + 1), data_size, i,
                                      "data buffer", "bytes"));
      return a.GetView(i);
    }
    case TypeId::BINARY_VIEW:
    case TypeId::STRING_VIEW: {
      const auto& a = static_cast<const BinaryViewArray&>(array);
      const BinaryViewHeader& v = a.raw_views()[i];
      if (v.inlined.size < 0)
        return Status::Invalid("element ", i, " has negative size ", v.inlined.size);
      if (v.inlined.size > BinaryViewHeader::kInlineSize) {
        if (v.ref.buffer_index < 0 || v.ref.buffer_index >= a.num_data_buffers() ||
            !d.buffers[static_cast<size_t>(2 + v.ref.buffer_index)]) {
          return Status::Invalid("element ", i, " refers to data buffer ", v.ref.buffer_index,
                                 " but there are ", a.num_data_buffers());
        }
        const int64_t size = d.buffers[static_cast<size_t>(2 + v.ref.buffer_index)]->size();
        QUIVER_RETURN_NOT_OK(CheckRange(v.ref.offset,
                                        static_cast<int64_t>(v.ref.offset) + v.ref.size, size, i,
                                        "data buffer", "bytes"));
      }
      return a.GetView(i);
    }
    case TypeId::FIXED_SIZE_BINARY: {
      // The width comes from the type itself: DataType::byte_width() reports -1
      // for fixed_size_binary(0), whose values are all empty.
      const int64_t width = static_cast<const FixedSizeBinaryType&>(*array.type()).width();
      if (width == 0) return std::string_view();
      if (!d.buffers[1]) return Status::Invalid("element ", i, " has no values buffer to read");
      return std::string_view(
          reinterpret_cast<const char*>(d.buffers[1]->data()) + (d.offset + i) * width,
          static_cast<size_t>(width));
    }
    default:
      return Status::TypeError("expected a binary-like array but found ", array.type()->ToString());
  }
}

// The values of list element i (list, large_list, their views, fixed_size_list, map).
Result<ArrayPtr> ListElement(const Array& array, int64_t i) {
  switch (array.type_id()) {
    case TypeId::LIST:
    case TypeId::LIST_VIEW:
    case TypeId::MAP: {
      const auto& a = static_cast<const ListArray&>(array);
      const int32_t start = a.value_offset(i);
      QUIVER_RETURN_NOT_OK(CheckRange(start, static_cast<int64_t>(start) + a.value_length(i),
                                      a.values()->length(), i, "child array", "values"));
      return a.value_slice(i);
    }
    case TypeId::LARGE_LIST:
    case TypeId::LARGE_LIST_VIEW: {
      const auto& a = static_cast<const LargeListArray&>(array);
      const int64_t start = a.value_offset(i);
      const int64_t length = a.value_length(i);
      if (length < 0 || start > INT64_MAX - length) {
        return Status::Invalid("element ", i, " has offset ", start, " and length ", length);
      }
      QUIVER_RETURN_NOT_OK(
          CheckRange(start, start + length, a.values()->length(), i, "child array", "values"));
      return a.value_slice(i);
    }
    case TypeId::FIXED_SIZE_LIST:
      // Structural validation guarantees the child holds (offset + length) * list_size values.
      return static_cast<const FixedSizeListArray&>(array).value_slice(i);
    default:
      return Status::TypeError("expected a list-like array but found ", array.type()->ToString());
  }
}

bool IsListLike(TypeId id) {
  return id == TypeId::LIST || id == TypeId::LARGE_LIST || id == TypeId::LIST_VIEW ||
         id == TypeId::LARGE_LIST_VIEW || id == TypeId::FIXED_SIZE_LIST;
}

// Text of a non-null element of a flat array. `quoted` is set for strings, whose
// quotes survive element_size_limit cuts.
std::string FormatScalar(const Array& array, int64_t i, bool* quoted) {
  *quoted = false;
  const DataType& type = *array.type();
  switch (type.id()) {
    case TypeId::BOOL:
      return static_cast<const BooleanArray&>(array).Value(i) ? "true" : "false";
    case TypeId::INT8:
      return std::to_string(static_cast<const Int8Array&>(array).Value(i));
    case TypeId::INT16:
      return std::to_string(static_cast<const Int16Array&>(array).Value(i));
    case TypeId::INT32:
      return std::to_string(static_cast<const Int32Array&>(array).Value(i));
    case TypeId::INT64:
      return std::to_string(static_cast<const Int64Array&>(array).Value(i));
    case TypeId::UINT8:
      return std::to_string(static_cast<const UInt8Array&>(array).Value(i));
    case TypeId::UINT16:
      return std::to_string(static_cast<const UInt16Array&>(array).Value(i));
    case TypeId::UINT32:
      return std::to_string(static_cast<const UInt32Array&>(array).Value(i));
    case TypeId::UINT64:
      return std::to_string(static_cast<const UInt64Array&>(array).Value(i));
    case TypeId::HALF_FLOAT:
      return FormatFloat(HalfToDouble(static_cast<const HalfFloatArray&>(array).Value(i)));
    case TypeId::FLOAT:
      return FormatFloat(static_cast<const FloatArray&>(array).Value(i));
    case TypeId::DOUBLE:
      return FormatFloat(static_cast<const DoubleArray&>(array).Value(i));
    case TypeId::DECIMAL32:
    case TypeId::DECIMAL64:
    case TypeId::DECIMAL128:
    case TypeId::DECIMAL256: {
      const auto& a = static_cast<const FixedSizeBinaryArray&>(array);
      const int32_t scale = static_cast<const DecimalType&>(type).scale();
      const int32_t max_precision = DecimalType::MaxPrecision(type.id());
      if (scale < -max_precision || scale > max_precision) {
        // pyarrow refuses scales beyond the width's maximum precision.
        return "<scale out of range, cannot format Decimal" + std::to_string(a.byte_width() * 8) +
               " value>";
      }
      return FormatDecimal(a.GetValue(i), a.byte_width(), scale);
    }
    case TypeId::DATE32:
      return FormatDate32(static_cast<const Date32Array&>(array).Value(i));
    case TypeId::DATE64:
      return FormatDate64(static_cast<const Date64Array&>(array).Value(i));
    case TypeId::TIME32: {
      const TimeUnit unit = static_cast<const Time32Type&>(type).unit();
      return FormatTime(static_cast<const Time32Array&>(array).Value(i), unit);
    }
    case TypeId::TIME64: {
      const TimeUnit unit = static_cast<const Time64Type&>(type).unit();
      return FormatTime(static_cast<const Time64Array&>(array).Value(i), unit);
    }
    case TypeId::TIMESTAMP: {
      const auto& ts = static_cast<const TimestampType&>(type);
      return FormatTimestamp(static_cast<const TimestampArray&>(array).Value(i), ts.unit(),
                             !ts.timezone().empty());
    }
    case TypeId::DURATION:
      return std::to_string(static_cast<const DurationArray&>(array).Value(i));
    case TypeId::INTERVAL_MONTHS:
      return std::to_string(static_cast<const MonthIntervalArray&>(array).Value(i)) + "M";
    case TypeId::INTERVAL_DAY_TIME: {
      const DayTimeInterval v = static_cast<const DayTimeIntervalArray&>(array).Value(i);
      return std::to_string(v.days) + "d" + std::to_string(v.milliseconds) + "ms";
    }
    case TypeId::INTERVAL_MONTH_DAY_NANO: {
      const MonthDayNanoInterval v = static_cast<const MonthDayNanoIntervalArray&>(array).Value(i);
      return std::to_string(v.months) + "M" + std::to_string(v.days) + "d" +
             std::to_string(v.nanoseconds) + "ns";
    }
    case TypeId::STRING:
    case TypeId::LARGE_STRING:
    case TypeId::STRING_VIEW:
    case TypeId::BINARY:
    case TypeId::LARGE_BINARY:
    case TypeId::BINARY_VIEW:
    case TypeId::FIXED_SIZE_BINARY: {
      Result<std::string_view> bytes = BinaryElement(array, i);
      if (!bytes.ok()) return "<Invalid array: " + bytes.status().message() + ">";
      const TypeId id = type.id();
      if (id == TypeId::STRING || id == TypeId::LARGE_STRING || id == TypeId::STRING_VIEW) {
        *quoted = true;
        return std::string(*bytes);
      }
      return HexBytes(*bytes);
    }
    default:
      return "<cannot format " + type.ToString() + ">";
  }
}

// ---------------------------------------------------------------------------
// The printer

class Printer {
 public:
  Printer(const PrettyPrintOptions& options, std::ostream* out) : options_(options), out_(*out) {}

  void Print(const Array& array, int indent) {
    switch (array.type_id()) {
      case TypeId::NA:
        out_ << array.length() << " nulls";
        return;
      case TypeId::STRUCT:
        PrintStruct(static_cast<const StructArray&>(array), indent);
        return;
      case TypeId::SPARSE_UNION:
      case TypeId::DENSE_UNION:
        PrintUnion(static_cast<const UnionArray&>(array), indent);
        return;
      case TypeId::DICTIONARY: {
        const auto& dict = static_cast<const DictionaryArray&>(array);
        PrintLabelledPair(indent, "-- dictionary:\n", *dict.dictionary(), "-- indices:\n",
                          *dict.indices());
        return;
      }
      case TypeId::RUN_END_ENCODED: {
        // pyarrow shows the physical children whole, even for a slice.
        const auto& ree = static_cast<const RunEndEncodedArray&>(array);
        PrintLabelledPair(indent, "-- run_ends:\n", *ree.run_ends(), "-- values:\n", *ree.values());
        return;
      }
      case TypeId::EXTENSION:
        Print(*static_cast<const ExtensionArray&>(array).storage(), indent);
        return;
      case TypeId::MAP:
        // Maps are windowed like flat arrays in pyarrow, not like lists.
        PrintBracketed(array, indent, options_.window,
                       [&](int64_t i, int child_indent) { PrintMapEntry(array, i, child_indent); });
        return;
      default:
        break;
    }
    if (IsListLike(array.type_id())) {
      PrintBracketed(array, indent, options_.container_window, [&](int64_t i, int child_indent) {
        Result<ArrayPtr> values = ListElement(array, i);
        if (values.ok()) {
          Print(**values, child_indent);
        } else {
          IndentIfMultiline(child_indent);
          Write("<Invalid array: " + values.status().message() + ">");
        }
      });
      return;
    }
    PrintBracketed(array, indent, options_.window, [&](int64_t i, int child_indent) {
      IndentIfMultiline(child_indent);
      bool quoted = false;
      std::string text = FormatScalar(array, i, &quoted);
      if (quoted) {
        EmitQuoted(text);
      } else {
        Emit(text);
      }
    });
  }

 private:
  void Write(std::string_view s) { out_ << s; }
  void Newline() {
    if (!options_.skip_new_lines) out_ << '\n';
  }
  void Indent(int n) {
    for (int i = 0; i < n; ++i) out_ << ' ';
  }
  void IndentIfMultiline(int n) {
    if (!options_.skip_new_lines) Indent(n);
  }

  // Writes one element (or header), cut to element_size_limit characters.
  void Emit(std::string_view text) {
    const int limit = options_.element_size_limit;
    if (limit < 0 || text.size() <= static_cast<size_t>(limit)) {
      Write(text);
      return;
    }
    Write(text.substr(0, static_cast<size_t>(limit)));
    Write(" (... " + std::to_string(text.size() - static_cast<size_t>(limit)) + " chars omitted)");
  }

  // A string element: the quotes count toward the limit but are always shown,
  // the closing one after the "omitted" note; limits below 2 leave strings whole.
  void EmitQuoted(std::string_view text) {
    const int limit = options_.element_size_limit - 2;
    Write("\"");
    if (limit < 0 || text.size() <= static_cast<size_t>(limit)) {
      Write(text);
    } else {
      Write(text.substr(0, static_cast<size_t>(limit)));
      Write(" (... " + std::to_string(text.size() - static_cast<size_t>(limit)) +
            " chars omitted)");
    }
    Write("\"");
  }

  // "[", the elements (cut to `window` at each end when there are more than
  // 2 * window + 1), "]". `element(i, indent)` prints element i when it is valid.
  template <typename ElementFn>
  void PrintBracketed(const Array& array, int indent, int64_t window, ElementFn&& element) {
    const int64_t length = array.length();
    IndentIfMultiline(indent);
    if (length == 0) {
      Write("[]");
      return;
    }
    Write("[");
    Newline();
    const int child_indent = indent + options_.indent_size;
    // A negative window hides every element, as in pyarrow. Unsigned arithmetic:
    // 2 * window + 1 cannot overflow for any non-negative window.
    const bool cut =
        window < 0 || static_cast<uint64_t>(window) * 2 + 1 < static_cast<uint64_t>(length);
    const int64_t shown = std::max<int64_t>(window, 0);
    for (int64_t i = 0; i < length; ++i) {
      if (cut && i == shown) {
        IndentIfMultiline(child_indent);
        Write(options_.skip_new_lines ? "...," : "...\n");
        i = length - shown;
        if (i >= length) break;
      }
      if (array.IsNull(i)) {
        IndentIfMultiline(child_indent);
        Write(options_.null_rep);
      } else {
        element(i, child_indent);
      }
      if (i != length - 1) Write(",");
      Newline();
    }
    IndentIfMultiline(indent);
    Write("]");
  }

  void PrintMapEntry(const Array& array, int64_t i, int indent) {
    const auto& map = static_cast<const MapArray&>(array);
    const int32_t start = map.value_offset(i);
    const int32_t length = map.value_length(i);
    if (Status st = CheckRange(start, static_cast<int64_t>(start) + length, map.keys()->length(), i,
                               "entries array", "values");
        !st.ok()) {
      IndentIfMultiline(indent);
      Write("<Invalid array: " + st.message() + ">");
      return;
    }
    IndentIfMultiline(indent);
    Write("keys:");
    Newline();
    Print(*map.keys()->Slice(start, length), indent);
    Newline();
    IndentIfMultiline(indent);
    Write("values:");
    Newline();
    Print(*map.items()->Slice(start, length), indent);
  }

  void PrintChildHeader(int indent, int index, const DataType& type) {
    // The line break is an element of its own: pyarrow cuts it too when
    // element_size_limit is 0.
    Emit("\n");
    Indent(indent);
    Emit("-- child " + std::to_string(index) + " type: " + type.ToString() + "\n");
  }

  void PrintStruct(const StructArray& array, int indent) {
    const int child_indent = indent + options_.indent_size;
    Indent(indent);
    Emit("-- is_valid:");
    if (array.null_count() > 0) {
      Newline();
      Indent(indent);
      const ArrayData& d = *array.data();
      const BooleanArray validity(ArrayData::Make(boolean(), d.length, {nullptr, d.buffers[0]},
                                                  /*null_count=*/0, d.offset));
      Print(validity, child_indent);
    } else {
      Emit(" all not null");
    }
    for (int k = 0; k < array.num_fields(); ++k) {
      PrintChildHeader(indent, k, *array.type()->field(k)->type());
      Print(*array.field(k), child_indent);
    }
  }

  void PrintUnion(const UnionArray& array, int indent) {
    const int child_indent = indent + options_.indent_size;
    const ArrayData& d = *array.data();
    Indent(indent);
    Emit("-- is_valid:");
    Emit(" all not null");
    Newline();
    Indent(indent);
    Emit("-- type_ids: ");
    Print(Int8Array(ArrayData::Make(int8(), d.length, {nullptr, d.buffers[0]}, 0, d.offset)),
          child_indent);
    const bool dense = array.mode() == UnionMode::DENSE;
    if (dense) {
      Newline();
      Indent(indent);
      Emit("-- value_offsets: ");
      Print(Int32Array(ArrayData::Make(int32(), d.length, {nullptr, d.buffers[1]}, 0, d.offset)),
            child_indent);
    }
    for (int k = 0; k < array.num_fields(); ++k) {
      PrintChildHeader(indent, k, *array.type()->field(k)->type());
      // Sparse children line up with the union, so they share its slice; dense
      // children are addressed through the offsets and print whole.
      if (dense) {
        Print(*array.field(k), child_indent);
      } else {
        Print(*array.field(k)->Slice(array.offset(), array.length()), child_indent);
      }
    }
  }

  void PrintLabelledPair(int indent, std::string_view first_label, const Array& first,
                         std::string_view second_label, const Array& second) {
    const int child_indent = indent + options_.indent_size;
    Newline();
    Indent(indent);
    Emit(first_label);
    Print(first, child_indent);
    Newline();
    Indent(indent);
    Emit(second_label);
    Print(second, child_indent);
  }

  const PrettyPrintOptions& options_;
  std::ostream& out_;
};

}  // namespace

void PrettyPrint(const Array& array, const PrettyPrintOptions& options, std::ostream* out) {
  // Structural validation makes every buffer the printer reads large enough;
  // element offsets are checked where they are used.
  if (Status st = ValidateArrayData(*array.data(), /*full=*/false); !st.ok()) {
    *out << "<Invalid array: " << st.message() << ">";
    return;
  }
  Printer(options, out).Print(array, options.indent);
}

std::string PrettyPrint(const Array& array, const PrettyPrintOptions& options) {
  std::ostringstream out;
  PrettyPrint(array, options, &out);
  return out.str();
}

std::string Array::ToString() const { return PrettyPrint(*this); }

}  // namespace quiver
