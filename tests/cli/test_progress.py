"""Progress bars: drawn on a terminal, absent in a pipe or with -q."""

import os
import pty
import subprocess

import pyarrow as pa

from conftest import LIMIT, QUIVER, run, write_ipc


def run_on_terminal(*args):
    """Runs quiver with stderr on a pseudo-terminal; returns (exit code, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(QUIVER), *map(str, args)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return proc.wait(timeout=LIMIT), shown.decode(errors="replace")


def test_get_and_put_draw_progress_on_a_terminal(server, tmp_path):
    code, shown = run_on_terminal("get", server.location, "weather/readings", "-o", tmp_path / "r.arrow")
    assert code == 0
    assert "get weather/readings [" in shown
    assert "100%" in shown
    assert "3360 / 3360 rows" in shown
    assert "\r" in shown and "\x1b[K" in shown

    upload = write_ipc(tmp_path / "u.arrow", pa.table({"x": list(range(10000))}))
    code, shown = run_on_terminal("put", server.location, "uploaded", upload)
    assert code == 0
    assert "put uploaded [" in shown and "10000 rows" in shown

    # A CSV upload knows its row count from the first pass: the bar runs by rows.
    csv = tmp_path / "u.csv"
    csv.write_text("x\n" + "".join(f"{i}\n" for i in range(5000)))
    code, shown = run_on_terminal("put", server.location, "from_csv", csv)
    assert code == 0
    assert "put from_csv [" in shown and "5000 / 5000 rows" in shown and "100%" in shown


def test_no_progress_with_quiet_or_in_a_pipe(server, tmp_path):
    code, shown = run_on_terminal("get", server.location, "weather/readings", "-o", tmp_path / "q.arrow", "-q")
    assert code == 0 and shown == ""
    piped = run("get", server.location, "weather/readings", "-o", tmp_path / "p.arrow", check=0)
    assert "[" not in piped.stderr and "\r" not in piped.stderr and "ETA" not in piped.stderr
    assert piped.stderr == f"wrote 3360 rows of weather/readings to {tmp_path / 'p.arrow'} (arrow)\n"
