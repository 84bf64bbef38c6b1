"""Allen's 13 relations between fuzzy values, checked against brute-force enumeration."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest

from timeline.when import ALLEN_RELATIONS, Certainty, EndState, Precision, When
from timeline.when.allen import classify
from timeline.when.value import Endpoint

BASE = date(2026, 1, 1)
GRID = range(4)  # finite bounds lie on days 0..3
WIDE = range(-5, 9)  # an unbounded side reaches this far in the enumeration

INVERSE = {
    "before": "after",
    "meets": "met_by",
    "overlaps": "overlapped_by",
    "starts": "started_by",
    "during": "contains",
    "finishes": "finished_by",
    "equals": "equals",
}
INVERSE.update({v: k for k, v in INVERSE.items()})


def day(n: int) -> date:
    return BASE + timedelta(days=n)


def ordinal(value: date | None) -> int | None:
    return None if value is None else (value - BASE).days


def windows() -> Iterator[tuple[int, int]]:
    for lo in GRID:
        for hi in GRID:
            if lo <= hi:
                yield lo, hi


def values() -> list[When]:
    found: list[When] = []
    for lo, hi in windows():
        found.append(When.build(Endpoint(day(lo), day(hi), Precision.DAY)))
    for n in GRID:
        found.append(When.build(Endpoint(None, day(n), Precision.DAY, state=EndState.OPEN)))
        found.append(When.build(Endpoint(day(n), None, Precision.DAY, state=EndState.OPEN)))
    for (s1, s2), (e1, e2) in itertools.product(windows(), windows()):
        if s1 <= e1 and s2 <= e2:
            start = Endpoint(day(s1), day(s2), Precision.DAY)
            end = Endpoint(day(e1), day(e2), Precision.DAY)
            found.append(When.build(start, end, span=True))
    for s1, s2 in windows():
        for state in (EndState.OPEN, EndState.UNKNOWN):
            start = Endpoint(day(s1), day(s2), Precision.DAY)
            gone = Endpoint(None, None, Precision.UNKNOWN, state=state)
            found.append(When.build(start, gone, span=True))
            found.append(When.build(gone, start, span=True))
        for said in GRID:  # still going on the day it was said
            start = Endpoint(day(s1), day(s2), Precision.DAY)
            going = Endpoint(None, None, Precision.UNKNOWN, state=EndState.OPEN)
            found.append(When.build(start, going, span=True, reference=day(said)))
    return found


def concrete(when: When) -> list[tuple[int, int]]:
    """Every interval ``(start, end)`` on the wide grid that ``when`` allows.

    A span still going (an open end) had not ended on the day it was said: its reference, or its
    latest start when it has none or was said before it could have begun.
    """
    said, earliest = ordinal(when.reference), ordinal(when.start_earliest)
    if said is None or (earliest is not None and said < earliest):
        said = ordinal(when.start_latest)
    bounds = [ordinal(v) for v in (when.start_earliest, when.start_latest,
                                   when.end_earliest, when.end_latest)]  # fmt: skip
    if when.span and when.end_state is EndState.OPEN and said is not None:
        bounds[2] = said
    lo_s = WIDE.start if bounds[0] is None else bounds[0]
    hi_s = WIDE.stop - 1 if bounds[1] is None else bounds[1]
    lo_e = WIDE.start if bounds[2] is None else bounds[2]
    hi_e = WIDE.stop - 1 if bounds[3] is None else bounds[3]
    if not when.span:
        return [(d, d) for d in range(lo_s, hi_s + 1)]
    return [(s, e) for s in range(lo_s, hi_s + 1) for e in range(lo_e, hi_e + 1) if s <= e]


def brute(a: When, b: When) -> dict[str, Certainty]:
    seen = {
        classify(a1, a2, b1, b2)
        for (a1, a2), (b1, b2) in itertools.product(concrete(a), concrete(b))
    }
    return {
        name: Certainty.IMPOSSIBLE
        if name not in seen
        else Certainty.CERTAIN
        if seen == {name}
        else Certainty.POSSIBLE
        for name in ALLEN_RELATIONS
    }


VALUES = values()
BOUNDED = [v for v in VALUES if None not in (v.start_earliest, v.start_latest, v.end_latest)]


def test_the_grid_is_rich() -> None:
    assert len(VALUES) > 100
    assert len(BOUNDED) >= 60


def test_bounded_values_against_brute_force() -> None:
    for a, b in itertools.product(BOUNDED, BOUNDED):
        assert a.relations(b) == brute(a, b), (a, b)


def test_unbounded_values_against_brute_force() -> None:
    rng = random.Random(20260226)
    pairs = [(a, b) for a in VALUES for b in VALUES if a not in BOUNDED or b not in BOUNDED]
    for a, b in rng.sample(pairs, 600):
        assert a.relations(b) == brute(a, b), (a, b)


def test_relation_agrees_with_relations() -> None:
    rng = random.Random(7)
    for a, b in rng.sample(list(itertools.product(VALUES, VALUES)), 300):
        table = a.relations(b)
        for name in ALLEN_RELATIONS:
            assert a.relation(b, name) is table[name]


def test_converse() -> None:
    rng = random.Random(11)
    for a, b in rng.sample(list(itertools.product(VALUES, VALUES)), 300):
        forward, backward = a.relations(b), b.relations(a)
        for name in ALLEN_RELATIONS:
            assert forward[name] is backward[INVERSE[name]]


def test_classify_is_jointly_exhaustive_and_pairwise_disjoint() -> None:
    for a1, a2, b1, b2 in itertools.product(range(4), repeat=4):
        if a1 <= a2 and b1 <= b2:
            a = When.between(day(a1), day(a2)) if a1 < a2 else When.on(day(a1))
            b = When.between(day(b1), day(b2)) if b1 < b2 else When.on(day(b1))
            certain = [n for n, c in a.relations(b).items() if c is Certainty.CERTAIN]
            assert certain == [classify(a1, a2, b1, b2)]


# -- the seed article ----------------------------------------------------------------------

REPORTED = date(2026, 2, 26)
CONGRESS = When.parse("2026-02-19/2026-02-26")
PARADE = When.parse("[2026-02-19..2026-02-26]")
CLOSING_DAY = When.parse("2026-02-26")
VISIT = When.parse("later this spring", REPORTED)


def test_the_visit_is_certainly_after_the_congress() -> None:
    assert VISIT.relation(CONGRESS, "after") is Certainty.CERTAIN
    assert CONGRESS.relation(VISIT, "before") is Certainty.CERTAIN
    assert VISIT.relation(CONGRESS, "overlaps") is Certainty.IMPOSSIBLE


def test_the_parade_is_only_possibly_before_the_closing_day() -> None:
    table = PARADE.relations(CLOSING_DAY)
    assert table["before"] is Certainty.POSSIBLE
    assert table["equals"] is Certainty.POSSIBLE
    assert {n for n, c in table.items() if c is not Certainty.IMPOSSIBLE} == {"before", "equals"}


def test_the_parade_is_certainly_within_the_congress() -> None:
    table = PARADE.relations(CONGRESS)
    possible = {n for n, c in table.items() if c is Certainty.POSSIBLE}
    assert possible == {"starts", "during", "finishes"}
    assert PARADE.relation(CONGRESS, ("starts", "during", "finishes")) is Certainty.CERTAIN
    assert PARADE.relation(CONGRESS, "during") is Certainty.POSSIBLE
    assert PARADE.relation(CONGRESS, "after") is Certainty.IMPOSSIBLE


def test_meets_is_the_same_day() -> None:
    banquet = When.parse("2026-02-26/2026-02-28")
    assert CONGRESS.relation(banquet, "meets") is Certainty.CERTAIN
    next_day = When.parse("2026-02-27/2026-02-28")
    assert CONGRESS.relation(next_day, "before") is Certainty.CERTAIN


def test_open_and_unknown_ends() -> None:
    ongoing = When.parse("2026-03/..")
    assert ongoing.relation(CONGRESS, "after") is Certainty.CERTAIN
    assert ongoing.relation(When.parse("2027"), "before") is Certainty.POSSIBLE
    assert ongoing.relation(When.parse("2027"), "contains") is Certainty.POSSIBLE
    assert ongoing.relation(When.parse("2027/2028"), "overlaps") is Certainty.POSSIBLE
    until = When.parse("../2026-01")
    assert until.relation(CONGRESS, "before") is Certainty.CERTAIN


def test_unknown_relation_name() -> None:
    with pytest.raises(ValueError, match="use one of: before, after"):
        CONGRESS.relation(PARADE, "inside")
    with pytest.raises(ValueError, match="unknown Allen relation"):
        CONGRESS.relation(PARADE, ())


def test_datetimes_compare_as_instants() -> None:
    utc = timezone.utc
    morning = When.on(datetime(2026, 2, 26, 9, tzinfo=utc))
    noon = When.on(datetime(2026, 2, 26, 12, tzinfo=utc))
    assert morning.relation(noon, "before") is Certainty.CERTAIN
    seoul = timezone(timedelta(hours=9))
    same = When.on(datetime(2026, 2, 26, 18, tzinfo=seoul))
    assert morning.relation(same, "equals") is Certainty.CERTAIN


def test_a_datetime_against_a_date_uses_its_own_civil_date() -> None:
    # 23:30 on 25 Feb in New York is 26 Feb in UTC, but its civil date is the 25th.
    new_york = timezone(timedelta(hours=-5))
    late = When.on(datetime(2026, 2, 25, 23, 30, tzinfo=new_york))
    assert late.relation(CLOSING_DAY, "before") is Certainty.CERTAIN
    seoul = timezone(timedelta(hours=9))
    early = When.on(datetime(2026, 2, 26, 1, 0, tzinfo=seoul))  # 25 Feb in UTC
    assert early.relation(CLOSING_DAY, "equals") is Certainty.CERTAIN
    assert early.relation(CONGRESS, "finishes") is Certainty.CERTAIN
