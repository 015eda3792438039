"""Authentication, middleware and TLS from Python, between Quiver and pyarrow in
both directions: handshake auth, Basic/Bearer tokens, client and server
middleware on every RPC, tracing and cookies, and TLS/mTLS with certificates
made by openssl when the tests run."""

import base64
import pathlib
import subprocess
import threading

import pyarrow
import pyarrow.flight as paflight
import pytest

import quiver as pa
import quiver.flight as flight

REPO = pathlib.Path(__file__).resolve().parents[2]
CALL = flight.FlightCallOptions(timeout=30)
TABLE = pa.table({"a": [1, 2, 3], "b": ["x", "y", None]})


# --- A server with every RPC ------------------------------------------------------------


class EveryRpcServer(flight.FlightServerBase):
    """Answers every RPC; `whoami` (an action) tells the peer identity and the
    call's trace context."""

    def list_flights(self, context, criteria):
        yield flight.FlightInfo.for_table(TABLE, flight.FlightDescriptor.for_path("t"),
                                          [flight.FlightEndpoint(b"t", [])])

    def get_flight_info(self, context, descriptor):
        return flight.FlightInfo.for_table(TABLE, descriptor, [flight.FlightEndpoint(b"t", [])])

    def poll_flight_info(self, context, descriptor):
        return flight.PollInfo(self.get_flight_info(context, descriptor), None, 1.0, None)

    def get_schema(self, context, descriptor):
        return flight.SchemaResult(TABLE.schema)

    def do_get(self, context, ticket):
        return flight.RecordBatchStream(TABLE)

    def do_put(self, context, descriptor, reader, writer):
        reader.read_all()
        writer.write(b"stored")

    def do_exchange(self, context, descriptor, reader, writer):
        writer.begin(TABLE.schema)
        for chunk in reader:
            writer.write_batch(chunk.data)

    def do_action(self, context, action):
        # A list, not a generator: the context is valid only while the handler runs.
        if action.type == "whoami":
            tracing = context.get_middleware("tracing")
            return [context.peer_identity(),
                    (tracing.trace_context.get("traceparent", "") if tracing else "").encode()]
        return [b"done"]

    def list_actions(self, context):
        return [("whoami", "who the caller is")]


def _handshake(client, options):
    # A Handshake through the public API: authenticate with a handler that sends a payload.
    class Hello(flight.ClientAuthHandler):
        def authenticate(self, outgoing, incoming):
            outgoing.write(b"hello")
            incoming.read()

        def get_token(self):
            return None

    client.authenticate(Hello(), options)


def every_rpc():
    """(FlightMethod, call(client, options)) for each RPC; each runs to the end."""
    descriptor = flight.FlightDescriptor.for_path("t")

    def do_put(client, options):
        writer, reader = client.do_put(flight.FlightDescriptor.for_path("up"), TABLE.schema, options)
        writer.write_table(TABLE)
        writer.done_writing()
        reader.read()
        writer.close()

    def do_exchange(client, options):
        writer, reader = client.do_exchange(descriptor, options)
        writer.begin(TABLE.schema)
        writer.write_table(TABLE)
        writer.done_writing()
        reader.read_all()
        writer.close()

    return [
        (flight.FlightMethod.LIST_FLIGHTS, lambda c, o: list(c.list_flights(options=o))),
        (flight.FlightMethod.GET_FLIGHT_INFO, lambda c, o: c.get_flight_info(descriptor, o)),
        (flight.FlightMethod.POLL_FLIGHT_INFO, lambda c, o: c.poll_flight_info(descriptor, o)),
        (flight.FlightMethod.GET_SCHEMA, lambda c, o: c.get_schema(descriptor, o)),
        (flight.FlightMethod.DO_GET, lambda c, o: c.do_get(flight.Ticket(b"t"), o).read_all()),
        (flight.FlightMethod.DO_PUT, do_put),
        (flight.FlightMethod.DO_EXCHANGE, do_exchange),
        (flight.FlightMethod.DO_ACTION, lambda c, o: list(c.do_action(flight.Action("x", b""), o))),
        (flight.FlightMethod.LIST_ACTIONS, lambda c, o: c.list_actions(o)),
    ]


def _with_headers(*pairs):
    return flight.FlightCallOptions(timeout=30, headers=list(pairs))


# --- Middleware ---------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.events = []

    def add(self, *event):
        with self.lock:
            self.events.append(event)


BLOB = bytes(range(256))


def _middleware_pair(recorder):
    class ServerSide(flight.ServerMiddleware):
        def __init__(self, method, headers):
            self.method = method
            self.headers = headers

        def sending_headers(self):
            return {"x-server": "yes", "x-server-blob-bin": BLOB}

        def call_completed(self, exception):
            recorder.add("server", self.method, self.headers, exception)

    class ServerFactory(flight.ServerMiddlewareFactory):
        def start_call(self, info, headers):
            if "x-reject" in headers:
                raise flight.FlightUnauthorizedError("rejected by middleware")
            return ServerSide(info.method, headers)

    class ClientSide(flight.ClientMiddleware):
        def __init__(self, method):
            self.method = method
            self.headers = None
            self.trailers = None

        def sending_headers(self):
            return {"x-client": "yes", "x-client-blob-bin": BLOB}

        def received_headers(self, headers):
            self.headers = headers

        def received_trailers(self, trailers):
            self.trailers = trailers

        def call_completed(self, exception):
            recorder.add("client", self.method, self.headers, exception)

    class ClientFactory(flight.ClientMiddlewareFactory):
        def start_call(self, info):
            return ClientSide(info.method)

    return ServerFactory(), ClientFactory()


def _wait_for(condition):
    for _ in range(2000):
        if condition():
            return
        threading.Event().wait(0.005)
    raise AssertionError("the condition never held")


def test_middleware_sees_every_rpc_with_headers_both_ways():
    recorder = Recorder()
    server_factory, client_factory = _middleware_pair(recorder)
    with EveryRpcServer("grpc://127.0.0.1:0", middleware={"rec": server_factory}) as server:
        client = flight.connect(("127.0.0.1", server.port), middleware=[client_factory])
        for method, call in every_rpc():
            recorder.events.clear()
            call(client, CALL)
            _wait_for(lambda: len(recorder.events) == 2)
            by_side = {event[0]: event for event in recorder.events}
            _, client_method, response_headers, client_exception = by_side["client"]
            _, server_method, request_headers, server_exception = by_side["server"]
            assert client_method == method and server_method == method
            assert client_exception is None and server_exception is None, method
            # Unary calls included: the client sees the server's response headers.
            assert response_headers["x-server"] == ["yes"], method
            assert response_headers["x-server-blob-bin"] == [BLOB], method
            assert request_headers["x-client"] == ["yes"]
            assert request_headers["x-client-blob-bin"] == [BLOB]
        client.close()


def test_middleware_sees_the_failure_of_every_rpc():
    recorder = Recorder()
    server_factory, client_factory = _middleware_pair(recorder)

    class Nothing(flight.FlightServerBase):
        # The base class implements nothing but list_actions (an empty list, as pyarrow's).
        def list_actions(self, context):
            raise NotImplementedError("ListActions is not implemented")

    with Nothing("grpc://127.0.0.1:0", middleware={"rec": server_factory}) as server:
        client = flight.connect(("127.0.0.1", server.port), middleware=[client_factory])
        for method, call in every_rpc():
            recorder.events.clear()
            with pytest.raises((NotImplementedError, flight.FlightError)):
                call(client, CALL)
            _wait_for(lambda: len(recorder.events) == 2)
            for side, seen_method, _, exception in recorder.events:
                assert seen_method == method, (side, method)
                assert isinstance(exception, NotImplementedError), (side, method, exception)
        client.close()
    # The exceptions' tracebacks reach the server through their frames: let go of them.
    recorder.events.clear()


def test_a_failing_server_middleware_rejects_every_rpc():
    recorder = Recorder()
    server_factory, _ = _middleware_pair(recorder)
    with EveryRpcServer("grpc://127.0.0.1:0", middleware={"rec": server_factory}) as server:
        client = flight.connect(("127.0.0.1", server.port))
        for method, call in every_rpc():
            with pytest.raises(flight.FlightUnauthorizedError, match="rejected by middleware"):
                call(client, _with_headers((b"x-reject", b"1")))
        client.close()


def test_a_failing_client_middleware_stops_the_call():
    class Refuse(flight.ClientMiddlewareFactory):
        def start_call(self, info):
            raise flight.FlightUnauthorizedError("no calls today")

    with EveryRpcServer("grpc://127.0.0.1:0") as server:
        client = flight.connect(("127.0.0.1", server.port), middleware=[Refuse()])
        for _, call in every_rpc():
            with pytest.raises(flight.FlightUnauthorizedError, match="no calls today"):
                call(client, CALL)
        client.close()


def test_tracing_context_reaches_handlers_and_propagates():
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    class Downstream(EveryRpcServer):
        pass

    with Downstream("grpc://127.0.0.1:0", middleware={"tracing": flight.TracingServerMiddlewareFactory()}) as down:

        class Upstream(EveryRpcServer):
            # Calls the downstream server from its handler: the trace context goes along.
            def do_action(self, context, action):
                if action.type == "relay":
                    relay = flight.connect(("127.0.0.1", down.port),
                                           middleware=[flight.TracingClientMiddlewareFactory()])
                    results = [r.body.to_pybytes() for r in relay.do_action(flight.Action("whoami", b""), CALL)]
                    relay.close()
                    return [results[1]]
                return super().do_action(context, action)

        with Upstream("grpc://127.0.0.1:0", middleware={"tracing": flight.TracingServerMiddlewareFactory()}) as up:
            client = flight.connect(("127.0.0.1", up.port),
                                    middleware=[flight.TracingClientMiddlewareFactory({"traceparent": traceparent,
                                                                                      "tracestate": "k=v"})])
            whoami = [r.body.to_pybytes() for r in client.do_action(flight.Action("whoami", b""), CALL)]
            assert whoami[1] == traceparent.encode()
            relayed = [r.body.to_pybytes() for r in client.do_action(flight.Action("relay", b""), CALL)]
            assert relayed == [traceparent.encode()]
            client.close()
            # A malformed traceparent is dropped.
            plain = flight.connect(("127.0.0.1", up.port))
            bad = _with_headers((b"traceparent", b"00-zz-b7ad6b7169203331-01"))
            assert [r.body.to_pybytes() for r in plain.do_action(flight.Action("whoami", b""), bad)][1] == b""
            plain.close()
    assert flight.current_trace_context() == {}


def test_cookie_middleware_keeps_cookies_across_calls():
    seen = []

    class SetCookies(flight.ServerMiddleware):
        def __init__(self, to_set):
            self.to_set = to_set

        def sending_headers(self):
            return {"set-cookie": self.to_set} if self.to_set else {}

    class CookieFactory(flight.ServerMiddlewareFactory):
        def start_call(self, info, headers):
            seen.append(headers.get("cookie", [""])[0])
            return SetCookies(headers.get("x-set-cookie", []))

    with EveryRpcServer("grpc://127.0.0.1:0", middleware={"cookies": CookieFactory()}) as server:
        client = flight.connect(("127.0.0.1", server.port), middleware=[flight.ClientCookieMiddlewareFactory()])
        client.list_actions(_with_headers((b"x-set-cookie", b"session=s1; HttpOnly"),
                                          (b"x-set-cookie", b"theme=dark; Max-Age=600")))
        client.get_flight_info(flight.FlightDescriptor.for_path("t"), CALL)
        assert seen[-1] == "session=s1; theme=dark"
        client.list_actions(_with_headers((b"x-set-cookie", b"theme=gone; Max-Age=0")))
        client.do_get(flight.Ticket(b"t"), CALL).read_all()
        assert seen[-1] == "session=s1"
        client.close()


# --- Handshake and Basic/Bearer authentication, with pyarrow on either side -----------------


class QuiverTokenAuth(flight.ServerAuthHandler):
    """The seed's style: header pairs and str tokens, None for a bad token."""

    def authenticate(self, outgoing, incoming):
        for key, value in incoming:
            if key == b"x-user" and value == b"alice":
                outgoing.append((b"auth-token", b"token-alice"))
                return "alice"
        # pyarrow's style: a payload
        payload = incoming.read()
        if payload == b"alice:pw":
            outgoing.write(b"token-alice")
            return "alice"
        raise flight.FlightUnauthenticatedError("bad credentials")

    def is_valid(self, token):
        return "alice" if token == "token-alice" else None


class PyarrowClientAuth(paflight.ClientAuthHandler):
    def __init__(self, credentials):
        super().__init__()
        self.credentials = credentials
        self.token = None

    def authenticate(self, outgoing, incoming):
        outgoing.write(self.credentials)
        self.token = incoming.read()

    def get_token(self):
        return self.token


def test_pyarrow_handshake_auth_against_quiver_server():
    with EveryRpcServer("grpc://127.0.0.1:0", auth_handler=QuiverTokenAuth()) as server:
        client = paflight.FlightClient(f"grpc://127.0.0.1:{server.port}")
        with pytest.raises(paflight.FlightUnauthenticatedError):
            client.list_actions()
        with pytest.raises(paflight.FlightUnauthenticatedError):
            client.authenticate(PyarrowClientAuth(b"alice:wrong"))
        client.authenticate(PyarrowClientAuth(b"alice:pw"))
        results = [r.body.to_pybytes() for r in client.do_action(paflight.Action("whoami", b""))]
        assert results[0] == b"alice"
        assert client.do_get(paflight.Ticket(b"t")).read_all().num_rows == 3
        client.close()


def test_quiver_refuses_every_rpc_without_a_token():
    with EveryRpcServer("grpc://127.0.0.1:0", auth_handler=QuiverTokenAuth()) as server:
        client = flight.connect(("127.0.0.1", server.port))
        for method, call in every_rpc():
            with pytest.raises(flight.FlightUnauthenticatedError):
                call(client, CALL)
        forged = _with_headers((b"auth-token-bin", b"token-mallory"))
        for method, call in every_rpc():
            with pytest.raises(flight.FlightUnauthenticatedError):
                call(client, forged)
        client.close()


class PyarrowServerAuth(paflight.ServerAuthHandler):
    def authenticate(self, outgoing, incoming):
        if incoming.read() != b"alice:pw":
            raise paflight.FlightUnauthenticatedError("bad credentials")
        outgoing.write(b"token-alice")

    def is_valid(self, token):
        if token != b"token-alice":
            raise paflight.FlightUnauthenticatedError("invalid token")
        return b"alice"


class PyarrowServer(paflight.FlightServerBase):
    def do_action(self, context, action):
        yield context.peer_identity()

    def list_actions(self, context):
        return [("whoami", "who")]


class QuiverPayloadAuth(flight.ClientAuthHandler):
    def __init__(self, credentials):
        self.credentials = credentials
        self.token = None

    def authenticate(self, outgoing, incoming):
        outgoing.write(self.credentials)
        self.token = incoming.read()

    def get_token(self):
        return self.token


def test_quiver_handshake_auth_against_pyarrow_server():
    server = PyarrowServer("grpc://127.0.0.1:0", auth_handler=PyarrowServerAuth())
    try:
        client = flight.connect(("127.0.0.1", server.port))
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.list_actions(CALL)
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.authenticate(QuiverPayloadAuth(b"alice:nope"), CALL)
        client.authenticate(QuiverPayloadAuth(b"alice:pw"), CALL)
        assert [r.body.to_pybytes() for r in client.do_action(flight.Action("whoami", b""), CALL)] == [b"alice"]
        client.close()
    finally:
        server.shutdown()


class PyarrowNoopAuth(paflight.ServerAuthHandler):
    def authenticate(self, outgoing, incoming):
        pass

    def is_valid(self, token):
        return b""


class PyarrowBasicMiddleware(paflight.ServerMiddleware):
    def __init__(self, token):
        self.token = token

    def sending_headers(self):
        return {"authorization": f"Bearer {self.token}"} if self.token else {}


class PyarrowBasicFactory(paflight.ServerMiddlewareFactory):
    """pyarrow's header authentication, as its own tests write it."""

    def start_call(self, info, headers):
        values = headers.get("authorization", [])
        if not values:
            raise paflight.FlightUnauthenticatedError("no credentials")
        scheme, _, value = values[0].partition(" ")
        if scheme == "Basic":
            if base64.b64decode(value) != b"bob:pw":
                raise paflight.FlightUnauthenticatedError("wrong password")
            return PyarrowBasicMiddleware("bobs-token")
        if scheme == "Bearer" and value == "bobs-token":
            return PyarrowBasicMiddleware(None)
        raise paflight.FlightUnauthenticatedError("invalid token")


def test_quiver_basic_token_against_pyarrow_server():
    server = PyarrowServer("grpc://127.0.0.1:0", auth_handler=PyarrowNoopAuth(),
                           middleware={"auth": PyarrowBasicFactory()})
    try:
        client = flight.connect(("127.0.0.1", server.port))
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.authenticate_basic_token("bob", "guess", CALL)
        header = client.authenticate_basic_token("bob", "pw", CALL)
        assert header == (b"authorization", b"Bearer bobs-token")
        assert client.list_actions(_with_headers(header))[0].type == "whoami"
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.list_actions(CALL)
        client.close()
    finally:
        server.shutdown()


class QuiverBasicAuth(flight.ServerAuthHandler):
    def authenticate(self, outgoing, incoming):
        for key, value in incoming:
            if key == b"authorization" and value == b"Basic " + base64.b64encode(b"bob:pw"):
                outgoing.append((b"authorization", b"Bearer bobs-token"))
                return "bob"
        raise flight.FlightUnauthenticatedError("invalid username or password")

    def is_valid(self, token):
        return "bob" if token in ("bobs-token", b"bobs-token") else None


def test_pyarrow_basic_token_against_quiver_server():
    with EveryRpcServer("grpc://127.0.0.1:0", auth_handler=QuiverBasicAuth()) as server:
        client = paflight.FlightClient(f"grpc://127.0.0.1:{server.port}")
        with pytest.raises(paflight.FlightUnauthenticatedError):
            client.authenticate_basic_token("bob", "guess")
        key, value = client.authenticate_basic_token("bob", "pw")
        assert (key, value) == (b"authorization", b"Bearer bobs-token")
        client.close()


# --- TLS and mTLS ---------------------------------------------------------------------------


def _make_certs(directory):
    subprocess.run(["bash", str(REPO / "tests" / "support" / "make-test-certs.sh"), str(directory)], check=True)
    return {name: (directory / name).read_bytes()
            for name in ("ca.pem", "server.pem", "server.key", "client.pem", "client.key")}


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return _make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def other_certs(tmp_path_factory):
    """A second, unrelated CA and its certificates."""
    return _make_certs(tmp_path_factory.mktemp("other-certs"))


def _tls_server(certs, **kwargs):
    return EveryRpcServer("grpc+tls://localhost:0",
                          tls_certificates=[flight.CertKeyPair(cert=certs["server.pem"], key=certs["server.key"])],
                          **kwargs)


def _works(client):
    return client.do_get(flight.Ticket(b"t"), CALL).read_all().num_rows == 3


def test_tls_trusted_untrusted_plain_and_disabled_verification(certs, other_certs):
    with _tls_server(certs) as server:
        location = f"grpc+tls://localhost:{server.port}"
        assert _works(flight.connect(location, tls_root_certs=certs["ca.pem"]))
        with pytest.raises(flight.FlightUnavailableError):
            _works(flight.connect(location, tls_root_certs=other_certs["ca.pem"]))
        with pytest.raises(flight.FlightUnavailableError):
            _works(flight.connect(f"grpc://localhost:{server.port}"))
        assert _works(flight.connect(location, disable_server_verification=True))


def test_tls_override_hostname_both_spellings(certs):
    with _tls_server(certs) as server:
        location = f"grpc+tls://127.0.0.1:{server.port}"
        assert _works(flight.connect(location, tls_root_certs=certs["ca.pem"], tls_override_hostname="quiver.test"))
        assert _works(flight.FlightClient(location, tls_root_certs=certs["ca.pem"], override_hostname="quiver.test"))
        with pytest.raises(flight.FlightUnavailableError):
            _works(flight.connect(location, tls_root_certs=certs["ca.pem"], tls_override_hostname="not.this.host"))


def test_mutual_tls(certs, other_certs):
    with _tls_server(certs, verify_client=True, root_certificates=certs["ca.pem"]) as server:
        location = f"grpc+tls://localhost:{server.port}"
        client = flight.connect(location, tls_root_certs=certs["ca.pem"], cert_chain=certs["client.pem"],
                                private_key=certs["client.key"])
        assert _works(client)
        identity = [r.body.to_pybytes() for r in client.do_action(flight.Action("whoami", b""), CALL)][0]
        assert b"quiver-client" in identity
        with pytest.raises(flight.FlightUnavailableError):
            _works(flight.connect(location, tls_root_certs=certs["ca.pem"]))
        with pytest.raises(flight.FlightUnavailableError):
            _works(flight.connect(location, tls_root_certs=certs["ca.pem"], cert_chain=other_certs["client.pem"],
                                  private_key=other_certs["client.key"]))



def test_bad_tls_material_is_refused_with_the_reason(certs, other_certs):
    """gRPC alone would say "could not listen" or "empty address list"; Quiver names
    the option and the fix before anything starts."""
    def server_with(cert, key, **kwargs):
        return EveryRpcServer("grpc+tls://localhost:0", tls_certificates=[flight.CertKeyPair(cert=cert, key=key)],
                              **kwargs)

    with pytest.raises(pa.ArrowInvalid, match="holds no PEM certificate.*looks like a file name"):
        server_with(b"/etc/quiver/server.pem", b"/etc/quiver/server.key")
    with pytest.raises(ValueError, match="are the certificate and key swapped"):
        server_with(certs["server.key"], certs["server.pem"])
    with pytest.raises(pa.ArrowInvalid, match="is not the private key of the first certificate"):
        server_with(certs["server.pem"], other_certs["server.key"])
    with pytest.raises(pa.ArrowInvalid, match="verify_client needs root_certificates"):
        server_with(certs["server.pem"], certs["server.key"], verify_client=True)
    with pytest.raises(pa.ArrowInvalid, match="tls_root_certs holds no PEM certificate"):
        flight.connect("grpc+tls://localhost:1", tls_root_certs=b"ca.pem")
    with pytest.raises(pa.ArrowInvalid, match="only cert_chain was given"):
        flight.connect("grpc+tls://localhost:1", tls_root_certs=certs["ca.pem"], cert_chain=certs["client.pem"])
    # The same material, right, still serves.
    with server_with(certs["server.pem"], certs["server.key"]) as server:
        assert _works(flight.connect(f"grpc+tls://localhost:{server.port}", tls_root_certs=certs["ca.pem"]))

def _header_auth():
    return {"auth": flight.HeaderAuthServerMiddlewareFactory(lambda user, password: (user, password) == ("bob", "pw"))}


def test_header_auth_middleware_guards_every_rpc():
    with EveryRpcServer("grpc://127.0.0.1:0", middleware=_header_auth()) as server:
        client = flight.connect(("127.0.0.1", server.port))
        for method, call in every_rpc():
            with pytest.raises(flight.FlightUnauthenticatedError):
                call(client, CALL)
        with pytest.raises(flight.FlightUnauthenticatedError, match="invalid username or password"):
            client.authenticate_basic_token("bob", "guess", CALL)
        header = client.authenticate_basic_token("bob", "pw", CALL)
        assert header[0] == b"authorization" and header[1].startswith(b"Bearer ")
        for method, call in every_rpc():
            call(client, _with_headers(header))
        whoami = [r.body.to_pybytes() for r in client.do_action(flight.Action("whoami", b""), _with_headers(header))]
        assert whoami[0] == b"bob"
        forged = header[1][:-1] + (b"0" if header[1][-1:] != b"0" else b"1")
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.list_actions(_with_headers((b"authorization", forged)))
        client.close()
        # pyarrow's client, the same way.
        pyclient = paflight.FlightClient(f"grpc://127.0.0.1:{server.port}")
        with pytest.raises(paflight.FlightUnauthenticatedError):
            pyclient.list_actions()
        pyheader = pyclient.authenticate_basic_token("bob", "pw")
        assert pyclient.do_get(paflight.Ticket(b"t"), paflight.FlightCallOptions(headers=[pyheader])).read_all().num_rows == 3
        pyclient.close()


def test_pyarrow_client_on_quiver_tls_server(certs):
    with _tls_server(certs, middleware=_header_auth()) as server:
        client = paflight.FlightClient(f"grpc+tls://localhost:{server.port}", tls_root_certs=certs["ca.pem"])
        header = client.authenticate_basic_token("bob", "pw")
        assert client.do_get(paflight.Ticket(b"t"), paflight.FlightCallOptions(headers=[header])).read_all().num_rows == 3
        client.close()
        untrusted = paflight.FlightClient(f"grpc+tls://localhost:{server.port}")
        with pytest.raises(paflight.FlightUnavailableError):
            untrusted.list_actions()
        untrusted.close()


def test_quiver_client_on_pyarrow_tls_server(certs):
    server = PyarrowServer("grpc+tls://localhost:0",
                           tls_certificates=[paflight.CertKeyPair(cert=certs["server.pem"], key=certs["server.key"])],
                           auth_handler=PyarrowServerAuth())
    try:
        client = flight.connect(f"grpc+tls://localhost:{server.port}", tls_root_certs=certs["ca.pem"])
        client.authenticate(QuiverPayloadAuth(b"alice:pw"), CALL)
        assert [r.body.to_pybytes() for r in client.do_action(flight.Action("whoami", b""), CALL)] == [b"alice"]
        client.close()
        with pytest.raises(flight.FlightUnavailableError):
            flight.connect(f"grpc+tls://localhost:{server.port}").list_actions(CALL)
    finally:
        server.shutdown()


def test_pyarrow_table_through_authenticated_tls_round_trip(certs):
    # A pyarrow client uploads, the Quiver client reads back the same table.
    stored = {}

    class Store(EveryRpcServer):
        def do_put(self, context, descriptor, reader, writer):
            stored["t"] = reader.read_all()

        def do_get(self, context, ticket):
            return flight.RecordBatchStream(stored["t"])

    table = pyarrow.table({"n": list(range(1000))})
    with Store("grpc+tls://localhost:0",
               tls_certificates=[flight.CertKeyPair(cert=certs["server.pem"], key=certs["server.key"])],
               middleware=_header_auth()) as server:
        pyclient = paflight.FlightClient(f"grpc+tls://localhost:{server.port}", tls_root_certs=certs["ca.pem"])
        pyheader = pyclient.authenticate_basic_token("bob", "pw")
        writer, _ = pyclient.do_put(paflight.FlightDescriptor.for_path("p"), table.schema,
                                    paflight.FlightCallOptions(headers=[pyheader]))
        writer.write_table(table)
        writer.close()
        client = flight.connect(f"grpc+tls://localhost:{server.port}", tls_root_certs=certs["ca.pem"])
        header = client.authenticate_basic_token("bob", "pw", CALL)
        got = client.do_get(flight.Ticket(b"t"), _with_headers(header)).read_all()
        assert got.column("n").to_pylist() == list(range(1000))


def test_pyarrow_handshake_auth_against_quiver_tls_server(certs):
    with _tls_server(certs, auth_handler=QuiverTokenAuth()) as server:
        client = paflight.FlightClient(f"grpc+tls://localhost:{server.port}", tls_root_certs=certs["ca.pem"])
        with pytest.raises(paflight.FlightUnauthenticatedError):
            client.list_actions()
        client.authenticate(PyarrowClientAuth(b"alice:pw"))
        assert [r.body.to_pybytes() for r in client.do_action(paflight.Action("whoami", b""))][0] == b"alice"
        client.close()


def test_quiver_basic_token_against_pyarrow_tls_server(certs):
    server = PyarrowServer("grpc+tls://localhost:0",
                           tls_certificates=[paflight.CertKeyPair(cert=certs["server.pem"], key=certs["server.key"])],
                           auth_handler=PyarrowNoopAuth(), middleware={"auth": PyarrowBasicFactory()})
    try:
        client = flight.connect(f"grpc+tls://localhost:{server.port}", tls_root_certs=certs["ca.pem"])
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.list_actions(CALL)
        header = client.authenticate_basic_token("bob", "pw", CALL)
        assert client.list_actions(_with_headers(header))[0].type == "whoami"
        client.close()
    finally:
        server.shutdown()
