"""Interoperability with pyarrow (a test peer only): the Arrow PyCapsule
interface both ways for every type, zero-copy (the same buffer addresses), and
reprs that match pyarrow's."""

import pyarrow
import pytest

import quiver as pa

from conftest import SAMPLES

# pyarrow has no factories for these two interval types and cannot wrap their
# arrays in Python objects; their data still travels through the C Data
# interface (pyarrow's C++ imports and exports it).
NO_PYARROW_FACTORY = {"month_interval", "day_time_interval"}


def addresses(arr):
    """Addresses of every non-empty buffer of an array (quiver or pyarrow), dictionaries included."""
    out = set()
    kind = str(arr.type)
    if kind.startswith("dictionary"):
        return addresses(arr.indices) | addresses(arr.dictionary)
    for buf in arr.buffers():
        if buf is not None and buf.size > 0:
            out.add(buf.address)
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_array_capsules_both_ways_zero_copy(sample):
    name, make_type, values = sample
    q = pa.array(values, type=make_type(pa))
    if name in NO_PYARROW_FACTORY:
        # pyarrow cannot make a Python object of such an array, but a batch holding one travels.
        p = pyarrow.record_batch(pa.record_batch({"v": q}))
        back = pa.record_batch(p)["v"]
    else:
        p = pyarrow.array(q)                  # pyarrow imports quiver's __arrow_c_array__
        back = pa.array(p)                    # quiver imports pyarrow's __arrow_c_array__
    assert back.equals(q)
    # Neither direction copied: the round trip ends on quiver's own buffers.
    assert addresses(back) == addresses(q)
    if name not in NO_PYARROW_FACTORY:
        assert len(p) == len(q)
        assert str(p.type) == str(q.type)
        assert addresses(q) <= addresses(p)
        assert p.type == make_type(pyarrow)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s[0] for s in SAMPLES])
def test_tables_zero_copy_both_ways(sample):
    name, make_type, values = sample
    q = pa.table({"col": pa.array(values, type=make_type(pa)), "n": list(range(len(values)))})
    p = pyarrow.table(q)                      # __arrow_c_stream__
    assert p.num_rows == q.num_rows and p.column_names == q.column_names
    back = pa.table(p)
    assert back.equals(q)
    assert addresses(back["col"].chunk(0)) == addresses(q["col"].chunk(0))
    assert addresses(back["n"].chunk(0)) == addresses(q["n"].chunk(0))


def test_pyarrow_data_comes_in_without_copies():
    p = pyarrow.table({"a": pyarrow.array(range(1000)), "s": pyarrow.array([str(i) for i in range(1000)])})
    q = pa.table(p)
    for name in ("a", "s"):
        assert addresses(q[name].chunk(0)) == addresses(p[name].chunk(0))
    assert q.to_pydict() == p.to_pydict()


def test_schema_field_type_capsules():
    qs = pa.schema([pa.field("a", pa.int64(), nullable=False), ("b", pa.list_(pa.string()))], metadata={"k": "v"})
    ps = pyarrow.schema(qs)
    assert ps.names == ["a", "b"] and not ps.field("a").nullable and ps.metadata == {b"k": b"v"}
    assert pa.schema(ps).equals(qs, check_metadata=True)
    assert pyarrow.field(pa.field("x", pa.timestamp("ms", "UTC"))).type == pyarrow.timestamp("ms", "UTC")
    assert pa.field(pyarrow.field("y", pyarrow.decimal128(5, 2))).type == pa.decimal128(5, 2)
    assert pa.DataType._import_from_c_capsule(pyarrow.int16().__arrow_c_schema__()) == pa.int16()


def test_record_batch_and_chunked_array_capsules():
    qb = pa.record_batch({"a": [1, 2], "b": ["x", None]})
    pb = pyarrow.record_batch(qb)
    assert pb.to_pydict() == qb.to_pydict()
    assert pa.record_batch(pb).equals(qb)
    qc = pa.chunked_array([[1, 2], [3]])
    pc = pyarrow.chunked_array(qc)
    assert pc.num_chunks == 2 and pc.to_pylist() == [1, 2, 3]
    back = pa.chunked_array(pc)
    assert back.num_chunks == 2 and back.equals(qc)
    reader = pa.RecordBatchReader.from_stream(pyarrow.table({"z": [1, 2, 3]}))
    assert reader.read_all().to_pydict() == {"z": [1, 2, 3]}
    preader = pyarrow.RecordBatchReader.from_stream(pa.table({"z": [4]}).to_reader())
    assert preader.read_all().to_pydict() == {"z": [4]}


def test_stream_of_a_python_generator_reaches_pyarrow():
    schema = pa.schema([("v", pa.int32())])
    batches = (pa.record_batch([[i]], schema=schema) for i in range(5))
    reader = pa.RecordBatchReader.from_batches(schema, batches)
    assert pyarrow.table(reader).column("v").to_pylist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s[0] not in NO_PYARROW_FACTORY],
                         ids=[s[0] for s in SAMPLES if s[0] not in NO_PYARROW_FACTORY])
def test_array_repr_matches_pyarrow(sample):
    name, make_type, values = sample
    q = pa.array(values, type=make_type(pa))
    p = pyarrow.array(q)
    q_first, q_rest = repr(q).split("\n", 1)
    p_first, p_rest = repr(p).split("\n", 1)
    assert q_rest == p_rest
    assert str(q) == str(p)
    assert type(q).__name__ == type(p).__name__
    assert q_first.startswith(f"<quiver.lib.{type(q).__name__} object at 0x")
    assert repr(q.type) == repr(p.type)


def test_long_array_repr_matches_pyarrow():
    values = list(range(100)) + [None]
    assert str(pa.array(values)) == str(pyarrow.array(values))
    strings = ["x" * i for i in range(30)]
    assert str(pa.array(strings)) == str(pyarrow.array(strings))


def test_table_batch_chunked_scalar_reprs_match_pyarrow():
    data = {"id": list(range(12)), "name": [f"n{i}" for i in range(12)], "f": [0.5 * i for i in range(12)]}
    qt, pt = pa.table(data), pyarrow.table(data)
    assert repr(qt).replace("quiver.", "pyarrow.") == repr(pt)
    qb, pb = pa.record_batch(data), pyarrow.record_batch(data)
    assert repr(qb).replace("quiver.", "pyarrow.") == repr(pb)
    qc, pc = pa.chunked_array([[1, 2], [3]]), pyarrow.chunked_array([[1, 2], [3]])
    assert repr(qc).split("\n", 1)[1] == repr(pc).split("\n", 1)[1]
    assert repr(pa.scalar(1)) == repr(pyarrow.scalar(1)).replace("pyarrow.", "quiver.")
    assert repr(pa.scalar("x")) == repr(pyarrow.scalar("x")).replace("pyarrow.", "quiver.")
    assert repr(pa.field("a", pa.int8())) == repr(pyarrow.field("a", pyarrow.int8())).replace("pyarrow.", "quiver.")
    s = [("a", "int64"), ("b", "string")]
    assert repr(pa.schema(s)) == repr(pyarrow.schema(s))
