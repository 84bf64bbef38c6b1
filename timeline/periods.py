"""Counting events per calendar period: ``tl.events().between("2026", "2026").count_by("month")``.

**The counting rule.** Each matching event is counted once, in the period that holds its
*earliest possible start* (``start_earliest``): "2026-02-26" in February, "February 2026" in
February, "2026" (some day that year) in January, a span by the day it may first have begun.
Events whose start is open or unknown have no such day and are left out of the counts (they
still count in :meth:`~timeline.EventQuery.count`). Weeks start on Monday (ISO 8601); quarters
on 1 January, April, July and October. Only periods with at least one event are returned.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import TIMESTAMP, ColumnElement, Date, Integer, cast, func, literal_column
from sqlmodel import col

from .errors import InvalidEventError
from .models import Event

Period = Literal["day", "week", "month", "quarter", "year"]
PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")


def check_period(period: str) -> str:
    """``period`` if it is one of :data:`PERIODS`, else :class:`InvalidEventError`."""
    if period not in PERIODS:
        raise InvalidEventError(
            f"period must be one of {', '.join(PERIODS)}, not {period!r}",
            field="period",
            value=period,
        )
    return period


def period_start(period: str, dialect: str, day: Any = None) -> ColumnElement[Any]:
    """SQL: the first day of the ``period`` holding ``day`` (by default the earliest start)."""
    day = col(Event.start_earliest) if day is None else day
    if dialect != "sqlite":
        # On a timestamp without time zone: no session time zone to convert through.
        moment = cast(day, TIMESTAMP(timezone=False))
        return cast(func.date_trunc(literal_column(f"'{check_period(period)}'"), moment), Date)
    if period == "day":
        same: ColumnElement[Any] = day
        return same
    if period == "month":
        return func.strftime("%Y-%m-01", day)
    if period == "year":
        return func.strftime("%Y-01-01", day)
    if period == "quarter":
        month = cast(func.strftime("%m", day), Integer)
        first = ((month - 1) // 3) * 3 + 1
        return func.printf("%s-%02d-01", func.strftime("%Y", day), first)
    if period == "week":
        back = (cast(func.strftime("%w", day), Integer) + 6) % 7
        return func.date(day, func.printf("-%d days", back))
    raise AssertionError(check_period(period))


def period_prefix(period: str, dialect: str) -> tuple[ColumnElement[Any], Any]:
    """SQL: a cheap key of the earliest start to group many rows by, and ``expand``.

    ``expand(key)`` turns a grouped key back into a day that :func:`period_start` takes, so a
    count groups each row by the key and only the few groups by their period. On SQLite,
    where a date is its ISO text, the key of a month or quarter is the ``YYYY-MM`` prefix
    and of a year ``YYYY`` (a string function per row costs more than the scan itself).
    """
    day: Any = col(Event.start_earliest)
    if dialect != "sqlite":
        return period_start(period, dialect), lambda key: key
    width, suffix = {"month": (7, "-01"), "quarter": (7, "-01"), "year": (4, "-01-01")}.get(
        period, (0, "")
    )
    if not width:
        return day, lambda key: key
    # Literal arguments: the GROUP BY must be the very expression of the select list.
    prefix = func.substr(day, literal_column("1"), literal_column(str(width)))
    return prefix, lambda key: key.concat(literal_column(f"'{suffix}'"))


def as_day(value: Any) -> date:
    """A period start as returned by the driver (a ``date`` or an ISO string) as a ``date``."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
