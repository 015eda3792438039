"""One side of the F3 differential check (test_differential.py), run as a child process.

    python differential_worker.py pyarrow  < jobs
    python differential_worker.py quiver   < jobs

Each job is one JSON line on stdin: {"index", "path", "reader": "stream"|"file"} and,
for the quiver side, "compare": whether pyarrow read and fully validated that input
(so reading it again with pyarrow here is known to be safe). Before touching an input
the worker prints "BEGIN <index>", after it one "RESULT <json>" line; the parent
treats a BEGIN without its RESULT as a crash of this side on that input and starts a
new worker for the rest, so a segfault in pyarrow (the reference, not under test) is
recorded as "pyarrow rejects" instead of ending the run.

Every failure becomes an exception and then a result: a reader that raises, a
validate(full=True) that raises, and on the quiver side a result that pyarrow's
ValidateFull refuses or whose data differ from pyarrow's.
"""

import json
import pathlib
import sys


def describe(exc):
    return f"{type(exc).__name__}: {exc}"[:400]


def read_pyarrow(path, reader):
    import pyarrow as pa
    import pyarrow.ipc

    data = pa.py_buffer(pathlib.Path(path).read_bytes())
    if reader == "stream":
        table = pyarrow.ipc.open_stream(data).read_all()
    else:
        table = pyarrow.ipc.open_file(data).read_all()
    table.validate(full=True)
    return table


def read_quiver(path, reader):
    import quiver
    import quiver.ipc

    data = pathlib.Path(path).read_bytes()
    if reader == "stream":
        table = quiver.ipc.open_stream(data).read_all()
    else:
        table = quiver.ipc.open_file(data).read_all()
    table.validate(full=True)
    return table


def tables_equal(left, right):
    """Equal schemas (field names, types, nullability) and equal values, chunking aside.

    Floating-point NaNs compare equal to NaNs in the same slot: both readers return
    the bytes in the file, and pyarrow's plain equals() calls NaN != NaN."""
    if not left.schema.equals(right.schema, check_metadata=False):
        return False, f"schemas differ:\n{left.schema}\nvs\n{right.schema}"
    if left.num_rows != right.num_rows:
        return False, f"row counts differ: {left.num_rows} vs {right.num_rows}"
    if left.equals(right):
        return True, ""
    # Same schema and length, but equals() said no: look column by column, allowing
    # NaN == NaN (the integration files carry random floats).
    for name, a, b in zip(left.column_names, left.columns, right.columns):
        a = a.combine_chunks() if a.num_chunks != 1 else a.chunk(0)
        b = b.combine_chunks() if b.num_chunks != 1 else b.chunk(0)
        if not _arrays_equal_nan(a, b):
            return False, f"column {name!r} differs"
    return True, ""


def _arrays_equal_nan(a, b):
    if a.equals(b):
        return True
    # Only a NaN-aware comparison could still find them equal: the C++ EqualOptions
    # with nans_equal are reachable from Python through Scalar equality per slot.
    if len(a) != len(b) or a.type != b.type:
        return False
    for x, y in zip(a, b):
        if x.equals(y):
            continue
        px, py = x.as_py(), y.as_py()
        if _nan_equal(px, py):
            continue
        return False
    return True


def _nan_equal(x, y):
    if isinstance(x, float) and isinstance(y, float):
        return x == y or (x != x and y != y)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(_nan_equal(p, q) for p, q in zip(x, y))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_nan_equal(x[k], y[k]) for k in x)
    return x == y


def run_pyarrow(job):
    try:
        table = read_pyarrow(job["path"], job["reader"])
    except BaseException as exc:  # noqa: BLE001 - every failure is a rejection
        return {"accepted": False, "error": describe(exc)}
    return {"accepted": True, "rows": table.num_rows}


def run_quiver(job):
    import pyarrow as pa

    try:
        table = read_quiver(job["path"], job["reader"])
    except BaseException as exc:  # noqa: BLE001
        return {"accepted": False, "error": describe(exc)}
    out = {"accepted": True, "rows": table.num_rows}
    # Quiver's result crosses into pyarrow through the C stream interface and must
    # pass pyarrow's own ValidateFull.
    try:
        imported = pa.table(table)
        imported.validate(full=True)
    except BaseException as exc:  # noqa: BLE001
        out["pyarrow_validate_error"] = describe(exc)
        return out
    if job.get("compare"):
        reference = read_pyarrow(job["path"], job["reader"])
        equal, why = tables_equal(imported, reference)
        out["equal"] = equal
        if not equal:
            out["difference"] = why[:1000]
    return out


def main():
    side = sys.argv[1]
    run = run_pyarrow if side == "pyarrow" else run_quiver
    for line in sys.stdin:
        job = json.loads(line)
        print(f"BEGIN {job['index']}", flush=True)
        result = run(job)
        result["index"] = job["index"]
        print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
