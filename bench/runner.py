"""Side-by-side Flight benchmark: Quiver (C++ and Python) against pyarrow.flight.

Runs every workload with each implementation pair, each server and client in its
own process (server pinned to CPU 1, client to CPU 0 when the machine has two),
alternating the pairs' order run to run, and prints one table of medians with the
ratios Quiver / pyarrow and a raw-gRPC ceiling measured in the same run. Writes
the results as JSON, a Markdown table and a PNG plot (throughput against batch
size and stream count).

    bench/run                  # full: >= 1 GB per 64K-row run, 5 runs
    bench/run --quick          # CI smoke: tiny sizes, 1 run
    bench/run --runs 3 --out-dir /tmp/bench

Throughput counts payload bytes (rows x row width, see cli/bench/workload.h) in
10^9 B/s. Nothing here is a test threshold: the figures depend on the machine and
its load, and only ratios measured in one run mean anything.
"""

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEER = HERE / "flight_peer.py"

IMPLS = ("cpp", "qpy", "pa")
IMPL_NAMES = {"cpp": "Quiver C++", "qpy": "Quiver Python", "pa": "pyarrow", "raw": "raw gRPC"}

# Pairs: name -> (server implementation, client implementation).
PAIRS = {
    "cpp": ("cpp", "cpp"),
    "qpy": ("qpy", "qpy"),
    "pa": ("pa", "pa"),
    "raw": ("raw", "raw"),
    "pa-client/qpy-server": ("qpy", "pa"),
    "qpy-client/pa-server": ("pa", "qpy"),
    "cpp-client/pa-server": ("pa", "cpp"),
}
MAIN = ["cpp", "qpy", "pa"]


def workloads(quick):
    """(id, description, parameters, pairs). Sizes: full >= 1 GB per 64K-row run."""
    big = 1 << 25          # 33.5M rows x 32 B = 1.07 GB
    mid = 1 << 24
    small = 1 << 23        # 1K-row batches: 268 MB (8192 batches)
    gen = 1 << 22
    if quick:
        big, mid, small, gen = 1 << 19, 1 << 18, 1 << 14, 1 << 13
    w = []

    def add(wid, desc, pairs, **p):
        params = dict(mode="get", columns="int64x4", records=big, batch=65536, streams=1,
                      transport="tcp", generator=False)
        params.update(p)
        w.append((wid, desc, params, pairs))

    add("get-i64x4-64K", "DoGet 4 x int64, 64K-row batches", MAIN + ["raw", "pa-client/qpy-server",
        "qpy-client/pa-server", "cpp-client/pa-server"])
    add("put-i64x4-64K", "DoPut 4 x int64, 64K-row batches", MAIN + ["raw", "pa-client/qpy-server",
        "qpy-client/pa-server", "cpp-client/pa-server"], mode="put")
    add("get-mixed-64K", "DoGet int64, float64, int64, string", MAIN + ["raw"],
        columns="int64,float64,int64,string")
    add("put-mixed-64K", "DoPut int64, float64, int64, string", MAIN + ["raw"], mode="put",
        columns="int64,float64,int64,string")
    add("get-i64x4-8K", "DoGet 4 x int64, 8K-row batches", MAIN + ["raw"], records=mid, batch=8192)
    add("get-i64x4-1K", "DoGet 4 x int64, 1K-row batches", MAIN + ["raw"], records=small, batch=1024)
    add("put-i64x4-1K", "DoPut 4 x int64, 1K-row batches", MAIN + ["raw"], mode="put", records=small, batch=1024)
    add("get-i64x4-64K-2s", "DoGet 2 streams (same total bytes)", MAIN + ["raw"], records=big // 2, streams=2)
    add("get-i64x4-64K-4s", "DoGet 4 streams (same total bytes)", MAIN + ["raw"], records=big // 4, streams=4)
    add("get-i64x4-64K-unix", "DoGet over a Unix socket", MAIN + ["raw"], transport="unix")
    add("get-gen-1K", "DoGet GeneratorStream, 1K-row batches", MAIN, records=gen, batch=1024, generator=True)
    add("latency", "GetFlightInfo and DoAction round trips", MAIN + ["raw", "pa-client/qpy-server",
        "qpy-client/pa-server"], mode="latency", records=0)
    return w


# ---------------------------------------------------------------------------
# Processes


class Env:
    def __init__(self, args):
        self.quiver_bin = args.quiver_bin
        self.python = args.python
        # Server on the second CPU this process may use, client on the first.
        allowed = sorted(os.sched_getaffinity(0))
        self.pin = args.pin and len(allowed) >= 2
        self.cpus = allowed[:2]
        self.latency_calls = args.latency_calls
        self.env = dict(os.environ, GRPC_VERBOSITY="NONE")
        if args.quiver_pythonpath:
            self.env["PYTHONPATH"] = os.pathsep.join(
                [args.quiver_pythonpath] + ([self.env["PYTHONPATH"]] if self.env.get("PYTHONPATH") else []))

    def preexec(self, cpu):
        if not self.pin:
            return None
        target = self.cpus[cpu]
        return lambda: os.sched_setaffinity(0, {target})

    def server_cmd(self, impl, unix_path):
        if impl in ("cpp", "raw"):
            cmd = [self.quiver_bin, "bench", "--serve"] + (["--raw-grpc"] if impl == "raw" else [])
            return cmd + (["--unix-path", unix_path] if unix_path else [])
        module = "quiver" if impl == "qpy" else "pyarrow"
        return [self.python, str(PEER), "--module", module, "serve"] + (["--unix", unix_path] if unix_path else [])

    def client_cmd(self, impl, location, p):
        latency = self.latency_calls if p["mode"] == "latency" else 0
        if impl in ("cpp", "raw"):
            cmd = [self.quiver_bin, "bench", "--json", "--server", location,
                   "--num-streams", str(p["streams"]), "--records-per-stream", str(p["records"]),
                   "--records-per-batch", str(p["batch"]), "--columns", p["columns"],
                   "--latency-calls", str(latency)]
            if impl == "raw":
                cmd.append("--raw-grpc")
            if p["mode"] == "put":
                cmd.append("--test-put")
            if p["generator"]:
                cmd.append("--generator")
            return cmd
        module = "quiver" if impl == "qpy" else "pyarrow"
        cmd = [self.python, str(PEER), "--module", module, "client", "--location", location,
               "--mode", p["mode"], "--columns", p["columns"], "--records", str(p["records"]),
               "--batch", str(p["batch"]), "--streams", str(p["streams"]), "--latency-calls", str(latency)]
        if p["generator"]:
            cmd.append("--generator")
        return cmd


def proc_cpu(pid):
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def run_pair(env, pair, p, timeout):
    server_impl, client_impl = PAIRS[pair]
    tmp = tempfile.mkdtemp(prefix="quiver-bench-")
    unix_path = os.path.join(tmp, "s.sock") if p["transport"] == "unix" else ""
    server = subprocess.Popen(env.server_cmd(server_impl, unix_path), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env.env, preexec_fn=env.preexec(1))
    try:
        line = server.stdout.readline()
        if not line:
            raise RuntimeError(f"{pair}: server exited: {server.stderr.read()[-2000:]}")
        location = json.loads(line)["location"]
        cpu0 = proc_cpu(server.pid)
        client = subprocess.run(env.client_cmd(client_impl, location, p), capture_output=True, text=True,
                                env=env.env, preexec_fn=env.preexec(0), timeout=timeout)
        cpu1 = proc_cpu(server.pid)
        rss = proc_peak_rss_mb(server.pid)
        if client.returncode != 0:
            raise RuntimeError(f"{pair}: client failed ({client.returncode}): {client.stderr[-2000:]}")
        result = json.loads(client.stdout.strip().splitlines()[-1])
        result["server_peak_rss_mb"] = rss
        if cpu0 is not None and cpu1 is not None:
            result["server_cpu_seconds"] = cpu1 - cpu0
            if result.get("payload_bytes"):
                result["server_cpu_s_per_gb"] = (cpu1 - cpu0) / (result["payload_bytes"] / 1e9)
        return result
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()
        server.stderr.close()
        if unix_path and os.path.exists(unix_path):
            os.unlink(unix_path)
        os.rmdir(tmp)


# ---------------------------------------------------------------------------
# Aggregation and output


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(results):
    """results[(wid, pair)] = [run dicts] -> medians."""
    summary = {}
    for key, runs in results.items():
        s = {"runs": len(runs)}
        for field in ("throughput_gbps", "batches_per_second", "client_cpu_s_per_gb", "server_cpu_s_per_gb",
                      "client_peak_rss_mb", "server_peak_rss_mb", "receive_copies_per_byte"):
            s[field] = med([r.get(field) for r in runs])
        tp = [r["throughput_gbps"] for r in runs if r.get("throughput_gbps") is not None]
        if tp:
            s["throughput_min"], s["throughput_max"] = min(tp), max(tp)
        lat = {}
        for r in runs:
            for name, q in (r.get("latency_us") or {}).items():
                if q:
                    for k in ("p50", "p95", "p99"):
                        lat.setdefault(name, {}).setdefault(k, []).append(q[k])
        if lat:
            s["latency_us"] = {n: {k: med(v) for k, v in qs.items()} for n, qs in lat.items()}
        summary[key] = s
    return summary


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt(v, digits=2):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def build_rows(wls, summary):
    """Rows of the main table: workload, metric, per-impl figures, ratios, ceiling."""
    rows = []
    for wid, desc, p, pairs in wls:
        g = {pair: summary.get((wid, pair)) for pair in pairs}
        if p["mode"] == "latency":
            for name, label in (("get_flight_info", "GetFlightInfo"), ("do_action", "DoAction")):
                for q in ("p50", "p99"):
                    vals = {i: (g[i] or {}).get("latency_us", {}).get(name, {}).get(q) if g.get(i) else None
                            for i in MAIN}
                    ceil = (g.get("raw") or {}).get("latency_us", {}).get("raw_grpc_ping", {}).get(q) \
                        if g.get("raw") else None
                    rows.append({"workload": wid, "metric": f"{label} {q} µs", **vals,
                                 "cpp/pa": ratio(vals["cpp"], vals["pa"]), "qpy/pa": ratio(vals["qpy"], vals["pa"]),
                                 "ceiling": ceil, "lower_is_better": True})
            continue
        vals = {i: (g.get(i) or {}).get("throughput_gbps") for i in MAIN}
        ceil = (g.get("raw") or {}).get("throughput_gbps") if "raw" in g else None
        rows.append({"workload": wid, "metric": "GB/s", **vals, "cpp/pa": ratio(vals["cpp"], vals["pa"]),
                     "qpy/pa": ratio(vals["qpy"], vals["pa"]), "ceiling": ceil,
                     "cpp/ceiling": ratio(vals["cpp"], ceil)})
        for field, label in (("batches_per_second", "batches/s"), ("client_cpu_s_per_gb", "client CPU s/GB"),
                             ("server_cpu_s_per_gb", "server CPU s/GB"), ("server_peak_rss_mb", "server peak RSS MB"),
                             ("client_peak_rss_mb", "client peak RSS MB"),
                             # Only `quiver bench` (C++) counts the bytes its receive path allocates.
                             ("receive_copies_per_byte", "receive copies/byte")):
            v = {i: (g.get(i) or {}).get(field) for i in MAIN}
            rows.append({"workload": wid, "metric": label, **v, "cpp/pa": ratio(v["cpp"], v["pa"]),
                         "qpy/pa": ratio(v["qpy"], v["pa"]), "ceiling": None,
                         "lower_is_better": field != "batches_per_second"})
    return rows


def mixed_rows(wls, summary):
    rows = []
    for wid, desc, p, pairs in wls:
        for pair in pairs:
            if "/" not in pair or (wid, pair) not in summary:
                continue
            s = summary[(wid, pair)]
            if p["mode"] == "latency":
                for name in ("get_flight_info", "do_action"):
                    q = s.get("latency_us", {}).get(name, {})
                    base = summary.get((wid, "pa"), {}).get("latency_us", {}).get(name, {})
                    rows.append({"workload": wid, "pair": pair, "metric": f"{name} p50 µs", "value": q.get("p50"),
                                 "vs pa/pa": ratio(q.get("p50"), base.get("p50"))})
            else:
                base = summary.get((wid, "pa"), {}).get("throughput_gbps")
                rows.append({"workload": wid, "pair": pair, "metric": "GB/s", "value": s.get("throughput_gbps"),
                             "vs pa/pa": ratio(s.get("throughput_gbps"), base)})
    return rows


def markdown(rows, mixed, machine):
    out = ["| workload | metric | Quiver C++ | Quiver Python | pyarrow | C++ / pyarrow | Py / pyarrow "
           "| raw gRPC ceiling | C++ % of ceiling |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        pct = r.get("cpp/ceiling")
        out.append(f"| {r['workload']} | {r['metric']} | {fmt(r['cpp'])} | {fmt(r['qpy'])} | {fmt(r['pa'])} | "
                   f"{fmt(r['cpp/pa'])} | {fmt(r['qpy/pa'])} | {fmt(r['ceiling'])} | "
                   f"{fmt(pct * 100, 0) + '%' if pct is not None else '-'} |")
    if mixed:
        out += ["", "Mixed pairs (client / server), against pyarrow client on pyarrow server:", "",
                "| workload | pair | metric | value | vs pyarrow/pyarrow |", "|---|---|---|---:|---:|"]
        for r in mixed:
            out.append(f"| {r['workload']} | {r['pair']} | {r['metric']} | {fmt(r['value'])} | {fmt(r['vs pa/pa'])} |")
    out += ["", "Machine: " + machine]
    return "\n".join(out)


def print_table(rows, mixed):
    head = f"{'workload':20} {'metric':20} {'Q C++':>9} {'Q Py':>9} {'pyarrow':>9} {'C++/pa':>7} {'Py/pa':>7} {'ceiling':>9} {'%ceil':>6}"
    print(head)
    print("-" * len(head))
    for r in rows:
        pct = r.get("cpp/ceiling")
        print(f"{r['workload']:20} {r['metric']:20} {fmt(r['cpp']):>9} {fmt(r['qpy']):>9} {fmt(r['pa']):>9} "
              f"{fmt(r['cpp/pa']):>7} {fmt(r['qpy/pa']):>7} {fmt(r['ceiling']):>9} "
              f"{(fmt(pct * 100, 0) + '%') if pct is not None else '-':>6}")
    if mixed:
        print("\nmixed pairs (vs pyarrow client on pyarrow server)")
        for r in mixed:
            print(f"{r['workload']:20} {r['pair']:22} {r['metric']:22} {fmt(r['value']):>9} {fmt(r['vs pa/pa']):>7}")


def plot(summary, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    sizes = [(1024, "get-i64x4-1K"), (8192, "get-i64x4-8K"), (65536, "get-i64x4-64K")]
    streams = [(1, "get-i64x4-64K"), (2, "get-i64x4-64K-2s"), (4, "get-i64x4-64K-4s")]
    for impl in ("cpp", "qpy", "pa", "raw"):
        xs = [(x, summary.get((w, impl), {}).get("throughput_gbps")) for x, w in sizes]
        xs = [(x, y) for x, y in xs if y is not None]
        if xs:
            a.plot([x for x, _ in xs], [y for _, y in xs], marker="o", label=IMPL_NAMES[impl])
        ys = [(x, summary.get((w, impl), {}).get("throughput_gbps")) for x, w in streams]
        ys = [(x, y) for x, y in ys if y is not None]
        if ys:
            b.plot([x for x, _ in ys], [y for _, y in ys], marker="o", label=IMPL_NAMES[impl])
    a.set_xscale("log", base=2)
    a.set_xlabel("rows per batch (4 x int64)")
    a.set_ylabel("DoGet payload GB/s (10^9 B/s)")
    a.set_title("Throughput vs batch size (1 stream)")
    b.set_xlabel("concurrent streams (64K-row batches)")
    b.set_title("Throughput vs stream count")
    b.set_xticks([1, 2, 4])
    for ax in (a, b):
        ax.grid(True, alpha=0.3)
        ax.legend()
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def machine_description():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1048576:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()
    return (f"{os.cpu_count()} vCPU {cpu}{mem}, Linux {platform.release()}, "
            f"load average at start {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")


def versions(python, env, quiver_commit=""):
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return {
        "pyarrow": run([python, "-c", "import pyarrow; print(pyarrow.__version__)"]),
        "quiver_commit": quiver_commit or run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "grpc_debian": run(["dpkg-query", "-W", "-f=${Version}", "libgrpc++-dev"]),
        "python": platform.python_version(),
    }


def default_quiver_bin():
    if os.environ.get("QUIVER_BIN"):
        return os.environ["QUIVER_BIN"]
    build = os.environ.get("QUIVER_BUILD_DIR", "build")
    return str((ROOT / build / "cli" / "quiver") if not os.path.isabs(build) else Path(build) / "cli" / "quiver")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, 1 run (CI smoke)")
    ap.add_argument("--runs", type=int, default=None, help="runs per pair (default 5, --quick 1)")
    ap.add_argument("--latency-calls", type=int, default=None, help="round trips per run (default 1000, quick 50)")
    ap.add_argument("--only", default="", help="regular expression: only matching workload ids")
    ap.add_argument("--quiver-bin", default=default_quiver_bin(), help="the quiver command (default $QUIVER_BIN "
                    "or $QUIVER_BUILD_DIR/cli/quiver)")
    ap.add_argument("--python", default=sys.executable, help="Python for the peers")
    ap.add_argument("--quiver-pythonpath", default="", help="prepended to PYTHONPATH for the peers (a quiver "
                    "package other than the installed one)")
    ap.add_argument("--quiver-commit", default="", help="the commit the quiver binaries were built from, "
                    "for the report (default: this checkout's HEAD)")
    ap.add_argument("--no-pin", dest="pin", action="store_false", help="do not pin server and client to CPUs")
    ap.add_argument("--out-dir", default="bench-results", help="where results.json, results.md, plot.png go")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per client run")
    args = ap.parse_args(argv)
    runs = args.runs if args.runs is not None else (1 if args.quick else 5)
    if args.latency_calls is None:
        args.latency_calls = 50 if args.quick else 1000
    if not os.access(args.quiver_bin, os.X_OK):
        ap.error(f"the quiver command {args.quiver_bin} is not built (build it, or pass --quiver-bin)")
    env = Env(args)
    wls = [w for w in workloads(args.quick) if re.search(args.only, w[0])]
    machine = machine_description()
    info = versions(args.python, env.env, args.quiver_commit)
    print(f"machine: {machine}\nversions: {json.dumps(info)}\nruns per pair: {runs}; pinned: {env.pin}",
          flush=True)
    results = {}
    started = time.time()
    for wid, desc, p, pairs in wls:
        for run in range(runs):
            order = pairs if run % 2 == 0 else list(reversed(pairs))
            for pair in order:
                r = run_pair(env, pair, p, args.timeout)
                results.setdefault((wid, pair), []).append(r)
                tp = r.get("throughput_gbps")
                print(f"  {wid:20} run {run + 1}/{runs} {pair:22} "
                      + (f"{tp:.3f} GB/s" if tp is not None else "round trips done"), flush=True)
    summary = summarize(results)
    rows = build_rows(wls, summary)
    mixed = mixed_rows(wls, summary)
    print()
    print_table(rows, mixed)
    load = os.getloadavg()
    machine += f"; at end {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; {runs} run(s) per pair, medians; " \
               f"pinned server CPU 1 / client CPU 0: {env.pin}; pyarrow {info['pyarrow']}, " \
               f"Quiver {info['quiver_commit']}, Debian gRPC {info['grpc_debian']}"
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = {"machine": machine, "versions": info, "runs": runs, "quick": args.quick,
           "seconds": time.time() - started, "rows": rows, "mixed": mixed,
           "workloads": [{"id": w[0], "description": w[1], "parameters": w[2], "pairs": w[3]} for w in wls],
           "raw": {f"{k[0]} {k[1]}": v for k, v in results.items()}}
    (out / "results.json").write_text(json.dumps(doc, indent=1))
    (out / "results.md").write_text(markdown(rows, mixed, machine) + "\n")
    plot(summary, out / "plot.png")
    print(f"\nwrote {out / 'results.json'}, {out / 'results.md'}, {out / 'plot.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
