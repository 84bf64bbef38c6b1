"""New events, written a chunk at a time in plain tuples: the one place events are created.

:func:`write_records` takes runs of drafts from the pipeline. A draft whose external ids match
no stored event (nor an earlier draft of the run) is *new*: it is checked in Python (:func:`plan`),
and the chunk's new events, claims, versions, revisions, participations, tags, external ids and
``part_of`` relations are then written with :class:`~timeline.write.rows.BulkWriter`
(``executemany`` on SQLite, binary ``COPY`` on PostgreSQL), after the names they use are
resolved (and created) by :class:`~timeline.write.names.Names`.

A new event's claims need no recomputation from the database: they are folded in Python with
the same rule (:func:`timeline.knowledge.fold`), giving the same claims, versions, revisions and
current state as :func:`timeline.provenance.record_claim` would, one claim at a time. Its first
claim is logged as its ``create`` revision.

Everything else (updates, drafts matched by content, any draft that fails a check) goes through
the pipeline's per-row path, in input order, which also words every row error. If the database
refuses a chunk, the chunk's savepoint is rolled back and its drafts are written again one at a
time, so a refused draft is reported alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col

from ..errors import EventNotFoundError, InvalidEventError, NotFoundError, TimelineError
from ..io.base import BadRow, RowError, check_record_text
from ..knowledge import WHEN_FIELDS, fold, when_text
from ..links import check_part_dates
from ..models import MAX_DAY, Claim, Event, EventExternalId, EventTag, Participation, WhenColumns
from ..text import check_text
from ..vocab import RelationKind, Status, check_kind, check_role
from ..when import When
from .draft import ClaimDraft, EntityRef, EventDraft
from .names import IN_SIZE, check_coordinates
from .rows import (
    CLAIM_COLUMNS,
    EVENT_COLUMNS,
    EXTERNAL_ID_COLUMNS,
    PARTICIPATION_COLUMNS,
    RELATION_COLUMNS,
    REVISION_COLUMNS,
    TAG_COLUMNS,
    VERSION_COLUMNS,
    BulkWriter,
)

if TYPE_CHECKING:
    from .pipeline import Loader

T = TypeVar("T")

#: Drafts examined per chunk (one round of lookups and one write per table).
FAST_CHUNK = 1000


@dataclass
class Plan:
    """One new event, checked: its values, and the names still to resolve to ids."""

    record: EventDraft
    when: When
    columns: dict[str, Any]
    title: str
    kind: str
    status: Status
    actors: list[tuple[EntityRef, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    claims: list[tuple[ClaimDraft, Status | None]] = field(default_factory=list)


def plan(loader: Loader, record: EventDraft) -> Plan:
    """``record`` checked, with its ``When`` resolved; names are resolved when it is written.

    :raises InvalidEventError: or another :class:`~timeline.TimelineError` naming what is
        wrong.
    """
    check_record_text(record)
    when = loader.parse_when(record)
    title = (record.title or "").strip()
    if not title:
        raise InvalidEventError("the title is empty", field="title")
    kind = _kind(record.kind) if isinstance(record.kind, str) else check_kind(record.kind)
    status = Status.coerce(record.status, field="status")
    _check_confidence(record.confidence)
    for scheme, value in record.external_ids.items():
        if not scheme or len(scheme) > 32 or not value:
            raise InvalidEventError(
                f"external id {scheme!r}: {value!r} needs a scheme of 1 to 32 characters and a "
                "value",
                field="external_ids",
            )
    if record.place is not None:
        check_coordinates(record.place)
    found = Plan(
        record, when, _columns(when, when.edtf, when.phrase, when.reference), title, kind, status
    )
    for ref, role in record.actors:
        found.actors.append((ref, _role(role) if isinstance(role, str) else check_role(role)))
    found.tags = list(
        dict.fromkeys(check_text(t.strip(), "tag", indexed=True) for t in record.tags if t.strip())
    )
    for claim in record.claims:
        _check_confidence(claim.confidence)
        claim_status = Status.coerce(claim.status, field="status") if claim.status else None
        found.claims.append((claim, claim_status))
    return found


def _check_confidence(value: float | None) -> None:
    if value is not None and not 0 <= value <= 1:
        raise InvalidEventError(
            f"confidence must be between 0 and 1, not {value!r}", field="confidence"
        )


#: A kind and a role checked once each (they repeat on every row).
_kind = lru_cache(maxsize=1 << 10)(check_kind)
_role = lru_cache(maxsize=1 << 10)(check_role)


@lru_cache(maxsize=1 << 14)
def _columns(when: When, *text: Any) -> dict[str, Any]:
    """The stored columns of ``when`` (cached: dates repeat; its ``edtf``, ``phrase`` and
    ``reference`` are part of the key because equal values may be written or said differently,
    and are stored too). Read only."""
    return WhenColumns.when_columns(when)


#: What a draft that cannot be planned raises (the per-row path words it).
NOT_PLANNED = (TimelineError, BadRow, ValueError, TypeError)


def write_records(
    loader: Loader,
    records: list[EventDraft],
    write_one: Callable[[EventDraft], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write ``records`` (in input order): new events in bulk, the others through ``write_one``.

    A draft of a stored event that it would not change (the same values, actors, tags, ids
    and claims: a re-import) is only counted as unchanged. Each row error ``write_one`` gives
    back goes to ``report`` at once (which raises unless the import skips bad rows).
    """
    _prefetch(loader, records)
    stored = _stored_ids(loader, records)
    same = _unchanged(loader, records, stored)
    known = set(stored)
    titled = _stored_titles(loader, records) if loader.match_content else set()
    pending: list[Plan] = []
    for record in records:
        ids = set(record.external_ids.items())
        found: Plan | None = None
        if id(record) in same:
            loader.summary.unchanged += 1
            loader.remember(record, stored[next(iter(ids))])
            continue
        # A draft that may match a stored event (by id, or, for an import, by content: a
        # stored event or an earlier draft has its title) takes the per-row path, where the
        # rule is applied in SQL.
        title = record.title.strip() if isinstance(record.title, str) else ""
        if not ids & known and (ids or title not in titled):
            try:
                found = plan(loader, record)
            except NOT_PLANNED:
                found = None
        known |= ids
        if not ids and loader.match_content:
            titled.add(title)
        if found is not None:
            pending.append(found)
            continue
        _flush(loader, pending, write_one, report)
        pending = []
        error = write_one(record)
        if error is not None:
            report(error)
    _flush(loader, pending, write_one, report)


def _stored_titles(loader: Loader, records: list[EventDraft]) -> set[str]:
    """The titles of stored events that drafts without external ids share (only they can
    match a draft by content)."""
    titles = sorted(
        {
            r.title.strip()
            for r in records
            if not r.external_ids and isinstance(r.title, str) and "\0" not in r.title
        }
    )
    found: set[str] = set()
    postgres = loader.session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(titles), IN_SIZE):
        part = titles[start : start + IN_SIZE]
        found.update(
            loader.session.scalars(_among(select(col(Event.title)), Event.title, part, postgres))
        )
    return found


def _among(query: Any, column: Any, values: list[str], postgres: bool) -> Any:
    """``query`` narrowed to the rows whose ``column`` is one of ``values``: ``IN`` on SQLite; on
    PostgreSQL a join with the array of them, whose plan stays index probes when psycopg reuses
    it (the generic plan of a long ``IN`` list read the whole table: 90 s of a 100,000-row CSV)."""
    if not postgres:
        return query.where(col(column).in_(values))
    wanted = func.unnest(bindparam("wanted", values, type_=ARRAY(String)))
    listed = wanted.table_valued("value").render_derived(name="wanted")
    return query.join(listed, col(column) == listed.c.value)


def _prefetch(loader: Loader, records: list[EventDraft]) -> None:
    """Look up the names a chunk of drafts uses in a few ``IN`` queries."""
    entities: set[str] = set()
    places: set[str] = set()
    urls: set[str] = set()
    for record in records:
        entities.update(ref.name for ref, _ in record.actors if ref.id is None)
        place = record.place
        while place is not None:
            places.add(place.name)
            place = place.parent
        for claim in record.claims:
            if claim.source is not None and claim.source.id is None:
                if isinstance(claim.source.publisher, str):
                    entities.add(claim.source.publisher)
                if claim.source.url:
                    urls.add(claim.source.url)
    names = loader.names
    names.prefetch_entities(name for name in entities if isinstance(name, str))
    names.prefetch_places(name for name in places if isinstance(name, str))
    names.prefetch_sources(urls)


def _stored_ids(loader: Loader, records: list[EventDraft]) -> dict[tuple[str, str], int]:
    """The ``(scheme, value)`` external ids of ``records`` that stored events have, and the
    ids of those events."""
    by_scheme: dict[str, set[str]] = {}
    for record in records:
        for scheme, value in record.external_ids.items():
            by_scheme.setdefault(scheme, set()).add(value)
    return stored_external_ids(loader.session, by_scheme)


def stored_external_ids(
    session: Session, by_scheme: dict[str, set[str]]
) -> dict[tuple[str, str], int]:
    """The ``(scheme, value)`` external ids among ``by_scheme`` (values by scheme) that stored
    events have, and the ids of those events; a few queries of up to :data:`IN_SIZE` values."""
    found: dict[tuple[str, str], int] = {}
    postgres = session.get_bind().dialect.name == "postgresql"
    for scheme, values in by_scheme.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), IN_SIZE):
            part = ordered[start : start + IN_SIZE]
            query = select(col(EventExternalId.value), col(EventExternalId.event_id)).where(
                col(EventExternalId.scheme) == scheme
            )
            query = _among(query, EventExternalId.value, part, postgres)
            found.update(
                ((scheme, value), int(event_id)) for value, event_id in session.execute(query)
            )
    return found


def _unchanged(
    loader: Loader, records: list[EventDraft], stored: dict[tuple[str, str], int]
) -> set[int]:
    """The records (by ``id()``) that their stored event already says in full.

    Checked for the whole chunk at once: the events, actors, tags and claims of the chunk's
    stored events are read in one query each. A record that might change anything is left to
    the per-row path; so is every record of an event that another record of the chunk (or a
    record without external ids, matched by title and dates) may touch first.
    """
    if not stored or any(not record.external_ids for record in records):
        return set()
    owners: dict[int, list[EventDraft]] = {}
    for record in records:
        matched = {stored[item] for item in record.external_ids.items() if item in stored}
        for event_id in matched:
            owners.setdefault(event_id, []).append(record)
    candidates: dict[int, Plan] = {}
    for event_id, drafts in owners.items():
        record = drafts[0]
        if len(drafts) > 1 or not all(item in stored for item in record.external_ids.items()):
            continue
        try:
            candidates[event_id] = plan(loader, record)
        except NOT_PLANNED:
            continue
    if not candidates:
        return set()
    session, ids = loader.session, sorted(candidates)
    events: dict[int, dict[str, Any]] = {}
    compared = [col(getattr(Event, name)) for name in _COMPARED]
    people: set[tuple[int, int, str]] = set()
    tags: set[tuple[int, str]] = set()
    claims: set[tuple[int, int | None, str, str | None]] = set()
    for start in range(0, len(ids), IN_SIZE):
        part = ids[start : start + IN_SIZE]
        for event_id, *values in session.execute(
            select(col(Event.id), *compared).where(col(Event.id).in_(part))
        ):
            events[int(event_id)] = dict(zip(_COMPARED, values, strict=True))
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
    for event_id, found in candidates.items():
        event = events.get(event_id)
        try:
            if event is not None and _says_nothing_new(
                loader, found, event_id, event, people, tags, claims
            ):
                same.add(id(found.record))
        except NOT_PLANNED:  # a name that cannot be looked up: the per-row path words it
            continue
    return same


def _says_nothing_new(
    loader: Loader,
    found: Plan,
    event_id: int,
    event: dict[str, Any],
    people: set[tuple[int, int, str]],
    tags: set[tuple[int, str]],
    claims: set[tuple[int, int | None, str, str | None]],
) -> bool:
    """Whether writing ``found`` on its stored event (``event``: its compared columns) would
    change nothing (as the per-row path decides: the same values, and no new actor, tag or
    claim)."""
    record = found.record
    place_id = loader.find_place(record.place) if record.place is not None else None
    if record.place is not None and place_id is None:
        return False
    values = {
        "title": found.title,
        "summary": record.summary,
        "kind": found.kind,
        "status": found.status,
        "place_id": place_id,
        "confidence": record.confidence,
        **found.columns,
    }
    if any(event[name] != value for name, value in values.items()):
        return False
    for ref, role in found.actors:
        entity_id = loader.find_entity(ref)
        if entity_id is None or (event_id, entity_id, role) not in people:
            return False
    if any((event_id, tag) not in tags for tag in found.tags):
        return False
    for claim, status in found.claims:
        source_id = loader.find_source(claim.source) if claim.source is not None else None
        if claim.source is not None and source_id is None:
            return False  # a new document: the per-row path adds it
        edtf = claim.when.edtf if claim.when is not None else found.columns["edtf"]
        if (event_id, source_id, (status or found.status).value, edtf) not in claims:
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
    which says which one was refused and why; then ``None``. A fault of the database itself (a
    full disk, a lost connection) is no refusal of a row: it ends the write at once."""
    savepoint = loader.session.begin_nested()
    try:
        with loader.session.no_autoflush:
            result = write()
        savepoint.commit()
    except Exception as refused:
        if _fault(refused):
            raise
        if savepoint.is_active:
            savepoint.rollback()
        loader.reset()
        for record in records:
            error = write_one(record)
            if error is not None:
                report(error)
        return None
    return result


def _fault(error: BaseException) -> bool:
    """Whether ``error`` is the database failing (SQLAlchemy's or the driver's
    ``OperationalError``: a full disk, a lost connection), not refusing a row."""
    return any(klass.__name__ == "OperationalError" for klass in type(error).__mro__)


def _flush(
    loader: Loader,
    plans: list[Plan],
    write_one: Callable[[EventDraft], RowError | None],
    report: Callable[[RowError], None],
) -> None:
    """Write ``plans`` in one savepoint; on a refusal, again one row at a time."""
    if not plans:
        return
    ids = write_chunk(
        loader, lambda: write_new(loader, plans), [p.record for p in plans], write_one, report
    )
    if ids is not None:
        loader.summary.created += len(plans)


def write_new(loader: Loader, plans: list[Plan]) -> list[int]:
    """Write new events (on the loader's connection, in its transaction); returns their ids."""
    names = loader.names
    writer = BulkWriter(loader.session.connection())
    value, now, stamp = writer.value, writer.now_value, writer.now
    when_values = writer.when_values
    empty = value({})

    events: list[tuple[Any, ...]] = []
    claims: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    people: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    external: list[tuple[Any, ...]] = []
    if len(plans) > 1:  # a chunk: what it names and no row is yet, created a table at a time
        names.create_missing(
            [ref for found in plans for ref, _ in found.actors],
            [found.record.place for found in plans if found.record.place is not None],
            [c.source for found in plans for c in found.record.claims if c.source is not None],
            writer,
        )
    resolved = [_claims(loader, found, stamp.date()) for found in plans]
    event_ids = writer.allocate("timeline_event", len(plans))
    claim_ids = iter(writer.allocate("timeline_claim", sum(len(r) for r in resolved)))
    for found, event_id, said in zip(plans, event_ids, resolved, strict=True):
        record = found.record
        place_id = names.place_id(record.place) if record.place is not None else None
        state: dict[str, Any] = {"status": found.status, **found.columns}
        updated = record.updated_at or stamp
        log = ClaimLog(event_id, now, empty)
        for source_id, published, asserted, said_when, claim, action in said:
            claim_id = next(claim_ids)
            columns = said_when if said_when is not None else _when_of(state)
            status: Status = asserted or state["status"]
            confidence = claim.confidence if claim is not None else None
            if confidence is None and action == "create":
                confidence = record.confidence  # the event's baseline claim, as add_event says
            row = SimpleNamespace(
                id=claim_id, published=published, confidence=confidence, status=status, **columns
            )
            claims.append(
                (
                    claim_id,
                    event_id,
                    source_id,
                    status.value,
                    claim.quote if claim is not None else None,
                    confidence,
                    value(published),
                    *when_values(columns),
                    now,
                )
            )
            if log.add(row, action, state):
                updated = stamp
            state = dict(log.states[-1][1])
        revisions.extend(log.revisions)
        versions.extend(log.versions(writer))
        events.append(
            (
                event_id,
                found.title,
                record.summary,
                found.kind,
                Status(state["status"]).value,
                place_id,
                record.confidence,
                *when_values(state),
                now,
                value(updated),
            )
        )
        hull = (value(state["search_start"]), value(state["search_end"]))
        links = dict.fromkeys((names.entity_id(ref), role) for ref, role in found.actors)
        people.extend((event_id, entity, role, *hull) for entity, role in links)
        tags.extend((event_id, tag) for tag in found.tags)
        external.extend((event_id, s, v) for s, v in record.external_ids.items())
    write = writer.write
    write("timeline_event", EVENT_COLUMNS, events)
    write("timeline_claim", ("id", *CLAIM_COLUMNS), claims)
    write("timeline_event_version", VERSION_COLUMNS, versions)
    write("timeline_participation", PARTICIPATION_COLUMNS, people)
    write("timeline_event_tag", TAG_COLUMNS, tags)
    write("timeline_event_external_id", EXTERNAL_ID_COLUMNS, external)
    write("timeline_revision", REVISION_COLUMNS, revisions)
    write("timeline_relation", RELATION_COLUMNS, _parents(loader, plans, event_ids))
    loader.summary.claims += len(claims)
    for found, event_id in zip(plans, event_ids, strict=True):
        loader.remember(found.record, event_id)
        if len(loader.summary.created_titles) < 1000:
            loader.summary.created_titles.append(found.title)
    return event_ids


class ClaimLog:
    """A new event's claims folded one at a time (by :func:`timeline.knowledge.fold`, the rule
    of :func:`timeline.provenance.record_claim`): its states, and a revision per claim, the
    first one its ``create``."""

    def __init__(self, event_id: int, now: Any, detail: Any) -> None:
        self.event_id = event_id
        self.now = now
        self.detail = detail
        self.claims: list[Any] = []
        self.states: list[tuple[date, dict[str, Any]]] = []
        self.revisions: list[tuple[Any, ...]] = []

    def add(self, claim: Any, action: str, state: dict[str, Any] | None = None) -> bool:
        """Fold ``claim`` (logged as ``action``) into the event, which was in ``state``
        (``None``: the state the claims so far made); True if the claim changed it."""
        if state is None and self.states:
            state = self.states[-1][1]
        self.claims.append(claim)
        self.states = fold(self.claims)
        changes = _changes(state, self.states[-1][1]) if state and action != "create" else []
        rows: list[tuple[str | None, Any, Any]] = [*changes] or [(None, None, None)]
        for name, old, new in rows:
            self.revisions.append(
                (self.event_id, action, name, old, new, claim.id, self.now, self.detail)
            )
        return bool(changes)

    def versions(self, writer: BulkWriter) -> list[tuple[Any, ...]]:
        """The event's version rows (as driver values), one per state."""
        rows = []
        value, when_values = writer.value, writer.when_values
        for index, (day, known) in enumerate(self.states):
            until = self.states[index + 1][0] if index + 1 < len(self.states) else MAX_DAY
            status = Status(known["status"]).value
            rows.append(
                (self.event_id, status, *when_values(known), value(day), value(until), self.now)
            )
        return rows


def _claims(
    loader: Loader, found: Plan, today: date
) -> list[
    tuple[int | None, date | None, Status | None, dict[str, Any] | None, ClaimDraft | None, str]
]:
    """The claims the new event gets: ``(source id, published, status, When columns or None
    for the event's, the claim, action)``, deduplicated as the per-row path does. The first is
    the ``create`` claim: without a document, it is the event's baseline (no published day)."""
    if not found.claims:
        return [(None, None, found.status, found.columns, None, "create")]
    out: list[Any] = []
    said: set[tuple[Any, ...]] = set()
    for claim, status in found.claims:
        source_id: int | None = None
        published: date | None = None if not out else today
        if claim.source is not None:
            source_id, published = loader.names.source(claim.source)
        action = "create" if not out else ("claim" if source_id is not None else "edit")
        columns = WhenColumns.when_columns(claim.when) if claim.when is not None else None
        edtf = claim.when.edtf if claim.when is not None else found.columns["edtf"]
        seen = (source_id, (status or found.status).value, edtf)
        if seen in said:
            continue
        said.add(seen)
        if action == "create":
            status, columns = status or found.status, columns or found.columns
        out.append((source_id, published, status, columns, claim, action))
    return out


def _parents(loader: Loader, plans: list[Plan], event_ids: list[int]) -> list[tuple[Any, ...]]:
    """The ``part_of`` relations of new events: parents by id, or by external id (stored, or
    written in this chunk)."""
    wanted = [(p, i) for p, i in zip(plans, event_ids, strict=True) if p.record.part_of]
    if not wanted:
        return []
    session = loader.session
    relations = []
    for found_plan, event_id in wanted:
        record = found_plan.record
        parent = record.part_of
        if isinstance(parent, dict):
            ((scheme, value),) = parent.items()
            found = session.scalars(
                select(col(EventExternalId.event_id)).where(
                    col(EventExternalId.scheme) == scheme, col(EventExternalId.value) == value
                )
            ).first()
            if found is None:
                found = next(
                    (i for p, i in wanted if p.record.external_ids.get(scheme) == value), None
                )
            if found is None:
                raise NotFoundError("parent event", f"{scheme}:{value}", "field 'part_of'")
        else:
            assert parent is not None
            found = parent if session.get(Event, parent) is not None else None
            if found is None:
                raise EventNotFoundError(parent, "field 'part_of'")
        if found == event_id:
            raise InvalidEventError("an event cannot be part of itself", field="part_of")
        whole = session.get(Event, found)
        if whole is not None:
            check_part_dates(event_id, found_plan.title, found_plan.when, whole)
        relations.append((event_id, int(found), RelationKind.PART_OF.value))
    return relations


#: The event columns a re-import compares with what a draft says.
_COMPARED = tuple(c for c in EVENT_COLUMNS if c not in ("id", "created_at", "updated_at"))


def _when_of(state: dict[str, Any]) -> dict[str, Any]:
    return {name: state[name] for name in WHEN_FIELDS}


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """What :func:`timeline.knowledge.sync` reports when the event goes from ``old`` to ``new``."""
    changes: list[tuple[str, Any, Any]] = []
    if old["status"] != new["status"]:
        changes.append(("status", str(old["status"]), str(new["status"])))
    old_when, new_when = _when_of(old), _when_of(new)
    if old_when != new_when:
        changes.append(("when", when_text(old_when), when_text(new_when)))
    return changes


__all__ = [
    "FAST_CHUNK",
    "NOT_PLANNED",
    "Plan",
    "plan",
    "stored_external_ids",
    "write_new",
    "write_records",
]
