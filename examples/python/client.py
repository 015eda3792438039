# The seed's client example (shared/seed/pyarrow-flight-seed.txt), with only the
# import lines changed from pyarrow to quiver. Start data_server.py first: it
# serves on grpc://localhost:8080.
import quiver as pa
import quiver.flight as flight
# Connect to Flight server
client = flight.connect("grpc://localhost:8080")
# List available flights
for flight_info in client.list_flights():
    print(f"Flight: {flight_info.descriptor}")
    print(f" Records: {flight_info.total_records}")
    print(f" Bytes: {flight_info.total_bytes}")
    print(f" Schema: {flight_info.schema}")
# Get specific flight info
descriptor = flight.FlightDescriptor.for_path("dataset", "table1")
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
