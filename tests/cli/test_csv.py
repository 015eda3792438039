"""CSV: `quiver put` of CSV files, and CSV files in a `quiver serve` root served as datasets."""

import json

import pyarrow as pa
import pyarrow.flight as flight

from conftest import read_ipc, run, temp_files, wait_for


def fetch(location, path):
    client = flight.connect(location)
    info = client.get_flight_info(flight.FlightDescriptor.for_path(path))
    return pa.concat_tables([client.do_get(e.ticket).read_all() for e in info.endpoints])


def test_put_a_csv_file_infers_its_types(server, tmp_path):
    data = tmp_path / "people.csv"
    data.write_text(
        "name,age,height,member,joined,seen\n"
        "Ada,36,1.65,true,1815-12-10,2024-01-31 12:00:00.250Z\n"
        '"Lovelace, Countess",,1.7,False,,2024-01-31T14:00:00+02:00\n'
        '"say ""hi""\nagain",7,2,TRUE,2000-02-29,\n')
    out = run("put", server.location, "people", data, check=0).stdout
    assert "put people: 3 rows (create)" in out
    table = fetch(server.location, "people")
    assert table.schema == pa.schema([
        ("name", pa.string()), ("age", pa.int64()), ("height", pa.float64()), ("member", pa.bool_()),
        ("joined", pa.date32()), ("seen", pa.timestamp("ms", tz="UTC"))])
    rows = table.to_pylist()
    assert [r["name"] for r in rows] == ["Ada", "Lovelace, Countess", 'say "hi"\nagain']
    assert [r["age"] for r in rows] == [36, None, 7]
    assert [r["member"] for r in rows] == [True, False, True]
    assert str(rows[2]["joined"]) == "2000-02-29" and rows[1]["joined"] is None
    # 14:00+02:00 is noon UTC.
    assert rows[1]["seen"].isoformat() == "2024-01-31T12:00:00+00:00"
    assert rows[2]["seen"] is None


def test_tsv_other_delimiters_stdin_and_format_flag(server, tmp_path):
    tsv = tmp_path / "t.tsv"
    tsv.write_text("a\tb\n1\tx,y\n")
    run("put", server.location, "tabs", tsv, check=0)
    assert fetch(server.location, "tabs").to_pylist() == [{"a": 1, "b": "x,y"}]

    semi = tmp_path / "semi.txt"
    semi.write_text("a;b\n1;2,5\n")
    run("put", server.location, "semi", semi, "--delimiter", ";", check=0)
    assert fetch(server.location, "semi").to_pylist() == [{"a": 1, "b": "2,5"}]

    named = tmp_path / "data.txt"
    named.write_text("k\n5\n")
    run("put", server.location, "flagged", named, "--format", "csv", check=0)
    assert fetch(server.location, "flagged").to_pylist() == [{"k": 5}]

    run("put", server.location, "piped", "-", "--format", "csv", input="v\n1.5\n", check=0)
    assert fetch(server.location, "piped").to_pylist() == [{"v": 1.5}]

    usage = run("put", server.location, "x", named, "--format", "xlsx", check=2)
    assert usage.stderr.startswith("error: usage: --format must be arrow, csv or tsv")
    usage = run("put", server.location, "x", named, "--delimiter", "ab", check=2)
    assert "--delimiter must be one character" in usage.stderr


def test_get_csv_then_put_it_back(server, tmp_path):
    """What `get --format csv` writes, `put` reads back to the same values."""
    for path in ["weather/readings", "weather/stations"]:
        exported = tmp_path / (path.replace("/", "_") + ".csv")
        run("get", server.location, path, "-o", exported, "-q", check=0)
        run("put", server.location, "copy/" + path, exported, check=0)
        original = fetch(server.location, path)
        copy = fetch(server.location, "copy/" + path)
        assert copy.column_names == original.column_names
        for name in original.column_names:
            want = original.column(name)
            got = copy.column(name)
            # Integer widths are not in the text: compare values (CSV infers int64).
            if pa.types.is_integer(want.type):
                assert pa.types.is_integer(got.type)
            else:
                assert got.type == want.type, (path, name, got.type, want.type)
            assert got.to_pylist() == want.to_pylist(), (path, name)

    # Text that looks like a date is read as one: inference sees the text, not its origin.
    exported = tmp_path / "sales.csv"
    run("get", server.location, "dataset/sales", "-o", exported, "-q", check=0)
    run("put", server.location, "copy/sales", exported, check=0)
    original = fetch(server.location, "dataset/sales")
    copy = fetch(server.location, "copy/sales")
    assert original.schema.field("date").type == pa.string()
    assert copy.schema.field("date").type == pa.date32()
    assert [str(d) for d in copy.column("date").to_pylist()] == original.column("date").to_pylist()


def test_append_csv_uses_the_datasets_types(server, tmp_path):
    """Appending reads the CSV into the dataset's own schema (int32, not null...)."""
    few = tmp_path / "few.csv"
    run("get", server.location, "weather/stations", "--format", "csv", "--head", "3", "-o", few, "-q", check=0)
    before = fetch(server.location, "weather/stations")
    out = run("put", server.location, "weather/stations", few, "--mode", "append", check=0).stdout
    assert "the dataset has 23 rows in 2 file(s)" in out
    after = fetch(server.location, "weather/stations")
    assert after.schema == before.schema
    assert after.slice(20).to_pylist() == before.slice(0, 3).to_pylist()

    # A value that does not fit the dataset's column is refused by line and column.
    bad = tmp_path / "bad.csv"
    bad.write_text(few.read_text().replace("\n100,", "\n99999999999,", 1))
    proc = run("put", server.location, "weather/stations", bad, "--mode", "append", check=1)
    assert proc.stderr.startswith(
        f"error: ArrowInvalid: '{bad}' line 2, column 'station_id': '99999999999' is out of the range of int32")
    assert fetch(server.location, "weather/stations").num_rows == 23


def test_a_bad_record_far_into_a_csv_stores_nothing(make_server, tmp_path):
    """The first batches are already sent when the bad record is read: the upload is
    cancelled, and the server keeps the dataset as it was."""
    server = make_server()
    client = flight.connect(server.location)
    writer, _ = client.do_put(flight.FlightDescriptor.for_path("ints"), pa.schema([("x", pa.int32())]))
    writer.write_table(pa.table({"x": pa.array([1, 2], pa.int32())}))
    writer.close()

    big = tmp_path / "big.csv"
    big.write_text("x\n" + "7\n" * 150_000 + "oops\n")
    proc = run("put", server.location, "ints", big, "--mode", "append", check=1)
    assert proc.stderr.startswith(f"error: ArrowInvalid: '{big}' line 150002, column 'x': cannot read 'oops' as int32")
    assert "the upload was cancelled, nothing was stored" in proc.stderr
    wait_for(lambda: not temp_files(server.root), "the cancelled upload's temporary file to go")
    assert fetch(server.location, "ints").column("x").to_pylist() == [1, 2]
    wait_for(lambda: "put failed" in server.log(), "the server to log the cancelled put")


def test_malformed_csv_is_refused_before_anything_is_sent(server, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('a,b\n1,2\n3,"open\n4,5\n')
    proc = run("put", server.location, "bad", bad, check=1)
    assert proc.stderr == (f"error: ArrowInvalid: '{bad}' line 3, field 2: a quoted field starts here but its "
                           "closing quote never comes (a quote inside a quoted field must be doubled: \"\")\n")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3\n")
    proc = run("put", server.location, "bad", ragged, check=1)
    assert proc.stderr.startswith(f"error: ArrowInvalid: '{ragged}' line 3: 1 field, but the header has 2")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    proc = run("put", server.location, "bad", empty, check=1)
    assert "is empty: a CSV file needs a header row" in proc.stderr
    assert "bad" not in [e["path"] for e in json.loads(run("ls", server.location, "--json", check=0).stdout)]


def test_serve_reads_csv_files_in_its_root(make_server, tmp_path):
    root = tmp_path / "root"
    (root / "hand").mkdir(parents=True)
    (root / "hand" / "a.csv").write_text("city,temp\nOslo,-3.5\n\"Rio, BR\",31\n")
    (root / "hand" / "b.tsv").write_text("city\ttemp\nLima\t19.25\n")
    (root / "broken").mkdir()
    (root / "broken" / "x.csv").write_text("a,b\n1\n")
    server = make_server(root)

    listing = json.loads(run("ls", server.location, "--json", check=0).stdout)
    assert [(e["path"], e["total_records"], e["endpoints"]) for e in listing] == [("hand", 3, 2)]
    assert "not listed: " in server.log() and "x.csv' line 2: 1 field, but the header has 2" in server.log()

    client = flight.connect(server.location)
    info = client.get_flight_info(flight.FlightDescriptor.for_path("hand"))
    assert info.schema == pa.schema([("city", pa.string()), ("temp", pa.float64())])
    assert info.total_records == 3
    parts = [client.do_get(e.ticket).read_all() for e in info.endpoints]
    assert [p.num_rows for p in parts] == [2, 1]
    assert pa.concat_tables(parts).to_pylist() == [
        {"city": "Oslo", "temp": -3.5}, {"city": "Rio, BR", "temp": 31.0}, {"city": "Lima", "temp": 19.25}]
    stats = json.loads(run("action", server.location, "get_stats", "hand", check=0).stdout)
    assert [(f["name"], f["format"], f["rows"]) for f in stats["file_list"]] == [("a.csv", "csv", 2), ("b.tsv", "csv", 1)]

    # quiver's own client reads it too, and an upload appends beside the CSV files.
    target = tmp_path / "hand.arrow"
    run("get", server.location, "hand", "-o", target, "-q", check=0)
    assert read_ipc(target).num_rows == 3
    more = tmp_path / "more.csv"
    more.write_text("city,temp\nNuuk,-8\n")
    run("put", server.location, "hand", more, "--mode", "append", check=0)
    assert fetch(server.location, "hand").column("city").to_pylist() == ["Oslo", "Rio, BR", "Lima", "Nuuk"]
    proc = run("get", server.location, "broken", check=1)
    assert proc.stderr.startswith("error: ArrowInvalid: ") and "x.csv' line 2" in proc.stderr
