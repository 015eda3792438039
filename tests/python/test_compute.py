"""quiver.compute: aggregates, comparisons, logic, filter and take."""

import datetime
import math

import pytest

import quiver as pa
import quiver.compute as pc


def test_aggregates():
    ints = pa.chunked_array([[1, 2, None], [4]])
    assert pc.sum(ints).as_py() == 7 and pc.sum(ints).type == pa.int64()
    assert pc.mean(ints).as_py() == pytest.approx(7 / 3)
    assert pc.min(ints).as_py() == 1 and pc.max(ints).as_py() == 4
    assert pc.min_max(ints).as_py() == {"min": 1, "max": 4}
    assert pc.count(ints).as_py() == 3
    assert pc.count(ints, mode="only_null").as_py() == 1
    assert pc.count(ints, mode="all").as_py() == 4
    assert pc.sum(ints, skip_nulls=False).as_py() is None
    assert pc.sum(pa.array([], type=pa.int64())).as_py() is None
    assert pc.sum(pa.array([], type=pa.int64()), min_count=0).as_py() == 0
    assert pc.sum(pa.array([1, 2], type=pa.uint8())).type == pa.uint64()
    assert pc.sum(pa.array([1.5, 2.0])).as_py() == 3.5
    assert pc.max(pa.array(["b", "a", None])).as_py() == "b"
    assert pc.min(pa.array([float("nan"), 2.0])).as_py() == 2.0
    assert math.isnan(pc.max(pa.array([float("nan")])).as_py())
    assert pc.min(pa.array([datetime.date(2020, 1, 2), datetime.date(2019, 1, 1)])).as_py() == datetime.date(2019, 1, 1)
    with pytest.raises(pa.ArrowNotImplementedError):
        pc.mean(pa.array(["x"]))


def test_comparisons():
    a = pa.array([1, 2, None, 4])
    assert pc.equal(a, 2).to_pylist() == [False, True, None, False]
    assert pc.not_equal(a, 2).to_pylist() == [True, False, None, True]
    assert pc.less(a, 2).to_pylist() == [True, False, None, False]
    assert pc.less_equal(a, 2).to_pylist() == [True, True, None, False]
    assert pc.greater(a, 2.5).to_pylist() == [False, False, None, True]
    assert pc.greater_equal(2, a).to_pylist() == [True, True, None, False]
    assert pc.equal(a, pa.array([1, 0, 0, 4])).to_pylist() == [True, False, None, True]
    assert pc.equal(pa.array(["a", "b"]), "b").to_pylist() == [False, True]
    ts = pa.array([datetime.datetime(2020, 1, 1), datetime.datetime(2021, 1, 1)], type=pa.timestamp("s"))
    assert pc.greater(ts, datetime.datetime(2020, 6, 1)).to_pylist() == [False, True]
    chunked = pa.chunked_array([[1, 5], [3]])
    result = pc.greater(chunked, 2)
    assert isinstance(result, pa.ChunkedArray) and result.to_pylist() == [False, True, True]
    assert pc.equal(pa.array([2**63 - 1], type=pa.int64()), pa.array([2**64 - 1], type=pa.uint64())).to_pylist() == [False]
    with pytest.raises(pa.ArrowNotImplementedError):
        pc.equal(pa.array([1]), pa.array(["a"]))
    with pytest.raises(pa.ArrowInvalid):
        pc.equal(pa.array([1, 2]), pa.array([1]))


def test_logic_and_nulls():
    x = pa.array([True, False, None])
    y = pa.array([True, True, False])
    assert pc.and_(x, y).to_pylist() == [True, False, None]
    assert pc.or_(x, y).to_pylist() == [True, True, None]
    assert pc.xor(x, y).to_pylist() == [False, True, None]
    assert pc.and_kleene(x, y).to_pylist() == [True, False, False]
    assert pc.or_kleene(x, pa.array([False, False, True])).to_pylist() == [True, False, True]
    assert pc.invert(x).to_pylist() == [False, True, None]
    assert pc.is_null(pa.array([1, None])).to_pylist() == [False, True]
    assert pc.is_valid(pa.array([1, None])).to_pylist() == [True, False]
    assert pc.is_null(pa.array([1.0, float("nan")]), nan_is_null=True).to_pylist() == [False, True]


def test_filter_and_take():
    values = pa.array(["a", "b", "c", None])
    mask = pa.array([True, None, False, True])
    assert pc.filter(values, mask).to_pylist() == ["a", None]
    assert pc.filter(values, mask, null_selection_behavior="emit_null").to_pylist() == ["a", None, None]
    assert pc.take(values, [3, 0, None]).to_pylist() == [None, "a", None]
    assert pc.take(pa.array([[1], [2, 3]]), [1]).to_pylist() == [[2, 3]]
    chunked = pa.chunked_array([[1, 2], [3, 4]])
    assert pc.filter(chunked, [False, True, True, False]).to_pylist() == [2, 3]
    assert pc.take(chunked, [3, 0]).to_pylist() == [4, 1]
    t = pa.table({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    selected = t.filter(pc.and_(pc.greater(t["x"], 1), pc.not_equal(t["y"], "c")))
    assert selected.to_pydict() == {"x": [2], "y": ["b"]}
    with pytest.raises(pa.ArrowIndexError):
        pc.take(values, [4])
    with pytest.raises(pa.ArrowInvalid):
        pc.filter(values, [True])


def test_seed_usage():
    batch = pa.record_batch([[1, 2, 3], [0.25, 0.5, 0.75]], names=["id", "random_value"])
    assert pa.compute.mean(batch["random_value"]).as_py() == pytest.approx(0.5)
