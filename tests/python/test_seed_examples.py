"""The seed's five examples (shared/seed/pyarrow-flight-seed.txt) as they live in
examples/python/ (the seed's code with only the imports changed to quiver, plus
a marked minimal server where the seed leaves it out), run as programs against
real servers on loopback, asserting what they print.

The examples use the seed's grpc://localhost:8080. A fixed port may be taken on
a shared machine, so each run gets a copy of the file with 8080 replaced by a
free port; nothing else changes. Further checks reuse the examples' own classes:
data_server.py is imported (its server starts only under __main__); for the
others, which run their client at import, the class definitions above the
"# --- added" marker are executed.
"""

import importlib.util
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import quiver as pa
import quiver.flight as flight

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"
SEED_PORT = re.compile(r"\b8080\b")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _on_port(name, port, directory):
    """A copy of examples/python/NAME serving or connecting on `port` instead of 8080."""
    source = (EXAMPLES / name).read_text()
    assert SEED_PORT.search(source), f"{name} no longer uses the seed's port 8080"
    path = directory / name
    path.write_text(SEED_PORT.sub(str(port), source))
    return path


def _run(path):
    done = subprocess.run([sys.executable, "-u", str(path)], capture_output=True, text=True, timeout=120,
                          cwd=path.parent)
    assert done.returncode == 0, f"{path.name} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout.splitlines()


def _definitions(name):
    """The classes an example defines (its source above the added server and client)."""
    source = (EXAMPLES / name).read_text()
    head, marker, _ = source.partition("# --- added")
    assert marker, f"{name} has no '# --- added' block"
    namespace = {"__name__": f"seed_example_{Path(name).stem}"}
    exec(compile(head, str(EXAMPLES / name), "exec"), namespace)
    return namespace


def _import_data_server():
    spec = importlib.util.spec_from_file_location("seed_data_server", EXAMPLES / "data_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_are_the_seed_with_quiver_imports():
    for name in ["client.py", "data_server.py", "auth.py", "streaming.py", "middleware.py"]:
        source = (EXAMPLES / name).read_text()
        imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
        assert "import quiver.flight as flight" in imports
        assert not [line for line in imports if "pyarrow" in line]


# --- client.py against data_server.py, both as programs


@pytest.fixture()
def data_server_process(tmp_path):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-u", str(_on_port("data_server.py", port, tmp_path))],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        flight.connect(f"grpc://localhost:{port}").wait_for_available(timeout=60)
        yield server, port
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
        server.wait(timeout=60)


def test_client_against_data_server(data_server_process, tmp_path):
    server, port = data_server_process
    out = _run(_on_port("client.py", port, tmp_path))

    flights = [line for line in out if line.startswith("Flight: ")]
    assert len(flights) == 3
    assert any("dataset" in line and "table1" in line for line in flights)
    records = [line for line in out if line.startswith(" Records: ")]
    assert sorted(records) == [" Records: 3", " Records: 3", " Records: 4"]
    assert sum(1 for line in out if line.startswith(" Schema: ")) == 3
    assert any(line.startswith("Flight info: ") for line in out)
    assert "Retrieved table: 4 rows, 2 columns" in out
    action = [line for line in out if line.startswith("Action result: ")]
    assert len(action) == 1

    # The server holds the upload, and its listing includes it.
    client = flight.connect(("localhost", port))
    uploaded = client.do_get(flight.Ticket(b"uploads/new_data")).read_all()
    assert uploaded.equals(pa.table({'id': [1, 2, 3, 4, 5], 'value': [10.5, 20.3, 30.1, 40.7, 50.2]}))
    tables = list(client.do_action(flight.Action("list_tables", b"")))[0].body.to_pybytes().decode()
    assert tables.split("\n") == ["dataset/sales", "dataset/products", "dataset/table1", "uploads/new_data"]
    stats = list(client.do_action(flight.Action("get_stats", b"")))
    assert stats[0].body.to_pybytes() == b"{'table_count': 4, 'total_rows': 15}"
    client.close()

    # Ctrl-C stops the server; what it printed includes the upload.
    server.send_signal(signal.SIGINT)
    stdout, stderr = server.communicate(timeout=60)
    assert server.returncode == 0, stderr
    lines = stdout.splitlines()
    assert lines[0].startswith("Starting server at ") and f"localhost:{port}" in lines[0]
    assert "Stored table at uploads/new_data: 5 rows" in lines
    assert lines[-1] == "Server stopped"


def test_data_server_answers_the_other_calls():
    module = _import_data_server()
    server = module.DataFlightServer()
    # The seed's "conceptual" start, as data_server.py's __main__ does it, on a free port.
    thread = threading.Thread(target=server.serve, args=(flight.Location.for_grpc_tcp("localhost", 0),))
    thread.start()
    try:
        while server.port <= 0:  # serve() binds before it blocks
            threading.Event().wait(0.01)
        client = flight.connect(("localhost", server.port))
        with pytest.raises(flight.FlightUnavailableError, match="Unknown path: dataset/none"):
            client.get_flight_info(flight.FlightDescriptor.for_path("dataset", "none"))
        with pytest.raises(flight.FlightUnavailableError, match="Unknown ticket: nope"):
            client.do_get(flight.Ticket(b"nope")).read_all()
        with pytest.raises(flight.FlightUnavailableError, match="Unknown action: nope"):
            list(client.do_action(flight.Action("nope", b"")))
        schema = client.get_schema(flight.FlightDescriptor.for_path("dataset", "products")).schema
        assert schema.names == ["id", "name", "price"]
        assert [a.type for a in client.list_actions()] == ["list_tables", "get_stats"]
        info = client.get_flight_info(flight.FlightDescriptor.for_path("dataset", "sales"))
        assert info.total_records == 3 and info.endpoints[0].ticket.ticket == b"dataset/sales"
        sales = client.do_get(info.endpoints[0].ticket).read_all()
        assert sales.column("region").to_pylist() == ["North", "South", "East"]
        client.close()
    finally:
        server.shutdown()
        thread.join()


# --- streaming.py


def test_streaming_example(tmp_path):
    out = _run(_on_port("streaming.py", _free_port(), tmp_path))
    received = [line for line in out if line.startswith("Received batch ")]
    assert received == [f"Received batch {i}: 1000 rows" for i in range(1, 11)]
    averages = [float(line.split(":")[1]) for line in out if line.startswith(" Average value:")]
    assert len(averages) == 10 and all(0.0 < a < 1.0 for a in averages)
    assert out[-1] == "Total: 10 batches, 10000 rows"


def test_streaming_time_series_and_unknown_path():
    classes = _definitions("streaming.py")
    with classes["StreamingFlightServer"]("grpc://localhost:0") as server:
        client = flight.connect(("localhost", server.port))
        series = client.do_get(flight.Ticket(b"streaming/time_series")).read_all()
        assert series.num_rows == 180
        assert series.schema.field("timestamp").type == pa.timestamp("s")
        assert set(series.column("sensor_id").to_pylist()) == {"sensor_001", "sensor_002", "sensor_003"}
        assert all(20.0 <= v <= 30.0 for v in series.column("value").to_pylist())
        with pytest.raises(flight.FlightUnavailableError, match="Unknown streaming path: other"):
            client.do_get(flight.Ticket(b"other")).read_all()


# --- auth.py


def test_auth_example(tmp_path):
    out = _run(_on_port("auth.py", _free_port(), tmp_path))
    assert out == ["Server: list_flights for user123", "Found 1 flights"]


def test_auth_handlers_reject_bad_credentials():
    classes = _definitions("auth.py")

    class Server(flight.FlightServerBase):
        def list_flights(self, context, criteria):
            return []

    with Server("grpc://localhost:0", auth_handler=classes["SimpleAuthHandler"]()) as server:
        url = f"grpc://localhost:{server.port}"
        good = classes["SimpleClientAuthHandler"]("user123", "secret456")
        client = flight.connect(url, auth_handler=good)
        assert good.get_token() == "token-user123"
        assert list(client.list_flights()) == []
        with pytest.raises(flight.FlightUnauthenticatedError, match="Invalid credentials"):
            flight.connect(url, auth_handler=classes["SimpleClientAuthHandler"]("user123", "wrong"))
        with pytest.raises(flight.FlightUnauthenticatedError):
            list(flight.connect(url).list_flights())


# --- middleware.py


def test_middleware_example(tmp_path):
    out = _run(_on_port("middleware.py", _free_port(), tmp_path))
    assert "Starting call: FlightMethod.LIST_FLIGHTS" in out
    assert "Request started: FlightMethod.LIST_FLIGHTS" in out
    assert any(line.startswith("Headers: {") and "'user-agent'" in line for line in out)
    assert "Received headers: {}" in out
    assert any(re.fullmatch(r"Request completed in \d+\.\d{3} seconds", line) for line in out)
    assert any(re.fullmatch(r"Request completed in \d+\.\d{3}s", line) for line in out)
    assert "Listed 1 flights" in out


def test_middleware_sees_a_failed_call(capsys):
    classes = _definitions("middleware.py")

    class Server(flight.FlightServerBase):
        def get_flight_info(self, context, descriptor):
            raise flight.FlightUnavailableError("Unknown path: none")

    with Server("grpc://localhost:0", middleware={"logging": classes["LoggingServerMiddlewareFactory"]()}) as server:
        client = flight.connect(("localhost", server.port), middleware=[classes["TimingClientMiddlewareFactory"]()])
        with pytest.raises(flight.FlightUnavailableError):
            client.get_flight_info(flight.FlightDescriptor.for_path("none"))
        client.close()
    out = capsys.readouterr().out.splitlines()
    assert "Starting call: FlightMethod.GET_FLIGHT_INFO" in out
    assert any(line.startswith("Request failed after ") and "Unknown path: none" in line for line in out)
