"""Query helpers at scale: the public API against raw sqlite3 / psycopg on the same database.

Run from the repository root::

    python benchmarks/bench_queries.py                 # 100k events, SQLite (+ PostgreSQL if
                                                       # TIMELINE_BENCH_POSTGRES_URL is set)
    python benchmarks/bench_queries.py --million       # 1M events (several minutes)
    python benchmarks/bench_queries.py --million --cache DIR   # keep the loaded databases
                                                       # (DIR/bench_N.db, PostgreSQL database
                                                       # timeline_bench_N) and reuse them:
                                                       # later runs skip the load cells

Data: ``gen_events.py`` (shaped like PERF-BASELINES). Each cell is the median over the same
windows, actors or words (each the best of 3 runs) for the library call and for a hand-written
raw query on the best index, the two taking turns input by input; the ratio is library / raw.
PostgreSQL figures depend on the server's settings (printed with them): ``postgres_cluster.sh``
starts a throw-away server set up like the baselines' one. Loads:
``tl.add_events`` of pre-parsed
rows against raw ``executemany`` (SQLite, ISO-text rows: the physical floor) or raw binary
``COPY`` (PostgreSQL) of exactly the same rows into a fresh database with the same schema.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, select, text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_events import Generator

from timeline import Event, Timeline
from timeline.models import SPAN_CLASS_LIMITS, metadata
from timeline.search import CLAIM_TSVECTOR, CONFIG, EVENT_TSVECTOR
from timeline.text import name_key

COLUMNS = "id, title, kind, status, edtf, start_earliest, end_latest"
SETUP_TABLES = ("timeline_entity", "timeline_entity_alias", "timeline_alembic_version")


def paired_ms(
    library: Callable[[Any], Any],
    raw: Callable[[Any], Any],
    inputs: list[Any],
    warmup: int = 2,
    best_of: int = 3,
) -> tuple[float, float]:
    """Medians over ``inputs`` (ms) of the library call and of the raw query, each input the
    best of ``best_of`` runs, the two taking turns on every input.

    Taking turns puts both sides under the same moment's load on a shared machine, and the best
    of a few runs drops the time slices lost to other processes.
    """
    for value in inputs[:warmup]:
        library(value)
        raw(value)
    times: tuple[list[float], list[float]] = ([], [])
    for value in inputs:
        runs: tuple[list[float], list[float]] = ([], [])
        for _ in range(best_of):
            for call, found in zip((library, raw), runs, strict=True):
                start = time.perf_counter()
                call(value)
                found.append((time.perf_counter() - start) * 1000)
        for found, median_of in zip(runs, times, strict=True):
            median_of.append(min(found))
    return statistics.median(times[0]), statistics.median(times[1])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- raw SQL on the best index (written by hand, independent of the library) --------------------


#: The live rows (not deleted, not merged), as every library query filters them.
LIVE = "deleted_at IS NULL AND merged_into_id IS NULL"
#: What certain / within windows test beyond the hull; parameters (last, first).
CERTAIN = "coalesce(start_latest, end_latest) <= ? AND coalesce(end_earliest, start_earliest) >= ?"
WITHIN = "end_latest <= ? AND start_earliest >= ?"


def window_sql(
    columns: str, first_last: tuple[date, date], test: str = ""
) -> tuple[str, list[Any]]:
    """The bucketed window of live rows as a 4-branch UNION ALL, the baselines' best form.

    ``test`` (:data:`CERTAIN` or :data:`WITHIN`) is added to each branch.
    """
    first, last = first_last
    branches, params = [], []
    for bucket in range(len(SPAN_CLASS_LIMITS) + 1):
        sql = f"SELECT {columns} FROM timeline_event WHERE span_class = {bucket} AND "
        if bucket < len(SPAN_CLASS_LIMITS):
            sql += "search_start >= ? AND "
            params.append(date.fromordinal(max(1, first.toordinal() - SPAN_CLASS_LIMITS[bucket])))
        sql += f"search_start <= ? AND search_end >= ? AND {LIVE}"
        params += [last, first]
        if test:
            sql += f" AND {test}"
            params += [last, first]
        branches.append(sql)
    return " UNION ALL ".join(branches), params


class Raw:
    """A raw driver connection (sqlite3 or psycopg) with ``?`` placeholders on both."""

    def __init__(self, engine: Any) -> None:
        self.postgres = engine.dialect.name == "postgresql"
        # Held checked out: a pool connection dropped here would go back to the pool while
        # still in use, and be shared with the library's reads.
        self.checked_out = engine.raw_connection()
        self.connection: Any = self.checked_out.driver_connection
        if self.postgres:
            self.connection.autocommit = True

    def run(self, sql: str, params: list[Any]) -> list[Any]:
        if self.postgres:
            return list(self.connection.execute(sql.replace("?", "%s"), params).fetchall())
        values = [p.isoformat() if isinstance(p, date) else p for p in params]
        return list(self.connection.execute(sql, values).fetchall())


# -- databases --------------------------------------------------------------------------------


@contextmanager
def database(
    kind: str, folder: Path, postgres_url: str | None, keep: str | None = None
) -> Iterator[str]:
    """A fresh database, dropped afterwards; with ``keep``, that one, created if missing, kept."""
    name = keep or f"bench_{uuid.uuid4().hex[:8]}"
    if kind == "sqlite":
        path = folder / f"{name}.db"
        yield str(path)
        if keep is None:
            path.unlink(missing_ok=True)
        return
    assert postgres_url is not None
    name = f"timeline_{name}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if found is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep is None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_actors(tl: Timeline, generator: Generator) -> None:
    """Entities and their alias keys, inserted raw (setup, not timed)."""
    names = [generator.actor_name(r) for r in range(generator.actors)]
    now = "2026-01-01 00:00:00"
    with tl.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO timeline_entity (id, name, kind, external_ids, created_at) "
                "VALUES (:id, :name, 'person', '{}', :now)"
            ),
            [{"id": i + 1, "name": n, "now": now} for i, n in enumerate(names)],
        )
        connection.execute(
            text(
                "INSERT INTO timeline_entity_alias (entity_id, name, key) VALUES (:id, :name, :key)"
            ),
            [{"id": i + 1, "name": n, "key": name_key(n)} for i, n in enumerate(names)],
        )
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('timeline_entity', 'id'), :n)"),
                {"n": len(names)},
            )
            connection.execute(text("ANALYZE"))


def loaded_tables(tl: Timeline) -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """Every row the load wrote, per table in foreign-key order, as the raw driver reads it."""
    raw = Raw(tl.engine)
    tables = []
    for table in metadata.sorted_tables:
        if table.name in SETUP_TABLES:
            continue
        names = [c.name for c in table.columns]
        rows = raw.run(f"SELECT {', '.join(names)} FROM {table.name}", [])
        if rows:
            tables.append((table.name, names, [tuple(r) for r in rows]))
    return tables


def raw_load(tl: Timeline, tables: list[tuple[str, list[str], list[tuple[Any, ...]]]]) -> float:
    """Seconds to write ``tables`` with raw executemany (one transaction) or binary COPY."""
    raw = Raw(tl.engine)
    start = time.perf_counter()
    if raw.postgres:
        types = {}
        for name, columns, _ in tables:
            found = dict(
                raw.run(
                    "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t "
                    f"ON t.oid = a.atttypid WHERE a.attrelid = '{name}'::regclass AND a.attnum > 0",
                    [],
                )
            )
            types[name] = [found[c] for c in columns]
        start = time.perf_counter()
        with raw.connection.transaction():
            for name, columns, rows in tables:
                sql = f"COPY {name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
                with raw.connection.cursor() as cursor, cursor.copy(sql) as copy:
                    copy.set_types(types[name])
                    for row in rows:
                        copy.write_row(row)
    else:
        connection = raw.connection
        connection.execute("BEGIN")
        for name, columns, rows in tables:
            marks = ", ".join("?" * len(columns))
            connection.executemany(
                f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows
            )
        connection.execute("COMMIT")
    return time.perf_counter() - start


# -- the run ----------------------------------------------------------------------------------


def report(rows: list[tuple[str, float, float | None]], title: str) -> None:
    print(f"\n{title}", flush=True)
    print(f"| {'cell':<44} | {'library':>10} | {'raw':>10} | {'ratio':>6} |")
    print(f"|{'-' * 46}|{'-' * 12}:|{'-' * 12}:|{'-' * 7}:|")
    for name, lib, raw in rows:
        ratio = f"{lib / raw:.2f}" if raw else "-"
        raw_text = f"{raw:.2f}" if raw is not None else "-"
        print(f"| {name:<44} | {lib:>10.2f} | {raw_text:>10} | {ratio:>6} |")


def bench(kind: str, n: int, folder: Path, postgres_url: str | None, cache: bool = False) -> None:
    generator = Generator(n)
    cells: list[tuple[str, float, float | None]] = []
    with database(kind, folder, postgres_url, f"bench_{n}" if cache else None) as target:
        tl = Timeline(target)
        found = tl.events().count()
        if found == n:
            print(f"\n[{kind}, {n:,} events] reusing the cached database: no load cells")
        elif found:
            raise SystemExit(f"the cached {kind} database holds {found:,} events, not {n:,}")
        else:
            load_cells(tl, kind, generator, folder, postgres_url, cells)
        query_cells(tl, generator, cells)
        server = server_settings(tl)
        tl.close()
    report(cells, f"{kind}{server}, {n:,} events: median ms (load in s); ratio = library / raw")


def server_settings(tl: Timeline) -> str:
    """The PostgreSQL settings the figures depend on most (nothing for SQLite)."""
    if tl.engine.dialect.name != "postgresql":
        return ""
    names = ("server_version", "shared_buffers", "work_mem", "random_page_cost", "jit")
    with tl.engine.connect() as connection:
        values = [connection.exec_driver_sql(f"SHOW {name}").scalar_one() for name in names]
    return " (" + ", ".join(f"{n} {v}" for n, v in zip(names, values, strict=True)) + ")"


def load_cells(
    tl: Timeline,
    kind: str,
    generator: Generator,
    folder: Path,
    postgres_url: str | None,
    cells: list[tuple[str, float, float | None]],
) -> None:
    """Load the events into ``tl`` (timed) and the same rows raw into a scratch database."""
    with database(kind, folder, postgres_url) as other:
        add_actors(tl, generator)
        rows = list(generator.rows())  # pre-parsed; the input list is not part of the load
        before = peak_rss_mb()
        start = time.perf_counter()
        tl.add_events(iter(rows), batch_size=5000)
        load = time.perf_counter() - start
        grown = peak_rss_mb() - before
        del rows
        tables = loaded_tables(tl)
        baseline = Timeline(other)
        add_actors(baseline, generator)
        raw = raw_load(baseline, tables)
        baseline.close()
        del tables
        what = "raw executemany (ISO text)" if kind == "sqlite" else "raw binary COPY"
        print(
            f"\n[{kind}, {generator.n:,} events] load: add_events {load:.2f} s, {what} "
            f"{raw:.2f} s, ratio {load / raw:.2f}; peak RSS grew {grown:.0f} MB during the load"
        )
        cells.append(("bulk load (s)", load, raw))
        if kind == "postgresql":  # as autovacuum does after a bulk insert
            with tl.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.execute(text("VACUUM ANALYZE"))


def query_cells(
    tl: Timeline, generator: Generator, cells: list[tuple[str, float, float | None]]
) -> None:
    rng = random.Random(7)
    months = [
        (
            date(y, m, 1),
            date(y + (m == 12), m % 12 + 1, 1).fromordinal(
                date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1
            ),
        )
        for y, m in ((rng.randint(1995, 2025), rng.randint(1, 12)) for _ in range(20))
    ]
    years = [(date(y, 1, 1), date(y, 12, 31)) for y in (rng.randint(1995, 2025) for _ in range(20))]
    raw = Raw(tl.engine)
    q = tl.events

    def raw_window(columns: str) -> Callable[[Any], Any]:
        def run(window: tuple[date, date]) -> Any:
            return raw.run(*window_sql(columns, window))

        return run

    def raw_count(window: tuple[date, date]) -> Any:
        sql, params = window_sql("id", window)
        return raw.run(f"SELECT count(*) FROM ({sql}) AS w", params)

    order = "ORDER BY start_earliest NULLS FIRST, start_latest NULLS FIRST, end_latest, id"

    def raw_first(window: tuple[date, date]) -> Any:
        """The top 100 ranked in the covering index, then only their rows read by id."""
        sql, params = window_sql("id, start_earliest, start_latest, end_latest", window)
        top = f"SELECT * FROM ({sql}) AS w {order} LIMIT 100"
        columns = ", ".join(f"e.{name.strip()}" for name in COLUMNS.split(","))
        return raw.run(
            f"SELECT {columns} FROM ({top}) AS t JOIN timeline_event AS e ON e.id = t.id "
            + order.replace("ORDER BY ", "ORDER BY t.").replace(", ", ", t."),
            params,
        )

    cells.append(
        (
            "month window: count()",
            *paired_ms(lambda w: q().between(*w).count(), raw_count, months),
        )
    )
    cells.append(
        (
            "month window: first 100 ordered .rows()",
            *paired_ms(
                lambda w: q().between(*w).order_by_time().limit(100).rows(), raw_first, months
            ),
        )
    )
    cells.append(
        (
            "month window: all .rows()",
            *paired_ms(lambda w: q().between(*w).rows(), raw_window(COLUMNS), months),
        )
    )
    sqlmodel_rows = lambda w: plain_sqlmodel(tl, w)  # noqa: E731
    cells.append(
        (
            "month window: all .all() vs plain SQLModel",
            *paired_ms(lambda w: q().between(*w).all(), sqlmodel_rows, months),
        )
    )
    cells.append(
        (
            "year window: count()",
            *paired_ms(lambda w: q().between(*w).count(), raw_count, years),
        )
    )
    cells.append(
        (
            "year window: all .rows()",
            *paired_ms(lambda w: q().between(*w).rows(), raw_window(COLUMNS), years),
        )
    )
    cells.append(
        (
            "certain month window .rows()",
            *paired_ms(
                lambda w: q().between(*w, certainty="certain").rows(),
                lambda w: raw.run(*window_sql(COLUMNS, w, CERTAIN)),
                months,
            ),
        )
    )
    cells.append(
        (
            "within month window .rows()",
            *paired_ms(
                lambda w: q().within(*w).rows(),
                lambda w: raw.run(*window_sql(COLUMNS, w, WITHIN)),
                months,
            ),
        )
    )
    # actors: the top-10 and random ones, each with a 1-year window
    top = [(generator.actor_name(r), years[r % len(years)]) for r in range(10)]
    typical = [
        (
            generator.actor_name(rng.randrange(generator.actors // 10, generator.actors)),
            years[i % len(years)],
        )
        for i in range(20)
    ]

    def lib_actor(pair: tuple[str, tuple[date, date]]) -> Any:
        return q().involving(pair[0]).between(*pair[1]).order_by_time().rows()

    def raw_actor(pair: tuple[str, tuple[date, date]]) -> Any:
        name, (first, last) = pair
        return raw.run(
            f"SELECT {', '.join('e.' + c.strip() for c in COLUMNS.split(','))} "
            "FROM timeline_participation p "
            "JOIN timeline_event e ON e.id = p.event_id "
            "WHERE p.entity_id = (SELECT entity_id FROM timeline_entity_alias WHERE key = ?) "
            "AND p.search_start <= ? AND p.search_end >= ? "
            "AND e.deleted_at IS NULL AND e.merged_into_id IS NULL "
            "ORDER BY e.start_earliest, e.id",
            [name_key(name), last, first],
        )

    cells.append(
        (
            "heavy actor's year (top 10) .rows()",
            *paired_ms(lib_actor, raw_actor, top),
        )
    )
    cells.append(
        (
            "typical actor's year .rows()",
            *paired_ms(lib_actor, raw_actor, typical),
        )
    )
    # search: rare words (rank ~900 of 1000) and common ones (top 10)
    rare = [generator.word_by_rank(900 + i) for i in range(10)]
    common = [generator.word_by_rank(i) for i in range(10)]
    if raw.postgres:  # the word's events: titles or summaries, or claim quotes (the indexed
        # expressions hold "?" and "%": psycopg placeholders written directly, run below)
        in_events, in_quotes = (e.replace("%", "%%") for e in (EVENT_TSVECTOR, CLAIM_TSVECTOR))
        raw_search_sql = (  # one bitmap scan: the text index OR the ids quoting the word
            f"SELECT {COLUMNS} FROM timeline_event WHERE ({in_events} @@ "
            f"to_tsquery('{CONFIG}', %s) OR id = ANY(ARRAY(SELECT event_id FROM timeline_claim "
            f"WHERE {in_quotes} @@ to_tsquery('{CONFIG}', %s)))) AND {LIVE}"
        )
    else:
        raw_search_sql = (
            f"SELECT {COLUMNS} FROM timeline_event WHERE id IN "
            "(SELECT rowid FROM timeline_event_fts WHERE timeline_event_fts MATCH ? "
            "UNION SELECT event_id FROM timeline_claim WHERE id IN "
            "(SELECT rowid FROM timeline_claim_fts WHERE timeline_claim_fts MATCH ?)) "
            f"AND {LIVE}"
        )

    def raw_search(word: str) -> Any:
        if raw.postgres:
            return list(raw.connection.execute(raw_search_sql, [f"'{word}'"] * 2).fetchall())
        return raw.run(raw_search_sql, [f'"{word}"'] * 2)

    cells.append(
        (
            "rare-word search .rows()",
            *paired_ms(lambda w: q().search(w).rows(), raw_search, rare * 3),
        )
    )
    cells.append(
        (
            "common-word search .rows()",
            *paired_ms(lambda w: q().search(w).rows(), raw_search, common),
        )
    )
    # counts per month over a year: grouped per span class on a cheap key, then summed
    month_key, month_start = (
        ("CAST(date_trunc('month', CAST(start_earliest AS timestamp)) AS date)", "k")
        if raw.postgres
        else ("substr(start_earliest, 1, 7)", "k || '-01'")
    )

    def raw_counts(window: tuple[date, date]) -> Any:
        sql, params = window_sql(f"{month_key} AS k, count(*) AS n", window)
        grouped = " UNION ALL ".join(
            f"{branch} AND start_earliest IS NOT NULL GROUP BY 1"
            for branch in sql.split(" UNION ALL ")
        )
        return raw.run(
            f"SELECT {month_start}, sum(n) FROM ({grouped}) AS w GROUP BY 1 ORDER BY 1", params
        )

    cells.append(
        (
            "counts per month over a year",
            *paired_ms(lambda w: q().between(*w).count_by("month"), raw_counts, years),
        )
    )


def plain_sqlmodel(tl: Timeline, window: tuple[date, date]) -> Any:
    """A plain SQLModel select of the same events (the raw window SQL as the statement)."""
    sql, params = window_sql("id", window)
    names = iter(range(len(params)))
    bound = "".join(f":p{next(names)}" if ch == "?" else ch for ch in sql)
    statement = text(f"SELECT * FROM timeline_event WHERE id IN ({bound})").bindparams(
        **{f"p{i}": p for i, p in enumerate(params)}
    )
    with Session(tl.engine) as session:
        return list(session.scalars(select(Event).from_statement(statement)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="1M events instead of 100k")
    parser.add_argument("-n", type=int, default=None, help="number of events")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--cache", metavar="DIR", help="keep the loaded databases (SQLite files in DIR) and reuse"
    )
    args = parser.parse_args(argv)
    n = args.n or (1_000_000 if args.million else 100_000)
    postgres_url = os.environ.get("TIMELINE_BENCH_POSTGRES_URL")
    kinds = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in kinds and not postgres_url:
        print(
            "PostgreSQL skipped: set TIMELINE_BENCH_POSTGRES_URL "
            "(a server URL; a database is created and dropped)"
        )
        kinds.remove("postgresql")
    if args.cache:
        Path(args.cache).mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            bench(kind, n, Path(args.cache), postgres_url, cache=True)
        return
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            bench(kind, n, Path(folder), postgres_url)


if __name__ == "__main__":
    main()
