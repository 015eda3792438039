"""quiver.flight: Python servers and clients over real gRPC on loopback, and
interoperability with pyarrow.flight (a test peer) in the same interpreter."""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pyarrow
import pyarrow.flight
import pytest

import quiver as pa
import quiver.flight as flight

CALL = flight.FlightCallOptions(timeout=30)  # turns a hang into a failure; nothing is timed


def sample_table():
    return pa.table({"id": [1, 2, 3], "name": ["a", "b", None]})


class DemoServer(flight.FlightServerBase):
    def __init__(self, location="grpc://127.0.0.1:0", **kwargs):
        super().__init__(location, **kwargs)
        self.tables = {"demo": sample_table()}
        self.uploaded_metadata = []
        self.release = threading.Event()

    def list_flights(self, context, criteria):
        for name, table in self.tables.items():
            descriptor = flight.FlightDescriptor.for_path(name)
            yield flight.FlightInfo.for_table(table, descriptor, [flight.FlightEndpoint(name.encode(), [])])

    def get_flight_info(self, context, descriptor):
        path = "/".join(descriptor.path)
        if path not in self.tables:
            raise flight.FlightUnavailableError(f"Unknown path: {path}", extra_info=b"\x00detail")
        table = self.tables[path]
        return flight.FlightInfo.for_table(table, descriptor, [flight.FlightEndpoint(path.encode(), [])])

    def get_schema(self, context, descriptor):
        return flight.SchemaResult(self.tables["/".join(descriptor.path)].schema)

    def do_get(self, context, ticket):
        key = ticket.ticket.decode()
        if key == "generated":
            schema = pa.schema([("n", pa.int64())])

            def batches():
                for i in range(3):
                    yield pa.record_batch([[i, i + 1]], schema=schema), f"meta{i}".encode()
                yield pa.table({"n": [100]})
            return flight.GeneratorStream(schema, batches())
        if key == "failing":
            schema = pa.schema([("n", pa.int64())])

            def failing():
                yield pa.record_batch([[1]], schema=schema)
                raise flight.FlightServerError("generator broke", extra_info=b"midway")
            return flight.GeneratorStream(schema, failing())
        if key == "blocked":
            self.release.wait()
            return flight.RecordBatchStream(self.tables["demo"])
        if key == "boom":
            raise RuntimeError("handler exploded")
        if key == "missing":
            raise KeyError("no such ticket")
        return flight.RecordBatchStream(self.tables[key])

    def do_put(self, context, descriptor, reader, writer):
        table = reader.read_all()
        self.tables["/".join(descriptor.path)] = table
        writer.write(f"stored {table.num_rows}".encode())

    def do_exchange(self, context, descriptor, reader, writer):
        writer.begin(reader.schema)
        for chunk in reader:
            if chunk.data is not None:
                doubled = pa.record_batch([pa.compute.take(chunk.data.column(0), list(range(len(chunk.data))) * 2)],
                                          names=chunk.data.schema.names)
                writer.write_with_metadata(doubled, chunk.app_metadata or b"")

    def list_actions(self, context):
        return [("echo", "Echo the body"), flight.ActionType("count", "Count tables")]

    def do_action(self, context, action):
        if action.type == "echo":
            yield flight.Result(action.body)
        elif action.type == "count":
            yield str(len(self.tables)).encode()
        else:
            raise flight.FlightUnavailableError(f"Unknown action: {action.type}")


@pytest.fixture()
def server():
    with DemoServer() as s:
        yield s


@pytest.fixture()
def client(server):
    with flight.connect(("127.0.0.1", server.port)) as c:
        yield c


def test_value_types():
    d = flight.FlightDescriptor.for_path("dataset", "table1")
    assert d.path == ["dataset", "table1"] and "/".join(d.path) == "dataset/table1"
    assert d.descriptor_type == flight.DescriptorType.PATH
    assert flight.FlightDescriptor.deserialize(d.serialize()) == d
    c = flight.FlightDescriptor.for_command(b"SELECT 1")
    assert c.command == b"SELECT 1" and c.path is None
    t = flight.Ticket("abc")
    assert t.ticket == b"abc" and flight.Ticket.deserialize(t.serialize()) == t
    loc = flight.Location.for_grpc_tcp("localhost", 8080)
    assert loc.uri == b"grpc+tcp://localhost:8080" and loc == flight.Location("grpc+tcp://localhost:8080")
    endpoint = flight.FlightEndpoint(b"t", ["grpc://localhost:8080", loc])
    assert [l.uri for l in endpoint.locations] == [b"grpc://localhost:8080", b"grpc+tcp://localhost:8080"]
    assert flight.FlightEndpoint.deserialize(endpoint.serialize()) == endpoint
    info = flight.FlightInfo.for_table(sample_table(), d, [endpoint])
    assert info.total_records == 3 and info.schema == sample_table().schema
    assert flight.FlightInfo.deserialize(info.serialize()) == info
    assert flight.Result(b"x").body.to_pybytes() == b"x"
    assert flight.Action("a", "b").body.to_pybytes() == b"b"
    with pytest.raises(pa.ArrowInvalid):
        flight.Location("no scheme here")


def test_exception_hierarchy():
    assert issubclass(flight.FlightCancelledError, pa.ArrowCancelled)
    assert issubclass(flight.FlightCancelledError, flight.FlightError)
    assert issubclass(flight.FlightWriteSizeExceededError, pa.ArrowInvalid)
    for cls in (flight.FlightInternalError, flight.FlightTimedOutError, flight.FlightUnauthenticatedError,
                flight.FlightUnauthorizedError, flight.FlightUnavailableError, flight.FlightServerError):
        assert issubclass(cls, flight.FlightError) and issubclass(cls, pa.ArrowException)
    assert flight.FlightError("m", extra_info=b"x").extra_info == b"x"


def test_every_rpc(server, client):
    infos = list(client.list_flights(options=CALL))
    assert [i.descriptor.path for i in infos] == [["demo"]]
    info = client.get_flight_info(flight.FlightDescriptor.for_path("demo"), CALL)
    assert info.total_records == 3
    assert client.get_schema(flight.FlightDescriptor.for_path("demo"), CALL).schema == sample_table().schema
    table = client.do_get(info.endpoints[0].ticket, CALL).read_all()
    assert table.equals(sample_table())

    upload = pa.table({"x": [1.5, 2.5]})
    writer, metadata_reader = client.do_put(flight.FlightDescriptor.for_path("uploads", "new"), upload.schema, CALL)
    writer.write_table(upload)
    writer.done_writing()
    assert metadata_reader.read().to_pybytes() == b"stored 2"
    writer.close()
    assert server.tables["uploads/new"].equals(upload)

    actions = client.list_actions(CALL)
    assert [(a.type, a.description) for a in actions] == [("echo", "Echo the body"), ("count", "Count tables")]
    assert [r.body.to_pybytes() for r in client.do_action(flight.Action("echo", b"hi"), CALL)] == [b"hi"]
    assert [r.body.to_pybytes() for r in client.do_action(("count", b""), CALL)] == [b"2"]

    writer, reader = client.do_exchange(flight.FlightDescriptor.for_command(b"double"), CALL)
    batch = pa.record_batch({"v": [1, 2]})
    writer.begin(batch.schema)
    writer.write_with_metadata(batch, b"m1")
    writer.done_writing()
    chunk = reader.read_chunk()
    assert chunk.data.column(0).to_pylist() == [1, 2, 1, 2] and chunk.app_metadata.to_pybytes() == b"m1"
    writer.close()


def test_generator_stream_with_metadata(client):
    chunks = list(client.do_get(flight.Ticket(b"generated"), CALL))
    assert [c.data.column(0).to_pylist() for c in chunks] == [[0, 1], [1, 2], [2, 3], [100]]
    assert [c.app_metadata.to_pybytes() if c.app_metadata else None for c in chunks] == [b"meta0", b"meta1", b"meta2", None]


def test_errors_reach_the_client(client):
    with pytest.raises(flight.FlightUnavailableError, match="Unknown path: nope") as info:
        client.get_flight_info(flight.FlightDescriptor.for_path("nope"), CALL)
    assert info.value.extra_info == b"\x00detail"
    with pytest.raises(flight.FlightInternalError, match="handler exploded"):
        client.do_get(flight.Ticket(b"boom"), CALL).read_all()
    with pytest.raises(KeyError):
        client.do_get(flight.Ticket(b"missing"), CALL).read_all()
    reader = client.do_get(flight.Ticket(b"failing"), CALL)
    assert reader.read_chunk().data.num_rows == 1
    with pytest.raises(flight.FlightServerError, match="generator broke") as info:
        reader.read_chunk()
    assert info.value.extra_info == b"midway"
    with pytest.raises(flight.FlightUnavailableError):
        list(client.do_action(flight.Action("nope", b""), CALL))


def test_unimplemented_rpc_is_not_implemented():
    class Empty(flight.FlightServerBase):
        pass

    with Empty("grpc://127.0.0.1:0") as s, flight.connect(("127.0.0.1", s.port)) as c:
        with pytest.raises(NotImplementedError):
            c.get_flight_info(flight.FlightDescriptor.for_path("x"), CALL)
        assert c.list_actions(CALL) == []


def test_slow_handler_does_not_block_other_calls(server, client):
    # One call blocks inside its Python handler; another call's data still flows.
    blocked = threading.Thread(target=lambda: client.do_get(flight.Ticket(b"blocked"), CALL).read_all())
    blocked.start()
    try:
        with flight.connect(("127.0.0.1", server.port)) as other:
            assert other.do_get(flight.Ticket(b"demo"), CALL).read_all().num_rows == 3
    finally:
        server.release.set()
        blocked.join()


def test_shutdown_from_another_thread_ends_serve():
    server = DemoServer()
    thread = threading.Thread(target=server.serve)
    thread.start()
    with flight.connect(("127.0.0.1", server.port)) as c:
        assert c.do_get(flight.Ticket(b"demo"), CALL).read_all().num_rows == 3
    server.shutdown()
    thread.join()
    server.wait()


def test_ctrl_c_stops_serve():
    script = textwrap.dedent("""
        import quiver.flight as flight
        class S(flight.FlightServerBase):
            serving = False
            def serve(self):
                self.serving = True
                super().serve()
            def list_actions(self, context):
                return [("serving", str(self.serving))]
        server = S("grpc://127.0.0.1:0")
        try:
            print(server.port, flush=True)
            server.serve()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        with flight.connect(("127.0.0.1", port)) as c:
            c.wait_for_available(timeout=30)
            # Interrupt only once serve() is blocking.
            while c.list_actions(CALL)[0].description != "True":
                threading.Event().wait(0.01)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and out.strip() == "interrupted"


def test_quiver_client_and_pyarrow_server_share_the_interpreter():
    class PyarrowServer(pyarrow.flight.FlightServerBase):
        def do_get(self, context, ticket):
            return pyarrow.flight.RecordBatchStream(pyarrow.table({"a": [1, 2, 3]}))

    with PyarrowServer("grpc://127.0.0.1:0") as p_server:
        with flight.connect(("127.0.0.1", p_server.port)) as c:
            assert c.do_get(flight.Ticket(b"x"), CALL).read_all().to_pydict() == {"a": [1, 2, 3]}


def test_pyarrow_client_and_quiver_server(server):
    client = pyarrow.flight.connect(f"grpc://127.0.0.1:{server.port}")
    options = pyarrow.flight.FlightCallOptions(timeout=30)
    table = client.do_get(pyarrow.flight.Ticket(b"demo"), options).read_all()
    assert table.to_pydict() == sample_table().to_pydict()
    info = client.get_flight_info(pyarrow.flight.FlightDescriptor.for_path("demo"), options)
    assert info.total_records == 3
    with pytest.raises(pyarrow.flight.FlightUnavailableError) as err:
        client.get_flight_info(pyarrow.flight.FlightDescriptor.for_path("nope"), options)
    assert err.value.extra_info == b"\x00detail"
    writer, _ = client.do_put(pyarrow.flight.FlightDescriptor.for_path("from_pyarrow"),
                              pyarrow.schema([("z", pyarrow.int32())]), options)
    writer.write_table(pyarrow.table({"z": pyarrow.array([7, 8], type=pyarrow.int32())}))
    writer.close()
    assert server.tables["from_pyarrow"].to_pydict() == {"z": [7, 8]}
    client.close()


class TokenServerAuth(flight.ServerAuthHandler):
    """pyarrow's way: payloads over the Handshake stream, bytes tokens."""

    def authenticate(self, outgoing, incoming):
        credentials = incoming.read()
        if credentials != b"alice:pw":
            raise flight.FlightUnauthenticatedError("bad credentials")
        outgoing.write(b"token-alice")

    def is_valid(self, token):
        return b"alice" if token == b"token-alice" else None


class TokenClientAuth(flight.ClientAuthHandler):
    def __init__(self):
        self.token = None

    def authenticate(self, outgoing, incoming):
        outgoing.write(b"alice:pw")
        self.token = incoming.read()

    def get_token(self):
        return self.token


class BasicAuthServer(flight.ServerAuthHandler):
    """HTTP basic credentials in, a bearer token out (authenticate_basic_token)."""

    def authenticate(self, outgoing, incoming):
        for key, value in incoming:
            if key == b"authorization" and value == b"Basic " + __import__("base64").b64encode(b"bob:pw"):
                outgoing.append((b"authorization", b"Bearer t0ken"))
                return
        raise flight.FlightUnauthenticatedError("no basic credentials")

    def is_valid(self, token):
        return b"bob" if token == b"t0ken" else None


def test_payload_auth_handlers():
    class Server(DemoServer):
        def list_actions(self, context):
            return [("whoami", context.peer_identity().decode())]

    with Server(auth_handler=TokenServerAuth()) as server:
        client = flight.connect(("127.0.0.1", server.port))
        client.authenticate(TokenClientAuth(), CALL)
        assert client.list_actions(CALL)[0].description == "alice"
        assert client.do_get(flight.Ticket(b"demo"), CALL).read_all().num_rows == 3


def test_authenticate_basic_token():
    with DemoServer(auth_handler=BasicAuthServer()) as server:
        client = flight.connect(("127.0.0.1", server.port))
        header = client.authenticate_basic_token("bob", "pw", CALL)
        assert header == (b"authorization", b"Bearer t0ken")
        with pytest.raises(flight.FlightUnauthenticatedError):
            client.authenticate_basic_token("bob", "wrong", CALL)


def test_middleware_headers_and_failures():
    events = []

    class ServerSide(flight.ServerMiddleware):
        def __init__(self, headers):
            self.request_id = headers.get("x-request-id", ["?"])[0]

        def sending_headers(self):
            return {"x-served-by": "quiver"}

        def call_completed(self, exception):
            events.append(("server", self.request_id, type(exception).__name__ if exception else None))

    class ServerFactory(flight.ServerMiddlewareFactory):
        def start_call(self, info, headers):
            if info.method == flight.FlightMethod.DO_ACTION:
                raise flight.FlightUnauthorizedError("actions are not allowed")
            return ServerSide(headers)

    class ClientSide(flight.ClientMiddleware):
        def sending_headers(self):
            return {"x-request-id": "42"}

        def call_completed(self, exception):
            events.append(("client", type(exception).__name__ if exception else None))

    class ClientFactory(flight.ClientMiddlewareFactory):
        def start_call(self, info):
            return ClientSide()

    class Server(DemoServer):
        def list_actions(self, context):
            return [("request", context.get_middleware("ids").request_id)]

    with Server(middleware={"ids": ServerFactory()}) as server:
        client = flight.connect(("127.0.0.1", server.port), middleware=[ClientFactory()])
        assert client.list_actions(CALL)[0].description == "42"
        with pytest.raises(flight.FlightUnauthorizedError, match="actions are not allowed"):
            list(client.do_action(flight.Action("echo", b"x"), CALL))
        reader = client.do_get(flight.Ticket(b"demo"), CALL)
        assert reader.read_all().num_rows == 3
        assert (b"x-served-by", b"quiver") in reader.headers
        with pytest.raises(flight.FlightUnavailableError):
            client.get_flight_info(flight.FlightDescriptor.for_path("nope"), CALL)
    assert ("server", "42", None) in events
    assert ("client", None) in events
    assert ("client", "FlightUnauthorizedError") in events
    assert ("server", "42", "FlightUnavailableError") in events


def test_write_size_limit():
    with DemoServer() as server:
        client = flight.FlightClient(("127.0.0.1", server.port), write_size_limit_bytes=1024)
        big = pa.table({"x": list(range(1000))})
        writer, _ = client.do_put(flight.FlightDescriptor.for_path("big"), big.schema, CALL)
        with pytest.raises(flight.FlightWriteSizeExceededError) as info:
            writer.write_table(big)
        assert isinstance(info.value, pa.ArrowInvalid)
        assert info.value.limit == 1024 and info.value.actual > 1024


def test_poll_flight_info_and_expiration():
    import datetime

    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc)

    class Server(DemoServer):
        def poll_flight_info(self, context, descriptor):
            info = flight.FlightInfo.for_table(self.tables["demo"], descriptor,
                                               [flight.FlightEndpoint(b"demo", [], expiration_time=expires)])
            return flight.PollInfo(info, None, 1.0, expires)

    with Server() as server, flight.connect(("127.0.0.1", server.port)) as client:
        poll = client.poll_flight_info(flight.FlightDescriptor.for_path("demo"), CALL)
        assert poll.progress == 1.0 and poll.expiration_time == expires
        assert poll.info.endpoints[0].expiration_time == expires
        assert flight.PollInfo.deserialize(poll.serialize()) == poll


def test_many_concurrent_clients(server):
    errors = []

    def worker():
        try:
            with flight.connect(("127.0.0.1", server.port)) as c:
                for _ in range(5):
                    assert c.do_get(flight.Ticket(b"demo"), CALL).read_all().equals(sample_table())
                    assert [r.body.to_pybytes() for r in c.do_action(("echo", b"x"), CALL)] == [b"x"]
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_client_cancelling_midway_leaves_the_server_serving(server, client):
    reader = client.do_get(flight.Ticket(b"generated"), CALL)
    assert reader.read_chunk().data.num_rows == 2
    reader.cancel()
    with pytest.raises(flight.FlightCancelledError):
        while True:
            reader.read_chunk()
    assert client.do_get(flight.Ticket(b"demo"), CALL).read_all().num_rows == 3



def test_writer_cancel_abandons_the_upload(server, client):
    """writer.cancel(), or an exception leaving `with writer:`, cancels the DoPut:
    the server's read_all() fails instead of returning the batches so far as a
    complete upload (pyarrow's writer has no cancel, and its __exit__ closes)."""
    table = sample_table()
    writer, _ = client.do_put(flight.FlightDescriptor.for_path("cancelled"), table.schema, CALL)
    writer.write_table(table)
    writer.cancel()
    with pytest.raises(flight.FlightCancelledError, match="cancelled by the client"):
        writer.write_table(table)
    with pytest.raises(flight.FlightCancelledError):
        writer.close()

    writer, _ = client.do_put(flight.FlightDescriptor.for_path("raised"), table.schema, CALL)
    with pytest.raises(RuntimeError, match="the source failed"):
        with writer:
            writer.write_table(table)
            raise RuntimeError("the source failed")

    writer, _ = client.do_put(flight.FlightDescriptor.for_path("kept"), table.schema, CALL)
    with writer:
        writer.write_table(table)
    assert server.tables["kept"].equals(table)
    assert "cancelled" not in server.tables and "raised" not in server.tables

def test_shutdown_with_a_call_in_flight():
    server = DemoServer()
    client = flight.connect(("127.0.0.1", server.port))
    outcome = []

    def blocked_call():
        try:
            outcome.append(client.do_get(flight.Ticket(b"blocked"), CALL).read_all().num_rows)
        except flight.FlightError as exc:
            outcome.append(type(exc))

    thread = threading.Thread(target=blocked_call)
    thread.start()
    # The in-flight call finishes once its handler is released; shutdown waits for it.
    stopper = threading.Thread(target=server.shutdown)
    stopper.start()
    server.release.set()
    stopper.join()
    thread.join()
    server.wait()
    assert outcome in ([3], [flight.FlightUnavailableError], [flight.FlightCancelledError])


def test_max_handler_threads_refuses_calls_beyond_it_until_one_ends():
    started = threading.Event()
    release = threading.Event()

    class HoldingServer(flight.FlightServerBase):
        def do_action(self, context, action):
            started.set()
            release.wait(30)
            return []

        def list_actions(self, context):
            return [("hold", "waits until released")]

    with HoldingServer("grpc://127.0.0.1:0", max_handler_threads=1) as server:
        client = flight.connect(f"grpc://127.0.0.1:{server.port}")
        held = threading.Thread(target=lambda: list(client.do_action(flight.Action("hold", b""), CALL)))
        held.start()
        assert started.wait(30)
        with pytest.raises(flight.FlightUnavailableError, match="maximum of 1 calls at once"):
            client.list_actions(CALL)
        release.set()
        held.join(30)
        assert not held.is_alive()
        assert [a.type for a in client.list_actions(CALL)] == ["hold"]


@pytest.mark.parametrize("bad", [-1, 1.5, "8", True])
def test_max_handler_threads_must_be_a_non_negative_int(bad):
    with pytest.raises(ValueError, match="max_handler_threads"):
        flight.FlightServerBase(max_handler_threads=bad)
