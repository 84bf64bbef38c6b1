"""A large SQLite load drops the indexes only queries read, and builds them again before it
commits: the schema ends as it began, whatever happens to the load."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from timeline import ImportRowError, Timeline
from timeline.io import import_file
from timeline.write import indexes
from timeline.write.indexes import DEFERRED

#: Rows of each load; the indexes are deferred after the first chunk of CHUNK rows.
ROWS = 300
CHUNK = 100
#: Rows of each import (in chunks of 1,000).
IMPORTED = 2500


def _rows(count: int, start: int = 0) -> Iterator[dict[str, Any]]:
    for i in range(start, start + count):
        yield {
            "title": f"Vote number {i} in the assembly",
            "when": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "kind": "politics.vote" if i % 3 else "politics.debate",
            "place": "Seoul",
            "actors": {"National Assembly": "host"},
        }


def _schema(path: Path) -> list[tuple[str, str]]:
    """The database's indexes and the statements that made them."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()


def _statements(engine: Engine) -> list[str]:
    """The statements run on ``engine`` from now on."""
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


@pytest.fixture
def defer_early(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexes, "DEFER_AFTER", CHUNK)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "timeline.db"
    with Timeline(path) as tl:
        tl.add_place("Seoul", kind="city")
        tl.add_entity("National Assembly", kind="organization")
    return path


@pytest.mark.usefixtures("defer_early")
def test_a_large_load_builds_the_query_indexes_at_its_end(path: Path) -> None:
    before = _schema(path)
    assert {name for name, _ in before} >= set(DEFERRED)
    with Timeline(path) as tl:
        seen = _statements(tl.engine)
        assert tl.add_events(_rows(ROWS), batch_size=CHUNK) == ROWS
        dropped = [s for s in seen if s.startswith("DROP INDEX")]
        assert sorted(dropped) == sorted(f'DROP INDEX "{name}"' for name in DEFERRED)
        # the queries that read those indexes give every event
        assert tl.events().between("2026-03-01", "2026-03-31").count() == ROWS // 12
        assert tl.events().of_kind("politics.debate").count() == ROWS // 3
        assert tl.events().at("Seoul").count() == ROWS
        assert tl.events().involving("National Assembly").count() == ROWS
    assert _schema(path) == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.mark.usefixtures("defer_early")
def test_a_load_smaller_than_the_timeline_keeps_its_indexes(path: Path) -> None:
    with Timeline(path) as tl:
        tl.add_events(_rows(ROWS), batch_size=CHUNK)
        seen = _statements(tl.engine)
        tl.add_events(_rows(2 * CHUNK, start=ROWS), batch_size=CHUNK)
        assert not [s for s in seen if s.startswith(("DROP INDEX", "CREATE INDEX"))]
        assert tl.events().count() == ROWS + 2 * CHUNK


@pytest.mark.usefixtures("defer_early")
def test_other_connections_never_see_the_indexes_missing(path: Path) -> None:
    before = _schema(path)
    seen: list[list[tuple[str, str]]] = []

    def rows() -> Iterator[dict[str, Any]]:
        for i, row in enumerate(_rows(ROWS)):
            if i == 2 * CHUNK:  # the first chunks are written, the indexes dropped
                seen.append(_schema(path))
            yield row

    with Timeline(path) as tl:
        statements = _statements(tl.engine)
        tl.add_events(rows(), batch_size=CHUNK)
    assert any(s.startswith("DROP INDEX") for s in statements)
    assert seen == [before]


@pytest.mark.usefixtures("defer_early")
def test_a_load_refused_after_deferring_keeps_the_indexes_and_nothing_else(
    path: Path, tmp_path: Path
) -> None:
    before = _schema(path)
    lines = [f"{r['title']},{r['when']},{r['kind']}" for r in _rows(IMPORTED)]
    csv = tmp_path / "votes.csv"
    csv.write_text("title,when,kind\n" + "\n".join([*lines, "Late vote,2026-02-30,vote"]) + "\n")
    with Timeline(path) as tl:
        statements = _statements(tl.engine)
        with pytest.raises(ImportRowError, match=f"votes.csv:{IMPORTED + 2} "):
            import_file(tl, csv)
        assert any(s.startswith("DROP INDEX") for s in statements)
        assert tl.events().count() == 0
    assert _schema(path) == before


@pytest.mark.usefixtures("defer_early")
def test_a_load_that_skips_bad_rows_still_builds_the_indexes(path: Path, tmp_path: Path) -> None:
    before = _schema(path)
    lines = [f"{r['title']},{r['when']},{r['kind']}" for r in _rows(IMPORTED)]
    lines[2200] = "Late vote,2026-02-30,vote"
    csv = tmp_path / "votes.csv"
    csv.write_text("title,when,kind\n" + "\n".join(lines) + "\n")
    with Timeline(path) as tl:
        statements = _statements(tl.engine)
        summary = import_file(tl, csv, skip_invalid=True)
        assert any(s.startswith("DROP INDEX") for s in statements)
        assert (summary.created, summary.skipped) == (IMPORTED - 1, 1)
        assert [error.line for error in summary.errors] == [2202]
        march = tl.events().between("2026-03-01", "2026-03-31").count()
        assert march == len([r for r in lines if ",2026-03-" in r])
    assert _schema(path) == before
