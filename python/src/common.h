// Shared declarations of the quiver.lib extension module.
//
// How the pieces fit:
//   - Every Python-visible object is a small "box" holding a shared_ptr to an
//     immutable C++ object (PyArray holds an ArrayPtr, PyTable a TablePtr...).
//     Boxes are cheap to copy and never own Python references, so C++ code can
//     move them across threads with the GIL released.
//   - Arrays, scalars and data types are exposed as one Python class per Arrow
//     type (Int64Array, TimestampType, StructScalar...) like pyarrow's. Each is
//     a distinct empty C++ subclass of the box (ArrayOf<TypeId::INT64>...), so
//     nanobind creates the right Python class; Wrap*() pick it from the type id.
//   - Errors travel as C++ exceptions: ThrowStatus() raises a StatusError that
//     the translator registered in errors.cc turns into the pyarrow-compatible
//     exception class for the Status code (ArrowInvalid, ArrowTypeError...).
//     A failing Python C API call throws nb::python_error instead.
//   - Each area binds itself in an Init*() function called from module.cc.
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quiver/array.h"
#include "quiver/chunked_array.h"
#include "quiver/record_batch.h"
#include "quiver/result.h"
#include "quiver/schema.h"
#include "quiver/status.h"
#include "quiver/table.h"
#include "quiver/type.h"

namespace nb = nanobind;

namespace quiver::py {

// ---------------------------------------------------------------------------
// Errors

/// A non-OK Status on its way to Python (translated in errors.cc).
class StatusError : public std::exception {
 public:
  explicit StatusError(Status status) : status_(std::move(status)), what_(status_.ToString()) {}
  const Status& status() const { return status_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  Status status_;
  std::string what_;
};

[[noreturn]] void ThrowStatus(Status status);

inline void Check(const Status& status) {
  if (!status.ok()) ThrowStatus(status);
}

template <typename T>
T Unwrap(Result<T> result) {
  if (!result.ok()) ThrowStatus(result.status());
  return result.MoveValueUnsafe();
}

/// Raises the Python exception matching the Status (the error indicator is set).
void SetPyErrorFromStatus(const Status& status);

/// A hook that raises a more specific exception for a Status carrying a
/// detail (the Flight layer registers one); returns false to fall back to the
/// class of the Status code.
using DetailTranslator = bool (*)(const Status& status);
void SetDetailTranslator(DetailTranslator translator);

/// Turns the pending Python exception into a Status (clearing it), for C++
/// code that calls into Python on behalf of a C++ caller (a reader over a
/// Python iterator, a stream over a Python file). Quiver exceptions keep their
/// code, Python's KeyError/IndexError/NotImplementedError/TypeError/ValueError/
/// OSError/MemoryError map to the matching code; anything else becomes
/// UnknownError with "TypeName: message".
Status StatusFromPyError();

/// Throws nb::python_error when `obj` is null (a failed C API call).
inline PyObject* CheckPy(PyObject* obj) {
  if (obj == nullptr) throw nb::python_error();
  return obj;
}

// ---------------------------------------------------------------------------
// Boxes

struct PyDataType {
  TypePtr type;
};
struct PyField {
  FieldPtr field;
};
struct PySchema {
  SchemaPtr schema;
};
struct PyBuffer {
  std::shared_ptr<Buffer> buffer;
};
struct PyArray {
  ArrayPtr array;
};
/// A single value: a length-1 slice of the array it came from.
struct PyScalar {
  ArrayPtr array;
};
struct PyChunkedArray {
  ChunkedArrayPtr chunked;
};
struct PyRecordBatch {
  RecordBatchPtr batch;
};
struct PyTable {
  TablePtr table;
};
struct PyRecordBatchReader {
  std::shared_ptr<RecordBatchReader> reader;
};

template <TypeId kId>
struct ArrayOf : PyArray {};
template <TypeId kId>
struct ScalarOf : PyScalar {};
template <TypeId kId>
struct TypeOf : PyDataType {};

/// The Python object of the class matching the type (Int64Array, TimestampType...).
nb::object WrapType(TypePtr type);
nb::object WrapArray(ArrayPtr array);
/// Element `i` of `array` as a scalar (no bounds check: callers check).
nb::object WrapScalar(const ArrayPtr& array, int64_t i);
nb::object WrapField(FieldPtr field);
nb::object WrapSchema(SchemaPtr schema);
nb::object WrapBuffer(std::shared_ptr<Buffer> buffer);
nb::object WrapChunkedArray(ChunkedArrayPtr chunked);
nb::object WrapRecordBatch(RecordBatchPtr batch);
nb::object WrapTable(TablePtr table);
nb::object WrapReader(std::shared_ptr<RecordBatchReader> reader);

/// Name of the Python class for arrays of `id`, without the "Array" suffix
/// ("Int64", "Timestamp", "Struct"...).
const char* ClassStem(TypeId id);

// Unboxing (TypeError for objects of another class).
const TypePtr& ToType(nb::handle obj);
const FieldPtr& ToField(nb::handle obj);
const SchemaPtr& ToSchema(nb::handle obj);
const ArrayPtr& ToArray(nb::handle obj);
const ChunkedArrayPtr& ToChunkedArray(nb::handle obj);
const RecordBatchPtr& ToRecordBatch(nb::handle obj);
const TablePtr& ToTable(nb::handle obj);

bool IsType(nb::handle obj);
bool IsArray(nb::handle obj);
bool IsScalar(nb::handle obj);
bool IsChunkedArray(nb::handle obj);
bool IsRecordBatch(nb::handle obj);
bool IsTable(nb::handle obj);

// ---------------------------------------------------------------------------
// Small conversions shared by several files

/// "s", "ms", "us", "ns" (ValueError otherwise).
TimeUnit ParseTimeUnit(std::string_view unit);
/// dict/list of pairs of str or bytes -> metadata; None -> null.
MetadataPtr ToMetadata(nb::handle obj);
/// Metadata as {bytes: bytes} (pyarrow's form), or None.
nb::object FromMetadata(const MetadataPtr& metadata);
/// A Python str or bytes as std::string (TypeError otherwise).
std::string ToBytesOrStr(nb::handle obj);

/// Zero-copy view of any object exporting the buffer protocol (bytes,
/// bytearray, memoryview, numpy arrays, quiver.Buffer...). The buffer keeps
/// the exporter alive; the export is released (with the GIL) when the last
/// reference drops.
std::shared_ptr<Buffer> BufferFromPyObject(nb::handle obj);

/// Runs `fn` for its effect on Python objects only while the interpreter is
/// alive; used by buffers and streams released from any thread.
bool PythonIsAlive();

// ---------------------------------------------------------------------------
// Converters (convert_from_python.cc / convert_to_python.cc)

struct FromPyOptions {
  /// NaN (floats) and pandas' NA/NaT mean null (pyarrow's from_pandas=True).
  bool from_pandas = false;
};
/// A Python sequence or iterable as an array of `type` (inferred when null).
ArrayPtr ConvertPySequence(nb::handle seq, const TypePtr& type, const FromPyOptions& options);
/// The Arrow type pyarrow would infer for the values of `seq`.
TypePtr InferPyType(nb::handle seq, const FromPyOptions& options);

struct ToPyOptions {
  /// Maps as dicts ("lossy"/"strict") instead of lists of (key, value) tuples.
  enum class Maps { kTuples, kLossy, kStrict } maps = Maps::kTuples;
};
/// Element `i` of `array` as a Python object (None for null).
nb::object ArrayValueToPy(const Array& array, int64_t i, const ToPyOptions& options = {});
nb::list ArrayToPyList(const Array& array, const ToPyOptions& options = {});

// ---------------------------------------------------------------------------
// Module parts

void InitErrors(nb::module_& m);
void InitBuffers(nb::module_& m);
void InitTypes(nb::module_& m);
void InitArrays(nb::module_& m);
void InitScalars(nb::module_& m);
void InitConvert(nb::module_& m);
void InitNumpy(nb::module_& m);
void InitTables(nb::module_& m);
void InitCapsules(nb::module_& m);
void InitIo(nb::module_& m);
void InitIpc(nb::module_& m);
void InitCompute(nb::module_& m);
void InitFlight(nb::module_& m);

}  // namespace quiver::py
