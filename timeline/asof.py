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

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, Table, func, null, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import CompoundSelect, Select, Subquery
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.visitors import replacement_traverse

from .errors import InvalidDateError, InvalidEventError
from .knowledge import STATE_FIELDS, EventVersion
from .models import MAX_DAY, Event
from .query import EventQuery
from .when import When

#: Columns that are about the event row today, not about what was known: hidden as NULL.
_TODAY_ONLY = ("deleted_at", "merged_into_id")

#: The fields of :class:`EventQuery` this module knows how to carry over.
_KNOWN_FIELDS = {
    *("_session", "_engine", "_where", "_shape", "_values"),
    *("_order", "_limit", "_offset", "_published", "_recorded"),
}


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


@dataclass(frozen=True)
class AsOfQuery(EventQuery):
    """An :class:`EventQuery` answered from the versions valid at a knowledge time."""

    _published: date | None = None
    _recorded: datetime | None = None

    def _check_supported(self) -> None:
        for field in fields(self):
            if field.name not in _KNOWN_FIELDS and getattr(self, field.name) != field.default:
                raise InvalidEventError(
                    f"as_of cannot yet be combined with {field.name.lstrip('_')}",
                    field="as_of",
                )

    def _parts(self, *columns: str, ordered: bool = True) -> tuple[Subquery, Select[Any]]:
        """The state rows, and the statement of ``Event`` objects (or of ``columns``) on them.

        The plain ``_where`` conditions are used, not the actor-link shortcut of the event
        query: the link rows carry today's hull, not the hull as of the given time.
        """
        self._check_supported()
        with self._session() as session:
            dialect = session.get_bind().dialect.name
        rows = state_rows(self._published, self._recorded, dialect)
        if columns:
            statement = select(*(rows.c[name] for name in columns))
        else:
            statement = select(aliased(Event, rows, adapt_on_names=True))
        statement = statement.where(*(swap(w, rows) for w in self._where))
        if ordered:
            order = [swap(key, rows) for key in self._order] or [rows.c.id]
            statement = statement.order_by(*order)
        if self._limit is not None:
            statement = statement.limit(self._limit)
        if self._offset is not None:
            statement = statement.offset(self._offset)
        return rows, statement.params(dict(self._values))

    @property
    def statement(self) -> Select[Any]:
        """The SQLAlchemy ``Select`` of ``Event`` objects (their state as of the given time)."""
        return self._parts()[1]

    def _columns_statement(
        self, columns: tuple[str, ...], ordered: bool = True
    ) -> Select[Any] | CompoundSelect[Any]:
        unknown = [name for name in columns if name not in Event.model_fields]
        if unknown:
            raise InvalidEventError(f"unknown event column {unknown[0]!r}", field="columns")
        return self._parts(*columns, ordered=ordered)[1]

    def count_by(self, period: str) -> list[tuple[date, int]]:
        """``(period_start, count)`` by the earliest possible start as of the given time."""
        from .periods import as_day, check_period, period_start

        check_period(period)
        paged = self._parts("id", "start_earliest")[1].order_by(None).subquery()
        with self._session() as session:
            dialect = session.get_bind().dialect.name
            key = swap(period_start(period, dialect), paged).label("period")
            statement = (
                select(key, func.count())
                .where(paged.c.start_earliest.is_not(None))
                .group_by(key)
                .order_by(key)
            )
            return [(as_day(day), int(n)) for day, n in session.connection().execute(statement)]

    def count(self) -> int:
        """How many events match as of the given time."""
        counted = select(func.count()).select_from(self.statement.order_by(None).subquery())
        with self._session() as session:
            return int(session.execute(counted).scalar_one())

    def all(self) -> list[Event]:
        """The events, each carrying its status and ``When`` as of the given time."""
        with self._session() as session:
            return list(session.scalars(self.statement))


def as_of_query(query: EventQuery, published: Any = None, recorded: Any = None) -> AsOfQuery:
    """``query`` answered as of a published day and/or a recorded time (see module doc)."""
    if published is None and recorded is None:
        raise InvalidEventError(
            "as_of needs a published day, a recorded time (recorded=...), or both",
            field="as_of",
        )
    day = published_day(published) if published is not None else None
    instant = recorded_instant(recorded) if recorded is not None else None
    if isinstance(query, AsOfQuery):
        return replace(query, _published=day, _recorded=instant)
    carried = {f.name: getattr(query, f.name) for f in fields(query)}
    return AsOfQuery(**carried, _published=day, _recorded=instant)
