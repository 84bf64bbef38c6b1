"""Writing a :class:`~timeline.when.When` as EDTF, and recognising calendar units in windows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from timeline.when.calendar import add_months, month_end
from timeline.when.enums import EndState, Precision

if TYPE_CHECKING:
    from timeline.when.value import When

__all__ = ["format_datetime", "infer_precision", "qualifier", "to_edtf", "unit_code"]

_SEASON_CODES = {
    "north": {3: 21, 6: 22, 9: 23, 12: 24},
    "south": {9: 29, 12: 30, 3: 31, 6: 32},
}

#: Precisions tried, in order, when inferring a precision from a window.
_INFERENCE_ORDER = (
    Precision.DAY,
    Precision.MONTH,
    Precision.QUARTER,
    Precision.SEASON,
    Precision.HALF,
    Precision.YEAR,
    Precision.DECADE,
    Precision.CENTURY,
    Precision.MILLENNIUM,
)


def _months(lo: date, hi: date, count: int) -> bool:
    """True when ``[lo, hi]`` is exactly ``count`` whole months starting at ``lo``."""
    if lo.day != 1:
        return False
    last = add_months(lo, count - 1)
    return hi == date(last.year, last.month, month_end(last.year, last.month))


def _years(lo: date, hi: date, count: int) -> bool:
    return (
        lo.month == 1
        and lo.day == 1
        and hi.month == 12
        and hi.day == 31
        and hi.year - lo.year + 1 == count
        and lo.year % count == 0
    )


def unit_code(lo: date, hi: date, precision: Precision, hemisphere: str = "north") -> str | None:
    """The EDTF text of the single calendar unit ``[lo, hi]`` at ``precision``, if it is one.

    ``2026-03`` for March 2026 at month precision, ``2026-21`` for a northern spring at season
    precision, ``199X`` for the 1990s at decade precision; ``None`` otherwise.
    """
    if isinstance(lo, datetime) or isinstance(hi, datetime):
        return None
    year = lo.year
    if precision is Precision.DAY:
        return lo.isoformat() if lo == hi else None
    if precision is Precision.MONTH:
        return f"{year:04d}-{lo.month:02d}" if _months(lo, hi, 1) else None
    if precision is Precision.YEAR:
        return f"{year:04d}" if _years(lo, hi, 1) else None
    if precision is Precision.SEASON:
        code = _SEASON_CODES.get(hemisphere, _SEASON_CODES["north"]).get(lo.month)
        return f"{year:04d}-{code}" if code and _months(lo, hi, 3) else None
    if precision is Precision.QUARTER:
        ok = lo.month % 3 == 1 and _months(lo, hi, 3)
        return f"{year:04d}-{33 + (lo.month - 1) // 3}" if ok else None
    if precision is Precision.QUADRIMESTER:
        ok = lo.month % 4 == 1 and _months(lo, hi, 4)
        return f"{year:04d}-{37 + (lo.month - 1) // 4}" if ok else None
    if precision is Precision.HALF:
        ok = lo.month % 6 == 1 and _months(lo, hi, 6)
        return f"{year:04d}-{40 + (lo.month - 1) // 6}" if ok else None
    if precision is Precision.DECADE:
        return f"{year // 10:03d}X" if _years(lo, hi, 10) else None
    if precision is Precision.CENTURY:
        return f"{year // 100:02d}XX" if _years(lo, hi, 100) else None
    if precision is Precision.MILLENNIUM:
        return f"{year // 1000:01d}XXX" if _years(lo, hi, 1000) else None
    return None


def infer_precision(lo: date | None, hi: date | None) -> Precision:
    """The precision a window most plausibly has (used when a caller omits it)."""
    if lo is None and hi is None:
        return Precision.UNKNOWN
    if isinstance(lo, datetime) or isinstance(hi, datetime):
        return Precision.TIME
    if lo is None or hi is None:
        return Precision.DAY
    for precision in _INFERENCE_ORDER:
        if unit_code(lo, hi, precision) is not None:
            return precision
    if lo.weekday() == 0 and hi - lo == timedelta(days=6):
        return Precision.WEEK
    return Precision.DAY


def qualifier(approximate: bool, uncertain: bool) -> str:
    """The EDTF qualifier for the two flags: ``%``, ``~``, ``?`` or nothing."""
    if approximate and uncertain:
        return "%"
    return "~" if approximate else "?" if uncertain else ""


def format_datetime(value: datetime) -> str | None:
    """``2026-02-26T10:00:00+09:00`` (``Z`` for UTC); ``None`` when EDTF cannot say it."""
    offset = value.utcoffset()
    if offset is None or value.microsecond or offset.seconds % 60 or offset.microseconds:
        return None
    text = value.strftime("%Y-%m-%dT%H:%M:%S") if value.year >= 1000 else (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value:%H:%M:%S}"
    )  # fmt: skip
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def _member(value: date, lo: date, hi: date, precision: Precision) -> str:
    """One bound of a set range, written at the coarsest granularity both bounds allow."""
    if precision not in (Precision.DAY, Precision.TIME, Precision.WEEK, Precision.UNKNOWN):
        if (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31):
            return f"{value.year:04d}"
        if lo.day == 1 and hi.day == month_end(hi.year, hi.month):
            return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def point_text(
    lo: date, hi: date, precision: Precision, approximate: bool, uncertain: bool, hemisphere: str
) -> str | None:
    """One known end (or an instant's window) as EDTF, or ``None``."""
    if isinstance(lo, datetime):
        return None if approximate or uncertain else format_datetime(lo)
    code = unit_code(lo, hi, precision, hemisphere) or unit_code(lo, hi, infer_precision(lo, hi))
    if code is None:
        return None
    return code + qualifier(approximate, uncertain)


def to_edtf(when: When, hemisphere: str = "north") -> str | None:
    """The EDTF text for ``when`` built from its bounds, or ``None`` when EDTF cannot say it."""
    q_start = qualifier(when.start_approximate, when.start_uncertain)
    se, sl = when.start_earliest, when.start_latest
    if not when.span:
        if se is None or sl is None:
            if when.start_state is EndState.UNKNOWN or when.end_state is EndState.UNKNOWN:
                return None
            if (se is None and sl is None) or isinstance(se or sl, datetime):
                return None
            bound = se or sl
            assert bound is not None
            text = _member(bound, bound, bound, Precision.DAY) + q_start
            return f"[{text}..]" if sl is None else f"[..{text}]"
        if isinstance(se, datetime):
            if se != sl:  # a window of times ("tonight"): no EDTF form
                return None
            return point_text(se, sl, when.start_precision, when.start_approximate,
                              when.start_uncertain, hemisphere)  # fmt: skip
        code = unit_code(se, sl, when.start_precision, hemisphere) or unit_code(
            se, sl, infer_precision(se, sl)
        )
        if code is not None:
            return code + q_start
        precision = when.start_precision
        first, last = _member(se, se, sl, precision), _member(sl, se, sl, precision)
        return f"[{first}{q_start}..{last}{q_start}]"
    texts = []
    for lo, hi, state, precision, approximate, uncertain in (
        (se, sl, when.start_state, when.start_precision,
         when.start_approximate, when.start_uncertain),
        (when.end_earliest, when.end_latest, when.end_state, when.end_precision,
         when.end_approximate, when.end_uncertain),
    ):  # fmt: skip
        if state is EndState.OPEN:
            texts.append("..")
        elif state is EndState.UNKNOWN:
            texts.append("")
        else:
            assert lo is not None and hi is not None
            end_text = point_text(lo, hi, precision, approximate, uncertain, hemisphere)
            if end_text is None:
                return None
            texts.append(end_text)
    if texts[0] in ("", "..") and texts[1] in ("", ".."):
        return None
    return "/".join(texts)
