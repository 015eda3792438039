"""Figures the hardening tests measure, collected for `scripts/hardening-report`.

A test calls `record("N4", "server SIGKILL after acknowledged puts", acked=20, lost=0)`
once it has measured something worth reporting; the figure IDs are those of
/work/shared/reliability-figures.md (F1-F5, N1-N9, S1-S6) plus "CVE-..." for the
gRPC probes. Each record is one JSON file in $QUIVER_FIGURES_DIR (default
build/hardening-figures/), replaced atomically, so concurrent test processes
never interleave and a rerun of one test refreshes only its own entries.

Recording never decides a test's outcome: tests assert behaviour (errors,
data, counts), the report prints the figures next to the targets.
"""

import json
import os
import pathlib
import re
import time

REPO = pathlib.Path(__file__).resolve().parents[2]


def figures_dir():
    explicit = os.environ.get("QUIVER_FIGURES_DIR")
    return pathlib.Path(explicit) if explicit else REPO / "build" / "hardening-figures"


def record(figure, name, **values):
    """Stores `values` (JSON-able) as figure `figure` ("N4"), entry `name`."""
    directory = figures_dir()
    directory.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:80]
    path = directory / f"{figure}--{slug}.json"
    entry = {"figure": figure, "name": name, "values": values, "recorded": time.time()}
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(entry, indent=1, sort_keys=True))
    os.replace(temporary, path)
