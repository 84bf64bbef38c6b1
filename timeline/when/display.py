"""Human text, the search hull and the sort key of a :class:`~timeline.when.When`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from timeline.when.calendar import add_days, add_months, civil, month_end
from timeline.when.conventions import DEFAULT_CONVENTIONS, Conventions
from timeline.when.edtf_date import approximate_unit
from timeline.when.edtf_write import unit_code
from timeline.when.enums import PRECISION_RANK, EndState, Precision

if TYPE_CHECKING:
    from timeline.when.value import When

__all__ = ["display", "hull", "sort_key", "unit_label"]

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SEASON_BY_CODE = {
    code: name
    for first in (21, 25, 29)
    for code, name in zip(
        range(first, first + 4), ("spring", "summer", "autumn", "winter"), strict=True
    )
}
_SEASON_EDTF = re.compile(r"(\d{4})-(2[1-9]|3[0-2])[?~%]?")
DASH = "\u2013"  # an en dash, as in "19\u201326 Feb 2026"
SPACED_DASH = f" {DASH} "
_FAR = 10**8  # beyond every date ordinal: stands for an unbounded side in sort keys
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


# -- hull and sort key ----------------------------------------------------------------------


def _shift(value: date, precision: Precision, conventions: Conventions, sign: int) -> date:
    pad = conventions.pad(precision)
    try:
        return value + pad if sign > 0 else value - pad
    except (OverflowError, ValueError):
        return date.max if sign > 0 else date.min


def hull(when: When, conventions: Conventions | None = None) -> tuple[date | None, date | None]:
    """Earliest start and latest end as civil dates, padded for approximate ends."""
    conventions = conventions or DEFAULT_CONVENTIONS
    lo = None if when.start_earliest is None else civil(when.start_earliest)
    hi = None if when.end_latest is None else civil(when.end_latest)
    start_approx = when.start_approximate or (not when.span and when.end_approximate)
    end_approx = when.end_approximate or (not when.span and when.start_approximate)
    start_unit, end_unit = _pad_units(when)
    if lo is not None and start_approx:
        lo = _shift(lo, start_unit, conventions, -1)
    if hi is not None and end_approx:
        hi = _shift(hi, end_unit, conventions, +1)
    return lo, hi


def _coarser(a: Precision, b: Precision | None) -> Precision:
    if b is None or PRECISION_RANK[a] >= PRECISION_RANK[b]:
        return a
    return b


def _pad_units(when: When) -> tuple[Precision, Precision]:
    """The precision each end is padded by: its own, or a coarser approximate component."""
    start, end = when.start_precision, when.end_precision
    text = when.edtf
    if not text or text[0] in "[{" or not any(c in text for c in "~%"):
        return start, end
    parts = text.split("/") if "/" in text else [text, text]
    if len(parts) != 2:
        return start, end
    return _coarser(start, approximate_unit(parts[0])), _coarser(end, approximate_unit(parts[1]))


def _bound_key(value: date | None, missing: int) -> tuple[int, int, int]:
    if value is None:
        return (missing, 0, 0)
    if isinstance(value, datetime):
        micros = (value - _EPOCH) // timedelta(microseconds=1)
        return (value.date().toordinal(), 1, micros)
    return (value.toordinal(), 0, 0)


def sort_key(when: When) -> tuple[Any, ...]:
    """A total ordering key: earliest start first; unbounded starts first, open ends last."""
    return (
        _bound_key(when.start_earliest, 0),
        _bound_key(when.start_latest, _FAR),
        _bound_key(when.end_earliest, _FAR),
        _bound_key(when.end_latest, _FAR),
        when.span,
        list(EndState).index(when.start_state),
        list(EndState).index(when.end_state),
        PRECISION_RANK[when.start_precision],
        PRECISION_RANK[when.end_precision],
        when.start_approximate,
        when.start_uncertain,
        when.end_approximate,
        when.end_uncertain,
        when.edtf or "",
    )


# -- labels ---------------------------------------------------------------------------------


def _day(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _time(value: datetime) -> str:
    name = value.tzname() or ""
    offset = value.utcoffset() or timedelta(0)
    if not name or name.startswith(("UTC+", "UTC-")) or not name.isalpha():
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        name = "UTC" if not minutes else f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{_day(value)} {value:%H:%M} {name}"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def unit_label(lo: date, hi: date, precision: Precision) -> str | None:
    """ "Feb 2026", "spring 2026", "Q2 2026", "the 1990s"… when ``[lo, hi]`` is one such unit."""
    if isinstance(lo, datetime):
        return _time(lo) if lo == hi else None
    if (
        precision is Precision.CENTURY
        and hi.year - lo.year == 99
        and (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31)
        and lo.year % 100 in (0, 1)
    ):
        return f"the {_ordinal(lo.year // 100 + 1)} century"
    for candidate in (precision, Precision.DAY, Precision.MONTH, Precision.YEAR):
        for hemisphere in ("north", "south"):
            code = unit_code(lo, hi, candidate, hemisphere)
            if code is not None:
                return _label(code, candidate, lo, hi)
    if precision is Precision.WEEK and lo.weekday() == 0 and hi - lo == timedelta(days=6):
        return f"week of {_day(lo)}"
    return None


def _label(code: str, precision: Precision, lo: date, hi: date) -> str:
    year = lo.year
    if precision is Precision.DAY:
        return _day(lo)
    if precision is Precision.MONTH:
        return f"{MONTHS[lo.month - 1]} {year}"
    if precision is Precision.YEAR:
        return str(year)
    if precision is Precision.SEASON:
        number = int(code[-2:])
        season = _SEASON_BY_CODE[number]
        if hi.year != year:
            return f"{season} {year}{DASH}{hi.year % 100:02d}"
        return f"{season} {year}"
    if precision is Precision.QUARTER:
        return f"Q{(lo.month - 1) // 3 + 1} {year}"
    if precision is Precision.HALF:
        return f"H{(lo.month - 1) // 6 + 1} {year}"
    if precision is Precision.QUADRIMESTER:
        return f"{MONTHS[lo.month - 1]}{DASH}{MONTHS[hi.month - 1]} {year}"
    if precision is Precision.DECADE:
        return f"the {year}s"
    if precision is Precision.CENTURY:
        return f"the {_ordinal(year // 100 + 1)} century"
    return f"the {_ordinal(year // 1000 + 1)} millennium"


def _coarse_range(lo: date, hi: date, precision: Precision, joiner: str) -> str:
    """``lo`` to ``hi`` with shared parts said once: "19 and 26 Feb 2026", "Oct-Dec 1984"."""
    if isinstance(lo, datetime) or isinstance(hi, datetime):
        left = _time(lo) if isinstance(lo, datetime) else _day(lo)
        right = _time(hi) if isinstance(hi, datetime) else _day(hi)
        if left.rsplit(" ", 2)[::2] == right.rsplit(" ", 2)[::2]:  # one day, one zone
            day, zone = left.rsplit(" ", 2)[::2]
            return f"{left.rsplit(' ', 2)[1]}{joiner}{right.rsplit(' ', 2)[1]} {zone} on {day}"
        return f"{left}{joiner}{right}"
    coarse = PRECISION_RANK[precision] >= PRECISION_RANK[Precision.MONTH]
    months = coarse and lo.day == 1 and hi.day == month_end(hi.year, hi.month)
    years = months and lo.month == 1 and hi.month == 12
    if years:
        return f"{lo.year}{joiner}{hi.year}"
    if months:
        if lo.year == hi.year:
            return f"{MONTHS[lo.month - 1]}{joiner}{MONTHS[hi.month - 1]} {hi.year}"
        return f"{MONTHS[lo.month - 1]} {lo.year}{joiner}{MONTHS[hi.month - 1]} {hi.year}"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.day}{joiner}{_day(hi)}"
    if lo.year == hi.year:
        return f"{lo.day} {MONTHS[lo.month - 1]}{joiner}{_day(hi)}"
    return f"{_day(lo)}{joiner}{_day(hi)}"


def _qualify(text: str, approximate: bool, uncertain: bool) -> str:
    return ("c. " if approximate else "") + text + ("?" if uncertain else "")


def _before_label(hi: date, precision: Precision) -> str:
    """ "before Apr 2026" for a window that ends with March 2026 (at month precision)."""
    after = add_days(civil(hi), 1)
    for candidate in (precision, Precision.YEAR, Precision.MONTH):
        if candidate in (Precision.DAY, Precision.TIME):
            continue
        label = unit_label(*_unit_at(after, candidate), candidate)
        if label is not None and _unit_at(after, candidate)[0] == after:
            return f"before {label}"
    return f"on or before {_day(civil(hi))}"


def _after_label(lo: date, precision: Precision) -> str:
    before = add_days(civil(lo), -1)
    for candidate in (precision, Precision.YEAR, Precision.MONTH):
        if candidate in (Precision.DAY, Precision.TIME):
            continue
        window = _unit_at(before, candidate)
        label = unit_label(*window, candidate)
        if label is not None and window[1] == before:
            return f"after {label}"
    return f"on or after {_day(civil(lo))}"


def _unit_at(day: date, precision: Precision) -> tuple[date, date]:
    if precision is Precision.MONTH:
        return day.replace(day=1), day.replace(day=month_end(day.year, day.month))
    if precision in (Precision.QUARTER, Precision.HALF):
        size = 3 if precision is Precision.QUARTER else 6
        first = date(day.year, (day.month - 1) // size * size + 1, 1)
        last = add_months(first, size - 1)
        return first, last.replace(day=month_end(last.year, last.month))
    width = {Precision.DECADE: 10, Precision.CENTURY: 100, Precision.MILLENNIUM: 1000}.get(
        precision, 1
    )
    first_year = max(day.year // width * width, 1)
    return date(first_year, 1, 1), date(min(first_year + width - 1, 9999), 12, 31)


def _end_text(lo: date, hi: date, precision: Precision) -> str:
    label = unit_label(lo, hi, precision)
    return label if label is not None else f"sometime {_coarse_range(lo, hi, precision, DASH)}"


def display(when: When) -> str:
    """Human text for ``when``."""
    se, sl = when.start_earliest, when.start_latest
    if not when.span:
        approximate = when.start_approximate or when.end_approximate
        uncertain = when.start_uncertain or when.end_uncertain
        precision = when.start_precision
        if (se is None and sl is None) or (
            precision is Precision.UNKNOWN and (se, sl) == (date.min, date.max)
        ):
            return _qualify("unknown date", approximate, uncertain)
        if se is None:
            assert sl is not None
            text = _before_label(sl, precision)
        elif sl is None:
            text = _after_label(se, precision)
        else:
            label = unit_label(se, sl, precision)
            season = _SEASON_EDTF.fullmatch(when.edtf or "")
            if season is not None and precision is Precision.SEASON:
                label = _label(f"{season.group(1)}-{season.group(2)}", precision, se, sl)
            text = label or f"between {_coarse_range(se, sl, precision, ' and ')}"
        return _qualify(text, approximate, uncertain)
    ee, el = when.end_earliest, when.end_latest
    start_known = se is not None and sl is not None
    end_known = ee is not None and el is not None
    if start_known and end_known:
        assert se is not None and sl is not None and ee is not None and el is not None
        if se == sl == ee == el and not isinstance(se, datetime):
            return _qualify(_day(se), when.start_approximate, when.start_uncertain)
        if (
            isinstance(se, datetime)
            and isinstance(ee, datetime)
            and se.date() == ee.date()
            and se.tzinfo == ee.tzinfo
            and _time(se).rsplit(" ", 1)[1] == _time(ee).rsplit(" ", 1)[1]
        ):
            zone = _time(se).rsplit(" ", 1)[1]
            return f"{_day(se)} {se:%H:%M}{DASH}{ee:%H:%M} {zone}"
        if (
            se == sl
            and ee == el
            and not isinstance(se, datetime)
            and not isinstance(ee, datetime)
            and not (when.start_approximate or when.start_uncertain)
        ):
            joiner = DASH if (se.year, se.month) == (ee.year, ee.month) else SPACED_DASH
            return (
                _qualify(_coarse_range(se, ee, Precision.DAY, joiner), False, when.end_uncertain)
                if not when.end_approximate
                else f"{_day(se)}{SPACED_DASH}c. {_day(ee)}"
            )
        start_label = unit_label(se, sl, when.start_precision)
        end_label = unit_label(ee, el, when.end_precision)
        plain = not (when.start_approximate or when.start_uncertain)
        if (
            start_label
            and end_label
            and plain
            and when.start_precision == when.end_precision
            and when.start_precision in (Precision.MONTH, Precision.YEAR)
        ):
            text = _coarse_range(se, el, when.start_precision, DASH)
            if " " in text and when.start_precision is Precision.MONTH and se.year != el.year:
                text = _coarse_range(se, el, when.start_precision, SPACED_DASH)
            return _qualify(text, when.end_approximate, when.end_uncertain)
    if start_known:
        assert se is not None and sl is not None
        start = _qualify(
            _end_text(se, sl, when.start_precision), when.start_approximate, when.start_uncertain
        )
    else:
        start = "?" if when.start_state is EndState.UNKNOWN else ""
    if end_known:
        assert ee is not None and el is not None
        end = _qualify(
            _end_text(ee, el, when.end_precision), when.end_approximate, when.end_uncertain
        )
    else:
        end = "ongoing" if when.end_state is EndState.OPEN else "?"
    if not start:
        return f"until {end}"
    return f"{start}{SPACED_DASH}{end}"
