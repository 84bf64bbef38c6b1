"""A closed ``Timeline`` refuses every call; a session left open breaks nothing later."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from timeline import Entity, Event, Timeline, TimelineClosedError, TimelineError
from timeline.database import make_engine
from timeline.io import export_file, import_file

CALLS: dict[str, Callable[[Timeline, Path], Any]] = {
    "add_event": lambda tl, _: tl.add_event("Talks", when="2026-03-02", kind="diplomacy"),
    "add_events": lambda tl, _: tl.add_events(
        [{"title": "Talks", "when": "2026-03-02", "kind": "diplomacy"}]
    ),
    "add_entity": lambda tl, _: tl.add_entity("Kim Yo Jong", kind="person"),
    "add_place": lambda tl, _: tl.add_place("Pyongyang", kind="city"),
    "add_source": lambda tl, _: tl.add_source(
        "KCNA report", publisher="KCNA", published="2026-02-27"
    ),
    "add_claim": lambda tl, _: tl.add_claim(1, source=None, status="occurred"),
    "delete_event": lambda tl, _: tl.delete_event(1),
    "get_event": lambda tl, _: tl.get_event(1),
    "entity": lambda tl, _: tl.entity("Kim Jong Un"),
    "history": lambda tl, _: tl.history(1),
    "revisions": lambda tl, _: tl.revisions(1),
    "events": lambda tl, _: tl.events(),
    "session": lambda tl, _: tl.session(),
    "import_file": lambda tl, folder: import_file(tl, folder / "talks.csv"),
    "export_file": lambda tl, folder: export_file(tl, folder / "out.jsonl"),
}


@pytest.fixture(params=["file", "memory", "sqlite engine", "postgresql engine"])
def opened(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Timeline, Any]]:
    """A timeline holding one event, on a file, in memory, or on a host's engine (a SQLite
    file or a PostgreSQL schema), and that engine (``None`` when the timeline owns it)."""
    (tmp_path / "talks.csv").write_text(
        "title,when,kind\nTalks open,2026-03-02,diplomacy\n", encoding="utf-8"
    )
    host: Engine | None = None
    if request.param == "postgresql engine":
        host = request.getfixturevalue("postgres_engine")
    elif request.param == "sqlite engine":
        host = make_engine(str(tmp_path / "host.db"))
    target = {"file": str(tmp_path / "closed.db"), "memory": ":memory:"}.get(request.param, host)
    tl = Timeline(target)
    tl.add_entity("Kim Jong Un", kind="person")
    tl.add_event(
        "Parade", when="2026-02-26", kind="military.parade", actors={"Kim Jong Un": "host"}
    )
    yield tl, host
    tl.close()
    if request.param == "sqlite engine":
        assert host is not None
        host.dispose()


@pytest.mark.parametrize("call", CALLS, ids=list(CALLS))
def test_a_closed_timeline_refuses_every_call(
    opened: tuple[Timeline, Engine | None], call: str, tmp_path: Path
) -> None:
    tl, host = opened
    tl.close()
    with pytest.raises(TimelineClosedError) as caught:
        CALLS[call](tl, tmp_path)
    assert isinstance(caught.value, TimelineError)
    assert "is closed; open a new one with Timeline(...)" in str(caught.value)
    tl.close()  # closing twice is fine
    if host is not None:  # the host's engine is neither disposed nor refused
        with host.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM timeline_event")).scalar()
        assert count == 1
        with Timeline(host) as again:
            assert again.events().count() == 1


def test_queries_and_sessions_made_before_close_are_refused_after(
    opened: tuple[Timeline, Engine | None],
) -> None:
    tl, _ = opened
    query = tl.events().of_kind("military")
    session = tl.session()
    assert query.count() == 1
    tl.close()
    for run in (query.count, query.all, query.first, lambda: list(query), query.rows):
        with pytest.raises(TimelineClosedError):
            run()
    with pytest.raises(TimelineClosedError):
        session.exec(select(Event)).all()
    assert repr(tl).startswith("Timeline(")


def test_an_in_memory_timeline_is_refused_not_emptied() -> None:
    """Closed, a ``:memory:`` timeline used to answer with a new, empty database
    (``no such table``) or, for a query, with nothing at all."""
    tl = Timeline()
    query = tl.events()
    tl.close()
    with pytest.raises(TimelineClosedError, match="':memory:' is closed"):
        query.count()


@pytest.fixture(params=["memory", "file", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Timeline]:
    """A timeline holding one event, on ``:memory:`` (one connection for everything), a
    SQLite file or PostgreSQL."""
    if request.param == "postgresql":
        target: Any = request.getfixturevalue("postgres_engine")
    else:
        target = ":memory:" if request.param == "memory" else str(tmp_path / "shared.db")
    with Timeline(target) as tl:
        tl.add_event("Parade", when="2026-02-26", kind="military.parade")
        yield tl


def test_a_session_left_open_breaks_no_later_call(shared: Timeline, tmp_path: Path) -> None:
    """``s = tl.session()`` that read and was never closed: every later call works (on
    ``:memory:`` it used to hold the one connection inside its transaction: the next write
    failed with a raw ``OperationalError`` and rolled that transaction back)."""
    tl = shared
    (tmp_path / "talks.csv").write_text(
        "title,when,kind\nTalks open,2026-03-02,diplomacy\n", encoding="utf-8"
    )
    left_open = tl.session()
    assert [e.title for e in left_open.exec(select(Event))] == ["Parade"]
    assert tl.events().count() == 1
    tl.add_event("Drill", when="2026-03-01", kind="military.drill")
    tl.add_events([{"title": "Launch", "when": "2026-03-05", "kind": "military.launch"}])
    tl.add_entity("Kim Jong Un", kind="person")
    import_file(tl, tmp_path / "talks.csv")
    assert tl.events().count() == 4
    assert left_open.exec(select(Event)).first() is not None  # it still works
    left_open.close()
    with tl.session() as session:
        assert len(session.exec(select(Event)).all()) == 4


def test_a_session_holding_changes_is_never_rolled_back_by_a_later_call() -> None:
    """In memory, a later call cannot run beside a session's uncommitted changes (one
    connection): it refuses clearly, and the session's changes stay, to commit."""
    with Timeline() as tl:
        session = Session(tl.engine)
        session.add(Entity(name="Kim Jong Un", kind="person"))
        session.flush()
        with pytest.raises(TimelineError, match="commit or close that session first"):
            tl.add_event("Parade", when="2026-02-26", kind="military.parade")
        with pytest.raises(TimelineError, match="commit or close that session first"):
            tl.events().count()
        session.commit()
        session.close()
        assert [e.name for e in tl.session().exec(select(Entity))] == ["Kim Jong Un"]
        tl.add_event("Parade", when="2026-02-26", kind="military.parade")
        assert tl.events().count() == 1
