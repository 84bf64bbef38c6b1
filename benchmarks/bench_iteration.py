"""What iterating a query holds in memory, against ``all()``, and what each costs in time.

    python benchmarks/bench_iteration.py [EVENTS] [--runs N]

Loads EVENTS events (default 30,000) into a SQLite file, then walks ``for event in
tl.events()`` (pages of ``ITER_PAGE``) and ``tl.events().all()``, printing each one's peak
traced allocation (tracemalloc) and median time over N runs (default 3), and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from timeline import Timeline


def measure(walk: Callable[[], int], runs: int) -> tuple[float, float]:
    """Peak MiB (one traced run) and median seconds (untraced runs) of ``walk``."""
    tracemalloc.start()
    walk()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        walk()
        times.append(time.perf_counter() - start)
    return peak, statistics.median(times)


def main(events: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder, Timeline(Path(folder) / "it.db") as tl:
        tl.add_events(
            {"title": f"Event {i}", "when": f"{2000 + i % 25}-{i % 12 + 1:02d}", "kind": "test"}
            for i in range(events)
        )
        streamed = measure(lambda: sum(1 for _ in tl.events()), runs)
        loaded = measure(lambda: len(tl.events().all()), runs)
    print(f"{events:,} events, median of {runs} runs")
    print(f"iterate: peak {streamed[0]:7.1f} MiB, {streamed[1]:.2f} s")
    print(f"all():   peak {loaded[0]:7.1f} MiB, {loaded[1]:.2f} s")
    memory, seconds = streamed[0] / loaded[0], streamed[1] / loaded[1]
    print(f"ratio iterate/all: memory x{memory:.2f}, time x{seconds:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int, nargs="?", default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    main(options.events, options.runs)
