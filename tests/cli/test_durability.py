"""Durability: an acknowledged put is never lost, a failed one leaves no trace."""

import json
import signal
import subprocess
import threading

import pyarrow as pa
import pyarrow.flight as flight
import pyarrow.ipc as ipc
import pytest

from conftest import QUIVER, read_ipc, run, temp_files, wait_for, write_ipc


def column(location, path, name="x"):
    client = flight.connect(location)
    info = client.get_flight_info(flight.FlightDescriptor.for_path(path))
    table = pa.concat_tables([client.do_get(e.ticket).read_all() for e in info.endpoints])
    return table.column(name).to_pylist()


def test_sigkill_after_an_acknowledged_put_keeps_it(make_server, tmp_path):
    server = make_server()
    created = write_ipc(tmp_path / "c.arrow", pa.table({"x": [1, 2]}))
    appended = write_ipc(tmp_path / "a.arrow", pa.table({"x": [3]}))
    run("put", server.location, "kept", created, check=0)
    run("put", server.location, "kept", appended, "--mode", "append", check=0)
    run("put", server.location, "swapped", created, check=0)
    run("put", server.location, "swapped", appended, "--mode", "replace", check=0)
    # No shutdown, no flush: the process dies the moment after the last acknowledgement.
    assert server.kill() != 0

    server.restart()
    assert column(server.location, "kept") == [1, 2, 3]
    assert column(server.location, "swapped") == [3]
    assert temp_files(server.root) == []
    server.stop()


class StdinPut:
    """`quiver put LOCATION PATH -` fed batch by batch through a pipe."""

    def __init__(self, location, path, schema, mode="create"):
        self.proc = subprocess.Popen(
            [str(QUIVER), "put", location, path, "-", "--mode", mode, "-q"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.writer = ipc.new_stream(self.proc.stdin, schema)

    def send(self, table):
        self.writer.write_table(table)
        self.proc.stdin.flush()

    def finish(self):
        try:
            self.writer.close()
        except OSError:
            pass  # the reader end is gone (the put already failed)
        out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, out.decode(), err.decode()

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=120)
        self.proc.stdin.close()


def test_a_client_killed_mid_put_leaves_the_previous_version(make_server, tmp_path):
    server = make_server()
    run("put", server.location, "data", write_ipc(tmp_path / "v1.arrow", pa.table({"x": [1, 1]})), check=0)

    upload = StdinPut(server.location, "data", pa.schema([("x", pa.int64())]), mode="replace")
    upload.send(pa.table({"x": [2] * 1000}))
    # The server has the upload in progress once its temporary file exists.
    wait_for(lambda: temp_files(server.root / "data"), "the upload's temporary file")
    assert column(server.location, "data") == [1, 1]
    upload.kill()

    # The server notices the broken call, drops the upload, and frees the dataset.
    wait_for(lambda: not temp_files(server.root), "the temporary file to go")
    assert column(server.location, "data") == [1, 1]
    run("put", server.location, "data", write_ipc(tmp_path / "v3.arrow", pa.table({"x": [3]})), "--mode", "replace", check=0)
    assert column(server.location, "data") == [3]
    assert "put failed" in server.log()


def test_a_client_killed_mid_create_leaves_no_dataset(make_server):
    server = make_server()
    upload = StdinPut(server.location, "fresh/set", pa.schema([("x", pa.int64())]))
    upload.send(pa.table({"x": list(range(100))}))
    wait_for(lambda: temp_files(server.root), "the upload's temporary file")
    listing = json.loads(run("ls", server.location, "--json", check=0).stdout)
    assert listing == []
    upload.kill()
    # The temporary file goes first, then the folders made for the upload.
    wait_for(lambda: not temp_files(server.root), "the temporary file to go")
    wait_for(lambda: not (server.root / "fresh").exists(), "the upload's folders to go")
    assert json.loads(run("ls", server.location, "--json", check=0).stdout) == []


def test_a_server_killed_mid_put_restarts_clean(make_server, tmp_path):
    server = make_server()
    run("put", server.location, "data", write_ipc(tmp_path / "v1.arrow", pa.table({"x": [1]})), check=0)
    upload = StdinPut(server.location, "data", pa.schema([("x", pa.int64())]), mode="replace")
    upload.send(pa.table({"x": [2] * 500}))
    wait_for(lambda: temp_files(server.root / "data"), "the upload's temporary file")
    server.kill()
    code, _, err = upload.finish()
    assert code == 1 and err.startswith("error: ")

    server.restart()
    assert temp_files(server.root) == []
    assert "removed 1 unfinished upload(s)" in server.log()
    assert column(server.location, "data") == [1]
    server.stop()


def test_shutdown_lets_an_upload_in_flight_commit(make_server, tmp_path):
    """SIGTERM during a put: the upload may finish within the grace period, and what
    was acknowledged is there after a restart."""
    server = make_server(None, "--grace", "600")
    upload = StdinPut(server.location, "late", pa.schema([("x", pa.int64())]))
    upload.send(pa.table({"x": [1, 2]}))
    wait_for(lambda: temp_files(server.root), "the upload's temporary file")
    server.signal(signal.SIGTERM)
    wait_for(lambda: "finishing the calls in flight" in server.log(), "the server to start draining")
    upload.send(pa.table({"x": [3]}))
    code, out, err = upload.finish()
    assert code == 0, err
    assert "put late: 3 rows (create)" in out
    assert server.wait() == 0
    server.restart()
    assert column(server.location, "late") == [1, 2, 3]
    server.stop()


def test_leftover_temp_files_are_removed_at_start(make_server, tmp_path):
    root = tmp_path / "root"
    (root / "a" / "b").mkdir(parents=True)
    write_ipc(root / "a" / "b" / "part-1.arrow", pa.table({"x": [7]}))
    (root / "a" / "b" / ".quiver-tmp-deadbeef.arrow").write_bytes(b"half written")
    (root / ".quiver-tmp-cafe.arrow").write_bytes(b"x")
    server = make_server(root)
    assert temp_files(root) == []
    assert column(server.location, "a/b") == [7]


def test_a_second_writer_is_refused_while_the_first_runs(make_server, tmp_path):
    server = make_server()
    first = StdinPut(server.location, "shared", pa.schema([("x", pa.int64())]))
    first.send(pa.table({"x": [1]}))
    wait_for(lambda: temp_files(server.root), "the first upload's temporary file")

    second = run("put", server.location, "shared", write_ipc(tmp_path / "s.arrow", pa.table({"x": [2]})), "--mode", "replace", check=1)
    assert second.stderr.startswith("error: FlightUnavailableError: ")
    assert "is being written by another upload" in second.stderr
    drop = run("action", server.location, "drop", "shared", check=1)
    assert "is being written by another upload" in drop.stderr

    first.send(pa.table({"x": [5]}))
    code, out, err = first.finish()
    assert code == 0, err
    assert column(server.location, "shared") == [1, 5]
    run("put", server.location, "shared", tmp_path / "s.arrow", "--mode", "replace", check=0)
    assert column(server.location, "shared") == [2]


def test_concurrent_readers_see_one_whole_version_during_replaces(make_server, tmp_path):
    """Version v is v * 100 rows all equal to v, in one or two files; a reader that mixed
    two versions would see two values or a count that is not 100 times the value."""
    server = make_server()
    versions = []
    for v in range(1, 9):
        versions.append(write_ipc(tmp_path / f"v{v}.arrow", pa.table({"x": [v] * (v * 100)})))
    run("put", server.location, "hot", versions[0], check=0)

    done = threading.Event()
    problems = []
    reads = []

    def reader():
        client = flight.connect(server.location)
        while not done.is_set() or not reads:
            try:
                info = client.get_flight_info(flight.FlightDescriptor.for_path("hot"))
                values = []
                for endpoint in info.endpoints:
                    values += client.do_get(endpoint.ticket).read_all().column("x").to_pylist()
            except Exception as error:  # noqa: BLE001 - any failure is a finding
                problems.append(repr(error))
                continue
            if len(set(values)) != 1 or len(values) != values[0] * 100:
                problems.append(f"mixed read: {len(values)} rows, values {sorted(set(values))}")
            if info.total_records != len(values):
                problems.append(f"info said {info.total_records} rows, read {len(values)}")
            reads.append(values[0])

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for path in versions[1:]:
            run("put", server.location, "hot", path, "--mode", "replace", check=0)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
    assert problems == []
    assert reads
    assert column(server.location, "hot") == [8] * 800


def test_quota_refuses_oversize_uploads(make_server, tmp_path):
    server = make_server(None, "--max-upload-bytes", "10KiB")
    big = write_ipc(tmp_path / "big.arrow", pa.table({"x": list(range(5000))}))
    proc = run("put", server.location, "big", big, check=1)
    # Refused as invalid input (INVALID_ARGUMENT), as pyarrow reports an oversize
    # write: ArrowInvalid, with the server's message saying what to do.
    assert proc.stderr.startswith(
        "error: ArrowInvalid: upload to 'big' exceeds the server's quota of 10240 bytes"), proc.stderr
    assert "--max-upload-bytes" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert json.loads(run("ls", server.location, "--json", check=0).stdout) == []
    assert temp_files(server.root) == []
    small = write_ipc(tmp_path / "small.arrow", pa.table({"x": [1]}))
    run("put", server.location, "small", small, check=0)
    assert column(server.location, "small") == [1]


def test_quota_as_pyarrow_sees_it(make_server):
    server = make_server(None, "--max-upload-bytes", "10KiB")
    client = flight.connect(server.location)
    # Many small batches: the store counts the bytes written and stops at the quota.
    table = pa.table({"x": list(range(5000))})
    with pytest.raises(pa.ArrowInvalid, match="exceeds the server's quota of 10240 bytes"):
        writer, _ = client.do_put(flight.FlightDescriptor.for_path("many"), table.schema)
        for batch in table.to_batches(max_chunksize=100):
            writer.write_batch(batch)
        writer.close()
    # One message far past the quota, after a small one: refused as a whole, the small
    # batch before it included.
    huge = pa.table({"x": list(range(400_000))})
    with pytest.raises(pa.ArrowInvalid, match="exceeds the server's quota of 10240 bytes"):
        writer, _ = client.do_put(flight.FlightDescriptor.for_path("huge"), huge.schema)
        writer.write_table(huge.slice(0, 10))
        writer.write_table(huge)
        writer.close()
    assert [i.descriptor.path for i in client.list_flights()] == []
    assert temp_files(server.root) == []
    assert json.loads(run("action", server.location, "health", check=0).stdout)["status"] == "ok"
