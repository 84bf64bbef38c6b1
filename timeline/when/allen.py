"""Allen's thirteen interval relations between fuzzy values, with a certainty.

Each :class:`~timeline.when.When` stands for the set of concrete intervals ``[s, e]`` its bounds
allow (an instant: ``s == e`` somewhere in its window; an open or unknown side: unbounded, but an
open end of a span, "still going", comes no earlier than ``When.ongoing_until``). A
relation is CERTAIN when it holds for every pair of readings, IMPOSSIBLE when it holds for none,
POSSIBLE otherwise.

Granularity: two values whose bounds are all datetimes are compared as instants (to the
microsecond). Otherwise every bound is taken as its civil date (a datetime in its own zone) and
a date is a single point on the day line, so an instant on 26 Feb is the point 26 Feb: it is
*before* anything starting on 27 Feb and *meets* nothing; a span ending on 26 Feb *meets* a span
starting on 26 Feb. An instant at the first (last) point of a span *starts* (*finishes*) it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from timeline.when.calendar import civil
from timeline.when.enums import ALLEN_RELATIONS, Certainty

if TYPE_CHECKING:
    from timeline.when.value import When

__all__ = ["classify", "earliest_end", "relation", "relations"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_INF = float("inf")

# Variables: 0 = the origin, 1 = a.start, 2 = a.end, 3 = b.start, 4 = b.end.
# A constraint (i, j, w) says x_j - x_i <= w; "<" on integers is "<= -1".
_A1, _A2, _B1, _B2 = 1, 2, 3, 4


def _lt(x: int, y: int) -> list[tuple[int, int, int]]:
    return [(y, x, -1)]  # x - y <= -1


def _eq(x: int, y: int) -> list[tuple[int, int, int]]:
    return [(y, x, 0), (x, y, 0)]


_CONSTRAINTS: dict[str, list[tuple[int, int, int]]] = {
    "before": _lt(_A2, _B1),
    "after": _lt(_B2, _A1),
    "equals": _eq(_A1, _B1) + _eq(_A2, _B2),
    "starts": _eq(_A1, _B1) + _lt(_A2, _B2),
    "started_by": _eq(_A1, _B1) + _lt(_B2, _A2),
    "finishes": _eq(_A2, _B2) + _lt(_B1, _A1),
    "finished_by": _eq(_A2, _B2) + _lt(_A1, _B1),
    "meets": _eq(_A2, _B1) + _lt(_A1, _A2) + _lt(_B1, _B2),
    "met_by": _eq(_A1, _B2) + _lt(_B1, _B2) + _lt(_A1, _A2),
    "overlaps": _lt(_A1, _B1) + _lt(_B1, _A2) + _lt(_A2, _B2),
    "overlapped_by": _lt(_B1, _A1) + _lt(_A1, _B2) + _lt(_B2, _A2),
    "during": _lt(_B1, _A1) + _lt(_A2, _B2),
    "contains": _lt(_A1, _B1) + _lt(_B2, _A2),
}


def classify(a1: int, a2: int, b1: int, b2: int) -> str:
    """The relation between concrete intervals ``[a1, a2]`` and ``[b1, b2]`` (points allowed)."""
    if a2 < b1:
        return "before"
    if b2 < a1:
        return "after"
    if a1 == b1:
        return "equals" if a2 == b2 else "starts" if a2 < b2 else "started_by"
    if a2 == b2:
        return "finishes" if a1 > b1 else "finished_by"
    if a2 == b1:
        return "meets"
    if a1 == b2:
        return "met_by"
    if a1 < b1:
        return "overlaps" if a2 < b2 else "contains"
    return "during" if a2 < b2 else "overlapped_by"


def _number(value: date, exact: bool) -> int:
    if exact:
        assert isinstance(value, datetime)
        return (value - _EPOCH) // timedelta(microseconds=1)
    return civil(value).toordinal()


def _domains(when: When, exact: bool) -> tuple[list[float | int], bool]:
    """``[start_lo, start_hi, end_lo, end_hi]`` as numbers (±inf when unbounded)."""
    bounds = (when.start_earliest, when.start_latest, earliest_end(when), when.end_latest)
    numbers: list[float | int] = [
        (-_INF if i % 2 == 0 else _INF) if value is None else _number(value, exact)
        for i, value in enumerate(bounds)
    ]
    # Civil dates of datetimes in different zones can reverse; keep the end after the start.
    if not exact and when.span and numbers[3] < numbers[0]:
        numbers[2] = numbers[3] = numbers[0]
    return numbers, when.span


def earliest_end(when: When) -> date | None:
    """The earliest possible end: an open end ("still going") lasted at least until it was said."""
    return when.end_earliest if when.end_earliest is not None else when.ongoing_until


def _feasible(
    a: tuple[list[float | int], bool], b: tuple[list[float | int], bool], name: str
) -> bool:
    edges: list[tuple[int, int, float | int]] = []
    for (var_s, var_e), (nums, span) in (((_A1, _A2), a), ((_B1, _B2), b)):
        for var, lo, hi in ((var_s, nums[0], nums[1]), (var_e, nums[2], nums[3])):
            if hi != _INF:
                edges.append((0, var, hi))
            if lo != -_INF:
                edges.append((var, 0, -lo))
        edges.append((var_e, var_s, 0))  # start <= end
        if not span:
            edges.append((var_s, var_e, 0))  # an instant: start == end
    edges.extend(_CONSTRAINTS[name])
    # Bellman-Ford from a virtual source connected to every node: a negative cycle = infeasible.
    dist: list[float | int] = [0] * 5
    for _ in range(6):
        changed = False
        for i, j, w in edges:
            if dist[i] + w < dist[j]:
                dist[j] = dist[i] + w
                changed = True
        if not changed:
            return True
    return False


def _prepare(a: When, b: When) -> tuple[tuple[list[float | int], bool], ...]:
    bounds = [
        v
        for w in (a, b)
        for v in (w.start_earliest, w.start_latest, earliest_end(w), w.end_latest)
        if v is not None
    ]
    exact = bool(bounds) and all(isinstance(v, datetime) for v in bounds)
    return _domains(a, exact), _domains(b, exact)


def _names(name: str | Iterable[str]) -> set[str]:
    names = {name} if isinstance(name, str) else set(name)
    unknown = sorted(names - set(ALLEN_RELATIONS))
    if unknown or not names:
        raise ValueError(
            f"unknown Allen relation {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"use one of: {', '.join(ALLEN_RELATIONS)}"
        )
    return names


def relation(a: When, b: When, name: str | Iterable[str]) -> Certainty:
    """The certainty that ``a`` stands in relation ``name`` (or any of several) to ``b``."""
    wanted = _names(name)
    da, db = _prepare(a, b)
    if not any(_feasible(da, db, n) for n in wanted):
        return Certainty.IMPOSSIBLE
    others = (n for n in ALLEN_RELATIONS if n not in wanted)
    if any(_feasible(da, db, n) for n in others):
        return Certainty.POSSIBLE
    return Certainty.CERTAIN


def relations(a: When, b: When) -> dict[str, Certainty]:
    """Each of the 13 relations of ``a`` to ``b`` with its certainty."""
    da, db = _prepare(a, b)
    possible = {n: _feasible(da, db, n) for n in ALLEN_RELATIONS}
    count = sum(possible.values())
    return {
        n: (Certainty.IMPOSSIBLE if not ok else Certainty.CERTAIN if count == 1 else
            Certainty.POSSIBLE)
        for n, ok in possible.items()
    }  # fmt: skip
