"""Shared pieces of the hardening tests: a real `quiver serve`, what /proc says about
it, and a raw gRPC client that sends hand-made Flight protobufs.

The protobufs are encoded here by hand (field numbers from format/Flight.proto), so
the tests can send exactly the malformed bytes they mean to, with no protobuf
library in between.
"""

import os
import pathlib
import signal
import struct
import subprocess
import time

import grpc

REPO = pathlib.Path(__file__).resolve().parents[2]
SERVICE = "/arrow.flight.protocol.FlightService/"
# Long enough never to fire on a slow, shared machine; it only stops a hung test.
LIMIT = 120
MIB = 1 << 20


def quiver_binary():
    explicit = os.environ.get("QUIVER_BIN")
    if explicit:
        return pathlib.Path(explicit)
    for candidate in (REPO / "build" / "cli" / "quiver", REPO / "build-cli" / "cli" / "quiver"):
        if candidate.exists():
            return candidate
    raise RuntimeError("cannot find the quiver binary: build it (ninja quiver) or set QUIVER_BIN")


class Server:
    """A running `quiver serve --port 0` on `root`; `location` is its first stdout line."""

    def __init__(self, root, *extra, env=None):
        self.root = pathlib.Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.log_path = self.root.parent / f"serve-{self.root.name}.log"
        self.log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(quiver_binary()), "serve", "--root", str(self.root), "--host", "127.0.0.1",
             "--port", "0", *map(str, extra)],
            stdout=subprocess.PIPE, stderr=self.log_file, env=None if env is None else {**os.environ, **env})
        line = self.proc.stdout.readline().decode().strip()
        if not line:
            self.proc.wait(timeout=LIMIT)
            raise AssertionError(f"quiver serve printed no location; log:\n{self.log()}")
        self.location = line
        self.address = line.split("://", 1)[1]
        self.host, port = self.address.rsplit(":", 1)
        self.port = int(port)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stats(self):
        return process_stats(self.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=LIMIT)
        self.proc.stdout.close()
        self.log_file.close()
        return code


def process_stats(pid):
    """RSS in bytes, thread count and open descriptors of process `pid`, from /proc."""
    rss = anon = threads = None
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("RssAnon:"):
                anon = int(line.split()[1]) * 1024
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    # Quiver's handler threads are named (the rest are gRPC's and the main thread).
    handlers = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                handlers += comm.read().strip() == "quiver-handler"
        except FileNotFoundError:  # the thread ended meanwhile
            pass
    # rss_anon leaves out file pages the server has mapped (it serves DoGet from
    # memory maps of its files): the part that a leak would grow.
    return {"rss": rss, "rss_anon": anon, "threads": threads, "handler_threads": handlers, "fds": fds}


def settle(server, baseline, rss_slack, thread_slack, fd_slack, limit=60):
    """Waits until the server's threads and fds are back within the slack of
    `baseline` (connections and handler threads wind down asynchronously), then
    returns its stats; the caller asserts on them."""
    deadline = time.monotonic() + limit
    while True:
        now = server.stats()
        if (now["threads"] <= baseline["threads"] + thread_slack and now["fds"] <= baseline["fds"] + fd_slack
                and now["rss"] <= baseline["rss"] + rss_slack) or time.monotonic() > deadline:
            return now
        time.sleep(0.2)


def wait_for(condition, what, limit=LIMIT):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


# --- protobuf wire format -------------------------------------------------------------

def varint(value):
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def unparseable_bytes(n):
    """`n` random bytes that no protobuf parser can accept.

    Plain random bytes are occasionally well-formed wire format (a message such
    as Empty accepts any run of well-formed unknown fields), which made tests
    expecting a refusal flaky. The first byte here is a tag with wire type 7,
    which the protobuf encoding does not define; the rest stays random so the
    parser still meets arbitrary bytes when the check is reordered."""
    rest = os.urandom(max(n - 1, 0))
    return bytes([(rest[0] if rest else 0) & 0x78 | 7]) + rest


def field_bytes(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def descriptor_path(*parts):
    return field_varint(1, 1) + b"".join(field_bytes(3, p.encode()) for p in parts)


def descriptor_cmd(cmd):
    return field_varint(1, 2) + field_bytes(2, cmd)


def flight_data(descriptor=None, header=None, app_metadata=None, body=None):
    out = b""
    if descriptor is not None:
        out += field_bytes(1, descriptor)
    if header is not None:
        out += field_bytes(2, header)
    if app_metadata is not None:
        out += field_bytes(3, app_metadata)
    if body is not None:
        out += field_bytes(1000, body)
    return out


def action(kind, body=b""):
    return field_bytes(1, kind.encode()) + field_bytes(2, body)


def ticket(payload):
    return field_bytes(1, payload)


# --- Arrow IPC messages as FlightData pieces ----------------------------------------

def ipc_messages(table):
    """[(flatbuffer metadata, body bytes)] of `table` written as an IPC stream:
    the schema first, then one per batch."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    reader = ipc.MessageReader.open_stream(sink.getvalue())
    out = []
    while True:
        try:
            message = reader.read_next_message()
        except StopIteration:
            return out
        out.append((message.metadata.to_pybytes(), message.body.to_pybytes() if message.body else b""))


def _table_field(buf, table, index):
    """Absolute position of field `index` of the flatbuffer table at `table`, or None."""
    vtable = table - struct.unpack_from("<i", buf, table)[0]
    vtable_size = struct.unpack_from("<H", buf, vtable)[0]
    slot = 4 + 2 * index
    if slot + 2 > vtable_size:
        return None
    offset = struct.unpack_from("<H", buf, vtable + slot)[0]
    return table + offset if offset else None


def with_body_length(metadata, body_length):
    """The Message flatbuffer `metadata` with its bodyLength (field 3) replaced."""
    buf = bytearray(metadata)
    root = struct.unpack_from("<I", buf, 0)[0]
    at = _table_field(buf, root, 3)
    assert at is not None, "the message has no bodyLength field to change"
    struct.pack_into("<q", buf, at, body_length)
    return bytes(buf)


def with_batch_lengths(metadata, length=None, buffer_length=None):
    """The RecordBatch Message `metadata` with its row count and/or every buffer's
    length replaced."""
    buf = bytearray(metadata)
    root = struct.unpack_from("<I", buf, 0)[0]
    header_at = _table_field(buf, root, 2)
    batch = header_at + struct.unpack_from("<I", buf, header_at)[0]
    if length is not None:
        struct.pack_into("<q", buf, _table_field(buf, batch, 0), length)
    if buffer_length is not None:
        vec_at = _table_field(buf, batch, 2)
        vec = vec_at + struct.unpack_from("<I", buf, vec_at)[0]
        count = struct.unpack_from("<I", buf, vec)[0]
        for i in range(count):
            struct.pack_into("<q", buf, vec + 4 + 16 * i + 8, buffer_length)
    return bytes(buf)


# --- raw gRPC ------------------------------------------------------------------------

def raw_channel(server, **options):
    opts = [("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)]
    opts += list(options.items())
    return grpc.insecure_channel(server.address, options=opts)


def _identity(data):
    return data


def rpc(channel, method, kind):
    """A raw-bytes callable for `method` (e.g. 'DoPut') of the given cardinality."""
    factory = {"unary_unary": channel.unary_unary, "unary_stream": channel.unary_stream,
               "stream_stream": channel.stream_stream}[kind]
    return factory(SERVICE + method, request_serializer=_identity, response_deserializer=_identity)


RPC_KINDS = {
    "Handshake": "stream_stream",
    "ListFlights": "unary_stream",
    "GetFlightInfo": "unary_unary",
    "PollFlightInfo": "unary_unary",
    "GetSchema": "unary_unary",
    "DoGet": "unary_stream",
    "DoPut": "stream_stream",
    "DoExchange": "stream_stream",
    "DoAction": "unary_stream",
    "ListActions": "unary_stream",
}


def call(channel, method, messages, timeout=30):
    """Sends `messages` (a list of bytes; one for unary requests) to `method`; returns
    (status code, details, responses). Never raises for a gRPC error."""
    kind = RPC_KINDS[method]
    stub = rpc(channel, method, kind)
    responses = []
    try:
        if kind == "unary_unary":
            responses.append(stub(messages[0], timeout=timeout))
        elif kind == "unary_stream":
            responses.extend(stub(messages[0], timeout=timeout))
        else:
            responses.extend(stub(iter(messages), timeout=timeout))
    except grpc.RpcError as error:
        return error.code(), error.details() or "", responses
    return grpc.StatusCode.OK, "", responses


def wait_settled(measure, baseline, thread_slack, fd_slack, limit=30):
    """Like settle(), for any stats source (e.g. the test process itself)."""
    deadline = time.monotonic() + limit
    while True:
        now = measure()
        if (now["threads"] <= baseline["threads"] + thread_slack and now["fds"] <= baseline["fds"] + fd_slack) \
                or time.monotonic() > deadline:
            return now
        time.sleep(0.2)
