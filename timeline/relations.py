"""Allen's interval relations between stored events and a given ``When``, compiled to SQL.

The same model as :meth:`When.relation`: each side stands for every concrete interval its four
bounds allow (an instant is a point somewhere in its window, an open or unknown bound is
unbounded, except that a span still going ends no earlier than ``When.ongoing_until``, which the
event's ``end_earliest`` column holds); a relation is *possible* when some pair of readings
satisfies it and *certain* when every pair does. Days are the unit: stored bounds are civil
dates, so two values known to the minute on both ends are compared by day here, where
``When.relation`` compares the instants.

Feasibility is a difference-constraint system over four points (``a1 <= a2``, ``b1 <= b2``,
equalities for instants, the relation's own ``<`` and ``=``): with ``D`` its shortest paths, it is
feasible iff ``lo(j) <= hi(i) + D(i, j)`` for every pair of points. Each such inequality becomes
one NULL-safe comparison of a column with a constant (or with another column), so the whole test
runs in SQL and agrees, reading by reading, with the Python one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, false, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement as _Element
from sqlmodel import col

from .models import Event
from .when import ALLEN_RELATIONS, When
from .when.allen import earliest_end

_INF = float("inf")
_A1, _A2, _B1, _B2 = 0, 1, 2, 3

# (i, j, w): x_j - x_i <= w. "x < y" on days is "x - y <= -1". As in timeline.when.allen.
_LT = {
    "before": [(_A2, _B1)],
    "after": [(_B2, _A1)],
    "starts": [(_A2, _B2)],
    "started_by": [(_B2, _A2)],
    "finishes": [(_B1, _A1)],
    "finished_by": [(_A1, _B1)],
    "meets": [(_A1, _A2), (_B1, _B2)],
    "met_by": [(_B1, _B2), (_A1, _A2)],
    "overlaps": [(_A1, _B1), (_B1, _A2), (_A2, _B2)],
    "overlapped_by": [(_B1, _A1), (_A1, _B2), (_B2, _A2)],
    "during": [(_B1, _A1), (_A2, _B2)],
    "contains": [(_A1, _B1), (_B2, _A2)],
    "equals": [],
}
_EQ = {
    "equals": [(_A1, _B1), (_A2, _B2)],
    "starts": [(_A1, _B1)],
    "started_by": [(_A1, _B1)],
    "finishes": [(_A2, _B2)],
    "finished_by": [(_A2, _B2)],
    "meets": [(_A2, _B1)],
    "met_by": [(_A1, _B2)],
}


def _distances(name: str, a_span: bool, b_span: bool) -> list[list[float]] | None:
    """Shortest paths of the relation's constraint graph; ``None`` if it has a negative cycle."""
    dist = [[0.0 if i == j else _INF for j in range(4)] for i in range(4)]

    def edge(i: int, j: int, w: float) -> None:  # x_j - x_i <= w
        dist[i][j] = min(dist[i][j], w)

    for start, end, span in ((_A1, _A2, a_span), (_B1, _B2, b_span)):
        edge(end, start, 0)  # start <= end
        if not span:
            edge(start, end, 0)  # an instant: end <= start
    for x, y in _LT[name]:  # x < y: x - y <= -1
        edge(y, x, -1)
    for x, y in _EQ.get(name, []):
        edge(y, x, 0)
        edge(x, y, 0)
    for k in range(4):
        for i in range(4):
            for j in range(4):
                if dist[i][k] + dist[k][j] < dist[i][j]:
                    dist[i][j] = dist[i][k] + dist[k][j]
    if any(dist[i][i] < 0 for i in range(4)):
        return None
    return dist


class _PlusDays(_Element[date]):
    """``column + n days`` on a date column, per backend."""

    inherit_cache = False
    type = Date()

    def __init__(self, column: Any, days: int) -> None:
        self.column = column
        self.days = days


@compiles(_PlusDays)
def _plus_days_default(element: _PlusDays, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.column, **kw)} + {int(element.days)})"


@compiles(_PlusDays, "sqlite")
def _plus_days_sqlite(element: _PlusDays, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.column, **kw)}, '{int(element.days):+d} days')"


Bound = Any  # a column (NULL = unbounded), a date, or None (unbounded)


def _civil(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _other_bounds(other: When) -> list[tuple[date | None, date | None]]:
    bounds = [_civil(v) for v in (other.start_earliest, other.start_latest)]
    ends = [_civil(v) for v in (earliest_end(other), other.end_latest)]
    if other.span and bounds[0] is not None and ends[1] is not None and ends[1] < bounds[0]:
        ends = [bounds[0], bounds[0]]  # civil dates of zoned datetimes can reverse
    return [(bounds[0], bounds[1]), (ends[0], ends[1])]


def _at_most(low: Bound, high: Bound, slack: float) -> ColumnElement[bool] | bool:
    """NULL-safe SQL (or a constant) for ``low <= high + slack`` (``None``/NULL: unbounded)."""
    if low is None or high is None:
        return True
    if isinstance(low, date) and isinstance(high, date):
        return low.toordinal() <= high.toordinal() + slack
    days = int(slack)
    if isinstance(high, date):  # column <= constant
        return or_(low.is_(None), low <= high + timedelta(days=days))
    if isinstance(low, date):  # constant <= column + slack
        return or_(high.is_(None), high >= low - timedelta(days=days))
    right = high if days == 0 else _PlusDays(high, days)
    return or_(low.is_(None), high.is_(None), low <= right)


def _feasible(name: str, a_span: bool, other: When) -> ColumnElement[bool]:
    dist = _distances(name, a_span, other.span)
    if dist is None:
        return false()
    b = _other_bounds(other)
    columns = [
        (col(Event.start_earliest), col(Event.start_latest)),
        (col(Event.end_earliest), col(Event.end_latest)),
    ]
    domains: list[tuple[Bound, Bound]] = [*columns, *b]
    terms: list[ColumnElement[bool]] = []
    for i in range(4):
        for j in range(4):
            if i == j or dist[i][j] == _INF:
                continue
            term = _at_most(domains[j][0], domains[i][1], dist[i][j])
            if term is False:
                return false()
            if term is not True:
                terms.append(term)
    return and_(true(), *terms)


def _possible(name: str, other: When) -> ColumnElement[bool]:
    return or_(
        and_(col(Event.span).is_(True), _feasible(name, True, other)),
        and_(col(Event.span).is_(False), _feasible(name, False, other)),
    )


def relation_names(name: str | Iterable[str]) -> set[str]:
    """The Allen relation names in ``name`` (one or several), checked."""
    names = {name} if isinstance(name, str) else set(name)
    unknown = sorted(names - set(ALLEN_RELATIONS))
    if unknown or not names:
        raise ValueError(
            f"unknown Allen relation {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"use one of: {', '.join(ALLEN_RELATIONS)}"
        )
    return names


def allen(name: str | Iterable[str], other: When, *, certain: bool) -> ColumnElement[bool]:
    """SQL: the event stands (possibly, or with ``certain`` certainly) in ``name`` to ``other``.

    Several names mean their disjunction, as in :meth:`When.relation`.
    """
    wanted = relation_names(name)
    condition = or_(*(_possible(n, other) for n in sorted(wanted)))
    if certain:
        others = [_possible(n, other) for n in ALLEN_RELATIONS if n not in wanted]
        condition = and_(condition, *(~o for o in others))
    return condition
