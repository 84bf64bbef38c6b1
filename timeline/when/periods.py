"""Calendar periods named in English: "March 2026", "this spring", "last week", "Q2", "the 1990s".

:func:`period` reads a normalised noun phrase (see :mod:`timeline.when.phrases`) into a window
``(lo, hi, precision)``, using the reference date for relative words. Modifiers such as "early",
"later this" or "by the end of" are applied on top of it by :mod:`timeline.when.phrases`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple

from dateutil.relativedelta import relativedelta

from timeline.errors import InvalidDateError
from timeline.when.calendar import (
    MAX_YEAR,
    add_months,
    checked_date,
    civil,
    month_window,
    months_window,
    week_window,
    year_window,
)
from timeline.when.conventions import Conventions
from timeline.when.enums import Precision
from timeline.when.words import MONTH_RE, MONTHS, ORDINAL_RE, WEEKDAY_RE, WEEKDAYS, ordinal

__all__ = ["DIRECTIONS", "REPORTING_LAG", "Context", "Direction", "Period", "period", "pick"]

#: Which occurrence of a month, day, weekday, season or quarter named without a year is meant:
#: the one nearest the reference, the next one (an expected or planned event) or the last one.
Direction = Literal["nearest", "forward", "backward"]
DIRECTIONS: tuple[str, ...] = ("nearest", "forward", "backward")

#: How long after its end a quarter is still the one being reported on.
REPORTING_LAG = timedelta(days=45)


class Period(NamedTuple):
    """A window of days and the unit it was named in."""

    lo: date
    hi: date
    precision: Precision


@dataclass
class Context:
    """What a phrase is resolved with; records whether the reference date was needed."""

    text: str
    reference: date | None
    conventions: Conventions
    used_reference: bool = False
    direction: Direction = "nearest"

    def ref(self) -> date:
        """The reference as a civil date, or an error saying that one is needed."""
        if self.reference is None:
            raise InvalidDateError(
                self.text,
                "this is relative to when it was said: pass a reference date "
                "(e.g. the publication date)",
            )
        self.used_reference = True
        return civil(self.reference)

    def error(self, reason: str, part: str | None = None) -> InvalidDateError:
        """An :class:`InvalidDateError` about the text being read."""
        return InvalidDateError(self.text, reason, part=part)


_RELATIVE = "this|current|last|previous|past|next|following|coming"
_SEASON_NAMES = {"spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn",
                 "winter": "winter"}  # fmt: skip
_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}  # fmt: skip
_YEAR_WORD = r"(\d{4}|the year|this year|next year|last year|the previous year|the next year)"

_DAY_WORDS = {
    "same day": 0, "that day": 0, "next day": 1, "following day": 1, "previous day": -1,
    "day before": -1, "day after": 1, "overnight": 0, "today": 0, "tonight": 0, "this morning": 0,
    "this afternoon": 0, "this evening": 0,
    "earlier today": 0, "later today": 0, "now": 0, "last night": -1, "yesterday": -1,
    "yesterday morning": -1, "yesterday afternoon": -1, "yesterday evening": -1,
    "tomorrow": 1, "tomorrow morning": 1, "tomorrow afternoon": 1, "tomorrow evening": 1,
    "tomorrow night": 1, "day before yesterday": -2, "day after tomorrow": 2,
}  # fmt: skip

_P_WEEKDAY = re.compile(
    rf"(?:(last|next|this|past|coming|this coming|this past) )?({WEEKDAY_RE})"
    r"(?: (?:morning|afternoon|evening|night))?"
)
_P_WEEKEND = re.compile(
    r"(?:(this past|this coming|this|last|next|past|coming|following|previous) )?weekend"
)
_P_UNIT = re.compile(rf"(?:({_RELATIVE}|this past) )?(week|month|quarter|year|decade|century)")
_P_SEASON = re.compile(
    rf"(?:({_RELATIVE}) )?(spring|summer|autumn|fall|winter)"
    r"(?: (?:of )?(\d{4})(?:[-/](\d{2}|\d{4}))?)?"
)
_P_MONTH = re.compile(rf"(?:(this|last|next|past|coming) )?({MONTH_RE})(?: (?:of )?(\d{{4}}))?")
_P_DAY_MONTH = re.compile(rf"(\d{{1,2}})(?: of)? ({MONTH_RE})(?: (\d{{4}}))?")
_P_MONTH_DAY = re.compile(rf"({MONTH_RE}) (\d{{1,2}})(?: (\d{{4}}))?")
_P_NUMERIC = re.compile(r"(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})")
_P_YEAR = re.compile(r"(?:(?:the )?year )?(\d{4})")
_P_QUARTER = re.compile(r"q([1-4])(?: (\d{4}))?|(\d{4}) q([1-4])")
_P_QUARTER_WORDS = re.compile(rf"({ORDINAL_RE})[- ]quarter(?: of)?(?: {_YEAR_WORD})?")
_P_HALF = re.compile(r"h([12])(?: (\d{4}))?|(\d{4}) h([12])")
_P_HALF_WORDS = re.compile(rf"(first|second|1|2)[- ]half(?: of)?(?: {_YEAR_WORD})?")
_P_DECADE = re.compile(r"(\d{3})0s|'?(\d)0s|(twenties|thirties|forties|fifties|sixties|"
                       r"seventies|eighties|nineties)")  # fmt: skip
_P_CENTURY = re.compile(rf"({ORDINAL_RE})(?:-| )century")
_P_FISCAL = re.compile(r"(?:fy|fiscal(?: year)?) ?(\d{4}|\d{2})|(\d{4}) fiscal year|"
                       r"(this|last|next|current) fiscal year")  # fmt: skip


def _day(day: date) -> Period:
    return Period(day, day, Precision.DAY)


def _shift_year(ctx: Context, word: str | None, default: int | None = None) -> int:
    if word is None or word in ("the year", "this year"):
        return default if default is not None and word is None else ctx.ref().year
    if word.isdigit():
        return int(word)
    return ctx.ref().year + (1 if "next" in word else -1)


def _direction(word: str | None) -> int:
    if word in ("last", "previous", "past", "this past"):
        return -1
    if word in ("next", "following", "coming", "this coming"):
        return 1
    return 0


_ROLLING = {"week": relativedelta(weeks=1), "month": relativedelta(months=1),
            "quarter": relativedelta(months=3), "year": relativedelta(years=1),
            "decade": relativedelta(years=10), "century": relativedelta(years=100)}  # fmt: skip
_UNIT_PRECISION = {"week": Precision.WEEK, "month": Precision.MONTH, "quarter": Precision.QUARTER,
                   "year": Precision.YEAR, "decade": Precision.DECADE,
                   "century": Precision.CENTURY}  # fmt: skip


def _unit(unit: str, word: str | None, ctx: Context) -> Period:
    ref = ctx.ref()
    if word in ("past", "this past"):  # "the past week": the seven days up to the reference
        try:
            return Period(ref - _ROLLING[unit], ref, _UNIT_PRECISION[unit])
        except (ValueError, OverflowError):
            return Period(date.min, ref, _UNIT_PRECISION[unit])
    step = _direction(word)
    if unit == "week":
        lo, hi = week_window(ref + timedelta(weeks=step))
        return Period(lo, hi, Precision.WEEK)
    if unit == "month":
        first = add_months(ref.replace(day=1), step)
        return Period(*month_window(first.year, first.month), Precision.MONTH)
    if unit == "quarter":
        first = add_months(date(ref.year, (ref.month - 1) // 3 * 3 + 1, 1), 3 * step)
        return Period(*months_window(first.year, first.month, 3), Precision.QUARTER)
    if unit == "year":
        return Period(*year_window(ref.year + step), Precision.YEAR)
    if unit == "decade":
        start = ref.year // 10 * 10 + 10 * step
        return Period(*year_window(start, start + 9), Precision.DECADE)
    number = (ref.year - (1 if ctx.conventions.strict_centuries else 0)) // 100 + 1 + step
    return Period(*ctx.conventions.century_window(number), Precision.CENTURY)


def _weekday(word: str | None, name: str, ctx: Context) -> Period:
    ref = ctx.ref()
    target = WEEKDAYS[name]
    direction = _direction(word)
    if word in ("this",):
        monday = ref - timedelta(days=ref.weekday())
        return _day(monday + timedelta(days=target))
    if direction > 0:
        return _day(ref + timedelta(days=(target - ref.weekday() - 1) % 7 + 1))
    if direction < 0:
        return _day(ref - timedelta(days=(ref.weekday() - target - 1) % 7 + 1))
    if ctx.direction == "forward":  # "will meet on Friday": the reference day or the six after
        return _day(ref + timedelta(days=(target - ref.weekday()) % 7))
    # A bare weekday in a report is the reference day or one of the six days before it.
    return _day(ref - timedelta(days=(ref.weekday() - target) % 7))


def _weekend(word: str | None, ctx: Context) -> Period:
    ref = ctx.ref()
    monday = ref - timedelta(days=ref.weekday())
    # "the weekend", said Monday to Wednesday, is the one just past.
    step = -1 if word is None and ref.weekday() <= 2 else _direction(word)
    if word in ("coming", "this coming"):  # the first one ahead: this week's before Saturday
        step = 0 if ref.weekday() < 5 else 1
    saturday = monday + timedelta(days=5 + 7 * step)
    return Period(saturday, saturday + timedelta(days=1), Precision.DAY)


def _season(word: str | None, name: str, year: str | None, ctx: Context) -> Period:
    season = _SEASON_NAMES[name]
    conventions = ctx.conventions
    if year is not None:
        return Period(*conventions.season_window(season, int(year)), Precision.SEASON)
    ref = ctx.ref()
    candidates = [conventions.season_window(season, y) for y in range(ref.year - 2, ref.year + 2)]
    direction = _direction(word)
    if direction < 0:
        window = [w for w in candidates if w[1] < ref][-1]
    elif direction > 0:
        window = next(w for w in candidates if w[0] > ref)
    elif ctx.direction != "nearest":
        window = pick(candidates, ctx)
    else:
        current = [w for w in candidates if w[0] <= ref <= w[1]]
        window = current[0] if current else conventions.season_window(season, ref.year)
    return Period(*window, Precision.SEASON)


def pick(windows: list[tuple[date, date]], ctx: Context) -> tuple[date, date]:
    """The occurrence meant by ``ctx.direction`` among ``windows`` (in order).

    Forward: the first one not over on the reference date; backward: the last one begun by it;
    nearest: the one closest to it (containing it, else by days; ties go to the future).
    """
    ref = ctx.ref()
    if ctx.direction == "forward":
        return next((w for w in windows if w[1] >= ref), windows[-1])
    if ctx.direction == "backward":
        return next((w for w in reversed(windows) if w[0] <= ref), windows[0])

    def distance(window: tuple[date, date]) -> tuple[int, bool]:
        lo, hi = window
        return max((lo - ref).days, (ref - hi).days, 0), hi < ref

    return min(windows, key=distance)


def nearest_month(month: int, ctx: Context, default_year: int | None) -> int:
    """The year of the occurrence of ``month`` nearest the reference (ties: the future)."""
    if default_year is not None:
        return default_year
    ref = ctx.ref()
    if ctx.direction != "nearest":
        years = [ref.year - 1, ref.year, ref.year + 1]
        return pick([month_window(y, month) for y in years], ctx)[0].year
    best = min(
        (ref.year + delta for delta in (-1, 0, 1)),
        key=lambda y: (abs((y * 12 + month) - (ref.year * 12 + ref.month)), y < ref.year),
    )
    return best


def _nearest_day(month: int, day: int, ctx: Context, default_year: int | None) -> date:
    if default_year is not None:
        return checked_date(default_year, month, day, ctx.text)
    ref = ctx.ref()
    options = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        raise ctx.error(f"there is no day {day} in that month", part=str(day))
    if ctx.direction != "nearest":
        return pick([(d, d) for d in options], ctx)[0]
    return min(options, key=lambda d: (abs((d - ref).days), d < ref))


def _numeric(match: re.Match[str], ctx: Context) -> Period:
    a, _sep, b, c = match.groups()
    if len(a) == 4:
        return _day(checked_date(int(a), int(b), int(c), ctx.text))
    if len(c) != 4:
        raise ctx.error("write the year with four digits", part=c)
    first, second = int(a), int(b)
    if first > 12 or (first == second):
        day, month = first, second
    elif second > 12:
        day, month = second, first
    elif ctx.conventions.day_first is None:
        raise ctx.error(
            f"ambiguous: {first} {_month_name(second)} or {second} {_month_name(first)}; "
            "set Conventions(day_first=True or False)",
            part=match.group(0),
        )
    elif ctx.conventions.day_first:
        day, month = first, second
    else:
        day, month = second, first
    return _day(checked_date(int(c), month, day, ctx.text))


def _month_name(month: int) -> str:
    return date(2000, month, 1).strftime("%B")


def period(s: str, ctx: Context, default_year: int | None = None) -> Period | None:
    """Read ``s`` as a calendar period, or return ``None`` when it is not one."""
    if s.startswith("the "):
        s = s[4:]
    if s in _DAY_WORDS:
        return _day(ctx.ref() + timedelta(days=_DAY_WORDS[s]))
    from timeline.when.holidays import holiday
    from timeline.when.reporting import reporting

    found = reporting(s, ctx, default_year) or holiday(s, ctx, default_year)
    if found is not None:
        return found
    if match := _P_WEEKDAY.fullmatch(s):
        return _weekday(match.group(1), match.group(2), ctx)
    if match := _P_WEEKEND.fullmatch(s):
        return _weekend(match.group(1), ctx)
    if match := _P_UNIT.fullmatch(s):
        return _unit(match.group(2), match.group(1), ctx)
    if match := _P_SEASON.fullmatch(s):
        word, name, year, _second = match.groups()
        return _season(word, name, year, ctx)
    if match := _P_MONTH.fullmatch(s):
        word, name, year = match.groups()
        month = MONTHS[name]
        if year is not None:
            y = int(year)
        elif word is not None:
            ref = ctx.ref()
            direction = _direction(word)
            y = ref.year
            if direction < 0 and month >= ref.month:
                y -= 1
            elif direction > 0 and month <= ref.month:
                y += 1
        else:
            y = nearest_month(month, ctx, default_year)
        return Period(*month_window(y, month), Precision.MONTH)
    if match := _P_DAY_MONTH.fullmatch(s):
        day, name, year = match.groups()
        return _day(_nearest_day(MONTHS[name], int(day), ctx, int(year) if year else default_year))
    if match := _P_MONTH_DAY.fullmatch(s):
        name, day, year = match.groups()
        return _day(_nearest_day(MONTHS[name], int(day), ctx, int(year) if year else default_year))
    if match := _P_NUMERIC.fullmatch(s):
        return _numeric(match, ctx)
    if match := _P_YEAR.fullmatch(s):
        year = int(match.group(1))
        if year < 1:
            return None
        return Period(*year_window(year), Precision.YEAR)
    return _grouping(s, ctx, default_year)


def _grouping(s: str, ctx: Context, default_year: int | None) -> Period | None:
    if match := _P_QUARTER.fullmatch(s):
        number = int(match.group(1) or match.group(4))
        year = match.group(2) or match.group(3)
        return _part_of_year(number, 3, int(year) if year else default_year, ctx)
    if match := _P_QUARTER_WORDS.fullmatch(s):
        number = ordinal(match.group(1))
        if not 1 <= number <= 4:
            raise ctx.error("a year has four quarters", part=match.group(1))
        y = _shift_year(ctx, match.group(2), default_year) if match.group(2) else default_year
        return _part_of_year(number, 3, y, ctx)
    if match := _P_HALF.fullmatch(s):
        number = int(match.group(1) or match.group(4))
        year = match.group(2) or match.group(3)
        return _part_of_year(number, 6, int(year) if year else default_year, ctx)
    if match := _P_HALF_WORDS.fullmatch(s):
        number = 1 if match.group(1) in ("first", "1") else 2
        y = _shift_year(ctx, match.group(2), default_year) if match.group(2) else default_year
        return _part_of_year(number, 6, y, ctx)
    if match := _P_DECADE.fullmatch(s):
        return _decade(match, ctx)
    if match := _P_CENTURY.fullmatch(s):
        number = ordinal(match.group(1))
        if not 1 <= number <= MAX_YEAR // 100:
            raise ctx.error("no such century", part=match.group(1))
        return Period(*ctx.conventions.century_window(number), Precision.CENTURY)
    if match := _P_FISCAL.fullmatch(s):
        digits = match.group(1) or match.group(2)
        if digits is not None:
            year = int(digits) if len(digits) == 4 else 2000 + int(digits)
        else:
            year = ctx.conventions.fiscal_year_of(ctx.ref()) + _direction(match.group(3))
        return Period(*ctx.conventions.fiscal_year_window(year), Precision.YEAR)
    return None


def _decade(match: re.Match[str], ctx: Context) -> Period:
    full, short, word = match.groups()
    if full is not None:
        start = int(full) * 10
        if start % 100 == 0 and start != 2000:
            return Period(*year_window(max(start, 1), start + 99), Precision.CENTURY)
    else:
        digit = int(short) if short is not None else _DECADE_WORDS[word]
        if ctx.reference is None:
            start = 1900 + 10 * digit
        else:
            ref_year = ctx.ref().year
            start = ref_year // 100 * 100 + 10 * digit
            if start > ref_year:
                start -= 100
    return Period(*year_window(max(start, 1), start + 9), Precision.DECADE)


def _part_of_year(number: int, months: int, year: int | None, ctx: Context) -> Period:
    """Quarter or half ``number`` of ``year``; without a year, the occurrence :func:`pick` finds."""
    precision = Precision.QUARTER if months == 3 else Precision.HALF
    first = months * (number - 1) + 1
    if year is not None:
        return Period(*months_window(year, first, months), precision)
    ref = ctx.ref()
    windows = [months_window(y, first, months) for y in (ref.year - 1, ref.year, ref.year + 1)]
    if ctx.direction == "forward" and precision is Precision.QUARTER:
        # A quarter's results come out some weeks after it ends: "fourth-quarter profits are
        # expected to rise", said in January, is about the quarter that just ended.
        return Period(*next(w for w in windows if w[1] + REPORTING_LAG >= ref), precision)
    return Period(*pick(windows, ctx), precision)
