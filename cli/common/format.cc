#include "common/format.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "quiver/array.h"
#include "quiver/ipc/writer.h"
#include "quiver/pretty_print.h"
#include "quiver/type.h"

namespace quiver::cli {
namespace {

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
          *out += escaped;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

template <typename T>
std::string Number(T value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return "?";
  return std::string(buffer, end);
}

// The pretty printer's text for one element, without the brackets around it.
std::string PrettyElement(const Array& array, int64_t i) {
  PrettyPrintOptions options;
  options.skip_new_lines = true;
  options.element_size_limit = -1;
  std::string text = PrettyPrint(*array.Slice(i, 1), options);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  return text;
}

template <typename ListArrayType>
void AppendJsonList(const ListArrayType& list, int64_t i, std::string* out) {
  ArrayPtr values = list.value_slice(i);
  out->push_back('[');
  for (int64_t j = 0; j < values->length(); ++j) {
    if (j > 0) out->push_back(',');
    AppendJsonValue(*values, j, out);
  }
  out->push_back(']');
}

// Text values (strings raw, binary as hex); nullopt for other types.
std::optional<std::string> PlainText(const Array& array, int64_t i) {
  switch (array.type_id()) {
    case TypeId::STRING:
      return static_cast<const StringArray&>(array).GetString(i);
    case TypeId::LARGE_STRING:
      return static_cast<const LargeStringArray&>(array).GetString(i);
    case TypeId::STRING_VIEW:
      return static_cast<const StringViewArray&>(array).GetString(i);
    case TypeId::BINARY:
      return Hex(static_cast<const BinaryArray&>(array).GetView(i));
    case TypeId::LARGE_BINARY:
      return Hex(static_cast<const LargeBinaryArray&>(array).GetView(i));
    case TypeId::BINARY_VIEW:
      return Hex(static_cast<const BinaryViewArray&>(array).GetView(i));
    case TypeId::FIXED_SIZE_BINARY:
      return Hex(static_cast<const FixedSizeBinaryArray&>(array).GetView(i));
    default:
      return std::nullopt;
  }
}

}  // namespace

void AppendJsonValue(const Array& array, int64_t i, std::string* out) {
  if (array.type_id() != TypeId::NA && array.type_id() != TypeId::RUN_END_ENCODED &&
      array.type_id() != TypeId::SPARSE_UNION && array.type_id() != TypeId::DENSE_UNION &&
      array.IsNull(i)) {
    *out += "null";
    return;
  }
  switch (array.type_id()) {
    case TypeId::NA:
      *out += "null";
      return;
    case TypeId::BOOL:
      *out += static_cast<const BooleanArray&>(array).Value(i) ? "true" : "false";
      return;
    case TypeId::INT8:
      *out += Number(static_cast<const Int8Array&>(array).Value(i));
      return;
    case TypeId::INT16:
      *out += Number(static_cast<const Int16Array&>(array).Value(i));
      return;
    case TypeId::INT32:
      *out += Number(static_cast<const Int32Array&>(array).Value(i));
      return;
    case TypeId::INT64:
      *out += Number(static_cast<const Int64Array&>(array).Value(i));
      return;
    case TypeId::UINT8:
      *out += Number(static_cast<const UInt8Array&>(array).Value(i));
      return;
    case TypeId::UINT16:
      *out += Number(static_cast<const UInt16Array&>(array).Value(i));
      return;
    case TypeId::UINT32:
      *out += Number(static_cast<const UInt32Array&>(array).Value(i));
      return;
    case TypeId::UINT64:
      *out += Number(static_cast<const UInt64Array&>(array).Value(i));
      return;
    case TypeId::FLOAT: {
      const float value = static_cast<const FloatArray&>(array).Value(i);
      *out += std::isfinite(value) ? Number(value) : "null";
      return;
    }
    case TypeId::DOUBLE: {
      const double value = static_cast<const DoubleArray&>(array).Value(i);
      *out += std::isfinite(value) ? Number(value) : "null";
      return;
    }
    case TypeId::DECIMAL32:
    case TypeId::DECIMAL64:
    case TypeId::DECIMAL128:
    case TypeId::DECIMAL256:
      *out += static_cast<const DecimalArray&>(array).FormatValue(i);
      return;
    case TypeId::LIST:
    case TypeId::LIST_VIEW:
      AppendJsonList(static_cast<const ListArray&>(array), i, out);
      return;
    case TypeId::LARGE_LIST:
    case TypeId::LARGE_LIST_VIEW:
      AppendJsonList(static_cast<const LargeListArray&>(array), i, out);
      return;
    case TypeId::FIXED_SIZE_LIST:
      AppendJsonList(static_cast<const FixedSizeListArray&>(array), i, out);
      return;
    case TypeId::MAP: {
      const auto& map = static_cast<const MapArray&>(array);
      const int64_t start = map.value_offset(i);
      const int64_t length = map.value_length(i);
      out->push_back('{');
      for (int64_t j = 0; j < length; ++j) {
        if (j > 0) out->push_back(',');
        AppendJsonString(FormatCell(*map.keys(), start + j, "null"), out);
        out->push_back(':');
        AppendJsonValue(*map.items(), start + j, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::STRUCT: {
      const auto& st = static_cast<const StructArray&>(array);
      const auto& type = *array.type();
      out->push_back('{');
      for (int f = 0; f < st.num_fields(); ++f) {
        if (f > 0) out->push_back(',');
        AppendJsonString(type.field(f)->name(), out);
        out->push_back(':');
        AppendJsonValue(*st.field(f), i, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::DICTIONARY: {
      const auto& dict = static_cast<const DictionaryArray&>(array);
      AppendJsonValue(*dict.dictionary(), dict.GetValueIndex(i), out);
      return;
    }
    case TypeId::RUN_END_ENCODED: {
      const auto& ree = static_cast<const RunEndEncodedArray&>(array);
      AppendJsonValue(*ree.values(), ree.FindPhysicalIndex(i), out);
      return;
    }
    case TypeId::SPARSE_UNION:
    case TypeId::DENSE_UNION: {
      const auto& un = static_cast<const UnionArray&>(array);
      const ArrayPtr& child = un.field(un.child_id(i));
      const int64_t index = array.type_id() == TypeId::SPARSE_UNION ? array.offset() + i : un.value_offset(i);
      AppendJsonValue(*child, index, out);
      return;
    }
    case TypeId::EXTENSION:
      AppendJsonValue(*static_cast<const ExtensionArray&>(array).storage(), i, out);
      return;
    default:
      break;
  }
  if (auto text = PlainText(array, i)) {
    AppendJsonString(*text, out);
    return;
  }
  AppendJsonString(PrettyElement(array, i), out);
}

namespace {

// Null at the top level (a run-end encoded or union value may still be null inside).
bool IsNullCell(const Array& array, int64_t i) {
  const TypeId id = array.type_id();
  const bool has_validity = id != TypeId::NA && id != TypeId::RUN_END_ENCODED &&
                            id != TypeId::SPARSE_UNION && id != TypeId::DENSE_UNION;
  return id == TypeId::NA || (has_validity && array.IsNull(i));
}

}  // namespace

std::string FormatCell(const Array& array, int64_t i, std::string_view null_text) {
  const TypeId id = array.type_id();
  if (IsNullCell(array, i)) return std::string(null_text);
  if (auto text = PlainText(array, i)) return *text;
  switch (id) {
    case TypeId::DICTIONARY: {
      const auto& dict = static_cast<const DictionaryArray&>(array);
      return FormatCell(*dict.dictionary(), dict.GetValueIndex(i), null_text);
    }
    case TypeId::EXTENSION:
      return FormatCell(*static_cast<const ExtensionArray&>(array).storage(), i, null_text);
    case TypeId::DATE32:
    case TypeId::DATE64:
    case TypeId::TIME32:
    case TypeId::TIME64:
    case TypeId::TIMESTAMP:
    case TypeId::DURATION:
    case TypeId::INTERVAL_MONTHS:
    case TypeId::INTERVAL_DAY_TIME:
    case TypeId::INTERVAL_MONTH_DAY_NANO:
    case TypeId::HALF_FLOAT:
      return PrettyElement(array, i);
    default: {
      std::string out;
      AppendJsonValue(array, i, &out);
      return out;
    }
  }
}

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows, size_t max_cell_width) {
  // Widths in characters (UTF-8 continuation bytes do not count).
  auto width = [](std::string_view text) {
    size_t n = 0;
    for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  };
  auto clip = [&](const std::string& text) {
    std::string flat;
    for (char c : text) flat += (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
    if (width(flat) <= max_cell_width) return flat;
    std::string out;
    size_t n = 0;
    for (size_t k = 0; k < flat.size(); ++k) {
      const bool starts_char = (static_cast<unsigned char>(flat[k]) & 0xC0) != 0x80;
      if (starts_char && ++n > max_cell_width - 1) break;
      out += flat[k];
    }
    return out + "…";
  };
  std::vector<std::vector<std::string>> cells;
  cells.push_back({});
  for (const auto& name : header) cells.back().push_back(clip(name));
  for (const auto& row : rows) {
    cells.push_back({});
    for (const auto& cell : row) cells.back().push_back(clip(cell));
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& row : cells) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) widths[c] = std::max(widths[c], width(row[c]));
  }
  std::string out;
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string& cell = c < cells[r].size() ? cells[r][c] : std::string();
      if (c > 0) line += "  ";
      line += cell;
      if (c + 1 < widths.size()) line.append(widths[c] - width(cell), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (r == 0) {
      std::string rule;
      for (size_t c = 0; c < widths.size(); ++c) {
        if (c > 0) rule += "  ";
        rule.append(std::max<size_t>(widths[c], 1), '-');
      }
      out += rule + "\n";
    }
  }
  return out;
}

Status FdOutputStream::Write(const void* data, int64_t nbytes) {
  if (closed_) return Status::IOError("write to a closed output");
  const auto* p = static_cast<const char*>(data);
  while (nbytes > 0) {
    const ssize_t n = ::write(fd_, p, static_cast<size_t>(std::min<int64_t>(nbytes, 1 << 30)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot write the output: ", std::strerror(errno));
    }
    p += n;
    nbytes -= n;
    position_ += n;
  }
  return Status::OK();
}

namespace {

class IpcSink final : public BatchSink {
 public:
  IpcSink(std::shared_ptr<io::OutputStream> out, bool file_format)
      : out_(std::move(out)), file_format_(file_format) {}
  Status Begin(const SchemaPtr& schema) override {
    if (file_format_) {
      QUIVER_ASSIGN_OR_RAISE(writer_, ipc::MakeFileWriter(out_, schema));
    } else {
      QUIVER_ASSIGN_OR_RAISE(writer_, ipc::MakeStreamWriter(out_, schema));
    }
    return Status::OK();
  }
  Status Write(const RecordBatch& batch) override { return writer_->WriteRecordBatch(batch); }
  Status Finish() override {
    QUIVER_RETURN_NOT_OK(writer_->Close());
    return out_->Close();
  }

 private:
  std::shared_ptr<io::OutputStream> out_;
  bool file_format_;
  std::unique_ptr<ipc::RecordBatchWriter> writer_;
};

// Buffers text and hands it to the stream in large writes.
class TextSink : public BatchSink {
 public:
  explicit TextSink(std::shared_ptr<io::OutputStream> out) : out_(std::move(out)) {}
  Status Finish() override {
    QUIVER_RETURN_NOT_OK(Flush());
    return out_->Close();
  }

 protected:
  Status MaybeFlush() { return buffer_.size() >= (1 << 16) ? Flush() : Status::OK(); }
  Status Flush() {
    if (buffer_.empty()) return Status::OK();
    QUIVER_RETURN_NOT_OK(out_->Write(buffer_.data(), static_cast<int64_t>(buffer_.size())));
    buffer_.clear();
    return Status::OK();
  }
  std::string buffer_;

 private:
  std::shared_ptr<io::OutputStream> out_;
};

// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled.
void AppendCsvField(std::string_view text, std::string* out) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) {
    *out += text;
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

// One CSV field. A null is an empty field and an empty string a quoted one (""), and
// floats that are not finite are nan, inf and -inf: what common/csv.h reads back.
void AppendCsvCell(const Array& array, int64_t i, std::string* out) {
  if (IsNullCell(array, i)) return;
  const TypeId id = array.type_id();
  if (id == TypeId::FLOAT || id == TypeId::DOUBLE) {
    const double value = id == TypeId::FLOAT ? static_cast<const FloatArray&>(array).Value(i)
                                             : static_cast<const DoubleArray&>(array).Value(i);
    if (std::isnan(value)) {
      *out += "nan";
      return;
    }
    if (std::isinf(value)) {
      *out += value > 0 ? "inf" : "-inf";
      return;
    }
  }
  const std::string text = FormatCell(array, i, "");
  if (text.empty()) {
    *out += "\"\"";
    return;
  }
  AppendCsvField(text, out);
}

class CsvSink final : public TextSink {
 public:
  using TextSink::TextSink;
  Status Begin(const SchemaPtr& schema) override {
    for (int c = 0; c < schema->num_fields(); ++c) {
      if (c > 0) buffer_ += ',';
      AppendCsvField(schema->field(c)->name(), &buffer_);
    }
    buffer_ += '\n';
    return Status::OK();
  }
  Status Write(const RecordBatch& batch) override {
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      for (int c = 0; c < batch.num_columns(); ++c) {
        if (c > 0) buffer_ += ',';
        AppendCsvCell(*batch.column(c), r, &buffer_);
      }
      buffer_ += '\n';
      QUIVER_RETURN_NOT_OK(MaybeFlush());
    }
    return Status::OK();
  }
};

class JsonLinesSink final : public TextSink {
 public:
  using TextSink::TextSink;
  Status Begin(const SchemaPtr& schema) override {
    for (int c = 0; c < schema->num_fields(); ++c) {
      std::string key;
      AppendJsonString(schema->field(c)->name(), &key);
      keys_.push_back(key + ":");
    }
    return Status::OK();
  }
  Status Write(const RecordBatch& batch) override {
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      buffer_ += '{';
      for (int c = 0; c < batch.num_columns(); ++c) {
        if (c > 0) buffer_ += ',';
        buffer_ += keys_[static_cast<size_t>(c)];
        AppendJsonValue(*batch.column(c), r, &buffer_);
      }
      buffer_ += "}\n";
      QUIVER_RETURN_NOT_OK(MaybeFlush());
    }
    return Status::OK();
  }

 private:
  std::vector<std::string> keys_;
};

}  // namespace

Result<std::unique_ptr<BatchSink>> MakeSink(std::string_view format, std::shared_ptr<io::OutputStream> out) {
  if (format == "arrow") return std::unique_ptr<BatchSink>(new IpcSink(std::move(out), true));
  if (format == "arrows") return std::unique_ptr<BatchSink>(new IpcSink(std::move(out), false));
  if (format == "csv") return std::unique_ptr<BatchSink>(new CsvSink(std::move(out)));
  if (format == "json") return std::unique_ptr<BatchSink>(new JsonLinesSink(std::move(out)));
  return Status::Invalid("unknown output format '", format, "': expected arrow, arrows, csv or json");
}

}  // namespace quiver::cli
