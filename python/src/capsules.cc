// The Arrow PyCapsule interface, both ways.
//
// Export: __arrow_c_schema__ on DataType/Field/Schema, __arrow_c_array__ on
// Array/RecordBatch, __arrow_c_stream__ on RecordBatch/Table/ChunkedArray/
// RecordBatchReader. Each capsule owns a heap-allocated C struct filled by the
// C Data bridge (zero-copy: the struct points at Quiver's buffers); the
// capsule's destructor releases the struct unless a consumer moved it out.
//
// Import (_*_from_capsule): the bridge takes the struct over and marks it
// released, so the producer's capsule destructor only frees the memory of the
// struct itself. Imported buffers point at the producer's memory.
//
// A ChunkedArray is exported as a stream of plain arrays of its type (not
// struct batches), which the bridge's record-batch stream does not cover, so
// that stream and its import are implemented here.
#include <cerrno>
#include <cstring>

#include "common.h"
#include "quiver/c/bridge.h"
#include "reader_internal.h"

namespace quiver::py {
namespace {

constexpr const char* kSchemaName = "arrow_schema";
constexpr const char* kArrayName = "arrow_array";
constexpr const char* kStreamName = "arrow_array_stream";

template <typename CStruct>
void CapsuleDestructor(PyObject* capsule) {
  auto* c_struct = static_cast<CStruct*>(PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule)));
  if (c_struct == nullptr) {
    PyErr_Clear();
    return;
  }
  if (c_struct->release != nullptr) c_struct->release(c_struct);
  delete c_struct;
}

template <typename CStruct>
nb::object MakeCapsule(UniqueCStruct<CStruct>& holder, const char* name) {
  auto* c_struct = new CStruct{};
  holder.MoveTo(c_struct);
  PyObject* capsule = PyCapsule_New(c_struct, name, &CapsuleDestructor<CStruct>);
  if (capsule == nullptr) {
    c_struct->release(c_struct);
    delete c_struct;
    throw nb::python_error();
  }
  return nb::steal(capsule);
}

template <typename CStruct>
CStruct* CapsulePointer(nb::handle capsule, const char* name) {
  if (!PyCapsule_CheckExact(capsule.ptr())) {
    throw nb::type_error((std::string("expected a PyCapsule named '") + name + "' but found " +
                          Py_TYPE(capsule.ptr())->tp_name)
                             .c_str());
  }
  auto* pointer = static_cast<CStruct*>(PyCapsule_GetPointer(capsule.ptr(), name));
  if (pointer == nullptr) throw nb::python_error();
  return pointer;
}

nb::object SchemaCapsuleOfType(const DataType& type) {
  UniqueArrowSchema schema;
  Check(ExportType(type, schema.get()));
  return MakeCapsule(schema, kSchemaName);
}

void CheckRequestedSchema(nb::handle requested) {
  // The producer may honour a requested schema; Quiver does not cast, so it
  // exports its own and lets the consumer decide (as the protocol allows).
  (void)requested;
}

nb::object ReaderStreamCapsule(std::shared_ptr<RecordBatchReader> reader) {
  UniqueArrowArrayStream stream;
  Check(ExportRecordBatchReader(std::move(reader), stream.get()));
  return MakeCapsule(stream, kStreamName);
}

// --- A ChunkedArray as a stream of arrays

struct ChunkedStreamState {
  ChunkedArrayPtr chunked;
  int next = 0;
  std::string last_error;
};

int ErrnoFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::Invalid:
    case StatusCode::TypeError:
      return EINVAL;
    case StatusCode::OutOfMemory:
      return ENOMEM;
    case StatusCode::NotImplemented:
      return ENOSYS;
    case StatusCode::Cancelled:
      return ECANCELED;
    default:
      return EIO;
  }
}

int ChunkedGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* state = static_cast<ChunkedStreamState*>(stream->private_data);
  Status st = ExportType(*state->chunked->type(), out);
  if (!st.ok()) {
    state->last_error = st.ToString();
    return ErrnoFor(st);
  }
  return 0;
}

int ChunkedGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* state = static_cast<ChunkedStreamState*>(stream->private_data);
  if (state->next >= state->chunked->num_chunks()) {
    std::memset(out, 0, sizeof(*out));  // release == NULL marks the end
    return 0;
  }
  Status st = ExportArray(*state->chunked->chunk(state->next), out);
  if (!st.ok()) {
    state->last_error = st.ToString();
    return ErrnoFor(st);
  }
  ++state->next;
  return 0;
}

const char* ChunkedGetLastError(ArrowArrayStream* stream) {
  auto* state = static_cast<ChunkedStreamState*>(stream->private_data);
  return state->last_error.empty() ? nullptr : state->last_error.c_str();
}

void ChunkedRelease(ArrowArrayStream* stream) {
  delete static_cast<ChunkedStreamState*>(stream->private_data);
  stream->private_data = nullptr;
  stream->release = nullptr;
}

nb::object ChunkedStreamCapsule(const ChunkedArrayPtr& chunked) {
  UniqueArrowArrayStream stream;
  stream->get_schema = &ChunkedGetSchema;
  stream->get_next = &ChunkedGetNext;
  stream->get_last_error = &ChunkedGetLastError;
  stream->private_data = new ChunkedStreamState{chunked, 0, {}};
  stream->release = &ChunkedRelease;
  return MakeCapsule(stream, kStreamName);
}

Status StreamError(ArrowArrayStream* stream, int code, const char* what) {
  const char* message = stream->get_last_error ? stream->get_last_error(stream) : nullptr;
  std::string text = std::string(what) + " failed with errno " + std::to_string(code) + (message ? std::string(": ") + message : "");
  switch (code) {
    case EINVAL: return Status::Invalid(text);
    case ENOMEM: return Status::OutOfMemory(text);
    case ENOSYS: return Status::NotImplemented(text);
    case ECANCELED: return Status::Cancelled(text);
    default: return Status::IOError(text);
  }
}

/// Reads a stream of plain arrays (any type) into a ChunkedArray.
Result<ChunkedArrayPtr> ImportChunkedStream(ArrowArrayStream* source) {
  if (source->release == nullptr) return Status::Invalid("the ArrowArrayStream is already released");
  UniqueArrowArrayStream stream(source);
  UniqueArrowSchema c_schema;
  int rc = stream->get_schema(stream.get(), c_schema.get());
  if (rc != 0) return StreamError(stream.get(), rc, "get_schema");
  QUIVER_ASSIGN_OR_RAISE(FieldPtr f, ImportField(c_schema.get()));
  ArrayVector chunks;
  while (true) {
    UniqueArrowArray c_array;
    rc = stream->get_next(stream.get(), c_array.get());
    if (rc != 0) return StreamError(stream.get(), rc, "get_next");
    if (c_array.is_released()) break;
    QUIVER_ASSIGN_OR_RAISE(ArrayPtr chunk, ImportArray(c_array.get(), f->type()));
    chunks.push_back(std::move(chunk));
  }
  return std::make_shared<ChunkedArray>(std::move(chunks), f->type());
}

nb::object Method(const char* name, auto&& fn) {
  return nb::cpp_function(std::forward<decltype(fn)>(fn), nb::is_method(), nb::name(name));
}

void AddMethod(nb::handle cls, const char* name, nb::object fn) { nb::setattr(cls, name, fn); }

}  // namespace

void InitCapsules(nb::module_& m) {
  // --- export
  AddMethod(nb::type<PyDataType>(), "__arrow_c_schema__", Method("__arrow_c_schema__", [](const PyDataType& t) {
    return SchemaCapsuleOfType(*t.type);
  }));
  AddMethod(nb::type<PyField>(), "__arrow_c_schema__", Method("__arrow_c_schema__", [](const PyField& f) {
    UniqueArrowSchema schema;
    Check(ExportField(*f.field, schema.get()));
    return MakeCapsule(schema, kSchemaName);
  }));
  AddMethod(nb::type<PySchema>(), "__arrow_c_schema__", Method("__arrow_c_schema__", [](const PySchema& s) {
    UniqueArrowSchema schema;
    Check(ExportSchema(*s.schema, schema.get()));
    return MakeCapsule(schema, kSchemaName);
  }));
  AddMethod(nb::type<PyArray>(), "__arrow_c_array__",
            nb::cpp_function([](const PyArray& a, nb::handle requested_schema) {
              CheckRequestedSchema(requested_schema);
              UniqueArrowArray array;
              UniqueArrowSchema schema;
              Check(ExportArray(*a.array, array.get(), schema.get()));
              nb::object schema_capsule = MakeCapsule(schema, kSchemaName);
              return nb::make_tuple(schema_capsule, MakeCapsule(array, kArrayName));
            }, nb::is_method(), nb::name("__arrow_c_array__"), nb::arg("requested_schema") = nb::none()));
  AddMethod(nb::type<PyRecordBatch>(), "__arrow_c_array__",
            nb::cpp_function([](const PyRecordBatch& b, nb::handle requested_schema) {
              CheckRequestedSchema(requested_schema);
              UniqueArrowArray array;
              UniqueArrowSchema schema;
              Check(ExportRecordBatch(*b.batch, array.get(), schema.get()));
              nb::object schema_capsule = MakeCapsule(schema, kSchemaName);
              return nb::make_tuple(schema_capsule, MakeCapsule(array, kArrayName));
            }, nb::is_method(), nb::name("__arrow_c_array__"), nb::arg("requested_schema") = nb::none()));
  AddMethod(nb::type<PyRecordBatch>(), "__arrow_c_stream__",
            nb::cpp_function([](const PyRecordBatch& b, nb::handle requested_schema) {
              CheckRequestedSchema(requested_schema);
              return ReaderStreamCapsule(Unwrap(RecordBatchReader::Make({b.batch}, b.batch->schema())));
            }, nb::is_method(), nb::name("__arrow_c_stream__"), nb::arg("requested_schema") = nb::none()));
  AddMethod(nb::type<PyTable>(), "__arrow_c_stream__",
            nb::cpp_function([](const PyTable& t, nb::handle requested_schema) {
              CheckRequestedSchema(requested_schema);
              return ReaderStreamCapsule(Unwrap(TableReader::Make(t.table)));
            }, nb::is_method(), nb::name("__arrow_c_stream__"), nb::arg("requested_schema") = nb::none()));
  AddMethod(nb::type<PyChunkedArray>(), "__arrow_c_stream__",
            nb::cpp_function([](const PyChunkedArray& c, nb::handle requested_schema) {
              CheckRequestedSchema(requested_schema);
              return ChunkedStreamCapsule(c.chunked);
            }, nb::is_method(), nb::name("__arrow_c_stream__"), nb::arg("requested_schema") = nb::none()));
  AddMethod(nb::type<PyRecordBatchReader>(), "__arrow_c_stream__",
            nb::cpp_function([](PyRecordBatchReader& r, nb::handle requested_schema) {
              CheckRequestedSchema(requested_schema);
              // The stream takes the reader over; this object is left at its end.
              auto reader = r.reader;
              auto empty = Unwrap(RecordBatchReader::Make({}, reader->schema()));
              r.reader = empty;
              return ReaderStreamCapsule(std::move(reader));
            }, nb::is_method(), nb::name("__arrow_c_stream__"), nb::arg("requested_schema") = nb::none()));

  // --- import
  m.def("_type_from_capsule", [](nb::handle capsule) {
    return WrapType(Unwrap(ImportType(CapsulePointer<ArrowSchema>(capsule, kSchemaName))));
  });
  m.def("_field_from_capsule", [](nb::handle capsule) {
    return WrapField(Unwrap(ImportField(CapsulePointer<ArrowSchema>(capsule, kSchemaName))));
  });
  m.def("_schema_from_capsule", [](nb::handle capsule) {
    return WrapSchema(Unwrap(ImportSchema(CapsulePointer<ArrowSchema>(capsule, kSchemaName))));
  });
  m.def("_array_from_capsules", [](nb::handle schema_capsule, nb::handle array_capsule) {
    auto* schema = CapsulePointer<ArrowSchema>(schema_capsule, kSchemaName);
    auto* array = CapsulePointer<ArrowArray>(array_capsule, kArrayName);
    return WrapArray(Unwrap(ImportArray(array, schema)));
  });
  m.def("_batch_from_capsules", [](nb::handle schema_capsule, nb::handle array_capsule) {
    auto* schema = CapsulePointer<ArrowSchema>(schema_capsule, kSchemaName);
    auto* array = CapsulePointer<ArrowArray>(array_capsule, kArrayName);
    return WrapRecordBatch(Unwrap(ImportRecordBatch(array, schema)));
  });
  m.def("_reader_from_capsule", [](nb::handle capsule) {
    auto* stream = CapsulePointer<ArrowArrayStream>(capsule, kStreamName);
    std::shared_ptr<RecordBatchReader> reader;
    {
      nb::gil_scoped_release release;
      reader = Unwrap(ImportRecordBatchReader(stream));
    }
    return WrapReader(std::move(reader));
  });
  m.def("_chunked_from_capsule", [](nb::handle capsule) {
    auto* stream = CapsulePointer<ArrowArrayStream>(capsule, kStreamName);
    ChunkedArrayPtr chunked;
    {
      nb::gil_scoped_release release;
      chunked = Unwrap(ImportChunkedStream(stream));
    }
    return WrapChunkedArray(std::move(chunked));
  });
  m.def("_table_from_capsule", [](nb::handle capsule) {
    auto* stream = CapsulePointer<ArrowArrayStream>(capsule, kStreamName);
    TablePtr table;
    {
      nb::gil_scoped_release release;
      auto reader = Unwrap(ImportRecordBatchReader(stream));
      table = Unwrap(Table::FromRecordBatchReader(reader.get()));
    }
    return WrapTable(std::move(table));
  });
}

}  // namespace quiver::py
