"""The package layout: one extension exporting nothing but its init function,
with gRPC and protobuf linked in (no shared gRPC, protobuf, Abseil or RE2
library needed), type information shipped, numpy and pandas optional."""

import os
import re
import subprocess
import sys

import quiver


def test_extension_exports_only_its_init_function():
    path = quiver.lib.__file__
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True, capture_output=True, text=True).stdout
    symbols = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert symbols == ["PyInit_lib"]


# Shared libraries of gRPC, protobuf and what they depend on: the extension links
# them all statically and needs none of them.
BUNDLED_LIBRARIES = ("libgrpc", "libgpr", "libprotobuf", "libabsl", "libre2", "libupb",
                     "libaddress_sorting", "libcares")


def test_grpc_and_protobuf_are_not_needed_as_shared_libraries():
    out = subprocess.run(["readelf", "-d", quiver.lib.__file__], check=True, capture_output=True,
                         text=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    assert any(name.startswith("libc.so") for name in needed), out
    assert [name for name in needed if name.startswith(BUNDLED_LIBRARIES)] == []


# Mangled or C names of gRPC (grpc_core::, grpc_*, gpr_*), protobuf
# (google::protobuf::), Abseil (absl::), RE2 (re2::), upb and c-ares.
BUNDLED_SYMBOL = re.compile(r"^(grpc_|gpr_|upb_|ares_|address_sorting_)|9grpc_core|8grpc_impl|4grpc"
                            r"|6google8protobuf|4absl|3re2")


def test_no_grpc_or_protobuf_symbol_is_imported():
    out = subprocess.run(["nm", "-D", "--undefined-only", quiver.lib.__file__], check=True,
                         capture_output=True, text=True).stdout
    imported = [line.split() for line in out.splitlines() if line.strip()]
    assert any(name.startswith("PyLong_") for _, name in imported)
    bundled = [(kind, name) for kind, name in imported if BUNDLED_SYMBOL.search(name)]
    # Only weak references to thread_local initialisation hooks (_ZTH...) remain:
    # the compiler references them weakly from code using a thread_local of
    # another file, and nothing defines them for these variables (they are
    # initialised statically), so they stay null.
    assert [name for kind, name in bundled if not (kind == "w" and name.startswith("_ZTH"))] == []


def test_typing_files_are_shipped():
    package_dir = os.path.dirname(quiver.__file__)
    lib_dir = os.path.dirname(quiver.lib.__file__)
    assert os.path.exists(os.path.join(package_dir, "py.typed"))
    assert os.path.exists(os.path.join(lib_dir, "lib.pyi"))


def test_imports_without_numpy_or_pandas():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('numpy', 'pandas'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import quiver as pa\n"
        "t = pa.table({'a': [1, 2], 'b': ['x', None]})\n"
        "assert pa.compute.sum(t['a']).as_py() == 3\n"
        "sink = pa.BufferOutputStream()\n"
        "w = pa.ipc.new_stream(sink, t.schema); w.write_table(t); w.close()\n"
        "assert pa.ipc.open_stream(sink.getvalue()).read_all().equals(t)\n"
        "assert 'numpy' not in sys.modules and 'pandas' not in sys.modules\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
