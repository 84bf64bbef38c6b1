"""Concurrent writers: several processes write one database at once; nothing is lost or doubled.

    python benchmarks/concurrent_writers.py [--db URL] [--writers 8] [--rounds 10] [--seed 1]

Without ``--db`` it runs on a fresh SQLite file; with a PostgreSQL URL, in a fresh schema of
that database (dropped afterwards). Each round starts ``--writers`` processes that open the
database, wait at a barrier (every one ready, then "go" to all) and then, at the same moment:

- ``mixed``: half the writers call ``add_event`` one event at a time, a quarter ``add_events``
  in batches, a quarter import a GDELT file of their own. Afterwards the number of events equals
  the sum of what each writer says it committed, and no external id is stored twice.
- ``overlap``: every writer imports a GDELT file whose event ids overlap its neighbour's by
  half, each file citing its own news site. Afterwards each event id is stored once, and each
  event holds a claim from every file that contains it (no import's update was lost).
- ``names``: every writer adds the same entities and places, in the same order. Afterwards
  each name is one row, and every writer was given that row's id.

Prints, per scenario, the writers run, rows written, rows lost and duplicates (both must be 0).
``tests/test_concurrency.py`` runs one short round of each on both backends.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, text

#: Worker kinds of the ``mixed`` scenario, by writer number (cycled).
MIXED = ("events", "bulk", "events", "import")


# -- input files -------------------------------------------------------------------------


def write_gdelt(path: Path, ids: Iterable[int], *, site: str = "news", seed: int = 7) -> int:
    """A GDELT 2.0 export with one row per event id (61 tab-separated columns), each row's
    article on ``https://{site}.example``; the same id gives the same event in every file."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for event_id in ids:
            rng = random.Random(seed * 1_000_003 + event_id)
            cells = [""] * 61
            day = f"2026{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            cells[0], cells[1], cells[2], cells[3] = str(event_id), day, day[:6], day[:4]
            first, second = rng.randrange(400), rng.randrange(400)
            cells[5:8] = [f"A{first:04d}", f"ACTOR {first}", "USA"]
            cells[12] = rng.choice(["GOV", "MIL", "", "BUS"])
            cells[15:18] = [f"A{second:04d}", f"ACTOR {second}", "CHN"]
            code = rng.choice(["010", "0431", "043", "190", "1823", "112", "051", "141"])
            cells[25:35] = ["1", code, code[:3], code[:2], "1", "-2.0", "5", "2", "5", "-1.5"]
            place = rng.randrange(100)
            cells[51:59] = ["4", f"Place {place}", "US", "US06", "", "37.5", "-122.1", str(place)]
            cells[59] = day + "120000"
            cells[60] = f"https://{site}.example/story/{event_id}"
            out.write("\t".join(cells) + "\n")
            count += 1
    return count


# -- databases ---------------------------------------------------------------------------


def subprocess_url(engine: Engine) -> str:
    """A URL another process can open to reach the same database (and PostgreSQL schema)."""
    if engine.dialect.name == "sqlite":
        return str(engine.url.database)
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def scalar(engine: Engine, sql: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


# -- the writers -------------------------------------------------------------------------


def work(tl: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Do one writer's part; return what it committed."""
    task, me = spec["task"], spec["writer"]
    if task == "events":
        committed = 0
        for n in range(spec["n"]):
            tl.add_event(
                f"writer {me} event {n}",
                when=f"2026-{n % 12 + 1:02d}-01",
                kind="test.write",
                external_ids={"writer": f"{me}-{n}"},
            )
            committed += 1  # only once add_event returned: its transaction committed
        return {"committed": committed}
    if task == "bulk":
        committed = 0
        size = spec["batch"]
        for first in range(0, spec["n"], size):
            rows = [
                {
                    "title": f"writer {me} row {n}",
                    "when": "2026",
                    "kind": "test.bulk",
                    "external_ids": {"writer": f"{me}-{n}"},
                }
                for n in range(first, min(first + size, spec["n"]))
            ]
            committed += tl.add_events(rows)
        return {"committed": committed}
    if task == "import":
        from timeline.io import import_file

        summary = import_file(tl, spec["file"], format="gdelt-events")
        return {"committed": summary.created, "updated": summary.updated}
    if task == "names":
        entities, places = [], []
        for n in range(spec["n"]):
            entities.append(tl.add_entity(f"Person {n}", kind="person").id)
            places.append(tl.add_place(f"Town {n}", kind="city").id)
        return {"entities": entities, "places": places}
    raise ValueError(f"unknown task {task!r}")


def worker() -> None:
    """A writer process, for one task after another: read a task, open its database, say
    ``ready``, wait for ``go``, work, print the result as JSON."""
    from timeline import Timeline

    for line in sys.stdin:
        spec = json.loads(line)
        with Timeline(spec["db"]) as tl:
            print("ready", flush=True)
            sys.stdin.readline()
            try:
                result = work(tl, spec)
            except Exception as error:  # reported to the parent, which fails the check
                result = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(result), flush=True)


class Crew:
    """``size`` writer processes, started once and given tasks round after round."""

    def __init__(self, size: int) -> None:
        self.children = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(size)
        ]

    def _say(self, child: subprocess.Popen[str], line: str) -> None:
        assert child.stdin is not None
        child.stdin.write(line + "\n")
        child.stdin.flush()

    def _hear(self, child: subprocess.Popen[str]) -> str:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise RuntimeError("a writer process died")
        return line.strip()

    def run(self, db: str, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Give each writer a spec, release them together, and return their results."""
        crew = self.children[: len(specs)]
        assert len(crew) == len(specs), "more tasks than writers"
        for child, spec in zip(crew, specs, strict=True):
            self._say(child, json.dumps({**spec, "db": db}))
        for child in crew:  # the barrier: every writer has opened the database
            if self._hear(child) != "ready":
                raise RuntimeError("a writer failed to open the database")
        for child in crew:
            self._say(child, "go")
        return [json.loads(self._hear(child)) for child in crew]

    def close(self) -> None:
        for child in self.children:
            assert child.stdin is not None
            child.stdin.close()
            child.wait()


# -- scenarios ---------------------------------------------------------------------------


def mixed(
    crew: Crew, engine: Engine, folder: Path, writers: int, n: int, round_: int = 0
) -> dict[str, Any]:
    """Writers adding events every way at once: every committed event is there, once."""
    before = scalar(engine, "SELECT count(*) FROM timeline_event")
    specs: list[dict[str, Any]] = []
    for me in range(writers):
        task = MIXED[me % len(MIXED)]
        spec: dict[str, Any] = {"task": task, "writer": f"{round_}.{me}", "n": n, "batch": 50}
        if task == "import":
            spec["file"] = str(folder / f"mixed-{round_}-{me}.export.CSV")
            first = 10**9 + (round_ * writers + me) * 10 * n
            write_gdelt(Path(spec["file"]), range(first, first + 4 * n), site=f"w{me}")
        specs.append(spec)
    results = crew.run(subprocess_url(engine), specs)
    committed = sum(r.get("committed", 0) for r in results)
    after = scalar(engine, "SELECT count(*) FROM timeline_event")
    duplicates = scalar(
        engine,
        "SELECT count(*) FROM (SELECT scheme, value FROM timeline_event_external_id "
        "GROUP BY scheme, value HAVING count(*) > 1) d",
    )
    return {
        "writers": writers,
        "rows": after - before,
        "committed": committed,
        "lost": committed - (after - before),
        "duplicates": duplicates,
        "errors": [r["error"] for r in results if "error" in r],
    }


def overlap(
    crew: Crew, engine: Engine, folder: Path, writers: int, n: int, round_: int = 0
) -> dict[str, Any]:
    """Imports of overlapping files: one event per id, and every file's claim on it."""
    base = 2 * 10**9 + round_ * writers * n
    files: dict[int, list[int]] = {}
    specs = []
    for me in range(writers):
        ids = [base + (me * n + k) % (writers * n) for k in range(2 * n)]
        files[me] = ids
        path = folder / f"overlap-{round_}-{me}.export.CSV"
        write_gdelt(path, ids, site=f"r{round_}w{me}")
        specs.append({"task": "import", "writer": me, "file": str(path)})
    results = crew.run(subprocess_url(engine), specs)
    expected: dict[str, set[str]] = {}
    for me, ids in files.items():
        if "error" in results[me]:
            continue  # refused (and reported): it wrote nothing
        for event_id in ids:
            expected.setdefault(str(event_id), set()).add(f"r{round_}w{me}.example")
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT x.value, s.url FROM timeline_event_external_id x "
                "JOIN timeline_claim c ON c.event_id = x.event_id "
                "JOIN timeline_source s ON s.id = c.source_id "
                "WHERE x.scheme = 'gdelt' AND x.value >= :low AND x.value < :high"
            ),
            {"low": str(base), "high": str(base + writers * n)},
        )
        for value, url in stored:
            found.setdefault(value, set()).add(url.split("/")[2])
        events = connection.execute(
            text(
                "SELECT count(*), count(DISTINCT value) FROM timeline_event_external_id "
                "WHERE scheme = 'gdelt' AND value >= :low AND value < :high"
            ),
            {"low": str(base), "high": str(base + writers * n)},
        ).one()
    lost = sum(len(sites - found.get(value, set())) for value, sites in expected.items())
    return {
        "writers": writers,
        "events": events[0],
        "expected_events": len(expected),
        "rows": sum(len(files[me]) for me, r in enumerate(results) if "error" not in r),
        "lost": lost + len(expected) - events[1],
        "duplicates": events[0] - events[1],
        "errors": [r["error"] for r in results if "error" in r],
    }


def names(crew: Crew, engine: Engine, writers: int, n: int) -> dict[str, Any]:
    """The same entities and places added by every writer at once: one row each."""
    specs = [{"task": "names", "writer": me, "n": n} for me in range(writers)]
    results = crew.run(subprocess_url(engine), specs)
    errors = [r["error"] for r in results if "error" in r]
    with engine.connect() as connection:
        extra_entities = connection.execute(
            text(
                "SELECT count(*) - count(DISTINCT name) FROM timeline_entity "
                "WHERE kind = 'person' AND name LIKE 'Person %'"
            )
        ).scalar_one()
        extra_places = connection.execute(
            text(
                "SELECT count(*) - count(DISTINCT name) FROM timeline_place "
                "WHERE kind = 'city' AND name LIKE 'Town %'"
            )
        ).scalar_one()
    ok = [r for r in results if "error" not in r]
    disagree = sum(len({tuple(r[what]) for r in ok}) - 1 for what in ("entities", "places") if ok)
    return {
        "writers": writers,
        "rows": 2 * n,
        "duplicates": extra_entities + extra_places,
        "disagreements": disagree,
        "lost": 0,
        "errors": errors,
    }


# -- the long run ------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rows", type=int, default=200, help="rows per writer and round")
    args = parser.parse_args()

    from timeline import Timeline

    folder = Path(tempfile.mkdtemp(prefix="timeline-writers-"))
    schema = None
    if args.db:
        schema = f"writers_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.db)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(args.db, connect_args={"options": f"-csearch_path={schema}"})
        backend = f"postgresql ({make_url(args.db).render_as_string()})"
    else:
        from timeline.database import make_engine

        engine = make_engine(folder / "writers.db")
        backend = "sqlite"
    Timeline(engine).close()
    crew = Crew(args.writers)
    totals: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    try:
        for round_ in range(args.rounds):
            for name, outcome in (
                ("mixed", mixed(crew, engine, folder, args.writers, args.rows, round_)),
                ("overlap", overlap(crew, engine, folder, args.writers, args.rows, round_)),
                ("names", names(crew, engine, args.writers, args.rows // 4)),
            ):
                total = totals.setdefault(
                    name, {"rounds": 0, "writers": 0, "rows": 0, "lost": 0, "duplicates": 0}
                )
                total["rounds"] += 1
                for key in ("writers", "rows", "lost", "duplicates"):
                    total[key] += outcome[key]
                total.setdefault("errors", []).extend(outcome["errors"])
                total["disagreements"] = total.get("disagreements", 0) + outcome.get(
                    "disagreements", 0
                )
            print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        crew.close()
        engine.dispose()
        if schema is not None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(f"backend: {backend}; {args.rounds} rounds of {args.writers} writers")
    print(f"{'scenario':<9} {'writers run':>11} {'rows written':>12} {'lost':>5} {'dups':>5}")
    for name, total in totals.items():
        print(
            f"{name:<9} {total['writers']:>11} {total['rows']:>12} {total['lost']:>5} "
            f"{total['duplicates']:>5}  errors: {len(total['errors'])}, "
            f"id disagreements: {total['disagreements']}"
        )
        for error in total["errors"][:5]:
            print(f"  {error}")
    print(f"elapsed: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
