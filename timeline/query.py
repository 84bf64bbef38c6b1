"""The composable event query: ``tl.events().involving("Kim").between("2026-01", "2026-06")``.

Every method returns a new query; nothing runs until ``all()``, ``first()``, ``count()`` or
iteration. ``statement`` is the SQLAlchemy ``Select`` behind it, for use in a plain ``Session``.

Window semantics on fuzzy dates (``a`` = the first day of ``start``, ``b`` = the last of ``end``):

- ``between(..., certainty="possible")``: the event *possibly* overlaps ``[a, b]``: its search
  hull (strict bounds, padded where approximate; open and unknown ends unbounded) meets it.
- ``between(..., certainty="certain")``: the event overlaps ``[a, b]`` for every reading of its
  strict bounds. An open end ("still going") had not ended on the day it was said
  (``When.ongoing_until``); an unknown end may have come right after the start.
- ``within(a, b)``: the event lies entirely inside ``[a, b]`` for every reading.

Long and open-ended events overlap every window they span, so by default a window also returns
the events already under way when it opens ("ongoing"). ``between(..., ongoing=False)`` keeps
only the events that may begin inside the window (latest possible start on or after ``a``;
an open or unknown start counts as already under way).
"""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timezone
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Engine,
    Integer,
    Row,
    Table,
    Text,
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
from sqlalchemy.orm import aliased
from sqlalchemy.sql import CompoundSelect, Select, Subquery, operators
from sqlmodel import Session, col

from . import knowledge, windows
from .asof import published_day, recorded_instant, state_rows, swap
from .database import read_connection
from .errors import EventNotFoundError, InvalidEventError, TimelineError
from .models import (
    MAX_DAY,
    MIN_DAY,
    SPAN_CLASS_LIMITS,
    Claim,
    Entity,
    Event,
    EventTag,
    Participation,
    Place,
    Relation,
    Source,
)
from .notebook import describe, pandas_dtype, query_html
from .periods import as_day, check_period, period_prefix, period_start
from .search import Rank
from .text import check_text
from .vocab import SETTLED_STATUSES, RelationKind, Status, check_kind, check_role
from .when import When
from .write.names import Known, Names

if TYPE_CHECKING:
    import pandas  # type: ignore[import-untyped, unused-ignore]  # (pandas-stubs is optional)

Certainty = Literal["possible", "certain"]

#: How many events iterating a query reads at a time.
ITER_PAGE = 1000

#: The event table's columns, for the window conditions of :mod:`timeline.windows`.
_EVENT: Any = Event.__table__.c  # type: ignore[attr-defined]

#: The columns :meth:`EventQuery.rows` and :meth:`EventQuery.dicts` return by default.
ROW_COLUMNS = ("id", "title", "kind", "status", "edtf", "start_earliest", "end_latest")


def _civil_input(value: Any) -> Any:
    """A naive datetime in a query bound stands for its civil date."""
    return value.date() if isinstance(value, datetime) and value.tzinfo is None else value


def _day_range(value: Any) -> tuple[date | None, date | None]:
    """The first and last possible day of ``value`` (anything ``When`` parses).

    Parsing does not depend on the day it runs (relative phrases need a reference), so the
    values that come back again and again (a date, an EDTF string) are parsed once.
    """
    if isinstance(value, (str, date, When)):
        return _cached_day_range(value)
    return _parsed_day_range(value)


def _parsed_day_range(value: Any) -> tuple[date | None, date | None]:
    when = When.parse(value)
    first, last = when.start_earliest, when.end_latest
    return (
        first.date() if isinstance(first, datetime) else first,
        last.date() if isinstance(last, datetime) else last,
    )


_cached_day_range = lru_cache(maxsize=4096, typed=True)(_parsed_day_range)


def _day_bounds(start: Any, end: Any) -> tuple[date, date]:
    """The first day of ``start`` and the last day of ``end`` (each anything ``When`` parses).

    A naive ``datetime`` stands for its civil date.
    """
    start, end = _civil_input(start), _civil_input(end)
    first_day = _day_range(start)[0]
    last_day = _day_range(end)[1]
    if first_day is None or last_day is None:
        raise InvalidEventError(
            f"a window needs known bounds, not {start!r} to {end!r}", field="window"
        )
    if first_day > last_day:
        raise InvalidEventError(f"window {start!r} to {end!r} ends before it starts")
    return first_day, last_day


def _day_param(day: date) -> Any:
    """A bound date (built directly: ORM operators cost ~1 ms per window query)."""
    return bindparam(None, day, type_=Date)


def possibly_overlaps(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the event's search hull meets ``[first, last]``, one index range per span class.

    See :func:`timeline.windows.span_class_ranges`.
    """
    lows = [_day_param(low) for low in windows.lows(first)]
    return or_(*windows.span_class_ranges(_EVENT, _day_param(first), _day_param(last), lows))


def place_subtree(root: Any) -> Select[Any]:
    """SQL: the id ``root`` and the ids of every place inside that place."""
    roots: Select[Any] = select(col(Place.id).label("id")).where(col(Place.id) == root)
    tree = roots.cte("timeline_place_tree", recursive=True)
    tree = tree.union(select(col(Place.id)).where(col(Place.parent_id) == tree.c.id))
    return select(tree.c.id)


def kind_subtree(kind: Any, below: Any, beyond: Any) -> ColumnElement[bool]:
    """SQL: the kind is ``kind`` or below it (``military`` ⊃ ``military.parade``).

    A range on the dotted string, from ``below`` (``kind + "."``) to ``beyond`` (``kind + "/"``;
    ``'.'`` sorts just before ``'/'``), so no LIKE wildcard in a kind can widen the match, and
    an index on ``kind`` serves it.
    """
    return or_(
        col(Event.kind) == kind,
        and_(col(Event.kind) >= below, col(Event.kind) < beyond),
    )


# -- prepared conditions ----------------------------------------------------------------------
#
# A filter is a *template*, a condition whose values are named bound parameters, plus those
# values. The template of a kind of filter at a position in the query is built once, so a query
# of a known shape (the same filters in the same order) reuses one statement object from
# ``_STATEMENTS``: no expression building and no cache-key walk per call, only the execution
# (about 0.7 ms saved per call, more than a month-window ``count()`` costs at a million events).


def _param(slot: int, name: str, type_: Any = None) -> Any:
    """The bound parameter ``name`` of the condition at position ``slot`` of a query."""
    return bindparam(f"timeline_{slot}_{name}", type_=type_)


#: Templates by (kind of filter, position); a kind fixes the template, the position its names.
_TEMPLATES: dict[tuple[Hashable, int], ColumnElement[bool]] = {}
#: Statements by query shape (see ``EventQuery._key``); cleared when it grows past its limit.
_STATEMENTS: dict[Hashable, Any] = {}
_STATEMENT_LIMIT = 2000


def _template(
    kind: Hashable, slot: int, build: Callable[[int], ColumnElement[bool]]
) -> ColumnElement[bool]:
    found = _TEMPLATES.get((kind, slot))
    if found is None:
        found = _TEMPLATES.setdefault((kind, slot), build(slot))
    return found


def _prepared(key: Hashable | None, build: Callable[[], Any]) -> Any:
    """The statement ``build`` makes, shared by every query with the same ``key`` (if any)."""
    if key is None:
        return build()
    found = _STATEMENTS.get(key)
    if found is None:
        if len(_STATEMENTS) >= _STATEMENT_LIMIT:
            _STATEMENTS.clear()
        found = _STATEMENTS.setdefault(key, build())
    return found


def _window_parts(
    slot: int, test: str
) -> tuple[list[ColumnElement[bool]], ColumnElement[bool] | None]:
    """The span-class ranges of the window at ``slot``, and what ``test`` adds to them."""
    first, last = _param(slot, "first", Date), _param(slot, "last", Date)
    lows = [_param(slot, f"low{c}", Date) for c in range(len(SPAN_CLASS_LIMITS))]
    ranges = windows.span_class_ranges(_EVENT, first, last, lows)
    return ranges, windows.residual(_EVENT, test, first, last)


def _window_values(first: date, last: date) -> dict[str, Any]:
    values: dict[str, Any] = {"first": first, "last": last}
    for bucket, low in enumerate(windows.lows(first)):
        values[f"low{bucket}"] = low
    return values


def live_template(slot: int) -> ColumnElement[bool]:
    """The template of the live-events condition every ``tl.events()`` starts with."""
    return knowledge.live()


@dataclass(frozen=True)
class EventQuery:
    """A lazy, immutable query over events; each method returns a new query."""

    _session: Callable[[], Session]
    _where: tuple[ColumnElement[bool], ...] = ()
    #: What each condition of ``_where`` is: its template kind, or ``None`` for a one-off.
    _shape: tuple[Hashable | None, ...] = ()
    #: The values of the templates' bound parameters.
    _values: tuple[tuple[str, Any], ...] = ()
    _order: tuple[Any, ...] = ()
    _limit: int | None = None
    _offset: int | None = None
    _after: tuple[Any, ...] | None = None
    #: Where the light results (counts, rows) read, without a ``Session``; else a session's.
    _engine: Engine | None = None

    def _filter(self, condition: ColumnElement[bool]) -> EventQuery:
        """Add a one-off condition (its values inside it; the query is then not prepared)."""
        return replace(self, _where=(*self._where, condition), _shape=(*self._shape, None))

    def _add(
        self, kind: Hashable, build: Callable[[int], ColumnElement[bool]], /, **values: Any
    ) -> EventQuery:
        """Add the template ``kind`` (made by ``build(slot)``) with its parameters' ``values``."""
        slot = len(self._where)
        named = tuple((f"timeline_{slot}_{name}", value) for name, value in values.items())
        return replace(
            self,
            _where=(*self._where, _template(kind, slot, build)),
            _shape=(*self._shape, kind),
            _values=(*self._values, *named),
        )

    def _window(self, first: date, last: date, test: str = "possible") -> EventQuery:
        """Add a window: the hull overlap and, for ``test`` ``certain``/``within``, its test."""

        def build(slot: int) -> ColumnElement[bool]:
            ranges, residual = _window_parts(slot, test)
            return or_(*ranges) if residual is None else and_(or_(*ranges), residual)

        return self._add(("window", test), build, **_window_values(first, last))

    def _slots(self, kind: str) -> list[int]:
        """The positions of the conditions of template ``kind`` (``window``, ``actor``)."""
        return [
            slot
            for slot, shape in enumerate(self._shape)
            if isinstance(shape, tuple) and shape[0] == kind
        ]

    def _conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions; an actor's link rows also get the windows' hull bounds.

        Participation rows carry the event's hull under the covering index
        ``(entity_id, search_start, search_end, event_id)``, so "Kim's events in 2026" is one
        short index range instead of every link of a heavy actor. With an actor, the windows'
        hull test moves onto the link rows (the event's own window index would otherwise lead
        SQLite's planner away from them) and only their residual tests stay on the event.
        """
        windows = tuple(self._slots("window"))
        actors = self._slots("actor")
        conditions = []
        for slot, condition in enumerate(self._where):
            shape = self._shape[slot]
            if actors and slot in windows:
                _, residual = _window_parts(slot, shape[1])  # type: ignore[index]
                if residual is None:
                    continue
                condition = residual
            elif windows and slot in actors:
                role = shape[1]  # type: ignore[index]
                condition = col(Event.id).in_(_actor_links(slot, role, windows))
            conditions.append(condition)
        if self._after is not None:
            conditions.append(_keyset(self._after, self._descending()))
        return conditions

    def _key(self, *result: Hashable) -> Hashable | None:
        """The key of this query's ``result`` statement in ``_STATEMENTS``; ``None``: one-off."""
        if None in self._shape or self._after is not None:
            return None
        paged = (self._limit is not None, self._offset is not None)
        return (result, self._shape, self._descending(), paged)

    def _bound(self) -> dict[str, Any]:
        """The values of every bound parameter of this query's statements."""
        values = dict(self._values)
        if self._limit is not None:
            values["timeline_limit"] = self._limit
            values["timeline_page_end"] = self._limit + (self._offset or 0)
        if self._offset is not None:
            values["timeline_offset"] = self._offset
        return values

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for one read statement (no ``Session``: its cost is per call)."""
        if self._engine is None:
            with self._session() as session:
                yield session.connection()
        else:
            with read_connection(self._engine) as connection:
                yield connection

    def _dialect(self) -> str:
        if self._engine is not None:
            return self._engine.dialect.name
        with self._session() as session:
            return session.get_bind().dialect.name

    def _descending(self) -> bool | None:
        """``None`` for the default id order (or a ranked search's), else whether the time
        order is descending."""
        if not self._order or isinstance(self._order[0], Rank):
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
        windows.check_certainty(certainty)
        query = self._window(first, last, certainty)
        if not ongoing:
            query = query._add(
                "starts",
                lambda slot: col(Event.start_latest) >= _param(slot, "day", Date),
                day=first,
            )
        return query

    def within(self, start: Any, end: Any) -> EventQuery:
        """Events certainly entirely inside the window."""
        first, last = _day_bounds(start, end)
        return self._window(first, last, "within")

    def involving(
        self, entity: str | Entity | int, role: str | None = None, *, kind: str | None = None
    ) -> EventQuery:
        """Events an entity takes part in, optionally in ``role``. The entity is a row, an id,
        or a name read by the identity rule (any alias, any script; docs/identity.md).

        :raises AmbiguousNameError: if the name means several entities (narrow it with
            ``kind``, or pass the entity or its id).
        """
        found = self._resolve(entity, lambda names, name: names.find_entity(name, kind))
        if role is None:
            return self._add(("actor", False), _actor_condition(False), entity=found)
        return self._add(
            ("actor", True), _actor_condition(True), entity=found, role=check_role(role)
        )

    def _resolve(self, named: Any, find: Callable[[Names, str], Known | None]) -> int:
        """The id of the row ``named`` names (a row, an id or a name); -1 for an unknown name,
        which matches nothing."""
        if isinstance(named, (Entity, Place)):
            return named.id if named.id is not None else -1
        if isinstance(named, int) and not isinstance(named, bool):
            return named
        if self._engine is None:
            with self._session() as session:
                found = find(Names(session), named)
        else:  # one indexed lookup, on a plain connection outside any transaction
            with read_connection(self._engine) as connection:
                found = find(Names(connection), named)
        return found.id if found is not None else -1

    def from_source(self, source: Source | int | str) -> EventQuery:
        """Events some claim of ``source`` speaks of (a :class:`Source`, its id or its URL)."""
        if isinstance(source, Source):
            source = source.id if source.id is not None else -1
        if isinstance(source, str):
            url = check_text(source.strip(), "source url")
            return self._add(("source", "url"), _from_source_url, url=url)
        return self._add(("source", "id"), _from_source_id, id=source)

    def search(self, text: str, *, rank: bool = False) -> EventQuery:
        """Events whose title, summary or quotes match ``text`` (full-text, stemmed).

        Words side by side must all occur; ``"a phrase"``, ``prefix*`` and ``a OR b`` work as
        in a web search engine, and everything else is plain text: any text is safe, never
        raised on; text with no words matches nothing. With ``rank=True`` the best matches
        of the title and summary come first (FTS5 ``bm25``, PostgreSQL ``ts_rank``), then
        the id; a later :meth:`order_by_time` replaces the ranking. See :mod:`timeline.search`.
        """
        from .search import holding_all, parse, query_string

        if not isinstance(text, str):
            raise InvalidEventError(f"search text must be a string, not {text!r}", field="search")
        groups = parse(text)
        if not groups:
            return self._add("nothing", lambda slot: false())
        dialect = self._dialect()
        values = {f"group{i}": query_string(group, dialect) for i, group in enumerate(groups)}
        if rank:
            values["terms"] = query_string((t for group in groups for t in group), dialect)

        def build(slot: int) -> ColumnElement[bool]:
            return holding_all(tuple(_param(slot, f"group{i}", Text) for i in range(len(groups))))

        query = self._add(("search", len(groups), rank), build, **values)
        if not rank:
            return query
        return replace(query, _order=_rank_order(len(query._where) - 1))

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

        windows.check_certainty(certainty)
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
        kind = check_kind(prefix, field="kind prefix")
        return self._add(
            "kind",
            lambda slot: kind_subtree(
                _param(slot, "kind"), _param(slot, "below"), _param(slot, "beyond")
            ),
            kind=kind,
            below=kind + ".",
            beyond=kind + "/",
        )

    def at(self, place: str | Place | int, *, kind: str | None = None) -> EventQuery:
        """Events at a place or anywhere inside it (``at("North Korea")`` finds Pyongyang).

        :raises AmbiguousNameError: if the name means several places (narrow it with
            ``kind``, or pass the place or its id).
        """
        found = self._resolve(place, lambda names, name: names.find_place(name, kind))
        return self._add(
            "place",
            lambda slot: col(Event.place_id).in_(place_subtree(_param(slot, "place"))),
            place=found,
        )

    def with_status(self, *statuses: Status | str) -> EventQuery:
        """Events whose current status is one of ``statuses``."""
        values = [Status.coerce(s, field="status").value for s in statuses]
        return self._add(
            "status",
            lambda slot: col(Event.status).in_(bindparam(f"timeline_{slot}_in", expanding=True)),
            **{"in": values},
        )

    def tagged(self, tag: str) -> EventQuery:
        """Events carrying ``tag``."""
        value = check_text(tag.strip(), "tag")

        def build(slot: int) -> ColumnElement[bool]:
            tagged = select(col(EventTag.event_id)).where(col(EventTag.tag) == _param(slot, "tag"))
            return col(Event.id).in_(tagged)

        return self._add("tag", build, tag=value)

    def part_of(self, event: Event | int) -> EventQuery:
        """Events recorded as part of ``event`` (the parade during the congress)."""
        parent = event.id if isinstance(event, Event) else event

        def build(slot: int) -> ColumnElement[bool]:
            parts = select(col(Relation.source_event_id)).where(
                col(Relation.target_event_id) == _param(slot, "parent"),
                col(Relation.kind) == RelationKind.PART_OF.value,
            )
            return col(Event.id).in_(parts)

        return self._add("part_of", build, parent=parent)

    def upcoming(self, as_of: Any = None) -> EventQuery:
        """Events that may still begin after ``as_of`` (default: today, UTC), soonest first.

        An event is upcoming when its latest possible start is after ``as_of`` (or unknown) and
        it is not marked occurred, ongoing, cancelled or denied.
        """
        if as_of is None:
            day = datetime.now(timezone.utc).date()
        else:
            _, day = _day_bounds(as_of, as_of)
        query = self._add("upcoming", _upcoming, day=day)
        return query if query._order else query.order_by_time()

    def as_of(self, published: Any = None, *, recorded: Any = None) -> EventQuery:
        """This query as the published record stood on day ``published`` (and, with
        ``recorded``, as this database held it at that system time); see docs/provenance.md.

        >>> tl.events().upcoming(as_of="2026-03-01").as_of("2026-03-01")  # doctest: +SKIP
        """
        return as_of_query(self, published, recorded)

    # -- shape -----------------------------------------------------------------------------

    def order_by_time(self, descending: bool = False) -> EventQuery:
        """Order by the earliest start (unknown starts first), then latest start, then id."""
        return replace(self, _order=_event_time_order(bool(descending)))

    def after(self, event: Event | int) -> EventQuery:
        """Keyset pagination: the events that come after ``event`` in this query's order.

        Call it after :meth:`order_by_time` (or with the default id order). Unlike
        :meth:`offset` it costs the same on page 1000 as on page 1, and rows added meanwhile
        never shift a page::

            page = query.limit(100).all()
            next_page = query.after(page[-1]).limit(100).all()
        """
        if self._order and isinstance(self._order[0], Rank):
            raise InvalidEventError(
                "after() pages a time or id order; page a ranked search with offset()",
                field="after",
            )
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
        """The SQLAlchemy ``Select`` of ``Event`` rows behind this query (values bound)."""
        return self._statement().params(self._bound())

    def _statement(self) -> Select[Any]:
        """The ``Select`` of ``Event`` rows, its values in :meth:`_bound` (a shared object)."""
        return _prepared(self._key("events"), lambda: self._build(select(Event)))  # type: ignore[no-any-return]

    def _build(self, statement: Select[Any], ordered: bool = True) -> Select[Any]:
        page = self._page()
        if page is None:
            statement = statement.where(*self._conditions())
        else:
            statement = statement.join(page, col(Event.id) == page.c.id)
        if ordered:
            statement = statement.order_by(*(self._order or (col(Event.id),)))
        if self._limit is not None:
            statement = statement.limit(bindparam("timeline_limit", type_=Integer))
        if self._offset is not None:
            statement = statement.offset(bindparam("timeline_offset", type_=Integer))
        return statement

    def _page(self) -> Subquery | None:
        """The ids and order keys of a limited, time-ordered window's page, from the index alone.

        The order keys and the id are in ``ix_timeline_event_window``, so the top of the window
        is ranked without reading the table, and only the page's rows are read (a month at a
        million events has thousands of candidates). ``None`` for other queries.
        """
        descending = self._descending()
        branches = self._span_class_branches()
        if self._limit is None or descending is None or branches is None:
            return None
        table = Event.__table__.c  # type: ignore[attr-defined]
        keys = (table.id, table.start_earliest, table.start_latest, table.end_latest)
        window = union_all(*(select(*keys).where(*branch) for branch in branches)).subquery()
        top = select(window).order_by(*_time_order(window.c, descending))
        return top.limit(bindparam("timeline_page_end", type_=Integer)).subquery()

    def _rows(self, statement: Any) -> list[Row[Any]]:
        """Run one of this query's statements (a light read: no ``Session``)."""
        with self._reading() as connection, _collector_paused():
            return list(connection.execute(statement, self._bound()).all())

    # -- results ---------------------------------------------------------------------------

    def all(self) -> list[Event]:
        """Run the query and return the events (detached, fully loaded)."""
        with self._session() as session, _collector_paused():
            return list(session.scalars(self._statement(), self._bound()))

    def first(self) -> Event | None:
        """The first event, or ``None``."""
        found = self.limit(1).all()
        return found[0] if found else None

    def count(self) -> int:
        """How many events match (within ``limit``/``offset`` when they are set)."""
        statement = _prepared(self._key("count"), self._count_statement)
        return int(self._rows(statement)[0][0])

    def _count_statement(self) -> Select[Any]:
        """``count(*)`` of the matches; one window is counted per span class (``UNION ALL``)."""
        if self._limit is not None or self._offset is not None:
            paged = self._build(select(col(Event.id))).subquery()
            return select(func.count()).select_from(paged)
        branches = self._span_class_branches()
        if branches is None:
            return select(func.count()).select_from(Event).where(*self._conditions())
        parts: list[Select[Any]] = [
            select(literal_column("1")).select_from(Event).where(*branch) for branch in branches
        ]
        return select(func.count()).select_from(union_all(*parts).subquery())

    def _window_test(self) -> str | None:
        """The test of this query's one window (``possible``, ``certain`` or ``within``)."""
        windows = self._slots("window")
        return self._shape[windows[0]][1] if len(windows) == 1 else None  # type: ignore[index]

    def _span_class_branches(self) -> list[list[ColumnElement[bool]]] | None:
        """The conditions of a query with one window (and no actor), split by span class.

        Each span class is then one range of ``ix_timeline_event_window`` that never reads the
        table (the index holds every column a window and the live filter test), where the
        ``OR`` of the classes would first gather and de-duplicate the row ids. ``None`` for
        any other query.
        """
        windows = self._slots("window")
        if len(windows) != 1 or self._slots("actor"):
            return None
        slot = windows[0]
        ranges, residual = _window_parts(slot, self._shape[slot][1])  # type: ignore[index]
        others = [c for i, c in enumerate(self._conditions()) if i != slot]
        conditions = [*others, *([] if residual is None else [residual])]
        return [[branch, *conditions] for branch in ranges]

    def ids(self) -> list[int]:
        """The ids of the matching events, in order."""
        return [int(row[0]) for row in self.rows("id")]

    def plot(
        self,
        path: str | os.PathLike[str],
        *,
        lanes: Literal["kind", "entity"] | None = "kind",
        title: str | None = None,
        reported: Any = None,
    ) -> Path:
        """Draw these events as a chart (``.png``, ``.svg`` or ``.pdf``; ``news-timeline[plot]``).

        Lanes by top-level ``kind``, by ``entity`` or none; ``reported`` (a date; by default the
        published day of an ``as_of`` query) draws a dashed "reported on" line.
        See docs/pictures.md.
        """
        from .plot import plot_events

        if reported is None and isinstance(self, AsOfQuery):
            reported = self._published
        day = _day_bounds(reported, reported)[0] if reported is not None else None
        return plot_events(
            self.statement, self._session, path, lanes=lanes, title=title, reported=day
        )

    def to_html(self, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
        """Write these events as one self-contained, offline, interactive HTML page."""
        from .html import write_html

        reported = self._published if isinstance(self, AsOfQuery) else None
        return write_html(self.statement, self._session, path, title=title, reported=reported)

    def __iter__(self) -> Iterator[Event]:
        """The events, read :data:`ITER_PAGE` at a time (never every row at once).

        Pages follow the query's own order: by keyset (:meth:`after`) for the id or time
        order, by offset for a ranked search, an ``as_of`` query or a limited query.
        """
        if self._limit is not None and self._limit <= ITER_PAGE:
            yield from self.all()
            return
        by_offset = self._limit is not None or self._offset is not None
        if by_offset or isinstance(self, AsOfQuery) or (self._descending() is None and self._order):
            yield from self._offset_pages()
            return
        page = replace(self, _limit=ITER_PAGE).all()
        while page:
            yield from page
            if len(page) < ITER_PAGE:
                return
            last = page[-1]
            key = (last.start_earliest, last.start_latest, last.end_latest, last.id)
            page = replace(self, _after=key, _limit=ITER_PAGE).all()

    def _offset_pages(self) -> Iterator[Event]:
        start, left = self._offset or 0, self._limit
        while left is None or left > 0:
            size = ITER_PAGE if left is None else min(ITER_PAGE, left)
            page = replace(self, _offset=start, _limit=size).all()
            yield from page
            if len(page) < size:
                return
            start += size
            left = None if left is None else left - size

    def __repr__(self) -> str:
        return describe(self)

    def _repr_html_(self) -> str:
        """The first rows and the total count, for notebooks (one count, one short read)."""
        return query_html(self)

    def _columns_statement(
        self, columns: tuple[str, ...], ordered: bool = True
    ) -> Select[Any] | CompoundSelect[Any]:
        """The statement of ``columns`` of the matches (values in :meth:`_bound`)."""
        table: Table = Event.__table__  # type: ignore[attr-defined]
        unknown = [name for name in columns if name not in table.c]
        if unknown:
            raise InvalidEventError(
                f"unknown event column {unknown[0]!r}; use some of: {', '.join(table.c.keys())}",
                field="columns",
                value=unknown[0],
            )
        dialect = self._dialect()

        def build() -> Any:
            selected = select(*(table.c[name] for name in columns))
            # Unordered: one range per span class, each tested in the index. On SQLite the OR
            # of the classes would read every row of the hull before testing it. PostgreSQL's
            # bitmap scan of the OR tests in the index too, and is faster for a possible
            # window's many rows; plain index scans are faster for the few rows of a
            # certain or within window (at 1M: 13-15 % on a month).
            per_class = not ordered and (dialect == "sqlite" or self._window_test() != "possible")
            branches = self._span_class_branches() if per_class else None
            if branches is None:
                return self._build(selected, ordered)
            return union_all(*(selected.where(*branch) for branch in branches))

        return _prepared(self._key("columns", columns, ordered, dialect), build)  # type: ignore[no-any-return]

    def rows(self, *columns: str) -> list[Row[Any]]:
        """The matching rows as named tuples, no ORM objects: the light path for many rows.

        ``columns`` are event column names (default :data:`ROW_COLUMNS`).
        """
        columns = columns or ROW_COLUMNS
        if (
            self._order
            or self._limit is not None
            or self._offset is not None
            or "id" not in columns
        ):
            return self._rows(self._columns_statement(columns))
        # The default id order, sorted here: the database would copy every row into a sorter
        # (half the time of a year's window on SQLite), a list sort only moves references.
        found = self._rows(self._columns_statement(columns, ordered=False))
        found.sort(key=itemgetter(columns.index("id")))
        return found

    def iter_rows(self, *columns: str, size: int = 5000) -> Iterator[Row[Any]]:
        """The rows :meth:`rows` returns, streamed from one statement ``size`` at a time
        (a server-side cursor on PostgreSQL): memory stays flat however many match.

        >>> for row in tl.events().order_by_time().iter_rows("id", "title"):  # doctest: +SKIP
        ...     print(row.id, row.title)
        """
        statement = self._columns_statement(columns or ROW_COLUMNS)
        with self._session() as session:  # a transaction: PostgreSQL's cursors need one
            connection = session.connection(
                execution_options={"stream_results": True, "yield_per": size}
            )
            for page in connection.execute(statement, self._bound()).partitions(size):
                yield from page

    def dicts(self, *columns: str) -> list[dict[str, Any]]:
        """The matching rows as dicts (column name to value); see :meth:`rows`."""
        return [dict(row._mapping) for row in self.rows(*columns)]

    def to_pandas(self, *columns: str) -> pandas.DataFrame:
        """The matching rows as a ``pandas.DataFrame`` (install ``news-timeline[pandas]``).

        Date columns are ``datetime64`` (days as ``datetime64[s]``, instants in UTC), the
        uncertain bounds each a column of their own.
        """
        try:
            pandas = importlib.import_module("pandas")
        except ImportError as error:
            raise TimelineError(
                "to_pandas() needs pandas: pip install 'news-timeline[pandas]'"
            ) from error
        names = columns or ROW_COLUMNS
        frame = pandas.DataFrame([tuple(row) for row in self.rows(*names)], columns=list(names))
        for name in names:
            dtype = pandas_dtype(name)
            if dtype is not None:
                frame[name] = frame[name].astype(dtype)
        return frame

    def count_by(self, period: str) -> list[tuple[date, int]]:
        """``(period_start, count)`` for each day, week, month, quarter or year with events.

        Each event counts once, in the period of its earliest possible start; events with an
        open or unknown start are left out. See :mod:`timeline.periods` for the rule.

        >>> tl.events().between("2026", "2026").count_by("month")  # doctest: +SKIP
        [(datetime.date(2026, 1, 1), 12), (datetime.date(2026, 2, 1), 30), ...]
        """
        check_period(period)
        with self._reading() as connection:
            dialect = connection.dialect.name
            statement = _prepared(
                self._key("count_by", period, dialect),
                lambda: self._count_by_statement(period, dialect),
            )
            found = connection.execute(statement, self._bound())
            return [(as_day(day), int(n)) for day, n in found]

    def _count_by_statement(self, period: str, dialect: str) -> Select[Any]:
        """Counts per period; a window is grouped per span class on a cheap key, then summed."""
        known = col(Event.start_earliest).is_not(None)
        paged = self._limit is not None or self._offset is not None
        branches = None if paged else self._span_class_branches()
        if branches is not None:
            prefix, expand = period_prefix(period, dialect)
            parts = [
                select(prefix.label("k"), func.count().label("n"))
                .where(*branch, known)
                .group_by(prefix)
                for branch in branches
            ]
            groups = union_all(*parts).subquery()
            key = period_start(period, dialect, expand(groups.c.k)).label("period")
            return select(key, func.sum(groups.c.n)).group_by(key).order_by(key)
        key = period_start(period, dialect).label("period")
        statement = select(key, func.count()).where(*self._conditions(), known)
        if paged:
            ids = self._build(select(col(Event.id))).subquery()
            statement = statement.where(col(Event.id).in_(select(ids.c.id)))
        return statement.group_by(key).order_by(key)


#: The relations :meth:`EventQuery.during` stands for: inside the event, ends included.
DURING = ("during", "starts", "finishes", "equals")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause CPython's cycle collector while a result is built.

    The collector keeps walking the new rows (or model objects) as the list grows: a third of
    the time of 31,000 light rows. Nothing is lost: it runs again as soon as it is resumed.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _actor_condition(with_role: bool) -> Callable[[int], ColumnElement[bool]]:
    """The template maker of :meth:`EventQuery.involving` (links of any role, or of one)."""
    return lambda slot: col(Event.id).in_(_actor_links(slot, with_role, ()))


def _actor_links(slot: int, with_role: bool, windows: tuple[int, ...]) -> Select[Any]:
    """SQL: ids of the events the actor at ``slot`` takes part in, whose hull meets every
    window (given by their slots)."""
    links = select(col(Participation.event_id)).where(
        col(Participation.entity_id) == _param(slot, "entity")
    )
    if with_role:
        links = links.where(col(Participation.role) == _param(slot, "role"))
    for window in windows:
        links = links.where(
            col(Participation.search_start) <= _param(window, "last", Date),
            col(Participation.search_end) >= _param(window, "first", Date),
        )
    return links


def _from_source_url(slot: int) -> ColumnElement[bool]:
    ids = select(col(Source.id)).where(col(Source.url) == _param(slot, "url"))
    return col(Event.id).in_(select(col(Claim.event_id)).where(col(Claim.source_id).in_(ids)))


def _from_source_id(slot: int) -> ColumnElement[bool]:
    claims = select(col(Claim.event_id)).where(col(Claim.source_id) == _param(slot, "id"))
    return col(Event.id).in_(claims)


def _upcoming(slot: int) -> ColumnElement[bool]:
    """SQL: the event may still begin after the day at ``slot`` and is not settled."""
    settled = [s.value for s in SETTLED_STATUSES]
    latest_start = func.coalesce(Event.start_latest, Event.end_latest, literal(MAX_DAY))
    return and_(latest_start > _param(slot, "day", Date), col(Event.status).not_in(settled))


def _rank_order(slot: int) -> tuple[Any, ...]:
    """The order of a ranked search at ``slot``: relevance, then id."""
    table = Event.__table__.c  # type: ignore[attr-defined]
    return (Rank(table.id, _param(slot, "terms", Text)), table.id)


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


@lru_cache(maxsize=2)
def _event_time_order(descending: bool) -> tuple[Any, ...]:
    """The keys of :meth:`EventQuery.order_by_time` on the event table (built once)."""
    return tuple(_time_order(Event.__table__.c, descending))  # type: ignore[attr-defined]


def _time_order(columns: Any, descending: bool) -> list[Any]:
    """The keys of :meth:`EventQuery.order_by_time` on ``columns`` (the table's or a subquery's)."""
    if descending:
        return [
            columns.start_earliest.desc().nulls_last(),
            columns.start_latest.desc().nulls_last(),
            columns.end_latest.desc().nulls_first(),
            columns.id.desc(),
        ]
    return [
        columns.start_earliest.nulls_first(),
        columns.start_latest.nulls_first(),
        columns.end_latest.nulls_last(),
        columns.id,
    ]


def _non_negative(n: int, what: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InvalidEventError(f"{what} must be a non-negative integer, not {n!r}", field=what)
    return n


#: The fields of :class:`EventQuery` that an ``as_of`` query carries over.
_AS_OF_FIELDS = {
    *("_session", "_engine", "_where", "_shape", "_values"),
    *("_order", "_limit", "_offset", "_published", "_recorded"),
}


@dataclass(frozen=True, repr=False)  # EventQuery's repr, which shows the knowledge time
class AsOfQuery(EventQuery):
    """An :class:`EventQuery` answered from the versions valid at a knowledge time."""

    _published: date | None = None
    _recorded: datetime | None = None

    def _check_supported(self) -> None:
        for field in fields(self):
            if field.name not in _AS_OF_FIELDS and getattr(self, field.name) != field.default:
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
