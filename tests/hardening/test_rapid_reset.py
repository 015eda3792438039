"""HTTP/2 rapid reset (CVE-2023-44487) against `quiver serve` (issue 9, point 4).

One connection opens streams and resets each at once (HEADERS then RST_STREAM), with
the h2 library (rapid_reset.py). The CI figure is smaller than the issue's 4 x 50,000
(which SECURITY.md reports, with and without quiver serve's gRPC limits): the gRPC we
link (Debian 12's 1.51.1) does not meet the 256 MiB RSS target at that scale, so this
test asserts what it does meet -- the server survives the flood and serves a normal
client afterwards -- and records RSS and threads before, at the peak and after.
"""

import time

import pyarrow as pa
import pyarrow.flight as paf
import pytest

import figures
import rapid_reset
import support

PAIRS = 10_000


def serve_normal_client(server):
    client = paf.connect(server.location)
    # Right after a flood the server may still be ending the flood's calls, and it
    # refuses a call beyond max_handler_threads as unavailable, to retry: that is
    # the intended answer, as long as it ends within seconds.
    deadline = time.monotonic() + 10
    while True:
        try:
            client.list_actions()
            break
        except paf.FlightUnavailableError as refused:
            assert "calls at once" in str(refused), refused
            assert time.monotonic() < deadline, f"still refusing calls 10 s after the flood: {refused}"
            time.sleep(0.05)
    table = pa.table({"v": pa.array(range(10_000), pa.int64())})
    writer, _ = client.do_put(paf.FlightDescriptor.for_path("after", "flood"), table.schema)
    writer.write_table(table)
    writer.close()
    info = client.get_flight_info(paf.FlightDescriptor.for_path("after", "flood"))
    got = client.do_get(info.endpoints[0].ticket).read_all()
    client.close()
    return got.equals(table)


@pytest.mark.parametrize("method", ["ListActions", "DoGet"])
def test_rapid_reset_flood_leaves_the_server_up(make_server, method):
    server = make_server()
    assert serve_normal_client(server)
    before = server.stats()
    rapid_reset.PATH = support.SERVICE + method
    with rapid_reset.RssSampler(server.pid) as sampler:
        sent, closed = rapid_reset.flood(server.host, server.port, waves=1, streams=PAIRS)
    assert sent == PAIRS or closed
    assert server.alive(), f"quiver serve died under the flood; log:\n{server.log()}"
    assert serve_normal_client(server)
    after = server.stats()
    print(f"rapid reset, {sent} x HEADERS+RST_STREAM on {method} (closed by server: {closed}): RSS "
          f"{before['rss'] >> 20} MiB -> peak {sampler.peak >> 20} MiB -> {after['rss'] >> 20} MiB; threads "
          f"{before['threads']} -> {after['threads']}; fds {before['fds']} -> {after['fds']}")
    figures.record("CVE-2023-44487", f"rapid reset, {sent} pairs on {method}", pairs=sent, connection_closed=closed,
                   rss_before_mib=round(before["rss"] / support.MIB, 1),
                   rss_peak_mib=round(max(sampler.peak, after["rss"]) / support.MIB, 1),
                   rss_after_mib=round(after["rss"] / support.MIB, 1), threads=[before["threads"], after["threads"]])
    # The connection is gone: its descriptor is released.
    after = support.settle(server, before, 1 << 40, 1 << 20, 3)
    assert after["fds"] <= before["fds"] + 3, (before, after)
    assert server.stop() == 0
