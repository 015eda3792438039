"""quiver serve --users: Basic/Bearer authentication on every RPC, for Quiver's
own client subcommands and for pyarrow.flight's client, over TCP and TLS."""

import pyarrow.flight as flight
import pytest

from conftest import make_server  # noqa: F401 - the fixture, for clarity
from conftest import run
from test_tls import certs  # noqa: F401 - the module-scoped certificate fixture


@pytest.fixture
def users_file(tmp_path):
    path = tmp_path / "users.txt"
    run("users", "add", path, "alice", input="wonderland\n", check=0)
    run("users", "add", path, "bob", "--password", "b:o b", "--iterations", "2000", check=0)
    return path


def test_users_add_writes_salted_hashes(tmp_path, users_file):
    text = users_file.read_text()
    assert "wonderland" not in text and "b:o b" not in text
    lines = [line.split(":") for line in text.splitlines()]
    assert [fields[0] for fields in lines] == ["alice", "bob"]
    assert all(fields[1] == "pbkdf2-sha256" and len(fields[4]) == 64 for fields in lines)
    assert lines[0][3] != lines[1][3], "each user gets its own salt"
    assert oct(users_file.stat().st_mode & 0o777) == "0o600"
    again = run("users", "add", users_file, "alice", input="x\n", check=1)
    assert "already" in again.stderr


def test_serve_refuses_a_malformed_users_file(make_server, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.txt"
    bad.write_text("alice:plain:secret\n")
    root = tmp_path / "root"
    root.mkdir()
    proc = run("serve", "--root", root, "--port", "0", "--users", bad, check=1)
    assert "bad.txt:1" in proc.stderr


def test_cli_subcommands_need_credentials(make_server, users_file):  # noqa: F811
    server = make_server(None, "--users", users_file, sample=True)
    refused = run("ls", server.location, check=1)
    assert refused.stderr.startswith("error: FlightUnauthenticatedError: ")
    wrong = run("ls", server.location, "--username", "alice", "--password", "nope", check=1)
    assert "invalid username or password" in wrong.stderr
    listing = run("ls", server.location, "--username", "alice", "--password", "wonderland", check=0)
    assert "weather/readings" in listing.stdout
    got = run("get", server.location, "weather/stations", "--username", "bob", "--password", "b:o b", check=0)
    assert got.stdout.strip()
    forged = run("ls", server.location, "--token", "0123456789abcdef.00112233445566778899aabbccddeeff", check=1)
    assert forged.stderr.startswith("error: FlightUnauthenticatedError: ")
    # Passwords never reach the log.
    assert "wonderland" not in server.log()


def _pyarrow_calls(client, options):
    """Every RPC the dataset server serves, through pyarrow's client."""
    flights = list(client.list_flights(options=options))
    assert flights
    descriptor = flight.FlightDescriptor.for_path("weather", "stations")
    info = client.get_flight_info(descriptor, options)
    client.get_schema(descriptor, options)
    table = client.do_get(info.endpoints[0].ticket, options).read_all()
    assert table.num_rows > 0
    upload = flight.FlightDescriptor.for_path("uploads", "copy")
    writer, reader = client.do_put(upload, table.schema, options)
    writer.write_table(table)
    writer.close()
    actions = list(client.list_actions(options))
    assert actions
    results = list(client.do_action(flight.Action("health", b""), options))
    assert results
    copied = client.do_get(client.get_flight_info(upload, options).endpoints[0].ticket, options).read_all()
    assert copied.equals(table)


def _check_pyarrow(location, **client_kwargs):
    client = flight.FlightClient(location, **client_kwargs)
    # Without a token, every RPC is refused.
    with pytest.raises(flight.FlightUnauthenticatedError):
        list(client.list_flights())
    with pytest.raises(flight.FlightUnauthenticatedError):
        client.get_flight_info(flight.FlightDescriptor.for_path("weather", "stations"))
    with pytest.raises(flight.FlightUnauthenticatedError):
        list(client.do_action(flight.Action("health", b"")))
    with pytest.raises(flight.FlightUnauthenticatedError):
        client.authenticate_basic_token("alice", "wrong")
    key, value = client.authenticate_basic_token("alice", "wonderland")
    assert key == b"authorization" and value.startswith(b"Bearer ")
    _pyarrow_calls(client, flight.FlightCallOptions(headers=[(key, value)]))
    forged = flight.FlightCallOptions(headers=[(b"authorization", value[:-1] + (b"0" if value[-1:] != b"0" else b"1"))])
    with pytest.raises(flight.FlightUnauthenticatedError):
        list(client.list_flights(options=forged))
    client.close()


def test_pyarrow_client_basic_token_over_tcp(make_server, users_file):  # noqa: F811
    server = make_server(None, "--users", users_file, sample=True)
    _check_pyarrow(server.location)


def test_pyarrow_client_basic_token_over_tls(make_server, users_file, certs):  # noqa: F811
    server = make_server(None, "--users", users_file, "--tls-cert", certs / "server.pem",
                         "--tls-key", certs / "server.key", sample=True)
    _check_pyarrow(server.location, tls_root_certs=(certs / "ca.pem").read_bytes())
