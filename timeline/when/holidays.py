"""Holidays by name: fixed dates ("Christmas Eve"), movable ones computed with python-dateutil
("Easter", "Thanksgiving"), and ones on other calendars, which are refused with a clear reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from dateutil.easter import easter
from dateutil.relativedelta import MO, TH, relativedelta, weekday

from timeline.when.enums import Precision
from timeline.when.periods import Context, Period, pick

__all__ = ["HOLIDAY_RE", "holiday"]


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


def _nth(month: int, day: weekday, n: int) -> Callable[[int], date]:
    """The ``n``-th given weekday of ``month`` (``n=-1``: the last one)."""
    if n > 0:
        return lambda year: date(year, month, 1) + relativedelta(weekday=day(n))
    return lambda year: date(year, month, 1) + relativedelta(day=31, weekday=day(-1))


def _easter(offset: int) -> Callable[[int], date]:
    return lambda year: easter(year) + relativedelta(days=offset)


#: US federal and widely reported Western holidays, by every name news uses for them.
_HOLIDAYS: dict[str, Callable[[int], date]] = {
    "christmas": _fixed(12, 25),
    "christmas day": _fixed(12, 25),
    "christmas eve": _fixed(12, 24),
    "boxing day": _fixed(12, 26),
    "new year's day": _fixed(1, 1),
    "new year's eve": _fixed(12, 31),
    "independence day": _fixed(7, 4),
    "the fourth of july": _fixed(7, 4),
    "fourth of july": _fixed(7, 4),
    "july fourth": _fixed(7, 4),
    "halloween": _fixed(10, 31),
    "valentine's day": _fixed(2, 14),
    "veterans day": _fixed(11, 11),
    "st patrick's day": _fixed(3, 17),
    "easter": _easter(0),
    "easter sunday": _easter(0),
    "good friday": _easter(-2),
    "easter monday": _easter(1),
    "thanksgiving": _nth(11, TH, 4),
    "thanksgiving day": _nth(11, TH, 4),
    "memorial day": _nth(5, MO, -1),
    "labor day": _nth(9, MO, 1),
    "martin luther king day": _nth(1, MO, 3),
    "martin luther king jr day": _nth(1, MO, 3),
    "presidents' day": _nth(2, MO, 3),
    "presidents day": _nth(2, MO, 3),
}

#: Holidays of lunar or lunisolar calendars: no well-kept library computes them for us.
_LUNAR = ("ramadan", "eid al-fitr", "eid al-adha", "eid", "hanukkah", "passover", "diwali",
          "rosh hashanah", "yom kippur", "lunar new year", "chinese new year", "tet")  # fmt: skip

HOLIDAY_RE = "|".join(
    re.escape(name) for name in sorted((*_HOLIDAYS, *_LUNAR), key=len, reverse=True)
)
_R_HOLIDAY = re.compile(rf"({HOLIDAY_RE})(?: (?:of )?(\d{{4}}))?")


def holiday(s: str, ctx: Context, default_year: int | None = None) -> Period | None:
    """A holiday by name (normalised text), with or without a year.

    :raises InvalidDateError: for a holiday of a lunar calendar, which is not computed.
    """
    match = _R_HOLIDAY.fullmatch(s)
    if match is None:
        return None
    name, year = match.groups()
    if name in _LUNAR:
        raise ctx.error(
            f"{name} follows a lunar calendar and is not computed; give its dates", part=name
        )
    rule = _HOLIDAYS[name]
    known = int(year) if year is not None else default_year
    if known is not None:
        day = rule(known)
        return Period(day, day, Precision.DAY)
    ref = ctx.ref()
    days = [rule(y) for y in (ref.year - 1, ref.year, ref.year + 1)]
    lo, hi = pick([(d, d) for d in days], ctx)
    return Period(lo, hi, Precision.DAY)
