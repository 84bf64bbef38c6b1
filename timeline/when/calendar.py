"""Calendar arithmetic on civil dates: the windows of months, seasons, quarters, decades…

Every window is a closed pair ``(first_day, last_day)`` of :class:`datetime.date`. Functions
raise :class:`~timeline.errors.InvalidDateError` only through :func:`checked_date`; the others
assume valid input.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, timedelta

from timeline.errors import InvalidDateError

__all__ = [
    "Window",
    "add_days",
    "add_months",
    "checked_date",
    "civil",
    "month_end",
    "month_window",
    "months_window",
    "week_window",
    "year_window",
]

Window = tuple[date, date]

MIN_YEAR = 1
MAX_YEAR = 9999


def civil(value: date) -> date:
    """The civil date of a date, or of an aware datetime in its own zone."""
    if isinstance(value, datetime):
        return value.date()
    return value


def month_end(year: int, month: int) -> int:
    """The number of days in ``month`` of ``year``."""
    return _calendar.monthrange(year, month)[1]


def checked_date(year: int, month: int, day: int, text: object, part: str | None = None) -> date:
    """``date(year, month, day)``, or :class:`InvalidDateError` naming ``text`` and ``part``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDateError(
            text, f"year {year} is outside the supported range 1..9999", part=part or str(year)
        )
    if not 1 <= month <= 12:
        raise InvalidDateError(text, f"there is no month {month}", part=part or str(month))
    last = month_end(year, month)
    if not 1 <= day <= last:
        raise InvalidDateError(
            text,
            f"day {day} does not exist in {_calendar.month_name[month]} {year} "
            f"(it has {last} days)",
            part=part or str(day),
        )
    return date(year, month, day)


def add_days(value: date, days: int) -> date:
    """``value + days``, clamped to the supported range."""
    try:
        return value + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_months(value: date, months: int) -> date:
    """``value`` moved by ``months`` calendar months (the day clamped to the month's end)."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year < MIN_YEAR:
        return date.min
    if year > MAX_YEAR:
        return date.max
    return date(year, month, min(value.day, month_end(year, month)))


def month_window(year: int, month: int) -> Window:
    """The first and last day of a month."""
    return date(year, month, 1), date(year, month, month_end(year, month))


def months_window(year: int, first_month: int, count: int) -> Window:
    """``count`` months from ``first_month`` of ``year`` (may run into the next year)."""
    start = date(year, first_month, 1)
    last = add_months(start, count - 1)
    return start, date(last.year, last.month, month_end(last.year, last.month))


def year_window(first_year: int, last_year: int | None = None) -> Window:
    """1 January of ``first_year`` to 31 December of ``last_year`` (default: the same year)."""
    last_year = first_year if last_year is None else last_year
    return date(max(first_year, MIN_YEAR), 1, 1), date(min(last_year, MAX_YEAR), 12, 31)


def week_window(value: date) -> Window:
    """The ISO week (Monday to Sunday) containing ``value``."""
    monday = value - timedelta(days=value.weekday())
    return monday, monday + timedelta(days=6)
