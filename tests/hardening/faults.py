"""Fault-injection helpers of test_faults.py: the faultfs interposer (faultfs.cc),
its call log, seeded datasets with content hashes, pyarrow puts that report when
the acknowledgement arrived, and a TCP proxy that can drop its connections.
"""

import hashlib
import json
import os
import pathlib
import shutil
import socket
import struct
import subprocess
import threading
import time

import numpy as np
import pyarrow as pa
import pyarrow.flight as flight

HERE = pathlib.Path(__file__).resolve().parent


# --- the interposer ---------------------------------------------------------------

def faultfs_library(build_dir):
    """The path of libquiver_faultfs.so: $QUIVER_FAULTFS (ctest sets it), else the one
    next to $QUIVER_BIN's build, else compiled here from faultfs.cc into `build_dir`."""
    explicit = os.environ.get("QUIVER_FAULTFS")
    if explicit:
        return pathlib.Path(explicit)
    binary = os.environ.get("QUIVER_BIN")
    if binary:
        beside = pathlib.Path(binary).parent / "hardening" / "libquiver_faultfs.so"
        if beside.exists():
            return beside
    compiler = shutil.which(os.environ.get("CXX", "c++")) or shutil.which("g++") or shutil.which("clang++")
    if compiler is None:
        raise RuntimeError("no libquiver_faultfs.so (build the quiver_faultfs target or set QUIVER_FAULTFS) "
                           "and no C++ compiler to build it with")
    out = pathlib.Path(build_dir) / "libquiver_faultfs.so"
    subprocess.run([compiler, "-std=c++17", "-O1", "-shared", "-fPIC", "-o", str(out),
                    str(HERE / "faultfs.cc"), "-ldl"], check=True, capture_output=True)
    return out


class FaultFS:
    """One server's interposer setup: the environment for `quiver serve`, the control
    file that switches faults on and off, and the parsed call log."""

    def __init__(self, library, root, work):
        self.root = pathlib.Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.log_path = pathlib.Path(work) / f"faultfs-{self.root.name}.log"
        self.control_path = pathlib.Path(work) / f"faultfs-{self.root.name}.control"
        self.control_path.write_text("")
        self.env = {"LD_PRELOAD": str(library), "QUIVER_FAULTFS_PREFIX": str(self.root),
                    "QUIVER_FAULTFS_LOG": str(self.log_path),
                    "QUIVER_FAULTFS_CONTROL": str(self.control_path),
                    # A sanitizer build of quiver accepts the preloaded library ahead of its runtime.
                    "ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                           "verify_asan_link_order=0"]))}

    def set(self, **faults):
        """Faults for descriptors opened from now on (enospc_after=N, fsync_eio=1, ...)."""
        self.control_path.write_text("".join(f"{key}={int(value)}\n" for key, value in faults.items()))

    def clear(self):
        self.control_path.write_text("")

    def events(self):
        """The log as dicts {ns, tid, call, fd, result, errno, path, path2}."""
        out = []
        if not self.log_path.exists():
            return out
        for line in self.log_path.read_text().splitlines():
            parts = line.split(" ")
            if len(parts) < 7:
                continue
            out.append({"ns": int(parts[0]), "tid": int(parts[1]), "call": parts[2], "fd": int(parts[3]),
                        "result": int(parts[4]), "errno": int(parts[5]), "path": parts[6],
                        "path2": parts[7] if len(parts) > 7 else None})
        return out


# --- data ---------------------------------------------------------------------------

def make_table(seed, rows):
    """`rows` rows of (i int64, v float64) drawn from `seed`: 16 bytes a row."""
    generator = np.random.default_rng(seed)
    return pa.table({"i": pa.array(generator.integers(-2**62, 2**62, rows), type=pa.int64()),
                     "v": pa.array(generator.random(rows), type=pa.float64())})


def table_hash(table):
    """sha256 over the column names, row count and values (not the chunking)."""
    digest = hashlib.sha256(str(table.num_rows).encode())
    for name in table.column_names:
        digest.update(name.encode())
        column = table.column(name)
        digest.update(column.to_numpy().tobytes() if column.num_chunks else b"")
    return digest.hexdigest()


def descriptor(path, mode=None):
    if mode is None:
        return flight.FlightDescriptor.for_path(*path.split("/"))
    return flight.FlightDescriptor.for_command(json.dumps({"path": path, "mode": mode}).encode())


def put(client, path, table, batch_rows=None, mode=None):
    """A DoPut of `table`; returns (the server's JSON acknowledgement, time.monotonic_ns()
    right after it arrived). Raises what the client raises if the put fails."""
    writer, metadata = client.do_put(descriptor(path, mode), table.schema)
    try:
        for batch in table.to_batches(max_chunksize=batch_rows):
            writer.write_batch(batch)
        writer.done_writing()
        ack = metadata.read()
        acked_at = time.monotonic_ns()
    except pa.ArrowException as failure:
        # A write that fails because the server ended the call says little; the
        # server's own status comes with close().
        try:
            writer.close()
        except pa.ArrowException as status:
            raise status from failure
        raise
    writer.close()
    if ack is None:
        raise AssertionError(f"the put to {path} ended without an acknowledgement")
    return json.loads(ack.to_pybytes()), acked_at


def read_dataset(client, path):
    return client.do_get(flight.Ticket(json.dumps({"path": path}).encode())).read_all()


def listed(client):
    return sorted("/".join(p.decode() if isinstance(p, bytes) else p for p in info.descriptor.path)
                  for info in client.list_flights())


def temp_files(root):
    """The store's temporary files under `root` (folders may vanish while it looks)."""
    found = []
    for folder, _, names in os.walk(root):
        found += [os.path.relpath(os.path.join(folder, name), root) for name in names
                  if name.startswith(".quiver-tmp-")]
    return sorted(found)


def health(client):
    results = list(client.do_action(flight.Action("health", b"")))
    return json.loads(results[0].body.to_pybytes())["status"]


# --- a proxy that drops its connections -----------------------------------------------

class DroppingProxy:
    """Forwards 127.0.0.1:port to `target` until drop() resets every connection
    (SO_LINGER 0: an RST, as when a client's machine or network vanishes)."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = []
        self.pumps = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def location(self):
        return f"grpc://127.0.0.1:{self.port}"

    def _accept(self):
        while True:
            try:
                near, _ = self.listener.accept()
            except OSError:
                return
            far = socket.create_connection(self.target)
            pumps = [threading.Thread(target=self._pump, args=pair, daemon=True)
                     for pair in ((near, far), (far, near))]
            with self.lock:
                self.sockets += [near, far]
                self.pumps += pumps
            for pump in pumps:
                pump.start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass

    def drop(self):
        with self.lock:
            sockets, self.sockets = self.sockets, []
            pumps, self.pumps = self.pumps, []
        for sock in sockets:
            # Linger 0: the close below sends an RST. Shutting the read side first wakes
            # the pump blocked in recv() (a close alone would wait for that recv).
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass
        for pump in pumps:
            pump.join(timeout=30)
        for sock in sockets:
            sock.close()

    def close(self):
        self.listener.close()
        self.drop()
