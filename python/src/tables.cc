// RecordBatch, Table and RecordBatchReader. Constructors that take Python
// data (from_pydict, from_pandas...) live in quiver/_core.py and end in the
// checked builders bound here (_record_batch_from_arrays, _table_from_columns).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "common.h"
#include "compute_internal.h"
#include "quiver/ipc/writer.h"
#include "reader_internal.h"
#include "types_internal.h"

namespace quiver::py {

// ---------------------------------------------------------------------------
// Readers implemented here

PyObjectHolder::~PyObjectHolder() { reset(); }

void PyObjectHolder::reset() {
  if (obj_ != nullptr && PythonIsAlive()) {
    PyGILState_STATE state = PyGILState_Ensure();
    Py_DECREF(obj_);
    PyGILState_Release(state);
  }
  obj_ = nullptr;
}

Status PyIteratorReader::ReadNext(RecordBatchPtr* batch) {
  *batch = nullptr;
  if (!iterator_.get() || !PythonIsAlive()) return Status::OK();
  nb::gil_scoped_acquire gil;
  PyObject* item = PyIter_Next(iterator_.get());
  if (item == nullptr) {
    if (PyErr_Occurred()) return StatusFromPyError();
    iterator_.reset();
    return Status::OK();
  }
  nb::object owned = nb::steal(item);
  try {
    if (!IsRecordBatch(owned)) {
      return Status::TypeError("expected the iterator to yield quiver.RecordBatch objects but it yielded ",
                               Py_TYPE(item)->tp_name);
    }
    const RecordBatchPtr& b = ToRecordBatch(owned);
    if (!b->schema()->Equals(*schema_)) {
      return Status::Invalid("a batch's schema does not match the reader's: expected\n", schema_->ToString(),
                             "\nbut found\n", b->schema()->ToString());
    }
    *batch = b;
  } catch (const StatusError& e) {
    return e.status();
  }
  return Status::OK();
}

Status PyIteratorReader::Close() {
  iterator_.reset();
  return Status::OK();
}

Status TableReader::ReadNext(RecordBatchPtr* batch) {
  if (next_ < batches_.size()) {
    *batch = batches_[next_++];
  } else {
    *batch = nullptr;
  }
  return Status::OK();
}

Result<std::shared_ptr<TableReader>> TableReader::Make(TablePtr table, int64_t max_chunksize) {
  QUIVER_ASSIGN_OR_RAISE(auto batches, table->ToBatches(max_chunksize));
  return std::shared_ptr<TableReader>(new TableReader(table->schema(), std::move(batches), table));
}

// ---------------------------------------------------------------------------

nb::object WrapRecordBatch(RecordBatchPtr batch) {
  if (!batch) return nb::none();
  return nb::cast(PyRecordBatch{std::move(batch)});
}
nb::object WrapTable(TablePtr table) {
  if (!table) return nb::none();
  return nb::cast(PyTable{std::move(table)});
}
nb::object WrapReader(std::shared_ptr<RecordBatchReader> reader) {
  return nb::cast(PyRecordBatchReader{std::move(reader)});
}

bool IsRecordBatch(nb::handle obj) { return nb::isinstance<PyRecordBatch>(obj); }
bool IsTable(nb::handle obj) { return nb::isinstance<PyTable>(obj); }

const RecordBatchPtr& ToRecordBatch(nb::handle obj) {
  if (!IsRecordBatch(obj)) {
    throw nb::type_error(("expected a quiver.RecordBatch but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyRecordBatch&>(obj).batch;
}
const TablePtr& ToTable(nb::handle obj) {
  if (!IsTable(obj)) {
    throw nb::type_error(("expected a quiver.Table but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyTable&>(obj).table;
}

namespace {

int ColumnIndex(const Schema& schema, nb::handle key, int num_columns) {
  if (PyUnicode_Check(key.ptr())) {
    auto name = nb::cast<std::string>(key);
    auto indices = schema.GetAllFieldIndices(name);
    if (indices.empty()) ThrowStatus(Status::KeyError("Field \"", name, "\" does not exist in schema"));
    if (indices.size() > 1) ThrowStatus(Status::KeyError("Field \"", name, "\" exists ", indices.size(), " times in schema"));
    return indices[0];
  }
  int64_t i = nb::cast<int64_t>(key);
  if (i < 0) i += num_columns;
  if (i < 0 || i >= num_columns) ThrowStatus(Status::IndexError("column index out of bounds"));
  return static_cast<int>(i);
}

std::vector<int> ColumnIndices(const Schema& schema, nb::handle keys, int num_columns) {
  std::vector<int> out;
  for (nb::handle key : keys) out.push_back(ColumnIndex(schema, key, num_columns));
  return out;
}

FieldPtr FieldArgument(nb::handle field_or_name, const TypePtr& type) {
  if (PyUnicode_Check(field_or_name.ptr())) return field(nb::cast<std::string>(field_or_name), type);
  return EnsureField(field_or_name);
}

/// An Array for a column argument: Arrays as they are, anything else through quiver.array.
ArrayPtr ColumnArray(nb::handle obj, const TypePtr& type) {
  if (IsArray(obj)) return ToArray(obj);
  if (IsChunkedArray(obj)) {
    const auto& chunked = ToChunkedArray(obj);
    if (chunked->num_chunks() == 1) return chunked->chunk(0);
    return ToArray(nb::borrow(obj).attr("combine_chunks")());
  }
  nb::object quiver = nb::module_::import_("quiver");
  nb::object converted = quiver.attr("array")(obj, nb::arg("type") = type ? WrapType(type) : nb::none());
  if (IsChunkedArray(converted)) return ToArray(converted.attr("combine_chunks")());
  return ToArray(converted);
}

ChunkedArrayPtr ColumnChunked(nb::handle obj, const TypePtr& type) {
  if (IsChunkedArray(obj)) return ToChunkedArray(obj);
  ArrayPtr array = ColumnArray(obj, type);
  return std::make_shared<ChunkedArray>(ArrayVector{array}, array->type());
}

nb::dict BatchToPydict(const RecordBatch& batch) {
  nb::dict out;
  for (int i = 0; i < batch.num_columns(); ++i) {
    out[nb::str(batch.column_name(i).c_str())] = ArrayToPyList(*batch.column(i));
  }
  return out;
}

nb::list RowsToPylist(const Schema& schema, const std::vector<std::vector<ArrayPtr>>& columns, int64_t num_rows) {
  nb::list rows;
  std::vector<nb::str> names;
  for (const auto& f : schema.fields()) names.emplace_back(f->name().c_str(), f->name().size());
  // Column chunk cursors.
  std::vector<size_t> chunk(columns.size(), 0);
  std::vector<int64_t> pos(columns.size(), 0);
  for (int64_t r = 0; r < num_rows; ++r) {
    nb::dict row;
    for (size_t c = 0; c < columns.size(); ++c) {
      while (pos[c] >= columns[c][chunk[c]]->length()) {
        ++chunk[c];
        pos[c] = 0;
      }
      row[names[c]] = ArrayValueToPy(*columns[c][chunk[c]], pos[c]);
      ++pos[c];
    }
    rows.append(row);
  }
  return rows;
}

RecordBatchPtr ReadNextBatch(RecordBatchReader& reader) {
  RecordBatchPtr batch;
  Status st;
  {
    nb::gil_scoped_release release;
    st = reader.ReadNext(&batch);
  }
  Check(st);
  return batch;
}

}  // namespace

void InitTables(nb::module_& m) {
  // --- RecordBatch
  nb::class_<PyRecordBatch>(m, "RecordBatch", "Equal-length arrays described by a schema.")
      .def_prop_ro("num_rows", [](const PyRecordBatch& b) { return b.batch->num_rows(); })
      .def_prop_ro("num_columns", [](const PyRecordBatch& b) { return b.batch->num_columns(); })
      .def_prop_ro("shape", [](const PyRecordBatch& b) { return nb::make_tuple(b.batch->num_rows(), b.batch->num_columns()); })
      .def("__len__", [](const PyRecordBatch& b) { return b.batch->num_rows(); })
      .def_prop_ro("schema", [](const PyRecordBatch& b) { return WrapSchema(b.batch->schema()); })
      .def_prop_ro("columns", [](const PyRecordBatch& b) {
        nb::list out;
        for (const auto& c : b.batch->columns()) out.append(WrapArray(c));
        return out;
      })
      .def_prop_ro("column_names", [](const PyRecordBatch& b) { return b.batch->schema()->field_names(); })
      .def("column", [](const PyRecordBatch& b, nb::handle key) {
        return WrapArray(b.batch->column(ColumnIndex(*b.batch->schema(), key, b.batch->num_columns())));
      }, nb::arg("i"))
      .def("field", [](const PyRecordBatch& b, nb::handle key) {
        return WrapField(b.batch->schema()->field(ColumnIndex(*b.batch->schema(), key, b.batch->num_columns())));
      }, nb::arg("i"))
      .def("__getitem__", [](const PyRecordBatch& b, nb::handle key) -> nb::object {
        if (PySlice_Check(key.ptr())) {
          Py_ssize_t start = 0, stop = 0, step = 0;
          if (PySlice_Unpack(key.ptr(), &start, &stop, &step) < 0) throw nb::python_error();
          Py_ssize_t count = PySlice_AdjustIndices(static_cast<Py_ssize_t>(b.batch->num_rows()), &start, &stop, step);
          if (step != 1) throw nb::value_error("only slices with step 1 are supported on a RecordBatch");
          return WrapRecordBatch(b.batch->Slice(start, count));
        }
        return WrapArray(b.batch->column(ColumnIndex(*b.batch->schema(), key, b.batch->num_columns())));
      })
      .def("__iter__", [](const PyRecordBatch& b) {
        nb::list out;
        for (const auto& c : b.batch->columns()) out.append(WrapArray(c));
        return nb::iter(out);
      })
      .def("slice", [](const PyRecordBatch& b, int64_t offset, std::optional<int64_t> length) {
        if (offset < 0) ThrowStatus(Status::IndexError("Offset must be non-negative"));
        int64_t len = length.value_or(b.batch->num_rows() - offset);
        if (len < 0) ThrowStatus(Status::IndexError("Length must be non-negative"));
        return WrapRecordBatch(b.batch->Slice(offset, len));
      }, nb::arg("offset") = 0, nb::arg("length") = nb::none())
      .def("select", [](const PyRecordBatch& b, nb::handle columns) {
        return WrapRecordBatch(Unwrap(b.batch->SelectColumns(ColumnIndices(*b.batch->schema(), columns, b.batch->num_columns()))));
      }, nb::arg("columns"))
      .def("drop_columns", [](const PyRecordBatch& b, nb::handle columns) {
        auto batch = b.batch;
        std::vector<std::string> names;
        if (PyUnicode_Check(columns.ptr())) names.push_back(nb::cast<std::string>(columns));
        else for (nb::handle c : columns) names.push_back(nb::cast<std::string>(c));
        for (const auto& name : names) {
          int index = ColumnIndex(*batch->schema(), nb::str(name.c_str()), batch->num_columns());
          batch = Unwrap(batch->RemoveColumn(index));
        }
        return WrapRecordBatch(batch);
      }, nb::arg("columns"))
      .def("add_column", [](const PyRecordBatch& b, int i, nb::handle field_, nb::handle column) {
        TypePtr type = nb::isinstance<PyField>(field_) ? ToField(field_)->type() : nullptr;
        ArrayPtr array = ColumnArray(column, type);
        return WrapRecordBatch(Unwrap(b.batch->AddColumn(i, FieldArgument(field_, array->type()), array)));
      }, nb::arg("i"), nb::arg("field_"), nb::arg("column"))
      .def("append_column", [](const PyRecordBatch& b, nb::handle field_, nb::handle column) {
        TypePtr type = nb::isinstance<PyField>(field_) ? ToField(field_)->type() : nullptr;
        ArrayPtr array = ColumnArray(column, type);
        return WrapRecordBatch(Unwrap(b.batch->AddColumn(b.batch->num_columns(), FieldArgument(field_, array->type()), array)));
      }, nb::arg("field_"), nb::arg("column"))
      .def("remove_column", [](const PyRecordBatch& b, int i) { return WrapRecordBatch(Unwrap(b.batch->RemoveColumn(i))); })
      .def("set_column", [](const PyRecordBatch& b, int i, nb::handle field_, nb::handle column) {
        TypePtr type = nb::isinstance<PyField>(field_) ? ToField(field_)->type() : nullptr;
        ArrayPtr array = ColumnArray(column, type);
        auto removed = Unwrap(b.batch->RemoveColumn(i));
        return WrapRecordBatch(Unwrap(removed->AddColumn(i, FieldArgument(field_, array->type()), array)));
      }, nb::arg("i"), nb::arg("field_"), nb::arg("column"))
      .def("rename_columns", [](const PyRecordBatch& b, nb::handle names) {
        std::vector<std::string> vec;
        if (PyDict_Check(names.ptr())) {
          for (const auto& name : b.batch->schema()->field_names()) {
            nb::str key(name.c_str());
            vec.push_back(PyDict_Contains(names.ptr(), key.ptr()) == 1 ? nb::cast<std::string>(names[key]) : name);
          }
        } else {
          for (nb::handle n : names) vec.push_back(nb::cast<std::string>(n));
        }
        return WrapRecordBatch(Unwrap(b.batch->RenameColumns(vec)));
      }, nb::arg("names"))
      .def("replace_schema_metadata", [](const PyRecordBatch& b, nb::handle metadata) {
        return WrapRecordBatch(b.batch->ReplaceSchemaMetadata(ToMetadata(metadata)));
      }, nb::arg("metadata") = nb::none())
      .def("to_struct_array", [](const PyRecordBatch& b) { return WrapArray(Unwrap(b.batch->ToStructArray())); })
      .def("equals", [](const PyRecordBatch& b, nb::handle other, bool check_metadata) {
        if (!IsRecordBatch(other)) throw nb::type_error("equals expects a quiver.RecordBatch");
        return b.batch->Equals(*ToRecordBatch(other), check_metadata);
      }, nb::arg("other"), nb::arg("check_metadata") = false)
      .def("__eq__", [](const PyRecordBatch& b, nb::handle other) -> nb::object {
        if (!IsRecordBatch(other)) return nb::borrow(Py_NotImplemented);
        return nb::bool_(b.batch->Equals(*ToRecordBatch(other)));
      }, nb::arg("other").none())
      .def_prop_ro("nbytes", [](const PyRecordBatch& b) { return b.batch->nbytes(); })
      .def("get_total_buffer_size", [](const PyRecordBatch& b) { return b.batch->nbytes(); })
      .def("validate", [](const PyRecordBatch& b, bool full) {
        nb::gil_scoped_release release;
        Check(full ? b.batch->ValidateFull() : b.batch->Validate());
      }, nb::kw_only(), nb::arg("full") = false)
      .def("to_pydict", [](const PyRecordBatch& b) { return BatchToPydict(*b.batch); })
      .def("to_pylist", [](const PyRecordBatch& b) {
        std::vector<std::vector<ArrayPtr>> columns;
        for (const auto& c : b.batch->columns()) columns.push_back({c});
        return RowsToPylist(*b.batch->schema(), columns, b.batch->num_rows());
      })
      .def("to_string", [](const PyRecordBatch& b) { return b.batch->ToString(); })
      .def("__str__", [](const PyRecordBatch& b) { return b.batch->ToString(); })
      .def("__repr__", [](const PyRecordBatch& b) { return b.batch->ToString(); })
      .def("serialize", [](const PyRecordBatch& b) {
        std::shared_ptr<Buffer> out;
        {
          nb::gil_scoped_release release;
          out = Unwrap(ipc::SerializeRecordBatch(*b.batch));
        }
        return WrapBuffer(out);
      }, "The batch as an encapsulated IPC message.")
      .def_static("from_struct_array", [](nb::handle array) {
        return WrapRecordBatch(Unwrap(RecordBatch::FromStructArray(*ToArray(array))));
      }, nb::arg("struct_array"));

  m.def("_record_batch_from_arrays", [](nb::handle arrays, nb::handle schema_obj) {
    const SchemaPtr& schema = ToSchema(schema_obj);
    ArrayVector columns;
    for (nb::handle a : arrays) columns.push_back(ToArray(a));
    if (static_cast<int>(columns.size()) != schema->num_fields()) {
      ThrowStatus(Status::Invalid("Schema and number of arrays unequal: ", schema->num_fields(), " fields but ",
                                  columns.size(), " arrays"));
    }
    int64_t num_rows = columns.empty() ? 0 : columns[0]->length();
    auto batch = Unwrap(RecordBatch::MakeChecked(schema, num_rows, std::move(columns)));
    Check(batch->Validate());
    return WrapRecordBatch(batch);
  }, nb::arg("arrays"), nb::arg("schema"));

  // --- Table
  nb::class_<PyTable>(m, "Table", "A schema and one ChunkedArray per field, all of the same length.")
      .def_prop_ro("num_rows", [](const PyTable& t) { return t.table->num_rows(); })
      .def_prop_ro("num_columns", [](const PyTable& t) { return t.table->num_columns(); })
      .def_prop_ro("shape", [](const PyTable& t) { return nb::make_tuple(t.table->num_rows(), t.table->num_columns()); })
      .def("__len__", [](const PyTable& t) { return t.table->num_rows(); })
      .def_prop_ro("schema", [](const PyTable& t) { return WrapSchema(t.table->schema()); })
      .def_prop_ro("columns", [](const PyTable& t) {
        nb::list out;
        for (const auto& c : t.table->columns()) out.append(WrapChunkedArray(c));
        return out;
      })
      .def("itercolumns", [](const PyTable& t) {
        nb::list out;
        for (const auto& c : t.table->columns()) out.append(WrapChunkedArray(c));
        return nb::iter(out);
      })
      .def_prop_ro("column_names", [](const PyTable& t) { return t.table->schema()->field_names(); })
      .def("column", [](const PyTable& t, nb::handle key) {
        return WrapChunkedArray(t.table->column(ColumnIndex(*t.table->schema(), key, t.table->num_columns())));
      }, nb::arg("i"))
      .def("field", [](const PyTable& t, nb::handle key) {
        return WrapField(t.table->schema()->field(ColumnIndex(*t.table->schema(), key, t.table->num_columns())));
      }, nb::arg("i"))
      .def("__getitem__", [](const PyTable& t, nb::handle key) -> nb::object {
        if (PySlice_Check(key.ptr())) {
          Py_ssize_t start = 0, stop = 0, step = 0;
          if (PySlice_Unpack(key.ptr(), &start, &stop, &step) < 0) throw nb::python_error();
          Py_ssize_t count = PySlice_AdjustIndices(static_cast<Py_ssize_t>(t.table->num_rows()), &start, &stop, step);
          if (step != 1) throw nb::value_error("only slices with step 1 are supported on a Table");
          return WrapTable(t.table->Slice(start, count));
        }
        return WrapChunkedArray(t.table->column(ColumnIndex(*t.table->schema(), key, t.table->num_columns())));
      })
      .def("__iter__", [](const PyTable& t) {
        nb::list out;
        for (const auto& c : t.table->columns()) out.append(WrapChunkedArray(c));
        return nb::iter(out);
      })
      .def("slice", [](const PyTable& t, int64_t offset, std::optional<int64_t> length) {
        if (offset < 0) ThrowStatus(Status::IndexError("Offset must be non-negative"));
        int64_t len = length.value_or(t.table->num_rows() - offset);
        if (len < 0) ThrowStatus(Status::IndexError("Length must be non-negative"));
        return WrapTable(t.table->Slice(offset, len));
      }, nb::arg("offset") = 0, nb::arg("length") = nb::none())
      .def("select", [](const PyTable& t, nb::handle columns) {
        return WrapTable(Unwrap(t.table->SelectColumns(ColumnIndices(*t.table->schema(), columns, t.table->num_columns()))));
      }, nb::arg("columns"))
      .def("drop_columns", [](const PyTable& t, nb::handle columns) {
        auto table = t.table;
        std::vector<std::string> names;
        if (PyUnicode_Check(columns.ptr())) names.push_back(nb::cast<std::string>(columns));
        else for (nb::handle c : columns) names.push_back(nb::cast<std::string>(c));
        for (const auto& name : names) {
          int index = ColumnIndex(*table->schema(), nb::str(name.c_str()), table->num_columns());
          table = Unwrap(table->RemoveColumn(index));
        }
        return WrapTable(table);
      }, nb::arg("columns"))
      .def("add_column", [](const PyTable& t, int i, nb::handle field_, nb::handle column) {
        TypePtr type = nb::isinstance<PyField>(field_) ? ToField(field_)->type() : nullptr;
        auto chunked = ColumnChunked(column, type);
        return WrapTable(Unwrap(t.table->AddColumn(i, FieldArgument(field_, chunked->type()), chunked)));
      }, nb::arg("i"), nb::arg("field_"), nb::arg("column"))
      .def("append_column", [](const PyTable& t, nb::handle field_, nb::handle column) {
        TypePtr type = nb::isinstance<PyField>(field_) ? ToField(field_)->type() : nullptr;
        auto chunked = ColumnChunked(column, type);
        return WrapTable(Unwrap(t.table->AddColumn(t.table->num_columns(), FieldArgument(field_, chunked->type()), chunked)));
      }, nb::arg("field_"), nb::arg("column"))
      .def("remove_column", [](const PyTable& t, int i) { return WrapTable(Unwrap(t.table->RemoveColumn(i))); })
      .def("set_column", [](const PyTable& t, int i, nb::handle field_, nb::handle column) {
        TypePtr type = nb::isinstance<PyField>(field_) ? ToField(field_)->type() : nullptr;
        auto chunked = ColumnChunked(column, type);
        auto removed = Unwrap(t.table->RemoveColumn(i));
        return WrapTable(Unwrap(removed->AddColumn(i, FieldArgument(field_, chunked->type()), chunked)));
      }, nb::arg("i"), nb::arg("field_"), nb::arg("column"))
      .def("rename_columns", [](const PyTable& t, nb::handle names) {
        std::vector<std::string> vec;
        if (PyDict_Check(names.ptr())) {
          for (const auto& name : t.table->schema()->field_names()) {
            nb::str key(name.c_str());
            vec.push_back(PyDict_Contains(names.ptr(), key.ptr()) == 1 ? nb::cast<std::string>(names[key]) : name);
          }
        } else {
          for (nb::handle n : names) vec.push_back(nb::cast<std::string>(n));
        }
        return WrapTable(Unwrap(t.table->RenameColumns(vec)));
      }, nb::arg("names"))
      .def("replace_schema_metadata", [](const PyTable& t, nb::handle metadata) {
        return WrapTable(t.table->ReplaceSchemaMetadata(ToMetadata(metadata)));
      }, nb::arg("metadata") = nb::none())
      .def("combine_chunks", [](const PyTable& t) {
        TablePtr out;
        {
          nb::gil_scoped_release release;
          out = Unwrap(t.table->CombineChunks());
        }
        return WrapTable(out);
      })
      .def("to_batches", [](const PyTable& t, std::optional<int64_t> max_chunksize) {
        RecordBatchVector batches;
        {
          nb::gil_scoped_release release;
          batches = Unwrap(t.table->ToBatches(max_chunksize.value_or(-1)));
        }
        nb::list out;
        for (auto& b : batches) out.append(WrapRecordBatch(b));
        return out;
      }, nb::arg("max_chunksize") = nb::none())
      .def("to_reader", [](const PyTable& t, std::optional<int64_t> max_chunksize) {
        return WrapReader(Unwrap(TableReader::Make(t.table, max_chunksize.value_or(-1))));
      }, nb::arg("max_chunksize") = nb::none())
      .def("equals", [](const PyTable& t, nb::handle other, bool check_metadata) {
        if (!IsTable(other)) throw nb::type_error("equals expects a quiver.Table");
        return t.table->Equals(*ToTable(other), check_metadata);
      }, nb::arg("other"), nb::arg("check_metadata") = false)
      .def("__eq__", [](const PyTable& t, nb::handle other) -> nb::object {
        if (!IsTable(other)) return nb::borrow(Py_NotImplemented);
        return nb::bool_(t.table->Equals(*ToTable(other)));
      }, nb::arg("other").none())
      .def_prop_ro("nbytes", [](const PyTable& t) { return t.table->nbytes(); })
      .def("get_total_buffer_size", [](const PyTable& t) { return t.table->nbytes(); })
      .def("validate", [](const PyTable& t, bool full) {
        nb::gil_scoped_release release;
        Check(full ? t.table->ValidateFull() : t.table->Validate());
      }, nb::kw_only(), nb::arg("full") = false)
      .def("to_pydict", [](const PyTable& t) {
        nb::dict out;
        for (int i = 0; i < t.table->num_columns(); ++i) {
          nb::list values;
          for (const auto& chunk : t.table->column(i)->chunks()) {
            for (int64_t j = 0; j < chunk->length(); ++j) values.append(ArrayValueToPy(*chunk, j));
          }
          out[nb::str(t.table->schema()->field(i)->name().c_str())] = values;
        }
        return out;
      })
      .def("to_pylist", [](const PyTable& t) {
        std::vector<std::vector<ArrayPtr>> columns;
        for (const auto& c : t.table->columns()) columns.push_back(c->chunks());
        return RowsToPylist(*t.table->schema(), columns, t.table->num_rows());
      })
      .def("to_string", [](const PyTable& t) { return t.table->ToString(); })
      .def("__str__", [](const PyTable& t) { return t.table->ToString(); })
      .def("__repr__", [](const PyTable& t) { return t.table->ToString(); })
      .def_static("from_batches", [](nb::handle batches, nb::handle schema) {
        RecordBatchVector vec;
        for (nb::handle b : batches) vec.push_back(ToRecordBatch(b));
        SchemaPtr s = schema.is_none() ? nullptr : ToSchema(schema);
        if (vec.empty() && !s) ThrowStatus(Status::Invalid("Must pass schema, or at least one RecordBatch"));
        return WrapTable(Unwrap(Table::FromRecordBatches(s, vec)));
      }, nb::arg("batches"), nb::arg("schema") = nb::none());

  m.def("_table_from_columns", [](nb::handle columns, nb::handle schema_obj) {
    const SchemaPtr& schema = ToSchema(schema_obj);
    ChunkedArrayVector vec;
    for (nb::handle c : columns) {
      if (IsArray(c)) {
        const auto& a = ToArray(c);
        vec.push_back(std::make_shared<ChunkedArray>(ArrayVector{a}, a->type()));
      } else {
        vec.push_back(ToChunkedArray(c));
      }
    }
    if (static_cast<int>(vec.size()) != schema->num_fields()) {
      ThrowStatus(Status::Invalid("Schema and number of arrays unequal: ", schema->num_fields(), " fields but ",
                                  vec.size(), " arrays"));
    }
    for (size_t i = 0; i < vec.size(); ++i) {
      if (!vec[i]->type()->Equals(*schema->field(static_cast<int>(i))->type())) {
        ThrowStatus(Status::TypeError("column ", i, " ('", schema->field(static_cast<int>(i))->name(), "') has type ",
                                      vec[i]->type()->ToString(), " but its schema field has type ",
                                      schema->field(static_cast<int>(i))->type()->ToString()));
      }
    }
    auto table = Table::Make(schema, std::move(vec));
    Check(table->Validate());
    return WrapTable(table);
  }, nb::arg("columns"), nb::arg("schema"));

  m.def("concat_tables", [](nb::handle tables) {
    std::vector<TablePtr> vec;
    for (nb::handle t : tables) vec.push_back(ToTable(t));
    return WrapTable(Unwrap(ConcatenateTables(vec)));
  }, nb::arg("tables"), "The tables' rows one after the other (no copy of column data).");

  // --- RecordBatchReader
  nb::class_<PyRecordBatchReader>(m, "RecordBatchReader", "A stream of record batches of one schema.")
      .def_prop_ro("schema", [](const PyRecordBatchReader& r) { return WrapSchema(r.reader->schema()); })
      .def("read_next_batch", [](const PyRecordBatchReader& r) {
        auto batch = ReadNextBatch(*r.reader);
        if (!batch) throw nb::stop_iteration();
        return WrapRecordBatch(batch);
      }, "The next batch; StopIteration at the end of the stream.")
      .def("__iter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__next__", [](const PyRecordBatchReader& r) {
        auto batch = ReadNextBatch(*r.reader);
        if (!batch) throw nb::stop_iteration();
        return WrapRecordBatch(batch);
      })
      .def("read_all", [](const PyRecordBatchReader& r) {
        TablePtr table;
        {
          nb::gil_scoped_release release;
          table = Unwrap(Table::FromRecordBatchReader(r.reader.get()));
        }
        return WrapTable(table);
      }, "Every remaining batch, as a Table.")
      .def("close", [](const PyRecordBatchReader& r) { Check(r.reader->Close()); })
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__exit__", [](const PyRecordBatchReader& r, nb::args) { Check(r.reader->Close()); })
      .def_static("from_batches", [](nb::handle schema, nb::handle batches) {
        nb::object iterator = nb::steal(CheckPy(PyObject_GetIter(batches.ptr())));
        return WrapReader(std::make_shared<PyIteratorReader>(ToSchema(schema), iterator.release().ptr()));
      }, nb::arg("schema"), nb::arg("batches"), "A reader over an iterable of RecordBatch (pulled lazily).");
}

}  // namespace quiver::py
