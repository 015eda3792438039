// Files and streams: quiver.NativeFile and its kinds (BufferOutputStream,
// BufferReader, OSFile, MemoryMappedFile, PythonFile), and the adapters that let
// the IPC readers and writers use any of them, a path, bytes or a Python file
// object.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include "common.h"
#include "io_internal.h"
#include "quiver/io.h"
#include "reader_internal.h"

namespace quiver::py {
namespace {

/// Writes to a Python object's write() (taking the GIL for each call).
class PyOutputStream final : public io::OutputStream {
 public:
  explicit PyOutputStream(nb::handle file) : file_(nb::borrow(file).release().ptr()) {}

  Status Write(const void* data, int64_t nbytes) override {
    if (closed_) return Status::IOError("write to a closed Python file");
    if (!PythonIsAlive()) return Status::IOError("the Python interpreter is finalizing");
    nb::gil_scoped_acquire gil;
    PyObject* bytes = PyBytes_FromStringAndSize(static_cast<const char*>(data), static_cast<Py_ssize_t>(nbytes));
    if (bytes == nullptr) return StatusFromPyError();
    PyObject* result = PyObject_CallMethod(file_.get(), "write", "O", bytes);
    Py_DECREF(bytes);
    if (result == nullptr) return StatusFromPyError();
    Py_DECREF(result);
    position_ += nbytes;
    return Status::OK();
  }
  using io::OutputStream::Write;
  Result<int64_t> Tell() const override { return position_; }
  Status Flush() override {
    if (closed_ || !PythonIsAlive()) return Status::OK();
    nb::gil_scoped_acquire gil;
    if (!PyObject_HasAttrString(file_.get(), "flush")) return Status::OK();
    PyObject* result = PyObject_CallMethod(file_.get(), "flush", nullptr);
    if (result == nullptr) return StatusFromPyError();
    Py_DECREF(result);
    return Status::OK();
  }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    if (!PythonIsAlive()) return Status::OK();
    nb::gil_scoped_acquire gil;
    PyObject* result = PyObject_CallMethod(file_.get(), "close", nullptr);
    if (result == nullptr) return StatusFromPyError();
    Py_DECREF(result);
    return Status::OK();
  }
  bool closed() const override { return closed_; }

 private:
  PyObjectHolder file_;
  int64_t position_ = 0;
  bool closed_ = false;
};

/// Reads from a Python object's read()/seek()/tell() (taking the GIL for each call).
class PyInputStream final : public io::RandomAccessFile {
 public:
  explicit PyInputStream(nb::handle file) : file_(nb::borrow(file).release().ptr()) {}

  Result<std::shared_ptr<Buffer>> Read(int64_t nbytes) override {
    if (closed_) return Status::IOError("read from a closed Python file");
    if (!PythonIsAlive()) return Status::IOError("the Python interpreter is finalizing");
    nb::gil_scoped_acquire gil;
    PyObject* result = PyObject_CallMethod(file_.get(), "read", "L", static_cast<long long>(nbytes));
    if (result == nullptr) return StatusFromPyError();
    nb::object owned = nb::steal(result);
    if (!PyBytes_Check(result)) {
      return Status::TypeError("the Python file's read() returned ", Py_TYPE(result)->tp_name, " instead of bytes");
    }
    std::string_view bytes(PyBytes_AS_STRING(result), static_cast<size_t>(PyBytes_GET_SIZE(result)));
    if (static_cast<int64_t>(bytes.size()) > nbytes) {
      return Status::IOError("the Python file's read(", nbytes, ") returned ", bytes.size(), " bytes");
    }
    return Buffer::CopyFrom(bytes);
  }
  Result<std::shared_ptr<Buffer>> ReadAt(int64_t position, int64_t nbytes) override {
    QUIVER_RETURN_NOT_OK(Seek(position));
    return Read(nbytes);
  }
  Result<int64_t> Tell() const override {
    if (!PythonIsAlive()) return Status::IOError("the Python interpreter is finalizing");
    nb::gil_scoped_acquire gil;
    PyObject* result = PyObject_CallMethod(file_.get(), "tell", nullptr);
    if (result == nullptr) return StatusFromPyError();
    long long pos = PyLong_AsLongLong(result);
    Py_DECREF(result);
    if (pos == -1 && PyErr_Occurred()) return StatusFromPyError();
    return static_cast<int64_t>(pos);
  }
  Result<int64_t> GetSize() const override {
    if (!PythonIsAlive()) return Status::IOError("the Python interpreter is finalizing");
    nb::gil_scoped_acquire gil;
    PyObject* here = PyObject_CallMethod(file_.get(), "tell", nullptr);
    if (here == nullptr) return StatusFromPyError();
    nb::object here_owned = nb::steal(here);
    PyObject* end = PyObject_CallMethod(file_.get(), "seek", "ii", 0, 2);
    if (end == nullptr) return StatusFromPyError();
    long long size = PyLong_AsLongLong(end);
    Py_DECREF(end);
    PyObject* back = PyObject_CallMethod(file_.get(), "seek", "O", here);
    if (back == nullptr) return StatusFromPyError();
    Py_DECREF(back);
    if (size == -1 && PyErr_Occurred()) return StatusFromPyError();
    return static_cast<int64_t>(size);
  }
  Status Seek(int64_t position) override {
    if (!PythonIsAlive()) return Status::IOError("the Python interpreter is finalizing");
    nb::gil_scoped_acquire gil;
    PyObject* result = PyObject_CallMethod(file_.get(), "seek", "L", static_cast<long long>(position));
    if (result == nullptr) return StatusFromPyError();
    Py_DECREF(result);
    return Status::OK();
  }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    if (!PythonIsAlive()) return Status::OK();
    nb::gil_scoped_acquire gil;
    PyObject* result = PyObject_CallMethod(file_.get(), "close", nullptr);
    if (result == nullptr) return StatusFromPyError();
    Py_DECREF(result);
    return Status::OK();
  }
  bool closed() const override { return closed_; }

 private:
  PyObjectHolder file_;
  bool closed_ = false;
};

std::string PathOf(nb::handle obj) {
  nb::object fspath = nb::module_::import_("os").attr("fspath");
  return nb::cast<std::string>(fspath(obj));
}

bool IsPathLike(nb::handle obj) {
  return PyUnicode_Check(obj.ptr()) || nb::hasattr(obj, "__fspath__");
}

PyNativeFile& NativeOf(nb::handle obj) { return nb::cast<PyNativeFile&>(obj); }

std::shared_ptr<io::InputStream> Readable(const PyNativeFile& f) {
  if (f.random) return f.random;
  if (f.input) return f.input;
  ThrowStatus(Status::IOError("file is not readable"));
}

template <typename Fn>
auto WithoutGil(Fn&& fn) {
  nb::gil_scoped_release release;
  return fn();
}

}  // namespace

std::shared_ptr<io::OutputStream> OutputStreamFrom(nb::handle sink) {
  if (nb::isinstance<PyNativeFile>(sink)) {
    auto& f = NativeOf(sink);
    if (!f.output) ThrowStatus(Status::IOError("file is not writable"));
    return f.output;
  }
  if (IsPathLike(sink)) return Unwrap(io::FileOutputStream::Open(PathOf(sink)));
  if (nb::hasattr(sink, "write")) return std::make_shared<PyOutputStream>(sink);
  throw nb::type_error(("expected a path, a quiver.NativeFile or a file object with write() but found " +
                        std::string(Py_TYPE(sink.ptr())->tp_name))
                           .c_str());
}

std::shared_ptr<io::RandomAccessFile> RandomAccessFrom(nb::handle source) {
  if (nb::isinstance<PyNativeFile>(source)) {
    auto& f = NativeOf(source);
    if (!f.random) ThrowStatus(Status::IOError("file does not support random access"));
    return f.random;
  }
  if (IsPathLike(source)) return Unwrap(io::ReadableFile::Open(PathOf(source)));
  if (PyObject_CheckBuffer(source.ptr())) return std::make_shared<io::BufferReader>(BufferFromPyObject(source));
  if (nb::hasattr(source, "read") && nb::hasattr(source, "seek")) return std::make_shared<PyInputStream>(source);
  throw nb::type_error(("expected a path, a buffer, a quiver.NativeFile or a seekable file object but found " +
                        std::string(Py_TYPE(source.ptr())->tp_name))
                           .c_str());
}

std::shared_ptr<io::InputStream> InputStreamFrom(nb::handle source) {
  if (nb::isinstance<PyNativeFile>(source)) return Readable(NativeOf(source));
  if (IsPathLike(source) || PyObject_CheckBuffer(source.ptr())) return RandomAccessFrom(source);
  if (nb::hasattr(source, "read")) return std::make_shared<PyInputStream>(source);
  throw nb::type_error(("expected a path, a buffer, a quiver.NativeFile or a file object with read() but found " +
                        std::string(Py_TYPE(source.ptr())->tp_name))
                           .c_str());
}

void InitIo(nb::module_& m) {
  nb::class_<PyNativeFile>(m, "NativeFile", "A file or stream implemented in C++.")
      .def("read", [](const PyNativeFile& f, std::optional<int64_t> nbytes) {
        auto in = Readable(f);
        int64_t n = nbytes.value_or(-1);
        std::shared_ptr<Buffer> buffer = WithoutGil([&] {
          if (n < 0) {
            if (f.random) {
              int64_t size = Unwrap(f.random->GetSize()), pos = Unwrap(f.random->Tell());
              return Unwrap(in->Read(size - pos));
            }
            // read to the end
            std::string all;
            while (true) {
              auto chunk = Unwrap(in->Read(1 << 16));
              if (chunk->size() == 0) break;
              all.append(chunk->view());
            }
            return Buffer::FromString(std::move(all));
          }
          return Unwrap(in->Read(n));
        });
        return nb::bytes(reinterpret_cast<const char*>(buffer->data()), static_cast<size_t>(buffer->size()));
      }, nb::arg("nbytes") = nb::none())
      .def("read_buffer", [](const PyNativeFile& f, std::optional<int64_t> nbytes) {
        auto in = Readable(f);
        std::shared_ptr<Buffer> buffer = WithoutGil([&] {
          int64_t n = nbytes.value_or(-1);
          if (n < 0) {
            if (!f.random) ThrowStatus(Status::Invalid("read_buffer() without a size needs a random-access file"));
            n = Unwrap(f.random->GetSize()) - Unwrap(f.random->Tell());
          }
          return Unwrap(in->Read(n));
        });
        return PyBuffer{std::move(buffer)};
      }, nb::arg("nbytes") = nb::none())
      .def("write", [](const PyNativeFile& f, nb::handle data) {
        if (!f.output) ThrowStatus(Status::IOError("file is not writable"));
        auto buffer = BufferFromPyObject(data);
        WithoutGil([&] { Check(f.output->Write(buffer)); });
        return buffer->size();
      }, nb::arg("data"))
      .def("tell", [](const PyNativeFile& f) {
        if (f.output) return Unwrap(f.output->Tell());
        return Unwrap(Readable(f)->Tell());
      })
      .def("seek", [](const PyNativeFile& f, int64_t position, int whence) {
        if (!f.random) ThrowStatus(Status::IOError("file is not seekable"));
        int64_t target = position;
        if (whence == 1) target += Unwrap(f.random->Tell());
        else if (whence == 2) target += Unwrap(f.random->GetSize());
        Check(f.random->Seek(target));
        return target;
      }, nb::arg("position"), nb::arg("whence") = 0)
      .def("size", [](const PyNativeFile& f) {
        if (!f.random) ThrowStatus(Status::IOError("file size is unknown for a stream"));
        return Unwrap(f.random->GetSize());
      })
      .def("readable", [](const PyNativeFile& f) { return f.input != nullptr || f.random != nullptr; })
      .def("writable", [](const PyNativeFile& f) { return f.output != nullptr; })
      .def("seekable", [](const PyNativeFile& f) { return f.random != nullptr; })
      .def_prop_ro("closed", [](const PyNativeFile& f) {
        if (f.output) return f.output->closed();
        if (f.random) return f.random->closed();
        if (f.input) return f.input->closed();
        return true;
      })
      .def_prop_ro("mode", [](const PyNativeFile& f) { return f.output ? "wb" : "rb"; })
      .def("flush", [](const PyNativeFile& f) {
        if (f.output) Check(f.output->Flush());
      })
      .def("close", [](const PyNativeFile& f) {
        if (f.output && !f.output->closed()) Check(f.output->Close());
        if (f.random && !f.random->closed()) Check(f.random->Close());
        if (f.input && !f.input->closed()) Check(f.input->Close());
      })
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__exit__", [](nb::handle self, nb::args) { self.attr("close")(); });

  nb::class_<NativeFileOf<0>, PyNativeFile>(m, "BufferOutputStream",
                                            "An in-memory output stream; getvalue() returns the bytes as a Buffer.")
      .def("__init__", [](NativeFileOf<0>* self) {
        new (self) NativeFileOf<0>();
        self->buffer_output = Unwrap(io::BufferOutputStream::Create());
        self->output = self->buffer_output;
      })
      .def("getvalue", [](PyNativeFile& f) {
        if (!f.buffer_output || f.buffer_output->closed()) ThrowStatus(Status::Invalid("the stream was already finished"));
        return PyBuffer{Unwrap(f.buffer_output->Finish())};
      }, "Finishes the stream and returns everything written (no copy).");

  nb::class_<NativeFileOf<1>, PyNativeFile>(m, "BufferReader", "Zero-copy reads from a buffer or bytes object.")
      .def("__init__", [](NativeFileOf<1>* self, nb::handle obj) {
        new (self) NativeFileOf<1>();
        self->random = std::make_shared<io::BufferReader>(BufferFromPyObject(obj));
      }, nb::arg("obj"));

  nb::class_<NativeFileOf<2>, PyNativeFile>(m, "OSFile", "A file on disk, opened for reading ('r') or writing ('w', 'a').")
      .def("__init__", [](NativeFileOf<2>* self, nb::handle path, const std::string& mode) {
        std::string p = PathOf(path);
        new (self) NativeFileOf<2>();
        if (mode == "r" || mode == "rb") self->random = Unwrap(io::ReadableFile::Open(p));
        else if (mode == "w" || mode == "wb") self->output = Unwrap(io::FileOutputStream::Open(p));
        else if (mode == "a" || mode == "ab") self->output = Unwrap(io::FileOutputStream::Open(p, /*append=*/true));
        else throw nb::value_error(("Invalid file mode: expected 'r', 'w' or 'a' but found '" + mode + "'").c_str());
      }, nb::arg("path"), nb::arg("mode") = "r");

  nb::class_<NativeFileOf<3>, PyNativeFile>(m, "MemoryMappedFile", "A file mapped read-only into memory; reads are zero-copy.");
  m.def("memory_map", [](nb::handle path, const std::string& mode) {
    if (mode != "r" && mode != "rb") throw nb::value_error("only read-only memory maps ('r') are supported");
    NativeFileOf<3> f;
    f.random = Unwrap(io::MemoryMappedFile::Open(PathOf(path)));
    return f;
  }, nb::arg("path"), nb::arg("mode") = "r");

  nb::class_<NativeFileOf<4>, PyNativeFile>(m, "PythonFile", "A Python file object seen as a NativeFile.")
      .def("__init__", [](NativeFileOf<4>* self, nb::handle handle, std::optional<std::string> mode) {
        new (self) NativeFileOf<4>();
        bool write = mode ? (mode->find('w') != std::string::npos || mode->find('a') != std::string::npos)
                          : !nb::hasattr(handle, "read");
        if (write) self->output = std::make_shared<PyOutputStream>(handle);
        else self->random = std::make_shared<PyInputStream>(handle);
      }, nb::arg("handle"), nb::arg("mode") = nb::none());
}

}  // namespace quiver::py
