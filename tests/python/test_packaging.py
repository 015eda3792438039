"""The package layout: one extension exporting nothing but its init function,
type information shipped, numpy and pandas optional."""

import os
import subprocess
import sys

import quiver


def test_extension_exports_only_its_init_function():
    path = quiver.lib.__file__
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True, capture_output=True, text=True).stdout
    symbols = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert symbols == ["PyInit_lib"]


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
