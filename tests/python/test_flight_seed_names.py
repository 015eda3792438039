"""The seed's remaining quiver.flight names: BasicAuth, CertKeyPair,
FlightDataStream, TracingServerMiddlewareFactory, FlightStreamReader.read_next;
FlightCallOptions' repr; generators yielding [batch, metadata] lists."""

import quiver as pa
import quiver.flight as flight


def test_every_seed_class_and_function_exists():
    # Every module-level class and function of the seed's API listing.
    expected = {"Action", "ActionType", "BasicAuth", "CallInfo", "CertKeyPair", "ClientAuthHandler",
                "ClientMiddleware", "ClientMiddlewareFactory", "DescriptorType", "FlightCallOptions",
                "FlightClient", "FlightDataStream", "FlightDescriptor", "FlightEndpoint", "FlightError",
                "FlightInfo", "FlightMetadataReader", "FlightMetadataWriter", "FlightMethod", "FlightServerBase",
                "FlightStreamChunk", "FlightStreamReader", "FlightStreamWriter", "GeneratorStream", "Location",
                "MetadataRecordBatchReader", "MetadataRecordBatchWriter", "RecordBatchStream", "Result",
                "SchemaResult", "ServerAuthHandler", "ServerCallContext", "ServerMiddleware",
                "ServerMiddlewareFactory", "Ticket", "TracingServerMiddlewareFactory", "connect"}
    assert expected <= set(dir(flight))
    assert expected <= set(flight.__all__)


def test_basic_auth_round_trips_its_wire_form():
    auth = flight.BasicAuth("user", "p\u00e4ss")
    assert auth.username == b"user" and auth.password == "p\u00e4ss".encode()
    data = auth.serialize()
    # BasicAuth: username = 2, password = 3 (length-delimited strings).
    assert data == b"\x12\x04user\x1a\x05" + "p\u00e4ss".encode()
    back = flight.BasicAuth.deserialize(data)
    assert back == auth and back != flight.BasicAuth("user", "other")
    assert "redacted" in repr(auth) and "p\u00e4ss" not in repr(auth)
    assert flight.BasicAuth().username == b""


def test_cert_key_pair_is_a_cert_then_key_pair():
    pair = flight.CertKeyPair(cert="CERT", key="KEY")
    assert tuple(pair) == ("CERT", "KEY") and pair.cert == "CERT" and pair.key == "KEY"


def test_data_streams_share_the_seed_base_class():
    table = pa.table({"a": [1]})
    assert isinstance(flight.RecordBatchStream(table), flight.FlightDataStream)
    assert isinstance(flight.GeneratorStream(table.schema, iter([])), flight.FlightDataStream)
    assert issubclass(flight.TracingServerMiddlewareFactory, flight.ServerMiddlewareFactory)


def test_tracing_middleware_without_trace_headers_and_read_next_reads_chunks():
    class Server(flight.FlightServerBase):
        def do_get(self, context, ticket):
            assert context.get_middleware("tracing").trace_context == {}
            batch = pa.record_batch([[1, 2]], names=["a"])
            return flight.GeneratorStream(batch.schema, iter([[batch, b"first"], (batch, None)]))

    with Server("grpc://127.0.0.1:0", middleware={"tracing": flight.TracingServerMiddlewareFactory()}) as server:
        client = flight.connect(("127.0.0.1", server.port))
        reader = client.do_get(flight.Ticket(b"t"))
        first = reader.read_next()
        assert first.data.column(0).to_pylist() == [1, 2] and first.app_metadata.to_pybytes() == b"first"
        second = reader.read_next()
        assert second.data.num_rows == 2 and second.app_metadata is None
        try:
            reader.read_next()
            raise AssertionError("the stream should have ended")
        except StopIteration:
            pass
        client.close()


def test_call_options_repr():
    options = flight.FlightCallOptions(timeout=7, headers=[(b"k", b"v")],
                                       write_options=pa.ipc.IpcWriteOptions(compression="zstd"))
    text = repr(options)
    assert text.startswith("<quiver.flight.FlightCallOptions ")
    assert "timeout=7.0 " in text and "headers=[(b'k', b'v')]" in text
    assert "read_options=None" in text and "write_options=<" in text
    assert "timeout=None" in repr(flight.FlightCallOptions())
