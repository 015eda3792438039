"""Raw HTTP/2 pieces of the gRPC CVE probes (rapid_reset.py, test_grpc_cves.py).

Two ways to talk to `quiver serve` below gRPC:

- `open_h2(host, port)`: a socket plus an `h2` connection (h2 keeps the protocol
  state; the rapid-reset flood uses it);
- `RawConnection`: a socket that sends hand-made frames (HEADERS, CONTINUATION,
  DATA) with header blocks from the `hpack` encoder plus whatever malformed bytes a
  probe appends, and reads the server's frames itself, so a probe can send what
  h2 would refuse to (invalid header values, huge HPACK strings, varint padding).

And what a probe measures about the server: its RSS over time (`RssSampler`), the
CPU time it has used (`cpu_seconds`), and whether a normal Flight client still gets
served (`normal_client_works`).
"""

import os
import select
import socket
import struct
import threading
import time

import h2.config
import h2.connection
import hpack

import support
from support import process_stats

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 0, 1, 3, 4, 6, 7, 8, 9
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
SETTINGS_HEADER_TABLE_SIZE = 1
MAX_FRAME = 16_384


class RssSampler:
    """Samples a process's RSS every `interval` seconds while running."""

    def __init__(self, pid, interval=0.05):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, process_stats(self.pid)["rss"])
            except (FileNotFoundError, ProcessLookupError):
                return
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def cpu_seconds(pid):
    """User plus system CPU time process `pid` has used, in seconds (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of stat(5) (utime, stime); index 0 here is field 3 (state).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def grpc_request_headers(authority, path):
    return [
        (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
        ("content-type", "application/grpc"), ("te", "trailers"),
    ]


def open_h2(host, port, timeout=30):
    """A connected socket and an h2 client connection whose preface has been sent."""
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def drain(sock):
    """Reads and discards what the server sent; False once it closed the connection."""
    while True:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return True
        try:
            data = sock.recv(1 << 20)
        except (ConnectionResetError, BlockingIOError):
            return False
        if not data:
            return False


def frame(kind, flags, stream_id, payload=b""):
    return struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", kind, flags, stream_id) + payload


def grpc_message(payload=b""):
    """One gRPC length-prefixed message (uncompressed)."""
    return b"\0" + struct.pack(">I", len(payload)) + payload


class RawConnection:
    """One HTTP/2 connection driven frame by frame.

    It sends the preface and an empty SETTINGS, acknowledges the server's SETTINGS and
    PINGs (while `pump` runs), and keeps what the server sent per stream: `status[stream]` (the
    grpc-status of its trailers, or "RST_STREAM(code)"), `goaway` (the GOAWAY error
    code once one came) and `closed` (the server closed the socket)."""

    def __init__(self, host, port, timeout=support.LIMIT):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.authority = f"{host}:{port}"
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.next_stream = 1
        self.status = {}
        self.goaway = None
        self.closed = False
        self.acked_settings = False
        self._buffer = b""
        self._block = {}
        self.send(PREFACE + frame(SETTINGS, 0, 0))

    def send(self, data):
        """Sends `data`; False if the server had already closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            self.closed = True
            return False

    def new_stream(self):
        stream = self.next_stream
        self.next_stream += 2
        return stream

    def encode(self, headers):
        return self.encoder.encode(headers)

    def request_block(self, path, extra=()):
        """The HPACK block of a gRPC request on `path` with `extra` headers after the
        standard ones."""
        return self.encode(grpc_request_headers(self.authority, path) + list(extra))

    def send_headers(self, stream, block, end_stream=False, fragment=MAX_FRAME):
        """HEADERS then CONTINUATION frames of at most `fragment` bytes carrying `block`."""
        pieces = [block[i:i + fragment] for i in range(0, len(block), fragment)] or [b""]
        out = []
        for i, piece in enumerate(pieces):
            flags = END_HEADERS if i == len(pieces) - 1 else 0
            if i == 0:
                out.append(frame(HEADERS, flags | (END_STREAM if end_stream else 0), stream, piece))
            else:
                out.append(frame(CONTINUATION, flags, stream, piece))
        return self.send(b"".join(out))

    def unary(self, path, extra=(), message=b""):
        """Starts a complete unary/server-streaming call (headers, one message, end of
        stream); returns its stream id."""
        stream = self.new_stream()
        self.send_headers(stream, self.request_block(path, extra))
        self.send(frame(DATA, END_STREAM, stream, grpc_message(message)))
        return stream

    def pump(self, seconds, until=None):
        """Reads the server's frames for up to `seconds`, or until `until()` holds or
        the connection is closed."""
        deadline = time.monotonic() + seconds
        while not self.closed and not (until and until()):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            readable, _, _ = select.select([self.sock], [], [], min(left, 0.2))
            if not readable:
                continue
            try:
                data = self.sock.recv(1 << 20)
            except (ConnectionResetError, socket.timeout):
                data = b""
            if not data:
                self.closed = True
                return
            self._buffer += data
            self._parse()

    def _parse(self):
        while len(self._buffer) >= 9:
            length = int.from_bytes(self._buffer[:3], "big")
            if len(self._buffer) < 9 + length:
                return
            kind, flags, stream = struct.unpack(">BBI", self._buffer[3:9])
            stream &= 0x7FFFFFFF
            payload = self._buffer[9:9 + length]
            self._buffer = self._buffer[9 + length:]
            self._on_frame(kind, flags, stream, payload)

    def _on_frame(self, kind, flags, stream, payload):
        if kind == SETTINGS and not flags & ACK:
            for at in range(0, len(payload) - 5, 6):
                key, value = struct.unpack(">HI", payload[at:at + 6])
                if key == SETTINGS_HEADER_TABLE_SIZE:
                    # An honest encoder (a proxy's) keeps to the table size the server allows.
                    self.encoder.header_table_size = value
            self.send(frame(SETTINGS, ACK, 0))
            self.acked_settings = True
        elif kind == PING and not flags & ACK:
            self.send(frame(PING, ACK, 0, payload))
        elif kind == GOAWAY:
            self.goaway = struct.unpack(">I", payload[4:8])[0]
        elif kind == RST_STREAM:
            self.status.setdefault(stream, f"RST_STREAM({struct.unpack('>I', payload[:4])[0]})")
        elif kind in (HEADERS, CONTINUATION):
            self._block[stream] = self._block.get(stream, b"") + payload
            if flags & END_HEADERS:
                block = self._block.pop(stream)
                if kind == HEADERS and flags & 0x8:  # PADDED
                    block = block[1:len(block) - block[0]]
                if kind == HEADERS and flags & 0x20:  # PRIORITY
                    block = block[5:]
                headers = dict(self.decoder.decode(block))
                if "grpc-status" in headers:
                    self.status[stream] = int(headers["grpc-status"])
        elif kind == DATA and payload:
            # Give the window back, so long responses keep coming.
            update = struct.pack(">I", len(payload))
            self.send(frame(WINDOW_UPDATE, 0, 0, update) + frame(WINDOW_UPDATE, 0, stream, update))

    def close(self):
        self.sock.close()


def normal_client_works(server, timeout=20):
    """A normal pyarrow Flight client uploads 10,000 rows and reads them back, within a
    generous `timeout` per call (so a server that no longer accepts fails rather than
    hangs). Returns (True, "") or (False, why)."""
    import pyarrow as pa
    import pyarrow.flight as paf

    options = paf.FlightCallOptions(timeout=timeout)
    table = pa.table({"v": pa.array(range(10_000), pa.int64())})
    descriptor = paf.FlightDescriptor.for_path("normal", "client")
    try:
        client = paf.connect(server.location)
        try:
            writer, _ = client.do_put(descriptor, table.schema, options=options)
            writer.write_table(table)
            writer.close()
            info = client.get_flight_info(descriptor, options=options)
            got = client.do_get(info.endpoints[0].ticket, options=options).read_all()
        finally:
            client.close()
    except paf.FlightError as error:
        return False, f"{type(error).__name__}: {error}"
    return (True, "") if got.equals(table) else (False, "the data read back differs")
