"""Dates in words, and phrases relative to a reference date ("later this spring", "last week").

:func:`parse_phrase` normalises the text (case, punctuation, dashes), takes off qualifiers
("around" → approximate, "possibly" → uncertain) and filler ("sometime in", "as early as"), then
reads ranges, modifiers ("early", "later this", "by the end of"), counts ("three weeks ago") and
calendar periods (:mod:`timeline.when.periods`). Absolute dates it does not know are handed to
python-dateutil, but only when every field of the date is present in the text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from timeline.errors import InvalidDateError
from timeline.when.calendar import (
    add_days,
    add_months,
    checked_date,
    civil,
    month_window,
    week_window,
)
from timeline.when.conventions import Conventions
from timeline.when.counts import count
from timeline.when.edtf import looks_like_edtf, parse_edtf
from timeline.when.enums import PRECISION_RANK, EndState, Precision
from timeline.when.freetext import absolute_text, normalise
from timeline.when.periods import Context, Direction, Period, period
from timeline.when.value import Endpoint, When
from timeline.when.words import MONTH_RE, MONTHS, WEEKDAY_RE, WEEKDAYS

__all__ = ["DAY_PARTS", "parse_phrase"]

_APPROXIMATE = ("approximately", "approx", "around", "about", "circa", "roughly", "ca", "c",
                "some time around", "sometime around", "near")  # fmt: skip
_UNCERTAIN = ("possibly", "perhaps", "probably", "maybe", "likely", "reportedly")
_R_QUALIFIER = re.compile(
    "(" + "|".join(sorted(map(re.escape, _APPROXIMATE + _UNCERTAIN), key=len, reverse=True)) + ") "
)
_FILLERS = (
    "sometime during", "sometime in", "some time in", "sometime", "some time", "as early as",
    "as soon as", "as late as", "expected", "scheduled for", "slated for", "planned for",
    "set for", "due", "in", "on", "at", "during", "over", "of", "from",
)  # fmt: skip

_R_PART = re.compile(r"(early|mid|late)[- ](.+)")
_R_EDGE = re.compile(r"(?:the )?(beginning|start|end|middle|turn) of (.+)")
_R_MOST = re.compile(r"(?:most|much|all|part) of (.+)")
_R_THIS_UNIT = re.compile(r"(?:the|this) (week|month|year|decade)")
_R_LATER = re.compile(r"(earlier|later) (?:this |in (?:the )?|on |)(.+)")
_R_BY = re.compile(r"(?:by|no later than|not later than|before the end of|until the end of) (.+)")
_R_BEFORE = re.compile(r"(?:before|prior to|ahead of) (.+)")
_R_AFTER = re.compile(r"(after|no earlier than|not before|not earlier than) (.+)")
_R_SINCE = re.compile(r"(since|until|till|til|through|from|starting|beginning|starting in|"
                      r"starting on|beginning in) (.+)")  # fmt: skip
_R_BETWEEN = re.compile(r"between (.+?) and (.+)")
_R_WEEK_OF = re.compile(r"(?:the )?week (?:of|starting|beginning) (.+)")
_R_DAY_RANGE = re.compile(rf"(\d{{1,2}}) ?(?:-|\u2013|to) ?(\d{{1,2}}) ({MONTH_RE})(?: (\d{{4}}))?")
_R_MONTH_DAY_RANGE = re.compile(
    rf"({MONTH_RE}) (\d{{1,2}}) ?(?:-|\u2013|to) ?(\d{{1,2}})(?: (\d{{4}}))?"
)
_R_RANGE = re.compile(r"(.+?) (?:\u2013|-|to|until|till|through|thru) (.+)")
_R_WEEKDAY_PREFIX = re.compile(rf"({WEEKDAY_RE}) (.+)")


#: The hours ``[first, last)`` of the parts of a day: "tonight" is the evening, not the day.
DAY_PARTS = {
    "morning": (6, 12),
    "afternoon": (12, 18),
    "evening": (18, 24),
    "night": (18, 24),
    "tonight": (18, 24),
}
_R_DAY_PART = re.compile(
    rf"(?:(?:early|late|on|in|at|during|the|this|last|next|coming|past|yesterday|tomorrow|"
    rf"{WEEKDAY_RE}) )*(tonight|morning|afternoon|evening|night)"
)


class _Result(NamedTuple):
    start: Endpoint
    end: Endpoint | None  # None: an instant whose window is ``start``


def parse_phrase(
    text: str, reference: date | None, conventions: Conventions, direction: Direction = "nearest"
) -> When | None:
    """Read ``text`` as a date in words or a phrase relative to ``reference``.

    :returns: the value, or ``None`` when the text is not a phrase this module knows.
    :raises InvalidDateError: when it is one but cannot be resolved (no reference, no such day).
    """
    ctx = Context(text, reference, conventions, direction=direction)
    s = normalise(text)
    approximate = uncertain = False
    if s.endswith("?"):
        uncertain, s = True, s[:-1].rstrip()
    while True:
        if qualifier := _R_QUALIFIER.match(s):
            s = s[qualifier.end() :]
            if qualifier.group(1) in _APPROXIMATE:
                approximate = True
            else:
                uncertain = True
        elif s.endswith(" or so") or s.endswith("-ish"):
            approximate, s = True, s.rsplit(" or so", 1)[0].removesuffix("-ish")
        else:
            break
    result = _with_fillers(s, ctx)
    if result is None:
        found = absolute_text(text, ctx)
        result = None if found is None else _Result(found, None)
    if result is None:
        return None
    start, end = result
    if end is None:
        start = _part_of_day(s, start, conventions)
    start = start._replace(approximate=start.approximate or approximate,
                           uncertain=start.uncertain or uncertain)  # fmt: skip
    if end is not None:
        end = end._replace(approximate=end.approximate or approximate,
                           uncertain=end.uncertain or uncertain)  # fmt: skip
    used = reference if ctx.used_reference else None
    when = When.build(start, end, span=end is not None, text=text)
    from timeline.when.parsing import finish

    return finish(when, text, used, conventions)


def _part_of_day(s: str, day: Endpoint, conventions: Conventions) -> Endpoint:
    """ "tonight", "this morning", "Monday evening": the hours of :data:`DAY_PARTS` in
    ``Conventions.default_tz``; the whole day when no zone is set (a floating local time, like
    EDTF's ``2026-02-26T20:00``)."""
    match = _R_DAY_PART.fullmatch(s)
    zone = conventions.zone
    if match is None or zone is None or day.lo is None or isinstance(day.lo, datetime):
        return day
    if day.lo != day.hi:
        return day
    first, last = DAY_PARTS[match.group(1)]
    lo = datetime.combine(day.lo, time(first), zone)
    hi = datetime.combine(day.lo, time(last - 1, 59, 59), zone)
    return day._replace(lo=lo, hi=hi, precision=Precision.TIME)


def _with_fillers(s: str, ctx: Context) -> _Result | None:
    for _ in range(8):
        result = _resolve(s, ctx)
        if result is not None:
            return result
        for filler in _FILLERS:
            if s.startswith(filler + " "):
                s = s[len(filler) + 1 :]
                break
        else:
            return None
    return None


def _point(p: Period) -> Endpoint:
    return Endpoint(p.lo, p.hi, p.precision)


def _instant(lo: date | None, hi: date | None, precision: Precision) -> _Result:
    return _Result(Endpoint(lo, hi, precision, state=EndState.OPEN), None)


def _resolve(s: str, ctx: Context) -> _Result | None:
    """Read a whole (normalised, qualifier-free) phrase."""
    if looks_like_edtf(s.upper()) and any(c.isdigit() for c in s):
        try:
            parsed = parse_edtf(s.upper(), ctx.conventions)
        except InvalidDateError:
            parsed = None
        if parsed is not None:
            return _Result(parsed.start_endpoint(), parsed.end_endpoint() if parsed.span else None)
    if match := _R_BETWEEN.fullmatch(s):
        pair = _pair(match.group(1), match.group(2), ctx)
        if pair is not None:
            return _instant(pair[0].lo, pair[1].hi, _coarsest(*pair))
    if match := _R_SINCE.fullmatch(s):
        p = _period(match.group(2), ctx)
        if p is not None:
            word = match.group(1)
            if word == "since":
                return _Result(_point(p), Endpoint(None, None, Precision.UNKNOWN,
                                                   state=EndState.OPEN))  # fmt: skip
            if word in ("until", "till", "til", "through"):
                unknown = Endpoint(None, None, Precision.UNKNOWN, state=EndState.UNKNOWN)
                return _Result(unknown, _point(p))
            return _Result(_point(p), Endpoint(None, None, Precision.UNKNOWN,
                                               state=EndState.UNKNOWN))  # fmt: skip
    if match := _R_BY.fullmatch(s):
        p = _period(match.group(1), ctx)
        if p is not None:
            return _by(p, ctx)
    if match := _R_AFTER.fullmatch(s):
        p = _period(match.group(2), ctx)
        if p is not None:
            lo = p.lo if match.group(1) != "after" else add_days(p.hi, 1)
            return _instant(lo, None, p.precision)
    if match := _R_BEFORE.fullmatch(s):
        p = _period(match.group(1), ctx)
        if p is not None:
            hi = add_days(p.lo, -1)
            if ctx.reference is not None and ctx.ref() <= hi:
                return _instant(ctx.ref(), hi, p.precision)
            ctx.used_reference = False
            return _instant(None, hi, p.precision)
    ranged = _range(s, ctx)
    if ranged is not None:
        return ranged
    p = _period(s, ctx)
    return None if p is None else _Result(_point(p), None)


def _coarsest(*periods: Period) -> Precision:
    return max((p.precision for p in periods), key=PRECISION_RANK.__getitem__)


def _by(p: Period, ctx: Context) -> _Result:
    if ctx.reference is None:
        return _instant(None, p.hi, p.precision)
    ref = ctx.ref()
    if ref > p.hi:
        raise ctx.error(f"{p.hi.isoformat()} is already past on the reference date {ref}")
    return _instant(ref, p.hi, p.precision)


def _pair(left: str, right: str, ctx: Context) -> tuple[Period, Period] | None:
    """Two ends of a range; the left borrows the year (and month) of the right when it has none."""
    b = _period(right, ctx)
    if b is None:
        return None
    if left.isdigit() and len(left) <= 2:
        if b.precision is not Precision.DAY:
            return None
        day = checked_date(b.lo.year, b.lo.month, int(left), ctx.text, part=left)
        a: Period | None = Period(day, day, Precision.DAY)
    else:
        a = _period(left, ctx, default_year=b.lo.year) if not _has_year(left) else None
        if a is None:
            a = _period(left, ctx)
        if a is None:
            return None
        if a.lo > b.hi and not _has_year(left) and a.lo.month > b.hi.month:
            a = _period(left, ctx, default_year=b.lo.year - 1) or a
    if a is None:
        return None
    if a.lo > b.hi:
        raise ctx.error("the range ends before it starts", part=right)
    return a, b


def _has_year(s: str) -> bool:
    return re.search(r"\d{4}", s) is not None


def _range(s: str, ctx: Context) -> _Result | None:
    if match := _R_DAY_RANGE.fullmatch(s):
        first, last, name, year = match.groups()
        b = _period(f"{last} {name}" + (f" {year}" if year else ""), ctx)
        assert b is not None
        a_day = checked_date(b.lo.year, MONTHS[name], int(first), ctx.text, part=first)
        if a_day > b.lo:
            raise ctx.error("the range ends before it starts", part=match.group(0))
        return _Result(Endpoint(a_day, a_day, Precision.DAY), _point(b))
    if match := _R_MONTH_DAY_RANGE.fullmatch(s):
        name, first, last, year = match.groups()
        return _range(f"{first}-{last} {name}" + (f" {year}" if year else ""), ctx)
    if match := _R_RANGE.fullmatch(s):
        pair = _pair(match.group(1), match.group(2), ctx)
        if pair is not None:
            return _Result(_point(pair[0]), _point(pair[1]))
    return None


def _period(s: str, ctx: Context, default_year: int | None = None) -> Period | None:
    """A calendar period, possibly with a modifier ("early", "later this", "the end of")."""
    s = s.strip()
    if s.startswith("the ") and not s.startswith("the end") and not s.startswith("the start"):
        inner = s[4:]
    else:
        inner = s
    if match := _R_WEEKDAY_PREFIX.fullmatch(inner):
        rest = period(match.group(2), ctx, default_year)
        if rest is not None and rest.precision is Precision.DAY and rest.lo == rest.hi:
            if rest.lo.weekday() != WEEKDAYS[match.group(1)]:
                raise ctx.error(
                    f"{rest.lo.isoformat()} is a {rest.lo:%A}, not a {match.group(1)}",
                    part=match.group(1),
                )
            return rest
    if match := _R_PART.fullmatch(inner):
        base = _period(match.group(2), ctx, default_year)
        if base is not None and base.precision is Precision.DAY:
            return base  # "early Monday": a part of a day is that day
        if base is not None:
            part = ("early", "mid", "late").index(match.group(1))
            lo, hi = ctx.conventions.third((base.lo, base.hi), base.precision, part)
            return Period(lo, hi, base.precision)
    if match := _R_MOST.fullmatch(s):  # "much of last year": some of that year
        return _period(match.group(1), ctx, default_year)
    if match := _R_EDGE.fullmatch(s):
        base = _period(match.group(2), ctx, default_year)
        if base is not None:
            edge = _edge(match.group(1), base, ctx)
            shift = _R_THIS_UNIT.fullmatch(match.group(2))
            if shift and ctx.direction != "nearest":  # "sales fell at the end of the year"
                ref, step = ctx.ref(), 0
                if ctx.direction == "backward" and edge.lo > ref:
                    step = -1
                elif ctx.direction == "forward" and edge.hi < ref:
                    step = 1
                if step:
                    other = period(f"{('last', 'next')[step > 0]} {shift.group(1)}", ctx)
                    assert other is not None
                    return _edge(match.group(1), other, ctx)
            return edge
    if match := _R_LATER.fullmatch(inner):
        base = _period(match.group(2), ctx, default_year)
        if base is not None:
            return _later(match.group(1), base, ctx)
    if match := _R_WEEK_OF.fullmatch(inner):
        base = _period(match.group(1), ctx, default_year)
        if base is not None and base.precision is Precision.DAY:
            return Period(*week_window(base.lo), Precision.WEEK)
    counted = count(inner, ctx)
    if counted is not None:
        return counted
    return period(inner, ctx, default_year)


def _edge(word: str, base: Period, ctx: Context) -> Period:
    lo, hi, precision = base
    if word == "turn":
        return _turn(base, ctx)
    if precision in (Precision.DAY, Precision.TIME):
        return base
    if word == "middle":
        return Period(*ctx.conventions.third((lo, hi), precision, 1), precision)
    first = word in ("beginning", "start")
    if precision is Precision.WEEK:
        return Period(lo, lo + timedelta(days=1), precision) if first else Period(
            hi - timedelta(days=2), hi, precision)  # fmt: skip
    if precision in (Precision.YEAR, Precision.QUARTER, Precision.SEASON, Precision.HALF,
                     Precision.QUADRIMESTER):  # fmt: skip
        month = lo if first else hi
        return Period(*month_window(month.year, month.month), precision)
    return Period(*ctx.conventions.third((lo, hi), precision, 0 if first else 2), precision)


#: How far "the turn of" a period reaches on each side of its first day, in months.
_TURN_MONTHS = {Precision.MILLENNIUM: 24, Precision.CENTURY: 24, Precision.DECADE: 12}


def _turn(base: Period, ctx: Context) -> Period:
    """ "the turn of the century": 1898-1901; "the turn of the year": Dec-Jan, around the new
    year nearest the reference (or the next one, forward) when the year is the reference's."""
    lo, hi, precision = base
    months = _TURN_MONTHS.get(precision)
    if months is not None:
        return Period(
            add_months(lo, -months), add_months(lo, months) - timedelta(days=1), precision
        )
    boundary = lo
    if ctx.reference is not None and lo <= civil(ctx.reference) <= hi:
        ref, ahead = ctx.ref(), hi + timedelta(days=1)
        nearer = ctx.direction == "nearest" and ahead - ref < ref - lo
        if ctx.direction == "forward" or nearer:
            boundary = ahead
    if precision in (Precision.MONTH, Precision.WEEK, Precision.DAY, Precision.TIME):
        return Period(boundary - timedelta(days=3), boundary + timedelta(days=2), Precision.DAY)
    last = boundary - timedelta(days=1)
    return Period(month_window(last.year, last.month)[0], month_window(boundary.year,
                  boundary.month)[1], Precision.MONTH)  # fmt: skip


def _later(word: str, base: Period, ctx: Context) -> Period:
    ref = ctx.ref()
    if word == "later":
        lo, hi = max(ref + timedelta(days=1), base.lo), base.hi
    else:
        lo, hi = base.lo, min(ref - timedelta(days=1), base.hi)
    if base.lo == base.hi == ref:
        return base  # "later today", "earlier today"
    if lo > hi:
        where = "has already ended" if word == "later" else "has not begun yet"
        raise ctx.error(f"that period {where} on the reference date {ref}")
    return Period(lo, hi, base.precision)
