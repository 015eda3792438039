"""quiver serve: refusals of bad input, shutdown, listening options, the sample default."""

import json
import os
import signal
import subprocess

import pyarrow as pa
import pyarrow.flight as flight
import pytest

from conftest import LIMIT, QUIVER, SAMPLE, run, write_ipc


def test_paths_that_escape_the_root_are_refused(make_server, tmp_path):
    outside = tmp_path / "outside"
    write_ipc(outside / "secret.arrow", pa.table({"s": ["do not serve"]}))
    server = make_server()
    os.symlink(outside, server.root / "link")
    write_ipc(tmp_path / "up.arrow", pa.table({"s": ["x"]}))

    for path in ["../outside", "a/../../outside", "/etc", "link", ".quiver/trash"]:
        proc = run("get", server.location, path, check=1)
        assert proc.stderr.startswith("error: ArrowInvalid: "), (path, proc.stderr)
    proc = run("info", server.location, "link", check=1)
    assert "leaves the served root through a symlink" in proc.stderr
    proc = run("put", server.location, "link/new", tmp_path / "up.arrow", check=1)
    assert "leaves the served root" in proc.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["secret.arrow"]
    assert json.loads(run("ls", server.location, "--json", check=0).stdout) == []

    client = flight.connect(server.location)
    for ticket in [b'{"path": "../outside", "file": "secret.arrow"}',
                   b'{"path": "link", "file": "secret.arrow"}',
                   b'{"path": "x", "file": "../../outside/secret.arrow"}']:
        with pytest.raises(flight.FlightError if False else pa.ArrowInvalid):
            client.do_get(flight.Ticket(ticket)).read_all()
    for descriptor in [flight.FlightDescriptor.for_path("/etc"),
                       flight.FlightDescriptor.for_path("..", "outside"),
                       flight.FlightDescriptor.for_path("link"),
                       flight.FlightDescriptor.for_command(b'{"path": "/etc/passwd"}')]:
        with pytest.raises(pa.ArrowInvalid):
            client.get_flight_info(descriptor)
    # Actions cannot reach out either: not by drop, not by renaming into or out of a link.
    run("put", server.location, "inside", tmp_path / "up.arrow", check=0)
    proc = run("action", server.location, "drop", "link", check=1)
    assert "leaves the served root" in proc.stderr
    proc = run("action", server.location, "rename", '{"from": "inside", "to": "link/moved"}', check=1)
    assert "leaves the served root" in proc.stderr
    proc = run("action", server.location, "rename", '{"from": "link", "to": "stolen"}', check=1)
    assert "leaves the served root" in proc.stderr
    proc = run("action", server.location, "rename", '{"from": "inside", "to": "../moved"}', check=1)
    assert proc.stderr.startswith("error: ArrowInvalid: ")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.arrow"]
    assert [e["path"] for e in json.loads(run("ls", server.location, "--json", check=0).stdout)] == ["inside"]
    # The server is still up and well.
    assert json.loads(run("action", server.location, "health", check=0).stdout)["status"] == "ok"


def test_malformed_tickets_commands_and_criteria(server):
    client = flight.connect(server.location)
    for ticket, message in [
        (b"garbage", "malformed ticket: expected a JSON object"),
        (b"\xff\xfe\x00", "malformed ticket"),
        (b'{"file": "x.arrow"}', 'has no "path"'),
        (b'{"path": 5}', '"path" must be a string or a list of strings'),
        (b'{"path": "weather/readings", "file": 3}', '"file" must be a string'),
        (b'{"path": "weather/readings", "file": "nope.arrow"}', "has no file 'nope.arrow'"),
        (b"x" * 10000, "more than the 8192"),
    ]:
        with pytest.raises(pa.ArrowException) as raised:
            client.do_get(flight.Ticket(ticket)).read_all()
        assert message in str(raised.value), (ticket[:40], str(raised.value))
    with pytest.raises(pa.ArrowInvalid, match="unknown descriptor command"):
        client.get_flight_info(flight.FlightDescriptor.for_command(b"SELECT 1"))
    with pytest.raises(pa.ArrowInvalid, match="unknown put mode 'upsert'"):
        writer, _ = client.do_put(
            flight.FlightDescriptor.for_command(json.dumps({"path": "p", "mode": "upsert"})),
            pa.schema([("a", pa.int8())]))
        writer.close()
    with pytest.raises(pa.ArrowInvalid, match="path prefix"):
        list(client.list_flights(b"../x"))
    # A whole-dataset ticket is accepted too.
    table = client.do_get(flight.Ticket(b'{"path": ["weather", "readings"]}')).read_all()
    assert table.num_rows == 3360
    assert json.loads(run("action", server.location, "health", check=0).stdout)["status"] == "ok"


def test_sigint_and_sigterm_exit_zero(make_server):
    for sig in (signal.SIGINT, signal.SIGTERM):
        server = make_server()
        server.signal(sig)
        assert server.wait() == 0
        assert "stopped" in server.log()


def big_dataset(root, rows=4_000_000):
    """About 32 MB in 40 batches: far more than gRPC keeps in flight unread."""
    table = pa.table({"x": pa.array(range(rows), type=pa.int64())})
    path = root / "big" / "part-00000001-test.arrow"
    path.parent.mkdir(parents=True)
    with pa.OSFile(str(path), "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=rows // 40)
    return rows


def test_shutdown_lets_a_download_in_flight_finish(make_server, tmp_path):
    root = tmp_path / "root"
    rows = big_dataset(root)
    server = make_server(root, "--grace", "600")
    client = flight.connect(server.location)
    info = client.get_flight_info(flight.FlightDescriptor.for_path("big"))
    reader = client.do_get(info.endpoints[0].ticket)
    first = reader.read_chunk()
    server.signal(signal.SIGTERM)
    rest = reader.read_all()
    assert first.data.num_rows + rest.num_rows == rows
    assert rest.column("x")[rest.num_rows - 1].as_py() == rows - 1
    assert server.wait() == 0
    log = server.log()
    assert "finishing the calls in flight" in log and "stopped" in log


def test_a_second_signal_stops_at_once(make_server, tmp_path):
    root = tmp_path / "root"
    big_dataset(root)
    server = make_server(root, "--grace", "600")
    client = flight.connect(server.location)
    info = client.get_flight_info(flight.FlightDescriptor.for_path("big"))
    reader = client.do_get(info.endpoints[0].ticket)
    reader.read_chunk()
    server.signal(signal.SIGINT)
    # The download is still open, so the server is draining; a second signal ends it.
    import time
    deadline = time.monotonic() + LIMIT
    while "finishing the calls in flight" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    server.signal(signal.SIGINT)
    assert server.wait() == 130
    assert "stopping at once" in server.log()


def test_unix_socket(tmp_path):
    socket = tmp_path / "q.sock"
    proc = subprocess.Popen([str(QUIVER), "serve", "--root", str(tmp_path / "r"), "--unix", str(socket)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        location = proc.stdout.readline().decode().strip()
        assert location == f"grpc+unix://{socket}"
        write_ipc(tmp_path / "a.arrow", pa.table({"a": [1]}))
        run("put", location, "a", tmp_path / "a.arrow", check=0)
        assert "(1 of 1 rows" in run("get", location, "a", check=0).stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=LIMIT) == 0


def test_config_file(tmp_path):
    config = tmp_path / "quiver.toml"
    config.write_text(f'root = "{tmp_path / "configured"}"\nmax-upload-bytes = "2KiB"\nport = 0\n')
    proc = subprocess.Popen([str(QUIVER), "serve", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        location = proc.stdout.readline().decode().strip()
        write_ipc(tmp_path / "big.arrow", pa.table({"x": list(range(2000))}))
        refused = run("put", location, "big", tmp_path / "big.arrow", check=1)
        assert "quota of 2048 bytes" in refused.stderr
        assert (tmp_path / "configured").is_dir()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=LIMIT) == 0


def test_default_root_is_the_embedded_sample(tmp_path):
    home = tmp_path / "home"
    proc = subprocess.Popen([str(QUIVER), "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "QUIVER_HOME": str(home)})
    try:
        location = proc.stdout.readline().decode().strip()
        listing = json.loads(run("ls", location, "--json", check=0).stdout)
        assert [entry["path"] for entry in listing] == [
            "dataset/products", "dataset/sales", "shop/orders", "weather/readings", "weather/stations"]
        for file in SAMPLE.rglob("*.arrow"):
            copy = home / "sample" / file.relative_to(SAMPLE)
            assert copy.read_bytes() == file.read_bytes()
        run("action", location, "drop", "shop/orders", check=0)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=LIMIT) == 0
        assert b"wrote the sample datasets" in proc.stderr.read()
    # A second start keeps what the first changed.
    proc = subprocess.Popen([str(QUIVER), "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "QUIVER_HOME": str(home)})
    try:
        location = proc.stdout.readline().decode().strip()
        listing = json.loads(run("ls", location, "--json", check=0).stdout)
        assert [entry["path"] for entry in listing] == [
            "dataset/products", "dataset/sales", "weather/readings", "weather/stations"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=LIMIT) == 0


def test_files_placed_by_hand_are_served(make_server, tmp_path):
    root = tmp_path / "root"
    write_ipc(root / "hand" / "a.arrow", pa.table({"v": [1, 2]}))
    write_ipc(root / "hand" / "b.arrows", pa.table({"v": [3]}), stream=True)
    (root / "hand" / "README.txt").write_text("not data")
    server = make_server(root)
    info = json.loads(run("info", server.location, "hand", "--json", check=0).stdout)
    assert info["total_records"] == 3 and len(info["endpoints"]) == 2
    client = flight.connect(server.location)
    got = client.do_get(flight.Ticket(b'{"path": "hand"}')).read_all()
    assert got.column("v").to_pylist() == [1, 2, 3]


def test_a_corrupt_file_hides_only_its_own_dataset(make_server, tmp_path):
    root = tmp_path / "root"
    write_ipc(root / "good" / "a.arrow", pa.table({"v": [1]}))
    (root / "bad").mkdir()
    (root / "bad" / "broken.arrow").write_bytes(b"ARROW1\x00\x00 and then garbage")
    server = make_server(root)
    listing = json.loads(run("ls", server.location, "--json", check=0).stdout)
    assert [entry["path"] for entry in listing] == ["good"]
    assert "not listed: dataset 'bad'" in server.log()
    proc = run("get", server.location, "bad", check=1)
    assert proc.stderr.startswith("error: ArrowInvalid: ") or proc.stderr.startswith("error: ArrowIOError: ")
    assert "broken.arrow" in proc.stderr
    client = flight.connect(server.location)
    with pytest.raises(pa.ArrowException, match="broken.arrow"):
        client.do_get(flight.Ticket(b'{"path": "bad", "file": "broken.arrow"}')).read_all()
    assert json.loads(run("action", server.location, "health", check=0).stdout)["status"] == "ok"


def test_calls_beyond_max_handler_threads_are_refused_until_one_ends(make_server):
    server = make_server(None, "--max-handler-threads", "1")
    holder = flight.connect(server.location)
    table = pa.table({"x": pa.array([1, 2, 3], type=pa.int64())})
    # An upload that has sent its first batch and not finished holds the only handler.
    writer, _ = holder.do_put(flight.FlightDescriptor.for_path("held"), table.schema)
    writer.write_table(table)
    other = flight.connect(server.location)
    import time
    deadline = time.monotonic() + LIMIT
    while True:  # the upload's handler may not have started yet
        try:
            other.list_actions()
        except flight.FlightUnavailableError as refused:
            assert "maximum of 1 calls at once" in str(refused), refused
            break
        assert time.monotonic() < deadline, "a second call was never refused"
        time.sleep(0.05)
    writer.close()
    # The handler is free again: calls are served, and the upload was kept.
    deadline = time.monotonic() + LIMIT
    while True:
        try:
            listing = [f.descriptor.path for f in other.list_flights()]
            break
        except flight.FlightUnavailableError:
            assert time.monotonic() < deadline, "calls were still refused after the held one ended"
            time.sleep(0.05)
    assert listing == [[b"held"]]
    assert server.stop() == 0


def test_max_handler_threads_must_not_be_negative(tmp_path):
    proc = run("serve", "--root", tmp_path / "root", "--port", "0", "--max-handler-threads", "-1", check=None)
    assert proc.returncode != 0
    assert "--max-handler-threads" in proc.stderr
