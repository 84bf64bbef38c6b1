"""The fast path of an import: new events written a chunk at a time, in plain tuples.

:func:`timeline.io.loader.run_import` hands runs of :class:`~timeline.io.base.EventRecord` to
:func:`write_records`. A record whose external ids match no stored event (nor an earlier record
of the run) is *new*: it is checked in Python, and the chunk's new events, first claims, first
versions, revisions, participations, tags and external ids are then written with the bulk
loader's writers (``executemany`` on SQLite, binary ``COPY`` on PostgreSQL) on the import's own
connection, inside its transaction. Entities, places and documents are looked up once per chunk
(``IN`` queries) and the missing ones created in one statement each.

A new event's claims need no recomputation from the database: they are folded in Python with
the same rule (:func:`timeline.knowledge.fold`), giving the same claims, versions, revisions and
current state as :func:`timeline.provenance.record_claim` would, one claim at a time.

Everything else (updates, records without external ids, ``part_of``, any record that fails a
check) goes through the per-row loader, in file order, which also words every row error. If the
database refuses a chunk, the chunk's savepoint is rolled back and its rows are written again
one at a time, so a refused row is reported exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlmodel import col

from ..bulk import (
    CLAIM_COLUMNS,
    EVENT_COLUMNS,
    EXTERNAL_ID_COLUMNS,
    PARTICIPATION_COLUMNS,
    TAG_COLUMNS,
    VERSION_COLUMNS,
    BulkWriter,
)
from ..errors import TimelineError
from ..knowledge import WHEN_FIELDS, _when_text, fold
from ..models import (
    MAX_DAY,
    Claim,
    Entity,
    EntityAlias,
    Event,
    EventExternalId,
    EventTag,
    Participation,
    Place,
    PlaceAlias,
    Source,
    WhenColumns,
)
from ..text import check_name, name_key
from ..vocab import Status, check_kind, check_role
from ..when import When
from .base import ClaimIn, EntityIn, EventRecord, PlaceIn, RowError, check_record_text

if TYPE_CHECKING:
    from .loader import Loader

T = TypeVar("T")

#: The loader's lookup caches are cleared before they reach this size (as in the loader).
CACHE_LIMIT = 50_000

#: Records examined per chunk (one round of lookups and one write per table).
FAST_CHUNK = 1000

#: Values per ``IN (...)`` lookup.
_IN = 500


ENTITY_COLUMNS = ("name", "kind", "country", "external_ids", "created_at")
ENTITY_ALIAS_COLUMNS = ("entity_id", "name", "key")
PLACE_COLUMNS = ("name", "kind", "country", "parent_id", "lat", "lon", "external_ids")
PLACE_ALIAS_COLUMNS = ("place_id", "name", "key")
SOURCE_COLUMNS = ("title", "url", "publisher_id", "published", "published_at", "created_at")
REVISION_COLUMNS = (
    "event_id",
    "action",
    "field",
    "old",
    "new",
    "claim_id",
    "recorded_at",
    "detail",
)


class _Slow(Exception):
    """This record takes the per-row path (which explains any error)."""


@dataclass
class _Plan:
    """One new event, checked: its values, and the names still to resolve to ids."""

    record: EventRecord
    when: When
    columns: dict[str, Any]
    title: str
    kind: str
    status: Status
    actors: list[tuple[tuple[str, str], EntityIn, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    claims: list[tuple[ClaimIn, Status | None, tuple[Any, ...] | None]] = field(
        default_factory=list
    )


def _plan(loader: Loader, record: EventRecord) -> _Plan:
    """Check ``record`` as the per-row path would; :class:`_Slow` when it might refuse it."""
    if not record.external_ids or record.part_of:
        raise _Slow
    try:
        check_record_text(record)
        when = (
            record.when
            if isinstance(record.when, When)
            else loader.tl.parse_when(record.when, record.reference)
        )
        title = (record.title or "").strip()
        kind = check_kind(record.kind)
        status = Status.coerce(record.status, field="status")
        if not title or len(kind) > 128:
            raise _Slow
        if record.confidence is not None and not 0 <= record.confidence <= 1:
            raise _Slow
        for scheme, value in record.external_ids.items():
            if not scheme or len(scheme) > 32 or not value:
                raise _Slow
        plan = _Plan(record, when, _columns(when, when.edtf), title, kind, status)
        for found, role in record.actors:
            plan.actors.append((_entity_key(found), found, check_role(role)))
        place = record.place
        while place is not None:
            check_kind(place.kind, field="place kind")
            if not place.name.strip() or (place.country and len(place.country) > 8):
                raise _Slow
            check_name(place.name.strip(), "place name")
            for degrees, bound in ((place.lat, 90.0), (place.lon, 180.0)):
                if degrees is not None and not -bound <= degrees <= bound:
                    raise _Slow
            place = place.parent
        plan.tags = list(dict.fromkeys(t.strip() for t in record.tags if t.strip()))
        if len(record.claims) > 1 and any(c.status or c.when for c in record.claims):
            raise _Slow  # later claims would be compared with the state earlier ones made
        for claim in record.claims:
            if claim.confidence is not None and not 0 <= claim.confidence <= 1:
                raise _Slow
            claim_status = Status.coerce(claim.status, field="status") if claim.status else None
            source_key = _source_key(claim) if claim.source is not None else None
            plan.claims.append((claim, claim_status, source_key))
    except (TimelineError, ValueError, TypeError) as error:
        raise _Slow from error
    return plan


@lru_cache(maxsize=1 << 14)
def _columns(when: When, edtf: str | None) -> dict[str, Any]:
    """The stored columns of ``when`` (cached: dates repeat; ``edtf`` is part of the key
    because equal values may be written differently). Read only."""
    return WhenColumns.when_columns(when)


def _entity_key(found: EntityIn) -> tuple[str, str]:
    if found.country is not None and len(found.country) > 8:
        raise _Slow
    return _name_and_kind(found.name, found.kind)


@lru_cache(maxsize=1 << 16)
def _name_and_kind(name: str, kind: str) -> tuple[str, str]:
    """The lookup key of an entity (names repeat on every row: cached)."""
    name = name.strip()
    checked = check_kind(kind, field="entity kind")
    if not name or len(checked) > 64:
        raise _Slow
    try:
        check_name(name, "entity name")
    except TimelineError:
        raise _Slow from None  # the slow path names the row
    return _name_key(name), checked


@lru_cache(maxsize=1 << 16)
def _name_key(name: str) -> str:
    return name_key(name)


def _source_key(claim: ClaimIn) -> tuple[Any, ...]:
    """Documents with a URL are looked up in bulk; the others one by one (``None`` key)."""
    assert claim.source is not None
    _entity_key(EntityIn(claim.source.publisher, "media"))
    if not claim.source.url:
        if not claim.source.title.strip():
            raise _Slow
        return ()
    return (claim.source.url,)


def write_records(
    loader: Loader,
    records: list[EventRecord],
    write_one: Callable[[EventRecord], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write ``records`` (in file order): new events in bulk, the others through ``write_one``.

    A record of a stored event that it would not change (the same values, actors, tags, ids
    and claims: a re-import) is only counted as unchanged. Each row error ``write_one`` gives
    back goes to ``report`` at once (which raises unless the import skips bad rows).
    """
    stored = _stored_ids(loader, records)
    same = _unchanged(loader, records, stored)
    known = set(stored)
    pending: list[_Plan] = []
    for record in records:
        ids = set(record.external_ids.items())
        plan: _Plan | None = None
        if id(record) in same:
            loader.summary.unchanged += 1
            continue
        if not ids & known:
            try:
                plan = _plan(loader, record)
            except _Slow:
                plan = None
        known |= ids
        if plan is not None:
            pending.append(plan)
            continue
        _flush(loader, pending, write_one, report)
        pending = []
        error = write_one(record)
        if error is not None:
            report(error)
    _flush(loader, pending, write_one, report)


def _stored_ids(loader: Loader, records: list[EventRecord]) -> dict[tuple[str, str], int]:
    """The ``(scheme, value)`` external ids of ``records`` that stored events have, and the
    ids of those events."""
    by_scheme: dict[str, set[str]] = {}
    for record in records:
        for scheme, value in record.external_ids.items():
            by_scheme.setdefault(scheme, set()).add(value)
    found: dict[tuple[str, str], int] = {}
    for scheme, values in by_scheme.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), _IN):
            rows = loader.session.execute(
                select(col(EventExternalId.value), col(EventExternalId.event_id)).where(
                    col(EventExternalId.scheme) == scheme,
                    col(EventExternalId.value).in_(ordered[start : start + _IN]),
                )
            )
            found.update(((scheme, value), int(event_id)) for value, event_id in rows)
    return found


def _unchanged(
    loader: Loader, records: list[EventRecord], stored: dict[tuple[str, str], int]
) -> set[int]:
    """The records (by ``id()``) that their stored event already says in full.

    Checked for the whole chunk at once: the events, actors, tags and claims of the chunk's
    stored events are read in one query each. A record that might change anything is left to
    the per-row path; so is every record of an event that another record of the chunk (or a
    record without external ids, matched by title and dates) may touch first.
    """
    if not stored or any(not record.external_ids for record in records):
        return set()
    owners: dict[int, list[EventRecord]] = {}
    for record in records:
        matched = {stored[item] for item in record.external_ids.items() if item in stored}
        for event_id in matched:
            owners.setdefault(event_id, []).append(record)
    candidates: dict[int, _Plan] = {}
    for event_id, found in owners.items():
        record = found[0]
        if len(found) > 1 or not all(item in stored for item in record.external_ids.items()):
            continue
        try:
            candidates[event_id] = _plan(loader, record)
        except _Slow:
            continue
    if not candidates:
        return set()
    chunk = _Chunk(loader)
    plans = list(candidates.values())
    chunk.find_entities(_wanted(plans))
    chunk.find_sources(plans)
    chunk.find_places(plans)
    session, ids = loader.session, sorted(candidates)
    events: dict[int, Event] = {}
    people: set[tuple[int, int, str]] = set()
    tags: set[tuple[int, str]] = set()
    claims: set[tuple[int, int | None, str, str | None]] = set()
    for start in range(0, len(ids), _IN):
        part = ids[start : start + _IN]
        for row in session.scalars(select(Event).where(col(Event.id).in_(part))):
            events[int(row.id or 0)] = row
        people.update(
            session.execute(
                select(
                    col(Participation.event_id),
                    col(Participation.entity_id),
                    col(Participation.role),
                ).where(col(Participation.event_id).in_(part))
            )
        )
        tags.update(
            session.execute(
                select(col(EventTag.event_id), col(EventTag.tag)).where(
                    col(EventTag.event_id).in_(part)
                )
            )
        )
        for event_id, source_id, status, edtf in session.execute(
            select(
                col(Claim.event_id), col(Claim.source_id), col(Claim.status), col(Claim.edtf)
            ).where(col(Claim.event_id).in_(part))
        ):
            claims.add((event_id, source_id, Status(status).value, edtf))
    same: set[int] = set()
    for event_id, plan in candidates.items():
        event = events.get(event_id)
        if event is not None and _says_nothing_new(loader, plan, event, people, tags, claims):
            same.add(id(plan.record))
    return same


def _says_nothing_new(
    loader: Loader,
    plan: _Plan,
    event: Event,
    people: set[tuple[int, int, str]],
    tags: set[tuple[int, str]],
    claims: set[tuple[int, int | None, str, str | None]],
) -> bool:
    """Whether writing ``plan`` on its stored ``event`` would change nothing (as
    :meth:`Loader.write` decides: the same values, and no new actor, tag or claim)."""
    record, event_id = plan.record, event.id
    place_id = loader.find_place(record.place) if record.place is not None else None
    if record.place is not None and place_id is None:
        return False
    values = {
        "title": plan.title,
        "summary": record.summary,
        "kind": plan.kind,
        "status": plan.status,
        "place_id": place_id,
        "confidence": record.confidence,
        **plan.columns,
    }
    if any(getattr(event, name) != value for name, value in values.items()):
        return False
    for key, _, role in plan.actors:
        entity_id = loader._entities.get(key)
        if entity_id is None or (event_id, entity_id, role) not in people:
            return False
    if any((event_id, tag) not in tags for tag in plan.tags):
        return False
    for claim, status, document in plan.claims:
        if claim.source is None:
            source_id = None
        elif document and document in loader._sources:
            source_id = loader._sources[document][0]
        else:
            return False  # a new document, or one without a URL: the per-row path decides
        edtf = claim.when.edtf if claim.when is not None else plan.columns["edtf"]
        if (event_id, source_id, (status or plan.status).value, edtf) not in claims:
            return False
    return True


def write_chunk(
    loader: Loader,
    write: Callable[[], T],
    records: Iterable[Any],
    write_one: Callable[[Any], RowError | None],
    report: Callable[[RowError], None],
) -> T | None:
    """``write()`` in one savepoint, and its result. If the database (or a model check) refuses
    it, the savepoint is undone and ``records`` go again one at a time through ``write_one``,
    which says which one was refused and why; then ``None``."""
    savepoint = loader.session.begin_nested()
    try:
        with loader.session.no_autoflush:
            result = write()
        savepoint.commit()
    except Exception:
        if savepoint.is_active:
            savepoint.rollback()
        loader.reset()
        for record in records:
            error = write_one(record)
            if error is not None:
                report(error)
        return None
    return result


def _flush(
    loader: Loader,
    plans: list[_Plan],
    write_one: Callable[[EventRecord], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write ``plans`` in one savepoint; on a refusal, again one row at a time."""
    if not plans:
        return
    if len(loader._entities) > CACHE_LIMIT - 5 * FAST_CHUNK:
        loader._entities.clear()  # bounded memory; a chunk needs its ids to stay cached
    if len(loader._sources) > CACHE_LIMIT - 5 * FAST_CHUNK:
        loader._sources.clear()
    counts = write_chunk(
        loader, lambda: _Chunk(loader).write(plans), [p.record for p in plans], write_one, report
    )
    if counts is None:
        return
    summary = loader.summary
    summary.created += len(plans)
    summary.claims += counts[0]
    summary.documents += counts[1]
    for plan in plans:
        if len(summary.created_titles) >= 1000:
            break
        summary.created_titles.append(plan.title)


def _wanted(plans: list[_Plan]) -> dict[tuple[str, str], EntityIn]:
    """The entities ``plans`` name: their actors and the publishers of their documents."""
    wanted: dict[tuple[str, str], EntityIn] = {}
    for plan in plans:
        for key, found, _ in plan.actors:
            wanted.setdefault(key, found)
        for claim, _, _ in plan.claims:
            if claim.source is not None:
                publisher = EntityIn(claim.source.publisher, "media")
                wanted.setdefault(_entity_key(publisher), publisher)
    return wanted


class _Chunk:
    """The writes of one chunk of new events."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.session = loader.session
        self.writer = BulkWriter(loader.session.connection())
        self.now: datetime = self.writer.now
        self.documents = 0
        self.whens: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    # -- reference data --------------------------------------------------------------------

    def _lookup(self, query: Callable[[list[Any]], Any], keys: list[Any]) -> Iterator[Any]:
        """The rows ``query`` finds for ``keys``, :data:`_IN` keys per ``IN (...)``."""
        for start in range(0, len(keys), _IN):
            yield from self.session.execute(query(keys[start : start + _IN]))

    def _insert(
        self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> list[int]:
        """Write ``rows`` (without their ids) under fresh ids; returns the ids."""
        ids = self.writer.allocate(table, len(rows))
        self.writer.write(
            table, ("id", *columns), [(i, *row) for i, row in zip(ids, rows, strict=True)]
        )
        return ids

    def find_entities(
        self, wanted: dict[tuple[str, str], EntityIn]
    ) -> list[tuple[tuple[str, str], EntityIn]]:
        """Put the ids of the stored ``wanted`` entities in the loader's cache; return the
        others."""
        cache = self.loader._entities
        missing = {key: found for key, found in wanted.items() if key not in cache}
        rows = self._lookup(
            lambda keys: (
                select(col(EntityAlias.key), col(Entity.kind), col(Entity.id))
                .join(Entity, col(Entity.id) == col(EntityAlias.entity_id))
                .where(col(EntityAlias.key).in_(keys))
                .order_by(col(Entity.id))
            ),
            sorted({key for key, _ in missing}),
        )
        for key, kind, entity_id in rows:
            if (key, kind) in missing and (key, kind) not in cache:
                cache[(key, kind)] = int(entity_id)
        return [(key, found) for key, found in missing.items() if key not in cache]

    def entities(self, wanted: dict[tuple[str, str], EntityIn]) -> None:
        """Put the ids of ``wanted`` entities in the loader's cache, creating missing ones."""
        new = self.find_entities(wanted)
        if not new:
            return
        cache = self.loader._entities
        value, now = self.writer.value, self.writer.now_value
        ids = self._insert(
            "timeline_entity",
            ENTITY_COLUMNS,
            [
                (found.name.strip(), kind, found.country, value(dict(found.external_ids)), now)
                for (_, kind), found in new
            ],
        )
        aliases = []
        for (key, found), entity_id in zip(new, ids, strict=True):
            cache[key] = entity_id
            aliases.append((entity_id, found.name.strip(), key[0]))
        self._insert("timeline_entity_alias", ENTITY_ALIAS_COLUMNS, aliases)

    def find_places(self, plans: list[_Plan]) -> list[tuple[tuple[str, None], PlaceIn]]:
        """Put the ids of the chunk's stored top-level places in the loader's cache; return
        the others (a place inside a parent is left to :meth:`Loader.place`)."""
        cache = self.loader._places
        wanted: dict[tuple[str, None], PlaceIn] = {}
        for plan in plans:
            found = plan.record.place
            if found is not None and found.parent is None:
                key = (_name_key(found.name.strip()), None)
                if key not in cache:
                    wanted.setdefault(key, found)
        rows = self._lookup(
            lambda keys: (
                select(col(PlaceAlias.key), col(Place.id))
                .join(Place, col(Place.id) == col(PlaceAlias.place_id))
                .where(col(PlaceAlias.key).in_(keys), col(Place.parent_id).is_(None))
                .order_by(col(Place.id))
            ),
            sorted(key for key, _ in wanted),
        )
        for key, place_id in rows:
            cache.setdefault((key, None), int(place_id))
        return [(key, found) for key, found in wanted.items() if key not in cache]

    def places(self, plans: list[_Plan]) -> None:
        """Put the ids of the chunk's top-level places in the loader's cache, creating missing
        ones."""
        new = self.find_places(plans)
        if not new:
            return
        cache = self.loader._places
        value = self.writer.value
        ids = self._insert(
            "timeline_place",
            PLACE_COLUMNS,
            [
                (
                    found.name.strip(),
                    check_kind(found.kind, field="place kind"),
                    found.country.upper() if found.country else None,
                    None,
                    found.lat,
                    found.lon,
                    value(dict(found.external_ids)),
                )
                for _, found in new
            ],
        )
        aliases = []
        for (key, found), place_id in zip(new, ids, strict=True):
            cache[key] = place_id
            aliases.append((place_id, found.name.strip(), key[0]))
        self._insert("timeline_place_alias", PLACE_ALIAS_COLUMNS, aliases)

    def find_sources(self, plans: list[_Plan]) -> list[tuple[str, Any]]:
        """Put the ids of the chunk's stored documents (with a URL) in the loader's cache;
        return the others."""
        cache = self.loader._sources
        wanted: dict[str, Any] = {}
        for plan in plans:
            for claim, _, key in plan.claims:
                if key and key not in cache:
                    wanted.setdefault(key[0], claim.source)
        rows = self._lookup(
            lambda urls: (
                select(col(Source.url), col(Source.id), col(Source.published))
                .where(col(Source.url).in_(urls))
                .order_by(col(Source.id))
            ),
            sorted(wanted),
        )
        for url, source_id, published in rows:
            if (url,) not in cache:
                cache[(url,)] = (int(source_id), published)
        return [(url, found) for url, found in wanted.items() if (url,) not in cache]

    def sources(self, plans: list[_Plan]) -> None:
        """Put the ids of the chunk's documents in the loader's cache, creating missing ones."""
        new = self.find_sources(plans)
        if not new:
            return
        from .loader import _day

        cache = self.loader._sources
        value, now = self.writer.value, self.writer.now_value
        days: list[date] = []
        values: list[tuple[Any, ...]] = []
        for url, found in new:  # a URL is never empty, so neither is the title
            at = found.published if isinstance(found.published, datetime) else None
            publisher = self.loader._entities[_entity_key(EntityIn(found.publisher, "media"))]
            days.append(_day(found.published))
            values.append(
                (found.title.strip() or url, url, publisher, value(days[-1]), value(at), now)
            )
        ids = self._insert("timeline_source", SOURCE_COLUMNS, values)
        for (url, _), source_id, day in zip(new, ids, days, strict=True):
            cache[(url,)] = (source_id, day)
        self.documents += len(new)

    # -- events ----------------------------------------------------------------------------

    def when_values(self, columns: dict[str, Any]) -> tuple[Any, ...]:
        """The stored ``When`` columns as driver values (cached: dates repeat)."""
        key = _when_key(columns)
        found = self.whens.get(key)
        if found is None:
            found = self.whens[key] = tuple(map(self.writer.value, key))
        return found

    def write(self, plans: list[_Plan]) -> tuple[int, int]:
        """Write the chunk; returns how many claims and new documents it added."""
        loader = self.loader
        self.entities(_wanted(plans))
        self.sources(plans)
        self.places(plans)
        value = self.writer.value
        now = self.writer.now_value
        empty = value({})
        events: list[tuple[Any, ...]] = []
        claims: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        revisions: list[tuple[Any, ...]] = []
        people: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        external: list[tuple[Any, ...]] = []
        event_ids = self.writer.allocate("timeline_event", len(plans))
        resolved = [self._claims(plan) for plan in plans]
        claim_ids = iter(self.writer.allocate("timeline_claim", sum(len(r) for r in resolved)))
        for plan, event_id, said in zip(plans, event_ids, resolved, strict=True):
            record = plan.record
            place_id = loader.place(record.place) if record.place is not None else None
            state: dict[str, Any] = {"status": plan.status, **plan.columns}
            updated = record.updated_at or self.now
            folded: list[SimpleNamespace] = []
            for source_id, published, asserted, said_when, said_claim, action in said:
                claim_id = next(claim_ids)
                columns = said_when if said_when is not None else _when_of(state)
                status: Status = asserted or state["status"]
                confidence = said_claim.confidence if said_claim is not None else None
                folded.append(
                    SimpleNamespace(
                        id=claim_id,
                        published=published,
                        confidence=confidence,
                        status=status,
                        **columns,
                    )
                )
                claims.append(
                    (
                        claim_id,
                        event_id,
                        source_id,
                        status.value,
                        said_claim.quote if said_claim is not None else None,
                        confidence,
                        value(published),
                        *self.when_values(columns),
                        now,
                    )
                )
                states = fold(folded)  # type: ignore[arg-type]
                final = states[-1][1]
                changes = _changes(state, final)
                if changes:
                    state = dict(final)
                    updated = self.now
                rows: list[tuple[str | None, Any, Any]] = [*changes] or [(None, None, None)]
                for name, old, new in rows:
                    revisions.append((event_id, action, name, old, new, claim_id, now, empty))
            for index, (day, known) in enumerate(states):
                until = states[index + 1][0] if index + 1 < len(states) else MAX_DAY
                versions.append(
                    (
                        event_id,
                        Status(known["status"]).value,
                        *self.when_values(known),
                        value(day),
                        value(until),
                        now,
                    )
                )
            events.append(
                (
                    event_id,
                    plan.title,
                    record.summary,
                    plan.kind,
                    Status(state["status"]).value,
                    place_id,
                    record.confidence,
                    *self.when_values(state),
                    now,
                    value(updated),
                )
            )
            hull = (value(state["search_start"]), value(state["search_end"]))
            links = dict.fromkeys((loader._entities[key], role) for key, _, role in plan.actors)
            people.extend((event_id, entity, role, *hull) for entity, role in links)
            tags.extend((event_id, tag) for tag in plan.tags)
            external.extend((event_id, s, v) for s, v in record.external_ids.items())
        write = self.writer.write
        write("timeline_event", EVENT_COLUMNS, events)
        write("timeline_claim", ("id", *CLAIM_COLUMNS), claims)
        write("timeline_event_version", VERSION_COLUMNS, versions)
        write("timeline_participation", PARTICIPATION_COLUMNS, people)
        write("timeline_event_tag", TAG_COLUMNS, tags)
        write("timeline_event_external_id", EXTERNAL_ID_COLUMNS, external)
        write("timeline_revision", REVISION_COLUMNS, revisions)
        return len(claims), self.documents

    def _claims(
        self, plan: _Plan
    ) -> list[
        tuple[int | None, date | None, Status | None, dict[str, Any] | None, ClaimIn | None, str]
    ]:
        """The claims the new event gets: ``(source id, published, status, When columns or
        None for the event's, the claim, action)``, deduplicated as the per-row path does."""
        if not plan.claims:
            return [(None, None, plan.status, plan.columns, None, "create")]
        out: list[Any] = []
        said: set[tuple[Any, ...]] = set()
        status_now = plan.status
        edtf_now = plan.columns["edtf"]
        for claim, status, key in plan.claims:
            if claim.source is None:
                source_id, published, action = None, self.now.date(), "edit"
            elif key:
                source_id, published = self.loader._sources[key]
                action = "claim"
            else:
                source_id, published = self.loader.source(claim.source)
                action = "claim"
            columns = WhenColumns.when_columns(claim.when) if claim.when is not None else None
            edtf = claim.when.edtf if claim.when is not None else edtf_now
            seen = (source_id, (status or status_now).value, edtf)
            if seen in said:
                continue
            said.add(seen)
            out.append((source_id, published, status, columns, claim, action))
        return out


_WHEN: tuple[str, ...] = tuple(name for name in EVENT_COLUMNS if name in WhenColumns.model_fields)
_when_key = itemgetter(*_WHEN)


def _when_of(state: dict[str, Any]) -> dict[str, Any]:
    return {name: state[name] for name in WHEN_FIELDS}


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """What :func:`timeline.knowledge.sync` reports when the event goes from ``old`` to ``new``."""
    changes: list[tuple[str, Any, Any]] = []
    if old["status"] != new["status"]:
        changes.append(("status", str(old["status"]), str(new["status"])))
    old_when, new_when = _when_of(old), _when_of(new)
    if old_when != new_when:
        changes.append(("when", _when_text(old_when), _when_text(new_when)))
    return changes


__all__ = ["FAST_CHUNK", "write_records"]
