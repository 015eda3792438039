"""Smoke test of the side-by-side benchmark runner (bench/run --quick).

Runs every workload once on tiny sizes with Quiver C++ (the `quiver` command of
the build: $QUIVER_BIN, or $QUIVER_BUILD_DIR/cli/quiver, build/ by default),
Quiver Python and pyarrow.flight, and checks that the output is complete and
well-formed. It never looks at how fast anything was.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import runner  # noqa: E402


def quiver_bin():
    path = Path(runner.default_quiver_bin())
    assert path.exists(), f"the quiver command is not built at {path} (scripts/build builds it)"
    return path


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "runner.py"), "--quick", "--latency-calls", "20",
         "--quiver-bin", str(quiver_bin()), "--out-dir", str(out)],
        capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, proc.stdout


def is_number(v):
    return isinstance(v, (int, float)) and math.isfinite(v) and v > 0


def test_every_workload_and_pair_has_figures(results):
    out, _ = results
    doc = json.loads((out / "results.json").read_text())
    wanted = runner.workloads(quick=True)
    assert [w["id"] for w in doc["workloads"]] == [w[0] for w in wanted]
    for wid, _, params, pairs in wanted:
        for pair in pairs:
            runs = doc["raw"][f"{wid} {pair}"]
            assert len(runs) == 1
            r = runs[0]
            if params["mode"] == "latency":
                names = ["raw_grpc_ping"] if pair == "raw" else ["get_flight_info", "do_action"]
                for name in names:
                    q = r["latency_us"][name]
                    assert q["calls"] == 20
                    assert all(is_number(q[k]) for k in ("p50", "p95", "p99"))
                    assert q["p50"] <= q["p95"] <= q["p99"]
            else:
                assert r["rows"] == params["records"] * params["streams"] or pair == "raw"
                assert r["payload_bytes"] > 0 and is_number(r["throughput_gbps"])
                assert is_number(r["batches_per_second"]) and r["batches"] > 0
                assert is_number(r["client_peak_rss_mb"]) and is_number(r["server_peak_rss_mb"])
                if pair == "cpp" and params["mode"] == "get":
                    # At most one receive copy per byte (offsets and bitmaps add a little).
                    assert 0 < r["receive_copies_per_byte"] <= 1.05, r


def test_ratios_are_numbers(results):
    out, stdout = results
    doc = json.loads((out / "results.json").read_text())
    gbs = [r for r in doc["rows"] if r["metric"] == "GB/s"]
    lat = [r for r in doc["rows"] if r["metric"].endswith("µs")]
    assert len(gbs) == len([w for w in runner.workloads(True) if w[2]["mode"] != "latency"])
    assert len(lat) == 4
    for r in gbs + lat:
        assert is_number(r["cpp/pa"]) and is_number(r["qpy/pa"]), r
    for r in gbs:
        wid = r["workload"]
        if any(w[0] == wid and "raw" in w[3] for w in runner.workloads(True)):
            assert is_number(r["ceiling"]) and is_number(r["cpp/ceiling"]), r
    assert all(is_number(r["vs pa/pa"]) for r in doc["mixed"])
    # The printed table names every workload; the Markdown and the plot exist.
    for w in runner.workloads(True):
        assert w[0] in stdout
    md = (out / "results.md").read_text()
    assert md.startswith("| workload | metric |") and "Machine:" in md
    assert (out / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
