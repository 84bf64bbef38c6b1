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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlmodel import col

from ..bulk import (
    CLAIM_COLUMNS,
    EVENT_COLUMNS,
    EXTERNAL_ID_COLUMNS,
    PARTICIPATION_COLUMNS,
    TAG_COLUMNS,
    VERSION_COLUMNS,
)
from ..bulk import _Loader as _BulkWriter
from ..errors import TimelineError
from ..knowledge import WHEN_FIELDS, _when_text, fold
from ..models import (
    MAX_DAY,
    Entity,
    EntityAlias,
    EventExternalId,
    Place,
    PlaceAlias,
    Source,
    WhenColumns,
)
from ..revisions import Revision
from ..text import check_name, name_key
from ..vocab import Status, check_kind, check_role
from ..when import When
from .base import ClaimIn, EntityIn, EventRecord, PlaceIn, RowError, check_record_text

if TYPE_CHECKING:
    from .loader import Loader

#: The loader's lookup caches are cleared before they reach this size (as in the loader).
CACHE_LIMIT = 50_000

#: Records examined per chunk (one round of lookups and one write per table).
FAST_CHUNK = 1000

#: Values per ``IN (...)`` lookup.
_IN = 500


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
        plan = _Plan(record, when, WhenColumns.when_columns(when), title, kind, status)
        for found, role in record.actors:
            plan.actors.append((_entity_key(found), found, check_role(role)))
        place = record.place
        while place is not None:
            check_kind(place.kind, field="place kind")
            if not place.name.strip():
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
    return name_key(name), checked


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

    Each row error ``write_one`` gives back goes to ``report`` at once (which raises unless the
    import skips bad rows).
    """
    known = _stored_ids(loader, records)
    pending: list[_Plan] = []
    for record in records:
        ids = set(record.external_ids.items())
        plan: _Plan | None = None
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


def _stored_ids(loader: Loader, records: list[EventRecord]) -> set[tuple[str, str]]:
    """The ``(scheme, value)`` external ids of ``records`` that stored events already have."""
    by_scheme: dict[str, set[str]] = {}
    for record in records:
        for scheme, value in record.external_ids.items():
            by_scheme.setdefault(scheme, set()).add(value)
    found: set[tuple[str, str]] = set()
    for scheme, values in by_scheme.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), _IN):
            rows = loader.session.scalars(
                select(col(EventExternalId.value)).where(
                    col(EventExternalId.scheme) == scheme,
                    col(EventExternalId.value).in_(ordered[start : start + _IN]),
                )
            )
            found.update((scheme, value) for value in rows)
    return found


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
    savepoint = loader.session.begin_nested()
    try:
        with loader.session.no_autoflush:
            counts = _Chunk(loader).write(plans)
        savepoint.commit()
    except Exception:
        # Refused by the database (or by a model check): undo the chunk, and let the per-row
        # path write it again and say which row was refused and why.
        if savepoint.is_active:
            savepoint.rollback()
        loader.reset()
        for plan in plans:
            error = write_one(plan.record)
            if error is not None:
                report(error)
        return
    summary = loader.summary
    summary.created += len(plans)
    summary.claims += counts[0]
    summary.documents += counts[1]
    for plan in plans:
        if len(summary.created_titles) >= 1000:
            break
        summary.created_titles.append(plan.title)


class _Chunk:
    """The writes of one chunk of new events."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.session = loader.session
        self.writer = _BulkWriter(loader.tl, loader.session.connection(), loader.session)
        self.now: datetime = self.writer.now
        self.postgres = self.writer.postgres
        self.documents = 0
        self.whens: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    # -- ids -------------------------------------------------------------------------------

    def allocate(self, table: str, n: int) -> list[int]:
        """``n`` fresh ids of ``table`` (the sequence on PostgreSQL, after the max on SQLite)."""
        connection = self.writer.connection
        if self.postgres:
            found = connection.exec_driver_sql(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                f"FROM generate_series(1, {int(n)})"
            )
            return [int(i) for (i,) in found]
        top = connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
        first = int(top or 0) + 1
        return list(range(first, first + n))

    # -- reference data --------------------------------------------------------------------

    def entities(self, wanted: dict[tuple[str, str], EntityIn]) -> None:
        """Put the ids of ``wanted`` entities in the loader's cache, creating missing ones."""
        cache = self.loader._entities
        missing = {key: found for key, found in wanted.items() if key not in cache}
        keys = sorted({key for key, _ in missing})
        for start in range(0, len(keys), _IN):
            rows = self.session.execute(
                select(col(EntityAlias.key), col(Entity.kind), col(Entity.id))
                .join(Entity, col(Entity.id) == col(EntityAlias.entity_id))
                .where(col(EntityAlias.key).in_(keys[start : start + _IN]))
                .order_by(col(Entity.id))
            )
            for key, kind, entity_id in rows:
                if (key, kind) in missing and (key, kind) not in cache:
                    cache[(key, kind)] = int(entity_id)
        new = [(key, found) for key, found in missing.items() if key not in cache]
        if not new:
            return
        from .loader import _validate

        values = [
            _validate(
                Entity,
                {
                    "name": found.name.strip(),
                    "kind": key[1],
                    "country": found.country,
                    "external_ids": dict(found.external_ids),
                },
            ).model_dump(exclude={"id"})
            for key, found in new
        ]
        ids = self._insert(Entity, values)
        aliases = []
        for (key, found), entity_id in zip(new, ids, strict=True):
            cache[key] = entity_id
            aliases.append({"entity_id": entity_id, "name": found.name.strip(), "key": key[0]})
        self.session.execute(insert(EntityAlias), aliases)

    def places(self, plans: list[_Plan]) -> None:
        """Put the ids of the chunk's top-level places in the loader's cache, creating missing
        ones (a place inside a parent is left to :meth:`Loader.place`)."""
        cache = self.loader._places
        wanted: dict[tuple[str, None], PlaceIn] = {}
        for plan in plans:
            found = plan.record.place
            if found is not None and found.parent is None:
                key = (name_key(found.name.strip()), None)
                if key not in cache:
                    wanted.setdefault(key, found)
        keys = sorted(key for key, _ in wanted)
        for start in range(0, len(keys), _IN):
            rows = self.session.execute(
                select(col(PlaceAlias.key), col(Place.id))
                .join(Place, col(Place.id) == col(PlaceAlias.place_id))
                .where(
                    col(PlaceAlias.key).in_(keys[start : start + _IN]),
                    col(Place.parent_id).is_(None),
                )
                .order_by(col(Place.id))
            )
            for key, place_id in rows:
                cache.setdefault((key, None), int(place_id))
        new = [(key, found) for key, found in wanted.items() if key not in cache]
        if not new:
            return
        from .loader import _validate

        values = [
            _validate(
                Place,
                {
                    "name": found.name.strip(),
                    "kind": check_kind(found.kind, field="place kind"),
                    "country": found.country.upper() if found.country else None,
                    "parent_id": None,
                    "lat": found.lat,
                    "lon": found.lon,
                    "external_ids": dict(found.external_ids),
                },
            ).model_dump(exclude={"id"})
            for key, found in new
        ]
        aliases = []
        for (key, found), place_id in zip(new, self._insert(Place, values), strict=True):
            cache[key] = place_id
            aliases.append({"place_id": place_id, "name": found.name.strip(), "key": key[0]})
        self.session.execute(insert(PlaceAlias), aliases)

    def _insert(self, model: Any, values: list[dict[str, Any]]) -> list[int]:
        ids = self.session.scalars(
            insert(model).returning(col(model.id), sort_by_parameter_order=True), values
        ).all()
        return [int(i) for i in ids]

    def sources(self, plans: list[_Plan]) -> None:
        """Put the ids of the chunk's documents in the loader's cache, creating missing ones."""
        cache = self.loader._sources
        wanted: dict[str, Any] = {}
        for plan in plans:
            for claim, _, key in plan.claims:
                if key and key not in cache:
                    wanted.setdefault(key[0], claim.source)
        urls = sorted(wanted)
        for start in range(0, len(urls), _IN):
            rows = self.session.execute(
                select(col(Source.url), col(Source.id), col(Source.published))
                .where(col(Source.url).in_(urls[start : start + _IN]))
                .order_by(col(Source.id))
            )
            for url, source_id, published in rows:
                if (url,) not in cache:
                    cache[(url,)] = (int(source_id), published)
        new = [(url, found) for url, found in wanted.items() if (url,) not in cache]
        if not new:
            return
        from .loader import _day

        values: list[dict[str, Any]] = []
        for url, found in new:  # a URL is never empty, so neither is the title
            at = found.published if isinstance(found.published, datetime) else None
            publisher = self.loader._entities[_entity_key(EntityIn(found.publisher, "media"))]
            values.append(
                {
                    "title": found.title.strip() or url,
                    "url": url,
                    "publisher_id": publisher,
                    "published": _day(found.published),
                    "published_at": at,
                    "created_at": self.now,
                }
            )
        for (url, _), source_id, row in zip(new, self._insert(Source, values), values, strict=True):
            cache[(url,)] = (source_id, row["published"])
        self.documents += len(new)

    # -- events ----------------------------------------------------------------------------

    def when_values(self, columns: dict[str, Any]) -> tuple[Any, ...]:
        """The stored ``When`` columns as driver values (cached: dates repeat)."""
        key = tuple(columns[name] for name in _WHEN)
        found = self.whens.get(key)
        if found is None:
            found = self.whens[key] = tuple(self.writer._value(v) for v in key)
        return found

    def write(self, plans: list[_Plan]) -> tuple[int, int]:
        """Write the chunk; returns how many claims and new documents it added."""
        loader = self.loader
        wanted: dict[tuple[str, str], EntityIn] = {}
        for plan in plans:
            for key, found, _ in plan.actors:
                wanted.setdefault(key, found)
            for claim, _, _ in plan.claims:
                if claim.source is not None:
                    publisher = EntityIn(claim.source.publisher, "media")
                    wanted.setdefault(_entity_key(publisher), publisher)
        self.entities(wanted)
        self.sources(plans)
        self.places(plans)
        value = self.writer._value
        now = value(self.now)
        events: list[tuple[Any, ...]] = []
        claims: list[tuple[Any, ...]] = []
        versions: list[tuple[Any, ...]] = []
        revisions: list[dict[str, Any]] = []
        people: list[tuple[Any, ...]] = []
        tags: list[tuple[Any, ...]] = []
        external: list[tuple[Any, ...]] = []
        event_ids = self.allocate("timeline_event", len(plans))
        resolved = [self._claims(plan) for plan in plans]
        claim_ids = iter(self.allocate("timeline_claim", sum(len(r) for r in resolved)))
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
                final = fold(folded)[-1][1]  # type: ignore[arg-type]
                changes = _changes(state, final)
                if changes:
                    state = dict(final)
                    updated = self.now
                rows: list[tuple[str | None, Any, Any]] = [*changes] or [(None, None, None)]
                for name, old, new in rows:
                    revisions.append(
                        {
                            "event_id": event_id,
                            "action": action,
                            "field": name,
                            "old": old,
                            "new": new,
                            "claim_id": claim_id,
                            "recorded_at": self.now,
                            "detail": {},
                        }
                    )
            states = fold(folded)  # type: ignore[arg-type]
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
        if revisions:
            self.session.execute(insert(Revision), revisions)
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
