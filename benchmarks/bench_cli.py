"""The ``timeline ls`` command at scale, as a real process (start-up included).

Run from the repository root::

    python benchmarks/bench_cli.py               # 100k events
    python benchmarks/bench_cli.py --n 1000000   # 1M events (the load takes minutes)
    python benchmarks/bench_cli.py --db DIR/cli.db   # keep the database; reuse it next time

The start-up of the command (``timeline --version``: Python and the library's imports) is
timed too, the floor under every command. Data: ``gen_events.py`` rows (without actors: a
listing does not show them) loaded with ``tl.add_events``. Prints the median of 3 runs of
``timeline ls`` (the default limit, a table on a pipe) and of ``timeline ls --nl --all``
(every event, one JSON line each, read from the pipe), in seconds and events per second.
Targets at 1M events: ``ls`` under 1 s; ``ls --nl --all`` at 50,000 events/s or more.
"""

from __future__ import annotations

import argparse
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


def timed(path: Path, *args: str) -> float:
    """Seconds of one ``timeline --db PATH ARGS`` run, its output read from a pipe."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "timeline", "--db", str(path), *args],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def report(label: str, path: Path, events: int, *args: str) -> None:
    """The median of 3 runs of ``timeline ARGS``, and ``events`` (when any) per second."""
    seconds = statistics.median(timed(path, *args) for _ in range(3))
    rate = f"{events / seconds:12,.0f} events/s  ({events:,} events)" if events else ""
    print(f"{label:<22} {seconds:8.3f} s  {rate}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="events (default 100,000)")
    parser.add_argument("--db", type=Path, help="SQLite file to load (or reuse)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = options.db or Path(scratch) / "cli.db"
        load(path, options.n)
        report("start-up (--version)", path, 0, "--version")
        report("ls (default limit)", path, 50, "ls")
        report("ls --nl --all", path, options.n, "ls", "--nl", "--all")


if __name__ == "__main__":
    main()
