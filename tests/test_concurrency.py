"""Concurrent writers: processes released together at a barrier lose nothing and double nothing.

The writers are ``benchmarks/concurrent_writers.py`` (which runs the same scenarios for longer);
here one short round of each, on both backends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _seed import load_script
from sqlalchemy import Engine

from timeline import DatabaseBusyError, Timeline
from timeline import database as database_module

writers = load_script("benchmarks/concurrent_writers.py", "timeline_concurrent_writers")


@pytest.fixture(scope="module")
def crew() -> Iterator[Any]:
    """Four writer processes, shared by the tests (each task opens its own database)."""
    started = writers.Crew(4)
    yield started
    started.close()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    Timeline(engine).close()
    return engine


def test_writers_adding_events_at_once_lose_nothing(
    crew: Any, migrated: Engine, tmp_path: Path
) -> None:
    """add_event, add_events and imports at once: events stored = events each writer committed."""
    outcome = writers.mixed(crew, migrated, tmp_path, writers=4, n=15)
    assert outcome["errors"] == []
    assert outcome["committed"] == 2 * 15 + 15 + 4 * 15
    assert outcome["lost"] == 0
    assert outcome["duplicates"] == 0


def test_overlapping_imports_create_no_duplicates_and_lose_no_update(
    crew: Any, migrated: Engine, tmp_path: Path
) -> None:
    """Files sharing event ids, imported at once: each id stored once, with every file's claim."""
    outcome = writers.overlap(crew, migrated, tmp_path, writers=4, n=40)
    assert outcome["errors"] == []
    assert outcome["events"] == outcome["expected_events"] == 4 * 40
    assert outcome["duplicates"] == 0
    assert outcome["lost"] == 0


def test_same_entity_and_place_added_at_once_is_one_row(crew: Any, migrated: Engine) -> None:
    """add_entity / add_place of the same names by four writers at once: one row each."""
    outcome = writers.names(crew, migrated, writers=4, n=20)
    assert outcome["errors"] == []
    assert outcome["duplicates"] == 0
    assert outcome["disagreements"] == 0


def test_a_writer_locked_out_gives_up_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: after its bounded retries, a writer raises DatabaseBusyError naming the file,
    having written nothing."""
    path = tmp_path / "busy.db"
    Timeline(path).close()
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(database_module, "BUSY_ATTEMPTS", 2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        with Timeline(path) as tl:
            with pytest.raises(DatabaseBusyError, match=r"busy\.db") as raised:
                tl.add_event("Locked out", when="2026", kind="test.write")
            assert raised.value.database == str(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Timeline(path) as tl:
        assert tl.events().count() == 0
        tl.add_event("After the lock", when="2026", kind="test.write")  # the lock is free again
        assert tl.events().count() == 1
