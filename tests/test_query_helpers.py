"""The rest of the composable query: relations, keyset pages, counts per period, light rows."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from timeline import Certainty, EventQuery, InvalidEventError, Timeline, When
from timeline.when import ALLEN_RELATIONS

# Day-granular values around February 2026: instants, spans, open and unknown ends.
VALUES = [
    "2026-02-03",
    "2026-02-10",
    "2026-02-28",
    "[2026-02-01..2026-02-10]",
    "[2026-02-08..2026-02-12]",
    "2026-02",
    "2026",
    "2026-02-03/2026-02-20",
    "2026-02-10/2026-02-20",
    "2026-02-01/2026-02-10",
    "2026-02-05/2026-02-25",
    "2026-01/2026-02-26",
    "2026-02-05/..",
    "../2026-02-05",
    "2025-12-24/2026-01-02",
    "2026-02-20/2026-03-05",
]


@pytest.fixture
def fuzzy(tl: Timeline) -> Timeline:
    for value in VALUES:
        tl.add_event(value, when=value, kind="test")
    return tl


def _expected(fuzzy: Timeline, anchor: str, names: set[str], certainty: str) -> list[str]:
    other = When.parse(anchor)
    wanted = (
        {Certainty.CERTAIN} if certainty == "certain" else {Certainty.CERTAIN, Certainty.POSSIBLE}
    )
    return sorted(
        v for v in VALUES if v != anchor and When.parse(v).relation(other, names) in wanted
    )


@pytest.mark.parametrize("anchor", ["2026-02-10/2026-02-20", "[2026-02-08..2026-02-12]", "2026-02"])
def test_every_allen_relation_matches_when_relation(fuzzy: Timeline, anchor: str) -> None:
    event = next(e for e in fuzzy.events() if e.title == anchor)
    for name in ALLEN_RELATIONS:
        for certainty in ("possible", "certain"):
            query = fuzzy.events().related(event, name, certainty=certainty)  # type: ignore[arg-type]
            got = sorted(e.title for e in query)
            assert got == _expected(fuzzy, anchor, {name}, certainty), (name, certainty)


def test_before_after_during_shorthands(fuzzy: Timeline) -> None:
    anchor = "2026-02-10/2026-02-20"
    event = next(e for e in fuzzy.events() if e.title == anchor)
    for method, names in (
        (EventQuery.preceding, {"before"}),
        (EventQuery.following, {"after"}),
        (EventQuery.during, {"during", "starts", "finishes", "equals"}),
    ):
        for certainty in ("possible", "certain"):
            got = sorted(e.title for e in method(fuzzy.events(), event, certainty=certainty))  # type: ignore[arg-type]
            assert got == _expected(fuzzy, anchor, names, certainty), (method, certainty)
    assert event.id is not None
    assert fuzzy.events().during(event.id).count() == fuzzy.events().during(event).count()


def test_relation_errors(fuzzy: Timeline) -> None:
    event = fuzzy.events().first()
    assert event is not None
    with pytest.raises(InvalidEventError, match="Allen"):
        fuzzy.events().related(event, "near")
    with pytest.raises(InvalidEventError, match="certainty"):
        fuzzy.events().related(event, "before", certainty="likely")  # type: ignore[arg-type]


def test_keyset_pages_cover_the_order_exactly_once(fuzzy: Timeline) -> None:
    for descending in (False, True):
        query = fuzzy.events().order_by_time(descending=descending)
        everything = query.ids()
        pages: list[int] = []
        page = query.limit(4).all()
        while page:
            pages += [e.id for e in page if e.id is not None]
            page = query.after(page[-1]).limit(4).all()
        assert pages == everything, descending
    default = fuzzy.events()
    first = default.limit(5).all()
    assert default.after(first[-1]).ids() == default.ids()[5:]


def test_keyset_composes_with_filters(fuzzy: Timeline) -> None:
    query = fuzzy.events().between("2026-02", "2026-02").order_by_time()
    ids = query.ids()
    assert query.after(ids[2]).ids() == ids[3:]


def test_count_by_uses_the_earliest_start(fuzzy: Timeline) -> None:
    expected: Counter[date] = Counter()
    for value in VALUES:
        start = When.parse(value).start_earliest
        if start is not None:
            expected[date(start.year, start.month, 1)] += 1
    assert fuzzy.events().count_by("month") == sorted(expected.items())
    years = fuzzy.events().count_by("year")
    assert years == [(date(2025, 1, 1), 1), (date(2026, 1, 1), len(VALUES) - 2)]
    assert sum(n for _, n in fuzzy.events().count_by("day")) == len(VALUES) - 1


def test_count_by_week_and_quarter(tl: Timeline) -> None:
    for day in ("2026-02-22", "2026-02-23", "2026-03-01", "2026-03-02", "2026-04-01", "2026-12-31"):
        tl.add_event(day, when=day, kind="test")
    assert tl.events().count_by("week") == [
        (date(2026, 2, 16), 1),
        (date(2026, 2, 23), 2),
        (date(2026, 3, 2), 1),
        (date(2026, 3, 30), 1),
        (date(2026, 12, 28), 1),
    ]
    assert tl.events().count_by("quarter") == [
        (date(2026, 1, 1), 4),
        (date(2026, 4, 1), 1),
        (date(2026, 10, 1), 1),
    ]
    assert tl.events().between("2026-03", "2026-03").count_by("month") == [(date(2026, 3, 1), 2)]
    assert tl.events().order_by_time().limit(2).count_by("month") == [(date(2026, 2, 1), 2)]
    with pytest.raises(InvalidEventError, match="period"):
        tl.events().count_by("fortnight")


def test_count_by_matches_brute_force_on_many_days(tl: Timeline) -> None:
    start = date(2023, 12, 25)
    days = [start + timedelta(days=7 * i + i % 5) for i in range(60)]
    tl.add_events({"title": str(d), "when": d, "kind": "test"} for d in days)
    weeks = Counter(d - timedelta(days=d.weekday()) for d in days)
    quarters = Counter(date(d.year, (d.month - 1) // 3 * 3 + 1, 1) for d in days)
    assert tl.events().count_by("week") == sorted(weeks.items())
    assert tl.events().count_by("quarter") == sorted(quarters.items())


def test_rows_and_dicts_are_light_and_ordered(fuzzy: Timeline) -> None:
    query = fuzzy.events().between("2026-02", "2026-02").order_by_time()
    events = query.all()
    rows = query.rows()
    assert [row.id for row in rows] == [e.id for e in events]
    assert [row.title for row in rows] == [e.title for e in events]
    assert rows[0].start_earliest == events[0].start_earliest
    dicts = query.dicts("id", "edtf")
    assert dicts == [{"id": e.id, "edtf": e.edtf} for e in events]
    with pytest.raises(InvalidEventError, match="colour"):
        query.rows("colour")


def test_to_pandas(fuzzy: Timeline) -> None:
    pytest.importorskip("pandas")
    frame = fuzzy.events().order_by_time().to_pandas("id", "title")
    assert list(frame.columns) == ["id", "title"]
    assert list(frame["id"]) == fuzzy.events().order_by_time().ids()


def test_ongoing_false_keeps_events_that_may_begin_in_the_window(fuzzy: Timeline) -> None:
    first = date(2026, 2, 10)
    everything = fuzzy.events().between("2026-02-10", "2026-02-28")
    begun = fuzzy.events().between("2026-02-10", "2026-02-28", ongoing=False)
    expected = sorted(
        e.title for e in everything if e.start_latest is not None and e.start_latest >= first
    )
    assert sorted(e.title for e in begun) == expected
    assert "2026-01/2026-02-26" in {e.title for e in everything} - {e.title for e in begun}
    assert "2026-02-05/.." not in {e.title for e in begun}


def test_from_source(tl: Timeline) -> None:
    one = tl.add_source("One", publisher="KCNA", published="2026-02-27", url="https://a.example/1")
    two = tl.add_source("Two", publisher="Yonhap", published="2026-02-28")
    tl.add_event("A", when="2026-02-26", kind="test", source=one)
    tl.add_event("B", when="2026-02-26", kind="test", source=two)
    tl.add_event("C", when="2026-02-26", kind="test")
    assert [e.title for e in tl.events().from_source(one)] == ["A"]
    assert two.id is not None
    assert [e.title for e in tl.events().from_source(two.id)] == ["B"]
    assert [e.title for e in tl.events().from_source("https://a.example/1")] == ["A"]


def test_actor_windows_give_the_same_answers_in_any_order(tl: Timeline) -> None:
    tl.add_entity("Kim Jong Un", kind="person")
    for value in VALUES:
        tl.add_event(value, when=value, kind="test", actors={"Kim Jong Un": "attendee"})
    tl.add_event("other", when="2026-02-10", kind="test")
    a = tl.events().involving("Kim Jong Un").between("2026-02-10", "2026-02-12").ids()
    b = tl.events().between("2026-02-10", "2026-02-12").involving("Kim Jong Un").ids()
    plain = {e.id for e in tl.events().between("2026-02-10", "2026-02-12") if e.title != "other"}
    assert sorted(a) == sorted(b) == sorted(plain)
    within = tl.events().within("2026-02", "2026-02").involving("kim jong un", role="attendee")
    inside = {e.id for e in tl.events().within("2026-02", "2026-02") if e.title != "other"}
    assert sorted(within.ids()) == sorted(inside)


#: Spans still going, with the day each was said: the SQL relations read ``end_earliest``,
#: which holds that day, as ``When.relation`` reads ``When.ongoing_until``.
STILL_GOING = {"2026-02-06/..": "2026-02-20", "2026-02/..": "2026-02-15", "2026-02-12/..": None}


@pytest.mark.parametrize("anchor", [*STILL_GOING, "2026-02-10/2026-02-20"])
def test_relations_of_spans_still_going_match_when_relation(tl: Timeline, anchor: str) -> None:
    values = [*VALUES, *STILL_GOING]
    whens = {}
    for value in values:
        whens[value] = When.parse(value, STILL_GOING.get(value))
        tl.add_event(value, when=whens[value], kind="test")
    event = next(e for e in tl.events() if e.title == anchor)
    for name in ALLEN_RELATIONS:
        for certainty, wanted in (
            ("possible", {Certainty.CERTAIN, Certainty.POSSIBLE}),
            ("certain", {Certainty.CERTAIN}),
        ):
            got = sorted(e.title for e in tl.events().related(event, name, certainty=certainty))  # type: ignore[arg-type]
            expected = sorted(
                v
                for v in values
                if v != anchor and whens[v].relation(whens[anchor], name) in wanted
            )
            assert got == expected, (name, certainty)
