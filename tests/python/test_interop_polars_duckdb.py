"""polars and DuckDB read Quiver data through the Arrow PyCapsule interface
(test-only peers), without pyarrow: the values arrive intact, and polars shares
Quiver's buffers instead of copying them (the same addresses come back when the
data returns to Quiver, and polars' own pointer is Quiver's).

polars.from_arrow(x) gives a Series for any capsule producer other than
pyarrow's own classes (a struct Series for a table: polars' documented
behaviour for `from_arrow(<ArrowStreamExportable>)`); pl.DataFrame(x) gives
the frame.
"""

import datetime
import decimal
import subprocess
import sys

import duckdb
import polars as pl
import pytest

import quiver as pa

D = decimal.Decimal

# (name, quiver column) pairs of types both polars and DuckDB understand.
COLUMNS = [
    ("i8", pa.array([1, None, -128], type=pa.int8())),
    ("i32", pa.array([1, None, 2**31 - 1], type=pa.int32())),
    ("i64", pa.array([1, None, -(2**63)])),
    ("u16", pa.array([0, None, 65535], type=pa.uint16())),
    ("u64", pa.array([0, None, 2**64 - 1], type=pa.uint64())),
    ("f32", pa.array([1.5, None, -3.25], type=pa.float32())),
    ("f64", pa.array([1.5, None, 0.1])),
    ("bool", pa.array([True, None, False])),
    ("str", pa.array(["a", None, "\u00e9t\u00e9"])),
    ("large_str", pa.array(["a", None, ""], type=pa.large_string())),
    ("str_view", pa.array(["short", None, "a value longer than twelve bytes"], type=pa.string_view())),
    ("bin", pa.array([b"a", None, b"\x00\xff"])),
    ("date", pa.array([datetime.date(2020, 1, 1), None, datetime.date(1969, 12, 31)])),
    ("ts_us", pa.array([datetime.datetime(2020, 1, 1, 12, 30, 15, 123456), None, datetime.datetime(1950, 6, 1)],
                       type=pa.timestamp("us"))),
    ("ts_ms", pa.array([datetime.datetime(2020, 1, 1, 12, 30, 15, 123000), None, None], type=pa.timestamp("ms"))),
    ("dur", pa.array([datetime.timedelta(days=1, seconds=2), None, datetime.timedelta(microseconds=7)],
                     type=pa.duration("us"))),
    ("time", pa.array([datetime.time(1, 2, 3, 456789), None, datetime.time(23, 59, 59)], type=pa.time64("us"))),
    ("dec", pa.array([D("1.23"), None, D("-9999999.99")], type=pa.decimal128(9, 2))),
    ("list", pa.array([[1, 2], None, []], type=pa.list_(pa.int32()))),
    ("large_list", pa.array([["a"], None, ["b", None]], type=pa.large_list(pa.string()))),
    ("struct", pa.array([{"x": 1, "y": "a"}, None, {"x": None, "y": None}],
                        type=pa.struct([("x", pa.int32()), ("y", pa.string())]))),
]


def _table():
    return pa.table({name: column for name, column in COLUMNS})


def _addresses(array):
    return [b.address if b is not None else None for b in array.buffers()]


@pytest.mark.parametrize("name,column", COLUMNS, ids=[c[0] for c in COLUMNS])
def test_polars_reads_every_column_type(name, column):
    table = pa.table({name: column})
    frame = pl.DataFrame(table)
    assert frame.columns == [name]
    assert frame[name].to_list() == column.to_pylist()
    series = pl.from_arrow(column)
    assert series.to_list() == column.to_pylist()


def test_polars_from_arrow_on_tables_batches_and_chunked_arrays():
    table = _table()
    expected = table.to_pylist()
    assert pl.from_arrow(table).to_list() == expected
    assert pl.from_arrow(table).struct.unnest().to_dicts() == expected
    assert pl.DataFrame(table).to_dicts() == expected
    assert pl.DataFrame(table.to_batches()[0]).to_dicts() == expected
    chunked = pa.chunked_array([[1, 2], [3, None]])
    assert pl.from_arrow(chunked).to_list() == [1, 2, 3, None]
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    assert pl.DataFrame(reader).to_dicts() == expected


def test_polars_shares_quivers_buffers():
    n = 10_000
    table = pa.table({
        "i": pa.array(list(range(n))),
        "f": pa.array([i / 2 for i in range(n)]),
        "b": pa.array([i % 3 == 0 if i % 7 else None for i in range(n)]),
        "s": pa.array([f"value number {i}" for i in range(n)]),
    })
    frame = pl.DataFrame(table)
    # polars' own data pointer is Quiver's values buffer.
    assert frame["i"]._s.as_single_ptr() == table["i"].chunk(0).buffers()[1].address
    assert frame["f"]._s.as_single_ptr() == table["f"].chunk(0).buffers()[1].address
    assert pl.from_arrow(table["i"])._s.as_single_ptr() == table["i"].chunk(0).buffers()[1].address
    # And back: Quiver sees the very buffers it handed out.
    back = pa.table(frame)
    for name in ["i", "f", "b"]:
        assert _addresses(back[name].chunk(0)) == _addresses(table[name].chunk(0))
    # polars keeps strings as views; their long values still point into Quiver's data buffer.
    assert back.schema.field("s").type == pa.string_view()
    assert table["s"].chunk(0).buffers()[2].address in _addresses(back["s"].chunk(0))
    assert back.column("s").to_pylist() == table.column("s").to_pylist()


def test_quiver_reads_polars_without_copying():
    frame = pl.DataFrame({"i": list(range(1000)), "f": [float(i) for i in range(1000)]})
    table = pa.table(frame)
    assert table.column("i").to_pylist() == list(range(1000))
    assert table["i"].chunk(0).buffers()[1].address == frame["i"]._s.as_single_ptr()
    assert table["f"].chunk(0).buffers()[1].address == frame["f"]._s.as_single_ptr()
    chunked = pa.chunked_array(frame["i"])
    assert chunked.chunk(0).buffers()[1].address == frame["i"]._s.as_single_ptr()


def test_duckdb_queries_quiver_tables_by_name():
    quiver_table = _table()
    rows = duckdb.sql("select * from quiver_table").fetchall()
    assert [dict(zip(quiver_table.column_names, row)) for row in rows] == quiver_table.to_pylist()
    assert duckdb.sql("select sum(i64), count(*), max(str) from quiver_table").fetchall() == \
        [(1 - 2**63, 3, "\u00e9t\u00e9")]
    quiver_batch = quiver_table.to_batches()[0]
    assert duckdb.sql("select count(*) from quiver_batch where bool").fetchall() == [(1,)]
    quiver_reader = pa.RecordBatchReader.from_batches(quiver_table.schema, quiver_table.to_batches())
    assert duckdb.sql("select i32 from quiver_reader where i32 > 1").fetchall() == [(2**31 - 1,)]


def test_duckdb_results_come_back_to_quiver():
    quiver_table = pa.table({"a": list(range(100)), "g": [i % 3 for i in range(100)]})
    result = duckdb.sql("select g, sum(a) as total from quiver_table group by g order by g")
    back = pa.table(result)
    assert back.to_pydict() == {"g": [0, 1, 2], "total": [sum(range(0, 100, 3)), sum(range(1, 100, 3)),
                                                           sum(range(2, 100, 3))]}


def test_neither_imports_pyarrow():
    code = (
        "import sys\n"
        "import duckdb, polars as pl\n"
        "import quiver as pa\n"
        "quiver_table = pa.table({'a': [1, 2, None], 's': ['x', None, 'z']})\n"
        "assert pl.DataFrame(quiver_table).to_dicts()[2] == {'a': None, 's': 'z'}\n"
        "assert pl.from_arrow(quiver_table['a']).to_list() == [1, 2, None]\n"
        "assert duckdb.sql('select count(a) from quiver_table').fetchall() == [(2,)]\n"
        "assert pa.table(duckdb.sql('select a from quiver_table')).column('a').to_pylist() == [1, 2, None]\n"
        "assert 'pyarrow' not in sys.modules, 'pyarrow was imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
