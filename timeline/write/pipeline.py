"""The door: a stream of drafts written in one transaction, all or nothing, or skip and report.

Every write of events goes through :func:`run_import`: ``add_event`` (one draft), ``add_events``,
every importer and ``timeline add``. Runs of drafts go to :func:`timeline.write.new.write_records`,
which writes the new events among them a chunk at a time; a draft that matches a stored event
(by external id, or, for imports, by title, kind and ``When``) is written here, row by row,
through the claim rules of :mod:`timeline.provenance`. Names are resolved by
:class:`~timeline.write.names.Names`. Runs of :class:`~timeline.io.base.Step` items with a
``chunk`` writer (the JSON formats' records) go to that writer the same way. The session is
cleared every :data:`CHUNK` rows and the name caches are bounded, so memory stays flat on files
of millions of rows.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, exc, select
from sqlmodel import Session, col

from .. import links
from ..database import WRITE_LOCK, lock, write_connection
from ..errors import (
    ImportRowError,
    InvalidDateError,
    InvalidEventError,
    NotFoundError,
    TimelineError,
    UnreadableFileError,
)
from ..io.base import BadRow, ChunkWriter, ImportSummary, Item, RowError, Step, explain
from ..models import (
    Claim,
    Event,
    EventExternalId,
    EventTag,
    Participation,
    Relation,
    Source,
    WhenColumns,
)
from ..provenance import record_claim
from ..vocab import RelationKind, Status, check_role
from ..when import Conventions, When
from ..when.periods import Direction
from .draft import ClaimDraft, ClaimRecord, EntityRef, EventDraft, PlaceRef, SourceRef
from .idmap import IdMap, StateMap
from .indexes import DeferredIndexes
from .names import Names, checked
from .nearmiss import check as check_near_misses
from .nearmiss import mark as mark_near_misses
from .new import FAST_CHUNK, plan, write_new, write_records

#: The statuses of events still to come, whose bare months and weekdays look forward.
_AHEAD = frozenset({"expected", "planned", "scheduled"})

#: Parsed dates kept per write before the cache is cleared (bounded memory).
CACHE_LIMIT = 50_000

#: Rows between session flush-and-clear (bounded memory; the transaction stays open).
CHUNK = 2000

#: The garbage collector's first threshold while a bulk write runs (see fewer_collections).
BULK_GC_THRESHOLD = 50_000
#: Items between full collections of a bulk write. The cycles its chunks leave behind reach the
#: oldest generation, whose collections grow rarer as it grows: without these, a JSON Lines
#: restore's memory grew by about 90 bytes a record (+25 MB over 300,000 documents).
FULL_COLLECTION_EVERY = 100_000
_gc_lock = threading.Lock()
_gc_writes: list[tuple[int, int, int]] = []  # the thresholds each running bulk write found


@contextmanager
def fewer_collections(bulk: bool = True) -> Iterator[None]:
    """Run a ``bulk`` write with the cyclic garbage collector's first threshold raised.

    Each row allocates many short-lived objects, which reference counting frees; the
    collector's passes over them found nothing and took a tenth of an import's time. The
    thresholds the first running write found are put back when the last one ends.
    """
    if not bulk:
        yield
        return
    with _gc_lock:
        found = gc.get_threshold()
        _gc_writes.append(found)
        gc.set_threshold(max(found[0], BULK_GC_THRESHOLD), found[1], found[2])
    try:
        yield
    finally:
        with _gc_lock:
            first = _gc_writes[0]
            _gc_writes.pop()
            if not _gc_writes:
                gc.set_threshold(*first)


def validate_row(model: type[Any], values: dict[str, Any]) -> Any:
    """A model row from ``values``, checked; :class:`BadRow` when refused."""
    return model(**vars(check_row(model, values)))


def check_row(
    model: type[Any], values: dict[str, Any], trusted: dict[str, Any] | None = None
) -> SimpleNamespace:
    """The columns of a ``model`` row of ``values`` (and the ``trusted`` ones, checked
    already), checked (no row is built: a table model's row costs ten times its checks);
    :class:`BadRow` when refused."""
    try:
        return SimpleNamespace(**checked(model, values, trusted))
    except InvalidEventError as error:
        raise BadRow(str(error), error.field) from None


class Loader:
    """Writes drafts on one session, resolving names through :class:`Names`; one instance per
    write (an import, an ``add_events`` call, an ``add_event``)."""

    def __init__(
        self,
        session: Session,
        conventions: Conventions,
        summary: ImportSummary,
        *,
        match_content: bool = True,
    ) -> None:
        self.session = session
        self.conventions = conventions
        self.summary = summary
        self.match_content = match_content
        self.names = Names(session)
        self.reference: date | datetime | None = None  # for drafts that name no day of their own
        self._whens: dict[tuple[Any, ...], When] = {}
        self.keep_ids = False
        self.written: list[int] = []  # with keep_ids: the event each draft became, in order
        self.label = False  # errors raised as they are, worded "row N: ..."
        self.ids: dict[str, IdMap] = {}  # file id -> database id, per record type
        #: Events this write created with no claim, version or later change yet (the JSON
        #: formats' records), and their state as written: their claims need not look it up.
        self.bare = StateMap()

    def reset(self) -> None:
        """Forget cached ids (after a savepoint rolled back rows they may point to)."""
        self.names.forget()
        self.bare.clear()

    def parse_when(self, draft: EventDraft) -> When:
        """The draft's ``When``: a relative phrase is resolved against its ``reference``, or
        else the publication date of the document of its first claim, or else the write's
        ``reference``. For an expected, planned or scheduled event a month or weekday without
        a year looks forward ("in December", said in February, is the December after)."""
        if isinstance(draft.when, When):
            return draft.when
        reference = draft.reference
        source = next((c.source for c in draft.claims if c.source is not None), None)
        if reference is None and source is None:
            reference = self.reference
        elif reference is None and source is not None:
            if source.id is None:
                reference = source.published
            else:
                row = self.session.get(Source, source.id)
                if row is None:
                    raise NotFoundError("source", source.id)
                reference = row.published_at or row.published
        ahead = Status.coerce(draft.status, field="status").value in _AHEAD
        direction: Direction = "forward" if ahead else "nearest"
        key = (draft.when, reference, direction)
        try:
            return self._whens[key]  # dates repeat: a When is immutable, so it is shared
        except KeyError:
            pass
        except TypeError:  # an unhashable value: When.parse words the error
            return When.parse(draft.when, reference, conventions=self.conventions)
        when = When.parse(draft.when, reference, conventions=self.conventions, direction=direction)
        if len(self._whens) >= CACHE_LIMIT:
            self._whens.clear()
        self._whens[key] = when
        return when

    # -- reference data (the identity rule: timeline.write.names) ----------------------------

    def entity(self, ref: EntityRef) -> int:
        """The id of the entity ``ref`` names (created when unknown and ``ref`` says a kind)."""
        return self.names.entity_id(ref)

    def place(self, ref: PlaceRef) -> int:
        """The id of the place ``ref`` names (inside its parent), created when unknown."""
        return self.names.place_id(ref)

    def find_place(self, ref: PlaceRef) -> int | None:
        """The id of the stored place ``ref`` names, or ``None`` (none, or several)."""
        try:
            return self.names.place_id(_lookup_only(ref))
        except NotFoundError:
            return None

    def find_entity(self, ref: EntityRef) -> int | None:
        """The id of the stored entity ``ref`` names, or ``None`` (none, or several)."""
        try:
            return self.names.entity_id(replace(ref, new_kind=None))
        except NotFoundError:
            return None

    def find_source(self, ref: SourceRef) -> int | None:
        """The id of the stored document ``ref`` names, when it is known by id or by a URL
        looked up already (``None`` otherwise: the per-row path decides)."""
        if ref.id is not None:
            return ref.id
        return self.names.known_source(ref.url) if ref.url else None

    def source(self, ref: SourceRef) -> tuple[int, date]:
        """The id and publication day of the document ``ref`` names, created when unknown."""
        return self.names.source(ref)

    # -- events ------------------------------------------------------------------------------

    def find_event(self, external_ids: dict[str, str]) -> int | None:
        """The id of the stored event with any of these external ids."""
        for scheme, value in external_ids.items():
            found = self.session.scalars(
                select(col(EventExternalId.event_id)).where(
                    col(EventExternalId.scheme) == scheme, col(EventExternalId.value) == value
                )
            ).first()
            if found is not None:
                return int(found)
        return None

    def same_event(self, values: dict[str, Any]) -> int | None:
        """The stored event with the same title, kind and ``When`` (the rule for drafts
        without external ids, when the write matches by content: imports)."""

        def same(column: Any, value: Any) -> Any:
            return col(column).is_(None) if value is None else col(column) == value

        found = self.session.scalars(
            select(col(Event.id)).where(
                col(Event.title) == values["title"],
                col(Event.kind) == values["kind"],
                col(Event.span) == values["span"],
                same(Event.start_earliest, values["start_earliest"]),
                same(Event.end_latest, values["end_latest"]),
                same(Event.edtf, values["edtf"]),
            )
        ).first()
        return int(found) if found is not None else None

    def remember(self, record: EventDraft, event_id: int) -> None:
        """Note which event ``record`` became (kept only when ``keep_ids`` asks for it)."""
        if self.keep_ids:
            self.written.append(event_id)

    def write(self, record: EventDraft) -> str:
        """Create or update the event of ``record``; return ``created``, ``updated`` or
        ``unchanged``."""
        found = plan(self, record)
        values: dict[str, Any] = {
            "title": found.title,
            "summary": record.summary,
            "kind": found.kind,
            "status": found.status,
            "confidence": record.confidence,
            **found.columns,
        }
        event_id = self.find_event(record.external_ids)
        if event_id is None and not record.external_ids and self.match_content:
            event_id = self.same_event(values)
        if event_id is None:
            write_new(self, [found])
            return "created"
        self.remember(record, event_id)
        values["place_id"] = self.place(record.place) if record.place is not None else None
        event = self.session.get(Event, event_id)
        assert event is not None
        check_row(Event, values)  # the same checks as on create
        changed = {k: v for k, v in values.items() if getattr(event, k) != v}
        if record.updated_at is not None and event.updated_at is not None:
            stored = event.updated_at
            if stored.tzinfo is None:
                stored = stored.replace(tzinfo=timezone.utc)
            if record.updated_at <= stored:
                changed = {}  # the stored record is as new as this one: keep it
        for name, value in changed.items():
            setattr(event, name, value)
        outcome = "unchanged"
        if changed:
            event.updated_at = record.updated_at or datetime.now(timezone.utc)
            outcome = "updated"
            self.session.flush()
        if outcome == "updated" and {"status", *WhenColumns.model_fields} & set(changed):
            # The write itself says the new state (published now, so it is the latest word).
            self.claim(event, ClaimDraft(None, status=event.status, when=found.when))
        if self._attach(event, record) and outcome == "unchanged":
            outcome = "updated"
        self.session.flush()
        return outcome

    def _attach(self, event: Event, record: EventDraft) -> bool:
        """Add the record's actors, tags, external ids, claims and parent to a stored event;
        True if any was new."""
        session, event_id = self.session, event.id
        assert event_id is not None
        actors = [(self.entity(found), check_role(role)) for found, role in record.actors]
        added = self.link_actors(event, actors)
        tags = set(
            session.scalars(select(col(EventTag.tag)).where(col(EventTag.event_id) == event_id))
        )
        for tag in record.tags:
            tag = tag.strip()
            if tag and tag not in tags:
                tags.add(tag)
                added = True
                session.add(EventTag(event_id=event_id, tag=tag))
        for scheme, value in record.external_ids.items():
            if self.find_event({scheme: value}) is None:
                added = True
                session.add(
                    validate_row(
                        EventExternalId, {"event_id": event_id, "scheme": scheme, "value": value}
                    )
                )
        for claim in record.claims:
            added = self.claim(event, claim) or added
        parent = record.part_of
        parent_id = self.find_event(parent) if isinstance(parent, dict) else parent
        if parent_id is not None and parent_id != event_id:
            stored = session.get(Event, parent_id)
            if stored is None:
                raise NotFoundError("parent event", parent, "field 'part_of'")
            links.check(session, event, RelationKind.PART_OF, stored)
            added = self.relate(event_id, parent_id) or added
        return added

    def link_actors(self, event: Event, links: list[tuple[int, str]]) -> bool:
        """Add the ``(entity id, role)`` links a stored ``event`` lacks; True if any was."""
        session, added = self.session, False
        assert event.id is not None
        known = {
            (int(entity), str(role))
            for entity, role in session.execute(
                select(col(Participation.entity_id), col(Participation.role)).where(
                    col(Participation.event_id) == event.id
                )
            )
        }
        for entity_id, role in links:
            if (entity_id, role) not in known:
                known.add((entity_id, role))
                added = True
                session.add(
                    Participation(
                        event_id=event.id,
                        entity_id=entity_id,
                        role=role,
                        search_start=event.search_start,
                        search_end=event.search_end,
                    )
                )
        return added

    def relate(self, child: int, parent: int, kind: RelationKind = RelationKind.PART_OF) -> bool:
        """Record ``child`` *kind* ``parent`` unless it is recorded; True if it was new."""
        exists = self.session.scalars(
            select(col(Relation.id)).where(
                col(Relation.source_event_id) == child,
                col(Relation.target_event_id) == parent,
                col(Relation.kind) == kind.value,
            )
        ).first()
        if exists is not None:
            return False
        self.session.add(Relation(source_event_id=child, target_event_id=parent, kind=kind))
        return True

    def claim(self, event: Event, found: ClaimDraft) -> bool:
        """Add what a document says about a stored ``event`` unless it already said it."""
        source_id, _ = self.source(found.source) if found.source else (None, None)
        status = Status.coerce(found.status, field="status") if found.status else event.status
        when = found.when if found.when is not None else event.when
        edtf = when.edtf if when is not None else None
        if (
            self.session.scalars(
                select(col(Claim.id)).where(
                    col(Claim.event_id) == event.id,
                    col(Claim.source_id).is_(None)
                    if source_id is None
                    else col(Claim.source_id) == source_id,
                    col(Claim.status) == status.value,
                    col(Claim.edtf).is_(None) if edtf is None else col(Claim.edtf) == edtf,
                )
            ).first()
            is not None
        ):
            return False
        record_claim(
            self.session,
            event,
            source=self.session.get(Source, source_id) if source_id is not None else None,
            status=status,
            when=when,
            quote=found.quote,
            confidence=found.confidence,
        )
        self.summary.claims += 1
        return True

    def write_claim(self, record: ClaimRecord) -> str:
        """Attach a claim to the event with ``record``'s external id (see GDELT mentions)."""
        event_id = self.find_event({record.scheme: record.value})
        if event_id is None:
            return "missing"
        event = self.session.get(Event, event_id)
        assert event is not None
        added = self.claim(event, record.claim)
        self.session.flush()
        return "updated" if added else "unchanged"


def run_import(
    engine: Engine,
    conventions: Conventions,
    items: Iterable[Item],
    summary: ImportSummary,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    api: str | None = None,
    chunk: int | None = None,
    reference: date | datetime | None = None,
) -> Loader:
    """Write ``items`` in one transaction and fill ``summary``: the one door every write of
    events goes through (``add_event``, ``add_events``, every importer, the command line).

    Without ``skip_invalid`` the first bad row rolls everything back and raises
    :class:`~timeline.ImportRowError`; with it, each bad row is rolled back alone (a savepoint),
    counted as skipped and listed in ``summary.errors``. A ``dry_run`` rolls back at the end.

    ``api`` is set for the Python API's doors: drafts are not matched by content (``add`` adds),
    errors are raised as they are (worded ``"row N: …"`` when ``api == "rows"``), and the ids
    of the events written are kept in ``Loader.written``.
    """
    with (
        fewer_collections(api != "event"),
        write_connection(engine, bulk=api != "event") as connection,
        Session(connection, expire_on_commit=False) as session,
    ):
        lock(session.connection(), WRITE_LOCK)  # PostgreSQL: matched ids stay unmatched
        before = mark_near_misses(session)
        indexes = DeferredIndexes(session.connection(), bulk=api != "event")
        loader = Loader(session, conventions, summary, match_content=api is None)
        loader.keep_ids = api == "event"
        loader.reference = reference
        loader.label = api == "rows"

        def report(error: RowError) -> None:
            if not skip_invalid:
                raise ImportRowError(
                    error.source or summary.source, error.line, error.reason, error.field
                )
            summary.skipped += 1
            summary.errors.append(replace(error, source=summary.source))

        def one(item: EventDraft | Step) -> RowError | None:
            return _write_one(loader, item, skip_invalid)

        # A run of items written a chunk at a time, by ``writer`` (larger chunks on
        # PostgreSQL, where each chunk costs a dozen round trips).
        size = chunk or FAST_CHUNK * (5 if session.get_bind().dialect.name == "postgresql" else 1)
        batch: list[Any] = []
        writer: ChunkWriter = write_records

        def flush_batch() -> None:
            if batch:
                writer(loader, batch, one, report)
                batch.clear()
                session.flush()
                session.expunge_all()
                indexes.written(summary.created)

        try:
            for count, item in enumerate(items, 1):
                if count % FULL_COLLECTION_EVERY == 0 and api != "event":
                    gc.collect()
                chunked = (
                    write_records if isinstance(item, EventDraft) else getattr(item, "chunk", None)
                )
                if chunked is not None:
                    if chunked is not writer:
                        flush_batch()
                        writer = chunked
                    if len(batch) >= size and not _same_group(batch[-1], item, batch):
                        flush_batch()
                    batch.append(item)
                    continue
                flush_batch()
                error = (
                    item if isinstance(item, RowError) else _write_one(loader, item, skip_invalid)
                )
                if error is not None:
                    report(error)
                if count % CHUNK == 0:
                    session.flush()
                    session.expunge_all()
            flush_batch()
            indexes.build()
            check_near_misses(session, before)  # in the transaction: an error keeps nothing
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except UnicodeDecodeError as error:
            _roll_back(session)
            raise UnreadableFileError(
                summary.source or summary.format,
                f"not UTF-8 text ({error.reason}: {error.object[error.start : error.end]!r}); "
                "save it as UTF-8 and import again",
            ) from error
        except exc.IntegrityError as error:
            _roll_back(session)
            raise TimelineError(
                f"importing {summary.source or summary.format} failed, nothing was imported: "
                f"the database refused a row: {error.orig}"
            ) from error
        except BaseException:
            _roll_back(session)
            raise
    summary.dry_run = dry_run
    summary.documents += loader.names.documents
    return loader


def _roll_back(session: Session) -> None:
    """Roll the write back, unless the database has already: on a full disk SQLite may end the
    whole transaction itself, savepoints and all (the error that ended it is what is raised)."""
    try:
        session.rollback()
    except exc.OperationalError:
        driver: Any = session.connection().connection.driver_connection
        if getattr(driver, "in_transaction", True):
            raise


def _same_group(last: Any, item: Any, batch: list[Any]) -> bool:
    """Whether ``item`` continues the group of ``last`` (it then joins its chunk, unless the
    chunk has grown fifty times the usual size)."""
    group = getattr(item, "group", None)
    return (
        group is not None and group == getattr(last, "group", None) and len(batch) < 50 * FAST_CHUNK
    )


def _write_one(
    loader: Loader, item: EventDraft | ClaimRecord | Step, skip_invalid: bool
) -> RowError | None:
    summary = loader.summary
    savepoint = loader.session.begin_nested() if skip_invalid else None
    try:
        # Lookups need not flush first: every write flushes what it adds before it returns.
        with loader.session.no_autoflush:
            if isinstance(item, Step):
                outcome = item.apply(loader)
            elif isinstance(item, ClaimRecord):
                outcome = loader.write_claim(item)
            else:
                outcome = loader.write(item)
    except (BadRow, TimelineError, exc.IntegrityError, exc.DataError) as error:
        if not loader.match_content:  # the Python API: its own errors, as they are
            raised: Exception = error
            if isinstance(error, BadRow):
                raised = InvalidEventError(error.reason, field=error.field)
            elif isinstance(error, exc.DBAPIError):
                raised = InvalidEventError(f"the database refused the change: {error.orig}")
            if loader.label:
                _at_row(raised, item.line)
            if raised is error:
                raise
            raise raised from error
        if savepoint is not None:
            savepoint.rollback()
            loader.reset()
        return RowError(item.line, *explain(error), source=summary.source)
    if savepoint is not None:
        savepoint.commit()
    if outcome == "missing":
        summary.skipped += 1
        if len(summary.notes) < 1000:
            summary.notes.append(
                f"line {item.line}: no event with {item.scheme} id {item.value}"  # type: ignore[union-attr]
            )
    elif outcome == "reference":
        pass
    elif outcome == "created":
        summary.created += 1
    elif outcome == "updated":
        summary.updated += 1
    else:
        summary.unchanged += 1
    return None


def _lookup_only(ref: PlaceRef) -> PlaceRef:
    """``ref`` and its parents, none of them to be created."""
    parent = _lookup_only(ref.parent) if ref.parent is not None else None
    return replace(ref, parent=parent, new_kind=None)


def _at_row(error: Exception, line: int) -> None:
    """Word ``error`` with the row it is about."""
    if error.args and isinstance(error.args[0], str) and not error.args[0].startswith("row "):
        error.args = (f"row {line}: {error.args[0]}", *error.args[1:])
    if isinstance(error, InvalidDateError):
        error.reason = f"row {line}: {error.reason}"
