"""Import rate of a GDELT-shaped file, against the raw bulk insert path measured in the same run.

    python benchmarks/bench_import.py [ROWS] [--postgres URL]

Writes a synthetic GDELT 2.0 event export of ROWS rows (default 20,000: 2,000 actors, 500
places, one article per 3 events), then times, each on a fresh SQLite file:

- ``raw``: the same rows' event columns inserted with one ``executemany`` in one transaction
  (sqlite3, no lookups: the floor);
- ``add_events``: ``Timeline.add_events`` (the library's bulk path), when this version has it,
  with actors and places created first;
- ``import``: ``timeline.io.import_file(format="gdelt-events")``: parsing, matching on
  external ids, entities, places, documents and claims, in one transaction.

Prints rows per second, medians of 3 runs, and the ratios to ``raw``.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timeline import Timeline
from timeline.io import import_file


def write_gdelt(path: Path, rows: int, seed: int = 7) -> None:
    """A synthetic GDELT 2.0 export: 61 tab-separated columns, realistic value shapes."""
    rng = random.Random(seed)
    codes = ["010", "0431", "043", "190", "1823", "112", "051", "0874", "141", "036"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            cells = [""] * 61
            day = f"2026{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            cells[0], cells[1], cells[2], cells[3] = str(10**9 + i), day, day[:6], day[:4]
            a1, a2 = rng.randrange(2000), rng.randrange(2000)
            cells[5:8] = [f"A{a1:04d}", f"ACTOR {a1}", "USA"]
            cells[12] = rng.choice(["GOV", "MIL", "", "BUS"])
            cells[15:18] = [f"A{a2:04d}", f"ACTOR {a2}", "CHN"]
            code = rng.choice(codes)
            cells[25:35] = ["1", code, code[:3], code[:2], "1", "-2.0", "5", "2", "5", "-1.5"]
            place = rng.randrange(500)
            cells[51:59] = ["4", f"Place {place}", "US", "US06", "", "37.5", "-122.1", str(place)]
            cells[59] = day + "120000"
            cells[60] = f"https://news{i % 50}.example/story/{i // 3}"
            out.write("\t".join(cells) + "\n")


def time_raw(path: Path, rows: int) -> float:
    database = path.with_suffix(".raw.db")
    database.unlink(missing_ok=True)
    with Timeline(database):
        pass  # the real schema
    lines = path.read_text(encoding="utf-8").splitlines()
    start = time.perf_counter()
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("BEGIN")
    data = []
    for line in lines:
        cells = line.split("\t")
        day = f"{cells[1][:4]}-{cells[1][4:6]}-{cells[1][6:]}"
        data.append((cells[5] + " " + cells[26], "cameo." + cells[26], *([day] * 6)))
    connection.executemany(
        "INSERT INTO timeline_event (title, kind, status, start_earliest, start_latest, "
        "end_earliest, end_latest, search_start, search_end, span, start_state, end_state, "
        "start_precision, end_precision, start_approximate, start_uncertain, end_approximate, "
        "end_uncertain, span_class, created_at, updated_at) VALUES (?, ?, 'occurred', ?, ?, ?, "
        "?, ?, ?, 0, 'known', 'known', 'day', 'day', 0, 0, 0, 0, 0, "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        data,
    )
    connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - start


def time_import(path: Path) -> float:
    database = path.with_suffix(".import.db")
    database.unlink(missing_ok=True)
    with Timeline(database) as tl:
        start = time.perf_counter()
        summary = import_file(tl, path, format="gdelt-events")
        elapsed = time.perf_counter() - start
        assert summary.errors == [], summary.errors[:3]
    return elapsed


def time_add_events(path: Path) -> float | None:
    database = path.with_suffix(".bulk.db")
    database.unlink(missing_ok=True)
    with Timeline(database) as tl:
        if not hasattr(tl, "add_events"):
            return None
        lines = path.read_text(encoding="utf-8").splitlines()
        for n in range(2000):
            tl.add_entity(f"ACTOR {n}", kind="actor")
        start = time.perf_counter()
        rows = []
        for line in lines:
            cells = line.split("\t")
            rows.append(
                {
                    "title": cells[6] + " " + cells[26],
                    "when": cells[1][:4] + "-" + cells[1][4:6] + "-" + cells[1][6:],
                    "kind": "cameo." + cells[26],
                    "actors": {cells[6]: "initiator", cells[16]: "target"}
                    if cells[6] != cells[16]
                    else {cells[6]: "initiator"},
                    "external_ids": {"gdelt": cells[0]},
                }
            )
        tl.add_events(rows)
        return time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.export.CSV"
        write_gdelt(path, rows)
        results: dict[str, list[float]] = {"raw": [], "add_events": [], "import": []}
        for _ in range(3):
            results["raw"].append(time_raw(path, rows))
            bulk = time_add_events(path)
            if bulk is not None:
                results["add_events"].append(bulk)
            results["import"].append(time_import(path))
        raw = statistics.median(results["raw"])
        print(f"GDELT-shaped import, {rows:,} rows, SQLite, median of 3")
        for name, times in results.items():
            if not times:
                print(f"  {name:<11} (not available in this version)")
                continue
            median = statistics.median(times)
            print(
                f"  {name:<11} {rows / median:>10,.0f} rows/s  {median:7.2f} s  "
                f"x{median / raw:6.1f} of raw"
            )


if __name__ == "__main__":
    main()
