// quiver.Buffer: a read-only view of Quiver memory that speaks the Python
// buffer protocol, and the reverse direction, any buffer-protocol object seen
// as a Quiver Buffer without copying.
#include <cstdio>
#include <cstring>

#include "common.h"

namespace quiver::py {

bool PythonIsAlive() {
  if (!Py_IsInitialized()) return false;
#if PY_VERSION_HEX >= 0x030D0000
  return !Py_IsFinalizing();
#else
  return !_Py_IsFinalizing();
#endif
}

namespace {

// A Py_buffer export kept alive by a Quiver Buffer's release callback.
struct HeldExport {
  Py_buffer view;
};

void ReleaseHeldExport(HeldExport* held) {
  // The last reference may drop on any thread (a Flight server thread, say);
  // the export can only be released with the GIL, and not at all once the
  // interpreter is going away (then the process is ending and the memory with it).
  if (PythonIsAlive()) {
    PyGILState_STATE state = PyGILState_Ensure();
    PyBuffer_Release(&held->view);
    PyGILState_Release(state);
  }
  delete held;
}

int BufferGetBuffer(PyObject* self, Py_buffer* view, int flags) {
  static uint8_t empty = 0;
  PyBuffer* box = nb::inst_ptr<PyBuffer>(self);
  const auto& buffer = box->buffer;
  void* data = const_cast<uint8_t*>(buffer && buffer->data() ? buffer->data() : &empty);
  Py_ssize_t size = buffer ? static_cast<Py_ssize_t>(buffer->size()) : 0;
  // view->obj holds a reference to `self`, and so to the buffer, until released.
  return PyBuffer_FillInfo(view, self, data, size, /*readonly=*/1, flags);
}

PyType_Slot kBufferSlots[] = {
    {Py_bf_getbuffer, reinterpret_cast<void*>(BufferGetBuffer)},
    {0, nullptr},
};

std::string HexAddress(const void* p) {
  char text[32];
  std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(p)));
  return text;
}

}  // namespace

std::shared_ptr<Buffer> BufferFromPyObject(nb::handle obj) {
  if (nb::isinstance<PyBuffer>(obj)) return nb::cast<PyBuffer&>(obj).buffer;
  auto held = std::make_unique<HeldExport>();
  if (PyObject_GetBuffer(obj.ptr(), &held->view, PyBUF_C_CONTIGUOUS) != 0) {
    throw nb::python_error();
  }
  const auto* data = static_cast<const uint8_t*>(held->view.buf);
  auto size = static_cast<int64_t>(held->view.len);
  HeldExport* raw = held.release();
  return Buffer::WrapForeign(data, size, [raw] { ReleaseHeldExport(raw); });
}

nb::object WrapBuffer(std::shared_ptr<Buffer> buffer) {
  if (!buffer) return nb::none();
  return nb::cast(PyBuffer{std::move(buffer)});
}

void InitBuffers(nb::module_& m) {
  nb::class_<PyBuffer>(m, "Buffer", nb::type_slots(kBufferSlots),
                       "A contiguous, immutable, reference-counted piece of memory.\n\n"
                       "Supports the buffer protocol (memoryview(buf), numpy.frombuffer(buf))\n"
                       "without copying.")
      .def_prop_ro("address",
                   [](const PyBuffer& b) { return reinterpret_cast<uintptr_t>(b.buffer->data()); },
                   "The address of the first byte, as an integer.")
      .def_prop_ro("size", [](const PyBuffer& b) { return b.buffer->size(); })
      .def_prop_ro("is_mutable", [](const PyBuffer& b) { return b.buffer->is_mutable(); })
      .def_prop_ro("is_cpu", [](const PyBuffer&) { return true; })
      .def_prop_ro("parent", [](const PyBuffer& b) { return WrapBuffer(b.buffer->parent()); })
      .def("__len__", [](const PyBuffer& b) { return b.buffer->size(); })
      .def("to_pybytes",
           [](const PyBuffer& b) {
             return nb::bytes(reinterpret_cast<const char*>(b.buffer->data()),
                              static_cast<size_t>(b.buffer->size()));
           },
           "A bytes object holding a copy of the contents.")
      .def("hex",
           [](const PyBuffer& b) {
             static const char* digits = "0123456789abcdef";
             std::string out;
             out.reserve(static_cast<size_t>(b.buffer->size()) * 2);
             for (int64_t i = 0; i < b.buffer->size(); ++i) {
               uint8_t byte = b.buffer->data()[i];
               out.push_back(digits[byte >> 4]);
               out.push_back(digits[byte & 15]);
             }
             return nb::bytes(out.data(), out.size());
           })
      .def("slice",
           [](const PyBuffer& b, int64_t offset, std::optional<int64_t> length) {
             if (offset < 0) ThrowStatus(Status::IndexError("buffer slice offset must be >= 0, got ", offset));
             int64_t len = length.value_or(b.buffer->size() - offset);
             return PyBuffer{Unwrap(SliceBufferChecked(b.buffer, offset, len))};
           },
           nb::arg("offset") = 0, nb::arg("length") = nb::none(),
           "A zero-copy view of [offset, offset + length).")
      .def("equals", [](const PyBuffer& a, const PyBuffer& b) { return a.buffer->Equals(*b.buffer); }, nb::arg("other").none())
      .def("__eq__",
           [](const PyBuffer& a, nb::handle other) -> nb::object {
             if (nb::isinstance<PyBuffer>(other)) {
               return nb::bool_(a.buffer->Equals(*nb::cast<PyBuffer&>(other).buffer));
             }
             if (PyObject_CheckBuffer(other.ptr())) {
               auto view = BufferFromPyObject(other);
               return nb::bool_(a.buffer->Equals(*view));
             }
             return nb::borrow(Py_NotImplemented);
           }, nb::arg("other").none())
      .def("__hash__", [](const PyBuffer& b) { return nb::hash(nb::bytes(b.buffer->view().data(), b.buffer->view().size())); })
      .def("__repr__", [](const PyBuffer& b) {
        return "<quiver.Buffer address=" + HexAddress(b.buffer->data()) + " size=" +
               std::to_string(b.buffer->size()) + " is_cpu=True is_mutable=" +
               (b.buffer->is_mutable() ? "True" : "False") + ">";
      });

  m.def("py_buffer", [](nb::handle obj) { return PyBuffer{BufferFromPyObject(obj)}; }, nb::arg("obj"),
        "A Buffer viewing the memory of any object that supports the buffer protocol (no copy).");
  m.def("foreign_buffer",
        [](uintptr_t address, int64_t size, nb::object base) {
          if (size < 0) ThrowStatus(Status::Invalid("buffer size must be >= 0, got ", size));
          // `base` keeps the memory alive; the callback drops it with the GIL.
          PyObject* owner = base.release().ptr();
          return PyBuffer{Buffer::WrapForeign(reinterpret_cast<const uint8_t*>(address), size, [owner] {
            if (PythonIsAlive()) {
              PyGILState_STATE state = PyGILState_Ensure();
              Py_XDECREF(owner);
              PyGILState_Release(state);
            }
          })};
        },
        nb::arg("address"), nb::arg("size"), nb::arg("base") = nb::none(),
        "A Buffer over memory at `address` that `base` keeps alive.");
  m.def("allocate_buffer",
        [](int64_t size) {
          if (size < 0) ThrowStatus(Status::Invalid("buffer size must be >= 0, got ", size));
          auto buffer = Unwrap(AllocateZeroedBuffer(size));
          return PyBuffer{std::move(buffer)};
        },
        nb::arg("size"), "A new zero-filled Buffer of `size` bytes from the default memory pool.");
  m.def("total_allocated_bytes", [] { return default_memory_pool()->bytes_allocated(); },
        "Bytes currently allocated from the default memory pool.");
}

}  // namespace quiver::py
