"""Write a stream of imported records in one transaction: all or nothing, or skip and report.

Everything an import writes goes through :func:`run_import`. Events are matched to stored ones
by external id (``timeline_event_external_id``, unique per scheme and value) and, when a record
has none, by title, kind and dates, so importing a file twice changes nothing the second time.
Entities are matched by name (any alias) and kind, places by name and parent, documents by URL
(else title, publisher and date). Lookups are cached, and the session is cleared every
:data:`CHUNK` rows, so memory stays flat on files of millions of rows.

Runs of event records go through :mod:`timeline.io.fast` first, which writes the new events
among them a chunk at a time and hands every other record back to :class:`Loader`, in order;
runs of :class:`~timeline.io.base.Step` items with a ``chunk`` writer (the JSON formats' event
and claim records) go to that writer the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import exc, select
from sqlmodel import Session, col

from ..database import WRITE_LOCK, lock, write_connection
from ..errors import ImportRowError, InvalidDateError, TimelineError, UnreadableFileError
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
    WhenColumns,
)
from ..text import check_name, check_text, name_key
from ..vocab import RelationKind, Status, check_kind, check_role
from ..when import When
from .base import (
    BadRow,
    ChunkWriter,
    ClaimIn,
    ClaimRecord,
    EntityIn,
    EventRecord,
    ImportSummary,
    Item,
    PlaceIn,
    RowError,
    SourceIn,
    Step,
    check_record_text,
)
from .claims import store_claim
from .fast import FAST_CHUNK, write_records

if TYPE_CHECKING:
    from ..timeline import Timeline

#: Rows between session flush-and-clear (bounded memory; the transaction stays open).
CHUNK = 2000

#: Cached lookups kept per kind before the cache is cleared (bounded memory).
CACHE_LIMIT = 50_000

#: Event columns that an update compares and rewrites.
_EVENT_FIELDS = ("title", "summary", "kind", "status", "place_id", "confidence")


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _validate(model: type[Any], values: dict[str, Any]) -> Any:
    for name, value in values.items():
        if isinstance(value, str):
            check_text(value, name)  # NUL and over-long text, as the API refuses them
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise BadRow(f"{name}: {first['msg']} (got {first.get('input')!r:.200})", name) from None


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


class Loader:
    """Writes records on one session, with lookup caches; one instance per import."""

    def __init__(self, tl: Timeline, session: Session, summary: ImportSummary) -> None:
        self.tl = tl
        self.session = session
        self.summary = summary
        self.missing = 0
        self.ids: dict[str, dict[Any, int]] = {}  # file id -> database id, per record type
        self.reset()

    def reset(self) -> None:
        """Forget cached ids (after a savepoint rolled back rows they may point to)."""
        self._entities: dict[tuple[str, str], int] = {}
        self._places: dict[tuple[str, int | None], int] = {}
        self._sources: dict[tuple[Any, ...], tuple[int, date]] = {}

    # -- reference data ----------------------------------------------------------------------

    def entity(self, found: EntityIn) -> int:
        """The id of the entity ``found`` names, created when none of that kind is known."""
        name = found.name.strip()
        if not name:
            raise BadRow("an actor name is empty", "actor")
        check_name(name, "entity name")
        kind = check_kind(found.kind, field="entity kind")
        key = (name_key(name), kind)
        cached = self._entities.get(key)
        if cached is not None:
            return cached
        entity_id = self.session.scalars(
            select(col(Entity.id))
            .join(EntityAlias, col(EntityAlias.entity_id) == col(Entity.id))
            .where(col(EntityAlias.key) == key[0], col(Entity.kind) == kind)
            .order_by(col(Entity.id))
        ).first()
        if entity_id is None:
            row = _validate(
                Entity,
                {
                    "name": name,
                    "kind": kind,
                    "country": found.country,
                    "external_ids": dict(found.external_ids),
                },
            )
            self.session.add(row)
            self.session.flush()
            entity_id = row.id
            self.session.add(EntityAlias(entity_id=entity_id, name=name, key=key[0]))
        _remember(self._entities, key, int(entity_id))
        return int(entity_id)

    def place(self, found: PlaceIn) -> int:
        """The id of the place ``found`` names (inside its parent), created when unknown."""
        parent_id = self.place(found.parent) if found.parent is not None else None
        name = found.name.strip()
        if not name:
            raise BadRow("a place name is empty", "place")
        check_name(name, "place name")
        for value, low, high, label in ((found.lat, -90, 90, "lat"), (found.lon, -180, 180, "lon")):
            if value is not None and not low <= value <= high:
                raise BadRow(f"{label} {value} is outside {low}..{high}", label)
        key = (name_key(name), parent_id)
        place_id = self._stored_place(key)
        if place_id is None:
            row = _validate(
                Place,
                {
                    "name": name,
                    "kind": check_kind(found.kind, field="place kind"),
                    "country": found.country.upper() if found.country else None,
                    "parent_id": parent_id,
                    "lat": found.lat,
                    "lon": found.lon,
                    "external_ids": dict(found.external_ids),
                },
            )
            self.session.add(row)
            self.session.flush()
            place_id = row.id
            self.session.add(PlaceAlias(place_id=place_id, name=name, key=key[0]))
        _remember(self._places, key, int(place_id))
        return int(place_id)

    def find_place(self, found: PlaceIn) -> int | None:
        """The id of the stored place ``found`` names (inside its parent), or ``None``."""
        parent_id = None
        if found.parent is not None:
            parent_id = self.find_place(found.parent)
            if parent_id is None:
                return None
        return self._stored_place((name_key(found.name.strip()), parent_id))

    def _stored_place(self, key: tuple[str, int | None]) -> int | None:
        cached = self._places.get(key)
        if cached is not None:
            return cached
        same_parent = (
            col(Place.parent_id).is_(None) if key[1] is None else col(Place.parent_id) == key[1]
        )
        place_id = self.session.scalars(
            select(col(Place.id))
            .join(PlaceAlias, col(PlaceAlias.place_id) == col(Place.id))
            .where(col(PlaceAlias.key) == key[0], same_parent)
            .order_by(col(Place.id))
        ).first()
        if place_id is not None:
            _remember(self._places, key, int(place_id))
        return None if place_id is None else int(place_id)

    def source(self, found: SourceIn) -> tuple[int, date]:
        """The id and publication day of the document ``found`` names, created when unknown."""
        day = _day(found.published)
        publisher = self.entity(EntityIn(found.publisher, "media"))
        title = found.title.strip() or (found.url or "")
        key: tuple[Any, ...] = (found.url,) if found.url else (name_key(title), publisher, day)
        cached = self._sources.get(key)
        if cached is not None:
            return cached
        same = (
            col(Source.url) == found.url
            if found.url
            else (
                (col(Source.title) == title)
                & (col(Source.publisher_id) == publisher)
                & (col(Source.published) == day)
            )
        )
        row = self.session.scalars(select(Source).where(same).order_by(col(Source.id))).first()
        if row is None:
            at = found.published if isinstance(found.published, datetime) else None
            row = _validate(
                Source,
                {
                    "title": title,
                    "url": found.url,
                    "publisher_id": publisher,
                    "published": day,
                    "published_at": at,
                },
            )
            self.session.add(row)
            self.session.flush()
            self.summary.documents += 1
        found_key = (int(row.id), row.published)  # type: ignore[arg-type]
        _remember(self._sources, key, found_key)
        return found_key

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

    def _same_event(self, values: dict[str, Any]) -> int | None:
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

    def write(self, record: EventRecord) -> str:
        """Create or update the event of ``record``; return ``created``, ``updated`` or
        ``unchanged``."""
        check_record_text(record)
        when = (
            record.when
            if isinstance(record.when, When)
            else self.tl.parse_when(record.when, record.reference)
        )
        columns = WhenColumns.when_columns(when)
        values: dict[str, Any] = {
            "title": (record.title or "").strip(),
            "summary": record.summary,
            "kind": check_kind(record.kind),
            "status": Status.coerce(record.status, field="status"),
            "place_id": self.place(record.place) if record.place is not None else None,
            "confidence": record.confidence,
            **columns,
        }
        if not values["title"]:
            raise BadRow("the title is empty", "title")
        event_id = self.find_event(record.external_ids)
        if event_id is None and not record.external_ids:
            event_id = self._same_event(values)
        if event_id is None:
            if record.updated_at is not None:
                values["updated_at"] = record.updated_at
            event = _validate(Event, values)
            self.session.add(event)
            self.session.flush()
            outcome, changed = "created", {}
            if len(self.summary.created_titles) < 1000:
                self.summary.created_titles.append(event.title)
        else:
            event = self.session.get(Event, event_id)
            assert event is not None
            _validate(Event, values)  # the same checks as on create
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
        if outcome == "created" and not record.claims:
            self.claim(event, ClaimIn(status=event.status, when=when), action="create")
        elif outcome == "updated" and {"status", *WhenColumns.model_fields} & set(changed):
            # The import itself says the new state (published now, so it is the latest word).
            self.claim(event, ClaimIn(None, status=event.status, when=when))
        if self._attach(event, record, fresh=outcome == "created") and outcome == "unchanged":
            outcome = "updated"
        self.session.flush()
        return outcome

    def _attach(self, event: Event, record: EventRecord, fresh: bool = False) -> bool:
        """Add the record's actors, tags, external ids, claims and parent; True if any was new.

        ``fresh``: the event was just created, so it has none yet (no lookups needed).
        """
        session, event_id, added = self.session, event.id, False
        assert event_id is not None
        people: set[tuple[int, str]] = (
            set()
            if fresh
            else set(
                session.execute(
                    select(col(Participation.entity_id), col(Participation.role)).where(
                        col(Participation.event_id) == event_id
                    )
                )
            )
        )
        for found, role in record.actors:
            link = (self.entity(found), check_role(role))
            if link not in people:
                people.add(link)
                added = True
                session.add(
                    Participation(
                        event_id=event_id,
                        entity_id=link[0],
                        role=link[1],
                        search_start=event.search_start,
                        search_end=event.search_end,
                    )
                )
        tags: set[str] = (
            set()
            if fresh
            else set(
                session.scalars(select(col(EventTag.tag)).where(col(EventTag.event_id) == event_id))
            )
        )
        for tag in record.tags:
            tag = tag.strip()
            if tag and tag not in tags:
                tags.add(tag)
                added = True
                session.add(EventTag(event_id=event_id, tag=tag))
        for scheme, value in record.external_ids.items():
            # A fresh event was created because no event had any of these ids.
            owner = None if fresh else self.find_event({scheme: value})
            if owner is None:
                added = True
                session.add(
                    _validate(
                        EventExternalId, {"event_id": event_id, "scheme": scheme, "value": value}
                    )
                )
        said: set[tuple[Any, ...]] = set()
        for claim in record.claims:
            added = self.claim(event, claim, said=said if fresh else None) or added
        for scheme, value in record.part_of.items():
            parent = self.find_event({scheme: value})
            if parent is not None and parent != event_id:
                added = self.relate(event_id, parent) or added
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

    def claim(
        self,
        event: Event,
        found: ClaimIn,
        action: str = "claim",
        said: set[tuple[Any, ...]] | None = None,
    ) -> bool:
        """Add what a document says about ``event`` unless that document already said it.

        ``said``: for a fresh event, the claims added so far (checked instead of the database).
        """
        source_id, _ = self.source(found.source) if found.source else (None, None)
        status = Status.coerce(found.status, field="status") if found.status else event.status
        when = found.when if found.when is not None else event.when
        edtf = when.edtf if when is not None else None
        if said is not None:
            key = (source_id, status.value, edtf)
            if key in said:
                return False
            said.add(key)
        elif (
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
        store_claim(
            self.session, event, source_id, status, when, found.quote, found.confidence, action
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
    tl: Timeline,
    items: Iterable[Item],
    summary: ImportSummary,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportSummary:
    """Write ``items`` in one transaction and fill ``summary``.

    Without ``skip_invalid`` the first bad row rolls everything back and raises
    :class:`~timeline.ImportRowError`; with it, each bad row is rolled back alone (a savepoint),
    counted as skipped and listed in ``summary.errors``. A ``dry_run`` rolls back at the end.
    """
    with (
        write_connection(tl.engine, bulk=True) as connection,
        Session(connection, expire_on_commit=False) as session,
    ):
        lock(session.connection(), WRITE_LOCK)  # PostgreSQL: matched ids stay unmatched
        loader = Loader(tl, session, summary)

        def report(error: RowError) -> None:
            if not skip_invalid:
                raise ImportRowError(
                    error.source or summary.source, error.line, error.reason, error.field
                )
            summary.skipped += 1
            summary.errors.append(replace(error, source=summary.source))

        def one(item: EventRecord | Step) -> RowError | None:
            return _write_one(loader, item, skip_invalid)

        # A run of items written a chunk at a time, by ``writer`` (larger chunks on
        # PostgreSQL, where each chunk costs a dozen round trips).
        size = FAST_CHUNK * (5 if session.get_bind().dialect.name == "postgresql" else 1)
        batch: list[Any] = []
        writer: ChunkWriter = write_records

        def flush_batch() -> None:
            if batch:
                writer(loader, batch, one, report)
                batch.clear()
                session.flush()
                session.expunge_all()

        try:
            for count, item in enumerate(items, 1):
                chunked = (
                    write_records if isinstance(item, EventRecord) else getattr(item, "chunk", None)
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
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except UnicodeDecodeError as error:
            session.rollback()
            raise UnreadableFileError(
                summary.source or summary.format,
                f"not UTF-8 text ({error.reason}: {error.object[error.start : error.end]!r}); "
                "save it as UTF-8 and import again",
            ) from error
        except exc.IntegrityError as error:
            session.rollback()
            raise TimelineError(
                f"importing {summary.source or summary.format} failed, nothing was imported: "
                f"the database refused a row: {error.orig}"
            ) from error
        except BaseException:
            session.rollback()
            raise
    summary.dry_run = dry_run
    return summary


def _same_group(last: Any, item: Any, batch: list[Any]) -> bool:
    """Whether ``item`` continues the group of ``last`` (it then joins its chunk, unless the
    chunk has grown fifty times the usual size)."""
    group = getattr(item, "group", None)
    return (
        group is not None and group == getattr(last, "group", None) and len(batch) < 50 * FAST_CHUNK
    )


def _explain(error: Exception) -> tuple[str, str | None]:
    """The reason and field of a refused row, for a :class:`RowError`."""
    if isinstance(error, BadRow):
        return error.reason, error.field
    if isinstance(error, InvalidDateError):
        return str(error), "when"
    if isinstance(error, exc.DBAPIError):
        return f"the database refused the row: {error.orig}", None
    name = getattr(error, "field", None)
    return str(error), name if isinstance(name, str) else None


def _write_one(
    loader: Loader, item: EventRecord | ClaimRecord | Step, skip_invalid: bool
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
        if savepoint is not None:
            savepoint.rollback()
            loader.reset()
        return RowError(item.line, *_explain(error), source=summary.source)
    if savepoint is not None:
        savepoint.commit()
    if outcome == "missing":
        summary.skipped += 1
        if len(summary.notes) < 1000:
            summary.notes.append(
                f"line {item.line}: no event with {item.scheme} id {item.value}"  # type: ignore[union-attr]
            )
        loader.missing += 1
    elif outcome == "reference":
        pass
    elif outcome == "created":
        summary.created += 1
    elif outcome == "updated":
        summary.updated += 1
    else:
        summary.unchanged += 1
    return None
