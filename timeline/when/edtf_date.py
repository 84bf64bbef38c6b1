"""EDTF single dates: years (with X, S and E), months, sub-year groupings, days, qualifiers,
and date-times with a zone. Used by :mod:`timeline.when.edtf` for intervals and sets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

from timeline.errors import InvalidDateError
from timeline.when.calendar import MAX_YEAR, MIN_YEAR, checked_date, month_end, months_window
from timeline.when.conventions import SEASONS, Conventions
from timeline.when.edtf_write import format_datetime
from timeline.when.endpoint import Endpoint
from timeline.when.enums import Precision

__all__ = ["EdtfDate", "approximate_unit", "parse_date"]


_DIGITS = frozenset("0123456789")


_DIGITS_X = frozenset("0123456789X")


_QUALIFIERS = "?~%"


_Y_YEAR = re.compile(r"Y(-?)([0-9]{1,20})(?:E([0-9]{1,3}))?(?:S([0-9]{1,2}))?")


_PLAIN_YEAR = re.compile(r"(-?)([0-9X]{4})(?:S([0-9]{1,2}))?")


_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?"
)


_GROUPINGS: dict[int, tuple[Precision, int, int]] = {
    **{33 + i: (Precision.QUARTER, 1 + 3 * i, 3) for i in range(4)},
    **{37 + i: (Precision.QUADRIMESTER, 1 + 4 * i, 4) for i in range(3)},
    **{40 + i: (Precision.HALF, 1 + 6 * i, 6) for i in range(2)},
}


_SCALE_PRECISION = {
    0: Precision.YEAR,
    1: Precision.DECADE,
    2: Precision.CENTURY,
    3: Precision.MILLENNIUM,
}


class EdtfDate(NamedTuple):
    lo: date
    hi: date
    precision: Precision
    approximate: bool
    uncertain: bool
    text: str

    def endpoint(self) -> Endpoint:
        return Endpoint(self.lo, self.hi, self.precision, self.approximate, self.uncertain)


def parse_date(source: str, text: str, conventions: Conventions) -> EdtfDate:
    if "T" in source:
        return _parse_datetime(source, text, conventions)
    components = list(_scan(source, text))
    flags = [[False, False] for _ in components]  # per component: approximate, uncertain
    for index, (pre, _body, post) in enumerate(components):
        for mark, targets in ((pre, [index]), (post, range(index + 1))):
            for target in targets:
                flags[target][0] |= mark in "~%" and mark != ""
                flags[target][1] |= mark in "?%" and mark != ""
    bodies = [body for _pre, body, _post in components]
    lo, hi, precision, bodies = _bounds(bodies, source, text, conventions)
    marks = [_mark(a, u) for a, u in flags]
    return EdtfDate(
        lo,
        hi,
        precision,
        any(a for a, _u in flags),
        any(u for _a, u in flags),
        _place(bodies, marks),
    )


def _mark(approximate: bool, uncertain: bool) -> str:
    return "%" if approximate and uncertain else "~" if approximate else "?" if uncertain else ""


def _place(bodies: list[str], marks: list[str]) -> str:
    """Canonical qualifier placement: a shared qualifier at the end, else per component."""
    if all(mark == marks[0] for mark in marks):
        return "-".join(bodies) + marks[0]
    group = 0
    if marks[0]:
        group = 1
        while group < len(marks) and marks[group] == marks[0]:
            group += 1
    out = []
    for index, body in enumerate(bodies):
        if index < group:
            out.append(body + (marks[0] if index == group - 1 else ""))
        else:
            out.append(marks[index] + body)
    return "-".join(out)


def _scan(source: str, text: str) -> Iterator[tuple[str, str, str]]:
    """Split ``source`` into (pre-qualifier, body, post-qualifier) for year, month, day."""
    i, n, count = 0, len(source), 0
    while True:
        pre = ""
        if i < n and source[i] in _QUALIFIERS:
            pre, i = source[i], i + 1
        start = i
        if count == 0:
            if i < n and source[i] in "Y-":
                i += 1
                if source[i - 1] == "Y" and i < n and source[i] == "-":
                    i += 1
            allowed = _DIGITS | {"X", "E", "S"}
            while i < n and source[i] in allowed:
                i += 1
        else:
            while i < n and source[i] in _DIGITS_X:
                i += 1
        body = source[start:i]
        if not body or body in ("-", "Y", "Y-"):
            what = ("year", "month", "day")[count]
            raise InvalidDateError(text, f"expected a {what}", part=source[start:] or source)
        post = ""
        if i < n and source[i] in _QUALIFIERS:
            post, i = source[i], i + 1
        yield pre, body, post
        count += 1
        if i == n:
            return
        if source[i] != "-" or count == 3:
            raise InvalidDateError(text, f"unexpected {source[i:]!r}", part=source[i:])
        i += 1


def _year_range(body: str, source: str, text: str) -> tuple[int, int, Precision, str]:
    """Read a year: ``(first, last, precision, canonical text)``."""
    match = _Y_YEAR.fullmatch(body) or _PLAIN_YEAR.fullmatch(body)
    if match is None:
        raise InvalidDateError(text, "a year is four digits (or 'Y' and more digits)", part=body)
    if body[0] == "Y":
        sign, digits, exponent, significant = match.groups()
        value = int(digits) * 10 ** int(exponent or 0)
        pattern = str(value)
    else:
        sign, pattern, significant = match.groups()
        exponent = None
        if "X" in pattern and significant:
            raise InvalidDateError(text, "a year cannot have both X and S", part=body)
        value = int(pattern.replace("X", "0"))
    if sign:
        value = -value
    count_x = pattern.count("X")
    if count_x:
        first = value
        last = int(pattern.replace("X", "9"))
        precision = [Precision.YEAR, Precision.DECADE, Precision.CENTURY, Precision.MILLENNIUM,
                     Precision.UNKNOWN][count_x]  # fmt: skip
        canonical = pattern
    elif significant:
        scale = max(len(str(abs(value))) - int(significant), 0)
        unit = 10**scale
        first = value // unit * unit
        last = first + unit - 1
        precision = _SCALE_PRECISION.get(scale, Precision.UNKNOWN)
        canonical = f"{value:04d}S{int(significant)}" if scale else f"{value:04d}"
    else:
        first = last = value
        precision = Precision.YEAR
        canonical = f"{value:04d}"
    if first > MAX_YEAR or last < MIN_YEAR:
        raise InvalidDateError(
            text,
            f"year {'-' if sign else ''}{pattern if count_x else abs(value)} is outside the "
            "range Python dates support (years 1 to 9999)",
            part=body,
        )
    return max(first, MIN_YEAR), min(last, MAX_YEAR), precision, canonical


def _matching(first: int, last: int, pattern: str, descending: bool) -> Iterator[int]:
    values = range(last, first - 1, -1) if descending else range(first, last + 1)
    width = len(pattern)
    for value in values:
        digits = f"{value:0{width}d}"
        if all(p in ("X", d) for p, d in zip(pattern, digits, strict=False)):
            yield value


def _bounds(
    bodies: list[str], source: str, text: str, conventions: Conventions
) -> tuple[date, date, Precision, list[str]]:
    first_year, last_year, precision, year_text = _year_range(bodies[0], source, text)
    canonical = [year_text, *bodies[1:]]
    year_pattern = year_text if "X" in year_text else None
    if len(bodies) == 1:
        return date(first_year, 1, 1), date(last_year, 12, 31), precision, canonical
    if "S" in year_text or (bodies[0][0] == "Y" and first_year != last_year):
        raise InvalidDateError(text, "a year with significant digits stands alone", part=source)
    month = bodies[1]
    if len(month) != 2:
        raise InvalidDateError(text, "a month is two digits", part=month)
    if "X" not in month and 13 <= int(month) <= 41:
        code = int(month)
        if code < 21 or len(bodies) == 3 or year_pattern:
            raise InvalidDateError(text, f"there is no month {month}", part=month)
        group_lo, group_hi, sub = _grouping(code, first_year, conventions, text, month)
        return group_lo, group_hi, sub, canonical
    if len(bodies) == 3 and len(bodies[2]) != 2:
        raise InvalidDateError(text, "a day is two digits", part=bodies[2])
    day = bodies[2] if len(bodies) == 3 else "XX"
    if "X" not in month and not 1 <= int(month) <= 12:
        raise InvalidDateError(text, f"there is no month {month}", part=month)
    if year_pattern is None and "X" not in month + day:
        exact = checked_date(first_year, int(month), int(day), text, part=bodies[-1])
        if len(bodies) == 2:
            end = exact.replace(day=month_end(exact.year, exact.month))
            return exact, end, Precision.MONTH, canonical
        return exact, exact, Precision.DAY, canonical
    lo = _extreme(first_year, last_year, year_pattern, month, day, descending=False)
    hi = _extreme(first_year, last_year, year_pattern, month, day, descending=True)
    if lo is None or hi is None:
        raise InvalidDateError(text, "no real date matches this pattern", part=source)
    if year_pattern is None:
        if len(bodies) == 2 or day == "XX":
            precision = Precision.YEAR if month == "XX" else Precision.MONTH
        else:
            precision = Precision.MONTH if day == "XX" else Precision.DAY
            if month == "XX" and day == "XX":
                precision = Precision.YEAR
    return lo, hi, precision, canonical


def _extreme(
    first: int, last: int, year_pattern: str | None, month: str, day: str, descending: bool
) -> date | None:
    years = _matching(first, last, year_pattern or "X" * 4, descending)
    for year in years:
        for m in _matching(1, 12, month, descending):
            for d in _matching(1, month_end(year, m), day, descending):
                return date(year, m, d)
    return None


def _grouping(
    code: int, year: int, conventions: Conventions, text: str, part: str
) -> tuple[date, date, Precision]:
    if code <= 32:
        if code <= 24:
            season, hemisphere = SEASONS[code - 21], conventions.hemisphere
        else:
            season = SEASONS[(code - 25) % 4]
            hemisphere = "north" if code <= 28 else "south"
        lo, hi = Conventions(hemisphere=hemisphere).season_window(season, year)
        if hi.year > MAX_YEAR:  # pragma: no cover - winter 9999
            raise InvalidDateError(text, "this season runs past year 9999", part=part)
        return lo, hi, Precision.SEASON
    precision, first_month, count = _GROUPINGS[code]
    lo, hi = months_window(year, first_month, count)
    return lo, hi, precision


def _parse_datetime(source: str, text: str, conventions: Conventions) -> EdtfDate:
    match = _DATETIME.fullmatch(source)
    if match is None:
        raise InvalidDateError(
            text, "a date and time is YYYY-MM-DDThh:mm:ss with Z or an offset", part=source
        )
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    day_value = checked_date(int(year), int(month), int(day), text, part=source.split("T")[0])
    if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        raise InvalidDateError(text, "no such time of day", part=source.split("T")[1])
    micro = int((fraction or "0").ljust(6, "0"))
    tz = _zone(zone, text) if zone else conventions.zone
    if tz is None:  # a local ("floating") time, valid EDTF: the day it falls on, in any zone
        return EdtfDate(day_value, day_value, Precision.DAY, False, False, source)
    value = datetime(
        day_value.year, day_value.month, day_value.day, int(hour), int(minute),
        int(second or 0), micro, tzinfo=tz,
    )  # fmt: skip
    canonical = format_datetime(value) or source
    return EdtfDate(value, value, Precision.TIME, False, False, canonical)


def _zone(zone: str, text: str) -> timezone:
    if zone == "Z":
        return timezone.utc
    hours, minutes = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
    if hours > 23 or minutes > 59:
        raise InvalidDateError(text, "no such UTC offset", part=zone)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if zone[0] == "-" else offset)


_UNIT_OF_COMPONENT = (Precision.YEAR, Precision.MONTH, Precision.DAY)


@lru_cache(maxsize=1024)
def approximate_unit(source: str) -> Precision | None:
    """The coarsest approximate component of one EDTF date (``~2004-06-11`` -> YEAR).

    ``None`` when no component is approximate or the text is not a plain date.
    """
    if not source or source[0] in "[{" or "T" in source or "." in source:
        return None
    try:
        components = list(_scan(source, source))
    except InvalidDateError:
        return None
    flags = [
        any(mark in ("~", "%") for mark in [pre] + [post for _p, _b, post in components[index:]])
        for index, (pre, _body, _post) in enumerate(components)
    ]
    if all(flags) or not any(flags):
        return None  # the whole date is approximate: padded by its own precision
    return _UNIT_OF_COMPONENT[flags.index(True)]
