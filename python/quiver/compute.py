"""A small subset of pyarrow.compute: aggregates, comparisons, boolean logic,
null checks, filter and take -- what a Flight server needs to answer a simple
query.

    import quiver as pa
    import quiver.compute as pc
    t = pa.table({"x": [1, 2, 3]})
    pc.sum(t["x"]).as_py()                       # 6
    t.filter(pc.greater(t["x"], 1)).num_rows     # 2

Arguments may be Arrays, ChunkedArrays, Scalars, or plain Python values
(converted to a scalar of the other argument's type).
"""

from __future__ import annotations

from quiver import lib

__all__ = [
    "sum", "mean", "min", "max", "min_max", "count",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "and_", "or_", "xor", "invert", "and_kleene", "or_kleene",
    "is_null", "is_valid", "filter", "take",
]


def _is_datum(value):
    return isinstance(value, (lib.Array, lib.ChunkedArray, lib.Scalar))


def _as_datum(value, like=None):
    """Arrays, chunked arrays and scalars as they are; lists as arrays; other
    Python values as a scalar of `like`'s type when they convert to it."""
    from quiver import _core

    if _is_datum(value):
        return value
    if isinstance(value, (list, tuple)) or _core._pd.is_ndarray(value) or _core._is_pandas_object(value):
        return _core.array(value)
    if like is not None:
        like_type = like.type
        try:
            return _core.scalar(value, type=like_type)
        except (lib.ArrowInvalid, lib.ArrowTypeError, TypeError, ValueError, OverflowError):
            pass
    return _core.scalar(value)


def _binary_args(x, y):
    if _is_datum(x) and not _is_datum(y):
        return x, _as_datum(y, x)
    if _is_datum(y) and not _is_datum(x):
        return _as_datum(x, y), y
    return _as_datum(x), _as_datum(y)


def _aggregate_input(values):
    return values if _is_datum(values) else _as_datum(values)


# --- aggregates


def sum(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    """Sum of the non-null values (int64, uint64 or double)."""
    return lib._aggregate("sum", _aggregate_input(array), skip_nulls, min_count, "only_valid")


def mean(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    """Arithmetic mean of the non-null values, as a double."""
    return lib._aggregate("mean", _aggregate_input(array), skip_nulls, min_count, "only_valid")


def min(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    """Smallest non-null value (NaN only when every value is NaN)."""
    return lib._aggregate("min", _aggregate_input(array), skip_nulls, min_count, "only_valid")


def max(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    """Largest non-null value (NaN only when every value is NaN)."""
    return lib._aggregate("max", _aggregate_input(array), skip_nulls, min_count, "only_valid")


def min_max(array, /, *, skip_nulls=True, min_count=1, options=None, memory_pool=None):
    """A struct scalar {min, max}."""
    return lib._aggregate("min_max", _aggregate_input(array), skip_nulls, min_count, "only_valid")


def count(array, /, mode="only_valid", *, options=None, memory_pool=None):
    """Number of values: 'only_valid' (default), 'only_null' or 'all'."""
    return lib._aggregate("count", _aggregate_input(array), True, 0, mode)


# --- comparisons


def _comparison(name):
    def compare(x, y, /, *, memory_pool=None):
        lhs, rhs = _binary_args(x, y)
        return lib._compare(name, lhs, rhs)

    compare.__name__ = name
    compare.__doc__ = f"Element-wise {name.replace('_', ' ')} (null where either side is null)."
    return compare


equal = _comparison("equal")
not_equal = _comparison("not_equal")
less = _comparison("less")
less_equal = _comparison("less_equal")
greater = _comparison("greater")
greater_equal = _comparison("greater_equal")


# --- boolean logic


def _logical(name, public):
    def logical(x, y, /, *, memory_pool=None):
        lhs, rhs = _binary_args(x, y)
        return lib._logical(name, lhs, rhs)

    logical.__name__ = public
    return logical


and_ = _logical("and", "and_")
or_ = _logical("or", "or_")
xor = _logical("xor", "xor")
and_kleene = _logical("and_kleene", "and_kleene")
or_kleene = _logical("or_kleene", "or_kleene")


def invert(values, /, *, memory_pool=None):
    """Boolean negation (null stays null)."""
    return lib._unary("invert", _as_datum(values), False)


def is_null(values, /, *, nan_is_null=False, options=None, memory_pool=None):
    """True where the value is null (or NaN, with nan_is_null=True)."""
    return lib._unary("is_null", _as_datum(values), nan_is_null)


def is_valid(values, /, *, memory_pool=None):
    """True where the value is not null."""
    return lib._unary("is_valid", _as_datum(values), False)


# --- selection


def filter(values, selection_filter, /, null_selection_behavior="drop", *, options=None, memory_pool=None):
    """The rows (of an Array, ChunkedArray, RecordBatch or Table) where the mask is true."""
    from quiver import _core

    mask = selection_filter
    if not isinstance(mask, (lib.Array, lib.ChunkedArray)):
        mask = _core.array(mask, type=lib.bool_())
    return lib._filter(values, mask, null_selection_behavior)


def take(data, indices, /, *, boundscheck=True, options=None, memory_pool=None):
    """The rows at `indices` (a null index gives a null row)."""
    from quiver import _core

    if not isinstance(indices, (lib.Array, lib.ChunkedArray)):
        indices = _core.array(indices)
    return lib._take(data, indices)
