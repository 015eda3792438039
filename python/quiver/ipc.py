"""Arrow IPC streams and files, with pyarrow.ipc's API.

    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    table = pa.ipc.open_stream(buffer).read_all()

Sinks are paths, NativeFiles (pa.BufferOutputStream()...) or Python file
objects; sources are paths, buffers or bytes (read without copying),
NativeFiles or Python file objects.
"""

from __future__ import annotations

from quiver import lib
from quiver.lib import (  # noqa: F401
    IpcReadOptions,
    IpcWriteOptions,
    RecordBatchFileReader,
    RecordBatchFileWriter,
    RecordBatchReader,
    RecordBatchStreamReader,
    RecordBatchStreamWriter,
)

__all__ = [
    "IpcReadOptions", "IpcWriteOptions", "RecordBatchFileReader", "RecordBatchFileWriter",
    "RecordBatchReader", "RecordBatchStreamReader", "RecordBatchStreamWriter",
    "new_stream", "open_stream", "new_file", "open_file", "read_schema", "read_record_batch",
    "serialize_pandas", "deserialize_pandas",
]


def new_stream(sink, schema, *, use_legacy_format=None, options=None):
    """A writer of the IPC stream format to `sink`."""
    if use_legacy_format is not None:
        options = IpcWriteOptions(use_legacy_format=bool(use_legacy_format))
    return RecordBatchStreamWriter(sink, schema, options=options)


def open_stream(source, *, options=None, memory_pool=None):
    """A reader of the IPC stream format from `source`."""
    return RecordBatchStreamReader(source, options=options)


def new_file(sink, schema, *, use_legacy_format=None, options=None, metadata=None):
    """A writer of the IPC file format to `sink`."""
    if use_legacy_format is not None:
        options = IpcWriteOptions(use_legacy_format=bool(use_legacy_format))
    return RecordBatchFileWriter(sink, schema, options=options, metadata=metadata)


def open_file(source, footer_offset=None, *, options=None, memory_pool=None):
    """A random-access reader of the IPC file format from `source`."""
    return RecordBatchFileReader(source, footer_offset, options=options)


def read_schema(obj, dictionary_memo=None):
    """A schema from an encapsulated IPC message (bytes, Buffer) or a stream positioned at one."""
    return lib._read_schema(obj)


def read_record_batch(obj, schema, dictionary_memo=None):
    """A record batch from an encapsulated IPC message of the given schema."""
    return lib._read_record_batch(obj, schema)


def serialize_pandas(df, *, nthreads=None, preserve_index=None):
    """A pandas DataFrame as the bytes of an IPC stream (a Buffer)."""
    from quiver import _core

    table = _core.Table_from_pandas(df, preserve_index=preserve_index)
    sink = lib.BufferOutputStream()
    with new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def deserialize_pandas(buf, *, use_threads=True):
    """The DataFrame of an IPC stream written by serialize_pandas."""
    return open_stream(buf).read_pandas()
