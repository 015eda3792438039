"""End-to-end tests of the `quiver` command: real processes on temporary roots.

The binary comes from $QUIVER_BIN (ctest sets it), else build/cli/quiver. Every
server is started with --port 0 and its first stdout line read as the location.
Tests wait for conditions (a line, a file, a process exit) with generous limits;
none measures how long anything took.
"""

import os
import pathlib
import shutil
import signal
import subprocess
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


def _find_binary():
    explicit = os.environ.get("QUIVER_BIN")
    if explicit:
        return pathlib.Path(explicit)
    for candidate in (REPO / "build" / "cli" / "quiver", REPO / "build-cli" / "cli" / "quiver"):
        if candidate.exists():
            return candidate
    raise RuntimeError("cannot find the quiver binary: build it (ninja quiver) or set QUIVER_BIN")


QUIVER = _find_binary()
# Long enough never to fire on a slow, shared machine; it only stops a hung test.
LIMIT = 120


def run(*args, input=None, env=None, check=None, timeout=LIMIT):
    """Runs `quiver ARGS`; returns the CompletedProcess (text). check=N asserts the exit code."""
    full_env = dict(os.environ)
    full_env.pop("QUIVER_LOCATION", None)
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [str(QUIVER), *map(str, args)],
        input=input,
        capture_output=True,
        env=full_env,
        timeout=timeout,
        text=not isinstance(input, bytes),
    )
    if check is not None:
        assert proc.returncode == check, (
            f"quiver {' '.join(map(str, args))} exited {proc.returncode}, expected {check}\n"
            f"stdout: {proc.stdout}\nstderr: {proc.stderr}"
        )
    return proc


def wait_for(condition, what, limit=LIMIT):
    """Polls `condition` until it is true; fails naming `what` if it never is."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


class Server:
    """A running `quiver serve`."""

    def __init__(self, root, *extra, env=None):
        self.root = pathlib.Path(root)
        self.args = [str(QUIVER), "serve", "--root", str(self.root), "--port", "0", *map(str, extra)]
        self.env = dict(os.environ)
        if env:
            self.env.update(env)
        self.stderr_path = self.root.parent / f"serve-{self.root.name}-{id(self)}.log"
        self._start()

    def _start(self):
        self.stderr_file = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=self.stderr_file, env=self.env
        )
        line = self.proc.stdout.readline().decode().strip()
        if not line:
            self.proc.wait(timeout=LIMIT)
            raise AssertionError(f"quiver serve printed no location; stderr:\n{self.log()}")
        self.location = line

    def log(self):
        return self.stderr_path.read_text(errors="replace")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout=LIMIT):
        code = self.proc.wait(timeout=timeout)
        self.proc.stdout.close()
        self.stderr_file.close()
        return code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            return self.wait()
        return self.wait()

    def kill(self):
        self.proc.kill()
        return self.wait()

    def restart(self):
        """Starts the server again on the same root (and arguments), on a new port."""
        self._start()


@pytest.fixture
def make_server(tmp_path):
    servers = []

    def make(root=None, *extra, env=None, sample=False):
        root = pathlib.Path(root) if root else tmp_path / f"root{len(servers)}"
        if sample:
            shutil.copytree(SAMPLE, root)
        server = Server(root, *extra, env=env)
        servers.append(server)
        return server

    yield make
    for server in servers:
        if server.proc.poll() is None:
            server.proc.kill()
            server.wait()


@pytest.fixture
def server(make_server):
    """A server over a copy of the sample datasets."""
    return make_server(sample=True)


def write_ipc(path, table, stream=False):
    import pyarrow as pa
    import pyarrow.ipc as ipc

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pa.OSFile(str(path), "wb") as sink:
        writer = ipc.new_stream(sink, table.schema) if stream else ipc.new_file(sink, table.schema)
        writer.write_table(table)
        writer.close()
    return path


def read_ipc(path):
    import pyarrow.ipc as ipc

    data = pathlib.Path(path).read_bytes()
    if data[:6] == b"ARROW1":
        return ipc.open_file(str(path)).read_all()
    return ipc.open_stream(data).read_all()


def temp_files(root):
    """The store's temporary files under `root` (folders may vanish while we look)."""
    found = []
    for folder, _, names in os.walk(root):  # os.walk skips folders removed meanwhile
        found += [pathlib.Path(folder) / n for n in names if n.startswith(".quiver-tmp-")]
    return sorted(found)
