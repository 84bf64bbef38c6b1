"""How queries and dates show in a notebook, and their pandas column types.

A query's HTML is its first rows and its total count: one ``count()`` and one ``limit(10)``
read, never every row.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime

from .models import Event

if TYPE_CHECKING:
    from .query import EventQuery
    from .when import When

#: How many rows a query's HTML shows.
HTML_ROWS = 10
#: The columns a query's HTML shows.
HTML_COLUMNS = ("id", "title", "kind", "status", "edtf")

#: The method that adds each kind of filter, for a query's ``repr``.
METHODS = {
    "actor": "involving",
    "kind": "of_kind",
    "place": "at",
    "status": "with_status",
    "tag": "tagged",
    "source": "from_source",
}
#: Parameters that are the filter's machinery, not what the user asked.
HIDDEN = ("low", "below", "beyond", "group")


def describe(query: EventQuery) -> str:
    """What ``query`` filters, orders and pages, as a short text (its ``repr``)."""
    values = dict(query._values)
    parts = []
    for slot, shape in enumerate(query._shape):
        kind = shape[0] if isinstance(shape, tuple) else shape
        if kind == "live":
            continue
        mine = {
            name.removeprefix(f"timeline_{slot}_"): value
            for name, value in values.items()
            if name.startswith(f"timeline_{slot}_")
        }
        if kind == "window":
            test = shape[1]  # type: ignore[index]
            name = "within" if test == "within" else "between"
            extra = ", certainty='certain'" if test == "certain" else ""
            parts.append(f"{name}({mine['first']}, {mine['last']}{extra})")
        elif kind == "starts" and parts:  # between(..., ongoing=False) adds it after its window
            parts[-1] = parts[-1][:-1] + ", ongoing=False)"
        elif kind is None:
            parts.append("related(...)")
        else:
            shown = ", ".join(
                f"{key}={value!r}" for key, value in mine.items() if not key.startswith(HIDDEN)
            )
            parts.append(f"{METHODS.get(str(kind), kind)}({shown})")
    descending = query._descending()
    if query._order and descending is None:
        parts.append("ranked")
    elif descending is not None:
        parts.append("order_by_time(descending=True)" if descending else "order_by_time()")
    known = {name: getattr(query, f"_{name}", None) for name in ("published", "recorded")}
    if any(value is not None for value in known.values()):
        shown = ", ".join(f"{name}={value}" for name, value in known.items() if value is not None)
        parts.append(f"as_of({shown})")
    if query._after is not None:
        parts.append(f"after(id={query._after[3]})")
    if query._limit is not None:
        parts.append(f"limit({query._limit})")
    if query._offset is not None:
        parts.append(f"offset({query._offset})")
    return f"{type(query).__name__}({', '.join(parts) or 'all live events'})"


def query_html(query: EventQuery) -> str:
    """An HTML table of the first rows of ``query`` and its total count."""
    total = query.count()
    shown = HTML_ROWS if query._limit is None else min(HTML_ROWS, query._limit)
    rows = query.limit(shown).rows(*HTML_COLUMNS)
    head = "".join(f"<th>{name}</th>" for name in HTML_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(value))}</td>" for value in row) + "</tr>"
        for row in rows
    )
    more = f"; the first {len(rows)} shown" if total > len(rows) else ""
    return (
        f"<div><p>{escape(describe(query))}: {total} event{'s' * (total != 1)}{more}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def when_html(when: When) -> str:
    """``when`` as its display text, with its EDTF and strict bounds."""
    low, high = when.start_earliest, when.end_latest
    bounds = f"{'..' if low is None else low} to {'..' if high is None else high}"
    edtf = f" <code>{escape(when.edtf)}</code>" if when.edtf else ""
    return (
        f"<span title='{escape(bounds)}'><b>{escape(str(when))}</b>{edtf} ({escape(bounds)})</span>"
    )


def pandas_dtype(column: str) -> str | None:
    """The datetime64 type of an event date column in a DataFrame (``None`` for the others).

    Days are second-precision ``datetime64[s]``: years 1 and 9999 (open hull ends) fit in it.
    """
    found = Event.__table__.c.get(column)  # type: ignore[attr-defined]
    if found is None:
        return None
    if isinstance(found.type, Date):
        return "datetime64[s]"
    if isinstance(getattr(found.type, "impl", found.type), DateTime):
        return "datetime64[us, UTC]"
    return None
