"""Python values <-> quiver arrays for every type, type inference, numpy and pandas."""

import datetime
import decimal

import numpy as np
import pandas as pd
import pytest

import quiver as pa

from conftest import SAMPLES


def test_roundtrip_every_type(sample):
    name, make_type, values = sample
    t = make_type(pa)
    arr = pa.array(values, type=t)
    assert arr.type == t
    assert len(arr) == len(values)
    arr.validate(full=True)
    assert arr.null_count == sum(v is None for v in values) or name in ("sparse_union", "dense_union", "run_end_encoded")
    assert arr.to_pylist() == values
    # each scalar gives its value back
    assert [s.as_py() for s in arr] == values
    # and the values convert back to an equal array
    assert pa.array(arr.to_pylist(), type=t).equals(arr)


def test_slices_convert_from_their_offset(sample):
    _, make_type, values = sample
    arr = pa.array(values, type=make_type(pa))
    assert arr.slice(1).to_pylist() == values[1:]
    assert arr[1:2].to_pylist() == values[1:2]
    assert arr[::-1].to_pylist() == values[::-1]


@pytest.mark.parametrize(
    "values, expected",
    [
        ([1, 2, None], pa.int64()),
        ([1.5, 2], pa.float64()),
        ([True, None], pa.bool_()),
        (["a", None], pa.string()),
        ([b"a", "b"], pa.binary()),
        ([None, None], pa.null()),
        ([datetime.date(2020, 1, 1)], pa.date32()),
        ([datetime.datetime(2020, 1, 1)], pa.timestamp("us")),
        ([datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)], pa.timestamp("us", "UTC")),
        ([datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))],
         pa.timestamp("us", "+01:00")),
        ([datetime.time(1, 2)], pa.time64("us")),
        ([datetime.timedelta(1)], pa.duration("us")),
        ([decimal.Decimal("1.23"), decimal.Decimal("-10.5")], pa.decimal128(4, 2)),
        ([[1, 2], None, []], pa.list_(pa.int64())),
        ([[1], [1.5]], pa.list_(pa.float64())),
        ([{"a": 1}, {"b": "x"}], pa.struct([("a", pa.int64()), ("b", pa.string())])),
        ([np.int32(1), np.int32(2)], pa.int32()),
        ([np.float32(1)], pa.float32()),
        ([np.datetime64("2020-01-01T00:00:00", "s")], pa.timestamp("s")),
        ([pa.MonthDayNano(1, 2, 3)], pa.month_day_nano_interval()),
    ],
)
def test_inference(values, expected):
    assert pa.infer_type(values) == expected
    assert pa.array(values).type == expected


def test_inference_errors():
    with pytest.raises(pa.ArrowInvalid, match="Could not convert 'a' with type str: tried to convert to int64"):
        pa.array([1, "a"])
    with pytest.raises(OverflowError):
        pa.array([2**63])
    with pytest.raises(pa.ArrowInvalid, match="did not recognize Python value type"):
        pa.array([object()])


def test_conversion_errors():
    with pytest.raises(pa.ArrowInvalid, match="not in range"):
        pa.array([300], type=pa.uint8())
    with pytest.raises(pa.ArrowInvalid):
        pa.array([1.5], type=pa.int64())
    assert pa.array([1.0], type=pa.int64()).to_pylist() == [1]
    with pytest.raises(pa.ArrowInvalid, match="length"):
        pa.array([b"ab"], type=pa.binary(3))
    with pytest.raises(pa.ArrowTypeError):
        pa.array([1], type=pa.string())
    with pytest.raises(pa.ArrowInvalid):
        pa.array([b"\xff"], type=pa.string())
    with pytest.raises(pa.ArrowInvalid):
        pa.array([decimal.Decimal("1.234")], type=pa.decimal128(5, 2))
    with pytest.raises(pa.ArrowInvalid):
        pa.array([[1, 2, 3]], type=pa.list_(pa.int32(), 2))
    with pytest.raises(pa.ArrowInvalid):
        pa.array([1], type=pa.null())


def test_mask_and_from_pandas():
    arr = pa.array([1, 2, 3], mask=[False, True, False])
    assert arr.to_pylist() == [1, None, 3]
    assert pa.array([1.0, float("nan")], from_pandas=True).to_pylist() == [1.0, None]
    nan = pa.array([1.0, float("nan")]).to_pylist()[1]
    assert nan != nan


def test_timezones_convert_to_aware_datetimes():
    paris = pa.array([datetime.datetime(2020, 6, 1, 12, tzinfo=datetime.timezone.utc)],
                     type=pa.timestamp("s", "Europe/Paris"))
    value = paris[0].as_py()
    assert value.utcoffset() == datetime.timedelta(hours=2)
    assert value == datetime.datetime(2020, 6, 1, 12, tzinfo=datetime.timezone.utc)


def test_nanoseconds_come_back_as_pandas_objects():
    ts = pa.array([pd.Timestamp("2020-01-01 00:00:00.000000001")], type=pa.timestamp("ns"))
    assert ts[0].as_py() == pd.Timestamp("2020-01-01 00:00:00.000000001")
    d = pa.array([pd.Timedelta(1, unit="ns")], type=pa.duration("ns"))
    assert d[0].as_py() == pd.Timedelta(1, unit="ns")


def test_maps_as_dicts():
    arr = pa.array([[("a", 1), ("a", 2)]], type=pa.map_(pa.string(), pa.int64()))
    assert arr.to_pylist(maps_as_pydicts="lossy") == [{"a": 2}]
    with pytest.raises(KeyError):
        arr[0].as_py(maps_as_pydicts="strict")


# --- numpy


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                                   "float16", "float32", "float64"])
def test_numpy_numbers_are_zero_copy_both_ways(dtype):
    values = np.arange(10).astype(dtype)
    arr = pa.array(values)
    assert arr.type == pa.lib._ensure_type({"float16": "halffloat", "float32": "float",
                                            "float64": "double"}.get(dtype, dtype))
    assert arr.buffers()[1].address == values.ctypes.data
    back = arr.to_numpy()
    assert back.ctypes.data == values.ctypes.data
    np.testing.assert_array_equal(back, values)


def test_numpy_temporal_is_zero_copy():
    values = np.array(["2020-01-01T00:00:00", "NaT", "2021-01-01T00:00:01"], dtype="datetime64[ms]")
    arr = pa.array(values)
    assert arr.type == pa.timestamp("ms")
    assert arr.null_count == 1
    assert arr.buffers()[1].address == values.ctypes.data
    deltas = np.array([1, 2], dtype="timedelta64[us]")
    d = pa.array(deltas)
    assert d.type == pa.duration("us")
    assert d.buffers()[1].address == deltas.ctypes.data
    np.testing.assert_array_equal(d.to_numpy(), deltas)


def test_numpy_other_kinds():
    assert pa.array(np.array([True, False])).to_pylist() == [True, False]
    assert pa.array(np.array(["a", "bc"])).to_pylist() == ["a", "bc"]
    assert pa.array(np.array([1, None, 3], dtype=object)).to_pylist() == [1, None, 3]
    assert pa.array(np.array([1.0, np.nan]), from_pandas=True).null_count == 1
    assert pa.array(np.array([1, 2, 3]), mask=np.array([True, False, False])).to_pylist() == [None, 2, 3]
    assert pa.array(np.array([1, 2]), type=pa.int8()).type == pa.int8()
    with pytest.raises(pa.ArrowInvalid):
        pa.array(np.zeros((2, 2)))


def test_to_numpy_with_nulls():
    arr = pa.array([1, None, 3])
    with pytest.raises(pa.ArrowInvalid, match="zero_copy_only"):
        arr.to_numpy()
    out = arr.to_numpy(zero_copy_only=False)
    assert out.dtype == np.float64 and np.isnan(out[1])
    assert pa.array(["a", None]).to_numpy(zero_copy_only=False).tolist() == ["a", None]
    assert np.asarray(pa.array([1, 2])).tolist() == [1, 2]


# --- pandas


def test_pandas_roundtrip():
    df = pd.DataFrame({
        "i": [1, 2, 3],
        "f": [1.5, None, 3.0],
        "s": ["a", None, "c"],
        "b": [True, False, True],
        "t": pd.to_datetime(["2020-01-01", None, "2020-01-03"]),
        "tz": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"]).tz_localize("UTC"),
        "cat": pd.Categorical(["x", "y", "x"]),
        "ni": pd.array([1, None, 3], dtype="Int64"),
    })
    t = pa.table(df)
    assert t.schema.field("i").type == pa.int64()
    assert t.schema.field("f").type == pa.float64()
    assert t.column("f").null_count == 1
    assert t.schema.field("s").type == pa.string()
    assert t.schema.field("t").type == pa.timestamp(t.schema.field("t").type.unit)
    assert t.schema.field("tz").type.tz == "UTC"
    assert t.schema.field("cat").type == pa.dictionary(pa.int8(), pa.string())
    assert t.column("ni").to_pylist() == [1, None, 3]
    back = t.to_pandas()
    assert list(back.columns) == list(df.columns)
    assert back["i"].tolist() == [1, 2, 3]
    assert back["s"].tolist()[0] == "a" and pd.isna(back["s"].tolist()[1])
    assert back["b"].tolist() == [True, False, True]
    assert back["cat"].tolist() == ["x", "y", "x"]
    assert back["tz"].tolist() == df["tz"].tolist()
    assert back["t"].iloc[0] == df["t"].iloc[0] and pd.isna(back["t"].iloc[1])


def test_pandas_index_is_kept():
    df = pd.DataFrame({"x": [1, 2]}, index=pd.Index(["a", "b"], name="key"))
    t = pa.Table.from_pandas(df)
    assert t.column_names == ["x", "key"]
    back = t.to_pandas()
    assert back.index.tolist() == ["a", "b"] and back.index.name == "key"
    ranged = pa.Table.from_pandas(pd.DataFrame({"x": [1, 2]}))
    assert ranged.column_names == ["x"]


def test_series_and_array_to_pandas():
    s = pa.array([1, None, 3]).to_pandas()
    assert s.dtype == np.float64
    assert pa.array([1, 2]).to_pandas().tolist() == [1, 2]
    assert pa.chunked_array([[1], [2, 3]]).to_pandas().tolist() == [1, 2, 3]
    assert pa.array(pd.Series([1, 2])).to_pylist() == [1, 2]
    assert pa.Array.from_pandas(pd.Series([1.0, None])).to_pylist() == [1.0, None]
