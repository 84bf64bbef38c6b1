"""Dates in words, and phrases relative to a reference date ("later this spring", "last week").

:func:`parse_phrase` normalises the text (case, punctuation, dashes), takes off qualifiers
("around" → approximate, "possibly" → uncertain) and filler ("sometime in", "as early as"), then
reads ranges, modifiers ("early", "later this", "by the end of"), counts ("three weeks ago") and
calendar periods (:mod:`timeline.when.periods`). Absolute dates it does not know are handed to
python-dateutil, but only when every field of the date is present in the text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from timeline.errors import InvalidDateError
from timeline.when.calendar import add_days, add_months, checked_date, month_window, week_window
from timeline.when.conventions import Conventions
from timeline.when.edtf import looks_like_edtf, parse_edtf
from timeline.when.enums import PRECISION_RANK, EndState, Precision
from timeline.when.periods import Context, Period, period
from timeline.when.value import Endpoint, When
from timeline.when.words import MONTH_RE, MONTHS, NUMBER_RE, WEEKDAY_RE, WEEKDAYS, number_range

__all__ = ["parse_phrase"]

_APPROXIMATE = ("approximately", "approx", "around", "about", "circa", "roughly", "ca", "c",
                "some time around", "sometime around", "near")  # fmt: skip
_UNCERTAIN = ("possibly", "perhaps", "probably", "maybe", "likely", "reportedly")
_FILLERS = (
    "sometime during", "sometime in", "some time in", "sometime", "some time", "as early as",
    "as soon as", "as late as", "expected", "scheduled for", "slated for", "planned for",
    "set for", "due", "in", "on", "at", "during", "over", "of", "from",
)  # fmt: skip
_DASHES = str.maketrans(dict.fromkeys("\u2013\u2014\u2015\u2212", " \u2013 "))
_UNITS = {"day": "days", "days": "days", "week": "weeks", "weeks": "weeks", "month": "months",
          "months": "months", "year": "years", "years": "years", "decade": "decades",
          "decades": "decades"}  # fmt: skip
_UNIT_RE = "(days?|weeks?|months?|years?|decades?)"

_R_COUNT_AGO = re.compile(rf"({NUMBER_RE}) {_UNIT_RE} (ago|earlier|before|back)")
_R_COUNT_AHEAD = re.compile(rf"(?:in|after) ({NUMBER_RE}) {_UNIT_RE}(?: time)?|"
                            rf"({NUMBER_RE}) {_UNIT_RE} (?:from now|later|hence)")  # fmt: skip
_R_WITHIN = re.compile(rf"within (?:the next )?(?:({NUMBER_RE}) )?{_UNIT_RE}")
_R_PAST_N = re.compile(
    rf"(?:the )?(past|last|previous|next|coming|following) ({NUMBER_RE}) {_UNIT_RE}"
)
_R_COMING = re.compile(
    r"(?:the )?(?:coming|next few|next couple of|following|upcoming) (days|weeks|months|years)|"
    r"(?:the )?(days|weeks|months|years) (?:ahead|to come)"
)
_R_RECENT = re.compile(
    r"(?:the )?(?:recent|past few|last few|last couple of|past couple of) (days|weeks|months|years)"
)
_R_PART = re.compile(r"(early|mid|late)[- ](.+)")
_R_EDGE = re.compile(r"(?:the )?(beginning|start|end|middle|turn) of (.+)")
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
_R_ORDINAL_SUFFIX = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")


class _Result(NamedTuple):
    start: Endpoint
    end: Endpoint | None  # None: an instant whose window is ``start``


def normalise(text: str) -> str:
    """Lower case, plain quotes and dashes, no commas or abbreviation dots, single spaces."""
    s = text.lower().translate(_DASHES).replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"(?<=[a-z])\.", " ", s)
    if "[" not in s and "{" not in s:
        s = s.replace(",", " ")
    s = _R_ORDINAL_SUFFIX.sub(r"\1", s)
    s = " ".join(s.split())
    return s.rstrip(".!;:")


def parse_phrase(text: str, reference: date | None, conventions: Conventions) -> When | None:
    """Read ``text`` as a date in words or a phrase relative to ``reference``.

    :returns: the value, or ``None`` when the text is not a phrase this module knows.
    :raises InvalidDateError: when it is one but cannot be resolved (no reference, no such day).
    """
    ctx = Context(text, reference, conventions)
    s = normalise(text)
    approximate = uncertain = False
    if s.endswith("?"):
        uncertain, s = True, s[:-1].rstrip()
    while True:
        for words, is_approximate in ((_APPROXIMATE, True), (_UNCERTAIN, False)):
            for word in words:
                if s.startswith(word + " "):
                    s = s[len(word) + 1 :]
                    approximate |= is_approximate
                    uncertain |= not is_approximate
                    break
            else:
                continue
            break
        else:
            if s.endswith(" or so") or s.endswith("-ish"):
                approximate, s = True, s.rsplit(" or so", 1)[0].removesuffix("-ish")
                continue
            break
    result = _with_fillers(s, ctx)
    if result is None:
        result = _dateutil(text, ctx)
    if result is None:
        return None
    start, end = result
    start = start._replace(approximate=start.approximate or approximate,
                           uncertain=start.uncertain or uncertain)  # fmt: skip
    if end is not None:
        end = end._replace(approximate=end.approximate or approximate,
                           uncertain=end.uncertain or uncertain)  # fmt: skip
    used = reference if ctx.used_reference else None
    when = When.build(start, end, span=end is not None, text=text)
    from timeline.when.parsing import finish

    return finish(when, text, used, conventions)


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
        a = Period(*([checked_date(b.lo.year, b.lo.month, int(left), ctx.text, part=left)] * 2),
                   Precision.DAY)  # fmt: skip
    else:
        a = _period(left, ctx, default_year=b.lo.year) if not _has_year(left) else None
        if a is None:
            a = _period(left, ctx)
        if a is None:
            return None
        if a.lo > b.hi and not _has_year(left) and a.lo.month > b.hi.month:
            a = _period(left, ctx, default_year=b.lo.year - 1) or a
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
        if base is not None:
            part = ("early", "mid", "late").index(match.group(1))
            lo, hi = ctx.conventions.third((base.lo, base.hi), base.precision, part)
            return Period(lo, hi, base.precision)
    if match := _R_EDGE.fullmatch(s):
        base = _period(match.group(2), ctx, default_year)
        if base is not None:
            return _edge(match.group(1), base, ctx)
    if match := _R_LATER.fullmatch(inner):
        base = _period(match.group(2), ctx, default_year)
        if base is not None:
            return _later(match.group(1), base, ctx)
    if match := _R_WEEK_OF.fullmatch(inner):
        base = _period(match.group(1), ctx, default_year)
        if base is not None and base.precision is Precision.DAY:
            return Period(*week_window(base.lo), Precision.WEEK)
    counted = _count(inner, ctx)
    if counted is not None:
        return counted
    return period(inner, ctx, default_year)


def _edge(word: str, base: Period, ctx: Context) -> Period:
    lo, hi, precision = base
    if word == "turn":
        return Period(add_months(lo, -24), add_months(lo, 24) - timedelta(days=1), precision)
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


def _later(word: str, base: Period, ctx: Context) -> Period:
    ref = ctx.ref()
    if word == "later":
        lo, hi = max(ref + timedelta(days=1), base.lo), base.hi
    else:
        lo, hi = base.lo, min(ref - timedelta(days=1), base.hi)
    if base.lo == base.hi == ref:
        return base  # "later today", "earlier today"
    if lo > hi:
        where = "over" if word == "later" else "not begun"
        raise ctx.error(f"that period is already {where} on the reference date {ref}")
    return Period(lo, hi, base.precision)


_COUNT_PRECISION = {"days": Precision.DAY, "weeks": Precision.WEEK, "months": Precision.MONTH,
                    "years": Precision.YEAR, "decades": Precision.DECADE}  # fmt: skip


def _count(s: str, ctx: Context) -> Period | None:
    """ "three weeks ago", "in two days", "the past two weeks", "in the coming weeks"…"""
    if match := _R_COUNT_AGO.fullmatch(s):
        return _offset(match.group(1), _UNITS[match.group(2)], -1, ctx)
    if match := _R_COUNT_AHEAD.fullmatch(s):
        number = match.group(1) or match.group(3)
        unit = match.group(2) or match.group(4)
        return _offset(number, _UNITS[unit], +1, ctx)
    if match := _R_WITHIN.fullmatch(s):
        unit = _UNITS[match.group(2)]
        ref = ctx.ref()
        if match.group(1):
            delta = _delta(unit, number_range(match.group(1))[1])
        else:
            delta = ctx.conventions.horizon(unit if unit != "decades" else "years")
        return Period(ref, ref + delta, _COUNT_PRECISION[unit])
    if match := _R_COMING.fullmatch(s):
        unit = match.group(1) or match.group(2)
        ref = ctx.ref()
        return Period(ref + timedelta(days=1), ref + ctx.conventions.horizon(unit),
                      _COUNT_PRECISION[unit])  # fmt: skip
    if match := _R_RECENT.fullmatch(s):
        unit = match.group(1)
        ref = ctx.ref()
        return Period(ref - ctx.conventions.horizon(unit), ref, _COUNT_PRECISION[unit])
    if match := _R_PAST_N.fullmatch(s):
        unit = _UNITS[match.group(3)]
        n = number_range(match.group(2))[1]
        ref = ctx.ref()
        delta = _delta(unit, n)
        if match.group(1) in ("past", "last", "previous"):
            return Period(ref - delta, ref, _COUNT_PRECISION[unit])
        return Period(ref + timedelta(days=1), ref + delta, _COUNT_PRECISION[unit])
    return None


def _delta(unit: str, n: int) -> relativedelta:
    if unit == "decades":
        return relativedelta(years=10 * n)
    return relativedelta(**{unit: n})


def _offset(number: str, unit: str, sign: int, ctx: Context) -> Period:
    low, high = number_range(number)
    if high > 10000:
        raise ctx.error("that is too far away", part=number)
    ref = ctx.ref()
    near, far = sorted((sign * low, sign * high))
    precision = _COUNT_PRECISION[unit]
    try:
        if unit == "days":
            return Period(ref + timedelta(days=near), ref + timedelta(days=far), precision)
        if unit == "weeks":
            return Period(ref + timedelta(days=7 * near - 3), ref + timedelta(days=7 * far + 3),
                          precision)  # fmt: skip
        if unit == "months":
            first, last = add_months(ref, near), add_months(ref, far)
            return Period(month_window(first.year, first.month)[0],
                          month_window(last.year, last.month)[1], precision)  # fmt: skip
        step = 10 if unit == "decades" else 1
        first_year, last_year = ref.year + step * near, ref.year + step * far
        if unit == "decades":
            first_year, last_year = first_year - 2, last_year + 2
        return Period(date(first_year, 1, 1), date(last_year, 12, 31), precision)
    except (ValueError, OverflowError):
        raise ctx.error("that is outside the supported range of dates", part=number) from None


_DATEUTIL_OK = re.compile(r"[\w\s,./:+-]*")
_HAS_MONTH = re.compile(rf"\b{MONTH_RE}\b")


def _dateutil(text: str, ctx: Context) -> _Result | None:
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
        return _Result(Endpoint(*month_window(y, first.month), Precision.MONTH), None)
    if year is None:
        p = period(f"{first.day} {list(MONTHS)[list(MONTHS.values()).index(first.month)]}", ctx)
        assert p is not None
        return _Result(_point(p), None)
    day = date(first.year, first.month, first.day)
    return _Result(Endpoint(day, day, Precision.DAY), None)


def _nearest(month: int, ctx: Context) -> int:
    from timeline.when.periods import nearest_month

    return nearest_month(month, ctx, None)
