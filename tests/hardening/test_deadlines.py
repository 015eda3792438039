"""Deadlines, cancellation and Ctrl-C in the Python package (reliability figure N8).

- a 100 ms client timeout on a handler that sleeps gives FlightTimedOutError;
- a client cancelling a DoGet or DoExchange (and a DoPut's deadline passing) makes
  context.is_cancelled() true on the server, and a generator handler stops;
- SIGINT while the main thread blocks in a read (read_all, read_chunk, iteration,
  the schema, to_reader) against a silent server raises KeyboardInterrupt;
- SIGINT while serve() runs, with calls in flight, makes serve() return.

The delays are recorded as figures (figures.py); the tests assert only what happens,
with generous limits that stop a hung test. The Ctrl-C cases run in a subprocess:
only a process's main thread gets Python's signal handling.
"""

import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import quiver as qa
import quiver.flight as flight

import figures
from support import LIMIT

SCHEMA = qa.schema([("x", qa.int64())])
REPEATS = 5


def small_batch():
    return qa.record_batch({"x": qa.array(list(range(1000)), type=qa.int64())})


class Moments:
    """Named moments (time.monotonic()) the server's handlers reach, awaitable."""

    def __init__(self):
        self.times = {}
        self.condition = threading.Condition()

    def mark(self, name):
        with self.condition:
            self.times.setdefault(name, time.monotonic())
            self.condition.notify_all()

    def wait(self, name, limit=LIMIT):
        with self.condition:
            assert self.condition.wait_for(lambda: name in self.times, timeout=limit), f"never reached {name}"
            return self.times[name]

    def reset(self):
        with self.condition:
            self.times.clear()


class Handlers(flight.FlightServerBase):
    """Handlers that sleep, stream forever or stall, each watching is_cancelled()."""

    def __init__(self, moments):
        super().__init__("grpc://127.0.0.1:0")
        self.moments = moments

    def wait_cancelled(self, context, name):
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            if context.is_cancelled():
                self.moments.mark(name)
                return True
            time.sleep(0.002)
        return False

    def get_flight_info(self, context, descriptor):
        self.moments.mark("info started")
        self.wait_cancelled(context, "info cancelled")
        raise flight.FlightCancelledError("the client gave up")

    def do_action(self, context, action):
        self.moments.mark("action started")
        self.wait_cancelled(context, "action cancelled")
        return []

    def do_get(self, context, ticket):
        moments = self.moments
        if ticket.ticket == b"stream":
            # Streams as fast as the client takes it; stopped by the server once the
            # client cancels (the generator is closed: its finally runs).
            def endless():
                try:
                    while True:
                        yield small_batch()
                finally:
                    moments.mark("stream generator closed")
            return flight.GeneratorStream(SCHEMA, endless())

        # "trickle": one batch, then waits for more data that never comes, watching
        # the call from inside the generator.
        def trickle():
            try:
                yield small_batch()
                moments.mark("trickle waiting")
                deadline = time.monotonic() + LIMIT
                while time.monotonic() < deadline:
                    if context.is_cancelled():
                        moments.mark("trickle saw cancel")
                        return
                    time.sleep(0.002)
            finally:
                moments.mark("trickle generator closed")
        return flight.GeneratorStream(SCHEMA, trickle())

    def do_exchange(self, context, descriptor, reader, writer):
        writer.begin(SCHEMA)
        writer.write_batch(small_batch())
        self.moments.mark("exchange waiting")
        self.wait_cancelled(context, "exchange saw cancel")

    def do_put(self, context, descriptor, reader, writer):
        try:
            for _ in reader:
                self.moments.mark("put reading")
        except flight.FlightError:
            pass
        except qa.ArrowException:
            pass
        self.wait_cancelled(context, "put saw cancel")


@pytest.fixture
def served():
    moments = Moments()
    server = Handlers(moments)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    client = flight.connect(("127.0.0.1", server.port))
    client.wait_for_available(timeout=30)
    yield server, client, moments
    client.close()
    server.shutdown(timeout=1)
    thread.join(timeout=LIMIT)


def ms(seconds):
    return round(seconds * 1000, 1)


def test_a_100ms_timeout_on_a_sleeping_handler(served):
    server, client, moments = served
    options = flight.FlightCallOptions(timeout=0.1)
    elapsed = {"do_action": [], "get_flight_info": []}
    handler_saw = []
    for _ in range(REPEATS):
        for name, call in (("do_action", lambda: list(client.do_action(flight.Action("sleep", b""), options))),
                           ("get_flight_info",
                            lambda: client.get_flight_info(flight.FlightDescriptor.for_path("x"), options))):
            moments.reset()
            started = time.monotonic()
            with pytest.raises(flight.FlightTimedOutError):
                call()
            elapsed[name].append(time.monotonic() - started)
            # The server's handler learns of the deadline too.
            what = "action" if name == "do_action" else "info"
            handler_saw.append(moments.wait(f"{what} cancelled") - moments.wait(f"{what} started"))
    figures.record("N8", "client timeout 100 ms on a sleeping handler -> FlightTimedOutError",
                   repetitions=REPEATS, calls=sorted(elapsed),
                   timeout_ms=100, max_ms_to_error={k: ms(max(v)) for k, v in elapsed.items()},
                   median_ms_to_error={k: ms(sorted(v)[len(v) // 2]) for k, v in elapsed.items()},
                   max_ms_handler_saw_cancel_after_start=ms(max(handler_saw)))


def test_client_cancel_reaches_the_handler_of_each_streaming_call(served):
    server, client, moments = served
    delays = {"do_get generator closed": [], "do_get is_cancelled in generator": [],
              "do_exchange is_cancelled": [], "do_put deadline is_cancelled": []}
    for _ in range(REPEATS):
        # DoGet, a generator streaming without end: the client cancels, the generator is closed.
        moments.reset()
        reader = client.do_get(flight.Ticket(b"stream"))
        reader.read_chunk()
        cancelled = time.monotonic()
        reader.cancel()
        delays["do_get generator closed"].append(moments.wait("stream generator closed") - cancelled)
        with pytest.raises(flight.FlightCancelledError):
            while True:
                reader.read_chunk()

        # DoGet, a generator waiting between batches: it sees is_cancelled() and stops.
        moments.reset()
        reader = client.do_get(flight.Ticket(b"trickle"))
        reader.read_chunk()
        moments.wait("trickle waiting")
        cancelled = time.monotonic()
        reader.cancel()
        delays["do_get is_cancelled in generator"].append(moments.wait("trickle saw cancel") - cancelled)
        moments.wait("trickle generator closed")

        # DoExchange: the handler waits, the client cancels.
        moments.reset()
        writer, reader = client.do_exchange(flight.FlightDescriptor.for_path("x"))
        reader.read_chunk()
        moments.wait("exchange waiting")
        cancelled = time.monotonic()
        reader.cancel()
        delays["do_exchange is_cancelled"].append(moments.wait("exchange saw cancel") - cancelled)
        with pytest.raises(qa.ArrowException):
            writer.close()

        # DoPut: a client writer has no cancel(); its call deadline ends the call instead.
        moments.reset()
        writer, _ = client.do_put(flight.FlightDescriptor.for_path("x"), SCHEMA,
                                  flight.FlightCallOptions(timeout=0.3))
        writer.write_batch(small_batch())
        moments.wait("put reading")
        expires = time.monotonic()
        deadline_passed = moments.wait("put saw cancel")
        delays["do_put deadline is_cancelled"].append(max(0.0, deadline_passed - expires))
        with pytest.raises(qa.ArrowException):
            writer.close()
    # The server still serves.
    reader = client.do_get(flight.Ticket(b"stream"))
    assert reader.read_chunk().data.num_rows == 1000
    reader.cancel()
    figures.record("N8", "client cancel during streaming calls -> is_cancelled() / generator stopped",
                   repetitions=REPEATS, max_ms={k: ms(max(v)) for k, v in delays.items()},
                   median_ms={k: ms(sorted(v)[len(v) // 2]) for k, v in delays.items()},
                   note="do_put: measured from the first batch's arrival to is_cancelled(), "
                        "with a 300 ms deadline (quiver.flight writers have no cancel())")


SILENT_CLIENT = textwrap.dedent("""
    import sys, time
    import quiver.flight as flight
    client = flight.connect(("127.0.0.1", int(sys.argv[1])))
    reader = client.do_get(flight.Ticket(b"silent"))
    reads = {
        "read_all": lambda: reader.read_all(),
        "read_chunk": lambda: reader.read_chunk(),
        "iteration": lambda: [chunk for chunk in reader],
        "schema": lambda: reader.schema,
        "to_reader": lambda: reader.to_reader(),
    }
    print("reading", flush=True)
    try:
        reads[sys.argv[2]]()
        print("returned", flush=True)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic(), flush=True)
""")

# Every way a Python client waits on a DoGet's stream.
SILENT_READS = ["read_all", "read_chunk", "iteration", "schema", "to_reader"]


class Silent(flight.FlightServerBase):
    """A DoGet that never sends anything (not even headers) until cancelled."""

    def __init__(self, moments):
        super().__init__("grpc://127.0.0.1:0")
        self.moments = moments

    def do_get(self, context, ticket):
        self.moments.mark("silent started")
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline and not context.is_cancelled():
            time.sleep(0.005)
        self.moments.mark("silent cancelled")
        raise flight.FlightCancelledError("cancelled")


@pytest.mark.parametrize("read", SILENT_READS)
def test_ctrl_c_interrupts_a_read_against_a_silent_server(read):
    moments = Moments()
    server = Silent(moments)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    delays = []
    try:
        for _ in range(REPEATS):
            moments.reset()
            proc = subprocess.Popen([sys.executable, "-c", SILENT_CLIENT, str(server.port), read],
                                    stdout=subprocess.PIPE, text=True)
            try:
                assert proc.stdout.readline().strip() == "reading"
                moments.wait("silent started")
                time.sleep(0.2)  # well inside read_all()
                sent = time.monotonic()
                proc.send_signal(signal.SIGINT)
                out, _ = proc.communicate(timeout=LIMIT)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            words = out.split()
            assert proc.returncode == 0 and words[:1] == ["interrupted"], out
            delays.append(float(words[1]) - sent)
            # The interrupted read cancelled its call: the server's handler is told.
            moments.wait("silent cancelled")
    finally:
        server.shutdown(timeout=1)
        thread.join(timeout=LIMIT)
    figures.record("N8", f"SIGINT during {read} against a silent server -> KeyboardInterrupt",
                   repetitions=REPEATS, max_ms=ms(max(delays)), median_ms=ms(sorted(delays)[len(delays) // 2]))


SERVING = textwrap.dedent("""
    import sys, time
    import quiver as qa
    import quiver.flight as flight
    SCHEMA = qa.schema([("x", qa.int64())])
    class Busy(flight.FlightServerBase):
        serving = None
        def serve(self):
            self.serving = time.monotonic()
            super().serve()
        def do_get(self, context, ticket):
            def endless():
                while True:
                    yield qa.record_batch({"x": qa.array(list(range(1000)), type=qa.int64())})
            return flight.GeneratorStream(SCHEMA, endless())
        def do_action(self, context, action):
            # The server takes calls from its constructor on: report the call only once
            # serve() is well inside its wait, where Ctrl-C is meant to land.
            while self.serving is None or time.monotonic() < self.serving + 0.3:
                time.sleep(0.01)
            print("in call", flush=True)
            while not context.is_cancelled():
                time.sleep(0.005)
            return []
    server = Busy("grpc://127.0.0.1:0")
    print(server.port, flush=True)
    try:
        server.serve()
        print("returned", time.monotonic(), flush=True)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic(), flush=True)
""")


def test_ctrl_c_ends_serve_with_calls_in_flight():
    delays = []
    for _ in range(REPEATS):
        proc = subprocess.Popen([sys.executable, "-c", SERVING], stdout=subprocess.PIPE, text=True)
        client = None
        try:
            port = int(proc.stdout.readline())
            client = flight.connect(("127.0.0.1", port))
            client.wait_for_available(timeout=30)
            streaming = client.do_get(flight.Ticket(b"x"))
            streaming.read_chunk()  # a DoGet in flight, its client not reading on
            outcome = []

            def wait_in_action():
                try:
                    outcome.append(list(client.do_action(flight.Action("wait", b""))))
                except flight.FlightError as error:
                    outcome.append(error)

            blocked = threading.Thread(target=wait_in_action, daemon=True)
            blocked.start()
            assert proc.stdout.readline().strip() == "in call"
            sent = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=LIMIT)
            blocked.join(timeout=LIMIT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if client is not None:
                client.close()
        words = out.split()
        assert proc.returncode == 0 and words[:1] == ["interrupted"], out
        # The call in flight ended with the server: cancelled or unavailable, or (had
        # its handler finished in the grace moment) an empty result.
        assert len(outcome) == 1 and (isinstance(outcome[0], flight.FlightError) or outcome[0] == []), outcome
        delays.append(float(words[1]) - sent)
    figures.record("N8", "SIGINT during serve() with calls in flight -> serve() returns",
                   repetitions=REPEATS, calls_in_flight=2, max_ms=ms(max(delays)),
                   median_ms=ms(sorted(delays)[len(delays) // 2]))


NEVER_SERVED = textwrap.dedent("""
    import time
    import quiver as qa
    import quiver.flight as flight
    SCHEMA = qa.schema([("x", qa.int64())])
    class Busy(flight.FlightServerBase):
        def do_get(self, context, ticket):
            def endless():
                while True:
                    yield qa.record_batch({"x": qa.array(list(range(1000)), type=qa.int64())})
            return flight.GeneratorStream(SCHEMA, endless())
        def do_action(self, context, action):
            print("in call", flush=True)
            while not context.is_cancelled():
                time.sleep(0.001)
            return []
    server = Busy("grpc://127.0.0.1:0")  # takes calls from here on, serve() or not
    print(server.port, flush=True)
    while True:
        time.sleep(0.05)
""")


def test_ctrl_c_before_serve_with_calls_in_flight_exits_cleanly():
    """A started server's calls are cancelled at exit: an uncaught KeyboardInterrupt
    (or any exit without shutdown()) must not finalize Python under running handlers."""
    for _ in range(REPEATS):
        proc = subprocess.Popen([sys.executable, "-c", NEVER_SERVED], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        client = None
        try:
            port = int(proc.stdout.readline())
            client = flight.connect(("127.0.0.1", port))
            streaming = client.do_get(flight.Ticket(b"x"))
            streaming.read_chunk()

            def wait_in_action():
                try:
                    list(client.do_action(flight.Action("wait", b"")))
                except flight.FlightError:
                    pass  # cancelled with the server, as expected

            threading.Thread(target=wait_in_action, daemon=True).start()
            assert proc.stdout.readline().strip() == "in call"
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=LIMIT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if client is not None:
                client.close()
        assert "Fatal Python error" not in err and proc.returncode in (-signal.SIGINT, 1, 130), \
            (proc.returncode, err[-2000:])
        assert "KeyboardInterrupt" in err
