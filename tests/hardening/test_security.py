"""Security matrix of `quiver serve` and the Python package (figures S1-S6 of
reliability-figures.md).

S1  every RPC and action x {no token, malformed header, wrong token, expired token,
    read-only user}: refused (UNAUTHENTICATED, PERMISSION_DENIED for the read-only
    user), no handler runs, nothing changes on disk, no data frame sent.
S2  TLS refusals, with certificates made by openssl at test time (expired ones by
    `openssl ca -startdate/-enddate`).
S3  mTLS: no / foreign / expired client certificate refused; the valid one's identity
    reaches the handler and the middleware.
S4  no password or token in the server's log (debug logging on) or the client's stderr.
S5  extension metadata holding a pickle is never unpickled.
S6  null slots and padding bytes are zero on the wire, and what a string or list column
    holds under its null slots stays behind, however dirty the source buffers.
"""

import base64
import json
import os
import pickle
import struct
import subprocess
import time

import grpc
import pyarrow as pa_arrow
import pyarrow.flight as paf
import pytest

import quiver as qv
import quiver.flight as qfl
import quiver.ipc as qipc

import support
from figures import record
from h2probe import RawConnection
from support import action, descriptor_path, field_bytes, flight_data, ticket

PASSWORDS = {"alice": "Wonder-land-7f3a91", "rita": "Reader-pw-c0ffee42"}
CALL_TIMEOUT = 10


# --- helpers -----------------------------------------------------------------------------------

def quiver(*args, stdin=None, check=0):
    proc = subprocess.run([str(support.quiver_binary()), *map(str, args)], input=stdin, capture_output=True,
                          text=True, timeout=support.LIMIT)
    assert proc.returncode == check, (args, proc.returncode, proc.stderr)
    return proc


def raw_call(channel, method, messages, metadata, timeout=CALL_TIMEOUT):
    """support.call with request metadata: (status code, details, responses)."""
    kind = support.RPC_KINDS[method]
    stub = support.rpc(channel, method, kind)
    responses = []
    try:
        if kind == "unary_unary":
            responses.append(stub(messages[0], metadata=metadata, timeout=timeout))
        elif kind == "unary_stream":
            responses.extend(stub(messages[0], metadata=metadata, timeout=timeout))
        else:
            responses.extend(stub(iter(messages), metadata=metadata, timeout=timeout))
    except grpc.RpcError as error:
        return error.code(), error.details() or "", responses
    return grpc.StatusCode.OK, "", responses


def upload_messages(path, rows=5):
    """FlightData messages of a DoPut/DoExchange to `path`: the schema, then a batch."""
    table = pa_arrow.table({"v": pa_arrow.array(range(rows), pa_arrow.int64())})
    (schema_meta, _), *batches = support.ipc_messages(table)
    out = [flight_data(descriptor=descriptor_path(*path.split("/")), header=schema_meta)]
    out += [flight_data(header=meta, body=body) for meta, body in batches]
    return out


def tree(root):
    """Every file under `root` with its size and mtime: what a side effect would change."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            full = os.path.join(dirpath, name)
            st = os.stat(full)
            out[os.path.relpath(full, root)] = (st.st_size, st.st_mtime_ns)
    return out


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def login(server, user):
    """A Bearer header value for `user`, from a Basic Handshake (pyarrow's client)."""
    client = paf.FlightClient(server.location)
    try:
        _, value = client.authenticate_basic_token(user, PASSWORDS[user])
    finally:
        client.close()
    return value.decode()


def seed_dataset(root, name="base"):
    directory = root / name
    directory.mkdir(parents=True)
    table = pa_arrow.table({"v": pa_arrow.array(range(100), pa_arrow.int64()),
                            "s": pa_arrow.array([f"row{i}" for i in range(100)])})
    with pa_arrow.ipc.new_file(str(directory / "part-0.arrow"), table.schema) as writer:
        writer.write_table(table)
    return table


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.txt"
    quiver("users", "add", path, "alice", "--iterations", "1000", stdin=PASSWORDS["alice"] + "\n")
    quiver("users", "add", path, "rita", "--read-only", "--iterations", "1000", stdin=PASSWORDS["rita"] + "\n")
    return path


def auth_server(make_server, tmp_path, users_file, name, *extra):
    seed_dataset(tmp_path / name)
    return make_server("--users", users_file, "--debug", *extra, name=name)


# --- S1 / S4: the authentication matrix against quiver serve ------------------------------------

RPCS = ["Handshake", "ListFlights", "GetFlightInfo", "PollFlightInfo", "GetSchema", "DoGet", "DoPut",
        "DoExchange", "DoAction", "ListActions"]
BUILTIN_ACTIONS = ["CancelFlightInfo", "RenewFlightEndpoint", "SetSessionOptions", "GetSessionOptions",
                   "CloseSession"]
WRITING_ACTIONS = {"drop", "rename"}


def requests(real_ticket, actions):
    """(case name, method, request messages) of every RPC and every action."""
    cases = [
        ("Handshake", "Handshake", [field_bytes(2, b"hello")]),
        ("ListFlights", "ListFlights", [b""]),
        ("GetFlightInfo", "GetFlightInfo", [descriptor_path("base")]),
        ("PollFlightInfo", "PollFlightInfo", [descriptor_path("base")]),
        ("GetSchema", "GetSchema", [descriptor_path("base")]),
        ("DoGet", "DoGet", [ticket(real_ticket)]),
        ("DoPut", "DoPut", upload_messages("intruder/put")),
        ("DoExchange", "DoExchange", upload_messages("intruder/exchange")),
        ("ListActions", "ListActions", [b""]),
    ]
    bodies = {"drop": b"base", "rename": json.dumps({"from": "base", "to": "moved"}).encode(),
              "get_stats": b"base"}
    for name in actions:
        cases.append((f"DoAction:{name}", "DoAction", [action(name, bodies.get(name, b""))]))
    return cases


def server_counters(server, bearer):
    client = qfl.connect(server.location)
    options = qfl.FlightCallOptions(headers=[(b"authorization", bearer.encode())], timeout=CALL_TIMEOUT)
    stats = json.loads(list(client.do_action(qfl.Action("get_stats", b""), options))[0].body.to_pybytes())
    client.close()
    return {key: stats[key] for key in ("puts", "rows_put", "gets", "failed_calls", "datasets", "rows")}


def malformed_headers():
    return {
        "scheme only 'Bearer'": "Bearer",
        "empty bearer": "Bearer ",
        "bearer without id.secret": "Bearer abcdef",
        "Basic !!!": "Basic !!!",
        "Basic without colon": "Basic " + base64.b64encode(b"alice").decode(),
        "Basic bad padding": "Basic YWxpY2U6=x",
        "unknown scheme": "Token " + "a" * 32,
        "no space": "Bearer" + "0" * 49,
        "huge bearer (7 KB)": "Bearer " + "A" * 7000,
        "huge Basic (7 KB)": "Basic " + base64.b64encode(b"alice:" + b"p" * 5000).decode(),
    }


def test_s1_s4_auth_matrix_on_quiver_serve(make_server, tmp_path, users_file, monkeypatch):
    # The most verbose logging quiver serve has: its --debug and gRPC's debug verbosity.
    # (Set for the servers only: the test's own gRPC client stays quiet.)
    monkeypatch.setenv("GRPC_VERBOSITY", "DEBUG")
    server = auth_server(make_server, tmp_path, users_file, "main")
    expiring = auth_server(make_server, tmp_path, users_file, "expiring", "--token-ttl", "1")
    monkeypatch.delenv("GRPC_VERBOSITY")
    expired_token = login(expiring, "alice")
    issued_at = time.monotonic()
    # Counted now: a later login would purge the expired token (the server drops expired
    # tokens whenever it issues one), and the test wants to see the "expired" refusal.
    expiring_counters = server_counters(expiring, login(expiring, "alice"))
    expiring_tree = tree(expiring.root)

    writer_token = login(server, "alice")
    reader_token = login(server, "rita")
    writer = [("authorization", writer_token)]
    reader = [("authorization", reader_token)]
    channel = support.raw_channel(server)

    # The actions the server offers, from ListActions with a valid token.
    code, _, listed = raw_call(channel, "ListActions", [b""], writer)
    assert code == grpc.StatusCode.OK
    offered = []
    for raw in listed:
        # ActionType: field 1 = type (a short string).
        assert raw[0] == 0x0A
        offered.append(raw[2:2 + raw[1]].decode())
    assert {"list_tables", "get_stats", "drop", "rename", "health"} <= set(offered)
    all_actions = offered + [name for name in BUILTIN_ACTIONS if name not in offered]

    client = qfl.connect(server.location)
    options = qfl.FlightCallOptions(headers=[(b"authorization", writer_token.encode())], timeout=CALL_TIMEOUT)
    real_ticket = client.get_flight_info(qfl.FlightDescriptor.for_path("base"), options).endpoints[0].ticket.ticket
    client.close()
    cases = requests(real_ticket, all_actions)

    before_tree = tree(server.root)
    before_counters = server_counters(server, writer_token)

    # A real token id with a wrong secret, and well-formed random tokens.
    token_id = writer_token.split(" ", 1)[1].split(".")[0]
    wrong = {
        "random bearer": "Bearer 0123456789abcdef.00112233445566778899aabbccddeeff",
        "real id, wrong secret": f"Bearer {token_id}." + "f" * 32,
        "token of another server": "Bearer " + expired_token.split(" ", 1)[1],
        "Basic wrong password": basic("alice", "not-the-password"),
        "Basic unknown user": basic("mallory", PASSWORDS["alice"]),
        "Basic empty password": basic("alice", ""),
    }
    credentials = [("none", "no token", None)]
    credentials += [("malformed", name, value) for name, value in malformed_headers().items()]
    credentials += [("wrong", name, value) for name, value in wrong.items()]

    failures = []
    counts = {"none": 0, "malformed": 0, "wrong": 0, "expired": 0, "read-only": 0}

    def expect(kind, label, method_case, method, messages, metadata, want, against=channel):
        code, details, responses = raw_call(against, method, messages, metadata)
        counts[kind] += 1
        if code != want or responses:
            failures.append((kind, label, method_case, code, details, len(responses)))
        return details

    for kind, label, value in credentials:
        metadata = [] if value is None else [("authorization", value)]
        for case, method, messages in cases:
            expect(kind, label, case, method, messages, metadata, grpc.StatusCode.UNAUTHENTICATED)

    # Non-ASCII header bytes: gRPC clients refuse to send them, so they go out raw over
    # HTTP/2 (h2probe); the server must refuse the call without running it.
    non_ascii_refused = 0
    non_ascii_statuses = {}
    raw = RawConnection(server.host, server.port)
    streams = {}
    for value in (b"Bearer \xc3\xa9t\xc3\xa9.\xff\xfe", b"Basic \x80\x81\x82\x83", b"\xf0\x9f\x94\x91 Bearer x"):
        for case, method, messages in cases:
            if support.RPC_KINDS[method] != "unary_unary" and method not in ("DoAction", "ListFlights"):
                continue
            streams[raw.unary(support.SERVICE + method, [("authorization", value)], messages[0])] = (value, case)
    raw.pump(30, until=lambda: all(stream in raw.status for stream in streams))
    for stream, (value, case) in streams.items():
        status = raw.status.get(stream)
        non_ascii_statuses[str(status)] = non_ascii_statuses.get(str(status), 0) + 1
        counts["malformed"] += 1
        # UNAUTHENTICATED (16) from the middleware, like every other malformed header.
        if status != 16:
            failures.append(("malformed", f"non-ASCII {value!r}", case, status, "", 0))
        else:
            non_ascii_refused += 1
    raw.close()

    # Expired: the token of the --token-ttl 1 server, once its lifetime has passed.
    time.sleep(max(0.0, 1.5 - (time.monotonic() - issued_at)))
    expiring_channel = support.raw_channel(expiring)
    first = True
    for case, method, messages in cases:
        details = expect("expired", "expired token", case, method, messages, [("authorization", expired_token)],
                         grpc.StatusCode.UNAUTHENTICATED, against=expiring_channel)
        if first:
            assert "expired" in details, details
            first = False
    assert tree(expiring.root) == expiring_tree
    assert server_counters(expiring, login(expiring, "alice")) == expiring_counters
    expiring_channel.close()

    # Read-only user: every call that changes datasets is refused with PERMISSION_DENIED;
    # the reading ones work (its token is valid).
    readable = 0
    for case, method, messages in cases:
        writes = method in ("DoPut", "DoExchange") or case.split(":")[-1] in WRITING_ACTIONS
        if writes:
            expect("read-only", "read-only user", case, method, messages, reader, grpc.StatusCode.PERMISSION_DENIED)
        elif case.split(":")[-1] not in BUILTIN_ACTIONS and method not in ("Handshake", "PollFlightInfo"):
            code, details, responses = raw_call(channel, method, messages, reader)
            assert code == grpc.StatusCode.OK, (case, code, details)
            readable += 1

    assert not failures, failures
    # No side effects: the files on disk and the server's counters are as they were.
    assert tree(server.root) == before_tree
    after_counters = server_counters(server, writer_token)
    reads = before_counters["gets"] + 1  # the read-only user's one DoGet above
    assert after_counters == {**before_counters, "gets": reads}

    # The same refusals through the Flight clients map to the Flight error classes.
    mapped = _flight_error_mapping(server, writer_token, reader_token, expired_token, expiring)

    # S4: run the clients too, then look for every secret in every log.
    cli_stderr = _cli_attempts(server, reader_token)
    channel.close()
    server.stop()
    expiring.stop()
    logs = server.log() + expiring.log() + cli_stderr
    secrets = dict(PASSWORDS)
    secrets.update({"alice bearer": writer_token.split(" ", 1)[1], "rita bearer": reader_token.split(" ", 1)[1],
                    "expired bearer": expired_token.split(" ", 1)[1]})
    secrets.update({f"secret of {k}": v.split(" ", 1)[1] for k, v in wrong.items()})
    secrets.update({"Basic alice": basic("alice", PASSWORDS["alice"]).split(" ", 1)[1],
                    "Basic rita": basic("rita", PASSWORDS["rita"]).split(" ", 1)[1]})
    secrets.update({f"token secret {k}": v.split(".")[-1] for k, v in
                    (("alice", writer_token), ("rita", reader_token), ("expired", expired_token))})
    hits = {name: logs.count(value) for name, value in secrets.items() if value in logs}
    assert not hits, hits
    assert "authentication on: 2 user(s)" in logs  # the log is the server's, not empty

    total = sum(counts.values())
    record("S1", "quiver serve --users: every RPC and action x no/malformed/wrong/expired/read-only credentials",
           cases=total, refused=total - len(failures), by_kind=counts, rpcs=len(RPCS), actions=len(all_actions),
           malformed_shapes=len(malformed_headers()) + 3, non_ascii_refused=non_ascii_refused,
           non_ascii_statuses=non_ascii_statuses,
           wrong_shapes=len(wrong), read_only_allowed_reads=readable, flight_error_mapping_cases=mapped,
           side_effects=0, data_frames_sent=0)
    record("S4", "secrets in quiver serve --debug (GRPC_VERBOSITY=DEBUG) log and client stderr after the S1 matrix",
           secrets_checked=len(secrets), log_bytes=len(logs), hits=len(hits),
           constant_time="ConstantTimeEquals (auth.cc) for token secrets and PBKDF2 hashes (users.cc); "
                         "token lookup by a public id; unknown users cost a decoy hash")


def _flight_error_mapping(server, writer_token, reader_token, expired_token, expiring):
    """Each RPC through quiver.flight and pyarrow.flight clients: no token and a wrong token
    raise FlightUnauthenticatedError, the read-only user's writes FlightUnauthorizedError."""
    table = qv.table({"v": qv.array([1, 2, 3], type=qv.int64())})
    cases = 0

    def every_call(module, client, options, descriptor, tbl):
        yield "ListFlights", lambda: list(client.list_flights(options=options))
        yield "GetFlightInfo", lambda: client.get_flight_info(descriptor, options)
        yield "GetSchema", lambda: client.get_schema(descriptor, options)
        if hasattr(client, "poll_flight_info"):  # pyarrow's Python client has none
            yield "PollFlightInfo", lambda: client.poll_flight_info(descriptor, options)
        yield "DoGet", lambda: client.do_get(module.Ticket(b"base"), options).read_all()
        yield "ListActions", lambda: list(client.list_actions(options))
        yield "DoAction", lambda: list(client.do_action(module.Action("health", b""), options))

        def put():
            writer, _ = client.do_put(module.FlightDescriptor.for_path("x"), tbl.schema, options)
            writer.write_table(tbl)
            writer.close()
        yield "DoPut", put

        def exchange():
            writer, reader = client.do_exchange(module.FlightDescriptor.for_path("x"), options)
            writer.begin(tbl.schema)
            writer.write_table(tbl)
            writer.done_writing()
            reader.read_all()
        yield "DoExchange", exchange

    for module, tbl in ((qfl, table), (paf, pa_arrow.table({"v": pa_arrow.array([1, 2, 3], pa_arrow.int64())}))):
        for label, header, target in (("none", None, server), ("wrong", "Bearer 00.11", server),
                                      ("expired", expired_token, expiring)):
            client = module.connect(target.location)
            headers = [] if header is None else [(b"authorization", header.encode())]
            options = module.FlightCallOptions(headers=headers, timeout=CALL_TIMEOUT)
            for name, run in every_call(module, client, options, module.FlightDescriptor.for_path("base"), tbl):
                if module is paf and name == "GetSchema":
                    # pyarrow's own client raises a plain OSError for GetSchema (against
                    # pyarrow's server too); the status it carries is still Unauthenticated.
                    with pytest.raises(OSError, match="Detail: Unauthenticated"):
                        run()
                else:
                    with pytest.raises(module.FlightUnauthenticatedError):
                        run()
                cases += 1
            with pytest.raises(module.FlightUnauthenticatedError):
                client.authenticate_basic_token("alice", "wrong password")
            cases += 1
            client.close()
        client = module.connect(server.location)
        options = module.FlightCallOptions(headers=[(b"authorization", reader_token.encode())], timeout=CALL_TIMEOUT)
        calls = dict(every_call(module, client, options, module.FlightDescriptor.for_path("base"), tbl))
        for name in ("DoPut", "DoExchange"):
            with pytest.raises(module.FlightUnauthorizedError):
                calls[name]()
            cases += 1
        for body, kind in ((b"base", "drop"), (b'{"from": "base", "to": "b2"}', "rename")):
            with pytest.raises(module.FlightUnauthorizedError):
                list(client.do_action(module.Action(kind, body), options))
            cases += 1
        client.close()
    return cases


def _cli_attempts(server, reader_token):
    """The quiver client subcommands with wrong, right and read-only credentials; their stderr."""
    out = []
    wrong = quiver("ls", server.location, "--username", "alice", "--password", "not-" + PASSWORDS["alice"], check=1)
    assert wrong.stderr.startswith("error: FlightUnauthenticatedError: ")
    out.append(wrong.stderr)
    right = quiver("ls", server.location, "--username", "alice", "--password", PASSWORDS["alice"], "--debug")
    assert "base" in right.stdout
    out.append(right.stderr)
    forged = quiver("ls", server.location, "--token", reader_token.split(" ", 1)[1] + "0", "--debug", check=1)
    assert forged.stderr.startswith("error: FlightUnauthenticatedError: ")
    out.append(forged.stderr)
    denied = quiver("action", server.location, "drop", "base", "--token", reader_token.split(" ", 1)[1],
                    "--debug", check=1)
    assert denied.stderr.startswith("error: FlightUnauthorizedError: "), denied.stderr
    assert "read-only" in denied.stderr
    out.append(denied.stderr)
    return "".join(out)


def test_s4_grpc_http_tracing_is_flagged(make_server, tmp_path, users_file, monkeypatch):
    """gRPC's GRPC_TRACE=http logs every header, bearer tokens included (quiver cannot
    filter gRPC's own trace): quiver serve with --users says so when it starts."""
    monkeypatch.setenv("GRPC_TRACE", "http")
    monkeypatch.setenv("GRPC_VERBOSITY", "DEBUG")
    server = auth_server(make_server, tmp_path, users_file, "traced")
    monkeypatch.delenv("GRPC_TRACE")
    monkeypatch.delenv("GRPC_VERBOSITY")
    token = login(server, "alice")
    channel = support.raw_channel(server)
    assert raw_call(channel, "ListFlights", [b""], [("authorization", token)])[0] == grpc.StatusCode.OK
    channel.close()
    server.stop()
    log = server.log()
    assert "warning: GRPC_TRACE=http makes gRPC log request and response headers, bearer tokens included" in log
    basic_value = basic("alice", PASSWORDS["alice"]).split(" ", 1)[1]
    record("S4", "GRPC_TRACE=http (gRPC's own header tracing) with --users",
           warned=True, token_in_trace=token.split(" ", 1)[1] in log,
           basic_credentials_in_trace=basic_value in log, password_in_trace=PASSWORDS["alice"] in log)


def test_s1_read_only_users_file_format(tmp_path):
    path = tmp_path / "users.txt"
    quiver("users", "add", path, "reader", "--read-only", "--iterations", "1000", stdin="pw\n")
    quiver("users", "add", path, "writer", "--iterations", "1000", stdin="pw\n")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("reader:pbkdf2-sha256:1000:") and lines[0].endswith(":read-only")
    assert lines[1].count(":") == 4
    bad = tmp_path / "bad.txt"
    bad.write_text(lines[1] + ":admin\n")
    root = tmp_path / "root"
    root.mkdir()
    refused = quiver("serve", "--root", root, "--port", "0", "--users", bad, check=1)
    assert "bad.txt:1: unknown user flag 'admin'" in refused.stderr
    usage = quiver("serve", "--root", root, "--port", "0", "--users", path, "--token-ttl", "0", check=2)
    assert "--token-ttl" in usage.stderr


def test_s1_python_server_with_header_auth(tmp_path):
    """The same refusals from a quiver.flight server with HeaderAuthServerMiddlewareFactory:
    its handlers count their calls, and the count stays 0."""
    calls = []
    table = qv.table({"v": qv.array([1, 2, 3], type=qv.int64())})

    class Server(qfl.FlightServerBase):
        def list_flights(self, context, criteria):
            calls.append("ListFlights")
            return iter([])

        def get_flight_info(self, context, descriptor):
            calls.append("GetFlightInfo")
            raise qfl.FlightServerError("unreachable")

        def get_schema(self, context, descriptor):
            calls.append("GetSchema")
            raise qfl.FlightServerError("unreachable")

        def do_get(self, context, tkt):
            calls.append("DoGet")
            return qfl.RecordBatchStream(table)

        def do_put(self, context, descriptor, reader, writer):
            calls.append("DoPut")
            reader.read_all()

        def do_exchange(self, context, descriptor, reader, writer):
            calls.append("DoExchange")

        def do_action(self, context, act):
            calls.append("DoAction")
            return iter([])

        def list_actions(self, context):
            calls.append("ListActions")
            return []

    checked = []

    def check_password(user, password):
        checked.append(user)
        return user == "alice" and password == PASSWORDS["alice"]

    server = Server("grpc://127.0.0.1:0", middleware={"auth": qfl.HeaderAuthServerMiddlewareFactory(check_password)})
    try:
        target = type("Target", (), {"address": f"127.0.0.1:{server.port}"})()
        channel = support.raw_channel(target)
        cases = requests(b"t", ["health", "drop"] + BUILTIN_ACTIONS)
        headers = [None, *malformed_headers().values(), "Bearer 0123456789abcdef.00112233445566778899aabbccddeeff",
                   basic("alice", "wrong")]
        refused = 0
        for value in headers:
            metadata = [] if value is None else [("authorization", value)]
            for case, method, messages in cases:
                code, details, responses = raw_call(channel, method, messages, metadata)
                assert code == grpc.StatusCode.UNAUTHENTICATED and not responses, (value, case, code, details)
                refused += 1
        assert calls == []
        # A valid login works, so the refusals above were the middleware's.
        client = qfl.connect(f"grpc://127.0.0.1:{server.port}")
        key, value = client.authenticate_basic_token("alice", PASSWORDS["alice"])
        assert list(client.list_flights(options=qfl.FlightCallOptions(headers=[(key, value)]))) == []
        assert calls == ["ListFlights"]
        client.close()
        channel.close()
    finally:
        server.shutdown()
    record("S1", "quiver.flight server with HeaderAuthServerMiddlewareFactory: no/malformed/wrong credentials",
           cases=refused, refused=refused, handler_calls=0)


# --- S2 / S3: TLS and mTLS -----------------------------------------------------------------------

CA_CONFIG = """
[ ca ]
default_ca = local
[ local ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[ anything ]
commonName = supplied
"""


def _openssl(directory, *args):
    subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)


def _make_ca(directory, name):
    directory.mkdir(parents=True, exist_ok=True)
    _openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
             "-keyout", "ca.key", "-out", "ca.pem")
    (directory / "ca.cnf").write_text(CA_CONFIG)
    (directory / "index.txt").write_text("")
    (directory / "serial").write_text("1000\n")
    return directory


def _make_leaf(ca, name, cn, san, start=None, end=None):
    """A key and certificate signed by `ca`; `start`/`end` (YYYYMMDDHHMMSSZ) set its validity."""
    _openssl(ca, "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={cn}", "-addext", f"subjectAltName={san}",
             "-keyout", f"{name}.key", "-out", f"{name}.csr")
    dates = ["-startdate", start, "-enddate", end] if start else ["-days", "2"]
    _openssl(ca, "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-notext",
             "-in", f"{name}.csr", "-out", f"{name}.pem", *dates)
    return ca / f"{name}.pem", ca / f"{name}.key"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    base = tmp_path_factory.mktemp("pki")
    good = _make_ca(base / "good", "Quiver S2 CA")
    other = _make_ca(base / "other", "Quiver S2 wrong CA")
    out = {"ca": good / "ca.pem", "other_ca": other / "ca.pem"}
    out["server"] = _make_leaf(good, "server", "localhost", "DNS:localhost,IP:127.0.0.1")
    out["expired_server"] = _make_leaf(good, "expired-server", "localhost", "DNS:localhost,IP:127.0.0.1",
                                       "20200101000000Z", "20200201000000Z")
    out["elsewhere_server"] = _make_leaf(good, "elsewhere", "elsewhere.example", "DNS:elsewhere.example")
    out["client"] = _make_leaf(good, "client", "s3-client", "DNS:s3-client.example")
    out["expired_client"] = _make_leaf(good, "expired-client", "s3-old-client", "DNS:s3-old-client.example",
                                       "20200101000000Z", "20200201000000Z")
    out["foreign_client"] = _make_leaf(other, "foreign-client", "s3-foreign", "DNS:s3-foreign.example")
    self_dir = base / "self"
    self_dir.mkdir()
    _openssl(self_dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", "self.key", "-out", "self.pem")
    out["self_signed"] = (self_dir / "self.pem", self_dir / "self.key")
    expired_text = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", str(out["expired_server"][0])],
                                  capture_output=True, text=True, check=True).stdout
    assert "2020" in expired_text
    return out


def _tls_serve(make_server, tmp_path, name, cert_key, client_ca=None):
    seed_dataset(tmp_path / name)
    extra = ["--tls-cert", cert_key[0], "--tls-key", cert_key[1]]
    if client_ca is not None:
        extra += ["--tls-client-ca", client_ca]
    return make_server(*extra, name=name)


def _list_with(location, timeout=5, **kwargs):
    """ListFlights through quiver.flight with a 5 s call timeout; the names."""
    client = qfl.connect(location, **kwargs)
    try:
        return [f.descriptor.path for f in client.list_flights(options=qfl.FlightCallOptions(timeout=timeout))]
    finally:
        client.close()


REFUSAL_SECONDS = []


def _refused(location, **kwargs):
    """The message of the FlightUnavailableError a refused TLS call raises; how long the
    refusal took goes to REFUSAL_SECONDS (a figure, never asserted)."""
    started = time.monotonic()
    with pytest.raises(qfl.FlightUnavailableError) as caught:
        _list_with(location, **kwargs)
    REFUSAL_SECONDS.append(time.monotonic() - started)
    return str(caught.value)


def _mentions_tls(message):
    lowered = message.lower()
    return any(word in lowered for word in ("tls", "ssl", "certificate", "handshake"))


def test_s2_server_tls_refusals(make_server, tmp_path, pki):
    ca = pki["ca"].read_bytes()
    good = _tls_serve(make_server, tmp_path, "good", pki["server"])
    expired = _tls_serve(make_server, tmp_path, "expired", pki["expired_server"])
    elsewhere = _tls_serve(make_server, tmp_path, "elsewhere", pki["elsewhere_server"])
    self_signed = _tls_serve(make_server, tmp_path, "self", pki["self_signed"])
    plain = make_server(name="plain")
    tls = "grpc+tls://localhost:{}"
    cases = {
        "wrong CA": (tls.format(good.port), {"tls_root_certs": pki["other_ca"].read_bytes()}),
        "hostname mismatch": (tls.format(elsewhere.port), {"tls_root_certs": ca}),
        "expired server certificate": (tls.format(expired.port), {"tls_root_certs": ca}),
        "self-signed, no disable_server_verification": (tls.format(self_signed.port), {}),
        "grpc+tls with no trust roots": (tls.format(good.port), {}),
        "TLS client to a plaintext server": (tls.format(plain.port), {"tls_root_certs": ca}),
    }
    messages = {}
    REFUSAL_SECONDS.clear()
    for name, (location, kwargs) in cases.items():
        messages[name] = _refused(location, **kwargs)
        assert _mentions_tls(messages[name]), (name, messages[name])
    # A plaintext client on a TLS server: the server's answer is not HTTP/2, so gRPC reports
    # an unavailable server (it never learns why, so the message need not say TLS).
    plaintext = _refused(f"grpc://localhost:{good.port}")
    # The working cases: the right CA and hostname; an overridden hostname; verification off.
    assert ["base"] in _list_with(tls.format(good.port), tls_root_certs=ca)
    assert ["base"] in _list_with(tls.format(elsewhere.port), tls_root_certs=ca,
                                  tls_override_hostname="elsewhere.example")
    assert ["base"] in _list_with(tls.format(self_signed.port), disable_server_verification=True)
    assert ["base"] in _list_with(tls.format(expired.port), disable_server_verification=True)
    record("S2", "quiver serve TLS refusals (quiver.flight client, 5 s call timeout)",
           refused=len(cases) + 1, cases=len(cases) + 1, mention_tls=len(cases),
           slowest_refusal_s=round(max(REFUSAL_SECONDS), 3),
           plaintext_client_message=plaintext[:160],
           messages={name: text[:160] for name, text in messages.items()})


def test_s3_mutual_tls(make_server, tmp_path, pki):
    ca = pki["ca"].read_bytes()
    server = _tls_serve(make_server, tmp_path, "mtls", pki["server"], client_ca=pki["ca"])
    location = f"grpc+tls://localhost:{server.port}"
    REFUSAL_SECONDS.clear()

    def client_cert(which):
        cert, key = pki[which]
        return {"cert_chain": cert.read_bytes(), "private_key": key.read_bytes()}

    refusals = {
        "no client certificate": _refused(location, tls_root_certs=ca),
        "client certificate of a foreign CA": _refused(location, tls_root_certs=ca, **client_cert("foreign_client")),
        "expired client certificate": _refused(location, tls_root_certs=ca, **client_cert("expired_client")),
    }
    assert ["base"] in _list_with(location, tls_root_certs=ca, **client_cert("client"))
    before = server.log()
    assert "put" not in before and "failed" not in before

    # The peer identity reaches handler and middleware of a quiver.flight server.
    seen = {"middleware": [], "handler": []}

    class Middleware(qfl.ServerMiddleware):
        pass

    class Factory(qfl.ServerMiddlewareFactory):
        def start_call(self, info, headers):
            return Middleware()

    class Identity(qfl.FlightServerBase):
        def do_action(self, context, act):
            seen["handler"].append(context.peer_identity())
            seen["middleware"].append(context.get_middleware("probe") is not None)
            return iter([qfl.Result(context.peer_identity())])

    cert, key = pki["server"]
    python_server = Identity("grpc+tls://localhost:0",
                             tls_certificates=[qfl.CertKeyPair(cert=cert.read_bytes(), key=key.read_bytes())],
                             verify_client=True, root_certificates=ca, middleware={"probe": Factory()})
    try:
        py_location = f"grpc+tls://localhost:{python_server.port}"
        client = qfl.connect(py_location, tls_root_certs=ca, **client_cert("client"))
        identity = list(client.do_action(qfl.Action("who", b""), qfl.FlightCallOptions(timeout=5)))[0].body
        client.close()
        py_refusals = {
            "no client certificate": _refused(py_location, tls_root_certs=ca),
            "foreign CA": _refused(py_location, tls_root_certs=ca, **client_cert("foreign_client")),
            "expired client certificate": _refused(py_location, tls_root_certs=ca, **client_cert("expired_client")),
        }
    finally:
        python_server.shutdown()
    assert b"s3-client" in identity.to_pybytes()
    # One handler call: the valid client's; the three refused ones never reached it.
    assert len(seen["handler"]) == 1
    who = seen["handler"][0]
    assert "s3-client" in (who.decode() if isinstance(who, bytes) else who)
    assert seen["middleware"] == [True]
    record("S3", "mTLS refusals: quiver serve and a quiver.flight server",
           refused=len(refusals) + len(py_refusals), cases=len(refusals) + len(py_refusals),
           handler_calls_of_refused=len(seen["handler"]) - 1,
           slowest_refusal_s=round(max(REFUSAL_SECONDS), 3),
           peer_identity=identity.to_pybytes().decode(errors="replace"),
           messages={name: text[:160] for name, text in refusals.items()})


# --- S5: no code from data -------------------------------------------------------------------------

class _Sentinel:
    """Unpickling this creates the sentinel file (os.open through __reduce__)."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.open, (self.path, os.O_CREAT | os.O_WRONLY, 0o600))


def _pickle_schema(sentinel):
    payload = pickle.dumps(_Sentinel(str(sentinel)), protocol=2)
    assert b"posix" in payload or b"os" in payload
    metadata = {b"ARROW:extension:name": b"arrow.py_extension_type", b"ARROW:extension:metadata": payload}
    table = pa_arrow.table({"x": pa_arrow.array([1, None, 3], pa_arrow.int64()),
                            "y": pa_arrow.array(["a", "b", None])})
    fields = [table.schema.field(0).with_metadata(metadata),
              table.schema.field(1).with_metadata({b"ARROW:extension:name": b"pickle.payload",
                                                   b"ARROW:extension:metadata": payload})]
    return pa_arrow.table(table.columns, schema=pa_arrow.schema(fields)), payload


def _check_plain(table_q, sentinel):
    assert not sentinel.exists(), "reading the schema ran the pickle payload"
    x_type = table_q.schema.field("x").type
    assert qv.types.is_extension(x_type) or x_type.equals(qv.int64()), str(x_type)
    if qv.types.is_extension(x_type):
        assert x_type.storage_type.equals(qv.int64())
        assert x_type.extension_name == "arrow.py_extension_type"
    assert table_q.column("x").to_pylist() == [1, None, 3]
    assert table_q.column("y").to_pylist() == ["a", "b", None]
    # Everything a user might do with it stays inert too.
    str(table_q)
    repr(table_q.schema)
    table_q.to_pandas()
    assert not sentinel.exists()
    return str(x_type)


def test_s5_extension_metadata_is_never_executed(make_server, tmp_path):
    sentinel = tmp_path / "SENTINEL-pickle-ran"
    table, payload = _pickle_schema(sentinel)
    # Sanity: the payload works when someone does unpickle it.
    probe = tmp_path / "probe"
    os.close(pickle.loads(pickle.dumps(_Sentinel(str(probe)))))
    assert probe.exists()

    paths = 0
    # 1. An IPC stream and file read by quiver.ipc.
    sink = pa_arrow.BufferOutputStream()
    with pa_arrow.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    stream_bytes = sink.getvalue().to_pybytes()
    seen_type = _check_plain(qipc.open_stream(qv.py_buffer(stream_bytes)).read_all(), sentinel)
    paths += 1
    file_path = tmp_path / "pickle.arrow"
    with pa_arrow.ipc.new_file(str(file_path), table.schema) as writer:
        writer.write_table(table)
    _check_plain(qipc.open_file(str(file_path)).read_all(), sentinel)
    paths += 1
    # quiver writes it back out unchanged (the metadata travels as bytes).
    out = qv.BufferOutputStream()
    read = qipc.open_stream(qv.py_buffer(stream_bytes)).read_all()
    with qipc.new_stream(out, read.schema) as writer:
        writer.write_table(read)
    assert payload in out.getvalue().to_pybytes()

    # 2. quiver serve: DoPut from pyarrow, GetSchema/DoGet through quiver.flight.
    server = make_server(name="s5")
    client = paf.connect(server.location)
    writer, _ = client.do_put(paf.FlightDescriptor.for_path("pickled"), table.schema)
    writer.write_table(table)
    writer.close()
    client.close()
    qclient = qfl.connect(server.location)
    info = qclient.get_flight_info(qfl.FlightDescriptor.for_path("pickled"))
    assert not sentinel.exists()
    qclient.get_schema(qfl.FlightDescriptor.for_path("pickled"))
    _check_plain(qclient.do_get(info.endpoints[0].ticket).read_all(), sentinel)
    paths += 1
    qclient.close()
    # The CLI reads it too (schema printing, CSV output).
    quiver("info", server.location, "pickled")
    quiver("get", server.location, "pickled", "-o", tmp_path / "out.csv")
    paths += 1

    # 3. A quiver.flight server receiving it by DoPut and sending it back by DoGet.
    received = {}

    class Echo(qfl.FlightServerBase):
        def do_put(self, context, descriptor, reader, writer):
            received["table"] = reader.read_all()

        def do_get(self, context, tkt):
            return qfl.RecordBatchStream(received["table"])

    echo = Echo("grpc://127.0.0.1:0")
    try:
        client = paf.connect(f"grpc://127.0.0.1:{echo.port}")
        writer, _ = client.do_put(paf.FlightDescriptor.for_path("p"), table.schema)
        writer.write_table(table)
        writer.close()
        client.close()
        _check_plain(received["table"], sentinel)
        paths += 1
        qclient = qfl.connect(f"grpc://127.0.0.1:{echo.port}")
        _check_plain(qclient.do_get(qfl.Ticket(b"p")).read_all(), sentinel)
        paths += 1
        qclient.close()
    finally:
        echo.shutdown()
    assert not sentinel.exists()
    record("S5", "pickle payload in ARROW:extension:metadata (IPC stream/file, quiver serve, quiver.flight server)",
           paths=paths, executed=0, type_read_as=seen_type, sentinel_exists=sentinel.exists())


# --- S6: zeroed null slots and padding on the wire -------------------------------------------------

GARBAGE = 0xA5
UNDER_NULL = b"SECRET"  # bytes a string column holds under its null slots
SECRET_VALUE = 0x5EC4E75EC4E75EC4  # the child value a list column holds under each null slot


def _dirty_batch():
    """A batch whose source buffers hold 0xA5 under every null slot, in the unused bits of
    every bitmap's last byte, and past the end of every buffer (the slack a slice leaves)."""
    n = 11
    valid = [i % 3 != 1 for i in range(n)]  # nulls at 1, 4, 7, 10
    bits = bytearray([0xFF] * 4)  # every trailing bit set
    for i, ok in enumerate(valid):
        if not ok:
            bits[i // 8] &= ~(1 << (i % 8))
    validity = qv.py_buffer(bytes(bits))
    slack = bytes([GARBAGE]) * 24

    def fixed(width, fmt, values):
        raw = b"".join(struct.pack(fmt, v) if ok else bytes([GARBAGE]) * width for v, ok in zip(values, valid))
        return qv.py_buffer(raw + slack)

    ints = qv.Array.from_buffers(qv.int64(), n, [validity, fixed(8, "<q", range(n))], null_count=4)
    floats = qv.Array.from_buffers(qv.float64(), n, [validity, fixed(8, "<d", [i / 2 for i in range(n)])],
                                   null_count=4)
    fsb = qv.Array.from_buffers(qv.binary(4), n, [validity, fixed(4, "4s", [b"abcd"] * n)], null_count=4)
    bools = qv.Array.from_buffers(qv.bool_(), n, [validity, qv.py_buffer(b"\xff" * 4)], null_count=4)
    # utf8: the offsets of every null slot span the bytes SECRET (an array not made by a
    # builder may have them; the writer must leave them behind); garbage lies past the end.
    offsets, data = [0], b""
    for i, ok in enumerate(valid):
        data += f"s{i}".encode() if ok else UNDER_NULL
        offsets.append(len(data))
    strings = qv.Array.from_buffers(qv.utf8(), n, [validity, qv.py_buffer(struct.pack(f"<{n + 1}i", *offsets)),
                                                   qv.py_buffer(data + slack)], null_count=4)
    # list<int64>: each slot one child value; under a null slot, SECRET_VALUE.
    child_values = qv.py_buffer(struct.pack(f"<{n}q", *[100 + i if ok else SECRET_VALUE for i, ok in enumerate(valid)])
                                + slack)
    child = qv.Array.from_buffers(qv.int64(), n, [None, child_values], null_count=0)
    list_offsets = [0]
    for i, ok in enumerate(valid):
        list_offsets.append(list_offsets[-1] + 1)
    lists = qv.Array.from_buffers(qv.list_(qv.int64()), n,
                                  [validity, qv.py_buffer(struct.pack(f"<{n + 1}i", *list_offsets))], null_count=4,
                                  children=[child.slice(0, list_offsets[-1])])
    names = ["i64", "f64", "fsb", "bool", "utf8", "list"]
    batch = qv.record_batch([ints, floats, fsb, bools, strings, lists], names=names)
    assert batch.num_rows == n and ints.null_count == 4
    return batch, valid


def _message_parts(stream):
    """(metadata flatbuffer, body) of every message of an IPC stream."""
    out, at = [], 0
    while at + 8 <= len(stream):
        cont, size = struct.unpack_from("<Ii", stream, at)
        assert cont == 0xFFFFFFFF
        if size == 0:
            break
        meta = stream[at + 8:at + 8 + size]
        at += 8 + size
        body_length = _body_length(meta)
        out.append((meta, stream[at:at + body_length]))
        at += body_length
    return out


def _body_length(meta):
    root = struct.unpack_from("<I", meta, 0)[0]
    at = support._table_field(meta, root, 3)
    return struct.unpack_from("<q", meta, at)[0] if at is not None else 0


def _batch_layout(meta):
    """(length, [(offset, length) of each buffer], [(length, null_count) of each node])."""
    root = struct.unpack_from("<I", meta, 0)[0]
    header_at = support._table_field(meta, root, 2)
    batch = header_at + struct.unpack_from("<I", meta, header_at)[0]
    length = struct.unpack_from("<q", meta, support._table_field(meta, batch, 0))[0]
    nodes_at = support._table_field(meta, batch, 1)
    nodes_vec = nodes_at + struct.unpack_from("<I", meta, nodes_at)[0]
    nodes = [struct.unpack_from("<qq", meta, nodes_vec + 4 + 16 * i)
             for i in range(struct.unpack_from("<I", meta, nodes_vec)[0])]
    vec_at = support._table_field(meta, batch, 2)
    vec = vec_at + struct.unpack_from("<I", meta, vec_at)[0]
    buffers = [struct.unpack_from("<qq", meta, vec + 4 + 16 * i) for i in range(struct.unpack_from("<I", meta, vec)[0])]
    return length, buffers, nodes


def _check_body(meta, body, valid):
    """Every padding byte, every null slot and every unused bitmap bit of the batch is 0.
    Returns (null slots checked, padding bytes checked)."""
    length, buffers, nodes = _batch_layout(meta)
    assert length == len(valid)
    # Padding: the bytes of the body no buffer covers.
    covered = bytearray(len(body))
    for offset, size in buffers:
        covered[offset:offset + size] = b"\1" * size
    padding = [i for i in range(len(body)) if not covered[i]]
    assert all(body[i] == 0 for i in padding), "non-zero padding byte"
    assert bytes([GARBAGE]) * 2 not in body, "source garbage reached the wire"
    buf = [body[o:o + s] for o, s in buffers]
    nulls = [i for i, ok in enumerate(valid) if not ok]
    n = len(valid)

    def bitmap_clean(bits, allowed):
        for i in range(len(bits) * 8):
            if (bits[i // 8] >> (i % 8)) & 1 and not allowed(i):
                return False
        return True
    # Columns: i64 (validity, values), f64, fsb, bool (validity, bits), utf8 (v, offsets, data),
    # list (v, offsets), list child (v, values).
    validity_buffers = [buf[0], buf[2], buf[4], buf[6], buf[8], buf[11]]
    for bits in validity_buffers:
        assert bitmap_clean(bits, lambda i: i < n and valid[i])
    for values, width in ((buf[1], 8), (buf[3], 8), (buf[5], 4)):
        for i in nulls:
            assert values[i * width:(i + 1) * width] == bytes(width), (i, values[i * width:(i + 1) * width])
        assert len(values) == n * width
    assert bitmap_clean(buf[7], lambda i: i < n and valid[i])
    offsets = struct.unpack(f"<{n + 1}i", buf[9])
    assert all(offsets[i] == offsets[i + 1] for i in nulls)
    assert len(buf[10]) == offsets[-1]
    assert UNDER_NULL not in body and struct.pack("<q", SECRET_VALUE) not in body
    list_offsets = struct.unpack(f"<{n + 1}i", buf[12])
    assert all(list_offsets[i] == list_offsets[i + 1] for i in nulls)
    return len(nulls) * 6, len(padding)


def _raw_doget_bodies(location_address, tkt):
    """FlightData (header, body) of a DoGet, read with grpcio: the bytes as they crossed the wire."""
    target = type("Target", (), {"address": location_address})()
    channel = support.raw_channel(target)
    code, details, responses = support.call(channel, "DoGet", [ticket(tkt)])
    channel.close()
    assert code == grpc.StatusCode.OK, details
    out = []
    for message in responses:
        fields, at = {}, 0
        while at < len(message):
            key, at = _read_varint(message, at)
            size, at = _read_varint(message, at)
            fields[key >> 3] = message[at:at + size]
            at += size
        out.append((fields.get(2, b""), fields.get(1000, b"")))
    return out


def _read_varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def _batches_of(parts):
    out = []
    for meta, body in parts:
        root = struct.unpack_from("<I", meta, 0)[0]
        kind = meta[support._table_field(meta, root, 1)]  # MessageHeader type: 3 = RecordBatch
        if kind == 3:
            out.append((meta, body))
    return out


def test_s6_null_slots_and_padding_are_zero_on_the_wire(make_server, tmp_path):
    batch, valid = _dirty_batch()
    checked_slots = checked_padding = 0
    sources = 0

    # 1. quiver.ipc stream bytes (also the bytes of a file's messages).
    sink = qv.BufferOutputStream()
    with qipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
        writer.write_batch(batch.slice(0, len(valid)))
    for meta, body in _batches_of(_message_parts(sink.getvalue().to_pybytes())):
        slots, pad = _check_body(meta, body, valid)
        checked_slots += slots
        checked_padding += pad
        sources += 1

    # 2. DoGet from a quiver.flight server, read raw with grpcio.
    class Source(qfl.FlightServerBase):
        def do_get(self, context, tkt):
            return qfl.RecordBatchStream(qv.Table.from_batches([batch]))

    server = Source("grpc://127.0.0.1:0")
    try:
        for meta, body in _batches_of(_raw_doget_bodies(f"127.0.0.1:{server.port}", b"dirty")):
            slots, pad = _check_body(meta, body, valid)
            checked_slots += slots
            checked_padding += pad
            sources += 1
    finally:
        server.shutdown()

    # 3. quiver serve: a quiver.flight client puts the dirty batch; DoGet read raw.
    served = make_server(name="s6")
    client = qfl.connect(served.location)
    writer, _ = client.do_put(qfl.FlightDescriptor.for_path("dirty"), batch.schema)
    writer.write_batch(batch)
    writer.close()
    info = client.get_flight_info(qfl.FlightDescriptor.for_path("dirty"))
    client.close()
    stored = b"".join(p.read_bytes() for p in (served.root / "dirty").rglob("*.arrow*"))
    assert bytes([GARBAGE]) * 2 not in stored and UNDER_NULL not in stored
    assert struct.pack("<q", SECRET_VALUE) not in stored
    for meta, body in _batches_of(_raw_doget_bodies(served.address, info.endpoints[0].ticket.ticket)):
        slots, pad = _check_body(meta, body, valid)
        checked_slots += slots
        checked_padding += pad
        sources += 1
    assert sources >= 4
    record("S6", "dirty null slots / bitmap tails / buffer slack: quiver.ipc, quiver.flight DoGet, quiver serve",
           batches=sources, null_slots_checked=checked_slots, padding_bytes_checked=checked_padding,
           nonzero=0, garbage_bytes_in_stored_files=stored.count(bytes([GARBAGE])))


def test_s6_builders_leave_null_slots_zero():
    arrays = {
        "int64": qv.array([1, None, 3], type=qv.int64()),
        "float64": qv.array([1.5, None, 2.5], type=qv.float64()),
        "bool": qv.array([True, None, True], type=qv.bool_()),
        "fsb": qv.array([b"abcd", None, b"efgh"], type=qv.binary(4)),
    }
    for name, arr in arrays.items():
        values = arr.buffers()[1].to_pybytes()
        if name == "bool":
            assert not (values[0] >> 1) & 1, name
        else:
            width = len(values) // 3
            assert values[width:2 * width] == bytes(width), name
    strings = qv.array(["ab", None, "c"])
    offsets = struct.unpack("<4i", strings.buffers()[1].to_pybytes()[:16])
    assert offsets[1] == offsets[2]
