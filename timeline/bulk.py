"""Bulk loading: ``tl.add_events(rows)``, the path importers use for thousands of events.

Each row is a dict with the keywords of :meth:`Timeline.add_event` (``title``, ``when``,
``kind``, ``status``, ``place``, ``actors``, ``part_of``, ``source``, ``quote``, ``summary``,
``tags``, ``confidence``, ``reference``, ``external_ids``). ``part_of`` may name the parent by
an external id, ``{"scheme": "value"}`` or ``"scheme:value"``, including an event loaded
earlier in the same call.

How it stays fast: rows are validated and turned into plain tuples in Python (no model objects,
which cost ~37 µs each), then written a batch at a time: ``executemany`` on SQLite, binary
``COPY`` on PostgreSQL. Everything happens in one transaction, so a bad row anywhere leaves the
database as it was, and the error names the row and field. Indexes and the full-text structures
stay in step (triggers on SQLite, GIN indexes on PostgreSQL). Memory stays flat: only one batch
and the name lookups are held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc, select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from .database import WRITE_LOCK, lock, write_connection
from .errors import EventNotFoundError, InvalidDateError, InvalidEventError, NotFoundError
from .models import (
    MAX_DAY,
    MIN_DAY,
    Entity,
    EntityAlias,
    Event,
    EventExternalId,
    Place,
    Source,
    WhenColumns,
)
from .text import check_text, name_key
from .vocab import RelationKind, Status, check_kind, check_many, check_mapping, check_role
from .when import When

if TYPE_CHECKING:
    from .timeline import Timeline

#: The keys a row may have (those of ``Timeline.add_event``).
ROW_KEYS = frozenset(
    {
        "title",
        "when",
        "kind",
        "status",
        "place",
        "actors",
        "part_of",
        "source",
        "quote",
        "summary",
        "tags",
        "confidence",
        "reference",
        "external_ids",
    }
)

_WHEN_COLUMNS = tuple(WhenColumns.when_columns(When.parse("2026-02-26")))
EVENT_COLUMNS = (
    "id",
    "title",
    "summary",
    "kind",
    "status",
    "place_id",
    "confidence",
    *_WHEN_COLUMNS,
    "created_at",
    "updated_at",
)
CLAIM_COLUMNS = (
    "event_id",
    "source_id",
    "status",
    "quote",
    "confidence",
    "published",
    *_WHEN_COLUMNS,
    "recorded_at",
)
#: Each loaded event's first version, so that ``as_of`` sees it (see :mod:`timeline.knowledge`).
VERSION_COLUMNS = (
    "event_id",
    "status",
    *_WHEN_COLUMNS,
    "known_from",
    "known_until",
    "recorded_from",
)
PARTICIPATION_COLUMNS = ("event_id", "entity_id", "role", "search_start", "search_end")
TAG_COLUMNS = ("event_id", "tag")
EXTERNAL_ID_COLUMNS = ("event_id", "scheme", "value")
RELATION_COLUMNS = ("source_event_id", "target_event_id", "kind")
_PART_OF = RelationKind.PART_OF.value


@dataclass
class _Batch:
    """The plain tuples of one batch, per table, plus the parents still to resolve."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    claims: list[tuple[Any, ...]] = field(default_factory=list)
    versions: list[tuple[Any, ...]] = field(default_factory=list)
    participations: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    external_ids: list[tuple[Any, ...]] = field(default_factory=list)
    parents: list[tuple[int, int, Any]] = field(default_factory=list)  # (row, event id, parent)


def _text(value: Any, row: int, name: str, *, indexed: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEventError(
            f"row {row}: {name} must be non-empty text, not {value!r:.100}",
            field=name,
            value=value,
        )
    return check_text(value.strip(), name, f"row {row}: ", indexed=indexed)


def _scheme(value: Any, row: int) -> str:
    scheme = _text(value, row, "external id scheme")
    if len(scheme) > 32:
        raise InvalidEventError(
            f"row {row}: external id scheme {scheme!r} is longer than 32 characters",
            field="external_ids",
            value=scheme,
        )
    return scheme


def _optional_text(value: Any, row: int, name: str) -> str | None:
    return None if value is None else _text(value, row, name)


def _parent_key(value: Any, row: int) -> int | tuple[str, str]:
    if isinstance(value, Event) and value.id is not None:
        return value.id
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        ((scheme, identifier),) = value.items()
        return str(scheme), str(identifier)
    if isinstance(value, str) and ":" in value:
        scheme, identifier = value.split(":", 1)
        return scheme, identifier
    raise InvalidEventError(
        f"row {row}: part_of must be an event, an id, {{'scheme': 'value'}} or 'scheme:value', "
        f"not {value!r}",
        field="part_of",
        value=value,
    )


_PLAIN = frozenset({str, int, float, bool})


#: The column types of each ``COPY`` (see :meth:`BulkWriter._types`).
_COPY_TYPES: dict[str, list[str]] = {}


class BulkWriter:
    """Plain tuples written fast on one connection, inside the caller's transaction.

    The internal API of the bulk paths (:func:`add_events` and the chunked import in
    :mod:`timeline.io.fast`): :meth:`allocate` ids, turn Python values into driver values
    with :meth:`value`, and :meth:`write` rows: ``executemany`` on SQLite, binary ``COPY`` on
    PostgreSQL. Nothing is validated here: callers check rows first.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.now = datetime.now(timezone.utc)
        self.now_value = self.value(self.now)
        self.types = _COPY_TYPES

    def value(self, value: Any) -> Any:
        """A value as the driver takes it fastest: ISO text for SQLite dates (trap G6), JSON
        text for a dict on SQLite."""
        if self.postgres or value is None or type(value) in _PLAIN:
            return value
        if type(value) is date:
            return value.isoformat()
        if isinstance(value, datetime):
            utc = value.astimezone(timezone.utc).replace(tzinfo=None)
            return utc.isoformat(sep=" ", timespec="microseconds")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return json.dumps(value)
        return value

    def allocate(self, table: str, n: int) -> list[int]:
        """``n`` fresh ids of ``table``: its sequence on PostgreSQL, after its largest id on
        SQLite (write them before anything else inserts into ``table``)."""
        if self.postgres:
            found = self.connection.exec_driver_sql(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                f"FROM generate_series(1, {int(n)})"
            )
            return [int(i) for (i,) in found]
        top = self.connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
        first = int(top or 0) + 1
        return list(range(first, first + n))

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Insert plain tuples: ``executemany`` on SQLite, binary ``COPY`` on PostgreSQL."""
        if not rows:
            return
        names = ", ".join(columns)
        if not self.postgres:
            marks = ", ".join("?" * len(columns))
            self.connection.exec_driver_sql(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                rows,
            )
            return
        driver: Any = self.connection.connection.driver_connection
        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
        types = self._types(table, columns)  # before COPY starts: it holds the connection
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(types)
            for values in rows:
                copy.write_row(values)

    def _types(self, table: str, columns: tuple[str, ...]) -> list[str]:
        """The PostgreSQL type names of ``columns`` (looked up once per process: every
        schema of the library has the same column types)."""
        key = f"{table}({','.join(columns)})"
        if key not in self.types:
            found: dict[str, str] = dict(
                self.connection.exec_driver_sql(
                    "SELECT a.attname, t.typname FROM pg_attribute a "
                    "JOIN pg_type t ON t.oid = a.atttypid "
                    f"WHERE a.attrelid = '{table}'::regclass AND a.attnum > 0"
                ).all()
            )
            self.types[key] = [str(found[name]) for name in columns]
        return self.types[key]


class _Loader(BulkWriter):
    """One bulk load: name caches and row checks, on top of the writer."""

    def __init__(self, timeline: Timeline, connection: Connection, session: Session) -> None:
        super().__init__(connection)
        self.timeline = timeline
        self.session = session
        self.entities: dict[Any, int] = {}
        self.places: dict[Any, int] = {}
        self.sources: dict[Any, Source] = {}
        self.whens: dict[When, tuple[tuple[Any, ...], tuple[Any, Any]]] = {}
        self.roles: dict[str, str] = {}

    # -- lookups ---------------------------------------------------------------------------

    def prefetch(self, chunk: list[Any]) -> None:
        """Look up a batch's new actor names in one query per 500 (unambiguous ones only)."""
        names = {
            name
            for data in chunk
            if isinstance(data, Mapping) and isinstance(data.get("actors"), Mapping)
            for name in data["actors"]
            if isinstance(name, str) and name not in self.entities and "\0" not in name
        }
        by_key: dict[str, list[str]] = {}
        for name in names:
            by_key.setdefault(name_key(name), []).append(name)
        keys = sorted(by_key)
        for start in range(0, len(keys), 500):
            found: dict[str, set[int]] = {}
            rows = self.session.execute(
                select(col(EntityAlias.key), col(EntityAlias.entity_id)).where(
                    col(EntityAlias.key).in_(keys[start : start + 500])
                )
            )
            for key, entity_id in rows:
                found.setdefault(key, set()).add(entity_id)
            for key, ids in found.items():
                if len(ids) == 1:  # several entities share the name: _entity_id explains
                    for name in by_key[key]:
                        self.entities[name] = next(iter(ids))

    def _entity_id(self, name: Any, row: int) -> int:
        key = name.id if isinstance(name, Entity) else name
        if key not in self.entities:
            try:
                entity = self.timeline._entity(self.session, name)
            except NotFoundError as error:
                raise NotFoundError(error.kind, error.key, f"row {row}, field 'actors'") from error
            except InvalidEventError as error:
                raise InvalidEventError(f"row {row}: {error}", field="actors") from error
            assert entity.id is not None
            self.entities[key] = entity.id
        return self.entities[key]

    def _place_id(self, name: Any, row: int) -> int:
        key = name.id if isinstance(name, Place) else name
        if key not in self.places:
            try:
                place = self.timeline._place(self.session, name)
            except NotFoundError as error:
                raise NotFoundError(error.kind, error.key, f"row {row}, field 'place'") from error
            assert place.id is not None
            self.places[key] = place.id
        return self.places[key]

    def _source(self, value: Any, row: int) -> Source:
        key = value.id if isinstance(value, Source) else value
        if key not in self.sources:
            try:
                self.sources[key] = self.timeline._source(self.session, value)
            except NotFoundError as error:
                raise NotFoundError(error.kind, error.key, f"row {row}, field 'source'") from error
        return self.sources[key]

    # -- rows to tuples --------------------------------------------------------------------

    def add(self, batch: _Batch, row: int, data: Mapping[str, Any], event_id: int) -> None:
        """Validate one row and append its tuples to ``batch``."""
        if not isinstance(data, Mapping):
            raise InvalidEventError(f"row {row}: expected a dict, not {type(data).__name__}")
        unknown = sorted(set(data) - ROW_KEYS)
        if unknown:
            raise InvalidEventError(
                f"row {row}: unknown field {unknown[0]!r}; "
                f"use some of {', '.join(sorted(ROW_KEYS))}",
                field=unknown[0],
            )
        title = _text(data.get("title"), row, "title")
        try:
            kind = check_kind(data.get("kind"))
            status = Status.coerce(data.get("status", Status.OCCURRED), field="status").value
        except InvalidEventError as error:
            raise InvalidEventError(
                f"row {row}: {error}", field=error.field, value=error.value
            ) from error
        source = self._source(data["source"], row) if data.get("source") is not None else None
        reference = data.get("reference")
        if reference is None and source is not None:
            reference = source.published_at or source.published
        if "when" not in data:
            raise InvalidEventError(f"row {row}: 'when' is required", field="when")
        try:
            when = self.timeline.parse_when(data["when"], reference)
        except InvalidDateError as error:
            reason = f"row {row}: {error.reason}"
            raise InvalidDateError(error.value, reason, part=error.part) from error
        when_values, hull = self._when_values(when)
        confidence = data.get("confidence")
        if confidence is not None:
            if isinstance(confidence, bool) or not isinstance(confidence, (int, float)):
                confidence = -1
            if not 0 <= confidence <= 1:
                raise InvalidEventError(
                    f"row {row}: confidence must be a number between 0 and 1, not "
                    f"{data.get('confidence')!r}",
                    field="confidence",
                    value=data.get("confidence"),
                )
            confidence = float(confidence)
        place = data.get("place")
        if place is not None and not isinstance(place, (str, int, Place)):
            raise InvalidEventError(
                f"row {row}: place must be a name, an id or a Place, not {place!r:.100}",
                field="place",
            )
        place_id = self._place_id(place, row) if place is not None else None
        summary = _optional_text(data.get("summary"), row, "summary")
        quote = _optional_text(data.get("quote"), row, "quote")
        now = self.now_value
        batch.events.append(
            (event_id, title, summary, kind, status, place_id, confidence, *when_values, now, now)
        )
        published = source.published if source is not None else None
        batch.claims.append(
            (
                event_id,
                source.id if source is not None else None,
                status,
                quote,
                confidence,
                self.value(published),
                *when_values,
                now,
            )
        )
        known_from = self.value(published if published is not None else MIN_DAY)
        batch.versions.append(
            (event_id, status, *when_values, known_from, self.value(MAX_DAY), now)
        )
        links: set[tuple[int, str]] = set()
        where = f"row {row}: "
        for name, roles in check_mapping(
            data.get("actors") or {}, field="actors", where=where
        ).items():
            entity_id = self._entity_id(name, row)
            for role in check_many(roles, field="role", where=where):
                checked = self.roles.get(role) if isinstance(role, str) else None
                if checked is None:
                    try:
                        checked = self.roles[role] = check_role(role)
                    except InvalidEventError as error:
                        raise InvalidEventError(f"row {row}: {error}", field="actors") from error
                links.add((entity_id, checked))
        batch.participations.extend((event_id, e, r, *hull) for e, r in sorted(links))
        tags = check_many(data.get("tags") or (), field="tags", where=where)
        for tag in dict.fromkeys(_text(t, row, "tag", indexed=True) for t in tags):
            batch.tags.append((event_id, tag))
        external_ids = check_mapping(
            data.get("external_ids") or {}, field="external_ids", where=where
        )
        for scheme, value in external_ids.items():
            batch.external_ids.append(
                (
                    event_id,
                    _scheme(scheme, row),
                    _text(value, row, "external id", indexed=True),
                )
            )
        if data.get("part_of") is not None:
            batch.parents.append((row, event_id, _parent_key(data["part_of"], row)))

    def _when_values(self, when: When) -> tuple[tuple[Any, ...], tuple[Any, Any]]:
        """The stored When columns as driver values, and the hull; cached (dates repeat)."""
        found = self.whens.get(when)
        if found is None:
            if len(self.whens) > 100_000:
                self.whens.clear()
            columns = WhenColumns.when_columns(when)
            values = tuple(self.value(columns[name]) for name in _WHEN_COLUMNS)
            hull = (self.value(columns["search_start"]), self.value(columns["search_end"]))
            found = self.whens[when] = (values, hull)
        return found

    def flush(self, batch: _Batch) -> None:
        """Write one batch: events first, then what refers to them."""
        self.write("timeline_event", EVENT_COLUMNS, batch.events)
        self.write("timeline_claim", CLAIM_COLUMNS, batch.claims)
        self.write("timeline_event_version", VERSION_COLUMNS, batch.versions)
        self.write("timeline_participation", PARTICIPATION_COLUMNS, batch.participations)
        self.write("timeline_event_tag", TAG_COLUMNS, batch.tags)
        self.write("timeline_event_external_id", EXTERNAL_ID_COLUMNS, batch.external_ids)
        self.write("timeline_relation", RELATION_COLUMNS, self._relations(batch))

    def _relations(self, batch: _Batch) -> list[tuple[Any, ...]]:
        """Resolve the batch's parents (ids, or external ids loaded before or in this batch)."""
        by_scheme: dict[str, set[str]] = {}
        numbers: set[int] = set()
        for _, _, parent in batch.parents:
            if isinstance(parent, tuple):
                by_scheme.setdefault(parent[0], set()).add(parent[1])
            else:
                numbers.add(parent)
        known: dict[Any, int] = {}
        for scheme, values in by_scheme.items():
            found = self.session.execute(
                select(col(EventExternalId.value), col(EventExternalId.event_id)).where(
                    col(EventExternalId.scheme) == scheme, col(EventExternalId.value).in_(values)
                )
            )
            known.update(((scheme, value), event_id) for value, event_id in found)
        if numbers:
            found_ids = self.session.execute(
                select(col(Event.id)).where(col(Event.id).in_(numbers))
            )
            known.update((i, i) for (i,) in found_ids)
        relations = []
        for row, event_id, parent in batch.parents:
            if parent not in known:
                if isinstance(parent, int):
                    raise EventNotFoundError(parent, f"row {row}, field 'part_of'")
                raise NotFoundError("parent event", ":".join(parent), f"row {row}, field 'part_of'")
            if known[parent] == event_id:
                raise InvalidEventError(f"row {row}: an event cannot be part of itself")
            relations.append((event_id, known[parent], _PART_OF))
        return relations


def _refused(error: Exception) -> bool:
    """Whether ``error`` is a constraint violation (from SQLAlchemy or from psycopg's COPY)."""
    if isinstance(error, exc.IntegrityError):
        return True
    return type(error).__module__.startswith("psycopg") and any(
        klass.__name__ == "IntegrityError" for klass in type(error).__mro__
    )


@contextmanager
def _transaction(timeline: Timeline) -> Iterator[Connection]:
    """One write transaction (``BEGIN IMMEDIATE`` on SQLite, so ids cannot race)."""
    with write_connection(timeline.engine, bulk=True) as connection, connection.begin():
        lock(connection, WRITE_LOCK)  # PostgreSQL: external ids cannot race another import
        yield connection


def add_events(
    timeline: Timeline, rows: Iterable[Mapping[str, Any]], *, batch_size: int = 5000
) -> int:
    """Load ``rows`` (dicts of :meth:`Timeline.add_event` keywords) in one transaction.

    :returns: how many events were added.
    :raises InvalidEventError: for a malformed row (the message names the row and field);
        nothing is written.
    :raises InvalidDateError: for an unreadable ``when``; nothing is written.
    :raises NotFoundError: for an unknown actor, place, source or parent; nothing is written.
    """
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise InvalidEventError(
            f"batch_size must be a positive integer, not {batch_size!r}", field="batch_size"
        )
    total = 0
    iterator = iter(rows)
    with _transaction(timeline) as connection, Session(bind=connection) as session:
        loader = _Loader(timeline, connection, session)
        while chunk := list(islice(iterator, batch_size)):
            batch = _Batch()
            loader.prefetch(chunk)
            for offset, (data, event_id) in enumerate(
                zip(chunk, loader.allocate("timeline_event", len(chunk)), strict=True)
            ):
                loader.add(batch, total + offset, data, event_id)
            try:
                loader.flush(batch)
            except Exception as error:
                if not _refused(error):
                    raise
                cause = getattr(error, "orig", None) or error
                raise InvalidEventError(
                    f"the database refused rows {total}..{total + len(chunk) - 1}: {cause}"
                ) from error
            total += len(chunk)
    return total
