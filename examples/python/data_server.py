# The seed's DataFlightServer example (shared/seed/pyarrow-flight-seed.txt), with
# only the import lines changed from pyarrow to quiver. The seed's start is
# "conceptual"; the __main__ block below actually serves (Ctrl-C stops it), and
# adds the dataset/table1 that the seed's client example (client.py) asks for.
import quiver as pa
import quiver.flight as flight
import threading


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


# Run server
if __name__ == "__main__":
    server = DataFlightServer()
    location = flight.Location.for_grpc_tcp("localhost", 8080)
    # The seed's client example reads dataset/table1.
    server.data_store["dataset/table1"] = pa.table({
        'id': [1, 2, 3, 4],
        'name': ['a', 'b', 'c', 'd']
    })
    print(f"Starting server at {location}")
    try:
        server.serve(location)
    except KeyboardInterrupt:
        print("Server stopped")
