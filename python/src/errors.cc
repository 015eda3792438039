// The pyarrow exception hierarchy and the translation of Status codes into it.
//
//   ArrowException(Exception)
//   ArrowInvalid(ValueError, ArrowException)         Invalid
//   ArrowTypeError(TypeError, ArrowException)        TypeError
//   ArrowKeyError(KeyError, ArrowException)          KeyError
//   ArrowIndexError(IndexError, ArrowException)      IndexError
//   ArrowNotImplementedError(NotImplementedError, ArrowException)  NotImplemented
//   ArrowMemoryError(MemoryError, ArrowException)    OutOfMemory
//   ArrowCapacityError(ArrowException)               CapacityError
//   ArrowSerializationError(ArrowException)          SerializationError
//   ArrowCancelled(ArrowException)                   Cancelled
//   ArrowIOError = OSError (an alias, as in pyarrow) IOError
//   anything else (UnknownError, AlreadyExists)      ArrowException
//
// The classes are defined in Python source run inside the module so that they
// are ordinary classes (multiple inheritance, ArrowKeyError's plain __str__).
#include <nanobind/eval.h>

#include "common.h"

#include <string_view>

namespace quiver::py {
namespace {

struct ExceptionClasses {
  PyObject* base = nullptr;
  PyObject* invalid = nullptr;
  PyObject* type_error = nullptr;
  PyObject* key_error = nullptr;
  PyObject* index_error = nullptr;
  PyObject* not_implemented = nullptr;
  PyObject* memory_error = nullptr;
  PyObject* capacity_error = nullptr;
  PyObject* serialization_error = nullptr;
  PyObject* cancelled = nullptr;
};
// Owned references for the life of the process (the module is never unloaded).
ExceptionClasses g_classes;
DetailTranslator g_detail_translator = nullptr;

constexpr const char* kExceptionSource = R"PY(
class ArrowException(Exception):
    """Base class of the errors Quiver raises (except ArrowIOError)."""

class ArrowInvalid(ValueError, ArrowException):
    """Invalid argument or data."""

class ArrowTypeError(TypeError, ArrowException):
    """A value or type of the wrong kind."""

class ArrowKeyError(KeyError, ArrowException):
    """A missing key or field name."""
    def __str__(self):
        # KeyError quotes its message; pyarrow's ArrowKeyError does not.
        return Exception.__str__(self)

class ArrowIndexError(IndexError, ArrowException):
    """An index out of bounds."""

class ArrowNotImplementedError(NotImplementedError, ArrowException):
    """An operation that is not supported (yet) for these types."""

class ArrowMemoryError(MemoryError, ArrowException):
    """The memory pool refused an allocation."""

class ArrowCapacityError(ArrowException):
    """Data too large for the chosen representation (e.g. 32-bit offsets)."""

class ArrowSerializationError(ArrowException):
    """Data that could not be serialized or deserialized."""

class ArrowCancelled(ArrowException):
    """An operation that was cancelled."""
    def __init__(self, message, signum=None):
        super().__init__(message)
        self.signum = signum

ArrowIOError = IOError
)PY";

PyObject* ClassFor(StatusCode code) {
  switch (code) {
    case StatusCode::Invalid:
      return g_classes.invalid;
    case StatusCode::TypeError:
      return g_classes.type_error;
    case StatusCode::KeyError:
      return g_classes.key_error;
    case StatusCode::IndexError:
      return g_classes.index_error;
    case StatusCode::NotImplemented:
      return g_classes.not_implemented;
    case StatusCode::OutOfMemory:
      return g_classes.memory_error;
    case StatusCode::CapacityError:
      return g_classes.capacity_error;
    case StatusCode::SerializationError:
      return g_classes.serialization_error;
    case StatusCode::Cancelled:
      return g_classes.cancelled;
    case StatusCode::IOError:
      return PyExc_OSError;
    default:
      return g_classes.base;
  }
}

}  // namespace

void ThrowStatus(Status status) { throw StatusError(std::move(status)); }

void SetDetailTranslator(DetailTranslator translator) { g_detail_translator = translator; }

void SetPyErrorFromStatus(const Status& status) {
  if (status.detail() && g_detail_translator != nullptr && g_detail_translator(status)) return;
  PyObject* cls = ClassFor(status.code());
  if (cls == nullptr) cls = PyExc_RuntimeError;  // before InitErrors: cannot happen in practice
  PyErr_SetString(cls, status.message().c_str());
}

Status StatusFromPyError() {
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  if (type == nullptr) return Status::UnknownError("a Python call failed without setting an exception");
  PyErr_NormalizeException(&type, &value, &traceback);
  Py_XDECREF(type);
  Py_XDECREF(traceback);
  if (value == nullptr) return Status::UnknownError("a Python call failed without an exception value");
  nb::object exc = nb::steal(value);
  PyObject* raw = value;
  std::string message;
  if (PyObject* s = PyObject_Str(raw)) {
    Py_ssize_t size = 0;
    if (const char* utf8 = PyUnicode_AsUTF8AndSize(s, &size)) message.assign(utf8, static_cast<size_t>(size));
    Py_DECREF(s);
  }
  PyErr_Clear();
  struct Mapping {
    PyObject* cls;
    StatusCode code;
  };
  const Mapping mappings[] = {
      {g_classes.invalid, StatusCode::Invalid},
      {g_classes.type_error, StatusCode::TypeError},
      {g_classes.key_error, StatusCode::KeyError},
      {g_classes.index_error, StatusCode::IndexError},
      {g_classes.not_implemented, StatusCode::NotImplemented},
      {g_classes.memory_error, StatusCode::OutOfMemory},
      {g_classes.capacity_error, StatusCode::CapacityError},
      {g_classes.serialization_error, StatusCode::SerializationError},
      {g_classes.cancelled, StatusCode::Cancelled},
  };
  for (const auto& mapping : mappings) {
    if (mapping.cls != nullptr && PyObject_IsInstance(raw, mapping.cls) == 1) {
      return Status(mapping.code, message);
    }
  }
  // Python's own exceptions map as pyarrow maps them.
  if (PyErr_GivenExceptionMatches(raw, PyExc_KeyError)) {
    // str(KeyError('x')) quotes the key; the message is the key itself.
    PyObject* args = PyObject_GetAttrString(raw, "args");
    if (args != nullptr && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 1) {
      if (PyObject* s = PyObject_Str(PyTuple_GET_ITEM(args, 0))) {
        if (const char* utf8 = PyUnicode_AsUTF8(s)) message = utf8;
        Py_DECREF(s);
      }
    }
    Py_XDECREF(args);
    PyErr_Clear();
    return Status::KeyError(message);
  }
  if (PyErr_GivenExceptionMatches(raw, PyExc_IndexError)) return Status::IndexError(message);
  if (PyErr_GivenExceptionMatches(raw, PyExc_NotImplementedError)) return Status::NotImplemented(message);
  if (PyErr_GivenExceptionMatches(raw, PyExc_TypeError)) return Status::TypeError(message);
  if (PyErr_GivenExceptionMatches(raw, PyExc_ValueError)) return Status::Invalid(message);
  if (PyErr_GivenExceptionMatches(raw, PyExc_OSError)) return Status::IOError(message);
  if (PyErr_GivenExceptionMatches(raw, PyExc_MemoryError)) return Status::OutOfMemory(message);
  if (PyErr_GivenExceptionMatches(raw, PyExc_KeyboardInterrupt)) {
    return Status::Cancelled("KeyboardInterrupt: ", message);
  }
  const char* type_name = Py_TYPE(raw)->tp_name;
  return Status::UnknownError(type_name, ": ", message);
}

void InitErrors(nb::module_& m) {
  nb::dict scope;
  scope["__name__"] = "quiver.lib";
  scope["__builtins__"] = nb::module_::import_("builtins");
  nb::exec(nb::str(kExceptionSource), scope);
  auto take = [&](const char* name) {
    nb::object cls = scope[name];
    m.attr(name) = cls;
    return cls.release().ptr();
  };
  g_classes.base = take("ArrowException");
  g_classes.invalid = take("ArrowInvalid");
  g_classes.type_error = take("ArrowTypeError");
  g_classes.key_error = take("ArrowKeyError");
  g_classes.index_error = take("ArrowIndexError");
  g_classes.not_implemented = take("ArrowNotImplementedError");
  g_classes.memory_error = take("ArrowMemoryError");
  g_classes.capacity_error = take("ArrowCapacityError");
  g_classes.serialization_error = take("ArrowSerializationError");
  g_classes.cancelled = take("ArrowCancelled");
  m.attr("ArrowIOError") = nb::handle(PyExc_OSError);

  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const StatusError& e) {
      SetPyErrorFromStatus(e.status());
    }
  });
}

}  // namespace quiver::py
