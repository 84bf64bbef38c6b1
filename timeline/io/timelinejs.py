"""TimelineJS (Knight Lab) JSON: the events as the TimelineJS viewer reads them.

A date is given only as finely as it is known: a year event has just ``year``, a month event
``year`` and ``month``; a date that is not exactly known (a window, ``~``, ``?``) also gets a
``display_date`` ("spring 2026", "c. 1898") so the viewer shows the honest text. Texts are
HTML-escaped, since TimelineJS renders them as HTML.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import IO, TYPE_CHECKING, Any

from ..when import Precision, When
from .base import write_json_array
from .views import EventView, event_views

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline

_YEAR_ONLY = {Precision.YEAR, Precision.DECADE, Precision.CENTURY, Precision.MILLENNIUM}


def _date(value: date, precision: Precision, display: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"year": value.year}
    if precision not in _YEAR_ONLY and precision is not Precision.UNKNOWN:
        out["month"] = value.month
        if precision in (Precision.DAY, Precision.TIME):
            out["day"] = value.day
        if precision is Precision.TIME and isinstance(value, datetime):
            out.update(hour=value.hour, minute=value.minute, second=value.second)
    if display:
        out["display_date"] = display
    return out


def _whole_unit(lo: date | None, hi: date | None, precision: Precision) -> bool:
    """True when ``[lo, hi]`` is exactly one day, month or year at ``precision``."""
    if lo is None or hi is None:
        return False
    if precision in (Precision.DAY, Precision.TIME):
        return lo == hi
    first = lo.date() if isinstance(lo, datetime) else lo
    last = hi.date() if isinstance(hi, datetime) else hi
    if precision is Precision.MONTH:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first.day == 1 and (following - last).days == 1
    if precision is Precision.YEAR:
        return (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and (
            first.year == last.year
        )
    return False


def _exact(when: When) -> bool:
    """True when TimelineJS's own date fields say ``when`` fully (no display text needed)."""
    if when.start_approximate or when.start_uncertain or when.end_approximate:
        return False
    if when.end_uncertain:
        return False
    if not _whole_unit(when.start_earliest, when.start_latest, when.start_precision):
        return False
    return not when.span or _whole_unit(when.end_earliest, when.end_latest, when.end_precision)


def _is_web(url: str) -> bool:
    """Only ``http(s)`` URLs become links (never ``javascript:`` or ``data:``)."""
    return url.strip().lower().startswith(("http://", "https://"))


def slide(view: EventView) -> dict[str, Any] | None:
    """One TimelineJS event (``None`` when the start is not known)."""
    event, when = view.event, view.event.when
    if when is None or when.start_earliest is None:
        return None
    display = None if _exact(when) else when.display()
    text = escape(event.summary or "")
    links = [
        f'<a href="{escape(s.url)}">{escape(s.title)}</a>' if _is_web(s.url) else escape(s.title)
        for s in view.sources
        if s.url
    ]
    if links:
        text += ("<br>" if text else "") + "Sources: " + ", ".join(links)
    out: dict[str, Any] = {
        "unique_id": f"event-{event.id}",
        "start_date": _date(when.start_earliest, when.start_precision, display),
        "text": {"headline": escape(event.title), "text": text},
        "group": event.kind.split(".")[0],
    }
    if when.span and when.end_latest is not None:
        out["end_date"] = _date(when.end_latest, when.end_precision, None)
    elif when.start_latest is not None and not _whole_unit(
        when.start_earliest, when.start_latest, when.start_precision
    ):
        # An instant known only to a window (the 1990s, spring) runs to the window's end in
        # the picture, at the precision it has; its display text says it is one moment.
        out["end_date"] = _date(when.start_latest, when.start_precision, None)
    return out


def write_timelinejs(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write ``{"title": ..., "events": [...]}``; returns the events written."""
    slides = (slide(view) for view in event_views(tl, query))
    opening = '{"title": {"text": {"headline": "Timeline"}}, "events": ['
    return write_json_array(out, opening, slides)
