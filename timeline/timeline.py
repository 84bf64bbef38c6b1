"""The ``Timeline`` facade: open a database, add what an article says, query it back."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import Engine, exc, select
from sqlmodel import Session, SQLModel, col

from . import knowledge, links, migrations, provenance, revisions
from .database import WRITE_LOCK, check_open, lock, open_engine, write_connection
from .errors import EventNotFoundError, InvalidDateError, InvalidEventError, NotFoundError
from .models import (
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
from .query import EventQuery, entity_ids_named, live_template
from .revisions import Revision
from .text import check_name, check_text, name_key
from .vocab import RelationKind, Status, check_kind, check_many, check_mapping, check_role
from .when import Conventions, When

ModelT = TypeVar("ModelT", bound=SQLModel)


def _build(model: type[ModelT], **values: Any) -> ModelT:
    """Build a row through validation (table models skip it on ``__init__``)."""
    for name, value in values.items():
        texts = [*value, *value.values()] if isinstance(value, dict) else [value]
        for text in texts:
            if isinstance(text, str):
                check_text(text, f"{model.__name__.lower()} {name}", indexed=name in _INDEXED)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        what = model.__name__.lower()
        raise InvalidEventError(
            f"invalid {what} {field}: {first['msg']} (got {first.get('input')!r:.200})",
            field=field,
            value=first.get("input"),
        ) from error


#: Columns under a B-tree index (see :data:`timeline.text.MAX_INDEXED_BYTES`).
_INDEXED = frozenset({"url", "scheme", "value"})


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEventError(f"{field} must be non-empty text, not {value!r}", field=field)
    return check_text(value.strip(), field)


class Timeline:
    """A timeline database: events with fuzzy dates, actors, places, sources and claims.

    ``target`` is a SQLite file path, ``":memory:"``, a SQLAlchemy URL
    (``postgresql+psycopg://…``) or an existing ``Engine``. Opening upgrades the schema to the
    version this library expects; with ``migrate=False`` it only checks and refuses clearly.

    >>> with Timeline() as tl:
    ...     tl.add_event("Congress closes", when="2026-02-26", kind="politics.congress").title
    'Congress closes'

    :raises SchemaOutOfDateError: with ``migrate=False``, if the schema is not current.
    :raises SchemaTooNewError: if a newer timeline wrote the database.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | Engine = ":memory:",
        *,
        migrate: bool = True,
        echo: bool = False,
        conventions: Conventions | None = None,
    ) -> None:
        self._owns_engine = not isinstance(target, Engine)
        self.engine = open_engine(target, echo=echo)
        self.conventions = conventions or Conventions()
        try:
            if migrate:
                migrations.upgrade(self.engine)
            else:
                migrations.check(self.engine)
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"Timeline({self.engine.url.render_as_string(hide_password=True)!r})"

    def __enter__(self) -> Timeline:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the connections (an ``Engine`` passed in is left to its owner, usable).

        Every later call that reads or writes, and every query built before, raises
        :class:`TimelineClosedError`.
        """
        self.engine.close(dispose=self._owns_engine)

    def session(self) -> Session:
        """A plain SQLModel ``Session`` on this database: the escape hatch.

        >>> from sqlmodel import select
        >>> with tl.session() as s:  # doctest: +SKIP
        ...     s.exec(select(Event).where(Event.kind == "military.parade")).all()
        """
        check_open(self.engine)
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction: committed if the block succeeds, rolled back (nothing kept) if not.

        On SQLite it is a ``BEGIN IMMEDIATE``: a write that reads first (claims, versions) then
        writes would otherwise fail at once, not wait, when another writer is active.
        """
        with (
            write_connection(self.engine) as connection,
            Session(connection, expire_on_commit=False) as session,
        ):
            try:
                yield session
                session.commit()
            except (exc.IntegrityError, exc.DataError) as error:
                session.rollback()
                raise InvalidEventError(f"the database refused the change: {error.orig}") from error
            except BaseException:
                session.rollback()
                raise

    # -- entities and places ---------------------------------------------------------------

    def add_entity(
        self,
        name: str,
        *,
        kind: str,
        aliases: Iterable[str] = (),
        country: str | None = None,
        external_ids: Mapping[str, str] | None = None,
    ) -> Entity:
        """Add a person, organization, country, outlet…, or return the existing one.

        An entity of the same ``kind`` already known by ``name`` (or any alias, ignoring case and
        accents) is returned, with any new ``aliases`` added to it.
        """
        with self._write() as session:
            return self._upsert_entity(session, name, kind, aliases, country, external_ids)

    def _upsert_entity(
        self,
        session: Session,
        name: str,
        kind: str,
        aliases: Iterable[str] = (),
        country: str | None = None,
        external_ids: Mapping[str, str] | None = None,
    ) -> Entity:
        name = check_name(_text(name, "entity name"), "entity name")
        kind = check_kind(kind, field="entity kind")
        names = [name, *(check_name(_text(alias, "alias"), "alias") for alias in aliases)]
        keys = {name_key(n) for n in names}
        _lock_names(session, *(f"entity {kind} {key}" for key in keys))
        entity = session.scalars(
            select(Entity)
            .join(EntityAlias, col(EntityAlias.entity_id) == col(Entity.id))
            .where(col(EntityAlias.key).in_(keys), col(Entity.kind) == kind)
            .order_by(col(Entity.id))
        ).first()
        if entity is None:
            entity = _build(
                Entity, name=name, kind=kind, country=country, external_ids=dict(external_ids or {})
            )
            session.add(entity)
            session.flush()
        known = set(
            session.scalars(
                select(col(EntityAlias.key)).where(col(EntityAlias.entity_id) == entity.id)
            )
        )
        for alias in names:
            key = name_key(alias)
            if key and key not in known:
                known.add(key)
                session.add(_build(EntityAlias, entity_id=entity.id, name=alias, key=key))
        return entity

    def entity(self, name: str | Entity) -> Entity:
        """The entity known by ``name`` (any alias, any script).

        :raises NotFoundError: if none is, or if several are (the message lists them).
        """
        with self.session() as session:
            return self._entity(session, name)

    def _entity(self, session: Session, name: str | Entity | int) -> Entity:
        if isinstance(name, Entity):
            return name
        if isinstance(name, int) and not isinstance(name, bool):
            entity = session.get(Entity, name)
            if entity is None:
                raise NotFoundError("entity", name)
            return entity
        name = _text(name, "entity name")
        found = list(
            session.scalars(
                select(Entity)
                .where(col(Entity.id).in_(entity_ids_named(name)))
                .order_by(col(Entity.id))
            )
        )
        if not found:
            raise NotFoundError("entity", name, "add it first with add_entity(name, kind=...)")
        if len(found) > 1:
            listed = ", ".join(f"{e.name} ({e.kind}, id {e.id})" for e in found)
            raise NotFoundError("single entity", name, f"it names several: {listed}")
        return found[0]

    def add_place(
        self,
        name: str,
        *,
        kind: str,
        country: str | None = None,
        parent: str | Place | None = None,
        lat: float | None = None,
        lon: float | None = None,
        aliases: Iterable[str] = (),
    ) -> Place:
        """Add a place (inside ``parent``, by name or row), or return the existing one.

        A place with the same name (or alias) and the same parent is the same place; with no
        ``parent`` given, so is a known place of the same name and ``kind``.
        """
        with self._write() as session:
            name = check_name(_text(name, "place name"), "place name")
            parent_row = self._place(session, parent) if parent is not None else None
            parent_id = parent_row.id if parent_row is not None else None
            names = [name, *(check_name(_text(alias, "alias"), "alias") for alias in aliases)]
            keys = {name_key(n) for n in names}
            kind = check_kind(kind, field="place kind")
            _lock_names(session, *(f"place {key}" for key in keys))
            # Without a parent, any place of that kind and name is the one meant.
            same = (
                col(Place.kind) == kind if parent_id is None else col(Place.parent_id) == parent_id
            )
            row = session.scalars(
                select(Place)
                .join(PlaceAlias, col(PlaceAlias.place_id) == col(Place.id))
                .where(col(PlaceAlias.key).in_(keys), same)
                .order_by(col(Place.id))
            ).first()
            if row is None:
                row = _build(
                    Place,
                    name=name,
                    kind=kind,
                    country=country.upper() if country else None,
                    parent_id=parent_id,
                    lat=lat,
                    lon=lon,
                )
                session.add(row)
                session.flush()
            known = set(
                session.scalars(
                    select(col(PlaceAlias.key)).where(col(PlaceAlias.place_id) == row.id)
                )
            )
            for alias in names:
                key = name_key(alias)
                if key and key not in known:
                    known.add(key)
                    session.add(_build(PlaceAlias, place_id=row.id, name=alias, key=key))
            return row

    def place(self, name: str | Place) -> Place:
        """The place known by ``name``.

        :raises NotFoundError: if none is, or several are.
        """
        with self.session() as session:
            return self._place(session, name)

    def _place(self, session: Session, name: str | Place | int) -> Place:
        if isinstance(name, Place):
            return name
        if isinstance(name, int) and not isinstance(name, bool):
            place = session.get(Place, name)
            if place is None:
                raise NotFoundError("place", name)
            return place
        key = name_key(_text(name, "place name"))
        found = list(
            session.scalars(
                select(Place)
                .where(
                    col(Place.id).in_(
                        select(col(PlaceAlias.place_id)).where(col(PlaceAlias.key) == key)
                    )
                )
                .order_by(col(Place.id))
            )
        )
        if not found:
            raise NotFoundError("place", name, "add it first with add_place(name, kind=...)")
        if len(found) > 1:
            listed = ", ".join(f"{p.name} (id {p.id}, in place {p.parent_id})" for p in found)
            raise NotFoundError("single place", name, f"it names several: {listed}")
        return found[0]

    # -- sources ---------------------------------------------------------------------------

    def add_source(
        self,
        title: str,
        *,
        publisher: str | Entity,
        published: date | datetime | str,
        url: str | None = None,
    ) -> Source:
        """Add a published document (a report) or return the existing one.

        ``publisher`` is an entity or a name; a name not yet known becomes an entity of kind
        ``media``. ``published`` is a date, an aware datetime or a string (``"2026-02-26"``);
        relative dates in events from this source are resolved against it. A source with the
        same URL, or the same title, publisher and date, is the same source.
        """
        title = _text(title, "source title")
        if url is not None:
            check_text(url, "source url", indexed=True)
        moment = When.parse(published, conventions=self.conventions)
        if moment.span or moment.start_earliest != moment.start_latest:
            raise InvalidDateError(published, "a publication date must be a single day or time")
        day = moment.start_earliest
        assert day is not None
        published_at = day if isinstance(day, datetime) else None
        published_day = day.date() if isinstance(day, datetime) else day
        with self._write() as session:
            if isinstance(publisher, Entity):
                outlet = publisher
            else:
                try:
                    outlet = self._entity(session, publisher)
                except NotFoundError as missing:
                    if missing.kind != "entity":
                        raise
                    outlet = self._upsert_entity(session, publisher, "media")
            _lock_names(session, f"source {url or title}")
            same = (
                col(Source.url) == url
                if url
                else (
                    (col(Source.title) == title)
                    & (col(Source.publisher_id) == outlet.id)
                    & (col(Source.published) == published_day)
                )
            )
            existing = session.scalars(select(Source).where(same)).first()
            if existing is not None:
                return existing
            source = _build(
                Source,
                title=title,
                url=url,
                publisher_id=outlet.id,
                published=published_day,
                published_at=published_at,
            )
            session.add(source)
            session.flush()
            return source

    def _source(self, session: Session, source: Source | int) -> Source:
        if isinstance(source, Source):
            return source
        found = (
            session.get(Source, source)
            if isinstance(source, int) and not isinstance(source, bool)
            else None
        )
        if found is None:
            raise NotFoundError("source", source)
        return found

    # -- events ----------------------------------------------------------------------------

    def parse_when(self, when: Any, reference: date | datetime | None = None) -> When:
        """Read ``when`` with this timeline's conventions (see :meth:`When.parse`)."""
        return When.parse(when, reference, conventions=self.conventions)

    def add_event(
        self,
        title: str,
        *,
        when: When | date | datetime | str,
        kind: str,
        status: Status | str = Status.OCCURRED,
        place: str | Place | None = None,
        actors: Mapping[str | Entity, str | Iterable[str]] | None = None,
        part_of: Event | int | None = None,
        source: Source | int | None = None,
        quote: str | None = None,
        summary: str | None = None,
        tags: Iterable[str] = (),
        confidence: float | None = None,
        reference: date | datetime | None = None,
        external_ids: Mapping[str, str] | None = None,
    ) -> Event:
        """Record an event; all or nothing.

        ``when`` is a :class:`When`, a ``date``/``datetime`` or a string (EDTF, ISO 8601, free
        text, or a relative phrase such as "later this spring", resolved against ``reference``
        or else ``source``'s publication date). ``actors`` maps an entity name (any alias) to a
        role or several roles. With a ``source`` the event's first claim is recorded, with the
        ``quote``.

        :raises InvalidDateError: if ``when`` cannot be read; nothing is written.
        :raises InvalidEventError: if another field is invalid; nothing is written.
        :raises NotFoundError: if an actor, place, source or parent event is unknown.
        """
        title = _text(title, "title")
        quote = _text(quote, "quote") if quote is not None else None
        kind = check_kind(kind)
        status = Status.coerce(status, field="status")
        with self._write() as session:
            if external_ids:
                lock(session.connection(), WRITE_LOCK, shared=True)  # not amid an import
            source_row = self._source(session, source) if source is not None else None
            if reference is None and source_row is not None:
                reference = source_row.published_at or source_row.published
            value = self.parse_when(when, reference)
            columns = WhenColumns.when_columns(value)
            place_row = self._place(session, place) if place is not None else None
            event = _build(
                Event,
                title=title,
                summary=summary,
                kind=kind,
                status=status,
                place_id=place_row.id if place_row else None,
                confidence=confidence,
                **columns,
            )
            session.add(event)
            session.flush()
            assert event.id is not None
            for name, roles in check_mapping(actors or {}, field="actors").items():
                entity = self._entity(session, name)
                for role in check_many(roles, field="role"):
                    session.add(
                        Participation(
                            event_id=event.id,
                            entity_id=entity.id,  # type: ignore[arg-type]
                            role=check_role(role),
                            search_start=event.search_start,
                            search_end=event.search_end,
                        )
                    )
            for tag in dict.fromkeys(
                check_text(_text(t, "tag"), "tag", indexed=True)
                for t in check_many(tags, field="tags")
            ):
                session.add(EventTag(event_id=event.id, tag=tag))
            for scheme, identifier in check_mapping(
                external_ids or {}, field="external_ids"
            ).items():
                session.add(
                    _build(EventExternalId, event_id=event.id, scheme=scheme, value=identifier)
                )
            if part_of is not None:
                parent = self._event(session, part_of)
                links.check(session, event, RelationKind.PART_OF, parent)
                session.add(
                    Relation(
                        source_event_id=event.id,
                        target_event_id=parent.id,  # type: ignore[arg-type]
                        kind=RelationKind.PART_OF,
                    )
                )
            provenance.record_claim(
                session,
                event,
                source=source_row,
                status=status,
                when=value,
                quote=quote,
                confidence=confidence,
                action="create",
            )
            return event

    def _event(self, session: Session, event: Event | int) -> Event:
        key = event.id if isinstance(event, Event) else event
        found = session.get(Event, key) if isinstance(key, int) else None
        if found is None:
            raise EventNotFoundError(key)
        return found

    def get_event(self, event_id: int) -> Event:
        """The event with this id.

        :raises EventNotFoundError: if there is none.
        """
        with self.session() as session:
            return self._event(session, event_id)

    def relate(self, event: Event | int, kind: RelationKind | str, other: Event | int) -> Relation:
        """Record that ``event`` *kind* ``other`` (``part_of``, ``follows``, ``causes``…)."""
        relation_kind = RelationKind.coerce(kind, field="relation kind")
        with self._write() as session:
            first, second = self._event(session, event), self._event(session, other)
            links.check(session, first, relation_kind, second)  # rules: docs/provenance.md
            relation = Relation(
                source_event_id=first.id,  # type: ignore[arg-type]
                target_event_id=second.id,  # type: ignore[arg-type]
                kind=relation_kind,
            )
            session.add(relation)
            return relation

    def parts_of(self, event: Event | int, *, recursive: bool = False) -> list[Event]:
        """The events recorded as part of ``event`` (with ``recursive``, their parts too)."""
        with self.session() as session:
            return links.parts(session, self._event(session, event).id or 0, recursive=recursive)

    def related(
        self, event: Event | int, kind: RelationKind | str | None = None, *, inverse: bool = False
    ) -> list[tuple[RelationKind, Event]]:
        """``(kind, other)`` for each recorded ``event kind other`` (``inverse=True``: each
        ``other kind event``), optionally of one ``kind``: ``related(parade, "part_of")``."""
        coerced = RelationKind.coerce(kind, field="relation kind") if kind is not None else None
        with self.session() as session:
            found = self._event(session, event).id or 0
            return links.related(session, found, coerced, inverse=inverse)

    def actors(self, event: Event | int) -> list[tuple[Entity, str]]:
        """The entities taking part in ``event``, with their roles."""
        with self.session() as session:
            found = self._event(session, event)
            rows = session.execute(
                select(Entity, col(Participation.role))
                .join(Participation, col(Participation.entity_id) == col(Entity.id))
                .where(col(Participation.event_id) == found.id)
                .order_by(col(Participation.role), col(Entity.name))
            ).all()
            return [(entity, role) for entity, role in rows]

    def claims(self, event: Event | int) -> list[Claim]:
        """What the sources say about ``event``, in published then recorded order."""
        with self.session() as session:
            found = self._event(session, event)
            return list(
                session.scalars(
                    select(Claim)
                    .where(col(Claim.event_id) == found.id)
                    .order_by(col(Claim.published).nulls_first(), col(Claim.id))
                )
            )

    def add_events(self, rows: Iterable[Mapping[str, Any]], *, batch_size: int = 5000) -> int:
        """Load many events at once, in one transaction: the fast path for importers.

        Each row is a dict of :meth:`add_event` keywords; ``part_of`` may also be an external
        id (``{"gdelt": "123"}`` or ``"gdelt:123"``). Returns how many events were added.
        See :mod:`timeline.bulk`.

        :raises InvalidEventError: for a malformed row (named in the message); nothing is written.
        """
        from .bulk import add_events

        return add_events(self, rows, batch_size=batch_size)

    def events(self) -> EventQuery:
        """A composable query over every event (see :class:`EventQuery`).

        Deleted events (tombstones) and merged duplicates are left out.
        """
        check_open(self.engine)
        return EventQuery(self.session, _engine=self.engine)._add("live", live_template)

    # -- provenance: claims, history, revisions, duplicates (docs/provenance.md) --------------

    def add_claim(
        self,
        event: Event | int,
        *,
        source: Source | int | None,
        status: Status | str | None = None,
        when: When | date | datetime | str | None = None,
        quote: str | None = None,
        confidence: float | None = None,
    ) -> Claim:
        """Record what ``source`` says about ``event``: a status and/or a ``When`` (a relative
        ``when`` is resolved against the source's publication date). The event's status and
        ``When`` follow from its claims: the most recently published claim wins for each field,
        ties broken by confidence then recording order. ``source=None`` is a manual edit,
        published on the day it is recorded. A claim about a merged duplicate goes to its
        survivor.

        :raises EventDeletedError: if the event was deleted.
        """
        coerced = Status.coerce(status, field="status") if status is not None else None
        quote = _text(quote, "quote") if quote is not None else None
        with self._write() as session:
            source_row = self._source(session, source) if source is not None else None
            row = provenance.resolve(session, self._event(session, event))
            reference = (source_row.published_at or source_row.published) if source_row else None
            value = None
            if when is not None:
                value = self.parse_when(when, reference or knowledge.utcnow().date())
            return provenance.record_claim(
                session,
                row,
                source=source_row,
                status=coerced,
                when=value,
                quote=quote,
                confidence=confidence,
            )

    def history(self, event: Event | int) -> provenance.History:
        """The claims about ``event`` in published order, with source, quote, status and
        ``When``; ``print(tl.history(visit))`` shows how its expected date moved."""
        with self.session() as session:
            return provenance.history(session, self._event(session, event))

    def revisions(self, event: Event | int) -> list[Revision]:
        """Every recorded change to ``event`` (field, old, new, when, which claim), oldest
        first; the log is append-only and survives deletion."""
        with self.session() as session:
            return revisions.revisions(session, self._event(session, event).id or 0)

    def delete_event(self, event: Event | int, *, reason: str | None = None) -> None:
        """Delete ``event``, leaving a tombstone: its row, claims and revisions stay readable
        (``get_event``, ``history``, ``revisions``) and queries no longer see it."""
        with self._write() as session:
            revisions.delete(session, self._event(session, event), knowledge.utcnow(), reason)

    def restore_event(self, event: Event | int) -> Event:
        """Undo :meth:`delete_event`: the event is live again, its state from its claims."""
        with self._write() as session:
            row = self._event(session, event)
            revisions.restore(session, row, knowledge.utcnow())
            return row

    def merge(self, a: Event | int, b: Event | int) -> Event:
        """Merge duplicate ``b`` into the survivor ``a``: records ``b same_as a``, moves ``b``'s
        claims, participations, statements and tags to ``a`` (every source is kept), re-derives
        ``a``'s state, and hides ``b`` from queries. Reversible with :meth:`unmerge`."""
        with self._write() as session:
            survivor = self._event(session, a)
            provenance.merge(session, survivor, self._event(session, b))
            return survivor

    def unmerge(self, b: Event | int) -> Event:
        """Undo the merge of ``b``: it gets back what it brought, and both states are
        re-derived. Returns ``b``."""
        with self._write() as session:
            duplicate = self._event(session, b)
            provenance.unmerge(session, duplicate)
            return duplicate

    # -- statements ------------------------------------------------------------------------

    def add_statement(
        self,
        speaker: str | Entity,
        text: str,
        *,
        source: Source | int,
        said: When | date | datetime | str | None = None,
        event: Event | int | None = None,
        about: Iterable[str | Entity] = (),
    ) -> Statement:
        """Record who said what, reported by ``source``, optionally at ``event`` and ``about``
        some entities. A relative ``said`` is resolved against the source's publication date."""
        text = _text(text, "statement text")
        with self._write() as session:
            speaker_row = self._entity(session, speaker)
            source_row = self._source(session, source)
            moment = (
                self.parse_when(said, source_row.published_at or source_row.published)
                if said is not None
                else None
            )
            event_row = (
                provenance.resolve(session, self._event(session, event))
                if event is not None
                else None
            )  # a statement at a merged duplicate belongs to its survivor
            statement = _build(
                Statement,
                speaker_id=speaker_row.id,
                text=text,
                source_id=source_row.id,
                event_id=event_row.id if event_row else None,
                said_edtf=moment.edtf if moment else None,
                said_earliest=_day(moment.start_earliest) if moment else None,
                said_latest=_day(moment.end_latest) if moment else None,
            )
            session.add(statement)
            session.flush()
            subjects = {self._entity(session, name).id for name in about}
            for entity_id in subjects:
                session.add(StatementAbout(statement_id=statement.id, entity_id=entity_id))  # type: ignore[arg-type]
            return statement

    def statements(
        self, *, speaker: str | Entity | None = None, about: str | Entity | None = None
    ) -> list[Statement]:
        """Statements, optionally by ``speaker`` and/or about an entity, in recorded order."""
        with self.session() as session:
            query = select(Statement).order_by(col(Statement.id))
            if speaker is not None:
                query = query.where(col(Statement.speaker_id) == self._entity(session, speaker).id)
            if about is not None:
                subject = self._entity(session, about)
                query = query.where(
                    col(Statement.id).in_(
                        select(col(StatementAbout.statement_id)).where(
                            col(StatementAbout.entity_id) == subject.id
                        )
                    )
                )
            return list(session.scalars(query))

    def subjects(self, statement: Statement) -> list[Entity]:
        """The entities a statement is about."""
        with self.session() as session:
            return list(
                session.scalars(
                    select(Entity)
                    .join(StatementAbout, col(StatementAbout.entity_id) == col(Entity.id))
                    .where(col(StatementAbout.statement_id) == statement.id)
                    .order_by(col(Entity.name))
                )
            )


def _lock_names(session: Session, *names: str) -> None:
    """On PostgreSQL, hold ``names`` until commit, so that two writers adding the same entity,
    place or source at once make one row (and wait for any import, which may add it too)."""
    connection = session.connection()
    lock(connection, WRITE_LOCK, shared=True)
    lock(connection, *names)


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
