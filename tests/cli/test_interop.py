"""quiver against pyarrow.flight, both ways: pyarrow's client against `quiver serve`,
and the quiver client subcommands against servers written with pyarrow (test-only)."""

import base64
import json
import threading

import pyarrow as pa
import pyarrow.flight as flight
import pytest

from conftest import LIMIT, read_ipc, run, write_ipc


# ---------------------------------------------------------------------------
# pyarrow's client, quiver's server.


def test_pyarrow_lists_gets_and_puts(server):
    client = flight.connect(server.location)
    infos = list(client.list_flights())
    assert [tuple(i.descriptor.path) for i in infos] == [
        (b"dataset", b"products"), (b"dataset", b"sales"), (b"shop", b"orders"),
        (b"weather", b"readings"), (b"weather", b"stations")]
    assert [i.total_records for i in infos] == [3, 3, 250, 3360, 20]
    assert [tuple(i.descriptor.path) for i in client.list_flights(b"weather/stations")] == [
        (b"weather", b"stations")]

    info = client.get_flight_info(flight.FlightDescriptor.for_path("weather", "readings"))
    assert len(info.endpoints) == 2
    parts = [client.do_get(e.ticket).read_all() for e in info.endpoints]
    assert sum(p.num_rows for p in parts) == info.total_records == 3360
    assert info.schema == parts[0].schema
    assert client.get_schema(flight.FlightDescriptor.for_path("weather/readings")).schema == info.schema

    table = pa.table({"k": ["a", "b"], "v": [1.5, None]})
    writer, reader = client.do_put(flight.FlightDescriptor.for_path("from", "pyarrow"), table.schema)
    writer.write_table(table)
    writer.done_writing()
    ack = json.loads(reader.read().to_pybytes())
    writer.close()
    # A plain PATH upload replaces (here: makes) the dataset.
    assert ack["rows"] == 2 and ack["mode"] == "replace" and ack["path"] == "from/pyarrow"

    more = pa.table({"k": ["c"], "v": [2.0]})
    command = json.dumps({"path": "from/pyarrow", "mode": "append"}).encode()
    writer, _ = client.do_put(flight.FlightDescriptor.for_command(command), more.schema)
    writer.write_table(more)
    writer.close()
    info = client.get_flight_info(flight.FlightDescriptor.for_path("from/pyarrow"))
    got = pa.concat_tables(client.do_get(e.ticket).read_all() for e in info.endpoints)
    assert got.equals(pa.concat_tables([table, more]))

    # The mode header does what --mode does.
    options = flight.FlightCallOptions(headers=[(b"quiver-put-mode", b"replace")])
    writer, _ = client.do_put(flight.FlightDescriptor.for_path("from/pyarrow"), more.schema, options=options)
    writer.write_table(more)
    writer.close()
    assert client.do_get(flight.Ticket(b'{"path": "from/pyarrow"}')).read_all().equals(more)

    with pytest.raises(pa.ArrowKeyError, match="no dataset at 'nope'"):
        client.get_flight_info(flight.FlightDescriptor.for_path("nope"))


def test_pyarrow_actions_and_exchange(server):
    client = flight.connect(server.location)
    assert [a.type for a in client.list_actions()] == ["list_tables", "get_stats", "drop", "rename", "health"]
    # Each is described: what its body is and what it answers.
    for action in client.list_actions():
        assert len(action.description) > 20, action
    tables = [json.loads(r.body.to_pybytes()) for r in client.do_action(flight.Action("list_tables", b"shop"))]
    assert tables == [{"path": "shop/orders", "rows": 250, "bytes": tables[0]["bytes"], "files": 1,
                       "modified_ns": tables[0]["modified_ns"]}]

    table = pa.table({"n": list(range(10))})
    writer, reader = client.do_exchange(flight.FlightDescriptor.for_path("exchanged"))
    writer.begin(table.schema)
    writer.write_table(table, max_chunksize=4)
    writer.done_writing()
    messages = [json.loads(chunk.app_metadata.to_pybytes()) for chunk in reader]
    writer.close()
    assert messages[:3] == [{"batches": 1, "rows": 4}, {"batches": 2, "rows": 8}, {"batches": 3, "rows": 10}]
    assert messages[3]["committed"] is True and messages[3]["dataset_rows"] == 10
    assert client.do_get(flight.Ticket(b'{"path": "exchanged"}')).read_all().equals(table)


def test_the_seed_client_example_runs_against_quiver_serve(server, capsys):
    """The seed's client example, verbatim but for the URL, twice (a put replaces)."""
    url = server.location
    for _ in range(2):
        # --- the seed's client example
        client = flight.connect(url)
        # List available flights
        for flight_info in client.list_flights():
            print(f"Flight: {flight_info.descriptor}")
            print(f" Records: {flight_info.total_records}")
            print(f" Bytes: {flight_info.total_bytes}")
            print(f" Schema: {flight_info.schema}")
        # Get specific flight info
        descriptor = flight.FlightDescriptor.for_path("dataset", "sales")
        info = client.get_flight_info(descriptor)
        print(f"Flight info: {info}")
        # Get data
        for endpoint in info.endpoints:
            stream_reader = client.do_get(endpoint.ticket)
            table = stream_reader.read_all()
            print(f"Retrieved table: {len(table)} rows, {len(table.columns)} columns")
        # Upload data
        upload_descriptor = flight.FlightDescriptor.for_path("uploads", "new_data")
        table_to_upload = pa.table({
            'id': [1, 2, 3, 4, 5],
            'value': [10.5, 20.3, 30.1, 40.7, 50.2]
        })
        writer, metadata_reader = client.do_put(upload_descriptor, table_to_upload.schema)
        writer.write_table(table_to_upload)
        writer.close()
        # Execute action
        action = flight.Action("list_tables", b"")
        results = client.do_action(action)
        for result in results:
            print(f"Action result: {result.body}")
        client.close()
    out = capsys.readouterr().out
    assert out.count("Retrieved table: 3 rows, 3 columns") == 2
    assert " Records: 3360" in out
    # list_tables answers one result per dataset: the five samples and the upload.
    assert out.count("Action result: ") == 2 * 6
    got = flight.connect(url).do_get(flight.Ticket(b'{"path": "uploads/new_data"}')).read_all()
    assert got.equals(table_to_upload)


# ---------------------------------------------------------------------------
# quiver's client, pyarrow's servers.


class TableServer(flight.FlightServerBase):
    """An in-memory Flight server: path -> table; each table served as 2 endpoints."""

    def __init__(self, location="grpc://localhost:0", endpoint_locations=None, **kwargs):
        super().__init__(location, **kwargs)
        self.tables = {}
        self.endpoint_locations = endpoint_locations
        self.seen_headers = []

    def _info(self, key):
        table = self.tables[key]
        half = table.num_rows // 2
        endpoints = [flight.FlightEndpoint(f"{key}:0:{half}".encode(), self.endpoint_locations or []),
                     flight.FlightEndpoint(f"{key}:{half}:{table.num_rows}".encode(), self.endpoint_locations or [])]
        return flight.FlightInfo(table.schema, flight.FlightDescriptor.for_path(*key.split("/")),
                                 endpoints, table.num_rows, table.nbytes)

    def list_flights(self, context, criteria):
        for key in sorted(self.tables):
            if key.startswith(criteria.decode()):
                yield self._info(key)

    def get_flight_info(self, context, descriptor):
        key = "/".join(p.decode() for p in descriptor.path)
        if key not in self.tables:
            raise KeyError(f"no table {key}")
        return self._info(key)

    def do_get(self, context, ticket):
        key, start, end = ticket.ticket.decode().rsplit(":", 2)
        return flight.RecordBatchStream(self.tables[key].slice(int(start), int(end) - int(start)))

    def do_put(self, context, descriptor, reader, writer):
        key = "/".join(p.decode() for p in descriptor.path)
        self.tables[key] = reader.read_all()
        writer.write(pa.py_buffer(b"stored by pyarrow"))

    def list_actions(self, context):
        return [("echo", "Returns its body")]

    def do_action(self, context, action):
        if action.type != "echo":
            raise flight.FlightServerError(f"no action {action.type}")
        yield flight.Result(action.body)


@pytest.fixture
def pyarrow_server():
    server = TableServer()
    server.tables["demo/numbers"] = pa.table({"i": list(range(100)), "s": [str(i) for i in range(100)]})
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield server, f"grpc://localhost:{server.port}"
    server.shutdown()
    thread.join()


def test_quiver_client_against_a_pyarrow_server(pyarrow_server, tmp_path):
    server, location = pyarrow_server
    listing = json.loads(run("ls", location, "--json", check=0).stdout)
    assert listing == [{"path": "demo/numbers", "descriptor_type": "PATH", "total_records": 100,
                        "total_bytes": listing[0]["total_bytes"], "endpoints": 2,
                        "schema": [{"name": "i", "type": "int64", "nullable": True},
                                   {"name": "s", "type": "string", "nullable": True}]}]
    assert "total_records:  100" in run("info", location, "demo/numbers", check=0).stdout

    target = tmp_path / "n.arrow"
    run("get", location, "demo/numbers", "-o", target, check=0)
    assert read_ipc(target).equals(server.tables["demo/numbers"])

    upload = write_ipc(tmp_path / "u.arrow", pa.table({"z": [9, 8]}))
    out = run("put", location, "up/loaded", upload, check=0).stdout
    assert "put up/loaded: 2 rows sent" in out
    assert server.tables["up/loaded"].column("z").to_pylist() == [9, 8]
    # CSV too; an append asks for the schema, which this server does not answer: the
    # types are inferred instead.
    csv = tmp_path / "u.csv"
    csv.write_text("z,w\n7,x\n")
    for mode in ["create", "append"]:
        run("put", location, "up/csv", csv, "--mode", mode, check=0)
        assert server.tables["up/csv"].to_pylist() == [{"z": 7, "w": "x"}]

    assert run("action", location, "echo", "hello", check=0).stdout == "hello\n"
    assert "echo" in run("action", location, check=0).stdout
    failed = run("action", location, "boom", check=1)
    assert failed.stderr.startswith("error: FlightServerError: no action boom")
    missing = run("get", location, "absent", check=1)
    assert missing.stderr.startswith("error: ArrowKeyError: ")


def test_get_fetches_endpoints_from_their_own_servers(make_server, tmp_path):
    """A directory server (pyarrow) hands out endpoints on two quiver servers; `get`
    fetches each endpoint from the server it names and keeps their order."""
    first = make_server()
    second = make_server()
    a = pa.table({"x": [1, 2, 3]})
    b = pa.table({"x": [4, 5]})
    run("put", first.location, "part", write_ipc(tmp_path / "a.arrow", a), check=0)
    run("put", second.location, "part", write_ipc(tmp_path / "b.arrow", b), check=0)

    class Directory(flight.FlightServerBase):
        def get_flight_info(self, context, descriptor):
            endpoints = [
                flight.FlightEndpoint(b'{"path": "part"}', [first.location]),
                flight.FlightEndpoint(b'{"path": "part"}', ["grpc://localhost:1", second.location]),
            ]
            return flight.FlightInfo(a.schema, descriptor, endpoints, 5, -1)

    directory = Directory("grpc://localhost:0")
    thread = threading.Thread(target=directory.serve, daemon=True)
    thread.start()
    try:
        target = tmp_path / "all.arrow"
        run("get", f"grpc://localhost:{directory.port}", "anything", "-o", target, check=0)
        assert read_ipc(target).column("x").to_pylist() == [1, 2, 3, 4, 5]
    finally:
        directory.shutdown()
        thread.join()


class RendezvousServer(TableServer):
    """Each do_get waits until the other endpoint's do_get has started too: a client
    that fetched the endpoints one after the other would never get past the first."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.barrier = threading.Barrier(2, timeout=LIMIT)

    def do_get(self, context, ticket):
        try:
            self.barrier.wait()
        except threading.BrokenBarrierError:
            raise flight.FlightServerError("the endpoints were not fetched at the same time")
        return super().do_get(context, ticket)


def test_get_fetches_the_endpoints_in_parallel(tmp_path):
    server = RendezvousServer()
    server.tables["pair"] = pa.table({"x": list(range(10))})
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        target = tmp_path / "pair.arrow"
        run("get", f"grpc://localhost:{server.port}", "pair", "-o", target, "-q", check=0)
        # Both halves arrived, written in endpoint order.
        assert read_ipc(target).column("x").to_pylist() == list(range(10))
    finally:
        server.shutdown()
        thread.join()


# ---------------------------------------------------------------------------
# Headers and authentication flags, against a pyarrow server that checks them.


class NoOpAuthHandler(flight.ServerAuthHandler):
    """Lets Handshake run; the headers carry the credentials."""

    def authenticate(self, outgoing, incoming):
        pass

    def is_valid(self, token):
        return ""


class BearerMiddleware(flight.ServerMiddleware):
    def __init__(self, token):
        self.token = token

    def sending_headers(self):
        return {"authorization": f"Bearer {self.token}"} if self.token else {}


class BasicBearerFactory(flight.ServerMiddlewareFactory):
    """HTTP Basic on the handshake (user "ada", password "lovelace") gives the bearer
    token "tok-ada"; every other call needs that token."""

    def __init__(self, seen):
        self.seen = seen

    def start_call(self, info, headers):
        self.seen.append(headers)
        auth = headers.get("authorization", [""])[0]
        if auth.startswith("Basic "):
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            if (user, password) != ("ada", "lovelace"):
                raise flight.FlightUnauthenticatedError("wrong user name or password")
            return BearerMiddleware("tok-ada")
        if auth == "Bearer tok-ada":
            return BearerMiddleware(None)
        raise flight.FlightUnauthenticatedError("no valid credentials")


@pytest.fixture
def auth_server():
    seen = []
    server = TableServer(auth_handler=NoOpAuthHandler(), middleware={"auth": BasicBearerFactory(seen)})
    server.tables["secret"] = pa.table({"a": [1]})
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield f"grpc://localhost:{server.port}", seen
    server.shutdown()
    thread.join()


def test_basic_credentials_and_tokens(auth_server):
    location, seen = auth_server
    out = run("ls", location, "--username", "ada", "--password", "lovelace", check=0).stdout
    assert "secret" in out
    assert any(h.get("authorization") == ["Bearer tok-ada"] for h in seen)
    assert "secret" in run("ls", location, "--token", "tok-ada", check=0).stdout

    wrong = run("ls", location, "--username", "ada", "--password", "nope", check=1)
    assert wrong.stderr.startswith("error: FlightUnauthenticatedError: wrong user name or password")
    none = run("ls", location, check=1)
    assert none.stderr.startswith("error: FlightUnauthenticatedError: no valid credentials")
    assert run("ls", location, "--token", "x", "--username", "a", "--password", "b", check=2)


def test_extra_headers_reach_the_server(auth_server):
    location, seen = auth_server
    run("ls", location, "--token", "tok-ada", "-H", "x-trace=abc", "-H", "x-team=data", check=0)
    assert seen[-1]["x-trace"] == ["abc"] and seen[-1]["x-team"] == ["data"]
