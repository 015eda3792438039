// Arrow IPC from Python: stream and file writers and readers (quiver.ipc wraps
// these with pyarrow's new_stream/open_stream/new_file/open_file), options,
// and single-message helpers (read_schema, read_record_batch). The GIL is
// released for all reading and writing; Python file objects take it back for
// each call they make.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include "common.h"
#include "io_internal.h"
#include "quiver/ipc/reader.h"
#include "quiver/ipc/writer.h"

namespace quiver::py {
namespace {

struct PyWriteOptions {
  ipc::IpcWriteOptions options;
};
struct PyReadOptions {
  ipc::IpcReadOptions options;
};

/// RecordBatchStreamWriter / RecordBatchFileWriter.
struct PyWriter {
  std::shared_ptr<io::OutputStream> sink;
  std::unique_ptr<ipc::RecordBatchWriter> writer;
  SchemaPtr schema;
  bool owns_sink = false;
  bool closed = false;
};
template <int kKind>
struct WriterOf : PyWriter {};

struct PyStreamReader : PyRecordBatchReader {
  std::shared_ptr<ipc::RecordBatchStreamReader> stream_reader;
};

struct PyFileReader {
  std::shared_ptr<ipc::RecordBatchFileReader> reader;
};

}  // namespace

ipc::IpcWriteOptions WriteOptionsFrom(nb::handle options) {
  if (options.is_none()) return {};
  if (!nb::isinstance<PyWriteOptions>(options)) {
    throw nb::type_error(("expected quiver.ipc.IpcWriteOptions but found " +
                          std::string(Py_TYPE(options.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyWriteOptions&>(options).options;
}

ipc::IpcReadOptions ReadOptionsFrom(nb::handle options) {
  if (options.is_none()) return {};
  if (!nb::isinstance<PyReadOptions>(options)) {
    throw nb::type_error(("expected quiver.ipc.IpcReadOptions but found " +
                          std::string(Py_TYPE(options.ptr())->tp_name)).c_str());
  }
  return nb::cast<PyReadOptions&>(options).options;
}

namespace {

void OpenWriter(PyWriter* w, nb::handle sink, nb::handle schema, nb::handle options, bool file_format,
                nb::handle metadata) {
  w->owns_sink = PyUnicode_Check(sink.ptr()) || nb::hasattr(sink, "__fspath__");
  w->sink = OutputStreamFrom(sink);
  w->schema = ToSchema(schema);
  auto opts = WriteOptionsFrom(options);
  MetadataPtr footer = ToMetadata(metadata);
  nb::gil_scoped_release release;
  if (file_format) {
    w->writer = Unwrap(ipc::MakeFileWriter(w->sink, w->schema, opts, footer));
  } else {
    w->writer = Unwrap(ipc::MakeStreamWriter(w->sink, w->schema, opts));
  }
}

void CheckOpen(const PyWriter& w) {
  if (w.closed || !w.writer) ThrowStatus(Status::Invalid("the writer is closed"));
}

void WriteBatch(PyWriter& w, const RecordBatchPtr& batch, const MetadataPtr& custom_metadata) {
  CheckOpen(w);
  nb::gil_scoped_release release;
  if (custom_metadata) Check(w.writer->WriteRecordBatch(*batch, custom_metadata));
  else Check(w.writer->WriteRecordBatch(*batch));
}

void WriteTable(PyWriter& w, const TablePtr& table, int64_t max_chunksize) {
  CheckOpen(w);
  nb::gil_scoped_release release;
  Check(w.writer->WriteTable(*table, max_chunksize));
}

void CloseWriter(PyWriter& w) {
  if (w.closed) return;
  w.closed = true;
  nb::gil_scoped_release release;
  Check(w.writer->Close());
  if (w.owns_sink) Check(w.sink->Close());
  else Check(w.sink->Flush());
}

template <typename Class>
void BindWriter(Class& cls) {
  cls.def("write_batch", [](PyWriter& w, nb::handle batch, nb::handle custom_metadata) {
       WriteBatch(w, ToRecordBatch(batch), ToMetadata(custom_metadata));
     }, nb::arg("batch"), nb::arg("custom_metadata") = nb::none())
      .def("write_table", [](PyWriter& w, nb::handle table, std::optional<int64_t> max_chunksize) {
        WriteTable(w, ToTable(table), max_chunksize.value_or(-1));
      }, nb::arg("table"), nb::arg("max_chunksize") = nb::none())
      .def("write", [](PyWriter& w, nb::handle obj) {
        if (IsRecordBatch(obj)) WriteBatch(w, ToRecordBatch(obj), nullptr);
        else if (IsTable(obj)) WriteTable(w, ToTable(obj), -1);
        else throw nb::type_error("write expects a quiver.RecordBatch or quiver.Table");
      }, nb::arg("table_or_batch"))
      .def("close", &CloseWriter)
      .def_prop_ro("schema", [](const PyWriter& w) { return WrapSchema(w.schema); })
      .def_prop_ro("stats", [](const PyWriter& w) {
        CheckOpen(w);
        auto s = w.writer->stats();
        nb::dict out;
        out["num_messages"] = s.num_messages;
        out["num_record_batches"] = s.num_record_batches;
        out["num_dictionary_batches"] = s.num_dictionary_batches;
        out["num_dictionary_deltas"] = s.num_dictionary_deltas;
        out["num_replaced_dictionaries"] = s.num_replaced_dictionaries;
        out["total_raw_body_size"] = s.total_raw_body_size;
        out["total_serialized_body_size"] = s.total_serialized_body_size;
        return out;
      })
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__exit__", [](PyWriter& w, nb::args) { CloseWriter(w); });
}

}  // namespace

void InitIpc(nb::module_& m) {
  nb::class_<PyWriteOptions>(m, "IpcWriteOptions", "Options for writing IPC streams and files.")
      .def("__init__", [](PyWriteOptions* self, nb::handle metadata_version, bool allow_64bit,
                          bool use_legacy_format, nb::handle compression, bool use_threads,
                          bool emit_dictionary_deltas) {
        new (self) PyWriteOptions();
        (void)allow_64bit;
        (void)use_threads;
        auto& o = self->options;
        if (!metadata_version.is_none()) {
          auto v = nb::cast<std::string>(nb::str(metadata_version));
          if (v == "V4" || v == "MetadataVersion.V4") o.metadata_version = ipc::MetadataVersion::V4;
          else if (v == "V5" || v == "MetadataVersion.V5") o.metadata_version = ipc::MetadataVersion::V5;
          else throw nb::value_error(("metadata_version must be 'V4' or 'V5' but found '" + v + "'").c_str());
        }
        o.write_legacy_ipc_format = use_legacy_format;
        if (!compression.is_none()) {
          auto name = nb::cast<std::string>(compression);
          if (name == "lz4") name = "lz4_frame";
          o.compression = Unwrap(ipc::CompressionTypeFromName(name));
        }
        o.emit_dictionary_deltas = emit_dictionary_deltas;
      }, nb::kw_only(), nb::arg("metadata_version") = nb::none(), nb::arg("allow_64bit") = false,
         nb::arg("use_legacy_format") = false, nb::arg("compression") = nb::none(), nb::arg("use_threads") = true,
         nb::arg("emit_dictionary_deltas") = false)
      .def_prop_ro("compression", [](const PyWriteOptions& o) -> nb::object {
        switch (o.options.compression) {
          case ipc::CompressionType::LZ4_FRAME: return nb::str("lz4");
          case ipc::CompressionType::ZSTD: return nb::str("zstd");
          default: return nb::none();
        }
      })
      .def_prop_ro("emit_dictionary_deltas", [](const PyWriteOptions& o) { return o.options.emit_dictionary_deltas; })
      .def_prop_ro("use_legacy_format", [](const PyWriteOptions& o) { return o.options.write_legacy_ipc_format; })
      .def_prop_ro("metadata_version", [](const PyWriteOptions& o) {
        return o.options.metadata_version == ipc::MetadataVersion::V4 ? "V4" : "V5";
      });

  nb::class_<PyReadOptions>(m, "IpcReadOptions", "Options for reading IPC streams and files.")
      .def("__init__", [](PyReadOptions* self, bool ensure_native_endian, bool use_threads, nb::handle included_fields,
                          bool validate) {
        new (self) PyReadOptions();
        (void)use_threads;
        if (!included_fields.is_none()) {
          ThrowStatus(Status::NotImplemented("IpcReadOptions(included_fields=...) is not supported"));
        }
        self->options.ensure_native_endian = ensure_native_endian;
        self->options.validate = validate;
      }, nb::kw_only(), nb::arg("ensure_native_endian") = true, nb::arg("use_threads") = true,
         nb::arg("included_fields") = nb::none(), nb::arg("validate") = true)
      .def_prop_ro("ensure_native_endian", [](const PyReadOptions& o) { return o.options.ensure_native_endian; })
      .def_prop_ro("validate", [](const PyReadOptions& o) { return o.options.validate; });

  nb::class_<PyWriter>(m, "_RecordBatchWriter");
  auto stream_writer = nb::class_<WriterOf<0>, PyWriter>(m, "RecordBatchStreamWriter",
                                                         "Writes the IPC stream format to a sink.");
  stream_writer.def("__init__", [](WriterOf<0>* self, nb::handle sink, nb::handle schema, nb::handle options) {
    new (self) WriterOf<0>();
    OpenWriter(self, sink, schema, options, false, nb::none());
  }, nb::arg("sink"), nb::arg("schema"), nb::kw_only(), nb::arg("options") = nb::none());
  BindWriter(stream_writer);
  auto file_writer = nb::class_<WriterOf<1>, PyWriter>(m, "RecordBatchFileWriter",
                                                       "Writes the IPC file format (random access) to a sink.");
  file_writer.def("__init__", [](WriterOf<1>* self, nb::handle sink, nb::handle schema, nb::handle options,
                                 nb::handle metadata) {
    new (self) WriterOf<1>();
    OpenWriter(self, sink, schema, options, true, metadata);
  }, nb::arg("sink"), nb::arg("schema"), nb::kw_only(), nb::arg("options") = nb::none(),
     nb::arg("metadata") = nb::none());
  BindWriter(file_writer);

  nb::class_<PyStreamReader, PyRecordBatchReader>(m, "RecordBatchStreamReader", "Reads the IPC stream format.")
      .def("__init__", [](PyStreamReader* self, nb::handle source, nb::handle options) {
        auto stream = InputStreamFrom(source);
        auto opts = ReadOptionsFrom(options);
        std::shared_ptr<ipc::RecordBatchStreamReader> reader;
        {
          nb::gil_scoped_release release;
          reader = Unwrap(ipc::RecordBatchStreamReader::Open(stream, opts));
        }
        new (self) PyStreamReader();
        self->reader = reader;
        self->stream_reader = reader;
      }, nb::arg("source"), nb::kw_only(), nb::arg("options") = nb::none())
      .def("read_next_batch_with_custom_metadata", [](PyStreamReader& r) {
        RecordBatchPtr batch;
        MetadataPtr metadata;
        {
          nb::gil_scoped_release release;
          Check(r.stream_reader->ReadNext(&batch, &metadata));
        }
        if (!batch) throw nb::stop_iteration();
        return nb::make_tuple(WrapRecordBatch(batch), FromMetadata(metadata));
      })
      .def_prop_ro("stats", [](const PyStreamReader& r) {
        auto s = r.stream_reader->stats();
        nb::dict out;
        out["num_messages"] = s.num_messages;
        out["num_record_batches"] = s.num_record_batches;
        out["num_dictionary_batches"] = s.num_dictionary_batches;
        out["num_dictionary_deltas"] = s.num_dictionary_deltas;
        out["num_replaced_dictionaries"] = s.num_replaced_dictionaries;
        return out;
      });

  nb::class_<PyFileReader>(m, "RecordBatchFileReader", "Random access to the batches of an IPC file.")
      .def("__init__", [](PyFileReader* self, nb::handle source, nb::handle footer_offset, nb::handle options) {
        if (!footer_offset.is_none()) ThrowStatus(Status::NotImplemented("footer_offset is not supported"));
        auto file = RandomAccessFrom(source);
        auto opts = ReadOptionsFrom(options);
        std::shared_ptr<ipc::RecordBatchFileReader> reader;
        {
          nb::gil_scoped_release release;
          reader = Unwrap(ipc::RecordBatchFileReader::Open(file, opts));
        }
        new (self) PyFileReader{reader};
      }, nb::arg("source"), nb::arg("footer_offset") = nb::none(), nb::kw_only(), nb::arg("options") = nb::none())
      .def_prop_ro("schema", [](const PyFileReader& r) { return WrapSchema(r.reader->schema()); })
      .def_prop_ro("num_record_batches", [](const PyFileReader& r) { return r.reader->num_record_batches(); })
      .def_prop_ro("metadata", [](const PyFileReader& r) { return FromMetadata(r.reader->metadata()); })
      .def("get_batch", [](const PyFileReader& r, int i) {
        if (i < 0 || i >= r.reader->num_record_batches()) {
          ThrowStatus(Status::IndexError("batch index ", i, " out of range: the file has ", r.reader->num_record_batches(), " batches"));
        }
        RecordBatchPtr batch;
        {
          nb::gil_scoped_release release;
          batch = Unwrap(r.reader->ReadRecordBatch(i));
        }
        return WrapRecordBatch(batch);
      }, nb::arg("i"))
      .def("get_record_batch", [](nb::handle self, int i) { return self.attr("get_batch")(i); }, nb::arg("i"))
      .def("read_all", [](const PyFileReader& r) {
        TablePtr table;
        {
          nb::gil_scoped_release release;
          table = Unwrap(r.reader->ReadTable());
        }
        return WrapTable(table);
      })
      .def("to_reader", [](const PyFileReader& r) { return WrapReader(Unwrap(r.reader->ToReader())); })
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__exit__", [](const PyFileReader&, nb::args) {});

  m.def("_read_schema", [](nb::handle obj) {
    if (nb::isinstance<PyNativeFile>(obj)) {
      // A schema message at the current position of a stream.
      auto stream = InputStreamFrom(obj);
      std::unique_ptr<ipc::Message> message;
      {
        nb::gil_scoped_release release;
        message = Unwrap(ipc::ReadMessage(stream.get()));
      }
      if (!message) ThrowStatus(Status::Invalid("expected a schema message but the stream ended"));
      return WrapSchema(Unwrap(ipc::DecodeSchema(*message)));
    }
    return WrapSchema(Unwrap(ipc::ReadSchema(BufferFromPyObject(obj))));
  }, nb::arg("obj"));
  m.def("_read_record_batch", [](nb::handle obj, nb::handle schema) {
    auto reader = std::make_shared<io::BufferReader>(BufferFromPyObject(obj));
    SchemaPtr batch_schema = ToSchema(schema);
    RecordBatchPtr batch;
    {
      nb::gil_scoped_release release;
      auto message = Unwrap(ipc::ReadMessage(reader.get()));
      if (!message) ThrowStatus(Status::Invalid("expected a record batch message but the buffer is empty"));
      ipc::MessageDecoder decoder;
      Check(decoder.SetSchema(batch_schema));
      auto decoded = Unwrap(decoder.Consume(*message));
      if (decoded.type != ipc::MessageType::RECORD_BATCH || !decoded.batch) {
        ThrowStatus(Status::Invalid("expected a record batch message but found ", ipc::MessageTypeName(decoded.type)));
      }
      batch = decoded.batch;
    }
    return WrapRecordBatch(batch);
  }, nb::arg("obj"), nb::arg("schema"));
}

}  // namespace quiver::py
