"""What ``as_of`` costs: window queries on today's events against the same ones as of a day.

    python benchmarks/bench_asof.py [EVENTS] [--postgres URL]

Builds EVENTS events (default 100,000; dates uniform over 2000-2030: 70 % one day, 20 % a
month, 10 % a year) with the version rows the library keeps: every event first reported in
2025, and 40 % of them reported again in 2026 with a narrower date (one version closed, two
inserted, as a new claim does), so the version table holds about 1.8 rows per event. Then times
the same 30 month windows through the library (``ids()``), medians in ms:

- ``today``: ``events().between(month)``, the event table (the baseline of this run);
- ``as_of(2026-12-31)``: the latest published state, from the version table;
- ``as_of(2025-06-30)``: half the events not reported yet, the rest at their first report;
- ``as_of(recorded=before the 2026 reports)``: the audit axis.

Prints each median and its ratio to ``today``.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, make_url, text

from timeline import Event, Timeline, When
from timeline.knowledge import EventVersion
from timeline.models import MAX_DAY, WhenColumns

START = date(2000, 1, 1)
DAYS = (date(2030, 12, 31) - START).days


def _when(rng: random.Random) -> When:
    day = START + timedelta(days=rng.randrange(DAYS))
    roll = rng.random()
    if roll < 0.7:
        return When.parse(day.isoformat())
    if roll < 0.9:
        return When.parse(day.strftime("%Y-%m"))
    return When.parse(str(day.year))


def _narrower(when: When, rng: random.Random) -> When:
    first = when.start_earliest
    assert isinstance(first, date)
    last = when.end_latest
    assert isinstance(last, date)
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    return When.parse(day.isoformat())


def build(tl: Timeline, n: int, seed: int = 5) -> datetime:
    """Write the events and versions; returns a recorded time between the two reports."""
    rng = random.Random(seed)
    first_at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    second_at = datetime(2026, 6, 1, tzinfo=timezone.utc)
    events: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        when = _when(rng)
        columns = WhenColumns.when_columns(when)
        reported = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
        row = {"id": i, "title": f"event {i}", "kind": "test", "status": "expected", **columns}
        first = {
            "event_id": i,
            "status": "expected",
            **columns,
            "known_from": reported,
            "recorded_until": None,
        }
        if rng.random() < 0.4:
            later = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
            new = WhenColumns.when_columns(_narrower(when, rng))
            row.update(status="scheduled", **new)
            versions.append(
                {
                    **first,
                    "known_until": MAX_DAY,
                    "recorded_from": first_at,
                    "recorded_until": second_at,
                }
            )
            versions.append({**first, "known_until": later, "recorded_from": second_at})
            versions.append(
                {
                    "event_id": i,
                    "status": "scheduled",
                    **new,
                    "known_from": later,
                    "known_until": MAX_DAY,
                    "recorded_from": second_at,
                    "recorded_until": None,
                }
            )
        else:
            versions.append({**first, "known_until": MAX_DAY, "recorded_from": first_at})
        events.append(row)
    with tl.engine.begin() as connection:
        for start in range(0, n, 20_000):
            connection.execute(insert(Event), events[start : start + 20_000])
        for start in range(0, len(versions), 20_000):
            connection.execute(insert(EventVersion), versions[start : start + 20_000])
        if tl.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
    return first_at + timedelta(days=30)


def median_ms(run: Any, windows: list[tuple[date, date]]) -> tuple[float, float]:
    """Median ms over the windows (after 2 untimed warm-ups), and mean rows returned."""
    for first, last in windows[:2]:
        run(first, last)
    times, sizes = [], []
    for first, last in windows:
        started = time.perf_counter()
        sizes.append(len(run(first, last)))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.mean(sizes)


@contextmanager
def _database(url: str | None) -> Iterator[str | None]:
    """A fresh PostgreSQL database made from ``url`` for this run, dropped afterwards."""
    if url is None:
        yield None
        return
    name = f"timeline_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    url = None
    if "--postgres" in args:
        url = args[args.index("--postgres") + 1]
        del args[args.index("--postgres") : args.index("--postgres") + 2]
    n = int(args[0]) if args else 100_000
    rng = random.Random(11)
    windows = []
    for _ in range(30):
        month = START + timedelta(days=rng.randrange(DAYS))
        first = month.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        windows.append((first, last))
    with tempfile.TemporaryDirectory() as folder, _database(url) as scratch:
        target = scratch or str(Path(folder) / "bench.db")
        with Timeline(target) as tl:
            started = time.perf_counter()
            between_reports = build(tl, n)
            print(
                f"{tl.engine.dialect.name}: {n:,} events built in "
                f"{time.perf_counter() - started:.1f} s"
            )
            cases = {
                "today": lambda a, b: tl.events().between(a, b).ids(),
                "as_of(2026-12-31)": lambda a, b: (
                    tl.events().between(a, b).as_of("2026-12-31").ids()
                ),
                "as_of(2025-06-30)": lambda a, b: (
                    tl.events().between(a, b).as_of("2025-06-30").ids()
                ),
                "as_of(recorded=...)": lambda a, b: (
                    tl.events().between(a, b).as_of(recorded=between_reports).ids()
                ),
            }
            baseline = None
            for name, run in cases.items():
                ms, rows = median_ms(run, windows)
                baseline = baseline or ms
                print(f"  {name:<22} {ms:8.2f} ms  {rows:8.0f} rows  x{ms / baseline:5.2f}")


if __name__ == "__main__":
    main()
