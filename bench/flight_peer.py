"""A Flight benchmark peer for pyarrow.flight or quiver.flight (same code, --module).

Speaks the workload convention of `quiver bench` (cli/bench/workload.h):

  GetFlightInfo  CMD descriptor = workload JSON {"columns", "records", "batch",
                 "streams", "compression", "generator"} -> `streams` endpoints whose
                 tickets are the workload JSON plus "stream": i
  DoGet          `records` rows in `batch`-row batches (the same batch re-sent, the
                 last one sliced); a Table behind a RecordBatchStream, or a Python
                 generator behind a GeneratorStream when "generator" is true
  DoPut          drains the stream, answers one PutResult: the row count as text
  DoExchange     echoes every batch
  DoAction       "ping" -> b"ok"

  python flight_peer.py --module pyarrow serve [--unix PATH]
      prints {"location": ..., "pid": ...} on stdout, serves until killed
  python flight_peer.py --module quiver client --location L --mode get|put|exchange|latency ...
      prints one JSON object with the same figures `quiver bench --json` prints

Payload bytes are rows x row width (8 per int64/float64 column, 16 per string
column of 12-character values), as in `quiver bench`.
"""

import argparse
import importlib
import json
import resource
import sys
import threading
import time

import numpy as np

STRING_WIDTH = 12


def parse_columns(spec):
    types = []
    for item in spec.split(","):
        item = item.strip()
        count = 1
        if "x" in item:
            item, n = item.split("x", 1)
            count = int(n)
        if item not in ("int64", "float64", "string"):
            raise ValueError(f"unknown column type {item!r}")
        types += [item] * count
    return types


def row_width(types):
    return sum(4 + STRING_WIDTH if t == "string" else 8 for t in types)


def make_schema(pa, types):
    kinds = {"int64": pa.int64(), "float64": pa.float64(), "string": pa.string()}
    return pa.schema([pa.field(f"c{i}", kinds[t], nullable=False) for i, t in enumerate(types)])


def make_batch(pa, types, rows):
    arrays = []
    for c, t in enumerate(types):
        if t == "int64":
            salt = np.uint64((c * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
            with np.errstate(over="ignore"):
                values = (np.arange(rows, dtype=np.uint64) * np.uint64(2654435761) + salt).view(np.int64)
            arrays.append(pa.array(values, type=pa.int64()))
        elif t == "float64":
            arrays.append(pa.array(np.arange(rows, dtype=np.float64) * 0.5 + c, type=pa.float64()))
        else:
            mask = 0xFFFFFFFFFFFF
            arrays.append(pa.array([f"{((i * 2654435761 + c) & mask):012x}" for i in range(rows)],
                                   type=pa.string()))
    return pa.RecordBatch.from_arrays(arrays, schema=make_schema(pa, types))


def stream_batches(batch, records):
    rows = batch.num_rows
    full, rest = divmod(records, rows) if rows else (0, 0)
    batches = [batch] * full
    if rest:
        batches.append(batch.slice(0, rest))
    return batches


def write_options(pa, compression):
    if compression in (None, "", "none"):
        return None
    return pa.ipc.IpcWriteOptions(compression=compression)


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------------------
# Server


def make_server_class(pa, flight):
    class BenchServer(flight.FlightServerBase):
        def __init__(self, location):
            super().__init__(location)
            self._batches = {}
            self._lock = threading.Lock()

        def _batch(self, columns, rows):
            key = (columns, rows)
            with self._lock:
                if key not in self._batches:
                    self._batches[key] = make_batch(pa, parse_columns(columns), rows)
                return self._batches[key]

        def get_flight_info(self, context, descriptor):
            w = json.loads(descriptor.command)
            types = parse_columns(w["columns"])
            records = int(w["records"])
            if records > 0:
                self._batch(w["columns"], min(int(w["batch"]), records))
            streams = int(w.get("streams", 1))
            endpoints = [flight.FlightEndpoint(json.dumps(dict(w, stream=i)).encode(), [])
                         for i in range(streams)]
            total = records * streams
            return flight.FlightInfo(make_schema(pa, types), descriptor, endpoints, total,
                                     total * row_width(types))

        def do_get(self, context, ticket):
            w = json.loads(ticket.ticket)
            types = parse_columns(w["columns"])
            schema = make_schema(pa, types)
            records = int(w["records"])
            options = write_options(pa, w.get("compression", "none"))
            batches = []
            if records > 0:
                batches = stream_batches(self._batch(w["columns"], min(int(w["batch"]), records)), records)
            if w.get("generator"):
                def generate():
                    yield from batches
                return flight.GeneratorStream(schema, generate(), options=options)
            table = pa.Table.from_batches(batches, schema=schema)
            return flight.RecordBatchStream(table, options=options)

        def do_put(self, context, descriptor, reader, writer):
            rows = 0
            for chunk in reader:
                if chunk.data is not None:
                    rows += chunk.data.num_rows
            writer.write(pa.py_buffer(str(rows).encode()))

        def do_exchange(self, context, descriptor, reader, writer):
            begun = False
            for chunk in reader:
                if chunk.data is None:
                    continue
                if not begun:
                    writer.begin(chunk.data.schema)
                    begun = True
                writer.write_batch(chunk.data)

        def do_action(self, context, action):
            if action.type != "ping":
                raise KeyError(f"unknown action {action.type!r}")
            return [flight.Result(pa.py_buffer(b"ok"))]

        def list_actions(self, context):
            return [("ping", "answers ok")]

    return BenchServer


def serve(pa, flight, args):
    location = f"grpc+unix://{args.unix}" if args.unix else f"grpc+tcp://127.0.0.1:{args.port}"
    server = make_server_class(pa, flight)(location)
    # Whatever the library loads lazily on first use (numpy conversion, table
    # assembly) is loaded now, so that the runner's CPU accounting of the server,
    # which starts once the location is printed, counts only serving.
    warm = make_batch(pa, ["int64", "float64", "string"], 16)
    pa.Table.from_batches([warm, warm.slice(0, 3)], schema=warm.schema)
    if not args.unix:
        location = f"grpc+tcp://127.0.0.1:{server.port}"
    print(json.dumps({"location": location, "pid": __import__("os").getpid()}), flush=True)
    server.serve()


# ---------------------------------------------------------------------------
# Client


def percentiles(micros):
    if not micros:
        return None
    s = sorted(micros)

    def at(q):
        i = max(0, min(len(s) - 1, int(-(-q * len(s) // 1)) - 1))
        return s[i]
    return {"calls": len(s), "p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "mean": sum(s) / len(s)}


def run_stream(pa, flight, args, endpoint, workload, table, schema):
    client = flight.connect(args.location)
    try:
        if args.mode == "get":
            options = None
            reader = client.do_get(endpoint.ticket, options) if options else client.do_get(endpoint.ticket)
            rows = batches = 0
            while True:
                try:
                    chunk = reader.read_chunk()
                except StopIteration:
                    break
                if chunk.data is not None:
                    rows += chunk.data.num_rows
                    batches += 1
            return rows, batches
        w = dict(workload, stream=json.loads(endpoint.ticket.ticket)["stream"])
        descriptor = flight.FlightDescriptor.for_command(json.dumps(w).encode())
        if args.mode == "put":
            writer, metadata = client.do_put(descriptor, schema)
            writer.write_table(table)
            writer.done_writing()
            ack = metadata.read()
            writer.close()
            if ack is None or bytes(ack).decode() != str(table.num_rows):
                raise RuntimeError(f"server acknowledged {ack!r}, expected {table.num_rows} rows")
            return table.num_rows, sum(1 for _ in table.to_batches())
        writer, reader = client.do_exchange(descriptor)
        errors = []

        def send():
            try:
                writer.begin(schema)
                writer.write_table(table)
                writer.done_writing()
            except Exception as e:  # reported after the reader ends
                errors.append(e)
        sender = threading.Thread(target=send)
        sender.start()
        rows = batches = 0
        while True:
            try:
                chunk = reader.read_chunk()
            except StopIteration:
                break
            if chunk.data is not None:
                rows += chunk.data.num_rows
                batches += 1
        sender.join()
        if errors:
            raise errors[0]
        writer.close()
        return rows, batches
    finally:
        client.close()


def client_main(pa, flight, args):
    types = parse_columns(args.columns)
    width = row_width(types)
    workload = {"columns": args.columns, "records": args.records, "batch": args.batch,
                "streams": args.streams, "compression": args.compression if args.mode == "get" else "none",
                "generator": args.generator}
    out = {"implementation": f"{args.module}-python", "mode": args.mode,
           "transport": "unix" if args.location.startswith("grpc+unix") else "tcp",
           "server": args.location, "columns": args.columns, "records_per_stream": args.records,
           "records_per_batch": args.batch, "streams": args.streams, "threads": args.streams,
           "compression": args.compression, "generator": args.generator, "row_width_bytes": width,
           "unit": "throughput_gbps is payload bytes per second / 10^9"}
    control = flight.connect(args.location)
    if args.mode in ("get", "put", "exchange") and args.records > 0:
        info = control.get_flight_info(flight.FlightDescriptor.for_command(json.dumps(workload).encode()))
        if len(info.endpoints) != args.streams:
            raise RuntimeError(f"server answered {len(info.endpoints)} endpoints for {args.streams} streams")
        schema = make_schema(pa, types)
        table = None
        if args.mode in ("put", "exchange"):
            table = pa.Table.from_batches(
                stream_batches(make_batch(pa, types, min(args.batch, args.records)), args.records), schema=schema)
        results = [None] * len(info.endpoints)
        errors = []

        def work(i):
            try:
                results[i] = run_stream(pa, flight, args, info.endpoints[i], workload, table, schema)
            except Exception as e:
                errors.append(e)
        cpu0 = cpu_seconds()
        t0 = time.perf_counter()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(info.endpoints))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - t0
        cpu = cpu_seconds() - cpu0
        if errors:
            raise errors[0]
        rows = sum(r[0] for r in results)
        if rows != args.records * args.streams:
            raise RuntimeError(f"moved {rows} rows, expected {args.records * args.streams}")
        payload = rows * width
        gb = payload / 1e9
        out.update(rows=rows, batches=sum(r[1] for r in results), payload_bytes=payload, seconds=seconds,
                   throughput_gbps=gb / seconds, batches_per_second=sum(r[1] for r in results) / seconds,
                   client_cpu_seconds=cpu, client_cpu_s_per_gb=cpu / gb)
    if args.latency_calls > 0:
        small = dict(workload, records=0)
        descriptor = flight.FlightDescriptor.for_command(json.dumps(small).encode())
        action = flight.Action("ping", b"")
        info_us, action_us = [], []
        warmup = max(10, args.latency_calls // 10)
        for i in range(warmup + args.latency_calls):
            t0 = time.perf_counter_ns()
            control.get_flight_info(descriptor)
            t1 = time.perf_counter_ns()
            results = list(control.do_action(action))
            t2 = time.perf_counter_ns()
            if len(results) != 1:
                raise RuntimeError(f"ping answered {len(results)} results")
            if i >= warmup:
                info_us.append((t1 - t0) / 1e3)
                action_us.append((t2 - t1) / 1e3)
        out["latency_us"] = {"get_flight_info": percentiles(info_us), "do_action": percentiles(action_us)}
    control.close()
    out["client_peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out), flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--module", choices=["pyarrow", "quiver"], required=True)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--unix", default="")
    s.add_argument("--port", type=int, default=0)
    c = sub.add_parser("client")
    c.add_argument("--location", required=True)
    c.add_argument("--mode", choices=["get", "put", "exchange", "latency"], default="get")
    c.add_argument("--columns", default="int64x4")
    c.add_argument("--records", type=int, default=1 << 22)
    c.add_argument("--batch", type=int, default=65536)
    c.add_argument("--streams", type=int, default=1)
    c.add_argument("--compression", default="none")
    c.add_argument("--generator", action="store_true")
    c.add_argument("--latency-calls", type=int, default=0)
    args = p.parse_args(argv)
    pa = importlib.import_module(args.module)
    flight = importlib.import_module(args.module + ".flight")
    if args.command == "serve":
        serve(pa, flight, args)
    else:
        if args.mode == "latency":
            args.records = 0
        client_main(pa, flight, args)


if __name__ == "__main__":
    sys.exit(main())
