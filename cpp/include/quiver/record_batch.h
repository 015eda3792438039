// RecordBatch: equal-length arrays described by a schema -- the unit that IPC
// and Flight move. RecordBatchReader: a stream of batches sharing one schema.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quiver/array.h"
#include "quiver/schema.h"

namespace quiver {

class RecordBatch;
using RecordBatchPtr = std::shared_ptr<RecordBatch>;
using RecordBatchVector = std::vector<RecordBatchPtr>;

class QUIVER_EXPORT RecordBatch {
 public:
  /// No checks beyond debug assertions: use Validate() on untrusted parts, or
  /// MakeChecked(), which reports a column count, length or type mismatch.
  static RecordBatchPtr Make(SchemaPtr schema, int64_t num_rows, ArrayVector columns);
  static Result<RecordBatchPtr> MakeChecked(SchemaPtr schema, int64_t num_rows, ArrayVector columns);
  /// A batch from a struct array's children (its validity must be all-valid).
  static Result<RecordBatchPtr> FromStructArray(const Array& array);
  /// An empty (zero-row) batch of the schema.
  static Result<RecordBatchPtr> MakeEmpty(SchemaPtr schema, MemoryPool* pool = default_memory_pool());

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ArrayVector& columns() const { return columns_; }
  const ArrayPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  /// The column named `name`, or null if absent or ambiguous.
  ArrayPtr GetColumnByName(std::string_view name) const;
  const std::string& column_name(int i) const;

  /// Zero-copy row slice; offset and length are clamped.
  RecordBatchPtr Slice(int64_t offset, int64_t length) const;
  RecordBatchPtr Slice(int64_t offset) const { return Slice(offset, num_rows_ - offset); }
  /// The batch with only `indices`, in that order.
  Result<RecordBatchPtr> SelectColumns(const std::vector<int>& indices) const;
  Result<RecordBatchPtr> AddColumn(int i, FieldPtr field, ArrayPtr column) const;
  Result<RecordBatchPtr> RemoveColumn(int i) const;
  Result<RecordBatchPtr> RenameColumns(const std::vector<std::string>& names) const;
  RecordBatchPtr ReplaceSchemaMetadata(MetadataPtr metadata) const;
  /// The batch as one struct array (no validity bitmap; the schema's fields become the
  /// struct's fields). The inverse of FromStructArray.
  Result<ArrayPtr> ToStructArray() const;

  bool Equals(const RecordBatch& other, bool check_metadata = false,
              const EqualOptions& options = {}) const;

  /// Column count, lengths and types against the schema, then each column's Validate()
  /// (ValidateFull: ValidateFull()); errors are Invalid and name the column.
  Status Validate() const;
  Status ValidateFull() const;

  /// pyarrow's str(batch): "quiver.RecordBatch" (for "pyarrow.RecordBatch"), the schema
  /// without metadata, "----", then "name: [values]" for the first ten columns (10 values
  /// at each end), "..." when there are more.
  std::string ToString() const;

  /// Bytes referenced by the columns' buffers.
  int64_t nbytes() const;

 private:
  RecordBatch(SchemaPtr schema, int64_t num_rows, ArrayVector columns)
      : schema_(std::move(schema)), num_rows_(num_rows), columns_(std::move(columns)) {}

  SchemaPtr schema_;
  int64_t num_rows_;
  ArrayVector columns_;
};

/// A stream of record batches of one schema. ReadNext sets *batch to null at the end.
class QUIVER_EXPORT RecordBatchReader {
 public:
  virtual ~RecordBatchReader() = default;
  virtual SchemaPtr schema() const = 0;
  virtual Status ReadNext(RecordBatchPtr* batch) = 0;
  /// Releases resources early; later ReadNext calls return end of stream.
  virtual Status Close() { return Status::OK(); }

  /// Every remaining batch, in order; stops at the first error.
  Result<RecordBatchVector> ReadAll();

  /// A reader over batches in memory; `schema` may be null when `batches` is not empty.
  /// Every batch must have the schema (fields compared without metadata).
  static Result<std::shared_ptr<RecordBatchReader>> Make(RecordBatchVector batches, SchemaPtr schema = nullptr);
};

}  // namespace quiver
