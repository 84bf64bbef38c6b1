"""The ``timeline ls`` command at scale, as a real process (start-up included).

Run from the repository root::

    python benchmarks/bench_cli.py               # 100k events
    python benchmarks/bench_cli.py --n 1000000   # 1M events (the load takes minutes)
    python benchmarks/bench_cli.py --db DIR/cli.db   # keep the database; reuse it next time

The start-up of the command (``timeline --version``: Python and the library's imports) is
timed too, the floor under every command. Data: ``gen_events.py`` rows (without actors: a
listing does not show them) loaded with ``tl.add_events``. Prints the median of 3 runs of
``timeline ls`` (the default limit, a table on a pipe) and of ``timeline ls --nl --all``
(every event, one JSON line each, read from the pipe), in seconds of wall and of CPU time (the
command's user and system time: on a shared machine it moves less than the wall clock) and
events per second. Targets at 1M events: ``ls`` under 1 s; ``ls --nl --all`` at 50,000
events/s or more.

The commands run as from an installed wheel, whose modules pip compiled to bytecode at
install: ``PYTHONDONTWRITEBYTECODE`` is dropped from their environment and one untimed run
writes the bytecode of a checkout first. Without it, each command compiles the library's
sources again (some 0.3-0.4 s more on a 2-core machine).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_events import Generator

from timeline import Timeline


def load(path: Path, n: int) -> None:
    """``n`` generated events in a new SQLite database at ``path`` (kept if there)."""
    if path.exists():
        with Timeline(str(path)) as tl:
            if tl.events().count() == n:
                return
        path.unlink()
    started = time.perf_counter()
    with Timeline(str(path)) as tl:
        tl.add_events(
            {k: v for k, v in row.items() if k != "actors"} for row in Generator(n).rows()
        )
    print(f"loaded {n:,} events in {time.perf_counter() - started:.1f} s")


#: The commands' environment: as from an installed wheel, with its bytecode (see above).
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(path: Path, *args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``timeline --db PATH ARGS`` run, its output read from a pipe."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "timeline", "--db", str(path), *args],
        capture_output=True,
        check=True,
        env=ENVIRONMENT,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def report(label: str, path: Path, events: int, *args: str) -> None:
    """The medians of 3 runs of ``timeline ARGS``, and ``events`` (when any) per second."""
    runs = [timed(path, *args) for _ in range(3)]
    wall = statistics.median(run[0] for run in runs)
    cpu = statistics.median(run[1] for run in runs)
    rate = f"{events / wall:10,.0f} events/s  ({events:,} events)" if events else ""
    print(f"{label:<22} {wall:7.3f} s  (CPU {cpu:6.3f} s)  {rate}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="events (default 100,000)")
    parser.add_argument("--db", type=Path, help="SQLite file to load (or reuse)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = options.db or Path(scratch) / "cli.db"
        load(path, options.n)
        timed(path, "--version")  # writes the bytecode of a checkout, as pip does at install
        report("start-up (--version)", path, 0, "--version")
        report("ls (default limit)", path, 50, "ls")
        report("ls --nl --all", path, options.n, "ls", "--nl", "--all")


if __name__ == "__main__":
    main()
