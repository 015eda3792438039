#include "common/csv.h"

#include <charconv>
#include <cstdio>
#include <limits>
#include <utility>
#include <vector>

#include "quiver/builder.h"
#include "quiver/calendar.h"
#include "quiver/io.h"
#include "quiver/type.h"

namespace quiver::cli {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

bool EndsWith(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = text[text.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

// A field's text as it may appear in a message: at most 40 characters, control
// bytes escaped.
std::string Shown(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= 40) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02X", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Line breaks in `text`: "\n", "\r\n" and a lone "\r" each count once.
int64_t CountLineBreaks(std::string_view text) {
  int64_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++n;
    } else if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      ++n;
    }
  }
  return n;
}

bool IsUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra;
    uint32_t min;
    uint32_t code;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      min = 0x80;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      min = 0x800;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      min = 0x10000;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= n) return false;  // cut short
    for (size_t k = 1; k <= extra; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i + k] & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Values.

bool ParseBool(std::string_view text, bool* value) {
  auto equals = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != word[i]) return false;
    }
    return true;
  };
  if (equals("true")) {
    *value = true;
    return true;
  }
  if (equals("false")) {
    *value = false;
    return true;
  }
  return false;
}

// An optional sign and at least one digit.
bool IsIntegerText(std::string_view text) {
  size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (i >= text.size()) return false;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

template <typename T>
bool ParseInteger(std::string_view text, T* value) {
  if (!IsIntegerText(text)) return false;
  if (text[0] == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

// Numbers from_chars reads whole (decimal, exponent, inf, nan), but not an integer
// too large for int64: taking 12345678901234567890123 for a double would lose digits.
bool ParseDouble(std::string_view text, double* value) {
  if (text.empty()) return false;
  if (IsIntegerText(text)) {
    int64_t integer;
    if (!ParseInteger(text, &integer)) return false;
    *value = static_cast<double>(integer);
    return true;
  }
  if (text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value,
                                   std::chars_format::general);
  return ec == std::errc() && end == text.data() + text.size();
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// A date or date-time.
struct Moment {
  int64_t days = 0;
  // Seconds since the epoch (UTC when `zoned`).
  int64_t seconds = 0;
  // The fraction of a second, in nanoseconds, and how many digits it was written with.
  int64_t nanos = 0;
  int fraction_digits = 0;
  bool has_time = false;
  bool zoned = false;
};

bool Digits(std::string_view text, size_t at, size_t count, int64_t* value) {
  if (at + count > text.size()) return false;
  int64_t v = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *value = v;
  return true;
}

bool ParseMoment(std::string_view text, Moment* moment) {
  int64_t year, month, day;
  if (text.size() < 10 || !Digits(text, 0, 4, &year) || text[4] != '-' || !Digits(text, 5, 2, &month) ||
      text[7] != '-' || !Digits(text, 8, 2, &day)) {
    return false;
  }
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > kDaysInMonth[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0)) return false;
  *moment = Moment();
  moment->days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  moment->seconds = moment->days * kSecondsPerDay;
  size_t at = 10;
  if (at == text.size()) return true;
  if (text[at] != 'T' && text[at] != ' ') return false;
  ++at;
  int64_t hour, minute, second = 0;
  if (!Digits(text, at, 2, &hour) || at + 2 >= text.size() || text[at + 2] != ':' ||
      !Digits(text, at + 3, 2, &minute)) {
    return false;
  }
  at += 5;
  if (at < text.size() && text[at] == ':') {
    if (!Digits(text, at + 1, 2, &second)) return false;
    at += 3;
    if (at < text.size() && text[at] == '.') {
      ++at;
      int digits = 0;
      int64_t nanos = 0;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
        if (++digits > 9) return false;
        nanos = nanos * 10 + (text[at] - '0');
        ++at;
      }
      if (digits == 0) return false;
      for (int d = digits; d < 9; ++d) nanos *= 10;
      moment->nanos = nanos;
      moment->fraction_digits = digits;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return false;
  moment->has_time = true;
  moment->seconds += hour * 3600 + minute * 60 + second;
  if (at == text.size()) return true;
  if (text[at] == 'Z') {
    moment->zoned = true;
    return at + 1 == text.size();
  }
  if (text[at] != '+' && text[at] != '-') return false;
  const int64_t sign = text[at] == '-' ? -1 : 1;
  int64_t offset_hours, offset_minutes;
  if (!Digits(text, at + 1, 2, &offset_hours)) return false;
  size_t minutes_at = at + 3;
  if (minutes_at < text.size() && text[minutes_at] == ':') ++minutes_at;
  if (!Digits(text, minutes_at, 2, &offset_minutes) || minutes_at + 2 != text.size()) return false;
  if (offset_hours > 23 || offset_minutes > 59) return false;
  // 12:00+02:00 is 10:00 UTC.
  moment->seconds -= sign * (offset_hours * 3600 + offset_minutes * 60);
  moment->zoned = true;
  return true;
}



// seconds * per_second + fraction without overflow; false if it does not fit.
bool MomentInUnit(const Moment& moment, TimeUnit unit, int64_t* value) {
  const int64_t per_second = UnitsPerSecond(unit);
  int64_t scaled;
  if (__builtin_mul_overflow(moment.seconds, per_second, &scaled)) return false;
  const int64_t fraction = moment.nanos / (1000000000 / per_second);
  return !__builtin_add_overflow(scaled, fraction, value);
}

// ---------------------------------------------------------------------------
// Records.

// Splits the text into records of fields. Field views stay valid until the next Next().
class Tokenizer {
 public:
  Tokenizer(std::string_view text, char delimiter, const std::string& source, size_t start, int64_t line)
      : text_(text), delimiter_(delimiter), source_(source), pos_(start), line_(line) {}

  /// The next record; false at the end of the text.
  Result<bool> Next() {
    const size_t n = text_.size();
    while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
    }
    if (pos_ >= n) return false;
    record_start_ = pos_;
    record_line_ = line_;
    spans_.clear();
    scratch_.clear();
    while (true) {
      Span span;
      if (pos_ < n && text_[pos_] == '"') {
        QUIVER_RETURN_NOT_OK(QuotedField(&span));
        if (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
          return Status::Invalid("'", source_, "' line ", line_, ", field ", spans_.size() + 1,
                                 ": unexpected '", Shown(text_.substr(pos_, 1)),
                                 "' after the closing quote; a quote inside a quoted field "
                                 "must be doubled (\"\")");
        }
      } else {
        const size_t start = pos_;
        while (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
        span = Span{start, pos_ - start, false, false};
      }
      spans_.push_back(span);
      if (pos_ >= n) break;
      const char c = text_[pos_++];
      if (c == delimiter_) continue;
      if (c == '\r' && pos_ < n && text_[pos_] == '\n') ++pos_;
      ++line_;
      break;
    }
    return true;
  }

  size_t size() const { return spans_.size(); }
  std::string_view field(size_t i) const {
    const Span& span = spans_[i];
    return span.in_scratch ? std::string_view(scratch_).substr(span.begin, span.length)
                           : text_.substr(span.begin, span.length);
  }
  bool quoted(size_t i) const { return spans_[i].quoted; }
  /// The line the current record starts on.
  int64_t line() const { return record_line_; }
  /// Bytes of text the current record took.
  int64_t record_bytes() const { return static_cast<int64_t>(pos_ - record_start_); }
  size_t position() const { return pos_; }
  int64_t next_line() const { return line_; }

 private:
  struct Span {
    size_t begin = 0;
    size_t length = 0;
    bool in_scratch = false;
    bool quoted = false;
  };

  Status QuotedField(Span* span) {
    const int64_t open_line = line_;
    ++pos_;  // the opening quote
    const size_t start = pos_;
    bool unescaped = false;
    const size_t scratch_begin = scratch_.size();
    while (true) {
      const size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        return Status::Invalid("'", source_, "' line ", open_line, ", field ", spans_.size() + 1,
                               ": a quoted field starts here but its closing quote never comes "
                               "(a quote inside a quoted field must be doubled: \"\")");
      }
      line_ += CountLineBreaks(text_.substr(pos_, quote - pos_));
      if (quote + 1 < text_.size() && text_[quote + 1] == '"') {
        // A doubled quote: the field's text is no longer a slice of the input.
        if (!unescaped) {
          unescaped = true;
          scratch_.append(text_.substr(start, quote + 1 - start));
        } else {
          scratch_.append(text_.substr(pos_, quote + 1 - pos_));
        }
        pos_ = quote + 2;
        continue;
      }
      if (unescaped) {
        scratch_.append(text_.substr(pos_, quote - pos_));
        *span = Span{scratch_begin, scratch_.size() - scratch_begin, true, true};
      } else {
        *span = Span{start, quote - start, false, true};
      }
      pos_ = quote + 1;
      return Status::OK();
    }
  }

  std::string_view text_;
  char delimiter_;
  const std::string& source_;
  size_t pos_;
  int64_t line_;
  size_t record_start_ = 0;
  int64_t record_line_ = 0;
  std::vector<Span> spans_;
  std::string scratch_;
};

// What the values of one column allow so far.
struct Guess {
  bool any = false;
  bool can_bool = true;
  bool can_int = true;
  bool can_float = true;
  bool can_time = true;
  bool utf8 = true;
  bool zoned = false;
  bool naive = false;
  bool has_time = false;
  int fraction_digits = 0;
  int64_t min_seconds = std::numeric_limits<int64_t>::max();
  int64_t max_seconds = std::numeric_limits<int64_t>::min();

  void Add(std::string_view value) {
    any = true;
    if (can_bool) {
      bool b;
      can_bool = ParseBool(value, &b);
    }
    if (can_int) {
      int64_t i;
      can_int = ParseInteger(value, &i);
    }
    if (can_float) {
      double d;
      can_float = ParseDouble(value, &d);
    }
    if (can_time) {
      Moment moment;
      can_time = ParseMoment(value, &moment);
      if (can_time) {
        (moment.zoned ? zoned : naive) = true;
        has_time = has_time || moment.has_time;
        fraction_digits = std::max(fraction_digits, moment.fraction_digits);
        min_seconds = std::min(min_seconds, moment.seconds);
        max_seconds = std::max(max_seconds, moment.seconds);
      }
    }
    if (utf8) utf8 = IsUtf8(value);
  }

  TypePtr Type() const {
    if (!any) return null();
    if (can_bool) return boolean();
    if (can_int) return int64();
    if (can_float) return float64();
    if (can_time && !(zoned && naive)) {
      if (!has_time && !zoned) return date32();
      const TimeUnit unit = fraction_digits == 0   ? TimeUnit::SECOND
                            : fraction_digits <= 3 ? TimeUnit::MILLI
                            : fraction_digits <= 6 ? TimeUnit::MICRO
                                                   : TimeUnit::NANO;
      Moment low, high;
      low.seconds = min_seconds;
      high.seconds = max_seconds;
      high.nanos = 999999999;
      int64_t ignored;
      if (MomentInUnit(low, unit, &ignored) && MomentInUnit(high, unit, &ignored)) {
        return timestamp(unit, zoned ? "UTC" : "");
      }
    }
    return utf8 ? quiver::utf8() : binary();
  }
};

// ---------------------------------------------------------------------------
// Converting a column's fields into an array.

class ColumnBuilder {
 public:
  ColumnBuilder(FieldPtr field, const std::string& source) : field_(std::move(field)), source_(source) {}

  Status Init() {
    QUIVER_ASSIGN_OR_RAISE(builder_, MakeBuilder(field_->type()));
    return Status::OK();
  }

  Status Append(std::string_view value, bool quoted, int64_t line) {
    const TypeId id = field_->type()->id();
    const bool text_type = id == TypeId::STRING || id == TypeId::LARGE_STRING || id == TypeId::BINARY ||
                           id == TypeId::LARGE_BINARY;
    if (value.empty() && (!quoted || !text_type)) {
      if (!field_->nullable()) {
        return Fail(line, "is empty (null), but the column does not allow nulls");
      }
      return builder_->AppendNull();
    }
    switch (id) {
      case TypeId::NA:
        return Fail(line, "'" + Shown(value) + "' is a value, but the column is of type null");
      case TypeId::BOOL: {
        bool b;
        if (!ParseBool(value, &b)) return CannotRead(value, line);
        return static_cast<BooleanBuilder*>(builder_.get())->Append(b);
      }
      case TypeId::INT8:
        return AppendInteger<int8_t>(value, line);
      case TypeId::INT16:
        return AppendInteger<int16_t>(value, line);
      case TypeId::INT32:
        return AppendInteger<int32_t>(value, line);
      case TypeId::INT64:
        return AppendInteger<int64_t>(value, line);
      case TypeId::UINT8:
        return AppendInteger<uint8_t>(value, line);
      case TypeId::UINT16:
        return AppendInteger<uint16_t>(value, line);
      case TypeId::UINT32:
        return AppendInteger<uint32_t>(value, line);
      case TypeId::UINT64:
        return AppendInteger<uint64_t>(value, line);
      case TypeId::FLOAT: {
        double d;
        if (!ParseDouble(value, &d)) return CannotRead(value, line);
        return static_cast<FloatBuilder*>(builder_.get())->Append(static_cast<float>(d));
      }
      case TypeId::DOUBLE: {
        double d;
        if (!ParseDouble(value, &d)) return CannotRead(value, line);
        return static_cast<DoubleBuilder*>(builder_.get())->Append(d);
      }
      case TypeId::STRING:
      case TypeId::LARGE_STRING:
        if (!IsUtf8(value)) return Fail(line, "'" + Shown(value) + "' is not valid UTF-8");
        [[fallthrough]];
      case TypeId::BINARY:
        if (id == TypeId::BINARY || id == TypeId::STRING) {
          return static_cast<BinaryBuilder*>(builder_.get())->Append(value);
        }
        [[fallthrough]];
      case TypeId::LARGE_BINARY:
        return static_cast<LargeBinaryBuilder*>(builder_.get())->Append(value);
      case TypeId::DATE32: {
        Moment moment;
        if (!ParseMoment(value, &moment) || moment.has_time || moment.zoned) return CannotRead(value, line);
        return static_cast<Date32Builder*>(builder_.get())->Append(static_cast<int32_t>(moment.days));
      }
      case TypeId::TIMESTAMP: {
        const auto& type = static_cast<const TimestampType&>(*field_->type());
        Moment moment;
        if (!ParseMoment(value, &moment)) return CannotRead(value, line);
        if (moment.fraction_digits > FractionDigits(type.unit())) {
          return Fail(line, "'" + Shown(value) + "' has more digits of a second than " +
                                field_->type()->ToString() + " holds");
        }
        int64_t v;
        if (!MomentInUnit(moment, type.unit(), &v)) {
          return Fail(line, "'" + Shown(value) + "' is out of the range of " + field_->type()->ToString());
        }
        return static_cast<TimestampBuilder*>(builder_.get())->Append(v);
      }
      default:
        return Status::NotImplemented("CSV columns of type ", field_->type()->ToString(),
                                      " cannot be read");
    }
  }

  Result<ArrayPtr> Finish() { return builder_->Finish(); }

 private:
  template <typename T>
  Status AppendInteger(std::string_view value, int64_t line) {
    T v;
    if (!ParseInteger(value, &v)) {
      if (IsIntegerText(value)) {
        return Fail(line, "'" + Shown(value) + "' is out of the range of " + field_->type()->ToString());
      }
      return CannotRead(value, line);
    }
    return static_cast<NumericBuilder<T>*>(builder_.get())->Append(v);
  }

  Status CannotRead(std::string_view value, int64_t line) {
    return Fail(line, "cannot read '" + Shown(value) + "' as " + field_->type()->ToString());
  }

  Status Fail(int64_t line, const std::string& what) {
    return Status::Invalid("'", source_, "' line ", line, ", column '", field_->name(), "': ", what);
  }

  FieldPtr field_;
  const std::string& source_;
  ArrayBuilderPtr builder_;
};

Status FieldCountError(const std::string& source, int64_t line, size_t found, size_t expected) {
  return Status::Invalid("'", source, "' line ", line, ": ", found, " field", found == 1 ? "" : "s",
                         ", but the header has ", expected,
                         " (a field holding the delimiter, a quote or a line break must be quoted)");
}

}  // namespace

// ---------------------------------------------------------------------------
// The reader.

class CsvBatchReader final : public RecordBatchReader {
 public:
  explicit CsvBatchReader(std::shared_ptr<const CsvFile> file)
      : file_(std::move(file)),
        tokenizer_(file_->text_->view(), file_->options_.delimiter, file_->options_.source, file_->data_start_,
                   file_->data_line_) {}

  SchemaPtr schema() const override { return file_->schema_; }

  Status ReadNext(RecordBatchPtr* batch) override {
    batch->reset();
    if (done_) return Status::OK();
    const CsvReadOptions& options = file_->options_;
    const SchemaPtr& schema = file_->schema_;
    const auto columns = static_cast<size_t>(schema->num_fields());
    std::vector<ColumnBuilder> builders;
    builders.reserve(columns);
    for (size_t c = 0; c < columns; ++c) {
      builders.emplace_back(schema->field(static_cast<int>(c)), options.source);
      QUIVER_RETURN_NOT_OK(builders.back().Init());
    }
    int64_t rows = 0;
    int64_t bytes = 0;
    while (rows < options.batch_rows && bytes < options.batch_bytes) {
      auto more = tokenizer_.Next();
      if (!more.ok()) {
        done_ = true;
        return more.status();
      }
      if (!*more) {
        done_ = true;
        break;
      }
      if (tokenizer_.size() != columns) {
        done_ = true;
        return FieldCountError(options.source, tokenizer_.line(), tokenizer_.size(), columns);
      }
      for (size_t c = 0; c < columns; ++c) {
        Status appended = builders[c].Append(tokenizer_.field(c), tokenizer_.quoted(c), tokenizer_.line());
        if (!appended.ok()) {
          done_ = true;
          return appended;
        }
      }
      ++rows;
      bytes += tokenizer_.record_bytes();
    }
    if (rows == 0) return Status::OK();
    ArrayVector arrays;
    arrays.reserve(columns);
    for (auto& builder : builders) {
      QUIVER_ASSIGN_OR_RAISE(ArrayPtr array, builder.Finish());
      arrays.push_back(std::move(array));
    }
    *batch = RecordBatch::Make(schema, rows, std::move(arrays));
    return Status::OK();
  }

  Status Close() override {
    done_ = true;
    return Status::OK();
  }

 private:
  std::shared_ptr<const CsvFile> file_;
  Tokenizer tokenizer_;
  bool done_ = false;
};

bool IsCsvFileName(std::string_view name) { return EndsWith(name, ".csv") || EndsWith(name, ".tsv"); }

char CsvDelimiterFor(std::string_view name) { return EndsWith(name, ".tsv") ? '\t' : ','; }

bool CsvFile::CanConvert(const DataType& type) {
  switch (type.id()) {
    case TypeId::NA:
    case TypeId::BOOL:
    case TypeId::INT8:
    case TypeId::INT16:
    case TypeId::INT32:
    case TypeId::INT64:
    case TypeId::UINT8:
    case TypeId::UINT16:
    case TypeId::UINT32:
    case TypeId::UINT64:
    case TypeId::FLOAT:
    case TypeId::DOUBLE:
    case TypeId::STRING:
    case TypeId::LARGE_STRING:
    case TypeId::BINARY:
    case TypeId::LARGE_BINARY:
    case TypeId::DATE32:
    case TypeId::TIMESTAMP:
      return true;
    default:
      return false;
  }
}

Result<std::shared_ptr<CsvFile>> CsvFile::OpenPath(const std::string& path, CsvReadOptions options) {
  if (options.source == CsvReadOptions().source) options.source = path;
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<io::BufferReader> input, io::MemoryMappedFile::Open(path));
  QUIVER_ASSIGN_OR_RAISE(int64_t size, input->GetSize());
  QUIVER_ASSIGN_OR_RAISE(std::shared_ptr<Buffer> text, input->ReadAt(0, size));
  return Open(std::move(text), std::move(options));
}

Result<std::shared_ptr<CsvFile>> CsvFile::Open(std::shared_ptr<Buffer> text, CsvReadOptions options) {
  if (text == nullptr) return Status::Invalid("no CSV text given");
  if (options.batch_rows < 1 || options.batch_bytes < 1) {
    return Status::Invalid("CSV batches need at least one row and one byte");
  }
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r') {
    return Status::Invalid("the CSV delimiter cannot be a quote or a line break");
  }
  if (options.schema == nullptr && !options.scan) {
    return Status::Invalid("reading CSV without a first pass needs the schema");
  }
  std::shared_ptr<CsvFile> file(new CsvFile());
  file->text_ = std::move(text);
  file->options_ = std::move(options);
  QUIVER_RETURN_NOT_OK(file->Scan());
  return file;
}

Status CsvFile::Scan() {
  const std::string& source = options_.source;
  std::string_view text = text_->view();
  size_t start = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") start = 3;  // a UTF-8 byte order mark
  Tokenizer tokenizer(text, options_.delimiter, source, start, 1);
  QUIVER_ASSIGN_OR_RAISE(bool has_header, tokenizer.Next());
  if (!has_header) {
    return Status::Invalid("'", source, "' is empty: a CSV file needs a header row naming its columns");
  }
  std::vector<std::string> names;
  for (size_t c = 0; c < tokenizer.size(); ++c) {
    const std::string_view name = tokenizer.field(c);
    if (!IsUtf8(name)) {
      return Status::Invalid("'", source, "' line ", tokenizer.line(), ": column name ", c + 1,
                             " is not valid UTF-8");
    }
    names.emplace_back(name);
  }
  data_start_ = tokenizer.position();
  data_line_ = tokenizer.next_line();

  if (options_.schema != nullptr) {
    const Schema& schema = *options_.schema;
    bool same = static_cast<size_t>(schema.num_fields()) == names.size();
    for (size_t c = 0; same && c < names.size(); ++c) same = schema.field(static_cast<int>(c))->name() == names[c];
    if (!same) {
      std::string expected, found;
      for (const auto& field : schema.fields()) expected += (expected.empty() ? "" : ", ") + field->name();
      for (const auto& name : names) found += (found.empty() ? "" : ", ") + name;
      return Status::Invalid("'", source, "': the header names the columns (", found,
                             ") but the schema has (", expected, ")");
    }
    for (const auto& field : schema.fields()) {
      if (!CanConvert(*field->type())) {
        return Status::NotImplemented("'", source, "': column '", field->name(), "' is of type ",
                                      field->type()->ToString(), ", which CSV text cannot be read into");
      }
    }
    schema_ = options_.schema;
    if (!options_.scan) return Status::OK();
  }

  std::vector<Guess> guesses(names.size());
  int64_t rows = 0;
  int64_t batches = 0;
  int64_t batch_rows = 0;
  int64_t batch_bytes = 0;
  while (true) {
    QUIVER_ASSIGN_OR_RAISE(bool more, tokenizer.Next());
    if (!more) break;
    if (tokenizer.size() != names.size()) {
      return FieldCountError(source, tokenizer.line(), tokenizer.size(), names.size());
    }
    if (schema_ == nullptr) {
      for (size_t c = 0; c < names.size(); ++c) {
        const std::string_view value = tokenizer.field(c);
        if (value.empty() && !tokenizer.quoted(c)) continue;  // null
        guesses[c].Add(value);
      }
    }
    ++rows;
    // Batches end exactly where the reader will end them.
    if (batch_rows == 0) ++batches;
    ++batch_rows;
    batch_bytes += tokenizer.record_bytes();
    if (batch_rows >= options_.batch_rows || batch_bytes >= options_.batch_bytes) {
      batch_rows = 0;
      batch_bytes = 0;
    }
  }
  rows_ = rows;
  batches_ = batches;
  if (schema_ == nullptr) {
    FieldVector fields;
    for (size_t c = 0; c < names.size(); ++c) fields.push_back(field(names[c], guesses[c].Type()));
    schema_ = quiver::schema(std::move(fields));
  }
  return Status::OK();
}

std::shared_ptr<RecordBatchReader> CsvFile::MakeReader() const {
  return std::make_shared<CsvBatchReader>(shared_from_this());
}

}  // namespace quiver::cli
