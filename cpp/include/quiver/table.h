// Table: a schema and one ChunkedArray per field, all of the same length --
// batches laid side by side without copying. TableBatchReader streams a table
// back out as record batches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/chunked_array.h"
#include "quiver/record_batch.h"

namespace quiver {

class Table;
using TablePtr = std::shared_ptr<Table>;

class QUIVER_EXPORT Table {
 public:
  /// Unchecked (see Validate); num_rows -1 takes the first column's length (0 if none).
  static TablePtr Make(SchemaPtr schema, ChunkedArrayVector columns, int64_t num_rows = -1);
  /// Single-chunk columns from arrays.
  static TablePtr Make(SchemaPtr schema, const ArrayVector& arrays, int64_t num_rows = -1);
  /// Batches must share `schema` (field names and types; metadata may differ). When
  /// `schema` is null it comes from the first batch, so `batches` must not be empty.
  static Result<TablePtr> FromRecordBatches(SchemaPtr schema, const RecordBatchVector& batches);
  static Result<TablePtr> FromRecordBatches(const RecordBatchVector& batches) {
    return FromRecordBatches(nullptr, batches);
  }
  static Result<TablePtr> FromRecordBatchReader(RecordBatchReader* reader);

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ChunkedArrayVector& columns() const { return columns_; }
  const ChunkedArrayPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  /// The column named `name`, or null if absent or ambiguous.
  ChunkedArrayPtr GetColumnByName(std::string_view name) const;

  TablePtr Slice(int64_t offset, int64_t length) const;
  TablePtr Slice(int64_t offset) const { return Slice(offset, num_rows_ - offset); }
  Result<TablePtr> SelectColumns(const std::vector<int>& indices) const;
  Result<TablePtr> AddColumn(int i, FieldPtr field, ChunkedArrayPtr column) const;
  Result<TablePtr> RemoveColumn(int i) const;
  Result<TablePtr> RenameColumns(const std::vector<std::string>& names) const;
  TablePtr ReplaceSchemaMetadata(MetadataPtr metadata) const;
  /// Every column as a single chunk (copies only columns with several chunks).
  Result<TablePtr> CombineChunks(MemoryPool* pool = default_memory_pool()) const;
  /// The table cut into batches of at most max_chunksize rows along chunk boundaries
  /// (max_chunksize <= 0: no limit).
  Result<RecordBatchVector> ToBatches(int64_t max_chunksize = -1) const;

  bool Equals(const Table& other, bool check_metadata = false) const;
  Status Validate() const;
  Status ValidateFull() const;
  /// pyarrow's form: "pyarrow.Table"-style header replaced by "quiver.Table",
  /// the schema, "----", then "name: [[chunk values],[...]]" per column.
  std::string ToString() const;
  int64_t nbytes() const;

 private:
  Table(SchemaPtr schema, ChunkedArrayVector columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

  SchemaPtr schema_;
  ChunkedArrayVector columns_;
  int64_t num_rows_;
};

/// Tables of one schema (field names and types) appended row-wise without copying.
QUIVER_EXPORT Result<TablePtr> ConcatenateTables(const std::vector<TablePtr>& tables);

/// Streams a table as record batches, zero-copy, cutting at chunk boundaries and
/// at most chunksize rows per batch.
class QUIVER_EXPORT TableBatchReader final : public RecordBatchReader {
 public:
  explicit TableBatchReader(const Table& table);
  void set_chunksize(int64_t chunksize) { max_chunksize_ = chunksize; }
  SchemaPtr schema() const override;
  Status ReadNext(RecordBatchPtr* batch) override;

 private:
  const Table& table_;
  std::vector<int> chunk_index_;
  std::vector<int64_t> chunk_offset_;
  int64_t position_ = 0;
  int64_t max_chunksize_ = -1;
};

}  // namespace quiver
