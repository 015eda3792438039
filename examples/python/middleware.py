# The seed's middleware example (shared/seed/pyarrow-flight-seed.txt), with only
# the import lines changed from pyarrow to quiver. The seed leaves the server
# out; the marked block below is the minimum that serves one flight with
# LoggingServerMiddlewareFactory on grpc://localhost:8080 so that the client at
# the end runs as written.
import quiver.flight as flight
import time


class TimingClientMiddleware(flight.ClientMiddleware):
    """Client middleware for timing requests."""

    def __init__(self):
        self.start_time = None

    def sending_headers(self):
        """Record start time."""
        self.start_time = time.time()

    def received_headers(self, headers):
        """Log headers received."""
        print(f"Received headers: {dict(headers)}")

    def received_trailers(self, trailers):
        """Calculate and log timing."""
        if self.start_time:
            duration = time.time() - self.start_time
            print(f"Request completed in {duration:.3f} seconds")


class TimingClientMiddlewareFactory(flight.ClientMiddlewareFactory):
    """Factory for timing middleware."""

    def start_call(self, info):
        """Create timing middleware for each call."""
        print(f"Starting call: {info.method}")
        return TimingClientMiddleware()


class LoggingServerMiddleware(flight.ServerMiddleware):
    """Server middleware for logging requests."""

    def __init__(self, call_info, headers):
        self.call_info = call_info
        self.headers = headers
        self.start_time = time.time()
        print(f"Request started: {call_info.method}")
        print(f"Headers: {dict(headers)}")

    def call_completed(self, exception):
        """Log call completion."""
        duration = time.time() - self.start_time
        if exception:
            print(f"Request failed after {duration:.3f}s: {exception}")
        else:
            print(f"Request completed in {duration:.3f}s")


class LoggingServerMiddlewareFactory(flight.ServerMiddlewareFactory):
    """Factory for logging middleware."""

    def start_call(self, info, headers):
        """Create logging middleware for each call."""
        return LoggingServerMiddleware(info, headers)


# --- added: a server on loopback with the logging middleware (not in the seed)
import threading  # noqa: E402
import quiver as pa  # noqa: E402


class ExampleServer(flight.FlightServerBase):
    def list_flights(self, context, criteria):
        schema = pa.schema([('id', pa.int64())])
        yield flight.FlightInfo(schema, flight.FlightDescriptor.for_path("example"), [])


server = ExampleServer("grpc://localhost:8080", middleware={"logging": LoggingServerMiddlewareFactory()})
threading.Thread(target=server.serve, daemon=True).start()
# --- end of the added server

# Client with middleware
middleware = [TimingClientMiddlewareFactory()]
client = flight.connect("grpc://localhost:8080", middleware=middleware)
# All requests will be timed
flights = list(client.list_flights())
print(f"Listed {len(flights)} flights")
client.close()

server.shutdown()  # added: stop the server started above
