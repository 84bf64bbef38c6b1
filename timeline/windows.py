"""Index-backed window conditions on the columns of any table that stores a ``When``.

The event table and a host's :func:`~timeline.embed.FuzzyDate` columns share them: ``columns``
is anything with the attributes ``span_class``, ``search_start``, ``search_end``,
``start_earliest``, ``start_latest``, ``end_earliest`` and ``end_latest`` (a table's ``.c``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, func, literal_column, or_

from .errors import InvalidEventError
from .models import MIN_DAY, SPAN_CLASS_LIMITS


def shift(day: date, days: int) -> date:
    """``day`` less ``days`` days (``0001-01-01`` on underflow)."""
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return MIN_DAY


def span_class_ranges(
    columns: Any, first: Any, last: Any, lows: list[Any]
) -> list[ColumnElement[bool]]:
    """SQL: the hull meets ``[first, last]``, as one disjoint index range per span class.

    ``first`` and ``last`` are the window's bound days, ``lows[c]`` is ``first`` less the
    longest hull of class ``c``: a hull of that class starts in ``[lows[c], last]``, a bounded
    range scan of the window index instead of a walk over every earlier start.
    """
    start, end = columns.search_start, columns.search_end
    # The class is inline SQL: a generic PostgreSQL plan then still knows which class it reads.
    bucket = [columns.span_class == literal_column(str(c), Integer) for c in range(len(lows) + 1)]
    branches = [
        and_(bucket[c], start >= low, start <= last, end >= first) for c, low in enumerate(lows)
    ]
    branches.append(and_(bucket[-1], start <= last, end >= first))
    return branches


def certain(columns: Any, first: Any, last: Any) -> ColumnElement[bool]:
    """SQL, beyond the hull overlap: every reading of the strict bounds overlaps the window.

    The latest possible start is on or before ``last`` and the earliest possible end on or after
    ``first``: for a span still going (an open end) the stored ``end_earliest`` is the day it
    was said to be going (:attr:`When.ongoing_until`); for an unknown end, which may have come
    right after the start, the earliest start stands in. For an instant, whose end is its
    start, this means its whole window lies inside.
    """
    return and_(
        func.coalesce(columns.start_latest, columns.end_latest) <= last,
        func.coalesce(columns.end_earliest, columns.start_earliest) >= first,
    )


def within(columns: Any, first: Any, last: Any) -> ColumnElement[bool]:
    """SQL, beyond the hull overlap: every reading lies inside the window (open ends never do)."""
    return and_(columns.start_earliest >= first, columns.end_latest <= last)


def residual(columns: Any, test: str, first: Any, last: Any) -> ColumnElement[bool] | None:
    """What window ``test`` adds to the hull overlap (``None`` for ``possible``)."""
    if test == "possible":
        return None
    return (certain if test == "certain" else within)(columns, first, last)


def window(columns: Any, test: str, first: Any, last: Any, lows: list[Any]) -> ColumnElement[bool]:
    """SQL: the window ``test`` on ``[first, last]`` (``lows`` as in :func:`span_class_ranges`)."""
    ranges = or_(*span_class_ranges(columns, first, last, lows))
    rest = residual(columns, test, first, last)
    return ranges if rest is None else and_(ranges, rest)


def lows(first: date) -> list[date]:
    """``first`` less the longest hull of each bounded span class."""
    return [shift(first, limit) for limit in SPAN_CLASS_LIMITS]


def check_certainty(certainty: Any) -> None:
    """Refuse a certainty other than ``"possible"`` or ``"certain"``."""
    if certainty not in ("possible", "certain"):
        raise InvalidEventError(
            f"certainty must be 'possible' or 'certain', not {certainty!r}",
            field="certainty",
            value=certainty,
        )
