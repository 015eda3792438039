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

import atexit
import base64
import enum
import re
import threading
import time
import weakref
from collections import namedtuple

from quiver import lib

_f = lib._flight

Action = _f.Action
ActionType = _f.ActionType
BasicAuth = _f.BasicAuth
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
    "CallInfo", "ClientAuthHandler", "ClientMiddleware", "ClientMiddlewareFactory", "FlightMethod",
    "ServerAuthHandler", "ServerMiddleware", "ServerMiddlewareFactory",
    "BasicAuth", "CertKeyPair", "FlightDataStream", "TracingServerMiddlewareFactory",
    "TracingServerMiddleware", "TracingClientMiddlewareFactory", "ClientCookieMiddlewareFactory",
    "HeaderAuthServerMiddlewareFactory",
    "current_trace_context",
]

CertKeyPair = namedtuple("CertKeyPair", ["cert", "key"])
CertKeyPair.__doc__ = "A TLS certificate chain and its private key, PEM (FlightServerBase(tls_certificates=[...]))."

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


class FlightMethod(enum.Enum):
    """The RPC a middleware sees (CallInfo.method)."""

    INVALID = 0
    HANDSHAKE = 1
    LIST_FLIGHTS = 2
    GET_FLIGHT_INFO = 3
    GET_SCHEMA = 4
    DO_GET = 5
    DO_PUT = 6
    DO_ACTION = 7
    LIST_ACTIONS = 8
    DO_EXCHANGE = 9
    POLL_FLIGHT_INFO = 10


CallInfo = namedtuple("CallInfo", ["method"])
CallInfo.__doc__ = "What a middleware factory learns about a call: its FlightMethod."

_METHODS = {
    "handshake": FlightMethod.HANDSHAKE,
    "list_flights": FlightMethod.LIST_FLIGHTS,
    "get_flight_info": FlightMethod.GET_FLIGHT_INFO,
    "poll_flight_info": FlightMethod.POLL_FLIGHT_INFO,
    "get_schema": FlightMethod.GET_SCHEMA,
    "do_get": FlightMethod.DO_GET,
    "do_put": FlightMethod.DO_PUT,
    "do_exchange": FlightMethod.DO_EXCHANGE,
    "do_action": FlightMethod.DO_ACTION,
    "list_actions": FlightMethod.LIST_ACTIONS,
}

_TOKEN_HEADER = b"auth-token-bin"


class ClientMiddlewareFactory:
    """Makes a ClientMiddleware for each call (start_call(info) may return None)."""

    def start_call(self, info):
        return None


class ClientMiddleware:
    """Sees a client call: sending_headers() returns headers to add; received_headers
    (and received_trailers) get the server's; call_completed(exception) ends it."""

    def sending_headers(self):
        return {}

    def received_headers(self, headers):
        pass

    def call_completed(self, exception):
        pass


class ServerMiddlewareFactory:
    """Makes a ServerMiddleware for each call: start_call(info, headers); raising
    a FlightError rejects the call."""

    def start_call(self, info, headers):
        return None


class ServerMiddleware:
    """Sees a server call: sending_headers() returns response headers;
    call_completed(exception) ends it. Handlers reach it with
    context.get_middleware(key)."""

    def sending_headers(self):
        return {}

    def call_completed(self, exception):
        pass


# The W3C Trace Context headers (https://www.w3.org/TR/trace-context/).
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_tracing = threading.local()


def _valid_traceparent(value):
    match = _TRACEPARENT.match(value)
    if match is None:
        return False
    version, trace_id, parent_id, _ = match.groups()
    return version != "ff" and trace_id != "0" * 32 and parent_id != "0" * 16


def current_trace_context():
    """The trace context of the server call this thread is handling (a dict with
    'traceparent' and maybe 'tracestate'), or an empty dict outside one."""
    return dict(getattr(_tracing, "context", None) or {})


class TracingServerMiddleware(ServerMiddleware):
    """The trace context a call arrived with: `trace_context` is a dict with the
    W3C 'traceparent' (when the client sent a valid one) and 'tracestate'."""

    def __init__(self, trace_context):
        self.trace_context = trace_context
        self._previous = getattr(_tracing, "context", None)
        _tracing.context = trace_context

    def call_completed(self, exception):
        _tracing.context = self._previous


class TracingServerMiddlewareFactory(ServerMiddlewareFactory):
    """Extracts the W3C `traceparent`/`tracestate` headers of each call; handlers
    read them with context.get_middleware(key).trace_context, and a
    TracingClientMiddlewareFactory passes them on to the calls a handler makes.
    An invalid traceparent is dropped (with its tracestate), as the W3C
    specification asks. Quiver records no spans itself (no OpenTelemetry)."""

    def start_call(self, info, headers):
        trace_context = {}
        parents = headers.get("traceparent", [])
        if len(parents) == 1 and _valid_traceparent(parents[0].strip()):
            trace_context["traceparent"] = parents[0].strip()
            states = [state.strip() for state in headers.get("tracestate", []) if state.strip()]
            if states:
                trace_context["tracestate"] = ",".join(states)
        return TracingServerMiddleware(trace_context)


class _TracingClientMiddleware(ClientMiddleware):
    def __init__(self, trace_context):
        self._trace_context = trace_context

    def sending_headers(self):
        return {key: value for key, value in self._trace_context.items() if key in ("traceparent", "tracestate")}


class TracingClientMiddlewareFactory(ClientMiddlewareFactory):
    """Propagates a W3C trace context with every call: `trace_context` (a dict,
    or a callable returning one), else the context of the server call the
    calling thread is handling (see TracingServerMiddlewareFactory)."""

    def __init__(self, trace_context=None):
        self._trace_context = trace_context

    def start_call(self, info):
        source = self._trace_context
        trace_context = source() if callable(source) else source
        if trace_context is None:
            trace_context = current_trace_context()
        if not trace_context or not _valid_traceparent(str(trace_context.get("traceparent", ""))):
            return None
        return _TracingClientMiddleware(trace_context)


class HeaderAuthServerMiddlewareFactory(ServerMiddlewareFactory):
    """Basic/Bearer header authentication for a server, ready to install
    (middleware={"auth": HeaderAuthServerMiddlewareFactory(check)}).

    A Handshake carrying `authorization: Basic ...` (the client's
    authenticate_basic_token) is checked with check_password(user, password),
    which returns True to accept; the answer carries `authorization: Bearer
    <token>` (random, valid for token_lifetime seconds). Every other call must
    carry that Bearer header (or valid Basic credentials), else it is refused
    with FlightUnauthenticatedError before any handler runs;
    context.peer_identity() is the user name. It runs inside the C++ server, so
    start_call is never called."""

    def __init__(self, check_password, token_lifetime=12 * 3600):
        if not callable(check_password):
            raise TypeError("check_password must be callable: check_password(user, password) -> bool")
        self.check_password = check_password
        self.token_lifetime = int(token_lifetime)

    def start_call(self, info, headers):
        return None


class ClientCookieMiddlewareFactory(ClientMiddlewareFactory):
    """Keeps the cookies servers set (set-cookie) and sends them back (cookie) on
    the client's later calls, until they expire. Apache Arrow's cookie
    middleware; it runs inside the C++ client, so start_call is never called."""

    def start_call(self, info):
        return None


class ClientAuthHandler:
    """Authenticates a client over the Handshake call.

    authenticate(outgoing, incoming) may send request headers
    (outgoing.append((key, value))) and read response headers (iterate
    incoming), or exchange payloads (outgoing.write(bytes), incoming.read());
    get_token() then gives the token sent with every later call.
    """

    def authenticate(self, outgoing, incoming):
        raise NotImplementedError

    def get_token(self):
        raise NotImplementedError


class ServerAuthHandler:
    """Authenticates clients: authenticate(outgoing, incoming) runs for each
    Handshake (incoming iterates the request headers or read()s payloads;
    outgoing.append((key, value)) adds a response header, write() a payload);
    is_valid(token) checks the token of every other call and returns the peer
    identity (falsy: rejected as unauthenticated)."""

    def authenticate(self, outgoing, incoming):
        raise NotImplementedError

    def is_valid(self, token):
        raise NotImplementedError


class _AuthToken(str):
    """A token as text that also compares equal to its bytes (pyarrow's handlers compare bytes)."""

    def __new__(cls, raw):
        token = super().__new__(cls, raw.decode("utf-8"))
        token._raw = raw
        return token

    def __eq__(self, other):
        if isinstance(other, (bytes, bytearray)):
            return self._raw == bytes(other)
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    def __bytes__(self):
        return self._raw


def _as_token(raw):
    try:
        return _AuthToken(raw)
    except UnicodeDecodeError:
        return raw


def _header_bytes(value):
    return value.encode() if isinstance(value, str) else bytes(value)


def _header_pairs(headers):
    """(key, value) byte pairs from a dict of values or lists, or a list of pairs."""
    if not headers:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    pairs = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((_header_bytes(key), _header_bytes(v)) for v in values)
    return pairs


def _headers_dict(pairs):
    """pyarrow's form of call headers: {str key: [values]}, the values str, or
    bytes for binary ("-bin") headers."""
    out = {}
    for key, value in pairs:
        k = key.decode("latin-1") if isinstance(key, bytes) else key
        if k.endswith("-bin"):
            v = bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else value.encode("latin-1")
        else:
            v = value.decode("latin-1") if isinstance(value, bytes) else value
        out.setdefault(k, []).append(v)
    return out


_METHODS_BY_RPC = {
    "Handshake": FlightMethod.HANDSHAKE,
    "ListFlights": FlightMethod.LIST_FLIGHTS,
    "GetFlightInfo": FlightMethod.GET_FLIGHT_INFO,
    "PollFlightInfo": FlightMethod.POLL_FLIGHT_INFO,
    "GetSchema": FlightMethod.GET_SCHEMA,
    "DoGet": FlightMethod.DO_GET,
    "DoPut": FlightMethod.DO_PUT,
    "DoExchange": FlightMethod.DO_EXCHANGE,
    "DoAction": FlightMethod.DO_ACTION,
    "ListActions": FlightMethod.LIST_ACTIONS,
}


class _ClientMiddlewareCall:
    """The Python middleware of one client call. The C++ client drives it: it
    sends headers() with the call and calls complete() once, on the thread that
    finished the call (read to the end, closed, or dropped the stream)."""

    def __init__(self, started):
        self._started = started

    def headers(self):
        pairs = []
        for middleware in self._started:
            if hasattr(middleware, "sending_headers"):
                pairs.extend(_header_pairs(middleware.sending_headers()))
        return pairs

    def complete(self, headers, trailers, exception):
        # As Apache Arrow: received_headers gets the server's initial headers, or
        # its trailers when it answered with trailers only (most errors).
        initial = _headers_dict(headers if headers else trailers)
        trailing = _headers_dict(trailers)
        for middleware in self._started:
            if hasattr(middleware, "received_headers"):
                middleware.received_headers(initial)
            if hasattr(middleware, "received_trailers"):
                middleware.received_trailers(trailing)
            if hasattr(middleware, "call_completed"):
                middleware.call_completed(exception)


def _start_client_middleware(factories):
    """What the C++ client calls as each call starts, with the RPC's name."""

    def start(rpc_name):
        info = CallInfo(_METHODS_BY_RPC.get(rpc_name, FlightMethod.INVALID))
        started = []
        for factory in factories:
            try:
                middleware = factory.start_call(info)
            except BaseException as exc:
                _ClientMiddlewareCall(started).complete([], [], exc)
                raise
            if middleware is not None:
                started.append(middleware)
        return _ClientMiddlewareCall(started) if started else None

    return start


class _HandshakeSession:
    """The client side of one Handshake: headers gathered before the call starts,
    payloads written and read once it has."""

    def __init__(self, impl, options):
        self._impl = impl
        self._options = options
        self.headers = []
        self._pending = []
        self._stream = None
        self._finished = False
        self._response_headers = []

    def _open(self):
        if self._stream is None:
            base = self._options
            headers = (list(base.headers) if base is not None else []) + [
                (_header_bytes(k), _header_bytes(v)) for k, v in self.headers]
            timeout = base.timeout if base is not None else None
            self._stream = self._impl.handshake(FlightCallOptions(timeout=timeout, headers=headers))
            for payload in self._pending:
                self._stream.write(payload)
            self._pending = []
        return self._stream

    def write(self, payload):
        if self._stream is None:
            self._pending.append(_header_bytes(payload))
        else:
            self._stream.write(_header_bytes(payload))

    def read(self):
        return self._open().read()

    def finish(self):
        stream = self._open()
        if not self._finished:
            self._finished = True
            stream.done_writing()
            while stream.read() is not None:
                pass
            stream.finish()
            self._response_headers = stream.headers
        return self._response_headers


class _ClientOutgoing:
    def __init__(self, session):
        self._session = session

    def append(self, header):
        """Adds a request header (before the call starts)."""
        if self._session._stream is not None:
            raise lib.ArrowInvalid("headers must be added before the handshake's first read")
        key, value = header
        self._session.headers.append((key, value))

    def write(self, payload):
        """Sends a HandshakeRequest payload."""
        self._session.write(payload)


class _ClientIncoming:
    def __init__(self, session):
        self._session = session

    def __iter__(self):
        """The server's response headers, as (key, value) byte pairs."""
        return iter(self._session.finish())

    def read(self):
        """The next HandshakeResponse payload (None at the end)."""
        return self._session.read()


class FlightClient:
    """A connection to a Flight service; one method per RPC.

    The connection is made lazily: an unreachable server shows up on the first call
    (or wait_for_available()).
    """

    def __init__(self, location, tls_root_certs=None, *, cert_chain=None, private_key=None,
                 override_hostname=None, middleware=None, write_size_limit_bytes=None,
                 disable_server_verification=False, generic_options=None):
        self._middleware = list(middleware or [])
        cookies = any(isinstance(f, ClientCookieMiddlewareFactory) for f in self._middleware)
        python_factories = [f for f in self._middleware if not isinstance(f, ClientCookieMiddlewareFactory)]
        self._impl = _f._Client(_location_of(location), tls_root_certs, cert_chain, private_key,
                                override_hostname, bool(disable_server_verification),
                                write_size_limit_bytes, generic_options,
                                _start_client_middleware(python_factories) if python_factories else None,
                                cookies)
        self._token = None

    def _options(self, options, extra=()):
        headers = list(options.headers) if options is not None else []
        if self._token is not None:
            headers.append((_TOKEN_HEADER, self._token))
        headers.extend(extra)
        if not headers:
            return options
        if options is None:
            return FlightCallOptions(headers=headers)
        return FlightCallOptions(timeout=options.timeout, headers=headers, write_options=options.write_options,
                                 read_options=options.read_options)

    def _call(self, name, fn, options):
        # Middleware runs inside the C++ client (see _start_client_middleware).
        return fn(self._options(options))

    def authenticate(self, auth_handler, options=None):
        """Runs `auth_handler` over a Handshake call; its token goes with every later call."""
        session = _HandshakeSession(self._impl, options)
        auth_handler.authenticate(_ClientOutgoing(session), _ClientIncoming(session))
        session.finish()
        token = auth_handler.get_token()
        self._token = None if token is None else _header_bytes(token)

    def authenticate_basic_token(self, username, password, options=None):
        """HTTP basic authentication over Handshake: returns the (b'authorization',
        b'Bearer ...') header the server answered with, for FlightCallOptions(headers=...)."""
        session = _HandshakeSession(self._impl, options)
        credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        session.headers.append((b"authorization", f"Basic {credentials}".encode()))
        for key, value in session.finish():
            if key.lower() == b"authorization":
                return (b"authorization", value)
        raise FlightUnauthenticatedError("the server answered the handshake without an authorization header")

    def list_flights(self, criteria=None, options=None):
        """The FlightInfos the server lists (for `criteria`, bytes)."""
        return iter(self._call("list_flights", lambda o: self._impl.list_flights(criteria, o), options))

    def get_flight_info(self, descriptor, options=None):
        return self._call("get_flight_info", lambda o: self._impl.get_flight_info(descriptor, o), options)

    def poll_flight_info(self, descriptor, options=None):
        return self._call("poll_flight_info", lambda o: self._impl.poll_flight_info(descriptor, o), options)

    def get_schema(self, descriptor, options=None):
        """A SchemaResult (its .schema is the dataset's schema)."""
        return self._call("get_schema", lambda o: self._impl.get_schema(descriptor, o), options)

    def do_get(self, ticket, options=None):
        """A FlightStreamReader over the data for `ticket`."""
        return self._call("do_get", lambda o: self._impl.do_get(ticket, o), options)

    def do_put(self, descriptor, schema, options=None):
        """Starts an upload: returns (FlightStreamWriter, FlightMetadataReader)."""
        return self._call("do_put", lambda o: self._impl.do_put(descriptor, schema, o), options)

    def do_exchange(self, descriptor, options=None):
        """Opens a bidirectional stream: returns (FlightStreamWriter, FlightStreamReader)."""
        return self._call("do_exchange", lambda o: self._impl.do_exchange(descriptor, o), options)

    def do_action(self, action, options=None):
        """The Results of an action (an Action, a (type, body) tuple, or a type string)."""
        return iter(self._call("do_action", lambda o: self._impl.do_action(action, o), options))

    def list_actions(self, options=None):
        return self._call("list_actions", lambda o: self._impl.list_actions(o), options)

    def wait_for_available(self, timeout=5):
        """Waits until the server answers (any answer, even an error, means it is up)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                remaining = max(0.05, min(1.0, deadline - time.monotonic()))
                self._impl.list_flights(None, self._options(FlightCallOptions(timeout=remaining)))
                return
            except FlightUnavailableError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)
            except FlightTimedOutError:
                if time.monotonic() >= deadline:
                    raise
            except (FlightError, lib.ArrowException, NotImplementedError, KeyError):
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
    """A FlightClient for `location` (the seed's signature); with `auth_handler`
    it authenticates at once."""
    client = FlightClient(location, tls_root_certs if tls_root_certs is not None else tls_certificates,
                          cert_chain=cert_chain, private_key=private_key,
                          override_hostname=tls_override_hostname, middleware=middleware,
                          write_size_limit_bytes=write_size_limit_bytes,
                          disable_server_verification=disable_server_verification)
    if auth_handler is not None:
        client.authenticate(auth_handler, call_options)
    return client


# ---------------------------------------------------------------------------
# Server


class _ServerOutgoing:
    def __init__(self, context, stream):
        self._context = context
        self._stream = stream

    def append(self, header):
        """Adds a response header."""
        key, value = header
        self._context.add_header(_header_bytes(key), _header_bytes(value))

    def write(self, payload):
        """Sends a HandshakeResponse payload."""
        self._stream.write(payload)


class _ServerIncoming:
    def __init__(self, context, stream):
        self._context = context
        self._stream = stream

    def __iter__(self):
        """The client's request headers, as (key, value) byte pairs."""
        return iter(self._context.incoming_headers)

    def read(self):
        """The next HandshakeRequest payload (None once the client is done)."""
        return self._stream.read()


def _check_write_options(options):
    if options is not None and not isinstance(options, lib.IpcWriteOptions):
        raise TypeError(f"options must be a quiver.ipc.IpcWriteOptions, got {options.__class__.__name__}")


class FlightDataStream:
    """The base of what do_get returns: RecordBatchStream and GeneratorStream.

    The server encodes these in C++; a Python subclass of its own is not
    servable (do_get rejects it with a TypeError naming the accepted types).
    """

    def schema(self):
        raise NotImplementedError

    def __iter__(self):
        raise NotImplementedError


class RecordBatchStream(FlightDataStream):
    """Serves a Table or RecordBatchReader (or RecordBatch) from do_get."""

    def __init__(self, data_source, options=None):
        if not isinstance(data_source, (lib.Table, lib.RecordBatchReader, lib.RecordBatch)):
            raise TypeError(f"RecordBatchStream expects a Table, RecordBatch or RecordBatchReader, "
                            f"got {data_source.__class__.__name__}")
        _check_write_options(options)
        self._quiver_data_source = data_source
        # IpcWriteOptions (compression, ...) the stream is encoded with.
        self._quiver_options = options


class GeneratorStream(FlightDataStream):
    """Serves what a generator yields from do_get: RecordBatches, Tables, or
    (RecordBatch, app_metadata) pairs, all of `schema`."""

    def __init__(self, schema, generator, options=None):
        _check_write_options(options)
        self.schema = schema
        self._quiver_generator = generator
        self._quiver_options = options


# Servers that were started (they take calls from then on, serve() or not). A program
# that exits with one still running -- Ctrl-C before serve(), or no shutdown() -- would
# finalize Python while the server's handler threads may still run Python code, which
# aborts the process; so they are shut down (their calls cancelled) at exit, while the
# interpreter is still whole.
_LIVE_SERVERS = weakref.WeakSet()


@atexit.register
def _shut_down_live_servers():
    for server in list(_LIVE_SERVERS):
        try:
            server.shutdown(timeout=0)
        except Exception:  # noqa: BLE001 - exiting: one server's failure must not keep the others up
            pass


class FlightServerBase:
    """Subclass and override the handlers you serve; the rest answer UNIMPLEMENTED.

    Handlers may return or yield (list_flights, do_action); do_get returns a
    RecordBatchStream, GeneratorStream, Table or RecordBatchReader. Raising a
    FlightError subclass sends that error (with extra_info) to the client; any
    other exception arrives as an internal error with its message.
    """

    def __init__(self, location=None, auth_handler=None, tls_certificates=None, verify_client=False,
                 root_certificates=None, middleware=None, *, max_handler_threads=1024):
        """max_handler_threads (a Quiver addition): the most calls served at once, each on
        a thread of its own; a call beyond them is refused with FlightUnavailableError, for
        the client to retry. 0: no limit."""
        if isinstance(max_handler_threads, bool) or not isinstance(max_handler_threads, int) \
                or max_handler_threads < 0:
            raise ValueError(f"max_handler_threads must be 0 (no limit) or a positive int, "
                             f"not {max_handler_threads!r}")
        self.__auth_handler = auth_handler
        self.__middleware = dict(middleware or {})
        if "arrow.py_server_middleware" in self.__middleware:
            raise ValueError("the middleware key 'arrow.py_server_middleware' is reserved")
        if sum(isinstance(f, TracingServerMiddlewareFactory) for f in self.__middleware.values()) > 1:
            raise ValueError("at most one TracingServerMiddlewareFactory may be installed")
        header_auth = [(key, f) for key, f in self.__middleware.items() if isinstance(f, HeaderAuthServerMiddlewareFactory)]
        if len(header_auth) > 1:
            raise ValueError("at most one HeaderAuthServerMiddlewareFactory may be installed")
        # It runs in the C++ server; the rest are Python middleware.
        self.__header_auth = None
        for key, factory in header_auth:
            self.__header_auth = (key, factory.check_password, factory.token_lifetime)
            del self.__middleware[key]
        # Read by the C++ server before each call.
        self._quiver_has_auth = auth_handler is not None
        self._quiver_hooks = auth_handler is not None or bool(self.__middleware)
        self.__impl = _f._Server(self)
        self.__options = (tls_certificates, verify_client, root_certificates, max_handler_threads)
        self.__started = False
        self.__serving = None
        self.__lock = threading.Lock()
        if location is not None:
            self.__start(location)

    def __start(self, location):
        with self.__lock:
            if self.__started:
                return
            tls_certificates, verify_client, root_certificates, max_handler_threads = self.__options
            certs = None
            if tls_certificates:
                certs = [(c.cert, c.key) if hasattr(c, "cert") else tuple(c) for c in tls_certificates]
            self.__impl.init(_location_of(location), certs, bool(verify_client), root_certificates,
                             self.__header_auth, max_handler_threads)
            self.__started = True
            _LIVE_SERVERS.add(self)

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
        self.__serving = thread
        try:
            thread.start()
            # Wait in short steps so that the main thread sees KeyboardInterrupt promptly.
            while not done.wait(0.1):
                pass
        except KeyboardInterrupt:
            # Ctrl-C (even one that arrives while the thread starts): calls in flight
            # get a moment to finish, then are cancelled.
            self.shutdown(timeout=0.2)
            if thread.ident is not None:
                thread.join()
            raise

    run = serve

    def shutdown(self, timeout=None):
        """Stops the server (calls in flight may run `timeout` more seconds), from any thread."""
        if self.__started:
            self.__impl.shutdown(timeout)
            # The thread inside serve() returns from C++ once the server stops; wait
            # for it, so that a program exiting right after shutdown() never
            # finalizes Python while that thread is about to take the GIL back
            # (a C++ frame unwound by Python's finalization aborts the process).
            serving = self.__serving
            if serving is not None and serving is not threading.current_thread() and serving.ident is not None:
                serving.join()

    def wait(self):
        """Blocks until the server has been shut down."""
        if self.__started:
            self.__impl.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.wait()

    # --- hooks the C++ server calls (only when there is an auth handler or middleware)

    def _quiver_handshake(self, context, stream):
        self.__auth_handler.authenticate(_ServerOutgoing(context, stream), _ServerIncoming(context, stream))

    def _quiver_before_call(self, context, method):
        if self.__auth_handler is not None and method != "handshake":
            raw = next((value for key, value in context.incoming_headers if key == _TOKEN_HEADER), None)
            if raw is None:
                raise FlightUnauthenticatedError("No authentication token was sent")
            identity = self.__auth_handler.is_valid(_as_token(raw))
            if not identity:
                raise FlightUnauthenticatedError("Invalid authentication token")
            context._set_peer_identity(_header_bytes(identity))
        started = {}
        if self.__middleware:
            info = CallInfo(_METHODS.get(method, FlightMethod.INVALID))
            headers = _headers_dict(context.incoming_headers)
            try:
                for key, factory in self.__middleware.items():
                    middleware = factory.start_call(info, headers)
                    if middleware is not None:
                        started[key] = middleware
            except BaseException as exc:
                self._quiver_after_call(started, exc)
                raise
            context._set_middleware(started)
            for middleware in started.values():
                if hasattr(middleware, "sending_headers"):
                    for key, value in _header_pairs(middleware.sending_headers()):
                        context.add_header(key, value)
        return started

    def _quiver_after_call(self, started, exception):
        for middleware in started.values():
            if hasattr(middleware, "call_completed"):
                middleware.call_completed(exception)

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
