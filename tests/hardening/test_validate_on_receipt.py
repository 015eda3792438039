"""Validation on receipt (reliability figures F5 and, for the FlightData bullet, F4).

A DoPut carrying IPC that is structurally sound (every buffer inside the body, the
last string offset equal to the data's size) but whose offsets are not, must end with
INVALID_ARGUMENT before a handler sees a single row: `quiver serve` publishes
nothing, and a Python server's do_put gets an error from its reader instead of the
batch. A FlightData whose body is shorter than its IPC header declares is refused
the same way. The opt-out (IpcReadOptions(validate=False)) is tested in
tests/python/test_flight_call_options.py and documented in the README.
"""

import threading

import grpc
import pyarrow as pa
import pyarrow.flight as paf
import pytest

import quiver
import quiver.flight as qflight
import support
from figures import record
from support import call, descriptor_path, flight_data

C = grpc.StatusCode


def bad_offsets_table():
    """A utf8 column whose second offset (1000) lies outside the 4-byte data buffer and
    breaks monotonicity, while the first (0) and last (4) offsets are in range."""
    offsets = pa.py_buffer(b"".join(v.to_bytes(4, "little", signed=True) for v in (0, 1000, 4)))
    strings = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"abcd")])
    strings.validate()  # structurally valid ...
    with pytest.raises(pa.ArrowInvalid):
        strings.validate(full=True)  # ... and not in full
    return pa.table({"id": pa.array([1, 2], pa.int64()), "s": strings})


def published(server):
    client = paf.connect(server.location)
    try:
        return {tuple(f.descriptor.path) for f in client.list_flights()}
    finally:
        client.close()


def test_put_with_out_of_range_offsets_is_invalid_argument_and_publishes_nothing(make_server):
    server = make_server()
    (schema, _), (batch, body) = support.ipc_messages(bad_offsets_table())[:2]
    channel = support.raw_channel(server)
    code, details, _ = call(channel, "DoPut", [flight_data(descriptor_path("bad", "offsets"), schema),
                                              flight_data(None, batch, body=body)])
    channel.close()
    assert code == C.INVALID_ARGUMENT, (code, details)
    assert "offset" in details and "'s'" in details, details
    assert (b"bad", b"offsets") not in published(server)
    # The same data with valid offsets is stored: the refusal was about the offsets.
    good = pa.table({"id": pa.array([1, 2], pa.int64()), "s": pa.array(["ab", "cd"])})
    (schema, _), (batch, body) = support.ipc_messages(good)[:2]
    channel = support.raw_channel(server)
    code, details, _ = call(channel, "DoPut", [flight_data(descriptor_path("good", "offsets"), schema),
                                              flight_data(None, batch, body=body)])
    channel.close()
    assert code == C.OK, (code, details)
    assert (b"good", b"offsets") in published(server)


def test_flightdata_body_shorter_than_the_ipc_body_length_is_refused(make_server):
    server = make_server()
    table = pa.table({"id": pa.array(range(64), pa.int64())})
    (schema, _), (batch, body) = support.ipc_messages(table)[:2]
    assert len(body) > 8
    channel = support.raw_channel(server)
    code, details, _ = call(channel, "DoPut", [flight_data(descriptor_path("short", "body"), schema),
                                              flight_data(None, batch, body=body[:-8])])
    channel.close()
    assert code == C.INVALID_ARGUMENT, (code, details)
    assert "truncated" in details and str(len(body)) in details, details
    assert (b"short", b"body") not in published(server)


class RecordingServer(qflight.FlightServerBase):
    """do_put keeps every chunk its reader yields and the error that ended the read."""

    def __init__(self):
        super().__init__("grpc://127.0.0.1:0")
        self.lock = threading.Lock()
        self.received = []
        self.errors = []

    def do_put(self, context, descriptor, reader, writer):
        try:
            for chunk in reader:
                with self.lock:
                    self.received.append(chunk)
        except Exception as error:
            with self.lock:
                self.errors.append(error)
            raise


def test_a_python_handler_never_sees_the_invalid_batch():
    server = RecordingServer()
    try:
        client = paf.connect(f"grpc://127.0.0.1:{server.port}")
        table = bad_offsets_table()
        writer, _ = client.do_put(paf.FlightDescriptor.for_path("x"), table.schema)
        with pytest.raises(pa.ArrowInvalid) as refused:
            writer.write_table(table)
            writer.close()
        client.close()
    finally:
        server.shutdown()
    assert server.received == []
    assert len(server.errors) == 1 and isinstance(server.errors[0], quiver.ArrowInvalid), server.errors
    assert "offset" in str(server.errors[0])
    assert "offset" in str(refused.value)
    record("F5", "DoPut with out-of-range offsets", status="INVALID_ARGUMENT", rows_seen_by_handler=0)
