"""The conventions by which vague dates are read: seasons, thirds, weeks, padding, fiscal years.

They are written down once here, documented in ``docs/dates.md`` and configurable where people
differ. ``Conventions()`` is the default every parser uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from typing import Literal, cast

from dateutil.relativedelta import relativedelta

from timeline.when.calendar import MAX_YEAR, Window, add_months, month_window, months_window
from timeline.when.enums import Precision

__all__ = ["DEFAULT_CONVENTIONS", "SEASONS", "Conventions", "named_zone"]

#: Season names, in the order EDTF numbers them (21 spring … 24 winter).
SEASONS: tuple[str, ...] = ("spring", "summer", "autumn", "winter")

#: The month each season starts in, per hemisphere (meteorological seasons).
_SEASON_START: dict[str, dict[str, int]] = {
    "north": {"spring": 3, "summer": 6, "autumn": 9, "winter": 12},
    "south": {"spring": 9, "summer": 12, "autumn": 3, "winter": 6},
}

_DEFAULT_PADDING: dict[Precision, relativedelta] = {
    Precision.TIME: relativedelta(days=1),
    Precision.DAY: relativedelta(days=3),
    Precision.WEEK: relativedelta(days=7),
    Precision.MONTH: relativedelta(months=1),
    Precision.QUARTER: relativedelta(months=1),
    Precision.SEASON: relativedelta(months=1),
    Precision.QUADRIMESTER: relativedelta(months=1),
    Precision.HALF: relativedelta(months=2),
    Precision.YEAR: relativedelta(years=1),
    Precision.DECADE: relativedelta(years=3),
    Precision.CENTURY: relativedelta(years=20),
    Precision.MILLENNIUM: relativedelta(years=100),
    Precision.UNKNOWN: relativedelta(),
}

_DEFAULT_HORIZONS: dict[str, relativedelta] = {
    "days": relativedelta(days=7),
    "weeks": relativedelta(weeks=4),
    "months": relativedelta(months=6),
    "years": relativedelta(years=5),
}

PaddingInput = Mapping[Precision | str, relativedelta | timedelta | int]


def _as_relativedelta(value: relativedelta | timedelta | int) -> relativedelta:
    if isinstance(value, relativedelta):
        return value
    if isinstance(value, timedelta):
        return relativedelta(days=value.days)
    return relativedelta(days=int(value))


def named_zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` (``"Asia/Seoul"``), or a ``ValueError`` that says why not."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"no time zone named {name!r} (an IANA name such as 'Asia/Seoul'; "
            f"where the system has no zone database, pip install tzdata)"
        ) from error


@dataclass(frozen=True)
class Conventions:
    """How vague dates are read. All fields have documented defaults.

    :param hemisphere: ``"north"`` (default) or ``"south"``; meteorological seasons
        (north: spring = Mar-May, summer = Jun-Aug, autumn = Sep-Nov, winter = Dec-Feb). A
        season that spans the year end is named by the year it starts in.
    :param day_first: how to read an ambiguous numeric date such as ``03/04/2026``: ``True``
        (3 April), ``False`` (4 March) or ``None`` (refuse with an error; the default).
    :param padding: how far the search hull of an *approximate* end is widened, per precision;
        entries given here override the defaults (day ±3 days, month ±1 month, year ±1 year…).
    :param fiscal_year_start: the month a fiscal year starts in (1 = calendar year); a fiscal
        year is named by the calendar year it ends in (US federal FY2026 = Oct 2025-Sep 2026).
    :param strict_centuries: ``False`` (default): "the 19th century" is 1800-1899, as most
        people use it; ``True``: 1801-1900.
    :param default_tz: the zone given to a time written without one (a ``tzinfo`` or an IANA
        name such as ``"Asia/Seoul"``); ``None`` refuses it.
    :param horizons: how far "in the coming days/weeks/months/years" and "in recent …" reach.
    """

    hemisphere: Literal["north", "south"] = "north"
    day_first: bool | None = None
    padding: PaddingInput = field(default_factory=dict)
    fiscal_year_start: int = 1
    strict_centuries: bool = False
    default_tz: tzinfo | str | None = None
    horizons: Mapping[str, relativedelta] = field(default_factory=dict)
    _pads: dict[Precision, relativedelta] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _horizons: dict[str, relativedelta] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        if self.hemisphere not in _SEASON_START:
            raise ValueError(f"hemisphere must be 'north' or 'south', not {self.hemisphere!r}")
        if not 1 <= self.fiscal_year_start <= 12:
            raise ValueError(f"fiscal_year_start must be a month 1..12: {self.fiscal_year_start}")
        if isinstance(self.default_tz, str):
            try:
                object.__setattr__(self, "default_tz", named_zone(self.default_tz))
            except ValueError as error:
                raise ValueError(f"default_tz: {error}") from error
        padding = dict(_DEFAULT_PADDING)
        for key, value in dict(self.padding).items():
            padding[Precision(key)] = _as_relativedelta(value)
        object.__setattr__(self, "_pads", padding)
        object.__setattr__(self, "padding", tuple(sorted(padding.items())))
        horizons = dict(_DEFAULT_HORIZONS)
        for key, value in dict(self.horizons).items():
            if key not in _DEFAULT_HORIZONS:
                raise ValueError(f"unknown horizon {key!r}; use one of {sorted(_DEFAULT_HORIZONS)}")
            horizons[key] = _as_relativedelta(value)
        object.__setattr__(self, "_horizons", horizons)
        object.__setattr__(self, "horizons", tuple(sorted(horizons.items())))

    @property
    def zone(self) -> tzinfo | None:
        """:attr:`default_tz` as a ``tzinfo`` (a zone name was looked up when these were made)."""
        return cast("tzinfo | None", self.default_tz)

    # -- padding and horizons -------------------------------------------------------------

    def pad(self, precision: Precision) -> relativedelta:
        """How far an approximate end of this precision is padded in the search hull."""
        return self._pads[Precision(precision)]

    def horizon(self, unit: str) -> relativedelta:
        """How far "the coming <unit>" / "recent <unit>" reach (unit: days, weeks…)."""
        return self._horizons[unit]

    # -- seasons ----------------------------------------------------------------------------

    def season_window(self, season: str, year: int) -> Window:
        """The months of ``season`` ("spring"…) named by ``year`` (winter runs into ``year+1``)."""
        start = _SEASON_START[self.hemisphere][season]
        return months_window(year, start, 3)

    def season_of(self, day: date) -> tuple[str, int]:
        """The season ``day`` falls in, and the year that season is named by."""
        for season, start in _SEASON_START[self.hemisphere].items():
            offset = (day.month - start) % 12
            if offset < 3:
                return season, day.year if day.month >= start else day.year - 1
        raise AssertionError("unreachable")  # pragma: no cover

    # -- thirds -----------------------------------------------------------------------------

    def third(self, window: Window, precision: Precision, part: int) -> Window:
        """Part ``part`` (0 = early, 1 = mid, 2 = late) of ``window`` of the given precision.

        Months: days 1-10, 11-20, 21-end. Years: Jan-Apr, May-Aug, Sep-Dec. Decades: years
        0-3, 4-6, 7-9. Centuries: years 0-32, 33-65, 66-99. Anything else: thirds of its days.
        """
        first, last = window
        if precision is Precision.MONTH:
            days = [(1, 10), (11, 20), (21, last.day)][part]
            return first.replace(day=days[0]), first.replace(day=days[1])
        if precision is Precision.YEAR:
            return months_window(first.year, 1 + 4 * part, 4)
        if precision in (Precision.DECADE, Precision.CENTURY, Precision.MILLENNIUM):
            span = last.year - first.year + 1
            if precision is Precision.DECADE:
                cuts = [0, round(span * 0.4), round(span * 0.7), span]
            else:
                cuts = [0, span // 3, 2 * span // 3, span]
            return (
                date(first.year + cuts[part], 1, 1),
                date(min(first.year + cuts[part + 1] - 1, MAX_YEAR), 12, 31),
            )
        if precision in (Precision.SEASON, Precision.QUARTER, Precision.HALF):
            size = 1 if precision is not Precision.HALF else 2
            begin = add_months(first, size * part)
            return months_window(begin.year, begin.month, size)
        length = (last - first).days + 1
        lo = first + timedelta(days=length * part // 3)
        hi = first + timedelta(days=length * (part + 1) // 3 - 1)
        return lo, hi

    # -- fiscal years and centuries ------------------------------------------------------

    def fiscal_year_window(self, year: int) -> Window:
        """Fiscal year ``year`` (named by the calendar year it ends in)."""
        if self.fiscal_year_start == 1:
            return month_window(year, 1)[0], month_window(year, 12)[1]
        first = date(year - 1, self.fiscal_year_start, 1)
        last = add_months(first, 11)
        return first, month_window(last.year, last.month)[1]

    def fiscal_year_of(self, day: date) -> int:
        """The fiscal year ``day`` falls in (named by the calendar year it ends in)."""
        start = self.fiscal_year_start
        return day.year + (1 if start > 1 and day.month >= start else 0)

    def century_window(self, ordinal: int) -> Window:
        """The ``ordinal``-th century (19 → 1800-1899, or 1801-1900 with strict centuries)."""
        first = (ordinal - 1) * 100 + (1 if self.strict_centuries else 0)
        return date(max(first, 1), 1, 1), date(min(first + 99, MAX_YEAR), 12, 31)


#: The default conventions, built once.
DEFAULT_CONVENTIONS = Conventions()
