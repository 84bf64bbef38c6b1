"""Crash trials: kill imports and migrations (SIGKILL) at random moments, then check the database.

    python benchmarks/crash_trials.py [--db URL] [--trials 100] [--rows 20000] [--seed 1]

Without ``--db`` the trials run on SQLite files; with a PostgreSQL URL, each in a fresh schema
of that database (dropped afterwards). ``--trials`` is per scenario:

- ``import``: a child process imports a GDELT-shaped file of ``--rows`` rows into an empty
  database; ``import-jsonl``: the same events as a JSON Lines file (the per-row path);
- ``second-import``: the same, into a database already holding another import;
- ``upgrade-empty`` / ``upgrade-previous``: a child runs ``migrations.upgrade`` (what
  ``timeline db upgrade`` and ``Timeline(...)`` run) on an empty database, or on one at the
  previous revision holding events.

The child is killed with SIGKILL at a moment drawn from the seeded generator: in every other
import trial when it has read a drawn fraction of its file (plus up to 20 ms), otherwise at a
uniformly drawn time within one and a half times its run (timed once beforehand). Afterwards the
database must pass the integrity check (SQLite: ``PRAGMA integrity_check``,
``foreign_key_check`` and the FTS5 ``integrity-check``; PostgreSQL: ``amcheck``'s
``verify_heapam`` on every table and ``bt_index_check(heapallindexed)`` on every B-tree index,
or, without the extension, every table and index read in full), open with ``Timeline(...)``
and hold exactly the logical content it held before the import or exactly what a complete
import gives (every table compared row by row, timestamps aside); a migration leaves it at the
old or the new revision, and reopening completes it to the same content as an uninterrupted
upgrade.

Prints per scenario: trials, kills that landed while the child ran, outcomes (none / all) and
failures (must be 0). ``tests/test_crash.py`` runs a few trials of each on both backends.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrent_writers import write_gdelt

#: Columns holding the moment a row was written: they differ between two identical imports.
CLOCK_COLUMNS = frozenset(
    {"created_at", "updated_at", "recorded_at", "recorded_from", "recorded_until"}
)
#: Rows of the first import in ``second-import``, and of the events under ``upgrade-previous``.
FIRST_ROWS = 2000
SCENARIOS = ("import", "import-jsonl", "second-import", "upgrade-empty", "upgrade-previous")


# -- databases ---------------------------------------------------------------------------


class Databases:
    """Fresh databases on one backend: SQLite files in ``folder``, or PostgreSQL schemas."""

    def __init__(self, folder: Path, postgres_url: str | None = None) -> None:
        self.folder = folder
        self.postgres_url = postgres_url
        self.schemas: dict[str, str] = {}  # url -> PostgreSQL schema
        self.amcheck: str | None = None  # the schema of the amcheck extension, when there is one
        if postgres_url:
            admin = create_engine(postgres_url)
            try:
                with admin.begin() as connection:
                    connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            except Exception:  # no rights, or not installed: the fallback check is used
                pass
            with admin.connect() as connection:
                self.amcheck = connection.execute(
                    text(
                        "SELECT extnamespace::regnamespace::text FROM pg_extension "
                        "WHERE extname = 'amcheck'"
                    )
                ).scalar()
            admin.dispose()

    @property
    def name(self) -> str:
        return "postgresql" if self.postgres_url else "sqlite"

    def fresh(self) -> str:
        """The URL (or SQLite path) of a new, empty database."""
        if not self.postgres_url:
            return str(self.folder / f"{uuid.uuid4().hex[:12]}.db")
        schema = f"crash_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.postgres_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = create_engine(self.postgres_url).url
        options = {"options": f"-csearch_path={schema}"}
        text_url = url.update_query_dict(options).render_as_string(hide_password=False)
        self.schemas[text_url] = schema
        return text_url

    def copy(self, url: str) -> str:
        """A copy of a closed SQLite database (PostgreSQL: ``None``, prepare another)."""
        target = self.fresh()
        shutil.copyfile(url, target)
        return target

    def drop(self, url: str) -> None:
        if not self.postgres_url:
            for suffix in ("", "-wal", "-shm"):
                Path(url + suffix).unlink(missing_ok=True)
            return
        schema = self.schemas.pop(url)
        admin = create_engine(self.postgres_url)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    def close(self) -> None:
        for url in list(self.schemas):
            self.drop(url)


def open_engine(url: str) -> Engine:
    from timeline.database import make_engine

    return make_engine(url)


def _tables(connection: Any) -> list[str]:
    from timeline.migrations import SEARCH_TABLES

    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'timeline%'"
    else:
        query = (
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema = current_schema() AND table_name LIKE 'timeline%'"
        )
    names = connection.execute(text(query)).scalars()
    return sorted(name for name in names if not name.startswith(SEARCH_TABLES))


def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its sorted rows (clock columns left out)."""
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as connection:
        for table in _tables(connection):
            result = connection.exec_driver_sql(f"SELECT * FROM {table}")
            keep = [i for i, name in enumerate(result.keys()) if name not in CLOCK_COLUMNS]
            rows = sorted(repr(tuple(_plain(row[i]) for i in keep)) for row in result)
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
            out[table] = (len(rows), digest)
    return out


def _plain(value: Any) -> Any:
    """Values as both backends give them back (dates as text, JSON as sorted text)."""
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, sort_keys=True)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def integrity(engine: Engine, amcheck: str | None) -> list[str]:
    """Problems the backend's own checks find (an empty list: none)."""
    from timeline.migrations import SEARCH_TABLES

    problems: list[str] = []
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            found = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            if found != ["ok"]:
                problems += found
            problems += [str(r) for r in connection.exec_driver_sql("PRAGMA foreign_key_check")]
            present = set(connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
            for table in SEARCH_TABLES:
                if table in present:
                    connection.exec_driver_sql(
                        f"INSERT INTO {table}({table}) VALUES ('integrity-check')"
                    )
            connection.rollback()
            return problems
        relations = connection.exec_driver_sql(
            "SELECT c.oid, c.relname, c.relkind, a.amname FROM pg_class c "
            "LEFT JOIN pg_am a ON a.oid = c.relam "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i')"
        ).all()
        for oid, name, kind, method in relations:
            if amcheck is None:
                if kind == "r":
                    connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar()
                continue
            if kind == "r":
                for row in connection.exec_driver_sql(
                    f"SELECT * FROM {amcheck}.verify_heapam({oid})"
                ):
                    problems.append(f"{name}: {row}")
            elif method == "btree":
                connection.exec_driver_sql(f"SELECT {amcheck}.bt_index_check({oid}, true)")
        if amcheck is None:  # read every index in full too
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            for _, name, kind, _ in relations:
                if kind == "r":
                    connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar()
        connection.rollback()
    return problems


# -- the child process -------------------------------------------------------------------


def work(action: str, url: str, argument: str, progress: Any = None) -> float:
    """The work the killed child does: an import in ``action``'s format, or the upgrade.
    Returns the seconds it took."""
    from timeline import Timeline, migrations
    from timeline.io import import_file

    if action == "upgrade":
        engine = open_engine(url)
        start = time.perf_counter()
        migrations.upgrade(engine)
        engine.dispose()
        return time.perf_counter() - start
    with Timeline(url) as tl:
        start = time.perf_counter()
        import_file(tl, argument, format=action, progress=progress)
        return time.perf_counter() - start


def child(action: str, url: str, argument: str, fraction: float) -> None:
    """Run in the killed process: say ``open`` once the library is loaded, ``at`` past
    ``fraction`` of the file, ``done`` at the end."""
    # Loaded before "open" (the kill is timed from there): the modules and migration scripts.
    import alembic.command  # noqa: F401

    import timeline.io.gdelt
    import timeline.io.jsonio  # noqa: F401
    from timeline import migrations

    migrations.head_revision()
    said = False

    def progress(done: int, total: int | None) -> None:
        nonlocal said
        if not said and total and done >= fraction * total:
            said = True
            print("at", flush=True)

    print("open", flush=True)
    work(action, url, argument, progress)
    print("done", flush=True)


def _spawn(action: str, url: str, argument: str, fraction: float = 2.0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--child", action, url, argument, str(fraction)],
        stdout=subprocess.PIPE,
        text=True,
    )


def _line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


# -- trials ------------------------------------------------------------------------------


@dataclass
class Scenario:
    """What a trial starts from, what the child runs, and the two acceptable outcomes."""

    name: str
    action: str  # an import format, or "upgrade"
    argument: str  # the file to import
    prepare: Any  # () -> url of the database in its "before" state
    seconds: float = 0.0  # how long the child's work takes, uninterrupted
    before: dict[str, tuple[int, str]] = field(default_factory=dict)
    after: dict[str, tuple[int, str]] = field(default_factory=dict)
    revisions: tuple[str | None, str | None] = (None, None)


@dataclass
class Tally:
    trials: int = 0
    killed: int = 0  # killed while the child was still running
    none: int = 0
    all: int = 0
    failures: list[str] = field(default_factory=list)


def _revision(engine: Engine) -> str | None:
    from timeline import migrations

    with engine.connect() as connection:
        return migrations.current_revision(connection)


def reference(scenario: Scenario, databases: Databases) -> None:
    """Do the child's work once, uninterrupted: the time it takes and the content it leaves."""
    url = scenario.prepare()
    engine = open_engine(url)
    scenario.before = snapshot(engine)
    first = _revision(engine)
    engine.dispose()
    scenario.seconds = work(scenario.action, url, scenario.argument)
    engine = open_engine(url)
    scenario.after = snapshot(engine)
    scenario.revisions = (first, _revision(engine))
    engine.dispose()
    databases.drop(url)


def trial(
    scenario: Scenario, databases: Databases, rng: random.Random, tally: Tally, by_progress: bool
) -> None:
    """Kill the child at a drawn moment (``by_progress``: once it has read a drawn fraction of
    its file); check the database it leaves."""
    url = scenario.prepare()
    by_progress = by_progress and scenario.action != "upgrade"
    fraction = rng.random() if by_progress else 2.0
    delay = rng.uniform(0, 0.02) if by_progress else rng.uniform(0, 1.5 * scenario.seconds)
    process = _spawn(scenario.action, url, scenario.argument, fraction)
    tally.trials += 1
    try:
        if _line(process) != "open":
            raise RuntimeError("the child failed to start")
        if by_progress:
            _line(process)  # "at" (or "done" when the import was quicker)
        time.sleep(delay)
        if process.poll() is None:
            tally.killed += 1
            process.send_signal(signal.SIGKILL)
        process.wait()
        try:
            problem = _check(scenario, databases, url, tally)
        except Exception as error:  # an unreadable database, a failed query
            problem = f"{type(error).__name__}: {error}"
        if problem:
            tally.failures.append(
                f"{scenario.name} (fraction {fraction:.3f}, +{delay:.3f} s): {problem}"
            )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        databases.drop(url)


def _check(scenario: Scenario, databases: Databases, url: str, tally: Tally) -> str | None:
    """What is wrong with the database a killed child left (``None``: nothing), tallied."""
    from timeline import Timeline

    engine = open_engine(url)
    try:
        revision = _revision(engine)
        found = integrity(engine, databases.amcheck)
    finally:
        engine.dispose()
    if found:
        return f"integrity: {found[:3]}"
    if revision not in scenario.revisions:
        return f"left at revision {revision}, not one of {scenario.revisions}"
    with Timeline(url) as tl:  # opens (completing a migration the kill interrupted)
        state = snapshot(tl.engine)
        if scenario.action == "upgrade":
            if state != scenario.after:
                return "the completed migration differs from an uninterrupted one"
            if integrity(tl.engine, databases.amcheck):
                return "integrity after completing the migration"
            tl.add_event("After the crash", when="2026", kind="test.crash")
            if tl.events().search("crash").count() != 1:
                return "the migrated database does not find a new event"
            if revision == scenario.revisions[0]:
                tally.none += 1
            else:
                tally.all += 1
        elif state == scenario.before:
            tally.none += 1
        elif state == scenario.after:
            tally.all += 1
        else:
            differ = [t for t in state if state[t] != scenario.before.get(t)]
            return f"partial import: {[(t, state[t][0]) for t in differ]}"
    return None


def scenarios(
    databases: Databases,
    folder: Path,
    rows: int,
    names: tuple[str, ...] = SCENARIOS,
    first: int = FIRST_ROWS,
) -> dict[str, Scenario]:
    """The scenarios ``names``, with their input files written."""
    from timeline import Timeline, migrations
    from timeline.io import export_file, import_file

    big = folder / "big.export.CSV"
    write_gdelt(big, range(10**9, 10**9 + rows), site="big")
    small = folder / "small.export.CSV"
    write_gdelt(small, range(2 * 10**9, 2 * 10**9 + first), site="small")
    jsonl = folder / "big.jsonl"
    if "import-jsonl" in names:
        url = databases.fresh()
        with Timeline(url) as tl:
            import_file(tl, big, format="gdelt-events")
            export_file(tl, jsonl)
        databases.drop(url)
    head = migrations.head_revision()
    previous = migrations._scripts().get_revision(head).down_revision

    templates: dict[str, str] = {}

    def prepared(kind: str) -> str:
        """A database in state ``kind`` (SQLite: a copy of one made once)."""
        if kind in templates:
            return databases.copy(templates[kind])
        url = databases.fresh()
        if kind == "empty":
            return url
        with Timeline(url) as tl:
            if kind != "migrated":
                import_file(tl, small, format="gdelt-events")
        if kind == "previous":
            engine = open_engine(url)
            migrations.downgrade(engine, str(previous))
            engine.dispose()
        if not databases.postgres_url:
            templates[kind] = url
            return databases.copy(url)
        return url

    every = {
        "import": Scenario("import", "gdelt-events", str(big), lambda: prepared("migrated")),
        "import-jsonl": Scenario("import-jsonl", "jsonl", str(jsonl), lambda: prepared("migrated")),
        "second-import": Scenario(
            "second-import", "gdelt-events", str(big), lambda: prepared("first")
        ),
        "upgrade-empty": Scenario("upgrade-empty", "upgrade", "", lambda: prepared("empty")),
        "upgrade-previous": Scenario(
            "upgrade-previous", "upgrade", "", lambda: prepared("previous")
        ),
    }
    return {name: every[name] for name in names}


def run(
    databases: Databases,
    folder: Path,
    *,
    trials: int,
    rows: int,
    seed: int,
    names: tuple[str, ...] = SCENARIOS,
    first: int = FIRST_ROWS,
    verbose: bool = False,
) -> dict[str, Tally]:
    """``trials`` kills per scenario; the tallies by scenario."""
    rng = random.Random(seed)
    tallies: dict[str, Tally] = {}
    for name, scenario in scenarios(databases, folder, rows, names, first).items():
        reference(scenario, databases)
        tally = tallies[name] = Tally()
        for number in range(trials):
            trial(scenario, databases, rng, tally, by_progress=number % 2 == 0)
            if verbose:
                print(f"{name} {number + 1}/{trials}: {tally}", file=sys.stderr, flush=True)
    return tallies


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--trials", type=int, default=100, help="per scenario")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", default=list(SCENARIOS), choices=SCENARIOS)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="timeline-crash-"))
    databases = Databases(folder, args.db)
    started = time.perf_counter()
    try:
        tallies = run(
            databases,
            folder,
            trials=args.trials,
            rows=args.rows,
            seed=args.seed,
            names=tuple(args.only),
            verbose=True,
        )
    finally:
        databases.close()
        shutil.rmtree(folder, ignore_errors=True)
    check = "PRAGMA integrity_check"
    if databases.postgres_url:
        check = "amcheck" if databases.amcheck else "full table and index reads (no amcheck)"
    print(f"backend: {databases.name}; check: {check}; rows: {args.rows}; seed: {args.seed}")
    print(f"{'scenario':<17} {'trials':>6} {'killed':>6} {'none':>5} {'all':>5} {'failures':>8}")
    for name, tally in tallies.items():
        print(
            f"{name:<17} {tally.trials:>6} {tally.killed:>6} {tally.none:>5} {tally.all:>5} "
            f"{len(tally.failures):>8}"
        )
        for failure in tally.failures[:5]:
            print(f"  {failure}")
    print(f"elapsed: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
