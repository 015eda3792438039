"""Arrow IPC streams and files, read and written by quiver and by pyarrow (a test peer)."""

import io

import pyarrow
import pyarrow.ipc
import pytest

import quiver as pa

from conftest import SAMPLES

# IPC needs pyarrow factories to compare against pyarrow's own reading.
NO_PYARROW_FACTORY = {"month_interval", "day_time_interval"}


def sample_table(module):
    return module.table({
        "id": module.array([1, 2, 3], type=module.int32()),
        "name": ["a", None, "c"],
        "score": [1.5, 2.5, None],
        "tags": [["x"], [], None],
        "kind": module.array(["p", "q", "p"], type=module.dictionary(module.int8(), module.string())),
    })


def test_stream_roundtrip_in_memory():
    t = sample_table(pa)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, t.schema) as writer:
        writer.write_table(t)
        writer.write_batch(t.to_batches()[0])
    buf = sink.getvalue()
    reader = pa.ipc.open_stream(buf)
    assert reader.schema.equals(t.schema)
    got = reader.read_all()
    assert got.num_rows == 6
    assert got.slice(0, 3).equals(t)


def test_file_roundtrip_on_disk(tmp_path):
    t = sample_table(pa)
    path = tmp_path / "data.arrow"
    with pa.ipc.new_file(str(path), t.schema, metadata={"origin": "quiver"}) as writer:
        writer.write_table(t, max_chunksize=2)
    reader = pa.ipc.open_file(str(path))
    assert reader.num_record_batches == 2
    assert reader.get_batch(1).num_rows == 1
    assert reader.metadata == {b"origin": b"quiver"}
    assert reader.read_all().equals(t)
    assert reader.read_pandas()["id"].tolist() == [1, 2, 3]
    with pytest.raises(IndexError):
        reader.get_batch(2)


def test_python_file_objects_and_compression():
    t = sample_table(pa)
    for compression in (None, "lz4", "zstd"):
        sink = io.BytesIO()
        options = pa.ipc.IpcWriteOptions(compression=compression)
        with pa.ipc.new_stream(sink, t.schema, options=options) as writer:
            writer.write_table(t)
        assert pa.ipc.open_stream(io.BytesIO(sink.getvalue())).read_all().equals(t)
        assert pa.ipc.open_stream(sink.getvalue()).read_all().equals(t)
        assert pyarrow.ipc.open_stream(sink.getvalue()).read_all().equals(sample_table(pyarrow))


def test_quiver_writes_pyarrow_reads(tmp_path):
    qt, pt = sample_table(pa), sample_table(pyarrow)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, qt.schema) as writer:
        writer.write_table(qt)
    assert pyarrow.ipc.open_stream(sink.getvalue().to_pybytes()).read_all().equals(pt)
    path = tmp_path / "q.arrow"
    with pa.ipc.new_file(path, qt.schema) as writer:
        writer.write_table(qt)
    assert pyarrow.ipc.open_file(str(path)).read_all().equals(pt)


def test_pyarrow_writes_quiver_reads(tmp_path):
    qt, pt = sample_table(pa), sample_table(pyarrow)
    path = tmp_path / "p.arrow"
    with pyarrow.ipc.new_file(str(path), pt.schema) as writer:
        writer.write_table(pt)
    assert pa.ipc.open_file(str(path)).read_all().equals(qt)
    stream_path = tmp_path / "p.arrows"
    with pyarrow.ipc.new_stream(str(stream_path), pt.schema) as writer:
        writer.write_table(pt, max_chunksize=1)
    with open(stream_path, "rb") as f:
        got = pa.ipc.open_stream(f).read_all()
    assert got.equals(qt) and got["id"].num_chunks == 3
    assert pa.ipc.open_stream(pa.memory_map(str(stream_path))).read_all().equals(qt)


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s[0] not in NO_PYARROW_FACTORY],
                         ids=[s[0] for s in SAMPLES if s[0] not in NO_PYARROW_FACTORY])
def test_every_type_through_ipc_both_ways(sample):
    name, make_type, values = sample
    q = pa.table({"v": pa.array(values, type=make_type(pa))})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, q.schema) as writer:
        writer.write_table(q)
    p = pyarrow.ipc.open_stream(sink.getvalue().to_pybytes()).read_all()
    p.validate(full=True)
    assert p.equals(pyarrow.table(q))
    psink = pyarrow.BufferOutputStream()
    with pyarrow.ipc.new_file(psink, p.schema) as writer:
        writer.write_table(p)
    assert pa.ipc.open_file(psink.getvalue().to_pybytes()).read_all().equals(q)


def test_schema_and_batch_messages():
    t = sample_table(pa)
    schema_bytes = t.schema.serialize()
    assert pa.ipc.read_schema(schema_bytes).equals(t.schema)
    assert pyarrow.ipc.read_schema(pyarrow.py_buffer(schema_bytes.to_pybytes())).equals(sample_table(pyarrow).schema)
    plain = pa.record_batch({"x": [1, 2]})
    assert pa.ipc.read_record_batch(plain.serialize(), plain.schema).equals(plain)


def test_reader_and_writer_errors():
    with pytest.raises(pa.ArrowInvalid):
        pa.ipc.open_stream(b"not an arrow stream at all")
    with pytest.raises(pa.ArrowInvalid):
        pa.ipc.open_file(b"ARROW1 but much too short")
    t = pa.table({"a": [1]})
    sink = pa.BufferOutputStream()
    writer = pa.ipc.new_stream(sink, t.schema)
    with pytest.raises(pa.ArrowInvalid):
        writer.write_table(pa.table({"b": ["x"]}))
    writer.close()
    with pytest.raises(pa.ArrowInvalid):
        writer.write_table(t)


def test_pandas_serialization():
    import pandas as pd

    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    buf = pa.ipc.serialize_pandas(df)
    assert pa.ipc.deserialize_pandas(buf).equals(df)
