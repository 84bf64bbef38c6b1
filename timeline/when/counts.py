"""Counted and vague stretches of time around the reference date: "three weeks ago", "in two
days", "the past two weeks", "in the coming weeks", "in recent months"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from timeline.when.calendar import add_months, month_window, week_window
from timeline.when.enums import Precision
from timeline.when.periods import Context, Period
from timeline.when.words import NUMBER_RE, number_range

__all__ = ["count"]


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


_COUNT_PRECISION = {"days": Precision.DAY, "weeks": Precision.WEEK, "months": Precision.MONTH,
                    "years": Precision.YEAR, "decades": Precision.DECADE}  # fmt: skip


_R_THIS_TIME = re.compile(r"(?:this|the same|that) time (last|next) year")


def count(s: str, ctx: Context) -> Period | None:
    """ "three weeks ago", "in two days", "the past two weeks", "in the coming weeks"…"""
    if match := _R_THIS_TIME.fullmatch(s):  # the month a year before (or after) the reference
        return _offset("1", "years", 1 if match.group(1) == "next" else -1, ctx, "months")
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
    if unit == "days":
        return relativedelta(days=n)
    if unit == "weeks":
        return relativedelta(weeks=n)
    if unit == "months":
        return relativedelta(months=n)
    return relativedelta(years=n)


def _offset(
    number: str, unit: str, sign: int, ctx: Context, granularity: str | None = None
) -> Period:
    """``number`` units before (``sign=-1``) or after the reference, at the unit's granularity
    (or at ``granularity``: "this time last year" is the month a year before)."""
    if granularity == "months":
        day = ctx.ref() + _delta(unit, sign * int(number))
        return Period(*month_window(day.year, day.month), Precision.MONTH)
    low, high = number_range(number)
    if high > 10000:
        raise ctx.error("that is too far away", part=number)
    ref = ctx.ref()
    near, far = sorted((sign * low, sign * high))
    precision = _COUNT_PRECISION[unit]
    try:
        if unit == "days":
            return Period(ref + timedelta(days=near), ref + timedelta(days=far), precision)
        if unit == "weeks":  # the calendar (ISO) weeks
            return Period(week_window(ref + timedelta(weeks=near))[0],
                          week_window(ref + timedelta(weeks=far))[1], precision)  # fmt: skip
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
