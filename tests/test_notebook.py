"""Notebooks: readable query reprs, HTML previews that read a page, paged iteration, pandas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pandas
import pytest
from sqlalchemy import event

from timeline import EventQuery, Timeline, When
from timeline import query as query_module

OPEN = "2020/.."


@pytest.fixture
def many(tl: Timeline) -> Timeline:
    tl.add_entity("Kim Jong Un", kind="person")
    tl.add_events(
        {
            "title": f"Parade {i}",
            "when": "2020/.."
            if i % 500 == 0
            else f"{2000 + i % 30}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            "kind": "military.parade" if i % 2 else "politics.meeting",
            "actors": {"Kim Jong Un": "attendee"} if i % 3 == 0 else {},
        }
        for i in range(2050)
    )
    return tl


@pytest.fixture
def statements(tl: Timeline) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append(statement)

    event.listen(tl.engine, "before_cursor_execute", record)
    yield seen
    event.remove(tl.engine, "before_cursor_execute", record)


def test_repr_says_what_the_query_filters(tl: Timeline) -> None:
    tl.add_entity("Kim Jong Un", kind="person")
    query = (
        tl.events()
        .involving("Kim Jong Un", role="attendee")
        .between("2026-02", "2026-03", certainty="certain")
        .of_kind("military")
        .order_by_time(descending=True)
        .limit(5)
    )
    assert repr(query) == (
        "EventQuery(involving(entity=1, role='attendee'), "
        "between(2026-02-01, 2026-03-31, certainty='certain'), of_kind(kind='military'), "
        "order_by_time(descending=True), limit(5))"
    )
    assert repr(tl.events()) == "EventQuery(all live events)"
    assert repr(tl.events().within("2026", "2026").offset(3)) == (
        "EventQuery(within(2026-01-01, 2026-12-31), offset(3))"
    )


def test_an_as_of_query_shows_its_knowledge_time(tl: Timeline) -> None:
    tl.add_event("Parade", when="2026-02-25", kind="military.parade")
    query = tl.events().of_kind("military").as_of("2026-03-01")
    assert repr(query) == "AsOfQuery(of_kind(kind='military'), as_of(published=2026-03-01))"
    assert ">Parade<" in query._repr_html_() and ": 1 event<" in query._repr_html_()


def test_html_shows_the_first_rows_and_the_count_with_two_reads(
    many: Timeline, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    query = many.events().of_kind("military")
    monkeypatch.setattr(EventQuery, "all", lambda self: pytest.fail("all() loads every row"))
    statements.clear()
    html = query._repr_html_()
    assert "1025 events; the first 10 shown" in html
    assert html.count("<tr>") == 11  # the head and ten rows
    assert "Parade 1<" in html and "military.parade" in html
    assert len(statements) == 2, statements
    assert any("count(" in s.lower() for s in statements)
    assert any(re.search(r"\bLIMIT\b", s) for s in statements)


def test_html_escapes_titles(tl: Timeline) -> None:
    tl.add_event("<script>alert(1)</script>", when="2026-02-26", kind="test")
    html = tl.events()._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "1 event<" in html


def test_when_html() -> None:
    html = When.parse("2026-21")._repr_html_()
    assert "spring 2026" in html and "<code>2026-21</code>" in html
    assert "2026-03-01 to 2026-05-31" in html
    assert ".. to 2026-05-31" in When.parse("../2026-05")._repr_html_()


def _pages(monkeypatch: pytest.MonkeyPatch, kind: type = EventQuery) -> list[int | None]:
    """Patch the page size to 100 and record the limit of every ``all()`` call."""
    monkeypatch.setattr(query_module, "ITER_PAGE", 100)
    limits: list[int | None] = []
    real = kind.all  # type: ignore[attr-defined]

    def paged(self: EventQuery) -> Any:
        limits.append(self._limit)
        return real(self)

    monkeypatch.setattr(kind, "all", paged)
    return limits


@pytest.mark.parametrize(
    "shape",
    [
        lambda q: q,
        lambda q: q.order_by_time(),
        lambda q: q.order_by_time(descending=True),
        lambda q: q.between("2010", "2020").order_by_time(),
        lambda q: q.involving("Kim Jong Un"),
        lambda q: q.search("parade", rank=True),
        lambda q: q.order_by_time().offset(30).limit(250),
        lambda q: q.limit(40),
        lambda q: q.as_of(recorded="2999-01-01T00:00:00+00:00"),
    ],
    ids=["id", "time", "time-desc", "window", "actor", "ranked", "offset-limit", "small", "as_of"],
)
def test_iteration_reads_a_page_at_a_time(
    many: Timeline, monkeypatch: pytest.MonkeyPatch, shape: Any
) -> None:
    query = shape(many.events())
    expected = [e.id for e in query.all()]
    limits = _pages(monkeypatch, type(query))
    assert [e.id for e in query] == expected
    assert limits and all(limit is not None and limit <= 100 for limit in limits), limits
    assert len(limits) <= len(expected) // 100 + 1


def test_iterating_2050_events_never_loads_them_all(
    many: Timeline, monkeypatch: pytest.MonkeyPatch, statements: list[str]
) -> None:
    limits = _pages(monkeypatch)
    statements.clear()
    seen = sum(1 for _ in many.events())
    assert seen == 2050
    assert limits == [100] * 21
    event_reads = [s for s in statements if "FROM timeline_event" in s]
    assert len(event_reads) == 21 and all(re.search(r"\bLIMIT\b", s) for s in event_reads)


def test_to_pandas_has_datetime_columns(tl: Timeline) -> None:
    tl.add_event("Congress", when="2026-02/2026-02-26", kind="politics")
    tl.add_event("Reform", when="2026-02-01/..", kind="politics")
    frame = tl.events().to_pandas()
    assert str(frame["start_earliest"].dtype) == "datetime64[s]"
    assert str(frame["end_latest"].dtype) == "datetime64[s]"
    assert frame["start_earliest"].tolist() == [pandas.Timestamp(2026, 2, 1)] * 2
    assert frame["end_latest"][0] == pandas.Timestamp(date(2026, 2, 26))
    assert pandas.isna(frame["end_latest"][1])  # an open end
    times = tl.events().to_pandas("id", "created_at", "start_latest")
    assert str(times["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(times["start_latest"].dtype) == "datetime64[s]"
    assert "DataFrame" in str(EventQuery.to_pandas.__annotations__["return"])
