"""What the pictures cost on a large result set: the chart (aggregated) and the HTML page.

    python benchmarks/bench_pictures.py [EVENTS]

Loads EVENTS events (default 100,000; thirty years; 70 % one day, 20 % a month, 10 % spans of
a few weeks, four kinds, one actor in two) into a SQLite file with ``add_events``, then times,
medians of 3 runs in seconds:

- ``raw read``: the same rows read with ``SELECT`` through the DB-API (the baseline of this
  run: what reading the data costs at all);
- ``load``: the rows as the pictures need them (``picture_data.load_marks``);
- ``plot png``: ``events().order_by_time().plot("x.png")`` (aggregated above 400 events);
- ``to_html``: ``events().order_by_time().to_html("x.html")`` (every event embedded).

Prints each median, its ratio to the raw read, and the sizes of the files.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from timeline import Timeline
from timeline.picture_data import load_marks

KINDS = ["military.exercise", "politics.meeting", "diplomacy.visit", "economy.trade"]


def rows(count: int) -> list[dict[str, object]]:
    first = date(1996, 1, 1)
    out: list[dict[str, object]] = []
    for i in range(count):
        day = first + timedelta(days=(i * 7919) % 10950)
        if i % 10 < 7:
            when = day.isoformat()
        elif i % 10 < 9:
            when = f"{day:%Y-%m}"
        else:
            when = f"{day}/{day + timedelta(days=10 + i % 40)}"
        row: dict[str, object] = {"title": f"Event {i}", "when": when, "kind": KINDS[i % 4]}
        if i % 2 == 0:
            row["actors"] = {f"Actor {i % 50}": "actor"}
        out.append(row)
    return out


def median(run: Callable[[], object], times: int = 3) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def main(count: int = 100_000) -> None:
    folder = Path(tempfile.mkdtemp(prefix="timeline-bench-pictures-"))
    path = folder / "events.db"
    with Timeline(path) as tl:
        for i in range(50):
            tl.add_entity(f"Actor {i}", kind="person")
        start = time.perf_counter()
        tl.add_events(rows(count))
        print(f"loaded {count:,} events in {time.perf_counter() - start:.1f} s")
        story = tl.events().order_by_time()

        def raw() -> None:
            with sqlite3.connect(path) as connection:
                sql = "SELECT * FROM timeline_event ORDER BY start_earliest"
                connection.execute(sql).fetchall()

        results = {
            "raw read": median(raw),
            "load": median(lambda: load_marks(story.statement, tl.session)),
            "plot png": median(lambda: story.plot(folder / "x.png")),
            "to_html": median(lambda: story.to_html(folder / "x.html")),
        }
    base = results["raw read"]
    for name, seconds in results.items():
        print(f"{name:>9}: {seconds:7.2f} s  ({seconds / base:5.1f} x raw read)")
    print(f"png: {(folder / 'x.png').stat().st_size / 1e3:,.0f} kB; "
          f"html: {(folder / 'x.html').stat().st_size / 1e6:,.1f} MB")  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
