"""The seed's examples (shared/seed/pyarrow-flight-seed.txt) run against real
servers on loopback, with only the imports changed to quiver. The seed writes
"grpc://localhost:8080"; the tests serve on a free port and put it in that
string instead, since a fixed port may be taken on a shared machine.
"""

import threading

import pytest

import quiver as pa
import quiver.flight as flight


# --- the seed's DataFlightServer, verbatim but for the import


class DataFlightServer(flight.FlightServerBase):
    """Example Flight server implementation."""

    def __init__(self):
        super().__init__()
        self.data_store = {}
        self.lock = threading.Lock()
        # Initialize with sample data
        self.data_store["dataset/sales"] = pa.table({
            'date': ['2023-01-01', '2023-01-02', '2023-01-03'],
            'amount': [100.0, 150.0, 200.0],
            'region': ['North', 'South', 'East']
        })
        self.data_store["dataset/products"] = pa.table({
            'id': [1, 2, 3],
            'name': ['Widget A', 'Widget B', 'Widget C'],
            'price': [10.99, 15.99, 20.99]
        })

    def list_flights(self, context, criteria):
        """List available flights."""
        with self.lock:
            for path, table in self.data_store.items():
                descriptor = flight.FlightDescriptor.for_path(*path.split('/'))
                endpoints = [flight.FlightEndpoint(
                    flight.Ticket(path.encode()),
                    ["grpc://localhost:8080"]
                )]
                yield flight.FlightInfo.for_table(table, descriptor, endpoints)

    def get_flight_info(self, context, descriptor):
        """Get flight information."""
        path = '/'.join(descriptor.path)
        with self.lock:
            if path not in self.data_store:
                raise flight.FlightUnavailableError(f"Unknown path: {path}")
            table = self.data_store[path]
        endpoints = [flight.FlightEndpoint(
            flight.Ticket(path.encode()),
            ["grpc://localhost:8080"]
        )]
        return flight.FlightInfo.for_table(table, descriptor, endpoints)

    def get_schema(self, context, descriptor):
        """Get flight schema."""
        path = '/'.join(descriptor.path)
        with self.lock:
            if path not in self.data_store:
                raise flight.FlightUnavailableError(f"Unknown path: {path}")
            table = self.data_store[path]
        return flight.SchemaResult(table.schema)

    def do_get(self, context, ticket):
        """Retrieve data stream."""
        path = ticket.ticket.decode()
        with self.lock:
            if path not in self.data_store:
                raise flight.FlightUnavailableError(f"Unknown ticket: {path}")
            table = self.data_store[path]
        return flight.RecordBatchStream(table)

    def do_put(self, context, descriptor, reader, writer):
        """Handle data upload."""
        path = '/'.join(descriptor.path)
        # Read all data
        table = reader.read_all()
        with self.lock:
            self.data_store[path] = table
        print(f"Stored table at {path}: {len(table)} rows")

    def list_actions(self, context):
        """List available actions."""
        return [
            flight.ActionType("list_tables", "List all stored tables"),
            flight.ActionType("get_stats", "Get server statistics")
        ]

    def do_action(self, context, action):
        """Execute action."""
        if action.type == "list_tables":
            with self.lock:
                tables = list(self.data_store.keys())
            yield flight.Result('\n'.join(tables).encode())
        elif action.type == "get_stats":
            with self.lock:
                stats = {
                    'table_count': len(self.data_store),
                    'total_rows': sum(len(table) for table in self.data_store.values())
                }
            yield flight.Result(str(stats).encode())
        else:
            raise flight.FlightUnavailableError(f"Unknown action: {action.type}")


@pytest.fixture()
def data_server():
    server = DataFlightServer()
    # The seed's "conceptual" start: serve(location) on a free loopback port.
    location = flight.Location.for_grpc_tcp("localhost", 0)
    thread = threading.Thread(target=server.serve, args=(location,))
    thread.start()
    while server.port <= 0:  # serve() binds before it blocks
        threading.Event().wait(0.01)
    yield server
    server.shutdown()
    thread.join()


def test_client_example(data_server, capsys):
    url = f"grpc://localhost:{data_server.port}"
    # --- the seed's client example
    client = flight.connect(url)
    # List available flights
    for flight_info in client.list_flights():
        print(f"Flight: {flight_info.descriptor}")
        print(f" Records: {flight_info.total_records}")
        print(f" Bytes: {flight_info.total_bytes}")
        print(f" Schema: {flight_info.schema}")
    # Get specific flight info
    descriptor = flight.FlightDescriptor.for_path("dataset", "sales")
    info = client.get_flight_info(descriptor)
    print(f"Flight info: {info}")
    # Get data
    for endpoint in info.endpoints:
        stream_reader = client.do_get(endpoint.ticket)
        table = stream_reader.read_all()
        print(f"Retrieved table: {len(table)} rows, {len(table.columns)} columns")
    # Upload data
    upload_descriptor = flight.FlightDescriptor.for_path("uploads", "new_data")
    table_to_upload = pa.table({
        'id': [1, 2, 3, 4, 5],
        'value': [10.5, 20.3, 30.1, 40.7, 50.2]
    })
    writer, metadata_reader = client.do_put(upload_descriptor, table_to_upload.schema)
    writer.write_table(table_to_upload)
    writer.close()
    # Execute action
    action = flight.Action("list_tables", b"")
    results = client.do_action(action)
    for result in results:
        print(f"Action result: {result.body}")
    client.close()
    # --- what it printed
    out = capsys.readouterr().out
    assert " Records: 3" in out
    assert "Retrieved table: 3 rows, 3 columns" in out
    assert "Stored table at uploads/new_data: 5 rows" in out
    action_line = [line for line in out.splitlines() if line.startswith("Action result: ")]
    assert len(action_line) == 1
    assert data_server.data_store["uploads/new_data"].equals(table_to_upload)
    stats = list(flight.connect(url).do_action(flight.Action("get_stats", b"")))
    assert stats[0].body.to_pybytes() == b"{'table_count': 3, 'total_rows': 11}"


def test_data_server_errors(data_server):
    client = flight.connect(("localhost", data_server.port))
    with pytest.raises(flight.FlightUnavailableError, match="Unknown path: dataset/none"):
        client.get_flight_info(flight.FlightDescriptor.for_path("dataset", "none"))
    with pytest.raises(flight.FlightUnavailableError, match="Unknown action: nope"):
        list(client.do_action(flight.Action("nope", b"")))
    assert client.get_schema(flight.FlightDescriptor.for_path("dataset", "products")).schema.names == ["id", "name", "price"]
    assert [a.type for a in client.list_actions()] == ["list_tables", "get_stats"]


# --- the seed's streaming example


class StreamingFlightServer(flight.FlightServerBase):
    """Flight server with streaming data generation."""

    def do_get(self, context, ticket):
        """Generate streaming data."""
        path = ticket.ticket.decode()
        if path == "streaming/numbers":
            return self.generate_number_stream()
        elif path == "streaming/time_series":
            return self.generate_time_series()
        else:
            raise flight.FlightUnavailableError(f"Unknown streaming path: {path}")

    def generate_number_stream(self):
        """Generate stream of random numbers."""
        schema = pa.schema([
            pa.field('id', pa.int64()),
            pa.field('random_value', pa.float64())
        ])

        def number_generator():
            import random
            import time
            batch_size = 1000
            for batch_num in range(10):  # 10 batches
                ids = list(range(batch_num * batch_size, (batch_num + 1) * batch_size))
                values = [random.random() for _ in range(batch_size)]
                batch = pa.record_batch([ids, values], schema=schema)
                yield batch
                # Simulate processing delay
                time.sleep(0.1)
        return flight.GeneratorStream(schema, number_generator())

    def generate_time_series(self):
        """Generate time series data."""
        schema = pa.schema([
            pa.field('timestamp', pa.timestamp('s')),
            pa.field('sensor_id', pa.string()),
            pa.field('value', pa.float64())
        ])

        def time_series_generator():
            import random
            import time
            from datetime import datetime, timedelta
            start_time = datetime.now()
            sensors = ['sensor_001', 'sensor_002', 'sensor_003']
            for minute in range(60):  # 1 hour of data
                current_time = start_time + timedelta(minutes=minute)
                timestamps = [current_time] * len(sensors)
                sensor_ids = sensors
                values = [random.uniform(20.0, 30.0) for _ in sensors]
                batch = pa.record_batch([timestamps, sensor_ids, values], schema=schema)
                yield batch
                # Real-time simulation
                time.sleep(0.05)
        return flight.GeneratorStream(schema, time_series_generator())


class StreamingServerWithInfo(StreamingFlightServer):
    """The seed's client asks for the flight's info first: the "conceptual" part."""

    def get_flight_info(self, context, descriptor):
        path = "/".join(descriptor.path)
        schema = pa.schema([("id", pa.int64()), ("random_value", pa.float64())])
        return flight.FlightInfo(schema, descriptor, [flight.FlightEndpoint(path.encode(), [])])


def test_streaming_example(capsys):
    with StreamingServerWithInfo("grpc://localhost:0") as server:
        # --- the seed's streaming client
        client = flight.connect(f"grpc://localhost:{server.port}")
        # Stream processing
        descriptor = flight.FlightDescriptor.for_path("streaming", "numbers")
        info = client.get_flight_info(descriptor)
        for endpoint in info.endpoints:
            reader = client.do_get(endpoint.ticket)
            batch_count = 0
            total_rows = 0
            for chunk in reader:
                batch = chunk.data
                batch_count += 1
                total_rows += len(batch)
                print(f"Received batch {batch_count}: {len(batch)} rows")
                # Process batch
                if len(batch) > 0:
                    avg_value = pa.compute.mean(batch['random_value']).as_py()
                    print(f" Average value: {avg_value:.4f}")
        print(f"Total: {batch_count} batches, {total_rows} rows")
        client.close()
        out = capsys.readouterr().out
        assert "Total: 10 batches, 10000 rows" in out
        averages = [float(line.split(":")[1]) for line in out.splitlines() if line.startswith(" Average value:")]
        assert len(averages) == 10 and all(0.0 < a < 1.0 for a in averages)

        series = flight.connect(("localhost", server.port)).do_get(flight.Ticket(b"streaming/time_series")).read_all()
        assert series.num_rows == 180 and series.schema.field("timestamp").type == pa.timestamp("s")


# --- the seed's authentication example


class SimpleAuthHandler(flight.ServerAuthHandler):
    """Simple authentication handler."""

    def __init__(self):
        self.valid_tokens = {"user123": "secret456"}

    def authenticate(self, outgoing, incoming):
        """Authenticate request."""
        # Extract credentials from incoming headers
        username = None
        password = None
        for header in incoming:
            if header[0] == b'username':
                username = header[1].decode()
            elif header[0] == b'password':
                password = header[1].decode()
        if username in self.valid_tokens and self.valid_tokens[username] == password:
            # Set authentication token
            outgoing.append((b'auth-token', f'token-{username}'.encode()))
            return username
        else:
            raise flight.FlightUnauthenticatedError("Invalid credentials")

    def is_valid(self, token):
        """Validate authentication token."""
        if token.startswith('token-'):
            username = token[6:]  # Remove 'token-' prefix
            return username if username in self.valid_tokens else None
        return None


class SimpleClientAuthHandler(flight.ClientAuthHandler):
    """Simple client authentication handler."""

    def __init__(self, username, password):
        self.username = username
        self.password = password
        self.token = None

    def authenticate(self, outgoing, incoming):
        """Authenticate client."""
        # Send credentials
        outgoing.append((b'username', self.username.encode()))
        outgoing.append((b'password', self.password.encode()))
        # Get token from response
        for header in incoming:
            if header[0] == b'auth-token':
                self.token = header[1].decode()
                break

    def get_token(self):
        """Get authentication token."""
        return self.token


class AuthenticatedServer(DataFlightServer):
    """The seed's DataFlightServer behind the seed's auth handler."""

    def __init__(self, location):
        flight.FlightServerBase.__init__(self, location, auth_handler=SimpleAuthHandler())
        self.data_store = {"dataset/sales": pa.table({"amount": [1.0, 2.0]})}
        self.lock = threading.Lock()
        self.identities = []

    def list_flights(self, context, criteria):
        self.identities.append(context.peer_identity())
        return super().list_flights(context, criteria)


def test_auth_example(capsys):
    with AuthenticatedServer("grpc://localhost:0") as server:
        url = f"grpc://localhost:{server.port}"
        # --- the seed's client usage with authentication
        auth_handler = SimpleClientAuthHandler("user123", "secret456")
        client = flight.connect(url, auth_handler=auth_handler)
        # Authenticate
        client.authenticate(auth_handler)
        # Now use authenticated client
        flights = list(client.list_flights())
        print(f"Found {len(flights)} flights")
        client.close()
        assert capsys.readouterr().out.strip() == "Found 1 flights"
        assert auth_handler.token == "token-user123"
        assert server.identities == [b"user123"]

        with pytest.raises(flight.FlightUnauthenticatedError, match="Invalid credentials"):
            flight.connect(url, auth_handler=SimpleClientAuthHandler("user123", "wrong"))
        anonymous = flight.connect(url)
        with pytest.raises(flight.FlightUnauthenticatedError):
            list(anonymous.list_flights())


# --- the seed's middleware example


class TimingClientMiddleware(flight.ClientMiddleware):
    """Client middleware for timing requests."""

    def __init__(self):
        self.start_time = None

    def sending_headers(self):
        """Record start time."""
        import time
        self.start_time = time.time()

    def received_headers(self, headers):
        """Log headers received."""
        print(f"Received headers: {dict(headers)}")

    def received_trailers(self, trailers):
        """Calculate and log timing."""
        import time
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
        import time
        self.call_info = call_info
        self.headers = headers
        self.start_time = time.time()
        print(f"Request started: {call_info.method}")
        print(f"Headers: {dict(headers)}")

    def call_completed(self, exception):
        """Log call completion."""
        import time
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


class MiddlewareServer(DataFlightServer):
    def __init__(self, location):
        flight.FlightServerBase.__init__(self, location, middleware={"logging": LoggingServerMiddlewareFactory()})
        self.data_store = {"dataset/sales": pa.table({"amount": [1.0, 2.0]})}
        self.lock = threading.Lock()
        self.seen_middleware = []

    def list_flights(self, context, criteria):
        self.seen_middleware.append(context.get_middleware("logging"))
        return super().list_flights(context, criteria)


def test_middleware_example(capsys):
    with MiddlewareServer("grpc://localhost:0") as server:
        # --- the seed's client with middleware
        middleware = [TimingClientMiddlewareFactory()]
        client = flight.connect(f"grpc://localhost:{server.port}", middleware=middleware)
        # All requests will be timed
        flights = list(client.list_flights())
        print(f"Listed {len(flights)} flights")
        with pytest.raises(flight.FlightUnavailableError):
            client.get_flight_info(flight.FlightDescriptor.for_path("none"))
        client.close()
        out = capsys.readouterr().out.splitlines()
    assert "Starting call: FlightMethod.LIST_FLIGHTS" in out
    assert "Request started: FlightMethod.LIST_FLIGHTS" in out
    assert "Received headers: {}" in out
    assert any(line.startswith("Request completed in ") and line.endswith(" seconds") for line in out)
    assert any(line.startswith("Request completed in ") and line.endswith("s") for line in out)
    assert any(line.startswith("Headers: {") and "'user-agent'" in line for line in out)
    assert any(line.startswith("Request failed after ") and "Unknown path: none" in line for line in out)
    assert "Listed 1 flights" in out
    assert isinstance(server.seen_middleware[0], LoggingServerMiddleware)
