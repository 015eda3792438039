"""Quiver: Apache Arrow columnar data, IPC and Flight, with pyarrow's Python API.

    import quiver as pa
    table = pa.table({"id": [1, 2, 3], "name": ["a", "b", None]})
    pa.compute.sum(table["id"]).as_py()    # 6

The compiled core lives in ``quiver.lib``; this package adds pyarrow's
constructors (``array``, ``table``, ``record_batch``...), the pandas and numpy
conversions, and the ``compute``, ``ipc`` and ``types`` modules.
"""

from quiver import lib
from quiver.lib import (  # noqa: F401  (re-exported API)
    # exceptions
    ArrowCancelled,
    ArrowCapacityError,
    ArrowException,
    ArrowIndexError,
    ArrowInvalid,
    ArrowIOError,
    ArrowKeyError,
    ArrowMemoryError,
    ArrowNotImplementedError,
    ArrowSerializationError,
    ArrowTypeError,
    # type factories
    binary,
    binary_view,
    bool_,
    date32,
    date64,
    day_time_interval,
    decimal32,
    decimal64,
    decimal128,
    decimal256,
    dense_union,
    dictionary,
    duration,
    extension_type,
    fixed_size_binary,
    fixed_size_list,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    large_binary,
    large_list,
    large_list_view,
    large_string,
    large_utf8,
    list_,
    list_view,
    map_,
    month_day_nano_interval,
    month_interval,
    null,
    run_end_encoded,
    sparse_union,
    string,
    string_view,
    struct,
    time32,
    time64,
    timestamp,
    type_for_alias,
    uint8,
    uint16,
    uint32,
    uint64,
    union,
    utf8,
    # classes
    Array,
    Buffer,
    BufferOutputStream,
    BufferReader,
    ChunkedArray,
    DataType,
    DayTimeInterval,
    Field,
    MemoryMappedFile,
    MonthDayNano,
    NativeFile,
    OSFile,
    PythonFile,
    RecordBatch,
    RecordBatchReader,
    Scalar,
    Schema,
    Table,
    # functions
    allocate_buffer,
    concat_arrays,
    concat_tables,
    foreign_buffer,
    infer_type,
    memory_map,
    nulls,
    py_buffer,
    total_allocated_bytes,
)

# Every Array, Scalar and DataType subclass (Int64Array, StringScalar, TimestampType...).
for _name in dir(lib):
    if _name.endswith(("Array", "Scalar", "Type")) and not _name.startswith("_"):
        globals()[_name] = getattr(lib, _name)
del _name

from quiver._core import (  # noqa: E402,F401
    array,
    chunked_array,
    field,
    input_stream,
    output_stream,
    record_batch,
    scalar,
    schema,
    table,
    uuid,
    json_,
    bool8,
    opaque,
)

halffloat = float16
float_ = float32
double = float64

from quiver import compute, ipc, types  # noqa: E402,F401

NA = scalar(None)
__version__ = "0.1.0"
