"""numpy and pandas conversions (both optional: imported only when used).

numpy -> Quiver wraps the numpy memory when the layout allows it (primitive
numbers, datetime64/timedelta64 as timestamps/durations): the values buffer is
the numpy array's own memory and only a validity bitmap is computed when there
are nulls. Quiver -> numpy views the Arrow values buffer the same way when the
array has no nulls. Everything else converts value by value.
"""

from __future__ import annotations

import json
import sys

from quiver import lib


def _np():
    import numpy

    return numpy


def _pandas():
    import pandas

    return pandas


def is_ndarray(obj):
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(obj, numpy.ndarray)


def is_series(obj):
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(obj, pandas.Series)


def is_index(obj):
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(obj, pandas.Index)


def is_dataframe(obj):
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(obj, pandas.DataFrame)


# ---------------------------------------------------------------------------
# numpy -> Quiver

_NUMPY_NUMERIC = {
    "b1": "bool_",
    "i1": "int8",
    "i2": "int16",
    "i4": "int32",
    "i8": "int64",
    "u1": "uint8",
    "u2": "uint16",
    "u4": "uint32",
    "u8": "uint64",
    "f2": "float16",
    "f4": "float32",
    "f8": "float64",
}
_NUMPY_UNITS = {"s", "ms", "us", "ns"}


def _numeric_type_of(dtype):
    key = f"{dtype.kind}{dtype.itemsize}" if dtype.kind != "b" else "b1"
    name = _NUMPY_NUMERIC.get(key)
    return getattr(lib, name)() if name else None


def _temporal_unit(dtype):
    unit, count = _np().datetime_data(dtype)
    return unit if count == 1 else None


def array_from_numpy(arr, type=None, mask=None, from_pandas=False):
    numpy = _np()
    if arr.ndim != 1:
        raise lib.ArrowInvalid(f"only handle 1-dimensional arrays, got one with {arr.ndim} dimensions")
    if mask is not None:
        mask = numpy.ascontiguousarray(numpy.asarray(mask), dtype=numpy.bool_)
        if mask.shape != arr.shape:
            raise lib.ArrowInvalid(f"mask has {mask.shape[0]} entries but the array has {arr.shape[0]} values")
    kind = arr.dtype.kind
    if kind in "biuf":
        natural = _numeric_type_of(arr.dtype)
        if natural is not None and (type is None or type.equals(natural)):
            data = numpy.ascontiguousarray(arr)
            if not data.dtype.isnative:
                data = data.astype(data.dtype.newbyteorder("="))
            return lib._array_from_buffer(data, natural, mask, from_pandas and kind == "f", False)
        values = arr.tolist()
        return lib._array_from_pylist(values, type, None if mask is None else mask.tolist(), from_pandas)
    if kind in "Mm":
        unit = _temporal_unit(arr.dtype)
        is_datetime = kind == "M"
        if type is not None:
            wanted = type.unit if type._kind in ("timestamp", "duration") else None
        else:
            wanted = unit if unit in _NUMPY_UNITS else ("s" if unit in ("m", "h", "D", "W") and is_datetime else "ns")
        if is_datetime and unit == "D" and (type is None or type._kind == "date32"):
            nat = numpy.isnat(arr)
            days = arr.astype("int64").astype("int32")
            full_mask = nat if mask is None else (nat | mask)
            return lib._array_from_buffer(numpy.ascontiguousarray(days), lib.date32(),
                                          full_mask if full_mask.any() else None, False, False)
        if wanted is None or (type is not None and type._kind not in ("timestamp", "duration")):
            values = arr.astype(object).tolist()
            return lib._array_from_pylist(values, type, None if mask is None else mask.tolist(), True)
        converted = arr.astype(f"{'M8' if is_datetime else 'm8'}[{wanted}]") if unit != wanted else arr
        data = numpy.ascontiguousarray(converted).view("int64")
        target = type if type is not None else (lib.timestamp(wanted) if is_datetime else lib.duration(wanted))
        return lib._array_from_buffer(data, target, mask, False, True)
    if kind in "US":
        values = arr.tolist()
        default = lib.utf8() if kind == "U" else lib.binary()
        return lib._array_from_pylist(values, type or default, None if mask is None else mask.tolist(), from_pandas)
    values = arr.tolist() if kind != "O" else list(arr)
    return lib._array_from_pylist(values, type, None if mask is None else mask.tolist(), from_pandas)


def _pandas_extension_values(series, type):
    """Values and mask of a pandas extension array (nullable ints, booleans, strings...)."""
    numpy = _np()
    pandas = _pandas()
    dtype = series.dtype
    if isinstance(dtype, pandas.CategoricalDtype):
        codes = numpy.asarray(series.cat.codes)
        categories = array_from_pandas(pandas.Series(series.cat.categories), from_pandas=True)
        index_mask = codes < 0
        indices = lib._array_from_buffer(numpy.ascontiguousarray(codes), _numeric_type_of(codes.dtype),
                                         index_mask if index_mask.any() else None, False, False)
        result = lib._dictionary_from_arrays(indices, categories, bool(dtype.ordered))
        if type is not None and not result.type.equals(type):
            result = result.cast(type)
        return result
    if isinstance(dtype, pandas.DatetimeTZDtype):
        naive = series.dt.tz_convert("UTC").dt.tz_localize(None)
        unit = getattr(dtype, "unit", "ns")
        values = numpy.asarray(naive.to_numpy(dtype=f"datetime64[{unit}]"))
        tz = str(dtype.tz)
        target = type if type is not None else lib.timestamp(unit, tz)
        data = numpy.ascontiguousarray(values).view("int64")
        return lib._array_from_buffer(data, target, None, False, True)
    mask = numpy.asarray(series.isna())
    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    if numpy_dtype is not None and numpy_dtype.kind in "biuf":
        fill = False if numpy_dtype.kind == "b" else 0
        values = numpy.asarray(series.to_numpy(dtype=numpy_dtype, na_value=fill))
        return array_from_numpy(values, type=type, mask=mask if mask.any() else None)
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    return lib._array_from_pylist(values, type, None, True)


def array_from_pandas(obj, type=None, mask=None, from_pandas=True):
    numpy = _np()
    pandas = _pandas()
    series = obj if isinstance(obj, pandas.Series) else pandas.Series(obj)
    if isinstance(series.dtype, pandas.api.extensions.ExtensionDtype):
        result = _pandas_extension_values(series, type)
        if mask is not None:
            raise lib.ArrowNotImplementedError("mask= is not supported for pandas extension dtypes")
        return result
    values = numpy.asarray(series)
    return array_from_numpy(values, type=type, mask=mask, from_pandas=from_pandas)


_PANDAS_TYPE_NAMES = {
    "bool": "bool", "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
    "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
    "halffloat": "float16", "float": "float32", "double": "float64",
    "string": "unicode", "large_string": "unicode", "string_view": "unicode",
    "binary": "bytes", "large_binary": "bytes", "binary_view": "bytes",
    "date32": "date", "date64": "date", "duration": "timedelta", "dictionary": "categorical",
    "decimal32": "decimal", "decimal64": "decimal", "decimal128": "decimal", "decimal256": "decimal",
    "null": "empty",
}


def _pandas_type_name(type):
    kind = type._kind
    if kind == "timestamp":
        return "datetimetz" if type.tz is not None else "datetime"
    if kind in ("list", "large_list", "list_view", "large_list_view", "fixed_size_list"):
        return f"list[{_pandas_type_name(type.value_type)}]"
    return _PANDAS_TYPE_NAMES.get(kind, "object")


def _pandas_metadata(df, columns, fields, index_descriptors):
    """The "pandas" schema metadata pyarrow writes, so that either library can
    restore the index and column names."""
    pandas = _pandas()

    def entry(name, field_name, type, dtype):
        metadata = None
        if type._kind == "timestamp" and type.tz is not None:
            metadata = {"timezone": type.tz}
        elif type._kind == "dictionary":
            metadata = {"num_categories": None, "ordered": type.ordered}
        elif type._kind.startswith("decimal"):
            metadata = {"precision": type.precision, "scale": type.scale}
        return {"name": name, "field_name": field_name, "pandas_type": _pandas_type_name(type),
                "numpy_type": str(dtype), "metadata": metadata}

    column_entries = [entry(None if name is None else str(name), f.name, f.type, df[name].dtype if name in df.columns else "object")
                      for name, f in zip(columns, fields)]
    index_entries = [entry(d[0], d[1], d[2], d[3]) for d in index_descriptors if isinstance(d, tuple)]
    meta = {
        "index_columns": [d if isinstance(d, dict) else d[1] for d in index_descriptors],
        "column_indexes": [{"name": None, "field_name": None, "pandas_type": "unicode",
                            "numpy_type": "object", "metadata": {"encoding": "UTF-8"}}],
        "columns": column_entries + index_entries,
        "creator": {"library": "quiver", "version": "0.1.0"},
        "pandas_version": pandas.__version__,
    }
    return json.dumps(meta)


def from_dataframe(df, schema=None, preserve_index=None, columns=None, chunked=True):
    pandas = _pandas()
    from quiver import _core

    schema_ = _core.schema(schema) if schema is not None else None
    names = list(columns) if columns is not None else list(df.columns)
    arrays = []
    fields = []
    for position, name in enumerate(names):
        series = df[name] if columns is not None or not df.columns.duplicated().any() else df.iloc[:, position]
        field_type = None
        if schema_ is not None:
            index = schema_.get_field_index(str(name))
            if index < 0:
                continue
            field_type = schema_.field(index).type
        col = array_from_pandas(series, type=field_type, from_pandas=True)
        arrays.append(col)
        fields.append(lib._field(str(name), col.type))
    kept_names = [n for n in names if schema_ is None or schema_.get_field_index(str(n)) >= 0]
    index_descriptors = []
    index = df.index
    store_index = preserve_index is True or (preserve_index is None and not isinstance(index, pandas.RangeIndex))
    if store_index:
        levels = index.levels if isinstance(index, pandas.MultiIndex) else [index]
        for level_number in range(index.nlevels):
            level_values = index.get_level_values(level_number)
            level_name = index.names[level_number]
            field_name = str(level_name) if level_name is not None and level_name not in names \
                else f"__index_level_{level_number}__"
            col = array_from_pandas(pandas.Series(level_values), from_pandas=True)
            arrays.append(col)
            fields.append(lib._field(field_name, col.type))
            index_descriptors.append((None if level_name is None else str(level_name), field_name, col.type,
                                      level_values.dtype))
        del levels
    elif preserve_index is None and isinstance(index, pandas.RangeIndex):
        index_descriptors.append({"kind": "range", "name": index.name, "start": int(index.start),
                                  "stop": int(index.stop), "step": int(index.step)})
    metadata = {b"pandas": _pandas_metadata(df, kept_names, fields[:len(kept_names)], index_descriptors).encode()}
    if schema_ is not None and schema_.metadata:
        metadata = {**schema_.metadata, **metadata}
    full_schema = lib._schema(fields, metadata)
    if chunked:
        return lib._table_from_columns(arrays, full_schema)
    return lib._record_batch_from_arrays(arrays, full_schema)


# ---------------------------------------------------------------------------
# Quiver -> numpy

_NUMPY_OF_KIND = {
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
    "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
    "halffloat": "float16", "float": "float32", "double": "float64",
}


def _zero_copy_error(arr):
    return lib.ArrowInvalid(
        f"Needed to copy 1 chunks with {arr.null_count} nulls, but zero_copy_only was True")


def array_to_numpy(self, zero_copy_only=True, writable=False):
    numpy = _np()
    kind = self.type._kind
    valid = None
    if self.null_count:
        valid = numpy.frombuffer(lib._validity_bytes(self), dtype=numpy.bool_)
    if kind in _NUMPY_OF_KIND or kind in ("timestamp", "duration", "date64"):
        if kind in _NUMPY_OF_KIND:
            dtype = numpy.dtype(_NUMPY_OF_KIND[kind])
        elif kind == "date64":
            dtype = numpy.dtype("datetime64[ms]")
        else:
            dtype = numpy.dtype(f"{'M8' if kind == 'timestamp' else 'm8'}[{self.type.unit}]")
        values = numpy.frombuffer(lib._values_buffer(self), dtype=dtype)
        if valid is None:
            return values.copy() if writable else values
        if zero_copy_only:
            raise _zero_copy_error(self)
        if dtype.kind in "iu":
            out = values.astype(numpy.float64)
            out[~valid] = numpy.nan
        elif dtype.kind == "f":
            out = values.copy()
            out[~valid] = numpy.nan
        else:
            out = values.copy()
            out[~valid] = numpy.array("NaT", dtype=dtype)
        return out
    if zero_copy_only:
        raise lib.ArrowInvalid(f"Needed to copy 1 chunks with {self.null_count} nulls, but zero_copy_only was True "
                               f"(no zero-copy numpy view of {self.type})")
    if kind == "bool":
        values = numpy.frombuffer(lib._boolean_bytes(self), dtype=numpy.bool_).copy()
        if valid is None:
            return values
        out = values.astype(object)
        out[~valid] = None
        return out
    if kind == "date32":
        values = numpy.frombuffer(lib._values_buffer(self), dtype=numpy.int32).astype("datetime64[D]")
        if valid is not None:
            values[~valid] = numpy.datetime64("NaT")
        return values
    if kind == "null":
        out = numpy.empty(len(self), dtype=object)
        out[:] = None
        return out
    if kind == "dictionary":
        return self.dictionary_decode().to_numpy(zero_copy_only=False)
    out = numpy.empty(len(self), dtype=object)
    out[:] = self.to_pylist() if kind not in ("list", "large_list", "fixed_size_list", "list_view",
                                              "large_list_view") else [
        None if v is None else numpy.array(v) for v in self.to_pylist()]
    return out


def array_dunder_array(self, dtype=None, copy=None):
    values = self.to_numpy(zero_copy_only=False)
    if dtype is not None:
        values = values.astype(dtype)
    return values


def chunked_to_numpy(self, zero_copy_only=False):
    numpy = _np()
    if self.num_chunks == 1:
        return self.chunk(0).to_numpy(zero_copy_only=zero_copy_only)
    if zero_copy_only:
        raise lib.ArrowInvalid("a ChunkedArray of several chunks cannot be viewed without copying")
    if self.num_chunks == 0:
        return array_to_numpy(lib.nulls(0, self.type), zero_copy_only=False) if self.type._kind != "null" \
            else numpy.empty(0, dtype=object)
    return numpy.concatenate([c.to_numpy(zero_copy_only=False) for c in self.chunks])


def chunked_dunder_array(self, dtype=None, copy=None):
    values = self.to_numpy()
    if dtype is not None:
        values = values.astype(dtype)
    return values


# ---------------------------------------------------------------------------
# Quiver -> pandas


def pandas_dtype_for(type):
    numpy = _np()
    kind = type._kind
    if kind in _NUMPY_OF_KIND:
        return numpy.dtype(_NUMPY_OF_KIND[kind])
    if kind == "bool":
        return numpy.dtype(numpy.bool_)
    if kind == "timestamp":
        if type.tz is not None:
            return _pandas().DatetimeTZDtype(unit=type.unit, tz=type.tz)
        return numpy.dtype(f"datetime64[{type.unit}]")
    if kind == "duration":
        return numpy.dtype(f"timedelta64[{type.unit}]")
    return numpy.dtype(object)


def _series_values(arr, types_mapper=None):
    """numpy or pandas array data for one Quiver Array."""
    numpy = _np()
    pandas = _pandas()
    kind = arr.type._kind
    if types_mapper is not None:
        mapped = types_mapper(arr.type)
        if mapped is not None:
            return pandas.array(arr.to_pylist(), dtype=mapped)
    if kind in _NUMPY_OF_KIND:
        return arr.to_numpy(zero_copy_only=False)
    if kind == "bool":
        return arr.to_numpy(zero_copy_only=False)
    if kind in ("timestamp", "duration"):
        values = arr.to_numpy(zero_copy_only=False)
        if kind == "timestamp" and arr.type.tz is not None:
            index = pandas.DatetimeIndex(values).tz_localize("UTC").tz_convert(arr.type.tz)
            return index
        return values
    if kind == "dictionary":
        indices = arr.indices
        codes = indices.to_numpy(zero_copy_only=False)
        if indices.null_count:
            codes = numpy.where(numpy.frombuffer(lib._validity_bytes(indices), dtype=numpy.bool_),
                                numpy.nan_to_num(codes, nan=-1), -1)
        categories = pandas.Index(chunked_to_pandas_values(arr.dictionary))
        return pandas.Categorical.from_codes(numpy.asarray(codes, dtype=numpy.int64), categories=categories,
                                             ordered=arr.type.ordered)
    if kind in ("string", "large_string", "string_view"):
        return arr.to_pylist()
    out = numpy.empty(len(arr), dtype=object)
    out[:] = arr.to_pylist() if kind not in ("list", "large_list", "fixed_size_list", "list_view",
                                             "large_list_view") else [
        None if v is None else numpy.array(v, dtype=object) for v in arr.to_pylist()]
    return out


def chunked_to_pandas_values(arr):
    return _series_values(arr)


def array_to_pandas(self, types_mapper=None, **kwargs):
    pandas = _pandas()
    values = _series_values(self, types_mapper)
    if self.type._kind in ("string", "large_string", "string_view"):
        return pandas.Series(values, dtype=None if any(v is not None for v in values) else object)
    return pandas.Series(values)


def chunked_to_pandas(self, types_mapper=None, **kwargs):
    combined = self.combine_chunks() if self.num_chunks != 1 else self.chunk(0)
    return array_to_pandas(combined, types_mapper=types_mapper)


def table_to_pandas(self, types_mapper=None, ignore_metadata=False, **kwargs):
    pandas = _pandas()
    columns = {}
    names = []
    for position, name in enumerate(self.schema.names):
        column = self.column(position)
        if isinstance(column, lib.ChunkedArray):
            series = chunked_to_pandas(column, types_mapper=types_mapper)
        else:
            series = array_to_pandas(column, types_mapper=types_mapper)
        columns[position] = series
        names.append(name)
    df = pandas.DataFrame(columns) if columns else pandas.DataFrame(index=pandas.RangeIndex(self.num_rows))
    df.columns = names
    metadata = self.schema.metadata or {}
    if not ignore_metadata and b"pandas" in metadata:
        try:
            meta = json.loads(metadata[b"pandas"])
        except ValueError:
            meta = None
        if meta:
            df = _restore_index(df, meta)
    return df


def _restore_index(df, meta):
    pandas = _pandas()
    index_columns = meta.get("index_columns", [])
    if not index_columns:
        return df
    names_by_field = {c.get("field_name"): c.get("name") for c in meta.get("columns", [])}
    arrays = []
    index_names = []
    drop = []
    for descriptor in index_columns:
        if isinstance(descriptor, dict):
            if descriptor.get("kind") == "range" and len(index_columns) == 1:
                start, step = descriptor.get("start", 0), descriptor.get("step", 1)
                index = pandas.RangeIndex(start, start + step * len(df), step, name=descriptor.get("name"))
                return df.set_axis(index, axis=0)
            continue
        if descriptor in df.columns:
            arrays.append(df[descriptor])
            index_names.append(names_by_field.get(descriptor))
            drop.append(descriptor)
    if not arrays:
        return df
    df = df.drop(columns=drop)
    if len(arrays) == 1:
        index = pandas.Index(arrays[0], name=index_names[0])
    else:
        index = pandas.MultiIndex.from_arrays(arrays, names=index_names)
    return df.set_axis(index, axis=0)
