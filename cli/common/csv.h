// Reading CSV text into Arrow record batches: for `quiver put FILE.csv` and for CSV
// files placed in a `quiver serve` root.
//
// Format (RFC 4180, read leniently where that is unambiguous):
//   - The first record is the header: the column names.
//   - Fields are separated by the delimiter (',' by default, a tab for *.tsv) and
//     records by "\n", "\r\n" or "\r". A field may be quoted with '"': inside the
//     quotes the delimiter and line breaks are data and a quote is written twice ("").
//     A quote inside an unquoted field is data (5'10" stays as it is).
//   - Blank lines are skipped, and so is a UTF-8 byte order mark at the start.
//   - Every record must have as many fields as the header.
//
// Nulls: an empty unquoted field is null; a quoted empty field ("") is the empty
// string. `quiver get --format csv` writes them that way, so what it wrote reads back.
//
// Types are inferred from every value of a column; the first that fits all wins:
//   null       no value at all (every field empty)
//   bool       true / false, in any case
//   int64      an optional sign and digits, within int64's range
//   float64    decimal or exponent numbers, inf, nan (integers may be mixed in);
//              an integer too large for int64 is not taken for a float (it stays text)
//   date32     YYYY-MM-DD
//   timestamp  YYYY-MM-DD[T or space]HH:MM[:SS[.fraction]] with an optional Z or
//              +HH:MM / -HH:MM offset. The unit is the finest the fractions need
//              (s, ms, us, ns). Values with an offset are converted to UTC and typed
//              timestamp[unit, tz=UTC]; a column mixing values with and without an
//              offset is string. Plain dates among timestamps are midnight.
//   string     anything else that is UTF-8
//   binary     a column holding bytes that are not UTF-8
// Every column is nullable.
//
// Errors name the source and the line (counting from 1, the header's line):
//   "'data.csv' line 7: 3 fields, but the header has 4 ..."
//
// The input is read twice, each time from the start of the same buffer (a memory
// map for files): a first pass checks the structure, counts rows and infers types;
// the reader then converts one batch at a time, so only a batch is held in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "quiver/buffer.h"
#include "quiver/record_batch.h"
#include "quiver/result.h"
#include "quiver/schema.h"

namespace quiver::cli {

struct CsvReadOptions {
  /// The field separator.
  char delimiter = ',';
  /// A batch ends after this many rows ...
  int64_t batch_rows = 65536;
  /// ... or once its records' text reaches this many bytes.
  int64_t batch_bytes = int64_t{64} << 20;
  /// The columns' types, instead of inferring them. The header must name the schema's
  /// fields in order. Supported: null, bool, the integers, float32/64, string,
  /// large_string, binary, large_binary, date32 and timestamp (see CanConvert).
  SchemaPtr schema;
  /// False (only with `schema`): skip the first pass. Rows and batches are then
  /// unknown (-1) and malformed records show up while reading.
  bool scan = true;
  /// What error messages call the input, e.g. the file's path.
  std::string source = "CSV input";
};

class CsvFile : public std::enable_shared_from_this<CsvFile> {
 public:
  /// Reads the header and (unless told not to) checks every record and infers the types.
  static Result<std::shared_ptr<CsvFile>> Open(std::shared_ptr<Buffer> text, CsvReadOptions options = {});
  /// Open over a memory map of the file at `path`; `source` defaults to the path.
  static Result<std::shared_ptr<CsvFile>> OpenPath(const std::string& path, CsvReadOptions options = {});

  const SchemaPtr& schema() const { return schema_; }
  /// Data rows (not counting the header), or -1 when not scanned.
  int64_t num_rows() const { return rows_; }
  /// Batches the reader will produce, or -1 when not scanned.
  int64_t num_batches() const { return batches_; }
  /// Size of the text in bytes.
  int64_t num_bytes() const { return text_->size(); }

  /// The rows as batches of schema(), converted as they are asked for. Each reader
  /// starts from the first row; the file stays alive while a reader does.
  std::shared_ptr<RecordBatchReader> MakeReader() const;

  /// True for the types a given schema may use.
  static bool CanConvert(const DataType& type);

 private:
  friend class CsvBatchReader;
  CsvFile() = default;
  Status Scan();

  std::shared_ptr<Buffer> text_;
  CsvReadOptions options_;
  SchemaPtr schema_;
  // Where the first data record starts (after the header and a byte order mark).
  size_t data_start_ = 0;
  int64_t data_line_ = 2;
  int64_t rows_ = -1;
  int64_t batches_ = -1;
};

/// True for names of CSV files: *.csv and *.tsv.
bool IsCsvFileName(std::string_view name);
/// The delimiter a file name calls for: a tab for *.tsv, else a comma.
char CsvDelimiterFor(std::string_view name);

}  // namespace quiver::cli
