"""Type factories, fields and schemas."""

import pytest

import quiver as pa

from conftest import SAMPLES


@pytest.mark.parametrize("make_type", [s[1] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_factories_build_equal_hashable_types(make_type):
    a, b = make_type(pa), make_type(pa)
    assert a == b and hash(a) == hash(b)
    assert isinstance(a, pa.DataType)
    assert a.equals(b)
    assert str(a) == str(b) and repr(a).endswith("(" + str(a) + ")")


def test_type_strings_and_classes():
    assert str(pa.timestamp("ms", tz="UTC")) == "timestamp[ms, tz=UTC]"
    assert repr(pa.int64()) == "DataType(int64)"
    assert repr(pa.timestamp("s")) == "TimestampType(timestamp[s])"
    assert repr(pa.list_(pa.int32())) == "ListType(list<item: int32>)"
    assert isinstance(pa.list_(pa.int32(), 3), pa.FixedSizeListType)
    assert isinstance(pa.binary(4), pa.FixedSizeBinaryType)
    assert pa.binary(4).byte_width == 4
    assert pa.decimal128(10, 2).precision == 10 and pa.decimal128(10, 2).scale == 2
    assert pa.timestamp("ns", "Europe/Paris").tz == "Europe/Paris"
    assert pa.time32("ms").unit == "ms"
    m = pa.map_(pa.string(), pa.int32())
    assert m.key_type == pa.string() and m.item_type == pa.int32()
    d = pa.dictionary(pa.int8(), pa.string(), ordered=True)
    assert d.index_type == pa.int8() and d.value_type == pa.string() and d.ordered
    s = pa.struct({"a": pa.int8(), "b": pa.string()})
    assert s.names == ["a", "b"] and s["b"].type == pa.string() and len(s) == 2
    assert s.get_field_index("b") == 1
    u = pa.dense_union([pa.field("a", pa.int8())], type_codes=[5])
    assert u.mode == "dense" and u.type_codes == [5]
    r = pa.run_end_encoded(pa.int32(), pa.string())
    assert r.run_end_type == pa.int32() and r.value_type == pa.string()
    assert pa.int64().bit_width == 64
    assert pa.int64() == "int64" and pa.int64() != "int32"


def test_aliases():
    assert pa.type_for_alias("str") == pa.string()
    assert pa.type_for_alias("timestamp[ms]") == pa.timestamp("ms")
    assert pa.type_for_alias("timestamp[us, tz=UTC]") == pa.timestamp("us", "UTC")
    with pytest.raises(pa.ArrowInvalid):
        pa.type_for_alias("nope")


def test_factory_argument_errors():
    with pytest.raises(ValueError):
        pa.time32("us")
    with pytest.raises(ValueError):
        pa.time64("s")
    with pytest.raises(ValueError):
        pa.timestamp("minutes")
    with pytest.raises(pa.ArrowInvalid):
        pa.decimal32(10, 2)
    with pytest.raises(pa.ArrowInvalid):
        pa.sparse_union([pa.field("a", pa.int8())], type_codes=[200])
    with pytest.raises(pa.ArrowTypeError):
        pa.run_end_encoded(pa.string(), pa.int8())


def test_extension_types():
    u = pa.uuid()
    assert isinstance(u, pa.ExtensionType)
    assert u.extension_name == "arrow.uuid" and u.storage_type == pa.binary(16)
    arr = pa.array([b"0123456789abcdef", None], type=u)
    assert arr.to_pylist() == [b"0123456789abcdef", None]
    assert isinstance(arr.storage, pa.FixedSizeBinaryArray)
    assert pa.opaque(pa.int8(), "t", "v").__arrow_ext_serialize__() == b'{"type_name":"t","vendor_name":"v"}'


def test_fields():
    f = pa.field("a", pa.int64(), nullable=False, metadata={"k": "v"})
    assert f.name == "a" and f.type == pa.int64() and not f.nullable
    assert f.metadata == {b"k": b"v"}
    assert str(f) == "a: int64 not null"
    assert repr(f) == "quiver.Field<a: int64 not null>"
    assert f.with_name("b").name == "b"
    assert f.remove_metadata().metadata is None
    assert f.equals(f.remove_metadata()) and not f.equals(f.remove_metadata(), check_metadata=True)
    assert pa.field("x", "string").type == pa.string()


def test_schemas():
    s = pa.schema([("a", pa.int64()), pa.field("b", pa.string())], metadata={"m": "1"})
    assert s.names == ["a", "b"] and s.types == [pa.int64(), pa.string()]
    assert s.metadata == {b"m": b"1"}
    assert s.field("b").type == pa.string() and s[0].name == "a"
    assert len(s) == 2 and [f.name for f in s] == ["a", "b"]
    assert str(s) == "a: int64\nb: string\n-- schema metadata --\nm: '1'"
    assert s.get_field_index("b") == 1 and s.get_field_index("zz") == -1
    s2 = s.append(pa.field("c", pa.bool_())).remove(0)
    assert s2.names == ["b", "c"]
    assert s.equals(s.remove_metadata()) and not s.equals(s.remove_metadata(), check_metadata=True)
    assert pa.schema({"x": pa.int8()}).names == ["x"]
    with pytest.raises(KeyError):
        s.field("zz")
    empty = s.empty_table()
    assert empty.num_rows == 0 and empty.schema.names == ["a", "b"]
