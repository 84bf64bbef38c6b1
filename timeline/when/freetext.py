"""Normalising text, and absolute dates in words read with python-dateutil.

dateutil fills any field missing from the text from a default (today, unless told otherwise);
here it is run with two different defaults, and a field is kept only when both runs agree, so
nothing is ever filled in silently. Seasons and other words dateutil does not know never get
this far: they are read by :mod:`timeline.when.periods` first.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as dateutil_parser

from timeline.when.calendar import month_window
from timeline.when.endpoint import Endpoint
from timeline.when.enums import Precision
from timeline.when.periods import Context, nearest_month, period
from timeline.when.words import MONTH_RE, MONTHS, WEEKDAY_RE

__all__ = ["absolute_text", "normalise"]


_DASHES = str.maketrans(dict.fromkeys("\u2013\u2014\u2015\u2212", " \u2013 "))


_R_ORDINAL_SUFFIX = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


def normalise(text: str) -> str:
    """Lower case, plain quotes and dashes, no commas or abbreviation dots, single spaces."""
    s = text.lower().translate(_DASHES).replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"(?<=[a-z])\.", " ", s)
    if "[" not in s and "{" not in s:
        s = s.replace(",", " ")
    s = _R_ORDINAL_SUFFIX.sub(r"\1", s)
    s = " ".join(s.split())
    return s.rstrip(".!;:")


_DATEUTIL_OK = re.compile(r"[\w\s,./:+-]*")


_HAS_MONTH = re.compile(rf"\b{MONTH_RE}\b")


def absolute_text(text: str, ctx: Context) -> Endpoint | None:
    """An absolute date in words via python-dateutil; every field must come from the text."""
    s = normalise(text)
    if not _HAS_MONTH.search(s) or not any(c.isdigit() for c in s):
        return None
    s = re.sub(rf"\b{WEEKDAY_RE}\b", " ", s)
    try:
        first = dateutil_parser.parse(s, default=datetime(1, 1, 1, 0, 0))
        second = dateutil_parser.parse(s, default=datetime(2, 2, 2, 1, 1))
    except (ValueError, OverflowError, TypeError, LookupError, ArithmeticError):
        return None
    has_year = first.year == second.year
    has_month = first.month == second.month
    has_day = first.day == second.day
    has_time = first.hour == second.hour and first.minute == second.minute
    if not has_month:
        return None
    if has_time:
        raise ctx.error("a time in words is not read; write it as ISO 8601 with a zone")
    year = first.year if has_year else None
    if not has_day:
        y = year if year is not None else _nearest(first.month, ctx)
        return Endpoint(*month_window(y, first.month), Precision.MONTH)
    if year is None:
        p = period(f"{first.day} {list(MONTHS)[list(MONTHS.values()).index(first.month)]}", ctx)
        assert p is not None
        return Endpoint(p.lo, p.hi, p.precision)
    day = date(first.year, first.month, first.day)
    return Endpoint(day, day, Precision.DAY)


def _nearest(month: int, ctx: Context) -> int:
    return nearest_month(month, ctx, None)
