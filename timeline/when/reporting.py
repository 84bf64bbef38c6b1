"""Reporting periods of business news: "the quarter" being reported, "the year-earlier quarter",
"the same period a year earlier", "the first nine months", fiscal quarters ("fiscal 1990's second
quarter") under :attr:`Conventions.fiscal_year_start`, and named years ("the 2026-27 season")."""

from __future__ import annotations

import re
from datetime import date

from timeline.when.calendar import Window, add_months, month_window, months_window, year_window
from timeline.when.enums import Precision
from timeline.when.periods import Context, Period, pick
from timeline.when.words import NUMBERS, ORDINAL_RE, ordinal

__all__ = ["reported", "reporting"]

_R_QUARTER = re.compile(r"(?:latest|most recent|just-ended|just ended|reporting|reported) quarter|"
                        r"quarter")  # fmt: skip
_YEAR_AGO = (r"(?:a year (?:earlier|ago|before)|last year|(?:of )?the (?:previous|prior) year|"
             r"of last year|in \d{4})")  # fmt: skip
_R_YEAR_EARLIER = re.compile(
    r"year-(?:earlier|ago) (?:quarter|period)|year-(?:earlier|ago) (?:first|second|third|fourth)"
    rf" quarter|(?:same|comparable|corresponding) (?:quarter|period) {_YEAR_AGO}"
)
_R_FISCAL_QUARTER = re.compile(
    rf"(?:(?:fiscal|fy)(?: year)? ?(\d{{4}}|\d{{2}})(?:'s)? )?(?:fiscal )?({ORDINAL_RE})[- ]"
    rf"(?:fiscal )?quarter(?: of (?:fiscal|fy)(?: year)? ?(\d{{4}}|\d{{2}}))?"
)
_COUNT_RE = "|".join(sorted((w for w, (lo, hi) in NUMBERS.items() if lo == hi and lo > 1),
                            key=len, reverse=True))  # fmt: skip
_R_NAMED_YEAR = re.compile(
    r"(\d{4})(?: ?[-\u2013/] ?(\d{2}|\d{4}))? (season|academic year|school year|financial year|"
    r"tax year|model year|fiscal year)"
)
_R_ENDED = re.compile(
    rf"(?:(\d+|{_COUNT_RE}) months|(quarter|half|year|period)) (?:ended|ending|through|to) "
    r"(.+)"
)
_R_WHOLE_YEAR = re.compile(r"(full|calendar|whole|entire|current|fiscal) year")
_R_FIRST_MONTHS = re.compile(
    rf"(first|last|final) (\d{{1,2}}|{_COUNT_RE}) months(?: of (?:(?:fiscal|fy) )?(\d{{4}}|"
    r"the year|this year|last year|next year))?"
)


def reported(windows: list[Window], ctx: Context) -> Window:
    """The period being reported: the last one over by the reference date, or the current one
    when the reference date is in its final month. Forward direction: the next one."""
    if ctx.direction == "forward":
        return pick(windows, ctx)
    ref = ctx.ref()
    done = [w for w in windows if w[1] < ref or (w[1].year, w[1].month) == (ref.year, ref.month)]
    return done[-1] if done else windows[0]


def _quarters(ref: date) -> list[Window]:
    first = date(ref.year - 1, 1, 1)
    return [months_window(*_ym(add_months(first, 3 * i)), 3) for i in range(12)]


def _ym(day: date) -> tuple[int, int]:
    return day.year, day.month


def _year_word(word: str | None, ctx: Context) -> int | None:
    if word is None:
        return None
    if word.isdigit():
        return int(word) if len(word) == 4 else 2000 + int(word)
    step = {"next year": 1, "last year": -1}.get(word, 0)
    return ctx.ref().year + step


def reporting(s: str, ctx: Context, default_year: int | None = None) -> Period | None:
    """A reporting period in normalised text (without "the"), or ``None``."""
    if _R_QUARTER.fullmatch(s):
        return Period(*reported(_quarters(ctx.ref()), ctx), Precision.QUARTER)
    if _R_YEAR_EARLIER.fullmatch(s):
        lo, _hi = reported(_quarters(ctx.ref()), ctx)
        earlier = add_months(lo, -12)
        return Period(*months_window(earlier.year, earlier.month, 3), Precision.QUARTER)
    if (match := _R_FISCAL_QUARTER.fullmatch(s)) and ("fiscal" in s or "fy" in s):
        return _fiscal_quarter(match, ctx, default_year)
    if match := _R_NAMED_YEAR.fullmatch(s):  # "the 2025 season", "the 2026-27 school year"
        first, last, kind = match.groups()
        if kind == "fiscal year" and last is None:
            return Period(*ctx.conventions.fiscal_year_window(int(first)), Precision.YEAR)
        end = int(first[: 4 - len(last)] + last) if last else int(first)
        if end < int(first):
            raise ctx.error("the range ends before it starts", part=match.group(0))
        return Period(*year_window(int(first), end), Precision.YEAR)
    if match := _R_ENDED.fullmatch(s):  # "the three months ended March 31"
        return _ended(match, ctx, default_year)
    if match := _R_WHOLE_YEAR.fullmatch(s):
        if match.group(1) == "fiscal":
            year = ctx.conventions.fiscal_year_of(ctx.ref())
            return Period(*ctx.conventions.fiscal_year_window(year), Precision.YEAR)
        return Period(*year_window(ctx.ref().year), Precision.YEAR)
    if match := _R_FIRST_MONTHS.fullmatch(s):
        return _first_months(match, ctx, default_year)
    return None


_MONTHS_IN = {"quarter": 3, "half": 6, "year": 12, "period": 3}


def _ended(match: re.Match[str], ctx: Context, default_year: int | None) -> Period | None:
    """The months up to the month of a given day ("the nine months ended Sept. 30")."""
    from timeline.when.periods import period

    count_word, unit, day_text = match.groups()
    last = period(day_text, ctx, default_year)
    if last is None or last.precision is not Precision.DAY:
        return None
    if count_word is not None:
        months = int(count_word) if count_word.isdigit() else NUMBERS[count_word][0]
    else:
        months = _MONTHS_IN[unit]
    first = add_months(last.lo.replace(day=1), 1 - months)
    return Period(first, month_window(last.lo.year, last.lo.month)[1], Precision.MONTH)


def _fiscal_quarter(match: re.Match[str], ctx: Context, default_year: int | None) -> Period:
    before, number_word, after = match.groups()
    number = ordinal(number_word)
    if not 1 <= number <= 4:
        raise ctx.error("a year has four quarters", part=number_word)
    year = _year_word(before or after, ctx) or default_year
    conventions = ctx.conventions

    def quarter(fiscal_year: int) -> Window:
        first = add_months(conventions.fiscal_year_window(fiscal_year)[0], 3 * (number - 1))
        return months_window(first.year, first.month, 3)

    if year is not None:
        return Period(*quarter(year), Precision.QUARTER)
    ref = ctx.ref()
    windows = [quarter(y) for y in (ref.year - 1, ref.year, ref.year + 1, ref.year + 2)]
    return Period(*reported(windows, ctx), Precision.QUARTER)


def _first_months(match: re.Match[str], ctx: Context, default_year: int | None) -> Period | None:
    side, count_word, year_word = match.groups()
    months = int(count_word) if count_word.isdigit() else NUMBERS[count_word][0]
    if not 1 <= months <= 12:
        raise ctx.error("a year has twelve months", part=count_word)
    year = _year_word(year_word, ctx) or default_year
    if side == "last" and year is None:
        return None  # "the last six months": the rolling window, read by timeline.when.counts
    start = 1 if side == "first" else 13 - months  # "last" and "final": the year's end

    def window(y: int) -> Window:
        lo = month_window(y, start)[0]
        return lo, months_window(y, start, months)[1]

    if year is not None:
        return Period(*window(year), Precision.MONTH)
    ref = ctx.ref()
    windows = [window(y) for y in (ref.year - 1, ref.year, ref.year + 1)]
    return Period(*reported(windows, ctx), Precision.MONTH)
