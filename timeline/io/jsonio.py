"""The library's own JSON and JSON Lines format: a lossless dump of a timeline.

A file is a sequence of *records*, each an object with a ``type``: ``entity``, ``place``,
``source``, ``event``, ``relation``, ``claim``, ``statement`` (see :data:`RECORD_SCHEMA`, the
published JSON Schema). JSON Lines holds one record per line, after a header line
``{"type": "timeline", "version": 1}``; JSON holds ``{"timeline": 1, "records": [...]}``.
Records refer to each other by the ``id`` they carry in the file; importing maps those to new
database ids, matching what is already stored, so a second import of the same file changes
nothing, and export → import → export gives the same records.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from operator import itemgetter
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, text
from sqlmodel import Session, col

from ..errors import AmbiguousNameError, TimelineError
from ..knowledge import copy_state, sync, utcnow
from ..models import (
    Claim,
    Entity,
    EntityAlias,
    Event,
    EventExternalId,
    EventTag,
    Participation,
    Place,
    PlaceAlias,
    Relation,
    Source,
    Statement,
    StatementAbout,
    WhenColumns,
)
from ..revisions import log
from ..text import check_name, name_key
from ..vocab import RelationKind, Status, check_kind, check_mapping
from ..write.draft import PlaceRef, SourceRef
from ..write.idmap import IdMap
from ..write.names import ANYWHERE, check_alias, place_values
from ..write.new import ClaimLog, stored_external_ids, write_chunk
from ..write.pipeline import Loader, check_row, validate_row
from ..write.rows import (
    CLAIM_COLUMNS,
    ENTITY_COLUMNS,
    EVENT_COLUMNS,
    EXTERNAL_ID_COLUMNS,
    PARTICIPATION_COLUMNS,
    PLACE_COLUMNS,
    REVISION_COLUMNS,
    SOURCE_COLUMNS,
    TAG_COLUMNS,
    VERSION_COLUMNS,
    WHEN_COLUMNS,
    BulkWriter,
)
from .base import (
    BadRow,
    ChunkWriter,
    Item,
    Progress,
    RowError,
    Step,
    float_or_none,
    iter_lines,
    open_text,
)
from .jsonschema import RECORD_SCHEMA, WHEN_FIELDS
from .views import BATCH

if TYPE_CHECKING:
    from ..query import EventQuery
    from ..timeline import Timeline

VERSION = 1

#: Values per ``IN (...)`` lookup.
_IN = 500

__all__ = ["RECORD_SCHEMA", "read_json", "read_jsonl", "records", "write_json", "write_jsonl"]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _when(row: WhenColumns) -> dict[str, Any] | None:
    if row.span is None:
        return None
    return {name: _iso(getattr(row, name)) for name in WHEN_FIELDS}


def _aliases_by_owner(session: Session, owner: Any, name: Any, order: Any) -> dict[int, list[str]]:
    """Alias names grouped by the id of the entity (or place) they belong to, in added order."""
    found: dict[int, list[str]] = {}
    for owner_id, alias in session.execute(select(owner, name).order_by(order)):
        found.setdefault(owner_id, []).append(alias)
    return found


def records(tl: Timeline, query: EventQuery | None = None) -> Iterator[dict[str, Any]]:
    """Every record of the timeline (or of the events of ``query``), in dependency order."""
    event_ids = (query if query is not None else tl.events()).ids()
    wanted = set(event_ids)
    with tl.session() as session:
        aliases = _aliases_by_owner(
            session, col(EntityAlias.entity_id), col(EntityAlias.name), col(EntityAlias.id)
        )
        for entity in session.scalars(
            select(Entity).order_by(col(Entity.id)).execution_options(yield_per=1000)
        ):
            assert entity.id is not None
            yield {
                "type": "entity",
                "id": entity.id,
                "name": entity.name,
                "kind": entity.kind,
                "country": entity.country,
                "aliases": [a for a in aliases.get(entity.id, []) if a != entity.name],
                "external_ids": dict(entity.external_ids or {}),
                "created_at": _iso(entity.created_at),
            }
        place_aliases = _aliases_by_owner(
            session, col(PlaceAlias.place_id), col(PlaceAlias.name), col(PlaceAlias.id)
        )
        for place in session.scalars(
            select(Place).order_by(col(Place.id)).execution_options(yield_per=1000)
        ):
            assert place.id is not None
            yield {
                "type": "place",
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "country": place.country,
                "parent": place.parent_id,
                "lat": place.lat,
                "lon": place.lon,
                "aliases": [a for a in place_aliases.get(place.id, []) if a != place.name],
                "external_ids": dict(place.external_ids or {}),
            }
        for source in session.scalars(
            select(Source).order_by(col(Source.id)).execution_options(yield_per=1000)
        ):
            yield {
                "type": "source",
                "id": source.id,
                "title": source.title,
                "url": source.url,
                "publisher": source.publisher_id,
                "published": _iso(source.published),
                "published_at": _iso(source.published_at),
                "created_at": _iso(source.created_at),
            }
    ordered = sorted(event_ids)
    for start in range(0, len(ordered), BATCH):
        yield from _event_records(tl, ordered[start : start + BATCH])
    with tl.session() as session:
        for relation in session.scalars(
            select(Relation).order_by(col(Relation.id)).execution_options(yield_per=1000)
        ):
            if relation.source_event_id in wanted and relation.target_event_id in wanted:
                yield {
                    "type": "relation",
                    "source": relation.source_event_id,
                    "target": relation.target_event_id,
                    "kind": relation.kind.value,
                }
        for claim in session.scalars(
            select(Claim)
            .order_by(col(Claim.event_id), col(Claim.id))  # an event's claims side by side
            .execution_options(yield_per=1000)
        ):
            if claim.event_id in wanted:
                yield {
                    "type": "claim",
                    "event": claim.event_id,
                    "source": claim.source_id,
                    "status": claim.status.value if claim.status else None,
                    "quote": claim.quote,
                    "confidence": claim.confidence,
                    "published": _iso(claim.published),
                    "recorded_at": _iso(claim.recorded_at),
                    "when": _when(claim),
                }
        about: dict[int, list[int]] = {}
        for statement_id, entity_id in session.execute(
            select(col(StatementAbout.statement_id), col(StatementAbout.entity_id)).order_by(
                col(StatementAbout.entity_id)
            )
        ):
            about.setdefault(statement_id, []).append(entity_id)
        for statement in session.scalars(
            select(Statement).order_by(col(Statement.id)).execution_options(yield_per=1000)
        ):
            if statement.event_id is not None and statement.event_id not in wanted:
                continue
            assert statement.id is not None
            yield {
                "type": "statement",
                "speaker": statement.speaker_id,
                "text": statement.text,
                "source": statement.source_id,
                "event": statement.event_id,
                "said_edtf": statement.said_edtf,
                "said_earliest": _iso(statement.said_earliest),
                "said_latest": _iso(statement.said_latest),
                "recorded_at": _iso(statement.recorded_at),
                "about": about.get(statement.id, []),
            }


def _event_records(tl: Timeline, chunk: list[int]) -> Iterator[dict[str, Any]]:
    with tl.session() as session:
        events = list(
            session.scalars(select(Event).where(col(Event.id).in_(chunk)).order_by(col(Event.id)))
        )
        actors: dict[int, list[dict[str, Any]]] = {}
        for event_id, entity_id, role in session.execute(
            select(
                col(Participation.event_id), col(Participation.entity_id), col(Participation.role)
            )
            .where(col(Participation.event_id).in_(chunk))
            .order_by(col(Participation.entity_id), col(Participation.role))
        ):
            actors.setdefault(event_id, []).append({"entity": entity_id, "role": role})
        tags: dict[int, list[str]] = {}
        for event_id, tag in session.execute(
            select(col(EventTag.event_id), col(EventTag.tag))
            .where(col(EventTag.event_id).in_(chunk))
            .order_by(col(EventTag.tag))
        ):
            tags.setdefault(event_id, []).append(tag)
        ids: dict[int, dict[str, str]] = {}
        for event_id, scheme, value in session.execute(
            select(
                col(EventExternalId.event_id),
                col(EventExternalId.scheme),
                col(EventExternalId.value),
            )
            .where(col(EventExternalId.event_id).in_(chunk))
            .order_by(col(EventExternalId.scheme))
        ):
            ids.setdefault(event_id, {})[scheme] = value
    for event in events:
        assert event.id is not None
        yield {
            "type": "event",
            "id": event.id,
            "title": event.title,
            "summary": event.summary,
            "kind": event.kind,
            "status": event.status.value,
            "place": event.place_id,
            "confidence": event.confidence,
            "when": _when(event),
            "actors": actors.get(event.id, []),
            "tags": tags.get(event.id, []),
            "external_ids": ids.get(event.id, {}),
            "created_at": _iso(event.created_at),
            "updated_at": _iso(event.updated_at),
        }


def write_jsonl(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write JSON Lines: a header line, then one record per line. Returns the event count."""
    out.write(json.dumps({"type": "timeline", "version": VERSION}) + "\n")
    events = 0
    for record in records(tl, query):
        events += record["type"] == "event"
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return events


def write_json(tl: Timeline, query: EventQuery | None, out: IO[str]) -> int:
    """Write one JSON document ``{"timeline": 1, "records": [...]}``, streamed record by record."""
    out.write(f'{{"timeline": {VERSION}, "records": [')
    events = 0
    for number, record in enumerate(records(tl, query)):
        events += record["type"] == "event"
        out.write(("\n  " if number == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False))
    out.write("\n]}\n")
    return events


# -- import ------------------------------------------------------------------------------------


def read_jsonl(path: str | os.PathLike[str], progress: Progress | None = None) -> Iterator[Item]:
    """Records of a JSON Lines file, one :class:`Step` per line (blank lines are skipped)."""
    with open_text(path, progress) as stream:
        for number, line in iter_lines(stream):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                yield RowError(number, f"not JSON: {error.msg} (column {error.colno})")
                continue
            except RecursionError:
                yield RowError(number, _TOO_DEEP)
                continue
            yield _step(number, record)


#: Python's JSON reader recurses once per level: a deeper document is refused, not a crash.
_TOO_DEEP = "not JSON that can be read: arrays or objects nested too deeply"


def read_json(path: str | os.PathLike[str], progress: Progress | None = None) -> Iterator[Item]:
    """Records of a JSON document (``{"records": [...]}`` or a bare list); numbered from 1.

    The records array is read one record at a time (memory stays flat on a large file); a
    syntax error is reported on its line, after the records before it.
    """
    with open_text(path, progress) as stream:
        reader = _JSONStream(stream)
        try:
            first = reader.punctuation("[{", mismatch=_NotADocument)
            if first == "{":
                reader.find_records()
            for number, record in enumerate(reader.items(), 1):
                yield _step(number, record)
            reader.finish(first == "{")
        except json.JSONDecodeError as error:
            line, column = reader.where(error.pos)
            yield RowError(line, f"not JSON: {error.msg} (column {column})")
        except _NotADocument:
            yield RowError(1, 'expected {"timeline": 1, "records": [...]} or a list of records')
        except RecursionError:
            yield RowError(reader.where(reader.at)[0], _TOO_DEEP)


class _NotADocument(Exception):
    """The JSON is well formed but holds no records array."""


class _JSONStream:
    """An incremental reader of one JSON document: values are decoded one by one with
    :meth:`json.JSONDecoder.raw_decode` from a buffer that holds little more than one value."""

    BLOCK = 1 << 16

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.buffer = ""
        self.at = 0
        self.lines = 0  # newlines in the text already dropped from the buffer
        self.carry = 0  # characters of the buffer's first line already dropped
        self.done = False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        """Read another block (dropping what was consumed); False at the end of the file."""
        if self.done:
            return False
        block = self.stream.read(self.BLOCK * max(1, len(self.buffer) // self.BLOCK))
        if not block:
            self.done = True
            return False
        self.lines += self.buffer.count("\n", 0, self.at)
        newline = self.buffer.rfind("\n", 0, self.at)
        self.carry = self.at - newline - 1 if newline >= 0 else self.carry + self.at
        self.buffer, self.at = self.buffer[self.at :] + block, 0
        return True

    def where(self, at: int) -> tuple[int, int]:
        """The line and column of the buffer's offset ``at`` in the file."""
        newline = self.buffer.rfind("\n", 0, at)
        column = at - newline if newline >= 0 else self.carry + at + 1
        return self.lines + self.buffer.count("\n", 0, at) + 1, column

    def _skip(self) -> str:
        """Skip white space; the next character, or ``""`` at the end."""
        while True:
            while self.at < len(self.buffer) and self.buffer[self.at] in " \t\r\n":
                self.at += 1
            if self.at < len(self.buffer):
                return self.buffer[self.at]
            if not self._more():
                return ""

    def punctuation(self, expected: str, mismatch: type[Exception] | None = None) -> str:
        """Consume one of the ``expected`` characters (after white space); raise ``mismatch``
        (if given) when another value starts there."""
        found = self._skip()
        if found and found not in expected and mismatch is not None:
            raise mismatch
        if not found or found not in expected:
            what = f"{found!r}" if found else "the end of the file"
            wanted = " or ".join(repr(c) for c in expected)
            raise json.JSONDecodeError(f"expected {wanted}, found {what}", self.buffer, self.at)
        self.at += 1
        return found

    def value(self) -> Any:
        """Decode the next value, reading more of the file until it is complete."""
        self._skip()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.at)
            except json.JSONDecodeError:
                if self._more():
                    continue
                raise
            if end < len(self.buffer) or not self._more():  # a number may go on: read on
                self.at = end
                return value

    def find_records(self) -> None:
        """In an object, skip the members before ``"records"``, up to its opening bracket."""
        while True:
            if self._skip() == "}":
                raise _NotADocument
            key = self.value()
            self.punctuation(":")
            if key == "records":
                if self._skip() != "[":
                    raise _NotADocument
                self.at += 1
                return
            self.value()
            self.punctuation(",}")
            if self.buffer[self.at - 1] == "}":
                raise _NotADocument

    def finish(self, in_object: bool) -> None:
        """Check the rest of the document (the members after ``"records"``) and that nothing
        follows it."""
        while in_object and self.punctuation(",}") == ",":
            self.value()
            self.punctuation(":")
            self.value()
        if self._skip():
            raise json.JSONDecodeError("extra data after the document", self.buffer, self.at)

    def items(self) -> Iterator[Any]:
        """The values of the array whose ``[`` was just read."""
        if self._skip() == "]":
            self.at += 1
            return
        while True:
            yield self.value()
            if self.punctuation(",]") == "]":
                return


def _step(number: int, record: Any) -> Item:
    if not isinstance(record, dict):
        return RowError(number, f"a record must be an object, not {type(record).__name__}")
    kind = record.get("type")
    handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
    if kind == "timeline":
        return Step(number, lambda loader: "reference")
    if handler is None:
        known = ", ".join(sorted(_HANDLERS))
        return RowError(number, f"unknown record type {kind!r}; use one of: {known}", field="type")

    def apply(loader: Loader) -> str:
        try:
            return handler(loader, record)
        except (BadRow, TimelineError):
            raise
        except (TypeError, ValueError, AttributeError) as error:
            # A field of the wrong JSON type (a number for a list, a list for an object…).
            raise BadRow(f"the {kind} record does not fit the schema: {error}") from error

    step = Step(number, apply, _CHUNKS.get(str(kind)), record)
    if kind == "claim":
        step.group = record.get("event")  # an event's claims are folded together
    return step


def _ref(loader: Loader, table: str, record: dict[str, Any], key: str, required: bool) -> Any:
    value = record.get(key)
    if value is None:
        if required:
            raise BadRow(f"{key} is missing", key)
        return None
    found = loader.ids.get(table, _NO_IDS).get(value)
    if found is None:
        raise BadRow(f"{key} {value!r} refers to no {table} earlier in the file", key)
    return found


_NO_IDS = IdMap()


def _remember(loader: Loader, table: str, record: dict[str, Any], db_id: Any) -> None:
    if record.get("id") is not None:
        ids = loader.ids.get(table)
        if ids is None:
            ids = loader.ids[table] = IdMap()
        ids[record["id"]] = int(db_id)


def _entity(loader: Loader, record: dict[str, Any]) -> str:
    entity_id = loader.names.add_entity(
        str(record.get("name") or ""),
        str(record.get("kind") or ""),
        [str(alias) for alias in record.get("aliases") or []],
        record.get("country"),
        dict(record.get("external_ids") or {}),
    )
    if record.get("created_at"):
        entity = loader.session.get(Entity, entity_id)
        assert entity is not None
        entity.created_at = check_row(
            Entity, {**_row(entity), "created_at": record["created_at"]}
        ).created_at
    _remember(loader, "entity", record, entity_id)
    return "reference"


def _row(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in type(row).model_fields}


def _place_ref(record: dict[str, Any]) -> PlaceRef:
    kind = str(record.get("kind") or "")
    return PlaceRef(
        str(record.get("name") or ""),
        kind,
        record.get("country"),
        float_or_none(record.get("lat"), "lat"),
        float_or_none(record.get("lon"), "lon"),
        external_ids=dict(record.get("external_ids") or {}),
        new_kind=kind,
    )


def _place(loader: Loader, record: dict[str, Any]) -> str:
    parent_id = _ref(loader, "place", record, "parent", required=False)
    ref = _place_ref(record)
    names = loader.names
    aliases = [str(alias) for alias in record.get("aliases") or []]
    found = names.find_place(ref.name, ref.kind, ANYWHERE if parent_id is None else parent_id)
    if found is None:
        place_id = names.create_place(ref, parent_id, aliases)
    else:
        place_id = found.id
        names.add_place_aliases(place_id, aliases)
    _remember(loader, "place", record, place_id)
    return "reference"


def _source_row(loader: Loader, record: dict[str, Any]) -> SimpleNamespace:
    publisher_id = _ref(loader, "entity", record, "publisher", required=True)
    values = {
        "title": record.get("title"),
        "url": record.get("url"),
        "publisher_id": publisher_id,
        "published": record.get("published"),
        "published_at": record.get("published_at"),
    }
    if record.get("created_at"):
        values["created_at"] = record["created_at"]
    return check_row(Source, values)


def _source(loader: Loader, record: dict[str, Any]) -> str:
    row = _source_row(loader, record)
    names = loader.names
    created = names.documents
    source_id, _ = names.source(
        SourceRef(row.title, row.publisher_id, row.published_at or row.published, row.url)
    )
    if names.documents > created and record.get("created_at"):
        stored = loader.session.get(Source, source_id)
        assert stored is not None
        stored.created_at = row.created_at
    _remember(loader, "source", record, source_id)
    return "reference"


def _when_columns(value: Any, field: str, required: bool) -> dict[str, Any]:
    """The stored ``When`` columns of a record's ``when``, checked (read only: shared)."""
    if value is None:
        if required:
            raise BadRow(f"{field} is missing", field)
        return _NO_WHEN
    if not isinstance(value, dict):
        raise BadRow(f"{field} must be an object of When columns", field)
    try:
        if len(value) == len(_WHEN_FIELDS) and _WHEN_FIELDS.issuperset(value):
            return _exported_when(_WHEN_VALUES(value), field)  # as exported: by its values
        return _stored_when(tuple(value.items()), field)
    except TypeError:  # a value that is not hashable (the check below words the error)
        return _stored_when.__wrapped__(tuple(value.items()), field)


_WHEN_FIELDS = frozenset(WHEN_FIELDS)
#: The values of a ``when`` with every key of :data:`WHEN_FIELDS`, in their order.
_WHEN_VALUES = itemgetter(*WHEN_FIELDS)
_NO_WHEN: dict[str, Any] = dict.fromkeys(WhenColumns.model_fields)


@lru_cache(maxsize=1 << 14)
def _stored_when(items: tuple[tuple[str, Any], ...], field: str) -> dict[str, Any]:
    """The stored ``When`` columns of a record's ``when`` (cached: dates repeat; read only)."""
    unknown = {name for name, _ in items} - _WHEN_FIELDS
    if unknown:
        raise BadRow(f"{field} has unknown keys: {', '.join(sorted(unknown))}", field)
    stored = validate_row(WhenColumns, dict(items))
    try:
        when = stored.when
    except (TypeError, ValueError) as error:
        raise BadRow(f"{field} is not a date: {error}", field) from error
    if when is None:
        raise BadRow(f"{field}.span is missing", field)
    derived = WhenColumns.when_columns(when)
    return {**derived, **{name: getattr(stored, name) for name in WHEN_FIELDS}}


@lru_cache(maxsize=1 << 14)
def _exported_when(values: tuple[Any, ...], field: str) -> dict[str, Any]:
    """:func:`_stored_when` of a ``when`` with the keys of :data:`WHEN_FIELDS`, given its
    values in their order."""
    return _stored_when.__wrapped__(tuple(zip(WHEN_FIELDS, values, strict=True)), field)


@dataclass
class _EventIn:
    """An event record, checked: its row (without id) and what it links to."""

    row: SimpleNamespace  # the event's columns, checked
    external: dict[str, str]
    actors: list[tuple[int, str]]
    tags: list[str]


def _event_in(loader: Loader, record: dict[str, Any]) -> _EventIn:
    columns = _when_columns(record.get("when"), "when", required=True)
    values: dict[str, Any] = {
        "title": record.get("title"),
        "summary": record.get("summary"),
        "kind": check_kind(record.get("kind")),
        "status": Status.coerce(record.get("status") or "occurred", field="status"),
        "place_id": _ref(loader, "place", record, "place", required=False),
        "confidence": record.get("confidence"),
    }
    for stamp in ("created_at", "updated_at"):
        if record.get(stamp):
            values[stamp] = record[stamp]
    row = check_row(Event, values, columns)
    ids = check_mapping(record.get("external_ids") or {}, field="external_ids")
    external = {str(k): str(v) for k, v in ids.items()}
    for scheme, value in external.items():
        if not (0 < len(scheme) <= 32 and value):  # the model's checks, which word the error
            check_row(EventExternalId, {"event_id": 0, "scheme": scheme, "value": value})
    for name in ("actors", "tags"):
        if not isinstance(record.get(name) or [], list):
            raise BadRow(f"{name} must be a list", name)
    actors: dict[tuple[int, str], None] = {}
    for number, actor in enumerate(record.get("actors") or []):
        if not isinstance(actor, dict):
            raise BadRow("each actor must be an object with entity and role", f"actors[{number}]")
        entity_id = _ref(loader, "entity", actor, "entity", required=True)
        actors[(entity_id, _role(str(actor.get("role"))))] = None
    tags = list(dict.fromkeys(str(tag) for tag in record.get("tags") or []))
    return _EventIn(row, external, list(actors), tags)


@lru_cache(maxsize=1 << 10)
def _role(role: str) -> str:
    """``role`` checked as a participation's (cached: roles repeat)."""
    link = check_row(Participation, {"event_id": 0, "entity_id": 0, "role": role})
    return str(link.role)


def _event(loader: Loader, record: dict[str, Any]) -> str:
    found = _event_in(loader, record)
    row, external = found.row, found.external
    event_id = loader.find_event(external)
    if event_id is None and not external:
        event_id = loader.same_event(vars(row))
    outcome = "unchanged"
    if event_id is None:
        created = Event(**vars(row))
        loader.session.add(created)
        loader.session.flush()
        event_id, outcome = created.id, "created"
    event = loader.session.get(Event, event_id)
    assert event is not None and event_id is not None
    loader.bare.pop(event_id)  # its state may change here
    if outcome != "created":
        changed = {
            name: getattr(row, name)
            for name in (
                "title",
                "summary",
                "kind",
                "status",
                "place_id",
                "confidence",
                *WHEN_FIELDS,
            )
            if getattr(event, name) != getattr(row, name)
        }
        if changed:
            for name in ("title", "summary", "kind", "status", "place_id", "confidence"):
                setattr(event, name, getattr(row, name))
            for name in WhenColumns.model_fields:
                setattr(event, name, getattr(row, name))
            event.updated_at = row.updated_at
            outcome = "updated"
    if loader.link_actors(event, found.actors) and outcome == "unchanged":
        outcome = "updated"
    tags = set(
        loader.session.scalars(select(col(EventTag.tag)).where(col(EventTag.event_id) == event_id))
    )
    for tag in found.tags:
        if tag not in tags:
            tags.add(tag)
            loader.session.add(EventTag(event_id=event_id, tag=tag))
            outcome = "updated" if outcome == "unchanged" else outcome
    for scheme, value in external.items():
        if loader.find_event({scheme: value}) is None:
            loader.session.add(EventExternalId(event_id=event_id, scheme=scheme, value=value))
    loader.session.flush()
    _remember(loader, "event", record, event_id)  # once the database took it
    return outcome


def _relation(loader: Loader, record: dict[str, Any]) -> str:
    kind = RelationKind.coerce(record.get("kind"), field="relation kind")
    source = _ref(loader, "event", record, "source", required=True)
    target = _ref(loader, "event", record, "target", required=True)
    loader.relate(source, target, kind)
    loader.session.flush()
    return "reference"


def _claim_row(loader: Loader, record: dict[str, Any]) -> SimpleNamespace:
    values: dict[str, Any] = {
        "event_id": _ref(loader, "event", record, "event", required=True),
        "source_id": _ref(loader, "source", record, "source", required=False),
        "status": Status.coerce(record["status"], field="status") if record.get("status") else None,
        "quote": record.get("quote"),
        "confidence": record.get("confidence"),
        "published": record.get("published"),
    }
    if record.get("recorded_at"):
        values["recorded_at"] = record["recorded_at"]
    return check_row(Claim, values, _when_columns(record.get("when"), "when", required=False))


def _claim(loader: Loader, record: dict[str, Any]) -> str:
    row = _claim_row(loader, record)
    loader.bare.pop(row.event_id)  # it may be claimed here

    def same(column: Any, value: Any) -> Any:
        return col(column).is_(None) if value is None else col(column) == value

    found = loader.session.scalars(
        select(col(Claim.id)).where(
            col(Claim.event_id) == row.event_id,
            same(Claim.source_id, row.source_id),
            same(Claim.status, row.status.value if row.status else None),
            same(Claim.edtf, row.edtf),
            same(Claim.quote, row.quote),
            same(Claim.recorded_at, row.recorded_at),
        )
    ).first()
    if found is None:
        claim = Claim(**vars(row))
        loader.session.add(claim)
        loader.session.flush()
        loader.summary.claims += 1
        event = loader.session.get(Event, row.event_id)
        assert event is not None
        now = utcnow()
        changes = sync(loader.session, event, now)
        action = "claim" if row.source_id is not None else "edit"
        log(loader.session, row.event_id, action, now, changes=changes, claim_id=claim.id)
    return "reference"


def _statement(loader: Loader, record: dict[str, Any]) -> str:
    values: dict[str, Any] = {
        "speaker_id": _ref(loader, "entity", record, "speaker", required=True),
        "text": record.get("text"),
        "source_id": _ref(loader, "source", record, "source", required=False),
        "event_id": _ref(loader, "event", record, "event", required=False),
        "said_edtf": record.get("said_edtf"),
        "said_earliest": record.get("said_earliest"),
        "said_latest": record.get("said_latest"),
    }
    if record.get("recorded_at"):
        values["recorded_at"] = record["recorded_at"]
    row = validate_row(Statement, values)
    found = loader.session.scalars(
        select(col(Statement.id)).where(
            col(Statement.speaker_id) == row.speaker_id,
            col(Statement.text) == row.text,
            col(Statement.recorded_at) == row.recorded_at,
        )
    ).first()
    if found is None:
        loader.session.add(row)
        loader.session.flush()
        for number, _ in enumerate(record.get("about") or []):
            entity_id = _ref(loader, "entity", {"about": record["about"][number]}, "about", True)
            loader.session.add(StatementAbout(statement_id=row.id, entity_id=entity_id))
        loader.session.flush()
    return "reference"


_HANDLERS = {
    "entity": _entity,
    "place": _place,
    "source": _source,
    "event": _event,
    "relation": _relation,
    "claim": _claim,
    "statement": _statement,
}


# -- chunks: runs of event and claim records written at once ----------------------------------


#: What checking a record may raise; such a record goes to the per-row path, which words it.
_WORDED_PER_ROW = (BadRow, TimelineError, ValueError, TypeError, AttributeError)

#: An event's status and ``When`` columns as the driver gives them.
State = tuple[Any, tuple[Any, ...]]


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _write_events(
    loader: Loader,
    steps: list[Step],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write a run of event records: the new ones (external ids that no stored event and no
    earlier record has) in bulk, the others through ``write_one``, in file order."""
    wanted: dict[str, set[str]] = {}
    for step in steps:
        ids = step.record.get("external_ids")
        for scheme, value in ids.items() if isinstance(ids, dict) else ():
            wanted.setdefault(str(scheme), set()).add(str(value))
    known = set(stored_external_ids(loader.session, wanted))
    pending: list[tuple[Step, _EventIn]] = []
    for step in steps:
        found: _EventIn | None = None
        with suppress(*_WORDED_PER_ROW):
            hash(step.record.get("id"))  # a file id the per-row path refuses
            found = _event_in(loader, step.record)
        ids = set(found.external.items()) if found is not None else set()
        if found is not None and ids and not ids & known:
            known |= ids
            pending.append((step, found))
            continue
        known |= ids
        _flush_events(loader, pending, write_one, report)
        pending = []
        error = write_one(step)
        if error is not None:
            report(error)
    _flush_events(loader, pending, write_one, report)


def _flush_events(
    loader: Loader,
    pending: list[tuple[Step, _EventIn]],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write new events in one savepoint; on a refusal, again one record at a time."""
    if not pending:
        return

    def write() -> list[tuple[int, State]]:
        writer = BulkWriter(loader.session.connection())
        value = writer.value
        ids = writer.allocate("timeline_event", len(pending))
        states: list[State] = []
        events: list[tuple[Any, ...]] = []
        people: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        external: list[tuple[Any, ...]] = []
        for (_, found), event_id in zip(pending, ids, strict=True):
            row = found.row
            state = (row.status.value, writer.when_values(vars(row)))
            states.append(state)
            events.append(
                (
                    event_id,
                    row.title,
                    row.summary,
                    row.kind,
                    state[0],
                    row.place_id,
                    row.confidence,
                    *state[1],
                    value(row.created_at),
                    value(row.updated_at),
                )
            )
            hull = (value(row.search_start), value(row.search_end))
            people.extend((event_id, entity, role, *hull) for entity, role in found.actors)
            tags.extend((event_id, tag) for tag in found.tags)
            external.extend((event_id, *item) for item in found.external.items())
        writer.write("timeline_event", EVENT_COLUMNS, events)
        writer.write("timeline_participation", PARTICIPATION_COLUMNS, people)
        writer.write("timeline_event_tag", TAG_COLUMNS, tags)
        writer.write("timeline_event_external_id", EXTERNAL_ID_COLUMNS, external)
        return list(zip(ids, states, strict=True))

    written = write_chunk(loader, write, [step for step, _ in pending], write_one, report)
    if written is None:
        return
    summary = loader.summary
    summary.created += len(pending)
    for (step, found), (event_id, state) in zip(pending, written, strict=True):
        _remember(loader, "event", step.record, event_id)
        loader.bare[event_id] = state
        if len(summary.created_titles) < 1000:
            summary.created_titles.append(found.row.title)


def _write_claims(
    loader: Loader,
    steps: list[Step],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write a run of claim records: the claims of live events that have none yet in bulk
    (their versions and state folded once from all of them), the others through
    ``write_one``."""
    rows: list[tuple[Step, SimpleNamespace]] = []
    for step in steps:
        try:
            rows.append((step, _claim_row(loader, step.record)))
        except _WORDED_PER_ROW:
            error = write_one(step)  # words the error
            if error is not None:
                report(error)
    fresh = _unclaimed_events(loader, {row.event_id for _, row in rows})
    bulk: dict[int, list[tuple[Step, SimpleNamespace]]] = {}
    for step, row in rows:
        if row.event_id in fresh:
            bulk.setdefault(row.event_id, []).append((step, row))
        else:
            error = write_one(step)
            if error is not None:
                report(error)
    if not bulk:
        return
    steps = [step for found in bulk.values() for step, _ in found]
    added = write_chunk(loader, lambda: _bulk_claims(loader, bulk, fresh), steps, write_one, report)
    if added is not None:
        loader.summary.claims += added


#: Which of the events ``ids`` have a claim or a version.
_CLAIMED = text(
    "SELECT event_id FROM timeline_claim WHERE event_id IN :ids "
    "UNION SELECT event_id FROM timeline_event_version WHERE event_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
#: The events ``ids``: their live marks, then their state (status and ``When`` columns), as
#: the driver gives them. By id alone: with the live marks in the query too, PostgreSQL may
#: scan the window index (which holds them) of a table loaded in this transaction, 40x slower.
_STATE = text(
    f"SELECT id, deleted_at, merged_into_id, status, {', '.join(WHEN_COLUMNS)} "
    "FROM timeline_event WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _unclaimed_events(loader: Loader, event_ids: set[int]) -> dict[int, State]:
    """The live events among ``event_ids`` with no claim and no version yet, and their
    stored state as the driver gives it (as :func:`_state_values` words a state): those this
    import wrote bare as it wrote them (:attr:`Loader.bare`), the others looked up."""
    found: dict[int, State] = {}
    bare = loader.bare
    unknown = []
    for event_id in sorted(event_ids):
        state = bare.pop(event_id)  # they are claimed next, or the chunk is undone
        if state is None:
            unknown.append(event_id)
        else:
            found[event_id] = state
    connection = loader.session.connection()
    for start in range(0, len(unknown), _IN):
        part = unknown[start : start + _IN]
        taken = set(connection.scalars(_CLAIMED, {"ids": part}).all())
        unclaimed = [i for i in part if i not in taken]
        state = connection.execute(_STATE, {"ids": unclaimed}).all()
        for event_id, deleted, merged, status, *when in state:
            if deleted is None and merged is None:
                found[int(event_id)] = (status, tuple(when))
    return found


def _state_values(writer: BulkWriter, state: dict[str, Any]) -> State:
    """An event's status and ``When`` columns as the writer writes them. Equal to the stored
    ones read by :func:`_unclaimed_events`, the state is unchanged; not equal, it may still be
    the same, written by another writer in other words (:func:`copy_state` compares values)."""
    return Status(state["status"]).value, writer.when_values(state)


def _bulk_claims(
    loader: Loader,
    bulk: dict[int, list[tuple[Step, SimpleNamespace]]],
    stored: dict[int, State],
) -> int:
    """Write the claims of events that had none, their versions, and their folded state
    (as :func:`timeline.knowledge.sync` after each claim would leave them); returns how
    many claims were new."""
    writer = BulkWriter(loader.session.connection())
    value = writer.value
    claims: list[SimpleNamespace] = []
    by_event: dict[int, list[SimpleNamespace]] = {}
    for event_id, found in bulk.items():
        seen: set[tuple[Any, ...]] = set()
        for _, row in found:
            key = (row.source_id, row.status, row.edtf, row.quote, row.recorded_at)
            if key not in seen:
                seen.add(key)
                by_event.setdefault(event_id, []).append(row)
                claims.append(row)
    for row, claim_id in zip(claims, writer.allocate("timeline_claim", len(claims)), strict=True):
        row.id = claim_id
    writer.write(
        "timeline_claim",
        ("id", *CLAIM_COLUMNS),
        [
            (
                row.id,
                row.event_id,
                row.source_id,
                _plain(row.status),
                row.quote,
                row.confidence,
                value(row.published),
                *writer.when_values(vars(row)),
                value(row.recorded_at),
            )
            for row in claims
        ],
    )
    versions: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    changed: dict[int, dict[str, Any]] = {}
    empty = value({})
    for event_id, said in by_event.items():
        log = ClaimLog(event_id, writer.now_value, empty)
        for index, row in enumerate(said):  # the event's claims, as they were recorded
            log.add(row, "create" if index == 0 else "claim" if row.source_id else "edit")
        versions.extend(log.versions(writer))
        revisions.extend(log.revisions)
        final = log.states[-1][1]
        if _state_values(writer, final) != stored[event_id]:
            changed[event_id] = final
    writer.write("timeline_event_version", VERSION_COLUMNS, versions)
    writer.write("timeline_revision", REVISION_COLUMNS, revisions)
    for event_id, final in changed.items():
        event = loader.session.get(Event, event_id)
        assert event is not None
        copy_state(loader.session, event, final, writer.now)
    loader.session.flush()
    return len(claims)


def _write_sources(
    loader: Loader,
    steps: list[Step],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write a run of document records: those with a URL that no stored document (nor an
    earlier record) has in bulk, the others through ``write_one``, in file order."""
    rows: list[tuple[Step, SimpleNamespace | None]] = []
    for step in steps:
        row: SimpleNamespace | None = None
        with suppress(*_WORDED_PER_ROW):
            hash(step.record.get("id"))
            row = _source_row(loader, step.record)
        rows.append((step, row))
    urls = sorted({row.url for _, row in rows if row is not None and row.url})
    known: dict[str, int] = {}
    for start in range(0, len(urls), _IN):
        for url, source_id in loader.session.execute(
            select(col(Source.url), col(Source.id))
            .where(col(Source.url).in_(urls[start : start + _IN]))
            .order_by(col(Source.id).desc())
        ):
            known[url] = int(source_id)  # the first stored one wins, as in the per-row path
    pending: list[tuple[Step, SimpleNamespace]] = []
    for step, row in rows:
        if row is not None and row.url:
            if known.get(row.url) == 0:  # a document of this chunk: written first
                _flush_sources(loader, pending, known, write_one, report)
                pending = []
            if known.get(row.url):
                _remember(loader, "source", step.record, known[row.url])
            elif row.url in known:  # its chunk was refused, and written again row by row
                error = write_one(step)
                if error is not None:
                    report(error)
            else:
                known[row.url] = 0  # written below: later records of this URL wait for it
                pending.append((step, row))
            continue
        _flush_sources(loader, pending, known, write_one, report)
        pending = []
        error = write_one(step)
        if error is not None:
            report(error)
    _flush_sources(loader, pending, known, write_one, report)


def _flush_sources(
    loader: Loader,
    pending: list[tuple[Step, SimpleNamespace]],
    known: dict[str, int],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write new documents in one savepoint; on a refusal, again one record at a time."""
    if not pending:
        return

    def write() -> list[int]:
        writer = BulkWriter(loader.session.connection())
        ids = writer.allocate("timeline_source", len(pending))
        writer.write(
            "timeline_source",
            ("id", *SOURCE_COLUMNS),
            [
                (source_id, *(writer.value(getattr(row, name)) for name in SOURCE_COLUMNS))
                for (_, row), source_id in zip(pending, ids, strict=True)
            ],
        )
        return ids

    ids = write_chunk(loader, write, [step for step, _ in pending], write_one, report)
    if ids is None:
        return
    for (step, row), source_id in zip(pending, ids, strict=True):
        assert row.url is not None
        known[row.url] = source_id
        _remember(loader, "source", step.record, source_id)
    loader.summary.documents += len(pending)


def _write_entities(
    loader: Loader,
    steps: list[Step],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write a run of entity records: those whose name and kind no stored entity (nor an
    earlier record) has in bulk, with their aliases; the others through ``write_one``."""
    rows: list[
        tuple[Step, tuple[str, str] | None, SimpleNamespace | None, list[tuple[str, str]]]
    ] = []
    for step in steps:
        try:
            hash(step.record.get("id"))
            rows.append((step, *_entity_in(step.record)))
        except _WORDED_PER_ROW:
            rows.append((step, None, None, []))
    names = loader.names
    names.prefetch_entities(row.name for _, _, row, _ in rows if row is not None)
    known: set[tuple[str, str]] = set()
    for _, key, row, _ in rows:
        if key is not None and row is not None:
            try:
                if names.find_entity(row.name, row.kind) is not None:
                    known.add(key)
            except AmbiguousNameError:
                known.add(key)  # the per-row path reports it
    pending: list[tuple[Step, SimpleNamespace, list[tuple[str, str]]]] = []
    for step, key, row, aliases in rows:
        if key is not None and row is not None and key not in known:
            known.add(key)
            pending.append((step, row, aliases))
            continue
        _flush_named(loader, "entity", pending, write_one, report)
        pending = []
        error = write_one(step)
        if error is not None:
            report(error)
    _flush_named(loader, "entity", pending, write_one, report)


def _entity_in(
    record: dict[str, Any],
) -> tuple[tuple[str, str], SimpleNamespace, list[tuple[str, str]]]:
    """An entity record checked: its lookup key, row, and aliases (name and key, the name
    first)."""
    name = str(record.get("name") or "").strip()
    if not name:
        raise BadRow("an actor name is empty", "name")
    check_name(name, "entity name")
    kind = check_kind(str(record.get("kind") or ""), field="entity kind")
    values = {
        "name": name,
        "kind": kind,
        "country": record.get("country"),
        "external_ids": dict(record.get("external_ids") or {}),
    }
    if record.get("created_at"):
        values["created_at"] = record["created_at"]
    row = check_row(Entity, values)
    return (name_key(name), kind), row, _names(name, record)


def _names(name: str, record: dict[str, Any]) -> list[tuple[str, str]]:
    """A new entity's or place's names, its own (checked) first, then the record's aliases
    checked, each with its lookup key, one per key (as the per-row path stores them)."""
    aliases = {name_key(name): name}
    for alias in record.get("aliases") or []:
        checked = check_alias(str(alias))
        aliases.setdefault(name_key(checked), checked)
    return [(n, k) for k, n in aliases.items()]


#: Where a run of new entities or places (by record type) is written: the table and its
#: columns, the aliases' table and its column naming their owner.
_NAMED = {
    "entity": ("timeline_entity", ENTITY_COLUMNS, "timeline_entity_alias", "entity_id"),
    "place": ("timeline_place", PLACE_COLUMNS, "timeline_place_alias", "place_id"),
}


def _flush_named(
    loader: Loader,
    kind: str,
    pending: list[tuple[Step, SimpleNamespace, list[tuple[str, str]]]],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write new entities (or places: ``kind``) and their aliases in one savepoint; on a
    refusal, again one record at a time."""
    if not pending:
        return
    table, columns, alias_table, owner = _NAMED[kind]

    def write() -> list[int]:
        writer = BulkWriter(loader.session.connection())
        value = writer.value
        ids = writer.allocate(table, len(pending))
        writer.write(
            table,
            ("id", *columns),
            [
                (row_id, *(value(getattr(row, name)) for name in columns))
                for (_, row, _), row_id in zip(pending, ids, strict=True)
            ],
        )
        aliases = [
            (row_id, name, key)
            for (_, _, found), row_id in zip(pending, ids, strict=True)
            for name, key in found
        ]
        alias_ids = writer.allocate(alias_table, len(aliases))
        writer.write(
            alias_table,
            ("id", owner, "name", "key"),
            [(i, *alias) for i, alias in zip(alias_ids, aliases, strict=True)],
        )
        return ids

    ids = write_chunk(loader, write, [step for step, _, _ in pending], write_one, report)
    if ids is None:
        return
    loader.names.forget()  # the new names are looked up again
    for (step, _, _), row_id in zip(pending, ids, strict=True):
        _remember(loader, kind, step.record, row_id)


def _write_places(
    loader: Loader,
    steps: list[Step],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write a run of place records: those whose name no stored place (nor an earlier record
    of the run) goes by in bulk, with their aliases; the others through ``write_one``, in
    file order. A place inside one of the run's new places waits for it to be written."""
    loader.names.prefetch_places(
        name for step in steps if isinstance(name := step.record.get("name"), str)
    )
    pending: list[tuple[Step, SimpleNamespace, list[tuple[str, str]]]] = []
    waiting: set[Any] = set()  # the file ids of the pending places
    taken: set[str] = set()  # the lookup keys of their names
    for step in steps:
        record = step.record
        with suppress(TypeError):  # an unhashable parent: the per-row path words it
            if record.get("parent") in waiting:
                _flush_named(loader, "place", pending, write_one, report)
                pending, waiting, taken = [], set(), set()
        found: tuple[SimpleNamespace, list[tuple[str, str]]] | None = None
        with suppress(*_WORDED_PER_ROW):
            hash(record.get("id"))
            found = _place_in(loader, record)
        if found is not None and found[1][0][1] not in taken:  # its own name's key
            row, names = found
            pending.append((step, row, names))
            if record.get("id") is not None:
                waiting.add(record["id"])
            taken.update(key for _, key in names)
            continue
        _flush_named(loader, "place", pending, write_one, report)
        pending, waiting, taken = [], set(), set()
        error = write_one(step)
        if error is not None:
            report(error)
    _flush_named(loader, "place", pending, write_one, report)


def _place_in(
    loader: Loader, record: dict[str, Any]
) -> tuple[SimpleNamespace, list[tuple[str, str]]] | None:
    """A place record checked as a new place: its row and names (as :func:`_names`); ``None``
    when a stored place goes by its name (the per-row path adds its aliases)."""
    parent_id = _ref(loader, "place", record, "parent", required=False)
    ref = _place_ref(record)
    where = ANYWHERE if parent_id is None else parent_id
    if loader.names.find_place(ref.name, ref.kind, where) is not None:
        return None
    row = check_row(Place, place_values(ref, parent_id))
    return row, _names(row.name, record)


_CHUNKS: dict[str, ChunkWriter] = {
    "entity": _write_entities,
    "place": _write_places,
    "source": _write_sources,
    "event": _write_events,
    "claim": _write_claims,
}
