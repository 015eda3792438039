"""Every subcommand against a real `quiver serve` on a copy of the sample data."""

import decimal
import json
import re

import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from conftest import SAMPLE, read_ipc, run, write_ipc


def sample_table(path):
    files = sorted((SAMPLE / path).glob("*.arrow"))
    return pa.concat_tables(ipc.open_file(str(f)).read_all() for f in files)


def test_serve_prints_the_bound_location_first(server):
    assert re.fullmatch(r"grpc\+tcp://localhost:\d+", server.location)
    assert not server.location.endswith(":0")
    assert "serving 5 dataset(s)" in server.log()


def test_ls_lists_every_dataset_with_exact_totals(server):
    out = run("ls", server.location, check=0).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["PATH", "ROWS", "BYTES", "ENDPOINTS", "SCHEMA"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[2:]}
    readings_bytes = sum(f.stat().st_size for f in (SAMPLE / "weather/readings").glob("*.arrow"))
    assert rows["weather/readings"] == ["3360", str(readings_bytes), "2"]
    assert rows["weather/stations"][0] == "20"
    assert rows["shop/orders"][0] == "250"


def test_ls_json_and_prefix(server):
    listing = json.loads(run("ls", server.location, "weather", "--json", check=0).stdout)
    assert [entry["path"] for entry in listing] == ["weather/readings", "weather/stations"]
    stations = listing[1]
    assert stations["total_records"] == 20
    assert stations["endpoints"] == 1
    assert stations["schema"][0] == {"name": "station_id", "type": "int32", "nullable": False}
    assert json.loads(run("ls", server.location, "weath", "--json", check=0).stdout) == []


def test_location_defaults_to_the_environment(server):
    out = run("ls", "shop", env={"QUIVER_LOCATION": server.location}, check=0).stdout
    assert "shop/orders" in out and "weather" not in out


def test_info_shows_schema_totals_and_one_endpoint_per_file(server):
    out = run("info", server.location, "weather/readings", check=0).stdout
    assert "total_records:  3360" in out
    assert "time: timestamp[ms, tz=UTC] not null" in out
    assert "endpoints (2):" in out
    info = json.loads(run("info", server.location, "weather/readings", "--json", check=0).stdout)
    assert info["total_records"] == 3360
    assert info["ordered"] is True
    tickets = [json.loads(e["ticket"]) for e in info["endpoints"]]
    assert tickets == [
        {"path": "weather/readings", "file": "part-00000001-sample.arrow"},
        {"path": "weather/readings", "file": "part-00000002-sample.arrow"},
    ]


def test_get_prints_the_first_rows_as_a_table(server):
    out = run("get", server.location, "weather/stations", "--head", "3", check=0).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["station_id", "name", "latitude", "longitude", "elevation_m"]
    assert lines[2].split()[:2] == ["100", "Aberdeen"]
    assert len(lines) == 2 + 3 + 1
    assert lines[-1].startswith("(3 of 20 rows")
    # Without --head, twenty rows at most.
    out = run("get", server.location, "weather/readings", check=0).stdout
    assert "(20 of 3360 rows" in out


@pytest.mark.parametrize("suffix", ["arrow", "arrows"])
def test_get_writes_ipc_files_equal_to_the_data(server, tmp_path, suffix):
    target = tmp_path / f"readings.{suffix}"
    run("get", server.location, "weather/readings", "-o", target, "-q", check=0)
    assert (target.read_bytes()[:6] == b"ARROW1") == (suffix == "arrow")
    assert read_ipc(target).equals(sample_table("weather/readings"))
    assert not (tmp_path / f"readings.{suffix}.partial").exists()


def test_get_to_stdout_is_an_ipc_stream(server):
    proc = run("get", server.location, "shop/orders", "-o", "-", input=b"", check=0)
    table = ipc.open_stream(proc.stdout).read_all()
    assert table.equals(sample_table("shop/orders"))


def test_get_csv_and_json(server, tmp_path):
    run("get", server.location, "weather/stations", "-o", tmp_path / "s.csv", "-q", check=0)
    csv_lines = (tmp_path / "s.csv").read_text().splitlines()
    assert csv_lines[0] == "station_id,name,latitude,longitude,elevation_m"
    assert len(csv_lines) == 21
    # Station 103 has no elevation: an empty CSV field.
    assert csv_lines[4].startswith("103,Dundee,") and csv_lines[4].endswith(",")

    out = run("get", server.location, "shop/orders", "--format", "json", "--head", "2", check=0).stdout
    rows = [json.loads(line, parse_float=decimal.Decimal) for line in out.splitlines()]
    expected = sample_table("shop/orders").slice(0, 2).to_pylist()
    assert len(rows) == 2
    for row, want in zip(rows, expected):
        assert row["order_id"] == want["order_id"]
        assert row["items"] == want["items"]
        assert row["ordered_on"] == want["ordered_on"].isoformat()
        assert row["total"] == want["total"]


def test_get_head_limits_rows_across_endpoints(server, tmp_path):
    target = tmp_path / "head.arrow"
    run("get", server.location, "weather/readings", "--head", "1700", "-o", target, check=0)
    assert read_ipc(target).equals(sample_table("weather/readings").slice(0, 1700))


def test_put_modes(server, tmp_path):
    first = write_ipc(tmp_path / "a.arrow", pa.table({"x": [1, 2, 3]}))
    more = write_ipc(tmp_path / "b.arrows", pa.table({"x": [4]}), stream=True)
    out = run("put", server.location, "new/set", first, check=0).stdout
    assert "put new/set: 3 rows (create)" in out

    again = run("put", server.location, "new/set", first, check=1)
    assert "already exists" in again.stderr

    run("put", server.location, "new/set", more, "--mode", "append", check=0)
    target = tmp_path / "all.arrow"
    run("get", server.location, "new/set", "-o", target, check=0)
    assert read_ipc(target).column("x").to_pylist() == [1, 2, 3, 4]

    summary = json.loads(run("put", server.location, "new/set", more, "--mode", "replace", "--json", check=0).stdout)
    assert summary["acks"][0]["replaced_files"] == 2
    run("get", server.location, "new/set", "-o", target, check=0)
    assert read_ipc(target).column("x").to_pylist() == [4]


def test_put_from_stdin(server, tmp_path):
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, pa.schema([("y", pa.string())])) as writer:
        writer.write_table(pa.table({"y": ["a", "b"]}))
    run("put", server.location, "piped", "-", input=sink.getvalue().to_pybytes(), check=0)
    out = run("get", server.location, "piped", check=0).stdout
    assert "(2 of 2 rows" in out


def test_put_append_with_another_schema_is_refused(server, tmp_path):
    wrong = write_ipc(tmp_path / "w.arrow", pa.table({"other": [1.5]}))
    proc = run("put", server.location, "weather/stations", wrong, "--mode", "append", check=1)
    assert proc.stderr.startswith("error: ArrowInvalid: schema mismatch: cannot append to dataset 'weather/stations'")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "(20 of 20 rows" in run("get", server.location, "weather/stations", "--head", "50", check=0).stdout


def test_action_list_and_each_action(server):
    listing = run("action", server.location, check=0).stdout
    for name in ["list_tables", "get_stats", "drop", "rename", "health"]:
        assert name in listing
    types = json.loads(run("action", server.location, "--json", check=0).stdout)
    assert [t["type"] for t in types] == ["list_tables", "get_stats", "drop", "rename", "health"]

    tables = [json.loads(line) for line in run("action", server.location, "list_tables", check=0).stdout.splitlines()]
    assert [t["path"] for t in tables] == [
        "dataset/products", "dataset/sales", "shop/orders", "weather/readings", "weather/stations"]
    assert tables[3]["rows"] == 3360 and tables[3]["files"] == 2

    stats = json.loads(run("action", server.location, "get_stats", "weather/readings", check=0).stdout)
    assert stats["rows"] == 3360
    assert [f["rows"] for f in stats["file_list"]] == [1680, 1680]
    server_stats = json.loads(run("action", server.location, "get_stats", check=0).stdout)
    assert server_stats["datasets"] == 5 and server_stats["rows"] == 3636

    health = json.loads(run("action", server.location, "health", check=0).stdout)
    assert health["status"] == "ok"

    renamed = run("action", server.location, "rename", '{"from": "shop/orders", "to": "archive/orders"}', check=0)
    assert json.loads(renamed.stdout) == {"renamed": "shop/orders", "to": "archive/orders"}
    assert "(5 of 250 rows" in run("get", server.location, "archive/orders", "--head", "5", check=0).stdout

    dropped = run("action", server.location, "drop", "archive/orders", check=0)
    assert json.loads(dropped.stdout) == {"dropped": "archive/orders"}
    missing = run("get", server.location, "archive/orders", check=1)
    assert missing.stderr.strip() == "error: ArrowKeyError: no dataset at 'archive/orders'"


def test_action_body_from_a_file(server, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("weather/stations\n")
    stats = json.loads(run("action", server.location, "get_stats", f"@{body}", check=0).stdout)
    assert stats["rows"] == 20


def test_unknown_action_and_bad_bodies(server):
    proc = run("action", server.location, "explode", check=1)
    assert proc.stderr.startswith("error: ArrowNotImplementedError: unknown action 'explode'")
    proc = run("action", server.location, "rename", "not json", check=1)
    assert "rename needs the body" in proc.stderr
    proc = run("action", server.location, "drop", check=1)
    assert "drop needs the dataset path" in proc.stderr


def test_exit_codes_and_one_line_errors(server, tmp_path):
    usage = [
        ("bogus",),
        ("get",),
        ("get", server.location),
        ("get", server.location, "a", "b"),
        ("put", server.location, "x"),
        ("get", server.location, "x", "--format", "xml"),
        ("put", server.location, "x", tmp_path / "f", "--mode", "upsert"),
        ("ls", server.location, "-H", "novalue"),
        ("serve", "--port", "99999"),
        ("ls", server.location, "--nonsense"),
    ]
    for args in usage:
        proc = run(*args, check=2)
        assert proc.stderr.startswith("error: usage: "), (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)

    failures = [
        (("get", server.location, "nope"), "error: ArrowKeyError: no dataset at 'nope'"),
        (("info", server.location, "nope"), "error: ArrowKeyError: no dataset at 'nope'"),
        (("put", server.location, "x", tmp_path / "missing.arrow"), "error: ArrowIOError: cannot open"),
        (("ls", "grpc://localhost:1"), "error: FlightUnavailableError: "),
    ]
    for args, start in failures:
        proc = run(*args, check=1)
        assert proc.stderr.startswith(start), (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr

    debug = run("get", server.location, "nope", "--debug", check=1)
    assert "debug: status Key error" in debug.stderr


def test_help_exits_zero():
    assert "serve" in run("--help", check=0).stdout
    assert "--max-upload-bytes" in run("serve", "--help", check=0).stdout
    assert "--format" in run("get", "--help", check=0).stdout
