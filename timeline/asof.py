"""``as_of``: answer any event query as the record stood at a published day or recorded time.

``tl.events().between(...).as_of("2026-03-01")`` runs the same filters and order, not on the
event rows (today's state) but on the :class:`~timeline.knowledge.EventVersion` rows valid on
that published day: an event no document had reported by then is absent, and its status and
``When`` are the ones its claims published by then give. With ``recorded=`` the versions are
also taken as this database held them at that system time (an audit: later claims, edits,
deletions and merges are not seen).

How: the query's conditions are written against ``timeline_event``; here each column of that
table is swapped for the same-named column of a subquery that joins the valid versions to their
events (status and ``When`` from the version, title, kind, place… from the event). The version
table carries the same window indexes as the event table, so windows stay range scans; the
validity test (``known_from <= t < known_until``, recorded interval) is a residual filter on
the rows the window index finds.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, Table, null, or_, select, true
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.visitors import replacement_traverse

from .errors import InvalidDateError
from .knowledge import STATE_FIELDS, EventVersion
from .models import MAX_DAY, Event
from .when import When

#: Columns that are about the event row today, not about what was known: hidden as NULL.
_TODAY_ONLY = ("deleted_at", "merged_into_id")


def published_day(value: Any) -> date:
    """The last day of ``value`` (anything :meth:`When.parse` reads): ``"2026-03"`` → 31 Mar."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.date()
    last = When.parse(value).end_latest
    if last is None:
        raise InvalidDateError(value, "as_of needs a day with a known end")
    return last.date() if isinstance(last, datetime) else last


def recorded_instant(value: Any) -> datetime:
    """An aware instant; a day (or a coarser date) stands for the end of its last UTC day."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidDateError(value, "a recorded time must be aware (attach a tzinfo)")
        return value.astimezone(timezone.utc)
    last = When.parse(value).end_latest
    if isinstance(last, datetime):
        return last.astimezone(timezone.utc)
    if last is None:
        raise InvalidDateError(value, "as_of needs a recorded time with a known end")
    next_day = datetime.combine(last + timedelta(days=1), time(0), timezone.utc)
    return next_day - timedelta(microseconds=1)


def state_rows(published: date | None, recorded: datetime | None, dialect: str) -> Subquery:
    """SQL: one row per event visible at (``published``, ``recorded``), shaped like an event.

    ``None`` for ``published`` means the latest published state; for ``recorded``, now.
    """
    version: Table = EventVersion.__table__  # type: ignore[attr-defined]
    event: Table = Event.__table__  # type: ignore[attr-defined]
    today = [c for c in event.columns if c.name not in STATE_FIELDS and c.name not in _TODAY_ONLY]
    if dialect == "postgresql":
        # The window conditions' row estimates are far too high (range-overlap predicates), so
        # a plain join makes PostgreSQL hash-join against a scan of every event. A LATERAL
        # subquery with LIMIT cannot be flattened: one primary-key lookup per version found.
        lookup = (
            select(*today).where(event.c.id == version.c.event_id).limit(1).lateral("event_now")
        )
        source: Any = version.join(lookup, true())
        now: dict[str, Any] = {c.name: lookup.c[c.name] for c in today}
    else:  # SQLite's planner already does one rowid lookup per version
        source = version.join(event, event.c.id == version.c.event_id)
        now = {c.name: c for c in today}
    columns: list[Any] = []
    for column in event.columns:
        if column.name in _TODAY_ONLY:
            columns.append(null().label(column.name))
        elif column.name in STATE_FIELDS:
            columns.append(version.c[column.name].label(column.name))
        else:
            columns.append(now[column.name].label(column.name))
    conditions: list[ColumnElement[bool]] = []
    if published is None:
        conditions.append(version.c.known_until == MAX_DAY)
    else:
        conditions += [version.c.known_from <= published, version.c.known_until > published]
    if recorded is None:
        conditions.append(version.c.recorded_until.is_(None))
    else:
        conditions += [
            version.c.recorded_from <= recorded,
            or_(version.c.recorded_until.is_(None), version.c.recorded_until > recorded),
        ]
    return select(*columns).select_from(source).where(*conditions).subquery("timeline_event_as_of")


def swap(clause: Any, rows: Subquery) -> Any:
    """``clause`` with every ``timeline_event`` column replaced by the same one of ``rows``."""
    table = Event.__table__  # type: ignore[attr-defined]

    def replace_column(element: Any) -> Any:
        if isinstance(element, ColumnClause) and getattr(element, "table", None) is table:
            return rows.c[element.name]
        return None

    if hasattr(clause, "__clause_element__"):  # an ORM attribute such as ``Event.id``
        clause = clause.__clause_element__()
    return replacement_traverse(clause, {}, replace_column)  # type: ignore[call-overload]
