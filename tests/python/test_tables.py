"""RecordBatch, Table, ChunkedArray and RecordBatchReader construction and members."""

import pytest

import quiver as pa


def make_table():
    return pa.table({"id": [1, 2, 3, 4], "name": ["a", "b", None, "d"], "score": [1.5, 2.5, 3.5, None]})


def test_record_batch_constructors():
    schema = pa.schema([("x", pa.int64()), ("y", pa.string())])
    from_lists = pa.record_batch([[1, 2], ["a", "b"]], schema=schema)
    from_names = pa.record_batch([pa.array([1, 2]), pa.array(["a", "b"])], names=["x", "y"])
    from_dict = pa.record_batch({"x": [1, 2], "y": ["a", "b"]})
    assert from_lists.equals(from_names) and from_names.equals(from_dict)
    assert pa.RecordBatch.from_pylist([{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]).equals(from_dict)
    assert pa.RecordBatch.from_pydict({"x": [1, 2], "y": ["a", "b"]}, schema=schema).schema == schema
    with pytest.raises(pa.ArrowInvalid):
        pa.record_batch([[1, 2], [1]], names=["a", "b"])
    with pytest.raises(ValueError):
        pa.record_batch([[1]])


def test_record_batch_members():
    b = pa.record_batch({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    assert b.num_rows == 3 == len(b) and b.num_columns == 2
    assert b.column_names == ["x", "y"] and b.schema.names == ["x", "y"]
    assert b["x"].to_pylist() == [1, 2, 3] and b.column(1).to_pylist() == ["a", "b", "c"]
    assert [c.to_pylist() for c in b.columns] == [[1, 2, 3], ["a", "b", "c"]]
    assert b.slice(1, 1).to_pydict() == {"x": [2], "y": ["b"]}
    assert b[1:].num_rows == 2
    assert b.select(["y"]).column_names == ["y"]
    assert b.to_pylist()[0] == {"x": 1, "y": "a"}
    assert b.nbytes > 0
    assert b.rename_columns(["p", "q"]).column_names == ["p", "q"]
    assert b.append_column("z", [True, False, True]).column_names == ["x", "y", "z"]
    assert b.drop_columns(["x"]).column_names == ["y"]
    assert pa.RecordBatch.from_struct_array(b.to_struct_array()).equals(b)
    assert b.filter(pa.array([True, False, True])).to_pydict() == {"x": [1, 3], "y": ["a", "c"]}
    assert b.take([2, 0]).to_pydict() == {"x": [3, 1], "y": ["c", "a"]}
    assert [c.to_pylist() for c in b] == [[1, 2, 3], ["a", "b", "c"]]


def test_table_constructors():
    t = make_table()
    assert pa.table([t["id"], t["name"], t["score"]], names=t.column_names).equals(t)
    assert pa.table(t.to_pydict()).equals(t)
    assert pa.Table.from_pylist(t.to_pylist()).equals(t)
    assert pa.Table.from_arrays([[1, 2]], schema=pa.schema([("v", pa.int8())])).schema.field("v").type == pa.int8()
    batches = t.to_batches(max_chunksize=3)
    assert [len(b) for b in batches] == [3, 1]
    assert pa.Table.from_batches(batches).equals(t)
    assert pa.table(batches[0]).num_rows == 3
    with pytest.raises(pa.ArrowInvalid):
        pa.Table.from_batches([])


def test_table_members():
    t = make_table()
    assert t.num_rows == 4 == len(t) and t.num_columns == 3 and t.shape == (4, 3)
    assert t.column_names == ["id", "name", "score"]
    assert isinstance(t["id"], pa.ChunkedArray) and t.column(0).to_pylist() == [1, 2, 3, 4]
    assert [c.type for c in t.columns] == [pa.int64(), pa.string(), pa.float64()]
    assert t.slice(1, 2).to_pydict() == {"id": [2, 3], "name": ["b", None], "score": [2.5, 3.5]}
    assert t.select([2, 0]).column_names == ["score", "id"]
    assert t.to_pylist()[2] == {"id": 3, "name": None, "score": 3.5}
    assert t.equals(t.combine_chunks())
    assert t.nbytes > 0
    doubled = pa.concat_tables([t, t])
    assert doubled.num_rows == 8 and doubled["id"].num_chunks == 2
    assert doubled.to_batches()[1].num_rows == 4
    assert t.filter(pa.compute.greater(t["id"], 2))["id"].to_pylist() == [3, 4]
    assert t.take([3, 0])["name"].to_pylist() == ["d", "a"]
    assert t.replace_schema_metadata({"k": "v"}).schema.metadata == {b"k": b"v"}
    reader = t.to_reader(max_chunksize=2)
    assert [len(b) for b in reader] == [2, 2]
    with pytest.raises(KeyError):
        t["missing"]


def test_chunked_array():
    c = pa.chunked_array([[1, 2], [3], []])
    assert c.num_chunks == 3 and len(c) == 3 and c.type == pa.int64()
    assert c.to_pylist() == [1, 2, 3] and c[2].as_py() == 3 and c[-1].as_py() == 3
    assert c.slice(1).to_pylist() == [2, 3]
    assert c.combine_chunks().to_pylist() == [1, 2, 3]
    assert c.equals(pa.chunked_array([[1], [2, 3]]))
    assert pa.chunked_array([], type=pa.string()).num_chunks == 0
    with pytest.raises(pa.ArrowInvalid):
        pa.chunked_array([])
    with pytest.raises(pa.ArrowTypeError):
        pa.chunked_array([pa.array([1]), pa.array(["a"])])


def test_record_batch_reader():
    schema = pa.schema([("x", pa.int64())])
    batches = [pa.record_batch([[i, i + 1]], schema=schema) for i in range(3)]
    reader = pa.RecordBatchReader.from_batches(schema, iter(batches))
    assert reader.schema == schema
    assert reader.read_next_batch().equals(batches[0])
    assert reader.read_all().num_rows == 4
    with pytest.raises(StopIteration):
        reader.read_next_batch()

    def failing():
        yield batches[0]
        raise ValueError("boom")

    bad = pa.RecordBatchReader.from_batches(schema, failing())
    with pytest.raises(Exception, match="boom"):
        bad.read_all()


def test_scalars():
    arr = pa.array([1, None])
    assert isinstance(arr[0], pa.Int64Scalar)
    assert arr[0].as_py() == 1 and arr[0].is_valid and not arr[1].is_valid
    assert arr[0] == pa.scalar(1) and arr[0] != pa.scalar(2)
    assert pa.scalar("x").type == pa.string()
    s = pa.array([{"a": 1, "b": [1, 2]}])[0]
    assert s["a"].as_py() == 1 and s["b"][1].as_py() == 2 and len(s["b"]) == 2
    d = pa.array(["x", "y", "x"], type=pa.dictionary(pa.int8(), pa.string()))[2]
    assert d.index.as_py() == 0 and d.value.as_py() == "x"
    with pytest.raises(IndexError):
        pa.array([1])[1]
