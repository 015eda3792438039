"""Type predicates, as in pyarrow.types: is_integer(t), is_timestamp(t), ..."""

from __future__ import annotations

from quiver.lib import DataType

_SIGNED = {"int8", "int16", "int32", "int64"}
_UNSIGNED = {"uint8", "uint16", "uint32", "uint64"}
_FLOATING = {"halffloat", "float", "double"}
_DECIMAL = {"decimal32", "decimal64", "decimal128", "decimal256"}
_LISTS = {"list", "large_list", "list_view", "large_list_view", "fixed_size_list"}
_NESTED = _LISTS | {"struct", "map", "sparse_union", "dense_union"}
_TEMPORAL = {"date32", "date64", "time32", "time64", "timestamp", "duration", "month_interval",
             "day_time_interval", "month_day_nano_interval"}


def _kind(t: DataType) -> str:
    return t._kind


def is_null(t): return _kind(t) == "null"
def is_boolean(t): return _kind(t) == "bool"
def is_integer(t): return _kind(t) in _SIGNED | _UNSIGNED
def is_signed_integer(t): return _kind(t) in _SIGNED
def is_unsigned_integer(t): return _kind(t) in _UNSIGNED
def is_int8(t): return _kind(t) == "int8"
def is_int16(t): return _kind(t) == "int16"
def is_int32(t): return _kind(t) == "int32"
def is_int64(t): return _kind(t) == "int64"
def is_uint8(t): return _kind(t) == "uint8"
def is_uint16(t): return _kind(t) == "uint16"
def is_uint32(t): return _kind(t) == "uint32"
def is_uint64(t): return _kind(t) == "uint64"
def is_floating(t): return _kind(t) in _FLOATING
def is_float16(t): return _kind(t) == "halffloat"
def is_float32(t): return _kind(t) == "float"
def is_float64(t): return _kind(t) == "double"
def is_decimal(t): return _kind(t) in _DECIMAL
def is_decimal32(t): return _kind(t) == "decimal32"
def is_decimal64(t): return _kind(t) == "decimal64"
def is_decimal128(t): return _kind(t) == "decimal128"
def is_decimal256(t): return _kind(t) == "decimal256"
def is_list(t): return _kind(t) == "list"
def is_large_list(t): return _kind(t) == "large_list"
def is_fixed_size_list(t): return _kind(t) == "fixed_size_list"
def is_list_view(t): return _kind(t) == "list_view"
def is_large_list_view(t): return _kind(t) == "large_list_view"
def is_struct(t): return _kind(t) == "struct"
def is_union(t): return _kind(t) in ("sparse_union", "dense_union")
def is_nested(t): return _kind(t) in _NESTED
def is_run_end_encoded(t): return _kind(t) == "run_end_encoded"
def is_map(t): return _kind(t) == "map"
def is_dictionary(t): return _kind(t) == "dictionary"
def is_temporal(t): return _kind(t) in _TEMPORAL
def is_timestamp(t): return _kind(t) == "timestamp"
def is_duration(t): return _kind(t) == "duration"
def is_time(t): return _kind(t) in ("time32", "time64")
def is_time32(t): return _kind(t) == "time32"
def is_time64(t): return _kind(t) == "time64"
def is_date(t): return _kind(t) in ("date32", "date64")
def is_date32(t): return _kind(t) == "date32"
def is_date64(t): return _kind(t) == "date64"
def is_interval(t): return _kind(t) in ("month_interval", "day_time_interval", "month_day_nano_interval")
def is_binary(t): return _kind(t) == "binary"
def is_large_binary(t): return _kind(t) == "large_binary"
def is_unicode(t): return _kind(t) == "string"
def is_string(t): return _kind(t) == "string"
def is_large_unicode(t): return _kind(t) == "large_string"
def is_large_string(t): return _kind(t) == "large_string"
def is_binary_view(t): return _kind(t) == "binary_view"
def is_string_view(t): return _kind(t) == "string_view"
def is_fixed_size_binary(t): return _kind(t) == "fixed_size_binary"
def is_extension(t): return _kind(t) == "extension"
def is_primitive(t):
    return _kind(t) in ({"null", "bool"} | _SIGNED | _UNSIGNED | _FLOATING | _TEMPORAL)
