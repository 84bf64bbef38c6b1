"""The composable event query: ``tl.events().involving("Kim").between("2026-01", "2026-06")``.

Every method returns a new query; nothing runs until ``all()``, ``first()``, ``count()`` or
iteration. ``statement`` is the SQLAlchemy ``Select`` behind it, for use in a plain ``Session``.

Window semantics on fuzzy dates (``a`` = the first day of ``start``, ``b`` = the last of ``end``):

- ``between(..., certainty="possible")``: the event *possibly* overlaps ``[a, b]``: its search
  hull (strict bounds, padded where approximate; open and unknown ends unbounded) meets it.
- ``between(..., certainty="certain")``: the event overlaps ``[a, b]`` for every reading of its
  strict bounds.
- ``within(a, b)``: the event lies entirely inside ``[a, b]`` for every reading.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from .errors import InvalidEventError
from .models import (
    MAX_DAY,
    MIN_DAY,
    SPAN_CLASS_LIMITS,
    EntityAlias,
    Event,
    EventTag,
    Participation,
    Place,
    PlaceAlias,
    Relation,
)
from .text import name_key
from .vocab import SETTLED_STATUSES, RelationKind, Status, check_kind, check_role
from .when import When

Certainty = Literal["possible", "certain"]


def _civil_input(value: Any) -> Any:
    """A naive datetime in a query bound stands for its civil date."""
    return value.date() if isinstance(value, datetime) and value.tzinfo is None else value


def _day_bounds(start: Any, end: Any) -> tuple[date, date]:
    """The first day of ``start`` and the last day of ``end`` (each anything ``When`` parses).

    A naive ``datetime`` stands for its civil date.
    """
    start, end = _civil_input(start), _civil_input(end)
    first = When.parse(start).start_earliest
    last = When.parse(end).end_latest
    if first is None or last is None:
        raise InvalidEventError(
            f"a window needs known bounds, not {start!r} to {end!r}", field="window"
        )
    first_day = first.date() if isinstance(first, datetime) else first
    last_day = last.date() if isinstance(last, datetime) else last
    if first_day > last_day:
        raise InvalidEventError(f"window {start!r} to {end!r} ends before it starts")
    return first_day, last_day


def _shift(day: date, days: int) -> date:
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return MIN_DAY


def possibly_overlaps(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the event's search hull meets ``[first, last]``, one index range per span class.

    A hull of class ``c`` is at most ``SPAN_CLASS_LIMITS[c]`` days long, so its start lies in
    ``[first - limit, last]``: a bounded range scan of ``ix_timeline_event_window`` instead of
    a walk over every earlier start (the long-interval trap of a start-only index).
    """
    branches = [
        and_(
            col(Event.span_class) == bucket,
            col(Event.search_start) >= _shift(first, limit),
            col(Event.search_start) <= last,
            col(Event.search_end) >= first,
        )
        for bucket, limit in enumerate(SPAN_CLASS_LIMITS)
    ]
    branches.append(
        and_(
            col(Event.span_class) == len(SPAN_CLASS_LIMITS),
            col(Event.search_start) <= last,
            col(Event.search_end) >= first,
        )
    )
    return or_(*branches)


def certainly_overlaps(first: date, last: date) -> ColumnElement[bool]:
    """SQL: every reading of the event's strict bounds overlaps ``[first, last]``.

    The latest possible start is on or before ``last`` and the earliest possible end (for an
    open or unknown end: the earliest start) on or after ``first``. For an instant, whose end
    is its start, this means its whole window lies inside.
    """
    return and_(
        possibly_overlaps(first, last),
        func.coalesce(Event.start_latest, Event.end_latest) <= last,
        func.coalesce(Event.end_earliest, Event.start_earliest) >= first,
    )


def certainly_within(first: date, last: date) -> ColumnElement[bool]:
    """SQL: every reading of the event lies inside ``[first, last]`` (open ends never do)."""
    return and_(
        possibly_overlaps(first, last),
        col(Event.start_earliest) >= first,
        col(Event.end_latest) <= last,
    )


def entity_ids_named(name: str) -> Select[Any]:
    """SQL: ids of the entities with ``name`` among their names or aliases (any case, accents)."""
    return select(col(EntityAlias.entity_id)).where(col(EntityAlias.key) == name_key(name))


def place_subtree(name: str) -> Select[Any]:
    """SQL: ids of the places called ``name`` and of every place inside them."""
    roots: Select[Any] = select(col(PlaceAlias.place_id).label("id")).where(
        col(PlaceAlias.key) == name_key(name)
    )
    tree = roots.cte("timeline_place_tree", recursive=True)
    tree = tree.union(select(col(Place.id)).where(col(Place.parent_id) == tree.c.id))
    return select(tree.c.id)


def kind_subtree(prefix: str) -> ColumnElement[bool]:
    """SQL: the kind is ``prefix`` or below it (``military`` ⊃ ``military.parade``).

    A range on the dotted string (``'.'`` sorts just before ``'/'``), so no LIKE wildcard in a
    kind can widen the match, and an index on ``kind`` serves it.
    """
    kind = check_kind(prefix, field="kind prefix")
    return or_(
        col(Event.kind) == kind,
        and_(col(Event.kind) >= kind + ".", col(Event.kind) < kind + "/"),
    )


@dataclass(frozen=True)
class EventQuery:
    """A lazy, immutable query over events; each method returns a new query."""

    _session: Callable[[], Session]
    _where: tuple[ColumnElement[bool], ...] = ()
    _order: tuple[Any, ...] = ()
    _limit: int | None = None
    _offset: int | None = None

    def _filter(self, condition: ColumnElement[bool]) -> EventQuery:
        return replace(self, _where=(*self._where, condition))

    # -- filters ---------------------------------------------------------------------------

    def between(self, start: Any, end: Any, *, certainty: Certainty = "possible") -> EventQuery:
        """Events that possibly (or, with ``certainty="certain"``, certainly) overlap the window.

        >>> tl.events().between("2026-02", "2026-05", certainty="certain")  # doctest: +SKIP
        """
        first, last = _day_bounds(start, end)
        if certainty == "possible":
            return self._filter(possibly_overlaps(first, last))
        if certainty == "certain":
            return self._filter(certainly_overlaps(first, last))
        raise InvalidEventError(
            f"certainty must be 'possible' or 'certain', not {certainty!r}",
            field="certainty",
            value=certainty,
        )

    def within(self, start: Any, end: Any) -> EventQuery:
        """Events certainly entirely inside the window."""
        return self._filter(certainly_within(*_day_bounds(start, end)))

    def involving(self, name: str, role: str | None = None) -> EventQuery:
        """Events an entity takes part in, found by any of its names; optionally in ``role``."""
        links = select(col(Participation.event_id)).where(
            col(Participation.entity_id).in_(entity_ids_named(name))
        )
        if role is not None:
            links = links.where(col(Participation.role) == check_role(role))
        return self._filter(col(Event.id).in_(links))

    def of_kind(self, prefix: str) -> EventQuery:
        """Events of a kind or any kind below it: ``of_kind("military")`` finds parades."""
        return self._filter(kind_subtree(prefix))

    def at(self, place: str) -> EventQuery:
        """Events at a place or anywhere inside it (``at("North Korea")`` finds Pyongyang)."""
        return self._filter(col(Event.place_id).in_(place_subtree(place)))

    def with_status(self, *statuses: Status | str) -> EventQuery:
        """Events whose current status is one of ``statuses``."""
        values = [Status.coerce(s, field="status").value for s in statuses]
        return self._filter(col(Event.status).in_(values))

    def tagged(self, tag: str) -> EventQuery:
        """Events carrying ``tag``."""
        tagged = select(col(EventTag.event_id)).where(col(EventTag.tag) == tag.strip())
        return self._filter(col(Event.id).in_(tagged))

    def part_of(self, event: Event | int) -> EventQuery:
        """Events recorded as part of ``event`` (the parade during the congress)."""
        parent = event.id if isinstance(event, Event) else event
        parts = select(col(Relation.source_event_id)).where(
            col(Relation.target_event_id) == parent,
            col(Relation.kind) == RelationKind.PART_OF.value,
        )
        return self._filter(col(Event.id).in_(parts))

    def upcoming(self, as_of: Any = None) -> EventQuery:
        """Events that may still begin after ``as_of`` (default: today, UTC), soonest first.

        An event is upcoming when its latest possible start is after ``as_of`` (or unknown) and
        it is not marked occurred, ongoing, cancelled or denied.
        """
        if as_of is None:
            day = datetime.now(timezone.utc).date()
        else:
            _, day = _day_bounds(as_of, as_of)
        settled = [s.value for s in SETTLED_STATUSES]
        query = self._filter(
            and_(
                func.coalesce(Event.start_latest, Event.end_latest, literal(MAX_DAY)) > day,
                col(Event.status).not_in(settled),
            )
        )
        return query if query._order else query.order_by_time()

    # -- shape -----------------------------------------------------------------------------

    def order_by_time(self, descending: bool = False) -> EventQuery:
        """Order by the earliest start (unknown starts first), then latest start, then id."""
        keys = [
            col(Event.start_earliest).nulls_first(),
            col(Event.start_latest),
            col(Event.end_latest).nulls_last(),
            col(Event.id),
        ]
        if descending:
            keys = [
                col(Event.start_earliest).desc().nulls_last(),
                col(Event.start_latest).desc(),
                col(Event.end_latest).desc().nulls_first(),
                col(Event.id).desc(),
            ]
        return replace(self, _order=tuple(keys))

    def limit(self, n: int) -> EventQuery:
        """At most ``n`` events."""
        return replace(self, _limit=_non_negative(n, "limit"))

    def offset(self, n: int) -> EventQuery:
        """Skip the first ``n`` events."""
        return replace(self, _offset=_non_negative(n, "offset"))

    @property
    def statement(self) -> Select[Any]:
        """The SQLAlchemy ``Select`` of ``Event`` rows behind this query."""
        statement = select(Event).where(*self._where)
        statement = statement.order_by(*(self._order or (col(Event.id),)))
        if self._limit is not None:
            statement = statement.limit(self._limit)
        if self._offset is not None:
            statement = statement.offset(self._offset)
        return statement

    # -- results ---------------------------------------------------------------------------

    def all(self) -> list[Event]:
        """Run the query and return the events (detached, fully loaded)."""
        with self._session() as session:
            return list(session.scalars(self.statement))

    def first(self) -> Event | None:
        """The first event, or ``None``."""
        found = self.limit(1).all()
        return found[0] if found else None

    def count(self) -> int:
        """How many events match (within ``limit``/``offset`` when they are set)."""
        if self._limit is None and self._offset is None:
            statement = select(func.count()).select_from(Event).where(*self._where)
        else:
            paged = self.statement.with_only_columns(col(Event.id)).subquery()
            statement = select(func.count()).select_from(paged)
        with self._session() as session:
            return int(session.execute(statement).scalar_one())

    def ids(self) -> list[int]:
        """The ids of the matching events, in order."""
        statement = self.statement.with_only_columns(col(Event.id))
        with self._session() as session:
            return [int(i) for i in session.execute(statement).scalars()]

    def plot(
        self,
        path: str | os.PathLike[str],
        *,
        lanes: Literal["kind", "entity"] | None = "kind",
        title: str | None = None,
        reported: Any = None,
    ) -> Path:
        """Draw these events as a chart (``.png``, ``.svg`` or ``.pdf``; needs ``timeline[plot]``).

        Lanes by top-level ``kind``, by ``entity`` or none; ``reported`` (a date) draws a
        dashed "reported on" line. See docs/pictures.md.
        """
        from .plot import plot_events

        day = _day_bounds(reported, reported)[0] if reported is not None else None
        return plot_events(
            self.statement, self._session, path, lanes=lanes, title=title, reported=day
        )

    def to_html(self, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
        """Write these events as one self-contained, offline, interactive HTML page."""
        from .html import write_html

        return write_html(self.statement, self._session, path, title=title)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.all())


def _non_negative(n: int, what: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidEventError(f"{what} must be a non-negative integer, not {n!r}", field=what)
    return n
