"""Arrow Flight, with pyarrow.flight's API.

    import quiver as pa
    import quiver.flight as flight

    class Server(flight.FlightServerBase):
        def do_get(self, context, ticket):
            return flight.RecordBatchStream(pa.table({"x": [1, 2, 3]}))

    with Server("grpc://127.0.0.1:0") as server:
        client = flight.connect(("127.0.0.1", server.port))
        print(client.do_get(flight.Ticket(b"")).read_all())

Locations may be given as strings ("grpc://host:port"), (host, port) tuples or
Location objects; action bodies and results as bytes, str or buffers.

Servers run their handlers on gRPC threads; each takes the GIL only to run
Python, so a slow handler never holds up another call's data transfer.
serve() blocks until shutdown() (from another thread or a handler) or Ctrl-C.
"""

from __future__ import annotations

import threading
import time
from collections import namedtuple

from quiver import lib

_f = lib._flight

Action = _f.Action
ActionType = _f.ActionType
DescriptorType = _f.DescriptorType
FlightCallOptions = _f.FlightCallOptions
FlightDescriptor = _f.FlightDescriptor
FlightEndpoint = _f.FlightEndpoint
FlightInfo = _f.FlightInfo
FlightMetadataReader = _f.FlightMetadataReader
FlightMetadataWriter = _f.FlightMetadataWriter
FlightStreamReader = _f.FlightStreamReader
FlightStreamWriter = _f.FlightStreamWriter
Location = _f.Location
MetadataRecordBatchReader = _f.MetadataRecordBatchReader
MetadataRecordBatchWriter = _f.MetadataRecordBatchWriter
PollInfo = _f.PollInfo
Result = _f.Result
SchemaResult = _f.SchemaResult
ServerCallContext = _f.ServerCallContext
Ticket = _f.Ticket

FlightError = _f.FlightError
FlightInternalError = _f.FlightInternalError
FlightTimedOutError = _f.FlightTimedOutError
FlightCancelledError = _f.FlightCancelledError
FlightUnauthenticatedError = _f.FlightUnauthenticatedError
FlightUnauthorizedError = _f.FlightUnauthorizedError
FlightUnavailableError = _f.FlightUnavailableError
FlightServerError = _f.FlightServerError
FlightWriteSizeExceededError = _f.FlightWriteSizeExceededError

__all__ = [
    "Action", "ActionType", "DescriptorType", "FlightCallOptions", "FlightClient", "FlightDescriptor",
    "FlightEndpoint", "FlightInfo", "FlightMetadataReader", "FlightMetadataWriter", "FlightServerBase",
    "FlightStreamChunk", "FlightStreamReader", "FlightStreamWriter", "GeneratorStream", "Location",
    "MetadataRecordBatchReader", "MetadataRecordBatchWriter", "PollInfo", "RecordBatchStream", "Result",
    "SchemaResult", "ServerCallContext", "Ticket", "connect",
    "FlightError", "FlightInternalError", "FlightTimedOutError", "FlightCancelledError",
    "FlightUnauthenticatedError", "FlightUnauthorizedError", "FlightUnavailableError", "FlightServerError",
    "FlightWriteSizeExceededError",
]

FlightStreamChunk = namedtuple("FlightStreamChunk", ["data", "app_metadata"])
FlightStreamChunk.__doc__ = "One item of a Flight data stream: a RecordBatch, app_metadata (a Buffer), or both."


def _for_table(table, descriptor, endpoints):
    """A FlightInfo describing `table` (its schema, row count and size)."""
    return FlightInfo(table.schema, descriptor, list(endpoints), table.num_rows, table.nbytes)


FlightInfo.for_table = staticmethod(_for_table)


def _location_of(location):
    if isinstance(location, Location):
        return location
    if isinstance(location, tuple):
        return Location.for_grpc_tcp(location[0], location[1])
    return Location(location)


def _read_pandas(self, **kwargs):
    return self.read_all().to_pandas(**kwargs)


FlightStreamReader.read_pandas = _read_pandas
MetadataRecordBatchReader.read_pandas = _read_pandas


# ---------------------------------------------------------------------------
# Client


class FlightClient:
    """A connection to a Flight service; one method per RPC.

    The connection is made lazily: an unreachable server shows up on the first call
    (or wait_for_available()).
    """

    def __init__(self, location, tls_root_certs=None, *, cert_chain=None, private_key=None,
                 override_hostname=None, middleware=None, write_size_limit_bytes=None,
                 disable_server_verification=False, generic_options=None):
        if middleware:
            raise NotImplementedError("client middleware is not supported yet")
        self._impl = _f._Client(_location_of(location), tls_root_certs, cert_chain, private_key,
                                override_hostname, bool(disable_server_verification),
                                write_size_limit_bytes, generic_options)

    def list_flights(self, criteria=None, options=None):
        """The FlightInfos the server lists (for `criteria`, bytes)."""
        return iter(self._impl.list_flights(criteria, options))

    def get_flight_info(self, descriptor, options=None):
        return self._impl.get_flight_info(descriptor, options)

    def poll_flight_info(self, descriptor, options=None):
        return self._impl.poll_flight_info(descriptor, options)

    def get_schema(self, descriptor, options=None):
        """A SchemaResult (its .schema is the dataset's schema)."""
        return self._impl.get_schema(descriptor, options)

    def do_get(self, ticket, options=None):
        """A FlightStreamReader over the data for `ticket`."""
        return self._impl.do_get(ticket, options)

    def do_put(self, descriptor, schema, options=None):
        """Starts an upload: returns (FlightStreamWriter, FlightMetadataReader)."""
        return self._impl.do_put(descriptor, schema, options)

    def do_exchange(self, descriptor, options=None):
        """Opens a bidirectional stream: returns (FlightStreamWriter, FlightStreamReader)."""
        return self._impl.do_exchange(descriptor, options)

    def do_action(self, action, options=None):
        """The Results of an action (an Action, a (type, body) tuple, or a type string)."""
        return iter(self._impl.do_action(action, options))

    def list_actions(self, options=None):
        return self._impl.list_actions(options)

    def wait_for_available(self, timeout=5):
        """Waits until the server answers (any answer, even an error, means it is up)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._impl.list_flights(None, FlightCallOptions(timeout=max(0.05, min(1.0, deadline - time.monotonic()))))
                return
            except FlightUnavailableError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
            except FlightTimedOutError:
                if time.monotonic() >= deadline:
                    raise
            except (FlightError, lib.ArrowException):
                return

    def close(self):
        self._impl.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def connect(location, tls_certificates=None, cert_chain=None, private_key=None, auth_handler=None,
            call_options=None, tls_root_certs=None, tls_override_hostname=None, middleware=None,
            write_size_limit_bytes=None, disable_server_verification=False):
    """A FlightClient for `location` (the seed's signature)."""
    if auth_handler is not None:
        raise NotImplementedError("auth_handler is not supported yet")
    return FlightClient(location, tls_root_certs if tls_root_certs is not None else tls_certificates,
                        cert_chain=cert_chain, private_key=private_key,
                        override_hostname=tls_override_hostname, middleware=middleware,
                        write_size_limit_bytes=write_size_limit_bytes,
                        disable_server_verification=disable_server_verification)


# ---------------------------------------------------------------------------
# Server


class RecordBatchStream:
    """Serves a Table or RecordBatchReader (or RecordBatch) from do_get."""

    def __init__(self, data_source, options=None):
        if not isinstance(data_source, (lib.Table, lib.RecordBatchReader, lib.RecordBatch)):
            raise TypeError(f"RecordBatchStream expects a Table, RecordBatch or RecordBatchReader, "
                            f"got {data_source.__class__.__name__}")
        self._quiver_data_source = data_source


class GeneratorStream:
    """Serves what a generator yields from do_get: RecordBatches, Tables, or
    (RecordBatch, app_metadata) pairs, all of `schema`."""

    def __init__(self, schema, generator, options=None):
        self.schema = schema
        self._quiver_generator = generator


class FlightServerBase:
    """Subclass and override the handlers you serve; the rest answer UNIMPLEMENTED.

    Handlers may return or yield (list_flights, do_action); do_get returns a
    RecordBatchStream, GeneratorStream, Table or RecordBatchReader. Raising a
    FlightError subclass sends that error (with extra_info) to the client; any
    other exception arrives as an internal error with its message.
    """

    def __init__(self, location=None, auth_handler=None, tls_certificates=None, verify_client=False,
                 root_certificates=None, middleware=None):
        if auth_handler is not None:
            raise NotImplementedError("server auth handlers are not supported yet")
        if middleware:
            raise NotImplementedError("server middleware is not supported yet")
        self.__impl = _f._Server(self)
        self.__options = (tls_certificates, verify_client, root_certificates)
        self.__started = False
        self.__lock = threading.Lock()
        if location is not None:
            self.__start(location)

    def __start(self, location):
        with self.__lock:
            if self.__started:
                return
            tls_certificates, verify_client, root_certificates = self.__options
            certs = None
            if tls_certificates:
                certs = [(c.cert, c.key) if hasattr(c, "cert") else tuple(c) for c in tls_certificates]
            self.__impl.init(_location_of(location), certs, bool(verify_client), root_certificates)
            self.__started = True

    @property
    def port(self):
        """The bound TCP port (the chosen one when the location's port was 0)."""
        return self.__impl.port

    @property
    def location(self):
        return self.__impl.location

    def serve(self, location=None):
        """Serves until shutdown() is called or the process gets Ctrl-C (SIGINT)."""
        if location is not None:
            self.__start(location)
        if not self.__started:
            raise lib.ArrowInvalid("the server has no location: pass one to the constructor or serve()")
        done = threading.Event()

        def run():
            try:
                self.__impl.serve()
            finally:
                done.set()

        thread = threading.Thread(target=run, name="quiver-flight-serve", daemon=True)
        thread.start()
        try:
            # Wait in short steps so that the main thread sees KeyboardInterrupt promptly.
            while not done.wait(0.1):
                pass
        except KeyboardInterrupt:
            self.shutdown()
            thread.join()
            raise

    run = serve

    def shutdown(self, timeout=None):
        """Stops the server (calls in flight may run `timeout` more seconds), from any thread."""
        if self.__started:
            self.__impl.shutdown(timeout)

    def wait(self):
        """Blocks until the server has been shut down."""
        if self.__started:
            self.__impl.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.wait()

    # --- handlers (override these)

    def list_flights(self, context, criteria):
        raise NotImplementedError("ListFlights is not implemented")

    def get_flight_info(self, context, descriptor):
        raise NotImplementedError("GetFlightInfo is not implemented")

    def poll_flight_info(self, context, descriptor):
        raise NotImplementedError("PollFlightInfo is not implemented")

    def get_schema(self, context, descriptor):
        raise NotImplementedError("GetSchema is not implemented")

    def do_get(self, context, ticket):
        raise NotImplementedError("DoGet is not implemented")

    def do_put(self, context, descriptor, reader, writer):
        raise NotImplementedError("DoPut is not implemented")

    def do_exchange(self, context, descriptor, reader, writer):
        raise NotImplementedError("DoExchange is not implemented")

    def do_action(self, context, action):
        raise NotImplementedError(f"Action {action.type!r} is not implemented")

    def list_actions(self, context):
        return []
