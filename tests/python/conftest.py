"""Shared fixtures: one sample column for every Arrow type of the core.

Each sample is (id, type factory, values): `values` are the Python objects a
user would write, and what to_pylist() must give back. Types are built by
factories so that the same sample builds a quiver type (quiver module) or a
pyarrow type (pyarrow module) where pyarrow has the factory.
"""

import datetime
import decimal

import pytest

D = decimal.Decimal
UTC = datetime.timezone.utc


def _samples():
    dt = datetime.datetime
    td = datetime.timedelta
    return [
        ("null", lambda m: m.null(), [None, None, None]),
        ("bool", lambda m: m.bool_(), [True, None, False]),
        ("int8", lambda m: m.int8(), [1, None, -128, 127]),
        ("int16", lambda m: m.int16(), [1, None, -32768, 32767]),
        ("int32", lambda m: m.int32(), [1, None, -(2**31), 2**31 - 1]),
        ("int64", lambda m: m.int64(), [1, None, -(2**63), 2**63 - 1]),
        ("uint8", lambda m: m.uint8(), [0, None, 255]),
        ("uint16", lambda m: m.uint16(), [0, None, 65535]),
        ("uint32", lambda m: m.uint32(), [0, None, 2**32 - 1]),
        ("uint64", lambda m: m.uint64(), [0, None, 2**64 - 1]),
        ("float16", lambda m: m.float16(), [1.5, None, -2.0, 65504.0]),
        ("float32", lambda m: m.float32(), [1.5, None, -3.25]),
        ("float64", lambda m: m.float64(), [1.5, None, -1e300, 0.1]),
        ("decimal32", lambda m: m.decimal32(9, 2), [D("1.23"), None, D("-9999999.99")]),
        ("decimal64", lambda m: m.decimal64(18, 3), [D("1.230"), None, D("-123456789012345.678")]),
        ("decimal128", lambda m: m.decimal128(38, 10), [D("1.2300000000"), None, D("-12345678.0000000001")]),
        ("decimal256", lambda m: m.decimal256(76, 20),
         [D("1.23000000000000000000"), None, D("-1234567890123456789012345678901234567890.12345678901234567890")]),
        ("date32", lambda m: m.date32(), [datetime.date(2020, 1, 1), None, datetime.date(1969, 12, 31)]),
        ("date64", lambda m: m.date64(), [datetime.date(2020, 1, 1), None, datetime.date(1900, 2, 28)]),
        ("time32s", lambda m: m.time32("s"), [datetime.time(1, 2, 3), None, datetime.time(23, 59, 59)]),
        ("time32ms", lambda m: m.time32("ms"), [datetime.time(1, 2, 3, 456000), None]),
        ("time64us", lambda m: m.time64("us"), [datetime.time(1, 2, 3, 456789), None]),
        ("time64ns", lambda m: m.time64("ns"), [datetime.time(23, 59, 59, 999999), None]),
        ("timestamp_s", lambda m: m.timestamp("s"), [dt(2020, 1, 1, 12, 30, 15), None, dt(1950, 6, 1)]),
        ("timestamp_ms", lambda m: m.timestamp("ms"), [dt(2020, 1, 1, 12, 30, 15, 123000), None]),
        ("timestamp_us", lambda m: m.timestamp("us"), [dt(2020, 1, 1, 12, 30, 15, 123456), None, dt(1969, 12, 31, 23, 59, 59, 999999)]),
        ("timestamp_ns", lambda m: m.timestamp("ns"), [dt(2020, 1, 1, 12, 30, 15, 123456), None]),
        ("timestamp_utc", lambda m: m.timestamp("us", "UTC"), [dt(2020, 1, 1, 12, 0, tzinfo=UTC), None]),
        ("duration_s", lambda m: m.duration("s"), [td(days=1, seconds=2), None, td(seconds=-5)]),
        ("duration_ms", lambda m: m.duration("ms"), [td(milliseconds=1500), None]),
        ("duration_us", lambda m: m.duration("us"), [td(microseconds=7), None, td(days=-1, microseconds=3)]),
        ("duration_ns", lambda m: m.duration("ns"), [td(microseconds=7), None]),
        ("month_interval", lambda m: m.month_interval(), [1, None, -5]),
        ("day_time_interval", lambda m: m.day_time_interval(), [(1, 2), None, (-3, 4)]),
        ("month_day_nano_interval", lambda m: m.month_day_nano_interval(), [(1, 2, 3), None, (-1, -2, -3)]),
        ("binary", lambda m: m.binary(), [b"a", None, b"", b"\x00\xff"]),
        ("string", lambda m: m.string(), ["a", None, "", "\u00e9t\u00e9"]),
        ("large_binary", lambda m: m.large_binary(), [b"a", None, b""]),
        ("large_string", lambda m: m.large_string(), ["a", None, ""]),
        ("binary_view", lambda m: m.binary_view(), [b"short", None, b"a value longer than twelve bytes"]),
        ("string_view", lambda m: m.string_view(), ["short", None, "a value longer than twelve bytes"]),
        ("fixed_size_binary", lambda m: m.binary(3), [b"abc", None, b"\x00\x01\x02"]),
        ("list", lambda m: m.list_(m.int32()), [[1, 2], None, [], [None, 3]]),
        ("large_list", lambda m: m.large_list(m.string()), [["a"], None, []]),
        ("list_view", lambda m: m.list_view(m.int64()), [[1, 2], None, []]),
        ("large_list_view", lambda m: m.large_list_view(m.int8()), [[1], None, [2, 3]]),
        ("fixed_size_list", lambda m: m.list_(m.int32(), 2), [[1, 2], None, [3, None]]),
        ("struct", lambda m: m.struct([("a", m.int32()), ("b", m.string())]),
         [{"a": 1, "b": "x"}, None, {"a": None, "b": None}]),
        ("map", lambda m: m.map_(m.string(), m.int32()), [[("a", 1), ("b", 2)], None, []]),
        ("sparse_union", lambda m: m.sparse_union([m.field("i", m.int32()), m.field("s", m.string())]),
         [1, "a", None, 2]),
        ("dense_union", lambda m: m.dense_union([m.field("i", m.int32()), m.field("s", m.string())]),
         [1, "a", None, "b"]),
        ("dictionary", lambda m: m.dictionary(m.int32(), m.string()), ["a", "b", None, "a"]),
        ("run_end_encoded", lambda m: m.run_end_encoded(m.int32(), m.string()), ["a", "a", "b", None, None]),
    ]


SAMPLES = _samples()
SAMPLE_IDS = [s[0] for s in SAMPLES]


@pytest.fixture(params=SAMPLES, ids=SAMPLE_IDS)
def sample(request):
    """(name, type factory, values) for one type."""
    return request.param
