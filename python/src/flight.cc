// Arrow Flight for Python (quiver.lib._flight; quiver/flight.py adds the
// pyarrow.flight names on top).
//
// How the pieces fit:
//   - Flight's value types (FlightDescriptor, Ticket, Location, FlightEndpoint,
//     FlightInfo...) are the C++ structs bound as they are.
//   - _Client wraps flight::FlightClient; every call releases the GIL.
//   - _Server is a flight::FlightServerBase whose handlers call the methods of
//     the Python server object. gRPC runs handlers on its own threads without
//     the GIL; each handler takes the GIL only to run Python (and streams that
//     pull from Python generators take it per item), so a slow Python handler
//     never holds up another call's data transfer.
//   - Errors: a Status carrying a Flight detail raises the matching FlightError
//     subclass with its extra_info; a Python exception raised by a handler
//     travels back as the matching Flight (or Arrow) error, anything else as a
//     Flight internal error with its message.
//   - Objects handed to a handler (context, readers, writers) are valid only
//     while it runs; using one afterwards raises ArrowInvalid.
#include <nanobind/eval.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common.h"
#include "io_internal.h"
#include "quiver/flight/auth.h"
#include "quiver/flight/client.h"
#include "quiver/flight/middleware.h"
#include "quiver/flight/server.h"
#include "quiver/flight/status.h"
#include "quiver/flight/stream.h"
#include "quiver/flight/types.h"
#include "reader_internal.h"
#include "types_internal.h"

namespace quiver::py {
namespace {

using namespace quiver::flight;  // NOLINT: this file is about Flight

// ---------------------------------------------------------------------------
// Exceptions

constexpr const char* kFlightExceptionSource = R"PY(
class FlightError(Exception):
    """Base class of Flight errors; extra_info carries the server's opaque bytes."""
    def __init__(self, message="", extra_info=b""):
        super().__init__(message)
        self.extra_info = extra_info.encode() if isinstance(extra_info, str) else bytes(extra_info)

class FlightInternalError(FlightError, ArrowException):
    """The server hit an unexpected internal error."""

class FlightTimedOutError(FlightError, ArrowException):
    """The call ran past its deadline."""

class FlightCancelledError(FlightError, ArrowCancelled):
    """The call was cancelled."""
    def __init__(self, message="", *, extra_info=b""):
        super().__init__(message, extra_info)

class FlightUnauthenticatedError(FlightError, ArrowException):
    """The client is not authenticated."""

class FlightUnauthorizedError(FlightError, ArrowException):
    """The client may not do this."""

class FlightUnavailableError(FlightError, ArrowException):
    """The server cannot be reached or cannot serve the call now."""

class FlightServerError(FlightError, ArrowException):
    """The server failed in an application-defined way."""

class FlightWriteSizeExceededError(ArrowInvalid):
    """A message was larger than the client's write_size_limit_bytes."""
    def __init__(self, message, limit, actual):
        super().__init__(message)
        self.limit = limit
        self.actual = actual
)PY";

struct FlightClasses {
  PyObject* base = nullptr;
  PyObject* by_code[7] = {};  // indexed by FlightStatusCode
  PyObject* write_size = nullptr;
};
FlightClasses g_flight;

bool RaiseFlightError(const Status& status) {
  if (auto detail = FlightStatusDetail::UnwrapStatus(status)) {
    PyObject* cls = g_flight.by_code[static_cast<int>(detail->code())];
    nb::object exc = nb::steal(PyObject_CallFunction(cls, "s", status.message().c_str()));
    if (!exc) return true;  // the constructor's own error is set
    nb::setattr(exc, "extra_info", nb::bytes(detail->extra_info().data(), detail->extra_info().size()));
    PyErr_SetObject(cls, exc.ptr());
    return true;
  }
  if (auto detail = FlightWriteSizeStatusDetail::UnwrapStatus(status)) {
    nb::object exc = nb::steal(PyObject_CallFunction(g_flight.write_size, "sLL", status.message().c_str(),
                                                     static_cast<long long>(detail->limit()),
                                                     static_cast<long long>(detail->actual())));
    if (exc) PyErr_SetObject(g_flight.write_size, exc.ptr());
    return true;
  }
  return false;
}

/// A Python exception raised by a handler, as the Status the client will see.
/// (Called with the GIL held and the error indicator set.)
Status HandlerError() {
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  nb::object exc = nb::steal(value);
  Py_XDECREF(type);
  Py_XDECREF(traceback);
  if (!exc) return MakeFlightError(FlightStatusCode::Internal, "a handler failed without an exception");
  std::string message = nb::cast<std::string>(nb::str(exc));
  if (PyObject_IsInstance(exc.ptr(), g_flight.base) == 1) {
    std::string extra;
    if (nb::hasattr(exc, "extra_info")) {
      nb::object info = exc.attr("extra_info");
      if (PyBytes_Check(info.ptr())) {
        extra.assign(PyBytes_AS_STRING(info.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(info.ptr())));
      }
    }
    for (int code = 0; code < 7; ++code) {
      if (Py_TYPE(exc.ptr()) == reinterpret_cast<PyTypeObject*>(g_flight.by_code[code]) ||
          PyObject_IsInstance(exc.ptr(), g_flight.by_code[code]) == 1) {
        return MakeFlightError(static_cast<FlightStatusCode>(code), message, extra);
      }
    }
    return MakeFlightError(FlightStatusCode::Internal, message, extra);
  }
  // Arrow errors keep their kind (restore the exception and translate it).
  PyErr_Restore(nb::handle(Py_TYPE(exc.ptr())).inc_ref().ptr(), exc.inc_ref().ptr(), nullptr);
  Status st = StatusFromPyError();
  if (st.code() == StatusCode::UnknownError) {
    return MakeFlightError(FlightStatusCode::Internal, st.message());
  }
  return st;
}

// ---------------------------------------------------------------------------
// Conversions

std::string BytesOf(nb::handle obj) {
  if (PyUnicode_Check(obj.ptr())) return nb::cast<std::string>(obj);
  return ToBytesOrStr(obj);
}

nb::bytes PyBytes(const std::string& s) { return nb::bytes(s.data(), s.size()); }

Location ToLocation(nb::handle obj) {
  if (nb::isinstance<Location>(obj)) return nb::cast<Location>(obj);
  if (PyTuple_Check(obj.ptr()) && PyTuple_GET_SIZE(obj.ptr()) == 2) {
    nb::tuple t = nb::borrow<nb::tuple>(obj);
    return Unwrap(Location::ForGrpcTcp(nb::cast<std::string>(t[0]), nb::cast<int>(t[1])));
  }
  return Unwrap(Location::Parse(BytesOf(obj)));
}

Ticket ToTicket(nb::handle obj) {
  if (nb::isinstance<Ticket>(obj)) return nb::cast<Ticket>(obj);
  return Ticket{BytesOf(obj)};
}

FlightDescriptor ToDescriptor(nb::handle obj) {
  if (!nb::isinstance<FlightDescriptor>(obj)) {
    throw nb::type_error(("expected a FlightDescriptor but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<FlightDescriptor>(obj);
}

std::shared_ptr<Buffer> ToBody(nb::handle obj) {
  if (obj.is_none()) return Buffer::FromString("");
  if (PyUnicode_Check(obj.ptr())) return Buffer::FromString(nb::cast<std::string>(obj));
  return BufferFromPyObject(obj);
}

std::optional<Timestamp> ToTimestamp(nb::handle obj) {
  if (obj.is_none()) return std::nullopt;
  // Nanoseconds since the epoch, or a datetime (a naive one is taken as UTC).
  if (PyLong_Check(obj.ptr())) return Timestamp(std::chrono::nanoseconds(nb::cast<int64_t>(obj)));
  nb::object datetime = nb::module_::import_("datetime");
  nb::object utc = datetime.attr("timezone").attr("utc");
  nb::object dt = nb::borrow(obj);
  if (dt.attr("tzinfo").is_none()) dt = dt.attr("replace")(nb::arg("tzinfo") = utc);
  nb::object epoch = datetime.attr("datetime")(1970, 1, 1, nb::arg("tzinfo") = utc);
  nb::object delta = dt.attr("__sub__")(epoch);
  auto micros = nb::cast<int64_t>(delta.attr("__floordiv__")(datetime.attr("timedelta")(nb::arg("microseconds") = 1)));
  return Timestamp(std::chrono::nanoseconds(micros * 1000));
}

nb::object FromTimestamp(const std::optional<Timestamp>& t) {
  if (!t) return nb::none();
  int64_t ns = t->time_since_epoch().count();
  nb::object datetime = nb::module_::import_("datetime");
  nb::object utc = datetime.attr("timezone").attr("utc");
  int64_t micros = ns >= 0 ? ns / 1000 : -((-ns + 999) / 1000);
  nb::object epoch = datetime.attr("datetime")(1970, 1, 1, nb::arg("tzinfo") = utc);
  return epoch.attr("__add__")(datetime.attr("timedelta")(nb::arg("microseconds") = micros));
}

FlightInfo ToFlightInfo(nb::handle obj) {
  if (!nb::isinstance<FlightInfo>(obj)) {
    throw nb::type_error(("expected a FlightInfo but found " + std::string(Py_TYPE(obj.ptr())->tp_name)).c_str());
  }
  return nb::cast<FlightInfo>(obj);
}

std::vector<FlightEndpoint> ToEndpoints(nb::handle endpoints) {
  std::vector<FlightEndpoint> out;
  for (nb::handle e : endpoints) out.push_back(nb::cast<FlightEndpoint>(e));
  return out;
}

// ---------------------------------------------------------------------------
// Call options

struct PyCallOptions {
  FlightCallOptions options;
  /// The quiver.ipc options objects given, returned as they were by the properties.
  nb::object write_options = nb::none();
  nb::object read_options = nb::none();
};

FlightCallOptions CallOptions(nb::handle obj) {
  if (obj.is_none()) return {};
  return nb::cast<PyCallOptions&>(obj).options;
}

// ---------------------------------------------------------------------------
// Handler-scoped objects: valid while the handler runs.

template <typename T>
struct Slot {
  // Atomic: a stream that outlives its handler clears it without the GIL.
  std::atomic<T*> ptr{nullptr};
  T& get() const {
    T* current = ptr.load();
    if (current == nullptr) ThrowStatus(Status::Invalid("this object belongs to a Flight handler that has returned"));
    return *current;
  }
};

struct PyServerContext {
  std::shared_ptr<Slot<ServerCallContext>> slot;
  /// Set by the auth hook: the identity is_valid() returned for the call's token.
  std::optional<std::string> identity;
  /// The call's server middleware, by factory key (set by the middleware hook).
  nb::object middleware;
};
struct PyServerReader {
  std::shared_ptr<Slot<FlightMessageReader>> slot;
};
struct PyMetadataWriter {
  std::shared_ptr<Slot<FlightMetadataWriter>> slot;
};
struct PyServerWriter {
  std::shared_ptr<Slot<FlightMessageWriter>> slot;
};
struct PyServerHandshake {
  std::shared_ptr<Slot<ServerHandshakeStream>> slot;
};
struct PyClientHandshake {
  std::shared_ptr<ClientHandshakeStream> stream;
};

template <typename T>
struct SlotGuard {
  std::shared_ptr<Slot<T>> slot;
  SlotGuard(T* ptr) : slot(std::make_shared<Slot<T>>()) { slot->ptr = ptr; }  // NOLINT
  ~SlotGuard() { slot->ptr = nullptr; }
};

nb::object ChunkObject(const FlightStreamChunk& chunk) {
  nb::object flight = nb::module_::import_("quiver.flight");
  return flight.attr("FlightStreamChunk")(WrapRecordBatch(chunk.data), WrapBuffer(chunk.app_metadata));
}

// --- readers shared by client and server

template <typename Reader>
nb::object ReadChunk(Reader& reader) {
  FlightStreamChunk chunk;
  {
    nb::gil_scoped_release release;
    chunk = Unwrap(reader.Next());
  }
  if (chunk.end()) throw nb::stop_iteration();
  return ChunkObject(chunk);
}

template <typename Reader>
nb::object ReadAllTable(Reader& reader) {
  TablePtr table;
  {
    nb::gil_scoped_release release;
    table = Unwrap(reader.ToTable());
  }
  return WrapTable(table);
}

bool OnMainThread() {
  // Python runs signal handlers on its main thread only; its identity is looked up
  // once (reads call this once per chunk).
  static const unsigned long main_thread_id = nb::cast<unsigned long>(
      nb::module_::import_("threading").attr("main_thread")().attr("ident"));
  return PyThread_get_thread_ident() == main_thread_id;
}

constexpr std::chrono::milliseconds kSignalCheckInterval{50};

/// After a wait that timed out on the main thread: runs the signal handlers; one
/// that raised (KeyboardInterrupt) cancels the call, and its exception propagates.
void RaiseIfInterrupted(FlightStreamReader& reader) {
  if (PyErr_CheckSignals() != 0) {
    reader.Cancel();
    throw nb::python_error();
  }
}

/// Waits, with the GIL released, until the client stream has its schema. On the
/// main thread it waits in 50 ms steps and looks for signals in between, so that
/// Ctrl-C is not held up by a silent server. Elsewhere signals are never handled,
/// and the read that follows simply waits.
void AwaitClientSchema(FlightStreamReader& reader) {
  if (!OnMainThread()) return;
  while (true) {
    Result<bool> ready = false;
    {
      nb::gil_scoped_release release;
      ready = reader.WaitForSchema(kSignalCheckInterval);
    }
    if (Unwrap(std::move(ready))) return;
    RaiseIfInterrupted(reader);
  }
}

/// The next chunk of a client stream (StopIteration at its end), interruptible on
/// the main thread as above. A chunk at hand is read in the same release of the
/// GIL as the wait, so a fast stream pays nothing for being interruptible.
nb::object ReadClientChunk(FlightStreamReader& reader) {
  const bool interruptible = OnMainThread();
  while (true) {
    std::optional<FlightStreamChunk> chunk;
    {
      nb::gil_scoped_release release;
      if (!interruptible || Unwrap(reader.WaitForNext(kSignalCheckInterval))) chunk = Unwrap(reader.Next());
    }
    if (chunk.has_value()) {
      if (chunk->end()) throw nb::stop_iteration();
      return ChunkObject(*chunk);
    }
    RaiseIfInterrupted(reader);
  }
}

/// `work()` (a blocking read) with the GIL released. On the main thread it runs on a
/// helper thread while this one looks for signals every 50 ms, so that Ctrl-C is not
/// held up by a silent server: a signal handler that raises (KeyboardInterrupt)
/// cancels the call through `cancel`, and its exception is raised once the read ended.
template <typename T>
T RunInterruptible(const std::function<Result<T>()>& work, const std::function<void()>& cancel) {
  if (!OnMainThread()) {
    std::optional<Result<T>> result;
    {
      nb::gil_scoped_release release;
      result.emplace(work());
    }
    return Unwrap(std::move(*result));
  }
  struct Shared {
    std::mutex mutex;
    std::condition_variable done_cv;
    std::optional<Result<T>> result;
  };
  auto shared = std::make_shared<Shared>();
  std::thread worker([shared, &work] {
    Result<T> result = Status::UnknownError("the read ended without a result");
    try {
      result = work();
    } catch (const std::exception& e) {
      result = Status::UnknownError(e.what());
    }
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->result.emplace(std::move(result));
    shared->done_cv.notify_all();
  });
  bool interrupted = false;
  while (true) {
    bool done;
    {
      nb::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(shared->mutex);
      done = shared->done_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return shared->result.has_value(); });
    }
    if (done) break;
    if (!interrupted && PyErr_CheckSignals() != 0) {
      interrupted = true;
      cancel();
    }
  }
  {
    nb::gil_scoped_release release;
    worker.join();
  }
  if (interrupted) throw nb::python_error();
  return Unwrap(std::move(*shared->result));
}

template <typename Reader>
nb::object ReaderSchema(Reader& reader) {
  SchemaPtr schema;
  {
    nb::gil_scoped_release release;
    schema = Unwrap(reader.GetSchema());
  }
  return WrapSchema(schema);
}

/// A RecordBatchReader over a Flight data stream (MetadataRecordBatchReader.to_reader()).
class FlightBatchReader final : public RecordBatchReader {
 public:
  FlightBatchReader(std::shared_ptr<MetadataRecordBatchReader> reader, SchemaPtr schema)
      : reader_(std::move(reader)), schema_(std::move(schema)) {}
  SchemaPtr schema() const override { return schema_; }
  Status ReadNext(RecordBatchPtr* batch) override {
    while (true) {
      QUIVER_ASSIGN_OR_RAISE(FlightStreamChunk chunk, reader_->Next());
      if (chunk.end() || chunk.data) {
        *batch = chunk.data;
        return Status::OK();
      }
    }
  }

 private:
  std::shared_ptr<MetadataRecordBatchReader> reader_;
  SchemaPtr schema_;
};

// --- client objects

struct PyClientReader {
  std::shared_ptr<FlightStreamReader> reader;
};
struct PyClientWriter {
  std::shared_ptr<FlightStreamWriter> writer;
};
struct PyClientMetadataReader {
  std::shared_ptr<FlightMetadataReader> reader;
};

template <typename Writer>
void WriteBatchTo(Writer& writer, nb::handle batch, nb::handle metadata) {
  RecordBatchPtr b = ToRecordBatch(batch);
  std::shared_ptr<Buffer> m = metadata.is_none() ? nullptr : ToBody(metadata);
  nb::gil_scoped_release release;
  Check(writer.WriteWithMetadata(*b, m));
}

template <typename Writer>
void WriteTableTo(Writer& writer, nb::handle table, std::optional<int64_t> max_chunksize) {
  TablePtr t = ToTable(table);
  nb::gil_scoped_release release;
  Check(writer.WriteTable(*t, max_chunksize.value_or(-1)));
}

template <typename Writer>
void BeginWriter(Writer& writer, nb::handle schema) {
  SchemaPtr s = ToSchema(schema);
  nb::gil_scoped_release release;
  Check(writer.Begin(s));
}

/// The C++ writers take their IPC options when the call starts, not at Begin:
/// options given to begin() that differ from the defaults cannot be honoured.
void RefuseBeginOptions(nb::handle options, const char* instead) {
  if (options.is_none()) return;
  ipc::IpcWriteOptions given = WriteOptionsFrom(options);
  ipc::IpcWriteOptions defaults;
  if (given.compression == defaults.compression && given.metadata_version == defaults.metadata_version &&
      given.write_legacy_ipc_format == defaults.write_legacy_ipc_format &&
      given.emit_dictionary_deltas == defaults.emit_dictionary_deltas) {
    return;
  }
  ThrowStatus(Status::NotImplemented("IpcWriteOptions given to begin() are not supported: ", instead));
}

template <typename Writer>
void WriteMetadataTo(Writer& writer, nb::handle metadata) {
  auto m = ToBody(metadata);
  nb::gil_scoped_release release;
  Check(writer.WriteMetadata(m));
}

// --- client

/// The exception `status` raises in Python, as an object (not raised).
nb::object ExceptionFor(const Status& status) {
  SetPyErrorFromStatus(status);
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  Py_XDECREF(type);
  Py_XDECREF(traceback);
  return value != nullptr ? nb::steal(value) : nb::none();
}

nb::list HeaderPairs(const CallHeaders& headers) {
  nb::list pairs;
  for (const auto& [key, value] : headers) pairs.append(nb::make_tuple(PyBytes(key), PyBytes(value)));
  return pairs;
}

/// One call's Python client middleware: a flight.py _ClientMiddlewareCall,
/// driven from the C++ client on the application's threads.
class PyClientMiddleware final : public ClientMiddleware {
 public:
  PyClientMiddleware(PyObject* call, HeaderList headers) : call_(call), sending_(std::move(headers)) {}

  void SendingHeaders(HeaderList* headers) override {
    headers->insert(headers->end(), sending_.begin(), sending_.end());
  }
  void ReceivedHeaders(const CallHeaders& headers) override { headers_ = headers; }
  void ReceivedTrailers(const CallHeaders& trailers) override { trailers_ = trailers; }
  void CallCompleted(const Status& status) override {
    if (!PythonIsAlive()) return;
    nb::gil_scoped_acquire gil;
    try {
      nb::object exception = status.ok() ? nb::none() : ExceptionFor(status);
      nb::handle(call_.get()).attr("complete")(HeaderPairs(headers_), HeaderPairs(trailers_), exception);
    } catch (nb::python_error& e) {
      // Nobody to raise to: the call's own outcome stands; Python reports the error.
      e.restore();
      PyErr_WriteUnraisable(call_.get());
    }
  }

 private:
  PyObjectHolder call_;
  HeaderList sending_;
  CallHeaders headers_;
  CallHeaders trailers_;
};

/// Starts the Python middleware of each call through `starter(rpc_name)`
/// (flight.py's _start_client_middleware): None, or a _ClientMiddlewareCall.
class PyClientMiddlewareFactory final : public ClientMiddlewareFactory {
 public:
  explicit PyClientMiddlewareFactory(PyObject* starter) : starter_(starter) {}

  Status StartCall(const CallInfo& info, std::unique_ptr<ClientMiddleware>* middleware) override {
    if (!PythonIsAlive()) return Status::OK();
    nb::gil_scoped_acquire gil;
    try {
      nb::object call = nb::handle(starter_.get())(std::string(ToString(info.method)));
      if (call.is_none()) return Status::OK();
      HeaderList headers;
      for (nb::handle pair : call.attr("headers")()) {
        headers.emplace_back(BytesOf(pair[0]), BytesOf(pair[1]));
      }
      *middleware = std::make_unique<PyClientMiddleware>(call.release().ptr(), std::move(headers));
      return Status::OK();
    } catch (nb::python_error& e) {
      e.restore();
      return HandlerError();  // a FlightError keeps its kind, as a handler's would
    } catch (const StatusError& e) {
      return e.status();
    }
  }

 private:
  PyObjectHolder starter_;
};

struct PyClient {
  std::shared_ptr<FlightClient> client;
};

template <typename T>
nb::list DrainStream(MessageStream<T>& stream, nb::object (*wrap)(T)) {
  std::vector<T> values;
  {
    nb::gil_scoped_release release;
    values = Unwrap(stream.ReadAll());
  }
  nb::list out;
  for (auto& v : values) out.append(wrap(std::move(v)));
  return out;
}

nb::object WrapFlightInfo(FlightInfo info) { return nb::cast(std::move(info)); }
nb::object WrapResult(FlightResult result) { return nb::cast(std::move(result)); }

// ---------------------------------------------------------------------------
// Server

/// Values pulled lazily from a Python iterable (list_flights, do_action results).
template <typename T>
class PyMessageStream final : public MessageStream<T> {
 public:
  using Convert = T (*)(nb::handle);
  PyMessageStream(PyObject* iterator, Convert convert) : iterator_(iterator), convert_(convert) {}
  Result<std::optional<T>> Next() override {
    if (!iterator_.get() || !PythonIsAlive()) return std::optional<T>();
    nb::gil_scoped_acquire gil;
    PyObject* item = PyIter_Next(iterator_.get());
    if (item == nullptr) {
      if (PyErr_Occurred()) return HandlerError();
      iterator_.reset();
      return std::optional<T>();
    }
    nb::object owned = nb::steal(item);
    try {
      return std::optional<T>(convert_(owned));
    } catch (nb::python_error& e) {
      e.restore();
      return HandlerError();
    } catch (const StatusError& e) {
      return e.status();
    } catch (const std::exception& e) {
      return MakeFlightError(FlightStatusCode::Internal, e.what());
    }
  }

 private:
  PyObjectHolder iterator_;
  Convert convert_;
};

/// What a DoGet, ListFlights or DoAction handler returned, served after the handler
/// itself returned: the call's context stays usable from Python (a generator that
/// checks context.is_cancelled()) until the stream is destroyed, which the server
/// does before the call ends.
template <typename T>
class ContextBoundMessageStream final : public MessageStream<T> {
 public:
  ContextBoundMessageStream(std::unique_ptr<MessageStream<T>> inner, std::shared_ptr<Slot<ServerCallContext>> slot)
      : inner_(std::move(inner)), slot_(std::move(slot)) {}
  ~ContextBoundMessageStream() override {
    inner_.reset();  // a generator's finally: may still look at the context
    slot_->ptr = nullptr;
  }
  Result<std::optional<T>> Next() override { return inner_->Next(); }

 private:
  std::unique_ptr<MessageStream<T>> inner_;
  std::shared_ptr<Slot<ServerCallContext>> slot_;
};

class ContextBoundDataStream final : public FlightDataStream {
 public:
  ContextBoundDataStream(std::unique_ptr<FlightDataStream> inner, std::shared_ptr<Slot<ServerCallContext>> slot)
      : inner_(std::move(inner)), slot_(std::move(slot)) {}
  ~ContextBoundDataStream() override {
    inner_.reset();
    slot_->ptr = nullptr;
  }
  SchemaPtr schema() const override { return inner_->schema(); }
  Result<FlightPayload> GetSchemaPayload() override { return inner_->GetSchemaPayload(); }
  Result<std::optional<FlightPayload>> Next() override { return inner_->Next(); }
  Status Close() override { return inner_->Close(); }

 private:
  std::unique_ptr<FlightDataStream> inner_;
  std::shared_ptr<Slot<ServerCallContext>> slot_;
};

FlightInfo ConvertFlightInfo(nb::handle obj) { return ToFlightInfo(obj); }
FlightResult ConvertResult(nb::handle obj) {
  if (nb::isinstance<FlightResult>(obj)) return nb::cast<FlightResult>(obj);
  return FlightResult{ToBody(obj)};
}

/// The GeneratorStream callback state: a Python iterator of batches, tables or
/// (batch, app_metadata) pairs; tables are cut into their batches.
struct GeneratorState {
  explicit GeneratorState(PyObject* owned_iterator) : iterator(owned_iterator) {}
  PyObjectHolder iterator;
  std::deque<FlightStreamChunk> pending;
};

Result<std::optional<FlightStreamChunk>> NextFromGenerator(GeneratorState& state) {
  if (!state.pending.empty()) {
    FlightStreamChunk chunk = std::move(state.pending.front());
    state.pending.pop_front();
    return std::optional<FlightStreamChunk>(std::move(chunk));
  }
  if (!state.iterator.get() || !PythonIsAlive()) return std::optional<FlightStreamChunk>();
  nb::gil_scoped_acquire gil;
  while (true) {
    PyObject* item = PyIter_Next(state.iterator.get());
    if (item == nullptr) {
      if (PyErr_Occurred()) return HandlerError();
      state.iterator.reset();
      return std::optional<FlightStreamChunk>();
    }
    nb::object obj = nb::steal(item);
    try {
      if (IsRecordBatch(obj)) return std::optional<FlightStreamChunk>(FlightStreamChunk{ToRecordBatch(obj), nullptr});
      if (IsTable(obj)) {
        for (auto& batch : Unwrap(ToTable(obj)->ToBatches())) state.pending.push_back({batch, nullptr});
        if (state.pending.empty()) continue;
        FlightStreamChunk chunk = std::move(state.pending.front());
        state.pending.pop_front();
        return std::optional<FlightStreamChunk>(std::move(chunk));
      }
      if ((PyTuple_Check(obj.ptr()) || PyList_Check(obj.ptr())) && PySequence_Size(obj.ptr()) == 2) {
        nb::tuple pair = nb::borrow<nb::tuple>(nb::steal(PySequence_Tuple(obj.ptr())));
        RecordBatchPtr batch = pair[0].is_none() ? nullptr : ToRecordBatch(pair[0]);
        std::shared_ptr<Buffer> metadata = pair[1].is_none() ? nullptr : ToBody(pair[1]);
        return std::optional<FlightStreamChunk>(FlightStreamChunk{batch, metadata});
      }
      return Status::TypeError("a GeneratorStream's generator must yield RecordBatch, Table or "
                               "(RecordBatch, app_metadata) but yielded ",
                               Py_TYPE(obj.ptr())->tp_name);
    } catch (nb::python_error& e) {
      e.restore();
      return HandlerError();
    } catch (const StatusError& e) {
      return e.status();
    }
  }
}

/// A FlightDataStream for whatever a Python do_get returned.
Result<std::unique_ptr<FlightDataStream>> ToDataStream(nb::handle result) {
  nb::object obj = nb::borrow(result);
  // quiver.flight.RecordBatchStream / GeneratorStream are thin Python holders;
  // their IpcWriteOptions (compression, metadata version, ...) encode the stream.
  FlightWriteOptions write_options;
  if (nb::hasattr(obj, "_quiver_options")) write_options.ipc = WriteOptionsFrom(obj.attr("_quiver_options"));
  if (nb::hasattr(obj, "_quiver_generator")) {
    SchemaPtr schema = ToSchema(obj.attr("schema"));
    nb::object iterator = nb::steal(PyObject_GetIter(obj.attr("_quiver_generator").ptr()));
    if (!iterator) return HandlerError();
    auto state = std::make_shared<GeneratorState>(iterator.release().ptr());
    return std::unique_ptr<FlightDataStream>(
        new GeneratorStream(schema, [state] { return NextFromGenerator(*state); }, write_options));
  }
  if (nb::hasattr(obj, "_quiver_data_source")) obj = obj.attr("_quiver_data_source");
  if (IsTable(obj)) return std::unique_ptr<FlightDataStream>(new RecordBatchStream(ToTable(obj), write_options));
  if (IsRecordBatch(obj)) {
    QUIVER_ASSIGN_OR_RAISE(auto reader, RecordBatchReader::Make({ToRecordBatch(obj)}));
    return std::unique_ptr<FlightDataStream>(new RecordBatchStream(reader, write_options));
  }
  if (nb::isinstance<PyRecordBatchReader>(obj)) {
    return std::unique_ptr<FlightDataStream>(
        new RecordBatchStream(nb::cast<PyRecordBatchReader&>(obj).reader, write_options));
  }
  return Status::TypeError("do_get must return a RecordBatchStream, GeneratorStream, Table or RecordBatchReader, "
                           "but returned ",
                           Py_TYPE(obj.ptr())->tp_name);
}

class PyServer final : public FlightServerBase {
 public:
  explicit PyServer(PyObject* owner) : owner_(owner) {}

  /// Set before Init when a HeaderAuthServerMiddlewareFactory is installed under `key`.
  void set_header_auth_key(std::string key) { header_auth_key_ = std::move(key); }

  Result<std::unique_ptr<FlightListing>> ListFlights(ServerCallContext& context, const Criteria& criteria) override {
    auto kept = KeepContext(context);
    return BindContext(kept, Call<std::unique_ptr<FlightListing>>(context, "list_flights", [&](nb::object ctx) {
      nb::cast<PyServerContext&>(ctx).slot = kept;
      nb::object result = Method("list_flights")(ctx, PyBytes(criteria.expression));
      PyObject* iterator = CheckPy(PyObject_GetIter(result.ptr()));
      return std::unique_ptr<FlightListing>(new PyMessageStream<FlightInfo>(iterator, &ConvertFlightInfo));
    }));
  }
  Result<FlightInfo> GetFlightInfo(ServerCallContext& context, const FlightDescriptor& descriptor) override {
    return Call<FlightInfo>(context, "get_flight_info", [&](nb::object ctx) {
      return ToFlightInfo(Method("get_flight_info")(ctx, nb::cast(descriptor)));
    });
  }
  Result<PollInfo> PollFlightInfo(ServerCallContext& context, const FlightDescriptor& descriptor) override {
    return Call<PollInfo>(context, "poll_flight_info", [&](nb::object ctx) {
      return nb::cast<PollInfo>(Method("poll_flight_info")(ctx, nb::cast(descriptor)));
    });
  }
  Result<SchemaResult> GetSchema(ServerCallContext& context, const FlightDescriptor& descriptor) override {
    return Call<SchemaResult>(context, "get_schema", [&](nb::object ctx) {
      nb::object result = Method("get_schema")(ctx, nb::cast(descriptor));
      if (nb::isinstance<PySchema>(result)) return Unwrap(SchemaResult::Make(*ToSchema(result)));
      return nb::cast<SchemaResult>(result);
    });
  }
  Result<std::unique_ptr<FlightDataStream>> DoGet(ServerCallContext& context, const Ticket& ticket) override {
    auto kept = KeepContext(context);
    auto stream = Call<std::unique_ptr<FlightDataStream>>(context, "do_get", [&](nb::object ctx) {
      nb::cast<PyServerContext&>(ctx).slot = kept;
      nb::object result = Method("do_get")(ctx, nb::cast(ticket));
      return Unwrap(ToDataStream(result));
    });
    if (!stream.ok()) {
      kept->ptr = nullptr;
      return stream.status();
    }
    return std::unique_ptr<FlightDataStream>(new ContextBoundDataStream(std::move(*stream), std::move(kept)));
  }
  Status DoPut(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
               std::unique_ptr<FlightMetadataWriter> writer) override {
    return CallStatus(context, "do_put", [&](nb::object ctx) {
      SlotGuard<FlightMessageReader> reader_slot(reader.get());
      SlotGuard<FlightMetadataWriter> writer_slot(writer.get());
      Method("do_put")(ctx, nb::cast(reader->descriptor()), nb::cast(PyServerReader{reader_slot.slot}),
                       nb::cast(PyMetadataWriter{writer_slot.slot}));
    });
  }
  Status DoExchange(ServerCallContext& context, std::unique_ptr<FlightMessageReader> reader,
                    std::unique_ptr<FlightMessageWriter> writer) override {
    return CallStatus(context, "do_exchange", [&](nb::object ctx) {
      SlotGuard<FlightMessageReader> reader_slot(reader.get());
      SlotGuard<FlightMessageWriter> writer_slot(writer.get());
      Method("do_exchange")(ctx, nb::cast(reader->descriptor()), nb::cast(PyServerReader{reader_slot.slot}),
                            nb::cast(PyServerWriter{writer_slot.slot}));
    });
  }
  Result<std::unique_ptr<ResultStream>> DoAction(ServerCallContext& context, const Action& action) override {
    auto kept = KeepContext(context);
    return BindContext(kept, Call<std::unique_ptr<ResultStream>>(context, "do_action", [&](nb::object ctx) {
      nb::cast<PyServerContext&>(ctx).slot = kept;
      nb::object result = Method("do_action")(ctx, nb::cast(action));
      if (result.is_none()) return std::unique_ptr<ResultStream>(new VectorMessageStream<FlightResult>({}));
      PyObject* iterator = CheckPy(PyObject_GetIter(result.ptr()));
      return std::unique_ptr<ResultStream>(new PyMessageStream<FlightResult>(iterator, &ConvertResult));
    }));
  }
  Result<std::vector<ActionType>> ListActions(ServerCallContext& context) override {
    return Call<std::vector<ActionType>>(context, "list_actions", [&](nb::object ctx) {
      std::vector<ActionType> out;
      for (nb::handle item : Method("list_actions")(ctx)) {
        if (nb::isinstance<ActionType>(item)) {
          out.push_back(nb::cast<ActionType>(item));
        } else {
          nb::tuple pair = nb::cast<nb::tuple>(item);
          out.push_back(ActionType{nb::cast<std::string>(pair[0]), nb::cast<std::string>(pair[1])});
        }
      }
      return out;
    });
  }

 private:
  nb::object Method(const char* name) { return nb::handle(owner_).attr(name); }

  /// A context slot for a handler whose result is served after it returns (the
  /// streaming RPCs): the handler's context object points at it instead of the
  /// per-call slot, and the stream clears it when it is destroyed.
  static std::shared_ptr<Slot<ServerCallContext>> KeepContext(ServerCallContext& context) {
    auto slot = std::make_shared<Slot<ServerCallContext>>();
    slot->ptr = &context;
    return slot;
  }
  template <typename T>
  static Result<std::unique_ptr<MessageStream<T>>> BindContext(const std::shared_ptr<Slot<ServerCallContext>>& kept,
                                                               Result<std::unique_ptr<MessageStream<T>>> stream) {
    if (!stream.ok()) {
      kept->ptr = nullptr;
      return stream.status();
    }
    return std::unique_ptr<MessageStream<T>>(new ContextBoundMessageStream<T>(std::move(*stream), kept));
  }

  template <typename T, typename Fn>
  Result<T> Call(ServerCallContext& context, const char* name, Fn&& fn) {
    if (!PythonIsAlive()) return MakeFlightError(FlightStatusCode::Unavailable, "the Python interpreter is exiting");
    nb::gil_scoped_acquire gil;
    SlotGuard<ServerCallContext> ctx_slot(&context);
    nb::object state;  // what the auth/middleware hook returned, given back when the call ends
    bool hooks = false;
    try {
      nb::object ctx = nb::cast(PyServerContext{ctx_slot.slot, std::nullopt, nb::none()});
      // Servers with an auth handler or middleware check and start the call in Python first.
      hooks = nb::cast<bool>(nb::getattr(nb::handle(owner_), "_quiver_hooks", nb::bool_(false)));
      if (hooks) state = Method("_quiver_before_call")(ctx, name);
      T result = fn(ctx);
      if (hooks) Method("_quiver_after_call")(state, nb::none());
      return result;
    } catch (nb::python_error& e) {
      e.restore();
      if (hooks && state.is_valid()) NotifyFailure(state);
      return HandlerError();
    } catch (const StatusError& e) {
      return e.status();
    } catch (const std::exception& e) {
      return MakeFlightError(FlightStatusCode::Internal, std::string(name) + ": " + e.what());
    }
  }

  /// Tells the middleware of a failed call (the Python error stays pending).
  void NotifyFailure(const nb::object& state) {
    PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    nb::object exc = nb::borrow(value ? value : Py_None);
    PyObject* result = PyObject_CallMethod(owner_, "_quiver_after_call", "OO", state.ptr(), exc.ptr());
    if (result == nullptr) PyErr_Clear();  // a failing middleware does not hide the handler's error
    Py_XDECREF(result);
    PyErr_Restore(type, value, traceback);
  }

  Status Handshake(ServerCallContext& context, ServerHandshakeStream* stream) override {
    {
      if (!PythonIsAlive()) return MakeFlightError(FlightStatusCode::Unavailable, "the Python interpreter is exiting");
      nb::gil_scoped_acquire gil;
      if (!nb::cast<bool>(nb::getattr(nb::handle(owner_), "_quiver_has_auth", nb::bool_(false)))) {
        if (header_auth_key_.empty() || context.GetMiddleware(header_auth_key_) == nullptr) {
          return FlightServerBase::Handshake(context, stream);
        }
        // The Basic/Bearer middleware checked this Handshake's credentials already.
        nb::gil_scoped_release release;
        while (true) {
          QUIVER_ASSIGN_OR_RAISE(std::optional<std::string> payload, stream->Read());
          if (!payload.has_value()) return Status::OK();
        }
      }
    }
    auto result = Call<bool>(context, "handshake", [&](nb::object ctx) {
      SlotGuard<ServerHandshakeStream> stream_slot(stream);
      Method("_quiver_handshake")(ctx, nb::cast(PyServerHandshake{stream_slot.slot}));
      return true;
    });
    return result.status();
  }

  template <typename Fn>
  Status CallStatus(ServerCallContext& context, const char* name, Fn&& fn) {
    auto result = Call<bool>(context, name, [&](nb::object ctx) {
      fn(std::move(ctx));
      return true;
    });
    return result.status();
  }

  PyObject* owner_;  // borrowed: the Python server object owns this server
  /// The key of the HeaderAuthServerMiddlewareFactory, when one is installed.
  std::string header_auth_key_;
};

struct PyServerBox {
  std::shared_ptr<PyServer> server;
  PyServerBox() = default;
  explicit PyServerBox(std::shared_ptr<PyServer> s) : server(std::move(s)) {}
  PyServerBox(PyServerBox&&) = default;
  ~PyServerBox() {
    // Destroying a running server waits for its calls, whose handlers need the
    // GIL: let them have it meanwhile.
    if (server && server.use_count() == 1 && PyGILState_Check()) {
      nb::gil_scoped_release release;
      server.reset();
    }
  }
};

}  // namespace

void InitFlight(nb::module_& m) {
  nb::module_ fm = m.def_submodule("_flight", "Arrow Flight (see quiver.flight)");

  // --- exceptions
  nb::dict scope;
  scope["__name__"] = "quiver.flight";
  scope["__builtins__"] = nb::module_::import_("builtins");
  scope["ArrowException"] = m.attr("ArrowException");
  scope["ArrowCancelled"] = m.attr("ArrowCancelled");
  scope["ArrowInvalid"] = m.attr("ArrowInvalid");
  nb::exec(nb::str(kFlightExceptionSource), scope);
  auto take = [&](const char* name) {
    nb::object cls = scope[name];
    fm.attr(name) = cls;
    return cls.release().ptr();
  };
  g_flight.base = take("FlightError");
  g_flight.by_code[static_cast<int>(FlightStatusCode::Internal)] = take("FlightInternalError");
  g_flight.by_code[static_cast<int>(FlightStatusCode::TimedOut)] = take("FlightTimedOutError");
  g_flight.by_code[static_cast<int>(FlightStatusCode::Cancelled)] = take("FlightCancelledError");
  g_flight.by_code[static_cast<int>(FlightStatusCode::Unauthenticated)] = take("FlightUnauthenticatedError");
  g_flight.by_code[static_cast<int>(FlightStatusCode::Unauthorized)] = take("FlightUnauthorizedError");
  g_flight.by_code[static_cast<int>(FlightStatusCode::Unavailable)] = take("FlightUnavailableError");
  g_flight.by_code[static_cast<int>(FlightStatusCode::Failed)] = take("FlightServerError");
  g_flight.write_size = take("FlightWriteSizeExceededError");
  SetDetailTranslator(&RaiseFlightError);

  // --- value types
  nb::enum_<DescriptorType>(fm, "DescriptorType")
      .value("UNKNOWN", DescriptorType::UNKNOWN)
      .value("PATH", DescriptorType::PATH)
      .value("CMD", DescriptorType::CMD);

  nb::class_<FlightDescriptor>(fm, "FlightDescriptor", "What a flight is: a path or an opaque command.")
      .def_static("for_path", [](nb::args parts) {
        std::vector<std::string> path;
        for (nb::handle p : parts) path.push_back(BytesOf(p));
        return FlightDescriptor::Path(std::move(path));
      })
      .def_static("for_command", [](nb::handle command) { return FlightDescriptor::Command(BytesOf(command)); })
      .def_prop_ro("descriptor_type", [](const FlightDescriptor& d) { return d.type; })
      .def_prop_ro("path", [](const FlightDescriptor& d) -> nb::object {
        if (d.type != DescriptorType::PATH) return nb::none();
        nb::list out;
        for (const auto& p : d.path) out.append(nb::str(p.c_str(), p.size()));
        return out;
      }, "The path components as str (so '/'.join(descriptor.path) works), or None for a command.")
      .def_prop_ro("command", [](const FlightDescriptor& d) -> nb::object {
        if (d.type != DescriptorType::CMD) return nb::none();
        return PyBytes(d.cmd);
      })
      .def("serialize", [](const FlightDescriptor& d) { return PyBytes(Unwrap(d.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(FlightDescriptor::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const FlightDescriptor& a, nb::handle b) {
        return nb::isinstance<FlightDescriptor>(b) && a == nb::cast<FlightDescriptor>(b);
      }, nb::arg("other").none())
      .def("__hash__", [](const FlightDescriptor& d) { return nb::hash(PyBytes(Unwrap(d.SerializeToString()))); })
      .def("__repr__", [](const FlightDescriptor& d) { return "<quiver.flight.FlightDescriptor " + d.ToString() + ">"; });

  nb::class_<Ticket>(fm, "Ticket", "The opaque key of a data stream (DoGet).")
      .def("__init__", [](Ticket* self, nb::handle ticket) { new (self) Ticket{BytesOf(ticket)}; }, nb::arg("ticket"))
      .def_prop_ro("ticket", [](const Ticket& t) { return PyBytes(t.ticket); })
      .def("serialize", [](const Ticket& t) { return PyBytes(Unwrap(t.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(Ticket::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const Ticket& a, nb::handle b) { return nb::isinstance<Ticket>(b) && a == nb::cast<Ticket>(b); },
           nb::arg("other").none())
      .def("__hash__", [](const Ticket& t) { return nb::hash(PyBytes(t.ticket)); })
      .def("__repr__", [](const Ticket& t) { return "<quiver.flight.Ticket " + t.ToString() + ">"; });

  nb::class_<Location>(fm, "Location", "Where a Flight service is: grpc://host:port, grpc+tls://..., grpc+unix://...")
      .def("__init__", [](Location* self, nb::handle uri) { new (self) Location(ToLocation(uri)); }, nb::arg("uri"))
      .def_prop_ro("uri", [](const Location& l) { return PyBytes(l.uri()); })
      .def_static("for_grpc_tcp", [](const std::string& host, int port) { return Unwrap(Location::ForGrpcTcp(host, port)); })
      .def_static("for_grpc_tls", [](const std::string& host, int port) { return Unwrap(Location::ForGrpcTls(host, port)); })
      .def_static("for_grpc_unix", [](const std::string& path) { return Unwrap(Location::ForGrpcUnix(path)); })
      .def("__eq__", [](const Location& a, nb::handle b) { return nb::isinstance<Location>(b) && a == nb::cast<Location>(b); },
           nb::arg("other").none())
      .def("__hash__", [](const Location& l) { return nb::hash(nb::str(l.uri().c_str())); })
      .def("__repr__", [](const Location& l) { return "<quiver.flight.Location b'" + l.uri() + "'>"; });

  nb::class_<FlightEndpoint>(fm, "FlightEndpoint", "A ticket and the locations that serve it.")
      .def("__init__", [](FlightEndpoint* self, nb::handle ticket, nb::handle locations, nb::handle expiration_time,
                          nb::handle app_metadata) {
        FlightEndpoint e;
        e.ticket = ToTicket(ticket);
        for (nb::handle l : locations) e.locations.push_back(ToLocation(l));
        e.expiration_time = ToTimestamp(expiration_time);
        if (!app_metadata.is_none()) e.app_metadata = BytesOf(app_metadata);
        new (self) FlightEndpoint(std::move(e));
      }, nb::arg("ticket"), nb::arg("locations"), nb::arg("expiration_time") = nb::none(),
         nb::arg("app_metadata") = nb::bytes(""))
      .def_prop_ro("ticket", [](const FlightEndpoint& e) { return e.ticket; })
      .def_prop_ro("locations", [](const FlightEndpoint& e) {
        nb::list out;
        for (const auto& l : e.locations) out.append(nb::cast(l));
        return out;
      })
      .def_prop_ro("expiration_time", [](const FlightEndpoint& e) { return FromTimestamp(e.expiration_time); })
      .def_prop_ro("app_metadata", [](const FlightEndpoint& e) { return PyBytes(e.app_metadata); })
      .def("serialize", [](const FlightEndpoint& e) { return PyBytes(Unwrap(e.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(FlightEndpoint::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const FlightEndpoint& a, nb::handle b) {
        return nb::isinstance<FlightEndpoint>(b) && a == nb::cast<FlightEndpoint>(b);
      }, nb::arg("other").none())
      .def("__repr__", [](const FlightEndpoint& e) { return "<quiver.flight.FlightEndpoint " + e.ToString() + ">"; });

  nb::class_<FlightInfo>(fm, "FlightInfo", "What a flight holds: schema, descriptor, endpoints, sizes.")
      .def("__init__", [](FlightInfo* self, nb::handle schema, nb::handle descriptor, nb::handle endpoints,
                          std::optional<int64_t> total_records, std::optional<int64_t> total_bytes, bool ordered,
                          nb::handle app_metadata) {
        std::string metadata = app_metadata.is_none() ? std::string() : BytesOf(app_metadata);
        new (self) FlightInfo(Unwrap(FlightInfo::Make(*ToSchema(schema), ToDescriptor(descriptor), ToEndpoints(endpoints),
                                                      total_records.value_or(-1), total_bytes.value_or(-1), ordered,
                                                      metadata)));
      }, nb::arg("schema"), nb::arg("descriptor"), nb::arg("endpoints"), nb::arg("total_records") = nb::none(),
         nb::arg("total_bytes") = nb::none(), nb::arg("ordered") = false, nb::arg("app_metadata") = nb::bytes(""))
      .def_prop_ro("schema", [](const FlightInfo& i) -> nb::object {
        if (i.serialized_schema.empty()) return nb::none();
        return WrapSchema(Unwrap(i.GetSchema()));
      })
      .def_prop_ro("descriptor", [](const FlightInfo& i) { return i.descriptor; })
      .def_prop_ro("endpoints", [](const FlightInfo& i) {
        nb::list out;
        for (const auto& e : i.endpoints) out.append(nb::cast(e));
        return out;
      })
      .def_prop_ro("total_records", [](const FlightInfo& i) { return i.total_records; })
      .def_prop_ro("total_bytes", [](const FlightInfo& i) { return i.total_bytes; })
      .def_prop_ro("ordered", [](const FlightInfo& i) { return i.ordered; })
      .def_prop_ro("app_metadata", [](const FlightInfo& i) { return PyBytes(i.app_metadata); })
      .def("serialize", [](const FlightInfo& i) { return PyBytes(Unwrap(i.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(FlightInfo::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const FlightInfo& a, nb::handle b) { return nb::isinstance<FlightInfo>(b) && a == nb::cast<FlightInfo>(b); },
           nb::arg("other").none())
      .def("__repr__", [](const FlightInfo& i) { return "<quiver.flight.FlightInfo " + i.ToString() + ">"; });

  nb::class_<PollInfo>(fm, "PollInfo", "The progress of a long-running query (PollFlightInfo).")
      .def("__init__", [](PollInfo* self, nb::handle info, nb::handle descriptor, std::optional<double> progress,
                          nb::handle expiration_time) {
        PollInfo p;
        if (!info.is_none()) p.info = ToFlightInfo(info);
        if (!descriptor.is_none()) p.descriptor = ToDescriptor(descriptor);
        p.progress = progress;
        p.expiration_time = ToTimestamp(expiration_time);
        new (self) PollInfo(std::move(p));
      }, nb::arg("info").none() = nb::none(), nb::arg("descriptor").none() = nb::none(),
         nb::arg("progress") = nb::none(), nb::arg("expiration_time") = nb::none())
      .def_prop_ro("info", [](const PollInfo& p) -> nb::object { return p.info ? nb::cast(*p.info) : nb::none(); })
      .def_prop_ro("descriptor", [](const PollInfo& p) -> nb::object {
        return p.descriptor ? nb::cast(*p.descriptor) : nb::none();
      })
      .def_prop_ro("progress", [](const PollInfo& p) { return p.progress; })
      .def_prop_ro("expiration_time", [](const PollInfo& p) { return FromTimestamp(p.expiration_time); })
      .def("serialize", [](const PollInfo& p) { return PyBytes(Unwrap(p.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(PollInfo::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const PollInfo& a, nb::handle b) { return nb::isinstance<PollInfo>(b) && a == nb::cast<PollInfo>(b); },
           nb::arg("other").none())
      .def("__repr__", [](const PollInfo& p) { return "<quiver.flight.PollInfo " + p.ToString() + ">"; });

  nb::class_<SchemaResult>(fm, "SchemaResult", "The answer of GetSchema.")
      .def("__init__", [](SchemaResult* self, nb::handle schema) {
        new (self) SchemaResult(Unwrap(SchemaResult::Make(*ToSchema(schema))));
      }, nb::arg("schema"))
      .def_prop_ro("schema", [](const SchemaResult& r) { return WrapSchema(Unwrap(r.GetSchema())); })
      .def("__repr__", [](const SchemaResult& r) { return "<quiver.flight.SchemaResult " + r.ToString() + ">"; });

  nb::class_<Action>(fm, "Action", "An action for DoAction: a type and an opaque body.")
      .def("__init__", [](Action* self, const std::string& type, nb::handle body) {
        new (self) Action{type, ToBody(body)};
      }, nb::arg("action_type"), nb::arg("buf").none())
      .def_prop_ro("type", [](const Action& a) { return a.type; })
      .def_prop_ro("body", [](const Action& a) { return WrapBuffer(a.body); })
      .def("serialize", [](const Action& a) { return PyBytes(Unwrap(a.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(Action::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const Action& a, nb::handle b) { return nb::isinstance<Action>(b) && a == nb::cast<Action>(b); },
           nb::arg("other").none())
      .def("__repr__", [](const Action& a) { return "<quiver.flight.Action " + a.ToString() + ">"; });

  nb::class_<ActionType>(fm, "ActionType", "An action a server offers: its type and a description.")
      .def("__init__", [](ActionType* self, const std::string& type, const std::string& description) {
        new (self) ActionType{type, description};
      }, nb::arg("type"), nb::arg("description"))
      .def_prop_ro("type", [](const ActionType& a) { return a.type; })
      .def_prop_ro("description", [](const ActionType& a) { return a.description; })
      .def("__iter__", [](const ActionType& a) { return nb::iter(nb::make_tuple(a.type, a.description)); })
      .def("__eq__", [](const ActionType& a, nb::handle b) {
        return nb::isinstance<ActionType>(b) && a == nb::cast<ActionType>(b);
      }, nb::arg("other").none())
      .def("__repr__", [](const ActionType& a) {
        return "ActionType(type='" + a.type + "', description='" + a.description + "')";
      });

  nb::class_<FlightResult>(fm, "Result", "One result of DoAction: an opaque body.")
      .def("__init__", [](FlightResult* self, nb::handle buf) { new (self) FlightResult{ToBody(buf)}; }, nb::arg("buf"))
      .def_prop_ro("body", [](const FlightResult& r) { return WrapBuffer(r.body); })
      .def("serialize", [](const FlightResult& r) { return PyBytes(Unwrap(r.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(FlightResult::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const FlightResult& a, nb::handle b) {
        return nb::isinstance<FlightResult>(b) && a == nb::cast<FlightResult>(b);
      }, nb::arg("other").none())
      .def("__repr__", [](const FlightResult& r) { return "<quiver.flight.Result " + r.ToString() + ">"; });

  nb::class_<BasicAuth>(fm, "BasicAuth", "A username and password: the BasicAuth message of the basic handshake.")
      .def("__init__", [](BasicAuth* self, nb::handle username, nb::handle password) {
        new (self) BasicAuth{username.is_none() ? std::string() : BytesOf(username),
                             password.is_none() ? std::string() : BytesOf(password)};
      }, nb::arg("username") = nb::none(), nb::arg("password") = nb::none())
      .def_prop_ro("username", [](const BasicAuth& a) { return PyBytes(a.username); })
      .def_prop_ro("password", [](const BasicAuth& a) { return PyBytes(a.password); })
      .def("serialize", [](const BasicAuth& a) { return PyBytes(Unwrap(a.SerializeToString())); })
      .def_static("deserialize", [](nb::handle data) { return Unwrap(BasicAuth::Deserialize(BytesOf(data))); })
      .def("__eq__", [](const BasicAuth& a, nb::handle b) {
        return nb::isinstance<BasicAuth>(b) && a == nb::cast<BasicAuth>(b);
      }, nb::arg("other").none())
      .def("__repr__", [](const BasicAuth& a) { return "<quiver.flight." + a.ToString().substr(1); });

  nb::class_<PyCallOptions>(fm, "FlightCallOptions",
                           "Per-call options: timeout (seconds), headers, IPC write and read options.")
      .def("__init__", [](PyCallOptions* self, std::optional<double> timeout, nb::handle write_options,
                          nb::handle headers, nb::handle read_options) {
        new (self) PyCallOptions();
        if (timeout) self->options.timeout = std::chrono::duration<double>(*timeout);
        if (!headers.is_none()) {
          for (nb::handle h : headers) {
            nb::tuple pair = nb::cast<nb::tuple>(h);
            self->options.headers.emplace_back(BytesOf(pair[0]), BytesOf(pair[1]));
          }
        }
        // IPC options for the call's data: how a DoPut/DoExchange encodes what it
        // sends, and how a DoGet/DoExchange decodes what it receives.
        self->options.write_options.ipc = WriteOptionsFrom(write_options);
        self->options.read_options = ReadOptionsFrom(read_options);
        self->write_options = nb::borrow(write_options);
        self->read_options = nb::borrow(read_options);
      }, nb::arg("timeout") = nb::none(), nb::arg("write_options") = nb::none(), nb::arg("headers") = nb::none(),
         nb::arg("read_options") = nb::none())
      .def("__repr__", [](const PyCallOptions& o) {
        std::string timeout = o.options.timeout.count() > 0
                                  ? nb::cast<std::string>(nb::repr(nb::float_(o.options.timeout.count())))
                                  : "None";
        std::string headers = "[";
        for (const auto& [k, v] : o.options.headers) {
          if (headers.size() > 1) headers += ", ";
          headers += "(" + nb::cast<std::string>(nb::repr(PyBytes(k))) + ", " +
                     nb::cast<std::string>(nb::repr(PyBytes(v))) + ")";
        }
        headers += "]";
        return "<quiver.flight.FlightCallOptions timeout=" + timeout + " headers=" + headers +
               "\n read_options=" + nb::cast<std::string>(nb::repr(o.read_options)) +
               "\n write_options=" + nb::cast<std::string>(nb::repr(o.write_options)) + "\n>";
      })
      .def_prop_ro("write_options", [](const PyCallOptions& o) { return o.write_options; })
      .def_prop_ro("read_options", [](const PyCallOptions& o) { return o.read_options; })
      .def_prop_ro("timeout", [](const PyCallOptions& o) -> nb::object {
        if (o.options.timeout.count() <= 0) return nb::none();
        return nb::float_(o.options.timeout.count());
      })
      .def_prop_ro("headers", [](const PyCallOptions& o) {
        nb::list out;
        for (const auto& [k, v] : o.options.headers) out.append(nb::make_tuple(PyBytes(k), PyBytes(v)));
        return out;
      });

  // --- client-side streams
  nb::class_<PyClientReader>(fm, "FlightStreamReader", "The data of a DoGet (or the responses of a DoExchange).")
      .def_prop_ro("schema", [](PyClientReader& r) {
        AwaitClientSchema(*r.reader);
        return ReaderSchema(*r.reader);
      })
      .def("read_chunk", [](PyClientReader& r) { return ReadClientChunk(*r.reader); },
           "The next FlightStreamChunk (data and/or app_metadata); StopIteration at the end.")
      .def("read_next", [](PyClientReader& r) { return ReadClientChunk(*r.reader); },
           "The seed's name for read_chunk(): the next FlightStreamChunk; StopIteration at the end.")
      .def("read_all",
           [](PyClientReader& r) {
             auto reader = r.reader;
             TablePtr table = RunInterruptible<TablePtr>([reader] { return reader->ToTable(); },
                                                         [reader] { reader->Cancel(); });
             return WrapTable(table);
           })
      .def("__iter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__next__", [](PyClientReader& r) { return ReadClientChunk(*r.reader); })
      .def("to_reader", [](PyClientReader& r) {
        AwaitClientSchema(*r.reader);
        SchemaPtr schema;
        {
          nb::gil_scoped_release release;
          schema = Unwrap(r.reader->GetSchema());
        }
        return WrapReader(std::make_shared<FlightBatchReader>(r.reader, schema));
      })
      .def("cancel", [](PyClientReader& r) { r.reader->Cancel(); })
      .def_prop_ro("headers", [](PyClientReader& r) {
        nb::list out;
        for (const auto& [k, v] : r.reader->headers()) out.append(nb::make_tuple(PyBytes(k), PyBytes(v)));
        return out;
      });

  nb::class_<PyClientWriter>(fm, "FlightStreamWriter", "The upload side of a DoPut or DoExchange.")
      .def("begin", [](PyClientWriter& w, nb::handle schema, nb::handle options) {
        RefuseBeginOptions(options, "pass them as FlightCallOptions(write_options=...) to do_put or do_exchange");
        BeginWriter(*w.writer, schema);
      }, nb::arg("schema"), nb::arg("options") = nb::none())
      .def("write_batch", [](PyClientWriter& w, nb::handle batch) { WriteBatchTo(*w.writer, batch, nb::none()); })
      .def("write_with_metadata", [](PyClientWriter& w, nb::handle batch, nb::handle metadata) {
        WriteBatchTo(*w.writer, batch, metadata);
      })
      .def("write_table", [](PyClientWriter& w, nb::handle table, std::optional<int64_t> max_chunksize) {
        WriteTableTo(*w.writer, table, max_chunksize);
      }, nb::arg("table"), nb::arg("max_chunksize") = nb::none())
      .def("write", [](PyClientWriter& w, nb::handle obj) {
        if (IsTable(obj)) WriteTableTo(*w.writer, obj, std::nullopt);
        else WriteBatchTo(*w.writer, obj, nb::none());
      })
      .def("write_metadata", [](PyClientWriter& w, nb::handle metadata) { WriteMetadataTo(*w.writer, metadata); })
      .def("done_writing", [](PyClientWriter& w) {
        nb::gil_scoped_release release;
        Check(w.writer->DoneWriting());
      })
      .def("close", [](PyClientWriter& w) {
        nb::gil_scoped_release release;
        Check(w.writer->Close());
      })
      .def("cancel", [](PyClientWriter& w) { w.writer->Cancel(); },
           "Abandons the upload: the server's reader fails with a cancellation instead of "
           "reaching a clean end, so a partial upload is never taken for a complete one.")
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      // Leaving the block by an exception abandons the upload rather than closing it:
      // a clean close would hand the server the batches so far as a complete upload.
      .def("__exit__", [](PyClientWriter& w, nb::handle exc_type, nb::handle, nb::handle) {
        if (!exc_type.is_none()) {
          w.writer->Cancel();
          return;
        }
        nb::gil_scoped_release release;
        Check(w.writer->Close());
      }, nb::arg("exc_type").none(), nb::arg("exc_value").none(), nb::arg("traceback").none());

  nb::class_<PyClientMetadataReader>(fm, "FlightMetadataReader", "The server's PutResult messages of a DoPut.")
      .def("read", [](PyClientMetadataReader& r) -> nb::object {
        std::optional<std::shared_ptr<Buffer>> metadata;
        {
          nb::gil_scoped_release release;
          metadata = Unwrap(r.reader->ReadMetadata());
        }
        if (!metadata) return nb::none();
        return WrapBuffer(*metadata);
      }, "The next app_metadata Buffer, or None at the end.");

  // --- client
  nb::class_<PyClient>(fm, "_Client")
      .def("__init__", [](PyClient* self, nb::handle location, nb::handle tls_root_certs, nb::handle cert_chain,
                          nb::handle private_key, nb::handle override_hostname, bool disable_server_verification,
                          std::optional<int64_t> write_size_limit_bytes, nb::handle generic_options,
                          nb::handle middleware, bool cookies) {
        FlightClientOptions options;
        if (cookies) options.middleware.push_back(MakeCookieMiddlewareFactory());
        if (!middleware.is_none()) {
          options.middleware.push_back(std::make_shared<PyClientMiddlewareFactory>(middleware.inc_ref().ptr()));
        }
        if (!tls_root_certs.is_none()) options.tls_root_certs = BytesOf(tls_root_certs);
        if (!cert_chain.is_none()) options.cert_chain = BytesOf(cert_chain);
        if (!private_key.is_none()) options.private_key = BytesOf(private_key);
        if (!override_hostname.is_none()) options.override_hostname = BytesOf(override_hostname);
        options.disable_server_verification = disable_server_verification;
        options.write_size_limit_bytes = write_size_limit_bytes.value_or(0);
        if (!generic_options.is_none()) {
          for (nb::handle item : generic_options) {
            nb::tuple pair = nb::cast<nb::tuple>(item);
            std::variant<int, std::string> value;
            if (PyLong_Check(pair[1].ptr())) value = nb::cast<int>(pair[1]);
            else value = BytesOf(pair[1]);
            options.generic_options.emplace_back(BytesOf(pair[0]), value);
          }
        }
        Location loc = ToLocation(location);
        std::unique_ptr<FlightClient> client;
        {
          nb::gil_scoped_release release;
          client = Unwrap(FlightClient::Connect(loc, options));
        }
        new (self) PyClient{std::move(client)};
      }, nb::arg("location"), nb::arg("tls_root_certs") = nb::none(), nb::arg("cert_chain") = nb::none(),
         nb::arg("private_key") = nb::none(), nb::arg("override_hostname") = nb::none(),
         nb::arg("disable_server_verification") = false, nb::arg("write_size_limit_bytes") = nb::none(),
         nb::arg("generic_options") = nb::none(), nb::arg("middleware") = nb::none(), nb::arg("cookies") = false)
      .def("list_flights", [](PyClient& c, nb::handle criteria, nb::handle options) {
        Criteria crit{criteria.is_none() ? std::string() : BytesOf(criteria)};
        auto opts = CallOptions(options);
        std::unique_ptr<FlightListing> listing;
        {
          nb::gil_scoped_release release;
          listing = Unwrap(c.client->ListFlights(opts, crit));
        }
        return DrainStream<FlightInfo>(*listing, &WrapFlightInfo);
      }, nb::arg("criteria") = nb::none(), nb::arg("options") = nb::none())
      .def("get_flight_info", [](PyClient& c, nb::handle descriptor, nb::handle options) {
        auto d = ToDescriptor(descriptor);
        auto opts = CallOptions(options);
        nb::gil_scoped_release release;
        return Unwrap(c.client->GetFlightInfo(opts, d));
      }, nb::arg("descriptor"), nb::arg("options") = nb::none())
      .def("poll_flight_info", [](PyClient& c, nb::handle descriptor, nb::handle options) {
        auto d = ToDescriptor(descriptor);
        auto opts = CallOptions(options);
        nb::gil_scoped_release release;
        return Unwrap(c.client->PollFlightInfo(opts, d));
      }, nb::arg("descriptor"), nb::arg("options") = nb::none())
      .def("get_schema", [](PyClient& c, nb::handle descriptor, nb::handle options) {
        auto d = ToDescriptor(descriptor);
        auto opts = CallOptions(options);
        SchemaPtr schema;
        {
          nb::gil_scoped_release release;
          schema = Unwrap(c.client->GetSchema(opts, d));
        }
        if (!schema) ThrowStatus(Status::Invalid("the server sent no schema"));
        return Unwrap(SchemaResult::Make(*schema));
      }, nb::arg("descriptor"), nb::arg("options") = nb::none())
      .def("do_get", [](PyClient& c, nb::handle ticket, nb::handle options) {
        auto t = ToTicket(ticket);
        auto opts = CallOptions(options);
        std::unique_ptr<FlightStreamReader> reader;
        {
          nb::gil_scoped_release release;
          reader = Unwrap(c.client->DoGet(opts, t));
        }
        return PyClientReader{std::move(reader)};
      }, nb::arg("ticket"), nb::arg("options") = nb::none())
      .def("do_put", [](PyClient& c, nb::handle descriptor, nb::handle schema, nb::handle options) {
        auto d = ToDescriptor(descriptor);
        SchemaPtr s = schema.is_none() ? nullptr : ToSchema(schema);
        auto opts = CallOptions(options);
        FlightClient::DoPutResult result;
        {
          nb::gil_scoped_release release;
          result = Unwrap(c.client->DoPut(opts, d, s));
        }
        return nb::make_tuple(PyClientWriter{std::move(result.writer)}, PyClientMetadataReader{std::move(result.reader)});
      }, nb::arg("descriptor"), nb::arg("schema").none(), nb::arg("options") = nb::none())
      .def("do_exchange", [](PyClient& c, nb::handle descriptor, nb::handle options) {
        auto d = ToDescriptor(descriptor);
        auto opts = CallOptions(options);
        FlightClient::DoExchangeResult result;
        {
          nb::gil_scoped_release release;
          result = Unwrap(c.client->DoExchange(opts, d));
        }
        return nb::make_tuple(PyClientWriter{std::move(result.writer)}, PyClientReader{std::move(result.reader)});
      }, nb::arg("descriptor"), nb::arg("options") = nb::none())
      .def("do_action", [](PyClient& c, nb::handle action, nb::handle options) {
        Action a;
        if (nb::isinstance<Action>(action)) {
          a = nb::cast<Action>(action);
        } else if (PyTuple_Check(action.ptr())) {
          nb::tuple pair = nb::borrow<nb::tuple>(action);
          a = Action{nb::cast<std::string>(pair[0]), ToBody(pair[1])};
        } else {
          a = Action{nb::cast<std::string>(action), Buffer::FromString("")};
        }
        auto opts = CallOptions(options);
        std::unique_ptr<ResultStream> results;
        {
          nb::gil_scoped_release release;
          results = Unwrap(c.client->DoAction(opts, a));
        }
        return DrainStream<FlightResult>(*results, &WrapResult);
      }, nb::arg("action"), nb::arg("options") = nb::none())
      .def("list_actions", [](PyClient& c, nb::handle options) {
        auto opts = CallOptions(options);
        nb::gil_scoped_release release;
        return Unwrap(c.client->ListActions(opts));
      }, nb::arg("options") = nb::none())
      .def("handshake", [](PyClient& c, nb::handle options) {
        auto opts = CallOptions(options);
        std::unique_ptr<ClientHandshakeStream> stream;
        {
          nb::gil_scoped_release release;
          stream = Unwrap(c.client->Handshake(opts));
        }
        return PyClientHandshake{std::move(stream)};
      }, nb::arg("options") = nb::none(), "Opens the raw Handshake stream (authentication helpers build on it).")
      .def("close", [](PyClient& c) {
        nb::gil_scoped_release release;
        Check(c.client->Close());
      });

  // --- server-side handler objects
  nb::class_<PyServerContext>(fm, "ServerCallContext", "What a handler knows about its call.")
      .def("peer", [](const PyServerContext& c) { return c.slot->get().peer(); })
      .def("peer_identity", [](const PyServerContext& c) {
        return PyBytes(c.identity ? *c.identity : c.slot->get().peer_identity());
      })
      .def_prop_ro("method", [](const PyServerContext& c) { return c.slot->get().method(); })
      .def("is_cancelled", [](const PyServerContext& c) { return c.slot->get().is_cancelled(); })
      .def("add_header", [](const PyServerContext& c, nb::handle key, nb::handle value) {
        Check(c.slot->get().AddHeader(BytesOf(key), BytesOf(value)));
      })
      .def("add_trailer", [](const PyServerContext& c, nb::handle key, nb::handle value) {
        Check(c.slot->get().AddTrailer(BytesOf(key), BytesOf(value)));
      })
      .def_prop_ro("incoming_headers", [](const PyServerContext& c) {
        nb::list out;
        for (const auto& [k, v] : c.slot->get().incoming_headers()) out.append(nb::make_tuple(PyBytes(k), PyBytes(v)));
        return out;
      })
      .def("get_middleware", [](const PyServerContext& c, nb::handle key) -> nb::object {
        if (c.middleware.is_valid() && PyDict_Check(c.middleware.ptr())) {
          PyObject* found = PyDict_GetItemWithError(c.middleware.ptr(), key.ptr());
          if (found != nullptr) return nb::borrow(found);
          if (PyErr_Occurred()) throw nb::python_error();
        }
        return nb::none();
      }, nb::arg("key"))
      .def("_set_middleware", [](PyServerContext& c, nb::handle middleware) { c.middleware = nb::borrow(middleware); })
      .def("_set_peer_identity", [](PyServerContext& c, nb::handle identity) { c.identity = BytesOf(identity); });

  nb::class_<PyServerHandshake>(fm, "ServerHandshakeStream", "The server's side of the Handshake stream.")
      .def("read", [](PyServerHandshake& h) -> nb::object {
        ServerHandshakeStream& stream = h.slot->get();
        std::optional<std::string> payload;
        {
          nb::gil_scoped_release release;
          payload = Unwrap(stream.Read());
        }
        if (!payload) return nb::none();
        return PyBytes(*payload);
      }, "The next HandshakeRequest payload, or None once the client is done.")
      .def("write", [](PyServerHandshake& h, nb::handle payload) {
        ServerHandshakeStream& stream = h.slot->get();
        std::string bytes = BytesOf(payload);
        nb::gil_scoped_release release;
        Check(stream.Write(std::move(bytes)));
      });

  nb::class_<PyClientHandshake>(fm, "ClientHandshakeStream", "The client's side of the Handshake stream.")
      .def("write", [](PyClientHandshake& h, nb::handle payload) {
        std::string bytes = BytesOf(payload);
        nb::gil_scoped_release release;
        Check(h.stream->Write(std::move(bytes)));
      })
      .def("done_writing", [](PyClientHandshake& h) {
        nb::gil_scoped_release release;
        Check(h.stream->DoneWriting());
      })
      .def("read", [](PyClientHandshake& h) -> nb::object {
        std::optional<std::string> payload;
        {
          nb::gil_scoped_release release;
          payload = Unwrap(h.stream->Read());
        }
        if (!payload) return nb::none();
        return PyBytes(*payload);
      })
      .def("finish", [](PyClientHandshake& h) {
        nb::gil_scoped_release release;
        Check(h.stream->Finish());
      })
      .def_prop_ro("headers", [](PyClientHandshake& h) {
        nb::list out;
        for (const auto& [k, v] : h.stream->headers()) out.append(nb::make_tuple(PyBytes(k), PyBytes(v)));
        return out;
      });

  nb::class_<PyServerReader>(fm, "MetadataRecordBatchReader", "The client's data in a DoPut or DoExchange.")
      .def_prop_ro("schema", [](PyServerReader& r) { return ReaderSchema(r.slot->get()); })
      .def_prop_ro("descriptor", [](PyServerReader& r) { return r.slot->get().descriptor(); })
      .def("read_chunk", [](PyServerReader& r) { return ReadChunk(r.slot->get()); })
      .def("read_all", [](PyServerReader& r) { return ReadAllTable(r.slot->get()); })
      .def("__iter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__next__", [](PyServerReader& r) { return ReadChunk(r.slot->get()); });

  nb::class_<PyMetadataWriter>(fm, "FlightMetadataWriter", "Sends PutResult messages during a DoPut.")
      .def("write", [](PyMetadataWriter& w, nb::handle metadata) {
        auto m = ToBody(metadata);
        FlightMetadataWriter& writer = w.slot->get();
        nb::gil_scoped_release release;
        Check(writer.WriteMetadata(m));
      });

  nb::class_<PyServerWriter>(fm, "MetadataRecordBatchWriter", "The server's data in a DoExchange.")
      .def("begin", [](PyServerWriter& w, nb::handle schema, nb::handle options) {
        RefuseBeginOptions(options, "a DoExchange's responses are written with the defaults");
        BeginWriter(w.slot->get(), schema);
      }, nb::arg("schema"), nb::arg("options") = nb::none())
      .def("write_batch", [](PyServerWriter& w, nb::handle batch) { WriteBatchTo(w.slot->get(), batch, nb::none()); })
      .def("write_with_metadata", [](PyServerWriter& w, nb::handle batch, nb::handle metadata) {
        WriteBatchTo(w.slot->get(), batch, metadata);
      })
      .def("write_table", [](PyServerWriter& w, nb::handle table, std::optional<int64_t> max_chunksize) {
        WriteTableTo(w.slot->get(), table, max_chunksize);
      }, nb::arg("table"), nb::arg("max_chunksize") = nb::none())
      .def("write_metadata", [](PyServerWriter& w, nb::handle metadata) { WriteMetadataTo(w.slot->get(), metadata); });

  // --- server
  nb::class_<PyServerBox>(fm, "_Server")
      .def("__init__", [](PyServerBox* self, nb::handle owner) {
        new (self) PyServerBox(std::make_shared<PyServer>(owner.ptr()));
      })
      .def("init", [](PyServerBox& s, nb::handle location, nb::handle tls_certificates, bool verify_client,
                      nb::handle root_certificates, nb::handle header_auth, int max_handler_threads) {
        FlightServerOptions options(ToLocation(location));
        options.max_handler_threads = max_handler_threads;
        if (!header_auth.is_none()) {
          // (key, check_password(user, password) -> bool, token lifetime in seconds)
          nb::tuple spec = nb::cast<nb::tuple>(header_auth);
          std::string key = nb::cast<std::string>(spec[0]);
          auto check = std::make_shared<PyObjectHolder>(nb::object(spec[1]).release().ptr());
          auto lifetime = std::chrono::seconds(nb::cast<int64_t>(spec[2]));
          auto factory = std::make_shared<HeaderAuthServerMiddlewareFactory>(
              [check](const std::string& user, const std::string& password) -> Status {
                if (!PythonIsAlive()) return Status::Invalid("the Python interpreter is exiting");
                nb::gil_scoped_acquire gil;
                try {
                  if (nb::cast<bool>(nb::handle(check->get())(user, password))) return Status::OK();
                  return Status::Invalid("refused");
                } catch (nb::python_error& e) {
                  e.restore();
                  return HandlerError();
                }
              },
              lifetime);
          options.middleware.emplace_back(key, std::move(factory));
          s.server->set_header_auth_key(key);
        }
        if (!tls_certificates.is_none()) {
          for (nb::handle pair : tls_certificates) {
            nb::tuple t = nb::cast<nb::tuple>(pair);
            options.tls_certificates.push_back(CertKeyPair{BytesOf(t[0]), BytesOf(t[1])});
          }
        }
        options.verify_client = verify_client;
        if (!root_certificates.is_none()) options.root_certificates = BytesOf(root_certificates);
        nb::gil_scoped_release release;
        Check(s.server->Init(options));
      }, nb::arg("location"), nb::arg("tls_certificates") = nb::none(), nb::arg("verify_client") = false,
         nb::arg("root_certificates") = nb::none(), nb::arg("header_auth") = nb::none(),
         nb::arg("max_handler_threads") = FlightServerOptions::kDefaultMaxHandlerThreads)
      .def_prop_ro("port", [](PyServerBox& s) { return s.server->port(); })
      .def_prop_ro("location", [](PyServerBox& s) { return Unwrap(s.server->location()); })
      .def("serve", [](PyServerBox& s) {
        nb::gil_scoped_release release;
        Check(s.server->Serve());
      })
      .def("shutdown", [](PyServerBox& s, std::optional<double> timeout) {
        std::optional<std::chrono::system_clock::time_point> deadline;
        if (timeout) {
          deadline = std::chrono::system_clock::now() +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(*timeout));
        }
        nb::gil_scoped_release release;
        Check(s.server->Shutdown(deadline));
      }, nb::arg("timeout") = nb::none())
      .def("wait", [](PyServerBox& s) {
        nb::gil_scoped_release release;
        Check(s.server->Wait());
      });
}

}  // namespace quiver::py
