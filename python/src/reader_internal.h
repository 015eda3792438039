// RecordBatchReaders the binding implements itself, and a holder for Python
// references that may be dropped on a thread without the GIL.
#pragma once

#include <memory>
#include <vector>

#include "common.h"

namespace quiver::py {

/// An owned Python reference whose release takes the GIL (and is skipped once
/// the interpreter is finalizing). Safe to destroy on any thread.
class PyObjectHolder {
 public:
  PyObjectHolder() = default;
  /// Takes over a new (owned) reference.
  explicit PyObjectHolder(PyObject* owned) : obj_(owned) {}
  PyObjectHolder(const PyObjectHolder&) = delete;
  PyObjectHolder& operator=(const PyObjectHolder&) = delete;
  ~PyObjectHolder();
  PyObject* get() const { return obj_; }
  void reset();

 private:
  PyObject* obj_ = nullptr;
};

/// Batches pulled lazily from a Python iterator (RecordBatchReader.from_batches).
/// ReadNext takes the GIL itself, so callers may release it.
class PyIteratorReader final : public RecordBatchReader {
 public:
  /// Takes over the owned reference `iterator`.
  PyIteratorReader(SchemaPtr schema, PyObject* iterator) : schema_(std::move(schema)), iterator_(iterator) {}
  SchemaPtr schema() const override { return schema_; }
  Status ReadNext(RecordBatchPtr* batch) override;
  Status Close() override;

 private:
  SchemaPtr schema_;
  PyObjectHolder iterator_;
};

/// A table's batches (Table.to_reader, Table.__arrow_c_stream__); holds the table.
class TableReader final : public RecordBatchReader {
 public:
  static Result<std::shared_ptr<TableReader>> Make(TablePtr table, int64_t max_chunksize = -1);
  SchemaPtr schema() const override { return schema_; }
  Status ReadNext(RecordBatchPtr* batch) override;

 private:
  TableReader(SchemaPtr schema, RecordBatchVector batches, TablePtr table)
      : schema_(std::move(schema)), batches_(std::move(batches)), table_(std::move(table)) {}
  SchemaPtr schema_;
  RecordBatchVector batches_;
  TablePtr table_;
  size_t next_ = 0;
};

}  // namespace quiver::py
