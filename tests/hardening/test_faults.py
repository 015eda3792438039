"""Faults around `quiver serve`'s durable puts (reliability figures N3, N4, N4a, N4c, N5).

N4a  the syscall order of a put, seen through the faultfs interposer (faultfs.cc):
     fsync(temp file) -> rename(temp, final) -> fsync(folder), all before the ack.
N4c  disk full (ENOSPC) and failing fsync (EIO) during a put: a clear error, no ack,
     the previous version intact and byte-identical, no temp file, the server serving.
N3   clients that vanish mid-DoPut (SIGKILL after k of n batches, cancel, Quiver's
     writer.cancel() and an exception in `with writer:`, a deadline,
     a dropped TCP connection) and mid-DoGet: nothing becomes visible, nothing is left
     behind, the server keeps serving with its threads and descriptors back at baseline.
N4   the server SIGKILLed 0-50 ms after an acknowledged put (mode A) or during the next
     put (mode B), then restarted: no acknowledged put lost, no partial dataset visible.
N5   SIGTERM with a stalled DoGet and a streaming DoPut: exit 0 after the grace period,
     the upload unpublished, the stalled reader cancelled.

Everything runs against the real binary ($QUIVER_BIN). Times are recorded as figures
(figures.py), never asserted; limits only stop a hung test.
"""

import json
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pyarrow as pa
import pyarrow.flight as flight
import pytest

import quiver as qv
import quiver.flight as qflight

import faults
import figures
import support
from faults import health, listed, make_table, put, read_dataset, table_hash, temp_files
from support import LIMIT, wait_for


@pytest.fixture(scope="module")
def faultfs_library(tmp_path_factory):
    return faults.faultfs_library(tmp_path_factory.mktemp("faultfs"))


@pytest.fixture
def faulty_server(make_server, faultfs_library, tmp_path):
    """make(name) -> (server, FaultFS): a quiver serve under the interposer."""

    def make(name="faulty", *extra):
        fs = faults.FaultFS(faultfs_library, tmp_path / name, tmp_path)
        return make_server(*extra, name=name, env=fs.env), fs

    return make


def connect(server):
    return flight.connect(server.location)


# --- N4a: the syscall order ------------------------------------------------------------

def commit_sequence(events, dataset_dir):
    """The calls of one put into `dataset_dir`, as (call, path, path2, ns, result, errno)."""
    prefix = str(dataset_dir) + "/"
    return [e for e in events if e["path"].startswith(prefix) or e["path"] == str(dataset_dir)
            or (e["path2"] or "").startswith(prefix)]


def first(events, predicate, what):
    for event in events:
        if predicate(event):
            return event
    raise AssertionError(f"no {what} in the interposer's log:\n" +
                         "\n".join(f'{e["call"]} {e["path"]} {e["path2"] or ""} -> {e["result"]}' for e in events))


def test_put_fsyncs_the_file_renames_then_fsyncs_the_folder_before_the_ack(faulty_server):
    server, fs = faulty_server("order")
    # Slow every folder fsync down: an acknowledgement sent before the fsync ended
    # would reach the client before the interposer logs the fsync's end.
    fs.set(dir_fsync_delay_ms=300)
    client = connect(server)
    dataset_dir = fs.root / "audit" / "set"
    checked = {}
    for mode, seed in (("create", 1), ("append", 2), ("replace", 3)):
        start = len(fs.events())
        table = make_table(seed, 5000)
        ack, acked_at = put(client, "audit/set", table, batch_rows=1000, mode=mode)
        assert ack["mode"] == mode
        events = commit_sequence(fs.events()[start:], dataset_dir)
        temp = first(events, lambda e: e["call"].startswith("open") and "/.quiver-tmp-" in e["path"]
                     and e["path"].endswith(".arrow"), "open of the upload's temporary file")["path"]
        final = str(dataset_dir / ack["file"])
        sync_temp = first(events, lambda e: e["call"] in ("fsync", "fdatasync") and e["path"] == temp
                          and e["result"] == 0, f"fsync of {temp}")
        rename = first(events, lambda e: e["call"].startswith("rename") and e["path"] == temp
                       and e["path2"] == final and e["result"] == 0, f"rename {temp} -> {final}")
        sync_dir = first([e for e in events if e["ns"] > rename["ns"]],
                         lambda e: e["call"] == "fsync" and e["path"] == str(dataset_dir) and e["result"] == 0,
                         f"fsync of {dataset_dir} after the rename")
        assert sync_temp["ns"] < rename["ns"] < sync_dir["ns"] < acked_at, (mode, events)
        if mode == "replace":
            # The replace is journalled durably before the new file takes the old one's place.
            journal = first(events, lambda e: e["call"].startswith("rename") and "/.quiver-replace-"
                            in (e["path2"] or ""), "the replace journal's rename")
            journal_sync = first([e for e in events if e["ns"] > journal["ns"]],
                                 lambda e: e["call"] == "fsync" and e["path"] == str(dataset_dir),
                                 "fsync of the folder after the journal")
            assert journal_sync["ns"] < rename["ns"]
        checked[mode] = {"fsync_tmp_to_rename_us": (rename["ns"] - sync_temp["ns"]) // 1000,
                         "rename_to_dir_fsync_end_us": (sync_dir["ns"] - rename["ns"]) // 1000,
                         "dir_fsync_end_to_ack_received_us": (acked_at - sync_dir["ns"]) // 1000}
    assert table_hash(read_dataset(client, "audit/set")) == table_hash(make_table(3, 5000))
    figures.record("N4a", "put syscall order under LD_PRELOAD (fsync tmp, rename, fsync dir, then ack)",
                   modes=sorted(checked), order_ok=True, dir_fsync_delay_ms=300, **checked)


# --- N4c: disk full and failing fsync ----------------------------------------------------------

def refused_put(client, path, table, mode="replace"):
    """A put that must fail: returns the exception; fails the test if it was acknowledged."""
    try:
        ack, _ = put(client, path, table, batch_rows=2000, mode=mode)
    except pa.ArrowException as error:
        return error
    raise AssertionError(f"the put to {path} was acknowledged despite the fault: {ack}")


def test_disk_full_fails_the_put_and_keeps_the_previous_version(faulty_server):
    server, fs = faulty_server("enospc")
    client = connect(server)
    previous = make_table(10, 20000)
    put(client, "full/set", previous)
    kept = table_hash(previous)
    messages = []
    for case, (limit, mode, path) in enumerate([(0, "replace", "full/set"), (1000, "replace", "full/set"),
                                               (100_000, "append", "full/set"), (5000, "create", "full/new")]):
        fs.set(enospc_after=limit)
        error = refused_put(client, path, make_table(100 + case, 20000), mode=mode)
        fs.clear()
        text = str(error)
        messages.append(text.split(". gRPC client debug context")[0])
        assert f"upload to '{path}' failed" in text and "No space left on device" in text, text
        assert table_hash(read_dataset(client, "full/set")) == kept
        assert "full/new" not in listed(client)
        wait_for(lambda: not temp_files(fs.root), "the failed upload's temporary file to go")
        assert health(client) == "ok"
    # Space is back: the next put works.
    after = make_table(11, 300)
    put(client, "full/set", after)
    assert table_hash(read_dataset(client, "full/set")) == table_hash(after)
    enospc = [e for e in fs.events() if e["errno"] == 28]
    assert enospc, "the interposer never returned ENOSPC"
    figures.record("N4c", "disk full (ENOSPC after N bytes) during a put",
                   cases=4, acked=0, previous_version_intact=4, temp_files_left=0,
                   error_class=type(error).__name__, example_message=messages[1])


def test_failing_fsync_fails_the_put_without_retrying_it(faulty_server):
    server, fs = faulty_server("eio")
    client = connect(server)
    previous = make_table(20, 10000)
    put(client, "sync/set", previous)
    kept = table_hash(previous)
    for mode in ("replace", "append"):
        start = len(fs.events())
        fs.set(fsync_eio=1)
        error = refused_put(client, "sync/set", make_table(21, 10000), mode=mode)
        fs.clear()
        text = str(error)
        assert "upload to 'sync/set' failed" in text and "fsync failed" in text \
            and "Input/output error" in text, text
        assert table_hash(read_dataset(client, "sync/set")) == kept
        wait_for(lambda: not temp_files(fs.root), "the failed upload's temporary file to go")
        # fsyncgate: after a failed fsync the file's state is unknown; the store must not
        # fsync it again and carry on as if the data were safe.
        failed = [e for e in fs.events()[start:] if e["call"] in ("fsync", "fdatasync") and e["errno"] == 5]
        assert len(failed) == 1
        again = [e for e in fs.events()[start:] if e["call"] in ("fsync", "fdatasync")
                 and e["path"] == failed[0]["path"]]
        assert len(again) == 1, again
        assert not any(e["call"].startswith("rename") and e["path"] == failed[0]["path"]
                       for e in fs.events()[start:])
    # A folder fsync failing in a replace (first after its journal's rename): the put
    # is not acknowledged and the previous version stays, also after a restart, when
    # a journal left behind must not be replayed over it.
    fs.set(dir_fsync_eio=1)
    candidate = make_table(22, 10000)
    error = refused_put(client, "sync/set", candidate, mode="replace")
    fs.clear()
    assert "fsync failed on directory" in str(error), str(error)
    assert table_hash(read_dataset(client, "sync/set")) == kept
    assert health(client) == "ok"
    server.stop()
    restarted, _ = faulty_server("eio")
    client = connect(restarted)
    assert table_hash(read_dataset(client, "sync/set")) == kept
    assert temp_files(fs.root) == []
    figures.record("N4c", "fsync EIO during a put (file, then folder)",
                   file_fsync_cases=2, acked=0, previous_version_intact=2, fsync_retries=0,
                   folder_fsync_failure_cases=1, previous_version_after_restart=True,
                   error_class=type(error).__name__)


# --- N3: clients that vanish mid-DoPut, and mid-DoGet ------------------------------------------

KILLED_CLIENT = textwrap.dedent("""
    import sys
    import pyarrow.flight as flight
    import faults
    location, path, batches, rows, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    table = faults.make_table(seed, batches * rows)
    client = flight.connect(location)
    sys.stdin.readline()  # started ahead of its turn: wait for it
    writer, _ = client.do_put(faults.descriptor(path, "create"), table.schema)
    print("sent 0", flush=True)
    for k, batch in enumerate(table.to_batches(max_chunksize=rows), 1):
        writer.write_batch(batch)
        print("sent", k, flush=True)
    sys.stdin.read()  # killed before it returns: between the last write and close()
""")


def assert_invisible(client, path):
    assert path not in listed(client)
    with pytest.raises(pa.ArrowKeyError):
        client.get_flight_info(faults.descriptor(path))
    with pytest.raises(pa.ArrowKeyError):
        read_dataset(client, path)


def settle_upload(server, client, path):
    """After an abandoned upload: no temp file, no folder, nothing visible, still serving.
    Returns how long the server took to clean up, in ms."""
    started = time.monotonic()
    wait_for(lambda: not temp_files(server.root), f"the temporary file of {path} to go")
    wait_for(lambda: not (server.root / path).exists(), f"the folder made for {path} to go")
    cleaned_ms = (time.monotonic() - started) * 1000
    assert_invisible(client, path)
    assert health(client) == "ok"
    return cleaned_ms


def test_clients_vanishing_mid_put_leave_nothing(make_server, tmp_path):
    server = make_server(name="n3")
    client = connect(server)
    rng = random.Random(3)
    batches, rows = 8, 4000
    counts = {"sigkill": 0, "cancel": 0, "writer_cancel": 0, "deadline": 0, "tcp_drop": 0}
    kills_at = []

    # 20 clients SIGKILLed after k of n batches, k in 0..n (k = n: between the last write and close).
    def spawn(i):
        return subprocess.Popen([sys.executable, "-c", KILLED_CLIENT, server.location, f"n3/kill{i:02d}",
                                 str(batches), str(rows), str(i)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                cwd=str(faults.HERE), text=True)

    cleanup = {mode: [] for mode in counts}
    upcoming = spawn(0)
    try:
        for i in range(20):
            k = rng.randint(0, batches)
            kills_at.append(k)
            path = f"n3/kill{i:02d}"
            proc, upcoming = upcoming, (spawn(i + 1) if i + 1 < 20 else None)
            try:
                proc.stdin.write("go\n")
                proc.stdin.flush()
                while True:
                    line = proc.stdout.readline()
                    assert line, f"the client of {path} died early"
                    if line.split() == ["sent", str(k)]:
                        break
                if k > 0:
                    wait_for(lambda: temp_files(server.root), f"the temporary file of {path}")
                    assert_invisible(client, path)
                time.sleep(rng.uniform(0, 0.02))
            finally:
                proc.kill()
                proc.wait(timeout=LIMIT)
                proc.stdin.close()
                proc.stdout.close()
            cleanup["sigkill"].append(settle_upload(server, client, path))
            counts["sigkill"] += 1
    finally:
        if upcoming is not None:  # a failure above left the next client waiting
            upcoming.kill()
            upcoming.wait(timeout=LIMIT)

    # DoExchange (the server's append upload) cancelled by the client after k batches.
    for i in range(5):
        k = rng.randint(1, batches)
        path = f"n3/cancel{i}"
        table = make_table(100 + i, batches * rows)
        writer, reader = client.do_exchange(faults.descriptor(path))
        writer.begin(table.schema)
        for batch in table.to_batches(max_chunksize=rows)[:k]:
            writer.write_batch(batch)
        reader.cancel()
        with pytest.raises(pa.ArrowException):
            writer.close()
        cleanup["cancel"].append(settle_upload(server, client, path))
        counts["cancel"] += 1

    # DoPut abandoned by Quiver's writer.cancel() after k batches, or by an exception
    # leaving `with writer:` (which cancels rather than closes; pyarrow's writer has neither).
    quiver_client = qflight.connect(server.location)
    for i in range(4):
        k = rng.randint(1, batches)
        path = f"n3/writer_cancel{i}"
        table = qv.table(make_table(400 + i, batches * rows))
        command = json.dumps({"path": path, "mode": "create"}).encode()
        writer, _ = quiver_client.do_put(qflight.FlightDescriptor.for_command(command), table.schema)
        if i % 2 == 0:
            for batch in table.to_batches(max_chunksize=rows)[:k]:
                writer.write_batch(batch)
            writer.cancel()
            with pytest.raises(qflight.FlightCancelledError):
                writer.close()
        else:
            with pytest.raises(RuntimeError):
                with writer:
                    for batch in table.to_batches(max_chunksize=rows)[:k]:
                        writer.write_batch(batch)
                    raise RuntimeError("the source of the upload failed")
        cleanup["writer_cancel"].append(settle_upload(server, client, path))
        counts["writer_cancel"] += 1
    quiver_client.close()

    # DoPut whose call deadline passes after k batches (gRPC cancels it on the server).
    for i in range(3):
        k = rng.randint(1, batches)
        path = f"n3/deadline{i}"
        table = make_table(200 + i, batches * rows)
        options = flight.FlightCallOptions(timeout=0.3)
        writer, _ = client.do_put(faults.descriptor(path, "create"), table.schema, options=options)
        for batch in table.to_batches(max_chunksize=rows)[:k]:
            writer.write_batch(batch)
        time.sleep(0.6)
        with pytest.raises(pa.ArrowException):
            writer.done_writing()
            writer.close()
        cleanup["deadline"].append(settle_upload(server, client, path))
        counts["deadline"] += 1

    # The client's TCP connection reset after k batches.
    for i in range(5):
        k = rng.randint(1, batches)
        path = f"n3/drop{i}"
        proxy = faults.DroppingProxy(server.host, server.port)
        try:
            dropped = flight.connect(proxy.location)
            table = make_table(300 + i, batches * rows)
            writer, _ = dropped.do_put(faults.descriptor(path, "create"), table.schema)
            for batch in table.to_batches(max_chunksize=rows)[:k]:
                writer.write_batch(batch)
            wait_for(lambda: temp_files(server.root), f"the temporary file of {path}")
            proxy.drop()
            with pytest.raises(pa.ArrowException):
                writer.done_writing()
                writer.close()
            dropped.close()
        finally:
            proxy.close()
        cleanup["tcp_drop"].append(settle_upload(server, client, path))
        counts["tcp_drop"] += 1

    # Still a working server: a full put and a read.
    good = make_table(7, 1000)
    put(client, "n3/good", good)
    assert table_hash(read_dataset(client, "n3/good")) == table_hash(good)
    assert listed(client) == ["n3/good"]
    figures.record("N3", "clients vanishing mid-DoPut", iterations=sum(counts.values()), **counts,
                   k_drawn=kills_at, batches_per_put=batches, visible_after=0, temp_files_left=0,
                   server_serving=True,
                   cleanup_ms_max={mode: round(max(ms), 1) for mode, ms in cleanup.items()})


DOGET_CLIENT = textwrap.dedent("""
    import json, sys
    import pyarrow.flight as flight
    client = flight.connect(sys.argv[1])
    reader = client.do_get(flight.Ticket(json.dumps({"path": "big"}).encode()))
    reader.read_chunk()
    print("reading", flush=True)
    sys.stdin.read()
""")


def write_big(root, rows):
    """A dataset `big` of rows * 8 bytes in 32 batches, placed by hand."""
    table = pa.table({"x": pa.array(range(rows), type=pa.int64())})
    path = root / "big" / "part-00000001-test.arrow"
    path.parent.mkdir(parents=True)
    with pa.OSFile(str(path), "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=rows // 32)
    return table


def test_clients_killed_mid_get_leave_the_server_at_baseline(make_server, tmp_path):
    root = tmp_path / "n3get"
    big = write_big(root, 2_500_000)  # 20 MB: far more than gRPC buffers unread
    server = make_server(name="n3get")
    client = connect(server)
    assert read_dataset(client, "big").num_rows == big.num_rows
    time.sleep(1)  # the warm-up call's handler thread winds down
    baseline = server.stats()
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", DOGET_CLIENT, server.location],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "reading"
        finally:
            proc.kill()
            proc.wait(timeout=LIMIT)
            proc.stdin.close()
            proc.stdout.close()
        assert health(client) == "ok"
    after = support.settle(server, baseline, 1 << 40, 2, 2)
    assert after["threads"] <= baseline["threads"] + 2 and after["fds"] <= baseline["fds"] + 2, (baseline, after)
    assert table_hash(read_dataset(client, "big")) == table_hash(big)
    figures.record("N3", "clients SIGKILLed mid-DoGet", iterations=5, threads_baseline=baseline["threads"],
                   threads_after=after["threads"], fds_baseline=baseline["fds"], fds_after=after["fds"],
                   server_serving=True)


# --- N4: the server SIGKILLed after acknowledged puts -----------------------------------------

def n4_table(rng, seed):
    """1 row to about 2 MiB, log-uniform (16 bytes a row)."""
    return make_table(seed, max(1, int(2 ** rng.uniform(0, 17))))


def test_acknowledged_puts_survive_sigkill(make_server):
    rng = random.Random(4)
    server = make_server(name="n4")
    acked = {}        # path -> hash of what was acknowledged
    unacked = {}      # path -> hash of a put cut short by the kill (may be visible only whole)
    stats = {"A": 0, "B": 0}
    lost = partial = committed_unacked = 0
    sizes = []
    for i in range(40):
        mode = "A" if i % 2 == 0 else "B"
        client = connect(server)
        path = f"n4/{i:03d}"
        table = n4_table(rng, i)
        sizes.append(table.num_rows * 16)
        put(client, path, table, batch_rows=max(1, table.num_rows // 4))
        acked[path] = table_hash(table)
        if mode == "A":
            time.sleep(rng.uniform(0, 0.05))
            server.proc.kill()
        else:
            # The next put is under way (k of its n batches sent, or all of them and
            # the commit possibly running) when the server dies.
            following = f"n4/{i:03d}-next"
            nxt = make_table(1000 + i, rng.randint(1000, 60000))
            unacked[following] = table_hash(nxt)
            n = 6
            k = rng.randint(1, n)
            sent = threading.Event()
            killed = threading.Event()
            outcome = {}

            def upload():
                writer, metadata = client.do_put(faults.descriptor(following), nxt.schema)
                try:
                    for j, batch in enumerate(nxt.to_batches(max_chunksize=-(-nxt.num_rows // n)), 1):
                        writer.write_batch(batch)
                        if j == k:
                            sent.set()
                            if k < n:
                                killed.wait(LIMIT)
                                break
                    writer.done_writing()
                    ack = metadata.read()
                    if ack is not None:
                        outcome["ack"] = ack
                    writer.close()
                except pa.ArrowException as error:
                    outcome["error"] = error
                finally:
                    sent.set()

            thread = threading.Thread(target=upload, daemon=True)
            thread.start()
            assert sent.wait(LIMIT)
            server.proc.kill()
            server.proc.wait(timeout=LIMIT)  # dead before the cut-short upload half-closes
            killed.set()
            thread.join(timeout=LIMIT)
            assert not thread.is_alive()
            if "ack" in outcome:
                acked[following] = unacked.pop(following)
        stats[mode] += 1
        server.stop()
        server = make_server(name="n4")
        client = connect(server)
        assert temp_files(server.root) == []
        visible = listed(client)
        for path_acked, digest in acked.items():
            if path_acked not in visible or table_hash(read_dataset(client, path_acked)) != digest:
                lost += 1
        for path_seen in visible:
            if path_seen in acked:
                continue
            assert path_seen in unacked, f"an unknown dataset {path_seen} appeared"
            if table_hash(read_dataset(client, path_seen)) != unacked[path_seen]:
                partial += 1
            else:
                committed_unacked += 1
                acked[path_seen] = unacked.pop(path_seen)
        client.close()
    assert lost == 0 and partial == 0
    figures.record("N4", "server SIGKILL after acknowledged puts, restarted", iterations=40,
                   mode_a=stats["A"], mode_b=stats["B"], acked_puts=len(acked), lost=lost,
                   partial_datasets_seen=partial, committed_but_unacked=committed_unacked,
                   max_put_bytes=max(sizes), total_put_bytes=sum(sizes))


# --- N5: SIGTERM with a stalled reader and a streaming writer ----------------------------------

def test_sigterm_with_a_stalled_reader_and_a_streaming_writer(make_server, tmp_path):
    root = tmp_path / "n5"
    write_big(root, 6_000_000)  # 48 MB, read by a client that stops after one batch: more than
    # gRPC and the kernel buffer for it, so the call is still in flight at SIGTERM
    grace = 5
    server = make_server("--grace", grace, name="n5")
    reader_client = connect(server)
    stalled = reader_client.do_get(flight.Ticket(json.dumps({"path": "big"}).encode()))
    stalled.read_chunk()

    writer_client = connect(server)
    upload_error = {}
    stop = threading.Event()

    def stream():
        table = make_table(5, 1000)
        try:
            writer, _ = writer_client.do_put(faults.descriptor("n5/upload", "create"), table.schema)
            while not stop.is_set():
                writer.write_table(table)
                time.sleep(0.02)
            writer.close()
        except pa.ArrowException as error:
            upload_error["error"] = error

    thread = threading.Thread(target=stream, daemon=True)
    thread.start()
    wait_for(lambda: temp_files(server.root), "the streaming upload's temporary file")

    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    code = server.proc.wait(timeout=LIMIT)
    exit_seconds = time.monotonic() - started
    assert code == 0, server.log()
    thread.join(timeout=LIMIT)
    assert not thread.is_alive()
    stop.set()
    assert "error" in upload_error, "the upload in flight was not ended by the shutdown"
    with pytest.raises((flight.FlightCancelledError, flight.FlightUnavailableError)) as raised:
        stalled.read_all()
    server.stop()

    restarted = make_server(name="n5")
    client = connect(restarted)
    assert listed(client) == ["big"]
    assert temp_files(restarted.root) == []
    figures.record("N5", "SIGTERM with a stalled 48 MB DoGet and a streaming DoPut",
                   grace_seconds=grace, exit_code=code, exit_seconds=round(exit_seconds, 3),
                   upload_published=False, stalled_reader_error=type(raised.value).__name__,
                   upload_error=type(upload_error["error"]).__name__)
