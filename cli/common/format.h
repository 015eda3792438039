// Turning batches into text: table cells, JSON values, aligned tables, and the
// output formats of `quiver get` (Arrow IPC file, IPC stream, CSV, JSON Lines).
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/io.h"
#include "quiver/record_batch.h"
#include "quiver/result.h"

namespace quiver::cli {

/// Value i of `array` as JSON: numbers and booleans as such, strings quoted, binary as
/// upper-case hex strings, lists as arrays, structs and maps as objects, temporal
/// types as their text ("2024-01-31 12:00:00.000"); NaN and infinities as null.
void AppendJsonValue(const Array& array, int64_t i, std::string* out);

/// Value i as plain text: strings raw, nested values as JSON, nulls as `null_text`.
std::string FormatCell(const Array& array, int64_t i, std::string_view null_text);

/// An aligned text table: a header row of column names, a rule, then the rows;
/// cells longer than `max_cell_width` characters are cut with "…".
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows, size_t max_cell_width = 40);

/// Where `quiver get` writes batches.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual Status Begin(const SchemaPtr& schema) = 0;
  virtual Status Write(const RecordBatch& batch) = 0;
  virtual Status Finish() = 0;
};

/// An OutputStream over a file descriptor it does not own (stdout).
class FdOutputStream final : public io::OutputStream {
 public:
  explicit FdOutputStream(int fd) : fd_(fd) {}
  Status Write(const void* data, int64_t nbytes) override;
  using io::OutputStream::Write;
  Result<int64_t> Tell() const override { return position_; }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  bool closed() const override { return closed_; }

 private:
  int fd_;
  int64_t position_ = 0;
  bool closed_ = false;
};

/// A sink for `format` ("arrow", "arrows", "csv" or "json") writing to `out`.
Result<std::unique_ptr<BatchSink>> MakeSink(std::string_view format, std::shared_ptr<io::OutputStream> out);

}  // namespace quiver::cli
