"""Quiver raises glibc's malloc limits when the first Flight client or server is
made (quiver/flight/malloc_tuning.h), unless the user opted out or chose limits
of their own. Each case runs in a fresh interpreter, since the limits are
per-process and applied once."""

import os
import subprocess
import sys
import textwrap

# The probe: make a Flight client, then ask glibc whether an 8 MiB block was
# mmap'ed (mallinfo2's hblks counts mmap'ed blocks).
PROBE = textwrap.dedent(
    """
    import ctypes
    import quiver.flight as flight

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
            "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]

    client = flight.FlightClient("grpc://127.0.0.1:1")
    before = libc.mallinfo2().hblks
    block = libc.malloc(8 << 20)
    during = libc.mallinfo2().hblks
    libc.free(block)
    client.close()
    print("mmapped" if during > before else "heap")
    """
)


def probe(**env_changes):
    env = {k: v for k, v in os.environ.items()
           if k not in ("QUIVER_MALLOC_TUNING", "GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_",
                        "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX")}
    env.update(env_changes)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_flight_client_keeps_large_blocks_in_the_heap():
    assert probe() == "heap"


def test_quiver_malloc_tuning_0_keeps_glibc_defaults():
    assert probe(QUIVER_MALLOC_TUNING="0") == "mmapped"


def test_the_users_glibc_tunables_win():
    assert probe(GLIBC_TUNABLES="glibc.malloc.mmap_threshold=1048576") == "mmapped"


def test_the_users_malloc_environment_variables_win():
    assert probe(MALLOC_MMAP_THRESHOLD_="1048576") == "mmapped"


def test_the_users_arena_setting_means_the_user_chose():
    assert probe(MALLOC_ARENA_MAX="4") == "mmapped"
    assert probe(GLIBC_TUNABLES="glibc.malloc.arena_max=4") == "mmapped"
