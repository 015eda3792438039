"""The pyarrow exception hierarchy, and Status codes arriving as those classes."""

import pytest

import quiver as pa

HIERARCHY = [
    ("ArrowInvalid", ValueError),
    ("ArrowTypeError", TypeError),
    ("ArrowKeyError", KeyError),
    ("ArrowIndexError", IndexError),
    ("ArrowNotImplementedError", NotImplementedError),
    ("ArrowMemoryError", MemoryError),
    ("ArrowCapacityError", None),
    ("ArrowSerializationError", None),
    ("ArrowCancelled", None),
]


@pytest.mark.parametrize("name, builtin", HIERARCHY)
def test_classes(name, builtin):
    cls = getattr(pa, name)
    assert issubclass(cls, pa.ArrowException)
    assert issubclass(cls, Exception)
    if builtin is not None:
        assert issubclass(cls, builtin)
        assert cls.__mro__.index(builtin) < cls.__mro__.index(pa.ArrowException)
    assert cls.__module__ == "quiver.lib"


def test_base_and_io():
    assert pa.ArrowException.__mro__[1] is Exception
    assert pa.ArrowIOError is OSError
    assert pa.lib.ArrowInvalid is pa.ArrowInvalid


def test_key_error_message_is_not_quoted():
    assert str(pa.ArrowKeyError("missing")) == "missing"


def test_cancelled_carries_signum():
    assert pa.ArrowCancelled("stop", signum=2).signum == 2


def test_status_codes_map_to_classes(tmp_path):
    with pytest.raises(pa.ArrowInvalid):
        pa.decimal128(50, 2)                                  # Invalid
    with pytest.raises(pa.ArrowTypeError):
        pa.dictionary(pa.string(), pa.string())                # TypeError
    table = pa.table({"a": [1]})
    with pytest.raises(pa.ArrowKeyError):
        table.column("zz")                                     # KeyError
    with pytest.raises(KeyError):
        table.column("zz")
    with pytest.raises(pa.ArrowIndexError):
        pa.compute.take(pa.array([1, 2]), [5])                 # IndexError
    with pytest.raises(pa.ArrowNotImplementedError):
        pa.compute.sum(pa.array(["a"]))                        # NotImplemented
    with pytest.raises(pa.ArrowIOError):
        pa.ipc.open_file(str(tmp_path / "missing.arrow"))      # IOError
    with pytest.raises(pa.ArrowInvalid):
        pa.ipc.open_stream(b"\x01\x02\x03\x04\x05\x06\x07\x08")
