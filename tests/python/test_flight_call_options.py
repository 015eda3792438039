"""FlightCallOptions' IPC options take effect: write_options (compression, ...)
encode what a DoPut or DoExchange sends, read_options decode what a DoGet
receives; RecordBatchStream/GeneratorStream options encode what a server sends.

Compression is observed on the wire: client and server talk through a TCP
relay on loopback that counts the bytes going each way, and a compressible
table crosses it in a small fraction of its size only when compressed.
"""

import socket
import threading

import pyarrow
import pyarrow.flight
import pytest

import quiver as pa
import quiver.flight as flight

ROWS = 400_000  # 3.2 MB of int64 zeros: zstd and lz4 shrink it a hundredfold


class ByteCountingRelay:
    """A TCP relay to `target_port` counting bytes client->server (up) and back (down)."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.up = 0
        self.down = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, "down"), daemon=True).start()

    def _pipe(self, source, sink, direction):
        try:
            while True:
                data = source.recv(1 << 16)
                if not data:
                    break
                # Counted before it is passed on: whatever the far side has read is counted.
                with self._lock:
                    setattr(self, direction, getattr(self, direction) + len(data))
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def reset(self):
        with self._lock:
            self.up = self.down = 0

    def close(self):
        self._listener.close()
        for s in self._sockets:
            s.close()


def _table():
    return pa.table({"zeros": pa.array([0] * ROWS, type=pa.int64()), "cycle": pa.array([i % 10 for i in range(ROWS)])})


class StoreServer(flight.FlightServerBase):
    """Keeps what is put; serves it back compressed as the ticket asks."""

    def __init__(self, location):
        super().__init__(location)
        self.tables = {}

    def do_put(self, context, descriptor, reader, writer):
        self.tables["/".join(descriptor.path)] = reader.read_all()

    def do_get(self, context, ticket):
        kind, _, codec = ticket.ticket.decode().partition(":")
        options = pa.ipc.IpcWriteOptions(compression=codec) if codec else None
        table = self.tables["data"]
        if kind == "generator":
            return flight.GeneratorStream(table.schema, iter(table.to_batches()), options=options)
        return flight.RecordBatchStream(table, options=options)

    def do_exchange(self, context, descriptor, reader, writer):
        self.tables["exchanged"] = table = reader.read_all()
        writer.begin(pa.schema([("rows", pa.int64())]))
        writer.write_batch(pa.record_batch([[table.num_rows]], names=["rows"]))


@pytest.fixture()
def relayed():
    server = StoreServer("grpc://127.0.0.1:0")
    relay = ByteCountingRelay(server.port)
    client = flight.connect(f"grpc://127.0.0.1:{relay.port}")
    client.wait_for_available(timeout=30)
    yield server, relay, client
    client.close()
    server.shutdown()
    relay.close()


def _put(client, table, options):
    writer, _ = client.do_put(flight.FlightDescriptor.for_path("data"), table.schema, options=options)
    writer.write_table(table)
    writer.close()


@pytest.mark.parametrize("codec", ["zstd", "lz4"])
def test_do_put_write_options_compress_on_the_wire(relayed, codec):
    server, relay, client = relayed
    table = _table()
    relay.reset()
    _put(client, table, None)
    plain = relay.up
    assert plain > table.nbytes
    assert server.tables["data"].equals(table)

    relay.reset()
    options = flight.FlightCallOptions(write_options=pa.ipc.IpcWriteOptions(compression=codec))
    assert options.write_options.compression == codec
    _put(client, table, options)
    assert relay.up < plain / 4
    assert server.tables["data"].equals(table)


def test_do_exchange_write_options_compress_on_the_wire(relayed):
    server, relay, client = relayed
    table = _table()
    for options, check in [(None, lambda n: n > table.nbytes),
                           (flight.FlightCallOptions(write_options=pa.ipc.IpcWriteOptions(compression="zstd")),
                            lambda n: n < table.nbytes / 4)]:
        relay.reset()
        writer, reader = client.do_exchange(flight.FlightDescriptor.for_command(b"x"), options=options)
        writer.begin(table.schema)
        writer.write_table(table)
        writer.done_writing()
        assert reader.read_all().column("rows").to_pylist() == [ROWS]
        writer.close()
        assert check(relay.up)
        assert server.tables["exchanged"].equals(table)


@pytest.mark.parametrize("kind", ["table", "generator"])
def test_server_stream_options_compress_on_the_wire(relayed, kind):
    server, relay, client = relayed
    table = _table()
    server.tables["data"] = table
    relay.reset()
    assert client.do_get(flight.Ticket(f"{kind}:".encode())).read_all().equals(table)
    plain = relay.down
    assert plain > table.nbytes
    relay.reset()
    assert client.do_get(flight.Ticket(f"{kind}:zstd".encode())).read_all().equals(table)
    assert relay.down < plain / 4


def test_compressed_put_is_read_by_pyarrow():
    received = {}

    class PyarrowServer(pyarrow.flight.FlightServerBase):
        def do_put(self, context, descriptor, reader, writer):
            received["table"] = reader.read_all()

    with PyarrowServer("grpc://127.0.0.1:0") as server:
        client = flight.connect(("127.0.0.1", server.port))
        table = _table()
        _put(client, table, flight.FlightCallOptions(write_options=pa.ipc.IpcWriteOptions(compression="zstd")))
        assert received["table"].num_rows == ROWS
        assert received["table"].equals(pyarrow.table(table))
        client.close()


def test_read_options_decide_validation():
    """A pyarrow server sends a string column holding invalid UTF-8: by default
    the quiver client refuses it; IpcReadOptions(validate=False) lets it through."""
    offsets = pyarrow.py_buffer(bytes([0, 0, 0, 0, 2, 0, 0, 0]))
    bad = pyarrow.Array.from_buffers(pyarrow.string(), 1, [None, offsets, pyarrow.py_buffer(b"\xff\xfe")])

    class PyarrowServer(pyarrow.flight.FlightServerBase):
        def do_get(self, context, ticket):
            return pyarrow.flight.RecordBatchStream(pyarrow.table({"s": bad}))

    with PyarrowServer("grpc://127.0.0.1:0") as server:
        client = flight.connect(("127.0.0.1", server.port))
        with pytest.raises(pa.ArrowInvalid, match="UTF-8|utf-8|utf8"):
            client.do_get(flight.Ticket(b"t")).read_all()
        options = flight.FlightCallOptions(read_options=pa.ipc.IpcReadOptions(validate=False))
        assert options.read_options.validate is False
        table = client.do_get(flight.Ticket(b"t"), options=options).read_all()
        assert table.num_rows == 1
        assert table.column("s").chunk(0).buffers()[2].to_pybytes() == b"\xff\xfe"
        client.close()


def test_begin_refuses_options_it_cannot_honour(relayed):
    server, relay, client = relayed
    writer, _ = client.do_exchange(flight.FlightDescriptor.for_command(b"x"))
    with pytest.raises(pa.ArrowNotImplementedError, match="write_options"):
        writer.begin(pa.schema([("a", pa.int64())]), options=pa.ipc.IpcWriteOptions(compression="zstd"))
    writer.begin(pa.schema([("a", pa.int64())]), options=pa.ipc.IpcWriteOptions())
    writer.write_batch(pa.record_batch([[1, 2]], names=["a"]))
    writer.done_writing()
    writer.close()
    assert server.tables["exchanged"].num_rows == 2


def test_call_options_check_their_types():
    with pytest.raises(TypeError, match="IpcWriteOptions"):
        flight.FlightCallOptions(write_options="zstd")
    with pytest.raises(TypeError, match="IpcReadOptions"):
        flight.FlightCallOptions(read_options=pa.ipc.IpcWriteOptions())
    with pytest.raises(TypeError, match="IpcWriteOptions"):
        flight.RecordBatchStream(pa.table({"a": [1]}), options="zstd")
    options = flight.FlightCallOptions(timeout=5, headers=[(b"k", b"v")])
    assert options.write_options is None and options.read_options is None
