# The seed's streaming example (shared/seed/pyarrow-flight-seed.txt), with only
# the import lines changed from pyarrow to quiver. The seed leaves the server
# out and its client asks for the flight's info first; the marked block below is
# the minimum that answers GetFlightInfo and serves StreamingFlightServer on
# grpc://localhost:8080 so that the client consumption at the end runs as written.
import quiver as pa
import quiver.flight as flight
import time


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


# --- added: the flight's info and a server on loopback (not in the seed)
import threading  # noqa: E402


class StreamingServerWithInfo(StreamingFlightServer):
    def get_flight_info(self, context, descriptor):
        path = '/'.join(descriptor.path)
        schema = pa.schema([('id', pa.int64()), ('random_value', pa.float64())])
        return flight.FlightInfo(schema, descriptor, [flight.FlightEndpoint(path.encode(), [])])


server = StreamingServerWithInfo("grpc://localhost:8080")
threading.Thread(target=server.serve, daemon=True).start()
# --- end of the added server

# Client streaming consumption
client = flight.connect("grpc://localhost:8080")
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

server.shutdown()  # added: stop the server started above
