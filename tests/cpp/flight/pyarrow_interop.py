#!/usr/bin/env python3
"""Interop between Quiver's C++ Flight and pyarrow.flight, in both directions.

    python pyarrow_interop.py <build-dir> [--bench]

Needs pyarrow (a test-only dependency) and the two tools built in <build-dir>:
tests/cpp/flight/quiver_flight_test_server and quiver_flight_test_client.

Part A: a pyarrow client against Quiver's scripted test server (test_server.h
documents its scripts): every RPC pyarrow's client has, the type matrix both
ways, app_metadata and metadata-only messages, each error class with its
extra_info, deadlines.
Part B: Quiver's client against the pyarrow server below (interop_client_main.cc
runs the checks).
Both run over TCP and over a Unix socket. --bench adds a first throughput
figure: DoGet/DoPut of 64 MiB, for each client/server pairing.

Prints one line per check and exits 1 if any failed. No pytest needed.
"""
import datetime
from decimal import Decimal
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import pyarrow as pa
import pyarrow.flight as fl

FAILURES = []


def check(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 -- every failure is reported, none stops the run
        FAILURES.append(name)
        print(f"FAIL {name}: {type(e).__name__}: {e}")
    else:
        print(f"ok   {name}")


def expect(condition, what):
    if not condition:
        raise AssertionError(f"expected {what}")


def expect_same_table(actual, expected):
    expect(actual.schema == expected.schema, f"schema\n{expected.schema}\nbut got\n{actual.schema}")
    for name in expected.column_names:
        a, e = actual.column(name), expected.column(name)
        expect(a.equals(e), f"column {name}: {e.to_pylist()} ({e.type}) but got {a.to_pylist()}")


def expect_raises(cls, fn, extra_info=None, text=None):
    try:
        fn()
    except cls as e:
        if extra_info is not None:
            expect(getattr(e, "extra_info", None) == extra_info, f"extra_info {extra_info!r}, got {e.extra_info!r}")
        if text is not None:
            expect(text in str(e), f"{text!r} in {str(e)!r}")
        return
    raise AssertionError(f"expected {cls.__name__}")


def matrix_table(with_run_end_encoded=False):
    """Every type pyarrow and Quiver share, with nulls, in two batches. The
    run-end-encoded column is checked on its own (see run_end_encoded below)."""
    arrays = {
        "null": pa.array([None, None, None], pa.null()),
        "bool": pa.array([True, None, False]),
        "int8": pa.array([-128, None, 127], pa.int8()),
        "uint64": pa.array([0, 2**64 - 1, None], pa.uint64()),
        "float16": pa.array([1.5, None, -2.0], pa.float16()),
        "float64": pa.array([1.25, None, float("inf")]),
        "decimal128": pa.array([Decimal("12.34"), None, Decimal("-0.01")], pa.decimal128(10, 2)),
        "decimal256": pa.array([Decimal("1.234"), Decimal("0"), None], pa.decimal256(40, 3)),
        "date32": pa.array([0, 19000, None], pa.date32()),
        "time64": pa.array([0, 1000, None], pa.time64("ns")),
        "timestamp": pa.array([0, 1_700_000_000_000_000, None], pa.timestamp("us", tz="UTC")),
        "duration": pa.array([0, -5, None], pa.duration("s")),
        "interval": pa.array([pa.MonthDayNano([1, 2, 3]), None, pa.MonthDayNano([4, 5, -6])]),
        "utf8": pa.array(["a", None, "ccc"]),
        "large_binary": pa.array([b"yy", None, b"z"], pa.large_binary()),
        "fixed_binary": pa.array([b"ab", None, b"cd"], pa.binary(2)),
        "string_view": pa.array(["short", None, "a string longer than twelve bytes"], pa.string_view()),
        "list": pa.array([[1, 2], None, []], pa.list_(pa.int32())),
        "large_list": pa.array([["a"], [], None], pa.large_list(pa.utf8())),
        "list_view": pa.array([[1], None, [2, 3]], pa.list_view(pa.int16())),
        "fixed_list": pa.array([[1, 2], None, [3, 4]], pa.list_(pa.int8(), 2)),
        "struct": pa.array([{"a": 1, "b": "x"}, None, {"a": None, "b": None}],
                           pa.struct([("a", pa.int32()), ("b", pa.utf8())])),
        "map": pa.array([[("k", 1)], None, []], pa.map_(pa.utf8(), pa.int64())),
        "dense_union": pa.UnionArray.from_dense(pa.array([0, 1, 0], pa.int8()), pa.array([0, 0, 1], pa.int32()),
                                                [pa.array([5, None]), pa.array(["x"])]),
        "sparse_union": pa.UnionArray.from_sparse(pa.array([0, 1, 0], pa.int8()),
                                                  [pa.array([5, 6, None]), pa.array(["x", "y", "z"])]),
        "dictionary": pa.array(["p", "q", "p"]).dictionary_encode(),
    }
    if with_run_end_encoded:
        arrays["run_end_encoded"] = pa.RunEndEncodedArray.from_arrays([2, 3], ["r", None])
    batch = pa.record_batch(list(arrays.values()), names=list(arrays.keys()))
    return pa.Table.from_batches([batch, batch.slice(1, 2)])


# --- Part A: pyarrow client, Quiver server ---------------------------------------------------


def part_a(uri, label):
    client = fl.connect(uri)
    int64_schema = pa.schema([pa.field("x", pa.int64(), nullable=False)])

    def list_flights():
        names = [info.descriptor.path[0] for info in client.list_flights()]
        expect(names == [b"big", b"dict", b"empty", b"every-type", b"ints"], f"the five tables, got {names}")

    def get_flight_info():
        info = client.get_flight_info(fl.FlightDescriptor.for_path("ints"))
        expect(info.total_records == 15, "15 records")
        expect(info.total_bytes == -1, "unknown bytes")
        expect(info.schema == int64_schema, f"the int64 schema, got {info.schema}")
        expect(info.endpoints[0].ticket.ticket == b"table:ints", "ticket table:ints")
        expect(info.endpoints[0].app_metadata == b"endpoint-meta", "endpoint app_metadata")
        expect(info.app_metadata == b"info-meta:ints", "info app_metadata")
        expect(info.ordered, "ordered")

    def get_schema():
        schema = client.get_schema(fl.FlightDescriptor.for_path("dict")).schema
        expect(schema.field("d").type == pa.dictionary(pa.int32(), pa.utf8()), f"the dictionary schema, got {schema}")

    def do_get_ints():
        table = client.do_get(fl.Ticket(b"table:ints")).read_all()
        expect(table.column("x").to_pylist() == list(range(10)) + list(range(200, 205)), "the ints")

    def do_get_dict():
        table = client.do_get(fl.Ticket(b"table:dict")).read_all()
        expect(table.column("d").to_pylist() == ["a", "b", "a", None, "c", "c", "d"], "the dictionary values")
        expect(table.column("n").to_pylist() == [1, 2, 3, 4, 5, 6, None], "the ints")

    def do_get_every_type():
        table = client.do_get(fl.Ticket(b"table:every-type")).read_all()
        expect(table.num_rows == 3 and table.num_columns == 41, "3 rows of 41 columns")
        expect(table.column("c4").to_pylist() == [1, None, 3], "c4")
        expect(table.column("c24").to_pylist() == ["a", None, "ccc"], "c24")
        expect(table.column("c29").to_pylist() == ["short", None, "a string longer than twelve bytes"], "c29")
        expect(table.column("c31").to_pylist() == [[1, 2], None, []], "c31")
        expect(table.column("c39").to_pylist() == ["p", "q", "p"], "c39")
        expect(table.column("c40").to_pylist() == ["r", "r", None], "c40")

    def do_get_chunks():
        reader = client.do_get(fl.Ticket(b"chunks"))
        seen = []
        while True:
            try:
                chunk = reader.read_chunk()
            except StopIteration:
                break
            seen.append((None if chunk.data is None else chunk.data.num_rows,
                         None if chunk.app_metadata is None else chunk.app_metadata.to_pybytes()))
        expect(seen == [(None, b"m0"), (3, b"m1"), (None, b"m2"), (2, None), (0, b"m4"), (None, b"m5")],
               f"the scripted chunks, got {seen}")

    def do_get_big():
        table = client.do_get(fl.Ticket(b"table:big")).read_all()
        expect(table.num_rows == 1 << 20 and table.column("x")[0].as_py() == 7, "8 MiB of int64 from 7")

    def do_get_error_mid_stream():
        reader = client.do_get(fl.Ticket(b"fail-after-one:ints"))
        expect_raises(fl.FlightInternalError, reader.read_all, extra_info=b"mid", text="failed mid-stream")

    def type_matrix_both_ways():
        table = matrix_table()
        writer, reader = client.do_put(fl.FlightDescriptor.for_path("matrix"), table.schema)
        for i, batch in enumerate(table.to_batches()):
            writer.write_with_metadata(batch, f"b{i}".encode())
            ack = reader.read()
            expect(ack is not None and ack.to_pybytes() == f"ack:b{i}".encode(), f"ack:b{i}, got {ack}")
        writer.close()
        back = client.do_get(fl.Ticket(b"table:matrix")).read_all()
        expect_same_table(back, table)

    def run_end_encoded():
        # Arrow gives a run-end-encoded array no nulls of its own (its FieldNode
        # null_count is 0); an array whose node says otherwise is not equal.
        table = pa.table({"ree": pa.RunEndEncodedArray.from_arrays([2, 3], ["r", None])})
        writer, _ = client.do_put(fl.FlightDescriptor.for_path("ree"), table.schema)
        writer.write_table(table)
        writer.close()
        back = client.do_get(fl.Ticket(b"table:ree")).read_all()
        expect(back.column(0).chunk(0).null_count == 0, f"null_count 0, got {back.column(0).chunk(0).null_count}")
        expect_same_table(back, table)

    def do_exchange_echo():
        writer, reader = client.do_exchange(fl.FlightDescriptor.for_command(b"echo"))
        writer.write_metadata(b"hello")
        chunk = reader.read_chunk()
        expect(chunk.data is None and chunk.app_metadata.to_pybytes() == b"hello", "a metadata-only echo")
        table = matrix_table()
        writer.begin(table.schema)
        for batch in table.to_batches():
            writer.write_with_metadata(batch, b"m")
            chunk = reader.read_chunk()
            expect_same_table(pa.Table.from_batches([chunk.data]), pa.Table.from_batches([batch]))
            expect(chunk.app_metadata.to_pybytes() == b"m", "the metadata echoed")
        writer.done_writing()
        expect_raises(StopIteration, reader.read_chunk)
        writer.close()

    def do_action():
        bodies = [r.body.to_pybytes() for r in client.do_action(fl.Action("count", b"3"))]
        expect(bodies == [b"0", b"1", b"2"], f"three results, got {bodies}")
        echo = [r.body.to_pybytes() for r in client.do_action(("echo", b"abc"))]
        expect(echo == [b"abc", b"cba"], f"the echo, got {echo}")

    def list_actions():
        types = [(a.type, a.description) for a in client.list_actions()]
        expect(types == [("echo", "the body, then reversed"), ("count", "n results"), ("raise", "an error")],
               f"three actions, got {types}")

    def handshake():
        class Auth(fl.ClientAuthHandler):
            reply = None

            def authenticate(self, outgoing, incoming):
                outgoing.write(b"hi")
                Auth.reply = incoming.read()

            def get_token(self):
                return b""

        client.authenticate(Auth())
        expect(Auth.reply == b"ack:hi", f"ack:hi, got {Auth.reply!r}")

    def error_classes():
        classes = {
            "Internal": fl.FlightInternalError, "TimedOut": fl.FlightTimedOutError,
            "Cancelled": fl.FlightCancelledError, "Unauthenticated": fl.FlightUnauthenticatedError,
            "Unauthorized": fl.FlightUnauthorizedError, "Unavailable": fl.FlightUnavailableError,
            "Failed": fl.FlightServerError,
        }
        for kind, cls in classes.items():
            expect_raises(cls, lambda: client.get_flight_info(fl.FlightDescriptor.for_command(f"raise:{kind}")),
                          extra_info=f"extra:{kind}".encode(), text=f"{kind} happened")
            expect_raises(cls, lambda: list(client.do_action(("raise", kind.encode()))),
                          extra_info=f"extra:{kind}".encode())
            expect_raises(cls, lambda: client.do_get(fl.Ticket(f"raise:{kind}".encode())).read_all(),
                          extra_info=f"extra:{kind}".encode())
        expect_raises(pa.ArrowKeyError, lambda: client.get_flight_info(fl.FlightDescriptor.for_path("nope")),
                      text="unknown dataset 'nope'")
        expect_raises(pa.ArrowInvalid, lambda: client.get_flight_info(fl.FlightDescriptor.for_command("raise:Invalid")),
                      text="bad argument")
        expect_raises(pa.ArrowNotImplementedError,
                      lambda: client.get_flight_info(fl.FlightDescriptor.for_command("raise:NotImplemented")))
        expect_raises(fl.FlightServerError,
                      lambda: client.get_flight_info(fl.FlightDescriptor.for_command("raise:TypeError")))

    def deadline():
        options = fl.FlightCallOptions(timeout=0.2)
        expect_raises(fl.FlightTimedOutError,
                      lambda: client.get_flight_info(fl.FlightDescriptor.for_command("until-cancelled"), options))

    def headers():
        options = fl.FlightCallOptions(headers=[(b"x-from-pyarrow", b"yes")])
        reader = client.do_get(fl.Ticket(b"headers"), options)
        expect(reader.read_all().num_rows == 15, "the ints")

    for name, fn in [
        ("ListFlights", list_flights), ("GetFlightInfo", get_flight_info), ("GetSchema", get_schema),
        ("DoGet ints", do_get_ints), ("DoGet dictionaries", do_get_dict), ("DoGet every type", do_get_every_type),
        ("DoGet metadata-only chunks", do_get_chunks), ("DoGet 8 MiB batch", do_get_big),
        ("DoGet error mid-stream", do_get_error_mid_stream), ("DoPut+DoGet type matrix", type_matrix_both_ways),
        ("DoPut+DoGet run-end-encoded", run_end_encoded),
        ("DoExchange echo", do_exchange_echo), ("DoAction", do_action), ("ListActions", list_actions),
        ("Handshake", handshake), ("error classes with extra_info", error_classes), ("deadline", deadline),
        ("headers", headers),
    ]:
        check(f"[A {label}] pyarrow client -> Quiver server: {name}", fn)
    client.close()


# --- Part B: Quiver client, pyarrow server ----------------------------------------------------


def single_message_field(message):
    """The bytes of field 1 of a protobuf message that holds only that field."""
    expect(message[:1] == b"\x0a", f"field 1 first, got {message[:1]!r}")
    length, shift, pos = 0, 0, 1
    while True:
        byte = message[pos]
        length |= (byte & 0x7F) << shift
        pos += 1
        shift += 7
        if byte < 0x80:
            break
    expect(pos + length == len(message), "exactly one field")
    return message[pos:pos + length]


class PyServer(fl.FlightServerBase):
    ERRORS = {
        "Internal": fl.FlightInternalError, "TimedOut": fl.FlightTimedOutError,
        "Cancelled": fl.FlightCancelledError, "Unauthenticated": fl.FlightUnauthenticatedError,
        "Unauthorized": fl.FlightUnauthorizedError, "Unavailable": fl.FlightUnavailableError,
        "Failed": fl.FlightServerError,
    }

    def __init__(self, location):
        super().__init__(location)
        self.tables = {}

    def _info(self, name):
        table = self.tables[name]
        endpoint = fl.FlightEndpoint(f"table:{name}".encode(), [])
        return fl.FlightInfo(table.schema, fl.FlightDescriptor.for_path(name), [endpoint], table.num_rows, -1)

    def do_put(self, context, descriptor, reader, writer):
        batches = []
        while True:
            try:
                chunk = reader.read_chunk()
            except StopIteration:
                break
            if chunk.data is not None:
                batches.append(chunk.data)
            if chunk.app_metadata is not None:
                writer.write(b"ack:" + chunk.app_metadata.to_pybytes())
        self.tables[descriptor.path[0].decode()] = pa.Table.from_batches(batches, schema=reader.schema)

    def do_get(self, context, ticket):
        return fl.RecordBatchStream(self.tables[ticket.ticket.decode().removeprefix("table:")])

    def get_flight_info(self, context, descriptor):
        return self._info(descriptor.path[0].decode())

    def get_schema(self, context, descriptor):
        return fl.SchemaResult(self.tables[descriptor.path[0].decode()].schema)

    def list_flights(self, context, criteria):
        for name in list(self.tables):
            yield self._info(name)

    def do_exchange(self, context, descriptor, reader, writer):
        started = False
        while True:
            try:
                chunk = reader.read_chunk()
            except StopIteration:
                return
            if chunk.data is None:
                writer.write_metadata(chunk.app_metadata)
                continue
            if not started:
                writer.begin(reader.schema)
                started = True
            if chunk.app_metadata is None:
                writer.write_batch(chunk.data)
            else:
                writer.write_with_metadata(chunk.data, chunk.app_metadata)

    def list_actions(self, context):
        return [("echo", "the body"), ("raise", "an error")]

    def do_action(self, context, action):
        body = action.body.to_pybytes()
        if action.type == "echo":
            return [body]
        if action.type == "raise":
            kind = body.decode()
            if kind in self.ERRORS:
                raise self.ERRORS[kind](f"{kind} happened", f"extra:{kind}".encode())
            if kind == "KeyError":
                raise KeyError(f"{kind} happened")
            if kind == "Invalid":
                raise ValueError(f"{kind} happened")
            if kind == "NotImplemented":
                raise NotImplementedError(f"{kind} happened")
        # pyarrow has no classes for the well-known actions' messages, so their
        # protobuf framing is written here: a CancelFlightInfoRequest's field 1 is
        # a FlightInfo, a RenewFlightEndpointRequest's field 1 a FlightEndpoint.
        if action.type == "CancelFlightInfo":
            fl.FlightInfo.deserialize(single_message_field(body))
            return [b"\x08\x02"]  # CancelFlightInfoResult{status: CANCEL_STATUS_CANCELLING}
        if action.type == "RenewFlightEndpoint":
            endpoint = fl.FlightEndpoint.deserialize(single_message_field(body))
            expiration = pa.scalar(datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
                                   pa.timestamp("ns", tz="UTC"))
            renewed = fl.FlightEndpoint(endpoint.ticket, endpoint.locations, expiration_time=expiration)
            return [renewed.serialize()]
        raise NotImplementedError(action.type)


def part_b(location, quiver_location, client_tool, label):
    server = PyServer(location)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        target = quiver_location(server)
        result = subprocess.run([client_tool, target], capture_output=True, text=True, timeout=600)
        for line in result.stdout.splitlines():
            print(f"     [B {label}] Quiver client -> pyarrow server: {line}")
        if result.returncode != 0:
            FAILURES.append(f"part B {label}")
            print(f"FAIL [B {label}] exit code {result.returncode}\n{result.stderr}")
    finally:
        server.shutdown()
        thread.join()


# --- Throughput ------------------------------------------------------------------------------


def bench_pyarrow_client(uri, rounds):
    client = fl.connect(uri)
    table = pa.table({"x": pa.array(range(8 << 20), pa.int64())})
    start = time.perf_counter()
    for _ in range(rounds):
        writer, _ = client.do_put(fl.FlightDescriptor.for_path("bench"), table.schema)
        writer.write_table(table)
        writer.close()
    put = 64 * rounds / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(rounds):
        client.do_get(fl.Ticket(b"table:bench")).read_all()
    get = 64 * rounds / (time.perf_counter() - start)
    client.close()
    return put, get


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    build = sys.argv[1]
    server_tool = os.path.join(build, "tests/cpp/flight/quiver_flight_test_server")
    client_tool = os.path.join(build, "tests/cpp/flight/quiver_flight_test_client")
    socket_dir = tempfile.mkdtemp(prefix="quiver-interop-")
    print(f"pyarrow {pa.__version__}")

    for label, listen in [("tcp", "grpc+tcp://127.0.0.1:0"), ("unix", f"grpc+unix://{socket_dir}/quiver.sock")]:
        proc = subprocess.Popen([server_tool, listen], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "LISTENING":
            FAILURES.append(f"start {label} server")
            print(f"FAIL the Quiver test server did not start: {line}")
            proc.kill()
            continue
        part_a(line[1].replace("grpc+tcp://", "grpc://"), label)
        proc.stdin.close()
        proc.wait(timeout=60)

    part_b("grpc://127.0.0.1:0", lambda s: f"grpc+tcp://127.0.0.1:{s.port}", client_tool, "tcp")
    py_socket = f"{socket_dir}/pyarrow.sock"
    part_b(f"grpc+unix://{py_socket}", lambda s: f"grpc+unix://{py_socket}", client_tool, "unix")

    if "--bench" in sys.argv:
        rounds = 8
        proc = subprocess.Popen([server_tool], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        quiver_uri = proc.stdout.readline().split()[1]
        put, get = bench_pyarrow_client(quiver_uri.replace("grpc+tcp://", "grpc://"), rounds)
        print(f"bench pyarrow client -> Quiver server:  DoPut {put:.0f} MiB/s, DoGet {get:.0f} MiB/s")
        out = subprocess.run([client_tool, quiver_uri, "bench", str(rounds)], capture_output=True, text=True)
        print("bench Quiver client  -> Quiver server: ", out.stdout.replace("\n", " ").strip())
        proc.stdin.close()
        proc.wait(timeout=60)
        server = PyServer("grpc://127.0.0.1:0")
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        put, get = bench_pyarrow_client(f"grpc://127.0.0.1:{server.port}", rounds)
        print(f"bench pyarrow client -> pyarrow server: DoPut {put:.0f} MiB/s, DoGet {get:.0f} MiB/s")
        out = subprocess.run([client_tool, f"grpc+tcp://127.0.0.1:{server.port}", "bench", str(rounds)],
                             capture_output=True, text=True)
        print("bench Quiver client  -> pyarrow server:", out.stdout.replace("\n", " ").strip())
        server.shutdown()
        thread.join()

    shutil.rmtree(socket_dir, ignore_errors=True)
    print(f"{len(FAILURES)} failed" if FAILURES else "all interop checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
