"""The composable event query: ``tl.events().involving("Kim").between("2026-01", "2026-06")``.

Every method returns a new query; nothing runs until ``all()``, ``first()``, ``count()`` or
iteration. ``statement`` is the SQLAlchemy ``Select`` behind it, for use in a plain ``Session``.

Window semantics on fuzzy dates (``a`` = the first day of ``start``, ``b`` = the last of ``end``):

- ``between(..., certainty="possible")``: the event *possibly* overlaps ``[a, b]``: its search
  hull (strict bounds, padded where approximate; open and unknown ends unbounded) meets it.
- ``between(..., certainty="certain")``: the event overlaps ``[a, b]`` for every reading of its
  strict bounds.
- ``within(a, b)``: the event lies entirely inside ``[a, b]`` for every reading.

Long and open-ended events overlap every window they span, so by default a window also returns
the events already under way when it opens ("ongoing"). ``between(..., ongoing=False)`` keeps
only the events that may begin inside the window (latest possible start on or after ``a``;
an open or unknown start counts as already under way).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    Row,
    Table,
    and_,
    bindparam,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import Select, operators
from sqlmodel import Session, col

from .errors import EventNotFoundError, InvalidEventError, TimelineError
from .models import (
    MAX_DAY,
    MIN_DAY,
    SPAN_CLASS_LIMITS,
    Claim,
    EntityAlias,
    Event,
    EventTag,
    Participation,
    Place,
    PlaceAlias,
    Relation,
    Source,
)
from .periods import as_day, check_period, period_start
from .text import check_text, name_key
from .vocab import SETTLED_STATUSES, RelationKind, Status, check_kind, check_role
from .when import When

Certainty = Literal["possible", "certain"]

#: The columns :meth:`EventQuery.rows` and :meth:`EventQuery.dicts` return by default.
ROW_COLUMNS = ("id", "title", "kind", "status", "edtf", "start_earliest", "end_latest")

# Annotations that let the query find its windows and actors again (see EventQuery._conditions).
_WINDOW = "timeline_window"
_ACTOR = "timeline_actor"


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


def _day_param(day: date) -> Any:
    """A bound date (built directly: ORM operators cost ~1 ms per window query)."""
    return bindparam(None, day, type_=Date)


def possibly_overlaps(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the event's search hull meets ``[first, last]``, one index range per span class.

    A hull of class ``c`` is at most ``SPAN_CLASS_LIMITS[c]`` days long, so its start lies in
    ``[first - limit, last]``: a bounded range scan of ``ix_timeline_event_window`` instead of
    a walk over every earlier start (the long-interval trap of a start-only index).
    """
    return or_(*_span_class_ranges(first, last))


def _span_class_ranges(first: date, last: date) -> list[ColumnElement[bool]]:
    """The branches of :func:`possibly_overlaps`, one per span class (disjoint)."""
    table = Event.__table__.c  # type: ignore[attr-defined]
    bucket_of, start, end = table.span_class, table.search_start, table.search_end
    low_end, high_start = _day_param(first), _day_param(last)
    branches = [
        and_(
            bucket_of == bucket,
            start >= _day_param(_shift(first, limit)),
            start <= high_start,
            end >= low_end,
        )
        for bucket, limit in enumerate(SPAN_CLASS_LIMITS)
    ]
    branches.append(and_(bucket_of == len(SPAN_CLASS_LIMITS), start <= high_start, end >= low_end))
    return branches


def _certain(first: date, last: date) -> ColumnElement[bool]:
    """SQL, beyond the hull overlap: every reading of the strict bounds overlaps the window.

    The latest possible start is on or before ``last`` and the earliest possible end (for an
    open or unknown end: the earliest start) on or after ``first``. For an instant, whose end
    is its start, this means its whole window lies inside.
    """
    table = Event.__table__.c  # type: ignore[attr-defined]
    return and_(
        func.coalesce(table.start_latest, table.end_latest) <= _day_param(last),
        func.coalesce(table.end_earliest, table.start_earliest) >= _day_param(first),
    )


def _within(first: date, last: date) -> ColumnElement[bool]:
    """SQL, beyond the hull overlap: every reading lies inside the window (open ends never do)."""
    table = Event.__table__.c  # type: ignore[attr-defined]
    return and_(table.start_earliest >= _day_param(first), table.end_latest <= _day_param(last))


def entity_ids_named(name: str) -> Select[Any]:
    """SQL: ids of the entities with ``name`` among their names or aliases (any case, accents)."""
    key = name_key(check_text(name, "entity name"))
    return select(col(EntityAlias.entity_id)).where(col(EntityAlias.key) == key)


def place_subtree(name: str) -> Select[Any]:
    """SQL: ids of the places called ``name`` and of every place inside them."""
    roots: Select[Any] = select(col(PlaceAlias.place_id).label("id")).where(
        col(PlaceAlias.key) == name_key(check_text(name, "place name"))
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
    _after: tuple[Any, ...] | None = None

    def _filter(self, condition: ColumnElement[bool]) -> EventQuery:
        return replace(self, _where=(*self._where, condition))

    def _window(
        self, first: date, last: date, residual: ColumnElement[bool] | None = None
    ) -> EventQuery:
        """Add a window: the hull overlap and ``residual``, what it tests beyond that."""
        ranges = _span_class_ranges(first, last)
        condition = or_(*ranges) if residual is None else and_(or_(*ranges), residual)
        return self._filter(condition._annotate({_WINDOW: (first, last, residual, tuple(ranges))}))

    def _conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions; an actor's link rows also get the windows' hull bounds.

        Participation rows carry the event's hull under the covering index
        ``(entity_id, search_start, search_end, event_id)``, so "Kim's events in 2026" is one
        short index range instead of every link of a heavy actor. With an actor, the windows'
        hull test moves onto the link rows (the event's own window index would otherwise lead
        SQLite's planner away from them) and only their residual tests stay on the event.
        """
        marked = [c._annotations[_WINDOW] for c in self._where if _WINDOW in c._annotations]
        windows = [(first, last) for first, last, _, _ in marked]
        actors = any(_ACTOR in c._annotations for c in self._where)
        conditions = []
        for condition in self._where:
            actor = condition._annotations.get(_ACTOR)
            window = condition._annotations.get(_WINDOW)
            if actor is not None and windows:
                name, role = actor
                condition = col(Event.id).in_(_actor_links(name, role, windows))
            elif window is not None and actors:
                if window[2] is None:
                    continue
                condition = window[2]
            elif actor is not None or window is not None:
                # The marks hold values: left on, every window would miss the compiled cache.
                condition = condition._deannotate()
            conditions.append(condition)
        if self._after is not None:
            conditions.append(_keyset(self._after, self._descending()))
        return conditions

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session for one read statement.

        (Switching a pooled psycopg connection to autocommit to save the BEGIN/ROLLBACK round
        trips left it inside a transaction after SQLAlchemy's reset: not worth the risk.)
        """
        with self._session() as session:
            yield session

    def _descending(self) -> bool | None:
        """``None`` for the default id order, else whether the time order is descending."""
        if not self._order:
            return None
        return getattr(self._order[-1], "modifier", None) is operators.desc_op

    # -- filters ---------------------------------------------------------------------------

    def between(
        self,
        start: Any,
        end: Any,
        *,
        certainty: Certainty = "possible",
        ongoing: bool = True,
    ) -> EventQuery:
        """Events that possibly (or, with ``certainty="certain"``, certainly) overlap the window.

        With ``ongoing=False``, events already under way when the window opens are left out:
        only those whose latest possible start is inside the window remain.

        >>> tl.events().between("2026-02", "2026-05", certainty="certain")  # doctest: +SKIP
        """
        first, last = _day_bounds(start, end)
        if certainty == "possible":
            query = self._window(first, last)
        elif certainty == "certain":
            query = self._window(first, last, _certain(first, last))
        else:
            raise InvalidEventError(
                f"certainty must be 'possible' or 'certain', not {certainty!r}",
                field="certainty",
                value=certainty,
            )
        if not ongoing:
            query = query._filter(col(Event.start_latest) >= first)
        return query

    def within(self, start: Any, end: Any) -> EventQuery:
        """Events certainly entirely inside the window."""
        first, last = _day_bounds(start, end)
        return self._window(first, last, _within(first, last))

    def involving(self, name: str, role: str | None = None) -> EventQuery:
        """Events an entity takes part in, found by any of its names; optionally in ``role``."""
        role = check_role(role) if role is not None else None
        condition = col(Event.id).in_(_actor_links(name, role, []))
        return self._filter(condition._annotate({_ACTOR: (name, role)}))

    def from_source(self, source: Source | int | str) -> EventQuery:
        """Events some claim of ``source`` speaks of (a :class:`Source`, its id or its URL)."""
        if isinstance(source, Source):
            source = source.id if source.id is not None else -1
        if isinstance(source, str):
            url = check_text(source.strip(), "source url")
            ids = select(col(Source.id)).where(col(Source.url) == url)
            claims = select(col(Claim.event_id)).where(col(Claim.source_id).in_(ids))
        else:
            claims = select(col(Claim.event_id)).where(col(Claim.source_id) == source)
        return self._filter(col(Event.id).in_(claims))

    def search(self, text: str) -> EventQuery:
        """Events whose title, summary or quotes hold every word of ``text`` (full-text).

        Any text is safe: search syntax characters are ignored, never raised on; text with no
        words matches nothing. See :mod:`timeline.search`.
        """
        from .search import matches

        if not isinstance(text, str):
            raise InvalidEventError(f"search text must be a string, not {text!r}", field="search")
        return self._filter(matches(text))

    def related(
        self,
        event: Event | int,
        relation: str | Iterable[str],
        *,
        certainty: Certainty = "possible",
    ) -> EventQuery:
        """Events standing in Allen ``relation`` (one name or several, "or") to ``event``.

        The answers are those of :meth:`When.relation` on each pair, at day granularity:
        ``"possible"`` keeps the pairs where it is not impossible, ``"certain"`` those where it
        is certain. ``event`` itself is never in the result.

        >>> tl.events().related(congress, "before", certainty="certain")  # doctest: +SKIP
        """
        from .relations import allen, relation_names

        if certainty not in ("possible", "certain"):
            raise InvalidEventError(
                f"certainty must be 'possible' or 'certain', not {certainty!r}",
                field="certainty",
                value=certainty,
            )
        try:
            names = relation_names(relation)
        except ValueError as error:
            raise InvalidEventError(str(error), field="relation", value=relation) from error
        other = self._get(event)
        when = other.when
        assert when is not None
        query = self._filter(col(Event.id) != other.id)
        query = query._filter(allen(names, when, certain=certainty == "certain"))
        if not names & {"before", "after"}:  # the two share a day: drive the window index
            first = other.start_earliest or MIN_DAY
            last = other.end_latest or MAX_DAY
            query = query._filter(possibly_overlaps(first, last))
        return query

    def preceding(self, event: Event | int, *, certainty: Certainty = "possible") -> EventQuery:
        """Events (possibly or certainly) entirely before ``event`` (Allen ``before``)."""
        return self.related(event, "before", certainty=certainty)

    def following(self, event: Event | int, *, certainty: Certainty = "possible") -> EventQuery:
        """Events (possibly or certainly) entirely after ``event`` (Allen ``after``)."""
        return self.related(event, "after", certainty=certainty)

    def during(self, event: Event | int, *, certainty: Certainty = "possible") -> EventQuery:
        """Events inside ``event``: Allen ``during``, ``starts``, ``finishes`` or ``equals``."""
        return self.related(event, DURING, certainty=certainty)

    def _get(self, event: Event | int) -> Event:
        if isinstance(event, Event):
            return event
        with self._session() as session:
            found = session.get(Event, event) if isinstance(event, int) else None
        if found is None:
            raise EventNotFoundError(event)
        return found

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
        value = check_text(tag.strip(), "tag")
        tagged = select(col(EventTag.event_id)).where(col(EventTag.tag) == value)
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

    def as_of(self, published: Any = None, *, recorded: Any = None) -> EventQuery:
        """This query as the published record stood on day ``published`` (and, with
        ``recorded``, as this database held it at that system time); see docs/provenance.md.

        >>> tl.events().upcoming(as_of="2026-03-01").as_of("2026-03-01")  # doctest: +SKIP
        """
        from .asof import as_of_query

        return as_of_query(self, published, recorded)

    # -- shape -----------------------------------------------------------------------------

    def order_by_time(self, descending: bool = False) -> EventQuery:
        """Order by the earliest start (unknown starts first), then latest start, then id."""
        keys = [
            col(Event.start_earliest).nulls_first(),
            col(Event.start_latest).nulls_first(),
            col(Event.end_latest).nulls_last(),
            col(Event.id),
        ]
        if descending:
            keys = [
                col(Event.start_earliest).desc().nulls_last(),
                col(Event.start_latest).desc().nulls_last(),
                col(Event.end_latest).desc().nulls_first(),
                col(Event.id).desc(),
            ]
        return replace(self, _order=tuple(keys))

    def after(self, event: Event | int) -> EventQuery:
        """Keyset pagination: the events that come after ``event`` in this query's order.

        Call it after :meth:`order_by_time` (or with the default id order). Unlike
        :meth:`offset` it costs the same on page 1000 as on page 1, and rows added meanwhile
        never shift a page::

            page = query.limit(100).all()
            next_page = query.after(page[-1]).limit(100).all()
        """
        row = self._get(event)
        return replace(self, _after=(row.start_earliest, row.start_latest, row.end_latest, row.id))

    def limit(self, n: int) -> EventQuery:
        """At most ``n`` events."""
        return replace(self, _limit=_non_negative(n, "limit"))

    def offset(self, n: int) -> EventQuery:
        """Skip the first ``n`` events."""
        return replace(self, _offset=_non_negative(n, "offset"))

    @property
    def statement(self) -> Select[Any]:
        """The SQLAlchemy ``Select`` of ``Event`` rows behind this query."""
        statement = select(Event).where(*self._conditions())
        statement = statement.order_by(*(self._order or (col(Event.id),)))
        if self._limit is not None:
            statement = statement.limit(self._limit)
        if self._offset is not None:
            statement = statement.offset(self._offset)
        return statement

    # -- results ---------------------------------------------------------------------------

    def all(self) -> list[Event]:
        """Run the query and return the events (detached, fully loaded)."""
        with self._reading() as session:
            return list(session.scalars(self.statement))

    def first(self) -> Event | None:
        """The first event, or ``None``."""
        found = self.limit(1).all()
        return found[0] if found else None

    def count(self) -> int:
        """How many events match (within ``limit``/``offset`` when they are set)."""
        if self._limit is not None or self._offset is not None:
            paged = self.statement.with_only_columns(col(Event.id)).subquery()
            statement = select(func.count()).select_from(paged)
        else:
            statement = self._count_statement()
        with self._reading() as session:
            return int(session.connection().execute(statement).scalar_one())

    def _count_statement(self) -> Select[Any]:
        """``count(*)`` of the matches; one window is counted per span class (``UNION ALL``).

        Each span class is then one range of ``ix_timeline_event_window`` that never reads the
        table (the index holds every column a window and the live filter test), where the
        ``OR`` of the classes would first gather and de-duplicate the row ids.
        """
        windows = [c for c in self._where if _WINDOW in c._annotations]
        if len(windows) != 1 or any(_ACTOR in c._annotations for c in self._where):
            return select(func.count()).select_from(Event).where(*self._conditions())
        _, _, residual, ranges = windows[0]._annotations[_WINDOW]
        others = replace(self, _where=tuple(c for c in self._where if c is not windows[0]))
        conditions = [*others._conditions(), *([] if residual is None else [residual])]
        parts: list[Select[Any]] = [
            select(literal_column("1")).select_from(Event).where(branch, *conditions)
            for branch in ranges
        ]
        return select(func.count()).select_from(union_all(*parts).subquery())

    def ids(self) -> list[int]:
        """The ids of the matching events, in order."""
        statement = self.statement.with_only_columns(col(Event.id))
        with self._reading() as session:
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

        Lanes by top-level ``kind``, by ``entity`` or none; ``reported`` (a date; by default the
        published day of an ``as_of`` query) draws a dashed "reported on" line.
        See docs/pictures.md.
        """
        from .plot import plot_events

        reported = reported if reported is not None else getattr(self, "_published", None)
        day = _day_bounds(reported, reported)[0] if reported is not None else None
        return plot_events(
            self.statement, self._session, path, lanes=lanes, title=title, reported=day
        )

    def to_html(self, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
        """Write these events as one self-contained, offline, interactive HTML page."""
        from .html import write_html

        reported = getattr(self, "_published", None)  # the day of an ``as_of`` query
        return write_html(self.statement, self._session, path, title=title, reported=reported)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.all())

    def _columns_statement(self, columns: tuple[str, ...]) -> Select[Any]:
        table: Table = Event.__table__  # type: ignore[attr-defined]
        unknown = [name for name in columns if name not in table.c]
        if unknown:
            raise InvalidEventError(
                f"unknown event column {unknown[0]!r}; use some of: {', '.join(table.c.keys())}",
                field="columns",
                value=unknown[0],
            )
        return self.statement.with_only_columns(*(table.c[name] for name in columns))

    def rows(self, *columns: str) -> list[Row[Any]]:
        """The matching rows as named tuples, no ORM objects: the light path for many rows.

        ``columns`` are event column names (default :data:`ROW_COLUMNS`).
        """
        statement = self._columns_statement(columns or ROW_COLUMNS)
        with self._reading() as session:
            return list(session.connection().execute(statement).all())

    def dicts(self, *columns: str) -> list[dict[str, Any]]:
        """The matching rows as dicts (column name to value); see :meth:`rows`."""
        statement = self._columns_statement(columns or ROW_COLUMNS)
        with self._reading() as session:
            result = session.connection().execute(statement)
            return [dict(mapping) for mapping in result.mappings()]

    def to_pandas(self, *columns: str) -> Any:
        """The matching rows as a ``pandas.DataFrame`` (install ``timeline[pandas]``)."""
        try:
            pandas = importlib.import_module("pandas")
        except ImportError as error:
            raise TimelineError(
                "to_pandas() needs pandas: pip install 'timeline[pandas]'"
            ) from error
        names = columns or ROW_COLUMNS
        return pandas.DataFrame([tuple(row) for row in self.rows(*names)], columns=list(names))

    def count_by(self, period: str) -> list[tuple[date, int]]:
        """``(period_start, count)`` for each day, week, month, quarter or year with events.

        Each event counts once, in the period of its earliest possible start; events with an
        open or unknown start are left out. See :mod:`timeline.periods` for the rule.

        >>> tl.events().between("2026", "2026").count_by("month")  # doctest: +SKIP
        [(datetime.date(2026, 1, 1), 12), (datetime.date(2026, 2, 1), 30), ...]
        """
        check_period(period)
        with self._reading() as session:
            dialect = session.get_bind().dialect.name
            key = period_start(period, dialect).label("period")
            conditions = [*self._conditions(), col(Event.start_earliest).is_not(None)]
            if self._limit is None and self._offset is None:
                statement = select(key, func.count()).where(*conditions)
            else:
                paged = self.statement.with_only_columns(col(Event.id)).subquery()
                statement = select(key, func.count()).where(
                    col(Event.id).in_(select(paged.c.id)), *conditions
                )
            statement = statement.group_by(key).order_by(key)
            return [(as_day(day), int(n)) for day, n in session.connection().execute(statement)]


#: The relations :meth:`EventQuery.during` stands for: inside the event, ends included.
DURING = ("during", "starts", "finishes", "equals")


def _actor_links(name: str, role: str | None, windows: list[tuple[date, date]]) -> Select[Any]:
    """SQL: ids of the events ``name`` takes part in, whose hull meets every window."""
    links = select(col(Participation.event_id)).where(
        col(Participation.entity_id).in_(entity_ids_named(name))
    )
    if role is not None:
        links = links.where(col(Participation.role) == role)
    for first, last in windows:
        links = links.where(
            col(Participation.search_start) <= last, col(Participation.search_end) >= first
        )
    return links


def _after_key(column: Any, value: Any, descending: bool, nulls_first: bool) -> Any:
    """SQL: ``column`` sorts strictly after ``value`` (NULLs where the order puts them)."""
    if value is None:
        return column.is_not(None) if nulls_first else false()
    beyond = column < value if descending else column > value
    return beyond if nulls_first else or_(beyond, column.is_(None))


def _keyset(key: tuple[Any, ...], descending: bool | None) -> ColumnElement[bool]:
    """SQL: the row comes after ``key`` (start_earliest, start_latest, end_latest, id)."""
    if descending is None:
        after_id: ColumnElement[bool] = col(Event.id) > key[3]
        return after_id
    columns = [
        (col(Event.start_earliest), not descending),
        (col(Event.start_latest), not descending),
        (col(Event.end_latest), descending),
    ]
    branches = []
    equal: list[Any] = []
    for (column, nulls_first), value in zip(columns, key[:3], strict=False):
        branches.append(and_(*equal, _after_key(column, value, descending, nulls_first)))
        equal.append(column.is_(None) if value is None else column == value)
    last = col(Event.id) < key[3] if descending else col(Event.id) > key[3]
    branches.append(and_(*equal, last))
    return or_(*branches)


def _non_negative(n: int, what: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidEventError(f"{what} must be a non-negative integer, not {n!r}", field=what)
    return n
