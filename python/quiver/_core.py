"""pyarrow's constructors and conveniences over the compiled classes.

The functions here decide what a Python argument is (a list, a numpy array, a
pandas object, an Arrow PyCapsule producer...) and hand it to quiver.lib. The
methods that pyarrow defines on its classes in Python terms (from_pydict,
to_pandas, filter...) are attached to the compiled classes at the end of this
module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from quiver import lib
from quiver import _pandas_shim as _pd

__all__ = [
    "array",
    "chunked_array",
    "field",
    "record_batch",
    "scalar",
    "schema",
    "table",
]


def _ensure_type(type):
    return None if type is None else lib._ensure_type(type)


def _is_pandas_object(obj):
    return _pd.is_series(obj) or _pd.is_index(obj)


# ---------------------------------------------------------------------------
# Types, fields, schemas


def field(name, type=None, nullable=True, metadata=None):
    """A Field ``name: type``, or the field of any ``__arrow_c_schema__`` producer."""
    if type is None:
        if isinstance(name, lib.Field):
            return name
        if hasattr(name, "__arrow_c_schema__") and not isinstance(name, str):
            return lib._field_from_capsule(name.__arrow_c_schema__())
        raise TypeError("field() missing required argument 'type'")
    return lib._field(name, type, nullable, metadata)


def schema(fields, metadata=None):
    """A Schema from Fields, (name, type) pairs, a {name: type} mapping or an
    ``__arrow_c_schema__`` producer."""
    if isinstance(fields, lib.Schema):
        return fields.with_metadata(metadata) if metadata is not None else fields
    if hasattr(fields, "__arrow_c_schema__") and not isinstance(fields, (list, tuple, dict)):
        imported = lib._schema_from_capsule(fields.__arrow_c_schema__())
        return imported.with_metadata(metadata) if metadata is not None else imported
    return lib._schema(fields, metadata)


def uuid():
    """The canonical arrow.uuid extension type (16-byte fixed_size_binary storage)."""
    return lib.extension_type("arrow.uuid", lib.fixed_size_binary(16))


def json_(storage_type=None):
    """The canonical arrow.json extension type (string storage)."""
    return lib.extension_type("arrow.json", storage_type if storage_type is not None else lib.utf8())


def bool8():
    """The canonical arrow.bool8 extension type (int8 storage)."""
    return lib.extension_type("arrow.bool8", lib.int8())


def opaque(storage_type, type_name, vendor_name):
    """The canonical arrow.opaque extension type."""
    serialized = json.dumps({"type_name": type_name, "vendor_name": vendor_name}, separators=(",", ":"))
    return lib.extension_type("arrow.opaque", storage_type, serialized)


# ---------------------------------------------------------------------------
# Arrays


def array(obj, type=None, mask=None, size=None, from_pandas=None, safe=True, memory_pool=None):
    """An Array from a sequence of Python values, a numpy array, a pandas Series
    or Index, or any object implementing ``__arrow_c_array__`` (or
    ``__arrow_c_stream__``, which gives a ChunkedArray).

    The type is inferred when not given. ``mask`` (booleans, True = null) and
    ``from_pandas`` (NaN and pandas' NA/NaT are null) mark nulls.
    """
    type = _ensure_type(type)
    if isinstance(obj, lib.Array):
        if type is not None and not obj.type.equals(type):
            return obj.cast(type)
        return obj
    if isinstance(obj, lib.ChunkedArray):
        combined = obj.combine_chunks()
        return combined if type is None or combined.type.equals(type) else combined.cast(type)
    if hasattr(obj, "__arrow_c_array__"):
        requested = type.__arrow_c_schema__() if type is not None else None
        schema_capsule, array_capsule = obj.__arrow_c_array__(requested)
        result = lib._array_from_capsules(schema_capsule, array_capsule)
        if type is not None and not result.type.equals(type):
            result = result.cast(type)
        return result
    if hasattr(obj, "__arrow_c_stream__") and not _is_pandas_object(obj):
        return chunked_array(obj, type=type)
    if _is_pandas_object(obj):
        return _pd.array_from_pandas(obj, type=type, mask=mask, from_pandas=True if from_pandas is None else from_pandas)
    if _pd.is_ndarray(obj):
        return _pd.array_from_numpy(obj, type=type, mask=mask, from_pandas=bool(from_pandas))
    if isinstance(obj, (str, bytes, dict)):
        raise TypeError(f"array() expects a sequence of values, not {obj.__class__.__name__}")
    if mask is not None and _pd.is_ndarray(mask):
        mask = mask.tolist()
    if not isinstance(obj, (list, tuple)):
        if not isinstance(obj, Iterable):
            raise TypeError(f"array() expects a sequence or iterable of values, not {obj.__class__.__name__}")
        obj = list(obj) if size is None else [v for _, v in zip(range(size), obj)]
    return lib._array_from_pylist(obj, type, mask, bool(from_pandas))


def chunked_array(arrays, type=None):
    """A ChunkedArray from a list of Arrays (or of values convertible to Arrays),
    or from any ``__arrow_c_stream__`` producer."""
    type = _ensure_type(type)
    if isinstance(arrays, lib.ChunkedArray):
        return arrays
    if isinstance(arrays, lib.Array):
        return lib._chunked_array([arrays], type)
    if hasattr(arrays, "__arrow_c_stream__") and not isinstance(arrays, (list, tuple)):
        requested = type.__arrow_c_schema__() if type is not None else None
        return lib._chunked_from_capsule(arrays.__arrow_c_stream__(requested))
    chunks = []
    for chunk in arrays:
        # Without a type, the first chunk's type is used for the others (as pyarrow does).
        converted = chunk if isinstance(chunk, lib.Array) else array(chunk, type=type)
        if type is None:
            type = converted.type
        chunks.append(converted)
    return lib._chunked_array(chunks, type)


def scalar(value, type=None, *, from_pandas=None, memory_pool=None):
    """A Scalar holding one Python value (of the inferred or given type)."""
    if isinstance(value, lib.Scalar):
        return value
    return array([value], type=type, from_pandas=from_pandas)[0]


# ---------------------------------------------------------------------------
# Record batches and tables


def _column(values, type, chunked):
    """An Array (or a ChunkedArray for tables) for one column."""
    if isinstance(values, lib.ChunkedArray):
        col = values if chunked else values.combine_chunks()
    elif isinstance(values, lib.Array):
        col = values
    else:
        col = array(values, type=type)
        if isinstance(col, lib.ChunkedArray) and not chunked:
            col = col.combine_chunks()
    if type is not None and not col.type.equals(type):
        col = col.cast(type)
    return col


def _from_arrays(arrays, names, schema_, metadata, chunked):
    arrays = list(arrays)
    if schema_ is None:
        if names is None:
            raise ValueError("Must pass names or schema when constructing Table or RecordBatch.")
        names = list(names)
        if len(names) != len(arrays):
            raise lib.ArrowInvalid(f"Length of names ({len(names)}) does not match length of arrays ({len(arrays)})")
        columns = [_column(a, None, chunked) for a in arrays]
        schema_ = lib._schema([lib._field(n, c.type) for n, c in zip(names, columns)], metadata)
    else:
        if names is not None:
            raise ValueError("Cannot pass both schema and names")
        schema_ = schema(schema_)
        if len(schema_) != len(arrays):
            raise lib.ArrowInvalid(
                f"Schema and number of arrays unequal: {len(schema_)} fields but {len(arrays)} arrays")
        columns = [_column(a, f.type, chunked) for a, f in zip(arrays, schema_)]
        if metadata is not None:
            schema_ = schema_.with_metadata(metadata)
    if chunked:
        return lib._table_from_columns(columns, schema_)
    return lib._record_batch_from_arrays(columns, schema_)


def _from_pydict(mapping, schema_, metadata, chunked):
    if schema_ is None:
        return _from_arrays(list(mapping.values()), list(mapping.keys()), None, metadata, chunked)
    schema_ = schema(schema_)
    missing = [name for name in schema_.names if name not in mapping]
    if missing:
        raise KeyError(f"The passed mapping doesn't contain the following field(s) of the schema: {', '.join(missing)}")
    return _from_arrays([mapping[name] for name in schema_.names], None, schema_, metadata, chunked)


def _from_pylist(rows, schema_, metadata, chunked):
    rows = list(rows)
    if schema_ is not None:
        names = schema(schema_).names
    elif rows:
        names = list(rows[0].keys())
    else:
        names = []
    columns = {name: [row.get(name) if isinstance(row, Mapping) else None for row in rows] for name in names}
    return _from_pydict(columns, schema_, metadata, chunked)


def record_batch(data, names=None, schema=None, metadata=None):
    """A RecordBatch from a list of arrays (with ``names`` or ``schema``), a dict,
    a pandas DataFrame, or an ``__arrow_c_array__`` producer."""
    if isinstance(data, lib.RecordBatch):
        return data
    if _pd.is_dataframe(data):
        return RecordBatch_from_pandas(data, schema=schema)
    if isinstance(data, Mapping):
        return _from_pydict(data, schema, metadata, chunked=False)
    if isinstance(data, (list, tuple)):
        return _from_arrays(data, names, schema, metadata, chunked=False)
    if hasattr(data, "__arrow_c_array__"):
        requested = globals()["schema"](schema).__arrow_c_schema__() if schema is not None else None
        return lib._batch_from_capsules(*data.__arrow_c_array__(requested))
    if hasattr(data, "__arrow_c_stream__"):
        t = lib._table_from_capsule(data.__arrow_c_stream__())
        batches = t.combine_chunks().to_batches()
        if len(batches) == 1:
            return batches[0]
        return lib.RecordBatch.from_struct_array(
            lib.concat_arrays([b.to_struct_array() for b in batches])) if batches else \
            _from_arrays([lib.nulls(0, f.type) for f in t.schema], None, t.schema, None, chunked=False)
    raise TypeError(f"Expected a list of arrays, a dict, a DataFrame or an Arrow array producer, "
                    f"got {data.__class__.__name__}")


def table(data, names=None, schema=None, metadata=None, nthreads=None):
    """A Table from a dict, a list of arrays (with ``names`` or ``schema``), a
    pandas DataFrame, a RecordBatch, or any ``__arrow_c_stream__`` /
    ``__arrow_c_array__`` producer (pyarrow, polars, DuckDB...), without copying."""
    if isinstance(data, lib.Table):
        return data
    if _pd.is_dataframe(data):
        return Table_from_pandas(data, schema=schema)
    if isinstance(data, Mapping):
        return _from_pydict(data, schema, metadata, chunked=True)
    if isinstance(data, (list, tuple)):
        return _from_arrays(data, names, schema, metadata, chunked=True)
    if isinstance(data, lib.RecordBatch):
        return lib.Table.from_batches([data])
    if hasattr(data, "__arrow_c_stream__"):
        requested = globals()["schema"](schema).__arrow_c_schema__() if schema is not None else None
        result = lib._table_from_capsule(data.__arrow_c_stream__(requested))
    elif hasattr(data, "__arrow_c_array__"):
        requested = globals()["schema"](schema).__arrow_c_schema__() if schema is not None else None
        result = lib.Table.from_batches([lib._batch_from_capsules(*data.__arrow_c_array__(requested))])
    else:
        raise TypeError(f"Expected a dict, a list of arrays, a DataFrame or an Arrow stream producer, "
                        f"got {data.__class__.__name__}")
    if schema is not None:
        wanted = globals()["schema"](schema)
        if not result.schema.equals(wanted):
            raise lib.ArrowTypeError(f"the data's schema\n{result.schema}\ndoes not match the requested schema\n{wanted}")
    return result


# ---------------------------------------------------------------------------
# Streams


def input_stream(source):
    """A NativeFile to read from: a path, a buffer or bytes, or a Python file object."""
    if isinstance(source, lib.NativeFile):
        return source
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        return lib.OSFile(source, "r")
    if isinstance(source, (bytes, bytearray, memoryview, lib.Buffer)):
        return lib.BufferReader(source)
    if hasattr(source, "read"):
        return lib.PythonFile(source, "r")
    raise TypeError(f"cannot read from a {source.__class__.__name__}")


def output_stream(sink):
    """A NativeFile to write to: a path or a Python file object."""
    if isinstance(sink, lib.NativeFile):
        return sink
    if isinstance(sink, str) or hasattr(sink, "__fspath__"):
        return lib.OSFile(sink, "w")
    if hasattr(sink, "write"):
        return lib.PythonFile(sink, "w")
    raise TypeError(f"cannot write to a {sink.__class__.__name__}")


# ---------------------------------------------------------------------------
# Methods attached to the compiled classes


def _attach(cls, name, fn, kind=None):
    if kind == "static":
        fn = staticmethod(fn)
    elif kind == "class":
        fn = classmethod(fn)
    setattr(cls, name, fn)


def _array_cast(self, target_type, safe=True, options=None):
    """The values as ``target_type`` (through Python values: exact, not fast)."""
    target_type = lib._ensure_type(target_type)
    if self.type.equals(target_type):
        return self
    if target_type._kind == "dictionary" and self.type.equals(target_type.value_type):
        return lib._array_from_pylist(self.to_pylist(), target_type, None, False)
    return lib._array_from_pylist(self.to_pylist(), target_type, None, False)


def _chunked_cast(self, target_type, safe=True, options=None):
    target_type = lib._ensure_type(target_type)
    return lib._chunked_array([c.cast(target_type, safe) for c in self.chunks], target_type)


def _from_arrays_batch(arrays, names=None, schema=None, metadata=None):
    return _from_arrays(arrays, names, schema, metadata, chunked=False)


def _from_arrays_table(arrays, names=None, schema=None, metadata=None):
    return _from_arrays(arrays, names, schema, metadata, chunked=True)


def _from_pydict_batch(mapping, schema=None, metadata=None):
    return _from_pydict(mapping, schema, metadata, chunked=False)


def _from_pydict_table(mapping, schema=None, metadata=None):
    return _from_pydict(mapping, schema, metadata, chunked=True)


def _from_pylist_batch(mapping, schema=None, metadata=None):
    return _from_pylist(mapping, schema, metadata, chunked=False)


def _from_pylist_table(mapping, schema=None, metadata=None):
    return _from_pylist(mapping, schema, metadata, chunked=True)


def RecordBatch_from_pandas(df, schema=None, preserve_index=None, nthreads=None, columns=None):
    return _pd.from_dataframe(df, schema=schema, preserve_index=preserve_index, columns=columns, chunked=False)


def Table_from_pandas(df, schema=None, preserve_index=None, nthreads=None, columns=None, safe=True):
    return _pd.from_dataframe(df, schema=schema, preserve_index=preserve_index, columns=columns, chunked=True)


def _reader_from_stream(data, schema=None):
    """A RecordBatchReader over any ``__arrow_c_stream__`` producer."""
    if isinstance(data, lib.RecordBatchReader):
        return data
    if not hasattr(data, "__arrow_c_stream__"):
        raise TypeError(f"Expected an object implementing the Arrow PyCapsule stream protocol, "
                        f"got {data.__class__.__name__}")
    requested = globals()["schema"](schema).__arrow_c_schema__() if schema is not None else None
    return lib._reader_from_capsule(data.__arrow_c_stream__(requested))


def _type_from_c_capsule(capsule):
    return lib._type_from_capsule(capsule)


def _schema_empty_table(self):
    return _from_arrays([lib.nulls(0, f.type) for f in self], None, self, None, chunked=True)


def _type_to_pandas_dtype(self):
    return _pd.pandas_dtype_for(self)


def _equals_arrays(self, other):
    return self.equals(other)


def _install():
    from quiver import compute as pc

    for cls in (lib.Array,):
        _attach(cls, "cast", _array_cast)
        _attach(cls, "to_numpy", _pd.array_to_numpy)
        _attach(cls, "__array__", _pd.array_dunder_array)
        _attach(cls, "to_pandas", _pd.array_to_pandas)
        _attach(cls, "from_pandas", lambda obj, mask=None, type=None, safe=True, memory_pool=None:
                array(obj, type=type, mask=mask, from_pandas=True), "static")
        _attach(cls, "from_buffers", lambda type, length, buffers, null_count=-1, offset=0, children=None:
                lib._array_from_buffers(type, length, buffers, null_count, offset, children), "static")
        _attach(cls, "_import_from_c_capsule", lambda schema_capsule, array_capsule:
                lib._array_from_capsules(schema_capsule, array_capsule), "static")
        _attach(cls, "is_null", lambda self, *, nan_is_null=False: pc.is_null(self, nan_is_null=nan_is_null))
        _attach(cls, "is_valid", lambda self: pc.is_valid(self))
        _attach(cls, "filter", lambda self, mask, *, null_selection_behavior="drop":
                pc.filter(self, mask, null_selection_behavior=null_selection_behavior))
        _attach(cls, "take", lambda self, indices: pc.take(self, indices))
        _attach(cls, "sum", lambda self, **kwargs: pc.sum(self, **kwargs))
    lib.DictionaryArray.from_arrays = staticmethod(
        lambda indices, dictionary, ordered=False: lib._dictionary_from_arrays(
            array(indices), array(dictionary), ordered))

    _attach(lib.ChunkedArray, "cast", _chunked_cast)
    _attach(lib.ChunkedArray, "to_numpy", _pd.chunked_to_numpy)
    _attach(lib.ChunkedArray, "__array__", _pd.chunked_dunder_array)
    _attach(lib.ChunkedArray, "to_pandas", _pd.chunked_to_pandas)
    _attach(lib.ChunkedArray, "is_null", lambda self, *, nan_is_null=False: pc.is_null(self, nan_is_null=nan_is_null))
    _attach(lib.ChunkedArray, "is_valid", lambda self: pc.is_valid(self))
    _attach(lib.ChunkedArray, "filter", lambda self, mask, null_selection_behavior="drop":
            pc.filter(self, mask, null_selection_behavior=null_selection_behavior))
    _attach(lib.ChunkedArray, "take", lambda self, indices: pc.take(self, indices))
    _attach(lib.ChunkedArray, "sum", lambda self, **kwargs: pc.sum(self, **kwargs))
    _attach(lib.ChunkedArray, "_import_from_c_capsule", lambda capsule: lib._chunked_from_capsule(capsule), "static")

    for cls, chunked in ((lib.RecordBatch, False), (lib.Table, True)):
        _attach(cls, "from_arrays", _from_arrays_table if chunked else _from_arrays_batch, "static")
        _attach(cls, "from_pydict", _from_pydict_table if chunked else _from_pydict_batch, "static")
        _attach(cls, "from_pylist", _from_pylist_table if chunked else _from_pylist_batch, "static")
        _attach(cls, "from_pandas", Table_from_pandas if chunked else RecordBatch_from_pandas, "static")
        _attach(cls, "to_pandas", _pd.table_to_pandas)
        _attach(cls, "filter", lambda self, mask, null_selection_behavior="drop":
                pc.filter(self, mask, null_selection_behavior=null_selection_behavior))
        _attach(cls, "take", lambda self, indices: pc.take(self, indices))
        _attach(cls, "drop", lambda self, columns: self.drop_columns(columns))
    _attach(lib.RecordBatch, "_import_from_c_capsule", lambda schema_capsule, array_capsule:
            lib._batch_from_capsules(schema_capsule, array_capsule), "static")
    _attach(lib.Table, "_import_from_c_capsule", lambda capsule: lib._table_from_capsule(capsule), "static")

    _attach(lib.RecordBatchReader, "from_stream", _reader_from_stream, "static")
    _attach(lib.RecordBatchReader, "read_pandas", lambda self, **kwargs: self.read_all().to_pandas(**kwargs))
    _attach(lib.RecordBatchReader, "_import_from_c_capsule", lambda capsule: lib._reader_from_capsule(capsule), "static")
    _attach(lib.RecordBatchFileReader, "read_pandas", lambda self, **kwargs: self.read_all().to_pandas(**kwargs))

    _attach(lib.DataType, "to_pandas_dtype", _type_to_pandas_dtype)
    _attach(lib.DataType, "_import_from_c_capsule", _type_from_c_capsule, "static")
    _attach(lib.Field, "_import_from_c_capsule", lambda capsule: lib._field_from_capsule(capsule), "static")
    _attach(lib.Schema, "_import_from_c_capsule", lambda capsule: lib._schema_from_capsule(capsule), "static")
    _attach(lib.Schema, "empty_table", _schema_empty_table)
    _attach(lib.Schema, "from_pandas", lambda df, preserve_index=None:
            _pd.from_dataframe(df.head(0), preserve_index=preserve_index, chunked=True).schema, "static")


_install()
