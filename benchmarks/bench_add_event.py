"""The cost of one ``add_event`` call (the single-event door), median of many.

    python benchmarks/bench_add_event.py [CALLS] [--runs N]

Times CALLS calls (default 300) of ``Timeline.add_event`` on a SQLite file that already holds
a few entities, places and a source: an event with two actors, a place, a report and a quote,
its date resolved against the report. Prints the median time per call over N runs (default 5),
and the same for a raw ``sqlite3`` insert of one event row in its own transaction, as the
floor of a single write measured in the same run.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timeline import Timeline


def library(folder: Path, calls: int) -> float:
    with Timeline(folder / "lib.db") as tl:
        tl.add_entity("Kim Jong Un", kind="person", aliases=["Kim Jong-un"])
        tl.add_entity("China", kind="country")
        tl.add_place("North Korea", kind="country")
        tl.add_place("Pyongyang", kind="city", parent="North Korea")
        report = tl.add_source("Congress closes", publisher="Wire", published="2026-02-26")
        start = time.perf_counter()
        for i in range(calls):
            tl.add_event(
                f"Event {i}",
                when="later this spring" if i % 2 else "2026-02-25",
                kind="politics.meeting",
                place="Pyongyang",
                actors={"Kim Jong-un": "host", "China": "guest"},
                source=report,
                quote="they met",
            )
        return (time.perf_counter() - start) / calls


def raw(folder: Path, calls: int) -> float:
    with Timeline(folder / "raw.db"):
        pass
    connection = sqlite3.connect(folder / "raw.db", isolation_level=None)
    start = time.perf_counter()
    for i in range(calls):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO timeline_event (title, kind, status, start_earliest, start_latest, "
            "end_earliest, end_latest, search_start, search_end, span, start_state, end_state, "
            "start_precision, end_precision, start_approximate, start_uncertain, "
            "end_approximate, end_uncertain, span_class, created_at, updated_at) VALUES "
            "(?, 'politics.meeting', 'occurred', '2026-02-25', '2026-02-25', '2026-02-25', "
            "'2026-02-25', '2026-02-25', '2026-02-25', 0, 'known', 'known', 'day', 'day', 0, 0, "
            "0, 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            (f"Event {i}",),
        )
        connection.execute("COMMIT")
    elapsed = (time.perf_counter() - start) / calls
    connection.close()
    return elapsed


def main() -> None:
    args = sys.argv[1:]
    runs = 5
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args.pop(at + 1))
        args.pop(at)
    calls = int(args[0]) if args else 300
    lib, floor = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            lib.append(library(Path(folder), calls))
            floor.append(raw(Path(folder), calls))
    lib_ms, raw_ms = statistics.median(lib) * 1000, statistics.median(floor) * 1000
    print(f"add_event: {lib_ms:.2f} ms a call (median of {runs} runs of {calls})")
    print(f"raw one-row transaction: {raw_ms:.3f} ms; add_event is x{lib_ms / raw_ms:.1f}")


if __name__ == "__main__":
    main()
