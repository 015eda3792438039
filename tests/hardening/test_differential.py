"""F3: differential check of Quiver's IPC readers against pyarrow (reliability figure F3).

The inputs are the F1 corpus: every Arrow regression input in arrow-testing's
arrow-ipc-stream and arrow-ipc-file (the clusterfuzz-testcase-* and crash-* files),
read with the reader of their directory, and every golden integration file
(*.stream with the stream reader, *.arrow_file with the file reader).

Each input is read by both libraries, each in a child process (differential_worker.py)
that turns every failure (a raised error, a failed validate(full=True), a crash) into a
result, so a crash of pyarrow, the reference, counts as "pyarrow rejects".

The rules (reliability-figures.md, F3):
* if pyarrow reads the input and ValidateFull passes, Quiver must read it too and
  return equal data (Quiver's table goes to pyarrow through the C stream interface,
  then Table.equals, NaNs in the same slot being equal);
* if Quiver accepts an input, its result must pass pyarrow's ValidateFull.
A Quiver crash or hang on any input is a failure as well.
"""

import fnmatch
import json
import os
import pathlib
import subprocess
import sys
import time

from figures import record

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORKER = HERE / "differential_worker.py"
# Only stops a hung reader; no test outcome depends on it.
HANG_GUARD = 120

# The disagreements that are deliberate. Each entry: a glob of paths relative to the
# arrow-testing directory, a substring the disagreement's message must contain (so an
# entry never hides a different problem on the same file), and the reason.
ALLOWED = [
    # A FieldNode null_count of -1. Message.fbs defines null_count as the number of
    # nulls; Arrow C++ happens to accept -1 because it is its in-memory "unknown"
    # sentinel and recounts the bitmap. Quiver refuses every negative count as a
    # malformed field node, as it does any other out-of-range count.
    ("arrow-ipc-file/clusterfuzz-testcase-arrow-ipc-file-fuzz-6051391008473088",
     "null count must be in [0,", "negative FieldNode null_count is malformed, Quiver refuses it"),
    # A Duration whose TimeUnit is 8: Schema.fbs has units 0-3 only. pyarrow reads the
    # field as duration[s] (the batch has 0 rows, so nothing else is at stake); Quiver
    # refuses an enum value it cannot interpret rather than guessing a unit.
    ("arrow-ipc-stream/clusterfuzz-testcase-minimized-arrow-ipc-stream-fuzz-5718685113384960",
     "unknown time unit 8", "TimeUnit outside Schema.fbs's enum, Quiver refuses it"),
    # Arrow's own golden integration files (0.14.1 and 1.0.0 generators) hold decimals
    # that do not fit their declared precision and date64 values that are not whole
    # days. Both readers read them; pyarrow's ValidateFull then refuses them, Quiver's
    # does not: Quiver's full validation checks everything a consumer relies on to
    # read the data safely (offsets, views, UTF-8, indices, run ends, type ids) but
    # not these value-range rules (documented in quiver/validate.h), because its IPC
    # reader validates in full on every read and must keep reading the files Arrow's
    # writers produce.
    ("arrow-ipc-stream/integration/*/generated_decimal*", "does not fit in precision of decimal",
     "decimal values beyond their precision are read, as by Arrow's readers"),
    ("arrow-ipc-stream/integration/*/generated_datetime*", "does not represent a whole number of days",
     "date64 values that are not whole days are read, as by Arrow's readers"),
]


def allowed(name, problem):
    return any(fnmatch.fnmatch(name, pattern) and needle in problem for pattern, needle, _ in ALLOWED)


def arrow_testing_dir():
    explicit = os.environ.get("QUIVER_ARROW_TESTING_DIR")
    return pathlib.Path(explicit) if explicit else REPO.parent / "shared" / "arrow-testing"


def corpus():
    root = arrow_testing_dir()
    jobs = []
    for directory, reader in (("arrow-ipc-stream", "stream"), ("arrow-ipc-file", "file")):
        for path in sorted((root / directory).iterdir()):
            if path.is_file() and path.name.startswith(("clusterfuzz-testcase-", "crash-")):
                jobs.append((path, reader))
    for path in sorted((root / "arrow-ipc-stream" / "integration").glob("*/*")):
        if path.suffix == ".stream":
            jobs.append((path, "stream"))
        elif path.suffix == ".arrow_file":
            jobs.append((path, "file"))
    return root, jobs


def run_side(side, jobs):
    """Results of one side for every job, by index; a crash or hang becomes a result."""
    results = {}
    pending = list(jobs)
    while pending:
        stdin = "".join(json.dumps(job) + "\n" for job in pending)
        try:
            proc = subprocess.run([sys.executable, str(WORKER), side], input=stdin, capture_output=True,
                                  text=True, timeout=HANG_GUARD, cwd=HERE)
            stdout, returncode, stderr = proc.stdout, proc.returncode, proc.stderr
        except subprocess.TimeoutExpired as timeout:
            stdout = timeout.stdout.decode() if isinstance(timeout.stdout, bytes) else (timeout.stdout or "")
            returncode, stderr = "hang", ""
        begun = None
        for line in stdout.splitlines():
            if line.startswith("BEGIN "):
                begun = int(line.split()[1])
            elif line.startswith("RESULT "):
                result = json.loads(line[len("RESULT "):])
                results[result["index"]] = result
                begun = None
        if begun is not None:
            results[begun] = {"index": begun, "accepted": False, "crashed": True,
                              "error": f"worker died (exit {returncode}): {stderr.strip()[-300:]}"}
        left = [job for job in pending if job["index"] not in results]
        if left and len(left) == len(pending):
            raise AssertionError(f"the {side} worker made no progress (exit {returncode}):\n{stderr[-2000:]}")
        pending = left
    return results


def disagreements(root, jobs, pyarrow_results, quiver_results):
    found, allowed_hits = [], []
    for job in jobs:
        name = str(pathlib.Path(job["path"]).relative_to(root))
        ref, got = pyarrow_results[job["index"]], quiver_results[job["index"]]
        problem = None
        if got.get("crashed"):
            problem = f"Quiver crashed or hung: {got['error']}"
        elif ref["accepted"] and not got["accepted"]:
            problem = f"pyarrow reads and validates it, Quiver refuses: {got['error']}"
        elif got["accepted"] and "pyarrow_validate_error" in got:
            problem = f"Quiver accepts it, pyarrow's ValidateFull refuses the result: {got['pyarrow_validate_error']}"
        elif ref["accepted"] and not got.get("equal"):
            problem = f"Quiver and pyarrow return different data: {got.get('difference')}"
        if problem is None:
            continue
        if allowed(name, problem):
            allowed_hits.append(name)
        else:
            found.append(f"{name}: {problem}")
    return found, allowed_hits


def test_quiver_agrees_with_pyarrow_on_the_f1_corpus():
    root, paths = corpus()
    # 81 + 55 regression inputs and 91 + 91 golden files in arrow-testing.
    assert len(paths) >= 300, f"the corpus under {root} looks incomplete ({len(paths)} inputs)"
    started = time.monotonic()
    pyarrow_jobs = [{"index": i, "path": str(p), "reader": r} for i, (p, r) in enumerate(paths)]
    pyarrow_results = run_side("pyarrow", pyarrow_jobs)
    quiver_jobs = [dict(job, compare=pyarrow_results[job["index"]]["accepted"]) for job in pyarrow_jobs]
    quiver_results = run_side("quiver", quiver_jobs)
    found, allowed_hits = disagreements(root, pyarrow_jobs, pyarrow_results, quiver_results)

    both = sum(1 for i in pyarrow_results if pyarrow_results[i]["accepted"] and quiver_results[i]["accepted"])
    record("F3", "differential vs pyarrow on the F1 corpus", inputs=len(paths),
           disagreements=len(found), allowed_differences=len(allowed_hits),
           pyarrow_accepts=sum(r["accepted"] for r in pyarrow_results.values()),
           pyarrow_crashes=sum(bool(r.get("crashed")) for r in pyarrow_results.values()),
           quiver_accepts=sum(r["accepted"] for r in quiver_results.values()),
           both_accept_equal=both, seconds=round(time.monotonic() - started, 1))
    # The golden files are valid (bar the allowed value-range rules), so most inputs
    # must be read by both sides: the comparison is not vacuous.
    assert both >= 150, f"only {both} inputs were read by both libraries"
    assert not found, "Quiver and pyarrow disagree on:\n" + "\n".join(found)
