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

from sqlalchemy import ColumnElement, Date, Integer, cast, func, literal_column
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


def period_start(period: str, dialect: str) -> ColumnElement[Any]:
    """SQL: the first day of the ``period`` holding each event's earliest possible start."""
    day: Any = col(Event.start_earliest)
    if dialect != "sqlite":
        return cast(func.date_trunc(literal_column(f"'{check_period(period)}'"), day), Date)
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


def as_day(value: Any) -> date:
    """A period start as returned by the driver (a ``date`` or an ISO string) as a ``date``."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
