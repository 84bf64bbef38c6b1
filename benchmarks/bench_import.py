"""Import rate of a GDELT-shaped file, against a raw insert of the very rows it wrote.

    python benchmarks/bench_import.py [ROWS] [--runs N] [--paths PATH,...]

PATH is one of add_events, import, reimport, jsonl, csv. Writes a synthetic GDELT 2.0 event export
of ROWS rows (default 10,000: 2,000 actors, 500 places, one article per event), then times,
each on a fresh database and in a fresh process (so that each run's peak memory is its own):

- ``add_events``: ``Timeline.add_events`` (the Python API's bulk door), actors created first;
- ``import``: ``timeline.io.import_file(format="gdelt-events")``: parsing, matching on
  external ids, entities, places, documents and claims, in one transaction;
- ``reimport``: the same import a second time (the first, untimed, fills the database): every
  row is matched to its stored event and found unchanged;
- ``jsonl``: ``import_file(format="jsonl")`` of the library's own JSON Lines export of that
  database (written once, untimed, before the runs), into an empty database;
- ``csv``: ``import_file(format="csv")`` of the same events as a spreadsheet with no external
  ids (title, date, kind, actors, place, report URL, publisher, day), so every row is matched
  by content.

Each path's **floor** is measured in the same process right after it: every row the path wrote,
in every table (events, claims, versions, revisions, participations, tags, external ids,
entities, places, documents, aliases, relations), read back and inserted again, in one
transaction, into a fresh database migrated the same way (its full-text triggers included):
one ``executemany`` per table with sqlite3 on SQLite, one binary ``COPY`` per table with psycopg
on PostgreSQL. ``reimport`` writes nothing; it is compared with the floor of ``import``.

Prints, per path, the median of N runs (default 3), rows per second, the median floor and the
ratio of the two, and the largest peak resident memory of its runs. On SQLite it also prints the
median ratio of CPU times (the path's to its floor's, run by run): all of SQLite's work is in the
process, so on a shared machine this ratio moves less than the wall-clock one. With
``TIMELINE_BENCH_POSTGRES_URL`` set (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
it runs on PostgreSQL instead, each run in a fresh database of that server.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import create_engine, make_url, text

from timeline import Timeline, metadata
from timeline.io import export_file, import_file


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


POSTGRES_URL = os.environ.get("TIMELINE_BENCH_POSTGRES_URL")


class Seconds(NamedTuple):
    """A timed block: wall seconds, and CPU seconds of this process (on SQLite all the work is
    in this process, so its CPU time is the steadier measure on a shared machine)."""

    wall: float
    cpu: float


@contextmanager
def stopwatch() -> Iterator[list[Seconds]]:
    """Time the block; the list holds its :class:`Seconds` afterwards."""
    found: list[Seconds] = []
    wall, cpu = time.perf_counter(), time.process_time()
    yield found
    found.append(Seconds(time.perf_counter() - wall, time.process_time() - cpu))


#: The peak resident memory of the path timed in this process, before its floor (MB).
PEAK_MB = 0.0


@contextmanager
def fresh_database(path: Path, name: str) -> Iterator[str]:
    """A new, empty database for one run: a SQLite file, or a PostgreSQL database (dropped
    afterwards). Yields its URL or path."""
    if not POSTGRES_URL:
        database = path.with_suffix(f".{name}.db")
        database.unlink(missing_ok=True)
        yield str(database)
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    database_name = f"timeline_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database_name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=database_name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)'))
        admin.dispose()


def _tables() -> list[str]:
    """The library's tables, parents first (the order a restore inserts them in)."""
    return [t.name for t in metadata.sorted_tables if t.name.startswith("timeline_")]


def dump(database: str) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every row of every table of ``database``, as the driver returns it (the path's peak
    memory is noted first: the dump is not the path's)."""
    global PEAK_MB
    PEAK_MB = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    if POSTGRES_URL:
        import psycopg

        url = make_url(database).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(url) as connection:
            for table in _tables():
                cursor = connection.execute(f"SELECT * FROM {table}")
                columns = [c.name for c in cursor.description or []]
                found[table] = (columns, cursor.fetchall())
        return found
    connection = sqlite3.connect(database)
    for table in _tables():
        cursor = connection.execute(f"SELECT * FROM {table}")
        found[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    connection.close()
    return found


def time_floor(path: Path, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> Seconds:
    """The time to insert ``rows`` again, raw, into a fresh database migrated the same way."""
    with fresh_database(path, "floor") as database:
        with Timeline(database):
            pass  # the same schema, triggers and indexes
        if POSTGRES_URL:
            import psycopg

            url = make_url(database).set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(url) as connection:
                types = {}
                for table in rows:
                    types[table] = dict(
                        connection.execute(
                            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t "
                            "ON t.oid = a.atttypid WHERE a.attrelid = %s::regclass "
                            "AND a.attnum > 0",
                            (table,),
                        ).fetchall()
                    )
                with (
                    stopwatch() as timed,
                    connection.transaction(),
                    connection.cursor() as cursor,
                ):
                    for table, (columns, data) in rows.items():
                        names = ", ".join(columns)
                        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
                        with cursor.copy(statement) as copy:
                            copy.set_types([types[table][c] for c in columns])
                            for values in data:
                                copy.write_row(values)
                return timed[0]
        connection = sqlite3.connect(database, isolation_level=None)
        with stopwatch() as timed:
            connection.execute("BEGIN")
            for table, (columns, data) in rows.items():
                marks = ", ".join("?" * len(columns))
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", data
                )
            connection.execute("COMMIT")
        connection.close()
        return timed[0]


def timed_import(path: Path, source: Path, format: str) -> tuple[Seconds, Seconds]:
    """``import_file`` of ``source`` into a fresh database, and the floor of what it wrote."""
    with fresh_database(path, format) as database, Timeline(database) as tl:
        with stopwatch() as timed:
            summary = import_file(tl, source, format=format)
        assert summary.errors == [] and summary.created > 0, summary.as_dict()
        written = dump(database)
    return timed[0], time_floor(path, written)


def time_import(path: Path) -> tuple[Seconds, Seconds]:
    return timed_import(path, path, "gdelt-events")


def time_reimport(path: Path) -> tuple[Seconds, Seconds]:
    with fresh_database(path, "reimport") as database, Timeline(database) as tl:
        first = import_file(tl, path, format="gdelt-events")
        with stopwatch() as timed:
            summary = import_file(tl, path, format="gdelt-events")
        assert (summary.created, summary.unchanged) == (0, first.created), summary.as_dict()
        written = dump(database)  # after: the peak memory it notes is the re-import's too
    return timed[0], time_floor(path, written)


def write_jsonl(path: Path) -> Path:
    """The JSON Lines export of ``path`` imported: the file the ``jsonl`` path imports."""
    target = path.with_suffix(".jsonl")
    with fresh_database(path, "export") as database, Timeline(database) as tl:
        import_file(tl, path, format="gdelt-events")
        export_file(tl, target, format="jsonl")
    return target


def time_jsonl(path: Path) -> tuple[Seconds, Seconds]:
    return timed_import(path, path.with_suffix(".jsonl"), "jsonl")


def write_csv(path: Path) -> Path:
    """The GDELT file's events as a CSV with no external ids (the ``csv`` path's input)."""
    target = path.with_suffix(".sheet.csv")
    with (
        path.open(encoding="utf-8") as lines,
        target.open("w", newline="", encoding="utf-8") as out,
    ):
        sheet = csv.writer(out)
        sheet.writerow(["title", "when", "kind", "actors", "place", "source_url", "published"])
        for line in lines:
            cells = line.rstrip("\n").split("\t")
            day = f"{cells[1][:4]}-{cells[1][4:6]}-{cells[1][6:]}"
            actors = f"{cells[6]} (initiator); {cells[16]} (target)"
            sheet.writerow(
                [f"{cells[6]} {cells[26]} {cells[0]}", day, "cameo." + cells[26], actors,
                 cells[52], cells[60], day]
            )  # fmt: skip
    return target


def time_csv(path: Path) -> tuple[Seconds, Seconds]:
    return timed_import(path, path.with_suffix(".sheet.csv"), "csv")


def time_add_events(path: Path) -> tuple[Seconds, Seconds]:
    with fresh_database(path, "bulk") as database, Timeline(database) as tl:
        lines = path.read_text(encoding="utf-8").splitlines()
        for n in range(2000):
            tl.add_entity(f"ACTOR {n}", kind="actor")
        with stopwatch() as timed:
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
        written = dump(database)
    return timed[0], time_floor(path, written)


TIMERS = {
    "add_events": time_add_events,
    "import": time_import,
    "reimport": time_reimport,
    "jsonl": time_jsonl,
    "csv": time_csv,
}


def run_one(name: str, path: Path, rows: int) -> tuple[Seconds, Seconds, float]:
    """Time one path in a fresh process: ``(its time, its floor's, peak resident MB)``."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--one", name, str(path), str(rows)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    if child.wait() != 0:
        raise SystemExit(f"{name} failed with exit code {child.returncode}")
    wall, cpu, floor_wall, floor_cpu, peak = map(float, output.strip().splitlines()[-1].split())
    return Seconds(wall, cpu), Seconds(floor_wall, floor_cpu), peak


def one(name: str, path: Path) -> None:
    """The child side of :func:`run_one`: print the path's and its floor's seconds."""
    elapsed, floor = TIMERS[name](path)
    print(*elapsed, *floor, PEAK_MB)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--one"]:
        one(args[1], Path(args[2]))
        return
    if args[:1] == ["--export"]:
        write_jsonl(Path(args[1]))
        return
    runs = 3
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args.pop(at + 1))
        args.pop(at)
    paths = list(TIMERS)
    if "--paths" in args:
        at = args.index("--paths")
        paths = args.pop(at + 1).split(",")
        args.pop(at)
        assert set(paths) <= set(TIMERS), f"--paths takes some of {', '.join(TIMERS)}"
    rows = int(args[0]) if args else 10_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.export.CSV"
        write_gdelt(path, rows)
        size = path.stat().st_size / 1e6
        if "jsonl" in paths:  # in a child process: the runs fork from this one's memory
            subprocess.run([sys.executable, __file__, "--export", str(path)], check=True)
        if "csv" in paths:
            write_csv(path)
        results: dict[str, list[tuple[Seconds, Seconds, float]]] = {name: [] for name in paths}
        for _ in range(runs):
            for name in paths:
                results[name].append(run_one(name, path, rows))
        print(
            f"GDELT-shaped import, {rows:,} rows ({size:,.1f} MB), "
            f"{'PostgreSQL' if POSTGRES_URL else 'SQLite'}, "
            f"median of {runs}, a fresh process per run"
        )
        for name, found in results.items():
            of = results["import"] if name == "reimport" and "import" in results else found
            median = statistics.median(t.wall for t, _, _ in found)
            floor = statistics.median(f.wall for _, f, _ in of)
            pairs = zip(found, of, strict=True)
            cpu = statistics.median(t.cpu / f.cpu for (t, _, _), (_, f, _) in pairs)
            peak = max(p for _, _, p in found)
            print(
                f"  {name:<11} {rows / median:>10,.0f} rows/s  {median:8.2f} s  "
                f"floor {floor:7.2f} s  x{median / floor:5.2f} of its floor"
                + ("" if POSTGRES_URL else f" (CPU x{cpu:5.2f})")
                + f"  peak RSS {peak:6.0f} MB"
            )


if __name__ == "__main__":
    main()
