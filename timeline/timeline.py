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
from .io.base import ImportSummary
from .models import (
    Claim,
    Entity,
    Event,
    Participation,
    Place,
    Relation,
    Source,
    Statement,
    StatementAbout,
)
from .query import EventQuery, live_template
from .revisions import Revision
from .text import check_text
from .vocab import RelationKind, Status
from .when import Conventions, When
from .write import nearmiss
from .write.draft import (
    EventDraft,
    PlaceRef,
    SourceRef,
    draft_from_keywords,
    entity_ref,
    place_ref,
)
from .write.names import ANYWHERE, Names
from .write.pipeline import run_import

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

    >>> with Timeline() as tl:  # in memory
    ...     congress = tl.add_event("Congress", when="2026-02-26", kind="politics.congress")
    ...     visit = tl.add_event("Visit", when="2026-03/2026-05", kind="diplomacy.visit")
    ...     [event.title for event in tl.events().between("2026-04", "2026-04")]
    ['Visit']

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
                lock(session.connection(), WRITE_LOCK)  # PostgreSQL: one writer of names at once
                yield session
                session.commit()
            except (exc.IntegrityError, exc.DataError) as error:
                session.rollback()
                raise InvalidEventError(f"the database refused the change: {error.orig}") from error
            except BaseException:
                session.rollback()
                raise

    # -- entities and places (the identity rule: timeline.write.names) ----------------------

    def add_entity(
        self,
        name: str | Entity | int,
        *,
        kind: str | None = None,
        aliases: Iterable[str] = (),
        country: str | None = None,
        external_ids: Mapping[str, str] | None = None,
    ) -> Entity:
        """Add a person, organization, country, outlet…, or return the existing one.

        An existing entity is returned only when ``name`` is its own name, or an alias of no
        other entity of that ``kind`` (ignoring case and accents); ``aliases`` are then added
        to it. The ``aliases`` never make a new entity match another one: a new person may
        share "Kim" with others. Pass an entity or its id (no ``kind``) to add aliases to it.

        :raises AmbiguousNameError: if ``name`` is an alias of several entities of ``kind``.
        """
        with self._write() as session:
            names = Names(session)
            if isinstance(name, (Entity, int)):
                entity_id = names.entity_id(entity_ref(name))
                names.add_aliases(entity_id, aliases)
            else:
                if kind is None:
                    raise InvalidEventError("a new entity needs its kind", field="kind")
                entity_id = names.add_entity(name, kind, aliases, country, dict(external_ids or {}))
            return _get(session, Entity, entity_id)

    def add_aliases(self, entity: str | Entity | int, *aliases: str) -> Entity:
        """Give ``entity`` more names: ``add_aliases("Kim Jong Un", "Kim", "김정은")``."""
        with self._write() as session:
            names = Names(session)
            entity_id = names.entity_id(entity_ref(entity))
            names.add_aliases(entity_id, aliases)
            return _get(session, Entity, entity_id)

    def entity(self, name: str | Entity | int, *, kind: str | None = None) -> Entity:
        """The entity known by ``name`` (any alias, any script), optionally of ``kind``.

        :raises NotFoundError: if none is.
        :raises AmbiguousNameError: if several are (the message lists them).
        """
        with self.session() as session:
            ref = entity_ref(name)
            ref.kind = kind
            return _get(session, Entity, Names(session).entity_id(ref))

    def add_place(
        self,
        name: str,
        *,
        kind: str,
        country: str | None = None,
        parent: str | Place | int | None = None,
        lat: float | None = None,
        lon: float | None = None,
        aliases: Iterable[str] = (),
    ) -> Place:
        """Add a place (inside ``parent``, by name or row), or return the existing one.

        A stored place of that name inside ``parent`` is the same place; with no ``parent``,
        a stored place of that name anywhere is, when it is the only one (``kind`` breaks
        ties). See docs/identity.md.

        :raises AmbiguousNameError: if the name (or the parent's) means several places.
        """
        with self._write() as session:
            names = Names(session)
            ref = PlaceRef(name, kind, country, lat, lon, new_kind=kind)
            parent_id = names.place_id(place_ref(parent)) if parent is not None else None
            found = names.find_place(name, kind, ANYWHERE if parent_id is None else parent_id)
            if found is None:
                place_id = names.create_place(ref, parent_id, aliases)
            else:
                place_id = found.id
                names.add_place_aliases(place_id, aliases)
            return _get(session, Place, place_id)

    def place(self, name: str | Place | int, *, kind: str | None = None) -> Place:
        """The place known by ``name``.

        :raises NotFoundError: if none is.
        :raises AmbiguousNameError: if several are (narrow with ``kind``).
        """
        with self.session() as session:
            ref = place_ref(name)
            ref.kind = kind
            return _get(session, Place, Names(session).place_id(ref))

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
        with self._write() as session:
            return self._new_source(session, title, publisher, published, url)

    def _new_source(
        self,
        session: Session,
        title: str,
        publisher: str | Entity,
        published: date | datetime | str,
        url: str | None = None,
    ) -> Source:
        """:meth:`add_source` in ``session``'s transaction."""
        title = _text(title, "source title")
        moment = When.parse(published, conventions=self.conventions)
        if moment.span or moment.start_earliest != moment.start_latest:
            raise InvalidDateError(published, "a publication date must be a single day or time")
        assert moment.start_earliest is not None
        outlet = publisher.name if isinstance(publisher, Entity) else publisher
        names = Names(session)
        if isinstance(publisher, Entity):
            names.entity_id(entity_ref(publisher))
        source_id, _ = names.source(SourceRef(title, outlet, moment.start_earliest, url))
        return _get(session, Source, source_id)

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
        place: str | Place | int | None = None,
        actors: Mapping[str | int | Entity, str | Iterable[str]] | None = None,
        part_of: Event | int | str | Mapping[str, str] | None = None,
        source: Source | int | Mapping[str, Any] | None = None,
        quote: str | None = None,
        summary: str | None = None,
        tags: Iterable[str] = (),
        confidence: float | None = None,
        reference: date | datetime | None = None,
        external_ids: Mapping[str, str] | None = None,
        new_actor_kind: str | None = None,
        new_place_kind: str | None = None,
    ) -> Event:
        """Record an event; all or nothing.

        ``when`` is a :class:`When`, a ``date``/``datetime`` or a string (EDTF, ISO 8601, free
        text, or a relative phrase such as "later this spring", resolved against ``reference``
        or else ``source``'s publication date). ``actors`` maps an entity name (any alias) or id
        to a role or several roles. With a ``source`` (a :class:`Source`, its id, or a dict of
        ``title``, ``publisher``, ``published`` and ``url``, found or added with the event) the
        event's first claim is recorded, with the ``quote``. Unknown actors and places are
        refused, unless ``new_actor_kind`` / ``new_place_kind`` say the kind to create them
        with (in the same transaction). An event with an external id that a stored event has
        updates that event instead. Names follow the identity rule of docs/identity.md.

        :raises InvalidDateError: if ``when`` cannot be read; nothing is written.
        :raises InvalidEventError: if another field is invalid; nothing is written.
        :raises NotFoundError: if an actor, place, source or parent event is unknown.
        :raises AmbiguousNameError: if an actor or place name means several.
        """
        values = {
            "title": title,
            "when": when,
            "kind": kind,
            "status": status,
            "place": place,
            "actors": actors,
            "part_of": part_of,
            "source": source,
            "quote": quote,
            "summary": summary,
            "tags": tags,
            "confidence": confidence,
            "reference": reference,
            "external_ids": external_ids,
        }
        draft = draft_from_keywords(
            values, 0, new_actor_kind=new_actor_kind, new_place_kind=new_place_kind
        )
        loader = run_import(
            self.engine, self.conventions, [draft], ImportSummary("api"), api="event"
        )
        return self.get_event(loader.written[0])

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
        """Load many events at once, in one transaction, through the same pipeline as
        :meth:`add_event` (claims, versions and revisions included), a chunk at a time.

        Each row is a dict of :meth:`add_event` keywords; ``part_of`` may also be an external
        id (``{"gdelt": "123"}`` or ``"gdelt:123"``), including one of an earlier row; ``notes``
        (a reviewer's notes on a :meth:`draft_events` draft) is accepted and ignored. Returns
        how many events were added.

        :raises InvalidEventError: for a malformed row (named in the message); nothing is written.
        """
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise InvalidEventError(
                f"batch_size must be a positive integer, not {batch_size!r}", field="batch_size"
            )
        summary = ImportSummary("api")
        drafts = (_row_draft(row, line) for line, row in enumerate(rows))
        run_import(self.engine, self.conventions, drafts, summary, api="rows", chunk=batch_size)
        return summary.created

    def draft_events(
        self,
        text: str,
        *,
        published: date | datetime | str,
        publisher: str | None = None,
        title: str | None = None,
        url: str | None = None,
        kind: str = "unclassified",
    ) -> list[dict[str, Any]]:
        """Event drafts from a news article published on ``published``: one per date in it,
        each a dict that :meth:`add_events` and ``import_file(..., format="drafts")`` take
        (the sentence as quote, the article as source, the actors and place the timeline
        knows that the sentence names; ``notes`` for the reviewer). See docs/text.md.
        """
        from .drafts import draft_events

        article = {"published": published, "publisher": publisher, "title": title, "url": url}
        return draft_events(self, text, article, kind)

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
        source: Source | int | Mapping[str, Any] | None,
        status: Status | str | None = None,
        when: When | date | datetime | str | None = None,
        quote: str | None = None,
        confidence: float | None = None,
    ) -> Claim:
        """Record what ``source`` says about ``event``: a status and/or a ``When`` (a relative
        ``when`` is resolved against the source's publication date). The event's status and
        ``When`` follow from its claims: the most recently published claim wins for each field,
        ties broken by confidence then recording order. ``source=None`` is a manual edit,
        published on the day it is recorded. ``source`` may also be the keywords of
        :meth:`add_source` (``{"title": ..., "publisher": ..., "published": ...}``): the
        report is then found or added in the same transaction as the claim. A claim about a
        merged duplicate goes to its survivor.

        :raises EventDeletedError: if the event was deleted.
        """
        coerced = Status.coerce(status, field="status") if status is not None else None
        quote = _text(quote, "quote") if quote is not None else None
        with self._write() as session:
            before = nearmiss.mark(session)
            if isinstance(source, Mapping):
                source_row: Source | None = self._new_source(session, **source)
            else:
                source_row = self._source(session, source) if source is not None else None
            row = provenance.resolve(session, self._event(session, event))
            reference = (source_row.published_at or source_row.published) if source_row else None
            value = None
            if when is not None:
                value = self.parse_when(when, reference or knowledge.utcnow().date())
            claim = provenance.record_claim(
                session,
                row,
                source=source_row,
                status=coerced,
                when=value,
                quote=quote,
                confidence=confidence,
            )
            nearmiss.check(session, before)  # a new publisher close to a stored name
            return claim

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
            names = Names(session)
            speaker_id = names.entity_id(entity_ref(speaker))
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
                speaker_id=speaker_id,
                text=text,
                source_id=source_row.id,
                event_id=event_row.id if event_row else None,
                said_edtf=moment.edtf if moment else None,
                said_earliest=_day(moment.start_earliest) if moment else None,
                said_latest=_day(moment.end_latest) if moment else None,
            )
            session.add(statement)
            session.flush()
            subjects = {names.entity_id(entity_ref(name)) for name in about}
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
                speaker_id = Names(session).entity_id(entity_ref(speaker))
                query = query.where(col(Statement.speaker_id) == speaker_id)
            if about is not None:
                subject_id = Names(session).entity_id(entity_ref(about))
                query = query.where(
                    col(Statement.id).in_(
                        select(col(StatementAbout.statement_id)).where(
                            col(StatementAbout.entity_id) == subject_id
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


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _row_draft(row: Mapping[str, Any], line: int) -> EventDraft:
    try:
        return draft_from_keywords(row, line)
    except InvalidEventError as error:
        raise InvalidEventError(
            f"row {line}: {error}", field=error.field, value=error.value
        ) from None


def _get(session: Session, model: type[ModelT], ident: int) -> ModelT:
    row = session.get(model, ident)
    assert row is not None
    return row
