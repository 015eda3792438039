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
  /// Batches must share `schema` (field names, types and nullability; metadata may
  /// differ); a mismatch is Invalid, naming the batch, the field, and the expected and
  /// found fields. When `schema` is null it comes from the first batch, so `batches`
  /// must not be empty. Each batch's columns become chunks (no copy).
  static Result<TablePtr> FromRecordBatches(SchemaPtr schema, const RecordBatchVector& batches);
  static Result<TablePtr> FromRecordBatches(const RecordBatchVector& batches) {
    return FromRecordBatches(nullptr, batches);
  }
  /// Reads every remaining batch of `reader` (its schema is the table's).
  static Result<TablePtr> FromRecordBatchReader(RecordBatchReader* reader);

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ChunkedArrayVector& columns() const { return columns_; }
  const ChunkedArrayPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  /// The column named `name`, or null if absent or ambiguous.
  ChunkedArrayPtr GetColumnByName(std::string_view name) const;

  /// Zero-copy row slice of every column; offset and length are clamped.
  TablePtr Slice(int64_t offset, int64_t length) const;
  TablePtr Slice(int64_t offset) const { return Slice(offset, num_rows_ - offset); }
  Result<TablePtr> SelectColumns(const std::vector<int>& indices) const;
  Result<TablePtr> AddColumn(int i, FieldPtr field, ChunkedArrayPtr column) const;
  Result<TablePtr> RemoveColumn(int i) const;
  Result<TablePtr> RenameColumns(const std::vector<std::string>& names) const;
  TablePtr ReplaceSchemaMetadata(MetadataPtr metadata) const;
  /// Every column as a single chunk (copies only columns with several chunks, through
  /// Concatenate; a column without chunks gets one empty chunk).
  Result<TablePtr> CombineChunks(MemoryPool* pool = default_memory_pool()) const;
  /// The table cut into batches of at most max_chunksize rows along chunk boundaries
  /// (max_chunksize <= 0: no limit).
  Result<RecordBatchVector> ToBatches(int64_t max_chunksize = -1) const;

  /// Equal schemas (schema and field metadata only with check_metadata) and equal
  /// column contents, whatever the chunk boundaries.
  bool Equals(const Table& other, bool check_metadata = false) const;
  /// One column per field, of the field's type and num_rows() long, then each
  /// column's ChunkedArray::Validate (ValidateFull); errors name the column.
  Status Validate() const;
  Status ValidateFull() const;
  /// pyarrow's str(table): "quiver.Table" (for "pyarrow.Table"), the schema without
  /// metadata, "----", then "name: [[chunk values],[...]]" for the first ten columns
  /// (5 values at each end of a chunk, 2 chunks at each end), "..." when there are more.
  std::string ToString() const;
  int64_t nbytes() const;

 private:
  Table(SchemaPtr schema, ChunkedArrayVector columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}

  SchemaPtr schema_;
  ChunkedArrayVector columns_;
  int64_t num_rows_;
};

/// Tables of one schema (field names, types and nullability) appended row-wise without
/// copying: the result's columns hold every table's chunks, under the first table's
/// schema (metadata included). An empty list or a mismatch is Invalid.
QUIVER_EXPORT Result<TablePtr> ConcatenateTables(const std::vector<TablePtr>& tables);

/// Streams a table as record batches, zero-copy, cutting at chunk boundaries and
/// at most chunksize rows per batch. The reader refers to `table`, which must outlive
/// it. A table whose columns hold fewer rows than num_rows() gives an Invalid status.
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
