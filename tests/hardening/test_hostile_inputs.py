"""F4: the named hostile IPC inputs, for the figures report.

The inputs themselves are GoogleTests (tests/cpp/ipc/hostile_inputs_test.cc, suite
HostileIpc), built by hand with the flatbuffers builder. This runs that suite from
the quiver_ipc_tests binary of the build tree ctest's QUIVER_BIN points into, requires
every case to pass, and records how many there are as figure F4.
"""

import json
import os
import pathlib
import subprocess

from figures import record

REPO = pathlib.Path(__file__).resolve().parents[2]
HANG_GUARD = 300


def ipc_tests_binary():
    """$QUIVER_IPC_TESTS, else the binary of the build tree that $QUIVER_BIN (set by
    ctest to <build>/cli/quiver) comes from, else build/."""
    explicit = os.environ.get("QUIVER_IPC_TESTS")
    if explicit:
        return pathlib.Path(explicit)
    roots = [REPO / "build"]
    if os.environ.get("QUIVER_BIN"):
        roots.insert(0, pathlib.Path(os.environ["QUIVER_BIN"]).resolve().parents[1])
    for root in roots:
        candidate = root / "tests" / "cpp" / "ipc" / "quiver_ipc_tests"
        if candidate.exists():
            return candidate
    raise RuntimeError("cannot find quiver_ipc_tests: build it (ninja quiver_ipc_tests) or set QUIVER_IPC_TESTS")


def test_every_named_hostile_input_is_refused(tmp_path):
    report = tmp_path / "hostile.json"
    proc = subprocess.run([str(ipc_tests_binary()), "--gtest_filter=HostileIpc.*", f"--gtest_output=json:{report}"],
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    suites = json.loads(report.read_text())["testsuites"]
    cases = [case for suite in suites for case in suite["testsuite"]]
    failed = [case["name"] for case in cases if case.get("failures")]
    # Nesting, variadic count, int64 overflow, negative lengths, short body, 2^40
    # decompression, unknown dictionary, early delta, dedup bombs, offsets, UTF-8, decimals.
    assert len(cases) >= 14 and not failed, (len(cases), failed)
    record("F4", "named hostile IPC inputs (HostileIpc)", inputs=len(cases), passed=len(cases) - len(failed))
