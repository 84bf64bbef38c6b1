"""Faults at the door: a disk that fills up, a PostgreSQL backend killed, mid-write.

Each gives one clear :class:`DatabaseFaultError`, keeps nothing of the write (every table is
as it was, row by row), and leaves a database that opens and passes its integrity check (the
checks of ``benchmarks/crash_trials.py``).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _seed import load_script
from sqlalchemy import Engine, create_engine, event, make_url, text

from timeline import (
    ConnectionLostError,
    DatabaseFaultError,
    DiskFullError,
    Timeline,
    TimelineError,
)
from timeline.database import make_engine
from timeline.io import export_file, import_file
from timeline.write import indexes

crash = load_script("benchmarks/crash_trials.py", "timeline_crash_trials")

#: Rows each import or ``add_events`` writes on SQLite: chunks of 1,000, so the disk fills
#: up after some of them were written.
ROWS = 3000
#: Pages the database may grow by before it is "full": about half of what ROWS need.
ROOM = 350


def _rows(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {
            "title": f"Vote number {i} in the assembly",
            "when": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "kind": "politics.vote",
        }


def _csv(path: Path, count: int) -> Path:
    lines = (f"{row['title']},{row['when']},{row['kind']}\n" for row in _rows(count))
    path.write_text("title,when,kind\n" + "".join(lines), encoding="utf-8")
    return path


def _jsonl(path: Path, count: int) -> Path:
    with Timeline() as scratch:
        scratch.add_events(_rows(count))
        export_file(scratch, path, format="jsonl")
    return path


def _page_count(path: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("PRAGMA page_count").fetchone()[0])


def _schema(path: str) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def _seeded(url: str) -> dict[str, tuple[int, str]]:
    """Store two events in ``url``; its tables' snapshot afterwards."""
    with Timeline(url) as tl:
        tl.add_event("Assembly opens", when="2026-01-05", kind="politics.session")
        tl.add_event("Assembly closes", when="2026-01-30", kind="politics.session")
        snapshot: dict[str, tuple[int, str]] = crash.snapshot(tl.engine)
        return snapshot


Progress = Callable[[int, int | None], None]
Write = Callable[[Timeline, Path, Progress], object]


def _import_csv(tl: Timeline, folder: Path, progress: Progress) -> object:
    return import_file(tl, _csv(folder / "rows.csv", ROWS), format="csv", progress=progress)


def _import_jsonl(tl: Timeline, folder: Path, progress: Progress) -> object:
    return import_file(tl, _jsonl(folder / "rows.jsonl", ROWS), format="jsonl", progress=progress)


def _add_events(tl: Timeline, folder: Path, progress: Progress) -> object:
    def rows() -> Iterator[dict[str, Any]]:
        for done, row in enumerate(_rows(ROWS), 1):
            progress(done, ROWS)
            yield row

    return tl.add_events(rows(), batch_size=1000)


@pytest.mark.parametrize("deferred", [False, True], ids=["indexed", "deferred"])
@pytest.mark.parametrize("write", [_import_csv, _import_jsonl, _add_events])
def test_a_disk_that_fills_up_mid_write_keeps_nothing(
    write: Write, deferred: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite with ``max_page_count`` a few hundred pages above its size: the write stops
    half-way with :class:`DiskFullError`; every table is as before, the file opens and passes
    its integrity check, and writes work again once there is room. A ``deferred`` write has
    dropped its query indexes when the disk fills up (timeline.write.indexes): they are back."""
    if deferred:
        monkeypatch.setattr(indexes, "DEFER_AFTER", 500)
    databases = crash.Databases(tmp_path)
    path = databases.fresh()
    before = _seeded(path)
    schema = _schema(path)
    limit = _page_count(path) + ROOM
    full = make_engine(path)
    event.listen(full, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count={limit}"))
    statements: list[str] = []
    event.listen(full, "before_cursor_execute", lambda *args: statements.append(args[2]))
    seen: list[tuple[int, int | None]] = []
    with Timeline(full) as tl, pytest.raises(DiskFullError) as caught:
        write(tl, tmp_path, lambda done, total: seen.append((done, total)))
    full.dispose()

    error = caught.value
    assert any(s.startswith("DROP INDEX") for s in statements) == deferred
    assert isinstance(error, DatabaseFaultError) and isinstance(error, TimelineError)
    assert str(error).startswith(f"the disk or the database file is full on {path!r}")
    assert "nothing of it was kept; free some space and retry" in str(error)
    assert "database or disk is full" in error.reason
    assert error.database == path
    done, total = seen[-1]
    assert total is not None and 0 < done < total, "the disk filled up half-way through"

    with Timeline(path) as tl:  # no page limit: the room is given back
        assert crash.snapshot(tl.engine) == before
        assert _schema(path) == schema
        assert crash.integrity(tl.engine, None) == []
        tl.add_event("Assembly reopens", when="2026-02-02", kind="politics.session")
        assert tl.events().count() == 3


def test_a_single_write_on_a_full_disk_keeps_nothing_of_itself(tmp_path: Path) -> None:
    """``add_event`` (and every other single write) goes through the same door."""
    path = str(tmp_path / "small.db")
    _seeded(path)
    limit = _page_count(path) + 2
    full = make_engine(path)
    event.listen(full, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count={limit}"))
    with Timeline(full) as tl:
        added = 0
        with pytest.raises(DiskFullError, match="the disk or the database file is full"):
            for i in range(1000):
                tl.add_event(f"Speech {i} " + "words " * 200, when="2026-03-01", kind="speech")
                added += 1
        assert tl.events().count() == 2 + added
        assert tl.events().of_kind("speech").count() == added
    full.dispose()
    with Timeline(path) as tl:
        assert crash.integrity(tl.engine, None) == []
        assert tl.events().count() == 2 + added


#: The backends, named by their connection's application name, inside a transaction that
#: has written events (it holds a row-exclusive lock on the events table).
WRITERS = text(
    "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
    "JOIN pg_class c ON c.oid = l.relation WHERE a.application_name = :name "
    "AND a.state = 'idle in transaction' AND c.relname = 'timeline_event' "
    "AND l.mode = 'RowExclusiveLock'"
)


def _killer(admin: Engine, application: str) -> tuple[Callable[[], None], list[int]]:
    """A callable that terminates the backend of the connection named ``application`` once
    its transaction has written events (each call checks), and the pids it killed."""
    killed: list[int] = []

    def kill() -> None:
        if killed:
            return
        with admin.connect() as connection:
            for pid in connection.execute(WRITERS, {"name": application}).scalars():
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                killed.append(pid)

    return kill, killed


def _pg_import_csv(tl: Timeline, folder: Path, kill: Callable[[], None]) -> object:
    """A CSV import, killed at its first statement after it has written events, before it
    commits (a progress callback would only run between chunks of 5,000 rows)."""
    event.listen(tl.engine, "before_cursor_execute", lambda *_: kill())
    return import_file(tl, _csv(folder / "rows.csv", 2000), format="csv")


def _pg_add_events(tl: Timeline, folder: Path, kill: Callable[[], None]) -> object:
    """``add_events`` of a generator that kills the writer half-way through its rows (after
    the first batch of 5,000 was written)."""

    def rows() -> Iterator[dict[str, Any]]:
        for done, row in enumerate(_rows(10000), 1):
            if done > 5000:
                kill()
            yield row

    return tl.add_events(rows())


def _pg_add_event(tl: Timeline, folder: Path, kill: Callable[[], None]) -> object:
    """One ``add_event``, killed before the statement after its event row is written."""
    event.listen(tl.engine, "before_cursor_execute", lambda *_: kill())
    return tl.add_event("Vote", when="2026-02-02", kind="politics.vote", tags=["budget"])


@pytest.mark.parametrize("write", [_pg_import_csv, _pg_add_events, _pg_add_event])
def test_a_postgresql_backend_killed_mid_write_keeps_nothing(
    write: Callable[[Timeline, Path, Callable[[], None]], object], postgres_url: str, tmp_path: Path
) -> None:
    """``pg_terminate_backend`` on the writing connection half-way, once it has written
    events: :class:`ConnectionLostError`, nothing kept, the database intact, and the same
    ``Timeline`` works again on a new connection."""
    databases = crash.Databases(tmp_path, postgres_url)
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        url = databases.fresh()
        before = _seeded(url)
        application = f"timeline-fault-{uuid.uuid4().hex[:8]}"
        named = make_url(url).update_query_dict({"application_name": application})
        kill, killed = _killer(admin, application)
        with Timeline(named.render_as_string(hide_password=False)) as tl:
            with pytest.raises(ConnectionLostError) as caught:
                write(tl, tmp_path, kill)
            assert len(killed) == 1, "the writing backend was found, having written, and killed"
            error = caught.value
            assert isinstance(error, DatabaseFaultError) and isinstance(error, TimelineError)
            assert str(error).startswith("the connection to the database was lost on ")
            assert "nothing of it was kept; retry once the server is reachable" in str(error)
            # The pool recovers: the next calls run on a new connection.
            assert tl.events().count() == 2
            assert crash.snapshot(tl.engine) == before

        with Timeline(url) as tl:
            assert crash.snapshot(tl.engine) == before
            assert crash.integrity(tl.engine, databases.amcheck) == []
            tl.add_events(_rows(10))
            assert tl.events().count() == 12
    finally:
        admin.dispose()
        databases.close()
